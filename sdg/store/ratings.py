"""Queries of the materiality matrix: rating sources, ratings, settings, notes.

A *rating source* is one citizen survey, one workshop or one version of the
administration's assessment; it has respondents, and they have ratings (subject = goal
``"11"`` or target ``"11.2"``, axis = ``"priority"`` or ``"influence"``, value on the
source's scale). Imported ratings are rows of ``rating``; a live workshop's votes are a
log (see :mod:`sdg.store.workshops`), and the view ``rating_current`` holds both as they
count now. :meth:`RatingQueries.ratings` returns them in the input form of
:func:`sdg.materiality.aggregate`. Every write of a source (survey import, saved
assessment, demo data) is one transaction: all its respondents and ratings, or nothing.

A source counts in the council's matrix only once an analyst has included it
(:meth:`RatingQueries.set_source_included`, audited): a new survey, workshop session or
assessment version is out until then, so a trial session never moves the matrix.
Sources are keyed by id; their names are labels. The administration's assessment is
versioned: each save is a new source and only the newest included one counts
(``current`` in :meth:`RatingQueries.rating_sources`). A workshop session reset by its
facilitator (archived as a mistake, replaced by a fresh one) keeps its votes but no
longer counts either.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping

import pandas as pd

from sdg.auth import Actor, require
from sdg.errors import InvalidInput, NotFound
from sdg.i18n import t

SETTINGS_KEY = "materiality"
KINDS = ("survey", "workshop", "administration")
NOTE_KINDS = ("opportunity", "challenge")
ASSESSMENT_SCALE = (1.0, 5.0)
DEMO_ACTOR = "demo"

# METHODS.md §4: influence (x) is the administration's assessment, priority (y) comes from
# the stakeholders (citizen survey and workshops); quadrants at the median of each axis.
DEFAULT_SETTINGS: dict = {
    "x_axis": "influence",
    "y_axis": "priority",
    "axis_names": {
        "influence": {"nb": "Påvirkning", "en": "Influence"},
        "priority": {"nb": "Prioritet", "en": "Priority"},
    },
    "feeds": {"influence": ["administration"], "priority": ["survey", "workshop"]},
    "threshold": {"method": "median", "x": 0.5, "y": 0.5},
}

# Which sources count in the council's matrix (METHODS.md §4, issue 12): those an analyst
# has included, of the administration's assessment only the newest included version, and
# no workshop session reset as a mistake (archived).
_COUNTS_SQL = """
    s.included
    AND (s.kind <> 'administration' OR s.id = (
        SELECT max(a.id) FROM rating_source a
        WHERE a.municipality = s.municipality AND a.kind = 'administration' AND a.included))
    AND s.id NOT IN (SELECT source_id FROM workshop_session WHERE state = 'archived')
"""

# Every source of a municipality with its counts and whether it counts now.
_SOURCES_SQL = """
SELECT s.id, s.kind, s.name, s.held_on, s.scale_min, s.scale_max, s.is_demo, s.actor,
       s.file_name, s.created_at, s.included, s.included_by, s.included_at,
       count(DISTINCT p.id) AS respondents, count(r.value) AS ratings,
       (""" + _COUNTS_SQL + """) AS current
FROM rating_source s LEFT JOIN respondent p ON p.source_id = s.id
LEFT JOIN rating_current r ON r.respondent_id = p.id
WHERE s.municipality = $m GROUP BY ALL ORDER BY s.id
"""

# The rows of the counted sources' ratings. Sources are keyed by id (``source`` is the id
# as text; ``source_name`` is only a label: two workshops of one name stay two sources).
# $level 'goal' keeps subjects without a dot, 'target' those with one; $goals filters on
# the goal number.
_RATINGS_SQL = """
SELECT CAST(s.id AS VARCHAR) AS source, s.name AS source_name, s.kind AS source_kind,
       r.respondent_id AS respondent,
       r.subject, r.axis, r.value, s.scale_min, s.scale_max, p.weight,
       p.grp AS "group", s.id AS source_id
FROM rating_current r
JOIN respondent p ON p.id = r.respondent_id
JOIN rating_source s ON s.id = p.source_id
WHERE s.municipality = $m
  AND (""" + _COUNTS_SQL + """)
  AND ($ids IS NULL OR list_contains($ids, s.id))
  AND ($groups IS NULL OR list_contains($groups, p.grp))
  AND (CASE WHEN $level = 'goal' THEN NOT contains(r.subject, '.')
            ELSE contains(r.subject, '.') END)
  AND ($goals IS NULL OR list_contains($goals, CAST(split_part(r.subject, '.', 1) AS INTEGER)))
  AND ($feeds IS NULL OR list_contains($feeds, r.axis || ':' || s.kind))
ORDER BY s.id, r.respondent_id, r.subject, r.axis
"""


def merge_settings(stored: Mapping | None) -> dict:
    """The default matrix settings with the stored ones laid over them (one level deep).

    >>> merge_settings({"threshold": {"method": "mean"}})["threshold"]
    {'method': 'mean', 'x': 0.5, 'y': 0.5}
    >>> merge_settings(None)["feeds"]["influence"]
    ['administration']
    """
    out = copy.deepcopy(DEFAULT_SETTINGS)
    for key, value in (stored or {}).items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **copy.deepcopy(dict(value))}
        else:
            out[key] = copy.deepcopy(value)
    return out


def feed_pairs(feeds: Mapping[str, Iterable[str]] | None) -> list[str] | None:
    """The ``axis:kind`` pairs allowed by the feeds setting (None = everything).

    >>> feed_pairs({"influence": ["administration"], "priority": ["survey", "workshop"]})
    ['influence:administration', 'priority:survey', 'priority:workshop']
    """
    if feeds is None:
        return None
    return [f"{axis}:{kind}" for axis, kinds in feeds.items() for kind in kinds]


class RatingQueries:
    """Rating sources, ratings, matrix settings, focus decisions and method-tool notes."""

    # -------------------------------------------------------------- reading
    def rating_sources(self, municipality: str) -> pd.DataFrame:
        """The sources of a municipality with counts. ``included``: an analyst has taken
        it into the council's matrix (a new source is out until then); ``current``: it
        counts there now: included, and not an older version of the administration's
        assessment nor a workshop session that was reset (archived as a mistake)."""
        return self.df(_SOURCES_SQL, {"m": municipality})

    def set_source_included(self, source_id: int, included: bool, *, actor: Actor) -> None:
        """Take a source into the council's matrix or out of it (audited)."""
        require(actor, "sources.include")
        with self.transaction() as cur:
            found = cur.execute("SELECT name, kind, municipality FROM rating_source"
                                " WHERE id = $i", {"i": int(source_id)}).fetchone()
            if found is None:
                raise NotFound("council.err.no_source", id=source_id)
            cur.execute("UPDATE rating_source SET included = $v, included_by = $a,"
                        " included_at = current_timestamp WHERE id = $i",
                        {"v": bool(included), "a": actor.name, "i": int(source_id)})
            self.audit(cur, actor, "sources.include",
                       {"source_id": int(source_id), "name": found[0], "kind": found[1],
                        "municipality": found[2], "included": bool(included)})

    def respondent_groups(self, municipality: str) -> list[str]:
        """Distinct respondent groups of the municipality's sources, sorted."""
        df = self.df(
            "SELECT DISTINCT p.grp FROM respondent p JOIN rating_source s ON s.id = p.source_id"
            " WHERE s.municipality = $m AND p.grp IS NOT NULL ORDER BY p.grp",
            {"m": municipality},
        )
        return df["grp"].tolist()

    def ratings(self, municipality: str, source_ids: Iterable[int] | None = None,
                groups: Iterable[str] | None = None, level: str = "goal",
                goals: Iterable[int] | None = None,
                feeds: Mapping[str, Iterable[str]] | None = None) -> pd.DataFrame:
        """Ratings in the input form of :func:`sdg.materiality.aggregate`.

        Parameters
        ----------
        municipality : str
        source_ids : iterable of int, optional
            Only these of the sources that count (default all of them: included, the
            administration's latest included version, no reset workshop session; see
            :meth:`rating_sources`).
        groups : iterable of str, optional
            Only respondents in these groups.
        level : {"goal", "target"}
            Ratings of goals or of targets.
        goals : iterable of int, optional
            Only subjects of these goals (the goal itself or its targets).
        feeds : mapping axis → source kinds, optional
            Which kinds of source feed each axis (the ``feeds`` setting); default all.

        Returns
        -------
        DataFrame
            source (the source id as text: the key), source_name (its label),
            source_kind, respondent, subject, axis, value, scale_min, scale_max, weight,
            group, source_id.
        """
        if level not in ("goal", "target"):
            raise InvalidInput("materiality.err.level", level=level)
        return self.df(_RATINGS_SQL, {
            "m": municipality,
            "ids": None if source_ids is None else [int(i) for i in source_ids],
            "groups": None if groups is None else [str(g) for g in groups],
            "level": level,
            "goals": None if goals is None else [int(g) for g in goals],
            "feeds": feed_pairs(feeds),
        })

    def assessment(self, municipality: str) -> pd.DataFrame:
        """The latest administration assessment: subject, influence (mean over its
        respondents, weighted), on the 1–5 scale; empty if there is none."""
        return self.df(
            "SELECT r.subject, sum(p.weight * r.value) / sum(p.weight) AS value"
            " FROM rating r JOIN respondent p ON p.id = r.respondent_id"
            " WHERE p.source_id = (SELECT max(id) FROM rating_source"
            "   WHERE municipality = $m AND kind = 'administration')"
            " AND r.axis = 'influence' GROUP BY r.subject ORDER BY r.subject",
            {"m": municipality},
        )

    # -------------------------------------------------------------- writing
    def _write_source(self, cur, municipality: str, kind: str, name: str,
                      ratings: pd.DataFrame, *, scale: tuple[float, float], actor: str,
                      is_demo: bool = False, held_on: dt.date | None = None,
                      file_name: str | None = None, sha256: str | None = None,
                      detected: Mapping | None = None, included: bool = False) -> int:
        """Insert one source, its respondents and ratings inside the caller's transaction
        (out of the council's matrix unless ``included``)."""
        source_id = cur.execute(
            "INSERT INTO rating_source (municipality, kind, name, held_on, scale_min,"
            " scale_max, is_demo, actor, file_name, sha256, detected, included, included_by,"
            " included_at)"
            " VALUES ($m, $k, $n, $h, $lo, $hi, $demo, $a, $f, $sha, $det, $inc, $ib,"
            " CASE WHEN $inc THEN current_timestamp END) RETURNING id",
            {"m": municipality, "k": kind, "n": name, "h": held_on, "lo": scale[0],
             "hi": scale[1], "demo": is_demo, "a": actor, "f": file_name, "sha": sha256,
             "det": None if detected is None else json.dumps(detected, default=str),
             "inc": included, "ib": actor if included else None},
        ).fetchone()[0]
        frame = ratings.assign(respondent=ratings["respondent"].astype(str))
        for col in ("group", "district", "age_band"):
            if col not in frame.columns:
                frame[col] = None
        if "weight" not in frame.columns:
            frame["weight"] = 1.0
        people = frame.drop_duplicates("respondent")[
            ["respondent", "group", "district", "age_band", "weight"]]
        cur.register("respondent_frame", people)
        cur.execute(
            "INSERT INTO respondent (source_id, external_id, grp, district, age_band, weight)"
            " SELECT $s, respondent, \"group\", district, age_band, weight FROM respondent_frame",
            {"s": source_id})
        cur.unregister("respondent_frame")
        self._insert_ratings(cur, source_id, frame[["respondent", "subject", "axis", "value"]])
        return int(source_id)

    def _insert_ratings(self, cur, source_id: int, frame: pd.DataFrame) -> None:
        """Insert ratings keyed by external respondent id; all rows must land."""
        cur.register("rating_frame", frame)
        n = cur.execute(
            "INSERT INTO rating (respondent_id, subject, axis, value)"
            " SELECT p.id, f.subject, f.axis, f.value FROM rating_frame f"
            " JOIN respondent p ON p.source_id = $s AND p.external_id = f.respondent",
            {"s": source_id}).fetchone()[0]
        cur.unregister("rating_frame")
        if n != len(frame):
            raise InvalidInput("materiality.err.import_incomplete", written=n, total=len(frame))

    def _check_ratings(self, ratings: pd.DataFrame, scale: tuple[float, float]) -> None:
        """Raise InvalidInput for an empty frame, a value off the scale, a bad subject or
        a repeated respondent × subject × axis."""
        if ratings.empty:
            raise InvalidInput("materiality.err.import_empty")
        values = pd.to_numeric(ratings["value"], errors="coerce")
        off = values.isna() | (values < scale[0]) | (values > scale[1])
        if off.any():
            raise InvalidInput("materiality.err.import_values", count=int(off.sum()),
                               lo=scale[0], hi=scale[1])
        known = set(self.df("SELECT target FROM target")["target"]) | {
            str(g) for g in range(1, 18)}
        unknown = sorted(set(ratings["subject"].astype(str)) - known)
        if unknown:
            raise InvalidInput("materiality.err.import_subjects", subjects=", ".join(unknown[:10]))
        dup = ratings.duplicated(["respondent", "subject", "axis"])
        if dup.any():
            raise InvalidInput("materiality.err.import_duplicates", count=int(dup.sum()))

    def import_survey(self, municipality: str, ratings: pd.DataFrame, *, name: str, actor: Actor,
                      kind: str = "survey", held_on: dt.date | None = None,
                      file_name: str | None = None, sha256: str | None = None,
                      detected: Mapping | None = None) -> int:
        """Import parsed survey ratings (:attr:`sdg.survey.SurveyParse.ratings`) as a new
        source: all of it in one transaction, or nothing. Returns the source id.

        The scale is the frame's (one ``scale_min``/``scale_max`` for all rows). Raises
        InvalidInput for an empty frame, a name already used in the municipality, values
        off the scale, unknown subjects or repeated ratings.
        """
        require(actor, "ratings.write")
        if kind not in ("survey", "workshop"):
            raise InvalidInput("materiality.err.kind", kind=kind)
        name = (name or "").strip()
        if not name:
            raise InvalidInput("materiality.err.source_name")
        if ratings.empty:
            raise InvalidInput("materiality.err.import_empty")
        scales = ratings[["scale_min", "scale_max"]].drop_duplicates()
        if len(scales) != 1:
            raise InvalidInput("materiality.err.import_scales")
        scale = (float(scales.iat[0, 0]), float(scales.iat[0, 1]))
        self._check_ratings(ratings, scale)
        with self.transaction() as cur:
            taken = cur.execute(
                "SELECT count(*) FROM rating_source WHERE municipality = $m AND name = $n",
                {"m": municipality, "n": name}).fetchone()[0]
            if taken:
                raise InvalidInput("materiality.err.source_name_taken", name=name)
            source_id = self._write_source(cur, municipality, kind, name, ratings, scale=scale,
                                           actor=actor.name, held_on=held_on,
                                           file_name=file_name, sha256=sha256,
                                           detected=detected)
            self.audit(cur, actor, "ratings.write", {"survey": name, "source_id": source_id,
                                                     "ratings": len(ratings)})
            return source_id

    def save_assessment(self, municipality: str, values: pd.DataFrame, *, actor: Actor) -> int:
        """Save the administration's influence assessment (1–5) as a new version.

        ``values`` has ``subject`` and ``value``; rows without a value are skipped. The
        assessment is one collective judgement: one respondent (``actor``). Returns the
        new source id; it replaces the version in the matrix once an analyst includes it.
        """
        require(actor, "ratings.write")
        rows = values.dropna(subset=["value"])
        frame = pd.DataFrame({"respondent": actor.name, "subject": rows["subject"].astype(str),
                              "axis": "influence", "value": rows["value"].astype(float),
                              "group": t("materiality.group.administration", "nb")})
        self._check_ratings(frame, ASSESSMENT_SCALE)
        with self.transaction() as cur:
            source_id = self._write_source(cur, municipality, "administration",
                                           t("materiality.source.administration", "nb"), frame,
                                           scale=ASSESSMENT_SCALE, actor=actor.name)
            self.audit(cur, actor, "ratings.write", {"assessment": source_id,
                                                     "ratings": len(frame)})
            return source_id

    def load_demo_ratings(self, actor: Actor, municipality: str = "3203", seed: int = 2018
                          ) -> int:
        """Load :func:`sdg.demo_ratings.demo_ratings` for ``municipality`` (marked
        ``is_demo``) unless it has demo sources already; returns the ratings written."""
        from sdg.demo_ratings import demo_ratings

        require(actor, "ratings.write")
        if self.scalar("SELECT count(*) FROM rating_source WHERE municipality = $m AND is_demo",
                       {"m": municipality}):
            return 0
        data = demo_ratings(seed=seed, targets=self.targets()["target"].tolist())
        order = pd.unique(data["source"])
        with self.transaction() as cur:
            for name in order:
                part = data[data["source"] == name]
                scale = (float(part["scale_min"].iat[0]), float(part["scale_max"].iat[0]))
                self._write_source(cur, municipality, str(part["source_kind"].iat[0]), str(name),
                                   part, scale=scale, actor=DEMO_ACTOR, is_demo=True,
                                   held_on=dt.date(2018, 3, 1), included=True)
        return len(data)

    # ------------------------------------------------------------- settings
    def materiality_settings(self) -> dict:
        """The matrix settings: :data:`DEFAULT_SETTINGS` with the stored ones over them."""
        raw = self.scalar("SELECT value FROM setting WHERE key = $k", {"k": SETTINGS_KEY})
        return merge_settings(json.loads(raw) if raw else None)

    def save_materiality_settings(self, settings: Mapping, actor: Actor) -> dict:
        """Store the matrix settings (validated); returns them merged with the defaults."""
        require(actor, "materiality.decide")
        merged = merge_settings(settings)
        method = merged["threshold"].get("method")
        if method not in ("median", "mean", "fixed"):
            raise InvalidInput("materiality.err.threshold_method", method=method)
        for kinds in merged["feeds"].values():
            bad = [k for k in kinds if k not in KINDS]
            if bad:
                raise InvalidInput("materiality.err.kind", kind=bad[0])
        with self.transaction() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO setting (key, value) VALUES ($k, $v)",
                {"k": SETTINGS_KEY, "v": json.dumps(merged)})
            self.audit(cur, actor, "materiality.decide", {"settings": merged})
        return merged

    # ---------------------------------------------------------------- notes
    def notes(self, municipality: str, subjects: Iterable[str] | None = None) -> pd.DataFrame:
        """Opportunities and challenges written down per target (or goal), oldest first."""
        return self.df(
            "SELECT id, subject, kind, text, actor, created_at FROM materiality_note"
            " WHERE municipality = $m AND ($s IS NULL OR list_contains($s, subject))"
            " ORDER BY created_at, id",
            {"m": municipality, "s": None if subjects is None else [str(s) for s in subjects]},
        )

    def save_note(self, municipality: str, subject: str, kind: str, text: str, *,
                  actor: Actor) -> int:
        """Write down one opportunity or challenge for a subject; returns its id."""
        require(actor, "ratings.write")
        if kind not in NOTE_KINDS:
            raise InvalidInput("materiality.err.note_kind", kind=kind)
        text = (text or "").strip()
        if not text:
            raise InvalidInput("materiality.err.note_empty")
        with self.transaction() as cur:
            note = int(cur.execute(
                "INSERT INTO materiality_note (municipality, subject, kind, text, actor)"
                " VALUES ($m, $s, $k, $t, $a) RETURNING id",
                {"m": municipality, "s": str(subject), "k": kind, "t": text, "a": actor.name},
            ).fetchone()[0])
            self.audit(cur, actor, "ratings.write", {"note": note, "subject": str(subject)})
            return note
