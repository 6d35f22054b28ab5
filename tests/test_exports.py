"""Exports carry their context: matrix PNG/SVG with title, municipality, date, sources
with n and weights and DEMO; xlsx with a second sheet "Om tallene"; CSV per language."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil

import openpyxl
import pandas as pd
import pytest
import vl_convert

from sdg import exports
from sdg.charts import matrix_chart, ranking_table
from sdg.exports import About, matrix_context, with_context
from sdg.report import default_view, matrix_from_ratings, view_ratings


@pytest.fixture(scope="module")
def asker(seeded_db, tmp_path_factory):
    from sdg.store import open_store

    path = tmp_path_factory.mktemp("exp") / "e.duckdb"
    shutil.copy(seeded_db, path)
    s = open_store(path)
    yield s
    s.close()


@pytest.fixture(scope="module")
def matrix_parts(asker):
    view = default_view(asker, "3203")
    first = str(asker.rating_sources("3203")["id"].iloc[0])
    view["weights"][first] = 2.5
    matrix = matrix_from_ratings(view_ratings(asker, view), view, B=20)
    sources = asker.rating_sources("3203")
    return view, matrix, sources[sources["id"].isin(view["sources"])], asker.goals()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_matrix_svg_and_png_carry_their_context(matrix_parts, lang):
    view, matrix, sources, goals = matrix_parts
    title, lines, demo = matrix_context("Asker (3203)", sources, view, lang,
                                        dt.date(2026, 11, 30), b=20)
    assert demo and lines[0].startswith("DEMO")
    chart = with_context(matrix_chart(matrix, goals, lang), title, lines, demo)
    svg = vl_convert.vegalite_to_svg(chart.to_json())
    text = re.sub(r"<[^>]+>", " ", svg).replace("&#160;", "\u00a0")
    text = re.sub(r"[ \t\n]+", " ", text)  # not str.split: it would eat the no-break spaces
    date = "30.11.2026" if lang == "nb" else "30 Nov 2026"
    weight = "vekt 2,5" if lang == "nb" else "weight 2.5"
    for expected in (title, "Asker (3203)", date, "DEMO", "Innbyggerundersøkelse 2018",
                     "n = 1\u00a0200" if lang == "nb" else "n = 1,200", weight,
                     "B = 20"):
        assert expected in text, expected
    # the PNG is the same spec drawn: taller than the bare chart by the context lines,
    # with the DEMO line in red
    from PIL import Image

    bare = Image.open(io.BytesIO(vl_convert.vegalite_to_png(
        matrix_chart(matrix, goals, lang).to_json())))
    png = Image.open(io.BytesIO(vl_convert.vegalite_to_png(chart.to_json())))
    assert png.size[1] > bare.size[1] + 60
    top = png.convert("RGB").crop((0, 0, png.size[0], png.size[1] - bare.size[1]))
    red = sum(n for n, (r, g, b) in top.getcolors(1 << 20) if r > 140 and g < 60 and b < 80)
    assert red > 20


def test_real_sources_are_not_marked_demo(matrix_parts):
    view, _, sources, _ = matrix_parts
    title, lines, demo = matrix_context("Asker (3203)", sources.assign(is_demo=False), view, "nb")
    assert not demo and not any("DEMO" in line for line in lines)


def test_xlsx_has_the_table_and_om_tallene(matrix_parts):
    view, matrix, sources, goals = matrix_parts
    table = ranking_table(matrix, goals, "nb")
    names = {str(i): n for i, n in zip(sources["id"], sources["name"], strict=True)}
    survey = next(k for k, n in names.items() if n == "Innbyggerundersøkelse 2018")
    about = About(what="Vesentlighetsmatrise – Asker (3203)", municipality="Asker (3203)",
                  settings=exports.view_settings(view, "nb", names),
                  sources=["Innbyggerundersøkelse 2018 (n = 1 200, vekt 2,5)"],
                  provenance=exports.source_provenance(sources, "nb"), demo=True,
                  made=dt.datetime(2026, 11, 30, 9, 5))
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx(table, "Matrise", about, "nb")))
    assert book.sheetnames == ["Matrise", "Om tallene"]
    main = book["Matrise"]
    assert main.max_row == 18 and isinstance(main.cell(2, 5).value, float)  # numbers stay numbers
    info = {r[0]: r[1] for r in book["Om tallene"].iter_rows(values_only=True) if r[0]}
    assert book["Om tallene"]["A1"].value == "DEMO – ikke ekte data"
    assert info["Hva"] == "Vesentlighetsmatrise – Asker (3203)"
    assert info["Laget"] == "30.11.2026 09:05"
    assert info["Innstillinger: Terskel for feltene"] == "median"
    assert info[f"Innstillinger: Vekt: Innbyggerundersøkelse 2018 (#{survey})"] == "2,5"
    rows = list(book["Om tallene"].iter_rows(values_only=True))
    assert any(r[0] == "Opphav" and "innbyggerundersøkelse" in r[1] for r in rows)
    assert any(r[0] == "Kilder" for r in rows)


def test_xlsx_keeps_formula_like_text_as_text():
    about = About("x", "y", sources=["=HYPERLINK(\"http://x\")"])
    data = exports.xlsx(pd.DataFrame({"a": ["=1+1", "@SUM(A1)"], "b": [1.5, 2]}), "S", about)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert [c.data_type for c in book["S"]["A"][1:]] == ["s", "s"]
    assert book["S"]["A2"].value == "=1+1"
    assert all(c.data_type != "f" for row in book["Om tallene"].iter_rows() for c in row)


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", ["Mål;Verdi;Tekst", "4;43,09;God utdanning", "11;0,5;'=1+1"]),
    ("en", ["Mål,Verdi,Tekst", "4,43.09,God utdanning", "11,0.5,'=1+1"]),
])
def test_csv_per_language(lang, expected):
    table = pd.DataFrame({"Mål": [4, 11], "Verdi": [43.09, 0.5], "Tekst": ["God utdanning",
                                                                           "=1+1"]})
    raw = exports.csv(table, lang)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines() == expected


def test_zero_point_about_names_sources_and_provenance(asker):
    from sdg.report import figure_provenance, zero_point_data

    rep, _ = zero_point_data(asker, "3203", "nb")
    prov = figure_provenance(asker, "3203", rep)
    lines = exports.indicator_provenance(prov[prov["indicator"] == "grunnskolepoeng"], "nb")
    assert len(lines) == 1
    assert lines[0].startswith("Grunnskolepoeng: Udir (Skoleporten); nr. 1: "
                               "data/seed/observations.csv")
    assert "(2016–2021)" in lines[0]
    assert lines[0].endswith("beregnet fra 0220, 0627, 0628, elevvektet")


def test_exports_write_through_the_one_neutralising_writer():
    """sdg.exports builds on sdg.writers: every formula start (= + - @ tab CR) is text
    with a quote prefix in both sheets, and gets a leading ' in the CSV; numbers stay
    numbers, negative ones too."""
    hostile = ['=HYPERLINK("http://127.0.0.1:1/","Klikk her")', "+1+1", "-2+3", "@SUM(A1)",
               "\t=1", "\r=1"]
    table = pd.DataFrame({"navn": hostile, "verdi": [-1.5, 2, 3, -4, 0, 1]})
    about = About("x", "=1+1", sources=hostile, demo=True)
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx(table, "S", about)))
    names = [c for c in book["S"]["A"][1:]]
    assert {c.data_type for c in names} == {"s"} and all(c.quotePrefix for c in names)
    assert [c.value for c in book["S"]["B"][1:]] == table["verdi"].tolist()
    info = [c for row in book["Om tallene"].iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in info)
    assert all(c.quotePrefix for c in info if isinstance(c.value, str)
               and c.value.startswith(("=", "+", "-", "@")))
    rows = exports.csv(table, "nb").decode("utf-8-sig").split("\r\n")
    assert all(r.lstrip('"').startswith("'") for r in rows[1:len(hostile) + 1])
    assert rows[1].endswith(";-1,5")


@pytest.mark.parametrize(("lang", "first"), [
    ("nb", "25.09.2018 14:03;1\u00a0234,5;1234,5;25.09.2018"),
    ("nn", "25.09.2018 14:03;1\u00a0234,5;1234,5;25.09.2018"),
    ("en", "25 Sep 2018 14:03,\"1,234.5\",1234.5,25 Sep 2018"),
])
def test_csv_writes_dates_as_the_page_and_numbers_as_numbers(lang, first):
    # the first column a datetime, the second already text (as shown), the third a
    # number, the fourth dates at midnight (written as dates); missing → empty field
    table = pd.DataFrame({"når": [pd.Timestamp("2018-09-25 14:03"), pd.NaT],
                          "vist": ["1\u00a0234,5" if lang != "en" else "1,234.5", "–"],
                          "verdi": [1234.5, None],
                          "dag": [dt.date(2018, 9, 25), None]})
    rows = exports.csv(table, lang).decode("utf-8-sig").split("\r\n")
    assert rows[1] == first
    assert rows[2] == (";–;;" if lang != "en" else ",–,,")
