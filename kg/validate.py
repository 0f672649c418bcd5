"""Validate RDF data against SHACL shapes: our application profile in ``shapes/``, or your own.

What the validation sees:

* the data files' triples exactly as written (all graphs merged into one data graph): the
  engine gets N-Triples text from pyoxigraph's parser, so ``"5"^^xsd:int`` is not an
  xsd:integer and ``"2001-02-30"^^xsd:date`` is ill-typed (see :mod:`kg.shacl.turbo`);
* with our profile (the default shapes): plus the ``rdfs:subClassOf`` axioms of
  ``ontology/regplan.ttl`` — so ``sh:targetClass org:Organization`` sees an ``rp:StateAgency`` —
  but not its domain/range axioms. With your own ``--shapes``: no ontology unless ``--ontology``;
* with ``inference="rdfs"``: the whole ontology and its RDFS closure. Then ``rdfs:range rp:Measure``
  of ``rp:linkedTo`` makes every dangling link target "a measure", which then fails the measure
  shapes: more results, on purpose — use it to see the consequences of the ontology.

Engines: ``turbo`` (default: pyshacl-turbo, W3C suite 120/120) and ``pyshacl`` (pySHACL 0.40,
the reference; 118/120). Report semantics follow SHACL: ``sh:conforms`` is false as soon as
any result exists (a Warning too). Whether that fails a run is a separate policy:
:meth:`Report.failed` with ``fail_on`` = violation (default) | warning | info.
"""

from __future__ import annotations

import json
import logging
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from . import config
from .namespaces import PREFIXES as NS_PREFIXES
from .rdfbridge import from_rdflib
from .shacl import loader, turbo
from .shacl.loader import DataParseError
from .shacl.report import Result, report_graph, restore_message_languages, results_from_graph
from .shacl.shapes import check_sparql, check_vocabulary, shape_files
from .shacl.turbo import EngineError

SHAPES = config.SHAPES
ONTOLOGY_FILE = config.ONTOLOGY / "regplan.ttl"
RP = "https://w3id.org/regplan/ontology#"
SEVERITIES = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}
ENGINES = ("turbo", "pyshacl")
DEFAULT_ENGINE = "turbo"
#: --fail-on levels: which severities make a run fail (exit 1)
FAIL_ON = {"violation": {SH.Violation}, "warning": {SH.Violation, SH.Warning},
           "info": {SH.Violation, SH.Warning, SH.Info}}
SEVERITY_NAMES = {
    "nb": {"Violation": "Brudd", "Warning": "Advarsler", "Info": "Merknader"},
    "en": {"Violation": "Violations", "Warning": "Warnings", "Info": "Info"},
}
#: IRI → qname prefix for messages: the shared table (kg.namespaces) plus the shapes' own namespace
PREFIXES = {NS_PREFIXES[p]: f"{p}:" for p in ("rp", "dct", "skos", "prov", "org", "schema", "dcat")}
PREFIXES["https://w3id.org/regplan/shapes#"] = "rps:"
PREFIXES.update({NS_PREFIXES[p]: f"{p}:" for p in ("xsd", "sh")})
#: graphs of a served/built store that are not data to validate
SKIP_GRAPH_SUFFIXES = ("graph/validation", "graph/inferred")


class _IllTypedLiteralNoise(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it meets; here they are data to report
    (sh:datatype violations), not errors of the program."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


logging.getLogger("rdflib.term").addFilter(_IllTypedLiteralNoise())
warnings.filterwarnings("ignore", message="Parsing weird boolean")   # the same, for "yes"^^xsd:boolean


class ValidationUsageError(Exception):
    """Bad engine/inference option or unusable shapes."""


class ValidationEngineError(Exception):
    """The engine crashed or refused the shapes (exit 2, never "violations")."""


def qname(iri: str, extra: dict | None = None) -> str:
    """A prefixed name: ours first, then ``extra`` (namespace -> "prefix:", e.g. the shapes')."""
    for table in (PREFIXES, extra or {}):
        for ns, p in table.items():
            if iri.startswith(ns) and ns:
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
    engine_version: str = ""
    notes: list = field(default_factory=list)        # what the user should know about this run

    @property
    def violations(self) -> int:
        return self.counts["Violation"]

    @property
    def warnings(self) -> int:
        return self.counts["Warning"]

    @property
    def infos(self) -> int:
        return self.counts["Info"]

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(str(r.severity).rsplit("#", 1)[-1] for r in self.results)
        return {k: c.get(k, 0) for k in SEVERITIES}

    def failed(self, fail_on: str = "violation") -> bool:
        """The exit-code policy: any result at ``fail_on`` or more severe (custom severities
        count as Violations)."""
        levels = FAIL_ON[fail_on]
        return any(r.severity in levels or r.severity not in SEVERITIES.values() for r in self.results)

    def _q(self, iri: str) -> str:
        if self.shapes is not None and not hasattr(self, "_ns"):
            self._ns = {str(ns): f"{p}:" for p, ns in self.shapes.namespaces() if p}
        return qname(iri, getattr(self, "_ns", None))

    @property
    def engine_text(self) -> str:
        return self.engine_version or self.engine

    # ------------------------------------------------------------------ renderings
    def message(self, r: Result, lang: str) -> str:
        """The result's message in ``lang`` (any tag the shapes use), else English, else untagged."""
        msgs = r.messages
        for want in (lang.lower(), "en", None):
            for m in msgs:
                ml = getattr(m, "language", None)
                if (ml.lower() if ml else None) == want:
                    return str(m)
        return str(msgs[0]) if msgs else self._q(str(r.component))

    def path_text(self, path) -> str:
        if path is None:
            return ""
        if isinstance(path, URIRef):
            return self._q(str(path))
        # the report graph carries each blank-node path's description (the engine's own node ids)
        g = self.graph if (path, None, None) in self.graph or self.shapes is None else self.shapes
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
        return (lab.get(lang) or lab.get("en") or str(node)) if lab else str(node)

    def text(self, lang: str = "nb") -> str:
        names = SEVERITY_NAMES["nb" if lang == "nb" else "en"]
        c = self.counts
        if lang == "nb":
            head = (f"Validering ({self.engine_text}, inferens: {self.inference}, {self.triples} tripler): "
                    + ("samsvarer" if self.conforms else "SAMSVARER IKKE")
                    + f" — {c['Violation']} brudd, {c['Warning']} advarsler, {c['Info']} merknader")
        else:
            head = (f"Validation ({self.engine_text}, inference: {self.inference}, {self.triples} triples): "
                    + ("conforms" if self.conforms else "DOES NOT CONFORM")
                    + f" — {c['Violation']} violations, {c['Warning']} warnings, {c['Info']} info")
        lines = [head]
        groups = [(names[n], sev) for n, sev in SEVERITIES.items()]
        groups += [(self._q(str(sev)), sev) for sev in dict.fromkeys(r.severity for r in self.results)
                   if sev not in SEVERITIES.values()]   # custom severities (SHACL allows them)
        for heading, sev in groups:
            group = [r for r in self.results if r.severity == sev]
            if not group:
                continue
            lines.append("")
            lines.append(f"{heading} ({len(group)})")
            by_focus: dict = defaultdict(list)
            for r in group:
                by_focus[r.focus].append(r)
            for focus in sorted(by_focus, key=lambda n: (self.focus_label(n, lang), str(n))):
                label = self.focus_label(focus, lang)
                ident = "" if isinstance(focus, BNode) or label in (str(focus), qname(str(focus)),
                                                                    self._q(str(focus))) else f"  <{focus}>"
                lines.append(f"  {label}{ident}")
                for r in sorted(by_focus[focus], key=lambda r: (self.path_text(r.path), str(r.value), str(r.shape))):
                    where = self.path_text(r.path)
                    val = "" if r.value is None or r.value == r.focus else f" = {_term_text(r.value, self._q)}"
                    prefix = f"{where}{val}: " if where or val else ""
                    lines.append(f"    - {prefix}{self.message(r, lang)}  [{self._q(str(r.shape)) if isinstance(r.shape, URIRef) else 'shape'}]")
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
            "conforms": self.conforms, "engine": self.engine, "engineVersion": self.engine_version,
            "notes": list(self.notes),
            "inference": self.inference,
            "triples": self.triples,
            "counts": {**self.counts, **{self._q(str(k)): v for k, v in Counter(
                r.severity for r in self.results if r.severity not in SEVERITIES.values()).items()}},
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


def _term_text(t, q=qname) -> str:
    if isinstance(t, URIRef):
        return q(str(t))
    if isinstance(t, Literal):
        return f"«{t}»"
    return str(t)


def sort_results(results: Iterable[Result]) -> list[Result]:
    order = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
    return sorted(results, key=lambda r: (order.get(r.severity, 3), str(r.focus), str(r.path), str(r.value),
                                          str(r.shape)))


# ---------------------------------------------------------------------- data graph assembly
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
#: predicates the readable focus-node names use (kept aside while the data streams to the engine)
_LABEL_PREDICATES = {ox.NamedNode(RP + n) for n in ("measureId", "inProgramme", "programmeYear", "tableMeasureId")} | {
    ox.NamedNode("http://purl.org/dc/terms/title"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
    ox.NamedNode(str(RDFS.label))}


def subclass_axioms(path: Path = ONTOLOGY_FILE) -> list[ox.Triple]:
    """The ontology's rdfs:subClassOf triples (blank nodes relabelled: apart from the data's)."""
    return [t for t in loader.file_triples(path, rename=True) if t.predicate == _SUBCLASS]


def _store_triples(store: ox.Store) -> Iterable[ox.Triple]:
    """A loaded store's data (its validation/inference graphs left out). A store has already
    normalised its literals: validate the files for literal-exact answers."""
    for q in store:
        g = q.graph_name
        if isinstance(g, ox.NamedNode) and g.value.endswith(SKIP_GRAPH_SUFFIXES):
            continue
        yield ox.Triple(q.subject, q.predicate, q.object)


def _tap(triples: Iterable[ox.Triple], keep: list) -> Iterable[ox.Triple]:
    preds, bnode = _LABEL_PREDICATES, ox.BlankNode
    for t in triples:
        if t.predicate in preds or type(t.object) is bnode:
            keep.append(t)
        yield t


def _ontology_for(shapes, ontology) -> Path | None:
    """``"auto"``: our ontology with our profile, none with other shapes."""
    if ontology == "auto":
        try:
            ours = Path(shapes).resolve() == SHAPES.resolve()
        except (TypeError, OSError):
            ours = False
        return ONTOLOGY_FILE if ours else None
    return Path(ontology) if ontology else None


# ---------------------------------------------------------------------- labels
def _labels(st: ox.Store, nodes: Iterable, prefixes: dict | None = None) -> dict:
    """Readable names for focus nodes: measures as "2025 K7 Title", others by label; blank nodes
    (attributions) by the resource that points to them."""
    def name(node: ox.NamedNode | ox.BlankNode, depth=0) -> dict:
        q = ("PREFIX rp: <%s> PREFIX dct: <http://purl.org/dc/terms/> PREFIX skos: "
             "<http://www.w3.org/2004/02/skos/core#> "
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
            p = qname(parent.predicate.value, prefixes)
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
                parts.append(qname(node.value, prefixes))
            out[lang] = " ".join(parts)
        return out

    res = {}
    for n in nodes:
        try:
            res[n] = name(from_rdflib(n))
        except (ValueError, SyntaxError):
            res[n] = {"nb": str(n), "en": str(n)}
    return res


# ---------------------------------------------------------------------- engines
def _run_engine(engine: str, data_nt: str, shapes_nt: str, shapes_g: Graph, inference: str,
                ontology_nt: str | None) -> Graph:
    if engine == "turbo":
        return turbo.validate_ntriples(data_nt, shapes_nt, inference=inference, ontology_nt=ontology_nt)
    return _pyshacl(data_nt, shapes_g, inference, ontology_nt)


def _faithful_graph(nt: str) -> Graph:
    """An rdflib Graph of N-Triples text with literals as written (rdflib normalises by default)."""
    import logging

    import rdflib
    old = rdflib.NORMALIZE_LITERALS
    term_log = logging.getLogger("rdflib.term")   # it logs a traceback per ill-typed literal
    level = term_log.level
    rdflib.NORMALIZE_LITERALS = False
    term_log.setLevel(logging.CRITICAL)
    try:
        return Graph().parse(data=nt, format="nt")
    finally:
        rdflib.NORMALIZE_LITERALS = old
        term_log.setLevel(level)


def _pyshacl(data_nt: str, shapes_g: Graph, inference: str, ontology_nt: str | None) -> Graph:
    import pyshacl

    ont = _faithful_graph(ontology_nt) if ontology_nt and inference == "rdfs" else None
    try:
        _, rep, _ = pyshacl.validate(_faithful_graph(data_nt), shacl_graph=shapes_g, ont_graph=ont,
                                     inference="rdfs" if inference == "rdfs" else "none",
                                     advanced=True, allow_warnings=False, allow_infos=False)
    except RecursionError:
        raise EngineError("the shapes recurse too deeply for pySHACL") from None
    except Exception as e:
        raise EngineError(f"{type(e).__name__}: {str(e).strip() or type(e).__name__}") from None
    if not isinstance(rep, Graph):
        raise EngineError(f"pySHACL rejected the shapes: {rep}")
    return rep


def _users_of_terms(message: str, shapes_g: Graph) -> str:
    """" (sh:x in ex:S, ex:T)" for the shapes that use what an engine error names: a ``sh:`` term,
    a SPARQL keyword or variable (``SERVICE``, ``$shapesGraph``) in a constraint's query."""
    import re

    def name(s) -> str:
        return s.n3(shapes_g.namespace_manager) if isinstance(s, URIRef) else "a blank-node shape"

    terms = list(dict.fromkeys(re.findall(r"\bsh:([A-Za-z]+)", message)))
    users: list[str] = [name(s) for local in terms for s in shapes_g.subjects(SH[local], None)]
    words = [w for w in dict.fromkeys(re.findall(r"\$[A-Za-z_]+|\b[A-Z]{4,}\b", message))
             if w not in ("SHACL", "SPARQL")]
    for pred in (SH.select, SH.ask):
        for node, text in shapes_g.subject_objects(pred):
            if any((w in str(text)) if w.startswith("$") else re.search(rf"\b{w}\b", str(text), re.I)
                   for w in words):
                owners = list(shapes_g.subjects(SH.sparql, node)) or [node]
                users += [name(o) for o in owners]
                terms += [w for w in words if w not in terms and w in str(text)]
    users = list(dict.fromkeys(users))
    if not users:
        return ""
    what = ", ".join(t if t.startswith("$") or t.isupper() else f"sh:{t}" for t in dict.fromkeys(terms))
    return f" ({what + ' ' if what else ''}in {', '.join(users[:5])})"


def engine_version(engine: str) -> str:
    if engine == "turbo":
        return "pyshacl-turbo " + turbo.version()
    import pyshacl
    return "pySHACL " + getattr(pyshacl, "__version__", "?")


# ---------------------------------------------------------------------- main API
def validate_dataset(data: Sequence[Path] | ox.Store | None = None, shapes_dir: Path = SHAPES,
                     inference: str = "none", engine: str = DEFAULT_ENGINE, ontology="auto") -> Report:
    """Validate files (or a store, or the built dataset when None) against the shapes.

    ``shapes_dir``: a folder or one file of SHACL shapes (any SHACL Core + SHACL-SPARQL).
    ``ontology``: ``"auto"`` (ours with our profile, none otherwise), ``None``, or an RDF file whose
    ``rdfs:subClassOf`` axioms join the data (the whole file with ``inference="rdfs"``).

    Raises :class:`DataParseError` (``file:line: message``) for unreadable data,
    :class:`ValidationUsageError` for a bad option or unreadable shapes, :class:`ShapeFeatureError`
    for shapes that would silently check nothing, :class:`ValidationEngineError` when the engine
    refuses the shapes or fails (never a silent pass).
    """
    if inference not in ("none", "rdfs"):
        raise ValidationUsageError(f"unknown inference {inference!r} (use none or rdfs)")
    if engine not in ENGINES:
        raise ValidationUsageError(f"unknown engine {engine!r} (use {' or '.join(ENGINES)})")
    t0 = time.perf_counter()
    if data is None:
        data = [config.dataset_nq()]
    ont_file = _ontology_for(shapes_dir, ontology)
    files = shape_files(shapes_dir)
    try:
        prefixes: dict = {}
        shapes_nt, _ = loader.files_ntriples(files, prefixes=prefixes)
    except DataParseError as e:
        raise ValidationUsageError(f"cannot read shapes: {e}") from None
    shapes_g = _faithful_graph(shapes_nt)
    for prefix, ns in prefixes.items():   # SPARQL constraints may rely on them (pySHACL does)
        shapes_g.bind(prefix, ns, override=False)
    check_vocabulary(shapes_g)
    check_sparql(shapes_g)
    notes = [f"owl:imports <{o}> in the shapes is not followed (no outbound requests): pass the imported "
             "shapes files with --shapes, e.g. as a folder" for o in sorted(set(shapes_g.objects(None, OWL.imports)))
             if not isinstance(o, URIRef) or (o, None, None) not in shapes_g]
    extra, ontology_nt = [], None
    if ont_file is not None:
        try:
            if inference == "rdfs":
                ontology_nt, _ = loader.files_ntriples([ont_file])
            else:
                extra = subclass_axioms(ont_file)
        except DataParseError as e:
            raise ValidationUsageError(f"cannot read ontology: {e}") from None
    label_triples: list = []
    if isinstance(data, ox.Store):
        data_nt, n = loader.ntriples(_tap(_store_triples(data), label_triples))
        data_nt += loader.ntriples(extra)[0]
    else:
        data_nt, n = loader.ntriples(_tap(_files_then(list(data), extra), label_triples))
        n -= len(extra)
    try:
        engine_report = _run_engine(engine, data_nt, shapes_nt, shapes_g, inference, ontology_nt)
    except EngineError as e:
        raise ValidationEngineError(f"{engine_version(engine)}: {e}{_users_of_terms(str(e), shapes_g)}") from None
    del data_nt
    results = sort_results(results_from_graph(engine_report))
    restore_message_languages(results, shapes_g)
    conforms = not results                       # SHACL 3.6.1: any result means "does not conform"
    graph = report_graph(results, engine_report, conforms)
    for prefix, ns in shapes_g.namespaces():
        graph.bind(prefix, ns, override=False)
    label_store = ox.Store()
    label_store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in label_triples)
    return Report(conforms=conforms, results=results, graph=graph, engine=engine, inference=inference,
                  triples=n, seconds=time.perf_counter() - t0,
                  labels=_labels(label_store, {r.focus for r in results},
                                 {str(ns): f"{p}:" for p, ns in shapes_g.namespaces() if p}), shapes=shapes_g,
                  engine_version=engine_version(engine), notes=notes)


def _files_then(paths: list, extra: list) -> Iterable[ox.Triple]:
    for i, p in enumerate(paths):
        yield from loader.file_triples(Path(p), rename=len(paths) > 1 and i > 0)
    yield from extra


def check_documents(data: Sequence[tuple[str, str | bytes]], shapes: Sequence[tuple[str, str | bytes]] | None = None,
                    inference: str = "none", ontology="auto") -> dict:
    """The report object for documents held in memory, e.g. uploaded on a browser check page:
    ``data`` and ``shapes`` are ``(file name, content)`` pairs (the extension picks the syntax);
    ``shapes=None`` means our profile. Returns the documented JSON report as a dict (the same as
    ``kg validate --format json``); raises the same errors as :func:`validate_dataset`."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kg-check-") as tmp:
        def write(kind: str, docs) -> list[Path]:
            out = []
            for i, (name, content) in enumerate(docs):
                d = Path(tmp) / kind / str(i)
                d.mkdir(parents=True)
                base = Path(str(name)).name   # a name only: never a path out of the temporary folder
                if not base or base in (".", ".."):
                    raise ValidationUsageError(f"{kind} document {i + 1}: a file name with an RDF extension is needed "
                                               "(e.g. data.ttl)")
                p = d / base
                p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
                out.append(p)
            return out
        data_files = write("data", data)
        shape_arg = write("shapes", shapes) if shapes is not None else SHAPES
        rep = validate_dataset(data_files, shapes_dir=shape_arg, inference=inference, ontology=ontology)
        return json.loads(rep.to_json())


def validate_build(shapes_dir: Path = SHAPES, inference: str = "none", engine: str = DEFAULT_ENGINE) -> Report:
    """Validate build/dataset.nq and write the report to build/validation.ttl (the server loads it
    as the named graph …/graph/validation, so each resource page shows its own warnings)."""
    from . import buildinfo
    from .io import atomic_write_text

    try:  # never validate (and vouch for) a torn build; the report joins the build's manifest
        buildinfo.verify_build(config.BUILD, skip=("validation.ttl",))
        report = validate_dataset([config.dataset_nq()], shapes_dir=shapes_dir, inference=inference,
                                  engine=engine)
        atomic_write_text(config.BUILD / "validation.ttl", report.to_turtle())
        buildinfo.add_file(config.BUILD, "validation.ttl")
    except (buildinfo.BuildIntegrityError, OSError) as e:
        raise ValidationUsageError(str(e)) from None
    return report


# ---------------------------------------------------------------------- the verb
def run(files: Sequence[Path] | None = None, shapes_dir: Path | None = None, inference: str = "none",
        engine: str = DEFAULT_ENGINE, ontology: Path | None = None) -> Report:
    """``kg validate`` as a function: validate ``files`` (default: the built dataset; then
    build/validation.ttl is written too). Raises ValidationUsageError (bad option, missing shapes,
    ontology or build), ShapeFeatureError, DataParseError or ValidationEngineError."""
    shapes_dir = Path(shapes_dir) if shapes_dir else SHAPES
    if not shapes_dir.exists():
        raise ValidationUsageError(f"{shapes_dir}: no such shapes file or folder")
    if ontology is not None and not Path(ontology).is_file():
        raise ValidationUsageError(f"{ontology}: no such ontology file")
    if files:
        return validate_dataset(list(files), shapes_dir=shapes_dir, inference=inference, engine=engine,
                                ontology=ontology if ontology is not None else "auto")
    dataset = config.dataset_nq()
    if not dataset.exists():  # `kg validate` builds first (kg.pipeline.ensure_built); here it is an error
        raise ValidationUsageError(f"{dataset}: no built dataset (run kg build)")
    if ontology is None:
        return validate_build(shapes_dir=shapes_dir, inference=inference, engine=engine)
    return validate_dataset([dataset], shapes_dir=shapes_dir, inference=inference, engine=engine, ontology=ontology)
