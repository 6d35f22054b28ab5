"""Innspill: getting ratings in — a citizen-survey file (xlsx or csv) and the
administration's assessment of the municipality's influence per goal or target."""

import streamlit as st

from ui.i18n import tr
from ui.materiality import assessment_panel, survey_panel
from ui.nav import require_router
from ui.state import get_store, municipality, municipality_label

require_router()

store = get_store()
code = municipality()
targets = store.targets()

st.title(tr("innspill.title"))
st.caption(tr("innspill.intro", municipality=municipality_label()))
survey_tab, assessment_tab = st.tabs([tr("innspill.tab.survey"), tr("innspill.tab.assessment")])
with survey_tab:
    survey_panel(code, tuple(targets["target"]))
with assessment_tab:
    assessment_panel(code, store.goals(), targets)
