"""Queries of live workshops: sessions, participants, votes (see :mod:`sdg.workshop`).

A session's ratings are ordinary ``rating`` rows of its own ``rating_source`` (kind
``workshop``); a participant is a ``respondent`` of that source plus a
``workshop_participant`` row holding the anonymous token. Every write takes the store's
write lock in :meth:`transaction`; one vote is one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import duckdb
import pandas as pd

from sdg.auth import Actor, require

_SESSION = (
    "SELECT w.code, w.source_id, w.subjects, w.axes, w.state, w.show_results, w.grp,"
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
            "SELECT w.code, s.name, s.held_on, w.grp, w.state, w.show_results, w.axes,"
            " len(w.subjects) AS n_subjects, w.replaced_by, w.created_at,"
            " (SELECT count(*) FROM workshop_participant p WHERE p.code = w.code) AS joined,"
            " (SELECT count(DISTINCT r.respondent_id) FROM respondent p"
            "   JOIN rating r ON r.respondent_id = p.id WHERE p.source_id = s.id) AS voted,"
            " (SELECT count(*) FROM respondent p"
            "   JOIN rating r ON r.respondent_id = p.id WHERE p.source_id = s.id) AS ratings"
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

    # -------------------------------------------------------------- participants
    def add_workshop_participant(self, code: str, token: str) -> int:
        """A new anonymous respondent of the session's source; returns its id."""
        with self.transaction() as cur:
            respondent = cur.execute(
                "INSERT INTO respondent (source_id, external_id, grp)"
                " SELECT source_id, $t, grp FROM workshop_session WHERE code = $c"
                " RETURNING id", {"c": code, "t": token}).fetchone()[0]
            cur.execute("INSERT INTO workshop_participant (token, code, respondent_id)"
                        " VALUES ($t, $c, $r)", {"t": token, "c": code, "r": respondent})
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
            " JOIN rating r ON r.respondent_id = p.respondent_id"
            " WHERE p.token = $t AND p.code = $c ORDER BY r.axis, r.subject",
            {"t": token, "c": code})

    # ---------------------------------------------------------------------- votes
    def save_workshop_vote(self, code: str, token: str, axis: str,
                           ratings: Mapping[str, float]) -> str:
        """One submission in one transaction; returns what happened.

        ``"saved"``: the ratings were upserted (a rating given before is replaced).
        ``"not_open"``: voting is not open (nothing written). ``"unknown_participant"``:
        the token is not a participant of ``code``.
        """
        with self.transaction() as cur:
            row = cur.execute(
                "SELECT p.respondent_id, w.state FROM workshop_participant p"
                " JOIN workshop_session w ON w.code = p.code"
                " WHERE p.token = $t AND p.code = $c", {"t": token, "c": code}).fetchone()
            if row is None:
                return "unknown_participant"
            respondent, state = row
            if state != "open":
                return "not_open"
            cur.execute(
                "INSERT INTO rating (respondent_id, subject, axis, value)"
                " SELECT $r, unnest($subjects), $a, unnest($values)"
                " ON CONFLICT DO UPDATE SET value = excluded.value",
                {"r": respondent, "a": axis, "subjects": list(ratings),
                 "values": [float(v) for v in ratings.values()]})
        return "saved"

    def workshop_ratings(self, codes: Sequence[str]) -> pd.DataFrame:
        """The sessions' ratings in the long form of :func:`sdg.materiality.aggregate`
        (``source`` = session code)."""
        return self.df(
            "SELECT w.code AS source, r.respondent_id AS respondent, r.subject, r.axis,"
            " r.value, s.scale_min, s.scale_max"
            " FROM workshop_session w JOIN rating_source s ON s.id = w.source_id"
            " JOIN respondent p ON p.source_id = s.id"
            " JOIN rating r ON r.respondent_id = p.id"
            " WHERE list_contains($codes, w.code)"
            " ORDER BY w.code, r.respondent_id, r.axis, r.subject",
            {"codes": list(codes)})
