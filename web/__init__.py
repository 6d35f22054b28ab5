"""The Starlette side of the app, served by ``st.App`` in the same process as Streamlit
(``app.py``): routes and middleware collected from the modules of this package. No
Streamlit page code here.

- :mod:`web.workshop`: the workshop participant's light page and JSON endpoints.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from web import workshop


def routes() -> list[BaseRoute]:
    """Every custom route of the app."""
    return [*workshop.routes()]


def middleware() -> list[Middleware]:
    """Every custom middleware of the app (outermost first)."""
    return [*workshop.middleware()]
