"""The text catalogue: both languages everywhere, same placeholders, no missing keys."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from sdg.i18n import LANGS, TEXTS, normalise_lang, t

ROOT = Path(__file__).resolve().parents[1]
_USED = re.compile(r"""\btr\(\s*["']([a-z0-9_.\-]+)["']""")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_every_language_with_the_same_placeholders(key):
    entry = TEXTS[key]
    assert set(LANGS) <= set(entry), f"{key} lacks {set(LANGS) - set(entry)}"
    assert all(entry[lang].strip() for lang in LANGS)
    assert _fields(entry["nb"]) == _fields(entry["en"]) == _fields(entry["nn"])


def test_every_literal_key_used_in_the_ui_exists():
    missing = []
    for path in [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"]:
        for key in _USED.findall(path.read_text(encoding="utf-8")):
            if key not in TEXTS and not key.endswith("."):
                missing.append(f"{path.name}: {key}")
    assert missing == []


def test_lookup_and_fallbacks():
    assert t("app.title", "en") == "The SDGs in the municipality"
    assert t("app.title", "sv") == "Bærekraftsmålene i kommunen"  # unknown → bokmål
    assert t("no.such.key") == "no.such.key"
    assert normalise_lang("EN") == "en"
    assert t("app.title", "nn") == "Berekraftsmåla i kommunen"


def test_nynorsk_is_not_bokmaal_copied():
    """The nynorsk texts are written, not copied: most long texts differ from bokmål,
    and the commonest bokmål-only words do not occur in them."""
    long = [k for k, e in TEXTS.items() if len(e["nb"]) > 40]
    same = [k for k in long if TEXTS[k]["nn"] == TEXTS[k]["nb"]]
    assert len(same) < 0.05 * len(long), same
    bokmaal = re.compile(r"\b(ikke|hvordan|hvilke|hvis|noen|mye|bærekraft\w*|også|fra|"
                         r"kommunens|sammen|ennå|eller hvor|vises|lagret|finnes)\b", re.I)
    hits = {k: bokmaal.findall(TEXTS[k]["nn"]) for k in TEXTS}
    assert {k: v for k, v in hits.items() if v} == {}


def test_a_text_without_nynorsk_falls_back_to_bokmaal(monkeypatch):
    monkeypatch.setitem(TEXTS, "x.only_nb_en", {"nb": "Bokmål", "en": "English"})
    assert t("x.only_nb_en", "nn") == "Bokmål"


def test_no_text_has_a_placeholder_named_like_an_argument_of_t():
    """``t(key, lang, **params)``: a ``{lang}`` or ``{key}`` placeholder cannot be filled."""
    clash = {k for k, e in TEXTS.items() for v in e.values() if _fields(v) & {"lang", "key"}}
    assert clash == set()


def test_workshop_counts_read_right_for_one_and_for_thousands():
    from sdg.i18n import Count, t

    assert t("workshop.counts", "en", joined=Count(1), voted=Count(1), ratings=Count(1020)) \
        == "Joined: 1 · voted: 1 · ratings in all: 1,020"
    assert t("workshop.counts", "nb", joined=Count(1), voted=Count(0), ratings=Count(1020)) \
        == "Koblet på: 1 · har stemt: 0 · vurderinger i alt: 1\u00a0020"
