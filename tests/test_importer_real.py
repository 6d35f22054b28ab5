"""Issue 11: every real file in ../shared/data/real through the whole import.

Facts are read by hand from the named cells of the files (see MANIFEST.md there);
each file with municipal figures is checked for a few of them, for its
reconciliation ("N rader lest, M importert, K hoppet over") and for no aggregate
stored as a municipality; each file without municipal figures for its true reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sdg.auth import Actor
from sdg.errors import InvalidInput
from sdg.importer import import_file, reconcile, reconciliation_lines

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL = DATA / "real"
pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not REAL.is_dir(), reason="../shared/data/real is absent on this machine"),
]
ANALYST = Actor("analytiker", "analyst")


def _file(prefix: str) -> Path:
    return next(REAL.glob(f"{prefix}_*"))


def _run(store, prefix: str, **kw):
    path = _file(prefix)
    read: list = []
    plan, batch = import_file(store, path.read_bytes(), path.name, actor=ANALYST,
                              dry_run=True, read=read, **kw)
    return plan, read[0]


def _fact(plan, code: str, year: int, measure_part: str | None = None,
          sheet: str | None = None) -> list[float]:
    rows = plan.rows[(plan.rows.municipality == code) & (plan.rows.year == year)]
    if sheet is not None:
        rows = rows[rows.sheet == sheet]
    if measure_part is not None:
        names = {spec.id: spec.name_nb.casefold() for spec in plan.new_indicators}
        part = measure_part.casefold()
        label = rows.indicator.map(names)
        rows = rows[label.str.endswith("– " + part) | (label == part)]
    return sorted(rows["value"].dropna().tolist())


def _counts(plan, fr) -> dict[str, int]:
    rec = reconcile(fr, plan)
    return rec.groupby("outcome")["rows"].sum().to_dict()


def _no_aggregates(plan) -> None:
    """No row stored for a county, the nation, a KOSTRA group or a district."""
    codes = plan.rows["municipality"]
    assert codes.notna().all() and codes.str.fullmatch(r"\d{4}").all()
    assert not codes.str.match(r"^(00|2[123])").any()


@pytest.mark.parametrize(
    ("prefix", "reason"),
    [
        ("04", "ingest.explain.other_regions"),         # SSB price regions TOTAL, 001 …
        ("05", "ingest.explain.no_region_dimension"),   # Gini by industry
        ("06", "ingest.explain.not_jsonstat"),          # PxWebApi metadata
        ("07", "ingest.explain.no_region_dimension"),   # JSON-stat 1.0, producer prices
        ("09", "ingest.explain.national_series"),       # national emissions
        ("17", "ingest.explain.districts_only"),        # Oslo sub-districts
        ("18", "ingest.explain.no_measures"),           # list of reporting units
        ("19", "ingest.explain.no_period"),             # no year anywhere
        ("20", "ingest.explain.no_period"),
        ("21", "ingest.explain.no_period"),
    ],
)  # fmt: skip
def test_files_without_municipal_figures_give_the_true_reason(store, prefix, reason):
    before = store.content_checksum()
    with pytest.raises(InvalidInput) as err:
        _run(store, prefix)
    assert err.value.key == "importer.err.no_series"
    from sdg.importer import read_file

    path = _file(prefix)
    fr = read_file(path.read_bytes(), path.name, store.municipalities(current_only=False))
    assert reason in {e.key for e in fr.result.explanations}
    assert store.content_checksum() == before


def test_01_statbank_blank_row_footer_and_a_broken_label(store):
    plan, fr = _run(store, "01")
    (problem,) = plan.problems.itertuples()
    assert (problem.row, problem.column) == (373, "A")  # a student's code in the label
    plan, fr = _run(store, "01", partial=True)
    main = "KOSandel120000"
    assert _fact(plan, "3001", 2020, sheet=main) == [83.6]   # G5
    assert _fact(plan, "3001", 2015, sheet=main) == []       # "." : 3001 did not exist
    assert _fact(plan, "0101", 2015, sheet="o3-test-c") == [77.8]   # B3
    assert _fact(plan, "2111", 2020) == []       # Longyearbyen: Svalbard, skipped
    _no_aggregates(plan)
    counts = _counts(plan, fr)
    assert counts["importer.skip.problem"] == 1 and counts["importer.skip.svalbard"] == 1
    assert counts["ingest.skip.header"] == 2 and counts["imported"] == 722 + 6


def test_02_nvdb_page_headers_and_county_subtotals(store):
    plan, fr = _run(store, "02")
    assert plan.problems.empty
    assert _fact(plan, "0101", 2019, "ev") == [14290.0]  # C5; the year from the title
    assert _fact(plan, "0101", 2019, "sum") == [1281229.0]  # J5
    assert set(plan.rows.year) == {2019}
    _no_aggregates(plan)
    counts = _counts(plan, fr)
    assert counts["imported"] == 89 and counts["importer.skip.county"] == 4
    assert counts["ingest.skip.text_row"] > 0  # the repeated page header rows 40–41 …
    rows40 = plan.rows[plan.rows.src_row.isin([40, 41])]
    assert rows40.empty
    line = reconciliation_lines(reconcile(fr, plan))[0]
    assert line.startswith("Ark Sheet1: 150 rader lest, 89 importert, 61 hoppet over: ")


def test_08_udir_utf16_pipe_decimal_comma_space_thousands(store):
    plan, fr = _run(store, "08")
    assert plan.problems.empty
    arendal = plan.rows[(plan.rows.municipality == "4203")]
    assert set(arendal.year) == {2024} and set(arendal.period) == {"2023-24"}
    assert {49.0, 0.8, 518.0} <= set(arendal.value)  # row 3: 49 | 0,8 | 518
    counts = _counts(plan, fr)
    assert counts["ingest.skip.level_school"] == 2116
    assert counts["ingest.skip.level_county"] == 11 and counts["ingest.skip.level_country"] == 1
    _no_aggregates(plan)


def test_10_11_population_csvs(store):
    plan, fr = _run(store, "10")
    assert _fact(plan, "0101", 2019, "0 years") == [245.0]
    assert plan.rows.municipality.nunique() == 422  # 423 labels
    # "1567 Rindal (-2018)" with 0 for all 106 ages in 2019: did not exist, not stored
    assert _counts(plan, fr)["importer.skip.not_existing"] == 106
    plan, fr = _run(store, "11")
    assert _fact(plan, "3001", 2023, "0 years") == [236.0]
    counts = _counts(plan, fr)
    assert counts["importer.skip.svalbard"] == 318  # K-21-22, K-23, K-Rest × 106 ages
    _no_aggregates(plan)


def test_12_nav_quoted_numbers_and_categories(store):
    plan, fr = _run(store, "12", partial=True)
    assert _fact(plan, "0101", 2014, "arbeidsliv og sykdom / tiltakspenger") == [8.24]  # G3
    assert not plan.left_out.empty  # 1723 Mosvik etc.: codes outside 2013–2024, listed
    assert fr.result.tables[0].col_notes["E"] == "ingest.skip.col_code"  # Kapittel
    _no_aggregates(plan)


def test_13_24_imdi_null_geography_and_periods(store):
    plan, fr = _run(store, "13", partial=True)
    assert _fact(plan, "0101", 2013, "alle / alle / prosent") == [11.4]
    assert _counts(plan, fr)["ingest.skip.other_level"] == 615
    plan, fr = _run(store, "24", partial=True)
    ones = plan.rows[(plan.rows.municipality == "0101") & (plan.rows.year == 2011)]
    assert {155.0, 76.4} <= set(ones.value)
    assert _counts(plan, fr)["ingest.skip.text_values"] == 429  # "Kmmunenavn" rows
    periods = plan.rows[plan.rows.period == "2011_2013"]
    names = {spec.id: spec.name_nb for spec in plan.new_indicators}
    assert set(periods.year) == {2013}
    assert periods.indicator.map(names).str.endswith("3-årsperiode").all()
    _no_aggregates(plan)


def test_14_15_imdi_years_in_headers(store):
    plan, _ = _run(store, "14", partial=True)
    assert _fact(plan, "0101", 2014, "innvkat.3.alle_vreg.3.alle_enhet.prosent_aar") == [11.7]  # B2
    plan, _ = _run(store, "15", partial=True)
    assert _fact(plan, "0101", 2015, "anmodning_personer") == [30.0]  # C2
    assert _fact(plan, "0101", 2015, "vedtak_personer") == [48.0]     # D2
    assert _fact(plan, "0101", 2016, "vedtak_prosent") == [81.42857143]  # O2


def test_16_jsonstat_region_dimension_not_called_region(store):
    plan, fr = _run(store, "16")
    assert plan.problems.empty
    hjemler = "avtalehjemler for private fysioterapeuter, fulltid (antall)"
    assert _fact(plan, "3002", 2020, hjemler) == [20.0]   # value[2]
    assert _fact(plan, "3005", 2020, hjemler) == [45.0]   # value[5]
    assert _fact(plan, "3002", 2018) == []  # null, status ".": Moss 3002 from 2020


def test_19_20_21_with_the_users_year(store):
    plan, _ = _run(store, "20", year=2013)
    assert _fact(plan, "0101", 2013, "forhandsstemmer / a") == [868.0]  # F2
    plan, _ = _run(store, "21", year=2015)
    assert _fact(plan, "0101", 2015, "propertytax_120kvm") == [4875.0]  # C2
    assert _fact(plan, "0101", 2015, "has_propertytax") == [1.0]        # B2: 0/1, a figure
    plan, fr = _run(store, "19", year=2024)
    assert _fact(plan, "1820", 2024, "antall") == [4348.0]  # Alstahaug, B3
    # row 4, "Alta (2020-2023)": its 0 (B4) for a year the code did not exist is not
    # stored; its changes (C4, D4) are real figures under that code: problems, and the
    # row counts as having a problem
    cells = plan.skipped.set_index(["src_row", "src_col"])["reason_key"]
    assert cells[(4, "B")] == "importer.skip.not_existing"
    assert set(plan.problems.loc[plan.problems.row == 4, "column"]) == {"C", "D"}
    assert _counts(plan, fr)["importer.skip.has_problem"] == 114


def test_22_23_fhi_xls_names_only(store):
    plan, fr = _run(store, "22")
    assert plan.problems.empty
    assert _fact(plan, "0101", 2009) == [3.0]   # Halden B10
    plan, _ = _run(store, "23")
    assert _fact(plan, "0101", 2007) == [87.3]  # 1998-2007 → 2007
    assert plan.rows[plan.rows.municipality == "0101"].period.iloc[0] == "1998-2007"


def test_25_nvdb_without_period_and_with_year(store):
    with pytest.raises(InvalidInput):
        _run(store, "25")
    plan, _ = _run(store, "25", year=2020, sheet="Tabell kommuner")
    assert plan.problems.empty
    assert _fact(plan, "0301", 2020, "e") == [96.0]  # C2
    _no_aggregates(plan)


INDICATORS = DATA / "indicators"


@pytest.mark.skipif(not INDICATORS.is_dir(), reason="../shared/data/indicators is absent")
def test_udir_long_grunnskolepoeng_two_figures_not_its_year_flag_and_notes(store):
    """The zero-point file of the presentation: `aar_slutt` beside `skoleaar` is a
    second year column, `prikket` a true/false flag and the two `brudd_…` columns
    remarks. Before, all three became series: 168 indicators, one of them the years."""
    path = INDICATORS / "udir" / "grunnskolepoeng_kommuner_2016-2021_long.csv"
    read: list = []
    plan, _ = import_file(store, path.read_bytes(), path.name, actor=ANALYST,
                          dry_run=True, read=read, partial=True)
    fr = read[0]
    notes = fr.result.tables[0].col_notes
    assert notes["D"] == "ingest.skip.col_year" and notes["E"] == "ingest.skip.col_year_extra"
    assert notes["H"] == "ingest.skip.col_flag"
    assert notes["I"] == notes["J"] == "ingest.skip.col_note"
    assert plan.rows["indicator"].nunique() == 2  # grunnskolepoeng and antall_elever
    points = plan.rows[plan.rows.indicator == "grunnskolepoeng"]
    at = points.set_index(["municipality", "year"])["value"]
    # rows 101, 423, 427 and 1900 of the file: Asker, Røyken, Hurum 2018-19; Asker 2019-20
    assert (at[("0220", 2019)], at[("0627", 2019)], at[("0628", 2019)]) == (43.6, 42.5, 41.0)
    assert at[("3025", 2020)] == 43.8
    pupils = plan.rows[plan.rows.indicator != "grunnskolepoeng"]
    assert pupils.set_index(["municipality", "year"]).at[("0220", 2019), "value"] == 751.0
    years = plan.rows.groupby("indicator")["value"].apply(lambda v: v.between(2016, 2021).all())
    assert not years.any()  # no series of the years themselves
    _no_aggregates(plan)
