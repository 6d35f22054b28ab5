"""Streamlit glue of the "Hent fra SSB" page: the library with the follow choice, the
provenance of a pull and what it left out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sdg.library import Entry
from sdg.library import frame as library_frame
from sdg.tables import pull_calls
from ui.i18n import tr
from ui.state import lang


def follow_editor(library: dict[str, Entry], follows: list[str], lang: str) -> pd.DataFrame:
    """The library as an editable table: one checkbox per indicator (followed or not)."""
    table = library_frame(library, lang)
    table.insert(0, "follow", table["id"].isin(follows))
    table["rule"] = [tr(f"importer.agg.{e.aggregation}")
                     + (f" ({e.denominator})" if e.denominator else "")
                     for e in library.values()]
    table["evidence"] = [tr(f"ssb.evidence.{e}") for e in table["evidence"]]
    st.markdown(f"**{tr('ssb.page.library', n=len(table))}**")
    return st.data_editor(
        table, hide_index=True, key="ssb_follow",
        disabled=[c for c in table.columns if c != "follow"],
        column_config={
            "follow": st.column_config.CheckboxColumn(tr("ssb.col.follow")),
            "id": st.column_config.TextColumn("id"),
            "name": st.column_config.TextColumn(tr("ssb.col.indicator")),
            "table": st.column_config.TextColumn(tr("ssb.col.table")),
            "goals": st.column_config.TextColumn(tr("nav.goals")),
            "targets": st.column_config.TextColumn(tr("ssb.col.targets")),
            "rule": st.column_config.TextColumn(tr("ssb.col.rule")),
            "evidence": st.column_config.TextColumn(tr("ssb.col.evidence")),
            "ks_id": st.column_config.TextColumn("KS"),
        })


def provenance_table(prov: pd.DataFrame) -> pd.DataFrame:
    """The calls of a pull for the page: table, query, fetched, SSB's updated, sha256."""
    return pull_calls(prov, lang())


def skipped_table(skipped: list[tuple[str, str, str]]) -> pd.DataFrame:
    """The entries a pull left out, with the reason."""
    return pd.DataFrame(skipped, columns=[tr("ssb.col.indicator"), tr("ssb.col.table"),
                                          tr("ssb.col.reason")])
