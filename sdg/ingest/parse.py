"""The entry point: :func:`parse_file` (bytes → tables, problems, explanations)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import PurePath

import numpy as np

from sdg.errors import InvalidInput
from sdg.ingest import read
from sdg.ingest.blocks import Context, finish, finish_all
from sdg.ingest.detect import detect_sheet, has_content
from sdg.ingest.jsonstat import parse_jsonstat
from sdg.ingest.limits import Limits
from sdg.ingest.model import Explanation, ParsedTable, ParseResult
from sdg.ingest.problems import Problems
from sdg.ingest.regions import known_index


def parse_file(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    known_codes: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
    max_bytes: int = read.MAX_BYTES,
    year: int | None = None,
    limits: Limits | None = None,
) -> ParseResult:
    """Read an indicator file (xlsx/xls, Statbank CSV or JSON-stat) without a database.

    Parameters
    ----------
    data : bytes
        The uploaded file.
    filename : str
        Its name (used in messages and to tell CSV from other text).
    sheet : str, optional
        Read only this sheet. Hidden (and very hidden) sheets of a workbook are read
        only when chosen here; otherwise each is listed with the explanation
        ``ingest.explain.hidden_sheet`` and its data is not read.
    known_codes : mapping or callable, optional
        Municipality name → code, for files that name regions without codes; or a
        function returning it, called once the sheets are read (in a parse child,
        the caller sends the names while the file is being read:
        :func:`sdg.sandbox.run_outcome`).
    max_bytes : int
        Largest file accepted (default 50 MB).
    year : int, optional
        The year of a long table that names no period anywhere (the user's word,
        ``--year``); never guessed.
    limits : Limits, optional
        Rows, columns and cells allowed (default :class:`~sdg.ingest.limits.Limits`),
        checked before a sheet is read.

    Returns
    -------
    ParseResult
        Tables (one per indicator block), cell problems and explanations.

    Raises
    ------
    InvalidInput
        For problems with the whole file (too large, zip bomb, over a row, column or
        cell limit, password, corrupt, unsupported type, empty, unknown sheet); the
        key is in ``err.key``.

    Examples
    --------
    >>> csv = '"kommunenummer";"indikator";"år";"verdi"\\n"3203";"Folketall";2024;98 000'
    >>> result = parse_file(csv.encode(), "mal.csv")
    >>> t = result.tables[0]
    >>> t.layout, t.title, t.data[["municipality", "year", "value"]].values.tolist()
    ('template_long', 'Folketall', [['3203', 2024, 98000.0]])
    """
    name = PurePath(filename).name
    limits = limits or Limits()
    read.check_size(data, name, max_bytes)
    kind = read.sniff_kind(data, name)
    problems = Problems(name)
    if kind == "json":
        blocks = parse_jsonstat(read.read_json(data, name), name, limits)
        if isinstance(blocks, Explanation):
            return _result([blocks], problems, {})
        ctx = Context(name, _known(known_codes), problems)
        outcomes = [finish(b, ctx) for b in blocks]
        return _result(outcomes, problems, {})
    zf = None
    if kind == "csv":
        sheets = [read.read_csv(data, name, limits)]
    elif kind == "xlsx":
        zf = read.check_zip(data, name)
        sheets = read.read_workbook(data, name, zf, scan_formulas=False, limits=limits,
                                    sheet=sheet)
    else:
        sheets = read.read_ole(data, name, limits, sheet=sheet)
    all_sheets = tuple(s.name for s in sheets)
    hidden = tuple(s.name for s in sheets if s.hidden)
    unread = [s for s in sheets if s.unread]
    sheets = [s for s in sheets if not s.unread]
    if not any(_has_content(s) for s in sheets) and (sheet is not None or not unread):
        raise InvalidInput("ingest.err.empty_workbook", file=name)
    if sheet is not None:
        chosen = [s for s in sheets if s.name == sheet]
        if not chosen:
            names = ", ".join(all_sheets)
            raise InvalidInput("ingest.err.sheet_not_found", file=name, sheet=sheet, sheets=names)
        sheets = chosen
        unread = []
    # A hidden sheet not chosen is listed, never read (what Excel does not show is not
    # imported in silence).
    hidden_notes = [Explanation(s.name, "ingest.explain.hidden_sheet",
                                {"sheet": s.name, "file": name}) for s in unread]
    known = _known(known_codes)
    detected = [(raw, detect_sheet(raw, known, year)) for raw in sheets]
    read_rows = {raw.name: filled_rows(None if raw.columns is not None else raw.grid,
                                       raw.columns) for raw in sheets}
    formulas = None
    outcomes: list[ParsedTable | Explanation] = []
    for raw, found in detected:
        missing = raw.formula_no_value
        if zf is not None and _may_hide_formulas(found):
            formulas = read.formula_cells(data, zf) if formulas is None else formulas
            missing = read.missing_values(raw.grid, formulas.get(raw.name, []))
        for r, c in missing:
            problems.add(raw.name, r + 1, c, None, "ingest.problem.formula_no_value")
        if isinstance(found, Explanation):
            outcomes.append(found)
        else:
            ctx = Context(raw.name, known, problems,  # one per sheet: labels looked up once
                          merged=raw.merged_copies)
            outcomes += finish_all(found, ctx)
    return _result(outcomes + hidden_notes, problems, read_rows, all_sheets, hidden)


def filled_rows(grid: np.ndarray | None,
                columns: tuple[tuple[np.ndarray, np.ndarray], ...] | None = None) -> np.ndarray:
    """1-based numbers of the rows of ``grid`` with a non-empty cell.

    A column at a time, each looking only at the rows still empty (a template sheet
    is done after its first column: an eighth of the comparisons), through the
    column's codes when the reader gives them (``columns``,
    :attr:`sdg.ingest.read.RawSheet.columns`: each distinct cell compared once; then
    ``grid`` is not looked at and may be None); tested against
    :func:`_filled_rows_reference`.

    Examples
    --------
    >>> filled_rows(np.array([["", ""], ["", 1.0], ["a", ""]], dtype=object))
    array([2, 3])
    >>> filled_rows(np.empty((0, 0), dtype=object)).tolist()
    []
    """
    height, width = grid.shape if columns is None else (
        len(columns[0][0]) if columns else 0, len(columns))
    if not height or not width:
        return np.empty(0, dtype=int)
    if columns is not None:
        def filled_in(c: int, rows: np.ndarray | slice) -> np.ndarray:
            codes, distinct = columns[c]
            return (distinct != "")[codes[rows]]
    else:
        def filled_in(c: int, rows: np.ndarray | slice) -> np.ndarray:
            return grid[rows, c] != ""
    filled = filled_in(0, slice(None))
    empty = np.flatnonzero(~filled)
    for c in range(1, width):
        if not len(empty):
            break
        hit = filled_in(c, empty)
        filled[empty[hit]] = True
        empty = empty[~hit]
    return np.flatnonzero(filled) + 1


def _filled_rows_reference(grid: np.ndarray) -> np.ndarray:
    """:func:`filled_rows` the plain way: every cell compared."""
    if not grid.size:
        return np.empty(0, dtype=int)
    return np.flatnonzero((grid != "").any(axis=1)) + 1


def _has_content(raw: read.RawSheet) -> bool:
    """:func:`~sdg.ingest.detect.has_content` of a sheet's grid (of a sheet read as
    columns: from their distinct cells, which all occur, without the grid)."""
    if raw.columns is None:
        return has_content(raw.grid)
    return any((distinct != "").any() for _, distinct in raw.columns)


def _known(known_codes: Mapping[str, str] | Callable[[], Mapping[str, str]] | None
           ) -> dict[str, str]:
    """The lookup of :func:`~sdg.ingest.regions.known_index` from the names, or from
    what the function ``known_codes`` returns."""
    return known_index(known_codes() if callable(known_codes) else known_codes)


def _may_hide_formulas(found: list | Explanation) -> bool:
    """True when a sheet may hold formulas without cached values that matter: it has
    no figures, or an empty cell where a block expects a value (calamine reads a
    formula without a cached value as an empty cell)."""
    return isinstance(found, Explanation) or any((b.cells == "").any() for b in found)


def _result(outcomes: list[ParsedTable | Explanation], problems: Problems,
            read_rows: dict[str, np.ndarray], sheets: tuple[str, ...] = (),
            hidden: tuple[str, ...] = ()) -> ParseResult:
    """Split outcomes into tables and explanations (one explanation per sheet and key)."""
    tables = [o for o in outcomes if isinstance(o, ParsedTable)]
    unique = {(o.sheet, o.key): o for o in outcomes if isinstance(o, Explanation)}
    explanations = list(unique.values())
    return ParseResult(tables, problems.frame(), explanations, read_rows,
                       sheets or tuple(read_rows), hidden)


def warm_up(lines: int = 400) -> ParseResult:
    """Parse a small Statbank CSV of ``lines`` rows once, so that what a parse sets up
    on first use is in place.

    The parse broker (:mod:`sdg.sandbox`) calls it before it forks its children, which
    then start from that state (pandas' and NumPy's lazily imported parts, compiled
    patterns, caches: ~0.007 s of a 200,000-row CSV's parse); 400 rows are read by the
    :mod:`csv` module, so no Arrow thread pool is running in the broker when it forks.
    Each child forked ahead of a request calls it again with 6,000 rows (Arrow's
    reader) while it waits: the memory a parse allocates and the broker's pages it
    writes are then this process's own before the request comes (~4,000 page faults,
    ~0.02 s of a 200,000-row CSV's parse on a virtual machine).

    >>> result = warm_up()
    >>> len(result.tables), len(result.tables[0].data)
    (1, 400)
    >>> len(warm_up(6_000).tables[0].data)
    6000
    """
    places = (("0301", "Oslo"), ("3203", "Asker"))
    rows = [f'"{code} {name}";"{sex}";"{age:03d} år";"{year}";{n}'
            for n, (code, name, sex, age, year) in enumerate(
                (code, name, sex, age, year) for age in range(100) for code, name in places
                for sex in ("1 Menn", "2 Kvinner") for year in range(1920, 2020))
            if n < lines]
    text = "\r\n".join(['"region";"kjønn";"alder";"år";"Personer"', *rows])
    return parse_file(text.encode("latin-1"), "varm.csv",
                      known_codes={"Oslo": "0301", "Asker": "3203"})
