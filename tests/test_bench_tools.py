"""The benchmark tools cannot rot: each runs in its quickest mode against real servers on the real data.

Figures are not checked (speed targets live in bench/results/); what is checked is that the tools
find resources that exist, that both servers answer every request the tools send, and that the
reports carry the fields the closing notes quote.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import bench_http  # noqa: E402
import bench_isolation  # noqa: E402
import loadgen  # noqa: E402
import servers  # noqa: E402


class _Transport:
    def __init__(self):
        self.sent, self.closed = [], False

    def write(self, data):
        self.sent.append(data)

    def close(self):
        self.closed = True

    def get_extra_info(self, name):
        return None


def test_loadgen_parser_content_length_chunked_and_retry_after():
    async def go():
        p = loadgen._Proto()
        p.connection_made(_Transport())
        f = p.request(b"GET / HTTP/1.1\r\n\r\n")
        for piece in (b"HTTP/1.1 200 OK\r\nContent-Le", b"ngth: 5\r\n\r\nhel", b"lo"):
            p.data_received(piece)
        assert f.result() == (200, False, 5)
        f = p.request(b"GET / HTTP/1.1\r\n\r\n")
        p.data_received(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n")
        assert not f.done()
        p.data_received(b"6;x=y\r\npedia!\r\n0\r\nTrailer: t\r\n\r\n")
        assert f.result() == (200, False, 10)
        f = p.request(b"GET / HTTP/1.1\r\n\r\n")
        p.data_received(b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 2\r\ncontent-length: 0\r\n\r\n")
        assert f.result() == (503, True, 0)
        assert p.buf == b""

    asyncio.run(go())


SILENT_SERVER = """
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
print("up", flush=True)
conns = []
while True:
    conns.append(s.accept()[0])  # accept, never answer
"""


def test_loadgen_counts_requests_in_flight_when_the_server_dies():
    import subprocess
    import threading

    port = servers.free_port()
    proc = subprocess.Popen([sys.executable, "-c", SILENT_SERVER, str(port)], stdout=subprocess.PIPE)
    try:
        assert proc.stdout.readline().strip() == b"up"
        killed = []

        def kill():
            killed.append(time.monotonic())
            proc.kill()

        def alive():  # like Popen.poll() right after a SIGKILL: the death shows a little late
            return not killed or time.monotonic() - killed[0] < 0.05

        threading.Timer(0.5, kill).start()
        r = loadgen.run(port, [loadgen.Group("g", 4, lambda seq: ("q", loadgen.get("/", port)))], duration=5,
                        alive=alive, on_tick=lambda: proc.poll() is not None, tick=0.01,
                        keep_latencies=True, grace=0)
    finally:
        proc.kill()
        proc.wait()
    # every request was waiting when the server went away: none may vanish from the figures
    assert r["stopped_early"] and r["duration"] < 3
    assert r["unfinished_at_end"] == {"q": 4}
    assert r["classes"]["q"]["unanswered"] == 4 and r["classes"]["q"]["requests"] == 0
    assert all(w >= 0.4 for w in r["classes"]["q"]["waited"])


def test_percentile_and_base_iri_of_synthetic_data(tmp_path):
    assert loadgen.pct([1, 2, 3, 4], 50) == 2 and loadgen.pct([1, 2, 3, 4], 99) == 4 and loadgen.pct([], 50) is None
    hundred = list(range(1, 101))
    assert loadgen.pct(hundred, 99) == 99 and loadgen.pct(hundred, 50) == 50 and loadgen.pct(hundred, 100) == 100
    sys.path.insert(0, str(BENCH))
    import generate

    out = tmp_path / "syn.nq"
    generate.generate(3000, out)
    found = bench_http.measures_from_file(out)
    assert found and all(m.startswith("https://example.org/syn/plan/") for m in found)
    # the old bench dereferenced 0 measures here: it assumed the configured base for synthetic IRIs
    assert servers.default_base(found, "https://w3id.org/regplan/") == "https://example.org/syn/"
    assert servers.default_base(["https://w3id.org/regplan/plan/x"], "https://w3id.org/regplan/") == \
        "https://w3id.org/regplan/"


@pytest.mark.slow
def test_bench_http_quick_on_real_data(built_dataset, tmp_path):
    rc = bench_http.main(["--data", str(built_dataset), "--quick", "--duration", "0.2", "--mix-duration", "1",
                          "--client", "python",
                          "--out-dir", str(tmp_path), "--label", "smoke"])
    assert rc == 0
    res = json.loads(next(tmp_path.glob("http-*-smoke.json")).read_text())
    assert res["n_measures"] > 0 and res["n_turtle"] == res["n_measures"]
    rows = {(r["server"], r["case"].split(" ")[0]): r["result"] for r in res["rows"]}
    for server in ("kg serve", "oxigraph serve-read-only"):
        for case in ("ask-uncached", "lookup-uncached", "lookup-cached", "mix"):
            r = rows[(server, case)]
            assert "error" not in r and r["requests"] > 0 and r["errors"] == 0, (server, case, r)
            # heavy questions from one address may meet a server's per-client limit; cheap ones must not
            assert case == "mix" or r["non2xx"] == 0, (server, case, r)
    for case in ("turtle", "turtle-cold"):
        r = rows[("kg serve", case)]
        assert r["requests"] > 0 and r["non2xx"] == 0, (case, r)
    assert rows[("kg serve", "turtle-cold")]["requests"] == res["n_turtle"]
    for stack in ("uvicorn + bare ASGI (constant answer)", "uvicorn + Starlette (constant answer)"):
        assert rows[(stack, "constant")]["requests"] > 0
    assert rows[("trivial server", "client")]["requests"] > 0  # start and end runs share the key prefix
    assert res["kg_memory"]["peak_rss_mb"] > 0 and res["kg_alive"]
    assert "lookup-uncached @8" in next(tmp_path.glob("http-*.md")).read_text()


@pytest.mark.slow
def test_bench_isolation_quick_on_real_data(built_dataset, tmp_path):
    # the CPU runaway only: the memory bomb would take gigabytes on a CI machine
    rc = bench_isolation.main(["--data", str(built_dataset), "--duration", "2", "--clients", "4", "--runaways", "1",
                               "--runaway-kinds", "cross-join", "--out-dir", str(tmp_path), "--label", "smoke"])
    assert rc == 0
    res = json.loads(next(tmp_path.glob("isolation-*-smoke.json")).read_text())
    run = res["runs"][0]
    assert run["server"] == "kg serve" and run["groups"] == {"cheap": 3, "mixed": 1, "runaway": 1}
    assert run["cheap_lane"]["answered"] > 0 and run["cheap_lane"]["p99"] is not None
    assert "ask" in run["classes"] and "cross-join" in {**run["classes"], **run["unfinished_at_end"]}
    assert run["memory"]["samples"] >= 5 and run["memory"]["peak_rss_mb"] > 0
    assert run["alive_after"]
    assert "cheap lane" in next(tmp_path.glob("isolation-*.md")).read_text()
