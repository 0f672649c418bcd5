"""One request cannot stall another, memory stays bounded, workers and zygote recover (issue 12,
findings 2–6), against a real `kg serve` process on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from serve_helpers import fixture_store, kg_serve_process

from kg.serve.executor import Job, MemoryExceeded, PoolBusy, PoolConfig, QueryPool

pytestmark = pytest.mark.slow

CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
SORT_BOMB = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"  # 3.6 GB in 10 s in the report


def _dataset(path: Path, n: int = 4000) -> Path:
    with open(path, "w") as f:
        for i in range(n):
            f.write(f'<http://example.org/s{i}> <http://example.org/p{i % 7}> "value {i} {"x" * 40}" '
                    '<http://example.org/g> .\n')
    return path


def _get(url: str, timeout: float = 30, data: bytes | None = None):
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/sparql-query"} if data else {})
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), {k.lower(): v for k, v in r.headers.items()}, time.monotonic() - t0
    except urllib.error.HTTPError as e:
        return e.code, e.read(), {k.lower(): v for k, v in e.headers.items()}, time.monotonic() - t0


def _q(base: str, q: str, fmt: str = "json") -> str:
    return f"{base}/sparql?format={fmt}&query=" + urllib.parse.quote(q)


def _rss(pid: int) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("iso")
    data = _dataset(tmp / "dataset.nq")
    args = ["--data", str(data), "--timeout", "6", "--workers", "2", "--slow-workers", "2", "--slow-per-client", "0",
            "--memory-limit", "128", "--max-response-mb", "1", "--base-iri", "http://example.org/"]
    with kg_serve_process(args, tmp / "server.log", probe="/health", wait=60) as (url, proc):
        yield url, proc, tmp / "server.log"


def test_startup_names_the_network_barrier_and_health_is_json(srv):
    url, _proc, log = srv
    assert "query workers: no network (" in log.read_text()
    status, body, headers, _ = _get(url + "/health")
    h = json.loads(body)
    assert status == 200 and h["status"] == "ok" and h["sparql"] is True
    assert headers["content-type"].startswith("application/json")
    assert "seccomp" in h["pool"]["network_barriers"]


def test_cheap_queries_keep_answering_beside_runaways(srv):
    """Finding 3: two runaways (as many as workers) made an uncached ASK wait 9.7 s."""
    url = srv[0]
    results = []
    ths = [threading.Thread(target=lambda: results.append(_get(_q(url, CROSS)))) for _ in range(2)]
    for t in ths:
        t.start()
    time.sleep(0.8)  # both are past the fast budget now, in the slow lane
    lat = []
    for i in range(30):
        status, body, _h, secs = _get(_q(url, f"ASK {{ <http://example.org/s{i}> ?p ?o }}"), timeout=10)
        assert status == 200 and json.loads(body)["boolean"] is True
        lat.append(secs)
    for t in ths:
        t.join(30)
    assert [r[0] for r in results] == [504, 504]
    lat.sort()
    assert statistics.median(lat) < 0.15 and lat[-2] < 0.5, lat  # (targets are in bench/; old code: 9.7 s)


def test_overload_is_refused_quickly_not_after_the_timeout(srv):
    url = srv[0]
    results = []
    ths = [threading.Thread(target=lambda: results.append(_get(_q(url, CROSS)))) for _ in range(2)]
    for t in ths:
        t.start()
    time.sleep(0.8)
    status, body, headers, secs = _get(_q(url, CROSS + " LIMIT 2"))
    for t in ths:
        t.join(30)
    assert status == 503 and "retry-after" in headers and secs < 2.5, (status, body, secs)


def test_big_query_does_not_freeze_the_server(srv):
    """Finding 2: a 20 KB query with '# service' froze every request (cached ones too) for ~16 s."""
    url = srv[0]
    cached = _q(url, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert _get(cached)[0] == 200
    big = ("SELECT * WHERE { <http://example.org/s1> ?p ?o # service\n FILTER(?o IN ("
           + ",".join(f'"v{i}"' for i in range(5000)) + ")) }").encode()
    out = []
    threads = [threading.Thread(target=lambda: out.append(_get(url + "/sparql", data=big))) for _ in range(3)]
    for t in threads:
        t.start()
    worst = max(_get(cached)[3] for _ in range(20))
    for t in threads:
        t.join(30)
    assert worst < 0.5, worst
    codes = [o[0] for o in out]
    assert 200 in codes and set(codes) <= {200, 503}, codes  # 503: the slow lane (2) was full


def test_memory_runaway_is_stopped_early(srv):
    """Finding 4: one worker reached 3.6 GB on this query; now it is stopped at the per-query limit."""
    url = srv[0]
    status, body, _h, secs = _get(_q(url, SORT_BOMB))
    text = body.decode()
    assert status == 507 and "memory limit of 128 MB" in text, text
    reached = int(text.split("reached ")[1].split(" MB")[0])
    assert reached < 400, text  # well before 1 GB (the watchdog ticks every 20 ms)
    assert _get(url + "/health")[0] == 200


def test_big_answers_do_not_grow_the_server(srv):
    """Finding 4: 20 one-row GROUP_CONCAT answers grew the main process from 227 MB to 1.38 GB for good."""
    url, proc, _log = srv
    before = _rss(proc.pid)
    for i in range(20):
        q = f'SELECT (GROUP_CONCAT(CONCAT(?o, "{i}")) AS ?x) {{ ?s ?p ?o VALUES ?k {{ 1 2 3 4 5 6 7 8 }} }}'
        status, body, _h, _s = _get(_q(url, q))
        assert status == 507 and b"response limit of 1 MB" in body, body[:200]
    assert _rss(proc.pid) - before < 50 * 1024 * 1024


def test_deep_nesting_is_a_clear_400(srv):
    """Finding 6: depth 5000 crashed the worker and was reported as 'out of memory?'."""
    url = srv[0]
    q = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o " + "} " * 5000
    status, body, _h, _s = _get(url + "/sparql", data=q.encode())
    assert status == 400 and b"nesting depth 5000 exceeds the limit of 64" in body, body[:300]


def test_zygote_death_is_survived(srv):
    """Finding 5: when the workers' parent died, SPARQL answered 500 then 503 for ever."""
    url = srv[0]
    h = json.loads(_get(url + "/health")[1])
    os.kill(h["pool"]["zygote_pid"], signal.SIGKILL)
    t0 = time.monotonic()
    codes = set()
    n = 0
    # A worker of the dead zygote may still answer for a moment (it gets SIGKILL from the kernel
    # shortly after its parent died), so wait until the restart shows; a nonce keeps the cache out.
    while time.monotonic() - t0 < 60:
        n += 1
        status, _b, _h, _s = _get(_q(url, f'ASK {{ ?s ?p ?o FILTER("{n}" != "x") }}'), timeout=10)
        codes.add(status)
        if status == 200:
            h2 = json.loads(_get(url + "/health")[1])
            if h2["pool"]["zygote_restarts"] >= 1:
                break
        time.sleep(0.1)
    assert status == 200, codes
    assert codes <= {200, 503}, codes  # never a 500 while it restarts
    assert (h2["status"] == "ok" and h2["pool"]["zygote_restarts"] == 1
            and h2["pool"]["zygote_pid"] != h["pool"]["zygote_pid"])
    assert "seccomp" in h2["pool"]["network_barriers"]  # the fresh zygote is sandboxed too
    print(f"zygote restart took {h2['pool']['last_zygote_restart_s']} s")


# ---------------------------------------------------------------- in-process pool units


def test_per_client_share_of_the_slow_lane():
    pool = QueryPool(fixture_store(), config=PoolConfig(fast_workers=1, slow_workers=2, timeout=4,
                                                        fast_budget=0.2, slow_per_client=1))

    async def go():
        job = Job(CROSS, (), (), "text/csv", None, 10)
        first = asyncio.ensure_future(pool.run(job, client="a"))
        await asyncio.sleep(0.5)
        t0 = time.monotonic()
        with pytest.raises(PoolBusy) as e:
            await pool.run(job, client="a")
        assert e.value.status == 429 and time.monotonic() - t0 < 1.5
        other = asyncio.ensure_future(pool.run(job, client="b"))  # another client still gets the slow lane
        await asyncio.sleep(0.5)
        assert pool.stats()["slow_busy"] == 2
        for f in (first, other):
            with pytest.raises(Exception):
                await f
    try:
        asyncio.run(go())
    finally:
        pool.close()


def test_result_cache_is_bounded_by_bytes():
    from kg.serve.app import _LRU

    c = _LRU(1000, max_bytes=1024 * 1024)
    for i in range(100):
        c.put(("q", i), {"body": b"x" * 100_000, "count": 1})
    assert c.bytes <= 1024 * 1024 and 5 <= len(c._d) <= 11
    c.put("huge", {"body": b"x" * 200_000})  # over an eighth of the budget: not kept
    assert c.get("huge") is None and c.get(("q", 99))["count"] == 1


def test_memory_limit_in_process():
    pool = QueryPool(fixture_store(), config=PoolConfig(fast_workers=1, slow_workers=1, timeout=20,
                                                        memory_limit=64 * 1024 * 1024))

    async def go():
        q = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
        with pytest.raises(MemoryExceeded) as e:
            await pool.run(Job(q, (), (), "text/csv", None, 10))
        assert "memory limit of 64 MB" in str(e.value)
        out = await pool.run(Job("ASK {}", (), (), "text/csv", None, 10))
        assert out["status"] == 200
    try:
        asyncio.run(go())
    finally:
        pool.close()


def test_fast_lane_is_shared_fairly_between_clients():
    """A burst of runaways from one client must not make another client wait behind all of them."""
    pool = QueryPool(fixture_store(), config=PoolConfig(fast_workers=1, slow_workers=0, timeout=4,
                                                        fast_budget=0.3, busy_budget=0.3, queue_wait=10))

    async def go():
        burst = [asyncio.ensure_future(pool.run(Job(CROSS + f" LIMIT {i + 1}", (), (), "text/csv", None, 10),
                                                client="attacker")) for i in range(10)]
        await asyncio.sleep(0.05)
        t0 = time.monotonic()
        out = await pool.run(Job("ASK {}", (), (), "text/csv", None, 10), client="visitor")
        waited = time.monotonic() - t0
        pending = sum(not f.done() for f in burst)
        for f in burst:
            with pytest.raises(PoolBusy):
                await f
        return out, waited, pending
    try:
        out, waited, pending = asyncio.run(go())
    finally:
        pool.close()
    assert out["status"] == 200
    assert waited < 1.5 and pending >= 5, (waited, pending)  # FIFO would have been ~3 s behind 10 × 0.3 s


def test_runaway_senders_from_many_addresses_yield_the_fast_lane():
    """Runaway senders from several addresses, each resubmitting as soon as it gets its 503, hold no
    fast process while they wait, so the per-client share alone queued a visitor behind all of them
    (a busy budget each); a client whose query overran the budget recently now waits behind others."""
    pool = QueryPool(fixture_store(), config=PoolConfig(fast_workers=1, slow_workers=0, timeout=4,
                                                        fast_budget=0.4, busy_budget=0.4, queue_wait=10))

    async def attacker(name, stop):
        while not stop.is_set():
            try:
                await pool.run(Job(CROSS, (), (), "text/csv", None, 10), client=name)
            except PoolBusy:
                pass

    async def go():
        stop = asyncio.Event()
        tasks = [asyncio.ensure_future(attacker(f"attacker{i}", stop)) for i in range(4)]
        await asyncio.sleep(1.0)  # every attacker has overrun once and queues again
        waits = []
        for _ in range(3):
            t0 = time.monotonic()
            out = await pool.run(Job("ASK {}", (), (), "text/csv", None, 10), client="visitor")
            waits.append(time.monotonic() - t0)
            assert out["status"] == 200
        stop.set()
        await asyncio.gather(*tasks)
        return sorted(waits)[1]
    try:
        median = asyncio.run(go())
    finally:
        pool.close()
    assert median < 0.6, median  # behind three queued attackers it was ≥ 0.8 s (2-3 × 0.4 s)
