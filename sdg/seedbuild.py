"""Build the project's own seed tables under ``data/seed/`` from the reference data.

The reference folder (``../shared/data`` in development) is not shipped: this script
takes the facts and figures the app needs (codes, names, colours, numbers) and writes
small UTF-8 CSV files that the app loads into DuckDB on first run
(:func:`sdg.seed.load_seed`). Run it as::

    python -m sdg build-seed --source ../shared/data

Hand-written project texts (the clear bokmål target texts in ``targets_nb.csv``, the
indicator definitions, goal areas and local commitments in ``*.csv`` marked "authored"
in :data:`AUTHORED`) are inputs here and are never overwritten.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd

SEED_DIR = Path(__file__).resolve().parents[1] / "data" / "seed"

#: Seed files written by hand by the project team; the builder reads, never writes them.
AUTHORED = ("targets_nb.csv", "indicators.csv", "goal_areas.csv", "local_goals.csv",
            "dimensions.csv", "focus_decisions.csv", "ssb_library.csv",
            "goals_nn.csv", "targets_nn.csv", "dimensions_nn.csv", "goal_areas_nn.csv")

#: The "wedding cake" grouping (Stockholm Resilience Centre) of the presentation's three
#: dimensions: environment (biosphere), social (society), economy; 17 is the partnership.
GOAL_DIMENSION = {
    **dict.fromkeys((6, 13, 14, 15), "environment"),
    **dict.fromkeys((1, 2, 3, 4, 5, 7, 11, 16), "social"),
    **dict.fromkeys((8, 9, 10, 12), "economy"),
    17: "partnership",
}

#: Counties before the 2020 reform (codes of the municipalities that existed then).
OLD_COUNTIES = {
    "01": "Østfold", "02": "Akershus", "03": "Oslo", "04": "Hedmark", "05": "Oppland",
    "06": "Buskerud", "07": "Vestfold", "08": "Telemark", "09": "Aust-Agder",
    "10": "Vest-Agder", "11": "Rogaland", "12": "Hordaland", "14": "Sogn og Fjordane",
    "15": "Møre og Romsdal", "16": "Sør-Trøndelag", "17": "Nord-Trøndelag",
    "18": "Nordland", "19": "Troms", "20": "Finnmark", "50": "Trøndelag",
}

_LABEL = re.compile(r"^\s*(\d{4})\s*-\s*(.+?)\s*$")


def _write(df: pd.DataFrame, name: str, out: Path) -> None:
    df.to_csv(out / name, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def build_goals(src: Path) -> pd.DataFrame:
    """Goals with short and full names (nb, en), UN colour and dimension."""
    g = pd.read_csv(src / "sdg" / "sdg_goals.csv", dtype=str)
    return pd.DataFrame({
        "goal": g["goal"].astype(int),
        "short_nb": g["short_nb_fn"],
        "short_en": g["short_en"],
        "title_nb": g["title_nb"],
        "title_en": g["title_en"],
        "colour": g["colour_hex"].str.upper(),
        "dimension": g["goal"].astype(int).map(GOAL_DIMENSION),
    })


def _target_sort(code: str) -> int:
    goal, part = code.split(".")
    return int(goal) * 1000 + (int(part) if part.isdigit() else 100 + ord(part) - ord("a"))


def build_targets(src: Path, out: Path) -> pd.DataFrame:
    """The 169 targets: UN English wording and the project's own clear bokmål."""
    t = pd.read_csv(src / "sdg" / "sdg_targets.csv", dtype=str)
    nb = pd.read_csv(out / "targets_nb.csv", dtype=str)
    t = t.drop(columns="title_nb").merge(nb, on="target", how="left", validate="1:1")
    if t["title_nb"].isna().any():
        missing = ", ".join(t.loc[t["title_nb"].isna(), "target"])
        raise ValueError(f"targets_nb.csv lacks a bokmål text for {missing}")
    t["sort"] = t["target"].map(_target_sort)
    return t[["target", "goal", "sort", "title_nb", "title_en"]]


def build_un_indicators(src: Path) -> pd.DataFrame:
    """The UN global indicator list (2025 framework); repeats keep ``repeat_of``."""
    i = pd.read_csv(src / "sdg" / "sdg_indicators.csv", dtype=str)
    return i[["indicator", "target", "unsd_code", "repeat_of", "title_en"]]


def _parse_label(label: str) -> tuple[str, str]:
    m = _LABEL.match(label)
    if not m:
        raise ValueError(f"unexpected municipality label {label!r}")
    return m.group(1), m.group(2)


def _change_kinds(pairs: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """Classify predecessor → successor pairs as merger, split or renumbering."""
    succ_of: dict[str, set[str]] = defaultdict(set)
    pred_of: dict[str, set[str]] = defaultdict(set)
    for p, s in pairs:
        succ_of[p].add(s)
        pred_of[s].add(p)
    rows = []
    for p, s in pairs:
        if len(succ_of[p]) > 1:
            kind = "split"
        elif len(pred_of[s]) > 1:
            kind = "merger"
        else:
            kind = "renumbering"
        rows.append((p, s, kind))
    return rows


def _display_names(df: pd.DataFrame) -> pd.Series:
    """Norwegian name first, with the Sami or Kven name where it differs.

    >>> _display_names(pd.DataFrame({"kommunenavn": ["Asker", "Aarborte"],
    ...                              "kommunenavn_norsk": ["Asker", "Hattfjelldal"]})).tolist()
    ['Asker', 'Hattfjelldal – Aarborte']
    """
    same = df["kommunenavn"] == df["kommunenavn_norsk"]
    return df["kommunenavn_norsk"].where(same, df["kommunenavn_norsk"] + " – " + df["kommunenavn"])


def build_municipalities(src: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All municipalities 2013–2024 with validity years, and their changes.

    Sources: SSB classification 131 code lists (2013, 2017, 2018, 2019, 2020), SSB's
    change lists between them, the 2020–2023 list, the 2024 list and the 2020→2024
    crosswalk. A code's validity runs from its first to its last year in the lists
    (2013 stands for "2013 or earlier"; the 2014–2016 lists did not change codes).
    """
    klass = src / "municipalities" / "ssb_klass"
    seen: dict[str, dict[int, str]] = defaultdict(dict)
    for year in (2013, 2017, 2018, 2019):
        df = pd.read_csv(klass / f"ssb_kommunekoder_{year}.csv", sep=";", dtype=str,
                         encoding="latin-1")
        for code, name in zip(df["code"], df["name"], strict=True):
            if code == "9999":
                continue  # "Uoppgitt" (unknown municipality)
            seen[code][year] = name
    k2020 = pd.read_csv(src / "municipalities" / "kommuner_2020_2023.csv", dtype=str)
    k2024 = pd.read_csv(src / "municipalities" / "kommuner_2024.csv", dtype=str)
    for code, name in zip(k2020["kommunenummer"], _display_names(k2020), strict=True):
        for year in (2020, 2023):
            seen[code][year] = name
    for code, name in zip(k2024["kommunenummer"], _display_names(k2024), strict=True):
        seen[code][2024] = name

    county = {}
    for df, code_col in ((k2020, "kommunenummer"), (k2024, "kommunenummer")):
        for _, r in df.iterrows():
            county[r[code_col]] = (r["fylkesnummer"], r["fylkesnavn"])
    info = k2024.set_index("kommunenummer")

    rows = []
    for code, years in sorted(seen.items()):
        first, last = min(years), max(years)
        fc, fn = county.get(code, (code[:2], OLD_COUNTIES.get(code[:2])))
        current = 2024 in years
        rows.append({
            "code": code,
            "name": years[last],
            "county_code": fc,
            "county_name": fn,
            "valid_from": first,
            "valid_to": None if current else (2016 if last == 2013 else last),
            "population": int(info.at[code, "folketall"]) if current else None,
            "area_km2": float(info.at[code, "areal_km2"]) if current else None,
            "admin_centre": info.at[code, "adm_senter"] if current else None,
        })
    muni = pd.DataFrame(rows)
    muni["valid_to"] = muni["valid_to"].astype("Int64")
    muni["population"] = muni["population"].astype("Int64")

    changes: list[tuple[str, str, int, str]] = []
    for fname, year in (("kommuner_med_endringer_fra2013_til2017.csv", 2017),
                        ("kommuner_med_endringer_fra2017_til2018.csv", 2018),
                        ("kommuner_med_endringer_fra2018_til2019.csv", 2019),
                        ("kommuner_med_endringer_fra2019_til2020.csv", 2020)):
        df = pd.read_csv(klass / fname, sep=";", dtype=str, encoding="latin-1")
        pairs = [(_parse_label(a)[0], _parse_label(b)[0])
                 for a, b in zip(df.iloc[:, 0], df.iloc[:, 1], strict=True)]
        # Same code on both sides is a change of name only, unless the municipality
        # also absorbed another (then it is one of its own predecessors).
        grown = {s for p, s in pairs if p != s}
        pairs = [(p, s) for p, s in pairs if p != s or s in grown]
        changes += [(p, s, year, kind) for p, s, kind in _change_kinds(pairs)]
    cw = pd.read_csv(src / "municipalities" / "kommuner_crosswalk_2020_2024.csv", dtype=str)
    pairs = [(a, b) for a, b in zip(cw["kommunenummer_2020_2023"], cw["kommunenummer_2024"],
                                    strict=True) if a != b]
    changes += [(p, s, 2024, kind) for p, s, kind in _change_kinds(pairs)]
    ch = pd.DataFrame(changes, columns=["predecessor", "successor", "year", "kind"])
    return muni, ch.drop_duplicates().sort_values(["year", "successor", "predecessor"])


def build_ks_catalogue(src: Path) -> pd.DataFrame:
    """The KS indicator catalogue: id, scheme, title, SDG targets ("15.1|15.4")."""
    ks = pd.read_csv(src / "catalogue" / "ks_indicator_catalogue.csv", dtype=str)
    ks["title"] = ks["title"].str.strip()
    ks["targets"] = ks["sdg_target"].fillna("")
    return ks[["id", "scheme", "title", "sdg_goal", "targets", "periodicity", "source_url"]]


def build_observations(src: Path, known: set[str]) -> pd.DataFrame:
    """Real figures: population (SSB 07459, 2024 borders) and grunnskolepoeng (Udir).

    Population and the share aged 67+ are published on 2024 borders for every year, so
    new Asker (3203) has its own 2019 value. Grunnskolepoeng is published on the borders
    of each year: 0220, 0627 and 0628 to 2018-19, 3025 after; the school year 2018-19 is
    stored as year 2019 (the year it ends). Suppressed figures keep Udir's ``*``.
    Rows for codes that are not municipalities (2100 Svalbard, listed twice) are left out.
    """
    pop = pd.read_csv(src / "indicators" / "population_by_municipality_2005_2026_b2024.csv",
                      dtype={"kommunenummer": str})
    frames = [
        pd.DataFrame({"municipality": pop["kommunenummer"], "indicator": "befolkning",
                      "year": pop["year"], "value": pop["pop_total"].astype(float),
                      "status_symbol": None, "note": None}),
        pd.DataFrame({"municipality": pop["kommunenummer"], "indicator": "andel_67_pluss",
                      "year": pop["year"], "value": pop["share_67_plus_pct"],
                      "status_symbol": None, "note": None}),
    ]
    gs = pd.read_csv(src / "indicators" / "udir" / "grunnskolepoeng_kommuner_2016-2021_long.csv",
                     dtype=str)
    gs = gs[gs["kommunekode"].isin(known)]
    suppressed = gs["prikket"].eq("True")
    note = gs["brudd_grunnskolepoeng"].where(gs["brudd_grunnskolepoeng"].notna(), None)
    for ind, col in (("grunnskolepoeng", "grunnskolepoeng"), ("elever_10_trinn", "antall_elever")):
        frames.append(pd.DataFrame({
            "municipality": gs["kommunekode"], "indicator": ind,
            "year": gs["aar_slutt"].astype(int),
            "value": pd.to_numeric(gs[col].where(~suppressed), errors="raise"),
            "status_symbol": suppressed.map({True: "*", False: None}),
            "note": note if ind == "grunnskolepoeng" else None,
        }))
    obs = pd.concat(frames, ignore_index=True)
    return obs.sort_values(["indicator", "municipality", "year"], kind="stable")


def build(src: Path, out: Path = SEED_DIR) -> dict[str, int]:
    """Write every generated seed file; return the row count of each."""
    out.mkdir(parents=True, exist_ok=True)
    muni, changes = build_municipalities(src)
    tables = {
        "goals.csv": build_goals(src),
        "targets.csv": build_targets(src, out),
        "un_indicators.csv": build_un_indicators(src),
        "municipalities.csv": muni,
        "municipality_changes.csv": changes,
        "ks_catalogue.csv": build_ks_catalogue(src),
        "observations.csv": build_observations(src, set(muni["code"])),
    }
    for name, df in tables.items():
        _write(df, name, out)
    (out / "SOURCES.json").write_text(json.dumps({
        "generated_by": "python -m sdg build-seed",
        "sources": {
            "goals.csv, targets.csv (title_en), un_indicators.csv":
                "UN Statistics Division, global indicator framework (2025 review)",
            "targets.csv (title_nb)": "the project's own bokmål (targets_nb.csv)",
            "municipalities.csv, municipality_changes.csv":
                "SSB classification 131 (Klass), code lists and change lists 2013–2024",
            "ks_catalogue.csv": "KS SDG indicator taxonomy (incl. De norske målepunktene)",
            "observations.csv": "SSB table 07459 (population, 2024 borders); "
                                "Udir grunnskolepoeng 2015-16 … 2020-21. NLOD 2.0",
        },
    }, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return {name: len(df) for name, df in tables.items()}
