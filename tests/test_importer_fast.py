"""Faster paths of the importer against their plain reference implementations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg import importer
from sdg.auth import Actor
from sdg.errors import SdgError

HISTORY = pd.DataFrame({
    "code": ["0701", "3801", "0220", "3025", "3203", "0906", "4203"],
    "valid_from": [2013, 2018, 2013, 2020, 2024, 2013, 2020],
    "valid_to": [2017, None, 2019, 2023, None, 2019, None],
})  # fmt: skip
CODES = st.sampled_from(["0701", "3801", "0220", "3025", "3203", "0906", "4203", "9999",
                         None])
PERIODS = st.sampled_from([None, "2015", "2023-24", "2011_2013", " 2019", "x", np.nan,
                           "2030"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(CODES, st.integers(2005, 2026), PERIODS), max_size=40),
       st.booleans())
def test_existing_in_period_equals_reference(rows: list, with_period: bool) -> None:
    data = pd.DataFrame(rows, columns=["municipality", "year", "period"])
    data["year"] = data["year"].astype("int64")
    if not with_period:
        data = data.drop(columns="period")
    fast = importer.existing_in_period(data, HISTORY)
    reference = importer._existing_in_period_reference(data, HISTORY)
    assert fast.dtype == bool and fast.tolist() == reference.tolist()


# ------------------------------------------------------------------ reconcile
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
FILES = sorted([*(SHARED / "real").glob("[0-9]*_*"), *(SHARED / "xlsx").glob("*.xlsx"),
                *(SHARED / "xlsx").glob("*.csv"), *(SHARED / "indicators").rglob("*.csv"),
                *(SHARED / "indicators").rglob("*.json")]) if SHARED.is_dir() else []
ANALYST = Actor("analytiker", "analyst")


def _same_reconciliation(fr, plan) -> None:
    fast = importer.reconcile(fr, plan)
    reference = importer._reconcile_reference(fr, plan)
    pd.testing.assert_frame_equal(fast, reference)


@pytest.mark.shared
@pytest.mark.skipif(not FILES, reason="../shared/data is absent on this machine")
def test_reconcile_equals_reference_on_the_shared_files(store) -> None:
    checked = 0
    for path in FILES:
        read: list = []
        try:
            plan, _ = importer.import_file(store, path.read_bytes(), path.name, actor=ANALYST,
                                           dry_run=True, read=read)
        except SdgError:
            if read:
                _same_reconciliation(read[0], None)
            continue
        fr = read[0]
        _same_reconciliation(fr, None)
        _same_reconciliation(fr, plan)
        _same_reconciliation(fr, importer.partial_plan(plan))
        checked += 1
    assert checked >= 15


def test_reconcile_equals_reference_with_problems_and_skips(store) -> None:
    csv = ('"kommunenummer";"indikator";"år";"verdi"\n"3203";"A";2024;1\n"3203";"A";2024;2\n'
           '"EAK Landet";"A";2024;5\n"9999";"A";2024;3\n"0301";"A";1800;4\n"3203";"B";2024;1\n'
           '\n"fotnote"\n"0301";"A";2023;.\n').encode()
    read: list = []
    plan, _ = importer.import_file(store, csv, "p.csv", actor=ANALYST, dry_run=True, read=read)
    assert not plan.problems.empty and not plan.skipped.empty
    _same_reconciliation(read[0], plan)
    _same_reconciliation(read[0], importer.partial_plan(plan))


# ------------------------------------------------------------------ to_values
TEXTS = st.sampled_from(["1", "12,5", "2.5", "1 234", "1\u00a0234,5", ".", "..", ":", "-",
                         "", " ", "\u00a0", "x", "inf", "1e999", "-3", "1,2.3", "#N/A",
                         "12,5 %", "\u22124", "NULL", "0"])


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=60))
def test_to_values_of_distinct_texts_equals_the_plain_path(cells: list[str]) -> None:
    from sdg.ingest import cells as c

    array = np.array(cells * 3, dtype=object)  # every text at least thrice: distinct path
    fast = c._to_values_distinct(array)
    plain = c._with_mixed_decimals(*c._read_cells(array))
    assert fast is not None
    np.testing.assert_array_equal(fast.value, plain.value)
    assert fast.status.tolist() == plain.status.tolist()
    assert fast.empty.tolist() == plain.empty.tolist()
    assert fast.problems == plain.problems


def test_to_values_takes_the_distinct_path_only_for_text() -> None:
    from sdg.ingest import cells as c

    assert c._to_values_distinct(np.array([1, 1.0, True, "1"] * 10, dtype=object)) is None
    assert c._to_values_distinct(np.array(["a", None] * 10, dtype=object)) is None


# ---------------------------------------------------------------- series_table
@pytest.mark.shared
@pytest.mark.skipif(not FILES, reason="../shared/data is absent on this machine")
def test_series_table_equals_reference_on_the_shared_files(store) -> None:
    history = store.municipalities(current_only=False)
    checked = 0
    for path in FILES:
        try:
            fr = importer.read_file(path.read_bytes(), path.name, history)
        except SdgError:
            continue
        fast = importer.series_table(fr.result)
        reference = importer._series_table_reference(fr.result)
        pd.testing.assert_frame_equal(fast, reference, check_dtype=False)
        assert fast["rows"].tolist() == reference["rows"].tolist(), path.name
        checked += 1
    assert checked >= 15


def test_series_table_equals_reference_with_and_without_measures() -> None:
    from sdg.ingest import parse_file

    csv = ('"region";"kjønn";"år";"Personer"\n"0301 Oslo";"1 Menn";"2020";5\n'
           '"0301 Oslo";"2 Kvinner";"2020";6\n"3203 Asker";"1 Menn";"2021";.\n'
           '"3203 Asker";"2 Kvinner";"2019";7\n').encode()
    template = ('"kommunenummer";"indikator";"år";"verdi"\n"3203";"A";2024;1\n'
                '"0301";"A";2023;2\n').encode()
    for data, name in ((csv, "s.csv"), (template, "t.csv")):
        result = parse_file(data, name)
        pd.testing.assert_frame_equal(importer.series_table(result),
                                      importer._series_table_reference(result),
                                      check_dtype=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(1990, 2027), CODES), min_size=1,
                max_size=60), st.booleans())
def test_group_stats_equal_pandas_groupby(rows: list, sparse: bool) -> None:
    """Rows, first and last year and distinct regions per group, in NumPy (the bit
    masks, and with ``_DENSE`` at 0 the sparse path), as pandas' groupby gives them."""
    frame = pd.DataFrame(rows, columns=["c", "y", "m"])
    codes, k = frame["c"].to_numpy(), int(frame["c"].max()) + 1
    old = importer._DENSE
    importer._DENSE = 0 if sparse else old
    try:
        count, first, last, regions = importer._group_stats(
            codes, k, frame["y"].to_numpy(), frame["m"].astype(object))
    finally:
        importer._DENSE = old
    groups = frame.groupby("c")
    present = sorted(groups.groups)
    assert count[present].tolist() == groups.size().tolist()
    assert first[present].tolist() == groups["y"].min().tolist()
    assert last[present].tolist() == groups["y"].max().tolist()
    assert regions[present].tolist() == groups["m"].nunique().tolist()
    absent = [c for c in range(k) if c not in present]
    assert count[absent].tolist() == regions[absent].tolist() == [0] * len(absent)


# ------------------------------------------- codes: regions, duplicates, any dtype
#: The string columns of the reader's frames may be object, pandas ``str`` (Arrow) or
#: categorical: every faster path gives what the reference gives for each.
DTYPES = st.sampled_from([object, "str", "category"])
NAMED_HISTORY = pd.DataFrame({
    "code": ["0701", "3801", "1515", "1818", "0220", "3025", "3203"],
    "name": ["Horten", "Horten", "Herøy", "Herøy", "Asker", "Asker", "Asker"],
    "valid_from": [2013, 2018, 2013, 2013, 2013, 2020, 2024],
    "valid_to": [2017, None, None, None, 2019, 2023, None],
})  # fmt: skip
LABELS = st.sampled_from([("Horten", "3801"), ("Herøy", "1515"), ("Asker", "3203"),
                          ("0220 Asker", "0220"), ("3801", "3801"), ("9999", "9999"),
                          ("2100", "2100"), ("Landet", None), ("Atlantis", "3203"),
                          (None, None)])


def _as(column: pd.Series, dtype) -> pd.Series:
    """``column`` as object, pandas ``str`` or categorical (None stays missing)."""
    return column.astype(object) if dtype is object else column.astype(dtype)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(LABELS, st.integers(2010, 2026)), max_size=40), DTYPES, DTYPES)
def test_resolve_regions_equals_reference(rows: list, label_dtype, code_dtype) -> None:
    data = pd.DataFrame({"region_label": [r[0][0] for r in rows],
                         "municipality": [r[0][1] for r in rows],
                         "year": np.array([r[1] for r in rows], dtype=np.int64)})
    data["region_label"] = _as(data["region_label"], label_dtype)
    data["municipality"] = _as(data["municipality"], code_dtype)
    codes, why = importer.resolve_regions(data, NAMED_HISTORY)
    ref_codes, ref_why = importer._resolve_regions_reference(data, NAMED_HISTORY)
    assert codes.tolist() == ref_codes.tolist()
    # no reason: None here, None or NaN in the reference (pandas' setitem of a list)
    assert why.tolist() == ref_why.where(ref_why.notna(), None).tolist()
    assert all(w is None or isinstance(w, str) for w in why)
    c, names, _ = importer._region_codes(data, NAMED_HISTORY)
    assert len(set(names.tolist())) == len(names)  # equal codes, equal regions


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["0301", "3203", "3801"]), st.sampled_from("ab"),
                          st.integers(2019, 2022)), max_size=40), DTYPES)
def test_repeated_keys_equal_pandas_duplicated(rows: list, dtype) -> None:
    data = pd.DataFrame(rows, columns=["municipality", "indicator", "year"])
    data["municipality"] = _as(data["municipality"], dtype)
    region, _ = pd.factorize(data["municipality"])
    indicator, _ = pd.factorize(data["indicator"])
    repeated, again = importer._repeated_keys(region, indicator, data["year"].to_numpy())
    ref_repeated, ref_again = importer._repeated_keys_reference(data)
    assert repeated.tolist() == ref_repeated.tolist() and again.tolist() == ref_again.tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(CODES, st.integers(2005, 2026), PERIODS), max_size=40), DTYPES)
def test_existing_in_period_equals_reference_for_any_dtype(rows: list, dtype) -> None:
    data = pd.DataFrame(rows, columns=["municipality", "year", "period"])
    data["year"] = data["year"].astype("int64")
    data["municipality"] = _as(data["municipality"], dtype)
    data["period"] = _as(data["period"].map(lambda p: p if isinstance(p, str) else None), dtype)
    fast = importer.existing_in_period(data, HISTORY)
    assert fast.tolist() == importer._existing_in_period_reference(data, HISTORY).tolist()


def _with_dtype(fr, dtype):
    """A copy of the file read with its string columns as ``dtype`` (what the child
    may send instead of object columns)."""
    from dataclasses import replace

    tables = []
    for table in fr.result.tables:
        data = table.data.copy()
        for col in ("region_label", "municipality", "measure", "src_col", "period",
                    "status_symbol"):
            if col in data:
                data[col] = _as(data[col], dtype)
        tables.append(replace(table, data=data))
    return replace(fr, result=replace(fr.result, tables=tables))


PLAN_SHEETS = [
    ('"region";"kjønn";"år";"Personer"\n"0301 Oslo";"1 Menn";"2020";5\n'
     '"0301 Oslo";"2 Kvinner";"2020";6\n"3203 Asker";"1 Menn";"2021";.\n'
     '"3203 Asker";"2 Kvinner";"2019";7\n"EAK Landet";"1 Menn";"2020";9\n'
     '"0301 Oslo";"1 Menn";"2020";5\n"9999 Atlantis";"1 Menn";"2020";1\n', "s.csv"),
    ('"kommunenummer";"indikator";"år";"verdi"\n"3203";"A";2024;1\n"3203";"A";2024;2\n'
     '"EAK Landet";"A";2024;5\n"9999";"A";2024;3\n"0301";"A";1800;4\n"3203";"B";2024;1\n'
     '"4203";"B";2016;3\n"4203";"B";2017;.\n"0301";"A";2023;.\n', "t.csv"),
    ('"kommune";"år";"verdi"\n"Horten";2015;1\n"Horten";2020;2\n"Herøy";2020;3\n'
     '"Asker";2019;4\n"Asker";2024;5\n"Oslo";2020;6\n', "n.csv"),
]


@pytest.mark.parametrize("dtype", ["str", "category"])
def test_plans_do_not_depend_on_the_column_dtypes(store, dtype) -> None:
    """The plan of a file read with categorical or Arrow string columns has the rows,
    problems and skipped rows of the plan of the same file with object columns."""
    history = store.municipalities(current_only=False)
    for text, name in PLAN_SHEETS:
        fr = importer.read_file(text.encode(), name, history)
        plans = []
        for read in (fr, _with_dtype(fr, dtype)):
            series = importer.detected_series(read)
            pd.testing.assert_frame_equal(series, importer._series_table_reference(read.result),
                                          check_dtype=False)
            mapping = importer.default_mapping(series, store.indicators())
            plans.append(importer.plan_import(store, read, mapping, series=series,
                                              history=history))
        a, b = plans
        assert not a.rows.empty, name
        for frame in ("rows", "problems", "skipped", "conflicts"):  # missing: None or NaN
            left, right = (getattr(p, frame).astype(object) for p in plans)
            pd.testing.assert_frame_equal(left.where(left.notna(), None),
                                          right.where(right.notna(), None), obj=frame)


TEXTS = st.sampled_from(["0301", "3801", "a", "", " a", None, np.nan, "Ø"])


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, max_size=12), st.lists(st.integers(-1, 11), max_size=60))
def test_factorized_from_codes_is_pandas_factorize(distinct, index):
    """:func:`importer.factorized` of a column given as codes (``distinct[index]``, as
    the reader gives it) against :func:`pandas.factorize` of the column itself: codes
    (-1 missing) and distinct values in order of first appearance."""
    distinct = np.array(distinct + ["z"], dtype=object)  # never empty
    index = np.array([i for i in index if i < len(distinct)], dtype=np.intp)
    column = pd.Series(distinct[index], dtype=object)
    codes, uniques = importer.factorized(None, (distinct, index))
    ref_codes, ref_uniques = importer.factorized(column)
    assert codes.tolist() == ref_codes.tolist()
    assert [repr(x) for x in uniques] == [repr(x) for x in ref_uniques]
    assert codes.dtype == ref_codes.dtype


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=4)), min_size=1, max_size=4),
       st.data())
def test_strings_equal_the_names_taken_by_code(names: list, data) -> None:
    """:func:`importer._strings` (one name repeated, or taken) is ``names[codes]``."""
    codes = np.array(data.draw(st.lists(st.integers(-1, len(names) - 1), max_size=30)),
                     dtype=np.intp)
    expected = [names[c] for c in codes]
    got = importer._strings(names, codes)
    assert str(got.dtype) == "str" and len(got) == len(codes)
    assert [None if pd.isna(v) else v for v in got] == expected
