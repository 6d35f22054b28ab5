"""The zero-point page: Asker's table, provenance, filters, download, chart spec."""

from __future__ import annotations

import json

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from tests.apptest import run_app, shown, texts

PAGE = "pages/nullpunkt.py"


def charts(at) -> list[tuple[dict, dict]]:
    """Per Altair chart of the page: its Vega-Lite spec and its named datasets."""
    return [(json.loads(c.proto.spec),
             {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in c.proto.datasets})
            for c in at.get("vega_lite_chart")]


def detail(at):
    """The full table of the detail view (provenance, direction, target, score …)."""
    return at.dataframe[0].value


def row_of(table, name: str):
    hits = table[table.iloc[:, 1] == name]
    assert len(hits) == 1, table.iloc[:, 1].tolist()
    return hits.iloc[0]


@pytest.mark.parametrize("lang, name, provenance, status", [
    # with the benefits plan's target 44.5 (2030) the Open SDG method 2 applies:
    # PV ≈ 3.586 ≥ 0.95 → on track (see tests/test_gains.py for the hand computation)
    ("nb", "Grunnskolepoeng", "beregnet fra 0220, 0627, 0628, elevvektet", "På rett spor"),
    ("en", "Lower-secondary exit points", "computed from 0220, 0627, 0628, pupil-weighted",
     "On track"),
])
def test_asker_grunnskolepoeng_row(app_db, lang, name, provenance, status):
    at = run_app(PAGE, lang=lang, kommune="3203")
    table = detail(at)
    row = row_of(table, name)
    cols = list(table.columns)
    assert row.iloc[cols.index("Nullpunkt" if lang == "nb" else "Zero point")] == 43.09
    assert provenance in row.tolist()
    assert f"🟩 {status}" in row.tolist()  # green square: the colour of "on track"
    assert "2019–2021" in row.tolist()
    assert row.iloc[cols.index("Siste verdi" if lang == "nb" else "Latest value")] == 44.0
    assert ("Nullpunktsmåling 2019" if lang == "nb" else "Zero-point measurement 2019") \
        in texts(at)


@pytest.mark.parametrize("lang, columns", [
    ("nb", ["Indikator", "Nullpunkt", "Siste verdi", "Endring (Δ)", "Status"]),
    ("en", None),
])
def test_the_answer_first_indicator_zero_latest_change_status(app_db, lang, columns):
    at = run_app(PAGE, lang=lang, kommune="3203")
    summary = at.table[0].value
    if columns:
        assert list(summary.columns) == columns
    assert len(summary.columns) == 5
    row = summary[summary.iloc[:, 0].str.startswith(
        "Grunnskolepoeng" if lang == "nb" else "Lower-secondary")].iloc[0]
    # Norwegian numbers with their years; the status names the years it compares
    dec = "," if lang == "nb" else "."
    assert row.iloc[1] == f"43{dec}09 (2019)"  # computed from three: one decimal more
    assert row.iloc[2] == f"44{dec}0 (2021)"
    assert row.iloc[3] == f"+0{dec}91"
    assert row.iloc[4].endswith("(2019–2021)")
    # rows without any figure (demo indicators of another municipality) are not shown
    assert not (summary.iloc[:, 1].eq("–") & summary.iloc[:, 2].eq("–")).any()


def test_another_municipality_sees_its_figures_not_askers_demo_rows(app_db):
    at = run_app(PAGE, kommune="4601")  # Bergen: the seed has its population and school points
    summary = at.table[0].value
    assert len(summary) >= 1
    assert not (summary.iloc[:, 1].eq("–") & summary.iloc[:, 2].eq("–")).any()
    assert not [w for w in at.warning if "DEMO" in w.value]  # no demo figures on screen


def test_population_has_no_status_and_published_zero_point(app_db):
    at = run_app(PAGE, kommune="3203")
    row = row_of(detail(at), "Folkemengde 1. januar")
    assert 93679 in row.tolist()
    assert "publisert verdi for 3203 (2019)" in row.tolist()
    assert "➖ Ingen ønsket retning" in row.tolist()


def test_sdg_filter_keeps_goal_4_only(app_db):
    at = run_app(PAGE, kommune="3203")
    n_all = len(detail(at))
    assert n_all >= 4  # the four real indicators, plus the demo ones of the benefits plan
    assert "DEMO" in at.warning[0].value
    at.selectbox(key="gains_goal").set_value(4).run()
    table = detail(at)
    assert table.iloc[:, 1].tolist() == ["Grunnskolepoeng"]
    assert at.query_params["goal"] in ("4", ["4"])


def test_goal_in_the_url_filters(app_db):
    at = run_app(PAGE, kommune="3203", goal="11")
    table = detail(at)
    assert "Folkemengde 1. januar" in table.iloc[:, 1].tolist()
    assert all("11" in goals.split(", ") for goals in table.iloc[:, 0])


def test_goal_area_filter_from_the_benefits_plan(app_db):
    at = run_app(PAGE, kommune="3203")
    at.selectbox(key="gains_area").set_value("tjenesteproduksjon").run()
    names = detail(at).iloc[:, 1].tolist()
    assert "Grunnskolepoeng" in names
    assert "Folkemengde 1. januar" not in names


def test_download_button_is_there(app_db):
    at = run_app(PAGE, kommune="3203", lang="en")
    assert at.get("download_button")[0].proto.label == "Download the table (Excel)"


def test_chart_marks_the_zero_point_and_has_a_table(app_db):
    at = run_app(PAGE, kommune="3203", goal="4")
    ((spec, datasets),) = charts(at)
    layers = spec["spec"]["layer"]  # one facet per indicator, each a layered chart
    assert spec["facet"]["field"] == "name"
    kinds = {layer["mark"]["type"]: layer["transform"][0]["filter"] for layer in layers}
    assert kinds["rule"] == "(datum.kind === 'zero')"
    ((_, frame),) = datasets.items()
    gsp = frame[frame["indicator"] == "grunnskolepoeng"]
    zero = gsp[gsp["kind"] == "zero"]
    assert len(zero) == 1 and round(zero["value"].iloc[0], 2) == 43.09
    # the comparison lines are there: national and similar size
    assert {"Kommunen", "Landet", "Lignende størrelse (median)"} <= set(
        gsp.loc[gsp["kind"] == "line", "label"])
    target = gsp[gsp["kind"] == "target"]
    assert (target["year"].iloc[0], target["value"].iloc[0]) == (2030, 44.5)  # benefits plan
    assert "beregnet fra 0220, 0627, 0628, elevvektet" in texts(at)
    alternative = at.dataframe[1].value
    assert list(alternative.columns)[:2] == ["Indikator", "År"]
    assert alternative.iloc[:, 1].tolist() == [2016, 2017, 2018, 2019, 2020, 2021]
    # the column has gaps (years without a figure), so it is sent as its text: the
    # browser would draw a gap as "None" (ui.tables.norwegian)
    row_2019 = shown(at.dataframe[1]).set_index("År").loc["2019"]
    assert row_2019["Kommunen"] == "43,09"
    assert "None" not in shown(at.dataframe[1]).to_string()


def test_population_chart_leaves_out_the_national_total(app_db):
    at = run_app(PAGE, kommune="3203", goal="11", lang="en")
    ((_, datasets),) = charts(at)
    ((_, frame),) = datasets.items()
    pop = frame[(frame["indicator"] == "befolkning") & (frame["kind"] == "line")]
    assert "Norway" not in set(pop["label"])  # 5.3 million would flatten Asker's line
    alternative = at.dataframe[1].value
    assert "Norway" in alternative.columns  # … but the table has it


def test_report_button_for_analysts_only(app_db):
    viewer = run_app(PAGE, kommune="3203")
    assert "Rapport til kommunestyret (PDF)" not in [
        b.proto.label for b in viewer.get("download_button")]
    analyst = run_app(PAGE, kommune="3203", role="analyst")
    labels = [b.proto.label for b in analyst.get("download_button")]
    assert labels == ["Rapport til kommunestyret (PDF)", "Last ned tabellen (Excel)",
                      "Last ned CSV", "Last ned CSV"]  # the table and the charts' table


def test_the_report_button_makes_the_pdf_the_cli_makes(app_db):
    """The button's callable (it runs on click, outside the script) and
    ``python -m sdg report`` build the same document from the same store."""
    import datetime as dt

    from sdg.report_pdf import page_count, report_pdf
    from sdg.store import open_store

    store = open_store(app_db)
    try:
        pdf = report_pdf(store, "3203", "nb", dt.date(2026, 11, 30))
    finally:
        store.close()
    assert pdf[:5] == b"%PDF-" and page_count(pdf) >= 6
