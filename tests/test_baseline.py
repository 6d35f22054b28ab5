"""Tests of sdg.baseline: the 2019 zero point of a merged municipality (METHODS.md §3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg.baseline import (
    Predecessors,
    ZeroPoint,
    continued_series,
    manual_zero_point,
    predecessors,
    renumbering_chain,
    zero_point,
)
from sdg.errors import InvalidInput

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
GRUNNSKOLEPOENG = (
    SHARED_DATA / "indicators" / "udir" / "grunnskolepoeng_kommuner_2016-2021_long.csv"
)

# Hand computation of the METHODS.md check (grunnskolepoeng 2018-19, pupil-weighted):
#   Σ vᵢ·dᵢ = 43.6·751 + 42.5·256 + 41.0·112 = 32743.6 + 10880.0 + 4592.0 = 48215.6
#   Σ dᵢ    = 751 + 256 + 112 = 1119
#   48215.6 / 1119 = 43.08811… → 43.09
ASKER_2019 = 48215.6 / 1119
ASKER = ("0220", "0627", "0628")


def frame(rows: list[tuple], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def obs(rows: list[tuple[str, int, float]]) -> pd.DataFrame:
    return frame(rows, ("municipality", "year", "value"))


def changes(rows: list[tuple[str, str, int, str]]) -> pd.DataFrame:
    return frame(rows, ("predecessor", "successor", "year", "kind"))


ASKER_CHANGES = changes(
    [
        ("0220", "3025", 2020, "merger"),
        ("0627", "3025", 2020, "merger"),
        ("0628", "3025", 2020, "merger"),
        ("3025", "3203", 2024, "renumbering"),
    ]
)
SPLIT_CHANGES = changes([("1507", "1508", 2024, "split"), ("1507", "1580", 2024, "split")])

POINTS = obs(
    [
        ("0220", 2018, 43.6),
        ("0220", 2019, 43.6),
        ("0627", 2019, 42.5),
        ("0628", 2019, 41.0),
        ("3025", 2020, 43.8),
        ("3025", 2021, 44.0),
        ("0301", 2019, 40.0),
    ]
)
PUPILS = obs(
    [
        ("0220", 2019, 751),
        ("0627", 2019, 256),
        ("0628", 2019, 112),
        ("3025", 2020, 1196),
    ]
)


# ---------------------------------------------------------------------------
# Predecessors
# ---------------------------------------------------------------------------


def test_predecessors_walk_back_through_renumbering_and_merger():
    assert predecessors("3203", 2019, ASKER_CHANGES) == ASKER
    assert predecessors("3025", 2019, ASKER_CHANGES) == ASKER
    assert predecessors("3203", 2020, ASKER_CHANGES) == ("3025",)  # 3025 exists from 2020
    assert predecessors("3203", 2023, ASKER_CHANGES) == ("3025",)
    assert predecessors("3203", 2024, ASKER_CHANGES) == ("3203",)
    assert predecessors("0301", 2019, ASKER_CHANGES) == ("0301",)  # no change: itself
    assert predecessors("3203", 2019, None) == ("3203",)
    assert not predecessors("3203", 2019, ASKER_CHANGES).has_split


def test_predecessors_mark_a_split():
    p = predecessors("1580", 2019, SPLIT_CHANGES)
    assert isinstance(p, Predecessors) and isinstance(p, tuple)
    assert p == ("1507",) and p.splits == ("1507",) and p.has_split
    # a predecessor with two successors in the same year counts as a split, whatever its kind
    p = predecessors("B", 2019, changes([("A", "B", 2020, "merger"), ("A", "C", 2020, "merger")]))
    assert p.splits == ("A",)


def test_predecessors_municipality_that_keeps_its_code():
    # X absorbs Y in 2024 and keeps its code; X itself came from P and Q in 2020
    ch = changes(
        [
            ("P", "X", 2020, "merger"),
            ("Q", "X", 2020, "merger"),
            ("X", "X", 2024, "merger"),
            ("Y", "X", 2024, "merger"),
        ]
    )
    assert predecessors("X", 2022, ch) == ("X", "Y")
    assert predecessors("X", 2019, ch) == ("P", "Q", "Y")


def test_codes_are_zero_padded():
    ch = changes([(220, 3025, 2020, "merger"), (627, 3025, 2020, "merger")])
    assert predecessors(3025, 2019, ch) == ("0220", "0627")


def test_renumbering_chain_stops_at_mergers_and_splits():
    assert renumbering_chain("3203", ASKER_CHANGES) == ("3203", "3025")
    assert renumbering_chain("3025", ASKER_CHANGES) == ("3025",)
    assert renumbering_chain("1508", SPLIT_CHANGES) == ("1508",)


def test_invalid_change_table():
    with pytest.raises(InvalidInput):
        predecessors("3203", 2019, changes([("3025", "3203", 2024, "rename")]))
    with pytest.raises(InvalidInput):
        predecessors("3203", 2019, pd.DataFrame({"predecessor": ["3025"], "successor": ["3203"]}))


# ---------------------------------------------------------------------------
# Continued series
# ---------------------------------------------------------------------------


def test_renumbering_continues_a_series():
    data = pd.concat([POINTS, obs([("3203", 2024, 44.5)])])
    s = continued_series("3203", data, ASKER_CHANGES)
    assert list(s.columns) == ["year", "value", "source_municipality"]
    assert s["year"].tolist() == [2020, 2021, 2024]  # never back through the merger
    assert s["value"].tolist() == [43.8, 44.0, 44.5]
    assert s["source_municipality"].tolist() == ["3025", "3025", "3203"]


def test_own_code_wins_where_both_have_a_year():
    data = obs([("3025", 2024, 1.0), ("3203", 2024, 2.0), ("3025", 2023, 3.0)])
    s = continued_series("3203", data, ASKER_CHANGES)
    assert s.to_dict("list") == {
        "year": [2023, 2024],
        "value": [3.0, 2.0],
        "source_municipality": ["3025", "3203"],
    }


def test_continued_series_empty():
    s = continued_series("9999", POINTS, ASKER_CHANGES)
    assert s.empty and list(s.columns) == ["year", "value", "source_municipality"]


# ---------------------------------------------------------------------------
# Zero points
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["3025", "3203"])
def test_asker_grunnskolepoeng_weighted(code):
    zp = zero_point(code, POINTS, ASKER_CHANGES, rule="weighted", denominators=PUPILS)
    assert zp.value == pytest.approx(ASKER_2019, abs=1e-12)
    assert round(zp.value, 2) == 43.09
    assert (zp.municipality, zp.year, zp.method, zp.sources, zp.missing) == (
        code,
        2019,
        "weighted",
        ASKER,
        (),
    )
    assert zp.provenance("nb", "elevvektet") == "beregnet fra 0220, 0627, 0628, elevvektet"
    assert zp.provenance("en", "pupil-weighted") == "computed from 0220, 0627, 0628, pupil-weighted"
    assert zp.provenance() == "beregnet fra 0220, 0627, 0628, vektet med nevner"


def test_sum():
    # 100 + 200 + 300 = 600
    counts = obs([("0220", 2019, 100.0), ("0627", 2019, 200.0), ("0628", 2019, 300.0)])
    zp = zero_point("3203", counts, ASKER_CHANGES, rule="sum")
    assert (zp.value, zp.method, zp.sources) == (600.0, "sum", ASKER)
    assert zp.provenance("en") == "computed from 0220, 0627, 0628, summed"


def test_none_rule_gives_no_value():
    zp = zero_point("3203", POINTS, ASKER_CHANGES, rule="none")
    assert (zp.value, zp.method, zp.sources, zp.missing) == (None, "none", ASKER, ())
    assert "manuelt" in zp.provenance("nb") and "0220, 0627, 0628" in zp.provenance("nb")


def test_missing_predecessor_value():
    partial = POINTS[POINTS["municipality"] != "0628"]
    zp = zero_point("3203", partial, ASKER_CHANGES, rule="sum")
    assert (zp.value, zp.method, zp.missing, zp.sources) == (None, "missing", ("0628",), ASKER)
    assert zp.provenance("nb") == "ikke beregnet: mangler verdi for 0628 (2019)"
    zp = zero_point("3203", partial, ASKER_CHANGES, rule="weighted", denominators=PUPILS)
    assert zp.method == "missing" and zp.missing == ("0628",)


def test_missing_denominator():
    pupils = PUPILS[PUPILS["municipality"] != "0627"]
    zp = zero_point("3203", POINTS, ASKER_CHANGES, rule="weighted", denominators=pupils)
    assert (zp.value, zp.method, zp.missing) == (None, "missing", ("0627",))


def test_nan_values_count_as_missing():
    data = POINTS.copy()
    data.loc[data["municipality"] == "0627", "value"] = float("nan")
    zp = zero_point("3203", data, ASKER_CHANGES, rule="sum")
    assert zp.missing == ("0627",)


def test_weighted_needs_valid_denominators():
    with pytest.raises(InvalidInput):
        zero_point("3203", POINTS, ASKER_CHANGES, rule="weighted")
    negative = PUPILS.assign(value=[751, -256, 112, 1196])
    with pytest.raises(InvalidInput):
        zero_point("3203", POINTS, ASKER_CHANGES, rule="weighted", denominators=negative)
    zeros = PUPILS.assign(value=0)
    with pytest.raises(InvalidInput):
        zero_point("3203", POINTS, ASKER_CHANGES, rule="weighted", denominators=zeros)


def test_municipality_that_did_not_merge():
    zp = zero_point("0301", POINTS, ASKER_CHANGES, rule="weighted")
    assert (zp.value, zp.method, zp.sources) == (40.0, "published", ("0301",))
    assert zp.provenance("en") == "published value for 0301 (2019)"
    # no value and nothing to combine: missing, whatever the rule
    zp = zero_point("0301", POINTS, ASKER_CHANGES, rule="sum", year=2018)
    assert (zp.value, zp.method, zp.missing) == (None, "missing", ("0301",))


def test_published_value_preferred_over_computed():
    recomputed = pd.concat([POINTS, obs([("3203", 2019, 43.2)])])
    zp = zero_point("3203", recomputed, ASKER_CHANGES, rule="weighted", denominators=PUPILS)
    assert (zp.value, zp.method, zp.sources) == (43.2, "published", ("3203",))


def test_published_value_continued_through_renumbering():
    zp = zero_point("3203", POINTS, ASKER_CHANGES, rule="sum", year=2021)
    assert (zp.value, zp.method, zp.sources) == (44.0, "continued", ("3025",))
    assert zp.provenance("nb") == (
        "publisert verdi for 3025 (2021), videreført ved omnummerering til 3203"
    )
    # a year after the merger without data: 3025 alone, nothing to combine → missing
    zp = zero_point("3203", POINTS, ASKER_CHANGES, rule="sum", year=2022)
    assert (zp.method, zp.missing) == ("missing", ("3025",))


def test_split_on_the_path():
    data = obs([("1507", 2019, 1000.0)])
    zp = zero_point("1580", data, SPLIT_CHANGES, rule="sum")
    assert (zp.value, zp.method, zp.sources) == (None, "split", ("1507",))
    assert "delt" in zp.provenance("nb") and "split" in zp.provenance("en")
    # unless published
    data = obs([("1507", 2019, 1000.0), ("1580", 2019, 300.0)])
    zp = zero_point("1580", data, SPLIT_CHANGES, rule="sum")
    assert (zp.value, zp.method) == (300.0, "published")


def test_invalid_inputs():
    with pytest.raises(InvalidInput):
        zero_point("3203", POINTS, ASKER_CHANGES, rule="median")
    with pytest.raises(InvalidInput):
        zero_point("3203", POINTS.rename(columns={"value": "v"}), ASKER_CHANGES, rule="sum")
    conflicting = pd.concat([POINTS, obs([("0220", 2019, 1.0)])])
    with pytest.raises(InvalidInput):
        zero_point("3203", conflicting, ASKER_CHANGES, rule="sum")
    with pytest.raises(InvalidInput):
        zero_point("3203", obs([("0220", 2019, "n/a")]), ASKER_CHANGES, rule="sum")


def test_repeated_identical_row_is_harmless():
    repeated = pd.concat([POINTS, obs([("0220", 2019, 43.6)])])
    zp = zero_point("3203", repeated, ASKER_CHANGES, rule="weighted", denominators=PUPILS)
    assert zp.value == pytest.approx(ASKER_2019, abs=1e-12)


def test_manual_zero_point():
    zp = manual_zero_point("3203", 12.5, "  Median from SSB on 2020 borders ")
    assert zp == ZeroPoint("3203", 2019, 12.5, "manual", note="Median from SSB on 2020 borders")
    assert zp.provenance("nb") == "manuell verdi (2019): Median from SSB on 2020 borders"
    assert manual_zero_point("3203", 1, "x", year=2020).year == 2020
    with pytest.raises(InvalidInput):
        manual_zero_point("3203", 12.5, "  ")
    with pytest.raises(InvalidInput):
        manual_zero_point("3203", float("nan"), "note")
    with pytest.raises(InvalidInput):
        manual_zero_point("3203", "abc", "note")


def test_zero_point_is_frozen():
    zp = manual_zero_point("3203", 1.0, "note")
    with pytest.raises(AttributeError):
        zp.value = 2.0  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Real data: Udir grunnskolepoeng (skipped where ../shared/data is absent)
# ---------------------------------------------------------------------------


@pytest.mark.shared
def test_asker_from_the_udir_file():
    if not GRUNNSKOLEPOENG.exists():
        pytest.skip(f"reference data not found: {GRUNNSKOLEPOENG}")
    raw = pd.read_csv(GRUNNSKOLEPOENG, dtype={"kommunekode": str})
    # suppressed cells ("prikket") are marked "*": they are missing values, not numbers
    for column in ("grunnskolepoeng", "antall_elever"):
        raw[column] = pd.to_numeric(raw[column].replace("*", None))
    data = raw.rename(columns={"kommunekode": "municipality", "aar_slutt": "year"})
    points = data.rename(columns={"grunnskolepoeng": "value"})[["municipality", "year", "value"]]
    pupils = data.rename(columns={"antall_elever": "value"})[["municipality", "year", "value"]]
    for code in ("3025", "3203"):
        zp = zero_point(code, points, ASKER_CHANGES, rule="weighted", denominators=pupils)
        assert zp.method == "weighted" and zp.sources == ASKER
        assert round(zp.value, 2) == 43.09
    # 2020 is published for 3025 (43.8), and continues to 3203
    zp = zero_point("3203", points, ASKER_CHANGES, rule="weighted", year=2020)
    assert (zp.value, zp.method) == (43.8, "continued")


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

values = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)
weights = st.floats(min_value=0.5, max_value=5000.0, allow_nan=False)


@settings(max_examples=50)
@given(
    v=st.tuples(values, values, values),
    d=st.tuples(weights, weights, weights),
    rule=st.sampled_from(["sum", "weighted", "none"]),
    seed=st.integers(0, 2**16),
)
def test_permuting_rows_changes_nothing(v, d, rule, seed):
    points = obs([(c, 2019, x) for c, x in zip(ASKER, v, strict=True)] + [("3025", 2020, 1.0)])
    pupils = obs([(c, 2019, x) for c, x in zip(ASKER, d, strict=True)])
    before = zero_point("3203", points, ASKER_CHANGES, rule=rule, denominators=pupils)
    after = zero_point(
        "3203",
        points.sample(frac=1, random_state=seed),
        ASKER_CHANGES.sample(frac=1, random_state=seed + 1),
        rule=rule,
        denominators=pupils.sample(frac=1, random_state=seed + 2),
    )
    assert after == before


@settings(max_examples=50)
@given(v=st.tuples(values, values, values), d=weights)
def test_weighted_with_equal_denominators_is_the_mean(v, d):
    points = obs([(c, 2019, x) for c, x in zip(ASKER, v, strict=True)])
    pupils = obs([(c, 2019, d) for c in ASKER])
    zp = zero_point("3203", points, ASKER_CHANGES, rule="weighted", denominators=pupils)
    assert zp.value == pytest.approx(sum(v) / 3, rel=1e-12, abs=1e-12)


@settings(max_examples=50)
@given(v=st.tuples(values, values, values), d=st.tuples(weights, weights, weights), k=weights)
def test_scaling_denominators_changes_nothing(v, d, k):
    points = obs([(c, 2019, x) for c, x in zip(ASKER, v, strict=True)])
    pupils = obs([(c, 2019, x) for c, x in zip(ASKER, d, strict=True)])
    plain = zero_point("3203", points, ASKER_CHANGES, rule="weighted", denominators=pupils)
    scaled = zero_point(
        "3203",
        points,
        ASKER_CHANGES,
        rule="weighted",
        denominators=pupils.assign(value=pupils["value"] * k),
    )
    assert scaled.value == pytest.approx(plain.value, rel=1e-12, abs=1e-12)
