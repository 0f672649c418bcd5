"""Start the servers under test and watch their memory: shared by bench_http.py and bench_isolation.py.

* `start_kg(data, base_iri, extra)` runs this checkout's `kg serve` (PYTHONPATH = the repo root, so the
  code of the tree the script lives in is measured) on a free 127.0.0.1 port.
* `start_oxigraph(data)` loads the same file into a temporary RocksDB directory with `oxigraph load`
  and runs `oxigraph serve-read-only --union-default-graph` (the Rust server from the PyPI `oxigraph`
  package) on another free port.
* `tree_memory(pid)` sums VmRSS and PSS (from /proc/PID/smaps_rollup) over a process and all its
  descendants (kg's query workers are forked children); `MemorySampler` records the peaks.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RP = "https://w3id.org/regplan/ontology#"
DCT_TITLE = "http://purl.org/dc/terms/title"
JSON_ACCEPT = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, accept: str = JSON_ACCEPT, timeout: float = 30) -> tuple[int, bytes, dict]:
    req = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


@dataclass
class Server:
    name: str
    proc: subprocess.Popen
    port: int
    query_path: str              # "/sparql" (kg) or "/query" (oxigraph)
    startup_s: float
    tmpdir: tempfile.TemporaryDirectory | None = None
    info: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def select(self, query: str) -> list[dict]:
        st, body, _ = http_get(self.url + self.query_path + "?query=" + urllib.parse.quote(query, safe=""))
        if st != 200:
            raise RuntimeError(f"{self.name}: {query[:80]}… answered {st}: {body[:300]!r}")
        import json

        return json.loads(body)["results"]["bindings"]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill_tree(self) -> None:
        """SIGKILL the server and its descendants now (collected first: orphans would be reparented)."""
        kids = descendants(self.proc.pid)
        for p in [self.proc.pid] + kids:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        self.proc.wait()

    def stop(self, grace: float = 3.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL of the whole tree after `grace` s: a graceful
        shutdown would wait for runaways the benchmark already gave up on)."""
        kids = descendants(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        for k in [self.proc.pid] + kids:  # workers normally die with their parent; make sure
            try:
                os.kill(k, signal.SIGKILL)
            except OSError:
                pass
        self.proc.wait()
        if self.tmpdir is not None:
            self.tmpdir.cleanup()
            self.tmpdir = None


def _wait_up(proc: subprocess.Popen, url: str, seconds: float, what: str) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"{what} exited with {proc.returncode} before answering: {err[-800:]}")
        try:
            st, _, _ = http_get(url, timeout=2)
            if st == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{what} did not answer {url} within {seconds:g} s")


def kg_command(data: Path, port: int, base_iri: str | None, extra: list[str]) -> list[str]:
    cmd = [sys.executable, "-c", "from kg.cli import app; app()", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--quiet", "--data", str(data)]
    if base_iri:
        cmd += ["--base-iri", base_iri]
    return cmd + list(extra)


def start_kg(data: Path, base_iri: str | None = None, extra: list[str] = (), seconds: float = 180,
             root: Path | None = None) -> Server:
    """`kg serve` of the checkout at `root` (default: the one this script is in)."""
    root = Path(root or ROOT).resolve()
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = kg_command(data, port, base_iri, list(extra))
    t = time.perf_counter()
    # stderr to a file, not a pipe: a chatty server must never block on a full pipe during the load
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, cwd=root, env=env, start_new_session=True)
    try:
        _wait_up(proc, f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", seconds, "kg serve")
    except RuntimeError as e:
        log.seek(0)
        raise RuntimeError(f"{e}\n{log.read().decode(errors='replace')[-800:]}") from None
    s = Server("kg serve", proc, port, "/sparql", time.perf_counter() - t)
    s.info["command"] = " ".join(["python -m kg"] + cmd[3:]).replace(str(root) + "/", "")
    s.info["kg_root"] = str(root)
    try:
        s.info["kg_commit"] = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"],
                                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return s


def oxigraph_exe() -> str | None:
    cand = Path(sys.executable).with_name("oxigraph")
    return str(cand) if cand.exists() else shutil.which("oxigraph")


def start_oxigraph(data: Path, timeout_s: float | None = None, seconds: float = 120) -> Server:
    exe = oxigraph_exe()
    if not exe:
        raise RuntimeError("the oxigraph CLI is not installed (pip install oxigraph)")
    tmp = tempfile.TemporaryDirectory(prefix="kg-bench-oxdb-")
    t = time.perf_counter()
    ld = subprocess.run([exe, "load", "--location", tmp.name, "--file", str(data)], capture_output=True, text=True,
                        timeout=900)
    load_s = time.perf_counter() - t
    if ld.returncode != 0:
        tmp.cleanup()
        raise RuntimeError(f"oxigraph load {data} failed: {ld.stderr[-400:]}")
    port = free_port()
    cmd = [exe, "serve-read-only", "--location", tmp.name, "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    if timeout_s:
        cmd += ["--timeout-s", f"{timeout_s:g}"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_up(proc, f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", seconds, "oxigraph serve-read-only")
    except RuntimeError:
        tmp.cleanup()
        raise
    s = Server("oxigraph serve-read-only", proc, port, "/query", time.perf_counter() - t, tmp)
    s.info.update(load_s=round(load_s, 2), command="oxigraph " + " ".join(cmd[1:]).replace(tmp.name, "DB"))
    v = subprocess.run([exe, "--version"], capture_output=True, text=True)
    s.info["version"] = v.stdout.strip()
    return s


# ------------------------------------------------------------------ memory from /proc

def descendants(pid: int) -> list[int]:
    """All live descendants of pid (scans /proc/*/stat for parent ids)."""
    parent: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                st = f.read()
        except OSError:
            continue
        ppid = int(st[st.rindex(b")") + 2:].split()[1])
        parent.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for k in parent.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def _kb(path: str, field_name: str) -> int:
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory(pid: int) -> dict:
    """RSS and PSS (MB) summed over pid and its descendants, and the number of processes."""
    procs = [pid] + descendants(pid)
    rss = sum(_kb(f"/proc/{p}/status", b"VmRSS:") for p in procs)
    pss = sum(_kb(f"/proc/{p}/smaps_rollup", b"Pss:") for p in procs)
    return {"processes": len(procs), "rss_mb": rss / 1024, "pss_mb": pss / 1024}


class MemorySampler:
    """Samples tree_memory(pid) every `interval` s in a separate process (a thread in the load
    generator's process would be starved of the GIL under load); keeps peaks and the sample count.

    `limit_mb`: when the RSS sum passes it, the sampler SIGKILLs the server's tree at once (a safety
    bound so a benchmark cannot take a shared machine down) and records when."""

    def __init__(self, pid: int, interval: float = 0.2, limit_mb: float | None = None):
        self.pid, self.interval, self.limit_mb = pid, interval, limit_mb
        self.result: dict = {}

    def __enter__(self):
        self.proc = subprocess.Popen([sys.executable, __file__, "--sample", str(self.pid), str(self.interval),
                                      str(self.limit_mb or 0)], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return self

    def __exit__(self, *exc):
        out, _ = self.proc.communicate(b"", timeout=60)  # closing stdin ends the sampling
        import json

        self.result = json.loads(out or b"{}")

    def summary(self) -> dict:
        return dict(self.result)


def _sample_main(pid: int, interval: float, limit_mb: float) -> None:
    import json

    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    t0 = time.perf_counter()
    peak_rss = peak_pss = 0.0
    peak_procs = samples = 0
    hit = None
    while not stop.is_set():
        m = tree_memory(pid)
        samples += 1
        peak_rss, peak_pss = max(peak_rss, m["rss_mb"]), max(peak_pss, m["pss_mb"])
        peak_procs = max(peak_procs, m["processes"])
        if limit_mb and m["rss_mb"] > limit_mb and hit is None:
            hit = time.perf_counter() - t0
            for p in [pid] + descendants(pid):
                try:
                    os.kill(p, signal.SIGKILL)
                except OSError:
                    pass
        stop.wait(interval)
    took = time.perf_counter() - t0
    print(json.dumps({"peak_rss_mb": round(peak_rss, 1), "peak_pss_mb": round(peak_pss, 1),
                      "peak_processes": peak_procs, "samples": samples, "interval_s": interval,
                      "mean_interval_s": round(took / samples, 3) if samples else None,
                      "limit_mb": limit_mb or None, "limit_hit_at_s": None if hit is None else round(hit, 1)}))


# ------------------------------------------------------------------ the data

def default_base(measure_iris: list[str], configured: str) -> str:
    """The base IRI to serve: the configured one if the measures live under it, else the part of a
    measure IRI before `plan/` (the synthetic generator mints https://example.org/syn/plan/…)."""
    if not measure_iris or any(m.startswith(configured) for m in measure_iris):
        return configured
    m = measure_iris[0]
    i = m.find("/plan/")
    return m[: i + 1] if i >= 0 else configured


def measures_query(limit: int) -> str:
    return (f"SELECT ?m (SAMPLE(?t) AS ?title) WHERE {{ ?m a <{RP}Measure> ; <{DCT_TITLE}> ?t }} "
            f"GROUP BY ?m ORDER BY ?m LIMIT {limit}")


def lookup_query(iri: str, nonce: str | None) -> str:
    """One-row lookup of a measure's title. The nonce is a real (always true) FILTER, not a comment, so
    no cache keyed on the query's meaning can answer it either; both servers get the same text."""
    f = f' FILTER(STR(?title) != "{nonce}")' if nonce is not None else ""
    return f"SELECT ?title WHERE {{ <{iri}> <{DCT_TITLE}> ?title{f} }} LIMIT 1"


def ask_query(nonce: str | None) -> str:
    return f'ASK {{ FILTER("{nonce}" != "") }}' if nonce is not None else "ASK {}"


def split_template(text: str, marker: str = "NONCE") -> tuple[str, str]:
    """Percent-encode a query containing `marker` once, as (before, after): the nonce (digits) goes between."""
    enc = urllib.parse.quote(text, safe="")
    i = enc.index(marker)
    return enc[:i], enc[i + len(marker):]


# ------------------------------------------------------------------ the HTTP stack alone

HELLO = b'{"head":{},"boolean":true}'


def _hello_main(port: int, kind: str) -> None:
    """uvicorn (uvloop + httptools, as `kg serve` runs it) answering every request with a constant
    SPARQL JSON body: through a bare ASGI callable, or through Starlette routing like kg's app."""
    import uvicorn

    if kind == "asgi":
        async def app(scope, receive, send):
            if scope["type"] != "http":
                return
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/sparql-results+json")]})
            await send({"type": "http.response.body", "body": HELLO})
    else:
        from starlette.applications import Starlette
        from starlette.responses import Response
        from starlette.routing import Route

        async def hello(request):
            return Response(HELLO, media_type="application/sparql-results+json")

        app = Starlette(routes=[Route("/{path:path}", hello)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def start_hello(kind: str, seconds: float = 60) -> Server:
    """The HTTP stack's own ceiling: `asgi` (uvicorn alone) or `starlette` (uvicorn + Starlette routing)."""
    port = free_port()
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--hello", str(port), kind], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    _wait_up(proc, f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", seconds, f"uvicorn hello ({kind})")
    return Server(f"uvicorn + {'Starlette' if kind == 'starlette' else 'bare ASGI'} (constant answer)", proc, port,
                  "/sparql", time.perf_counter() - t)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--sample":
        _sample_main(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))
    elif len(sys.argv) == 4 and sys.argv[1] == "--hello" and sys.argv[3] in ("asgi", "starlette"):
        _hello_main(int(sys.argv[2]), sys.argv[3])
    else:
        print("usage: servers.py --sample PID INTERVAL LIMIT_MB | --hello PORT asgi|starlette", file=sys.stderr)
        sys.exit(2)
