"""The entry point: :func:`parse_file` (bytes → tables, problems, explanations)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath

from sdg.errors import InvalidInput
from sdg.ingest import read
from sdg.ingest.blocks import Context, finish
from sdg.ingest.detect import detect, has_content
from sdg.ingest.jsonstat import parse_jsonstat
from sdg.ingest.model import Explanation, ParsedTable, ParseResult
from sdg.ingest.problems import Problems
from sdg.ingest.regions import known_index


def parse_file(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    known_codes: Mapping[str, str] | None = None,
    max_bytes: int = read.MAX_BYTES,
) -> ParseResult:
    """Read an indicator file (xlsx/xls, Statbank CSV or JSON-stat) without a database.

    Parameters
    ----------
    data : bytes
        The uploaded file.
    filename : str
        Its name (used in messages and to tell CSV from other text).
    sheet : str, optional
        Read only this sheet.
    known_codes : mapping, optional
        Municipality name → code, for files that name regions without codes.
    max_bytes : int
        Largest file accepted (default 50 MB).

    Returns
    -------
    ParseResult
        Tables (one per indicator block), cell problems and explanations.

    Raises
    ------
    InvalidInput
        For problems with the whole file (too large, zip bomb, password, corrupt,
        unsupported type, empty, unknown sheet); the key is in ``err.key``.

    Examples
    --------
    >>> csv = '"kommunenummer";"indikator";"år";"verdi"\\n"3203";"Folketall";2024;98 000'
    >>> result = parse_file(csv.encode(), "mal.csv")
    >>> t = result.tables[0]
    >>> t.layout, t.title, t.data[["municipality", "year", "value"]].values.tolist()
    ('template_long', 'Folketall', [['3203', 2024, 98000.0]])
    """
    name = PurePath(filename).name
    read.check_size(data, name, max_bytes)
    kind = read.sniff_kind(data, name)
    problems = Problems(name)
    known = known_index(known_codes)
    if kind == "json":
        ctx = Context(name, known, problems)
        outcomes = [finish(b, ctx) for b in parse_jsonstat(read.read_json(data, name), name)]
        return _result(outcomes, problems)
    if kind == "csv":
        sheets = [read.read_csv(data, name)]
    elif kind == "xlsx":
        sheets = read.read_workbook(data, name, read.check_zip(data, name))
    else:
        sheets = read.read_ole(data, name)
    if not any(has_content(s.grid) for s in sheets):
        raise InvalidInput("ingest.err.empty_workbook", file=name)
    if sheet is not None:
        chosen = [s for s in sheets if s.name == sheet]
        if not chosen:
            names = ", ".join(s.name for s in sheets)
            raise InvalidInput("ingest.err.sheet_not_found", file=name, sheet=sheet, sheets=names)
        sheets = chosen
    outcomes: list[ParsedTable | Explanation] = []
    for raw in sheets:
        for r, c in raw.formula_no_value:
            problems.add(raw.name, r + 1, c, None, "ingest.problem.formula_no_value")
        found = detect(raw.grid, raw.name, known)
        if isinstance(found, Explanation):
            outcomes.append(found)
        else:
            outcomes += [finish(b, Context(raw.name, known, problems)) for b in found]
    return _result(outcomes, problems)


def _result(outcomes: list[ParsedTable | Explanation], problems: Problems) -> ParseResult:
    """Split outcomes into tables and explanations (one explanation per sheet and key)."""
    tables = [o for o in outcomes if isinstance(o, ParsedTable)]
    unique = {(o.sheet, o.key): o for o in outcomes if isinstance(o, Explanation)}
    explanations = list(unique.values())
    return ParseResult(tables, problems.frame(), explanations)
