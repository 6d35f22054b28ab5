"""Queries of the SSB pull (:mod:`sdg.pull`) and the frozen zero point (:mod:`sdg.zerofreeze`).

A pull is written by :meth:`~sdg.store.imports.ImportQueries.commit_import` as one
import batch; its provenance rows (``ssb_pull``) go into the same transaction.
"""

from __future__ import annotations

import json

import pandas as pd

from sdg.auth import Actor, require
from sdg.errors import InvalidInput, NotFound


class SsbQueries:
    """SSB provenance, the library indicators a municipality follows, frozen zero points."""

    # ------------------------------------------------------------ provenance
    @staticmethod
    def provenance_writer(calls: list[dict]):
        """An ``on_commit`` for :meth:`commit_import` that writes the pull's calls."""
        def write(cur, batch_id: int) -> None:
            for c in calls:
                cur.execute(
                    "INSERT INTO ssb_pull (batch_id, table_id, method, query_url, query_body,"
                    " fetched_at, response_sha256, ssb_updated, cells, indicators)"
                    " VALUES ($b, $t, $m, $u, $q, $f, $s, $up, $n, $i)",
                    {"b": batch_id, "t": c["table_id"], "m": c["method"], "u": c["query_url"],
                     "q": None if c.get("query_body") is None
                     else json.dumps(c["query_body"], ensure_ascii=False),
                     "f": c["fetched_at"], "s": c["response_sha256"], "up": c["ssb_updated"],
                     "n": int(c["cells"]), "i": list(c["indicators"])},
                )
        return write

    def pull_provenance(self, batch_id: int | None = None) -> pd.DataFrame:
        """The calls of one pull (all pulls when ``batch_id`` is None), oldest first."""
        return self.df(
            "SELECT p.*, b.state FROM ssb_pull p JOIN import_batch b ON b.id = p.batch_id"
            " WHERE $b IS NULL OR p.batch_id = $b ORDER BY p.batch_id, p.fetched_at",
            {"b": batch_id})

    def value_changes(self, indicator: str, municipalities: list[str], year: int) -> dict:
        """When the current values of ``indicator`` in ``year`` for some codes came in:
        the newest batch's time, whether it was an SSB pull and SSB's ``updated``."""
        df = self.df(
            "SELECT b.id, b.created_at, b.layout,"
            " (SELECT max(p.ssb_updated) FROM ssb_pull p WHERE p.batch_id = b.id) AS updated,"
            " (SELECT max(p.fetched_at) FROM ssb_pull p WHERE p.batch_id = b.id) AS fetched"
            " FROM observation_current o JOIN import_batch b ON b.id = o.batch_id"
            " WHERE o.indicator = $i AND o.year = $y AND list_contains($m, o.municipality)"
            " ORDER BY b.id DESC LIMIT 1",
            {"i": indicator, "y": year, "m": list(municipalities)})
        if df.empty:
            return {}
        row = df.iloc[0]
        return {"batch": int(row["id"]), "at": row["fetched"] if pd.notna(row["fetched"])
                else row["created_at"], "ssb": row["layout"] == "ssb-api",
                "updated": row["updated"] if pd.notna(row["updated"]) else None}

    # --------------------------------------------------------- followed set
    def library_choices(self, municipality: str) -> dict[str, bool]:
        """The municipality's own choices (indicator → follows); absent = the default."""
        df = self.df("SELECT indicator, follows FROM library_follow WHERE municipality = $m",
                     {"m": municipality})
        return dict(zip(df["indicator"], df["follows"].astype(bool), strict=True))

    def set_library_choices(self, actor: Actor, municipality: str,
                            choices: dict[str, bool]) -> None:
        """Record which library indicators the municipality follows (one transaction)."""
        require(actor, "indicators.write")
        with self.transaction() as cur:
            for ident, follows in choices.items():
                cur.execute(
                    "INSERT OR REPLACE INTO library_follow (municipality, indicator, follows,"
                    " actor, changed_at) VALUES ($m, $i, $f, $a, current_timestamp)",
                    {"m": municipality, "i": ident, "f": bool(follows), "a": actor.name})
            self.audit(cur, actor, "library.follow", {"municipality": municipality,
                       "follows": sorted(i for i, f in choices.items() if f)})

    # ------------------------------------------------------- frozen zero points
    def frozen_zero_points(self, municipality: str, year: int = 2019,
                           include_rebased: bool = False) -> pd.DataFrame:
        """The frozen zero points of a municipality (active ones unless asked)."""
        return self.df(
            "SELECT * FROM zero_point_freeze WHERE municipality = $m AND year = $y"
            " AND ($all OR state = 'active') ORDER BY indicator, id",
            {"m": municipality, "y": year, "all": include_rebased})

    def freeze_zero_points(self, actor: Actor, municipality: str, year: int,
                           rows: pd.DataFrame, note: str | None) -> int:
        """Freeze zero points (``indicator``, ``value``, ``method``, ``provenance``); an
        indicator already frozen keeps its frozen value. Returns the number frozen."""
        require(actor, "indicators.write")
        rows = rows[rows["value"].notna()]
        with self.transaction() as cur:
            frozen = {r[0] for r in cur.execute(
                "SELECT indicator FROM zero_point_freeze WHERE municipality = $m AND year = $y"
                " AND state = 'active'", {"m": municipality, "y": year}).fetchall()}
            new = rows[~rows["indicator"].isin(frozen)]
            if new.empty and not frozen:
                raise InvalidInput("ssb.freeze.err.nothing", municipality=municipality)
            for r in new.itertuples(index=False):
                cur.execute(
                    "INSERT INTO zero_point_freeze (municipality, indicator, year, value, method,"
                    " provenance, frozen_by, note) VALUES ($m, $i, $y, $v, $me, $p, $a, $n)",
                    {"m": municipality, "i": r.indicator, "y": year, "v": float(r.value),
                     "me": r.method, "p": r.provenance, "a": actor.name, "n": note or None})
            self.audit(cur, actor, "zero_point.freeze", {"municipality": municipality,
                       "year": year, "indicators": list(new["indicator"]), "note": note})
        return len(new)

    def rebase_zero_point(self, actor: Actor, municipality: str, indicator: str, year: int,
                          value: float, method: str, provenance: str | None,
                          reason: str) -> None:
        """Move a frozen zero point to ``value``: needs a reason; the old row is kept
        (state ``rebased``, who, when, why) and the change is in the audit log."""
        require(actor, "indicators.write")
        if not (reason or "").strip():
            raise InvalidInput("ssb.freeze.err.reason")
        with self.transaction() as cur:
            old = cur.execute(
                "SELECT id, value FROM zero_point_freeze WHERE municipality = $m"
                " AND indicator = $i AND year = $y AND state = 'active'",
                {"m": municipality, "i": indicator, "y": year}).fetchone()
            if old is None:
                raise NotFound("ssb.freeze.err.not_frozen", indicator=indicator,
                               municipality=municipality)
            cur.execute(
                "UPDATE zero_point_freeze SET state = 'rebased', rebased_by = $a,"
                " rebased_at = current_timestamp, rebase_reason = $r WHERE id = $id",
                {"a": actor.name, "r": reason.strip(), "id": old[0]})
            cur.execute(
                "INSERT INTO zero_point_freeze (municipality, indicator, year, value, method,"
                " provenance, frozen_by, note) VALUES ($m, $i, $y, $v, $me, $p, $a, $n)",
                {"m": municipality, "i": indicator, "y": year, "v": float(value), "me": method,
                 "p": provenance, "a": actor.name, "n": reason.strip()})
            self.audit(cur, actor, "zero_point.rebase", {
                "municipality": municipality, "indicator": indicator, "year": year,
                "old": old[1], "new": float(value), "reason": reason.strip()})
