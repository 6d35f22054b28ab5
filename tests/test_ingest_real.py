"""Every real workbook and Statbank export in ../shared/data: counts and known values.

Year convention: school year 2018-19 → 2019; FHI period 2013-2015 → 2015.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sdg.ingest import parse_file

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not DATA.is_dir(), reason="../shared/data is absent on this machine"),
]


@pytest.fixture(scope="module")
def known() -> dict[str, str]:
    names: dict[str, str] = {}
    for name in ("kommuner_2020_2023.csv", "kommuner_2024.csv"):
        with (DATA / "municipalities" / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                names[row["kommunenavn_norsk"]] = row["kommunenummer"]
    return names


def parse(name: str, known: dict[str, str]):
    path = next((DATA / "xlsx").glob(f"{name}*")) if "/" not in name else DATA / name
    return parse_file(path.read_bytes(), path.name, known_codes=known)


# Files (or sheets) without municipal figures → explanation keys per sheet, no tables.
EXPLAINED = {
    "01_": {"A.RES.71.313 Annex": "ingest.explain.un_framework"},
    "03_": {"Godsmengde": "ingest.explain.national_series"},
    "05_": {"Areal1": "ingest.explain.no_period"},
    "06_": {"Kilde 13563": "ingest.explain.aggregates_only",
            "figurer": "ingest.explain.no_regions", "viz": "ingest.explain.aggregates_only"},
    "10_": {"Tabell fylker": "ingest.explain.aggregates_only",
            "Tabell kommuner": "ingest.explain.no_period", "Metadata": "ingest.explain.no_figures"},
    "11_": {"Etter kommune": "ingest.explain.no_period",
            "Etter BA-region": "ingest.explain.no_measures"},
}  # fmt: skip


@pytest.mark.parametrize("prefix", sorted(EXPLAINED))
def test_workbooks_without_municipal_figures_are_explained(prefix, known) -> None:
    result = parse(prefix, known)
    assert result.tables == []
    found = {e.sheet: e.key for e in result.explanations}
    for sheet, key in EXPLAINED[prefix].items():
        assert found[sheet] == key


def test_02_kostra_kulturskole(known) -> None:
    (table,) = parse("02_", known).tables
    assert (table.layout, table.source, table.unit) == ("ssb_statbank", "SSB 13135", "prosent")
    data = table.data
    assert len(data) == 354 and sorted(data.year.unique()) == list(range(2015, 2021))
    horten = data[(data.municipality == "3801") & (data.year == 2020)]
    assert horten.value.tolist() == [5.1]
    assert data[data.region_label == "0719 Andebu (-2016)"].municipality.unique().tolist() == ["0719"]
    assert (data.status_symbol == ".").sum() > 0


def test_04_multisheet_statbank_and_analyst_sheets(known) -> None:
    result = parse("04_", known)
    by_sheet = {t.sheet: t for t in result.tables}
    assert sorted(by_sheet) == ["Sysselsatte", "Telemark", "Vestfold"]
    main = by_sheet["Sysselsatte"].data
    assert len(main) == 23 and main.year.unique().tolist() == [2021]
    assert main[main.municipality == "3801"].value.tolist() == [62.5]
    telemark = by_sheet["Telemark"].data  # names only, resolved with known_codes
    assert len(telemark) == 17 and telemark.municipality.notna().all()
    assert result.problems.empty


def test_07_udir_asker_2018_19(known) -> None:
    result = parse("07_", known)
    (table,) = result.tables
    data = table.data
    assert table.layout == "udir" and len(data) == 6610
    asker = data[(data.municipality == "0220") & (data.year == 2019)]
    values = dict(zip(asker.measure, asker.value, strict=True))
    assert values == {"Grunnskolepoeng": 43.6, "Antall elever": 751.0}
    assert set(data[data.year >= 2020].municipality) >= {"3025"}
    assert {"0627", "0628"} <= set(data[data.year == 2019].municipality)
    assert [e.key for e in result.explanations] == ["ingest.explain.no_figures"]


def test_08_fhi_merged_cells(known) -> None:
    result = parse("08_", known)
    by_sheet = {t.sheet: t for t in result.tables}
    assert sorted(by_sheet) == ["Ark1", "Ark3", "Ark4", "Tabell1"]
    assert len(by_sheet["Tabell1"].data) == 150 and len(by_sheet["Ark4"].data) == 300
    ark4 = by_sheet["Ark4"].data
    horten = ark4[(ark4.region_label == "Horten") & (ark4.year == 2015)]
    assert horten.municipality.unique().tolist() == [known["Horten"]]
    assert dict(zip(horten.measure, horten.value, strict=True)) == {
        "totalt / gutter": 37.5, "totalt / jenter": 42.4}  # fmt: skip
    assert result.problems.empty


def test_09_kommunebarometer_kostra_blocks(known) -> None:
    result = parse("09_", known)
    blocks = [t for t in result.tables if t.layout == "kostra_blocks"]
    assert len(blocks) == 78
    points = next(t for t in blocks if t.title.startswith("Gjennomsnittlig grunnskolepoeng"))
    lorenskog = points.data[points.data.municipality == "3222"]
    assert lorenskog[["year", "value"]].values.tolist()[-2:] == [[2024, 42.4], [2025, 42.7]]
    assert {e.sheet: e.key for e in result.explanations}["Oversikt"] == "ingest.explain.no_regions"


def test_ssb_exports_csv_and_jsonstat(known) -> None:
    (csv_table,) = parse("indicators/ssb_exports/SSB_11616_20220427-120901.csv", known).tables
    assert csv_table.source == "SSB 11616" and len(csv_table.data) == 92
    horten = csv_table.data[csv_table.data.municipality == "3801"]
    assert horten.value.tolist() == [12807.0, 4367.0, 5814.0, 11360.0]
    (js,) = parse("indicators/ssb_exports/07459_20220914-092711_jsonstat2.json", known).tables
    assert js.source == "SSB 07459" and len(js.data) == 359
    assert js.data[js.data.municipality == "3025"].value.tolist() == [96088.0]
    assert js.data.municipality.notna().sum() == 356  # K-21-22, K-23, K-Rest are pseudo-regions


# --- Issue 11: every non-empty column of a row that gives figures is accounted for ---

def _column_gaps(result, path: Path) -> dict[str, list[str]]:
    """Per sheet with tables, the columns with a non-empty cell on a row that gave
    figures which are neither a figure column nor listed with a reason."""
    from sdg.ingest import read
    from sdg.ingest.problems import column_letter

    data = path.read_bytes()
    kind = read.sniff_kind(data, path.name)
    if kind == "csv":
        raws = [read.read_csv(data, path.name)]
    elif kind == "xlsx":
        raws = read.read_workbook(data, path.name, read.check_zip(data, path.name))
    else:
        raws = read.read_ole(data, path.name)
    grids = {r.name: r.grid for r in raws}
    gaps = {}
    for sheet in {t.sheet for t in result.tables}:
        tables = [t for t in result.tables if t.sheet == sheet]
        figures = set().union(*(set(t.data["src_col"]) for t in tables))
        listed = set().union(*(set(t.col_notes) for t in tables))
        rows = sorted(set().union(*(set(t.data["src_row"]) for t in tables)))
        grid = grids[sheet][[r - 1 for r in rows]]
        used = [column_letter(c) for c in range(grid.shape[1]) if (grid[:, c] != "").any()]
        missing = [c for c in used if c not in figures | listed]
        if missing:
            gaps[sheet] = missing
    return gaps


FILES_WITH_FIGURES = ["xlsx/02_", "xlsx/04_", "xlsx/07_", "xlsx/08_", "xlsx/09_",
                      "real/01_", "real/02_", "real/08_", "real/12_", "real/13_",
                      "real/14_", "real/22_", "real/23_", "real/24_"]


@pytest.mark.parametrize("prefix", FILES_WITH_FIGURES)
def test_every_column_of_a_figure_row_is_figures_or_listed_with_a_reason(prefix, known) -> None:
    path = next(DATA.glob(f"{prefix}*"))
    result = parse_file(path.read_bytes(), path.name, known_codes=known)
    assert result.tables
    assert _column_gaps(result, path) == {}


def test_04_telemark_sheet_lists_its_duplicate_and_side_columns(known) -> None:
    result = parse("04_", known)
    telemark = next(t for t in result.tables if t.sheet == "Telemark")
    assert telemark.col_notes == {
        "B": "ingest.skip.col_region",  # code (the names) of each row
        "D": "ingest.skip.col_duplicate",  # "label": the names again
        "G": "ingest.skip.col_outside",  # a list of names after an empty column
        "J": "ingest.skip.col_outside", "K": "ingest.skip.col_outside",  # min / maks
    }  # fmt: skip
    assert telemark.col_params == {"D": {"column": "B"}}


def test_07_udir_columns_by_role_and_break_notes(known) -> None:
    (table,) = parse("07_", known).tables
    notes = table.col_notes
    assert notes["A"] == "ingest.skip.col_level" and notes["D"] == "ingest.skip.col_region"
    assert notes["E"] == "ingest.skip.col_code"  # Organisasjonsnummer
    assert {notes[c] for c in "BCFG"} == {"ingest.skip.col_geo"}
    assert {notes[c] for c in "HI"} == {"ingest.skip.col_region_name"}
    assert {c for c, k in notes.items() if k == "ingest.skip.col_note"} == set("LNPRTVXZ")
    assert not set(notes) & set(table.data["src_col"])  # no figure column is listed


def test_08_and_09_year_sort_and_category_columns(known) -> None:
    by_sheet = {t.sheet: t for t in parse("08_", known).tables}
    assert by_sheet["Tabell1"].col_notes == {"A": "ingest.skip.col_region",
                                            "B": "ingest.skip.col_year",
                                            "D": "ingest.skip.col_order"}  # "sortering år"
    assert by_sheet["Ark4"].col_notes == {"A": "ingest.skip.col_region",
                                         "B": "ingest.skip.col_category",
                                         "C": "ingest.skip.col_category"}
    blocks = [t for t in parse("09_", known).tables if t.layout == "kostra_blocks"]
    assert {tuple(t.col_notes.items()) for t in blocks} == {(("A", "ingest.skip.col_year"),)}
