"""sdg.store.workshops: the SQL of sessions, participants and votes."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from sdg.auth import Actor
from sdg.store import Store
from sdg.workshop import SessionSpec

FACILITATOR = Actor("tester", "facilitator")

GOALS = tuple(str(g) for g in range(1, 18))
SPEC = SessionSpec("Verksted", GOALS, ("priority", "influence"), group="ungdom",
                   scale_labels=("a", "b", "c", "d", "e")).validated()


def test_migration_adds_the_workshop_tables(store):
    assert store.schema_version() >= 5
    assert store.scalar("SELECT count(*) FROM workshop_participant") == 0


def test_create_refuses_a_taken_code_and_lists_sessions(store):
    assert store.create_workshop("ACDEF", "3203", SPEC, FACILITATOR) is True
    assert store.create_workshop("ACDEF", "3203", SPEC, FACILITATOR) is False
    s = store.workshop("ACDEF")
    assert (s["subjects"], s["axes"], s["grp"], s["scale_labels"], s["state"]) == (
        list(GOALS), ["priority", "influence"], "ungdom", list("abcde"), "draft")
    listed = store.workshops("3203")
    assert listed["code"].tolist() == ["ACDEF"]
    assert listed[["joined", "voted", "ratings"]].iloc[0].tolist() == [0, 0, 0]
    assert store.workshops("0301").empty
    assert store.workshop("KKKKK") is None


def test_vote_statuses_and_upsert(store):
    store.create_workshop("ACDEF", "3203", SPEC, FACILITATOR)
    respondent = store.add_workshop_participant("ACDEF", "token-one")
    assert store.workshop_participant("token-one")["respondent_id"] == respondent
    assert store.save_workshop_vote("ACDEF", "token-one", "priority", {"4": 3}) == "not_open"
    assert store.set_workshop_state("ACDEF", "open", ["draft"], FACILITATOR) is True
    assert store.set_workshop_state("ACDEF", "open", ["closed"], FACILITATOR) is False
    assert store.save_workshop_vote("ACDEF", "nobody-xyz", "priority", {"4": 3}) \
        == "unknown_participant"
    assert store.save_workshop_vote("ACDEF", "token-one", "priority", {"4": 3, "5": 1}) == "saved"
    assert store.save_workshop_vote("ACDEF", "token-one", "priority", {"4": 5}) == "saved"
    mine = store.workshop_participant_ratings("ACDEF", "token-one")
    assert mine[["subject", "value"]].values.tolist() == [["4", 5.0], ["5", 1.0]]
    r = store.workshop_ratings(["ACDEF"])
    assert list(r.columns) == ["source", "respondent", "subject", "axis", "value", "scale_min",
                               "scale_max"]
    assert len(r) == 2 and set(r["source"]) == {"ACDEF"}
    listed = store.workshops("3203").iloc[0]
    assert (listed["joined"], listed["voted"], listed["ratings"]) == (1, 1, 2)
    assert store.scalar("SELECT grp FROM respondent WHERE id = $i", {"i": respondent}) == "ungdom"


def test_reset_archives_in_one_transaction(store):
    store.create_workshop("ACDEF", "3203", SPEC, FACILITATOR)
    assert store.reset_workshop("ACDEF", "ACDEF", SPEC, FACILITATOR) is False  # taken: nothing changes
    assert store.workshop("ACDEF")["state"] == "draft"
    assert store.reset_workshop("ACDEF", "HJKMN", SPEC, FACILITATOR) is True
    assert store.workshop("ACDEF")["replaced_by"] == "HJKMN"
    assert store.workshops("3203")["code"].tolist() == ["HJKMN"]
    assert sorted(store.workshops("3203", include_archived=True)["code"]) == ["ACDEF", "HJKMN"]


# ------------------------------------------------------------------- group commit
def _open_session(store, code="ACDEF", n=3):
    store.create_workshop(code, "3203", SPEC, FACILITATOR)
    store.set_workshop_state(code, "open", ["draft"], FACILITATOR)
    tokens = [f"{code}-token-{i}" for i in range(n)]
    for t in tokens:
        store.add_workshop_participant(code, t)
    return tokens


def _queued_while_locked(store, submissions, between=None):
    """Submit ``submissions`` (code, token, axis, ratings) from threads, in this order,
    while this thread holds the write lock, so the first one's writer waits for the
    lock and the rest queue behind it; then run ``between`` and release the lock.
    Returns each submission's (status, order) or exception, in order."""
    queue = store._vote_queue()
    results: list = [None] * len(submissions)

    def send(i: int) -> None:
        try:
            results[i] = store.submit_workshop_vote(*submissions[i])
        except Exception as exc:  # noqa: BLE001 - returned and asserted by the test
            results[i] = exc

    threads = []
    with store._write_lock:
        start = queue.order
        for i in range(len(submissions)):
            threads.append(threading.Thread(target=send, args=(i,)))
            threads[-1].start()
            deadline = time.monotonic() + 10
            while queue.order < start + i + 1:  # wait until it is queued: keep the order
                assert time.monotonic() < deadline
                time.sleep(0.001)
        if between is not None:
            between()
    for t in threads:
        t.join(timeout=30)
    return results


def test_one_batch_writes_whole_submissions_and_the_later_one_wins(store):
    a, b, c = _open_session(store)
    store.create_workshop("HJKMN", "3203", SPEC, FACILITATOR)  # a draft: not open
    store.add_workshop_participant("HJKMN", "draft-token")
    before = store.workshop_vote_stats()
    results = _queued_while_locked(store, [
        ("ACDEF", a, "priority", {"4": 1, "5": 1}),   # written alone (its writer waited)
        ("ACDEF", a, "priority", {"4": 2, "6": 2}),   # these five share one transaction
        ("ACDEF", "nobody-xyz", "priority", {"4": 3}),
        ("HJKMN", "draft-token", "priority", {"4": 3}),
        ("ACDEF", b, "influence", {"4": 4, "5": 4, "6": 4}),
        ("ACDEF", a, "priority", {"4": 5}),           # a's later change of item 4 wins
    ])
    assert [r[0] for r in results] == ["saved", "saved", "unknown_participant", "not_open",
                                       "saved", "saved"]
    orders = [r[1] for r in results]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    stats = store.workshop_vote_stats()
    # the writer took the first (or first two) before it waited for the lock; the rest
    # were queued meanwhile and make one batch
    assert stats["batches"] - before["batches"] == 2 and stats["largest"] >= 4
    mine = store.workshop_participant_ratings("ACDEF", a)
    assert mine[["subject", "value"]].values.tolist() == [["4", 5.0], ["5", 1.0], ["6", 2.0]]
    assert len(store.workshop_participant_ratings("ACDEF", b)) == 3
    assert store.workshop_participant_ratings("ACDEF", c).empty
    assert store.workshop_participant_ratings("HJKMN", "draft-token").empty


def test_a_session_closed_while_votes_wait_refuses_them_all(store):
    a, b, c = _open_session(store)
    results = _queued_while_locked(
        store, [("ACDEF", t, "priority", {"4": 3, "5": 3}) for t in (a, b, c)],
        between=lambda: store.set_workshop_state("ACDEF", "closed", ["open"], FACILITATOR))
    assert [r[0] for r in results] == ["not_open"] * 3
    assert store.workshop_ratings(["ACDEF"]).empty


def test_a_failing_batch_is_written_again_one_by_one(store, monkeypatch):
    a, b, c = _open_session(store)
    real = Store._append_votes

    def fragile(self, batch, participants):  # the database refuses one, among good ones
        if any(sub.token == b for sub in batch):
            raise duckdb.ConstraintException("refused")
        return real(self, batch, participants)

    monkeypatch.setattr(Store, "_append_votes", fragile)
    before = store.workshop_vote_stats()["fallbacks"]
    results = _queued_while_locked(store, [
        ("ACDEF", c, "priority", {"7": 2}),
        ("ACDEF", a, "priority", {"4": 1, "5": 2}),
        ("ACDEF", b, "priority", {"4": 5, "5": 5}),
        ("ACDEF", c, "priority", {"4": 3}),
    ])
    assert results[0][0] == results[1][0] == results[3][0] == "saved"
    assert isinstance(results[2], duckdb.ConstraintException)
    assert store.workshop_vote_stats()["fallbacks"] == before + 1
    assert len(store.workshop_participant_ratings("ACDEF", a)) == 2
    assert store.workshop_participant_ratings("ACDEF", b).empty  # none of its ratings
    assert len(store.workshop_participant_ratings("ACDEF", c)) == 2


def test_a_vote_inside_a_transaction_is_refused_rather_than_deadlocking(store):
    (a,) = _open_session(store, n=1)
    with store.transaction(), pytest.raises(RuntimeError):
        store.save_workshop_vote("ACDEF", a, "priority", {"4": 3})
    assert store.save_workshop_vote("ACDEF", a, "priority", {"4": 3}) == "saved"


def test_one_submission_holds_both_axes(store):
    (a,) = _open_session(store, n=1)
    status, _ = store.submit_workshop_answers(
        "ACDEF", a, {"priority": {"4": 5, "13": 4}, "influence": {"4": 2}})
    assert status == "saved"
    mine = store.workshop_participant_ratings("ACDEF", a)
    assert mine[["axis", "subject", "value"]].values.tolist() == [
        ["influence", "4", 2.0], ["priority", "13", 4.0], ["priority", "4", 5.0]]


def test_close_stops_the_writer_after_what_is_queued(seeded_db, tmp_path):
    import shutil

    from sdg.store import open_store

    shutil.copy(seeded_db, tmp_path / "w.duckdb")
    s = open_store(tmp_path / "w.duckdb")
    (a,) = _open_session(s, n=1)
    assert s.save_workshop_vote("ACDEF", a, "priority", {"4": 3}) == "saved"
    thread = s._vote_queue().thread
    assert thread.is_alive()
    s.close()
    assert not thread.is_alive()


def test_a_second_store_looks_participants_up(store):
    """A store that did not see the join (as after a restart) finds the participant in
    the database; nothing is cached for strangers."""
    (a,) = _open_session(store, n=1)
    other = Store(store.path)  # same process: DuckDB shares the open database
    try:
        assert other._vote_queue().participants == {}
        assert other.save_workshop_vote("ACDEF", a, "priority", {"4": 3}) == "saved"
        assert other.save_workshop_vote("ACDEF", "nobody-xyz", "priority", {"4": 3}) \
            == "unknown_participant"
        assert other.save_workshop_vote("HJKMN", a, "priority", {"4": 3}) \
            == "unknown_participant"  # a token of another session
        assert set(other._vote_queue().participants) == {a}
        assert len(store.workshop_participant_ratings("ACDEF", a)) == 1
    finally:
        other.close()


# ------------------------------------------------------------- the vote log (0010)
def _log(store, token):
    return store.df(
        "SELECT v.subject, v.axis, v.value, v.seq FROM workshop_vote v"
        " JOIN workshop_participant p ON p.respondent_id = v.respondent_id"
        " WHERE p.token = $t ORDER BY v.seq, v.axis, v.subject", {"t": token})


def test_a_changed_answer_counts_once_and_the_earlier_one_is_kept(store):
    (a,) = _open_session(store, n=1)
    assert store.save_workshop_vote("ACDEF", a, "priority", {"4": 3, "5": 1}) == "saved"
    assert store.save_workshop_vote("ACDEF", a, "priority", {"4": 5}) == "saved"
    log = _log(store, a)
    assert log[["subject", "value"]].values.tolist() == [["4", 3.0], ["5", 1.0], ["4", 5.0]]
    assert log["seq"].iloc[2] > log["seq"].iloc[0]
    counted = store.df("SELECT subject, value FROM rating_current r"
                       " JOIN workshop_participant p ON p.respondent_id = r.respondent_id"
                       " WHERE p.token = $t ORDER BY subject", {"t": a})
    assert counted.values.tolist() == [["4", 5.0], ["5", 1.0]]
    assert store.scalar("SELECT count(*) FROM rating r JOIN workshop_participant p"
                        " ON p.respondent_id = r.respondent_id") == 0  # votes live in the log


def test_the_order_goes_on_after_a_restart(store):
    (a,) = _open_session(store, n=1)
    for value in (1, 2, 3):
        store.save_workshop_vote("ACDEF", a, "priority", {"4": value})
    highest = store.scalar("SELECT max(seq) FROM workshop_vote")
    path = store.path
    store.close()
    again = Store(path)  # a new process: nothing in memory
    try:
        assert again._vote_queue().order == highest
        assert again.save_workshop_vote("ACDEF", a, "priority", {"4": 4}) == "saved"
        assert again.workshop_participant_ratings("ACDEF", a)["value"].tolist() == [4.0]
        assert _log(again, a)["value"].tolist() == [1.0, 2.0, 3.0, 4.0]
    finally:
        again.close()


def test_migration_0010_moves_workshop_ratings_into_the_log(tmp_path):
    """A database from before 0010 with a live session's votes in ``rating`` (and an
    imported survey): after the upgrade each vote is counted once, from the log, and
    the survey's ratings stay where they were."""
    from sdg.store import migrations

    old = tmp_path / "before"
    old.mkdir()
    for m in migrations():
        if m.version < 10:
            (old / f"{m.name}.sql").write_text(m.sql)
    s = Store(tmp_path / "old.duckdb")
    s.migrate(old)
    with s.transaction() as cur:
        cur.execute("INSERT INTO rating_source (id, municipality, kind, name, scale_min,"
                    " scale_max) VALUES (1, '3203', 'survey', 'Survey', 1, 5),"
                    " (2, '3203', 'workshop', 'Live', 1, 5)")
        cur.execute("INSERT INTO respondent (id, source_id) VALUES (10, 1), (20, 2), (21, 2)")
        cur.execute("INSERT INTO workshop_session (code, source_id, subjects, axes, state,"
                    " created_by) VALUES ('ACDEF', 2, ['4', '5'], ['priority'], 'open', 'x')")
        cur.execute("INSERT INTO workshop_participant (token, code, respondent_id)"
                    " VALUES ('t-20', 'ACDEF', 20), ('t-21', 'ACDEF', 21)")
        cur.execute("INSERT INTO rating VALUES (10, '4', 'priority', 2), (20, '4', 'priority', 5),"
                    " (20, '5', 'priority', 4), (21, '4', 'priority', 1)")
    assert s.migrate()[0] == "0010_workshop_vote_log"  # (and the later ones)
    assert s.df("SELECT respondent_id, subject, value FROM rating ORDER BY ALL"
                ).values.tolist() == [[10, "4", 2.0]]
    assert s.df("SELECT respondent_id, subject, value, seq FROM workshop_vote ORDER BY ALL"
                ).values.tolist() == [[20, "4", 5.0, 0], [20, "5", 4.0, 0], [21, "4", 1.0, 0]]
    assert len(s.df("SELECT * FROM rating_current")) == 4
    # a vote after the upgrade counts over the moved one
    assert s.save_workshop_vote("ACDEF", "t-20", "priority", {"4": 3}) == "saved"
    assert s.workshop_participant_ratings("ACDEF", "t-20")["value"].tolist() == [3.0, 4.0]
    s.close()


# --------------------------------------------------------- removals (0013, issue 13)
def test_removing_a_participant_keeps_the_log_and_is_audited(store):
    a, b = _open_session(store, n=2)
    store.save_workshop_vote("ACDEF", a, "priority", {"4": 5, "5": 5})
    store.save_workshop_vote("ACDEF", b, "priority", {"4": 1})
    people = store.workshop_participants("ACDEF")
    victim = int(people.loc[people["ratings"] == 2, "respondent_id"].iat[0])
    assert store.remove_workshop_answers("ACDEF", victim, FACILITATOR) == 2
    assert store.workshop_participant_ratings("ACDEF", a).empty  # out of every count
    assert len(store.workshop_ratings(["ACDEF"])) == 1
    assert len(_log(store, a)) == 2  # … but kept in the log
    assert store.remove_workshop_answers("HJKMN", victim, FACILITATOR) == 0  # not its session
    log = store.audit_log(Actor("admin", "admin"))
    assert log["detail"].str.contains(f'"remove_participant": {victim}').any()
    store.save_workshop_vote("ACDEF", a, "priority", {"4": 3})  # a later vote counts again
    assert store.workshop_participant_ratings("ACDEF", a)["value"].tolist() == [3.0]


def test_a_viewer_cannot_remove_answers(store):
    (a,) = _open_session(store, n=1)
    with pytest.raises(PermissionError):
        store.remove_workshop_answers("ACDEF", 1, Actor("x", "viewer"))
