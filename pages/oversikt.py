"""Oversikt: the council's adopted focus goals (case number and date) with their status
against the 2019 zero point, the 17 goals by dimension, the commitments, the planning
chain and the goal areas, for the chosen municipality; a guided start for a
municipality with nothing set up."""

import pandas as pd
import streamlit as st

from sdg.escape import md
from ui.council import decision_line
from ui.gains import ZERO_YEAR, demo_on_screen, goal_overview, status_text
from ui.goals import goal_grid, tile_css
from ui.i18n import pick, tr
from ui.nav import require_router
from ui.setup import guided_start
from ui.state import get_store, lang, link_params, municipality, municipality_label
from ui.tables import goal_table, show

require_router()

store = get_store()
code = municipality()
goals = store.goals()
adopted = store.adopted_decision(code)  # only an adopted decision sets the focus goals
focus = set(adopted["goals"]) if adopted else set()
commitments = store.local_goals(code)

st.title(tr("app.title"))
st.caption(f"{municipality_label()} · {tr('app.subtitle')}")

if focus:
    names = ", ".join(f"{g} {goals.loc[goals.goal == g, f'short_{lang()}'].iloc[0]}"
                      for g in sorted(focus))
    st.info(tr("home.focus_intro", n=len(focus), goals=names) + " " + decision_line(adopted))
else:
    st.info(tr("home.no_focus"))
    content = store.has_own_content(code)
    if not any(v for k, v in content.items() if k != "indicators"):  # nothing set up
        guided_start(code, "home")

if focus:
    overview = goal_overview(code, lang()).set_index("goal")
    st.header(tr("council.home.status_header", year=ZERO_YEAR))
    st.caption(tr("council.home.status_help", year=ZERO_YEAR))
    if demo_on_screen(code, lang(), focus):  # only when demo figures are on screen
        st.warning(tr("council.home.demo"))
    cols = st.columns(min(len(focus), 5))
    for i, g in enumerate(sorted(focus)):
        row = overview.loc[g]
        name = goals.loc[goals.goal == g, f"short_{lang()}"].iloc[0]
        with cols[i % len(cols)], st.container(border=True, key=f"focus-status-{g}"):
            st.markdown(f"**{g} {name}**")
            st.markdown(status_text(pd.Series([row["status"]]), lang()).iloc[0])
            years = row["years"] if isinstance(row["years"], str) else ""
            st.caption(tr("council.home.counts", n=int(row["n_indicators"]),
                          data=int(row["n_data"]), scored=int(row["n_scored"]))
                       + (f" · {years}" if years else ""))
            st.page_link("pages/mal.py", label=tr("council.home.details"),
                         query_params=link_params(goal=g))

st.header(tr("home.grid.header"))
st.caption(tr("home.grid.help"))
tile_css(goals)
for _, group in goals.groupby("dimension_sort", sort=True):
    st.subheader(pick(group.iloc[0], "dimension"))
    goal_grid(group, focus, lang())
with st.expander(tr("common.table_alternative")):
    show(goal_table(goals, focus, commitments), f"mal_{code}.csv", key="home_goals")

if focus:
    st.header(tr("home.focus.header"))
    for g in sorted(focus):
        row = goals.set_index("goal").loc[g]
        with st.container(border=True):
            st.markdown(f"**{g} {row[f'short_{lang()}']}** – {row[f'title_{lang()}']}")
            texts = commitments.loc[commitments.goal == g]
            for t in texts.itertuples():
                st.markdown(f"- {md(t.text_en if lang() == 'en' and t.text_en else t.text_nb)}")

left, right = st.columns(2)
with left:
    st.header(tr("home.chain.header"))
    st.caption(tr("home.chain.help"))
    for i, key in enumerate(("sdg", "national", "regional", "municipal")):
        st.markdown(f"{'⬇️ ' if i else ''}**{tr('home.chain.' + key)}**")
with right:
    st.header(tr("home.areas.header"))
    areas = store.goal_areas(code)
    for origin in ("reform", "local"):
        st.markdown(f"**{tr('home.areas.' + origin)}**")
        for a in areas.loc[areas.origin == origin].itertuples():
            st.markdown(f"- **{md(getattr(a, f'name_{lang()}'))}** – "
                        f"{md(getattr(a, f'description_{lang()}'))}")
    st.caption(tr("home.areas.foundation"))
