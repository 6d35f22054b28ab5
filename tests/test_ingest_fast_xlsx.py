"""The faster paths of the xlsx import against their plain references (issue 11):
the non-empty rows of a sheet, the measures of a block, and what a parse child keeps
until it ends."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg import sandbox
from sdg.escape import clean_text
from sdg.ingest.blocks import _clean_measures, map_unique
from sdg.ingest.parse import _filled_rows_reference, filled_rows
from tests.shared_sheets import columns_of

CELLS = st.sampled_from(["", "", "", "a", " ", 0.0, 1.5, None, True, False, "0301 Oslo"])


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 12), st.integers(0, 6), st.data())
def test_filled_rows_equals_the_plain_comparison(rows: int, cols: int, data) -> None:
    cells = data.draw(st.lists(CELLS, min_size=rows * cols, max_size=rows * cols))
    grid = np.empty((rows, cols), dtype=object)
    if rows and cols:
        grid[:] = np.array(cells, dtype=object).reshape(rows, cols)
    fast, plain = filled_rows(grid), _filled_rows_reference(grid)
    assert fast.dtype == plain.dtype and fast.tolist() == plain.tolist()
    text = np.array([["" if x in ("", None) else str(x) for x in row] for row in grid],
                    dtype=object).reshape(grid.shape)
    columns = columns_of(text)  # a CSV's grid, with its columns as the reader gives them
    fast, plain = filled_rows(text, columns), _filled_rows_reference(text)
    assert fast.dtype == plain.dtype and fast.tolist() == plain.tolist()


MEASURES = st.sampled_from([None, None, "Antall", " Antall ", "x\x00y", float("nan"), "",
                            "\u202eHelse"])


@settings(max_examples=300, deadline=None)
@given(st.lists(MEASURES, max_size=20))
def test_clean_measures_equals_map_unique(measures: list) -> None:
    values = np.array(measures, dtype=object) if measures else np.empty(0, dtype=object)
    fast = _clean_measures(values.copy())
    plain = map_unique(values, clean_text)
    assert fast.dtype == plain.dtype == object
    assert [type(x) for x in fast] == [type(x) for x in plain]
    assert fast.tolist() == plain.tolist()


def _kept_in_child() -> tuple[bool, int]:
    before = len(sandbox._kept)
    sandbox.keep(object())
    return sandbox.in_child(), len(sandbox._kept) - before


def test_keep_holds_only_in_a_child() -> None:
    before = len(sandbox._kept)
    sandbox.keep(object())
    assert len(sandbox._kept) == before  # the app server frees as usual
    assert sandbox.run_isolated(_kept_in_child, file="x") == (True, 1)
