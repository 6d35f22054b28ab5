"""The materiality matrix in the UI: chart and table builders, cached computations, panels.

Pure builders (no Streamlit): :func:`matrix_chart` (Altair) and :func:`ranking_table`
take the output of :func:`sdg.materiality.quadrants` (optionally with a ``p_focus``
column) and ``store.goals()``; the live workshop projector reuses them.

Streamlit glue: :func:`compute_matrix` (cached on the filter and weight settings),
:func:`show_chart` (the chart from a spec cached on its inputs), the filter panel in the
sidebar, the decision, note and export panels (files made only on click), presentation
mode. Widget keys start with ``mat_``; a saved view (a decision's settings) is applied
through :func:`apply_view`, which the page calls before it draws the widgets.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import partial

import altair as alt
import pandas as pd
import streamlit as st
import vl_convert
from pandas.io.formats.style import Styler

from sdg import exports, fmt
from sdg.charts import chart_data, matrix_chart, ranking_table  # noqa: F401 (re-exported)
from sdg.errors import SdgError
from sdg.escape import md
from sdg.exports import About, matrix_context, source_provenance, view_settings, with_context
from sdg.i18n import LANGS, Count, t
from sdg.report import B_ROBUSTNESS, matrix_from_ratings
from ui.a11y import upload_instruction
from ui.i18n import start_values, tr
from ui.state import actor, get_store, lang, show_error
from ui.tables import EDITOR_NUMBERS, norwegian

THRESHOLD_METHODS = ("median", "mean", "fixed")
_PENDING = "mat_pending_view"


# --------------------------------------------------------------------------- cached data
@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def cached_ratings(code: str, source_ids: tuple[int, ...] | None, groups: tuple[str, ...] | None,
                   level: str, goals: tuple[int, ...] | None, feeds_json: str) -> pd.DataFrame:
    """The ratings for one filter setting (see ``Store.ratings``)."""
    return get_store().ratings(code, source_ids=source_ids, groups=groups, level=level,
                               goals=goals, feeds=json.loads(feeds_json))


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def compute_matrix(view_json: str) -> pd.DataFrame:
    """:func:`sdg.materiality.quadrants` of the view with ``p_focus`` (B = 200) merged in.

    ``view_json`` is :func:`view_key` of the view: the cache key covers every filter,
    weight and threshold setting. Raises SdgError when nothing matches.
    """
    view = json.loads(view_json)
    ratings = cached_ratings(view["municipality"], _tuple(view["sources"]),
                             _tuple(view["groups"]), view["level"], _tuple(view["goals"]),
                             json.dumps(view["feeds"], sort_keys=True))
    return matrix_from_ratings(ratings, view, B_ROBUSTNESS)


def _tuple(values: list | None) -> tuple | None:
    return None if values is None else tuple(values)


def view_key(view: dict) -> str:
    return json.dumps(view, sort_keys=True, default=str)


@st.cache_data(max_entries=32, show_spinner=False)
def chart_spec(matrix: pd.DataFrame, goals: pd.DataFrame, lang: str, *, big: bool = False,
               x_title: str | None = None, y_title: str | None = None,
               targets: pd.DataFrame | None = None) -> dict:
    """:func:`matrix_chart` as the Vega-Lite spec ``st.altair_chart`` would send (the data
    as Arrow datasets), cached on the same arguments.

    Building and validating the Altair layers and converting them is most of a rerun of
    the page otherwise; ``st.vega_lite_chart(spec=…)`` draws the spec unchanged.
    """
    chart = matrix_chart(matrix, goals, lang, big=big, x_title=x_title, y_title=y_title,
                         targets=targets)
    try:  # what st.altair_chart does with the chart
        from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec
    except ImportError:  # pragma: no cover - a Streamlit without it: data inline
        return chart.to_dict()
    return _convert_altair_to_vega_lite_spec(chart)


def ranking_display(table: pd.DataFrame, x_title: str, y_title: str) -> Styler:
    """:func:`sdg.charts.ranking_table` for the screen: axes and robustness with two
    decimals, the Norwegian way in bokmål (the cells keep their values for sorting)."""
    language = lang()
    return norwegian(table, {x_title: 2, y_title: 2,
                             t("materiality.col.p_focus", language): 2,
                             t("materiality.col.n", language): 0})


def show_chart(chart: partial) -> None:
    """Draw ``partial(matrix_chart, …)`` from its cached spec (:func:`chart_spec`)."""
    if chart.func is not matrix_chart:
        raise TypeError("show_chart draws partial(matrix_chart, …)")
    st.vega_lite_chart(spec=chart_spec(*chart.args, **chart.keywords), width="stretch")


@st.cache_data(max_entries=16, show_spinner=False)
def chart_image(spec_json: str, fmt: str) -> bytes:
    """The chart as PNG or SVG bytes (vl-convert)."""
    if fmt == "png":
        return vl_convert.vegalite_to_png(spec_json, scale=2)
    return vl_convert.vegalite_to_svg(spec_json).encode("utf-8")


def clear_caches() -> None:
    """Forget cached ratings and matrices (after a write)."""
    cached_ratings.clear()
    compute_matrix.clear()


# --------------------------------------------------------------------------- panels
def source_label(row) -> str:
    demo = f" · {tr('demo.badge')}" if row.is_demo else ""
    return f"{row.name} (#{row.id}, {tr(f'materiality.kind.{row.kind}')}){demo}"


def apply_view(view: dict) -> None:
    """Queue a view (a decision's settings) to be written into the widgets next run."""
    st.session_state[_PENDING] = view


def _apply_pending(sources: pd.DataFrame) -> None:
    view = st.session_state.pop(_PENDING, None)
    if not view:
        return
    ids = set(sources["id"])
    st.session_state["mat_sources"] = [i for i in view.get("sources") or sources["id"] if i in ids]
    if view.get("groups") is not None:
        st.session_state["mat_groups"] = view["groups"]
    st.session_state["mat_level"] = view.get("level", "goal")
    if view.get("goals"):
        st.session_state["mat_goals"] = view["goals"]
    thr = view.get("threshold", {})
    st.session_state["mat_thr_method"] = thr.get("method", "median")
    st.session_state["mat_thr_x"] = float(thr.get("x", 0.5))
    st.session_state["mat_thr_y"] = float(thr.get("y", 0.5))
    # weights are keyed by source id; views saved before issue 12 keyed them by name
    by_key = dict(zip(sources["name"], sources["id"], strict=False)) | {
        str(i): i for i in sources["id"]}
    for key, weight in (view.get("weights") or {}).items():
        if key in by_key:
            st.session_state[f"mat_w_{by_key[key]}"] = float(weight)


INCLUDED_KEY = "mat_included_now"


def _follow_inclusion(sources: pd.DataFrame) -> None:
    """Keep the source filter in step with the council's matrix: a source just included
    (:data:`INCLUDED_KEY`, set by the sources panel) is picked, one no longer counting is
    dropped from the picked ones."""
    ids = set(sources["id"])
    added = st.session_state.pop(INCLUDED_KEY, None)
    if "mat_sources" not in st.session_state:
        return
    picked = [i for i in st.session_state["mat_sources"] if i in ids]
    if added in ids and added not in picked:
        picked.append(added)
    if picked != st.session_state["mat_sources"]:
        st.session_state["mat_sources"] = picked


def labeller(prefix: str):
    """A ``format_func`` giving the catalogue text ``prefix.<value>`` in the session's
    language, fixed when the widget is drawn."""
    language = lang()
    return lambda value: t(f"{prefix}.{value}", language)


def _unset(key: str, default):
    """A widget's start value, or None when Session State already holds one (a value
    given both ways makes Streamlit warn)."""
    return None if key in st.session_state else default


def filter_panel(code: str, settings: dict, goal_param: str | None) -> dict:
    """The sidebar filters; returns the view (everything that decides the matrix)."""
    store = get_store()
    sources = store.rating_sources(code)
    sources = sources[sources["current"]].reset_index(drop=True)
    _apply_pending(sources)
    _follow_inclusion(sources)
    labels = {r.id: source_label(r) for r in sources.itertuples()}
    groups = store.respondent_groups(code)
    with st.sidebar:
        st.subheader(tr("materiality.filters"))
        level = st.radio(tr("materiality.level"), ["goal", "target"], key="mat_level",
                         format_func=labeller("materiality.level"), horizontal=True,
                         **start_values("mat_level"))
        chosen_goals = None
        if level == "target":
            default = [int(goal_param)] if goal_param in {str(g) for g in range(1, 18)} else [11]
            chosen_goals = st.multiselect(tr("materiality.level.goals"), list(range(1, 18)),
                                          default=_unset("mat_goals", default), key="mat_goals",
                                          placeholder=tr("a11y.multiselect.placeholder"))
        picked = st.multiselect(tr("materiality.sources"), list(labels),
                                key="mat_sources", **start_values("mat_sources", labels,
                                                           default=list(labels)),
                                format_func=lambda i: labels.get(i, str(i)),
                                placeholder=tr("a11y.multiselect.placeholder"))
        picked_groups = st.multiselect(tr("materiality.groups"), groups,
                                       default=_unset("mat_groups", groups), key="mat_groups",
                                       placeholder=tr("a11y.multiselect.placeholder"))
        st.caption(tr("materiality.weights.help"))
        weights = {}
        for row in sources[sources["id"].isin(picked)].itertuples():
            key = f"mat_w_{row.id}"
            weights[str(row.id)] = st.slider(labels[row.id], 0.0, 3.0, _unset(key, 1.0), 0.1,
                                             key=key)
        method = st.radio(tr("materiality.threshold"), THRESHOLD_METHODS, key="mat_thr_method",
                          format_func=labeller("materiality.threshold"), horizontal=True,
                          **start_values("mat_thr_method"))
        thr = {"method": method, "x": settings["threshold"]["x"], "y": settings["threshold"]["y"]}
        if method == "fixed":
            for axis in ("x", "y"):
                key = f"mat_thr_{axis}"
                thr[axis] = st.slider(tr(f"materiality.threshold.{axis}"), 0.0, 1.0,
                                      _unset(key, float(settings["threshold"][axis])), 0.05,
                                      key=key)
    return {
        "municipality": code, "level": level,
        "goals": sorted(chosen_goals) if chosen_goals is not None else None,
        "sources": sorted(int(i) for i in picked),
        "groups": None if set(picked_groups) == set(groups) else sorted(picked_groups),
        "weights": weights, "threshold": thr, "x_axis": settings["x_axis"],
        "y_axis": settings["y_axis"], "feeds": settings["feeds"],
        "demo": bool(sources[sources["id"].isin(picked)]["is_demo"].any()),
    }


def axis_title(settings: dict, axis: str) -> str:
    names = settings["axis_names"].get(axis) or {}
    return names.get(lang()) or t(f"materiality.axis.{axis}", lang())


def settings_panel(settings: dict) -> None:
    """Axis names and which kinds of source feed each axis (the ``setting`` table);
    for the roles that may change them."""
    if not actor().may("materiality.decide"):
        return
    with st.expander(tr("materiality.settings")), st.form("mat_settings"):
        new = {"axis_names": {}, "feeds": {}}
        kinds = ["survey", "workshop", "administration"]
        for axis in (settings["x_axis"], settings["y_axis"]):
            names = settings["axis_names"].get(axis, {})
            new["axis_names"][axis] = {
                code: st.text_input(tr("materiality.settings.name", axis=axis, language=code),
                                    names.get(code, ""), key=f"mat_set_{axis}_{code}")
                for code in LANGS}
            new["feeds"][axis] = st.multiselect(
                tr("materiality.settings.feeds", axis=md(axis_title(settings, axis))), kinds,
                key=f"mat_set_feeds_{axis}",
                **start_values(f"mat_set_feeds_{axis}", kinds, default=settings["feeds"].get(axis, [])),
                format_func=labeller("materiality.kind"), placeholder=tr("a11y.multiselect.placeholder"))
        if st.form_submit_button(tr("materiality.settings.save")):
            try:
                get_store().save_materiality_settings(settings | new, actor())
            except SdgError as err:
                show_error(err)
                return
            clear_caches()
            st.success(tr("materiality.settings.saved"))


def decision_panel(code: str, matrix: pd.DataFrame, view: dict) -> None:
    """Propose the chosen focus goals with the view (analysts); list the decisions with
    their state and bring a decision's view back. Adoption is on the decision page."""
    from ui.council import decision_line, proposal_form

    store = get_store()
    st.subheader(tr("materiality.decision"))
    adopted = store.adopted_decision(code)
    st.caption(tr("council.in_force", goals=", ".join(map(str, adopted["goals"])))
               + " " + decision_line(adopted) if adopted else tr("council.none_adopted"))
    suggested = sorted(int(s) for s in matrix.loc[matrix["quadrant"] == "focus", "subject"])
    if actor().may("decision.propose"):
        proposal_form(code, suggested, view)
    earlier = store.focus_decisions(code)
    if earlier.empty:
        return
    labels = {int(i): _decision_label(earlier, i) for i in earlier["id"]}
    pick = st.selectbox(tr("materiality.decision.pick"), list(labels), key="mat_dec_pick",
                        format_func=labels.get, **start_values("mat_dec_pick", labels))
    if st.button(tr("materiality.decision.show"), key="mat_dec_show"):
        saved = store.decision_settings(pick)
        if saved is None:
            st.info(tr("materiality.decision.no_settings"))
        else:
            apply_view(saved)
            st.rerun()


def _decision_label(earlier: pd.DataFrame, decision_id: int) -> str:
    row = earlier.loc[earlier["id"] == decision_id].iloc[0]
    goals = ", ".join(str(int(g)) for g in row["goals"])
    date = row["meeting_date"] if pd.notna(row["meeting_date"]) else row["decided_on"]
    return f"#{decision_id} · {t(f'council.state.{row.state}', lang())} · {fmt.date(date, lang())} · {goals}"


def notes_panel(code: str, matrix: pd.DataFrame, targets: pd.DataFrame) -> None:
    """Level 3 of the method tool: opportunities and challenges per target."""
    store = get_store()
    st.subheader(tr("materiality.notes"))
    subjects = matrix["subject"].tolist()
    if not subjects:
        return
    title = dict(zip(targets["target"], targets[f"title_{lang()}"], strict=True))
    subject = st.selectbox(tr("materiality.notes.target"), subjects, key="mat_note_subject",
                           **start_values("mat_note_subject", subjects),
                           format_func=lambda s: f"{s} {title.get(s, '')}"[:120])
    if not actor().may("ratings.write"):
        _notes_table(store.notes(code, [subject]))
        return
    with st.form("mat_note", clear_on_submit=True):
        kind = st.radio(tr("materiality.notes.kind"), ["opportunity", "challenge"],
                        horizontal=True, key="mat_note_kind", **start_values("mat_note_kind"),
                        format_func=labeller("materiality.note"))
        text = st.text_area(tr("materiality.notes.text"), key="mat_note_text")
        if st.form_submit_button(tr("materiality.notes.save")):
            try:
                store.save_note(code, subject, kind, text, actor=actor())
            except SdgError as err:
                show_error(err)
    _notes_table(store.notes(code, [subject]))


def _notes_table(notes: pd.DataFrame) -> None:
    if notes.empty:
        st.caption(tr("materiality.notes.none"))
        return
    st.dataframe(pd.DataFrame({
        tr("materiality.notes.kind"): notes["kind"].map(lambda k: tr(f"materiality.note.{k}")),
        tr("materiality.notes.text"): notes["text"],
        tr("materiality.decision.who"): notes["actor"],
        tr("materiality.decision.date"): notes["created_at"].map(
            lambda d: fmt.datetime(d, lang())),
    }), hide_index=True)


def export_buttons(chart: Callable[[], alt.TopLevelMixin], table: pd.DataFrame, view: dict,
                   code: str) -> None:
    """Download the chart as PNG and SVG, the table as xlsx and CSV, each made on click.

    ``chart`` builds the Altair chart (e.g. ``partial(matrix_chart, …)``); the images get
    a title, the municipality, the date, the sources with n and weights, the threshold
    and a DEMO line when any source is demo (:func:`sdg.exports.matrix_context`); the
    workbook a second sheet "Om tallene" with the same. The callables run outside the
    script (no session): everything they need is captured here.
    """
    language = lang()
    store = get_store()
    sources = store.rating_sources(code)
    sources = sources[sources["id"].isin(view.get("sources") or [])]
    place = f"{store.municipality(code)['name']} ({code})"
    title, lines, demo = matrix_context(place, sources, view, language, b=B_ROBUSTNESS)
    about = About(what=title, municipality=place, settings=view_settings(
        view, language, {str(int(i)): n for i, n in zip(sources["id"], sources["name"],
                                                         strict=True)}),
                  sources=lines[1 + demo:-1], provenance=source_provenance(sources, language),
                  demo=demo)
    sheet = tr("materiality.title")

    def image(kind: str) -> bytes:
        return chart_image(with_context(chart(), title, lines, demo).to_json(), kind)

    cols = st.columns(4)
    cols[0].download_button(tr("materiality.export.png"), lambda: image("png"),
                            file_name=f"vesentlighetsmatrise_{code}.png", mime="image/png",
                            on_click="ignore", key="mat_png")
    cols[1].download_button(tr("materiality.export.svg"), lambda: image("svg"),
                            file_name=f"vesentlighetsmatrise_{code}.svg", mime="image/svg+xml",
                            on_click="ignore", key="mat_svg")
    cols[2].download_button(tr("materiality.export.xlsx"),
                            lambda: exports.xlsx(table, sheet, about, language),
                            file_name=f"vesentlighetsmatrise_{code}.xlsx", on_click="ignore",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            key="mat_xlsx")
    cols[3].download_button(tr("export.csv"), lambda: exports.csv(table, language),
                            file_name=f"vesentlighetsmatrise_{code}.csv", mime="text/csv",
                            on_click="ignore", key="mat_csv")


def presentation_css() -> None:
    """Presentation mode: no sidebar or header, large type."""
    st.html("<style>"
            "[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'],"
            " [data-testid='stHeader'] {display: none !important;}"
            " .stMainBlockContainer {max-width: 100% !important; padding-top: 1rem;}"
            " .stMainBlockContainer p, .stMainBlockContainer td, .stMainBlockContainer th"
            " {font-size: 1.35rem !important;}"
            " h1 {font-size: 3rem !important;}"
            "</style>")


# --------------------------------------------------------------------------- input page
SCALES = ((1.0, 5.0), (1.0, 7.0), (0.0, 10.0))


@st.cache_data(max_entries=8, show_spinner=False)
def parse_survey(data: bytes, filename: str, scale: tuple[float, float] | None, axis: str,
                 known_targets: tuple[str, ...]):
    """:func:`sdg.survey.read_survey` in the parse child (:func:`sdg.sandbox.run_isolated`:
    a hostile file cannot take the server down), cached on the bytes and the choices."""
    from sdg.ingest.limits import Limits
    from sdg.sandbox import run_isolated
    from sdg.survey import read_survey

    lo, hi = scale if scale else (None, None)
    limits = Limits.from_env()
    return run_isolated(read_survey, data, filename, scale_min=lo, scale_max=hi, axis=axis,
                        known_targets=known_targets, file=filename,
                        memory_mb=limits.memory_mb, timeout_s=limits.timeout_s)


def _detected_lines(detected: dict) -> list[str]:
    subjects = detected.get("subject_columns") or detected.get("subjects") or {}
    lines = [tr("innspill.detected.layout", layout=tr(f"innspill.layout.{detected['layout']}")),
             tr("innspill.detected.subjects", n=len(subjects),
                codes=", ".join(dict.fromkeys(subjects.values()))),
             tr("innspill.detected.scale", lo=detected["scale"][0], hi=detected["scale"][1])
             if detected.get("scale") else ""]
    if detected.get("columns"):
        lines.append(tr("innspill.detected.columns", columns=", ".join(
            f"{role} = {md(name)}" for role, name in detected["columns"].items())))
    if detected.get("delimiter"):
        lines.append(tr("innspill.detected.csv", delimiter=repr(detected["delimiter"]),
                        encoding=detected.get("encoding")))
    if detected.get("sheet"):
        lines.append(tr("innspill.detected.sheet", sheet=md(detected["sheet"])))
    if detected.get("ignored_columns"):
        lines.append(tr("innspill.detected.ignored", columns=", ".join(map(md, detected["ignored_columns"]))))
    return [line for line in lines if line]


def problem_table(problems: pd.DataFrame) -> pd.DataFrame:
    """Every problem of a survey file with row, column and the reason in words."""
    from sdg.survey import describe_problems

    return pd.DataFrame({
        tr("innspill.problem.row"): problems["row"],
        tr("innspill.problem.column"): problems["column"],
        tr("innspill.problem.value"): problems["value"],
        tr("innspill.problem.reason"): describe_problems(problems, lang()),
        tr("innspill.problem.severity"): problems["severity"].map(
            lambda s: tr(f"innspill.severity.{s}")),
    })


def survey_panel(code: str, known_targets: tuple[str, ...]) -> None:
    """Upload a survey, show what was detected and every problem, import it atomically."""
    import hashlib
    from pathlib import PurePath

    upload = st.file_uploader(tr("innspill.upload"), type=["xlsx", "csv"], key="inn_file")
    upload_instruction()
    if upload is None:
        st.caption(tr("innspill.upload.help"))
        return
    data = upload.getvalue()
    try:
        first = parse_survey(data, upload.name, None, "priority", known_targets)
    except SdgError as err:
        show_error(err)
        return
    detected_scale = tuple(first.detected.get("scale") or SCALES[0])
    options = list(dict.fromkeys([detected_scale, *SCALES]))
    cols = st.columns(4)
    scale = cols[0].selectbox(tr("innspill.scale"), options, key="inn_scale",
                              format_func=lambda s: f"{s[0]:g}–{s[1]:g}")
    axis = cols[1].selectbox(tr("innspill.axis"), ["priority", "influence"], key="inn_axis",
                             **start_values("inn_axis"),
                             format_func=labeller("materiality.axis"))
    name = cols[2].text_input(tr("innspill.name"), PurePath(upload.name).stem, key="inn_name")
    held_on = cols[3].date_input(tr("innspill.held_on"), dt.date.today(), key="inn_held_on",
                                 format="DD.MM.YYYY")
    parsed = parse_survey(data, upload.name, scale, axis, known_targets)
    st.markdown("\n".join(f"- {line}" for line in _detected_lines(parsed.detected)))
    if parsed.detected.get("scale_source") == "inferred" and len(first.ratings):
        st.caption(tr("materiality.scale_note.inferred", lo=f"{scale[0]:g}", hi=f"{scale[1]:g}",
                      min=f"{first.ratings['value'].min():g}",
                      max=f"{first.ratings['value'].max():g}"))
    errors = parsed.problems[parsed.problems["severity"] == "error"]
    if len(parsed.problems):
        if len(errors):
            st.error(tr("materiality.err.import_has_errors", count=len(errors)))
        st.dataframe(problem_table(parsed.problems), hide_index=True)
    respondents = parsed.ratings["respondent"].nunique() if len(parsed.ratings) else 0
    st.markdown(tr("innspill.summary", ratings=Count(len(parsed.ratings)), respondents=Count(respondents)))
    if st.button(tr("innspill.import"), type="primary", disabled=bool(len(errors)),
                 key="inn_import"):
        try:
            source_id = get_store().import_survey(
                code, parsed.ratings, name=name, actor=actor(), held_on=held_on,
                file_name=upload.name, sha256=hashlib.sha256(data).hexdigest(),
                detected=parsed.detected)
        except SdgError as err:
            show_error(err)
            return
        clear_caches()
        st.success(tr("innspill.imported", id=source_id, ratings=Count(len(parsed.ratings))))
        st.info(tr("council.src.not_yet"))


def merge_assessment(current: pd.DataFrame, edited: pd.DataFrame) -> pd.DataFrame:
    """The full assessment (subject, value): ``current`` with the edited rows laid over it.

    >>> cur = pd.DataFrame({"subject": ["1", "2"], "value": [2.0, 3.0]})
    >>> merge_assessment(cur, pd.DataFrame({"subject": ["2", "3"], "value": [5.0, 4.0]}))
      subject  value
    0       1    2.0
    1       2    5.0
    2       3    4.0
    """
    merged = pd.concat([current[["subject", "value"]], edited[["subject", "value"]]])
    return merged.drop_duplicates("subject", keep="last").reset_index(drop=True)


def assessment_panel(code: str, goals: pd.DataFrame, targets: pd.DataFrame) -> None:
    """The administration's influence (1–5) per goal or per target of one goal."""
    store = get_store()
    sources = store.rating_sources(code)
    latest = sources[(sources["kind"] == "administration") & sources["current"]]
    if len(latest):
        row = latest.iloc[0]
        st.caption(tr("innspill.assessment.latest", who=md(row["actor"]) or "–",
                      when=fmt.datetime(row["created_at"], lang())))
    level = st.radio(tr("materiality.level"), ["goal", "target"], horizontal=True,
                     key="inn_level", format_func=labeller("materiality.level"),
                     **start_values("inn_level"))
    if level == "goal":
        subjects = goals["goal"].astype(str)
        names = goals[f"short_{lang()}"]
    else:
        goal = st.selectbox(tr("goal.pick"), goals["goal"].tolist(), index=10, key="inn_goal")
        part = targets[targets["goal"] == goal]
        subjects, names = part["target"], part[f"title_{lang()}"]
    current = store.assessment(code)
    value = subjects.map(dict(zip(current["subject"], current["value"], strict=True)))
    frame = pd.DataFrame({"subject": subjects.to_numpy(), "name": names.to_numpy(),
                          "value": value.round(1).to_numpy()})
    edited = st.data_editor(
        frame, hide_index=True, disabled=["subject", "name"], key=f"inn_editor_{level}",
        column_config={
            "subject": st.column_config.TextColumn(tr("materiality.col.subject")),
            "name": st.column_config.TextColumn(tr("materiality.col.name"), width="large"),
            # the browser's locale: a data_editor cannot write an editable column in
            # the page's language (see ui.tables.EDITOR_NUMBERS)
            "value": st.column_config.NumberColumn(tr("innspill.assessment.value"),
                                                   min_value=1, max_value=5, step=0.1,
                                                   format=EDITOR_NUMBERS),
        })
    if st.button(tr("innspill.assessment.save"), type="primary", key="inn_save"):
        try:
            new_id = store.save_assessment(code, merge_assessment(current, edited), actor=actor())
        except SdgError as err:
            show_error(err)
            return
        clear_caches()
        st.success(tr("innspill.assessment.saved", id=new_id))
        st.info(tr("council.src.not_yet"))
