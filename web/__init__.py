"""The Starlette glue of the ASGI app in ``app.py``: our routes and middleware.

``streamlit run app.py`` serves ``app:app`` (an ``st.App``) with uvicorn; these routes
sit beside Streamlit's own in the same process (ours are matched first; the reserved
prefixes ``/_stcore/``, ``/media/``, ``/component/`` and ``/static/`` stay
Streamlit's). No Streamlit page code lives here: pages are in ``pages/``, their glue in
``ui/``, the domain in ``sdg/``.

Each module of this package that serves requests exposes ``routes()`` (and, if it
needs any, ``middleware()``); this module collects them in a fixed order.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from web import auth, workshop

#: The modules whose routes and middleware make up the app, in order.
MODULES = (auth, workshop)


def routes() -> list[BaseRoute]:
    """Every route of :data:`MODULES`, in order."""
    return [route for module in MODULES for route in module.routes()]


def middleware() -> list[Middleware]:
    """Every middleware of :data:`MODULES` that has any (outermost first)."""
    return [m for module in MODULES if hasattr(module, "middleware")
            for m in module.middleware()]
