"""`kg build`: records + authority data + ontology → an RDF dataset with named graphs.

Writes build/dataset.trig and build/dataset.nq (each atomically), then build/manifest.json last with
triple counts per graph and the SHA-256 of both files (kg.buildinfo checks a build is whole before use). Named graphs: one per source document, `successors`, `authority`,
`ontology`, and `inferred` with --reason (the RDFS closure by owlrl's RDFS semantics, kept apart from asserted
data).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from . import buildinfo, config, sources
from .graph import followup, grants, plan_statements
from .graph.authority import map_actors, map_municipalities
from .graph.common import RecordError, Sink, lit
from .graph.programme import Actors, map_anomalies, map_programme
from .graph.successors import map_successors
from .io import atomic_write_json, atomic_write_many, remove_stale_temps
from .namespaces import DCT, PREFIXES, PROV, RP, SKOS, XSD
from .rdfbridge import from_rdflib, to_rdflib
from .records.model import AnyRecord, PlanStatementsRecord, ProgrammeRecord, SuccessorsRecord
from .records.validate import load as load_record
from .records.validate import record_kind
from .uris import Minter

#: record kind (kg.records.validate.record_kind) → the mapper of a record that is neither a programme nor successors
MAPPERS = {"grants": grants.map_record, "plan-statements": plan_statements.map_record}


class BuildError(Exception):
    """Something the user must fix before the dataset can be built (message says what)."""


def _shown(path: Path) -> str:
    root = config.ROOT
    return str(path.relative_to(root) if path.is_relative_to(root) else path)


class Loaded(NamedTuple):
    """A record file as the build reads it: its name (file stem), kind, file as shown, and model object."""
    name: str
    kind: str
    file: str
    record: AnyRecord


def load_records(records_dir: Path) -> list[Loaded]:
    """Every record file of the folder, read through the records model (kind by the record's shape,
    kg.records.validate.record_kind), in build order: programmes by year (newest first), then captures
    of a programme without its own programme part, successors, grants and plans."""
    items = []
    for path in sorted(records_dir.glob("*.json")):
        shown = _shown(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise BuildError(f"{shown}:{e.lineno}: not valid JSON: {e.msg}") from None
        except UnicodeDecodeError as e:
            raise BuildError(f"{shown}: not UTF-8 text (byte offset {e.start})") from None
        items.append((path.stem, data, shown))
    return check_records(items)


def check_records(items) -> list[Loaded]:
    """Records held in memory, as (name, data, shown name): each read through the records model, in build
    order (see load_records). kg import's records of a workbook on the check page come this way."""
    out = []
    for name, data, shown in items:
        record = load_record(data, shown)  # kg/records/model.py: a RecordError names the file and JSON path
        out.append(Loaded(name, record_kind(data), shown, record))

    def order(item: Loaded):
        rec = item.record
        if isinstance(rec, ProgrammeRecord):
            return (0, -rec.programme.year, item.name) if rec.programme else (1, 0, item.name)
        return ({"successors": 2, "grants": 3, "plan-statements": 4}[item.kind], 0, item.name)
    return sorted(out, key=order)


def _capture_year(item: Loaded) -> int:
    """The programme year of a capture without a programme part (hp2024-fields): from its source entry."""
    sid = item.record.source.id
    try:
        src = sources.registry().get(sid)
    except sources.SourceError as e:
        raise BuildError(f"{item.file}: a capture without a programme part needs its source's programme_year: {e}") from None
    if src is None or src.programme_year is None:
        raise BuildError(f"{item.file}: record {item.name!r} has measures but no programme part, and its source "
                         f"{sid!r} has no programme_year in {config.dataset().source_registry} — add one")
    return src.programme_year


def _run_iri(mint: Minter, blobs) -> str:
    """The extraction run's IRI: a digest of the record files, (file name, bytes) in name order."""
    digest = hashlib.sha256()
    for name, blob in sorted(blobs):
        digest.update(name.encode() + b"\0" + blob)
    return mint.run(digest.hexdigest()[:16])


def _describe_sources(sink: Sink, run: str) -> None:
    registered = sources.declared()
    if not registered:
        return
    for src in registered.values():
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
        sink.add(node, DCT + "identifier", lit(src.shown_path))
        sink.add(node, RP + "sha256", lit(src.sha256, dt=XSD + "hexBinary"))
        if src.url:
            sink.add(node, DCT + "source", src.url)
    sink.a(run, RP + "ExtractionRun", PROV + "Activity")
    sink.add(run, SKOS + "prefLabel", lit("Uttrekk av kildedokumentene", lang="nb"))
    sink.add(run, SKOS + "prefLabel", lit("Extraction from the source documents", lang="en"))
    for src in registered.values():
        sink.add(run, PROV + "used", sink.mint.source(src.id))


def collect_quads(records_dir: Path | None = None, mint: Minter | None = None, progress=None, *,
                  records: dict[str, dict] | None = None, authority=None, describe_sources: bool = True,
                  ) -> list[ox.Quad]:
    """All asserted quads of the dataset (no inference).

    ``records`` (file name → record, e.g. {"hp2025.json": …}) builds from records held in memory instead of
    the records folder, ``authority`` (a kg.authority.Authority) replaces the dataset's actor authority, and
    ``describe_sources=False`` leaves out the dataset's registered source documents: the check page of
    `kg serve` builds an uploaded workbook's records this way, nothing written anywhere."""
    from .authority import load_authority

    mint = mint or Minter()
    sink = Sink(mint)
    step = progress or (lambda label: None)
    if records is None:
        records_dir = records_dir or config.RECORDS
        run = _run_iri(mint, ((p.name, p.read_bytes()) for p in records_dir.glob("*.json")))
        loaded = load_records(records_dir)
    else:
        blobs = {name: json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
                 for name, data in records.items()}
        run = _run_iri(mint, blobs.items())
        loaded = check_records((Path(name).stem, data, name) for name, data in sorted(records.items()))

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
        authority = authority if authority is not None else load_authority()
    except Exception as e:  # authority errors name file and entry already
        raise BuildError(str(e)) from None
    actor_ids, group_ids = map_actors(sink, authority, municipality_numbers)
    actors = Actors(sink, actor_ids, group_ids)
    if describe_sources:
        _describe_sources(sink, run)

    measures: dict[tuple[int, str], str] = {}
    for item in loaded:
        name, kind, file, rec = item
        step(name)
        source_id = rec.source.id or name
        if isinstance(rec, ProgrammeRecord) and rec.programme is not None:
            sink.use_graph(name, source_id=source_id, run=run)
            ids = map_programme(rec, file, sink, actors, municipality_numbers)
            measures.update({(rec.programme.year, mid): iri for mid, iri in ids.items()})
            map_anomalies(rec.anomalies, sink, ids, name)
            followup.map_status_reports(rec, file, sink, ids)
            followup.map_programme_indicators(rec, file, sink)
        elif isinstance(rec, ProgrammeRecord):  # a second capture corroborates the measures of its year: cite it too
            sink.use_graph(name, source_id=source_id, run=run)
            year = _capture_year(item)
            ids_year = {mid: iri for (y, mid), iri in measures.items() if y == year}
            for mr in rec.measures:
                if mr.id in ids_year:
                    sink.provenance(ids_year[mr.id], None)
            map_anomalies(rec.anomalies, sink, ids_year, name)
        elif isinstance(rec, SuccessorsRecord):
            sink.use_graph(name, run=run)
            map_successors(rec, file, sink, measures)
            map_anomalies(rec.anomalies, sink, {}, name)
        else:
            sink.use_graph(name, source_id=source_id, run=run)
            MAPPERS[kind](rec, file, sink, actors, municipality_numbers)
            map_anomalies(rec.anomalies, sink, {}, name)
            if isinstance(rec, PlanStatementsRecord):
                followup.map_plan_followup(rec, sink)
    return sink.quads


def infer(quads: list[ox.Quad], graph_iri: str) -> list[ox.Quad]:
    """The RDFS closure (owlrl.RDFS_Semantics, not OWL 2 RL) of the asserted data + ontology; returns only the
    new triples."""
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


def run(reason: bool = False, progress: bool = True, records_dir: Path | None = None,
        out_dir: Path | None = None) -> Path:
    """Build the dataset; returns the path of dataset.nq. Raises BuildError / RecordError."""
    out_dir = Path(out_dir or config.BUILD)
    check_out_dir(out_dir)
    from rich.progress import Progress

    with Progress(transient=True, disable=not progress) as bar:
        task = bar.add_task("building", total=len(list(Path(records_dir or config.RECORDS).glob("*.json"))) + 4)

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
