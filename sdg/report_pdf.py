"""The report to the council as a PDF: :func:`render` lays out a :class:`sdg.report.Report`.

Typesetting is Typst, compiled in process by the ``typst`` wheel from PyPI (one
self-contained binary wheel: no system libraries, no browser, no subprocess; a
ten-page report compiles in well under a second). WeasyPrint was the alternative; it
needs Pango and its fonts from the system and lays out HTML more slowly. The layout is
the fixed template ``report.typ`` beside this module; everything it shows comes
already written (numbers and dates through :mod:`sdg.fmt`, words from the catalogue)
in one JSON file, and Typst shows strings as text, so no municipality name, comment
or file name can change the layout. Charts are SVG from vl-convert, each followed by
its table. A page that shows demo content carries a DEMO banner (the template looks
for the demo tags on each page).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from functools import lru_cache
from pathlib import Path

import pandas as pd
import typst
import vl_convert

from sdg import fmt
from sdg.charts import chart_frame, matrix_chart, ranking_table, trend_chart
from sdg.exports import imports_text, matrix_context, with_context
from sdg.gains import GAIN_STATUS_COLOURS, NO_DIRECTION, gain_status_label
from sdg.i18n import t
from sdg.report import Report, assemble, indicators_of, zero_point_decimals

TEMPLATE = Path(__file__).with_name("report.typ")
_REGION = {"nb": "NO", "nn": "NO", "en": "GB"}
CHART_YEARS_BEFORE = 4  # the goal charts start this many years before the zero point
_STATUSES = ("substantial_progress", "moderate_progress", "limited_progress", "deterioration",
             "target_achieved", "not_available", NO_DIRECTION)


def _status(status: str, lang: str) -> dict:
    return {"text": gain_status_label(status, lang), "colour": GAIN_STATUS_COLOURS[status]}


def _demo(text: str, is_demo: bool) -> str | dict:
    return {"text": text, "demo": True} if is_demo else text


def municipality_label(municipality: dict) -> str:
    """``Asker (3203)``."""
    return f"{municipality['name']} ({municipality['code']})"


def _svg(chart) -> str:
    return svg_of(chart.to_json())


@lru_cache(maxsize=64)
def svg_of(spec_json: str) -> str:
    """The SVG of a Vega-Lite spec (vl-convert), kept for the same spec: the charts are
    most of a report's time, and a second download of the same day's report reuses them."""
    return vl_convert.vegalite_to_svg(spec_json)


# ------------------------------------------------------------------ the document
def document_data(report: Report, charts: bool = True) -> tuple[dict, dict[str, str]]:
    """The JSON the template shows and the chart files (name → SVG text)."""
    lang = report.lang
    place = municipality_label(report.municipality)
    files: dict[str, str] = {}
    rep = report.zero_point
    dec = report.decision
    decision_line = t("report.decision.none", lang)
    rationale = None
    if dec:
        bits = [t("report.decision.line", lang, date=fmt.date(dec["decided_on"], lang))]
        if dec.get("case_number"):
            bits.append(t("report.decision.case", lang, case=dec["case_number"]))
        if dec.get("meeting_date"):
            bits.append(t("report.decision.meeting", lang, date=fmt.date(dec["meeting_date"],
                                                                          lang)))
        decision_line = ", ".join(bits)
        rationale = dec.get(f"rationale_{lang}") or dec.get("rationale_nb")
    demo_parts = [t(f"report.demo.part.{k}", lang) for k, v in report.demo.items() if v]
    names = report.goals.set_index("goal")[f"short_{lang}"]
    colours = report.goals.set_index("goal")["colour"]

    # summary: focus goals and their status in one table
    summary = None
    if len(report.summary):
        summary = {
            "columns": [t("report.col.goal", lang), t("report.col.indicators", lang),
                        t("gains.col.status", lang), t("gains.col.score", lang)],
            "align": ["left", "right", "left", "right"],
            "widths": ["1fr", "auto", "auto", "auto"],
            "rows": [[f"{int(r.goal)} {names[r.goal]}",
                      f"{r.n_indicators} ({r.n_scored})", _status(r.status, lang),
                      fmt.number(r.score, 2, lang)] for r in report.summary.itertuples()],
            "demo_rows": [bool(indicators_of(report, int(r.goal))["is_demo"].any())
                          for r in report.summary.itertuples()],
        }
    every = {
        "columns": [t("report.col.goal", lang), t("report.col.indicators", lang),
                    t("gains.col.status", lang), t("gains.col.score", lang)],
        "align": ["left", "right", "left", "right"],
        "widths": ["1fr", "auto", "auto", "auto"],
        "rows": [[f"{int(r.goal)} {names[r.goal]}" + (" ★" if r.goal in report.focus_goals
                                                       else ""),
                  f"{r.n_indicators} ({r.n_scored})", _status(r.status, lang),
                  fmt.number(r.score, 2, lang)] for r in report.goal_status.itertuples()],
        "demo_rows": [bool(indicators_of(report, int(r.goal))["is_demo"].any())
                      for r in report.goal_status.itertuples()],
    }
    intro = (t("report.summary.intro", lang, municipality=report.municipality["name"],
               n=len(report.focus_goals), year=rep["zero_year"].iat[0] if len(rep) else 2019)
             if report.focus_goals else t("report.summary.none", lang))

    data = {
        "lang": lang, "region": _REGION.get(lang, "NO"),
        "title": t("report.title", lang),
        "subtitle": t("report.subtitle", lang, municipality=place),
        "municipality": place,
        "dated": t("report.dated", lang, date=fmt.date(report.as_of, lang)),
        "generated": t("report.generated", lang, when=fmt.datetime(report.generated_at, lang)),
        "footer": f"{place} · {fmt.date(report.as_of, lang)}",
        "decision_line": decision_line, "decision_rationale": rationale,
        "demo_note": (t("report.demo.note", lang, parts=", ".join(demo_parts))
                      if demo_parts else None),
        "labels": {
            "demo_mark": t("report.demo.mark", lang), "demo_banner": t("report.demo.banner", lang),
            "page": t("report.page", lang, page="{page}", pages="{pages}"),
            "ch_summary": t("report.ch.summary", lang), "ch_choice": t("report.ch.choice", lang),
            "ch_goals": t("report.ch.goals", lang), "ch_benefits": t("report.ch.benefits", lang),
            "ch_annex": t("report.ch.annex", lang),
            "rationale": t("report.decision.rationale", lang),
            "sources": t("report.sources.header", lang), "method": t("report.method.header", lang),
            "figure_table": t("report.figure.table", lang),
            "commitments": t("report.goal.commitments", lang),
            "no_commitments": t("report.goal.no_commitments", lang),
            "no_indicators": t("report.goal.no_indicators", lang),
            "annex_sources": t("report.annex.sources", lang),
            "annex_method": t("report.annex.method", lang),
        },
        "summary": {"intro": intro, "table": summary, "all": every,
                    "all_title": t("report.summary.all", lang)},
        "choice": _choice(report, place, files, charts),
        "goals": [_goal(report, g, names[g], colours[g], files, charts)
                  for g in report.focus_goals],
        "benefits": _benefits(report),
        "annex": _annex(report),
    }
    return data, files


def _choice(report: Report, place: str, files: dict, charts: bool) -> dict:
    lang = report.lang
    view = report.view or {}
    src = report.sources
    sources = {
        "columns": [t("report.col.source", lang), t("report.col.kind", lang),
                    t("report.col.held_on", lang), t("report.col.respondents", lang),
                    t("report.col.ratings", lang), t("report.col.weight", lang)],
        "align": ["left", "left", "left", "right", "right", "right"],
        "widths": ["1fr", "auto", "auto", "auto", "auto", "auto"],
        "rows": [[r.name, t(f"materiality.kind.{r.kind}", lang), fmt.date(r.held_on, lang),
                  fmt.number(r.respondents, 0, lang), fmt.number(r.ratings, 0, lang),
                  fmt.number(r.weight, None, lang)] for r in src.itertuples()],
        "demo_rows": [bool(d) for d in src["is_demo"]],
    }
    thr = view.get("threshold") or {"method": "median"}
    matrix = report.matrix
    tx = ty = None
    if matrix is not None and len(matrix):
        tx, ty = matrix["x_threshold"].iat[0], matrix["y_threshold"].iat[0]
    feeds = view.get("feeds") or {}

    def kinds(axis: str) -> str:
        return ", ".join(t(f"materiality.kind.{k}", lang) for k in feeds.get(axis, [])) or "–"

    method = t("report.method.text", lang,
               threshold=t(f"materiality.threshold.{thr.get('method', 'median')}", lang),
               tx=fmt.number(tx, 2, lang), ty=fmt.number(ty, 2, lang), b=200,
               x_feeds=kinds(view.get("x_axis", "influence")),
               y_feeds=kinds(view.get("y_axis", "priority")))
    figure = None
    if matrix is not None and len(matrix):
        title, lines, demo = matrix_context(place, src, view, lang, report.as_of)
        if charts:
            chart = with_context(matrix_chart(matrix, report.goals, lang), title, lines, demo)
            files["matrix.svg"] = _svg(chart)
        table = ranking_table(matrix, report.goals, lang)
        figure = {"image": "matrix.svg" if charts else None, "width_pct": 85,
                  "caption": f"{title}. {lines[-1]}",
                  "table": _frame_table(table, lang, wide=t("materiality.col.name", lang)),
                  "demo": demo}
    return {
        "intro": t("report.choice.intro", lang),
        "view": t(f"report.choice.view_{report.view_origin}", lang),
        "sources": sources, "method": method, "matrix": figure,
        "no_ratings": t("report.choice.no_ratings", lang),
    }


def _frame_table(frame: pd.DataFrame, lang: str, demo_all: bool = False,
                 decimals: int = 2, wide: str | None = None) -> dict:
    """A DataFrame as a template table: numbers through :func:`sdg.fmt.number` (a
    column of whole numbers without decimals, others with ``decimals``); ``wide`` is
    the column that takes the spare width."""
    rows, places = [], []
    for col in frame.columns:
        values = frame[col]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(
            values)
        if not numeric:
            places.append(None)
            continue
        present = pd.to_numeric(values, errors="coerce").dropna()
        places.append(0 if present.empty or (present % 1 == 0).all() else decimals)
    for rec in frame.itertuples(index=False):
        rows.append([fmt.number(v, d, lang) if d is not None
                     else (fmt.MISSING if fmt.is_missing(v) else str(v))
                     for v, d in zip(rec, places, strict=True)])
    columns = [str(c) for c in frame.columns]
    return {"columns": columns, "rows": rows,
            "align": ["left" if d is None else "right" for d in places],
            "widths": ["20%" if c == wide else "auto" for c in columns],
            "demo_rows": [demo_all] * len(rows)}


def _indicator_table(rows: pd.DataFrame, lang: str) -> dict:
    out = []
    for r in rows.itertuples():
        d = int(r.decimals)
        zd = zero_point_decimals(d, r.zero_method)
        out.append([
            f"{r.name} ({r.unit})",
            f"{fmt.number(r.zero_value, zd, lang)} ({r.zero_year})",
            r.provenance,
            f"{fmt.number(r.latest_value, d, lang)} ({fmt.year(r.latest_year)})",
            fmt.signed(r.delta, zd, lang),
            fmt.MISSING if fmt.is_missing(r.target)
            else f"{fmt.number(r.target, d, lang)} ({fmt.year(r.target_year)})",
            _status(r.status, lang),
        ])
    return {
        "columns": [t("gains.col.indicator", lang), t("gains.col.zero_value", lang),
                    t("gains.col.provenance", lang), t("gains.col.latest_value", lang),
                    t("report.col.change", lang), t("gains.col.target", lang),
                    t("gains.col.status", lang)],
        "align": ["left", "right", "left", "right", "right", "right", "left"],
        "widths": ["1.4fr", "auto", "1fr", "auto", "auto", "auto", "auto"],
        "rows": out, "demo_rows": [bool(x) for x in rows["is_demo"]],
    }


def _series_table(rows: pd.DataFrame, series: pd.DataFrame, lang: str) -> dict:
    """The chart's numbers: one row per indicator, one column per year (the zero
    point with its own decimals, the other years with the indicator's)."""
    years = sorted(int(y) for y in series.loc[series["indicator"].isin(rows["indicator"]),
                                              "year"].unique())
    out = []
    for r in rows.itertuples():
        own = series[series["indicator"] == r.indicator].set_index("year")
        cells = []
        for y in years:
            if y not in own.index:
                cells.append(fmt.MISSING)
                continue
            value, source = own.at[y, "value"], own.at[y, "source"]
            d = zero_point_decimals(r.decimals, r.zero_method) if source == "zero_point" \
                else int(r.decimals)
            cells.append(fmt.number(value, d, lang))
        out.append([f"{r.name} ({r.unit})", *cells])
    return {"columns": [t("gains.col.indicator", lang), *map(str, years)], "rows": out,
            "align": ["left", *["right"] * len(years)],
            "widths": ["1fr", *["auto"] * len(years)],
            "demo_rows": [bool(x) for x in rows["is_demo"]]}


def _goal(report: Report, goal: int, name: str, colour: str, files: dict, charts: bool) -> dict:
    lang = report.lang
    rows = indicators_of(report, goal)
    status = report.goal_status.set_index("goal")["status"].get(goal, "not_available")
    commitments = report.commitments.loc[report.commitments["goal"] == goal, "text"].tolist()
    zero_year = int(rows["zero_year"].iat[0]) if len(rows) else 2019
    chart = None
    with_values = rows[rows["zero_value"].notna() | rows["latest_value"].notna()]
    if len(with_values):
        first = zero_year - CHART_YEARS_BEFORE
        series = report.series[report.series["year"] >= first]
        empty = pd.DataFrame(columns=["indicator", "series", "year", "value"])
        frame = chart_frame(with_values, series, empty, lang)
        name_of = f"chart_goal_{goal}.svg"
        if charts:
            files[name_of] = _svg(trend_chart(frame, lang, columns=2, series=("municipality",)))
        chart = {"image": name_of if charts else None, "width_pct": 100 if len(with_values) > 1 else 55,
                 "caption": t("report.goal.chart", lang, year=zero_year, first=first),
                 "table": _series_table(with_values, series, lang),
                 "demo": bool(with_values["is_demo"].any())}
    return {
        "goal": goal, "colour": colour,
        "heading": t("report.goal.heading", lang, goal=goal, name=name),
        "commitments": commitments,
        "status": {"text": t("report.goal.status", lang,
                             status=gain_status_label(status, lang)),
                   "colour": GAIN_STATUS_COLOURS[status]},
        "indicators_title": t("report.goal.indicators", lang, year=zero_year),
        "table": _indicator_table(rows, lang) if len(rows) else None,
        "chart": chart,
    }


def _benefits(report: Report) -> dict:
    lang = report.lang
    plan = report.benefits
    if plan.empty:
        return {"intro": t("report.benefits.intro", lang), "table": None,
                "none": t("report.benefits.none", lang)}
    rows = []
    for r in plan.itertuples():
        d = 2 if pd.isna(r.decimals) else int(r.decimals)
        zero = fmt.number(r.zero_value, zero_point_decimals(d, "weighted"), lang)
        target = fmt.number(r.target_value, d, lang)
        rows.append([
            r.goal_area_name, r.name,
            f"{r.owner or fmt.MISSING}" + (f" ({r.responsible_unit})" if r.responsible_unit
                                           else ""),
            r.indicator_name if isinstance(r.indicator_name, str) else fmt.MISSING,
            f"{zero} ({fmt.date(r.zero_date, lang)}) → {target} ({fmt.date(r.target_date, lang)})",
            _status(r.status if isinstance(r.status, str) else "not_available", lang),
            r.status_note if isinstance(r.status_note, str) else "",
        ])
    return {
        "intro": t("report.benefits.intro", lang),
        "table": {
            "columns": [t("benefits.col.goal_area", lang), t("report.col.benefit", lang),
                        t("report.col.owner", lang), t("benefits.col.indicator", lang),
                        t("report.col.zero_target", lang), t("gains.col.status", lang),
                        t("benefits.col.status_note", lang)],
            "widths": ["0.9fr", "1.3fr", "1fr", "1.1fr", "1.3fr", "0.9fr", "1.2fr"],
            "rows": rows, "demo_rows": [bool(x) for x in plan["is_demo"]],
        },
        "none": t("report.benefits.none", lang),
    }


def _annex(report: Report) -> dict:
    lang = report.lang
    prov = report.provenance
    rows, demo = [], []
    for _, part in prov.groupby("indicator", sort=False):
        first = part.iloc[0]
        imports = imports_text(part, lang)
        rows.append([first["name"], first["source"] or fmt.MISSING, imports,
                     first["provenance"]])
        demo.append(bool(first["is_demo"]))
    year = int(report.zero_point["zero_year"].iat[0]) if len(report.zero_point) else 2019
    return {
        "intro": t("report.annex.sources.intro", lang),
        "table": {"columns": [t("gains.col.indicator", lang), t("report.col.source", lang),
                              t("report.col.batch", lang), t("gains.col.provenance", lang)],
                  "widths": ["1fr", "1fr", "1.6fr", "1fr"], "rows": rows, "demo_rows": demo},
        "method": t("report.annex.method.text", lang, year=year),
        "statuses": {"columns": [t("gains.col.status", lang)],
                     "rows": [[_status(s, lang)] for s in _STATUSES]},
    }


def render(report: Report, charts: bool = True) -> bytes:
    """The report as PDF bytes (Typst, in process); ``charts=False`` leaves the chart
    images out (their tables stay), for quick checks of the text."""
    data, files = document_data(report, charts)
    with tempfile.TemporaryDirectory(prefix="sdg-report-") as tmp:
        root = Path(tmp)
        (root / "report.typ").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        for name, svg in files.items():
            (root / name).write_text(svg, encoding="utf-8")
        return typst.compile(str(root / "report.typ"), root=str(root), format="pdf",
                             timestamp=int(report.generated_at.timestamp()))


def page_count(pdf: bytes) -> int:
    """Pages of a PDF (its page objects).

    >>> page_count(b"<< /Type /Page >> << /Type /Pages >> << /Type /Page>>")
    2
    """
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def report_pdf(store, code: str, lang: str = "nb", as_of: dt.date | None = None) -> bytes:
    """:func:`sdg.report.assemble` and :func:`render`: the PDF of one municipality."""
    return render(assemble(store, code, lang, as_of))
