"""sdg.store.workshops: the SQL of sessions, participants and votes."""

from __future__ import annotations

from sdg.auth import Actor
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
