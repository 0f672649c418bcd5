"""Run user queries in sandboxed worker processes: real timeouts, memory limits, two lanes, supervision.

pyoxigraph's `Store.query` has no timeout, no memory bound and cannot be interrupted from Python, so
every query runs in a separate process that can be killed. Design:

* **Zygote.** Right after the store is loaded, before the server starts any thread, the server forks
  a *zygote*: a single-threaded process holding the store (copy-on-write). It enters the network
  barrier (sandbox.py) and forks the query workers on request; each worker gets one end of a
  socketpair passed with SCM_RIGHTS. Forking from a threaded process is unsafe, so the server itself
  never forks again: if the zygote dies, the supervisor starts a *fresh interpreter* (subprocess:
  fork+exec, safe from threads) that loads a dump of the store and becomes the new zygote.
* **Workers** run the guard (guard.py) themselves, so no parsing happens in the server's event
  loop, then the query, then serialise the result with row and byte caps. A worker whose memory
  grows past `memory_limit` over its size at birth is killed by the watchdog (507 for the client);
  RLIMIT_AS is a hard backstop for allocations faster than the watchdog's 20 ms tick.
* **Two lanes.** Every query starts in the *fast lane* (`fast_workers` processes) and gets
  `fast_budget` seconds there. A query still running then is moved, with its process, to the *slow
  lane* (at most `slow_workers` at once, at most `slow_per_client` per client, reniced to 19 so it
  yields the CPU to the fast lane) and may run to `timeout`; a fresh fast worker replaces it.
  When the slow lane (or the client's share) is full, the query is stopped at once: 503 (429 for
  the client's share) with Retry-After, never after a full timeout; while it is full the fast budget
  shrinks to `busy_budget` (0.1 s), so a burst of runaways cannot hold the fast lane long. Slow-lane
  processes are discarded after their query (they may have grown). So runaway queries can hold at
  most the slow lane; cheap queries always find the fast lane (waiting at most `fast_budget` for a
  process), and a flood of requests gets a quick 503 instead of a queue without end.
* The server talks to workers over non-blocking sockets from the event loop (no thread hop per
  request); messages are length-prefixed pickles between our own processes.
"""

from __future__ import annotations

import asyncio
import collections
import ctypes
import os
import pickle
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..search import sparql as search_sparql
from . import guard, results, sandbox
from .protocol import ProtocolError, negotiate, syntax_error_message

_HDR = struct.Struct("!I")
OVERRUN_MEMORY = 10.0  # s a client's fast-budget overrun lowers its priority for a fast process
MB = 1024 * 1024


class QueryTimeout(Exception):
    pass


class PoolBusy(Exception):
    """The pool cannot take the query now (503, or 429 for a client over its share)."""

    def __init__(self, message: str, status: int = 503, retry_after: int = 2):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class WorkerDied(Exception):
    """The worker died: `status` is 503 while the zygote restarts, 500 for an unexplained crash."""

    def __init__(self, message: str, status: int = 500):
        super().__init__(message)
        self.status = status


class MemoryExceeded(Exception):
    pass


@dataclass
class PoolConfig:
    fast_workers: int = 2
    slow_workers: int = 2
    timeout: float = 10.0
    fast_budget: float = 0.25
    busy_budget: float = 0.1      # the fast budget while the slow lane (or the client's share) is full
    memory_limit: int = 256 * MB  # per worker, over its size at birth (the shared store is not counted)
    max_response: int = 16 * MB   # serialised result bytes
    slow_per_client: int = 1      # 0: no per-client limit
    fast_queue: int = 512         # requests waiting for a fast worker beyond which → 503
    queue_wait: float = 2.0       # seconds a request may wait for a fast worker
    service_allow: frozenset[str] = frozenset()
    guard: bool = True            # tests only: False runs queries unchecked (the barrier alone holds)
    barriers: tuple[str, ...] | None = None  # None: ("seccomp", "netns") unless service_allow is set


# --------------------------------------------------------------------------- wire


def _frame(obj) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _HDR.pack(len(data)) + data


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
    return None if data is None else pickle.loads(data)


def _die_with_parent() -> None:
    """Linux: get SIGKILL when the parent dies, so no orphan keeps the store in memory."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - non-Linux
        pass


def _status(pid: int, key: str) -> int | None:
    """A kB field of /proc/PID/status, in bytes (None if the process is gone)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


# --------------------------------------------------------------------------- query execution (worker side)


@dataclass
class Job:
    query: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    accept: str
    format: str | None
    max_results: int
    union: bool = False  # use pyoxigraph's union flag (only if the default graph is not materialised)
    base_iri: str | None = None  # resolves relative IRIs in the query (SPARQL Protocol: the endpoint URL)


@dataclass
class Task:
    """Work other than a SPARQL query, run in a query worker with the same time and memory limits (the
    check page's upload check, kg.checking.check_upload): ``fn(*args)`` (a module-level function, pickled
    by name) → {'status': 200, 'result': its value}; an exception with a ``status`` (a client's mistake)
    → {'status': that, 'error': its message}. ``max_result``: bytes the pickled result may take."""
    fn: object
    args: tuple = ()
    max_result: int = 32 * MB

    def run(self) -> dict:
        try:
            return {"status": 200, "result": self.fn(*self.args)}
        except MemoryError:
            return {"status": 507, "error": "the task needed more than the memory limit of its worker"}
        except Exception as e:  # a typed error says who is at fault; anything else is the server's
            status = getattr(e, "status", None)
            if isinstance(status, int) and 400 <= status < 600:
                return {"status": status, "error": str(e)}
            return {"status": 500, "error": f"{type(e).__name__}: {e}"}


def execute(store: ox.Store, job: Job, cfg: PoolConfig | None = None) -> dict:
    """Check and run one query; returns {'status', 'body', 'media_type', 'truncated', 'count'} or an error."""
    cfg = cfg or PoolConfig()
    try:
        if cfg.guard:
            guard.check(job.query, cfg.service_allow)
        kwargs: dict = {"base_iri": job.base_iri} if job.base_iri else {}
        if job.default_graphs or job.named_graphs:
            # The protocol's dataset replaces the store's: only the graphs named in the request.
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
        elif job.union:
            kwargs["use_default_graph_as_union"] = True
        kwargs["custom_functions"] = search_sparql.functions()  # search:score / search:matches (kg/search/sparql.py)
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
        op = guard.update_kind(job.query)
        if op:
            e2 = guard.refusal_for_update(op)
            return {"status": e2.status, "error": e2.message}
        return {"status": 400, "error": syntax_error_message(job.query, str(e))}
    except ValueError as e:  # e.g. a bad IRI in default-graph-uri
        return {"status": 400, "error": str(e)}
    except MemoryError:
        return {"status": 507, "error": f"query stopped: it needed more than the memory limit of "
                                        f"{cfg.memory_limit // MB} MB per query"}
    except OSError as e:
        return {"status": 500, "error": f"query evaluation failed: {e}"}
    if len(p.body) > cfg.max_response:
        return {"status": 507, "error": f"the result is {len(p.body) / MB:.1f} MB, over the response limit of "
                                        f"{cfg.max_response / MB:g} MB: add a LIMIT or select fewer or shorter values"}
    return {"status": 200, "body": p.body, "media_type": p.media_type, "truncated": p.truncated, "count": p.count}


def _worker_main(store: ox.Store, sock: socket.socket, cfg: PoolConfig) -> None:
    vm = _status(os.getpid(), b"VmSize:")
    if vm:  # hard backstop far above the watchdog's limit: a failed allocation ends the process
        lim = vm + 2 * cfg.memory_limit + 64 * MB
        try:
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
        except (ValueError, OSError):
            pass
    while True:
        job = _recv(sock)
        if job is None:
            return
        try:
            out = job.run() if isinstance(job, Task) else execute(store, job, cfg)
        except Exception as e:  # never let a worker die silently on an unexpected error
            out = {"status": 500, "error": f"{type(e).__name__}: {e}"}
        sock.sendall(_frame(out))


def _zygote_main(store: ox.Store, ctl: socket.socket, cfg: PoolConfig) -> None:
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
                _worker_main(store, socket.socket(fileno=fd), cfg)
            finally:
                os._exit(0)
        os.close(fd)
        ctl.sendall(_HDR.pack(pid))


def _enter_zygote(store: ox.Store, ctl: socket.socket, cfg: PoolConfig) -> None:
    barriers = cfg.barriers if cfg.barriers is not None else (() if cfg.service_allow else ("seccomp", "netns"))
    active, why = sandbox.install(barriers)
    ctl.sendall(_frame({"barriers": active, "why": why}))
    _zygote_main(store, ctl, cfg)


def zygote_entry() -> None:
    """`python -c 'from kg.serve.executor import zygote_entry; zygote_entry()' FD DUMP CFG`: a fresh
    zygote for a server whose first zygote died (the server is threaded by then and must not fork)."""
    fd, dump, cfg_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    _die_with_parent()
    ctl = socket.socket(fileno=fd)
    with open(cfg_path, "rb") as f:
        cfg, search_index = pickle.load(f)
    search_sparql.configure(search_index)
    store = ox.Store()
    store.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
    _enter_zygote(store, ctl, cfg)


# --------------------------------------------------------------------------- server side


async def _gone(pid: int, wait: float) -> None:
    """Wait (at most `wait` s) until a killed process no longer exists."""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        await asyncio.sleep(0.005)


class _Worker:
    __slots__ = ("pid", "sock", "base", "lane", "killed", "peak", "born")

    def __init__(self, pid: int, sock: socket.socket):
        self.pid = pid
        self.sock = sock
        self.sock.setblocking(False)
        self.base = _status(pid, b"RssAnon:") or 0
        self.lane = "idle"   # idle | fast | slow | dead
        self.killed: str | None = None  # why we killed it: "memory" | "timeout" | "busy" | "close"
        self.peak = 0
        self.born = time.monotonic()

    def kill(self, why: str) -> None:
        """SIGKILL the process. The socket stays open: a coroutine may be reading it (it sees EOF);
        whoever owns the worker closes it (`close()`)."""
        if self.killed is None:
            self.killed = why
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.lane = "dead"

    def close(self, *_args) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class _Exchange:
    """One job → result exchange with a worker, driven by event-loop callbacks on its socket: one
    future per query instead of a task plus a future per send and per received chunk. `fut` gets the
    unpickled result, None on EOF (the worker died) or an oversized frame, or an OSError."""

    __slots__ = ("loop", "sock", "fd", "fut", "buf", "need", "limit", "rest")

    def __init__(self, loop: asyncio.AbstractEventLoop, sock: socket.socket, frame: bytes, limit: int):
        self.loop, self.sock, self.fd, self.limit = loop, sock, sock.fileno(), limit
        self.fut = loop.create_future()
        self.buf = bytearray()
        self.need = _HDR.size
        self.rest: memoryview | None = None
        try:
            n = sock.send(frame)
        except (BlockingIOError, InterruptedError):
            n = 0
        except OSError as e:
            self.fut.set_exception(e)
            return
        if n < len(frame):  # a long query text: the rest as the socket drains
            self.rest = memoryview(frame)[n:]
            loop.add_writer(self.fd, self._write)
        loop.add_reader(self.fd, self._read)

    def _write(self) -> None:
        try:
            n = self.sock.send(self.rest)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            return self._finish(exc=e)
        self.rest = self.rest[n:]
        if not len(self.rest):
            self.loop.remove_writer(self.fd)
            self.rest = None

    def _read(self) -> None:
        try:
            chunk = self.sock.recv(max(65536, self.need - len(self.buf)))
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            return self._finish(exc=e)
        if not chunk:
            return self._finish(None)
        buf = self.buf
        buf += chunk
        if self.need == _HDR.size and len(buf) >= _HDR.size:
            self.need = _HDR.size + _HDR.unpack_from(buf)[0]
            if self.need > self.limit + _HDR.size:
                return self._finish(None)
        if len(buf) >= self.need:
            try:
                out = pickle.loads(memoryview(buf)[_HDR.size:self.need])
            except Exception as e:  # our own workers' frames: only a torn one would fail
                return self._finish(exc=OSError(f"bad frame from a query worker: {e}"))
            self._finish(out)

    def _finish(self, out=None, exc: BaseException | None = None) -> None:
        self._detach()
        if not self.fut.done():
            if exc is not None:
                self.fut.set_exception(exc)
            else:
                self.fut.set_result(out)

    def _detach(self) -> None:
        try:
            self.loop.remove_reader(self.fd)
            if self.rest is not None:
                self.loop.remove_writer(self.fd)
                self.rest = None
        except (ValueError, OSError):  # already closed
            pass

    def cancel(self) -> None:
        """Stop listening (before the socket is closed); the result, if any, is dropped."""
        self._detach()
        if not self.fut.done():
            self.fut.cancel()


class QueryPool:
    """Forked, sandboxed query workers in a fast and a slow lane, supervised. `run()` is a coroutine."""

    def __init__(self, store: ox.Store, workers: int | None = None, timeout: float | None = None,
                 config: PoolConfig | None = None):
        cfg = config or PoolConfig()
        if workers is not None:
            cfg.fast_workers = workers
        if timeout is not None:
            cfg.timeout = timeout
        cfg.fast_workers = max(1, cfg.fast_workers)
        cfg.slow_workers = max(0, cfg.slow_workers)
        self.cfg = cfg
        self.timeout = cfg.timeout
        self.size = cfg.fast_workers
        self._store = store
        self._lock = threading.RLock()
        self._idle: collections.deque[_Worker] = collections.deque()
        self._waiters: collections.deque[tuple[asyncio.Future, str]] = collections.deque()
        self._fast_by_client: collections.Counter = collections.Counter()  # fast processes in use
        self._overran: dict[str, float] = {}  # client → when one of its queries last overran the fast budget
        self._all: set[_Worker] = set()
        self._fast_count = 0          # fast-lane processes alive (idle or busy)
        self._slow_busy = 0
        self._slow_by_client: collections.Counter = collections.Counter()
        self.kills = 0
        self.respawns = 0             # zygote restarts
        self.last_respawn_s: float | None = None
        self.memory_kills = 0
        self.barriers: tuple[str, ...] = ()
        self.barrier_notes: list[str] = []
        self._ctl_lock = threading.Lock()
        self._zygote_ok = False
        self._closed = False
        self._wake = threading.Event()
        self._dump_dir: tempfile.TemporaryDirectory | None = None
        self._zygote_proc: subprocess.Popen | None = None
        self._start_zygote_fork(store)
        for _ in range(cfg.fast_workers):
            self._add_idle(self._spawn())
            self._fast_count += 1
        self._thread = threading.Thread(target=self._supervise, name="kg-query-supervisor", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ zygote

    def _start_zygote_fork(self, store: ox.Store) -> None:
        parent_ctl, child_ctl = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # zygote
            try:
                _die_with_parent()
                parent_ctl.close()
                _enter_zygote(store, child_ctl, self.cfg)
            finally:
                os._exit(0)
        child_ctl.close()
        self._zygote_pid = pid
        self._ready(parent_ctl, 30)

    def _ready(self, ctl: socket.socket, wait: float) -> None:
        ctl.settimeout(wait)
        try:
            hello = _recv(ctl)
        except (OSError, socket.timeout):
            hello = None
        ctl.settimeout(None)
        if hello is None:
            raise RuntimeError("query worker zygote did not start")
        self.barriers = tuple(hello["barriers"])
        self.barrier_notes = list(hello["why"])
        self._ctl = ctl
        self._zygote_ok = True

    def _zygote_alive(self) -> bool:
        if self._zygote_proc is not None:
            return self._zygote_proc.poll() is None
        try:
            pid, _st = os.waitpid(self._zygote_pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return pid == 0

    def _respawn_zygote(self) -> None:
        """A fresh interpreter loads a dump of the store and becomes the zygote (fork+exec is safe
        from a threaded process; fork alone is not)."""
        t0 = time.monotonic()
        try:
            self._ctl.close()
        except OSError:
            pass
        if self._dump_dir is None:
            self._dump_dir = tempfile.TemporaryDirectory(prefix="kg-zygote-")
        dump = Path(self._dump_dir.name) / "store.nq"
        cfgp = Path(self._dump_dir.name) / "config.pickle"
        if not dump.exists():
            self._store.dump(str(dump) + ".tmp", format=ox.RdfFormat.N_QUADS)
            os.replace(str(dump) + ".tmp", dump)
            cfgp.write_bytes(pickle.dumps((self.cfg, search_sparql.configured_path())))
        parent_ctl, child_ctl = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self._zygote_proc = subprocess.Popen(
            [sys.executable, "-c", "from kg.serve.executor import zygote_entry; zygote_entry()",
             str(child_ctl.fileno()), str(dump), str(cfgp)],
            pass_fds=(child_ctl.fileno(),), env=env, stdin=subprocess.DEVNULL)
        child_ctl.close()
        self._zygote_pid = self._zygote_proc.pid
        self._ready(parent_ctl, 300)
        self.respawns += 1
        self.last_respawn_s = time.monotonic() - t0

    def _spawn(self) -> _Worker:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with self._ctl_lock:
            try:
                socket.send_fds(self._ctl, [b"spawn"], [theirs.fileno()])
                hdr = _recv_exact(self._ctl, _HDR.size)
            except OSError:
                hdr = None
            finally:
                theirs.close()
        if hdr is None:
            mine.close()
            self._zygote_ok = False
            raise WorkerDied("query worker zygote has exited", 503)
        w = _Worker(_HDR.unpack(hdr)[0], mine)
        with self._lock:
            self._all.add(w)
        return w

    # ------------------------------------------------------------------ idle set (thread-safe)

    def _add_idle(self, w: _Worker) -> None:
        with self._lock:
            if w.lane == "dead":
                return
            w.lane = "idle"
            if w.pid and w not in self._all:
                self._all.add(w)
            # Fair share: the next process goes to the waiting client that holds the fewest fast
            # processes now (first come first served among equals), so one client's burst of
            # runaways cannot make other clients wait behind it; clients whose queries overran the
            # fast budget in the last OVERRUN_MEMORY s come after all others (a runaway sender,
            # resubmitting as soon as it gets its 503, would otherwise hold the fast lane for a
            # busy budget per turn while cheap queries queue behind it).
            best = best_key = None
            now = time.monotonic()
            for i, (fut, client) in enumerate(self._waiters):
                if fut.done():
                    continue
                key = (now - self._overran.get(client, -OVERRUN_MEMORY) < OVERRUN_MEMORY, self._fast_by_client[client])
                if best is None or key < best_key:
                    best, best_key = i, key
                    if key == (False, 0):
                        break
            if best is not None:
                fut, client = self._waiters[best]
                del self._waiters[best]
                w.lane = "fast"
                self._fast_by_client[client] += 1
                fut.get_loop().call_soon_threadsafe(self._deliver, fut, w, client)
                return
            self._waiters.clear()  # only abandoned waiters were left
            self._idle.append(w)

    def _deliver(self, fut: asyncio.Future, w: _Worker, client: str) -> None:
        if fut.done():  # the waiter gave up in the meantime
            self._release_share(client)
            self._add_idle(w)
        else:
            fut.set_result(w)

    def _release_share(self, client: str) -> None:
        with self._lock:
            self._fast_by_client[client] -= 1
            if self._fast_by_client[client] <= 0:
                del self._fast_by_client[client]

    def _forget(self, w: _Worker, lane_was: str) -> None:
        with self._lock:
            if w not in self._all:
                return
            self._all.discard(w)
            try:
                self._idle.remove(w)
            except ValueError:
                pass
            if lane_was in ("idle", "fast"):
                self._fast_count -= 1
        self._wake.set()

    async def _acquire(self, client: str) -> _Worker:
        with self._lock:
            while self._idle:
                w = self._idle.popleft()
                if w.lane != "dead":
                    w.lane = "fast"
                    self._fast_by_client[client] += 1
                    return w
            if not self._zygote_ok:
                raise WorkerDied("the query workers are restarting; try again in a few seconds", 503)
            if len(self._waiters) >= self.cfg.fast_queue:
                raise PoolBusy(f"{len(self._waiters)} queries are already waiting for a query worker")
            fut = asyncio.get_running_loop().create_future()
            self._waiters.append((fut, client))
        try:
            return await asyncio.wait_for(fut, self.cfg.queue_wait)
        except asyncio.TimeoutError:
            with self._lock:
                try:
                    self._waiters.remove((fut, client))
                except ValueError:
                    pass
            raise PoolBusy(f"no query worker became free within {self.cfg.queue_wait:g} s") from None

    # ------------------------------------------------------------------ running a job

    def _roundtrip(self, w: _Worker, frame: bytes, limit: int | None = None) -> "_Exchange":
        return _Exchange(asyncio.get_running_loop(), w.sock, frame, (limit or self.cfg.max_response) + MB)

    def _died(self, w: _Worker) -> Exception:
        if w.killed == "memory":
            return MemoryExceeded(f"query stopped: its worker grew past the memory limit of "
                                  f"{self.cfg.memory_limit // MB} MB per query (reached {w.peak // MB} MB)")
        if w.killed is None and w.peak >= self.cfg.memory_limit // 2:  # RLIMIT_AS ended it between two ticks
            return MemoryExceeded(f"query stopped: its worker ran out of memory (limit "
                                  f"{self.cfg.memory_limit // MB} MB per query, reached at least {w.peak // MB} MB)")
        if w.killed == "zygote" or not self._zygote_alive():
            self._wake.set()  # the supervisor notices a dead zygote and starts a fresh one
            return WorkerDied("the query workers are restarting; try again in a few seconds", 503)
        return WorkerDied("the query worker crashed while running this query")

    async def run(self, job: Job | Task, timeout: float | None = None, client: str = "") -> dict:
        """Execute `job` (a query, or a Task). Raises PoolBusy, QueryTimeout, MemoryExceeded or WorkerDied."""
        timeout = self.cfg.timeout if timeout is None else timeout
        w = await self._acquire(client)
        held = [True]  # the client's fair share of the fast lane, until the query leaves it
        try:
            return await self._run_on(w, job, timeout, client, held)
        finally:
            if held[0]:
                self._release_share(client)

    async def _run_on(self, w: _Worker, job: Job, timeout: float, client: str, held: list) -> dict:
        t0 = time.monotonic()
        task = self._roundtrip(w, _frame(job), job.max_result if isinstance(job, Task) else None)
        lane = "fast"
        per = self.cfg.slow_per_client
        budget = self.cfg.fast_budget
        if self._slow_busy >= self.cfg.slow_workers or (per and self._slow_by_client[client] >= per):
            # A query that overruns now will be refused anyway: do not let it hold a fast process long
            # (a burst of runaways would otherwise fill the fast lane for N × fast_budget).
            budget = min(budget, self.cfg.busy_budget)
        try:
            done, _ = await asyncio.wait({task.fut}, timeout=min(budget, timeout))
            if not done:
                if len(self._overran) > 4096:
                    self._overran.clear()  # bounded; only the priority order of waiters depends on it
                self._overran[client] = time.monotonic()
                if timeout <= budget:
                    raise QueryTimeout(f"query stopped after the {timeout:g} s time limit")
                with self._lock:
                    if self._slow_busy >= self.cfg.slow_workers:
                        raise PoolBusy(f"the server is busy with {self._slow_busy} long-running queries; "
                                       f"this one ran over {budget:g} s and was stopped",
                                       503, max(1, int(self.cfg.timeout / 2)))
                    if per and self._slow_by_client[client] >= per:
                        raise PoolBusy(f"you already have {self._slow_by_client[client]} long-running "
                                       f"quer{'y' if per == 1 else 'ies'} (the limit per client); this one ran "
                                       f"over {budget:g} s and was stopped", 429,
                                       max(1, int(self.cfg.timeout / 2)))
                    self._slow_busy += 1
                    self._slow_by_client[client] += 1
                    self._fast_count -= 1
                    w.lane = lane = "slow"
                self._release_share(client)
                held[0] = False
                self._wake.set()  # the supervisor forks a fresh fast worker
                try:
                    os.setpriority(os.PRIO_PROCESS, w.pid, 19)
                except OSError:
                    pass
                done, _ = await asyncio.wait({task.fut}, timeout=max(0.0, timeout - (time.monotonic() - t0)))
                if not done:
                    raise QueryTimeout(f"query stopped after the {timeout:g} s time limit")
            out = task.fut.result()
        except (QueryTimeout, PoolBusy) as e:
            self._discard(w, lane, "timeout" if isinstance(e, QueryTimeout) else "busy", task)
            await _gone(w.pid, 0.5)  # answer once the CPU work has really stopped
            raise
        except OSError:
            self._discard(w, lane, w.killed or "error", task)
            raise self._died(w) from None
        except BaseException:  # cancelled (client went away): the worker's state is unknown
            self._discard(w, lane, "cancelled", task)
            raise
        finally:
            if lane == "slow":
                with self._lock:
                    self._slow_busy -= 1
                    self._slow_by_client[client] -= 1
                    if self._slow_by_client[client] <= 0:
                        del self._slow_by_client[client]
        if out is None:
            self._discard(w, lane, w.killed or "died")
            raise self._died(w)
        if lane == "slow":
            self._discard(w, lane, "done")  # may have grown: a fresh fork is cheap
        else:
            self._add_idle(w)
        return out

    def _discard(self, w: _Worker, lane: str, why: str, task: "_Exchange | None" = None) -> None:
        if w.lane != "dead":
            w.kill(why)
            self.kills += 1
        if task is not None:
            task.cancel()  # the loop lets go of the socket before it is closed
        w.close()
        self._forget(w, "fast" if lane == "fast" else "slow")

    # ------------------------------------------------------------------ supervisor thread

    def _supervise(self) -> None:
        tick = 0.02
        while not self._closed:
            self._wake.wait(tick)
            self._wake.clear()
            if self._closed:
                return
            try:
                self._watch_memory()
                if not self._zygote_alive() or not self._zygote_ok:
                    self._zygote_ok = False
                    self._restart_all()
                    continue
                self._reap_idle()
                while self._fast_count < self.cfg.fast_workers and not self._closed:
                    with self._lock:
                        self._fast_count += 1
                    try:
                        w = self._spawn()
                    except WorkerDied:
                        with self._lock:
                            self._fast_count -= 1
                        break
                    self._add_idle(w)
            except Exception as e:  # keep supervising whatever happens
                print(f"kg serve: query supervisor: {type(e).__name__}: {e}", file=sys.stderr)
                time.sleep(0.5)

    def _watch_memory(self) -> None:
        limit = self.cfg.memory_limit
        with self._lock:
            busy = [w for w in self._all if w.lane in ("fast", "slow", "idle")]
        for w in busy:
            rss = _status(w.pid, b"RssAnon:")
            if rss is None:
                continue
            grown = rss - w.base
            if grown > w.peak:
                w.peak = grown
            if w.lane == "idle" and grown > limit // 2:  # a fast query left it big: recycle it
                with self._lock:
                    if w not in self._idle:
                        continue
                    self._idle.remove(w)
                w.kill("recycled")
                w.close()
                self._forget(w, "idle")
            elif grown > limit and w.lane in ("fast", "slow"):
                self.memory_kills += 1
                w.kill("memory")  # the coroutine running its query sees EOF and answers 507

    def _reap_idle(self) -> None:
        with self._lock:  # held: a worker taken from the idle set meanwhile would speak
            idle = list(self._idle)
            if not idle:
                return
            try:
                readable, _, _ = select.select([w.sock for w in idle], [], [], 0)
            except (OSError, ValueError):
                readable = [w.sock for w in idle if w.sock.fileno() < 0]
            dead = [w for w in idle if w.sock in readable]  # an idle worker never speaks: EOF, it died
            for w in dead:
                self._idle.remove(w)
        for w in dead:
            w.kill("died")
            w.close()
            self._forget(w, "idle")

    def _restart_all(self) -> None:
        with self._lock:
            workers = list(self._all)
        for w in workers:
            with self._lock:
                was_idle = w in self._idle
                if was_idle:
                    self._idle.remove(w)
            w.kill("zygote")
            if was_idle:
                w.close()
                self._forget(w, "idle")
        try:
            os.kill(self._zygote_pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._zygote_alive()  # reap
        if self._closed:
            return
        try:
            self._respawn_zygote()
        except Exception as e:
            print(f"kg serve: cannot restart the query zygote: {e}", file=sys.stderr)
            time.sleep(1)
            return
        print(f"kg serve: query zygote restarted in {self.last_respawn_s:.2f} s", file=sys.stderr)
        self._wake.set()

    # ------------------------------------------------------------------ introspection

    def healthy(self) -> bool:
        return self._zygote_ok and self._zygote_alive() and self._fast_count > 0

    def stats(self) -> dict:
        with self._lock:
            return {
                "zygote_pid": self._zygote_pid, "zygote_alive": self._zygote_alive(),
                "fast_workers": self._fast_count, "fast_idle": len(self._idle), "waiting": len(self._waiters),
                "slow_busy": self._slow_busy, "slow_workers": self.cfg.slow_workers,
                "kills": self.kills, "memory_kills": self.memory_kills, "zygote_restarts": self.respawns,
                "last_zygote_restart_s": None if self.last_respawn_s is None else round(self.last_respawn_s, 3),
                "network_barriers": list(self.barriers),
            }

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._all if w.lane != "dead"]

    def close(self) -> None:
        self._closed = True
        self._wake.set()
        with self._lock:
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
        for w in workers:
            w.kill("close")
            w.close()
        try:
            self._ctl.close()
        except OSError:
            pass
        try:
            os.kill(self._zygote_pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self._zygote_proc is not None:
            self._zygote_proc.wait()
        else:
            try:
                os.waitpid(self._zygote_pid, 0)
            except ChildProcessError:
                pass
        if self._dump_dir is not None:
            self._dump_dir.cleanup()
