"""Goal tiles in the UN colours, linking to the goal page."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from sdg.a11y import text_colour_on
from sdg.escape import md
from ui.state import link_params

GOAL_PAGE = "pages/mal.py"


def _tile_rule(goal: int, colour: str) -> str:
    """The tile keeps the goal's UN colour; its text is white where white reaches 4.5:1
    on it, else black (:func:`sdg.a11y.text_colour_on`: goals 2, 3, 5, 6, 7, 9, 11, 12,
    14 and 15 get black). The keyboard focus ring is drawn in the text colour, which
    contrasts with the tile."""
    key = f".st-key-goal-{goal}"
    text = text_colour_on(colour)
    return (f"{key} {{ background:{html.escape(colour)}; border-radius:6px;"
            f" padding:0.5rem 0.6rem; min-height:6.5rem; }}\n"
            f"{key} a, {key} p, {key} span, {key} h1"
            f" {{ color:{text} !important; font-weight:600;"
            f" white-space:normal !important; overflow:visible !important; }}\n"
            f"{key} a:focus-visible {{ outline:3px solid {text} !important;"
            f" outline-offset:-3px !important; }}")


def tile_css(goals: pd.DataFrame) -> None:
    """One CSS rule per goal colour for containers keyed ``goal-<n>``.

    Colours and numbers come from the catalogue (no user text goes into the CSS).
    """
    rules = "\n".join(_tile_rule(int(g.goal), g.colour) for g in goals.itertuples())
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
    """Each target with its code, in the session's language, below it the UN's official
    English (or, for an English reader, our bokmål), marked with its own ``lang`` so a
    screen reader switches pronunciation (WCAG 3.1.2; ``st.caption`` cannot carry it)."""
    other = "nb" if lang == "en" else "en"
    for t in targets.itertuples():
        st.markdown(f"**{t.target}** {md(getattr(t, f'title_{lang}'))}")
        st.html(f'<p lang="{other}" class="sdg-caption">'
                f'{html.escape(str(getattr(t, f"title_{other}")))}</p>')
