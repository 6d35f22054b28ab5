"""Issue 11: :func:`sdg.ingest.blocks.finish_all` (the blocks of a sheet in one pass,
with the parsers' codes) against the plain reference, ``finish`` block by block.

Compared: every outcome (tables field by field, ``data`` with
:func:`pandas.testing.assert_frame_equal` and ``check_dtype=True``, notes, col_notes
and col_params in order; explanations), the problems logged (all fields, in order) and
the label cache where both looked. On every sheet of the real files in ../shared/data (as read, and
with every cell written as text so the tidy parser's columnar path and its codes run
on the workbooks too) and on generated template tables: several indicators, blank,
unknown and aggregate labels, codes as numbers, bad years, status symbols, text
values, merged cells and codes per block. And :func:`sdg.ingest.layouts.parse_long`
against its plain reference, block field by field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pickle
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdg import sandbox
from sdg.errors import InvalidInput
from sdg.ingest.blocks import Block, Context, _missing, finish, finish_all
from sdg.ingest.cells import read_distinct
from sdg.ingest.detect import detect
from sdg.ingest.layouts import TEMPLATE_COLUMNS, _parse_long_reference, parse_long
from sdg.ingest.model import Explanation, ParsedTable
from sdg.ingest.problems import Problems
from sdg.ingest.regions import known_index
from tests.shared_sheets import DATA, FILES, as_text, columns_of, raw_sheets

KNOWN = {"asker": "3203", "oslo": "0301", "bergen": "4601", "evenes": "1853"}


@pytest.fixture(scope="module")
def known() -> dict[str, str]:
    """The municipality names of a seeded store (as the importer gives them)."""
    import sdg.importer as importer
    from sdg.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "s.duckdb")
        names = importer.known_names(store.municipalities(current_only=False))
        store.close() if hasattr(store, "close") else None
    return known_index(names)


def _same_problems(fast: Problems, ref: Problems) -> None:
    assert len(fast.rows) == len(ref.rows)
    for f, r in zip(fast.rows, ref.rows, strict=True):
        assert list(f) == list(r)
        assert repr(f) == repr(r)  # values, params (NaN too) and texts, in order


def _same_outcome(fast: object, ref: object, pickled: bool = True) -> None:
    """``fast`` equals ``ref``, and so does ``fast`` pickled and read back (its text
    columns travel as :attr:`ParsedTable.coded`, which must be the columns)."""
    assert type(fast) is type(ref)
    if isinstance(ref, Explanation):
        assert fast == ref
        return
    assert isinstance(ref, ParsedTable)
    for name in ("sheet", "layout", "title", "unit", "source"):
        assert getattr(fast, name) == getattr(ref, name), name
    for name in ("notes", "col_notes", "col_params"):
        assert list(getattr(fast, name).items()) == list(getattr(ref, name).items()), name
    pd.testing.assert_frame_equal(fast.data, ref.data, check_dtype=True, check_exact=True,
                                  check_index_type=True, check_column_type=True)
    assert list(fast.data.columns) == list(ref.data.columns)
    for column in fast.data.columns:
        f, r = fast.data[column].tolist(), ref.data[column].tolist()
        assert [type(x) for x in f] == [type(x) for x in r], column
    for column, (distinct, index) in fast.coded.items():
        missing = [None if _missing(x) else x for x in fast.data[column].tolist()]
        assert [None if _missing(x) else x for x in distinct[index].tolist()] == missing
        if fast.data[column].dtype == object:
            assert distinct[index].tolist() == fast.data[column].tolist(), column
    if pickled:
        back = pickle.loads(pickle.dumps(fast, protocol=pickle.HIGHEST_PROTOCOL))
        _same_outcome(back, ref, pickled=False)


def _same_array(a: object, b: object, name: str) -> None:
    if not isinstance(b, np.ndarray):
        assert a == b, name
        return
    assert isinstance(a, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, name
    assert [type(x) for x in a.tolist()] == [type(x) for x in b.tolist()], name
    assert all(x == y or (x != x and y != y) for x, y in zip(a.tolist(), b.tolist(),
                                                             strict=True)), name


def same_blocks(fast: list[Block] | None, ref: list[Block] | None) -> None:
    """The blocks are equal field by field (arrays by dtype, type and value of each
    element; dicts in order; the codes too)."""
    import dataclasses

    if ref is None:
        assert fast is None
        return
    assert fast is not None and len(fast) == len(ref)
    for f, r in zip(fast, ref, strict=True):
        for spec in dataclasses.fields(Block):
            x, y = getattr(f, spec.name), getattr(r, spec.name)
            if spec.name == "coded":
                assert list(x) == list(y)
                for key in y:
                    _same_array(x[key][0], y[key][0], key)
                    _same_array(x[key][1], y[key][1], key)
            elif isinstance(y, dict):
                assert list(x.items()) == list(y.items()), spec.name
            else:
                _same_array(x, y, spec.name)


def compare(blocks: list[Block], sheet: str, known: dict[str, str],
            merged: dict[tuple[int, int], str] | None = None) -> list:
    """Both paths on ``blocks`` with fresh contexts; the reference's outcomes."""
    ref_ctx = Context(sheet, known, Problems("f.xlsx"), merged=dict(merged or {}))
    ref = [finish(b, ref_ctx) for b in blocks]
    fast_ctx = Context(sheet, known, Problems("f.xlsx"), merged=dict(merged or {}))
    fast = finish_all(blocks, fast_ctx)
    assert len(fast) == len(ref)
    for f, r in zip(fast, ref, strict=True):
        _same_outcome(f, r)
    _same_problems(fast_ctx.problems, ref_ctx.problems)
    # As in a parse child: the text columns left to their codes (lean_table), the
    # same tables when pickled before their data is read and when it is read.
    lean_ctx = Context(sheet, known, Problems("f.xlsx"), merged=dict(merged or {}))
    with _as_child():
        lean = finish_all(blocks, lean_ctx)
    for f, r in zip(lean, ref, strict=True):
        if isinstance(f, ParsedTable):
            _same_outcome(pickle.loads(pickle.dumps(f, protocol=5)), r, pickled=False)
        _same_outcome(f, r)
    _same_problems(lean_ctx.problems, ref_ctx.problems)
    # The label cache (a memo only: finish_all may also look up the labels of a block
    # without figures) agrees wherever both looked.
    for key in set(fast_ctx.labels) & set(ref_ctx.labels):
        assert fast_ctx.labels[key] == ref_ctx.labels[key]
    return ref


@contextlib.contextmanager
def _as_child():
    """Run the block as :func:`sdg.sandbox.in_child` would be in a parse child."""
    sandbox._in_child = True
    try:
        yield
    finally:
        sandbox._in_child = False


def _coded_consistent(blocks: list[Block]) -> None:
    """Each code given by a parser names the value it stands for (equal by
    :func:`pandas.factorize`, as the codes are)."""
    for b in blocks:
        arrays = {"labels": b.labels, "cells": b.cells, "measures": b.measures,
                  "periods": b.periods if b.periods is not None else b.year_cells}
        for name, (codes, distinct) in b.coded.items():
            values = arrays[name]
            assert len(codes) == len(values), name
            for code, value in zip(codes.tolist(), values.tolist(), strict=True):
                if code < 0:
                    assert value is None or value != value, name
                else:
                    assert distinct[code] == value, name  # equal: 2016 and 2016.0 too
        if b.cell_reads is not None:  # the read of the distinct cells, as read here
            read, again = b.cell_reads, read_distinct(b.coded["cells"][1])
            for x, y in zip(read[:3], again[:3], strict=True):
                _same_array(x, y, "cell_reads")
            assert read[3:] == again[3:]


@pytest.mark.shared
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_real_sheets(path: Path, known: dict[str, str]) -> None:
    if not DATA.is_dir():
        pytest.skip("../shared/data is absent on this machine")
    try:
        sheets = raw_sheets(path)
    except InvalidInput:
        pytest.skip("not readable as a sheet")
    for sheet in sheets:
        if not sheet.grid.size:
            continue
        text = as_text(sheet.grid)
        ways = [(sheet.grid, None), (sheet.grid, sheet.columns), (text, None),
                (text, columns_of(text))]  # with columns: as a reader gives them
        for grid, columns in [w for k, w in enumerate(ways) if not k % 2 or w[1] is not None]:
            for year in (None, 2020):
                try:
                    found = detect(grid, sheet.name, known, year, columns)
                except InvalidInput:
                    continue
                if isinstance(found, Explanation):
                    continue
                try:
                    same_blocks(parse_long(grid, sheet.name),
                                _parse_long_reference(grid, sheet.name))
                except InvalidInput:
                    pass
                _coded_consistent(found)
                compare(found, sheet.name, known, sheet.merged_copies)
                compare(found, sheet.name, {}, sheet.merged_copies)


def test_real_files_found() -> None:
    if not DATA.is_dir():
        pytest.skip("../shared/data is absent on this machine")
    assert len(FILES) >= 20


# Generated template tables ----------------------------------------------------------

_LABELS = ["3203", "0301 Oslo", "3203 Asker", " 4601 Bergen ", 301.0, 3203.0, 220.0, 12.5,
           "Asker", "Oslo", "Atlantis", "Hele landet", "30 Viken", "Kostragr. 8", "", "NULL",
           "i alt", "EKG13 Kostragruppe 13", "Evenes - Evenássi", None]
_INDICATORS = ["Folketall", "Grunnskolepoeng", " Kulturskole ", "Lav\ninntekt", 2024.0, "",
               None]
_YEARS = [2015.0, 2016.0, "2017", "2018-19", "2013-2015", "2019K4", 1850.0, 2015.5, "x",
          "", " 2020 ", None]
#: Year cells of another kind than the numbers (the reference path: see
#: test_mixed_label_kinds_take_the_reference), drawn in a fifth of the tables.
_ODD_YEARS = [True, dt.date(2020, 1, 1), 2016]
_VALUES = [1.5, 12.0, 0.0, -3.25, "12,5", "1.5", "1 234", "..", ":", "-", "*", "...", "x",
           "", "inf", float("inf"), float("nan"), True, dt.date(2020, 1, 1), "#N/A", None,
           "3,25", "7"]
_STATUS = ["", "..", ":", "x", "-"]
_UNITS = ["", "prosent", "antall"]


@st.composite
def template_tables(draw) -> tuple[np.ndarray, dict[tuple[int, int], str]]:
    columns = list(TEMPLATE_COLUMNS)
    if draw(st.booleans()):
        columns = [c for c in columns if c in ("kommunenummer", "år", "verdi")
                   or draw(st.booleans())]
    indicators = draw(st.lists(st.sampled_from(_INDICATORS), min_size=1, max_size=4,
                               unique=True))
    n = draw(st.integers(1, 40))
    years = _YEARS + (_ODD_YEARS if draw(st.integers(0, 4)) == 0 else [])
    pools = {"kommunenummer": _LABELS, "kommunenavn": ["Asker", "", "Oslo"],
             "indikator": indicators, "år": years, "verdi": _VALUES, "enhet": _UNITS,
             "kilde": ["", "SSB"], "status": _STATUS}
    rows = []
    for _ in range(n):
        if draw(st.integers(0, 9)) == 0:
            rows.append([""] * len(columns))
        else:
            rows.append([draw(st.sampled_from(pools[c])) for c in columns])
    title = [["Indikatorer"] + [""] * (len(columns) - 1)] if draw(st.booleans()) else []
    grid = np.array(title + [columns] + rows, dtype=object).reshape(
        len(title) + 1 + n, len(columns))
    value_col = columns.index("verdi")
    merged: dict[tuple[int, int], str] = {}
    if draw(st.booleans()) and n > 1:
        first = len(title) + 1 + draw(st.integers(0, n - 2))
        span = f"{chr(65 + value_col)}{first + 1}:{chr(65 + value_col)}{first + 2}"
        merged[(first + 1, value_col)] = span
    return grid, merged


def _own_codes(blocks: list[Block]) -> list[Block]:
    """The blocks with codes of their own (each block its own distinct arrays, some
    values twice): the joining of codes from several arrays."""
    import dataclasses

    out = []
    for b in blocks:
        coded = {}
        for name, values in (("labels", b.labels), ("measures", b.measures),
                             ("periods", b.year_cells)):
            index, distinct = pd.factorize(pd.Series(values, dtype=object))
            distinct = np.asarray(distinct, dtype=object)
            coded[name] = (index, np.concatenate([distinct, distinct[:1]]))
        out.append(dataclasses.replace(b, coded=coded))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template_tables(), st.booleans())
def test_generated_template(table: tuple[np.ndarray, dict], named: bool) -> None:
    grid, merged = table
    try:
        blocks = parse_long(grid, "Data")
    except InvalidInput:
        return
    same_blocks(blocks, _parse_long_reference(grid, "Data"))
    if not blocks:
        return
    _coded_consistent(blocks)
    known = KNOWN if named else {}
    compare(blocks, "Data", known, merged)
    compare(_own_codes(blocks), "Data", known, merged)
    compare([dataclasses_without_codes(b) for b in blocks], "Data", known, merged)


def dataclasses_without_codes(block: Block) -> Block:
    import dataclasses

    return dataclasses.replace(block, coded={})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template_tables(), st.integers(30, 200))
def test_generated_template_long(table: tuple[np.ndarray, dict], times: int) -> None:
    """The same rows many times over: from 2,000 cells (the distinct-cell paths)."""
    grid, merged = table
    head = 1 + int(grid[0, 0] == "Indikatorer")
    big = np.concatenate([grid[:head]] + [grid[head:]] * times)
    try:
        blocks = parse_long(big, "Data")
    except InvalidInput:
        return
    same_blocks(blocks, _parse_long_reference(big, "Data"))
    compare(blocks, "Data", KNOWN, merged)


def test_mixed_label_kinds_take_the_reference() -> None:
    """1, 1.0 and True are one key to pandas.factorize, not one label: such blocks are
    finished one by one (the same as the reference)."""
    one = lambda v: np.array(v, dtype=object)  # noqa: E731
    blocks = [Block("long", t, None, None, one([label]), np.array([0]), np.array([2020.0]),
                    one([1.0]), np.array([1 + k]), np.array([2]), one([None]))
              for k, (t, label) in enumerate([("A", 301.0), ("B", 301), ("C", True)])]
    compare(blocks, "Ark1", {})


def test_one_block_and_no_blocks() -> None:
    assert finish_all([], Context("Ark1", {}, Problems("a.xlsx"))) == []
    grid = np.array([["kommunenummer", "år", "verdi"], ["3203", 2020.0, "12,5"]],
                    dtype=object)
    [table] = compare(parse_long(grid, "Ark1"), "Ark1", {})
    assert table.data["value"].tolist() == [12.5]
