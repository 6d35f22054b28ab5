"""The materiality matrix: ratings → scores with uncertainty → quadrants, rank, robustness.

Implements METHODS.md §4. The pipeline, each step a small function below:

1. :func:`normalise` — every rating to 0–1 with its source's scale.
2. :func:`group_stats` — per source × subject × axis: weighted mean, n, Kish n_eff,
   standard error, t interval (:func:`kish_n_eff`, :func:`weighted_se`, :func:`t_interval`).
3. :func:`combine` — across sources with source weights renormalised over the sources
   that rated the subject.
4. :func:`thresholds`, :func:`quadrants` — a threshold per axis, quadrant, thin flag, rank.
5. :func:`robustness` — bootstrap share of resamples in which a subject is in focus.

:func:`aggregate` runs steps 1–3 on a long ratings frame with the columns
``source, respondent, subject, axis, value, scale_min, scale_max`` and optional
``weight``. Everything is vectorised over integer group codes (scatter-adds in row order,
see :func:`_group_dot`), and the bootstrap is one matrix product per source, so millions of
ratings take well under a second.

Quadrants (x = influence, y = priority; "high" means at or above the axis threshold):

=============  ==================  ===============  ==============================
code           priority (y)        influence (x)    meaning
=============  ==================  ===============  ==============================
``focus``      high                high             Fokus: act on it ourselves
``advocate``   high                low              Påvirk: matters, but others
                                                    hold the levers — influence them
``monitor``    low                 high             Følg med: we could act; keep it
                                                    in view
``low``        low                 low              Lav prioritet
=============  ==================  ===============  ==============================
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import sparse
from scipy import stats as sps

from sdg.errors import InvalidInput
from sdg.i18n import t

REQUIRED_COLUMNS = ("source", "respondent", "subject", "axis", "value", "scale_min", "scale_max")
QUADRANTS = ("focus", "advocate", "monitor", "low")
THIN_N = 5
CONFIDENCE = 0.95
# Largest respondent × subject-axis matrix (cells) built densely in the bootstrap;
# beyond it a sparse matrix is used. 2.5e7 float64 cells ≈ 200 MB for both sums.
_DENSE_CELLS = 12_500_000

_SUBJECT_RE = re.compile(r"^(\d{1,2})(?:\.(\d{1,2}|[a-z]))?$")


# --------------------------------------------------------------------------- subjects
def subject_level(subject: str) -> str:
    """Return ``"goal"`` for a goal code (``"4"``), ``"target"`` for ``"11.2"``, else ``"other"``.

    >>> subject_level("4"), subject_level("11.2"), subject_level("14.a"), subject_level("x")
    ('goal', 'target', 'target', 'other')
    """
    m = _SUBJECT_RE.match(str(subject))
    if m is None:
        return "other"
    return "goal" if m.group(2) is None else "target"


def subject_sort_key(subject: str) -> tuple:
    """Sort key in the UN order: goal, then numbered targets, then lettered ones.

    >>> sorted(["11", "8.a", "8.10", "8.9", "8", "2", "x"], key=subject_sort_key)
    ['2', '8', '8.9', '8.10', '8.a', '11', 'x']
    """
    m = _SUBJECT_RE.match(str(subject))
    if m is None:
        return (1, 0, 0, 0, str(subject))
    goal, part = int(m.group(1)), m.group(2)
    if part is None:
        return (0, goal, 0, 0, "")
    if part.isdigit():
        return (0, goal, 1, int(part), "")
    return (0, goal, 2, 0, part)


def _ordered_subjects(subjects: pd.Series | np.ndarray) -> list:
    return sorted(pd.unique(np.asarray(subjects)), key=subject_sort_key)


# --------------------------------------------------------------------------- formulas
def normalise(value: np.ndarray, scale_min: np.ndarray, scale_max: np.ndarray) -> np.ndarray:
    """Map a rating onto 0–1 with its source's scale: x = (v − lo) / (hi − lo).

    Source: METHODS.md §4 (min–max normalisation). An affine change of a scale
    (values and bounds transformed together, positive slope) leaves x unchanged.

    >>> normalise(np.array([1.0, 3.0, 5.0]), 1, 5)
    array([0. , 0.5, 1. ])
    >>> normalise(np.array([0.0, 7.0]), 0, 10)
    array([0. , 0.7])
    """
    lo = np.asarray(scale_min, dtype=float)
    hi = np.asarray(scale_max, dtype=float)
    return (np.asarray(value, dtype=float) - lo) / (hi - lo)


def kish_n_eff(sum_w: np.ndarray, sum_w2: np.ndarray) -> np.ndarray:
    """Kish's effective sample size n_eff = (Σw)² / Σw².

    Source: Kish, *Survey Sampling* (1965). Equal weights give n_eff = n.

    >>> kish_n_eff(np.array([4.0]), np.array([4.0]))      # four weights of 1
    array([4.])
    >>> kish_n_eff(np.array([1 + 1 + 2.0]), np.array([1 + 1 + 4.0]))  # weights 1, 1, 2
    array([2.66666667])
    """
    sum_w = np.asarray(sum_w, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return sum_w**2 / np.asarray(sum_w2, dtype=float)


def weighted_se(n: np.ndarray, sum_w: np.ndarray, sum_w2_resid2: np.ndarray) -> np.ndarray:
    """Standard error of a weighted mean (linearisation estimator), NaN for n < 2.

    SE = sqrt( n/(n − 1) · Σ wᵢ² (xᵢ − x̄_w)² / (Σ wᵢ)² ), where the third argument is
    Σ wᵢ² (xᵢ − x̄_w)².

    Source: the Taylor-linearisation (sandwich) variance of a ratio mean under
    with-replacement sampling (Cochran, *Sampling Techniques*, 1977, §6; what R's
    ``survey::svymean`` reports for a weights-only design). Chosen because it is the
    survey standard, does not change when all weights are scaled by a constant, and with
    equal weights reduces exactly to s/√n with the sample SD (ddof = 1):
    n/(n−1) · Σ(xᵢ − x̄)²/n² = s²/n.

    >>> x = np.array([0.0, 0.5, 1.0]); r2 = ((x - x.mean()) ** 2).sum()   # 0.5
    >>> round(float(weighted_se(np.array([3]), np.array([3.0]), np.array([r2]))[0]), 6)  # s/√3
    0.288675
    >>> weighted_se(np.array([1]), np.array([1.0]), np.array([0.0]))
    array([nan])
    """
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = n / (n - 1) * np.asarray(sum_w2_resid2, dtype=float) / np.asarray(sum_w) ** 2
    return np.where(n >= 2, np.sqrt(var), np.nan)


def t_interval(
    mean: np.ndarray, se: np.ndarray, df: np.ndarray, level: float = CONFIDENCE
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided t interval mean ± t(1 − α/2; df) · SE, clipped to [0, 1].

    Source: Student's t interval; df is n_eff − 1 for one source (Kish), the
    Welch–Satterthwaite df for a combination (see :func:`combine`). NaN where SE or
    df is missing (n < 2). An SE of 0 gives the point itself. Clipping to the 0–1
    scale: the true mean lies in [0, 1], so cutting the interval there never removes
    a possible value and keeps the coverage, while the chart stays on the scale.

    >>> lo, hi = t_interval(np.array([0.5]), np.array([0.1]), np.array([9.0]))
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)      # t(0.975; 9) = 2.2622
    (0.2738, 0.7262)
    >>> t_interval(np.array([0.95]), np.array([0.1]), np.array([9.0]))[1]
    array([1.])
    """
    mean = np.asarray(mean, dtype=float)
    se = np.asarray(se, dtype=float)
    df = np.asarray(df, dtype=float)
    ok = np.isfinite(se) & (se > 0) & np.isfinite(df) & (df > 0)
    q = np.full(mean.shape, np.nan)
    q[ok] = sps.t.ppf(0.5 + level / 2, df[ok])
    half = np.where(se == 0, 0.0, q * se)
    return np.clip(mean - half, 0.0, 1.0), np.clip(mean + half, 0.0, 1.0)


def group_stats(x: np.ndarray, w: np.ndarray, group: np.ndarray, n_groups: int) -> dict:
    """Per-group weighted mean, n, Kish n_eff, SE, df and 95 % t interval.

    x̄_w = Σ wᵢxᵢ / Σ wᵢ; n = count; n_eff = (Σw)²/Σw² (:func:`kish_n_eff`);
    SE by :func:`weighted_se` with the two-pass Σ (wᵢ(xᵢ − x̄_w))², so equal values give
    exactly 0; interval by :func:`t_interval` with df = n_eff − 1. Sums run over the
    integer ``group`` codes (0 … n_groups − 1) in row order: the same additions as
    ``numpy.bincount`` with weights, products fused in (:func:`_group_dot`).

    >>> s = group_stats(np.array([0, .5, 1, .25]), np.ones(4), np.array([0, 0, 0, 1]), 2)
    >>> s["mean"], s["n"], s["n_eff"]
    (array([0.5 , 0.25]), array([3, 1]), array([3., 1.]))
    >>> np.round(s["se"], 4)            # s/√n = 0.5/√3; nothing for n = 1
    array([0.2887,    nan])
    """
    x = np.ascontiguousarray(x, dtype=float)
    w = np.ascontiguousarray(w, dtype=float)
    group = np.asarray(group)
    if len(group) and (group.min() < 0 or group.max() >= n_groups):
        raise ValueError(f"group codes must lie in 0 … {n_groups - 1}")
    idx = group.astype(np.intp, copy=False)
    dot = _group_dot(group, n_groups)
    with _helper_thread(len(x)) as submit:
        w2 = submit(np.multiply, w, w)
        sum_wx = submit(dot, x, w)      # w as the vector: scipy copies matrix entries that
        n = np.bincount(idx, minlength=n_groups)            # are a view into a larger block
        sum_w = np.bincount(idx, weights=w, minlength=n_groups)
        sum_w2 = np.bincount(idx, weights=w2.result(), minlength=n_groups)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = sum_wx.result() / sum_w
        resid = np.empty(len(x))            # wᵢ(xᵢ − x̄_w), each half on its own thread
        half = len(x) // 2
        other = submit(_weighted_residuals, resid, x, w, mean, idx, slice(half, None))
        _weighted_residuals(resid, x, w, mean, idx, slice(0, half))
        other.result()
    r2 = dot(resid, resid)
    # A spread below 1e-12 on the 0–1 scale is rounding noise of x̄_w (equal values with
    # unequal weights): treat it as exactly 0, so SE = 0 does not depend on the weights.
    r2[r2 <= 1e-24 * sum_w2] = 0.0
    n_eff = kish_n_eff(sum_w, sum_w2)
    se = weighted_se(n, sum_w, r2)
    df = np.where(n >= 2, n_eff - 1, np.nan)
    ci_low, ci_high = t_interval(mean, se, df)
    return {"n": n, "sum_w": sum_w, "n_eff": n_eff, "mean": mean, "se": se, "df": df,
            "ci_low": ci_low, "ci_high": ci_high}


def _weighted_residuals(out: np.ndarray, x: np.ndarray, w: np.ndarray, mean: np.ndarray,
                        idx: np.ndarray, rows: slice) -> None:
    """out[rows] = wᵢ(xᵢ − x̄_w of row i's group), in place (``idx`` checked in range)."""
    part = out[rows]
    np.take(mean, idx[rows], out=part, mode="clip")  # "raise" would buffer a copy
    np.subtract(x[rows], part, out=part)
    np.multiply(w[rows], part, out=part)


_PARALLEL_ROWS = 200_000  # below this many rows a helper thread costs more than it saves


class _Done:
    """The result of a task run at once (the serial stand-in for a Future)."""

    def __init__(self, value: object) -> None:
        self._value = value

    def result(self) -> object:
        return self._value


@contextmanager
def _helper_thread(rows: int) -> Iterator[Callable]:
    """``submit(fn, *args)`` → future, run on one helper thread for large inputs (≥
    ``_PARALLEL_ROWS`` rows on a machine with two or more cores), else at once.

    Only for whole computations that release the GIL (numpy ufuncs and ``take``, scipy's
    sparse products, BLAS) and that nothing else writes to meanwhile: every result is
    then exactly what the serial run gives, whatever the threads' timing.
    """
    if rows < _PARALLEL_ROWS or (os.cpu_count() or 1) < 2:
        yield lambda fn, *args: _Done(fn(*args))
        return
    with ThreadPoolExecutor(1) as pool:
        yield pool.submit


def _group_dot(group: np.ndarray, n_groups: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """A function (a, b) ↦ Σᵢ aᵢbᵢ per group, for codes in [0, n_groups) (not checked).

    The group matrix G (n_groups × rows, one entry aᵢ per column, CSC) times b: scipy's
    ``csc_matvec`` adds aᵢ·bᵢ into group gᵢ for i = 0, 1, … — the same products added in
    the same order as ``numpy.bincount(group, weights=a * b)``, so bit-identical to it,
    without the product array and with 32-bit indices (half the memory traffic).

    >>> dot = _group_dot(np.array([1, 0, 1]), 2)
    >>> dot(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0]))     # [2·5, 1·4 + 3·6]
    array([10., 22.])
    """
    rows = len(group)
    itype = np.int32 if max(rows, n_groups) < 2**31 - 1 else np.int64
    indices = np.asarray(group).astype(itype, copy=False)
    indptr = np.arange(rows + 1, dtype=itype)

    def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return sparse.csc_array((a, indices, indptr), shape=(n_groups, rows)) @ b

    return dot


def _mixed_code(codes: list[np.ndarray], sizes: list[int], dtype: type | None = None
                ) -> np.ndarray:
    """Dense code of a tuple of integer codes: ((c₀·n₁ + c₁)·n₂ + c₂)…, as ``dtype``.

    Worked in the smallest integer type that holds every code (16, 32 or 64 bits; small
    codes such as a categorical's int8 come in as they are), returned in it by default.

    >>> _mixed_code([np.array([0, 1], dtype=np.int8), np.array([2, 0])], [2, 3])
    array([2, 3], dtype=int16)
    """
    total = float(np.prod(sizes, dtype=np.float64))
    work = np.int16 if total < 2**15 else np.int32 if total < 2**31 else np.int64
    out = codes[0].astype(work)
    for code, size in zip(codes[1:], sizes[1:], strict=True):
        out *= size
        out += code
    return out if dtype is None else out.astype(dtype, copy=False)


# --------------------------------------------------------------------------- input
@dataclass(frozen=True)
class _Prepared:
    """Ratings as integer codes and arrays (rows with a missing value or weight 0 dropped).

    ``source``, ``subject`` and ``axis`` are integer codes as they come (a categorical's
    own small codes); :attr:`group` combines them once, on first use.
    """

    x: np.ndarray
    w: np.ndarray
    source: np.ndarray
    subject: np.ndarray
    axis: np.ndarray
    sources: np.ndarray
    subjects: np.ndarray
    axes: np.ndarray
    index: pd.Index
    respondent: pd.Series

    @cached_property
    def group(self) -> np.ndarray:
        """Dense code of source × subject × axis (0 … n_groups − 1), smallest int type."""
        return _mixed_code([self.source, self.subject, self.axis],
                           [len(self.sources), len(self.subjects), len(self.axes)])

    @property
    def n_groups(self) -> int:
        return len(self.sources) * len(self.subjects) * len(self.axes)


def _codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and uniques of a column (a categorical's own small codes, no re-hashing)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        codes = col.cat.codes.to_numpy()
        if (codes < 0).any():
            raise InvalidInput("materiality.err.missing_key", column=col.name)
        return codes, np.asarray(col.cat.categories, dtype=object)
    codes, uniques = pd.factorize(col)
    if (codes < 0).any():
        raise InvalidInput("materiality.err.missing_key", column=col.name)
    return codes, np.asarray(uniques, dtype=object)


def _check_columns(ratings: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in ratings.columns]
    if missing:
        raise InvalidInput("materiality.err.columns", columns=", ".join(missing))


def _validate_values(ratings: pd.DataFrame, v: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                     w: np.ndarray) -> tuple[np.ndarray, bool]:
    """Normalised values, and whether every row is kept (value present, weight > 0);
    raise InvalidInput naming the first bad row.

    Checks, in this order: a scale with hi ≤ lo or missing, a value off its scale, a
    negative or missing weight. A fast path (min/max over the arrays) skips the
    row-by-row masks when everything is fine.
    """
    # the scale span and the weight range on a helper thread while x is computed
    with _helper_thread(len(v)) as submit, np.errstate(divide="ignore", invalid="ignore"):
        span_job = submit(np.subtract, hi, lo)
        span_min = submit(lambda: span_job.result().min() if len(v) else np.nan)
        w_range = submit(lambda: (w.min(), w.max()) if len(w) else (np.nan, np.nan))
        x = np.subtract(v, lo)
        span = span_job.result()
        x /= span
        fast = len(v) and span_min.result() > 0 and x.min() >= 0 and x.max() <= 1
        w_min, w_max = w_range.result()
    if fast and w_min >= 0 and np.isfinite(w_max):
        return x, bool(w_min > 0)  # all finite, on scale, weights valid
    bad_scale = ~(np.isfinite(lo) & np.isfinite(hi) & (hi > lo))
    if bad_scale.any():
        i = int(np.flatnonzero(bad_scale)[0])
        raise InvalidInput("materiality.err.bad_scale", row=ratings.index[i], lo=lo[i], hi=hi[i])
    off = np.isfinite(v) & ((v < lo) | (v > hi)) | np.isinf(v)
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise InvalidInput("materiality.err.out_of_scale", row=ratings.index[i], value=v[i],
                           lo=lo[i], hi=hi[i], subject=ratings["subject"].iloc[i],
                           source=ratings["source"].iloc[i], count=int(off.sum()))
    bad_w = ~np.isfinite(w) | (w < 0)
    if bad_w.any():
        i = int(np.flatnonzero(bad_w)[0])
        raise InvalidInput("materiality.err.bad_weight", row=ratings.index[i], weight=w[i])
    return x, False


def _numeric_values(ratings: pd.DataFrame) -> np.ndarray:
    """The value column as floats; a text that is not a number raises InvalidInput."""
    col = ratings["value"]
    if pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype):
        return col.to_numpy(dtype=float, na_value=np.nan)
    num = pd.to_numeric(col, errors="coerce")
    bad = num.isna().to_numpy() & col.notna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidInput("materiality.err.not_numeric", row=ratings.index[i],
                           value=col.iloc[i])
    return num.to_numpy(dtype=float, na_value=np.nan)


def _source_weights(sources: np.ndarray, source_weights: Mapping[str, float] | None) -> np.ndarray:
    """Weight per source code: the mapping's value, 1 for sources it does not name."""
    given = dict(source_weights or {})
    out = np.array([float(given.get(s, 1.0)) for s in sources], dtype=float)
    bad = ~np.isfinite(out) | (out < 0)
    if bad.any():
        raise InvalidInput("materiality.err.source_weight", source=sources[bad][0],
                           weight=out[bad][0])
    return out


def _prepare(ratings: pd.DataFrame, source_weights: Mapping[str, float] | None
             ) -> tuple[_Prepared, np.ndarray]:
    """Validate, normalise and encode; drop missing values, weight-0 rows and sources."""
    _check_columns(ratings)
    v = _numeric_values(ratings)
    lo = ratings["scale_min"].to_numpy(dtype=float, na_value=np.nan)
    hi = ratings["scale_max"].to_numpy(dtype=float, na_value=np.nan)
    if "weight" in ratings.columns:
        w = ratings["weight"].to_numpy(dtype=float, na_value=np.nan)
    else:
        w = np.ones(len(ratings))
    x, clean = _validate_values(ratings, v, lo, hi, w)
    src, sources = _codes(ratings["source"])
    sw = _source_weights(sources, source_weights)
    sub, subjects = _codes(ratings["subject"])
    ax, axes = _codes(ratings["axis"])
    all_kept = len(x) == 0 or (clean and sw.min() > 0)
    if not all_kept:
        idx = np.flatnonzero(np.isfinite(x) & (w > 0) & (sw[src] > 0))
        x, w, src, sub, ax = (a[idx] for a in (x, w, src, sub, ax))
        index, respondent = ratings.index[idx], ratings["respondent"].iloc[idx]
    else:
        index, respondent = ratings.index, ratings["respondent"]
    prep = _Prepared(x=x, w=w, source=src, subject=sub, axis=ax,
                     sources=sources, subjects=subjects, axes=axes, index=index,
                     respondent=respondent)
    return prep, sw


# --------------------------------------------------------------------------- public steps
def source_stats(ratings: pd.DataFrame) -> pd.DataFrame:
    """Per source × subject × axis statistics on the 0–1 scale (see :func:`group_stats`).

    Rows with a missing value (no answer) or respondent weight 0 are left out; a value
    outside its scale raises :class:`~sdg.errors.InvalidInput` naming the row.

    >>> r = pd.DataFrame({"source": "s", "respondent": [1, 2, 3], "subject": "4",
    ...                   "axis": "priority", "value": [1, 3, 5], "scale_min": 1, "scale_max": 5})
    >>> source_stats(r)[["source", "subject", "mean", "n"]].to_dict("records")
    [{'source': 's', 'subject': '4', 'mean': 0.5, 'n': 3}]
    """
    p, _ = _prepare(ratings, None)
    return _stats_frame(p)


def _stats_frame(p: _Prepared) -> pd.DataFrame:
    st = group_stats(p.x, p.w, p.group, p.n_groups)
    present = np.flatnonzero(st["n"] > 0)
    n_sub, n_ax = len(p.subjects), len(p.axes)
    src, rest = np.divmod(present, n_sub * n_ax)
    sub, ax = np.divmod(rest, n_ax)
    out = pd.DataFrame({"source": p.sources[src], "subject": p.subjects[sub],
                        "axis": p.axes[ax]})
    for key in ("mean", "n", "n_eff", "se", "df", "ci_low", "ci_high"):
        out[key] = st[key][present]
    return out


def combine(stats: pd.DataFrame, source_weights: Mapping[str, float] | None = None
            ) -> pd.DataFrame:
    """Combine per-source statistics into one score per subject and axis.

    With source weights w_k renormalised over the sources K(s) that rated subject s,
    c_k = w_k / Σ_{K(s)} w_k:

    - score = Σ c_k · x̄_k;  SE = sqrt(Σ c_k² SE_k²) (METHODS.md §4; sources independent);
    - n = Σ n_k;  n_eff = 1 / Σ (c_k² / n_eff,k) (the n that gives the same variance
      for a common unit variance; reduces to Kish's n_eff for one source);
    - df by Welch–Satterthwaite: (Σ c_k² SE_k²)² / Σ (c_k² SE_k²)² / df_k, which is
      n_eff,k − 1 for a single source; the interval is :func:`t_interval` on it.

    A source with weight 0 is left out completely. A source without an SE (n < 2)
    leaves the combined SE and interval undefined (NaN): its uncertainty is unknown.

    >>> st = pd.DataFrame({"source": ["a", "b", "a"], "subject": ["4", "4", "5"],
    ...     "axis": "priority", "mean": [0.8, 0.4, 0.6], "n": [10, 5, 10],
    ...     "n_eff": [10.0, 5.0, 10.0], "se": [0.1, 0.2, 0.1], "df": [9.0, 4.0, 9.0]})
    >>> out = combine(st, {"a": 3, "b": 1})
    >>> out[["subject", "n", "n_sources"]].to_dict("records")
    [{'subject': '4', 'n': 15, 'n_sources': 2}, {'subject': '5', 'n': 10, 'n_sources': 1}]
    >>> out["score"].round(6).tolist()        # 0.75·0.8 + 0.25·0.4; 0.6
    [0.7, 0.6]
    >>> round(float(out["se"].iloc[0]), 4)    # sqrt(0.75²·0.1² + 0.25²·0.2²)
    0.0901
    """
    st = stats.copy()
    st["w_src"] = _source_weights(st["source"].to_numpy(dtype=object), source_weights)
    st = st[st["w_src"] > 0]
    key = pd.MultiIndex.from_frame(st[["subject", "axis"]])
    codes, uniques = pd.factorize(key)
    m = len(uniques)
    out = _combine_codes(codes, m, st["w_src"].to_numpy(), *(
        st[c].to_numpy(dtype=float) for c in ("mean", "se", "n", "n_eff", "df")))
    return _combined_frame([u[0] for u in uniques], [u[1] for u in uniques], out)


def _combine_codes(codes: np.ndarray, m: int, w_src: np.ndarray, mean: np.ndarray,
                   se: np.ndarray, n: np.ndarray, n_eff: np.ndarray, df: np.ndarray
                   ) -> dict[str, np.ndarray]:
    """The formulas of :func:`combine` for per-source rows with subject-axis ``codes``
    (0 … m − 1): sums over the rows of a code in row order. A code without rows gets
    ``n_sources`` 0 (and no meaningful values)."""
    total = np.bincount(codes, weights=w_src, minlength=m)
    c = w_src / total[codes]
    var_k = c**2 * se**2

    def s(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=values, minlength=m)

    score = s(c * mean)
    var = s(var_k)
    with np.errstate(divide="ignore", invalid="ignore"):
        df_c = var**2 / s(var_k**2 / df)
        n_eff_c = 1.0 / s(c**2 / n_eff)
    combined_se = np.sqrt(var)
    ci_low, ci_high = t_interval(score, combined_se, df_c)
    return {"score": score, "n": s(n).astype(np.int64), "n_eff": n_eff_c, "se": combined_se,
            "df": df_c, "ci_low": ci_low, "ci_high": ci_high,
            "n_sources": np.bincount(codes, minlength=m)}


def _combined_frame(subjects: list, axes: list, out: dict[str, np.ndarray],
                    keep: np.ndarray | slice = slice(None)) -> pd.DataFrame:
    """The frame :func:`combine` returns, from :func:`_combine_codes` (rows ``keep``).

    Built in the order :func:`_sort` gives (UN subject order, then axis; the pairs are
    unique), the level looked up once per subject.
    """
    subject_rank = {s: i for i, s in enumerate(_ordered_subjects(np.asarray(subjects,
                                                                            dtype=object)))}
    axis_rank = {a: i for i, a in enumerate(sorted(set(axes)))}
    order = np.lexsort((np.array([axis_rank[a] for a in axes], dtype=np.intp),
                        np.array([subject_rank[s] for s in subjects], dtype=np.intp)))
    level = {s: subject_level(s) for s in subject_rank}
    ordered = [subjects[i] for i in order]
    frame = pd.DataFrame({"subject": ordered, "axis": [axes[i] for i in order],
                          **{k: v[keep][order] for k, v in out.items()}})
    frame["level"] = [level[s] for s in ordered]
    return frame


def _sort(frame: pd.DataFrame) -> pd.DataFrame:
    order = {s: i for i, s in enumerate(_ordered_subjects(frame["subject"]))}
    ranked = frame.assign(_o=frame["subject"].map(order))
    return ranked.sort_values(["_o", "axis"], kind="stable").drop(columns="_o").reset_index(
        drop=True)


def aggregate(ratings: pd.DataFrame, source_weights: Mapping[str, float] | None = None
              ) -> pd.DataFrame:
    """Combined materiality score per subject and axis with uncertainty.

    Parameters
    ----------
    ratings : DataFrame
        Columns ``source, respondent, subject, axis, value, scale_min, scale_max`` and
        optionally ``weight`` (respondent design weight, 1 if absent). A missing value is
        no answer and is skipped; a value outside its scale raises InvalidInput.
    source_weights : mapping, optional
        Weight per value of the ``source`` column (the store gives each source's id as
        text, so two sources with one name stay apart; default: equal; a source not
        named gets 1; 0 removes a source completely).

    Returns
    -------
    DataFrame
        One row per subject and axis: ``score`` (0–1), ``n``, ``n_eff``, ``se``, ``df``,
        ``ci_low``, ``ci_high``, ``n_sources``, ``level`` (goal/target/other), in UN order.

    Examples
    --------
    >>> r = pd.DataFrame({"source": ["survey"] * 3 + ["admin"], "respondent": [1, 2, 3, 1],
    ...     "subject": "4", "axis": ["priority"] * 3 + ["influence"], "value": [2, 4, 5, 5],
    ...     "scale_min": 1, "scale_max": 5})
    >>> aggregate(r)[["subject", "axis", "score", "n"]].to_dict("records")
    [{'subject': '4', 'axis': 'influence', 'score': 1.0, 'n': 1}, {'subject': '4', 'axis': 'priority', 'score': 0.6666666666666666, 'n': 3}]
    """
    p, sw = _prepare(ratings, source_weights)
    return _combine_prepared(p, sw)


def _combine_prepared(p: _Prepared, sw: np.ndarray) -> pd.DataFrame:
    """``combine(_stats_frame(p), weights)`` on the arrays: the same rows (source-major
    order of the group codes), codes and sums, without the intermediate frames."""
    st = group_stats(p.x, p.w, p.group, p.n_groups)
    n_col = len(p.subjects) * len(p.axes)
    rows = np.flatnonzero(st["n"] > 0)
    src, col = np.divmod(rows, n_col)
    keep = sw[src] > 0
    rows, src, col = rows[keep], src[keep], col[keep]
    out = _combine_codes(col, n_col, sw[src], *(
        st[c][rows].astype(float) for c in ("mean", "se", "n", "n_eff", "df")))
    used = np.flatnonzero(out["n_sources"] > 0)
    sub, ax = np.divmod(used, len(p.axes))
    return _combined_frame(list(p.subjects[sub]), list(p.axes[ax]), out, used)


# --------------------------------------------------------------------------- quadrants
def _threshold_of(values: np.ndarray, method: str | float) -> float:
    if isinstance(method, str):
        if method == "median":
            return float(np.nanmedian(values)) if len(values) else np.nan
        if method == "mean":
            return float(np.nanmean(values)) if len(values) else np.nan
        raise InvalidInput("materiality.err.threshold_method", method=method)
    value = float(method)
    if not 0.0 <= value <= 1.0:
        raise InvalidInput("materiality.err.threshold_value", value=value)
    return value


def thresholds(scores: pd.DataFrame, method: str | float = "median") -> dict[str, float]:
    """Threshold per axis: the median or mean of the subjects' scores, or a fixed value.

    METHODS.md §4. A fixed value is on the 0–1 scale and used for every axis.

    >>> sc = pd.DataFrame({"subject": ["1", "2", "3", "1"], "axis": ["p", "p", "p", "i"],
    ...                    "score": [0.2, 0.4, 0.9, 0.7]})
    >>> thresholds(sc), thresholds(sc, "mean")["p"], thresholds(sc, 0.6)
    ({'i': 0.7, 'p': 0.4}, 0.5, {'i': 0.6, 'p': 0.6})
    """
    out = {}
    for axis, grp in scores.groupby("axis", sort=True):
        out[axis] = _threshold_of(grp["score"].to_numpy(dtype=float), method)
    return out


def quadrant_code(x: float, y: float, x_threshold: float, y_threshold: float) -> str | None:
    """Quadrant of a point: high = at or above the threshold; x = influence, y = priority.

    >>> [quadrant_code(x, y, .5, .5) for x, y in [(.6, .6), (.4, .6), (.6, .4), (.4, .4)]]
    ['focus', 'advocate', 'monitor', 'low']
    >>> quadrant_code(float("nan"), .6, .5, .5) is None
    True
    """
    if not (np.isfinite(x) and np.isfinite(y)):
        return None
    high_x, high_y = x >= x_threshold, y >= y_threshold
    if high_y:
        return "focus" if high_x else "advocate"
    return "monitor" if high_x else "low"


def quadrant_label(code: str, lang: str = "nb") -> str:
    """User-facing name of a quadrant code.

    >>> quadrant_label("focus"), quadrant_label("advocate", "en")
    ('Fokus', 'Influence others')
    """
    return t(f"materiality.quadrant.{code}", lang)


def quadrants(matrix: pd.DataFrame, x_axis: str = "influence", y_axis: str = "priority",
              x_threshold: float | None = None, y_threshold: float | None = None,
              method: str | float = "median") -> pd.DataFrame:
    """One row per subject with both axes side by side, quadrant, thin flag and rank.

    Parameters
    ----------
    matrix : DataFrame
        Output of :func:`aggregate` (filter it to goals or to targets first: thresholds
        are taken over the subjects given).
    x_axis, y_axis : str
        Axis names for x (default influence) and y (default priority).
    x_threshold, y_threshold : float, optional
        Fixed thresholds; if omitted, :func:`thresholds` with ``method``.

    Returns
    -------
    DataFrame
        ``subject, level, x, x_se, x_ci_low, x_ci_high, x_n, y, …, y_n, materiality,
        quadrant, thin, rank, x_threshold, y_threshold``. ``materiality`` = (x + y)/2;
        ``quadrant`` is missing (NA) when an axis is missing;
        ``rank`` 1 = most material, ties broken by UN subject order, <NA> if an axis is
        missing; ``thin`` = n < 5 on either axis (or an axis missing).

    Examples
    --------
    >>> m = pd.DataFrame({"subject": ["1", "1", "2", "2"], "axis": ["influence", "priority"] * 2,
    ...     "score": [0.8, 0.7, 0.2, 0.9], "n": [9, 100, 9, 3], "se": 0.1,
    ...     "ci_low": 0.0, "ci_high": 1.0, "level": "goal"})
    >>> q = quadrants(m, x_threshold=0.5, y_threshold=0.5)
    >>> q[["subject", "quadrant", "thin", "rank"]].to_dict("records")
    [{'subject': '1', 'quadrant': 'focus', 'thin': False, 'rank': 1}, {'subject': '2', 'quadrant': 'advocate', 'thin': True, 'rank': 2}]
    """
    auto = thresholds(matrix, method) if x_threshold is None or y_threshold is None else {}
    tx = x_threshold if x_threshold is not None else auto.get(x_axis, np.nan)
    ty = y_threshold if y_threshold is not None else auto.get(y_axis, np.nan)
    cols = ["score", "se", "ci_low", "ci_high", "n"]
    subjects = _ordered_subjects(matrix["subject"])
    out = pd.DataFrame({"subject": subjects})
    for prefix, axis in (("x", x_axis), ("y", y_axis)):
        part = matrix.loc[matrix["axis"] == axis, ["subject", *cols]].set_index("subject")
        part = part.reindex(subjects)
        for c in cols:
            name = prefix if c == "score" else f"{prefix}_{c}"
            out[name] = part[c].to_numpy()
        out[f"{prefix}_n"] = out[f"{prefix}_n"].fillna(0).astype(np.int64)
    out.insert(1, "level", [subject_level(s) for s in subjects])
    out["materiality"] = (out["x"] + out["y"]) / 2
    out["quadrant"] = [quadrant_code(x, y, tx, ty) for x, y in zip(out["x"], out["y"], strict=True)]
    out["thin"] = np.minimum(out["x_n"], out["y_n"]) < THIN_N
    out["rank"] = rank_subjects(out["materiality"])
    out["x_threshold"], out["y_threshold"] = tx, ty
    return out


def rank_subjects(materiality: pd.Series) -> pd.Series:
    """Rank 1 = highest; equal values keep the order of the series (UN order); NaN → <NA>.

    >>> rank_subjects(pd.Series([0.5, 0.9, 0.5, float("nan")])).tolist()
    [2, 1, 3, <NA>]
    """
    values = materiality.to_numpy(dtype=float)
    ok = np.flatnonzero(np.isfinite(values))
    order = ok[np.argsort(-values[ok], kind="stable")]
    rank = pd.array([pd.NA] * len(values), dtype="Int64")
    rank[order] = np.arange(1, len(order) + 1)
    return pd.Series(rank, index=materiality.index, name="rank")


# --------------------------------------------------------------------------- robustness
def _bootstrap_counts(rng: np.random.Generator, n_resp: int, b: int) -> np.ndarray:
    """B × n_resp multinomial counts: how often each respondent is drawn in a resample."""
    draws = rng.integers(0, n_resp, size=(b, n_resp))
    flat = (np.arange(b)[:, None] * n_resp + draws).ravel()
    return np.bincount(flat, minlength=b * n_resp).reshape(b, n_resp)


def _source_blocks(p: _Prepared, resp: np.ndarray, n_resp_all: int
                   ) -> Iterator[tuple[int, np.ndarray, int, object, object]]:
    """Per source with ratings, in source order: ``(k, present, n_resp, m_w, m_wx)``.

    ``present`` are the subject-axis columns the source rated (sorted); its respondents
    are numbered 0 … n_resp − 1 in the order of their codes ``resp``; ``m_w`` and ``m_wx``
    are the respondent × present-column sums of w and w·x, dense float32 when the matrix
    has at most ``_DENSE_CELLS`` cells, else sparse (float64).

    When every source's matrix fits together, all are one scatter-add over the rows (each
    source a block of rows, a respondent of a source a "unit"); otherwise source by source
    (:func:`_source_blocks_by_rows`). Both give the same sums, added in row order.
    """
    n_src, n_col = len(p.sources), len(p.subjects) * len(p.axes)
    pair = _mixed_code([p.source, resp], [n_src, n_resp_all], np.intp)
    has = np.bincount(pair, minlength=n_src * n_resp_all).reshape(n_src, n_resp_all) > 0
    per_source = has.sum(axis=1)
    n_units = int(per_source.sum())
    if n_units * n_col > _DENSE_CELLS:
        yield from _source_blocks_by_rows(p, resp, n_resp_all)
        return
    # unit = the respondent's rank within its source (by code), sources one after another
    unit_of = (np.cumsum(has, dtype=np.int32) - 1).ravel()
    cell = unit_of[pair]
    cell *= n_col
    cell += _mixed_code([p.subject, p.axis], [len(p.subjects), len(p.axes)])
    dot = _group_dot(cell, n_units * n_col)
    with _helper_thread(len(cell)) as submit:   # w as the vector (see group_stats)
        m_wx = submit(dot, p.x, p.w)
        m_w = dot(np.ones(len(p.w)), p.w).reshape(n_units, n_col)
        m_wx = m_wx.result().reshape(n_units, n_col)
    start = 0
    for k in range(n_src):
        stop = start + int(per_source[k])
        if stop == start:
            continue
        bw, bwx = m_w[start:stop], m_wx[start:stop]
        present = np.flatnonzero((bw > 0).any(axis=0))  # every kept row has w > 0
        if len(present) < n_col:
            bw, bwx = bw[:, present], bwx[:, present]
        yield k, present, stop - start, bw.astype(np.float32), bwx.astype(np.float32)
        start = stop


def _source_blocks_by_rows(p: _Prepared, resp_all: np.ndarray, n_resp_all: int
                           ) -> Iterator[tuple[int, np.ndarray, int, object, object]]:
    """:func:`_source_blocks` one source at a time (for large inputs)."""
    n_src, n_col = len(p.sources), len(p.subjects) * len(p.axes)
    col_all = _mixed_code([p.subject, p.axis], [len(p.subjects), len(p.axes)], np.intp)
    src = p.source.astype(np.uint16) if n_src < 2**16 else p.source  # radix sort
    order = np.argsort(src, kind="stable")
    bounds = np.searchsorted(src[order], np.arange(n_src + 1))
    for k in range(n_src):
        rows = order[bounds[k]:bounds[k + 1]]
        if len(rows) == 0:
            continue
        _, resp = _dense_recode(resp_all[rows], n_resp_all)
        present, cols = _dense_recode(col_all[rows], n_col)
        n_resp, n_cols = int(resp.max()) + 1, len(present)
        w = p.w[rows]
        wx = w * p.x[rows]
        if n_resp * n_cols <= _DENSE_CELLS:
            cell = resp * n_cols + cols
            size = n_resp * n_cols
            m_w = np.bincount(cell, weights=w, minlength=size).astype(np.float32)
            m_wx = np.bincount(cell, weights=wx, minlength=size).astype(np.float32)
            yield (k, present, n_resp, m_w.reshape(n_resp, n_cols),
                   m_wx.reshape(n_resp, n_cols))
        else:
            shape = (n_resp, n_cols)
            yield (k, present, n_resp, sparse.csr_matrix((w, (resp, cols)), shape=shape),
                   sparse.csr_matrix((wx, (resp, cols)), shape=shape))


def _resampled_means(m_w: np.ndarray | sparse.spmatrix, m_wx: np.ndarray | sparse.spmatrix,
                     counts: np.ndarray) -> np.ndarray:
    """B × n_cols weighted means of one source with respondents reweighted by ``counts``.

    x̄_b = Σᵢ c_b,r(i) wᵢ xᵢ / Σᵢ c_b,r(i) wᵢ for every column (subject × axis), computed
    as C @ M with M the respondent × column sums of w and w·x (:func:`_source_blocks`:
    dense, or sparse when the matrix would be large). NaN where no drawn respondent rated
    the column. The dense product runs in float32 (counts are exact; sums carry ~1e-7
    relative error, far below any visible difference) because it is twice as fast.
    """
    if sparse.issparse(m_w):
        sum_w = np.asarray((m_w.T @ counts.T).T)
        sum_wx = np.asarray((m_wx.T @ counts.T).T)
    else:
        c32 = counts.astype(np.float32)
        with _helper_thread(c32.size * m_w.shape[1] // 64) as submit:
            sum_wx = submit(np.matmul, c32, m_wx)
            sum_w = (c32 @ m_w).astype(float)
            sum_wx = sum_wx.result().astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sum_w > 0, sum_wx / sum_w, np.nan)


def _dense_recode(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Renumber integer codes in [0, size) to 0…m−1 in O(n); returns (present, new codes).

    >>> _dense_recode(np.array([5, 2, 5]), 7)
    (array([2, 5]), array([1, 0, 1]))
    """
    present = np.flatnonzero(np.bincount(codes, minlength=size))
    lookup = np.zeros(size, dtype=np.intp)
    lookup[present] = np.arange(len(present))
    return present, lookup[codes]


def robustness(ratings: pd.DataFrame, source_weights: Mapping[str, float] | None = None, *,
               x_axis: str = "influence", y_axis: str = "priority",
               x_threshold: float | None = None, y_threshold: float | None = None,
               method: str | float = "median", B: int = 200, seed: int = 0) -> pd.DataFrame:
    """Share of B bootstrap resamples in which each subject lands in the focus quadrant.

    Respondents are resampled with replacement within each source (the classic
    bootstrap, Efron & Tibshirani 1993, drawn as multinomial counts per respondent);
    in each resample the combined scores (:func:`combine`), the thresholds
    (:func:`thresholds` with ``method`` unless fixed) and the quadrants are recomputed.
    p_focus = #{b : subject in focus in resample b} / B. A subject not rated on both axes
    gets NaN; one whose only raters are not drawn in a resample is not in focus there.
    Deterministic for a given ``seed`` (and row order).

    Returns
    -------
    DataFrame
        ``subject, p_focus`` in UN order.

    Examples
    --------
    >>> r = pd.DataFrame({"source": "s", "respondent": [1, 2, 1, 2, 1, 2, 1, 2],
    ...     "subject": ["1"] * 4 + ["2"] * 4, "axis": ["influence", "influence", "priority",
    ...     "priority"] * 2, "value": [5, 5, 5, 4, 1, 1, 1, 2], "scale_min": 1, "scale_max": 5})
    >>> robustness(r, B=50, seed=1).to_dict("records")
    [{'subject': '1', 'p_focus': 1.0}, {'subject': '2', 'p_focus': 0.0}]
    """
    if B < 1:
        raise InvalidInput("materiality.err.bootstrap_b", b=B)
    p, sw = _prepare(ratings, source_weights)
    n_sub, n_ax = len(p.subjects), len(p.axes)
    rng = np.random.default_rng(seed)
    num = np.zeros((B, n_sub * n_ax))
    den = np.zeros((B, n_sub * n_ax))
    rated = np.zeros(n_sub * n_ax, dtype=bool)
    resp_all, resp_uniques = pd.factorize(p.respondent)
    for k, present, n_resp, m_w, m_wx in _source_blocks(p, resp_all, len(resp_uniques)):
        counts = _bootstrap_counts(rng, n_resp, B)
        means = _resampled_means(m_w, m_wx, counts)
        drawn = np.isfinite(means)
        num[:, present] += sw[k] * np.where(drawn, means, 0.0)
        den[:, present] += sw[k] * drawn
        rated[present] = True
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (num / den).reshape(B, n_sub, n_ax)
    return _focus_share(p, score, rated.reshape(n_sub, n_ax), x_axis, y_axis, x_threshold,
                        y_threshold, method)


def _focus_share(p: _Prepared, score: np.ndarray, rated: np.ndarray, x_axis: str,
                 y_axis: str, x_threshold: float | None, y_threshold: float | None,
                 method: str | float) -> pd.DataFrame:
    """p_focus per subject from the B × subject × axis resampled scores; ``rated`` marks
    the subject × axis pairs with ratings (after dropping)."""
    axes = list(p.axes)
    n_sub = len(p.subjects)
    b = score.shape[0]
    if x_axis in axes and y_axis in axes:
        xs, ys = score[:, :, axes.index(x_axis)], score[:, :, axes.index(y_axis)]
    else:
        xs = ys = np.full((b, n_sub), np.nan)
    tx = _replicate_threshold(xs, x_threshold, method)
    ty = _replicate_threshold(ys, y_threshold, method)
    with np.errstate(invalid="ignore"):
        focus = (xs >= tx[:, None]) & (ys >= ty[:, None])
    share = focus.mean(axis=0)
    # subjects never rated on both axes in the data have no quadrant
    both = np.zeros(n_sub, dtype=bool)
    if x_axis in axes and y_axis in axes:
        both = rated[:, axes.index(x_axis)] & rated[:, axes.index(y_axis)]
    out = pd.DataFrame({"subject": p.subjects, "p_focus": np.where(both, share, np.nan)})
    rated_at_all = rated.any(axis=1)  # not only dropped rows
    return _sort(out[rated_at_all].assign(axis="")).drop(columns="axis")


def _replicate_threshold(values: np.ndarray, fixed: float | None, method: str | float
                         ) -> np.ndarray:
    """Threshold of each resample (row) over the subjects rated in it."""
    b = values.shape[0]
    if fixed is not None:
        return np.full(b, _threshold_of(np.array([]), float(fixed)))
    if not isinstance(method, str):
        return np.full(b, _threshold_of(np.array([]), method))
    if method not in ("median", "mean"):
        raise InvalidInput("materiality.err.threshold_method", method=method)
    if np.isnan(values).all(axis=1).any():
        out = np.full(b, np.nan)
        ok = ~np.isnan(values).all(axis=1)
        fn = np.nanmedian if method == "median" else np.nanmean
        out[ok] = fn(values[ok], axis=1)
        return out
    fn = np.nanmedian if method == "median" else np.nanmean
    return fn(values, axis=1)
