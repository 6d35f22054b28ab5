"""End to end in Debian's Chromium: the materiality matrix is drawn with 17 points."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import pick_option

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


def test_exported_png_and_xlsx_carry_their_context(live_app, page, tmp_path):
    """What a user downloads from the page: the PNG has the context lines above the
    chart (title, sources, DEMO in red); the workbook a sheet "Om tallene"."""
    import io

    import openpyxl
    from PIL import Image

    page.goto(f"{live_app}/vesentlighet?kommune=3203")
    page.locator(POINTS).nth(16).wait_for(state="attached", timeout=60_000)

    def download(label: str) -> bytes:
        # the first button of that name: the ranking's CSV comes before the sources' one
        button = page.locator("[data-testid='stDownloadButton']").filter(has_text=label).first
        with page.expect_download(timeout=60_000) as info:
            button.click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        return path.read_bytes()

    png = Image.open(io.BytesIO(download("Last ned PNG"))).convert("RGB")
    top = png.crop((0, 0, png.size[0], png.size[1] // 6))
    red = sum(n for n, (r, g, b) in top.getcolors(1 << 22) if r > 140 and g < 60 and b < 80)
    assert red > 50  # the DEMO line above the chart
    svg = download("Last ned SVG").decode("utf-8")
    assert "Vesentlighetsmatrise – Asker (3203)" in svg and "DEMO" in svg
    assert "Innbyggerundersøkelse 2018 (n = 1" in svg and "vekt 1" in svg
    book = openpyxl.load_workbook(io.BytesIO(download("Last ned tabellen (xlsx)")))
    assert book.sheetnames[1] == "Om tallene"
    about = {r[0]: r[1] for r in book["Om tallene"].iter_rows(values_only=True) if r[0]}
    assert about["Kommune"] == "Asker (3203)"
    assert about["Innstillinger: Terskel for feltene"] == "median"
    csv = download("Last ned CSV").decode("utf-8-sig").splitlines()
    assert csv[0].startswith("Rang;Mål;Navn") and "," in csv[1]  # decimal comma


def _shown(page, name: str) -> str:
    """The text the selectbox ``name`` shows (its chosen option)."""
    return page.get_by_role("combobox", name=name, exact=True).input_value()


def _wait_shown(page, name: str, prefix: str) -> None:
    for _ in range(100):  # up to 20 s, as the page's reruns finish
        if _shown(page, name).startswith(prefix):
            return
        page.wait_for_timeout(200)
    assert _shown(page, name).startswith(prefix)


def test_the_target_picker_follows_a_language_switch_and_keeps_the_choice(
        live_app, page, tmp_path):
    """A keyed selectbox kept its Norwegian label after a switch to English, and the
    next click sent that label back, so Streamlit reset the choice to the first target
    (ui.i18n.relabel)."""
    page.goto(f"{live_app}/vesentlighet?kommune=3203")
    page.locator(POINTS).nth(16).wait_for(state="attached", timeout=60_000)
    page.locator("[data-testid='stSidebar']").get_by_text("Delmål", exact=True).click()
    page.get_by_role("combobox", name="Delmål", exact=True).wait_for(timeout=60_000)
    pick_option(page, "Delmål", "11.2 ", typed="11.2")  # a long list: filtered by typing
    _wait_shown(page, "Delmål", "11.2 Innen 2030")

    page.get_by_text("English", exact=True).click()
    page.get_by_role("heading", name="Materiality matrix").wait_for()
    _wait_shown(page, "Target", "11.2 By 2030")
    chips = page.locator("[data-testid='stSidebar'] [data-tag] span[title]")
    for _ in range(100):  # the sources' chips, with their kind in English
        if "(#1, citizen survey)" in " ".join(chips.all_text_contents()):
            break
        page.wait_for_timeout(200)
    shown = chips.all_text_contents()
    assert any("(#1, citizen survey)" in c for c in shown), shown
    assert not any(", verksted)" in c or ", innbyggerundersøkelse)" in c for c in shown), shown
    page.locator("[data-testid='stSidebar']").get_by_text("mean", exact=True).click()
    page.wait_for_timeout(2_000)  # a rerun, which sends every widget's value
    _wait_shown(page, "Target", "11.2 By 2030")
    page.get_by_role("combobox", name="Target", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "notes_en.png"))
    assert page.get_by_text("Session State API").count() == 0  # no Streamlit warning
