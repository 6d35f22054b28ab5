"""Goal tiles in the UN colours, linking to the goal page."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from sdg.escape import md
from ui.state import link_params

GOAL_PAGE = "pages/mal.py"


def tile_css(goals: pd.DataFrame) -> None:
    """One CSS rule per goal colour for containers keyed ``goal-<n>``.

    Colours and numbers come from the catalogue (no user text goes into the CSS).
    """
    rules = "\n".join(
        f".st-key-goal-{int(g.goal)} {{ background:{html.escape(g.colour)}; border-radius:6px;"
        f" padding:0.5rem 0.6rem; min-height:6.5rem; }}\n"
        f".st-key-goal-{int(g.goal)} a, .st-key-goal-{int(g.goal)} p,"
        f" .st-key-goal-{int(g.goal)} span, .st-key-goal-{int(g.goal)} h1"
        f" {{ color:#FFFFFF !important; font-weight:600;"
        f" white-space:normal !important; overflow:visible !important; }}"
        for g in goals.itertuples()
    )
    st.html(f"<style>{rules}</style>")


def goal_tile(goal: int, label: str, focus: bool) -> None:
    """A coloured tile with the goal number and name, linking to its page."""
    with st.container(key=f"goal-{goal}"):
        star = "★ " if focus else ""
        st.page_link(GOAL_PAGE, label=f"{star}{goal} · {label}",
                     query_params=link_params(goal=goal), width="stretch")


def goal_grid(goals: pd.DataFrame, focus: set[int], lang: str, per_row: int = 4) -> None:
    """Tiles for ``goals`` in rows of ``per_row``."""
    rows = [goals.iloc[i:i + per_row] for i in range(0, len(goals), per_row)]
    for chunk in rows:
        cols = st.columns(per_row)
        for col, g in zip(cols, chunk.itertuples(), strict=False):
            with col:
                goal_tile(int(g.goal), getattr(g, f"short_{lang}"), int(g.goal) in focus)


def target_list(targets: pd.DataFrame, lang: str) -> None:
    """Each target with its code, in the session's language, the other language below
    (bokmål is ours; English is the UN's official wording)."""
    other = "en" if lang == "nb" else "nb"
    for t in targets.itertuples():
        st.markdown(f"**{t.target}** {md(getattr(t, f'title_{lang}'))}")
        st.caption(md(getattr(t, f"title_{other}")))
