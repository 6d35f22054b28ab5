"""The result types of :func:`sdg.ingest.parse_file` and the status symbols.

A file yields a :class:`ParseResult`: the tables found (one :class:`ParsedTable` per
indicator block or sheet, each with a long ``data`` frame), the problems found in
single cells, and explanations for sheets that hold no municipal figures.

Status symbols (SSB standard, see ``SSB_EXPORT_LAYOUT.md`` §4; ``*`` is Udir's):

====== ============================================================ ============
symbol meaning                                                      value
====== ============================================================ ============
``.``  not applicable: the category did not exist / cannot occur    NaN
``..`` not available: figures missing or too uncertain to publish   NaN
``...`` not available (older SSB tables, "oppgave mangler"); read   NaN
       as ``..``
``:``  confidential: not shown for reasons of confidentiality       NaN
``-``  zero or nil: a real zero                                     0.0
``*``  suppressed (Udir "prikket"): small groups hidden for privacy NaN
====== ============================================================ ============
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sdg.i18n import t

#: Status symbol → short English meaning.
STATUS_SYMBOLS: dict[str, str] = {
    ".": "not applicable",
    "..": "not available",
    ":": "confidential",
    "-": "zero or nil",
    "*": "suppressed",
}

#: Columns of :attr:`ParsedTable.data`, in order.
DATA_COLUMNS: tuple[str, ...] = (
    "region_label",
    "municipality",
    "year",
    "value",
    "status_symbol",
    "measure",
    "src_row",
    "src_col",
    "period",
)

#: Columns of :attr:`ParseResult.problems`, in order.
PROBLEM_COLUMNS: tuple[str, ...] = (
    "file",
    "sheet",
    "row",
    "column",
    "value",
    "reason_key",
    "params",
    "reason",
    "reason_en",
)


def empty_data() -> pd.DataFrame:
    """An empty data frame with the columns of :attr:`ParsedTable.data`.

    >>> list(empty_data().columns) == list(DATA_COLUMNS)
    True
    """
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in DATA_COLUMNS})


@dataclass(frozen=True)
class Explanation:
    """Why a sheet (or file) yields no municipal figures.

    >>> e = Explanation("Ark1", "ingest.explain.no_figures", {"sheet": "Ark1"})
    >>> str(e)
    'Arket Ark1 inneholder ingen tall.'
    >>> e.message("en")
    'The sheet Ark1 holds no figures.'
    """

    sheet: str
    key: str
    params: dict[str, object] = field(default_factory=dict)

    def message(self, lang: str = "nb") -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("nb")


@dataclass(frozen=True)
class ParsedTable:
    """One indicator block read from a sheet.

    Attributes
    ----------
    sheet : str
        Sheet name (the file name for CSV and JSON-stat).
    layout : str
        ``template_long``, ``long``, ``wide_years``, ``ssb_statbank``, ``udir``,
        ``kostra_blocks`` or ``jsonstat``.
    title : str
        Indicator title found in the file (Statbank title, block title, measure).
    unit : str or None
        Unit when the file names one (e.g. ``prosent``).
    source : str or None
        E.g. ``SSB 07459`` or ``Udir``.
    data : pandas.DataFrame
        Long frame with :data:`DATA_COLUMNS`: ``region_label`` as in the file,
        ``municipality`` (4-character code or None), ``year`` (int), ``value``
        (float, NaN when missing), ``status_symbol`` (None or a key of
        :data:`STATUS_SYMBOLS`), ``measure`` (str or None), ``src_row`` (1-based),
        ``src_col`` (Excel column letter) and ``period`` (the period as written,
        ``2023-24``; ``year`` follows the period rule of :mod:`sdg.ingest.cells`).
    """

    sheet: str
    layout: str
    title: str
    unit: str | None
    source: str | None
    data: pd.DataFrame
    #: 1-based row → reason key (``ingest.skip.…``) of rows read and left out.
    notes: dict[int, str] = field(default_factory=dict)
    #: Column letter → reason key of columns read and not used as figures (in column
    #: order): the region, year and category columns, and every other non-empty column
    #: of the table with why it holds no figures (:mod:`sdg.ingest.columns`).
    col_notes: dict[str, str] = field(default_factory=dict)
    #: Column letter → parameters of its reason (``{"column": "B"}``: a duplicate of B).
    col_params: dict[str, dict[str, object]] = field(default_factory=dict)


@dataclass(frozen=True)
class ParseResult:
    """Everything read from one file: tables, cell problems and explanations.

    ``read_rows`` holds, per sheet read, the 1-based numbers of its non-empty rows
    (what the reconciliation counts as "rader lest"). ``sheets`` names every worksheet
    of the file in order (read or not) and ``hidden`` those hidden in Excel; a hidden
    sheet is read only when chosen.
    """

    tables: list[ParsedTable]
    problems: pd.DataFrame
    explanations: list[Explanation]
    read_rows: dict[str, np.ndarray] = field(default_factory=dict)
    sheets: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
