"""Nullpunkt 2019: every indicator of the municipality against its 2019 zero point,
with provenance, gain, Open SDG status, trend charts and an Excel download."""

import streamlit as st

from sdg import exports
from sdg.escape import md
from sdg.gains import NATIONAL_MIN_MUNICIPALITIES
from ui.gains import (
    CHARTS_PER_PAGE,
    ZERO_YEAR,
    chart_frame,
    chart_table,
    comparison,
    goal_area_links,
    metric_cards,
    report,
    report_about,
    report_display,
    report_series,
    report_table,
    summary_table,
    trend_chart,
    warn_unusable,
    with_figures,
)
from ui.i18n import start_values, tr
from ui.nav import require_router
from ui.report import report_button
from ui.setup import guided_start
from ui.state import get_store, lang, municipality, municipality_label
from ui.tables import show
from ui.zerofreeze import frozen_section

require_router()

store = get_store()
code = municipality()
goals = store.goals()

st.title(tr("gains.title", year=ZERO_YEAR))
st.caption(tr("gains.intro", municipality=municipality_label(), year=ZERO_YEAR))

report_button(code)
rep = with_figures(report(code, lang()))
series = report_series(code, lang())
warn_unusable(code, lang())
if rep.empty:
    guided_start(code, "nullpunkt")
    st.stop()

# ------------------------------------------------------------------ filters
with_goal = sorted({g for gs in rep["goals"] for g in gs})
names = goals.set_index("goal")[f"short_{lang()}"]
raw = st.query_params.get("goal", "")
options = [0, *with_goal]
left, right = st.columns(2)
with left:
    goal = st.selectbox(tr("gains.filter.goal"), options, key="gains_goal",
                        **start_values("gains_goal", options,
                                index=options.index(int(raw)) if raw.isdigit()
                                and int(raw) in options else 0),
                        format_func=lambda g: f"{g} {names[g]}" if g else tr("gains.filter.goal_all"))
if goal:
    rep = rep[rep["goals"].map(lambda gs: goal in gs)]
    st.query_params["goal"] = str(goal)
elif "goal" in st.query_params:
    del st.query_params["goal"]

links = goal_area_links(code)
if not links.empty:
    areas = store.goal_areas(code, linked=True).set_index("code")[f"name_{lang()}"]
    with right:
        area_options = ["", *sorted(set(links["goal_area"]))]
        area = st.selectbox(tr("gains.filter.area"), area_options,
                            key="gains_area", **start_values("gains_area", area_options),
                            format_func=lambda a: areas.get(a, a) if a
                            else tr("gains.filter.area_all"))
    if area:
        rep = rep[rep["indicator"].isin(links.loc[links["goal_area"] == area, "indicator"])]

if rep.empty:
    st.info(tr("gains.none"))
    st.stop()
if rep["is_demo"].any():  # only when demo figures are on screen
    st.warning(tr("demo.badge"))

# -------------------------------------------------------------------- table
table = report_table(rep)
st.subheader(tr("gains.table.header", n=len(rep)))
st.table(summary_table(rep), hide_index=True, border="horizontal")  # wraps on a phone
with st.expander(tr("council.zero.details")):
    st.caption(tr("council.zero.details_help"))
    st.dataframe(report_display(rep, table), hide_index=True)
settings = {tr("gains.filter.goal"): f"{goal} {names[goal]}" if goal
            else tr("gains.filter.goal_all")}
if links is not None and not links.empty:
    settings[tr("gains.filter.area")] = areas.get(area, area) if area else tr(
        "gains.filter.area_all")
about = report_about(rep, code, settings)
left, right = st.columns(2)
left.download_button(tr("gains.download"),
                     data=lambda: exports.xlsx(table, "Nullpunkt", about, lang()),
                     file_name=f"nullpunkt_{ZERO_YEAR}_{code}.xlsx", on_click="ignore",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
right.download_button(tr("export.csv"), data=lambda: exports.csv(table, lang()),
                      file_name=f"nullpunkt_{ZERO_YEAR}_{code}.csv", on_click="ignore",
                      mime="text/csv", key="gains_csv")

frozen_section(code)  # the frozen zero point and SSB's revisions (issue 17)

# ------------------------------------------------------------------- charts
st.subheader(tr("gains.charts.header"))
pages = max(1, -(-len(rep) // CHARTS_PER_PAGE))
page = 1
if pages > 1:
    page = st.selectbox(tr("gains.charts.page"), range(1, pages + 1))
shown = rep.iloc[(page - 1) * CHARTS_PER_PAGE: page * CHARTS_PER_PAGE]
comp = comparison(code, tuple(shown["indicator"]))
size_year = comp["size_year"].iloc[0] if not comp.empty else ""
st.caption(tr("gains.charts.help", size_year=size_year,
              min_national=NATIONAL_MIN_MUNICIPALITIES))

st.markdown(f"**{tr('gains.cards.header')}**")
metric_cards(shown)
frame = chart_frame(shown, series, comp, lang())
st.altair_chart(trend_chart(frame, lang()),
                alt=tr("gains.charts.alt", names=", ".join(shown["name"])))
for row in shown.itertuples():
    st.caption(f"**{md(row.name)}** – {tr('gains.col.provenance')}: {row.provenance}"
               + (f" {tr('gains.charts.sum_note')}" if row.aggregation == "sum" else ""))
with st.expander(tr("common.table_alternative")):
    # as many decimals as needed (at most two, as the chart's tooltips): a computed
    # zero point has one more than its indicator
    values = chart_table(chart_frame(shown, series, comp, lang(), keep_total=True))
    show(values, f"nullpunkt_figurer_{code}_{page}.csv", key="gains_chart_table",
         kinds={tr("gains.col.year"): "year"})
