"""Hostile input end to end in Chromium against ``streamlit run``.

- The far-cell workbook (one cell at XFD1048576, which once killed the whole server)
  through the import wizard: refused with the limit it hit; and with the limits
  switched off, the parse child dies at its memory limit, the wizard says "Filen er
  for stor eller ødelagt" and the server keeps answering.
- A workshop named with markdown image and link syntax shows as literal text on the
  participant page and on the projector, and the browser never asks for that address.
"""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest

from sdg.auth import SYSTEM, Actor
from tests.conftest import TEST_PASSWORD, sign_in
from tests.hostile_files import far_cell

pytestmark = pytest.mark.browser

PAYLOAD = "![x](http://127.0.0.1:1/x.png) [Logg inn](http://127.0.0.1:1/)"


def _shot(page, tmp_path: Path, name: str) -> None:
    """A full-page screenshot in ``tmp_path`` (or in ``$NOTES_SHOTS`` to keep it)."""
    folder = Path(os.environ.get("NOTES_SHOTS") or tmp_path)
    page.screenshot(path=str(folder / name), full_page=True)


def _health(url: str) -> int:
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
        return r.status


def _with_analyst(store) -> None:
    store.add_user(SYSTEM, "analytiker", "analyst", password=TEST_PASSWORD)


def _upload(page, url: str, path) -> None:
    sign_in(page, url, "analytiker")
    page.get_by_role("link", name="Importer tall").click()
    page.get_by_role("heading", name="Importer indikatortall").wait_for()
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))


def test_far_cell_file_is_refused_and_the_server_stays_up(fresh_app, page, tmp_path):
    url = fresh_app(_with_analyst)
    path = tmp_path / "langt_unna.xlsx"
    path.write_bytes(far_cell())
    _upload(page, url, path)
    alert = page.get_by_text("går over 1\u00a0048\u00a0576 rader", exact=False)
    alert.wait_for(timeout=60_000)
    _shot(page, tmp_path, "hostile_far_cell.png")
    assert _health(url) == 200


def test_an_unforeseen_bomb_ends_in_the_child_not_the_server(fresh_app, browser, page,
                                                             tmp_path):
    """Limits off: calamine tries to allocate 512 GB for the grid, as in the report.
    The parse child aborts; the wizard shows the message; everyone else goes on."""
    url = fresh_app(_with_analyst, SDG_IMPORT_MAX_ROWS="2000000",
                    SDG_IMPORT_MAX_COLUMNS="20000", SDG_IMPORT_MAX_CELLS="100000000000000")
    path = tmp_path / "bombe.xlsx"
    path.write_bytes(far_cell())
    _upload(page, url, path)
    page.get_by_text("Filen er for stor eller ødelagt", exact=False).wait_for(timeout=120_000)
    _shot(page, tmp_path, "hostile_bomb.png")
    assert _health(url) == 200
    other = browser.new_context(locale="nb-NO").new_page()
    other.goto(f"{url}/")
    other.get_by_role("heading", name="Bærekraftsmålene i kommunen").wait_for(timeout=30_000)
    other.context.close()
    page.get_by_role("link", name="Importhistorikk").click()  # the same user goes on too
    page.get_by_role("heading", name="Importhistorikk").wait_for(timeout=30_000)


def test_workshop_name_is_literal_text_for_participants_and_projector(
        fresh_app, browser, tmp_path):
    from sdg.workshop import SessionSpec, create_session, open_voting

    made: dict[str, str] = {}

    def prepare(store) -> None:
        facilitator = Actor("leder", "facilitator")
        code = create_session(store, "3203", SessionSpec(PAYLOAD, ("4", "11")), facilitator)
        open_voting(store, code, facilitator)
        made["code"] = code

    url = fresh_app(prepare)
    asked: list[str] = []
    for where, path in (("delta", f"/?w={made['code']}"),
                        ("projektor", f"/projektor?w={made['code']}")):
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO")
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.on("request", lambda r: asked.append(r.url) if "127.0.0.1:1/" in r.url else None)
        page.goto(f"{url}{path}")
        heading = page.get_by_role("heading", name="Logg inn", exact=False).first
        heading.wait_for()
        shown = heading.inner_text().strip().replace("\u2060", "")  # invisible word joiners
        assert shown == PAYLOAD  # the markdown as typed, literally
        main = page.locator("[data-testid='stMain']")
        assert main.locator("img[src*='127.0.0.1:1']").count() == 0
        assert main.locator("a[href*='127.0.0.1:1']").count() == 0
        page.wait_for_timeout(1500)  # give a stray image time to be fetched
        _shot(page, tmp_path, f"hostile_name_{where}.png")
        ctx.close()
    assert asked == []
