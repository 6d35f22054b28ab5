"""Read a citizen-survey file (xlsx or csv) into long ratings for :mod:`sdg.materiality`.

Two layouts are recognised:

- **wide**: one row per respondent and a column per goal or target. Subject headers
  such as ``SDG 4``, ``Mål 4``, ``4 God utdanning``, ``4``, ``sdg4``, ``11.2`` or
  ``Delmål 11.2``; optional columns for the respondent id (id, respondent), group
  (gruppe), district (bydel, område), age band (alder, aldersgruppe) and weight (vekt).
- **long**: one row per rating with respondent, subject (mål/tema), optional axis
  (akse) and value (verdi/svar), plus the same optional columns.

Data problems never raise: every problem is returned at once in
:attr:`SurveyParse.problems` (sheet, row, column, value, reason, severity) and the bad
cell or row is left out of the ratings. ``row`` is the row number the user sees in
Excel or a text editor, header row = 1; ``column`` is the header text (or the Excel
column letter for a column without a header). ``reason`` is a code; its text is
``materiality.problem.<reason>`` in the catalogue (:func:`describe_problems`).
Decisions: a blank answer is no answer (not a problem); an empty row between data rows
is reported with severity ``info`` (trailing empty rows are ignored); a repeated
respondent id is an error and the repeated row is skipped.

Only unreadable files raise :class:`~sdg.errors.InvalidInput` (empty, wrong type,
damaged, missing sheet).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from sdg.errors import InvalidInput
from sdg.i18n import t
from sdg.ingest import read as ingest_read

PROBLEM_COLUMNS = ["sheet", "row", "column", "value", "reason", "severity"]
RATING_COLUMNS = ["respondent", "subject", "axis", "value", "weight", "scale_min", "scale_max"]
OPTIONAL_COLUMNS = ("group", "district", "age_band")

# Header words (lower case, exact match after trimming) → role.
_ROLES = {
    "respondent": {"id", "respondent", "respondent_id", "respondentid", "respondent id",
                   "svar_id", "svarid", "deltaker", "nr", "løpenummer"},
    "group": {"gruppe", "group", "respondentgruppe"},
    "district": {"bydel", "område", "omrade", "district", "kommunedel", "tidligere kommune",
                 "sted"},
    "age_band": {"alder", "aldersgruppe", "age", "age_band", "age band", "age group"},
    "weight": {"vekt", "weight", "vekting", "vekter"},
    "subject": {"subject", "mål", "maal", "goal", "delmål", "target", "tema", "sdg"},
    "axis": {"axis", "akse"},
    "value": {"value", "verdi", "svar", "score", "rating", "vurdering"},
}
_AXIS_WORDS = {"priority": "priority", "prioritet": "priority", "viktighet": "priority",
               "influence": "influence", "påvirkning": "influence", "innflytelse": "influence"}
_PREFIX = r"(?:sdg|mål|maal|bærekraftsmål|baerekraftsmål|goal|delmål|target|fn)?"
_GOAL_RE = re.compile(rf"^{_PREFIX}\s*[-_:]?\s*(\d{{1,2}})(?:\s*[-–:]?\s+\D.*)?$")
_TARGET_RE = re.compile(rf"^{_PREFIX}\s*[-_:]?\s*(\d{{1,2}})\.(\d{{1,2}}|[a-z])(?:\s+.*)?$")
_SCALES = ((1.0, 5.0), (1.0, 7.0), (0.0, 10.0))


@dataclass(frozen=True)
class SurveyParse:
    """Result of :func:`read_survey`.

    Attributes
    ----------
    ratings : DataFrame
        Long ratings: respondent, subject, axis, value, weight, scale_min, scale_max and
        group / district / age_band when the file has them.
    layout : str
        ``"wide"`` or ``"long"``.
    detected : dict
        What was detected: subject_columns (header → code), columns (role → header),
        scale, scale_note, sheet, encoding, delimiter, ignored_columns.
    problems : DataFrame
        sheet, row, column, value, reason, severity (``error`` or ``info``).
    """

    ratings: pd.DataFrame
    layout: str
    detected: dict
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))


# --------------------------------------------------------------------------- small parsers
def parse_subject(text: object) -> tuple[str | None, str]:
    """Subject code in a header or cell, and its kind: goal, target or none.

    >>> [parse_subject(h) for h in ["SDG 4", "Mål 4", "4 God utdanning", "sdg4", "11.2",
    ...                             "Delmål 11.2", "14.a", "Alder"]]
    [('4', 'goal'), ('4', 'goal'), ('4', 'goal'), ('4', 'goal'), ('11.2', 'target'), ('11.2', 'target'), ('14.a', 'target'), (None, 'none')]
    """
    s = _cell_text(text).lower()
    m = _TARGET_RE.match(s)
    if m:
        return f"{int(m.group(1))}.{m.group(2)}", "target"
    m = _GOAL_RE.match(s)
    if m:
        return str(int(m.group(1))), "goal"
    return None, "none"


def subject_problem(code: str, kind: str, known_targets: set[str] | None) -> str | None:
    """Reason code if a parsed subject is not a valid goal (1–17) or target, else None.

    >>> subject_problem("18", "goal", None), subject_problem("11.2", "target", {"11.1"})
    ('unknown_goal', 'unknown_target')
    >>> subject_problem("11.2", "target", None) is None
    True
    """
    goal = int(code.split(".")[0])
    if kind == "goal":
        return None if 1 <= goal <= 17 else "unknown_goal"
    if known_targets is not None:
        return None if code in known_targets else "unknown_target"
    return None if 1 <= goal <= 17 else "unknown_target"


def _cell_text(value: object) -> str:
    """A cell as trimmed text; whole floats lose their ``.0`` (Excel numbers)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
    return str(value).strip()


def parse_number(value: object) -> float | None:
    """A cell as a number (decimal comma allowed); None if blank; ValueError if not numeric.

    >>> parse_number("3,5"), parse_number(4), parse_number(" "), parse_number("7.0")
    (3.5, 4.0, None, 7.0)
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return None if value != value else float(value)
    text = _cell_text(value).replace("\u00a0", "").replace(" ", "")
    if text == "":
        return None
    return float(text.replace(",", "."))


def infer_scale(values: Iterable[float]) -> tuple[float, float]:
    """The smallest of the usual scales 1–5, 1–7, 0–10 that holds the observed values.

    A 0 or a value above 7 means 0–10; above 5 means 1–7; otherwise 1–5. Values that fit
    none are reported as out of scale against 0–10.

    >>> infer_scale([1, 5]), infer_scale([2, 6]), infer_scale([0, 4]), infer_scale([3, 9])
    ((1.0, 5.0), (1.0, 7.0), (0.0, 10.0), (0.0, 10.0))
    """
    vals = list(values)
    if not vals:
        return _SCALES[0]
    lo, hi = min(vals), max(vals)
    for s_lo, s_hi in _SCALES:
        if lo >= s_lo and hi <= s_hi:
            return s_lo, s_hi
    return _SCALES[-1]


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


# --------------------------------------------------------------------------- reading
def _read_rows(data: bytes, filename: str, sheet: str | None) -> tuple[list[list], dict]:
    """The file's cells as rows (header first) and what was detected about the file."""
    if not data:
        raise InvalidInput("materiality.err.file_empty", file=filename)
    ext = PurePath(filename).suffix.lower()
    if ext not in (".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".tsv"):
        raise InvalidInput("materiality.err.file_type", file=filename)
    if ext in (".csv", ".txt", ".tsv") or data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        # The one upload reader's checks (size, type, zip and XML bombs), as for
        # indicator files; anything else named .xlsx is reported as corrupt below.
        ingest_read.check_upload(data, filename)
    if ext in (".xlsx", ".xlsm", ".xls"):
        return _read_excel(data, filename, sheet)
    return _read_csv(data, filename)


def _read_excel(data: bytes, filename: str, sheet: str | None) -> tuple[list[list], dict]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            raise InvalidInput("materiality.err.sheet_missing", file=filename, sheet=sheet,
                               sheets=", ".join(names))
        # a hidden sheet is read only when asked for by name (issue 18): by default
        # the first visible one, and the hidden ones are named in the problems
        hidden = [m.name for m in book.sheets_metadata if ingest_read.visibility(m)]
        visible = [n for n in names if n not in hidden]
        if sheet is None and not visible:
            raise InvalidInput("materiality.err.only_hidden_sheets", file=filename,
                               sheets=", ".join(hidden))
        name = sheet if sheet is not None else visible[0]
        rows = book.get_sheet_by_name(name).to_python()
    except CalamineError as err:
        raise InvalidInput("materiality.err.file_corrupt", file=filename,
                           detail=type(err).__name__) from err
    return rows, {"sheet": name, "encoding": None, "delimiter": None,
                  "hidden_sheets": [h for h in hidden if h != name]}


def _decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-16 with a BOM, UTF-8 (with or without BOM), else Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ingest_read.decode_text(data), "utf-16"
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """``;``, ``,`` or tab: the one that splits the first lines most consistently.

    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n"), sniff_delimiter("a,b\\n1,2\\n")
    (';', ',')
    """
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t").delimiter
    except csv.Error:
        head = lines[0] if lines else ""
        return max(";,\t", key=head.count)


def _read_csv(data: bytes, filename: str) -> tuple[list[list], dict]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput("materiality.err.file_corrupt", file=filename, detail="binary")
    text, encoding = _decode(data)
    delimiter = sniff_delimiter(text)
    rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return rows, {"sheet": None, "encoding": encoding, "delimiter": delimiter}


# --------------------------------------------------------------------------- the parse
class _Problems:
    """Collects problems as dicts; one place fixes sheet and the column naming."""

    def __init__(self, sheet: str | None) -> None:
        self.sheet = sheet
        self.rows: list[dict] = []

    def add(self, row: int, column: str, value: object, reason: str,
            severity: str = "error") -> None:
        self.rows.append({"sheet": self.sheet, "row": row, "column": column,
                          "value": "" if value is None else str(value), "reason": reason,
                          "severity": severity})

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=PROBLEM_COLUMNS).astype({"row": "int64"})


def _header_names(header: list) -> list[str]:
    return [_cell_text(h) or column_letter(i) for i, h in enumerate(header)]


def _roles(names: list[str]) -> dict[str, int]:
    """Role → column index for the recognised non-subject headers (first match wins)."""
    found: dict[str, int] = {}
    for i, name in enumerate(names):
        low = name.lower()
        for role, words in _ROLES.items():
            if low in words and role not in found:
                found[role] = i
                break
    return found


def _data_rows(rows: list[list]) -> list[tuple[int, list]]:
    """(1-based row number, cells) of the data rows; trailing empty rows dropped."""
    out = [(i + 2, r) for i, r in enumerate(rows[1:])]
    while out and all(_cell_text(c) == "" for c in out[-1][1]):
        out.pop()
    return out


def read_survey(data: bytes, filename: str, *, scale_min: float | None = None,
                scale_max: float | None = None, axis: str = "priority",
                sheet: str | None = None, known_targets: Iterable[str] | None = None
                ) -> SurveyParse:
    """Parse a survey file into long ratings, reporting every problem at once.

    Parameters
    ----------
    data, filename : bytes, str
        File content and name (the extension decides xlsx or csv).
    scale_min, scale_max : float, optional
        The answer scale; both or neither. If omitted it is inferred (1–5, 1–7 or 0–10)
        from the values and a note is put in ``detected["scale_note"]``.
    axis : str
        Axis of the ratings when the file has no axis column (default priority).
    sheet : str, optional
        Worksheet name (default the first).
    known_targets : iterable of str, optional
        Valid target codes; default a pattern check only (goal 1–17 + number or letter).

    Examples
    --------
    >>> p = read_survey("id;SDG 4;Mål 13\\n1;5;4\\n2;3;\\n".encode(), "s.csv")
    >>> p.layout, p.detected["subject_columns"], len(p.ratings), len(p.problems)
    ('wide', {'SDG 4': '4', 'Mål 13': '13'}, 3, 0)
    """
    if (scale_min is None) != (scale_max is None):
        raise InvalidInput("materiality.err.scale_pair")
    rows, detected = _read_rows(data, filename, sheet)
    if not rows or all(_cell_text(c) == "" for r in rows for c in r):
        raise InvalidInput("materiality.err.no_rows", file=filename)
    names = _header_names(rows[0])
    roles = _roles(names)
    problems = _Problems(detected["sheet"])
    for name in detected.pop("hidden_sheets", []):
        problems.rows.append({"sheet": name, "row": 0, "column": "", "value": "",
                              "reason": "hidden_sheet", "severity": "info"})
    known = None if known_targets is None else {str(x) for x in known_targets}
    layout = "long" if "subject" in roles and "value" in roles else "wide"
    if layout == "long":
        raw, info = _parse_long(rows, names, roles, axis, known, problems)
    else:
        raw, info = _parse_wide(rows, names, roles, axis, known, problems)
    detected.update(info)
    detected["layout"] = layout
    detected["columns"] = {role: names[i] for role, i in roles.items()}
    ratings = _apply_scale(raw, scale_min, scale_max, detected, problems)
    return SurveyParse(ratings=ratings, layout=layout, detected=detected,
                       problems=problems.frame())


def _row_attributes(cells: list, names: list[str], roles: dict[str, int], row_no: int,
                    problems: _Problems) -> dict | None:
    """Respondent id, weight and optional attributes of a row; None if the weight is bad."""
    def cell(role: str) -> object:
        i = roles.get(role)
        return cells[i] if i is not None and i < len(cells) else None

    attrs: dict = {"respondent": _cell_text(cell("respondent")) or f"r{row_no}"}
    for role in OPTIONAL_COLUMNS:
        if role in roles:
            attrs[role] = _cell_text(cell(role)) or None
    attrs["weight"] = 1.0
    if "weight" in roles:
        raw = cell("weight")
        try:
            weight = parse_number(raw)
        except ValueError:
            weight = None
        if weight is None or not weight > 0:
            problems.add(row_no, names[roles["weight"]], raw, "bad_weight")
            return None
        attrs["weight"] = weight
    return attrs


def _parse_wide(rows: list[list], names: list[str], roles: dict[str, int], axis: str,
                known: set[str] | None, problems: _Problems) -> tuple[list[dict], dict]:
    """One rating per answered subject cell of each respondent row."""
    subject_cols: dict[int, str] = {}
    ignored = []
    role_cols = set(roles.values())
    for i, name in enumerate(names):
        if i in role_cols:
            continue
        code, kind = parse_subject(rows[0][i] if i < len(rows[0]) else name)
        if code is None:
            ignored.append(name)
            continue
        reason = subject_problem(code, kind, known)
        if reason:
            problems.add(1, name, name, reason)
            continue
        subject_cols[i] = code
    info = {"subject_columns": {names[i]: c for i, c in subject_cols.items()},
            "ignored_columns": ignored}
    if not subject_cols:
        problems.add(1, "", "", "no_subjects")
        return [], info
    out: list[dict] = []
    seen: dict[str, int] = {}
    for row_no, cells in _data_rows(rows):
        if all(_cell_text(c) == "" for c in cells):
            problems.add(row_no, "", "", "empty_row", "info")
            continue
        attrs = _row_attributes(cells, names, roles, row_no, problems)
        if attrs is None:
            continue
        if "respondent" in roles:
            rid = attrs["respondent"]
            if rid in seen:
                problems.add(row_no, names[roles["respondent"]], rid, "duplicate_respondent")
                continue
            seen[rid] = row_no
        for i, code in subject_cols.items():
            raw = cells[i] if i < len(cells) else None
            value = _checked_number(raw, row_no, names[i], problems)
            if value is not None:
                out.append({**attrs, "subject": code, "axis": axis, "value": value,
                            "_row": row_no, "_col": names[i], "_raw": raw})
    return out, info


def _checked_number(raw: object, row_no: int, column: str, problems: _Problems
                    ) -> float | None:
    try:
        return parse_number(raw)
    except ValueError:
        problems.add(row_no, column, raw, "not_numeric")
        return None


def _parse_long(rows: list[list], names: list[str], roles: dict[str, int], axis: str,
                known: set[str] | None, problems: _Problems) -> tuple[list[dict], dict]:
    """One rating per row: respondent, subject, axis (optional), value."""
    out: list[dict] = []
    seen: set[tuple] = set()
    subjects: dict[str, str] = {}
    s_col, v_col = roles["subject"], roles["value"]
    for row_no, cells in _data_rows(rows):
        if all(_cell_text(c) == "" for c in cells):
            problems.add(row_no, "", "", "empty_row", "info")
            continue
        raw_subject = cells[s_col] if s_col < len(cells) else None
        raw_value = cells[v_col] if v_col < len(cells) else None
        code, kind = parse_subject(raw_subject)
        if _cell_text(raw_subject) == "" or _cell_text(raw_value) == "":
            problems.add(row_no, names[s_col] if _cell_text(raw_subject) == "" else names[v_col],
                         "", "missing_value")
            continue
        if code is None:
            problems.add(row_no, names[s_col], raw_subject, "unknown_subject")
            continue
        reason = subject_problem(code, kind, known)
        if reason:
            problems.add(row_no, names[s_col], raw_subject, reason)
            continue
        value = _checked_number(raw_value, row_no, names[v_col], problems)
        attrs = _row_attributes(cells, names, roles, row_no, problems)
        if value is None or attrs is None:
            continue
        row_axis = axis
        if "axis" in roles and roles["axis"] < len(cells) and _cell_text(cells[roles["axis"]]):
            text = _cell_text(cells[roles["axis"]]).lower()
            row_axis = _AXIS_WORDS.get(text, text)
        key = (attrs["respondent"], code, row_axis)
        if key in seen:
            problems.add(row_no, names[roles.get("respondent", s_col)], attrs["respondent"],
                         "duplicate_rating")
            continue
        seen.add(key)
        subjects[_cell_text(raw_subject)] = code
        out.append({**attrs, "subject": code, "axis": row_axis, "value": value,
                    "_row": row_no, "_col": names[v_col], "_raw": raw_value})
    return out, {"subject_columns": {}, "subjects": subjects, "ignored_columns": []}


def _apply_scale(raw: list[dict], scale_min: float | None, scale_max: float | None,
                 detected: dict, problems: _Problems) -> pd.DataFrame:
    """Fix the scale (given or inferred), report and drop values outside it."""
    values = [r["value"] for r in raw]
    if scale_min is not None and scale_max is not None:
        lo, hi = float(scale_min), float(scale_max)
        note = t("materiality.scale_note.caller", "nb", lo=_fmt(lo), hi=_fmt(hi))
        source = "caller"
    else:
        lo, hi = infer_scale(values)
        note = t("materiality.scale_note.inferred", "nb", lo=_fmt(lo), hi=_fmt(hi),
                 min=_fmt(min(values)) if values else "–",
                 max=_fmt(max(values)) if values else "–")
        source = "inferred"
    detected.update({"scale": (lo, hi), "scale_source": source, "scale_note": note})
    kept = []
    for r in raw:
        if not lo <= r["value"] <= hi:
            problems.add(r["_row"], r["_col"], r["_raw"], "out_of_scale")
        else:
            kept.append(r)
    extra = [c for c in OPTIONAL_COLUMNS if any(c in r for r in raw)]
    frame = pd.DataFrame(kept, columns=[*RATING_COLUMNS, *extra, "_row"])
    frame["scale_min"], frame["scale_max"] = lo, hi
    frame = frame.astype({"value": float, "weight": float, "scale_min": float,
                          "scale_max": float})
    problems.rows.sort(key=lambda p: (p["row"], p["column"]))
    return frame.drop(columns="_row").reset_index(drop=True)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def describe_problems(problems: pd.DataFrame, lang: str = "nb") -> pd.Series:
    """The catalogue text of each problem's reason, for display next to the table.

    >>> describe_problems(pd.DataFrame({"reason": ["out_of_scale"]}), "en").tolist()
    ['The value is outside the scale.']
    """
    return problems["reason"].map(lambda r: t(f"materiality.problem.{r}", lang))
