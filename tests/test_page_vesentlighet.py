"""Vesentlighetsmatrise: chart spec, ranking, filters, weights, levels, thresholds, decisions."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from sdg.store import open_store
from tests.apptest import run_app, texts

PAGE = "pages/vesentlighet.py"


def chart(at) -> tuple[dict, pd.DataFrame]:
    """The matrix's Vega-Lite spec and the data of its point layer."""
    proto = at.get("vega_lite_chart")[0].proto
    spec = json.loads(proto.spec)
    data = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in proto.datasets}
    point = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    return spec, data[point["data"]["name"]]


def ranking(at) -> pd.DataFrame:
    return at.dataframe[0].value


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


@pytest.mark.parametrize("lang, axis, quadrant", [("nb", "Påvirkning", "Fokus"),
                                                   ("en", "Influence", "Focus")])
def test_matrix_of_17_goals_in_un_colours_with_intervals(app_db, lang, axis, quadrant):
    at = run_app(PAGE, role="analyst", lang=lang)
    spec, points = chart(at)
    goals = open_store(app_db, seed=False).goals()
    assert len(points) == 17
    colours = dict(zip(goals["goal"].astype(str), goals["colour"], strict=True))
    assert all(points["colour"] == points["subject"].map(colours))
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    whiskers = [layer["encoding"] for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    assert any("x2" in e for e in whiskers) and any("y2" in e for e in whiskers)
    assert marks.count("text") >= 5  # labels and four quadrant names
    assert spec["usermeta"]["embedOptions"]["renderer"] == "svg"
    point_layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    assert point_layer["encoding"]["x"]["title"] == axis
    table = ranking(at)
    assert len(table) == 17 and table.iloc[0, 0] == 1
    assert quadrant in set(table.iloc[:, 3])
    # the demo data emerge with the council's focus goals among the top of the ranking
    assert {"4", "11", "13"} <= set(table.iloc[:6, 1])
    assert "DEMO" in texts(at)


def test_sources_groups_and_weights_update_the_matrix(app_db):
    at = run_app(PAGE, role="analyst")
    n_all = chart(at)[1].set_index("subject")["n"]
    sources = at.multiselect(key="mat_sources")
    survey = next(o for o in sources.value if "Innbygger" in sources.format_func(o))
    sources.set_value([survey]).run()
    assert not at.exception
    # without the administration there is no influence axis: an empty matrix
    assert chart(at)[1].empty
    at.multiselect(key="mat_sources").set_value(sources.options and
                                                 at.multiselect(key="mat_sources").options).run()
    groups = at.multiselect(key="mat_groups")
    groups.set_value([g for g in groups.value if g != "innbygger"]).run()
    fewer = chart(at)[1].set_index("subject")["n"]
    assert (fewer < n_all).all()
    at.multiselect(key="mat_groups").set_value(at.multiselect(key="mat_groups").options).run()
    before = ranking(at).set_index(ranking(at).columns[1]).iloc[:, 3]
    survey_slider = next(s for s in at.slider if s.label.startswith("Innbygger"))
    survey_slider.set_value(0.0).run()
    after = ranking(at).set_index(ranking(at).columns[1]).iloc[:, 3]
    assert not before.equals(after)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_targets_of_goal_11(app_db, lang):
    at = run_app(PAGE, role="analyst", lang=lang, goal="11")
    at.radio(key="mat_level").set_value("target").run()
    spec, points = chart(at)
    assert len(points) == 10 and set(points["colour"]) == {"#FD9D24"}
    assert points["subject"].str.startswith("11.").all()
    assert ranking(at).iloc[:, 2].str.len().min() > 20  # target titles, not goal names
    # level 3 of the method tool: write down a challenge for 11.2
    at.selectbox(key="mat_note_subject").set_value("11.2").run()
    at.radio(key="mat_note_kind").set_value("challenge")
    at.text_area(key="mat_note_text").input("Trafikk i Slemmestad")
    button(at, "Lagre notat" if lang == "nb" else "Save note").click().run()
    notes = open_store(app_db, seed=False).notes("3203", ["11.2"])
    assert notes["text"].tolist() == ["Trafikk i Slemmestad"]
    assert "Trafikk i Slemmestad" in at.dataframe[-1].value.to_string()


def test_threshold_methods(app_db):
    at = run_app(PAGE, role="analyst")
    spec, _ = chart(at)
    at.radio(key="mat_thr_method").set_value("fixed").run()
    at.slider(key="mat_thr_x").set_value(0.9).run()
    at.slider(key="mat_thr_y").set_value(0.9).run()
    quadrants = set(ranking(at).iloc[:, 3])
    assert "Fokus" not in quadrants or (ranking(at).iloc[:, 3] == "Fokus").sum() <= 2
    spec, _ = chart(at)
    rule_data = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"
                 and "strokeDash" in layer["mark"]]
    assert len(rule_data) == 2
    at.radio(key="mat_thr_method").set_value("mean").run()
    assert not at.exception and len(ranking(at)) == 17


def test_save_decision_and_show_it_again(app_db):
    at = run_app(PAGE, role="analyst")
    slider = next(s for s in at.slider if s.label.startswith("Innbygger"))
    slider.set_value(2.0).run()
    at.radio(key="mat_thr_method").set_value("mean").run()
    at.multiselect(key="mat_dec_goals").set_value([4, 9, 11, 13, 17])
    at.text_area(key="mat_dec_text").input("Vedtatt i kommunestyret")
    button(at, "Lagre vedtak").click().run()
    assert "Vedtaket er lagret" in texts(at)
    store = open_store(app_db, seed=False)
    latest = store.focus_decisions("3203").iloc[0]
    assert list(latest["goals"]) == [4, 9, 11, 13, 17]
    assert latest["actor"] == "test-analyst"
    saved = json.loads(latest["settings"])
    assert saved["threshold"]["method"] == "mean"
    assert saved["weights"]["Innbyggerundersøkelse 2018"] == 2.0
    store.close()
    # change the view, then bring the decision's view back
    next(s for s in at.slider if s.label.startswith("Innbygger")).set_value(1.0).run()
    at.radio(key="mat_thr_method").set_value("median").run()
    at.selectbox(key="mat_dec_pick").set_value(int(latest["id"])).run()
    button(at, "Vis matrisen for vedtaket").click().run()
    assert not at.exception
    assert at.radio(key="mat_thr_method").value == "mean"
    assert next(s for s in at.slider if s.label.startswith("Innbygger")).value == 2.0
    # a seeded decision has no settings: a message, not an error
    seeded = int(open_store(app_db, seed=False).focus_decisions("3203").iloc[-1]["id"])
    at.selectbox(key="mat_dec_pick").set_value(seeded).run()
    button(at, "Vis matrisen for vedtaket").click().run()
    assert "uten innstillinger" in texts(at)


def test_decision_needs_a_rationale_in_english(app_db):
    at = run_app(PAGE, role="analyst", lang="en")
    button(at, "Save decision").click().run()
    assert "Write a rationale" in at.error[0].value


def test_presentation_mode(app_db):
    at = run_app(PAGE, role="analyst", present="1")
    spec, points = chart(at)
    assert spec["width"] == 900 and len(points) == 17
    assert at.toggle(key="mat_present").value is True
    assert not at.get("download_button") and not [b for b in at.button if b.label == "Lagre vedtak"]
    assert any("display: none" in str(h.proto) for h in at.get("html"))


def test_exports_present(app_db):
    at = run_app(PAGE, role="analyst")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Last ned PNG", "Last ned SVG", "Last ned tabellen (xlsx)", "Last ned CSV",
                      "Rapport til kommunestyret (PDF)"]
