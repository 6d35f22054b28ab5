"""Text lookup in the session's language (the catalogue is :mod:`sdg.i18n`)."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from sdg.i18n import t
from ui.state import lang


def tr(key: str, **params: object) -> str:
    """The catalogue text ``key`` in the session's language."""
    return t(key, lang(), **params)


def pick(row, field: str) -> str:
    """``row[field_nb]`` or ``row[field_en]`` by the session's language."""
    return row[f"{field}_{lang()}"]


def relabel(key: str, options: Iterable | None = None) -> bool:
    """Prepare the choice widget ``key`` (a selectbox, multiselect or radio whose
    option labels are in the reader's language) for this run; True when it holds a
    value already (one still among ``options``, when they are given).

    Streamlit (1.67) keeps a keyed choice widget's value in the browser as its label,
    and keeps showing the old label when only the label of its value changes: after
    a language switch the wizard said "Ny indikator" on an English page, and the next
    click sent that stale label back, which Streamlit does not find among the options
    and so resets the choice. The first run in a new language writes the widget's
    value back to itself (``st.session_state``, before the widget is drawn), and
    Streamlit then sends it with its label in the new language. When this returns
    True, give the widget no ``index``/``default`` (see :func:`start_values`): the value is
    its own (a default beside a value written here makes Streamlit warn).
    """
    state = st.session_state
    drawn = state.setdefault("_relabel_lang", {})
    held = key in state and (options is None or _among(state[key], list(options)))
    if held and drawn.get(key, lang()) != lang():
        state[key] = state[key]
    drawn[key] = lang()
    return held


def start_values(key: str, options: Iterable | None = None, **defaults: object) -> dict:
    """The start keywords (``index=``, ``default=``) for the choice widget ``key``:
    ``defaults`` until it holds a value, then none; relabels it after a language
    switch (:func:`relabel`).

    Use as ``st.selectbox(label, options, key=k, **start_values(k, options, index=2))``.
    A start of None (no choice: ``index=None``) is always kept: Streamlit reads an
    empty choice sent back from the browser as the widget's start index, so without
    it an unchosen sheet would become the first one on the next rerun.
    """
    if relabel(key, options):
        return {k: v for k, v in defaults.items() if v is None}
    return defaults


def _among(value: object, options: list) -> bool:
    """Whether a widget value (one option, None, or a multiselect's list) is valid."""
    if isinstance(value, list | tuple):
        return all(v in options for v in value)
    return value is None or value in options
