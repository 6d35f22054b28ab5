"""Read queries of the zero-point page and the goal status (:mod:`sdg.gains`)."""

from __future__ import annotations

import pandas as pd


class GainQueries:
    """Observations for zero points and national comparisons; benefit links and targets."""

    def gain_observations(self, municipalities: list[str],
                          indicators: list[str] | None = None) -> pd.DataFrame:
        """Current values of several indicators for a few municipalities at once.

        For the zero-point report: the municipality, its earlier codes and its
        predecessors (:func:`sdg.gains.related_codes`); ``indicators`` None = all.
        Rows without a value (status symbol only) are left out.
        """
        return self.df(
            "SELECT municipality, indicator, year, value FROM observation_current"
            " WHERE list_contains($m, municipality)"
            " AND ($i IS NULL OR list_contains($i, indicator)) AND value IS NOT NULL"
            " ORDER BY indicator, municipality, year",
            {"m": list(municipalities), "i": None if indicators is None else list(indicators)},
        )

    def comparison_observations(self, indicators: list[str]) -> pd.DataFrame:
        """Every municipality's current values of some indicators (national comparison)."""
        return self.df(
            "SELECT municipality, indicator, year, value FROM observation_current"
            " WHERE list_contains($i, indicator) AND value IS NOT NULL",
            {"i": list(indicators)},
        )

    def municipality_validity(self) -> pd.DataFrame:
        """Per code the first and last year it exists (``valid_to`` NULL = today)."""
        return self.df(
            "SELECT code, min(valid_from) AS valid_from,"
            " CASE WHEN bool_or(valid_to IS NULL) THEN NULL ELSE max(valid_to) END AS valid_to"
            " FROM municipality GROUP BY code ORDER BY code"
        )

    def indicator_goal_areas(self, municipality: str) -> pd.DataFrame:
        """Which goal areas the municipality's (not deleted) benefits link each indicator to."""
        return self.df(
            "SELECT DISTINCT indicator, goal_area FROM benefit"
            " WHERE municipality = $m AND indicator IS NOT NULL AND deleted_at IS NULL"
            " ORDER BY indicator, goal_area",
            {"m": municipality},
        )

    def indicator_benefit_targets(self, municipality: str) -> pd.DataFrame:
        """Per indicator the target of the municipality's benefits plan.

        ``target_value`` and ``target_year`` (the year of the target date); where
        several benefits set a target for one indicator, the one with the latest
        target date (the long-term one) is used.
        """
        return self.df(
            "SELECT indicator, arg_max(target_value, target_date) AS target_value,"
            " year(max(target_date)) AS target_year FROM benefit"
            " WHERE municipality = $m AND indicator IS NOT NULL AND deleted_at IS NULL"
            " AND target_value IS NOT NULL AND target_date IS NOT NULL"
            " GROUP BY indicator ORDER BY indicator",
            {"m": municipality},
        )

    def observation_provenance(self, municipalities: list[str],
                               indicators: list[str] | None = None) -> pd.DataFrame:
        """Where the current values of some municipalities come from: per indicator
        and import batch the years, the file, who imported it, when, and whether demo.

        For the method annex of the council report (:mod:`sdg.report`).
        """
        return self.df(
            "SELECT o.indicator, o.batch_id, b.file_name, b.actor, b.created_at, b.is_demo,"
            " min(o.year) AS first_year, max(o.year) AS last_year, count(*) AS n"
            " FROM observation_current o JOIN import_batch b ON b.id = o.batch_id"
            " WHERE list_contains($m, o.municipality)"
            " AND ($i IS NULL OR list_contains($i, o.indicator)) AND o.value IS NOT NULL"
            " GROUP BY ALL ORDER BY o.indicator, o.batch_id",
            {"m": list(municipalities), "i": None if indicators is None else list(indicators)},
        )
