"""Streamlit glue of the zero-point page and the goal status: cached reads, tables,
the trend chart (a pure Altair builder) and the Excel export."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from sdg import writers
from sdg.escape import md
from sdg.gains import (
    GAIN_STATUS_COLOURS,
    NO_DIRECTION,
    comparison_series,
    gain_status_label,
    goal_status,
    related_codes,
    split_unusable,
    zero_point_report,
)
from sdg.i18n import t
from ui.i18n import tr
from ui.state import get_store
from ui.state import lang as session_lang

ZERO_YEAR = 2019
CHARTS_PER_PAGE = 6
TTL = 300
#: A coloured square per status, for tables (st.dataframe cannot colour cells cheaply).
STATUS_SYMBOLS: dict[str, str] = {
    "substantial_progress": "🟩", "moderate_progress": "🟨", "limited_progress": "🟧",
    "deterioration": "🟥", "target_achieved": "🟦", "not_available": "⬜",
    NO_DIRECTION: "➖",
}
_LINE_COLOURS = ("#222222", "#7F7F7F", "#CC79A7")  # municipality, national, similar


# ------------------------------------------------------------------ cached reads
@st.cache_data(ttl=TTL, show_spinner=False)
def _report(code: str, lang: str, year: int
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    store = get_store()
    indicators = store.indicators()
    changes = store.municipality_changes()
    observations, unusable = split_unusable(
        store.gain_observations(related_codes(code, changes, year)))
    plan = store.indicator_benefit_targets(code)
    targets = {i: (float(v), int(y)) for i, v, y in
               zip(plan["indicator"], plan["target_value"], plan["target_year"], strict=True)}
    rep = zero_point_report(code, indicators, observations, changes, year=year,
                            targets=targets, lang=lang)
    # one long frame instead of a frame per row: the cache copies it much faster
    series = pd.concat([s.assign(indicator=i) for i, s in
                        zip(rep["indicator"], rep["series"], strict=True)], ignore_index=True)
    return rep.drop(columns="series"), series, unusable.merge(
        indicators[["id", f"name_{lang}"]].rename(columns={"id": "indicator",
                                                           f"name_{lang}": "name"}),
        on="indicator", how="left")


def report(code: str, lang: str, year: int = ZERO_YEAR) -> pd.DataFrame:
    """The zero-point report of every indicator for one municipality, with the
    targets of its benefits plan where there are any (without the ``series``
    column: see :func:`report_series`)."""
    return _report(code, lang, year)[0]


def report_series(code: str, lang: str, year: int = ZERO_YEAR) -> pd.DataFrame:
    """The series of the report, long: ``indicator``, ``year``, ``value``, ``source``."""
    return _report(code, lang, year)[1]


def report_unusable(code: str, lang: str, year: int = ZERO_YEAR) -> pd.DataFrame:
    """The stored figures the report could not use (not finite numbers):
    ``municipality``, ``indicator``, ``name``, ``year``, ``value``."""
    return _report(code, lang, year)[2]


def warn_unusable(code: str, lang: str, year: int = ZERO_YEAR) -> None:
    """A warning naming each figure the report left out (nothing when all are usable)."""
    bad = report_unusable(code, lang, year)
    if bad.empty:
        return
    figures = "; ".join(f"{md(r.name if isinstance(r.name, str) else r.indicator)} "
                        f"({r.municipality}, {r.year}: {r.value})" for r in bad.itertuples())
    st.warning(tr("gains.unusable", n=len(bad), figures=figures))


@st.cache_data(ttl=TTL, show_spinner=False)
def comparison(code: str, indicator_ids: tuple[str, ...]) -> pd.DataFrame:
    """National and similar-size series of some indicators (see sdg.gains)."""
    store = get_store()
    indicators = store.indicators()
    indicators = indicators[indicators["id"].isin(indicator_ids)]
    needed = {*indicator_ids, "befolkning", *indicators["denominator"].dropna()}
    observations = store.comparison_observations(sorted(needed))
    return comparison_series(code, indicators, observations, store.municipality_validity(),
                             store.municipality_changes())


@st.cache_data(ttl=TTL, show_spinner=False)
def goal_overview(code: str, lang: str) -> pd.DataFrame:
    """Per SDG the mean indicator score and status for one municipality."""
    return goal_status(report(code, lang))


@st.cache_data(ttl=TTL, show_spinner=False)
def goal_area_links(code: str) -> pd.DataFrame:
    """indicator → goal area through the municipality's benefits (may be empty)."""
    return get_store().indicator_goal_areas(code)


# ------------------------------------------------------------------- tables
def _desired(values: pd.Series, lang: str) -> pd.Series:
    """True/False/None → "ja"/"nei"/"–"."""
    words = {True: t("gains.desired.yes", lang), False: t("gains.desired.no", lang)}
    none = t("gains.desired.none", lang)
    return values.map(lambda v: none if v is None or pd.isna(v) else words[bool(v)])


def _round(series: pd.Series, digits: int = 2) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").round(digits)


def _labels(values: pd.Series, label) -> pd.Series:
    """``label(v)`` for each value, each distinct value looked up once."""
    return values.map({v: label(v) for v in values.unique()})


def report_table(rep: pd.DataFrame) -> pd.DataFrame:
    """The report as a table with translated headers (numbers rounded, not text)."""
    lang = session_lang()
    target = [f"{t:g} ({int(y)})" if pd.notna(t) else "" for t, y in
              zip(rep["target"], rep["target_year"], strict=True)]
    return pd.DataFrame({
        tr("gains.col.goals"): rep["goals"].map(lambda gs: ", ".join(map(str, gs))),
        tr("gains.col.indicator"): rep["name"],
        tr("gains.col.unit"): rep["unit"],
        tr("gains.col.direction"): _labels(rep["direction"], lambda d: t(f"direction.{d}", lang)),
        tr("gains.col.zero_year"): rep["zero_year"],
        tr("gains.col.zero_value"): _round(rep["zero_value"]),
        tr("gains.col.provenance"): rep["provenance"],
        tr("gains.col.latest_year"): rep["latest_year"].astype("Int64"),
        tr("gains.col.latest_value"): _round(rep["latest_value"]),
        tr("gains.col.period"): rep["period"].fillna(""),
        tr("gains.col.delta"): _round(rep["delta"]),
        tr("gains.col.relative"): _round(rep["relative"] * 100, 1),
        tr("gains.col.desired"): _desired(rep["desired"], lang),
        tr("gains.col.target"): target,
        tr("gains.col.share"): _round(rep["share_of_distance"] * 100, 1),
        tr("gains.col.band"): rep["band"].fillna(""),
        tr("gains.col.status"): status_text(rep["status"], lang),
        tr("gains.col.score"): _round(rep["score"]),
    })


def status_text(statuses: pd.Series, lang: str) -> pd.Series:
    """Status in words with a coloured square in front ("🟩 På rett spor").

    The squares follow the order of :data:`sdg.gains.GAIN_STATUS_COLOURS` (green →
    red, blue for target achieved, white/grey without a status); the words carry the
    meaning for everyone who cannot tell the colours apart.
    """
    return _labels(statuses, lambda s: f"{STATUS_SYMBOLS[s]} {gain_status_label(s, lang)}")


def goal_status_table(status: pd.DataFrame, goals: pd.DataFrame) -> pd.DataFrame:
    """The 17 goals with their aggregated status, for the goal page."""
    names = goals.set_index("goal")[f"short_{session_lang()}"]
    return pd.DataFrame({
        tr("gains.goals.col.goal"): status["goal"].map(lambda g: f"{g} {names[g]}"),
        tr("gains.goals.col.n"): [f"{n} ({s})" for n, s in
                                  zip(status["n_indicators"], status["n_scored"], strict=True)],
        tr("gains.col.status"): status_text(status["status"], session_lang()),
        tr("gains.col.score"): _round(status["score"]),
    })


def xlsx_bytes(table: pd.DataFrame, sheet: str = "Nullpunkt") -> bytes:
    """The table as an Excel workbook (:func:`sdg.writers.xlsx_bytes`: no formulas)."""
    return writers.xlsx_bytes({sheet: table})


# ------------------------------------------------------------------- charts
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


def trend_chart(frame: pd.DataFrame, lang: str, columns: int = 2) -> alt.FacetChart:
    """One small chart per indicator (a facet): lines per series, a rule at the zero
    point and a diamond at the target; each with its own scales."""
    labels = [t(f"gains.series.{k}", lang) for k in ("municipality", "national", "similar")]
    colour = alt.Color("label:N", title=None,
                       scale=alt.Scale(domain=labels, range=list(_LINE_COLOURS)),
                       legend=alt.Legend(orient="bottom"))
    dash = alt.StrokeDash("label:N", legend=None,
                          scale=alt.Scale(domain=labels, range=[[1, 0], [5, 3], [2, 2]]))
    x = alt.X("year:O", title=None)
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False))
    tooltip = [alt.Tooltip("label:N", title=" "), alt.Tooltip("year:O"),
               alt.Tooltip("value:Q", format=",.2f")]
    base = alt.Chart()
    lines = base.mark_line(point=True).encode(
        x=x, y=y, color=colour, strokeDash=dash, tooltip=tooltip,
    ).transform_filter(alt.datum.kind == "line")
    zero = base.mark_rule(color="#0072B2", strokeWidth=2).encode(
        y=y, tooltip=tooltip[::2]).transform_filter(alt.datum.kind == "zero")
    target = base.mark_point(shape="diamond", size=120, filled=True, color="#0072B2").encode(
        x=x, y=y, tooltip=tooltip).transform_filter(alt.datum.kind == "target")
    layered = alt.layer(lines, zero, target).properties(width=300, height=180)
    return layered.facet(
        facet=alt.Facet("name:N", title=None, header=alt.Header(labelFontWeight="bold",
                                                                labelFontSize=13)),
        columns=columns, data=frame,
    ).resolve_scale(x="independent", y="independent")


def chart_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The chart's numbers: one row per indicator and year, one column per series."""
    lines = frame[frame["kind"] == "line"]
    wide = lines.pivot_table(index=["name", "year"], columns="label", values="value",
                             aggfunc="first")
    wide = wide.round(2).reset_index().rename(
        columns={"name": tr("gains.col.indicator"), "year": tr("gains.col.year")})
    wide.columns.name = None
    return wide


# --------------------------------------------------------------- goal page
def goal_status_chart(status: pd.DataFrame, goals: pd.DataFrame, lang: str) -> alt.Chart:
    """17 tiles in a row, one per goal: filled in its status colour, framed in the
    goal's UN colour (a single mark, so the chart is cheap to draw on every rerun)."""
    frame = status.merge(goals[["goal", "colour", f"short_{lang}"]], on="goal")
    frame = frame.assign(
        label=_labels(frame["status"], lambda s: gain_status_label(s, lang)),
        fill=frame["status"].map(GAIN_STATUS_COLOURS),
        name=frame[f"short_{lang}"], score=frame["score"].round(2),
    )[["goal", "name", "colour", "label", "fill", "score", "n_indicators", "n_scored"]]
    return alt.Chart(frame).mark_rect(strokeWidth=5, cornerRadius=3).encode(
        x=alt.X("goal:O", title=None, axis=alt.Axis(labelAngle=0, orient="top")),
        fill=alt.Fill("fill:N", scale=None), stroke=alt.Stroke("colour:N", scale=None),
        tooltip=["goal:O", "name:N", "label:N", "score:Q", "n_indicators:Q", "n_scored:Q"],
    ).properties(height=44, title=t("gains.goals.header", lang))


def goal_indicator_table(rep: pd.DataFrame) -> pd.DataFrame:
    """Status of one goal's indicators: name, zero point, latest, period, status, score."""
    return pd.DataFrame({
        tr("gains.col.indicator"): rep["name"],
        tr("gains.col.zero_value"): _round(rep["zero_value"]),
        tr("gains.col.latest_value"): _round(rep["latest_value"]),
        tr("gains.col.period"): rep["period"].fillna(""),
        tr("gains.col.status"): status_text(rep["status"], session_lang()),
        tr("gains.col.score"): _round(rep["score"]),
    })


def _number(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:,.2f}".replace(",", " ").rstrip(
        "0").rstrip(".")


def metric_cards(shown: pd.DataFrame, columns: int = 3) -> None:
    """One card per indicator: latest value, change since the zero point (green when in
    the desired direction), the zero point with how it was made, and the status."""
    lang = session_lang()
    cols = st.columns(columns)
    for i, row in enumerate(shown.itertuples()):
        colour = {1: "normal", -1: "inverse"}.get(int(row.direction), "off")
        delta = None if pd.isna(row.delta) else tr(
            "gains.card.delta", delta=f"{row.delta:+.2f}", year=row.zero_year)
        with cols[i % columns], st.container(border=True):
            st.metric(md(row.name), f"{_number(row.latest_value)} "
                      f"({'' if pd.isna(row.latest_year) else int(row.latest_year)})",
                      delta, delta_color=colour)
            st.caption(tr("gains.card.zero", year=row.zero_year,
                          value=_number(row.zero_value), provenance=row.provenance))
            st.caption(status_text(pd.Series([row.status]), lang).iloc[0])
