"""End to end in Debian's Chromium: a facilitator opens a two-axis session, three
phones (390×844) answer on the light participant page, the projector (1920×1080) shows
the code, count and QR, and the result only after "show results"; the phones follow
the facilitator (closed, result) by themselves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import open_new_session_form, sign_in

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2].parent / "notes" / "shots"


def _shot(page, name: str, tmp_path: Path) -> None:
    """A screenshot in the test's folder (and the notes' folder, where there is one)."""
    page.screenshot(path=str(tmp_path / name))
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / name))


FITS = ("() => document.documentElement.scrollHeight <= window.innerHeight + 1"
        " && document.documentElement.scrollWidth <= window.innerWidth + 1")


def _fits(page) -> bool:
    """True once the page fits the viewport without scrolling (it may be redrawing)."""
    page.wait_for_function(FITS, timeout=20_000)
    return page.evaluate(FITS)


def _answer(phone, axis: str, subject: str, value: int) -> None:
    phone.locator(f"input[name='{axis}:{subject}'][value='{value}']").locator("xpath=..").click()


def _test_users(store) -> None:
    from sdg.auth import SYSTEM
    from tests.conftest import TEST_PASSWORD, TEST_USERS

    for name, role in TEST_USERS.items():
        store.add_user(SYSTEM, name, role, password=TEST_PASSWORD)


def test_three_phones_and_a_projector_follow_the_facilitator(fresh_app, browser, page, tmp_path):
    # a server of its own: the shared one may hold other tests' open sessions
    live_app = fresh_app(_test_users)
    sign_in(page, live_app, "leder")
    page.get_by_role("link", name="Workshop", exact=True).click()
    open_new_session_form(page)
    page.get_by_label("Navn på økten").fill("Verksted i nettleseren")
    page.get_by_role("button", name="Påvirkning").click()  # both axes: 2 × 17 items
    page.get_by_role("button", name="Lag økten").click()
    page.wait_for_url(re.compile(r"ws=[A-Z0-9]{5}"))
    code = re.search(r"ws=([A-Z0-9]{5})", page.url).group(1)
    page.get_by_role("button", name="Åpne for stemmer").click()
    page.get_by_role("button", name="Steng avstemningen").wait_for()
    projector_link = page.get_by_role("link", name="Åpne projektorvisningen (ny fane)")
    assert projector_link.get_attribute("target") == "_blank"

    wall_ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nb-NO")
    wall = wall_ctx.new_page()
    wall.set_default_timeout(20_000)
    wall.goto(projector_link.get_attribute("href"))
    wall.get_by_text(code, exact=True).wait_for()
    wall.get_by_text("Resultatet vises her når ordstyreren velger").wait_for()

    phones, contexts = [], []
    try:
        for _ in range(3):
            ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO")
            contexts.append(ctx)
            phone = ctx.new_page()
            phone.set_default_timeout(20_000)
            phone.goto(f"{live_app}/?w={code}")  # the old link: redirected to /w/CODE
            phone.wait_for_url(re.compile(rf"/w/{code}"))
            phone.get_by_role("heading", name="Verksted i nettleseren").wait_for()
            phones.append(phone)

        # phone 1 answers all 34 items and sends once
        first = phones[0]
        assert first.locator("fieldset.unanswered").count() == 34
        for axis in ("priority", "influence"):
            for goal in range(1, 18):
                _answer(first, axis, str(goal), 1 + goal % 5)
        assert first.locator("fieldset.unanswered").count() == 0
        first.get_by_text("Besvart 34 av 34.").wait_for()
        first.get_by_role("button", name="Send svarene").click()
        first.get_by_text("Takk! 34 av 34 svar er lagret.").wait_for()
        _shot(first, "i13_phone_saved.png", tmp_path)

        # phones 2 and 3 answer a few; the unanswered ones are listed before sending
        for i, phone in enumerate(phones[1:], start=2):
            _answer(phone, "priority", "4", 5)
            _answer(phone, "influence", "13", i)
            phone.get_by_text("Besvart 2 av 34.").wait_for()
            assert phone.locator("#missing li").count() == 33  # heading + 32 items
            phone.get_by_role("button", name="Send svarene").click()
            phone.get_by_text("Takk! 2 av 34 svar er lagret.").wait_for()
        _shot(phones[1], "i13_phone_partial.png", tmp_path)

        # a reload keeps the participant and shows the saved answers
        first.reload()
        assert first.locator("input[type=radio]:checked").count() == 34

        # the projector counts them, still without the result
        wall.wait_for_function(
            "() => document.querySelector('[data-testid=wall-count]')?.innerText.trim() === '3'")
        assert wall.locator("[data-testid='stVegaLiteChart']").count() == 0
        assert _fits(wall)

        # closed: every phone says so by itself
        page.get_by_role("button", name="Steng avstemningen").click()
        for phone in phones:
            phone.get_by_text("Avstemningen er stengt").wait_for()  # no reload
            assert phone.locator("#vote").is_hidden()

        # results shown: the phones and the projector show them by themselves. The
        # facilitator presses it once the page has finished its run: a click made while
        # Streamlit still runs the page's script was lost about one time in five here
        # (before and after the controls became callbacks; see the session's notes).
        page.get_by_role("button", name="Åpne for stemmer").wait_for()
        page.wait_for_function(
            "() => document.querySelector(\".stApp[data-test-script-state='notRunning']\")")
        page.get_by_text("Vis resultatet på projektoren og for deltakerne").click()
        for phone in phones:
            phone.locator("#results ol.bars li").first.wait_for()  # no reload
        _shot(phones[2], "i13_phone_result.png", tmp_path)
        phones[2].get_by_role("link", name="English").click()  # the same, in English
        phones[2].get_by_text("Voting is closed. Thank you for taking part!").wait_for()
        phones[2].locator("#results ol.bars li").first.wait_for()
        assert phones[2].evaluate("document.documentElement.scrollWidth") <= 390
        _shot(phones[2], "i13_phone_result_en.png", tmp_path)
        wall.locator("[data-testid='stVegaLiteChart'] svg").first.wait_for()
        wall.wait_for_timeout(1500)
        assert _fits(wall)
        assert wall.get_by_text(code, exact=True).is_visible()
        assert wall.locator("[data-testid='wall-count']").is_visible()
        box = wall.locator("[data-testid='stVegaLiteChart']").first.bounding_box()
        assert box["y"] + box["height"] <= 1080 and box["width"] > 900
        _shot(wall, "i13_projector_1920.png", tmp_path)
        wall.set_viewport_size({"width": 1280, "height": 720})
        wall.wait_for_timeout(1500)
        assert _fits(wall)
        _shot(wall, "i13_projector_1280.png", tmp_path)
    finally:
        for ctx in contexts:
            ctx.close()
        wall_ctx.close()
