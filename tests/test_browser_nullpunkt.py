"""End to end in Debian's Chromium: the zero-point page for Asker."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_asker_zero_point_page_shows_grunnskolepoeng(live_app, page, tmp_path):
    page.goto(f"{live_app}/nullpunkt?kommune=3203&goal=4")
    page.get_by_role("heading", name="Nullpunktsmåling 2019").wait_for()
    # The key-figure card of grunnskolepoeng: zero point and how it was made.
    page.get_by_text("Nullpunkt 2019: 43.09 (beregnet fra 0220, 0627, 0628, elevvektet)"
                     ).first.wait_for()
    # The answer first: a plain table (it wraps on a phone) with zero point, latest,
    # change and status, the numbers the Norwegian way.
    answer = page.locator("[data-testid='stTable']").first
    answer.get_by_text("Grunnskolepoeng (poeng)").wait_for()
    answer.get_by_text("43,1 (2019)").wait_for()
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
