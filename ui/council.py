"""Streamlit glue of the council's cycle (issue 12): proposing focus goals from the
matrix, the decision list with its history and the step forms by role, and which rating
sources count in the council's matrix.

Every step asks for confirmation (a box to tick in the step's form) and names what it
changes; the store checks the role and the state again and audits the step.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from sdg import fmt
from sdg.errors import SdgError
from sdg.escape import md
from sdg.store.decisions import NEXT
from ui.i18n import start_values, tr
from ui.materiality import INCLUDED_KEY, labeller
from ui.state import actor, get_store, lang, show_error
from ui.tables import show

DECISION_PAGE = "pages/vedtak.py"


def _goals_text(goals) -> str:
    return ", ".join(str(int(g)) for g in goals) if goals is not None else "–"


def _date(value) -> str:
    return fmt.date(value, lang())


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def decision_line(decision: dict | None) -> str:
    """"Vedtatt i sak 2019/123, kommunestyret 12.03.2019" (or without a case number)."""
    if decision is None:
        return ""
    case = _text(decision.get("case_number"))
    date = _date(decision.get("meeting_date") or decision.get("decided_on"))
    if case:
        return tr("council.adopted_line", case=md(case), date=date)
    return tr("council.adopted_line_no_case", date=date)


def _confirmed(box: bool) -> bool:
    if not box:
        st.error(tr("council.err.confirm"))
    return box


# ------------------------------------------------------------ proposing (matrix page)
def proposal_form(code: str, suggested: list[int], view: dict) -> None:
    """Analysts: save a draft or put forward a proposal with the matrix's view."""
    with st.form("mat_decision"):
        st.caption(tr("council.propose.help"))
        goals = st.multiselect(tr("materiality.decision.goals"), list(range(1, 18)),
                               default=suggested, key="mat_dec_goals")
        rationale = st.text_area(tr("materiality.decision.rationale"), key="mat_dec_text")
        confirm = st.checkbox(tr("council.propose.confirm"), key="mat_dec_confirm")
        left, right = st.columns(2)
        draft = left.form_submit_button(tr("council.draft.save"), key="mat_dec_draft")
        propose = right.form_submit_button(tr("council.propose.save"), type="primary",
                                           key="mat_dec_propose")
        if (draft or propose) and _confirmed(confirm):
            try:
                new_id = get_store().save_proposal(code, goals, rationale=rationale,
                                                   settings=view, actor=actor(),
                                                   propose=bool(propose), lang=lang())
            except SdgError as err:
                show_error(err)
            else:
                st.success(tr("council.propose.saved" if propose else "council.draft.saved",
                              id=new_id))
    st.page_link(DECISION_PAGE, label=tr("council.nav.link"), icon=":material/gavel:")


# ------------------------------------------------------------ the decision page
def decisions_table(decisions: pd.DataFrame) -> pd.DataFrame:
    """Every decision: number, state, goals (adopted or proposed), the proposal, case
    number, meeting date, proposed by, adopted by, reason it ended."""
    rationale = decisions[f"rationale_{lang()}"].fillna(decisions["rationale_nb"]).fillna("")
    return pd.DataFrame({
        tr("council.col.id"): decisions["id"],
        tr("council.col.state"): decisions["state"].map(lambda s: tr(f"council.state.{s}")),
        tr("materiality.decision.goals"): decisions["goals"].map(_goals_text),
        tr("council.col.proposed_goals"): decisions["proposed_goals"].map(_goals_text),
        tr("council.col.case"): decisions["case_number"].map(_text),
        tr("council.col.meeting"): decisions["meeting_date"].map(_date),
        tr("council.col.proposed_by"): decisions["proposed_by"].map(_text),
        tr("council.col.adopted_by"): decisions["adopted_by"].map(_text),
        tr("council.col.end_reason"): decisions["end_reason"].map(_text),
        tr("materiality.decision.rationale"): rationale,
    })


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """Every step: when, decision, step, state after it, goals, who (role), detail."""
    return pd.DataFrame({
        tr("council.col.when"): history["happened_at"].map(
            lambda v: fmt.datetime(v, lang())),
        tr("council.col.id"): history["decision_id"],
        tr("council.col.step"): history["action"].map(lambda a: tr(f"council.step.{a}")),
        tr("council.col.state"): history["state"].map(lambda s: tr(f"council.state.{s}")),
        tr("materiality.decision.goals"): history["goals"].map(_goals_text),
        tr("materiality.decision.who"): [f"{a} ({tr(f'auth.role.{r}')})" for a, r in
                                         zip(history["actor"], history["role"], strict=True)],
        tr("council.col.detail"): history["detail"].map(detail_text),
    })


_DETAIL_KEYS = {"case_number": "council.col.case", "meeting_date": "council.col.meeting",
                "proposed_goals": "council.col.proposed_goals", "reason": "council.detail.reason",
                "superseded_by": "council.detail.superseded_by", "note": "council.adopt.note",
                "was": "council.detail.was"}


def detail_text(raw) -> str:
    """A step's detail in words: "Saksnummer: 2025/117 · Møtedato: 19.06.2025 · …"."""
    import json

    try:
        detail = json.loads(_text(raw) or "{}")
    except ValueError:
        return _text(raw)
    parts = []
    for key, value in detail.items():
        if value is None or value == "" or key not in _DETAIL_KEYS:
            continue
        if key == "meeting_date":
            value = _date(value)
        elif key == "proposed_goals":
            value = _goals_text(value)
        elif key == "was":
            value = tr(f"council.state.{value}")
        elif key == "superseded_by":
            value = f"#{value}"
        parts.append(f"{tr(_DETAIL_KEYS[key])}: {value}")
    return " · ".join(parts)


def step_forms(decision: dict) -> None:
    """The steps the signed-in role may take on one decision, each with a confirmation."""
    who = actor()
    state = decision["state"]
    did = int(decision["id"])
    steps = NEXT.get(state, ())
    shown = False
    if "propose" in steps and who.may("decision.propose"):
        shown = True
        with st.form(f"dec_propose_{did}"):
            st.markdown(tr("council.propose.draft_help"))
            confirm = st.checkbox(tr("council.propose.confirm"), key=f"dec_pc_{did}")
            if st.form_submit_button(tr("council.propose.save"), type="primary") \
                    and _confirmed(confirm):
                _run(lambda: get_store().propose(did, actor=who), "council.propose.done")
    if "adopt" in steps and who.may("decision.adopt"):
        shown = True
        with st.form(f"dec_adopt_{did}"):
            st.markdown(tr("council.adopt.help"))
            goals = st.multiselect(tr("council.adopt.goals"), list(range(1, 18)),
                                   default=[int(g) for g in decision["goals"]],
                                   key=f"dec_goals_{did}")
            case = st.text_input(tr("council.col.case"), key=f"dec_case_{did}",
                                 placeholder="2025/123")
            meeting = st.date_input(tr("council.col.meeting"), dt.date.today(),
                                    max_value=dt.date.today(), format="DD.MM.YYYY",
                                    key=f"dec_date_{did}")
            note = st.text_input(tr("council.adopt.note"), key=f"dec_note_{did}")
            confirm = st.checkbox(tr("council.adopt.confirm"), key=f"dec_ac_{did}")
            if st.form_submit_button(tr("council.adopt.save"), type="primary") \
                    and _confirmed(confirm):
                _run(lambda: get_store().adopt(did, goals=goals, case_number=case,
                                               meeting_date=meeting, actor=who, note=note),
                     "council.adopt.done")
    permission = "decision.adopt" if state == "adopted" else "decision.propose"
    if "withdraw" in steps and who.may(permission):
        shown = True
        with st.form(f"dec_withdraw_{did}"):
            reason = st.text_input(tr("council.withdraw.reason"), key=f"dec_reason_{did}")
            confirm = st.checkbox(tr("council.withdraw.confirm"), key=f"dec_wc_{did}")
            if st.form_submit_button(tr("council.withdraw.save")) and _confirmed(confirm):
                _run(lambda: get_store().withdraw(did, reason=reason, actor=who),
                     "council.withdraw.done")
    if not shown:
        st.caption(tr("council.no_steps", state=tr(f"council.state.{state}")))


def _run(step, done_key: str) -> None:
    try:
        step()
    except SdgError as err:
        show_error(err)
        return
    st.cache_data.clear()
    st.success(tr(done_key))


# ------------------------------------------------------------ sources in the matrix
def sources_table(sources: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """Which sources count in the council's matrix, with respondents and weight."""
    def weight(row) -> str:
        if not row.current:
            return "–"
        return fmt.number(weights.get(str(row.id), 1.0), 1, lang())

    return pd.DataFrame({
        tr("council.src.in"): sources["current"].map({True: "✔", False: "—"}),
        tr("council.src.name"): sources["name"],
        tr("council.src.kind"): sources["kind"].map(lambda k: tr(f"materiality.kind.{k}")),
        tr("council.src.held"): sources["held_on"].map(_date),
        tr("council.src.n"): sources["respondents"].astype(int),
        tr("council.src.weight"): [weight(r) for r in sources.itertuples()],
        tr("council.src.why"): [_why(r) for r in sources.itertuples()],
        tr("council.src.id"): sources["id"],
    })


def _why(row) -> str:
    if row.current:
        return tr("council.src.why.in", who=_text(row.included_by) or "–")
    if not row.included:
        return tr("council.src.why.new")
    if row.kind == "administration":
        return tr("council.src.why.old_version")
    return tr("council.src.why.archived")


def sources_panel(code: str, weights: dict[str, float]) -> None:
    """The sources of the council's matrix; analysts include or leave out one at a time."""
    store = get_store()
    sources = store.rating_sources(code)
    st.subheader(tr("council.src.header"))
    st.caption(tr("council.src.help"))
    if sources.empty:
        st.caption(tr("council.src.none"))
        return
    show(sources_table(sources, weights), f"kilder_{code}.csv", key="council_sources",
         kinds={tr("council.src.n"): 0})
    if not actor().may("sources.include"):
        return
    labels = {int(r.id): f"{r.name} (#{r.id}, {tr(f'materiality.kind.{r.kind}')})"
              for r in sources.itertuples()}
    with st.form("mat_include"):
        pick = st.selectbox(tr("council.src.pick"), list(labels), key="mat_inc_pick",
                            format_func=lambda i: labels[i], **start_values("mat_inc_pick", labels))
        action = st.radio(tr("council.src.action"), ["include", "exclude"], horizontal=True,
                          key="mat_inc_value", format_func=labeller("council.src"),
                          **start_values("mat_inc_value"))
        confirm = st.checkbox(tr("council.src.confirm"), key="mat_inc_confirm")
        if st.form_submit_button(tr("council.src.save")) and _confirmed(confirm):
            try:
                store.set_source_included(pick, action == "include", actor=actor())
            except SdgError as err:
                show_error(err)
                return
            st.cache_data.clear()
            if action == "include":
                st.session_state[INCLUDED_KEY] = pick  # the filter picks it up next run
            st.toast(tr("council.src.saved"))
            st.rerun()
