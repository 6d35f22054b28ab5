"""Queries of live workshops: sessions, participants, votes (see :mod:`sdg.workshop`).

A session rates with its own ``rating_source`` (kind ``workshop``); a participant is a
``respondent`` of that source plus a ``workshop_participant`` row holding the anonymous
token. Votes are appended to ``workshop_vote``, a log that keeps every submission
(migration 0010): the counted value of a (participant, subject, axis) is its latest
vote, and the view ``rating_current`` puts those beside the imported ratings, so the
materiality page counts them like any other source. Every write takes the store's write
lock (in :meth:`transaction`, or directly for the one-statement vote batch).

Votes are **group-committed** (:meth:`WorkshopQueries.submit_workshop_answers`): up to
300 phones submit at once against one process, and a DuckDB commit costs milliseconds,
so one transaction per submission made the last of a burst wait seconds behind the
write lock. Instead each submission (all of a participant's answers, on every axis),
already validated by its caller, is put in a queue with a future; one writer thread
takes everything queued and writes it in ONE transaction — a single bulk
``INSERT … SELECT … RETURNING`` from a registered Arrow frame, run in autocommit, so
the statement is the transaction — then sets each caller's future to its own result.
Each submission stays atomic *within* that transaction:

- its fate is decided for the submission as a whole: it is in the frame with all its
  ratings (or, unknown participant, not at all), and the statement keeps its rows only
  if its session is open, read by the statement itself; a statement commits or rolls
  back as a whole, so a committed batch holds every row of each saved submission and
  none of a refused one, and a failed batch none at all;
- a caller is answered only after the commit, exactly as with a transaction of its own;
- the batch is equivalent to running its submissions one after the other in queue
  order: the session's state is one value for the whole statement, and each row
  carries its submission's place in the queue (``seq``), so where a (participant,
  subject, axis) is voted twice the later submission counts, in one batch or two;
- if the batch fails, its submissions are written again one by one, each in its own
  transaction, so one bad submission fails alone and cannot sink the rest.

So "one transaction per submission" (issue 6) holds in the sense that matters: no
reader ever sees part of a submission, a changed answer replaces the earlier one in
the count (and the earlier one is kept in the log), a refused submission writes
nothing, and an acknowledged vote is committed. Sharing the commit with other whole
submissions changes none of that; it pays the commit (and the statement's fixed cost)
once per batch instead of once per phone.

``seq`` continues from the log's highest when a store first votes, so it grows across
restarts. The app opens one store per database per process (``ui.state.get_store``);
two stores of one file in one process would each count on from the same number.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from queue import Empty, SimpleQueue

import duckdb
import pandas as pd
import pyarrow as pa

from sdg.auth import Actor, require

_SESSION = (
    "SELECT w.code, w.source_id, w.subjects, w.axes, w.state, w.show_results, w.public, w.grp,"
    " w.scale_labels, w.replaced_by, w.created_by, w.created_at, s.municipality, s.name,"
    " s.held_on, s.scale_min, s.scale_max"
    " FROM workshop_session w JOIN rating_source s ON s.id = w.source_id"
)


def _one(cur: duckdb.DuckDBPyConnection, sql: str, params: dict) -> dict | None:
    """The first row as a dict (lists stay Python lists), or None."""
    row = cur.execute(sql, params).fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


class WorkshopQueries:
    """Sessions, participants and votes of live workshops."""

    # ------------------------------------------------------------------ sessions
    def workshop(self, code: str) -> dict | None:
        """One session with its source's name, date, scale and municipality, or None."""
        with self.cursor() as cur:
            return _one(cur, _SESSION + " WHERE w.code = $c", {"c": code})

    def workshops(self, municipality: str, include_archived: bool = False) -> pd.DataFrame:
        """The municipality's sessions, newest first, with participants (joined and
        voted) and ratings counted."""
        return self.df(
            "SELECT w.code, s.name, s.held_on, w.grp, w.state, w.show_results, w.public, w.axes,"
            " len(w.subjects) AS n_subjects, w.replaced_by, w.created_at,"
            " (SELECT count(*) FROM workshop_participant p WHERE p.code = w.code) AS joined,"
            " (SELECT count(DISTINCT r.respondent_id) FROM respondent p"
            "   JOIN rating_current r ON r.respondent_id = p.id WHERE p.source_id = s.id) AS voted,"
            " (SELECT count(*) FROM respondent p"
            "   JOIN rating_current r ON r.respondent_id = p.id WHERE p.source_id = s.id)"
            " AS ratings"
            " FROM workshop_session w JOIN rating_source s ON s.id = w.source_id"
            " WHERE s.municipality = $m AND ($all OR w.state <> 'archived')"
            " ORDER BY w.created_at DESC, w.code",
            {"m": municipality, "all": include_archived},
        )

    def create_workshop(self, code: str, municipality: str, spec, actor: Actor) -> bool:
        """Create a draft session and its rating source; False if ``code`` is taken.

        ``spec`` is a validated :class:`sdg.workshop.SessionSpec`.
        """
        require(actor, "workshop.run")
        with self.transaction() as cur:
            created = self._insert_workshop(cur, code, municipality, spec, actor.name)
            if created:
                self.audit(cur, actor, "workshop.run", {"create": code, "name": spec.name})
            return created

    def reset_workshop(self, code: str, new_code: str, spec, actor: Actor) -> bool:
        """Archive session ``code`` and create a fresh draft copy ``new_code`` (same
        municipality), in one transaction; False if ``new_code`` is taken."""
        require(actor, "workshop.run")
        with self.transaction() as cur:
            municipality = cur.execute(
                "SELECT s.municipality FROM workshop_session w"
                " JOIN rating_source s ON s.id = w.source_id WHERE w.code = $c",
                {"c": code}).fetchone()[0]
            if not self._insert_workshop(cur, new_code, municipality, spec, actor.name):
                return False
            cur.execute(
                "UPDATE workshop_session SET state = 'archived', replaced_by = $new,"
                " updated_at = current_timestamp WHERE code = $c", {"c": code, "new": new_code})
            self.audit(cur, actor, "workshop.run", {"reset": code, "new": new_code})
        return True

    @staticmethod
    def _insert_workshop(cur: duckdb.DuckDBPyConnection, code: str, municipality: str,
                         spec, actor: str) -> bool:
        taken = cur.execute("SELECT count(*) FROM workshop_session WHERE code = $c",
                            {"c": code}).fetchone()[0]
        if taken:
            return False
        source_id = cur.execute(
            "INSERT INTO rating_source (municipality, kind, name, held_on, scale_min, scale_max)"
            " VALUES ($m, 'workshop', $name, $held, $lo, $hi) RETURNING id",
            {"m": municipality, "name": spec.name, "held": spec.held_on,
             "lo": spec.scale_min, "hi": spec.scale_max}).fetchone()[0]
        cur.execute(
            "INSERT INTO workshop_session (code, source_id, subjects, axes, grp, scale_labels,"
            " created_by, updated_at)"
            " VALUES ($c, $src, $subjects, $axes, $grp, $labels, $actor, current_timestamp)",
            {"c": code, "src": source_id, "subjects": list(spec.subjects),
             "axes": list(spec.axes), "grp": spec.group,
             "labels": list(spec.scale_labels) if spec.scale_labels else None,
             "actor": actor})
        return True

    def set_workshop_state(self, code: str, state: str, allowed: Sequence[str],
                           actor: Actor) -> bool:
        """Move a session to ``state`` if it is now in one of ``allowed``; False if not."""
        require(actor, "workshop.run")
        with self.transaction() as cur:
            row = cur.execute(
                "UPDATE workshop_session SET state = $s, updated_at = current_timestamp"
                " WHERE code = $c AND list_contains($allowed, state) RETURNING code",
                {"c": code, "s": state, "allowed": list(allowed)}).fetchone()
            if row is not None:
                self.audit(cur, actor, "workshop.run", {"session": code, "state": state})
        return row is not None

    def set_workshop_show_results(self, code: str, show: bool, actor: Actor) -> None:
        require(actor, "workshop.run")
        with self.transaction() as cur:
            cur.execute("UPDATE workshop_session SET show_results = $v,"
                        " updated_at = current_timestamp WHERE code = $c",
                        {"c": code, "v": show})
            self.audit(cur, actor, "workshop.run", {"session": code, "show_results": show})

    def set_workshop_public(self, code: str, public: bool, actor: Actor) -> None:
        """Let anyone with the code see the session's projector (also when login is
        required), or not."""
        require(actor, "workshop.run")
        with self.transaction() as cur:
            cur.execute("UPDATE workshop_session SET public = $v,"
                        " updated_at = current_timestamp WHERE code = $c",
                        {"c": code, "v": bool(public)})
            self.audit(cur, actor, "workshop.run", {"session": code, "public": bool(public)})

    # -------------------------------------------------------------- participants
    def workshop_participant_count(self, code: str) -> int:
        """How many participants have joined the session."""
        return int(self.scalar("SELECT count(*) FROM workshop_participant WHERE code = $c",
                               {"c": code}))

    def workshop_participants(self, code: str) -> pd.DataFrame:
        """The session's participants for the facilitator: ``respondent_id, joined_at,
        ratings`` (counted now), ``submitted`` (votes in the log, removed ones too),
        ``last_vote``, ``removed`` (number of removals), oldest first."""
        return self.df(
            "SELECT p.respondent_id, p.joined_at,"
            " (SELECT count(*) FROM rating_current r WHERE r.respondent_id = p.respondent_id)"
            "   AS ratings,"
            " (SELECT count(*) FROM workshop_vote v WHERE v.respondent_id = p.respondent_id)"
            "   AS submitted,"
            " (SELECT max(voted_at) FROM workshop_vote v"
            "   WHERE v.respondent_id = p.respondent_id) AS last_vote,"
            " (SELECT count(*) FROM workshop_removal x WHERE x.respondent_id = p.respondent_id)"
            "   AS removed"
            " FROM workshop_participant p WHERE p.code = $c"
            " ORDER BY p.joined_at, p.respondent_id", {"c": code})

    def remove_workshop_answers(self, code: str, respondent_id: int, actor: Actor) -> int:
        """Take one participant's answers out of every count (kept in the log, see
        migration 0013) and record it in the audit log; returns how many of the
        participant's counted ratings were removed. A respondent that is not a
        participant of ``code`` removes nothing (0)."""
        require(actor, "workshop.run")
        with self.transaction() as cur:
            known = cur.execute(
                "SELECT count(*) FROM workshop_participant WHERE code = $c AND respondent_id = $r",
                {"c": code, "r": int(respondent_id)}).fetchone()[0]
            if not known:
                return 0
            n = cur.execute("SELECT count(*) FROM rating_current WHERE respondent_id = $r",
                            {"r": int(respondent_id)}).fetchone()[0]
            cur.execute(
                "INSERT INTO workshop_removal (respondent_id, up_to_seq, removed_by)"
                " SELECT $r, coalesce(max(seq), 0), $by FROM workshop_vote WHERE respondent_id = $r",
                {"r": int(respondent_id), "by": actor.name})
            self.audit(cur, actor, "workshop.run",
                       {"session": code, "remove_participant": int(respondent_id), "ratings": n})
        return int(n)

    def add_workshop_participant(self, code: str, token: str) -> int:
        """A new anonymous respondent of the session's source; returns its id."""
        with self.transaction() as cur:
            respondent = cur.execute(
                "INSERT INTO respondent (source_id, external_id, grp)"
                " SELECT source_id, $t, grp FROM workshop_session WHERE code = $c"
                " RETURNING id", {"c": code, "t": token}).fetchone()[0]
            cur.execute("INSERT INTO workshop_participant (token, code, respondent_id)"
                        " VALUES ($t, $c, $r)", {"t": token, "c": code, "r": respondent})
        self._vote_queue().participants[token] = (code, respondent)  # fixed from now on
        return respondent

    def workshop_participant(self, token: str) -> dict | None:
        """``{token, code, respondent_id, joined_at}`` or None."""
        with self.cursor() as cur:
            return _one(cur, "SELECT * FROM workshop_participant WHERE token = $t",
                        {"t": token})

    def workshop_participant_ratings(self, code: str, token: str) -> pd.DataFrame:
        """One participant's current ratings: ``axis, subject, value``."""
        return self.df(
            "SELECT r.axis, r.subject, r.value FROM workshop_participant p"
            " JOIN rating_current r ON r.respondent_id = p.respondent_id"
            " WHERE p.token = $t AND p.code = $c ORDER BY r.axis, r.subject",
            {"t": token, "c": code})

    # ---------------------------------------------------------------------- votes
    def save_workshop_vote(self, code: str, token: str, axis: str,
                           ratings: Mapping[str, float]) -> str:
        """One submission of one axis, all its ratings or none; returns what happened.

        ``"saved"``: the ratings were written (a rating given before no longer counts;
        it stays in the log).
        ``"not_open"``: voting is not open (nothing written). ``"unknown_participant"``:
        the token is not a participant of ``code``. See :meth:`submit_workshop_answers`.
        """
        return self.submit_workshop_answers(code, token, {axis: ratings})[0]

    def submit_workshop_vote(self, code: str, token: str, axis: str,
                             ratings: Mapping[str, float]) -> tuple[str, int]:
        """:meth:`submit_workshop_answers` for one axis."""
        return self.submit_workshop_answers(code, token, {axis: ratings})

    def submit_workshop_answers(self, code: str, token: str,
                                answers: Mapping[str, Mapping[str, float]]) -> tuple[str, int]:
        """Queue one submission (axis → subject → value, any number of axes) for the
        writer thread and wait until it is written.

        Returns ``(status, order)``: the status of :meth:`save_workshop_vote` and the
        submission's place in the order in which submissions were applied (of two
        submissions, the higher number wrote last). Returns only after the COMMIT that
        holds the submission (or once it is refused); a database error that concerns
        this submission alone is raised here.

        The values are converted in the caller's thread; the submission and a
        :class:`~concurrent.futures.Future` go into the store's queue, and its one
        writer thread (:meth:`_writer`) takes everything queued at once, writes it in
        one transaction and sets each future (the module docstring says why each
        submission stays atomic). A burst is thus batched by itself: whatever arrived
        while the previous batch was written is the next batch.
        """
        if self._write_lock._is_owned():  # the writer would wait for this thread's lock
            raise RuntimeError("save_workshop_vote inside a transaction of this thread")
        subjects: list[str] = []
        axes: list[str] = []
        values: list[float] = []
        for axis, ratings in answers.items():
            for subject, value in ratings.items():
                subjects.append(str(subject))
                axes.append(str(axis))
                values.append(float(value))
        if not subjects:
            raise ValueError("a submission needs at least one rating")
        sub = _Submission(str(code), str(token), axes, subjects, values)
        done: Future = Future()
        queue = self._vote_queue()
        with queue.lock:  # the order is the queue's order
            if queue.closed:
                raise RuntimeError("the store is closed")
            queue.order += 1
            sub.order = queue.order
            queue.items.put((sub, done))
            if queue.thread is None:
                queue.thread = threading.Thread(target=self._writer, args=(queue,),
                                                name="workshop-vote-writer", daemon=True)
                queue.thread.start()
        status = done.result()  # the writer's exception for this submission, if any
        return status, sub.order

    def workshop_vote_stats(self) -> dict[str, int]:
        """Counters of the group commit: ``submissions`` queued, ``batches`` written
        (one transaction each), ``largest`` batch, ``fallbacks`` (batches written again
        one by one after their transaction failed)."""
        q = self._vote_queue()
        with q.lock:
            return {"submissions": q.order, "batches": q.batches, "largest": q.largest,
                    "fallbacks": q.fallbacks}

    def _vote_queue(self) -> _VoteQueue:
        queue = self.__dict__.get("_workshop_vote_queue")
        if queue is None:  # dict.setdefault is atomic: two first callers share one
            fresh = _VoteQueue()
            fresh.order = self.scalar("SELECT coalesce(max(seq), 0) FROM workshop_vote")
            queue = self.__dict__.setdefault("_workshop_vote_queue", fresh)
        return queue

    def close(self) -> None:
        """Stop the vote writer (after it has written what is queued), then close."""
        queue = self.__dict__.get("_workshop_vote_queue")
        if queue is not None:
            with queue.lock:
                queue.closed = True
                thread = queue.thread
                queue.items.put(None)
            if thread is not None:
                thread.join(timeout=30)
        super().close()

    def _writer(self, queue: _VoteQueue) -> None:
        """The writer thread: block for a submission, take every other one queued by
        then, write them as one batch, answer each caller through its future; until
        :meth:`close` queues ``None``."""
        while True:
            item = queue.items.get()
            batch: list[tuple[_Submission, Future]] = []
            stop = item is None
            if not stop:
                batch.append(item)
            while not stop:
                try:
                    item = queue.items.get_nowait()
                except Empty:
                    break
                if item is None:
                    stop = True
                else:
                    batch.append(item)
            if batch:
                with queue.lock:
                    queue.batches += 1
                    queue.largest = max(queue.largest, len(batch))
                subs = [sub for sub, _ in batch]
                try:
                    self._write_batch(subs, queue)
                except BaseException as exc:  # noqa: BLE001 - nobody may wait forever
                    for sub in subs:
                        if sub.status is None and sub.error is None:
                            sub.error = exc
                for sub, done in batch:
                    if sub.error is not None:
                        done.set_exception(sub.error)
                    else:
                        done.set_result(sub.status)
            if stop:
                return

    def _write_batch(self, batch: list[_Submission], queue: _VoteQueue) -> None:
        """One transaction for the batch; if it fails, one per submission (each then
        gets its own status or error)."""
        _look_up(self, batch, queue.participants)
        try:
            statuses = self._append_votes(batch, queue.participants)
        except Exception as exc:  # noqa: BLE001 - whatever it was: retry one by one
            if len(batch) == 1:
                batch[0].error = exc
                return
            with queue.lock:
                queue.fallbacks += 1
            for sub in batch:
                try:
                    sub.status = self._append_votes([sub], queue.participants)[0]
                except Exception as one:  # noqa: BLE001 - handed to its own caller
                    sub.error = one
            return
        for sub, status in zip(batch, statuses, strict=True):
            sub.status = status

    def _append_votes(self, batch: Sequence[_Submission],
                      participants: Mapping[str, tuple[str, int]]) -> list[str]:
        """Write ``batch`` (in queue order) as ONE statement, hence one transaction:
        a bulk ``INSERT … SELECT … RETURNING`` into ``workshop_vote`` from a registered
        Arrow frame, run in autocommit under the write lock; return the statuses in
        batch order.

        Each submission is judged as a whole. ``unknown_participant``: its token is not
        a participant of its session (``participants``, see :class:`_VoteQueue`).
        Otherwise all its ratings are in the frame, each with the submission's queue
        order as ``seq``, and the statement keeps a row only while its session is open
        (``JOIN workshop_session … state = 'open'``: the state is read by the writing
        statement itself, so a session closed before it refuses and one closed after it
        was closed too late). Its rows are thus all written or none, and ``RETURNING``
        tells which: ``saved`` if its participant's rows were written, else
        ``not_open``. One statement also means one round trip: every round trip hands
        the GIL to 300 phones' threads and waits to get it back.
        """
        statuses: list[str | None] = []
        respondents: list[int] = []
        codes: list[str] = []
        subjects: list[str] = []
        axes: list[str] = []
        values: list[float] = []
        seqs: list[int] = []
        for sub in batch:
            code, respondent = participants.get(sub.token, ("", 0))
            if code != sub.code:
                statuses.append("unknown_participant")
                continue
            statuses.append(None)
            n = len(sub.subjects)
            respondents += [respondent] * n
            codes += [code] * n
            subjects += sub.subjects
            axes += sub.axes
            values += sub.values
            seqs += [sub.order] * n
        if respondents:
            frame = pa.table({"respondent_id": pa.array(respondents, pa.int32()),
                              "code": pa.array(codes, pa.string()),
                              "subject": pa.array(subjects, pa.string()),
                              "axis": pa.array(axes, pa.string()),
                              "value": pa.array(values, pa.float64()),
                              "seq": pa.array(seqs, pa.int64())})
            with self._write_lock, self.cursor() as cur:  # a fresh cursor: autocommit
                cur.register("vote_batch", frame)  # lives as long as the cursor
                written = cur.execute(_APPEND).fetchnumpy()["respondent_id"]
            saved = set(written.tolist())
        else:
            saved = set()
        return [status or ("saved" if participants[sub.token][1] in saved else "not_open")
                for sub, status in zip(batch, statuses, strict=True)]

    def workshop_ratings(self, codes: Sequence[str]) -> pd.DataFrame:
        """The sessions' ratings in the long form of :func:`sdg.materiality.aggregate`
        (``source`` = session code)."""
        return self.df(
            "SELECT w.code AS source, r.respondent_id AS respondent, r.subject, r.axis,"
            " r.value, s.scale_min, s.scale_max"
            " FROM workshop_session w JOIN rating_source s ON s.id = w.source_id"
            " JOIN respondent p ON p.source_id = s.id"
            " JOIN rating_current r ON r.respondent_id = p.id"
            " WHERE list_contains($codes, w.code)"
            " ORDER BY w.code, r.respondent_id, r.axis, r.subject",
            {"codes": list(codes)})


# ------------------------------------------------------------------- group commit
@dataclass(eq=False)
class _Submission:
    """One queued submission (its rows: ``axes``, ``subjects``, ``values`` side by
    side) and, once written, its outcome."""

    code: str
    token: str
    axes: list[str]
    subjects: list[str]
    values: list[float]
    order: int = 0
    status: str | None = None
    error: BaseException | None = None


class _VoteQueue:
    """One store's queue of ``(submission, future)`` pairs and its writer thread
    (started with the first vote); counters guarded by ``lock``. ``participants``
    caches token → (session code, respondent id): fixed once a participant has joined
    (nothing is deleted), filled on join and on first sight, so the writer reads only
    the sessions' state (never cached) in its transaction."""

    def __init__(self) -> None:
        self.participants: dict[str, tuple[str, int]] = {}
        self.lock = threading.Lock()
        self.items: SimpleQueue = SimpleQueue()
        self.thread: threading.Thread | None = None
        self.closed = False
        self.order = 0
        self.batches = 0
        self.largest = 0
        self.fallbacks = 0


_APPEND = (
    "INSERT INTO workshop_vote (respondent_id, subject, axis, value, seq)"
    " SELECT b.respondent_id, b.subject, b.axis, b.value, b.seq FROM vote_batch b"
    " JOIN workshop_session w ON w.code = b.code AND w.state = 'open'"
    " RETURNING respondent_id"
)


def _look_up(store, batch: Sequence[_Submission],
             participants: dict[str, tuple[str, int]]) -> None:
    """Add the batch's tokens missing from ``participants`` (first seen since this
    process started) from the database; a read, outside the write lock."""
    missing = {sub.token for sub in batch}.difference(participants)
    if missing:
        with store.cursor() as cur:
            for token, code, respondent in cur.execute(
                    "SELECT token, code, respondent_id FROM workshop_participant"
                    " WHERE token IN (SELECT unnest($t))", {"t": sorted(missing)}).fetchall():
                participants[token] = (code, respondent)
