"""HTML documentation of the ontology and of the SHACL shapes: one renderer for `kg serve` and `kg publish`.

`kg serve` answers /ontology and /shapes with these pages for a browser (Turtle for anyone else),
in the request's language; a release writes them once (Bokmål) as ontology/index.html and
shapes/index.html and into its static site. Texts follow the page language with the label fallback
of kg.web.i18n (en page: en → nb → nn; nb page: nb → nn → en); the ontology's own terms link to
their entry on the page, other terms to their IRI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from ..namespaces import CONCEPT, PREFIXES, RP, RPS
from ..namespaces import SH as NS_SH
from . import i18n, links
from .pages import environment

SH = Namespace(NS_SH)
SHAPES_NS = RPS
CONCEPT_NS = CONCEPT
_CURIES = {**PREFIXES, "rps": RPS}


def read(ttl_files: list[Path]) -> Graph:
    g = Graph()
    for p in ttl_files:
        g.parse(p, format="turtle")
    return g


@lru_cache(maxsize=8)
def _read_cached(paths: tuple[str, ...], mtimes: tuple[float, ...]) -> Graph:
    return read([Path(p) for p in paths])


def read_folder(folder: Path) -> tuple[Graph, list[Path]]:
    """The Turtle files of a folder parsed into one graph (cached until a file changes)."""
    files = sorted(Path(folder).glob("*.ttl")) if Path(folder).is_dir() else []
    return _read_cached(tuple(map(str, files)), tuple(p.stat().st_mtime for p in files)), files


def curie(iri: str) -> str:
    for prefix, ns in sorted(_CURIES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns):]}"
    if iri.startswith(CONCEPT_NS):
        return iri[len(CONCEPT_NS):]
    return iri


def anchor(iri: str) -> str:
    """A fragment id for a term: its local name (rp:Measure → Measure, concept/level/county → level-county)."""
    local = iri[len(CONCEPT_NS):] if iri.startswith(CONCEPT_NS) else re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return re.sub(r"[^A-Za-z0-9_-]+", "-", local).strip("-") or "term"


def text(g: Graph, s, preds, lang: str | None = None) -> str:
    """The first of `preds` on `s` in the page language (fallback nb → nn → en, then untagged, then any)."""
    order = i18n.LABEL_ORDER.get(lang or i18n.current(), i18n.LABEL_ORDER[i18n.DEFAULT])
    for p in preds:
        values = [o for o in g.objects(s, p) if isinstance(o, Literal)]
        if not values:
            continue
        by_lang = {(o.language or ""): str(o) for o in values}
        for code in (*order, ""):
            if code in by_lang:
                return by_lang[code]
        return str(values[0])
    return ""


LABEL = (RDFS.label, SKOS.prefLabel, SH.name, DCTERMS.title)
DEFINITION = (SKOS.definition, RDFS.comment, DCTERMS.description, SH.description)


@dataclass
class Ref:
    """A term as a link: its label in the page language, its CURIE and where it links (None: plain text)."""
    label: str
    curie: str
    href: str | None


@dataclass
class Term:
    iri: str
    anchor: str
    curie: str
    label: str
    definition: str
    kind: str = ""
    facts: list[tuple[str, list[Ref]]] = field(default_factory=list)


class _Linker:
    """Refs to terms: the ontology's own terms (and concepts) → their entry on the ontology page,
    other http(s) IRIs → themselves; labels from the graph (external-labels.ttl gives nb/en labels)."""

    def __init__(self, g: Graph, lang: str, own: set[str], page: str, shapes: set[str] = frozenset()):
        self.g, self.lang, self.own, self.page, self.shapes = g, lang, own, page, shapes

    def ref(self, node) -> Ref:
        if isinstance(node, BNode):  # owl:unionOf lists and other class expressions: their members
            members = list(self.g.items(self.g.value(node, OWL.unionOf))) if self.g.value(node, OWL.unionOf) else []
            if members:
                refs = [self.ref(m) for m in members]
                return Ref(" ∪ ".join(r.label for r in refs), " ∪ ".join(r.curie for r in refs), None)
            return Ref("(" + i18n.t("uttrykk") + ")", "", None)
        iri = str(node)
        label = text(self.g, node, LABEL, self.lang) or curie(iri)
        if iri in self.shapes:  # a shape with an entry on this (the shapes) page
            return Ref(label, curie(iri), f"#{anchor(iri)}")
        if iri in self.own:
            return Ref(label, curie(iri), f"{self.page}#{anchor(iri)}")
        return Ref(label, curie(iri), iri if links.linkable(iri) else None)

    def refs(self, nodes) -> list[Ref]:
        return sorted((self.ref(n) for n in set(nodes)), key=lambda r: (r.label.casefold(), r.curie))


_PROPERTY_KINDS = ((OWL.ObjectProperty, "Objektegenskap"), (OWL.DatatypeProperty, "Dataegenskap"),
                   (OWL.AnnotationProperty, "Annotasjonsegenskap"), (RDF.Property, "Egenskap"))


def _own(g: Graph, ontology) -> set[str]:
    """Terms this vocabulary defines: rdfs:isDefinedBy the ontology or in the rp: namespace, and its concepts."""
    out = {str(s) for s in g.subjects(RDFS.isDefinedBy, ontology)} if ontology is not None else set()
    out |= {str(s) for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(RP) and str(s) != RP}
    out |= {str(s) for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(CONCEPT_NS)}
    return out


def ontology_model(g: Graph, lang: str | None = None, page: str = "") -> dict:
    """Classes, properties and concept schemes of the vocabulary, with texts in `lang`."""
    lang = lang or i18n.current()
    onto = next(iter(g.subjects(RDF.type, OWL.Ontology)), None)
    own = _own(g, onto)
    lk = _Linker(g, lang, own, page)
    t = lambda s: i18n.t(s, lang)  # noqa: E731

    def term(s, kind: str = "") -> Term:
        return Term(str(s), anchor(str(s)), curie(str(s)), text(g, s, LABEL, lang) or curie(str(s)),
                    text(g, s, DEFINITION, lang), t(kind) if kind else "")

    def sort(terms: list[Term]) -> list[Term]:
        return sorted(terms, key=lambda x: (x.label.casefold(), x.curie))

    classes = []
    for s in {s for c in (OWL.Class, RDFS.Class) for s in g.subjects(RDF.type, c)}:
        if not isinstance(s, URIRef) or str(s) not in own or str(s).startswith(CONCEPT_NS):
            continue
        x = term(s)
        x.facts = [(t("Underklasse av"), lk.refs(g.objects(s, RDFS.subClassOf))),
                   (t("Underklasser"), lk.refs(g.subjects(RDFS.subClassOf, s))),
                   (t("Egenskaper med dette domenet"), lk.refs(g.subjects(RDFS.domain, s))),
                   (t("Egenskaper med dette verdiområdet"), lk.refs(g.subjects(RDFS.range, s))),
                   (t("Begreper av denne typen"), lk.refs(c for c in g.subjects(RDF.type, s) if str(c) in own))]
        x.facts = [(k, v) for k, v in x.facts if v]
        classes.append(x)
    properties = []
    for kind_iri, kind in _PROPERTY_KINDS:
        for s in g.subjects(RDF.type, kind_iri):
            if not isinstance(s, URIRef) or str(s) not in own or any(p.iri == str(s) for p in properties):
                continue
            x = term(s, kind)
            x.facts = [(t("Domene"), lk.refs(g.objects(s, RDFS.domain))),
                       (t("Verdiområde"), lk.refs(g.objects(s, RDFS.range))),
                       (t("Underegenskap av"), lk.refs(g.objects(s, RDFS.subPropertyOf))),
                       (t("Invers av"), lk.refs([*g.objects(s, OWL.inverseOf), *g.subjects(OWL.inverseOf, s)]))]
            x.facts = [(k, v) for k, v in x.facts if v]
            properties.append(x)
    schemes = []
    for s in g.subjects(RDF.type, SKOS.ConceptScheme):
        x = term(s)
        concepts = sort([term(c) for c in set(g.subjects(SKOS.inScheme, s))])
        for c in concepts:
            note = g.value(URIRef(c.iri), SKOS.notation)
            c.kind = str(note) if note is not None else ""
        schemes.append((x, concepts))
    schemes.sort(key=lambda xc: (xc[0].label.casefold(), xc[0].curie))
    info = {"iri": str(onto) if onto is not None else "", "title": text(g, onto, (DCTERMS.title, RDFS.label), lang)
            if onto is not None else "", "description": text(g, onto, (DCTERMS.description, RDFS.comment), lang)
            if onto is not None else "",
            "version": str(g.value(onto, OWL.versionInfo) or "") if onto is not None else "",
            "prefix": str(g.value(onto, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")) or "")
            if onto is not None else "",
            "namespace": str(g.value(onto, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")) or "")
            if onto is not None else ""}
    return {"info": info, "classes": sort(classes), "properties": sort(properties), "schemes": schemes}


def _value(g: Graph, lk: _Linker, v) -> str | Ref | list:
    if isinstance(v, Literal):
        return str(v)
    if (v, RDF.first, None) in g:
        return [_value(g, lk, x) for x in g.items(v)]
    return lk.ref(v)


def path_text(g: Graph, node) -> str:
    """A SHACL property path in SPARQL syntax (CURIEs): ^rp:x, (rp:a / rp:b), (rp:x)*."""
    if node is None:
        return ""
    if (node, RDF.first, None) in g:
        return " / ".join(path_text(g, x) for x in g.items(node))
    alt = g.value(node, SH.alternativePath)
    if alt is not None:
        return "(" + " | ".join(path_text(g, x) for x in g.items(alt)) + ")"
    for op, sym in ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = g.value(node, op)
        if inner is not None:
            return f"^{path_text(g, inner)}" if sym == "^" else f"({path_text(g, inner)}){sym}"
    return curie(str(node))


_TARGETS = ((SH.targetClass, "klasse"), (SH.targetNode, "node"), (SH.targetSubjectsOf, "subjekter av"),
            (SH.targetObjectsOf, "objekter av"))
#: not constraints: texts, targets, layout and structure of the shape itself
_NOT_CONSTRAINTS = {SH.path, SH.message, SH.name, SH.description, RDF.type, SH.severity, SH.group, SH.order,
                    SH.property, SH.sparql, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
                    RDFS.label, RDFS.comment, SH.deactivated}
SEVERITIES = {str(SH.Violation): "Brudd", str(SH.Warning): "Advarsel", str(SH.Info): "Merknad"}


@dataclass
class Shape:
    iri: str
    anchor: str
    curie: str
    name: str
    description: str
    severity: str
    targets: list[tuple[str, Ref]]
    path: str = ""
    constraints: list[tuple[str, object]] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    properties: list["Shape"] = field(default_factory=list)


def shapes_model(g: Graph, lang: str | None = None, ontology_page: str = "",
                 ontology_terms: set[str] = frozenset()) -> dict:
    """Node shapes (and property shapes with targets of their own) with their property shapes."""
    lang = lang or i18n.current()
    t = lambda s: i18n.t(s, lang)  # noqa: E731
    tops = [s for s in set(g.subjects(RDF.type, SH.NodeShape))]
    tops += [s for s in set(g.subjects(RDF.type, SH.PropertyShape))
             if any((s, p, None) in g for p, _n in _TARGETS) and s not in tops]
    shown = {str(s) for s in tops} | {str(o) for s in tops for o in g.objects(s, SH.property)}
    lk = _Linker(g, lang, set(ontology_terms), ontology_page, shown)

    def shape(s, inherited: str) -> Shape:
        sev = str(g.value(s, SH.severity) or inherited)
        cons = []
        for k, v in sorted(g.predicate_objects(s), key=lambda kv: str(kv[0])):
            if k in _NOT_CONSTRAINTS:
                continue
            cons.append((curie(str(k)), _value(g, lk, v)))
        msgs = [text(g, m, (SH.message,), lang) for m in [s, *g.objects(s, SH.sparql)] if (m, SH.message, None) in g]
        x = Shape(str(s), anchor(str(s)), curie(str(s)) if isinstance(s, URIRef) else "",
                  text(g, s, (SH.name, RDFS.label), lang), text(g, s, (SH.description, RDFS.comment), lang),
                  t(SEVERITIES.get(sev, curie(sev))),
                  [(t(name), lk.ref(o)) for p, name in _TARGETS for o in g.objects(s, p)],
                  path_text(g, g.value(s, SH.path)), cons, msgs)
        if g.value(s, SH.sparql) is not None:
            x.constraints.append((t("SPARQL-regler"), str(len(list(g.objects(s, SH.sparql))))))
        for p in g.objects(s, SH.property):
            x.properties.append(shape(p, sev))
        x.properties.sort(key=lambda p: (p.path, p.curie))
        return x

    shapes = sorted((shape(s, str(SH.Violation)) for s in tops),
                    key=lambda x: ((x.name or x.curie).casefold(), x.curie))
    onto = next((s for s in g.subjects(RDF.type, OWL.Ontology) if str(s).startswith(SHAPES_NS[:-1])), None)
    title = text(g, onto, (RDFS.label, DCTERMS.title), lang) if onto is not None else ""
    return {"title": title, "shapes": shapes}


def render_ontology(ontology_files: list[Path], *, root: str = "/", static: str = "/static", served: bool = False,
                    graph: Graph | None = None, turtle: str | None = None) -> str:
    """The ontology page in the current language (kg.web.i18n). `turtle`: link to the Turtle form."""
    g = graph if graph is not None else read(ontology_files)
    model = ontology_model(g, page="")
    return environment().get_template("ontology.html").render(
        title=model["info"]["title"] or i18n.t("Ontologi"), m=model, files=[p.name for p in ontology_files],
        turtle=turtle, root=root, static=static, served=served, href=lambda i: i)


def render_shapes(shapes_files: list[Path], *, root: str = "/", static: str = "/static", served: bool = False,
                  graph: Graph | None = None, ontology: Graph | None = None, turtle: str | None = None) -> str:
    """The shapes page in the current language; target classes and paths' classes link to the ontology page."""
    g = graph if graph is not None else read(shapes_files)
    own = _own(ontology, next(iter(ontology.subjects(RDF.type, OWL.Ontology)), None)) if ontology is not None else set()
    merged = g + ontology if ontology is not None else g  # labels of the ontology's terms
    model = shapes_model(merged, ontology_page=root + "ontology", ontology_terms=own)
    return environment().get_template("shapes.html").render(
        title=model["title"] or i18n.t("SHACL-former"), m=model, files=[p.name for p in shapes_files],
        turtle=turtle, root=root, static=static, served=served, href=lambda i: i)


# A release's ontology/index.html and shapes/index.html sit beside its site/ folder.
def ontology_html(ttl_files: list[Path], root: str = "../site/", static: str = "../site/static") -> str:
    return render_ontology(ttl_files, root=root, static=static)


def shapes_html(ttl_files: list[Path], ontology_files: list[Path] = (), root: str = "../site/",
                static: str = "../site/static") -> str:
    return render_shapes(ttl_files, root=root, static=static,
                         ontology=read(list(ontology_files)) if ontology_files else None)
