"""The Data pages: the import wizard (AppTest with file_uploader) and the history."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from sdg.auth import Actor
from sdg.store import open_store
from tests.apptest import run_app, shown, texts

PAGE = "pages/data_import.py"
HISTORY = "pages/data_historikk.py"
CSV = ('"kommunenummer";"indikator";"år";"verdi"\n'
       '"3203";"Lekeplasser";2024;12\n"3201";"Lekeplasser";2024;30\n').encode()


def _checksum(path):
    store = open_store(path, seed=False)
    try:
        return store.content_checksum()
    finally:
        store.close()


def test_good_file_is_imported_and_shown_in_history(app_db):
    at = run_app(PAGE, role="analyst")
    assert "Importer indikatortall" in texts(at)
    at.file_uploader[0].set_value(("lek.csv", CSV, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    body = texts(at)
    assert "2 rader er klare til import" in body
    assert at.selectbox[0].value == "__new__"  # a new indicator, fields prefilled
    assert _field(at, "nb_").value == "Lekeplasser"
    assert _field(at, "en_").value == ""  # the English name is not the Norwegian one
    assert "3 rader lest, 2 importert, 1 hoppet over: 1 overskriftsrad" in body
    at.button(key="import_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Importerte 2 rader som import" in texts(at)

    at.switch_page(HISTORY).run()
    table = at.dataframe[0].value
    assert table.iloc[0]["Fil"] == "lek.csv" and table.iloc[0]["Tilstand"] == "aktiv"
    assert "Indikatorene importen opprettet skjules også: Lekeplasser." in texts(at)
    assert at.button(key="undo").disabled  # asks for confirmation first
    at.checkbox[0].check().run()
    at.button(key="undo").click().run()
    assert "er angret" in texts(at)
    store = open_store(app_db, seed=False)
    try:  # the indicator the undone batch created is gone from every list
        assert "lekeplasser" not in set(store.indicators()["id"])
    finally:
        store.close()
    assert at.dataframe[0].value.iloc[0]["Tilstand"] == "angret"
    at.button(key="redo").click().run()
    assert at.dataframe[0].value.iloc[0]["Tilstand"] == "aktiv"


def _field(at, prefix: str):
    """The one text input whose key starts with ``prefix`` (keys carry the file)."""
    (found,) = [w for w in at.text_input if str(w.key).startswith(prefix)]
    return found


def test_a_second_file_in_the_same_session_starts_fresh(app_db):
    at = run_app(PAGE, role="analyst")
    at.file_uploader[0].set_value(("lek.csv", CSV, "text/csv")).run()
    _field(at, "nb_").set_value("Mine lekeplasser").run()
    _field(at, "unit_").set_value("antall").run()
    assert _field(at, "nb_").value == "Mine lekeplasser"
    other = CSV.replace(b"Lekeplasser", b"Badeplasser")
    at.file_uploader[0].set_value(("bad.csv", other, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _field(at, "nb_").value == "Badeplasser"  # not the first file's name
    assert _field(at, "unit_").value == ""
    assert _field(at, "id_").value == "badeplasser"


def test_weighting_indicator_is_none_until_chosen_and_shown_by_name(app_db):
    at = run_app(PAGE, role="analyst")
    at.file_uploader[0].set_value(("lek.csv", CSV, "text/csv")).run()
    (agg,) = [s for s in at.selectbox if str(s.key).startswith("agg_")]
    agg.set_value("weighted").run()
    (den,) = [s for s in at.selectbox if str(s.key).startswith("den_")]
    assert den.value is None
    store = open_store(app_db, seed=False)
    try:
        ind = store.indicators()
    finally:
        store.close()
    assert set(den.options) == set(ind["name_nb"])  # by name, not by id
    before = _checksum(app_db)
    at.button(key="import_go").click().run()  # refused until a weighting is chosen
    assert at.error and _checksum(app_db) == before


def test_partial_import_asks_and_imports_the_rest(app_db):
    at = run_app(PAGE, role="analyst")
    bad = CSV + b'"9999";"Lekeplasser";2024;5\n'
    at.file_uploader[0].set_value(("delvis.csv", bad, "text/csv")).run()
    assert at.error and "import_go" not in [b.key for b in at.button]
    (box,) = [c for c in at.checkbox if str(c.key).startswith("partial_")]
    box.check().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "4 rader lest, 2 importert, 2 hoppet over" in texts(at)
    at.button(key="import_go").click().run()
    assert "Importerte 2 rader som import" in texts(at)


def test_a_file_without_a_year_asks_for_one(app_db):
    at = run_app(PAGE, role="analyst")
    data = b"kommunenr;antall\n3203;12\n3201;30\n"
    at.file_uploader[0].set_value(("uten_aar.csv", data, "text/csv")).run()
    assert "ingen periode" in texts(at) and "import_go" not in [b.key for b in at.button]
    at.number_input[0].set_value(2024).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "2 rader er klare til import" in texts(at)


def test_a_workbook_with_several_sheets_lets_the_user_choose_one(app_db):
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Tall"
    for row in [["kommunenummer", "indikator", "år", "verdi"], ["3203", "Lekeplasser", 2024, 12]]:
        wb.active.append(row)
    notes = wb.create_sheet("Kladd")
    notes.append(["regnestykker", 1, 2])
    buf = io.BytesIO()
    wb.save(buf)
    at = run_app(PAGE, role="analyst")
    at.file_uploader[0].set_value(("to_ark.xlsx", buf.getvalue(), "application/zip")).run()
    assert "1 rader er klare til import" in texts(at)
    assert "Ark Kladd:" in texts(at)  # the scratch sheet is named in the reconciliation
    (pick,) = [s for s in at.selectbox if str(s.key).startswith("import_sheet_")]
    pick.set_value("Tall").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Ark Kladd:" not in texts(at)


def test_bad_file_gives_an_error_and_writes_nothing(app_db):
    before = _checksum(app_db)
    at = run_app(PAGE, role="analyst")
    at.file_uploader[0].set_value(("x.xlsx", b"PK\x03\x04 broken", "application/zip")).run()
    assert at.error and "skadet eller ufullstendig" in at.error[0].value
    assert "import_go" not in [b.key for b in at.button]
    assert _checksum(app_db) == before


def test_problems_are_listed_and_block_the_import(app_db):
    before = _checksum(app_db)
    at = run_app(PAGE, role="analyst", lang="en")
    bad = CSV + b'"9999";"Lekeplasser";1900;mye\n'
    at.file_uploader[0].set_value(("bad.csv", bad, "text/csv")).run()
    assert at.error and "problems" in at.error[0].value
    problems = at.dataframe[-1].value
    assert list(problems.columns) == ["Sheet", "Row", "Column", "Value", "Problem"]
    assert len(problems) == 3
    assert "import_go" not in [b.key for b in at.button]
    assert _checksum(app_db) == before


def test_history_shows_an_import_made_elsewhere_on_the_next_run(app_db):
    # The history is cached per batch-list version, not only cleared by this app: an
    # import from another session or `sdg import` shows on the next rerun.
    at = run_app(HISTORY, role="analyst")
    before = len(at.dataframe[0].value)
    store = open_store(app_db, seed=False)
    try:
        store.commit_import(Actor("cli", "analyst"), {"file_name": "cli.csv"}, pd.DataFrame({
            "municipality": ["3203"], "indicator": ["befolkning"], "year": [2024],
            "value": [1.0], "status_symbol": [None], "note": [None]}))
    finally:
        store.close()
    at.run()
    table = at.dataframe[0].value
    assert len(table) == before + 1 and table.iloc[0]["Fil"] == "cli.csv"


def test_a_hidden_sheet_is_offered_marked_unselected_and_read_only_when_chosen(app_db):
    from tests.workbooks import hidden_sheet_bytes

    at = run_app(PAGE, role="analyst")
    at.file_uploader[0].set_value(("skjult.xlsx", hidden_sheet_bytes(), "application/zip")).run()
    assert not at.exception, [e.value for e in at.exception]
    body = texts(at)
    assert "1 rader er klare til import" in body and "Skjult ark «Skjult»" in body
    assert _field(at, "nb_").value == "Lekeplasser"  # only the visible sheet's series
    assert "Skjulte tall" not in [w.value for w in at.text_input]
    (pick,) = [s for s in at.selectbox if str(s.key).startswith("import_sheet_")]
    assert pick.value is None  # unselected: every visible sheet is read
    assert pick.options == ["Synlig", "Skjult (skjult ark, ikke lest før du velger det)"]
    pick.set_value("Skjult").run()
    assert not at.exception, [e.value for e in at.exception]
    assert _field(at, "nb_").value == "Skjulte tall"
    assert "Ark Skjult: 2 rader lest, 1 importert" in texts(at)
    assert "Skjult: Kolonner som ikke er tall: A: regionkolonne" in texts(at)  # columns too
    at.button(key="import_go").click().run()
    assert "Importerte 1 rader som import" in texts(at)
    store = open_store(app_db, seed=False)
    try:
        assert store.observations("skjulte_tall", ["3201"])["value"].tolist() == [99.0]
    finally:
        store.close()


def test_an_english_name_left_empty_is_stored_empty_and_shown_marked(app_db):
    at = run_app(PAGE, role="analyst")
    at.file_uploader[0].set_value(("lek.csv", CSV, "text/csv")).run()
    assert _field(at, "en_").value == ""
    at.button(key="import_go").click().run()
    assert "Importerte 2 rader som import" in texts(at)
    store = open_store(app_db, seed=False)
    try:  # stored empty, not as the Norwegian name
        raw = store.scalar("SELECT name_en FROM indicator WHERE id = 'lekeplasser'")
        shown = store.indicators().set_index("id").loc["lekeplasser"]
    finally:
        store.close()
    assert raw == ""
    assert shown["name_en"] == "Lekeplasser (not translated)" and shown["name_nb"] == "Lekeplasser"
    english = run_app(HISTORY, role="analyst", lang="en")
    body = texts(english)
    assert "Lekeplasser (not translated)" in body  # what the batch's undo would hide
    norsk = run_app(HISTORY, role="analyst")
    assert "Lekeplasser." in texts(norsk) and "not translated" not in texts(norsk)


def test_an_english_name_given_is_stored_as_given(app_db):
    at = run_app(PAGE, role="analyst")
    at.file_uploader[0].set_value(("lek.csv", CSV, "text/csv")).run()
    _field(at, "en_").set_value("Playgrounds").run()
    at.button(key="import_go").click().run()
    store = open_store(app_db, seed=False)
    try:
        assert store.scalar("SELECT name_en FROM indicator WHERE id = 'lekeplasser'") == (
            "Playgrounds")
        assert store.indicators().set_index("id").loc["lekeplasser", "name_en"] == "Playgrounds"
    finally:
        store.close()


BIG = ('"kommunenummer";"indikator";"år";"verdi"\n'
       '"3203";"Lekeplasser";2024;1234,5\n"3201";"Lekeplasser";2024;30\n').encode()
FORMATS = [  # value with one decimal (a new indicator: every decimal), a head count, time
    ("nb", "1\u00a0234,5", "93\u00a0679", r"\d\d\.\d\d\.\d{4} \d\d:\d\d"),
    ("en", "1,234.5", "93,679", r"\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d"),
]


@pytest.mark.parametrize("lang, value, count, when", FORMATS)
def test_the_wizard_preview_writes_numbers_in_the_language(app_db, lang, value, count,
                                                            when):
    at = run_app(PAGE, role="analyst", lang=lang)
    at.file_uploader[0].set_value(("lek.csv", BIG, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    preview = at.dataframe[-1]
    assert value in shown(preview).iloc[:, 3].tolist()  # the value column
    assert preview.value.iloc[:, 3].dtype.kind == "f"  # the cells stay numbers (sorting)
    assert _csv_buttons(at) == 1  # under the preview (no problems, no changes here)


@pytest.mark.parametrize("lang, value, count, when", FORMATS)
def test_the_history_writes_times_and_numbers_in_the_language(app_db, lang, value, count,
                                                              when):
    store = open_store(app_db, seed=False)
    try:  # befolkning is a head count (no decimals), grunnskolepoeng has one
        store.commit_import(Actor("cli", "analyst"), {"file_name": "cli.csv"}, pd.DataFrame({
            "municipality": ["3203", "3203"], "indicator": ["befolkning", "grunnskolepoeng"],
            "year": [2024, 2024], "value": [93679.0, 1234.5], "status_symbol": [None, None],
            "note": [None, None]}))
    finally:
        store.close()
    at = run_app(HISTORY, role="analyst", lang=lang)
    history, rows = shown(at.dataframe[0]), shown(at.dataframe[1])
    assert re.fullmatch(when, history.iloc[0, 1]), history.iloc[0, 1]
    assert history.iloc[0, 3] == "cli.csv"
    assert sorted(rows.iloc[:, 3]) == sorted([count, value]), rows
    for table in (history, rows):
        cells = set(map(str, table.to_numpy().ravel()))
        assert not cells & {"None", "nan", "NaT", "<NA>"}, cells
    assert _csv_buttons(at) == 2  # under the history and under the batch's rows


def _csv_buttons(at) -> int:
    return sum(b.proto.label in ("Last ned CSV", "Download CSV")
               for b in at.get("download_button"))


def test_counts_on_the_button_and_after_the_import_read_the_norwegian_way(app_db):
    """37736 on the button next to "37 736 rader er klare" was the way a count was
    written before: every count the wizard shows is written as the reader reads it."""
    seed = pd.read_csv("data/seed/municipalities.csv", dtype=str)
    today = seed["valid_to"].isna() & (seed["valid_from"].astype(int) <= 2024)
    codes = seed.loc[today, "code"]  # the 357 municipalities of 2024–2026: 1,071 rows
    lines = ['"kommunenummer";"indikator";"år";"verdi"'] + [
        f'"{code}";"Lekeplasser";{year};{n}'
        for n, (code, year) in enumerate((c, y) for c in codes for y in (2024, 2025, 2026))]
    at = run_app(PAGE, role="analyst")
    at.file_uploader[0].set_value(("mange.csv", "\n".join(lines).encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    rows = len(lines) - 1
    label = at.button(key="import_go").label
    assert label == f"Importer {rows // 1000}\u00a0{rows % 1000:03d} rader", label
    at.button(key="import_go").click().run()
    assert f"Importerte {rows // 1000}\u00a0{rows % 1000:03d} rader som import" in texts(at)
