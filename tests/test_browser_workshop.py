"""End to end in Debian's Chromium: a facilitator opens a session, five participants
vote from their own browsers, the projector counts them without a reload."""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def test_five_participants_vote_and_the_projector_follows(live_app, browser, page, tmp_path):
    # the facilitator creates and opens a session
    sign_in(page, live_app, "leder")
    page.get_by_role("link", name="Workshop", exact=True).click()
    page.get_by_label("Navn på økten").fill("Verksted i nettleseren")
    page.get_by_role("button", name="Lag økten").click()
    page.wait_for_url(re.compile(r"ws=[A-Z0-9]{5}"))
    code = re.search(r"ws=([A-Z0-9]{5})", page.url).group(1)
    page.get_by_role("button", name="Åpne for stemmer").click()
    page.get_by_role("button", name="Steng avstemningen").wait_for()
    page.screenshot(path=str(tmp_path / "workshop.png"), full_page=True)

    projector_ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    projector = projector_ctx.new_page()
    projector.set_default_timeout(20_000)
    projector.goto(f"{live_app}/projektor?w={code}")
    values = projector.locator("[data-testid='stMetricValue']")
    values.first.wait_for()
    assert values.first.inner_text().strip() == "0"
    assert projector.locator("[data-testid='stSidebar']").is_hidden()

    phones = []
    try:
        for i in range(5):
            ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO")
            phones.append(ctx)
            phone = ctx.new_page()
            phone.set_default_timeout(20_000)
            phone.goto(f"{live_app}/?w={code}")
            phone.get_by_role("heading", name="Verksted i nettleseren").wait_for()
            phone.wait_for_url(re.compile(r"p=[A-Za-z0-9_-]{8,}"))
            goal4 = phone.locator("[data-testid='stButtonGroup']").nth(3)
            goal4.get_by_role("radio", name=str(1 + i), exact=True).click()
            goal13 = phone.locator("[data-testid='stButtonGroup']").nth(12)
            goal13.get_by_role("radio", name="5", exact=True).click()
            phone.get_by_role("button", name="Send svarene").click()
            phone.get_by_text("Takk! Svarene dine er lagret (2 vurderinger)").wait_for()
            if i == 0:
                phone.screenshot(path=str(tmp_path / "delta.png"), full_page=True)
        start = time.monotonic()
        projector.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stMetricValue\"]')]"
            ".map(e => e.innerText.trim()).slice(0, 2).join('/') === '5/10'", timeout=10_000)
        assert time.monotonic() - start < 10
        projector.get_by_text("13 Stoppe klimaendringene").first.wait_for(timeout=10_000)
        projector.screenshot(path=str(tmp_path / "projektor.png"), full_page=True)
    finally:
        for ctx in phones:
            ctx.close()
        projector_ctx.close()
