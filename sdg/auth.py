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
``secretary``  record the council's decisions (adopt, supersede, withdraw), with the
               case number (saksnummer) and meeting date (issue 12)
``admin``      everything, plus users and roles, settings and the audit log
=============  ================================================================

Workshop participants need no account: they reach only the participant page of an
open session, and their votes are checked by :mod:`sdg.workshop`, not by role.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sdg.errors import SdgError

ROLES: tuple[str, ...] = ("viewer", "analyst", "facilitator", "secretary", "admin")

#: Permission → roles that hold it. Reading needs no permission.
PERMISSIONS: dict[str, frozenset[str]] = {
    "data.import": frozenset({"analyst", "admin"}),
    "indicators.write": frozenset({"analyst", "admin"}),
    "benefits.write": frozenset({"analyst", "admin"}),
    "ratings.write": frozenset({"analyst", "admin"}),
    "materiality.decide": frozenset({"analyst", "admin"}),
    "report.make": frozenset({"analyst", "secretary", "admin"}),
    "workshop.run": frozenset({"facilitator", "admin"}),
    # the council's cycle (issue 12): analysts propose and include sources, the
    # council's secretary records what the council adopted
    "decision.propose": frozenset({"analyst", "admin"}),
    "decision.adopt": frozenset({"secretary", "admin"}),
    "sources.include": frozenset({"analyst", "admin"}),
    "content.write": frozenset({"analyst", "admin"}),
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
    check_password(password)
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


# ------------------------------------------------------------------ password policy
#: NIST SP 800-63B §3.1.1.2: a minimum length, a generous maximum, no composition rules,
#: and a check against values known to be common or guessable.
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).parent / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (``sdg/common_passwords.txt``), case-folded.

    >>> "passord123" in common_passwords()
    True
    """
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().casefold() for x in lines if x.strip() and not x.startswith("#"))


_SEQUENCES = ("0123456789", "abcdefghijklmnopqrstuvwxyzæøå", "qwertyuiopåasdfghjkløæzxcvbnm")


def _guessable(password: str, user_name: str | None) -> bool:
    """True for a common password, one made of a common word plus digits or signs, a
    run of one character or a keyboard/alphabet sequence, or one built on the user name.

    >>> _guessable("Sommer2024!", None), _guessable("1234567890", None)
    (True, True)
    >>> _guessable("kari-kari-kari", "kari"), _guessable("tre blå hester i Hurum", "kari")
    (True, False)
    """
    folded = password.casefold()
    common = common_passwords()
    stem = re.sub(r"[\d\W_]+$", "", folded)  # "sommer2024!" -> "sommer"
    if folded in common or (stem and stem in common):
        return True
    if len(set(folded)) <= 2:
        return True
    if any(folded in seq or folded in seq[::-1] for seq in _SEQUENCES):
        return True
    if user_name:
        name = user_name.casefold().split("@")[0]
        if len(name) >= 3 and len(folded.replace(name, "")) < 4:
            return True
    return False


def check_password(password: str, user_name: str | None = None) -> None:
    """Refuse a password that is too short, too long or easily guessed (NIST SP
    800-63B: length and a list check; no rules about digits or capitals).

    >>> check_password("tre blå hester i Hurum")
    >>> check_password("passord123")
    Traceback (most recent call last):
    ...
    sdg.errors.SdgError: Passordet er for vanlig eller lett å gjette. Velg en lengre setning eller noen tilfeldige ord.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise SdgError("auth.err.short_password", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise SdgError("accounts.err.long_password", n=MAX_PASSWORD_LENGTH)
    if _guessable(password, user_name):
        raise SdgError("accounts.err.common_password")


def temporary_password() -> str:
    """A random password for a reset (to be changed at the next sign-in): four groups of
    four lower-case letters and digits, easy to read out.

    >>> pw = temporary_password(); len(pw), pw.count("-")
    (19, 3)
    """
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


# ------------------------------------------------------------------ sessions
#: The cookie that carries a session's token (set by ``web/auth.py``, read by ``ui``).
SESSION_COOKIE = "sdg_session"
#: Default length of a sign-in: a working day. ``SDG_SESSION_HOURS`` overrides it.
DEFAULT_SESSION_HOURS = 10.0
#: How often the last use of a session is written (not on every rerun).
LAST_USE_RESOLUTION = timedelta(minutes=1)


def session_lifetime() -> timedelta:
    """How long a sign-in lasts: ``$SDG_SESSION_HOURS`` hours (default 10, a working
    day with some slack), at least five minutes.

    >>> os.environ.pop("SDG_SESSION_HOURS", None) and None
    >>> session_lifetime()
    datetime.timedelta(seconds=36000)
    """
    raw = os.environ.get("SDG_SESSION_HOURS", "")
    try:
        hours = float(raw) if raw else DEFAULT_SESSION_HOURS
    except ValueError as exc:
        raise SdgError("accounts.err.session_hours", value=raw) from exc
    if not hours == hours or hours <= 0:  # NaN or not positive
        raise SdgError("accounts.err.session_hours", value=raw)
    return max(timedelta(hours=hours), timedelta(minutes=5))


def new_session_token() -> str:
    """A random session token for the cookie: 32 bytes from :mod:`secrets`, URL-safe.

    >>> len(new_session_token()), new_session_token() != new_session_token()
    (43, True)
    """
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256 in hex (the token has 256 random
    bits, so a plain hash is enough; a copy of the database signs nobody in).

    >>> token_hash("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
