"""One parser per layout: a raw sheet → :class:`~sdg.ingest.blocks.Block` list, or None.

Each parser returns None when the sheet does not have its layout, so
:mod:`sdg.ingest.detect` can try them in order. Positions are 0-based here; the
blocks carry them to the problems and data (1-based rows, column letters).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sdg.errors import InvalidInput
from sdg.ingest.blocks import Block, map_unique
from sdg.ingest.cells import parse_year, to_values, years_of
from sdg.ingest.columns import column_reasons
from sdg.ingest.problems import column_letter
from sdg.ingest.regions import classify_label

#: The project's own long template, in order (see :func:`template_columns`).
TEMPLATE_COLUMNS: tuple[str, ...] = (
    "kommunenummer", "kommunenavn", "indikator", "år", "verdi", "enhet", "kilde", "status",
)  # fmt: skip
TEMPLATE_REQUIRED: tuple[str, ...] = ("kommunenummer", "indikator", "år", "verdi")

_SYNONYMS: dict[str, set[str]] = {
    "kommunenummer": {"kommunenummer", "kommunenr", "knr", "kommune_nr", "kommunekode",
                      "kommune", "region", "geografi", "municipality"},
    "kommunenavn": {"kommunenavn", "navn", "municipality name"},
    "indikator": {"indikator", "indicator"},
    "år": {"år", "aar", "year", "tid", "skoleår", "periode"},
    "verdi": {"verdi", "value"},
    "enhet": {"enhet", "unit", "måleenhet"},
    "kilde": {"kilde", "source"},
    "status": {"status", "statussymbol", "symbol"},
}  # fmt: skip
_HEADER_SCAN = 40
_STATBANK_TITLE = re.compile(r"^(\d{5}):\s*(.+)$", re.S)
_YEAR_SUFFIX = re.compile(r"^(.*\S)\s+(\d{4}(?:[-/]\d{2,4})?)$")
_UDIR_COLUMN = re.compile(r"^(\d{4}(?:-\d{2})?)\.(.+)$")
#: Udir's ``EnhetNivaa``: 1 the nation, 2 a county, 3 a municipality, 4 a school.
_UDIR_LEVELS = {1: "ingest.skip.level_country", 2: "ingest.skip.level_county",
                4: "ingest.skip.level_school"}
_KOSTRA_HEADER = re.compile(r"^år\s*\\\s*region", re.I)
_UNIT = re.compile(r"\(([^()]+)\)\s*$")


def template_columns() -> list[str]:
    """Columns of the project's own template (one row per municipality, indicator, year).

    ``kommunenummer`` (``3203`` or ``3203 Asker``), ``indikator`` (name), ``år``
    (year or school year ``2018-19``) and ``verdi`` (number, or an SSB symbol) are
    required; ``kommunenavn``, ``enhet``, ``kilde`` and ``status`` are optional.

    >>> template_columns()[:5]
    ['kommunenummer', 'kommunenavn', 'indikator', 'år', 'verdi']
    """
    return list(TEMPLATE_COLUMNS)


def norm(cell: object) -> str:
    """Header text normalised for matching.

    >>> norm("  Verdi\\xa0"), norm(2020.0)
    ('verdi', '')
    """
    return cell.strip().strip("\u00a0").casefold() if isinstance(cell, str) else ""


def nonempty(grid: np.ndarray) -> np.ndarray:
    """Boolean mask of non-empty cells (readers write empty cells as ``""``).

    >>> nonempty(np.array([["", 1.0]], dtype=object)).tolist()
    [[False, True]]
    """
    return np.asarray(grid != "", dtype=bool).reshape(grid.shape)


def _unit_of(text: str) -> str | None:
    """Unit in trailing parentheses.

    >>> _unit_of("Barn 6-15 år i kommunens kulturskole  (prosent)"), _unit_of("Innbyggere")
    ('prosent', None)
    """
    m = _UNIT.search(text)
    return m.group(1).strip() if m else None


# --- template_long / long ------------------------------------------------------------


def _long_header(grid: np.ndarray, sheet: str = "") -> tuple[int, dict[str, int]] | None:
    """Row and field → column of a long header (region, year and value required).

    A second value or year column (``verdi`` twice, or ``verdi`` and ``value``) is
    refused: which one holds the figures cannot be told.
    """
    for r in range(min(_HEADER_SCAN, grid.shape[0])):
        fields: dict[str, int] = {}
        twice: dict[str, list[int]] = {}
        for c, cell in enumerate(grid[r]):
            key = norm(cell)
            for field, names in _SYNONYMS.items():
                if key in names and field not in fields:
                    fields[field] = c
                    break
                if key in names and field in ("år", "verdi"):
                    twice.setdefault(field, [fields[field]]).append(c)
                    break
        if {"kommunenummer", "år", "verdi"} <= fields.keys():
            for field, cols in twice.items():
                raise InvalidInput("ingest.err.second_column", sheet=sheet, field=field,
                                   columns=", ".join(column_letter(c) for c in cols), row=r + 1)
            return r, fields
    return None


def parse_long(grid: np.ndarray, sheet: str) -> list[Block] | None:
    """The project template (or any long table with region, year and value columns).

    A column is compared with ``""`` only where the columns before it left the
    question open, and the rows are put in block order once (a stable sort by
    indicator) so that each block is a slice; the same blocks as
    :func:`_parse_long_reference`.
    """
    found = _long_header(grid, sheet)
    if found is None:
        return None
    header, fields = found
    body = grid[header + 1 :]
    region, year, value = (body[:, fields[f]] for f in ("kommunenummer", "år", "verdi"))
    cells = value.copy()
    if "status" in fields:
        status = body[:, fields["status"]]
        blank = np.flatnonzero(value == "")
        use_status = blank[status[blank] != ""]
        cells[use_status] = status[use_status]
    keep = _filled(region, year, cells)
    rows = np.flatnonzero(keep) + header + 1
    if not keep.all():  # (no copy of the whole body when every row has content)
        body, region, year, cells = body[keep], region[keep], year[keep], cells[keep]
    year_index, year_distinct = pd.factorize(pd.Series(year, dtype=object))
    year_distinct = np.asarray(year_distinct, dtype=object)
    years = years_of(year_distinct)[year_index]  # parse_years(year), the codes kept
    layout = "template_long" if "indikator" in fields else "long"
    indicator = body[:, fields["indikator"]] if "indikator" in fields else np.full(len(body), sheet)
    groups, titles = pd.factorize(pd.Series(indicator, dtype=object))
    if len(groups) and groups.min() < 0:  # a missing indicator (None, NaN): in no block
        return _parse_long_reference(grid, sheet)
    notes = {r: "ingest.skip.title" for r in range(header) if (grid[r] != "").any()}
    notes[header] = "ingest.skip.header"
    col_notes, col_params = _long_columns(grid, header, rows, fields)
    order = np.argsort(groups, kind="stable") if len(titles) > 1 else None
    if order is not None:
        region, year, cells = region[order], year[order], cells[order]
        years, rows, year_index = years[order], rows[order], year_index[order]
    bounds = np.concatenate([[0], np.cumsum(np.bincount(groups, minlength=len(titles)))])
    blocks = []
    no_measures = np.array([], dtype=object)  # every measure None: code -1
    for g, title in enumerate(titles):
        sel = slice(int(bounds[g]), int(bounds[g + 1]))
        n = sel.stop - sel.start
        at = order[sel] if order is not None else np.arange(sel.start, sel.stop)
        blocks.append(
            Block(
                layout=layout, title=str(title).strip(),
                unit=_first_text_at(body, fields.get("enhet"), at),
                source=_first_text_at(body, fields.get("kilde"), at),
                labels=region[sel], label_cols=np.full(n, fields["kommunenummer"]),
                years=years[sel], cells=cells[sel], rows=rows[sel],
                cols=np.full(n, fields["verdi"]),
                measures=np.full(n, None, dtype=object),
                year_cells=year[sel], year_cols=np.full(n, fields["år"]),
                notes=notes, col_notes=col_notes, col_params=col_params,
                coded={"periods": (year_index[sel], year_distinct),
                       "measures": (np.full(n, -1), no_measures)},
            )
        )  # fmt: skip
    return blocks


def _filled(*columns: np.ndarray) -> np.ndarray:
    """True where any of the equally long ``columns`` is not ``""``, each column
    compared only where the ones before it are empty.

    >>> _filled(np.array(["a", "", ""], dtype=object), np.array(["", 1.0, ""], dtype=object))
    array([ True,  True, False])
    """
    filled = columns[0] != ""
    empty = np.flatnonzero(~filled)
    for column in columns[1:]:
        if not len(empty):
            break
        hit = column[empty] != ""
        filled[empty[hit]] = True
        empty = empty[~hit]
    return np.asarray(filled, dtype=bool)


def _first_text_at(body: np.ndarray, col: int | None, at: np.ndarray) -> str | None:
    """:func:`_first_text` of the rows ``at`` (in order)."""
    if col is None:
        return None
    column = body[:, col]
    for i in at:  # usually the first row has it
        if column[i] != "":
            return str(column[i]).strip()
    return None


def _parse_long_reference(grid: np.ndarray, sheet: str) -> list[Block] | None:
    """:func:`parse_long` the plain way: every cell compared, each block selected by
    a mask (``tests/test_ingest_finish_fast.py`` compares the two)."""
    found = _long_header(grid, sheet)
    if found is None:
        return None
    header, fields = found
    body = grid[header + 1 :]
    region, year, value = (body[:, fields[f]] for f in ("kommunenummer", "år", "verdi"))
    cells = value.copy()
    if "status" in fields:
        status = body[:, fields["status"]]
        use_status = (value == "") & (status != "")
        cells[use_status] = status[use_status]
    keep = (region != "") | (year != "") | (cells != "")
    rows = np.flatnonzero(keep) + header + 1
    if not keep.all():  # (no copy of the whole body when every row has content)
        body, region, year, cells = body[keep], region[keep], year[keep], cells[keep]
    year_index, year_distinct = pd.factorize(pd.Series(year, dtype=object))
    year_distinct = np.asarray(year_distinct, dtype=object)
    years = years_of(year_distinct)[year_index]  # parse_years(year), the codes kept
    layout = "template_long" if "indikator" in fields else "long"
    indicator = body[:, fields["indikator"]] if "indikator" in fields else np.full(len(body), sheet)
    groups, titles = pd.factorize(pd.Series(indicator, dtype=object))
    notes = {r: "ingest.skip.title" for r in range(header) if (grid[r] != "").any()}
    notes[header] = "ingest.skip.header"
    col_notes, col_params = _long_columns(grid, header, rows, fields)
    blocks = []
    no_measures = np.array([], dtype=object)  # every measure None: code -1
    for g, title in enumerate(titles):
        sel = groups == g
        blocks.append(
            Block(
                layout=layout, title=str(title).strip(),
                unit=_first_text(body, fields.get("enhet"), sel),
                source=_first_text(body, fields.get("kilde"), sel),
                labels=region[sel], label_cols=np.full(sel.sum(), fields["kommunenummer"]),
                years=years[sel], cells=cells[sel], rows=rows[sel],
                cols=np.full(sel.sum(), fields["verdi"]),
                measures=np.full(sel.sum(), None, dtype=object),
                year_cells=year[sel], year_cols=np.full(sel.sum(), fields["år"]),
                notes=notes, col_notes=col_notes, col_params=col_params,
                coded={"periods": (year_index[sel], year_distinct),
                       "measures": (np.full(sel.sum(), -1), no_measures)},
            )
        )  # fmt: skip
    return blocks


#: The template's columns other than ``verdi`` → the reason they hold no figures.
_LONG_ROLES = {"kommunenummer": "ingest.skip.col_region", "år": "ingest.skip.col_year",
               "indikator": "ingest.skip.col_series", "kommunenavn": "ingest.skip.col_region_name",
               "enhet": "ingest.skip.col_unit", "kilde": "ingest.skip.col_source",
               "status": "ingest.skip.col_status"}  # fmt: skip


def _long_columns(grid: np.ndarray, header: int, rows: np.ndarray, fields: dict[str, int]
                  ) -> tuple[dict[int, str], dict[int, dict[str, object]]]:
    """Why each column of a long template table other than ``verdi`` is no figure:
    its role in the template, or (another column) :func:`column_reasons`."""
    notes = {c: _LONG_ROLES[f] for f, c in fields.items() if f in _LONG_ROLES}
    headers = [norm(x) for x in grid[header]]
    rest = [c for c in range(grid.shape[1]) if c not in notes and c != fields["verdi"]]
    reasons, params = column_reasons(grid, rows, rest, headers,
                                     region=fields["kommunenummer"])
    return notes | reasons, params


def _first_text(body: np.ndarray, col: int | None, sel: np.ndarray) -> str | None:
    """First non-empty text in column ``col`` among the selected rows."""
    if col is None:
        return None
    column = body[:, col]
    for i in np.flatnonzero(sel):  # usually the first row has it
        if column[i] != "":
            return str(column[i]).strip()
    return None


# --- udir ------------------------------------------------------------------------------


def _udir_header(grid: np.ndarray) -> int | None:
    """The header row of a Udir export among the first 40: ``Kommunekode`` and a
    ``<skoleår>.<…>`` column."""
    for r in range(min(_HEADER_SCAN, grid.shape[0])):
        header = [norm(c) for c in grid[r]]
        if "kommunekode" in header and any(_UDIR_COLUMN.match(str(c)) for c in grid[r]):
            return r
    return None


#: Rows of a sheet that :func:`parse_udir` and :func:`parse_long` look at before
#: they know whether the sheet is theirs (see :func:`udir_or_template`).
HEAD_ROWS = _HEADER_SCAN


def udir_or_template(head: np.ndarray, sheet: str) -> bool:
    """True when :func:`parse_udir` or :func:`parse_long` may read a sheet whose first
    :data:`HEAD_ROWS` rows (or all, when fewer) are ``head``: each looks for its header
    there, and a sheet without one is not theirs whatever the rows below hold. (A
    second value or year column in the template's header raises, as it does from
    :func:`parse_long`.)

    >>> head = np.array([["kommunenummer", "år", "verdi"], ["3203", "2024", "1"]], dtype=object)
    >>> udir_or_template(head, "a.csv"), udir_or_template(head[:, :2], "a.csv")
    (True, False)
    """
    return _udir_header(head) is not None or _long_header(head, sheet) is not None


def parse_udir(grid: np.ndarray, sheet: str) -> list[Block] | None:
    """Udir statistikkbank export: ``Kommunekode`` + ``<skoleår>.<…>.<måltall>`` columns.

    Municipality rows are those with ``EnhetNivaa`` = 3 (1 nation, 2 county, 4 school).
    Columns ending ``.Brudd`` hold break notes and are skipped.
    """
    r = _udir_header(grid)
    if r is None:
        return None
    header = [norm(c) for c in grid[r]]
    code_col = header.index("kommunekode")
    body = grid[r + 1 :]
    notes = {i: "ingest.skip.title" for i in range(r) if (grid[i] != "").any()}
    notes[r] = "ingest.skip.header"
    if "enhetnivaa" in header:
        level = pd.to_numeric(pd.Series(body[:, header.index("enhetnivaa")]), errors="coerce")
        municipal = (level == 3).to_numpy()
        for i, lv in enumerate(level.to_numpy()):
            if lv != 3 and (body[i] != "").any():
                notes[r + 1 + i] = _UDIR_LEVELS.get(lv, "ingest.skip.other_level")
    else:
        municipal = body[:, code_col] != ""
    columns = [
        (c, _UDIR_COLUMN.match(str(cell)))
        for c, cell in enumerate(grid[r])
        if _UDIR_COLUMN.match(str(cell)) and not str(cell).endswith(".Brudd")
    ]
    parts = [re.split(r"\.(?=\S)", m.group(2)) for _, m in columns]  # "5. årstrinn" stays
    varying = {len({tuple(p[:-1]) for p in parts}) > 1}
    measures = [" / ".join(p) if True in varying else p[-1] for p in parts]
    cols = np.array([c for c, _ in columns])
    years = np.array([parse_year(m.group(1)) for _, m in columns], dtype=float)
    rows = np.flatnonzero(municipal) + r + 1
    col_notes, col_params = _udir_columns(grid, r, header, [c for c, _ in columns])
    sub = body[municipal][:, cols]
    n_rows, n_cols = sub.shape
    return [
        Block(
            layout="udir", title=measures[0] if measures else sheet, unit=None, source="Udir",
            labels=np.repeat(body[municipal, code_col], n_cols),
            label_cols=np.full(n_rows * n_cols, code_col),
            years=np.tile(years, n_rows), cells=sub.ravel(),
            rows=np.repeat(rows, n_cols), cols=np.tile(cols, n_rows),
            measures=np.tile(np.array(measures, dtype=object), n_rows),
            periods=np.tile(np.array([m.group(1) for _, m in columns], dtype=object), n_rows),
            notes=notes, col_notes=col_notes, col_params=col_params,
        )
    ]  # fmt: skip


#: Udir's identifying columns → why they hold no figures.
_UDIR_ROLES = {"kommunekode": "ingest.skip.col_region", "enhetnivaa": "ingest.skip.col_level",
               "nasjonaltkode": "ingest.skip.col_geo", "fylkekode": "ingest.skip.col_geo",
               "nasjonalt": "ingest.skip.col_geo", "fylke": "ingest.skip.col_geo",
               "organisasjonsnummer": "ingest.skip.col_code",
               "kommune": "ingest.skip.col_region_name",
               "enhetnavn": "ingest.skip.col_region_name"}  # fmt: skip


def _udir_columns(grid: np.ndarray, header_row: int, header: list[str], figures: list[int]
                  ) -> tuple[dict[int, str], dict[int, dict[str, object]]]:
    """Why each non-empty column of a Udir export other than the figure columns is no
    figure: its role (code, level, other geography, names), a break note
    (``….Brudd``), or :func:`column_reasons`."""
    rows = np.flatnonzero((grid[header_row + 1 :] != "").any(axis=1)) + header_row + 1
    notes = {c: _UDIR_ROLES[h] for c, h in enumerate(header) if h in _UDIR_ROLES}
    rest = [c for c in range(grid.shape[1]) if c not in notes and c not in set(figures)]
    reasons, params = column_reasons(grid, rows, rest, header,
                                     region=header.index("kommunekode"))
    return notes | reasons, params


# --- kostra_blocks ---------------------------------------------------------------------


def parse_kostra_blocks(grid: np.ndarray, sheet: str) -> list[Block] | None:
    """KOSTRA key-figure sheets: per indicator a title row, ``År \\ Region`` + regions,
    then one row per year (years as text)."""
    heads = [r for r in range(grid.shape[0]) if _KOSTRA_HEADER.match(norm(grid[r, 0]))]
    if not heads:
        return None
    source = next(
        (str(c)[6:].split(".")[0].strip() for c in grid[:4, 0] if norm(c).startswith("kilde:")),
        None,
    )
    blocks = []
    for head in heads:
        title = next((str(grid[r, 0]).strip() for r in range(head - 1, max(head - 4, -1), -1)
                      if grid[r, 0] != ""), sheet)  # fmt: skip
        end = head + 1
        while end < grid.shape[0] and parse_year(grid[end, 0]) is not None:
            end += 1
        cols = np.flatnonzero(grid[head] != "")[1:]
        n_rows, n_cols = end - head - 1, len(cols)
        if not n_rows or not n_cols:
            continue
        years = np.array([parse_year(y) for y in grid[head + 1 : end, 0]], dtype=float)
        headers = [norm(x) for x in grid[head]]
        rest = [c for c in range(1, grid.shape[1]) if c not in set(cols.tolist())]
        reasons, params = column_reasons(grid, np.arange(head + 1, end), rest, headers)
        blocks.append(
            Block(
                layout="kostra_blocks", title=title, unit=_unit_of(title), source=source,
                labels=np.tile(grid[head, cols], n_rows), label_cols=np.tile(cols, n_rows),
                years=np.repeat(years, n_cols), cells=grid[head + 1 : end][:, cols].ravel(),
                rows=np.repeat(np.arange(head + 1, end), n_cols), cols=np.tile(cols, n_rows),
                measures=np.full(n_rows * n_cols, title, dtype=object),
                periods=np.repeat(grid[head + 1 : end, 0], n_cols),
                col_notes={0: "ingest.skip.col_year"} | reasons, col_params=params,
            )
        )  # fmt: skip
    return blocks


# --- wide_years / ssb_statbank -----------------------------------------------------------


def header_year(cell: object) -> tuple[int, str | None] | None:
    """(year, text before it) for a year header cell, else None.

    >>> header_year("2015"), header_year("Sysselsatte personer bosatt i regionen 2021")
    ((2015, None), (2021, 'Sysselsatte personer bosatt i regionen'))
    >>> header_year("15-74 år") is None
    True
    """
    year = parse_year(cell)
    if year is not None:
        return year, None
    if isinstance(cell, str):
        m = _YEAR_SUFFIX.match(cell.strip())
        if m and (year := parse_year(m.group(2))) is not None:
            return year, m.group(1)
    return None


_NUMBERISH = re.compile(r"^[+\-\u2212]?[\d\s\u00a0.,]*\d[\d\s\u00a0.,]*%?$")


def _numberish(cell: object) -> bool:
    """A number, or text that reads as one (CSV cells are all text).

    >>> _numberish(3.0), _numberish(" 1 944"), _numberish("Halden"), _numberish("")
    (True, True, False, False)
    """
    if isinstance(cell, str):
        return bool(_NUMBERISH.match(cell.strip()))
    return cell != "" and cell is not None and not isinstance(cell, bool)


def _span_end(filled: np.ndarray, r: int, first: int) -> int:
    """End (exclusive) of the header block starting at ``first`` in row ``r``: the
    first column empty in both this row and the next (so outer labels written only
    over the first column of their block do not end it)."""
    below = filled[r + 1] if r + 1 < filled.shape[0] else filled[r]
    gaps = np.flatnonzero(~filled[r, first:] & ~below[first:])
    return first + int(gaps[0]) if len(gaps) else filled.shape[1]


def _year_row(grid: np.ndarray, filled: np.ndarray) -> tuple[int, dict[int, tuple]] | None:
    """The row (of the first 40) with the most year cells right of a label column.

    Only the contiguous header block starting at the first year counts (an analyst's
    side table further right is ignored); year cells must be at least half of the
    block's non-empty cells. Ties go to the upper row.

    Header evidence: a number is a year header only in a row whose label cells (left
    of the first year) hold no numbers, and above which no row holds a number in
    those columns; a row of figures between 1900 and 2100 is data, not a header.
    """
    best: tuple[int, dict[int, tuple]] | None = None
    numbers = np.vectorize(_numberish, otypes=[bool])(
        grid[: min(_HEADER_SCAN, grid.shape[0])]) if grid.size else np.zeros((0, 0), bool)
    for r in range(min(_HEADER_SCAN, grid.shape[0])):
        years = {c: y for c in np.flatnonzero(filled[r]) if (y := header_year(grid[r, c]))}
        if not years:
            continue
        first = min(years)
        end = _span_end(filled, r, first)
        years = {c: y for c, y in years.items() if c < end}
        if best is not None and len(years) <= len(best[1]):
            continue
        others = int(filled[r, first:end].sum())
        year_cols = sorted(years)
        if numbers[r, :first].any() or numbers[:r][:, year_cols].any():
            continue
        order = [years[c][0] for c in year_cols]
        if order != sorted(order) and order != sorted(order, reverse=True):
            continue  # header years are in order; figures need not be
        if len({years[c] for c in year_cols}) != len(order):  # one year over columns:
            below = grid[r + 1, year_cols] if r + 1 < grid.shape[0] else []
            if not all(isinstance(x, str) and x.strip() and not _numberish(x) for x in below):
                continue
        above = [x for x in grid[r - 1, year_cols] if isinstance(x, str) and x.strip()] if r else []
        if len(above) == len(year_cols) and len(set(above)) == len(above) > 1 and not any(
                header_year(x) for x in above):
            continue  # a header row of its own names these columns: this row is data
        if first > 0 and len(years) * 2 >= others and filled[r + 1 :, :first].any():
            best = (r, years)
    return best


def _data_start(grid: np.ndarray, year_row: int, cols: np.ndarray) -> int | None:
    """First row below the year row with a number or status symbol in a year column."""
    for r in range(year_row + 1, min(year_row + 12, grid.shape[0])):
        values = to_values(grid[r, cols])
        if (~values.empty & (~np.isnan(values.value) | (values.status != None))).any():  # noqa: E711
            return r
    return None


def _measures(grid: np.ndarray, filled: np.ndarray, rows: list[int], cols: np.ndarray,
              prefixes: list[str | None]) -> list[str]:  # fmt: skip
    """Column header text per year column: stacked header rows, forward-filled."""
    parts: list[list[str]] = [[] for _ in cols]
    for r in rows:
        if not filled[r, cols].any():
            continue
        text = pd.Series([str(c).strip() if c != "" else None for c in grid[r, cols]]).ffill()
        for i, t in enumerate(text):
            if isinstance(t, str) and t and parse_year(t) is None:
                parts[i].append(t)
    for i, prefix in enumerate(prefixes):
        if prefix:
            parts[i].insert(0, prefix)
    return [" / ".join(dict.fromkeys(p)) for p in parts]


def _label_columns(body: np.ndarray, first: int, headers: list[str]
                   ) -> tuple[int, list[int]] | None:
    """Region column and the other (category) label columns left of the years.

    Numbers count as codes only under a header that labels regions (``Knr``,
    ``Kommune``, ``Region`` …); ``headers[c]`` is the header text of column ``c``.
    """
    from sdg.ingest.tidy import is_geo_header

    scores = {}
    for c in range(first):
        labels = pd.unique(pd.Series(body[:, c], dtype=object))
        labels = [x for x in labels if x != ""]
        if labels and not is_geo_header(headers[c]):
            labels = [x for x in labels if isinstance(x, str)] or [None]
        if labels:
            kinds = [classify_label(x, {})[1] for x in labels]
            scores[c] = sum(k in ("code", "aggregate") for k in kinds) / len(labels)
    if not scores:
        return None
    region = max(scores, key=lambda c: (scores[c], -c))
    if scores[region] == 0:
        region = min(scores)
    return region, [c for c in scores if c != region and scores[c] < 0.5
                    and not _names_the_region(body, region, c)]


def _names_the_region(body: np.ndarray, region: int, c: int) -> bool:
    """True when column ``c`` holds one distinct value per region and region (a name
    beside the code: ``3203`` | ``Asker``): it describes the region, it is no category.

    >>> b = np.array([["3203", "Asker", "m"], ["3201", "Bærum", "m"]], dtype=object)
    >>> _names_the_region(b, 0, 1), _names_the_region(b, 0, 2)
    (True, False)
    """
    pairs = pd.DataFrame({"r": body[:, region], "v": body[:, c]})
    pairs = pairs[(pairs["r"] != "") & (pairs["v"] != "")].drop_duplicates()
    return len(pairs) > 1 and pairs["r"].is_unique and pairs["v"].is_unique



def parse_wide(grid: np.ndarray, sheet: str) -> list[Block] | None:
    """One row per region, years as columns (SSB Statbank xlsx/csv and analysts' sheets)."""
    from sdg.ingest.tidy import is_geo_header

    filled = nonempty(grid)
    found = _year_row(grid, filled)
    if found is None:
        return None
    year_row, years = found
    cols = np.array(sorted(years))
    first = int(cols[0])
    start = _data_start(grid, year_row, cols)
    if start is None:
        return None
    # A blank row does not end the table: it ends after the last row with a figure
    # (or symbol) in a year column; a repeated header inside it is left out.
    in_years = filled[start:, cols].any(axis=1)
    end = start + int(np.flatnonzero(in_years)[-1]) + 1
    header_years = np.array([years[c][0] for c in cols], dtype=float)
    notes: dict[int, str] = {}
    keep_rows = []
    for r in range(start, end):
        if not filled[r, cols].any():
            if filled[r].any():
                notes[r] = "ingest.skip.text_row"
            continue
        again = [header_year(x) for x in grid[r, cols]]
        if sum(y is not None and y[0] == h for y, h in zip(again, header_years, strict=True)
               ) * 2 >= len(cols):
            notes[r] = "ingest.skip.repeated_header"
            continue
        keep_rows.append(r)
    body_rows = np.array(keep_rows, dtype=int)
    for r in range(start):
        if filled[r].any():
            notes[r] = "ingest.skip.header" if r >= year_row else "ingest.skip.title"
    body = grid[body_rows].copy()
    headers = [" ".join(norm(x) for x in grid[:start, c] if norm(x)) for c in range(first)]
    found_labels = _label_columns(body, first, headers)
    if found_labels is None:
        return None
    region, categories = found_labels
    numeric = [x for x in body[:, region] if x != "" and not isinstance(x, str)]
    if numeric and not is_geo_header(headers[region]):
        return None  # numbers without a region header are no municipality codes
    if categories:
        for c in [region, *categories]:
            body[:, c] = pd.Series(body[:, c], dtype=object).replace("", None).ffill().fillna("")
    header_rows = [r for r in range(year_row) if filled[r, first:].any()]
    header_rows += list(range(year_row + 1, start))
    measures = np.array(
        _measures(grid, filled, header_rows, cols, [years[c][1] for c in cols]), dtype=object
    )
    n_rows, n_cols = body.shape[0], len(cols)
    row_measure = np.full(n_rows, "", dtype=object)
    for c in categories:
        part = map_unique(body[:, c], lambda x: str(x).strip() if x != "" else "")
        row_measure = np.where(row_measure == "", part, row_measure + " / " + part)
    measure = np.repeat(row_measure, n_cols) + np.where(
        np.repeat(row_measure, n_cols) != "", " / ", ""
    ) + np.tile(measures, n_rows)
    measure = np.array([m.strip(" /") or None for m in pd.unique(measure)], dtype=object)[
        pd.factorize(measure)[0]
    ]
    col_notes, col_params = _wide_columns(grid, filled, (year_row, start), body_rows, cols,
                                          region, categories)
    layout, title, source = _title(grid, sheet)
    distinct = [m for m in pd.unique(measures) if m]
    if layout == "wide_years" and len(distinct) == 1:
        title = distinct[0]
    elif layout == "wide_years" and year_row > 0 and isinstance(grid[0, 0], str) and (
        grid[0, 0].strip() and not filled[0, 1:].any()
    ):
        title = grid[0, 0].strip()  # a title alone in A1 (FHI Kommunehelsa)
    unit = _footer_unit(grid, end) or (_unit_of(distinct[0]) if len(distinct) == 1 else None)
    if unit is None and layout == "ssb_statbank":
        unit = _unit_of(title)
    return [
        Block(
            layout=layout, title=title, unit=unit, source=source,
            labels=np.repeat(body[:, region], n_cols), label_cols=np.full(n_rows * n_cols, region),
            years=np.tile(np.array([years[c][0] for c in cols], dtype=float), n_rows),
            cells=body[:, cols].ravel(), rows=np.repeat(body_rows, n_cols),
            cols=np.tile(cols, n_rows), measures=measure, notes=notes,
            periods=np.tile(grid[year_row, cols], n_rows),
            col_notes=col_notes, col_params=col_params,
        )
    ]  # fmt: skip


def _wide_columns(grid: np.ndarray, filled: np.ndarray, header: tuple[int, int],
                  body_rows: np.ndarray, cols: np.ndarray, region: int, categories: list[int]
                  ) -> tuple[dict[int, str], dict[int, dict[str, object]]]:
    """Why each non-empty column of a wide table other than its year columns is no
    figure. ``header`` is (year row, first data row).

    The region and category columns by their role; a column right of the table's
    header block (after a column empty in the year row and the row below it) is
    outside the table (``col_outside_year`` when its year-row cell is a year: a
    second table); the rest by :func:`column_reasons` (a duplicate of the region
    column, numbers without a year in the header, text only …).
    """
    year_row, start = header
    table_rows = np.concatenate([np.arange(year_row, start), body_rows]).astype(int)
    notes: dict[int, str] = {region: "ingest.skip.col_region"}
    notes |= {c: "ingest.skip.col_category" for c in categories}
    used = set(cols.tolist())
    rest = [c for c in range(grid.shape[1]) if c not in used and c not in notes
            and filled[table_rows, c].any()]
    end = _span_end(filled, year_row, int(cols[0]))
    for c in rest:
        if c >= end:
            year = header_year(grid[year_row, c])
            notes[c] = "ingest.skip.col_outside_year" if year else "ingest.skip.col_outside"
    headers = [" ".join(norm(x) for x in grid[:start, c] if norm(x))
               for c in range(grid.shape[1])]
    first = int(cols[0])
    # Left of the years a label is read per region (a name beside the code); right of
    # them one row is one region anyway, so "one value per region" says nothing.
    labels, params = column_reasons(grid, body_rows, [c for c in rest if c < first], headers,
                                    region=region)
    inside, more = column_reasons(grid, body_rows, [c for c in rest if first < c < end],
                                  headers)
    return notes | labels | inside, params | more


def _title(grid: np.ndarray, sheet: str) -> tuple[str, str, str | None]:
    """(layout, title, source) from a Statbank title line ``13135: … , etter …``."""
    first = next((c for c in grid[0] if c != ""), "") if grid.shape[0] else ""
    m = _STATBANK_TITLE.match(str(first).strip())
    if not m:
        return "wide_years", sheet, None
    title = re.sub(r",\s*etter\s.*$", "", m.group(2).strip(), flags=re.S)
    return "ssb_statbank", title, f"SSB {m.group(1)}"


def _footer_unit(grid: np.ndarray, end: int) -> str | None:
    """The unit under ``Måleenhet:`` in a Statbank footer."""
    column = [str(c).strip() for c in grid[end:, 0] if c != ""]
    if "Måleenhet:" not in column:
        return None
    after = column[column.index("Måleenhet:") + 1 :]
    return next((c for c in after if not c.endswith(":")), None)
