"""Queries of the indicator import (:mod:`sdg.importer`): batches, commit, undo, redo.

An import is one transaction: the new indicators (with their SDG targets), one
``import_batch`` row and all its observations. Nothing is ever overwritten: the
view ``observation_current`` shows, per municipality, indicator and year, the value
of the newest *active* batch, so undoing a batch (state ``undone``) brings back what
it had superseded and redoing it (state ``active`` again) hides that once more.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd

from sdg.auth import Actor, require
from sdg.errors import InvalidInput, NotFound
from sdg.store.base import changed_settings

#: Columns of the observation frame :meth:`ImportQueries.commit_import` inserts.
OBS_COLUMNS = ("municipality", "indicator", "year", "value", "status_symbol", "note")
#: Columns of the new-indicator frame (``targets`` is a list of target codes).
INDICATOR_COLUMNS = ("id", "name_nb", "name_en", "unit_nb", "unit_en", "direction",
                     "aggregation", "denominator", "source")  # fmt: skip
#: Further indicator columns a caller may give (the SSB library does).
OPTIONAL_INDICATOR_COLUMNS = ("decimals", "description_nb", "description_en")
#: From this many rows an import is large: inserted on one thread and committed
#: straight into the database file (:func:`sdg.store.base.commit_to_file`), not
#: through the write-ahead log.
LARGE_IMPORT_ROWS = 20_000
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

    def changes_for(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The current values at the keys of ``rows`` (municipality, indicator, year)
        that already exist, beside the new ``value`` and ``status_symbol`` of ``rows``,
        with ``old_batch`` and ``same`` (True when neither changes; NaN/NULL equals
        NaN/NULL and a missing symbol equals a missing one). The newest active row of
        each key is chosen among the rows at those keys only (what
        ``observation_current`` shows there, without ranking the whole table)."""
        new = _arrow_strings(rows.loc[:, ["municipality", "indicator", "year", "value",
                                          "status_symbol"]])
        with self.cursor() as cur:
            cur.register("import_rows", new)
            return cur.execute(
                "SELECT k.municipality, k.indicator, k.year, o.value AS old_value,"
                " k.value AS new_value, o.status_symbol AS old_symbol,"
                " k.status_symbol AS new_symbol, o.batch_id AS old_batch,"
                " (o.value IS NOT DISTINCT FROM k.value AND coalesce(o.status_symbol, '')"
                "  = coalesce(k.status_symbol, '')) AS same"
                " FROM import_rows k JOIN observation o"
                " ON o.municipality = k.municipality AND o.indicator = k.indicator"
                " AND o.year = k.year"
                " JOIN import_batch b ON b.id = o.batch_id AND b.state = 'active'"
                " QUALIFY row_number() OVER (PARTITION BY o.municipality, o.indicator, o.year"
                " ORDER BY o.batch_id DESC) = 1"
                " ORDER BY k.municipality, k.indicator, k.year"  # the same order every time
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
                      new_indicators: pd.DataFrame | None = None,
                      on_commit: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None
                      ) -> int:
        """Write one import in a single transaction and return the batch id.

        Parameters
        ----------
        actor : Actor
            Who imports; needs ``data.import``. Recorded on the batch and in the log.
        batch : dict
            ``file_name``, ``sha256``, ``sheet``, ``layout``.
        observations : pandas.DataFrame
            :data:`OBS_COLUMNS`; inserted with one ``INSERT … SELECT``. From
            :data:`LARGE_IMPORT_ROWS` rows the insert runs on one DuckDB thread (two
            threads' inserts into one table took half as long again) and the
            transaction is committed straight into the database file
            (:func:`sdg.store.base.commit_to_file`): a large import is written once,
            not into the log and again at the next checkpoint, and the log the app's
            small commits append to stays short.
        new_indicators : pandas.DataFrame, optional
            :data:`INDICATOR_COLUMNS` plus ``targets`` (list of target codes).
        on_commit : callable, optional
            ``on_commit(cursor, batch_id)`` writes more rows of the same import in the
            same transaction (an SSB pull's provenance).
        """
        require(actor, "data.import")
        obs = _arrow_strings(observations.loc[:, list(OBS_COLUMNS)])
        _refuse_duplicate_keys(obs)
        _refuse_infinite(obs)
        large = len(obs) >= LARGE_IMPORT_ROWS
        with self.transaction(to_file=large) as cur:
            batch_id = cur.execute(
                "INSERT INTO import_batch (file_name, sha256, sheet, layout, actor, rows_total)"
                " VALUES ($file_name, $sha256, $sheet, $layout, $actor, $n) RETURNING id",
                {k: batch.get(k) for k in ("file_name", "sha256", "sheet", "layout")}
                | {"actor": actor.name, "n": len(obs)},
            ).fetchone()[0]
            if new_indicators is not None and not new_indicators.empty:
                cols = [*INDICATOR_COLUMNS,
                        *(c for c in OPTIONAL_INDICATOR_COLUMNS if c in new_indicators)]
                ind = new_indicators.loc[:, cols]
                cur.register("import_ind", ind)
                cur.execute(f"INSERT INTO indicator ({', '.join(cols)}, created_batch)"  # noqa: S608 (fixed names)
                            f" SELECT {', '.join(cols)}, $b FROM import_ind", {"b": batch_id})
                links = new_indicators[["id", "targets"]].explode("targets").dropna()
                if not links.empty:
                    cur.register("import_links", links)
                    cur.execute("INSERT INTO indicator_target (indicator, target)"
                                " SELECT DISTINCT id, targets FROM import_links")
            _refuse_unknown_indicators(cur, obs)
            cur.register("import_obs", obs)
            with changed_settings(cur, **({"threads": 1} if large else {})):
                cur.execute(
                    "INSERT INTO observation (municipality, indicator, year, value,"
                    " status_symbol, note, batch_id) SELECT municipality, indicator, year,"
                    " value, status_symbol, note, $b FROM import_obs",
                    {"b": batch_id},
                )
            if on_commit is not None:
                on_commit(cur, int(batch_id))
            new_ids = [] if new_indicators is None else list(new_indicators["id"])
            self.audit(cur, actor, "data.import", {"file": batch.get("file_name"),
                       "rows": len(obs), "new_indicators": new_ids}, batch_id=int(batch_id))
        return int(batch_id)

    # ----------------------------------------------------------------- history
    def import_batches(self, include_seed: bool = True) -> pd.DataFrame:
        """Every batch, newest first, with its indicators and current row count.

        ``rows_current`` counts the batch's rows that ``observation_current`` shows now
        (0 for an undone batch; fewer when a newer batch superseded some). Only rows of
        an indicator that more than one active batch holds can be superseded, so the
        window over (municipality, indicator, year) runs on those rows alone instead of
        on the whole of ``observation_current``; the rest is one aggregate per batch and
        indicator.
        """
        return self.df(
            "WITH per AS (SELECT batch_id, indicator, count(*) AS n FROM observation"
            "  GROUP BY batch_id, indicator),"
            " agg AS (SELECT batch_id, sum(n) AS n, string_agg(indicator, ', '"
            "  ORDER BY indicator) AS indicators FROM per GROUP BY batch_id),"
            " shared AS (SELECT p.indicator FROM per p JOIN import_batch a"
            "  ON a.id = p.batch_id AND a.state = 'active' GROUP BY p.indicator"
            "  HAVING count(*) > 1),"
            " newest AS (SELECT o.batch_id, max(o.batch_id) OVER (PARTITION BY"
            "  o.municipality, o.indicator, o.year) AS newest FROM observation o"
            "  JOIN import_batch a ON a.id = o.batch_id AND a.state = 'active'"
            "  WHERE o.indicator IN (SELECT indicator FROM shared)),"
            " superseded AS (SELECT batch_id, count(*) AS n FROM newest"
            "  WHERE batch_id < newest GROUP BY batch_id)"
            " SELECT b.id, b.created_at, b.actor, b.file_name, b.sheet, b.layout, b.sha256,"
            " b.rows_total, CASE WHEN b.state = 'active'"
            "  THEN coalesce(agg.n, 0) - coalesce(s.n, 0) ELSE 0 END AS rows_current,"
            " agg.indicators, b.state, b.undone_at, b.undone_by"
            " FROM import_batch b LEFT JOIN agg ON agg.batch_id = b.id"
            " LEFT JOIN superseded s ON s.batch_id = b.id"
            " WHERE $seed OR b.layout IS DISTINCT FROM 'seed'"
            " ORDER BY b.id DESC",
            {"seed": include_seed},
        )

    def batches_version(self) -> str:
        """A digest of the batch list and states: it changes with every import, undo
        and redo (observations are only ever appended with a new batch), so it can key
        a cache of :meth:`import_batches` and :meth:`batch_observations`."""
        return str(self.scalar(
            "SELECT count(*) || ':' || coalesce(md5(string_agg(concat_ws(';', id, created_at,"
            " file_name, rows_total, state, undone_at, undone_by), '|' ORDER BY id)), '')"
            " FROM import_batch"))

    def batch(self, batch_id: int) -> dict:
        """One batch as a dict; :class:`NotFound` for an unknown id."""
        df = self.df("SELECT * FROM import_batch WHERE id = $i", {"i": batch_id})
        if df.empty:
            raise NotFound("importer.err.no_batch", batch=batch_id)
        return df.iloc[0].to_dict()

    def batch_observations(self, batch_id: int, limit: int | None = None) -> pd.DataFrame:
        """The rows a batch imported (whether or not they are current), the first
        ``limit`` of them in order when given (a top-n: a large batch is not sorted and
        fetched whole for a preview)."""
        return self.df(
            "SELECT municipality, indicator, year, value, status_symbol FROM observation"
            " WHERE batch_id = $b ORDER BY indicator, municipality, year LIMIT $n",
            {"b": batch_id, "n": limit},
        )

    def batch_indicators_created(self, batch_id: int) -> list[str]:
        """Ids of the indicators a batch created (hidden while it is undone)."""
        rows = self.df("SELECT id FROM indicator WHERE created_batch = $b ORDER BY id",
                       {"b": batch_id})
        return rows["id"].tolist()

    def set_batch_state(self, batch_id: int, state: str, actor: Actor) -> None:
        """Undo (``'undone'``) or redo (``'active'``) a batch; refuses a no-op.

        Undo removes the whole batch: its figures and the indicators it created
        (:meth:`indicators` lists those only while the batch is active)."""
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


def _refuse_infinite(obs: pd.DataFrame) -> None:
    """Refuse an import with an infinite value (the importer lists them as problems
    first; this keeps every other caller from storing one). NaN is an empty value.

    >>> _refuse_infinite(pd.DataFrame({"municipality": ["3203"], "indicator": ["x"],
    ...                                "year": [2020], "value": [float("-inf")]}))
    Traceback (most recent call last):
    ...
    sdg.errors.InvalidInput: Verdien -inf for x, 3203, 2020 er ikke et endelig tall og kan ikke lagres.
    """
    values = pd.to_numeric(obs["value"], errors="coerce").to_numpy(dtype=float)
    bad = np.isinf(values)
    if bad.any():
        row = obs[bad].iloc[0]
        raise InvalidInput("importer.err.not_finite", value=values[bad][0],
                           indicator=row["indicator"], municipality=row["municipality"],
                           year=row["year"])


def _refuse_duplicate_keys(obs: pd.DataFrame) -> None:
    """Raise the constraint error of the former primary key when two rows of one
    import share (municipality, indicator, year).

    Migration 0009 dropped that key: :func:`sdg.importer.validate` already keeps one
    row per key, and this check (one hash of the keys, before the transaction) is what
    keeps every other caller from writing duplicates.
    """
    key = list(OBS_COLUMNS[:3])
    if len(obs) > 1 and obs.duplicated(key).any():
        first = [str(v) for v in obs.loc[obs.duplicated(key), key].iloc[0]]
        raise duckdb.ConstraintException(
            f"Constraint Error: duplicate key (municipality, indicator, year) = {first}"
            " in one import batch")


def _arrow_strings(obs: pd.DataFrame) -> pd.DataFrame:
    """The code and indicator columns as pandas' Arrow-backed strings: DuckDB scans
    them without touching one Python object per row (and hashing them is cheaper)."""
    cols = {c: "str" for c in ("municipality", "indicator") if obs[c].dtype == object}
    return obs.astype(cols) if cols else obs


def _refuse_unknown_indicators(cur, obs: pd.DataFrame) -> None:
    """Raise the constraint error of the former foreign key when ``obs`` names an
    indicator the table lacks (checked once per distinct id, in the transaction)."""
    ids = [str(i) for i in pd.unique(obs["indicator"])]
    missing = cur.execute("SELECT unnest($ids) AS id EXCEPT SELECT id FROM indicator",
                          {"ids": ids}).fetchall()
    if missing:
        raise duckdb.ConstraintException(
            f'Constraint Error: Violates foreign key constraint because key "id: '
            f'{sorted(m[0] for m in missing)[0]}" does not exist in the referenced table')
