"""Run the hostile-file corpus through the import as the wizard does, in a process of
its own, and report per file what came of it and the memory it took.

``python -m tests.hostile_run DB OUT.json [NAME …]``: for each case of
:data:`tests.hostile_files.CASES` (or those named), the file is read
(:func:`sdg.importer.read_file`, in its parse child), mapped, planned and, when the
plan has no problems, committed; the database file's sha256 is taken before and after
(the store closed). Written to OUT.json: per case the outcome, the parse child's peak
memory and the sha256s; and this process's own peak memory over the whole run.
"""

from __future__ import annotations

import hashlib
import json
import resource
import sys
import time
from pathlib import Path


def _sha(path: Path) -> str:
    h = hashlib.sha256(path.read_bytes())
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        h.update(wal.read_bytes())
    return h.hexdigest()


def run(db: Path, names: list[str]) -> dict:
    from sdg.auth import Actor
    from sdg.errors import SdgError
    from sdg.importer import commit, default_mapping, detected_series, plan_import, read_file
    from sdg.store import open_store
    from tests.hostile_files import CASES

    actor = Actor("angriper", "analyst")
    report: dict[str, dict] = {}
    for case in CASES:
        if names and case.name not in names:
            continue
        data = case.make()
        before = _sha(db)
        store = open_store(db)
        started = time.perf_counter()
        try:
            history = store.municipalities(current_only=False)
            fr = read_file(data, case.name, history)
            peak = fr.peak_mb
            series = detected_series(fr)
            plan = plan_import(store, fr, default_mapping(series, store.indicators()),
                               series=series, history=history)
            if plan.ok:
                commit(store, plan, actor)
                outcome = ["imported", None, ""]
            else:
                keys = sorted(set(plan.problems["reason_key"]))
                outcome = ["problem", keys, plan.problems["reason"].iloc[0]]
        except SdgError as err:
            peak = getattr(err, "peak_mb", None)
            outcome = ["err", err.key, err.message("nb")]
        finally:
            store.close()
        report[case.name] = {"outcome": outcome, "peak_mb": peak, "bytes": len(data),
                             "seconds": round(time.perf_counter() - started, 2),
                             "before": before, "after": _sha(db)}
    return {"cases": report,
            "runner_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


if __name__ == "__main__":
    out = run(Path(sys.argv[1]), sys.argv[3:])
    Path(sys.argv[2]).write_text(json.dumps(out, ensure_ascii=False, indent=1))
