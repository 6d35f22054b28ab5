"""Chart and table builders shared by the pages, the exports and the council report.

Pure functions (Altair and pandas, no Streamlit): the materiality matrix
(:func:`matrix_chart`, its table alternative :func:`ranking_table`) and the zero-point
trend chart (:func:`chart_frame`, :func:`trend_chart`, :func:`chart_table`). Numbers in
tables and tooltips are written by :mod:`sdg.fmt`; each chart carries the Vega locale of
its language (:func:`sdg.fmt.localise`), so axes read the Norwegian way.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from sdg import fmt
from sdg.i18n import t

ZERO_YEAR = 2019
_LINE_COLOURS = ("#222222", "#7F7F7F", "#CC79A7")  # municipality, national, similar


def _labels(values: pd.Series, label) -> pd.Series:
    """``label(v)`` for each value, each distinct value looked up once."""
    return values.map({v: label(v) for v in values.unique()})


# ------------------------------------------------------------------ materiality matrix
def _goal_of(subject: str) -> int:
    return int(str(subject).split(".")[0])


def _fmt_interval(lo: float, hi: float, lang: str = "nb") -> str:
    return fmt.interval(lo, hi, 2, lang)


def _titles(matrix: pd.DataFrame, goals: pd.DataFrame, lang: str,
            targets: pd.DataFrame | None) -> pd.Series:
    """Goal short name, or the target's title (falling back to its goal's name)."""
    goal_name = dict(zip(goals["goal"].astype(int), goals[f"short_{lang}"], strict=True))
    target_name = {} if targets is None else dict(
        zip(targets["target"], targets[f"title_{lang}"], strict=True))
    return matrix["subject"].map(
        lambda s: target_name.get(s) or goal_name.get(_goal_of(s), str(s)))


def chart_data(matrix: pd.DataFrame, goals: pd.DataFrame, lang: str,
               targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """The matrix rows with what the chart needs: colour, label, title, n, tooltip texts."""
    colour = dict(zip(goals["goal"].astype(int), goals["colour"], strict=True))
    data = matrix[matrix["x"].notna() & matrix["y"].notna()].copy()
    data["goal"] = data["subject"].map(_goal_of)
    data["colour"] = data["goal"].map(colour)
    data["title"] = _titles(data, goals, lang, targets)
    data["n"] = (data["x_n"] + data["y_n"]).astype(int)
    data["x_interval"] = [_fmt_interval(a, b, lang) for a, b in zip(data["x_ci_low"], data["x_ci_high"],
                                                               strict=True)]
    data["y_interval"] = [_fmt_interval(a, b, lang) for a, b in zip(data["y_ci_low"], data["y_ci_high"],
                                                               strict=True)]
    data["quadrant_name"] = data["quadrant"].map(
        lambda q: t(f"materiality.quadrant.{q}", lang) if isinstance(q, str) else "")
    if "p_focus" not in data.columns:
        data["p_focus"] = float("nan")
    data["robust"] = data["p_focus"].map(lambda p: fmt.percent(p, 0, lang))
    data["thin"] = data["thin"].astype(bool)
    keep = ["subject", "goal", "colour", "title", "x", "y", "x_ci_low", "x_ci_high", "y_ci_low",
            "y_ci_high", "x_n", "y_n", "n", "x_interval", "y_interval", "quadrant_name",
            "robust", "thin"]
    return data[keep].reset_index(drop=True)


def matrix_chart(matrix: pd.DataFrame, goals: pd.DataFrame, lang: str, *, big: bool = False,
                 x_title: str | None = None, y_title: str | None = None,
                 targets: pd.DataFrame | None = None) -> alt.LayerChart:
    """The materiality matrix: one point per subject in its goal's UN colour.

    Parameters
    ----------
    matrix : DataFrame
        Output of :func:`sdg.materiality.quadrants`, optionally with ``p_focus``.
    goals : DataFrame
        ``store.goals()`` (number, short names, colour).
    lang : {"nb", "en"}
    big : bool
        Presentation size (larger chart, type and points).
    x_title, y_title : str, optional
        Axis names (default the catalogue's Påvirkning / Prioritet).
    targets : DataFrame, optional
        ``store.targets()``, for target titles in the tooltips.

    Returns
    -------
    alt.LayerChart
        Interval whiskers (rule marks) on both axes, points sized by n (hollow with a
        thick outline in the goal's colour when n < 5), labels placed so that they do not
        overlap (:func:`place_labels`), threshold lines and quadrant names; rendered as
        SVG.
    """
    data = chart_data(matrix, goals, lang, targets)
    font = 22 if big else 12
    x_title = x_title or t("materiality.axis.influence", lang)
    y_title = y_title or t("materiality.axis.priority", lang)
    scale = alt.Scale(domain=[0, 1], nice=False, zero=False)
    x = alt.X("x:Q", title=x_title, scale=scale,
              axis=alt.Axis(titleFontSize=font + 2, labelFontSize=font))
    y = alt.Y("y:Q", title=y_title, scale=scale,
              axis=alt.Axis(titleFontSize=font + 2, labelFontSize=font))
    colour = alt.Color("colour:N", scale=None, legend=None)
    tooltip = [
        alt.Tooltip("subject:N", title=t("materiality.col.subject", lang)),
        alt.Tooltip("title:N", title=t("materiality.col.name", lang)),
        alt.Tooltip("x:Q", title=x_title, format=".2f"),
        alt.Tooltip("x_interval:N", title=t("materiality.col.interval", lang, axis=x_title)),
        alt.Tooltip("y:Q", title=y_title, format=".2f"),
        alt.Tooltip("y_interval:N", title=t("materiality.col.interval", lang, axis=y_title)),
        alt.Tooltip("n:Q", title=t("materiality.col.n", lang)),
        alt.Tooltip("quadrant_name:N", title=t("materiality.col.quadrant", lang)),
        alt.Tooltip("robust:N", title=t("materiality.col.p_focus", lang)),
    ]
    size_range = [200, 1400] if big else [60, 500]
    size = (900, 640) if big else (600, 460)
    data = place_labels(data, width=size[0], height=size[1], font=font, sizes=size_range)
    max_n = max(1, int(data["n"].max())) if len(data) else 1
    data = data.assign(size_px=_point_size(data["n"], max_n, size_range))
    # A phone draws the chart about half as wide (Streamlit stretches it to the column):
    # there the points are smaller and the labels placed again for that size, chosen in
    # the browser by the chart's own width signal, so the labels stay apart there too.
    compact = place_labels(data, width=COMPACT[0], height=COMPACT[1], font=COMPACT_FONT,
                           sizes=COMPACT_SIZES, drop=True)
    data = data.assign(label_xc=compact["label_x"], label_yc=compact["label_y"],
                       label_c=compact["subject"].where(compact["label_shown"], ""),
                       size_pxc=_point_size(data["n"], max_n, COMPACT_SIZES))
    narrow = f"width < {COMPACT_BELOW}"
    base = alt.Chart(data).transform_calculate(
        lx=f"{narrow} ? datum.label_xc : datum.label_x",
        ly=f"{narrow} ? datum.label_yc : datum.label_y",
        sz=f"{narrow} ? datum.size_pxc : datum.size_px",
        label=f"{narrow} ? datum.label_c : datum.subject")
    # Whiskers, number labels, threshold lines and quadrant names repeat what each
    # point's own description says (and the ranking table lists): hidden from assistive
    # technology, so an empty layer never leaves a nameless mark group (axe: svg-img-alt).
    x_whisker = base.mark_rule(opacity=0.55, aria=False).encode(
        x=alt.X("x_ci_low:Q", scale=scale), x2="x_ci_high:Q", y="y:Q", color=colour)
    y_whisker = base.mark_rule(opacity=0.55, aria=False).encode(
        x="x:Q", y=alt.Y("y_ci_low:Q", scale=scale), y2="y_ci_high:Q", color=colour)
    # n < 5: hollow, with a thick outline in the goal's colour (visible on white);
    # otherwise filled, with a thin dark edge so that light colours stand out
    points = base.mark_point(filled=False, opacity=1).encode(
        x=x, y=y, fill=colour,
        stroke=alt.condition("datum.thin", colour, alt.value("#333333")),
        size=alt.Size("sz:Q", scale=None, legend=None),
        fillOpacity=alt.condition("datum.thin", alt.value(0.0), alt.value(0.9)),
        strokeWidth=alt.condition("datum.thin", alt.value(3.0 if big else 2.5),
                                  alt.value(1.0)),
        tooltip=tooltip)
    labels = base.mark_text(fontSize=alt.expr(f"{narrow} ? {COMPACT_FONT} : {font}"),
                            fontWeight="bold", color="#222222",
                            align="center", baseline="middle", aria=False).encode(
        x=alt.X("lx:Q", scale=scale), y=alt.Y("ly:Q", scale=scale),
        text="label:N")
    layers = [x_whisker, y_whisker, points, labels]
    if len(matrix):
        tx, ty = float(matrix["x_threshold"].iat[0]), float(matrix["y_threshold"].iat[0])
        layers += _threshold_layers(tx, ty, lang, font)
    return fmt.localise(alt.layer(*layers).properties(
        width=size[0], height=size[1], description=t("a11y.chart.matrix", lang),
        usermeta={"embedOptions": {"renderer": "svg", "actions": False}},
    ).configure_view(stroke="#999999"), lang)


#: The matrix as a phone draws it (plot width × height in px, label font, point sizes
#: in px² for n = 0 and the largest n); used below a plot width of COMPACT_BELOW px.
COMPACT = (300, 380)
COMPACT_FONT = 11
COMPACT_SIZES = (20, 190)
COMPACT_BELOW = 450


def _point_size(n: pd.Series, max_n: int, sizes) -> pd.Series:
    """Point area in px², linear in n from ``sizes[0]`` (n = 0) to ``sizes[1]``
    (the largest n): the chart's size scale, computed here so that the browser can
    switch between two of them.

    >>> _point_size(pd.Series([0, 5, 10]), 10, (60, 500)).tolist()
    [60.0, 280.0, 500.0]
    """
    lo, hi = float(sizes[0]), float(sizes[1])
    return lo + (hi - lo) * n.astype(float) / float(max(1, max_n))


_CANDIDATES = ((0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1),
               (0, -2), (2, 0), (0, 2), (-2, 0))


def _overlap(a: tuple, b: tuple) -> float:
    """Area shared by two boxes (x0, y0, x1, y1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def place_labels(data: pd.DataFrame, *, width: int, height: int, font: int,
                 sizes: tuple[int, int] | list[int], drop: bool = False) -> pd.DataFrame:
    """Positions for the point labels so that no two overlap and none covers a point.

    Each label (the subject code, ``font`` px bold, about ``0.62·font`` px per character)
    is tried at twelve places around its point, just outside the point's radius
    (``√(size/π)``, size as the chart's linear size scale from 0 to the largest n):
    above, the diagonals, beside, below, then twice as far. The biggest points are
    placed first; each label takes the first place that stays inside the plot and
    overlaps neither a label placed before nor any point, else the place with the least
    overlap. Returns ``data`` with ``label_x`` and ``label_y`` (in the 0–1 data units)
    and ``label_shown``: with ``drop`` a label may cover a point (that costs a quarter
    of a label overlap) and one that finds no place clear of the other labels is left
    out (False) rather than drawn over another (the tooltip and the table name it).

    >>> d = pd.DataFrame({"subject": ["4", "11"], "x": [0.5, 0.51], "y": [0.5, 0.5],
    ...                   "n": [10, 10]})
    >>> out = place_labels(d, width=600, height=460, font=12, sizes=(60, 500))
    >>> out["label_y"].round(3).tolist()[0] > 0.5      # the first goes above its point
    True
    >>> boxes = [(r.label_x * 600, r.label_y * 460) for r in out.itertuples()]
    >>> abs(boxes[0][0] - boxes[1][0]) >= 12 or abs(boxes[0][1] - boxes[1][1]) >= 12
    True
    """
    out = data.copy()
    if out.empty:
        return out.assign(label_x=pd.Series(dtype=float), label_y=pd.Series(dtype=float),
                          label_shown=pd.Series(dtype=bool))
    max_n = max(1.0, float(out["n"].max()))
    lo, hi = float(sizes[0]), float(sizes[1])
    px = out["x"].to_numpy(dtype=float) * width
    py = (1 - out["y"].to_numpy(dtype=float)) * height
    radius = ((lo + (hi - lo) * out["n"].to_numpy(dtype=float) / max_n) / math.pi) ** 0.5
    points = [(cx - r, cy - r, cx + r, cy + r) for cx, cy, r in zip(px, py, radius,
                                                                    strict=True)]
    placed: list[tuple] = []
    lx, ly = np.zeros(len(out)), np.zeros(len(out))
    shown = np.ones(len(out), dtype=bool)
    for i in np.argsort(-out["n"].to_numpy(), kind="stable"):
        w = 0.62 * font * len(str(out["subject"].iat[i])) + 2
        h = font + 2
        best, best_cost = None, math.inf
        for dx, dy in _CANDIDATES:
            gap_x = radius[i] + w / 2 + 1
            gap_y = radius[i] + h / 2 + 1
            cx, cy = px[i] + dx * gap_x * (0.75 if dx and dy else 1), \
                py[i] + dy * gap_y * (0.75 if dx and dy else 1)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            outside = box[0] < 0 or box[1] < 0 or box[2] > width or box[3] > height
            clash = sum(_overlap(box, b) for b in placed) + (1e6 if outside else 0)
            cost = clash + sum(_overlap(box, b) for b in points) / (4 if drop else 1)
            if cost < best_cost:
                best, best_cost, best_clash = (cx, cy, box), cost, clash
            if cost == 0:
                break
        cx, cy, box = best
        lx[i], ly[i] = cx / width, 1 - cy / height
        if drop and best_clash > 0:
            shown[i] = False
        else:
            placed.append(box)
    return out.assign(label_x=lx, label_y=ly, label_shown=shown)


def _threshold_layers(tx: float, ty: float, lang: str, font: int) -> list:
    """Dashed threshold lines and the four quadrant names in the corners."""
    layers = []
    dash = {"strokeDash": [6, 4], "color": "#666666", "aria": False}
    if pd.notna(tx):
        layers.append(alt.Chart(pd.DataFrame({"t": [tx]})).mark_rule(**dash).encode(x="t:Q"))
    if pd.notna(ty):
        layers.append(alt.Chart(pd.DataFrame({"t": [ty]})).mark_rule(**dash).encode(y="t:Q"))
    corners = pd.DataFrame({
        "q": [t(f"materiality.quadrant.{q}", lang) for q in ("focus", "advocate", "monitor", "low")],
        "x": [0.99, 0.01, 0.99, 0.01], "y": [0.99, 0.99, 0.01, 0.01],
        "align": ["right", "left", "right", "left"],
        "baseline": ["top", "top", "bottom", "bottom"],
    })
    for row in corners.itertuples():
        layers.append(alt.Chart(pd.DataFrame([row._asdict()])).mark_text(
            align=row.align, baseline=row.baseline, fontSize=font + 2, fontStyle="italic",
            color="#595959", aria=False).encode(x="x:Q", y="y:Q", text="q:N"))
    return layers


def ranking_table(matrix: pd.DataFrame, goals: pd.DataFrame, lang: str, *,
                  x_title: str | None = None, y_title: str | None = None,
                  targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """The matrix as a ranked table (the chart's table alternative), headers in ``lang``.

    Columns: rank, subject, name, quadrant, priority, its interval, influence, its
    interval, n, robustness (share of bootstrap resamples in focus), few answers.
    """
    x_title = x_title or t("materiality.axis.influence", lang)
    y_title = y_title or t("materiality.axis.priority", lang)
    m = matrix.sort_values("rank", na_position="last", kind="stable")
    p_focus = m["p_focus"] if "p_focus" in m.columns else pd.Series(float("nan"), index=m.index)
    return pd.DataFrame({
        t("materiality.col.rank", lang): m["rank"],
        t("materiality.col.subject", lang): m["subject"],
        t("materiality.col.name", lang): _titles(m, goals, lang, targets),
        t("materiality.col.quadrant", lang): m["quadrant"].map(
            lambda q: t(f"materiality.quadrant.{q}", lang) if isinstance(q, str) else "–"),
        y_title: m["y"].round(2),
        t("materiality.col.interval", lang, axis=y_title): [
            _fmt_interval(a, b, lang) for a, b in zip(m["y_ci_low"], m["y_ci_high"], strict=True)],
        x_title: m["x"].round(2),
        t("materiality.col.interval", lang, axis=x_title): [
            _fmt_interval(a, b, lang) for a, b in zip(m["x_ci_low"], m["x_ci_high"], strict=True)],
        t("materiality.col.n", lang): (m["x_n"] + m["y_n"]).astype(int),
        t("materiality.col.p_focus", lang): p_focus.round(2),
        t("materiality.col.thin", lang): m["thin"].map({True: "⚠", False: ""}),
    }).reset_index(drop=True)


# ------------------------------------------------------------------ zero-point trends
def chart_frame(shown: pd.DataFrame, series: pd.DataFrame, comp: pd.DataFrame, lang: str,
                keep_total: bool = False) -> pd.DataFrame:
    """One long frame for the trend chart of the ``shown`` report rows.

    Columns ``indicator``, ``name`` (the facet title), ``kind`` ("line", "zero" or
    "target"), ``label``, ``year``, ``value``: the municipality's series and the
    comparisons ("line"), the zero point ("zero", no year) and the target ("target").
    A national total (aggregation ``sum``) is on another scale: left out unless
    ``keep_total`` (for the table alternative).
    """
    names = shown.set_index("indicator")["name"]
    own = series[series["indicator"].isin(names.index)].assign(
        label=t("gains.series.municipality", lang))
    other = comp[comp["indicator"].isin(names.index)]
    if not keep_total:
        totals = shown.loc[shown["aggregation"] == "sum", "indicator"]
        other = other[~(other["indicator"].isin(totals) & (other["series"] == "national"))]
    other = other.assign(label=_labels(other["series"], lambda k: t(f"gains.series.{k}", lang)))
    zero = shown[shown["zero_value"].notna()]
    zero = pd.DataFrame({"indicator": zero["indicator"], "value": zero["zero_value"],
                         "label": f"{t('gains.col.zero_value', lang)} {ZERO_YEAR}",
                         "kind": "zero"})
    target = shown[shown["target"].notna()]
    target = pd.DataFrame({"indicator": target["indicator"], "value": target["target"],
                           "year": target["target_year"], "label": t("gains.series.target", lang),
                           "kind": "target"})
    columns = ["indicator", "kind", "label", "year", "value"]
    lines = pd.concat([own.assign(kind="line"), other.assign(kind="line")], ignore_index=True)
    frame = pd.concat([lines[columns], zero.reindex(columns=columns),
                       target.reindex(columns=columns)], ignore_index=True)
    frame["year"] = pd.to_numeric(frame["year"]).astype("Int64")
    return frame.assign(name=frame["indicator"].map(names))


SERIES = ("municipality", "national", "similar")
_DASHES = {"municipality": [1, 0], "national": [5, 3], "similar": [2, 2]}


def trend_chart(frame: pd.DataFrame, lang: str, columns: int = 2,
                series: tuple[str, ...] = SERIES) -> alt.FacetChart:
    """One small chart per indicator (a facet): lines per series, a rule at the zero
    point and a diamond at the target; each with its own scales. ``series`` are the
    kinds of line the legend lists (the report draws the municipality's only)."""
    labels = [t(f"gains.series.{k}", lang) for k in series]
    colours = dict(zip(SERIES, _LINE_COLOURS, strict=True))
    colour = alt.Color("label:N", title=None,
                       scale=alt.Scale(domain=labels, range=[colours[k] for k in series]),
                       legend=alt.Legend(orient="bottom"))
    dash = alt.StrokeDash("label:N", legend=None,
                          scale=alt.Scale(domain=labels, range=[_DASHES[k] for k in series]))
    x = alt.X("year:O", title=None)
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("label:N", title=" "), alt.Tooltip("year:O"),
               alt.Tooltip("value:Q", format=",.2f")]
    base = alt.Chart()
    lines = base.mark_line(point=True).encode(
        x=x, y=y, color=colour, strokeDash=dash, tooltip=tooltip,
    ).transform_filter(alt.datum.kind == "line")
    # The zero point and target layers are empty in the facet of an indicator without
    # them, and Vega gives an empty mark group a role but no name (axe: svg-img-alt);
    # their values are in the chart's description and the table alternative, so they
    # are hidden from assistive technology (aria=False). The lines keep their items'
    # descriptions (Vega-Lite writes one per point from the encoded fields).
    zero = base.mark_rule(color="#0072B2", strokeWidth=2, aria=False).encode(
        y=y, tooltip=tooltip[::2]).transform_filter(alt.datum.kind == "zero")
    target = base.mark_point(shape="diamond", size=120, filled=True, color="#0072B2",
                             aria=False).encode(
        x=x, y=y, tooltip=tooltip).transform_filter(alt.datum.kind == "target")
    layered = alt.layer(lines, zero, target).properties(width=300, height=180)
    return fmt.localise(layered.facet(
        facet=alt.Facet("name:N", title=None, header=alt.Header(labelFontWeight="bold",
                                                                labelFontSize=13)),
        columns=columns, data=frame,
    ).resolve_scale(x="independent", y="independent").properties(
        description=t("a11y.chart.trend", lang)), lang)


def chart_table(frame: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """The chart's numbers: one row per indicator and year, one column per series."""
    lines = frame[frame["kind"] == "line"]
    wide = lines.pivot_table(index=["name", "year"], columns="label", values="value",
                             aggfunc="first")
    wide = wide.round(2).reset_index().rename(
        columns={"name": t("gains.col.indicator", lang), "year": t("gains.col.year", lang)})
    wide.columns.name = None
    return wide
