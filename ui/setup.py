"""Streamlit glue of a municipality's own content (issue 12): the guided start for a
municipality with nothing set up, and the forms of the set-up page (commitments, goal
areas, indicator targets, manual zero points). Every write goes through the store,
which checks ``content.write`` and audits it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sdg.errors import SdgError
from sdg.escape import md
from sdg.tables import value_decimals
from ui.i18n import start_values, tr
from ui.state import actor, get_store, lang, link_params, municipality_label, show_error
from ui.tables import show

SETUP_PAGE = "pages/oppsett.py"
#: page → the permission it needs (links are only drawn for pages the role may open)
_STEPS = (
    ("council.start.commitments", SETUP_PAGE, "content.write"),
    ("council.start.import", "pages/data_import.py", "data.import"),
    ("council.start.zero", SETUP_PAGE, "content.write"),
    ("council.start.matrix", "pages/vesentlighet.py", None),
    ("council.start.decision", "pages/vedtak.py", None),
)


def guided_start(code: str, where: str) -> None:
    """What a municipality with nothing set up sees instead of empty rows: the steps
    to take, each with a link for the roles that may take it."""
    st.info(tr(f"council.start.{where}", municipality=municipality_label(code)))
    who = actor()
    for i, (key, page, permission) in enumerate(_STEPS, start=1):
        text = f"{i}. {tr(key)}"
        if permission is None or who.may(permission):
            st.page_link(page, label=text, query_params=link_params())
        else:
            st.markdown(text)
    if not who.may("content.write"):
        st.caption(tr("council.start.who"))


def _saved(done_key: str) -> None:
    st.cache_data.clear()
    st.success(tr(done_key))


def commitments_form(code: str, goals: pd.DataFrame) -> None:
    """Add a commitment to a goal; list and retire the goal's commitments."""
    store = get_store()
    names = dict(zip(goals["goal"].astype(int), goals[f"short_{lang()}"], strict=True))
    goal = st.selectbox(tr("goal.pick"), list(names), key="set_goal", **start_values("set_goal", names),
                        format_func=lambda g: f"{g} {names[g]}")
    with st.form("set_commitment", clear_on_submit=True):
        nb = st.text_area(tr("council.setup.commitment_nb"), key="set_c_nb",
                          placeholder=tr("council.setup.commitment_placeholder"))
        en = st.text_area(tr("council.setup.commitment_en"), key="set_c_en")
        if st.form_submit_button(tr("council.setup.add"), type="primary", key="set_c_add"):
            try:
                store.add_commitment(code, goal, nb, en, actor=actor())
            except SdgError as err:
                show_error(err)
            else:
                _saved("council.setup.saved")
    current = store.local_goals(code, goal)
    if current.empty:
        st.caption(tr("council.setup.no_commitments"))
        return
    labels = {int(r.id): r.text_nb for r in current.itertuples()}
    for text in labels.values():
        st.markdown(f"- {md(text)}")
    with st.form("set_retire_commitment"):
        pick = st.selectbox(tr("council.setup.retire_pick"), list(labels), key="set_c_retire",
                            format_func=lambda i: labels[i][:90])
        if st.form_submit_button(tr("council.setup.retire"), key="set_c_retire_go"):
            try:
                store.retire_commitment(pick, actor=actor())
            except SdgError as err:
                show_error(err)
            else:
                _saved("council.setup.retired")


def goal_areas_form(code: str) -> None:
    """The municipality's goal areas: the seven of the presentation by default; start
    from them or add its own."""
    store = get_store()
    areas = store.goal_areas(code)
    own = bool(len(areas)) and bool(areas["own"].iloc[0])
    st.caption(tr("council.setup.areas_own" if own else "council.setup.areas_default"))
    show(pd.DataFrame({
        tr("council.setup.area_name"): areas[f"name_{lang()}"],
        tr("council.setup.area_origin"): areas["origin"].map(lambda o: tr(f"home.areas.{o}")),
        tr("council.setup.area_description"): areas[f"description_{lang()}"].fillna(""),
    }), f"malomrader_{code}.csv", key="set_areas")
    if not own and st.button(tr("council.setup.copy_areas"), key="set_copy_areas"):
        try:
            store.copy_default_goal_areas(code, actor=actor())
        except SdgError as err:
            show_error(err)
        else:
            _saved("council.setup.saved")
            st.rerun()
    with st.form("set_area", clear_on_submit=True):
        nb = st.text_input(tr("council.setup.area_name_nb"), key="set_a_nb")
        en = st.text_input(tr("council.setup.area_name_en"), key="set_a_en")
        desc = st.text_input(tr("council.setup.area_description"), key="set_a_desc")
        origin = st.radio(tr("council.setup.area_origin"), ["local", "reform"], horizontal=True,
                          key="set_a_origin", format_func=_labels("home.areas"),
                          **start_values("set_a_origin"))
        if st.form_submit_button(tr("council.setup.add"), type="primary", key="set_a_add"):
            try:
                store.add_goal_area(code, nb, en, desc, None, origin=origin, actor=actor())
            except SdgError as err:
                show_error(err)
            else:
                _saved("council.setup.saved")
    if own:
        labels = dict(zip(areas["code"], areas[f"name_{lang()}"], strict=True))
        with st.form("set_retire_area"):
            pick = st.selectbox(tr("council.setup.retire_pick"), list(labels), key="set_a_retire",
                                **start_values("set_a_retire", labels),
                                format_func=labels.get)
            if st.form_submit_button(tr("council.setup.retire"), key="set_a_retire_go"):
                try:
                    store.retire_goal_area(pick, actor=actor())
                except SdgError as err:
                    show_error(err)
                else:
                    _saved("council.setup.retired")


def _labels(prefix: str):
    language = lang()
    from sdg.i18n import t

    return lambda value: t(f"{prefix}.{value}", language)


def _indicator_labels() -> dict[str, str]:
    ind = get_store().indicators()
    return {i: f"{n} ({i})" for i, n in zip(ind["id"], ind[f"name_{lang()}"], strict=True)}


def targets_form(code: str) -> None:
    """An indicator's target and target year for this municipality."""
    store = get_store()
    labels = _indicator_labels()
    with st.form("set_target"):
        ind = st.selectbox(tr("gains.col.indicator"), list(labels), key="set_t_ind",
                           **start_values("set_t_ind", labels),
                           format_func=labels.get)
        cols = st.columns(2)
        value = cols[0].number_input(tr("council.setup.target_value"), value=None,
                                     key="set_t_value", format="%.2f")
        year = cols[1].number_input(tr("council.setup.target_year"), 2020, 2100, 2030, 1,
                                    key="set_t_year")
        note = st.text_input(tr("council.setup.note_optional"), key="set_t_note")
        if st.form_submit_button(tr("council.setup.save"), type="primary", key="set_t_save"):
            if value is None:
                st.error(tr("council.err.target_value", value="–"))
            else:
                try:
                    store.set_indicator_target(code, ind, value, int(year), note, actor=actor())
                except SdgError as err:
                    show_error(err)
                else:
                    _saved("council.setup.saved")
    own = store.indicator_targets(code)
    if len(own):
        decimals = value_decimals(own["indicator"], store.indicators())
        show(pd.DataFrame({
            tr("gains.col.indicator"): own["indicator"].map(lambda i: labels.get(i, i)),
            tr("council.setup.target_value"): own["target_value"],
            tr("council.setup.target_year"): own["target_year"].astype(int).astype(str),
            tr("council.setup.note"): own["note"].fillna(""),
            tr("materiality.decision.who"): own["set_by"],
        }), f"maal_{code}.csv", key="set_targets",
            kinds={tr("council.setup.target_value"): decimals})


def zero_point_form(code: str, missing: list[str], year: int) -> None:
    """A zero point by hand, with the required note, for an indicator whose zero point
    the rules of METHODS.md §3 do not give (``missing``: marked ⚠)."""
    store = get_store()
    labels = _indicator_labels()
    order = list(labels)  # a stable order (a saved zero point must not move the choice)
    st.caption(tr("council.setup.zero_help", year=year, n=len(missing)))
    with st.form("set_zero"):
        ind = st.selectbox(tr("gains.col.indicator"), order, key="set_z_ind",
                           **start_values("set_z_ind", order),
                           format_func=lambda i: labels[i] + (" ⚠" if i in missing else ""))
        value = st.number_input(tr("council.setup.zero_value", year=year), value=None,
                                key="set_z_value", format="%.2f")
        note = st.text_input(tr("council.setup.zero_note"), key="set_z_note",
                             placeholder=tr("council.setup.zero_note_placeholder"))
        if st.form_submit_button(tr("council.setup.save"), type="primary", key="set_z_save"):
            if value is None:
                st.error(tr("progress.baseline.err.manual_value", value="–"))
            else:
                try:
                    store.set_manual_zero_point(code, ind, value, note, year, actor=actor())
                except SdgError as err:
                    show_error(err)
                else:
                    _saved("council.setup.saved")
    manual = store.manual_zero_points(code, year)
    if len(manual):
        show(pd.DataFrame({
            tr("gains.col.indicator"): manual["indicator"].map(lambda i: labels.get(i, i)),
            tr("gains.col.zero_value"): manual["value"],
            tr("council.setup.note"): manual["note"],
            tr("materiality.decision.who"): manual["set_by"],
            tr("council.col.when"): pd.to_datetime(manual["set_at"]),
        }), f"nullpunkt_manuelle_{code}.csv", key="set_zero_table",
            kinds={tr("gains.col.zero_value"): "exact", tr("council.col.when"): "date"})
