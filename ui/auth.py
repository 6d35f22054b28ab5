"""Who is signed in: OpenID Connect through ``st.login`` or a local account.

OIDC is used when ``[auth]`` is configured in ``.streamlit/secrets.toml`` (see
``secrets.toml.example``); the role comes from the e-mail → role table the admin keeps.
Otherwise local accounts (``python -m sdg user add``) sign in on the sign-in page
(``/logg-inn``, served by ``web/auth.py``), which sets a session cookie that lasts
across reloads, tabs and bookmarks. With ``SDG_REQUIRE_LOGIN=1`` only signed-in users
see anything; by default anyone may read.
"""

from __future__ import annotations

import html
import os
import threading
from urllib.parse import parse_qsl, urlencode, urlsplit

import streamlit as st

from sdg.auth import ANONYMOUS
from ui.i18n import tr
from ui.state import actor, get_store, lang, oidc_configured, session_token


def login_required() -> bool:
    """True when the deployment lets only signed-in users in."""
    return os.environ.get("SDG_REQUIRE_LOGIN", "") == "1"


def signed_in() -> bool:
    return actor() != ANONYMOUS


def here(url_path: str = "", default: bool = False) -> str:
    """The local URL of the page ``url_path`` with this run's query parameters, for
    coming back to it after signing in."""
    path = "/" if default or not url_path else f"/{url_path}"
    params = st.query_params.to_dict()
    return f"{path}?{urlencode(params)}" if params else path


def sign_in_button(next_path: str, label: str | None = None) -> None:
    """A sign-in button that opens the sign-in page in this tab and comes back to
    ``next_path`` afterwards (OIDC: ``st.login``, which returns to the home page)."""
    from web.auth import sign_in_url, sso_url

    label = label or tr("auth.sign_in")
    url = sso_url(next_path, lang()) if oidc_configured() else sign_in_url(next_path, lang())
    # st.link_button and markdown links open a new tab; a plain link keeps this one.
    st.html(
        f'<a href="{html.escape(url)}" data-testid="sdg-sign-in" '
        'style="display:inline-block;padding:.45rem .9rem;border-radius:.5rem;'
        'background:#19486A;color:#fff;text-decoration:none;font-weight:600">'
        f"{html.escape(label)}</a>")


_followed: set[str] = set()
_followed_lock = threading.Lock()


def follow_return(pages: dict[str, str]) -> None:
    """After an OIDC sign-in (which lands on ``/``), go once to the page that asked for
    it: the ``sdg_return`` cookie set by ``/logg-inn/sso`` names it (``pages`` maps URL
    paths to page scripts). Each cookie is followed only once in this process."""
    from web.auth import RETURN_COOKIE, unpack_path

    value = st.context.cookies.get(RETURN_COOKIE, "")
    nonce, _, target = value.partition(".")
    if not nonce or not signed_in():
        return
    with _followed_lock:
        if nonce in _followed:
            return
        _followed.add(nonce)
    parts = urlsplit(unpack_path(target))
    script = pages.get(parts.path.strip("/"))
    if script is not None:
        st.switch_page(script, query_params=dict(parse_qsl(parts.query)))


def start_sso_if_asked() -> None:
    """On Konto opened by ``/logg-inn/sso`` (``?sso=1``): start ``st.login`` once."""
    if (oidc_configured() and not signed_in() and st.query_params.get("sso") == "1"
            and not st.session_state.get("sso_started")):
        st.session_state["sso_started"] = True
        st.login()


def sign_out() -> None:
    """End this sign-in everywhere: the session record is revoked, so every tab with
    the cookie is signed out on its next request; OIDC also logs out of Streamlit's
    identity cookie."""
    get_store().end_session(session_token())
    st.session_state["signed_out"] = True
    if oidc_configured() and st.user.is_logged_in:
        st.logout()


def sign_out_everywhere() -> None:
    """End every session of the signed-in local user (all browsers and devices)."""
    get_store().end_all_sessions(actor())
    st.session_state["signed_out"] = True
