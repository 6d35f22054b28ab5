"""The shared real files as raw sheets, for the tests that compare a fast reader path
with its reference on every sheet (``tests/test_ingest_*_fast.py``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sdg.ingest import read

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
#: Every CSV and workbook under ``shared/data/real`` and ``shared/data/xlsx`` (empty
#: when ``shared/`` is absent: the tests using it then skip).
FILES = sorted(p for folder in ("real", "xlsx", "indicators") if (DATA / folder).is_dir()
               for p in (DATA / folder).rglob("*") if p.suffix.lower() in {".csv", ".xlsx", ".xls"})


def raw_sheets(path: Path) -> list[read.RawSheet]:
    """The sheets of ``path`` as the reader gives them to the layout parsers."""
    data = path.read_bytes()
    kind = read.sniff_kind(data, path.name)
    if kind == "csv":
        return [read.read_csv(data, path.name)]
    if kind == "xlsx":
        return read.read_workbook(data, path.name, read.check_zip(data, path.name),
                                  scan_formulas=False)
    return read.read_ole(data, path.name)


def as_text(grid: np.ndarray) -> np.ndarray:
    """``grid`` with every cell written as text (so the text-only paths run on it)."""
    return np.array([[x if isinstance(x, str) else str(x) for x in row] for row in grid],
                    dtype=object).reshape(grid.shape)


def columns_of(grid: np.ndarray) -> tuple[tuple[np.ndarray, np.ndarray], ...] | None:
    """The columns of an all-text ``grid`` as a reader gives them
    (:attr:`sdg.ingest.read.RawSheet.columns`: codes into the distinct cells in order
    of first appearance), None when a cell is not text."""
    if not all(type(x) is str for x in grid.ravel()):
        return None
    columns = []
    for c in range(grid.shape[1]):
        codes, distinct = pd.factorize(grid[:, c])
        columns.append((codes, np.asarray(distinct, dtype=object)))
    return tuple(columns)
