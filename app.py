"""Entry point: page config, the sidebar pickers and the page router. Nothing else.

Run with ``streamlit run app.py``. Pages live in ``pages/``; sections appear as the
screens behind them exist.
"""

import streamlit as st

from ui.i18n import tr
from ui.sidebar import pickers

st.set_page_config(page_title="Bærekraftsmålene i kommunen", page_icon="🌍", layout="wide")
if "w" in st.query_params:  # a workshop link ?w=CODE: participant (root URL) or projector, no sidebar
    st.navigation([st.Page("pages/delta.py", title=tr("workshop.nav.delta"), icon=":material/how_to_vote:", url_path="delta", default=True), st.Page("pages/projektor.py", title=tr("workshop.nav.projector"), icon=":material/tv:", url_path="projektor")], position="hidden").run()
    st.stop()
pickers()

sections = {
    tr("nav.section.overview"): [
        st.Page("pages/oversikt.py", title=tr("nav.home"), icon=":material/home:", url_path="oversikt",
                default=True),
        st.Page("pages/mal.py", title=tr("nav.goals"), icon=":material/target:", url_path="mal"),
    ],
    tr("gains.nav.section"): [
        st.Page("pages/nullpunkt.py", title=tr("gains.nav.nullpunkt"), icon=":material/flag:", url_path="nullpunkt"),
        st.Page("pages/gevinstplan.py", title=tr("benefits.nav.page"), icon=":material/checklist:", url_path="gevinstplan"),
    ],
    tr("nav.section.materiality"): [st.Page("pages/vesentlighet.py", title=tr("materiality.nav.matrix"), icon=":material/scatter_plot:", url_path="vesentlighet"), st.Page("pages/innspill.py", title=tr("materiality.nav.input"), icon=":material/upload_file:", url_path="innspill")],
    tr("nav.section.workshop"): [st.Page("pages/workshop.py", title=tr("workshop.nav.facilitator"), icon=":material/groups:", url_path="workshop"), st.Page("pages/delta.py", title=tr("workshop.nav.delta"), icon=":material/how_to_vote:", url_path="delta"), st.Page("pages/projektor.py", title=tr("workshop.nav.projector"), icon=":material/tv:", url_path="projektor")],
    tr("nav.section.data"): [
        st.Page("pages/data_import.py", title=tr("importer.nav.import"), icon=":material/upload_file:", url_path="data"),
        st.Page("pages/data_historikk.py", title=tr("importer.nav.history"), icon=":material/history:", url_path="historikk"),
    ],
}
st.navigation(sections).run()
