"""The one bridge between rdflib terms and pyoxigraph terms (both directions).

rdflib is used where a library needs it (owlrl, pySHACL-style reports); the store is pyoxigraph."""

from __future__ import annotations

import pyoxigraph as ox

from .namespaces import XSD


def to_rdflib(term):
    """A pyoxigraph NamedNode, BlankNode or Literal as the equal rdflib term."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    return rdflib.Literal(term.value, lang=term.language,
                          datatype=None if term.language else rdflib.URIRef(term.datatype.value))


def from_rdflib(term):
    """An rdflib URIRef, BNode or Literal as the equal pyoxigraph term (untyped literals become xsd:string)."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD + "string")))
