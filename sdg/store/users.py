"""Users, sign-in with lockout, and the audit log."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

from sdg.auth import LOCKOUT, MAX_FAILURES, Actor, hash_password, locked, require, verify_password
from sdg.errors import NotFound, SdgError


class UserQueries:
    """Local accounts, e-mail → role mapping for OIDC, the audit log."""

    # ------------------------------------------------------------ audit log
    def audit(self, cur, actor: Actor, action: str, detail: object = None,
              batch_id: int | None = None) -> None:
        """Record one write, inside the caller's transaction ``cur``."""
        text = detail if isinstance(detail, str) or detail is None else json.dumps(
            detail, ensure_ascii=False, default=str)
        cur.execute(
            "INSERT INTO audit_log (actor, role, action, detail, batch_id)"
            " VALUES ($a, $r, $act, $d, $b)",
            {"a": actor.name, "r": actor.role, "act": action, "d": text, "b": batch_id},
        )

    def audit_log(self, actor: Actor, limit: int = 1000) -> pd.DataFrame:
        """The newest entries of the audit log (admins only)."""
        require(actor, "audit.read")
        return self.df("SELECT * FROM audit_log ORDER BY id DESC LIMIT $n", {"n": limit})

    def backup(self, actor: Actor, dest=None):
        """A consistent copy of the database (admins only), by default into
        ``backup/sdg-<timestamp>.duckdb`` beside the database file; returns its path."""
        from pathlib import Path

        require(actor, "users.admin")
        if dest is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            dest = Path(self.path).parent / "backup" / f"sdg-{stamp}.duckdb"
        path = self.copy_to(dest)
        with self.transaction() as cur:
            self.audit(cur, actor, "users.admin", {"backup": str(path)})
        return path

    # ---------------------------------------------------------------- users
    def users(self, actor: Actor) -> pd.DataFrame:
        require(actor, "users.admin")
        return self.df(
            "SELECT name, email, role, password_hash IS NOT NULL AS local, failed_count,"
            " last_failure, disabled, created_at FROM app_user ORDER BY name")

    def add_user(self, actor: Actor, name: str, role: str, *, password: str | None = None,
                 email: str | None = None) -> None:
        """Create a local account (with a password) or an OIDC mapping (with an e-mail)."""
        require(actor, "users.admin")
        Actor(name, role)  # validates the role
        pw_hash = hash_password(password) if password is not None else None
        with self.transaction() as cur:
            if cur.execute("SELECT count(*) FROM app_user WHERE name = $n",
                           {"n": name}).fetchone()[0]:
                raise SdgError("auth.err.user_exists", name=name)
            cur.execute(
                "INSERT INTO app_user (name, email, role, password_hash)"
                " VALUES ($n, $e, $r, $h)",
                {"n": name, "e": email, "r": role, "h": pw_hash},
            )
            self.audit(cur, actor, "users.admin", {"add_user": name, "role": role})

    def set_role(self, actor: Actor, name: str, role: str) -> None:
        require(actor, "users.admin")
        Actor(name, role)
        with self.transaction() as cur:
            n = cur.execute("UPDATE app_user SET role = $r WHERE name = $n RETURNING name",
                            {"r": role, "n": name}).fetchall()
            if not n:
                raise NotFound("auth.err.no_user", name=name)
            self.audit(cur, actor, "users.admin", {"set_role": name, "role": role})

    def role_for_email(self, email: str) -> str:
        """The role mapped to an OIDC e-mail; ``viewer`` where none is mapped."""
        role = self.scalar(
            "SELECT role FROM app_user WHERE lower(email) = lower($e) AND NOT disabled",
            {"e": email})
        return role or "viewer"

    def sign_in(self, name: str, password: str, now: datetime | None = None) -> Actor:
        """Check a local account's password, with lockout after repeated failures.

        Raises
        ------
        SdgError
            ``auth.err.bad_login`` (unknown user or wrong password: the same message,
            so names cannot be probed) or ``auth.err.locked``.
        """
        now = now or datetime.now()
        with self.transaction() as cur:
            row = cur.execute(
                "SELECT role, password_hash, failed_count, last_failure, disabled"
                " FROM app_user WHERE name = $n", {"n": name}).fetchone()
            if row is None or row[1] is None or row[4]:
                raise SdgError("auth.err.bad_login")
            role, pw_hash, failed, last_failure, _ = row
            if locked(failed, last_failure, now):
                left = LOCKOUT - (now - last_failure)
                raise SdgError("auth.err.locked", minutes=max(1, int(left.total_seconds() // 60)))
            failure = not verify_password(pw_hash, password)
            # After an expired lockout the count starts again from the first failure.
            count = (1 if failed >= MAX_FAILURES else failed + 1) if failure else 0
            cur.execute(
                "UPDATE app_user SET failed_count = $f,"
                " last_failure = CASE WHEN $fail THEN $t ELSE last_failure END"
                " WHERE name = $n",
                {"f": count, "fail": failure, "t": now, "n": name})
        if failure:
            raise SdgError("auth.err.bad_login")
        return Actor(name, role)
