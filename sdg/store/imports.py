"""Queries of the indicator import (:mod:`sdg.importer`): batches, commit, undo, redo.

An import is one transaction: the new indicators (with their SDG targets), one
``import_batch`` row and all its observations. Nothing is ever overwritten: the
view ``observation_current`` shows, per municipality, indicator and year, the value
of the newest *active* batch, so undoing a batch (state ``undone``) brings back what
it had superseded and redoing it (state ``active`` again) hides that once more.
"""

from __future__ import annotations

import pandas as pd

from sdg.auth import Actor, require
from sdg.errors import InvalidInput, NotFound

#: Columns of the observation frame :meth:`ImportQueries.commit_import` inserts.
OBS_COLUMNS = ("municipality", "indicator", "year", "value", "status_symbol", "note")
#: Columns of the new-indicator frame (``targets`` is a list of target codes).
INDICATOR_COLUMNS = ("id", "name_nb", "name_en", "unit_nb", "unit_en", "direction",
                     "aggregation", "denominator", "source")  # fmt: skip
#: Tables covered by :meth:`ImportQueries.content_checksum`, each with its sort key.
CHECKED_TABLES: dict[str, str] = {
    "indicator": "id",
    "indicator_target": "indicator, target",
    "import_batch": "id",
    "observation": "batch_id, municipality, indicator, year",
}


class ImportQueries:
    """Import batches: conflicts, one-transaction commit, listing, undo and redo."""

    # ------------------------------------------------------------------ checks
    def content_checksum(self) -> dict[str, tuple[int, str]]:
        """Row count and md5 of every row, in key order, of the tables an import writes.

        Two equal results mean nothing was written (used by the bad-input tests).
        """
        out = {}
        with self.cursor() as cur:
            for table, order in CHECKED_TABLES.items():
                sql = (f"SELECT count(*), coalesce(md5(string_agg(CAST(t AS VARCHAR), '|'"  # noqa: S608 (fixed names)
                       f" ORDER BY {order})), '') FROM {table} t")
                n, digest = cur.execute(sql).fetchone()
                out[table] = (int(n), digest)
        return out

    def current_for(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The current values at the keys of ``rows`` (municipality, indicator, year).

        Returns the keys that exist with ``old_value``, ``old_symbol`` and ``old_batch``.
        """
        keys = rows[["municipality", "indicator", "year"]]
        with self.cursor() as cur:
            cur.register("import_keys", keys)
            return cur.execute(
                "SELECT k.municipality, k.indicator, k.year, c.value AS old_value,"
                " c.status_symbol AS old_symbol, c.batch_id AS old_batch"
                " FROM import_keys k JOIN observation_current c"
                " ON c.municipality = k.municipality AND c.indicator = k.indicator"
                " AND c.year = k.year"
            ).df()

    def batches_with_file(self, sha256: str, indicators: list[str]) -> list[int]:
        """Active batches that imported the same file (sha256) into any of ``indicators``."""
        df = self.df(
            "SELECT DISTINCT b.id FROM import_batch b JOIN observation o ON o.batch_id = b.id"
            " WHERE b.sha256 = $s AND b.state = 'active' AND list_contains($i, o.indicator)"
            " ORDER BY b.id",
            {"s": sha256, "i": list(indicators)},
        )
        return [int(i) for i in df["id"]]

    # ------------------------------------------------------------------ commit
    def commit_import(self, actor: Actor, batch: dict, observations: pd.DataFrame,
                      new_indicators: pd.DataFrame | None = None) -> int:
        """Write one import in a single transaction and return the batch id.

        Parameters
        ----------
        actor : Actor
            Who imports; needs ``data.import``. Recorded on the batch and in the log.
        batch : dict
            ``file_name``, ``sha256``, ``sheet``, ``layout``.
        observations : pandas.DataFrame
            :data:`OBS_COLUMNS`; inserted with one ``INSERT … SELECT``.
        new_indicators : pandas.DataFrame, optional
            :data:`INDICATOR_COLUMNS` plus ``targets`` (list of target codes).
        """
        require(actor, "data.import")
        obs = observations.loc[:, list(OBS_COLUMNS)]
        with self.transaction() as cur:
            if new_indicators is not None and not new_indicators.empty:
                ind = new_indicators.loc[:, list(INDICATOR_COLUMNS)]
                cur.register("import_ind", ind)
                cur.execute(f"INSERT INTO indicator ({', '.join(INDICATOR_COLUMNS)})"  # noqa: S608 (fixed names)
                            f" SELECT {', '.join(INDICATOR_COLUMNS)} FROM import_ind")
                links = new_indicators[["id", "targets"]].explode("targets").dropna()
                if not links.empty:
                    cur.register("import_links", links)
                    cur.execute("INSERT INTO indicator_target (indicator, target)"
                                " SELECT DISTINCT id, targets FROM import_links")
            batch_id = cur.execute(
                "INSERT INTO import_batch (file_name, sha256, sheet, layout, actor, rows_total)"
                " VALUES ($file_name, $sha256, $sheet, $layout, $actor, $n) RETURNING id",
                {k: batch.get(k) for k in ("file_name", "sha256", "sheet", "layout")}
                | {"actor": actor.name, "n": len(obs)},
            ).fetchone()[0]
            cur.register("import_obs", obs)
            cur.execute(
                "INSERT INTO observation (municipality, indicator, year, value, status_symbol,"
                " note, batch_id) SELECT municipality, indicator, year, value, status_symbol,"
                " note, $b FROM import_obs",
                {"b": batch_id},
            )
            new_ids = [] if new_indicators is None else list(new_indicators["id"])
            self.audit(cur, actor, "data.import", {"file": batch.get("file_name"),
                       "rows": len(obs), "new_indicators": new_ids}, batch_id=int(batch_id))
        return int(batch_id)

    # ----------------------------------------------------------------- history
    def import_batches(self, include_seed: bool = True) -> pd.DataFrame:
        """Every batch, newest first, with its indicators and current row count.

        ``rows_current`` counts the batch's rows that ``observation_current`` shows now
        (0 for an undone batch; fewer when a newer batch superseded some).
        """
        return self.df(
            "WITH cur AS (SELECT batch_id, count(*) AS n FROM observation_current"
            "  GROUP BY batch_id),"
            " ind AS (SELECT batch_id, string_agg(DISTINCT indicator, ', '"
            "  ORDER BY indicator) AS indicators FROM observation GROUP BY batch_id)"
            " SELECT b.id, b.created_at, b.actor, b.file_name, b.sheet, b.layout, b.sha256,"
            " b.rows_total, coalesce(cur.n, 0) AS rows_current, ind.indicators, b.state,"
            " b.undone_at, b.undone_by"
            " FROM import_batch b LEFT JOIN cur ON cur.batch_id = b.id"
            " LEFT JOIN ind ON ind.batch_id = b.id"
            " WHERE $seed OR b.layout IS DISTINCT FROM 'seed'"
            " ORDER BY b.id DESC",
            {"seed": include_seed},
        )

    def batch(self, batch_id: int) -> dict:
        """One batch as a dict; :class:`NotFound` for an unknown id."""
        df = self.df("SELECT * FROM import_batch WHERE id = $i", {"i": batch_id})
        if df.empty:
            raise NotFound("importer.err.no_batch", batch=batch_id)
        return df.iloc[0].to_dict()

    def batch_observations(self, batch_id: int) -> pd.DataFrame:
        """The rows a batch imported (whether or not they are current)."""
        return self.df(
            "SELECT municipality, indicator, year, value, status_symbol FROM observation"
            " WHERE batch_id = $b ORDER BY indicator, municipality, year",
            {"b": batch_id},
        )

    def set_batch_state(self, batch_id: int, state: str, actor: Actor) -> None:
        """Undo (``'undone'``) or redo (``'active'``) a batch; refuses a no-op."""
        require(actor, "data.import")
        if state not in ("active", "undone"):
            raise InvalidInput("importer.err.bad_state", state=state)
        with self.transaction() as cur:
            row = cur.execute("SELECT state FROM import_batch WHERE id = $i",
                              {"i": batch_id}).fetchone()
            if row is None:
                raise NotFound("importer.err.no_batch", batch=batch_id)
            if row[0] == state:
                raise InvalidInput(f"importer.err.already_{state}", batch=batch_id)
            cur.execute(
                "UPDATE import_batch SET state = $s,"
                " undone_at = CASE WHEN $s = 'undone' THEN current_timestamp END,"
                " undone_by = CASE WHEN $s = 'undone' THEN $a END WHERE id = $i",
                {"s": state, "a": actor.name, "i": batch_id},
            )
            self.audit(cur, actor, "data.import", {"batch_state": state}, batch_id=batch_id)
