"""Table alternatives for charts and tiles (plain DataFrames with translated headers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from pandas.io.formats.style import Styler

from sdg import fmt
from sdg.tables import kinds_of
from ui.i18n import tr
from ui.state import lang, municipality_label

#: How an ``st.data_editor`` writes its editable number columns. It cannot take a
#: pandas Styler for an editable column, and a NumberColumn's printf formats always
#: write a decimal point; "localized" writes (and reads what is typed) in the *browser's*
#: locale (``Intl.NumberFormat(navigator.languages)``): ``1 234,5`` in a Norwegian
#: browser, ``1,234.5`` in an English one, whatever the page's language.
EDITOR_NUMBERS = "localized"


def norwegian(table: pd.DataFrame, kinds: Mapping[str, fmt.Kind | Sequence[fmt.Kind]]
              | None = None, language: str | None = None, others: bool = True) -> Styler:
    """``table`` for ``st.dataframe`` with every cell written by :mod:`sdg.fmt` in the
    session's language (``43,09``, ``93 679``, ``25.09.2018 14:03``; ``–`` for a missing
    value) while the cells keep their values, so a column still sorts as numbers or
    dates.

    ``kinds`` maps a column to its :data:`sdg.fmt.Kind`: a number of decimals, None for
    "as needed", a word (``"date"``, ``"datetime"``, ``"year"``, ``"exact"``, ``"id"``,
    ``"text"``), or one of those per row (an indicator's own decimals). Other columns
    get the kinds a builder of :mod:`sdg.tables` put in ``table.attrs``, else
    :func:`sdg.fmt.infer_kind`; with ``others=False`` they are left to Streamlit (a
    column whose ``column_config`` writes it, e.g. a SelectboxColumn's labels).
    """
    language = language or lang()
    kinds = kinds_of(table) | dict(kinds or {})
    table = table.reset_index(drop=True)  # a Styler subset needs a unique index
    every = fmt.column_kinds(table, kinds)
    # The browser draws a missing cell as a grey "None" whatever the Styler says, so a
    # column with a gap is sent as its text (it then sorts as text)
    gaps = [c for c in table.columns if (others or c in kinds) and table[c].isna().any()]
    if gaps:
        text = fmt.display(table[gaps], {c: every[c] for c in gaps}, language)
        table = _replace(table, text)
        every |= dict.fromkeys(gaps, "text")
    styler = table.style
    for column, kind in every.items():
        if not others and column not in kinds:
            continue
        if not isinstance(kind, list | tuple | pd.Series) and not hasattr(kind, "__array__"):
            styler = styler.format(fmt.formatter(kind, language), subset=[column])
            continue
        per_row = [fmt.as_kind(k) for k in kind]
        for k in dict.fromkeys(per_row):
            rows = [i for i, r in enumerate(per_row) if r == k]
            styler = styler.format(fmt.formatter(k, language),
                                   subset=pd.IndexSlice[rows, [column]])
    return styler


def _replace(table: pd.DataFrame, columns: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the columns of ``columns`` put in their place."""
    table = table.copy()
    for c in columns.columns:
        table[c] = columns[c]
    return table


#: Tables up to this many rows get their CSV made with the page (a few milliseconds);
#: longer ones when the button is pressed (a deferred download). Deferred downloads
#: were first suspected of losing a facilitator's click made during a rerun; the
#: click was later lost with made-with-the-page files too (docs/notes/2026-12-02), so
#: this only keeps small files simple.
DEFER_ROWS = 20_000


def csv_button(table: pd.DataFrame | Styler, file_name: str, key: str) -> None:
    """A "Last ned CSV" button under a table: the table's values (a Styler's data) as
    :func:`sdg.exports.csv` writes them for the session's language (made with the page,
    or on click for a table longer than :data:`DEFER_ROWS`)."""
    import streamlit as st

    from sdg import exports

    data = table.data if isinstance(table, Styler) else table
    language = lang()
    content = (lambda: exports.csv(data, language)) if len(data) > DEFER_ROWS \
        else exports.csv(data, language)
    st.download_button(tr("export.csv"), content,
                       file_name=file_name, mime="text/csv", on_click="ignore", key=key)


def show(table: pd.DataFrame, file_name: str | None, key: str,
         kinds: Mapping[str, fmt.Kind | Sequence[fmt.Kind]] | None = None, **options):
    """``table`` in ``st.dataframe`` written by :func:`norwegian`, and under it the
    "Last ned CSV" button of :func:`csv_button` (none when ``file_name`` is None);
    ``options`` go to ``st.dataframe``. Returns what ``st.dataframe`` returns."""
    import streamlit as st

    options.setdefault("hide_index", True)
    shown = st.dataframe(norwegian(table, kinds), **options)
    if file_name:
        csv_button(table, file_name, key=f"{key}_csv")
    return shown


def goal_table(goals: pd.DataFrame, focus: set[int], commitments: pd.DataFrame) -> pd.DataFrame:
    """The goal grid as a table: number, name, dimension, focus, commitments."""
    counts = commitments.groupby("goal").size()
    return pd.DataFrame({
        tr("home.table.goal"): goals["goal"],
        tr("home.table.name"): goals[f"short_{lang()}"],
        tr("home.table.dimension"): goals[f"dimension_{lang()}"],
        tr("home.table.focus"): goals["goal"].isin(focus).map({True: "★", False: ""}),
        tr("home.table.commitments"): goals["goal"].map(counts).fillna(0).astype(int),
    })


def goal_targets_table(targets: pd.DataFrame) -> pd.DataFrame:
    """Targets with our Norwegian text (nynorsk for a nynorsk reader, else bokmål) and
    the UN's English wording."""
    own = "nn" if lang() == "nn" else "nb"
    return pd.DataFrame({
        tr("goal.target.code"): targets["target"],
        tr(f"goal.target.{own}"): targets[f"title_{own}"],
        tr("goal.target.en"): targets["title_en"],
    })


def indicator_table(indicators: pd.DataFrame, coverage: pd.DataFrame) -> pd.DataFrame:
    """Our indicators for a goal, with the years the municipality has figures for."""
    cov = coverage.set_index("indicator")
    years = indicators["id"].map(
        lambda i: f"{cov.at[i, 'first_year']}–{cov.at[i, 'last_year']}" if i in cov.index else "–"
    )
    return pd.DataFrame({
        tr("goal.ind.name"): indicators[f"name_{lang()}"],
        tr("goal.ind.targets"): indicators["targets"],
        tr("goal.ind.unit"): indicators[f"unit_{lang()}"],
        tr("goal.ind.direction"): indicators["direction"].map(lambda d: tr(f"direction.{d}")),
        tr("goal.ind.coverage", municipality=municipality_label()): years,
        tr("common.source"): indicators["source"],
    })


def ks_table(ks: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        tr("goal.ks.title"): ks["title"],
        tr("goal.ind.targets"): ks["targets"],
        tr("goal.ks.periodicity"): ks["periodicity"],
        tr("common.source"): ks["source_url"],
    })


def un_table(un: pd.DataFrame) -> pd.DataFrame:
    repeat = un["repeat_of"].map(
        lambda r: tr("goal.un.repeat", code=r) if isinstance(r, str) and r else "")
    return pd.DataFrame({
        tr("goal.ind.name"): un["indicator"],
        tr("goal.ind.targets"): un["target"],
        tr("goal.target.en"): un["title_en"],
        "": repeat,
    })
