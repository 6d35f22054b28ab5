"""Benchmark sdg.materiality against a bare DuckDB GROUP BY in the same process.

Synthetic data: 10,000 respondents × 169 targets × 2 axes ≈ 3.4 M ratings, three sources
(a survey with design weights, a workshop source and an administration source), scale 1–5.
Key columns are categoricals, as a store query or ``astype("category")`` gives them;
DuckDB reads the same frame (as ENUMs).

Targets (METHODS.md §4 / issue 3): ``aggregate`` ≤ 3 × baseline, ``robustness`` with
B = 200 ≤ 10 × baseline. Run: ``.venv/bin/python bench/materiality.py [--respondents N]
[--B B] [--rounds R]``.

The machine is small and shared, so timings are noisy: the baseline and both functions run
one after another in each of R rounds (after one warm-up round), and the ratios compare the
best of the R runs of each (the least disturbed). The median of the per-round ratios (ours
against the baseline of the same round) is printed as a check on that.
"""

from __future__ import annotations

import os

# Multithreaded OpenBLAS is 5-10x *slower* for the bootstrap's matrix products on this
# small, shared 2-vCPU machine (threads spin against other processes). The default here is
# one BLAS thread (OPENBLAS_NUM_THREADS=1, set before numpy is imported), as recommended
# for a Streamlit server; pass --blas-threads to compare.
if "--blas-threads" not in os.sys.argv:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sdg.materiality import aggregate, robustness  # noqa: E402


def synthetic(n_resp: int = 10_000, n_targets: int = 169, seed: int = 1) -> pd.DataFrame:
    """Every respondent rates every target on both axes (integers 1–5)."""
    rng = np.random.default_rng(seed)
    goals = np.repeat(np.arange(1, 18), 10)[:n_targets]
    targets = np.array([f"{g}.{i + 1}" for i, g in enumerate(goals)])
    axes = np.array(["influence", "priority"])
    n = n_resp * n_targets * 2
    resp = np.repeat(np.arange(n_resp), n_targets * 2)
    subj = np.tile(np.repeat(np.arange(n_targets), 2), n_resp)
    ax = np.tile([0, 1], n_resp * n_targets)
    src_of_resp = rng.choice(3, size=n_resp, p=[0.9, 0.08, 0.02])
    latent = rng.normal(3, 0.8, size=(n_targets, 2))
    value = np.clip(np.rint(latent[subj, ax] + rng.normal(0, 1, n)), 1, 5)
    weight = rng.uniform(0.5, 2.0, n_resp)[resp]
    sources = np.array(["survey", "workshop", "administration"])
    return pd.DataFrame({
        "source": pd.Categorical.from_codes(src_of_resp[resp], sources),
        "respondent": resp,
        "subject": pd.Categorical.from_codes(subj, targets),
        "axis": pd.Categorical.from_codes(ax, axes),
        "value": value,
        "scale_min": np.full(n, 1.0),
        "scale_max": np.full(n, 5.0),
        "weight": weight,
    })


def interleaved(fns: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Seconds of each function in each round; the functions alternate within a round, so
    a disturbance hits the baseline and ours alike. One untimed warm-up round first."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, default=10_000)
    parser.add_argument("--B", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds (best of)")
    parser.add_argument("--blas-threads", action="store_true",
                        help="leave OpenBLAS at its default thread count")
    args = parser.parse_args()
    r = synthetic(args.respondents)
    con = duckdb.connect()
    con.register("r", r)

    def baseline() -> object:
        return con.execute("SELECT subject, axis, avg(value) FROM r GROUP BY ALL").fetchdf()

    times = interleaved({"baseline": baseline, "aggregate": lambda: aggregate(r),
                         "robustness": lambda: robustness(r, B=args.B, seed=0)}, args.rounds)
    base = min(times["baseline"])
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"ratings: {len(r):,}  respondents: {args.respondents:,}  B: {args.B}  "
          f"OpenBLAS threads: {blas}  rounds: {args.rounds} (best of; interleaved)")
    print(f"baseline DuckDB GROUP BY : {base * 1000:8.1f} ms")
    for name, goal in (("aggregate", 3), ("robustness", 10)):
        best = min(times[name])
        per_round = statistics.median(
            t / b for t, b in zip(times[name], times["baseline"], strict=True))
        print(f"{name:25s}: {best * 1000:8.1f} ms  ratio {best / base:5.2f} (target ≤ {goal})"
              f"  median per-round ratio {per_round:5.2f}")


if __name__ == "__main__":
    main()
