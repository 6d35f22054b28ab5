"""Small workbooks made in code for the reader and import tests."""

from __future__ import annotations

import io

import openpyxl


def workbook_bytes(rows: list[list[object]], sheet: str) -> bytes:
    """An .xlsx file with one sheet named ``sheet`` holding ``rows``."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def hidden_sheet_bytes(state: str = "hidden") -> bytes:
    """A workbook with a visible sheet ``Synlig`` (3203 Lekeplasser 2024 = 12) and a
    sheet ``Skjult`` hidden in Excel (``state``: ``hidden`` or ``veryHidden``) holding
    other figures (3201 Skjulte tall 2024 = 99)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Synlig"
    for row in [["kommunenummer", "indikator", "år", "verdi"], ["3203", "Lekeplasser", 2024, 12]]:
        ws.append(row)
    hidden = wb.create_sheet("Skjult")
    hidden.sheet_state = state
    for row in [["kommunenummer", "indikator", "år", "verdi"],
                ["3201", "Skjulte tall", 2024, 99]]:
        hidden.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
