"""Benchmark: parse_file on a 100,000-row × 8-column template workbook.

Compares sdg.ingest.parse_file with the bare python-calamine read of the same file
and with pandas.read_excel(engine="openpyxl"); prints the best of 3 runs of each and
the ratios. Run: ``.venv/bin/python bench/import_read.py``.
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

import openpyxl
import pandas as pd
import python_calamine as pc

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sdg.ingest import parse_file, template_columns  # noqa: E402

ROWS = 100_000
CODES = ["0301", "3203", "3201", "1103", "4601", "5001", "1804", "3905"]
INDICATORS = ["Folketall", "Grunnskolepoeng", "Sysselsettingsandel", "Klimagassutslipp"]


def make_workbook(path: Path, rows: int = ROWS) -> None:
    """Write the template layout with openpyxl's write-only mode."""
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(template_columns())
    for i in range(rows):
        code = CODES[i % len(CODES)]
        ws.append([code, "Kommune", INDICATORS[i % 4], 2000 + i % 25, i * 0.5, "antall", "SSB", ""])
    wb.save(path)


def best_of(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        make_workbook(path)
        data = path.read_bytes()
        bare = best_of(
            lambda: pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
            .get_sheet_by_index(0)
            .to_python()
        )
        ours = best_of(lambda: parse_file(data, "bench.xlsx"))
        pandas_openpyxl = best_of(lambda: pd.read_excel(io.BytesIO(data), engine="openpyxl"), 1)
        result = parse_file(data, "bench.xlsx")
    rows = sum(len(t.data) for t in result.tables)
    print(f"file: {len(data) / 1e6:.1f} MB, {ROWS} rows x 8 columns; parsed {rows} values "
          f"in {len(result.tables)} tables, {len(result.problems)} problems")
    print(f"bare calamine read          : {bare:.3f} s")
    print(f"parse_file                  : {ours:.3f} s  ratio {ours / bare:.2f}x calamine")
    print(f"pandas.read_excel(openpyxl) : {pandas_openpyxl:.3f} s  ratio "
          f"{pandas_openpyxl / bare:.2f}x calamine (parse_file is "
          f"{pandas_openpyxl / ours:.1f}x faster)")


if __name__ == "__main__":
    main()
