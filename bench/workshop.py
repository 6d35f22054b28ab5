"""Benchmark the live workshop: 300 participants × 17 ratings submitted at once.

All participants hit one Store (one Streamlit process) on a temporary, seeded database
file. Each thread calls :func:`sdg.workshop.record_vote` (one transaction per
submission, serialised by the store's write lock). Printed:

- throughput (submissions and ratings per second) and p50/p95/max time per submission,
  as the participant waits for it (queueing behind other writers included), and the
  time each spends inside its transaction (service time);
- the time from the last vote's commit to the projector's data reflecting it: the same
  store query the projector fragment runs (:func:`sdg.workshop.live_ratings`) plus the
  aggregation it draws, repeated until all votes are counted; on screen add up to one
  refresh interval (``ui.workshop.REFRESH_S`` = 1.5 s);
- the baseline: a bare DuckDB bulk insert of the same rows (one ``INSERT … SELECT`` from
  a DataFrame into a table with the same primary key), and the ratio.

Goals (issue 6): p95 per submission ≤ 50 ms; projector data within 2 s of the last vote.
Run: ``.venv/bin/python bench/workshop.py [--participants 300] [--rounds 3] [--spread S]``
(``--spread 30``: arrivals spread uniformly over 30 s, as in a real room).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sdg.auth import Actor
from sdg.materiality import aggregate  # noqa: E402
from sdg.store import Store, open_store  # noqa: E402
from sdg.workshop import (  # noqa: E402
    SessionSpec,
    counts,
    create_session,
    join,
    live_ratings,
    open_voting,
    record_vote,
)

GOALS = [str(g) for g in range(1, 18)]
REFRESH_S = 1.5  # ui.workshop.REFRESH_S (not imported: ui imports Streamlit)


class TimedStore(Store):
    """A Store that records how long each write transaction holds the write lock
    (from the lock being taken to after COMMIT)."""

    service: list[float]

    @contextmanager
    def transaction(self):
        with super().transaction() as cur:
            t0 = time.perf_counter()
            yield cur
        self.service.append(time.perf_counter() - t0)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q)) * 1000


def one_round(path: Path, n: int, seed: int, spread: float = 0.0) -> dict:
    store = TimedStore(path)
    store.service = []
    store.migrate()
    code = create_session(store, "3203", SessionSpec(f"Bench {seed}", tuple(GOALS)), Actor("bench", "facilitator"))
    open_voting(store, code, Actor("bench", "facilitator"))
    tokens = [join(store, code) for _ in range(n)]
    store.service = []
    rng = np.random.default_rng(seed + 1000)
    delay = np.sort(rng.uniform(0, spread, size=n)) if spread else np.zeros(n)
    values = np.random.default_rng(seed).integers(1, 6, size=(n, len(GOALS)))
    ballots = [dict(zip(GOALS, row.tolist(), strict=True)) for row in values]

    latency = [0.0] * n
    done_at = [0.0] * n
    barrier = threading.Barrier(n + 1)

    def vote(i: int) -> None:
        barrier.wait()
        time.sleep(delay[i])
        t0 = time.perf_counter()
        record_vote(store, code, tokens[i], ballots[i], "priority")
        done_at[i] = time.perf_counter()
        latency[i] = done_at[i] - t0

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    last = max(done_at)

    # the projector's refresh: the same query + aggregation, until all votes show
    polls = 0
    while True:
        polls += 1
        ratings = live_ratings(store, code)
        aggregate(ratings)
        if counts(ratings) == {"participants": n, "ratings": n * len(GOALS)}:
            break
    visible = time.perf_counter() - last
    t0 = time.perf_counter()
    for _ in range(10):
        aggregate(live_ratings(store, code))
    refresh = (time.perf_counter() - t0) / 10

    # baseline: the same rows in one bare DuckDB bulk insert
    rows = pd.DataFrame({"respondent_id": np.repeat(np.arange(n), len(GOALS)),
                         "subject": GOALS * n, "axis": "priority",
                         "value": values.ravel().astype(float)})
    con = duckdb.connect(str(path.with_name(f"baseline{seed}.duckdb")))
    con.execute("CREATE TABLE r (respondent_id INTEGER, subject VARCHAR, axis VARCHAR,"
                " value DOUBLE, PRIMARY KEY (respondent_id, subject, axis))")
    con.register("rows", rows)
    t0 = time.perf_counter()
    con.execute("BEGIN; INSERT INTO r SELECT * FROM rows; COMMIT")
    bulk = time.perf_counter() - t0
    con.close()
    store.close()
    return {"wall": wall, "latency": latency, "service": store.service, "visible": visible,
            "polls": polls, "refresh": refresh, "bulk": bulk}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--spread", type=float, default=0.0,
                    help="arrivals spread uniformly over this many seconds (0 = all at once)")
    args = ap.parse_args()
    n = args.participants
    with tempfile.TemporaryDirectory() as tmp:
        seeded = Path(tmp) / "seeded.duckdb"
        open_store(seeded).close()
        results = []
        for r in range(args.rounds):
            path = Path(tmp) / f"round{r}.duckdb"
            shutil.copy(seeded, path)
            results.append(one_round(path, n, seed=r, spread=args.spread))
    when = f"spread over {args.spread:g} s" if args.spread else "at once"
    print(f"{n} participants × {len(GOALS)} ratings submitted {when}, "
          f"{args.rounds} rounds (fresh seeded database file each)")
    for i, res in enumerate(results):
        lat, svc = res["latency"], res["service"]
        print(f"round {i}: {n / res['wall']:6.0f} submissions/s ({n * len(GOALS) / res['wall']:6.0f}"
              f" ratings/s), wall {res['wall'] * 1000:6.0f} ms | per submission as waited:"
              f" p50 {pct(lat, 50):6.1f} ms, p95 {pct(lat, 95):6.1f} ms, max {pct(lat, 100):6.1f} ms"
              f" | in its transaction: p50 {pct(svc, 50):5.1f} ms, p95 {pct(svc, 95):5.1f} ms"
              f" | projector data {res['visible'] * 1000:5.1f} ms after the last vote"
              f" ({res['polls']} poll), one refresh {res['refresh'] * 1000:5.1f} ms"
              f" | bare bulk insert {res['bulk'] * 1000:5.1f} ms, ratio {res['wall'] / res['bulk']:5.0f}×")
    walls = [r["wall"] for r in results]
    bulks = [r["bulk"] for r in results]
    lat = [x for r in results for x in r["latency"]]
    vis = max(r["visible"] for r in results)
    p95 = pct(lat, 95)
    print(f"median wall {statistics.median(walls) * 1000:.0f} ms vs bulk insert "
          f"{statistics.median(bulks) * 1000:.1f} ms: ratio {statistics.median(walls) / statistics.median(bulks):.0f}×")
    print(f"goal p95 ≤ 50 ms: {'met' if p95 <= 50 else 'NOT met'} (p95 {p95:.1f} ms over all rounds)")
    print(f"goal projector ≤ 2 s: data {vis * 1000:.0f} ms, on screen ≤ {vis + REFRESH_S:.2f} s "
          f"with the {REFRESH_S} s refresh: {'met' if vis + REFRESH_S <= 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
