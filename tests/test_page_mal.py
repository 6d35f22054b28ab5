"""The goal page: ?goal=N, targets in both languages, commitments, indicators."""

from __future__ import annotations

import pytest

from tests.apptest import run_app, texts

PAGE = "pages/mal.py"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_goal_11_shows_its_targets_in_both_languages(app_db, lang):
    at = run_app(PAGE, goal="11", lang=lang)
    targets = at.dataframe[0].value
    assert len(targets) == 10  # 11.1–11.7, 11.a–11.c
    assert targets.iloc[0, 0] == "11.1"
    assert targets.iloc[0, 2].startswith("By 2030, ensure access for all to adequate")
    assert targets.iloc[0, 1].startswith("Innen 2030")
    # Read as text too: the target in the session's language, the other one below.
    first = "**11.1** " + ("Innen 2030" if lang == "nb" else "By 2030, ensure access")
    assert any(m.value.startswith(first) for m in at.markdown)
    body = texts(at)
    assert ("Sosiale forhold" if lang == "nb" else "Social conditions") in body
    assert ("Fokusmål" if lang == "nb" else "Focus goal") in body


def test_goal_4_lists_grunnskolepoeng_with_coverage(app_db):
    at = run_app(PAGE, goal="4")
    ours = at.dataframe[1].value
    assert ours.iloc[0, 0] == "Grunnskolepoeng"
    assert ours["År med tall (3203 Asker)"].iloc[0] == "2020–2021"  # via 3025 → 3203
    assert "Vi må legge til rette for økt teknisk og yrkesfaglig opplæring." in texts(at)


def test_goal_without_commitments(app_db):
    at = run_app(PAGE, goal="1")
    assert "har ikke formulert lokale forpliktelser" in texts(at)


def test_picking_another_goal_updates_the_url(app_db):
    at = run_app(PAGE, goal="11")
    at.selectbox[0].set_value(13).run()
    assert at.query_params["goal"] in ("13", ["13"])
    assert at.title[0].value.startswith("13 Stoppe klimaendringene")


@pytest.mark.parametrize("bad, message", [
    ("99", "Det finnes ikke noe bærekraftsmål 99"),
    ("0", "Det finnes ikke noe bærekraftsmål 0"),
    ("abc", "«abc» er ikke et gyldig målnummer"),
])
def test_bad_goal_gives_a_clear_message(app_db, bad, message):
    at = run_app(PAGE, goal=bad)
    assert at.error and message in at.error[0].value
    assert not at.dataframe


def test_bad_goal_in_english(app_db):
    at = run_app(PAGE, goal="99", lang="en")
    assert "There is no SDG 99" in at.error[0].value


# ------------------------------------------------- goal status (issue 4, sdg.gains)
def _vega(at):
    import json

    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return [(json.loads(c.proto.spec),
             {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in c.proto.datasets})
            for c in at.get("vega_lite_chart")]


@pytest.mark.parametrize("lang, name, status", [
    ("nb", "Grunnskolepoeng", "På rett spor"),
    ("en", "Lower-secondary exit points", "On track"),
])
def test_goal_4_shows_the_status_of_its_indicators(app_db, lang, name, status):
    at = run_app(PAGE, goal="4", lang=lang)
    table = at.table[0].value  # the answer-first table (wraps on a phone)
    row = table[table.iloc[:, 0].str.startswith(name)].iloc[0]
    # answer first, Norwegian numbers with their years, the status with the years compared
    # (a zero point computed from three municipalities has one decimal more: sdg.report)
    dec = "," if lang == "nb" else "."
    assert row.iloc[1] == f"43{dec}09 (2019)" and row.iloc[2] == f"44{dec}0 (2021)"
    assert row.iloc[3] == f"+0{dec}91" and row.iloc[4] == f"🟩 {status} (2019–2021)"
    assert "None" not in table.to_string()


def test_overview_of_all_17_goals_with_status(app_db):
    at = run_app(PAGE, goal="4")
    (spec, datasets), = _vega(at)
    frame = next(iter(datasets.values()))
    assert sorted(frame["goal"]) == list(range(1, 18))
    by_goal = frame.set_index("goal")
    # goal 4: grunnskolepoeng with the benefits plan's target 44.5 (2030): score 5
    assert by_goal.at[4, "label"] == "På rett spor" and by_goal.at[4, "score"] == 5
    # a goal without indicators has no status; its tile is grey
    assert by_goal.at[1, "label"] == "Ikke tilgjengelig" and by_goal.at[1, "fill"] == "#999999"
    overview = at.dataframe[-1].value  # the table alternative
    assert len(overview) == 17 and overview.iloc[3, 0].startswith("4 ")
    assert "Status for alle mål" in texts(at)


def test_goal_tables_have_csv_and_norwegian_numbers(app_db):
    at = run_app(PAGE, goal="4", kommune="3203")
    labels = [b.proto.label for b in at.get("download_button")]
    # under the targets, our indicators, the status table, the KS and UN lists and the
    # table of all goals
    assert labels.count("Last ned CSV") == 6
    # the goal's indicator table (answer first, text that wraps on a phone): the zero
    # point computed from three municipalities with one decimal more, the Norwegian way
    table = at.table[0].value
    assert table["Nullpunkt"].iloc[0] == "43,09 (2019)"
