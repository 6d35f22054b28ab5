"""Run a parse in a child process with a memory limit and a timeout.

An uploaded file is parsed by native code (python-calamine allocates a sheet's whole
grid; a bad allocation aborts the process) and by pandas/NumPy. A file no check in
:mod:`sdg.ingest` foresaw must not take the server down, so the outermost read entry
points (:func:`sdg.importer.read_file`, the survey reader) run their parse through
:func:`run_isolated`:

- the child comes from a ``forkserver`` (a clean single-threaded process that has
  imported :mod:`sdg.ingest` once: no fork of the threaded server, no second import
  per upload);
- before the work it sets ``RLIMIT_AS`` so that its address space may grow by at most
  ``memory_mb`` minus what it already holds resident (peak resident memory ≤
  ``memory_mb``), and ``RLIMIT_CORE`` to 0 (an abort leaves no core file);
- it returns plain data (pickled through a pipe) or a domain error as its key and
  parameters; the parent waits at most ``timeout_s`` and then kills it.

A child that dies (killed by the kernel, aborted by a failed allocation, out of
memory) or runs out of time becomes :class:`~sdg.errors.InvalidInput`
``ingest.err.too_big_or_broken``: "Filen er for stor eller ødelagt".
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sdg.errors import InvalidInput, SdgError

#: Modules the fork server imports once (each child starts with them loaded).
PRELOAD = ["sdg.ingest", "sdg.survey"]
_lock = threading.Lock()
_ctx: mp.context.BaseContext | None = None


@dataclass(frozen=True)
class Outcome:
    """What a child sends back: a result, or a domain error, plus its peak memory."""

    ok: bool
    value: Any
    peak_mb: float


def _context() -> mp.context.BaseContext:
    """The fork-server context (started on first use, shared by all uploads)."""
    global _ctx
    with _lock:
        if _ctx is None:
            ctx = mp.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _ctx = ctx
        return _ctx


def _vm_and_rss() -> tuple[int, int]:
    """This process's address-space size and resident size in bytes (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        size, resident = (int(x) for x in fh.read().split()[:2])
    page = os.sysconf("SC_PAGE_SIZE")
    return size * page, resident * page


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (``ru_maxrss`` is in kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def limit_memory(memory_mb: int) -> None:
    """Cap this process so its resident memory cannot pass ``memory_mb``.

    The address space may grow by ``memory_mb`` minus the resident memory now: every
    new resident page needs address space, so peak resident ≤ ``memory_mb``.
    """
    vm, rss = _vm_and_rss()
    headroom = max(memory_mb * 1024 * 1024 - rss, 64 * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (vm + headroom, vm + headroom))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _child(conn, fn: Callable, args: tuple, kwargs: dict, memory_mb: int) -> None:
    """Body of the child: limit, run, send an :class:`Outcome` (never raises)."""
    try:
        limit_memory(memory_mb)
        try:
            out = Outcome(True, fn(*args, **kwargs), peak_mb())
        except SdgError as err:  # sent as key and parameters: exceptions pickle badly
            params = {k: str(v) for k, v in err.params.items()}
            out = Outcome(False, (type(err).__name__, err.key, params), peak_mb())
        except MemoryError:
            out = Outcome(False, None, peak_mb())
        conn.send(out)
    except (MemoryError, OSError, EOFError):  # too big to send, or the parent has gone
        pass
    finally:
        conn.close()


def run_isolated(fn: Callable, *args: Any, file: str, memory_mb: int = 1024,
                 timeout_s: float = 120.0, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in a child process; its result, or its domain error.

    Parameters
    ----------
    fn : callable
        A module-level function (the child imports it by name); its result must pickle.
    file : str
        The file's name, for the message when the child fails.
    memory_mb, timeout_s
        Peak resident memory and wall-clock time allowed to the child.

    Raises
    ------
    InvalidInput
        The child's own domain error (same key and parameters), or
        ``ingest.err.too_big_or_broken`` when it died, ran out of memory or of time.

    Examples
    --------
    >>> run_isolated(divmod, 7, 2, file="x")
    (3, 1)
    >>> run_isolated(bytearray, 2 * 1024**3, file="bombe.xlsx", memory_mb=300)
    Traceback (most recent call last):
    ...
    sdg.errors.InvalidInput: Filen er for stor eller ødelagt (bombe.xlsx): den kunne ikke leses innenfor grensene på 300 MB minne og 120 sekunder.
    """
    outcome = run_outcome(fn, *args, file=file, memory_mb=memory_mb, timeout_s=timeout_s,
                          **kwargs)
    return outcome.value


def run_outcome(fn: Callable, *args: Any, file: str, memory_mb: int = 1024,
                timeout_s: float = 120.0, **kwargs: Any) -> Outcome:
    """:func:`run_isolated`, returning the :class:`Outcome` (with the child's peak
    memory) instead of only its value."""
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args, kwargs, memory_mb), daemon=True)
    proc.start()
    send.close()
    outcome = None
    try:
        if receive.poll(timeout_s):
            outcome = receive.recv()
    except (EOFError, OSError):
        outcome = None  # the child died before it could answer
    finally:
        receive.close()
        if proc.is_alive():
            proc.kill()
        proc.join()
    broken = InvalidInput("ingest.err.too_big_or_broken", file=file, memory_mb=memory_mb,
                          timeout_s=round(timeout_s))
    if outcome is None:
        raise broken
    if outcome.ok:
        return outcome
    if outcome.value is None:
        raise broken
    kind, key, params = outcome.value
    err = (InvalidInput if kind == "InvalidInput" else SdgError)(key, **params)
    err.peak_mb = outcome.peak_mb  # the child's peak memory, for the tests and the note
    raise err
