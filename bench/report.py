"""Benchmark the report to the council: Asker's PDF (about ten pages) end to end.

Goal (issue 15): ten pages render in under 5 s on this machine. Timed: reading and
assembling everything (:func:`sdg.report.assemble`, incl. the matrix bootstrap with
B = 200) and laying it out (:func:`sdg.report_pdf.render`: the charts through
vl-convert and Typst). The baseline, run in the same process, is what an analyst does
today to get one figure into a council paper: the matrix PNG export of the matrix page
(vl-convert of the same chart). The ratio says how many such PNG exports the whole
report costs.

Run: ``python bench/report.py [--rounds R] [--lang nb|en]``. Best of R interleaved
rounds after one warm-up (the machine is small and shared); the PDF is written to
``/tmp/bench_report.pdf``. The chart cache (:func:`sdg.report_pdf.svg_of`) is cleared
before each round, so every round converts every chart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import vl_convert  # noqa: E402

from sdg.charts import matrix_chart  # noqa: E402
from sdg.report import assemble  # noqa: E402
from sdg.report_pdf import page_count, render, svg_of  # noqa: E402
from sdg.store import open_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--lang", default="nb", choices=("nb", "en"))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-report-"))
    try:
        store = open_store(tmp / "b.duckdb")
        day = dt.date(2026, 11, 30)

        def report() -> bytes:
            return render(assemble(store, "3203", args.lang, day))

        rep = assemble(store, "3203", args.lang, day)
        spec = matrix_chart(rep.matrix, rep.goals, args.lang).to_json()

        def baseline() -> bytes:
            return vl_convert.vegalite_to_png(spec, scale=2)

        pdf = report()
        baseline()  # warm-up
        ours, base, parts = [], [], []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            baseline()
            svg_of.cache_clear()  # cold: every chart converted again
            t1 = time.perf_counter()
            r = assemble(store, "3203", args.lang, day)
            t2 = time.perf_counter()
            pdf = render(r)
            t3 = time.perf_counter()
            base.append(t1 - t0)
            ours.append(t3 - t1)
            parts.append((t2 - t1, t3 - t2))
        store.close()
        Path("/tmp/bench_report.pdf").write_bytes(pdf)
        best = min(ours)
        assemble_s, render_s = min(p[0] for p in parts), min(p[1] for p in parts)
        pages = page_count(pdf)
        print(f"report ({args.lang}): {pages} pages, best {best:.2f} s of {args.rounds} rounds "
              f"(assemble {assemble_s:.2f} s, render {render_s:.2f} s); "
              f"{best / pages * 10:.2f} s per ten pages (goal < 5 s)")
        print(f"baseline, one matrix PNG export: best {min(base) * 1000:.0f} ms; "
              f"ratio {best / min(base):.1f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
