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
