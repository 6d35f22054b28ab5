"""Memory and page time of the real server over many Streamlit sessions, with
Streamlit's post-script GC off (our ``.streamlit/config.toml``) and on (its default).

Starts ``streamlit run app.py`` once per setting over a fresh seeded database and opens
``--sessions`` browser sessions one after the other (a new Chromium context each, so a
new Streamlit session each), each loading ``--pages`` pages from the menu and closing;
every ``--every`` sessions it prints the server's resident memory (``VmRSS``) and the
median click → idle time of those sessions. The server's disconnected-session TTL is
left as configured, so closed sessions are dropped as in production.

Run: ``python bench/gc_soak.py [--sessions 120] [--every 20]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sdg.store import open_store  # noqa: E402
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402

PAGES = ["Mål", "Vesentlighetsmatrise", "Oversikt"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def soak(gc: bool, sessions: int, every: int, db: Path) -> None:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = os.environ | {"SDG_DB": str(db), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
                        "STREAMLIT_RUNNER_POST_SCRIPT_GC": "true" if gc else "false"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
         str(port), "--server.headless", "true"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        print(f"post-script GC {'on ' if gc else 'off'}: start {rss_mib(server.pid):.0f} MiB",
              flush=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            times: list[float] = []
            for i in range(1, sessions + 1):
                ctx = browser.new_context(viewport={"width": 1400, "height": 900})
                page = ctx.new_page()
                page.set_default_timeout(120_000)
                page.goto(base)
                page.locator(IDLE).wait_for()
                for name in PAGES:
                    page.get_by_role("link", name=name, exact=True).first.click()
                    t0 = time.perf_counter()
                    page.wait_for_timeout(50)
                    page.locator(IDLE).wait_for()
                    times.append(time.perf_counter() - t0)
                ctx.close()
                if i % every == 0:
                    print(f"  after {i:4d} sessions: {rss_mib(server.pid):6.0f} MiB, click → idle"
                          f" median {statistics.median(times) * 1000:5.0f} ms", flush=True)
                    times = []
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=120)
    ap.add_argument("--every", type=int, default=20)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="gc_soak_"))
    for gc in (False, True):
        db = folder / f"gc-{gc}.duckdb"
        open_store(db).close()
        soak(gc, args.sessions, args.every, db)


if __name__ == "__main__":
    main()
