"""A small HTTP/1.1 load generator: asyncio (uvloop when installed), raw keep-alive sockets.

Each connection sends one request, waits for the whole response (Content-Length, chunked or
close-delimited), records status and latency under the request's class, and sends the next one, until
the deadline. No dependency beyond the standard library, so it runs wherever the tests run. Its own
ceiling is measured against `trivial_server` (a canned 200 answer, the cheapest server this
machine can run) by `bench_http.py`, and reported next to the figures.

    groups = [Group("cheap", 8, lambda seq: ("ask", get("/sparql?query=ASK%7B%7D", port)))]
    stats = run(port, groups, duration=10)
"""

from __future__ import annotations

import asyncio
import math
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable


def get(path: str, port: int, accept: str = "*/*") -> bytes:
    """A keep-alive GET request as bytes."""
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n\r\n".encode("ascii")


@dataclass
class Group:
    """`conns` connections, each calling `make(seq)` -> (class name, request bytes) for its next request
    (None: this connection is done). seq is unique across the group's connections: conn, conn + conns, …"""

    name: str
    conns: int
    make: Callable[[int], tuple[str, bytes]]
    sources: list[str] | None = None  # local address per connection (127.0.0.x: distinct "clients")


@dataclass
class ClassStats:
    latencies: list = field(default_factory=list)   # seconds, completed requests only
    status: Counter = field(default_factory=Counter)  # HTTP status, or "timeout" / "conn-error"
    lat_503: list = field(default_factory=list)       # how fast overload is refused
    waited: list = field(default_factory=list)        # unanswered: time waited until timeout/error/the end
    retry_after_503: int = 0
    bytes: int = 0

    def summary(self, duration: float, keep: bool = False) -> dict:
        lat = sorted(self.latencies)
        return {**({"latencies": lat, "waited": sorted(self.waited)} if keep else {}),
                "unanswered": len(self.waited), "max_wait": max(self.waited) if self.waited else None,
                "requests": len(lat), "rps": len(lat) / duration if duration else 0.0,
                "p50": pct(lat, 50), "p99": pct(lat, 99), "max": lat[-1] if lat else None,
                "status": {str(k): v for k, v in sorted(self.status.items(), key=lambda kv: str(kv[0]))},
                "retry_after_503": self.retry_after_503, "bytes": self.bytes,
                "p50_503": pct(sorted(self.lat_503), 50), "p99_503": pct(sorted(self.lat_503), 99)}


def pct(sorted_values: list, p: float):
    """Nearest-rank percentile of an already sorted list (None when empty)."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values) - 1e-9) - 1))
    return sorted_values[k]


class _Proto(asyncio.Protocol):
    """One keep-alive connection; `request()` writes a request and awaits (status, retry_after, size)."""

    def __init__(self):
        self.buf = bytearray()
        self.waiter: asyncio.Future | None = None
        self.closed = False
        self._reset()

    def _reset(self):
        self.head = None          # (status, content_length | None, chunked, retry_after, close)
        self.body = 0
        self.chunk_left = -1      # chunked: bytes left in the current chunk (-1: expect a size line)

    def connection_made(self, transport):
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc):
        self.closed = True
        if self.head and self.head[1] is None and not self.head[2] and self.waiter and not self.waiter.done():
            self._finish()  # close-delimited body
        elif self.waiter and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("connection closed"))

    def request(self, data: bytes) -> asyncio.Future:
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return self.waiter

    def _finish(self):
        st, _, _, ra, close = self.head
        w, size = self.waiter, self.body
        self._reset()
        if close:
            self.transport.close()
        if w and not w.done():
            w.set_result((st, ra, size))

    def data_received(self, data):
        self.buf += data
        while self.waiter is not None and not self.waiter.done():
            if self.head is None:
                i = self.buf.find(b"\r\n\r\n")
                if i < 0:
                    return
                lines = bytes(self.buf[:i]).decode("latin-1").split("\r\n")
                del self.buf[:i + 4]
                status = int(lines[0].split()[1])
                clen, chunked, ra, close = None, False, False, False
                for line in lines[1:]:
                    k, _, v = line.partition(":")
                    k = k.strip().lower()
                    if k == "content-length":
                        clen = int(v)
                    elif k == "transfer-encoding" and "chunked" in v.lower():
                        chunked = True
                    elif k == "retry-after":
                        ra = True
                    elif k == "connection" and "close" in v.lower():
                        close = True
                if status in (204, 304) or (100 <= status < 200):
                    clen = 0
                self.head = (status, clen, chunked, ra, close)
            st, clen, chunked, ra, close = self.head
            if clen is not None:
                take = min(len(self.buf), clen - self.body)
                del self.buf[:take]
                self.body += take
                if self.body < clen:
                    return
                self._finish()
            elif chunked:
                if not self._chunks():
                    return
                self._finish()
            else:  # close-delimited
                self.body += len(self.buf)
                self.buf.clear()
                return

    def _chunks(self) -> bool:
        """Consume chunked body bytes; True once the last chunk and trailers are read."""
        while True:
            if self.chunk_left == -1:
                i = self.buf.find(b"\r\n")
                if i < 0:
                    return False
                size = int(bytes(self.buf[:i]).split(b";")[0], 16)
                del self.buf[:i + 2]
                self.chunk_left = size if size else -2
            if self.chunk_left == -2:  # trailers until an empty line
                i = self.buf.find(b"\r\n")
                if i < 0:
                    return False
                del self.buf[:i + 2]
                if i == 0:
                    return True
                continue
            need = self.chunk_left + 2
            if len(self.buf) < need:
                return False
            self.body += self.chunk_left
            del self.buf[:need]
            self.chunk_left = -1


async def _alive(alive: Callable[[], bool]) -> bool:
    """alive(), asked again 0.1 s later: a killed server's sockets close before its exit is visible."""
    if not alive():
        return False
    await asyncio.sleep(0.1)
    return alive()


async def _connection(loop, port: int, group: Group, conn_no: int, deadline: float, timeout: float,
                      stats: dict, t_record: float, inflight: dict, alive: Callable[[], bool]) -> None:
    proto = None
    seq = conn_no
    while time.perf_counter() < deadline:
        if proto is None or proto.closed:
            try:
                src = (group.sources[conn_no % len(group.sources)], 0) if group.sources else None
                _, proto = await asyncio.wait_for(loop.create_connection(_Proto, "127.0.0.1", port, local_addr=src),
                                                  timeout)
            except (OSError, asyncio.TimeoutError):
                if not await _alive(alive):  # the server is gone: stop, do not count the consequences
                    break
                stats.setdefault(group.name, ClassStats()).status["conn-error"] += 1
                proto = None
                await asyncio.sleep(0.05)
                continue
        nxt = group.make(seq)
        if nxt is None:  # a finite work list is exhausted
            break
        cls, data = nxt
        seq += group.conns
        t0 = time.perf_counter()
        key = (group.name, conn_no)
        inflight[key] = (cls, t0)
        try:
            st, ra, size = await asyncio.wait_for(proto.request(data), max(0.001, min(timeout,
                                                                                      deadline + timeout - t0)))
        except (asyncio.TimeoutError, ConnectionError, OSError) as e:
            # stays in `inflight` while we look whether the server is gone (the run may end meanwhile)
            if not isinstance(e, asyncio.TimeoutError) and not await _alive(alive):
                proto = None
                break  # left in `inflight`: counted as unanswered, with the time it waited
            inflight.pop(key, None)
            if t0 >= t_record:
                s = stats.setdefault(cls, ClassStats())
                s.status["timeout" if isinstance(e, asyncio.TimeoutError) else "conn-error"] += 1
                s.waited.append(time.perf_counter() - t0)
            proto.transport.close()
            proto = None
            continue
        inflight.pop(key, None)
        t1 = time.perf_counter()
        if t0 >= t_record and t1 > deadline:  # still unanswered at the deadline
            stats.setdefault(cls, ClassStats()).waited.append(deadline - t0)
        elif t0 >= t_record:
            s = stats.setdefault(cls, ClassStats())
            s.latencies.append(t1 - t0)
            s.status[st] += 1
            s.bytes += size
            if st == 503:
                s.lat_503.append(t1 - t0)
                s.retry_after_503 += ra
    if proto is not None:
        proto.transport.close()


async def run_async(port: int, groups: list[Group], duration: float, warmup: float = 0.0, timeout: float = 30.0,
                    on_tick: Callable[[], bool] | None = None, tick: float = 0.2,
                    keep_latencies: bool = False, grace: float = 2.0,
                    alive: Callable[[], bool] = lambda: True) -> dict:
    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    t_record = start + warmup
    deadline = t_record + duration
    stats: dict[str, ClassStats] = {}
    inflight: dict = {}
    tasks = [asyncio.ensure_future(_connection(loop, port, g, i, deadline, timeout, stats, t_record, inflight, alive))
             for g in groups for i in range(g.conns)]
    # Requests still running at the deadline (runaways) are abandoned after a short grace period.
    done_all = asyncio.gather(*tasks, return_exceptions=True)
    stopped_early = None
    while not done_all.done():
        now = time.perf_counter()
        if on_tick and on_tick() and now < deadline:
            stopped_early = now - t_record
            break
        if now > deadline + grace:
            break
        await asyncio.wait([done_all], timeout=tick)
    if stopped_early is None and time.perf_counter() < deadline:  # every connection gave up: server gone
        stopped_early = time.perf_counter() - t_record
    if stopped_early is not None:
        duration = max(0.001, stopped_early)
    now = time.perf_counter()
    unfinished = Counter(cls for cls, _ in inflight.values())
    for cls, t0 in list(inflight.values()):
        if t0 >= t_record:
            stats.setdefault(cls, ClassStats()).waited.append(min(now, deadline) - t0)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"duration": duration, "stopped_early": stopped_early is not None, "classes": {k: v.summary(duration,
                                                                                                       keep_latencies)
                                                                             for k, v in sorted(stats.items())},
            "unfinished_at_end": dict(unfinished)}


def run(port: int, groups: list[Group], duration: float, **kw) -> dict:
    """Run the load for `duration` s (after `warmup` s) and return per-class statistics.
    `on_tick()` is called every `tick` s; when it returns True the run stops early (e.g. server died).
    Requests still unanswered `grace` s after the deadline are abandoned (counted as unanswered).
    `alive()` is asked on a connection error: when the server is gone, its connections stop quietly."""
    try:
        import uvloop
        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    return runner(run_async(port, groups, duration, **kw))


# ------------------------------------------------------------------ trivial server (client ceiling)

CANNED = (b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 38\r\n\r\n"
          b'{"head":{},"boolean":true}            ')


class _Trivial(asyncio.Protocol):
    def connection_made(self, transport):
        self.t = transport
        self.buf = b""
        transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data):
        self.buf += data
        n = self.buf.count(b"\r\n\r\n")
        if n:
            self.buf = self.buf[self.buf.rfind(b"\r\n\r\n") + 4:]
            self.t.write(CANNED * n)


def trivial_server(port: int) -> None:
    """Answer every request with the same 38-byte 200 response (for the client's ceiling)."""
    async def main():
        srv = await asyncio.get_running_loop().create_server(_Trivial, "127.0.0.1", port)
        async with srv:
            await srv.serve_forever()
    try:
        import uvloop
        uvloop.run(main())
    except ImportError:
        asyncio.run(main())


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--trivial-server":
        trivial_server(int(sys.argv[2]))
    else:
        print("usage: loadgen.py --trivial-server PORT", file=sys.stderr)
        sys.exit(2)
