"""Bytes → raw sheets, safely.

Order of checks, all before anything is unpacked: size (``max_bytes``), file type by
its first bytes (zip, OLE compound file, JSON, CSV), and for zip files the sum of the
uncompressed sizes and the compression ratio of the members (zip bomb). Workbooks
are read with python-calamine (cached values of formulas, merged ranges); openpyxl is
used, read-only and only when a worksheet holds formulas *and* a sheet has empty
value cells or no figures, to find formula cells without a cached value. ``import defusedxml`` makes openpyxl parse XML with it
(``openpyxl.DEFUSEDXML`` is then True).

A worksheet's extent is scanned from its XML before calamine reads it; in a parse
child (:func:`sdg.sandbox.in_child`) calamine reads a large first sheet in a thread
while the scan goes on (:func:`_read_ahead`, with its failure modes).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import gc
import io
import itertools
import json
import posixpath
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import PurePath

import defusedxml  # noqa: F401  (imported for its effect: openpyxl uses defusedxml)
import numpy as np
import pandas as pd
import python_calamine as pc
from defusedxml import ElementTree

try:  # installed with streamlit (and used by pandas for its text dtype)
    import pyarrow as pa
    import pyarrow.compute as pa_compute
    import pyarrow.csv as pa_csv
except ImportError:  # pragma: no cover - then every CSV takes the pandas path
    pa = pa_compute = pa_csv = None

from sdg import sandbox
from sdg.errors import InvalidInput
from sdg.ingest.limits import Limits
from sdg.ingest.problems import column_letter

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
    A sheet read as :attr:`columns` is made with ``grid=None`` (see there).
    """

    name: str
    grid: np.ndarray | None
    formula_no_value: list[tuple[int, int]] = field(default_factory=list)
    #: 0-based (row, col) → range (``"B3:D3"``) of each cell filled from the top-left
    #: cell of a merged range (a value there is a copy, not a figure of its own).
    merged_copies: dict[tuple[int, int], str] = field(default_factory=dict)
    #: ``""`` for a visible sheet, ``"hidden"`` or ``"very_hidden"`` for one hidden in
    #: Excel. A hidden sheet is read only when it is chosen (``sheet=``); otherwise it
    #: comes back with an empty grid and ``unread`` True.
    hidden: str = ""
    unread: bool = False
    #: The grid's columns as (codes, distinct cells), ``grid[:, c] == distinct[codes]``
    #: with the distinct cells (text) in order of first appearance, when the reader
    #: has them anyway (a large CSV, :func:`_arrow_csv`); else None. A sheet made
    #: with ``grid=None`` and its columns builds its grid on first use
    #: (:func:`grid_of`): a long table is found from :meth:`head` and the columns
    #: alone (:func:`sdg.ingest.detect.detect_sheet`), and 200,000 rows' grid of
    #: Python objects was ~0.006 s of the parse.
    columns: tuple[tuple[np.ndarray, np.ndarray], ...] | None = None

    def __post_init__(self) -> None:
        if self.grid is None:
            if self.columns is None:
                raise ValueError("a sheet needs its grid or its columns")
            del self.__dict__["grid"]  # (frozen: not through __delattr__)

    def __getattr__(self, name: str) -> object:
        """``grid`` of a sheet made from its columns, built on first use."""
        columns = self.__dict__.get("columns")
        if name != "grid" or columns is None:
            raise AttributeError(name)
        grid = grid_of(columns)
        object.__setattr__(self, "grid", grid)
        return grid

    @property
    def shape(self) -> tuple[int, int]:
        """Rows and columns of the grid (without building it).

        >>> column = (np.array([0, 1]), np.array(["x", "y"], dtype=object))
        >>> sheet = RawSheet("a.csv", None, columns=(column,))
        >>> sheet.shape, "grid" in sheet.__dict__, sheet.grid.tolist(), sheet.shape
        ((2, 1), False, [['x'], ['y']], (2, 1))
        """
        if "grid" in self.__dict__:
            return self.grid.shape
        return (len(self.columns[0][0]) if self.columns else 0), len(self.columns)

    def head(self, n: int) -> np.ndarray:
        """The first ``n`` rows of the grid (all when fewer), without building it.

        >>> columns = ((np.array([0, 1, 0]), np.array(["x", "y"], dtype=object)),)
        >>> RawSheet("a.csv", None, columns=columns).head(2).tolist()
        [['x'], ['y']]
        """
        if "grid" in self.__dict__:
            return self.grid[:n]
        return grid_of(self.columns, n)


def grid_of(columns: tuple[tuple[np.ndarray, np.ndarray], ...], rows: int | None = None
            ) -> np.ndarray:
    """The grid of :attr:`RawSheet.columns` (its first ``rows`` rows, when given): each
    cell ``distinct[codes]`` of its column, in one take from every column's distinct
    cells (faster than a take per column into an object array, which NumPy first
    fills with None).

    >>> grid_of(((np.array([0, 1, 0]), np.array(["a", "b"], dtype=object)),
    ...          (np.array([0, 0, 1]), np.array(["", "c"], dtype=object)))).tolist()
    [['a', ''], ['b', ''], ['a', 'c']]
    """
    if not columns:
        return np.empty((0, 0), dtype=object)
    height = len(columns[0][0]) if rows is None else min(rows, len(columns[0][0]))
    offsets = np.cumsum([0] + [len(distinct) for _, distinct in columns[:-1]])
    index = np.empty((len(columns), height), dtype=np.intp)
    for c, (codes, _) in enumerate(columns):
        np.add(codes[:height], offsets[c], out=index[c])
    return np.concatenate([distinct for _, distinct in columns])[index].T


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
    """Refuse files larger than ``max_bytes`` and empty files (nothing but whitespace).

    >>> check_size(b"a;b\\r\\n", "a.csv")
    >>> check_size(b" \\r\\n\\t", "a.csv")
    Traceback (most recent call last):
    ...
    sdg.errors.InvalidInput: Filen a.csv er tom: ingen ark inneholder data.
    """
    if len(data) > max_bytes:
        raise InvalidInput(
            "ingest.err.too_large",
            file=filename,
            size_mb=round(len(data) / MB, 1),
            max_mb=round(max_bytes / MB, 1),
        )
    if not data or data.isspace():  # (``not data.strip()``, without copying the file)
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


def _fill_merged(grid: np.ndarray, merged: list | None) -> dict[tuple[int, int], str]:
    """Fill merged ranges in place with their top-left value (see RawSheet); return
    the filled cells (all but each top-left one) and their range.

    >>> g = np.array([["", 5.0, "", ""]], dtype=object)
    >>> _fill_merged(g, [((0, 1), (0, 3))]), g.tolist()
    ({(0, 2): 'B1:D1', (0, 3): 'B1:D1'}, [['', 5.0, 5.0, 5.0]])
    """
    rows, cols = grid.shape
    copies: dict[tuple[int, int], str] = {}
    for (r0, c0), (r1, c1) in merged or []:
        if r0 >= rows or c0 >= cols or (r0 == r1 and c0 == 0):
            continue
        r1, c1 = min(r1, rows - 1), min(c1, cols - 1)
        grid[r0 : r1 + 1, c0 : c1 + 1] = grid[r0, c0]
        if (r1 - r0 + 1) * (c1 - c0 + 1) <= 10_000:  # a title band is not a value range
            span = f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
            copies.update(((r, c), span) for r in range(r0, r1 + 1)
                          for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    return copies


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a block that only builds acyclic objects
    (a sheet's list of row lists: each collection would traverse all of them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    import openpyxl  # here: ~0.1 s to import, and most files have no formulas

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


# A cell or row reference in worksheet XML (``<row r="12">``, ``<c r="B12">``).
_SEED_REF = re.compile(rb' r="([A-Z]{1,3})(\d{1,7})"')
_ERROR_CELL = re.compile(rb'<c ([^>]*?t="e"[^>]*)>(.*?)</c>', re.S)
_REF = re.compile(rb'r="([A-Z]{1,3})(\d{1,7})"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")


@dataclass(frozen=True)
class Extent:
    """What a worksheet's XML says before it is read: its extent from A1 (1-based
    last row and column) and its error cells (0-based (row, col) → ``#DIV/0!``)."""

    rows: int
    cols: int
    errors: dict[tuple[int, int], str]


def column_number(letters: bytes | str) -> int:
    """1-based column number of Excel letters.

    >>> column_number("A"), column_number(b"AZ"), column_number("XFD")
    (1, 52, 16384)
    """
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def scan_extent(xml: bytes | Iterable[bytes],
                check: Callable[[int, int], None] | None = None) -> Extent:
    """The extent and error cells of a worksheet from its XML, without building cells.

    ``xml`` may come in chunks (cut anywhere); after each chunk ``check(rows, cols)``
    is called with the extent so far, so a sheet over a limit is refused early.
    Per chunk one regular-expression pass for the references beyond the extent of the
    chunk's last row (:func:`_scan_part`), and one test for error cells.

    >>> x = b'<row r="1"><c r="A1"><v>1</v></c><c r="C7" t="e"><v>#N/A</v></c></row>'
    >>> e = scan_extent(x + b'<row r="2"><c r="XFD1048576"><v>2</v></c></row>')
    >>> e.rows, e.cols, e.errors
    (1048576, 16384, {(6, 2): '#N/A'})
    >>> scan_extent([x[:20], x[20:45], x[45:]]) == scan_extent(x)
    True
    """
    rows = cols = 0
    errors: dict[tuple[int, int], str] = {}
    rest = b""
    for chunk in [xml] if isinstance(xml, bytes) else xml:
        buf = rest + chunk if rest else chunk
        cut = buf.rfind(b"</row>")
        cut = buf.rfind(b">") if cut < 0 else cut + len(b"</row>") - 1
        rows, cols = _scan_part(buf, rows, cols, errors, cut + 1)  # no copy of the part
        rest = buf[cut + 1 :]
        if check is not None:
            check(rows, cols)
    rows, cols = _scan_part(rest, rows, cols, errors)
    return Extent(rows, cols, errors)


def _scan_part(xml: bytes, rows: int, cols: int, errors: dict[tuple[int, int], str],
               end: int | None = None) -> tuple[int, int]:
    """:func:`scan_extent` over one piece of XML (``xml[:end]``) that ends at a tag
    boundary.

    The extent is first taken from the piece's last row (where a sheet written in
    order has its largest row number), then one regular-expression pass looks for any
    ``r="…"`` that is *not* a reference within that extent (:func:`_beyond`): a
    larger row or column, or a form this pass does not know (lower-case letters,
    leading zeros). Each such reference is parsed as calamine would parse it and
    widens the extent, and the pass goes on from there with the wider extent. A piece
    that widens it more than ``_MAX_WIDENINGS`` times (a sheet out of order) is
    scanned exhaustively (:func:`_scan_part_all`, the reference implementation).

    >>> errors = {}
    >>> _scan_part(b'<row r="2"><c r="a9"/><c r="C2"/></row>', 0, 0, errors)
    (9, 3)
    """
    end = len(xml) if end is None else end
    start = xml.rfind(b"<row ", 0, end)
    for letters, digits in _SEED_REF.findall(xml, max(start, 0), end):
        rows, cols = max(rows, int(digits)), max(cols, column_number(letters))
    pos, widenings = 0, 0
    while (m := _beyond(rows, cols).search(xml, pos, end)) is not None:
        pos = m.end()
        ref = _ANY_REF.match(xml, pos, end)
        if ref is None:  # not a cell reference (calamine refuses it as corrupt)
            continue
        row, col = _ref_numbers(*ref.groups())
        if row > rows or col > cols:
            rows, cols = max(rows, row), max(cols, col)
            widenings += 1
            if widenings > _MAX_WIDENINGS:
                return _scan_part_all(xml[:end], rows, cols, errors)
    if xml.find(b"#", 0, end) >= 0 and _ERROR_FLAG.search(xml, 0, end):  # #N/A, #DIV/0! …
        _scan_errors_fast(xml, errors, end)
    return rows, cols


_MAX_WIDENINGS = 64
#: An error cell's type (``re`` finds it faster than ``in``: its last byte is common).
_ERROR_FLAG = re.compile(rb't="e"')
# Any ``r="…"`` value calamine reads as a reference: letters (either case), digits.
_ANY_REF = re.compile(rb'([A-Za-z]*)(\d+)"')


def _ref_numbers(letters: bytes, digits: bytes) -> tuple[int, int]:
    """1-based (row, column) of a reference's letters and digits as calamine reads
    them (either case); absurdly long ones count as beyond any limit.

    >>> _ref_numbers(b"xfd", b"0001048576"), _ref_numbers(b"", b"12")
    ((1048576, 16384), (12, 0))
    """
    row = int(digits) if len(digits) <= 18 else 10**18
    col = column_number(letters.upper()) if len(letters) <= 12 else 10**18
    return row, col


@functools.lru_cache(maxsize=256)
def _beyond(rows: int, cols: int) -> re.Pattern:
    """A pattern matching ``r="`` where the reference that follows is *not* a plain
    upper-case reference within ``rows`` × ``cols`` (so beyond it, or unusual).

    >>> p = _beyond(100001, 8)
    >>> [bool(p.search(x)) for x in (b' r="H100001"', b' r="57"', b' r="I1"', b' r="A100002"')]
    [False, False, True, True]
    >>> [bool(p.search(x)) for x in (b' r="AA1"', b' r="h1"', b' r="A01"', b' r="A1000000"')]
    [True, True, False, True]
    """
    letters = _at_most(column_letter(cols - 1), "A", "Z") if cols else b""
    digits = _at_most(str(rows), "0", "9") if rows else b"0+"
    inside = (b"(?:%s)?" % letters if letters else b"") + b"(?:%s)\"" % digits
    return re.compile(b' r="(?!%s)' % inside)


def _at_most(text: str, low: str, high: str) -> bytes:
    """Alternatives matching the strings over ``low``–``high`` that come no later than
    ``text`` in (length, lexicographic) order: the same value or less for decimal
    numbers without leading zeros and for column letters. Character classes where
    possible (much faster than alternatives in :mod:`re`).

    >>> _at_most("100001", "0", "9"), _at_most("H", "A", "Z")
    (b'[0-9]{1,5}|0[0-9]{5}|10000[0-1]', b'[A-H]')
    >>> p = re.compile(b"(?:%s)$" % _at_most("205", "0", "9"))
    >>> [bool(p.match(x)) for x in (b"99", b"199", b"204", b"205", b"206", b"300", b"1000")]
    [True, True, True, True, False, False, False]
    >>> p = re.compile(b"(?:%s)$" % _at_most("AD", "A", "Z"))
    >>> [bool(p.match(x)) for x in (b"Z", b"AC", b"AD", b"AE", b"BA", b"AAA")]
    [True, True, True, False, False, False]
    """
    def span(a: str, b: str) -> str:
        return a if a == b else f"[{a}-{b}]"

    def repeat(n: int) -> str:
        return "" if n == 0 else any_char if n == 1 else f"{any_char}{{{n}}}"

    any_char, n = f"[{low}-{high}]", len(text)
    branches = [f"{any_char}{{1,{n - 1}}}" if n > 2 else any_char] if n > 1 else []
    for i, ch in enumerate(text[:-1]):
        if ch > low:
            branches.append(text[:i] + span(low, chr(ord(ch) - 1)) + repeat(n - i - 1))
    branches.append(text[:-1] + span(low, text[-1]))
    return "|".join(branches).encode()


def _scan_part_all(xml: bytes, rows: int, cols: int, errors: dict[tuple[int, int], str]
                   ) -> tuple[int, int]:
    """The reference implementation of :func:`_scan_part`: every reference read.

    >>> _scan_part_all(b'<row r="2"><c r="a9"/><c r="C2"/></row>', 0, 0, {})
    (9, 3)
    """
    for letters, digits in _ANY_REF_ALL.findall(xml):
        row, col = _ref_numbers(letters, digits)
        rows, cols = max(rows, row), max(cols, col)
    if _ERROR_FLAG.search(xml):
        _scan_errors(xml, errors)
    return rows, cols


_ANY_REF_ALL = re.compile(rb' r="([A-Za-z]*)(\d+)"')


def _scan_errors(xml: bytes, errors: dict[tuple[int, int], str]) -> None:
    """Add the error cells (``t="e"``) of a piece of sheet XML to ``errors`` (the
    reference of :func:`_scan_errors_fast`: the pattern tried at every cell)."""
    for attrs, body in _ERROR_CELL.findall(xml):
        _add_error(attrs, body, errors)


def _add_error(attrs: bytes, body: bytes, errors: dict[tuple[int, int], str]) -> None:
    ref, value = _REF.search(attrs), _VALUE.search(body)
    if ref and value:
        key = (int(ref.group(2)) - 1, column_number(ref.group(1)) - 1)
        errors[key] = value.group(1).decode("utf-8", "replace")


def _scan_errors_fast(xml: bytes, errors: dict[tuple[int, int], str], end: int) -> None:
    """:func:`_scan_errors` of ``xml[:end]``, the pattern tried only where it can
    match: from each ``t="e"`` back to the leftmost ``<c `` before it with no ``>``
    between (where :func:`re.findall` would start its match), skipping flags inside
    the previous match. Trying the pattern at every cell costs ~0.4 µs a cell, so a
    sheet with a few error cells among 800,000 spent a third of a second on them.
    Where error cells are common (more flags than one per ``_ERROR_SPACING`` bytes)
    the plain pass reads the rest of the piece, from the end of the last match.

    >>> x = b'<c r="A1"><v>1</v></c><c r="B1" t="e"><v>#N/A</v></c><c r="C1" t="e"/>'
    >>> fast, plain = {}, {}
    >>> _scan_errors_fast(x + b'<c r="D1"><v>2</v></c>', fast, len(x) + 22)
    >>> _scan_errors(x + b'<c r="D1"><v>2</v></c>', plain); fast == plain, fast
    (True, {(0, 1): '#N/A', (0, 2): '2'})
    """
    pos, budget = 0, end // _ERROR_SPACING + 1
    for n, flag in enumerate(_ERROR_FLAG.finditer(xml, 0, end)):
        if n == budget:  # many error cells: the plain pass, from where it would go on
            for attrs, body in _ERROR_CELL.findall(xml, pos, end):
                _add_error(attrs, body, errors)
            return
        at = flag.start()
        if at < pos:  # inside the previous match (e.g. after a self-closing error cell)
            continue
        start = xml.find(b"<c ", max(xml.rfind(b">", pos, at) + 1, pos), at)
        if start < 0:  # not in a cell's attributes
            continue
        m = _ERROR_CELL.match(xml, start, end)
        if m is None:  # no ``>`` or ``</c>`` after it: none after a later flag either
            return
        _add_error(m.group(1), m.group(2), errors)
        pos = m.end()


#: :func:`_scan_errors_fast` reads the rest of a piece with the plain pass after one
#: error flag per this many bytes (~8 cells).
_ERROR_SPACING = 200


def _chunks(zf: zipfile.ZipFile, part: str, size: int = 8 * MB) -> Iterator[bytes]:
    """A zip member in pieces of ``size`` bytes (a sheet's XML is never held whole)."""
    with zf.open(part) as fh:
        while chunk := fh.read(size):
            yield chunk


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its worksheet part (``xl/worksheets/sheet1.xml``), from
    ``xl/workbook.xml`` and its relationships; {} when they cannot be read."""
    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
        targets[rel.get("Id")] = target
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    return {s.get("name"): targets.get(s.get(rid), "")
            for s in book.iter() if s.tag.endswith("}sheet")}


def check_extents(zf: zipfile.ZipFile, filename: str, limits: Limits,
                  names: list[str], parts: dict[str, str] | None = None,
                  scanned: Callable[[str], None] | None = None) -> dict[str, Extent]:
    """Each worksheet's :class:`Extent`, refusing (before calamine allocates a grid)
    a sheet or a file over ``limits``. ``parts`` is :func:`sheet_parts` of ``zf``
    (read here when not given); ``scanned(name)`` is called after each piece of a
    sheet that passed the limits."""
    parts = sheet_parts(zf) if parts is None else parts
    found: dict[str, Extent] = {}
    for name in names:
        part = parts.get(name)
        if not part or part not in zf.namelist():
            continue
        def check(rows: int, cols: int, name: str = name) -> None:
            limits.check(filename, name, rows=rows, cols=cols)
            if scanned is not None:
                scanned(name)

        try:
            extent = scan_extent(_chunks(zf, part), check)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise InvalidInput("ingest.err.corrupt", file=filename) from exc
        limits.check(filename, name, rows=extent.rows, cols=extent.cols)
        found[name] = extent
    limits.check_total(filename, sum(e.rows * e.cols for e in found.values()))
    return found


#: calamine's ``SheetVisibleEnum`` → :attr:`RawSheet.hidden`.
_VISIBILITY = {"Visible": "", "Hidden": "hidden", "VeryHidden": "very_hidden"}


def visibility(meta: object) -> str:
    """:attr:`RawSheet.hidden` of a calamine ``SheetMetadata`` (``""`` when visible;
    an unknown state counts as hidden: it is not what the analyst sees).

    >>> class M: visible = "SheetVisibleEnum.VeryHidden"
    >>> visibility(M()), visibility(type("V", (), {"visible": "SheetVisibleEnum.Visible"})())
    ('very_hidden', '')
    """
    state = str(getattr(meta, "visible", "SheetVisibleEnum.Visible")).rsplit(".", 1)[-1]
    return _VISIBILITY.get(state, "hidden")


def read_workbook(data: bytes, filename: str, zf: zipfile.ZipFile | None, *,
                  scan_formulas: bool = True, limits: Limits | None = None,
                  sheet: str | None = None, concurrent: bool | None = None
                  ) -> list[RawSheet]:
    """Read the worksheets of an xlsx/xls file into :class:`RawSheet` objects.

    Hidden and very hidden sheets are not read unless ``sheet`` names them: they come
    back unread (:attr:`RawSheet.unread`, an empty grid), so that what the analyst
    does not see in Excel is never imported silently, only listed.

    Each sheet's extent is checked against ``limits`` before it is read: for xlsx
    from its XML (:func:`check_extents`), for xls from calamine's range before the
    Python grid is built. Error cells (``#DIV/0!``; calamine reads them as empty) are
    put back as their text. With ``scan_formulas`` False the formula cells are not
    looked for (``formula_no_value`` stays empty; see :func:`formula_cells`).

    ``concurrent`` (default: :func:`sdg.sandbox.in_child`, True only in a parse child)
    lets calamine read the first sheet in a thread while this thread scans the
    extents (:func:`_read_ahead`; the same sheets come back). Never pass True in a
    process that must not die: see :func:`_read_ahead`.
    """
    limits = limits or Limits()
    concurrent = sandbox.in_child() if concurrent is None else concurrent
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        states = {m.name: visibility(m) for m in wb.sheets_metadata
                  if str(m.typ) == "SheetTypeEnum.WorkSheet"}
        worksheets = [n for n, hidden in states.items() if not hidden or n == sheet]
        parts = sheet_parts(zf) if zf is not None else {}
        ahead = _read_ahead(wb, zf, parts, worksheets) if concurrent else None
        try:
            extents = (check_extents(zf, filename, limits, worksheets, parts,
                                     ahead.scanned if ahead is not None else None)
                       if zf is not None else {})
            formulas = formula_cells(data, zf) if scan_formulas else {}
        except BaseException:
            if ahead is not None:
                ahead.cancel()  # refused: calamine does not start (or is left to run)
            raise
        sheets = []
        total = 0
        for name, hidden in states.items():
            if name not in worksheets:
                sheets.append(RawSheet(name, np.empty((0, 0), dtype=object), hidden=hidden,
                                       unread=True))
                continue
            if ahead is not None and name == worksheets[0]:
                sh = ahead.result()  # its errors are raised here, as in the line below
            else:
                sh = wb.get_sheet_by_name(name)
            if name not in extents:  # xls: the range is read, the grid not yet built
                limits.check(filename, name, rows=sh.total_height, cols=sh.total_width)
                total += sh.total_height * sh.total_width
                limits.check_total(filename, total)
            with _collector_paused():  # 100,000 row lists: no cycles, nothing to collect
                rows = sh.to_python(skip_empty_area=False)
                grid = _grid(rows)
            sandbox.keep((rows, grid, sh, wb))  # in a child: freed by its end, not here
            del rows
            if zf is None:  # a legacy .xls: some exporters write UTF-16 into 8-bit strings
                _strip_nuls(grid)
            copies = _fill_merged(grid, sh.merged_cell_ranges)
            if name in extents:
                _put_errors(grid, extents[name].errors)
            missing = missing_values(grid, formulas.get(name, []))
            sheets.append(RawSheet(name, grid, missing, copies, hidden=hidden))
    except pc.PasswordError as exc:
        raise InvalidInput("ingest.err.password", file=filename) from exc
    except (pc.CalamineError, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InvalidInput("ingest.err.corrupt", file=filename) from exc
    return sheets


#: The smallest worksheet part (uncompressed, as the zip directory declares it) that
#: :func:`_read_ahead` reads in a thread: two pieces of the scan (:func:`_chunks`), so
#: that the scan is a piece ahead when calamine starts and half of it or more is left.
AHEAD_BYTES = 16 * MB


class _ReadAhead:
    """calamine's read of one worksheet in a thread of its own, waiting for a signal
    to start: :meth:`scanned` (the scan has passed a piece of this sheet) or
    :meth:`result`; or never, after :meth:`cancel`. See :func:`_read_ahead`."""

    def __init__(self, wb: pc.CalamineWorkbook, name: str) -> None:
        self.name = name
        self._go = threading.Event()
        self._cancelled = False
        pool = ThreadPoolExecutor(1, thread_name_prefix="sdg-read-ahead")
        try:
            self._future = pool.submit(self._read, wb)
        finally:
            pool.shutdown(wait=False)  # the thread ends after its one read

    def _read(self, wb: pc.CalamineWorkbook) -> object:
        self._go.wait()
        return None if self._cancelled else wb.get_sheet_by_name(self.name)

    def scanned(self, name: str) -> None:
        """Start the read once the scan has passed a piece of this sheet."""
        if name == self.name:
            self._go.set()

    def cancel(self) -> None:
        """Do not start the read (one already started runs on, unwaited for)."""
        self._cancelled = True
        self._go.set()

    def result(self) -> object:
        """The ``CalamineSheet`` (waiting for it), or calamine's error raised."""
        self._go.set()
        return self._future.result()


def _read_ahead(wb: pc.CalamineWorkbook, zf: zipfile.ZipFile | None, parts: dict[str, str],
                worksheets: list[str]) -> _ReadAhead | None:
    """calamine's read of the first worksheet (``get_sheet_by_name``) in a thread of
    its own, started once the extent scan has passed the first piece (8 MB) of that
    sheet's XML; or None (read it in turn) when there is no such sheet, it has no
    worksheet part in ``zf`` (an xls, or a part :func:`sheet_parts` cannot find: its
    extent is not scanned), the part is smaller than :data:`AHEAD_BYTES`, or no
    thread can be started.

    calamine releases the GIL while it inflates and parses a sheet, and builds the
    dense grid only at the end of it, from the cells it collected; the extent scan
    (:func:`check_extents`, 2–4× faster on the same XML) goes on meanwhile in the
    calling thread. :func:`read_workbook` waits for the thread (``result()``) only
    when it needs the sheet, after the scan of *every* sheet, the file's total and the
    formula scan have passed: a refusal by those is raised at once, without waiting
    for calamine, and a calamine error is raised when the sheet is needed, where the
    read in turn raises it (so the scan's errors come first, as there). Only the
    first sheet is read ahead; the others are read in turn once every extent passed.

    Failure modes, and why this runs only in a parse child (:func:`sdg.sandbox.in_child`):

    - *A far cell in the first sheet* (``XFD1048576``): in the first piece, it is
      refused before calamine starts. Later, the scan finds it while calamine reads
      (it is a piece ahead and faster), the refusal is answered, and the child ends
      (:func:`os._exit`) and the thread with it. Should calamine still reach the end
      of the XML first (this thread starved of the CPU for a long while) and fail to
      allocate the grid, the child aborts at its memory limit and the caller says
      "Filen er for stor eller ødelagt" instead of the specific message: safe, less
      precise. Without the head start that happened: on XML of short inline
      strings calamine is only 1.5–2.5× slower than the scan, and on a loaded
      machine 3 of 10 reads of a 24 MB sheet with a far cell at its end aborted
      first (and 1 of 6 at 11 MB). With it, none of 20 (16.5 and 24 MB). In-process
      (tests, the reference) an abort would take the caller down: there the scan
      stays before the read.
    - *A far cell in a later sheet*: found while calamine reads the first sheet (a
      sheet within the limits); calamine never starts on the far one.
    - *Hidden sheets* are neither scanned nor read unless chosen (``worksheets``
      holds the sheets to read), as in turn.
    - *Memory*: two inflaters at once. The scan holds at most two 8 MB pieces of XML
      (:func:`_chunks`), calamine its sparse cells (as in turn); the thread adds its
      stack and a malloc arena of address space (``RLIMIT_AS`` counts both, so a
      child near its memory limit dies a little earlier, with the generic message).
    - *No thread to spare* (``RuntimeError`` at the start): read in turn.
    - *calamine fails* (corrupt, password): the error waits in the future and is
      raised by ``result()``, inside :func:`read_workbook`'s handlers.
    - *The scan refuses* before the read started: :meth:`_ReadAhead.cancel`, the
      thread ends without reading.

    >>> _read_ahead(None, None, {}, ["Ark1"]) is None  # an xls: no part to scan
    True
    """
    if not worksheets or zf is None:
        return None
    part = parts.get(worksheets[0])
    try:
        size = zf.getinfo(part).file_size if part else 0
    except KeyError:
        return None
    if size < AHEAD_BYTES:
        return None
    try:
        return _ReadAhead(wb, worksheets[0])
    except RuntimeError:  # no thread can be started
        return None


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


def _put_errors(grid: np.ndarray, errors: dict[tuple[int, int], str]) -> None:
    """Write error cells' text (``#DIV/0!``) into the grid where calamine left them
    empty, so the value reader lists them as problems instead of dropping them."""
    rows, cols = grid.shape
    for (r, c), text in errors.items():
        if r < rows and c < cols and grid[r, c] == "":
            grid[r, c] = text


def read_ole(data: bytes, filename: str, limits: Limits | None = None,
             sheet: str | None = None) -> list[RawSheet]:
    """An OLE compound file: an encrypted (password) workbook or a legacy .xls
    (hidden sheets as in :func:`read_workbook`)."""
    if _ENCRYPTED in data:
        raise InvalidInput("ingest.err.password", file=filename)
    return read_workbook(data, filename, None, limits=limits, sheet=sheet)


def decode_text(data: bytes) -> str:
    """UTF-16 with a BOM (Udir's statistikkbank), UTF-8 (with or without BOM) if
    valid, else Latin-1 (SSB's CSV encoding).

    >>> decode_text("Bø".encode("latin-1")), decode_text("Bø".encode("utf-8"))
    ('Bø', 'Bø')
    >>> decode_text("Bø|1".encode("utf-16"))
    'Bø|1'
    """
    return _decode(data)[0]


#: How much of a file :func:`_decode` tries as UTF-8 before the whole of it.
_UTF8_PROBE = 64 * 1024


def _codec(data: bytes) -> tuple[str, str | None]:
    """The codec of :func:`_decode` (``utf-16``, ``utf-8-sig`` or ``latin-1``) and the
    text, when telling the codec took decoding it (else None): a file that is ASCII,
    or UTF-8 by pyarrow's check of its bytes (no Python string built), or not UTF-8
    by its first bytes, is not decoded (tested against :func:`_decode`).

    >>> _codec("Bø".encode("latin-1")), _codec(codecs.BOM_UTF8 + "Bø".encode())
    (('latin-1', None), ('utf-8-sig', None))
    >>> _codec("a".encode("utf-16"))
    ('utf-16', 'a')
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return "utf-16", data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if len(data) > _UTF8_PROBE:
        try:
            codecs.getincrementaldecoder("utf-8-sig")().decode(data[:_UTF8_PROBE], final=False)
        except UnicodeDecodeError:
            return "latin-1", None
    if data.isascii():
        return "utf-8-sig", None
    if pa is not None:
        body = memoryview(data)[3 if data.startswith(codecs.BOM_UTF8) else 0:]
        return ("utf-8-sig" if _valid_utf8(body) else "latin-1"), None
    text, codec = _decode(data)
    return codec, text


def _valid_utf8(data: bytes | memoryview) -> bool:
    """True when ``data`` decodes as UTF-8 (pyarrow's check, as strict as Python's:
    no surrogates, overlong forms or code points past U+10FFFF).

    >>> _valid_utf8("Bø".encode()), _valid_utf8(b"\\xed\\xa0\\x80"), _valid_utf8(b"\\xc3")
    (True, False, False)
    """
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32))
    text = pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _decode(data: bytes) -> tuple[str, str]:
    """:func:`decode_text` and the codec that decoded it (``utf-16``, ``utf-8-sig`` or
    ``latin-1``).

    A start that is not UTF-8 makes the whole file not UTF-8: the first
    :data:`_UTF8_PROBE` bytes are tried first (an incomplete character at their end is
    no error), so a Latin-1 file is not decoded, and copied into the error, in full.

    >>> _decode("Bø".encode("latin-1")), _decode(codecs.BOM_UTF8 + "Bø".encode())
    (('Bø', 'latin-1'), ('Bø', 'utf-8-sig'))
    >>> _decode(b"a" * _UTF8_PROBE + "ø".encode("latin-1"))[1]
    'latin-1'
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        if len(data) > _UTF8_PROBE:
            codecs.getincrementaldecoder("utf-8-sig")().decode(data[:_UTF8_PROBE], final=False)
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def read_csv(data: bytes, filename: str, limits: Limits | None = None) -> RawSheet:
    """A CSV file as one sheet of strings (separator ``;``, ``|``, tab or ``,``,
    whichever the first 50 lines hold most; ties in that order).

    Refuses a file over ``limits`` while it is split: its line count before, its
    widest row and its cells (rows × widest row) before the grid is built.

    >>> read_csv('"t"\\n\\n"region";"x 2021"\\n"0301 Oslo";12,5'.encode("latin-1"), "a.csv").grid[3].tolist()
    ['0301 Oslo', '12,5']
    >>> read_csv("a|b\\n1|2,5".encode("utf-16"), "u.csv").grid[1].tolist()
    ['1', '2,5']
    >>> read_csv(b"a;b\\n1;2\\n3;4", "a.csv", Limits(max_cells=5)).grid
    Traceback (most recent call last):
    ...
    sdg.errors.InvalidInput: Arket a.csv i a.csv går over 3 rader × 2 kolonner = 6 celler (fra A1). Grensen er 5 celler per import.
    """
    limits = limits or Limits()
    name = PurePath(filename).name
    codec, text = _codec(data)  # the text itself only for UTF-16 (or UTF-8 without pyarrow)
    raw = _raw_text(data, codec)
    newlines, lone_cr = _breaks(text if raw is None else raw)
    limits.check(name, name, rows=newlines + 1, cols=1)  # before the split
    head = _first_lines(text, 50) if raw is None else _first_raw_lines(raw, 50)
    sample = "\n".join(head)
    delimiter = max(DELIMITERS, key=sample.count)
    # len(text.splitlines()), without the list (or the text)
    other = None if raw is None else _other_breaks(data, raw[1])
    count = (line_count(text, newlines, lone_cr) if raw is None
             else _raw_line_count(data, raw, newlines, lone_cr, other))
    limits.check(name, name, rows=count, cols=1)
    if count > _FAST_CSV_LINES:
        width = max(map(len, csv.reader(head, delimiter=delimiter)))
        # the C parser refuses a line wider than the first 50 (then the csv module
        # below reads it), so rows × width bounds its grid
        limits.check(name, name, rows=count, cols=width)
        found = _arrow_csv(raw if raw is not None else (text.encode("utf-8"), "utf-8"),
                           delimiter, width, lone_cr,
                           None if other is None else bool(other) or b"\x00" in data)
        if found is not None:
            return RawSheet(name, None, columns=found)
        text = decode_text(data) if text is None else text
        grid = _fast_csv(text, delimiter, width)
        if grid is not None:
            return RawSheet(name, grid)
    text = decode_text(data) if text is None else text
    lines = text.splitlines()
    del text
    rows = []
    width = 0
    for row in csv.reader(lines, delimiter=delimiter):
        if len(row) > width:
            width = len(row)
            limits.check(name, name, rows=len(lines), cols=width)
        rows.append(row)
    limits.check(name, name, rows=len(rows), cols=width)
    return RawSheet(name, _grid(rows))


_FAST_CSV_LINES = 5_000
#: What :meth:`str.splitlines` splits on besides "\n" and "\r" ("\r\n" is one break).
_OTHER_BREAKS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


def line_count(text: str, newlines: int | None = None, lone_cr: int | None = None) -> int:
    """``len(text.splitlines())``, counted without building the lines (``newlines``:
    ``text.count("\\n")``, ``lone_cr``: the ``"\\r"`` not followed by ``"\\n"``, when
    already known: :func:`_breaks`).

    >>> [line_count(t) for t in ("", "a", "a\\n", "a\\r\\nb", "a\\r\\rb\\x0c", "\\n\\n")]
    [0, 1, 1, 2, 3, 2]
    """
    breaks = text.count("\n") if newlines is None else newlines
    if lone_cr is not None:
        breaks += lone_cr
    elif "\r" in text:
        breaks += text.count("\r") - text.count("\r\n")
    breaks += sum(text.count(b) for b in _OTHER_BREAKS if b in text)  # `in` is a fast scan
    last = text[-1:]
    return breaks + (1 if last and last not in "\n\r" and last not in _OTHER_BREAKS else 0)


#: The bytes of :data:`_OTHER_BREAKS` in each codec of :func:`_raw_text`.
_BREAK_BYTES = {"latin-1": tuple(b.encode("latin-1") for b in _OTHER_BREAKS if ord(b) < 256),
                "utf-8": tuple(b.encode("utf-8") for b in _OTHER_BREAKS)}


def _other_breaks(data: bytes, codec: str) -> int:
    """How many line breaks but ``\\n`` and ``\\r`` (:data:`_OTHER_BREAKS`) the
    Latin-1 or UTF-8 bytes ``data`` hold (a break's bytes are that break wherever they
    are; no BOM holds them).

    >>> _other_breaks("a\\x85b\\u2028".encode(), "utf-8"), _other_breaks(b"a\\x85", "latin-1")
    (2, 1)
    """
    return sum(data.count(b) for b in _BREAK_BYTES[codec] if b in data)  # `in`: a fast scan


def _raw_line_count(data: bytes, raw: tuple[memoryview, str], newlines: int, lone_cr: int,
                    other: int | None = None) -> int:
    """:func:`line_count` of the text whose bytes are ``raw`` (:func:`_raw_text` of the
    file ``data``), counted on the bytes: a break's bytes are that break wherever
    they are in Latin-1 or UTF-8 (which no BOM holds).

    >>> text = "a\\r\\nb\\x85c\\u2028"
    >>> data = codecs.BOM_UTF8 + text.encode()
    >>> _raw_line_count(data, _raw_text(data, "utf-8-sig"), 1, 0) == len(text.splitlines())
    True
    """
    body, codec = raw
    breaks = newlines + lone_cr + (_other_breaks(data, codec) if other is None else other)
    last = bytes(body[-4:]).decode(codec, errors="ignore")[-1:]  # whole at the end
    return breaks + (1 if last and last not in "\n\r" and last not in _OTHER_BREAKS else 0)


def _first_raw_lines(raw: tuple[memoryview, str], n: int) -> list[str]:
    """:func:`_first_lines` of the text whose bytes are ``raw``, decoding a prefix
    long enough to hold them (a character cut at its end is left out).

    >>> _first_raw_lines((memoryview("ø;b\\r\\n".encode() * 3000), "utf-8"), 2)
    ['ø;b', 'ø;b']
    """
    body, codec = raw
    size = 4096
    while size < len(body):
        head = codecs.getincrementaldecoder(codec)().decode(body[:size], final=False)
        lines = head.splitlines()
        if len(lines) > n + 1:  # line n - 1 and its line break end inside the prefix
            return lines[:n]
        size *= 4
    return bytes(body).decode(codec).splitlines()[:n]


def _breaks(text: str | tuple[bytes | memoryview, str]) -> tuple[int, int]:
    """How many ``"\\n"`` and lone ``"\\r"`` (not before a ``"\\n"``) ``text`` holds,
    counted on its bytes (:func:`_raw_text`) when given them.

    >>> _breaks("a\\r\\nb\\rc\\n"), _breaks((b"a\\r\\nb\\rc\\n", "latin-1")), _breaks((b"\\r", "utf-8"))
    ((2, 1), (2, 1), (0, 1))
    """
    if isinstance(text, str):
        lone = text.count("\r") - text.count("\r\n") if "\r" in text else 0
        return text.count("\n"), lone
    data = np.frombuffer(text[0], dtype=np.uint8)
    newlines = int(np.count_nonzero(data == 10))
    cr = np.flatnonzero(data == 13)
    if not len(cr):
        return newlines, 0
    followed = data[np.minimum(cr + 1, len(data) - 1)] == 10  # a last "\r": itself
    return newlines, int(len(cr) - np.count_nonzero(followed))


def _first_lines(text: str, n: int) -> list[str]:
    """``text.splitlines()[:n]``, splitting only a prefix long enough to hold them.

    >>> _first_lines("a\\r\\nb\\rc\\n" * 3000, 4)
    ['a', 'b', 'c', 'a']
    """
    size = 4096
    while size < len(text):
        head = text[:size].splitlines()
        if len(head) > n + 1:  # line n - 1 and its line break end inside the prefix
            return head[:n]
        size *= 4
    return text.splitlines()[:n]


def _fast_csv(text: str, delimiter: str, width: int) -> np.ndarray | None:
    """A large CSV through pandas' C parser (the same cells as :mod:`csv`, as text), or
    None when a line has more fields than the first 50 (then the csv module reads it).

    >>> _fast_csv('"a";"b"\\n1;"2,5"\\n\\n3', ";", 2).tolist()
    [['a', 'b'], ['1', '2,5'], ['', ''], ['3', '']]
    """
    try:
        # bytes: the C parser reads UTF-8 itself (a text buffer is encoded in chunks)
        frame = pd.read_csv(io.BytesIO(text.encode("utf-8")), sep=delimiter, header=None,
                            names=range(width), encoding="utf-8",
                            # object, not str: Python strings as parsed, without a round
                            # trip through Arrow strings (half the time in pandas 3)
                            dtype=object, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c", quotechar='"')
    except (pd.errors.ParserError, ValueError):
        return None
    grid = np.empty(frame.shape, dtype=object)
    for c in range(frame.shape[1]):  # column by column (faster than frame.to_numpy)
        grid[:, c] = frame.iloc[:, c].to_numpy(dtype=object)
    return grid


def _raw_text(data: bytes, codec: str) -> tuple[memoryview, str] | None:
    """The file's text as bytes in a codec whose ASCII bytes are only its ASCII
    characters, and that codec: the file's own bytes for Latin-1 and UTF-8 (after a
    BOM); None for UTF-16.

    >>> _raw_text(codecs.BOM_UTF8 + b"a;b", "utf-8-sig")[0].tobytes()
    b'a;b'
    """
    if codec == "latin-1":
        return memoryview(data), "latin-1"
    if codec == "utf-8-sig":
        return memoryview(data)[3 if data.startswith(codecs.BOM_UTF8) else 0:], "utf-8"
    return None


def _arrow_csv(raw: tuple[bytes | memoryview, str], delimiter: str, width: int,
               lone_cr: int | None = None, odd: bool | None = None
               ) -> tuple[tuple[np.ndarray, np.ndarray], ...] | None:
    """A large *plain* CSV split by pyarrow, each column dictionary-encoded: the
    grid's columns (:attr:`RawSheet.columns`; the grid: :func:`grid_of`); None when
    the file is not plain.

    Plain: no NUL, no line break but ``\\n`` and ``\\r\\n`` (:meth:`str.splitlines`
    splits on more), no BOM at the start, every line ``width`` fields (an empty line
    is a row of empty cells), and every field split on the delimiter and line breaks
    alone (``raw``, the text's bytes) either without a quote or quoted whole:
    ``"…"`` with no quote inside. Then the csv module, pandas' C parser
    (:func:`_fast_csv`) and this split give the same cells: each field is one cell,
    its quotes taken off (``tests/test_ingest_read_csv.py``). pyarrow splits the
    bytes without quoting; the distinct fields are checked, unquoted and decoded,
    so no cell is boxed as a Python string but the distinct ones.

    >>> columns = _arrow_csv((b'"a";"b"\\n1;"2,5"\\n\\n3;4', "utf-8"), ";", 2)
    >>> grid_of(columns).tolist(), columns[1][0].tolist(), columns[1][1].tolist()
    ([['a', 'b'], ['1', '2,5'], ['', ''], ['3', '4']], [0, 1, 2, 3], ['b', '2,5', '', '4'])
    >>> _arrow_csv((b'"a;b";c\\n', "utf-8"), ";", 2) is None  # quoted delimiter
    True
    """
    data, codec = raw
    if pa_csv is None or bytes(data[:3]) == codecs.BOM_UTF8:  # a BOM (a second one)
        return None
    lone_cr = _breaks(raw)[1] if lone_cr is None else lone_cr
    if odd is None:  # (``odd``: when the caller has looked for them)
        odd = any(_holds(data, b) for b in (b"\x00", *_BREAK_BYTES[codec]))
    if lone_cr or odd:
        return None
    names = [str(c) for c in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            # a block per core, split side by side on Arrow's threads (then joined
            # into one chunk per column below: 15 → 10 ms for 200,000 rows on two)
            read_options=pa_csv.ReadOptions(column_names=names, use_threads=True,
                                            block_size=_block_size(len(data))),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char=False,
                                              escape_char=False, newlines_in_values=False,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(  # binary, then encoded: ~1/3 faster
                column_types=dict.fromkeys(names, pa.binary()), null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
        table = table.combine_chunks()  # (one copy of the fields, ~1 ms per 10 MB)
        if any(column.num_chunks != 1 or column.null_count or not pa.types.is_binary(
                column.type) for column in table.columns):  # one empty line: type null
            return None
        # Arrow's kernels release the GIL: the columns are encoded side by side.
        with ThreadPoolExecutor(max_workers=min(width, 4)) as pool:
            encoded_columns = list(pool.map(pa_compute.dictionary_encode,
                                            (column.chunk(0) for column in table.columns)))
        columns = []
        for encoded in encoded_columns:
            found = _arrow_cells(_arrow_text(encoded.dictionary, codec))
            if found is None:
                return None
            codes = encoded.indices.to_numpy().astype(np.intp)
            columns.append((codes if found[0] is None else found[0][codes], found[1]))
    except pa.ArrowException:  # a line of another width (or out of memory: pandas tries)
        return None
    return tuple(columns)


def _block_size(size: int) -> int:
    """pyarrow's block size for a CSV of ``size`` bytes: one block per core (at least
    1 MB each), so that the blocks are split at once on Arrow's threads.

    >>> _block_size(1000), _block_size(100 << 20) <= (100 << 20) // max(pa.cpu_count(), 1) + 1
    (1001, True)
    """
    return max(min(size + 1, 1 << 20), size // max(pa.cpu_count(), 1) + 1)


def _arrow_text(fields: pa.Array, codec: str) -> pa.Array:
    """Binary fields (of a file's bytes split at ASCII bytes) as text: UTF-8 as it is,
    Latin-1 transcoded (one buffer; each byte from 0x80 on becomes two).

    >>> _arrow_text(pa.array(["Bø".encode("latin-1"), b"", b"a"]), "latin-1").to_pylist()
    ['Bø', '', 'a']
    """
    if codec != "latin-1":
        return fields.cast(pa.string())  # valid: the whole text is (ArrowInvalid if not)
    offsets_buffer, data_buffer = fields.buffers()[1:3]
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[
        fields.offset:fields.offset + len(fields) + 1].astype(np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else (
        np.empty(0, dtype=np.uint8))
    high = np.concatenate([[0], np.cumsum(data >= 0x80)])
    utf8 = data.tobytes().decode("latin-1").encode("utf-8")
    shifted = (offsets + high[offsets]).astype(np.int32)
    return pa.Array.from_buffers(pa.string(), len(fields),
                                 [None, pa.py_buffer(shifted), pa.py_buffer(utf8)])


def _arrow_cells(fields: pa.Array) -> tuple[np.ndarray | None, np.ndarray] | None:
    """:func:`_unquoted` of distinct text fields (tested against it): (each field's
    index into the distinct cells, or None when that is the identity; the distinct
    cells as an object array), None for a quote that does not quote a whole field.

    >>> _arrow_cells(pa.array(['"a"', "b", "a", '""']))
    (array([0, 1, 0, 2]), array(['a', 'b', ''], dtype=object))
    >>> _arrow_cells(pa.array(["a", "b"]))[0] is None, _arrow_cells(pa.array(['"a"b"']))
    (True, None)
    """
    quotes = pa_compute.count_substring(fields, '"').to_numpy()
    if not quotes.any():
        return None, fields.to_numpy(zero_copy_only=False)
    quoted = (quotes == 2) & pa_compute.starts_with(fields, '"').to_numpy(
        zero_copy_only=False) & pa_compute.ends_with(fields, '"').to_numpy(zero_copy_only=False)
    quoted &= pa_compute.binary_length(fields).to_numpy() >= 2
    if not (quoted | (quotes == 0)).all():
        return None
    unquoted = pa_compute.if_else(pa.array(quoted),
                                  pa_compute.utf8_slice_codeunits(fields, 1, -1), fields)
    index, distinct = pd.factorize(unquoted.to_numpy(zero_copy_only=False))  # "a" and a
    return index, np.asarray(distinct, dtype=object)


def _holds(data: bytes | memoryview, part: bytes) -> bool:
    """``part in data`` for bytes, or for a view into a bytes object (the file after
    its BOM, :func:`_raw_text`) without copying it.

    >>> data = b"\\xef\\xbb\\xbfa\\x00b"
    >>> _holds(memoryview(data)[3:], b"\\x00"), _holds(memoryview(data)[3:], b"\\xef")
    (True, False)
    >>> _holds(memoryview(data)[3:4], b"\\x00"), _holds(memoryview(data)[4:], b"\\x00b")
    (False, True)
    """
    if not isinstance(data, memoryview):
        return part in data
    whole = data.obj
    if not isinstance(whole, bytes) or not data.contiguous or not data.nbytes:
        return part in data.tobytes()
    address = np.frombuffer(data, dtype=np.uint8).__array_interface__["data"][0]
    start = address - np.frombuffer(whole, dtype=np.uint8).__array_interface__["data"][0]
    return whole.find(part, start, start + data.nbytes) >= 0


def _unquoted(fields: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """The cells of distinct fields split without quoting (the plain reference of
    :func:`_arrow_cells`): ``"…"`` without its quotes (no quote inside), a field
    without a quote as it is; None for any other quote. Returns (the cell's index
    of each field, the distinct cells).

    >>> [x.tolist() for x in _unquoted(['"a"', "b", "a", '""'])]
    [[0, 1, 0, 2], ['a', 'b', '']]
    >>> _unquoted(['a"b']), _unquoted(['"a""b"']), _unquoted(['"'])
    (None, None, None)
    """
    cells = []
    for f in fields:
        if '"' in f:
            if len(f) < 2 or f[0] != '"' or f[-1] != '"' or '"' in f[1:-1]:
                return None
            f = f[1:-1]
        cells.append(f)
    index: dict[str, int] = {}
    at = np.array([index.setdefault(c, len(index)) for c in cells], dtype=np.intp)
    distinct = np.empty(len(index), dtype=object)
    distinct[:] = list(index)
    return at, distinct


def read_json(data: bytes, filename: str) -> dict:
    """Parse a JSON document; invalid JSON is a corrupt file."""
    try:
        doc = json.loads(decode_text(data))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidInput("ingest.err.corrupt", file=filename) from exc
    if not isinstance(doc, dict):
        raise InvalidInput("ingest.err.bad_jsonstat", file=filename, detail="not an object")
    return doc
