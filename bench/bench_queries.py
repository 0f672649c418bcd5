"""Latency of every ready-made question (queries/*.rq) on pyoxigraph, rdflib and Virtuoso, same run.

    .venv/bin/python bench/bench_queries.py [--data SYNTH.nq] [--repeat 20] [--clients 1,8]
        [--engines oxigraph,rdflib,virtuoso] [--virtuoso-port P] [--limit 120] [--budget 3]

Always benchmarks the real data (build/dataset.nq, built first if missing); with --data also the
given (synthetic) N-Quads file. Per question and engine: the **cold** latency (first execution after
loading, 1 client; Virtuoso is restarted after its bulk load so its buffers are cold too) and warm
p50/p99 at each client count (each client repeats the query `--repeat` times, or stops early when
the cell has run `--budget` seconds, at least one run per client). Results are fully serialised as
SPARQL JSON (what an endpoint returns). pyoxigraph and rdflib run in worker subprocesses (clean
peak RSS, and rdflib is killed when a query step exceeds `--limit` seconds → "> limit"); Virtuoso
is queried over HTTP at /sparql, where no FROM means all graphs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg import queries as kq  # noqa: E402
from kg.io import atomic_write_text  # noqa: E402

RESULTS = ROOT / "bench" / "results"
MARK = "bench_queries"


# --------------------------------------------------------------------------- timing helpers

def pct(xs: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def run_clients(fn, clients: int, repeat: int, budget: float) -> list[float]:
    """`clients` threads each call fn() up to `repeat` times (stopping after `budget` s); latencies in s."""
    lat: list[float] = []
    lock = threading.Lock()
    errors: list[BaseException] = []
    end = time.perf_counter() + budget
    barrier = threading.Barrier(clients)

    def client():
        barrier.wait()
        for i in range(repeat):
            if i and time.perf_counter() > end:
                break
            t = time.perf_counter()
            try:
                fn()
            except BaseException as e:  # recorded, reported by the caller
                errors.append(e)
                return
            d = time.perf_counter() - t
            with lock:
                lat.append(d)

    ts = [threading.Thread(target=client) for _ in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]
    return lat


def questions() -> list[tuple[str, str]]:
    return [(name, q.render()) for name, q in kq.catalogue().items()]


# --------------------------------------------------------------------------- in-process engines (worker)

def _worker(engine: str, data: str, skip: int, clients: list[int], repeat: int, budget: float) -> None:
    """Subprocess body: load, then for each question from index `skip` on emit JSON lines."""
    import resource

    def emit(**kw):
        print(json.dumps(kw), flush=True)

    t0 = time.perf_counter()
    if engine == "oxigraph":
        import pyoxigraph as ox

        from kg.store import load_store

        store = load_store(Path(data))
        size = len(store)

        def run(q):
            r = store.query(q)
            if isinstance(r, bool):
                return 1
            d = json.loads(r.serialize(format=ox.QueryResultsFormat.JSON))
            return 1 if "boolean" in d else len(d["results"]["bindings"])
    else:
        import rdflib

        ds = rdflib.Dataset(default_union=True)
        ds.parse(data, format="nquads")
        size = len(ds)

        def run(q):
            r = ds.query(q)
            if r.type == "ASK":
                return 1
            body = r.serialize(format="json")
            return len(json.loads(body)["results"]["bindings"])
    emit(event="loaded", seconds=time.perf_counter() - t0, size=size,
         maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    for i, (name, text) in enumerate(questions()):
        if i < skip:
            continue
        emit(event="start", q=name, i=i)
        try:
            t = time.perf_counter()
            rows = run(text)
            cold = time.perf_counter() - t
        except Exception as e:
            emit(event="fail", q=name, i=i, error=f"{type(e).__name__}: {e}"[:300])
            continue
        emit(event="cold", q=name, i=i, seconds=cold, rows=rows)
        for c in clients:
            if c > 1 and cold * c > 4 * budget:  # a GIL-bound engine would need cold × c seconds per round
                emit(event="skip", q=name, i=i, clients=c)
                continue
            lat = run_clients(lambda: run(text), c, repeat, budget)
            emit(event="warm", q=name, i=i, clients=c, lat=lat)
    emit(event="done", maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def run_worker_engine(engine: str, data: Path, clients, repeat, budget, limit, log, total: float = 0) -> dict:
    """Drive _worker subprocesses; a step silent for > limit s is killed and recorded as '> limit'.

    With `total` > 0, questions not reached within `total` seconds are recorded as not run."""
    out: dict = {"questions": {}, "load_s": None, "rss_mb": None}
    names = [n for n, _ in questions()]
    skip = 0
    t_end = time.monotonic() + total if total else float("inf")
    while skip < len(names):
        if time.monotonic() > t_end:
            for n in names[skip:]:
                out["questions"].setdefault(n, {"warm": {}})["error"] = (
                    f"not run: {engine} time budget ({total:g} s) used up")
            break
        cmd = [sys.executable, __file__, "--_worker", engine, "--_skip", str(skip), "--_data", str(data),
               "--clients", ",".join(map(str, clients)), "--repeat", str(repeat), "--budget", str(budget)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        lines: queue.Queue = queue.Queue()  # a reader thread: select() on a buffered pipe misses buffered lines
        threading.Thread(target=lambda p=proc: [lines.put(x) for x in iter(p.stdout.readline, "")] + [lines.put("")],
                         daemon=True).start()
        current = None
        load_limit = max(limit, 600)  # loading 1M triples in rdflib alone takes about a minute
        deadline = time.monotonic() + load_limit
        finished = False
        while True:
            wait_until = deadline if current is None else min(deadline, t_end)
            try:
                line = lines.get(timeout=max(0.0, wait_until - time.monotonic()))
                r = True
            except queue.Empty:
                line, r = None, False
            if not r and time.monotonic() < deadline and current is not None:  # total budget used up
                proc.kill()
                proc.wait()
                out["questions"][current].setdefault("error", f"stopped: {engine} time budget ({total:g} s) used up")
                skip = names.index(current) + 1
                break
            if not r:  # timed out
                proc.kill()
                proc.wait()
                if current is None:
                    out["error"] = f"loading took > {load_limit:g} s"
                    return out
                cell = out["questions"].setdefault(current, {"warm": {}})
                cell.setdefault("error", f"> limit ({limit:g} s)")
                log(f"  {engine} {current}: > limit, killed")
                skip = names.index(current) + 1
                break
            if not line:
                proc.wait()
                err = proc.stderr.read()[-500:]
                if not finished:
                    if current is not None:
                        out["questions"].setdefault(current, {"warm": {}})["error"] = f"worker died: {err.strip()}"
                        skip = names.index(current) + 1
                        break
                    out["error"] = f"worker died while loading: {err.strip()}"
                    return out
                return out
            ev = json.loads(line)
            deadline = time.monotonic() + limit
            kind = ev["event"]
            if kind == "loaded":
                if out["load_s"] is None:
                    out["load_s"], out["size"] = ev["seconds"], ev["size"]
                out["rss_mb"] = max(out["rss_mb"] or 0, ev["maxrss_mb"])
            elif kind == "start":
                current = ev["q"]
                out["questions"][current] = {"warm": {}}
            elif kind == "fail":
                out["questions"][ev["q"]]["error"] = ev["error"]
            elif kind == "cold":
                out["questions"][ev["q"]].update(cold=ev["seconds"], rows=ev["rows"])
            elif kind == "skip":
                out["questions"][ev["q"]].setdefault("skipped", []).append(ev["clients"])
            elif kind == "warm":
                out["questions"][ev["q"]]["warm"][ev["clients"]] = ev["lat"]
            elif kind == "done":
                out["rss_mb"] = max(out["rss_mb"] or 0, ev["maxrss_mb"])
                finished = True
                skip = len(names)
    return out


# --------------------------------------------------------------------------- Virtuoso

def _fixtures():
    sys.path.insert(0, str(ROOT / "tests"))
    import local_stores  # the tests' private-Virtuoso helper (ini, free ports, start/stop)

    return local_stores


def _isql(workdir: Path, sql: str) -> str:
    port = re.search(r"\[Parameters\]\s*ServerPort = 127\.0\.0\.1:(\d+)",
                     (workdir / "virtuoso.ini").read_text()).group(1)
    exe = shutil.which("isql-vt") or shutil.which("isql")
    r = subprocess.run([exe, f"127.0.0.1:{port}", "dba", "dba", f"exec={sql}"], capture_output=True, text=True,
                       timeout=1800)
    if r.returncode != 0 or "*** Error" in r.stdout + r.stderr:
        raise RuntimeError(f"isql {sql!r}: {(r.stdout + r.stderr)[-400:]}")
    return r.stdout


def run_virtuoso(data: Path, workdir: Path, clients, repeat, budget, limit, port: int | None, log) -> dict:
    import httpx

    out: dict = {"questions": {}, "load_s": None, "rss_mb": None}
    fx = _fixtures()
    proc = None
    if port:
        url = f"http://127.0.0.1:{port}"  # an already running instance with the data loaded
    else:
        if not shutil.which("virtuoso-t"):
            out["error"] = "virtuoso-t not installed (apt-get install -y virtuoso-opensource)"
            return out
        if workdir.exists():
            shutil.rmtree(workdir)
        workdir.mkdir(parents=True)
        shutil.copy(data, workdir / "data.nq")
        proc, url = fx.start_virtuoso(workdir)
        t = time.perf_counter()
        _isql(workdir, f"ld_dir('{workdir}', 'data.nq', 'urn:bench:nograph'); rdf_loader_run(); checkpoint;")
        out["load_s"] = time.perf_counter() - t
        errs = _isql(workdir, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        if "0 Rows" not in errs:
            out["error"] = "bulk load errors: " + errs[-300:]
        fx.stop(proc)  # restart: cold buffers for the cold runs
        proc, url = fx.start_virtuoso(workdir)
    endpoint = url + "/sparql"
    client = httpx.Client(timeout=limit, limits=httpx.Limits(max_connections=max(clients) + 2))

    def run(q):
        r = client.post(endpoint, data={"query": q}, headers={"Accept": "application/sparql-results+json"})
        if r.status_code != 200:
            raise RuntimeError(f"HTTP {r.status_code}: " + " ".join(r.text.split())[:240])
        d = r.json()
        return 1 if "boolean" in d else len(d["results"]["bindings"])

    try:
        n = client.post(endpoint, data={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
                        headers={"Accept": "application/sparql-results+json"}).json()
        out["size"] = int(n["results"]["bindings"][0]["n"]["value"])
        for name, text in questions():
            cell = out["questions"][name] = {"warm": {}}
            try:
                t = time.perf_counter()
                cell["rows"] = run(text)
                cell["cold"] = time.perf_counter() - t
                for c in clients:
                    cell["warm"][c] = run_clients(lambda: run(text), c, repeat, budget)
            except httpx.TimeoutException:
                cell["error"] = f"> limit ({limit:g} s)"
            except Exception as e:
                cell["error"] = "fails: " + str(e)
            if "error" in cell:
                log(f"  virtuoso {name}: {cell['error'][:150]}")
        if proc is not None:
            out["rss_mb"] = _rss_mb(proc.pid)
    finally:
        client.close()
        if proc is not None:
            fx.stop(proc)
    return out


def _rss_mb(pid: int) -> float | None:
    """Peak resident set (VmHWM) of a live process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --------------------------------------------------------------------------- report

def ms(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x * 1000:.1f}" if x < 10 else f"{x * 1000:,.0f}"


def cell_stats(cell: dict, c: int) -> tuple[float, float, int] | None:
    lat = cell.get("warm", {}).get(c)
    if not lat:
        return None
    return statistics.median(lat), pct(lat, 99), len(lat)


def table(label: str, res: dict, clients: list[int]) -> list[str]:
    engines = [e for e in ("oxigraph", "rdflib", "virtuoso") if e in res]
    lines = [f"### {label}", ""]
    for e in engines:
        r = res[e]
        bits = []
        if r.get("size") is not None:
            bits.append(f"{r['size']:,} quads loaded")
        if r.get("load_s") is not None:
            bits.append(f"load {r['load_s']:.2f} s")
        if r.get("rss_mb") is not None:
            bits.append(f"peak RSS {r['rss_mb']:,.0f} MB")
        if r.get("error"):
            bits.append(f"ERROR: {r['error']}")
        lines.append(f"- **{e}**: " + ", ".join(bits))
    lines.append("")
    head = ["question", "engine", "rows", "cold ms"]
    for c in clients:
        head += [f"p50 ms @{c}", f"p99 ms @{c}", f"n @{c}"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, _ in questions():
        for e in engines:
            cell = res[e].get("questions", {}).get(name)
            if cell is None:
                row = [name, e, "–", "not run"] + ["–"] * (3 * len(clients))
            else:
                row = [name, e, str(cell.get("rows", "–")), ms(cell.get("cold"))]
                for c in clients:
                    s = cell_stats(cell, c)
                    if s:
                        row += [ms(s[0]), ms(s[1]), str(s[2])]
                    elif c in cell.get("skipped", ()):
                        row += ["skipped: cold × clients > 4 × budget", "–", "0"]
                    else:
                        row += ["–", "–", "0"]
                if cell.get("error"):
                    row[3] = (row[3] + " " if row[3] != "–" else "") + cell["error"].replace("|", "\\|")[:160]
            lines.append("| " + " | ".join(row) + " |")
    # row-count agreement (a latency is only worth comparing if the answers agree)
    diff = []
    for name, _ in questions():
        counts = {e: res[e]["questions"].get(name, {}).get("rows") for e in engines}
        vals = {v for v in counts.values() if v is not None}
        if len(vals) > 1:
            diff.append(f"{name} ({', '.join(f'{e} {v}' for e, v in counts.items() if v is not None)})")
    lines += ["", "Row counts differ between engines: " + ("; ".join(diff) if diff else "none") + ".", ""]
    return lines


def targets(results: dict, clients: list[int]) -> list[str]:
    out = ["### Targets", ""]
    real = results.get("real", {}).get("oxigraph")
    big = 8 if 8 in clients else max(clients)
    if real and real.get("questions"):
        slow = []
        for name, _ in questions():
            s = cell_stats(real["questions"].get(name, {}), big)
            if s is None or s[0] >= 0.050:
                slow.append(f"{name} ({ms(s[0]) + ' ms' if s else 'no result'})")
        out.append(f"- every question p50 < 50 ms on the real data at {big} clients (pyoxigraph): "
                   + ("**PASS**" if not slow else "**FAIL** — " + ", ".join(slow)))
    syn = results.get("synthetic")
    if not syn:
        out.append("- ≥ 10× faster than rdflib and within 3× of Virtuoso at 1M triples: **not measured** "
                   "(no synthetic dataset given with --data)")
    else:
        ox = syn.get("oxigraph", {}).get("questions", {})
        for other, rule in (("rdflib", "≥ 10× faster than rdflib"), ("virtuoso", "within 3× of Virtuoso")):
            if other not in syn:
                out.append(f"- {rule} at 1M: **not measured** ({other} not run)")
                continue
            bad, na = [], []
            for name, _ in questions():
                o, x = ox.get(name, {}), syn[other]["questions"].get(name, {})
                ot = (cell_stats(o, 1) or (o.get("cold"),))[0]
                xt = (cell_stats(x, 1) or (x.get("cold"),))[0]
                if ot is None:
                    bad.append(f"{name} (pyoxigraph: {o.get('error', 'no result')[:60]})")
                elif xt is None:
                    if other == "rdflib" and "limit" in x.get("error", ""):
                        continue  # rdflib > limit; pyoxigraph finished: counted against the limit below
                    na.append(f"{name} ({other} {x.get('error', 'no result')[:60]})")
                elif other == "rdflib" and xt / ot < 10:
                    bad.append(f"{name} ({xt / ot:.1f}×)")
                elif other == "virtuoso" and ot / xt > 3:
                    bad.append(f"{name} ({ot / xt:.1f}× slower)")
            verdict = "**PASS**" if not bad else "**FAIL** — " + ", ".join(bad)
            if na:
                verdict += "; not comparable: " + ", ".join(na)
            out.append(f"- {rule} on every question at 1M (warm p50 @1, else cold): {verdict}")
    out.append("")
    return out


def write_section(text: str, date: str, mark: str = MARK) -> Path:
    """Replace (or append) this script's marked section in bench/results/queries-<date>.md."""
    path = RESULTS / f"queries-{date}.md"
    old = path.read_text(encoding="utf-8") if path.exists() else f"# Query and HTTP benchmark, {date}\n\n"
    start, end = f"<!-- {mark} -->", f"<!-- /{mark} -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    if start in old and end in old:
        new = old[: old.index(start)] + block + old[old.index(end) + len(end) + 1:]
    else:
        new = old.rstrip("\n") + "\n\n" + block
    RESULTS.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, new)
    return path


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, help="synthetic N-Quads (bench/generate.py --triples 1000000 --out …)")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--clients", default="1,8")
    ap.add_argument("--engines", default="oxigraph,rdflib,virtuoso")
    ap.add_argument("--virtuoso-port", type=int,
                    help="use a running Virtuoso (data already loaded) instead of a private one")
    ap.add_argument("--limit", type=float, default=120.0, help="seconds a query step may take (rdflib killed after)")
    ap.add_argument("--budget", type=float, default=3.0,
                    help="seconds of warm repeats per question, engine and client count")
    ap.add_argument("--rdflib-total", type=float, default=0,
                    help="seconds rdflib may take per dataset in all (0 = no cap); later questions are marked not run")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/kg-bench-queries"))
    ap.add_argument("--_worker"), ap.add_argument("--_skip", type=int, default=0), ap.add_argument("--_data")
    a = ap.parse_args(argv)
    clients = [int(c) for c in a.clients.split(",")]
    if a._worker:
        _worker(a._worker, a._data, a._skip, clients, a.repeat, a.budget)
        return 0
    engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    unknown = set(engines) - {"oxigraph", "rdflib", "virtuoso"}
    if unknown:
        ap.error(f"unknown engine(s): {', '.join(sorted(unknown))}")

    real = ROOT / "build" / "dataset.nq"
    if not real.exists():
        print("build/dataset.nq missing: running kg build -q", file=sys.stderr)
        subprocess.run([str(ROOT / ".venv" / "bin" / "kg"), "build", "-q"], check=True, cwd=ROOT)
    sets = [("real", real)]
    notes = []
    if a.data:
        if a.data.exists():
            sets.append(("synthetic", a.data))
        else:
            notes.append(f"{a.data} does not exist: only the real data was benchmarked.")
            print(notes[-1], file=sys.stderr)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    t_all = time.perf_counter()
    results: dict = {}
    for label, path in sets:
        results[label] = {}
        for e in engines:
            log(f"[{label}] {e} …")
            t = time.perf_counter()
            if e == "virtuoso":
                results[label][e] = run_virtuoso(path, a.workdir / f"virtuoso-{label}", clients, a.repeat, a.budget,
                                                 a.limit, a.virtuoso_port, log)
            else:
                results[label][e] = run_worker_engine(e, path, clients, a.repeat, a.budget, a.limit, log,
                                                      a.rdflib_total if e == "rdflib" else 0)
            log(f"[{label}] {e} done in {time.perf_counter() - t:.0f} s")
    date = dt.date.today().isoformat()
    lines = ["## Ready-made questions: pyoxigraph vs rdflib vs Virtuoso", "",
             f"""`{' '.join(['.venv/bin/python', 'bench/bench_queries.py']
                          + (argv if argv is not None else sys.argv[1:]))}` — """
             f"{len(questions())} questions, default parameters; repeat {a.repeat} per client, "
             f"warm budget {a.budget:g} s "
             f"per cell, limit {a.limit:g} s, rdflib total {a.rdflib_total or 'uncapped'} s per dataset; "
             f"{os.cpu_count()} CPU cores; total {time.perf_counter() - t_all:.0f} s.",
             "Cold = first execution after loading (1 client). Warm p50/p99 over n runs in total across the clients. "
             "Times include serialising the whole result as SPARQL JSON (Virtuoso: over HTTP). "
             "pyoxigraph is `kg.store.load_store` (materialised set-union default graph); rdflib is "
             "`Dataset(default_union=True)`; Virtuoso queries all graphs (incl. its own system graphs) when no FROM is "
             "given.", ""]
    lines += [f"Note: {n}" for n in notes] + ([""] if notes else [])
    for label, path in sets:
        lines += table(f"{label} data ({path})", results[label], clients)
    lines += targets(results, clients)
    text = "\n".join(lines)
    out = write_section(text, date)
    print(text)
    print(f"\nwritten to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
