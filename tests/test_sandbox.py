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
