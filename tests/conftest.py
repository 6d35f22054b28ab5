"""Shared fixtures: a seeded database built once per run, the reference data folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """A database file created and seeded from data/seed once per test run."""
    from sdg.store import open_store

    path = tmp_path_factory.mktemp("db") / "seeded.duckdb"
    open_store(path).close()
    return path


@pytest.fixture
def store(seeded_db, tmp_path):
    """A private copy of the seeded database, opened."""
    from sdg.store import open_store

    path = tmp_path / "store.duckdb"
    shutil.copy(seeded_db, path)
    s = open_store(path)
    yield s
    s.close()


@pytest.fixture
def shared_data() -> Path:
    """The reference data folder beside the repo; skips where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def app_db(seeded_db, tmp_path, monkeypatch):
    """Point the app at a fresh copy of the seeded database and clear Streamlit caches."""
    import streamlit as st

    path = tmp_path / "app.duckdb"
    shutil.copy(seeded_db, path)
    monkeypatch.setenv("SDG_DB", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def pytest_configure(config):
    os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
