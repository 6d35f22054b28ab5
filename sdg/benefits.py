"""The benefits-realisation plan (gevinstrealiseringsplan), METHODS.md §5.

A plan is a table of *benefit records*, one row per benefit, with the fields of the
Norwegian government's project wizard (prosjektveiviseren, DFØ). This module is pure
(pandas in, pandas out); the store saves the records, the page edits them.

Record fields (:data:`FIELDS`; DFØ's meaning in brackets):

``id`` (int or None)
    The stored record's number; None for a new row.
``goal_area`` (str)
    Code of the goal area (målområde) the benefit serves, e.g. ``"klima_miljo"``.
``name`` (str, required), ``description`` (str)
    The benefit (gevinst) in a few words, and what it means in practice.
``kind`` (str)
    Type of benefit (gevinsttype): ``"efficiency"`` (effektivisering: the same for
    less), ``"quality"`` (kvalitet: better services) or ``"others"`` (nytte for andre:
    value for residents, business or society).
``disbenefit`` (bool)
    A negative effect (negativ gevinst / ulempe) the plan must watch and limit. Its
    target value is a tolerance limit, so it may lie on the "worse" side of the zero
    point.
``targets`` (str)
    The SDG targets the benefit contributes to, written ``"4.1, 4.2"``.
``indicator`` (str, required)
    The indicator that measures the benefit (måleindikator). Benefits must be
    measurable; the zero point and the target are values of this indicator. A benefit
    measured by two indicators is entered as two records, one per indicator, because
    zero point and target belong to the indicator.
``zero_value`` (float), ``zero_date`` (date)
    The zero point (nullpunkt): the indicator's value before the change, and when.
``target_value`` (float), ``target_date`` (date)
    The realised benefit aimed for (målverdi) and by when (tidspunkt).
``owner`` (str), ``responsible_unit`` (str)
    The benefit owner (gevinsteier, a line manager who answers for realisation) and the
    unit that does the work (ansvarlig enhet).
``frequency`` (str), ``measure_source`` (str)
    How often the indicator is measured (måleintervall) and where the figures come
    from (kilde).
``actions`` (str), ``risk`` (str), ``status_note`` (str)
    The work that realises the benefit (tiltak), what may stop it (risiko), and the
    latest status report (status).
``is_demo`` (bool)
    Demo content, not a real plan; not editable (kept from the stored record).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import NamedTuple

import pandas as pd

from sdg.errors import InvalidInput
from sdg.progress import gain

FIELDS: dict[str, str] = {
    "id": "int",
    "goal_area": "str",
    "name": "str",
    "description": "str",
    "kind": "str",
    "disbenefit": "bool",
    "targets": "str",
    "indicator": "str",
    "zero_value": "float",
    "zero_date": "date",
    "target_value": "float",
    "target_date": "date",
    "owner": "str",
    "responsible_unit": "str",
    "frequency": "str",
    "measure_source": "str",
    "actions": "str",
    "risk": "str",
    "status_note": "str",
    "is_demo": "bool",
}
"""The record schema: field name → type (``int``, ``str``, ``bool``, ``float``, ``date``)."""

EDITABLE: tuple[str, ...] = tuple(f for f in FIELDS if f not in ("id", "is_demo"))
"""Fields a user edits; a change in any of them makes a row an update."""

KINDS: tuple[str, ...] = ("efficiency", "quality", "others")
"""Types of benefit after DFØ: effektivisering, kvalitet, nytte for andre."""

PROBLEM_COLUMNS: tuple[str, ...] = ("row", "field", "value", "reason", "level")

_TARGET_CODE = re.compile(r"^\d{1,2}\.(\d{1,2}|[a-z])$")


class BenefitChanges(NamedTuple):
    """What a save must do: rows to insert, rows to update (with ``id``), ids to delete."""

    inserts: pd.DataFrame
    updates: pd.DataFrame
    deletes: list[int]

    @property
    def empty(self) -> bool:
        return self.inserts.empty and self.updates.empty and not self.deletes


# ---------------------------------------------------------------------------
# Normalising records
# ---------------------------------------------------------------------------


def _missing(value: object) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other containers
        return False


def _as(kind: str, value: object) -> object:
    """One cell converted to the record type; missing → None."""
    if _missing(value):
        return False if kind == "bool" else None
    if kind == "str":
        text = str(value).strip()
        return text or None
    if kind == "bool":
        return bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def normalise(records: pd.DataFrame) -> pd.DataFrame:
    """Records with exactly the :data:`FIELDS` columns and plain Python values.

    Strings are stripped (empty → None), dates become :class:`datetime.date`, numbers
    ``float``, flags ``bool``, missing values None; ``targets`` is rewritten in
    canonical form (:func:`format_targets`) when every code in it is well formed.
    Missing columns are added empty.

    >>> df = normalise(pd.DataFrame({"name": [" Bedre skole "], "zero_value": ["43.09"],
    ...                              "zero_date": [pd.Timestamp("2019-06-30")],
    ...                              "targets": ["4.2,4.1"]}))
    >>> df.loc[0, ["name", "zero_value", "zero_date", "targets", "disbenefit", "id"]].tolist()
    ['Bedre skole', 43.09, datetime.date(2019, 6, 30), '4.1, 4.2', False, None]
    """
    out = {}
    for field, kind in FIELDS.items():
        column = records[field] if field in records else [None] * len(records)
        out[field] = pd.Series([_as(kind, v) for v in column], dtype=object)
    frame = pd.DataFrame(out)
    frame["targets"] = [_canonical_targets(v) for v in frame["targets"]]
    return frame


def parse_targets(text: object) -> list[str]:
    """The target codes in ``"4.1, 4.2"`` (commas, semicolons, pipes or spaces).

    >>> parse_targets("4.1, 11.7;13.2 | 17.17"), parse_targets(None)
    (['4.1', '11.7', '13.2', '17.17'], [])
    """
    if _missing(text):
        return []
    return [code for code in re.split(r"[\s,;|]+", str(text).strip()) if code]


def target_sort_key(code: str) -> tuple[int, int, str]:
    """UN order of a target code: by goal, then numbered targets before lettered ones.

    >>> sorted(["4.10", "4.a", "4.2", "17.1"], key=target_sort_key)
    ['4.2', '4.10', '4.a', '17.1']
    """
    goal, _, part = code.partition(".")
    return (int(goal), int(part) if part.isdigit() else 1000, part)


def format_targets(codes: list[str]) -> str | None:
    """Target codes as ``"4.1, 4.2"`` in UN order without repeats (None if empty).

    >>> format_targets(["11.7", "4.1", "4.1"]), format_targets([])
    ('4.1, 11.7', None)
    """
    unique = sorted(set(codes), key=target_sort_key)
    return ", ".join(unique) or None


def _canonical_targets(text: object) -> str | None:
    codes = parse_targets(text)
    if all(_TARGET_CODE.match(c) for c in codes):
        return format_targets(codes)
    return None if _missing(text) else str(text).strip()


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def validate(records: pd.DataFrame, indicators: pd.DataFrame, targets: pd.DataFrame,
             goal_areas: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every problem of every record at once.

    Rules (``reason`` codes; ``level`` "error" blocks a save, "warning" does not):

    - ``name_required``: a benefit needs a name.
    - ``goal_area_unknown``: the goal area is missing or not one of ``goal_areas``
      (checked when ``goal_areas`` is given).
    - ``goal_area_not_in_use`` (warning): the goal area is one of ``goal_areas`` whose
      ``in_use`` is False (retired, or replaced by the municipality's own areas): the
      plan can still be saved, and the benefit should be moved.
    - ``kind_unknown``: the type is not one of :data:`KINDS`.
    - ``indicator_required``: benefits must be measurable (DFØ), so an indicator is
      required.
    - ``indicator_unknown``: the indicator is not in the catalogue.
    - ``direction_unknown``: the indicator's desired direction is 0 (not set), so no
      gain can be judged.
    - ``target_unknown``: an SDG target code (one problem per code) is not in the
      catalogue.
    - ``date_required``: a zero-point or target value without its date.
    - ``date_order``: the target date is not after the zero-point date.
    - ``target_wrong_side`` (warning): for a benefit (not a dis-benefit) the target
      value is not better than the zero point given the direction, i.e.
      ``direction · (target_value − zero_value) ≤ 0``.

    Parameters
    ----------
    records : DataFrame
        Benefit records (any subset of :data:`FIELDS`; see :func:`normalise`).
    indicators : DataFrame
        The catalogue, columns ``id`` and ``direction``.
    targets : DataFrame
        The SDG targets, column ``target``.
    goal_areas : DataFrame, optional
        The goal areas, column ``code`` and optionally ``in_use``.

    Returns
    -------
    DataFrame
        Columns ``row`` (1-based position of the record as shown), ``field``,
        ``value`` (as text), ``reason``, ``level``; in row order.

    Examples
    --------
    >>> ind = pd.DataFrame({"id": ["gsp", "pop"], "direction": [1, 0]})
    >>> tgt = pd.DataFrame({"target": ["4.1"]})
    >>> recs = pd.DataFrame({"name": ["Bedre skole", ""], "kind": ["quality", "quality"],
    ...                      "indicator": ["gsp", "pop"], "targets": ["4.1", "4.9"],
    ...                      "zero_value": [43.09, 1.0], "target_value": [42.0, 2.0],
    ...                      "zero_date": ["2019-06-30", None],
    ...                      "target_date": ["2030-06-30", None]})
    >>> validate(recs, ind, tgt)[["row", "field", "reason", "level"]].values.tolist()
    [[1, 'target_value', 'target_wrong_side', 'warning'], [2, 'name', 'name_required', 'error'], [2, 'indicator', 'direction_unknown', 'error'], [2, 'targets', 'target_unknown', 'error'], [2, 'zero_date', 'date_required', 'error'], [2, 'target_date', 'date_required', 'error']]
    """
    recs = normalise(records)
    direction = {str(i): int(d) for i, d in zip(indicators["id"], indicators["direction"],
                                                 strict=True)}
    known_targets = set(targets["target"])
    areas = None if goal_areas is None else set(goal_areas["code"])
    idle = set() if goal_areas is None or "in_use" not in goal_areas else \
        set(goal_areas.loc[~goal_areas["in_use"].astype(bool), "code"])
    problems: list[tuple[int, str, object, str, str]] = []

    def add(row: int, field: str, value: object, reason: str, level: str = "error") -> None:
        problems.append((row, field, "" if value is None else str(value), reason, level))

    for pos, rec in enumerate(recs.to_dict("records"), start=1):
        if rec["name"] is None:
            add(pos, "name", None, "name_required")
        if areas is not None and rec["goal_area"] not in areas:
            add(pos, "goal_area", rec["goal_area"], "goal_area_unknown")
        elif rec["goal_area"] in idle:
            add(pos, "goal_area", rec["goal_area"], "goal_area_not_in_use", "warning")
        if rec["kind"] not in KINDS:
            add(pos, "kind", rec["kind"], "kind_unknown")
        ind = rec["indicator"]
        if ind is None:
            add(pos, "indicator", None, "indicator_required")
        elif ind not in direction:
            add(pos, "indicator", ind, "indicator_unknown")
        elif direction[ind] == 0:
            add(pos, "indicator", ind, "direction_unknown")
        for code in parse_targets(rec["targets"]):
            if code not in known_targets:
                add(pos, "targets", code, "target_unknown")
        for value, date in (("zero_value", "zero_date"), ("target_value", "target_date")):
            if rec[value] is not None and rec[date] is None:
                add(pos, date, None, "date_required")
        if rec["zero_date"] and rec["target_date"] and rec["target_date"] <= rec["zero_date"]:
            add(pos, "target_date", rec["target_date"], "date_order")
        sign = direction.get(ind or "", 0)
        if (not rec["disbenefit"] and sign != 0 and rec["zero_value"] is not None
                and rec["target_value"] is not None
                and sign * (rec["target_value"] - rec["zero_value"]) <= 0):
            add(pos, "target_value", rec["target_value"], "target_wrong_side", "warning")
    return pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS))


def has_errors(problems: pd.DataFrame) -> bool:
    """True if any problem blocks a save (level "error")."""
    return bool((problems["level"] == "error").any())


# ---------------------------------------------------------------------------
# Changes between the stored plan and the edited one
# ---------------------------------------------------------------------------


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def diff(old: pd.DataFrame, new: pd.DataFrame) -> BenefitChanges:
    """Inserts, updates and deletes that turn the ``old`` records into the ``new``.

    A row of ``new`` without ``id`` is an insert; an ``id`` of ``old`` missing from
    ``new`` is a delete; a row whose :data:`EDITABLE` fields differ (after
    :func:`normalise`) is an update and keeps the stored ``is_demo``. Unchanged rows
    are left alone.

    Raises
    ------
    InvalidInput
        ``benefits.err.unknown_id``: ``new`` has an ``id`` that ``old`` lacks, or
        the same id twice.

    >>> old = pd.DataFrame({"id": [1, 2], "name": ["A", "B"], "kind": ["quality"] * 2})
    >>> new = pd.DataFrame({"id": [1, None], "name": ["A2", "C"], "kind": ["quality"] * 2})
    >>> ch = diff(old, new)
    >>> ch.inserts["name"].tolist(), ch.updates[["id", "name"]].values.tolist(), ch.deletes
    (['C'], [[1, 'A2']], [2])
    """
    before = normalise(old)
    after = normalise(new)
    stored = {int(r["id"]): r for r in before.to_dict("records")}
    ids = [i for i in after["id"] if i is not None]
    unknown = sorted({i for i in ids if i not in stored} | {i for i in ids if ids.count(i) > 1})
    if unknown:
        raise InvalidInput("benefits.err.unknown_id", ids=", ".join(map(str, unknown)))
    updates = []
    for rec in after.to_dict("records"):
        if rec["id"] is None:
            continue
        was = stored[rec["id"]]
        if not all(_same(rec[f], was[f]) for f in EDITABLE):
            updates.append(rec | {"is_demo": was["is_demo"]})
    inserts = after[after["id"].isna()].reset_index(drop=True)
    return BenefitChanges(
        inserts=inserts,
        updates=pd.DataFrame(updates, columns=list(FIELDS), dtype=object),
        deletes=sorted(set(stored) - set(ids)),
    )


# ---------------------------------------------------------------------------
# The benefit map: goal → goal area → benefit → indicator
# ---------------------------------------------------------------------------

LEVELS: tuple[str, ...] = ("goal", "goal_area", "benefit", "indicator")
"""The four columns of the benefit map, left to right."""

NEUTRAL_COLOUR = "#5A6570"
"""Colour of nodes not tied to one goal (a benefit or indicator without targets)."""


def spread(n: int) -> list[float]:
    """Vertical positions of ``n`` nodes in a column: ``y_i = 1 − (i + ½) / n``.

    Every column fills the same height whatever its number of nodes, the first node
    on top (our layout, no external source).

    >>> spread(2), spread(1), spread(0)
    ([0.75, 0.25], [0.5], [])
    """
    return [1 - (i + 0.5) / n for i in range(n)]


def benefit_map(benefits: pd.DataFrame, goals: pd.DataFrame, goal_areas: pd.DataFrame,
                indicators: pd.DataFrame, lang: str = "nb"
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and links of the chain goal → goal area → benefit → indicator.

    A benefit links to every goal of its SDG targets (through its goal area: the link
    goal → goal area exists when some benefit of the area has a target of the goal),
    to its goal area and to its indicator. Only goals, areas and indicators that some
    benefit uses appear. Goal nodes have the UN colour of the goal; benefit and
    indicator nodes the colour of their lowest-numbered goal; goal areas, which span
    goals, :data:`NEUTRAL_COLOUR`. Positions: ``x`` = column 0–3 (:data:`LEVELS`),
    ``y`` from :func:`spread`.

    Parameters
    ----------
    benefits : DataFrame
        Stored records (``id``, ``goal_area``, ``name``, ``targets``, ``indicator``,
        ``is_demo``).
    goals : DataFrame
        ``goal``, ``colour``, ``short_nb``, ``short_en``.
    goal_areas : DataFrame
        ``code``, ``sort``, ``name_nb``, ``name_en``.
    indicators : DataFrame
        ``id``, ``name_nb``, ``name_en``, ``is_demo``.

    Returns
    -------
    nodes : DataFrame
        ``node`` (e.g. ``"goal:4"``), ``level``, ``x``, ``y``, ``label``, ``colour``,
        ``is_demo``.
    edges : DataFrame
        ``source``, ``target``, ``x``, ``y``, ``x2``, ``y2``, ``colour`` (of the
        source node).

    Examples
    --------
    >>> goals = pd.DataFrame({"goal": [4], "colour": ["#C5192D"], "short_nb": ["God utdanning"],
    ...                       "short_en": ["Quality education"]})
    >>> areas = pd.DataFrame({"code": ["tj"], "sort": [1], "name_nb": ["Tjenester"],
    ...                       "name_en": ["Services"]})
    >>> ind = pd.DataFrame({"id": ["gsp"], "name_nb": ["Grunnskolepoeng"],
    ...                     "name_en": ["Exit points"], "is_demo": [False]})
    >>> bens = pd.DataFrame({"id": [1], "goal_area": ["tj"], "name": ["Bedre skole"],
    ...                      "targets": ["4.1"], "indicator": ["gsp"], "is_demo": [False]})
    >>> nodes, edges = benefit_map(bens, goals, areas, ind)
    >>> nodes[["node", "x", "y", "colour"]].values.tolist()
    [['goal:4', 0, 0.5, '#C5192D'], ['goal_area:tj', 1, 0.5, '#5A6570'], ['benefit:1', 2, 0.5, '#C5192D'], ['indicator:gsp', 3, 0.5, '#C5192D']]
    >>> edges[["source", "target"]].values.tolist()
    [['goal:4', 'goal_area:tj'], ['goal_area:tj', 'benefit:1'], ['benefit:1', 'indicator:gsp']]
    """
    recs = normalise(benefits)
    colour = dict(zip(goals["goal"].astype(int), goals["colour"], strict=True))
    goal_name = dict(zip(goals["goal"].astype(int), goals[f"short_{lang}"], strict=True))
    area_sort = dict(zip(goal_areas["code"], goal_areas["sort"], strict=True))
    area_name = dict(zip(goal_areas["code"], goal_areas[f"name_{lang}"], strict=True))
    ind_name = dict(zip(indicators["id"], indicators[f"name_{lang}"], strict=True))
    ind_demo = dict(zip(indicators["id"], indicators["is_demo"].astype(bool), strict=True))

    recs["goals"] = [sorted({int(c.split(".")[0]) for c in parse_targets(t)} & set(colour))
                     for t in recs["targets"]]
    recs["_area_sort"] = recs["goal_area"].map(lambda a: area_sort.get(a, 10**6))
    recs = recs.sort_values(["_area_sort", "id"], kind="stable", na_position="last")

    nodes: dict[str, dict] = {}
    edges: dict[tuple[str, str], None] = {}

    def node(key: str, level: int, label: str, col: str, demo: bool = False) -> str:
        nodes.setdefault(key, {"node": key, "level": LEVELS[level], "x": level,
                               "label": label, "colour": col, "is_demo": demo})
        return key

    for pos, rec in enumerate(recs.to_dict("records")):
        first = colour[rec["goals"][0]] if rec["goals"] else NEUTRAL_COLOUR
        area = node(f"goal_area:{rec['goal_area']}", 1,
                    area_name.get(rec["goal_area"], str(rec["goal_area"])), NEUTRAL_COLOUR)
        ben = node(f"benefit:{rec['id'] if rec['id'] is not None else f'new{pos}'}", 2,
                   str(rec["name"]), first, bool(rec["is_demo"]))
        edges[(area, ben)] = None
        for g in rec["goals"]:
            edges[(node(f"goal:{g}", 0, f"{g} {goal_name[g]}", colour[g]), area)] = None
        if rec["indicator"] is not None:
            ind = node(f"indicator:{rec['indicator']}", 3,
                       ind_name.get(rec["indicator"], rec["indicator"]), first,
                       ind_demo.get(rec["indicator"], False))
            edges[(ben, ind)] = None

    table = pd.DataFrame(list(nodes.values()),
                         columns=["node", "level", "x", "label", "colour", "is_demo"])
    goal_rows = table["level"] == "goal"
    goal_numbers = table.loc[goal_rows, "node"].str.split(":").str[1].astype(int)
    table["_order"] = range(len(table))
    table.loc[goal_rows, "_order"] = goal_numbers - 1000  # goals in UN order
    table = table.sort_values(["x", "_order"], kind="stable").drop(columns="_order")
    table["y"] = 0.0
    for _, group in table.groupby("x"):
        table.loc[group.index, "y"] = spread(len(group))
    table = table.reset_index(drop=True)[["node", "level", "x", "y", "label", "colour",
                                          "is_demo"]]

    at = table.set_index("node")
    link_rows = [{"source": s, "target": t, "x": at.at[s, "x"], "y": at.at[s, "y"],
                  "x2": at.at[t, "x"], "y2": at.at[t, "y"], "colour": at.at[s, "colour"]}
                 for s, t in edges]
    links = pd.DataFrame(link_rows, columns=["source", "target", "x", "y", "x2", "y2",
                                             "colour"])
    return table, links.sort_values(["x", "y", "y2"], ascending=[True, False, False],
                                    kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------
# The owner's view
# ---------------------------------------------------------------------------


def owners(benefits: pd.DataFrame) -> list[str]:
    """The benefit owners present in the plan, sorted.

    >>> owners(pd.DataFrame({"owner": ["B", "A", None, "B", " "]}))
    ['A', 'B']
    """
    return sorted({o for o in normalise(benefits)["owner"] if o is not None})


def latest_values(observations: pd.DataFrame, codes: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per indicator the latest year with a value.

    Where several municipality codes have that year (a renumbering chain such as
    3203 ← 3025), the code listed first in ``codes`` wins.

    >>> obs = pd.DataFrame({"municipality": ["3025", "3025", "3203"],
    ...                     "indicator": ["x", "x", "x"], "year": [2022, 2023, 2023],
    ...                     "value": [1.0, 2.0, 3.0]})
    >>> latest_values(obs, ("3203", "3025")).values.tolist()
    [['x', 2023, 3.0]]
    """
    cols = ["indicator", "year", "value"]
    obs = observations.dropna(subset=["value"])
    if obs.empty:
        return pd.DataFrame(columns=cols)
    rank = {c: i for i, c in enumerate(codes)}
    obs = obs.assign(_rank=obs["municipality"].map(lambda c: rank.get(c, len(rank))))
    obs = obs.sort_values(["indicator", "year", "_rank"], ascending=[True, False, True])
    return obs.drop_duplicates("indicator")[cols].reset_index(drop=True)


def owner_view(benefits: pd.DataFrame, latest: pd.DataFrame, indicators: pd.DataFrame,
               owner: str | None) -> pd.DataFrame:
    """One owner's benefits with the latest value of each indicator and the target.

    The gain since the zero point is :func:`sdg.progress.gain` (METHODS.md §2):
    ``Δ = latest − zero_value`` and ``share = Δ / (target_value − zero_value)``; it is
    left empty when the zero point is missing or the latest figure is older than the
    zero point.

    Parameters
    ----------
    benefits : DataFrame
        Records (:data:`FIELDS`).
    latest : DataFrame
        :func:`latest_values`: ``indicator``, ``year``, ``value``.
    indicators : DataFrame
        ``id``, ``direction``, ``is_demo``.
    owner : str or None
        The owner to show; None shows every benefit.

    Returns
    -------
    DataFrame
        ``id``, ``name``, ``goal_area``, ``indicator``, ``zero_value``, ``zero_year``,
        ``latest_value``, ``latest_year``, ``target_value``, ``target_year``,
        ``delta``, ``share_of_distance``, ``desired``, ``is_demo`` (the benefit or its
        indicator is demo).

    Examples
    --------
    >>> bens = pd.DataFrame({"id": [1], "name": ["Bedre skole"], "owner": ["Oppvekst"],
    ...                      "indicator": ["gsp"], "zero_value": [43.09],
    ...                      "zero_date": ["2019-06-30"], "target_value": [44.5],
    ...                      "target_date": ["2030-06-30"]})
    >>> latest = pd.DataFrame({"indicator": ["gsp"], "year": [2024], "value": [43.8]})
    >>> ind = pd.DataFrame({"id": ["gsp"], "direction": [1], "is_demo": [False]})
    >>> row = owner_view(bens, latest, ind, "Oppvekst").to_dict("records")[0]
    >>> round(row["delta"], 2), round(row["share_of_distance"], 4), row["desired"]
    (0.71, 0.5035, True)
    """
    recs = normalise(benefits)
    if owner is not None:
        recs = recs[recs["owner"] == owner]
    last = latest.set_index("indicator")
    direction = dict(zip(indicators["id"], indicators["direction"].astype(int), strict=True))
    demo = dict(zip(indicators["id"], indicators["is_demo"].astype(bool), strict=True))
    rows = []
    for rec in recs.to_dict("records"):
        ind = rec["indicator"]
        has_latest = ind in last.index
        zero_year = rec["zero_date"].year if rec["zero_date"] else None
        row = {
            "id": rec["id"], "name": rec["name"], "goal_area": rec["goal_area"],
            "indicator": ind, "zero_value": rec["zero_value"], "zero_year": zero_year,
            "latest_value": float(last.at[ind, "value"]) if has_latest else None,
            "latest_year": int(last.at[ind, "year"]) if has_latest else None,
            "target_value": rec["target_value"],
            "target_year": rec["target_date"].year if rec["target_date"] else None,
            "delta": None, "share_of_distance": None, "desired": None,
            "is_demo": bool(rec["is_demo"]) or demo.get(ind, False),
        }
        if (has_latest and rec["zero_value"] is not None and zero_year is not None
                and row["latest_year"] >= zero_year):
            g = gain(zero_year, rec["zero_value"], row["latest_year"], row["latest_value"],
                     direction=direction.get(ind, 0), target=rec["target_value"])
            row |= {"delta": g.delta, "share_of_distance": g.share_of_distance,
                    "desired": g.desired}
        rows.append(row)
    columns = ["id", "name", "goal_area", "indicator", "zero_value", "zero_year",
               "latest_value", "latest_year", "target_value", "target_year", "delta",
               "share_of_distance", "desired", "is_demo"]
    return pd.DataFrame(rows, columns=columns)


def history_record(record: dict) -> dict:
    """A record as JSON-ready values (dates as ISO text) for the change log.

    >>> history_record({"name": "A", "zero_date": dt.date(2019, 6, 30), "zero_value": None})
    {'name': 'A', 'zero_date': '2019-06-30', 'zero_value': None}
    """
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in record.items()}
