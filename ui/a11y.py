"""Page chrome for universell utforming: the document's language, readable faded text
and a visible keyboard focus on every control. ``app.py`` calls :func:`page_chrome`
on every run, before the page, for every route (menu, workshop link, sign-in only)."""

from __future__ import annotations

import json

import streamlit as st

from sdg.errors import SdgError
from sdg.i18n import LANGS, t
from ui.i18n import tr
from ui.state import (
    get_store,
    municipality,
    municipality_label,
    municipality_language,
    show_error,
)

#: Text that Streamlit draws faded (captions, widget help, the sidebar's section
#: captions, placeholders) in the theme's text colour at 60 % opacity: #797F85 on white
#: (4.04:1) and #737A81 on the sidebar's #F2F4F7 (3.95:1), below AA's 4.5:1. This grey
#: gives 7.1:1 on white and 6.4:1 on #F2F4F7 (sdg.a11y.contrast_ratio) and still reads
#: as secondary next to the body text #1F2933.
FADED_TEXT = "#4A5561"
#: Focus ring: SDG 17 navy (the theme's primary colour), 3 px, outside the control, so
#: it shows on white, on the sidebar's grey and around the coloured goal tiles (which
#: draw their own ring in their text colour, see ui.goals).
FOCUS = "#19486A"

_CSS = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] [data-testid="stCaptionContainer"],
[data-testid="stTooltipHoverTarget"] svg, [data-testid="stHeadingDivider"] + p,
[data-testid="stFileUploaderDropzoneInstructions"] span,
[data-testid="stFileUploaderDropzoneInstructions"] small,
[data-testid="stMetricDelta"] + div, [data-testid="stFormSubmitButton"] + div,
[data-testid="InputInstructions"], [data-testid="stChatInputInstructions"],
[data-testid="stDateInput"] input::placeholder, input::placeholder, textarea::placeholder
{{ color: {FADED_TEXT} !important; opacity: 1 !important; }}
a:focus-visible, button:focus-visible, [role="button"]:focus-visible,
[role="radio"]:focus-visible, [role="tab"]:focus-visible, [role="checkbox"]:focus-visible,
[role="switch"]:focus-visible, [role="slider"]:focus-visible, summary:focus-visible,
input:focus-visible, textarea:focus-visible, select:focus-visible,
[tabindex]:focus-visible
{{ outline: 3px solid {FOCUS} !important; outline-offset: 2px !important; }}
label:has(input[type="radio"]:focus-visible), label:has(input[type="checkbox"]:focus-visible)
{{ outline: 3px solid {FOCUS}; outline-offset: 2px; border-radius: 4px; }}
.st-key-sdg-lang {{ display: none; }}
[data-testid="stTable"], [data-testid="stTable"] div:has(> table)
{{ overflow: visible !important; }}
[data-testid="stTable"] table {{ table-layout: auto; width: 100%; box-sizing: border-box; }}
[data-testid="stTable"] th, [data-testid="stTable"] td,
[data-testid="stTable"] th *, [data-testid="stTable"] td *
{{ overflow-wrap: break-word !important; hyphens: auto; }}
[data-testid="stTable"] td:first-child, [data-testid="stTable"] td:first-child *
{{ overflow-wrap: anywhere !important; }}
.sdg-caption {{ font-size: 0.875rem; color: {FADED_TEXT}; margin: 0; }}
[data-testid="stCheckbox"] [data-testid="stWidgetLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stCheckbox"] [data-testid="stWidgetLabel"] p
{{ white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
@media (max-width: 640px) {{
  h1 {{ font-size: 2rem !important; hyphens: auto; overflow-wrap: break-word; }}
  [data-testid="stTable"] table {{ font-size: 0.8125rem; }}
  [data-testid="stTable"] th, [data-testid="stTable"] td
  {{ padding-left: 0.25rem !important; padding-right: 0.25rem !important; }}
}}
</style>"""


def page_chrome(lang: str) -> None:
    """The app-wide CSS, and ``<html lang>`` set to the session's language.

    Why this works on Streamlit 1.67: the browser gets Streamlit's static
    ``index.html``, which hard-codes ``<html lang="en">``, and Streamlit has no option
    for it. ``st.html(..., unsafe_allow_javascript=True)`` (added in 1.50) renders into
    the app's own document, not an iframe as ``components.html`` does, and the frontend
    re-creates each ``<script>`` so it runs. It runs again whenever the element is
    mounted anew or its body changes: on every page switch (the page's elements are
    replaced) and on a language switch (the code in the body changes). Nothing in
    Streamlit's frontend writes ``documentElement.lang``, so the value stays. This needs
    neither the ASGI entry point nor a rewritten ``index.html``. Until the first run
    of the script reaches the browser the document says "en" (a fraction of a second,
    before any of our text is shown). The element sits in a hidden container so it
    takes no room on the page.
    """
    st.html(_CSS)
    with st.container(key="sdg-lang"):
        st.html(f"<script>document.documentElement.lang = {json.dumps(lang)};</script>",
                unsafe_allow_javascript=True)


def default_language_form(actor) -> None:
    """Admin: the language new sessions of the chosen municipality open in."""
    store = get_store()
    code = municipality()
    current = store.default_language(code) or "nb"
    st.subheader(tr("a11y.default_lang"))
    with st.form("default_lang"):
        choice = st.radio(tr("a11y.default_lang.pick", municipality=municipality_label(code)),
                          LANGS, index=LANGS.index(current), horizontal=True,
                          format_func=lambda c: t(f"lang.{c}", c), key="default_lang_pick")
        if st.form_submit_button(tr("a11y.default_lang.save")):
            try:
                store.set_default_language(actor, code, choice)
            except SdgError as err:
                show_error(err)
            else:
                municipality_language.clear()
                st.success(tr("a11y.default_lang.saved", municipality=municipality_label(code),
                              language=t(f"lang.{choice}", choice)))


def upload_instruction() -> None:
    """Under a file uploader: what its built-in English texts ("Drag and drop file
    here", "Limit 50MB per file", "Browse files") say, in the session's language.
    Streamlit 1.67 offers no way to translate them (see the accessibility statement)."""
    st.caption(tr("a11y.upload.instruction", mb=st.get_option("server.maxUploadSize")))
