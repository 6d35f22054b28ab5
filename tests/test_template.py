"""sdg.template: the downloadable import template in bokmål and English."""

from __future__ import annotations

import io

import openpyxl
import pytest

from sdg.auth import Actor
from sdg.importer import import_file, year_max
from sdg.template import HEADERS, template_workbook


@pytest.mark.parametrize("lang, sheets", [("nb", ["Veiledning", "Data", "Indikatorer"]),
                                          ("en", ["Instructions", "Data", "Indicators"])])
def test_sheets_headers_validation_and_indicator_list(store, lang, sheets):
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook(store.indicators(), lang)))
    assert wb.sheetnames == sheets
    data = wb["Data"]
    assert [c.value for c in data[1]] == HEADERS[lang]
    rules = {str(dv.sqref): dv for dv in data.data_validations.dataValidation}
    assert rules["D2:D5000"].type == "whole" and rules["D2:D5000"].formula2 == str(year_max())
    assert rules["E2:E5000"].type == "decimal"
    assert rules["H2:H5000"].formula1 == '".,..,:,-,*"'
    assert rules["C2:C5000"].formula1.startswith(f"'{sheets[2]}'!$A$2")
    ids = [r[0].value for r in wb[sheets[2]].iter_rows(min_row=2)]
    assert ids == store.indicators()["id"].tolist()
    info = " ".join(str(r[0].value) for r in wb[sheets[0]].iter_rows())
    assert ("kommunenummer" if lang == "nb" else "municipality") in info


def test_filled_template_imports(store):
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook(store.indicators(), "nb")))
    wb["Data"].append(["3203", "Asker", "befolkning", 2025, 99000, "personer", "SSB", None])
    out = io.BytesIO()
    wb.save(out)
    plan, batch = import_file(store, out.getvalue(), "importmal.xlsx", actor=Actor("t", "analyst"))
    assert batch and plan.rows[["municipality", "indicator", "year", "value"]].values.tolist() == [
        ["3203", "befolkning", 2025, 99000.0]]
