"""Queries of the benefits plan (gevinstrealiseringsplan): records, saves, change log.

A record's SDG targets live in ``benefit_target`` and travel as text ``"4.1, 4.2"``
(see :mod:`sdg.benefits`). Deleting a record marks it deleted (migration 0004), so
its change log in ``benefit_history`` stays complete.
"""

from __future__ import annotations

import json

import pandas as pd

from sdg.auth import Actor, require
from sdg.benefits import FIELDS, BenefitChanges, history_record, normalise, parse_targets
from sdg.errors import NotFound

_COLUMNS = [f for f in FIELDS if f not in ("id", "targets")]
_SET = ", ".join(f"{f} = ${f}" for f in _COLUMNS)  # fixed field names, values as parameters
_INSERT = (f"INSERT INTO benefit (municipality, {', '.join(_COLUMNS)}, updated_by)"  # noqa: S608
           f" VALUES ($municipality, {', '.join('$' + f for f in _COLUMNS)}, $actor)"
           " RETURNING id")
_UPDATE = (f"UPDATE benefit SET {_SET}, updated_by = $actor,"  # noqa: S608
           " updated_at = current_timestamp"
           " WHERE id = $id AND municipality = $municipality AND deleted_at IS NULL"
           " RETURNING id")


class BenefitQueries:
    """The plan of one municipality: read, save in one transaction, change log."""

    def benefits(self, municipality: str) -> pd.DataFrame:
        """The plan's current records (:data:`sdg.benefits.FIELDS` plus ``updated_by``
        and ``updated_at``), by goal area and id."""
        return self.df(
            "SELECT b.id, b.goal_area, b.name, b.description, b.kind, b.disbenefit,"
            " string_agg(bt.target, ', ' ORDER BY t.sort) AS targets, b.indicator,"
            " b.zero_value, b.zero_date, b.target_value, b.target_date, b.owner,"
            " b.responsible_unit, b.frequency, b.measure_source, b.actions, b.risk,"
            " b.status_note, b.is_demo, b.updated_by, b.updated_at"
            " FROM benefit b JOIN goal_area ga ON ga.code = b.goal_area"
            " LEFT JOIN benefit_target bt ON bt.benefit_id = b.id"
            " LEFT JOIN target t ON t.target = bt.target"
            " WHERE b.municipality = $m AND b.deleted_at IS NULL"
            " GROUP BY ALL ORDER BY any_value(ga.sort), b.id",
            {"m": municipality},
        )

    def save_benefits(self, municipality: str, changes: BenefitChanges, actor: Actor
                      ) -> dict[str, int]:
        """Apply inserts, updates and deletes in one transaction, logging each record.

        Every changed record gets a ``benefit_history`` row (who, when, action, the
        record as saved). A failing statement (an unknown target or indicator, a date
        constraint, an id not in this municipality's plan) rolls back everything.

        Returns
        -------
        dict
            ``{"inserted": n, "updated": n, "deleted": n}``.

        Raises
        ------
        NotFound
            ``benefits.err.not_in_plan`` for an update or delete of an id that is not
            a current record of ``municipality`` (nothing is saved).
        """
        require(actor, "benefits.write")
        inserts, updates = normalise(changes.inserts), normalise(changes.updates)
        who = actor.name
        with self.transaction() as cur:
            for rec in inserts.to_dict("records"):
                params = {f: rec[f] for f in _COLUMNS} | {"municipality": municipality,
                                                         "actor": who}
                new_id = cur.execute(_INSERT, params).fetchone()[0]
                self._log(cur, rec | {"id": new_id}, "insert", who)
            for rec in updates.to_dict("records"):
                params = {f: rec[f] for f in _COLUMNS} | {
                    "id": rec["id"], "municipality": municipality, "actor": who}
                if cur.execute(_UPDATE, params).fetchone() is None:
                    raise NotFound("benefits.err.not_in_plan", id=rec["id"])
                cur.execute("DELETE FROM benefit_target WHERE benefit_id = $id",
                            {"id": rec["id"]})
                self._log(cur, rec, "update", who)
            for benefit_id in changes.deletes:
                row = cur.execute(
                    "UPDATE benefit SET deleted_at = current_timestamp, deleted_by = $actor"
                    " WHERE id = $id AND municipality = $m AND deleted_at IS NULL"
                    " RETURNING id",
                    {"id": int(benefit_id), "m": municipality, "actor": who},
                ).fetchone()
                if row is None:
                    raise NotFound("benefits.err.not_in_plan", id=benefit_id)
                last = cur.execute(
                    "SELECT record FROM benefit_history WHERE benefit_id = $id"
                    " ORDER BY changed_at DESC, rowid DESC LIMIT 1", {"id": int(benefit_id)}
                ).fetchone()
                record = json.loads(last[0]) if last else {"id": int(benefit_id)}
                cur.execute(
                    "INSERT INTO benefit_history (benefit_id, changed_by, record, action)"
                    " VALUES ($id, $actor, $record, 'delete')",
                    {"id": int(benefit_id), "actor": who, "record": json.dumps(record)},
                )
            self.audit(cur, actor, "benefits.write", {
                "municipality": municipality, "inserted": len(inserts),
                "updated": len(updates), "deleted": len(changes.deletes)})
        return {"inserted": len(inserts), "updated": len(updates),
                "deleted": len(changes.deletes)}

    @staticmethod
    def _log(cur, record: dict, action: str, who: str) -> None:
        """Write the record's targets and its change-log row (inside a transaction)."""
        for code in parse_targets(record["targets"]):
            cur.execute("INSERT INTO benefit_target (benefit_id, target) VALUES ($id, $t)",
                        {"id": int(record["id"]), "t": code})
        cur.execute(
            "INSERT INTO benefit_history (benefit_id, changed_by, record, action)"
            " VALUES ($id, $actor, $record, $action)",
            {"id": int(record["id"]), "actor": who, "action": action,
             "record": json.dumps(history_record(record), ensure_ascii=False)},
        )

    def benefit_history(self, benefit_id: int) -> pd.DataFrame:
        """Every saved version of one benefit, newest first.

        Columns ``changed_at``, ``changed_by``, ``action`` and the record's fields
        (:data:`sdg.benefits.FIELDS`). Raises :class:`NotFound` for an id never saved.
        """
        df = self.df(
            "SELECT changed_at, changed_by, action, CAST(record AS VARCHAR) AS record"
            " FROM benefit_history WHERE benefit_id = $id"
            " ORDER BY changed_at DESC, rowid DESC",
            {"id": int(benefit_id)},
        )
        if df.empty:
            raise NotFound("benefits.err.no_history", id=benefit_id)
        records = pd.DataFrame([json.loads(r) for r in df["record"]])
        records = records.reindex(columns=list(FIELDS))
        return pd.concat([df.drop(columns="record"), records], axis=1)

    def benefit_observations(self, municipalities: list[str], indicators: list[str]
                             ) -> pd.DataFrame:
        """Current values of some indicators for some municipality codes."""
        return self.df(
            "SELECT municipality, indicator, year, value FROM observation_current"
            " WHERE list_contains($m, municipality) AND list_contains($i, indicator)"
            " ORDER BY indicator, year, municipality",
            {"m": list(municipalities), "i": list(indicators)},
        )

    def benefits_ever(self, municipality: str) -> pd.DataFrame:
        """Every benefit the plan has had (``id``, ``name``, ``deleted_at``), by id, so
        the change log of a deleted benefit can still be listed."""
        return self.df(
            "SELECT id, name, deleted_at FROM benefit WHERE municipality = $m ORDER BY id",
            {"m": municipality},
        )
