"""Run a parse in a child process with a memory limit and a timeout.

An uploaded file is parsed by native code (python-calamine allocates a sheet's whole
grid; a failed allocation aborts the process) and by pandas/NumPy. A file no check in
:mod:`sdg.ingest` foresaw must not take the server down, so the outermost read entry
points (:func:`sdg.importer.read_file`, the survey reader) run their parse through
:func:`run_isolated`.

How: one small *broker* process (``python -m sdg.sandbox SOCKET``, started on first
use, ending with its parent) has imported :data:`PRELOAD` once, run :data:`WARM_UP` (a
small parse) and is single-threaded.
For each parse the caller connects to its Unix socket (in a private folder) and sends
the function's module and name and the arguments. The broker keeps one child forked
ahead of the next connection, which runs :data:`SPARE_WARM_UP` while it waits; that
child accepts the connection itself (the broker forks the next one when it has ended,
or at once for another caller waiting), and it

- sends its process id (so the caller can kill it),
- sets ``RLIMIT_AS`` so that its address space may grow by at most ``memory_mb`` minus
  what it already holds resident (peak resident memory ≤ ``memory_mb``) and
  ``RLIMIT_CORE`` to 0 (an abort leaves no core file), turns the cycle collector
  off (it lives for one call),
- runs the function and sends back plain data: the result, or a domain error as its
  key and parameters, and its peak memory.

Arguments the caller does not know yet (``later`` of :func:`run_outcome`: the
municipality names while the database is still being read) follow the request; the
function gets a callable for each and receives the value when it first asks, so the
file is being read meanwhile.

The broker leads a process group of its own, so :func:`shutdown` ends it together
with its children. The caller waits at most ``timeout_s``, then kills the child. A child that dies
(killed, aborted by a failed allocation, out of memory) or runs out of time becomes
:class:`~sdg.errors.InvalidInput` ``ingest.err.too_big_or_broken``: "Filen er for stor
eller ødelagt". Why not :mod:`multiprocessing`: its ``spawn`` and ``forkserver``
children re-run the main module, and inside Streamlit ``__main__`` is the page script
being run (it would run again, and open the database, in every child); ``fork`` of the
threaded server is unsafe.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import os
import pickle
import resource
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sdg.errors import InvalidInput, SdgError

#: Modules the broker imports once (each child starts with them loaded).
PRELOAD = ("sdg.ingest", "sdg.survey")
#: Module and function the broker runs once after :data:`PRELOAD`: a small parse,
#: so that each child starts with what a parse sets up on first use already done.
WARM_UP = ("sdg.ingest.parse", "warm_up")
#: The same function and its argument for each child forked ahead of a request, run
#: while it waits (:func:`_spare`).
SPARE_WARM_UP = ("sdg.ingest.parse", "warm_up", 6_000)
_lock = threading.Lock()
_broker: dict[str, Any] = {}
_in_child = False
_warmed_up = False
_spare_warmed_up = False


@dataclass(frozen=True)
class Outcome:
    """What a child sends back: a result, or a domain error, plus its peak memory."""

    ok: bool
    value: Any
    peak_mb: float


# ------------------------------------------------------------------ the child side
def in_child() -> bool:
    """True in a parse child of :func:`run_isolated`, False elsewhere.

    A child may die without harm (its caller reports "Filen er for stor eller
    ødelagt") and ends with :func:`os._exit` once it has answered, so code running in
    it may take risks the app server must not, such as reading a sheet in a thread
    that is still allocating when the answer goes out
    (:func:`sdg.ingest.read.read_workbook`).

    >>> in_child(), run_isolated(in_child, file="x")
    (False, True)
    """
    return _in_child


_kept: list[Any] = []


def keep(obj: Any) -> None:
    """In a parse child, hold ``obj`` until the process ends; elsewhere do nothing.

    The child ends with :func:`os._exit`, which frees nothing; freeing a sheet's
    cells one by one before the answer is sent (800,000 of them: ~0.03 s between the
    row lists, the grid and calamine's range) is time the caller waits for. The cost:
    what is kept stays in memory (and counts towards the memory limit) until then.

    >>> keep([1, 2]); _kept
    []
    """
    if _in_child:
        _kept.append(obj)


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
    headroom = max(memory_mb * 1024 * 1024 - rss, 32 * 1024 * 1024)
    resource.setrlimit(resource.RLIMIT_AS, (vm + headroom, vm + headroom))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


#: Send buffer asked for on each end of a connection (the kernel caps it at
#: ``net.core.wmem_max``): a 10 MB file or result goes in a few writes instead of 50
#: of 200 kB, each waking the other process (~0.0025 s less each way for 10 MB).
SEND_BUFFER = 4 << 20


def _widen(sock: socket.socket) -> None:
    """Ask for :data:`SEND_BUFFER` on ``sock`` (what the kernel grants is used)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack("!Q", len(payload)))
    sock.sendall(payload)  # not joined to the header: a result may be many MB


def _recv(sock: socket.socket) -> bytearray:
    head = _recv_exact(sock, 8)
    return _recv_exact(sock, struct.unpack("!Q", head)[0])


def _packed(obj: Any) -> tuple[bytes, bytes, list[memoryview]]:
    """``obj`` pickled (protocol 5) with its large buffers out of band (NumPy arrays,
    Arrow buffers: a parsed table's columns; an uploaded file, :class:`_Raw`): the
    number of parts and their sizes, the pickle, and each buffer as it lies in memory.
    Nothing is copied into the pickle, and :func:`_recv_object` copies none of them
    out of it (a 200,000-row table arrives ~0.01 s sooner than as one pickle)."""
    buffers: list[pickle.PickleBuffer] = []
    head = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    views = [b.raw() for b in buffers]  # contiguous: others are pickled in band
    sizes = [len(head), *(v.nbytes for v in views)]
    return struct.pack(f"!{len(sizes) + 1}Q", len(sizes), *sizes), head, views


def _send_packed(sock: socket.socket, packed: tuple[bytes, bytes, list[memoryview]]) -> None:
    """Send what :func:`_packed` made, for :func:`_recv_object`."""
    sizes, head, views = packed
    sock.sendall(sizes)
    sock.sendall(head)
    for view in views:
        sock.sendall(view)


def _send_object(sock: socket.socket, obj: Any) -> None:
    """``obj`` sent as :func:`_packed` describes, for :func:`_recv_object`."""
    _send_packed(sock, _packed(obj))


class _Raw:
    """Bytes of a request (an uploaded file) pickled out of band: sent from the
    caller's own object with no copy into a pickle (a 10 MB file reaches the child
    ~0.005 s sooner), and :class:`bytes` again in the child.

    >>> buffers = []
    >>> head = pickle.dumps(_Raw(b"abc"), protocol=5, buffer_callback=buffers.append)
    >>> pickle.loads(head, buffers=[bytearray(b.raw()) for b in buffers])
    b'abc'
    """

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __reduce_ex__(self, protocol: int) -> tuple:
        return bytes, (pickle.PickleBuffer(self.data),)


def _raw(value: Any) -> Any:
    """``value``, or :class:`_Raw` of it for bytes of 64 kB and more."""
    return _Raw(value) if isinstance(value, bytes) and len(value) >= 1 << 16 else value


def _recv_object(sock: socket.socket) -> Any:
    """The object sent by :func:`_send_object`. Its buffers are received into one
    NumPy block, each at an offset of a multiple of 64 bytes, and become the arrays'
    memory: not zero-filled first, and one allocation, for which NumPy asks the
    kernel for huge pages from 4 MB on (a 200,000-row table's eleven buffers of
    0.4–2.4 MB, each allocated and faulted in anew, took ~0.01 s more)."""
    count = struct.unpack("!Q", _recv_exact(sock, 8))[0]
    if not 0 < count <= 1 << 20:
        raise ValueError(f"a result in {count} parts")
    sizes = struct.unpack(f"!{count}Q", _recv_exact(sock, 8 * count))
    head = _recv_exact(sock, sizes[0])
    starts = np.cumsum([0, *(-(-n // 64) * 64 for n in sizes[1:])])
    block = np.empty(int(starts[-1]), dtype=np.uint8)
    buffers = [_recv_exact(sock, n, block[a:a + n])
               for a, n in zip(starts.tolist(), sizes[1:], strict=False)]
    return pickle.loads(head, buffers=buffers)


def _recv_exact(sock: socket.socket, n: int, buf: Any = None) -> Any:
    """``n`` bytes, received into one buffer (``buf``, default a new bytearray; no list
    of pieces joined)."""
    buf = bytearray(n) if buf is None else buf
    view = memoryview(buf)
    got = 0
    while got < n:
        k = sock.recv_into(view[got:], min(n - got, 1 << 22))
        if not k:
            raise EOFError("connection closed")
        got += k
    return buf


class _Later:
    """An argument the caller sends after the request (``later`` of
    :func:`run_outcome`): the function calls it to get the value, received from the
    connection on the first call. The values come in the order of ``later``; calling
    one receives those before it first."""

    def __init__(self, conn: socket.socket, queue: list[_Later]) -> None:
        self._conn, self._queue = conn, queue
        self._value: Any = None
        self._got = False
        queue.append(self)

    def __call__(self) -> Any:
        while not self._got:
            first = self._queue.pop(0)
            first._value, first._got = pickle.loads(_recv(self._conn)), True
        return self._value


def _serve_one(conn: socket.socket) -> None:
    """Body of a forked child: pid, limit, run, answer (never raises)."""
    global _in_child  # this process is a child now (see in_child)
    try:
        _send(conn, str(os.getpid()).encode())
        module, name, args, kwargs, memory_mb, later = _recv_object(conn)
        fn = getattr(importlib.import_module(module), name)
        _in_child = True
        limit_memory(memory_mb)
        # One parse, then the process ends and its memory with it: no cycle collection
        # (a workbook's cell lists set off full collections, ~0.02 s per 100,000
        # rows; every real file's peak memory stays within 7 MB of a collected run,
        # and the limit above holds either way).
        gc.disable()
        queue: list[_Later] = []
        kwargs |= {k: _Later(conn, queue) for k in later}
        try:
            out = Outcome(True, fn(*args, **kwargs), peak_mb())
        except SdgError as err:  # sent as key and parameters: exceptions pickle badly
            params = {k: v if isinstance(v, int | float) else str(v)  # keeps i18n.Count
                      for k, v in err.params.items()}
            out = Outcome(False, (type(err).__name__, err.key, params), peak_mb())
        except MemoryError:
            out = Outcome(False, None, peak_mb())
        while queue:  # every value sent is received before the answer goes back (a
            queue[-1]()  # socket closed with unread data resets the caller's read)
        _send_object(conn, out)
    except (MemoryError, OSError, EOFError, pickle.PickleError):
        pass  # too big to send, or the caller has gone: the caller reports it
    finally:
        conn.close()


def serve(path: str) -> None:
    """The broker: accept connections on the Unix socket ``path``, fork a child for
    each; end when the parent process ends."""
    parent = os.getppid()
    server = _listen(path)
    _preload()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)  # nobody reads the pipe after this line
    os.dup2(devnull, 1)
    _serve_forever(server, parent)


def _listen(path: str) -> socket.socket:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    return server


def _preload() -> None:
    for module in PRELOAD:
        importlib.import_module(module)
    module, name = WARM_UP
    getattr(importlib.import_module(module), name)()
    global _warmed_up  # (inherited by each child: tests/test_sandbox.py)
    _warmed_up = True
    # What is loaded now never becomes garbage: out of the collector's sight, the
    # children neither traverse it in their collections nor copy its pages to do so.
    gc.freeze()


def _serve_forever(server: socket.socket, parent: int) -> None:
    """Keep a child forked ahead of the next connection, until the process ``parent``
    ends: the child accepts that connection itself (:func:`_spare`), so a caller finds
    its child running instead of waiting for a fork (~0.01 s). Once it has taken one,
    the next child is forked when it has ended, or at once when another caller is
    waiting: the new child's warm-up does not take a core from the parse."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    broker = os.getpid()
    first = True
    while os.getppid() == parent:
        taken, told = os.pipe()
        if os.fork() == 0:
            os.close(taken)
            _spare(server, told, broker, warm=not first)
            os._exit(0)
        first = False
        os.close(told)
        # a byte: the child took a connection; end of file: it has ended
        while os.getppid() == parent and not select.select([taken], [], [], 1.0)[0]:
            pass
        if os.getppid() == parent and not os.read(taken, 1):
            time.sleep(0.1)  # (a child that keeps dying is not forked again at once)
        else:
            while (os.getppid() == parent
                   and not select.select([taken, server], [], [], 1.0)[0]):
                pass
        os.close(taken)


def _spare(server: socket.socket, told: int, broker: int, *, warm: bool) -> None:
    """A child forked ahead: run :data:`SPARE_WARM_UP` (if ``warm``: not the first
    child, whose caller, the command line's one parse, is on its way) unless a caller
    is waiting already, wait for a connection (while the broker lives), tell the broker through
    the pipe ``told`` that it has one (the pipe closes when this process ends), serve
    it (:func:`_serve_one`)."""
    global _spare_warmed_up  # (tests/test_sandbox.py)
    if warm and not select.select([server], [], [], 0)[0]:
        module, name, *args = SPARE_WARM_UP
        with contextlib.suppress(Exception):  # a speed-up only: it must not stop the child
            getattr(importlib.import_module(module), name)(*args)
            _spare_warmed_up = True
    while os.getppid() == broker:
        if not select.select([server], [], [], 1.0)[0]:
            continue
        try:
            conn, _ = server.accept()
        except OSError:  # (only this process accepts; a connection given up on)
            continue
        os.write(told, b"1")
        server.close()
        _widen(conn)
        _serve_one(conn)
        return


# ----------------------------------------------------------------- the caller side
class _ForkedBroker:
    """A broker forked from this process (:func:`fork_broker`), as far as
    :func:`_socket_path` and :func:`shutdown` use a :class:`subprocess.Popen`."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        while self.poll() is None:
            time.sleep(0.005)
        return self.returncode


def _new_folder() -> str:
    """A new private folder for the broker's socket (its old one removed)."""
    if "folder" in _broker:  # a broker that died: its socket goes with it
        shutil.rmtree(_broker["folder"], ignore_errors=True)
    folder = tempfile.mkdtemp(prefix="sdg-sandbox-")  # mode 0700: only this user
    _folders.append(folder)
    return folder


_folders: list[str] = []


def shutdown() -> None:
    """End the broker and remove its folders now; run at exit, and called by
    ``python -m sdg`` before it ends without the interpreter's teardown (a broker
    left to notice that its parent ended would hold the parent's standard error open
    up to a second longer)."""
    proc = _broker.get("proc")
    if proc is not None and proc.poll() is None:
        # The broker leads a process group of its own: its child waiting for the next
        # connection (and any still parsing) goes with it, and none holds the
        # caller's standard error open.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
        proc.wait()
    while _folders:
        shutil.rmtree(_folders.pop(), ignore_errors=True)


atexit.register(shutdown)


def fork_broker() -> bool:
    """Start the broker as a fork of this process, if none runs and this process has
    no other thread (forking a threaded process is unsafe: then the broker is started
    as a new interpreter on first use, as before). Returns True when it was forked.

    For the command line: forked before the database is opened, the broker costs a
    fork instead of an interpreter importing :data:`PRELOAD` again (~0.6 s), and it
    finishes its preloading while the caller goes on.
    """
    with _lock:
        proc = _broker.get("proc")
        if (proc is not None and proc.poll() is None) or threading.active_count() > 1:
            return False
        folder = _new_folder()
        path = str(Path(folder) / "broker.sock")
        server = _listen(path)  # before the fork: connections wait in its backlog
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: started as an interpreter on first use
            server.close()
            return False
        if pid == 0:  # the broker: never returns into the caller's code
            try:
                os.setpgid(0, 0)  # a process group of its own, for shutdown()
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's
                os.environ["RUST_BACKTRACE"] = "0"
                _preload()
                _serve_forever(server, parent)
            finally:
                os._exit(0)
        server.close()
        with contextlib.suppress(OSError):  # (also set by the broker: whichever is first)
            os.setpgid(pid, pid)
        _broker.update(proc=_ForkedBroker(pid), path=path, folder=folder)
        return True


def _socket_path() -> str:
    """The broker's socket, started (again) when it is not running."""
    with _lock:
        proc = _broker.get("proc")
        if proc is None or proc.poll() is not None:
            folder = _new_folder()
            path = str(Path(folder) / "broker.sock")
            root = str(Path(__file__).resolve().parents[1])
            tunables = ":".join(filter(None, [os.environ.get("GLIBC_TUNABLES"),
                                              "glibc.malloc.hugetlb=1"]))
            env = os.environ | {"RUST_BACKTRACE": "0",  # an abort: one line in the log
                                # malloc asks for transparent huge pages: a child's fresh
                                # heap faults in 2 MB at a time (~0.05 s less per parse
                                # of 100,000 rows; the kernel decides, in madvise mode)
                                "GLIBC_TUNABLES": tunables,
                                "PYTHONPATH": os.pathsep.join(
                                    [root, *filter(None, [os.environ.get("PYTHONPATH")])])}
            proc = subprocess.Popen([sys.executable, "-m", "sdg.sandbox", path],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    env=env, cwd=root,
                                    process_group=0)  # its own, for shutdown()
            if proc.stdout.readline().strip() != b"ready":
                raise RuntimeError("the parse broker did not start")
            _broker.update(proc=proc, path=path, folder=folder)
        return _broker["path"]


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
    return run_outcome(fn, *args, file=file, memory_mb=memory_mb, timeout_s=timeout_s,
                       **kwargs).value


def run_outcome(fn: Callable, *args: Any, file: str, memory_mb: int = 1024,
                timeout_s: float = 120.0, later: dict[str, Callable[[], Any]] | None = None,
                **kwargs: Any) -> Outcome:
    """:func:`run_isolated`, returning the :class:`Outcome` (with the child's peak
    memory) instead of only its value; a domain error raised carries ``peak_mb``.

    ``later`` maps keyword arguments of ``fn`` that are not known yet to functions
    computing them: the child starts with the request, and each of those arguments
    reaches ``fn`` as a callable returning the value, which the caller computes and
    sends after the request (the parse begins while the caller still fetches, say,
    the municipality names from the database). An error raised while computing one
    ends the child and is raised here as it is.
    """
    later = later or {}
    request = _packed((fn.__module__, fn.__qualname__, tuple(map(_raw, args)),
                       {k: _raw(v) for k, v in kwargs.items()}, memory_mb, list(later)))
    broken = InvalidInput("ingest.err.too_big_or_broken", file=file, memory_mb=memory_mb,
                          timeout_s=round(timeout_s))
    deadline = time.monotonic() + timeout_s
    pid = None
    outcome = None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sent = False
            try:
                sock.connect(_socket_path())
                _widen(sock)
                sock.settimeout(max(deadline - time.monotonic(), 0.001))
                pid = int(_recv(sock))
                _send_packed(sock, request)
                sent = True
            except (TimeoutError, EOFError, OSError, ValueError, pickle.PickleError):
                pass
            # The caller's own work: its errors are raised as they are (child killed).
            values = [pickle.dumps(make(), protocol=pickle.HIGHEST_PROTOCOL)
                      for make in later.values()] if sent else []
            try:
                if sent:
                    for value in values:
                        _send(sock, value)
                    sock.settimeout(max(deadline - time.monotonic(), 0.001))
                    outcome = _recv_object(sock)
            except (TimeoutError, EOFError, OSError, ValueError, pickle.PickleError):
                outcome = None
        finally:
            if outcome is None and pid is not None:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
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


if __name__ == "__main__":  # the broker runs the module's own copy (pickles by name)
    importlib.import_module("sdg.sandbox").serve(sys.argv[1])
