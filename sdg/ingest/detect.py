"""Layout detection: try each parser in order, else explain why there are no figures.

Order: Udir export → long table (the project template) → KOSTRA blocks → wide years
(SSB Statbank and analysts' sheets). A sheet none of them fits gets an explanation:
no figures at all (or the UN framework), region codes but no years, years in rows
without regions (a national series), county/national labels only, or "unrecognised".
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from sdg.ingest.blocks import Block
from sdg.ingest.cells import parse_years, to_values
from sdg.ingest.layouts import (
    HEAD_ROWS,
    norm,
    parse_kostra_blocks,
    parse_long,
    parse_udir,
    parse_wide,
    udir_or_template,
)
from sdg.ingest.model import Explanation
from sdg.ingest.read import RawSheet
from sdg.ingest.regions import classify_label, code_from_label
from sdg.ingest.tidy import HEAD_ROWS as _TIDY_HEAD_ROWS
from sdg.ingest.tidy import figure_free_region_table, parse_tidy

PARSERS = (parse_udir, parse_long, parse_tidy, parse_kostra_blocks, parse_wide)
_UN_MARKERS = ("sustainable development goal", "global indicator framework")
_REGION_HEADERS = {"kommune", "kommunenummer", "kommunenr", "knr", "kommunekode"}


def detect(grid: np.ndarray, sheet: str, known: Mapping[str, str], year: int | None = None,
           columns: tuple[tuple[np.ndarray, np.ndarray], ...] | None = None
           ) -> list[Block] | Explanation:
    """Blocks from the first parser that fits, or an explanation.

    ``year`` is the period the user gives for a file that names none (only the long
    tables use it: elsewhere a sheet without years is explained); ``columns`` the
    grid's columns as codes when the reader has them
    (:attr:`~sdg.ingest.read.RawSheet.columns`, for :func:`parse_tidy`).
    """
    if not has_content(grid):
        return Explanation(sheet, "ingest.explain.no_figures", {"sheet": sheet})
    soft: Explanation | None = None  # a long table without a period: said if nothing fits
    for parser in PARSERS:
        blocks = (parser(grid, sheet, year, columns) if parser is parse_tidy
                  else parser(grid, sheet))
        if isinstance(blocks, Explanation):
            soft = soft or blocks
        elif blocks:
            return blocks
    return soft or explain(grid, sheet, known)


def detect_sheet(raw: RawSheet, known: Mapping[str, str], year: int | None = None
                 ) -> list[Block] | Explanation:
    """:func:`detect` of a sheet as read. A sheet read as columns (a large CSV,
    :attr:`~sdg.ingest.read.RawSheet.columns`) is first tried as a long table from its
    first rows and its columns, without building its grid: when its first rows hold
    no Udir or template header (:func:`~sdg.ingest.layouts.udir_or_template`, the
    parsers tried before) and :func:`parse_tidy` finds a table there, those blocks
    are what :func:`detect` of the grid gives (``tests/test_ingest_detect.py``);
    anything else is detected from the grid.

    >>> from sdg.ingest.read import read_csv
    >>> rows = "\\n".join(f"{3201 + i % 3} Kommune;{2000 + i // 3};{i}" for i in range(6000))
    >>> raw = read_csv(("kommune;år;antall\\n" + rows).encode(), "a.csv")
    >>> blocks = detect_sheet(raw, {})
    >>> len(blocks[0].cells), "grid" in raw.__dict__
    (6000, False)
    """
    if raw.columns is not None:
        head = raw.head(max(HEAD_ROWS, _TIDY_HEAD_ROWS))
        if has_content(head) and not udir_or_template(head, raw.name):
            blocks = parse_tidy(head, raw.name, year, raw.columns, raw.shape[0])
            if isinstance(blocks, list) and blocks:
                return blocks
    return detect(raw.grid, raw.name, known, year, raw.columns)


def has_content(grid: np.ndarray) -> bool:
    """True when any cell is non-empty (stops at the first one).

    >>> has_content(np.array([["", ""], ["", 1.0]], dtype=object)), has_content(np.empty((0, 0)))
    (True, False)
    """
    return any(cell != "" for cell in grid.flat)


def _has_numbers(grid: np.ndarray) -> bool:
    """True when any cell is a number (not a year-like text)."""
    values = to_values(grid.ravel())
    return bool((~values.empty & ~np.isnan(values.value)).any())


def _code_column(grid: np.ndarray, known: Mapping[str, str]) -> bool:
    """A column of municipalities: ``0301 Oslo`` texts, known names, or codes under a
    ``kommune`` header."""
    for c in range(grid.shape[1]):
        column = grid[:, c]
        # each distinct label classified once: a long table repeats its labels (a
        # national Statbank series of 18,000 rows took 3 s cell by cell)
        texts = {x for x in dict.fromkeys(column) if isinstance(x, str)
                 and not x.strip().isdigit() and classify_label(x, known)[0]}
        if len(texts) >= 3:
            return True
        header = next((norm(x) for x in column if x != ""), "")
        codes = [x for x in column if not isinstance(x, str) and code_from_label(x)]
        if header in _REGION_HEADERS and len(codes) >= 3:
            return True
    return False


def _aggregate_labels(grid: np.ndarray) -> bool:
    """The first text column (below its header), or the first row, holds mostly
    county/national labels."""
    top = [x for x in grid[0] if isinstance(x, str) and x != ""]
    if len(top) >= 3 and sum(classify_label(x, {})[1] == "aggregate" for x in top) * 2 >= len(top):
        return True
    for c in range(grid.shape[1]):
        labels = [x for x in pd.unique(pd.Series(grid[1:, c], dtype=object)) if x != ""]
        if labels and all(isinstance(x, str) for x in labels):
            kinds = [classify_label(x, {})[1] for x in labels]
            return kinds.count("aggregate") * 2 >= len(kinds) or norm(grid[0, c]) == "fylke"
    return False


def explain(grid: np.ndarray, sheet: str, known: Mapping[str, str]) -> Explanation:
    """Why a sheet that fits no layout holds no municipal figures."""
    params = {"sheet": sheet}
    text = " ".join(str(x) for x in grid[:4].ravel() if isinstance(x, str)).casefold()
    if any(marker in text for marker in _UN_MARKERS):
        return Explanation(sheet, "ingest.explain.un_framework", params)
    if not _has_numbers(grid):
        return Explanation(sheet, "ingest.explain.no_figures", params)
    if figure_free_region_table(grid):
        return Explanation(sheet, "ingest.explain.no_measures", params)
    if _code_column(grid, known):
        return Explanation(sheet, "ingest.explain.no_years", params)
    years_in_rows = [int((~np.isnan(parse_years(grid[:, c]))).sum()) for c in range(grid.shape[1])]
    if max(years_in_rows, default=0) >= 3:
        return Explanation(sheet, "ingest.explain.national_series", params)
    if _aggregate_labels(grid):
        return Explanation(sheet, "ingest.explain.aggregates_only", params)
    return Explanation(sheet, "ingest.explain.unrecognised", params)
