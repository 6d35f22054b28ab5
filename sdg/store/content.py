"""A municipality's own content, set up in the app (issue 12).

* **Commitments** ("Vi må …") per goal, bokmål with an optional English text
  (``local_goal``); a retired commitment is kept, marked ``retired_at``.
* **Goal areas** of the benefits plan: the seven of the presentation are every
  municipality's default (``goal_area`` rows without a municipality); a municipality
  that sets up its own (starting from a copy of the seven, or from nothing) sees only
  those.
* **Indicator targets** and target years per municipality, and **manual zero points**
  with a required note where METHODS.md §3 gives none (rule ``none``) or data are
  missing. Each save is a new row; the newest counts, the older ones are kept; a row
  without a value removes the target or the manual zero point.

Every write needs ``content.write`` (analyst, admin) and is audited.
"""

from __future__ import annotations

import math

import pandas as pd

from sdg.auth import Actor, require
from sdg.errors import InvalidInput, NotFound


def _finite(value: object, key: str) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidInput(key, value=value) from None
    if not math.isfinite(number):
        raise InvalidInput(key, value=value)
    return number


class ContentQueries:
    """Commitments, goal areas, indicator targets and manual zero points."""

    # ----------------------------------------------------------- commitments
    def local_goals(self, municipality: str, goal: int | None = None) -> pd.DataFrame:
        """The municipality's commitments in force, by goal and order."""
        return self.df(
            "SELECT * FROM local_goal WHERE municipality = $m AND ($g IS NULL OR goal = $g)"
            " AND retired_at IS NULL ORDER BY goal, sort, id",
            {"m": municipality, "g": goal},
        )

    def add_commitment(self, municipality: str, goal: int, text_nb: str,
                       text_en: str | None = None, *, actor: Actor) -> int:
        """Add a commitment ("Vi må …") to a goal; returns its id."""
        require(actor, "content.write")
        if not 1 <= int(goal) <= 17:
            raise NotFound("err.unknown_goal", goal=goal)
        nb = (text_nb or "").strip()
        if not nb:
            raise InvalidInput("council.err.commitment_empty")
        en = (text_en or "").strip() or None
        with self.transaction() as cur:
            sort = cur.execute(
                "SELECT coalesce(max(sort), 0) + 1 FROM local_goal WHERE municipality = $m"
                " AND goal = $g", {"m": municipality, "g": int(goal)}).fetchone()[0]
            new_id = int(cur.execute(
                "INSERT INTO local_goal (municipality, goal, sort, text_nb, text_en, updated_by,"
                " updated_at) VALUES ($m, $g, $s, $nb, $en, $a, current_timestamp) RETURNING id",
                {"m": municipality, "g": int(goal), "s": int(sort), "nb": nb, "en": en,
                 "a": actor.name}).fetchone()[0])
            self.audit(cur, actor, "content.write", {"commitment": new_id, "goal": int(goal),
                                                     "municipality": municipality})
            return new_id

    def retire_commitment(self, commitment_id: int, *, actor: Actor) -> None:
        """Take a commitment off the pages (the row is kept, marked retired)."""
        require(actor, "content.write")
        with self.transaction() as cur:
            n = cur.execute("UPDATE local_goal SET retired_at = current_timestamp,"
                            " updated_by = $a WHERE id = $i AND retired_at IS NULL RETURNING id",
                            {"a": actor.name, "i": int(commitment_id)}).fetchall()
            if not n:
                raise NotFound("council.err.no_commitment", id=commitment_id)
            self.audit(cur, actor, "content.write", {"retired_commitment": int(commitment_id)})

    # ------------------------------------------------------------ goal areas
    def goal_areas(self, municipality: str | None = None, *,
                   linked: bool = False) -> pd.DataFrame:
        """The municipality's goal areas if it has set up its own, else the seven of
        the presentation (``own`` says which); retired areas are left out.

        With ``linked`` the areas the municipality's benefits still link to are added
        although they are no longer in use (an area it retired, or one of the seven
        after it set up its own), so the plan can still be shown and saved; ``in_use``
        is False for those, and they come last.
        """
        return self.df(
            "WITH own AS (SELECT count(*) AS n FROM goal_area WHERE municipality = $m),"
            " area AS (SELECT *, municipality IS NOT NULL AS own,"
            "   coalesce(retired_at IS NULL AND (CASE WHEN (SELECT n FROM own) > 0"
            "     THEN municipality = $m ELSE municipality IS NULL END), false) AS in_use"
            "   FROM goal_area)"
            " SELECT * FROM area WHERE in_use OR ($linked AND code IN"
            "   (SELECT goal_area FROM benefit WHERE municipality = $m))"
            " ORDER BY NOT in_use, sort, code",
            {"m": municipality, "linked": linked},
        )

    def add_goal_area(self, municipality: str, name_nb: str, name_en: str | None = None,
                      description_nb: str | None = None, description_en: str | None = None,
                      *, origin: str = "local", actor: Actor) -> str:
        """Add one of the municipality's own goal areas; returns its code."""
        require(actor, "content.write")
        nb = (name_nb or "").strip()
        if not nb:
            raise InvalidInput("council.err.area_empty")
        if origin not in ("reform", "local"):
            raise InvalidInput("council.err.area_origin", origin=origin)
        with self.transaction() as cur:
            return self._insert_area(cur, municipality, nb, (name_en or "").strip() or nb,
                                     (description_nb or "").strip() or None,
                                     (description_en or "").strip() or None, origin, actor)

    def _insert_area(self, cur, municipality: str, nb: str, en: str, dnb: str | None,
                     den: str | None, origin: str, actor: Actor) -> str:
        n = cur.execute("SELECT count(*) FROM goal_area WHERE municipality = $m",
                        {"m": municipality}).fetchone()[0]
        code = f"{municipality}-{int(n) + 1}"
        cur.execute(
            "INSERT INTO goal_area (code, sort, origin, name_nb, name_en, description_nb,"
            " description_en, municipality, updated_by, updated_at)"
            " VALUES ($c, $s, $o, $nb, $en, $dnb, $den, $m, $a, current_timestamp)",
            {"c": code, "s": int(n) + 1, "o": origin, "nb": nb, "en": en, "dnb": dnb,
             "den": den, "m": municipality, "a": actor.name})
        self.audit(cur, actor, "content.write", {"goal_area": code, "name": nb})
        return code

    def copy_default_goal_areas(self, municipality: str, *, actor: Actor) -> list[str]:
        """Start the municipality's own goal areas from the seven of the presentation
        (only when it has none yet); returns the new codes."""
        require(actor, "content.write")
        with self.transaction() as cur:
            if cur.execute("SELECT count(*) FROM goal_area WHERE municipality = $m",
                           {"m": municipality}).fetchone()[0]:
                raise InvalidInput("council.err.areas_exist")
            rows = cur.execute(
                "SELECT name_nb, name_en, description_nb, description_en, origin FROM goal_area"
                " WHERE municipality IS NULL ORDER BY sort").fetchall()
            return [self._insert_area(cur, municipality, nb, en, dnb, den, origin, actor)
                    for nb, en, dnb, den, origin in rows]

    def retire_goal_area(self, code: str, *, actor: Actor) -> None:
        """Take one of the municipality's own goal areas off the pages (kept for
        benefits that link to it)."""
        require(actor, "content.write")
        with self.transaction() as cur:
            n = cur.execute("UPDATE goal_area SET retired_at = current_timestamp, updated_by = $a"
                            " WHERE code = $c AND municipality IS NOT NULL AND retired_at IS NULL"
                            " RETURNING code", {"a": actor.name, "c": code}).fetchall()
            if not n:
                raise NotFound("council.err.no_area", code=code)
            self.audit(cur, actor, "content.write", {"retired_goal_area": code})

    # ------------------------------------------------- targets, zero points
    def set_indicator_target(self, municipality: str, indicator: str,
                             target_value: float | None, target_year: int | None = None,
                             note: str | None = None, *, actor: Actor) -> None:
        """Set (or with ``target_value`` None remove) an indicator's target and target
        year for the municipality."""
        require(actor, "content.write")
        self._known_indicator(indicator)
        value = year = None
        if target_value is not None:
            value = _finite(target_value, "council.err.target_value")
            if target_year is None or not 2000 <= int(target_year) <= 2100:
                raise InvalidInput("council.err.target_year", year=target_year)
            year = int(target_year)
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO municipality_indicator_target (municipality, indicator,"
                " target_value, target_year, note, set_by) VALUES ($m, $i, $v, $y, $n, $a)",
                {"m": municipality, "i": indicator, "v": value, "y": year,
                 "n": (note or "").strip() or None, "a": actor.name})
            self.audit(cur, actor, "content.write", {"indicator_target": indicator,
                                                     "municipality": municipality,
                                                     "value": value, "year": year})

    def indicator_targets(self, municipality: str) -> pd.DataFrame:
        """The municipality's own targets in force: indicator, target_value, target_year,
        note, set_by, set_at (a removed target is left out)."""
        return self.df(
            "SELECT * EXCLUDE (municipality) FROM municipality_indicator_target"
            " WHERE municipality = $m"
            " QUALIFY row_number() OVER (PARTITION BY indicator ORDER BY set_at DESC,"
            "   rowid DESC) = 1 AND target_value IS NOT NULL ORDER BY indicator",
            {"m": municipality})

    def set_manual_zero_point(self, municipality: str, indicator: str, value: float | None,
                              note: str, year: int = 2019, *, actor: Actor) -> None:
        """Enter (or with ``value`` None remove) a zero point by hand, with the required
        note saying where it comes from (METHODS.md §3)."""
        require(actor, "content.write")
        self._known_indicator(indicator)
        text = (note or "").strip()
        if not text:
            raise InvalidInput("progress.baseline.err.manual_note")
        number = None if value is None else _finite(value, "progress.baseline.err.manual_value")
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO manual_zero_point (municipality, indicator, year, value, note, set_by)"
                " VALUES ($m, $i, $y, $v, $n, $a)",
                {"m": municipality, "i": indicator, "y": int(year), "v": number, "n": text,
                 "a": actor.name})
            self.audit(cur, actor, "content.write", {"manual_zero_point": indicator,
                                                     "municipality": municipality,
                                                     "value": number, "note": text})

    def manual_zero_points(self, municipality: str, year: int = 2019) -> pd.DataFrame:
        """The municipality's manual zero points in force: indicator, value, note,
        set_by, set_at."""
        return self.df(
            "SELECT indicator, value, note, set_by, set_at FROM manual_zero_point"
            " WHERE municipality = $m AND year = $y"
            " QUALIFY row_number() OVER (PARTITION BY indicator ORDER BY set_at DESC,"
            "   rowid DESC) = 1 AND value IS NOT NULL ORDER BY indicator",
            {"m": municipality, "y": int(year)})

    def has_own_content(self, municipality: str) -> dict[str, int]:
        """What the municipality has set up: counts of commitments, own goal areas,
        decisions, indicators with a figure, targets and manual zero points."""
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT (SELECT count(*) FROM local_goal WHERE municipality = $m"
                "        AND retired_at IS NULL),"
                " (SELECT count(*) FROM goal_area WHERE municipality = $m AND retired_at IS NULL),"
                " (SELECT count(*) FROM focus_decision WHERE municipality = $m),"
                " (SELECT count(DISTINCT indicator) FROM observation_current"
                "        WHERE municipality = $m AND value IS NOT NULL),"
                " (SELECT count(*) FROM municipality_indicator_target WHERE municipality = $m),"
                " (SELECT count(*) FROM manual_zero_point WHERE municipality = $m)",
                {"m": municipality}).fetchone()
        keys = ("commitments", "goal_areas", "decisions", "indicators", "targets",
                "zero_points")
        return dict(zip(keys, (int(v) for v in row), strict=True))

    def _known_indicator(self, indicator: str) -> None:
        if not self.scalar("SELECT count(*) FROM indicator WHERE id = $i", {"i": indicator}):
            raise NotFound("council.err.no_indicator", indicator=indicator)
