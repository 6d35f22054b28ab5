"""Tilgjengelighetserklæring: the standard, the result of the last automatic check
(read from the axe-core run the browser tests recorded), what is known not to conform
and why, the Streamlit texts that stay in English, and how to give feedback."""

import os

import streamlit as st

from sdg import fmt
from sdg.a11y import KNOWN_GAPS, UNTRANSLATABLE, load_run, statement_facts
from ui.i18n import tr
from ui.nav import require_router
from ui.state import lang

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
    st.markdown(tr("a11y.check.done", date=fmt.date(facts["date"], lang()),
                   version=facts["axe_version"], scans=facts["scans"], pages=facts["pages"],
                   roles=facts["roles"], langs=facts["langs"],
                   widths=f" {tr('a11y.and')} ".join(f"{w} px" for w in facts["widths"])))
    if facts["failed"]:
        st.error(tr("a11y.check.failed", n=len(facts["failed"])))
        st.markdown("\n".join(f"- **{rule}**: {', '.join(pages)}"
                               for rule, pages in facts["failed"].items()))
    else:
        st.success(tr("a11y.check.passed"))
    st.caption(tr("a11y.check.limits"))

st.header(tr("a11y.gaps.header"))
# Lists, not st.dataframe: the statement itself must read well with a screen reader.
st.markdown("\n".join(f"- **{criterion}** – {tr(key)}" if criterion else f"- {tr(key)}"
                       for criterion, key in KNOWN_GAPS))

st.subheader(tr("a11y.english.header"))
st.markdown(tr("a11y.english.intro"))
st.markdown("\n".join(f"- «{text}» – {tr(key)}" for text, key in UNTRANSLATABLE))

st.header(tr("a11y.feedback.header"))
contact = os.environ.get("SDG_A11Y_CONTACT", "").strip()
st.markdown(tr("a11y.feedback.contact", contact=contact) if contact
            else tr("a11y.feedback.municipality"))
st.markdown(tr("a11y.feedback.complaint"))
