"""End to end in Chromium: upload the real SSB CSV export, import it, see it in history."""

from __future__ import annotations

import re

import pytest

from tests.conftest import pick_option, sign_in

pytestmark = pytest.mark.browser


def test_upload_ssb_csv_and_see_the_batch(live_app, page, shared_data, tmp_path):
    csv = shared_data / "indicators" / "ssb_exports" / "SSB_11616_20220427-120901.csv"
    sign_in(page, live_app, "analytiker")
    page.get_by_role("link", name="Importer tall").click()  # the sidebar's Data section
    page.get_by_role("heading", name="Importer indikatortall").wait_for()
    assert page.url.endswith("/data") or "/data?" in page.url
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(csv))
    page.get_by_text("92 rader er klare til import", exact=False).wait_for(timeout=60_000)
    page.get_by_text("Avstemming: hva skjedde med hver rad").wait_for()  # reconciliation
    page.screenshot(path=str(tmp_path / "import.png"), full_page=True)
    page.get_by_role("button", name="Importer 92 rader").click()
    done = page.get_by_text("Importerte 92 rader som import", exact=False)
    done.wait_for(timeout=60_000)
    batch = re.search(r"som import (\d+)", done.inner_text()).group(1)

    page.get_by_role("link", name="Importhistorikk").click()
    page.get_by_role("heading", name="Importhistorikk").wait_for()
    page.get_by_text("Angre importen").wait_for()
    page.get_by_text(f"Ja, angre import {batch}").wait_for()  # undo asks first
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.wait_for()
    page.screenshot(path=str(tmp_path / "historikk.png"), full_page=True)
    # the data grid is drawn on a canvas; the newest batch is picked and its rows listed
    page.get_by_text(f"Radene i import {batch}").wait_for()
    cell = page.locator("[role='gridcell']", has_text="SSB_11616_20220427-120901.csv").first
    assert cell.text_content() == "SSB_11616_20220427-120901.csv"  # the grid's a11y layer
    assert page.get_by_text("Traceback").count() == 0


def test_the_import_template_downloads_as_a_workbook(live_app, page, tmp_path):
    """The template is built when its button is pressed (not on every run of the
    page) and arrives as a workbook the analyst can fill in."""
    import openpyxl

    sign_in(page, live_app, "analytiker")
    page.get_by_role("link", name="Importer tall").click()
    page.get_by_role("heading", name="Importer indikatortall").wait_for()
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Last ned importmal").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    book = openpyxl.load_workbook(path)
    assert len(book.sheetnames) >= 2 and book[book.sheetnames[0]].max_row > 1


def _choices(page) -> list[str]:
    """The text each selectbox shows (its chosen option), sidebar first."""
    return page.locator("[data-testid='stSelectbox'] input[role='combobox']").evaluate_all(
        "boxes => boxes.map(b => b.value)")


def _wait_for_choices(page, expected: list[str]) -> None:
    """Wait (up to 20 s, as the page's reruns finish) until the mapping form's first
    three selectboxes show ``expected``."""
    for _ in range(100):
        if _choices(page)[1:4] == expected:
            return
        page.wait_for_timeout(200)
    assert _choices(page)[1:4] == expected


def test_the_mapping_form_follows_a_language_switch_and_keeps_the_choices(
        live_app, page, shared_data, tmp_path):
    """Streamlit kept showing a keyed selectbox's old label: after a switch to English
    the form said "Ny indikator" and "Ingen ønsket retning" (ui.i18n.relabel)."""
    csv = shared_data / "real" / "21_ssb_kostra_eiendomsskatt_2015_tidy_knr2015.csv"
    sign_in(page, live_app, "analytiker")
    page.get_by_role("link", name="Importer tall").click()
    page.get_by_role("heading", name="Importer indikatortall").wait_for()
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(csv))
    year = page.get_by_label("År for hele filen", exact=True)  # the file names no year
    year.fill("2015")
    year.press("Enter")
    page.get_by_text("3 Koble til indikatorer").wait_for(timeout=60_000)
    pick_option(page, "Ønsket retning", "Høyere er bedre")  # the analyst picks
    _wait_for_choices(page, ["Ny indikator", "Høyere er bedre", "Ingen (beregnes ikke)"])

    page.get_by_text("English", exact=True).click()
    page.get_by_text("3 Map to indicators").wait_for()
    _wait_for_choices(page, ["New indicator", "Higher is better", "None (not computed)"])
    page.get_by_text("3 Map to indicators").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "mapping_en.png"))
    assert "Ny indikator" not in _choices(page)
    assert page.get_by_text("Session State API").count() == 0  # no Streamlit warning

    page.get_by_text("Bokmål", exact=True).click()  # and back
    page.get_by_text("3 Koble til indikatorer").wait_for()
    _wait_for_choices(page, ["Ny indikator", "Høyere er bedre", "Ingen (beregnes ikke)"])
