"""Vedtak om fokusmål: the council's decisions with their life cycle and history.

Everyone sees the decision in force, every proposal and every step; an analyst puts a
draft forward or withdraws a proposal, the council's secretary (or an admin) records
the adoption with case number and meeting date, or withdraws an adopted decision.
"""

import streamlit as st

from ui.council import decision_line, decisions_table, history_table, step_forms
from ui.i18n import start_values, tr
from ui.nav import require_router
from ui.state import get_store, municipality, municipality_label
from ui.tables import show

require_router()

store = get_store()
code = municipality()

st.title(tr("council.title"))
st.caption(tr("council.intro", municipality=municipality_label()))

adopted = store.adopted_decision(code)
if adopted is None:
    st.info(tr("council.none_adopted"))
else:
    st.success(tr("council.in_force", goals=", ".join(map(str, adopted["goals"])))
               + " " + decision_line(adopted))

decisions = store.focus_decisions(code)
if decisions.empty:
    st.caption(tr("council.none"))
    st.stop()

st.subheader(tr("council.list"))
show(decisions_table(decisions), f"vedtak_{code}.csv", key="decisions")

labels = {int(r.id): f"#{r.id} · {tr(f'council.state.{r.state}')} · "
          + ", ".join(str(int(g)) for g in r.goals) for r in decisions.itertuples()}
open_first = [i for i, s in zip(decisions["id"], decisions["state"], strict=True)
              if s in ("proposed", "draft")]
ids = list(labels)
pick = st.selectbox(tr("council.pick"), ids, key="dec_pick",
                    **start_values("dec_pick", ids,
                            index=ids.index(int(open_first[0])) if open_first else 0),
                    format_func=lambda i: labels[i])
st.subheader(tr("council.steps", id=pick))
step_forms(store.focus_decision(pick))

st.subheader(tr("council.history"))
show(history_table(store.decision_history(code)), f"vedtakshistorikk_{code}.csv",
     key="decision_history")
