"""The hostile-file corpus (tests/hostile_files.py) through the import, in a process of
its own: each file ends in its expected refusal or problem, the database file is
unchanged, and neither the importing process nor the parse child passes 1 GB."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from sdg.errors import InvalidInput
from sdg.importer import read_file
from sdg.store import open_store
from tests.conftest import ROOT
from tests.hostile_files import CASES, far_cell

LIMIT_MB = 1024


@pytest.fixture(scope="module")
def corpus_report(seeded_db, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "h.duckdb"
    shutil.copy(seeded_db, db)
    open_store(db).close()  # settle the file once (the runner compares checksums)
    out = folder / "report.json"
    subprocess.run([sys.executable, "-m", "tests.hostile_run", str(db), str(out)],
                   cwd=ROOT, check=True, timeout=900)
    return json.loads(out.read_text())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_file_is_refused_with_its_message(corpus_report, case):
    got = corpus_report["cases"][case.name]
    kind, key = case.expect
    assert got["outcome"][0] == kind, got["outcome"]
    assert key == got["outcome"][1] if kind == "err" else key in got["outcome"][1]
    assert got["before"] == got["after"], "the database changed"
    assert got["peak_mb"] is not None and got["peak_mb"] <= LIMIT_MB


def test_the_importing_process_stays_under_a_gigabyte(corpus_report):
    assert corpus_report["runner_peak_mb"] <= LIMIT_MB


def test_far_cell_message_names_the_limit(corpus_report):
    message = corpus_report["cases"]["far_cell.xlsx"]["outcome"][2]
    assert "1\u00a0048\u00a0576 rader" in message and "500\u00a0000" in message


def test_an_unforeseen_bomb_ends_the_child_not_the_caller(store, monkeypatch):
    """A file that passes every check but needs more memory than allowed: the parse
    child dies at its limit, the caller gets "Filen er for stor eller ødelagt"."""
    lines = [f"{3200 + i % 50:04d};Indikator {i % 7};{2000 + i % 20};{i},5"
             for i in range(400_000)]  # 1.6 M cells: under every row and cell limit
    data = "\n".join(["kommunenummer;indikator;år;verdi", *lines]).encode()
    monkeypatch.setenv("SDG_IMPORT_MEMORY_MB", "150")
    history = store.municipalities(current_only=False)
    with pytest.raises(InvalidInput) as err:
        read_file(data, "stor.csv", history)
    assert err.value.key == "ingest.err.too_big_or_broken"
    assert err.value.message("nb").startswith("Filen er for stor eller ødelagt")
    monkeypatch.delenv("SDG_IMPORT_MEMORY_MB")
    fine = read_file(data, "stor.csv", history)  # in the default 1 GB it is read
    assert len(fine.result.tables) == 7 and fine.peak_mb <= LIMIT_MB


def test_a_parse_over_time_is_stopped(store, monkeypatch):
    monkeypatch.setenv("SDG_IMPORT_TIMEOUT_S", "0.001")
    with pytest.raises(InvalidInput) as err:
        read_file(far_cell(), "treg.xlsx", store.municipalities(current_only=False))
    assert err.value.key == "ingest.err.too_big_or_broken"


def test_control_characters_are_stripped_from_imported_names(store):
    """A NUL byte (past the first 4 kB, where the type sniffing looks), an escape
    sequence and a bidi override in indicator names: the new indicators' names are
    clean, the figures are read."""
    from sdg.importer import default_mapping, detected_series

    filler = [f"{3200 + i % 50:04d};Folketall;{1990 + i % 30};{i}" for i in range(300)]
    rows = ["kommunenummer;indikator;år;verdi", *filler,
            "3203;Syssel\x00setting\x1b[31m;2020;70,5", "3203;\u202eHelse\u200b;2020;1"]
    fr = read_file("\n".join(rows).encode(), "kontroll.csv",
                   store.municipalities(current_only=False))
    series = detected_series(fr)
    mapping = default_mapping(series, store.indicators())
    names = sorted(spec.name_nb for spec in mapping.new.values())
    assert "Sysselsetting[31m" in names and "Helse" in names
    assert all(ch.isprintable() for name in names for ch in name)
