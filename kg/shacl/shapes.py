"""Find and read a shapes graph (a file or a folder), and refuse mistyped SHACL terms.

A SHACL processor ignores triples it does not understand, so ``sh:targetSubjectOf`` (for
``sh:targetSubjectsOf``) would silently select no focus node and every check would "pass".
:func:`check_vocabulary` refuses any predicate or class in the ``sh:`` namespace that the SHACL
vocabulary does not define, naming the shape and the term.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

#: file extensions read from a shapes folder
SHAPE_SUFFIXES = (".ttl", ".turtle", ".nt", ".trig", ".jsonld", ".rdf", ".owl")


class ShapeFeatureError(Exception):
    """The shapes cannot be used as given (none found, unknown SHACL term, refused by the engine)."""


def shape_files(shapes: Path | str | Iterable) -> list[Path]:
    """The shapes files of a folder (sorted; ``*.ttl`` and other RDF files), one file, or a list."""
    if isinstance(shapes, (list, tuple)):
        files = [Path(f) for f in shapes]
    else:
        p = Path(shapes)
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.suffix.lower() in SHAPE_SUFFIXES and f.is_file())
        elif p.exists():
            files = [p]
        else:
            raise ShapeFeatureError(f"{p}: no such shapes file or folder")
    if not files:
        raise ShapeFeatureError(f"{shapes}: no shapes files ({', '.join(SHAPE_SUFFIXES)}) found")
    return files


#: known sh: predicates that do not make their subject a shape (prefix declarations, reports, paths)
_NOT_SHAPE_PREDICATES = {SH.declare, SH.prefix, SH.namespace, SH.prefixes, SH.conforms, SH.result, SH.focusNode,
                         SH.resultPath, SH.resultSeverity, SH.sourceShape, SH.sourceConstraintComponent,
                         SH.value, SH.resultMessage, SH.inversePath, SH.alternativePath, SH.zeroOrMorePath,
                         SH.oneOrMorePath, SH.zeroOrOnePath}


@lru_cache(maxsize=1)
def shacl_terms() -> frozenset:
    """Every IRI the SHACL vocabulary (shacl.ttl, as shipped with pySHACL) defines. Read with
    pyoxigraph from the package's folder, without importing pySHACL (0.4 s)."""
    import importlib.util

    import pyoxigraph as ox

    spec = importlib.util.find_spec("pyshacl")
    if spec is None or not spec.submodule_search_locations:
        raise ShapeFeatureError("pySHACL (which ships the SHACL vocabulary, shacl.ttl) is not installed")
    path = Path(list(spec.submodule_search_locations)[0]) / "assets" / "shacl.ttl"
    return frozenset(URIRef(q.subject.value) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
                     if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(str(SH)))


def check_vocabulary(g: Graph) -> None:
    """Raise :class:`ShapeFeatureError` for a ``sh:`` predicate or class SHACL does not define."""
    known = shacl_terms()
    ns = str(SH)
    # only nodes that are shapes by some known SHACL term (the shapes graph may hold data too)
    shapes = {s for s, p, o in g if (p in known and str(p).startswith(ns) and p not in _NOT_SHAPE_PREDICATES)
              or (p == RDF.type and o in (SH.NodeShape, SH.PropertyShape, SH.Shape))}
    for s, p, o in g:
        if s not in shapes:
            continue
        bad = p if str(p).startswith(ns) and p not in known else None
        if bad is None and p == RDF.type and isinstance(o, URIRef) and str(o).startswith(str(SH)) and o not in known:
            bad = o
        if bad is not None:
            where = s.n3(g.namespace_manager) if isinstance(s, URIRef) else "a blank node"
            raise ShapeFeatureError(f"{where}: {bad.n3(g.namespace_manager)} is not a SHACL term "
                                    "(mistyped? it would be ignored and its check would silently pass)")


_REMOTE = re.compile(r"\bSERVICE\s+(SILENT\s+)?[<?$]|\bFROM\s+(NAMED\s+)?<", re.IGNORECASE)


def check_sparql(g: Graph) -> None:
    """Refuse SPARQL in the shapes that would fetch from elsewhere (SERVICE, FROM <…>): validation
    makes no outbound request (rdflib, under pySHACL, would follow them), and uploaded shapes must
    not turn a check page into a proxy."""
    for pred in (SH.select, SH.ask, SH.construct, SH.update):
        for node, text in g.subject_objects(pred):
            m = _REMOTE.search(str(text))
            if m:
                owners = [s for s in g.subjects(SH.sparql, node)] + [s for s in g.subjects(SH.validator, node)]
                owner = next((o for o in owners + [node] if isinstance(o, URIRef)), None)
                where = owner.n3(g.namespace_manager) if owner is not None else "a blank-node constraint"
                raise ShapeFeatureError(f"{where}: SPARQL {m.group(0).split()[0].upper()} is not allowed in "
                                        "shapes (validation reads only the data it is given)")


def load_shapes_graph(shapes) -> Graph:
    """Parse the shapes files of a folder (or a file, or a list) into one rdflib Graph.

    For display and checks only: rdflib normalises literals, so the engine gets the files'
    triples as written (see :mod:`kg.shacl.loader`), not this graph."""
    g = Graph()
    for f in shape_files(shapes):
        g.parse(f)
    return g
