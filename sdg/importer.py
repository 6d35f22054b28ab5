"""The indicator import (issue 5): file → mapping → validation → preview → one commit.

Steps, each a pure function except where the store is named:

1. :func:`read_file` — :func:`sdg.ingest.parse_file` with the municipality names the
   store knows (any year 2013–2024), plus the file's sha256.
2. :func:`series_table` — what was detected: one *series* per table and measure (a
   Udir export has two: ``Grunnskolepoeng`` and ``Antall elever``).
3. :func:`default_mapping` — each series → an indicator id: an existing indicator
   whose id or name equals the series' measure or title (case-insensitive), else a
   new :class:`NewIndicator` (direction 0 "not set", aggregation ``none``).
   :func:`suggest_indicator` and :func:`suggest_targets` rank the catalogue by token
   overlap for the wizard.
4. :func:`plan_import` — all problems at once (the reader's cell problems, unknown
   regions, names that are no municipality in that year, years outside
   1990–next year, duplicate rows with different values) and the conflicts with the
   database (old → new; not errors: the import supersedes them).
5. :func:`commit` — one transaction through :meth:`sdg.store.Store.commit_import`;
   refused while there are problems. Undo and redo are
   :meth:`~sdg.store.Store.set_batch_state`.

Region labels: a code written in the label is used as written (``0220`` stays the old
Asker code in 2019 data); a name becomes the code valid *in that row's year*
(``Horten`` 2015 → 0701, 2020 → 3801), from ``store.municipalities(current_only=False)``.
Duplicate rows with the same value and symbol (the same figure on two sheets) are
kept once and are not problems. Grunnskolepoeng and the number of pupils of a Udir
export are two series mapped to two indicators (``grunnskolepoeng`` and
``elever_10_trinn``), as in the seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import PurePath
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa

from sdg.auth import Actor
from sdg.errors import InvalidInput, NotFound
from sdg.escape import clean_text
from sdg.i18n import LANGS, PerLanguage
from sdg.ingest import ParseResult, code_from_label, parse_file
from sdg.ingest.limits import Limits
from sdg.ingest.problems import Problems
from sdg.ingest.read import MAX_BYTES
from sdg.ingest.regions import aggregate_reason, fold, known_index, name_parts, normalise_name
from sdg.sandbox import run_outcome

YEAR_MIN = 1990
#: SSB region codes outside the municipalities (Svalbard 21xx, Jan Mayen 22xx,
#: the continental shelf 23xx): skipped like county and national totals.
SVALBARD = r"^2[123]\d\d$"
#: Columns of :attr:`Plan.problems` shown to the user.
PROBLEM_VIEW = ("sheet", "row", "column", "value", "reason", "reason_en")
_TOKEN = re.compile(r"[0-9a-zæøå]+")
_STOP = frozenset({"i", "og", "av", "på", "per", "for", "med", "til", "the", "of", "and",
                   "in", "a", "en", "et", "som", "år", "prosent", "antall"})  # fmt: skip


def year_max(today: dt.date | None = None) -> int:
    """The latest year accepted: next year (budgets and projections)."""
    return (today or dt.date.today()).year + 1


# ----------------------------------------------------------------- 1 read the file
@dataclass(frozen=True)
class FileRead:
    """A parsed file with what the batch record needs."""

    file_name: str
    sha256: str
    result: ParseResult
    #: Peak resident memory of the child process that parsed the file (MB).
    peak_mb: float | None = None

    @cached_property
    def codes(self) -> tuple[TableCodes, ...]:
        """:func:`table_codes` of each table of :attr:`result`, computed on first use:
        the detection (:func:`detected_series`) and the validation share them."""
        return tuple(table_codes(i, t.column, t.coded)
                     for i, t in enumerate(self.result.tables))


def sha256_of(data: bytes) -> str:
    """Hex sha256 of the file.

    >>> sha256_of(b"abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(data).hexdigest()


def known_names(history: pd.DataFrame) -> dict[str, str]:
    """Name → code for the reader's detection (the newest code of each name).

    The code actually stored for a name is chosen by year in :func:`resolve_regions`.

    >>> h = pd.DataFrame({"code": ["0701", "3801"], "name": ["Horten", "Horten"],
    ...                   "valid_from": [2013, 2018], "valid_to": [2017, None]})
    >>> known_names(h)
    {'Horten': '3801'}
    """
    ordered = history.sort_values("valid_from", kind="stable")
    return dict(zip(ordered["name"], ordered["code"], strict=True))


def read_file(data: bytes, file_name: str,
              history: pd.DataFrame | Future | Callable[[], pd.DataFrame], *,
              sheet: str | None = None, max_bytes: int = MAX_BYTES,
              year: int | None = None, limits: Limits | None = None) -> FileRead:
    """Read an upload with :func:`sdg.ingest.parse_file` (raises InvalidInput).

    ``year`` is the user's year for a long table that names no period. The parse runs
    in a child process (:func:`sdg.sandbox.run_isolated`) with the memory and time of
    ``limits`` (default :meth:`Limits.from_env`): a file that exhausts them is refused
    with "Filen er for stor eller ødelagt" and the calling process (the app server) is
    untouched. ``history`` (all municipalities) may be a :class:`~concurrent.futures.Future`
    of it, or a function returning it, called once the child has the file: the child
    starts reading at once and gets the names when they are there (an error of the
    future or the function is raised as it is).
    """
    limits = limits or Limits.from_env()
    if isinstance(history, Future) or callable(history):  # built here, not on the child's time
        get = history.result if isinstance(history, Future) else history
        names = {"later": {"known_codes": lambda: known_index(known_names(get()))}}
    else:
        names = {"known_codes": known_names(history)}
    with ThreadPoolExecutor(max_workers=1) as pool:  # hashed while the child parses
        digest = pool.submit(sha256_of, data)
        outcome = run_outcome(parse_file, data, file_name, sheet=sheet, max_bytes=max_bytes,
                              year=year, limits=limits, file=PurePath(file_name).name,
                              memory_mb=limits.memory_mb, timeout_s=limits.timeout_s,
                              **names)
        return FileRead(file_name, digest.result(), outcome.value, outcome.peak_mb)


# ------------------------------------------------------------------- 2 detection
def series_key(table: int, measure: object) -> str:
    """Key of one series: table index and measure.

    >>> series_key(0, None), series_key(2, "Antall elever")
    ('0', '2|Antall elever')
    """
    return str(table) if measure is None or measure != measure else f"{table}|{measure}"


def measure_keys(table: int, measure: pd.Series) -> tuple[pd.Series, dict[str, str | None]]:
    """The series key of every row of a table, and key → measure of each series.

    >>> keys, measures = measure_keys(1, pd.Series(["a", None, "a"], dtype=object))
    >>> keys.tolist(), measures
    (['1|a', '1', '1|a'], {'1|a': 'a', '1': None})
    """
    codes, names, distinct = _measure_codes(table, measure)
    return pd.Series(names[codes], index=measure.index), distinct


def _measure_codes(table: int, measure: pd.Series,
                   coded: tuple[np.ndarray, np.ndarray] | None = None
                   ) -> tuple[np.ndarray, np.ndarray, dict[str, str | None]]:
    """:func:`measure_keys` as codes into the distinct keys (``names``; code -1, no
    measure, is the last name), and key → measure (``coded``: the column as codes,
    see :func:`factorized`)."""
    codes, uniques = factorized(measure, coded)
    uniques = uniques.tolist()
    names = np.array([series_key(table, m) for m in uniques] + [str(table)], dtype=object)
    distinct = {names[i]: str(u) for i, u in enumerate(uniques)}
    if (codes < 0).any():
        distinct[str(table)] = None
    return codes, names, distinct


@dataclass(frozen=True)
class TableCodes:
    """One table's series and written regions as codes (:func:`table_codes`)."""

    #: Each row's series as a code into ``keys`` (no measure: the last key).
    series: np.ndarray
    #: The series keys (:func:`series_key`; the last one: the table without a measure).
    keys: np.ndarray
    #: Key → measure of each series present, in the order of its first row.
    measures: dict[str, str | None]
    #: Each row's ``municipality`` as a code into ``regions`` (-1: none).
    region: np.ndarray
    #: The distinct ``municipality`` values.
    regions: np.ndarray
    #: Each row's ``region_label`` as a code into ``labels`` (-1: none).
    label: np.ndarray
    #: The distinct ``region_label`` values.
    labels: np.ndarray


def factorized(values: pd.Series, coded: tuple[np.ndarray, np.ndarray] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """``pandas.factorize(values)`` (codes in order of first appearance, -1 for a
    missing value; the distinct values as an object array), from ``coded`` when the
    reader gave the column as codes (``(distinct, index)``, ``values`` being
    ``distinct[index]``: :attr:`sdg.ingest.model.ParsedTable.coded`): the integer
    codes are factorized, and only their distinct values as texts. Tested against
    the plain ``pandas.factorize`` (``tests/test_importer_fast.py``).

    >>> codes, uniques = factorized(None, (np.array(["b", "a", None, "b"], dtype=object),
    ...                                    np.array([3, 1, 1, 2, 0])))
    >>> codes.tolist(), uniques.tolist()
    ([0, 1, 1, -1, 0], ['b', 'a'])
    """
    if coded is None:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes, np.asarray(uniques, dtype=object)
    distinct, index = coded
    dense, used = pd.factorize(index)  # integers: no missing value
    again, uniques = pd.factorize(pd.Series(distinct[used], dtype=object),
                                  use_na_sentinel=True)
    return again[dense], np.asarray(uniques, dtype=object)


def table_codes(table: int, data: pd.DataFrame | Callable[[str], pd.Series],
                coded: dict[str, tuple[np.ndarray, np.ndarray]] | None = None) -> TableCodes:
    """The series (:func:`_measure_codes`) and the written municipality of each row of
    table number ``table`` as codes: each column is factorized once per file read
    (from the reader's codes where it gave them, ``coded``: :func:`factorized`).
    ``data`` is the table's frame, or gives its columns by name
    (:meth:`~sdg.ingest.model.ParsedTable.column`: a column the codes give is not
    built).

    >>> c = table_codes(0, pd.DataFrame({"measure": ["a", None, "a"],
    ...                                  "municipality": ["0301", "0301", None],
    ...                                  "region_label": ["Oslo", "0301", "Landet"]}))
    >>> c.series.tolist(), c.keys.tolist(), c.region.tolist(), c.regions.tolist()
    ([0, 1, 0], ['0|a', '0'], [0, 0, -1], ['0301'])
    >>> c.label.tolist(), c.labels.tolist()
    ([0, 1, 2], ['Oslo', '0301', 'Landet'])
    """
    coded = coded or {}
    column = data.__getitem__ if isinstance(data, pd.DataFrame) else data

    def of(name: str) -> tuple[pd.Series | None, tuple[np.ndarray, np.ndarray] | None]:
        return (None, coded[name]) if name in coded else (column(name), None)

    codes, keys, measures = _measure_codes(table, *of("measure"))
    region, regions = factorized(*of("municipality"))
    label, labels = factorized(*of("region_label"))
    return TableCodes(np.where(codes < 0, len(keys) - 1, codes), keys, measures, region,
                      regions, label, labels)


def series_table(result: ParseResult, codes: tuple[TableCodes, ...] | None = None
                 ) -> pd.DataFrame:
    """One row per detected series: key, sheet, layout, title, measure, unit, source,
    rows, regions, years (``first–last``) and the label of the series for the wizard.

    Per table, one grouping of its rows by series (tested against
    :func:`_series_table_reference`); ``codes`` are the tables' :func:`table_codes`
    when the caller has them (:attr:`FileRead.codes`).
    """
    rows = []
    for i, table in enumerate(result.tables):
        c = codes[i] if codes is not None else table_codes(i, table.column, table.coded)
        names, measures = c.keys, c.measures
        count, first, last, regions = _group_counts(
            c.series, len(names), table.column("year").to_numpy(), c.region, len(c.regions))
        code_of = {name: c for c, name in enumerate(names)}
        for key, measure in measures.items():
            c = code_of[key]
            rows.append(_series_row(i, table, measure, int(count[c]), int(regions[c]),
                                    first[c], last[c]))
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


def _group_stats(codes: np.ndarray, k: int, years: np.ndarray, regions: pd.Series
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per group ``0..k-1`` of ``codes``: rows, first and last year and distinct
    regions (missing regions not counted), in NumPy.

    >>> n, lo, hi, r = _group_stats(np.array([0, 1, 0, 0]), 2, np.array([2020, 2019, 2018, 2021]),
    ...                             pd.Series(["a", "b", None, "a"], dtype=object))
    >>> n.tolist(), lo.tolist(), hi.tolist(), r.tolist()
    ([3, 1], [2018, 2019], [2021, 2019], [1, 1])
    """
    region_codes, distinct = pd.factorize(regions.to_numpy(dtype=object))
    return _group_counts(codes, k, years, region_codes, len(distinct))


def _group_counts(codes: np.ndarray, k: int, years: np.ndarray, region_codes: np.ndarray,
                  n_regions: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_group_stats` of regions given as codes ``0..n_regions-1`` (-1: none)."""
    count = np.bincount(codes, minlength=k)
    first, last = _first_last(codes, k, years.astype(np.int64))
    named = region_codes >= 0
    return count, first, last, _distinct_per_group(codes[named], k, region_codes[named],
                                                   n_regions)


_DENSE = 1 << 22  # a group × value table up to this many cells is a bit mask


def _first_last(codes: np.ndarray, k: int, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest year of each group (a group without rows: the int64 limits)."""
    lo, hi = (int(years.min()), int(years.max())) if len(years) else (0, 0)
    span = hi - lo + 1
    if k * span > _DENSE:
        first = np.full(k, np.iinfo(np.int64).max, dtype=np.int64)
        last = np.full(k, np.iinfo(np.int64).min, dtype=np.int64)
        np.minimum.at(first, codes, years)
        np.maximum.at(last, codes, years)
        return first, last
    seen = np.zeros((k, span), dtype=bool)
    seen[codes, years - lo] = True
    some = seen.any(axis=1)
    first = np.where(some, lo + seen.argmax(axis=1), np.iinfo(np.int64).max)
    last = np.where(some, hi - seen[:, ::-1].argmax(axis=1), np.iinfo(np.int64).min)
    return first, last


def _distinct_per_group(codes: np.ndarray, k: int, values: np.ndarray, n: int) -> np.ndarray:
    """How many distinct ``values`` (codes ``0..n-1``) each group ``0..k-1`` holds."""
    if k * n <= _DENSE:
        seen = np.zeros((k, max(n, 1)), dtype=bool)
        seen[codes, values] = True
        return seen.sum(axis=1)
    pairs = np.unique(codes.astype(np.int64) * n + values)
    return np.bincount(pairs // n, minlength=k)


SERIES_COLUMNS = ["key", "table", "sheet", "layout", "title", "measure", "unit", "source",
                  "rows", "regions", "years", "label"]


def _series_row(i: int, table, measure, rows: int, regions: int, first, last) -> dict:
    """One row of :func:`series_table` (shared with its reference)."""
    return {"key": series_key(i, measure), "table": i, "sheet": table.sheet,
            "layout": table.layout, "title": table.title, "measure": measure,
            "unit": table.unit, "source": table.source, "rows": rows, "regions": regions,
            "years": f"{first}–{last}", "label": series_label(table.title, measure)}


def _series_table_reference(result: ParseResult) -> pd.DataFrame:
    """The reference implementation of :func:`series_table`: each series selected
    from its table by comparing every row's key."""
    rows = []
    for i, table in enumerate(result.tables):
        data = table.data
        keys, measures = measure_keys(i, data["measure"])
        key_of_row = keys.to_numpy()
        for key, measure in measures.items():
            sel = key_of_row == key if len(measures) > 1 else slice(None)
            years = data["year"].to_numpy()[sel]
            rows.append(_series_row(i, table, measure, len(years),
                                    data["municipality"][sel].nunique(),
                                    years.min(), years.max()))
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


def detected_series(fr: FileRead) -> pd.DataFrame:
    """:func:`series_table`, or :class:`InvalidInput` saying why the file has none."""
    series = series_table(fr.result, fr.codes)
    if series.empty:
        problems = fr.result.problems.head(3)  # e.g. formulas without values
        why = PerLanguage({lang: " ".join(
            [e.message(lang) for e in fr.result.explanations]
            + problems["reason_en" if lang == "en" else "reason"].tolist()) for lang in LANGS})
        raise InvalidInput("importer.err.no_series", file=fr.file_name, why=why)
    return series


def series_label(title: str, measure: str | None) -> str:
    """The name a new indicator for a series gets.

    >>> series_label("Grunnskolepoeng", "Antall elever"), series_label("Folketall", None)
    ('Grunnskolepoeng – Antall elever', 'Folketall')
    >>> series_label("Netto driftsresultat (%)", "Netto driftsresultat (%)")
    'Netto driftsresultat (%)'
    """
    if not measure or measure == title:
        return title
    return f"{title} – {measure}"


# --------------------------------------------------------------------- 3 mapping
@dataclass(frozen=True)
class NewIndicator:
    """An indicator the import creates (the wizard lets the user fill in the rest).

    ``direction`` 0 means "not set yet"; ``aggregation`` is the merger rule
    (``sum``, ``weighted`` with a ``denominator`` indicator, or ``none``).
    """

    id: str
    name_nb: str
    name_en: str
    unit_nb: str | None = None
    unit_en: str | None = None
    direction: int = 0
    aggregation: str = "none"
    denominator: str | None = None
    source: str | None = None
    targets: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Control characters (NUL, escapes, bidi overrides) are stripped from the
        texts, wherever the indicator comes from (the file or the wizard's fields).

        >>> NewIndicator("x\\x00", "Folke\\x00tall", "Pop\\u202eulation").name_nb
        'Folketall'
        """
        for name in ("id", "name_nb", "name_en", "unit_nb", "unit_en", "source"):
            object.__setattr__(self, name, clean_text(getattr(self, name)))


@dataclass
class Mapping:
    """Series key → indicator id, the new indicators, and the series left out."""

    assign: dict[str, str]
    new: dict[str, NewIndicator] = field(default_factory=dict)

    def indicators(self) -> list[str]:
        return sorted(set(self.assign.values()))


def tokens(text: object) -> set[str]:
    """Words of a title for similarity, without stop words and unit words.

    >>> sorted(tokens("Andel sysselsatte i befolkningen (prosent)"))
    ['andel', 'befolkningen', 'sysselsatte']
    """
    return set(_TOKEN.findall(str(text or "").casefold())) - _STOP


def similarity(a: object, b: object) -> float:
    """Token overlap (Jaccard) of two titles, 0–1.

    >>> similarity("Grunnskolepoeng", "Gjennomsnittlige grunnskolepoeng")
    0.5
    >>> similarity("Folketall", "Klimagassutslipp")
    0.0
    """
    ta, tb = tokens(a), tokens(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def suggest_indicator(title: str, indicators: pd.DataFrame, threshold: float = 0.3
                      ) -> str | None:
    """The existing indicator most similar to ``title`` (names nb/en), if any is close.

    >>> ind = pd.DataFrame({"id": ["grunnskolepoeng", "befolkning"],
    ...                     "name_nb": ["Grunnskolepoeng", "Folkemengde 1. januar"],
    ...                     "name_en": ["Exit points", "Population"]})
    >>> suggest_indicator("Grunnskolepoeng, gjennomsnitt", ind), suggest_indicator("Vann", ind)
    ('grunnskolepoeng', None)
    """
    if indicators.empty:
        return None
    scores = [max(similarity(title, r.name_nb), similarity(title, r.name_en))
              for r in indicators.itertuples()]
    best = int(np.argmax(scores))
    return str(indicators["id"].iloc[best]) if scores[best] >= threshold else None


def suggest_targets(title: str, ks: pd.DataFrame, top: int = 3, min_score: float = 0.0
                    ) -> list[str]:
    """SDG targets of the KS catalogue entries most similar to ``title`` (token overlap
    above ``min_score``; the wizard asks for a good match).

    ``ks`` is ``store.ks_indicators()`` (``title`` and ``targets`` as ``'4.1, 4.2'``).

    >>> ks = pd.DataFrame({"title": ["Grunnskolepoeng", "Utslipp av klimagasser"],
    ...                    "targets": ["4.1", "13.2"]})
    >>> suggest_targets("Gjennomsnittlige grunnskolepoeng", ks)
    ['4.1']
    """
    if ks.empty:
        return []
    scores = ks["title"].map(lambda t: similarity(title, t))
    best = ks.assign(score=scores).query("score > @min_score").nlargest(top, "score")
    found: list[str] = []
    for targets in best["targets"].dropna():
        found += [t for t in (x.strip() for x in targets.split(",")) if t and t not in found]
    return found


def slug(text: str) -> str:
    """An indicator id from a name.

    >>> slug("Andel sysselsatte 15–74 år (prosent)")
    'andel_sysselsatte_15_74_ar_prosent'
    """
    table = str.maketrans({"æ": "ae", "ø": "o", "å": "a"})
    words = re.findall(r"[a-z0-9]+", text.casefold().translate(table))
    return "_".join(words)[:60].strip("_") or "indikator"


def new_indicator_for(series: pd.Series, taken: set[str]) -> NewIndicator:
    """A new indicator for one series row of :func:`series_table`, with a free id."""
    base = slug(series["label"])
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}_{n}", n + 1
    unit = series["unit"] if isinstance(series["unit"], str) else None
    source = series["source"] if isinstance(series["source"], str) else None
    return NewIndicator(ident, series["label"], "", unit, unit, source=source)  # no English name


def default_mapping(series: pd.DataFrame, indicators: pd.DataFrame,
                    indicator: str | None = None) -> Mapping:
    """Each series → ``indicator`` when given, else an existing indicator whose id or
    name equals the measure or label (or the title of a table with one series;
    case-insensitive), else a new one.

    Series with the same label share one new indicator (one SSB table on three sheets).
    Raises :class:`NotFound` when ``indicator`` does not exist.
    """
    if indicator is not None:
        if indicator not in set(indicators["id"]):
            raise NotFound("importer.err.unknown_indicator", indicator=indicator)
        return Mapping({k: indicator for k in series["key"]})
    by_name: dict[str, str] = {}
    for r in indicators.itertuples():
        for name in (r.id, r.name_nb, r.name_en):
            if isinstance(name, str):
                by_name.setdefault(name.strip().casefold(), r.id)
    taken = set(indicators["id"])
    mapping = Mapping({})
    new_by_label: dict[str, str] = {}
    per_table = series["table"].value_counts()
    for _, s in series.iterrows():
        names = [s["measure"], s["label"]]
        if per_table[s["table"]] == 1:  # the title names the table's only series
            names.append(s["title"])
        hit = next((by_name[n.strip().casefold()] for n in names
                    if isinstance(n, str) and n.strip().casefold() in by_name), None)
        if hit is None and s["label"] in new_by_label:
            hit = new_by_label[s["label"]]
        if hit is None:
            spec = new_indicator_for(s, taken)
            taken.add(spec.id)
            mapping.new[spec.id] = spec
            new_by_label[s["label"]] = hit = spec.id
        mapping.assign[s["key"]] = hit
    return mapping


# ------------------------------------------------------------------ 4 validation
@dataclass
class Plan:
    """What an import would write, and why it may not.

    ``rows`` (municipality, indicator, year, value, status_symbol, note) is what
    :func:`commit` inserts; ``problems`` blocks the commit; ``conflicts`` (old → new
    values already in the database) and ``same_file`` (active batches of the same
    file and indicators) are for the user to see.
    """

    file_name: str
    sha256: str
    sheet: str
    layout: str
    rows: pd.DataFrame
    problems: pd.DataFrame
    conflicts: pd.DataFrame
    new_indicators: list[NewIndicator]
    same_file: list[int]
    unchanged: int = 0
    skipped_aggregates: int = 0
    #: Rows of the file read and not imported, with why (sheet, src_row, src_col,
    #: reason_key): aggregates, districts, regions that did not exist that year …
    skipped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=list(SKIPPED_COLUMNS)))
    #: The problems left out by :func:`partial_plan` (empty for a whole import).
    left_out: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        """True when the plan can be committed (no problems, at least one row)."""
        return self.problems.empty and not self.rows.empty

    @property
    def unlisted(self) -> int:
        """Cells left out with a problem past the list (the first
        :data:`LISTED_PER_KIND` problems of a kind are listed): the wizard and the
        command line count them with the listed ones."""
        if self.skipped.empty:
            return 0
        return int((self.skipped["reason_key"] == "importer.skip.problem_unlisted").sum())

    @property
    def problem_cells(self) -> int:
        """Every cell with a problem: the listed ones and :attr:`unlisted`."""
        return len(self.problems) + self.unlisted

    def summary(self) -> pd.DataFrame:
        """Rows per indicator (for the preview and the CLI's one-line summary)."""
        return (self.rows.groupby("indicator").size().rename("rows").reset_index()
                if not self.rows.empty else pd.DataFrame({"indicator": [], "rows": []}))


def _name_periods(history: pd.DataFrame) -> dict[str, list[tuple[int, int, str, str]]]:
    """Normalised name → [(first year, last year, code, county)]; 2013 means "2013 or
    earlier". Names without diacritics and each part of a Sámi name are keys too
    (after the full names, so they never hide one)."""
    periods: dict[str, list[tuple[int, int, str, str]]] = {}
    extra: dict[str, list[tuple[int, int, str, str]]] = {}
    for r in history.itertuples():
        first = -10_000 if r.valid_from <= 2013 else int(r.valid_from)
        last = 10_000 if pd.isna(r.valid_to) else int(r.valid_to)
        county = str(getattr(r, "county_name", "") or "").casefold()
        span = (first, last, r.code, county)
        key = normalise_name(r.name)
        periods.setdefault(key, []).append(span)
        extra.setdefault(fold(key), []).append(span)
        for part in re.split(r"\s+[-–—]\s+", r.name):
            extra.setdefault(normalise_name(part), []).append(span)
    for key, spans in extra.items():
        periods.setdefault(key, spans)
        periods["~" + key] = spans  # as an alias: used when no full name covers the year
    return periods


def _spans_for(label: str, periods: dict, year: int) -> list[tuple[int, int, str, str]]:
    """The spans of a name, narrowed by a county in parentheses (``Våler (Innlandet)``)
    and a validity note (``Asker (2020-2023)``). When the full name has no span that
    covers ``year``, a part of a Sámi name that has one is used (FHI writes 2013's
    ``Hammerfest`` where the list has ``Hammerfest - Hámmárfeasta`` from 2020)."""
    key, county, validity = name_parts(label)
    keys = [key, fold(key), normalise_name(label)]
    keys += [normalise_name(p) for p in re.split(r"\s+[-–—]\s+|\s+", label.strip()) if p]
    keys = list(dict.fromkeys(keys))
    found = [periods[k] for k in keys + ["~" + k for k in keys] if k in periods]
    spans = found[0] if found else []
    if found and not any(a <= year <= b for a, b, _, _ in spans):
        covering = [f for f in found if any(a <= year <= b for a, b, _, _ in f)]
        spans = covering[0] if covering else spans
    if county:
        by_county = [s for s in spans if s[3] and (s[3] in county or county in s[3])]
        spans = by_county or spans
    if validity:
        lo, hi = validity
        inside = [s for s in spans if s[0] <= hi and s[1] >= lo]
        spans = inside or spans
    return spans


def resolve_regions(data: pd.DataFrame, history: pd.DataFrame
                    ) -> tuple[pd.Series, pd.Series]:
    """Codes by year for the reader's rows, and why a row has none.

    A code in the label is kept as written; a name becomes the code valid in the row's
    year (a name that did not exist that year: the code of its nearest period, as
    when FHI publishes earlier years on today's borders). Returns ``(codes, reason)``:
    ``reason`` is None (fine), ``aggregate`` (no municipality and not a problem: the
    reader already reported unknown labels; Svalbard codes), ``unknown_code`` or
    ``ambiguous`` (two municipalities of that name that year).

    Each distinct label, code and (name, year) pair is looked at once, the rows in
    NumPy (:func:`_region_codes`, tested against :func:`_resolve_regions_reference`).

    >>> h = pd.DataFrame({"code": ["0701", "3801", "1515", "1818"],
    ...                   "name": ["Horten", "Horten", "Herøy", "Herøy"],
    ...                   "valid_from": [2013, 2018, 2013, 2013], "valid_to": [2017, None, None, None]})
    >>> d = pd.DataFrame({"region_label": ["Horten", "Horten", "9999", "Herøy", "2100", "Landet"],
    ...                   "municipality": ["3801", "3801", "9999", "1515", "2100", None],
    ...                   "year": [2015, 2020, 2020, 2020, 2020, 2020]})
    >>> codes, why = resolve_regions(d, h)
    >>> codes.tolist()
    ['0701', '3801', None, None, None, None]
    >>> why.tolist()
    [None, None, 'unknown_code', 'ambiguous', 'aggregate', 'aggregate']
    """
    codes, names, reason = _region_codes(data, history)
    out = np.append(names, None)[codes]  # code -1: None
    return (pd.Series(out, index=data.index, dtype=object),
            pd.Series(np.array(REGION_REASONS, dtype=object)[reason], index=data.index,
                      dtype=object))


#: The reasons of :func:`resolve_regions` by their code in :func:`_region_codes`.
REGION_REASONS = (None, "aggregate", "unknown_code", "ambiguous")


def _region_codes(data: pd.DataFrame, history: pd.DataFrame,
                  written: tuple[np.ndarray, np.ndarray] | None = None,
                  labelled: tuple[np.ndarray, np.ndarray] | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`resolve_regions` as codes: ``(codes, names, reason)``, ``names[codes]``
    the code of each row (code -1: none; ``names`` distinct, so that equal codes are
    equal regions) and ``reason`` per row as a code into :data:`REGION_REASONS` (0:
    fine). ``written`` is the ``municipality`` column factorized (codes, distinct
    values) and ``labelled`` the ``region_label`` column, when the caller has them.

    >>> h = pd.DataFrame({"code": ["0701", "3801"], "name": ["Horten", "Horten"],
    ...                   "valid_from": [2013, 2018], "valid_to": [2017, None]})
    >>> d = pd.DataFrame({"region_label": ["Horten", "0701", "Horten", "Landet"],
    ...                   "municipality": ["3801", "0701", "3801", None],
    ...                   "year": [2015, 2015, 2020, 2020]})
    >>> codes, names, why = _region_codes(d, h)
    >>> codes.tolist(), names.tolist(), why.tolist()
    ([1, 1, 0, -1], ['3801', '0701'], [0, 0, 0, 1])
    """
    known = set(history["code"])
    svalbard = re.compile(SVALBARD)
    # Each distinct label and code is looked at once (100,000 rows have a few hundred).
    label_idx, labels = labelled if labelled is not None else pd.factorize(
        data["region_label"])
    has_code = np.array([code_from_label(u) is not None for u in labels] + [False])[label_idx]
    code_idx, names = written if written is not None else pd.factorize(data["municipality"])
    names = np.asarray(names, dtype=object)
    why = [0 if u in known else 1 if svalbard.match(str(u)) else 2 for u in names]
    reason = np.array(why + [1], dtype=np.int8)[code_idx]  # -1, no code: an aggregate
    codes = np.where(reason == 0, code_idx, -1)
    named = ~has_code & (code_idx >= 0)
    if not named.any():  # every label carries its code (the template, Statbank)
        return codes, names, reason
    rows = np.flatnonzero(named)
    years = data["year"].to_numpy()[rows]
    year_idx, year_uniq = pd.factorize(years)
    pair_idx, pairs = pd.factorize((label_idx[rows].astype(np.int64) + 1) * len(year_uniq)
                                   + year_idx)
    _, first = np.unique(pair_idx, return_index=True)  # the first row of each pair
    first_labels = data["region_label"].iloc[rows[first]].to_numpy(dtype=object)
    periods = _name_periods(history)
    index = {name: i for i, name in enumerate(names.tolist())}
    found_code, found_why = [], []
    for label, year in zip(first_labels.tolist(), years[first].tolist(), strict=True):
        spans = _spans_for(str(label), periods, int(year))
        hits = {c for a, b, c, _ in spans if a <= year <= b}
        if not hits and spans:  # figures on later (or earlier) borders: nearest period
            gap = min(min(abs(year - a), abs(year - b)) for a, b, _, _ in spans)
            hits = {c for a, b, c, _ in spans if min(abs(year - a), abs(year - b)) == gap}
        if len(hits) == 1:
            found_code.append(index.setdefault(hits.pop(), len(index)))
            found_why.append(0)
        else:
            found_code.append(-1)
            found_why.append(REGION_REASONS.index("ambiguous"))
    names = np.array(list(index), dtype=object)
    codes[rows] = np.array(found_code, dtype=np.intp)[pair_idx]
    reason[rows] = np.array(found_why, dtype=np.int8)[pair_idx]
    return codes, names, reason


def _resolve_regions_reference(data: pd.DataFrame, history: pd.DataFrame
                               ) -> tuple[pd.Series, pd.Series]:
    """The reference implementation of :func:`resolve_regions`: each (name, year)
    pair found in a dictionary, the rows in Python."""
    known = set(history["code"])
    svalbard = re.compile(SVALBARD)
    # Each distinct label and code is looked at once (100,000 rows have a few hundred).
    label_idx, labels = pd.factorize(data["region_label"])
    has_code = np.array([code_from_label(u) is not None for u in labels] + [False])[label_idx]
    written = data["municipality"].to_numpy(dtype=object)
    code_idx, uniq = pd.factorize(written)
    why = [None if u in known else "aggregate" if svalbard.match(str(u)) else "unknown_code"
           for u in uniq]
    code_why = np.array(why + ["aggregate"], dtype=object)[code_idx]  # -1: no code
    named_rows = ~has_code & (code_idx >= 0)
    if not named_rows.any():  # every label carries its code (the template, Statbank)
        out = written.copy()
        out[code_why != None] = None  # noqa: E711 (element-wise)
        return (pd.Series(out, index=data.index, dtype=object),
                pd.Series(code_why, index=data.index, dtype=object))
    codes = pd.Series(written, index=data.index)
    named = pd.Series(named_rows, index=data.index)
    reason = pd.Series(np.where(named, None, code_why), index=data.index, dtype=object)
    if named.any():
        periods = _name_periods(history)
        pairs = data.loc[named, ["region_label", "year"]].drop_duplicates()
        found: dict[tuple[str, int], tuple[str | None, str | None]] = {}
        for label, year in pairs.itertuples(index=False):
            spans = _spans_for(str(label), periods, int(year))
            hits = {c for a, b, c, _ in spans if a <= year <= b}
            if not hits and spans:  # figures on later (or earlier) borders: nearest period
                gap = min(min(abs(year - a), abs(year - b)) for a, b, _, _ in spans)
                hits = {c for a, b, c, _ in spans if min(abs(year - a), abs(year - b)) == gap}
            found[(label, year)] = (hits.pop(), None) if len(hits) == 1 else (None, "ambiguous")
        keys = list(zip(data.loc[named, "region_label"], data.loc[named, "year"], strict=True))
        codes[named] = [found[k][0] for k in keys]
        reason[named] = [found[k][1] for k in keys]
    out = codes.to_numpy(dtype=object, copy=True)
    out[reason.notna().to_numpy()] = None
    return pd.Series(out, index=data.index, dtype=object), reason


def _valid_in(history: pd.DataFrame) -> dict[str, tuple[int, int]]:
    """Code → (first year, last year) it existed; 2013 means "2013 or earlier".

    >>> h = pd.DataFrame({"code": ["0701", "3801", "0701"], "valid_from": [2013, 2020, 2016],
    ...                   "valid_to": [2015, None, 2017]})
    >>> _valid_in(h)
    {'0701': (-10000, 2017), '3801': (2020, 10000)}
    """
    first = history["valid_from"].to_numpy(dtype=np.int64)
    last = history["valid_to"]
    lo = np.where(first <= 2013, -10_000, first).tolist()
    hi = np.where(last.isna().to_numpy(), 10_000,
                  last.fillna(10_000).to_numpy(dtype=float)).astype(np.int64).tolist()
    spans: dict[str, tuple[int, int]] = {}
    for code, a, b in zip(history["code"].tolist(), lo, hi, strict=True):
        old = spans.get(code)
        spans[code] = (min(a, old[0]), max(b, old[1])) if old else (a, b)
    return spans


def invalid_code_reason(code: str, year: int, spans: dict[str, tuple[int, int]]
                        ) -> tuple[str, dict[str, int]]:
    """The problem of a figure under a code that did not exist in ``year``
    (``spans``: :func:`_valid_in`): a code that came later (the figures are likely
    recalculated to later borders, as Udir and SSB's "b2024" tables do), one that had
    ended, or neither (a period reaching outside the code's years).

    >>> spans = {"1108": (2020, 10_000), "0220": (-10_000, 2019)}
    >>> invalid_code_reason("1108", 2005, spans)
    ('importer.problem.code_later', {'year': 2005, 'since': 2020})
    >>> invalid_code_reason("0220", 2021, spans)
    ('importer.problem.code_ended', {'year': 2021, 'until': 2019})
    >>> invalid_code_reason("1108", 2021, spans)[0]
    'importer.problem.code_not_valid'
    """
    first, last = spans.get(code, (-10_000, 10_000))
    if year < first:
        return "importer.problem.code_later", {"year": year, "since": first}
    if year > last:
        return "importer.problem.code_ended", {"year": year, "until": last}
    return "importer.problem.code_not_valid", {"year": year}


def period_start(period: object, year: int) -> int:
    """First year of a period as written (``2023-24`` → 2023, ``2011_2013`` → 2011).

    >>> period_start("2023-24", 2024), period_start("2015", 2015), period_start(None, 2019)
    (2023, 2015, 2019)
    """
    m = re.match(r"^\s*(\d{4})", str(period)) if period is not None else None
    return min(int(m.group(1)), year) if m else year


def existing_in_period(data: pd.DataFrame, history: pd.DataFrame) -> np.ndarray:
    """True where the row's code existed in some year of the row's period (a school
    year 2023-24 may carry the codes of 2023): with ``start`` the period's first year
    (:func:`period_start`) and ``lo``–``hi`` the years of the code, ``start <= hi``
    and ``year >= lo``. Codes the history does not know (and no code) count as
    existing. Each distinct code and period is looked at once, the rows in NumPy
    (tested against :func:`_existing_in_period_reference`).

    >>> h = pd.DataFrame({"code": ["3801", "0701"], "valid_from": [2020, 2013],
    ...                   "valid_to": [None, 2017]})
    >>> d = pd.DataFrame({"municipality": ["3801", "3801", "0701", None],
    ...                   "year": [2015, 2021, 2016, 2016], "period": ["2015", "2021", "2016", "2016"]})
    >>> existing_in_period(d, h).tolist()
    [False, True, True, True]
    """
    codes, names = pd.factorize(data["municipality"])
    return _existing_codes(codes, np.asarray(names, dtype=object), data["year"].to_numpy(),
                           data["period"] if "period" in data else None, _valid_in(history))


def _existing_codes(codes: np.ndarray, names: np.ndarray, years: np.ndarray,
                    period: pd.Series | None, spans: dict[str, tuple[int, int]]
                    ) -> np.ndarray:
    """:func:`existing_in_period` of rows given as codes into ``names`` (-1: no code),
    their years and periods, with ``spans`` from :func:`_valid_in`."""
    span = [spans.get(c) if isinstance(c, str) else None for c in names.tolist()]
    known = np.array([s is not None for s in span] + [False], dtype=bool)[codes]
    lo = np.array([s[0] if s else 0 for s in span] + [0], dtype=np.int64)[codes]
    hi = np.array([s[1] if s else 0 for s in span] + [0], dtype=np.int64)[codes]
    years = years.astype(np.int64)
    # The period's start is never after the row's year: a row whose year is in the
    # code's years exists whatever its period; only the others' periods are read.
    exists = ~known | ((years <= hi) & (years >= lo))
    later = np.flatnonzero(~exists & (years >= lo))
    if period is not None and len(later):
        pi, pu = pd.factorize(period.iloc[later])
        first = np.array([_first_year(p) for p in np.asarray(pu, dtype=object).tolist()]
                         + [np.inf], dtype=float)[pi]
        start = np.minimum(first, years[later])  # no year in the period (inf): the year
        exists[later] = start <= hi[later]
    return exists


def _first_year(period: object) -> float:
    """The first year written in a period (``2023-24`` → 2023), inf when none.

    >>> _first_year("2023-24"), _first_year(None), _first_year("x")
    (2023.0, inf, inf)
    """
    m = re.match(r"^\s*(\d{4})", str(period)) if period is not None else None
    return float(m.group(1)) if m else np.inf


def _existing_in_period_reference(data: pd.DataFrame, history: pd.DataFrame) -> np.ndarray:
    """The reference implementation of :func:`existing_in_period`: each distinct
    (code, year, period) looked at in Python.

    >>> h = pd.DataFrame({"code": ["3801", "0701"], "valid_from": [2020, 2013],
    ...                   "valid_to": [None, 2017]})
    >>> d = pd.DataFrame({"municipality": ["3801", "3801", "0701", None],
    ...                   "year": [2015, 2021, 2016, 2016], "period": ["2015", "2021", "2016", "2016"]})
    >>> existing_in_period(d, h).tolist()
    [False, True, True, True]
    """
    spans = _valid_in(history)
    period = data["period"] if "period" in data else pd.Series(None, index=data.index)
    mi, mu = pd.factorize(data["municipality"].astype(object), use_na_sentinel=False)
    yi, yu = pd.factorize(data["year"])
    pi, pu = pd.factorize(period.astype(object), use_na_sentinel=False)
    combined = (mi.astype(np.int64) * len(yu) + yi) * len(pu) + pi
    keys, idx = np.unique(combined, return_inverse=True)
    mu, yu, pu = (np.asarray(u, dtype=object).tolist() for u in (mu, yu, pu))
    n_y, n_p = len(yu), len(pu)
    uniq = [(mu[k // (n_y * n_p)], yu[k // n_p % n_y], pu[k % n_p]) for k in keys.tolist()]
    idx = idx.reshape(-1)
    out = []
    for code, year, per in uniq:
        if code is None or code != code or code not in spans:
            out.append(True)
            continue
        lo, hi = spans[code]
        start = period_start(per, int(year))
        out.append(start <= hi and int(year) >= lo)
    return np.array(out, dtype=bool)[idx] if out else np.ones(len(data), dtype=bool)


def renumbered(data: pd.DataFrame, history: pd.DataFrame, changes: pd.DataFrame,
               exists: np.ndarray) -> np.ndarray:
    """Codes with each code that did not exist in its row's period replaced by its
    predecessor through one-to-one renumberings that did (else left as written).

    >>> h = pd.DataFrame({"code": ["0906", "4203"], "valid_from": [2013, 2020],
    ...                   "valid_to": [2019, None]})
    >>> ch = pd.DataFrame({"predecessor": ["0906"], "successor": ["4203"], "year": [2020],
    ...                    "kind": ["renumbering"]})
    >>> d = pd.DataFrame({"municipality": ["4203", "4203"], "year": [2016, 2021]})
    >>> renumbered(d, h, ch, np.array([False, True])).tolist()
    ['0906', '4203']
    """
    spans = _valid_in(history)
    one_to_one = changes[changes["kind"] == "renumbering"]
    incoming = one_to_one.groupby("successor")["predecessor"].agg(list)
    back = {succ: preds[0] for succ, preds in incoming.items() if len(preds) == 1}
    codes = data["municipality"].to_numpy(dtype=object, copy=True)
    years = data["year"].to_numpy()
    periods = data["period"].to_numpy(dtype=object) if "period" in data else [None] * len(data)
    memo: dict[tuple, object] = {}
    for i in np.flatnonzero(~exists):
        key = (codes[i], int(years[i]), periods[i])
        if key not in memo:
            code, start, seen = codes[i], period_start(periods[i], int(years[i])), set()
            found = None
            while code in back and code not in seen:
                seen.add(code)
                code = back[code]
                lo, hi = spans.get(code, (10_000, -10_000))
                if start <= hi and int(years[i]) >= lo or lo <= int(years[i]) <= hi:
                    found = code
                    break
            memo[key] = found or codes[i]
        codes[i] = memo[key]
    return codes


_REASON_KEYS = {"unknown_code": "importer.problem.unknown_code",
                "ambiguous": "importer.problem.ambiguous_name"}


#: How many problems of a kind are listed; the rows past it are left out all the same
#: and counted as ``importer.skip.problem_unlisted``.
LISTED_PER_KIND = 1000


def _add_rows(problems: Problems, rows: pd.DataFrame, col: str, value: str, key: str,
              **params: object) -> pd.Index:
    """One problem per row of ``rows`` (capped: the first :data:`LISTED_PER_KIND` of a
    kind are listed); the index of the rows listed."""
    listed = rows.head(LISTED_PER_KIND)
    for r in listed.itertuples(index=False):
        problems.add(r.sheet, int(r.src_row), getattr(r, col), getattr(r, value), key,
                     **params)
    return listed.index


#: Columns of the rows :func:`validate` returns (before ``note``), in order.
ROW_COLUMNS = ("region_label", "municipality", "year", "value", "status_symbol", "src_row",
               "src_col", "sheet", "indicator", "period")
#: The columns of :data:`ROW_COLUMNS` a parsed table has (the others: its sheet and
#: the mapped indicator).
TABLE_ROW_COLUMNS = tuple(c for c in ROW_COLUMNS if c not in ("sheet", "indicator"))
#: Columns of :attr:`Plan.skipped`.
SKIPPED_COLUMNS = ("sheet", "src_row", "src_col", "reason_key")


class _Mapped(NamedTuple):
    """The rows of :func:`_mapped_rows` and, per row, the indicator, the written
    municipality and the region label as codes (equal codes, equal values)."""

    data: pd.DataFrame
    indicator: np.ndarray
    region: np.ndarray
    regions: np.ndarray
    label: np.ndarray
    labels: np.ndarray


def _mapped_rows(fr: FileRead, chosen: pd.DataFrame, mapping: Mapping) -> _Mapped:
    """The reader's rows of the mapped series, with ``sheet`` and ``indicator``.

    The ``sheet`` and ``indicator`` columns are pandas' Arrow strings, taken from
    the few distinct names by code (not one Python string per row converted). The
    codes come from :attr:`FileRead.codes` (each table's columns factorized once);
    only the table's columns needed are built (:meth:`ParsedTable.column`).
    """
    frames, indicators = [], []
    coded: dict[str, tuple[list, list]] = {"region": ([], []), "label": ([], [])}
    index: dict[str, int] = {}  # indicator id → its code
    for t in chosen["table"].unique():
        table = fr.result.tables[int(t)]
        data = pd.DataFrame({c: table.column(c) for c in TABLE_ROW_COLUMNS}, copy=False)
        c = fr.codes[int(t)]
        codes, region, label = c.series, c.region, c.label
        ids = [mapping.assign.get(n) for n in c.keys]
        indicator = np.array([i is not None for i in ids], dtype=bool)[codes]
        if not indicator.all():  # a table of several series, some left out
            data, codes = data[indicator], codes[indicator]
            region, label = region[indicator], label[indicator]
        added = {"sheet": _strings([table.sheet], np.zeros(len(data), dtype=np.intp)),
                 "indicator": _strings(ids, codes)}
        frames.append(pd.DataFrame({c: added[c] if c in added else data[c]
                                    for c in ROW_COLUMNS}, index=data.index, copy=False))
        ident = [-1 if i is None else index.setdefault(i, len(index)) for i in ids]
        indicators.append(np.array(ident, dtype=np.intp)[codes])
        for (rows, distinct), part, values in ((coded["region"], region, c.regions),
                                               (coded["label"], label, c.labels)):
            offset = sum(len(d) for d in distinct)
            rows.append(np.where(part < 0, -1, part + offset))
            distinct.append(values)
    if not frames:
        none, nothing = np.zeros(0, dtype=np.intp), np.zeros(0, dtype=object)
        return _Mapped(pd.DataFrame(columns=list(ROW_COLUMNS)), none, none, nothing, none,
                       nothing)
    data = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    joined = []
    for rows, distinct in coded.values():
        codes, names = np.concatenate(rows), np.concatenate(distinct)
        if len(distinct) > 1:  # one code per value across the tables
            canonical, uniq = pd.factorize(names)
            codes = np.where(codes < 0, -1, np.append(canonical, -1)[codes])
            names = np.asarray(uniq, dtype=object)
        joined += [codes, names]
    return _Mapped(data, np.concatenate(indicators), *joined)


def _strings(names: list, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``names[codes]`` as pandas' Arrow-backed ``str`` array (code -1: the last name).

    >>> list(_strings(["a", "b"], np.array([1, 0, -1])))
    ['b', 'a', 'b']
    >>> list(_strings(["a", None], np.array([1, 1]))), list(_strings(["a"], np.zeros(0, int)))
    ([nan, nan], [])

    One name for every row (a sheet's name; a table of one series) is repeated, not
    taken (~1 ms less for 200,000 rows).
    """
    codes = np.where(codes < 0, len(names) - 1, codes)
    if len(codes) and codes.min() == codes.max():
        taken = pa.repeat(pa.scalar(names[codes[0]], type=pa.large_string()), len(codes))
    else:
        taken = pa.array(names, type=pa.large_string()).take(pa.array(codes))
    return pd.array(taken, dtype=pd.StringDtype(na_value=np.nan))


def validate(fr: FileRead, series: pd.DataFrame, mapping: Mapping, history: pd.DataFrame,
             *, today: dt.date | None = None, changes: pd.DataFrame | None = None
             ) -> tuple[pd.DataFrame, pd.DataFrame, int, pd.DataFrame]:
    """The rows to import and every problem of the mapped series (pure).

    Returns ``(rows, problems, skipped_aggregates, skipped)``; ``rows`` keeps the
    source position (``sheet``, ``src_row``, ``src_col``) for the preview;
    ``skipped`` lists the rows left out and why (:data:`SKIPPED_COLUMNS`).

    Region codes must exist in the row's period. A code that did not is translated
    back through one-to-one renumberings in ``changes`` (Udir writes 4203 Arendal for
    2016, stored as 0906, the code of that year); what remains is skipped when its
    value is SSB's ``.`` or 0 (the region-year never was) and is a problem otherwise.
    """
    problems = Problems(fr.file_name)
    chosen = series[series["key"].isin(mapping.assign)]
    data, indicator, region, regions, label, labels = _mapped_rows(fr, chosen, mapping)
    mapped = data  # every row of the mapped series: each ends as a row, skipped or a problem
    listed: list[pd.Index] = []  # rows with a problem in the list
    sheets = set(chosen["sheet"])
    reader = fr.result.problems
    reader = reader[reader["sheet"].isin(sheets)] if not reader.empty else reader
    # The rows' regions as codes into the distinct ``names`` from here on: the checks
    # below look at each distinct code once and compare codes, not strings.
    codes, names, why_of_row = _region_codes(data, history, (region, regions),
                                             (label, labels))
    fine = why_of_row == 0
    for why, key in _REASON_KEYS.items():
        if fine.all():
            break
        bad = data[why_of_row == REGION_REASONS.index(why)].drop_duplicates(
            ["sheet", "region_label"])
        listed.append(_add_rows(problems, bad.assign(no_col=None), "no_col", "region_label",
                                key))
    hi = year_max(today)
    year = data["year"].to_numpy()
    out_of_range = (year < YEAR_MIN) | (year > hi)
    if out_of_range.any():
        listed.append(_add_rows(problems, data[out_of_range], "src_col", "year",
                                "importer.problem.year_range", first=YEAR_MIN, last=hi))
        fine = fine & ~out_of_range  # (with the problem in the list, or past it)
    skipped_parts = []
    aggregate = why_of_row == REGION_REASONS.index("aggregate")
    if aggregate.any():
        kinds = data.loc[aggregate, "region_label"].map(_aggregate_key)
        skipped_parts.append(data.loc[aggregate, ["sheet", "src_row", "src_col"]].assign(
            reason_key=kinds.to_numpy()))
    skipped = int(aggregate.sum())
    if not fine.all():
        data, codes, indicator = data[fine], codes[fine], indicator[fine]
    data = data.assign(municipality=_strings(names.tolist(), codes))
    # A code that did not exist in the row's period: SSB's "." (or a 0) for a
    # region-year that never was is skipped; a real figure is a problem.
    spans = _valid_in(history)
    period = data["period"] if "period" in data else None
    exists = _existing_codes(codes, names, data["year"].to_numpy(), period, spans)
    value = data["value"].to_numpy(dtype=float)
    real = ~np.isnan(value) & (value != 0)
    if not (exists | ~real).all() and changes is not None and not changes.empty:
        moved = renumbered(data, history, changes, exists | ~real)
        codes, uniq = pd.factorize(moved)
        names = np.asarray(uniq, dtype=object)
        data = data.assign(municipality=_strings(names.tolist(), codes))
        exists = _existing_codes(codes, names, data["year"].to_numpy(), period, spans)
    if not exists.all():
        gone = data[~exists]
        value = gone["value"].to_numpy(dtype=float)
        empty = np.isnan(value) | (value == 0)
        other = np.zeros(len(gone), dtype=bool)
        if changes is not None and not changes.empty and empty.any():
            moved = renumbered(gone, history, changes, np.zeros(len(gone), dtype=bool))
            other = empty & (moved != gone["municipality"].to_numpy(dtype=object))
        skipped_parts.append(gone.loc[empty & ~other, ["sheet", "src_row", "src_col"]].assign(
            reason_key="importer.skip.not_existing"))
        skipped_parts.append(gone.loc[other, ["sheet", "src_row", "src_col"]].assign(
            reason_key="importer.skip.renumbered_empty"))
        shown = gone[~empty].head(LISTED_PER_KIND)
        for r in shown.itertuples(index=False):
            key, params = invalid_code_reason(r.municipality, int(r.year), spans)
            problems.add(r.sheet, int(r.src_row), r.src_col, r.municipality, key, **params)
        listed.append(shown.index)
        data, codes, indicator = data[exists], codes[exists], indicator[exists]
    repeated, again = _repeated_keys(codes, indicator, data["year"].to_numpy())
    if repeated.any():
        key = ["municipality", "indicator", "year"]
        dup = data[repeated]
        clash = dup.groupby(key)[["value", "status_symbol"]].transform("nunique", dropna=False)
        differing = dup[(clash > 1).any(axis=1)]
        listed.append(_add_rows(problems, differing, "src_col", "value",
                                "importer.problem.duplicate"))
        clashing = data.index.isin(differing.index)
        skipped_parts.append(data.loc[again & ~clashing, ["sheet", "src_row", "src_col"]].assign(
            reason_key="importer.skip.duplicate"))
        data = data[~again & ~clashing]  # the first row of each key is kept, if one value
    if len(data) < len(mapped):  # the rows left out past the list: counted, not lost
        accounted = data.index.append([*listed, *(p.index for p in skipped_parts)])
        lost = mapped.index[~mapped.index.isin(accounted)]
        skipped_parts.append(mapped.loc[lost, ["sheet", "src_row", "src_col"]].assign(
            reason_key="importer.skip.problem_unlisted"))
    out = pd.concat([reader, problems.frame()], ignore_index=True)
    frames = [p for p in skipped_parts if not p.empty]
    skipped_rows = (pd.concat(frames, ignore_index=True) if frames
                    else pd.DataFrame(columns=list(SKIPPED_COLUMNS)))
    return data.reset_index(drop=True), out, skipped, skipped_rows


def _repeated_keys(region: np.ndarray, indicator: np.ndarray, year: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose (region, indicator, year) occurs more than once, and rows whose key
    an earlier row has, from codes (equal codes, equal values; tested against
    :func:`_repeated_keys_reference`).

    >>> repeated, again = _repeated_keys(np.array([0, 1, 0, 0]), np.array([0, 0, 0, 1]),
    ...                                  np.array([2020, 2020, 2020, 2020]))
    >>> repeated.tolist(), again.tolist()
    ([True, False, True, False], [False, False, True, False])
    """
    if not len(year):
        none = np.zeros(0, dtype=bool)
        return none, none
    lo = int(year.min())
    n_year = int(year.max()) - lo + 1
    n_ind = int(indicator.max()) + 2
    n_region = int(region.max()) + 2
    key = ((region.astype(np.int64) + 1) * n_ind + indicator + 1) * n_year + (year - lo)
    if n_region * n_ind * n_year <= 4 * len(key) + 65_536:  # a count per possible key
        if not (np.bincount(key) > 1).any():
            none = np.zeros(len(key), dtype=bool)
            return none, none
    group, distinct = pd.factorize(key)  # codes in the order of the first row of each key
    if len(distinct) == len(key):
        none = np.zeros(len(key), dtype=bool)
        return none, none
    repeated = np.bincount(group, minlength=len(distinct))[group] > 1
    newest = np.maximum.accumulate(group)
    again = np.ones(len(key), dtype=bool)
    again[0] = False
    again[1:] = group[1:] <= newest[:-1]
    return repeated, again


def _repeated_keys_reference(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The reference implementation of :func:`_repeated_keys`: pandas' ``duplicated``
    on the (municipality, indicator, year) values of ``data``."""
    key = ["municipality", "indicator", "year"]
    return (data.duplicated(key, keep=False).to_numpy(),
            data.duplicated(key, keep="first").to_numpy())


def _aggregate_key(label: object) -> str:
    """Reason key of a skipped aggregate label (``importer.skip.county`` …)."""
    return f"importer.skip.{aggregate_reason(label)}"


def _conflicts(store, rows: pd.DataFrame, existing: set[str] | None = None
               ) -> tuple[pd.DataFrame, int]:
    """Values in the database the import would change (old → new), and the unchanged.

    Only rows of ``existing`` indicators (all when None) can have a value already: the
    rows of indicators the import creates are not looked up.
    """
    cols = ["municipality", "indicator", "year", "old_value", "new_value", "old_symbol",
            "new_symbol", "old_batch"]
    if existing is not None and not rows.empty:
        known = rows["indicator"].isin(existing).to_numpy()
        rows = rows if known.all() else rows[known]
    if rows.empty:
        return pd.DataFrame(columns=cols), 0
    found = store.changes_for(rows)
    if found.empty:
        return pd.DataFrame(columns=cols), 0
    same = found["same"].to_numpy(dtype=bool)
    changed = found.loc[~same, cols].reset_index(drop=True)
    symbols = changed["new_symbol"].to_numpy(dtype=object)  # as in ``rows``: None if none
    changed["new_symbol"] = pd.Series(np.where(pd.isna(symbols), None, symbols), dtype=object)
    return changed, int(same.sum())


def plan_import(store, fr: FileRead, mapping: Mapping, *, series: pd.DataFrame | None = None,
                history: pd.DataFrame | None = None, indicators: pd.DataFrame | None = None,
                today: dt.date | None = None, changes: pd.DataFrame | None = None) -> Plan:
    """Validate a mapped file against the database: the :class:`Plan` to show and commit.

    ``series``, ``history`` (all municipalities), ``indicators`` and ``changes`` (the
    municipality changes) are fetched when not given. The earlier batches of the same
    file are looked up in a thread while the rows are validated.
    """
    series = series_table(fr.result, fr.codes) if series is None else series
    if history is None:
        history = store.municipalities(current_only=False)
    if changes is None and hasattr(store, "municipality_changes"):
        changes = store.municipality_changes()
    with ThreadPoolExecutor(max_workers=1) as pool:
        same_file = pool.submit(store.batches_with_file, fr.sha256, mapping.indicators())
        rows, problems, skipped, skipped_rows = validate(fr, series, mapping, history,
                                                         today=today, changes=changes)
        same_file = same_file.result()
    existing = set((store.indicators() if indicators is None else indicators)["id"])
    new = [spec for ident, spec in mapping.new.items()
           if ident in mapping.assign.values() and ident not in existing]
    unknown = set(mapping.assign.values()) - existing - {s.id for s in new}
    if unknown:
        raise NotFound("importer.err.unknown_indicator", indicator=", ".join(sorted(unknown)))
    conflicts, unchanged = _conflicts(store, rows, existing)
    chosen = series[series["key"].isin(mapping.assign)]
    rows = rows.assign(note=None)
    return Plan(
        file_name=fr.file_name, sha256=fr.sha256,
        sheet=", ".join(dict.fromkeys(chosen["sheet"])),
        layout=", ".join(dict.fromkeys(chosen["layout"])),
        rows=rows, problems=problems.loc[:, list(PROBLEM_VIEW) + ["reason_key"]],
        conflicts=conflicts, new_indicators=new,
        same_file=same_file,
        unchanged=unchanged, skipped_aggregates=skipped, skipped=skipped_rows,
    )  # fmt: skip


def partial_plan(plan: Plan) -> Plan:
    """The plan without the cells that have problems: the user's choice to import the
    rest. The problems move to ``left_out`` (and the reconciliation); the result is
    still one batch, committed atomically by :func:`commit`.

    A problem names a cell (sheet, row, column) or a row; the rows of those cells
    are left out, nothing else.
    """
    if plan.problems.empty:
        return plan
    probs = plan.problems
    rows = plan.rows
    row_key = rows["sheet"].astype(str) + "|" + rows["src_row"].astype(str)
    cell_key = row_key + "|" + rows["src_col"].astype(str)
    p_row = probs["sheet"].astype(str) + "|" + probs["row"].astype("Int64").astype(str)
    has_col = probs["column"].notna()
    bad_cells = set(p_row[has_col] + "|" + probs.loc[has_col, "column"].astype(str))
    bad_rows = set(p_row[~has_col])
    drop = cell_key.isin(bad_cells) | row_key.isin(bad_rows)
    left = rows[drop]
    skipped = pd.concat([plan.skipped, left[["sheet", "src_row", "src_col"]].assign(
        reason_key="importer.skip.problem")], ignore_index=True)
    return replace(plan, rows=rows[~drop].reset_index(drop=True),
                   problems=probs.iloc[0:0], left_out=probs, skipped=skipped)


def reconcile(fr: FileRead, plan: Plan | None) -> pd.DataFrame:
    """What happened to every non-empty row of every sheet read (pure).

    One row per sheet and outcome: ``sheet``, ``outcome`` (``imported`` or a reason
    key), ``rows``. A row with at least one figure imported counts as imported; a row
    left out counts once, under the first of: a problem (partial import), the
    importer's reason (county or national total, KOSTRA group, city district, region
    that did not exist that year, repeated figure), the reader's reason (header,
    repeated page header, text row, other geography level …), the sheet's
    explanation, and otherwise "outside the table". Outcomes of a sheet come in the
    order of their first row. Each sheet's rows are classified in NumPy (tested
    against :func:`_reconcile_reference`, row by row).

    >>> from sdg.ingest import parse_file
    >>> csv = b'"kommune";"aar";"verdi"\\n"3203";2024;1\\n"EAK Landet";2024;5\\n\\n"x";"";""'
    >>> fr = FileRead("a.csv", "", parse_file(csv, "a.csv"))
    >>> dict(reconcile(fr, None)[["outcome", "rows"]].values.tolist())
    {'ingest.skip.header': 1, 'importer.skip.no_figure': 2, 'ingest.skip.outside': 1}
    """
    result = fr.result
    reasons = _skip_reasons(plan)
    imported = ({sheet: g["src_row"].to_numpy(dtype=np.int64)
                 for sheet, g in plan.rows.groupby("sheet")} if plan is not None else {})
    # (the distinct sheets: iterating an Arrow string column costs a Python object a row)
    chosen = set(plan.rows["sheet"].unique()) if plan is not None else set()
    notes: dict[str, dict[int, str]] = {}
    data_rows: dict[str, list[np.ndarray]] = {}
    for table in result.tables:
        notes.setdefault(table.sheet, {}).update(table.notes)
        data_rows.setdefault(table.sheet, []).append(table.column("src_row").to_numpy(np.int64))
    explained = {e.sheet for e in result.explanations}
    out = []
    for sheet, rows in result.read_rows.items():
        rows = np.asarray(rows, dtype=np.int64)
        in_data = (np.isin(rows, np.concatenate(data_rows[sheet])) if sheet in data_rows
                   else np.zeros(len(rows), dtype=bool))
        # from the last of the rules to the first: each rule overwrites the later ones
        rest = ("ingest.skip.sheet" if sheet in explained and sheet not in data_rows
                else "ingest.skip.outside")
        key = np.full(len(rows), rest, dtype=object)
        key[in_data] = ("importer.skip.not_chosen" if plan is not None and sheet not in chosen
                        else "importer.skip.no_figure")
        for by_row in (notes.get(sheet, {}), reasons.get(sheet, {})):
            if by_row:
                found = pd.Series(rows).map(by_row).to_numpy(dtype=object)
                hit = pd.notna(found)
                key[hit] = found[hit]
        if sheet in imported:
            key[np.isin(rows, imported[sheet])] = "imported"
        codes, outcomes = pd.factorize(key)  # outcomes in the order of their first row
        counts = np.bincount(codes, minlength=len(outcomes))
        out += [{"sheet": sheet, "outcome": k, "rows": int(n)}
                for k, n in zip(outcomes, counts, strict=True)]
    return pd.DataFrame(out, columns=["sheet", "outcome", "rows"])


def _skip_reasons(plan: Plan | None) -> dict[str, dict[int, str]]:
    """Sheet → row → why it was left out: a problem of a partial import, else the first
    reason the plan gives for the row."""
    if plan is None:
        return {}
    parts = []
    for problems, reason in ((plan.left_out, "importer.skip.problem"),
                             (plan.problems, "importer.skip.has_problem")):
        if not problems.empty:
            left = problems.dropna(subset=["row"])
            parts.append(pd.DataFrame({"sheet": left["sheet"],
                                       "row": left["row"].astype(np.int64), "reason": reason}))
    if not plan.skipped.empty:
        parts.append(pd.DataFrame({"sheet": plan.skipped["sheet"],
                                   "row": plan.skipped["src_row"].astype(np.int64),
                                   "reason": plan.skipped["reason_key"]}))
    if not parts:
        return {}
    first = pd.concat(parts, ignore_index=True).drop_duplicates(["sheet", "row"])
    return {sheet: dict(zip(g["row"].tolist(), g["reason"].tolist(), strict=True))
            for sheet, g in first.groupby("sheet", sort=False)}


def _reconcile_reference(fr: FileRead, plan: Plan | None) -> pd.DataFrame:
    """The reference implementation of :func:`reconcile`: row by row in Python."""
    result = fr.result
    imported = {}
    skipped: dict[tuple[str, int], str] = {}
    if plan is not None:
        for sheet, group in plan.rows.groupby("sheet"):
            imported[sheet] = set(group["src_row"].astype(int))
        for r in plan.skipped.itertuples(index=False):
            skipped.setdefault((r.sheet, int(r.src_row)), r.reason_key)
        for problems, reason in ((plan.problems, "importer.skip.has_problem"),
                                 (plan.left_out, "importer.skip.problem")):
            if not problems.empty:
                for r in problems.dropna(subset=["row"]).itertuples(index=False):
                    skipped[(r.sheet, int(r.row))] = reason
    chosen = set(plan.rows["sheet"]) if plan is not None else set()
    notes: dict[str, dict[int, str]] = {}
    data_rows: dict[str, set[int]] = {}
    for table in result.tables:
        notes.setdefault(table.sheet, {}).update(table.notes)
        data_rows.setdefault(table.sheet, set()).update(table.data["src_row"].astype(int))
    explained = {e.sheet for e in result.explanations}
    out = []
    for sheet, rows in result.read_rows.items():
        got = imported.get(sheet, set())
        counts: dict[str, int] = {}
        for row in rows.tolist():
            if row in got:
                key = "imported"
            elif (sheet, row) in skipped:
                key = skipped[(sheet, row)]
            elif row in notes.get(sheet, {}):
                key = notes[sheet][row]
            elif row in data_rows.get(sheet, set()):
                key = ("importer.skip.not_chosen" if plan is not None and sheet not in chosen
                       else "importer.skip.no_figure")
            elif sheet in explained and sheet not in data_rows:
                key = "ingest.skip.sheet"
            else:
                key = "ingest.skip.outside"
            counts[key] = counts.get(key, 0) + 1
        out += [{"sheet": sheet, "outcome": k, "rows": n} for k, n in counts.items()]
    return pd.DataFrame(out, columns=["sheet", "outcome", "rows"])


def reconciliation_lines(rec: pd.DataFrame, lang: str = "nb") -> list[str]:
    """``N rader lest, M importert, K hoppet over: …`` per sheet read.

    >>> rec = pd.DataFrame({"sheet": ["S", "S", "S"], "rows": [10, 2, 1],
    ...                     "outcome": ["imported", "ingest.skip.header", "importer.skip.county"]})
    >>> reconciliation_lines(rec)
    ['Ark S: 13 rader lest, 10 importert, 3 hoppet over: 2 overskriftsrad, 1 fylkestall']
    >>> reconciliation_lines(rec.assign(rows=[44732, 106, 1]), "en")
    ['Sheet S: 44,839 rows read, 44,732 imported, 107 skipped: 106 header row, 1 county figure']
    """
    from sdg.fmt import number
    from sdg.i18n import Count, t

    lines = []
    for sheet, group in rec.groupby("sheet", sort=False):
        total = int(group["rows"].sum())
        done = int(group.loc[group["outcome"] == "imported", "rows"].sum())
        line = t("importer.reconcile.line", lang, read=Count(total), imported=Count(done),
                 skipped=Count(total - done))
        reasons = group[group["outcome"] != "imported"].sort_values("rows", ascending=False)
        if not reasons.empty:
            line += ": " + ", ".join(f"{number(int(r.rows), 0, lang)} {t(r.outcome, lang)}"
                                     for r in reasons.itertuples(index=False))
        lines.append(t("importer.reconcile.sheet", lang, sheet=sheet, line=line))
    return lines


def column_notes(fr: FileRead, lang: str = "nb") -> list[str]:
    """Per sheet, the columns read and not used as figures, with why (in column order).

    The notes of a sheet's tables are merged (a KOSTRA sheet has one table per
    block); a column that holds figures in any table of the sheet is not listed.

    >>> from sdg.ingest import parse_file
    >>> csv = b'"kommune";"navn";"aar";"verdi";"merknad"\\n"3203";"Asker";2024;1;"ny"'
    >>> column_notes(FileRead("a.csv", "", parse_file(csv, "a.csv")))
    ['a.csv: Kolonner som ikke er tall: A: regionkolonne (kommunenummer eller -navn for hver rad); B: beskriver regionen (navn, fylke); C: årskolonne (perioden for tallene); E: merknader eller brudd i tidsserien (tekst, ikke tall)']
    """
    from sdg.i18n import t
    from sdg.ingest.read import column_number

    notes: dict[str, dict[str, str]] = {}
    params: dict[str, dict[str, dict]] = {}
    figures: dict[str, set[str]] = {}
    for table in fr.result.tables:
        figures.setdefault(table.sheet, set()).update(table.column("src_col").dropna())
        for col, key in table.col_notes.items():
            notes.setdefault(table.sheet, {}).setdefault(col, key)
            if col in table.col_params:
                params.setdefault(table.sheet, {}).setdefault(col, table.col_params[col])
    lines = []
    for sheet, cols in notes.items():
        listed = sorted((c for c in cols if c not in figures.get(sheet, set())), key=column_number)
        if listed:
            text = "; ".join(f"{c}: {t(cols[c], lang, **params.get(sheet, {}).get(c, {}))}"
                             for c in listed)
            lines.append(f"{sheet}: " + t("importer.reconcile.columns", lang, columns=text))
    return lines


# ---------------------------------------------------------------------- 5 commit
def _indicator_frame(specs: list[NewIndicator]) -> pd.DataFrame:
    """New indicators as the frame :meth:`Store.commit_import` inserts."""
    for s in specs:
        if not s.name_nb.strip() or not s.id.strip():
            raise InvalidInput("importer.err.indicator_name")
        if s.aggregation == "weighted" and not s.denominator:
            raise InvalidInput("importer.err.denominator", indicator=s.id)
    # An English name left empty is stored empty: the app shows the bokmål name marked
    # as not translated when it reads it (sdg.i18n.with_english_names), never as if
    # it were English.
    rows = [{**s.__dict__, "name_en": (s.name_en or "").strip(), "targets": list(s.targets)}
            for s in specs]
    return pd.DataFrame(rows)


def commit(store, plan: Plan, actor: Actor) -> int:
    """Write the plan as one import batch (one transaction); return the batch id.

    Raises :class:`InvalidInput` ``importer.err.has_problems`` while the plan has
    problems and ``importer.err.no_rows`` when there is nothing to import.
    """
    if not plan.problems.empty:
        raise InvalidInput("importer.err.has_problems", n=len(plan.problems))
    if plan.rows.empty:
        raise InvalidInput("importer.err.no_rows", file=plan.file_name)
    batch = {"file_name": plan.file_name, "sha256": plan.sha256, "sheet": plan.sheet,
             "layout": plan.layout}
    new = _indicator_frame(plan.new_indicators) if plan.new_indicators else None
    return store.commit_import(actor, batch, plan.rows, new)


def with_indicator(mapping: Mapping, key: str, spec: NewIndicator | str) -> Mapping:
    """A copy of ``mapping`` with series ``key`` mapped to an existing id or a new spec.

    >>> m = with_indicator(Mapping({"0": "a"}), "0", NewIndicator("b", "B", "B"))
    >>> m.assign, list(m.new)
    ({'0': 'b'}, ['b'])
    """
    assign = dict(mapping.assign)
    new = dict(mapping.new)
    if isinstance(spec, NewIndicator):
        assign[key] = spec.id
        new[spec.id] = spec
    else:
        assign[key] = spec
    return replace(mapping, assign=assign, new=new)


def import_file(store, data: bytes, file_name: str, *, actor: Actor, sheet: str | None = None,
                indicator: str | None = None, dry_run: bool = False,
                max_bytes: int = MAX_BYTES, year: int | None = None, partial: bool = False,
                read: list | None = None, file: FileRead | None = None,
                history: pd.DataFrame | None = None) -> tuple[Plan, int | None]:
    """Read, map by default, validate and (unless ``dry_run`` or problems) commit.

    The command line and the benchmark use this; the wizard calls the steps itself.
    ``year`` is the user's year for a file that names no period; with ``partial`` the
    cells with problems are left out (listed in ``plan.left_out``) and the rest is
    imported as one batch. ``read``, when a list, receives the :class:`FileRead`;
    ``file`` is the file already read (:func:`read_file`; then ``data`` is not read
    again) and ``history`` the municipalities, when the caller has them.
    Returns the plan and the batch id (None when nothing was written).
    """
    # The municipalities, the catalogue and the municipality changes are read once the
    # child has the file, while it parses (asked for earlier, the queries held the GIL
    # that sending the file needs: up to ~0.005 s); the child gets the names when it
    # needs them.
    given = history
    with ThreadPoolExecutor(max_workers=1) as pool:
        fetched: list = []

        def fetch() -> pd.DataFrame:
            fetched.append(pool.submit(store.indicators))
            fetched.append(pool.submit(store.municipality_changes)
                           if hasattr(store, "municipality_changes") else None)
            fetched.append(store.municipalities(current_only=False) if given is None
                           else given)
            return fetched[-1]

        fr = file if file is not None else read_file(
            data, file_name, fetch, sheet=sheet, max_bytes=max_bytes, year=year)
        if not fetched:  # (a file already read)
            fetch()
        catalogue, renamed, history = fetched
        indicators = catalogue.result()
        changes = renamed.result() if renamed is not None else None
    if read is not None:
        read.append(fr)
    series = detected_series(fr)
    mapping = default_mapping(series, indicators, indicator)
    plan = plan_import(store, fr, mapping, series=series, history=history,
                       indicators=indicators, changes=changes)
    if partial:
        plan = partial_plan(plan)
    if dry_run or not plan.ok:
        return plan, None
    return plan, commit(store, plan, actor)
