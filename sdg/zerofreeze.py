"""The frozen zero point: an analyst freezes a municipality's 2019 zero points; later
revisions are shown beside the frozen value; re-basing needs a reason and is audited.

The zero points frozen are those of the zero-point report (:func:`sdg.gains.zero_point_report`:
published, continued through a renumbering, or computed from the predecessors by the
indicator's merger rule). A later import or SSB pull that changes an input of a zero
point changes the computed value; :func:`revisions` compares the two:

    revised  ⇔  |current − frozen| > ½ · 10^−decimals   (a change visible at the
                                                         indicator's precision)

and words it as "SSB har revidert 2019-verdien fra X til Y (dato)" when the newest
input came from an SSB pull (the date is SSB's ``updated`` time, else the pull's), or
"2019-verdien er endret fra X til Y (dato)" for a file import.
"""

from __future__ import annotations

import pandas as pd

from sdg.auth import Actor
from sdg.gains import related_codes, zero_point_report
from sdg.i18n import t

ZERO_YEAR = 2019


def number(value: float | None, decimals: int, lang: str = "nb") -> str:
    """A number the Norwegian way (space as thousands separator, decimal comma) or English.

    >>> number(1234.5, 1), number(1234.5, 1, "en"), number(None, 1)
    ('1 234,5', '1,234.5', '–')
    """
    if value is None or value != value:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",") if lang == "nb" else text


def _date(value: object) -> str:
    """The date part of a timestamp or an ISO text.

    >>> _date("2026-06-15T06:00:00Z"), _date(pd.Timestamp("2026-12-01 20:15"))
    ('2026-06-15', '2026-12-01')
    """
    if isinstance(value, str):
        return value[:10]
    return pd.Timestamp(value).strftime("%Y-%m-%d") if value is not None else ""


def current_zero_points(store, municipality: str, year: int = ZERO_YEAR,
                        lang: str = "nb") -> pd.DataFrame:
    """The municipality's zero points as the report computes them now:
    ``indicator``, ``value``, ``method``, ``provenance``, ``decimals``, ``name`` (demo
    indicators say so in their name)."""
    indicators = store.indicators()
    changes = store.municipality_changes()
    observations = store.gain_observations(related_codes(municipality, changes, year))
    rep = zero_point_report(municipality, indicators, observations, changes, year=year,
                            lang=lang)
    demo = rep["is_demo"].astype(bool)
    name = rep["name"].where(~demo, rep["name"] + " (" + t("ssb.freeze.demo", lang) + ")")
    return pd.DataFrame({"indicator": rep["indicator"], "value": rep["zero_value"],
                         "method": rep["zero_method"], "provenance": rep["provenance"],
                         "decimals": rep["decimals"], "name": name})


def freeze(store, actor: Actor, municipality: str, note: str | None,
           year: int = ZERO_YEAR) -> int:
    """Freeze every zero point that has a value (those already frozen stay as they are)."""
    return store.freeze_zero_points(actor, municipality, year,
                                    current_zero_points(store, municipality, year), note)


def revisions(frozen: pd.DataFrame, current: pd.DataFrame, changed: dict[str, dict],
              year: int = ZERO_YEAR, lang: str = "nb") -> pd.DataFrame:
    """Frozen against current zero points, with the revision text where they differ.

    ``frozen``: ``indicator``, ``value``, ``frozen_by``, ``frozen_at``, ``note``;
    ``current``: ``indicator``, ``value``, ``decimals``, ``name``; ``changed``:
    indicator → ``{"ssb": bool, "updated": str | None, "at": timestamp}`` (when the
    newest input came in).

    >>> frozen = pd.DataFrame({"indicator": ["x", "y"], "value": [45.2, 10.0],
    ...     "frozen_by": "kari", "frozen_at": pd.Timestamp("2026-11-01"), "note": None})
    >>> current = pd.DataFrame({"indicator": ["x", "y"], "value": [45.64, 10.04],
    ...                         "decimals": [1, 1], "name": ["X", "Y"]})
    >>> r = revisions(frozen, current, {"x": {"ssb": True, "updated": "2026-12-01T07:00:00Z"}})
    >>> r["revised"].tolist(), r["revision"].iloc[0]
    ([True, False], 'SSB har revidert 2019-verdien fra 45,2 til 45,6 (2026-12-01)')
    """
    cols = ["indicator", "name", "frozen_value", "current_value", "decimals", "revised",
            "revision", "frozen_by", "frozen_at", "note"]
    if frozen.empty:
        return pd.DataFrame(columns=cols)
    cur = current.set_index("indicator")
    rows = []
    for f in frozen.itertuples(index=False):
        decimals = int(cur["decimals"].get(f.indicator, 1)) if f.indicator in cur.index else 1
        now = cur["value"].get(f.indicator) if f.indicator in cur.index else None
        now = None if now is None or now != now else float(now)
        revised = now is not None and abs(now - f.value) > 0.5 * 10 ** -decimals
        text = ""
        if revised:
            info = changed.get(f.indicator, {})
            when = _date(info.get("updated") or info.get("at"))
            key = "ssb.freeze.revised_ssb" if info.get("ssb") else "ssb.freeze.revised_file"
            text = t(key, lang, year=year, old=number(f.value, decimals, lang),
                     new=number(now, decimals, lang), date=when)
        rows.append({"indicator": f.indicator,
                     "name": cur["name"].get(f.indicator, f.indicator)
                     if f.indicator in cur.index else f.indicator,
                     "frozen_value": f.value, "current_value": now, "decimals": decimals,
                     "revised": revised, "revision": text, "frozen_by": f.frozen_by,
                     "frozen_at": f.frozen_at, "note": f.note})
    return pd.DataFrame(rows, columns=cols)


def revision_table(store, municipality: str, year: int = ZERO_YEAR,
                   lang: str = "nb") -> pd.DataFrame:
    """:func:`revisions` for a municipality from the store."""
    frozen = store.frozen_zero_points(municipality, year)
    if frozen.empty:
        return revisions(frozen, frozen, {}, year, lang)
    current = current_zero_points(store, municipality, year, lang)
    codes = related_codes(municipality, store.municipality_changes(), year)
    changed = {i: store.value_changes(i, codes, year) for i in frozen["indicator"]}
    return revisions(frozen, current, changed, year, lang)


def rebase(store, actor: Actor, municipality: str, indicator: str, reason: str,
           year: int = ZERO_YEAR) -> tuple[float, float]:
    """Move a frozen zero point to its current value; returns (old, new)."""
    frozen = store.frozen_zero_points(municipality, year)
    old = frozen.loc[frozen["indicator"] == indicator, "value"]
    current = current_zero_points(store, municipality, year)
    row = current[current["indicator"] == indicator]
    if old.empty or row.empty or pd.isna(row["value"].iloc[0]):
        from sdg.errors import NotFound

        raise NotFound("ssb.freeze.err.not_frozen", indicator=indicator,
                       municipality=municipality)
    new = float(row["value"].iloc[0])
    store.rebase_zero_point(actor, municipality, indicator, year, new,
                            row["method"].iloc[0], row["provenance"].iloc[0], reason)
    return float(old.iloc[0]), new
