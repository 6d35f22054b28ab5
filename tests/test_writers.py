"""The one xlsx/CSV writer (sdg.writers): user text is never a formula, numbers stay
numbers, and every download in the app goes through it."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg.template import template_workbook
from sdg.writers import FORMULA_START, csv_bytes, xlsx_bytes
from tests.conftest import ROOT

HOSTILE = ['=HYPERLINK("http://127.0.0.1:1/","Klikk her")', "+1+1", "-2+3", "@SUM(A1:A9)",
           "\t=1", "\r=1", "=cmd|' /C calc'!A0"]


def _cells(data: bytes, sheet: str | None = None):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


def test_formula_like_names_are_strings_and_numbers_numbers():
    frame = pd.DataFrame({"navn": HOSTILE, "verdi": [-1.5, 2, 3.25, -4, 0, 1e6, -0.5]})
    cells = _cells(xlsx_bytes({"Nullpunkt": frame}))
    names = [c for c in cells if c.column == 1][1:]
    as_read = [h.replace("\r", "\n") for h in HOSTILE]  # XML reads a raw CR as LF
    assert [c.value for c in names] == as_read and {c.data_type for c in names} == {"s"}
    assert all(c.quotePrefix for c in names)
    values = [c for c in cells if c.column == 2][1:]
    assert [c.value for c in values] == frame["verdi"].tolist()
    assert {c.data_type for c in values} == {"n"}


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=1, max_size=30).filter(lambda s: "\x00" not in s and s.strip()),
       number=st.floats(allow_nan=False, allow_infinity=False, width=32))
def test_any_text_comes_back_as_the_same_string(text, number):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text) or "x"
    cells = _cells(xlsx_bytes(pd.DataFrame({"a": [text], "b": [number]})))
    a, b = cells[2], cells[3]
    assert a.data_type == "s" and a.value == text.replace("\r\n", "\n").replace("\r", "\n")
    assert b.data_type == "n" and b.value == pytest.approx(number, rel=1e-14, abs=1e-300)


def test_csv_quotes_formula_like_text_only():
    frame = pd.DataFrame({"navn": [*HOSTILE, "-12,5", "Asker"],
                          "verdi": [-1.5, 2, 3, -4, 0, 1, 2, 3, 4.5]})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8-sig")), delimiter=";"))
    names = [r[0] for r in rows[1:]]
    assert all(n.startswith("'") for n in names[:len(HOSTILE)])
    assert names[len(HOSTILE):] == ["-12,5", "Asker"]
    assert [r[1] for r in rows[1:]][:2] == ["-1,5", "2,0"]
    assert not any(n.startswith(FORMULA_START) for n in names[:len(HOSTILE)])


def test_template_lists_hostile_indicator_names_as_text():
    ind = pd.DataFrame({"id": ["x"], "name_nb": [HOSTILE[0]], "name_en": [HOSTILE[0]],
                        "unit_nb": ["=1+1"], "unit_en": ["=1+1"]})
    cells = _cells(template_workbook(ind, "nb"), "Indikatorer")
    assert HOSTILE[0] in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)


def test_zero_point_export_of_an_imported_formula_name(store):
    """The issue's case: an imported indicator named =HYPERLINK(…) in the zero-point
    xlsx export (the page's download is sdg.exports.xlsx, with its "Om tallene" sheet,
    written through sdg.writers)."""
    from sdg import exports
    from sdg.auth import Actor

    new = pd.DataFrame({"id": ["farlig"], "name_nb": [HOSTILE[0]], "name_en": [HOSTILE[0]],
                        "unit_nb": [None], "unit_en": [None], "direction": [1],
                        "aggregation": ["none"], "denominator": [None], "source": ["@kilde"],
                        "targets": [["4.1"]]})
    obs = pd.DataFrame({"municipality": ["3203"] * 2, "indicator": ["farlig"] * 2,
                        "year": [2019, 2024], "value": [1.0, 2.0], "status_symbol": [None] * 2,
                        "note": [None] * 2})
    store.commit_import(Actor("kari", "analyst"), {"file_name": "f.csv", "sha256": None,
                                                   "sheet": None, "layout": "long"}, obs, new)
    table = store.indicators()[["id", "name_nb", "source"]]
    about = exports.About(what="Nullpunkt", municipality="Asker (3203)",
                          sources=["@kilde"], provenance=[f"{HOSTILE[0]}: @kilde"])
    data = exports.xlsx(table, "Nullpunkt", about)
    cells = _cells(data, "Nullpunkt")
    assert HOSTILE[0] in [c.value for c in cells] and "@kilde" in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)
    assert all(c.quotePrefix for c in cells if c.value in (HOSTILE[0], "@kilde"))
    about_cells = _cells(data, "Om tallene")
    assert "@kilde" in [c.value for c in about_cells]
    assert all(c.data_type != "f" for c in about_cells)


def test_every_download_goes_through_the_one_writer():
    """No page or ui module writes a spreadsheet itself (pandas' to_excel/to_csv and
    openpyxl's cell setter turn "=…" into formulas)."""
    offenders = []
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"]:
        text = Path(path).read_text()
        if re.search(r"\.to_excel\(|ExcelWriter\(|\.to_csv\(|openpyxl", text):
            offenders.append(path.name)
    assert offenders == []
