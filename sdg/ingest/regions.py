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
from collections.abc import Mapping

import numpy as np
import pandas as pd

_CODE = re.compile(r"^(?:K-|municip_nor)?(\d{3,4})(?:\.0)?(?:\s*[-–]?\s+\D.*)?$")
_VALIDITY = re.compile(r"\s*\([^)]*\d{4}[^)]*\)\s*$")
_SPACE = re.compile(r"[\s\u00a0]+")

#: Normalised names of national totals, counties (1972–2024) and other aggregates.
AGGREGATES: frozenset[str] = frozenset(
    {
        "hele landet", "landet", "landet u/oslo", "landet uten oslo", "norge", "i alt",
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
    """Key for name lookups: lower case, single spaces, no validity note.

    >>> normalise_name("  Andebu\\xa0 (-2016) "), normalise_name("Våler (Østf.)")
    ('andebu', 'våler (østf.)')
    """
    return _VALIDITY.sub("", _SPACE.sub(" ", name).strip()).casefold()


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
    """
    if label is None or (isinstance(label, str) and not label.strip()):
        return None, "empty"
    if isinstance(label, float) and np.isnan(label):
        return None, "empty"
    code = code_from_label(label)
    if code:
        return code, "code"
    if not isinstance(label, str):
        return None, "unknown"
    key = normalise_name(label)
    if key in known:
        return known[key], "name"
    if key in AGGREGATES or key.startswith(("kostragr", "kostragruppe", "fylke")):
        return None, "aggregate"
    return None, "unknown"


def known_index(known_codes: Mapping[str, str] | None) -> dict[str, str]:
    """Normalise the caller's name → code mapping for lookups.

    >>> known_index({"Asker": "3203", " Bærum ": 3024})
    {'asker': '3203', 'bærum': '3024'}
    """
    return {normalise_name(str(k)): str(v).zfill(4) for k, v in (known_codes or {}).items()}


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
