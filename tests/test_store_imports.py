"""sdg.store.imports: checksum, one-transaction commit, history, undo/redo."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from sdg.auth import Actor
from sdg.errors import InvalidInput, NotFound

ANALYST = Actor("ola", "analyst")

BATCH = {"file_name": "a.csv", "sha256": "abc", "sheet": "a.csv", "layout": "long",
         "actor": "test"}


def obs(values: list[float], indicator: str = "grunnskolepoeng") -> pd.DataFrame:
    return pd.DataFrame({"municipality": ["3203", "3201"][: len(values)],
                         "indicator": indicator, "year": 2024, "value": values,
                         "status_symbol": None, "note": None})


def test_checksum_changes_only_with_content(store):
    a = store.content_checksum()
    assert a == store.content_checksum()
    assert a["observation"][0] == store.counts()["observation"]
    store.commit_import(ANALYST, BATCH, obs([1.0]))
    b = store.content_checksum()
    assert b["observation"][0] == a["observation"][0] + 1 and b["import_batch"] != a["import_batch"]


def test_commit_writes_batch_rows_and_new_indicators(store):
    new = pd.DataFrame([{"id": "ny", "name_nb": "Ny", "name_en": "New", "unit_nb": None,
                         "unit_en": None, "direction": 0, "aggregation": "none",
                         "denominator": None, "source": None, "targets": ["4.1"]}])
    batch = store.commit_import(ANALYST, BATCH, obs([1.0, 2.0], "ny"), new)
    assert store.batch(batch)["rows_total"] == 2
    assert store.batch_observations(batch)["value"].tolist() == [2.0, 1.0]
    assert store.indicators().set_index("id").at["ny", "targets"] == "4.1"
    assert store.batches_with_file("abc", ["ny"]) == [batch]
    assert store.batches_with_file("abc", ["befolkning"]) == []


def test_failed_commit_writes_nothing(store):
    before = store.content_checksum()
    bad = obs([1.0]).assign(indicator="finnes_ikke")  # foreign key violation
    with pytest.raises(Exception):  # noqa: B017 (duckdb's constraint error)
        store.commit_import(ANALYST, BATCH, bad)
    assert store.content_checksum() == before


def test_undo_redo_and_history(store):
    first = store.commit_import(ANALYST, BATCH, obs([1.0]))
    second = store.commit_import(ANALYST, BATCH | {"sha256": "def"}, obs([2.0]))
    current = lambda: store.observations("grunnskolepoeng", ["3203"]).set_index("year").at[2024, "value"]  # noqa: E731
    assert current() == 2.0
    store.set_batch_state(second, "undone", ANALYST)
    assert current() == 1.0
    hist = store.import_batches(include_seed=False).set_index("id")
    assert hist.at[second, "state"] == "undone" and hist.at[second, "undone_by"] == "ola"
    assert hist.at[second, "rows_current"] == 0 and hist.at[first, "rows_current"] == 1
    store.set_batch_state(second, "active", ANALYST)
    assert current() == 2.0
    assert store.batch(second)["undone_by"] is None
    with pytest.raises(InvalidInput):
        store.set_batch_state(second, "active", ANALYST)
    with pytest.raises(NotFound):
        store.set_batch_state(9999, "undone", ANALYST)


def test_changes_for_returns_existing_values_only(store):
    rows = pd.DataFrame({"municipality": ["0220", "9999"], "indicator": "grunnskolepoeng",
                         "year": [2019, 2019], "value": [43.6, 1.0],
                         "status_symbol": [None, None]})
    got = store.changes_for(rows)
    assert got["old_value"].tolist() == [43.6] and got["same"].tolist() == [True]


def test_duplicate_keys_in_one_batch_are_refused_and_write_nothing(store):
    # Migration 0009 dropped the primary key; commit_import keeps refusing duplicates.
    before = store.content_checksum()
    twice = pd.concat([obs([1.0]), obs([2.0])], ignore_index=True)
    with pytest.raises(duckdb.ConstraintException, match="duplicate key"):
        store.commit_import(ANALYST, BATCH, twice)
    assert store.content_checksum() == before


def test_rows_current_counts_superseded_rows_and_undone_batches(store):
    first = store.commit_import(ANALYST, BATCH, obs([1.0, 2.0]))
    second = store.commit_import(ANALYST, BATCH, obs([3.0]))  # supersedes 3203 only
    other = store.commit_import(ANALYST, BATCH, obs([4.0], "befolkning"))
    hist = store.import_batches(include_seed=False).set_index("id")
    assert hist.loc[[first, second, other], "rows_current"].tolist() == [1, 1, 1]
    assert hist.at[first, "indicators"] == "grunnskolepoeng"
    store.set_batch_state(second, "undone", ANALYST)
    hist = store.import_batches(include_seed=False).set_index("id")
    assert hist.loc[[first, second, other], "rows_current"].tolist() == [2, 0, 1]
    # the same counts as the view itself
    view = store.df("SELECT batch_id, count(*) AS n FROM observation_current GROUP BY batch_id")
    counts = dict(zip(view["batch_id"], view["n"], strict=True))
    everything = store.import_batches().set_index("id")["rows_current"]
    assert {i: n for i, n in everything.items() if n} == counts


def test_batches_version_changes_with_imports_and_undo(store):
    v0 = store.batches_version()
    assert store.batches_version() == v0
    batch = store.commit_import(ANALYST, BATCH, obs([1.0]))
    v1 = store.batches_version()
    store.set_batch_state(batch, "undone", ANALYST)
    v2 = store.batches_version()
    store.set_batch_state(batch, "active", ANALYST)
    assert len({v0, v1, v2}) == 3 and store.batches_version() != v2


def test_batch_observations_limit_is_the_first_rows_in_order(store):
    batch = store.commit_import(ANALYST, BATCH, obs([1.0, 2.0]))
    assert store.batch_observations(batch, limit=1)["municipality"].tolist() == ["3201"]
    assert len(store.batch_observations(batch)) == 2


def test_unknown_indicator_is_refused_by_name(store):
    with pytest.raises(duckdb.ConstraintException, match="finnes_ikke"):
        store.commit_import(ANALYST, BATCH, obs([1.0], "finnes_ikke"))


def test_every_observation_has_its_indicator_and_batch(store):
    # What the foreign keys dropped by migration 0009 used to guarantee, for the seed.
    store.commit_import(ANALYST, BATCH, obs([1.0]))
    assert store.scalar("SELECT count(*) FROM observation o WHERE NOT EXISTS"
                        " (SELECT 1 FROM indicator i WHERE i.id = o.indicator)") == 0
    assert store.scalar("SELECT count(*) FROM observation o WHERE NOT EXISTS"
                        " (SELECT 1 FROM import_batch b WHERE b.id = o.batch_id)") == 0
    assert store.scalar("SELECT count(*) FROM (SELECT 1 FROM observation GROUP BY batch_id,"
                        " municipality, indicator, year HAVING count(*) > 1)") == 0


def _many(n: int) -> pd.DataFrame:
    """``n`` observations of one indicator: one per municipality code and year."""
    codes = [f"{i:04d}" for i in range(n // 10 + 1)]
    return pd.DataFrame({"municipality": [codes[i // 10] for i in range(n)],
                         "indicator": "grunnskolepoeng", "year": [2000 + i % 10 for i in range(n)],
                         "value": [float(i) for i in range(n)], "status_symbol": None,
                         "note": None})


def test_a_large_import_is_committed_into_the_file_not_the_log(store, monkeypatch):
    """From LARGE_IMPORT_ROWS rows the commit is a checkpoint: the rows are in the database
    file (the log stays as it was) and are there after reopening; a small import goes
    through the log; the checkpoint threshold is the same afterwards."""
    from pathlib import Path

    from sdg.store import imports, open_store

    wal = Path(store.path + ".wal")
    size = lambda: wal.stat().st_size if wal.exists() else 0  # noqa: E731
    threshold = store.scalar("SELECT current_setting('checkpoint_threshold')")
    threads = store.scalar("SELECT current_setting('threads')")
    monkeypatch.setattr(imports, "LARGE_IMPORT_ROWS", 1000)
    store.commit_import(ANALYST, BATCH, obs([1.0]))  # small: into the log
    after_small = size()
    assert after_small > 0
    batch = store.commit_import(ANALYST, BATCH | {"sha256": "big"}, _many(2000))
    assert size() <= after_small  # the large one (and the log before it) went to the file
    assert store.scalar("SELECT current_setting('checkpoint_threshold')") == threshold
    assert store.scalar("SELECT current_setting('threads')") == threads
    path = store.path
    store.close()
    again = open_store(path)
    try:
        assert again.batch(batch)["rows_total"] == 2000
        assert len(again.batch_observations(batch)) == 2000
    finally:
        again.close()


def test_a_failed_large_commit_writes_nothing_and_restores_the_threshold(store, monkeypatch):
    from sdg.store import imports

    monkeypatch.setattr(imports, "LARGE_IMPORT_ROWS", 10)
    threshold = store.scalar("SELECT current_setting('checkpoint_threshold')")
    before = store.content_checksum()
    with pytest.raises(duckdb.ConstraintException):
        store.commit_import(ANALYST, BATCH, _many(50).assign(indicator="finnes_ikke"))
    assert store.content_checksum() == before
    assert store.scalar("SELECT current_setting('checkpoint_threshold')") == threshold


def test_changed_settings_are_set_back_after_an_error(store):
    from sdg.store.base import changed_settings

    with store.cursor() as cur:
        threads = cur.execute("SELECT current_setting('threads')").fetchone()[0]
        with pytest.raises(duckdb.CatalogException), changed_settings(cur, threads=1):
            assert cur.execute("SELECT current_setting('threads')").fetchone()[0] == 1
            cur.execute("SELECT * FROM no_such_table")
        assert cur.execute("SELECT current_setting('threads')").fetchone()[0] == threads
        with pytest.raises(ValueError):
            with changed_settings(cur, memory_limit="1GB"):
                pass
