"""Per-session state that travels in the URL: language and municipality.

A shared link (``?lang=en&kommune=3203``) sets the state when a session starts;
afterwards the sidebar widgets own it and write it back to the URL on every run, so
switching page (which clears query parameters) keeps it.
"""

from __future__ import annotations

import time

import streamlit as st

from sdg.auth import ANONYMOUS, SESSION_COOKIE, Actor
from sdg.errors import SdgError
from sdg.escape import md
from sdg.i18n import DEFAULT_LANG, LANGS, normalise_lang
from sdg.store import Store, shared_store

DEFAULT_MUNICIPALITY = "3203"  # Asker


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    """The one DuckDB store of this process (created and seeded on first use), shared
    with the light workshop routes (:func:`sdg.store.shared_store`)."""
    return shared_store()


@st.cache_data(ttl=300, show_spinner=False)
def municipality_names() -> dict[str, str]:
    """Current municipalities, code → name, for the picker."""
    df = get_store().municipalities()
    return dict(zip(df["code"], df["name"], strict=True))


@st.cache_data(ttl=60, show_spinner=False)
def municipality_language(code: str) -> str | None:
    """The default language the municipality set (Admin page), or None."""
    return get_store().default_language(code)


def lang() -> str:
    """The language of this session ('nb', 'nn' or 'en').

    The sidebar radio (key ``lang``) owns it once drawn; before that, and in a new
    session, the URL decides, and without ``?lang=`` the municipality's default
    language (a nynorsk municipality opens in nynorsk), else bokmål. (Widgets get their
    start value through ``index``, not by writing ``st.session_state`` first: a value
    written that way is lost when the user follows a page link.)
    """
    value = st.session_state.get("lang")
    if value in LANGS:
        return value
    asked = st.query_params.get("lang")
    if asked:
        return normalise_lang(asked)
    return municipality_language(municipality()) or DEFAULT_LANG


def municipality() -> str:
    """The municipality code of this session (default Asker 3203), as :func:`lang`."""
    names = municipality_names()
    value = st.session_state.get("kommune")
    if value in names:
        return value
    code = st.query_params.get("kommune")
    return code if code in names else DEFAULT_MUNICIPALITY


def municipality_label(code: str | None = None) -> str:
    code = code or municipality()
    return f"{code} {municipality_names().get(code, '')}".strip()


def sync_url() -> None:
    """Write the session's language and municipality into the URL, in one change and
    only if the URL says otherwise (each change of the URL is a browser-history entry).

    A parameter that is absent means its default (the one :func:`lang` and
    :func:`municipality` take for a new session), so a shared link without them
    (``/mal?goal=11``) is left as it is: writing them would add a second entry, and
    Back would only take the reader to the same page.
    """
    wanted = {"lang": lang(), "kommune": municipality()}
    kommune = st.query_params.get("kommune") or DEFAULT_MUNICIPALITY
    implied = {"kommune": kommune,
               "lang": st.query_params.get("lang")
               or municipality_language(kommune) or DEFAULT_LANG}
    if wanted != implied:
        st.query_params.update(wanted)


def link_params(**extra: object) -> dict[str, str]:
    """Query parameters for a link that keeps this session's state."""
    return {"lang": lang(), "kommune": municipality()} | {k: str(v) for k, v in extra.items()}


def show_error(err: SdgError) -> None:
    """Show a domain error in the user's language (as literal text: a message quotes
    file names, sheet names and cell values from the user's file)."""
    st.error(md(err.message(lang())))


def oidc_configured() -> bool:
    """True when ``[auth]`` is set in the secrets (then ``st.login`` is used)."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def session_token() -> str | None:
    """The sign-in token the browser sent (the ``HttpOnly`` cookie set by ``web/auth.py``
    on sign-in; ``st.context.cookies`` are those of the page load)."""
    return st.context.cookies.get(SESSION_COOKIE)


def oidc_status() -> str | None:
    """For an OIDC sign-in (``st.user``): ``"ok"``, ``"expired"`` (the identity
    token's ``exp`` has passed: Streamlit keeps its identity cookie for 30 days and
    does not check this) or ``"disabled"`` (the admin disabled the mapped user);
    None when nobody is signed in through OIDC."""
    if not (oidc_configured() and st.user.is_logged_in):
        return None
    exp = st.user.get("exp")
    if isinstance(exp, int | float) and not isinstance(exp, bool) and exp <= time.time():
        return "expired"
    found = get_store().user_for_email(str(st.user.get("email") or ""))
    return "disabled" if found is not None and found[2] else "ok"


def actor() -> Actor:
    """Who is acting, as the database says now (so a sign-out elsewhere, a disabled
    user or a new role holds from the next request):

    - with ``[auth]`` configured and someone signed in through OIDC whose token has not
      expired: that e-mail, with the role the admin mapped to it (viewer if none);
    - else the local account whose live session the cookie names;
    - else :data:`~sdg.auth.ANONYMOUS` (a viewer).
    """
    status = oidc_status()
    if status is not None:
        if status != "ok":
            return ANONYMOUS
        email = str(st.user.get("email") or "")
        return Actor(email, get_store().role_for_email(email))
    session = get_store().session(session_token())
    if session is None or session.must_change_password:
        return ANONYMOUS
    return session.actor
