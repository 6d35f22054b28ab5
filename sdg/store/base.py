"""The store's plumbing: one DuckDB connection, cursors, transactions, migrations.

One :class:`Store` per process (the app caches it with ``st.cache_resource``); every
call takes its own cursor, writes are serialised by a lock and run in a transaction.
SQL uses named parameters only (``$name``): no value is ever formatted into a string.

Migrations are plain SQL files ``sdg/sql/migrations/NNNN_name.sql``, applied in order,
each in one transaction, and recorded in ``schema_migration``; opening an older
database applies what it lacks.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from sdg.i18n import with_english_names, with_nynorsk

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "sql" / "migrations"
DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "sdg.duckdb"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files in order of their number.

    >>> [m.version for m in migrations()][:1]
    [1]
    """
    found = []
    for path in sorted(directory.glob("*.sql")):
        m = _MIGRATION_NAME.match(path.name)
        if not m:
            raise ValueError(f"migration file name {path.name!r} is not NNNN_name.sql")
        found.append(Migration(int(m.group(1)), path.stem, path.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError("two migration files share a number")
    return found


def db_path() -> Path:
    """The database file: ``$SDG_DB`` if set, else ``data/sdg.duckdb``."""
    return Path(os.environ.get("SDG_DB") or DEFAULT_DB)


class StoreBase:
    """The connection, cursors, transactions and migrations (queries live in mixins).

    Parameters
    ----------
    path : str or Path
        The DuckDB file (created if missing) or ``":memory:"``.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(self.path)
        self._write_lock = threading.RLock()

    # ------------------------------------------------------------ plumbing
    def close(self) -> None:
        self._con.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of the shared connection for one call."""
        cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self, *, to_file: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A serialised write transaction: all of it is committed, or none.

        With ``to_file`` (a large import) the commit is written into the database file
        itself (:func:`commit_to_file`) instead of into the write-ahead log.
        """
        with self._write_lock, self.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            if to_file:
                commit_to_file(cur)
            else:
                cur.execute("COMMIT")

    def copy_to(self, dest: Path) -> Path:
        """A consistent copy of the database file while the app runs.

        Writes are held off (the write lock), ``CHECKPOINT`` folds the write-ahead log
        into the file, and the file is copied; readers may go on meanwhile. Only for a
        file database.
        """
        import shutil

        dest = Path(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        with self._write_lock, self.cursor() as cur:
            cur.execute("CHECKPOINT")
            shutil.copyfile(self.path, dest)
        return dest

    def df(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """Run one parameterised query and return a DataFrame.

        Every ``<name>_nb`` column comes with a ``<name>_nn`` twin (nynorsk where the
        data has it, else the bokmål: :func:`sdg.i18n.with_nynorsk`), and an empty
        ``name_en`` reads as the bokmål name marked as not translated
        (:func:`sdg.i18n.with_english_names`)."""
        with self.cursor() as cur:
            return with_english_names(with_nynorsk(cur.execute(sql, params or {}).df()))

    def scalar(self, sql: str, params: dict | None = None):
        with self.cursor() as cur:
            row = cur.execute(sql, params or {}).fetchone()
        return None if row is None else row[0]

    # ----------------------------------------------------------- migrations
    def schema_version(self) -> int:
        """The highest applied migration (0 for an empty database)."""
        exists = self.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = $t",
            {"t": "schema_migration"},
        )
        if not exists:
            return 0
        return int(self.scalar("SELECT coalesce(max(version), 0) FROM schema_migration"))

    def migrate(self, directory: Path = MIGRATIONS_DIR) -> list[str]:
        """Apply the migrations this database lacks, in order; return their names.

        "Lacks" means not recorded in ``schema_migration``, so a migration numbered
        below one already applied (merged from a parallel branch) is applied too.
        """
        with self.transaction() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migration ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
            done = {v for (v,) in cur.execute("SELECT version FROM schema_migration").fetchall()}
        applied = []
        for m in migrations(directory):
            if m.version in done:
                continue
            with self.transaction() as cur:
                cur.execute(m.sql)
                cur.execute(
                    "INSERT INTO schema_migration (version, name) VALUES ($v, $n)",
                    {"v": m.version, "n": m.name},
                )
            applied.append(m.name)
        return applied


#: The DuckDB settings :func:`changed_settings` may change, each with its statement.
_SET = {"checkpoint_threshold": "SET checkpoint_threshold = $v",
        "threads": "SET threads = $v"}


@contextmanager
def changed_settings(cur: duckdb.DuckDBPyConnection, **values: object) -> Iterator[None]:
    """DuckDB settings (global to the database) set to ``values`` for the statements
    inside, and set back to what they were after, also after an error.

    The caller holds the write lock (:meth:`StoreBase.transaction`), so no other
    write of the store runs with them; a read of another thread meanwhile may (it is
    only run with the changed setting, e.g. on one thread).
    """
    unknown = set(values) - set(_SET)
    if unknown:
        raise ValueError(f"not a setting changed here: {sorted(unknown)}")
    old = {name: cur.execute("SELECT current_setting($n)", {"n": name}).fetchone()[0]
           for name in values}
    try:
        for name, value in values.items():
            cur.execute(_SET[name], {"v": value})
        yield
    finally:
        for name, value in old.items():
            cur.execute(_SET[name], {"v": value})


def commit_to_file(cur: duckdb.DuckDBPyConnection) -> None:
    """``COMMIT`` the open transaction of ``cur`` as a checkpoint: its rows are written
    once, compressed, into the database file, not first into the write-ahead log and
    again into the file at the next checkpoint (DuckDB skips the log when a commit
    that triggers the automatic checkpoint is large).

    The checkpoint threshold is lowered for this one commit only
    (:func:`changed_settings`). Durability is DuckDB's: the commit returns once the
    checkpoint is in the file. When DuckDB cannot checkpoint (another transaction is
    open) it writes the log as usual.
    """
    with changed_settings(cur, checkpoint_threshold="0b"):
        cur.execute("COMMIT")
