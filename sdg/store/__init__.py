"""The DuckDB store: every SQL statement of the app, one module per area.

:class:`Store` is the one object the app and the command line use. It combines the
plumbing of :class:`~sdg.store.base.StoreBase` (one connection per process, a cursor
per call, serialised write transactions, numbered SQL migrations) with one mixin of
queries per area, so each area's SQL sits in one readable file:

- :mod:`sdg.store.catalogue`: goals, targets, indicators, municipalities, observations.

SQL uses named parameters only (``$name``); no value is ever formatted into a string.
"""

from __future__ import annotations

from pathlib import Path

from sdg.store.base import DEFAULT_DB, MIGRATIONS_DIR, Migration, StoreBase, db_path, migrations
from sdg.store.catalogue import CatalogueQueries

__all__ = ["DEFAULT_DB", "MIGRATIONS_DIR", "Migration", "Store", "db_path", "migrations",
           "open_store"]


class Store(CatalogueQueries, StoreBase):
    """The app's single DuckDB connection and all its queries.

    Parameters
    ----------
    path : str or Path
        The DuckDB file (created if missing) or ``":memory:"``.
    """


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
