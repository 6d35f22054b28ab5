"""The parse child (sdg.sandbox): results and domain errors come back, a child that
runs out of memory or time ends alone, several parses run at once, and a broker that
died is started again."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest

from sdg import sandbox
from sdg.errors import InvalidInput
from sdg.ingest import parse_file
from tests.hostile_files import far_cell, inf_csv


def test_a_domain_error_keeps_its_key_and_parameters():
    with pytest.raises(InvalidInput) as err:
        sandbox.run_isolated(parse_file, far_cell(), "f.xlsx", file="f.xlsx")
    assert err.value.key == "ingest.err.too_many_rows"
    assert err.value.params["file"] == "f.xlsx" and err.value.peak_mb < 1024
    assert "1,048,576 rows" in err.value.message("en")  # a count in the reader's language
    assert "1\u00a0048\u00a0576 rader" in err.value.message("nb")


def test_memory_over_the_limit_ends_the_child_only():
    with pytest.raises(InvalidInput) as err:
        sandbox.run_isolated(bytearray, 3 * 1024**3, file="x.bin", memory_mb=200)
    assert err.value.key == "ingest.err.too_big_or_broken"
    assert sandbox.run_isolated(divmod, 9, 4, file="x") == (2, 1)  # the next one works


def test_several_parses_at_once():
    data = inf_csv()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(
            lambda i: sandbox.run_isolated(parse_file, data, f"{i}.csv", file=f"{i}.csv"),
            range(6)))
    assert [len(r.problems) for r in results] == [3] * 6


def test_a_dead_broker_is_started_again():
    sandbox.run_isolated(divmod, 1, 1, file="x")
    proc = sandbox._broker["proc"]
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert sandbox.run_isolated(divmod, 7, 2, file="x") == (3, 1)
    assert sandbox._broker["proc"].pid != proc.pid


def _alive_in_group(group: int) -> list[int]:
    """The processes (not zombies) of process group ``group``."""
    alive = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group and fields[0] != "Z":
                alive.append(int(entry))
    return alive


def test_the_broker_keeps_a_child_ready_and_shutdown_ends_both():
    """The broker forks the next child before it is asked (it accepts the connection
    itself); shutdown ends the broker's whole process group, that child too, so none
    lingers holding the caller's standard error."""
    import time

    assert sandbox.run_isolated(divmod, 7, 2, file="x") == (3, 1)
    served = sandbox.run_isolated(os.getpid, file="x")  # that child ends after answering
    broker = sandbox._broker["proc"].pid
    deadline = time.monotonic() + 10
    alive = _alive_in_group(broker)
    while set(alive) - {broker, served} == set() and time.monotonic() < deadline:
        time.sleep(0.01)  # the child just served may still be ending; the spare follows
        alive = _alive_in_group(broker)
    spare = set(alive) - {broker, served}
    assert broker in alive and len(spare) == 1, alive
    sandbox.shutdown()
    deadline = time.monotonic() + 5
    while _alive_in_group(broker) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert _alive_in_group(broker) == []
    assert sandbox.run_isolated(divmod, 9, 4, file="x") == (2, 1)  # started again


_FORKED = """
import sys
from sdg import sandbox
from sdg.ingest import parse_file
from tests.hostile_files import far_cell
assert sandbox.fork_broker()
assert not sandbox.fork_broker()  # one is running
print(sandbox._broker["proc"].pid)
print(sandbox.run_isolated(divmod, 7, 2, file="x"))
try:
    sandbox.run_isolated(parse_file, far_cell(), "f.xlsx", file="f.xlsx")
except Exception as err:
    print(err.key)
try:
    sandbox.run_isolated(bytearray, 3 * 1024**3, file="x.bin", memory_mb=200)
except Exception as err:
    print(err.key)
print(sandbox.run_isolated(divmod, 9, 4, file="x"))
"""


def test_a_broker_forked_from_a_single_threaded_caller(tmp_path):
    """The command line's broker: forked (not a new interpreter), the same limits and
    answers, and gone when its caller ends (not holding the caller's stderr open)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = subprocess.run([sys.executable, "-c", _FORKED], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout.split("\n")
    pid = int(out[0])
    assert out[1:5] == ["(3, 1)", "ingest.err.too_many_rows", "ingest.err.too_big_or_broken",
                        "(2, 1)"]
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # ended (and reaped) at the caller's exit


def test_no_fork_from_a_threaded_caller():
    import threading

    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert sandbox.fork_broker() is False
    finally:
        stop.set()
        worker.join()


# ------------------------------------------------------- arguments sent later
NAMED = "kommune;år;verdi\nAsker;2020;5\nBærum;2020;6\n".encode()


def test_a_later_argument_reaches_the_child_when_it_asks():
    """The parse starts with the request; the names come after it (``later``)."""
    outcome = sandbox.run_outcome(parse_file, NAMED, "n.csv", file="n.csv",
                                  later={"known_codes": lambda: {"Asker": "3203",
                                                                 "Bærum": "3024"}})
    data = outcome.value.tables[0].data
    assert data["municipality"].tolist() == ["3203", "3024"]
    direct = parse_file(NAMED, "n.csv", known_codes={"Asker": "3203", "Bærum": "3024"})
    assert data.equals(direct.tables[0].data)


def test_a_child_that_fails_before_asking_still_answers_with_its_error():
    """A domain error raised before the later argument is used: the value sent is
    received all the same, and the error comes back (not a reset connection)."""
    with pytest.raises(InvalidInput) as info:
        sandbox.run_outcome(parse_file, far_cell(), "f.xlsx", file="f.xlsx",
                            later={"known_codes": lambda: {"Asker": "3203"}})
    assert info.value.key != "ingest.err.too_big_or_broken"
    assert sandbox.run_isolated(divmod, 7, 2, file="x") == (3, 1)


def test_an_error_computing_a_later_argument_is_raised_as_it_is():
    def fails() -> dict:
        raise LookupError("the database is locked")

    with pytest.raises(LookupError, match="locked"):
        sandbox.run_outcome(parse_file, NAMED, "n.csv", file="n.csv",
                            later={"known_codes": fails})
    assert sandbox.run_isolated(divmod, 9, 4, file="x") == (2, 1)  # the broker still serves


def test_a_result_with_buffers_out_of_band_comes_back_whole_and_writable():
    import socket

    import numpy as np
    import pandas as pd

    frame = pd.DataFrame({"year": np.arange(50_000), "value": np.linspace(0, 1, 50_000),
                          "label": pd.array(["a", "b"] * 25_000, dtype="str"),
                          "code": np.array(["0301", None] * 25_000, dtype=object)})
    strided = np.arange(20.0).reshape(4, 5)[:, ::2]  # not contiguous: pickled in band
    sent = {"frame": frame, "rows": np.arange(7), "strided": strided,
            "empty": np.empty(0), "text": "Bø"}
    a, b = socket.socketpair()
    with a, b, ThreadPoolExecutor(1) as pool:  # sent beside the receiver (buffers > pipe)
        sending = pool.submit(sandbox._send_object, a, sent)
        got = sandbox._recv_object(b)
        sending.result()
    pd.testing.assert_frame_equal(got["frame"], frame)
    np.testing.assert_array_equal(got["strided"], strided)
    assert got["rows"].tolist() == list(range(7)) and got["rows"].flags.writeable
    assert got["empty"].size == 0 and got["text"] == "Bø"
    got["rows"][0] = 9  # its own memory, not the sender's
    assert sent["rows"][0] == 0


def _kind_and_size(data, *, named=None):
    return type(data).__name__, len(data), data[:3], type(named).__name__, len(named or b"")


def test_a_file_in_the_request_reaches_the_child_as_bytes():
    big, small = b"abc" + bytes(300_000), b"xyz"  # out of band from 64 kB, else pickled
    assert sandbox.run_isolated(_kind_and_size, big, named=big, file="x") == (
        "bytes", 300_003, b"abc", "bytes", 300_003)
    assert sandbox.run_isolated(_kind_and_size, small, file="x")[:3] == ("bytes", 3, b"xyz")


def _warmed_up() -> bool:
    return sandbox._warmed_up


def test_the_broker_has_run_its_warm_up_before_the_children_start():
    assert sandbox.WARM_UP == ("sdg.ingest.parse", "warm_up") and not sandbox._warmed_up
    assert sandbox.run_isolated(_warmed_up, file="x")  # the broker's state, inherited


def _spare_warmed_up() -> bool:
    return sandbox._spare_warmed_up


def test_a_child_forked_ahead_warms_up_while_it_waits():
    import time

    sandbox.run_isolated(divmod, 1, 1, file="x")
    time.sleep(1.0)  # the next child is forked and warms up before anyone asks
    assert sandbox.run_isolated(_spare_warmed_up, file="x")
    assert sandbox.SPARE_WARM_UP[:2] == sandbox.WARM_UP


def _meet(folder: str, me: str, other: str) -> str:
    """Leave a mark, then wait (up to 20 s) for the other child's: only two children
    running at once both return."""
    import time
    from pathlib import Path

    (Path(folder) / me).touch()
    deadline = time.monotonic() + 20
    while not (Path(folder) / other).exists():
        if time.monotonic() > deadline:
            return "alone"
        time.sleep(0.01)
    return "met"


def test_a_second_caller_gets_a_child_while_the_first_still_parses(tmp_path):
    """The next child is forked when the last one has ended, or at once when another
    caller is waiting: two callers run side by side."""
    with ThreadPoolExecutor(2) as pool:
        got = list(pool.map(lambda ab: sandbox.run_isolated(
            _meet, str(tmp_path), *ab, file="x"), [("a", "b"), ("b", "a")]))
    assert got == ["met", "met"]
