"""Issue 11: the columnar path of :func:`sdg.ingest.tidy.parse_tidy` against the plain
reference (:func:`~sdg.ingest.tidy._parse_tidy_reference`), block field by field.

On every sheet of the real files in ../shared/data (as read, and with every cell
written as text so that the columnar path runs on the workbooks too) and on generated
long tables: blank rows, repeated headers, NULL cells, years and other numbers in the
body, category columns, several value columns, a year column or years in headers.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdg.errors import InvalidInput
from sdg.ingest import read
from sdg.ingest.blocks import Block
from sdg.ingest.model import Explanation
from sdg.ingest.tidy import (
    _NEEDS_BODY,
    _NOT_TEXT,
    HEAD_ROWS,
    _long_header,
    _parse_tidy_columnar,
    _parse_tidy_reference,
    is_geo_header,
    is_municipal_header,
    parse_tidy,
)
from tests.shared_sheets import DATA, FILES, as_text, columns_of, raw_sheets
from tests.test_ingest_finish_fast import compare


def _same_array(a: np.ndarray | None, b: np.ndarray | None, field: str) -> None:
    if a is None or b is None:
        assert a is None and b is None, field
        return
    assert a.dtype == b.dtype and a.shape == b.shape, (field, a.dtype, b.dtype, a.shape, b.shape)
    if a.dtype == object:
        assert [type(x) for x in a] == [type(x) for x in b], field
        assert all(x == y or (x != x and y != y) for x, y in zip(a, b, strict=True)), field
    else:
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), field


def assert_same(fast: object, ref: object) -> None:
    """The two results are equal: None, the same Explanation, or blocks field by field
    (arrays by dtype, type and value of each element; dicts in the same order) but
    :attr:`Block.coded`, which only the columnar path gives."""
    if ref is None or isinstance(ref, Explanation):
        assert fast == ref
        return
    assert isinstance(fast, list) and len(fast) == len(ref)
    for f, r in zip(fast, ref, strict=True):
        assert isinstance(f, Block)
        for spec in dataclasses.fields(Block):
            if spec.name in ("coded", "cell_reads"):  # the columnar path's own
                continue  # (their consistency: test_ingest_finish_fast)
            x, y = getattr(f, spec.name), getattr(r, spec.name)
            if isinstance(y, np.ndarray) or isinstance(x, np.ndarray):
                _same_array(x, y, spec.name)
            elif isinstance(y, dict):
                assert list(x.items()) == list(y.items()), spec.name
            else:
                assert x == y, spec.name


def _compare(grid: np.ndarray, sheet: str, year: int | None = None,
             columns: tuple | None = None) -> bool:
    """Compare both paths on ``grid``, the columnar one also with the grid's columns
    as a reader gives them (``columns``, else made here); True when it ran."""
    fast = _parse_tidy_columnar(grid, sheet, year)
    ref = _parse_tidy_reference(grid, sheet, year)
    if fast is _NOT_TEXT:
        assert columns is None and columns_of(grid) is None
        assert_same(parse_tidy(grid, sheet, year), ref)
        return False
    assert_same(fast, ref)
    assert_same(parse_tidy(grid, sheet, year), ref)
    for coded in (columns, columns_of(grid)):
        if coded is not None:
            found = _parse_tidy_columnar(grid, sheet, year, coded)
            assert_same(found, ref)
            assert_same(parse_tidy(grid, sheet, year, coded), ref)
            if isinstance(found, list):  # its codes and reads through finish_all
                compare(found, sheet, {})
            # from the first rows and the columns alone: the same, or "needs the body"
            head = _parse_tidy_columnar(grid[:HEAD_ROWS], sheet, year, coded, len(grid))
            if head is not _NEEDS_BODY:
                assert_same(head, ref)
            else:
                assert not _municipal_header(grid), "only a table without a municipality"
    return True


def _municipal_header(grid: np.ndarray) -> bool:
    """True when the long header of ``grid`` labels a municipality column."""
    found = _long_header(grid)
    return found is not None and any(is_geo_header(h) and is_municipal_header(h)
                                     for h in found[2] if h)


@pytest.mark.shared
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_real_sheets(path: Path) -> None:
    if not DATA.is_dir():
        pytest.skip("../shared/data is absent on this machine")
    try:
        sheets = raw_sheets(path)
    except InvalidInput:
        pytest.skip("not readable as a sheet")
    for sheet in sheets:
        if not sheet.grid.size:
            continue
        for year in (None, 2020):
            _compare(sheet.grid, sheet.name, year, sheet.columns)
            _compare(as_text(sheet.grid), sheet.name, year)


def test_real_files_found() -> None:
    if not DATA.is_dir():
        pytest.skip("../shared/data is absent on this machine")
    assert len(FILES) >= 20


# Generated long tables --------------------------------------------------------------

_REGIONS = ["0301 Oslo", "3203 Asker", "3201", "K-1103", "Bergen", "Heile landet", "30 Viken",
            "", "NULL", " 0301 Oslo "]
_CATEGORIES = ["Menn", "Kvinner", "Begge kjønn", " Menn ", "", "null", "2015", "0634",
               "1 Menn", "Alle"]
_VALUES = ["12", "12,5", "1 234", "..", ":", "-", "x", "", "NULL", "2015", "1999", "2101",
           "150", "9999", "0634", "1.5", "3,25", "inf", "#N/A", "n/a", " 7 "]
_PERIODS = ["2015", "2016", "2018-19", "2013-2015", "2019K4", "2022M03", "x", "", "2101",
            "2015 ", "NULL"]
_HEADERS_VALUE = ["antall", "Personer", "verdi 2019", "bosatt_2015_personer", "andel",
                  "Persons 2019", "kapittel", "Kommunenavn", "beløp (kr)"]
_HEADERS_CATEGORY = ["kjønn", "alder", "sektor", "enhet", "merknad", "statistikkvariabel",
                     "fylke_nr", "bydel"]


@st.composite
def long_tables(draw) -> tuple[np.ndarray, int | None]:
    region_header = draw(st.sampled_from(["kommune", "region", "Kommune Nr Navn", "knr",
                                          "kommunenummer", "bydel", "fylke"]))
    year_column = draw(st.booleans())
    categories = draw(st.lists(st.sampled_from(_HEADERS_CATEGORY), max_size=3))
    value_headers = draw(st.lists(st.sampled_from(_HEADERS_VALUE), min_size=1, max_size=3))
    extra_geo = draw(st.lists(st.sampled_from(["kommunenavn", "fylke_nr", "bydel_nr"]),
                              max_size=1))
    header = [region_header] + (["år"] if year_column else []) + extra_geo + categories
    header += value_headers
    kinds = (["region"] + (["period"] if year_column else []) + ["region"] * len(extra_geo)
             + ["category"] * len(categories) + ["value"] * len(value_headers))
    numbers = ["12", "7", "150", "2015", "42", "0", "3,5", "1900", "2100", "9999"]
    pools = {"region": _REGIONS, "period": _PERIODS + ["2015", "2016"] * 3,
             "category": _CATEGORIES, "value": _VALUES + numbers * draw(st.integers(0, 6))}
    n = draw(st.integers(0, 40))
    rows = []
    for _ in range(n):
        shape = draw(st.sampled_from(["row"] * 8 + ["blank", "header", "note"]))
        if shape == "blank":
            rows.append([""] * len(header))
        elif shape == "header":
            rows.append(list(header))
        elif shape == "note":
            rows.append([draw(st.sampled_from(["Kilde: SSB", "Merknad", "12"]))]
                        + [""] * (len(header) - 1))
        else:
            rows.append([draw(st.sampled_from(pools[k])) for k in kinds])
    title = draw(st.sampled_from([[], ["07459: Befolkning, etter region"],
                                  ["Veglengder gyldig pr 20191231"], ["Rapportdato:"]]))
    grid = [[t] + [""] * (len(header) - 1) for t in title] + [header] + rows
    year = draw(st.sampled_from([None, 2020]))
    return np.array(grid, dtype=object).reshape(len(grid), len(header)), year


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_tables())
def test_generated_tables(table: tuple[np.ndarray, int | None]) -> None:
    grid, year = table
    assert _compare(grid, "generert.csv", year) or not grid[1:].size


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_tables(), st.integers(1, 60))
def test_generated_tables_long(table: tuple[np.ndarray, int | None], times: int) -> None:
    """The same rows many times over (long columns: the distinct-cell paths of
    :func:`sdg.ingest.cells.to_values` from 2,000 cells)."""
    grid, year = table
    head = next((i for i in range(len(grid)) if grid[i, 0] and grid[i, 0] != "Rapportdato:"
                 and not grid[i, 0].startswith(("07459", "Veglengder"))), 0)
    big = np.concatenate([grid[: head + 1]] + [grid[head + 1:]] * (times * 60))
    _compare(big, "lang.csv", year)


def test_not_text_takes_the_reference() -> None:
    grid = np.array([["kommune", "år", "antall"], ["3203 Asker", 2024.0, 12.0],
                     ["3203 Asker", "2023", True]], dtype=object)
    assert _parse_tidy_columnar(grid, "a.xlsx") is _NOT_TEXT
    assert_same(parse_tidy(grid, "a.xlsx"), _parse_tidy_reference(grid, "a.xlsx"))


def test_statbank_columns() -> None:
    """A Statbank long export: region, two categories, a year column, one value column."""
    lines = [["region", "kjønn", "alder", "år", "Personer"]]
    for year in ("2023", "2024"):
        for sex in ("1 Menn", "2 Kvinner"):
            for code in ("3203 Asker", "0301 Oslo", "EAK Landet"):
                lines.append([code, sex, "000-009 år", year, str(len(lines))])
    grid = np.array(lines, dtype=object)
    assert _compare(grid, "statbank.csv")
    block = parse_tidy(grid, "statbank.csv")[0]
    assert block.measures[0] == "1 Menn / 000-009 år" and len(block.cells) == 12


# The CSV reader: counts without the list of lines, the C parser fed UTF-8 bytes ------

def _fast_csv_before(text: str, delimiter: str, width: int) -> np.ndarray | None:
    """``read._fast_csv`` as it was (a text buffer, ``DataFrame.to_numpy``)."""
    import io

    import pandas as pd

    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, names=range(width),
                            dtype=object, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c", quotechar='"')
    except (pd.errors.ParserError, ValueError):
        return None
    return frame.to_numpy(dtype=object)


_TEXT = st.text(st.sampled_from(['a', 'Ø', ';', ',', '"', ' ', '1', '\n', '\r', '\x0b',
                                 '\x0c', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029',
                                 '\ufeff', '\x00', '\t', '€']), max_size=60)


@settings(max_examples=400, deadline=None)
@given(_TEXT, st.integers(1, 5))
def test_line_count_and_first_lines(text: str, n: int) -> None:
    assert read.line_count(text) == len(text.splitlines())
    assert read._first_lines(text, n) == text.splitlines()[:n]
    long = text * 300
    assert read.line_count(long) == len(long.splitlines())
    assert read._first_lines(long, 50) == long.splitlines()[:50]


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.sampled_from([";", ",", "|", "\t"]), st.integers(1, 4))
def test_fast_csv_as_before(text: str, delimiter: str, width: int) -> None:
    before, now = _fast_csv_before(text, delimiter, width), read._fast_csv(text, delimiter, width)
    if before is None:
        assert now is None
        return
    assert now is not None and now.shape == before.shape and now.dtype == before.dtype
    assert [type(x) for x in now.ravel()] == [type(x) for x in before.ravel()]
    assert (now == before).all()


@pytest.mark.shared
@pytest.mark.parametrize("path", [p for p in FILES if p.suffix.lower() == ".csv"],
                         ids=[p.name for p in FILES if p.suffix.lower() == ".csv"])
def test_real_csv_as_before(path: Path) -> None:
    import csv

    text = read.decode_text(path.read_bytes())
    lines = text.splitlines()
    assert read.line_count(text) == len(lines)
    assert read._first_lines(text, 50) == lines[:50]
    delimiter = max(read.DELIMITERS, key="\n".join(lines[:50]).count)
    width = max(map(len, csv.reader(lines[:50], delimiter=delimiter)))
    before, now = _fast_csv_before(text, delimiter, width), read._fast_csv(text, delimiter, width)
    assert (before is None) == (now is None)
    if now is not None:
        assert now.shape == before.shape and (now == before).all()


def test_statbank_export_at_scale() -> None:
    """The bench's Statbank layout (``bench/import.py``), 24,000 rows, as exported and
    with rows shuffled, a repeated header, a blank row, NULL, a text figure, a row
    without a region, years in the headers and a second value column."""
    rng = np.random.default_rng(11)
    lines = [["region", "kjønn", "alder", "år", "Personer"]]
    for year in range(2024, 2018, -1):
        for sex in ("1 Menn", "2 Kvinner"):
            for age in range(10):
                for code in range(100, 300, 1):
                    lines.append([f"{code:04d} Kommune", sex, f"{age * 10:03d}-{age * 10 + 9:03d} år",
                                  str(year), str(len(lines) % 9973)])
    grid = np.array(lines, dtype=object)
    assert _compare(grid, "statbank.csv")
    body = grid[1:].copy()
    rng.shuffle(body)
    mixed = np.concatenate([grid[:1], body])
    mixed[5], mixed[7], mixed[9, 4], mixed[11, 0], mixed[13, 4] = mixed[0], "", "NULL", "", "x"
    assert _compare(mixed, "statbank.csv")
    headers = np.delete(mixed, 3, axis=1)
    headers[0, 3] = "Personer 2020"
    assert _compare(headers, "statbank.csv")
    two = np.concatenate([headers, headers[:, 3:4]], axis=1)
    two[0, 4] = "Andel 2021"
    assert _compare(two, "statbank.csv")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from(["a", "Å", " ", "\t", "\x00", "\u00a0", "\u2028", "ß",
                                         "\x1c", "İ", "K"]), max_size=6), max_size=8))
def test_norm_texts_as_norm(texts: list[str]) -> None:
    from sdg.ingest.tidy import _norm, _norm_texts

    array = np.array(texts + [""], dtype=object)[:len(texts)]  # 1-D even when empty
    assert _norm_texts(array).tolist() == [_norm(x) for x in texts]


def test_row_keys_one_number_or_tuples() -> None:
    """The rows' (category, …, kind) codes as one number, or as tuples when the
    number would not fit in 62 bits: the same dense codes and digits."""
    from sdg.ingest.tidy import _digits, _keys

    a, b = np.array([3, 1, 3, 0]), np.array([5, 5, 5, 2])
    for sizes in ((10, 10), (2**40, 2**40)):
        combo, keys = _keys([(a, sizes[0]), (b, sizes[1])])
        assert combo.tolist() == [0, 1, 0, 2]
        assert [d.tolist() for d in _digits(keys, list(sizes))] == [[3, 1, 0], [5, 5, 2]]
