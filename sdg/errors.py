"""Domain errors with a message fit for a user.

Pages catch :class:`SdgError` and show ``err.message(lang)`` with ``st.error``; the
command line prints it. The text comes from the one catalogue in :mod:`sdg.i18n`.
"""

from __future__ import annotations

from sdg.i18n import t


class SdgError(Exception):
    """A problem the user can act on.

    Parameters
    ----------
    key : str
        Message key in :data:`sdg.i18n.TEXTS`.
    **params
        Values formatted into the message.

    Examples
    --------
    >>> err = SdgError("err.unknown_goal", goal=99)
    >>> err.message("en")
    'There is no SDG 99. The goals are numbered 1 to 17.'
    """

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("nb"))

    def message(self, lang: str = "nb") -> str:
        return t(self.key, lang, **self.params)


class NotFound(SdgError):
    """Something asked for by code or id does not exist."""


class InvalidInput(SdgError):
    """Input that fails validation (files, forms, settings)."""
