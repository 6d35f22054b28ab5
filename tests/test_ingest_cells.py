"""Cell values: numbers stored as text, SSB/Udir symbols, decimal separators, years."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg.ingest.cells import parse_year, text_number, to_values
from sdg.ingest.model import STATUS_SYMBOLS


@pytest.mark.parametrize(
    ("text", "value", "symbol"),
    [("50013", 50013.0, None), ("1 234,5", 1234.5, None), ("12\u00a0000", 12000.0, None),
     ("−3,5", -3.5, None), ("-", 0.0, "-"), ("...", None, ".."), (" : ", None, ":")],
)  # fmt: skip
def test_text_numbers_and_symbols(text: str, value: float | None, symbol: str | None) -> None:
    number, status, problem, _ = text_number(text)
    assert problem is None and status == symbol
    assert np.isnan(number) if value is None else number == value


def test_every_symbol_is_documented() -> None:
    cells = to_values(np.array([".", "..", ":", "-", "*"], dtype=object))
    assert set(cells.status) == set(STATUS_SYMBOLS)


def test_numeric_column_takes_the_fast_path_and_keeps_empties() -> None:
    cells = to_values(np.array([1.0, 2, "", None], dtype=object))
    assert cells.value[:2].tolist() == [1.0, 2.0]
    assert cells.empty.tolist() == [False, False, True, True] and cells.problems == []


@pytest.mark.parametrize(
    ("cell", "year"),
    [("2018-19", 2019), ("1999-00", 2000), ("2013-2015", 2015), (2020.0, 2020),
     ("2018-20", None), ("2015-2030", None), ("15-74 år", None)],
)  # fmt: skip
def test_years(cell: object, year: int | None) -> None:
    assert parse_year(cell) == year


# ------------------------------------------- the distinct cells' read, handed on
_TEXTS = st.sampled_from(["1", "12,5", "2.5", "1 234", ".", "..", "", " ", "x", "inf", "-3",
                          "1,2.3", "#N/A", "NULL", "0", "Personer"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_TEXTS, min_size=1, max_size=40), st.lists(_TEXTS, max_size=4),
       st.integers(1, 3), st.data())
def test_parts_from_a_read_of_the_distinct_cells(cells: list[str], extra: list[str],
                                                 times: int, data) -> None:
    """:func:`to_values_parts` given codes into distinct cells that hold texts no cell
    has (a header's) and their :func:`read_distinct` is :func:`to_values` of each part."""
    import pandas as pd

    from sdg.ingest.cells import read_distinct, to_values, to_values_parts, values_of_read

    array = np.array(cells * times, dtype=object)
    index, uniques = pd.factorize(array)
    distinct = np.concatenate([np.asarray(uniques, dtype=object), np.array(extra, dtype=object)])
    cut = data.draw(st.integers(0, len(array)))
    starts = np.array([0, cut, len(array)])
    read = read_distinct(distinct)
    whole, parts = to_values_parts(array, starts, (index, distinct), read)
    plain = to_values(array)
    np.testing.assert_array_equal(whole.value, plain.value)
    assert whole.status.tolist() == plain.status.tolist()
    assert whole.empty.tolist() == plain.empty.tolist()
    for k, part in enumerate(parts):
        alone = to_values(array[starts[k]:starts[k + 1]])
        assert [(i - starts[k], key, p) for i, key, p in part] == alone.problems
    if not extra and len(set(cells)) == len(cells):  # distinct cells: their own values
        assert values_of_read(read_distinct(np.array(cells, dtype=object))).problems == (
            to_values(np.array(cells, dtype=object)).problems)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["1,5", ".", "..", ":", "-", "x", "2", "*", "", "3.5"]),
                min_size=1, max_size=6, unique=True), st.data())
def test_cells_read_from_codes_give_their_status_as_codes(distinct: list, data) -> None:
    """``status_codes`` of cells read from codes: ``status == distinct[index]``, the
    same status as the cells read one by one."""
    from sdg.ingest.cells import to_values_parts

    index = np.array(data.draw(st.lists(st.integers(0, len(distinct) - 1), min_size=1,
                                        max_size=30)), dtype=np.intp)
    uniques = np.array(distinct, dtype=object)
    cells, _ = to_values_parts(None, np.array([0, len(index)]), (index, uniques))
    statuses, codes = cells.status_codes
    assert statuses[codes].tolist() == cells.status.tolist()
    assert cells.status.tolist() == to_values(uniques[index]).status.tolist()
    plain, _ = to_values_parts(uniques[index], np.array([0, len(index)]))
    assert plain.status_codes is None
