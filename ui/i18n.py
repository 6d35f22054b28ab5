"""Text lookup in the session's language (the catalogue is :mod:`sdg.i18n`)."""

from __future__ import annotations

import streamlit as st

from sdg.i18n import t
from ui.state import lang


def tr(key: str, **params: object) -> str:
    """The catalogue text ``key`` in the session's language."""
    return t(key, lang(), **params)


def pick(row, field: str) -> str:
    """``row[field_nb]`` or ``row[field_en]`` by the session's language."""
    return row[f"{field}_{lang()}"]


def relabel(key: str) -> bool:
    """Prepare the choice widget ``key`` (a selectbox, multiselect or radio whose
    option labels are in the reader's language) for this run; True when it holds a
    value already.

    Streamlit (1.67) keeps showing a keyed choice widget's old label when only the
    label of its value changes, so after a language switch the wizard said "Ny
    indikator" on an English page. The first run in a new language writes the
    widget's value back to itself (``st.session_state``, before the widget is drawn),
    and Streamlit then sends it with its label in the new language. When this returns
    True, give the widget no ``index``/``default``: the value is its own (a default
    beside a value written here makes Streamlit warn).
    """
    drawn = st.session_state.setdefault("_relabel_lang", {})
    held = key in st.session_state
    if held and drawn.get(key, lang()) != lang():
        st.session_state[key] = st.session_state[key]
    drawn[key] = lang()
    return held
