"""Full-text search: index build time, index size and query latency (kg/search/).

    .venv/bin/python bench/generate.py --triples 1000000 --out /tmp/syn-1m.nq
    .venv/bin/python bench/bench_search.py [--data /tmp/syn-1m.nq] [--repeat 20]

Always measures the real data (build/dataset.nq, built first if missing); with --data also the given
synthetic N-Quads file. The query mix per dataset: every word of the data's vocabulary alone, word
pairs, an actor name, a word with a year and a level filter, a filter without words, and words that
match nothing. Each query runs `--repeat` times in one thread (the first run per query is a warm-up
and not counted); latency is `SearchIndex.search()` end to end: matching, BM25 ranking, the top 20
with snippets and every facet's counts. Writes bench/results/search-<date>.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.io import atomic_write_text  # noqa: E402
from kg.search import index  # noqa: E402
from kg.store import load_store  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SYN_WORDS = ("inkludering kompetanse arbeidsliv ungdom bolig frivillighet helse kultur samarbeid "
             "næringsliv distrikt by region utdanning mangfold deltakelse oppvekst lokalsamfunn").split()
REAL_WORDS = ("ungdom inkludering bolig kompetanse frivillige arbeidsliv kultur helse NAV universitetet "
              "russemarkering boligsatsing flyktninger kommunene lokalsamfunn").split()


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))]


def mix(words: list[str], actor: str, level: str, year: str) -> list[tuple[str, str, dict]]:
    out = [("word", w, {}) for w in words]
    out += [("pair", f"{a} {b}", {}) for a, b in zip(words, words[1:] + words[:1])]
    out += [("actor", actor, {}), ("word+filters", words[0], {"year": [year], "level": [level]}),
            ("filters only", "", {"year": [year]}), ("no hit", "xyzzyqq", {}), ("no hit", "qwertyzz plugh", {})]
    return out


def run(name: str, nq: Path, words: list[str], actor: str, year: str, repeat: int) -> dict:
    t0 = time.perf_counter()
    store = load_store(nq)
    load_s = time.perf_counter() - t0
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, None)) // 2  # union default + named
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "search.sqlite"
        info = index.build(store, path, "bench")
        ix = index.SearchIndex(path)
        level = next(v for (f, v) in ix.vid if f == "level")
        times: dict[str, list[float]] = {}
        totals: dict[str, list[int]] = {}
        for kind, q, filters in mix(words, actor, level, year):
            ix.search(q, filters)  # warm-up
            for _ in range(repeat):
                t = time.perf_counter()
                res = ix.search(q, filters)
                times.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
            totals.setdefault(kind, []).append(res.total)
    allt = [x for v in times.values() for x in v]
    return {"name": name, "triples": triples, "load_s": load_s, "docs": info["docs"], "build_s": info["seconds"],
            "bytes": info["bytes"], "times": times, "totals": totals, "all": allt}


def report(results: list[dict], repeat: int) -> str:
    import platform
    import sqlite3
    from importlib.metadata import version

    lines = [f"# Search benchmark {dt.date.today().isoformat()}", "",
             f"SQLite {sqlite3.sqlite_version} FTS5, PyStemmer {version('PyStemmer')} (Snowball norwegian), "
             f"Python {platform.python_version()}, {repeat} timed runs per query after one warm-up, one thread.", ""]
    lines += ["| data | triples | documents | index build | index size |", "|---|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['name']} | {r['triples']:,} | {r['docs']:,} | {r['build_s']:.2f} s | "
                     f"{r['bytes'] / 1e6:.1f} MB |")
    lines += ["", "| data | query kind | queries | hits (min–max) | p50 ms | p95 ms | max ms |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for r in results:
        for kind, ts in r["times"].items():
            tot = r["totals"][kind]
            lines.append(f"| {r['name']} | {kind} | {len(tot)} | {min(tot):,}–{max(tot):,} | "
                         f"{statistics.median(ts):.2f} | {pct(ts, 95):.2f} | {max(ts):.2f} |")
        a = r["all"]
        lines.append(f"| {r['name']} | **all** | {sum(len(t) for t in r['totals'].values())} | | "
                     f"**{statistics.median(a):.2f}** | {pct(a, 95):.2f} | {max(a):.2f} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, help="synthetic N-Quads (bench/generate.py)")
    ap.add_argument("--repeat", type=int, default=20)
    a = ap.parse_args(argv)
    real = ROOT / "build" / "dataset.nq"
    if not real.exists():
        from kg.build import run as build_run

        real = build_run(progress=False)
    results = [run("real", real, REAL_WORDS, "Innlandet fylkeskommune", "2025", a.repeat)]
    if a.data:
        if not a.data.exists():
            print(f"{a.data}: no such file (make it with bench/generate.py)", file=sys.stderr)
            return 2
        results.append(run(a.data.name, a.data, SYN_WORDS, "Organisasjon 7", "2025", a.repeat))
    text = report(results, a.repeat)
    RESULTS.mkdir(exist_ok=True)
    atomic_write_text(RESULTS / f"search-{dt.date.today().isoformat()}.md", text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
