"""Pull library indicators from SSB into the store: one pull = one import batch.

Steps (everything is fetched and read before anything is written, so a failure of the
network or of SSB changes nothing):

1. the indicators asked for, plus the denominators they are weighted by
   (:func:`sdg.library.with_denominators`);
2. grouped by SSB table and fixed selection (:func:`groups`), so one table is one
   query for all its indicators, all municipalities and all years (split by
   :meth:`sdg.ssb.Client.fetch` only where the 800,000-cell limit demands);
3. per group the table's metadata, against which the selection is checked and a thin
   entry's statistic chosen by its label (:func:`resolve`); an entry that does not fit
   the table any more, or whose table SSB refuses (400/404: gone, renamed codes), is
   listed as not pulled, with the reason; a failure of the network or of SSB itself
   (timeouts, 429/5xx after the retries, a malformed body) stops the pull;
4. each response read by the project's own JSON-stat reader (:func:`sdg.ingest.parse_file`),
   the statistic of each cell found from its position in the cube (:func:`rows_from`);
   region codes are kept as SSB gives them year by year, so the old municipalities
   (0220, 0627, 0628) keep their own years and the 2019 zero point of a merged
   municipality is computed by :mod:`sdg.baseline` from them; for ``sum`` entries with
   a summing codelist (``agg_KommSummer``) that the table's metadata offers, the summed
   series on today's borders is fetched too and fills the years the plain codes lack;
5. one :meth:`~sdg.store.imports.ImportQueries.commit_import` with the library
   indicators the database lacks, and one provenance row per call (table, query URL,
   fetched at, response sha256, SSB's ``updated``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sdg.auth import Actor, require
from sdg.errors import InvalidInput
from sdg.i18n import t
from sdg.importer import YEAR_MIN, year_max
from sdg.ingest import parse_file
from sdg.library import LABEL_PREFIX, Entry, load, with_denominators
from sdg.ssb import (
    Client,
    Fetched,
    SsbError,
    codelists,
    eliminable,
    metadata_codes,
    role_dim,
)

Progress = Callable[[float, str], None]


@dataclass
class Group:
    """Library entries read from one query of one table."""

    table: str
    region: str
    fixed: tuple[tuple[str, str], ...]
    entries: list[Entry]


@dataclass
class PullResult:
    """What a pull wrote (``batch`` None when nothing) and what it left out, with why."""

    batch: int | None
    rows: int
    per_indicator: dict[str, int]
    calls: list[dict]
    skipped: list[tuple[str, str, str]] = field(default_factory=list)  # id, table, reason
    dropped_not_applicable: int = 0
    tables: list[str] = field(default_factory=list)


def groups(entries: list[Entry]) -> list[Group]:
    """Entries sharing table, region dimension and fixed selection, in library order.

    >>> lib = load()
    >>> [(g.table, [e.id for e in g.entries]) for g in groups([lib["fodte"], lib["dode"],
    ...                                                         lib["barnehage_1_2"]])]
    [('11820', ['fodte', 'dode']), ('13502', ['barnehage_1_2'])]
    """
    out: dict[tuple, Group] = {}
    for e in entries:
        key = (e.table, e.region, tuple(sorted(e.fixed().items())))
        out.setdefault(key, Group(e.table, e.region, key[2], [])).entries.append(e)
    return list(out.values())


def _labels(meta: dict, dim: str) -> dict[str, str]:
    return meta["dimension"][dim].get("category", {}).get("label", {})


def resolve(group: Group, meta: dict, lang: str = "nb"
            ) -> tuple[dict[str, list[str]], dict[str, str], list[tuple[str, str, str]]]:
    """The query of a group checked against the table's metadata.

    Returns the selection (every dimension in the table's order: region ``*``, the
    fixed codes, the ContentsCodes, time ``*``), ContentsCode → entry id, and the
    entries left out with the reason.

    >>> meta = {"id": ["KOKkommuneregion0000", "ContentsCode", "Tid"], "role": {},
    ...   "dimension": {"KOKkommuneregion0000": {"category": {"index": {"0220": 0}}},
    ...     "ContentsCode": {"category": {"index": {"KOSa": 0, "KOSb": 1},
    ...                      "label": {"KOSa": "Andel barn", "KOSb": "Andel voksne"}}},
    ...     "Tid": {"category": {"index": {"2019": 0}}}}}
    >>> lib = load()
    >>> g = Group("1", "KOKkommuneregion0000", (), [lib["fodte"]])
    >>> sel, codes, skipped = resolve(g, meta)
    >>> sel, codes, skipped[0][2]
    ({}, {}, 'koden KOSfodde0000 finnes ikke i ContentsCode (SSB kan ha endret tabellen)')
    """
    dims = meta.get("id", [])
    all_codes = metadata_codes(meta)
    skipped: list[tuple[str, str, str]] = []

    def skip_all(reason: str) -> tuple[dict, dict, list]:
        return {}, {}, [(e.id, group.table, reason) for e in group.entries]

    if group.region not in dims:
        return skip_all(t("ssb.skip.no_dimension", lang, dimension=group.region))
    for dim, code in group.fixed:
        if dim not in dims:
            return skip_all(t("ssb.skip.no_dimension", lang, dimension=dim))
        if code not in all_codes[dim]:
            return skip_all(t("ssb.skip.no_code", lang, code=code, dimension=dim))
    if "ContentsCode" not in dims:
        return skip_all(t("ssb.skip.no_dimension", lang, dimension="ContentsCode"))
    time_dim = role_dim(meta, "time", "tid")
    fixed = dict(group.fixed)
    for dim in dims:
        if dim not in (group.region, time_dim, "ContentsCode", *fixed) and \
                not eliminable(meta, dim):
            return skip_all(t("ssb.skip.unselected", lang, dimension=dim))
    labels = _labels(meta, "ContentsCode")
    code_of: dict[str, str] = {}
    for e in group.entries:
        wanted = e.contents
        if wanted.startswith(LABEL_PREFIX):
            hint = wanted[len(LABEL_PREFIX):].casefold()
            hits = [c for c in all_codes["ContentsCode"] if hint in labels.get(c, c).casefold()]
            if len(hits) != 1:
                choices = "; ".join(f"{c} {labels.get(c, '')}".strip()
                                    for c in all_codes["ContentsCode"][:8])
                skipped.append((e.id, group.table, t("ssb.skip.label", lang,
                                                     label=wanted[1:], choices=choices)))
                continue
            wanted = hits[0]
        elif wanted not in all_codes["ContentsCode"]:
            skipped.append((e.id, group.table, t("ssb.skip.no_code", lang, code=wanted,
                                                 dimension="ContentsCode")))
            continue
        if wanted in code_of:  # two entries for one statistic: the first one is pulled
            skipped.append((e.id, group.table, t("ssb.skip.duplicate", lang,
                                                 other=code_of[wanted])))
            continue
        code_of[wanted] = e.id
    if not code_of:
        return {}, {}, skipped
    selection: dict[str, list[str]] = {}
    for dim in dims:
        if dim == group.region or dim == time_dim:
            selection[dim] = ["*"]
        elif dim == "ContentsCode":
            selection[dim] = [c for c in all_codes[dim] if c in code_of]
        elif dim in fixed:
            selection[dim] = [fixed[dim]]
    return selection, code_of, skipped


def rows_from(fetched: Fetched, code_of: dict[str, str], known: set[str],
              ) -> tuple[pd.DataFrame, int]:
    """The observations of one response, read by :func:`sdg.ingest.parse_file`.

    Each cell's statistic comes from its position in the cube (``src_row`` is the
    flat index + 1); rows of regions that are no municipality (the country, counties,
    KOSTRA groups, ``K-Rest``) are dropped, and so are the "not applicable" cells
    (``.``: the municipality did not exist that year). Returns the rows and how many
    ``.`` cells were dropped.
    """
    try:
        result = parse_file(fetched.raw, f"{fetched.table}.json")
    except InvalidInput as err:
        raise SsbError("ssb.err.bad_body", table=fetched.table, detail=err.message("en")) \
            from err
    cols = ["municipality", "indicator", "year", "value", "status_symbol"]
    if not result.tables:
        return pd.DataFrame(columns=cols), 0
    data = result.tables[0].data
    doc = fetched.doc
    at = doc["id"].index("ContentsCode")
    index = doc["dimension"]["ContentsCode"]["category"]["index"]
    codes = sorted(index, key=index.__getitem__) if isinstance(index, dict) else list(index)
    pos = np.unravel_index(data["src_row"].to_numpy(dtype=np.int64) - 1, doc["size"])[at]
    indicator = pd.Series(np.array(codes, dtype=object)[pos], index=data.index).map(code_of)
    out = pd.DataFrame({"municipality": data["municipality"], "indicator": indicator,
                        "year": data["year"], "value": data["value"],
                        "status_symbol": data["status_symbol"]})
    keep = out["municipality"].isin(known) & out["indicator"].notna()
    hi = year_max()
    keep &= out["year"].between(YEAR_MIN, hi)
    not_applicable = keep & out["value"].isna() & out["status_symbol"].eq(".")
    out = out[keep & ~not_applicable].astype({"year": int})
    return out.reset_index(drop=True), int(not_applicable.sum())


def _refused(err: SsbError, lang: str) -> str:
    """Why SSB refused a table, for the list of what was not pulled."""
    return t("ssb.skip.refused", lang, status=err.params.get("status"),
             detail=err.params.get("detail"))


def _call(f: Fetched, indicators: list[str]) -> dict:
    return {"table_id": f.table, "method": f.method, "query_url": f.url, "query_body": f.body,
            "fetched_at": f.fetched_at, "response_sha256": f.sha256, "ssb_updated": f.updated,
            "cells": f.cells, "indicators": indicators}


def fetch_all(client: Client, wanted: list[Entry], known: set[str], *, lang: str = "nb",
              progress: Progress | None = None) -> tuple[pd.DataFrame, list[dict], list, int]:
    """Fetch and read every group (no writes): rows, provenance calls, skipped, dropped."""
    frames, calls, skipped, dropped = [], [], [], 0
    todo = groups(wanted)
    for i, group in enumerate(todo, start=1):
        if progress:
            progress((i - 1) / len(todo), t("ssb.progress.metadata", lang, table=group.table,
                                            i=i, n=len(todo)))
        try:
            meta = client.metadata(group.table)
        except SsbError as err:
            if err.key != "ssb.err.status":  # the network or SSB failed: stop, write nothing
                raise
            skipped += [(e.id, group.table, _refused(err, lang)) for e in group.entries]
            continue
        selection, code_of, left = resolve(group, meta, lang)
        skipped += left
        if not code_of:
            continue
        if progress:
            progress((i - 0.5) / len(todo), t("ssb.progress.data", lang, table=group.table,
                                              i=i, n=len(todo)))
        ids = list(code_of.values())
        parts: list[pd.DataFrame] = []
        try:
            fetched = client.fetch(group.table, selection, meta)
        except SsbError as err:
            if err.key != "ssb.err.status":
                raise
            skipped += [(i, group.table, _refused(err, lang)) for i in ids]
            continue
        for f in fetched:
            rows, n = rows_from(f, code_of, known)
            parts.append(rows)
            dropped += n
            calls.append(_call(f, ids))
        summed = {c: i for c, i in code_of.items()
                  if next(e for e in group.entries if e.id == i).region_codelist}
        offered = codelists(meta, group.region)  # use a summing codelist only if offered
        for codelist in sorted({e.region_codelist for e in group.entries
                                if e.id in summed.values()} & offered):
            sel = selection | {"ContentsCode": [c for c in selection["ContentsCode"]
                                                if c in summed]}
            f = client.data(group.table, sel, codelists={group.region: codelist},
                            output_values={group.region: "aggregated"})
            rows, _ = rows_from(f, summed, known)
            parts.append(rows.assign(_summed=True))
            calls.append(_call(f, list(summed.values())))
        got = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        if got.empty:
            skipped += [(i, group.table, t("ssb.skip.no_rows", lang)) for i in ids]
            continue
        frames.append(got)
    cols = ["municipality", "indicator", "year", "value", "status_symbol"]
    if not frames:
        return pd.DataFrame(columns=cols), calls, skipped, dropped
    rows = pd.concat(frames, ignore_index=True)
    # the plain codes first; the summed series fills only what they lack (no value)
    summed = rows["_summed"].eq(True) if "_summed" in rows else False
    rows["_rank"] = rows["value"].isna().astype(int) * 2 + summed * 1
    rows = rows.sort_values("_rank", kind="stable").drop_duplicates(
        ["municipality", "indicator", "year"])
    rows = rows.sort_values(["indicator", "municipality", "year"], kind="stable")
    return rows.loc[:, cols].reset_index(drop=True), calls, skipped, dropped


def new_indicator_frame(entries: list[Entry], existing: set[str]) -> pd.DataFrame | None:
    """The library indicators the database lacks, as :meth:`commit_import` inserts them."""
    rows = [{"id": e.id, "name_nb": e.name_nb, "name_en": e.name_en, "unit_nb": e.unit_nb,
             "unit_en": e.unit_en, "direction": e.direction, "aggregation": e.aggregation,
             "denominator": e.denominator, "source": f"SSB tabell {e.table}",
             "decimals": e.decimals, "description_nb": e.description_nb,
             "description_en": e.description_en, "targets": list(e.targets)}
            for e in entries if e.id not in existing]
    return pd.DataFrame(rows) if rows else None


def pull(store, client: Client, ids: list[str], actor: Actor, *, lang: str = "nb",
         progress: Progress | None = None) -> PullResult:
    """Pull library indicators ``ids`` (and their denominators) as one import batch."""
    require(actor, "data.import")  # before any call to SSB
    library = load()
    if not ids:
        raise InvalidInput("ssb.err.nothing_to_pull")
    wanted = [library[i] for i in with_denominators(library, ids)]
    known = set(store.municipalities(current_only=False)["code"])
    rows, calls, skipped, dropped = fetch_all(client, wanted, known, lang=lang,
                                              progress=progress)
    tables = sorted({c["table_id"] for c in calls})
    if rows.empty:
        return PullResult(None, 0, {}, calls, skipped, dropped, tables)
    pulled = set(rows["indicator"])
    existing = set(store.indicators()["id"])
    new = new_indicator_frame([e for e in wanted if e.id in pulled], existing)
    if progress:
        progress(0.98, t("ssb.progress.commit", lang, rows=len(rows)))
    digest = hashlib.sha256("".join(c["response_sha256"] for c in calls).encode()).hexdigest()
    batch = {"file_name": t("ssb.batch.file_name", "nb", tables=", ".join(tables)),
             "sha256": digest, "sheet": None, "layout": "ssb-api"}
    obs = rows.assign(note=None)
    batch_id = store.commit_import(actor, batch, obs, new,
                                   on_commit=store.provenance_writer(calls))
    counts = rows.groupby("indicator").size().to_dict()
    return PullResult(batch_id, len(rows), {k: int(v) for k, v in counts.items()}, calls,
                      skipped, dropped, tables)


def followed(store, municipality: str, library: dict[str, Entry] | None = None) -> list[str]:
    """The library indicators a municipality follows: its own choices over the default
    (the indicators tied to its focus goals)."""
    from sdg.library import default_followed

    library = library or load()
    chosen = store.library_choices(municipality)
    default = set(default_followed(library, store.focus_goals(municipality)))
    return [i for i in library if chosen.get(i, i in default)]

