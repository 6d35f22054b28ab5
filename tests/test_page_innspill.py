"""Innspill: survey upload (good and bad, xlsx and csv) and the administration's assessment."""

from __future__ import annotations

import io

import openpyxl
import pytest

from sdg.store import open_store
from tests.apptest import run_app, texts

PAGE = "pages/innspill.py"
GOOD = "id;gruppe;SDG 4;Mål 13;11.2\n1;ungdom;5;4;3\n2;eldre;3;;2\n3;ungdom;4;5;5\n".encode()
BAD = "id;SDG 4;Mål 13;SDG 19\n1;5;x;3\n2;9;4;2\n2;3;3;3\n".encode()


def upload(at, data: bytes, name: str, mime: str = "text/csv"):
    at.get("file_uploader")[0].set_value((name, data, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def counts(path) -> dict:
    store = open_store(path, seed=False)
    return {t: store.scalar(f"SELECT count(*) FROM {t}")  # noqa: S608
            for t in ("rating_source", "respondent", "rating")}


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("lang, word", [("nb", "Importert"), ("en", "Imported")])
def test_good_csv_is_detected_and_imported(app_db, lang, word):
    at = upload(run_app(PAGE, role="analyst", lang=lang), GOOD, "innbyggere.csv")
    body = texts(at)
    assert "SDG 4" not in body or "4, 13, 11.2" in body
    assert "4, 13, 11.2" in body and "';'" in body and "utf-8" in body
    assert at.text_input(key="inn_name").value == "innbyggere"
    before = counts(app_db)
    next(b for b in at.button if b.proto.label in ("Importer", "Import")).click().run()
    assert word in texts(at)
    after = counts(app_db)
    assert after["rating_source"] == before["rating_source"] + 1
    assert after["respondent"] == before["respondent"] + 3
    assert after["rating"] == before["rating"] + 8
    source = open_store(app_db, seed=False).rating_sources("3203").iloc[-1]
    assert (source["name"], source["actor"], source["file_name"]) == \
        ("innbyggere", "test-analyst", "innbyggere.csv")


def test_xlsx_with_scale_chosen_by_the_user(app_db):
    data = xlsx([["Respondent", "Mål 4", "Mål 13"], [1, 7, 6], [2, 5, 4]])
    at = upload(run_app(PAGE, role="analyst"), data, "u.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert at.selectbox(key="inn_scale").value == (1.0, 7.0)
    at.selectbox(key="inn_scale").set_value((0.0, 10.0)).run()
    at.text_input(key="inn_name").input("Skala 0–10").run()
    next(b for b in at.button if b.proto.label == "Importer").click().run()
    assert "Importert" in texts(at)
    src = open_store(app_db, seed=False).rating_sources("3203").iloc[-1]
    assert (src["scale_min"], src["scale_max"]) == (0.0, 10.0)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_bad_survey_lists_every_problem_and_imports_nothing(app_db, lang):
    at = upload(run_app(PAGE, role="analyst", lang=lang), BAD, "feil.csv")
    problems = at.dataframe[0].value
    cells = set(zip(problems.iloc[:, 0], problems.iloc[:, 1], strict=True))
    # unknown goal 19 in the header, "x" not a number, 9 off the scale 1–5, repeated id 2
    assert {(1, "SDG 19"), (2, "Mål 13"), (4, "id")} <= cells
    at.selectbox(key="inn_scale").set_value((1.0, 5.0)).run()
    problems = at.dataframe[0].value
    assert (3, "SDG 4") in set(zip(problems.iloc[:, 0], problems.iloc[:, 1], strict=True))
    assert at.error and ("feil" in at.error[0].value or "errors" in at.error[0].value)
    button = next(b for b in at.button if b.proto.label in ("Importer", "Import"))
    assert button.proto.disabled
    before = counts(app_db)
    at.run()  # a rerun with the file still there writes nothing either
    assert counts(app_db) == before


def test_unreadable_file_gives_a_message(app_db):
    at = upload(run_app(PAGE, role="analyst"), b"", "tom.csv")
    assert at.error and "tom" in at.error[0].value


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_assessment_edit_is_saved_as_a_new_version(app_db, lang):
    at = run_app(PAGE, role="analyst", lang=lang)
    editor = next(d for d in at.dataframe if d.proto.id and "inn_editor_goal" in d.proto.id)
    assert len(editor.value) == 17
    label = "Lagre vurderingen" if lang == "nb" else "Save the assessment"
    next(b for b in at.button if b.proto.label == label).click()
    edit_and_run(at, editor, {"3": {"value": 1.0}})  # row 3 = goal 4: influence 1
    assert not at.exception
    assert at.success
    store = open_store(app_db, seed=False)
    assessment = store.assessment("3203").set_index("subject")["value"]
    assert assessment["4"] == 1.0 and len(assessment) == 17 + 169
    admin = store.rating_sources("3203").query("kind == 'administration'")
    assert len(admin) == 2 and admin.iloc[-1]["actor"] == "test-analyst"
    # the new version is out of the council's matrix until an analyst includes it
    assert not admin.iloc[-1]["included"] and admin.iloc[0]["current"]
    assert "Vesentlighetsmatrise" in texts(at) or "Materiality" in texts(at)


def edit_and_run(at, editor, edited_rows: dict) -> None:
    """Run with the data editor's cells edited as a browser would send them.

    AppTest has no data_editor API: add the editor's widget state (its JSON value) to
    the states of the other widgets and run once through AppTest's private ``_run``.
    """
    import json

    from streamlit.proto.WidgetStates_pb2 import WidgetState

    states = at._tree.get_widget_states()
    state = WidgetState(id=editor.proto.id)
    state.string_value = json.dumps({"edited_rows": edited_rows, "added_rows": [],
                                     "deleted_rows": []})
    states.widgets.append(state)
    at._run(states)
