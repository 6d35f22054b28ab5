"""sdg.fmt: numbers, percentages, signed changes and dates in bokmål and English."""

import datetime as dt
import math

import altair as alt
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sdg import fmt

NB = "\u00a0"  # the thousands separator in bokmål: a non-breaking space


@pytest.mark.parametrize(("value", "decimals", "nb", "en"), [
    (43.0946, 2, "43,09", "43.09"),
    (93679, 0, f"93{NB}679", "93,679"),
    (100000, 0, f"100{NB}000", "100,000"),
    (1234567.891, 1, f"1{NB}234{NB}567,9", "1,234,567.9"),
    (16.36, None, "16,36", "16.36"),
    (16.3, None, "16,3", "16.3"),
    (7830.0, None, f"7{NB}830", "7,830"),
    (0.125, 2, "0,12", "0.12"),  # half to even
    (0.135, 2, "0,14", "0.14"),
    (-2.5, 0, "-2", "-2"),
    (-1234.5, 1, f"-1{NB}234,5", "-1,234.5"),
    (0, 0, "0", "0"),
    (None, 2, "–", "–"),
    (float("nan"), 2, "–", "–"),
    (pd.NA, 2, "–", "–"),
    (math.inf, 2, "–", "–"),
])
def test_number(value, decimals, nb, en):
    assert fmt.number(value, decimals, "nb") == nb
    assert fmt.number(value, decimals, "en") == en


@pytest.mark.parametrize(("value", "decimals", "nb", "en"), [
    (7830, 2, f"+7{NB}830,00", "+7,830.00"),
    (-0.57, 2, "-0,57", "-0.57"),
    (0.0, 1, "0,0", "0.0"),
    (-0.0001, 2, "0,00", "0.00"),
    (1.5, None, "+1,5", "+1.5"),
    (None, 1, "–", "–"),
])
def test_signed(value, decimals, nb, en):
    assert fmt.signed(value, decimals, "nb") == nb
    assert fmt.signed(value, decimals, "en") == en


@pytest.mark.parametrize(("value", "decimals", "nb", "en"), [
    (0.163, 1, f"16,3{NB}%", "16.3%"),
    (0.5, 0, f"50{NB}%", "50%"),
    (1.0, 1, f"100,0{NB}%", "100.0%"),
    (12.5, 0, f"1{NB}250{NB}%", "1,250%"),
    (None, 1, "–", "–"),
])
def test_percent(value, decimals, nb, en):
    assert fmt.percent(value, decimals, "nb") == nb
    assert fmt.percent(value, decimals, "en") == en


@pytest.mark.parametrize(("value", "nb", "en"), [
    (0.125, f"+12,5{NB}%", "+12.5%"),
    (-0.03, f"-3,0{NB}%", "-3.0%"),
    (0.0, f"0,0{NB}%", "0.0%"),
])
def test_signed_percent(value, nb, en):
    assert fmt.signed_percent(value, 1, "nb") == nb
    assert fmt.signed_percent(value, 1, "en") == en


@pytest.mark.parametrize(("value", "nb", "en"), [
    (dt.date(2018, 9, 25), "25.09.2018", "25 Sep 2018"),
    (dt.datetime(2020, 1, 1, 23, 59), "01.01.2020", "1 Jan 2020"),
    (pd.Timestamp("2019-12-31"), "31.12.2019", "31 Dec 2019"),
    ("2018-09-25", "25.09.2018", "25 Sep 2018"),
    (None, "–", "–"),
    (pd.NaT, "–", "–"),
])
def test_date(value, nb, en):
    assert fmt.date(value, "nb") == nb
    assert fmt.date(value, "en") == en


def test_datetime_and_year():
    assert fmt.datetime(dt.datetime(2026, 11, 26, 9, 5), "nb") == "26.11.2026 09:05"
    assert fmt.datetime(dt.date(2026, 11, 26), "en") == "26 Nov 2026 00:00"
    assert fmt.year(2019.0) == "2019" and fmt.year(pd.NA) == "–"


def test_unknown_language_is_bokmal():
    assert fmt.number(1234.5, 1, "xx") == f"1{NB}234,5"
    assert fmt.date(dt.date(2018, 9, 25), None) == "25.09.2018"


def test_a_third_language_is_one_entry(monkeypatch):
    monkeypatch.setitem(fmt.LOCALES, "nn", fmt.LocaleSpec("nn_NO", "dd.MM.y", "dd.MM.y HH:mm"))
    fmt._locale.cache_clear()
    try:
        assert fmt.number(93679.5, 1, "nn") == f"93{NB}679,5"
        assert fmt.date(dt.date(2018, 9, 25), "nn") == "25.09.2018"
        assert fmt.vega_locale("nn")["number"]["decimal"] == ","
    finally:
        fmt._locale.cache_clear()
        fmt._vega_locale.cache_clear()


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 4))
def test_number_reads_back(value, decimals):
    """Dropping the separators and swapping the comma gives the rounded value back."""
    text = fmt.number(value, decimals, "nb")
    back = float(text.replace(NB, "").replace(",", "."))
    # within one step of the last decimal: 0.35 is written 0,4 (the decimal value, half
    # to even) where round() gives 0.3 (the binary value 0.34999…)
    assert back == pytest.approx(round(value, decimals), abs=10 ** -decimals * (1 + 1e-9))
    assert fmt.number(value, decimals, "en").replace(",", "") == text.replace(NB, "").replace(
        ",", ".")


def test_chart_gets_the_locale_and_keeps_its_config():
    chart = alt.Chart(pd.DataFrame({"x": [1000.5]})).mark_point().encode(
        x=alt.X("x:Q", axis=alt.Axis(format=fmt.d3_format(1)))).configure_view(stroke="#999")
    spec = fmt.localise(chart, "nb").to_dict()
    assert spec["config"]["locale"]["number"] == {
        "decimal": ",", "thousands": NB, "grouping": [3], "currency": ["", f"{NB}kr"]}
    assert spec["config"]["view"]["stroke"] == "#999"
    assert spec["encoding"]["x"]["axis"]["format"] == ",.1f"
    assert "locale" not in chart.to_dict().get("config", {})  # the original is untouched


def test_chart_svg_writes_norwegian_axis_labels():
    import vl_convert

    chart = alt.Chart(pd.DataFrame({"x": [1000.5, 2500.25]})).mark_point().encode(
        x=alt.X("x:Q", axis=alt.Axis(format=",.1f", values=[1000.5, 2500.25])))
    svg = vl_convert.vegalite_to_svg(fmt.localise(chart, "nb").to_json())
    assert "1\u00a0000,5" in svg or "1&#160;000,5" in svg or "1 000,5" in svg


# ------------------------------------------------------------------ tables
WHEN = dt.datetime(2018, 9, 25, 14, 3)


@pytest.mark.parametrize(("kind", "value", "nb", "nn", "en"), [
    (0, 12345, f"12{NB}345", f"12{NB}345", "12,345"),  # a head count
    (1, 1234.5, f"1{NB}234,5", f"1{NB}234,5", "1,234.5"),
    (2, 43.0946, "43,09", "43,09", "43.09"),
    (None, 2.50, "2,5", "2,5", "2.5"),
    ("exact", 12.345, "12,345", "12,345", "12.345"),
    ("exact", 1234567.125, f"1{NB}234{NB}567,125", f"1{NB}234{NB}567,125", "1,234,567.125"),
    ("exact", 3.0, "3", "3", "3"),
    ("date", WHEN, "25.09.2018", "25.09.2018", "25 Sep 2018"),
    ("date", "2018-09-25", "25.09.2018", "25.09.2018", "25 Sep 2018"),
    ("datetime", WHEN, "25.09.2018 14:03", "25.09.2018 14:03", "25 Sep 2018 14:03"),
    ("datetime", pd.Timestamp(WHEN), "25.09.2018 14:03", "25.09.2018 14:03",
     "25 Sep 2018 14:03"),
    ("year", 2019.0, "2019", "2019", "2019"),
    ("id", 12345, "12345", "12345", "12345"),  # no thousands separator in a number id
    ("text", "Asker", "Asker", "Asker", "Asker"),
    *[(k, m, "–", "–", "–") for k in (0, None, "exact", "date", "datetime", "year", "id",
                                      "text")
      for m in (None, float("nan"), pd.NaT, pd.NA)],
])
def test_formatter(kind, value, nb, nn, en):
    assert [fmt.formatter(kind, lang)(value) for lang in ("nb", "nn", "en")] == [nb, nn, en]


@pytest.mark.parametrize(("column", "kind"), [
    ([1.5, None], None), ([3, 4], "id"), (pd.array([3, None], dtype="Int64"), "id"),
    (["a", None], "text"), ([True, False], "text"),
    (pd.to_datetime(["2018-09-25", None]), "datetime"),
])
def test_infer_kind(column, kind):
    assert fmt.infer_kind(pd.Series(column)) == kind


def test_display_writes_every_cell_and_never_none_nan_or_nat():
    table = pd.DataFrame({
        "når": [pd.Timestamp(WHEN), pd.NaT], "verdi": [1234.5, None],
        "rader": pd.array([12345, None], dtype="Int64"), "tekst": ["x", None],
        "per rad": [93679.0, 43.0946]})
    nb = fmt.display(table, {"rader": 0, "per rad": [0, 2]})
    assert nb.to_dict("list") == {
        "når": ["25.09.2018 14:03", "–"], "verdi": [f"1{NB}234,5", "–"],
        "rader": [f"12{NB}345", "–"], "tekst": ["x", "–"], "per rad": [f"93{NB}679", "43,09"]}
    en = fmt.display(table, {"rader": 0, "per rad": [0, 2]}, "en")
    assert en.iloc[0].tolist() == ["25 Sep 2018 14:03", "1,234.5", "12,345", "x", "93,679"]
    assert table["verdi"].dtype.kind == "f"  # the table itself is left alone


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda v: round(v, 6)))
def test_exact_reads_back(value):  # an imported value has a handful of decimals
    text = fmt.exact(value, "nb").replace(NB, "").replace(",", ".")
    assert float(text) == value
