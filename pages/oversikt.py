"""Oversikt: the 17 goals by dimension, focus goals with commitments, planning chain
and goal areas, for the chosen municipality."""

import streamlit as st

from sdg.escape import md
from ui.goals import goal_grid, tile_css
from ui.i18n import pick, tr
from ui.nav import require_router
from ui.state import get_store, lang, municipality, municipality_label
from ui.tables import goal_table

require_router()

store = get_store()
code = municipality()
goals = store.goals()
focus = set(store.focus_goals(code))
decisions = store.focus_decisions(code)
commitments = store.local_goals(code)

st.title(tr("app.title"))
st.caption(f"{municipality_label()} · {tr('app.subtitle')}")

if focus:
    names = ", ".join(f"{g} {goals.loc[goals.goal == g, f'short_{lang()}'].iloc[0]}"
                      for g in sorted(focus))
    st.info(tr("home.focus_intro", n=len(focus), goals=names) + " "
            + tr("home.decided", date=decisions.iloc[0]["decided_on"].strftime("%d.%m.%Y")))
else:
    st.info(tr("home.no_focus"))

st.header(tr("home.grid.header"))
st.caption(tr("home.grid.help"))
tile_css(goals)
for _, group in goals.groupby("dimension_sort", sort=True):
    st.subheader(pick(group.iloc[0], "dimension"))
    goal_grid(group, focus, lang())
with st.expander(tr("common.table_alternative")):
    st.dataframe(goal_table(goals, focus, commitments), hide_index=True)

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
    areas = store.goal_areas()
    for origin in ("reform", "local"):
        st.markdown(f"**{tr('home.areas.' + origin)}**")
        for a in areas.loc[areas.origin == origin].itertuples():
            st.markdown(f"- **{md(getattr(a, f'name_{lang()}'))}** – "
                        f"{md(getattr(a, f'description_{lang()}'))}")
    st.caption(tr("home.areas.foundation"))
