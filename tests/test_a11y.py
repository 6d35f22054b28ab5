"""sdg.a11y: WCAG contrast with hand-computed values, the tile text colours on every UN
colour, and the record of an axe run the accessibility statement reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sdg.a11y import (
    BLACK,
    WHITE,
    Scan,
    Violation,
    contrast_ratio,
    load_run,
    record_run,
    relative_luminance,
    report,
    statement_facts,
    text_colour_on,
)
from ui.a11y import FADED_TEXT, FOCUS


def test_luminance_and_contrast_by_hand():
    # #FF0000: R = 1 → L = 0.2126; against white (1.05) / (0.2626) = 3.998
    assert relative_luminance("#FF0000") == pytest.approx(0.2126)
    assert contrast_ratio("#FF0000", WHITE) == pytest.approx(1.05 / 0.2626)
    # order does not matter
    assert contrast_ratio(WHITE, "#FF0000") == contrast_ratio("#FF0000", WHITE)
    with pytest.raises(ValueError):
        relative_luminance("#FFF")


def test_every_goal_tile_text_passes_aa_on_its_un_colour(store):
    goals = store.goals()
    chosen = {int(g.goal): text_colour_on(g.colour) for g in goals.itertuples()}
    for g in goals.itertuples():
        assert contrast_ratio(chosen[int(g.goal)], g.colour) >= 4.5, g
    # the ones the issue names: white fails on yellow 7 and light blue 6 and 14
    assert {chosen[7], chosen[6], chosen[14]} == {BLACK}
    assert chosen[17] == WHITE and chosen[4] == WHITE


def test_app_colours_pass_on_white_and_on_the_sidebar():
    for background in ("#FFFFFF", "#F2F4F7"):
        assert contrast_ratio(FADED_TEXT, background) >= 4.5
        assert contrast_ratio(FOCUS, background) >= 3  # non-text contrast (1.4.11)
    # the colours Streamlit drew before: below AA
    assert contrast_ratio("#737A81", "#F2F4F7") < 4.5
    assert contrast_ratio("#797F85", "#FFFFFF") < 4.5


def test_a_run_is_recorded_and_summarised(tmp_path):
    scans = [
        Scan("viewer", "mal", "nn", 390, [Violation("color-contrast", "serious", "Contrast",
                                                      [("p.x", "<p class='x'>")])]),
        Scan("admin", "admin", "nb", 1400),
        Scan("admin", "mal", "en", 1400),
    ]
    path = record_run(scans, axe_version="4.12.1", path=tmp_path / "run.json",
                      when=datetime(2026, 12, 1, 21, 5, tzinfo=UTC))
    facts = statement_facts(load_run(path))
    assert facts["date"].isoformat() == "2026-12-01"
    assert (facts["scans"], facts["pages"], facts["roles"], facts["langs"]) == (3, 2, 2, 3)
    assert facts["widths"] == [390, 1400]
    assert facts["failed"] == {"color-contrast": ["mal"]}
    assert "color-contrast (serious) on mal (viewer, nn, 390 px)" in report(scans)
    assert load_run(tmp_path / "missing.json") is None
    assert statement_facts(None) is None
