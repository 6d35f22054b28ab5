"""End to end in Debian's Chromium: the council's cycle by role, the status chart's
marks inside its drawn area, hollow points in the matrix, and screenshots at 1400 and
390 px of the front page, a goal page, the zero-point page and the matrix."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sdg.auth import SYSTEM

pytestmark = pytest.mark.browser

#: Where the screenshots go (the closing note looks at them); a temporary folder else.
SHOTS = os.environ.get("SDG_SHOTS")
PASSWORD = "et langt testpassord"
POINTS = "[data-testid='stVegaLiteChart'] g.mark-symbol path"

# Every rect mark of a chart in the coordinates of its SVG (getBBox through getCTM),
# and the SVG's own size: the marks must lie inside what the browser draws.
_MARKS_JS = """el => {
  const svg = el.querySelector('svg.marks');
  const size = [svg.width.baseVal.value, svg.height.baseVal.value];
  const rects = Array.from(svg.querySelectorAll('g.mark-rect path')).map(p => {
    const b = p.getBBox(), m = p.getCTM();
    return [m.a * b.x + m.e, m.d * b.y + m.f, m.a * b.width, m.d * b.height];
  });
  return {size, rects};
}"""


def _shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _sign_in(page, url: str, name: str) -> None:
    page.goto(f"{url}/konto")
    page.get_by_role("link", name="Logg inn").click()  # the sign-in page sets the cookie
    page.get_by_label("Brukernavn").fill(name)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Du er logget inn som").wait_for()


def _go(page, link: str) -> None:
    """Follow a menu link (a sign-in lives in the session: a new URL would end it)."""
    page.locator("[data-testid='stSidebar']").get_by_role("link", name=link).click()


def _users(store) -> None:
    store.add_user(SYSTEM, "kari", "analyst", password=PASSWORD)
    store.add_user(SYSTEM, "siri", "secretary", password=PASSWORD)


def test_decision_cycle_by_role_front_page_changes_only_on_adoption(fresh_app, browser,
                                                                    tmp_path):
    url = fresh_app(_users)
    analyst = browser.new_context(viewport={"width": 1400, "height": 900}, locale="nb-NO")
    page = analyst.new_page()
    page.set_default_timeout(30_000)
    _sign_in(page, url, "kari")
    _go(page, "Vesentlighetsmatrise")
    page.locator(POINTS).nth(16).wait_for(state="attached", timeout=60_000)
    page.get_by_label("Begrunnelse").fill("Forslag etter verkstedene 2025")
    page.get_by_text("Jeg bekrefter forslaget").click()
    page.get_by_role("button", name="Legg fram forslag").click()
    page.get_by_text("Forslaget er lagt fram").wait_for()
    # the front page still shows the adopted decision
    _go(page, "Oversikt")
    page.get_by_text("Vedtatt 25.09.2018").wait_for()
    # an analyst cannot adopt: the decision page has no such step for the role
    _go(page, "Vedtak om fokusmål")
    page.get_by_role("heading", name="Vedtak om fokusmål").wait_for()
    page.get_by_role("button", name="Trekk").wait_for()
    assert page.get_by_role("button", name="Registrer vedtaket").count() == 0
    analyst.close()

    secretary = browser.new_context(viewport={"width": 1400, "height": 900}, locale="nb-NO")
    page = secretary.new_page()
    page.set_default_timeout(30_000)
    _sign_in(page, url, "siri")
    _go(page, "Vedtak om fokusmål")
    page.get_by_role("button", name="Registrer vedtaket").wait_for()
    page.get_by_label("Saksnummer").fill("2025/117")
    page.get_by_text("Jeg bekrefter at kommunestyret har vedtatt dette").click()
    page.get_by_role("button", name="Registrer vedtaket").click()
    page.get_by_text("Vedtaket er registrert").wait_for()
    page.get_by_text("Historikk").scroll_into_view_if_needed()
    _shot(page, tmp_path, "vedtak_adopted_1400")
    _go(page, "Oversikt")
    page.get_by_text("sak 2025/117").first.wait_for()
    _shot(page, tmp_path, "oversikt_after_adoption_1400")
    secretary.close()


@pytest.mark.parametrize("width, height", [(1400, 900), (390, 844)])
def test_status_chart_draws_its_marks_inside_the_svg(live_app, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_app}/mal?goal=11&kommune=3203")
    page.get_by_role("heading", name="Status for alle mål").wait_for()
    chart = page.locator("[data-testid='stVegaLiteChart']").last
    expect(chart.locator("svg.marks g.mark-rect path")).to_have_count(17, timeout=60_000)
    found = chart.evaluate(_MARKS_JS)
    w, h = found["size"]
    assert h >= 40 and w > 300
    for x, y, rw, rh in found["rects"]:
        assert rw > 5 and rh > 20  # a tile, not a sliver
        assert -0.5 <= x and x + rw <= w + 0.5 and -0.5 <= y and y + rh <= h + 0.5
    context.close()


@pytest.mark.parametrize("width, height, suffix", [(1400, 900, "1400"), (390, 844, "390")])
def test_screenshots_of_the_four_pages(live_app, browser, tmp_path, width, height, suffix):
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_app}/?kommune=3203")
    page.get_by_role("heading", name="Fokusmålene mot nullpunktet 2019").wait_for()
    page.get_by_text("Se detaljer").first.wait_for()
    _shot(page, tmp_path, f"oversikt_{suffix}")
    page.get_by_text("Se detaljer").last.scroll_into_view_if_needed()
    _shot(page, tmp_path, f"oversikt_status_{suffix}")
    page.goto(f"{live_app}/mal?goal=4&kommune=3203")
    page.get_by_role("heading", name="Status for alle mål").wait_for()
    page.locator("[data-testid='stVegaLiteChart'] svg.marks g.mark-rect path").nth(16).wait_for(
        state="attached", timeout=60_000)
    _shot(page, tmp_path, f"mal4_{suffix}")
    page.get_by_role("heading", name="Status for alle mål").scroll_into_view_if_needed()
    _shot(page, tmp_path, f"mal4_status_{suffix}")
    page.goto(f"{live_app}/nullpunkt?kommune=3203")
    page.get_by_role("heading", name="Nullpunktsmåling 2019").wait_for()
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    _shot(page, tmp_path, f"nullpunkt_{suffix}")
    page.locator("[data-testid='stTable']").first.scroll_into_view_if_needed()
    _shot(page, tmp_path, f"nullpunkt_table_{suffix}")
    page.goto(f"{live_app}/vesentlighet?kommune=3203")
    page.locator(POINTS).nth(16).wait_for(state="attached", timeout=60_000)
    page.get_by_text("Slik leser du matrisen").wait_for()
    page.get_by_text("Kilder i kommunestyrets matrise").wait_for()
    _shot(page, tmp_path, f"vesentlighet_{suffix}")
    page.locator("[data-testid='stVegaLiteChart']").first.scroll_into_view_if_needed()
    _shot(page, tmp_path, f"vesentlighet_chart_{suffix}")
    page.get_by_text("Kilder i kommunestyrets matrise").scroll_into_view_if_needed()
    _shot(page, tmp_path, f"vesentlighet_sources_{suffix}")
    assert page.get_by_text("Traceback").count() == 0
    context.close()


def test_hollow_points_have_a_visible_outline(fresh_app, page, tmp_path):
    """A trial survey of three people is all the priority axis has: every point has
    n < 5 and is drawn hollow, with a visible stroke."""
    def few_answers(store):
        import pandas as pd

        from sdg.auth import Actor

        analyst = Actor("x", "analyst")
        ratings = pd.DataFrame([{"respondent": r, "subject": str(g), "axis": "priority",
                                 "value": 1 + (g + r) % 5, "scale_min": 1.0, "scale_max": 5.0}
                                for r in range(3) for g in range(1, 18)])
        trial = store.import_survey("3203", ratings, name="Prøve", actor=analyst)
        store.set_source_included(trial, True, actor=analyst)
        for row in store.rating_sources("3203").itertuples():
            if row.kind in ("survey", "workshop") and row.id != trial:
                store.set_source_included(row.id, False, actor=analyst)
    url = fresh_app(few_answers)
    page.goto(f"{url}/vesentlighet?kommune=3203")
    page.locator(POINTS).nth(16).wait_for(state="attached", timeout=60_000)
    styles = page.locator(POINTS).evaluate_all(
        "ps => ps.map(p => [p.getAttribute('fill-opacity'), p.getAttribute('stroke'),"
        " p.getAttribute('stroke-width')])")
    assert len(styles) == 17
    for opacity, stroke, width in styles:
        assert float(opacity) == 0 and stroke.startswith("#") and float(width) >= 2
    page.set_viewport_size({"width": 1400, "height": 900})
    _shot(page, tmp_path, "vesentlighet_hollow_1400")
