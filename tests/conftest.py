"""Shared fixtures: a seeded database built once per run, the reference data folder."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
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


# ---------------------------------------------------------------- browser tests
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _streamlit_server(db: Path, log_path: Path, env: dict | None = None):
    """``streamlit run app.py`` on a free port over ``db``; yields the base URL (with
    ``STREAMLIT_SERVER_BASE_URL_PATH`` in ``env``, the URL includes that path)."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    env = os.environ | {"SDG_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"} \
        | (env or {})
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = env.get("STREAMLIT_SERVER_BASE_URL_PATH", "").strip("/")
        url = f"http://127.0.0.1:{port}" + (f"/{base}" if base else "")
        deadline = time.monotonic() + 60
        try:
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start; see {log_path}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


#: Local accounts on the browser tests' server: name → role (password TEST_PASSWORD).
TEST_USERS = {"analytiker": "analyst", "leder": "facilitator", "admin": "admin"}
TEST_PASSWORD = "et langt testpassord"


@pytest.fixture(scope="session")
def live_app(seeded_db, tmp_path_factory):
    """One server for the browser tests of a run, over a temporary copy of the seed with
    the :data:`TEST_USERS` accounts."""
    from sdg.auth import SYSTEM
    from sdg.store import open_store

    folder = tmp_path_factory.mktemp("live")
    shutil.copy(seeded_db, folder / "live.duckdb")
    store = open_store(folder / "live.duckdb")
    for name, role in TEST_USERS.items():
        store.add_user(SYSTEM, name, role, password=TEST_PASSWORD)
    store.close()
    with _streamlit_server(folder / "live.duckdb", folder / "streamlit.log") as url:
        yield url


def sign_in(page, base_url: str, name: str, password: str = TEST_PASSWORD) -> None:
    """Sign in as a real user would: Konto → "Logg inn" → the sign-in page, which sets
    the session cookie and comes back to Konto."""
    page.goto(f"{base_url}/konto")
    page.get_by_role("link", name="Logg inn").click()
    page.get_by_label("Brukernavn").fill(name)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Du er logget inn som").wait_for()


def pick_option(page, box: str, option: str, typed: str | None = None) -> None:
    """Choose ``option`` in the selectbox labelled ``box`` as a user would: open it (and
    type ``typed`` to filter a long list), click the option. Again, up to five times,
    when a rerun of the page closed the list first (a busy machine: CI)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    combo = page.get_by_role("combobox", name=box, exact=True).first
    for _ in range(5):
        combo.click()
        if typed:
            combo.press_sequentially(typed)
        try:
            page.get_by_role("option").filter(has_text=option).first.click(timeout=5_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
            continue
        return
    raise AssertionError(f"{option!r} could not be chosen in {box!r}")


@pytest.fixture
def fresh_app(seeded_db, tmp_path):
    """A server of its own, started for one test (e.g. to test its very first request).
    Call it with ``prepare(store)`` to change the database before the server opens it,
    and with extra environment variables."""
    from contextlib import ExitStack

    from sdg.store import open_store

    stack = ExitStack()

    def start(prepare=None, **env: str) -> str:
        db = tmp_path / "fresh.duckdb"
        shutil.copy(seeded_db, db)
        if prepare is not None:
            store = open_store(db)
            prepare(store)
            store.close()
        return stack.enter_context(_streamlit_server(db, tmp_path / "streamlit.log", env))

    with stack:
        yield start


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):
    """A fresh browser context and page per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    yield pg
    context.close()


def open_new_session_form(page) -> None:
    """On the workshop page, unfold "Ny økt" as a facilitator would when it is folded
    (it is, once any session exists, e.g. one made by another test on the shared
    server), and wait for its name field."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    field = page.get_by_label("Navn på økten")
    try:  # unfolded while there is no session (the page may still be drawing)
        field.wait_for(state="visible", timeout=8_000)
    except PlaywrightTimeout:
        page.get_by_text("Ny økt", exact=True).click()
        field.wait_for(state="visible")
