"""Validation results and the sh:ValidationReport graph built from them."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

SEVERITY_ORDER = [SH.Violation, SH.Warning, SH.Info]


@dataclass
class Result:
    focus: object                       # rdflib term
    path: object | None                 # rdflib node (IRI or blank node in the shapes graph)
    value: object | None
    shape: object                       # source shape node
    component: URIRef
    severity: URIRef
    messages: list[Literal] = field(default_factory=list)
    source_constraint: object | None = None

    def key(self) -> tuple:
        return (self.focus, self.path, self.value, self.shape, self.component, self.severity)


def _copy_node(src: Graph, dst: Graph, node) -> None:
    """Copy the triples describing a blank node (e.g. a complex sh:path) into the report."""
    if not isinstance(node, BNode):
        return
    seen, todo = set(), [node]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        for p, o in src.predicate_objects(n):
            dst.add((n, p, o))
            if isinstance(o, BNode):
                todo.append(o)


def report_graph(results: list[Result], shapes: Graph | None = None, conforms: bool | None = None) -> Graph:
    """The W3C sh:ValidationReport. ``shapes``: a graph describing the blank nodes the results
    name (the engine's report does); ``conforms`` defaults to "no result at all" (SHACL 3.6.1)."""
    g = Graph()
    g.bind("sh", SH)
    g.bind("rp", "https://w3id.org/regplan/ontology#")
    g.bind("rps", "https://w3id.org/regplan/shapes#")
    rep = BNode()
    g.add((rep, RDF.type, SH.ValidationReport))
    if conforms is None:
        conforms = not results
    g.add((rep, SH.conforms, Literal(bool(conforms))))
    for r in results:
        n = BNode()
        g.add((rep, SH.result, n))
        g.add((n, RDF.type, SH.ValidationResult))
        g.add((n, SH.focusNode, r.focus))
        if r.path is not None:
            g.add((n, SH.resultPath, r.path))
        if r.value is not None:
            g.add((n, SH.value, r.value))
        g.add((n, SH.sourceShape, r.shape))
        if shapes is not None:   # blank-node paths, shapes, values and focus nodes keep their description
            for node in (r.path, r.shape, r.value, r.focus):
                _copy_node(shapes, g, node)
        g.add((n, SH.sourceConstraintComponent, r.component))
        g.add((n, SH.resultSeverity, r.severity))
        if r.source_constraint is not None:
            g.add((n, SH.sourceConstraint, r.source_constraint))
        for m in r.messages:
            g.add((n, SH.resultMessage, m))
    return g


def results_from_graph(g: Graph) -> list[Result]:
    """Read results back from any sh:ValidationReport graph (e.g. pySHACL's)."""
    out = []
    # only top-level results: pySHACL also types the nested sh:detail results as sh:ValidationResult
    for n in g.objects(None, SH.result):
        out.append(Result(
            focus=g.value(n, SH.focusNode), path=g.value(n, SH.resultPath), value=g.value(n, SH.value),
            shape=g.value(n, SH.sourceShape), component=g.value(n, SH.sourceConstraintComponent),
            severity=g.value(n, SH.resultSeverity),
            messages=sorted(g.objects(n, SH.resultMessage), key=lambda m: (getattr(m, "language", None) or "", str(m))),
            source_constraint=g.value(n, SH.sourceConstraint)))
    return out


def restore_message_languages(results: list[Result], shapes: Graph) -> None:
    """Give filled-in message templates back their language tag.

    Engines (pySHACL and pyshacl-turbo alike) return a SPARQL constraint's ``sh:message`` with its
    ``{$value}``/``{?var}`` placeholders filled in but its language tag dropped, so ``--lang`` could
    not pick the nb or en text. Each untagged message that matches exactly one tagged template of
    its constraint (or shape) gets that template's tag."""
    import re

    cache: dict = {}

    def nodes_of(r: Result) -> list:
        """The constraint and shape the message came from; blank nodes of the engine's report
        need not be the shapes graph's, so fall back to the shape's SPARQL constraints, then to
        every message template of the shapes (a filled-in template must match in full)."""
        nodes = [n for n in (r.source_constraint, r.shape) if n is not None and (n, None, None) in shapes]
        nodes += list(shapes.objects(r.shape, SH.sparql)) if r.shape is not None else []
        return nodes or list(shapes.subjects(SH.message, None))

    def templates(r: Result) -> list:
        key = (r.source_constraint, r.shape)
        if key not in cache:
            ts = []
            for node in dict.fromkeys(nodes_of(r)):
                for t in shapes.objects(node, SH.message):
                    if isinstance(t, Literal) and t.language:
                        parts = re.split(r"\{[$?][A-Za-z_][A-Za-z0-9_]*\}", str(t))
                        ts.append((re.compile("(?s)" + ".*?".join(re.escape(p) for p in parts)), t.language))
            cache[key] = ts
        return cache[key]

    for r in results:
        if not any(isinstance(m, Literal) and not m.language for m in r.messages):
            continue
        ts = templates(r)
        if not ts:
            continue
        out = []
        for m in r.messages:
            if isinstance(m, Literal) and not m.language and m.datatype is None:
                langs = {lang for rx, lang in ts if rx.fullmatch(str(m))}
                if len(langs) == 1:
                    m = Literal(str(m), lang=langs.pop())
            out.append(m)
        r.messages = out
