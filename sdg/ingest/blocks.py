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

from sdg import sandbox
from sdg.escape import clean_text
from sdg.ingest.cells import text_codes, to_values, to_values_parts
from sdg.ingest.model import Explanation, ParsedTable, lean_table, with_codes
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
    #: Arrays the parser has factorized anyway: ``"labels"``, ``"cells"``,
    #: ``"measures"`` or ``"periods"`` (the period source: ``periods``, else
    #: ``year_cells``) → (codes, distinct values), the array being
    #: ``distinct[codes]`` with code -1 for a missing value (None, NaN), as from
    #: :func:`pandas.factorize`; ``distinct`` may repeat a value. :func:`finish`
    #: ignores them; :func:`finish_all` uses them instead of factorizing again.
    coded: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: :func:`~sdg.ingest.cells.read_distinct` of the distinct cells of
    #: ``coded["cells"]``, when the parser has read them anyway (the long tables):
    #: :func:`finish_all` of this one block does not read them again.
    cell_reads: tuple | None = None

    def __getattr__(self, name: str) -> np.ndarray:
        """``labels``, ``cells`` or ``measures`` of a block that holds them as codes
        only (:func:`from_codes`): ``distinct[codes]``, built on first use."""
        if name not in self.__dict__.get("_from_codes", ()):
            raise AttributeError(name)
        codes, distinct = self.__dict__["coded"][name]
        values = distinct[codes]
        self.__dict__[name] = values
        return values


#: The fields of a :class:`Block` that :func:`from_codes` leaves to their codes.
_FROM_CODES = ("labels", "cells", "measures")


def from_codes(block: Block) -> Block:
    """``block`` (made with None for the fields :data:`_FROM_CODES`) with each of
    them left to its :attr:`Block.coded` entry, every code of which is a distinct
    value (no -1): built when first read (:meth:`Block.__getattr__`), and
    :func:`finish_all` reads them only for a cell with a problem. A long table's
    three arrays of Python objects were ~0.003 s of a 200,000-row parse.

    >>> coded = {"labels": (np.array([0, 0]), np.array(["3203 Asker"], dtype=object)),
    ...          "cells": (np.array([1, 0]), np.array(["1", "2"], dtype=object)),
    ...          "measures": (np.array([0, 0]), np.array([None], dtype=object))}
    >>> b = from_codes(Block("long", "T", None, None, None, np.array([0, 0]),
    ...                      np.array([2024.0, 2023.0]), None, np.array([1, 2]),
    ...                      np.array([1, 1]), None, coded=coded))
    >>> "cells" in b.__dict__, b.cells.tolist(), b.labels.tolist()
    (False, ['2', '1'], ['3203 Asker', '3203 Asker'])
    """
    for name in _FROM_CODES:
        codes = block.coded[name][0]
        if block.__dict__[name] is not None or len(codes) and codes.min() < 0:
            raise ValueError(f"{name}: not None, or a code -1 (a missing value)")
        del block.__dict__[name]
    block.__dict__["_from_codes"] = _FROM_CODES
    return block


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
    return _explain(kinds[np.unique(index, return_index=True)[1]], ctx)


def _explain(distinct: np.ndarray, ctx: Context) -> Explanation | None:
    """:func:`_explanation_for` of the kinds of the distinct labels (in any order)."""
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
    _region_and_year_problems(block, ctx, keep, label_index, kinds == "unknown",
                              kinds == "empty")
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


def finish_all(blocks: list[Block], ctx: Context) -> list[ParsedTable | Explanation]:
    """``[finish(b, ctx) for b in blocks]`` for the blocks of one sheet, in one pass.

    The cells of all blocks are read, their labels looked up, their columns, periods
    and measures turned into text at once, and the result split back into one table
    (or explanation) per block; problems are logged block by block in the order
    :func:`finish` logs them. A template sheet has one block per indicator, so this
    saves the fixed cost of :func:`finish` per block. The same results as
    :func:`finish` (``tests/test_ingest_finish_fast.py``); blocks that cannot be
    joined exactly (see :func:`_joinable`) go through :func:`finish` one by one.

    Parameters
    ----------
    blocks : list of Block
        The blocks found on the sheet ``ctx.sheet``.
    ctx : Context
        The sheet's context; its problem log receives the blocks' problems.

    Returns
    -------
    list of ParsedTable or Explanation
        One per block, in order.

    Examples
    --------
    >>> from sdg.ingest.problems import Problems
    >>> def block(title, label, cell):
    ...     one = lambda v: np.array([v], dtype=object)
    ...     return Block("long", title, None, None, one(label), np.array([0]),
    ...                  np.array([2024.0]), one(cell), np.array([1]), np.array([2]),
    ...                  one(None))
    >>> ctx = Context("Ark1", {}, Problems("a.xlsx"))
    >>> out = finish_all([block("A", "3203", 1.5), block("B", "3203", "x")], ctx)
    >>> [o.data["value"].tolist() for o in out], ctx.problems.frame()["row"].tolist()
    ([[1.5], [nan]], [2])
    """
    if not _joinable(blocks):
        return [finish(b, ctx) for b in blocks]
    sizes = [len(b.rows) for b in blocks]  # (one per cell: no array left to codes read)
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def joined(name: str) -> np.ndarray:
        arrays = [getattr(b, name) for b in blocks]
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    # The labels, cells and measures are joined only where their codes do not serve.
    labels, measures = (lambda: joined("labels")), (lambda: joined("measures"))  # noqa: E731
    source = "periods" if blocks[0].periods is not None else (
        "year_cells" if blocks[0].year_cells is not None else None)
    periods = joined(source) if source else None
    label_index, distinct = _factorized(blocks, "labels", labels)
    measure_index, measure_distinct = _factorized(blocks, "measures", measures)
    if periods is not None:
        period_index, period_distinct = _factorized(blocks, "periods", lambda: periods)
    if not (_one_kind(labels, label_index, distinct)
            and _one_kind(measures, measure_index, measure_distinct)
            and (periods is None or _one_kind(lambda: periods, period_index, period_distinct))):
        return [finish(b, ctx) for b in blocks]
    label_index, distinct = _deduplicated(label_index, distinct)
    years = joined("years")
    coded_cells = _joined_codes(blocks, "cells")
    cells = None if text_codes(coded_cells) else joined("cells")
    values, cell_problems = to_values_parts(cells, starts, coded_cells,
                                            blocks[0].cell_reads if len(blocks) == 1 else None)
    cell_of = cells.__getitem__ if cells is not None else (
        lambda i: coded_cells[1][coded_cells[0][i]])
    looked_up = [_looked_up(u, ctx) for u in distinct] + [(None, "empty", None)]
    kinds = np.array([x[1] for x in looked_up], dtype=object)
    empty, unknown = (kinds == "empty")[label_index], (kinds == "unknown")[label_index]
    keep = ~values.empty
    outcomes: list[ParsedTable | Explanation | None] = []
    for k, block in enumerate(blocks):
        a, b = int(starts[k]), int(starts[k + 1])
        outcomes.append(_finish_part(block, ctx, a, keep[a:b], label_index[a:b], empty[a:b],
                                     unknown[a:b], kinds[:-1], cell_of, cell_problems[k]))
    for k, o in enumerate(outcomes):
        if o is not None:
            keep[starts[k]:starts[k + 1]] = False
    kept = np.flatnonzero(keep)
    bounds = np.searchsorted(kept, starts).tolist()
    # every cell kept: the arrays as they are (each is made here or only read)
    at = (lambda a: a) if len(kept) == len(keep) else (lambda a: a[kept])  # noqa: E731
    label_kept = at(label_index)
    region = _Texts([x[2] for x in looked_up], label_kept)
    # The text columns from codes (kept as ParsedTable.coded: they travel as codes).
    coded = {"region_label": (region.objects, label_kept),
             "municipality": (np.array([x[0] for x in looked_up], dtype=object), label_kept),
             "measure": (_mapped(measure_distinct, clean_text), at(measure_index)),
             "src_col": _column_letters(at(joined("cols")), coded=True)}
    if periods is not None:
        coded["period"] = (_mapped(period_distinct, _period_of), at(period_index))
    if values.status_codes is not None:  # (cells read from their codes)
        coded["status_symbol"] = (values.status_codes[0], at(values.status_codes[1]))
    # In a parse child the text columns are left to their codes (the tables are
    # pickled as codes: lean_table); elsewhere they are built here.
    lean = sandbox.in_child()
    texts = {} if lean else {c: d[i] for c, (d, i) in coded.items() if c != "region_label"}
    year = at(years).astype(np.int64)
    value = at(values.value)
    status = None if "status_symbol" in coded else at(values.status)
    src_row = at(joined("rows")).astype(np.int64) + 1
    if periods is None:
        texts["period"] = year.astype(str).astype(object)
    for k, block in enumerate(blocks):
        if outcomes[k] is not None:
            continue
        part = slice(bounds[k], bounds[k + 1])
        columns = {"region_label": region.part(part), "municipality": None,
                   "year": year[part], "value": value[part],
                   "status_symbol": None if status is None else _objects(status[part]),
                   "measure": None,
                   "src_row": src_row[part], "src_col": None, "period": None}
        for c, text in texts.items():
            columns[c] = _objects(text[part])
        # arrays made here, a part each: no two tables share a cell
        data = pd.DataFrame({c: v for c, v in columns.items() if v is not None}, copy=False)
        codes = {c: (d, i[part]) for c, (d, i) in coded.items()}
        outcomes[k] = (lean_table(_table(block, ctx, data), codes, list(columns)) if lean
                       else with_codes(_table(block, ctx, data), codes))
    return outcomes


class _Texts:
    """The region labels as text of the kept cells (``texts[codes]``, the last text
    None for code -1), as :func:`finish` gives them to :class:`pandas.DataFrame`: an
    object array, which pandas turns into its text dtype when it holds a text. Where
    it would, the part is taken from the distinct texts already in that dtype
    (``pyarrow`` takes, instead of converting each cell's text again)."""

    def __init__(self, texts: list[object], codes: np.ndarray) -> None:
        self.codes = codes
        self.objects = np.array(texts, dtype=object)
        self.text = np.array([x is not None for x in texts], dtype=bool)
        dtype = pd.DataFrame({"a": np.array(["a"], dtype=object)})["a"].dtype
        self.typed = None
        if not pd.api.types.is_object_dtype(dtype) and all(isinstance(x, str) for x in texts[:-1] if x is not None):
            self.typed = pd.array(self.objects[:-1], dtype=dtype)

    def part(self, part: slice) -> object:
        """The column ``region_label`` of the kept cells ``part``."""
        codes = self.codes[part]
        if self.typed is None or not self.text[codes].any():
            return self.objects[codes]
        return self.typed.take(codes, allow_fill=True)


def _objects(part: np.ndarray) -> pd.Series:
    """``pd.Series(part, dtype=object)`` without a copy (``part`` is a slice of an
    array :func:`finish_all` made, no other table's)."""
    return pd.Series(part, dtype=object, copy=False)


def _column_letters(cols: np.ndarray, coded: bool = False
                    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """:func:`_letters` by a table of the columns present (no sort); with ``coded``,
    that table and the index into it (the letters are ``table[index]``).

    >>> _column_letters(np.array([1, 0, 27, 1])).tolist(), _column_letters(np.array([2, 2])).tolist()
    (['B', 'A', 'AB', 'B'], ['C', 'C'])
    >>> table, index = _column_letters(np.array([2, 2]), coded=True)
    >>> table.tolist(), index.tolist()
    (['C'], [0, 0])
    """
    if not len(cols):
        table, index = np.array([], dtype=object), np.zeros(0, dtype=np.intp)
    elif cols.min() == cols.max():  # one column (a long table's only value column)
        table = np.array([column_letter(int(cols[0]))], dtype=object)
        index = np.zeros(len(cols), dtype=np.intp)
    else:
        index = cols.astype(np.int64)
        table = np.empty(int(index.max()) + 1, dtype=object)
        for c in np.flatnonzero(np.bincount(index)):
            table[c] = column_letter(int(c))
    return (table, index) if coded else table[index]


def _factorized(blocks: list[Block], name: str, values: Callable[[], np.ndarray]
                ) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of the joined array ``values()`` (field ``name`` of
    the blocks, ``"periods"`` for the period source): the blocks' own
    :attr:`Block.coded` when every block has them, else :func:`pandas.factorize`."""
    found = _joined_codes(blocks, name)
    if found is not None:
        return found
    index, distinct = pd.factorize(pd.Series(values(), dtype=object))
    return index, np.asarray(distinct, dtype=object)


def _joined_codes(blocks: list[Block], name: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The blocks' :attr:`Block.coded` ``name`` joined (codes into one distinct array;
    -1 stays missing), or None when a block has none."""
    if not all(name in b.coded for b in blocks):
        return None
    parts = [b.coded[name] for b in blocks]
    if len(parts) == 1 or all(d is parts[0][1] for _, d in parts):
        codes = parts[0][0] if len(parts) == 1 else np.concatenate([c for c, _ in parts])
        return codes, parts[0][1]
    offsets = np.cumsum([0] + [len(d) for _, d in parts[:-1]])
    codes = np.concatenate([np.where(c < 0, -1, c + o) for (c, _), o in zip(parts, offsets,
                                                                            strict=True)])
    return codes, np.concatenate([np.asarray(d, dtype=object) for _, d in parts])


def _deduplicated(index: np.ndarray, distinct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes into ``distinct`` without repeats (equal by :func:`pandas.factorize`;
    missing values become -1): a label is looked at, and counted, once.

    >>> index, distinct = _deduplicated(np.array([0, 1, 2, -1]),
    ...                                 np.array(["a", "b", "a"], dtype=object))
    >>> index.tolist(), distinct.tolist()
    ([0, 1, 0, -1], ['a', 'b'])
    """
    again, unique = pd.factorize(pd.Series(distinct, dtype=object))
    if len(unique) == len(distinct):
        return index, distinct
    remap = np.append(again, -1)
    return remap[index], np.asarray(unique, dtype=object)


def _mapped(distinct: np.ndarray, fn: Callable[[object], object]) -> np.ndarray:
    """``fn`` of each distinct value, None for a missing one and last (code -1), as
    :func:`map_unique` maps.

    >>> _mapped(np.array([2019.0, None], dtype=object), _period_of).tolist()
    ['2019', None, None]
    """
    mapped = np.empty(len(distinct) + 1, dtype=object)
    mapped[:-1] = [None if _missing(u) else fn(u) for u in distinct]
    return mapped


def _missing(value: object) -> bool:
    """True for what :func:`pandas.factorize` calls missing (None, NaN, NaT, NA).

    >>> _missing(None), _missing(float("nan")), _missing("x"), _missing(0.0)
    (True, True, False, False)
    """
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _finish_part(block: Block, ctx: Context, start: int, keep: np.ndarray,
                 label_index: np.ndarray, empty: np.ndarray, unknown: np.ndarray,
                 kinds: np.ndarray, cell_of: Callable[[int], object], problems: list
                 ) -> Explanation | None:
    """The checks and problems of :func:`finish` for one block of :func:`finish_all`
    (its slices of the joined arrays: ``empty`` and ``unknown`` flag the labels of
    those kinds, ``kinds`` is the kind of each distinct label, ``cell_of(i)`` the
    joined cell ``i``; ``keep`` is narrowed in place): an explanation, or None when
    the block is a table."""
    if not keep.any():
        return Explanation(ctx.sheet, "ingest.explain.no_figures", {"sheet": ctx.sheet})
    present = np.bincount(label_index[keep & ~empty], minlength=len(kinds)) > 0
    explanation = _explain(kinds[present], ctx)
    if explanation is not None:
        return explanation
    for i, key, params in problems:
        if keep[i - start]:
            ctx.problems.add(ctx.sheet, int(block.rows[i - start]) + 1,
                             int(block.cols[i - start]), cell_of(i), key, **params)
    _region_and_year_problems(block, ctx, keep, label_index, unknown, empty)
    return None


def _table(block: Block, ctx: Context, data: pd.DataFrame) -> ParsedTable:
    """The :class:`ParsedTable` of ``block`` with its long ``data``."""
    notes = {int(r) + 1: key for r, key in block.notes.items()}
    col_notes = {column_letter(int(c)): key for c, key in sorted(block.col_notes.items())}
    col_params = {column_letter(int(c)): p for c, p in block.col_params.items()}
    return ParsedTable(ctx.sheet, block.layout, clean_text(block.title), clean_text(block.unit),
                       clean_text(block.source), data, notes, col_notes, col_params)


#: The fields of a :class:`Block` that :func:`finish_all` joins, with their dtype kind.
_JOINED = {"labels": "O", "cells": "O", "measures": "O", "years": "f", "rows": "iu",
           "cols": "iu", "label_cols": "iu"}
_OPTIONAL = {"year_cells": "O", "year_cols": "iu", "periods": "O"}


def _joinable(blocks: list[Block]) -> bool:
    """True when :func:`finish_all` may join ``blocks``: one or more, their arrays of
    the dtypes :func:`finish` is given by the layout parsers (object cells and labels,
    float years, integer positions), each optional array given by all or none."""
    if not blocks:
        return False
    for name, kinds in _JOINED.items():
        if any(getattr(b, name).dtype.kind not in kinds for b in blocks):
            return False
    for name, kinds in _OPTIONAL.items():
        arrays = [getattr(b, name) for b in blocks]
        if any(a is None for a in arrays) and any(a is not None for a in arrays):
            return False
        if arrays[0] is not None and any(a.dtype.kind not in kinds for a in arrays):
            return False
    return True


#: :func:`pandas.api.types.infer_dtype` kinds of values of one Python type (or its
#: NumPy twin, which :func:`finish` treats alike).
_ONE_KIND = frozenset({"string", "floating", "integer", "boolean", "empty"})


def _one_kind(values: np.ndarray | Callable[[], np.ndarray], index: np.ndarray,
              distinct: np.ndarray) -> bool:
    """True when the non-text ``values`` are all of one kind, so each distinct value of
    :func:`pandas.factorize` (``index``, ``distinct``) stands for values :func:`finish`
    treats alike, whichever block they are in (1, 1.0 and True are one key to
    :func:`pandas.factorize`, but not one label).

    >>> v = np.array(["a", 1.0, 2.0, None], dtype=object)
    >>> _one_kind(v, *pd.factorize(pd.Series(v, dtype=object)))
    True
    >>> v = np.array(["a", 1.0, 1, True], dtype=object)
    >>> _one_kind(v, *pd.factorize(pd.Series(v, dtype=object)))
    False
    """
    text = np.array([type(u) is str or _missing(u) for u in distinct] + [True], dtype=bool)
    if text.all():
        return True
    other = (values() if callable(values) else values)[~text[index]]
    return pd.api.types.infer_dtype(other, skipna=False) in _ONE_KIND


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


def _region_and_year_problems(block: Block, ctx: Context, keep: np.ndarray,
                              label_index: np.ndarray, unknown: np.ndarray,
                              empty: np.ndarray) -> None:
    """Log the problems of the kept cells of ``block`` (merged values, the first row of
    each unknown label, each row without a label, each year that is not one), in that
    order, and drop the cells without a year from ``keep`` (in place)."""
    _merged_values(block, keep, ctx)
    for i in _first_rows(label_index, keep & unknown):
        ctx.problems.add(ctx.sheet, int(block.rows[i]) + 1, int(block.label_cols[i]),
                         block.labels[i], "ingest.problem.unknown_region")  # fmt: skip
    for i in _first_rows(block.rows, keep & empty):
        col = column_letter(int(block.label_cols[i]))
        ctx.problems.add(ctx.sheet, int(block.rows[i]) + 1, col, None,
                         "ingest.problem.no_region")  # fmt: skip
    no_year = keep & np.isnan(block.years)
    if block.year_cells is not None and block.year_cols is not None:
        for i in np.flatnonzero(no_year):
            ctx.problems.add(ctx.sheet, int(block.rows[i]) + 1, int(block.year_cols[i]),
                             block.year_cells[i], "ingest.problem.bad_year")  # fmt: skip
    keep &= ~no_year


def _period_text(block: Block, keep: np.ndarray) -> np.ndarray:
    """The period as written for the kept cells (the year when the file wrote only it)."""
    source = block.periods if block.periods is not None else block.year_cells
    if source is None:
        return block.years[keep].astype(np.int64).astype(str).astype(object)
    return map_unique(source[keep], _period_of)


def _period_of(cell: object) -> str:
    """A period cell as text (``2019.0`` → ``2019``).

    >>> _period_of(2019.0), _period_of(" 2018-19 ")
    ('2019', '2018-19')
    """
    return str(int(cell)) if isinstance(cell, float) and cell.is_integer() else str(cell).strip()


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
