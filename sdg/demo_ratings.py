"""Seeded, plausible demo ratings for new Asker (Asker, Røyken, Hurum), 2018.

The sources mirror the presentation (slide 5–6): a citizen survey, four civil-society
workshops and the administration's assessment of influence, plus one workshop on the
targets of goal 11. Every rating is drawn from a simple model,

    rating = round( μ_source(subject) + respondent tendency + group effect + noise ),
    clipped to the scale,

where μ is a prior belief about how Asker's residents, civil society and officers see
each goal (education, climate, land use and transport, infrastructure and partnerships
weigh heavily in a growing, dense commuter municipality on the Oslofjord). The focus
goals 4, 9, 11, 13 and 17 are not written into the data: they emerge from the combined
matrix, with noise, as they did for the council.

The output has the :func:`sdg.materiality.aggregate` columns plus ``source_kind``
(survey, workshop, administration), ``group``, ``district`` and ``age_band``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

GOALS = tuple(str(g) for g in range(1, 18))
DISTRICTS = ("Asker", "Røyken", "Hurum")
# Population shares 2018 (≈ 61 k, 23 k, 9.5 k) and a survey that over-samples the small ones.
_POP_SHARE = np.array([0.65, 0.25, 0.10])
_SAMPLE_SHARE = np.array([0.55, 0.28, 0.17])
AGE_BANDS = ("16–29", "30–44", "45–66", "67+")
_AGE_POP = np.array([0.20, 0.27, 0.35, 0.18])
_AGE_SAMPLE = np.array([0.15, 0.27, 0.38, 0.20])

# Prior mean priority (1–5) of residents, by goal 1…17.
_SURVEY_MU = np.array([3.0, 2.7, 4.0, 4.3, 3.4, 3.6, 3.6, 3.5, 3.9, 3.1, 4.2, 3.5, 4.3,
                       3.8, 3.5, 3.2, 3.5])
# Civil society puts more weight on partnerships, inequality, cities and climate.
_WORKSHOP_SHIFT = np.array([0.1, -0.2, -0.2, 0.1, 0.0, -0.3, -0.1, -0.2, 0.0, 0.3, 0.2,
                            0.0, 0.2, -0.1, -0.2, 0.1, 0.7])
# Officers' view of the municipality's influence (1–5): schools, planning, infrastructure,
# climate plans and partnerships are in its hands; poverty, hunger, peace less so.
_INFLUENCE_MU = np.array([2.6, 1.8, 3.3, 4.6, 3.0, 3.7, 3.2, 3.0, 4.0, 2.9, 4.7, 3.4, 4.1,
                          2.4, 3.1, 2.5, 4.0])
_WORKSHOP_GROUPS = ("frivillige organisasjoner", "næringsliv", "ungdom", "lag og foreninger")


def _goal_index(subject: str) -> int:
    return int(subject.split(".")[0]) - 1


def _rating(rng: np.random.Generator, mu: np.ndarray, sd: float) -> np.ndarray:
    """Integer rating 1–5 around ``mu`` with normal noise."""
    return np.clip(np.rint(mu + rng.normal(0.0, sd, size=np.shape(mu))), 1, 5)


def _frame(source: str, kind: str, respondent: np.ndarray, subject: np.ndarray, axis: str,
           value: np.ndarray, **attrs: object) -> pd.DataFrame:
    out = pd.DataFrame({"source": source, "source_kind": kind, "respondent": respondent,
                        "subject": subject, "axis": axis, "value": value,
                        "scale_min": 1.0, "scale_max": 5.0})
    for key in ("weight", "group", "district", "age_band"):
        out[key] = attrs.get(key, 1.0 if key == "weight" else None)
    return out


def citizen_survey(rng: np.random.Generator, n: int = 1200, missing: float = 0.03
                   ) -> pd.DataFrame:
    """Residents rate the priority of the 17 goals (1–5), with design weights.

    Weight of a respondent = population share / sample share of the district × age
    cell, normalised to mean 1 (post-stratification; mild, ≈ 0.5–1.6). Hurum residents
    care more for life below water (14) and on land (15), the young for climate (13),
    the old for health (3). About ``missing`` of the answers are left blank.
    """
    district = rng.choice(3, size=n, p=_SAMPLE_SHARE)
    age = rng.choice(4, size=n, p=_AGE_SAMPLE)
    weight = (_POP_SHARE[district] / _SAMPLE_SHARE[district]) * (_AGE_POP[age] / _AGE_SAMPLE[age])
    weight = weight / weight.mean()
    mu = np.tile(_SURVEY_MU, (n, 1)) + rng.normal(0.0, 0.45, size=(n, 1))  # tendency
    mu[district == 2, 13] += 0.5
    mu[district == 2, 14] += 0.3
    mu[age == 0, 12] += 0.4
    mu[age == 3, 2] += 0.4
    values = _rating(rng, mu, 0.9)
    answered = rng.random(values.shape) >= missing
    resp_i, goal_i = np.nonzero(answered)
    ids = np.array([f"S{i + 1:04d}" for i in range(n)])
    return _frame("Innbyggerundersøkelse 2018", "survey", ids[resp_i],
                  np.array(GOALS)[goal_i], "priority", values[resp_i, goal_i],
                  weight=weight[resp_i], group="innbygger",
                  district=np.array(DISTRICTS)[district[resp_i]],
                  age_band=np.array(AGE_BANDS)[age[resp_i]])


def workshop(rng: np.random.Generator, number: int, n: int, district: str) -> pd.DataFrame:
    """One civil-society workshop: participants rate the 17 goals' priority (1–5)."""
    shift = _WORKSHOP_SHIFT + rng.normal(0.0, 0.25, size=17)  # this room's own mood
    mu = np.tile(_SURVEY_MU + shift, (n, 1)) + rng.normal(0.0, 0.35, size=(n, 1))
    values = _rating(rng, mu, 0.8)
    ids = np.array([f"W{number}-{i + 1:02d}" for i in range(n)])
    groups = rng.choice(_WORKSHOP_GROUPS, size=n)
    resp_i, goal_i = np.indices(values.shape).reshape(2, -1)
    return _frame(f"Workshop sivilsamfunn {number}", "workshop", ids[resp_i],
                  np.array(GOALS)[goal_i], "priority", values[resp_i, goal_i],
                  group=groups[resp_i], district=district)


def target_influence_mu(rng: np.random.Generator, targets: list[str]) -> np.ndarray:
    """Prior influence per target: its goal's, less for means-of-implementation targets
    (lettered: finance, national policy, aid), plus a target-specific deviation."""
    base = np.array([_INFLUENCE_MU[_goal_index(t)] for t in targets])
    lettered = np.array([t.split(".")[1].isalpha() for t in targets])
    return base - 0.6 * lettered + rng.normal(0.0, 0.5, size=len(targets))


def administration(rng: np.random.Generator, targets: list[str], n_officers: int = 9
                   ) -> pd.DataFrame:
    """The administration's influence assessment (1–5) of every goal and target.

    Made by the leader group (``n_officers`` officers), each rating every subject.
    """
    subjects = np.array([*GOALS, *targets])
    mu = np.concatenate([_INFLUENCE_MU, target_influence_mu(rng, targets)])
    mu = np.tile(mu, (n_officers, 1)) + rng.normal(0.0, 0.3, size=(n_officers, 1))
    values = _rating(rng, mu, 0.6)
    ids = np.array([f"A{i + 1:02d}" for i in range(n_officers)])
    resp_i, subj_i = np.indices(values.shape).reshape(2, -1)
    return _frame("Administrasjonens vurdering", "administration", ids[resp_i],
                  subjects[subj_i], "influence", values[resp_i, subj_i],
                  group="administrasjon")


def goal11_workshop(rng: np.random.Generator, targets: list[str], n: int = 22
                    ) -> pd.DataFrame:
    """A workshop on sustainable cities: participants rate the targets of goal 11."""
    t11 = np.array([t for t in targets if t.split(".")[0] == "11"])
    if len(t11) == 0:
        return _frame("Workshop delmål 11", "workshop", np.array([], dtype=object),
                      np.array([], dtype=object), "priority", np.array([]))
    mu = 3.6 + rng.normal(0.0, 0.6, size=len(t11))
    mu = np.tile(mu, (n, 1)) + rng.normal(0.0, 0.35, size=(n, 1))
    values = _rating(rng, mu, 0.8)
    ids = np.array([f"W11-{i + 1:02d}" for i in range(n)])
    resp_i, subj_i = np.indices(values.shape).reshape(2, -1)
    return _frame("Workshop delmål 11", "workshop", ids[resp_i], t11[subj_i], "priority",
                  values[resp_i, subj_i], group=rng.choice(_WORKSHOP_GROUPS, size=n)[resp_i],
                  district="Asker")


def demo_ratings(seed: int = 2018, targets: Iterable[str] | None = None) -> pd.DataFrame:
    """All demo ratings in the :func:`sdg.materiality.aggregate` input form.

    Parameters
    ----------
    seed : int
        Seed of the generator; the same seed gives the same frame.
    targets : iterable of str, optional
        Target codes (``"11.2"``, ``"14.a"``), passed in by the app from its catalogue.
        Without them the administration rates the goals only and the goal-11 workshop
        is left out.

    Returns
    -------
    DataFrame
        source, source_kind, respondent, subject, axis, value, scale_min, scale_max,
        weight, group, district, age_band.

    Examples
    --------
    >>> d = demo_ratings(targets=["11.1", "11.2"])
    >>> sorted(d["source_kind"].unique()), bool(d["value"].between(1, 5).all())
    (['administration', 'survey', 'workshop'], True)
    """
    rng = np.random.default_rng(seed)
    target_list = [str(t) for t in targets] if targets is not None else []
    sizes = rng.integers(15, 31, size=4)
    places = ("Asker", "Røyken", "Hurum", "Asker")
    parts = [citizen_survey(rng)]
    parts += [workshop(rng, i + 1, int(sizes[i]), places[i]) for i in range(4)]
    parts.append(administration(rng, target_list))
    if target_list:
        parts.append(goal11_workshop(rng, target_list))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True)
