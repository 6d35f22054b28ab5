"""Konto: who is signed in, until when, sign out; or how to sign in."""

import streamlit as st

from sdg import fmt
from sdg.escape import md
from ui.auth import (
    here,
    login_required,
    sign_in_button,
    sign_out,
    sign_out_everywhere,
    signed_in,
    start_sso_if_asked,
)
from ui.i18n import tr
from ui.nav import require_router
from ui.state import actor as current_actor
from ui.state import get_store, lang, oidc_configured, oidc_status, session_token

require_router()

st.title(tr("auth.page.title"))
actor = current_actor()
if signed_in():
    st.success(tr("auth.signed_in_as", name=md(actor.name), role=tr(f"auth.role.{actor.role}")))
    session = get_store().session(session_token())
    if session is not None:
        st.caption(tr("accounts.until", time=fmt.datetime(session.expires_at, lang())))
    if st.button(tr("auth.sign_out"), key="sign_out", icon=":material/logout:"):
        sign_out()
        st.rerun()
    if session is not None and st.button(tr("accounts.sign_out_all"), key="sign_out_all",
                                         help=tr("accounts.sign_out_all.help")):
        sign_out_everywhere()
        st.rerun()
else:
    start_sso_if_asked()
    if st.session_state.pop("signed_out", False):
        st.info(tr("accounts.signed_out"))
    status = oidc_status()
    if status == "expired":
        st.warning(tr("accounts.oidc_expired"))
    elif status == "disabled":
        st.error(tr("accounts.oidc_disabled"))
    if oidc_configured():
        st.caption(tr("auth.oidc_help"))
    else:
        st.caption(tr("accounts.help.required" if login_required() else "accounts.help.open"))
    sign_in_button(here("konto"))
