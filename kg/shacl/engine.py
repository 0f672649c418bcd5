"""Compile SHACL shapes to SPARQL and run them on an in-memory pyoxigraph store.

Each constraint becomes one SELECT query that returns only the violating (focus, value) pairs,
with the focus nodes given as a sub-select (the shape's targets, or the value nodes of the parent
shape for nested shapes). Queries run on the store's default graph: load data with
:mod:`kg.shacl.loader`, which merges all graphs there.

Semantics follow SHACL 1.0 and pySHACL where the spec leaves room (see tests/test_validate_compare.py):
 * targets: sh:targetClass sees rdf:type/rdfs:subClassOf* in the data graph;
 * SPARQL constraints: $this is joined (not pre-bound) — the query gets the focus sub-select as its
   first group element, and an aggregate query is grouped by $this in addition;
 * a node shape's SPARQL result without ?value gets the focus node as value (as pySHACL does).
"""

from __future__ import annotations

import itertools
import re
from typing import Callable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from .loader import INTEGER_DERIVED, SIDE_PREFIX, datatypes_recorded
from .report import Result
from .shapes import Shape, ShapeFeatureError, ShapesGraph, Sparql

Focus = Callable[[str], str]   # var name -> group pattern binding that var to the focus nodes

_X = "http://www.w3.org/2001/XMLSchema#"
_INT_RANGES = {
    "positiveInteger": (1, None), "nonNegativeInteger": (0, None), "negativeInteger": (None, -1),
    "nonPositiveInteger": (None, 0), "long": (-2**63, 2**63 - 1), "int": (-2**31, 2**31 - 1),
    "short": (-2**15, 2**15 - 1), "byte": (-128, 127), "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 65535), "unsignedByte": (0, 255),
}
_LEXICAL = {   # well-formedness of lexical forms Oxigraph keeps as given
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.date: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.dateTime: r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.gYear: r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD.hexBinary: r"^([0-9a-fA-F]{2})*$",
}
_NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float}
_NODEKIND = {
    SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isIRI(?value) || isBlank(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}


def to_rdflib(t):
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    if isinstance(t, ox.Literal):
        if t.language:
            return Literal(t.value, lang=t.language)
        dt = t.datatype.value
        return Literal(t.value) if dt == _X + "string" else Literal(t.value, datatype=URIRef(dt))
    raise TypeError(f"unexpected term {t!r}")


def _lit(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class Engine:
    def __init__(self, store: ox.Store, shapes: ShapesGraph):
        self.store = store
        self.sg = shapes
        self.fidelity = datatypes_recorded(store)
        self._classes: dict = {}
        self._ids = itertools.count()
        self.queries = 0

    # ------------------------------------------------------------------ helpers
    def _var(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self._ids)}"

    def _select(self, text: str):
        self.queries += 1
        try:
            return self.store.query(text)
        except SyntaxError as e:   # a bug in a compiled query or a shape's SPARQL: say which
            raise ShapeFeatureError(f"SPARQL error {e} in query:\n{text}") from None

    def subclasses(self, cls) -> list[str]:
        if cls not in self._classes:
            rows = self._select("SELECT DISTINCT ?c WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>* "
                                f"{cls.n3()} }}")
            found = {f"<{r['c'].value}>" for r in rows if isinstance(r["c"], ox.NamedNode)}
            found.add(cls.n3())
            self._classes[cls] = sorted(found)
        return self._classes[cls]

    def target_focus(self, shape: Shape) -> Focus:
        parts: list[Callable[[str], str]] = []
        for kind, t in shape.targets:
            if kind == SH.targetClass:
                vals = " ".join(self.subclasses(t))
                parts.append(lambda v, vals=vals: f"{{ VALUES ?_tc {{ {vals} }} {v} a ?_tc . }}")
            elif kind == SH.targetNode:
                parts.append(lambda v, t=t: f"{{ VALUES {v} {{ {t.n3()} }} }}")
            elif kind == SH.targetSubjectsOf:
                parts.append(lambda v, t=t: f"{{ {v} {t.n3()} ?_to . }}")
            elif kind == SH.targetObjectsOf:
                parts.append(lambda v, t=t: f"{{ ?_ts {t.n3()} {v} . }}")
        return lambda v: "{ SELECT DISTINCT " + v + " WHERE { " + " UNION ".join(p(v) for p in parts) + " } }"

    def value_focus(self, shape: Shape, focus: Focus) -> Focus:
        """The value nodes of ``shape`` for ``focus`` as a focus pattern (for nested shapes)."""
        if not shape.is_property:
            return focus

        def f(v: str) -> str:
            t = self._var("f")
            return f"{{ SELECT DISTINCT {v} WHERE {{ {focus(t)} {t} {shape.path} {v} . }} }}"
        return f

    @staticmethod
    def values_pattern(shape: Shape, focus: Focus) -> str:
        if shape.is_property:
            return f"{focus('?this')} ?this {shape.path} ?value ."
        return f"{focus('?this')} BIND(?this AS ?value)"

    # ------------------------------------------------------------------ evaluation
    def validate(self) -> list[Result]:
        out: list[Result] = []
        for shape in self.sg.top:
            out.extend(self.eval_shape(shape, self.target_focus(shape)))
        return [self._final(r) for r in out]

    def _final(self, r: Result) -> Result:
        r.focus = to_rdflib(r.focus)
        value = r.value
        if isinstance(value, ox.Literal) and value.datatype.value == _X + "integer" and self.fidelity:
            for name in INTEGER_DERIVED:   # restore the datatype Oxigraph normalised away
                g = ox.NamedNode(SIDE_PREFIX + name)
                if next(iter(self.store.quads_for_pattern(None, None, value, g)), None) is not None:
                    value = ox.Literal(value.value, datatype=ox.NamedNode(_X + name))
                    break
        r.value = to_rdflib(value)
        return r

    def eval_shape(self, shape: Shape, focus: Focus) -> list[Result]:
        if shape.deactivated:
            return []
        out: list[Result] = []
        for c in shape.constraints:
            out.extend(self.eval_constraint(shape, c, focus))
        for prop in shape.properties:
            out.extend(self.eval_shape(prop, focus))
        return out

    def failing(self, shape: Shape, focus: Focus) -> set:
        return {r.focus for r in self.eval_shape(shape, focus)}

    def _result(self, shape: Shape, c, focus_node, value=None, messages=None, path=None, constraint=None):
        return Result(focus=focus_node, path=path if path is not None else shape.path_node, value=value,
                      shape=shape.node, component=c.component, severity=shape.severity,
                      messages=list(shape.messages if messages is None else messages),
                      source_constraint=constraint)

    def _value_filter(self, shape, c, focus: Focus, cond: str) -> list[Result]:
        """Results for every value node where ``cond`` (a SPARQL expression on ?value) is not true."""
        q = f"SELECT DISTINCT ?this ?value WHERE {{ {self.values_pattern(shape, focus)} FILTER(!COALESCE({cond}, false)) }}"
        return [self._result(shape, c, r["this"], r["value"]) for r in self._select(q)]

    def eval_constraint(self, shape: Shape, c, focus: Focus) -> list[Result]:
        p = c.param
        if p in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.disjoint, SH.equals, SH.hasValue) and not shape.is_property \
                and p != SH.hasValue:
            raise ShapeFeatureError(f"{shape.label()}: {p.n3()} is only supported on property shapes")
        if p == SH.minCount:
            if c.value <= 0:
                return []
            if c.value == 1:
                q = f"SELECT ?this WHERE {{ {focus('?this')} FILTER NOT EXISTS {{ ?this {shape.path} ?_any . }} }}"
            else:
                q = (f"SELECT ?this WHERE {{ {focus('?this')} OPTIONAL {{ ?this {shape.path} ?_v . }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) < {c.value})")
            return [self._result(shape, c, r["this"]) for r in self._select(q)]
        if p == SH.maxCount:
            q = (f"SELECT ?this WHERE {{ {focus('?this')} ?this {shape.path} ?_v . }} "
                 f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) > {c.value})")
            return [self._result(shape, c, r["this"]) for r in self._select(q)]
        if p == SH.datatype:
            return self._value_filter(shape, c, focus, self.datatype_ok(c.value))
        if p == SH["class"]:
            vals = " ".join(self.subclasses(c.value))
            return self._value_filter(shape, c, focus, f"EXISTS {{ ?value a ?_cls . VALUES ?_cls {{ {vals} }} }}")
        if p == SH.nodeKind:
            if c.value not in _NODEKIND:
                raise ShapeFeatureError(f"{shape.label()}: unknown sh:nodeKind {c.value}")
            return self._value_filter(shape, c, focus, _NODEKIND[c.value])
        if p == SH["in"]:
            cond = " || ".join(f"sameTerm(?value, {t.n3()})" for t in c.value) or "false"
            return self._value_filter(shape, c, focus, f"({cond})")
        if p == SH.hasValue:
            if shape.is_property:
                q = f"SELECT ?this WHERE {{ {focus('?this')} FILTER NOT EXISTS {{ ?this {shape.path} {c.value.n3()} . }} }}"
                return [self._result(shape, c, r["this"]) for r in self._select(q)]
            return self._value_filter(shape, c, focus, f"sameTerm(?value, {c.value.n3()})")
        if p == SH.pattern:
            flags = f", {_lit(c.flags)}" if c.flags else ""
            return self._value_filter(shape, c, focus, f"(!isBlank(?value) && REGEX(STR(?value), {_lit(c.value)}{flags}))")
        if p == SH.languageIn:
            cond = " || ".join(f"langMatches(lang(?value), {_lit(str(t))})" for t in c.value) or "false"
            return self._value_filter(shape, c, focus, f"(isLiteral(?value) && ({cond}))")
        if p in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            op = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}[p]
            return self._value_filter(shape, c, focus, f"(isLiteral(?value) && ?value {op} {c.value.n3()})")
        if p in (SH.minLength, SH.maxLength):
            op = ">=" if p == SH.minLength else "<="
            return self._value_filter(shape, c, focus, f"(!isBlank(?value) && STRLEN(STR(?value)) {op} {c.value})")
        if p == SH.uniqueLang:
            if not c.value:
                return []
            q = (f"SELECT ?this ?_lang WHERE {{ {focus('?this')} ?this {shape.path} ?_v . BIND(lang(?_v) AS ?_lang) "
                 f"FILTER(?_lang != \"\") }} GROUP BY ?this ?_lang HAVING (COUNT(DISTINCT ?_v) > 1)")
            return [self._result(shape, c, r["this"]) for r in self._select(q)]
        if p == SH.disjoint:
            q = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus('?this')} ?this {shape.path} ?value . "
                 f"?this {c.value.n3()} ?value . }}")
            return [self._result(shape, c, r["this"], r["value"]) for r in self._select(q)]
        if p == SH.equals:
            q = (f"SELECT DISTINCT ?this ?value WHERE {{ {focus('?this')} "
                 f"{{ ?this {shape.path} ?value . FILTER NOT EXISTS {{ ?this {c.value.n3()} ?value . }} }} UNION "
                 f"{{ ?this {c.value.n3()} ?value . FILTER NOT EXISTS {{ ?this {shape.path} ?value . }} }} }}")
            return [self._result(shape, c, r["this"], r["value"]) for r in self._select(q)]
        if p in (SH.node, SH["not"], SH["or"], SH["and"], SH.xone):
            return self._logical(shape, c, focus)
        if p == SH.sparql:
            return self._sparql(shape, c, focus)
        raise ShapeFeatureError(f"{shape.label()}: unsupported constraint {p.n3()}")

    def datatype_ok(self, dt) -> str:
        if dt == RDF.langString:
            return '(isLiteral(?value) && lang(?value) != "")'
        if str(dt).startswith(_X) and str(dt)[len(_X):] in _INT_RANGES:
            name = str(dt)[len(_X):]
            lo, hi = _INT_RANGES[name]
            cond = f"isLiteral(?value) && datatype(?value) = <{_X}integer> && isNumeric(?value)"
            if lo is not None:
                cond += f" && ?value >= {lo}"
            if hi is not None:
                cond += f" && ?value <= {hi}"
            if self.fidelity:
                cond += f" && EXISTS {{ GRAPH <{SIDE_PREFIX}{name}> {{ ?_ds ?_dp ?value . }} }}"
            return f"({cond})"
        cond = f"isLiteral(?value) && datatype(?value) = {dt.n3()}"
        if dt in _NUMERIC:
            cond += " && isNumeric(?value)"
        elif dt in _LEXICAL:
            cond += f" && REGEX(STR(?value), {_lit(_LEXICAL[dt])})"
        return f"({cond})"

    def _logical(self, shape: Shape, c, focus: Focus) -> list[Result]:
        rows = [(r["this"], r["value"]) for r in
                self._select(f"SELECT DISTINCT ?this ?value WHERE {{ {self.values_pattern(shape, focus)} }}")]
        if not rows:
            return []
        vfocus = self.value_focus(shape, focus)
        members = c.value if isinstance(c.value, list) else [c.value]
        fails = [self.failing(m, vfocus) for m in members]
        bad = []
        for this, value in rows:
            if c.param == SH.node:
                broken = value in fails[0]
            elif c.param == SH["not"]:
                broken = value not in fails[0]
            elif c.param == SH["or"]:
                broken = all(value in f for f in fails)
            elif c.param == SH["and"]:
                broken = any(value in f for f in fails)
            else:   # xone
                broken = sum(value not in f for f in fails) != 1
            if broken:
                bad.append(self._result(shape, c, this, value))
        return bad

    def _sparql(self, shape: Shape, c, focus: Focus) -> list[Result]:
        sp: Sparql = c.value
        text = sp.select
        for bad in ("$shapesGraph", "$currentShape"):
            if bad in text:
                raise ShapeFeatureError(f"{shape.label()}: {bad} in SPARQL constraints is not supported")
        if re.search(r"\b(VALUES|MINUS|SERVICE)\b", re.sub(r'"[^"]*"', "", text), re.I):
            raise ShapeFeatureError(f"{shape.label()}: a SPARQL constraint must not use VALUES, MINUS or SERVICE (SHACL 5.3.1)")
        if "$PATH" in text:
            if not shape.is_property:
                raise ShapeFeatureError(f"{shape.label()}: $PATH used in a node shape's SPARQL constraint")
            text = re.sub(r"\$PATH\b", shape.path, text)
        m = re.search(r"\bSELECT\b(\s+(DISTINCT|REDUCED)\b)?", text, re.I)
        if not m:
            raise ShapeFeatureError(f"{shape.label()}: sh:select is not a SELECT query")
        brace = text.find("{", m.end())
        projection = text[m.end():brace]
        if "*" not in projection and not re.search(r"[?$]this\b", projection):
            text = text[:m.end()] + " ?this" + text[m.end():]
            brace = text.find("{", m.end())
        text = text[:brace + 1] + " " + focus("?this") + " " + text[brace + 1:]
        g = re.search(r"\bGROUP\s+BY\b", text, re.I)
        if g and not re.search(r"\bGROUP\s+BY\b[^}]*[?$]this\b", text, re.I):
            text = text[:g.end()] + " ?this" + text[g.end():]
        query = sp.prefixes + "\n" + text
        out, seen = [], set()
        solutions = self._select(query)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            b = {n: row[n] for n in names if row[n] is not None}
            key = tuple(sorted((k, str(v)) for k, v in b.items()))
            if key in seen:
                continue
            seen.add(key)
            this = b.get("this")
            path = b.get("path")
            path = URIRef(path.value) if isinstance(path, ox.NamedNode) else None
            value = b.get("value", None if shape.is_property else this)
            msgs = [Literal(_fill(str(msg), b), lang=msg.language) for msg in sp.messages]
            extra = [m for m in shape.messages if m not in sp.messages]
            out.append(self._result(shape, c, this, value, messages=extra + msgs, path=path, constraint=sp.node))
        return out


def _fill(template: str, bindings: dict) -> str:
    def rep(m):
        v = bindings.get(m.group(1))
        return m.group(0) if v is None else str(to_rdflib(v))
    return re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", rep, template)


def validate_store(store: ox.Store, shapes: ShapesGraph) -> list[Result]:
    return Engine(store, shapes).validate()
