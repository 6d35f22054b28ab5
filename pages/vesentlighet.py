"""Vesentlighetsmatrise: goals (or targets) by influence and priority, ranked; the
council's focus decision. ``?present=1`` opens presentation mode; ``?goal=11`` picks
the goal whose targets the target level shows first."""

from functools import partial

import streamlit as st

from sdg.errors import SdgError
from ui.council import sources_panel
from ui.i18n import tr
from ui.materiality import (
    B_ROBUSTNESS,
    axis_title,
    compute_matrix,
    decision_panel,
    export_buttons,
    filter_panel,
    matrix_chart,
    notes_panel,
    presentation_css,
    ranking_display,
    ranking_table,
    settings_panel,
    show_chart,
    view_key,
)
from ui.nav import require_router
from ui.report import report_button
from ui.state import get_store, lang, municipality, municipality_label, show_error

require_router()

store = get_store()
code = municipality()
goals = store.goals()
targets = store.targets()
settings = store.materiality_settings()

present = st.toggle(tr("materiality.present"), key="mat_present",
                    value=st.query_params.get("present") == "1")
view = filter_panel(code, settings, st.query_params.get("goal"))
x_title = axis_title(settings, settings["x_axis"])
y_title = axis_title(settings, settings["y_axis"])

st.title(tr("materiality.title"))
if view["demo"]:
    st.warning(tr("demo.badge"))
if not present:
    st.caption(tr("materiality.intro", municipality=municipality_label()))

try:
    matrix = compute_matrix(view_key(view))
except SdgError as err:
    show_error(err)
    st.stop()

# built only for a new spec (show_chart caches it) or an export
chart = partial(matrix_chart, matrix, goals, lang(), big=present, x_title=x_title,
                y_title=y_title, targets=targets)
table = ranking_table(matrix, goals, lang(), x_title=x_title, y_title=y_title, targets=targets)

if present:
    presentation_css()
left, right = st.columns([3, 2])
with left:
    show_chart(chart)
    with st.expander(tr("council.read.header"), expanded=not present):
        st.markdown(tr("council.read.body"))
with right:
    st.subheader(tr("materiality.ranking"))
    st.dataframe(ranking_display(table, x_title, y_title), hide_index=True,
                 height=640 if present else 460)
    st.caption(tr("materiality.robust.help", b=B_ROBUSTNESS))

if present:
    st.stop()

export_buttons(chart, table, view, code)
sources_panel(code, view["weights"])
if view["level"] == "target":
    notes_panel(code, matrix, targets)
else:
    decision_panel(code, matrix, view)
    report_button(code, key="mat_report")
settings_panel(settings)
