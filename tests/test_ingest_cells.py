"""Cell values: numbers stored as text, SSB/Udir symbols, decimal separators, years."""

from __future__ import annotations

import numpy as np
import pytest

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
