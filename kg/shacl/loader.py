"""Load RDF files into the in-memory pyoxigraph store the fast validator queries.

Two deliberate choices:

* Every file's triples go into the default graph (named graphs are merged), so a triple that
  occurs in several graphs is seen once — the same data graph pySHACL gets from a merged
  rdflib Graph. Oxigraph's union default graph would repeat such triples.
* Oxigraph normalises the datatypes derived from xsd:integer (``"3"^^xsd:positiveInteger`` is
  stored as ``"3"^^xsd:integer``), which would make every ``sh:datatype xsd:positiveInteger``
  check fail. The loader records the original datatype of such literals in a side graph
  (``urn:x-kg:datatype:<xsd local name>``) that the datatype checks consult; the side graphs are
  never part of the data graph the shapes see.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
#: datatypes Oxigraph rewrites to xsd:integer on insertion
INTEGER_DERIVED = (
    "nonPositiveInteger negativeInteger long int short byte nonNegativeInteger unsignedLong "
    "unsignedInt unsignedShort unsignedByte positiveInteger"
).split()
_DERIVED_IRIS = {XSD + n: n for n in INTEGER_DERIVED}
SIDE_PREFIX = "urn:x-kg:datatype:"
META_GRAPH = ox.NamedNode("urn:x-kg:meta")
META_RECORDED = ox.Quad(META_GRAPH, ox.NamedNode("urn:x-kg:datatypesRecorded"), ox.Literal("true"), META_GRAPH)

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES, ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML,
}


class DataParseError(Exception):
    """A data file that cannot be read or parsed; ``str()`` is ``file:line: message``."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = Path(path), line, message
        loc = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{loc}: {message}")


def rdf_format(path: Path) -> ox.RdfFormat:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise DataParseError(path, None, f"unknown RDF file extension {Path(path).suffix!r} "
                             f"(use one of {', '.join(sorted(FORMATS))})")
    return fmt


def _parse_message(e: SyntaxError) -> str:
    msg = str(e.msg if getattr(e, "msg", None) else e)
    msg = msg.replace("Parser error ", "").strip()
    return re.sub(r"^(at|between) line \d+ (column \d+)?( and line \d+ column \d+)?:?\s*", "", msg) or msg


def triples_of(path: Path) -> Iterable[ox.Quad]:
    """Parse one file; yields quads in the default graph. Raises DataParseError with the line."""
    path = Path(path)
    if not path.is_file():
        raise DataParseError(path, None, "no such file")
    fmt = rdf_format(path)
    try:
        yield from ox.parse(path=str(path), format=fmt)
    except SyntaxError as e:
        raise DataParseError(path, e.lineno, _parse_message(e)) from None
    except (OSError, ValueError) as e:
        raise DataParseError(path, None, str(e)) from None


def add_quads(store: ox.Store, quads: Iterable[ox.Quad]) -> int:
    """Add quads to the store's default graph, recording integer-derived datatypes on the side.

    Uses ``bulk_extend`` (no transaction): meant for the fresh stores this module creates."""
    count = [0]
    derived = _DERIVED_IRIS
    lit_type = ox.Literal

    def gen():
        for q in quads:
            o = q.object
            if type(o) is lit_type:
                name = derived.get(o.datatype.value)
                if name is not None:
                    yield ox.Quad(q.subject, q.predicate, o, ox.NamedNode(SIDE_PREFIX + name))
            count[0] += 1
            yield q if type(q.graph_name) is ox.DefaultGraph else ox.Quad(q.subject, q.predicate, o)
    store.bulk_extend(gen())
    return count[0]


def new_store() -> ox.Store:
    store = ox.Store()
    store.add(META_RECORDED)
    return store


def load_files(paths: Iterable[Path], store: ox.Store | None = None) -> ox.Store:
    """A fresh store (or the given one) holding the merged triples of every file."""
    store = store if store is not None else new_store()
    for p in paths:
        add_quads(store, triples_of(Path(p)))
    return store


def copy_store(source: ox.Store, skip_graphs: Iterable[str] = ()) -> ox.Store:
    """Merge every graph of another store (except ``skip_graphs``) into a fresh validation store."""
    skip = set(skip_graphs)
    store = new_store()
    add_quads(store, (q for q in source
                      if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in skip)))
    return store


def datatypes_recorded(store: ox.Store) -> bool:
    return bool(list(store.quads_for_pattern(META_RECORDED.subject, META_RECORDED.predicate, None, META_GRAPH)))


# ---------------------------------------------------------------------- faithful N-Triples
def _base_iri(path: Path) -> str:
    return Path(path).resolve().as_uri()


def file_triples(path: Path, rename: bool = False, prefixes: dict | None = None) -> Iterable[ox.Triple]:
    """The triples of one file as written (graph names dropped: all graphs are one data graph).

    pyoxigraph's parser keeps literals exactly as written (only its store normalises them);
    relative IRIs resolve against the file's own URI. ``rename`` gives blank nodes fresh labels,
    so that two files that both use ``_:b1`` keep them apart. ``prefixes`` collects the file's
    prefix declarations."""
    path = Path(path)
    if not path.is_file():
        raise DataParseError(path, None, "no such file")
    fmt = rdf_format(path)
    try:
        parser = ox.parse(path=str(path), format=fmt, base_iri=_base_iri(path), rename_blank_nodes=rename)
        for q in parser:
            yield ox.Triple(q.subject, q.predicate, q.object)
        if prefixes is not None:
            for k, v in (getattr(parser, "prefixes", None) or {}).items():
                prefixes.setdefault(k, v)
    except SyntaxError as e:
        raise DataParseError(path, e.lineno, _parse_message(e)) from None
    except (OSError, ValueError) as e:
        raise DataParseError(path, None, str(e)) from None


def ntriples(triples: Iterable[ox.Triple]) -> tuple[str, int]:
    """N-Triples text of ``triples`` and how many there were (repeats included)."""
    count = [0]

    def counted():
        for t in triples:
            count[0] += 1
            yield t
    text = ox.serialize(counted(), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return text, count[0]


def files_ntriples(paths: Iterable[Path], extra: Iterable[ox.Triple] = (), prefixes: dict | None = None) -> tuple[str, int]:
    """One N-Triples document holding every file's triples (literals as written) plus ``extra``;
    returns it with the number of data triples read (``extra`` not counted)."""
    paths = [Path(p) for p in paths]

    def gen():
        for i, p in enumerate(paths):
            yield from file_triples(p, rename=len(paths) > 1 and i > 0, prefixes=prefixes)
    text, n = ntriples(gen())
    extra_text, _ = ntriples(extra)
    return text + extra_text, n
