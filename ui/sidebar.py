"""The sidebar pickers: language and municipality (state kept in the URL)."""

from __future__ import annotations

import streamlit as st

from sdg.i18n import LANGS, t
from ui.state import lang, municipality, municipality_names, sync_url


def pickers() -> None:
    """Language switch and municipality picker; keeps both in the URL."""
    names = municipality_names()
    codes = list(names)
    with st.sidebar:
        st.radio(t("sidebar.lang", lang()), LANGS, index=LANGS.index(lang()), key="lang",
                 horizontal=True, format_func=lambda code: t(f"lang.{code}", code))
        st.selectbox(t("sidebar.municipality", lang()), codes, key="kommune",
                     index=codes.index(municipality()),
                     format_func=lambda code: f"{code} {names[code]}")
    sync_url()
