"""Entry point: page config, the role-based page lists and the router. Nothing else.

Run with ``streamlit run app.py``. Each page names the permission it needs
(:mod:`sdg.auth`); the menu shows a role only its pages, and a forbidden page opened by
URL gives a polite refusal. A workshop link (``?w=CODE``) opens the participant page
(or the projector) without the menu.
"""

import streamlit as st

from ui.a11y import page_chrome
from ui.auth import login_required, signed_in
from ui.nav import PageSpec, navigation
from ui.sidebar import pickers
from ui.state import actor, lang

st.set_page_config(page_title="Bærekraftsmålene i kommunen", page_icon="🌍", layout="wide")

ACCOUNT = PageSpec("pages/konto.py", "auth.page.title", ":material/account_circle:", "konto")
SECTIONS = {
    "nav.section.overview": [
        PageSpec("pages/oversikt.py", "nav.home", ":material/home:", "oversikt", default=True),
        PageSpec("pages/mal.py", "nav.goals", ":material/target:", "mal"),
        PageSpec("pages/tilgjengelighet.py", "a11y.nav", ":material/accessibility:",
                 "tilgjengelighet"),
    ],
    "gains.nav.section": [
        PageSpec("pages/nullpunkt.py", "gains.nav.nullpunkt", ":material/flag:", "nullpunkt"),
        PageSpec("pages/gevinstplan.py", "benefits.nav.page", ":material/checklist:",
                 "gevinstplan"),
    ],
    "nav.section.materiality": [
        PageSpec("pages/vesentlighet.py", "materiality.nav.matrix", ":material/scatter_plot:",
                 "vesentlighet"),
        PageSpec("pages/innspill.py", "materiality.nav.input", ":material/upload_file:",
                 "innspill", permission="ratings.write"),
    ],
    "nav.section.workshop": [
        PageSpec("pages/workshop.py", "workshop.nav.facilitator", ":material/groups:",
                 "workshop", permission="workshop.run"),
        PageSpec("pages/delta.py", "workshop.nav.delta", ":material/how_to_vote:", "delta"),
        PageSpec("pages/projektor.py", "workshop.nav.projector", ":material/tv:", "projektor"),
    ],
    "nav.section.data": [
        PageSpec("pages/data_import.py", "importer.nav.import", ":material/upload_file:",
                 "data", permission="data.import"),
        PageSpec("pages/data_historikk.py", "importer.nav.history", ":material/history:",
                 "historikk", permission="data.import"),
    ],
    "nav.section.account": [
        ACCOUNT,
        PageSpec("pages/admin.py", "admin.title", ":material/admin_panel_settings:", "admin",
                 permission="users.admin"),
    ],
}
WORKSHOP_LINK = {"": [
    PageSpec("pages/delta.py", "workshop.nav.delta", ":material/how_to_vote:", "delta",
             default=True),
    PageSpec("pages/projektor.py", "workshop.nav.projector", ":material/tv:", "projektor"),
]}

if "w" in st.query_params:
    page = navigation(WORKSHOP_LINK, actor(), menu=False)
elif login_required() and not signed_in():
    page = navigation({"nav.section.account": [ACCOUNT]}, actor(), menu=False)
else:
    page = navigation(SECTIONS, actor())
    pickers()
page_chrome(lang())
page.run()
