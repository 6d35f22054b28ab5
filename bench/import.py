"""Benchmark: the whole import pipeline on a 100,000-row × 8-column template workbook.

Read, detect, validate and upsert into DuckDB (:func:`sdg.importer.import_file` into
a fresh seeded store) against the bare python-calamine read of the same file, and
against ``pandas.read_excel(engine="openpyxl")`` alone. Runs are interleaved and the
best of ``RUNS`` is kept (the machine is shared, so single runs are noisy). Run:
``.venv/bin/python bench/import.py [runs]``.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import python_calamine as pc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl  # noqa: E402

from sdg.auth import Actor
from sdg.importer import import_file  # noqa: E402
from sdg.ingest import template_columns  # noqa: E402
from sdg.store import open_store  # noqa: E402

RUNS = 5
ROWS = 100_000
INDICATORS = ["Folketall", "Grunnskolepoeng", "Sysselsettingsandel", "Klimagassutslipp"]


def make_workbook(path: Path, codes: list[str], rows: int = ROWS) -> None:
    """The template layout with ``rows`` distinct (municipality, indicator, year) rows:
    every code of the municipality history × 4 indicators × the years 1995–2024."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(template_columns())
    n = 0
    for year in range(1995, 2025):
        for indicator in INDICATORS:
            for code in codes:
                if n == rows:
                    break
                ws.append([code, "Kommune", indicator, year, n * 0.5, "antall", "SSB", ""])
                n += 1
    wb.save(path)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(runs: int = RUNS) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seeded = tmp / "seeded.duckdb"
        store = open_store(seeded)
        codes = sorted(set(store.municipalities(current_only=False)["code"]))
        store.close()
        path = tmp / "bench.xlsx"
        make_workbook(path, codes)
        data = path.read_bytes()
        bare_times, ours_times = [], []
        for i in range(runs):
            bare_times.append(timed(lambda: pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
                                    .get_sheet_by_index(0).to_python()))
            db = tmp / f"run{i}.duckdb"
            shutil.copy(seeded, db)
            store = open_store(db)
            start = time.perf_counter()
            plan, batch = import_file(store, data, "bench.xlsx", actor=Actor("bench", "analyst"))
            ours_times.append(time.perf_counter() - start)
            store.close()
        pandas_openpyxl = timed(lambda: pd.read_excel(io.BytesIO(data), engine="openpyxl"))
    bare, ours = min(bare_times), min(ours_times)
    print(f"file: {len(data) / 1e6:.1f} MB, 100000 rows x 8 columns; imported {len(plan.rows)} "
          f"rows as batch {batch}, {len(plan.problems)} problems; best of {runs}")
    print(f"bare calamine read           : {bare:.3f} s")
    print(f"full import (read..upsert)   : {ours:.3f} s  ratio {ours / bare:.2f}x calamine "
          f"(target <= 1.5x)")
    print(f"pandas.read_excel(openpyxl)  : {pandas_openpyxl:.3f} s  ratio "
          f"{pandas_openpyxl / bare:.2f}x calamine; the full import is "
          f"{pandas_openpyxl / ours:.1f}x faster than this read alone")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS)
