"""Streamlit glue of the benefits plan: cached reads, the editor, tables, the map chart."""

from __future__ import annotations

from typing import NamedTuple

import altair as alt
import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from sdg import fmt
from sdg.auth import Actor
from sdg.baseline import renumbering_chain
from sdg.benefits import FIELDS, KINDS, LEVELS, diff, has_errors, latest_values, validate
from sdg.store import Store
from sdg.tables import with_kinds
from ui.i18n import tr
from ui.state import get_store, lang
from ui.tables import EDITOR_NUMBERS, norwegian, show

EDITOR_KEY = "benefits_editor"
FLASH_KEY = "benefits_flash"
VERSION_KEY = "benefits_version"


# ------------------------------------------------------------------ cached reads
@st.cache_data(ttl=60, show_spinner=False)
def plan(municipality: str) -> pd.DataFrame:
    """The stored plan of a municipality (cleared after every save)."""
    return get_store().benefits(municipality)


@st.cache_data(ttl=600, show_spinner=False)
def catalogue(municipality: str | None = None) -> dict[str, pd.DataFrame]:
    """Indicators, SDG targets, the municipality's goal areas (its own, else the seven
    of the presentation) and goals for the editor and the map."""
    store = get_store()
    return {"indicators": store.indicators(), "targets": store.targets(),
            "goal_areas": store.goal_areas(municipality, linked=True), "goals": store.goals()}


@st.cache_data(ttl=60, show_spinner=False)
def latest(municipality: str, indicators: tuple[str, ...]) -> pd.DataFrame:
    """Latest value per indicator for the municipality, continued through renumberings."""
    store = get_store()
    codes = renumbering_chain(municipality, store.municipality_changes())
    return latest_values(store.benefit_observations(list(codes), list(indicators)), codes)


def editor_key(municipality: str) -> str:
    """The editor's widget key: per municipality and per saved version, so a save or a
    change of municipality starts from the stored plan with no edits pending."""
    return f"{EDITOR_KEY}_{municipality}_{st.session_state.get(VERSION_KEY, 0)}"


# ------------------------------------------------------------------ the editor
def editor_frame(records: pd.DataFrame) -> pd.DataFrame:
    """The stored records in editor column order (:data:`sdg.benefits.FIELDS`)."""
    frame = records[list(FIELDS)].reset_index(drop=True)
    return frame.astype({"id": "Int64"})  # new rows have no number yet


def read_only_table(records: pd.DataFrame) -> Styler:
    """The plan for a reader who may not edit it: the editor's columns with the values
    as they were entered (every decimal: a zero point has one more than its indicator)
    in the page's language."""
    frame = editor_frame(records)
    return norwegian(frame, {"id": "id", "zero_value": "exact", "target_value": "exact",
                             "zero_date": "date", "target_date": "date"}, others=False)


def column_config(indicators: pd.DataFrame, goal_areas: pd.DataFrame,
                  editable: bool = True) -> dict:
    """Column configs of the plan editor: selectboxes, numbers, dates, text.

    ``editable=False`` (the read-only table of :func:`read_only_table`) leaves the
    number columns to the table's Styler, which writes them in the page's language."""
    retired = tr("benefits.area_not_in_use")
    area_names = {r.code: getattr(r, f"name_{lang()}") + ("" if r.in_use else retired)
                  for r in goal_areas.itertuples()}
    demo = tr("benefits.demo_suffix")
    ind_names = {r.id: getattr(r, f"name_{lang()}") + (demo if r.is_demo else "")
                 for r in indicators.itertuples()}
    label = {f: tr(f"benefits.col.{f}") for f in FIELDS}
    cc = st.column_config
    text = {f: cc.TextColumn(label[f]) for f in ("description", "responsible_unit", "frequency",
                                                 "measure_source", "actions", "risk",
                                                 "status_note")}
    return text | {
        "id": cc.NumberColumn(label["id"], disabled=True, format="%d"),
        "goal_area": cc.SelectboxColumn(label["goal_area"], options=list(area_names),
                                        format_func=lambda c: area_names.get(c, c),
                                        required=True),
        "name": cc.TextColumn(label["name"], required=True),
        "kind": cc.SelectboxColumn(label["kind"], options=list(KINDS), required=True,
                                   format_func=lambda k: tr(f"benefits.kind.{k}")),
        "disbenefit": cc.CheckboxColumn(label["disbenefit"], default=False,
                                        help=tr("benefits.help.disbenefit")),
        "targets": cc.TextColumn(label["targets"], help=tr("benefits.help.targets")),
        "indicator": cc.SelectboxColumn(label["indicator"], options=list(ind_names),
                                        format_func=lambda i: ind_names.get(i, i)),
        "zero_value": cc.NumberColumn(label["zero_value"],
                                      format=EDITOR_NUMBERS if editable else None),
        "zero_date": cc.DateColumn(label["zero_date"], format=fmt.moment_date(lang())),
        "target_value": cc.NumberColumn(label["target_value"],
                                        format=EDITOR_NUMBERS if editable else None),
        "target_date": cc.DateColumn(label["target_date"], format=fmt.moment_date(lang())),
        "owner": cc.TextColumn(label["owner"], help=tr("benefits.help.owner")),
        "is_demo": cc.CheckboxColumn(label["is_demo"], disabled=True, default=False),
    }


class SaveOutcome(NamedTuple):
    """What pressing "Lagre" did: the problems found and, if saved, the counts."""

    problems: pd.DataFrame
    saved: dict[str, int] | None


def save(store: Store, municipality: str, stored: pd.DataFrame, edited: pd.DataFrame,
         actor: Actor) -> SaveOutcome:
    """Validate every row; save the changes in one transaction only if none is an error."""
    cat = catalogue(municipality)
    problems = validate(edited, cat["indicators"], cat["targets"], cat["goal_areas"])
    if has_errors(problems):
        return SaveOutcome(problems, None)
    changes = diff(stored, edited)
    if changes.empty:
        return SaveOutcome(problems, {"inserted": 0, "updated": 0, "deleted": 0})
    saved = store.save_benefits(municipality, changes, actor)
    plan.clear()
    latest.clear()
    return SaveOutcome(problems, saved)


def problem_table(problems: pd.DataFrame) -> pd.DataFrame:
    """The problems with translated headers, field names and reasons."""
    return pd.DataFrame({
        tr("benefits.problem.row"): problems["row"],
        tr("benefits.problem.field"): problems["field"].map(lambda f: tr(f"benefits.col.{f}")),
        tr("benefits.problem.value"): problems["value"],
        tr("benefits.problem.reason"): problems["reason"].map(
            lambda r: tr(f"benefits.problem.{r}")),
        tr("benefits.problem.level"): problems["level"].map(lambda v: tr(f"benefits.level.{v}")),
    })


# ------------------------------------------------------------------ the map
def map_chart(nodes: pd.DataFrame, edges: pd.DataFrame) -> alt.LayerChart:
    """Four columns of nodes (goal, goal area, benefit, indicator) linked by lines.

    Node colours are taken as they are (``scale=None``): the UN colour of the goal.
    """
    demo = tr("benefits.demo_suffix")
    nodes = nodes.assign(label=nodes["label"] + nodes["is_demo"].map({True: demo, False: ""}),
                         level_name=nodes["level"].map(lambda v: tr(f"benefits.map.level.{v}")))
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[-0.1, 3.9]))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[0, 1.08]))
    colour = alt.Color("colour:N", scale=None)
    links = alt.Chart(edges).mark_rule(opacity=0.35, strokeWidth=1.5, aria=False).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q", color=colour)
    points = alt.Chart(nodes).mark_circle(size=260, opacity=1).encode(
        x=x, y=y, color=colour,
        tooltip=[alt.Tooltip("level_name:N", title=tr("benefits.map.level")),
                 alt.Tooltip("label:N", title=tr("benefits.map.name"))])
    labels = alt.Chart(nodes).mark_text(align="left", dx=9, fontSize=10, limit=130).encode(
        x=x, y=y, text="label:N")
    heads = pd.DataFrame({"x": range(len(LEVELS)), "y": [1.05] * len(LEVELS),
                          "title": [tr(f"benefits.map.level.{v}") for v in LEVELS]})
    headers = alt.Chart(heads).mark_text(align="left", dx=-6, fontWeight="bold",
                                         aria=False).encode(
        x=x, y=y, text="title:N")
    height = max(320, 30 * int(nodes.groupby("x").size().max() if len(nodes) else 0))
    # The links and the headers carry no data of their own: hidden from assistive
    # technology (each node's description names it; the table below lists the map).
    return alt.layer(links, points, labels, headers).properties(
        height=height, description=tr("a11y.chart.benefit_map"))


def map_table(nodes: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """The map's links as a table: from (level, name) → to (level, name)."""
    by_id = nodes.set_index("node")

    def describe(node: str) -> str:
        level = tr(f"benefits.map.level.{by_id.at[node, 'level']}")
        return f"{level}: {by_id.at[node, 'label']}"

    return pd.DataFrame({tr("benefits.map.from"): edges["source"].map(describe),
                         tr("benefits.map.to"): edges["target"].map(describe)})


# ------------------------------------------------------------------ owner view, log
def owner_table(view: pd.DataFrame, indicators: pd.DataFrame) -> Styler:
    """One owner's benefits with latest value, target and gain, translated; numbers
    the Norwegian way in bokmål (the cells keep their values)."""
    demo = tr("benefits.demo_suffix")
    names = dict(zip(indicators["id"], indicators[f"name_{lang()}"], strict=True))
    yes_no = {True: tr("benefits.yes"), False: tr("benefits.no")}
    share = view["share_of_distance"].map(lambda s: None if pd.isna(s) else round(100 * s))
    values = [tr("benefits.col.zero_value"), tr("benefits.owner.latest"),
              tr("benefits.col.target_value"), tr("benefits.owner.delta")]
    return norwegian(pd.DataFrame({
        tr("benefits.col.name"): view["name"] + view["is_demo"].map({True: demo, False: ""}),
        tr("benefits.col.indicator"): view["indicator"].map(lambda i: names.get(i, i)),
        tr("benefits.col.zero_value"): view["zero_value"],
        tr("benefits.owner.zero_year"): view["zero_year"].astype("Int64"),
        tr("benefits.owner.latest"): view["latest_value"],
        tr("benefits.owner.latest_year"): view["latest_year"].astype("Int64"),
        tr("benefits.col.target_value"): view["target_value"],
        tr("benefits.owner.target_year"): view["target_year"].astype("Int64"),
        tr("benefits.owner.delta"): view["delta"],
        tr("benefits.owner.share") + " (%)": share.astype("Int64"),
        tr("benefits.owner.desired"): view["desired"].map(lambda d: yes_no.get(d, "")),
    }), dict.fromkeys(values))


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """Every version of a benefit, newest first, with translated headers; its
    ``attrs["kinds"]`` write the values as entered and the dates as dates
    (:func:`ui.tables.norwegian`)."""
    head = pd.DataFrame({
        tr("benefits.log.changed_at"): history["changed_at"].map(
            lambda d: fmt.datetime(d, lang())),
        tr("benefits.log.changed_by"): history["changed_by"],
        tr("benefits.log.action"): history["action"].map(lambda a: tr(f"benefits.log.action.{a}")),
    })
    fields = history[[f for f in FIELDS if f not in ("id", "is_demo")]]
    table = pd.concat([head, fields.rename(columns=lambda f: tr(f"benefits.col.{f}"))], axis=1)
    return with_kinds(table, {tr("benefits.col.zero_value"): "exact",
                              tr("benefits.col.target_value"): "exact",
                              tr("benefits.col.zero_date"): "date",
                              tr("benefits.col.target_date"): "date"}, lang())


def show_outcome(outcome: SaveOutcome) -> None:
    """After "Lagre": the problem table (nothing saved), "nothing to save", or a rerun
    that shows what was saved."""
    if outcome.saved is None:
        errors = outcome.problems[outcome.problems["level"] == "error"]
        st.error(tr("benefits.not_saved", n=len(errors)))
        show(problem_table(outcome.problems), "gevinstplan_problemer.csv", key="benefits_problems")
    elif not any(outcome.saved.values()):
        st.info(tr("benefits.nothing_to_save"))
    else:
        st.session_state[FLASH_KEY] = {"saved": outcome.saved, "problems": outcome.problems}
        st.session_state[VERSION_KEY] = st.session_state.get(VERSION_KEY, 0) + 1
        st.rerun()
