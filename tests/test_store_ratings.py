"""sdg.store.ratings: sources and ratings round-trip, atomic imports, settings, decisions."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from sdg.auth import SYSTEM, Actor
from sdg.errors import InvalidInput, NotFound
from sdg.materiality import aggregate
from sdg.survey import read_survey

ANALYST = Actor("kari", "analyst")

M = "3203"
SURVEY = "id;gruppe;SDG 4;Mål 13;11.2\n1;ungdom;5;4;3\n2;eldre;3;;2\n3;ungdom;4;5;5\n".encode()


def snapshot(store) -> tuple:
    """Row counts and a checksum of every rating table."""
    return (
        store.df("SELECT count(*) AS n, coalesce(sum(hash(id, name, kind)), 0) AS h"
                 " FROM rating_source").to_dict("records"),
        store.df("SELECT count(*) AS n, coalesce(sum(hash(id, source_id, external_id, weight)), 0)"
                 " AS h FROM respondent").to_dict("records"),
        store.df("SELECT count(*) AS n, coalesce(sum(hash(respondent_id, subject, axis, value)), 0)"
                 " AS h FROM rating").to_dict("records"),
    )


def test_seed_loads_demo_ratings_labelled_demo(store):
    sources = store.rating_sources(M)
    assert set(sources["kind"]) == {"survey", "workshop", "administration"}
    assert sources["is_demo"].all() and sources["current"].all()
    assert (sources["name"].str.startswith("Workshop sivilsamfunn")).sum() == 4
    assert store.load_demo_ratings(SYSTEM, M) == 0  # loaded once only


def test_ratings_in_aggregate_form_with_filters(store):
    feeds = store.materiality_settings()["feeds"]
    r = store.ratings(M, feeds=feeds)
    assert {"source", "respondent", "subject", "axis", "value", "scale_min", "scale_max",
            "weight", "source_kind", "group"} <= set(r.columns)
    assert set(r["subject"]) == {str(g) for g in range(1, 18)}
    assert set(r.loc[r["axis"] == "influence", "source_kind"]) == {"administration"}
    assert set(r.loc[r["axis"] == "priority", "source_kind"]) == {"survey", "workshop"}
    assert len(aggregate(r)) == 34

    t11 = store.ratings(M, level="target", goals=[11])
    assert set(t11["subject"].str.split(".").str[0]) == {"11"}
    assert t11["subject"].nunique() == 10
    survey_id = int(store.rating_sources(M).query("kind == 'survey'")["id"].iat[0])
    only = store.ratings(M, source_ids=[survey_id])
    assert set(only["source_kind"]) == {"survey"}
    youth = store.ratings(M, groups=["ungdom"])
    assert set(youth["group"]) == {"ungdom"} and set(youth["source_kind"]) == {"workshop"}


def test_import_survey_round_trip(store):
    parsed = read_survey(SURVEY, "s.csv", known_targets=store.targets()["target"])
    assert parsed.problems.empty
    sid = store.import_survey(M, parsed.ratings, name="Undersøkelse 2025", actor=Actor("ola", "analyst"),
                              file_name="s.csv", sha256="abc", detected=parsed.detected,
                              held_on=dt.date(2025, 5, 1))
    src = store.rating_sources(M).set_index("id").loc[sid]
    assert (src["kind"], src["actor"], src["respondents"], src["ratings"]) == \
        ("survey", "ola", 3, 8)
    # a new source is out of the council's matrix until an analyst includes it
    assert not src["included"] and not src["current"]
    assert store.ratings(M, source_ids=[sid]).empty
    store.set_source_included(sid, True, actor=Actor("kari", "analyst"))
    assert store.rating_sources(M).set_index("id").at[sid, "current"]
    assert json.loads(store.scalar("SELECT detected FROM rating_source WHERE id = $i",
                                   {"i": sid}))["layout"] == "wide"
    back = store.ratings(M, source_ids=[sid], level="goal")
    assert sorted(back["value"].tolist()) == [3, 4, 4, 5, 5]
    assert set(back["group"]) == {"ungdom", "eldre"}
    assert store.ratings(M, source_ids=[sid], level="target")["value"].tolist() == [3, 2, 5]


@pytest.mark.parametrize("change, key", [
    (lambda r: r.assign(value=r["value"].where(r.index != 2, 9.0)), "materiality.err.import_values"),
    (lambda r: r.assign(subject=r["subject"].where(r.index != 0, "99.9")),
     "materiality.err.import_subjects"),
    (lambda r: pd.concat([r, r.iloc[[0]]]), "materiality.err.import_duplicates"),
    (lambda r: r.iloc[0:0], "materiality.err.import_empty"),
])
def test_bad_survey_writes_nothing(store, change, key):
    parsed = read_survey(SURVEY, "s.csv")
    before = snapshot(store)
    with pytest.raises(InvalidInput) as err:
        store.import_survey(M, change(parsed.ratings), name="Dårlig", actor=Actor("ola", "analyst"))
    assert err.value.key == key
    assert snapshot(store) == before


def test_failure_inside_the_transaction_rolls_everything_back(store, monkeypatch):
    """The source and respondents are written before the ratings: a failure there must
    take them back too."""
    parsed = read_survey(SURVEY, "s.csv")
    before = snapshot(store)

    def broken(self, cur, source_id, frame):
        raise InvalidInput("materiality.err.import_incomplete", written=0, total=len(frame))

    monkeypatch.setattr(type(store), "_insert_ratings", broken)
    with pytest.raises(InvalidInput):
        store.import_survey(M, parsed.ratings, name="Halv", actor=Actor("ola", "analyst"))
    assert snapshot(store) == before


def test_source_name_must_be_new(store):
    parsed = read_survey(SURVEY, "s.csv")
    store.import_survey(M, parsed.ratings, name="A", actor=Actor("ola", "analyst"))
    before = snapshot(store)
    with pytest.raises(InvalidInput, match="allerede"):
        store.import_survey(M, parsed.ratings, name="A", actor=Actor("ola", "analyst"))
    assert snapshot(store) == before


def test_assessment_versions_latest_is_used(store):
    old = store.assessment(M).set_index("subject")["value"]
    assert len(old) == 17 + 169
    sid = store.save_assessment(M, pd.DataFrame({"subject": ["4", "11", "11.1"],
                                                 "value": [2.0, 5.0, None]}), actor=Actor("kari", "analyst"))
    sources = store.rating_sources(M)
    admin = sources[sources["kind"] == "administration"].set_index("id")["current"]
    assert len(admin) == 2 and not admin[sid] and admin.drop(sid).all()  # not yet included
    store.set_source_included(sid, True, actor=Actor("kari", "analyst"))
    admin = store.rating_sources(M).query("kind == 'administration'").set_index("id")["current"]
    assert admin[sid] and not admin.drop(sid).any()  # the newest included version counts
    assert store.assessment(M).set_index("subject")["value"].to_dict() == {"4": 2.0, "11": 5.0}
    infl = store.ratings(M, feeds={"influence": ["administration"]})
    assert sorted(infl["subject"].unique()) == ["11", "4"]
    with pytest.raises(InvalidInput):
        store.save_assessment(M, pd.DataFrame({"subject": ["4"], "value": [6.0]}), actor=Actor("kari", "analyst"))


def test_settings_defaults_and_save(store):
    s = store.materiality_settings()
    assert (s["x_axis"], s["y_axis"], s["threshold"]["method"]) == ("influence", "priority",
                                                                    "median")
    saved = store.save_materiality_settings({"threshold": {"method": "fixed", "x": 0.6},
                                             "axis_names": {"priority": {"nb": "Viktighet"}}},
                                            ANALYST)
    assert saved["threshold"] == {"method": "fixed", "x": 0.6, "y": 0.5}
    assert store.materiality_settings() == saved
    with pytest.raises(InvalidInput):
        store.save_materiality_settings({"threshold": {"method": "mode"}}, ANALYST)


def test_a_proposal_saves_goals_rationale_settings_and_who_but_sets_no_focus(store):
    view = {"level": "goal", "weights": {"1": 2.0},
            "threshold": {"method": "mean", "x": 0.5, "y": 0.5}}
    did = store.save_proposal(M, [13, 4, 11], rationale="Matrisen 2025", settings=view,
                              actor=Actor("ordfører", "analyst"))
    row = store.focus_decisions(M).set_index("id").loc[did]
    assert list(row["goals"]) == [4, 11, 13] and row["state"] == "proposed"
    assert (row["rationale_nb"], row["actor"], row["proposed_by"]) == \
        ("Matrisen 2025", "ordfører", "ordfører")
    assert store.decision_settings(did) == view
    assert store.focus_goals(M) == [4, 9, 11, 13, 17]  # the adopted decision still holds
    seeded = store.focus_decisions(M).query("id != @did")["id"].iat[0]
    assert store.decision_settings(int(seeded)) is None
    with pytest.raises(InvalidInput):
        store.save_proposal(M, [], rationale="x", settings={}, actor=Actor("a", "analyst"))
    with pytest.raises(NotFound):
        store.save_proposal(M, [18], rationale="x", settings={}, actor=Actor("a", "analyst"))
    with pytest.raises(NotFound):
        store.decision_settings(9999)


def test_sources_are_keyed_by_id_two_workshops_of_one_name_stay_two(store):
    analyst = Actor("kari", "analyst")
    frame = pd.DataFrame({"respondent": ["a", "b"], "subject": ["6", "6"],
                          "axis": "priority", "value": [5.0, 5.0], "scale_min": 1.0,
                          "scale_max": 5.0})
    first = store.import_survey(M, frame, name="Verksted", kind="workshop", actor=analyst)
    with store.transaction() as cur:  # a second source of the same name (a live session)
        second = store._write_source(cur, M, "workshop", "Verksted", frame.assign(value=1.0),
                                     scale=(1.0, 5.0), actor="kari", included=True)
    store.set_source_included(first, True, actor=analyst)
    r = store.ratings(M, source_ids=[first, second])
    assert sorted(r["source"].unique()) == sorted([str(first), str(second)])
    assert set(r["source_name"]) == {"Verksted"}
    from sdg.materiality import aggregate
    stats = aggregate(r, None)
    row = stats[(stats["subject"] == "6") & (stats["axis"] == "priority")].iloc[0]
    assert row["n_sources"] == 2  # not merged into one source


def test_inclusion_is_audited(store):
    analyst = Actor("kari", "analyst")
    store.set_source_included(2, False, actor=analyst)
    assert not store.rating_sources(M).set_index("id").at[2, "current"]
    entry = store.audit_log(Actor("a", "admin")).iloc[0]
    assert entry["action"] == "sources.include" and json.loads(entry["detail"])["source_id"] == 2
    with pytest.raises(NotFound):
        store.set_source_included(9999, True, actor=analyst)


def test_notes_round_trip(store):
    store.save_note(M, "11.2", "challenge", "Kollektivtilbudet i Hurum", actor=Actor("per", "analyst"))
    store.save_note(M, "11.2", "opportunity", "Fjordbyen", actor=Actor("per", "analyst"))
    store.save_note(M, "11.3", "opportunity", "Medvirkning", actor=Actor("per", "analyst"))
    notes = store.notes(M, ["11.2"])
    assert notes[["kind", "text"]].values.tolist() == [
        ["challenge", "Kollektivtilbudet i Hurum"], ["opportunity", "Fjordbyen"]]
    assert len(store.notes(M)) == 3
    with pytest.raises(InvalidInput):
        store.save_note(M, "11.2", "idea", "x", actor=Actor("per", "analyst"))
    with pytest.raises(InvalidInput):
        store.save_note(M, "11.2", "challenge", "  ", actor=Actor("per", "analyst"))
