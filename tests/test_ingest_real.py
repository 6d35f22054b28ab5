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
