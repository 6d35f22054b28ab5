"""A live workshop end to end through the real server, as the phones use it.

Starts ``streamlit run app.py`` itself (a fresh seeded database file, a session of the
17 goals on one axis, voting open and results shown, an analyst account), then:

- N phones (threads, each with its own cookie jar) join within ``--spread`` seconds
  (uniform arrivals): ``GET /w/CODE`` (the light participant page: join, token), think
  ``--think`` seconds at most, and send their 17 ratings in one
  ``POST /api/w/CODE/answers``, timed from submit to acknowledgement; from joining to
  the end each phone keeps a long poll of ``/api/w/CODE/status`` open, as the page's
  script does. Before it submits, each phone also times a ``GET /_stcore/health`` (the
  server's cheapest answer under the same load): the baseline of the ratio printed.
- The projector (Chromium, 1920×1080, ``/projektor?w=CODE``) is open throughout; after
  the last acknowledgement the bench times until it shows every rating.
- A signed-in analyst (Chromium) loads the import page in the middle of the burst;
  timed from navigation until its file box is drawn.
- Afterwards the server is stopped and the database file read: for each phone, how
  many of its ratings are in the vote log: an acknowledged submission with none of its
  rows is lost, one written more than once is doubled.

The server's resident memory (``VmRSS``) before and after is printed too.

Run: ``python bench/workshop_e2e.py [--participants 300] [--spread 30] [--think 5]``;
the last line is
``participants N: acked A/N, lost L, doubled D, p50 X ms, p95 Y ms, projector Z ms, analyst W ms``.
Goals (issue 13): all acknowledged, none lost or doubled, p95 ≤ 1 s, projector ≤ 2 s,
analyst < 3 s.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sdg.auth import SYSTEM, Actor  # noqa: E402
from sdg.store import open_store  # noqa: E402
from sdg.workshop import SessionSpec, create_session, open_voting, show_results  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GOALS = tuple(str(g) for g in range(1, 18))
ANALYST, PASSWORD = "analytiker", "et langt benkpassord"


@dataclass
class Phone:
    """One phone's journey and what it saw."""

    index: int
    token: str = ""
    joined: bool = False
    acked: bool = False
    latency: float | None = None
    health: float | None = None
    acked_at: float | None = None
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(folder: Path, rounds: int) -> tuple[Path, list[str]]:
    """A fresh seeded database with one session per round (open, results shown) and an
    analyst."""
    db = folder / "e2e.duckdb"
    store = open_store(db)
    codes = []
    try:
        store.add_user(SYSTEM, ANALYST, "analyst", password=PASSWORD)
        leader = Actor("bench-leder", "facilitator")
        for r in range(rounds):
            code = create_session(store, "3203", SessionSpec(f"Benk {r + 1}", GOALS), leader)
            open_voting(store, code, leader)
            show_results(store, code, True, leader)
            codes.append(code)
    finally:
        store.close()
    return db, codes


def start_server(db: Path, port: int, log: Path, participants: int, gc: bool
                 ) -> subprocess.Popen:
    env = os.environ | {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true" if gc else "false","SDG_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
                        "SDG_WORKSHOP_JOINS_PER_CLIENT": str(participants + 50),
                        "SDG_WORKSHOP_MAX_PARTICIPANTS": str(participants + 50)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
         str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"the server did not start; see {log}")


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def run_phone(phone: Phone, base: str, code: str, start_at: float, think: float,
              stop: threading.Event, rng: np.random.Generator) -> None:
    """Join, (think), submit 17 ratings once, poll the status until ``stop``."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    values = {g: int(v) for g, v in zip(GOALS, rng.integers(1, 6, len(GOALS)), strict=True)}
    pause = float(rng.uniform(0, think))
    time.sleep(max(0.0, start_at - time.monotonic()))
    try:
        with opener.open(f"{base}/w/{code}", timeout=60) as r:
            page = r.read().decode()
        phone.token = re.search(r"name='p' value='([^']+)'", page).group(1)
        phone.joined = True
    except (OSError, AttributeError) as exc:
        phone.errors.append(f"join: {exc}")
        return
    version = re.search(r"data-version='([^']+)'", page).group(1)
    waiting: list[threading.Thread] = []

    def follow() -> None:
        """The page's script: a long poll of the status, again and again."""
        nonlocal version
        while not stop.is_set():
            try:
                with opener.open(f"{base}/api/w/{code}/status?since={version}",
                                 timeout=60) as r:
                    version = json.loads(r.read()).get("version", version)
            except (OSError, ValueError) as exc:
                if not stop.is_set():
                    phone.errors.append(f"status: {exc}")
                time.sleep(2)

    waiting.append(threading.Thread(target=follow, daemon=True))
    waiting[0].start()
    time.sleep(pause)
    t0 = time.perf_counter()
    try:
        with opener.open(f"{base}/_stcore/health", timeout=30) as r:
            r.read()
        phone.health = time.perf_counter() - t0
    except OSError as exc:
        phone.errors.append(f"health: {exc}")
    body = json.dumps({"token": phone.token, "answers": {"priority": values}}).encode()
    request = urllib.request.Request(f"{base}/api/w/{code}/answers", data=body,
                                     headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    try:
        with opener.open(request, timeout=60) as r:
            answer = json.loads(r.read())
        phone.latency = time.perf_counter() - t0
        phone.acked = bool(answer.get("ok")) and answer.get("saved") == len(GOALS)
        phone.acked_at = time.monotonic()
        if not phone.acked:
            phone.errors.append(f"answer: {answer}")
    except (OSError, ValueError) as exc:
        phone.errors.append(f"submit: {exc}")


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/konto")
    page.get_by_role("link", name="Logg inn").click()  # the sign-in page sets the cookie
    page.get_by_label("Brukernavn").fill(ANALYST)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.get_by_text("Du er logget inn som").wait_for()


def analyst_load(page, base: str) -> float:
    """From the front page, open the import page (the analyst's own) from the menu, as
    a signed-in user does (a typed URL would start a new, signed-out session); seconds
    from the click until its file box is drawn."""
    page.get_by_role("link", name="Oversikt", exact=True).click()
    page.locator("[data-testid='stFileUploader']").wait_for(state="detached", timeout=120_000)
    page.wait_for_timeout(300)
    t0 = time.perf_counter()
    page.get_by_role("link", name="Importer tall", exact=True).click()
    page.locator("[data-testid='stFileUploader']").first.wait_for(timeout=120_000)
    return time.perf_counter() - t0


def count_rows(db: Path, code: str, phones: list[Phone]) -> tuple[int, int, int]:
    """(lost, doubled, written but not acknowledged) from the database file."""
    store = open_store(db, seed=False)
    try:
        rows = store.df(
            "SELECT p.token, count(v.seq) AS n FROM workshop_participant p"
            " LEFT JOIN workshop_vote v ON v.respondent_id = p.respondent_id"
            " WHERE p.code = $c GROUP BY p.token", {"c": code})
    finally:
        store.close()
    written = dict(zip(rows["token"], rows["n"], strict=True))
    lost = sum(1 for p in phones if p.acked and written.get(p.token, 0) < len(GOALS))
    doubled = sum(1 for p in phones if written.get(p.token, 0) > len(GOALS))
    unacked = sum(1 for p in phones if not p.acked and written.get(p.token, 0) > 0)
    return lost, doubled, unacked


@dataclass
class Round:
    code: str
    phones: list[Phone]
    projector_ms: float = float("nan")
    analyst_ms: float = float("nan")
    rss_mib: float = float("nan")


def one_round(r: Round, base: str, args, wall, analyst, server_pid: int) -> None:
    """One workshop: the phones join over ``args.spread`` s and vote; the projector and
    the analyst are timed."""
    n = len(r.phones)
    stop = threading.Event()
    if wall is not None:
        wall.goto(f"{base}/projektor?w={r.code}")
        wall.get_by_text(r.code, exact=True).wait_for(timeout=60_000)
    rng = np.random.default_rng(13)
    begin = time.monotonic() + 0.5
    arrivals = np.sort(rng.uniform(0, args.spread, n))
    threads = [threading.Thread(target=run_phone, daemon=True, args=(
        p, base, r.code, begin + float(arrivals[p.index]), args.think, stop,
        np.random.default_rng(1000 + p.index))) for p in r.phones]
    for t in threads:
        t.start()
    if analyst is not None:
        time.sleep(max(0.0, begin + args.spread / 2 - time.monotonic()))
        r.analyst_ms = analyst_load(analyst, base) * 1000
    deadline = time.monotonic() + args.spread + args.think + 120
    while time.monotonic() < deadline and not all(
            p.acked_at is not None or p.errors for p in r.phones):
        if wall is not None:
            wall.wait_for_timeout(100)
        else:
            time.sleep(0.1)
    last = max((p.acked_at for p in r.phones if p.acked_at is not None), default=None)
    if wall is not None and last is not None:
        total = sum(len(GOALS) for p in r.phones if p.acked)
        wall.wait_for_function(
            "n => document.querySelector('[data-testid=wall-ratings]')?.innerText.trim()"
            " === String(n)", arg=total, timeout=60_000, polling=50)
        r.projector_ms = (time.monotonic() - last) * 1000
    stop.set()  # the phones' long polls end by themselves within 25 s
    r.rss_mib = rss_mib(server_pid)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--participants", type=int, default=300)
    ap.add_argument("--spread", type=float, default=30.0, help="joins within this many s")
    ap.add_argument("--think", type=float, default=5.0,
                    help="each phone submits within this many s of joining")
    ap.add_argument("--rounds", type=int, default=1,
                    help="workshops one after the other on the same server (memory)")
    ap.add_argument("--gc", action="store_true",
                    help="with Streamlit's post-script GC (the default before issue 13)")
    ap.add_argument("--no-browser", action="store_true",
                    help="leave out the projector and the analyst (no Chromium)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--slowest", type=int, default=0,
                    help="also list the slowest submissions with their time in the burst")
    args = ap.parse_args()
    n = args.participants
    browser_ok = not args.no_browser and Path(CHROMIUM).exists()

    folder = Path(tempfile.mkdtemp(prefix="workshop_e2e_"))
    db, codes = prepare(folder, args.rounds)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port, folder / "streamlit.log", n * args.rounds, args.gc)
    rss_start = rss_mib(server.pid)
    rounds = [Round(code, [Phone(i) for i in range(n)]) for code in codes]
    quiet_ms = float("nan")
    try:
        pw = browser = wall = analyst = None
        if browser_ok:
            from playwright.sync_api import sync_playwright

            pw = sync_playwright().start()
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            analyst = browser.new_context(viewport={"width": 1400, "height": 900},
                                          locale="nb-NO").new_page()
            sign_in(analyst, base)
            analyst_load(analyst, base)  # the first load (cold caches) …
            quiet_ms = analyst_load(analyst, base) * 1000  # … and a warm one, without load
            wall = browser.new_context(viewport={"width": 1920, "height": 1080},
                                       locale="nb-NO").new_page()
        for i, r in enumerate(rounds):
            one_round(r, base, args, wall, analyst, server.pid)
            if args.rounds > 1:
                print(f"round {i + 1}: server memory {r.rss_mib:.0f} MiB, acked"
                      f" {sum(p.acked for p in r.phones)}/{n}, analyst {r.analyst_ms:.0f} ms,"
                      f" projector {r.projector_ms:.0f} ms", flush=True)
        if wall is not None:
            wall.screenshot(path=str(folder / "projector.png"))
        if browser is not None:
            browser.close()
            pw.stop()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    r = rounds[-1]
    phones = r.phones
    lost, doubled, unacked = count_rows(db, r.code, phones)
    acked = sum(p.acked for p in phones)
    lat = np.array([p.latency for p in phones if p.latency is not None]) * 1000
    health = np.array([p.health for p in phones if p.health is not None]) * 1000
    p50, p95 = (np.percentile(lat, [50, 95]) if len(lat) else (float("nan"),) * 2)
    h95 = np.percentile(health, 95) if len(health) else float("nan")
    errors = [e for p in phones for e in p.errors]
    print(f"server memory (VmRSS): {rss_start:.0f} MiB at start, {r.rss_mib:.0f} MiB after the"
          f" burst; joined {sum(p.joined for p in phones)}/{n}; written but not acknowledged"
          f" {unacked}; errors {len(errors)}" + (f" (first: {errors[0]})" if errors else "")
          + f"; post-script GC {'on' if args.gc else 'off'}")
    print(f"baseline GET /_stcore/health under the same load: p95 {h95:.0f} ms; submit p95"
          f" {p95:.0f} ms = {p95 / h95:.1f}× the baseline" if len(health) else "no baseline")
    print(f"analyst's page load without the burst: {quiet_ms:.0f} ms; during it:"
          f" {r.analyst_ms:.0f} ms")
    if args.slowest:
        first = min(p.acked_at - p.latency for p in phones if p.acked_at is not None)
        slow = sorted((p for p in phones if p.latency is not None), key=lambda p: -p.latency)
        print("slowest submissions (sent at s into the burst: ms): " + ", ".join(
            f"{p.acked_at - p.latency - first:.1f}: {p.latency * 1000:.0f}"
            for p in slow[:args.slowest]))
    if args.keep:
        print(f"kept {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"participants {n}: acked {acked}/{n}, lost {lost}, doubled {doubled}, "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, projector {r.projector_ms:.0f} ms, "
          f"analyst {r.analyst_ms:.0f} ms")


if __name__ == "__main__":
    main()
