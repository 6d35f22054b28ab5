"""Users, sign-in with lockout, and the audit log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from sdg.auth import (
    LAST_USE_RESOLUTION,
    LOCKOUT,
    MAX_FAILURES,
    Actor,
    check_password,
    hash_password,
    locked,
    new_session_token,
    require,
    session_lifetime,
    temporary_password,
    token_hash,
    verify_password,
)
from sdg.errors import NotFound, SdgError

#: How long ended sessions are kept (for "last active" on the Admin page).
SESSION_KEEP = timedelta(days=90)


@dataclass(frozen=True)
class Session:
    """A live sign-in, as read for one request: who, with the role they have now."""

    actor: Actor
    expires_at: datetime
    must_change_password: bool


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
            "SELECT u.name, u.email, u.role, u.password_hash IS NOT NULL AS local,"
            " u.failed_count, u.last_failure, u.disabled,"
            " coalesce(u.must_change_password, false) AS must_change_password,"
            " u.created_at, s.last_used_at AS last_seen, coalesce(s.live, 0) AS sessions"
            " FROM app_user u LEFT JOIN ("
            "   SELECT user_name, max(last_used_at) AS last_used_at,"
            "          count(*) FILTER (WHERE revoked_at IS NULL"
            "                           AND expires_at > current_localtimestamp()) AS live"
            "   FROM user_session GROUP BY user_name) s ON s.user_name = u.name"
            " ORDER BY u.name")

    def add_user(self, actor: Actor, name: str, role: str, *, password: str | None = None,
                 email: str | None = None) -> None:
        """Create a local account (with a password) or an OIDC mapping (with an e-mail)."""
        require(actor, "users.admin")
        Actor(name, role)  # validates the role
        if not name or name != name.strip():
            raise SdgError("accounts.err.bad_name")
        if password is not None:
            check_password(password, name)
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
        """Give ``name`` another role; it holds from that user's next request.

        Raises
        ------
        SdgError
            ``accounts.err.last_admin`` when it would leave no enabled administrator.
        """
        require(actor, "users.admin")
        Actor(name, role)
        with self.transaction() as cur:
            old = self._user_row(cur, name)
            if old["role"] == role:
                return
            if role != "admin":
                self._keep_an_admin(cur, name)
            cur.execute("UPDATE app_user SET role = $r WHERE name = $n", {"r": role, "n": name})
            self.audit(cur, actor, "users.admin",
                       {"set_role": name, "role": role, "was": old["role"]})

    def set_disabled(self, actor: Actor, name: str, disabled: bool = True) -> None:
        """Disable (or enable again) a user. Disabling ends all their sessions at once:
        their next request is refused.

        Raises
        ------
        SdgError
            ``accounts.err.last_admin`` when it would leave no enabled administrator.
        """
        require(actor, "users.admin")
        with self.transaction() as cur:
            old = self._user_row(cur, name)
            if bool(old["disabled"]) == disabled:
                return
            if disabled:
                self._keep_an_admin(cur, name)
                self._end_sessions(cur, name, "disabled")
            cur.execute("UPDATE app_user SET disabled = $d WHERE name = $n",
                        {"d": disabled, "n": name})
            self.audit(cur, actor, "users.admin",
                       {"disable_user" if disabled else "enable_user": name})

    def unlock(self, actor: Actor, name: str) -> None:
        """Lift a lockout after failed sign-ins now, rather than after 15 minutes."""
        require(actor, "users.admin")
        with self.transaction() as cur:
            self._user_row(cur, name)
            cur.execute("UPDATE app_user SET failed_count = 0, last_failure = NULL"
                        " WHERE name = $n", {"n": name})
            self.audit(cur, actor, "users.admin", {"unlock_user": name})

    def reset_password(self, actor: Actor, name: str, password: str | None = None) -> str:
        """Give a local account a new password that must be changed at the next
        sign-in; ends the user's sessions and lifts a lockout. Returns the password
        (a random :func:`~sdg.auth.temporary_password` unless one is given)."""
        require(actor, "users.admin")
        password = password or temporary_password()
        check_password(password, name)
        pw_hash = hash_password(password)
        with self.transaction() as cur:
            row = self._user_row(cur, name)
            if row["password_hash"] is None and row["email"]:
                raise SdgError("accounts.err.oidc_user", name=name)
            cur.execute(
                "UPDATE app_user SET password_hash = $h, must_change_password = true,"
                " failed_count = 0, last_failure = NULL WHERE name = $n",
                {"h": pw_hash, "n": name})
            self._end_sessions(cur, name, "password_reset")
            self.audit(cur, actor, "users.admin", {"reset_password": name})
        return password

    def set_own_password(self, name: str, new: str, *, old: str | None = None) -> None:
        """A user's own new password. With ``old``, that is checked as a sign-in would
        (lockout included); without it, only the forced change after a reset is allowed
        (the caller has just checked the temporary password in :meth:`sign_in`)."""
        if old is not None:
            self.sign_in(name, old)
        elif not self.must_change_password(name):
            raise SdgError("accounts.err.form_expired")
        check_password(new, name)
        with self.cursor() as cur:
            current = self._user_row(cur, name)["password_hash"]
        if current and verify_password(current, new):
            raise SdgError("accounts.err.same_password")
        pw_hash = hash_password(new)
        with self.transaction() as cur:
            role = self._user_row(cur, name)["role"]
            cur.execute("UPDATE app_user SET password_hash = $h, must_change_password = false"
                        " WHERE name = $n", {"h": pw_hash, "n": name})
            self.audit(cur, Actor(name, role), "auth.password", {"changed_password": name})

    def must_change_password(self, name: str) -> bool:
        return bool(self.scalar(
            "SELECT coalesce(must_change_password, false) FROM app_user WHERE name = $n",
            {"n": name}))

    def _user_row(self, cur, name: str) -> dict:
        row = cur.execute(
            "SELECT name, email, role, password_hash, disabled FROM app_user WHERE name = $n",
            {"n": name}).fetchone()
        if row is None:
            raise NotFound("auth.err.no_user", name=name)
        return dict(zip(("name", "email", "role", "password_hash", "disabled"), row,
                        strict=True))

    def _keep_an_admin(self, cur, name: str) -> None:
        """Refuse a change to ``name`` that leaves no enabled administrator."""
        others = cur.execute(
            "SELECT count(*) FROM app_user WHERE role = 'admin' AND NOT disabled"
            " AND name <> $n", {"n": name}).fetchone()[0]
        is_admin = cur.execute(
            "SELECT count(*) FROM app_user WHERE role = 'admin' AND NOT disabled"
            " AND name = $n", {"n": name}).fetchone()[0]
        if is_admin and not others:
            raise SdgError("accounts.err.last_admin", name=name)

    # ------------------------------------------------------------- sessions
    def create_session(self, name: str, now: datetime | None = None) -> str:
        """Start a sign-in session for ``name`` (after the password was checked, by
        :meth:`sign_in`); returns the token for the cookie. Only its hash is stored."""
        now = now or datetime.now()
        token = new_session_token()
        with self.transaction() as cur:
            row = self._user_row(cur, name)
            if row["disabled"]:
                raise SdgError("auth.err.bad_login")
            # Ended sessions are kept a while for "last active", then dropped.
            cur.execute("DELETE FROM user_session WHERE expires_at < $old",
                        {"old": now - SESSION_KEEP})
            cur.execute(
                "INSERT INTO user_session (token_hash, user_name, created_at, expires_at,"
                " last_used_at) VALUES ($h, $n, $t, $e, $t)",
                {"h": token_hash(token), "n": name, "t": now, "e": now + session_lifetime()})
            self.audit(cur, Actor(name, row["role"]), "auth.session", {"sign_in": name})
        return token

    def session(self, token: str | None, now: datetime | None = None) -> Session | None:
        """The live session of a cookie's token, with the user's role as it is now;
        None for no token, an unknown, expired or revoked one, or a disabled user.
        Notes the last use (at most once a minute, so a rerun is a read)."""
        if not token:
            return None
        now = now or datetime.now()
        h = token_hash(token)
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT u.name, u.role, s.expires_at, s.last_used_at,"
                " coalesce(u.must_change_password, false)"
                " FROM user_session s JOIN app_user u ON u.name = s.user_name"
                " WHERE s.token_hash = $h AND s.revoked_at IS NULL AND s.expires_at > $t"
                " AND NOT u.disabled", {"h": h, "t": now}).fetchone()
        if row is None:
            return None
        name, role, expires_at, last_used, must_change = row
        if now - last_used >= LAST_USE_RESOLUTION:
            with self.transaction() as cur:
                cur.execute("UPDATE user_session SET last_used_at = $t WHERE token_hash = $h",
                            {"t": now, "h": h})
        return Session(Actor(name, role), expires_at, bool(must_change))

    def end_session(self, token: str | None, now: datetime | None = None, *,
                    why: str = "sign_out") -> None:
        """Sign out: revoke the session of ``token`` (every tab that shares the cookie
        is signed out on its next request). Unknown or ended tokens are ignored.
        ``why="replaced"``: a new sign-in in the same browser took its place (not
        audited; the new sign-in is)."""
        if not token:
            return
        now = now or datetime.now()
        with self.transaction() as cur:
            row = cur.execute(
                "UPDATE user_session SET revoked_at = $t, revoked_why = $w"
                " WHERE token_hash = $h AND revoked_at IS NULL RETURNING user_name",
                {"t": now, "w": why, "h": token_hash(token)}).fetchone()
            if row is not None and why == "sign_out":
                role = cur.execute("SELECT role FROM app_user WHERE name = $n",
                                   {"n": row[0]}).fetchone()
                self.audit(cur, Actor(row[0], role[0] if role else "viewer"), "auth.session",
                           {"sign_out": row[0]})

    def end_all_sessions(self, actor: Actor) -> int:
        """Sign ``actor`` out on every browser and device (e.g. a lost phone); returns
        how many sessions ended."""
        with self.transaction() as cur:
            n = len(cur.execute(
                "UPDATE user_session SET revoked_at = current_localtimestamp(),"
                " revoked_why = 'sign_out_all' WHERE user_name = $n AND revoked_at IS NULL"
                " RETURNING token_hash", {"n": actor.name}).fetchall())
            self.audit(cur, actor, "auth.session", {"sign_out_all": actor.name, "sessions": n})
        return n

    def _end_sessions(self, cur, name: str, why: str) -> None:
        cur.execute("UPDATE user_session SET revoked_at = current_localtimestamp(),"
                    " revoked_why = $w WHERE user_name = $n AND revoked_at IS NULL",
                    {"w": why, "n": name})

    def role_for_email(self, email: str) -> str:
        """The role mapped to an OIDC e-mail; ``viewer`` where none is mapped."""
        role = self.scalar(
            "SELECT role FROM app_user WHERE lower(email) = lower($e) AND NOT disabled",
            {"e": email})
        return role or "viewer"

    def user_for_email(self, email: str) -> tuple[str, str, bool] | None:
        """``(name, role, disabled)`` of the user mapped to an OIDC e-mail, or None."""
        with self.cursor() as cur:
            row = cur.execute("SELECT name, role, disabled FROM app_user"
                              " WHERE lower(email) = lower($e)", {"e": email}).fetchone()
        return None if row is None else (row[0], row[1], bool(row[2]))

    def sign_in(self, name: str, password: str, now: datetime | None = None) -> Actor:
        """Check a local account's password, with lockout after repeated failures.

        Raises
        ------
        SdgError
            ``auth.err.bad_login`` (unknown user or wrong password: the same message,
            so names cannot be probed) or ``auth.err.locked``.
        """
        now = now or datetime.now()
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT role, password_hash, failed_count, last_failure, disabled"
                " FROM app_user WHERE name = $n", {"n": name}).fetchone()
        if row is None or row[1] is None or row[4]:
            raise SdgError("auth.err.bad_login")
        role, pw_hash, failed, last_failure, _ = row
        if locked(failed, last_failure, now):
            left = LOCKOUT - (now - last_failure)
            raise SdgError("auth.err.locked", minutes=max(1, int(left.total_seconds() // 60)))
        # Argon2 takes tens of milliseconds: check outside the write lock, so workshop
        # votes and imports do not wait for a sign-in.
        failure = not verify_password(pw_hash, password)
        with self.transaction() as cur:
            if failure:
                # After an expired lockout the count starts again from the first failure.
                cur.execute(
                    "UPDATE app_user SET last_failure = $t, failed_count = CASE"
                    " WHEN failed_count >= $max AND NOT ($t - last_failure < $lock) THEN 1"
                    " ELSE failed_count + 1 END WHERE name = $n",
                    {"t": now, "max": MAX_FAILURES, "lock": LOCKOUT, "n": name})
            else:
                cur.execute("UPDATE app_user SET failed_count = 0 WHERE name = $n",
                            {"n": name})
        if failure:
            raise SdgError("auth.err.bad_login")
        return Actor(name, role)
