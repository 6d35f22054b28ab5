"""sdg.report: the one assembly of the report to the council."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sdg.report import (
    adopted_decision,
    assemble,
    default_view,
    indicators_of,
    matrix_from_ratings,
    view_ratings,
    zero_point_data,
)


@pytest.fixture(scope="module")
def asker(seeded_db, tmp_path_factory):
    import shutil

    from sdg.store import open_store

    path = tmp_path_factory.mktemp("report") / "r.duckdb"
    shutil.copy(seeded_db, path)
    s = open_store(path)
    yield s
    s.close()


@pytest.fixture(scope="module")
def report(asker):
    return assemble(asker, "3203", "nb", dt.date(2026, 11, 30), B=50)


def test_focus_goals_and_decision(report):
    assert report.focus_goals == [4, 9, 11, 13, 17]
    assert report.decision["decided_on"] == dt.date(2018, 9, 25)
    assert report.decision["case_number"] is None  # today's model has none
    assert list(report.summary["goal"]) == [4, 9, 11, 13, 17]


def test_zero_point_of_grunnskolepoeng_with_its_provenance(report):
    row = report.zero_point.set_index("indicator").loc["grunnskolepoeng"]
    # pupil-weighted mean of 0220, 0627 and 0628 in 2019 (METHODS.md §3), as the page shows
    assert row["zero_value"] == pytest.approx(43.088, abs=5e-4)
    assert row["provenance"] == "beregnet fra 0220, 0627, 0628, elevvektet"
    assert row["zero_method"] == "weighted"
    prov = report.provenance[report.provenance["indicator"] == "grunnskolepoeng"]
    assert set(prov["source"]) == {"Udir (Skoleporten)"}
    assert list(prov["file_name"]) == ["data/seed/observations.csv"]
    assert (prov["first_year"].iat[0], prov["last_year"].iat[0]) == (2016, 2021)


def test_matrix_sources_weights_and_thresholds(report):
    assert report.view_origin == "default"  # the seeded decision stored no settings
    assert len(report.sources) == 7 and (report.sources["weight"] == 1.0).all()
    assert report.sources["is_demo"].all()
    assert len(report.matrix) == 17
    assert report.matrix["x_threshold"].nunique() == 1
    assert report.matrix["p_focus"].between(0, 1).all()


def test_demo_parts(report):
    assert report.demo == {"decision": False, "matrix": True, "indicators": True,
                           "benefits": True}
    assert report.has_demo


def test_benefits_with_owners_and_status(report):
    plan = report.benefits
    assert plan["owner"].notna().all()
    grunn = plan[plan["indicator"] == "grunnskolepoeng"].iloc[0]
    assert grunn["status"] == "substantial_progress" and grunn["owner"] == "Kommunalsjef oppvekst"


def test_commitments_only_of_focus_goals(report):
    assert set(report.commitments["goal"]) <= set(report.focus_goals)
    assert report.commitments["text"].str.len().gt(0).all()


def test_indicators_of_a_goal(report):
    assert list(indicators_of(report, 4)["indicator"]) == ["grunnskolepoeng"]


def test_a_date_before_the_decision_has_no_decision(asker):
    assert adopted_decision(asker, "3203", dt.date(2018, 9, 24)) is None
    early = assemble(asker, "3203", "en", dt.date(2017, 1, 1), B=10)
    assert early.decision is None and early.focus_goals == [] and early.summary.empty


def test_a_decision_with_stored_settings_and_a_case_number(seeded_db, tmp_path):
    """The report shows the matrix as the adopted decision saw it, with the case number
    and meeting date the secretary recorded; a proposal alone changes nothing."""
    import shutil

    from sdg.auth import Actor
    from sdg.store import open_store

    shutil.copy(seeded_db, tmp_path / "d.duckdb")
    s = open_store(tmp_path / "d.duckdb")
    try:
        before = assemble(s, "3203", "nb", dt.date(2026, 7, 1), B=10).focus_goals
        view = default_view(s, "3203")
        first = s.rating_sources("3203")["id"].iloc[0]
        view["weights"][str(first)] = 2.5
        view["threshold"] = {"method": "fixed", "x": 0.4, "y": 0.6}
        new = s.save_proposal("3203", [4, 13, 17], rationale="Ny vurdering", settings=view,
                              actor=Actor("kari", "analyst"))
        proposed = assemble(s, "3203", "nb", dt.date(2026, 7, 1), B=10)
        assert proposed.focus_goals == before  # a proposal is not the council's decision
        s.adopt(new, goals=[4, 13], case_number="2026/1234", meeting_date=dt.date(2026, 6, 18),
                actor=Actor("siri", "secretary"))
        r = assemble(s, "3203", "nb", dt.date(2026, 7, 1), B=10)
        earlier = assemble(s, "3203", "nb", dt.date(2026, 6, 1), B=10)
    finally:
        s.close()
    assert r.focus_goals == [4, 13]  # as adopted, not as proposed
    assert r.decision["case_number"] == "2026/1234"
    assert r.decision["meeting_date"] == dt.date(2026, 6, 18)
    assert r.view_origin == "decision"
    assert r.sources.set_index("id").loc[first, "weight"] == 2.5
    assert r.matrix["x_threshold"].iat[0] == pytest.approx(0.4)
    assert r.matrix["y_threshold"].iat[0] == pytest.approx(0.6)
    assert earlier.focus_goals == before  # before the meeting the older one was in force


def test_the_page_and_the_report_agree(asker, report):
    """The zero-point page reads the same function (ui.gains._report calls it)."""
    rep, series = zero_point_data(asker, "3203", "nb")
    assert rep.drop(columns=["goals"]).equals(report.zero_point.drop(columns=["goals"]))
    view = default_view(asker, "3203")
    matrix = matrix_from_ratings(view_ratings(asker, view), view, B=50)
    assert matrix.equals(report.matrix)


def test_unknown_municipality(asker):
    from sdg.errors import NotFound

    with pytest.raises(NotFound):
        assemble(asker, "9999")


def test_benefits_in_the_municipalitys_own_goal_areas_have_their_names(seeded_db, tmp_path):
    """A benefit moved to one of Asker's own goal areas shows that area's name in the
    report (not its code), and one still in the seven shows the seven's name."""
    import shutil

    from sdg.auth import Actor
    from sdg.store import open_store

    shutil.copy(seeded_db, tmp_path / "own.duckdb")
    s = open_store(tmp_path / "own.duckdb")
    try:
        admin = Actor("test-admin", "admin")
        own = s.copy_default_goal_areas("3203", actor=admin)
        s.add_goal_area("3203", "Levende lokalsamfunn", actor=admin)
        plan = s.benefits("3203")
        first = plan.iloc[[0]].assign(goal_area=f"3203-{len(own) + 1}")
        from sdg.benefits import diff
        s.save_benefits("3203", diff(plan, pd.concat([first, plan.iloc[1:]])), admin)
        got = assemble(s, "3203", "nb", dt.date(2026, 11, 30), B=20).benefits
    finally:
        s.close()
    names = dict(zip(got["name"], got["goal_area_name"], strict=True))
    assert names[plan.at[0, "name"]] == "Levende lokalsamfunn"
    assert not any(n.startswith("3203-") for n in names.values())
