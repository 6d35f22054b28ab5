"""Projektor (``?w=CODE``): the live session for a wall, opened by the facilitator in a
new tab. The join code, QR and count are always visible; the result only once the
facilitator shows it (their own preview is on the workshop page). When login is
required, only signed-in users see it, unless the facilitator made the session public.
"""

import streamlit as st

from sdg.errors import SdgError
from sdg.escape import md
from sdg.workshop import normalise_code, projector_allowed, session
from ui.auth import login_required, signed_in
from ui.i18n import tr
from ui.nav import require_router
from ui.state import get_store, show_error
from ui.workshop import catalogue, no_sidebar, wall_board

require_router()

no_sidebar("big")
store = get_store()

raw = st.query_params.get("w")
try:
    s = session(store, normalise_code(raw))
except SdgError as err:
    st.title(tr("workshop.nav.projector"))
    show_error(err)
    st.stop()

if not projector_allowed(s, login_required=login_required(), signed_in=signed_in()):
    st.title(tr("workshop.nav.projector"))
    st.warning(tr("workshop.projector.refused"))
    st.markdown(f"[{tr('auth.sign_in')}](/konto)")
    st.stop()

st.title(md(s["name"]))
goals, targets = catalogue()
wall_board(s["code"], goals, targets)
