"""Gains since the 2019 zero point: one row per indicator, comparisons, goal status.

Three pure calculations (pandas in, pandas out) on top of :mod:`sdg.baseline` and
:mod:`sdg.progress`:

* :func:`zero_point_report`: for one municipality, per indicator the zero point and
  how it was made, the latest value of its series (continued through renumberings),
  the gain since the zero point (METHODS.md §2) and the Open SDG progress status and
  score with the zero-point year as base year (METHODS.md §1).
* :func:`comparison_series`: the national figure (sum or denominator-weighted mean
  by the indicator's aggregation rule) and the median of municipalities of similar
  size, per year, for the trend charts.
* :func:`goal_status`: per SDG the mean score of its indicators and the status
  from it, for the overview of the goal page.

Indicators with no desired direction (``direction = 0``: context indicators such as
the population) get a zero point, a latest value and a change, but no progress
status: their status is :data:`NO_DIRECTION`.

Tables are those of the store: ``indicators`` as ``Store.indicators()`` (``id``,
``name_nb``/``name_en``, ``unit_nb``/``unit_en``, ``direction``, ``aggregation``,
``denominator``, ``decimals``, ``targets`` as "4.1, 4.2", ``is_demo``);
``observations`` long (``municipality``, ``indicator``, ``year``, ``value``);
``changes`` as ``Store.municipality_changes()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from sdg.baseline import (
    continued_series,
    manual_zero_point,
    predecessors,
    renumbering_chain,
    zero_point,
)
from sdg.errors import InvalidInput
from sdg.i18n import t
from sdg.progress import (
    STATUS_COLOURS,
    gain,
    indicator_progress,
    series_progress,
    status_from_scores,
    status_label,
)

NO_DIRECTION = "no_direction"
"""Status of an indicator without a desired direction: no progress is measured."""

GAIN_STATUS_COLOURS: dict[str, str] = STATUS_COLOURS | {NO_DIRECTION: "#D9D9D9"}
"""Status colours of :mod:`sdg.progress` plus a light grey for "no desired direction"."""

#: (stem in the denominator's id or bokmål name, text key of the weighting label)
WEIGHTING_STEMS: tuple[tuple[str, str], ...] = (
    ("elev", "gains.weighting.pupils"),
    ("befolkning", "gains.weighting.population"),
    ("folkemengde", "gains.weighting.population"),
    ("innbygger", "gains.weighting.population"),
)

#: Columns of :func:`zero_point_report`, in order.
REPORT_COLUMNS: tuple[str, ...] = (
    "indicator", "name", "unit", "direction", "aggregation", "decimals", "is_demo", "goals",
    "zero_year", "zero_value", "zero_method", "provenance",
    "latest_year", "latest_value", "period", "delta", "relative", "desired",
    "target", "target_year", "share_of_distance", "band",
    "progress_value", "score", "status", "series",
)

#: Similar size: population within ± this share of the municipality's own.
SIMILAR_SIZE_BAND = 0.25

#: The national line ("Landet") of a year needs figures from at least this many
#: municipalities (of 357): a handful of series (a demo indicator of one municipality,
#: a file with a few neighbours) is not the country (issue 12).
NATIONAL_MIN_MUNICIPALITIES = 100


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def goals_of(targets: object) -> tuple[int, ...]:
    """The SDG numbers of a "4.1, 11.3" list of target codes, sorted, unique.

    >>> goals_of("4.1, 11.3, 4.a"), goals_of(None), goals_of("")
    ((4, 11), (), ())
    """
    if targets is None or (isinstance(targets, float) and math.isnan(targets)):
        return ()
    found = {int(code.split(".")[0]) for code in str(targets).split(",") if code.strip()}
    return tuple(sorted(found))


def denominator_label(denominator_id: str | None, denominator_name: str | None,
                      lang: str = "nb") -> str | None:
    """How a weighted zero point is weighted, named after its denominator.

    A denominator whose id or bokmål name contains "elev" is "elevvektet" /
    "pupil-weighted"; "befolkning", "folkemengde" or "innbygger" gives
    "befolkningsvektet" / "population-weighted"; any other is "vektet med <name>".
    None without a denominator.

    >>> denominator_label("elever_10_trinn", "Elever på 10. trinn", "nb")
    'elevvektet'
    >>> denominator_label("befolkning", "Folkemengde 1. januar", "en")
    'population-weighted'
    >>> denominator_label("arsverk", "Årsverk", "nb")
    'vektet med årsverk'
    """
    if not denominator_id:
        return None
    text = f"{denominator_id} {denominator_name or ''}".lower()
    for stem, key in WEIGHTING_STEMS:
        if stem in text:
            return t(key, lang)
    return t("gains.weighting.other", lang, name=(denominator_name or denominator_id).lower())


def gain_status_label(status: str, lang: str = "nb") -> str:
    """The label of a status of this module (the progress statuses and "no direction").

    >>> gain_status_label("no_direction"), gain_status_label("deterioration", "en")
    ('Ingen ønsket retning', 'Deterioration')
    """
    if status == NO_DIRECTION:
        return t("gains.status.no_direction", lang)
    return status_label(status, lang)


def related_codes(municipality: str, changes: pd.DataFrame | None,
                  year: int = 2019) -> list[str]:
    """Every code whose values the zero-point report of ``municipality`` may use.

    The municipality, its earlier codes through renumberings and the municipalities
    it was made of in ``year``.

    >>> ch = pd.DataFrame({"predecessor": ["0220", "0627", "0628", "3025"],
    ...                    "successor": ["3025", "3025", "3025", "3203"],
    ...                    "year": [2020, 2020, 2020, 2024],
    ...                    "kind": ["merger", "merger", "merger", "renumbering"]})
    >>> related_codes("3203", ch)
    ['0220', '0627', '0628', '3025', '3203']
    """
    codes = set(renumbering_chain(municipality, changes))
    codes |= set(predecessors(municipality, year, changes))
    return sorted(codes)


def lineage(municipality: str, changes: pd.DataFrame | None) -> pd.DataFrame | None:
    """The rows of ``changes`` on the municipality's own history (walking back).

    The zero-point functions only need these; passing a handful of rows instead of
    the whole country's change table keeps the report fast.

    >>> ch = pd.DataFrame({"predecessor": ["0220", "0219", "3025"],
    ...                    "successor": ["3025", "3024", "3203"],
    ...                    "year": [2020, 2020, 2024],
    ...                    "kind": ["merger", "renumbering", "renumbering"]})
    >>> lineage("3203", ch)["predecessor"].tolist()
    ['0220', '3025']
    """
    if changes is None or changes.empty:
        return changes
    succ = changes["successor"].astype(str)
    pred = changes["predecessor"].astype(str)
    reached, frontier = {str(municipality)}, {str(municipality)}
    while frontier:
        new = set(pred[succ.isin(frontier)]) - reached
        reached |= new
        frontier = new
    # a predecessor's other successors (splits) must stay visible to sdg.baseline
    return changes[succ.isin(reached) | pred.isin(reached - {str(municipality)})]


# ---------------------------------------------------------------------------
# The zero-point report
# ---------------------------------------------------------------------------


def split_unusable(observations: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows whose ``value`` is a finite number, and the others (inf, -inf, NaN).

    A non-finite figure (stored before imports refused them, or written by another
    tool) must not stop a page: the report is computed from the usable rows and the
    page names the ones it could not use.

    >>> obs = pd.DataFrame({"municipality": ["3203"] * 3, "indicator": ["x"] * 3,
    ...                     "year": [2019, 2020, 2021], "value": [1.5, float("inf"), None]})
    >>> usable, unusable = split_unusable(obs)
    >>> usable["year"].tolist(), unusable["year"].tolist()
    ([2019], [2020, 2021])
    """
    values = pd.to_numeric(observations["value"], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(values)
    return observations[ok], observations[~ok]


def zero_point_report(
    municipality: str,
    indicators: pd.DataFrame,
    observations: pd.DataFrame,
    changes: pd.DataFrame | None,
    *,
    year: int = 2019,
    targets: Mapping[str, tuple[float, int]] | None = None,
    manual: Mapping[str, tuple[float, str]] | None = None,
    lang: str = "nb",
) -> pd.DataFrame:
    """One row per indicator: zero point, latest value, gain and progress.

    Per indicator ``i`` with aggregation rule ``rule`` and (for ``weighted``) the
    denominator indicator ``d``:

    * zero point: :func:`sdg.baseline.zero_point` of ``i`` in ``year`` (published,
      continued through a renumbering, or computed from the predecessors by the
      rule; METHODS.md §3), with its provenance text, weighted ones named after the
      denominator (:func:`denominator_label`); where that gives no value (rule
      ``none``, missing data, a split) a manual zero point from ``manual``
      (:func:`sdg.baseline.manual_zero_point`, method "manual", its note in the
      provenance);
    * series: the municipality's own values continued back through renumberings
      (:func:`sdg.baseline.continued_series`), plus the computed zero point in
      ``year`` where the series has no value there;
    * latest: the last year of the series after ``year``;
      ``Δ = latest − zero``, ``Δ / |zero|``, desired when ``Δ · direction > 0``;
      with a target ``(value, year)`` from ``targets`` the share of the distance
      ``(latest − zero) / (target − zero)`` and its U4SSC band (METHODS.md §2,
      :func:`sdg.progress.gain`). Δ uses the unrounded zero point;
    * progress: :func:`sdg.progress.series_progress` of the series with
      ``base_year = year`` (and the target, if any), one series per indicator, so
      the indicator score is that series' score (:func:`indicator_progress`); only
      with a zero point and a later value (else "not_available"), so that every
      status compares the years in ``period``.
      Indicators with ``direction = 0`` get the status :data:`NO_DIRECTION`.

    Parameters
    ----------
    municipality : str
        The code asked about (e.g. "3203").
    indicators, observations, changes : DataFrame
        See the module docstring; ``observations`` must hold the values of the codes
        of :func:`related_codes` for the indicators and their denominators.
    year : int
        The zero-point year.
    targets : mapping, optional
        indicator id → (target value, target year).
    manual : mapping, optional
        indicator id → (value, note): zero points entered by hand.
    lang : {"nb", "en"}
        Language of names, units and provenance.

    Returns
    -------
    DataFrame with :data:`REPORT_COLUMNS`; ``series`` holds a small DataFrame per
    row (``year``, ``value``, ``source``: a code or "zero_point"); ``desired`` is
    True, False or None.

    Examples
    --------
    >>> ind = pd.DataFrame({"id": ["x"], "name_nb": ["X"], "name_en": ["X"],
    ...     "unit_nb": ["poeng"], "unit_en": ["points"], "direction": [1],
    ...     "aggregation": ["sum"], "denominator": [None], "decimals": [1],
    ...     "targets": ["4.1"], "is_demo": [False]})
    >>> obs = pd.DataFrame({"municipality": "0301", "indicator": "x",
    ...                     "year": [2019, 2021], "value": [100.0, 121.0]})
    >>> r = zero_point_report("0301", ind, obs, None).iloc[0]
    >>> float(r.zero_value), float(r.latest_value), float(r.delta), r.period, r.zero_method
    (100.0, 121.0, 21.0, '2019–2021', 'published')
    >>> round(float(r.progress_value), 6), r.status     # CAGR (121/100)^(1/2) − 1 = 0.1
    (0.1, 'substantial_progress')
    """
    targets = dict(targets or {})
    manual = dict(manual or {})
    changes = lineage(municipality, changes)
    if changes is not None:
        changes = changes[["predecessor", "successor", "year", "kind"]].astype(
            {"predecessor": object, "successor": object, "kind": object})
    names = dict(zip(indicators["id"], indicators["name_nb"], strict=True))
    # plain object columns: iterating Arrow-backed strings row by row is slow
    observations = observations[["municipality", "indicator", "year", "value"]].astype(
        {"municipality": object, "indicator": object})
    by_indicator = {key: frame for key, frame in observations.groupby("indicator", sort=False)}
    empty = observations.iloc[0:0]
    rows = []
    for ind in indicators.itertuples(index=False):
        obs = by_indicator.get(ind.id, empty)
        denominator = ind.denominator if isinstance(ind.denominator, str) else None
        dens = by_indicator.get(denominator, empty) if denominator else None
        zp = zero_point(municipality, obs, changes, rule=ind.aggregation, year=year,
                        denominators=dens)
        if zp.value is None and ind.id in manual:
            value, note = manual[ind.id]
            zp = manual_zero_point(municipality, value, note, year=year)
        series = _series_with_zero_point(municipality, obs, changes, zp.value, year)
        label = denominator_label(denominator, names.get(denominator), lang)
        target, target_year = targets.get(ind.id, (None, None))
        rows.append(_report_row(ind, zp, series, label, year, target, target_year, lang))
    return pd.DataFrame(rows, columns=list(REPORT_COLUMNS))


def _series_with_zero_point(municipality: str, obs: pd.DataFrame, changes: pd.DataFrame | None,
                            zero_value: float | None, year: int) -> pd.DataFrame:
    series = continued_series(municipality, obs, changes)
    years = series["year"].tolist()
    values = series["value"].tolist()
    sources = series["source_municipality"].tolist()
    if zero_value is not None and year not in years:
        at = sum(y < year for y in years)
        years.insert(at, year)
        values.insert(at, zero_value)
        sources.insert(at, "zero_point")
    return pd.DataFrame({"year": years, "value": values, "source": sources})


def _report_row(ind, zp, series: pd.DataFrame, label: str | None, year: int,
                target: float | None, target_year: int | None, lang: str) -> dict:
    direction = int(ind.direction)
    years, values = series["year"].tolist(), series["value"].tolist()
    latest_year = years[-1] if years and years[-1] > year else None
    latest = values[-1] if latest_year is not None else None
    row = {
        "indicator": ind.id, "name": getattr(ind, f"name_{lang}"),
        "unit": getattr(ind, f"unit_{lang}"), "direction": direction,
        "aggregation": ind.aggregation, "decimals": int(ind.decimals),
        "is_demo": bool(ind.is_demo), "goals": goals_of(ind.targets),
        "zero_year": year, "zero_value": zp.value, "zero_method": zp.method,
        "provenance": zp.provenance(lang, label),
        "latest_year": latest_year, "latest_value": latest, "period": None,
        "delta": None, "relative": None, "desired": None,
        "target": target, "target_year": target_year,
        "share_of_distance": None, "band": None,
        "progress_value": None, "score": None, "status": NO_DIRECTION, "series": series,
    }
    if zp.value is not None and latest is not None:
        g = gain(year, zp.value, latest_year, latest, direction=direction, target=target)
        row |= {"period": g.period, "delta": g.delta, "relative": g.relative,
                "desired": g.desired, "share_of_distance": g.share_of_distance,
                "band": g.band}
    if direction != 0 and (zp.value is None or latest is None):
        # a status against the zero point needs both ends: without a zero point the
        # Open SDG rule would start at the first later year (2020→2021), a comparison
        # the page does not say it makes (issue 12)
        row["status"] = "not_available"
    elif direction != 0:
        kwargs = {} if target is None else {"target": target, "target_year": target_year}
        sp = series_progress(years, values, direction=direction, base_year=year, **kwargs)
        ip = indicator_progress([sp])
        row |= {"progress_value": sp.progress_value, "score": ip.score, "status": ip.status}
    return row


# ---------------------------------------------------------------------------
# Comparisons: national figure and municipalities of similar size
# ---------------------------------------------------------------------------


def national_series(values: pd.DataFrame, rule: str,
                    denominators: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national figure per year from every municipality's value.

    ``sum``: ``Σ vₘ``; ``weighted``: ``Σ vₘ·dₘ / Σ dₘ`` over the municipalities
    with both a value and a denominator ``dₘ`` in that year (the same rule as a
    merger, METHODS.md §3, applied to the whole country); ``none``: no national
    figure (an empty frame). ``values`` (and ``denominators``) must hold one border
    set per year (see :func:`comparison_series`).

    Returns
    -------
    DataFrame ``year``, ``value``, ``n`` (municipalities counted).

    >>> v = pd.DataFrame({"municipality": ["a", "b", "a", "b"], "year": [2019, 2019, 2020, 2020],
    ...                   "value": [40.0, 46.0, 41.0, 47.0]})
    >>> d = v.assign(value=[100.0, 50.0, 100.0, 300.0])
    >>> national_series(v, "weighted", d).to_dict("list")   # (40·100+46·50)/150 = 42
    {'year': [2019, 2020], 'value': [42.0, 45.5], 'n': [2, 2]}
    >>> national_series(v, "sum")["value"].tolist()
    [86.0, 88.0]
    """
    if rule == "none":
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "value": pd.Series(dtype=float),
                             "n": pd.Series(dtype="int64")})
    v = values.dropna(subset=["value"])
    if rule == "sum":
        out = v.groupby("year").agg(value=("value", "sum"), n=("value", "size"))
    elif rule == "weighted":
        if denominators is None:
            raise InvalidInput("progress.baseline.err.no_denominators")
        both = v.merge(denominators.dropna(subset=["value"]), on=["municipality", "year"],
                       suffixes=("", "_d"))
        both = both.assign(vd=both["value"] * both["value_d"])
        out = both.groupby("year").agg(vd=("vd", "sum"), d=("value_d", "sum"),
                                       n=("value", "size"))
        out = out[out["d"] > 0]
        out = out.assign(value=out["vd"] / out["d"])[["value", "n"]]
    else:
        raise InvalidInput("progress.baseline.err.rule", rule=rule)
    return out.reset_index().astype({"year": "int64", "value": float, "n": "int64"})


def similar_size(populations: pd.DataFrame, municipality: str,
                 band: float = SIMILAR_SIZE_BAND) -> list[str]:
    """Municipalities whose population is within ± ``band`` of the municipality's.

    ``populations``: ``municipality``, ``value`` (one year, today's municipalities).
    The municipality itself is left out; empty when it has no population.

    >>> pop = pd.DataFrame({"municipality": ["a", "b", "c", "d"],
    ...                     "value": [100.0, 125.0, 74.0, 80.0]})
    >>> similar_size(pop, "a")        # 75 ≤ p ≤ 125
    ['b', 'd']
    """
    own = populations.loc[populations["municipality"] == municipality, "value"]
    if own.empty or pd.isna(own.iloc[0]):
        return []
    p0 = float(own.iloc[0])
    close = populations[(populations["value"] - p0).abs() <= band * p0]
    return sorted(set(close["municipality"]) - {municipality})


def border_set(values: pd.DataFrame, validity: pd.DataFrame) -> pd.DataFrame:
    """Per year, only the values of the municipalities of one set of borders.

    Figures are published on different borders (population on today's borders for
    every year; school figures on the borders of the year, sometimes also on the next
    year's): summing all of them would count a merged area twice. For each year the
    border year ``b`` (a ``valid_from`` of some municipality) whose municipalities
    (``valid_from ≤ b ≤ valid_to``) have the most values that year is used, the later
    one on a tie.

    ``validity``: ``code``, ``valid_from``, ``valid_to`` (NaN/NA = exists today).

    >>> val = pd.DataFrame({"code": ["0219", "3024", "3201"], "valid_from": [2013, 2020, 2024],
    ...                     "valid_to": [2019, 2023, None]})
    >>> v = pd.DataFrame({"municipality": ["0219", "3024", "3201"], "year": 2019,
    ...                   "value": [1.0, 1.0, 1.0]})
    >>> border_set(v, val)["municipality"].tolist()   # three sets of one: the latest wins
    ['3201']
    """
    if values.empty:
        return values
    val = validity.assign(valid_to=pd.to_numeric(validity["valid_to"]).fillna(9999))
    borders = np.sort(val["valid_from"].unique()).astype(float)
    rows = values[["municipality"]].merge(
        val[["code", "valid_from", "valid_to"]], left_on="municipality", right_on="code",
        how="left")
    first = rows["valid_from"].to_numpy(dtype=float, na_value=np.inf)[:, None]
    last = rows["valid_to"].to_numpy(dtype=float, na_value=-np.inf)[:, None]
    member = (first <= borders) & (last >= borders)  # rows × border years
    counts = pd.DataFrame(member).groupby(values["year"].to_numpy()).sum()
    # the border year with most values; reversed so that a tie goes to the later one
    best = len(borders) - 1 - np.argmax(counts.to_numpy()[:, ::-1], axis=1)
    best_of_row = pd.Series(best, index=counts.index).reindex(values["year"].to_numpy())
    keep = member[np.arange(len(values)), best_of_row.to_numpy()]
    return values[keep].reset_index(drop=True)


def comparison_series(
    municipality: str,
    indicators: pd.DataFrame,
    observations: pd.DataFrame,
    validity: pd.DataFrame,
    changes: pd.DataFrame | None = None,
    *,
    population_indicator: str = "befolkning",
    band: float = SIMILAR_SIZE_BAND,
    min_national: int = NATIONAL_MIN_MUNICIPALITIES,
) -> pd.DataFrame:
    """National figure and similar-size median per indicator and year.

    * ``national``: :func:`national_series` by the indicator's aggregation rule over
      the municipalities of one border set per year (:func:`border_set`), only for
      years with figures from at least ``min_national`` municipalities
      (:data:`NATIONAL_MIN_MUNICIPALITIES`);
    * ``similar``: the median of the values of today's municipalities whose
      population is within ± ``band`` (25 %) of the municipality's in the latest
      year with population figures (:func:`similar_size`), each with its series
      continued back through renumberings (``changes``; e.g. Drammen 3301 ← 3005).

    Parameters
    ----------
    indicators : DataFrame
        ``id``, ``aggregation``, ``denominator`` of the indicators to compare.
    observations : DataFrame
        Every municipality's values (``municipality``, ``indicator``, ``year``,
        ``value``) of the indicators, their denominators and the population.
    validity : DataFrame
        ``code``, ``valid_from``, ``valid_to`` of every municipality.
    changes : DataFrame, optional
        The change table, to continue the similar municipalities' series.

    Returns
    -------
    DataFrame ``indicator``, ``series`` ("national" or "similar"), ``year``,
    ``value``, ``n`` (municipalities behind the figure), ``size_year`` (the
    population year the similar group comes from).

    >>> ind = pd.DataFrame({"id": ["x"], "aggregation": ["sum"], "denominator": [None]})
    >>> obs = pd.DataFrame({"municipality": ["a", "b", "c", "a", "b", "c"],
    ...     "indicator": ["x"] * 3 + ["befolkning"] * 3, "year": 2020,
    ...     "value": [1.0, 2.0, 4.0, 100.0, 110.0, 200.0]})
    >>> val = pd.DataFrame({"code": ["a", "b", "c"], "valid_from": 2013, "valid_to": None})
    >>> comparison_series("a", ind, obs, val, min_national=3)[["series", "value", "n"]
    ...                                                       ].values.tolist()
    [['national', 7.0, 3], ['similar', 2.0, 1]]
    >>> comparison_series("a", ind, obs, val)["series"].tolist()   # 3 < 100: no "Landet"
    ['similar']
    """
    obs = observations.dropna(subset=["value"])
    by_indicator = {k: f for k, f in obs.groupby("indicator", sort=False)}
    empty = obs.iloc[0:0]
    current = validity[pd.isna(validity["valid_to"])]["code"]
    pop = by_indicator.get(population_indicator, empty)
    pop = pop[pop["municipality"].isin(current)]
    size_year = int(pop["year"].max()) if not pop.empty else None
    similar = similar_size(pop[pop["year"] == size_year], municipality, band) if size_year else []
    # earlier code → today's code, through renumberings only (a newer code wins a year)
    alias = {old: code for code in similar
             for old in renumbering_chain(code, lineage(code, changes))}
    parts = []
    for ind in indicators.itertuples(index=False):
        values = border_set(by_indicator.get(ind.id, empty), validity)
        dens = None
        if isinstance(ind.denominator, str):
            dens = border_set(by_indicator.get(ind.denominator, empty), validity)
        nat = national_series(values, ind.aggregation, dens).assign(series="national")
        nat = nat[nat["n"] >= min_national]
        sim = by_indicator.get(ind.id, empty)
        sim = sim[sim["municipality"].isin(alias)]
        sim = sim.assign(today=sim["municipality"].map(alias),
                         own=sim["municipality"].isin(similar))
        sim = sim.sort_values("own").drop_duplicates(["today", "year"], keep="last")
        sim = sim.groupby("year").agg(value=("value", "median"), n=("value", "size"))
        sim = sim.reset_index().assign(series="similar")
        parts += [nat.assign(indicator=ind.id), sim.assign(indicator=ind.id)]
    columns = ["indicator", "series", "year", "value", "n"]
    if not parts:
        return pd.DataFrame(columns=[*columns, "size_year"])
    out = pd.concat([p[columns] for p in parts if not p.empty] or [parts[0][columns]],
                    ignore_index=True)
    return out.astype({"year": "int64", "value": float, "n": "int64"}).assign(
        size_year=size_year)


# ---------------------------------------------------------------------------
# Goal status
# ---------------------------------------------------------------------------


def goal_status(report: pd.DataFrame, goals: Iterable[int] = range(1, 18)) -> pd.DataFrame:
    """Per SDG: the mean score of its indicators and the status from it.

    Open SDG: an indicator's score is the mean of its series' scores (here one series
    each, :func:`zero_point_report`); a goal's score is the mean over its indicators
    that have a score, and its status follows with the indicator thresholds of
    :func:`sdg.progress.status_from_scores` (``≥ 2.5`` substantial, ``≥ 0`` moderate,
    ``≥ −2.5`` limited, else deterioration; target achieved when all scored indicators
    achieved it; not available when none is scored).

    Returns
    -------
    DataFrame ``goal``, ``n_indicators``, ``n_data`` (indicators with a zero point or
    a later value), ``n_scored``, ``score``, ``status``, ``years`` (the zero-point year
    to the latest year of the scored indicators, e.g. "2019–2023"; missing unscored).

    >>> rep = pd.DataFrame({"goals": [(4,), (4, 11), (11,)], "score": [3.0, 1.0, None],
    ...     "status": ["substantial_progress", "moderate_progress", "no_direction"],
    ...     "zero_year": 2019, "zero_value": [1.0, 2.0, None],
    ...     "latest_year": [2023, 2021, None], "latest_value": [1.5, 2.5, None]})
    >>> goal_status(rep, [4, 11, 13]).values.tolist()
    [[4, 2, 2, 2, 2.0, 'moderate_progress', '2019–2023'], [11, 2, 1, 1, 1.0, 'moderate_progress', '2019–2021'], [13, 0, 0, 0, nan, 'not_available', nan]]
    """
    rows = []
    for goal in goals:
        mine = report[report["goals"].map(lambda gs, g=goal: g in gs)]
        scored = mine[mine["score"].notna()]
        score, status = status_from_scores(scored["status"].tolist(),
                                           [float(s) for s in scored["score"]])
        has_data = mine["zero_value"].notna() | mine["latest_value"].notna()
        years = None
        if len(scored):
            years = f"{int(scored['zero_year'].min())}–{int(scored['latest_year'].max())}"
        rows.append({"goal": int(goal), "n_indicators": len(mine), "n_data": int(has_data.sum()),
                     "n_scored": len(scored), "score": score, "status": status,
                     "years": years})
    return pd.DataFrame(rows, columns=["goal", "n_indicators", "n_data", "n_scored", "score",
                                       "status", "years"])
