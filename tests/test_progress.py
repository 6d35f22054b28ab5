"""Tests of sdg.progress: the Open SDG progress measure (METHODS.md §1) and the gain
since the zero point (§2). Expected values are worked out by hand in the comments."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sdg.errors import InvalidInput
from sdg.progress import (
    STATUS_COLOURS,
    STATUSES,
    IndicatorProgress,
    SeriesProgress,
    classify,
    gain,
    indicator_progress,
    limit_coefficient,
    progress_score,
    series_progress,
    status_label,
    u4ssc_band,
)

approx = pytest.approx

# C for |base|/|limit| = 0.5 (and for (2l − b)/l = 0.5): 1 − 0.5^4.44 = 1 − 2^−4.44
# = 1 − e^(−4.44·0.693147) = 1 − e^(−3.077574) = 1 − 0.046071 = 0.953929
C_HALF = 1 - 0.5**4.44


def sp(years, values, **kw) -> SeriesProgress:
    return series_progress(years, values, **kw)


# ---------------------------------------------------------------------------
# Worked examples of METHODS.md (also doctests): to the last digit
# ---------------------------------------------------------------------------


def test_worked_examples_exact():
    r = sp([2015, 2023], [14.5, 10.2], direction=-1, base_year=2015, target=7.25)
    assert (r.progress_value, r.score) == (0.9525901792032172, 2.5185563910306596)
    r = sp([2015, 2021], [90.0, 93.2], direction=1, base_year=2015, limit=100)
    assert (r.progress_value, r.score) == (0.005839995229728112, 2.815386645395768)
    r = sp([2015, 2024], [45.36, 53.22], direction=1, base_year=2015)
    assert (r.progress_value, r.score) == (0.017914530382436622, 3.957265191218312)


# ---------------------------------------------------------------------------
# Method 1: no target
# ---------------------------------------------------------------------------


def test_no_target_substantial():
    # 100 (2019) → 121 (2021): CAGR = 1.21^(1/2) − 1 = 0.1; PV = 1·1·0.1 = 0.1 ≥ 0.015
    # score = min(500·0.1 − 5, 5) = min(45, 5) = 5
    r = sp([2019, 2020, 2021], [100.0, 110.0, 121.0], direction=1)
    assert r.progress_value == approx(0.1)
    assert r.status == "substantial_progress" and r.score == 5
    assert r.method == 1 and r.reason is None and r.warnings == ()
    assert (r.base_year, r.base_value, r.current_year, r.current_value) == (
        2019,
        100.0,
        2021,
        121.0,
    )


def test_no_target_lower_is_better_deteriorates():
    # same data, direction −1: PV = −0.1 < 0 → deterioration; score max(125·−0.1 − 2.5, −5) = −5
    r = sp([2019, 2021], [100.0, 121.0], direction=-1)
    assert r.progress_value == approx(-0.1)
    assert r.status == "deterioration" and r.score == -5


@pytest.mark.parametrize(
    ("current", "pv", "status", "score"),
    [
        # one year, PV = current/100 − 1
        (101.0, 0.01, "moderate_progress", 1.25),  # 250·0.01 − 1.25 = 1.25
        (100.2, 0.002, "limited_progress", -1.5),  # 500·0.002 − 2.5 = −1.5
        (100.0, 0.0, "limited_progress", -2.5),  # PV = 0 = low → limited; 500·0 − 2.5
        (99.6, -0.004, "deterioration", -3.0),  # 125·−0.004 − 2.5 = −3.0
        (90.0, -0.1, "deterioration", -5.0),  # 125·−0.1 − 2.5 = −15 → clamp −5
        (110.0, 0.1, "substantial_progress", 5.0),  # 500·0.1 − 5 = 45 → clamp 5
        (101.8, 0.018, "substantial_progress", 4.0),  # 500·0.018 − 5 = 4.0
    ],
)
def test_no_target_each_status(current, pv, status, score):
    r = sp([2019, 2020], [100.0, current], direction=1)
    assert r.progress_value == approx(pv, abs=1e-12)
    assert r.status == status
    assert r.score == approx(score, abs=1e-9)


# ---------------------------------------------------------------------------
# Method 1 with a limit: the three coefficient cases
# ---------------------------------------------------------------------------


def test_limit_coefficient_cases():
    assert limit_coefficient(250.0, 100) == 1.0  # b ≥ 2l
    assert limit_coefficient(200.0, 100) == 1.0  # b = 2l exactly
    assert limit_coefficient(50.0, 100) == approx(0.953929, abs=1e-6)  # b ≤ l: 1 − 0.5^4.44
    assert limit_coefficient(150.0, 100) == approx(0.953929, abs=1e-6)  # 1 − ((200−150)/100)^4.44
    assert limit_coefficient(100.0, 100) == 0.0  # b = l: 1 − 1^4.44
    assert limit_coefficient(-50.0, -100) == limit_coefficient(50.0, 100)  # absolute values


def test_limit_far_away_same_as_no_limit():
    # base 250, limit 100: b ≥ 2l → C = 1. 250 → 252.5: PV 0.01 → moderate, 250·0.01 − 1.25 = 1.25
    r = sp([2019, 2020], [250.0, 252.5], direction=1, limit=100)
    assert r.status == "moderate_progress"
    assert r.score == approx(1.25)


def test_limit_base_below_limit():
    # base 50, limit 100: C = 0.953929; thresholds high 0.014309, med 0.004770.
    # 50 → 50.5: PV 0.01 → moderate; score 250·0.01/C − 1.25 = 2.620740 − 1.25 = 1.370740
    r = sp([2019, 2020], [50.0, 50.5], direction=1, limit=100)
    assert r.progress_value == approx(0.01)
    assert r.status == "moderate_progress"
    assert r.score == approx(2.5 / C_HALF - 1.25)
    assert r.score == approx(1.370740, abs=1e-6)


def test_limit_base_between_limit_and_twice():
    # base 150, limit 100: C = 1 − (50/100)^4.44 = 0.953929; med·C = 0.004770.
    # 150 → 149.25, direction −1: CAGR = −0.005, PV = 0.005 ≥ 0.004770 → moderate
    # (without the limit 0.005 would only just reach med). score 250·0.005/C − 1.25 = 0.060370
    r = sp([2019, 2020], [150.0, 149.25], direction=-1, limit=100)
    assert r.progress_value == approx(0.005)
    assert r.status == "moderate_progress"
    assert r.score == approx(1.25 / C_HALF - 1.25)
    assert r.score == approx(0.060370, abs=1e-6)


def test_limit_makes_c_zero():
    # base at the limit: C = 0 → high = med = low = 0; PV ≥ 0 → substantial, score 5
    up = sp([2019, 2020], [100.0, 100.1], direction=1, limit=100)
    assert up.status == "substantial_progress" and up.score == 5
    # a negative PV still uses the first rule: 125·(−0.001) − 2.5 = −2.625
    down = sp([2019, 2020], [100.0, 99.9], direction=1, limit=100)
    assert down.status == "deterioration"
    assert down.score == approx(-2.625)


def test_limit_ignored_with_target():
    r = sp([2019, 2020], [100.0, 110.0], direction=1, target=121, target_year=2021, limit=100)
    assert r.method == 2 and "limit_ignored_with_target" in r.warnings


# ---------------------------------------------------------------------------
# Method 2: target
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "pv", "status", "score"),
    [
        # base 100 (2019), target 121 (2021): CAGR_req = 0.1; current in 2020: CAGR_obs = c/100 − 1
        (110.0, 1.0, "substantial_progress", 2.8572),  # 7.1429·1 − 4.2857
        (107.0, 0.7, "moderate_progress", 0.71433),  # 7.1429·0.7 − 4.2857 = 5.00003 − 4.2857
        (105.0, 0.5, "limited_progress", -0.41665),  # 4.1667·0.5 − 2.5
        (95.0, -0.5, "deterioration", -4.58335),  # 4.1667·−0.5 − 2.5
        (80.0, -2.0, "deterioration", -5.0),  # 4.1667·−2 − 2.5 = −10.83 → clamp −5
    ],
)
def test_target_each_status(current, pv, status, score):
    r = sp([2019, 2020], [100.0, current], direction=1, target=121.0, target_year=2021)
    assert r.method == 2
    assert r.progress_value == approx(pv)
    assert r.status == status
    assert r.score == approx(score, abs=1e-9)


def test_target_default_year_and_score_clamp():
    # base 100 (2019), target 200 in the default year 2030: CAGR_req = 2^(1/11) − 1 = 0.065041;
    # 2020: 106.5 → CAGR_obs 0.065, PV = 0.99937 → 7.1429·0.99937 − 4.2857 = 2.8527
    r = sp([2019, 2020], [100.0, 106.5], direction=1, target=200.0)
    assert r.progress_value == approx(0.065 / (2 ** (1 / 11) - 1))
    assert r.score == approx(2.8527, abs=1e-4)
    # target 200 in 2100: CAGR_req = 2^(1/81) − 1 = 0.008594; 2020: 110 → PV = 0.1/0.008594
    # = 11.64 → 7.1429·11.64 − 4.2857 = 78.8 → min(…, 5) = 5 (110 < 200: not achieved)
    r = sp([2019, 2020], [100.0, 110.0], direction=1, target=200.0, target_year=2100)
    assert r.progress_value == approx(0.1 / (2 ** (1 / 81) - 1))
    assert r.status == "substantial_progress" and r.score == 5


def test_target_achieved_higher_is_better():
    # 125 ≥ 121 → target achieved, score 5; PV still reported: 0.25 / 0.1 = 2.5
    r = sp([2019, 2020], [100.0, 125.0], direction=1, target=121.0, target_year=2021)
    assert r.status == "target_achieved" and r.score == 5
    assert r.progress_value == approx(2.5)
    # exactly on the target counts (current ≥ target)
    r = sp([2019, 2020], [100.0, 121.0], direction=1, target=121.0, target_year=2021)
    assert r.status == "target_achieved"


def test_target_achieved_lower_is_better():
    # base 100, target 81 (2021): CAGR_req = 0.9 − 1 = −0.1; 2020: 80 ≤ 81 → achieved.
    # PV = 1·(−1)·(−0.2)/0.1 = 2.0
    r = sp([2019, 2020], [100.0, 80.0], direction=-1, target=81.0, target_year=2021)
    assert r.status == "target_achieved" and r.score == 5
    assert r.progress_value == approx(2.0)


def test_target_achieved_despite_negative_trend():
    # lower is better, target 120 above the base 100; the value rose to 110 (bad trend),
    # but 110 ≤ 120 → target achieved, score 5. PV = −1·0.1/|CAGR_req| < 0 is still reported.
    r = sp([2019, 2020], [100.0, 110.0], direction=-1, target=120.0, target_year=2021)
    assert r.status == "target_achieved" and r.score == 5
    assert r.progress_value is not None and r.progress_value < 0
    # CAGR_req = 1.2^(1/2) − 1 = 0.095445; PV = −0.1/0.095445 = −1.047723
    assert r.progress_value == approx(-0.1 / (1.2**0.5 - 1))


def test_required_growth_zero():
    # target equals base: PV undefined. Reached → achieved (PV None); not reached → n/a.
    reached = sp([2019, 2020], [100.0, 105.0], direction=1, target=100.0)
    assert reached.status == "target_achieved" and reached.score == 5
    assert reached.progress_value is None
    missed = sp([2019, 2020], [100.0, 95.0], direction=1, target=100.0)
    assert missed.status == "not_available" and missed.reason == "zero_required_growth"
    assert missed.score is None and missed.method == 2


def test_target_opposite_sign_and_bad_target_year():
    # base 10, target −5: CAGR_req would need a root of a negative number
    r = sp([2019, 2020], [10.0, 12.0], direction=-1, target=-5.0)
    assert r.status == "not_available" and r.reason == "target_opposite_sign"
    r = sp([2019, 2020], [10.0, 12.0], direction=-1, target=5.0, target_year=2019)
    assert r.status == "not_available" and r.reason == "target_year_not_after_base"


def test_nan_target_means_no_target():
    r = sp([2019, 2020], [100.0, 101.0], direction=1, target=float("nan"))
    assert r.method == 1


# ---------------------------------------------------------------------------
# Preparation rules
# ---------------------------------------------------------------------------


def test_negative_base_flips_sign():
    # −100 → −121 over 2 years: CAGR = 1.21^(1/2) − 1 = 0.1, sign = −1.
    # Higher is better: PV = −1·1·0.1 = −0.1 (the value fell). Lower is better: +0.1.
    up = sp([2019, 2021], [-100.0, -121.0], direction=1)
    down = sp([2019, 2021], [-100.0, -121.0], direction=-1)
    assert up.progress_value == approx(-0.1) and up.status == "deterioration"
    assert down.progress_value == approx(0.1) and down.status == "substantial_progress"


def test_zero_base_becomes_0_001():
    # base 0 → 0.001; 0.00121 two years later: CAGR = 1.21^(1/2) − 1 = 0.1
    r = sp([2019, 2021], [0.0, 0.00121], direction=1)
    assert r.warnings == ("zero_base_adjusted",)
    assert r.base_value == 0.0  # the observed value is reported
    assert r.progress_value == approx(0.1)


def test_zero_target_becomes_0_001():
    # base 10 (2019), target 0 → 0.001 (2023): CAGR_req = (0.0001)^(1/4) − 1 = −0.9;
    # 8.1 in 2021: CAGR_obs = 0.81^(1/2) − 1 = −0.1; PV = −1·−0.1/0.9 = 0.111111 → limited
    # score = 4.1667·0.111111 − 2.5 = −2.037033
    r = sp([2019, 2021], [10.0, 8.1], direction=-1, target=0, target_year=2023)
    assert r.warnings == ("zero_target_adjusted",)
    assert r.progress_value == approx(1 / 9)
    assert r.status == "limited_progress"
    assert r.score == approx(4.1667 / 9 - 2.5)
    # a current value of 0 is ≤ 0.001 → achieved
    r = sp([2019, 2021], [10.0, 0.0], direction=-1, target=0, target_year=2023)
    assert r.status == "target_achieved"


def test_missing_base_year_uses_next_year():
    # no 2019 value: the base is the first later year with one, 2020 (100);
    # 2022: 121 → CAGR = 1.21^(1/2) − 1 = 0.1; 2018 is before the base year and ignored
    r = sp([2018, 2020, 2022], [90.0, 100.0, 121.0], direction=1)
    assert (r.base_year, r.base_value) == (2020, 100.0)
    assert r.progress_value == approx(0.1)


def test_nan_and_none_values_are_dropped():
    r = sp([2019, 2020, 2021, 2022], [None, 100.0, 121.0, float("nan")], direction=1)
    assert (r.base_year, r.current_year) == (2020, 2021)
    assert r.progress_value == approx(0.21)


@pytest.mark.parametrize(
    ("years", "values", "reason"),
    [
        ([], [], "no_data"),
        ([2019, 2020], [float("nan"), None], "no_data"),
        ([2019], [5.0], "too_short"),
        ([2018, 2019], [4.0, 5.0], "too_short"),  # current 2019 − base 2019 = 0
        ([2016, 2018], [4.0, 5.0], "base_after_current"),  # nothing from 2019 on
        ([2019, 2020], [-5.0, 5.0], "opposite_sign"),
        ([2019, 2020], [5.0, -5.0], "opposite_sign"),
        ([2019, 2020], [0.0, -1.0], "opposite_sign"),  # base 0 → 0.001 vs −1
    ],
)
def test_not_available(years, values, reason):
    r = sp(years, values, direction=1)
    assert r.status == "not_available" and r.reason == reason
    assert r.progress_value is None and r.score is None


def test_current_zero_with_positive_base_is_available():
    # 0 is not of the opposite sign: CAGR = 0^1 − 1 = −1 → PV −1 (higher is better)
    r = sp([2019, 2020], [5.0, 0.0], direction=1)
    assert r.progress_value == -1.0 and r.score == -5


@pytest.mark.parametrize("direction", [0, 2, -2, True, "up", None, 0.5])
def test_invalid_direction(direction):
    with pytest.raises(InvalidInput):
        sp([2019, 2020], [1.0, 2.0], direction=direction)


def test_float_direction_accepted():
    assert sp([2019, 2020], [1.0, 2.0], direction=-1.0).progress_value == -1.0


@pytest.mark.parametrize(
    ("years", "values"),
    [
        ([2019, 2020], [1.0]),  # unequal lengths
        ([2019, 2019], [1.0, 2.0]),  # a year twice
        ([2019.5, 2020], [1.0, 2.0]),  # not a whole year
        (["x", 2020], [1.0, 2.0]),
        ([2019, 2020], [1.0, float("inf")]),
        ([2019, 2020], [1.0, "abc"]),
    ],
)
def test_invalid_series(years, values):
    with pytest.raises(InvalidInput):
        sp(years, values, direction=1)


def test_invalid_target_and_limit():
    with pytest.raises(InvalidInput):
        sp([2019, 2020], [1.0, 2.0], direction=1, target=float("inf"))
    with pytest.raises(InvalidInput):
        sp([2019, 2020], [1.0, 2.0], direction=1, limit="lots")


def test_error_message_is_translated():
    with pytest.raises(InvalidInput) as info:
        sp([2019, 2020], [1.0, 2.0], direction=0)
    assert "−1" in info.value.message("en") and "Retningen" in info.value.message("nb")


# ---------------------------------------------------------------------------
# Thresholds and score formulas at their boundaries
# ---------------------------------------------------------------------------


def below(x: float) -> float:
    return math.nextafter(x, -math.inf)


def test_classify_method_1_boundaries():
    assert classify(0.015, method=1) == "substantial_progress"  # PV ≥ high
    assert classify(below(0.015), method=1) == "moderate_progress"
    assert classify(0.005, method=1) == "moderate_progress"  # med ≤ PV
    assert classify(below(0.005), method=1) == "limited_progress"
    assert classify(0.0, method=1) == "limited_progress"  # low ≤ PV
    assert classify(below(0.0), method=1) == "deterioration"
    # thresholds × C: with C = 0.5, high 0.0075 and med 0.0025
    assert classify(0.0075, method=1, coefficient=0.5) == "substantial_progress"
    assert classify(0.0025, method=1, coefficient=0.5) == "moderate_progress"
    assert classify(below(0.0025), method=1, coefficient=0.5) == "limited_progress"


def test_classify_method_2_boundaries():
    assert classify(0.95, method=2) == "substantial_progress"
    assert classify(below(0.95), method=2) == "moderate_progress"
    assert classify(0.6, method=2) == "moderate_progress"
    assert classify(below(0.6), method=2) == "limited_progress"
    assert classify(0.0, method=2) == "limited_progress"
    assert classify(below(0.0), method=2) == "deterioration"
    # the coefficient does not apply to method 2
    assert classify(0.6, method=2, coefficient=0.1) == "moderate_progress"


def test_score_method_1_branches():
    assert progress_score(-0.001, method=1) == approx(-2.625)  # 125·−0.001 − 2.5
    assert progress_score(-0.02, method=1) == -5  # 125·−0.02 − 2.5 = −5 exactly
    assert progress_score(-1.0, method=1) == -5  # clamp
    assert progress_score(0.0, method=1) == -2.5  # 500·0 − 2.5
    assert progress_score(0.003, method=1) == approx(-1.0)  # 500·0.003 − 2.5
    assert progress_score(0.005, method=1) == approx(0.0)  # 250·0.005 − 1.25
    assert progress_score(0.01, method=1) == approx(1.25)  # 250·0.01 − 1.25
    assert progress_score(0.015, method=1) == approx(2.5)  # 500·0.015 − 5
    assert progress_score(0.02, method=1) == approx(5.0)  # 500·0.02 − 5 = 5
    assert progress_score(0.5, method=1) == 5  # clamp
    # with C = 0.5: PV/C doubles; 0.005 → 250·0.01 − 1.25 = 1.25
    assert progress_score(0.005, method=1, coefficient=0.5) == approx(1.25)
    # C = 0: 5 for PV ≥ 0, the negative rule otherwise
    assert progress_score(0.0, method=1, coefficient=0.0) == 5
    assert progress_score(-0.004, method=1, coefficient=0.0) == approx(-3.0)


def test_score_method_2_branches():
    assert progress_score(0.6, method=2) == approx(0.00004)  # 7.1429·0.6 − 4.2857
    assert progress_score(below(0.6), method=2) == approx(0.00002)  # 4.1667·0.6 − 2.5
    assert progress_score(0.95, method=2) == approx(2.500055)  # 7.1429·0.95 − 4.2857
    assert progress_score(1.3, method=2) == 5  # 5.00007 → clamp
    assert progress_score(0.0, method=2) == -2.5
    assert progress_score(-0.6, method=2) == -5  # −5.00002 → clamp
    assert progress_score(-0.5, method=2) == approx(-4.58335)


def test_invalid_method():
    with pytest.raises(InvalidInput):
        classify(0.1, method=3)
    with pytest.raises(InvalidInput):
        progress_score(0.1, method=0)


# ---------------------------------------------------------------------------
# Indicator: several series
# ---------------------------------------------------------------------------


def result(score: float | None, status: str) -> SeriesProgress:
    pv = None if score is None else 0.0  # the indicator only looks at score and status
    return SeriesProgress(pv, score, status, 2019, 1.0, 2023, 1.0, 1)


NA = result(None, "not_available")


@pytest.mark.parametrize(
    ("scores", "mean", "status"),
    [
        ([3.0, 2.0], 2.5, "substantial_progress"),  # mean 2.5 ≥ 2.5
        ([below(2.5)], None, "moderate_progress"),  # just under 2.5
        ([0.0, 0.0], 0.0, "moderate_progress"),  # ≥ 0
        ([below(0.0)], None, "limited_progress"),
        ([1.0, -1.5], -0.25, "limited_progress"),
        ([-2.5], -2.5, "limited_progress"),  # ≥ −2.5
        ([below(-2.5)], None, "deterioration"),
        ([-2.0, -3.2], -2.6, "deterioration"),
    ],
)
def test_indicator_thresholds(scores, mean, status):
    r = indicator_progress([result(s, "limited_progress") for s in scores] + [NA])
    if mean is not None:
        assert r.score == approx(mean)
    assert r.status == status
    assert (r.n_series, r.n_scored) == (len(scores) + 1, len(scores))


def test_indicator_target_achieved_only_if_all():
    done = result(5.0, "target_achieved")
    assert indicator_progress([done, done, NA]).status == "target_achieved"
    # one not achieved: mean (5 + 1)/2 = 3 → substantial, not "achieved"
    mixed = indicator_progress([done, result(1.0, "moderate_progress")])
    assert mixed.status == "substantial_progress" and mixed.score == 3.0


def test_indicator_nothing_scored():
    assert indicator_progress([]) == IndicatorProgress(None, "not_available", 0, 0)
    assert indicator_progress([NA, NA]) == IndicatorProgress(None, "not_available", 2, 0)


def test_indicator_from_real_series():
    # worked example 3 (score 3.957265) and a deterioration clamped at −5 → mean −0.521367
    a = sp([2015, 2024], [45.36, 53.22], direction=1, base_year=2015)
    b = sp([2019, 2023], [10.0, 9.0], direction=1)
    r = indicator_progress(iter([a, b]))
    assert r.score == approx((3.957265191218312 - 5) / 2)
    assert r.status == "limited_progress"


# ---------------------------------------------------------------------------
# Labels and colours
# ---------------------------------------------------------------------------


def test_status_labels():
    nb = [status_label(s) for s in STATUSES]
    en = [status_label(s, "en") for s in STATUSES]
    assert nb == [
        "På rett spor",
        "Fremgang, men må akselerere",
        "Begrenset fremgang",
        "Forverring",
        "Mål nådd",
        "Ikke tilgjengelig",
    ]
    assert en == [
        "On track",
        "Progress, acceleration needed",
        "Limited progress",
        "Deterioration",
        "Target achieved",
        "Not available",
    ]
    with pytest.raises(InvalidInput):
        status_label("great")


def test_status_colours():
    assert set(STATUS_COLOURS) == set(STATUSES)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in STATUS_COLOURS.values())
    assert len(set(STATUS_COLOURS.values())) == len(STATUSES)


# ---------------------------------------------------------------------------
# Gain since the zero point (METHODS.md §2)
# ---------------------------------------------------------------------------


def test_gain_with_target():
    # baseline 40 (2019), latest 43 (2023), target 50: Δ = 3, relative 3/40 = 0.075,
    # desired (higher is better), p = 3/10 = 0.3 → "<33"
    g = gain(2019, 40.0, 2023, 43.0, direction=1, target=50.0)
    assert g.delta == 3.0 and g.relative == 0.075 and g.desired is True
    assert g.share_of_distance == approx(0.3) and g.band == "<33"
    assert (g.baseline_year, g.latest_year, g.period) == (2019, 2023, "2019–2023")


def test_gain_lower_is_better():
    # 20 → 15, target 10, lower is better: Δ = −5, relative −5/20 = −0.25, desired,
    # p = −5/−10 = 0.5 → "33-66"
    g = gain(2019, 20.0, 2024, 15.0, direction=-1, target=10.0)
    assert (g.delta, g.relative, g.desired, g.share_of_distance, g.band) == (
        -5.0,
        -0.25,
        True,
        0.5,
        "33-66",
    )
    # the same change with higher is better is not desired
    assert gain(2019, 20.0, 2024, 15.0, direction=1).desired is False


def test_gain_negative_baseline_relative_uses_absolute_value():
    # −10 → −5: Δ = 5, relative 5/|−10| = 0.5
    assert gain(2019, -10.0, 2020, -5.0, direction=1).relative == 0.5


def test_gain_edge_cases():
    assert gain(2019, 0.0, 2023, 5.0, direction=1).relative is None  # baseline 0
    assert gain(2019, 5.0, 2023, 5.0, direction=1).desired is None  # Δ = 0
    assert gain(2019, 5.0, 2023, 6.0, direction=0).desired is None  # direction unknown
    g = gain(2019, 5.0, 2023, 6.0, direction=1)
    assert g.share_of_distance is None and g.band is None  # no target
    g = gain(2019, 5.0, 2023, 6.0, direction=1, target=5.0)
    assert g.share_of_distance is None and g.band is None  # target = baseline
    # overshooting: p = (12 − 5)/(10 − 5) = 1.4 → ">=95"
    assert gain(2019, 5.0, 2023, 12.0, direction=1, target=10.0).band == ">=95"
    # same year compared with itself is allowed
    assert gain(2019, 5.0, 2019, 6.0, direction=1).delta == 1.0


def test_u4ssc_bands():
    assert u4ssc_band(below(0.33)) == "<33"
    assert u4ssc_band(0.33) == "33-66"
    assert u4ssc_band(below(0.66)) == "33-66"
    assert u4ssc_band(0.66) == "66-95"
    assert u4ssc_band(below(0.95)) == "66-95"
    assert u4ssc_band(0.95) == ">=95"
    assert u4ssc_band(-3.0) == "<33"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"direction": 2},
        {"direction": True},
        {"direction": 1, "target": float("inf")},
    ],
)
def test_gain_invalid(kwargs):
    with pytest.raises(InvalidInput):
        gain(2019, 1.0, 2023, 2.0, **kwargs)


def test_gain_invalid_years_and_values():
    with pytest.raises(InvalidInput):
        gain(2023, 1.0, 2019, 2.0, direction=1)
    with pytest.raises(InvalidInput):
        gain(2019, float("nan"), 2023, 2.0, direction=1)
    with pytest.raises(InvalidInput):
        gain(2019, 1.0, 2023, None, direction=1)


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

magnitudes = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
spans = st.integers(min_value=1, max_value=15)


@given(base=magnitudes, current=magnitudes, span=spans, negative=st.booleans())
def test_flipping_direction_flips_pv(base, current, span, negative):
    s = -1.0 if negative else 1.0
    years, values = [2019, 2019 + span], [s * base, s * current]
    up = sp(years, values, direction=1)
    down = sp(years, values, direction=-1)
    assert up.progress_value == -down.progress_value


@given(base=magnitudes, current=magnitudes, span=spans, k=st.floats(0.001, 1000.0))
def test_scaling_leaves_pv_unchanged(base, current, span, k):
    years = [2019, 2019 + span]
    plain = sp(years, [base, current], direction=1)
    scaled = sp(years, [k * base, k * current], direction=1)
    assert scaled.progress_value == approx(plain.progress_value, rel=1e-9, abs=1e-12)


@given(
    base=st.floats(-1e4, 1e4),
    current=st.floats(-1e4, 1e4),
    span=spans,
    direction=st.sampled_from([1, -1]),
    target=st.none() | st.floats(-1e4, 1e4),
    target_year=st.integers(2015, 2050),
    limit=st.none() | st.floats(-1e4, 1e4),
)
def test_score_always_within_bounds(base, current, span, direction, target, target_year, limit):
    r = sp(
        [2019, 2019 + span],
        [base, current],
        direction=direction,
        target=target,
        target_year=target_year,
        limit=limit,
    )
    assert r.status in STATUSES
    if r.score is None:
        assert r.status == "not_available"
    else:
        assert -5 <= r.score <= 5
