"""sdg.workshop: session life cycle, joining, votes, changes, replays, the rate limit."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from sdg.auth import Actor
from sdg.errors import InvalidInput, NotFound
from sdg.workshop import (
    CODE_ALPHABET,
    RATE_LIMIT,
    SessionSpec,
    close_voting,
    counts,
    create_session,
    join,
    live_ratings,
    my_ratings,
    normalise_code,
    open_voting,
    ranking,
    record_vote,
    reset_session,
    session,
    show_results,
    subjects_for,
)

FACILITATOR = Actor("tester", "facilitator")

GOALS = subjects_for(None)
T0 = datetime(2026, 3, 5, 18, 0, 0)


@pytest.fixture
def code(store):
    """An open session on the 17 goals, both axes, scale 1–5 with labels."""
    spec = SessionSpec("Verksted ungdom", GOALS, ("priority", "influence"), group="ungdom",
                       scale_labels=("Svært lav", "Lav", "Middels", "Høy", "Svært høy"))
    c = create_session(store, "3203", spec, FACILITATOR)
    open_voting(store, c, FACILITATOR)
    return c


def test_life_cycle_draft_open_closed_reopen(store):
    c = create_session(store, "3203", SessionSpec("V", GOALS), FACILITATOR)
    assert set(c) <= set(CODE_ALPHABET) and len(c) == 5
    s = session(store, c)
    assert (s["state"], s["axes"], s["scale_min"], s["scale_max"]) == ("draft", ["priority"], 1, 5)
    assert store.scalar("SELECT kind FROM rating_source WHERE id = $i", {"i": s["source_id"]}) \
        == "workshop"
    open_voting(store, c, FACILITATOR)
    assert session(store, c)["state"] == "open"
    close_voting(store, c, FACILITATOR)
    assert session(store, c)["state"] == "closed"
    open_voting(store, c, FACILITATOR)  # reopening is allowed
    show_results(store, c, True, FACILITATOR)
    assert session(store, c)["show_results"] is True


def test_draft_cannot_be_closed_and_archived_cannot_be_opened(store):
    c = create_session(store, "3203", SessionSpec("V", GOALS), FACILITATOR)
    with pytest.raises(InvalidInput) as err:
        close_voting(store, c, FACILITATOR)
    assert err.value.key == "workshop.err.bad_transition"
    reset_session(store, c, FACILITATOR)
    with pytest.raises(InvalidInput):
        open_voting(store, c, FACILITATOR)


def test_vote_is_stored_as_ratings_of_the_workshop_source(store, code):
    token = join(store, code)
    result = record_vote(store, code, token, {"4": 5, "13": 4, "1": None}, "priority")
    assert (result.status, result.n_ratings) == ("saved", 2)
    r = live_ratings(store, code)
    assert sorted(zip(r["subject"], r["value"], strict=True)) == [("13", 4.0), ("4", 5.0)]
    assert counts(r) == {"participants": 1, "ratings": 2}
    # a trial session is out of the council's matrix until an analyst includes it …
    source_id = session(store, code)["source_id"]
    assert source_id not in set(store.ratings("3203")["source_id"])
    store.set_source_included(source_id, True, actor=Actor("kari", "analyst"))
    # … then the materiality page's query sees them as a workshop source, with the group
    all_ratings = store.ratings("3203")
    mine = all_ratings[all_ratings["source_id"] == source_id]
    assert len(mine) == 2 and set(mine["source_kind"]) == {"workshop"}
    assert set(mine["group"]) == {"ungdom"}
    close_voting(store, code, FACILITATOR)  # a finished session still counts
    assert len(store.ratings("3203").query("source_id == @mine.source_id.iloc[0]")) == 2
    assert store.rating_sources("3203").set_index("id").loc[
        session(store, code)["source_id"], "current"]


def test_change_of_vote_replaces_the_earlier_rating(store, code):
    token = join(store, code)
    record_vote(store, code, token, {"4": 2, "13": 3}, "priority", now=T0)
    record_vote(store, code, token, {"4": 5}, "priority", now=T0 + timedelta(seconds=1))
    assert my_ratings(store, code, token) == {"priority": {"13": 3.0, "4": 5.0}}
    assert len(live_ratings(store, code)) == 2  # no double count


def test_both_axes_are_kept_apart(store, code):
    token = join(store, code)
    record_vote(store, code, token, {"4": 5}, "priority")
    record_vote(store, code, token, {"4": 1}, "influence")
    assert my_ratings(store, code, token) == {"influence": {"4": 1.0}, "priority": {"4": 5.0}}
    with pytest.raises(InvalidInput) as err:  # two axes: the axis must be named
        record_vote(store, code, token, {"4": 3})
    assert err.value.key == "workshop.err.bad_axis"


def test_replayed_submission_is_idempotent_and_not_rate_limited(store, code):
    token = join(store, code)
    vote = {g: 3 for g in GOALS}
    assert record_vote(store, code, token, vote, "priority", now=T0).status == "saved"
    for i in range(RATE_LIMIT + 3):  # replays within the window: no write, no limit
        again = record_vote(store, code, token, dict(reversed(vote.items())), "priority",
                            now=T0 + timedelta(seconds=0.1 * i))
        assert again.status == "replay"
    assert len(live_ratings(store, code)) == 17
    # A then B then A again: the second A is a change back, not a replay
    record_vote(store, code, token, {"4": 5}, "priority", now=T0 + timedelta(seconds=1))
    back = record_vote(store, code, token, vote, "priority", now=T0 + timedelta(seconds=2))
    assert back.status == "saved" and my_ratings(store, code, token)["priority"]["4"] == 3


def test_rate_limit_per_participant(store, code):
    token, other = join(store, code), join(store, code)
    for i in range(RATE_LIMIT):
        record_vote(store, code, token, {"4": 1 + i % 5}, "priority",
                    now=T0 + timedelta(seconds=i))
    with pytest.raises(InvalidInput) as err:
        record_vote(store, code, token, {"4": 3, "5": 2}, "priority",
                    now=T0 + timedelta(seconds=RATE_LIMIT))
    assert err.value.key == "workshop.err.too_fast"
    assert my_ratings(store, code, token)["priority"] == {"4": float(1 + (RATE_LIMIT - 1) % 5)}
    # another participant is not affected, and the first may vote again after the window
    record_vote(store, code, other, {"4": 3}, "priority", now=T0 + timedelta(seconds=RATE_LIMIT))
    later = record_vote(store, code, token, {"4": 3, "5": 2}, "priority",
                        now=T0 + timedelta(seconds=RATE_LIMIT + 11))
    assert later.status == "saved"


def test_closed_session_refuses_votes_and_new_participants(store, code):
    token = join(store, code)
    record_vote(store, code, token, {"4": 5}, "priority")
    close_voting(store, code, FACILITATOR)
    with pytest.raises(InvalidInput) as err:
        record_vote(store, code, token, {"4": 1}, "priority")
    assert err.value.key == "workshop.err.closed"
    with pytest.raises(InvalidInput) as err:
        join(store, code)
    assert err.value.key == "workshop.err.closed"
    assert join(store, code, token) == token  # a known participant may come back to look
    assert my_ratings(store, code, token) == {"priority": {"4": 5.0}}


def test_draft_session_refuses_votes(store):
    c = create_session(store, "3203", SessionSpec("V", GOALS), FACILITATOR)
    token = join(store, c)
    with pytest.raises(InvalidInput) as err:
        record_vote(store, c, token, {"4": 1})
    assert err.value.key == "workshop.err.not_open"


def test_unknown_code_and_unknown_participant(store, code):
    with pytest.raises(NotFound) as err:
        session(store, "KKKKK")
    assert err.value.key == "workshop.err.unknown_code"
    with pytest.raises(InvalidInput):
        join(store, "0000")  # not even a code
    with pytest.raises(NotFound):
        record_vote(store, code, "not-a-participant", {"4": 1}, "priority")
    other = create_session(store, "3203", SessionSpec("B", GOALS), FACILITATOR)
    open_voting(store, other, FACILITATOR)
    stranger = join(store, other)
    with pytest.raises(NotFound):  # a token of another session
        record_vote(store, code, stranger, {"4": 1}, "priority")
    assert join(store, code, stranger) != stranger


@pytest.mark.parametrize("value", [0, 6, 2.5, "x", float("nan")])
def test_out_of_scale_value_is_refused_and_nothing_is_stored(store, code, value):
    token = join(store, code)
    with pytest.raises(InvalidInput) as err:
        record_vote(store, code, token, {"4": 3, "5": value}, "priority")
    assert err.value.key == "workshop.err.out_of_scale"
    assert live_ratings(store, code).empty


def test_unknown_subject_and_empty_vote(store, code):
    token = join(store, code)
    with pytest.raises(InvalidInput) as err:
        record_vote(store, code, token, {"11.2": 3}, "priority")
    assert err.value.key == "workshop.err.unknown_subject"
    with pytest.raises(InvalidInput) as err:
        record_vote(store, code, token, {"4": None}, "priority")
    assert err.value.key == "workshop.err.empty_vote"


def test_reset_archives_and_makes_a_fresh_session(store, code):
    token = join(store, code)
    record_vote(store, code, token, {"4": 5}, "priority")
    new = reset_session(store, code, FACILITATOR)
    old = session(store, code)
    assert (old["state"], old["replaced_by"]) == ("archived", new)
    fresh = session(store, new)
    assert fresh["state"] == "draft" and fresh["source_id"] != old["source_id"]
    assert (fresh["name"], fresh["axes"], fresh["grp"], fresh["scale_labels"]) == (
        old["name"], old["axes"], old["grp"], old["scale_labels"])
    assert len(live_ratings(store, code)) == 1  # nothing deleted
    assert live_ratings(store, new).empty
    # … but a session reset as a mistake no longer counts in the matrix
    sources = store.rating_sources("3203").set_index("id")
    assert not sources.loc[old["source_id"], "current"]
    assert sources.loc[old["source_id"], "ratings"] == 1
    assert old["source_id"] not in set(store.ratings("3203")["source_id"])
    with pytest.raises(InvalidInput) as err:
        join(store, code)
    assert err.value.key == "workshop.err.archived" and new in err.value.message("en")
    with pytest.raises(InvalidInput):
        reset_session(store, code, FACILITATOR)


def test_targets_session_and_custom_scale(store):
    subjects = subjects_for([11], store.targets())
    assert subjects[0] == "11.1" and len(subjects) == 10
    c = create_session(store, "3203", SessionSpec("Mål 11", subjects, ("influence",),
                                                  scale_min=0, scale_max=10), FACILITATOR)
    open_voting(store, c, FACILITATOR)
    token = join(store, c)
    record_vote(store, c, token, {"11.2": 10, "11.a": 0})
    with pytest.raises(InvalidInput):
        record_vote(store, c, token, {"4": 3})


@pytest.mark.parametrize("spec, key", [
    (SessionSpec(" ", GOALS), "workshop.err.no_name"),
    (SessionSpec("V", ()), "workshop.err.no_subjects"),
    (SessionSpec("V", ("99.x",)), "workshop.err.bad_subject"),
    (SessionSpec("V", GOALS, ("size",)), "workshop.err.bad_axes"),
    (SessionSpec("V", GOALS, ()), "workshop.err.bad_axes"),
    (SessionSpec("V", GOALS, scale_min=5, scale_max=1), "workshop.err.bad_scale"),
    (SessionSpec("V", GOALS, scale_labels=("a", "b")), "workshop.err.bad_labels"),
])
def test_invalid_specs(store, spec, key):
    with pytest.raises(InvalidInput) as err:
        create_session(store, "3203", spec, FACILITATOR)
    assert err.value.key == key


def test_normalise_code_accepts_what_people_type():
    assert normalise_code("k7m 4p") == "K7M4P"
    with pytest.raises(InvalidInput):
        normalise_code("K7M4O")  # O is not in the alphabet (looks like 0)


def test_ranking_orders_each_axis_and_breaks_ties_in_un_order():
    r = pd.DataFrame({"source": "W", "respondent": [1, 1, 1, 1], "subject": ["13", "4", "2", "4"],
                      "axis": ["priority", "priority", "priority", "influence"],
                      "value": [4, 4, 1, 2], "scale_min": 1, "scale_max": 5})
    rk = ranking(r)
    assert rk[["axis", "subject", "rank"]].values.tolist() == [
        ["priority", "4", 1], ["priority", "13", 2], ["priority", "2", 3], ["influence", "4", 1]]
    assert ranking(r.iloc[:0]).empty


def test_checks_run_before_the_write_queue(store, code):
    """Scale, rate limit and replays are settled in the caller's thread: what they
    refuse never reaches the store's group commit."""
    token = join(store, code)
    before = store.workshop_vote_stats()["submissions"]
    with pytest.raises(InvalidInput):
        record_vote(store, code, token, {"4": 9}, "priority", now=T0)
    for i in range(RATE_LIMIT):
        record_vote(store, code, token, {"4": 1 + i}, "priority",
                    now=T0 + timedelta(seconds=0.1 * i))
    assert record_vote(store, code, token, {"4": RATE_LIMIT}, "priority",
                       now=T0 + timedelta(seconds=1)).status == "replay"
    with pytest.raises(InvalidInput) as err:
        record_vote(store, code, token, {"4": 1, "5": 1}, "priority",
                    now=T0 + timedelta(seconds=1))
    assert err.value.key == "workshop.err.too_fast"
    assert store.workshop_vote_stats()["submissions"] - before == RATE_LIMIT
