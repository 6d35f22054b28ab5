"""The benefits-plan page: editor, all-or-nothing save, change log, map, owner's view."""

from __future__ import annotations

import json

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from sdg.store import Store
from tests.apptest import run_app, shown, texts

PAGE = "pages/gevinstplan.py"
EDITOR = "benefits_editor_3203_0"  # the key of the first, unsaved version of 3203's plan


def table_with(at, column: str):
    """The first dataframe on the page that has ``column``."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def snapshot(path) -> list:
    s = Store(path)
    try:
        return [s.df(f"SELECT count(*), coalesce(bit_xor(hash(t::VARCHAR)), 0) FROM {t} t")
                .iloc[0].tolist() for t in ("benefit", "benefit_target", "benefit_history")]
    finally:
        s.close()


def edit(at, edited_rows=None, added_rows=None, deleted_rows=None):
    at.session_state[EDITOR] = {"edited_rows": edited_rows or {},
                                "added_rows": added_rows or [],
                                "deleted_rows": deleted_rows or []}
    at.run()
    at.button(key="benefits_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_plan_in_both_languages(app_db, lang):
    at = run_app(PAGE, role="analyst", lang=lang)
    assert at.title[0].value == ("Gevinstplan for 3203 Asker" if lang == "nb"
                                 else "Benefits-realisation plan for 3203 Asker")
    assert [t.label for t in at.tabs] == (
        ["Plan", "Gevinstkart", "Mine gevinster", "Endringslogg"] if lang == "nb"
        else ["Plan", "Benefit map", "My benefits", "Change log"])
    plan = at.data_editor(key=EDITOR).value
    assert len(plan) == 12 and plan["is_demo"].all()
    assert at.data_editor(key=EDITOR).editing_mode == "dynamic"
    assert plan.loc[0, "name"] == "Bedre læringsresultater i grunnskolen"
    assert (plan.loc[0, "zero_value"], plan.loc[0, "target_value"]) == (43.09, 44.5)
    badge = "DEMO – ikke ekte data" if lang == "nb" else "DEMO – not real data"
    assert badge in at.warning[0].value
    assert at.button(key="benefits_save").label == ("Lagre" if lang == "nb" else "Save")


@pytest.mark.parametrize("lang, message, reasons", [
    ("nb", "Ingenting er lagret: 2 feil må rettes først.",
     ["Gevinsten må ha et navn.", "Ukjent bærekraftsdelmål. Skriv for eksempel «4.1, 11.7»."]),
    ("en", "Nothing was saved: 2 errors must be corrected first.",
     ["The benefit needs a name.", "Unknown SDG target. Write for example “4.1, 11.7”."]),
])
def test_a_bad_edit_shows_every_problem_and_writes_nothing(app_db, lang, message, reasons):
    at = run_app(PAGE, role="analyst", lang=lang)
    before = snapshot(app_db)
    edit(at, edited_rows={0: {"name": ""}, 1: {"status_note": "Endret", "targets": "4.99"}})
    assert at.error[0].value == message
    problems = at.dataframe[1].value
    assert problems.iloc[:, 0].tolist() == [1, 2]  # rows as the user counts them
    assert problems.iloc[:, 2].tolist() == ["", "4.99"]
    assert problems.iloc[:, 3].tolist() == reasons
    assert snapshot(app_db) == before  # not even the good change of row 2 was saved


def test_a_good_edit_is_saved_and_shows_in_the_change_log(app_db):
    at = run_app(PAGE, role="analyst")
    edit(at, edited_rows={0: {"status_note": "Bra fremgang i 2024"}},
         added_rows=[{"goal_area": "klima_miljo", "name": "Flere elbiler", "kind": "others",
                      "indicator": "demo_klimagass", "targets": "13.2, 11.6",
                      "zero_value": 180400, "zero_date": "2019-12-31",
                      "target_value": 150000, "target_date": "2027-12-31",
                      "owner": "Klimasjef"}])
    assert at.success[0].value == "Lagret: 1 nye, 1 endret, 0 slettet."
    # the editor starts again from the stored plan, now with 13 rows
    plan = at.data_editor(key="benefits_editor_3203_1").value
    assert len(plan) == 13
    new = plan[plan["name"] == "Flere elbiler"].iloc[0]
    assert new["targets"] == "11.6, 13.2" and not new["is_demo"]
    log = table_with(at, "Endret av")  # benefit 1 is picked first in the change log
    assert log["Endret av"].tolist() == ["test-analyst", "system"]
    assert log["Endring"].tolist() == ["Endret", "Opprettet"]
    assert log["Status"].tolist()[0] == "Bra fremgang i 2024"
    s = Store(app_db)
    try:
        assert s.benefits("3203").set_index("id").at[1, "status_note"] == "Bra fremgang i 2024"
    finally:
        s.close()


def test_saving_without_changes(app_db):
    at = run_app(PAGE, role="analyst", lang="en")
    before = snapshot(app_db)
    at.button(key="benefits_save").click().run()
    assert at.info[0].value == "No changes to save."
    assert snapshot(app_db) == before


def test_the_benefit_map_has_nodes_in_un_colours(app_db):
    at = run_app(PAGE, role="analyst")
    chart = at.get("vega_lite_chart")[0].proto
    frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.datasets]
    nodes = next(f for f in frames if "node" in f.columns).set_index("node")
    edges = next(f for f in frames if "source" in f.columns)
    # goals 4, 8, 9, 11, 13, 16, 17; grunnskolepoeng and ten demo indicators
    assert nodes.groupby("level").size().to_dict() == {
        "goal": 7, "goal_area": 7, "benefit": 12, "indicator": 11}
    un = {4: "#C5192D", 9: "#FD6925", 11: "#FD9D24", 13: "#3F7E44", 17: "#19486A"}
    for goal, colour in un.items():
        assert nodes.at[f"goal:{goal}", "colour"] == colour
    assert nodes.at["benefit:1", "colour"] == "#C5192D"  # exit points serve goal 4
    assert "Grunnskolepoeng" in nodes["label"].tolist()
    assert "Klimagassutslipp i kommunen (demo)" in nodes["label"].tolist()
    spec = json.loads(chart.spec)
    layers = [layer["mark"]["type"] for layer in spec["layer"]]
    assert layers == ["rule", "circle", "text", "text"]
    assert spec["layer"][1]["encoding"]["color"] == {"field": "colour", "scale": None,
                                                     "type": "nominal"}
    # the table alternative lists every link
    assert len(table_with(at, "Fra")) == len(edges)


def test_the_owner_filter(app_db):
    at = run_app(PAGE, role="analyst")
    assert at.selectbox(key="benefits_owner").options[:2] == ["HR-direktør", "Klimasjef"]
    at.selectbox(key="benefits_owner").set_value("Klimasjef").run()
    view = table_with(at, "Siste verdi")
    assert view["Gevinst"].tolist() == ["Halvere klimagassutslippene innen 2030 (demo)",
                                        "Fossilfrie kommunale bygge- og anleggsplasser (demo)"]
    assert view["Siste verdi"].tolist() == [151200.0, 68.0]
    assert view["Målverdi"].tolist() == [90200.0, 100.0]
    assert "Klimasjef eier 2 gevinster." in texts(at)
    at.selectbox(key="benefits_owner").set_value("Kommunalsjef oppvekst").run()
    view = table_with(at, "Siste verdi")
    # exit points: latest figure is 3025's 44.0 (2021), 0.91 above the 43.09 zero point
    assert view.iloc[0]["Siste verdi"] == 44.0 and view.iloc[0]["År"] == 2021
    assert view.iloc[0]["Endring siden nullpunkt"] == pytest.approx(0.91)


def test_a_municipality_without_a_plan(app_db):
    at = run_app(PAGE, role="analyst", kommune="0301", lang="en")
    assert "has no benefits in its plan yet" in at.info[0].value
    assert not at.warning and not at.get("vega_lite_chart")
    assert len(at.data_editor(key="benefits_editor_0301_0").value) == 0


def test_a_plan_whose_goal_areas_are_no_longer_in_use_can_still_be_saved(app_db):
    """Asker sets up its own goal areas (copies of the seven), then retires one: the
    twelve benefits still link to the seven, which are no longer in use. The plan shows
    them marked, and a save goes through with a warning per benefit, not 12 errors."""
    from sdg.auth import Actor

    s = Store(app_db)
    try:
        admin = Actor("test-admin", "admin")
        own = s.copy_default_goal_areas("3203", actor=admin)
        s.retire_goal_area(own[0], actor=admin)
    finally:
        s.close()
    at = run_app(PAGE, role="analyst")
    edit(at, edited_rows={0: {"status_note": "Flyttes til nytt målområde"}})
    assert at.success[0].value == "Lagret: 0 nye, 1 endret, 0 slettet."
    assert at.warning[-1].value == "Lagret med 12 advarsler. Sjekk radene under."
    problems = at.dataframe[0].value
    assert set(problems.iloc[:, 3]) == {
        "Målområdet er ikke lenger i bruk (avviklet, eller erstattet av kommunens egne "
        "målområder). Planen kan lagres, men flytt gevinsten til et målområde i bruk."}


@pytest.mark.parametrize("lang, zero, target", [("nb", "43,09", "44,5"),
                                                ("en", "43.09", "44.5")])
def test_the_numbers_of_the_plan(app_db, lang, zero, target):
    # an editor's number columns follow the browser's locale ("localized"): a
    # data_editor takes no Styler for an editable column
    editor = run_app(PAGE, role="analyst", lang=lang).data_editor(key=EDITOR)
    columns = json.loads(editor.proto.columns)
    assert {columns[c]["type_config"]["format"] for c in ("zero_value", "target_value")} == {
        "localized"}
    # the read-only plan (a viewer) is written in the page's language
    at = run_app(PAGE, lang=lang)
    (plan,) = [d for d in at.dataframe if "zero_value" in d.value.columns]
    first = shown(plan).iloc[0]
    assert (first["zero_value"], first["target_value"]) == (zero, target)
    assert plan.value["zero_value"].dtype.kind == "f"
    assert not set(map(str, shown(plan).to_numpy().ravel())) & {"None", "nan", "NaT", "<NA>"}
    csv = "Last ned CSV" if lang == "nb" else "Download CSV"
    assert csv in [b.proto.label for b in at.get("download_button")]
