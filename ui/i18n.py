"""Text lookup in the session's language (the catalogue is :mod:`sdg.i18n`)."""

from __future__ import annotations

from sdg.i18n import t
from ui.state import lang


def tr(key: str, **params: object) -> str:
    """The catalogue text ``key`` in the session's language."""
    return t(key, lang(), **params)


def pick(row, field: str) -> str:
    """``row[field_nb]`` or ``row[field_en]`` by the session's language."""
    return row[f"{field}_{lang()}"]
