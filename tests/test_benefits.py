"""sdg.benefits: the record schema, validation rules, diff, the benefit map, owner view."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg.benefits import (
    FIELDS,
    benefit_map,
    diff,
    format_targets,
    has_errors,
    latest_values,
    normalise,
    owner_view,
    owners,
    parse_targets,
    spread,
    validate,
)
from sdg.errors import InvalidInput

INDICATORS = pd.DataFrame({
    "id": ["gsp", "co2", "pop"], "direction": [1, -1, 0],
    "name_nb": ["Grunnskolepoeng", "Utslipp", "Folkemengde"],
    "name_en": ["Exit points", "Emissions", "Population"],
    "is_demo": [False, True, False],
})
TARGETS = pd.DataFrame({"target": ["4.1", "4.2", "11.7", "13.2", "9.c"]})
AREAS = pd.DataFrame({"code": ["tj", "kl"], "sort": [1, 2],
                      "name_nb": ["Tjenester", "Klima"], "name_en": ["Services", "Climate"]})
GOALS = pd.DataFrame({"goal": [4, 9, 11, 13], "colour": ["#C5192D", "#FD6925", "#FD9D24",
                                                         "#3F7E44"],
                      "short_nb": ["God utdanning", "Innovasjon", "Byer", "Klima"],
                      "short_en": ["Quality education", "Innovation", "Cities", "Climate"]})


def good(**changes) -> dict:
    """A record that passes every rule."""
    rec = {"id": None, "goal_area": "tj", "name": "Bedre skole", "kind": "quality",
           "disbenefit": False, "targets": "4.1, 4.2", "indicator": "gsp",
           "zero_value": 43.09, "zero_date": dt.date(2019, 6, 30), "target_value": 44.5,
           "target_date": dt.date(2030, 6, 30), "owner": "Kommunalsjef oppvekst"}
    return rec | changes


def check(*records: dict) -> list[list]:
    problems = validate(pd.DataFrame(list(records)), INDICATORS, TARGETS, AREAS)
    return problems.values.tolist()


# ---------------------------------------------------------------- normalise
def test_normalise_gives_every_field_with_plain_values():
    df = normalise(pd.DataFrame({"name": ["  A  ", ""], "zero_value": [1, None],
                                 "target_date": ["2030-06-30", pd.NaT],
                                 "disbenefit": [True, None], "id": [3.0, float("nan")]}))
    assert list(df.columns) == list(FIELDS)
    assert df["name"].tolist() == ["A", None]
    assert df["zero_value"].tolist() == [1.0, None]
    assert df["target_date"].tolist() == [dt.date(2030, 6, 30), None]
    assert df["disbenefit"].tolist() == [True, False]
    assert df["id"].tolist() == [3, None]
    assert df["owner"].tolist() == [None, None]


def test_targets_are_parsed_and_written_in_un_order():
    assert parse_targets("11.7;4.1 | 4.a,  4.10") == ["11.7", "4.1", "4.a", "4.10"]
    assert format_targets(parse_targets("11.7;4.1 | 4.a,  4.10")) == "4.1, 4.10, 4.a, 11.7"
    # a malformed code is kept as typed, so validation can point at it
    assert normalise(pd.DataFrame({"targets": ["4.1, fire"]}))["targets"][0] == "4.1, fire"


# ---------------------------------------------------------------- validate
def test_a_good_record_has_no_problems():
    assert check(good()) == []


@pytest.mark.parametrize("changes, expected", [
    ({"name": "  "}, [1, "name", "", "name_required", "error"]),
    ({"goal_area": "nowhere"}, [1, "goal_area", "nowhere", "goal_area_unknown", "error"]),
    ({"goal_area": None}, [1, "goal_area", "", "goal_area_unknown", "error"]),
    ({"kind": "savings"}, [1, "kind", "savings", "kind_unknown", "error"]),
    ({"indicator": None}, [1, "indicator", "", "indicator_required", "error"]),
    ({"indicator": "nope"}, [1, "indicator", "nope", "indicator_unknown", "error"]),
    # population has no desired direction (0): it cannot measure a benefit
    ({"indicator": "pop"}, [1, "indicator", "pop", "direction_unknown", "error"]),
    ({"targets": "4.1, 4.99"}, [1, "targets", "4.99", "target_unknown", "error"]),
    ({"targets": "fire"}, [1, "targets", "fire", "target_unknown", "error"]),
    ({"zero_date": None}, [1, "zero_date", "", "date_required", "error"]),
    ({"target_date": None}, [1, "target_date", "", "date_required", "error"]),
    ({"target_date": dt.date(2019, 6, 30)},
     [1, "target_date", "2019-06-30", "date_order", "error"]),
    ({"target_date": dt.date(2018, 1, 1)},
     [1, "target_date", "2018-01-01", "date_order", "error"]),
    # higher is better for exit points: 43.0 < 43.09 is the wrong side (a warning)
    ({"target_value": 43.0}, [1, "target_value", "43.0", "target_wrong_side", "warning"]),
    ({"target_value": 43.09}, [1, "target_value", "43.09", "target_wrong_side", "warning"]),
])
def test_each_rule_gives_exactly_its_problem(changes, expected):
    assert check(good(**changes)) == [expected]


def test_lower_is_better_and_dis_benefits():
    co2 = {"indicator": "co2", "zero_value": 180400.0, "targets": "13.2"}
    assert check(good(**co2, target_value=90200.0)) == []
    # emissions up is the wrong side …
    assert check(good(**co2, target_value=190000.0)) == [
        [1, "target_value", "190000.0", "target_wrong_side", "warning"]]
    # … but a dis-benefit's target is a tolerance limit, so no warning
    assert check(good(**co2, target_value=190000.0, disbenefit=True)) == []


def test_all_problems_of_all_rows_at_once_in_row_order():
    problems = check(good(), good(name="", indicator=None),
                     good(targets="13.2, 99.1", target_date=dt.date(2010, 1, 1)))
    assert problems == [
        [2, "name", "", "name_required", "error"],
        [2, "indicator", "", "indicator_required", "error"],
        [3, "targets", "99.1", "target_unknown", "error"],
        [3, "target_date", "2010-01-01", "date_order", "error"],
    ]


def test_warnings_do_not_block_a_save():
    problems = validate(pd.DataFrame([good(target_value=40.0)]), INDICATORS, TARGETS, AREAS)
    assert len(problems) == 1 and not has_errors(problems)
    problems = validate(pd.DataFrame([good(name="")]), INDICATORS, TARGETS, AREAS)
    assert has_errors(problems)


def test_validate_accepts_what_the_data_editor_returns():
    """Timestamps, NaN and <NA> as the editor gives them back."""
    df = pd.DataFrame([good()])
    df["zero_date"] = pd.to_datetime(df["zero_date"])
    df["target_date"] = pd.to_datetime(df["target_date"])
    df["id"] = pd.array([pd.NA], dtype="Int64")
    df.loc[1] = {**good(), "name": "Ny", "zero_date": pd.Timestamp("2019-12-31"),
                 "target_date": pd.Timestamp("2025-12-31"), "id": pd.NA}
    assert validate(df, INDICATORS, TARGETS, AREAS).empty


# ---------------------------------------------------------------- diff
def stored() -> pd.DataFrame:
    return pd.DataFrame([good(id=1, is_demo=True), good(id=2, name="B", targets="11.7"),
                         good(id=3, name="C")])


def test_diff_finds_inserts_updates_and_deletes():
    new = stored().iloc[[0, 1]].copy()
    new.loc[1, "owner"] = "Ny eier"
    new.loc[5] = good(name="D")
    ch = diff(stored(), new)
    assert ch.inserts["name"].tolist() == ["D"] and ch.inserts["id"].tolist() == [None]
    assert ch.updates["id"].tolist() == [2] and ch.updates["owner"].tolist() == ["Ny eier"]
    assert ch.deletes == [3]
    assert not ch.empty


def test_diff_ignores_formatting_only_differences():
    new = stored()
    new["targets"] = ["4.2,4.1", "11.7 ", "4.1 | 4.2"]
    new["zero_date"] = pd.to_datetime(new["zero_date"])
    new["name"] = new["name"] + "  "
    assert diff(stored(), new).empty


def test_an_update_keeps_the_stored_demo_flag():
    new = stored()
    new.loc[0, "status_note"] = "Oppdatert"
    new["is_demo"] = False
    ch = diff(stored(), new)
    assert ch.updates["is_demo"].tolist() == [True]


@pytest.mark.parametrize("ids", [[1, 2, 99], [1, 1, 2]])
def test_diff_refuses_unknown_or_repeated_ids(ids):
    new = stored().assign(id=ids)
    with pytest.raises(InvalidInput) as err:
        diff(stored(), new)
    assert err.value.key == "benefits.err.unknown_id"


_text = st.one_of(st.none(), st.text(alphabet="abcæøå ,.'\"", max_size=8))
_record = st.fixed_dictionaries({
    "name": _text, "owner": _text, "targets": st.sampled_from([None, "4.1", "4.2, 4.1"]),
    "zero_value": st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
    "zero_date": st.one_of(st.none(), st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1))),
    "disbenefit": st.booleans(),
})


@settings(max_examples=60, deadline=None)
@given(old=st.lists(_record, max_size=5), new=st.lists(_record, max_size=5),
       keep=st.lists(st.booleans(), min_size=5, max_size=5))
def test_diff_then_apply_gives_the_new_plan(old, new, keep):
    """Property: applying diff(old, new) to old yields new (for any edit)."""
    before = pd.DataFrame([r | {"id": i + 1} for i, r in enumerate(old)], columns=list(FIELDS))
    kept = [i + 1 for i in range(len(old)) if keep[i]]
    after = pd.DataFrame([r | {"id": kept[i] if i < len(kept) else None}
                          for i, r in enumerate(new)], columns=list(FIELDS))
    assert diff(before, before).empty
    ch = diff(before, after)
    result = {r["id"]: r for r in normalise(before).to_dict("records")
              if r["id"] not in ch.deletes}
    result |= {r["id"]: r for r in ch.updates.to_dict("records")}
    applied = list(result.values()) + ch.inserts.to_dict("records")
    expected = normalise(after).to_dict("records")
    key = [f for f in FIELDS if f not in ("id", "is_demo")]

    def rows(recs):
        return sorted(tuple(str(r[f]) for f in key) for r in recs)

    assert rows(applied) == rows(expected)


# ---------------------------------------------------------------- the benefit map
def plan() -> pd.DataFrame:
    return pd.DataFrame([
        good(id=1, goal_area="tj", targets="4.1, 11.7", indicator="gsp"),
        good(id=2, goal_area="kl", name="Kutt", targets="13.2", indicator="co2", is_demo=True),
        good(id=3, goal_area="kl", name="Uten mål", targets=None, indicator="co2"),
    ])


def test_benefit_map_nodes_in_four_columns_with_un_colours():
    nodes, edges = benefit_map(plan(), GOALS, AREAS, INDICATORS, "nb")
    assert nodes.groupby("level").size().to_dict() == {
        "goal": 3, "goal_area": 2, "benefit": 3, "indicator": 2}
    colour = nodes.set_index("node")["colour"]
    assert colour["goal:4"] == "#C5192D" and colour["goal:13"] == "#3F7E44"
    assert colour["goal:11"] == "#FD9D24"
    assert colour["benefit:1"] == "#C5192D"  # its lowest goal is 4
    assert colour["benefit:3"] == "#5A6570"  # no targets: neutral
    assert colour["goal_area:kl"] == "#5A6570"
    # goals in UN order top-down; every column spans the same height
    goals = nodes[nodes.level == "goal"]
    assert goals["label"].tolist() == ["4 God utdanning", "11 Byer", "13 Klima"]
    assert goals["y"].tolist() == pytest.approx([5 / 6, 3 / 6, 1 / 6])
    assert nodes.set_index("node").at["indicator:co2", "is_demo"]
    assert nodes.set_index("node").at["benefit:2", "is_demo"]


def test_benefit_map_links_goal_area_benefit_indicator():
    nodes, edges = benefit_map(plan(), GOALS, AREAS, INDICATORS, "en")
    links = set(zip(edges["source"], edges["target"], strict=True))
    assert links == {
        ("goal:4", "goal_area:tj"), ("goal:11", "goal_area:tj"), ("goal:13", "goal_area:kl"),
        ("goal_area:tj", "benefit:1"), ("goal_area:kl", "benefit:2"),
        ("goal_area:kl", "benefit:3"),
        ("benefit:1", "indicator:gsp"), ("benefit:2", "indicator:co2"),
        ("benefit:3", "indicator:co2"),
    }
    at = nodes.set_index("node")
    row = edges[(edges.source == "benefit:1")].iloc[0]
    assert (row.x, row.y, row.x2, row.y2) == (2, at.at["benefit:1", "y"], 3,
                                              at.at["indicator:gsp", "y"])
    assert at.at["goal:4", "label"] == "4 Quality education"


def test_benefit_map_of_an_empty_plan():
    nodes, edges = benefit_map(plan().iloc[0:0], GOALS, AREAS, INDICATORS)
    assert nodes.empty and edges.empty


@given(st.integers(1, 200))
def test_spread_fills_the_column_evenly(n):
    ys = spread(n)
    assert len(ys) == n and all(0 < y < 1 for y in ys)
    assert all(a > b for a, b in zip(ys, ys[1:], strict=False))
    assert sum(ys) / n == pytest.approx(0.5)


# ---------------------------------------------------------------- owner view
OBS = pd.DataFrame({
    "municipality": ["3025", "3025", "3203", "3203", "3203"],
    "indicator": ["gsp", "gsp", "co2", "co2", "co2"],
    "year": [2020, 2021, 2019, 2024, 2025],
    "value": [43.8, 44.0, 180400.0, 151200.0, None],
})


def test_owners_and_latest_values():
    assert owners(pd.DataFrame([good(owner="B"), good(owner="A"), good(owner=None)])) == ["A", "B"]
    latest = latest_values(OBS, ("3203", "3025"))
    # 2025 has no value: the latest is 2024
    assert latest.values.tolist() == [["co2", 2024, 151200.0], ["gsp", 2021, 44.0]]
    assert latest_values(OBS.iloc[0:0]).empty


def test_owner_view_filters_and_computes_the_gain():
    bens = pd.DataFrame([
        good(id=1, owner="Oppvekst"),
        good(id=2, owner="Klima", name="Kutt", indicator="co2", zero_value=180400.0,
             zero_date=dt.date(2019, 12, 31), target_value=90200.0),
        good(id=3, owner="Klima", name="Uten tall", indicator="co2", zero_value=None,
             zero_date=None),
    ])
    view = owner_view(bens, latest_values(OBS, ("3203", "3025")), INDICATORS, "Klima")
    assert view["id"].tolist() == [2, 3]
    cut = view.iloc[0]
    # Δ = 151200 − 180400 = −29200; share = −29200 / (90200 − 180400) = 0.3237…
    assert cut["delta"] == -29200.0
    assert cut["share_of_distance"] == pytest.approx(29200 / 90200)
    assert cut["desired"] is True and cut["is_demo"]
    assert (cut["zero_year"], cut["latest_year"], cut["target_year"]) == (2019, 2024, 2030)
    assert pd.isna(view.iloc[1]["delta"]) and view.iloc[1]["latest_value"] == 151200.0
    school = owner_view(bens, latest_values(OBS), INDICATORS, "Oppvekst").iloc[0]
    # 44.0 − 43.09 = 0.91 of the 1.41 to the target: 64.5 %
    assert school["delta"] == pytest.approx(0.91)
    assert school["share_of_distance"] == pytest.approx(0.91 / 1.41)
    assert len(owner_view(bens, latest_values(OBS), INDICATORS, None)) == 3


def test_owner_view_without_figures_after_the_zero_point():
    bens = pd.DataFrame([good(id=1, owner="O", zero_date=dt.date(2022, 6, 30))])
    row = owner_view(bens, latest_values(OBS), INDICATORS, "O").iloc[0]
    assert row["latest_year"] == 2021 and pd.isna(row["delta"])


def test_a_goal_area_no_longer_in_use_is_a_warning_and_an_unknown_one_an_error():
    ind = pd.DataFrame({"id": ["gsp"], "direction": [1]})
    tgt = pd.DataFrame({"target": ["4.1"]})
    areas = pd.DataFrame({"code": ["3203-1", "oppvekst"], "in_use": [True, False]})
    recs = pd.DataFrame({"name": ["A", "B", "C"], "kind": ["quality"] * 3,
                         "indicator": ["gsp"] * 3,
                         "goal_area": ["3203-1", "oppvekst", "borte"]})
    got = validate(recs, ind, tgt, areas)
    assert got[["row", "reason", "level"]].values.tolist() == [
        [2, "goal_area_not_in_use", "warning"], [3, "goal_area_unknown", "error"]]
