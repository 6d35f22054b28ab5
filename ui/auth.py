"""Who is signed in: OpenID Connect through ``st.login`` or a local account.

OIDC is used when ``[auth]`` is configured in ``.streamlit/secrets.toml`` (see
``secrets.toml.example``); the role comes from the e-mail → role table the admin keeps.
Otherwise local accounts (``python -m sdg user add``) sign in on the "Konto" page. With
``SDG_REQUIRE_LOGIN=1`` only signed-in users see anything; by default anyone may read.
"""

from __future__ import annotations

import os

import streamlit as st

from sdg.auth import ANONYMOUS
from sdg.errors import SdgError
from ui.state import actor, get_store, oidc_configured, show_error


def login_required() -> bool:
    """True when the deployment lets only signed-in users in."""
    return os.environ.get("SDG_REQUIRE_LOGIN", "") == "1"


def signed_in() -> bool:
    return actor() != ANONYMOUS


def local_sign_in(name: str, password: str) -> bool:
    """Check a local account; keep the actor in the session. Shows errors itself."""
    try:
        st.session_state["actor"] = get_store().sign_in(name, password)
    except SdgError as err:
        show_error(err)
        return False
    return True


def sign_out() -> None:
    st.session_state.pop("actor", None)
    if oidc_configured() and st.user.is_logged_in:
        st.logout()
