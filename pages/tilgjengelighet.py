"""Tilgjengelighetserklæring: the standard, the result of the last automatic check
(read from the axe-core run the browser tests recorded), what is known not to conform
and why, the Streamlit texts that stay in English, and how to give feedback."""

import os

import pandas as pd
import streamlit as st

from sdg.a11y import KNOWN_GAPS, UNTRANSLATABLE, load_run, statement_facts
from ui.i18n import tr
from ui.nav import require_router

require_router()

st.title(tr("a11y.title"))
st.markdown(tr("a11y.intro"))

st.header(tr("a11y.standard.header"))
st.markdown(tr("a11y.standard"))

st.header(tr("a11y.check.header"))
facts = statement_facts(load_run())
if facts is None:
    st.warning(tr("a11y.check.none"))
else:
    st.markdown(tr("a11y.check.done", date=facts["date"].strftime("%d.%m.%Y"),
                   version=facts["axe_version"], scans=facts["scans"], pages=facts["pages"],
                   roles=facts["roles"], langs=facts["langs"],
                   widths=f" {tr('a11y.and')} ".join(f"{w} px" for w in facts["widths"])))
    if facts["failed"]:
        st.error(tr("a11y.check.failed", n=len(facts["failed"])))
        st.dataframe(pd.DataFrame({tr("a11y.col.rule"): list(facts["failed"]),
                                   tr("a11y.col.pages"): [", ".join(p) for p in
                                                          facts["failed"].values()]}),
                     hide_index=True)
    else:
        st.success(tr("a11y.check.passed"))
    st.caption(tr("a11y.check.limits"))

st.header(tr("a11y.gaps.header"))
for criterion, key in KNOWN_GAPS:
    st.markdown(f"- **{criterion}** – {tr(key)}")

st.subheader(tr("a11y.english.header"))
st.markdown(tr("a11y.english.intro"))
st.dataframe(pd.DataFrame({tr("a11y.col.text"): [text for text, _ in UNTRANSLATABLE],
                           tr("a11y.col.where"): [tr(key) for _, key in UNTRANSLATABLE]}),
             hide_index=True)

st.header(tr("a11y.feedback.header"))
contact = os.environ.get("SDG_A11Y_CONTACT", "").strip()
st.markdown(tr("a11y.feedback.contact", contact=contact) if contact
            else tr("a11y.feedback.municipality"))
st.markdown(tr("a11y.feedback.complaint"))
