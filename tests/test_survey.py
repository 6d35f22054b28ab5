"""Tests of sdg.survey: good files in each layout and format, every kind of bad input."""

from __future__ import annotations

import io
from functools import partial

import pandas as pd
import pytest

from sdg.errors import InvalidInput
from sdg.materiality import aggregate
from sdg.survey import describe_problems, read_survey
from tests.workbooks import workbook_bytes

xlsx = partial(workbook_bytes, sheet="Svar")


def csv_bytes(rows: list[list], sep: str = ";", encoding: str = "utf-8") -> bytes:
    text = "\n".join(sep.join("" if c is None else str(c) for c in r) for r in rows) + "\n"
    return text.encode(encoding)


def problems(parse) -> list[tuple]:
    return [tuple(r) for r in parse.problems[["row", "column", "value", "reason"]].to_numpy()]


# --------------------------------------------------------------------------- good files
def test_wide_xlsx_with_attributes():
    rows = [["Respondent", "Bydel", "Aldersgruppe", "Vekt", "SDG 4", "Mål 11", "13 Stoppe klimaendringene"],
            ["a1", "Asker", "30–44", 1.2, 5, 4, 3],
            ["a2", "Hurum", "67+", 0.8, 2, None, 5]]
    p = read_survey(xlsx(rows), "undersokelse.xlsx", scale_min=1, scale_max=5)
    assert p.layout == "wide" and p.problems.empty
    assert p.detected["subject_columns"] == {"SDG 4": "4", "Mål 11": "11",
                                             "13 Stoppe klimaendringene": "13"}
    assert p.detected["sheet"] == "Svar" and p.detected["scale_source"] == "caller"
    r = p.ratings
    assert len(r) == 5                      # one blank answer is no rating
    assert list(r.columns[:7]) == ["respondent", "subject", "axis", "value", "weight",
                                   "scale_min", "scale_max"]
    first = r.iloc[0].to_dict()
    assert first["respondent"] == "a1" and first["subject"] == "4" and first["value"] == 5
    assert first["weight"] == 1.2 and first["district"] == "Asker" and first["age_band"] == "30–44"
    assert set(r["axis"]) == {"priority"}
    # the parse feeds straight into the aggregation
    out = aggregate(r.assign(source="survey"))
    assert set(out["subject"]) == {"4", "11", "13"}


def test_wide_csv_latin1_semicolon_decimal_comma_and_inferred_scale():
    rows = [["id", "gruppe", "sdg4", "Mål 6", "Delmål 11.2"], ["1", "ungdom", "7", "2,5", "0"],
            ["2", "ungdom", "10", "4", "3"]]
    p = read_survey(csv_bytes(rows, ";", "latin-1"), "svar.csv")
    assert p.problems.empty
    assert p.detected["encoding"] == "latin-1" and p.detected["delimiter"] == ";"
    assert p.detected["scale"] == (0.0, 10.0) and p.detected["scale_source"] == "inferred"
    assert "0–10" in p.detected["scale_note"]
    assert p.detected["subject_columns"] == {"sdg4": "4", "Mål 6": "6", "Delmål 11.2": "11.2"}
    assert sorted(p.ratings["value"]) == [0, 2.5, 3, 4, 7, 10]
    assert set(p.ratings["group"]) == {"ungdom"}


def test_wide_csv_utf8_bom_comma_numeric_headers():
    rows = [["4", "9", "17"], ["5", "4", "3"], ["4", "4", "4"]]
    data = b"\xef\xbb\xbf" + csv_bytes(rows, ",")
    p = read_survey(data, "svar.csv")
    assert p.detected["encoding"] == "utf-8-sig" and p.detected["delimiter"] == ","
    assert p.detected["scale"] == (1.0, 5.0)
    assert p.ratings["respondent"].tolist()[:3] == ["r2", "r2", "r2"]  # row numbers as ids


def test_long_xlsx_with_axis_column():
    rows = [["respondent", "mål", "akse", "verdi"], ["p1", "SDG 4", "Prioritet", 5],
            ["p1", "SDG 4", "påvirkning", 3], ["p2", "11.2", "prioritet", 4]]
    p = read_survey(xlsx(rows), "lang.xlsx", scale_min=1, scale_max=5)
    assert p.layout == "long" and p.problems.empty
    assert p.ratings[["respondent", "subject", "axis", "value"]].values.tolist() == [
        ["p1", "4", "priority", 5.0], ["p1", "4", "influence", 3.0], ["p2", "11.2", "priority", 4.0]]


def test_long_csv_without_axis_uses_parameter_and_sheet_choice():
    rows = [["respondent", "subject", "value"], ["x", "13", "2"]]
    p = read_survey(csv_bytes(rows, ","), "l.csv", axis="influence", scale_min=1, scale_max=5)
    assert p.ratings["axis"].tolist() == ["influence"]
    data = xlsx([["SDG 1"], [3]], sheet="Ark2")
    assert read_survey(data, "a.xlsx", sheet="Ark2").detected["sheet"] == "Ark2"


# --------------------------------------------------------------------------- bad input
def test_out_of_scale_value():
    p = read_survey(csv_bytes([["id", "SDG 4"], ["1", "6"], ["2", "3"]]), "f.csv",
                    scale_min=1, scale_max=5)
    assert problems(p) == [(2, "SDG 4", "6", "out_of_scale")]
    assert p.ratings["value"].tolist() == [3.0]


def test_non_numeric_value():
    p = read_survey(csv_bytes([["id", "SDG 4", "SDG 5"], ["1", "vet ikke", "2"]]), "f.csv")
    assert problems(p) == [(2, "SDG 4", "vet ikke", "not_numeric")]
    assert p.ratings["subject"].tolist() == ["5"]


def test_unknown_goal_column():
    p = read_survey(csv_bytes([["SDG 4", "SDG 18"], ["3", "4"]]), "f.csv")
    assert problems(p) == [(1, "SDG 18", "SDG 18", "unknown_goal")]
    assert p.ratings["subject"].tolist() == ["4"]


def test_unknown_target_against_known_list():
    p = read_survey(csv_bytes([["11.1", "Delmål 11.9"], ["3", "4"]]), "f.csv",
                    known_targets=["11.1", "11.2"])
    assert problems(p) == [(1, "Delmål 11.9", "Delmål 11.9", "unknown_target")]


def test_target_pattern_check_without_list():
    p = read_survey(csv_bytes([["11.1", "19.2"], ["3", "4"]]), "f.csv")
    assert problems(p) == [(1, "19.2", "19.2", "unknown_target")]


def test_empty_row_inside_data_is_info_and_trailing_ones_ignored():
    rows = [["id", "SDG 4"], ["1", "3"], [None, None], ["2", "4"], [None, None], [None, None]]
    p = read_survey(xlsx(rows), "f.xlsx")
    assert problems(p) == [(3, "", "", "empty_row")]
    assert p.problems["severity"].tolist() == ["info"]
    assert len(p.ratings) == 2


def test_duplicate_respondent_id():
    rows = [["id", "SDG 4"], ["7", "3"], ["8", "4"], ["7", "5"]]
    p = read_survey(csv_bytes(rows), "f.csv")
    assert problems(p) == [(4, "id", "7", "duplicate_respondent")]
    assert p.ratings["value"].tolist() == [3.0, 4.0]


def test_no_subject_columns():
    p = read_survey(csv_bytes([["navn", "kommentar"], ["Ola", "bra"]]), "f.csv")
    assert problems(p) == [(1, "", "", "no_subjects")]
    assert p.ratings.empty
    assert p.detected["ignored_columns"] == ["navn", "kommentar"]


def test_bad_weight():
    rows = [["id", "vekt", "SDG 4"], ["1", "-1", "3"], ["2", "tung", "3"], ["3", "", "3"],
            ["4", "0,5", "3"]]
    p = read_survey(csv_bytes(rows), "f.csv")
    assert problems(p) == [(2, "vekt", "-1", "bad_weight"), (3, "vekt", "tung", "bad_weight"),
                           (4, "vekt", "", "bad_weight")]
    assert p.ratings["weight"].tolist() == [0.5]


def test_long_form_problems():
    rows = [["respondent", "subject", "value"], ["a", "Fred", "3"], ["a", "SDG 4", "3"],
            ["a", "SDG 4", "4"], ["b", "", "2"], ["b", "SDG 20", "1"], ["c", "7", "x"]]
    p = read_survey(csv_bytes(rows, ","), "l.csv", scale_min=1, scale_max=5)
    assert problems(p) == [
        (2, "subject", "Fred", "unknown_subject"),
        (4, "respondent", "a", "duplicate_rating"),
        (5, "subject", "", "missing_value"),
        (6, "subject", "SDG 20", "unknown_goal"),
        (7, "value", "x", "not_numeric"),
    ]
    assert p.ratings[["respondent", "subject", "value"]].values.tolist() == [["a", "4", 3.0]]


def test_every_problem_reported_at_once_in_row_order():
    rows = [["id", "SDG 4", "SDG 99", "SDG 5"], ["1", "9", "1", "x"], ["1", "3", "1", "2"],
            [None, None, None, None], ["2", "2", "1", "3"]]
    p = read_survey(xlsx(rows), "f.xlsx", scale_min=1, scale_max=5)
    assert problems(p) == [
        (1, "SDG 99", "SDG 99", "unknown_goal"),
        (2, "SDG 4", "9", "out_of_scale"),
        (2, "SDG 5", "x", "not_numeric"),
        (3, "id", "1", "duplicate_respondent"),
        (4, "", "", "empty_row"),
    ]
    assert p.problems["sheet"].unique().tolist() == ["Svar"]
    assert describe_problems(p.problems, "en").iloc[1] == "The value is outside the scale."


# --------------------------------------------------------------------------- unreadable
@pytest.mark.parametrize(
    ("data", "name", "key"),
    [(b"", "tom.csv", "materiality.err.file_empty"),
     (b"%PDF-1.4 ...", "svar.pdf", "materiality.err.file_type"),
     (b"this is not a zip file at all", "svar.xlsx", "materiality.err.file_corrupt"),
     (b"\n\n;;\n", "blank.csv", "materiality.err.no_rows")],
)
def test_unreadable_files_raise_with_file_name(data, name, key):
    with pytest.raises(InvalidInput) as exc:
        read_survey(data, name)
    assert exc.value.key == key
    assert name in exc.value.message("nb") and name in exc.value.message("en")


def test_missing_sheet_and_half_a_scale():
    with pytest.raises(InvalidInput) as exc:
        read_survey(xlsx([["SDG 1"], [1]]), "a.xlsx", sheet="Finnes ikke")
    assert exc.value.key == "materiality.err.sheet_missing"
    assert "Svar" in exc.value.message("en")
    with pytest.raises(InvalidInput):
        read_survey(csv_bytes([["SDG 1"], [1]]), "a.csv", scale_min=1)


def test_problem_frame_columns_when_clean():
    p = read_survey(csv_bytes([["SDG 1"], ["1"]]), "a.csv")
    assert list(p.problems.columns) == ["sheet", "row", "column", "value", "reason", "severity"]
    assert isinstance(p.ratings, pd.DataFrame)


# ------------------------------------------------------------- one upload reader (issue 11)
def test_survey_uploads_pass_the_same_checks_as_indicator_files():
    """A 25 kB file that unpacks to 20 MB is refused as a survey too (zip bomb)."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "0" * 20_000_000)
    bomb = buf.getvalue()
    assert len(bomb) < 100_000
    with pytest.raises(InvalidInput) as exc:
        read_survey(bomb, "svar.xlsx")
    assert exc.value.key == "ingest.err.zip_bomb"
    with pytest.raises(InvalidInput) as exc:
        read_survey(b"x" * (51 * 1024 * 1024), "svar.csv")
    assert exc.value.key == "ingest.err.too_large"


def test_survey_csv_in_utf16_with_a_bom():
    p = read_survey("id;SDG 4\n1;5\n2;3\n".encode("utf-16"), "s.csv")
    assert len(p.ratings) == 2


def _with_hidden_sheet(first_hidden: bool, only_hidden: bool = False) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Gamle svar"
    for row in [["SDG 1"], [1], [1]]:
        hidden.append(row)
    shown = wb.create_sheet("Svar", 1 if first_hidden else 0)
    for row in [["Respondent", "SDG 4"], ["a1", 5], ["a2", 4]]:
        shown.append(row)
    hidden.sheet_state = "hidden"
    wb.active = 1 if first_hidden else 0
    buf = io.BytesIO()
    wb.save(buf)
    if not only_hidden:
        return buf.getvalue()
    import zipfile  # openpyxl refuses to save a workbook with no visible sheet; a file can

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'sheetId="2" state="visible"', b'sheetId="2" state="veryHidden"')
            dst.writestr(item, data)
    return out.getvalue()


def test_a_hidden_sheet_is_not_read_unless_named_and_is_listed():
    p = read_survey(_with_hidden_sheet(first_hidden=True), "svar.xlsx", scale_min=1,
                    scale_max=5)
    assert p.detected["sheet"] == "Svar"
    assert set(p.ratings["subject"]) == {"4"}  # nothing of the hidden sheet's goal 1
    (row,) = p.problems.to_dict("records")
    assert (row["sheet"], row["reason"], row["severity"]) == ("Gamle svar", "hidden_sheet",
                                                              "info")
    named = read_survey(_with_hidden_sheet(first_hidden=True), "svar.xlsx", scale_min=1,
                        scale_max=5, sheet="Gamle svar")
    assert set(named.ratings["subject"]) == {"1"}
    with pytest.raises(InvalidInput) as exc:
        read_survey(_with_hidden_sheet(True, only_hidden=True), "svar.xlsx")
    assert exc.value.key == "materiality.err.only_hidden_sheets"
    assert "Gamle svar, Svar" in exc.value.message("nb")
