"""Region label → municipality code.

Accepted forms (SSB_EXPORT_LAYOUT.md §5): ``3203 Asker``, ``0719 Andebu (-2016)``,
``K-3025`` (JSON-stat), ``220`` or ``220.0`` (Udir, NVDB: a code without its leading
zero), ``municip_nor3203`` (FHI csdata), and plain names looked up in ``known_codes``
(a mapping name → code the caller passes; the lookup ignores case, spaces and a
trailing ``(-2016)``-style validity note). National and county totals (``Hele
landet``, ``Landet u/Oslo``, ``Kostragr. 8``, county names, ``K-23``) are recognised
as *aggregates*: they carry no municipality but are not problems either.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd

_CODE = re.compile(r"^(?:K-?|municip_nor)?(\d{3,4})(?:\.0)?(?:\s*[-–]?\s+\D.*)?$")
_VALIDITY = re.compile(r"\s*\([^)]*\d{4}[^)]*\)\s*$")
_QUALIFIER = re.compile(r"\s*\(([^()\d]+)\)\s*$")
_SPACE = re.compile(r"[\s\u00a0]+")
_DASHES = re.compile(r"\s+[-–—]\s+")
#: City districts (Oslo, Bergen, Trondheim, Stavanger: 5–6 digits such as ``030101``
#: or ``30114``) and sub-districts (8–10 digits such as ``0301010101``).
_DISTRICT = re.compile(r"^(?:K-?)?(\d{5,6}|\d{8,10})(?:\.0)?(?:\s*[-–]?\s+\D.*)?$")
#: The code token agencies write before an aggregate's name: SSB ``0 Hele landet``,
#: ``K-21-22 …``, ``K-23 …``, ``K-Rest …``, KOSTRA ``EAK Landet``, ``EAKUO …``,
#: ``EKA07 Vestfold`` (county), ``EKG13 …`` (KOSTRA group), county ``01 Østfold``.
_AGGREGATE_TOKEN = re.compile(
    r"^(?:(?P<country>0|00|EAK|EAKUO|EKUO)|(?P<svalbard>K-2[123](?:-2\d)?|K-Rest|K-99|2[123]|9999)"
    r"|(?P<county>EKA\d\d|F-?\d\d|\d\d)|(?P<kostra_group>EKG\d\d|KG\d\d))(?:\s+.*)?$",
    re.I,
)
#: Texts that mean "no region here" in an unused geography column.
NULL_TEXTS = frozenset({"null", "none", "nan", "n/a", "na"})

#: Normalised names of national totals, counties (1972–2024) and other aggregates.
AGGREGATES: frozenset[str] = frozenset(
    {
        "hele landet", "landet", "landet u/oslo", "landet uten oslo", "norge", "i alt",
        "sum", "sum alle", "summen", "sum kommuner",
        "alle kommuner", "alle fylker", "k-21-22", "k-23", "k-rest", "k-99",
        "østfold", "akershus", "buskerud", "vestfold", "telemark", "aust-agder",
        "vest-agder", "rogaland", "hordaland", "sogn og fjordane", "møre og romsdal",
        "sør-trøndelag", "nord-trøndelag", "trøndelag", "nordland", "troms", "finnmark",
        "hedmark", "oppland", "innlandet", "viken", "vestfold og telemark", "agder",
        "vestland", "troms og finnmark", "troms - romsa - tromssa",
        "finnmark - finnmárku - finmarkku", "svalbard", "kontinentalsokkelen",
    }
)  # fmt: skip


def normalise_name(name: str) -> str:
    """Key for name lookups: lower case, single spaces, no validity note, the parts of
    a Sámi name (joined with `` - `` or `` – `` or not at all) in sorted order.

    >>> normalise_name("  Andebu\\xa0 (-2016) "), normalise_name("Våler (Østf.)")
    ('andebu', 'våler (østf.)')
    >>> normalise_name("Tana – Deatnu") == normalise_name("DEATNU TANA")
    True
    """
    text = _VALIDITY.sub("", _SPACE.sub(" ", name).strip()).casefold()
    text = _VALIDITY.sub("", text)
    if _QUALIFIER.search(text):
        return text
    return " ".join(sorted(_DASHES.sub(" ", text).split()))


def fold(key: str) -> str:
    """A name key without diacritics (á, š, ŋ …; æ and ø have none to drop).

    >>> fold("kárášjohka karasjok") == fold("kárásjohka karasjok")
    True
    """
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def plain_name(name: str) -> str:
    """Lower case, single spaces, no validity note (words in their order).

    >>> plain_name(" Sogn og  Fjordane (-2019)")
    'sogn og fjordane'
    """
    return _VALIDITY.sub("", _SPACE.sub(" ", name).strip()).casefold()


def name_parts(name: str) -> tuple[str, str | None, tuple[int, int] | None]:
    """(name key, county qualifier, validity years) of a region name.

    ``Våler (Østfold)`` names the county; ``Asker (2020-2023)``, ``Andebu (-2016)``
    and ``Våler (Viken) (2020-2023)`` the years the unit existed.

    >>> name_parts("Våler (Innlandet)"), name_parts("Asker (2020-2023)")
    (('våler', 'innlandet', None), ('asker', None, (2020, 2023)))
    >>> name_parts("Våler (Viken) (2020-2023)"), name_parts("Andebu (-2016)")
    (('våler', 'viken', (2020, 2023)), ('andebu', None, (-10000, 2016)))
    """
    text = _SPACE.sub(" ", name).strip()
    validity = None
    m = _VALIDITY.search(text)
    if m:
        years = [int(y) for y in re.findall(r"\d{4}", m.group(0))]
        first = years[0] if not re.search(r"\(\s*-", m.group(0)) else -10_000
        last = years[-1] if re.search(r"\d{4}\s*-?\s*\d{4}|-\s*\d{4}", m.group(0)) else 10_000
        validity = (first, last)
        text = text[: m.start()]
    qualifier = None
    q = _QUALIFIER.search(text)
    if q:
        qualifier = q.group(1).strip().casefold()
        text = text[: q.start()]
        m = _VALIDITY.search(text)
        if m and validity is None:
            return (*name_parts(text)[:1], qualifier, name_parts(text)[2])
    return normalise_name(text), qualifier, validity


def aggregate_reason(label: object) -> str:
    """Why a label that is no municipality is skipped: ``country``, ``county``,
    ``kostra_group``, ``svalbard``, ``district`` or ``aggregate`` (anything else
    recognised as a total).

    >>> [aggregate_reason(x) for x in ("0 Hele landet", "EAK Landet", "EKA07 Vestfold (-2019)",
    ...  "EKG13 Kostragruppe 13", "K-21-22 Svalbard og Jan Mayen", "030101", "Viken", "i alt")]
    ['country', 'country', 'county', 'kostra_group', 'svalbard', 'district', 'county', 'aggregate']
    """
    text = _label_text(label)
    if text is None:
        return "aggregate"
    if _DISTRICT.match(text):
        return "district"
    code = code_from_label(text)
    if code and re.match(r"^2[123]\d\d$", code):
        return "svalbard"
    m = _AGGREGATE_TOKEN.match(text)
    if m:
        return m.lastgroup or "aggregate"
    key = plain_name(text)
    if key.startswith(("kostragr", "kostragruppe")):
        return "kostra_group"
    if key in _COUNTRY:
        return "country"
    if key in ("svalbard", "kontinentalsokkelen") or key.startswith("jan mayen"):
        return "svalbard"
    if key in AGGREGATES or key.startswith("fylke"):
        return "county" if key not in _OTHER_AGGREGATES else "aggregate"
    return "aggregate"


_COUNTRY = frozenset({"hele landet", "landet", "landet u/oslo", "landet uten oslo", "norge"})
_OTHER_AGGREGATES = frozenset({"i alt", "alle kommuner", "alle fylker", "sum", "sum alle",
                               "summen", "sum kommuner"})


def _label_text(label: object) -> str | None:
    if isinstance(label, bool) or label is None:
        return None
    if isinstance(label, int | float):
        if isinstance(label, float) and not label.is_integer():
            return None
        return str(int(label))
    return label.strip().strip("\u00a0") if isinstance(label, str) else None


def code_from_label(label: object) -> str | None:
    """The 4-character code written in a label, or None.

    >>> [code_from_label(x) for x in ("3203 Asker", "0719 Andebu (-2016)", "K-3025", "220", 301.0)]
    ['3203', '0719', '3025', '0220', '0301']
    >>> [code_from_label(x) for x in ("Asker", "K-21-22", "12345", 3.0, "05 Oslo/Bærum")]
    [None, None, None, None, None]
    """
    if isinstance(label, bool):
        return None
    if isinstance(label, int | float):
        if not float(label).is_integer() or not 100 <= label <= 9999:
            return None
        return f"{int(label):04d}"
    if not isinstance(label, str):
        return None
    m = _CODE.match(label.strip().strip("\u00a0"))
    return m.group(1).zfill(4) if m else None


def classify_label(label: object, known: Mapping[str, str]) -> tuple[str | None, str]:
    """(code, kind) with kind ``code``, ``name``, ``aggregate``, ``empty`` or ``unknown``.

    >>> classify_label("Asker", {"asker": "3203"}), classify_label("Hele landet", {})
    (('3203', 'name'), (None, 'aggregate'))
    >>> classify_label("Kostragr. 8", {}), classify_label("Atlantis", {})
    ((None, 'aggregate'), (None, 'unknown'))
    >>> [classify_label(x, {})[0] for x in ("K3801", "1101 - Eigersund", "K-3801 Horten")]
    ['3801', '1101', '3801']
    >>> [classify_label(x, {})[1] for x in ("NULL", "EKG13 Kostragruppe 13", "0 Hele landet", 30101.0)]
    ['empty', 'aggregate', 'aggregate', 'aggregate']

    A name joined with `` - `` of which one part is a known municipality and the other
    no known name (a Sámi name missing from the code list) is that municipality; two
    known parts are two municipalities, so no code:

    >>> k = {"evenes": "1853", "skånland": "1913"}
    >>> classify_label("Evenes - Evenássi", k), classify_label("Evenes - Skånland", k)
    (('1853', 'name'), (None, 'unknown'))
    """
    if label is None or (isinstance(label, str) and not label.strip()):
        return None, "empty"
    if isinstance(label, str) and label.strip().casefold() in NULL_TEXTS:
        return None, "empty"
    if isinstance(label, float) and np.isnan(label):
        return None, "empty"
    code = code_from_label(label)
    if code:
        return code, "code"
    if not isinstance(label, str):
        text = _label_text(label)
        return (None, "aggregate") if text and _DISTRICT.match(text) else (None, "unknown")
    if _DISTRICT.match(label.strip().strip("\u00a0")):
        return None, "aggregate"
    if _AGGREGATE_TOKEN.match(label.strip().strip("\u00a0")):
        return None, "aggregate"
    key = normalise_name(label)
    if key in known:
        return known[key], "name"
    base = name_parts(label)[0]
    for candidate in (base, fold(key), fold(base)):
        if candidate in known:
            return known[candidate], "name"
    parts = _DASHES.split(_SPACE.sub(" ", label).strip())
    if len(parts) == 2:  # "Evenes - Evenássi": a Sámi name the code list does not know
        hits = {known.get(normalise_name(p)) or known.get(fold(normalise_name(p)))
                for p in parts} - {None}
        unknown_part = any(normalise_name(p) not in known and fold(normalise_name(p))
                           not in known for p in parts)
        if len(hits) == 1 and unknown_part:
            return hits.pop(), "name"
    plain = plain_name(label)
    if plain in AGGREGATES or plain.startswith(("kostragr", "kostragruppe", "fylke")):
        return None, "aggregate"
    return None, "unknown"


class KnownIndex(dict):
    """The lookup :func:`known_index` makes (normalised name → code). Given to it
    again it is returned as it is, so a caller can build it ahead (the importer does,
    while its parse child reads the file)."""


def known_index(known_codes: Mapping[str, str] | None) -> KnownIndex:
    """Normalise the caller's name → code mapping for lookups (a
    :class:`KnownIndex` is already normalised and is returned as it is).

    >>> known_index({"Asker": "3203", " Bærum ": 3024})
    {'asker': '3203', 'bærum': '3024'}
    >>> index = known_index({"Asker": "3203"}); known_index(index) is index
    True
    """
    if isinstance(known_codes, KnownIndex):
        return known_codes
    index = KnownIndex()
    for k, v in (known_codes or {}).items():
        index[normalise_name(str(k))] = str(v).zfill(4)
    for k, v in (known_codes or {}).items():  # without diacritics (Kárásjohka), if free
        index.setdefault(fold(normalise_name(str(k))), str(v).zfill(4))
    for k, v in (known_codes or {}).items():  # each part of a Sámi name, if free
        for part in _DASHES.split(_SPACE.sub(" ", str(k)).strip()):
            index.setdefault(normalise_name(part), str(v).zfill(4))
    return index


def resolve(labels: np.ndarray, known: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Codes and kinds for an array of labels (each distinct label looked at once).

    >>> codes, kinds = resolve(np.array(["3203 Asker", "Asker", "Landet"], dtype=object), {})
    >>> codes.tolist(), kinds.tolist()
    (['3203', None, None], ['code', 'unknown', 'aggregate'])
    """
    index, uniques = pd.factorize(pd.Series(labels, dtype=object))
    return resolve_distinct(index, uniques, known)


def resolve_distinct(index: np.ndarray, uniques, known: Mapping[str, str]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`resolve` for labels already factorized (``index`` into ``uniques``,
    -1 for a missing label)."""
    pairs = [classify_label(u, known) for u in uniques] + [(None, "empty")]  # -1 = missing
    codes = np.array([p[0] for p in pairs], dtype=object)
    kinds = np.array([p[1] for p in pairs], dtype=object)
    return codes[index], kinds[index]
