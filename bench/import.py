"""Benchmark: the whole import pipeline on a 100,000-row × 8-column template workbook.

Read, detect, validate and write into DuckDB (:func:`sdg.importer.import_file` into a
fresh copy of a seeded store) against the bare python-calamine read of the same file
(``CalamineWorkbook.from_filelike(…).get_sheet_by_index(0).to_python()``), and against
``pandas.read_excel(engine="openpyxl")`` alone.

The machine is shared (2 cores, other jobs): the bare read and the full import are
interleaved, their order alternating from round to round, with a garbage collection
before each timed call, and the best of ``runs`` of each is compared (the least
disturbed run of each). openpyxl takes ~20 s a read, so it gets fewer rounds.
Goal: full import ≤ 1.5 × the bare calamine read.

Run: ``.venv/bin/python bench/import.py [runs] [openpyxl_runs]``.
"""

from __future__ import annotations

import gc
import io
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import python_calamine as pc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sdg.auth import Actor  # noqa: E402
from sdg.importer import import_file  # noqa: E402
from sdg.ingest import template_columns  # noqa: E402
from sdg.store import open_store  # noqa: E402

RUNS = 7
OPENPYXL_RUNS = 2
ROWS = 100_000
GOAL = 1.5
INDICATORS = ["Folketall", "Grunnskolepoeng", "Sysselsettingsandel", "Klimagassutslipp"]
ACTOR = Actor("bench", "analyst")


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


def timed(fn: Callable[[], object]) -> float:
    """Seconds one call of ``fn`` takes (after a collection, so that no earlier
    garbage is collected on its time)."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bare_read(data: bytes) -> list:
    return (pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
            .get_sheet_by_index(0).to_python())


def main(runs: int = RUNS, openpyxl_runs: int = OPENPYXL_RUNS) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seeded = tmp / "seeded.duckdb"
        store = open_store(seeded)
        codes = sorted(set(store.municipalities(current_only=False)["code"]))
        store.close()
        path = tmp / "bench.xlsx"
        make_workbook(path, codes)
        data = path.read_bytes()
        results: list = []

        def ours(i: int) -> Callable[[], object]:
            db = tmp / f"run{i}.duckdb"
            shutil.copy(seeded, db)  # a fresh store each time, opened outside the timing
            store = open_store(db)

            def run() -> None:
                try:
                    results.append(import_file(store, data, "bench.xlsx", actor=ACTOR))
                finally:
                    store.close()
            return run

        bare_times, ours_times = [], []
        for i in range(runs):
            run = ours(i)
            if i % 2:
                ours_times.append(timed(run))
                bare_times.append(timed(lambda: bare_read(data)))
            else:
                bare_times.append(timed(lambda: bare_read(data)))
                ours_times.append(timed(run))
        openpyxl_times = [timed(lambda: pd.read_excel(io.BytesIO(data), engine="openpyxl"))
                          for _ in range(openpyxl_runs)]
    plan, batch = results[-1]
    assert batch is not None and plan.problems.empty and len(plan.rows) == ROWS
    bare, full, opx = min(bare_times), min(ours_times), min(openpyxl_times)
    print(f"file: {len(data) / 1e6:.1f} MB, {ROWS} rows x 8 columns; imported {len(plan.rows)}"
          f" rows as batch {batch}, {len(plan.problems)} problems; best of {runs}"
          f" (interleaved), openpyxl best of {openpyxl_runs}")
    print(f"bare calamine read           : {bare:.3f} s  (median {statistics.median(bare_times):.3f})")
    print(f"full import (read..commit)   : {full:.3f} s  (median {statistics.median(ours_times):.3f})")
    print(f"pandas.read_excel(openpyxl)  : {opx:.3f} s")
    flag = "ok" if full / bare <= GOAL else "OVER"
    print(f"ratio full import / calamine : {full / bare:.2f}x  (goal <= {GOAL}x) {flag}")
    print(f"ratio full import / openpyxl : {full / opx:.3f}x  (the import is {opx / full:.1f}x "
          f"faster than openpyxl's read alone)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else RUNS,
         int(sys.argv[2]) if len(sys.argv) > 2 else OPENPYXL_RUNS)
