"""Roles and permissions, password hashing, lockout."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from sdg.auth import (
    ANONYMOUS,
    MAX_FAILURES,
    PERMISSIONS,
    ROLES,
    Actor,
    PermissionDenied,
    hash_password,
    locked,
    require,
    verify_password,
)
from sdg.errors import SdgError


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_a_viewer_may_write_nothing(permission):
    with pytest.raises(PermissionDenied) as err:
        require(ANONYMOUS, permission)
    assert isinstance(err.value, PermissionError)
    assert "viewer" in err.value.message("en")


@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_an_admin_may_do_everything(permission):
    require(Actor("a", "admin"), permission)


def test_the_role_matrix():
    may = {role: {p for p in PERMISSIONS if Actor("x", role).may(p)} for role in ROLES}
    assert may["viewer"] == set()
    assert may["facilitator"] == {"workshop.run"}
    assert "data.import" in may["analyst"] and "workshop.run" not in may["analyst"]
    assert "users.admin" not in may["analyst"] and "audit.read" not in may["analyst"]
    # the council's cycle: analysts propose, the secretary records the adoption
    assert may["secretary"] == {"decision.adopt", "report.make"}  # and the report it files
    assert "decision.propose" in may["analyst"] and "decision.adopt" not in may["analyst"]


def test_unknown_role_and_permission():
    with pytest.raises(SdgError):
        Actor("x", "superuser")
    with pytest.raises(KeyError):
        require(Actor("x", "admin"), "no.such.permission")


def test_password_hash_is_salted_and_verifies():
    h1, h2 = hash_password("korrekt hest batteri"), hash_password("korrekt hest batteri")
    assert h1 != h2 and h1.startswith("$argon2id$")
    assert verify_password(h1, "korrekt hest batteri")
    assert not verify_password(h1, "Korrekt hest batteri")
    assert not verify_password("not a hash", "x")
    with pytest.raises(SdgError):
        hash_password("kort")


def test_lockout_window():
    t0 = datetime(2026, 11, 26, 12, 0)
    assert not locked(MAX_FAILURES - 1, t0, t0)
    assert locked(MAX_FAILURES, t0, t0 + timedelta(minutes=1))
    assert not locked(MAX_FAILURES, t0, t0 + timedelta(minutes=15))
    assert not locked(MAX_FAILURES, None, t0)
