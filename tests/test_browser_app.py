"""End to end in Debian's Chromium: the goal grid, a goal page, the language switch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import sign_in

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


def _menu_visits(page) -> dict[str, int]:
    """Click every menu link once (as a reader does) and count the browser-history
    entries each visit added."""
    page.locator("section[data-testid=stSidebar] a").first.wait_for()
    page.wait_for_load_state("networkidle")
    hrefs = [a.get_attribute("href") for a in
             page.locator("section[data-testid=stSidebar] a").all()]
    added = {}
    for href in hrefs:
        before = page.evaluate("history.length")
        page.locator(f"section[data-testid=stSidebar] a[href='{href}']").first.click()
        page.wait_for_function("h => location.href.includes(h)", arg=href)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(800)  # a late URL change by the page script would land here
        added[href] = page.evaluate("history.length") - before
    return added


def test_each_menu_visit_adds_one_history_entry(live_app, page):
    """Issue 13 point 7: a page visit is one entry in the browser's history (Back goes
    to the page before), also for the goal page and for an analyst's pages."""
    page.goto(f"{live_app}/nullpunkt")
    page.get_by_role("heading", name="Nullpunkt 2019").first.wait_for()
    page.wait_for_timeout(800)
    added = _menu_visits(page)
    assert any(h.startswith("mal?") for h in added)
    assert all(n == 1 for n in added.values()), added

    sign_in(page, live_app, "analytiker")
    added = _menu_visits(page)
    assert len(added) > 8  # the analyst's pages are in the menu too
    assert all(n == 1 for n in added.values()), added

    before = page.evaluate("history.length")
    page.goto(f"{live_app}/mal?goal=11")
    page.get_by_role("heading", name="11 Bærekraftige byer og lokalsamfunn").wait_for()
    page.wait_for_timeout(800)
    assert page.evaluate("history.length") - before == 1
    page.go_back()  # Back leaves the shared link's page at once
    page.wait_for_function("() => !location.href.includes('goal=11')")
