"""Live workshops: sessions, join codes, anonymous participants and their votes.

A facilitator creates a session (what is rated, on which axes, with which scale) and
opens it; participants join with a short code (``?w=CODE``) from their phones and rate
each subject; the projector shows the matrix as it fills. Storage (migrations 0005
and 0010):

- the session is a ``workshop_session`` with its own ``rating_source`` (kind
  ``workshop``), so the materiality page includes its ratings;
- each participant is a ``respondent`` of that source, known by an anonymous token
  kept in the participant's URL (``?w=CODE&p=TOKEN``);
- a vote is appended to the ``workshop_vote`` log with its submission's order; what
  counts for (participant, subject, axis) is the latest, so a changed answer replaces
  the earlier one in every count while the earlier one is kept (the view
  ``rating_current`` puts the counted votes beside the imported ratings).

Life cycle: ``draft`` → ``open`` ⇄ ``closed``; :func:`reset_session` moves any state to
``archived`` (nothing is deleted) and creates a fresh copy with a new code.

:func:`record_answers` (all of a participant's answers, on every axis, in one
submission; :func:`record_vote` for one axis) is the one write path of a participant;
the light participant page (``web/workshop.py``) calls it. In the caller's thread,
before the store is touched: the subjects, axis and values are checked against the
session's scale, and, in memory (one Store per process, so one memory for all
participants), the rate limit (at most :data:`RATE_LIMIT` submissions per
:data:`RATE_WINDOW_S` seconds per participant) and replay recognition (the same ratings
as the participant's last accepted submission on that axis: nothing is written; after
a restart a replay is simply written again, which changes no count). Then the
submission is group-committed (:meth:`sdg.store.workshops.WorkshopQueries.submit_workshop_answers`):
it waits in a queue with the other phones' submissions, one writer thread writes all
that are queued in one transaction, which re-checks that voting is open and appends each
submission's ratings, all of them or none, and the call returns after that COMMIT.

Each submission is thus atomic *within* a group-committed transaction rather than in a
transaction of its own. That is the right reading of "one transaction per submission"
(issue 6): what the rule protects is that a submission is never half stored or half
counted, that a change replaces and never adds, that a refused submission writes
nothing, and that a vote acknowledged to the phone is committed. A transaction that
holds several whole submissions keeps all four (it commits or rolls back as a whole,
each submission's rows are admitted or refused as a whole by the state read inside
it, later submissions count over earlier ones in queue order, the caller is answered
after COMMIT), and if it fails, its submissions are retried one per transaction so a
bad one cannot sink the others. What it removes is paying a DuckDB commit (a WAL sync,
milliseconds) per phone while 300 phones queue behind the write lock.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import secrets
import threading
import time
import weakref
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd

from sdg.auth import Actor
from sdg.errors import InvalidInput, NotFound
from sdg.materiality import aggregate, subject_level, subject_sort_key

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G: easy to read off a wall and to type on a phone.
CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
CODE_LENGTH = 5
AXES = ("priority", "influence")
STATES = ("draft", "open", "closed", "archived")
RATE_LIMIT = 5
RATE_WINDOW_S = 10.0
JOIN_WINDOW_S = 600.0
#: Defaults of the join limits; set ``SDG_WORKSHOP_JOINS_PER_CLIENT`` (new participants
#: per client address in :data:`JOIN_WINDOW_S`) and ``SDG_WORKSHOP_MAX_PARTICIPANTS``
#: (participants per session). A room on one Wi-Fi behind NAT is one address to us.
JOINS_PER_CLIENT = 300
MAX_PARTICIPANTS = 500
STATUS_TTL_S = 0.5  # the phones' status poll reads the database at most this often
MAX_SCALE_STEPS = 11
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


@dataclass(frozen=True)
class SessionSpec:
    """What a facilitator sets up before opening a session.

    Parameters
    ----------
    name : str
        Shown to participants, e.g. "Verksted frivillige organisasjoner".
    subjects : sequence of str
        Goal codes (``"4"``) or target codes (``"11.2"``) to rate.
    axes : sequence of str
        One or both of :data:`AXES`.
    held_on : date, optional
    group : str, optional
        Stakeholder group; stored on every participant (``respondent.grp``).
    scale_min, scale_max : int
        Whole-number scale, default 1–5.
    scale_labels : sequence of str, optional
        One label per step (``scale_max - scale_min + 1``); blank labels are dropped.
    """

    name: str
    subjects: tuple[str, ...]
    axes: tuple[str, ...] = ("priority",)
    held_on: date | None = None
    group: str | None = None
    scale_min: int = 1
    scale_max: int = 5
    scale_labels: tuple[str, ...] | None = field(default=None)

    def validated(self) -> SessionSpec:
        """The spec with tidy values; :class:`InvalidInput` for what cannot be fixed.

        >>> SessionSpec(" Ungdom ", ("4", "11"), ("influence", "priority")).validated().axes
        ('priority', 'influence')
        >>> SessionSpec("X", ("4",), scale_min=1, scale_max=1).validated()
        Traceback (most recent call last):
        sdg.errors.InvalidInput: Skalaen 1–1 er ugyldig: ...
        """
        name = (self.name or "").strip()
        if not name:
            raise InvalidInput("workshop.err.no_name")
        subjects = tuple(sorted(dict.fromkeys(str(s).strip() for s in self.subjects),
                                key=subject_sort_key))
        if not subjects:
            raise InvalidInput("workshop.err.no_subjects")
        bad = [s for s in subjects if subject_level(s) == "other"]
        if bad:
            raise InvalidInput("workshop.err.bad_subject", subject=bad[0])
        axes = tuple(a for a in AXES if a in set(self.axes))
        if not axes or len(axes) != len(set(self.axes)):
            raise InvalidInput("workshop.err.bad_axes", axes=", ".join(map(str, self.axes)))
        lo, hi = int(self.scale_min), int(self.scale_max)
        if hi <= lo or hi - lo + 1 > MAX_SCALE_STEPS:
            raise InvalidInput("workshop.err.bad_scale", lo=lo, hi=hi, steps=MAX_SCALE_STEPS)
        labels = tuple(str(x).strip() for x in self.scale_labels or ())
        if not any(labels):
            labels = None
        elif len(labels) != hi - lo + 1:
            raise InvalidInput("workshop.err.bad_labels", n=len(labels), steps=hi - lo + 1)
        group = (self.group or "").strip() or None
        return SessionSpec(name, subjects, axes, self.held_on, group, lo, hi, labels)


@dataclass(frozen=True)
class VoteResult:
    """What :func:`record_answers` did: ``saved`` ratings written, or a ``replay``;
    ``n_ratings`` given of ``n_items`` asked (subjects × axes)."""

    status: str  # "saved" | "replay"
    n_ratings: int
    n_items: int = 0


class _Memory:
    """Per-store, in-process state of the vote path (guarded by ``lock``): recent
    submission times per participant, the last written digest per participant and axis
    with its place in the store's write order (two tabs racing: the one written last
    is remembered, whichever caller wakes first), and the fixed settings of sessions
    (subjects, axes, scale never change)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loading = threading.Lock()  # one thread reads a session's settings
        self.recent: dict[str, deque[float]] = {}
        self.last: dict[tuple[str, str], tuple[int, str]] = {}
        self.sessions: dict[str, dict] = {}
        self.joins: dict[str, deque[float]] = {}  # client → times of recent new joins
        self.status: dict[str, tuple[float, dict]] = {}  # code → (read at, status)
        self.joined: dict[str, int] = {}  # code → participants (counted once, then here)


_MEMORY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MEMORY_LOCK = threading.Lock()


def _memory(store) -> _Memory:
    mem = _MEMORY.get(store)  # the common case takes no lock (300 phones share it)
    if mem is None:
        with _MEMORY_LOCK:
            mem = _MEMORY.get(store)
            if mem is None:
                mem = _MEMORY[store] = _Memory()
    return mem


# --------------------------------------------------------------------- codes, tokens
def new_code() -> str:
    """A random join code of :data:`CODE_LENGTH` unambiguous characters.

    >>> code = new_code()
    >>> len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    True
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str | None) -> str:
    """A code as typed (any case, spaces, dashes) → the stored form; InvalidInput if
    it cannot be a code.

    >>> normalise_code(" k7m-4p ")
    'K7M4P'
    >>> normalise_code("hello")
    Traceback (most recent call last):
    sdg.errors.InvalidInput: «hello» er ikke en gyldig kode. ...
    """
    code = re.sub(r"[\s-]", "", str(text or "")).upper()
    if len(code) != CODE_LENGTH or not set(code) <= set(CODE_ALPHABET):
        raise InvalidInput("workshop.err.bad_code", code=str(text or "").strip())
    return code


def new_token() -> str:
    """An anonymous participant token (URL-safe, 16 characters).

    >>> valid_token(new_token())
    True
    """
    return secrets.token_urlsafe(12)


def valid_token(token: str | None) -> bool:
    """Whether ``token`` looks like one of ours (it is checked against the store too).

    >>> valid_token("abcDEF12_-"), valid_token("x"), valid_token("a b c d e f g h")
    (True, False, False)
    """
    return bool(token) and _TOKEN_RE.match(token) is not None


# ------------------------------------------------------------------------ subjects
def subjects_for(goals: Sequence[int] | None, targets: pd.DataFrame | None = None
                 ) -> tuple[str, ...]:
    """What a session rates: the 17 goals (``goals`` None/empty) or the targets of
    the chosen goals (``targets`` = the catalogue's target table).

    >>> subjects_for(None)[:3], len(subjects_for([]))
    (('1', '2', '3'), 17)
    >>> t = pd.DataFrame({"target": ["4.1", "4.a", "11.2"], "goal": [4, 4, 11]})
    >>> subjects_for([4], t)
    ('4.1', '4.a')
    """
    if not goals:
        return tuple(str(g) for g in range(1, 18))
    if targets is None:
        raise InvalidInput("workshop.err.no_subjects")
    chosen = targets.loc[targets["goal"].isin([int(g) for g in goals]), "target"]
    return tuple(sorted(chosen.astype(str), key=subject_sort_key))


def subject_labels(goals: pd.DataFrame, targets: pd.DataFrame, language: str
                   ) -> dict[str, str]:
    """Subject code → "4 God utdanning" or "11.2 …" (target title cut to 80 characters).

    >>> g = pd.DataFrame({"goal": [4], "short_nb": ["God utdanning"], "short_en": ["Education"]})
    >>> t = pd.DataFrame({"target": ["4.1"], "title_nb": ["Gratis skole"], "title_en": ["Free"]})
    >>> subject_labels(g, t, "nb")
    {'4': '4 God utdanning', '4.1': '4.1 Gratis skole'}
    """
    labels = {str(g.goal): f"{g.goal} {getattr(g, f'short_{language}')}"
              for g in goals.itertuples()}
    for row in targets.itertuples():
        title = str(getattr(row, f"title_{language}"))
        labels[str(row.target)] = f"{row.target} {title[:80]}{'…' if len(title) > 80 else ''}"
    return labels


def scale_steps(scale_min: float, scale_max: float) -> list[int]:
    """The whole-number steps of a scale.

    >>> scale_steps(1, 5)
    [1, 2, 3, 4, 5]
    """
    return list(range(int(scale_min), int(scale_max) + 1))


def check_ratings(session: Mapping, ratings: Mapping[str, float], axis: str | None
                  ) -> tuple[str, dict[str, float]]:
    """Validate one submission against its session; return (axis, clean ratings).

    ``None`` values (unanswered items) are dropped. Every subject must be one of the
    session's, the axis one of its axes (may be omitted when it has only one), every
    value a whole step of its scale.

    >>> s = {"subjects": ["4", "11"], "axes": ["priority"], "scale_min": 1, "scale_max": 5}
    >>> check_ratings(s, {"4": 5, "11": None}, None)
    ('priority', {'4': 5.0})
    >>> check_ratings(s, {"4": 6}, "priority")
    Traceback (most recent call last):
    sdg.errors.InvalidInput: Verdien 6 for 4 ligger utenfor skalaen 1–5.
    """
    axes = list(session["axes"])
    if axis is None:
        if len(axes) != 1:
            raise InvalidInput("workshop.err.bad_axis", axis="", axes=", ".join(axes))
        axis = axes[0]
    if axis not in axes:
        raise InvalidInput("workshop.err.bad_axis", axis=axis, axes=", ".join(axes))
    subjects = set(session["subjects"])
    lo, hi = float(session["scale_min"]), float(session["scale_max"])
    clean: dict[str, float] = {}
    for subject, value in ratings.items():
        if value is None:
            continue
        subject = str(subject)
        if subject not in subjects:
            raise InvalidInput("workshop.err.unknown_subject", subject=subject)
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise InvalidInput("workshop.err.out_of_scale", subject=subject, value=value,
                               lo=_num(lo), hi=_num(hi)) from None
        if not (math.isfinite(v) and lo <= v <= hi and v == round(v)):
            raise InvalidInput("workshop.err.out_of_scale", subject=subject, value=value,
                               lo=_num(lo), hi=_num(hi))
        clean[subject] = v
    if not clean:
        raise InvalidInput("workshop.err.empty_vote")
    return axis, clean


def _num(x: float) -> str:
    return f"{x:g}"


def digest(axis: str, ratings: Mapping[str, float]) -> str:
    """A fingerprint of one submission (axis and ratings, order-free).

    >>> digest("priority", {"4": 5.0, "11": 3.0}) == digest("priority", {"11": 3, "4": 5})
    True
    """
    text = axis + ";" + ";".join(f"{s}={float(v):g}" for s, v in sorted(ratings.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --------------------------------------------------------------------- life cycle
def create_session(store, municipality: str, spec: SessionSpec, actor: Actor) -> str:
    """Create a draft session with its rating source; return its join code.

    Every subject must be a goal (1–17) or a target of the catalogue.
    """
    spec = spec.validated()
    known = {str(g) for g in range(1, 18)} | set(store.targets()["target"].astype(str))
    unknown = [s for s in spec.subjects if s not in known]
    if unknown:
        raise InvalidInput("workshop.err.bad_subject", subject=unknown[0])
    for _ in range(20):  # 23⁵ ≈ 6.4 million codes: a clash is rare, twenty in a row never
        code = new_code()
        if store.create_workshop(code, municipality, spec, actor):
            return code
    raise InvalidInput("workshop.err.no_code")


def session(store, code: str) -> dict:
    """The session with its source's name, date, scale and counts; NotFound if unknown."""
    found = store.workshop(normalise_code(code))
    if found is None:
        raise NotFound("workshop.err.unknown_code", code=code)
    return found


def _transition(store, code: str, to: str, allowed: tuple[str, ...], actor: Actor) -> None:
    current = session(store, code)
    if not store.set_workshop_state(current["code"], to, allowed, actor):
        raise InvalidInput("workshop.err.bad_transition", code=current["code"],
                           state=current["state"], to=to)
    _memory(store).status.pop(current["code"], None)  # the phones see it at once


def open_voting(store, code: str, actor: Actor) -> None:
    """Open (or reopen) voting: draft/closed → open."""
    _transition(store, code, "open", ("draft", "closed", "open"), actor)


def close_voting(store, code: str, actor: Actor) -> None:
    """Close voting: open → closed (answers stay; it can be reopened)."""
    _transition(store, code, "closed", ("open", "closed"), actor)


def show_results(store, code: str, show: bool, actor: Actor) -> None:
    """Let participants see the result (or not)."""
    key = session(store, code)["code"]
    store.set_workshop_show_results(key, bool(show), actor)
    _memory(store).status.pop(key, None)  # the phones see it at once


def reset_session(store, code: str, actor: Actor) -> str:
    """Archive a mistaken session and create a fresh draft copy with a new code.

    Nothing is deleted: the archived session keeps its participants and ratings and
    points to its replacement (``replaced_by``). Returns the new code.
    """
    old = session(store, code)
    if old["state"] == "archived":
        raise InvalidInput("workshop.err.archived", code=old["code"],
                           new=old["replaced_by"] or "")
    spec = spec_of(old)
    for _ in range(20):
        new = new_code()
        if store.reset_workshop(old["code"], new, spec, actor):
            _memory(store).status.pop(old["code"], None)
            return new
    raise InvalidInput("workshop.err.no_code")


def spec_of(s: Mapping) -> SessionSpec:
    """The spec a stored session was created with (for a reset or a copy)."""
    held = s.get("held_on")
    labels = s.get("scale_labels")
    return SessionSpec(
        name=s["name"], subjects=tuple(s["subjects"]), axes=tuple(s["axes"]),
        held_on=None if held is None or pd.isna(held) else pd.Timestamp(held).date(),
        group=s.get("grp"), scale_min=int(s["scale_min"]), scale_max=int(s["scale_max"]),
        scale_labels=tuple(labels) if labels is not None and len(labels) else None)


# -------------------------------------------------------------------- participants
def join_limits() -> tuple[int, int]:
    """(new participants per client in :data:`JOIN_WINDOW_S`, participants per session)
    from the environment, else :data:`JOINS_PER_CLIENT` and :data:`MAX_PARTICIPANTS`.

    >>> os.environ["SDG_WORKSHOP_MAX_PARTICIPANTS"] = "40"
    >>> join_limits()[1]
    40
    >>> del os.environ["SDG_WORKSHOP_MAX_PARTICIPANTS"]
    """
    def read(name: str, default: int) -> int:
        try:
            return max(1, int(os.environ.get(name, default)))
        except ValueError:
            return default
    return (read("SDG_WORKSHOP_JOINS_PER_CLIENT", JOINS_PER_CLIENT),
            read("SDG_WORKSHOP_MAX_PARTICIPANTS", MAX_PARTICIPANTS))


def join(store, code: str, token: str | None = None, *, client: str | None = None,
         now: float | None = None) -> str:
    """Enter a session as an anonymous participant; return the participant token.

    A ``token`` already registered for this session is returned as it is (a reload
    does not make a second participant); otherwise a new participant is created.
    Joining needs a draft or open session (a closed one: InvalidInput; archived:
    InvalidInput naming the replacement; unknown: NotFound). A new participant is
    refused (InvalidInput) when ``client`` (the caller's address) has already made
    the per-client number of :func:`join_limits` in the last :data:`JOIN_WINDOW_S`
    seconds, or the session already has its per-session number of participants.
    """
    s = status(store, code)  # cached: a burst of joins reads the session twice a second
    if s["state"] != "archived" and s["code"] not in _memory(store).sessions:
        _fixed_settings(store, _memory(store), s["code"], s)  # ready for the first votes
    if token and valid_token(token):
        known = store.workshop_participant(token)
        if known is not None and known["code"] == s["code"]:
            return token
    _require_joinable(s)
    per_client, per_session = join_limits()
    mem = _memory(store)
    at = time.time() if now is None else now
    if s["code"] not in mem.joined:
        with mem.loading:  # one thread counts a session's participants, once per process
            if s["code"] not in mem.joined:
                n = store.workshop_participant_count(s["code"])
                with mem.lock:
                    mem.joined[s["code"]] = n
    with mem.lock:  # check and charge both limits at once; the insert runs outside
        if mem.joined[s["code"]] >= per_session:
            raise InvalidInput("workshop.err.session_full", code=s["code"], n=per_session)
        times = mem.joins.setdefault(client or "", deque())
        while times and times[0] <= at - JOIN_WINDOW_S:
            times.popleft()
        if client and len(times) >= per_client:
            raise InvalidInput("workshop.err.too_many_joins", n=per_client,
                               minutes=_num(JOIN_WINDOW_S / 60))
        if client:
            times.append(at)
        mem.joined[s["code"]] += 1
    token = new_token()
    try:
        store.add_workshop_participant(s["code"], token)
    except BaseException:
        with mem.lock:
            mem.joined[s["code"]] -= 1
        raise
    return token


def _require_joinable(s: Mapping) -> None:
    if s["state"] == "archived":
        raise InvalidInput("workshop.err.archived", code=s["code"], new=s["replaced_by"] or "")
    if s["state"] == "closed":
        raise InvalidInput("workshop.err.closed", code=s["code"])


def record_vote(store, code: str, token: str, ratings: Mapping[str, float | None],
                axis: str | None = None, *, now: datetime | None = None) -> VoteResult:
    """:func:`record_answers` for one axis (``axis`` may be omitted when the session has
    only one)."""
    if axis is None:
        mem = _memory(store)
        key = normalise_code(code)
        fixed = mem.sessions.get(key) or _fixed_settings(store, mem, key)
        if len(fixed["axes"]) != 1:
            raise InvalidInput("workshop.err.bad_axis", axis="", axes=", ".join(fixed["axes"]))
        axis = fixed["axes"][0]
    return record_answers(store, code, token, {axis: ratings}, now=now)


def check_answers(session: Mapping, answers: Mapping[str, Mapping[str, float | None]]
                  ) -> dict[str, dict[str, float]]:
    """Validate one submission of any of the session's axes: axis → clean ratings
    (:func:`check_ratings` per axis; unanswered items dropped, axes without an answer
    left out). InvalidInput if nothing at all was answered.

    >>> s = {"subjects": ["4", "11"], "axes": ["priority", "influence"], "scale_min": 1,
    ...      "scale_max": 5}
    >>> check_answers(s, {"priority": {"4": 5, "11": None}, "influence": {"4": None}})
    {'priority': {'4': 5.0}}
    """
    clean: dict[str, dict[str, float]] = {}
    for axis, ratings in answers.items():
        if any(v is not None for v in ratings.values()):
            axis, given = check_ratings(session, ratings, axis)
            clean[axis] = given
        elif axis not in session["axes"]:
            raise InvalidInput("workshop.err.bad_axis", axis=axis,
                               axes=", ".join(session["axes"]))
    if not clean:
        raise InvalidInput("workshop.err.empty_vote")
    return clean


def answers_digest(answers: Mapping[str, Mapping[str, float]]) -> str:
    """A fingerprint of one submission over all its axes (order-free).

    >>> answers_digest({"priority": {"4": 5}, "influence": {"4": 1}}) == \\
    ...     answers_digest({"influence": {"4": 1.0}, "priority": {"4": 5.0}})
    True
    """
    return digest("|".join(sorted(answers)), {f"{a}:{s}": v for a, r in answers.items()
                                             for s, v in r.items()})


def record_answers(store, code: str, token: str,
                   answers: Mapping[str, Mapping[str, float | None]], *,
                   now: datetime | None = None) -> VoteResult:
    """Store one participant's submission of all their answers (any of the session's
    axes): all its ratings or none.

    Validation, the rate limit and replay recognition run here, in the caller's thread;
    the write is group-committed with other participants' submissions (each one atomic
    within that transaction, see the module docstring) and this returns after COMMIT.

    Parameters
    ----------
    store : Store
    code : str
        The session's join code.
    token : str
        The participant's token from :func:`join`.
    answers : mapping
        Axis (``priority``/``influence``) → subject → value on the session's scale;
        ``None`` = not answered (skipped). A subject rated before gets the new value;
        subjects left out keep theirs.
    now : datetime, optional
        Naive UTC time of the submission (for tests of the rate limit).

    Returns
    -------
    VoteResult
        ``status`` ``"saved"``, or ``"replay"`` when the answers equal the participant's
        last accepted submission (nothing is written, the rate limit is not charged);
        ``n_ratings`` saved of ``n_items`` (the session's subjects × axes).

    Raises
    ------
    NotFound
        Unknown code or a token that is not a participant of this session.
    InvalidInput
        Voting not open; a subject, axis or value the session does not have; nothing
        answered; more than :data:`RATE_LIMIT` submissions in :data:`RATE_WINDOW_S` s.
    """
    if not valid_token(token):
        raise NotFound("workshop.err.unknown_participant")
    mem = _memory(store)
    key = normalise_code(code)
    fixed = mem.sessions.get(key)
    if fixed is None:
        fixed = _fixed_settings(store, mem, key)
    clean = check_answers(fixed, answers)
    n = sum(len(r) for r in clean.values())
    n_items = len(fixed["subjects"]) * len(fixed["axes"])
    fingerprint = answers_digest(clean)
    at = (now or _utcnow()).timestamp()
    with mem.lock:  # check and charge the rate limit atomically
        if mem.last.get((token, "*"), (0, ""))[1] == fingerprint:
            return VoteResult("replay", n, n_items)
        times = mem.recent.setdefault(token, deque())
        while times and times[0] <= at - RATE_WINDOW_S:
            times.popleft()
        if len(times) >= RATE_LIMIT:
            raise InvalidInput("workshop.err.too_fast", n=RATE_LIMIT, seconds=_num(RATE_WINDOW_S))
        times.append(at)
    status, order = store.submit_workshop_answers(fixed["code"], token, clean)
    if status == "saved":
        with mem.lock:
            if order > mem.last.get((token, "*"), (0, ""))[0]:
                mem.last[(token, "*")] = (order, fingerprint)
        return VoteResult(status, n, n_items)
    if status == "unknown_participant":
        with mem.lock:
            mem.recent.pop(token, None)  # keep no state for strangers
        raise NotFound("workshop.err.unknown_participant")
    current = session(store, key)  # closed or archived while the participant voted
    _require_joinable(current)
    raise InvalidInput("workshop.err.not_open", code=current["code"])


def _fixed_settings(store, mem: _Memory, key: str, found: Mapping | None = None) -> dict:
    """The session's settings that never change (code, subjects, axes, scale), read
    once per process: by one thread, while the others of a burst wait for it."""
    with mem.loading:
        fixed = mem.sessions.get(key)
        if fixed is None:
            found = found or session(store, key)
            fixed = {k: found[k] for k in ("code", "subjects", "axes", "scale_min",
                                             "scale_max")}
            with mem.lock:
                mem.sessions[key] = fixed
        return fixed


def my_ratings(store, code: str, token: str) -> dict[str, dict[str, float]]:
    """A participant's current answers: axis → subject → value (for the form)."""
    df = store.workshop_participant_ratings(normalise_code(code), token)
    out: dict[str, dict[str, float]] = {}
    for axis, subject, value in df[["axis", "subject", "value"]].itertuples(index=False):
        out.setdefault(axis, {})[subject] = value
    return out


def status(store, code: str, *, now: float | None = None) -> dict:
    """The session as :func:`session` gives it, read from the database at most every
    :data:`STATUS_TTL_S` seconds per process (300 phones follow it; a state change made
    through this module is seen at once); NotFound if unknown."""
    key = normalise_code(code)
    mem = _memory(store)
    at = time.monotonic() if now is None else now
    cached = mem.status.get(key)
    if cached is not None and at - cached[0] < STATUS_TTL_S:
        return cached[1]
    fresh = dict(session(store, key))
    fresh["show_results"] = bool(fresh["show_results"])
    mem.status[key] = (at, fresh)
    return fresh


def status_cached(store, code: str) -> dict | None:
    """:func:`status` if it is fresh in memory (no database read), else None; ``code``
    as stored (normalised)."""
    cached = _memory(store).status.get(code)
    if cached is not None and time.monotonic() - cached[0] < STATUS_TTL_S:
        return cached[1]
    return None


def projector_allowed(s: Mapping, *, login_required: bool, signed_in: bool) -> bool:
    """Whether a visitor may see a session's projector: always without required login;
    with it, signed-in users, and anyone if the facilitator made the session public.

    >>> projector_allowed({"public": False}, login_required=True, signed_in=False)
    False
    >>> projector_allowed({"public": True}, login_required=True, signed_in=False)
    True
    """
    return not login_required or signed_in or bool(s.get("public"))


def remove_answers(store, code: str, respondent_id: int, actor: Actor) -> int:
    """Take one participant's answers out of every count (kept in the vote log; the
    removal is logged); returns the number of ratings removed."""
    return store.remove_workshop_answers(session(store, code)["code"], int(respondent_id), actor)


# ------------------------------------------------------------------------ results
def live_ratings(store, code: str) -> pd.DataFrame:
    """The session's ratings as the long frame :func:`sdg.materiality.aggregate` takes.

    This is the one query the projector runs on every refresh.
    """
    return store.workshop_ratings([normalise_code(code)])


def counts(ratings: pd.DataFrame) -> dict[str, int]:
    """Participants who have voted and ratings given.

    >>> counts(pd.DataFrame({"respondent": [1, 1, 2], "value": [1, 2, 3]}))
    {'participants': 2, 'ratings': 3}
    """
    return {"participants": int(ratings["respondent"].nunique()), "ratings": len(ratings)}


def ranking(ratings: pd.DataFrame) -> pd.DataFrame:
    """Per axis: subjects by score (0–1, the materiality method), with n and rank.

    Parameters
    ----------
    ratings : DataFrame
        :func:`live_ratings` output (one or more sources).

    Returns
    -------
    DataFrame
        ``axis, subject, score, mean, n, ci_low, ci_high, rank``: ``mean`` is the score
        back on the scale, lo + score·(hi − lo), when all ratings share one scale (else
        NaN); rank 1 = highest, ties in UN order; sorted by axis (as in :data:`AXES`)
        and rank. Empty without ratings.

    Examples
    --------
    >>> r = pd.DataFrame({"source": "W", "respondent": [1, 2, 1, 2], "subject": ["4", "4", "13", "13"],
    ...     "axis": "priority", "value": [5, 4, 2, 3], "scale_min": 1, "scale_max": 5})
    >>> ranking(r)[["subject", "score", "mean", "n", "rank"]].to_dict("records")
    [{'subject': '4', 'score': 0.875, 'mean': 4.5, 'n': 2, 'rank': 1}, {'subject': '13', 'score': 0.375, 'mean': 2.5, 'n': 2, 'rank': 2}]
    """
    cols = ["axis", "subject", "score", "mean", "n", "ci_low", "ci_high", "rank"]
    if ratings.empty:
        return pd.DataFrame(columns=cols)
    scores = aggregate(ratings)
    scales = ratings[["scale_min", "scale_max"]].drop_duplicates()
    if len(scales) == 1:
        lo, hi = (float(x) for x in scales.iloc[0])
        scores["mean"] = lo + scores["score"] * (hi - lo)
    else:
        scores["mean"] = float("nan")
    scores["_ax"] = scores["axis"].map({a: i for i, a in enumerate(AXES)}).fillna(len(AXES))
    scores["_un"] = range(len(scores))  # aggregate returns UN order: keep it for ties
    scores = scores.sort_values(["_ax", "score", "_un"], ascending=[True, False, True],
                                kind="stable")
    scores["rank"] = scores.groupby("axis").cumcount() + 1
    return scores[cols].reset_index(drop=True)


def spread_ties(points: pd.DataFrame, radius: float = 0.025, grid: float = 0.001
                ) -> pd.DataFrame:
    """Points at (nearly) the same place moved apart on a circle around it, so each
    stays visible and its label readable (the projector's matrix; the first votes of a
    workshop often tie). Points in one cell of a ``grid`` are a tie; ``radius`` is half
    a point's diameter, and k tied points sit radius / sin(π/k) from the centre, so
    neighbours on the circle are one diameter apart. Returns a copy with ``x`` and
    ``y`` replaced; a point alone keeps its place.

    >>> p = pd.DataFrame({"x": [0.5, 0.5, 0.2], "y": [0.5, 0.5, 0.9]})
    >>> spread_ties(p, 0.1).round(3).values.tolist()
    [[0.6, 0.5], [0.4, 0.5], [0.2, 0.9]]
    """
    out = points.copy()
    keys = list(zip((out["x"] / grid).round(), (out["y"] / grid).round(), strict=True))
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    xs, ys = out["x"].to_numpy(dtype=float).copy(), out["y"].to_numpy(dtype=float).copy()
    for members in groups.values():
        if len(members) < 2:
            continue
        cx, cy = xs[members].mean(), ys[members].mean()
        r = radius / math.sin(math.pi / len(members))
        for k, i in enumerate(members):
            angle = 2 * math.pi * k / len(members)
            xs[i] = cx + r * math.cos(angle)
            ys[i] = cy + r * math.sin(angle)
    out["x"], out["y"] = xs, ys
    return out
