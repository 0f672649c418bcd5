"""RDFS entailment (rdfs2, rdfs3, rdfs5, rdfs7, rdfs9, rdfs11) as SPARQL updates, run to a fixpoint.

Used only with ``--inference rdfs``: the ontology's domain and range axioms then type the
subjects and objects of every property (e.g. every rp:linkedTo target becomes "a measure"), which
changes validation answers on purpose — see shapes/README.md.
"""

from __future__ import annotations

import pyoxigraph as ox

_P = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nPREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
RULES = [
    # rdfs7 (with rdfs5 through the + path): sub-property values hold for the super-property
    "INSERT { ?s ?q ?o } WHERE { ?p rdfs:subPropertyOf+ ?q . ?s ?p ?o . FILTER(?p != ?q && isIRI(?q)) }",
    # rdfs2: domain
    "INSERT { ?s a ?c } WHERE { ?p rdfs:domain ?c . ?s ?p ?o . }",
    # rdfs3: range (not for literal objects)
    "INSERT { ?o a ?c } WHERE { ?p rdfs:range ?c . ?s ?p ?o . FILTER(!isLiteral(?o)) }",
    # rdfs9 (with rdfs11 through the + path): instances of a subclass are instances of the superclass
    "INSERT { ?s a ?d } WHERE { ?c rdfs:subClassOf+ ?d . ?s a ?c . }",
]


def _size(store: ox.Store) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)


def rdfs_closure(store: ox.Store, max_rounds: int = 20) -> int:
    """Add the RDFS closure to the default graph; returns the number of triples added."""
    start = before = _size(store)
    for _ in range(max_rounds):
        for rule in RULES:
            store.update(_P + rule)
        after = _size(store)
        if after == before:
            break
        before = after
    return before - start
