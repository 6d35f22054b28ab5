"""WCAG 2.1 AA in Debian's Chromium: axe-core on every page each role reaches, in every
language, at 1400×900 and 390×844; the document's ``lang`` follows the chosen language;
voting works with the keyboard alone.

axe-core comes with ``axe-playwright-python`` (requirements-dev.txt; the script is in
the wheel, nothing is downloaded). The rules are the tags wcag2a, wcag2aa, wcag21a and
wcag21aa; no rule is disabled. A test fails on any violation and prints rule, element
and page. Every scan of the run is written to :data:`sdg.a11y.LAST_RUN`, which the
accessibility statement reads (date of the check, what was scanned, what failed).

Cost: one server for the run (the session's ``live_app``), one browser context per role
that moves between pages and languages inside its Streamlit session (as a user does: a
reload would sign the user out), so each page loads once per language and is scanned
at both widths by resizing.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from sdg.a11y import AXE_TAGS, Scan, record_run, report
from sdg.i18n import LANGS, t
from tests.conftest import open_new_session_form, sign_in

pytestmark = pytest.mark.browser

WIDE = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
ROLES = {"viewer": None, "analyst": "analytiker", "facilitator": "leder", "admin": "admin"}
_SCANS: list[Scan] = []


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="module", autouse=True)
def _write_last_run(axe):
    yield
    if _SCANS:
        version = re.search(r"axe v([\d.]+)", axe.axe_script[:200])
        record_run(_SCANS, axe_version=version.group(1) if version else "")


def settle(page) -> None:
    """Wait until Streamlit has finished the run (no stale, faded elements) and every
    chart has drawn."""
    # (the participant's light page /w/CODE is plain HTML: no Streamlit run to wait for)
    page.wait_for_function(
        "() => !document.querySelector('.stApp')"
        " || document.querySelector(\".stApp[data-test-script-state='notRunning']\")")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=\"stVegaLiteChart\"]')]"
        ".every(c => !c.checkVisibility() || c.querySelector('svg, canvas'))")
    page.wait_for_timeout(250)


def scan(axe, page, role: str, name: str, lang: str, width: int) -> Scan:
    """Run axe on the page as it is now and keep the result."""
    response = axe.run(page, options={"runOnly": {"type": "tag", "values": list(AXE_TAGS)},
                                      "resultTypes": ["violations"]}).response
    result = Scan.from_axe(response, role=role, page=name, lang=lang, width=width)
    _SCANS.append(result)
    return result


def _set_lang(page, lang: str) -> None:
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text(t(f"lang.{lang}", lang), exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    settle(page)


def _sidebar_settled(page, wide: bool) -> None:
    """Streamlit collapses the sidebar below 768 px and opens it again above (as a phone
    opens the app); wait for that, or for a page that hides the sidebar altogether."""
    page.wait_for_function(
        """wide => { const s = document.querySelector('[data-testid="stSidebar"]');
                     if (!s || !s.checkVisibility()) return true;
                     const r = s.getBoundingClientRect();
                     return wide ? r.x >= 0 && r.width > 0 : r.x + r.width <= 0; }""",
        arg=wide)
    page.wait_for_timeout(200)


def _both_widths(axe, page, role: str, name: str, lang: str) -> list[Scan]:
    """Scan at 1400 wide, then at 390 (sidebar collapsed, as a phone opens it)."""
    found = [scan(axe, page, role, name, lang, WIDE["width"])]
    page.set_viewport_size(PHONE)
    _sidebar_settled(page, wide=False)
    found.append(scan(axe, page, role, name, lang, PHONE["width"]))
    page.set_viewport_size(WIDE)
    _sidebar_settled(page, wide=True)
    return found


#: Pages in the menu that hide it (the participant's and the projector's screens): they
#: do not depend on the role and are scanned by the workshop test below.
NO_MENU = {"delta", "projektor"}


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_a_role_passes_axe_in_every_language_and_width(role, live_app,
                                                                      browser, axe):
    context = browser.new_context(viewport=WIDE, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        if ROLES[role]:
            sign_in(page, live_app, ROLES[role])
        else:
            page.goto(live_app)
        settle(page)
        sidebar = page.get_by_test_id("stSidebar")
        hrefs = sidebar.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        # menu links carry the language and municipality (?lang=…&kommune=…): the page
        # is the path before the query
        hrefs = list(dict.fromkeys(h.split("?")[0] for h in hrefs))
        hrefs = [h for h in hrefs if h not in NO_MENU]
        assert len(hrefs) >= 3, hrefs
        found: list[Scan] = []
        for lang in LANGS:
            _set_lang(page, lang)
            for href in hrefs:
                sidebar.locator(f"a[href='{href}'], a[href^='{href}?']").first.click()
                page.wait_for_url(re.compile(rf"/{re.escape(href)}(\?|$)"))
                settle(page)
                expect(page.locator("html")).to_have_attribute("lang", lang)
                found += _both_widths(axe, page, role, href or "oversikt", lang)
    finally:
        context.close()
    assert len(found) == len(LANGS) * len(hrefs) * 2
    failed = [s for s in found if s.violations]
    assert not failed, report(failed)


def _open_session(browser, base_url: str) -> str:
    """A facilitator creates and opens a workshop session; returns its code."""
    context = browser.new_context(viewport=WIDE, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        sign_in(page, base_url, "leder")
        page.get_by_role("link", name="Workshop", exact=True).click()
        open_new_session_form(page)
        page.get_by_label("Navn på økten").fill("Tilgjengelighetsøkt")
        page.get_by_role("button", name="Lag økten").click()
        page.wait_for_url(re.compile(r"ws=[A-Z0-9]{5}"))
        code = re.search(r"ws=([A-Z0-9]{5})", page.url).group(1)
        page.get_by_role("button", name="Åpne for stemmer").click()
        page.get_by_role("button", name="Steng avstemningen").wait_for()
        return code
    finally:
        context.close()


@pytest.fixture(scope="module")
def open_workshop(live_app, browser) -> str:
    return _open_session(browser, live_app)


def test_the_workshop_link_pages_pass_axe(live_app, browser, axe, open_workshop):
    """The participant and projector pages of an open session (no menu, no sign-in), and
    both pages as the menu opens them (asking for the code)."""
    found: list[Scan] = []
    for lang in LANGS:
        # the participant's light page (issue 13: /w/CODE, and /w asking for the code)
        # and the projector, which the facilitator opens with its code
        for name, path in (("delta", f"/w/{open_workshop}?"),
                           ("projektor", f"/projektor?w={open_workshop}&"),
                           ("delta (code)", "/w?")):
            context = browser.new_context(viewport=WIDE, locale="nb-NO")
            page = context.new_page()
            page.set_default_timeout(30_000)
            try:
                page.goto(f"{live_app}{path}lang={lang}")
                try:
                    page.get_by_role("heading").first.wait_for()
                except PlaywrightTimeout:
                    pytest.fail(f"no heading on {path}lang={lang}: {page.inner_text('body')[:300]!r}")
                settle(page)
                expect(page.locator("html")).to_have_attribute("lang", lang)
                found += _both_widths(axe, page, "participant", name, lang)
            finally:
                context.close()
    failed = [s for s in found if s.violations]
    assert not failed, report(failed)


def test_a_participant_votes_with_the_keyboard_alone(live_app, browser, open_workshop):
    """On the participant's light page: Tab to a rating, choose it with the arrow keys,
    Tab to "Send svarene", press Enter: saved. Every focused control shows a visible
    focus ring (on the control, or on the label drawn for a visually hidden radio)."""
    context = browser.new_context(viewport=PHONE, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{live_app}/w/{open_workshop}?lang=nb")
        page.get_by_role("heading", name="Tilgjengelighetsøkt").wait_for()
        focus_ring = """() => { const e = document.activeElement;
            if (e === document.body) return ['BODY', '', '', true];
            const drawn = e.matches('input[type=radio]') ? e.nextElementSibling : e;
            const s = getComputedStyle(drawn);
            return [e.tagName, e.type || '', (e.value || e.innerText || '').trim(),
                    (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                    || s.boxShadow !== 'none']; }"""
        trail = []
        for _ in range(10):
            page.keyboard.press("Tab")
            tag, kind, text, ring = page.evaluate(focus_ring)
            trail.append((tag, kind, text[:20]))
            assert ring, f"no visible focus on {tag} {kind} {text!r}"
            if kind == "radio":
                break
        else:
            pytest.fail(f"the rating buttons cannot be reached with Tab: {trail}")
        for _ in range(3):  # the arrow keys move inside a radio group and choose
            page.keyboard.press("ArrowRight")
        tag, kind, text, ring = page.evaluate(focus_ring)
        assert (kind, ring) == ("radio", True), trail
        assert page.evaluate("() => document.activeElement.checked")
        for _ in range(60):  # past the other goals' groups to the send button
            page.keyboard.press("Tab")
            tag, kind, text, ring = page.evaluate(focus_ring)
            trail.append((tag, kind, text[:20]))
            assert ring, f"no visible focus on {tag} {kind} {text!r}"
            if tag == "BUTTON":
                break
        else:
            pytest.fail(f"the send button cannot be reached with Tab: {trail}")
        page.keyboard.press("Enter")
        page.get_by_text(re.compile(r"Takk! 1 av \d+ svar er lagret")).wait_for()
    finally:
        context.close()
