"""Streamlit glue of the zero-point page and the goal status: cached reads, tables,
the trend chart (a pure Altair builder) and the Excel export."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from sdg import fmt
from sdg.charts import chart_frame, trend_chart  # noqa: F401 (re-exported)
from sdg.charts import chart_table as _chart_table
from sdg.escape import md
from sdg.exports import About, indicator_provenance, lines
from sdg.gains import (
    GAIN_STATUS_COLOURS,
    NO_DIRECTION,
    comparison_series,
    gain_status_label,
    goal_status,
)
from sdg.i18n import t
from sdg.report import figure_provenance, zero_point_decimals, zero_point_parts
from ui.i18n import tr
from ui.state import get_store
from ui.state import lang as session_lang
from ui.tables import norwegian

ZERO_YEAR = 2019
CHARTS_PER_PAGE = 6
TTL = 300
#: A coloured square per status, for tables (st.dataframe cannot colour cells cheaply).
STATUS_SYMBOLS: dict[str, str] = {
    "substantial_progress": "🟩", "moderate_progress": "🟨", "limited_progress": "🟧",
    "deterioration": "🟥", "target_achieved": "🟦", "not_available": "⬜",
    NO_DIRECTION: "➖",
}


# ------------------------------------------------------------------ cached reads
@st.cache_data(ttl=TTL, show_spinner=False)
def _report(code: str, lang: str, year: int
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return zero_point_parts(get_store(), code, lang, year)


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


def demo_on_screen(code: str, lang: str, goals: set[int] | None = None) -> bool:
    """Whether a demo indicator with a figure feeds what is shown (for ``goals``, or
    any goal): then, and only then, the DEMO banner is due."""
    rep = with_figures(report(code, lang))
    if goals is not None:
        rep = rep[rep["goals"].map(lambda gs: bool(set(gs) & goals))]
    return bool(rep["is_demo"].any())


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
    target = [f"{fmt.number(v, d, lang)} ({int(y)})" if pd.notna(v) else "" for v, y, d in
              zip(rep["target"], rep["target_year"], rep["decimals"], strict=True)]
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


def summary_table(rep: pd.DataFrame) -> pd.DataFrame:
    """What a council member asks first, one row per indicator: the indicator, its zero
    point (year), latest value (year), change and status with the years it compares,
    each figure with the indicator's own decimals (:mod:`sdg.fmt`). Provenance and the
    rest are in :func:`report_table` (the detail view)."""
    lang = session_lang()
    own = [int(d) for d in rep["decimals"]]
    zero = [zero_point_decimals(d, m) for d, m in zip(own, rep["zero_method"], strict=True)]
    years = rep["period"].map(lambda p: f" ({p})" if isinstance(p, str) and p else "")
    return pd.DataFrame({
        tr("gains.col.indicator"): rep["name"] + rep["unit"].map(
            lambda u: f" ({u})" if isinstance(u, str) and u else ""),
        tr("gains.col.zero_value"): [f"{fmt.number(v, d, lang)} ({y})" if pd.notna(v) else "–"
                                     for v, d, y in zip(rep["zero_value"], zero,
                                                        rep["zero_year"], strict=True)],
        tr("gains.col.latest_value"): [
            f"{fmt.number(v, d, lang)} ({int(y)})" if pd.notna(v) else "–"
            for v, d, y in zip(rep["latest_value"], own, rep["latest_year"], strict=True)],
        tr("gains.col.delta"): [fmt.signed(v, d, lang) for v, d in
                                zip(rep["delta"], zero, strict=True)],
        tr("gains.col.status"): status_text(rep["status"], lang) + years.where(
            rep["status"].isin(list(STATUS_SYMBOLS)) & rep["score"].notna(), ""),
    })


def with_figures(rep: pd.DataFrame) -> pd.DataFrame:
    """The rows with a zero point or a later value: an indicator without either is
    not shown as an empty row (a municipality without figures sees a guided start)."""
    return rep[rep["zero_value"].notna() | rep["latest_value"].notna()]


def report_display(rep: pd.DataFrame, table: pd.DataFrame) -> Styler:
    """:func:`report_table` for the screen: each indicator with its own decimals (a
    computed zero point with one more, :func:`sdg.report.zero_point_decimals`),
    percentages with one, scores with two, the Norwegian way in bokmål."""
    own = [int(d) for d in rep["decimals"]]
    zero = [zero_point_decimals(d, m) for d, m in zip(own, rep["zero_method"], strict=True)]
    return norwegian(table, {
        tr("gains.col.zero_value"): zero, tr("gains.col.latest_value"): own,
        tr("gains.col.delta"): zero, tr("gains.col.relative"): 1,
        tr("gains.col.share"): 1, tr("gains.col.score"): 2,
    })


def status_text(statuses: pd.Series, lang: str) -> pd.Series:
    """Status in words with a coloured square in front ("🟩 På rett spor").

    The squares follow the order of :data:`sdg.gains.GAIN_STATUS_COLOURS` (green →
    red, blue for target achieved, white/grey without a status); the words carry the
    meaning for everyone who cannot tell the colours apart.
    """
    return _labels(statuses, lambda s: f"{STATUS_SYMBOLS[s]} {gain_status_label(s, lang)}")


def goal_status_table(status: pd.DataFrame, goals: pd.DataFrame) -> Styler:
    """The 17 goals with their aggregated status, for the goal page."""
    names = goals.set_index("goal")[f"short_{session_lang()}"]
    return norwegian(pd.DataFrame({
        tr("gains.goals.col.goal"): status["goal"].map(lambda g: f"{g} {names[g]}"),
        tr("gains.goals.col.n"): [f"{n} ({s})" for n, s in
                                  zip(status["n_indicators"], status["n_scored"], strict=True)],
        tr("gains.col.status"): status_text(status["status"], session_lang()),
        tr("gains.col.period"): status["years"].fillna("–"),
        tr("gains.col.score"): _round(status["score"]),
    }), {tr("gains.col.score"): 2})


@st.cache_data(ttl=TTL, show_spinner=False)
def provenance(code: str, lang: str, year: int = ZERO_YEAR) -> pd.DataFrame:
    """Where each indicator's figures come from (:func:`sdg.report.figure_provenance`)."""
    return figure_provenance(get_store(), code, report(code, lang, year), year)


def report_about(rep: pd.DataFrame, code: str, settings: dict[str, str]) -> About:
    """The "Om tallene" sheet of the zero-point table: what, for whom, the filters,
    each indicator's source, imports and zero-point provenance, demo or not."""
    lang = session_lang()
    prov = provenance(code, lang)
    prov = prov[prov["indicator"].isin(rep["indicator"])]
    name = get_store().municipality(code)["name"]
    return About(what=f"{tr('gains.title', year=ZERO_YEAR)} ({len(rep)})",
                 municipality=f"{name} ({code})", settings=settings,
                 sources=lines(f"{n}: {s}" for n, s in zip(prov["name"], prov["source"],
                                                          strict=True)),
                 provenance=indicator_provenance(prov, lang), demo=bool(rep["is_demo"].any()))


def chart_table(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`sdg.charts.chart_table` in the session's language."""
    return _chart_table(frame, session_lang())


# --------------------------------------------------------------- goal page
#: Height of the plot of :func:`goal_status_chart` in px (the tiles fill it).
STATUS_CHART_HEIGHT = 56


def goal_status_chart(status: pd.DataFrame, goals: pd.DataFrame, lang: str) -> alt.LayerChart:
    """17 tiles in a row, one per goal: filled in its status colour, framed in the
    goal's UN colour, the goal number inside (white on blue, else black).

    Both axes are bands without an axis (``y`` one constant row), so the tiles fill the
    plot exactly: no title or axis above them can push them out of the drawn area (the
    chart used to be 44 px high with its tiles drawn below that). The page's subheader
    is the title; the table alternative is :func:`goal_status_table`.
    """
    frame = status.merge(goals[["goal", "colour", f"short_{lang}"]], on="goal")
    frame = frame.assign(
        label=_labels(frame["status"], lambda s: gain_status_label(s, lang)),
        fill=frame["status"].map(GAIN_STATUS_COLOURS),
        ink=frame["status"].map(lambda s: "#FFFFFF" if s == "target_achieved" else "#000000"),
        name=frame[f"short_{lang}"], score=frame["score"].round(2), row=0,
    )[["goal", "name", "colour", "label", "fill", "ink", "score", "n_indicators", "n_scored",
       "row"]]
    base = alt.Chart(frame).encode(
        x=alt.X("goal:O", axis=None, scale=alt.Scale(paddingInner=0.15, paddingOuter=0.05)),
        y=alt.Y("row:O", axis=None),
        tooltip=[alt.Tooltip("goal:O", title=t("gains.goals.col.goal", lang)),
                 alt.Tooltip("name:N", title=" "),
                 alt.Tooltip("label:N", title=t("gains.col.status", lang)),
                 alt.Tooltip("score:Q", title=t("gains.col.score", lang)),
                 alt.Tooltip("n_indicators:Q", title=t("gains.goals.col.n", lang)),
                 alt.Tooltip("n_scored:Q", title=t("council.home.scored", lang))])
    tiles = base.mark_rect(strokeWidth=4, cornerRadius=3).encode(
        fill=alt.Fill("fill:N", scale=None), stroke=alt.Stroke("colour:N", scale=None))
    numbers = base.mark_text(fontSize=15, fontWeight="bold").encode(
        text="goal:O", color=alt.Color("ink:N", scale=None))
    return fmt.localise(alt.layer(tiles, numbers).properties(
        height=STATUS_CHART_HEIGHT, description=t("a11y.chart.goal_status", lang),
    ).configure_view(strokeWidth=0), lang)


def goal_indicator_table(rep: pd.DataFrame) -> pd.DataFrame:
    """Status of one goal's indicators: the same answer-first table as the zero-point
    page (:func:`summary_table`): indicator, zero point, latest, change, status with
    its years; no empty cells written as "None"."""
    return summary_table(rep)


def metric_cards(shown: pd.DataFrame, columns: int = 3) -> None:
    """One card per indicator: latest value, change since the zero point (green when in
    the desired direction), the zero point with how it was made, and the status."""
    lang = session_lang()
    cols = st.columns(columns)
    for i, row in enumerate(shown.itertuples()):
        colour = {1: "normal", -1: "inverse"}.get(int(row.direction), "off")
        zero = zero_point_decimals(row.decimals, row.zero_method)
        delta = None if pd.isna(row.delta) else tr(
            "gains.card.delta", delta=fmt.signed(row.delta, zero, lang), year=row.zero_year)
        with cols[i % columns], st.container(border=True):
            st.metric(md(row.name), f"{fmt.number(row.latest_value, row.decimals, lang)} "
                      f"({fmt.year(row.latest_year)})", delta, delta_color=colour)
            st.caption(tr("gains.card.zero", year=row.zero_year,
                          value=fmt.number(row.zero_value, zero, lang),
                          provenance=row.provenance))
            st.caption(status_text(pd.Series([row.status]), lang).iloc[0])
