"""python -m sdg import FILE [--sheet] [--indicator] [--dry-run]."""

from __future__ import annotations

import shutil

from sdg.cli import main
from sdg.store import open_store

CSV = '"kommunenummer";"indikator";"år";"verdi"\n"3203";"Lekeplasser";2024;12\n"3201";"Lekeplasser";2024;30\n'


def _db(seeded_db, tmp_path, monkeypatch):
    db = tmp_path / "cli.duckdb"
    shutil.copy(seeded_db, db)
    monkeypatch.setenv("SDG_DB", str(db))
    return db


def test_import_creates_indicator_and_prints_one_line(seeded_db, tmp_path, monkeypatch, capsys):
    db = _db(seeded_db, tmp_path, monkeypatch)
    f = tmp_path / "lek.csv"
    f.write_text(CSV, encoding="utf-8")
    assert main(["import", str(f), "--dry-run"]) == 0
    assert "prøvekjøring" in capsys.readouterr().out
    assert main(["import", str(f)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "Ark lek.csv: 3 rader lest, 2 importert, 1 hoppet over: 1 overskriftsrad"
    assert out[1] == ("lek.csv: Kolonner som ikke er tall: A: regionkolonne (kommunenummer eller "
                      "-navn for hver rad); B: indikatornavn (én serie per navn); C: årskolonne "
                      "(perioden for tallene)")  # every column not read as figures, with why
    assert "bruk --indicator ID" in out[2]
    assert len(out) == 4 and "importerte 2 rader" in out[3] and "lekeplasser: 2" in out[3]
    store = open_store(db)
    ind = store.indicators().set_index("id").loc["lekeplasser"]
    assert ind["direction"] == 0 and ind["aggregation"] == "none" and ind["name_nb"] == "Lekeplasser"
    store.close()


def test_import_into_named_indicator(seeded_db, tmp_path, monkeypatch, capsys):
    _db(seeded_db, tmp_path, monkeypatch)
    f = tmp_path / "g.csv"
    f.write_text(CSV, encoding="utf-8")
    assert main(["import", str(f), "--indicator", "grunnskolepoeng"]) == 0
    assert "grunnskolepoeng: 2" in capsys.readouterr().out
    assert main(["import", str(f), "--indicator", "nope"]) == 2
    assert "nope" in capsys.readouterr().err


def test_bad_input_prints_the_problem_table(seeded_db, tmp_path, monkeypatch, capsys):
    db = _db(seeded_db, tmp_path, monkeypatch)
    f = tmp_path / "bad.csv"
    f.write_text(CSV + '"9999";"Lekeplasser";1900;x\n', encoding="utf-8")
    store = open_store(db)
    before = store.content_checksum()
    store.close()
    assert main(["import", str(f)]) == 1
    err = capsys.readouterr().err
    assert "sheet" in err and "row" in err and "reason" in err and "9999" in err
    store = open_store(db)
    assert store.content_checksum() == before
    store.close()


def test_a_hidden_sheet_is_listed_and_imported_only_with_sheet(seeded_db, tmp_path,
                                                                monkeypatch, capsys):
    from tests.workbooks import hidden_sheet_bytes

    db = _db(seeded_db, tmp_path, monkeypatch)
    f = tmp_path / "skjult.xlsx"
    f.write_bytes(hidden_sheet_bytes("veryHidden"))
    store = open_store(db)
    before = store.content_checksum()
    store.close()
    assert main(["import", str(f), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Ark Synlig: 2 rader lest, 1 importert, 1 hoppet over: 1 overskriftsrad" in out
    assert "Skjult ark «Skjult» i skjult.xlsx er ikke lest; velg det med --sheet «Skjult»" in out
    assert "Ark Skjult" not in out and "Skjulte tall" not in out
    assert "ville importert 1 rader (lekeplasser: 1)" in out
    assert main(["import", str(f), "--dry-run", "--sheet", "Skjult"]) == 0
    out = capsys.readouterr().out
    assert "Ark Skjult: 2 rader lest, 1 importert" in out and "skjulte_tall: 1" in out
    assert "Skjult ark" not in out
    store = open_store(db)
    assert store.content_checksum() == before  # dry runs write nothing
    store.close()


def test_bad_sheet_and_missing_file(seeded_db, tmp_path, monkeypatch, capsys, shared_data):
    _db(seeded_db, tmp_path, monkeypatch)
    book = next((shared_data / "xlsx").glob("04_*"))
    assert main(["import", str(book), "--sheet", "Finnes ikke"]) == 2
    assert "Finnes ikke" in capsys.readouterr().err
    assert main(["import", str(book), "--sheet", "Telemark", "--dry-run"]) == 0
    assert main(["import", str(tmp_path / "mangler.xlsx")]) == 2
