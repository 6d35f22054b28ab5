"""The one catalogue of user-facing text: bokmål first, English second.

Texts live in TOML files under ``sdg/texts/`` (one per area, so parallel work does not
collide), each entry a table with ``nb`` and ``en``::

    ["err.unknown_goal"]
    nb = "Det finnes ikke noe bærekraftsmål {goal}. …"
    en = "There is no SDG {goal}. …"

All files are merged into :data:`TEXTS` at import; a key defined twice is an error.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

LANGS = ("nb", "en")
DEFAULT_LANG = "nb"
_DIR = Path(__file__).parent / "texts"


def _load() -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for key, entry in data.items():
            if key in texts:
                raise ValueError(f"text key {key!r} defined twice (again in {path.name})")
            missing = [lang for lang in LANGS if lang not in entry]
            if missing:
                raise ValueError(f"text key {key!r} in {path.name} lacks {missing}")
            texts[key] = entry
    return texts


TEXTS: dict[str, dict[str, str]] = _load()


def normalise_lang(lang: str | None) -> str:
    """Return a supported language code, defaulting to bokmål.

    >>> normalise_lang("en"), normalise_lang("EN"), normalise_lang("de"), normalise_lang(None)
    ('en', 'en', 'nb', 'nb')
    """
    lang = (lang or "").lower()
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Look up ``key`` in ``lang`` and format ``params`` into it.

    An unknown key returns the key itself, so a missing text shows up in the UI and
    in the catalogue test rather than as a crash.

    >>> t("app.title", "nb")
    'Bærekraftsmålene i kommunen'
    >>> t("app.title", "en")
    'The SDGs in the municipality'
    """
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry[normalise_lang(lang)]
    return text.format(**params) if params else text
