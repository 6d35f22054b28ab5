"""python -m sdg init|info|build-seed."""

from __future__ import annotations

import subprocess
import sys

from sdg.cli import main
from tests.conftest import ROOT


def test_init_creates_and_info_reports(tmp_path, monkeypatch, capsys):
    db = tmp_path / "cli.duckdb"
    monkeypatch.setenv("SDG_DB", str(db))
    assert main(["init"]) == 0
    assert db.exists()
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "goal                          17" in out
    assert "target                       169" in out
    assert "schema version: " in out


def test_module_entry_point(tmp_path):
    env = {"SDG_DB": str(tmp_path / "m.duckdb"), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-m", "sdg", "info"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "municipality" in r.stdout


def test_build_seed_reproduces_the_committed_seed(shared_data, tmp_path):
    import shutil

    from sdg.seedbuild import AUTHORED, SEED_DIR

    for name in AUTHORED:
        if (SEED_DIR / name).exists():
            shutil.copy(SEED_DIR / name, tmp_path / name)
    assert main(["build-seed", "--source", str(shared_data), "--out", str(tmp_path)]) == 0
    for generated in ("goals.csv", "targets.csv", "un_indicators.csv", "municipalities.csv",
                      "municipality_changes.csv", "ks_catalogue.csv", "observations.csv"):
        assert (tmp_path / generated).read_bytes() == (SEED_DIR / generated).read_bytes(), generated


def test_user_add_with_password_from_stdin_and_list(tmp_path, monkeypatch, capsys):
    import io

    from sdg.store import open_store

    db = tmp_path / "u.duckdb"
    monkeypatch.setenv("SDG_DB", str(db))
    monkeypatch.setattr("sys.stdin", io.StringIO("et langt passord\n"))
    assert main(["user", "add", "kari", "--role", "analyst", "--password-stdin"]) == 0
    assert main(["user", "add", "ola@asker.kommune.no", "--role", "facilitator",
                 "--email", "ola@asker.kommune.no"]) == 0
    assert main(["user", "list"]) == 0
    out = capsys.readouterr().out
    assert "kari" in out and "ola@asker.kommune.no" in out
    store = open_store(db)
    assert store.sign_in("kari", "et langt passord").role == "analyst"
    assert store.role_for_email("ola@asker.kommune.no") == "facilitator"
    log = store.df("SELECT actor, action FROM audit_log ORDER BY id")
    assert log["action"].tolist() == ["users.admin", "users.admin"]
    assert log["actor"].str.startswith("cli:").all()
    store.close()


def test_user_add_refuses_a_short_password(tmp_path, monkeypatch, capsys):
    import io

    monkeypatch.setenv("SDG_DB", str(tmp_path / "u.duckdb"))
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert main(["user", "add", "kari", "--role", "analyst", "--password-stdin"]) == 2
    assert "minst 10 tegn" in capsys.readouterr().err


def test_report_writes_a_pdf(seeded_db, tmp_path, monkeypatch, capsys):
    import shutil

    db = tmp_path / "r.duckdb"
    shutil.copy(seeded_db, db)
    monkeypatch.setenv("SDG_DB", str(db))
    out = tmp_path / "asker.pdf"
    assert main(["report", "--kommune", "3203", "--lang", "en", "--out", str(out),
                 "--date", "2026-11-30"]) == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    assert capsys.readouterr().out.startswith(f"{out}: ")
    assert main(["report", "--kommune", "9999", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "9999" in capsys.readouterr().err and not (tmp_path / "x.pdf").exists()
