"""A municipality's own content: commitments, goal areas, targets, manual zero points."""

from __future__ import annotations

import pandas as pd
import pytest

from sdg.auth import ANONYMOUS, Actor, PermissionDenied
from sdg.errors import InvalidInput, NotFound
from sdg.gains import related_codes, zero_point_report

ANALYST = Actor("kari", "analyst")
BERGEN = "4601"


def test_commitments_are_added_in_order_and_retired_not_deleted(store):
    assert store.local_goals(BERGEN).empty
    first = store.add_commitment(BERGEN, 14, "Vi må ta vare på fjordene", "We must protect the fjords",
                                 actor=ANALYST)
    store.add_commitment(BERGEN, 14, "Vi må rydde strendene", actor=ANALYST)
    mine = store.local_goals(BERGEN, 14)
    assert mine["text_nb"].tolist() == ["Vi må ta vare på fjordene", "Vi må rydde strendene"]
    assert mine["text_en"].tolist()[0] == "We must protect the fjords"
    assert pd.isna(mine["text_en"].tolist()[1])
    store.retire_commitment(first, actor=ANALYST)
    assert store.local_goals(BERGEN, 14)["text_nb"].tolist() == ["Vi må rydde strendene"]
    assert store.scalar("SELECT count(*) FROM local_goal WHERE municipality = $m",
                        {"m": BERGEN}) == 2
    with pytest.raises(InvalidInput):
        store.add_commitment(BERGEN, 14, "  ", actor=ANALYST)
    with pytest.raises(NotFound):
        store.add_commitment(BERGEN, 18, "Vi må", actor=ANALYST)
    with pytest.raises(PermissionDenied):
        store.add_commitment(BERGEN, 14, "Vi må", actor=ANONYMOUS)
    assert len(store.local_goals("3203")) > 0  # Asker's seeded ones are untouched


def test_goal_areas_default_to_the_seven_and_can_be_the_municipalitys_own(store):
    default = store.goal_areas(BERGEN)
    assert len(default) == 7 and not default["own"].any()
    codes = store.copy_default_goal_areas(BERGEN, actor=ANALYST)
    assert len(codes) == 7 and codes[0] == f"{BERGEN}-1"
    with pytest.raises(InvalidInput):
        store.copy_default_goal_areas(BERGEN, actor=ANALYST)
    new = store.add_goal_area(BERGEN, "Havbyen", "The ocean city", "Sjø og næring",
                              actor=ANALYST)
    store.retire_goal_area(codes[5], actor=ANALYST)
    own = store.goal_areas(BERGEN)
    assert own["own"].all() and len(own) == 7 and own["code"].iloc[-1] == new
    assert own.set_index("code").at[new, "name_en"] == "The ocean city"
    assert len(store.goal_areas("3203")) == 7 and not store.goal_areas("3203")["own"].any()
    with pytest.raises(NotFound):
        store.retire_goal_area("tjenesteproduksjon", actor=ANALYST)  # the defaults stay


def test_targets_and_manual_zero_points_newest_counts_none_removes(store):
    store.set_indicator_target(BERGEN, "grunnskolepoeng", 44.0, 2030, "Kommuneplanen",
                               actor=ANALYST)
    store.set_indicator_target(BERGEN, "grunnskolepoeng", 45.0, 2032, actor=ANALYST)
    t = store.indicator_targets(BERGEN)
    assert t[["indicator", "target_value", "target_year"]].values.tolist() == [
        ["grunnskolepoeng", 45.0, 2032]]
    store.set_indicator_target(BERGEN, "grunnskolepoeng", None, actor=ANALYST)
    assert store.indicator_targets(BERGEN).empty
    with pytest.raises(InvalidInput):
        store.set_indicator_target(BERGEN, "grunnskolepoeng", float("inf"), 2030, actor=ANALYST)
    with pytest.raises(InvalidInput):
        store.set_indicator_target(BERGEN, "grunnskolepoeng", 44.0, None, actor=ANALYST)
    with pytest.raises(NotFound):
        store.set_indicator_target(BERGEN, "finnes_ikke", 1.0, 2030, actor=ANALYST)

    with pytest.raises(InvalidInput):  # the note is required
        store.set_manual_zero_point(BERGEN, "befolkning", 1.0, " ", actor=ANALYST)
    store.set_manual_zero_point(BERGEN, "befolkning", 1.0, "første", actor=ANALYST)
    store.set_manual_zero_point(BERGEN, "befolkning", 2.0, "Årsrapport 2019, s. 4",
                                actor=ANALYST)
    zp = store.manual_zero_points(BERGEN)
    assert zp[["indicator", "value", "note"]].values.tolist() == [
        ["befolkning", 2.0, "Årsrapport 2019, s. 4"]]
    assert store.has_own_content(BERGEN)["zero_points"] == 2


def test_the_report_uses_a_manual_zero_point_only_where_the_rules_give_none():
    ind = pd.DataFrame({"id": ["x", "y"], "name_nb": ["X", "Y"], "name_en": ["X", "Y"],
                        "unit_nb": "", "unit_en": "", "direction": [1, 1],
                        "aggregation": ["none", "sum"], "denominator": [None, None],
                        "decimals": 1, "targets": ["4.1", "4.1"], "is_demo": False})
    obs = pd.DataFrame({"municipality": "0301", "indicator": ["x", "y", "y"],
                        "year": [2022, 2019, 2022], "value": [12.0, 5.0, 6.0]})
    manual = {"x": (10.0, "Årsrapport 2019"), "y": (99.0, "skal ikke brukes")}
    rep = zero_point_report("0301", ind, obs, None, manual=manual).set_index("indicator")
    assert rep.at["x", "zero_method"] == "manual" and rep.at["x", "zero_value"] == 10.0
    assert rep.at["x", "provenance"] == "manuell verdi (2019): Årsrapport 2019"
    assert rep.at["x", "delta"] == 2.0 and rep.at["x", "status"] != "not_available"
    assert rep.at["y", "zero_method"] == "published" and rep.at["y", "zero_value"] == 5.0


def test_no_status_without_a_zero_point():
    ind = pd.DataFrame({"id": ["x"], "name_nb": ["X"], "name_en": ["X"], "unit_nb": "",
                        "unit_en": "", "direction": [1], "aggregation": ["sum"],
                        "denominator": [None], "decimals": 1, "targets": ["4.1"],
                        "is_demo": False})
    obs = pd.DataFrame({"municipality": "0301", "indicator": "x", "year": [2020, 2021],
                        "value": [5.0, 6.0]})
    row = zero_point_report("0301", ind, obs, None).iloc[0]
    # the Open SDG rule would start at 2020; a status "since 2019" needs the zero point
    assert row["zero_value"] is None and row["status"] == "not_available"
    assert row["score"] is None and row["period"] is None


def test_asker_report_with_store_tables(store):
    changes = store.municipality_changes()
    obs = store.gain_observations(related_codes("3203", changes))
    rep = zero_point_report("3203", store.indicators(), obs, changes)
    scored = rep[rep["score"].notna()]
    assert len(scored) and scored["period"].notna().all() and scored["zero_value"].notna().all()
