"""The council's focus decisions and their life cycle (issue 12).

A decision moves through :data:`STATES`::

    draft ──propose──▶ proposed ──adopt──▶ adopted ──(a newer one adopted)──▶ superseded
      │                   │                   │
      └──────withdraw─────┴──────withdraw─────┴──▶ withdrawn

* an analyst (``decision.propose``) saves a draft or a proposal with the goals and the
  matrix settings that produced them, and may withdraw a draft or a proposal;
* the council's secretary or an admin (``decision.adopt``) records what the council
  adopted: the case number (saksnummer), the meeting date and the adopted goals, which
  may differ from the proposal. The municipality's adopted decision before it becomes
  superseded. Only they may withdraw an adopted decision;
* a withdrawal needs a reason; nothing is deleted. Each step is one transaction with a
  row in ``decision_event`` (the history) and one in the audit log.

Only :meth:`DecisionQueries.adopted_decision` sets the focus goals that the front page,
the goal stars and the report show (:meth:`DecisionQueries.focus_goals`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from sdg.auth import Actor, require
from sdg.errors import InvalidInput, NotFound

STATES = ("draft", "proposed", "adopted", "superseded", "withdrawn")
#: state → the actions that may follow it.
NEXT: dict[str, tuple[str, ...]] = {
    "draft": ("propose", "withdraw"),
    "proposed": ("adopt", "withdraw"),
    "adopted": ("withdraw",),
    "superseded": (),
    "withdrawn": (),
}


def check_goals(goals: Iterable[int]) -> list[int]:
    """The goal numbers sorted and unique; InvalidInput for none, NotFound for one
    outside 1–17.

    >>> check_goals([13, 4, 4, 11])
    [4, 11, 13]
    """
    chosen = sorted({int(g) for g in goals})
    if not chosen:
        raise InvalidInput("materiality.err.no_goals")
    bad = [g for g in chosen if not 1 <= g <= 17]
    if bad:
        raise NotFound("err.unknown_goal", goal=bad[0])
    return chosen


def allowed(state: str, action: str) -> bool:
    """Whether ``action`` may follow ``state``.

    >>> allowed("proposed", "adopt"), allowed("draft", "adopt"), allowed("adopted", "withdraw")
    (True, False, True)
    """
    return action in NEXT.get(state, ())


class DecisionQueries:
    """Focus decisions: drafts, proposals, adoption, supersession, withdrawal, history."""

    # -------------------------------------------------------------- reading
    def focus_decisions(self, municipality: str, states: Iterable[str] | None = None
                        ) -> pd.DataFrame:
        """Every decision of the municipality (or those in ``states``), newest first."""
        return self.df(
            "SELECT * FROM focus_decision WHERE municipality = $m"
            " AND ($s IS NULL OR list_contains($s, state))"
            " ORDER BY coalesce(meeting_date, decided_on) DESC, id DESC",
            {"m": municipality, "s": None if states is None else list(states)},
        )

    def focus_decision(self, decision_id: int) -> dict:
        """One decision as a dict; NotFound if there is none with that id."""
        df = self.df("SELECT * FROM focus_decision WHERE id = $i", {"i": int(decision_id)})
        if df.empty:
            raise NotFound("materiality.err.no_decision", id=decision_id)
        return df.iloc[0].to_dict()

    def adopted_decision(self, municipality: str) -> dict | None:
        """The council's adopted decision in force (None if there is none): ``goals``
        (the adopted ones, a sorted list), ``case_number``, ``meeting_date``,
        ``rationale_nb``/``rationale_en``, ``is_demo`` and the rest of the row.

        The one function the front page, the goal pages and the report read."""
        df = self.focus_decisions(municipality, ["adopted"])
        if df.empty:
            return None
        row = df.iloc[0].to_dict()
        row["goals"] = sorted(int(g) for g in row["goals"])
        for key in ("case_number", "end_reason"):
            if isinstance(row.get(key), float) and np.isnan(row[key]):
                row[key] = None
        return row

    def focus_goals(self, municipality: str) -> list[int]:
        """The focus goals of the adopted decision (empty if none)."""
        decision = self.adopted_decision(municipality)
        return [] if decision is None else decision["goals"]

    def decision_history(self, municipality: str) -> pd.DataFrame:
        """Every step of every decision of the municipality, oldest first."""
        return self.df(
            "SELECT e.* FROM decision_event e JOIN focus_decision d ON d.id = e.decision_id"
            " WHERE d.municipality = $m ORDER BY e.happened_at, e.id", {"m": municipality})

    def decision_settings(self, decision_id: int) -> dict | None:
        """The matrix settings stored with a decision (None if it has none)."""
        raw = self.focus_decision(decision_id)["settings"]
        return None if raw is None or (isinstance(raw, float) and np.isnan(raw)) else json.loads(raw)

    # -------------------------------------------------------------- writing
    def _event(self, cur, decision_id: int, actor: Actor, action: str, state: str,
               goals: list[int] | None, detail: Mapping | None = None) -> None:
        cur.execute(
            "INSERT INTO decision_event (decision_id, actor, role, action, state, goals, detail)"
            " VALUES ($d, $a, $r, $act, $s, $g, $det)",
            {"d": decision_id, "a": actor.name, "r": actor.role, "act": action, "s": state,
             "g": goals, "det": json.dumps(dict(detail or {}), ensure_ascii=False, default=str)})
        self.audit(cur, actor, f"decision.{action}",
                   {"decision": decision_id, "state": state, "goals": goals, **(detail or {})})

    def save_proposal(self, municipality: str, goals: Iterable[int], *, rationale: str,
                      settings: Mapping, actor: Actor, propose: bool = True,
                      lang: str = "nb") -> int:
        """Save a draft (``propose=False``) or a proposal of focus goals with the
        rationale (in ``lang``) and the matrix settings that produced it; returns its id.
        It changes nothing the council sees until it is adopted."""
        require(actor, "decision.propose")
        chosen = check_goals(goals)
        text = (rationale or "").strip()
        if not text:
            raise InvalidInput("materiality.err.no_rationale")
        state = "proposed" if propose else "draft"
        with self.transaction() as cur:
            decision = int(cur.execute(
                "INSERT INTO focus_decision (municipality, decided_on, goals, rationale_nb,"
                " rationale_en, settings, actor, state, proposed_goals, proposed_by,"
                " proposed_at) VALUES ($m, current_date, $g, $nb, $en, $s, $a, $st, $g,"
                " $pb, $pa) RETURNING id",
                {"m": municipality, "g": chosen,
                 "nb": text if lang != "en" else None, "en": text if lang == "en" else None,
                 "s": json.dumps(dict(settings), default=str), "a": actor.name, "st": state,
                 "pb": actor.name if propose else None,
                 "pa": dt.datetime.now() if propose else None},
            ).fetchone()[0])
            self._event(cur, decision, actor, "propose" if propose else "draft", state, chosen)
            return decision

    def propose(self, decision_id: int, *, actor: Actor) -> None:
        """Put a draft forward as a proposal."""
        require(actor, "decision.propose")
        with self.transaction() as cur:
            row = self._locked(cur, decision_id, "propose")
            cur.execute("UPDATE focus_decision SET state = 'proposed', proposed_by = $a,"
                        " proposed_at = current_timestamp WHERE id = $i",
                        {"a": actor.name, "i": int(decision_id)})
            self._event(cur, int(decision_id), actor, "propose", "proposed", row["goals"])

    def adopt(self, decision_id: int, *, goals: Iterable[int], case_number: str,
              meeting_date: dt.date, actor: Actor, note: str | None = None) -> int | None:
        """Record the council's adoption of a proposal: the adopted goals (which may
        differ from the proposal), the case number and the meeting date. The decision
        adopted before it (if any) is superseded by this one; its id is returned."""
        require(actor, "decision.adopt")
        chosen = check_goals(goals)
        case = (case_number or "").strip()
        if not case:
            raise InvalidInput("council.err.case_number")
        if not isinstance(meeting_date, dt.date):
            raise InvalidInput("council.err.meeting_date")
        if meeting_date > dt.date.today():
            raise InvalidInput("council.err.meeting_future", date=meeting_date.isoformat())
        with self.transaction() as cur:
            row = self._locked(cur, decision_id, "adopt")
            before = cur.execute(
                "SELECT id, goals FROM focus_decision WHERE municipality = $m"
                " AND state = 'adopted' AND id <> $i", {"m": row["municipality"],
                                                         "i": int(decision_id)}).fetchall()
            cur.execute(
                "UPDATE focus_decision SET state = 'adopted', goals = $g, case_number = $c,"
                " meeting_date = $d, decided_on = $d, adopted_by = $a,"
                " adopted_at = current_timestamp WHERE id = $i",
                {"g": chosen, "c": case, "d": meeting_date, "a": actor.name,
                 "i": int(decision_id)})
            detail = {"case_number": case, "meeting_date": meeting_date.isoformat(),
                      "proposed_goals": row["goals"], "note": (note or "").strip() or None}
            self._event(cur, int(decision_id), actor, "adopt", "adopted", chosen, detail)
            for old_id, old_goals in before:
                reason = f"sak {case} ({meeting_date:%d.%m.%Y})"
                cur.execute(
                    "UPDATE focus_decision SET state = 'superseded', superseded_by = $n,"
                    " ended_by = $a, ended_at = current_timestamp, end_reason = $r"
                    " WHERE id = $i",
                    {"n": int(decision_id), "a": actor.name, "r": reason, "i": int(old_id)})
                self._event(cur, int(old_id), actor, "supersede", "superseded", list(old_goals),
                            {"superseded_by": int(decision_id), "reason": reason})
            return int(before[0][0]) if before else None

    def withdraw(self, decision_id: int, *, reason: str, actor: Actor) -> None:
        """Withdraw a draft, a proposal (analyst or admin) or an adopted decision
        (secretary or admin), with a reason; the decision is kept, marked withdrawn."""
        text = (reason or "").strip()
        if not text:
            raise InvalidInput("council.err.reason")
        current = self.focus_decision(decision_id)
        require(actor, "decision.adopt" if current["state"] == "adopted" else "decision.propose")
        with self.transaction() as cur:
            row = self._locked(cur, decision_id, "withdraw")
            cur.execute(
                "UPDATE focus_decision SET state = 'withdrawn', ended_by = $a,"
                " ended_at = current_timestamp, end_reason = $r WHERE id = $i",
                {"a": actor.name, "r": text, "i": int(decision_id)})
            self._event(cur, int(decision_id), actor, "withdraw", "withdrawn", row["goals"],
                        {"reason": text, "was": row["state"]})

    def _locked(self, cur, decision_id: int, action: str) -> dict:
        """The decision's row inside the write transaction; InvalidInput when ``action``
        may not follow its state (e.g. adopting a draft, or anything after withdrawal)."""
        found = cur.execute(
            "SELECT municipality, state, goals FROM focus_decision WHERE id = $i",
            {"i": int(decision_id)}).fetchone()
        if found is None:
            raise NotFound("materiality.err.no_decision", id=decision_id)
        municipality, state, goals = found
        if not allowed(state, action):
            raise InvalidInput("council.err.transition", action=action, state=state)
        return {"municipality": municipality, "state": state,
                "goals": [int(g) for g in goals]}
