"""Long ("tidy") tables: one header row, one row per region × period × category.

The layout of NAV, FHI, IMDi, Valgdirektoratet and analysts' own CSVs: a header row
with a column *labelled* as the region (``Kommune``, ``kommune_nr``, ``KommuneID``,
``Kommune Nr Navn``, ``region``, ``Geografi`` …), and the period from one of

* a column labelled as time (``År``, ``aar``, ``year``, ``Tid``, ``periode`` …);
* the headers of the value columns (``bosatt_2015_personer``, ``Persons 2019``,
  ``innvkat…_aar.2014``, ``2021.Alle eierformer.Oppfyller pedagognormen (andel)``);
* a title above the header (``Veglengder gyldig pr 20191231``), when it names exactly
  one year;
* the year the user gives (``--year``), when the file names none.

A number is a year only with such evidence and a code only in the region column:
the body's values are never guessed to be years or codes. Every other column is
classified from its header and its cells, in this order: another geography column
(``fylke_nr``, ``bydel_nr``: rows where only it is set are another level and are
skipped with that reason), a category (``Kjønn``, ``Alder``, ``Sektor``, ``Parti``,
``enhet`` …, or any text column that varies within a region: one series per
category), a code column (``Kapittel`` ``0634``: digits with leading zeros), a value
column (numbers, SSB symbols; one series per column), a description of the region
(``Kommunenavn``, ``Fylkenavn``: one value per region) or a constant (``Oppdatert
dato``). Columns and rows not used as figures are listed with their reason
(:attr:`~sdg.ingest.blocks.Block.notes`, ``col_notes``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from sdg.ingest.blocks import Block, from_codes, map_unique
from sdg.ingest.cells import (
    YEAR_MAX,
    YEAR_MIN,
    Cells,
    join_reads,
    parse_period,
    read_distinct,
    to_values,
    values_of_read,
)
from sdg.ingest.columns import is_note_header
from sdg.ingest.model import Explanation

_HEADER_SCAN = 40
#: The first rows :func:`parse_tidy` needs of a sheet given as columns (``height``).
HEAD_ROWS = _HEADER_SCAN
#: Header words that label a region column (compared with the header's words).
GEO_WORDS = frozenset({"kommune", "kommunenr", "kommunenummer", "kommunekode", "kommuneid",
                       "knr", "region", "geografi", "municipality", "kommune_nr", "komnr",
                       "bydel", "bydel_nr", "delbydel", "delbydelid", "fylke", "fylke_nr",
                       "fylkenr", "fylkesnr", "naringsregion_nr", "næringsregion",
                       "kommunenavn", "geo", "area"})  # fmt: skip
#: Header words that make a column the municipality column first of all.
MUNICIPAL_WORDS = ("kommune", "knr", "municipality", "komnr", "region", "geografi", "geo")
YEAR_HEADERS = frozenset({"år", "aar", "year", "tid", "time", "periode", "period", "skoleår",
                          "skoleaar", "årstall", "statistikkår", "året", "år/periode"})  # fmt: skip
#: Header words of category columns (one series per value), even when numeric.
CATEGORY_WORDS = ("kjønn", "kjonn", "kjon", "sex", "gender", "alder", "age", "sektor",
                  "sector", "eierform", "innvkat", "landbakgrunn", "vreg", "trinn", "enhet",
                  "unit", "kategori", "category", "gruppe", "group", "type", "næring",
                  "naering", "parti", "party", "statistikkvariabel", "contents", "utdanning",
                  "dødsårsak", "diagnose", "stønadsområde", "variabel")  # fmt: skip
_CODE_HEADER = re.compile(r"(?:^|[\s_.-])(?:nr|kode|code|id|orgnr|organisasjonsnummer)$")
_HEADER_YEAR = re.compile(
    r"(?<![\d])((?:19|20)\d\d)(?:\s*[-/_]\s*(\d{2}|(?:19|20)\d\d))?(?![\d])"
)
_TITLE_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?:[01]\d[0-3]\d)?(?![\d])")
_NUMBERISH = re.compile(r"^[+\-\u2212]?[\d\s\u00a0.,]*\d[\d\s\u00a0.,]*%?$")
_STATBANK = re.compile(r"^(\d{5}):\s*(.+)$", re.S)
_PURE_DATE = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$|^\d{4}-\d{2}-\d{2}")


_SPACES = re.compile(r"\s+")


def _norm(cell: object) -> str:
    return _SPACES.sub(" ", cell).strip().casefold() if isinstance(cell, str) else ""


def _norm_texts(texts: np.ndarray) -> np.ndarray:
    """``[_norm(x) for x in texts]`` of text cells as an object array, with one
    regular-expression pass over all of them joined by NUL (which no whitespace run
    holds: the runs are those of each text), or one by one if a text holds a NUL.

    >>> _norm_texts(np.array([" Kommune  Nr", "ÅR", "", "a\\tb "], dtype=object)).tolist()
    ['kommune nr', 'år', '', 'a b']
    """
    out = np.empty(len(texts), dtype=object)
    if not len(texts):
        return out
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        out[:] = [_norm(x) for x in texts]
        return out
    out[:] = list(map(str.casefold, map(str.strip, _SPACES.sub(" ", joined).split("\x00"))))
    return out


def is_municipal_header(header: str) -> bool:
    """True when a (normalised) header has a word for a municipality column.

    >>> is_municipal_header("kommune nr navn"), is_municipal_header("bydel")
    (True, False)
    """
    return any(w.startswith(MUNICIPAL_WORDS) for w in _words(header))


def _words(header: str) -> set[str]:
    """Words of a header, split on spaces, dots and underscores, plus the whole.

    >>> sorted(_words("kommune nr navn")), sorted(_words("kommune_nr"))
    (['kommune', 'kommune nr navn', 'navn', 'nr'], ['kommune', 'kommune_nr', 'nr'])
    """
    return {header, *re.split(r"[\s._]+", header)} - {""}


def is_geo_header(header: str) -> bool:
    """True when a header labels a region column.

    >>> [is_geo_header(h) for h in ("kommune nr navn", "kommuneid", "delbydelid", "parti")]
    [True, True, True, False]
    """
    return bool(_words(header) & GEO_WORDS) or header.startswith(("kommune", "fylke", "bydel"))


def _is_category_header(header: str) -> bool:
    return any(w.startswith(CATEGORY_WORDS) for w in _words(header))


#: Texts of a true/false flag (Udir's ``prikket``: suppressed or not), compared folded.
FLAG_TEXTS = frozenset({"true", "false", "sann", "usann"})


def _is_flag_column(uniques: np.ndarray) -> bool:
    """A column of true/false flags (its distinct non-blank cells ``uniques``): a mark
    on each row, not a category to split the figures by.

    >>> _is_flag_column(np.array(["False", "True"], dtype=object))
    True
    >>> _is_flag_column(np.array(["1 Menn", "2 Kvinner"], dtype=object)), _is_flag_column(np.array([]))
    (False, False)
    """
    return len(uniques) > 0 and all(
        isinstance(x, str) and x.strip().casefold() in FLAG_TEXTS for x in uniques)


def _mark_column(header: str, uniques: np.ndarray) -> str | None:
    """The reason of a column of text that marks each row instead of naming a
    category: remarks under a remark header (``brudd_…``, ``Merknad``), or true/false
    flags (``prikket``); None for any other column (``uniques``: its distinct
    non-blank cells).

    >>> _mark_column("brudd_antall_elever", np.array(["Longyearbyen …"], dtype=object))
    'ingest.skip.col_note'
    >>> _mark_column("prikket", np.array(["False", "True"], dtype=object))
    'ingest.skip.col_flag'
    >>> _mark_column("kjønn", np.array(["Menn", "Kvinner"], dtype=object)) is None
    True
    """
    if is_note_header(header):
        return "ingest.skip.col_note"
    if _is_flag_column(uniques):
        return "ingest.skip.col_flag"
    return None


def _is_other_year_column(header: str, values: np.ndarray) -> bool:
    """A second period column beside the table's year column (``aar_slutt`` beside
    ``skoleaar``): a header naming a year and whole years 1900–2100 as the only
    numbers (``values``: the column's distinct cells read as numbers). Its numbers
    are years with the header's evidence, not figures.

    >>> _is_other_year_column("aar_slutt", np.array([2016.0, 2017.0]))
    True
    >>> _is_other_year_column("antall_aar", np.array([3.0, 12.0])), _is_other_year_column("antall", np.array([2016.0]))
    (False, False)
    """
    words = _words(header) - {header} or {header}
    if not any(w in YEAR_HEADERS or w.endswith(("år", "aar")) for w in words):
        return False
    numbers = values[~np.isnan(values)]
    return bool(len(numbers) and (numbers == np.round(numbers)).all()
                and (numbers >= 1900).all() and (numbers <= 2100).all())


def _is_code_column(header: str, cells: np.ndarray) -> bool:
    """Codes, not figures: digit strings of one length with leading zeros
    (``Kapittel`` ``0634``), or digits under a ``…nr``/``kode``/``id``/``orgnr`` header.

    >>> _is_code_column("kapittel", np.array(["0634", "2541"], dtype=object))
    True
    >>> _is_code_column("antall", np.array(["0634", "25"], dtype=object))
    False
    >>> _is_code_column("has_propertytax", np.array(["0", "1"], dtype=object))
    False
    >>> _is_code_column("orgnr_fylkesmann", np.array([974763230.0], dtype=object))
    True
    """
    index, uniques = pd.factorize(pd.Series(cells, dtype=object))  # each distinct cell once
    counts = np.bincount(index[index >= 0], minlength=len(uniques))
    return _is_code_distinct(header, uniques, counts)


def _is_code_distinct(header: str, uniques: np.ndarray, counts: np.ndarray) -> bool:
    """:func:`_is_code_column` of a column given as its distinct cells and how often
    each occurs."""
    is_text = np.array([isinstance(x, str) for x in uniques], dtype=bool)
    if len(uniques) and is_text.all():
        stripped = list(map(str.strip, uniques))
        digit = np.fromiter(map(str.isdigit, stripped), dtype=bool, count=len(stripped))
        numbers = list(itertools.compress(stripped, digit))
        lengths = set(map(len, numbers))
        zero = any(x.startswith("0") for x in numbers)
        if counts[digit].sum() >= 0.95 * counts.sum() and zero and len(lengths) == 1 and (
                min(lengths) >= 2):  # "0"/"1" is a yes/no figure, "0634" a code
            return True
    coded = _CODE_HEADER.search(header) or "orgnr" in header or "organisasjonsnummer" in header
    return bool(coded) and all(
        (isinstance(x, str) and x.strip().isdigit())
        or (not isinstance(x, str) and float(x).is_integer()) for x in uniques)


def figure_free_region_table(grid: np.ndarray) -> bool:
    """True when the sheet is a labelled table of regions without figure columns
    (a list of units with codes, names and organisation numbers)."""
    r = _header_row(grid)
    if r is None:
        return False
    header = [_norm(c) for c in grid[r]]
    geo = [c for c, h in enumerate(header) if h and is_geo_header(h)]
    body = grid[r + 1:]
    return len(body) > 0 and not _has_figure_column(body, header, geo)


def _has_figure_column(body: np.ndarray, header: list[str], skip: list[int]) -> bool:
    """True when a column other than ``skip`` holds numbers that are not codes."""
    for c in range(body.shape[1]):
        cells = body[:, c][~_blank(body[:, c])]
        if c in skip or not len(cells) or _is_code_column(header[c], cells):
            continue
        parsed = to_values(cells)
        if (~np.isnan(parsed.value)).mean() >= 0.9:
            return True
    return False


def _header_row(grid: np.ndarray) -> int | None:
    """The first row (of 40) of text labels with a region label among them."""
    for r in range(min(_HEADER_SCAN, grid.shape[0])):
        row = grid[r]
        texts = [c for c in row if isinstance(c, str) and c.strip()]
        numbers = [c for c in row if c != "" and not isinstance(c, str)]
        if len(texts) >= 2 and not numbers and any(is_geo_header(_norm(c)) for c in texts):
            return r
    return None


def _region_column(header: list[str], geo: list[int], body: np.ndarray,
                   rows: np.ndarray) -> int:
    """The municipality column among the geography columns: labelled ``kommune`` (or
    region) first, then the one whose cells are most often codes."""
    from sdg.ingest.regions import code_from_label

    def score(c: int) -> tuple[int, float]:
        cells = body[rows, c]
        filled = cells[cells != ""]
        codes = sum(code_from_label(x) is not None for x in pd.unique(filled)) if len(filled) else 0
        named = is_municipal_header(header[c])
        return int(named), codes / max(len(pd.unique(filled)), 1)

    return max(geo, key=lambda c: (score(c), -c))


def _blank(cells: np.ndarray) -> np.ndarray:
    """Empty or ``NULL``-like cells."""
    from sdg.ingest.regions import NULL_TEXTS

    return map_unique(cells, lambda c: c == "" or (
        isinstance(c, str) and c.strip().casefold() in NULL_TEXTS)).astype(bool)


def _title_year(grid: np.ndarray, header: int) -> int | None:
    """The one year named in the title rows above the header (None if none or several).

    A date after a ``label:`` cell (``Rapportdato: 15.01.2020``) is metadata, not
    the period of the table.
    """
    years: set[int] = set()
    for r in range(header):
        for c, cell in enumerate(grid[r]):
            if not isinstance(cell, str) or not cell.strip():
                continue
            text = cell.strip()
            left = grid[r, c - 1] if c else ""
            if _PURE_DATE.match(text) and isinstance(left, str) and left.strip().endswith(":"):
                continue
            if text.endswith(":"):
                continue
            years |= {int(y) for y in _TITLE_YEAR.findall(text) if YEAR_MIN <= int(y) <= YEAR_MAX}
    return years.pop() if len(years) == 1 else None


def header_period(header: str) -> tuple[int, str | None, str] | None:
    """(year, kind, header without the period) when a header names one period.

    >>> header_period("bosatt_2015_personer"), header_period("Persons 2019")
    ((2015, None, 'bosatt_personer'), (2019, None, 'Persons'))
    >>> header_period("2021.Alle eierformer.Oppfyller pedagognormen (andel)")
    (2021, None, 'Alle eierformer.Oppfyller pedagognormen (andel)')
    >>> header_period("EndringStemmer11") is None, header_period("2013 og 2015") is None
    (True, True)
    """
    found = list(_HEADER_YEAR.finditer(header))
    if len(found) != 1:
        return None
    m = found[0]
    period = parse_period(m.group(0).replace(" ", ""))
    if period is None:
        return None
    rest = (header[: m.start()] + header[m.end():])
    rest = re.sub(r"([._\s-])[._\s-]+", r"\1", rest).strip(" ._-")
    return period[0], period[1], rest


def _long_header(grid: np.ndarray) -> tuple[int, np.ndarray, list[str], np.ndarray] | None:
    """The header row of a long table, as written and normalised, and the body below
    it; None when the sheet has no labelled header or has years as column headers
    (a wide table, :mod:`sdg.ingest.layouts`)."""
    r = _header_row(grid)
    if r is None:
        return None
    raw_header = grid[r]
    if any(parse_period(c) is not None for c in raw_header if c != "") or any(
        parse_period(c) is not None for c in grid[r - 1] if r and c != ""
    ):
        return None
    return r, raw_header, [_norm(c) for c in raw_header], grid[r + 1:]


def _value_periods(grid: np.ndarray, r: int, values: list[int], col_notes: dict[int, str],
                   sheet: str, year: int | None
                   ) -> tuple[list[int], dict[int, tuple[int, str | None, str]]] | Explanation:
    """Without a year column: the value columns with a period and each one's period,
    from the headers (a value column without one is noted in ``col_notes``), else the
    title's one year, else the user's ``year``; an explanation when there is none."""
    raw_header = grid[r]
    col_period = {c: found for c in values
                  if (found := header_period(str(raw_header[c]).strip()))}
    if col_period:
        for c in values:
            if c not in col_period:
                col_notes[c] = "ingest.skip.col_no_year"
        return [c for c in values if c in col_period], col_period
    title = _title_year(grid, r)
    given = title if title is not None else year
    if given is None:
        return Explanation(sheet, "ingest.explain.no_period",
                           {"sheet": sheet, "columns": ", ".join(
                               str(raw_header[c]).strip() for c in values[:4])})
    return values, {c: (given, None, str(raw_header[c]).strip()) for c in values}


def _parse_tidy_reference(grid: np.ndarray, sheet: str, year: int | None = None
                          ) -> list[Block] | Explanation | None:
    """The plain reference of :func:`parse_tidy`: every test on the cells themselves."""
    found = _long_header(grid)
    if found is None:
        return None
    r, raw_header, header, body = found
    filled = body != ""
    notes: dict[int, str] = {i: "ingest.skip.title" for i in range(r) if (grid[i] != "").any()}
    notes[r] = "ingest.skip.header"
    labelled = [c for c, h in enumerate(header) if h]
    same = np.zeros(len(body), dtype=int)
    for c in labelled:
        same += map_unique(body[:, c], lambda x, h=header[c]: _norm(x) == h).astype(bool)
    repeated = same >= max(2, len(labelled) // 2)
    for i in np.flatnonzero(repeated):
        notes[r + 1 + int(i)] = "ingest.skip.repeated_header"
    rows = np.flatnonzero(filled.any(axis=1) & ~repeated)
    geo = [c for c in labelled if is_geo_header(header[c])]
    municipal = [c for c in geo if is_municipal_header(header[c])]
    if not municipal:  # only districts or counties are labelled: not municipal figures
        key = ("ingest.explain.districts_only" if any("bydel" in header[c] for c in geo)
               else "ingest.explain.aggregates_only")
        if not _has_figure_column(body[rows], header, geo):
            return None  # explained by sdg.ingest.detect (no figure columns)
        return Explanation(sheet, key, {"sheet": sheet})
    region = _region_column(header, municipal, body, rows)
    year_col = next((c for c in labelled if header[c] in YEAR_HEADERS and c != region), None)
    col_notes: dict[int, str] = {}
    values: list[int] = []
    categories: list[int] = []
    region_labels = body[rows, region]
    for c in range(grid.shape[1]):
        if c in (region, year_col):
            continue
        cells = body[rows, c]
        nonblank = ~_blank(cells)
        if not nonblank.any():
            if header[c] or c < len(raw_header) and raw_header[c] != "":
                col_notes[c] = "ingest.skip.col_empty"
            continue
        h = header[c]
        if c in geo:
            named = "navn" in h or "name" in h
            col_notes[c] = "ingest.skip.col_region_name" if named else "ingest.skip.col_geo"
            continue
        present = cells[nonblank]
        distinct = pd.Series(present, dtype=object).nunique()
        if _is_category_header(h) and header_period(str(raw_header[c])) is None and (
            distinct <= 20
        ):
            categories.append(c)
            continue
        if _is_code_column(h, present):
            col_notes[c] = "ingest.skip.col_code"
            continue
        index, uniques = pd.factorize(pd.Series(present, dtype=object))
        parsed = to_values(np.asarray(uniques, dtype=object))  # each distinct cell once
        numeric = ~np.isnan(parsed.value) | (parsed.status != None)  # noqa: E711
        numeric |= np.array([bool(_NUMBERISH.match(str(x).strip())) for x in uniques],
                            dtype=bool)  # a malformed number is a problem, not a label
        if numeric[index].mean() >= 0.9 and (~np.isnan(parsed.value)).any():
            if year_col is not None and _is_other_year_column(h, parsed.value):
                col_notes[c] = "ingest.skip.col_year_extra"
                continue
            values.append(c)
            continue
        mark = _mark_column(h, uniques)
        if mark is not None:
            col_notes[c] = mark
            continue
        per_region = pd.DataFrame({"r": region_labels[nonblank], "v": present}).groupby(
            "r", sort=False)["v"].nunique()
        if distinct <= 1:
            col_notes[c] = "ingest.skip.col_constant"
        elif len(per_region) and per_region.max() <= 1:
            col_notes[c] = "ingest.skip.col_region_name"
        else:
            categories.append(c)
    if not values:
        return None  # explained by sdg.ingest.detect (no figure columns)
    col_notes[region] = "ingest.skip.col_region"
    if year_col is not None:
        col_notes[year_col] = "ingest.skip.col_year"
    col_notes |= {c: "ingest.skip.col_category" for c in categories}
    # The period of every value cell.
    col_period: dict[int, tuple[int, str | None, str]] = {}
    if year_col is None:
        found = _value_periods(grid, r, values, col_notes, sheet, year)
        if isinstance(found, Explanation):
            return found
        values, col_period = found
    # Rows: the region label (or, for a subtotal row without a code, its name).
    labels = body[rows, region].copy()
    name_cols = [c for c, key in col_notes.items() if key == "ingest.skip.col_region_name"]
    blank = _blank(labels)
    other_geo = [c for c in geo if c != region and "navn" not in header[c]
                 and "name" not in header[c]]
    name_cols += [c for c in geo if c != region and c not in other_geo]
    other_level = np.zeros(len(rows), dtype=bool)
    for c in other_geo:
        other_level |= blank & ~_blank(body[rows, c])
    for i in np.flatnonzero(other_level):
        notes[r + 1 + int(rows[i])] = "ingest.skip.other_level"
    for c in name_cols:
        use = blank & ~other_level & ~_blank(body[rows, c])
        labels[use] = body[rows[use], c]
        blank &= ~use
    labels[blank] = ""
    keep = ~other_level
    rows, labels = rows[keep], labels[keep]
    if year_col is not None:
        periods = map_unique(body[rows, year_col], parse_period)
        row_year = np.array([p[0] if p else np.nan for p in periods], dtype=float)
        row_kind = np.array([p[1] if p else None for p in periods], dtype=object)
        mixed = len({k for k in row_kind if k is None}) and len({k for k in row_kind if k})
        if not mixed:
            row_kind = np.array([k if k and k[0] in "KM" else None for k in row_kind],
                                dtype=object)
    category_text = np.full(len(rows), "", dtype=object)
    for c in categories:
        part = map_unique(body[rows, c], lambda x: "" if x == "" else str(x).strip())
        category_text = np.where(category_text == "", part,
                                 np.where(part == "", category_text, category_text + " / " + part))
    parts = []
    period_parts: list[np.ndarray] = []
    for c in values:
        name = col_period[c][2] if c in col_period else str(raw_header[c]).strip()
        name = name or str(raw_header[c]).strip()
        if year_col is not None:
            years = row_year
            kinds = row_kind
        else:
            years = np.full(len(rows), col_period[c][0], dtype=float)
            kinds = np.full(len(rows), col_period[c][1], dtype=object)
        ci, cu = pd.factorize(pd.Series(category_text, dtype=object))
        ki, ku = pd.factorize(pd.Series(kinds, dtype=object).fillna(""))
        pairs, pair_index = np.unique(ci.astype(np.int64) * (len(ku) + 1) + ki,
                                      return_inverse=True)
        names_u = np.array([" / ".join(x for x in (name if len(values) > 1 else "",
                                                   cu[p // (len(ku) + 1)], ku[p % (len(ku) + 1)])
                                       if x) or None for p in pairs], dtype=object)
        measure = names_u[pair_index.reshape(-1)]
        parts.append((c, years, measure))
        if year_col is None:
            label = str(col_period[c][0]) if col_period[c][2] == str(raw_header[c]).strip() else (
                _HEADER_YEAR.search(str(raw_header[c])).group(0))
            period_parts.append(np.full(len(rows), label, dtype=object))
    cells = np.concatenate([body[rows, c] for c, _, _ in parts])
    measures = np.concatenate([m for _, _, m in parts])
    all_rows = np.tile(rows, len(parts))
    # A series whose cells hold only text (IMDi's "Kmmunenavn" rows) is no figure.
    parsed = to_values(cells)
    figure = ~np.isnan(parsed.value) | (parsed.status != None)  # noqa: E711
    series = pd.Series(measures, dtype=object).fillna("")
    has_figure = pd.Series(figure).groupby(series.to_numpy()).transform("any").to_numpy()
    text_only = ~has_figure & ~parsed.empty
    for i in np.flatnonzero(text_only):
        notes[r + 1 + int(all_rows[i])] = "ingest.skip.text_values"
    # A row without a region whose value cells hold only text is a page header,
    # title or footnote repeated inside the table (NVDB print reports).
    row_figure = pd.Series(figure).groupby(all_rows).transform("any").to_numpy()
    text_row = ~row_figure & ~text_only
    for i in np.flatnonzero(text_row):
        notes[r + 1 + int(all_rows[i])] = "ingest.skip.text_row"
    use = ~text_only & ~text_row
    value_cols = np.concatenate([np.full(len(rows), c) for c, _, _ in parts])
    order = np.lexsort((value_cols, all_rows))  # row by row, as in the file
    use = order[use[order]]
    title = _title(grid, r, sheet, [raw_header[c] for c in values])
    statbank = _STATBANK.match(title)
    layout, source = ("ssb_statbank", f"SSB {statbank.group(1)}") if statbank else ("long", None)
    if statbank:
        title = statbank.group(2).strip()
    return [
        Block(
            layout=layout, title=title, unit=None, source=source,
            labels=np.tile(labels, len(parts))[use],
            label_cols=np.full(len(use), region),
            years=np.concatenate([y for _, y, _ in parts])[use], cells=cells[use],
            rows=all_rows[use] + r + 1, cols=value_cols[use], measures=measures[use],
            year_cells=body[all_rows[use], year_col] if year_col is not None else None,
            year_cols=np.full(len(use), year_col) if year_col is not None else None,
            periods=np.concatenate(period_parts)[use] if period_parts else None,
            notes=notes, col_notes=col_notes,
        )
    ]  # fmt: skip


def parse_tidy(grid: np.ndarray, sheet: str, year: int | None = None,
               columns: tuple[tuple[np.ndarray, np.ndarray], ...] | None = None,
               height: int | None = None) -> list[Block] | Explanation | None:
    """A long table (see the module); None when the sheet has no labelled header.

    A sheet whose body cells are all text (every CSV) takes the columnar path
    (:func:`_parse_tidy_columnar`: each column factorized once, each test run on its
    distinct cells); any other sheet the plain one (:func:`_parse_tidy_reference`).
    Both give the same result (``tests/test_ingest_tidy_fast.py``). ``columns``: the
    grid's columns as codes into their distinct text cells, when the reader has them
    (:attr:`sdg.ingest.read.RawSheet.columns`): then no column is factorized here,
    and ``grid`` may be the sheet's first rows only (at least :data:`_HEADER_SCAN`,
    or all) with ``height`` its number of rows: None is then also returned where the
    cells of the rows below would be needed (a table without a municipality column).

    >>> grid = np.array([["kommune", "år", "antall"], ["3203 Asker", "2024", "12"],
    ...                  ["3203 Asker", "2023", ".."]], dtype=object)
    >>> block = parse_tidy(grid, "a.csv")[0]
    >>> block.years.tolist(), block.cells.tolist(), block.col_notes
    ([2024.0, 2023.0], ['12', '..'], {0: 'ingest.skip.col_region', 1: 'ingest.skip.col_year'})
    """
    found = _parse_tidy_columnar(grid, sheet, year, columns, height)
    if found is _NEEDS_BODY:
        return None
    return _parse_tidy_reference(grid, sheet, year) if found is _NOT_TEXT else found


#: What :func:`_parse_tidy_columnar` returns for a body with a cell that is not text.
_NOT_TEXT = object()
#: What it returns, given only the first rows, where the body's cells are needed.
_NEEDS_BODY = object()


class _TextColumns:
    """The body columns of a sheet of text cells, each factorized once: per column the
    code of every body row and the distinct cells (``None`` from :meth:`of` when a
    cell is not text: 1, 1.0 and True would be one distinct cell)."""

    def __init__(self, codes: list[np.ndarray], uniques: list[np.ndarray]) -> None:
        self.codes = codes
        self.uniques = uniques
        self._blank: dict[int, np.ndarray] = {}
        self._values: dict[int, Cells] = {}
        self._reads: dict[int, tuple] = {}

    @classmethod
    def of(cls, body: np.ndarray) -> _TextColumns | None:
        codes, uniques = [], []
        for c in range(body.shape[1]):
            index, distinct = pd.factorize(body[:, c])
            if len(index) and index.min() < 0 or any(type(u) is not str for u in distinct):
                return None
            codes.append(index)
            uniques.append(np.asarray(distinct, dtype=object))
        return cls(codes, uniques)

    @classmethod
    def below(cls, columns: tuple[tuple[np.ndarray, np.ndarray], ...], start: int
              ) -> _TextColumns:
        """The rows from ``start`` on of a sheet's columns given as codes into their
        distinct text cells (:attr:`sdg.ingest.read.RawSheet.columns`). A column's
        distinct cells are then those of the whole column: the header's cells among
        them, which no body row has (every use of them goes through the codes or
        counts the cells that occur)."""
        return cls([codes[start:] for codes, _ in columns], [u for _, u in columns])

    def distinct(self, c: int, fn: Callable[[str], object], dtype: type = bool) -> np.ndarray:
        """``fn`` of each distinct cell of column ``c`` (index it with the codes)."""
        return np.array([fn(u) for u in self.uniques[c]], dtype=dtype)

    def blank(self, c: int) -> np.ndarray:
        """:func:`_blank` of each distinct cell of column ``c``."""
        if c not in self._blank:
            from sdg.ingest.regions import NULL_TEXTS

            texts = self.uniques[c]  # x == "" or x.strip().casefold() in NULL_TEXTS
            folded = map(str.casefold, map(str.strip, texts))
            self._blank[c] = (texts == "") | np.fromiter(
                map(NULL_TEXTS.__contains__, folded), dtype=bool, count=len(texts))
        return self._blank[c]

    def values(self, c: int) -> Cells:
        """:func:`~sdg.ingest.cells.to_values` of the distinct cells of column ``c``
        (each cell's value, symbol and emptiness depend on that cell alone), from
        their :meth:`read`."""
        if c not in self._values:
            self._values[c] = values_of_read(self.read(c))
        return self._values[c]

    def read(self, c: int) -> tuple:
        """:func:`~sdg.ingest.cells.read_distinct` of the distinct cells of column ``c``."""
        if c not in self._reads:
            self._reads[c] = read_distinct(self.uniques[c])
        return self._reads[c]

    def seen(self, c: int, codes: np.ndarray) -> np.ndarray:
        """How often each distinct cell of column ``c`` occurs among ``codes``."""
        return np.bincount(codes, minlength=len(self.uniques[c]))


def _dense(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys → (dense codes from 0, the distinct keys in order of first
    appearance)."""
    index, keys = pd.factorize(codes)
    return index, np.asarray(keys, dtype=np.int64)


def _keys(digits: list[tuple[np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's tuple of codes (``digits``: per part, each row's code and the
    number of codes) as a dense code from 0 in order of first appearance, and
    the keys of the tuples in that order (the codes as digits of one number:
    :func:`_digits`); one factorization when the number fits in 62 bits, else one
    per part.

    >>> codes, keys = _keys([(np.array([1, 0, 1]), 2), (np.array([2, 2, 2]), 3)])
    >>> codes.tolist(), keys.tolist()
    ([0, 1, 0], [5, 2])
    """
    sizes = [size for _, size in digits]
    if np.prod([float(x) for x in sizes]) < 2.0 ** 62:
        number = np.zeros(len(digits[0][0]), dtype=np.int64)
        for codes, size in digits:
            number = number * size + codes
        return _dense(number)
    combo = np.zeros(len(digits[0][0]), dtype=np.int64)
    tuples: list[tuple] = [()]
    for codes, size in digits:  # dense after each part: the keys as tuples
        combo, keys = _dense(combo * size + codes)
        tuples = [(*tuples[k // size], k % size) for k in keys.tolist()]
    return combo, _Tuples(tuples)


class _Tuples(list):
    """Keys too large for one integer: each a tuple of digits (see :func:`_digits`)."""


def _digits(keys: np.ndarray, sizes: list[int]) -> list[np.ndarray]:
    """The digits of each key of :func:`_keys` (its code in each part).

    >>> [d.tolist() for d in _digits(np.array([5, 2]), [2, 3])]
    [[1, 0], [2, 2]]
    """
    if isinstance(keys, _Tuples):
        return [np.array([t[i] for t in keys], dtype=np.int64) for i in range(len(sizes))]
    out = []
    for size in reversed(sizes):
        out.append(keys % size)
        keys = keys // size
    return out[::-1]


def _region_column_columnar(header: list[str], geo: list[int], cols: _TextColumns,
                            rows: np.ndarray) -> int:
    """:func:`_region_column` on the distinct cells."""
    from sdg.ingest.regions import code_from_label

    if len(geo) == 1:
        return geo[0]

    def score(c: int) -> tuple[int, float]:
        present = cols.uniques[c][cols.seen(c, cols.codes[c][rows]) > 0]
        filled = present[present != ""]
        codes = sum(code_from_label(x) is not None for x in filled) if len(filled) else 0
        named = is_municipal_header(header[c])
        return int(named), codes / max(len(filled), 1)

    return max(geo, key=lambda c: (score(c), -c))


def _parse_tidy_columnar(grid: np.ndarray, sheet: str, year: int | None = None,
                         columns: tuple[tuple[np.ndarray, np.ndarray], ...] | None = None,
                         height: int | None = None
                         ) -> list[Block] | Explanation | None | object:
    """:func:`_parse_tidy_reference` with every test on each column's distinct cells
    (:class:`_TextColumns`: of the body, or below the header from ``columns``, see
    :func:`parse_tidy`), the result taken back through the codes; ``_NOT_TEXT``
    when a body cell is not text, ``_NEEDS_BODY`` when ``grid`` is the first rows of
    ``height`` (see :func:`parse_tidy`) and the body's cells are needed. Past the
    header, the body is only looked at through ``cols``."""
    found = _long_header(grid)
    if found is None:
        return None
    r, raw_header, header, body = found
    cols = _TextColumns.of(body) if columns is None else _TextColumns.below(columns, r + 1)
    if cols is None:
        return _NOT_TEXT
    body_rows = (grid.shape[0] if height is None else height) - r - 1
    filled = np.zeros(body_rows, dtype=bool)
    for c in range(grid.shape[1]):
        filled |= (cols.uniques[c] != "")[cols.codes[c]]
    notes: dict[int, str] = {i: "ingest.skip.title" for i in range(r) if (grid[i] != "").any()}
    notes[r] = "ingest.skip.header"
    labelled = [c for c, h in enumerate(header) if h]
    same = np.zeros(body_rows, dtype=int)
    need = max(2, len(labelled) // 2)
    # The columns with the fewest distinct cells first; the rest is not looked at once
    # no row can reach ``need`` (a column of figures: thousands of texts normalised).
    by_size = sorted(labelled, key=lambda c: len(cols.uniques[c]))
    for k, c in enumerate(by_size):
        short = need - (len(by_size) - k)  # matches a row needs before this column
        if short > 0 and not (same >= short).any():
            break
        match = _norm_texts(cols.uniques[c]) == header[c]
        if match.any():  # (most columns: no cell repeats the header)
            same += match[cols.codes[c]]
    repeated = same >= need
    for i in np.flatnonzero(repeated):
        notes[r + 1 + int(i)] = "ingest.skip.repeated_header"
    rows = np.flatnonzero(filled & ~repeated)
    geo = [c for c in labelled if is_geo_header(header[c])]
    municipal = [c for c in geo if is_municipal_header(header[c])]
    if not municipal:  # only districts or counties are labelled: not municipal figures
        key = ("ingest.explain.districts_only" if any("bydel" in header[c] for c in geo)
               else "ingest.explain.aggregates_only")
        if height is not None:
            return _NEEDS_BODY
        if not _has_figure_column(body[rows], header, geo):
            return None  # explained by sdg.ingest.detect (no figure columns)
        return Explanation(sheet, key, {"sheet": sheet})
    region = _region_column_columnar(header, municipal, cols, rows)
    year_col = next((c for c in labelled if header[c] in YEAR_HEADERS and c != region), None)
    col_notes: dict[int, str] = {}
    values: list[int] = []
    categories: list[int] = []
    every_row = len(rows) == body_rows  # then rows is 0, 1, …: no copies through it
    region_codes = cols.codes[region] if every_row else cols.codes[region][rows]
    for c in range(grid.shape[1]):
        if c in (region, year_col):
            continue
        codes = cols.codes[c] if every_row else cols.codes[c][rows]
        nonblank = ~cols.blank(c)[codes]
        if not nonblank.any():
            if header[c] or c < len(raw_header) and raw_header[c] != "":
                col_notes[c] = "ingest.skip.col_empty"
            continue
        h = header[c]
        if c in geo:
            named = "navn" in h or "name" in h
            col_notes[c] = "ingest.skip.col_region_name" if named else "ingest.skip.col_geo"
            continue
        present = codes[nonblank]
        counts = cols.seen(c, present)
        seen = np.flatnonzero(counts)
        uniques, counts = cols.uniques[c][seen], counts[seen]
        distinct = len(seen)
        if _is_category_header(h) and header_period(str(raw_header[c])) is None and (
            distinct <= 20
        ):
            categories.append(c)
            continue
        if _is_code_distinct(h, uniques, counts):
            col_notes[c] = "ingest.skip.col_code"
            continue
        parsed = cols.values(c)
        number = ~np.isnan(parsed.value[seen])
        numeric = number | (parsed.status[seen] != None)  # noqa: E711
        other = np.flatnonzero(~numeric)
        numeric[other] = [bool(_NUMBERISH.match(str(x).strip())) for x in uniques[other]]
        if counts[numeric].sum() / counts.sum() >= 0.9 and number.any():
            if year_col is not None and _is_other_year_column(h, parsed.value[seen]):
                col_notes[c] = "ingest.skip.col_year_extra"
                continue
            values.append(c)
            continue
        mark = _mark_column(h, uniques)
        if mark is not None:
            col_notes[c] = mark
            continue
        if distinct <= 1:
            col_notes[c] = "ingest.skip.col_constant"
            continue
        pairs = region_codes[nonblank].astype(np.int64) * len(cols.uniques[c]) + present
        if len(np.unique(pairs)) == len(np.unique(region_codes[nonblank])):
            col_notes[c] = "ingest.skip.col_region_name"  # one value per region
        else:
            categories.append(c)
    if not values:
        return None  # explained by sdg.ingest.detect (no figure columns)
    col_notes[region] = "ingest.skip.col_region"
    if year_col is not None:
        col_notes[year_col] = "ingest.skip.col_year"
    col_notes |= {c: "ingest.skip.col_category" for c in categories}
    # The period of every value cell.
    col_period: dict[int, tuple[int, str | None, str]] = {}
    if year_col is None:
        found = _value_periods(grid, r, values, col_notes, sheet, year)
        if isinstance(found, Explanation):
            return found
        values, col_period = found
    # Rows: the region label (or, for a subtotal row without a code, its name).
    name_cols = [c for c, key in col_notes.items() if key == "ingest.skip.col_region_name"]
    blank = cols.blank(region)[region_codes]
    other_geo = [c for c in geo if c != region and "navn" not in header[c]
                 and "name" not in header[c]]
    name_cols += [c for c in geo if c != region and c not in other_geo]
    other_level = np.zeros(len(rows), dtype=bool)
    for c in other_geo:
        other_level |= blank & ~cols.blank(c)[cols.codes[c][rows]]
    for i in np.flatnonzero(other_level):
        notes[r + 1 + int(rows[i])] = "ingest.skip.other_level"
    # The labels' codes into `label_distinct` (for sdg.ingest.blocks.finish_all).
    label_codes, label_parts = region_codes.astype(np.int64), [cols.uniques[region]]
    offset = len(cols.uniques[region])
    for c in name_cols:
        use = blank & ~other_level & ~cols.blank(c)[cols.codes[c][rows]]
        label_codes[use] = cols.codes[c][rows[use]] + offset
        label_parts.append(cols.uniques[c])
        offset += len(cols.uniques[c])
        blank &= ~use
    label_codes[blank] = offset
    label_distinct = np.concatenate(label_parts + [np.array([""], dtype=object)])
    if other_level.any():
        keep = ~other_level
        rows, label_codes = rows[keep], label_codes[keep]
    n = len(rows)
    in_rows = (lambda a: a) if n == body_rows else (lambda a: a[rows])  # rows: all?
    # Each row's (category text, period kind) as one code into `texts` and `kinds`.
    combo, texts = np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
    parts = [cols.distinct(c, lambda x: "" if x == "" else str(x).strip(), object)
             for c in categories]
    digits: list[tuple[np.ndarray, int]] = [(in_rows(cols.codes[c]), len(part))
                                            for c, part in zip(categories, parts, strict=True)]
    kind_of_row = None
    if year_col is not None:
        year_codes = in_rows(cols.codes[year_col])
        periods = [parse_period(u) for u in cols.uniques[year_col]]
        year_of = np.array([p[0] if p else np.nan for p in periods], dtype=float)
        kind_of = np.array([p[1] if p else None for p in periods], dtype=object)
        used = kind_of[cols.seen(year_col, year_codes) > 0]
        mixed = len({k for k in used if k is None}) and len({k for k in used if k})
        if not mixed:
            kind_of = np.array([k if k and k[0] in "KM" else None for k in kind_of],
                               dtype=object)
        kind_index, kind_names = pd.factorize(pd.Series(kind_of, dtype=object).fillna(""))
        width = max(len(kind_names), 1)
        row_year = year_of[year_codes]
        if width > 1:
            digits.append((kind_index[year_codes], width))
            kind_of_row = np.asarray(kind_names, dtype=object)
    if digits:  # the rows' keys: (category, …, kind) as digits of one number
        combo, keys = _keys(digits)
        at = _digits(keys, [size for _, size in digits])
        texts = np.full(len(keys), "", dtype=object)
        for part, k in zip(parts, at, strict=False):
            old, new = texts, part[k]
            texts = np.where(old == "", new, np.where(new == "", old, old + " / " + new))
    if year_col is None:
        kinds = None
    elif kind_of_row is not None:
        kinds = kind_of_row[at[-1]]
    else:  # one kind: `combo` is dense already (from 0, in order)
        keys = np.arange(int(combo.max()) + 1 if n else 0, dtype=np.int64)
        kinds = np.asarray(kind_names, dtype=object)[keys % width]
        texts = texts[keys]
    # The measure of every (value column, row): names[part, combo].
    names = np.empty((len(values), len(texts)), dtype=object)
    for p, c in enumerate(values):
        name = col_period[c][2] if c in col_period else str(raw_header[c]).strip()
        name = name or str(raw_header[c]).strip()
        kind = kinds if kinds is not None else [col_period[c][1] or ""] * len(texts)
        names[p] = [" / ".join(x for x in (name if len(values) > 1 else "", t, k) if x) or None
                    for t, k in zip(texts, kind, strict=True)]
    group_of: dict[object, int] = {}
    groups = np.array([[group_of.setdefault(m, len(group_of)) for m in part] for part in names],
                      dtype=np.int64).reshape(names.shape)
    # A series whose cells hold only text (IMDi's "Kmmunenavn" rows) is no figure.
    figure = np.empty((len(values), n), dtype=bool)
    empty = np.empty((len(values), n), dtype=bool)
    has_figure = np.zeros(len(group_of), dtype=bool)
    for p, c in enumerate(values):
        parsed = cols.values(c)
        codes = in_rows(cols.codes[c])
        figure[p] = (~np.isnan(parsed.value) | (parsed.status != None))[codes]  # noqa: E711
        empty[p] = parsed.empty[codes]
        has_figure[groups[p][np.bincount(combo[figure[p]], minlength=len(texts)) > 0]] = True
    text_only = ~has_figure[groups[:, combo]] & ~empty
    all_rows = np.tile(rows, len(values))
    for i in np.flatnonzero(text_only.ravel()):
        notes[r + 1 + int(all_rows[i])] = "ingest.skip.text_values"
    # A row without a region whose value cells hold only text is a page header,
    # title or footnote repeated inside the table (NVDB print reports).
    text_row = ~figure.any(axis=0)[None, :] & ~text_only
    for i in np.flatnonzero(text_row.ravel()):
        notes[r + 1 + int(all_rows[i])] = "ingest.skip.text_row"
    use = ~text_only & ~text_row
    # Row by row, as in the file: the cells of a row in column order.
    by_column = np.argsort(np.array(values), kind="stable")
    whole = bool(use.all())  # every row's cells: no row left out
    one = whole and len(values) == 1  # each row's one value cell, in order
    if one:  # no copies through row_i (0, 1, …, n - 1)
        part, size = np.zeros(n, dtype=np.intp), n
        pick = lambda a: a  # noqa: E731
    else:
        if whole:  # np.nonzero of all True
            row_i = np.repeat(np.arange(n, dtype=np.intp), len(values))
            which = np.tile(np.arange(len(values), dtype=np.intp), n)
        else:
            used = use[by_column].T  # (row, value column in column order)
            row_i, which = np.nonzero(used)
        part, size = by_column[which], len(row_i)
        pick = lambda a: a[row_i]  # noqa: E731
    title = _title(grid, r, sheet, [raw_header[c] for c in values])
    statbank = _STATBANK.match(title)
    layout, source = ("ssb_statbank", f"SSB {statbank.group(1)}") if statbank else ("long", None)
    if statbank:
        title = statbank.group(2).strip()
    value_cols = np.array(values, dtype=int)[part]
    out_rows = pick(rows)
    if year_col is not None:
        years = pick(row_year)
    else:
        years = np.array([col_period[c][0] for c in values], dtype=float)[part]
    periods_out = None
    if year_col is None:
        period_labels = np.array([
            str(col_period[c][0]) if col_period[c][2] == str(raw_header[c]).strip()
            else _HEADER_YEAR.search(str(raw_header[c])).group(0) for c in values], dtype=object)
        periods_out = period_labels[part]
        period_codes = (part, period_labels)
    else:
        period_codes = (pick(in_rows(cols.codes[year_col])), cols.uniques[year_col])
    if len(values) == 1:
        cell_codes, cell_distinct = pick(in_rows(cols.codes[values[0]])), cols.uniques[values[0]]
        cell_reads = cols.read(values[0])
    else:
        cell_reads = join_reads([cols.read(c) for c in values])
        cell_codes = np.empty(size, dtype=np.int64)
        offsets = np.cumsum([0] + [len(cols.uniques[c]) for c in values])
        for p, c in enumerate(values):
            at = part == p
            cell_codes[at] = cols.codes[c][out_rows[at]] + offsets[p]
        cell_distinct = np.concatenate([cols.uniques[c] for c in values])
    measure_codes = part * names.shape[1] + pick(combo)
    coded = {"labels": (pick(label_codes), label_distinct),
             "cells": (cell_codes, cell_distinct),
             "measures": (measure_codes, names.ravel()),
             "periods": period_codes}
    return [
        from_codes(Block(
            layout=layout, title=title, unit=None, source=source,
            labels=None, label_cols=np.full(size, region),  # (labels, cells and
            years=years, cells=None,  # measures: from `coded` when read)
            rows=out_rows + r + 1, cols=value_cols, measures=None,
            year_cells=period_codes[1][period_codes[0]] if year_col is not None else None,
            year_cols=np.full(size, year_col) if year_col is not None else None,
            periods=periods_out, notes=notes, col_notes=col_notes, coded=coded,
            cell_reads=cell_reads,
        ))
    ]  # fmt: skip


def _title(grid: np.ndarray, header: int, sheet: str, value_headers: list) -> str:
    """A title line above the header (``07459: Population, by …``), the only value
    column's header, or the sheet (file) name."""
    for r in range(header):
        text = next((str(c).strip() for c in grid[r] if isinstance(c, str) and c.strip()), "")
        if text and not text.endswith(":"):
            return re.sub(r",\s*(etter|by)\s.*$", "", text, flags=re.S)
    if len(value_headers) == 1:
        found = header_period(str(value_headers[0]).strip())
        return (found[2] if found else str(value_headers[0]).strip()) or sheet
    return re.sub(r"\.(csv|txt|tsv)$", "", sheet, flags=re.I)
