"""The DuckDB store: every SQL statement of the app, one module per area.

:class:`Store` is the one object the app and the command line use. It combines the
plumbing of :class:`~sdg.store.base.StoreBase` (one connection per process, a cursor
per call, serialised write transactions, numbered SQL migrations) with one mixin of
queries per area, so each area's SQL sits in one readable file:

- :mod:`sdg.store.catalogue`: goals, targets, indicators, municipalities, observations.
- :mod:`sdg.store.benefits`: the benefits plan, its saves and change log.
- :mod:`sdg.store.gains`: observations for zero points and national comparisons.
- :mod:`sdg.store.ratings`: rating sources (and their inclusion) and ratings, matrix settings, notes.
- :mod:`sdg.store.decisions`: the council's focus decisions and their life cycle.
- :mod:`sdg.store.content`: a municipality's own commitments, goal areas, indicator
  targets and manual zero points.
- :mod:`sdg.store.users`: local accounts, OIDC e-mail roles, sign-in lockout, audit log.
- :mod:`sdg.store.imports`: import batches, one-transaction commit, undo and redo.
- :mod:`sdg.store.workshops`: live workshop sessions, participants and their votes.
- :mod:`sdg.store.ssb`: SSB pulls' provenance, followed library indicators, frozen zero points.

SQL uses named parameters only (``$name``); no value is ever formatted into a string.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sdg.store.base import DEFAULT_DB, MIGRATIONS_DIR, Migration, StoreBase, db_path, migrations
from sdg.store.benefits import BenefitQueries
from sdg.store.catalogue import CatalogueQueries
from sdg.store.content import ContentQueries
from sdg.store.decisions import DecisionQueries
from sdg.store.gains import GainQueries
from sdg.store.imports import ImportQueries
from sdg.store.ratings import RatingQueries
from sdg.store.ssb import SsbQueries
from sdg.store.users import UserQueries
from sdg.store.workshops import WorkshopQueries

__all__ = ["DEFAULT_DB", "MIGRATIONS_DIR", "Migration", "Store", "db_path", "migrations",
           "close_shared_stores", "open_store", "shared_store"]


class Store(BenefitQueries, CatalogueQueries, ContentQueries, DecisionQueries, GainQueries,
            ImportQueries, RatingQueries, UserQueries, WorkshopQueries, SsbQueries, StoreBase):
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
    from sdg.seed import load_nynorsk, load_seed  # seed depends on store; import late

    store = Store(path or db_path())
    store.migrate()
    if seed and store.scalar("SELECT count(*) FROM goal") == 0:
        load_seed(store)
    elif seed and store.scalar("SELECT count(*) FROM goal WHERE short_nn IS NULL"):
        load_nynorsk(store)  # a database seeded before nynorsk (migration 0018)
    return store


_SHARED: dict[str, Store] = {}
_SHARED_LOCK = threading.Lock()


def shared_store(path: str | Path | None = None) -> Store:
    """The one store of this process for ``path`` (default :func:`db_path`), opened on
    first use: the Streamlit pages (``ui.state.get_store``) and the light workshop
    routes (``web.workshop``) share it, hence its connection and its vote writer."""
    key = str(Path(path or db_path()).resolve()) if str(path) != ":memory:" else ":memory:"
    with _SHARED_LOCK:
        store = _SHARED.get(key)
        if store is None:
            store = _SHARED[key] = open_store(key)
        return store


def close_shared_stores() -> None:
    """Close every :func:`shared_store` of this process (so another process may open
    the files, e.g. a server a benchmark starts)."""
    with _SHARED_LOCK:
        for store in _SHARED.values():
            store.close()
        _SHARED.clear()
