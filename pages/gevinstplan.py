"""Gevinstplan: the benefits-realisation plan of the municipality (METHODS.md §5).

Tabs: the editable plan (validated as a whole before one atomic save), the benefit
map goal → goal area → benefit → indicator, the owner's view, and the change log.
"""

import streamlit as st

from sdg.benefits import benefit_map, owner_view, owners
from sdg.errors import SdgError
from sdg.escape import md
from ui import benefits as ub
from ui.i18n import tr
from ui.nav import require_router
from ui.state import actor, get_store, lang, municipality, municipality_label, show_error
from ui.tables import csv_button, show

require_router()

store = get_store()
code = municipality()
cat = ub.catalogue(code)
records = ub.plan(code)

st.title(tr("benefits.title", municipality=municipality_label()))
st.markdown(tr("benefits.intro"))
if records["is_demo"].any():
    st.warning(f"**{tr('demo.badge')}** – "
               + tr("benefits.demo_note", municipality=municipality_label()))

tab_plan, tab_map, tab_owner, tab_log = st.tabs(
    [tr("benefits.tab.plan"), tr("benefits.tab.map"), tr("benefits.tab.owner"),
     tr("benefits.tab.log")])

# ------------------------------------------------------------------ plan
with tab_plan:
    flash = st.session_state.pop(ub.FLASH_KEY, None)
    if flash is not None:
        st.success(tr("benefits.saved", **flash["saved"]))
        if not flash["problems"].empty:
            st.warning(tr("benefits.warnings", n=len(flash["problems"])))
            show(ub.problem_table(flash["problems"]), f"gevinstplan_{code}_advarsler.csv",
                 key="benefits_warnings")
    if records.empty:
        st.info(tr("benefits.empty", municipality=municipality_label()))
    if not actor().may("benefits.write"):  # council members read the plan
        st.caption(tr("benefits.read_only"))
        st.dataframe(ub.read_only_table(records), hide_index=True,
                     column_config=ub.column_config(cat["indicators"], cat["goal_areas"],
                                                    editable=False))
        csv_button(ub.editor_frame(records), f"gevinstplan_{code}.csv", key="benefits_plan_csv")
    else:
        st.caption(tr("benefits.editor_help"))
        edited = st.data_editor(
            ub.editor_frame(records), key=ub.editor_key(code), num_rows="dynamic",
            hide_index=True,
            column_config=ub.column_config(cat["indicators"], cat["goal_areas"]))
        csv_button(ub.editor_frame(records), f"gevinstplan_{code}.csv", key="benefits_plan_csv")
        if st.button(tr("benefits.save"), type="primary", key="benefits_save"):
            try:
                outcome = ub.save(store, code, records, edited, actor())
            except SdgError as err:
                show_error(err)
            else:
                ub.show_outcome(outcome)

# ------------------------------------------------------------------ map
with tab_map:
    st.caption(tr("benefits.map.help"))
    if not records.empty:
        nodes, edges = benefit_map(records, cat["goals"], cat["goal_areas"],
                                   cat["indicators"], lang())
        st.altair_chart(ub.map_chart(nodes, edges), width="stretch")
        with st.expander(tr("common.table_alternative")):
            show(ub.map_table(nodes, edges), f"gevinstkart_{code}.csv", key="benefits_map")

# ------------------------------------------------------------------ owner's view
with tab_owner:
    people = owners(records)
    if not people:
        st.caption(tr("benefits.owner.none"))
    else:
        owner = st.selectbox(tr("benefits.owner.pick"), people, key="benefits_owner")
        latest = ub.latest(code, tuple(sorted(records["indicator"].dropna().unique())))
        view = owner_view(records, latest, cat["indicators"], owner)
        st.markdown(tr("benefits.owner.count", owner=md(owner), n=len(view)))
        owner_table = ub.owner_table(view, cat["indicators"])
        st.dataframe(owner_table, hide_index=True)  # a Styler in the page's language
        csv_button(owner_table, f"gevinster_{code}.csv", key="benefits_owner_csv")

# ------------------------------------------------------------------ change log
with tab_log:
    ever = store.benefits_ever(code)
    if not ever.empty:
        names = dict(zip(ever["id"], ever["name"], strict=True))
        picked = st.selectbox(tr("benefits.log.pick"), list(names), key="benefits_log",
                              format_func=lambda i: f"{i} {names[i]}")
        history = store.benefit_history(picked)
        st.caption(tr("benefits.log.versions", n=len(history)))
        show(ub.history_table(history), f"gevinst_{picked}_logg.csv",
             key="benefits_log_table")
