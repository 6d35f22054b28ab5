"""Issue 11, properties: years and codes need header evidence; blank rows lose nothing.

Tables whose body holds numbers in 1900–2100 or 100–9999 never turn those numbers
into years or municipality codes unless a header, title or label says so; a blank
row inside a table does not end it.
"""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdg.ingest import parse_file
from sdg.ingest.cells import parse_period
from sdg.ingest.regions import classify_label
from tests.workbooks import workbook_bytes

MUNICIPALITIES = ["0301 Oslo", "3203 Asker", "3201 Bærum", "4601 Bergen", "5001 Trondheim",
                  "1103 Stavanger", "3222 Lørenskog", "1806 Narvik"]  # fmt: skip
YEARISH = st.integers(min_value=1900, max_value=2100)
CODEISH = st.integers(min_value=100, max_value=9999)


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    return out.getvalue().encode("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(st.lists(YEARISH, min_size=3, max_size=3), min_size=3, max_size=12),
       as_csv=st.booleans())
def test_year_like_numbers_in_the_body_never_become_years(body, as_csv):
    """No header names a period: the figures are refused (no period), never read as
    years, whatever their values."""
    rows = [["Kommune", "Antall", "Andel", "Sum"]]
    rows += [[MUNICIPALITIES[i % len(MUNICIPALITIES)], *r] for i, r in enumerate(body)]
    data = _csv(rows) if as_csv else workbook_bytes(rows, "Data")
    result = parse_file(data, "t.csv" if as_csv else "t.xlsx")
    assert result.tables == []
    assert {e.key for e in result.explanations} == {"ingest.explain.no_period"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(st.lists(CODEISH, min_size=3, max_size=3), min_size=3, max_size=12))
def test_code_like_numbers_without_a_region_label_never_become_codes(body):
    """A first column of numbers under a header that names no region holds no codes."""
    rows = [["Nummer", "2021", "2022"]] + [list(r) for r in body]
    result = parse_file(workbook_bytes(rows, "Data"), "t.xlsx")
    codes = {c for t in result.tables for c in t.data["municipality"].dropna()}
    written = {f"{r[0]:04d}" for r in body}
    assert not codes & written


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=8,
                       max_size=8),
       blank_at=st.integers(min_value=1, max_value=7), as_csv=st.booleans())
def test_a_blank_row_inside_a_table_loses_nothing(values, blank_at, as_csv):
    rows: list[list[object]] = [["region", "2020"]]
    rows += [[m, v] for m, v in zip(MUNICIPALITIES, values, strict=True)]
    rows.insert(1 + blank_at, ["", ""])
    data = _csv(rows) if as_csv else workbook_bytes(rows, "Data")
    (table,) = parse_file(data, "t.csv" if as_csv else "t.xlsx").tables
    assert len(table.data) == len(MUNICIPALITIES)
    assert sorted(table.data["municipality"]) == sorted(m[:4] for m in MUNICIPALITIES)


def test_a_repeated_header_inside_a_table_is_not_a_figure():
    rows = [["region", "2020", "2021"], ["0301 Oslo", 1, 2], ["region", "2020", "2021"],
            ["3203 Asker", 3, 4]]
    (table,) = parse_file(workbook_bytes(rows, "Data"), "t.xlsx").tables
    assert table.data["value"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert table.notes[3] == "ingest.skip.repeated_header"


def test_a_year_column_is_evidence_and_the_period_rule_applies():
    rows = [["kommune_nr", "aar", "verdi_personer"], ["0301", "2011_2013", 5],
            ["0301", "2013", 6], ["3203", "2024", 7]]
    (table,) = parse_file(_csv(rows), "t.csv").tables
    data = table.data.sort_values("src_row")
    assert data["year"].tolist() == [2013, 2013, 2024]
    assert data["period"].tolist() == ["2011_2013", "2013", "2024"]
    assert data["measure"].tolist()[0] == "3-årsperiode"  # a mean never overwrites 2013


def test_region_labels_as_agencies_write_them():
    kinds = {label: classify_label(label, {}) for label in (
        "K-3801 Horten", "K3801", "1101 - Eigersund", "K-21-22 Svalbard og Jan Mayen",
        "K-23 Kontinentalsokkelen", "K-Rest Uoppgitt", "0 Hele landet", "EAK Landet",
        "EKA07 Vestfold (-2019)", "EKG13 Kostragruppe 13", "030101", "0301010101", "NULL")}
    assert kinds["K-3801 Horten"] == ("3801", "code") and kinds["K3801"] == ("3801", "code")
    assert kinds["1101 - Eigersund"] == ("1101", "code")
    assert kinds["NULL"] == (None, "empty")
    rest = {k: v for k, v in kinds.items() if k not in ("K-3801 Horten", "K3801",
                                                         "1101 - Eigersund", "NULL")}
    assert set(rest.values()) == {(None, "aggregate")}
    assert classify_label("ASKER", {"asker": "3203"}) == ("3203", "name")


def test_periods_quarters_and_months():
    assert parse_period("2019K4") == (2019, "K4") and parse_period("2022M03") == (2022, "M03")
    assert parse_period("2020-2021") == (2021, "2-årsperiode")


def test_municipality_names_in_a_wide_sheet_are_municipalities_not_categories():
    rows = [["Kommune", "2020", "2021"], ["Asker", 1, 2], ["BÆRUM", 3, 4],
            ["Våler (Innlandet)", 5, 6]]
    known = {"Asker": "3203", "Bærum": "3201", "Våler": "3419"}
    (table,) = parse_file(workbook_bytes(rows, "Data"), "t.xlsx", known_codes=known).tables
    assert table.data["measure"].isna().all()  # no series per municipality
    assert table.data["municipality"].tolist() == ["3203", "3203", "3201", "3201",
                                                   "3419", "3419"]


def test_a_statbank_block_with_the_region_written_once():
    rows = [["07459: Befolkning, etter region, kjønn og år"], [],
            ["", "", "2023", "2024"],
            ["3203 Asker", "Menn", 1, 2], ["", "Kvinner", 3, 4],
            ["3201 Bærum", "Menn", 5, 6], ["", "Kvinner", 7, 8]]
    (table,) = parse_file(workbook_bytes(rows, "Data"), "t.xlsx").tables
    data = table.data
    assert (table.layout, table.source) == ("ssb_statbank", "SSB 07459")
    assert data["municipality"].tolist() == ["3203"] * 4 + ["3201"] * 4
    assert data["measure"].tolist()[:4] == ["Menn", "Menn", "Kvinner", "Kvinner"]
    assert data["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
