"""Per-session state that travels in the URL: language and municipality.

A shared link (``?lang=en&kommune=3203``) sets the state when a session starts;
afterwards the sidebar widgets own it and write it back to the URL on every run, so
switching page (which clears query parameters) keeps it.
"""

from __future__ import annotations

import streamlit as st

from sdg.auth import ANONYMOUS, Actor
from sdg.errors import SdgError
from sdg.escape import md
from sdg.i18n import LANGS, normalise_lang
from sdg.store import Store, open_store

DEFAULT_MUNICIPALITY = "3203"  # Asker


@st.cache_resource(show_spinner=False)
def get_store() -> Store:
    """The one DuckDB store of this process (created and seeded on first use)."""
    return open_store()


@st.cache_data(ttl=300, show_spinner=False)
def municipality_names() -> dict[str, str]:
    """Current municipalities, code → name, for the picker."""
    df = get_store().municipalities()
    return dict(zip(df["code"], df["name"], strict=True))


def lang() -> str:
    """The language of this session ('nb' or 'en').

    The sidebar radio (key ``lang``) owns it once drawn; before that, and in a new
    session, the URL decides. (Widgets get their start value through ``index``, not
    by writing ``st.session_state`` first: a value written that way is lost when the
    user follows a page link.)
    """
    value = st.session_state.get("lang")
    return value if value in LANGS else normalise_lang(st.query_params.get("lang"))


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
    """Write the session's language and municipality into the URL."""
    st.query_params["lang"] = lang()
    st.query_params["kommune"] = municipality()


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


def actor() -> Actor:
    """Who is acting: the OIDC user (role from the admin's e-mail table) when
    ``[auth]`` is configured and someone signed in, else the local account signed in
    on the "Konto" page, else :data:`~sdg.auth.ANONYMOUS` (a viewer)."""
    if oidc_configured() and st.user.is_logged_in:
        email = str(st.user.get("email") or "")
        return Actor(email, get_store().role_for_email(email))
    return st.session_state.get("actor", ANONYMOUS)
