"""The "Rapport til kommunestyret" download: the PDF of :mod:`sdg.report_pdf`, made on
click for the roles that may make it (``report.make``)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from sdg.report_pdf import report_pdf
from ui.i18n import tr
from ui.state import actor, get_store, lang


def report_button(code: str, key: str = "report_pdf") -> None:
    """A download button for the report of ``code`` in the session's language.

    The PDF is built when the button is pressed (it takes a second or two), from the
    same functions as the pages (:func:`sdg.report.assemble`), so it shows what the
    app shows that day.
    """
    if not actor().may("report.make"):
        return
    store, language, today = get_store(), lang(), dt.date.today()
    st.download_button(
        tr("report.download"), data=lambda: report_pdf(store, code, language, today),
        file_name=f"rapport_{code}_{today:%Y-%m-%d}_{language}.pdf", mime="application/pdf",
        on_click="ignore", key=key, icon=":material/picture_as_pdf:",
        help=tr("report.download.help"))
