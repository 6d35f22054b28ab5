"""End to end in Debian's Chromium: the materiality matrix is drawn with 17 points."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

POINTS = "[data-testid='stVegaLiteChart'] g.mark-symbol path"


def test_matrix_draws_17_points_and_ranking(live_app, page, tmp_path):
    page.goto(f"{live_app}/vesentlighet?kommune=3203")
    page.get_by_role("heading", name="Vesentlighetsmatrise").wait_for()
    page.locator(POINTS).nth(16).wait_for(state="attached", timeout=60_000)
    expect(page.locator(POINTS)).to_have_count(17)
    labels = page.locator("[data-testid='stVegaLiteChart'] g.mark-text text").all_text_contents()
    assert {str(g) for g in range(1, 18)} <= set(labels)
    assert {"Fokus", "Påvirk", "Følg med", "Lav prioritet"} <= set(labels)
    page.get_by_text("Rangering").wait_for()
    page.screenshot(path=str(tmp_path / "vesentlighet.png"), full_page=True)


def test_presentation_mode_hides_the_sidebar(live_app, page, tmp_path):
    page.goto(f"{live_app}/vesentlighet?present=1&lang=en")
    page.locator(POINTS).nth(16).wait_for(state="attached", timeout=60_000)
    expect(page.locator(POINTS)).to_have_count(17)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert page.get_by_text("Save decision").count() == 0
    page.screenshot(path=str(tmp_path / "vesentlighet_present.png"), full_page=True)
