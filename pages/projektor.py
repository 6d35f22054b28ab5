"""Projektor (``?w=CODE``): full-screen matrix and ranking of a live session, redrawn
every 1.5 s, with the number of participants and ratings; no sidebar, big type."""

import streamlit as st

from sdg.errors import SdgError
from sdg.escape import md
from sdg.workshop import normalise_code, session
from ui.i18n import tr
from ui.nav import require_router
from ui.state import get_store, lang, show_error
from ui.workshop import join_url, live_board, no_sidebar, subject_labels

require_router()

no_sidebar("big")
store = get_store()

raw = st.query_params.get("w")
if not raw:
    st.title(tr("workshop.nav.projector"))
    typed = st.text_input(tr("workshop.live.code"), max_chars=9)
    if not typed:
        st.stop()
    raw = typed
try:
    s = session(store, normalise_code(raw))
except SdgError as err:
    show_error(err)
    st.stop()

goals, targets = store.goals(), store.targets()
st.title(md(s["name"]))
st.markdown(f"### {tr('workshop.live.join', url=join_url(s['code']), code=s['code'])}")
live_board(s["code"], subject_labels(goals, targets, lang()), goals, targets)
