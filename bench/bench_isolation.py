"""Isolation under load: can runaway queries starve cheap ones, or blow up the server's memory?

    python bench/bench_isolation.py [--data build/dataset.nq] [--clients 16] [--runaways 4] [--duration 60]
    python bench/bench_isolation.py --quick            # 10 s
    python bench/bench_isolation.py --peer oxigraph    # then the same load on oxigraph serve-read-only

Starts a real `kg serve` on a free 127.0.0.1 port and drives it with bench/loadgen.py (asyncio, raw
keep-alive HTTP/1.1). Every client sends its next request as soon as the previous one is answered:

* cheap clients (3/4 of --clients): `ASK { FILTER("n…" != "") }` and one-row title lookups of a
  measure, alternating, each text unique (nonce) so no cache answers them — the cheap lane;
* mixed clients (the other 1/4): every ready-made question (unique comment), Turtle dereferencing of
  measures, and 20 distinct one-row `GROUP_CONCAT` answers as large as the data (cache bloat);
* --runaways extra clients, each keeping one runaway in flight: the memory bomb
  `SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1` and a three-way cross join counted
  (CPU), alternating, with unique comments.

Reported: requests completed and errors by status per class, p50/p99 of the cheap lane (target
< 100 ms), how fast 503s come and whether they carry Retry-After, and the peak of RSS and PSS summed
over the server's whole process tree (sampled from /proc every 0.2 s; target < 1 GB). A server
whose tree passes --kill-mb (default 3 GB) is killed: a safety bound for the shared machine, reported
as a failure. With `--peer oxigraph` the same load then runs against `oxigraph serve-read-only` (no
memory bound; no timeout unless --peer-timeout). Writes bench/results/isolation-<date>.md (a section per
dataset and server) and isolation-<date>-<label>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import loadgen  # noqa: E402
import servers as S  # noqa: E402
from bench_http import label_for, measures_from_file, ms, ready_made_questions  # noqa: E402

RESULTS = HERE / "results"
CHEAP = ("ask", "lookup")
BOMB = "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
CROSS = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RUNAWAYS = {"bomb": BOMB, "cross-join": CROSS}
BLOAT = ('SELECT (GROUP_CONCAT(CONCAT(STR(?s), " ", STR(?p), " ", STR(?o)); separator="\\n") AS ?all) '
         'WHERE {{ ?s ?p ?o }} # bloat {i}')


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def q(server: S.Server, text: str) -> str:
    import urllib.parse

    return server.query_path + "?query=" + urllib.parse.quote(text, safe="")


def groups(server: S.Server, measures: list[str], tpaths: list[str], questions: list[str], clients: int,
           runaways: int, kinds: tuple[str, ...] = ("bomb", "cross-join"), distinct: bool = True
           ) -> list[loadgen.Group]:
    port = server.port
    mixed = max(1, clients // 4) if clients >= 2 else 0
    cheap = clients - mixed
    ask_t = S.split_template(S.ask_query("NONCE"))
    look_t = [S.split_template(S.lookup_query(m, "NONCE")) for m in measures]
    qp = server.query_path + "?query="
    accept = S.JSON_ACCEPT

    def cheap_req(seq):
        k = seq // cheap
        if k % 2 == 0:
            return "ask", loadgen.get(f"{qp}{ask_t[0]}n{seq}{ask_t[1]}", port, accept)
        pre, post = look_t[(k // 2) % len(look_t)]
        return "lookup", loadgen.get(f"{qp}{pre}n{seq}{post}", port, accept)

    q_t = [S.split_template(t + "\n# NONCE\n") for t in questions]
    bloat = [q(server, BLOAT.format(i=i)) for i in range(20)]

    def mixed_req(seq):
        k = seq // mixed
        kind = k % 3
        if kind == 0:
            pre, post = q_t[(k // 3) % len(q_t)]
            return "question", loadgen.get(f"{qp}{pre}n{seq}{post}", port, accept)
        if kind == 1 and tpaths:
            return "turtle", loadgen.get(tpaths[(k // 3) % len(tpaths)], port, "text/turtle")
        return "bloat", loadgen.get(bloat[(k // 3) % len(bloat)], port, accept)

    run_t = [(kind, S.split_template(RUNAWAYS[kind] + "\n# NONCE\n")) for kind in kinds]

    def runaway_req(seq):
        cls, (pre, post) = run_t[(seq // runaways) % len(run_t)]
        return cls, loadgen.get(f"{qp}{pre}n{seq}{post}", port, accept)

    # with `distinct`, every connection has its own loopback source address (127.0.0.2, .3, …), as if each
    # client were another host: a per-address limit in the server then cannot stand in for isolation
    addr = iter(f"127.0.{(n + 2) // 256}.{(n + 2) % 256}" for n in range(cheap + mixed + runaways))

    def src(n):
        return [next(addr) for _ in range(n)] if distinct else None

    out = [loadgen.Group("cheap", cheap, cheap_req, src(cheap))]
    if mixed:
        out.append(loadgen.Group("mixed", mixed, mixed_req, src(mixed)))
    if runaways:
        out.append(loadgen.Group("runaway", runaways, runaway_req, src(runaways)))
    return out


def cheap_lane(classes: dict) -> dict:
    """p50/p99 over all cheap requests (ask + lookup), whatever their status. Requests never answered
    (client timeout, connection error, still waiting at the end) count with the time they waited — a
    lower bound — so a lane that is stuck cannot look fast by answering little."""
    ans = [x for c in CHEAP for x in classes.get(c, {}).get("latencies", [])]
    waited = [x for c in CHEAP for x in classes.get(c, {}).get("waited", [])]
    lat = sorted(ans + waited)
    ok = sum(classes.get(c, {}).get("status", {}).get("200", 0) for c in CHEAP)
    return {"answered": len(ans), "unanswered": len(waited), "ok": ok,
            "ok_share": ok / len(lat) if lat else 0.0, "p50": loadgen.pct(lat, 50),
            "p99": loadgen.pct(lat, 99), "max": lat[-1] if lat else None}


def overload(classes: dict) -> dict:
    """All 503s of the run: how many, how many with Retry-After, how fast (pooled p50/p99 unknown
    from the summaries, so the worst class's p99 stands for it)."""
    n = sum(c.get("status", {}).get("503", 0) for c in classes.values())
    ra = sum(c.get("retry_after_503", 0) for c in classes.values())
    p99 = max((c["p99_503"] for c in classes.values() if c.get("p99_503") is not None), default=None)
    return {"n503": n, "with_retry_after": ra, "worst_p99_503": p99}


def drive(server: S.Server, a, measures, tpaths, questions, kill_mb: float) -> dict:
    """Run the load against one server with the memory sampler on; returns the measurements."""
    gs = groups(server, measures, tpaths, questions, a.clients, a.runaways, a.runaway_kinds,
                distinct=a.sources == "distinct")
    sampler = S.MemorySampler(server.proc.pid, a.sample, limit_mb=kill_mb)
    with sampler:
        t = time.perf_counter()
        r = loadgen.run(server.port, gs, duration=a.duration, timeout=a.timeout, on_tick=lambda: not server.alive(),
                        keep_latencies=True, grace=0.0, alive=server.alive)
        took = time.perf_counter() - t
    r["cheap_lane"] = cheap_lane(r["classes"])
    r["overload"] = overload(r["classes"])
    for c in r["classes"].values():
        c.pop("latencies", None)
        c.pop("waited", None)
    r["memory"] = sampler.summary()
    r["wall_s"] = round(took, 1)
    r["alive_after"] = server.alive()
    r["killed_for_memory"] = r["memory"].get("limit_hit_at_s") is not None
    r["groups"] = {g.name: g.conns for g in gs}
    if server.alive():  # recovers? one cheap request right after the load
        t = time.perf_counter()
        try:
            st, _, _ = S.http_get(server.url + q(server, S.ask_query("after")), timeout=30)
        except OSError as e:
            st = f"error {e}"
        r["ask_after"] = {"status": st, "latency_s": round(time.perf_counter() - t, 4)}
        try:
            st, body, _ = S.http_get(server.url + "/health", accept="*/*", timeout=10)
            r["health_after"] = {"status": st, "body": body[:300].decode(errors="replace")}
        except OSError as e:
            r["health_after"] = {"status": f"error {e}"}
    return r


def report(res: dict) -> str:
    a = res["args"]
    lines = [f"## {res['label']}: {res['data']} ({res['quads']:,} quads)", "",
             f"`{res['command']}` — {res['date']}; {os.cpu_count()} cores shared by the client, the server and "
             f"other jobs on the machine (the figures vary with that load); {a['duration']:g} s; loadgen "
             f"client timeout {a['timeout']:g} s; memory sampled every {a['sample']:g} s from /proc.", ""]
    where = ("each from its own 127.0.0.x address" if a.get("sources") == "distinct"
             else "all from 127.0.0.1")
    for run in res["runs"]:
        g = run["groups"]
        lines += [f"### {run['server']}", "",
                  f"`{run['command']}`" + (f" (code at {run['commit']})" if run.get("commit") else "")
                  + (f", started in {run['startup_s']:.1f} s" if run.get("startup_s") else ""),
                  "",
                  f"{g.get('cheap', 0)} cheap + {g.get('mixed', 0)} mixed clients, {g.get('runaway', 0)} runaway "
                  f"clients, {where}; measured {run['duration']:.1f} s"
                  + (" (**stopped early: the server died**)" if run.get("stopped_early") else "") + ".", "",
                  "| class | answered | req/s | p50 ms | p99 ms | max ms | by status | unanswered (max wait s) | "
                  "503 with Retry-After | 503 p50/p99 ms |", "|---|---|---|---|---|---|---|---|---|---|"]
        for name, c in run["classes"].items():
            if not c.get("requests") and not c.get("unanswered"):
                continue
            un = f"{c['unanswered']:,} ({c['max_wait']:.1f})" if c["unanswered"] else "0"
            st = ", ".join(f"{k}: {v:,}" for k, v in c["status"].items())
            n503 = c["status"].get("503", 0)
            ra = f"{c['retry_after_503']}/{n503}" if n503 else "–"
            l503 = f"{ms(c['p50_503'])} / {ms(c['p99_503'])}" if n503 else "–"
            lines.append(f"| {name} | {c['requests']:,} | {c['rps']:,.1f} | {ms(c['p50'])} | {ms(c['p99'])} | "
                         f"{ms(c['max'])} | {st or '–'} | {un} | {ra} | {l503} |")
        total = sum(c.get("requests", 0) for c in run["classes"].values())
        errs = {}
        for c in run["classes"].values():
            for k, v in c.get("status", {}).items():
                if not (k.isdigit() and int(k) < 400):
                    errs[k] = errs.get(k, 0) + v
        cl = dict(run["cheap_lane"])
        if "ok_share" not in cl:  # results of the tool's first version
            ok = sum(run["classes"].get(c, {}).get("status", {}).get("200", 0) for c in CHEAP)
            cl["ok_share"] = ok / max(1, cl["answered"] + cl["unanswered"])
        ov = run.get("overload") or overload(run["classes"])
        m = run["memory"]
        lines += ["",
                  f"- requests completed: {total:,}; errors by status: "
                  f"{', '.join(f'{k}: {v:,}' for k, v in sorted(errs.items())) or 'none'}; still in flight at the "
                  f"end: {run['unfinished_at_end'] or 'none'}",
                  f"- cheap lane (ask + lookup: {cl['answered']:,} answered, {cl['unanswered']:,} unanswered, "
                  f"counted at the time they waited): p50 {ms(cl['p50'])} ms, p99 "
                  f"{ms(cl['p99'])} ms, max {ms(cl['max'])} ms; {cl.get('ok_share', 0):.1%} answered 200 "
                  f"(target p99 < 100 ms with ≥ 99 % answered 200 — a lane that only says 503 is not serving: "
                  f"""{'**PASS**' if cl['p99'] is not None and cl['p99'] < 0.1 and cl.get('ok_share', 0) >= 0.99
                       else '**FAIL**'})""",
                  (f"- overload: {ov['n503']:,} × 503, {ov['with_retry_after']:,} with Retry-After, slowest class's "
                   f"503 p99 {ms(ov['worst_p99_503'])} ms (quick 503 + Retry-After expected)" if ov.get("n503")
                   else "- overload: no 503"),
                  f"- peak memory of the process tree ({m['peak_processes']} processes at most, {m['samples']} "
                  f"samples, one per "
                  f"{m.get('mean_interval_s') or round(run['duration'] / max(1, m['samples']), 2)} s): "
                  f"RSS sum {m['peak_rss_mb']:,.0f} MB, PSS sum {m['peak_pss_mb']:,.0f} MB (target < 1 GB: "
                  f"{'**PASS**' if m['peak_rss_mb'] < 1024 and not run['killed_for_memory'] else '**FAIL**'})"
                  + (f"; **killed at {m['limit_hit_at_s']} s for passing {a['kill_mb']:g} MB "
                     "(the bench's safety bound)**"
                     if run["killed_for_memory"] else ""),
                  f"- server alive after the run: {'yes' if run['alive_after'] else '**NO**'}"
                  + (f"; `ASK` right after: {run['ask_after']['status']} in "
                     f"{run['ask_after']['latency_s'] * 1000:.0f} ms"
                     if run.get("ask_after") else "")
                  + (f"; `/health`: {run['health_after']['status']}" if run.get("health_after") else ""), ""]
    return "\n".join(lines)


def write_results(res: dict, text: str, out_dir: Path = RESULTS) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md = out_dir / f"isolation-{res['date']}.md"
    old = md.read_text(encoding="utf-8") if md.exists() else f"# Isolation benchmark, {res['date']}\n\n"
    start, end = f"<!-- bench_isolation {res['label']} -->", f"<!-- /bench_isolation {res['label']} -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    if start in old and end in old:
        new = old[: old.index(start)] + block + old[old.index(end) + len(end) + 1:]
    else:
        new = old.rstrip("\n") + "\n\n" + block
    md.write_text(new, encoding="utf-8")
    js = out_dir / f"isolation-{res['date']}-{res['label']}.json"
    js.write_text(json.dumps(res, indent=1, default=str) + "\n", encoding="utf-8")
    return md, js


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=ROOT / "build" / "dataset.nq")
    ap.add_argument("--base-iri", help="base IRI for kg serve (default: KG_BASE_IRI, or found from the data)")
    ap.add_argument("--clients", type=int, default=16, help="cheap + mixed clients (a quarter mixed)")
    ap.add_argument("--runaways", type=int, default=4, help="extra clients each keeping one runaway in flight")
    ap.add_argument("--duration", type=float, help="seconds of load (60; --quick: 10)")
    ap.add_argument("--quick", action="store_true", help="10 s unless --duration is given")
    ap.add_argument("--runaway-kinds", default="bomb,cross-join",
                    help="runaways to alternate: bomb (memory), cross-join (CPU)")
    ap.add_argument("--sources", choices=["distinct", "one"], default="distinct",
                    help="each client connects from its own 127.0.0.x address (default: as many hosts would), "
                         "or all from 127.0.0.1")
    ap.add_argument("--timeout", type=float, default=30.0, help="client-side limit per request (s)")
    ap.add_argument("--sample", type=float, default=0.2, help="memory sampling interval (s)")
    ap.add_argument("--measures", type=int, default=500)
    ap.add_argument("--peer", choices=["none", "oxigraph"], default="none")
    ap.add_argument("--peer-timeout", type=float, default=0,
                    help="oxigraph serve-read-only --timeout-s (0: none, its default)")
    ap.add_argument("--kill-mb", type=float, default=3072,
                    help="safety bound for the shared machine: kill a server whose process tree's RSS passes this")
    ap.add_argument("--kg-arg", action="append", default=[], help="extra argument for kg serve (repeatable)")
    ap.add_argument("--kg-root", type=Path, help="checkout whose kg serve to measure (default: this one)")
    ap.add_argument("--label")
    ap.add_argument("--no-write", action="store_true", help="print only; do not write result files")
    ap.add_argument("--out-dir", type=Path, default=RESULTS, help="where the .md and .json go (bench/results/)")
    a = ap.parse_args(argv)
    a.duration = a.duration or (10.0 if a.quick else 60.0)
    a.runaway_kinds = tuple(k.strip() for k in a.runaway_kinds.split(",") if k.strip())
    if not a.runaway_kinds or set(a.runaway_kinds) - set(RUNAWAYS):
        print(f"--runaway-kinds: choose from {', '.join(RUNAWAYS)}", file=sys.stderr)
        return 2
    if a.clients < 1 or a.runaways < 0 or a.duration <= 0:
        print("--clients must be ≥ 1, --runaways ≥ 0, --duration > 0", file=sys.stderr)
        return 2
    if not a.data.exists():
        print(f"{a.data}: no such dataset (kg build, or bench/generate.py --triples N --out FILE.nq)", file=sys.stderr)
        return 2
    from kg import config

    base = a.base_iri or S.default_base(measures_from_file(a.data), config.base_iri())
    base = base if base.endswith("/") else base + "/"
    res = {"args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(a).items()},
           "date": dt.date.today().isoformat(), "label": a.label or label_for(a.data), "data": str(a.data),
           "command": "python bench/bench_isolation.py " + " ".join(argv), "base_iri": base, "runs": []}
    kg = ox = None
    try:
        log(f"starting kg serve on {a.data} (base {base}) …")
        kg = S.start_kg(a.data, base, a.kg_arg, root=a.kg_root)
        res["quads"] = int(kg.select("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")[0]["n"]["value"])
        measures = [b["m"]["value"] for b in kg.select(S.measures_query(a.measures))]
        if not measures:
            raise RuntimeError("no rp:Measure with a dct:title in the dataset: nothing to look up")
        tpaths = ["/" + m[len(base):] for m in measures if m.startswith(base)]
        questions = ready_made_questions()
        log(f"kg serve: {a.clients} clients + {a.runaways} runaways for {a.duration:g} s …")
        r = drive(kg, a, measures, tpaths, questions, a.kill_mb)
        r.update(server="kg serve", command=kg.info["command"], startup_s=kg.startup_s, commit=kg.info.get("kg_commit"))
        res["runs"].append(r)
        kg.stop(grace=1.0)
        kg = None
        if a.peer == "oxigraph":
            log("loading and starting oxigraph serve-read-only …")
            ox = S.start_oxigraph(a.data, timeout_s=a.peer_timeout or None)
            log(f"oxigraph: the same load for {a.duration:g} s (killed above {a.kill_mb:g} MB) …")
            r = drive(ox, a, measures, [], questions, a.kill_mb)
            r.update(server="oxigraph serve-read-only", command=ox.info["command"], startup_s=ox.startup_s,
                     version=ox.info.get("version"))
            res["runs"].append(r)
    except (RuntimeError, OSError) as e:
        print(f"bench_isolation: {e}", file=sys.stderr)
        return 1
    finally:
        for s in (kg, ox):
            if s:
                s.stop(grace=1.0)
    text = report(res)
    print(text)
    if not a.no_write:
        md, js = write_results(res, text, a.out_dir)
        log(f"written to {md} and {js}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
