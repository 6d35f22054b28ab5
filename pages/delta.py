"""Delta (participant, no login, phone first): enter the code or come via ``?w=CODE``,
rate each item with big buttons, send, change while voting is open, see the result if
the facilitator shows it. The participant's token stays in the URL (``&p=…``)."""

import streamlit as st

from sdg.errors import SdgError
from sdg.escape import md
from sdg.workshop import live_ratings, my_ratings, normalise_code, session
from ui.i18n import tr
from ui.nav import require_router
from ui.state import get_store, lang, show_error
from ui.workshop import no_sidebar, participant_token, results, subject_labels, vote_form

require_router()

no_sidebar("phone")
store = get_store()


def ask_for_code() -> None:
    """The code box; on a valid code the page reloads as ``?w=CODE``."""
    st.title(tr("workshop.delta.title"))
    with st.form("delta-code", border=False):
        typed = st.text_input(tr("workshop.delta.code"), max_chars=9)
        if st.form_submit_button(tr("workshop.delta.go"), type="primary", width="stretch"):
            try:
                st.query_params["w"] = session(store, normalise_code(typed))["code"]
            except SdgError as err:
                show_error(err)
            else:
                st.rerun()
    st.stop()


raw = st.query_params.get("w")
if not raw:
    ask_for_code()
try:
    s = session(store, raw)
    token = participant_token(s["code"])
except SdgError as err:
    show_error(err)
    st.query_params.pop("w", None)
    ask_for_code()

goals, targets = store.goals(), store.targets()
labels = subject_labels(goals, targets, lang())
st.title(md(s["name"]))

if s["state"] == "draft":
    st.info(tr("workshop.delta.waiting"))
    st.button(tr("workshop.delta.refresh"), width="stretch")
elif s["state"] == "open":
    mine = my_ratings(store, s["code"], token)
    for axis in s["axes"]:
        vote_form(s, axis, token, mine.get(axis, {}), labels)
else:
    st.warning(tr("workshop.delta.closed"))

if s["show_results"]:
    st.header(tr("workshop.results"))
    results(live_ratings(store, s["code"]), labels, goals)
