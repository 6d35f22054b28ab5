"""The council's decisions: life cycle by role, history, audit, and the 0011 migration."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sdg.auth import SYSTEM, Actor, PermissionDenied
from sdg.errors import InvalidInput, NotFound
from sdg.store import Store, migrations

M = "3203"
ANALYST = Actor("kari", "analyst")
SECRETARY = Actor("siri", "secretary")
MEETING = dt.date(2025, 6, 19)


def _propose(store, goals=(4, 6, 11), **kw):
    return store.save_proposal(M, goals, rationale="Fra matrisen 2025",
                               settings={"level": "goal"}, actor=ANALYST, **kw)


def test_the_seeded_adoption_is_the_decision_in_force(store):
    decision = store.adopted_decision(M)
    assert decision["goals"] == [4, 9, 11, 13, 17]
    assert decision["state"] == "adopted"
    assert decision["meeting_date"].date() == dt.date(2018, 9, 25)
    assert decision["case_number"] is None
    assert store.adopted_decision("0301") is None and store.focus_goals("0301") == []


def test_draft_proposed_adopted_supersedes_the_old_one(store):
    seeded = store.adopted_decision(M)["id"]
    draft = _propose(store, propose=False)
    assert store.focus_decision(draft)["state"] == "draft"
    store.propose(draft, actor=ANALYST)
    assert store.focus_decision(draft)["state"] == "proposed"
    assert store.focus_goals(M) == [4, 9, 11, 13, 17]  # a proposal changes nothing
    # the council adopted other goals than proposed
    old = store.adopt(draft, goals=[4, 11, 13], case_number="2025/117", meeting_date=MEETING,
                      actor=SECRETARY)
    assert old == seeded
    assert store.focus_goals(M) == [4, 11, 13]
    now = store.adopted_decision(M)
    assert (now["id"], now["case_number"], now["meeting_date"].date(), now["adopted_by"]) == \
        (draft, "2025/117", MEETING, "siri")
    assert list(now["proposed_goals"]) == [4, 6, 11]
    before = store.focus_decision(seeded)
    assert (before["state"], before["superseded_by"]) == ("superseded", draft)
    assert "2025/117" in before["end_reason"]
    steps = store.decision_history(M)
    assert steps.query("decision_id == @draft")["action"].tolist() == ["draft", "propose",
                                                                        "adopt"]
    assert steps.iloc[-1][["decision_id", "action", "state"]].tolist() == [
        seeded, "supersede", "superseded"]
    detail = json.loads(steps.query("action == 'adopt'").iloc[-1]["detail"])
    assert detail["case_number"] == "2025/117" and detail["proposed_goals"] == [4, 6, 11]
    log = store.audit_log(SYSTEM)
    assert {"decision.draft", "decision.propose", "decision.adopt",
            "decision.supersede"} <= set(log["action"])


def test_roles_an_analyst_cannot_adopt_a_secretary_cannot_propose(store):
    pid = _propose(store)
    with pytest.raises(PermissionDenied):
        store.adopt(pid, goals=[4], case_number="1", meeting_date=MEETING, actor=ANALYST)
    with pytest.raises(PermissionDenied):
        store.save_proposal(M, [4], rationale="x", settings={}, actor=SECRETARY)
    with pytest.raises(PermissionDenied):  # only the secretary (or an admin) ends an adoption
        store.withdraw(store.adopted_decision(M)["id"], reason="feil", actor=ANALYST)
    assert store.focus_decision(pid)["state"] == "proposed"
    store.adopt(pid, goals=[4], case_number="1/2025", meeting_date=MEETING,
                actor=Actor("root", "admin"))
    assert store.focus_goals(M) == [4]


def test_steps_out_of_order_and_missing_facts_are_refused(store):
    draft = _propose(store, propose=False)
    with pytest.raises(InvalidInput) as err:  # a draft is not adopted without a proposal
        store.adopt(draft, goals=[4], case_number="1", meeting_date=MEETING, actor=SECRETARY)
    assert err.value.key == "council.err.transition"
    pid = _propose(store)
    for kwargs, key in [({"case_number": " "}, "council.err.case_number"),
                        ({"meeting_date": dt.date.today() + dt.timedelta(days=1)},
                         "council.err.meeting_future"),
                        ({"goals": []}, "materiality.err.no_goals")]:
        args = {"goals": [4], "case_number": "1", "meeting_date": MEETING} | kwargs
        with pytest.raises(InvalidInput) as err:
            store.adopt(pid, actor=SECRETARY, **args)
        assert err.value.key == key
    with pytest.raises(InvalidInput):
        store.withdraw(pid, reason="  ", actor=ANALYST)
    store.withdraw(pid, reason="Ny runde med verksteder", actor=ANALYST)
    row = store.focus_decision(pid)
    assert (row["state"], row["end_reason"], row["ended_by"]) == (
        "withdrawn", "Ny runde med verksteder", "kari")
    with pytest.raises(InvalidInput):  # nothing follows a withdrawal
        store.adopt(pid, goals=[4], case_number="1", meeting_date=MEETING, actor=SECRETARY)
    with pytest.raises(NotFound):
        store.propose(9999, actor=ANALYST)
    assert store.focus_goals(M) == [4, 9, 11, 13, 17]


def test_withdrawing_the_adopted_decision_leaves_no_focus_goals_and_keeps_it(store):
    did = store.adopted_decision(M)["id"]
    store.withdraw(did, reason="Vedtaket opphevet", actor=SECRETARY)
    assert store.focus_goals(M) == [] and store.adopted_decision(M) is None
    assert store.focus_decision(did)["state"] == "withdrawn"  # nothing deleted


def test_migration_0011_adopts_the_seeded_rows_and_demotes_analysts_saves(tmp_path):
    old = tmp_path / "before"
    old.mkdir()
    for m in migrations():
        if m.version < 11:
            (old / f"{m.name}.sql").write_text(m.sql)
    s = Store(tmp_path / "old.duckdb")
    s.migrate(old)
    with s.transaction() as cur:
        cur.execute(
            "INSERT INTO focus_decision (municipality, decided_on, goals, actor) VALUES"
            " ('3203', '2018-09-25', [4, 9, 11, 13, 17], 'system'),"
            " ('3203', '2026-12-01', [1, 2, 3, 4, 5, 6, 7, 8], 'kari'),"
            " ('0301', '2019-01-01', [3], 'system'), ('0301', '2021-01-01', [3, 5], 'system')")
        cur.execute("INSERT INTO rating_source (municipality, kind, name, scale_min, scale_max)"
                    " VALUES ('3203', 'survey', 'Gammel', 1, 5)")
        cur.execute("INSERT INTO app_user (name, role) VALUES ('ola', 'analyst')")
    assert "0011_council_cycle" in s.migrate()
    assert s.focus_goals("3203") == [4, 9, 11, 13, 17]  # the analyst's row is a proposal
    states = s.focus_decisions("3203").set_index("actor")["state"].to_dict()
    assert states == {"system": "adopted", "kari": "proposed"}
    assert s.focus_goals("0301") == [3, 5]
    oslo = s.focus_decisions("0301").set_index("decided_on")["state"]
    assert oslo.tolist() == ["adopted", "superseded"]
    assert len(s.decision_history("3203")) == 2
    # the source that existed stays in the matrix; a new one is out
    assert s.rating_sources("3203")["included"].tolist() == [True]
    with s.transaction() as cur:
        cur.execute("INSERT INTO rating_source (municipality, kind, name, scale_min, scale_max)"
                    " VALUES ('3203', 'workshop', 'Ny', 1, 5)")
        cur.execute("INSERT INTO app_user (name, role) VALUES ('siri', 'secretary')")
    assert s.rating_sources("3203")["included"].tolist() == [True, False]
    assert s.scalar("SELECT role FROM app_user WHERE name = 'ola'") == "analyst"
    s.close()
