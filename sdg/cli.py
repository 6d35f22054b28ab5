"""Command line: ``python -m sdg init|info|build-seed|import|user|pull|report``.

The database is ``$SDG_DB`` (default ``data/sdg.duckdb``). Messages go to stdout,
problems to stderr with a non-zero exit code. An expected problem (the database held
by the running app, a missing file, a bad argument, a refused change) is one line
saying what to do, never a traceback.

Whoever runs the command line can open the database file itself, so it acts with the
``admin`` role (:func:`cli_actor`); the name it records is ``--actor`` or ``cli:<login>``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import duckdb

from sdg import fmt
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
        print(f"{table:22s} {fmt.number(n, 0):>9s}")
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


# ------------------------------------------------------------------ user (issue 14)
def _read_password(args: argparse.Namespace, prompt: str) -> str:
    """The password from standard input (``--password-stdin``) or a hidden prompt."""
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise SdgError("cli.err.no_password")
        return line.rstrip("\n")
    return getpass.getpass(prompt)


def _with_store(work) -> int:
    store = open_store(db_path())
    try:
        return work(store)
    finally:
        store.close()


def _user_add(args: argparse.Namespace) -> int:
    """Create a local account (password from the prompt or stdin) or an OIDC mapping."""
    password = None
    if not args.email or args.password_stdin:
        password = _read_password(args, f"Passord for {args.name}: ")

    def work(store) -> int:
        store.add_user(cli_actor(args.actor), args.name, args.role, password=password,
                       email=args.email)
        print(f"{args.name}: {args.role}")
        return 0
    return _with_store(work)


def _user_list(args: argparse.Namespace) -> int:
    from sdg.accounts import users_table

    def work(store) -> int:
        table = users_table(store.users(cli_actor(args.actor)), "nb")
        for col in table.select_dtypes("datetime").columns:
            table[col] = table[col].dt.strftime("%d.%m.%Y %H:%M")
        table = table.astype(object).where(table.notna(), "–").replace("", "–")
        print(table.to_string(index=False) if len(table) else "(ingen brukere)")
        return 0
    return _with_store(work)


def _user_role(args: argparse.Namespace) -> int:
    def work(store) -> int:
        store.set_role(cli_actor(args.actor), args.name, args.role)
        print(f"{args.name}: {args.role}")
        return 0
    return _with_store(work)


def _user_disable(args: argparse.Namespace, disabled: bool) -> int:
    def work(store) -> int:
        store.set_disabled(cli_actor(args.actor), args.name, disabled)
        print(f"{args.name}: {'deaktivert' if disabled else 'aktiv'}")
        return 0
    return _with_store(work)


def _user_unlock(args: argparse.Namespace) -> int:
    def work(store) -> int:
        store.unlock(cli_actor(args.actor), args.name)
        print(f"{args.name}: sperre opphevet")
        return 0
    return _with_store(work)


def _user_reset_password(args: argparse.Namespace) -> int:
    """A new password that must be changed at the next sign-in: random (printed once)
    unless ``--password-stdin`` gives one."""
    from sdg.i18n import t

    given = _read_password(args, "") if args.password_stdin else None

    def work(store) -> int:
        password = store.reset_password(cli_actor(args.actor), args.name, given)
        if given is None:
            print(t("cli.user.temporary", name=args.name, password=password))
        else:
            print(f"{args.name}: passordet må byttes ved neste innlogging")
        return 0
    return _with_store(work)


def _add_user_commands(sub) -> None:
    u = sub.add_parser("user", help="local accounts and roles").add_subparsers(
        dest="user_command", required=True, metavar="list|add|role|disable|enable|unlock|"
                                                   "reset-password")

    def command(name: str, help_text: str, func, *, with_name: bool = True):
        p = u.add_parser(name, help=help_text)
        if with_name:
            p.add_argument("name", help="user name (or the e-mail for single sign-on)")
        p.add_argument("--actor", help="who makes the change, for the audit log "
                                       "(default cli:<login>)")
        p.set_defaults(func=func)
        return p

    command("list", "list users, roles and status", _user_list, with_name=False)
    ua = command("add", "add a user: a local account, or an e-mail for OIDC", _user_add)
    ua.add_argument("--role", required=True, choices=ROLES)
    ua.add_argument("--email", help="e-mail for single sign-on (then no password is asked)")
    ua.add_argument("--password-stdin", action="store_true",
                    help="read the password from standard input instead of a prompt")
    ur = command("role", "give a user another role", _user_role)
    ur.add_argument("role", choices=ROLES)
    command("disable", "disable a user (ends their sign-ins at once)",
            lambda a: _user_disable(a, True))
    command("enable", "enable a disabled user again", lambda a: _user_disable(a, False))
    command("unlock", "lift the lockout after failed sign-ins", _user_unlock)
    rp = command("reset-password", "a new password, to be changed at the next sign-in",
                 _user_reset_password)
    rp.add_argument("--password-stdin", action="store_true",
                    help="read the new password from standard input (default: a random one)")


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error that says where the help is."""

    def error(self, message: str):
        from sdg.i18n import t

        problem = message[:1].upper() + message[1:]
        print(t("cli.err.usage", problem=problem, help=f"{self.prog} --help"), file=sys.stderr)
        sys.exit(2)


def _database_problem(exc: duckdb.Error) -> str:
    """One line for a database that cannot be opened (held by the running app, or a
    path that cannot be written)."""
    from sdg.i18n import t

    text = str(exc)
    if "lock" in text.lower():
        return t("cli.err.locked", path=db_path())
    return t("cli.err.open", path=db_path(), reason=text.splitlines()[0])


def _import(args: argparse.Namespace) -> int:
    """Import one indicator file; print what happened to every row (the
    reconciliation), then a one-line summary or the problem table."""
    from concurrent.futures import ThreadPoolExecutor

    from sdg.i18n import Count, t
    from sdg.importer import column_notes, import_file, read_file, reconcile, reconciliation_lines
    from sdg.sandbox import fork_broker

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        print(t("cli.err.no_file", file=path), file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{path}: {exc.strerror}", file=sys.stderr)
        return 2
    # The parse child's broker, forked now (one thread, no database open yet) rather
    # than started as a new interpreter when the parse begins; it preloads while the
    # database is opened.
    fork_broker()
    # The file is read in the parse child while the database is opened (the child
    # gets the municipality names once they are fetched); an error opening the
    # database is raised as before.
    with ThreadPoolExecutor(max_workers=1) as pool:
        opened = pool.submit(open_store, db_path())
        history = pool.submit(lambda: opened.result().municipalities(current_only=False))
        read: list = []
        try:
            try:
                read.append(read_file(data, path.name, history, sheet=args.sheet,
                                      year=args.year))
            finally:
                store = opened.result()
            plan, batch = import_file(store, data, path.name, actor=cli_actor(args.actor),
                                      sheet=args.sheet, indicator=args.indicator,
                                      dry_run=args.dry_run, year=args.year,
                                      partial=args.partial, file=read[0],
                                      history=history.result())
        except SdgError as err:
            print(err.message("nb"), file=sys.stderr)
            sheets = (read[0].result.sheets or tuple(read[0].result.read_rows)) if read else ()
            if len(sheets) > 1 and args.sheet is None:
                print(t("importer.cli.sheet_hint", sheets=", ".join(sheets)), file=sys.stderr)
            return 2
        finally:
            if opened.exception() is None:
                opened.result().close()
    fr = read[0]
    for line in reconciliation_lines(reconcile(fr, plan)) + column_notes(fr):
        print(line)
    for e in fr.result.explanations:
        print(e.message("nb"))
    if not plan.problems.empty:
        print(t("importer.cli.problems", file=path.name,
                n=Count(plan.problem_cells)), file=sys.stderr)
        table = plan.problems[["sheet", "row", "column", "value", "reason"]]
        print(table.to_string(index=False), file=sys.stderr)
        if plan.unlisted:
            print(t("importer.problems_unlisted", shown=Count(len(plan.problems)),
                    more=Count(plan.unlisted)),
                  file=sys.stderr)
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


# ------------------------------------------------------------------ SSB pull (issue 17)
def _pull(args: argparse.Namespace) -> int:
    """``pull --list`` or a pull of library indicators into one import batch."""
    from sdg.i18n import t
    from sdg.library import list_lines, load
    from sdg.pull import followed, pull
    from sdg.ssb import Client

    library = load()
    if args.list:
        print(t("ssb.cli.header"))
        for line in list_lines(library):
            print(line)
        return 0
    store = open_store(db_path())
    try:
        if args.all:
            ids = list(library)
        elif args.indicator:
            ids = list(args.indicator)
        else:
            ids = followed(store, args.kommune, library)
        client = Client()
        result = pull(store, client, ids, cli_actor(args.actor))
    finally:
        store.close()
    for ident, table, reason in result.skipped:
        print(t("ssb.cli.skipped", indicator=ident, table=table, reason=reason), file=sys.stderr)
    if result.batch is None:
        print(t("ssb.cli.nothing"), file=sys.stderr)
        return 1
    print(t("ssb.cli.done", rows=result.rows, batch=result.batch, calls=len(result.calls),
            tables=len(result.tables)))
    for ident, n in sorted(result.per_indicator.items()):
        print(f"  {ident:32s} {n:>7d}")
    return 0


def _report(args: argparse.Namespace) -> int:
    """Write the report to the council as PDF (``sdg.report_pdf``)."""
    import datetime as dt

    from sdg.i18n import t
    from sdg.report import assemble
    from sdg.report_pdf import page_count, render

    as_of = dt.date.fromisoformat(args.date) if args.date else dt.date.today()
    out = Path(args.out or f"rapport_{args.kommune}_{as_of:%Y-%m-%d}_{args.lang}.pdf")
    store = open_store(db_path())
    try:
        report = assemble(store, args.kommune, args.lang, as_of)
    finally:
        store.close()
    pdf = render(report)
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        print(f"{out}: {exc.strerror}", file=sys.stderr)
        return 2
    print(t("report.cli.written", args.lang, path=out, pages=page_count(pdf),
            municipality=f"{report.municipality['name']} ({args.kommune})", language=args.lang))
    return 0


def _iso_date(text: str) -> str:
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None
    return text


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="python -m sdg", description=__doc__.splitlines()[0])
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
    _add_user_commands(sub)
    p = sub.add_parser("pull", help="pull library indicators from SSB (PxWebApi v2, $SDG_SSB_API)")
    p.add_argument("--list", action="store_true",
                   help="list the library: id, SSB table, goals (targets), merger rule")
    p.add_argument("--kommune", default="3203",
                   help="municipality whose followed indicators are pulled (default 3203)")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--indicator", action="append", help="library indicator id (repeatable)")
    what.add_argument("--all", action="store_true", help="every indicator of the library")
    p.add_argument("--actor", help="who pulls, for the history (default cli:<login>)")
    p.set_defaults(func=_pull)
    r = sub.add_parser("report", help="write the report to the council (PDF)")
    r.add_argument("--kommune", required=True, help="municipality number, e.g. 3203")
    r.add_argument("--lang", choices=("nb", "en"), default="nb", help="language (default nb)")
    r.add_argument("--out", help="the PDF file (default rapport_<kommune>_<date>_<lang>.pdf)")
    r.add_argument("--date", type=_iso_date,
                   help="report date YYYY-MM-DD: the decision in force then (default today)")
    r.set_defaults(func=_report)
    args = parser.parse_args(argv)
    from sdg.i18n import t

    try:
        return args.func(args)
    except SdgError as err:
        print(err.message("nb"), file=sys.stderr)
        return 2
    except duckdb.IOException as exc:
        print(_database_problem(exc), file=sys.stderr)
        return 3
    except FileNotFoundError as exc:
        print(t("cli.err.no_file", file=exc.filename or exc), file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print("Avbrutt.", file=sys.stderr)
        return 130
