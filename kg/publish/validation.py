"""The validation report of a release: run SHACL, keep the report as Turtle, text and a named graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import SH

from ..validate import Report


def validate(dataset: Path, shapes_dir: Path, ontology_dir: Path) -> Report:
    """Validate the built dataset with the project's validator (`kg.validate.validate_dataset`).

    ``report.conforms`` follows SHACL: false when the report holds any result (Warnings included);
    a release is stopped by Violations only (see release.py)."""
    from ..validate import validate_dataset

    return validate_dataset([Path(dataset)], shapes_dir=Path(shapes_dir))


def engine_name(report: Report) -> str:
    """How a release names the validator that checked it (report.txt and release.json)."""
    return f"kg.validate ({report.engine} engine, inference {report.inference})"


def report_text(report: Report) -> str:
    """validation/report.txt: a summary line, then one result per line (severity, focus, path, message)."""
    lines = [f"SHACL validation ({engine_name(report)}): conforms={report.conforms}, violations={report.violations}, "
             f"warnings={report.warnings}, infos={report.infos}", ""]
    g = report.graph
    rows = []
    for rep in g.subjects(SH.conforms, None):
        for r in g.objects(rep, SH.result):
            sev = str(g.value(r, SH.resultSeverity) or "").rsplit("#", 1)[-1]
            rows.append((sev, str(g.value(r, SH.focusNode)), str(g.value(r, SH.resultPath) or ""),
                         str(g.value(r, SH.resultMessage) or "")))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    for sev, focus, path, msg in sorted(rows, key=lambda r: (order.get(r[0], 3), r[1], r[2], r[3])):
        lines.append(f"{sev}\t{focus}\t{path}\t{msg}")
    return "\n".join(lines) + "\n"


def report_quads(report: Report, graph_iri: str) -> list[ox.Quad]:
    """The report as quads in the validation named graph (blank nodes kept, scoped to this graph)."""
    nt = report.graph.serialize(format="nt", encoding="utf-8")
    gn = ox.NamedNode(graph_iri)
    return [ox.Quad(t.subject, t.predicate, t.object, gn) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)]
