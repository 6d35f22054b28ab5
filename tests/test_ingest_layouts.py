"""One test (or a few) per layout, on small fixtures generated in code."""

from __future__ import annotations

import io
import json

import numpy as np
import openpyxl
import pytest

from sdg.ingest import parse_file, template_columns

KNOWN = {"Asker": "3203", "Bærum": "3201", "Lørenskog": "3222"}


def workbook(sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def one_table(result):
    assert len(result.tables) == 1, result.explanations
    return result.tables[0]


def test_template_long_groups_by_indicator_and_reads_status() -> None:
    rows = [
        template_columns(),
        ["3203", "Asker", "Folketall", 2024, 98000, "personer", "SSB 07459", ""],
        ["220", "Asker", "Folketall", "2019", "93 679", "personer", "SSB 07459", ""],
        ["3203 Asker", "Asker", "Andel", "2018-19", "", "prosent", "", ".."],
        ["3203", "Asker", "Andel", 2024, "tolv", "prosent", "", ""],
    ]
    result = parse_file(workbook({"Mal": rows}), "mal.xlsx")
    assert [t.title for t in result.tables] == ["Folketall", "Andel"]
    people, share = result.tables
    assert people.layout == "template_long" and people.unit == "personer"
    assert people.source == "SSB 07459"
    assert people.data[["municipality", "year", "value"]].values.tolist() == [
        ["3203", 2024, 98000.0], ["0220", 2019, 93679.0]]  # fmt: skip
    first = share.data.iloc[0]
    assert (first["year"], first["status_symbol"], first["src_row"], first["src_col"]) == (
        2019, "..", 4, "E")  # fmt: skip
    assert np.isnan(first["value"])
    problem = result.problems.iloc[0]
    assert (problem["reason_key"], problem["row"], problem["column"], problem["value"]) == (
        "ingest.problem.not_a_number", 5, "E", "tolv")  # fmt: skip
    assert "E5" in problem["reason"]


def test_wide_years_as_numbers_with_names_resolved_and_unknown_reported() -> None:
    rows = [["Kommune", 2019, 2020], ["Asker", 1.5, 2.5], ["Atlantis", 3, 4], ["Hele landet", 5, 6]]
    result = parse_file(workbook({"Ark": rows}), "w.xlsx", known_codes=KNOWN)
    table = one_table(result)
    assert table.layout == "wide_years"
    data = table.data
    assert data[data.municipality == "3203"]["value"].tolist() == [1.5, 2.5]
    assert data["municipality"].isna().sum() == 4  # Atlantis and the national total
    assert result.problems["reason_key"].tolist() == ["ingest.problem.unknown_region"]
    assert result.problems[["row", "column", "value"]].values.tolist() == [[3, "A", "Atlantis"]]


def test_ssb_statbank_xlsx_with_stacked_headers_footer_and_symbols() -> None:
    rows = [
        ["13135: Utvalgte nøkkeltall for kultur, etter region, statistikkvariabel og år"],
        [],
        [None, "Barn 6-15 år i kulturskole (prosent)"],
        [None, "2019", "2020"],
        ["3203 Asker", ".", 5.1],
        ["0719 Andebu (-2016)", ":", "-"],
        [],
        [". = Ikke mulig å oppgi tall"],
        ["Måleenhet:"],
        ["prosent"],
    ]
    table = one_table(parse_file(workbook({"KOSx": rows}), "13135.xlsx"))
    assert (table.layout, table.title, table.source, table.unit) == (
        "ssb_statbank", "Utvalgte nøkkeltall for kultur", "SSB 13135", "prosent")  # fmt: skip
    data = table.data
    assert data["municipality"].tolist() == ["3203", "3203", "0719", "0719"]
    assert data["status_symbol"].tolist() == [".", None, ":", "-"]
    assert data["value"].fillna(-1).tolist() == [-1, 5.1, -1, 0.0]
    assert data["measure"].unique().tolist() == ["Barn 6-15 år i kulturskole (prosent)"]
    assert data[["src_row", "src_col"]].values.tolist()[1] == [5, "C"]


def test_statbank_csv_latin1_decimal_comma_and_mixed_separators() -> None:
    text = (
        '"11616: Sysselsatte, etter region, statistikkvariabel og år"\n\n'
        '"region";"Andel bosatte 2021";"Andel bosatte 2022"\n'
        '"3203 Asker";12,5;13,5\n"3201 Bærum";1.234,5;14.5\n'
    )
    result = parse_file(text.encode("latin-1"), "SSB_11616.csv")
    table = one_table(result)
    assert table.layout == "ssb_statbank" and table.source == "SSB 11616"
    assert table.data["year"].tolist() == [2021, 2022, 2021, 2022]
    assert table.data["value"].tolist()[:2] == [12.5, 13.5]
    assert table.data["municipality"].tolist()[2] == "3201"  # Latin-1 "æ" decoded
    keys = result.problems["reason_key"].tolist()
    assert keys == ["ingest.problem.mixed_separators", "ingest.problem.mixed_decimal_column"]
    assert result.problems[["row", "column"]].values.tolist() == [[5, "B"], [5, "C"]]


def test_jsonstat_with_k_prefix_pseudo_regions_and_status() -> None:
    doc = {
        "class": "dataset", "version": "2.0",
        "label": "07459: Befolkning, etter region, statistikkvariabel og år",
        "id": ["Region", "ContentsCode", "Tid"], "size": [3, 1, 2],
        "dimension": {
            "Region": {"category": {"index": {"K-3025": 0, "K-3203": 1, "K-23": 2},
                                    "label": {"K-3025": "Asker"}}},
            "ContentsCode": {"category": {"index": {"P": 0}, "label": {"P": "Personer"},
                                          "unit": {"P": {"base": "personer"}}}},
            "Tid": {"category": {"index": {"2022": 0, "2023": 1}}},
        },
        "value": [96088, None, None, 97000, 0, 0],
        "status": {"1": ".."},
        "role": {"geo": ["Region"], "time": ["Tid"]},
    }  # fmt: skip
    table = one_table(parse_file(json.dumps(doc).encode(), "07459.json"))
    assert (table.layout, table.title, table.unit, table.source) == (
        "jsonstat", "Befolkning", "personer", "SSB 07459")  # fmt: skip
    data = table.data
    assert data.iloc[0][["region_label", "municipality", "year", "value"]].tolist() == [
        "K-3025", "3025", 2022, 96088.0]  # fmt: skip
    assert data.iloc[1]["status_symbol"] == ".."
    assert data[data.region_label == "K-23"]["municipality"].isna().all()


def test_udir_export_municipal_rows_measures_and_suppression() -> None:
    rows = [
        ["EnhetNivaa", "Kommunekode", "Kommune", "EnhetNavn",
         "2018-19.Alle eierformer.Begge kjønn.Grunnskolepoeng",
         "2018-19.Alle eierformer.Begge kjønn.Grunnskolepoeng.Brudd",
         "2018-19.Alle eierformer.Begge kjønn.Antall elever"],
        [1, "", "Alle kommuner", "Hele landet", 41.2, "", 60000],
        [3, 220, "Asker", "Asker", 43.6, "brudd", 751],
        [4, 220, "Asker", "Bleiker skole", "*", "", "*"],
        [3, 627, "Røyken", "Røyken", "*", "", 12],
    ]  # fmt: skip
    table = one_table(parse_file(workbook({"Udir": rows}), "udir.xlsx"))
    assert table.layout == "udir" and table.source == "Udir"
    data = table.data
    assert data[["region_label", "municipality", "year", "measure", "value"]].values.tolist()[:2] == [
        ["220", "0220", 2019, "Grunnskolepoeng", 43.6], ["220", "0220", 2019, "Antall elever", 751.0]]  # fmt: skip
    assert data.iloc[2]["status_symbol"] == "*" and len(data) == 4


def test_kostra_blocks_numbers_stored_as_text() -> None:
    rows = [
        ["Grunnskole — nøkkeltall"], ["Kilde: SSB Statistikkbanken (KOSTRA). Foreløpig."], [],
        ["Grunnskolepoeng (poeng)"],
        ["År \\ Region", "Lørenskog", "Landet", "Kostragr. 8"],
        ["2024", "42,4", 42.2, None],
        ["2025", "42.7", "42.2", 41.0],
        [],
        ["Innbyggere (antall)"],
        ["År \\ Region", "Lørenskog", "Landet"],
        ["2025", "51511", "5627400"],
    ]  # fmt: skip
    result = parse_file(workbook({"Grunnskole": rows}), "k.xlsx", known_codes=KNOWN)
    assert [t.title for t in result.tables] == ["Grunnskolepoeng (poeng)", "Innbyggere (antall)"]
    points, people = result.tables
    assert points.layout == "kostra_blocks" and points.unit == "poeng"
    assert points.source == "SSB Statistikkbanken (KOSTRA)"
    lorenskog = points.data[points.data.municipality == "3222"]
    assert lorenskog[["year", "value"]].values.tolist() == [[2024, 42.4], [2025, 42.7]]
    assert people.data["value"].tolist() == [51511.0, 5627400.0]


def test_merged_cells_and_multisheet_pick_the_right_sheets() -> None:
    sheets = {
        "Notat": [["Analysen er laget av oss"], ["Se arket Data"]],
        "Data": [
            ["År", None, "2019-2021", None],
            ["Geografi", "Kjønn", "gutter", "jenter"],
            ["3203 Asker", "alle", 40.1, 44.0],
            [None, "alle", 40.3, 44.2],
        ],
    }
    data = workbook(sheets, {"Data": ["C1:D1", "A3:A4"]})
    result = parse_file(data, "m.xlsx")
    table = one_table(result)
    assert table.sheet == "Data"
    assert table.data["year"].unique().tolist() == [2021]
    assert table.data["measure"].unique().tolist() == ["alle / gutter", "alle / jenter"]
    assert table.data["municipality"].tolist() == ["3203"] * 4
    assert [e.key for e in result.explanations] == ["ingest.explain.no_figures"]
    assert parse_file(data, "m.xlsx", sheet="Data").explanations == []


@pytest.mark.parametrize(
    ("rows", "key"),
    [
        ([["Fylke", "2020"], ["Viken", 1], ["Oslo", 2], ["Agder", 3], ["Rogaland", 4]],
         "ingest.explain.aggregates_only"),
        ([["", "Tonn"], [2010, 4], [2011, 5], [2012, 6]], "ingest.explain.national_series"),
        ([["Kommune", "Km2"], ["0301 Oslo", 1], ["3203 Asker", 2], ["3201 Bærum", 3]],
         "ingest.explain.no_period"),
        ([["Indikator", "Asker 2024"], ["Folketall", 1], ["Fødte", 2]], "ingest.explain.no_regions"),
    ],
)  # fmt: skip
def test_sheets_without_municipal_figures_are_explained(rows, key) -> None:
    result = parse_file(workbook({"S": rows}), "s.xlsx", known_codes=KNOWN)
    assert result.tables == []
    assert [e.key for e in result.explanations] == [key]
    assert str(result.explanations[0])  # a plain message in bokmål


# --- Issue 11: the columns of the wide, Udir, KOSTRA and template readers ---------------

def test_wide_sheet_lists_every_column_it_does_not_read_as_figures() -> None:
    rows = [
        ["Min tabell"], [],
        ["Knr", "Navn", "2020", "2021", "", "Merknad", "Kilde", "", "2022", "Sum"],
        ["3203", "Asker", 1, 2, 5, "ny", "SSB", "", 3, 9],
        ["3201", "Bærum", 3, 4, 6, "", "KOSTRA", "", 4, 8],
        ["3222", "Lørenskog", 5, 6, 7, "", "SSB", "", 5, 7],
    ]  # fmt: skip
    table = one_table(parse_file(workbook({"S": rows}), "w.xlsx"))
    assert table.layout == "wide_years"
    assert sorted(set(table.data["src_col"])) == ["C", "D"]
    assert table.data["measure"].isna().all()  # the names are no category (one series)
    assert table.col_notes == {
        "A": "ingest.skip.col_region", "B": "ingest.skip.col_region_name",
        "E": "ingest.skip.col_no_header", "F": "ingest.skip.col_note",
        "G": "ingest.skip.col_text", "I": "ingest.skip.col_outside_year",
        "J": "ingest.skip.col_outside",
    }  # fmt: skip


def test_wide_sheet_duplicate_column_names_its_twin_in_the_cli_text() -> None:
    from sdg.importer import FileRead, column_notes

    rows = [["region", "2020", "2021", "kopi"],
            ["3203 Asker", 1, 2, 2], ["3201 Bærum", 3, 4, 4]]
    result = parse_file(workbook({"S": rows}), "d.xlsx")
    assert one_table(result).col_params == {"D": {"column": "C"}}
    (line,) = column_notes(FileRead("d.xlsx", "", result))
    assert line == ("S: Kolonner som ikke er tall: A: regionkolonne (kommunenummer eller -navn "
                    "for hver rad); D: samme innhold som kolonne C")
    (en,) = column_notes(FileRead("d.xlsx", "", result), "en")
    assert en.endswith("D: the same content as column C")


def test_udir_export_lists_its_identifying_and_break_columns() -> None:
    rows = [
        ["EnhetNivaa", "Kommunekode", "Kommune", "EnhetNavn", "Merknad",
         "2018-19.Alle eierformer.Begge kjønn.Grunnskolepoeng",
         "2018-19.Alle eierformer.Begge kjønn.Grunnskolepoeng.Brudd"],
        [1, "", "Alle kommuner", "Hele landet", "", 41.2, ""],
        [3, 220, "Asker", "Asker", "sammenslått", 43.6, "brudd"],
        [3, 627, "Røyken", "Røyken", "", 40.0, ""],
    ]  # fmt: skip
    table = one_table(parse_file(workbook({"Udir": rows}), "udir.xlsx"))
    assert table.col_notes == {
        "A": "ingest.skip.col_level", "B": "ingest.skip.col_region",
        "C": "ingest.skip.col_region_name", "D": "ingest.skip.col_region_name",
        "E": "ingest.skip.col_note", "G": "ingest.skip.col_note",
    }  # fmt: skip


def test_kostra_block_lists_its_year_column_and_a_column_without_a_region() -> None:
    rows = [
        ["Grunnskolepoeng (poeng)"],
        ["År \\ Region", "Lørenskog", "Landet", ""],
        ["2024", "42,4", 42.2, 1.0],
        ["2025", "42.7", "42.2", 2.0],
    ]  # fmt: skip
    table = one_table(parse_file(workbook({"G": rows}), "k.xlsx", known_codes=KNOWN))
    assert table.col_notes == {"A": "ingest.skip.col_year", "D": "ingest.skip.col_no_header"}


def test_template_lists_its_columns_by_role() -> None:
    rows = [["kommunenummer", "kommunenavn", "indikator", "år", "verdi", "enhet", "kilde",
             "status", "kommentar"],
            ["3203", "Asker", "Folketall", 2024, 98000, "personer", "SSB", "", "anslag"],
            ["3201", "Bærum", "Folketall", 2024, "", "personer", "SSB", "..", ""]]
    table = one_table(parse_file(workbook({"Mal": rows}), "mal.xlsx"))
    assert table.col_notes == {
        "A": "ingest.skip.col_region", "B": "ingest.skip.col_region_name",
        "C": "ingest.skip.col_series", "D": "ingest.skip.col_year",
        "F": "ingest.skip.col_unit", "G": "ingest.skip.col_source",
        "H": "ingest.skip.col_status", "I": "ingest.skip.col_note",
    }  # fmt: skip


def test_tidy_table_keeps_a_number_under_a_remark_word_and_skips_flags_remarks_years() -> None:
    """A second year column, a true/false flag and a remark column are not figures
    (Udir's `aar_slutt`, `prikket`, `brudd_…`); a number column whose header holds a
    remark word ("antall brudd": breaches) still is."""
    csv = ("kommune;år;antall brudd;merknad;prikket;aar_slutt\n"
           "3203;2020;5;ny kommune;False;2020\n0301;2020;7;;True;2020\n"
           "4601;2020;2;;False;2020\n5001;2020;4;;False;2020\n").encode()
    result = parse_file(csv, "brudd.csv")
    (table,) = result.tables
    assert table.col_notes == {"A": "ingest.skip.col_region", "B": "ingest.skip.col_year",
                               "D": "ingest.skip.col_note", "E": "ingest.skip.col_flag",
                               "F": "ingest.skip.col_year_extra"}
    assert sorted(table.data["value"].tolist()) == [2.0, 4.0, 5.0, 7.0]
