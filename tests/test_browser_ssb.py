"""Real journey in Chromium: an analyst pulls from SSB (the stand-in on 127.0.0.1) on the
Data page, sees the provenance, then freezes the zero point; at 1400×900 and on a phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sdg.ssb import Throttle
from tests.conftest import TEST_PASSWORD, sign_in
from tests.ssb_standin import StandIn
from tests.test_ssb import kindergarten_cube, population_cube

pytestmark = pytest.mark.browser


@pytest.fixture
def standin():
    server = StandIn([population_cube(), kindergarten_cube()]).start()
    yield server
    server.shutdown()
    server.server_close()


def test_pull_and_freeze_in_the_browser(fresh_app, browser, standin, tmp_path, monkeypatch):
    from sdg.auth import SYSTEM

    monkeypatch.setattr("sdg.ssb.SHARED_THROTTLE", Throttle(1000, 60))
    shots = Path(os.environ.get("SDG_SHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    url = fresh_app(lambda s: s.add_user(SYSTEM, "analytiker", "analyst",
                                         password=TEST_PASSWORD),
                    SDG_SSB_API=standin.url)
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(60_000)
    sign_in(page, url, "analytiker")
    page.get_by_role("link", name="Hent fra SSB").click()  # the sidebar's Data section
    page.get_by_role("heading", name="Hent fra SSB").wait_for()
    page.get_by_text("Indikatorbiblioteket (42 indikatorer)").wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    page.get_by_role("button", name="Hent fra SSB").wait_for()
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "ssb_page_1400.png"), full_page=True)
    page.get_by_role("button", name="Hent fra SSB").click()
    page.get_by_text("tabeller i import").wait_for()
    page.get_by_text("Kilde for hentingen").wait_for()
    page.screenshot(path=str(shots / "ssb_pulled_1400.png"), full_page=True)
    assert [r for r in standin.data_requests() if "13502" in r["path"]]
    page.get_by_role("link", name="Nullpunkt 2019").click()
    page.get_by_text("Frosset nullpunkt 2019").wait_for()
    page.get_by_label("Merknad til frysingen").fill("Vedtatt nullpunkt")
    page.get_by_role("button", name="Frys nullpunktene for 2019").click()
    page.get_by_text("nullpunkter er frosset").wait_for()
    page.get_by_text("Frosset av analytiker").scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "nullpunkt_frozen_1400.png"), full_page=True)
    context.close()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO",
                                is_mobile=True)
    page = phone.new_page()
    page.set_default_timeout(60_000)
    sign_in(page, url, "analytiker")
    page.locator("[data-testid='stExpandSidebarButton']").click()  # the menu on a phone
    page.get_by_text("English").click()
    page.get_by_role("link", name="Pull from SSB").click()
    page.get_by_role("heading", name="Pull from SSB").wait_for()
    page.get_by_text("The indicator library (42 indicators)").wait_for()
    page.locator("[data-testid='stDataFrame']").first.wait_for()
    collapse = page.locator("[data-testid='stSidebarCollapseButton'] button")
    if collapse.count() and collapse.first.is_visible():
        collapse.first.click()
    page.wait_for_timeout(500)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(shots / "ssb_page_phone_en.png"), full_page=True)
    assert width <= 390 + 1  # nothing overflows the phone
    phone.close()
