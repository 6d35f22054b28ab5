"""sdg.store.benefits: the seeded demo plan, atomic saves, the change log."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg.auth import Actor
from sdg.baseline import zero_point
from sdg.benefits import BenefitChanges, diff, validate
from sdg.errors import NotFound

TABLES = ("benefit", "benefit_target", "benefit_history")


def snapshot(store) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of each benefit table."""
    out = {}
    for table in TABLES:
        out[table] = store.df(
            f"SELECT count(*) AS n, coalesce(bit_xor(hash(t::VARCHAR)), 0) AS h FROM {table} t"
        ).iloc[0].tolist()
    return out


def new_record(**changes) -> dict:
    rec = {"id": None, "goal_area": "klima_miljo", "name": "Flere elbiler", "kind": "others",
           "disbenefit": False, "targets": "13.2", "indicator": "demo_klimagass",
           "zero_value": 180400.0, "zero_date": dt.date(2019, 12, 31),
           "target_value": 150000.0, "target_date": dt.date(2027, 12, 31),
           "owner": "Klimasjef", "status_note": "Ny"}
    return rec | changes


def changes(inserts=(), updates=(), deletes=()) -> BenefitChanges:
    return BenefitChanges(pd.DataFrame(list(inserts)), pd.DataFrame(list(updates)),
                          list(deletes))


# ---------------------------------------------------------------- the demo plan
def test_demo_plan_of_asker_covers_the_seven_goal_areas(store):
    plan = store.benefits("3203")
    assert len(plan) == 12
    per_area = plan.groupby("goal_area").size()
    assert set(per_area.index) == set(store.goal_areas()["code"])
    assert per_area.between(1, 3).all()
    assert plan["is_demo"].all()
    assert set(plan["kind"]) == {"efficiency", "quality", "others"}
    assert plan["disbenefit"].sum() == 1
    goals = {int(t.split(".")[0]) for ts in plan["targets"] for t in ts.split(", ")}
    assert {4, 9, 11, 13, 17} <= goals
    assert store.benefits("0301").empty


def test_the_exit_points_benefit_uses_the_computed_merger_baseline(store):
    plan = store.benefits("3203").set_index("indicator")
    row = plan.loc["grunnskolepoeng"]
    assert (row.zero_value, row.target_value) == (43.09, 44.5)
    assert row.zero_date.year == 2019 and row.target_date.year == 2030
    # the zero point is the pupil-weighted mean of Asker, Røyken and Hurum 2018-19:
    # (43.6·751 + 42.5·256 + 41.0·112) / 1119 = 43.0862 → 43.09
    olds = ["0220", "0627", "0628"]
    zp = zero_point("3203", store.observations("grunnskolepoeng", olds),
                    store.municipality_changes(), rule="weighted",
                    denominators=store.observations("elever_10_trinn", olds))
    assert round(zp.value, 2) == 43.09


def test_demo_indicators_and_their_zero_points(store):
    ind = store.indicators().set_index("id")
    plan = store.benefits("3203")
    demo = plan[plan["indicator"].str.startswith("demo_")]
    assert ind.loc[demo["indicator"].unique(), "is_demo"].all()
    assert (ind.loc[demo["indicator"].unique(), "direction"] != 0).all()
    assert ind.at["demo_klimagass", "direction"] == -1
    assert ind.at["demo_sykefravaer", "direction"] == -1
    # every demo zero point is the 3203 figure of 2019 in the demo observations
    for row in demo.itertuples():
        obs = store.observations(row.indicator, ["3203"]).set_index("year")["value"]
        assert obs[2019] == row.zero_value, row.indicator
        assert obs.index.min() == 2015 and obs.index.max() in (2023, 2024)
    # the demo figures came in a batch of their own, marked demo
    batches = store.df("SELECT file_name, is_demo FROM import_batch ORDER BY id")
    assert batches.values.tolist()[-1] == ["data/seed/demo_observations.csv", True]
    # emissions of the three old municipalities add up to new Asker's 2019 figure
    co2 = store.observations("demo_klimagass", ["0220", "0627", "0628"])
    assert co2[co2.year == 2019]["value"].sum() == 180400


def test_the_demo_plan_passes_validation(store):
    problems = validate(store.benefits("3203"), store.indicators(), store.targets(),
                        store.goal_areas())
    assert problems.empty


def test_every_seeded_benefit_has_its_first_version(store):
    history = store.benefit_history(1)
    assert history[["changed_by", "action"]].values.tolist() == [["system", "insert"]]
    assert history.at[0, "name"] == "Bedre læringsresultater i grunnskolen"
    assert history.at[0, "targets"] == "4.1, 4.5"


# ---------------------------------------------------------------- saving
def test_save_inserts_updates_and_deletes_with_history(store):
    before = store.benefits("3203")
    edited = before.copy()
    edited.loc[edited.id == 2, "status_note"] = "Forsinket"
    edited = edited[edited.id != 12]
    edited = pd.concat([edited, pd.DataFrame([new_record()])], ignore_index=True)
    result = store.save_benefits("3203", diff(before, edited), Actor("anna@asker.kommune.no", "analyst"))
    assert result == {"inserted": 1, "updated": 1, "deleted": 1}

    after = store.benefits("3203").set_index("id")
    assert len(after) == 12 and 12 not in after.index
    assert after.at[2, "status_note"] == "Forsinket"
    assert after.at[2, "updated_by"] == "anna@asker.kommune.no"
    new_id = after.index.max()
    assert after.at[new_id, "name"] == "Flere elbiler" and not after.at[new_id, "is_demo"]
    assert after.at[new_id, "targets"] == "13.2"

    log = store.df("SELECT benefit_id, action, changed_by FROM benefit_history"
                   " WHERE changed_by <> 'system' ORDER BY benefit_id")
    assert log.values.tolist() == [[2, "update", "anna@asker.kommune.no"],
                                   [12, "delete", "anna@asker.kommune.no"],
                                   [new_id, "insert", "anna@asker.kommune.no"]]
    # a deleted benefit stays listable with its log
    assert 12 in store.benefits_ever("3203")["id"].tolist()
    assert store.benefit_history(12)["action"].tolist() == ["delete", "insert"]


def test_history_keeps_every_version_newest_first(store):
    for who, note in (("anna", "Versjon 2"), ("per", "Versjon 3")):
        before = store.benefits("3203")
        edited = before.copy()
        edited.loc[edited.id == 1, ["status_note", "target_value"]] = [note, 44.8]
        store.save_benefits("3203", diff(before, edited), Actor(who, "analyst"))
    history = store.benefit_history(1)
    assert history["changed_by"].tolist() == ["per", "anna", "system"]
    assert history["action"].tolist() == ["update", "update", "insert"]
    assert history["status_note"].tolist()[:2] == ["Versjon 3", "Versjon 2"]
    assert history["target_value"].tolist() == [44.8, 44.8, 44.5]
    assert history["changed_at"].is_monotonic_decreasing


def test_targets_are_replaced_on_update(store):
    before = store.benefits("3203")
    edited = before.copy()
    edited.loc[edited.id == 1, "targets"] = "4.2, 4.1, 4.6"
    store.save_benefits("3203", diff(before, edited), Actor("anna", "analyst"))
    assert store.benefits("3203").set_index("id").at[1, "targets"] == "4.1, 4.2, 4.6"
    assert store.scalar("SELECT count(*) FROM benefit_target WHERE benefit_id = 1") == 3


@pytest.mark.parametrize("bad", [
    {"targets": "13.2, 99.9"},                     # unknown target (foreign key)
    {"indicator": "no_such_indicator"},            # unknown indicator (foreign key)
    {"target_date": dt.date(2010, 1, 1)},          # date check constraint
    {"goal_area": "nowhere"},                      # unknown goal area
])
def test_a_failing_row_leaves_every_benefit_table_unchanged(store, bad):
    """Save is atomic: one good update, one good insert, then a bad insert."""
    snap = snapshot(store)
    before = store.benefits("3203")
    edited = before.copy()
    edited.loc[edited.id == 1, "status_note"] = "Skal ikke lagres"
    good, broken = new_record(name="God"), new_record(name="Dårlig", **bad)
    ch = diff(before, pd.concat([edited, pd.DataFrame([good, broken])], ignore_index=True))
    with pytest.raises(duckdb.Error):
        store.save_benefits("3203", ch, Actor("anna", "analyst"))
    assert snapshot(store) == snap
    assert store.benefits("3203").set_index("id").at[1, "status_note"] != "Skal ikke lagres"


def test_a_benefit_of_another_municipality_cannot_be_changed(store):
    snap = snapshot(store)
    row = store.benefits("3203").iloc[[0]].assign(status_note="Kapret")
    with pytest.raises(NotFound) as err:
        store.save_benefits("0301", changes(inserts=[new_record()], updates=row.to_dict(
            "records")), Actor("mallory", "analyst"))
    assert err.value.key == "benefits.err.not_in_plan"
    with pytest.raises(NotFound):
        store.save_benefits("0301", changes(deletes=[1]), Actor("mallory", "analyst"))
    assert snapshot(store) == snap


def test_history_of_an_unknown_benefit(store):
    with pytest.raises(NotFound):
        store.benefit_history(9999)


@settings(max_examples=8, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab'\";-- )(*%_\\DROP TABLE benefit æøå")),
                    min_size=1, max_size=30).filter(str.strip))
def test_hostile_text_is_stored_verbatim(seeded_db, tmp_path_factory, text):
    import shutil

    from sdg.store import open_store

    path = tmp_path_factory.mktemp("hostile") / "h.duckdb"
    shutil.copy(seeded_db, path)
    s = open_store(path)
    try:
        rec = new_record(name=text.strip(), owner=text.strip(), actions=text)
        s.save_benefits("3203", changes(inserts=[rec]), Actor(text, "analyst"))
        plan = s.benefits("3203")
        assert plan["name"].tolist()[-1] == text.strip() or text.strip() in plan["name"].tolist()
        assert s.counts()["goal"] == 17 and len(plan) == 13
        assert s.scalar("SELECT count(*) FROM benefit_history WHERE changed_by = $a",
                        {"a": text}) == 1
    finally:
        s.close()


def test_observations_for_the_owner_view(store):
    obs = store.benefit_observations(["3203", "3025"], ["grunnskolepoeng", "demo_klimagass"])
    assert set(obs["indicator"]) == {"grunnskolepoeng", "demo_klimagass"}
    gsp = obs[obs.indicator == "grunnskolepoeng"]
    assert set(gsp["municipality"]) == {"3025"}  # exit points of new Asker are under 3025
    assert store.benefit_observations(["3203"], []).empty
