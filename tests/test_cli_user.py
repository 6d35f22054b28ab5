"""python -m sdg user list|add|role|disable|enable|unlock|reset-password, and one-line
messages for expected problems (issue 14)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from sdg.auth import SYSTEM
from sdg.cli import main
from sdg.store import open_store
from tests.conftest import ROOT

PASSWORD = "tre blå hester i Hurum"


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A fresh database with the admin kari and the analyst ola."""
    path = tmp_path / "u.duckdb"
    monkeypatch.setenv("SDG_DB", str(path))
    store = open_store(path, seed=False)
    store.add_user(SYSTEM, "kari", "admin", password=PASSWORD)
    store.add_user(SYSTEM, "ola", "analyst", password=PASSWORD)
    store.close()
    return path


def _read(db, sql: str, params: dict | None = None):
    store = open_store(db, seed=False)
    try:
        return store.df(sql, params)
    finally:
        store.close()


def _audit(db) -> list[str]:
    return _read(db, "SELECT detail FROM audit_log WHERE actor LIKE 'cli:%' ORDER BY id"
                 )["detail"].tolist()


def test_list_shows_roles_and_status_in_words(db, capsys):
    assert main(["user", "list"]) == 0
    out = capsys.readouterr().out
    assert "Brukernavn" in out and "administrator" in out and "analytiker" in out
    assert "aktiv" in out and "NaT" not in out and "None" not in out


def test_add_checks_the_password_against_the_common_list(db, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("passord123\n"))
    assert main(["user", "add", "per", "--role", "viewer", "--password-stdin"]) == 2
    assert "for vanlig" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "add", "per", "--role", "viewer", "--password-stdin"]) == 0
    assert '{"add_user": "per", "role": "viewer"}' in _audit(db)


def test_role_changes_and_is_audited(db, capsys):
    assert main(["user", "role", "ola", "facilitator"]) == 0
    assert _read(db, "SELECT role FROM app_user WHERE name = 'ola'")["role"][0] == "facilitator"
    assert '{"set_role": "ola", "role": "facilitator", "was": "analyst"}' in _audit(db)


def test_the_last_admin_keeps_the_role_and_stays_enabled(db, capsys):
    assert main(["user", "role", "kari", "viewer"]) == 2
    assert main(["user", "disable", "kari"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["kari er den siste aktive administratoren. Gi en annen bruker rollen "
                   "administrator først."] * 2
    assert main(["user", "role", "ola", "admin"]) == 0
    assert main(["user", "role", "kari", "viewer"]) == 0  # now another admin remains


def test_disable_ends_the_sessions_and_enable_lets_in_again(db, capsys):
    store = open_store(db, seed=False)
    token = store.create_session("ola")
    store.close()
    assert main(["user", "disable", "ola"]) == 0
    store = open_store(db, seed=False)
    assert store.session(token) is None
    store.close()
    assert main(["user", "enable", "ola"]) == 0
    store = open_store(db, seed=False)
    assert store.sign_in("ola", PASSWORD).role == "analyst"
    store.close()
    assert _audit(db)[-2:] == ['{"disable_user": "ola"}', '{"enable_user": "ola"}']


def test_unlock_lifts_a_lockout(db, capsys):
    store = open_store(db, seed=False)
    for _ in range(5):
        with pytest.raises(Exception, match="Feil"):
            store.sign_in("ola", "feil passord")
    with pytest.raises(Exception, match="sperret"):
        store.sign_in("ola", PASSWORD)
    store.close()
    assert main(["user", "unlock", "ola"]) == 0
    store = open_store(db, seed=False)
    assert store.sign_in("ola", PASSWORD).name == "ola"
    store.close()
    assert '{"unlock_user": "ola"}' in _audit(db)


def test_reset_password_prints_a_temporary_one_that_must_be_changed(db, capsys):
    assert main(["user", "reset-password", "ola"]) == 0
    out = capsys.readouterr().out
    temporary = out.strip().rsplit(": ", 1)[1]
    store = open_store(db, seed=False)
    assert store.must_change_password("ola")
    assert store.sign_in("ola", temporary).name == "ola"
    store.set_own_password("ola", "fire grønne biler i Røyken")
    assert not store.must_change_password("ola")
    store.close()
    assert '{"reset_password": "ola"}' in _audit(db)


def test_an_unknown_user_is_one_line(db, capsys):
    assert main(["user", "disable", "nn"]) == 2
    assert capsys.readouterr().err == "Fant ingen bruker «nn».\n"


def test_a_bad_argument_is_one_line_pointing_at_the_help(db, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["user", "role", "ola", "sjef"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "python -m sdg user role --help" in err


def test_a_missing_file_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SDG_DB", str(tmp_path / "x.duckdb"))
    assert main(["import", str(tmp_path / "finnes-ikke.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Fant ikke" in err and "finnes-ikke.xlsx" in err


def test_a_database_held_by_the_running_app_is_one_line(db):
    """Another process holds the file (as the app does): no DuckDB traceback."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         f"con = duckdb.connect({str(db)!r})\nprint('held', flush=True)\ntime.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        r = subprocess.run([sys.executable, "-m", "sdg", "user", "list"], cwd=ROOT,
                           env={"SDG_DB": str(db), "PATH": "/usr/bin:/bin"},
                           capture_output=True, text=True, timeout=120)
    finally:
        holder.kill()
        holder.wait()
    assert r.returncode == 3
    assert "Traceback" not in r.stderr and "Conflicting lock" not in r.stderr
    assert r.stderr.count("\n") == 1 and "låst av en annen prosess" in r.stderr
