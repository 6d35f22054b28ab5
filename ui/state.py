"""Per-session state that travels in the URL: language and municipality.

A shared link (``?lang=en&kommune=3203``) sets the state when a session starts;
afterwards the sidebar widgets own it and write it back to the URL on every run, so
switching page (which clears query parameters) keeps it.
"""

from __future__ import annotations

import streamlit as st

from sdg.errors import SdgError
from sdg.i18n import normalise_lang
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
    """The language of this session ('nb' or 'en')."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = normalise_lang(st.query_params.get("lang"))
    return st.session_state["lang"]


def municipality() -> str:
    """The municipality code of this session (default Asker 3203)."""
    if "kommune" not in st.session_state:
        code = st.query_params.get("kommune", DEFAULT_MUNICIPALITY)
        st.session_state["kommune"] = (
            code if code in municipality_names() else DEFAULT_MUNICIPALITY
        )
    return st.session_state["kommune"]


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
    """Show a domain error in the user's language."""
    st.error(err.message(lang()))
