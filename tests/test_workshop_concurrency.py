"""300 participants vote at once against ONE file-backed Store (as all phones hit one
Streamlit process): no vote lost, none counted twice, the matrix equals the data sent."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from sdg.auth import Actor
from sdg.materiality import aggregate
from sdg.workshop import SessionSpec, create_session, join, live_ratings, open_voting, record_vote

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

    assert _run_at_once(N_PARTICIPANTS, vote) == []

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
