"""Validate RDF data against the SHACL application profile in ``shapes/`` (the single source of truth).

What the validation sees (decided once, the same for both engines):

* the data (all graphs merged into one data graph), plus
* the ``rdfs:subClassOf`` axioms of ``ontology/regplan.ttl`` — so ``sh:targetClass org:Organization``
  and ``sh:class org:Organization`` see an ``rp:StateAgency`` — but **not** its domain/range axioms;
* with ``inference="rdfs"`` the whole ontology and its RDFS closure. Then ``rdfs:range rp:Measure``
  of ``rp:linkedTo`` makes every dangling link target "a measure", which then fails the measure
  shapes (missing id, title, level …): more results, on purpose — use it to see the consequences
  of the ontology, not to check the data.

Engines: ``fast`` (kg.shacl: shapes compiled to SPARQL on pyoxigraph) and ``pyshacl`` (reference).
``Report.conforms`` means "no sh:Violation": warnings and infos are allowed (as pySHACL's
``allow_warnings=True``), and the report graph's ``sh:conforms`` says the same.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from . import config
from .shacl import engine as fast
from .shacl import loader
from .shacl.report import Result, report_graph, results_from_graph
from .shacl.shapes import ShapeFeatureError, ShapesGraph, load_shapes_graph

SHAPES = config.SHAPES
ONTOLOGY_FILE = config.ONTOLOGY / "regplan.ttl"
RP = "https://w3id.org/regplan/ontology#"
SEVERITIES = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}
SEVERITY_NAMES = {
    "nb": {"Violation": "Brudd", "Warning": "Advarsler", "Info": "Merknader"},
    "en": {"Violation": "Violations", "Warning": "Warnings", "Info": "Info"},
}
PREFIXES = {
    RP: "rp:", "http://purl.org/dc/terms/": "dct:", "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/ns/prov#": "prov:", "http://www.w3.org/ns/org#": "org:", "http://schema.org/": "schema:",
    "http://www.w3.org/ns/dcat#": "dcat:", "https://w3id.org/regplan/shapes#": "rps:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:", "http://www.w3.org/ns/shacl#": "sh:",
}
#: graphs of a served/built store that are not data to validate
SKIP_GRAPH_SUFFIXES = ("graph/validation", "graph/inferred")


class ValidationUsageError(Exception):
    """Bad engine/inference option or unusable shapes."""


def qname(iri: str) -> str:
    for ns, p in PREFIXES.items():
        if iri.startswith(ns):
            return p + iri[len(ns):]
    return f"<{iri}>"


@dataclass
class Report:
    conforms: bool
    results: list[Result]
    graph: Graph
    engine: str
    inference: str
    triples: int
    seconds: float
    labels: dict = field(default_factory=dict)       # focus node -> {"nb": str, "en": str}
    shapes: Graph | None = None

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(str(r.severity).rsplit("#", 1)[-1] for r in self.results)
        return {k: c.get(k, 0) for k in SEVERITIES}

    # ------------------------------------------------------------------ renderings
    def message(self, r: Result, lang: str) -> str:
        msgs = r.messages
        for want in (lang, "en", None):
            for m in msgs:
                if getattr(m, "language", None) == want:
                    return str(m)
        return str(msgs[0]) if msgs else qname(str(r.component))

    def path_text(self, path) -> str:
        if path is None:
            return ""
        if isinstance(path, URIRef):
            return qname(str(path))
        g = self.shapes if self.shapes is not None else self.graph
        inv = g.value(path, SH.inversePath)
        if inv is not None:
            return "^" + self.path_text(inv)
        from rdflib.collection import Collection
        if (path, RDF.first, None) in g:
            return "/".join(self.path_text(p) for p in Collection(g, path))
        alt = g.value(path, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self.path_text(p) for p in Collection(g, alt)) + ")"
        for pred, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = g.value(path, pred)
            if inner is not None:
                return f"({self.path_text(inner)}){mark}"
        return "(path)"

    def focus_label(self, node, lang: str) -> str:
        lab = self.labels.get(node)
        return lab.get(lang) or lab.get("en") if lab else str(node)

    def text(self, lang: str = "nb") -> str:
        names = SEVERITY_NAMES[lang]
        c = self.counts
        if lang == "nb":
            head = (f"Validering ({self.engine}, inferens: {self.inference}, {self.triples} tripler): "
                    + ("samsvarer" if self.conforms else "SAMSVARER IKKE")
                    + f" — {c['Violation']} brudd, {c['Warning']} advarsler, {c['Info']} merknader")
        else:
            head = (f"Validation ({self.engine}, inference: {self.inference}, {self.triples} triples): "
                    + ("conforms" if self.conforms else "DOES NOT CONFORM")
                    + f" — {c['Violation']} violations, {c['Warning']} warnings, {c['Info']} info")
        lines = [head]
        for sev_name, sev in SEVERITIES.items():
            group = [r for r in self.results if r.severity == sev]
            if not group:
                continue
            lines.append("")
            lines.append(f"{names[sev_name]} ({len(group)})")
            by_focus: dict = defaultdict(list)
            for r in group:
                by_focus[r.focus].append(r)
            for focus in sorted(by_focus, key=lambda n: (self.focus_label(n, lang), str(n))):
                label = self.focus_label(focus, lang)
                ident = "" if isinstance(focus, BNode) or label in (str(focus), qname(str(focus))) else f"  <{focus}>"
                lines.append(f"  {label}{ident}")
                for r in sorted(by_focus[focus], key=lambda r: (self.path_text(r.path), str(r.value), str(r.shape))):
                    where = self.path_text(r.path)
                    val = "" if r.value is None or r.value == r.focus else f" = {_term_text(r.value)}"
                    prefix = f"{where}{val}: " if where or val else ""
                    lines.append(f"    - {prefix}{self.message(r, lang)}  [{qname(str(r.shape)) if isinstance(r.shape, URIRef) else 'shape'}]")
        return "\n".join(lines) + "\n"

    def to_turtle(self) -> str:
        return self.graph.serialize(format="turtle")

    def to_json(self) -> str:
        """A documented JSON form of the full report (see shapes/README.md)."""
        def term(t):
            if t is None:
                return None
            if isinstance(t, Literal):
                d = {"literal": str(t)}
                if t.language:
                    d["lang"] = t.language
                elif t.datatype:
                    d["datatype"] = str(t.datatype)
                return d
            return {"iri": str(t)} if isinstance(t, URIRef) else {"bnode": str(t)}
        out = {
            "conforms": self.conforms, "engine": self.engine, "inference": self.inference,
            "triples": self.triples, "counts": self.counts,
            "results": [{
                "severity": str(r.severity).rsplit("#", 1)[-1],
                "focusNode": term(r.focus),
                "focusLabel": {k: v for k, v in (self.labels.get(r.focus) or {}).items()},
                "resultPath": self.path_text(r.path) or None,
                "value": term(r.value),
                "sourceShape": term(r.shape),
                "sourceConstraintComponent": str(r.component),
                "messages": {(getattr(m, "language", None) or ""): str(m) for m in r.messages},
            } for r in sort_results(self.results)],
        }
        return json.dumps(out, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _term_text(t) -> str:
    if isinstance(t, URIRef):
        return qname(str(t))
    if isinstance(t, Literal):
        return f"«{t}»"
    return str(t)


def sort_results(results: Iterable[Result]) -> list[Result]:
    order = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
    return sorted(results, key=lambda r: (order.get(r.severity, 3), str(r.focus), str(r.path), str(r.value), str(r.shape)))


# ---------------------------------------------------------------------- data graph assembly
def subclass_axioms(path: Path = ONTOLOGY_FILE) -> list[ox.Quad]:
    sub = ox.NamedNode(str(RDFS.subClassOf))
    return [ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            if q.predicate == sub]


def _ontology_quads(path: Path = ONTOLOGY_FILE) -> list[ox.Quad]:
    return [ox.Quad(q.subject, q.predicate, q.object) for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def _renamed(quads: Iterable[ox.Quad], tag: str) -> Iterable[ox.Quad]:
    """Keep blank nodes of different files apart (two files may both use _:b1)."""
    def r(t):
        return ox.BlankNode(f"{tag}x{t.value}") if isinstance(t, ox.BlankNode) else t
    for q in quads:
        yield ox.Quad(r(q.subject), q.predicate, r(q.object))


def data_quads(paths: Sequence[Path]) -> Iterable[ox.Quad]:
    for i, p in enumerate(paths):
        qs = loader.triples_of(Path(p))
        yield from (qs if i == 0 else _renamed(qs, f"f{i}"))


def _store_quads(store: ox.Store) -> Iterable[ox.Quad]:
    for q in store:
        g = q.graph_name
        if isinstance(g, ox.NamedNode) and g.value.endswith(SKIP_GRAPH_SUFFIXES):
            continue
        yield ox.Quad(q.subject, q.predicate, q.object)


def build_fast_store(quads: Iterable[ox.Quad], inference: str) -> tuple[ox.Store, int]:
    st = loader.new_store()
    n = loader.add_quads(st, quads)
    loader.add_quads(st, subclass_axioms())
    if inference == "rdfs":
        loader.add_quads(st, _ontology_quads())
        from .shacl.inference import rdfs_closure
        rdfs_closure(st)
    return st, n


def _to_rdflib_graph(quads: Iterable[ox.Quad]) -> Graph:
    g = Graph()
    for q in quads:
        g.add((fast.to_rdflib(q.subject), fast.to_rdflib(q.predicate), fast.to_rdflib(q.object)))
    return g


# ---------------------------------------------------------------------- labels
def _labels(st: ox.Store, nodes: Iterable) -> dict:
    """Readable names for focus nodes: measures as "2025 K7 Title", others by label; blank nodes
    (attributions) by the resource that points to them."""
    def ox_term(n):
        return ox.BlankNode(str(n)) if isinstance(n, BNode) else ox.NamedNode(str(n))

    def name(node: ox.NamedNode | ox.BlankNode, depth=0) -> dict:
        q = ("PREFIX rp: <%s> PREFIX dct: <http://purl.org/dc/terms/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
             "SELECT ?id ?year ?title ?label ?tid WHERE { "
             "OPTIONAL { ?n rp:measureId ?id } OPTIONAL { ?n rp:inProgramme/rp:programmeYear ?year } "
             "OPTIONAL { ?n dct:title ?title } OPTIONAL { ?n skos:prefLabel|rdfs:label ?label } "
             "OPTIONAL { ?n rp:tableMeasureId ?tid } } LIMIT 20") % RP
        if isinstance(node, ox.BlankNode):
            parent = next(iter(st.quads_for_pattern(None, None, node)), None)
            if parent is None or depth > 2:
                return {"nb": "(blank node)", "en": "(blank node)"}
            pl = name(parent.subject, depth + 1)
            p = qname(parent.predicate.value)
            return {"nb": f"{pl['nb']} → {p}", "en": f"{pl['en']} → {p}"}
        rows = list(st.query(q.replace("?n", f"<{node.value}>")))
        ids = {r["id"].value for r in rows if r["id"] is not None}
        years = {r["year"].value for r in rows if r["year"] is not None}
        titles = {(r["title"].language or "", r["title"].value) for r in rows if r["title"] is not None}
        labels = {(r["label"].language or "", r["label"].value) for r in rows if r["label"] is not None}
        tids = {r["tid"].value for r in rows if r["tid"] is not None}
        out = {}
        for lang in ("nb", "en"):
            def pick(pairs):
                for want in (lang, "nb", "en", ""):
                    for l, v in sorted(pairs):
                        if l == want:
                            return v
                return sorted(pairs)[0][1] if pairs else None
            title = pick(titles)
            parts = [min(years)] if years else []
            if ids:
                parts.append(min(ids))
                parts.append(title or ("(uten tittel)" if lang == "nb" else "(no title)"))
            elif tids:
                parts.append(("tabellrad " if lang == "nb" else "table row ") + min(tids))
            elif title or labels:
                parts.append(title or pick(labels))
            else:
                parts.append(qname(node.value))
            out[lang] = " ".join(parts)
        return out

    res = {}
    for n in nodes:
        try:
            res[n] = name(ox_term(n))
        except (ValueError, SyntaxError):
            res[n] = {"nb": str(n), "en": str(n)}
    return res


# ---------------------------------------------------------------------- main API
def validate_dataset(data: Sequence[Path] | ox.Store | None = None, shapes_dir: Path = SHAPES,
                     inference: str = "none", engine: str = "fast") -> Report:
    """Validate files (or a store, or the built dataset when None) against the shapes.

    Raises :class:`kg.shacl.DataParseError` (``file:line: message``) for unreadable data,
    :class:`ValidationUsageError` for a bad option, :class:`ShapeFeatureError` for shapes the fast
    engine cannot run (never a silent pass).
    """
    if inference not in ("none", "rdfs"):
        raise ValidationUsageError(f"unknown inference {inference!r} (use none or rdfs)")
    if engine not in ("fast", "pyshacl"):
        raise ValidationUsageError(f"unknown engine {engine!r} (use fast or pyshacl)")
    t0 = time.perf_counter()
    if data is None:
        data = [config.BUILD / "dataset.nq"]
    paths = None if isinstance(data, ox.Store) else [Path(p) for p in data]
    try:
        shapes_g = load_shapes_graph(shapes_dir)
    except ShapeFeatureError:
        raise
    except Exception as e:   # a shapes file that does not parse
        raise ValidationUsageError(f"{shapes_dir}: cannot read shapes: {e}") from None
    quads = data_quads(paths) if paths is not None else _store_quads(data)
    if engine == "fast":
        sg = ShapesGraph(shapes_g)      # unsupported features fail here, before any data work
        st, n = build_fast_store(quads, inference)
        results = fast.Engine(st, sg).validate()
    else:
        quads = list(quads)             # the same blank nodes for both graphs
        st, n = build_fast_store(quads, inference)
        results = _pyshacl(quads, shapes_g, inference)
    results = sort_results(results)
    conforms = not any(r.severity == SH.Violation for r in results)
    graph = report_graph(results, shapes_g, conforms)
    return Report(conforms=conforms, results=results, graph=graph, engine=engine, inference=inference,
                  triples=n, seconds=time.perf_counter() - t0,
                  labels=_labels(st, {r.focus for r in results}), shapes=shapes_g)


def _pyshacl(quads: list[ox.Quad], shapes_g: Graph, inference: str) -> list[Result]:
    import pyshacl

    g = _to_rdflib_graph(quads)
    for q in subclass_axioms():
        g.add((fast.to_rdflib(q.subject), fast.to_rdflib(q.predicate), fast.to_rdflib(q.object)))
    ont = Graph().parse(ONTOLOGY_FILE, format="turtle") if inference == "rdfs" else None
    _, rep, _ = pyshacl.validate(g, shacl_graph=shapes_g, ont_graph=ont,
                                 inference="rdfs" if inference == "rdfs" else "none",
                                 advanced=True, allow_warnings=True, allow_infos=True)
    if not isinstance(rep, Graph):
        raise ValidationUsageError(f"pySHACL rejected the shapes: {rep}")
    return results_from_graph(rep)


def validate_build(shapes_dir: Path = SHAPES, inference: str = "none", engine: str = "fast") -> Report:
    """Validate build/dataset.nq and write the report to build/validation.ttl (the server loads it
    as the named graph …/graph/validation, so each resource page shows its own warnings)."""
    from . import buildinfo
    from .io import atomic_write_text

    try:  # never validate (and vouch for) a torn build; the report joins the build's manifest
        buildinfo.verify_build(config.BUILD, skip=("validation.ttl",))
        report = validate_dataset([config.BUILD / "dataset.nq"], shapes_dir=shapes_dir, inference=inference, engine=engine)
        atomic_write_text(config.BUILD / "validation.ttl", report.to_turtle())
        buildinfo.add_file(config.BUILD, "validation.ttl")
    except (buildinfo.BuildIntegrityError, OSError) as e:
        raise ValidationUsageError(str(e)) from None
    return report


# ---------------------------------------------------------------------- command line
def cli_validate(files: Sequence[Path] | None, fmt: str = "text", lang: str = "nb", inference: str = "none",
                 engine: str = "fast", shapes_dir: Path | None = None) -> int:
    """``kg validate``: returns the exit code (0 conforms, 1 violations, 2 usage/parse error)."""
    import sys

    from .shacl.loader import DataParseError

    def fail(msg: str) -> int:
        print(f"error: {msg}", file=sys.stderr)
        return 2

    if fmt not in ("text", "turtle", "json"):
        return fail(f"unknown --format {fmt!r} (use text, turtle or json)")
    if lang not in ("nb", "en"):
        return fail(f"unknown --lang {lang!r} (use nb or en)")
    shapes_dir = Path(shapes_dir) if shapes_dir else SHAPES
    if not shapes_dir.exists():
        return fail(f"{shapes_dir}: no such shapes folder")
    validating_build = not files
    if validating_build:
        dataset = config.BUILD / "dataset.nq"
        if not dataset.exists():
            print(f"{dataset} is missing: building it first", file=sys.stderr)
            try:
                from . import build
                dataset = build.run(progress=False, out_dir=config.BUILD)
            except Exception as e:   # the build reports its own errors (record file and path)
                return fail(f"build failed: {e}")
        files = [dataset]
    try:
        if validating_build:
            report = validate_build(shapes_dir=shapes_dir, inference=inference, engine=engine)
        else:
            report = validate_dataset(list(files), shapes_dir=shapes_dir, inference=inference, engine=engine)
    except DataParseError as e:
        return fail(str(e))
    except (ValidationUsageError, ShapeFeatureError) as e:
        return fail(str(e))
    out = {"text": lambda: report.text(lang), "turtle": report.to_turtle, "json": report.to_json}[fmt]()
    sys.stdout.write(out)
    sys.stdout.flush()
    if fmt != "text":
        c = report.counts
        print(f"{c['Violation']} violations, {c['Warning']} warnings, {c['Info']} info", file=sys.stderr)
    return 0 if report.conforms else 1
