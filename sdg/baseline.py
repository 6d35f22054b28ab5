"""The 2019 zero point for any municipality, merged or not (METHODS.md §3).

New Asker (3025 from 2020, 3203 from 2024) did not exist in 2019, so its zero point is
made from the municipalities that did: Asker 0220, Røyken 0627 and Hurum 0628. This
module finds those predecessors from a table of municipal changes and combines their
values by the indicator's aggregation rule; every result says how it was made
(:meth:`ZeroPoint.provenance`).

Inputs are plain DataFrames:

``observations`` (and ``denominators``)
    columns ``municipality`` (4-character code), ``year`` (int), ``value`` (float),
    for one indicator. Rows without a value are ignored.
``changes``
    columns ``predecessor``, ``successor``, ``year`` (the first year the successor
    exists) and ``kind`` in {"merger", "renumbering", "split"}. A municipality that
    keeps its code while absorbing another appears as its own predecessor.

Codes are normalised to strings, and purely numeric codes are zero-padded to four
characters (so ``220`` read from a CSV becomes ``"0220"``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from sdg.errors import InvalidInput
from sdg.i18n import t
from sdg.progress import as_year

RULES: tuple[str, ...] = ("sum", "weighted", "none")
"""Aggregation rules of an indicator: counts add up, rates are weighted, medians don't."""

CHANGE_KINDS: tuple[str, ...] = ("merger", "renumbering", "split")

METHODS: tuple[str, ...] = (
    "published",
    "continued",
    "sum",
    "weighted",
    "none",
    "missing",
    "split",
    "manual",
)
"""How a zero point was made; the first four and "manual" give a value."""


class Change(NamedTuple):
    """One row of the change table."""

    predecessor: str
    successor: str
    year: int
    kind: str


class Predecessors(tuple):
    """The codes that made up a municipality in a given year: a sorted tuple of codes.

    It compares equal to a plain tuple of the same codes; in addition ``splits``
    names the municipalities on the path that were split (then only part of them
    went into the municipality asked about, and no value can be computed from them).

    >>> p = Predecessors(["0628", "0220", "0627"])
    >>> p == ("0220", "0627", "0628"), p.splits, p.has_split
    (True, (), False)
    """

    def __new__(cls, codes: Iterable[str], splits: Iterable[str] = ()) -> Predecessors:
        obj = super().__new__(cls, sorted(set(codes)))
        obj._splits = tuple(sorted(set(splits)))
        return obj

    @property
    def splits(self) -> tuple[str, ...]:
        """Codes of split municipalities found while walking back."""
        return self._splits

    @property
    def has_split(self) -> bool:
        """True when a split lies on the path."""
        return bool(self._splits)

    def __repr__(self) -> str:
        return f"Predecessors({tuple(self)!r}, splits={self._splits!r})"


@dataclass(frozen=True)
class ZeroPoint:
    """A zero point and how it was made.

    ``method`` is one of :data:`METHODS`. ``sources`` are the codes whose values
    were used (or would have been); ``missing`` the codes that lacked a value
    (or a denominator); ``note`` the reason given for a manual value.
    """

    municipality: str
    year: int
    value: float | None
    method: str
    sources: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    note: str | None = None

    def provenance(self, lang: str = "nb", denominator_label: str | None = None) -> str:
        """One line saying how the zero point was made, for the user.

        ``denominator_label`` names the weighting of a ``weighted`` zero point
        (e.g. "elevvektet" / "pupil-weighted"); without it the text says "vektet
        med nevner" / "weighted by denominator".

        >>> zp = ZeroPoint("3203", 2019, 43.09, "weighted", ("0220", "0627", "0628"))
        >>> zp.provenance("nb", denominator_label="elevvektet")
        'beregnet fra 0220, 0627, 0628, elevvektet'
        >>> zp.provenance("en")
        'computed from 0220, 0627, 0628, weighted by denominator'
        """
        weighting = denominator_label or t("progress.baseline.weighted_default", lang)
        return t(
            f"progress.baseline.provenance.{self.method}",
            lang,
            municipality=self.municipality,
            year=self.year,
            sources=", ".join(self.sources),
            missing=", ".join(self.missing),
            weighting=weighting,
            note=self.note or "",
        )


# ---------------------------------------------------------------------------
# The change table
# ---------------------------------------------------------------------------


def predecessors(municipality: str, year: int, changes: pd.DataFrame | None) -> Predecessors:
    """The codes that existed in ``year`` and make up ``municipality``.

    Walks the changes back from ``municipality``: if its most recent creating change
    came after ``year``, it is replaced by that change's predecessors, recursively
    (each predecessor only looks at changes before the one that created its
    successor). A municipality with no change after ``year`` is its own predecessor.

    A split on the path (a row of kind "split", or a predecessor with several
    successors in the same year) does not raise: the result, a :class:`Predecessors`
    tuple, names it in ``.splits``.

    >>> ch = pd.DataFrame({"predecessor": ["0220", "0627", "0628", "3025"],
    ...                    "successor": ["3025", "3025", "3025", "3203"],
    ...                    "year": [2020, 2020, 2020, 2024],
    ...                    "kind": ["merger", "merger", "merger", "renumbering"]})
    >>> predecessors("3203", 2019, ch)
    Predecessors(('0220', '0627', '0628'), splits=())
    >>> predecessors("3203", 2022, ch), predecessors("0301", 2019, ch)
    (Predecessors(('3025',), splits=()), Predecessors(('0301',), splits=()))
    """
    rows = _change_rows(changes)
    codes: list[str] = []
    splits: list[str] = []
    _walk_back(_code(municipality), as_year(year), math.inf, rows, codes, splits)
    return Predecessors(codes, splits)


def _walk_back(
    code: str,
    year: int,
    before: float,
    rows: list[Change],
    codes: list[str],
    splits: list[str],
) -> None:
    """Collect into ``codes`` what ``code`` (as it was just before ``before``) was in ``year``."""
    change_year, incoming = _latest_incoming(code, year, before, rows)
    if change_year is None:
        codes.append(code)
        return
    for row in incoming:
        if _is_split(row, rows):
            splits.append(row.predecessor)
        _walk_back(row.predecessor, year, change_year, rows, codes, splits)


def _latest_incoming(
    code: str, year: int, before: float, rows: list[Change]
) -> tuple[int | None, list[Change]]:
    """The latest change creating ``code`` with ``year < change year < before``."""
    candidates = [r for r in rows if r.successor == code and year < r.year < before]
    if not candidates:
        return None, []
    latest = max(r.year for r in candidates)
    return latest, [r for r in candidates if r.year == latest]


def _is_split(row: Change, rows: list[Change]) -> bool:
    if row.kind == "split":
        return True
    successors = {
        r.successor for r in rows if r.predecessor == row.predecessor and r.year == row.year
    }
    return len(successors) > 1


def renumbering_chain(municipality: str, changes: pd.DataFrame | None) -> tuple[str, ...]:
    """The municipality's code followed by its earlier codes through renumberings.

    Only one-to-one changes of kind "renumbering" continue the chain; a merger or a
    split stops it (those need aggregation, not continuation).

    >>> ch = pd.DataFrame({"predecessor": ["0220", "3025"], "successor": ["3025", "3203"],
    ...                    "year": [2020, 2024], "kind": ["merger", "renumbering"]})
    >>> renumbering_chain("3203", ch)
    ('3203', '3025')
    """
    rows = _change_rows(changes)
    chain = [_code(municipality)]
    before: float = math.inf
    while True:
        change_year, incoming = _latest_incoming(chain[-1], -math.inf, before, rows)  # type: ignore[arg-type]
        if change_year is None or len(incoming) != 1 or incoming[0].kind != "renumbering":
            return tuple(chain)
        if _is_split(incoming[0], rows):
            return tuple(chain)
        chain.append(incoming[0].predecessor)
        before = change_year


# ---------------------------------------------------------------------------
# Series and zero points
# ---------------------------------------------------------------------------


def continued_series(
    municipality: str, observations: pd.DataFrame, changes: pd.DataFrame | None
) -> pd.DataFrame:
    """The municipality's own series, continued back through renumberings.

    Never continued through mergers (those need :func:`zero_point`). Where two codes
    of the chain both have a year, the newer code wins.

    Returns
    -------
    DataFrame with columns ``year`` (int), ``value`` (float), ``source_municipality``
    (str), sorted by year.

    >>> obs = pd.DataFrame({"municipality": ["3025", "3025", "3203"],
    ...                     "year": [2020, 2023, 2024], "value": [43.8, 44.1, 44.5]})
    >>> ch = pd.DataFrame({"predecessor": ["3025"], "successor": ["3203"],
    ...                    "year": [2024], "kind": ["renumbering"]})
    >>> continued_series("3203", obs, ch).to_dict("list")
    {'year': [2020, 2023, 2024], 'value': [43.8, 44.1, 44.5], 'source_municipality': ['3025', '3025', '3203']}
    """
    values = _value_table(observations, "observations")
    rows: dict[int, tuple[float, str]] = {}
    for code in renumbering_chain(municipality, changes):
        for (obs_code, year), value in values.items():
            if obs_code == code and year not in rows:
                rows[year] = (value, code)
    years = sorted(rows)
    return pd.DataFrame(
        {
            "year": pd.Series(years, dtype="int64"),
            "value": pd.Series([rows[y][0] for y in years], dtype="float64"),
            "source_municipality": pd.Series([rows[y][1] for y in years], dtype=object),
        }
    )


def zero_point(
    municipality: str,
    observations: pd.DataFrame,
    changes: pd.DataFrame | None,
    *,
    rule: str,
    year: int = 2019,
    denominators: pd.DataFrame | None = None,
) -> ZeroPoint:
    """The zero point of one indicator for a municipality (METHODS.md §3).

    In this order:

    1. a published value for the municipality in ``year`` → method "published";
       one for an earlier code of a renumbering (3203 ← 3025) → "continued";
    2. a split on the path → "split" (not computable unless published);
    3. the municipality is not made of other municipalities in ``year`` → "missing";
    4. by ``rule``, from the predecessors that existed in ``year``:
       ``sum``: ``Σ vᵢ`` (every predecessor needs a value, else "missing", naming
       them); ``weighted``: ``Σ vᵢ·dᵢ / Σ dᵢ``, dᵢ the predecessor's denominator in
       ``year`` (every value and denominator needed); ``none``: no computed value
       (method "none"; use :func:`manual_zero_point`).

    Raises
    ------
    InvalidInput
        An unknown rule; ``weighted`` without denominators, with a negative
        denominator or with denominators adding up to 0; malformed tables.

    Examples
    --------
    The check of METHODS.md: grunnskolepoeng 2018-19, pupil-weighted.

    >>> obs = pd.DataFrame({"municipality": ["0220", "0627", "0628"], "year": 2019,
    ...                     "value": [43.6, 42.5, 41.0]})
    >>> pupils = obs.assign(value=[751, 256, 112])
    >>> ch = pd.DataFrame({"predecessor": ["0220", "0627", "0628", "3025"],
    ...                    "successor": ["3025", "3025", "3025", "3203"],
    ...                    "year": [2020, 2020, 2020, 2024],
    ...                    "kind": ["merger", "merger", "merger", "renumbering"]})
    >>> zp = zero_point("3203", obs, ch, rule="weighted", denominators=pupils)
    >>> round(zp.value, 2), zp.method, zp.provenance("nb", "elevvektet")
    (43.09, 'weighted', 'beregnet fra 0220, 0627, 0628, elevvektet')
    """
    if rule not in RULES:
        raise InvalidInput("progress.baseline.err.rule", rule=rule)
    code, year = _code(municipality), as_year(year)
    published = _published(code, year, observations, changes)
    if published is not None:
        return published

    preds = predecessors(code, year, changes)
    sources = tuple(preds)
    if preds.has_split:
        return ZeroPoint(code, year, None, "split", sources)
    if set(preds) <= set(renumbering_chain(code, changes)):
        return ZeroPoint(code, year, None, "missing", (), sources)
    if rule == "none":
        return ZeroPoint(code, year, None, "none", sources)

    values = _value_table(observations, "observations")
    if rule == "sum":
        missing = tuple(p for p in preds if (p, year) not in values)
        if missing:
            return ZeroPoint(code, year, None, "missing", sources, missing)
        total = math.fsum(values[(p, year)] for p in preds)
        return ZeroPoint(code, year, total, "sum", sources)
    return _weighted(code, year, preds, values, denominators)


def _published(
    code: str, year: int, observations: pd.DataFrame, changes: pd.DataFrame | None
) -> ZeroPoint | None:
    series = continued_series(code, observations, changes)
    hit = series[series["year"] == year]
    if hit.empty:
        return None
    source = str(hit["source_municipality"].iloc[0])
    method = "published" if source == code else "continued"
    return ZeroPoint(code, year, float(hit["value"].iloc[0]), method, (source,))


def _weighted(
    code: str,
    year: int,
    preds: Predecessors,
    values: dict[tuple[str, int], float],
    denominators: pd.DataFrame | None,
) -> ZeroPoint:
    """``Σ vᵢ·dᵢ / Σ dᵢ`` over the predecessors, or "missing" naming the gaps."""
    if denominators is None:
        raise InvalidInput("progress.baseline.err.no_denominators")
    weights = _value_table(denominators, "denominators")
    sources = tuple(preds)
    missing = tuple(p for p in preds if (p, year) not in values or (p, year) not in weights)
    if missing:
        return ZeroPoint(code, year, None, "missing", sources, missing)
    for p in preds:
        if weights[(p, year)] < 0:
            raise InvalidInput(
                "progress.baseline.err.denominator",
                municipality=p,
                year=year,
                value=weights[(p, year)],
            )
    total_weight = math.fsum(weights[(p, year)] for p in preds)
    if total_weight == 0:
        raise InvalidInput(
            "progress.baseline.err.zero_denominator", sources=", ".join(sources), year=year
        )
    weighted_sum = math.fsum(values[(p, year)] * weights[(p, year)] for p in preds)
    return ZeroPoint(code, year, weighted_sum / total_weight, "weighted", sources)


def manual_zero_point(municipality: str, value: float, note: str, year: int = 2019) -> ZeroPoint:
    """A zero point entered by hand, with a note saying where it comes from.

    >>> zp = manual_zero_point("3203", 12.5, "SSB median on 2020 borders")
    >>> zp.method, zp.value, zp.provenance("en")
    ('manual', 12.5, 'manual value (2019): SSB median on 2020 borders')
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput("progress.baseline.err.manual_value", value=value) from None
    if not math.isfinite(number):
        raise InvalidInput("progress.baseline.err.manual_value", value=value)
    if not note or not str(note).strip():
        raise InvalidInput("progress.baseline.err.manual_note")
    return ZeroPoint(_code(municipality), as_year(year), number, "manual", note=str(note).strip())


# ---------------------------------------------------------------------------
# Reading the tables
# ---------------------------------------------------------------------------


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], table: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInput("progress.baseline.err.columns", table=table, missing=", ".join(missing))


def _value_table(frame: pd.DataFrame, table: str) -> dict[tuple[str, int], float]:
    """Map (municipality, year) → value.

    Rows without a value are skipped; a row repeated with the same value is harmless
    (the Udir file lists Svalbard twice), two different values for one key are an error.
    """
    _require_columns(frame, ("municipality", "year", "value"), table)
    result: dict[tuple[str, int], float] = {}
    for code, year, value in zip(frame["municipality"], frame["year"], frame["value"], strict=True):
        if value is None or pd.isna(value):
            continue
        key, number = (_code(code), as_year(year)), _number(value, table)
        if key in result and result[key] != number:
            raise InvalidInput(
                "progress.baseline.err.duplicate", table=table, municipality=key[0], year=key[1]
            )
        result[key] = number
    return result


def _change_rows(changes: pd.DataFrame | None) -> list[Change]:
    if changes is None:
        return []
    _require_columns(changes, ("predecessor", "successor", "year", "kind"), "changes")
    rows = []
    for pred, succ, year, kind in zip(
        changes["predecessor"], changes["successor"], changes["year"], changes["kind"], strict=True
    ):
        kind = str(kind).strip().lower()
        if kind not in CHANGE_KINDS:
            raise InvalidInput("progress.baseline.err.kind", kind=kind)
        rows.append(Change(_code(pred), _code(succ), as_year(year), kind))
    return rows


def _code(value: object) -> str:
    """A municipality code as a string, numeric codes zero-padded to 4 characters.

    >>> _code(220), _code("0220"), _code(3025.0), _code(" K-3025 ")
    ('0220', '0220', '3025', 'K-3025')
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text.zfill(4) if text.isdigit() else text


def _number(value: object, table: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput("progress.baseline.err.number", table=table, value=value) from None
    if not math.isfinite(number):
        raise InvalidInput("progress.baseline.err.number", table=table, value=value)
    return number
