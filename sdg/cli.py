"""Command line: ``python -m sdg init|info|build-seed|import|user``.

The database is ``$SDG_DB`` (default ``data/sdg.duckdb``). Messages go to stdout,
problems to stderr with a non-zero exit code.

Whoever runs the command line can open the database file itself, so it acts with the
``admin`` role (:func:`cli_actor`); the name it records is ``--actor`` or ``cli:<login>``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sdg.auth import ROLES, Actor
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


def cli_actor(name: str | None = None) -> Actor:
    """The actor of a command-line write: ``name`` or ``cli:<login>``, role admin."""
    return Actor(name or f"cli:{getpass.getuser()}", "admin")


def _user_add(args: argparse.Namespace) -> int:
    """Create a local account (password from the prompt or stdin) or an OIDC mapping."""
    password = None
    if not args.email or args.password_stdin:
        password = (sys.stdin.readline().rstrip("\n") if args.password_stdin
                    else getpass.getpass(f"Passord for {args.name}: "))
    store = open_store(db_path())
    try:
        store.add_user(cli_actor(), args.name, args.role, password=password, email=args.email)
    finally:
        store.close()
    print(f"{args.name}: {args.role}")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    store = open_store(db_path())
    try:
        print(store.users(cli_actor()).to_string(index=False))
    finally:
        store.close()
    return 0


def _import(args: argparse.Namespace) -> int:
    """Import one indicator file; print what happened to every row (the
    reconciliation), then a one-line summary or the problem table."""
    from sdg.i18n import t
    from sdg.importer import column_notes, import_file, reconcile, reconciliation_lines

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"{path}: {exc.strerror}", file=sys.stderr)
        return 2
    store = open_store(db_path())
    read: list = []
    try:
        plan, batch = import_file(store, data, path.name, actor=cli_actor(args.actor),
                                  sheet=args.sheet, indicator=args.indicator,
                                  dry_run=args.dry_run, year=args.year, partial=args.partial,
                                  read=read)
    except SdgError as err:
        print(err.message("nb"), file=sys.stderr)
        if read and len(read[0].result.read_rows) > 1 and args.sheet is None:
            print(t("importer.cli.sheet_hint", sheets=", ".join(read[0].result.read_rows)),
                  file=sys.stderr)
        return 2
    finally:
        store.close()
    fr = read[0]
    for line in reconciliation_lines(reconcile(fr, plan)) + column_notes(fr):
        print(line)
    for e in fr.result.explanations:
        print(e.message("nb"))
    if not plan.problems.empty:
        print(t("importer.cli.problems", file=path.name, n=len(plan.problems)), file=sys.stderr)
        table = plan.problems[["sheet", "row", "column", "value", "reason"]]
        print(table.to_string(index=False), file=sys.stderr)
        print(t("importer.cli.partial_hint"), file=sys.stderr)
        return 1
    if not plan.left_out.empty:
        table = plan.left_out[["sheet", "row", "column", "value", "reason"]]
        print(table.to_string(index=False))
    if plan.new_indicators and args.indicator is None:
        print(t("importer.cli.indicator_hint", n=len(plan.new_indicators)))
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
    i.add_argument("--actor", help="who imports, for the history (default cli:<login>)")
    i.add_argument("--year", type=int,
                   help="the year of every figure, for a file that names no period")
    i.add_argument("--partial", action="store_true",
                   help="leave out the cells with problems (listed) and import the rest")
    i.set_defaults(func=_import)
    u = sub.add_parser("user", help="local accounts and roles").add_subparsers(
        dest="user_command", required=True)
    ua = u.add_parser("add", help="add a user: a local account, or an e-mail for OIDC")
    ua.add_argument("name", help="user name (or the e-mail for single sign-on)")
    ua.add_argument("--role", required=True, choices=ROLES)
    ua.add_argument("--email", help="e-mail for single sign-on (then no password is asked)")
    ua.add_argument("--password-stdin", action="store_true",
                    help="read the password from standard input instead of a prompt")
    ua.set_defaults(func=_user_add)
    u.add_parser("list", help="list users and roles").set_defaults(func=_user_list)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SdgError as err:
        print(err.message("nb"), file=sys.stderr)
        return 2
