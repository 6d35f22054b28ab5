"""What the Admin page shows of users and the audit log, in the reader's language.

The store keeps the raw rows (:meth:`sdg.store.Store.users`,
:meth:`~sdg.store.Store.audit_log`); this module turns them into tables with translated
column headers, role names and statuses, and each audit entry into a sentence ("kari
importerte 354 rader fra 13135.xlsx") with the raw detail kept beside it. Pure
functions, pandas in and out, so the command line and an export show the same.
"""

from __future__ import annotations

import json
import string
from datetime import date, datetime

import pandas as pd

from sdg.auth import locked
from sdg.i18n import TEXTS, t
from sdg.tables import with_kinds

#: Audit-detail keys in the order they are tried: the first one an entry has decides
#: the sentence (``audit.<key>`` in the text catalogue).
DETAIL_KEYS = ("file", "batch_state", "municipality", "create", "reset", "session", "survey",
               "assessment", "settings", "decision", "note", "backup", "add_user",
               "set_role", "disable_user", "enable_user", "unlock_user", "reset_password",
               "changed_password", "sign_in", "sign_out_all", "sign_out")


def _detail(raw: object) -> dict:
    """The audit detail as a dict (``{}`` for none, ``{"text": ...}`` for plain text).

    >>> _detail('{"file": "a.xlsx", "rows": 3}'), _detail("fritekst"), _detail(None)
    ({'file': 'a.xlsx', 'rows': 3}, {'text': 'fritekst'}, {})
    """
    if raw is None or (isinstance(raw, float) and pd.isna(raw)):
        return {}
    try:
        value = json.loads(str(raw))
    except ValueError:
        return {"text": str(raw)}
    return value if isinstance(value, dict) else {"text": str(raw)}


def _plain(value: object, lang: str) -> str:
    """A detail value as words: lists joined, roles translated, nothing as ``None``."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return t("accounts.yes" if value else "accounts.no", lang)
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v, lang) for v in value) or "–"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", "\u00a0" if lang == "nb" else ",")
    return str(value)


def action_label(action: str, lang: str = "nb") -> str:
    """The area an audit action belongs to, in words.

    >>> action_label("data.import"), action_label("data.import", "en"), action_label("x.y")
    ('dataimport', 'data import', 'x.y')
    """
    key = f"accounts.action.{action}"
    return t(key, lang) if key in TEXTS else action


def role_label(role: str, lang: str = "nb") -> str:
    """A role's name in words (an unknown code is shown as it is).

    >>> role_label("facilitator"), role_label("admin", "en")
    ('verkstedleder', 'administrator')
    """
    key = f"auth.role.{role}"
    return t(key, lang) if key in TEXTS else role


def describe(actor: str, action: str, detail: object, lang: str = "nb") -> str:
    """One audit entry as a sentence.

    >>> describe("kari", "data.import", '{"file": "13135.xlsx", "rows": 354}')
    'kari importerte 354 rader fra 13135.xlsx'
    >>> describe("ola", "users.admin", '{"set_role": "kari", "role": "admin", "was": "analyst"}', "en")
    'ola gave kari the role administrator (before: analyst)'
    >>> describe("ola", "workshop.run", None)
    'ola: verksted'
    >>> describe("kari", "data.import", '{"file": "a.csv", "rows": 44838}', "en")
    'kari imported 44,838 rows from a.csv'
    """
    d = _detail(detail)
    key = next((k for k in DETAIL_KEYS if k in d), None)
    if key is None:
        return t("audit.other", lang, actor=actor, action=action_label(action, lang))
    template = t(f"audit.{key}", lang)
    fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    values = {}
    for name in fields:
        value = d.get(name)
        if name in ("role", "was") and isinstance(value, str):
            values[name] = role_label(value, lang)
        else:
            values[name] = _plain(value, lang)
    values["actor"] = actor
    return template.format(**values)


def audit_table(log: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """The audit log for reading: time, what (a sentence), who, role, area, the raw
    detail and the import batch, with headers in ``lang``.

    >>> log = pd.DataFrame({"id": [1], "happened_at": [pd.Timestamp("2026-11-30 09:15")],
    ...     "actor": ["kari"], "role": ["analyst"], "action": ["data.import"],
    ...     "detail": ['{"file": "13135.xlsx", "rows": 354}'], "batch_id": [7]})
    >>> row = audit_table(log).iloc[0]
    >>> row["Hvem"], row["Rolle"], row["Område"], row["Hva"]
    ('kari', 'analytiker', 'dataimport', 'kari importerte 354 rader fra 13135.xlsx')
    """
    c = lambda k: t(f"accounts.audit.col.{k}", lang)  # noqa: E731
    return with_kinds(pd.DataFrame({
        c("when"): log["happened_at"],
        c("what"): [describe(a, act, d, lang)
                    for a, act, d in zip(log["actor"], log["action"], log["detail"], strict=True)],
        c("who"): log["actor"],
        c("role"): [role_label(r, lang) for r in log["role"]],
        c("action"): [action_label(a, lang) for a in log["action"]],
        c("detail"): log["detail"].fillna(""),
        c("batch"): log["batch_id"].astype("Int64"),
    }), {c("when"): "datetime", c("batch"): "id"}, lang)


def filter_audit(log: pd.DataFrame, *, actors: list[str] | None = None,
                 actions: list[str] | None = None, start: date | None = None,
                 end: date | None = None) -> pd.DataFrame:
    """The entries by any of ``actors``, in any of ``actions``, on days ``start`` to
    ``end`` (both included); an empty or missing filter keeps everything.

    >>> log = pd.DataFrame({"actor": ["kari", "ola", "kari"], "action": ["a", "b", "b"],
    ...     "happened_at": pd.to_datetime(["2026-11-01 08:00", "2026-11-02 23:59",
    ...                                    "2026-11-03 00:00"])})
    >>> filter_audit(log, actors=["kari"]).index.tolist()
    [0, 2]
    >>> filter_audit(log, actions=["b"], end=date(2026, 11, 2)).index.tolist()
    [1]
    """
    keep = pd.Series(True, index=log.index)
    if actors:
        keep &= log["actor"].isin(actors)
    if actions:
        keep &= log["action"].isin(actions)
    days = log["happened_at"].dt.date
    if start is not None:
        keep &= days >= start
    if end is not None:
        keep &= days <= end
    return log[keep]


def user_status(disabled: bool, must_change: bool, failed_count: int,
                last_failure: datetime | None, now: datetime, lang: str = "nb") -> str:
    """A user's status in words: disabled, locked, must change password, or active.

    >>> now = datetime(2026, 12, 1, 12, 0)
    >>> user_status(False, False, 5, datetime(2026, 12, 1, 11, 55), now)
    'sperret'
    >>> user_status(False, True, 0, None, now, "en"), user_status(True, False, 0, None, now)
    ('must change password', 'deaktivert')
    """
    if disabled:
        key = "disabled"
    elif locked(int(failed_count or 0), None if pd.isna(last_failure) else last_failure, now):
        key = "locked"
    elif must_change:
        key = "must_change"
    else:
        key = "active"
    return t(f"accounts.status.{key}", lang)


def users_table(users: pd.DataFrame, lang: str = "nb", now: datetime | None = None
                ) -> pd.DataFrame:
    """The users for reading: name, e-mail, role and sign-in kind in words, status,
    last active, live sign-ins, created; headers in ``lang``."""
    now = now or datetime.now()
    c = lambda k: t(f"accounts.col.{k}", lang)  # noqa: E731
    return with_kinds(pd.DataFrame({
        c("name"): users["name"],
        c("email"): users["email"].fillna(""),
        c("role"): [role_label(r, lang) for r in users["role"]],
        c("kind"): [t("accounts.kind.local" if x else "accounts.kind.oidc", lang)
                    for x in users["local"]],
        c("status"): [user_status(d, m, f, lf, now, lang) for d, m, f, lf in zip(
            users["disabled"], users["must_change_password"], users["failed_count"],
            users["last_failure"], strict=True)],
        c("last_seen"): users["last_seen"],
        c("sessions"): users["sessions"].astype(int),
        c("created"): users["created_at"],
    }), {c("last_seen"): "datetime", c("sessions"): 0, c("created"): "datetime"}, lang)
