"""Role-based navigation: the menu shows only the pages a role may use; a forbidden
page opened by URL gives a polite refusal instead of the page."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from sdg.auth import Actor, roles_allowed
from sdg.escape import md
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


def _refusal(spec: PageSpec, *, sign_in_only: bool = False):
    """The page shown instead of ``spec``: why, and a sign-in that comes back here.

    ``sign_in_only``: the page is open to every signed-in user, but this deployment
    lets nobody in without signing in (``SDG_REQUIRE_LOGIN=1``)."""
    def refuse() -> None:
        from ui.auth import here, sign_in_button, signed_in
        from ui.state import actor

        st.title(tr(spec.title))
        back = here(spec.url_path, spec.default)
        if sign_in_only:
            st.info(tr("auth.login_required"))
            sign_in_button(back)
            return
        roles = ", ".join(tr(f"auth.role.{r}") for r in sorted(roles_allowed(spec.permission)))
        if signed_in():
            who = actor()
            st.warning(tr("accounts.refused.wrong_role", name=md(who.name),
                          role=tr(f"auth.role.{who.role}"), roles=roles))
            sign_in_button(back, tr("accounts.refused.other_user"))
        else:
            st.warning(tr("auth.refused", roles=roles))
            sign_in_button(back)
    return refuse


def navigation(sections: dict[str, list[PageSpec]], actor: Actor, *, menu: bool = True,
               only: frozenset[str] | None = None) -> st.Page:
    """Register every page (forbidden ones as a refusal) and, with ``menu``, draw the
    allowed ones as the sidebar menu grouped in sections (section keys are text keys).
    With ``only`` (URL paths), every other page is a sign-in offer: the URL is kept, so
    a deep link comes back to itself after signing in. Returns the page to run."""
    pages, allowed_pages = [], {}
    for section, specs in sections.items():
        for spec in specs:
            if only is not None and spec.url_path not in only:
                allowed, content = False, _refusal(spec, sign_in_only=True)
            else:
                allowed = spec.permission is None or actor.may(spec.permission)
                content = spec.path if allowed else _refusal(spec)
            page = st.Page(content, title=tr(spec.title),
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
