"""Run user queries in forked worker processes with a timeout that really stops the work.

pyoxigraph's `Store.query` has no timeout and cannot be interrupted from Python, so a runaway query
(e.g. a cross join over all triples) would hold a CPU until it finishes. Design:

* Right after the store is loaded, and before the server starts any thread, the server forks a
  *zygote*: a single-threaded process holding the store (copy-on-write). Forking from a threaded
  process is unsafe (a lock held by another thread stays locked in the child), so all later forks
  happen in the zygote.
* The zygote forks N *workers* on request. Each worker owns one end of a socketpair whose other end
  the server passes to the zygote with SCM_RIGHTS. Workers are forked once and reused: no per-request
  process start.
* A request takes an idle worker, sends the job, and waits at most `timeout` seconds. On timeout the
  server SIGKILLs that worker (the CPU work stops at once) and asks the zygote for a fresh one.

Messages are length-prefixed pickles between our own processes.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import queue
import signal
import socket
import struct
import threading
import time
from dataclasses import dataclass

import pyoxigraph as ox

from . import results
from .protocol import ProtocolError, negotiate

_HDR = struct.Struct("!I")


class QueryTimeout(Exception):
    pass


class PoolBusy(Exception):
    pass


class WorkerDied(Exception):
    pass


def _send(sock: socket.socket, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(_HDR.pack(len(data)) + data)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _recv(sock: socket.socket):
    hdr = _recv_exact(sock, _HDR.size)
    if hdr is None:
        return None
    data = _recv_exact(sock, _HDR.unpack(hdr)[0])
    if data is None:
        return None
    return pickle.loads(data)


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the parent dies, so no orphan keeps the store in memory."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:  # pragma: no cover - non-glibc systems
        pass


# --------------------------------------------------------------------------- query execution


@dataclass
class Job:
    query: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    accept: str
    format: str | None
    max_results: int
    union: bool = False  # use pyoxigraph's union flag (only if the default graph is not materialised)


def execute(store: ox.Store, job: Job) -> dict:
    """Run one query; returns {'status', 'body', 'media_type', 'truncated', 'count'} or an error."""
    kwargs: dict = {}
    if job.default_graphs or job.named_graphs:
        # The protocol's dataset replaces the store's: only the graphs named in the request.
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    elif job.union:
        kwargs["use_default_graph_as_union"] = True
    from ..search.sparql import functions as search_functions  # search:score / search:matches (kg/search/sparql.py)

    kwargs["custom_functions"] = search_functions()
    try:
        res = store.query(job.query, **kwargs)
        if isinstance(res, ox.QuerySolutions):
            p = results.serialize_solutions(res, negotiate("results", job.accept, job.format), job.max_results)
        elif isinstance(res, ox.QueryBoolean):
            p = results.serialize_boolean(bool(res), negotiate("results", job.accept, job.format))
        else:
            p = results.serialize_triples(res, negotiate("graph", job.accept, job.format), job.max_results)
    except ProtocolError as e:
        return {"status": e.status, "error": e.message}
    except SyntaxError as e:
        return {"status": 400, "error": f"SPARQL syntax error: {e}"}
    except ValueError as e:  # e.g. a bad IRI in default-graph-uri
        return {"status": 400, "error": str(e)}
    except OSError as e:
        return {"status": 500, "error": f"query evaluation failed: {e}"}
    return {"status": 200, "body": p.body, "media_type": p.media_type, "truncated": p.truncated, "count": p.count}


def _worker_main(store: ox.Store, sock: socket.socket) -> None:
    while True:
        job = _recv(sock)
        if job is None:
            return
        try:
            out = execute(store, job)
        except Exception as e:  # never let a worker die silently on an unexpected error
            out = {"status": 500, "error": f"{type(e).__name__}: {e}"}
        _send(sock, out)


def _zygote_main(store: ox.Store, ctl: socket.socket) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(ctl, 16, 1)
        except OSError:
            return
        if not msg:
            return
        fd = fds[0]
        pid = os.fork()
        if pid == 0:
            try:
                _die_with_parent()
                ctl.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                _worker_main(store, socket.socket(fileno=fd))
            finally:
                os._exit(0)
        os.close(fd)
        ctl.sendall(_HDR.pack(pid))


# --------------------------------------------------------------------------- server side


class _Worker:
    def __init__(self, pid: int, sock: socket.socket):
        self.pid = pid
        self.sock = sock

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.sock.close()


class QueryPool:
    """A fixed pool of forked query workers. `run()` is blocking and thread-safe."""

    def __init__(self, store: ox.Store, workers: int = 2, timeout: float = 10.0):
        self.timeout = timeout
        self.size = max(1, workers)
        self._ctl_lock = threading.Lock()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self.kills = 0
        parent_ctl, child_ctl = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # zygote
            try:
                _die_with_parent()
                parent_ctl.close()
                _zygote_main(store, child_ctl)
            finally:
                os._exit(0)
        child_ctl.close()
        self._zygote_pid = pid
        self._ctl = parent_ctl
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def _spawn(self) -> _Worker:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with self._ctl_lock:
            socket.send_fds(self._ctl, [b"spawn"], [theirs.fileno()])
            theirs.close()
            hdr = _recv_exact(self._ctl, _HDR.size)
        if hdr is None:
            raise RuntimeError("query worker zygote has exited")
        w = _Worker(_HDR.unpack(hdr)[0], mine)
        self._all.add(w)
        return w

    def _replace(self, w: _Worker) -> None:
        w.kill()
        self._all.discard(w)
        self.kills += 1
        self._idle.put(self._spawn())

    def run(self, job: Job, timeout: float | None = None) -> dict:
        """Execute `job` in a worker. Raises PoolBusy, QueryTimeout or WorkerDied."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} query workers stayed busy for {timeout:g} s") from None
        try:
            w.sock.settimeout(max(0.001, deadline - time.monotonic()))
            _send(w.sock, job)
            out = _recv(w.sock)
        except (socket.timeout, TimeoutError):
            self._replace(w)
            raise QueryTimeout(f"query stopped after the {timeout:g} s time limit") from None
        except OSError as e:
            self._replace(w)
            raise WorkerDied(f"query worker failed: {e}") from None
        if out is None:
            self._replace(w)
            raise WorkerDied("query worker exited unexpectedly (out of memory?)")
        self._idle.put(w)
        return out

    def worker_pids(self) -> list[int]:
        return [w.pid for w in self._all]

    def close(self) -> None:
        for w in list(self._all):
            w.kill()
        self._all.clear()
        try:
            self._ctl.close()
        except OSError:
            pass
        try:
            os.kill(self._zygote_pid, signal.SIGKILL)
            os.waitpid(self._zygote_pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
