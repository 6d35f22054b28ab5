"""Bytes → raw sheets, safely.

Order of checks, all before anything is unpacked: size (``max_bytes``), file type by
its first bytes (zip, OLE compound file, JSON, CSV), and for zip files the sum of the
uncompressed sizes and the compression ratio of the members (zip bomb). Workbooks
are read with python-calamine (cached values of formulas, merged ranges); openpyxl is
used, read-only and only when a worksheet holds formulas *and* a sheet has empty
value cells or no figures, to find formula cells without a cached value. ``import defusedxml`` makes openpyxl parse XML with it
(``openpyxl.DEFUSEDXML`` is then True).
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import defusedxml  # noqa: F401  (imported for its effect: openpyxl uses defusedxml)
import numpy as np
import openpyxl
import pandas as pd
import python_calamine as pc

from sdg.errors import InvalidInput

MB = 1024 * 1024
MAX_BYTES = 50 * MB
MAX_UNPACKED = 500 * MB
MAX_RATIO = 200.0

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Separators a CSV may use, in order of preference on a tie (``;`` beats ``,``,
#: which Norwegian files use as the decimal sign; Udir writes ``|``).
DELIMITERS = (";", "|", "\t", ",")


@dataclass(frozen=True)
class RawSheet:
    """A sheet as a 2-D object array anchored at A1.

    ``grid[r, c]`` is the cell at 1-based row ``r + 1`` and column ``c`` (0 = A);
    empty cells are ``""``. Merged ranges are filled with their top-left value
    (except one-row ranges starting in column A: titles and footnotes).
    ``formula_no_value`` lists 0-based (row, col) of formulas without a cached value.
    """

    name: str
    grid: np.ndarray
    formula_no_value: list[tuple[int, int]] = field(default_factory=list)


def sniff_kind(data: bytes, filename: str) -> str:
    """Type of the file from its first bytes and name: xlsx, ole, json or csv.

    Raises InvalidInput ``ingest.err.unsupported_type`` for anything else.

    >>> sniff_kind(b"PK\\x03\\x04...", "a.xlsx"), sniff_kind(b'{"class": 1}', "a.json")
    ('xlsx', 'json')
    >>> sniff_kind(b'"a";"b"', "x.csv")
    'csv'
    """
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(_ZIP):
        return "xlsx"
    if data.startswith(_OLE):
        return "ole"
    if data.lstrip()[:1] == b"{" or suffix == ".json":
        return "json"
    if suffix in {".csv", ".txt", ".tsv"} and (
        data.startswith(_UTF16_BOMS) or b"\x00" not in data[:4096]
    ):
        return "csv"
    raise InvalidInput("ingest.err.unsupported_type", file=filename)


def check_size(data: bytes, filename: str, max_bytes: int = MAX_BYTES) -> None:
    """Refuse files larger than ``max_bytes`` and empty files."""
    if len(data) > max_bytes:
        raise InvalidInput(
            "ingest.err.too_large",
            file=filename,
            size_mb=round(len(data) / MB, 1),
            max_mb=round(max_bytes / MB, 1),
        )
    if not data.strip():
        raise InvalidInput("ingest.err.empty_workbook", file=filename)


def check_zip(
    data: bytes,
    filename: str,
    max_unpacked: int = MAX_UNPACKED,
    max_ratio: float = MAX_RATIO,
) -> zipfile.ZipFile:
    """Open the zip directory and refuse bombs before any member is unpacked.

    The sizes come from the central directory; a member whose declared size is a
    lie fails its CRC when read, which the readers report as a corrupt file.
    Also refuses zip files that are not workbooks (e.g. .docx).
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise InvalidInput("ingest.err.corrupt", file=filename) from exc
    infos = zf.infolist()
    unpacked = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos), default=0.0)
    if unpacked > max_unpacked or (worst > max_ratio and unpacked > MB):
        raise InvalidInput(
            "ingest.err.zip_bomb",
            file=filename,
            unpacked_mb=round(unpacked / MB, 1),
            ratio=round(max(worst, unpacked / packed)),
        )
    for info in infos:  # Excel never writes a DTD: entity expansion (XML bomb) refused
        if info.filename.endswith((".xml", ".rels")) and _has_dtd(zf, info):
            raise InvalidInput("ingest.err.xml_bomb", file=filename, part=info.filename)
    if "xl/workbook.xml" not in zf.namelist() and not any(
        n.startswith("xl/workbook") for n in zf.namelist()
    ):
        raise InvalidInput("ingest.err.unsupported_type", file=filename)
    return zf


def _has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when an XML part declares a DTD or entities (only its start is read: a
    DOCTYPE must come before the root element)."""
    try:
        with zf.open(info) as fh:
            head = fh.read(4096)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        return False  # unreadable members are reported as a corrupt file later
    return b"<!DOCTYPE" in head or b"<!ENTITY" in head


def _fill_merged(grid: np.ndarray, merged: list | None) -> None:
    """Fill merged ranges in place with their top-left value (see RawSheet)."""
    rows, cols = grid.shape
    for (r0, c0), (r1, c1) in merged or []:
        if r0 >= rows or c0 >= cols or (r0 == r1 and c0 == 0):
            continue
        grid[r0 : min(r1, rows - 1) + 1, c0 : min(c1, cols - 1) + 1] = grid[r0, c0]


def _grid(rows: list[list[object]]) -> np.ndarray:
    """Rectangular object array from calamine's (or csv's) list of rows."""
    if not rows:
        return np.empty((0, 0), dtype=object)
    widths = set(map(len, rows))
    width = max(widths)
    if len(widths) == 1:  # one pass over the cells (faster than ``grid[:] = rows``)
        cells = itertools.chain.from_iterable(rows)
        return np.fromiter(cells, dtype=object, count=len(rows) * width).reshape(len(rows), width)
    return np.array([list(r) + [""] * (width - len(r)) for r in rows], dtype=object)


def _strip_nuls(grid: np.ndarray) -> None:
    """Remove NUL characters from text cells in place.

    FHI's Kommunehelsa .xls export stores UTF-16 text in cells flagged as 8-bit, so
    ``Halden`` reads as ``H\\x00a\\x00l…``; no real text holds a NUL.

    >>> g = np.array([["H\\x00a\\x00", 1.0]], dtype=object); _strip_nuls(g); g.tolist()
    [['Ha', 1.0]]
    """
    for index, cell in np.ndenumerate(grid):
        if type(cell) is str and "\x00" in cell:
            grid[index] = cell.replace("\x00", "")


def _has_formula(xml: bytes) -> bool:
    """True when a worksheet part holds an ``<f>`` element (a formula): no other
    worksheet element starts with ``f`` and text cannot hold a raw ``<``."""
    return b"<f" in xml


def formula_cells(data: bytes, zf: zipfile.ZipFile | None) -> dict[str, list[tuple[int, int]]]:
    """0-based (row, col) of every formula cell, per sheet; {} when there are none.

    Costs a pass over every worksheet's XML, so :func:`sdg.ingest.parse_file` calls it
    only when a sheet has empty value cells or no figures (where a formula without a
    cached value may sit: calamine reads such a cell as empty).
    """
    if zf is None:
        return {}
    parts = [n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
    if not any(_has_formula(zf.read(n)) for n in parts):
        return {}
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        found: dict[str, list[tuple[int, int]]] = {}
        for ws in wb.worksheets:
            cells = [
                (c.row - 1, c.column - 1)
                for row in ws.iter_rows()
                for c in row
                if getattr(c, "data_type", None) == "f"
            ]
            if cells:
                found[ws.title] = cells
        return found
    finally:
        wb.close()


def missing_values(grid: np.ndarray, cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The formula cells of a sheet that have no cached value (empty in the grid).

    >>> missing_values(np.array([[1.0, ""]], dtype=object), [(0, 0), (0, 1), (5, 5)])
    [(0, 1), (5, 5)]
    """
    return [(r, c) for r, c in cells
            if r >= grid.shape[0] or c >= grid.shape[1] or grid[r, c] == ""]


def read_workbook(data: bytes, filename: str, zf: zipfile.ZipFile | None, *,
                  scan_formulas: bool = True) -> list[RawSheet]:
    """Read every worksheet of an xlsx/xls file into :class:`RawSheet` objects.

    With ``scan_formulas`` False the formula cells are not looked for
    (``formula_no_value`` stays empty; see :func:`formula_cells`).
    """
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        formulas = formula_cells(data, zf) if scan_formulas else {}
        sheets = []
        for meta in wb.sheets_metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet":
                continue
            sh = wb.get_sheet_by_name(meta.name)
            grid = _grid(sh.to_python(skip_empty_area=False))
            if zf is None:  # a legacy .xls: some exporters write UTF-16 into 8-bit strings
                _strip_nuls(grid)
            _fill_merged(grid, sh.merged_cell_ranges)
            missing = missing_values(grid, formulas.get(meta.name, []))
            sheets.append(RawSheet(meta.name, grid, missing))
    except pc.PasswordError as exc:
        raise InvalidInput("ingest.err.password", file=filename) from exc
    except (pc.CalamineError, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InvalidInput("ingest.err.corrupt", file=filename) from exc
    return sheets


def check_upload(data: bytes, filename: str, max_bytes: int = MAX_BYTES) -> str:
    """The checks every upload passes before it is parsed, whatever it is for
    (indicator files and survey answers alike): its size, its type by the first bytes,
    and for a zip file the unpacked size, the compression ratio and DTDs (zip and XML
    bombs). Returns the kind (:func:`sniff_kind`); raises :class:`InvalidInput`.

    >>> check_upload(b'"a";"b"\\n1;2', "svar.csv")
    'csv'
    """
    check_size(data, filename, max_bytes)
    kind = sniff_kind(data, filename)
    if kind == "xlsx":
        check_zip(data, filename).close()
    return kind


def read_ole(data: bytes, filename: str) -> list[RawSheet]:
    """An OLE compound file: an encrypted (password) workbook or a legacy .xls."""
    if _ENCRYPTED in data:
        raise InvalidInput("ingest.err.password", file=filename)
    return read_workbook(data, filename, None)


def decode_text(data: bytes) -> str:
    """UTF-16 with a BOM (Udir's statistikkbank), UTF-8 (with or without BOM) if
    valid, else Latin-1 (SSB's CSV encoding).

    >>> decode_text("Bø".encode("latin-1")), decode_text("Bø".encode("utf-8"))
    ('Bø', 'Bø')
    >>> decode_text("Bø|1".encode("utf-16"))
    'Bø|1'
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def read_csv(data: bytes, filename: str) -> RawSheet:
    """A CSV file as one sheet of strings (separator ``;``, ``|``, tab or ``,``,
    whichever the first 50 lines hold most; ties in that order).

    >>> read_csv('"t"\\n\\n"region";"x 2021"\\n"0301 Oslo";12,5'.encode("latin-1"), "a.csv").grid[3].tolist()
    ['0301 Oslo', '12,5']
    >>> read_csv("a|b\\n1|2,5".encode("utf-16"), "u.csv").grid[1].tolist()
    ['1', '2,5']
    """
    text = decode_text(data)
    lines = text.splitlines()
    sample = "\n".join(lines[:50])
    delimiter = max(DELIMITERS, key=sample.count)
    if len(lines) > _FAST_CSV_LINES:
        grid = _fast_csv(text, delimiter, max(map(len, csv.reader(lines[:50], delimiter=delimiter))))
        if grid is not None:
            return RawSheet(PurePath(filename).name, grid)
    rows = list(csv.reader(lines, delimiter=delimiter))
    return RawSheet(PurePath(filename).name, _grid(rows))


_FAST_CSV_LINES = 5_000


def _fast_csv(text: str, delimiter: str, width: int) -> np.ndarray | None:
    """A large CSV through pandas' C parser (the same cells as :mod:`csv`, as text), or
    None when a line has more fields than the first 50 (then the csv module reads it).

    >>> _fast_csv('"a";"b"\\n1;"2,5"\\n\\n3', ";", 2).tolist()
    [['a', 'b'], ['1', '2,5'], ['', ''], ['3', '']]
    """
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, names=range(width),
                            dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c", quotechar='"')
    except (pd.errors.ParserError, ValueError):
        return None
    return frame.to_numpy(dtype=object)


def read_json(data: bytes, filename: str) -> dict:
    """Parse a JSON document; invalid JSON is a corrupt file."""
    try:
        doc = json.loads(decode_text(data))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput("ingest.err.corrupt", file=filename) from exc
    if not isinstance(doc, dict):
        raise InvalidInput("ingest.err.bad_jsonstat", file=filename, detail="not an object")
    return doc
