"""Read queries of the catalogue, municipalities, indicators and governance."""

from __future__ import annotations

import pandas as pd

from sdg.auth import Actor, require
from sdg.errors import NotFound, SdgError
from sdg.i18n import LANGS


class CatalogueQueries:
    """Goals, targets, indicators, municipalities, observations, goal areas, decisions."""

    # -------------------------------------------------------------- counts
    COUNTED = ("goal", "target", "un_indicator", "ks_indicator", "municipality",
               "municipality_change", "indicator", "observation", "import_batch",
               "goal_area", "local_goal", "focus_decision", "rating_source",
               "respondent", "rating", "benefit")

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables (for ``python -m sdg info`` and tests)."""
        sql = " UNION ALL ".join(
            f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in self.COUNTED  # noqa: S608 (fixed names)
        )
        with self.cursor() as cur:
            return dict(cur.execute(sql).fetchall())

    # ----------------------------------------------------------- catalogue
    def goals(self) -> pd.DataFrame:
        """The 17 goals with names, colour and dimension."""
        return self.df(
            "SELECT g.*, d.name_nb AS dimension_nb, d.name_nn AS dimension_nn,"
            " d.name_en AS dimension_en, d.sort AS dimension_sort FROM goal g JOIN dimension d USING (dimension)"
            " ORDER BY goal"
        )

    def goal(self, goal: int) -> dict:
        """One goal as a dict; :class:`NotFound` for a number outside 1–17."""
        df = self.df(
            "SELECT g.*, d.name_nb AS dimension_nb, d.name_nn AS dimension_nn,"
            " d.name_en AS dimension_en FROM goal g JOIN dimension d USING (dimension) WHERE goal = $g",
            {"g": goal},
        )
        if df.empty:
            raise NotFound("err.unknown_goal", goal=goal)
        return df.iloc[0].to_dict()

    def dimensions(self) -> pd.DataFrame:
        return self.df("SELECT * FROM dimension ORDER BY sort")

    def targets(self, goal: int | None = None) -> pd.DataFrame:
        """Targets, all or of one goal, in UN order."""
        return self.df(
            "SELECT * FROM target WHERE $g IS NULL OR goal = $g ORDER BY sort", {"g": goal}
        )

    def un_indicators(self, goal: int | None = None) -> pd.DataFrame:
        return self.df(
            "SELECT i.* FROM un_indicator i JOIN target t USING (target)"
            " WHERE $g IS NULL OR t.goal = $g ORDER BY t.sort, i.indicator",
            {"g": goal},
        )

    def ks_indicators(self, goal: int | None = None, scheme: str | None = None) -> pd.DataFrame:
        """KS catalogue entries mapped to the goal's targets (one row per entry)."""
        return self.df(
            "SELECT k.id, k.scheme, k.title, k.periodicity, k.source_url,"
            " string_agg(kt.target, ', ' ORDER BY t.sort) AS targets"
            " FROM ks_indicator k JOIN ks_indicator_target kt USING (id)"
            " JOIN target t ON t.target = kt.target"
            " WHERE ($g IS NULL OR t.goal = $g) AND ($s IS NULL OR k.scheme = $s)"
            " GROUP BY ALL ORDER BY min(t.sort), k.title",
            {"g": goal, "s": scheme},
        )

    # ------------------------------------------------------ municipalities
    def municipalities(self, current_only: bool = True) -> pd.DataFrame:
        """Municipalities; by default those that exist today, by code."""
        return self.df(
            "SELECT * FROM municipality WHERE NOT $cur OR valid_to IS NULL"
            " ORDER BY code, valid_from",
            {"cur": current_only},
        )

    def municipality(self, code: str) -> dict:
        df = self.df(
            "SELECT * FROM municipality WHERE code = $c ORDER BY valid_from DESC LIMIT 1",
            {"c": code},
        )
        if df.empty:
            raise NotFound("err.unknown_municipality", code=code)
        return df.iloc[0].to_dict()

    def municipality_changes(self) -> pd.DataFrame:
        return self.df("SELECT * FROM municipality_change ORDER BY year, successor, predecessor")

    # ---------------------------------------------------------- indicators
    def indicators(self, goal: int | None = None) -> pd.DataFrame:
        """Our indicators with their SDG targets (``targets`` as '4.1, 4.2').

        An indicator an import created is listed while that batch is active (undo
        hides it, redo shows it again; migration 0015)."""
        return self.df(
            "SELECT i.*, string_agg(it.target, ', ' ORDER BY t.sort) AS targets"
            " FROM indicator i LEFT JOIN indicator_target it ON it.indicator = i.id"
            " LEFT JOIN target t ON t.target = it.target"
            " WHERE i.created_batch IS NULL OR i.created_batch IN"
            "  (SELECT id FROM import_batch WHERE state = 'active')"
            " GROUP BY ALL"
            " HAVING $g IS NULL OR bool_or(t.goal = $g)"
            " ORDER BY i.id",
            {"g": goal},
        )

    def observations(self, indicator: str, municipalities: list[str] | None = None
                     ) -> pd.DataFrame:
        """Current values of one indicator, optionally for some municipalities."""
        return self.df(
            "SELECT municipality, year, value, status_symbol, note, batch_id"
            " FROM observation_current WHERE indicator = $i"
            " AND ($m IS NULL OR list_contains($m, municipality))"
            " ORDER BY municipality, year",
            {"i": indicator, "m": municipalities},
        )

    def observation_summary(self, municipality: str) -> pd.DataFrame:
        """Per indicator: first and last year with a value for one municipality, its
        series continued back through renumberings (3203 ← 3025), not through mergers.

        The codes are looked up first and passed as a list: filtered by a subquery
        (``IN (SELECT …)``) DuckDB may read every municipality's current figures before
        the semi-join (~100 ms instead of ~8 ms at national scale, bench/pages.py).
        """
        with self.cursor() as cur:
            codes = [code for (code,) in cur.execute(
                "WITH RECURSIVE chain(code) AS (SELECT $m UNION"
                "  SELECT c.predecessor FROM municipality_change c JOIN chain"
                "  ON c.successor = chain.code WHERE c.kind = 'renumbering')"
                " SELECT code FROM chain", {"m": municipality}).fetchall()]
            return cur.execute(
                "SELECT indicator, min(year) AS first_year, max(year) AS last_year,"
                " count(value) AS n FROM observation_current"
                " WHERE list_contains($codes, municipality)"
                " GROUP BY indicator ORDER BY indicator", {"codes": codes}).df()

    # ----------------------------------------------------------- language
    def default_language(self, municipality: str) -> str | None:
        """The language a municipality chose for new sessions (nb, nn, en), or None."""
        return self.scalar("SELECT lang FROM municipality_language WHERE municipality = $m",
                           {"m": municipality})

    def set_default_language(self, actor: Actor, municipality: str, lang: str) -> None:
        """Set the language new sessions of ``municipality`` open in (admins only)."""
        require(actor, "users.admin")
        if lang not in LANGS:
            raise SdgError("a11y.err.lang", code=lang, langs=", ".join(LANGS))
        if not self.scalar("SELECT count(*) FROM municipality WHERE code = $m"
                           " AND valid_to IS NULL", {"m": municipality}):
            raise NotFound("err.unknown_municipality", code=municipality)
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO municipality_language (municipality, lang, actor)"
                " VALUES ($m, $l, $a) ON CONFLICT (municipality) DO UPDATE"
                " SET lang = excluded.lang, actor = excluded.actor,"
                " set_at = now()",
                {"m": municipality, "l": lang, "a": actor.name})
            self.audit(cur, actor, "municipality.language",
                       {"municipality": municipality, "lang": lang})
