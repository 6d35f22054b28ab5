"""JSON-stat 2.0 datasets (SSB Statbank download / API) → blocks.

The ``value`` array is flat and row-major over the dimensions in ``id`` order (a
sparse ``{"index": value}`` object is accepted too); ``status`` may be a list or such
an object. The geography dimension is the one named in ``role.geo`` (else ``Region``),
time the one in ``role.time`` (else ``Tid``); every other dimension becomes part of
``measure``. Region codes keep their prefix in ``region_label`` (``K-3025``).
"""

from __future__ import annotations

import re

import numpy as np

from sdg.errors import InvalidInput
from sdg.ingest.blocks import Block
from sdg.ingest.cells import parse_year
from sdg.ingest.limits import Limits, _n


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
    names = doc.get("role", {}).get(role) or [n for n in doc["id"] if n.lower() == fallback]
    return names[0] if names else None


def parse_jsonstat(doc: dict, filename: str, limits: Limits | None = None) -> list[Block]:
    """Blocks from a JSON-stat 2.0 dataset; InvalidInput when it is not one or is over
    ``limits`` (see :func:`check_size`)."""
    total = check_size(doc, filename, limits or Limits())
    try:
        ids, sizes, dims = doc["id"], doc["size"], doc["dimension"]
        values = _dense(doc.get("value", []), total, None)
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput("ingest.err.bad_jsonstat", file=filename, detail=str(exc)) from exc
    geo, time = _role(doc, "geo", "region"), _role(doc, "time", "tid")
    if doc.get("class") != "dataset" or geo is None or time is None or len(values) != total:
        raise InvalidInput(
            "ingest.err.bad_jsonstat", file=filename, detail="no region/time dimension"
        )
    status = _dense(doc.get("status", []), total, None)
    if not status or isinstance(status, str):
        status = [status or None] * total
    grids = np.unravel_index(np.arange(total), sizes)
    cats = {name: _categories(dims[name]) for name in ids}
    codes = np.array(cats[geo][0], dtype=object)[grids[ids.index(geo)]]
    years = np.array([parse_year(t) for t in cats[time][0]], dtype=float)[grids[ids.index(time)]]
    others = [name for name in ids if name not in (geo, time)]
    measure = np.full(total, "", dtype=object)
    for name in others:
        codes_o, labels_o = cats[name]
        if len(codes_o) > 1 or name == others[0]:
            text = np.array([labels_o.get(c, c) for c in codes_o], dtype=object)
            part = text[grids[ids.index(name)]]
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
