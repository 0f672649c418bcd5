"""RDF dumps of a release: Turtle (union), TriG and N-Quads (named graphs kept), N-Triples gzip, JSON-LD.

Everything is serialised by pyoxigraph (streaming, fast); the union is a second store so that a
triple asserted in two graphs appears once in the graph-less dumps.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import PREFIXES as NS_PREFIXES

#: the shared table (kg.namespaces), with dct spelled "dcterms" as the published dumps always have
PREFIXES = {("dcterms" if p == "dct" else p): iri for p, iri in NS_PREFIXES.items()}

#: file name → (pyoxigraph format, keeps named graphs?, gzip?)
DUMPS: dict[str, tuple[ox.RdfFormat, bool, bool]] = {
    "dataset.trig": (ox.RdfFormat.TRIG, True, False),
    "dataset.nq": (ox.RdfFormat.N_QUADS, True, False),
    "dataset.ttl": (ox.RdfFormat.TURTLE, False, False),
    "dataset.nt.gz": (ox.RdfFormat.N_TRIPLES, False, True),
    "dataset.jsonld": (ox.RdfFormat.JSON_LD, True, False),
}


def union_store(store: ox.Store) -> ox.Store:
    """All triples of every graph in the default graph of a new in-memory store (duplicates merged)."""
    union = ox.Store()
    union.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store)
    return union


def write_dumps(store: ox.Store, out_dir: Path, base: str) -> list[Path]:
    """Write every dump of `store` into out_dir; return the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    prefixes = dict(PREFIXES, base=base)
    union = None
    written = []
    for name, (fmt, named, gz) in DUMPS.items():
        path = out_dir / name
        src = store
        kwargs = {}
        if not named:
            union = union or union_store(store)
            src = union
            kwargs["from_graph"] = ox.DefaultGraph()
        if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            kwargs["prefixes"] = prefixes
        if gz:
            # mtime=0: identical content gives an identical file (reproducible checksums)
            with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
                src.dump(fh, fmt, **kwargs)
        else:
            src.dump(str(path), fmt, **kwargs)
        written.append(path)
    return written
