"""The store: migrations, parameterised SQL, catalogue counts, the Asker merger chain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg.errors import NotFound
from sdg.store import MIGRATIONS_DIR, Store, migrations, open_store

SDG_DIR = Path(__file__).resolve().parents[1] / "sdg"


def test_migrations_on_an_empty_database(tmp_path):
    s = Store(tmp_path / "empty.duckdb")
    assert s.schema_version() == 0
    applied = s.migrate()
    assert applied == [m.name for m in migrations()]
    assert s.schema_version() == migrations()[-1].version
    assert s.migrate() == []  # nothing twice
    recorded = s.df("SELECT version, name FROM schema_migration ORDER BY version")
    assert recorded["name"].tolist() == applied


def test_an_old_database_is_upgraded_and_keeps_its_data(tmp_path):
    # An "old" database: only the first migration applied, with data in it.
    old_dir = tmp_path / "old"
    old_dir.mkdir()
    first = migrations()[0]
    (old_dir / f"{first.name}.sql").write_text(first.sql)
    path = tmp_path / "old.duckdb"
    s = Store(path)
    s.migrate(old_dir)
    with s.transaction() as cur:
        cur.execute("INSERT INTO setting VALUES ($k, $v)", {"k": "x", "v": '{"a": 1}'})
    s.close()
    # A newer release adds a migration: opening upgrades it.
    new_dir = tmp_path / "new"
    new_dir.mkdir()
    for m in migrations():
        (new_dir / f"{m.name}.sql").write_text(m.sql)
    (new_dir / "9999_test_addition.sql").write_text(
        "CREATE TABLE test_addition (id INTEGER); ALTER TABLE setting ADD COLUMN note VARCHAR;")
    s = Store(path)
    assert s.migrate(new_dir)[-1] == "9999_test_addition"
    assert s.schema_version() == 9999
    assert s.scalar("SELECT value->>'a' FROM setting WHERE key = $k", {"k": "x"}) == "1"
    s.close()


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path):
    d = tmp_path / "m"
    d.mkdir()
    for m in migrations():
        (d / f"{m.name}.sql").write_text(m.sql)
    (d / "9000_broken.sql").write_text("CREATE TABLE half (id INTEGER); SELECT * FROM nowhere;")
    s = Store(tmp_path / "b.duckdb")
    with pytest.raises(Exception, match="nowhere"):
        s.migrate(d)
    assert s.schema_version() == migrations()[-1].version
    assert s.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'") == 0


def test_migration_files_are_numbered_plain_sql():
    names = sorted(p.name for p in MIGRATIONS_DIR.glob("*.sql"))
    assert names[0] == "0001_init.sql"
    assert [m.version for m in migrations()] == sorted({m.version for m in migrations()})


def test_catalogue_counts(store):
    c = store.counts()
    assert c["goal"] == 17
    assert c["target"] == 169
    assert c["un_indicator"] == 251  # 2025 framework: 235 unique + 16 repeats
    assert store.scalar("SELECT count(DISTINCT coalesce(repeat_of, indicator)) FROM un_indicator") == 235
    assert store.scalar("SELECT count(*) FROM un_indicator WHERE repeat_of IS NOT NULL") == 16
    assert c["ks_indicator"] == 2092
    assert store.scalar(
        "SELECT count(*) FROM ks_indicator WHERE scheme = $s", {"s": "De-norske-målepunktene"}
    ) == 459
    assert c["goal_area"] == 7
    assert store.scalar("SELECT count(*) FROM municipality WHERE valid_to IS NULL") == 357


def test_goals_have_un_colours_and_dimensions(store):
    g = store.goals().set_index("goal")
    assert g.at[11, "colour"] == "#FD9D24"
    assert g.at[13, "colour"] == "#3F7E44"
    assert g.at[17, "dimension"] == "partnership"
    assert set(g["dimension"]) == {"environment", "social", "economy", "partnership"}
    assert g.at[1, "short_nb"] == "Utrydde fattigdom"


def test_the_asker_merger_chain(store):
    ch = store.municipality_changes()
    into_3025 = ch[ch.successor == "3025"]
    assert sorted(into_3025.predecessor) == ["0220", "0627", "0628"]
    assert set(into_3025.kind) == {"merger"} and set(into_3025.year) == {2020}
    renum = ch[(ch.predecessor == "3025")]
    assert renum[["successor", "year", "kind"]].values.tolist() == [["3203", 2024, "renumbering"]]
    m = store.municipalities(current_only=False).set_index("code")
    assert m.at["0627", "name"] == "Røyken" and m.at["0627", "valid_to"] == 2019
    assert m.at["3025", "valid_from"] == 2020 and m.at["3025", "valid_to"] == 2023
    assert store.municipality("3203")["population"] == 98815


def test_the_alesund_haram_split_of_2024(store):
    ch = store.municipality_changes()
    split = ch[(ch.predecessor == "1507") & (ch.year == 2024)]
    assert sorted(split.successor) == ["1508", "1580"] and set(split.kind) == {"split"}


def test_focus_goals_and_commitments_of_asker(store):
    assert store.focus_goals("3203") == [4, 9, 11, 13, 17]
    lg = store.local_goals("3203")
    assert sorted(lg.goal.unique()) == [4, 9, 11, 13, 17]
    assert lg.groupby("goal").size().to_dict() == {4: 5, 9: 4, 11: 4, 13: 3, 17: 3}
    assert store.focus_goals("0301") == []


def test_observations_of_the_three_old_municipalities(store):
    gs = store.observations("grunnskolepoeng", ["0220", "0627", "0628"])
    y2019 = gs[gs.year == 2019].set_index("municipality")["value"].to_dict()
    assert y2019 == {"0220": 43.6, "0627": 42.5, "0628": 41.0}
    pupils = store.observations("elever_10_trinn", ["0220"])
    assert pupils.loc[pupils.year == 2019, "value"].item() == 751
    pop = store.observations("befolkning", ["3203"])
    assert pop.loc[pop.year == 2019, "value"].item() == 93679


def test_unknown_goal_and_municipality_raise_domain_errors(store):
    with pytest.raises(NotFound) as err:
        store.goal(99)
    assert "1 til 17" in err.value.message("nb")
    with pytest.raises(NotFound):
        store.municipality("9998")


def test_open_store_seeds_only_once(seeded_db, tmp_path):
    import shutil

    path = tmp_path / "again.duckdb"
    shutil.copy(seeded_db, path)
    s = open_store(path)
    assert s.counts()["goal"] == 17
    assert s.scalar("SELECT count(*) FROM import_batch WHERE NOT is_demo") == 1
    s.close()


# ------------------------------------------------------------- parameterised SQL
_SQL_CALLS = {"execute", "executemany", "sql", "query", "df", "scalar"}


def _formatted(node: ast.AST) -> bool:
    """True if the node builds a string from values (f-string, %, .format, +)."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format")


def test_every_query_in_sdg_is_parameterised():
    """No SQL in sdg/ is built by formatting values into strings.

    The only formatted statements allowed are the two that interpolate fixed table
    names of our own (row counts, seed loading); each is marked ``noqa: S608``.
    """
    offenders = []
    for path in SDG_DIR.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _SQL_CALLS and node.args
                    and _formatted(node.args[0])):
                if "noqa: S608" not in lines[node.lineno - 1]:
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab'\";-- )(*%_\\DROP TABLE goal")),
                    min_size=1, max_size=30))
def test_hostile_text_through_read_functions(seeded_db, text):
    s = Store(seeded_db)
    try:
        assert s.local_goals(text).empty
        assert s.focus_goals(text) == []
        assert s.observations(text).empty
        assert s.observations("befolkning", [text]).empty
        assert s.ks_indicators(scheme=text).empty
        with pytest.raises(NotFound):
            s.municipality(text)
        assert s.counts()["goal"] == 17
    finally:
        s.close()


def test_observation_summary_follows_renumberings_not_mergers(store):
    """3203's grunnskolepoeng are 3025's (renumbered 2024): 2020–2021; the three old
    municipalities merged into 3025 (0220, 0627, 0628, up to 2019) are not its own."""
    summary = store.observation_summary("3203").set_index("indicator")
    assert summary.loc["grunnskolepoeng", ["first_year", "last_year", "n"]].tolist() \
        == [2020, 2021, 2]
    assert store.observation_summary("0220").set_index("indicator").loc[
        "grunnskolepoeng", "last_year"] == 2019


# ------------------------------------------------------------------ nynorsk (issue 16)
def test_the_catalogue_has_nynorsk(store):
    goals = store.goals().set_index("goal")
    assert goals.at[6, "short_nn"] == "Reint vatn og gode sanitærforhold"
    assert goals.at[11, "short_nn"] == "Berekraftige byar og lokalsamfunn"
    assert goals["dimension_nn"].notna().all()
    targets = store.targets()
    assert targets["title_nn"].notna().all() and len(targets) == 169
    assert (targets["title_nn"] != targets["title_nb"]).mean() > 0.95
    assert store.goal_areas()["name_nn"].notna().all()
    # data without nynorsk reads as bokmål
    ind = store.indicators()
    assert (ind["name_nn"] == ind["name_nb"]).all()


def test_a_database_seeded_before_nynorsk_gets_it_on_open(store):
    from sdg.store import open_store

    path = store.path
    with store.transaction() as cur:
        cur.execute("UPDATE goal SET short_nn = NULL, title_nn = NULL")
        cur.execute("UPDATE target SET title_nn = NULL")
    store.close()
    again = open_store(path)
    try:
        assert again.scalar("SELECT count(*) FROM target WHERE title_nn IS NULL") == 0
        assert again.goal(2)["short_nn"] == "Utrydde svolt"
    finally:
        again.close()


def test_a_municipality_sets_its_default_language(store):
    from sdg.auth import Actor, PermissionDenied
    from sdg.errors import NotFound, SdgError

    admin, analyst = Actor("admin", "admin"), Actor("kari", "analyst")
    assert store.default_language("4601") is None
    store.set_default_language(admin, "4601", "nn")
    assert store.default_language("4601") == "nn"
    store.set_default_language(admin, "4601", "nb")
    assert store.default_language("4601") == "nb"
    with pytest.raises(PermissionDenied):
        store.set_default_language(analyst, "4601", "nn")
    with pytest.raises(SdgError):
        store.set_default_language(admin, "4601", "sv")
    with pytest.raises(NotFound):
        store.set_default_language(admin, "0220", "nn")  # merged into Asker in 2020
    log = store.audit_log(admin)
    assert (log["action"] == "municipality.language").sum() == 2
