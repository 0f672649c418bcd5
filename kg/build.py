"""`kg build`: records + authority data + ontology → an RDF dataset with named graphs.

Writes build/dataset.trig and build/dataset.nq (each atomically), then build/manifest.json last with
triple counts per graph and the SHA-256 of both files (kg.buildinfo checks a build is whole before use). Named graphs: one per source document, `successors`, `authority`,
`ontology`, and `inferred` with --reason (RDFS/OWL 2 RL closure by owlrl, kept apart from asserted data).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from . import buildinfo, config, sources
from .graph import followup, grants, nordland
from .graph.authority import map_actors, map_municipalities
from .graph.common import Rec, RecordError, Sink, lit
from .graph.programme import Actors, map_anomalies, map_programme
from .graph.successors import map_successors
from .io import atomic_write_json, atomic_write_many, remove_stale_temps
from .namespaces import DCT, PREFIXES, PROV, RP, SKOS, XSD
from .rdfbridge import from_rdflib, to_rdflib
from .records.validate import check as check_record
from .uris import Minter

PROGRAMME_RECORDS = ("hp2025", "hp2024")


class BuildError(Exception):
    """Something the user must fix before the dataset can be built (message says what)."""


def _load_record(records_dir: Path, name: str, required: bool = True) -> Rec | None:
    path = records_dir / f"{name}.json"
    if not path.exists():
        if required:
            raise BuildError(f"{path}: record file missing — run `kg extract` first")
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise BuildError(f"{path}:{e.lineno}: not valid JSON: {e.msg}") from None
    shown = str(path.relative_to(config.ROOT) if path.is_relative_to(config.ROOT) else path)
    check_record(data, shown)  # the records model (kg/records/model.py): RecordError names file and JSON path
    return Rec(data, shown)


def _run_iri(mint: Minter, records_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(records_dir.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return mint.run(digest.hexdigest()[:16])


def _describe_sources(sink: Sink, run: str) -> None:
    for src in sources.registry().values():
        node = sink.mint.source(src.id)
        sink.a(node, RP + "SourceDocument")
        sink.text(node, DCT + "title", src.title)
        sink.text(node, SKOS + "prefLabel", src.title)
        sink.add(node, DCT + "publisher", lit(src.publisher))
        if src.date and len(src.date) == 10:
            sink.add(node, DCT + "issued", lit(src.date, dt=XSD + "date"))
        if src.date_note:
            sink.add(node, DCT + "description", lit(src.date_note, lang="en"))
        if src.licence:
            sink.add(node, DCT + "license", src.licence)
        sink.add(node, DCT + "format", lit(src.format or "text/plain"))
        sink.add(node, DCT + "identifier", lit(f"data/sources/{src.file}"))
        sink.add(node, RP + "sha256", lit(src.sha256, dt=XSD + "hexBinary"))
        if src.url:
            sink.add(node, DCT + "source", src.url)
    sink.a(run, RP + "ExtractionRun", PROV + "Activity")
    sink.add(run, SKOS + "prefLabel", lit("Uttrekk av kildedokumentene", lang="nb"))
    for src in sources.registry().values():
        sink.add(run, PROV + "used", sink.mint.source(src.id))


def collect_quads(records_dir: Path | None = None, mint: Minter | None = None, progress=None) -> list[ox.Quad]:
    """All asserted quads of the dataset (no inference)."""
    from .authority import load_authority

    records_dir = records_dir or config.RECORDS
    mint = mint or Minter()
    sink = Sink(mint)
    step = progress or (lambda label: None)
    run = _run_iri(mint, records_dir)

    step("ontology")
    sink.use_graph("ontology")
    for ttl in sorted(config.ONTOLOGY.glob("*.ttl")):
        try:
            for t in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE):
                sink.quads.append(ox.Quad(t.subject, t.predicate, t.object, sink.graph))
        except SyntaxError as e:
            raise BuildError(f"{ttl}: {e}") from None

    step("authority")
    sink.use_graph("authority")
    municipality_numbers = map_municipalities(sink)
    try:
        authority = load_authority()
    except Exception as e:  # authority errors name file and entry already
        raise BuildError(str(e)) from None
    actor_ids, group_ids = map_actors(sink, authority, municipality_numbers)
    actors = Actors(sink, actor_ids, group_ids)
    _describe_sources(sink, run)

    measures: dict[tuple[int, str], str] = {}
    for name in PROGRAMME_RECORDS:
        step(name)
        rec = _load_record(records_dir, name)
        sink.use_graph(name, source_id=name, run=run)
        ids = map_programme(rec, sink, actors, municipality_numbers)
        year = rec.sub("programme", required=True).req("year")
        measures.update({(year, mid): iri for mid, iri in ids.items()})
        map_anomalies(rec, sink, ids, name)
        followup.map_status_reports(rec, sink, ids)

    fields = _load_record(records_dir, "hp2024-fields", required=False)
    if fields is not None:
        step("hp2024-fields")
        sink.use_graph("hp2024-fields", source_id="hp2024-fields", run=run)
        ids2024 = {mid: iri for (y, mid), iri in measures.items() if y == 2024}
        for mr in fields.items("measures"):
            mid = mr.opt("id")
            if mid in ids2024:  # the second capture corroborates the same measure: cite it too
                sink.provenance(ids2024[mid], None)
        map_anomalies(fields, sink, ids2024, "hp2024-fields")

    succ = _load_record(records_dir, "successors", required=False)
    if succ is not None:
        step("successors")
        sink.use_graph("successors", run=run)
        map_successors(succ, sink, measures)
        map_anomalies(succ, sink, {}, "successors")

    for name, mapper in (("grants2022", grants.map_record), ("nordland-ung", nordland.map_record)):
        rec = _load_record(records_dir, name, required=False)
        if rec is None:
            continue
        step(name)
        sink.use_graph(name, source_id=name, run=run)
        mapper(rec, sink, actors, municipality_numbers)
        map_anomalies(rec, sink, {}, name)
        if rec.opt("statements") is not None:
            followup.map_plan_followup(rec, sink)
    return sink.quads


def infer(quads: list[ox.Quad], graph_iri: str) -> list[ox.Quad]:
    """OWL 2 RL closure (owlrl) of the asserted data + ontology; returns only the new triples."""
    import owlrl
    import rdflib

    g = rdflib.Graph()
    for q in quads:
        g.add(tuple(to_rdflib(t) for t in (q.subject, q.predicate, q.object)))
    before = set(g)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(g)
    new = [t for t in g if t not in before and not isinstance(t[0], rdflib.Literal)]
    gn = ox.NamedNode(graph_iri)
    out = []
    for s, p, o in sorted(new):
        out.append(ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), gn))
    return out


def check_out_dir(out_dir: Path) -> None:
    """Fail before the work, not after it: --out must be (or become) a folder we can write in."""
    import os
    import tempfile

    from .io import show

    for p in (out_dir, *out_dir.parents):
        if p.exists() and not p.is_dir():
            where = "is a file" if p == out_dir else f"is inside {show(p)}, which is a file"
            raise BuildError(f"{show(out_dir)}: {where} — --out takes a folder (e.g. build/)")
        if p.exists():
            break
    try:  # a real probe: permissions, read-only file systems and /proc-like places all show here
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".kg-build-probe.", dir=out_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise BuildError(f"{show(out_dir)}: cannot write the build here ({e.strerror or e}) — choose another --out") from None


def run(reason: bool = False, progress: bool = True, records_dir: Path | None = None, out_dir: Path | None = None) -> Path:
    """Build the dataset; returns the path of dataset.nq. Raises BuildError / RecordError."""
    out_dir = Path(out_dir or config.BUILD)
    check_out_dir(out_dir)
    from rich.progress import Progress

    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task("building", total=len(PROGRAMME_RECORDS) + 8)

        def step(label: str) -> None:
            bar.update(task, advance=1, description=f"building: {label}")

        quads = collect_quads(records_dir, progress=step)
        if reason:
            step("reasoning (owlrl)")
            quads += infer(quads, Minter().graph("inferred"))
        step("writing")
        trig = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
        nq = "".join(sorted(set(str(q) + " .\n" for q in quads))).encode("utf-8")
    counts = Counter(q.graph_name.value for q in quads)
    data = {"dataset.trig": trig, "dataset.nq": nq}
    manifest = {
        "base_iri": Minter().base,
        "reasoned": reason,
        "quads": len(quads),
        "distinct_quads": nq.count(b"\n"),
        "graphs": dict(sorted(counts.items())),
        "files": {name: buildinfo.file_entry(blob) for name, blob in data.items()},
    }
    # Both data files are staged (written, fsynced) before either is renamed, so a full disk changes
    # nothing; the manifest goes last and lists both with their SHA-256: a kill between the renames
    # leaves files that do not match it, which serve and publish refuse (kg.buildinfo.verify_build).
    remove_stale_temps(out_dir, (*data, buildinfo.MANIFEST))   # left by a killed build, if any
    atomic_write_many({out_dir / name: blob for name, blob in data.items()})
    atomic_write_json(out_dir / buildinfo.MANIFEST, manifest)
    return out_dir / "dataset.nq"


__all__ = ["run", "collect_quads", "BuildError", "RecordError"]
