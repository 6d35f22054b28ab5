"""The home page: goal grid by dimension, focus goals, planning chain, goal areas."""

from __future__ import annotations

import pytest

from tests.apptest import run_app, texts


def _links(at):
    """The goal tiles' links (the sidebar menu has page links too)."""
    return [e.proto.label for e in at.get("page_link") if " · " in e.proto.label]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_grid_has_all_17_goals_grouped_by_dimension(app_db, lang):
    at = run_app(lang=lang)
    labels = _links(at)
    assert len(labels) == 17
    assert "★ 11 · Bærekraftige byer og lokalsamfunn" in labels if lang == "nb" else \
        "★ 11 · Sustainable cities and communities" in labels
    subheaders = [s.value for s in at.subheader]
    expected = (["Miljø", "Sosiale forhold", "Økonomi", "Samarbeid"] if lang == "nb"
                else ["Environment", "Social conditions", "Economy", "Partnership"])
    assert subheaders[:4] == expected


def test_focus_goals_are_marked_and_carry_commitments(app_db):
    at = run_app()
    starred = sorted(int(label.split("·")[0].strip("★ ")) for label in _links(at)
                     if label.startswith("★"))
    assert starred == [4, 9, 11, 13, 17]
    body = texts(at)
    assert "5 fokusmål" in body
    assert "Vi må sikre at alle barn og unge har et trygt og godt skolemiljø." in body
    assert "Smartby-samarbeid skal stimulere oss til innovasjonsutvikling!" in body


def test_planning_chain_and_goal_areas(app_db):
    body = texts(run_app())
    for text in ("FNs bærekraftsmål", "Regional planstrategi", "Kommunal planstrategi",
                 "Tjenesteproduksjon", "Samfunnsutvikling", "Økonomisk robusthet",
                 "Demokratisk arena", "Klima, miljø og bærekraft", "Arbeidsgiverutvikling",
                 "Innovasjon, SmartBy og digitalisering"):
        assert text in body


def test_table_alternative_of_the_grid(app_db):
    at = run_app(lang="en")
    table = at.dataframe[0].value
    assert len(table) == 17
    assert table.loc[table["Goal"] == 13, "Focus goal"].item() == "★"
    assert table.loc[table["Goal"] == 4, "Commitments"].item() == 5


def test_municipality_without_decision_gets_a_guided_start(app_db):
    at = run_app(kommune="0301")
    assert not any(label.startswith("★") for label in _links(at))
    body = texts(at)
    assert "ikke valgt fokusmål" in body and "Slik kommer dere i gang" in body
    assert "Vi må sikre" not in body  # not Asker's commitments
    assert not [w for w in at.warning if "DEMO" in w.value]


def test_focus_goals_show_their_status_against_2019_with_counts_and_a_link(app_db):
    at = run_app()
    body = texts(at)
    assert "Fokusmålene mot nullpunktet 2019" in body
    assert "Vedtatt 25.09.2018 (saksnummer er ikke registrert)." in body
    # goal 4: grunnskolepoeng on track with the plan's target (see test_page_mal)
    assert "🟩 På rett spor" in body and "med status: " in body
    details = [e for e in at.get("page_link") if e.proto.label == "Se detaljer"]
    assert len(details) == 5
    # Asker's goals 9, 11 and 13 are measured partly with demo indicators: said so
    assert [w for w in at.warning if "DEMO" in w.value]
