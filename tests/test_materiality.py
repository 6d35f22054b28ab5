"""Tests of sdg.materiality: hand-computed steps and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg import materiality as m
from sdg.errors import InvalidInput


def ratings(rows: list[tuple], scale: tuple[float, float] = (1, 5)) -> pd.DataFrame:
    """rows: (source, respondent, subject, axis, value[, weight])."""
    cols = ["source", "respondent", "subject", "axis", "value", "weight"][: len(rows[0])]
    df = pd.DataFrame(rows, columns=cols)
    df["scale_min"], df["scale_max"] = scale
    return df


# --------------------------------------------------------------------------- steps
def test_normalise_by_hand():
    # (1-1)/4 = 0, (2-1)/4 = .25, (5-1)/4 = 1; 0–10: 7 → .7
    assert m.normalise(np.array([1, 2, 5]), 1, 5).tolist() == [0, 0.25, 1]
    assert m.normalise(np.array([7.0]), 0, 10).tolist() == [0.7]


def test_equal_weight_mean_se_and_t_interval():
    # values 1,2,4,5 on 1–5 → x = 0, .25, .75, 1; mean .5
    # deviations -.5,-.25,.25,.5 → Σd² = .625; s² = .625/3 = .208333; SE = sqrt(s²/4) = .228218
    # t(0.975; 3) = 3.182446 → half width .726288 → [-.226, 1.226] clipped to [0, 1]
    r = ratings([("s", i, "4", "priority", v) for i, v in enumerate([1, 2, 4, 5])])
    st_ = m.source_stats(r).iloc[0]
    assert st_["mean"] == pytest.approx(0.5)
    assert st_["n"] == 4 and st_["n_eff"] == pytest.approx(4)
    assert st_["se"] == pytest.approx(math.sqrt(0.625 / 3 / 4))
    assert st_["df"] == pytest.approx(3)
    assert (st_["ci_low"], st_["ci_high"]) == (0.0, 1.0)


def test_t_interval_unclipped():
    # values 3,3,4,4,... x = .5,.5,.75,.75: mean .625, Σd² = 4·.125² = .0625, s² = .0208333,
    # SE = sqrt(.0208333/4) = .0721688; half = 3.182446·.0721688 = .229676
    r = ratings([("s", i, "4", "priority", v) for i, v in enumerate([3, 3, 4, 4])])
    row = m.aggregate(r).iloc[0]
    assert row["score"] == pytest.approx(0.625)
    assert row["ci_low"] == pytest.approx(0.625 - 0.229676, abs=1e-5)
    assert row["ci_high"] == pytest.approx(0.625 + 0.229676, abs=1e-5)


def test_weighted_mean_n_eff_and_se():
    # x = 0, .5, 1 with weights 1, 1, 2: mean = (0 + .5 + 2)/4 = .625
    # n_eff = 4²/(1+1+4) = 2.666667
    # Σ w²(x-x̄)² = 1·.390625 + 1·.015625 + 4·.140625 = .96875
    # SE = sqrt(3/2 · .96875 / 16) = sqrt(.0908203) = .301364
    r = ratings([("s", 1, "4", "p", 1, 1.0), ("s", 2, "4", "p", 3, 1.0), ("s", 3, "4", "p", 5, 2.0)])
    row = m.source_stats(r).iloc[0]
    assert row["mean"] == pytest.approx(0.625)
    assert row["n_eff"] == pytest.approx(16 / 6)
    assert row["se"] == pytest.approx(0.301364, abs=1e-6)
    assert row["df"] == pytest.approx(16 / 6 - 1)


def test_single_rating_has_no_interval_and_constant_values_zero_width():
    r = ratings([("s", 1, "4", "p", 4), ("s", 1, "5", "p", 2), ("s", 2, "5", "p", 2)])
    out = m.aggregate(r).set_index("subject")
    assert out.loc["4", "n"] == 1
    assert math.isnan(out.loc["4", "se"]) and math.isnan(out.loc["4", "ci_low"])
    assert out.loc["5", "se"] == 0 and out.loc["5", "ci_low"] == out.loc["5", "ci_high"] == 0.25


def test_combination_with_missing_source():
    # survey rates 4 and 5, workshop only 4; weights survey 2, workshop 1.
    # survey 4: x = .25,.75 → .5, SE = .25 (s = .353553, /√2); workshop 4: x = 1, 1 → 1, SE 0
    # combined 4: 2/3·.5 + 1/3·1 = .666667; SE = sqrt((2/3)²·.0625) = .166667
    # subject 5 only survey (weights renormalised): x = 0, .5 → .25
    r = ratings([
        ("survey", 1, "4", "p", 2), ("survey", 2, "4", "p", 4),
        ("survey", 1, "5", "p", 1), ("survey", 2, "5", "p", 3),
        ("ws", 1, "4", "p", 5), ("ws", 2, "4", "p", 5),
    ])
    out = m.aggregate(r, {"survey": 2, "ws": 1}).set_index("subject")
    assert out.loc["4", "score"] == pytest.approx(2 / 3)
    assert out.loc["4", "se"] == pytest.approx(1 / 6)
    assert out.loc["4", "n"] == 4 and out.loc["4", "n_sources"] == 2
    assert out.loc["5", "score"] == pytest.approx(0.25)
    assert out.loc["5", "n_sources"] == 1
    # Welch–Satterthwaite with one source of variance: df = that source's df = 1
    assert out.loc["4", "df"] == pytest.approx(1.0)


def test_source_weight_zero_removes_source_and_unknown_source_gets_one():
    r = ratings([("a", 1, "4", "p", 5), ("a", 2, "4", "p", 4), ("b", 1, "4", "p", 1),
                 ("b", 1, "9", "p", 1)])
    alone = m.aggregate(r[r.source == "a"])
    assert m.aggregate(r, {"b": 0}).equals(alone)
    # "a" not named → weight 1, b weight 1: (.875 + 0)/2
    assert m.aggregate(r, {"b": 1}).set_index("subject").loc["4", "score"] == pytest.approx(0.4375)


def test_missing_answer_is_skipped_and_weight_zero_row_has_no_effect():
    r = ratings([("s", 1, "4", "p", 5, 1.0), ("s", 2, "4", "p", None, 1.0),
                 ("s", 3, "4", "p", 1, 0.0)])
    row = m.aggregate(r).iloc[0]
    assert row["n"] == 1 and row["score"] == 1.0


@pytest.mark.parametrize(
    ("change", "key"),
    [({"value": 6}, "materiality.err.out_of_scale"),
     ({"scale_max": 1}, "materiality.err.bad_scale"),
     ({"weight": -1.0}, "materiality.err.bad_weight"),
     ({"value": "mye"}, "materiality.err.not_numeric")],
)
def test_invalid_input_names_row(change, key):
    r = ratings([("s", 1, "4", "p", 3, 1.0), ("s", 2, "4", "p", 3, 1.0)])
    r = r.astype({"value": object}) if change.get("value") == "mye" else r
    for col, val in change.items():
        r.loc[1, col] = val
    with pytest.raises(InvalidInput) as exc:
        m.aggregate(r)
    assert exc.value.key == key
    assert exc.value.params["row"] == 1
    assert "1" in exc.value.message("en")


def test_missing_columns_and_bad_source_weight():
    with pytest.raises(InvalidInput) as exc:
        m.aggregate(pd.DataFrame({"source": ["a"]}))
    assert exc.value.key == "materiality.err.columns"
    r = ratings([("a", 1, "4", "p", 3)])
    with pytest.raises(InvalidInput):
        m.aggregate(r, {"a": -1})


# --------------------------------------------------------------------------- quadrants
def matrix() -> pd.DataFrame:
    """Scores: influence 1: .9, 2: .2, 3: .6, 4: .1; priority 1: .8, 2: .9, 3: .3, 4: .2."""
    rows = []
    for s, xi, yi, n in [("1", 0.9, 0.8, 10), ("2", 0.2, 0.9, 10), ("3", 0.6, 0.3, 3),
                         ("4", 0.1, 0.2, 10)]:
        rows.append({"subject": s, "axis": "influence", "score": xi, "n": n, "se": 0.1,
                     "ci_low": xi - 0.2, "ci_high": xi + 0.2})
        rows.append({"subject": s, "axis": "priority", "score": yi, "n": 20, "se": 0.05,
                     "ci_low": yi - 0.1, "ci_high": yi + 0.1})
    return pd.DataFrame(rows)


def test_thresholds_median_mean_fixed():
    # influence .1,.2,.6,.9 → median .4, mean .45; priority .2,.3,.8,.9 → median .55, mean .55
    mx = matrix()
    assert m.thresholds(mx) == pytest.approx({"influence": 0.4, "priority": 0.55})
    assert m.thresholds(mx, "mean") == pytest.approx({"influence": 0.45, "priority": 0.55})
    assert m.thresholds(mx, 0.7) == {"influence": 0.7, "priority": 0.7}
    with pytest.raises(InvalidInput):
        m.thresholds(mx, "mode")
    with pytest.raises(InvalidInput):
        m.thresholds(mx, 1.5)


def test_quadrants_thin_and_rank():
    q = m.quadrants(matrix()).set_index("subject")
    # thresholds .4 (x) and .55 (y)
    assert q["quadrant"].to_dict() == {"1": "focus", "2": "advocate", "3": "monitor", "4": "low"}
    assert q["thin"].to_dict() == {"1": False, "2": False, "3": True, "4": False}
    # materiality (x+y)/2: 1: .85, 2: .55, 3: .45, 4: .15
    assert q["rank"].tolist() == [1, 2, 3, 4]
    assert q.loc["1", "x_ci_low"] == pytest.approx(0.7)
    assert q.loc["3", "x_n"] == 3 and q.loc["3", "y_n"] == 20


def test_rank_ties_by_un_order_and_missing_axis():
    mx = matrix()
    mx.loc[mx.subject == "4", "score"] = [0.25, 0.5]   # 4: (.25+.5)/2 = .375 …
    mx.loc[mx.subject == "3", "score"] = [0.5, 0.25]   # 3: .375 → tie, 3 before 4
    mx = pd.concat([mx, pd.DataFrame([{"subject": "10", "axis": "priority", "score": 1.0,
                                       "n": 9, "se": 0.1, "ci_low": 0.9, "ci_high": 1.0}])])
    q = m.quadrants(mx, x_threshold=0.5, y_threshold=0.5).set_index("subject")
    assert q.loc["3", "rank"] == 3 and q.loc["4", "rank"] == 4
    assert pd.isna(q.loc["10", "quadrant"]) and pd.isna(q.loc["10", "rank"])
    assert bool(q.loc["10", "thin"])
    assert list(q.index) == ["1", "2", "3", "4", "10"]


def test_quadrant_labels():
    assert [m.quadrant_label(c) for c in m.QUADRANTS] == ["Fokus", "Påvirk", "Følg med",
                                                          "Lav prioritet"]
    assert m.quadrant_label("monitor", "en") == "Monitor"


# --------------------------------------------------------------------------- robustness
def two_axis_ratings(seed: int = 0, n: int = 30, subjects: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for src, size in (("survey", n), ("ws", 8)):
        for r in range(size):
            for s in range(1, subjects + 1):
                for axis, mu in (("influence", s / 2), ("priority", 5 - s / 2 + (s == 6) * 2)):
                    v = int(np.clip(round(mu + rng.normal(0, 1)), 1, 5))
                    rows.append((src, f"{src}{r}", str(s), axis, v, rng.uniform(0.5, 2)))
    return ratings(rows)


def test_robustness_deterministic_and_in_unit_interval():
    r = two_axis_ratings()
    a = m.robustness(r, B=40, seed=3)
    b = m.robustness(r, B=40, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a["p_focus"].between(0, 1).all()
    assert list(a["subject"]) == [str(s) for s in range(1, 7)]


def test_robustness_matches_quadrant_for_clear_cases_and_sparse_path(monkeypatch):
    r = two_axis_ratings(n=60)
    q = m.quadrants(m.aggregate(r)).set_index("subject")
    dense = m.robustness(r, B=60, seed=1).set_index("subject")["p_focus"]
    # a subject far inside or far outside focus keeps that status in most resamples
    for s in q.index:
        if q.loc[s, "quadrant"] == "focus":
            assert dense[s] > 0.3
    monkeypatch.setattr(m, "_DENSE_CELLS", 0)
    sparse = m.robustness(r, B=60, seed=1).set_index("subject")["p_focus"]
    pd.testing.assert_series_equal(dense, sparse)


def test_robustness_subject_missing_axis_is_nan_and_bad_b():
    r = ratings([("s", 1, "1", "influence", 5), ("s", 1, "1", "priority", 5),
                 ("s", 2, "1", "influence", 4), ("s", 2, "1", "priority", 4),
                 ("s", 1, "2", "priority", 1)])
    # priority median over (s1, 0) = s1/2 ≤ s1 and influence only s1 → always focus
    out = m.robustness(r, B=10).set_index("subject")["p_focus"]
    assert out["1"] == 1.0 and math.isnan(out["2"])
    with pytest.raises(InvalidInput):
        m.robustness(r, B=0)


# --------------------------------------------------------------------------- properties
@st.composite
def rating_frames(draw):
    n_src = draw(st.integers(1, 3))
    rows = []
    for k in range(n_src):
        for r in range(draw(st.integers(1, 6))):
            for s in draw(st.sets(st.sampled_from(["1", "2", "3", "11.2"]), min_size=1)):
                for axis in ("influence", "priority"):
                    rows.append((f"src{k}", r, s, axis, draw(st.integers(1, 5)),
                                 draw(st.floats(0.25, 4))))
    return ratings(rows)


def assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True),
                                  check_exact=False, rtol=1e-9, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(rating_frames(), st.randoms(use_true_random=False))
def test_permuting_respondents_changes_nothing(r, rnd):
    perm = list(range(len(r)))
    rnd.shuffle(perm)
    assert_same(m.aggregate(r), m.aggregate(r.iloc[perm]))


@settings(max_examples=30, deadline=None)
@given(rating_frames(), st.floats(0.01, 100))
def test_scaling_respondent_weights_changes_nothing(r, c):
    assert_same(m.aggregate(r), m.aggregate(r.assign(weight=r["weight"] * c)))


@settings(max_examples=30, deadline=None)
@given(rating_frames(), st.sampled_from([0.25, 0.5, 2.0, 3.0, 10.0]), st.integers(-50, 50))
def test_affine_change_of_a_source_scale_changes_nothing(r, a, b):
    # slopes and shifts exact in binary, so x = a(v − lo)/(a(hi − lo)) is bit-identical;
    # with arbitrary floats a zero variance could become 1e-17 and turn a NaN df finite
    moved = r.copy()
    sel = moved["source"] == "src0"
    for col in ("value", "scale_min", "scale_max"):
        moved[col] = moved[col].astype(float)
        moved.loc[sel, col] = a * moved.loc[sel, col] + b
    assert_same(m.aggregate(r), m.aggregate(moved))


@settings(max_examples=30, deadline=None)
@given(rating_frames(), st.lists(st.integers(1, 5), min_size=1, max_size=8))
def test_adding_a_zero_weight_source_changes_nothing(r, values):
    extra = ratings([("zero", i, "1", "priority", v, 1.0) for i, v in enumerate(values)])
    weights = {"zero": 0.0}
    assert_same(m.aggregate(r), m.aggregate(pd.concat([r, extra]), weights))
    pd.testing.assert_frame_equal(m.robustness(r, B=5, seed=2),
                                  m.robustness(pd.concat([r, extra]), weights, B=5, seed=2))


@settings(max_examples=20, deadline=None)
@given(rating_frames(), st.integers(0, 2**31))
def test_robustness_deterministic_for_seed(r, seed):
    a = m.robustness(r, B=8, seed=seed)
    pd.testing.assert_frame_equal(a, m.robustness(r, B=8, seed=seed))
    p = a["p_focus"].dropna()
    assert ((p >= 0) & (p <= 1)).all()


def test_categorical_input_gives_same_result():
    r = two_axis_ratings(n=10)
    cat = r.astype({"source": "category", "subject": "category", "axis": "category"})
    assert_same(m.aggregate(r), m.aggregate(cat))


# --------------------------------------------------------------------------- fast paths
def test_group_dot_is_bincount_of_the_products_bit_for_bit():
    rng = np.random.default_rng(5)
    group = rng.integers(0, 7, 1000).astype(np.int16)
    a, b = rng.random(1000), rng.random(1000)
    dot = m._group_dot(group, 9)
    assert np.array_equal(dot(a, b), np.bincount(group.astype(np.intp), weights=a * b,
                                                 minlength=9))


def reference_group_stats(x, w, group, n_groups):
    """The straightforward two-pass sums (numpy.bincount), as group_stats had them."""
    s = lambda v: np.bincount(group, weights=v, minlength=n_groups)  # noqa: E731
    with np.errstate(invalid="ignore"):        # an empty group: 0/0
        mean = s(w * x) / s(w)
    r2 = s((w * (x - mean[group])) ** 2)
    r2[r2 <= 1e-24 * s(w * w)] = 0.0
    return np.bincount(group, minlength=n_groups), s(w), mean, r2


@pytest.mark.parametrize("threads", [False, True])
def test_group_stats_same_sums_serial_and_on_two_threads(monkeypatch, threads):
    monkeypatch.setattr(m, "_PARALLEL_ROWS", 0 if threads else 10**12)
    rng = np.random.default_rng(11)
    n = 5000
    group = rng.integers(0, 40, n)
    x = rng.integers(0, 5, n) / 4
    x[group == 3] = 0.75                      # a constant group: SE exactly 0
    w = rng.uniform(0.2, 3, n)
    got = m.group_stats(x, w, group, 41)      # group 40 empty
    n_, sum_w, mean, r2 = reference_group_stats(x, w, group, 41)
    assert np.array_equal(got["n"], n_) and np.array_equal(got["sum_w"], sum_w)
    assert np.array_equal(got["mean"], mean, equal_nan=True)
    assert np.array_equal(got["se"], m.weighted_se(n_, sum_w, r2), equal_nan=True)
    assert got["se"][3] == 0 and np.isnan(got["se"][40])
    for bad in (39, 0):                       # codes up to 39, and one below 0
        with pytest.raises(ValueError):
            m.group_stats(x, w, group - (bad == 0), 41 if bad == 0 else bad)


def test_threads_change_no_result(monkeypatch):
    r = two_axis_ratings(n=40)
    monkeypatch.setattr(m, "_PARALLEL_ROWS", 10**12)
    serial = m.aggregate(r), m.robustness(r, B=30, seed=4)
    monkeypatch.setattr(m, "_PARALLEL_ROWS", 0)
    threaded = m.aggregate(r), m.robustness(r, B=30, seed=4)
    pd.testing.assert_frame_equal(serial[0], threaded[0], check_exact=True)
    pd.testing.assert_frame_equal(serial[1], threaded[1], check_exact=True)


def test_robustness_blocks_at_once_equal_source_by_source():
    # sources share respondent ids, rate different subjects and come interleaved
    r = two_axis_ratings(n=12)
    r["respondent"] = r["respondent"].str[-1]
    r = pd.concat([r, ratings([("admin", "1", "1", "influence", 4, 1.0),
                               ("admin", "2", "1", "influence", 2, 1.0)])])
    r = r.sample(frac=1, random_state=3)
    p, _ = m._prepare(r, None)
    codes, uniques = pd.factorize(p.respondent)
    at_once = list(m._source_blocks(p, codes, len(uniques)))
    by_source = list(m._source_blocks_by_rows(p, codes, len(uniques)))
    assert [b[0] for b in at_once] == [b[0] for b in by_source] == [0, 1, 2]
    for a, b in zip(at_once, by_source, strict=True):
        assert np.array_equal(a[1], b[1]) and a[2] == b[2]
        assert np.array_equal(a[3], b[3]) and np.array_equal(a[4], b[4])
        assert a[3].dtype == b[3].dtype == np.float32


def test_combine_on_frames_equals_the_array_path():
    r = two_axis_ratings(n=15)
    weights = {"survey": 2.0, "ws": 0.5}
    pd.testing.assert_frame_equal(m.combine(m.source_stats(r), weights),
                                  m.aggregate(r, weights), check_exact=True)
