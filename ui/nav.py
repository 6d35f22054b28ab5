"""Role-based navigation: the menu shows only the pages a role may use; a forbidden
page opened by URL gives a polite refusal instead of the page."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from sdg.auth import Actor, roles_allowed
from ui.i18n import tr
from ui.state import link_params


@dataclass(frozen=True)
class PageSpec:
    """One screen: its script, title key, icon, URL and the permission it needs."""

    path: str
    title: str
    icon: str
    url_path: str
    permission: str | None = None  # None: anyone may read it
    default: bool = False


def _refusal(spec: PageSpec):
    def refuse() -> None:
        roles = ", ".join(tr(f"auth.role.{r}") for r in sorted(roles_allowed(spec.permission)))
        st.title(tr(spec.title))
        st.warning(tr("auth.refused", roles=roles))
        st.page_link("pages/konto.py", label=tr("auth.sign_in"), icon=":material/login:")
    return refuse


def navigation(sections: dict[str, list[PageSpec]], actor: Actor, *, menu: bool = True
               ) -> st.Page:
    """Register every page (forbidden ones as a refusal) and, with ``menu``, draw the
    allowed ones as the sidebar menu grouped in sections (section keys are text keys).
    Returns the page to run."""
    pages, allowed_pages = [], {}
    for section, specs in sections.items():
        for spec in specs:
            allowed = spec.permission is None or actor.may(spec.permission)
            page = st.Page(spec.path if allowed else _refusal(spec), title=tr(spec.title),
                           icon=spec.icon, url_path=spec.url_path, default=spec.default)
            pages.append(page)
            if allowed:
                allowed_pages.setdefault(section, []).append(page)
    current = st.navigation(pages, position="hidden")
    if menu:
        with st.sidebar:
            for section, section_pages in allowed_pages.items():
                st.caption(tr(section))
                for page in section_pages:  # the URL state travels with the link, so
                    st.page_link(page, query_params=link_params())  # one history entry
    return current


def require_router() -> None:
    """Make sure the page runs under ``app.py``'s router, not on its own.

    Streamlit treats an app with a ``pages/`` folder as a legacy multipage app until
    ``st.navigation`` has run once in the process. If the very first request after a
    start is a deep link (``/nullpunkt``), it runs ``pages/nullpunkt.py`` directly:
    no router, no menu, no pickers, no role check. Each page calls this first; in that
    one case it switches the legacy mode off and reruns, so ``app.py`` routes the same
    URL properly. Otherwise it does nothing.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
