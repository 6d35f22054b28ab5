"""Roles, permissions, passwords and lockout: who may do what.

Every write in :mod:`sdg` takes the acting :class:`Actor` and calls :func:`require`
first, so a page bug cannot bypass the rule; the store records each write in the audit
log. Roles (issue 7):

=============  ================================================================
role           may
=============  ================================================================
``viewer``     read everything (council members); the default for anyone
``analyst``    import figures, keep indicators, the benefits plan, survey data,
               the administration's assessment, materiality settings, decisions
``facilitator`` run workshops
``admin``      everything, plus users and roles, settings and the audit log
=============  ================================================================

Workshop participants need no account: they reach only the participant page of an
open session, and their votes are checked by :mod:`sdg.workshop`, not by role.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sdg.errors import SdgError

ROLES: tuple[str, ...] = ("viewer", "analyst", "facilitator", "admin")

#: Permission → roles that hold it. Reading needs no permission.
PERMISSIONS: dict[str, frozenset[str]] = {
    "data.import": frozenset({"analyst", "admin"}),
    "indicators.write": frozenset({"analyst", "admin"}),
    "benefits.write": frozenset({"analyst", "admin"}),
    "ratings.write": frozenset({"analyst", "admin"}),
    "materiality.decide": frozenset({"analyst", "admin"}),
    "report.make": frozenset({"analyst", "admin"}),
    "workshop.run": frozenset({"facilitator", "admin"}),
    "users.admin": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
}

#: Failed sign-ins in a row that lock an account, and for how long.
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)

_hasher = PasswordHasher()


class PermissionDenied(SdgError, PermissionError):
    """The actor's role does not allow the action (a domain ``PermissionError``)."""


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user name (or e-mail) and a role.

    >>> Actor("kari", "analyst").may("benefits.write")
    True
    >>> Actor("ola", "viewer").may("benefits.write")
    False
    """

    name: str
    role: str = "viewer"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise SdgError("auth.err.unknown_role", role=self.role)

    def may(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]


#: The anonymous reader: what anyone who opens the app is, unless signed in.
ANONYMOUS = Actor("anonym", "viewer")
#: The system itself (seed loading, migrations).
SYSTEM = Actor("system", "admin")


def require(actor: Actor, permission: str) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` holds ``permission``.

    >>> require(Actor("kari", "admin"), "users.admin")
    >>> require(ANONYMOUS, "data.import")
    Traceback (most recent call last):
    ...
    sdg.auth.PermissionDenied: Rollen «viewer» har ikke lov til dette (data.import). Logg inn med en bruker som har tilgang.
    """
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if not actor.may(permission):
        raise PermissionDenied("auth.err.denied", role=actor.role, permission=permission)


def roles_allowed(permission: str) -> frozenset[str]:
    """The roles that hold ``permission`` (for page lists and messages)."""
    return PERMISSIONS[permission]


def hash_password(password: str) -> str:
    """An Argon2id hash (argon2-cffi defaults, RFC 9106 low-memory profile).

    >>> verify_password(hash_password("korrekt hest"), "korrekt hest")
    True
    """
    if len(password) < 10:
        raise SdgError("auth.err.short_password", n=10)
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True if ``password`` matches ``stored_hash``; False for a wrong or broken hash.

    >>> verify_password(hash_password("korrekt hest"), "feil passord")
    False
    """
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def locked(failed_count: int, last_failure: datetime | None, now: datetime) -> bool:
    """An account is locked after :data:`MAX_FAILURES` failures in a row, until
    :data:`LOCKOUT` has passed since the last one.

    >>> t0 = datetime(2026, 1, 1, 12, 0)
    >>> locked(5, t0, t0 + timedelta(minutes=14)), locked(5, t0, t0 + timedelta(minutes=15))
    (True, False)
    >>> locked(4, t0, t0)
    False
    """
    return (failed_count >= MAX_FAILURES and last_failure is not None
            and now - last_failure < LOCKOUT)
