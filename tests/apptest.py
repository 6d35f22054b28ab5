"""Helpers for AppTest page tests (built from app.py's absolute path)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.runtime.context import ContextProxy, StreamlitCookies
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from sdg.auth import SESSION_COOKIE, SYSTEM
from tests.conftest import APP

_original_init = PagesManager.__init__


def _init_as_navigation_app(self, *args, **kwargs):
    """AppTest resets ``uses_pages_directory`` before every run, so with a ``pages/``
    folder its second run takes the legacy (v1) path and runs the page without
    ``app.py``. A live server sets the flag once and ``st.navigation`` clears it for
    good; this makes AppTest behave the same for our st.navigation app."""
    _original_init(self, *args, **kwargs)
    PagesManager.uses_pages_directory = False


PagesManager.__init__ = _init_as_navigation_app

#: Session-state keys under which a test puts the session cookie (and any other
#: cookies, a dict) its "browser" sends.
TEST_COOKIE = "_test_session_cookie"
TEST_COOKIES = "_test_cookies"
_real_cookies = ContextProxy.cookies


def _cookies_with_test_session(self) -> StreamlitCookies:
    """AppTest cannot send cookies (``st.context.cookies`` is empty there); this adds
    the session cookie a test put in ``session_state[TEST_COOKIE]``, so the page reads
    it exactly as it reads a browser's."""
    cookies = dict(_real_cookies.fget(self)) | dict(st.session_state.get(TEST_COOKIES, {}))
    token = st.session_state.get(TEST_COOKIE)
    if token:
        cookies[SESSION_COOKIE] = token
    return StreamlitCookies(cookies)


ContextProxy.cookies = property(_cookies_with_test_session)


def signed_in_cookie(role: str, name: str | None = None) -> str:
    """A real session for the user ``name`` (default ``test-<role>``, created with that
    role in the app's database if missing): the token the sign-in route would set."""
    from ui.state import get_store

    store = get_store()
    name = name or f"test-{role}"
    if store.scalar("SELECT count(*) FROM app_user WHERE name = $n", {"n": name}) == 0:
        store.add_user(SYSTEM, name, role, email=f"{name}@test.invalid")
    return store.create_session(name)


def run_app(page: str | None = None, timeout: float = 60, role: str | None = None,
            **query: str) -> AppTest:
    """Run the app once, optionally on ``page`` with query parameters, signed in with
    ``role`` (a session of the account ``test-<role>``) or anonymous (a viewer)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if role is not None:
        at.session_state[TEST_COOKIE] = signed_in_cookie(role)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run_url(url_path: str, role: str | None = None, **query: str) -> AppTest:
    """Open the page at ``url_path`` as a user typing that URL would.

    ``AppTest.switch_page`` finds pages by script path only; a page a role may not use
    is registered as a refusal (a callable with the page's URL), so this selects the
    registered page by its URL instead (AppTest's private page registry).
    """
    at = run_app(role=role, **query)
    hashes = [h for h, info in at._registered_pages.items()
              if info.get("url_pathname") == url_path]
    assert hashes, f"no page at /{url_path}"
    at._page_hash = hashes[0]
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """All markdown, captions, titles and headers of the page as one string."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption",
                                   "info", "success", "error", "warning")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def shown(element) -> pd.DataFrame:
    """What a ``st.dataframe`` shows: the display values of its pandas Styler (as the
    browser draws them), or its values when it has no Styler."""
    from streamlit import dataframe_util

    styled = element.proto.arrow_data.styler.display_values
    if not styled:
        return element.value
    return dataframe_util.convert_arrow_bytes_to_pandas_df(styled)
