"""The downloadable import template (an .xlsx in bokmål or English).

Three sheets: instructions, the data sheet (the columns of
:func:`sdg.ingest.template_columns`, with data validation: an indicator from the list,
a whole year 1990–next year, a number, an SSB status symbol) and the list of the
indicators in the database. The reader (:mod:`sdg.ingest`) recognises both the
Norwegian and the English headers, so a filled-in template imports as it is.
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from sdg.i18n import normalise_lang, t
from sdg.importer import YEAR_MIN, year_max
from sdg.ingest import STATUS_SYMBOLS, template_columns
from sdg.writers import write_sheet

#: Headers of the data sheet per language (same order as template_columns()).
HEADERS = {
    "nb": template_columns(),
    # The reader recognises the bokmål (and English) headers; the nynorsk template keeps
    # the bokmål ones, its guidance sheet is in nynorsk.
    "nn": template_columns(),
    "en": ["municipality", "municipality name", "indicator", "year", "value", "unit",
           "source", "status"],
}  # fmt: skip
_HEAD = Font(bold=True, color="FFFFFF")
_FILL = PatternFill("solid", fgColor="19486A")
ROWS = 5000  # rows the validations cover


def template_workbook(indicators: pd.DataFrame, lang: str = "nb") -> bytes:
    """The template as .xlsx bytes.

    Parameters
    ----------
    indicators : pandas.DataFrame
        ``store.indicators()`` (id, name_nb, name_en, unit_nb, unit_en).
    lang : str
        ``nb`` or ``en``: headers, sheet names and instructions.

    >>> ind = pd.DataFrame({"id": ["befolkning"], "name_nb": ["Folkemengde"],
    ...                     "name_en": ["Population"], "unit_nb": ["personer"],
    ...                     "unit_en": ["persons"]})
    >>> wb = openpyxl.load_workbook(io.BytesIO(template_workbook(ind, "en")))
    >>> wb.sheetnames
    ['Instructions', 'Data', 'Indicators']
    >>> [c.value for c in wb["Data"][1]][:5]
    ['municipality', 'municipality name', 'indicator', 'year', 'value']
    """
    lang = normalise_lang(lang)
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = t("importer.template.sheet.info", lang)
    data = wb.create_sheet(t("importer.template.sheet.data", lang))
    lists = wb.create_sheet(t("importer.template.sheet.indicators", lang))

    for i in range(1, 9):
        info.append([t(f"importer.template.info.{i}", lang, first=YEAR_MIN, last=year_max(),
                       symbols=", ".join(STATUS_SYMBOLS))])
    info["A1"].font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 110

    data.append(HEADERS[lang])
    for cell in data[1]:
        cell.font, cell.fill = _HEAD, _FILL
    for col, width in zip("ABCDEFGH", (16, 20, 34, 8, 12, 12, 16, 8), strict=True):
        data.column_dimensions[col].width = width
    data.freeze_panes = "A2"

    write_sheet(lists, pd.DataFrame({  # names are user text: never formulas
        "id": indicators["id"], t("importer.template.col.name", lang): indicators[f"name_{lang}"],
        t("importer.template.col.unit", lang): indicators[f"unit_{lang}"]}))
    for cell in lists[1]:
        cell.font, cell.fill = _HEAD, _FILL
    lists.column_dimensions["A"].width = 28
    lists.column_dimensions["B"].width = 50

    n = max(len(indicators), 1) + 1
    _validate(data, f"C2:C{ROWS}", DataValidation(
        type="list", formula1=f"'{lists.title}'!$A$2:$A${n}", allow_blank=True,
        showErrorMessage=False))  # a new indicator's name is allowed too
    _validate(data, f"D2:D{ROWS}", DataValidation(
        type="whole", operator="between", formula1=str(YEAR_MIN), formula2=str(year_max()),
        allow_blank=True, showErrorMessage=True,
        error=t("importer.template.err.year", lang, first=YEAR_MIN, last=year_max())))
    _validate(data, f"E2:E{ROWS}", DataValidation(
        type="decimal", allow_blank=True, showErrorMessage=True,
        error=t("importer.template.err.value", lang)))
    _validate(data, f"H2:H{ROWS}", DataValidation(
        type="list", formula1='"' + ",".join(STATUS_SYMBOLS) + '"', allow_blank=True))
    wb.active = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _validate(ws, cells: str, dv: DataValidation) -> None:
    ws.add_data_validation(dv)
    dv.add(cells)


def template_name(lang: str = "nb") -> str:
    """File name of the download.

    >>> template_name("nb"), template_name("en")
    ('importmal.xlsx', 'import_template.xlsx')
    """
    return "importmal.xlsx" if normalise_lang(lang) == "nb" else "import_template.xlsx"
