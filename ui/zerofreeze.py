"""Streamlit glue of the frozen zero point on the zero-point page: the frozen values
with any revision beside them, freezing (analysts) and re-basing with a reason."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sdg import fmt
from sdg.errors import SdgError
from sdg.escape import md
from sdg.zerofreeze import ZERO_YEAR, freeze, number, rebase, revision_table
from ui.i18n import tr
from ui.state import actor, get_store, lang, show_error


def _table(rev: pd.DataFrame, language: str) -> pd.DataFrame:
    return pd.DataFrame({
        tr("ssb.col.indicator"): rev["name"],
        tr("ssb.freeze.col.frozen"): [number(v, d, language) for v, d in
                                      zip(rev["frozen_value"], rev["decimals"], strict=True)],
        tr("ssb.freeze.col.current"): [number(v, d, language) for v, d in
                                       zip(rev["current_value"], rev["decimals"], strict=True)],
        tr("ssb.freeze.col.revision"): rev["revision"].where(rev["revision"] != "", "–"),
    })


def frozen_section(code: str, year: int = ZERO_YEAR) -> None:
    """The frozen zero points of ``code``, their revisions, and the freeze/re-base forms."""
    store = get_store()
    language = lang()
    who = actor()
    st.subheader(tr("ssb.freeze.header", year=year))
    if done := st.session_state.pop("freeze_done", None):
        st.success(done)
    rev = revision_table(store, code, year, language)
    if rev.empty:
        st.info(tr("ssb.freeze.none", year=year))
    else:
        first = rev.sort_values("frozen_at").iloc[0]
        st.caption(tr("ssb.freeze.by", who=md(first["frozen_by"]),
                      when=fmt.date(first["frozen_at"], language),
                      note=md(first["note"]) or "–"))
        revised = rev[rev["revised"]]
        for line in revised["revision"]:
            st.warning(line)
        st.dataframe(_table(rev, language), hide_index=True)
        if not revised.empty and who.may("indicators.write"):
            with st.form("zero_rebase"):
                names = dict(zip(revised["indicator"], revised["name"], strict=True))
                chosen = st.selectbox(tr("ssb.freeze.rebase"), list(names),
                                      format_func=names.get)
                reason = st.text_input(tr("ssb.freeze.reason"))
                if st.form_submit_button(tr("ssb.freeze.rebase")):
                    try:
                        old, new = rebase(store, who, code, chosen, reason, year)
                    except SdgError as err:
                        show_error(err)
                    else:
                        dec = int(revised.set_index("indicator").loc[chosen, "decimals"])
                        st.session_state["freeze_done"] = tr(
                            "ssb.freeze.rebased", indicator=md(names[chosen]),
                            old=number(old, dec, language), new=number(new, dec, language))
                        st.rerun()
    if who.may("indicators.write"):
        with st.form("zero_freeze"):
            note = st.text_input(tr("ssb.freeze.note"))
            if st.form_submit_button(tr("ssb.freeze.button", year=year),
                                     icon=":material/ac_unit:"):
                try:
                    n = freeze(store, who, code, note, year)
                except SdgError as err:
                    show_error(err)
                else:
                    st.session_state["freeze_done"] = tr("ssb.freeze.done", n=n)
                    st.rerun()
