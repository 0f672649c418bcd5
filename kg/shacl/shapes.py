"""Read a SHACL shapes graph (rdflib) into plain shape objects the engine compiles to SPARQL.

Only the features listed in ``SUPPORTED`` are accepted; any other ``sh:`` term on a shape raises
:class:`ShapeFeatureError` naming the shape and the term, so an unsupported feature can never pass
silently. Non-validating terms (names, descriptions, order, group …) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

#: constraint parameters the engine implements (one component each, except min/max bounds)
CONSTRAINT_PARAMS = {
    SH.minCount, SH.maxCount, SH.datatype, SH["class"], SH.nodeKind, SH["in"], SH.hasValue,
    SH.pattern, SH.flags, SH.languageIn, SH.uniqueLang, SH.minInclusive, SH.maxInclusive,
    SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.node, SH["or"], SH["and"],
    SH["not"], SH.xone, SH.disjoint, SH.equals, SH.sparql, SH.property,
}
TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
STRUCTURE = {SH.path, SH.severity, SH.message, SH.deactivated}
IGNORED = {SH.name, SH.description, SH.order, SH.group, SH.defaultValue, SH.declare, SH.prefixes}
SUPPORTED = CONSTRAINT_PARAMS | TARGETS | STRUCTURE | IGNORED

COMPONENT = {
    SH.minCount: SH.MinCountConstraintComponent, SH.maxCount: SH.MaxCountConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent, SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent, SH["in"]: SH.InConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent, SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent, SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent, SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent, SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent, SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.node: SH.NodeConstraintComponent, SH["or"]: SH.OrConstraintComponent,
    SH["and"]: SH.AndConstraintComponent, SH["not"]: SH.NotConstraintComponent,
    SH.xone: SH.XoneConstraintComponent, SH.disjoint: SH.DisjointConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent, SH.sparql: SH.SPARQLConstraintComponent,
}


class ShapeFeatureError(Exception):
    """The shapes use a SHACL feature the fast engine does not implement (or are malformed)."""


@dataclass
class Constraint:
    param: URIRef              # the parameter predicate, e.g. sh:minCount
    value: object              # parsed value (int, term, list of terms, Shape, list of Shapes, Sparql)
    component: URIRef
    flags: str = ""            # sh:flags for sh:pattern


@dataclass
class Sparql:
    node: object
    select: str
    messages: list[Literal]
    prefixes: str


@dataclass(eq=False)
class Shape:
    node: object
    is_property: bool
    path_node: object = None               # rdflib node of sh:path (copied into reports)
    path: str | None = None                # SPARQL property-path syntax
    targets: list[tuple[URIRef, object]] = field(default_factory=list)
    severity: URIRef = SH.Violation
    messages: list[Literal] = field(default_factory=list)
    deactivated: bool = False
    constraints: list[Constraint] = field(default_factory=list)
    properties: list["Shape"] = field(default_factory=list)

    def label(self) -> str:
        return self.node.n3() if isinstance(self.node, URIRef) else f"blank shape {self.node.n3()}"


def _n3(term) -> str:
    if isinstance(term, BNode):
        raise ShapeFeatureError(f"blank node {term.n3()} used as a constant in a shape")
    return term.n3()


def sparql_path(g: Graph, node, where: str) -> str:
    """Translate a SHACL path node into SPARQL 1.1 property-path syntax."""
    if isinstance(node, URIRef):
        return node.n3()
    if isinstance(node, BNode):
        if (node, RDF.first, None) in g:
            items = list(Collection(g, node))
            if len(items) < 2:
                raise ShapeFeatureError(f"{where}: a sequence path needs at least two members")
            return "(" + "/".join(sparql_path(g, i, where) for i in items) + ")"
        for pred, fmt in ((SH.inversePath, "^({})"), (SH.zeroOrMorePath, "({})*"),
                          (SH.oneOrMorePath, "({})+"), (SH.zeroOrOnePath, "({})?")):
            inner = g.value(node, pred)
            if inner is not None:
                return fmt.format(sparql_path(g, inner, where))
        alt = g.value(node, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(sparql_path(g, i, where) for i in Collection(g, alt)) + ")"
    raise ShapeFeatureError(f"{where}: unsupported or malformed sh:path {node!r}")


def _prefixes(g: Graph, node, where: str) -> str:
    lines = []
    for decl_owner in g.objects(node, SH.prefixes):
        for decl in g.objects(decl_owner, SH.declare):
            p, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
            if p is None or ns is None:
                raise ShapeFeatureError(f"{where}: sh:declare without sh:prefix/sh:namespace")
            lines.append(f"PREFIX {p}: <{ns}>")
    return "\n".join(sorted(set(lines)))


class ShapesGraph:
    """All shapes of a graph, parsed once; nested shapes are shared objects."""

    def __init__(self, g: Graph):
        self.g = g
        self._cache: dict[object, Shape] = {}
        self.top: list[Shape] = []
        shape_nodes = set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
        for pred in TARGETS:
            shape_nodes |= set(g.subjects(pred, None))
        shape_nodes |= {s for s in g.subjects(SH.path, None)}
        for node in sorted(shape_nodes, key=str):
            shape = self.shape(node)
            if shape.targets:
                self.top.append(shape)
        self._check_stray_terms()

    def _check_stray_terms(self) -> None:
        """A mistyped sh: predicate (e.g. sh:targetSubjectOf) anywhere must not pass silently."""
        known = SUPPORTED | {SH.prefix, SH.namespace, SH.select, SH.inversePath, SH.zeroOrMorePath,
                             SH.oneOrMorePath, SH.zeroOrOnePath, SH.alternativePath, SH.flags}
        for s, p, _ in self.g:
            if isinstance(p, URIRef) and str(p).startswith(str(SH)) and p not in known:
                raise ShapeFeatureError(f"{s.n3() if isinstance(s, URIRef) else 'a blank node'}: "
                                        f"unsupported SHACL term {p.n3(self.g.namespace_manager)}")

    def shape(self, node) -> Shape:
        if node in self._cache:
            return self._cache[node]
        g = self.g
        where = node.n3() if isinstance(node, URIRef) else f"shape {node.n3()}"
        path_node = g.value(node, SH.path)
        shape = Shape(node=node, is_property=path_node is not None)
        self._cache[node] = shape
        if path_node is not None:
            shape.path_node = path_node
            shape.path = sparql_path(g, path_node, where)
        for p in set(g.predicates(node, None)):
            if str(p).startswith(str(SH)) and p not in SUPPORTED:
                raise ShapeFeatureError(f"{where}: unsupported SHACL feature {p.n3(g.namespace_manager)}")
        for pred in TARGETS:
            for t in g.objects(node, pred):
                shape.targets.append((pred, t))
        if (node, RDF.type, RDFS.Class) in g or (node, RDF.type, OWL.Class) in g:
            shape.targets.append((SH.targetClass, node))     # implicit class target
        shape.severity = g.value(node, SH.severity) or SH.Violation
        shape.messages = sorted(g.objects(node, SH.message), key=lambda m: (m.language or "", str(m)))
        deact = g.value(node, SH.deactivated)
        shape.deactivated = bool(deact is not None and deact.toPython() is True)
        for pred in sorted(CONSTRAINT_PARAMS - {SH.property}, key=str):
            for val in g.objects(node, pred):
                shape.constraints.append(self._constraint(node, pred, val, where))
        for prop in sorted(g.objects(node, SH.property), key=str):
            ps = self.shape(prop)
            if not ps.is_property:
                raise ShapeFeatureError(f"{where}: sh:property value {prop.n3()} has no sh:path")
            shape.properties.append(ps)
        return shape

    def _constraint(self, node, pred, val, where) -> Constraint:
        g = self.g
        comp = COMPONENT[pred]
        if pred in (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength):
            if not isinstance(val, Literal) or not isinstance(val.toPython(), int):
                raise ShapeFeatureError(f"{where}: {pred.n3(g.namespace_manager)} needs an integer")
            return Constraint(pred, int(val.toPython()), comp)
        if pred == SH.pattern:
            return Constraint(pred, str(val), comp, flags=str(g.value(node, SH.flags) or ""))
        if pred in (SH["in"], SH.languageIn):
            return Constraint(pred, list(Collection(g, val)), comp)
        if pred == SH.uniqueLang:
            return Constraint(pred, bool(val.toPython()), comp)
        if pred in (SH.node, SH["not"]):
            return Constraint(pred, self.shape(val), comp)
        if pred in (SH["or"], SH["and"], SH.xone):
            return Constraint(pred, [self.shape(m) for m in Collection(g, val)], comp)
        if pred == SH.sparql:
            select = g.value(val, SH.select)
            if select is None:
                raise ShapeFeatureError(f"{where}: only SELECT-based sh:sparql constraints are supported")
            for p in set(g.predicates(val, None)):
                if p not in (SH.select, SH.message, SH.prefixes, RDF.type, SH.deactivated, SH.name,
                             SH.description, RDFS.comment, RDFS.label):
                    raise ShapeFeatureError(f"{where}: unsupported term {p.n3(g.namespace_manager)} on a SPARQL constraint")
            msgs = sorted(g.objects(val, SH.message), key=lambda m: (m.language or "", str(m)))
            return Constraint(pred, Sparql(val, str(select), msgs, _prefixes(g, val, where)), comp)
        if pred in (SH.disjoint, SH.equals):
            if not isinstance(val, URIRef):
                raise ShapeFeatureError(f"{where}: {pred.n3(g.namespace_manager)} needs an IRI")
        return Constraint(pred, val, comp)


def load_shapes_graph(shapes_dir_or_files) -> Graph:
    """Parse every ``*.ttl`` in a folder (or the given files) into one rdflib Graph."""
    p = Path(shapes_dir_or_files) if not isinstance(shapes_dir_or_files, (list, tuple)) else None
    files: Iterable[Path] = sorted(p.glob("*.ttl")) if p is not None and p.is_dir() else (
        [p] if p is not None else [Path(f) for f in shapes_dir_or_files])
    g = Graph()
    files = list(files)
    if not files:
        raise ShapeFeatureError(f"{shapes_dir_or_files}: no shapes (*.ttl) found")
    for f in files:
        g.parse(f, format="turtle")
    return g
