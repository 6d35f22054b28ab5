"""User-supplied text on its way in (control characters) and out (markdown).

Two rules, each in one place:

- :func:`clean_text` strips control characters (NUL, escape, bidi overrides, …) from
  names that come from files or forms, before they are stored;
- :func:`md` makes any user text literal in a markdown context: Streamlit renders
  ``st.markdown``, captions, titles, alerts *and widget labels* as markdown, so a
  workshop called ``![x](http://…/x.png) [Logg inn](http://…/)`` would otherwise show
  a remote image (fetched by every participant's browser) and a link. Every ASCII
  punctuation character is backslash-escaped (CommonMark allows that for all of them),
  which also disarms Streamlit's own ``:red[…]``, ``:material/…:`` and ``$…$``
  syntax and bare ``http://`` autolinks; line breaks become spaces.

Pages call :func:`ui.i18n.tr` with ``md()`` around every user-supplied parameter, or
:func:`md` directly.
"""

from __future__ import annotations

import re
import string
import unicodedata

_PUNCT = re.compile("([" + re.escape(string.punctuation) + "])")
_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def clean_text(text: object) -> object:
    """``text`` without control or format characters (tabs and line breaks become
    one space); anything that is not a string is returned as it is.

    Removed: Unicode categories Cc (C0/C1 controls, NUL) and Cf except the zero-width
    joiner (bidi overrides such as U+202E, zero-width spaces).

    >>> clean_text("Folke\\x00tall\\x1b[31m"), clean_text("a\\tb\\r\\nc"), clean_text(3)
    ('Folketall[31m', 'a b c', 3)
    >>> clean_text("\\u202egnp.exe")
    'gnp.exe'
    """
    if not isinstance(text, str):
        return text
    if text.isprintable():  # the common case, fast
        return text
    out = []
    for ch in text:
        if ch in "\t\r\n\u2028\u2029":
            if out and out[-1] != " ":
                out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch != "\u200d":
            continue
        else:
            out.append(ch)
    return "".join(out).strip()


def md(text: object) -> str:
    """``text`` as literal markdown: every ASCII punctuation escaped, line breaks as
    spaces; None becomes ``""``.

    >>> md("![x](http://127.0.0.1:1/x.png) [Logg inn](http://127.0.0.1:1/)")
    '\\\\!\\\\[x\\\\]\\\\(http\\\\:\\\\/\\\\/127\\\\.0\\\\.0\\\\.1\\\\:1\\\\/x\\\\.png\\\\) \\\\[Logg inn\\\\]\\\\(http\\\\:\\\\/\\\\/127\\\\.0\\\\.0\\\\.1\\\\:1\\\\/\\\\)'
    >>> md("Ås **fet**\\n# Overskrift"), md(None), md(12.5)
    ('Ås \\\\*\\\\*fet\\\\*\\\\* \\\\# Overskrift', '', '12\\\\.5')
    """
    if text is None:
        return ""
    return _PUNCT.sub(r"\\\1", _BREAKS.sub(" ", str(clean_text(str(text)))))
