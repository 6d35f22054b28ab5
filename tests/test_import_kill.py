"""kill -9 during a large import leaves the database openable with all or none of it."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

from sdg.store import open_store
from tests.conftest import ROOT

ROWS = 60_000
KILLS = 5


def _big_csv(path, history) -> None:
    """Codes valid in each row's year (a code must exist in its year, issue 11)."""
    lines = ['"kommunenummer";"indikator";"år";"verdi"']
    first = history["valid_from"].where(history["valid_from"] > 2013, -10_000)
    last = history["valid_to"].fillna(10_000)
    n = 0
    for year in range(1995, 2025):
        codes = sorted(c for c in history.loc[(first <= year) & (last >= year), "code"]
                       if not c.startswith(("21", "22", "23")))
        for ind in ("Kill A", "Kill B", "Kill C", "Kill D", "Kill E"):
            for code in codes:
                if n < ROWS:
                    lines.append(f'"{code}";"{ind}";{year};{n},5')
                    n += 1
    path.write_text("\n".join(lines), encoding="utf-8")


def _run(db, csv) -> subprocess.Popen:
    env = os.environ | {"SDG_DB": str(db)}
    return subprocess.Popen([sys.executable, "-m", "sdg", "import", str(csv), "--actor", "kill"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _state(db) -> tuple[int, int]:
    """(batches of this file, their observation rows), after reopening the database."""
    store = open_store(db, seed=False)
    try:
        batches = store.scalar("SELECT count(*) FROM import_batch WHERE actor = 'kill'")
        rows = store.scalar("SELECT count(*) FROM observation o JOIN import_batch b"
                            " ON b.id = o.batch_id WHERE b.actor = 'kill'")
        return int(batches), int(rows)
    finally:
        store.close()


def test_sigkill_leaves_all_or_nothing(seeded_db, tmp_path):
    store = open_store(seeded_db, seed=False)
    history = store.municipalities(current_only=False)
    store.close()
    csv = tmp_path / "big.csv"
    _big_csv(csv, history)
    # A complete run tells how long an import takes here.
    db = tmp_path / "full.duckdb"
    shutil.copy(seeded_db, db)
    start = time.monotonic()
    assert _run(db, csv).wait(timeout=300) == 0
    duration = time.monotonic() - start
    assert _state(db) == (1, ROWS)

    rng = random.Random(20240501)
    outcomes = []
    for i in range(KILLS):
        db = tmp_path / f"kill{i}.duckdb"
        shutil.copy(seeded_db, db)
        proc = _run(db, csv)
        time.sleep(rng.uniform(0.3, 1.0) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        batches, rows = _state(db)
        assert (batches, rows) in {(0, 0), (1, ROWS)}, (i, batches, rows)
        outcomes.append(batches)
    assert len(outcomes) == KILLS
