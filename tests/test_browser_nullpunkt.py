"""End to end in Debian's Chromium: the zero-point page for Asker."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_asker_zero_point_page_shows_grunnskolepoeng(live_app, page, tmp_path):
    page.goto(f"{live_app}/nullpunkt?kommune=3203&goal=4")
    page.get_by_role("heading", name="Nullpunktsmåling 2019").wait_for()
    # The key-figure card of grunnskolepoeng: zero point and how it was made.
    page.get_by_text("Nullpunkt 2019: 43,09 (beregnet fra 0220, 0627, 0628, elevvektet)"
                     ).first.wait_for()
    # The answer first: a plain table (it wraps on a phone) with zero point, latest,
    # change and status, the numbers the Norwegian way.
    answer = page.locator("[data-testid='stTable']").first
    answer.get_by_text("Grunnskolepoeng (poeng)").wait_for()
    answer.get_by_text("43,09 (2019)").wait_for()
    # The detail view has the rest (st.dataframe draws on a canvas; its accessible
    # table holds the rows, though only the columns in view).
    page.get_by_text("Detaljer: opphav, retning, mål og poeng").click()
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.locator("tr[role='row']").filter(has_text="Grunnskolepoeng").first.wait_for(
        state="attached")
    # the trend chart and its provenance caption are there too
    page.get_by_text("Slik er nullpunktet laget: beregnet fra 0220, 0627, 0628, elevvektet"
                     ).wait_for()
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    assert page.get_by_text("Traceback").count() == 0
    page.screenshot(path=str(tmp_path / "nullpunkt.png"), full_page=True)


def test_an_analyst_downloads_the_report_to_the_council(live_app, page, tmp_path):
    """The button on the page gives the PDF the command line gives."""
    import shutil
    import subprocess

    from tests.conftest import sign_in

    sign_in(page, live_app, "analytiker")
    # in the same session (a new page load would be a new, anonymous session)
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="Nullpunkt 2019").click()
    page.get_by_role("heading", name="Nullpunktsmåling 2019").wait_for()
    button = page.locator("[data-testid='stDownloadButton']").filter(
        has_text="Rapport til kommunestyret (PDF)")
    button.wait_for()
    page.set_viewport_size({"width": 1400, "height": 900})
    page.screenshot(path=str(tmp_path / "nullpunkt_analyst.png"))
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename.startswith("rapport_3203_")
    path = tmp_path / "rapport.pdf"
    download.save_as(path)
    assert path.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "Rapport til kommunestyret" in text and "43,09 (2019)" in text
        assert "DEMO – siden viser oppdiktede tall" in text


def test_the_zero_point_workbook_says_where_the_figures_come_from(live_app, page, tmp_path):
    import io

    import openpyxl

    page.goto(f"{live_app}/nullpunkt?kommune=3203&goal=4")
    button = page.locator("[data-testid='stDownloadButton']").filter(
        has_text="Last ned tabellen (Excel)")
    button.wait_for()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = tmp_path / "n.xlsx"
    info.value.save_as(path)
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == ["Nullpunkt", "Om tallene"]
    rows = list(book["Om tallene"].iter_rows(values_only=True))
    about = {r[0]: r[1] for r in rows if r[0]}
    assert about["Kommune"] == "Asker (3203)"
    assert about["Innstillinger: Bærekraftsmål"].startswith("4 ")
    provenance = [r[1] for r in rows if r[0] == "Opphav"]
    assert any(p.startswith("Grunnskolepoeng: Udir (Skoleporten); nr. 1: ")
               and p.endswith("beregnet fra 0220, 0627, 0628, elevvektet") for p in provenance)
    assert book["Nullpunkt"].cell(2, 6).value == 43.09  # a number, not text
