"""Release and push times: `python bench/bench_publish.py [--data PATH.nq] [--stores oxigraph,virtuoso]`.

Without --data: builds the real dataset into a temporary folder, makes a release (forced, so work in
progress on the data does not stop the benchmark) and pushes it to a private Oxigraph server and a
private Virtuoso (both started here, on 127.0.0.1, and stopped at the end).
With --data (e.g. the ~1M-triple N-Quads file of bench/generate.py): times the RDF part of a release
(load, the five dumps, VoID statistics) and the push of that file's named graphs.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from local_stores import start_oxigraph, start_virtuoso, stop  # noqa: E402

from kg.publish import dumps  # noqa: E402
from kg.publish.push import Target, push  # noqa: E402
from kg.web import void  # noqa: E402


def timed(label: str, fn, *a, **k):
    t = time.perf_counter()
    out = fn(*a, **k)
    dt = time.perf_counter() - t
    print(f"{label:40} {dt:8.2f} s", flush=True)
    return out, dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, help="N-Quads file to benchmark instead of the real build")
    ap.add_argument("--stores", default="oxigraph,virtuoso")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    procs = []
    try:
        if args.data:
            rel = work / "rel"
            rel.mkdir()
            store = ox.Store()
            timed("load N-Quads", store.bulk_load, path=str(args.data), format=ox.RdfFormat.N_QUADS)
            print(f"{'quads':40} {len(store):8d}")
            timed("dumps (ttl, trig, nq, nt.gz, jsonld)", dumps.write_dumps, store, rel, "https://w3id.org/regplan/")
            timed("VoID statistics", void.void_graph, store, "https://w3id.org/regplan/")
        else:
            from kg import build, config
            from kg.publish.release import Inputs, release

            timed("kg build", build.run, progress=False, out_dir=work / "build")
            inp = Inputs(work / "build", config.RECORDS, config.AUTHORITY, config.SHAPES, config.ONTOLOGY,
                         config.base_iri())
            rel, _ = timed("kg publish (whole release)", release, "bench", work / "r" / "bench", True, inp,
                           log=lambda *a: None)
            print(f"{'release size (MB)':40} {sum(p.stat().st_size for p in rel.rglob('*') if p.is_file()) / 1e6:8.1f}")
        for name in [s for s in args.stores.split(",") if s]:
            if name == "oxigraph":
                proc, url = start_oxigraph(work / "ox")
                target = Target.for_store(url, "oxigraph")
            elif name == "virtuoso":
                proc, url = start_virtuoso(work / "virtuoso")
                target = Target.for_store(url, "virtuoso", user="dba", password="dba", timeout=1800)
            else:
                raise SystemExit(f"unknown store {name}")
            procs.append(proc)
            for attempt in ("first", "second"):
                timed(f"push to {name} ({attempt})", push, rel, target, log=lambda *a: None)
    finally:
        for p in procs:
            stop(p)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
