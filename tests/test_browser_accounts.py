"""End to end in Debian's Chromium (issue 14): a sign-in that lasts across reloads and
tabs, sign-out everywhere, a disabled user refused at once, a deep link that survives
the sign-in with SDG_REQUIRE_LOGIN=1."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sdg.auth import SYSTEM
from tests.conftest import open_new_session_form, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "tre blå hester i Hurum"
WORKSHOP_TITLE = "Workshop: vurder målene sammen"


def _users(store) -> None:
    store.add_user(SYSTEM, "kari", "admin", password=PASSWORD)
    store.add_user(SYSTEM, "leder", "facilitator", password=PASSWORD)


def _signed_in_as(page, name: str) -> None:
    page.get_by_text(f"Du er logget inn som {name}").wait_for()


def test_a_sign_in_lasts_across_reload_and_a_new_tab(fresh_app, page):
    url = fresh_app(_users)
    sign_in(page, url, "leder", PASSWORD)
    cookie = [c for c in page.context.cookies() if c["name"] == "sdg_session"][0]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["expires"] > 0
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("link", name="Workshop").click()
    page.get_by_role("heading", name=WORKSHOP_TITLE).wait_for()
    page.reload()
    expect(page.get_by_text("Du har ikke tilgang")).to_have_count(0)
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="Workshop").wait_for()
    tab = page.context.new_page()
    tab.goto(f"{url}/konto")
    _signed_in_as(tab, "leder")
    tab.goto(f"{url}/workshop")  # a bookmark
    expect(tab.get_by_text("Du har ikke tilgang")).to_have_count(0)
    tab.locator("[data-testid='stSidebar']").get_by_role("link", name="Workshop").wait_for()


def test_sign_out_in_one_tab_ends_the_other(fresh_app, page):
    url = fresh_app(_users)
    sign_in(page, url, "leder", PASSWORD)
    other = page.context.new_page()
    other.goto(f"{url}/")
    other.locator("[data-testid='stSidebar']").get_by_role("link", name="Workshop").wait_for()
    page.get_by_role("button", name="Logg ut", exact=True).click()
    page.get_by_text("Du er logget ut, også i andre faner.").wait_for()
    # the other tab, still open, clicks on
    other.locator("[data-testid='stSidebar']").get_by_role("link", name="Workshop").click()
    other.get_by_text("Du har ikke tilgang til denne siden").wait_for()
    expect(other.locator("[data-testid='stSidebar']").get_by_role("link", name="Workshop")
           ).to_have_count(0)


def test_a_user_disabled_in_the_admin_page_is_refused_on_the_next_click(fresh_app, browser):
    url = fresh_app(_users)
    admin_ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="nb-NO")
    user_ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="nb-NO")
    try:
        admin, user = admin_ctx.new_page(), user_ctx.new_page()
        for p in (admin, user):
            p.set_default_timeout(30_000)
        sign_in(user, url, "leder", PASSWORD)
        user.locator("[data-testid='stSidebar']").get_by_role("link", name="Workshop").wait_for()
        sign_in(admin, url, "kari", PASSWORD)
        admin.goto(f"{url}/admin")
        admin.get_by_role("heading", name="Brukere og revisjonslogg").wait_for()
        admin.get_by_label("Bruker", exact=True).click()
        admin.get_by_role("option", name="leder").click()
        admin.get_by_role("button", name="Deaktiver").click()
        admin.get_by_text("Lagret: leder: deaktivert").wait_for()
        # the user's next click
        user.locator("[data-testid='stSidebar']").get_by_role("link", name="Workshop").click()
        user.get_by_text("Du har ikke tilgang til denne siden").wait_for()
        # and the audit log says so in words
        admin.locator("td", has_text="kari deaktiverte leder").first.wait_for(
            state="attached")
    finally:
        admin_ctx.close()
        user_ctx.close()


def test_a_deep_link_comes_back_after_sign_in_when_login_is_required(fresh_app, page):
    url = fresh_app(_users, SDG_REQUIRE_LOGIN="1")
    page.goto(f"{url}/nullpunkt?kommune=3203")
    page.get_by_text("Denne løsningen er bare for innloggede brukere").wait_for()
    assert "/nullpunkt" in page.url  # not rewritten to /
    page.get_by_role("link", name="Logg inn").click()
    page.get_by_text("bare for innloggede brukere").wait_for()
    expect(page.get_by_text("Alle kan lese")).to_have_count(0)
    page.get_by_label("Brukernavn").fill("leder")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("heading", name="Nullpunktsmåling 2019").wait_for()
    assert "/nullpunkt?kommune=3203" in page.url
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="Workshop").wait_for()


def test_a_facilitator_reloads_in_the_middle_of_a_workshop_and_loses_nothing(fresh_app, page):
    import re

    url = fresh_app(_users)
    sign_in(page, url, "leder", PASSWORD)
    page.get_by_role("link", name="Workshop", exact=True).click()
    open_new_session_form(page)
    page.get_by_label("Navn på økten").fill("Kveldsmøte i Røyken")
    page.get_by_role("button", name="Lag økten").click()
    page.wait_for_url(re.compile(r"ws=[A-Z0-9]{5}"))
    code = re.search(r"ws=([A-Z0-9]{5})", page.url).group(1)
    page.get_by_role("button", name="Åpne for stemmer").click()
    page.get_by_role("button", name="Steng avstemningen").wait_for()
    page.reload()
    page.get_by_role("button", name="Steng avstemningen").wait_for()
    expect(page.get_by_text("Du har ikke tilgang")).to_have_count(0)
    assert f"ws={code}" in page.url
    page.get_by_text("Kveldsmøte i Røyken").first.wait_for()


def test_a_refused_page_offers_sign_in_and_comes_back_to_it(fresh_app, page):
    url = fresh_app(_users)
    page.goto(f"{url}/data?kommune=0301")
    page.get_by_text("Du har ikke tilgang til denne siden").wait_for()
    page.get_by_role("link", name="Logg inn").click()
    page.get_by_label("Brukernavn").fill("kari")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_role("heading", name="Importer indikatortall").wait_for()
    assert "/data?" in page.url and "kommune=0301" in page.url
