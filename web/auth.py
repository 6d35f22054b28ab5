"""Sign-in and sign-out routes that set and clear the session cookie (issue 14)."""

from __future__ import annotations

from starlette.routing import BaseRoute


def routes() -> list[BaseRoute]:
    """The sign-in and sign-out routes (being built)."""
    return []
