"""Cell values → numbers, status symbols and years (vectorised).

Numeric cells pass through :func:`pandas.to_numeric` in one go; only the text cells
that are not plain numbers are looked at one by one (status symbols, decimal commas,
numbers stored as text with spaces as thousands separators).

A value is a finite number or a known status symbol. Everything else is a problem
listed with its cell, never converted or dropped: ``inf``, ``-Infinity``, ``1e999``
and NaN (``ingest.problem.not_finite``), TRUE/FALSE (``boolean``; not 1/0), dates and
times (``date``; not an empty value), Excel error values such as ``#DIV/0!``
(``error_cell``).

Period rule (one rule for every layout, :func:`parse_period`): a figure is stored
under the **year in which its period ends**. A plain year is itself; a school year
``2018-19`` (or ``2018/19``) is the year it ends, 2019 (exit points are awarded in
June); a multi-year period ``2013-2015``, ``2013_2015`` or ``2020-2021`` (FHI and IMDi
rolling means) is its last year; a quarter ``2019K4`` (``2019Q4``) or a month
``2022M03`` is its year. Periods that are not plain years keep their *kind* in the
series name whenever a table mixes kinds or has several periods per year (``K4``,
``M03``, ``3-årsperiode``), so a three-year mean never overwrites that year's figure
and four quarters never collide.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# "..." (older SSB tables, "oppgave mangler") is read as "..".
_SYMBOLS = {".": ".", "..": "..", "...": "..", ":": ":", "-": "-", "*": "*"}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_NOT_FINITE = re.compile(r"^[+-]?(inf|infinity|nan|\d*\.?\d+e[+-]?\d{3,})$", re.I)
_YEAR = re.compile(r"^(\d{4})(?:\s*[-/_]\s*(\d{2}|\d{4}))?$")
_SUBYEAR = re.compile(r"^(\d{4})\s*([KQMkqm])\s*(\d{1,2})$")
YEAR_MIN, YEAR_MAX = 1900, 2100
_NUMERIC_KINDS = {"floating", "integer", "mixed-integer-float", "empty"}
#: Kinds of cells that are all floats, None or NaN (:func:`_read_cells` casts them).
_FLOAT_KINDS = frozenset({"floating", "empty"})
#: Excel's error values (as calamine's XML scan or a CSV export writes them).
ERROR_VALUES = frozenset({"#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                          "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!",
                          "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


@dataclass
class Cells:
    """Result of :func:`to_values` for a 1-D array of cells."""

    value: np.ndarray
    status: np.ndarray
    empty: np.ndarray
    problems: list[tuple[int, str, dict[str, object]]] = field(default_factory=list)
    #: ``status`` as ``(distinct, index)``, ``status == distinct[index]``, when the
    #: cells were read from codes (:func:`to_values_parts`): the column can travel as
    #: codes (:attr:`sdg.ingest.model.ParsedTable.coded`).
    status_codes: tuple[np.ndarray, np.ndarray] | None = None


def text_number(text: str) -> tuple[float, str | None, str | None, str | None]:
    """Read one text cell: (value, status symbol, problem key, decimal style).

    >>> text_number("12,5")[0], text_number("1 234")[0], text_number("..")[1]
    (12.5, 1234.0, '..')
    >>> text_number("-")[:2], text_number("*")[:2]
    ((0.0, '-'), (nan, '*'))
    >>> text_number("1.234,5")[2], text_number("n/a")[2]
    ('ingest.problem.mixed_separators', 'ingest.problem.not_a_number')
    >>> text_number("#DIV/0!")[2], text_number("1e999")[2], text_number("-Infinity")[2]
    ('ingest.problem.error_cell', 'ingest.problem.not_finite', 'ingest.problem.not_finite')
    """
    s = text.strip().strip("\u00a0")
    if s.upper() in ERROR_VALUES:
        return np.nan, None, "ingest.problem.error_cell", None
    if _NOT_FINITE.match(s):
        return np.nan, None, "ingest.problem.not_finite", None
    if s in _SYMBOLS:
        symbol = _SYMBOLS[s]
        return (0.0 if symbol == "-" else np.nan), symbol, None, None
    s = _SPACES.sub("", s).rstrip("%").replace("\u2212", "-")
    if _INTEGER.match(s):
        return float(s), None, None, None
    if _COMMA_DECIMAL.match(s):
        return float(s.replace(",", ".")), None, None, "comma"
    if _POINT_DECIMAL.match(s):
        return float(s), None, None, "point"
    if "," in s and "." in s:
        return np.nan, None, "ingest.problem.mixed_separators", None
    return np.nan, None, "ingest.problem.not_a_number", None


def to_values(cells: np.ndarray) -> Cells:
    """Numbers, status symbols and problems for a 1-D object array of cells.

    Empty cells (``""`` or None) are flagged in ``empty`` and are not problems.

    >>> c = to_values(np.array([1.5, "2,5", ".", "", "x", "3.5", "4,5"], dtype=object))
    >>> c.value.tolist()[:3], c.status.tolist()[:3], c.empty.tolist()[2:5]
    ([1.5, 2.5, nan], [None, None, '.'], [False, True, False])
    >>> [(i, k) for i, k, _ in c.problems]
    [(4, 'ingest.problem.not_a_number'), (5, 'ingest.problem.mixed_decimal_column')]

    Non-finite numbers, truth values, dates and error values are problems, not values:

    >>> import datetime as dt
    >>> odd = to_values(np.array([float("inf"), "-Infinity", "1e999", True,
    ...                           dt.date(2020, 1, 2), "#N/A", 7.0], dtype=object))
    >>> [k.split(".")[-1] for _, k, _ in odd.problems]
    ['not_finite', 'not_finite', 'not_finite', 'boolean', 'date', 'error_cell']
    >>> odd.value.tolist()[3:], bool(odd.empty.any())
    ([nan, nan, nan, 7.0], False)

    A long column of text cells (a CSV) is read one *distinct* text at a time and
    spread back (:func:`_to_values_distinct`, tested against this plain path).
    """
    return _with_mixed_decimals(*_raw_values(cells))


def read_distinct(cells: np.ndarray) -> tuple:
    """Values, symbols, empty flags, problems (by index) and decimal styles of each
    cell, mixed decimals not yet looked at: what :func:`to_values` and
    :func:`to_values_parts` read of the cells. A parser that reads the distinct cells
    of a column anyway (:mod:`sdg.ingest.tidy`) keeps this, gets their
    :func:`to_values` from it (:func:`values_of_read`) and hands it on to
    :func:`to_values_parts` (``read``), so no cell is read twice.

    >>> value, status, empty, problems, styles = read_distinct(np.array(["1,5", ".."], dtype=object))
    >>> value.tolist(), status.tolist(), styles
    ([1.5, nan], [None, '..'], {'comma': [0], 'point': []})
    """
    return _read_cells(cells)


def values_of_read(read: tuple) -> Cells:
    """:func:`to_values` of *distinct* cells from their :func:`read_distinct` (which is
    left as it was).

    >>> c = values_of_read(read_distinct(np.array(["1,5", "2.5", "x"], dtype=object)))
    >>> c.value.tolist(), [(i, k.split(".")[-1]) for i, k, _ in c.problems]
    ([1.5, 2.5, nan], [(0, 'mixed_decimal_column'), (2, 'not_a_number')])
    """
    value, status, empty, problems, styles = read
    return _with_mixed_decimals(value, status, empty, list(problems), styles)


def join_reads(reads: list[tuple]) -> tuple:
    """The :func:`read_distinct` of the cells of several parts, one after the other,
    from each part's own.

    >>> cells = np.array(["1,5", "x", "2.5", "y"], dtype=object)
    >>> joined = join_reads([read_distinct(cells[:2]), read_distinct(cells[2:])])
    >>> joined[0].tolist(), joined[3] == read_distinct(cells)[3], joined[4]
    ([1.5, nan, 2.5, nan], True, {'comma': [0], 'point': [2]})
    """
    offsets = np.cumsum([0] + [len(r[0]) for r in reads]).tolist()
    problems = [(i + o, key, params) for r, o in zip(reads, offsets, strict=False)
                for i, key, params in r[3]]
    styles = {k: [i + o for r, o in zip(reads, offsets, strict=False) for i in r[4][k]]
              for k in ("comma", "point")}
    return (np.concatenate([r[0] for r in reads]), np.concatenate([r[1] for r in reads]),
            np.concatenate([r[2] for r in reads]), problems, styles)


def to_values_parts(cells: np.ndarray | None, starts: np.ndarray,
                    coded: tuple[np.ndarray, np.ndarray] | None = None,
                    read: tuple | None = None) -> tuple[Cells, list[list]]:
    """:func:`to_values` of each part ``cells[starts[k]:starts[k + 1]]``, read in one
    pass: the cells of all parts, and per part its problems (indices into ``cells``),
    the same as :func:`to_values` of that part alone (a decimal style is a part's
    own: its mixed decimal commas and points are its own problems). ``coded`` is
    (codes, distinct cells) with ``cells == distinct[codes]``, from a parser that has
    them: text cells are then read one distinct cell at a time without factorizing
    (``read``: their :func:`read_distinct`, when the parser has it), and ``cells``
    may be None (:func:`text_codes`).

    >>> cells = np.array(["1,5", "2.5", "x", "3.5", "4.5"], dtype=object)
    >>> whole, parts = to_values_parts(cells, np.array([0, 2, 5]))
    >>> whole.value.tolist()
    [1.5, 2.5, nan, 3.5, 4.5]
    >>> [[(i, k.split(".")[-1]) for i, k, _ in p] for p in parts]
    [[(0, 'mixed_decimal_column')], [(2, 'not_a_number')]]
    """
    status_codes = None
    if text_codes(coded):
        read = _read_cells(coded[1]) if read is None else read
        value, status, empty, problems, styles = _read_coded(*coded, read)
        status_codes = (read[1], coded[0])
    else:
        value, status, empty, problems, styles = _raw_values(cells)
    at = np.array([i for i, _, _ in problems], dtype=np.int64)
    cut = np.searchsorted(at, starts).tolist()
    style_cut = {k: np.searchsorted(np.asarray(v, dtype=np.int64), starts).tolist()
                 for k, v in styles.items()}
    parts = []
    for k in range(len(starts) - 1):
        own = {s: v[style_cut[s][k]:style_cut[s][k + 1]] for s, v in styles.items()}
        parts.append(_with_mixed_decimals(value, status, empty,
                                          problems[cut[k]:cut[k + 1]], own).problems)
    return Cells(value, status, empty, [], status_codes), parts


def text_codes(coded: tuple[np.ndarray, np.ndarray] | None) -> bool:
    """True when ``coded`` (codes, distinct cells) gives every cell as a text, so that
    :func:`to_values_parts` reads the cells through it alone (``cells`` may then be
    None).

    >>> text_codes((np.array([0, 1]), np.array(["1", "x"], dtype=object)))
    True
    >>> text_codes((np.array([0, -1]), np.array(["1"], dtype=object))), text_codes(None)
    (False, False)
    """
    return coded is not None and bool(len(coded[0])) and bool(coded[0].min() >= 0) and set(
        map(type, coded[1])) == {str}


def _raw_values(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list,
                                             dict[str, list[int]]]:
    """:func:`_read_cells` of ``cells``, each distinct text read once when that pays
    (:func:`_to_values_distinct`); mixed decimals not yet looked at."""
    if len(cells) >= _DISTINCT_FROM:
        found = _read_distinct(cells)
        if found is not None:
            return found
    return _read_cells(cells)


#: From how many cells :func:`to_values` reads each distinct text once.
_DISTINCT_FROM = 2_000


def _to_values_distinct(cells: np.ndarray) -> Cells | None:
    """:func:`to_values` of cells that are all text, each distinct text read once;
    None when a cell is not text or most cells differ.

    >>> c = _to_values_distinct(np.array(["1,5", ".", "1,5", "x", "2.5"] * 3, dtype=object))
    >>> c.value.tolist()[:5], [(i, k.split(".")[-1]) for i, k, _ in c.problems][:3]
    ([1.5, nan, 1.5, nan, 2.5], [(3, 'not_a_number'), (4, 'mixed_decimal_column'), (8, 'not_a_number')])
    """
    found = _read_distinct(cells)
    return None if found is None else _with_mixed_decimals(*found)


def _read_distinct(cells: np.ndarray) -> tuple | None:
    """:func:`_read_cells` of cells that are all text, each distinct text read once
    (None as for :func:`_to_values_distinct`)."""
    if set(map(type, cells)) != {str}:
        return None  # numbers, None, NaN, dates: 1 and 1.0 and True would be one key
    index, uniques = pd.factorize(cells)
    if len(uniques) * 2 > len(cells):
        return None
    return _read_coded(index, np.asarray(uniques, dtype=object))


def _read_coded(index: np.ndarray, uniques: np.ndarray, read: tuple | None = None) -> tuple:
    """:func:`_read_cells` of the text cells ``uniques[index]``, each distinct text
    read once and spread back (``uniques`` may hold a text twice or texts no cell
    has; ``read``: their :func:`read_distinct`, when known)."""
    value, status, empty, problems, styles = _read_cells(uniques) if read is None else read
    rows_of = _rows_of(index, [u for u, _, _ in problems] + styles["comma"] + styles["point"])
    spread = []
    for u, key, params in problems:
        spread += [(int(i), key, params) for i in rows_of[u]]
    spread.sort(key=lambda p: p[0])
    row_styles = {k: np.sort(np.concatenate([rows_of[u] for u in v] or [np.empty(0, int)])
                             ).tolist() for k, v in styles.items()}
    return value[index], status[index], empty[index], spread, row_styles


def _rows_of(index: np.ndarray, wanted: list[int]) -> dict[int, np.ndarray]:
    """The rows (ascending) where ``index`` is each code in ``wanted``, looking only at
    those rows when the codes are few (a header's text among a column's distinct
    cells: its problem is no cell's).

    >>> {u: r.tolist() for u, r in _rows_of(np.array([2, 0, 2, 1, 2]), [2, 3]).items()}
    {2: [0, 2, 4], 3: []}
    """
    if not wanted:
        return {}
    codes = np.unique(np.asarray(wanted, dtype=np.int64))
    rows = np.flatnonzero(np.isin(index, codes)) if len(codes) * 4 < len(index) else (
        np.arange(len(index)))
    order = rows[np.argsort(index[rows], kind="stable")]
    starts = np.searchsorted(index[order], codes, side="left")
    ends = np.searchsorted(index[order], codes, side="right")
    return {int(u): order[a:b] for u, a, b in zip(codes, starts, ends, strict=True)}


def _read_cells(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list,
                                            dict[str, list[int]]]:
    """Values, symbols, empty flags, problems (by index, sorted) and the indices of
    the text numbers written with a decimal comma and with a decimal point."""
    series = pd.Series(cells, dtype=object)
    kind = pd.api.types.infer_dtype(series, skipna=True)
    odd = np.zeros(len(cells), dtype=bool)
    if kind in _NUMERIC_KINDS:
        is_str = np.zeros(len(cells), dtype=bool)
    elif kind == "string" and set(map(type, cells)) == {str}:  # a CSV's: one pass
        is_str = np.ones(len(cells), dtype=bool)
    else:
        types = [type(x) for x in cells]
        is_str = np.fromiter((t is str for t in types), dtype=bool, count=len(cells))
        odd = np.fromiter((t not in _PLAIN for t in types), dtype=bool, count=len(cells))
    if kind in _FLOAT_KINDS:  # floats, None and NaN: NumPy's cast is to_numeric's result
        value = np.asarray(cells, dtype=object).astype(float)
    else:
        numbers = series.where(~odd, np.nan) if odd.any() else series
        value = pd.to_numeric(numbers, errors="coerce").to_numpy(dtype=float, na_value=np.nan,
                                                                 copy=True)
    isna = series.isna().to_numpy(copy=True)
    empty = isna & ~odd
    if is_str.any():
        empty |= is_str & (series == "").to_numpy()
    status = np.full(len(cells), None, dtype=object)
    problems: list[tuple[int, str, dict[str, object]]] = []
    for i in np.flatnonzero(isna & ~odd):  # None is empty; a float NaN is not a value
        if cells[i] is not None and not isinstance(cells[i], str):
            empty[i] = False
            problems.append((int(i), "ingest.problem.not_finite", {}))
    for i in np.flatnonzero(odd):
        problems.append((int(i), _odd_problem(cells[i]), {}))
    infinite = np.isinf(value)  # also text such as "inf" or "1e999"
    for i in np.flatnonzero(infinite):
        value[i] = np.nan
        problems.append((int(i), "ingest.problem.not_finite", {}))
    parsed_text = is_str & ~np.isnan(value)
    point = np.flatnonzero(parsed_text)
    if len(point):  # text cells
        texts = np.asarray(cells, dtype=object)[point]
        if "." in "".join(texts):  # (one scan: most columns of numbers have no point)
            point = point[np.fromiter(("." in x for x in texts), dtype=bool,
                                      count=len(point))]
        else:
            point = point[:0]
    styles: dict[str, list[int]] = {"comma": [], "point": point.tolist()}
    for i in np.flatnonzero(is_str & ~empty & np.isnan(value) & ~infinite):
        text = cells[i]
        if text.strip().strip("\u00a0") == "":
            empty[i] = True
            continue
        number, symbol, problem, style = text_number(text)
        value[i], status[i] = number, symbol
        if problem:
            problems.append((int(i), problem, {}))
        if style:
            styles[style].append(int(i))
    problems.sort(key=lambda p: p[0])
    return value, status, empty, problems, styles


def _with_mixed_decimals(value: np.ndarray, status: np.ndarray, empty: np.ndarray,
                         problems: list, styles: dict[str, list[int]]) -> Cells:
    """The cells, with the minority of a column that mixes decimal commas and decimal
    points listed as problems."""
    if styles["comma"] and styles["point"]:
        minority = min(styles.values(), key=len)
        problems += [
            (i, "ingest.problem.mixed_decimal_column", {"number": value[i]}) for i in minority
        ]
        problems.sort(key=lambda p: p[0])
    return Cells(value, status, empty, problems)


_PLAIN = frozenset({str, float, int, np.float64, np.int64, type(None)})


def _odd_problem(cell: object) -> str:
    """The problem key of a cell that is neither text nor a number.

    >>> import datetime as dt
    >>> _odd_problem(False), _odd_problem(dt.timedelta(1)), _odd_problem(b"x")
    ('ingest.problem.boolean', 'ingest.problem.date', 'ingest.problem.not_a_number')
    """
    if isinstance(cell, bool | np.bool_):
        return "ingest.problem.boolean"
    if isinstance(cell, dt.date | dt.time | dt.timedelta | pd.Timestamp | np.datetime64):
        return "ingest.problem.date"
    return "ingest.problem.not_a_number"


def parse_year(cell: object) -> int | None:
    """A year from a cell, or None (see the module's year convention).

    >>> [parse_year(x) for x in (2015, 2015.0, "2015", "2018-19", "2013-2015", "2019/20")]
    [2015, 2015, 2015, 2019, 2015, 2020]
    >>> [parse_year(x) for x in ("1999-05-01", 12.5, "Asker", "1850", True, "2013_2015")]
    [None, None, None, None, None, 2015]
    """
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        year = int(cell) if float(cell).is_integer() else None
    elif isinstance(cell, str):
        m = _YEAR.match(cell.strip().strip("\u00a0"))
        if not m:
            return None
        start, end = int(m.group(1)), m.group(2)
        if end is None:
            year = start
        elif len(end) == 2:
            year = start // 100 * 100 + int(end)
            year += 100 if year < start else 0
            year = year if year == start + 1 else None
        else:
            year = int(end) if start < int(end) <= start + 10 else None
    else:
        return None
    return year if year is not None and YEAR_MIN <= year <= YEAR_MAX else None


def parse_period(cell: object) -> tuple[int, str | None] | None:
    """(year, kind) of a period cell by the module's period rule, or None.

    ``kind`` is None for a plain year or a school year, ``"N-årsperiode"`` for a
    multi-year period, ``"K4"`` for a quarter and ``"M03"`` for a month.

    >>> [parse_period(x) for x in ("2015", "2018-19", "2013_2015", "2020-2021")]
    [(2015, None), (2019, None), (2015, '3-årsperiode'), (2021, '2-årsperiode')]
    >>> parse_period("2019K4"), parse_period("2022M03"), parse_period("2019Q5"), parse_period("x")
    ((2019, 'K4'), (2022, 'M03'), None, None)
    """
    year = parse_year(cell)
    if year is not None:
        if isinstance(cell, str):
            m = _YEAR.match(cell.strip().strip("\u00a0"))
            if m and m.group(2) and len(m.group(2)) == 4:
                return year, f"{year - int(m.group(1)) + 1}-årsperiode"
        return year, None
    if not isinstance(cell, str):
        return None
    m = _SUBYEAR.match(cell.strip())
    if not m or not YEAR_MIN <= int(m.group(1)) <= YEAR_MAX:
        return None
    kind, n = m.group(2).upper(), int(m.group(3))
    if kind in "KQ":
        return (int(m.group(1)), f"K{n}") if 1 <= n <= 4 else None
    return (int(m.group(1)), f"M{n:02d}") if 1 <= n <= 12 else None


def parse_years(cells: np.ndarray) -> np.ndarray:
    """Vectorised :func:`parse_year` (float array, NaN where not a year).

    >>> parse_years(np.array(["2018-19", 2020.0, "x"], dtype=object)).tolist()
    [2019.0, 2020.0, nan]
    """
    index, uniques = pd.factorize(pd.Series(cells, dtype=object))
    return years_of(uniques)[index]


def years_of(uniques: np.ndarray) -> np.ndarray:
    """:func:`parse_year` of each distinct cell (from :func:`pandas.factorize`), and
    NaN last (index -1: a missing cell).

    >>> years_of(np.array(["2018-19", "x"], dtype=object)).tolist()
    [2019.0, nan, nan]
    """
    return np.array([parse_year(u) for u in uniques] + [None], dtype=float)
