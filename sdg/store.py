"""The DuckDB store: connection, migrations and every SQL statement of the app.

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

from sdg.errors import NotFound

MIGRATIONS_DIR = Path(__file__).parent / "sql" / "migrations"
DEFAULT_DB = Path(__file__).resolve().parents[1] / "data" / "sdg.duckdb"
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


class Store:
    """The app's single DuckDB connection and all its queries.

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
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A serialised write transaction: all of it is committed, or none."""
        with self._write_lock, self.cursor() as cur:
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def df(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """Run one parameterised query and return a DataFrame."""
        with self.cursor() as cur:
            return cur.execute(sql, params or {}).df()

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
        """Apply the migrations this database lacks, in order; return their names."""
        with self.transaction() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migration ("
                " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
                " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
            )
        current = self.schema_version()
        applied = []
        for m in migrations(directory):
            if m.version <= current:
                continue
            with self.transaction() as cur:
                cur.execute(m.sql)
                cur.execute(
                    "INSERT INTO schema_migration (version, name) VALUES ($v, $n)",
                    {"v": m.version, "n": m.name},
                )
            applied.append(m.name)
        return applied

    # -------------------------------------------------------------- counts
    COUNTED = ("goal", "target", "un_indicator", "ks_indicator", "municipality",
               "municipality_change", "indicator", "observation", "import_batch",
               "goal_area", "local_goal", "focus_decision", "rating_source",
               "respondent", "rating", "benefit")

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (for ``python -m sdg info`` and tests)."""
        sql = " UNION ALL ".join(
            f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in self.COUNTED  # noqa: S608 (fixed names)
        )
        with self.cursor() as cur:
            return dict(cur.execute(sql).fetchall())

    # ----------------------------------------------------------- catalogue
    def goals(self) -> pd.DataFrame:
        """The 17 goals with names, colour and dimension."""
        return self.df(
            "SELECT g.*, d.name_nb AS dimension_nb, d.name_en AS dimension_en,"
            " d.sort AS dimension_sort FROM goal g JOIN dimension d USING (dimension)"
            " ORDER BY goal"
        )

    def goal(self, goal: int) -> dict:
        """One goal as a dict; :class:`NotFound` for a number outside 1–17."""
        df = self.df(
            "SELECT g.*, d.name_nb AS dimension_nb, d.name_en AS dimension_en"
            " FROM goal g JOIN dimension d USING (dimension) WHERE goal = $g",
            {"g": goal},
        )
        if df.empty:
            raise NotFound("err.unknown_goal", goal=goal)
        return df.iloc[0].to_dict()

    def dimensions(self) -> pd.DataFrame:
        return self.df("SELECT * FROM dimension ORDER BY sort")

    def targets(self, goal: int | None = None) -> pd.DataFrame:
        """Targets, all or of one goal, in UN order."""
        return self.df(
            "SELECT * FROM target WHERE $g IS NULL OR goal = $g ORDER BY sort", {"g": goal}
        )

    def un_indicators(self, goal: int | None = None) -> pd.DataFrame:
        return self.df(
            "SELECT i.* FROM un_indicator i JOIN target t USING (target)"
            " WHERE $g IS NULL OR t.goal = $g ORDER BY t.sort, i.indicator",
            {"g": goal},
        )

    def ks_indicators(self, goal: int | None = None, scheme: str | None = None) -> pd.DataFrame:
        """KS catalogue entries mapped to the goal's targets (one row per entry)."""
        return self.df(
            "SELECT k.id, k.scheme, k.title, k.periodicity, k.source_url,"
            " string_agg(kt.target, ', ' ORDER BY t.sort) AS targets"
            " FROM ks_indicator k JOIN ks_indicator_target kt USING (id)"
            " JOIN target t ON t.target = kt.target"
            " WHERE ($g IS NULL OR t.goal = $g) AND ($s IS NULL OR k.scheme = $s)"
            " GROUP BY ALL ORDER BY min(t.sort), k.title",
            {"g": goal, "s": scheme},
        )

    # ------------------------------------------------------ municipalities
    def municipalities(self, current_only: bool = True) -> pd.DataFrame:
        """Municipalities; by default those that exist today, by code."""
        return self.df(
            "SELECT * FROM municipality WHERE NOT $cur OR valid_to IS NULL"
            " ORDER BY code, valid_from",
            {"cur": current_only},
        )

    def municipality(self, code: str) -> dict:
        df = self.df(
            "SELECT * FROM municipality WHERE code = $c ORDER BY valid_from DESC LIMIT 1",
            {"c": code},
        )
        if df.empty:
            raise NotFound("err.unknown_municipality", code=code)
        return df.iloc[0].to_dict()

    def municipality_changes(self) -> pd.DataFrame:
        return self.df("SELECT * FROM municipality_change ORDER BY year, successor, predecessor")

    # ---------------------------------------------------------- indicators
    def indicators(self, goal: int | None = None) -> pd.DataFrame:
        """Our indicators with their SDG targets (``targets`` as '4.1, 4.2')."""
        return self.df(
            "SELECT i.*, string_agg(it.target, ', ' ORDER BY t.sort) AS targets"
            " FROM indicator i LEFT JOIN indicator_target it ON it.indicator = i.id"
            " LEFT JOIN target t ON t.target = it.target"
            " GROUP BY ALL"
            " HAVING $g IS NULL OR bool_or(t.goal = $g)"
            " ORDER BY i.id",
            {"g": goal},
        )

    def observations(self, indicator: str, municipalities: list[str] | None = None
                     ) -> pd.DataFrame:
        """Current values of one indicator, optionally for some municipalities."""
        return self.df(
            "SELECT municipality, year, value, status_symbol, note, batch_id"
            " FROM observation_current WHERE indicator = $i"
            " AND ($m IS NULL OR list_contains($m, municipality))"
            " ORDER BY municipality, year",
            {"i": indicator, "m": municipalities},
        )

    def observation_summary(self, municipality: str) -> pd.DataFrame:
        """Per indicator: first and last year with a value for one municipality."""
        return self.df(
            "SELECT indicator, min(year) AS first_year, max(year) AS last_year,"
            " count(value) AS n FROM observation_current WHERE municipality = $m"
            " GROUP BY indicator ORDER BY indicator",
            {"m": municipality},
        )

    # -------------------------------------------------------- governance
    def goal_areas(self) -> pd.DataFrame:
        return self.df("SELECT * FROM goal_area ORDER BY sort")

    def local_goals(self, municipality: str, goal: int | None = None) -> pd.DataFrame:
        return self.df(
            "SELECT * FROM local_goal WHERE municipality = $m AND ($g IS NULL OR goal = $g)"
            " ORDER BY goal, sort",
            {"m": municipality, "g": goal},
        )

    def focus_decisions(self, municipality: str) -> pd.DataFrame:
        """The council's focus-goal decisions, newest first."""
        return self.df(
            "SELECT * FROM focus_decision WHERE municipality = $m"
            " ORDER BY decided_on DESC, id DESC",
            {"m": municipality},
        )

    def focus_goals(self, municipality: str) -> list[int]:
        """The focus goals of the latest decision (empty if none)."""
        df = self.focus_decisions(municipality)
        return [] if df.empty else sorted(int(g) for g in df.iloc[0]["goals"])


def open_store(path: str | Path | None = None, *, seed: bool = True) -> Store:
    """Open (creating and upgrading) the database; load the seed into an empty one.

    Parameters
    ----------
    path : str or Path, optional
        Defaults to :func:`db_path` (``$SDG_DB`` or ``data/sdg.duckdb``).
    seed : bool
        Load ``data/seed/`` when the catalogue is empty.
    """
    from sdg.seed import load_seed  # seed depends on store; import late

    store = Store(path or db_path())
    store.migrate()
    if seed and store.scalar("SELECT count(*) FROM goal") == 0:
        load_seed(store)
    return store
