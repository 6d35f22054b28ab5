"""Helpers for AppTest page tests (built from app.py's absolute path)."""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from sdg.auth import Actor
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


def run_app(page: str | None = None, timeout: float = 60, role: str | None = None,
            **query: str) -> AppTest:
    """Run the app once, optionally on ``page`` with query parameters, signed in with
    ``role`` (a local account ``test-<role>``) or anonymous (a viewer)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if role is not None:
        at.session_state["actor"] = Actor(f"test-{role}", role)
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
