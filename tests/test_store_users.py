"""Accounts, sign-in with lockout, OIDC role mapping, the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sdg.auth import ANONYMOUS, SYSTEM, Actor, PermissionDenied
from sdg.errors import SdgError

ADMIN = Actor("admin", "admin")


def test_add_user_sign_in_and_audit(store):
    store.add_user(SYSTEM, "kari", "analyst", password="et langt passord")
    actor = store.sign_in("kari", "et langt passord")
    assert actor == Actor("kari", "analyst")
    log = store.audit_log(ADMIN)
    assert log.iloc[0]["actor"] == "system" and "kari" in log.iloc[0]["detail"]


def test_wrong_password_and_unknown_user_give_the_same_message(store):
    store.add_user(SYSTEM, "kari", "analyst", password="et langt passord")
    with pytest.raises(SdgError) as a:
        store.sign_in("kari", "feil")
    with pytest.raises(SdgError) as b:
        store.sign_in("ingen", "feil")
    assert a.value.key == b.value.key == "auth.err.bad_login"


def test_lockout_after_five_failures_and_release(store):
    store.add_user(SYSTEM, "ola", "facilitator", password="et langt passord")
    t0 = datetime(2026, 11, 26, 12, 0)
    for i in range(5):
        with pytest.raises(SdgError, match="Feil brukernavn"):
            store.sign_in("ola", "feil", now=t0 + timedelta(seconds=i))
    with pytest.raises(SdgError) as err:  # even the right password is refused now
        store.sign_in("ola", "et langt passord", now=t0 + timedelta(minutes=1))
    assert err.value.key == "auth.err.locked"
    # 15 minutes after the last failure the account opens again.
    assert store.sign_in("ola", "et langt passord", now=t0 + timedelta(minutes=16)).role == \
        "facilitator"


def test_only_admins_manage_users_and_read_the_log(store):
    for actor in (ANONYMOUS, Actor("k", "analyst"), Actor("f", "facilitator")):
        with pytest.raises(PermissionDenied):
            store.add_user(actor, "x", "admin", password="et langt passord")
        with pytest.raises(PermissionDenied):
            store.audit_log(actor)
        with pytest.raises(PermissionDenied):
            store.users(actor)
    assert store.df("SELECT count(*) AS n FROM app_user")["n"].item() == 0


def test_oidc_email_role_mapping(store):
    store.add_user(ADMIN, "kari@asker.kommune.no", "analyst", email="kari@asker.kommune.no")
    assert store.role_for_email("KARI@asker.kommune.no") == "analyst"
    assert store.role_for_email("ukjent@example.org") == "viewer"
    store.set_role(ADMIN, "kari@asker.kommune.no", "admin")
    assert store.role_for_email("kari@asker.kommune.no") == "admin"


@settings(max_examples=30, deadline=None)
@given(name=st.text(alphabet=st.sampled_from(list("ab'\";-- )(*%_\\DROP TABLE app_user")),
                    min_size=1, max_size=25))
def test_hostile_names_are_stored_as_text(seeded_db, tmp_path_factory, name):
    import shutil

    from sdg.store import open_store

    name = name.strip()  # a name with spaces around is refused (test_store_sessions.py)
    assume(name)
    path = tmp_path_factory.mktemp("u") / "u.duckdb"
    shutil.copy(seeded_db, path)
    s = open_store(path)
    try:
        s.add_user(ADMIN, name, "viewer", email=name)
        assert name in s.users(ADMIN)["name"].tolist()
        assert s.role_for_email(name) == "viewer"
        with pytest.raises(SdgError):
            s.sign_in(name, "x")
        assert s.counts()["goal"] == 17
    finally:
        s.close()


def test_backup_is_a_consistent_openable_copy(store, tmp_path):
    from sdg.store import Store

    store.add_user(SYSTEM, "kari", "analyst", password="et langt passord")
    with pytest.raises(PermissionDenied):
        store.backup(Actor("k", "analyst"), tmp_path / "no.duckdb")
    path = store.backup(ADMIN, tmp_path / "b" / "copy.duckdb")
    copy = Store(path)
    try:
        assert copy.counts() == {k: v for k, v in store.counts().items()}
        assert "kari" in copy.users(ADMIN)["name"].tolist()
    finally:
        copy.close()
    assert "backup" in store.audit_log(ADMIN).iloc[0]["detail"]
