"""Tables for reading on the Data and Admin pages: translated headers, and for every
column the :data:`sdg.fmt.Kind` it is written in.

Each builder returns a plain DataFrame whose cells keep their values (so a column
sorts as numbers or dates and a CSV download has numbers) and whose
``attrs["kinds"]`` maps a header to its kind: :func:`shown` writes it as text through
:mod:`sdg.fmt`, and ``ui.tables.norwegian`` as a pandas Styler for ``st.dataframe``.
No Streamlit here.

>>> b = pd.DataFrame({"id": [7], "created_at": [pd.Timestamp("2018-09-25 14:03")],
...     "actor": ["kari"], "file_name": ["13135.xlsx"], "sheet": [None],
...     "layout": ["long"], "indicators": ["kulturskole"], "rows_total": [12345],
...     "rows_current": [12345], "state": ["active"]})
>>> shown(import_history(b, "nb")).iloc[0].tolist()
['7', '25.09.2018 14:03', 'kari', '13135.xlsx', '–', 'long', 'kulturskole', \
'12\\xa0345', '12\\xa0345', 'aktiv']
>>> shown(import_history(b, "en")).iloc[0].tolist()[1:2]
['25 Sep 2018 14:03']
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sdg import fmt
from sdg.i18n import t


def with_kinds(frame: pd.DataFrame, kinds: Mapping[str, object],
               lang: str | None = None) -> pd.DataFrame:
    """``frame`` with ``kinds`` (header → kind, or one kind per row) and the language
    of its headers in its attrs.

    >>> with_kinds(pd.DataFrame({"a": [1]}), {"a": 0}, "en").attrs
    {'kinds': {'a': 0}, 'lang': 'en'}
    """
    frame.attrs["kinds"] = dict(kinds)
    if lang is not None:
        frame.attrs["lang"] = lang
    return frame


def kinds_of(frame: pd.DataFrame) -> dict:
    """The kinds a builder gave ``frame`` (empty when none).

    >>> kinds_of(pd.DataFrame()), kinds_of(with_kinds(pd.DataFrame({"a": [1]}), {"a": 0}))
    ({}, {'a': 0})
    """
    return dict(frame.attrs.get("kinds") or {})


def shown(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """``frame`` as text, every cell written by :func:`sdg.fmt.display` with its kinds
    in ``lang`` (default: the language of its headers, else bokmål).

    >>> shown(with_kinds(pd.DataFrame({"v": [1234.5, None]}), {"v": 1})).v.tolist()
    ['1\\xa0234,5', '–']
    """
    return fmt.display(frame, kinds_of(frame), lang or frame.attrs.get("lang") or "nb")


def value_decimals(indicators: pd.Series, catalogue: pd.DataFrame | None) -> list:
    """Per row the decimals of the row's indicator (from the catalogue's ``decimals``),
    or ``"exact"`` when the indicator has none (a new one, not yet in the catalogue).

    >>> cat = pd.DataFrame({"id": ["a", "b"], "decimals": [1, None]})
    >>> value_decimals(pd.Series(["a", "b", "c"]), cat)
    [1, 'exact', 'exact']
    """
    known: dict = {}
    if catalogue is not None and "decimals" in catalogue.columns:
        known = {i: int(d) for i, d in zip(catalogue["id"], catalogue["decimals"], strict=True)
                 if not fmt.is_missing(d)}
    return [known.get(i, "exact") for i in indicators]


# ------------------------------------------------------------------ import history
def import_history(batches: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """The import history: batch, when (date and time), who, file, sheet, layout,
    indicators, rows (total and current, head counts) and state in words."""
    b = batches
    c = lambda k: t(f"importer.col.{k}", lang)  # noqa: E731
    frame = pd.DataFrame({
        c("batch"): b["id"], c("when"): pd.to_datetime(b["created_at"]),
        c("who"): b["actor"], c("file"): b["file_name"], c("sheet"): b["sheet"],
        c("layout"): b["layout"], c("indicator"): b["indicators"],
        c("rows"): b["rows_total"], c("current"): b["rows_current"],
        c("state"): [t(f"importer.state.{s}", lang) for s in b["state"]],
    })  # fmt: skip
    return with_kinds(frame, {c("batch"): "id", c("when"): "datetime", c("rows"): 0,
                              c("current"): 0}, lang)


def batch_rows(rows: pd.DataFrame, catalogue: pd.DataFrame | None = None,
               lang: str = "nb") -> pd.DataFrame:
    """The rows of one batch (or of an import's preview): municipality, indicator,
    year, value with its indicator's decimals, status symbol, and the sheet and row of
    the file when ``rows`` has them.

    >>> rows = pd.DataFrame({"municipality": ["3203"], "indicator": ["a"], "year": [2024],
    ...                      "value": [1234.5], "status_symbol": [None]})
    >>> shown(batch_rows(rows, pd.DataFrame({"id": ["a"], "decimals": [0]}))).iloc[0].tolist()
    ['3203', 'a', '2024', '1\\xa0234', '–']
    >>> shown(batch_rows(rows), "en").iloc[0].tolist()[3]
    '1,234.5'
    """
    c = lambda k: t(f"importer.col.{k}", lang)  # noqa: E731
    frame = pd.DataFrame({
        c("municipality"): rows["municipality"], c("indicator"): rows["indicator"],
        c("year"): rows["year"], c("value"): rows["value"],
        c("status"): rows["status_symbol"],
    })  # fmt: skip
    kinds = {c("year"): "year", c("value"): value_decimals(rows["indicator"], catalogue)}
    if {"sheet", "src_row"} <= set(rows.columns):
        frame[c("sheet")] = rows["sheet"].to_numpy()
        frame[c("row")] = rows["src_row"].to_numpy()
        kinds[c("row")] = "id"
    return with_kinds(frame, kinds, lang)


def import_conflicts(conflicts: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """Values an import changes, old → new, each with every decimal it has (two values
    that differ in the third decimal must not read the same).

    >>> c = pd.DataFrame({"municipality": ["3203"], "indicator": ["a"], "year": [2024],
    ...                   "old_value": [12.344], "new_value": [12.345], "old_batch": [3]})
    >>> shown(import_conflicts(c)).iloc[0].tolist()
    ['3203', 'a', '2024', '12,344', '12,345', '3']
    """
    c = lambda k: t(f"importer.col.{k}", lang)  # noqa: E731
    frame = pd.DataFrame({
        c("municipality"): conflicts["municipality"], c("indicator"): conflicts["indicator"],
        c("year"): conflicts["year"], c("old"): conflicts["old_value"],
        c("new"): conflicts["new_value"], c("old_batch"): conflicts["old_batch"],
    })  # fmt: skip
    return with_kinds(frame, {c("year"): "year", c("old"): "exact", c("new"): "exact",
                              c("old_batch"): "id"}, lang)


def import_problems(problems: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """Every problem of an import with sheet, row, column, value and reason (the plan
    carries the reason in bokmål and English; a nynorsk reader gets bokmål).

    >>> p = pd.DataFrame({"sheet": ["Ark1"], "row": [1200], "column": ["verdi"],
    ...                   "value": ["x"], "reason": ["ikke et tall"], "reason_en": ["nan"]})
    >>> shown(import_problems(p)).iloc[0].tolist()
    ['Ark1', '1200', 'verdi', 'x', 'ikke et tall']
    """
    c = lambda k: t(f"importer.col.{k}", lang)  # noqa: E731
    frame = pd.DataFrame({
        c("sheet"): problems["sheet"], c("row"): problems["row"],
        c("column"): problems["column"], c("value"): problems["value"],
        c("reason"): problems["reason_en" if lang == "en" else "reason"],
    })  # fmt: skip
    return with_kinds(frame, {c("row"): "id", c("value"): "text"}, lang)


def rows_per_indicator(summary: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """The preview's rows per indicator (a head count).

    >>> s = pd.DataFrame({"indicator": ["a"], "rows": [1234]})
    >>> shown(rows_per_indicator(s), "en").iloc[0].tolist()
    ['a', '1,234']
    """
    c = lambda k: t(f"importer.col.{k}", lang)  # noqa: E731
    frame = pd.DataFrame({c("indicator"): summary["indicator"], c("rows"): summary["rows"]})
    return with_kinds(frame, {c("rows"): 0}, lang)


def detected_series(series: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """Step 2 of the wizard: per series the sheet, layout, label, unit, source, rows,
    regions and years found.

    >>> s = pd.DataFrame({"sheet": ["Ark1"], "layout": ["wide"], "label": ["Bøker"],
    ...     "unit": [None], "source": [None], "rows": [1234], "regions": [356],
    ...     "years": ["2015–2024"]})
    >>> shown(detected_series(s)).iloc[0].tolist()
    ['Ark1', 'wide', 'Bøker', '–', '–', '1\\xa0234', '356', '2015–2024']
    """
    c = lambda k: t(f"importer.col.{k}", lang)  # noqa: E731
    frame = pd.DataFrame({
        c("sheet"): series["sheet"], c("layout"): series["layout"],
        c("series"): series["label"], c("unit"): series["unit"],
        c("source"): series["source"], c("rows"): series["rows"],
        c("regions"): series["regions"], c("years"): series["years"],
    })  # fmt: skip
    return with_kinds(frame, {c("rows"): 0, c("regions"): 0, c("years"): "text"}, lang)


def pull_calls(prov: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """The calls of one pull from SSB: table, query, when it was fetched (UTC), when
    SSB last updated the table, and the sha256 of the answer.

    >>> p = pd.DataFrame({"table_id": ["13135"], "method": ["POST"],
    ...     "query_url": ["https://data.ssb.no/api/pxwebapi/v2/tables/13135/data"],
    ...     "fetched_at": [pd.Timestamp("2026-12-01 09:05:07")],
    ...     "ssb_updated": ["2025-02-12T07:00:00Z"], "response_sha256": ["ab12"]})
    >>> shown(pull_calls(p)).iloc[0].tolist()[2:]
    ['01.12.2026 09:05', '12.02.2025 07:00', 'ab12']
    >>> shown(pull_calls(p.assign(ssb_updated=[None])), "en").iloc[0].tolist()[2:4]
    ['1 Dec 2026 09:05', '–']
    """
    c = lambda k: t(f"ssb.col.{k}", lang)  # noqa: E731
    updated = pd.to_datetime(prov["ssb_updated"], errors="coerce", utc=True)
    frame = pd.DataFrame({
        c("table"): prov["table_id"],
        c("query"): prov["method"] + " " + prov["query_url"],
        c("fetched"): pd.to_datetime(prov["fetched_at"]),
        c("updated"): updated.dt.tz_localize(None),
        c("sha"): prov["response_sha256"],
    })  # fmt: skip
    return with_kinds(frame, {c("fetched"): "datetime", c("updated"): "datetime"}, lang)
