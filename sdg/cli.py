"""Command line: ``python -m sdg init|info|build-seed|import``.

The database is ``$SDG_DB`` (default ``data/sdg.duckdb``). Messages go to stdout,
problems to stderr with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sdg.errors import SdgError
from sdg.store import db_path, open_store


def _init(args: argparse.Namespace) -> int:
    path = db_path()
    store = open_store(path)
    print(f"{path}: schema version {store.schema_version()}")
    store.close()
    return 0


def _info(args: argparse.Namespace) -> int:
    path = db_path()
    store = open_store(path)
    print(f"database: {path}")
    print(f"schema version: {store.schema_version()}")
    for table, n in store.counts().items():
        print(f"{table:22s} {n:>9,d}".replace(",", " "))
    store.close()
    return 0


def _build_seed(args: argparse.Namespace) -> int:
    from sdg.seedbuild import SEED_DIR, build

    counts = build(Path(args.source), Path(args.out or SEED_DIR))
    for name, n in counts.items():
        print(f"{name:28s} {n:>7d}")
    return 0


def _import(args: argparse.Namespace) -> int:
    """Import one indicator file; print a one-line summary or the problem table."""
    from sdg.i18n import t
    from sdg.importer import import_file

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{path}: {exc.strerror}", file=sys.stderr)
        return 2
    store = open_store(db_path())
    try:
        plan, batch = import_file(store, data, path.name, actor=args.actor, sheet=args.sheet,
                                  indicator=args.indicator, dry_run=args.dry_run)
    finally:
        store.close()
    if not plan.problems.empty:
        print(t("importer.cli.problems", file=path.name, n=len(plan.problems)), file=sys.stderr)
        table = plan.problems[["sheet", "row", "column", "value", "reason"]]
        print(table.to_string(index=False), file=sys.stderr)
        return 1
    detail = ", ".join(f"{r.indicator}: {r.rows}" for r in plan.summary().itertuples())
    if batch is None:
        print(t("importer.cli.dry_run", file=path.name, rows=len(plan.rows), detail=detail))
    else:
        print(t("importer.cli.imported", file=path.name, rows=len(plan.rows), batch=batch,
                detail=detail))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sdg", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="create or upgrade the database (and seed an empty one)"
                   ).set_defaults(func=_init)
    sub.add_parser("info", help="report the schema version and row counts").set_defaults(
        func=_info)
    b = sub.add_parser("build-seed", help="rebuild data/seed/ from the reference data")
    b.add_argument("--source", default="../shared/data", help="the reference data folder")
    b.add_argument("--out", help="output folder (default data/seed)")
    b.set_defaults(func=_build_seed)
    i = sub.add_parser("import", help="import an indicator file (xlsx, xls, csv, JSON-stat)")
    i.add_argument("file", help="the file to import")
    i.add_argument("--sheet", help="read only this sheet")
    i.add_argument("--indicator", help="existing indicator id for every series in the file")
    i.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    i.add_argument("--actor", default="cli", help="who imports (for the history)")
    i.set_defaults(func=_import)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SdgError as err:
        print(err.message("nb"), file=sys.stderr)
        return 2
