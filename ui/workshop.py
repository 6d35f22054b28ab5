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

from sdg.auth import Actor
from sdg.errors import SdgError
from sdg.i18n import t
from sdg.materiality import aggregate, quadrants
from sdg.workshop import (
    AXES,
    SessionSpec,
    counts,
    create_session,
    join,
    live_ratings,
    ranking,
    record_vote,
    scale_steps,
    session,
    subjects_for,
)
from ui.i18n import tr
from ui.materiality import matrix_chart
from ui.state import get_store, lang, show_error

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
    """The short link participants open: the app's root URL with ``?w=CODE``."""
    parts = urlsplit(st.context.url or "")
    base_path = (st.get_option("server.baseUrlPath") or "").strip("/")
    root = f"{parts.scheme}://{parts.netloc}/" if parts.netloc else "/"
    return f"{root}{base_path + '/' if base_path else ''}?w={code}"


def qr_png(url: str, scale: int = 10) -> bytes:
    """A QR code of ``url`` as PNG bytes (segno, error correction M)."""
    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="png", scale=scale, border=2)
    return buf.getvalue()


def state_label(state: str) -> str:
    return tr(f"workshop.state.{state}")


# --------------------------------------------------------------------- labels
def subject_labels(goals: pd.DataFrame, targets: pd.DataFrame, language: str
                   ) -> dict[str, str]:
    """Subject code → "4 God utdanning" or "11.2 …" (target title cut to 80 characters)."""
    labels = {str(g.goal): f"{g.goal} {getattr(g, f'short_{language}')}"
              for g in goals.itertuples()}
    for row in targets.itertuples():
        title = str(getattr(row, f"title_{language}"))
        labels[str(row.target)] = f"{row.target} {title[:80]}{'…' if len(title) > 80 else ''}"
    return labels


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
    return st.selectbox(label, codes, index=index, key=key,
                        format_func=lambda c: f"{c} · {names[c]}")


def join_panel(code: str) -> None:
    """The code in big letters, the short link and its QR code."""
    url = join_url(code)
    st.markdown(f"## {tr('workshop.code')}: `{code}`")
    st.caption(tr("workshop.join_hint", url=url))
    st.image(qr_png(url), width=260, caption=url)


def ranking_table(rank: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """One axis of :func:`sdg.workshop.ranking` as a readable table."""
    return pd.DataFrame({
        tr("workshop.col.rank"): rank["rank"].astype(int),
        tr("workshop.col.subject"): rank["subject"].map(lambda s: labels.get(s, s)),
        tr("workshop.col.mean"): rank["mean"].round(2),
        tr("workshop.col.n"): rank["n"].astype(int),
    })


def results(ratings: pd.DataFrame, labels: dict[str, str], goals: pd.DataFrame, *,
            big: bool = False, tables: bool = True) -> None:
    """Ranking bars (and tables) of a session's ratings, one block per axis."""
    rank = ranking(ratings)
    if rank.empty:
        st.info(tr("workshop.no_votes"))
        return
    for axis, part in rank.groupby("axis", sort=False):
        st.subheader(tr(f"materiality.axis.{axis}"))
        st.altair_chart(ranking_bars(part, labels, goals, big=big), width="stretch")
        if tables:
            with st.expander(tr("common.table_alternative")):
                st.dataframe(ranking_table(part, labels), hide_index=True)


# ------------------------------------------------------------------ participant
def participant_token(code: str) -> str:
    """This browser session's participant of ``code``: the token in the URL (``p``) or
    the session, else a new one; written back to the URL so a reload keeps it."""
    key = f"workshop-token-{code}"
    token = join(get_store(), code, st.query_params.get("p") or st.session_state.get(key))
    st.session_state[key] = token
    st.query_params["p"] = token
    return token


def vote_form(s: dict, axis: str, token: str, current: dict[str, float],
              labels: dict[str, str]) -> None:
    """One axis: a row of big buttons per subject and one submit (one transaction)."""
    steps = scale_steps(s["scale_min"], s["scale_max"])
    with st.form(f"vote-{s['code']}-{axis}"):
        st.subheader(tr(f"workshop.delta.question.{axis}"))
        st.caption(tr("workshop.delta.scale", legend=scale_legend(s)))
        answers = {}
        for subject in s["subjects"]:
            now = current.get(subject)
            answers[subject] = st.segmented_control(
                labels.get(subject, subject), steps, key=f"r-{s['code']}-{axis}-{subject}",
                default=int(now) if now is not None else None, width="stretch")
        sent = st.form_submit_button(tr("workshop.delta.submit"), type="primary", width="stretch")
    if sent:
        try:
            result = record_vote(get_store(), s["code"], token, answers, axis)
        except SdgError as err:
            show_error(err)
            return
        st.session_state[f"workshop-sent-{s['code']}-{axis}"] = result.n_ratings
    n = st.session_state.get(f"workshop-sent-{s['code']}-{axis}")
    if n:
        st.success(tr("workshop.delta.thanks", n=n))
    elif current:
        st.info(tr("workshop.delta.saved_before"))


# -------------------------------------------------------------------- projector
def ranking_bars(rank: pd.DataFrame, labels: dict[str, str], goals: pd.DataFrame, *,
                 big: bool = False) -> alt.Chart:
    """Horizontal bars of the mean per subject (one axis), best first, in UN colours."""
    data = rank.assign(label=rank["subject"].map(lambda s: labels.get(s, s)),
                       colour=subject_colours(goals, rank["subject"]))
    font = 22 if big else 13
    order = data.sort_values("rank")["label"].tolist()
    value = "mean" if data["mean"].notna().all() else "score"  # score (0–1) if mixed scales
    return alt.Chart(data).mark_bar().encode(
        x=alt.X(f"{value}:Q", title=t("workshop.bars.mean", lang())),
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=600)),
        color=alt.Color("colour:N", scale=None, legend=None),
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip(f"{value}:Q", format=".2f"),
                 alt.Tooltip("n:Q")],
    ).properties(height=alt.Step(40 if big else 26),
                 description=t("a11y.chart.ranking", lang())).configure_axis(
        labelFontSize=font, titleFontSize=font)


def live_board(code: str, labels: dict[str, str], goals: pd.DataFrame,
               targets: pd.DataFrame) -> None:
    """The projector's board: counts, the matrix (both axes rated) and the ranking bars;
    redraws itself every :data:`REFRESH_S` seconds."""

    @st.fragment(run_every=REFRESH_S)
    def board() -> None:
        store = get_store()
        try:
            s = session(store, code)
        except SdgError as err:
            show_error(err)
            return
        ratings = live_ratings(store, code)  # the one query per refresh (bench/workshop.py)
        n = counts(ratings)
        c1, c2, c3 = st.columns(3)
        c1.metric(tr("workshop.live.participants"), n["participants"])
        c2.metric(tr("workshop.live.ratings"), n["ratings"])
        c3.metric(tr("workshop.live.state"), state_label(s["state"]))
        if ratings.empty:
            st.info(tr("workshop.no_votes"))
            return
        if set(AXES) <= set(s["axes"]):
            matrix = quadrants(aggregate(ratings))
            st.altair_chart(matrix_chart(matrix, goals, lang(), big=True, targets=targets),
                            width="content")
        results(ratings, labels, goals, big=True, tables=False)

    board()
