"""Konto: sign in (OpenID Connect or a local account) and sign out."""

import streamlit as st

from sdg.escape import md
from ui.auth import local_sign_in, sign_out, signed_in
from ui.i18n import tr
from ui.nav import require_router
from ui.state import actor as current_actor
from ui.state import oidc_configured

require_router()

st.title(tr("auth.page.title"))
actor = current_actor()
if signed_in():
    st.success(tr("auth.signed_in_as", name=md(actor.name), role=tr(f"auth.role.{actor.role}")))
    if st.button(tr("auth.sign_out"), key="sign_out"):
        sign_out()
        st.rerun()
elif oidc_configured():
    st.caption(tr("auth.oidc_help"))
    if st.button(tr("auth.sign_in_oidc"), key="sign_in_oidc", type="primary"):
        st.login()
else:
    st.caption(tr("auth.local_help"))
    with st.form("sign_in"):
        name = st.text_input(tr("auth.user_name"), key="user_name")
        password = st.text_input(tr("auth.password"), type="password", key="password")
        if st.form_submit_button(tr("auth.sign_in"), type="primary") and local_sign_in(
                name, password):
            st.rerun()
