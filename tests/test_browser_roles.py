"""End to end in Debian's Chromium: deep links on a fresh server, sign-in and sign-out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdg.auth import SYSTEM
from tests.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_deep_link_whose_url_is_not_a_file_name_is_found_on_a_fresh_server(fresh_app, page):
    url = fresh_app()
    page.goto(f"{url}/data")  # pages/data_import.py: a legacy pages/ app has no /data
    page.get_by_text("Du har ikke tilgang til denne siden").wait_for()
    page.wait_for_timeout(500)
    expect(page.get_by_text("Page not found")).to_have_count(0)


def test_a_deep_link_as_the_first_request_gets_the_router(fresh_app, page):
    url = fresh_app()
    page.goto(f"{url}/nullpunkt?kommune=3203&lang=en")
    page.get_by_role("heading", name="Zero-point measurement 2019").wait_for()
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Municipality").wait_for()  # the pickers are there
    expect(sidebar.get_by_text("data historikk")).to_have_count(0)  # no legacy menu


def test_a_deep_link_to_a_forbidden_page_is_refused(fresh_app, page):
    url = fresh_app()
    page.goto(f"{url}/admin")
    page.get_by_text("Du har ikke tilgang til denne siden").wait_for()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    assert page.get_by_role("button", name="Legg til").count() == 0


def test_analyst_signs_in_sees_data_signs_out_and_no_longer_can(fresh_app, page):
    url = fresh_app(lambda store: store.add_user(SYSTEM, "kari", "analyst",
                                                 password="et langt passord"))
    sign_in(page, url, "kari", "et langt passord")
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Importer tall").click()
    page.get_by_role("heading", name="Importer indikatortall").wait_for()

    sidebar.get_by_role("link", name="Konto").click()
    page.get_by_role("button", name="Logg ut", exact=True).click()
    page.get_by_role("link", name="Logg inn").wait_for()
    expect(sidebar.get_by_text("Importer tall")).to_have_count(0)
    # The URL of the data page now gives the refusal (a new session: not signed in).
    page.goto(f"{url}/data")
    page.get_by_text("Du har ikke tilgang til denne siden").wait_for()
