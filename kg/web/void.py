"""VoID description with statistics of the whole dataset and of each named graph (as void:subset).

`void_graph(store, base)` is what `kg serve` answers at `/.well-known/void` and what `kg publish`
writes to a release's metadata/void.ttl (kg.publish.void).
"""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF

from .. import namespaces as ns

VOID = Namespace(ns.VOID)
SD = Namespace(ns.SD)
ONTOLOGY_NS = ns.RP

_STATS = {
    "triples": "COUNT(*)",
    "entities": "COUNT(DISTINCT IF(isIRI(?s), ?s, ?none))",
    "classes": "COUNT(DISTINCT IF(?p = rdf:type, ?o, ?none))",
    "properties": "COUNT(DISTINCT ?p)",
    "distinctSubjects": "COUNT(DISTINCT ?s)",
    "distinctObjects": "COUNT(DISTINCT ?o)",
}


def dataset_iri(base: str) -> str:
    return f"{base}dataset"


def _stats(store: ox.Store, graph: str | None) -> dict[str, int]:
    if graph is None:  # distinct triples of the union of the named graphs (= dataset.ttl)
        pattern = "{ SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    else:
        pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}"
    select = " ".join(f"({expr} AS ?{name})" for name, expr in _STATS.items())
    q = f"PREFIX rdf: <{RDF}> SELECT {select} WHERE {{ {pattern} }}"
    row = next(iter(store.query(q)))
    return {name: int(row[name].value) for name in _STATS}


def graph_names(store: ox.Store) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def void_graph(store: ox.Store, base: str, *, sparql_endpoint: str | None = None,
               dumps: list[str] | None = None) -> Graph:
    """VoID of the named graphs of `store`. Whole-dataset figures count each distinct triple once.

    Entities = distinct IRI subjects (the usual VoID reading); blank nodes are not entities.
    """
    ds = URIRef(dataset_iri(base))
    g = Graph()
    g.bind("void", VOID)
    g.bind("sd", SD)
    g.bind("dcterms", DCTERMS)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, VOID.uriSpace, Literal(base)))
    g.add((ds, FOAF.homepage, URIRef(base)))
    if sparql_endpoint:
        g.add((ds, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    for url in dumps or []:
        g.add((ds, VOID.dataDump, URIRef(url)))
    for name, value in _stats(store, None).items():
        g.add((ds, VOID[name], Literal(value, datatype=XSD.integer)))
    vocabularies = set()
    for graph in graph_names(store):
        local = graph[len(base) + len("graph/"):] if graph.startswith(base + "graph/") else re.sub(r"\W+", "-", graph)
        sub = URIRef(f"{ds}/graph/{local}")
        g.add((ds, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, SD.name, URIRef(graph)))
        for name, value in _stats(store, graph).items():
            g.add((sub, VOID[name], Literal(value, datatype=XSD.integer)))
    for row in store.query("SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }"):
        iri = row["p"].value
        m = re.match(r"^(.*[#/])[^#/]+$", iri)
        if m and (not m.group(1).startswith(base) or m.group(1) == ONTOLOGY_NS):
            vocabularies.add(m.group(1))
    for vocabulary in sorted(vocabularies):
        g.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    return g
