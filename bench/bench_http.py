"""HTTP throughput of a real `kg serve`, side by side with `oxigraph serve-read-only` on the same data.

    python bench/bench_http.py [--data build/dataset.nq] [--duration 10] [--conns 1,8] [--client auto]
    python bench/bench_http.py --data /tmp/syn-100k.nq          # base IRI found from the data
    python bench/bench_http.py --quick                           # ~1 s per case (smoke test)

Both servers run during the same run and get the same request texts. Cases (each a fixed-duration
run per connection count, kg and oxigraph alternating so machine noise hits both alike):

  ask-uncached     `ASK { FILTER("n…" != "") }` with a new nonce per request: the fixed cost of one query
  lookup-uncached  one-row title lookup of a measure; the bound IRI rotates over up to --measures
                   measures that have a title, and a per-request nonce sits in a (always true) FILTER, so
                   neither a response cache nor a cache keyed on the query's algebra can answer it
  lookup-cached    one fixed lookup text (kg answers from its response cache; oxigraph has none)
  turtle           (kg only) dereferencing measure IRIs as Turtle, rotating over them (steady state:
                   kg caches representations); `turtle-cold` is one first pass over distinct measures
  mix              every ready-made question (queries/*.rq) with a unique `#` comment, 8 connections

The client: `wrk` when installed (C, the cheapest client), else bench/loadgen.py (asyncio, raw
keep-alive sockets). Its ceiling against a trivial server (loadgen's canned 200) is measured in the
same run and printed: client and servers share the machine's cores, so read ratios within a run.
Writes bench/results/http-<date>.md (one section per dataset) and http-<date>-<label>.json.
Exit 0 on a completed run (targets are reported, not enforced), 1 when a server or a check fails,
2 on bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import loadgen  # noqa: E402
import servers as S  # noqa: E402

RESULTS = HERE / "results"
TURTLE = "text/turtle"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ requests

class Work:
    """What one case sends: fixed paths (rotated) or (before, after) templates around a nonce."""

    def __init__(self, accept: str, paths: list[str] | None = None, templates: list[tuple[str, str]] | None = None,
                 once: bool = False):
        self.accept, self.paths, self.templates, self.once = accept, paths, templates, once

    def path(self, seq: int) -> str | None:
        if self.templates:
            pre, post = self.templates[seq % len(self.templates)]
            return f"{pre}n{seq}{post}"
        if self.once and seq >= len(self.paths):
            return None
        return self.paths[seq % len(self.paths)]


WRK_LUA = """
local pre = {%(pre)s}
local post = {%(post)s}
local fixed = {%(fixed)s}
local tid = 0
local nthreads = 0
function setup(thread)
  nthreads = nthreads + 1
  thread:set("tid", nthreads)
end
local i = 0
local n = 0
wrk.headers["Accept"] = "%(accept)s"
request = function()
  n = n + 1
  if #fixed > 0 then
    i = i %% #fixed + 1
    return wrk.format("GET", fixed[i])
  end
  i = i %% #pre + 1
  return wrk.format("GET", pre[i] .. "n" .. tid .. "x" .. n .. post[i])
end
"""


def _lua_list(xs) -> str:
    return ", ".join('"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"' for x in xs)


def _wrk_unit(v: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
    return float(m.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[m.group(2)]


def run_wrk(port: int, work: Work, conns: int, seconds: float) -> dict:
    lua = WRK_LUA % {"pre": _lua_list(t[0] for t in work.templates or []),
                     "post": _lua_list(t[1] for t in work.templates or []),
                     "fixed": _lua_list(work.paths or []), "accept": work.accept}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    try:
        threads = 1 if conns == 1 else 2
        r = subprocess.run(["wrk", "-t", str(threads), "-c", str(conns), "-d", f"{max(1, round(seconds))}s",
                            "--timeout", "30s", "--latency", "-s", f.name, f"http://127.0.0.1:{port}"],
                           capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(f.name)
    out = r.stdout
    if r.returncode != 0 or "Requests/sec" not in out:
        return {"error": " ".join((out + r.stderr).split())[-300:]}
    res = {"rps": float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1)),
           "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    for p in ("50", "99"):
        res["p" + p] = _wrk_unit(re.search(rf"^\s*{p}(?:\.0+)?%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    res["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    res["errors"] = sum(map(int, sock.groups())) if sock else 0
    return res


def run_python(port: int, work: Work, conns: int, seconds: float) -> dict:
    warmup = min(0.3, seconds / 4)
    def make(seq):
        p = work.path(seq)
        return None if p is None else ("x", loadgen.get(p, port, work.accept))

    t = time.perf_counter()
    r = loadgen.run(port, [loadgen.Group("x", conns, make)], duration=seconds, warmup=0 if work.once else warmup,
                    grace=0.5)
    c = r["classes"].get("x")
    if c is None:
        return {"error": "no request completed"}
    if work.once:  # a finite pass: rate over the time it really took
        took = time.perf_counter() - t
        c["rps"] = c["requests"] / took if took else 0.0
    ok = sum(v for k, v in c["status"].items() if k.isdigit() and 200 <= int(k) < 400)
    errors = sum(v for k, v in c["status"].items() if not k.isdigit())
    return {"rps": c["rps"], "requests": c["requests"], "p50": c["p50"], "p99": c["p99"],
            "non2xx": c["requests"] - ok, "errors": errors, "status": c["status"]}


def median_result(rs: list[dict]) -> dict:
    """The round with the median req/s, plus the spread over all rounds (one round: itself)."""
    ok = [r for r in rs if "rps" in r]
    if not ok:
        return rs[0]
    ok.sort(key=lambda r: r["rps"])
    out = dict(ok[(len(ok) - 1) // 2])
    out.update(rounds=len(rs), rps_min=ok[0]["rps"], rps_max=ok[-1]["rps"], rps_all=[r["rps"] for r in ok],
               failed_rounds=len(rs) - len(ok))
    return out


def load(client: str, port: int, work: Work, conns: int, seconds: float) -> dict:
    if client == "wrk" and not work.once:
        r = run_wrk(port, work, conns, seconds)
        r["client"] = "wrk"
    else:
        r = run_python(port, work, conns, seconds)
        r["client"] = "loadgen"
    return r


# ------------------------------------------------------------------ data

def measures_from_file(path: Path, n: int = 5) -> list[str]:
    """The first few subjects typed rp:Measure in an N-Quads/N-Triples file (to pick the base IRI before
    the server starts)."""
    typ = f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{S.RP}Measure>"
    out = []
    if path.suffix not in (".nq", ".nt"):
        return out
    with open(path, encoding="utf-8") as f:
        for line in f:
            if typ in line and line.startswith("<"):
                out.append(line[1:line.index(">")])
                if len(out) >= n:
                    break
    return out


def label_for(path: Path) -> str:
    return "real" if path.resolve() == (ROOT / "build" / "dataset.nq").resolve() else path.name.split(".")[0]


def ready_made_questions() -> list[str]:
    from kg import queries as kq

    return [q.render() for q in kq.catalogue().values()]


# ------------------------------------------------------------------ report

def ms(x) -> str:
    if x is None:
        return "–"
    return f"{x * 1000:.2f}" if x < 0.1 else f"{x * 1000:.0f}"


def report(res: dict) -> str:
    a = res["args"]
    lines = [f"## {res['label']}: {res['data']} ({res['quads']:,} quads)", "",
             f"`{res['command']}` — {res['date']}, {os.cpu_count()} cores shared by client, both servers and "
             f"other jobs on the machine; client **{res['client']}**; {a['duration']:g} s per case and "
             f"connection count; kg base IRI {res['base_iri']}; {res['n_measures']} measures with a title "
             f"rotated in the lookups; total {res['total_s']:.0f} s.", "",
             f"- kg serve: `{res['kg']['command']}` (code at {res['kg'].get('commit') or '?'}), started in "
             f"{res['kg']['startup_s']:.1f} s",
             f"- oxigraph: `{res['ox'].get('command', '–')}` ({res['ox'].get('version', '')}), "
             f"`oxigraph load` {res['ox'].get('load_s', '–')} s" if res.get("ox") else "- oxigraph: skipped", "",
             "| server | case | conns | client | req/s | rounds: min–max req/s | p50 ms | p99 ms | requests | non-2xx "
             "| socket errors |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in res["rows"]:
        r = row["result"]
        head = f"| {row['server']} | {row['case']} | {row['conns']} | {r.get('client', '')} |"
        if "error" in r:
            lines.append(f"{head} failed: {r['error'][:150]} | | | | | | |")
        else:
            spread = (f"{r['rounds']}: {r['rps_min']:,.0f}–{r['rps_max']:,.0f}"
                      + (f", {r['failed_rounds']} failed" if r.get("failed_rounds") else "")) if r.get("rounds",
                                                                                                       1) > 1 else "1"
            lines.append(f"{head} {r['rps']:,.0f} | {spread} | {ms(r['p50'])} | {ms(r['p99'])} | {r['requests']:,} | "
                         f"{r['non2xx']} | {r['errors']} |")
    lines.append("")
    by = {(row["server"], row["case"], row["conns"]): row["result"] for row in res["rows"]}
    ceil = {}
    for c in a["conns"]:
        rates = [r["rps"] for (srv, case, cc), r in by.items()
                 if srv == "trivial server" and case.startswith("client ceiling") and cc == c and r.get("rps")]
        ceil[c] = {"rps": min(rates)} if rates else {}
    lines += ["### kg / oxigraph (target: uncached lookups ≥ 0.5×)", ""]
    for case in ("ask-uncached", "lookup-uncached", "lookup-cached", "mix"):
        for c in a["conns"]:
            k, o = by.get(("kg serve", case, c)), by.get(("oxigraph serve-read-only", case, c))
            if not k or not o or "rps" not in k or "rps" not in o or not o["rps"]:
                continue
            ratio = k["rps"] / o["rps"]
            mark = (" — **PASS**" if ratio >= 0.5 else " — **FAIL**") if case == "lookup-uncached" else ""
            cl = ceil.get(c, {}).get("rps")
            note = f" (client ceiling {cl:,.0f} req/s, the slower of its runs)" if cl else ""
            if cl and o["rps"] > cl / 2:
                note += " — **oxigraph runs at more than half the client's ceiling: the ratio flatters kg**"
            lines.append(f"- {case} @{c}: {k['rps']:,.0f} vs {o['rps']:,.0f} req/s = **{ratio:.2f}×**{mark}{note}")
    c1 = a["conns"][0]
    lines += ["", f"### Where the time goes ({c1} connection{'s' if c1 > 1 else ''}; 1 / req/s"
              + (", i.e. the mean time per request)" if c1 == 1 else ", the mean time per answer)"), ""]

    def us(server, case):
        r = by.get((server, case, c1))
        return 1e6 / r["rps"] if r and r.get("rps") else None

    cl = 1e6 / ceil[c1]["rps"] if ceil.get(c1, {}).get("rps") else None
    if cl:
        lines.append(f"- client + loopback round trip (trivial server, the slower of the two ceiling runs): "
                     f"{cl:.0f} µs")
    for name in ("uvicorn + bare ASGI (constant answer)", "uvicorn + Starlette (constant answer)"):
        v = us(name, "constant answer")
        if v:
            lines.append(f"- {name}: {v:.0f} µs — what the HTTP stack kg runs on costs before any kg code")
    kc, ka, kl = (us("kg serve", c) for c in ("lookup-cached", "ask-uncached", "lookup-uncached"))
    oa, ol = (us("oxigraph serve-read-only", c) for c in ("ask-uncached", "lookup-uncached"))
    if kc and ka and kl:
        lines.append(f"- kg serve: a response-cache hit (HTTP stack + cache) {kc:.0f} µs; a trivial query "
                     f"{ka:.0f} µs ({ka - kc:+.0f} µs: parse, guard, hand-off to a query worker and back); the "
                     f"lookup {kl:.0f} µs ({kl - ka:+.0f} µs for the lookup itself; a negative difference is noise)")
    if oa and ol:
        lines.append(f"- oxigraph serve-read-only: a trivial query {oa:.0f} µs, the lookup {ol:.0f} µs")
    if ka and oa and kl and ol:
        lines.append(f"- kg's extra cost per uncached query: {ka - oa:.0f} µs on the trivial query, {kl - ol:.0f} µs "
                     f"on the lookup: the fixed per-request path, not the query engine (the same Oxigraph engine "
                     f"runs inside both)")
    m = res.get("kg_memory")
    if m:
        lines += ["", f"- kg serve memory ({m['processes']} processes: server and query workers), sampled every "
                  f"{m.get('mean_interval_s') or m['interval_s']} s over the whole run: peak RSS sum "
                  f"{m['peak_rss_mb']:.0f} MB, peak PSS sum "
                  f"{m['peak_pss_mb']:.0f} MB; after the load RSS {m['after_rss_mb']:.0f} MB, PSS "
                  f"{m['after_pss_mb']:.0f} MB (target < 1 GB: "
                  f"{'**PASS**' if m['peak_rss_mb'] < 1024 else '**FAIL**'})"]
    om = res.get("ox_memory")
    if om:
        lines.append(f"- oxigraph serve-read-only: peak RSS {om['peak_rss_mb']:.0f} MB, PSS {om['peak_pss_mb']:.0f} MB")
    lines.append(f"- kg serve still running after the load: {'yes' if res['kg_alive'] else '**NO**'}")
    return "\n".join(lines)


def write_results(res: dict, text: str, out_dir: Path = RESULTS) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / f"http-{res['date']}.md"
    old = md.read_text(encoding="utf-8") if md.exists() else f"# HTTP benchmark, {res['date']}\n\n"
    start, end = f"<!-- bench_http {res['label']} -->", f"<!-- /bench_http {res['label']} -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    if start in old and end in old:
        new = old[: old.index(start)] + block + old[old.index(end) + len(end) + 1:]
    else:
        new = old.rstrip("\n") + "\n\n" + block
    md.write_text(new, encoding="utf-8")
    js = out_dir / f"http-{res['date']}-{res['label']}.json"
    js.write_text(json.dumps(res, indent=1, default=str) + "\n", encoding="utf-8")
    return md, js


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "build" / "dataset.nq")
    ap.add_argument("--base-iri", help="base IRI for kg serve (default: KG_BASE_IRI, or found from the data)")
    ap.add_argument("--duration", type=float, help="seconds per case and connection count (10; --quick: 1)")
    ap.add_argument("--mix-duration", type=float, help="seconds for the ready-made-question mix (default: --duration)")
    ap.add_argument("--conns", default="1,8")
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat every case N times (interleaved) and report the median round, with the spread")
    ap.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    ap.add_argument("--measures", type=int, default=1000, help="measures rotated in the lookups")
    ap.add_argument("--skip-oxigraph", action="store_true")
    ap.add_argument("--skip-stack", action="store_true",
                    help="skip the HTTP stack's own ceiling (uvicorn, uvicorn + Starlette with a constant answer)")
    ap.add_argument("--kg-arg", action="append", default=[], help="extra argument for kg serve (repeatable)")
    ap.add_argument("--kg-root", type=Path, help="checkout whose kg serve to measure (default: this one)")
    ap.add_argument("--label", help="section/file label (default: 'real' or the data file's stem)")
    ap.add_argument("--quick", action="store_true", help="1 s per case, 1 connection count (smoke test)")
    ap.add_argument("--no-write", action="store_true", help="print only; do not write result files")
    ap.add_argument("--out-dir", type=Path, default=RESULTS, help="where the .md and .json go (bench/results/)")
    a = ap.parse_args(argv)
    try:
        a.conns = [int(x) for x in a.conns.split(",")]
        assert a.conns and all(c > 0 for c in a.conns)
    except (ValueError, AssertionError):
        print(f"--conns {a.conns!r}: give positive integers separated by commas", file=sys.stderr)
        return 2
    if a.rounds < 1:
        print("--rounds must be ≥ 1", file=sys.stderr)
        return 2
    if a.quick:
        a.duration, a.conns, a.measures = a.duration or 1.0, a.conns[-1:], min(a.measures, 50)
    a.duration = a.duration or 10.0
    if a.duration <= 0:
        print("--duration must be > 0", file=sys.stderr)
        return 2
    a.mix_duration = a.mix_duration or a.duration
    if not a.data.exists():
        print(f"{a.data}: no such dataset (kg build, or bench/generate.py --triples N --out FILE.nq)", file=sys.stderr)
        return 2
    client = a.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    elif client == "wrk" and not shutil.which("wrk"):
        print("--client wrk: wrk is not installed (apt-get install -y wrk)", file=sys.stderr)
        return 2
    from kg import config

    base = a.base_iri or S.default_base(measures_from_file(a.data), config.base_iri())
    base = base if base.endswith("/") else base + "/"
    t_all = time.perf_counter()
    res = {"args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(a).items()},
           "date": dt.date.today().isoformat(), "label": a.label or label_for(a.data), "data": str(a.data),
           "command": "python bench/bench_http.py " + " ".join(argv), "client": client, "base_iri": base,
           "rows": []}
    kg = ox = triv = None
    hellos: list = []
    try:
        log(f"starting kg serve on {a.data} (base {base}) …")
        kg = S.start_kg(a.data, base, a.kg_arg, root=a.kg_root)
        res["kg"] = {"command": kg.info["command"], "startup_s": kg.startup_s, "root": kg.info["kg_root"],
                     "commit": kg.info.get("kg_commit")}
        res["quads"] = int(kg.select("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")[0]["n"]["value"])
        if not a.skip_oxigraph:
            log("loading and starting oxigraph serve-read-only …")
            ox = S.start_oxigraph(a.data)
            res["ox"] = dict(ox.info, startup_s=ox.startup_s)
        rows = kg.select(S.measures_query(a.measures))
        measures = [b["m"]["value"] for b in rows]
        res["n_measures"] = len(measures)
        if not measures:
            raise RuntimeError("no rp:Measure with a dct:title in the dataset: nothing to look up")
        # Checks: every sampled lookup returns one row, the same on both servers; Turtle dereferences.
        for m in measures[:: max(1, len(measures) // 5)]:
            q = S.lookup_query(m, "n0")
            got = kg.select(q)
            if len(got) != 1:
                raise RuntimeError(f"kg serve: lookup of {m} gave {len(got)} rows, expected 1")
            if ox and ox.select(q) != got:
                raise RuntimeError(f"lookup of {m}: kg and oxigraph disagree: {got} vs {ox.select(q)}")
        tpaths = ["/" + m[len(base):] for m in measures if m.startswith(base)]
        if not tpaths:
            raise RuntimeError(f"no measure IRI starts with the base {base}: pass --base-iri")
        st, body, _ = S.http_get(kg.url + tpaths[0], TURTLE)
        if st != 200 or b"title" not in body:
            raise RuntimeError(f"GET {tpaths[0]} as Turtle answered {st}: {body[:200]!r}")
        res["n_turtle"] = len(tpaths)

        def tmpl(server, query):
            pre, post = S.split_template(query)
            return server.query_path + "?query=" + pre, post

        questions = ready_made_questions()
        cases = [
            ("ask-uncached", lambda s: Work(S.JSON_ACCEPT, templates=[tmpl(s, S.ask_query("NONCE"))]), True),
            ("lookup-uncached", lambda s: Work(S.JSON_ACCEPT, templates=[tmpl(s, S.lookup_query(m, "NONCE"))
                                                                         for m in measures]), True),
            ("lookup-cached", lambda s: Work(S.JSON_ACCEPT, paths=[
                s.query_path + "?query=" + urllib.parse.quote(S.lookup_query(measures[0], None), safe="")]), True),
            ("turtle", lambda s: Work(TURTLE, paths=tpaths), False),
        ]
        if not a.skip_stack:
            for kind in ("asgi", "starlette"):
                hellos.append(S.start_hello(kind))
        # the client's own ceiling against the cheapest server there is, before and after the cases
        tport = S.free_port()
        triv = subprocess.Popen([sys.executable, str(HERE / "loadgen.py"), "--trivial-server", str(tport)],
                                start_new_session=True)
        S._wait_up(triv, f"http://127.0.0.1:{tport}/", 20, "trivial server")

        def ceiling(when):
            for c in a.conns:
                log(f"client ceiling ({when}) @{c} …")
                r = load(client, tport, Work(S.JSON_ACCEPT, paths=["/sparql?query=ASK%7B%7D"]), c, a.duration)
                res["rows"].append({"server": "trivial server", "case": f"client ceiling ({when})", "conns": c,
                                    "result": r})

        ceiling("start")
        sampler = S.MemorySampler(kg.proc.pid)
        ox_sampler = S.MemorySampler(ox.proc.pid) if ox else None
        with contextlib.ExitStack() as stack:
            for smp in (sampler, ox_sampler):
                if smp:
                    stack.enter_context(smp)
            # the first pass over the measures renders each Turtle page (not cached yet)
            log(f"kg serve turtle-cold: one pass over {len(tpaths)} measures …")
            r = load("python", kg.port, Work(TURTLE, paths=tpaths, once=True), 1, 600)
            res["rows"].append({"server": kg.name, "case": f"turtle-cold ({len(tpaths)} measures, once)",
                                "conns": 1, "result": r})
            mix_conns = max(a.conns)
            per_round: dict = {}
            for rnd in range(a.rounds):
                for name, mk, both in cases + [("mix", None, True)] + [("constant answer", None, False)] * bool(hellos):
                    for c in ([mix_conns] if name == "mix" else a.conns):
                        for srv in (hellos if name == "constant answer" else [kg, ox] if both and ox else [kg]):
                            log(f"{srv.name} {name} @{c}" + (f" (round {rnd + 1}/{a.rounds})" if a.rounds > 1 else "")
                                + " …")
                            if name == "constant answer":
                                r = load(client, srv.port, Work(S.JSON_ACCEPT, paths=["/sparql?query=ASK%7B%7D"]), c,
                                         a.duration)
                            elif name == "mix":
                                w = Work(S.JSON_ACCEPT, templates=[tmpl(srv, q + "\n# NONCE\n") for q in questions])
                                r = load(client, srv.port, w, c, a.mix_duration)
                            else:
                                r = load(client, srv.port, mk(srv), c, a.duration)
                            per_round.setdefault((srv.name, name, c), []).append(r)
            for (srv_name, name, c), rs in per_round.items():
                res["rows"].append({"server": srv_name, "case": name, "conns": c, "result": median_result(rs)})
        after = S.tree_memory(kg.proc.pid)
        res["kg_memory"] = dict(sampler.summary(), processes=after["processes"], after_rss_mb=after["rss_mb"],
                                after_pss_mb=after["pss_mb"])
        if ox_sampler:
            res["ox_memory"] = ox_sampler.summary()
        res["kg_alive"] = kg.alive()
        ceiling("end")
    except (RuntimeError, OSError) as e:
        print(f"bench_http: {e}", file=sys.stderr)
        return 1
    finally:
        for s in [kg, ox] + hellos:
            if s:
                s.stop()
        if triv:
            triv.terminate()
            triv.wait(10)
    res["total_s"] = time.perf_counter() - t_all
    text = report(res)
    print(text)
    if not a.no_write:
        md, js = write_results(res, text, a.out_dir)
        log(f"written to {md} and {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
