"""The hostile-file corpus, generated in code (no committed binaries).

Each entry: a file name, a generator of its bytes, and what must come of it: a
file-level refusal (``("err", key)``) or cell problems (``("problem", key)``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl

from sdg.ingest.problems import column_letter

HEADER = ["kommunenummer", "indikator", "år", "verdi"]


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[], bytes]
    expect: tuple[str, str]
    what: str


def _xlsx(sheet_xml: bytes, extra: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    """A minimal valid xlsx around one worksheet's XML (streamed in when a generator)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True,
                         compresslevel=level) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                   'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/><Override '
                   'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                   'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                   'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                   'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
                   'name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                   'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                   'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            for piece in [sheet_xml] if isinstance(sheet_xml, bytes) else sheet_xml:
                fh.write(piece)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
         b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_TAIL = b"</sheetData></worksheet>"


def _cells(cells: list[tuple[str, object]]) -> bytes:
    """Sheet XML with the given (reference, value) cells, one row element each."""
    rows = []
    for ref, value in cells:
        row = int("".join(ch for ch in ref if ch.isdigit()))
        v = (f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
             if isinstance(value, str) else f'<c r="{ref}"><v>{value}</v></c>')
        rows.append(f'<row r="{row}">{v}</row>')
    return _xlsx(_HEAD + "".join(rows).encode() + _TAIL)


def far_cell() -> bytes:
    """4.7 kB, one cell at XFD1048576: calamine would allocate 2^39 bytes."""
    return _cells([("A1", "kommunenummer"), ("XFD1048576", 1)])


def stray_cell() -> bytes:
    """A stray cell at AZ1048576 (took 2.75 GB)."""
    return _cells([("A1", "kommunenummer"), ("B1", "år"), ("AZ1048576", 1)])


def wide_cell() -> bytes:
    return _cells([("A1", "kommunenummer"), ("XFD1", 1)])


def many_cells() -> bytes:
    """1 500 × 1 500 from A1: 2.25 M cells, each within the row and column limits."""
    return _cells([("A1", "kommunenummer"), (f"{column_letter(1499)}1500", 1)])


def far_cell_in_row_one() -> bytes:
    """A cell reference far below its own ``<row r="1">`` (calamine uses the cell's)."""
    return _xlsx(_HEAD + b'<row r="1"><c r="A1"><v>1</v></c><c r="B999999"><v>2</v></c>'
                 b'</row>' + _TAIL)


def near_zip_bomb() -> bytes:
    """10 M cells in ~420 MB of sheet XML, compressed ~15×: under both zip-bomb limits
    (500 MB unpacked, ratio 200) and under the 50 MB upload limit."""
    row = ('<row r="{0}">' + "".join(f'<c r="{column_letter(c)}{{0}}"><v>{{0}}{c}</v></c>'
                                      for c in range(10)) + "</row>")

    def pieces():
        yield _HEAD
        for start in range(1, 1_000_001, 10_000):
            yield "".join(row.format(r) for r in range(start, start + 10_000)).encode()
        yield _TAIL

    return _xlsx(pieces(), level=1)


def billion_laughs() -> bytes:
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
           b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
           b'</sheetData></worksheet>')
    return _xlsx(lol)


def truncated() -> bytes:
    return _workbook([HEADER, ["3203", "Folketall", 2020, 1.0]])[:900]


def random_bytes() -> bytes:
    return random.Random(1).randbytes(4096)


def big_csv() -> bytes:
    """49 MB of CSV (took 1.6 GB): 3.2 M lines."""
    line = b'"3203";"Folketall";2020;98 000,5\n'
    n = 49 * 1024 * 1024 // len(line)
    return b"kommunenummer;indikator;\xe5r;verdi\n" + line * n


def wide_csv() -> bytes:
    return b";".join([b"x"] * 3_000_000) + b"\n"


def jsonstat_declared() -> bytes:
    """387 bytes declaring 20 000 × 20 000 cells (took 9.3 GB)."""
    return json.dumps({
        "version": "2.0", "class": "dataset", "label": "Bombe", "id": ["Region", "Tid"],
        "size": [20000, 20000], "role": {"geo": ["Region"], "time": ["Tid"]},
        "dimension": {"Region": {"category": {"index": {"K-3203": 0}}},
                      "Tid": {"category": {"index": {"2020": 0}}}},
        "value": {"0": 1}}).encode()


def jsonstat_sparse_index() -> bytes:
    return json.dumps({
        "version": "2.0", "class": "dataset", "label": "x", "id": ["Region", "Tid"],
        "size": [1, 1], "dimension": {"Region": {"category": {"index": {"K-3203": 0}}},
                                      "Tid": {"category": {"index": {"2020": 0}}}},
        "value": {"400000000": 1}}).encode()


def jsonstat_infinity() -> bytes:
    """JSON's non-standard literals, which Python's json reads as floats."""
    return (b'{"version": "2.0", "class": "dataset", "label": "x", "id": ["Region", "Tid"],'
            b' "size": [1, 3], "dimension": {"Region": {"category": {"index": {"K-3203": 0}}},'
            b' "Tid": {"category": {"index": {"2019": 0, "2020": 1, "2021": 2}}}},'
            b' "value": [Infinity, -Infinity, NaN]}')


def _workbook(rows: list[list[object]], setup: Callable | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in rows:
        ws.append(row)
    if setup is not None:
        setup(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def inf_csv() -> bytes:
    return ("kommunenummer;indikator;år;verdi\n3203;Folketall;2019;inf\n"
            "3203;Folketall;2020;-Infinity\n3203;Folketall;2021;1e999\n").encode()


def booleans() -> bytes:
    return _workbook([HEADER, ["3203", "Folketall", 2020, True], ["3203", "Folketall", 2021, 5]])


def dates() -> bytes:
    return _workbook([HEADER, ["3203", "Folketall", 2020, dt.date(2020, 5, 17)],
                      ["3203", "Folketall", 2021, 5]])


def error_cells() -> bytes:
    def errors(ws):
        for ref, text in (("D2", "#DIV/0!"), ("D3", "#N/A"), ("D4", "#VALUE!")):
            ws[ref] = text
            ws[ref].data_type = "e"

    return _workbook([HEADER, ["3203", "Folketall", 2019, None],
                      ["3203", "Folketall", 2020, None], ["3203", "Folketall", 2021, None],
                      ["3203", "Folketall", 2022, 5]], errors)


def formula_no_cache() -> bytes:
    return _workbook([HEADER, ["3203", "Folketall", 2020, "=1+1"],
                      ["3203", "Folketall", 2021, 5]])


def merged_years() -> bytes:
    def merge(ws):
        ws.merge_cells("B3:D3")

    return _workbook([["Folketall"], ["region", 2019, 2020, 2021],
                      ["3203 Asker", 98000, None, None], ["3201 Bærum", 1, 2, 3]], merge)


def second_value_column() -> bytes:
    return _workbook([[*HEADER, "verdi"], ["3203", "Folketall", 2020, 1, 2]])


def second_year_column() -> bytes:
    return _workbook([["kommunenummer", "indikator", "år", "verdi", "år"],
                      ["3203", "Folketall", 2020, 1, 2021]])


CASES = [
    Case("far_cell.xlsx", far_cell, ("err", "ingest.err.too_many_rows"),
         "one cell at XFD1048576 (4.7 kB)"),
    Case("stray_cell.xlsx", stray_cell, ("err", "ingest.err.too_many_rows"),
         "a stray cell at AZ1048576"),
    Case("wide_cell.xlsx", wide_cell, ("err", "ingest.err.too_many_columns"),
         "a cell at XFD1"),
    Case("many_cells.xlsx", many_cells, ("err", "ingest.err.too_many_cells"),
         "1 500 × 1 500 cells from A1"),
    Case("far_in_row_one.xlsx", far_cell_in_row_one, ("err", "ingest.err.too_many_rows"),
         "cell B999999 inside <row r=\"1\">"),
    Case("near_zip_bomb.xlsx", near_zip_bomb, ("err", "ingest.err.too_many_cells"),
         "10 M cells, 333 MB of XML in 32 MB, under the zip-bomb limits"),
    Case("billion_laughs.xlsx", billion_laughs, ("err", "ingest.err.xml_bomb"),
         "XML entity expansion"),
    Case("truncated.xlsx", truncated, ("err", "ingest.err.corrupt"), "a cut-off workbook"),
    Case("random.xlsx", random_bytes, ("err", "ingest.err.unsupported_type"), "random bytes"),
    Case("big.csv", big_csv, ("err", "ingest.err.too_many_rows"), "49 MB CSV, 1.6 M lines"),
    Case("wide.csv", wide_csv, ("err", "ingest.err.too_many_columns"),
         "a CSV line of 3 M fields"),
    Case("declared.json", jsonstat_declared, ("err", "ingest.err.jsonstat_too_large"),
         "JSON-stat declaring 20 000 × 20 000"),
    Case("sparse.json", jsonstat_sparse_index, ("err", "ingest.err.bad_jsonstat"),
         "JSON-stat sparse value at index 400 M"),
    Case("second_value.xlsx", second_value_column, ("err", "ingest.err.second_column"),
         "two verdi columns"),
    Case("second_year.xlsx", second_year_column, ("err", "ingest.err.second_column"),
         "two år columns"),
    Case("inf.csv", inf_csv, ("problem", "ingest.problem.not_finite"),
         "inf, -Infinity, 1e999 as values"),
    Case("infinity.json", jsonstat_infinity, ("problem", "ingest.problem.not_finite"),
         "JSON-stat with Infinity, -Infinity, NaN"),
    Case("booleans.xlsx", booleans, ("problem", "ingest.problem.boolean"), "TRUE as a value"),
    Case("dates.xlsx", dates, ("problem", "ingest.problem.date"), "a date as a value"),
    Case("errors.xlsx", error_cells, ("problem", "ingest.problem.error_cell"),
         "#DIV/0!, #N/A, #VALUE! cells"),
    Case("formula.xlsx", formula_no_cache, ("problem", "ingest.problem.formula_no_value"),
         "a formula without a cached value"),
    Case("merged.xlsx", merged_years, ("problem", "ingest.problem.merged_value"),
         "one value merged over three years"),
]
