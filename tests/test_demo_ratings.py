"""Tests of sdg.demo_ratings: deterministic, right shape, on scale, and it aggregates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sdg.demo_ratings import demo_ratings
from sdg.materiality import aggregate, quadrants, robustness

TARGETS_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "sdg" / "sdg_targets.csv"


@pytest.fixture(scope="module")
def targets() -> list[str]:
    if not TARGETS_CSV.exists():
        pytest.skip("shared target list not available")
    return pd.read_csv(TARGETS_CSV, dtype=str)["target"].tolist()


@pytest.fixture(scope="module")
def demo(targets) -> pd.DataFrame:
    return demo_ratings(2018, targets)


def test_deterministic(demo, targets):
    pd.testing.assert_frame_equal(demo, demo_ratings(2018, targets))
    assert not demo.equals(demo_ratings(7, targets))


def test_shape_and_sources(demo, targets):
    assert len(targets) == 169
    assert {"source", "source_kind", "respondent", "subject", "axis", "value", "scale_min",
            "scale_max", "weight", "group", "district", "age_band"} <= set(demo.columns)
    sizes = demo.groupby("source")["respondent"].nunique()
    assert sizes["Innbyggerundersøkelse 2018"] == 1200
    workshops = [f"Workshop sivilsamfunn {i}" for i in range(1, 5)]
    assert all(15 <= sizes[w] <= 30 for w in workshops)
    survey = demo[demo["source_kind"] == "survey"]
    assert set(survey["district"]) == {"Asker", "Røyken", "Hurum"}
    assert survey["age_band"].nunique() == 4
    # a few missing answers: fewer than 1200 × 17 rows, but not many fewer
    assert 0.9 * 1200 * 17 < len(survey) < 1200 * 17
    assert 0.4 < survey["weight"].min() and survey["weight"].max() < 2.0
    admin = demo[demo["source_kind"] == "administration"]
    assert set(admin["axis"]) == {"influence"}
    assert set(admin["subject"]) == {str(g) for g in range(1, 18)} | set(targets)
    g11 = demo[demo["source"] == "Workshop delmål 11"]
    assert set(g11["subject"]) == {t for t in targets if t.startswith("11.")}
    assert set(demo.loc[demo["source_kind"] != "administration", "axis"]) == {"priority"}


def test_values_on_scale_and_unique_respondents(demo):
    assert demo["value"].between(demo["scale_min"], demo["scale_max"]).all()
    assert (demo["value"] % 1 == 0).all()
    assert not demo.duplicated(["source", "respondent", "subject", "axis"]).any()
    assert demo.groupby("respondent")["source"].nunique().max() == 1


def test_aggregate_runs_and_the_council_goals_come_out_on_top(demo):
    goals = demo[demo["subject"].str.fullmatch(r"\d+")]
    matrix = aggregate(goals)
    assert len(matrix) == 34 and matrix["score"].between(0, 1).all()
    q = quadrants(matrix)
    top5 = set(q.nsmallest(5, "rank")["subject"])
    assert top5 == {"4", "9", "11", "13", "17"}
    assert set(q.loc[q["quadrant"] == "focus", "subject"]) >= top5
    assert not q["thin"].any()
    p = robustness(goals, B=30, seed=0).set_index("subject")["p_focus"]
    assert p[["4", "11", "13", "17"]].min() > 0.8


def test_without_targets_only_goals():
    d = demo_ratings(1)
    assert set(d["subject"]) == {str(g) for g in range(1, 18)}
    assert "Workshop delmål 11" not in set(d["source"])
