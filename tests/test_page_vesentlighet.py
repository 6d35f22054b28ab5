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


def test_a_proposal_keeps_its_view_and_changes_nothing_the_council_sees(app_db):
    at = run_app(PAGE, role="analyst")
    slider = next(s for s in at.slider if s.label.startswith("Innbygger"))
    slider.set_value(2.0).run()
    at.radio(key="mat_thr_method").set_value("mean").run()
    at.multiselect(key="mat_dec_goals").set_value([4, 6, 9, 11, 13, 17])
    at.text_area(key="mat_dec_text").input("Forslag til kommunestyret")
    # without the confirmation nothing is saved
    button(at, "Legg fram forslag").click().run()
    assert "Kryss av for å bekrefte" in texts(at)
    store = open_store(app_db, seed=False)
    assert (store.focus_decisions("3203")["state"] == "adopted").all()
    store.close()
    at.checkbox(key="mat_dec_confirm").check()
    button(at, "Legg fram forslag").click().run()
    assert "Forslaget er lagt fram" in texts(at)
    store = open_store(app_db, seed=False)
    latest = store.focus_decisions("3203", ["proposed"]).iloc[0]
    assert list(latest["goals"]) == [4, 6, 9, 11, 13, 17]
    assert latest["proposed_by"] == "test-analyst"
    saved = json.loads(latest["settings"])
    assert saved["threshold"]["method"] == "mean"
    survey_id = int(store.rating_sources("3203").query("kind == 'survey'")["id"].iat[0])
    assert saved["weights"][str(survey_id)] == 2.0  # keyed by the source's id
    # the council's focus goals are still the adopted ones
    assert store.focus_goals("3203") == [4, 9, 11, 13, 17]
    store.close()
    # change the view, then bring the proposal's view back
    next(s for s in at.slider if s.label.startswith("Innbygger")).set_value(1.0).run()
    at.radio(key="mat_thr_method").set_value("median").run()
    at.selectbox(key="mat_dec_pick").set_value(int(latest["id"])).run()
    button(at, "Vis matrisen for vedtaket").click().run()
    assert not at.exception
    assert at.radio(key="mat_thr_method").value == "mean"
    assert next(s for s in at.slider if s.label.startswith("Innbygger")).value == 2.0
    # the seeded decision has no settings: a message, not an error
    seeded = int(open_store(app_db, seed=False).focus_decisions("3203", ["adopted"]
                                                                 ).iloc[0]["id"])
    at.selectbox(key="mat_dec_pick").set_value(seeded).run()
    button(at, "Vis matrisen for vedtaket").click().run()
    assert "uten innstillinger" in texts(at)


def test_a_viewer_and_a_secretary_cannot_propose(app_db):
    for role in (None, "secretary"):
        at = run_app(PAGE, role=role)
        assert not [b for b in at.button if b.label == "Legg fram forslag"]


def test_a_proposal_needs_a_rationale_in_english(app_db):
    at = run_app(PAGE, role="analyst", lang="en")
    at.checkbox(key="mat_dec_confirm").check()
    button(at, "Put forward").click().run()
    assert "Write a rationale" in at.error[0].value


def test_presentation_mode(app_db):
    at = run_app(PAGE, role="analyst", present="1")
    spec, points = chart(at)
    assert spec["width"] == 900 and len(points) == 17
    assert at.toggle(key="mat_present").value is True
    assert not at.get("download_button") and not [b for b in at.button
                                                 if b.label == "Legg fram forslag"]
    assert any("display: none" in str(h.proto) for h in at.get("html"))


def test_exports_present(app_db):
    at = run_app(PAGE, role="analyst")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Last ned PNG", "Last ned SVG", "Last ned tabellen (xlsx)", "Last ned CSV",
                      "Last ned CSV",  # under the council's sources
                      "Rapport til kommunestyret (PDF)"]


def _boxes(points: pd.DataFrame, width=600, height=460, font=12, suffix="") -> list[tuple]:
    out = []
    for r in points.itertuples():
        w, h = 0.62 * font * len(str(r.subject)) + 2, font + 2
        cx = getattr(r, "label_x" + suffix) * width
        cy = (1 - getattr(r, "label_y" + suffix)) * height
        out.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    return out


@pytest.mark.parametrize("level", ["goal", "target"])
def test_labels_do_not_overlap_and_few_answers_are_hollow_with_an_outline(app_db, level):
    at = run_app(PAGE, role="analyst", goal="11")
    if level == "target":
        at.radio(key="mat_level").set_value("target").run()
    spec, points = chart(at)
    from sdg.charts import COMPACT, COMPACT_FONT
    # as a desktop draws it, and as a phone does (the browser picks by the chart's width)
    for (width, height), font, suffix in (((600, 460), 12, ""), (COMPACT, COMPACT_FONT, "c")):
        drawn = points if not suffix else points[points["label_c"] != ""]
        assert len(drawn) >= 0.9 * len(points)  # a phone leaves out the few with no room
        boxes = _boxes(drawn, width, height, font, suffix)
        for i, a in enumerate(boxes):
            assert 0 <= a[0] and a[2] <= width and 0 <= a[1] and a[3] <= height
            for b in boxes[i + 1:]:
                overlap = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
                assert not (overlap[0] > 0 and overlap[1] > 0), (suffix, a, b)
    layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    enc = layer["encoding"]
    assert layer["mark"]["filled"] is False
    assert enc["fillOpacity"]["condition"]["test"] == "datum.thin"
    assert enc["fillOpacity"]["condition"]["value"] == 0.0
    assert enc["strokeWidth"]["condition"]["value"] >= 2  # a visible outline when hollow
    assert enc["stroke"]["condition"]["field"] == "colour"  # in the goal's colour
    text = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text"
                and layer["encoding"]["text"]["field"] == "label")
    assert text["encoding"]["x"]["field"] == "lx"  # label_x, or label_xc when narrow
    assert "width < 450" in json.dumps(spec)
    assert "Slik leser du matrisen" in [e.label for e in at.expander]


def test_a_trial_workshop_moves_nothing_until_an_analyst_includes_it(app_db):
    import pandas as pd

    from sdg.auth import Actor

    store = open_store(app_db, seed=False)
    trial = pd.DataFrame([{"respondent": f"p{i}", "subject": "6", "axis": "priority",
                           "value": 5.0, "scale_min": 1.0, "scale_max": 5.0} for i in range(4)])
    sid = store.import_survey("3203", trial, name="Prøveverksted", kind="workshop",
                              actor=Actor("kari", "analyst"))
    store.close()
    at = run_app(PAGE, role="analyst")
    before = chart(at)[1].set_index("subject")["y"]
    sources = at.dataframe[1].value  # the sources of the council's matrix
    row = sources[sources["Id"] == sid].iloc[0]
    assert (row["Teller"], row["Hvorfor"]) == ("—", "ny, ikke tatt med")
    assert sid not in at.multiselect(key="mat_sources").options
    at.selectbox(key="mat_inc_pick").set_value(sid)
    at.radio(key="mat_inc_value").set_value("include")
    at.checkbox(key="mat_inc_confirm").check()
    next(b for b in at.button if b.label == "Lagre endringen").click().run()
    assert not at.exception
    after = chart(at)[1].set_index("subject")["y"]
    assert after["6"] > before["6"]  # four fives for goal 6 now count
    assert (after.drop("6") == before.drop("6")).all()
    log = open_store(app_db, seed=False).audit_log(Actor("a", "admin"))
    assert log.iloc[0]["action"] == "sources.include" and log.iloc[0]["actor"] == "test-analyst"
    # and out again: the matrix is as it was
    at.selectbox(key="mat_inc_pick").set_value(sid)
    at.radio(key="mat_inc_value").set_value("exclude")
    at.checkbox(key="mat_inc_confirm").check()
    next(b for b in at.button if b.label == "Lagre endringen").click().run()
    assert not at.exception
    again = chart(at)[1].set_index("subject")["y"]
    assert again["6"] == pytest.approx(before["6"])
