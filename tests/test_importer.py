"""sdg.importer: mapping, validation, commit, undo/redo, re-upload, bad input, real files."""

from __future__ import annotations

import io
import zipfile
from functools import partial

import openpyxl
import pandas as pd
import pytest

from sdg.auth import Actor
from sdg.errors import InvalidInput, NotFound
from sdg.importer import (
    Mapping,
    NewIndicator,
    commit,
    default_mapping,
    detected_series,
    import_file,
    partial_plan,
    plan_import,
    read_file,
    with_indicator,
)
from tests.workbooks import hidden_sheet_bytes, workbook_bytes

ANALYST = Actor("test", "analyst")

CSV = ('"kommunenummer";"indikator";"år";"verdi"\n'
       '"3203";"Grunnskolepoeng";2024;44,1\n"3201 Bærum";"Grunnskolepoeng";2024;45,0\n'
       '"3203";"Grunnskolepoeng";2025;43,9\n')


xlsx = partial(workbook_bytes, sheet="Data")


HEAD = ["kommunenummer", "indikator", "år", "verdi"]


def current(store, indicator: str, code: str, year: int):
    df = store.observations(indicator, [code])
    return df.loc[df.year == year, "value"].tolist()


# ------------------------------------------------------------------- mapping
def test_default_mapping_uses_existing_indicator_by_name(store):
    fr = read_file(CSV.encode(), "g.csv", store.municipalities(current_only=False))
    series = detected_series(fr)
    mapping = default_mapping(series, store.indicators())
    assert mapping.assign == {"0": "grunnskolepoeng"} and mapping.new == {}


def test_default_mapping_creates_a_new_indicator_with_unknown_direction(store):
    data = CSV.replace("Grunnskolepoeng", "Antall lekeplasser").encode()
    plan, batch = import_file(store, data, "l.csv", actor=ANALYST)
    (spec,) = plan.new_indicators
    assert (spec.id, spec.name_nb, spec.direction, spec.aggregation) == (
        "antall_lekeplasser", "Antall lekeplasser", 0, "none")
    ind = store.indicators().set_index("id").loc["antall_lekeplasser"]
    assert ind["direction"] == 0 and ind["aggregation"] == "none"
    assert current(store, "antall_lekeplasser", "3203", 2024) == [44.1]


def test_a_hidden_sheet_is_imported_only_when_chosen(store):
    data = hidden_sheet_bytes()
    before = store.content_checksum()
    plan, _ = import_file(store, data, "skjult.xlsx", actor=ANALYST, dry_run=True)
    assert set(plan.rows["sheet"]) == {"Synlig"} and plan.rows["value"].tolist() == [12.0]
    assert [s.name_nb for s in plan.new_indicators] == ["Lekeplasser"]
    plan, batch = import_file(store, data, "skjult.xlsx", actor=ANALYST)
    assert batch is not None and "skjulte_tall" not in set(store.indicators()["id"])
    assert current(store, "lekeplasser", "3201", 2024) == []
    assert store.content_checksum() != before
    plan, batch = import_file(store, data, "skjult.xlsx", actor=ANALYST, sheet="Skjult")
    assert batch is not None and plan.sheet == "Skjult"
    assert current(store, "skjulte_tall", "3201", 2024) == [99.0]


def test_a_new_indicator_without_an_english_name_is_stored_without_one(store):
    data = CSV.replace("Grunnskolepoeng", "Antall lekeplasser").encode()
    plan, batch = import_file(store, data, "l.csv", actor=ANALYST)
    (spec,) = plan.new_indicators
    assert spec.name_en == ""  # the file's Norwegian title is no English name
    raw = store.scalar("SELECT name_en FROM indicator WHERE id = 'antall_lekeplasser'")
    assert raw == ""
    ind = store.indicators().set_index("id").loc["antall_lekeplasser"]
    assert ind["name_en"] == "Antall lekeplasser (not translated)"  # shown, marked
    assert ind["name_nb"] == ind["name_nn"] == "Antall lekeplasser"
    translated = store.indicators().set_index("id").loc["grunnskolepoeng", "name_en"]
    assert "not translated" not in translated


def test_explicit_unknown_indicator_is_refused(store):
    with pytest.raises(NotFound) as err:
        import_file(store, CSV.encode(), "g.csv", actor=ANALYST, indicator="nope")
    assert err.value.key == "importer.err.unknown_indicator"


def test_new_indicator_with_targets_and_weighting(store):
    fr = read_file(CSV.encode(), "g.csv", store.municipalities(current_only=False))
    spec = NewIndicator("poeng_ny", "Poeng ny", "Points new", "poeng", "points", 1,
                        "weighted", "elever_10_trinn", "Udir", ("4.1", "4.6"))
    mapping = with_indicator(Mapping({}), "0", spec)
    batch = commit(store, plan_import(store, fr, mapping), ANALYST)
    ind = store.indicators().set_index("id").loc["poeng_ny"]
    assert ind["targets"] == "4.1, 4.6" and ind["denominator"] == "elever_10_trinn"
    assert store.batch(batch)["rows_total"] == 3


# ---------------------------------------------------------------- validation
def test_all_problems_at_once(store):
    rows = [HEAD, ["3203", "Grunnskolepoeng", 2024, 44.0],
            ["9999", "Grunnskolepoeng", 2024, 1.0],          # unknown region
            ["3201", "Grunnskolepoeng", 1985, 40.0],         # year out of range
            ["3201", "Grunnskolepoeng", 2023, "mye"],        # not a number
            ["3203", "Grunnskolepoeng", 2024, 45.0],         # duplicate, other value
            ["0301", "Grunnskolepoeng", 2023, "1.234,5"]]    # mixed separators
    before = store.content_checksum()
    plan, batch = import_file(store, xlsx(rows), "bad.xlsx", actor=ANALYST)
    assert batch is None and not plan.ok
    keys = sorted(plan.problems["reason_key"].str.rsplit(".", n=1).str[-1])
    assert keys == ["duplicate", "duplicate", "mixed_separators", "not_a_number",
                    "unknown_code", "year_range"]
    assert set(plan.problems.columns) >= {"sheet", "row", "column", "value", "reason"}
    unknown = plan.problems[plan.problems.reason_key.str.endswith("unknown_code")].iloc[0]
    assert (unknown["sheet"], unknown["row"], unknown["value"]) == ("Data", 3, "9999")
    with pytest.raises(InvalidInput):
        commit(store, plan, ANALYST)
    assert store.content_checksum() == before


def test_same_duplicate_values_are_kept_once(store):
    rows = [HEAD, ["3203", "Grunnskolepoeng", 2024, 44.0], ["3203", "Grunnskolepoeng", 2024, 44.0]]
    plan, batch = import_file(store, xlsx(rows), "d.xlsx", actor=ANALYST)
    assert plan.problems.empty and len(plan.rows) == 1 and batch


def test_names_resolve_to_the_code_valid_that_year(store):
    rows = [["kommune", "indikator", "år", "verdi"], ["Horten", "X", 2015, 1.0],
            ["Horten", "X", 2020, 2.0], ["Asker", "X", 2019, 3.0], ["Asker", "X", 2024, 4.0]]
    plan, _ = import_file(store, xlsx(rows), "n.xlsx", actor=ANALYST, dry_run=True)
    got = dict(zip(plan.rows.year, plan.rows.municipality, strict=True))
    assert got == {2015: "0701", 2020: "3801", 2019: "0220", 2024: "3203"}


def test_a_file_read_ahead_and_the_callers_municipalities_give_the_same_plan(store):
    """The command line reads the file while the database opens (a future of the
    municipalities) and hands both to import_file: the same plan as reading inside."""
    from concurrent.futures import ThreadPoolExecutor

    rows = [["kommune", "indikator", "år", "verdi"], ["Horten", "X", 2015, 1.0],
            ["Horten", "X", 2020, 2.0], ["Asker", "X", 2019, 3.0]]
    data = xlsx(rows)
    plain, _ = import_file(store, data, "n.xlsx", actor=ANALYST, dry_run=True)
    with ThreadPoolExecutor(max_workers=1) as pool:
        history = pool.submit(store.municipalities, current_only=False)
        fr = read_file(data, "n.xlsx", history)
    ahead, _ = import_file(store, data, "n.xlsx", actor=ANALYST, dry_run=True, file=fr,
                           history=history.result())
    given, _ = import_file(store, data, "n.xlsx", actor=ANALYST, dry_run=True,
                           history=history.result())
    for plan in (ahead, given):
        pd.testing.assert_frame_equal(plan.rows, plain.rows)
        assert plan.sha256 == plain.sha256
    assert plain.rows["municipality"].tolist() == ["0701", "3801", "0220"]


def test_conflicts_are_shown_and_superseded(store):
    old = current(store, "grunnskolepoeng", "0220", 2019)
    assert old == [43.6]
    data = '"kommunenummer";"indikator";"år";"verdi"\n"0220";"Grunnskolepoeng";2019;44,0\n'
    plan, batch = import_file(store, data.encode(), "c.csv", actor=ANALYST)
    assert plan.problems.empty and batch
    c = plan.conflicts.iloc[0]
    assert (c.municipality, c.year, c.old_value, c.new_value) == ("0220", 2019, 43.6, 44.0)
    assert current(store, "grunnskolepoeng", "0220", 2019) == [44.0]
    # undo brings the old value back, redo the new one; earlier values are kept
    store.set_batch_state(batch, "undone", ANALYST)
    assert current(store, "grunnskolepoeng", "0220", 2019) == [43.6]
    store.set_batch_state(batch, "active", ANALYST)
    assert current(store, "grunnskolepoeng", "0220", 2019) == [44.0]
    with pytest.raises(InvalidInput):
        store.set_batch_state(batch, "active", ANALYST)


def test_reupload_of_the_same_file_is_recognised(store):
    first, b1 = import_file(store, CSV.encode(), "g.csv", actor=ANALYST)
    again, b2 = import_file(store, CSV.encode(), "g.csv", actor=ANALYST, dry_run=True)
    assert first.same_file == [] and again.same_file == [b1] and b2 is None
    assert again.unchanged == 3 and again.conflicts.empty


# ----------------------------------------------------------------- bad input
def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 60_000_000 + b">")
    return out.getvalue()


def _xml_bomb() -> bytes:
    """A workbook whose sheet declares the "billion laughs" entities."""
    good = xlsx([HEAD, ["3203", "X", 2024, 1.0]])
    zin = zipfile.ZipFile(io.BytesIO(good))
    dtd = ('<!DOCTYPE worksheet [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
                     for i in range(1, 10)) + "]>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = b'<?xml version="1.0"?>' + dtd.encode() + data
            zo.writestr(item, data)
    return out.getvalue()


def _formulas() -> bytes:
    return xlsx([HEAD, ["3203", "X", 2024, "=1+1"], ["3201", "X", 2024, "=2+2"]])


BAD = {
    "truncated": (lambda: xlsx([HEAD, ["3203", "X", 2024, 1.0]])[:1500], "ingest.err.corrupt"),
    "password": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
                 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512, "ingest.err.password"),
    "empty": (lambda: xlsx([]), "ingest.err.empty_workbook"),
    "no_figures": (lambda: xlsx([["bare tekst"], ["mer tekst"]]), "importer.err.no_series"),
    "unsupported": (lambda: b"%PDF-1.4 not a workbook", "ingest.err.unsupported_type"),
    "zip_bomb": (_zip_bomb, "ingest.err.zip_bomb"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_are_refused_and_nothing_is_written(store, case):
    make, key = BAD[case]
    before = store.content_checksum()
    name = "x.pdf" if case == "unsupported" else "x.xlsx"
    with pytest.raises(InvalidInput) as err:
        import_file(store, make(), name, actor=ANALYST)
    assert err.value.key == key
    assert err.value.message("nb") and err.value.message("en") != err.value.message("nb")
    assert store.content_checksum() == before


def test_too_large_file_is_refused(store):
    before = store.content_checksum()
    with pytest.raises(InvalidInput) as err:
        import_file(store, CSV.encode() * 10, "big.csv", actor=ANALYST, max_bytes=100)
    assert err.value.key == "ingest.err.too_large" and "MB" in err.value.message("en")
    assert store.content_checksum() == before


def test_xml_bomb_is_refused(store):
    before = store.content_checksum()
    with pytest.raises(InvalidInput) as err:
        import_file(store, _xml_bomb(), "bomb.xlsx", actor=ANALYST)
    assert err.value.key == "ingest.err.xml_bomb" and "XML" in err.value.message("en")
    assert store.content_checksum() == before


def test_sheet_of_formulas_without_values_says_so(store):
    before = store.content_checksum()
    with pytest.raises(InvalidInput) as err:
        import_file(store, _formulas(), "f.xlsx", actor=ANALYST)
    assert err.value.key == "importer.err.no_series"
    assert "formel uten lagret verdi" in err.value.message("nb")
    assert "formula" in err.value.message("en") and "formel" not in err.value.message("en")
    assert store.content_checksum() == before


def test_a_file_without_figures_is_explained_in_the_readers_language(store):
    """The reasons quoted in the refusal are the reader's too (the wizard in English
    showed the sheet's explanation in bokmål)."""
    data = "år;utslipp\n2019;12,5\n2020;11,0\n".encode()  # a national series
    with pytest.raises(InvalidInput) as err:
        import_file(store, data, "nasjonal.csv", actor=ANALYST)
    nb, en = err.value.message("nb"), err.value.message("en")
    assert nb.startswith("Fant ingen kommunetall i nasjonal.csv: Arket")
    assert en.startswith("Found no municipal figures in nasjonal.csv: The sheet")
    assert "Arket" not in en and err.value.message("nn").startswith("Fann ingen")


@pytest.mark.parametrize("case, key", [
    ("formula", "ingest.problem.formula_no_value"),
    ("text", "ingest.problem.not_a_number"), ("mixed", "ingest.problem.mixed_decimal_column"),
])
def test_cell_problems_block_the_import(store, case, key):
    data = {
        "formula": lambda: xlsx([HEAD, ["3203", "X", 2024, "=1+1"], ["3201", "X", 2024, 2.0]]),
        "text": lambda: xlsx([HEAD, ["3203", "X", 2024, "ti"], ["3201", "X", 2024, 2.0]]),
        "mixed": lambda: (HEAD_CSV + '"3203";"X";2024;"1,5"\n"3201";"X";2024;"2.5"\n').encode(),
    }[case]()
    before = store.content_checksum()
    name = "m.csv" if case == "mixed" else "c.xlsx"
    plan, batch = import_file(store, data, name, actor=ANALYST)
    assert batch is None and key in set(plan.problems["reason_key"])
    assert store.content_checksum() == before


HEAD_CSV = '"kommunenummer";"indikator";"år";"verdi"\n'


# ---------------------------------------------------------------- real files
def test_real_workbooks_import_into_a_fresh_store(store, shared_data):
    expected = {  # file prefix → rows imported (None: no municipal figures, refused)
        # 02: the "." of region-years that did not exist are no longer stored (354 → 171);
        # 07 and 08 need a partial import: Udir and FHI give some figures on later
        # borders (5056 Hitra for 2016, 0729 Færder for 2015), listed as problems.
        "01_": None, "02_": 171, "03_": None, "04_": 40, "05_": None, "06_": None,
        "07_": 4798, "08_": 780, "09_": 1089, "10_": None, "11_": None,
    }
    partial = {"07_", "08_"}
    for prefix, n in expected.items():
        path = next((shared_data / "xlsx").glob(f"{prefix}*"))
        before = store.content_checksum()
        if n is None:
            with pytest.raises(InvalidInput) as err:
                import_file(store, path.read_bytes(), path.name, actor=ANALYST)
            assert err.value.key == "importer.err.no_series"
            assert store.content_checksum() == before
            continue
        plan, batch = import_file(store, path.read_bytes(), path.name, actor=ANALYST,
                                  partial=prefix in partial)
        assert plan.problems.empty, (prefix, plan.problems.head())
        assert plan.left_out.empty == (prefix not in partial)
        assert batch and len(plan.rows) == n, (prefix, len(plan.rows))
        assert store.batch(batch)["rows_total"] == n


def test_udir_grunnskolepoeng_as_two_indicators(store, shared_data):
    path = next((shared_data / "xlsx").glob("07_*"))
    fr = read_file(path.read_bytes(), path.name, store.municipalities(current_only=False))
    series = detected_series(fr)
    keys = dict(zip(series.measure, series.key, strict=True))
    mapping = Mapping({keys["Grunnskolepoeng"]: "grunnskolepoeng",
                       keys["Antall elever"]: "elever_10_trinn"})
    plan = plan_import(store, fr, mapping)
    # Udir gives merged municipalities (0712 Larvik 2018, 3026 Aurskog-Høland 2020,
    # 5056 Hitra 2020 …) figures for years before they existed: later borders, listed
    assert set(plan.problems["value"]) == {"0712", "3026", "3805", "5001", "5056"}
    assert set(plan.problems["reason_key"]) == {"importer.problem.code_later"}
    plan = partial_plan(plan)
    assert plan.problems.empty and len(plan.left_out) == 28
    asker = plan.rows[(plan.rows.municipality == "0220") & (plan.rows.year == 2019)]
    assert dict(zip(asker.indicator, asker.value, strict=True)) == {
        "grunnskolepoeng": 43.6, "elever_10_trinn": 751.0}
    commit(store, plan, ANALYST)
    assert current(store, "grunnskolepoeng", "0220", 2019) == [43.6]
    assert current(store, "elever_10_trinn", "0220", 2019) == [751.0]


def test_ssb_exports(store, shared_data):
    exports = shared_data / "indicators" / "ssb_exports"
    csv = exports / "SSB_11616_20220427-120901.csv"
    plan, batch = import_file(store, csv.read_bytes(), csv.name, actor=ANALYST)
    assert batch and len(plan.rows) == 92 and len(plan.new_indicators) == 4
    js = exports / "07459_20220914-092711_jsonstat2.json"
    plan, batch = import_file(store, js.read_bytes(), js.name, actor=ANALYST)
    assert batch and len(plan.rows) == 356 and plan.skipped_aggregates == 3
    assert plan.summary()["indicator"].tolist() == ["befolkning"]
    got = plan.rows[plan.rows.municipality == "3025"].value.tolist()
    assert got == [96088.0]


def test_template_round_trip_maps_to_existing_indicators(store):
    from sdg.template import template_workbook

    wb = openpyxl.load_workbook(io.BytesIO(template_workbook(store.indicators(), "en")))
    ws = wb["Data"]
    ws.append(["3203", "Asker", "grunnskolepoeng", 2024, 44.2, "points", "Udir", None])
    ws.append(["3201", "Bærum", "Population on 1 January", 2024, None, None, None, ".."])
    out = io.BytesIO()
    wb.save(out)
    plan, batch = import_file(store, out.getvalue(), "mal.xlsx", actor=ANALYST)
    assert plan.problems.empty and batch and plan.new_indicators == []
    assert sorted(plan.rows.indicator) == ["befolkning", "grunnskolepoeng"]
    sym = plan.rows.set_index("indicator").loc["befolkning"]
    assert pd.isna(sym["value"]) and sym["status_symbol"] == ".."


def test_rows_past_the_listed_problems_are_counted_and_never_imported(store, monkeypatch):
    """Only the first LISTED_PER_KIND problems of a kind are listed; the rows past them
    were left out as "no figure in the row" (population on 2024 borders: 577 of 702),
    and a partial import dropped them without a word. Now each is counted."""
    import sdg.importer as importer
    from sdg.importer import reconcile

    monkeypatch.setattr(importer, "LISTED_PER_KIND", 2)
    rows = [HEAD, ["0301", "Grunnskolepoeng", 2015, 40.0],
            *[["3203", "Grunnskolepoeng", y, 41.0] for y in range(2015, 2020)],   # 3203: 2024–
            *[["3201", "Grunnskolepoeng", y, 42.0] for y in (1980, 1981, 1982)],  # years out
            *[["9999", "Grunnskolepoeng", 2015, 1.0]] * 2]                         # unknown
    read: list = []
    plan, _ = import_file(store, xlsx(rows), "b.xlsx", actor=ANALYST, dry_run=True, read=read)
    keys = plan.problems["reason_key"].str.rsplit(".", n=1).str[-1].value_counts().to_dict()
    assert keys == {"code_later": 2, "year_range": 2, "unknown_code": 1}
    later = plan.problems[plan.problems.reason_key.str.endswith("code_later")].iloc[0]
    assert "først fra 2024" in later["reason"]
    assert plan.unlisted == 5  # the wizard and the CLI say 10 problems, 5 of them listed
    counts = reconcile(read[0], plan).set_index("outcome")["rows"].to_dict()
    assert counts == {"ingest.skip.header": 1, "imported": 1, "importer.skip.has_problem": 5,
                      "importer.skip.problem_unlisted": 5}
    whole = partial_plan(plan)
    assert whole.rows["municipality"].tolist() == ["0301"]  # nothing past the list
    counts = reconcile(read[0], whole).set_index("outcome")["rows"].to_dict()
    assert counts == {"ingest.skip.header": 1, "imported": 1, "importer.skip.problem": 5,
                      "importer.skip.problem_unlisted": 5}
