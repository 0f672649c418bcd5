"""Shared by the SHACL tests (test_shapes, test_validate_*): the shapes fixtures, their cases and the
comparison of two engines' results. A helper module, not a test module: no test imports another."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml
from rdflib import BNode, Graph, Literal
from rdflib.namespace import SH

from kg.validate import Report

FIX = Path(__file__).parent / "fixtures" / "shapes"
RPS = "https://w3id.org/regplan/shapes#"
PREFIXES = """
PREFIX rp: <https://w3id.org/regplan/ontology#>  PREFIX ex: <https://example.org/kg/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>  PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>  PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX org: <http://www.w3.org/ns/org#>  PREFIX sdo: <http://schema.org/>  PREFIX dcat: <http://www.w3.org/ns/dcat#>
"""
CASES = yaml.safe_load((FIX / "cases.yaml").read_text(encoding="utf-8"))



def variant(tmp_path: Path, update: str | None, name: str) -> Path:
    """base.ttl changed by a SPARQL update (rdflib keeps datatypes such as xsd:positiveInteger as written)."""
    g = Graph().parse(FIX / "base.ttl")
    for op in re.split(r"(?<=\})\s*;\s*(?=INSERT|DELETE)",
                       update or ""):   # rdflib forgets the prologue after ';': one op at a time
        if op.strip():
            g.update(PREFIXES + op)
    out = tmp_path / f"{name}.nt"
    g.serialize(out, format="nt", encoding="utf-8")
    return out


def _num(text: str) -> str:
    return re.sub(r"(\d)\.0\b", r"\1", text)


def canon(rep: Report, messages: bool = True) -> Counter:
    """Comparable results; ``messages=False`` for shapes without sh:message (pySHACL then invents
    English ones, the fast engine gives none)."""
    out = Counter()
    for r in rep.results:
        msgs = frozenset(_num(str(m)) for m in r.messages) if messages else None
        tagged = frozenset((str(m), getattr(m, "language", None)) for m in r.messages) \
            if r.component != SH.SPARQLConstraintComponent and messages else None
        value = r.value
        if isinstance(value, Literal) and value.datatype is not None and value.datatype.endswith("#string"):
            value = Literal(str(value))
        shown = None if value is None else (
            value.toPython() if isinstance(value, Literal) and not value.ill_typed else str(value))
        out[("bnode" if isinstance(r.focus, BNode) else str(r.focus), rep.path_text(r.path), shown,
             value.datatype if isinstance(value, Literal) else None,
             str(r.shape) if not isinstance(r.shape, BNode) else "bnode-shape",
             str(r.component), str(r.severity), msgs, tagged)] += 1
    return out
