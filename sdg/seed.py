"""Load the text seed files under ``data/seed/`` into an empty database.

The seed holds the SDG catalogue, the municipalities and their changes, the KS
indicator catalogue, our indicator definitions with real figures (population,
grunnskolepoeng), the seven goal areas, new Asker's local commitments and focus goals.
Everything is loaded in one transaction; the figures come in as import batch "seed".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sdg.auth import SYSTEM
from sdg.store import Store

SEED_DIR = Path(__file__).resolve().parents[1] / "data" / "seed"
SEED_ACTOR = "system"


def _read(seed_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(seed_dir / name, dtype=str, keep_default_na=False, na_values=[""])


def _split_pipe(df: pd.DataFrame, key: str, col: str, out: str) -> pd.DataFrame:
    """One row per element of a ``"a|b"`` column."""
    long = df[[key, col]].dropna().assign(**{col: lambda d: d[col].str.split("|")})
    return long.explode(col).rename(columns={col: out}).reset_index(drop=True)


def seed_frames(seed_dir: Path = SEED_DIR) -> dict[str, pd.DataFrame]:
    """Read every seed file into frames shaped like their tables."""
    goals = _read(seed_dir, "goals.csv").astype({"goal": int})
    targets = _read(seed_dir, "targets.csv").astype({"goal": int, "sort": int})
    ks = _read(seed_dir, "ks_catalogue.csv")
    ks_t = _split_pipe(ks, "id", "targets", "target")
    ks_t = ks_t[ks_t["target"].isin(targets["target"])].drop_duplicates()
    ind = _read(seed_dir, "indicators.csv")
    ind_t = _split_pipe(ind, "id", "targets", "target").rename(columns={"id": "indicator"})
    ind = ind.drop(columns="targets").astype({"direction": int, "decimals": int})
    ind["is_demo"] = ind["is_demo"].eq("true")
    muni = _read(seed_dir, "municipalities.csv").astype(
        {"valid_from": int, "valid_to": "Int64", "population": "Int64", "area_km2": float})
    obs = _read(seed_dir, "observations.csv").astype({"year": int, "value": float})
    fd = _read(seed_dir, "focus_decisions.csv")
    fd["goals"] = fd["goals"].str.split("|").map(lambda gs: [int(g) for g in gs])
    return {
        "dimension": _read(seed_dir, "dimensions.csv").astype({"sort": int}),
        "goal": goals,
        "target": targets,
        "un_indicator": _read(seed_dir, "un_indicators.csv"),
        "ks_indicator": ks.drop(columns=["targets", "sdg_goal"]),
        "ks_indicator_target": ks_t,
        "municipality": muni,
        "municipality_change": _read(seed_dir, "municipality_changes.csv").astype({"year": int}),
        "indicator": ind,
        "indicator_target": ind_t,
        "observation": obs,
        "goal_area": _read(seed_dir, "goal_areas.csv").astype({"sort": int}),
        "local_goal": _read(seed_dir, "local_goals.csv").astype({"goal": int, "sort": int}),
        "focus_decision": fd,
    }


def _insert(cur, table: str, frame: pd.DataFrame) -> None:
    cur.register("seed_frame", frame)
    cols = ", ".join(frame.columns)
    cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM seed_frame")  # noqa: S608 (names from our own seed files)
    cur.unregister("seed_frame")


def load_seed(store: Store, seed_dir: Path = SEED_DIR) -> dict[str, int]:
    """Load all seed files into ``store`` in one transaction; return rows per table."""
    frames = seed_frames(seed_dir)
    obs = frames.pop("observation")
    with store.transaction() as cur:
        for table, frame in frames.items():
            if table == "focus_decision":
                # the council's real adoption (issue 12: adopted, with its date)
                frame = frame.assign(actor=SEED_ACTOR, state="adopted",
                                     meeting_date=frame["decided_on"],
                                     proposed_goals=frame["goals"], adopted_by=SEED_ACTOR)
            _insert(cur, table, frame)
        batch = cur.execute(
            "INSERT INTO import_batch (file_name, layout, actor, rows_total)"
            " VALUES ($f, $l, $a, $n) RETURNING id",
            {"f": "data/seed/observations.csv", "l": "seed", "a": SEED_ACTOR, "n": len(obs)},
        ).fetchone()[0]
        _insert(cur, "observation", obs.assign(batch_id=batch))
        cur.execute(
            "INSERT INTO decision_event (decision_id, actor, role, action, state, goals, detail)"
            " SELECT id, actor, 'admin', 'adopt', state, goals, '{\"note\": \"seed\"}'"
            " FROM focus_decision")
    counts = {t: len(f) for t, f in frames.items()} | {"observation": len(obs)}
    counts["nynorsk"] = load_nynorsk(store, seed_dir)
    counts["demo_rating"] = store.load_demo_ratings(SYSTEM, municipality="3203")
    return counts | load_demo_benefits(store, seed_dir)


# ------------------------------------------------------------------ nynorsk
#: The catalogue's nynorsk, written by the project (like targets_nb.csv): file, table,
#: key column, the nn columns it fills.
NYNORSK_FILES = (
    ("dimensions_nn.csv", "dimension", "dimension", ("name_nn", "description_nn")),
    ("goals_nn.csv", "goal", "goal", ("short_nn", "title_nn")),
    ("targets_nn.csv", "target", "target", ("title_nn",)),
    ("goal_areas_nn.csv", "goal_area", "code", ("name_nn", "description_nn")),
)


def load_nynorsk(store: Store, seed_dir: Path = SEED_DIR) -> int:
    """Write the nynorsk names and texts of the catalogue (``*_nn.csv``) into their
    tables' ``_nn`` columns, in one transaction; returns the rows updated.

    Idempotent: run on every new database by :func:`load_seed`, and by
    :func:`sdg.store.open_store` on a database made before nynorsk existed (its nn
    columns empty). A key in a file that the table lacks is an error (a typo would
    otherwise leave a text silently in bokmål).
    """
    updated = 0
    with store.transaction() as cur:
        for name, table, key, columns in NYNORSK_FILES:
            frame = _read(seed_dir, name)
            keys = {str(k) for (k,) in cur.execute(f"SELECT {key} FROM {table}").fetchall()}  # noqa: S608 (fixed names)
            unknown = sorted(set(frame[key]) - keys)
            if unknown:
                raise ValueError(f"{name}: no {table} {', '.join(unknown)}")
            cur.register("nn_frame", frame)
            sets = ", ".join(f"{c} = n.{c}" for c in columns)
            cast = "CAST(n.goal AS INTEGER)" if key == "goal" else f"n.{key}"
            cur.execute(f"UPDATE {table} SET {sets} FROM nn_frame n"  # noqa: S608 (fixed names)
                        f" WHERE {table}.{key} = {cast}")
            cur.unregister("nn_frame")
            updated += len(frame)
    return updated


# ------------------------------------------------------------ demo benefits plan
def load_demo_benefits(store: Store, seed_dir: Path = SEED_DIR) -> dict[str, int]:
    """Load the demo benefits plan of Asker 3203 in one transaction.

    ``demo_indicators.csv`` and ``demo_observations.csv`` add demo indicators (all
    ``is_demo``) with made-up figures for 3203 (2015–2024, today's borders) and its
    predecessors 0220, 0627, 0628 (2015–2019), in an import batch marked demo;
    ``benefits.csv`` adds about a dozen benefit records (``is_demo``) over the seven
    goal areas, each with its SDG targets and a first change-log entry. Files that are
    absent are skipped. Returns rows per table.
    """
    import json

    from sdg.benefits import history_record, normalise, parse_targets

    counts: dict[str, int] = {}
    with store.transaction() as cur:
        if (seed_dir / "demo_indicators.csv").exists():
            ind = _read(seed_dir, "demo_indicators.csv")
            ind_t = _split_pipe(ind, "id", "targets", "target").rename(columns={"id": "indicator"})
            ind = ind.drop(columns="targets").astype({"direction": int, "decimals": int})
            ind["is_demo"] = ind["is_demo"].eq("true")
            _insert(cur, "indicator", ind)
            _insert(cur, "indicator_target", ind_t)
            counts |= {"demo_indicator": len(ind), "demo_indicator_target": len(ind_t)}
        if (seed_dir / "demo_observations.csv").exists():
            obs = _read(seed_dir, "demo_observations.csv").astype({"year": int, "value": float})
            batch = cur.execute(
                "INSERT INTO import_batch (file_name, layout, actor, rows_total, is_demo)"
                " VALUES ($f, $l, $a, $n, true) RETURNING id",
                {"f": "data/seed/demo_observations.csv", "l": "seed", "a": SEED_ACTOR,
                 "n": len(obs)},
            ).fetchone()[0]
            _insert(cur, "observation", obs.assign(batch_id=batch))
            counts["demo_observation"] = len(obs)
        if (seed_dir / "benefits.csv").exists():
            raw = _read(seed_dir, "benefits.csv")
            raw["disbenefit"] = raw["disbenefit"].eq("true")
            records = normalise(raw).assign(is_demo=True, municipality=raw["municipality"])
            fields = [c for c in records.columns if c not in ("id", "targets")]
            insert = (f"INSERT INTO benefit ({', '.join(fields)}, updated_by)"  # noqa: S608 (names from sdg.benefits.FIELDS)
                      f" VALUES ({', '.join('$' + f for f in fields)}, $actor) RETURNING id")
            for rec in records.to_dict("records"):
                new_id = cur.execute(
                    insert, {f: rec[f] for f in fields} | {"actor": SEED_ACTOR}).fetchone()[0]
                for code in parse_targets(rec["targets"]):
                    cur.execute("INSERT INTO benefit_target VALUES ($id, $t)",
                                {"id": new_id, "t": code})
                record = history_record({k: rec[k] for k in rec if k != "municipality"})
                cur.execute(
                    "INSERT INTO benefit_history (benefit_id, changed_by, record, action)"
                    " VALUES ($id, $a, $r, 'insert')",
                    {"id": new_id, "a": SEED_ACTOR,
                     "r": json.dumps(record | {"id": new_id}, ensure_ascii=False)},
                )
            counts["benefit"] = len(records)
    return counts
