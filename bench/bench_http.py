"""HTTP load on a real `kg serve` (and the Rust `oxigraph serve-read-only` on the same data), with wrk.

    .venv/bin/python bench/bench_http.py [--data build/dataset.nq] [--duration 10] [--mix-duration 60]

Cases, each a fixed-duration wrk run at 1 and 8 connections (stops by itself):
  lookup-cached    one-row SPARQL SELECT, the same text every time (served from kg's response cache)
  lookup-uncached  the same query with a unique `#…` comment per request: always runs in a query worker
  turtle           dereferencing measure IRIs as Turtle (cycles through every measure; the first round
                   renders, later rounds hit kg's resource cache)
  oxigraph-rust    the uncached lookup against `oxigraph serve-read-only --union-default-graph`
  mix              all ready-made questions with unique comments (no cache), 8 connections, --mix-duration s;
                   non-2xx responses and socket errors are counted (zero expected)
Server memory: VmHWM of the server process and PSS of server + forked workers (PSS splits shared
copy-on-write pages fairly; the plain RSS sum counts them once per process and is shown too).
Needs `wrk` (Debian: apt-get install -y wrk).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_queries import write_section  # noqa: E402

from kg import config  # noqa: E402
from kg import queries as kq  # noqa: E402

MARK = "bench_http"
JSON_ACCEPT = "application/sparql-results+json"


def _fixtures():
    sys.path.insert(0, str(ROOT / "tests"))
    import publish_fixtures  # free_port / wait_http / stop, shared with the tests

    return publish_fixtures


LUA = """
local paths = {%(paths)s}
local unique = %(unique)s
local i = 0
local n = 0
local nthreads = 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
end
wrk.headers["Accept"] = "%(accept)s"
request = function()
  i = i %% #paths + 1
  local p = paths[i]
  if unique then
    n = n + 1
    p = p .. "%%0A%%23t" .. tostring(tid) .. "-" .. n
  end
  return wrk.format("GET", p)
end
"""


def _unit(v: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
    x, u = float(m.group(1)), m.group(2)
    return x * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[u]


def wrk(url: str, paths: list[str], accept: str, conns: int, seconds: int, unique: bool) -> dict:
    """One bounded wrk run; returns req/s, p50, p99 (s), requests, errors."""
    lua = LUA % {"paths": ", ".join('"' + p.replace('"', '\\"') + '"' for p in paths),
                 "unique": "true" if unique else "false", "accept": accept}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
        script = f.name
    try:
        threads = 1 if conns == 1 else 2
        r = subprocess.run(["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{seconds}s", "--timeout", "30s",
                            "--latency", "-s", script, url], capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(script)
    out = r.stdout
    if r.returncode != 0 or "Requests/sec" not in out:
        return {"error": (out + r.stderr)[-300:]}
    res = {"rps": float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1)),
           "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    for p in ("50", "99"):
        res["p" + p] = _unit(re.search(rf"^\s*{p}%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    res["socket_errors"] = sum(map(int, sock.groups())) if sock else 0
    return res


def _proc_kb(pid: int, field: str, fname: str = "status") -> int:
    try:
        for line in Path(f"/proc/{pid}/{fname}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for t in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(x) for x in (t / "children").read_text().split()]
            except OSError:
                kids = []
            out += kids
            todo += kids
    return out


def memory(pid: int) -> dict:
    procs = [pid] + _descendants(pid)
    return {"processes": len(procs), "main_hwm_mb": _proc_kb(pid, "VmHWM") / 1024,
            "pss_mb": sum(_proc_kb(p, "Pss", "smaps_rollup") for p in procs) / 1024,
            "rss_sum_mb": sum(_proc_kb(p, "VmRSS") for p in procs) / 1024,
            "hwm_sum_mb": sum(_proc_kb(p, "VmHWM") for p in procs) / 1024}


def start(cmd: list[str], url_probe: str, seconds: float = 120) -> subprocess.Popen:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        _fixtures().wait_http(url_probe, seconds)
    except Exception:
        proc.kill()
        raise RuntimeError(f"{' '.join(cmd)} did not start: {proc.stderr.read()[-400:] if proc.stderr else ''}")
    return proc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "build" / "dataset.nq")
    ap.add_argument("--duration", type=int, default=10, help="seconds per case and connection count")
    ap.add_argument("--mix-duration", type=int, default=60)
    ap.add_argument("--skip-rust", action="store_true")
    a = ap.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    if not a.data.exists():
        print(f"{a.data}: no such dataset (run .venv/bin/kg build -q)", file=sys.stderr)
        return 2
    fx = _fixtures()
    base = config.base_iri()
    t_all = time.perf_counter()

    def log(m):
        print(m, file=sys.stderr, flush=True)

    port = fx.free_port()
    url = f"http://127.0.0.1:{port}"
    kg_exe = str(ROOT / ".venv" / "bin" / "kg")
    t = time.perf_counter()
    server = start([kg_exe, "serve", "--host", "127.0.0.1", "--port", str(port), "--quiet", "--dataset", str(a.data)],
                   url + "/sparql?query=ASK%7B%7D")
    startup = time.perf_counter() - t
    rows: list[tuple] = []
    mem = {}
    rust = {"note": "skipped (--skip-rust)"} if a.skip_rust else {}
    try:
        import httpx

        q = ("SELECT ?m WHERE { ?m a <https://w3id.org/regplan/ontology#Measure> ; "
             "<https://w3id.org/regplan/ontology#measureId> ?id } ORDER BY ?id")
        r = httpx.get(url + "/sparql", params={"query": q}, headers={"Accept": JSON_ACCEPT}, timeout=30)
        measures = [b["m"]["value"] for b in r.json()["results"]["bindings"]]
        if not measures:
            raise RuntimeError("no rp:Measure in the dataset: nothing to dereference")
        one = measures[0]
        lookup = f"SELECT ?title WHERE {{ <{one}> <http://purl.org/dc/terms/title> ?title }} LIMIT 1"
        check = httpx.get(url + "/sparql", params={"query": lookup}, headers={"Accept": JSON_ACCEPT}).json()
        assert len(check["results"]["bindings"]) == 1, f"lookup query does not return one row: {check}"
        lpath = "/sparql?query=" + quote(lookup, safe="")
        tpaths = ["/" + m[len(base):] for m in measures if m.startswith(base)]
        cases = [("lookup-cached", [lpath], JSON_ACCEPT, False), ("lookup-uncached", [lpath], JSON_ACCEPT, True),
                 (f"turtle ({len(tpaths)} measures)", tpaths, "text/turtle", False)]
        for name, paths, accept, unique in cases:
            for c in (1, 8):
                log(f"kg serve {name} @{c} …")
                rows.append(("kg serve", name, c, wrk(url, paths, accept, c, a.duration, unique)))
        mem = memory(server.pid)

        if not a.skip_rust:
            ox = shutil.which("oxigraph") or str(ROOT / ".venv" / "bin" / "oxigraph")
            with tempfile.TemporaryDirectory(prefix="kg-bench-oxdb-") as db:
                t = time.perf_counter()
                ld = subprocess.run([ox, "load", "--location", db, "--file", str(a.data)], capture_output=True,
                                    text=True, timeout=300)
                rust["load_s"] = time.perf_counter() - t
                if ld.returncode != 0:
                    rust["note"] = "oxigraph load failed: " + ld.stderr[-200:]
                else:
                    rport = fx.free_port()
                    rurl = f"http://127.0.0.1:{rport}"
                    rs = start([ox, "serve-read-only", "--location", db, "--bind", f"127.0.0.1:{rport}",
                                "--union-default-graph"], rurl + "/query?query=ASK%7B%7D", 60)
                    try:
                        rp = "/query?query=" + quote(lookup, safe="")
                        n = httpx.get(rurl + rp, headers={"Accept": JSON_ACCEPT}).json()["results"]["bindings"]
                        assert len(n) == 1, n
                        for c in (1, 8):
                            log(f"oxigraph serve-read-only lookup @{c} …")
                            rows.append(("oxigraph serve-read-only (Rust)", "lookup-uncached", c,
                                         wrk(rurl, [rp], JSON_ACCEPT, c, a.duration, True)))
                        rust["hwm_mb"] = _proc_kb(rs.pid, "VmHWM") / 1024
                    finally:
                        fx.stop(rs)

        qpaths = ["/sparql?query=" + quote(qq.render(), safe="") for qq in kq.catalogue().values()]
        log(f"kg serve mix of {len(qpaths)} questions @8 for {a.mix_duration} s …")
        rows.append(("kg serve", f"mix of {len(qpaths)} ready-made questions, uncached", 8,
                     wrk(url, qpaths, JSON_ACCEPT, 8, a.mix_duration, True)))
        mem_after = memory(server.pid)
        alive = server.poll() is None
    finally:
        fx.stop(server)

    # ---------------------------------------------------------------- report
    def f_ms(x):
        return f"{x * 1000:.2f}" if x < 0.1 else f"{x * 1000:.0f}"

    lines = ["## HTTP: `kg serve` under load (wrk)", "",
             f"`.venv/bin/python bench/bench_http.py {' '.join(argv if argv is not None else sys.argv[1:])}` — data "
             f"{a.data}; {a.duration} s per case, mix {a.mix_duration} s; wrk -t1 for 1 connection, -t2 for 8 "
             f"(client and server share the machine's {os.cpu_count()} cores); kg serve with default settings "
             f"(2 query workers), started in {startup:.1f} s; total {time.perf_counter() - t_all:.0f} s.", "",
             "| server | case | conns | req/s | p50 ms | p99 ms | requests | non-2xx | socket errors |",
             "|---|---|---|---|---|---|---|---|---|"]
    for srv, case, c, r in rows:
        if "error" in r:
            lines.append(f"| {srv} | {case} | {c} | wrk failed: {' '.join(r['error'].split())[:150]} | | | | | |")
        else:
            lines.append(f"| {srv} | {case} | {c} | {r['rps']:,.0f} | {f_ms(r['p50'])} | {f_ms(r['p99'])} | "
                         f"{r['requests']:,} | {r['non2xx']} | {r['socket_errors']} |")
    lines.append("")
    for label, m in (("after the lookup/Turtle cases", mem), ("after the mix", mem_after)):
        if m:
            lines.append(f"- kg serve memory {label}: server VmHWM {m['main_hwm_mb']:.0f} MB; {m['processes']} "
                         f"processes: PSS total {m['pss_mb']:.0f} MB, RSS sum {m['rss_sum_mb']:.0f} MB, "
                         f"peak RSS sum {m['hwm_sum_mb']:.0f} MB")
    lines.append(f"- kg serve still running after the load: {'yes' if alive else 'NO'}")
    if rust:
        lines.append("- oxigraph serve-read-only: " + ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
                                                               for k, v in rust.items()))
    lines += ["", "### Targets (HTTP)", ""]
    peak = max(mem.get("hwm_sum_mb", 0), mem_after.get("hwm_sum_mb", 0))
    lines.append(f"- server < 1 GB RSS: {'**PASS**' if peak and peak < 1024 else '**FAIL**'} "
                 f"(peak RSS summed over server + workers {peak:.0f} MB — an upper bound, shared pages counted per process)")
    by = {(s, case, c): r for s, case, c, r in rows}
    for c in (1, 8):
        rr = by.get(("oxigraph serve-read-only (Rust)", "lookup-uncached", c))
        for case in ("lookup-uncached", "lookup-cached"):
            kr = by.get(("kg serve", case, c))
            if not rr or "rps" not in rr or not kr or "rps" not in kr:
                lines.append(f"- lookups ≥ ½ of Rust oxigraph @{c} ({case}): **not measured**")
                continue
            ratio = kr["rps"] / rr["rps"]
            lines.append(f"- lookups ≥ ½ of Rust oxigraph @{c} ({case}): {'**PASS**' if ratio >= 0.5 else '**FAIL**'} "
                         f"({kr['rps']:,.0f} vs {rr['rps']:,.0f} req/s = {ratio:.2f})")
    mix = [r for s, case, c, r in rows if case.startswith("mix")]
    if mix and "rps" in mix[0]:
        errs = mix[0]["non2xx"] + mix[0]["socket_errors"]
        lines.append(f"- {a.mix_duration} s mixed load at 8 clients with zero errors: "
                     f"{'**PASS**' if errs == 0 else f'**FAIL** ({errs} errors)'} ({mix[0]['requests']:,} requests)")
    else:
        lines.append("- mixed load: **not measured** (wrk failed)")
    text = "\n".join(lines)
    out = write_section(text, dt.date.today().isoformat(), MARK)
    print(text)
    print(f"\nwritten to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
