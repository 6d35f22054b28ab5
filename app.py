"""Entry point: page config, the sidebar pickers and the page router. Nothing else.

Run with ``streamlit run app.py``. Pages live in ``pages/``; sections appear as the
screens behind them exist.
"""

import streamlit as st

from ui.i18n import tr
from ui.sidebar import pickers

st.set_page_config(page_title="Bærekraftsmålene i kommunen", page_icon="🌍", layout="wide")
pickers()

sections = {
    tr("nav.section.overview"): [
        st.Page("pages/oversikt.py", title=tr("nav.home"), icon=":material/home:", url_path="oversikt",
                default=True),
        st.Page("pages/mal.py", title=tr("nav.goals"), icon=":material/target:", url_path="mal"),
    ],
}
st.navigation(sections).run()
