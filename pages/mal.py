"""Mål: one SDG (``?goal=11``): dimension, commitments, targets and indicators, the
status of its indicators against the 2019 zero point, and the status of all 17 goals."""

import streamlit as st

from sdg.errors import SdgError
from sdg.escape import md
from ui.gains import (
    ZERO_YEAR,
    goal_indicator_table,
    goal_overview,
    goal_status_chart,
    goal_status_table,
    report,
    warn_unusable,
    with_figures,
)
from ui.goals import target_list, tile_css
from ui.i18n import tr
from ui.nav import require_router
from ui.state import get_store, lang, link_params, municipality, municipality_label, show_error
from ui.tables import (
    csv_button,
    goal_targets_table,
    indicator_table,
    ks_table,
    show,
    un_table,
)

require_router()

store = get_store()
goals = store.goals()
code = municipality()

raw = st.query_params.get("goal", "1")
try:
    number = int(raw)
    goal = store.goal(number)
except ValueError:
    show_error(SdgError("err.bad_goal_param", value=raw))
    st.stop()
except SdgError as err:
    show_error(err)
    st.stop()

choice = st.selectbox(tr("goal.pick"), goals["goal"].tolist(), index=number - 1,
                      format_func=lambda g: f"{g} {goals.at[g - 1, f'short_{lang()}']}")
if choice != number:
    st.query_params["goal"] = str(choice)
    st.rerun()
if raw != str(number):  # only a written form like "04": set once; absent stays absent
    st.query_params["goal"] = str(number)

tile_css(goals.loc[goals.goal == number])
with st.container(key=f"goal-{number}"):
    st.title(f"{number} {goal[f'short_{lang()}']}")
    st.markdown(goal[f"title_{lang()}"])
st.markdown(tr("goal.dimension", dimension=goal[f"dimension_{lang()}"]))
if number in store.focus_goals(code):
    st.success(tr("goal.focus_badge", municipality=municipality_label()))

st.subheader(tr("goal.commitments"))
commitments = store.local_goals(code, number)
if commitments.empty:
    st.caption(tr("goal.no_commitments", municipality=municipality_label()))
for c in commitments.itertuples():
    st.markdown(f"- {md(c.text_en if lang() == 'en' and c.text_en else c.text_nb)}")

targets = store.targets(number)
st.subheader(tr("goal.targets", n=len(targets)))
target_list(targets, lang())
with st.expander(tr("common.table_alternative")):
    show(goal_targets_table(targets), f"delmal_{number}.csv", key="goal_targets")

st.subheader(tr("goal.indicators"))
st.markdown(f"**{tr('goal.our_indicators')}**")
ours = indicator_table(store.indicators(number), store.observation_summary(code))
if ours.empty:
    st.caption(tr("goal.no_our_indicators"))
else:
    show(ours, f"indikatorer_mal_{number}.csv", key="goal_ours")
    mine = with_figures(report(code, lang()))
    warn_unusable(code, lang())
    mine = mine[mine["goals"].map(lambda gs: number in gs)]
    if mine["is_demo"].any():  # the banner only where demo figures are on screen
        st.warning(tr("demo.badge"))
    st.markdown(f"**{tr('gains.goals.this')}**")
    shown = goal_indicator_table(mine)
    st.table(shown, hide_index=True, border="horizontal")  # wraps on a phone
    csv_button(shown, f"mal_{number}_{code}.csv", key="goal_csv")
    st.page_link("pages/nullpunkt.py", label=tr("gains.goals.link"),
                 query_params=link_params(goal=number))

ks = store.ks_indicators(number, scheme="De-norske-målepunktene")
with st.expander(tr("goal.ks", n=len(ks))):
    st.caption(tr("goal.ks.help"))
    show(ks_table(ks), f"ks_mal_{number}.csv", key="goal_ks")
un = store.un_indicators(number)
with st.expander(tr("goal.un", n=len(un))):
    st.caption(tr("goal.un.help"))
    show(un_table(un), f"fn_mal_{number}.csv", key="goal_un")

st.subheader(tr("gains.goals.header"))
st.caption(tr("gains.goals.help", year=ZERO_YEAR, municipality=municipality_label()))
overview = goal_overview(code, lang())
st.altair_chart(goal_status_chart(overview, goals, lang()), width="stretch")
with st.expander(tr("common.table_alternative")):
    status_table = goal_status_table(overview, goals)
    st.dataframe(status_table, hide_index=True)
    csv_button(status_table, f"status_alle_mal_{code}.csv", key="goal_status_csv")
