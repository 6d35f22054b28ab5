"""Oppsett: the municipality's own content, set up in the app by an analyst or admin:
commitments per goal, goal areas, indicator targets and manual zero points."""

import streamlit as st

from ui.gains import ZERO_YEAR, report
from ui.i18n import tr
from ui.nav import require_router
from ui.setup import commitments_form, goal_areas_form, targets_form, zero_point_form
from ui.state import get_store, lang, municipality, municipality_label

require_router()

store = get_store()
code = municipality()

st.title(tr("council.setup.title"))
st.caption(tr("council.setup.intro", municipality=municipality_label()))

rep = report(code, lang())
missing = rep.loc[rep["zero_value"].isna() & rep["zero_method"].isin(["none", "missing", "split"]),
                  "indicator"].tolist()

commitments, areas, targets, zero = st.tabs([
    tr("council.setup.tab.commitments"), tr("council.setup.tab.areas"),
    tr("council.setup.tab.targets"), tr("council.setup.tab.zero")])
with commitments:
    commitments_form(code, store.goals())
with areas:
    goal_areas_form(code)
with targets:
    targets_form(code)
with zero:
    zero_point_form(code, missing, ZERO_YEAR)
