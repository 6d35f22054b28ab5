"""JSON-stat 1.0 and 2.0 datasets (SSB Statbank download / API) → blocks.

The ``value`` array is flat and row-major over the dimensions in ``id`` order (a
sparse ``{"index": value}`` object is accepted too); ``status`` may be a list or such
an object. JSON-stat 1.0 (``{"dataset": {…}}``, with ``id``/``size``/``role`` inside
``dimension``) is read as 2.0. The geography dimension is the one named in
``role.geo``, else one whose id names a region (``Region``, ``KOKkommuneregion0000``,
``Kommune``, ``Geo`` …), else one whose codes are municipality codes; time the one in
``role.time`` (else ``Tid``/``Time``/``Year``/``År``). Every other dimension becomes part
of ``measure``. Region codes keep their prefix in ``region_label`` (``K-3025``).

Not figures for municipalities, with the true reason: PxWebApi table metadata
(``title`` + ``variables``), a dataset without a region dimension (Gini by industry,
a price index by product), and a region dimension whose codes are no municipality
codes (SSB's house-price regions ``TOTAL``, ``001`` …).
"""

from __future__ import annotations

import re

import numpy as np

from sdg.errors import InvalidInput
from sdg.ingest.blocks import Block
from sdg.ingest.cells import parse_period
from sdg.ingest.limits import Limits, _n
from sdg.ingest.model import Explanation


def _categories(dimension: dict) -> tuple[list[str], dict[str, str]]:
    """Category codes in index order and their labels."""
    category = dimension.get("category", {})
    index = category.get("index")
    if isinstance(index, dict):
        codes = sorted(index, key=index.__getitem__)
    elif isinstance(index, list):
        codes = list(index)
    else:
        codes = list(category.get("label", {}))
    return codes, category.get("label", {})


def _dense(raw: object, size: int, fill: object) -> list:
    """A flat list from a JSON-stat list or sparse ``{"i": v}`` object (an index
    outside ``0 … size - 1`` is a ValueError)."""
    if isinstance(raw, list):
        return raw
    out = [fill] * size
    if isinstance(raw, dict):
        for key, v in raw.items():
            i = int(key)
            if not 0 <= i < size:
                raise ValueError(f"value index {key} outside 0–{size - 1}")
            out[i] = v
    return out


_GEO_ID = re.compile(r"region|kommune|geo|municip|fylke|county", re.I)
_TIME_IDS = ("tid", "time", "year", "år", "aar", "periode", "period")
_MUNICIPAL_CODE = re.compile(r"^(?:K-?)?\d{4}$")


def check_size(doc: dict, filename: str, limits: Limits) -> int:
    """The number of cells a dataset declares (the product of ``size``), refused
    before anything is allocated when it, or the length of ``value``, is over
    ``limits.max_cells``, or when ``size`` is not a list of non-negative integers.

    >>> check_size({"size": [2, 3], "value": [1] * 6}, "a.json", Limits())
    6
    >>> check_size({"size": [20000, 20000], "value": [1]}, "b.json", Limits())
    Traceback (most recent call last):
    ...
    sdg.errors.InvalidInput: JSON-stat-filen b.json oppgir 400 000 000 celler (produktet av «size») og har 1 verdier. Grensen er 2 000 000 celler per import.
    """
    sizes = doc.get("size")
    if not isinstance(sizes, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in sizes):
        raise InvalidInput("ingest.err.bad_jsonstat", file=filename, detail="size")
    total = 1
    for n in sizes:  # Python integers: no overflow, and no product of a huge list
        total *= n
        if total > limits.max_cells:
            break
    raw = doc.get("value", [])
    count = len(raw) if isinstance(raw, list | dict) else 0
    if total > limits.max_cells or count > limits.max_cells:
        raise InvalidInput("ingest.err.jsonstat_too_large", file=filename, cells=_n(total),
                           values=_n(count), limit=_n(limits.max_cells))
    return total


def _role(doc: dict, role: str, fallback: str) -> str | None:
    """The dimension of ``role``: named in ``role``, else called ``fallback``, else the
    one dimension whose name contains it (KOSTRA's ``KOKkommuneregion0000``).

    >>> _role({"id": ["ContentsCode", "KOKkommuneregion0000", "Tid"]}, "geo", "region")
    'KOKkommuneregion0000'
    """
    names = doc.get("role", {}).get(role) or [n for n in doc["id"] if n.lower() == fallback]
    if not names:
        names = [n for n in doc["id"] if fallback in n.lower()]
        names = names if len(names) == 1 else []
    return names[0] if names else None


def _geo_dimension(doc: dict, time: str | None = None) -> str | None:
    """The region dimension: ``role.geo``, an id naming a region, or codes that are
    municipality codes (never the time dimension: years have four digits too)."""
    named = (doc.get("role") or {}).get("geo")
    if named:
        return named[0]
    for name in doc["id"]:
        if _GEO_ID.search(name):
            return name
    for name in doc["id"]:
        if name == time:
            continue
        codes = _categories(doc["dimension"][name])[0]
        if codes and sum(bool(_MUNICIPAL_CODE.match(str(c))) for c in codes) * 2 > len(codes):
            return name
    return None


def _time_dimension(doc: dict) -> str | None:
    named = (doc.get("role") or {}).get("time")
    if named:
        return named[0]
    return next((n for n in doc["id"] if n.casefold() in _TIME_IDS), None)


def as_version2(doc: dict) -> dict | None:
    """A JSON-stat 2.0 dataset from a 1.0 document (``{"dataset": {…}}`` or a bundle
    of named datasets: the first), or the document itself; None for PxWebApi
    metadata.

    >>> as_version2({"dataset": {"dimension": {"id": ["Tid"], "size": [1], "Tid": {}},
    ...              "value": [1]}})["id"]
    ['Tid']
    >>> as_version2({"title": "x", "variables": []}) is None
    True
    """
    if "variables" in doc and "title" in doc and "dimension" not in doc:
        return None
    if "id" in doc or doc.get("class") == "dataset":
        return doc
    inner = doc.get("dataset")
    if inner is None:
        inner = next((v for v in doc.values() if isinstance(v, dict) and "dimension" in v), None)
    if not isinstance(inner, dict) or "dimension" not in inner:
        return doc
    dims = dict(inner["dimension"])
    out = {k: v for k, v in inner.items() if k != "dimension"}
    out.update(version="2.0", **{"class": "dataset"}, id=dims.pop("id", []),
               size=dims.pop("size", []), role=dims.pop("role", {}), dimension=dims)
    return out


def parse_jsonstat(doc: dict, filename: str,
                   limits: Limits | None = None) -> list[Block] | Explanation:
    """Blocks from a JSON-stat dataset, an explanation when it holds no municipal
    figures, or InvalidInput when it is not JSON-stat at all or is over ``limits``
    (see :func:`check_size`, applied after a 1.0 document is converted)."""
    converted = as_version2(doc)
    if converted is None:
        return Explanation(filename, "ingest.explain.not_jsonstat", {"sheet": filename})
    doc = converted
    total = check_size(doc, filename, limits or Limits())
    try:
        ids, sizes, dims = doc["id"], doc["size"], doc["dimension"]
        values = _dense(doc.get("value", []), total, None)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput("ingest.err.bad_jsonstat", file=filename, detail=str(exc)) from exc
    try:
        time = _time_dimension(doc)
        geo = _geo_dimension(doc, time)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput("ingest.err.bad_jsonstat", file=filename, detail=str(exc)) from exc
    if doc.get("class", "dataset") != "dataset" or time is None or len(values) != total:
        raise InvalidInput(
            "ingest.err.bad_jsonstat", file=filename, detail="no time dimension"
        )
    if geo is None:
        return Explanation(filename, "ingest.explain.no_region_dimension",
                           {"sheet": filename, "dimensions": ", ".join(ids)})
    geo_codes, geo_labels = _categories(dims[geo])
    if not any(_MUNICIPAL_CODE.match(str(c)) for c in geo_codes):
        examples = ", ".join(f"{c} {geo_labels.get(c, '')}".strip() for c in geo_codes[:3])
        return Explanation(filename, "ingest.explain.other_regions",
                           {"sheet": filename, "examples": examples})
    status = _dense(doc.get("status", []), total, None)
    if not status or isinstance(status, str):
        status = [status or None] * total
    grids = np.unravel_index(np.arange(total), sizes)
    cats = {name: _categories(dims[name]) for name in ids}
    codes = np.array(cats[geo][0], dtype=object)[grids[ids.index(geo)]]
    periods = [parse_period(t) for t in cats[time][0]]
    years = np.array([p[0] if p else np.nan for p in periods], dtype=float)[grids[ids.index(time)]]
    kinds = np.array([p[1] if p else "" for p in periods], dtype=object)
    others = [name for name in ids if name not in (geo, time)]
    measure = np.full(total, "", dtype=object)
    for name in others:
        codes_o, labels_o = cats[name]
        if len(codes_o) > 1 or name == others[0]:
            text = np.array([labels_o.get(c, c) for c in codes_o], dtype=object)
            part = text[grids[ids.index(name)]]
            measure = np.where(measure == "", part, measure + " / " + part)
    if any(k and k[0] in "KM" for k in kinds):  # quarters, months: the period names the series
        part = kinds[grids[ids.index(time)]]
        measure = np.where(measure == "", part, measure + " / " + part)
    cells = np.array(["" if v is None else v for v in values], dtype=object)
    symbols = np.array(status, dtype=object)
    use = (cells == "") & (symbols != None)  # noqa: E711
    cells[use] = symbols[use]
    label = str(doc.get("label", filename))
    m = re.match(r"^(\d{5}):\s*(.+)$", label)
    title = re.sub(r",\s*etter\s.*$", "", m.group(2) if m else label)
    unit = _unit(dims, others)
    return [
        Block(
            layout="jsonstat", title=title.strip(), unit=unit,
            source=f"SSB {m.group(1)}" if m else doc.get("source"),
            labels=codes, label_cols=np.zeros(total, dtype=int), years=years, cells=cells,
            rows=np.arange(total), cols=np.zeros(total, dtype=int), measures=measure,
            periods=np.array(cats[time][0], dtype=object)[grids[ids.index(time)]],
        )
    ]  # fmt: skip


def _unit(dims: dict, others: list[str]) -> str | None:
    """The unit ``base`` when the content dimension names exactly one."""
    for name in others:
        units = dims[name].get("category", {}).get("unit", {})
        bases = {u.get("base") for u in units.values() if isinstance(u, dict)}
        if len(bases) == 1:
            return bases.pop()
    return None
