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
    """Validate the built dataset with the project's validator (`kg.validate.validate_dataset`).

    `conforms` follows SHACL: false when the report holds any result (Warnings included); a release
    is stopped by Violations only (see release.py)."""
    from .. import validate as kv

    result = kv.validate_dataset([Path(dataset)], shapes_dir=Path(shapes_dir))
    g = result.graph
    engine = f"kg.validate ({result.engine} engine, inference {result.inference})"
    v, w, i = (_count(g, SH[s]) for s in ("Violation", "Warning", "Info"))
    return Report(graph=g, conforms=(v + w + i) == 0, violations=v, warnings=w, infos=i, engine=engine)


def report_quads(report: Report, graph_iri: str) -> list[ox.Quad]:
    """The report as quads in the validation named graph (blank nodes kept, scoped to this graph)."""
    nt = report.graph.serialize(format="nt", encoding="utf-8")
    gn = ox.NamedNode(graph_iri)
    return [ox.Quad(t.subject, t.predicate, t.object, gn) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)]
