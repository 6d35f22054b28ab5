"""Entry point: the ASGI app, and the router (page config, role-based page lists).

``streamlit run app.py`` finds the ``st.App`` below (Streamlit discovers it by reading
this file) and serves it with uvicorn: Streamlit's own routes plus ours from the
:mod:`web` package (sign-in and sign-out set and clear the session cookie; the workshop
participant's light page and its JSON endpoints). Streamlit then runs this same file
as the page script for every rerun, as ``__main__``, and that run is the router: each
page names the permission it needs (:mod:`sdg.auth`); the menu shows a role only its pages, and a forbidden page opened by
URL gives a polite refusal with a sign-in that comes back to it. A workshop link
(``?w=CODE``) opens the participant page (or the projector) without the menu.
"""

import streamlit as st

from sdg.auth import ANONYMOUS
from ui.a11y import page_chrome
from ui.auth import follow_return, login_required
from ui.nav import PageSpec, navigation
from ui.sidebar import pickers
from ui.state import actor, lang

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
        PageSpec("pages/oppsett.py", "council.setup.nav", ":material/tune:", "oppsett",
                 permission="content.write"),
    ],
    "nav.section.materiality": [
        PageSpec("pages/vesentlighet.py", "materiality.nav.matrix", ":material/scatter_plot:",
                 "vesentlighet"),
        PageSpec("pages/innspill.py", "materiality.nav.input", ":material/upload_file:",
                 "innspill", permission="ratings.write"),
        PageSpec("pages/vedtak.py", "council.nav.page", ":material/gavel:", "vedtak"),
    ],
    "nav.section.workshop": [
        PageSpec("pages/workshop.py", "workshop.nav.facilitator", ":material/groups:",
                 "workshop", permission="workshop.run"),
    ],
    "nav.section.data": [
        PageSpec("pages/data_import.py", "importer.nav.import", ":material/upload_file:",
                 "data", permission="data.import"),
        PageSpec("pages/data_ssb.py", "ssb.nav.page", ":material/cloud_download:", "ssb",
                 permission="data.import"),
        PageSpec("pages/data_historikk.py", "importer.nav.history", ":material/history:",
                 "historikk", permission="data.import"),
    ],
    "nav.section.account": [
        ACCOUNT,
        PageSpec("pages/admin.py", "admin.title", ":material/admin_panel_settings:", "admin",
                 permission="users.admin"),
    ],
}
# The participant's page (/w/CODE, web.workshop) and the projector (?w=CODE) are not in
# the menu: the facilitator's workshop page links to them.
WORKSHOP_LINK = {"": [
    PageSpec("pages/delta.py", "workshop.nav.delta", ":material/how_to_vote:", "delta",
             default=True),
    PageSpec("pages/projektor.py", "workshop.nav.projector", ":material/tv:", "projektor"),
]}


def route() -> None:
    """One script run: page config, the page lists for this actor, run the page."""
    st.set_page_config(page_title="Bærekraftsmålene i kommunen", page_icon="🌍",
                       layout="wide")
    who = actor()  # once per run: the session is looked up in the database
    if "w" in st.query_params:
        page = navigation(WORKSHOP_LINK, who, menu=False)
    elif login_required() and who == ANONYMOUS:
        # Every page stays registered (as a sign-in offer), so /nullpunkt is not lost.
        page = navigation(SECTIONS, who, menu=False, only=frozenset({ACCOUNT.url_path}))
    else:
        page = navigation(SECTIONS, who)
        follow_return({s.url_path: s.path for specs in SECTIONS.values() for s in specs})
        pickers()
    page_chrome(lang())
    page.run()


if __name__ == "__main__":  # a script run (streamlit's runner and AppTest use __main__)
    route()
else:  # imported by `streamlit run app.py` as the ASGI app "app:app"
    from streamlit.runtime.pages_manager import PagesManager

    import web

    # This is an st.navigation app from the first request on: without this, Streamlit
    # treats the first session after a start as a legacy pages/ app, and a deep link
    # like /data shows "Page not found" before ui.nav.require_router can reroute it.
    PagesManager.uses_pages_directory = False
    app = st.App(__file__, routes=web.routes(), middleware=web.middleware())
