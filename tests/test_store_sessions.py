"""Sign-in sessions in the store (migration 0012): hashed tokens, expiry, last use,
revocation by sign-out, disabling and password reset; user administration rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sdg.auth import SYSTEM, Actor, PermissionDenied, session_lifetime, token_hash
from sdg.errors import SdgError

PASSWORD = "tre blå hester i Hurum"
T0 = datetime(2026, 12, 1, 8, 0)


@pytest.fixture
def users(store):
    store.add_user(SYSTEM, "kari", "admin", password=PASSWORD)
    store.add_user(SYSTEM, "ola", "analyst", password=PASSWORD)
    return store


def test_only_the_hash_of_the_token_is_stored(users):
    token = users.create_session("ola", now=T0)
    rows = users.df("SELECT * FROM user_session")
    assert rows["token_hash"].tolist() == [token_hash(token)]
    assert not rows.astype(str).apply(lambda col: col.str.contains(token, regex=False)).any().any()
    assert len(token) >= 43  # 256 random bits


def test_a_session_lasts_its_lifetime_and_then_ends(users, monkeypatch):
    monkeypatch.delenv("SDG_SESSION_HOURS", raising=False)
    token = users.create_session("ola", now=T0)
    assert session_lifetime() == timedelta(hours=10)
    assert users.session(token, now=T0 + timedelta(hours=9, minutes=59)).actor == Actor(
        "ola", "analyst")
    assert users.session(token, now=T0 + timedelta(hours=10)) is None


def test_the_lifetime_is_configurable(users, monkeypatch):
    monkeypatch.setenv("SDG_SESSION_HOURS", "2")
    token = users.create_session("ola", now=T0)
    assert users.session(token, now=T0 + timedelta(hours=1, minutes=59)) is not None
    assert users.session(token, now=T0 + timedelta(hours=2)) is None
    monkeypatch.setenv("SDG_SESSION_HOURS", "en dag")
    with pytest.raises(SdgError, match="SDG_SESSION_HOURS"):
        users.create_session("ola")


def test_last_use_is_written_at_most_once_a_minute(users):
    token = users.create_session("ola", now=T0)
    last = lambda: users.scalar("SELECT last_used_at FROM user_session")  # noqa: E731
    users.session(token, now=T0 + timedelta(seconds=30))
    assert last() == T0
    users.session(token, now=T0 + timedelta(minutes=2))
    assert last() == T0 + timedelta(minutes=2)


def test_unknown_and_empty_tokens_are_nobody(users):
    assert users.session(None) is None and users.session("") is None
    assert users.session("not-a-token") is None


def test_sign_out_revokes_the_session_for_every_tab(users):
    token = users.create_session("ola", now=T0)
    other = users.create_session("ola", now=T0)  # another browser
    users.end_session(token, now=T0 + timedelta(minutes=5))
    assert users.session(token, now=T0 + timedelta(minutes=6)) is None
    assert users.session(other, now=T0 + timedelta(minutes=6)) is not None
    users.end_session(token)  # again: nothing happens
    why = users.df("SELECT revoked_why FROM user_session WHERE token_hash = $h",
                   {"h": token_hash(token)})["revoked_why"].tolist()
    assert why == ["sign_out"]


def test_a_new_role_holds_from_the_next_request(users):
    token = users.create_session("ola")
    users.set_role(SYSTEM, "ola", "facilitator")
    assert users.session(token).actor.role == "facilitator"


def test_disabling_ends_every_session_and_enabling_does_not_revive_them(users):
    token = users.create_session("ola")
    users.set_disabled(SYSTEM, "ola")
    assert users.session(token) is None
    with pytest.raises(SdgError, match="Feil brukernavn"):
        users.sign_in("ola", PASSWORD)
    users.set_disabled(SYSTEM, "ola", False)
    assert users.session(token) is None
    assert users.session(users.create_session("ola")) is not None


def test_a_reset_ends_sessions_and_forces_a_new_password(users):
    token = users.create_session("ola")
    temporary = users.reset_password(SYSTEM, "ola")
    assert users.session(token) is None
    assert users.must_change_password("ola")
    assert users.sign_in("ola", temporary).name == "ola"
    with pytest.raises(SdgError, match="annet enn det gamle"):
        users.set_own_password("ola", temporary)
    users.set_own_password("ola", "fire grønne biler i Røyken")
    assert not users.must_change_password("ola")
    with pytest.raises(SdgError, match="utløpt"):  # no forced change pending any more
        users.set_own_password("ola", "seks røde busser i Asker")
    users.set_own_password("ola", "seks røde busser i Asker", old="fire grønne biler i Røyken")
    assert users.sign_in("ola", "seks røde busser i Asker").name == "ola"


def test_the_last_admin_can_neither_lose_the_role_nor_be_disabled(users):
    with pytest.raises(SdgError, match="siste aktive administratoren"):
        users.set_role(Actor("kari", "admin"), "kari", "analyst")
    with pytest.raises(SdgError, match="siste aktive administratoren"):
        users.set_disabled(Actor("kari", "admin"), "kari")
    users.set_role(SYSTEM, "ola", "admin")
    users.set_disabled(Actor("kari", "admin"), "kari")  # ola is still an admin
    with pytest.raises(SdgError, match="siste aktive administratoren"):
        users.set_role(Actor("ola", "admin"), "ola", "viewer")


def test_only_admins_administer_users(users):
    analyst = Actor("ola", "analyst")
    for call in (lambda: users.set_role(analyst, "kari", "viewer"),
                 lambda: users.set_disabled(analyst, "kari"),
                 lambda: users.unlock(analyst, "kari"),
                 lambda: users.reset_password(analyst, "kari")):
        with pytest.raises(PermissionDenied):
            call()


def test_every_change_is_audited(users):
    users.set_role(SYSTEM, "ola", "facilitator")
    users.set_disabled(SYSTEM, "ola")
    users.set_disabled(SYSTEM, "ola", False)
    users.unlock(SYSTEM, "ola")
    users.reset_password(SYSTEM, "ola")
    details = users.df("SELECT detail FROM audit_log WHERE action = 'users.admin'"
                       " ORDER BY id")["detail"].tolist()
    assert details[-5:] == [
        '{"set_role": "ola", "role": "facilitator", "was": "analyst"}',
        '{"disable_user": "ola"}', '{"enable_user": "ola"}', '{"unlock_user": "ola"}',
        '{"reset_password": "ola"}']


def test_an_oidc_user_has_no_password_to_reset(users):
    users.add_user(SYSTEM, "per@asker.kommune.no", "viewer", email="per@asker.kommune.no")
    with pytest.raises(SdgError, match="kommunens konto"):
        users.reset_password(SYSTEM, "per@asker.kommune.no")
    assert users.user_for_email("PER@asker.kommune.no") == ("per@asker.kommune.no", "viewer",
                                                            False)


def test_users_lists_status_and_live_sessions(users):
    users.create_session("ola")
    listed = users.users(SYSTEM).set_index("name")
    assert listed.loc["ola", "sessions"] == 1 and listed.loc["kari", "sessions"] == 0
    assert not listed["must_change_password"].any()


@pytest.mark.parametrize("name", ["", " kari", "kari "])
def test_a_user_name_with_spaces_around_is_refused(users, name):
    with pytest.raises(SdgError, match="Brukernavnet"):
        users.add_user(SYSTEM, name, "viewer", email="x@example.org")


def test_after_an_expired_lockout_counting_starts_again(users):
    for i in range(5):
        with pytest.raises(SdgError, match="Feil"):
            users.sign_in("ola", "feil passord", now=T0 + timedelta(seconds=i))
    later = T0 + timedelta(minutes=16)
    with pytest.raises(SdgError, match="Feil"):
        users.sign_in("ola", "feil passord", now=later)
    assert users.scalar("SELECT failed_count FROM app_user WHERE name = 'ola'") == 1
    assert users.sign_in("ola", PASSWORD, now=later).name == "ola"
    assert users.scalar("SELECT failed_count FROM app_user WHERE name = 'ola'") == 0


def test_sessions_ended_long_ago_are_dropped_at_the_next_sign_in(users):
    users.create_session("ola", now=T0)
    users.create_session("ola", now=T0 + timedelta(days=91))
    assert users.scalar("SELECT count(*) FROM user_session") == 1
