"""Bad-input corpus for sdg.ingest: each case names its message key and never crashes."""

from __future__ import annotations

import io
import zipfile
from functools import partial

import openpyxl
import pytest

from sdg.errors import InvalidInput
from sdg.ingest import parse_file
from tests.workbooks import hidden_sheet_bytes, workbook_bytes

xlsx_bytes = partial(workbook_bytes, sheet="Ark1")


def error_key(data: bytes, filename: str, **kwargs: object) -> str:
    with pytest.raises(InvalidInput) as info:
        parse_file(data, filename, **kwargs)
    assert info.value.message("en") != info.value.key  # the text exists in the catalogue
    assert filename in info.value.message("nb") or "sheet" in kwargs
    return info.value.key


GOOD = [["kommunenummer", "indikator", "år", "verdi"], ["3203", "Folketall", 2024, 98000]]


def test_too_large() -> None:
    assert error_key(xlsx_bytes(GOOD), "big.xlsx", max_bytes=100) == "ingest.err.too_large"


def test_zip_bomb_refused_before_unpacking() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    assert error_key(buf.getvalue(), "bomb.xlsx") == "ingest.err.zip_bomb"


def test_password_protected_ole() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le")
    assert error_key(data, "secret.xlsx") == "ingest.err.password"


def test_ole_that_is_not_a_valid_xls_is_corrupt() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024
    assert error_key(data, "old.xls") == "ingest.err.corrupt"


def test_truncated_zip() -> None:
    data = xlsx_bytes(GOOD)
    assert error_key(data[: len(data) // 2], "cut.xlsx") == "ingest.err.corrupt"


def test_empty_workbook() -> None:
    assert error_key(xlsx_bytes([]), "empty.xlsx") == "ingest.err.empty_workbook"
    assert error_key(b"", "empty.csv") == "ingest.err.empty_workbook"


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"%PDF-1.7 ...", "report.pdf"), (b"\x89PNG\r\n", "chart.png"), (b"hello", "notes.docx")],
)
def test_unsupported_type(data: bytes, name: str) -> None:
    assert error_key(data, name) == "ingest.err.unsupported_type"


def test_docx_zip_is_unsupported() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert error_key(buf.getvalue(), "letter.docx") == "ingest.err.unsupported_type"


def test_invalid_json_and_non_jsonstat() -> None:
    assert error_key(b"{not json", "x.json") == "ingest.err.corrupt"
    assert error_key(b'{"class": "dataset"}', "x.json") == "ingest.err.bad_jsonstat"


def test_unknown_sheet() -> None:
    key = error_key(xlsx_bytes(GOOD), "a.xlsx", sheet="Nope")
    assert key == "ingest.err.sheet_not_found"


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_sheet_is_listed_and_read_only_when_chosen(state: str) -> None:
    data = hidden_sheet_bytes(state)
    result = parse_file(data, "skjult.xlsx")
    assert [t.title for t in result.tables] == ["Lekeplasser"]  # the hidden data is not read
    assert list(result.read_rows) == ["Synlig"]
    assert result.sheets == ("Synlig", "Skjult") and result.hidden == ("Skjult",)
    (note,) = result.explanations
    assert note.key == "ingest.explain.hidden_sheet"
    assert note.message("nb") == ("Skjult ark «Skjult» i skjult.xlsx er ikke lest; velg det "
                                  "med --sheet «Skjult» (eller under «Ark» i veiviseren) for å "
                                  "lese det.")
    assert "Hidden sheet" in note.message("en") and "ikkje lese" in note.message("nn")
    chosen = parse_file(data, "skjult.xlsx", sheet="Skjult")
    assert [t.title for t in chosen.tables] == ["Skjulte tall"]
    assert chosen.tables[0].data["value"].tolist() == [99.0] and not chosen.explanations
    assert parse_file(data, "skjult.xlsx", sheet="Synlig").explanations == []


def test_a_workbook_whose_only_figures_are_hidden_is_not_called_empty() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(hidden_sheet_bytes()))
    wb["Synlig"].delete_rows(1, 2)
    buf = io.BytesIO()
    wb.save(buf)
    result = parse_file(buf.getvalue(), "bare_skjult.xlsx")
    assert result.tables == [] and result.hidden == ("Skjult",)
    assert [e.key for e in result.explanations] == ["ingest.explain.no_figures",
                                                    "ingest.explain.hidden_sheet"]
    assert parse_file(buf.getvalue(), "bare_skjult.xlsx", sheet="Skjult").tables


def test_formula_without_cached_value_is_a_problem() -> None:
    rows = [["region", "2020", "2021"], ["3203 Asker", 1.0, "=B2*2"], ["3201 Bærum", 2.0, 3.0]]
    result = parse_file(xlsx_bytes(rows), "f.xlsx")
    problems = result.problems
    assert problems["reason_key"].tolist() == ["ingest.problem.formula_no_value"]
    assert problems[["sheet", "row", "column"]].values.tolist() == [["Ark1", 2, "C"]]
    data = result.tables[0].data
    assert len(data) == 3  # the formula cell gives no value, the rest is read


def test_openpyxl_uses_defusedxml() -> None:
    import sdg.ingest.read  # noqa: F401  (imports defusedxml before openpyxl is used)

    assert openpyxl.DEFUSEDXML is True
