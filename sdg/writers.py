"""The one xlsx and CSV writer for every download.

Text that a spreadsheet would run as a formula (OWASP, "CSV Injection"): a cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return. openpyxl turns any
string that starts with ``=`` into a formula, so an imported indicator called
``=HYPERLINK("http://…","Klikk her")`` would come back as a live link in the
zero-point export. Here:

- **xlsx** (:func:`xlsx_bytes`): every string is written as a string cell
  (``data_type = "s"``, never ``"f"``), and formula-like strings also get Excel's
  quote prefix (shown as text, stays text when edited). The text is kept as it was.
- **CSV** (:func:`csv_bytes`): formula-like strings get a leading ``'`` (OWASP's
  advice), so Excel and LibreOffice show them as text.

Numbers stay numbers (a negative number is a number, not text starting with ``-``;
a string holding a plain number such as ``-12,5`` is left alone), and non-finite
floats are written as empty cells.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping

import openpyxl
import pandas as pd
from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d[\d\s\u00a0]*([.,]\d+)?%?$")


def formula_like(value: object) -> bool:
    """True for text a spreadsheet could read as a formula.

    >>> [formula_like(v) for v in ("=1+1", "@SUM(A1)", "\\tx", "-12,5", "Asker", -3.0)]
    [True, True, True, False, False, False]
    """
    return (isinstance(value, str) and value.startswith(FORMULA_START)
            and not _PLAIN_NUMBER.match(value))


def csv_cell(value: object) -> object:
    """One value for a CSV download: formula-like text with a leading ``'``.

    >>> csv_cell('=HYPERLINK("http://x","Klikk")'), csv_cell(-2.5), csv_cell("-2,5")
    ('\\'=HYPERLINK("http://x","Klikk")', -2.5, '-2,5')
    """
    return "'" + value if formula_like(value) else value


def _plain(value: object) -> object:
    """A value openpyxl can write: NaN/inf/NA → None, numpy scalars → Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:  # Excel has no zones
        return value.replace(tzinfo=None)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        value = value.item()
        if isinstance(value, float) and not math.isfinite(value):
            return None
    if isinstance(value, list | tuple | set | dict):
        return ", ".join(map(str, value))
    return value


def write_sheet(ws, frame: pd.DataFrame, *, index: bool = False, start_row: int = 1) -> int:
    """Write ``frame`` (its header first) into the openpyxl worksheet ``ws`` from
    ``start_row``, every string as a string cell (see the module docstring); returns
    the next free row."""
    table = frame.reset_index() if index else frame
    for c, name in enumerate(table.columns, 1):
        put(ws.cell(start_row, c), str(name))
    r = start_row
    for r, row in enumerate(table.itertuples(index=False, name=None), start_row + 1):
        for c, value in enumerate(row, 1):
            put(ws.cell(r, c), value)
    return r + 1


def put(cell: Cell, value: object) -> None:
    """Set a cell's value; a string is a string cell that can never be a formula."""
    if isinstance(value, str):
        cell._value = value  # the value setter would make "=…" a formula
        cell.data_type = "s"
        if formula_like(value):
            cell.quotePrefix = True
    else:
        cell.value = _plain(value)


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame] | pd.DataFrame, *,
               index: bool = False) -> bytes:
    """An xlsx file with one sheet per frame (sheet names cut to Excel's 31 characters).

    >>> data = xlsx_bytes({"Ark": pd.DataFrame({"navn": ["=1+1", "Asker"], "v": [-1.5, None]})})
    >>> ws = openpyxl.load_workbook(io.BytesIO(data))["Ark"]
    >>> [(c.value, c.data_type) for c in ws["A"]], [c.value for c in ws["B"]]
    ([('navn', 's'), ('=1+1', 's'), ('Asker', 's')], ['v', -1.5, None])
    """
    if isinstance(sheets, pd.DataFrame):
        sheets = {"Data": sheets}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(sheet_name(name))
        write_sheet(ws, frame, index=index)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet_name(name: str) -> str:
    """A valid sheet name: no ``[]:*?/\\``, at most 31 characters.

    >>> sheet_name("Mål 4/11"), len(sheet_name("x" * 40))
    ('Mål 4 11', 31)
    """
    return re.sub(r"[\[\]:*?/\\]", " ", str(name))[:31].strip() or "Data"


def csv_bytes(frame: pd.DataFrame, *, sep: str = ";", decimal: str = ",") -> bytes:
    """A CSV download (UTF-8 with BOM for Excel, ``;`` and decimal comma by default)
    with formula-like text neutralised and numbers left numeric.

    >>> csv_bytes(pd.DataFrame({"navn": ["=cmd|' /C calc'!A0", "Bø"], "v": [-1.5, 2]}))
    b"\\xef\\xbb\\xbfnavn;v\\r\\n'=cmd|' /C calc'!A0;-1,5\\r\\nB\\xc3\\xb8;2,0\\r\\n"
    """
    safe = frame.copy()
    safe.columns = [csv_cell(str(c)) for c in safe.columns]
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(csv_cell)
    # CRLF rows: a field holding a CR or LF is then quoted (csv quotes the characters
    # of its line terminator only)
    text = safe.to_csv(index=False, sep=sep, decimal=decimal, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")
