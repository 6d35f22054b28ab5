"""User-supplied text on its way in (control characters) and out (markdown).

Two rules, each in one place:

- :func:`clean_text` strips control characters (NUL, escape, bidi overrides, …) from
  names that come from files or forms, before they are stored;
- :func:`md` makes any user text literal in a markdown context: Streamlit renders
  ``st.markdown``, captions, titles, alerts *and widget labels* as markdown, so a
  workshop called ``![x](http://…/x.png) [Logg inn](http://…/)`` would otherwise show
  a remote image (fetched by every participant's browser) and a link. The characters
  that make markdown are backslash-escaped where they would (CommonMark allows that
  for any ASCII punctuation; the text reads the same): always ``[ ] < > * _ ` ~ $ @``
  and ``\\``; a colon before a non-space (``http://``, Streamlit's ``:red[…]`` and
  ``:material/…:``); ``www.``; ``#``, ``>``, ``-``, ``+`` and ``1.`` at the start. Line
  breaks become spaces, so no other block syntax can start. GFM's autolinks are found
  after escapes are resolved, so a word joiner (U+2060, invisible) also breaks
  ``http://``, ``www.`` and ``@``.

Pages call :func:`ui.i18n.tr` with ``md()`` around every user-supplied parameter, or
:func:`md` directly.
"""

from __future__ import annotations

import re
import unicodedata

#: Escaped wherever they stand: emphasis, code, links and images (``[``), HTML and
#: ``<…>`` autolinks, strikethrough, LaTeX (``$``), e-mail autolinks (``@``).
ALWAYS = "\\`*_[]<>~$@"
_ALWAYS = re.compile("([" + re.escape(ALWAYS) + "])")
#: A colon before a non-space: ``http://`` autolinks, ``:red[…]``, ``:material/…:``.
_COLON = re.compile(r":(?=\S)")
#: ``www.`` autolinks.
_WWW = re.compile(r"(?i)\b(www)\.")
#: Where GFM would still make a link: its autolink literals are found in the text
#: *after* escapes are resolved (``http\://`` still links), so an invisible word
#: joiner (U+2060) goes between ``scheme:`` and ``//``, after ``www`` and before ``@``.
_SCHEME = re.compile(r"(?i)([a-z][a-z0-9+.-]*\\:)(//)")
WORD_JOINER = "\u2060"
#: Block syntax at the start: headings, lists (``-``, ``+``, ``1.``), quotes.
_START = re.compile(r"^(\s*)([#>+-]|\d+(?=[.)]))")
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
    """``text`` as literal markdown (see the module docstring); None becomes ``""``.

    >>> print(md("![x](http://127.0.0.1:1/x.png) [Logg inn](http://127.0.0.1:1/)"
    ...          ).replace(WORD_JOINER, "⁀"))
    !\\[x\\](http\\:⁀//127.0.0.1\\:1/x.png) \\[Logg inn\\](http\\:⁀//127.0.0.1\\:1/)
    >>> print(md("Ås **fet** :red[rød] www.x.no, kari@x.no. Kilde: SSB"
    ...          ).replace(WORD_JOINER, "⁀"))
    Ås \\*\\*fet\\*\\* \\:red\\[rød\\] www⁀\\.x.no, kari⁀\\@x.no. Kilde: SSB
    >>> print(md("# Overskrift")), print(md("2019. Et år")), print(md("- punkt\\n- to"))
    \\# Overskrift
    2019\\. Et år
    \\- punkt - to
    (None, None, None)
    >>> md(None)
    ''
    """
    if text is None:
        return ""
    out = _ALWAYS.sub(r"\\\1", _BREAKS.sub(" ", str(clean_text(str(text)))))
    out = _WWW.sub(r"\1" + WORD_JOINER + r"\\.", _COLON.sub(r"\\:", out))
    out = _SCHEME.sub(r"\1" + WORD_JOINER + r"\2", out).replace("\\@", WORD_JOINER + "\\@")
    return _START.sub(lambda m: m.group(1) + "\\" + m.group(2) if not m.group(2).isdigit()
                      else m.group(1) + m.group(2) + "\\", out, count=1)
