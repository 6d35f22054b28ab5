"""300 participants vote at once against ONE file-backed Store (as all phones hit one
Streamlit process): no vote lost, none counted twice, the matrix equals the data sent."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from sdg.auth import Actor
from sdg.materiality import aggregate
from sdg.workshop import (
    SessionSpec,
    close_voting,
    create_session,
    join,
    live_ratings,
    open_voting,
    record_vote,
)

FACILITATOR = Actor("tester", "facilitator")

N_PARTICIPANTS = 300
GOALS = [str(g) for g in range(1, 18)]


def _run_at_once(n: int, work) -> list[BaseException]:
    """Run ``work(i)`` for i < n in n threads released together; return their errors."""
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            work(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_300_participants_at_once_lose_nothing_and_count_nothing_twice(store):
    assert store.path != ":memory:"
    code = create_session(store, "3203", SessionSpec("Storsal", tuple(GOALS)), FACILITATOR)
    open_voting(store, code, FACILITATOR)
    rng = np.random.default_rng(6)
    first = rng.integers(1, 6, size=(N_PARTICIPANTS, len(GOALS)))
    changes = rng.integers(1, 6, size=(N_PARTICIPANTS, len(GOALS)))
    changers = set(range(0, N_PARTICIPANTS, 3))  # every third changes some answers

    tokens: list[str | None] = [None] * N_PARTICIPANTS
    assert _run_at_once(N_PARTICIPANTS, lambda i: tokens.__setitem__(i, join(store, code))) == []

    def vote(i: int) -> None:
        record_vote(store, code, tokens[i], dict(zip(GOALS, first[i].tolist(), strict=True)),
                    "priority")
        if i in changers:  # change goals 1–8, keep the rest
            record_vote(store, code, tokens[i],
                        dict(zip(GOALS[:8], changes[i, :8].tolist(), strict=True)), "priority")

    before = store.workshop_vote_stats()
    assert _run_at_once(N_PARTICIPANTS, vote) == []
    stats = store.workshop_vote_stats()
    submitted = N_PARTICIPANTS + len(changers)
    assert stats["submissions"] - before["submissions"] == submitted
    assert stats["batches"] - before["batches"] < submitted  # group commit did group
    assert stats["fallbacks"] == 0

    final = first.copy()
    for i in changers:
        final[i, :8] = changes[i, :8]
    respondent = [store.workshop_participant(t)["respondent_id"] for t in tokens]
    expected = pd.DataFrame({
        "source": code, "respondent": np.repeat(respondent, len(GOALS)),
        "subject": GOALS * N_PARTICIPANTS, "axis": "priority",
        "value": final.ravel().astype(float), "scale_min": 1.0, "scale_max": 5.0})

    stored = live_ratings(store, code)
    assert len(stored) == N_PARTICIPANTS * len(GOALS)
    assert not stored.duplicated(["respondent", "subject", "axis"]).any()
    # the log holds every submitted rating, the changed ones too
    assert store.scalar(
        "SELECT count(*) FROM workshop_vote WHERE list_contains($r, respondent_id)",
        {"r": respondent}) == N_PARTICIPANTS * len(GOALS) + len(changers) * 8
    assert stored["respondent"].nunique() == N_PARTICIPANTS
    merged = expected.merge(stored, on=["respondent", "subject", "axis"], suffixes=("", "_db"))
    assert len(merged) == len(expected)
    assert (merged["value"] == merged["value_db"]).all()
    pd.testing.assert_frame_equal(aggregate(stored), aggregate(expected), check_exact=False,
                                  rtol=1e-12)


@pytest.mark.parametrize("n", [40])
def test_the_same_participant_sending_from_two_tabs_at_once(store, n):
    """Replays and changes of one participant racing each other: one rating per item."""
    code = create_session(store, "3203", SessionSpec("Faner", tuple(GOALS)), FACILITATOR)
    open_voting(store, code, FACILITATOR)
    token = join(store, code)
    votes = [{g: 1 + (i % 2) * 4 for g in GOALS} for i in range(n)]  # two distinct ballots
    errors = _run_at_once(n, lambda i: record_vote(store, code, token, votes[i], "priority"))
    assert all(getattr(e, "key", "") == "workshop.err.too_fast" for e in errors)
    stored = live_ratings(store, code)
    assert len(stored) == len(GOALS) and stored["value"].nunique() == 1
    # the vote path remembers the ballot written last, whichever tab's call woke first:
    # re-sending it is a replay, the other ballot is a change
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=1)
    in_db = {g: float(stored["value"].iloc[0]) for g in GOALS}
    other = {g: 6.0 - v for g, v in in_db.items()}
    assert record_vote(store, code, token, in_db, "priority", now=later).status == "replay"
    assert record_vote(store, code, token, other, "priority", now=later).status == "saved"


def test_closing_during_a_burst_keeps_every_submission_whole(store):
    """The facilitator closes voting while 150 phones submit over 150 ms: each
    submission is stored with all its ratings or refused with none; counts agree."""
    n = 150
    code = create_session(store, "3203", SessionSpec("Stenger", tuple(GOALS)), FACILITATOR)
    open_voting(store, code, FACILITATOR)
    tokens = [join(store, code) for _ in range(n)]
    saved: list[int] = []

    def work(i: int) -> None:
        if i == n:  # the facilitator: close once a third have been stored
            deadline = time.monotonic() + 30
            while len(saved) < n // 3:
                assert time.monotonic() < deadline
                time.sleep(0.0005)
            close_voting(store, code, FACILITATOR)
            return
        time.sleep(i * 0.001)  # arrivals over 150 ms: several batches
        record_vote(store, code, tokens[i], {g: 1 + (i + k) % 5 for k, g in enumerate(GOALS)},
                    "priority")
        saved.append(i)

    errors = _run_at_once(n + 1, work)
    assert all(getattr(e, "key", "") == "workshop.err.closed" for e in errors)
    assert len(saved) + len(errors) == n and len(saved) >= n // 3
    stored = live_ratings(store, code)
    per_participant = stored.groupby("respondent").size()
    assert set(per_participant) <= {len(GOALS)}  # nobody half stored
    assert len(per_participant) == len(saved)
    respondent = {store.workshop_participant(tokens[i])["respondent_id"] for i in saved}
    assert set(per_participant.index) == respondent
