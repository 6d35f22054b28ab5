"""Progress towards a target and the gain since the zero point.

Two calculations, both pure (plain numbers in, frozen dataclasses out):

* :func:`series_progress` and :func:`indicator_progress`: the automatic progress
  measure of the Open SDG platform (sdg-build ``ProgressMeasure``, methodology by
  Statistics Canada), implemented exactly as METHODS.md §1 states it, edge rules
  included, so our figures can be compared with published Open SDG outputs.
* :func:`gain`: the plain figures of METHODS.md §2 shown against the 2019 zero point
  (absolute and relative change, desired direction, share of the distance to the
  target with its U4SSC band).

Float comparisons are exactly those of the method (``PV >= high`` and so on), with
no tolerance, and the rounded score constants (7.1429, 4.2857, 4.1667) are kept on
purpose: the published outputs were made with them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from sdg.errors import InvalidInput
from sdg.i18n import t

STATUSES: tuple[str, ...] = (
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "target_achieved",
    "not_available",
)
"""Every status a series or an indicator can get, best first, 'not available' last."""

STATUS_COLOURS: dict[str, str] = {
    "substantial_progress": "#009E73",  # Okabe-Ito bluish green
    "moderate_progress": "#F0E442",  # Okabe-Ito yellow
    "limited_progress": "#E69F00",  # Okabe-Ito orange
    "deterioration": "#D55E00",  # Okabe-Ito vermillion
    "target_achieved": "#0072B2",  # Okabe-Ito blue: distinct from the green→red scale
    "not_available": "#999999",  # grey
}
"""Fill colours per status: the colour-blind-safe Okabe-Ito palette, green → red."""

#: (high, med, low) thresholds of the progress value for method 1 (no target).
THRESHOLDS_METHOD_1: tuple[float, float, float] = (0.015, 0.005, 0.0)
#: (high, med, low) thresholds of the progress value for method 2 (target).
THRESHOLDS_METHOD_2: tuple[float, float, float] = (0.95, 0.60, 0.0)
#: Exponent of the limit coefficient C.
LIMIT_EXPONENT = 4.44
#: A base value or target of exactly 0 is replaced by this (division by zero).
ZERO_REPLACEMENT = 0.001
#: Score reported for a series whose target is achieved.
SCORE_TARGET_ACHIEVED = 5.0


@dataclass(frozen=True)
class SeriesProgress:
    """The progress of one series.

    ``base_value`` and ``current_value`` are the observed values; when the base (or
    the target) was 0 the calculation used 0.001 instead and ``warnings`` says so
    (``"zero_base_adjusted"``, ``"zero_target_adjusted"``). ``method`` is 1 (no
    target) or 2 (target), or None when the series failed the preparation rules.
    ``reason`` is a short machine code when ``status == "not_available"``:
    ``no_data``, ``base_after_current``, ``too_short``, ``opposite_sign``,
    ``zero_required_growth``, ``target_opposite_sign``, ``target_year_not_after_base``
    or ``not_finite``.
    """

    progress_value: float | None
    score: float | None
    status: str
    base_year: int | None
    base_value: float | None
    current_year: int | None
    current_value: float | None
    method: int | None = None
    reason: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndicatorProgress:
    """The progress of an indicator: the mean of its scored series."""

    score: float | None
    status: str
    n_series: int
    n_scored: int


@dataclass(frozen=True)
class Gain:
    """The gain since the zero point (METHODS.md §2); see :func:`gain`."""

    baseline_year: int
    baseline: float
    latest_year: int
    latest: float
    target: float | None
    delta: float
    relative: float | None
    desired: bool | None
    share_of_distance: float | None
    band: str | None

    @property
    def period(self) -> str:
        """The years compared, e.g. ``'2019–2023'``."""
        return f"{self.baseline_year}–{self.latest_year}"


# ---------------------------------------------------------------------------
# Formulas
# ---------------------------------------------------------------------------


def cagr(v1: float, v0: float, t1: float, t0: float) -> float:
    """Compound annual growth rate from ``(t0, v0)`` to ``(t1, v1)``.

    ``CAGR = (v1 / v0) ** (1 / (t1 − t0)) − 1`` (METHODS.md §1, Open SDG). The caller
    makes sure ``v0 != 0``, ``t1 != t0`` and that ``v1 / v0 >= 0``.

    >>> cagr(121.0, 100.0, 2021, 2019)
    0.10000000000000009
    >>> cagr(50.0, 100.0, 2020, 2019)
    -0.5
    """
    return (v1 / v0) ** (1 / (t1 - t0)) - 1


def limit_coefficient(base: float, limit: float) -> float:
    """Coefficient C that shrinks the method-1 thresholds near a natural limit.

    With ``b = |base|`` and ``l = |limit|`` (METHODS.md §1, Open SDG):
    ``C = 1`` if ``b ≥ 2l``; ``C = 1 − (b/l)^4.44`` if ``b ≤ l``;
    else ``C = 1 − ((2l − b)/l)^4.44``. At the limit itself C is 0.

    >>> limit_coefficient(90.0, 100)   # 1 - 0.9 ** 4.44
    0.37362164501282824
    >>> limit_coefficient(100.0, 100), limit_coefficient(250.0, 100)
    (0.0, 1.0)
    """
    b, lim = abs(base), abs(limit)
    if b >= 2 * lim:
        return 1.0
    if b <= lim:
        return 1 - (b / lim) ** LIMIT_EXPONENT
    return 1 - ((2 * lim - b) / lim) ** LIMIT_EXPONENT


def classify(progress_value: float, *, method: int, coefficient: float = 1.0) -> str:
    """Status of a progress value PV from the thresholds of the method.

    ``PV ≥ high`` → substantial progress; ``med ≤ PV < high`` → moderate progress;
    ``low ≤ PV < med`` → limited progress; ``PV < low`` → deterioration. Method 1:
    high 0.015, med 0.005, low 0, each multiplied by the limit coefficient C; method
    2: high 0.95, med 0.60, low 0 (METHODS.md §1, Open SDG).

    >>> classify(0.015, method=1), classify(0.0149, method=1), classify(0.0, method=1)
    ('substantial_progress', 'moderate_progress', 'limited_progress')
    >>> classify(0.95, method=2), classify(-0.01, method=2)
    ('substantial_progress', 'deterioration')
    """
    high, med, low = _thresholds(method)
    if method == 1:
        high, med, low = high * coefficient, med * coefficient, low * coefficient
    if progress_value >= high:
        return "substantial_progress"
    if progress_value >= med:
        return "moderate_progress"
    if progress_value >= low:
        return "limited_progress"
    return "deterioration"


def progress_score(progress_value: float, *, method: int, coefficient: float = 1.0) -> float:
    """Score −5 … +5 of a progress value PV (METHODS.md §1, Open SDG).

    Method 1, C the limit coefficient (1 without a limit), first rule that applies:
    ``PV < 0 → max(125·PV − 2.5, −5)``; ``C = 0 → 5``;
    ``PV ≥ 0.015·C → min(500·PV/C − 5, 5)``; ``PV ≥ 0.005·C → 250·PV/C − 1.25``;
    else ``500·PV/C − 2.5``.
    Method 2: ``PV ≥ 0.6 → min(7.1429·PV − 4.2857, 5)``; else
    ``max(4.1667·PV − 2.5, −5)`` (the rounded constants are those of the published
    outputs).

    >>> progress_score(0.005, method=1), progress_score(0.015, method=1)
    (0.0, 2.5)
    >>> progress_score(-1.0, method=1), progress_score(0.001, method=1, coefficient=0)
    (-5, 5.0)
    >>> progress_score(0.0, method=2), progress_score(2.0, method=2)
    (-2.5, 5)
    """
    if method == 1:
        c = coefficient
        if progress_value < 0:
            return max(125 * progress_value - 2.5, -5)
        if c == 0:
            return 5.0
        if progress_value >= THRESHOLDS_METHOD_1[0] * c:
            return min(500 * progress_value / c - 5, 5)
        if progress_value >= THRESHOLDS_METHOD_1[1] * c:
            return 250 * progress_value / c - 1.25
        return 500 * progress_value / c - 2.5
    _thresholds(method)  # validates the method
    if progress_value >= THRESHOLDS_METHOD_2[1]:
        return min(7.1429 * progress_value - 4.2857, 5)
    return max(4.1667 * progress_value - 2.5, -5)


def _thresholds(method: int) -> tuple[float, float, float]:
    if method == 1:
        return THRESHOLDS_METHOD_1
    if method == 2:
        return THRESHOLDS_METHOD_2
    raise InvalidInput("progress.err.method", method=method)


# ---------------------------------------------------------------------------
# One series
# ---------------------------------------------------------------------------


def series_progress(
    years: Sequence[object],
    values: Sequence[object],
    *,
    direction: int,
    base_year: int = 2019,
    target: float | None = None,
    target_year: int = 2030,
    limit: float | None = None,
) -> SeriesProgress:
    """The Open SDG progress measure of one series (METHODS.md §1).

    Preparation: missing values (NaN/None) are dropped; the current year is the
    latest year with a value; if ``base_year`` has no value the first later year
    with one is used. Not available when there is no data, the base year is after
    the current year, current − base < 1 year, or base and current value have
    opposite signs. A base (or target) of 0 becomes 0.001 (with a warning);
    ``sign = −1`` if the base is negative, else +1.

    Method 1 (no target): ``PV = sign · direction · CAGR(current, base)``, thresholds
    0.015 / 0.005 / 0, multiplied by C (:func:`limit_coefficient`) with a ``limit``.

    Method 2 (target): ``CAGR_req = CAGR(target, base, target_year, base_year)``,
    ``PV = sign · direction · CAGR_obs / |CAGR_req|``, thresholds 0.95 / 0.60 / 0.
    Target achieved when ``direction = −1`` and current ≤ target, or ``direction =
    +1`` and current ≥ target: status ``target_achieved``, score 5, whatever the
    trend (PV is still reported where it can be computed). With a required growth of
    0 (target equals base), PV is undefined: target achieved if reached, otherwise
    not available. A ``limit`` is only used without a target.

    The 0 → 0.001 replacements come first, so a base of 0 and a negative current
    value are of opposite signs, and the target-achieved test compares with the
    replaced target (a current value of 0 meets a "lower is better" target of 0).
    Two cases the method leaves open, where PV cannot be computed and the series is
    not available unless the target is achieved: a target of the opposite sign to the
    base (``target_opposite_sign``) and a target year not after the base year
    (``target_year_not_after_base``).

    Parameters
    ----------
    years, values : sequences of equal length
        Years (integers) and values; a value of NaN/None is dropped.
    direction : {+1, −1}
        +1 when higher is better, −1 when lower is better.
    base_year, target, target_year, limit
        As in METHODS.md §1.

    Raises
    ------
    InvalidInput
        A direction other than ±1, sequences of unequal length, a year that is not an
        integer, a year given twice, an infinite value, target or limit.

    Examples
    --------
    The three worked examples of METHODS.md (published outputs of the method):

    >>> r = series_progress([2015, 2023], [14.5, 10.2], direction=-1, base_year=2015,
    ...                     target=7.25, target_year=2030)
    >>> r.progress_value, r.score, r.status, r.method
    (0.9525901792032172, 2.5185563910306596, 'substantial_progress', 2)
    >>> r = series_progress([2015, 2021], [90.0, 93.2], direction=+1, base_year=2015,
    ...                     limit=100)
    >>> r.progress_value, r.score, r.status
    (0.005839995229728112, 2.815386645395768, 'substantial_progress')
    >>> r = series_progress([2015, 2024], [45.36, 53.22], direction=+1, base_year=2015)
    >>> r.progress_value, r.score, r.status
    (0.017914530382436622, 3.957265191218312, 'substantial_progress')
    """
    direction = _check_direction(direction)
    base_year, target_year = as_year(base_year), as_year(target_year)
    target = _optional_finite(target, "target")
    limit = _optional_finite(limit, "limit")
    points = _clean_points(years, values)

    if not points:
        return _not_available("no_data", base_year=base_year)
    current_year = max(points)
    used_base_year = base_year
    if base_year not in points:
        later = [y for y in points if y > base_year]
        if not later:
            return _not_available(
                "base_after_current",
                base_year=base_year,
                current_year=current_year,
                current_value=points[current_year],
            )
        used_base_year = min(later)
    base_value, current_value = points[used_base_year], points[current_year]
    observed = {
        "base_year": used_base_year,
        "base_value": base_value,
        "current_year": current_year,
        "current_value": current_value,
    }
    if current_year - used_base_year < 1:
        return _not_available("too_short", **observed)

    warnings: list[str] = []
    base = base_value
    if base == 0:
        base = ZERO_REPLACEMENT
        warnings.append("zero_base_adjusted")
    if _opposite_signs(base, current_value):
        return _not_available("opposite_sign", warnings=tuple(warnings), **observed)
    sign = -1 if base < 0 else 1
    cagr_observed = cagr(current_value, base, current_year, used_base_year)

    if target is None:
        return _method_1(sign * direction, cagr_observed, base, limit, observed, warnings)
    if limit is not None:
        warnings.append("limit_ignored_with_target")
    if target == 0:
        target = ZERO_REPLACEMENT
        warnings.append("zero_target_adjusted")
    return _method_2(
        sign,
        direction,
        cagr_observed,
        base,
        target,
        target_year,
        observed,
        warnings,
    )


def _method_1(
    sign_direction: int,
    cagr_observed: float,
    base: float,
    limit: float | None,
    observed: dict[str, float],
    warnings: list[str],
) -> SeriesProgress:
    """Method 1 (no target): PV = sign · direction · CAGR, thresholds times C."""
    pv = sign_direction * cagr_observed
    if math.isnan(pv):
        return _not_available("not_finite", method=1, warnings=tuple(warnings), **observed)
    c = 1.0 if limit is None else limit_coefficient(base, limit)
    return SeriesProgress(
        progress_value=pv,
        score=progress_score(pv, method=1, coefficient=c),
        status=classify(pv, method=1, coefficient=c),
        method=1,
        warnings=tuple(warnings),
        **observed,
    )


def _method_2(
    sign: int,
    direction: int,
    cagr_observed: float,
    base: float,
    target: float,
    target_year: int,
    observed: dict[str, float],
    warnings: list[str],
) -> SeriesProgress:
    """Method 2 (target): PV = sign · direction · CAGR_obs / |CAGR_req|."""
    base_year, current = observed["base_year"], observed["current_value"]
    achieved = (direction == -1 and current <= target) or (direction == 1 and current >= target)

    pv: float | None = None
    reason: str | None = None
    if target_year - base_year <= 0:
        reason = "target_year_not_after_base"
    elif _opposite_signs(target, base):
        reason = "target_opposite_sign"
    else:
        required = cagr(target, base, target_year, base_year)
        if required == 0:
            reason = "zero_required_growth"
        else:
            pv = sign * direction * cagr_observed / abs(required)
            if math.isnan(pv):
                pv, reason = None, "not_finite"

    if achieved:
        return SeriesProgress(
            progress_value=pv,
            score=SCORE_TARGET_ACHIEVED,
            status="target_achieved",
            method=2,
            warnings=tuple(warnings),
            **observed,
        )
    if pv is None:
        return _not_available(reason, method=2, warnings=tuple(warnings), **observed)
    return SeriesProgress(
        progress_value=pv,
        score=progress_score(pv, method=2),
        status=classify(pv, method=2),
        method=2,
        warnings=tuple(warnings),
        **observed,
    )


def _opposite_signs(a: float, b: float) -> bool:
    """True when one number is negative and the other positive (0 is neither)."""
    return (a < 0 < b) or (b < 0 < a)


def _not_available(
    reason: str | None,
    *,
    base_year: int | None = None,
    base_value: float | None = None,
    current_year: int | None = None,
    current_value: float | None = None,
    method: int | None = None,
    warnings: tuple[str, ...] = (),
) -> SeriesProgress:
    return SeriesProgress(
        progress_value=None,
        score=None,
        status="not_available",
        base_year=base_year,
        base_value=base_value,
        current_year=current_year,
        current_value=current_value,
        method=method,
        reason=reason,
        warnings=warnings,
    )


def _check_direction(direction: object) -> int:
    if isinstance(direction, bool) or not isinstance(direction, int | float):
        raise InvalidInput("progress.err.direction", direction=direction)
    if direction not in (1, -1):
        raise InvalidInput("progress.err.direction", direction=direction)
    return int(direction)


def _optional_finite(value: object, name: str) -> float | None:
    """None for a missing value (None, NaN, pd.NA); an InvalidInput for ±inf or text."""
    if value is None or pd.isna(value):
        return None
    number = _to_float(value, name)
    if not math.isfinite(number):
        raise InvalidInput("progress.err.not_finite", name=name, value=value)
    return number


def _clean_points(years: Sequence[object], values: Sequence[object]) -> dict[int, float]:
    """Map year → value, dropping missing values; reject bad years and duplicates."""
    years, values = list(years), list(values)
    if len(years) != len(values):
        raise InvalidInput("progress.err.lengths", years=len(years), values=len(values))
    points: dict[int, float] = {}
    for year, value in zip(years, values, strict=True):
        if value is None or pd.isna(value):
            continue
        number = _to_float(value, str(year))
        if not math.isfinite(number):
            raise InvalidInput("progress.err.not_finite", name=year, value=value)
        whole_year = as_year(year)
        if whole_year in points:
            raise InvalidInput("progress.err.duplicate_year", year=whole_year)
        points[whole_year] = number
    return points


def as_year(year: object) -> int:
    """A whole year from an int, a float like 2019.0 or a text like "2019".

    >>> as_year("2019"), as_year(2019.0)
    (2019, 2019)
    """
    try:
        number = float(year)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput("progress.err.year", year=year) from None
    if not number.is_integer():
        raise InvalidInput("progress.err.year", year=year)
    return int(number)


# ---------------------------------------------------------------------------
# Several series → one indicator
# ---------------------------------------------------------------------------


def indicator_progress(series_results: Iterable[SeriesProgress]) -> IndicatorProgress:
    """Combine the series of one indicator (METHODS.md §1).

    The score is the mean of the scores of the series that have one; the status
    follows from it: ``≥ 2.5`` substantial, ``≥ 0`` moderate, ``≥ −2.5`` limited,
    else deterioration. Target achieved only if every scored series achieved it;
    not available if no series was scored.

    >>> a = series_progress([2015, 2024], [45.36, 53.22], direction=1, base_year=2015)
    >>> b = series_progress([2019, 2023], [10.0, 9.0], direction=1)
    >>> r = indicator_progress([a, b])
    >>> round(a.score, 4), round(b.score, 4), round(r.score, 4), r.status
    (3.9573, -5, -0.5214, 'limited_progress')
    """
    results = list(series_results)
    scored = [r for r in results if r.score is not None]
    if not scored:
        return IndicatorProgress(None, "not_available", len(results), 0)
    mean, status = status_from_scores([r.status for r in scored],
                                      [r.score for r in scored])  # type: ignore[misc]
    return IndicatorProgress(mean, status, len(results), len(scored))


#: (substantial, moderate, limited) lower bounds of a mean score (Open SDG): the one
#: place the indicator (and goal) status thresholds live.
SCORE_THRESHOLDS: tuple[float, float, float] = (2.5, 0.0, -2.5)


def status_from_scores(statuses: Sequence[str], scores: Sequence[float]
                       ) -> tuple[float | None, str]:
    """Mean score and status of several scored items (series of an indicator, or
    indicators of a goal), by the Open SDG indicator rule (METHODS.md §1).

    ``mean ≥ 2.5`` substantial, ``≥ 0`` moderate, ``≥ −2.5`` limited, else
    deterioration (:data:`SCORE_THRESHOLDS`); target achieved only when every scored
    item achieved it; not available without scores.

    >>> status_from_scores(["target_achieved", "moderate_progress"], [5.0, 1.0])
    (3.0, 'substantial_progress')
    >>> status_from_scores(["target_achieved"], [5.0]), status_from_scores([], [])
    ((5.0, 'target_achieved'), (None, 'not_available'))
    >>> status_from_scores(["x", "y"], [-2.5, -2.5]), status_from_scores(["x"], [-2.6])
    ((-2.5, 'limited_progress'), (-2.6, 'deterioration'))
    """
    if not scores:
        return None, "not_available"
    mean = math.fsum(scores) / len(scores)
    substantial, moderate, limited = SCORE_THRESHOLDS
    if all(s == "target_achieved" for s in statuses):
        return mean, "target_achieved"
    if mean >= substantial:
        return mean, "substantial_progress"
    if mean >= moderate:
        return mean, "moderate_progress"
    if mean >= limited:
        return mean, "limited_progress"
    return mean, "deterioration"


def status_label(status: str, lang: str = "nb") -> str:
    """The label of a status, from the text catalogue (key ``progress.status.<status>``).

    >>> status_label("substantial_progress"), status_label("substantial_progress", "en")
    ('På rett spor', 'On track')
    """
    if status not in STATUSES:
        raise InvalidInput("progress.err.status", status=status)
    return t(f"progress.status.{status}", lang)


# ---------------------------------------------------------------------------
# Gain since the zero point (METHODS.md §2)
# ---------------------------------------------------------------------------


def u4ssc_band(share: float | None) -> str | None:
    """U4SSC band of the share of the distance covered.

    ``p < 0.33`` → ``"<33"``; ``0.33 ≤ p < 0.66`` → ``"33-66"``;
    ``0.66 ≤ p < 0.95`` → ``"66-95"``; ``p ≥ 0.95`` → ``">=95"``; None stays None.

    >>> [u4ssc_band(p) for p in (-0.2, 0.33, 0.66, 0.9499, 0.95, None)]
    ['<33', '33-66', '66-95', '66-95', '>=95', None]
    """
    if share is None:
        return None
    if share < 0.33:
        return "<33"
    if share < 0.66:
        return "33-66"
    if share < 0.95:
        return "66-95"
    return ">=95"


def gain(
    baseline_year: int,
    baseline: float,
    latest_year: int,
    latest: float,
    *,
    direction: int,
    target: float | None = None,
) -> Gain:
    """Gain since the zero point (METHODS.md §2).

    ``Δ = latest − baseline``; relative change ``Δ / |baseline|`` (None when the
    baseline is 0); desired when ``Δ · direction > 0`` (None when Δ is 0 or the
    direction is unknown, 0); with a target, the share of the distance covered
    ``p = (latest − baseline) / (target − baseline)`` (None when target equals the
    baseline) and its U4SSC band (:func:`u4ssc_band`).

    Parameters
    ----------
    direction : {+1, −1, 0}
        +1 higher is better, −1 lower is better, 0 unknown.

    >>> g = gain(2019, 43.09, 2023, 44.0, direction=1, target=45.0)
    >>> round(g.delta, 2), round(g.relative, 4), g.desired, round(g.share_of_distance, 4)
    (0.91, 0.0211, True, 0.4764)
    >>> g.band, g.period
    ('33-66', '2019–2023')
    """
    if isinstance(direction, bool) or direction not in (1, -1, 0):
        raise InvalidInput("progress.err.gain_direction", direction=direction)
    b_year, l_year = as_year(baseline_year), as_year(latest_year)
    if l_year < b_year:
        raise InvalidInput("progress.err.gain_years", baseline_year=b_year, latest_year=l_year)
    base = _finite(baseline, "baseline")
    last = _finite(latest, "latest")
    goal = _optional_finite(target, "target")

    delta = last - base
    relative = None if base == 0 else delta / abs(base)
    desired = None if delta == 0 or direction == 0 else delta * direction > 0
    share = None if goal is None or goal == base else delta / (goal - base)
    return Gain(
        baseline_year=b_year,
        baseline=base,
        latest_year=l_year,
        latest=last,
        target=goal,
        delta=delta,
        relative=relative,
        desired=desired,
        share_of_distance=share,
        band=u4ssc_band(share),
    )


def _finite(value: object, name: str) -> float:
    if value is None or pd.isna(value):
        raise InvalidInput("progress.err.not_finite", name=name, value=value)
    number = _to_float(value, name)
    if not math.isfinite(number):
        raise InvalidInput("progress.err.not_finite", name=name, value=value)
    return number


def _to_float(value: object, name: str) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput("progress.err.number", name=name, value=value) from None
