"""The validation report of a release: run SHACL, keep the report as Turtle, text and a named graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Namespace

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass
class Report:
    graph: Graph
    conforms: bool
    violations: int
    warnings: int
    infos: int
    engine: str

    def text(self) -> str:
        lines = [f"SHACL validation ({self.engine}): conforms={self.conforms}, violations={self.violations}, "
                 f"warnings={self.warnings}, infos={self.infos}", ""]
        rows = []
        for rep in self.graph.subjects(SH.conforms, None):
            for r in self.graph.objects(rep, SH.result):
                g = self.graph
                sev = str(g.value(r, SH.resultSeverity) or "").rsplit("#", 1)[-1]
                rows.append((sev, str(g.value(r, SH.focusNode)), str(g.value(r, SH.resultPath) or ""),
                             str(g.value(r, SH.resultMessage) or "")))
        order = {"Violation": 0, "Warning": 1, "Info": 2}
        for sev, focus, path, msg in sorted(rows, key=lambda r: (order.get(r[0], 3), r[1], r[2], r[3])):
            lines.append(f"{sev}\t{focus}\t{path}\t{msg}")
        return "\n".join(lines) + "\n"


def _count(g: Graph, severity) -> int:
    return sum(1 for rep in g.subjects(SH.conforms, None) for r in g.objects(rep, SH.result)
               if (r, SH.resultSeverity, severity) in g)


def validate(dataset: Path, shapes_dir: Path, ontology_dir: Path) -> Report:
    """Validate the built dataset with the project's validator.

    Preference: `kg.validate.validate_dataset` (the project's entry point) → the fast engine in
    `kg.shacl` on the union of the named graphs → pySHACL (RDFS inference with the ontology).
    """
    dataset = Path(dataset)
    g = None
    try:
        from .. import validate as kv  # the lead's module (may not exist yet)
        fn = getattr(kv, "validate_dataset", None)
    except ImportError:
        fn = None
    if fn is not None:
        result = fn([dataset], shapes_dir=Path(shapes_dir))
        g = result.graph
        engine = f"kg.validate ({result.engine} engine, inference {result.inference})"
    if g is None:
        store = ox.Store()
        fmt = ox.RdfFormat.N_QUADS if dataset.suffix == ".nq" else ox.RdfFormat.TRIG
        store.bulk_load(path=str(dataset), format=fmt)
        try:
            from ..shacl import ShapesGraph, load_shapes_graph, report_graph, validate_store
        except ImportError:
            ShapesGraph = None
        if ShapesGraph is not None:
            union = ox.Store()
            union.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in store)
            shapes = load_shapes_graph(shapes_dir)
            g = report_graph(validate_store(union, ShapesGraph(shapes)), shapes)
            engine = "kg.shacl"
        else:
            import pyshacl

            data = Graph()
            nt = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in store),
                              format=ox.RdfFormat.N_TRIPLES)
            data.parse(data=nt, format="nt")
            shapes = Graph()
            for p in sorted(Path(shapes_dir).glob("*.ttl")):
                shapes.parse(p)
            ont = Graph()
            for p in sorted(Path(ontology_dir).glob("*.ttl")):
                ont.parse(p)
            _, g, text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ont, inference="rdfs",
                                          advanced=True, allow_warnings=True)
            if not isinstance(g, Graph):
                raise RuntimeError(f"pySHACL could not validate with {shapes_dir}: {g}")
            engine = f"pySHACL {pyshacl.__version__}"
    v, w, i = (_count(g, SH[s]) for s in ("Violation", "Warning", "Info"))
    return Report(graph=g, conforms=v == 0, violations=v, warnings=w, infos=i, engine=engine)


def report_quads(report: Report, graph_iri: str) -> list[ox.Quad]:
    """The report as quads in the validation named graph (blank nodes kept, scoped to this graph)."""
    nt = report.graph.serialize(format="nt", encoding="utf-8")
    gn = ox.NamedNode(graph_iri)
    return [ox.Quad(t.subject, t.predicate, t.object, gn) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)]
