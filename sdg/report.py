"""Everything the report to the council says, as plain data: :func:`assemble`.

One function reads the store for a municipality and a date and returns a
:class:`Report`: the adopted focus decision (with its case number and meeting date
where the decision model has them), the materiality matrix with its sources, n,
weights and thresholds, the zero-point table with status per indicator, the benefits
plan with its owners, where every figure comes from (import batch, file, SSB table),
and which parts are demo. The PDF (:mod:`sdg.report_pdf`) only lays it out.

The pages that show the same numbers assemble them with the same functions
(:func:`zero_point_data` for the zero-point page and the goal pages,
:func:`matrix_from_ratings` for the matrix page), so the app, the command line and
the report cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import pandas as pd

from sdg.errors import InvalidInput
from sdg.gains import goal_status, related_codes, split_unusable, zero_point_report
from sdg.materiality import aggregate, quadrants, robustness

ZERO_YEAR = 2019
B_ROBUSTNESS = 200


# ------------------------------------------------------------------ zero point
def zero_point_data(store, code: str, lang: str = "nb", year: int = ZERO_YEAR
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The zero-point report of every indicator of ``code`` and its series: the first
    two parts of :func:`zero_point_parts` (non-finite figures left out)."""
    rep, series, _ = zero_point_parts(store, code, lang, year)
    return rep, series


def zero_point_parts(store, code: str, lang: str = "nb", year: int = ZERO_YEAR
                     ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The zero-point report of every indicator of ``code``, its series, and the
    stored figures it could not use.

    :func:`sdg.gains.zero_point_report` with the observations of the municipality and
    its predecessors, the targets of its benefits plan (its own targets set up in the
    app first) and its manual zero points (METHODS.md §3, rule ``none``).

    A figure that is not a finite number (stored before imports refused them, or
    written by another tool) is left out by :func:`sdg.gains.split_unusable`, so the
    report is computed from the usable rows and the page can name the others.

    Returns
    -------
    (report, series, unusable)
        ``report``: one row per indicator (:data:`sdg.gains.REPORT_COLUMNS` without
        ``series``); ``series``: long, ``indicator``, ``year``, ``value``, ``source``
        (the code the value is from, or "zero_point"); ``unusable``: the figures left
        out, ``municipality``, ``indicator``, ``name``, ``year``, ``value``.
    """
    indicators = store.indicators()
    changes = store.municipality_changes()
    observations, unusable = split_unusable(
        store.gain_observations(related_codes(code, changes, year)))
    plan = store.indicator_benefit_targets(code)
    targets = {i: (float(v), int(y)) for i, v, y in
               zip(plan["indicator"], plan["target_value"], plan["target_year"], strict=True)}
    # the municipality's own targets (set up in the app) come before the plan's
    own = store.indicator_targets(code)
    targets |= {i: (float(v), int(y)) for i, v, y in
                zip(own["indicator"], own["target_value"], own["target_year"], strict=True)}
    manual = store.manual_zero_points(code, year)
    manual = {i: (float(v), str(n)) for i, v, n in
              zip(manual["indicator"], manual["value"], manual["note"], strict=True)}
    rep = zero_point_report(code, indicators, observations, changes, year=year,
                            targets=targets, manual=manual, lang=lang)
    # one long frame instead of a frame per row: a cache copies it much faster
    series = pd.concat([s.assign(indicator=i) for i, s in
                        zip(rep["indicator"], rep["series"], strict=True)], ignore_index=True)
    names = indicators[["id", f"name_{lang}"]].rename(columns={"id": "indicator",
                                                               f"name_{lang}": "name"})
    return (rep.drop(columns="series"), series,
            unusable.merge(names, on="indicator", how="left"))


def zero_point_decimals(decimals: int, method: str) -> int:
    """Decimals of a zero point: the indicator's own, one more when it was computed
    as a weighted mean of the predecessors (so ``43,09`` and not ``43,1``: a derived
    figure must not look like a published one rounded). Sums of counts keep theirs.

    >>> zero_point_decimals(1, "weighted"), zero_point_decimals(0, "sum")
    (2, 0)
    """
    return int(decimals) + 1 if method == "weighted" else int(decimals)


# -------------------------------------------------------------------- matrix
def _threshold_args(threshold: dict) -> dict:
    if threshold.get("method") == "fixed":
        return {"x_threshold": float(threshold["x"]), "y_threshold": float(threshold["y"])}
    return {"method": threshold.get("method", "median")}


def default_view(store, code: str, settings: dict | None = None) -> dict:
    """The matrix view a page opens with: every source that counts in the council's
    matrix at weight 1 (weights keyed by the source id as text, as
    :meth:`Store.ratings` names sources), all respondent groups, goals, the stored
    threshold and axes."""
    settings = settings or store.materiality_settings()
    sources = store.rating_sources(code)
    sources = sources[sources["current"]]
    return {
        "municipality": code, "level": "goal", "goals": None,
        "sources": sorted(int(i) for i in sources["id"]), "groups": None,
        "weights": {str(int(i)): 1.0 for i in sources["id"]},
        "threshold": dict(settings["threshold"]), "x_axis": settings["x_axis"],
        "y_axis": settings["y_axis"], "feeds": settings["feeds"],
        "demo": bool(sources["is_demo"].any()),
    }


def view_ratings(store, view: dict) -> pd.DataFrame:
    """The ratings a view selects (``Store.ratings`` with its filters)."""
    return store.ratings(view["municipality"], source_ids=view.get("sources"),
                         groups=view.get("groups"), level=view.get("level", "goal"),
                         goals=view.get("goals"), feeds=view.get("feeds"))


def matrix_from_ratings(ratings: pd.DataFrame, view: dict, B: int = B_ROBUSTNESS
                        ) -> pd.DataFrame:
    """:func:`sdg.materiality.quadrants` of the view's weights and threshold with the
    bootstrap share in focus ``p_focus`` (B resamples, seed 0) merged in.

    Raises
    ------
    InvalidInput
        When no rating matches the view.
    """
    if ratings.empty:
        raise InvalidInput("materiality.err.no_ratings")
    weights = view["weights"]
    axes = {"x_axis": view["x_axis"], "y_axis": view["y_axis"]}
    thr = _threshold_args(view["threshold"])
    matrix = quadrants(aggregate(ratings, weights), **axes, **thr)
    robust = robustness(ratings, weights, **axes, **thr, B=B, seed=0)
    return matrix.merge(robust, on="subject", how="left")


# ------------------------------------------------------------------ decision
def adopted_decision(store, code: str, as_of: dt.date | None = None) -> dict | None:
    """The council's decision on focus goals in force on ``as_of`` (default today), or
    None.

    Only an adopted decision counts (:mod:`sdg.store.decisions`: a draft, a proposal or
    a withdrawn decision never does). For today that is the store's adopted decision;
    for an earlier date, the latest decision adopted at a meeting on or before it that
    has since been superseded or is still in force. Returns ``id``, ``decided_on``,
    ``goals`` (the adopted ones), ``rationale_nb``/``rationale_en``, ``settings`` (the
    matrix view it was proposed with, or None), ``actor``, ``is_demo``,
    ``case_number``, ``meeting_date`` and ``status``. The one place the report reads
    "the adopted decision".
    """
    day = pd.Timestamp(as_of or dt.date.today())
    decisions = store.focus_decisions(code, ["adopted", "superseded"])
    if decisions.empty:
        return None
    when = pd.to_datetime(decisions["meeting_date"].fillna(decisions["decided_on"]))
    decisions = decisions[when <= day]
    if as_of is None or day.date() >= dt.date.today():
        decisions = decisions[decisions["state"] == "adopted"]
    if decisions.empty:
        return None
    row = decisions.iloc[0].to_dict()
    raw = row.get("settings")
    settings = json.loads(raw) if isinstance(raw, str) and raw else None
    return {
        "id": int(row["id"]), "decided_on": pd.Timestamp(row["decided_on"]).date(),
        "goals": sorted(int(g) for g in row["goals"]),
        "rationale_nb": row.get("rationale_nb"), "rationale_en": row.get("rationale_en"),
        "settings": settings, "actor": row.get("actor"), "is_demo": bool(row.get("is_demo")),
        "case_number": _text(row.get("case_number")),
        "meeting_date": _date(row.get("meeting_date")),
        "status": _text(row.get("state")),
    }


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value)


def _date(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


# -------------------------------------------------------------------- report
@dataclass
class Report:
    """Everything one report says (see :func:`assemble`); plain data, no formatting."""

    municipality: dict
    lang: str
    as_of: dt.date
    generated_at: dt.datetime
    decision: dict | None
    focus_goals: list[int]
    goals: pd.DataFrame            # store.goals(): number, names, UN colour
    summary: pd.DataFrame          # per focus goal: goal, n_indicators, n_scored, score, status
    goal_status: pd.DataFrame      # all 17 goals (sdg.gains.goal_status)
    view: dict | None              # the matrix view (sources, weights, threshold, axes)
    view_origin: str               # "decision" (stored with it) or "default" (today's)
    sources: pd.DataFrame          # rating sources in the view, with weight
    matrix: pd.DataFrame | None    # quadrants + p_focus, None without ratings
    zero_point: pd.DataFrame       # sdg.gains.zero_point_report without series
    series: pd.DataFrame           # long: indicator, year, value, source
    commitments: pd.DataFrame      # local goals ("Vi må …") of the focus goals
    benefits: pd.DataFrame         # the benefits plan with owners and indicator status
    provenance: pd.DataFrame       # per indicator and batch: file, who, when, years
    demo: dict[str, bool] = field(default_factory=dict)

    @property
    def has_demo(self) -> bool:
        """True when any part of the report rests on demo content."""
        return any(self.demo.values())


def assemble(store, code: str, lang: str = "nb", as_of: dt.date | None = None,
             year: int = ZERO_YEAR, B: int = B_ROBUSTNESS) -> Report:
    """Read everything a report to the council needs for ``code`` on ``as_of``.

    Parameters
    ----------
    store : sdg.store.Store
    code : str
        The municipality (e.g. "3203").
    lang : {"nb", "en"}
        Language of names, units and provenance texts.
    as_of : date, optional
        The report's date (default today): the decision in force then
        (:func:`adopted_decision`). Figures are the current ones in the store.
    year : int
        The zero-point year.
    B : int
        Bootstrap resamples of the matrix robustness.

    Returns
    -------
    Report
    """
    as_of = as_of or dt.date.today()
    municipality = store.municipality(code)
    decision = adopted_decision(store, code, as_of)
    focus = decision["goals"] if decision else []
    goals = store.goals()

    rep, series = zero_point_data(store, code, lang, year)
    status = goal_status(rep)
    summary = status[status["goal"].isin(focus)].reset_index(drop=True)

    settings = store.materiality_settings()
    view, origin = (decision or {}).get("settings"), "decision"
    if not view:
        view, origin = default_view(store, code, settings), "default"
    sources = store.rating_sources(code)
    sources = sources[sources["id"].isin(view.get("sources") or [])].copy()
    weights = view.get("weights") or {}
    # keyed by source id; a view saved before issue 12 keyed them by name
    sources["weight"] = [float(weights.get(str(int(i)), weights.get(n, 1.0)))
                         for i, n in zip(sources["id"], sources["name"], strict=True)]
    ratings = view_ratings(store, view) if len(sources) else pd.DataFrame()
    matrix = matrix_from_ratings(ratings, view, B) if len(ratings) else None

    local = store.local_goals(code)
    commitments = local[local["goal"].isin(focus)].assign(
        text=lambda d: d[f"text_{lang}"].fillna(d["text_nb"]))
    benefits = _benefits(store, code, rep, lang)
    provenance = figure_provenance(store, code, rep, year)
    demo = {
        "decision": bool(decision and decision["is_demo"]),
        "matrix": bool(sources["is_demo"].any()) if len(sources) else False,
        "indicators": bool(rep.loc[rep["indicator"].isin(_shown(rep, focus)), "is_demo"].any()),
        "benefits": bool(benefits["is_demo"].any()) if len(benefits) else False,
    }
    return Report(
        municipality=municipality, lang=lang, as_of=as_of,
        generated_at=dt.datetime.now().replace(microsecond=0), decision=decision,
        focus_goals=focus, goals=goals, summary=summary, goal_status=status, view=view,
        view_origin=origin, sources=sources.reset_index(drop=True), matrix=matrix,
        zero_point=rep, series=series, commitments=commitments.reset_index(drop=True),
        benefits=benefits, provenance=provenance, demo=demo,
    )


def _shown(rep: pd.DataFrame, focus: list[int]) -> list[str]:
    """Indicators of the focus goals (the goal chapters show these)."""
    return rep.loc[rep["goals"].map(lambda gs: bool(set(gs) & set(focus))), "indicator"].tolist()


def indicators_of(report: Report, goal: int) -> pd.DataFrame:
    """The zero-point rows of one goal's indicators."""
    rep = report.zero_point
    return rep[rep["goals"].map(lambda gs: goal in gs)].reset_index(drop=True)


def _benefits(store, code: str, rep: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The plan's benefits with goal-area name and the status of their indicator."""
    plan = store.benefits(code)
    areas = store.goal_areas(code, linked=True).set_index("code")[f"name_{lang}"]
    status = rep.set_index("indicator")[["status", "name", "latest_value", "latest_year",
                                         "decimals"]]
    plan = plan.assign(goal_area_name=plan["goal_area"].map(areas).fillna(plan["goal_area"]))
    return plan.join(status.rename(columns={"name": "indicator_name"}), on="indicator"
                     ).reset_index(drop=True)


def figure_provenance(store, code: str, rep: pd.DataFrame, year: int = ZERO_YEAR
                      ) -> pd.DataFrame:
    """Per indicator: its source (e.g. SSB table), how the zero point was made, and
    every import batch its current values for this municipality come from."""
    changes = store.municipality_changes()
    batches = store.observation_provenance(related_codes(code, changes, year))
    sources = store.indicators().set_index("id")["source"]
    base = rep[["indicator", "name", "zero_method", "provenance", "is_demo"]].assign(
        source=rep["indicator"].map(sources))
    return base.merge(batches.drop(columns="is_demo").rename(
        columns={"created_at": "imported_at", "actor": "imported_by"}),
        on="indicator", how="left").reset_index(drop=True)
