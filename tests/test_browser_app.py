"""End to end in Debian's Chromium: the goal grid, a goal page, the language switch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_grid_goal_page_and_english(live_app, page, tmp_path):
    page.goto(f"{live_app}/")
    page.get_by_role("heading", name="De 17 bærekraftsmålene").wait_for()
    # All 17 tiles (the page streams in; wait until the grid is complete).
    expect(page.locator("[class*='st-key-goal-'] a")).to_have_count(17)
    # The UN colour of goal 11 (#FD9D24) on its tile, once the style has arrived.
    expect(page.locator(".st-key-goal-11")).to_have_css("background-color",
                                                        "rgb(253, 157, 36)")
    page.screenshot(path=str(tmp_path / "oversikt.png"), full_page=True)

    page.locator(".st-key-goal-11 a").click()
    page.get_by_role("heading", name="11 Bærekraftige byer og lokalsamfunn").wait_for()
    assert "goal=11" in page.url and "kommune=3203" in page.url
    page.get_by_text("Delmål (10)").wait_for()
    page.screenshot(path=str(tmp_path / "mal11.png"), full_page=True)

    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="11 Sustainable cities and communities").wait_for()
    page.get_by_text("Targets (10)").wait_for()
    assert "lang=en" in page.url
    page.screenshot(path=str(tmp_path / "goal11_en.png"), full_page=True)


def test_shared_link_opens_goal_13_in_english(live_app, page):
    page.goto(f"{live_app}/mal?goal=13&lang=en&kommune=3203")
    page.get_by_role("heading", name="13 Climate action").wait_for()
    page.get_by_text("Climate change is a global issue and knows no borders").wait_for()


def test_bad_goal_in_the_url_gives_a_message(live_app, page):
    page.goto(f"{live_app}/mal?goal=99")
    page.get_by_text("Det finnes ikke noe bærekraftsmål 99").wait_for()
    assert page.get_by_text("Traceback").count() == 0
