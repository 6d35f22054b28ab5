"""Streamlit glue of the live workshop: the facilitator's form and controls, the
participant's rating form, the projector's self-refreshing board, ranking bars.

The domain rules (codes, scale checks, rate limit, one transaction per vote) live in
:mod:`sdg.workshop`; this module only reads widgets, calls it and draws.
"""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlsplit

import altair as alt
import pandas as pd
import segno
import streamlit as st

from sdg import fmt
from sdg.auth import Actor
from sdg.errors import SdgError
from sdg.i18n import t
from sdg.materiality import aggregate, quadrants
from sdg.workshop import (
    AXES,
    SessionSpec,
    create_session,
    live_ratings,
    ranking,
    remove_answers,
    scale_steps,
    session,
    subject_labels,
    subjects_for,
)

__all__ = ["subject_labels"]  # moved to sdg.workshop (the light participant page uses it)
from ui.i18n import start_values, tr
from ui.state import get_store, lang, show_error
from ui.tables import show

REFRESH_S = 1.5  # the projector redraws itself this often
_HIDE_SIDEBAR = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], [data-testid="stExpandSidebarButton"] { display: none !important; }
</style>"""
_PHONE = """<style>
.block-container { max-width: 40rem; padding-top: 1.5rem; }
[data-testid="stButtonGroup"] button { min-height: 3rem; min-width: 3rem; font-size: 1.2rem; }
</style>"""
_BIG = """<style>
.block-container { max-width: 100%; padding: 1rem 2rem; }
[data-testid="stMetricValue"] { font-size: 3.5rem; }
[data-testid="stMetricLabel"] p { font-size: 1.5rem; }
h1 { font-size: 3rem !important; }
/* The board reruns every REFRESH_S; Streamlit fades elements while they rerun, which
   left the projector's text faded below WCAG contrast (axe) for part of every cycle. */
[data-stale="true"] { opacity: 1 !important; }
</style>"""


# ---------------------------------------------------------------- page chrome
def no_sidebar(layout: str = "phone") -> None:
    """Hide the sidebar; ``layout`` "phone" (narrow, big buttons) or "big" (projector)."""
    st.html(_HIDE_SIDEBAR + (_BIG if layout == "big" else _PHONE))


def join_url(code: str) -> str:
    """The short link participants open: the light page ``/w/CODE`` (web.workshop)."""
    return f"{_root()}w/{code}"


def projector_url(code: str) -> str:
    """The projector view of a session (``/projektor?w=CODE``)."""
    return f"{_root()}projektor?w={code}&lang={lang()}"


def _root() -> str:
    parts = urlsplit(st.context.url or "")
    base_path = (st.get_option("server.baseUrlPath") or "").strip("/")
    root = f"{parts.scheme}://{parts.netloc}/" if parts.netloc else "/"
    return f"{root}{base_path + '/' if base_path else ''}"


@st.cache_resource(show_spinner=False)
def catalogue() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Goals and targets (fixed while the app runs), read once per process."""
    store = get_store()
    return store.goals(), store.targets()


def qr_png(url: str, scale: int = 10) -> bytes:
    """A QR code of ``url`` as PNG bytes (segno, error correction M)."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def state_label(state: str) -> str:
    return tr(f"workshop.state.{state}")


# --------------------------------------------------------------------- labels
def subject_colours(goals: pd.DataFrame, subjects) -> list[str]:
    """The UN colour of each subject's goal."""
    colour = dict(zip(goals["goal"].astype(int), goals["colour"], strict=True))
    return [colour.get(int(str(s).split(".")[0]), "#777777") for s in subjects]


def scale_legend(s: dict) -> str:
    """ "1 = Svært lav · … · 5 = Svært høy" (or just "1–5")."""
    steps = scale_steps(s["scale_min"], s["scale_max"])
    labels = s.get("scale_labels")
    if labels is None or not len(labels):
        return f"{steps[0]}–{steps[-1]}"
    return " · ".join(f"{v} = {label}" for v, label in zip(steps, labels, strict=True) if label)


# --------------------------------------------------------------- facilitator
def create_form(goals: pd.DataFrame, targets: pd.DataFrame, municipality: str,
                actor: Actor) -> str | None:
    """The new-session form; returns the new code after a successful submit."""
    names = dict(zip(goals["goal"], goals[f"short_{lang()}"], strict=True))
    with st.form("workshop-new", border=False):
        name = st.text_input(tr("workshop.form.name"))
        left, right = st.columns(2)
        held_on = left.date_input(tr("workshop.form.date"), value=date.today(), format="DD.MM.YYYY")
        group = right.text_input(tr("workshop.form.group"), help=tr("workshop.form.group_help"))
        level = st.radio(tr("workshop.form.level"), ["goal", "target"], horizontal=True,
                         format_func=lambda v: tr(f"workshop.form.level.{v}"))
        chosen = st.multiselect(tr("workshop.form.goals"), list(names),
                                format_func=lambda g: f"{g} {names[g]}", placeholder=tr("a11y.multiselect.placeholder"))
        axes = st.pills(tr("workshop.form.axes"), AXES, selection_mode="multi",
                        default=["priority"], format_func=lambda a: tr(f"materiality.axis.{a}"))
        lo_col, hi_col, labels_col = st.columns([1, 1, 4])
        lo = lo_col.number_input(tr("workshop.form.scale_min"), value=1, step=1)
        hi = hi_col.number_input(tr("workshop.form.scale_max"), value=5, step=1)
        labels = labels_col.text_input(tr("workshop.form.labels"),
                                       value=tr("workshop.scale.default_labels"))
        if not st.form_submit_button(tr("workshop.form.create"), type="primary"):
            return None
    try:
        subjects = subjects_for(None if level == "goal" else (chosen or [0]), targets)
        spec = SessionSpec(name, subjects, tuple(axes or ()), held_on, group, int(lo), int(hi),
                           tuple(x for x in labels.split(",")) if labels.strip() else None)
        return create_session(get_store(), municipality, spec, actor)
    except SdgError as err:
        show_error(err)
        return None


def session_picker(sessions: pd.DataFrame, key: str, label: str, default: str | None = None
                   ) -> str | None:
    """A selectbox of sessions ("CODE · name · state"); returns the chosen code."""
    if sessions.empty:
        return None
    codes = sessions["code"].tolist()
    names = dict(zip(sessions["code"], sessions["name"] + " · " + sessions["state"].map(state_label),
                     strict=True))
    index = codes.index(default) if default in codes else 0
    return st.selectbox(label, codes, key=key, **start_values(key, codes, index=index),
                        format_func=lambda c: f"{c} · {names[c]}")


ACTION_ERROR = "workshop-action-error"


def act(fn, *args) -> None:
    """A button's or toggle's callback: run a session transition (open, close, show
    results …) before the page's script, so the run that follows draws the new state.

    Why a callback and not ``if st.button(...): …; st.rerun()``: a click the facilitator
    made while that extra rerun was under way (e.g. "Vis resultatet" right after "Steng
    avstemningen") was sometimes lost. A domain error is kept for
    :func:`action_error` to show.
    """
    try:
        fn(*args)
    except SdgError as err:
        st.session_state[ACTION_ERROR] = err


def action_error() -> None:
    """Show the error of the last :func:`act`, once."""
    err = st.session_state.pop(ACTION_ERROR, None)
    if err is not None:
        show_error(err)


def stored_toggle(label: str, key: str, stored: bool, setter) -> None:
    """A toggle that shows the stored value (also after another facilitator changed
    it) and, when the user flips it, calls ``setter(new_value)`` through :func:`act`."""
    st.session_state[key] = stored
    st.toggle(label, key=key, on_change=lambda: act(setter, bool(st.session_state[key])))


def join_panel(code: str) -> None:
    """The code in big letters, the short link and its QR code."""
    url = join_url(code)
    st.markdown(f"## {tr('workshop.code')}: `{code}`")
    st.caption(tr("workshop.join_hint", url=url))
    st.image(qr_png(url), width=260, caption=url, alt=tr("workshop.qr_alt"))


def participants_panel(store, code: str, who: Actor) -> int | None:
    """The session's participants (numbered in joining order) with their counted and
    logged ratings, and a button to remove one participant's answers; returns the
    number of ratings removed when the button was pressed."""
    people = store.workshop_participants(code)
    st.caption(tr("workshop.participants.help"))
    for key in ("workshop-removed",):
        if key in st.session_state:
            st.success(st.session_state.pop(key))
    if people.empty:
        st.info(tr("workshop.participants.none"))
        return None
    people = people.assign(no=range(1, len(people) + 1))
    show(pd.DataFrame({
        tr("workshop.col.participant"): people["no"],
        tr("workshop.col.joined"): people["joined_at"].dt.strftime("%H:%M:%S"),
        tr("workshop.col.ratings"): people["ratings"],
        tr("workshop.col.submitted"): people["submitted"],
        tr("workshop.col.removed"): people["removed"],
    }), f"workshop_{code}_deltakere.csv", key=f"ws_people_{code}")
    ids = dict(zip(people["no"], people["respondent_id"], strict=True))
    rated = people[people["ratings"] > 0]
    if rated.empty:
        return None
    with st.form(f"workshop-remove-{code}", border=False):
        no = st.selectbox(tr("workshop.participants.pick"), rated["no"].tolist(),
                          format_func=lambda n: tr(
                              "workshop.participants.label", who=n,
                              ratings=int(people.set_index("no").at[n, "ratings"]),
                              last=_clock(people.set_index("no").at[n, "last_vote"])))
        if not st.form_submit_button(tr("workshop.participants.remove")):
            return None
    try:
        n = remove_answers(store, code, ids[no], who)
    except SdgError as err:
        show_error(err)
        return None
    st.session_state["workshop-removed"] = tr("workshop.participants.removed", n=n, who=no)
    return n


def _clock(value) -> str:
    return "–" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%H:%M:%S")


def ranking_table(rank: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """One axis of :func:`sdg.workshop.ranking` as a readable table."""
    return pd.DataFrame({
        tr("workshop.col.rank"): rank["rank"].astype(int),
        tr("workshop.col.subject"): rank["subject"].map(lambda s: labels.get(s, s)),
        tr("workshop.col.mean"): rank["mean"].round(2),
        tr("workshop.col.n"): rank["n"].astype(int),
    })


def results(ratings: pd.DataFrame, labels: dict[str, str], goals: pd.DataFrame, *,
            big: bool = False, tables: bool = True, key: str = "ws") -> None:
    """Ranking bars (and tables, each with its CSV) of a session's ratings, one block
    per axis; ``key`` tells the blocks of one page apart."""
    rank = ranking(ratings)
    if rank.empty:
        st.info(tr("workshop.no_votes"))
        return
    for axis, part in rank.groupby("axis", sort=False):
        st.subheader(tr(f"materiality.axis.{axis}"))
        st.altair_chart(ranking_bars(part, labels, goals, big=big), width="stretch")
        if tables:
            with st.expander(tr("common.table_alternative")):
                show(ranking_table(part, labels), f"workshop_rangering_{axis}.csv",
                     key=f"{key}_rank_{axis}", kinds={tr("workshop.col.mean"): 2})


# -------------------------------------------------------------------- projector
def ranking_bars(rank: pd.DataFrame, labels: dict[str, str], goals: pd.DataFrame, *,
                 big: bool = False) -> alt.Chart:
    """Horizontal bars of the mean per subject (one axis), best first, in UN colours."""
    data = rank.assign(label=rank["subject"].map(lambda s: labels.get(s, s)),
                       colour=subject_colours(goals, rank["subject"]))
    font = 22 if big else 13
    order = data.sort_values("rank")["label"].tolist()
    value = "mean" if data["mean"].notna().all() else "score"  # score (0–1) if mixed scales
    return fmt.localise(alt.Chart(data).mark_bar().encode(
        x=alt.X(f"{value}:Q", title=t("workshop.bars.mean", lang())),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=600)),
        color=alt.Color("colour:N", scale=None, legend=None),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip(f"{value}:Q", format=".2f"),
                 alt.Tooltip("n:Q")],
    ).properties(height=alt.Step(40 if big else 26),
                 description=t("a11y.chart.ranking", lang())).configure_axis(
        labelFontSize=font, titleFontSize=font), lang())


WALL_TOP = 8  # bars on the wall: the best this many per axis (the rest in the table)
_WALL = """<style>
.block-container { max-width: 100% !important; padding: 0.6rem 1.5rem 0 1.5rem !important; }
header[data-testid="stHeader"] { display: none; }
h1 { font-size: clamp(1.8rem, 3.2vw, 3.2rem) !important; padding: 0 0 .3rem 0 !important; }
.wall-code { font-size: clamp(3rem, 6vw, 6.5rem); font-weight: 800; letter-spacing: .12em;
  line-height: 1; color: #19486A; font-family: ui-monospace, monospace; }
.wall-url { font-size: clamp(1rem, 1.3vw, 1.6rem); word-break: break-all; }
.wall-count { font-size: clamp(2.6rem, 4.5vw, 5rem); font-weight: 800; line-height: 1.05; }
.wall-label { font-size: clamp(1.1rem, 1.5vw, 1.8rem); color: #475467; }
.wall-note { font-size: clamp(1.4rem, 2vw, 2.4rem); }
.st-key-wallchart { height: calc(100vh - 8.5rem); }
.st-key-wallchart [data-testid="stVegaLiteChart"], .st-key-wallchart .stVegaLiteChart
  { height: calc(100vh - 8.5rem) !important; width: 100% !important; }
</style>"""


def wall_matrix(ratings: pd.DataFrame, goals: pd.DataFrame, lang: str) -> alt.LayerChart:
    """The matrix for a wall: every rated subject as a filled point from its first vote,
    its number inside the point (so labels never collide), ties spread apart."""
    from sdg.workshop import spread_ties

    matrix = quadrants(aggregate(ratings))
    data = matrix[matrix["x"].notna() & matrix["y"].notna()][["subject", "x", "y"]]
    data = spread_ties(data.reset_index(drop=True), radius=0.045, grid=0.03)
    data["colour"] = subject_colours(goals, data["subject"])
    scale = alt.Scale(domain=[-0.07, 1.07], nice=False, zero=False)  # room for the points
    font = 26
    ticks = {"titleFontSize": font, "labelFontSize": font - 6, "values": [0, .25, .5, .75, 1],
             "grid": False,
             "labelExpr": "replace(format(datum.value, '.2f'), '.', ',')" if lang == "nb"
             else "format(datum.value, '.2f')"}
    x = alt.X("x:Q", title=t("materiality.axis.influence", lang), scale=scale,
              axis=alt.Axis(**ticks))
    y = alt.Y("y:Q", title=t("materiality.axis.priority", lang), scale=scale,
              axis=alt.Axis(**ticks))
    base = alt.Chart(data)
    points = base.mark_circle(size=1900, opacity=0.92).encode(
        x=x, y=y, color=alt.Color("colour:N", scale=None, legend=None),
        tooltip=[alt.Tooltip("subject:N")])
    labels = base.mark_text(fontSize=22, fontWeight="bold", color="white").encode(
        x="x:Q", y="y:Q", text="subject:N")
    rules = alt.Chart(pd.DataFrame({"t": [0.5]}))
    layers = [rules.mark_rule(strokeDash=[6, 4], color="#888").encode(x="t:Q"),
              rules.mark_rule(strokeDash=[6, 4], color="#888").encode(y="t:Q"), points, labels]
    return alt.layer(*layers).properties(
        width="container", height="container",
        usermeta={"embedOptions": {"renderer": "svg", "actions": False}},
    ).configure_view(stroke="#999999")


def wall_bars(rank: pd.DataFrame, labels: dict[str, str], goals: pd.DataFrame, lang: str,
              scale: tuple[float, float] | None = None) -> alt.Chart:
    """One axis' ranking for a wall: the best :data:`WALL_TOP` bars, one label a row."""
    top = rank.sort_values("rank").head(WALL_TOP)
    data = top.assign(label=top["subject"].map(lambda s: labels.get(s, s)),
                      colour=subject_colours(goals, top["subject"]))
    value = "mean" if data["mean"].notna().all() else "score"
    order = data["label"].tolist()
    domain = list(scale) if value == "mean" and scale else [0, 1]
    number = "replace(format(datum.value, '.1f'), '.', ',')" if lang == "nb" \
        else "format(datum.value, '.1f')"
    data = data.assign(base=float(domain[0]))  # bars start at the scale's low end
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("base:Q", title=t("workshop.bars.mean", lang),
                scale=alt.Scale(domain=domain, nice=False, zero=False),
                axis=alt.Axis(labelExpr=number, tickCount=5)),
        x2=alt.X2(f"{value}:Q"),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=560)),
        color=alt.Color("colour:N", scale=None, legend=None),
    ).properties(width="container", height="container",
                 usermeta={"embedOptions": {"renderer": "svg", "actions": False}}
                 ).configure_axis(labelFontSize=24, titleFontSize=22)


def wall_board(code: str, goals: pd.DataFrame, targets: pd.DataFrame) -> None:
    """The projector for a wall: the join code, QR and link, the count and the state
    always visible on the right; on the left the result once the facilitator shows it
    (matrix when both axes are rated, else the best bars). Redraws itself every
    :data:`REFRESH_S` seconds; sized to the viewport (no scrolling at 1920×1080 or
    1280×720)."""
    st.html(_WALL)
    labels = subject_labels(goals, targets, lang())
    url = join_url(code)

    @st.fragment(run_every=REFRESH_S)
    def board() -> None:
        store = get_store()
        try:
            s = session(store, code)
        except SdgError as err:
            show_error(err)
            return
        left, right = st.columns([3, 1], gap="medium")
        with right:
            st.html(f"<div class='wall-label'>{tr('workshop.code')}</div>"
                    f"<div class='wall-code'>{code}</div>")
            st.image(qr_png(url, scale=8), width=220, alt=tr("workshop.qr_alt"))
            st.html(f"<div class='wall-url'>{tr('workshop.projector.scan')} {url}</div>")
            joined = store.workshop_participant_count(s["code"])
            ratings = live_ratings(store, code)  # the one query of the votes per refresh
            st.html(f"<div class='wall-label'>{tr('workshop.live.participants')}</div>"
                    f"<div class='wall-count' data-testid='wall-count'>{joined}</div>"
                    f"<div class='wall-label'>{tr('workshop.live.ratings')}: "
                    f"<span data-testid='wall-ratings'>{len(ratings)}</span>"
                    f" · {state_label(s['state'])}</div>")
        with left:
            if not s["show_results"]:
                st.html(f"<p class='wall-note'>{tr('workshop.projector.waiting')}</p>")
                return
            if ratings.empty:
                st.html(f"<p class='wall-note'>{tr('workshop.no_votes')}</p>")
                return
            both = set(AXES) <= set(s["axes"])
            chart = wall_matrix(ratings, goals, lang()) if both else \
                wall_bars(ranking(ratings), labels, goals, lang(),
                          (float(ratings["scale_min"].min()), float(ratings["scale_max"].max())))
            with st.container(key="wallchart"):
                st.altair_chart(chart, width="stretch", height="stretch")
            with st.expander(tr("common.table_alternative")):
                st.dataframe(ranking_table(ranking(ratings), labels), hide_index=True)

    board()
