"""The one catalogue of user-facing text: bokmål first, nynorsk, English.

Texts live in TOML files under ``sdg/texts/`` (one per area, so parallel work does not
collide), each entry a table with ``nb``, ``nn`` and ``en``::

    ["err.unknown_goal"]
    nb = "Det finnes ikke noe bærekraftsmål {goal}. …"
    nn = "Det finst ikkje noko berekraftsmål {goal}. …"
    en = "There is no SDG {goal}. …"

All files are merged into :data:`TEXTS` at import; a key defined twice is an error, and
so is a key without ``nb`` or ``en``. A key without ``nn`` is shown in bokmål to a
nynorsk reader (the closest written standard) rather than crashing the app; the
catalogue test (tests/test_i18n.py) fails on it, so it does not stay that way.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

LANGS = ("nb", "nn", "en")
DEFAULT_LANG = "nb"
#: Languages every key must have for the app to start.
REQUIRED = ("nb", "en")
#: Where a text (or a data column) lacks a language, the one shown instead.
FALLBACK = {"nn": "nb", "nb": "nb", "en": "en"}
_DIR = Path(__file__).parent / "texts"


def _load() -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(_DIR.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for key, entry in data.items():
            if key in texts:
                raise ValueError(f"text key {key!r} defined twice (again in {path.name})")
            missing = [lang for lang in REQUIRED if lang not in entry]
            if missing:
                raise ValueError(f"text key {key!r} in {path.name} lacks {missing}")
            texts[key] = entry
    return texts


TEXTS: dict[str, dict[str, str]] = _load()


def normalise_lang(lang: str | None) -> str:
    """Return a supported language code, defaulting to bokmål.

    >>> normalise_lang("en"), normalise_lang("NN"), normalise_lang("de"), normalise_lang(None)
    ('en', 'nn', 'nb', 'nb')
    """
    lang = (lang or "").lower()
    return lang if lang in LANGS else DEFAULT_LANG


class Count(int):
    """A whole number that :func:`t` writes in the reader's language (``2 000 000`` in
    bokmål and nynorsk, ``2,000,000`` in English). Plain ``int`` parameters are written
    as they are, since most are years, row numbers or codes.

    >>> t("ingest.err.too_many_cells_total", "en", file="a.xlsx", cells=Count(3000000),
    ...   limit=Count(2000000))
    'The file a.xlsx holds 3,000,000 cells in all. The limit is 2,000,000 cells per import.'
    """


def t(key: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Look up ``key`` in ``lang`` and format ``params`` into it.

    An unknown key returns the key itself, so a missing text shows up in the UI and
    in the catalogue test rather than as a crash.

    >>> t("app.title", "nb")
    'Bærekraftsmålene i kommunen'
    >>> t("app.title", "nn")
    'Berekraftsmåla i kommunen'
    >>> t("app.title", "en")
    'The SDGs in the municipality'
    """
    entry = TEXTS.get(key)
    if entry is None:
        return key
    lang = normalise_lang(lang)
    text = entry.get(lang) or entry[FALLBACK[lang]]
    if not params:
        return text
    if any(isinstance(v, Count) for v in params.values()):
        from sdg.fmt import number  # sdg.fmt does not import this module at import time

        params = {k: number(v, 0, lang) if isinstance(v, Count) else v
                  for k, v in params.items()}
    if any(isinstance(v, PerLanguage) for v in params.values()):
        params = {k: v.text(lang) if isinstance(v, PerLanguage) else v
                  for k, v in params.items()}
    return text.format(**params)


class PerLanguage(dict):
    """A parameter already written in each language (language → text), for a
    message that quotes other messages (why a file has no figures: the reader's
    explanations): :func:`t` takes the reader's language, else its fallback
    (:data:`FALLBACK`), else bokmål.

    >>> why = PerLanguage(nb="ingen kommuner", en="no municipalities")
    >>> t("importer.err.no_series", "en", file="a.csv", why=why)
    'Found no municipal figures in a.csv: no municipalities'
    >>> t("importer.err.no_series", "nn", file="a.csv", why=why)
    'Fann ingen kommunetal i a.csv: ingen kommuner'
    """

    def text(self, lang: str) -> str:
        """The text in ``lang`` (or its fallback, or bokmål)."""
        lang = normalise_lang(lang)
        return self.get(lang) or self.get(FALLBACK[lang]) or self.get(DEFAULT_LANG, "")

    def __str__(self) -> str:  # (as the exception's own text: bokmål)
        return self.text(DEFAULT_LANG)


def with_english_names(frame):
    """Show an empty English name as the bokmål name marked as not translated.

    An analyst may leave an imported indicator's English name empty: the store keeps
    it empty (``""``), and what English readers see is decided here, when it is read:
    the bokmål name with ``i18n.untranslated`` (``Lekeplasser (not translated)``).
    Only ``name_en`` beside ``name_nb`` is filled; returns a new frame only when
    something was filled.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"name_nb": ["Folkemengde", "Lekeplasser", "Bad"],
    ...                   "name_en": ["Population", "", None]})
    >>> with_english_names(f)["name_en"].tolist()
    ['Population', 'Lekeplasser (not translated)', 'Bad (not translated)']
    """
    if "name_en" not in frame.columns or "name_nb" not in frame.columns or frame.empty:
        return frame
    en = frame["name_en"]
    empty = en.isna() | (en.astype(str).str.strip() == "")
    if not empty.any():
        return frame
    frame = frame.copy()
    frame.loc[empty, "name_en"] = [t("i18n.untranslated", "en", name=n)
                                   for n in frame.loc[empty, "name_nb"]]
    return frame


def with_nynorsk(frame):
    """Give every ``<name>_nb`` column of ``frame`` a ``<name>_nn`` twin, so code that
    reads ``f"{name}_{lang}"`` works in all three languages.

    Where the data has nynorsk (the catalogue's goals, targets, dimensions and goal
    areas) the ``_nn`` column is kept and only its gaps are filled from bokmål; where
    it has none (an indicator a municipality imported, its own commitments) the
    nynorsk reader sees the bokmål, the closest written standard. Returns a new frame
    only when something was added.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"name_nb": ["Folkemengde", "Areal"], "name_en": ["Pop", "Area"],
    ...                   "title_nb": ["Mål", "Mål"], "title_nn": ["Mål", None]})
    >>> out = with_nynorsk(f)
    >>> list(out.columns)
    ['name_nb', 'name_en', 'title_nb', 'title_nn', 'name_nn']
    >>> out["name_nn"].tolist(), out["title_nn"].tolist()
    (['Folkemengde', 'Areal'], ['Mål', 'Mål'])
    """
    bases = [c[:-3] for c in frame.columns if isinstance(c, str) and c.endswith("_nb")]
    todo = [b for b in bases if f"{b}_nn" not in frame.columns
            or frame[f"{b}_nn"].isna().any()]
    if not todo:
        return frame
    frame = frame.copy()
    for base in todo:
        if f"{base}_nn" in frame.columns:
            frame[f"{base}_nn"] = frame[f"{base}_nn"].fillna(frame[f"{base}_nb"])
        else:
            frame[f"{base}_nn"] = frame[f"{base}_nb"]
    return frame
