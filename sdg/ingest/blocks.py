"""A :class:`Block` (aligned arrays of candidate value cells) → :class:`ParsedTable`.

Every layout parser produces blocks; this module turns them into the long data frame,
records cell problems, and decides when a block is not municipal at all (an
explanation instead of a table).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sdg.escape import clean_text
from sdg.ingest.cells import to_values
from sdg.ingest.model import Explanation, ParsedTable
from sdg.ingest.problems import Problems, column_letter
from sdg.ingest.regions import classify_label

#: Above this share of aggregate labels (counties, nation) a block is not municipal.
AGGREGATE_SHARE = 0.75


@dataclass
class Block:
    """One indicator block: 1-D arrays aligned per candidate value cell.

    Rows and columns are 0-based grid positions; ``label_cols`` is the column each
    region label was read from, ``year_cells`` the raw year text (for problems).
    """

    layout: str
    title: str
    unit: str | None
    source: str | None
    labels: np.ndarray
    label_cols: np.ndarray
    years: np.ndarray
    cells: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    measures: np.ndarray
    year_cells: np.ndarray | None = None
    year_cols: np.ndarray | None = None
    #: The period as written (``2023-24``, ``2011_2013``, ``2019K4``) per cell, shown in
    #: the preview; ``year_cells`` when None.
    periods: np.ndarray | None = None
    #: 0-based row → reason key (``ingest.skip.…``) for rows of the sheet that this
    #: block read and left out (headers, notes, other geography levels …).
    notes: dict[int, str] = field(default_factory=dict)
    #: 0-based column → reason key for columns read and not used as figures.
    col_notes: dict[int, str] = field(default_factory=dict)
    #: 0-based column → parameters of its reason (``{"column": "B"}`` for a duplicate).
    col_params: dict[int, dict[str, object]] = field(default_factory=dict)


@dataclass
class Context:
    """What every parser needs: the sheet name, known names and the problem log."""

    sheet: str
    known: dict[str, str]
    problems: Problems
    #: label → (code, kind, text), shared by the blocks of a sheet (a template sheet
    #: has one block per indicator over the same few hundred region labels).
    labels: dict[tuple, tuple[str | None, str, object]] = field(default_factory=dict)
    #: 0-based (row, col) → merged range of cells filled from a merged range's top-left
    #: cell (:attr:`sdg.ingest.read.RawSheet.merged_copies`).
    merged: dict[tuple[int, int], str] = field(default_factory=dict)


def map_unique(values: np.ndarray, fn: Callable[[object], object]) -> np.ndarray:
    """``fn`` applied to each distinct value once, broadcast back (missing → None).

    >>> map_unique(np.array([1, 2, 1], dtype=object), lambda v: v * 10).tolist()
    [10, 20, 10]
    """
    index, uniques = pd.factorize(pd.Series(values, dtype=object))
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [fn(u) for u in uniques]
    return mapped[index]


def _letters(cols: np.ndarray) -> np.ndarray:
    """Excel letters for an int array of 0-based columns.

    >>> _letters(np.array([1, 0, 1])).tolist()
    ['B', 'A', 'B']
    """
    distinct, index = np.unique(cols.astype(np.int64), return_inverse=True)
    letters = np.array([column_letter(int(c)) for c in distinct], dtype=object)
    return letters[index.reshape(-1)] if len(distinct) else np.array([], dtype=object)


def _first_rows(keys: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Indices of the first element of each distinct key among ``mask`` (``keys`` are
    integer codes, e.g. from :func:`pandas.factorize`, or plain integers)."""
    idx = np.flatnonzero(mask)
    if not len(idx):
        return idx
    _, first = np.unique(keys[idx], return_index=True)
    return idx[np.sort(first)]


def _explanation_for(kinds: np.ndarray, index: np.ndarray, ctx: Context) -> Explanation | None:
    """An explanation when the labels (``index``: their codes from
    :func:`pandas.factorize`) are not municipalities, else None."""
    distinct = kinds[np.unique(index, return_index=True)[1]]
    municipal = np.isin(distinct, ["code", "name"]).sum()
    aggregates = (distinct == "aggregate").sum()
    unknown = (distinct == "unknown").sum()
    if municipal == 0 and unknown == 0 or aggregates >= AGGREGATE_SHARE * len(distinct):
        return Explanation(ctx.sheet, "ingest.explain.aggregates_only", {"sheet": ctx.sheet})
    if municipal == 0 and ctx.known:
        return Explanation(ctx.sheet, "ingest.explain.no_regions", {"sheet": ctx.sheet})
    return None


def finish(block: Block, ctx: Context) -> ParsedTable | Explanation:
    """Convert values, resolve regions, log problems; or explain why not municipal."""
    values = to_values(block.cells)
    keep = ~values.empty
    if not keep.any():
        return Explanation(ctx.sheet, "ingest.explain.no_figures", {"sheet": ctx.sheet})
    # Each distinct label is looked at once: codes, kinds, text and first rows.
    label_index, labels = pd.factorize(pd.Series(block.labels, dtype=object))
    looked_up = [_looked_up(u, ctx) for u in labels] + [(None, "empty", None)]  # -1: missing
    codes = np.array([x[0] for x in looked_up], dtype=object)[label_index]
    kinds = np.array([x[1] for x in looked_up], dtype=object)[label_index]
    labelled = keep & (kinds != "empty")
    explanation = _explanation_for(kinds[labelled], label_index[labelled], ctx)
    if explanation is not None:
        return explanation
    for i, key, params in values.problems:
        if keep[i]:
            ctx.problems.add(ctx.sheet, int(block.rows[i]) + 1, int(block.cols[i]),
                             block.cells[i], key, **params)  # fmt: skip
    _merged_values(block, keep, ctx)
    for i in _first_rows(label_index, keep & (kinds == "unknown")):
        ctx.problems.add(ctx.sheet, int(block.rows[i]) + 1, int(block.label_cols[i]),
                         block.labels[i], "ingest.problem.unknown_region")  # fmt: skip
    for i in _first_rows(block.rows, keep & (kinds == "empty")):
        col = column_letter(int(block.label_cols[i]))
        ctx.problems.add(ctx.sheet, int(block.rows[i]) + 1, col, None,
                         "ingest.problem.no_region")  # fmt: skip
    no_year = keep & np.isnan(block.years)
    if block.year_cells is not None and block.year_cols is not None:
        for i in np.flatnonzero(no_year):
            ctx.problems.add(ctx.sheet, int(block.rows[i]) + 1, int(block.year_cols[i]),
                             block.year_cells[i], "ingest.problem.bad_year")  # fmt: skip
    keep &= ~no_year
    data = pd.DataFrame(
        {
            "region_label": np.array([x[2] for x in looked_up],
                                     dtype=object)[label_index[keep]],
            "municipality": pd.Series(codes[keep], dtype=object),
            "year": block.years[keep].astype(np.int64),
            "value": values.value[keep],
            "status_symbol": pd.Series(values.status[keep], dtype=object),
            "measure": pd.Series(_clean_measures(block.measures[keep]), dtype=object),
            "src_row": block.rows[keep].astype(np.int64) + 1,
            "src_col": pd.Series(_letters(block.cols[keep]), dtype=object),
            "period": pd.Series(_period_text(block, keep), dtype=object),
        }
    )
    notes = {int(r) + 1: key for r, key in block.notes.items()}
    col_notes = {column_letter(int(c)): key for c, key in sorted(block.col_notes.items())}
    col_params = {column_letter(int(c)): p for c, p in block.col_params.items()}
    return ParsedTable(ctx.sheet, block.layout, clean_text(block.title), clean_text(block.unit),
                       clean_text(block.source), data, notes, col_notes, col_params)


def _clean_measures(measures: np.ndarray) -> np.ndarray:
    """``map_unique(measures, clean_text)``, without the factorization when every
    measure is None (a template block: ``clean_text(None)`` is None, and a missing
    value maps to None in :func:`map_unique` anyway).

    >>> _clean_measures(np.array([None, None], dtype=object)).tolist()
    [None, None]
    >>> _clean_measures(np.array(["Antall", None, "Antall"], dtype=object)).tolist()
    ['Antall', None, 'Antall']
    """
    if measures.tolist().count(None) == len(measures):
        return measures
    return map_unique(measures, clean_text)


def _period_text(block: Block, keep: np.ndarray) -> np.ndarray:
    """The period as written for the kept cells (the year when the file wrote only it)."""
    source = block.periods if block.periods is not None else block.year_cells
    if source is None:
        return block.years[keep].astype(np.int64).astype(str).astype(object)
    return map_unique(source[keep], lambda x: str(int(x)) if isinstance(x, float)
                      and x.is_integer() else str(x).strip())


def _merged_values(block: Block, keep: np.ndarray, ctx: Context) -> None:
    """A value cell that is a copy of a merged range's top-left value is a problem
    (one figure spread over several years or municipalities), listed per cell;
    the top-left cell itself is listed too, since it is one of the range's years."""
    if not ctx.merged:
        return
    width = int(max(block.cols.max(initial=0), max(c for _, c in ctx.merged))) + 1
    at = block.rows.astype(np.int64) * width + block.cols.astype(np.int64)
    spans: dict[str, list[int]] = {}
    for (r, c), span in ctx.merged.items():
        spans.setdefault(span, []).append(r * width + c)
    for span, cells in spans.items():
        first = _top_left(span, width)
        hit = keep & np.isin(at, [first, *cells])
        for i in np.flatnonzero(hit):
            ctx.problems.add(ctx.sheet, int(block.rows[i]) + 1, int(block.cols[i]),
                             block.cells[i], "ingest.problem.merged_value", range=span)


def _top_left(span: str, width: int) -> int:
    """Position code (row × width + col) of the first cell of ``"B3:D3"``.

    >>> _top_left("B3:D3", 10)
    21
    """
    import re

    letters, digits = re.match(r"([A-Z]+)(\d+)", span).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return (int(digits) - 1) * width + col - 1


def _looked_up(label: object, ctx: Context) -> tuple[str | None, str, object]:
    """(code, kind) of :func:`~sdg.ingest.regions.classify_label` and the label's
    text, each distinct label of a sheet worked out once."""
    key = (type(label), label)  # 1.0, 1 and True are equal keys, not equal labels
    try:
        return ctx.labels[key]
    except KeyError:
        found = ctx.labels[key] = (*classify_label(label, ctx.known), _label_text(label))
        return found
    except TypeError:  # an unhashable cell: not cached
        return (*classify_label(label, ctx.known), _label_text(label))


def _label_text(label: object) -> object:
    """Labels as text: integral numbers without ``.0`` (Udir/NVDB codes).

    >>> _label_text(220.0), _label_text("3203 Asker"), _label_text(None)
    ('220', '3203 Asker', None)
    """
    if isinstance(label, float) and label.is_integer():
        return str(int(label))
    if isinstance(label, str):
        return label.strip()
    return None if label is None else str(label)
