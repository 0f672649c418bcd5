"""`kg publish`: build a release directory from a validated build, atomically.

The release is assembled in a temporary directory beside the target and renamed into place at the
end; on any error the temporary directory is removed and nothing else changes. An existing release
is never overwritten. SHACL Violations stop the release unless `force` (recorded in the metadata).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import buildinfo, config
from ..io import WriteError, default_mode, dumps_json, pid_alive, show
from ..records.docs import schema_text
from ..records.model import GrantsRecord
from ..records.validate import load_folder, load_programmes
from ..web import docs
from ..web.void import graph_names
from . import checksums, dcat, diff, dumps, site, tables, validation, void


class ReleaseError(Exception):
    """A release cannot be made (message says why); the CLI exits 2 (1 for SHACL Violations)."""

    def __init__(self, message: str, violations: int = 0):
        super().__init__(message)
        self.violations = violations


@dataclass
class Inputs:
    build_dir: Path
    records_dir: Path
    authority_dir: Path
    shapes_dir: Path
    ontology_dir: Path
    base: str

    @classmethod
    def default(cls) -> "Inputs":
        return cls(config.BUILD, config.RECORDS, config.AUTHORITY, config.SHAPES, config.ONTOLOGY, config.base_iri())


def today() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    d = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date() if epoch else dt.date.today()
    return d.isoformat()


def previous_releases(root: Path, exclude: str | None = None) -> list[tuple[str, Path, dict]]:
    """Complete releases under root (those with metadata/release.json), oldest first."""
    out = []
    if root.is_dir():
        for d in root.iterdir():
            meta = d / "metadata" / "release.json"
            if d.is_dir() and not d.name.startswith(".") and d.name != exclude and meta.exists():
                info = json.loads(meta.read_text(encoding="utf-8"))
                out.append((info.get("created", ""), d, info))
    return [(d.name, d, i) for _, d, i in sorted(out, key=lambda x: (x[0], x[1].name))]


DESCRIPTIONS = {
    "dataset.ttl": ("Turtle (union of the named graphs)", "All triples, named graphs merged."),
    "dataset.trig": ("TriG (named graphs)", "All named graphs, including the validation report graph."),
    "dataset.nq": ("N-Quads (named graphs)", "All named graphs, one quad per line."),
    "dataset.nt.gz": ("N-Triples, gzip (union)", "All triples, named graphs merged, gzip-compressed."),
    "dataset.jsonld": ("JSON-LD (named graphs)", "All named graphs as JSON-LD."),
    "tables/measures.csv": ("Measures table (CSV)", "One row per measure; columns in tables/README.md."),
    "tables/actors.csv": ("Actors table (CSV)", "Actors and actor groups with how often they are named."),
    "tables/allocations.csv": ("Allocations table (CSV)", "Allocation-status and distribution table rows."),
    "tables/status-reports.csv": ("Status reports table (CSV)", "Status and money per measure and reporting period; "
                                  "columns in tables/README.md."),
    "tables/money-cube.csv": ("Money cube (CSV)",
        "The observations of the money Data Cube (rp:moneyStructure), one per "
                              "status report and money kind; columns in tables/README.md."),
    "tables/indicators.csv": ("Indicators table (CSV)", "Result indicators and their values (indicator Data Cube, "
                              "rp:indicatorStructure); columns in tables/README.md."),
    "validation/report.ttl": ("SHACL validation report (Turtle)", "sh:ValidationReport of this release."),
    "validation/report.txt": ("SHACL validation report (text)", "The same report, one result per line."),
    "ontology/index.html": ("Ontology documentation (HTML)", "Classes, properties and concept schemes, in Bokmål."),
    "shapes/index.html": ("Shapes documentation (HTML)", "SHACL shapes with their property shapes, in Bokmål."),
}


def _distributions(tmp: Path) -> list[dcat.Distribution]:
    out = []
    names = list(DESCRIPTIONS) + sorted(f"ontology/{p.name}" for p in (tmp / "ontology").glob("*.ttl")) \
        + sorted(f"shapes/{p.name}" for p in (tmp / "shapes").glob("*.ttl"))
    for rel in names:
        path = tmp / rel
        if not path.exists():
            continue
        title, desc = DESCRIPTIONS.get(rel, (f"{rel} (Turtle)", f"Source file {rel} of the release."))
        out.append(dcat.Distribution(rel, title, desc, path.stat().st_size,
                                     checksums.file_digest(path), checksums.file_digest(path, "sha1")))
    return out


def coverage(records_dir: Path) -> tuple[str, str] | None:
    """The years the data covers (dct:temporal): its programme years and the years its grant rounds were
    published, as first and last day; None for a dataset without either."""
    years = set(load_programmes(records_dir))
    for rec in load_folder(records_dir).values():
        published = rec.round.published if isinstance(rec, GrantsRecord) else ""
        if published[:4].isdigit():
            years.add(int(published[:4]))
    return (f"{min(years)}-01-01", f"{max(years)}-12-31") if years else None


def release(version: str | None = None, out: Path | None = None, force: bool = False,
            inputs: Inputs | None = None, log=print) -> Path:
    inp = inputs or Inputs.default()
    version = version or today()
    if not version or "/" in version or version.startswith("."):
        raise ReleaseError(f"invalid release version {version!r}")
    target = Path(out) if out else config.RELEASE / version
    if target.exists():
        raise ReleaseError(f"{show(target)}: release directory already exists — choose another --version or --out")
    dataset = inp.build_dir / "dataset.nq"
    if not dataset.exists():
        raise ReleaseError(f"{show(dataset)}: no build — run `kg build` first")
    try:  # a torn build (new TriG beside old N-Quads) is never published
        buildinfo.verify_build(inp.build_dir, require=("dataset.nq",), skip=("validation.ttl",))
    except buildinfo.BuildIntegrityError as e:
        raise ReleaseError(str(e)) from None

    log(f"validating {dataset} …")
    report = validation.validate(dataset, inp.shapes_dir, inp.ontology_dir)
    if report.violations and not force:
        raise ReleaseError(f"{report.violations} SHACL violation(s) in the build — fix them, or use --force "
                           f"(recorded in the release metadata). First results:\n"
                           + "\n".join(validation.report_text(report).splitlines()[2:12]), violations=report.violations)

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ReleaseError(f"{show(target.parent)}: cannot create the release folder: {e.strerror or e}") from None
    for stale in remove_stale_partials(target.parent):
        log(f"removed {show(stale)}, left by an interrupted kg publish")
    with _signals_raise():
        _write_release(target, version, force, inp, report, dataset, log)
    log(f"release {version} written to {target}")
    return target


def _write_release(target: Path, version: str, force: bool, inp: Inputs, report, dataset: Path, log) -> None:
    """Assemble the release in a temporary folder beside target, then rename it into place; on any
    error or interruption remove the temporary folder."""
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.{PARTIAL_TAG}{os.getpid()}-", suffix=PARTIAL_SUFFIX,
                                    dir=target.parent))
    except OSError as e:
        raise ReleaseError(f"{show(target.parent)}: cannot write the release here: {e.strerror or e}") from None
    try:
        _assemble(tmp, target, version, force, inp, report, dataset, log)
        if target.exists():
            raise ReleaseError(f"{target}: appeared while the release was being written — not overwritten")
        os.rename(tmp, target)
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        where = show(e.filename) if getattr(e, "filename", None) else f"a file in {show(target)}"
        reason = str(e) if isinstance(e, WriteError) else f"{where}: cannot write: {e.strerror or e}"
        raise ReleaseError(f"{reason} — nothing was published") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _assemble(tmp: Path, target: Path, version: str, force: bool, inp: Inputs, report, dataset: Path, log) -> None:
    """Write every file of the release into tmp (the caller renames tmp into place)."""
    os.chmod(tmp, default_mode(directory=True))  # mkdtemp makes 0700: a release is meant to be served
    store = ox.Store()
    store.bulk_load(path=str(dataset), format=ox.RdfFormat.N_QUADS)
    vgraph = f"{inp.base}graph/validation"
    store.extend(validation.report_quads(report, vgraph))

    log("writing dumps …")
    dumps.write_dumps(store, tmp, inp.base)
    tables.write_tables(tmp / "tables", inp.records_dir, inp.authority_dir / "actors.yaml", inp.base)

    # the same pages `kg serve` answers at /ontology and /shapes (kg.web.docs), in Bokmål
    ontology_files = sorted(inp.ontology_dir.glob("*.ttl"))
    for kind, src, make in (("ontology", inp.ontology_dir, docs.ontology_html),
                            ("shapes", inp.shapes_dir, lambda fs: docs.shapes_html(fs, ontology_files))):
        files = sorted(src.glob("*.ttl"))
        (tmp / kind).mkdir()
        for p in files:
            shutil.copyfile(p, tmp / kind / p.name)
        if files:
            (tmp / kind / "index.html").write_text(make(files), encoding="utf-8")

    (tmp / "validation").mkdir()
    (tmp / "validation" / "report.ttl").write_text(report.graph.serialize(format="turtle"), encoding="utf-8")
    (tmp / "validation" / "report.txt").write_text(validation.report_text(report), encoding="utf-8")

    # inputs the data was built from: provenance, and what `kg diff` compares
    shutil.copytree(inp.records_dir, tmp / "records", ignore=shutil.ignore_patterns(".*"))
    shutil.copytree(inp.authority_dir, tmp / "authority", ignore=shutil.ignore_patterns(".*"))

    prev = previous_releases(target.parent, exclude=target.name)
    if prev:
        pname, pdir, _ = prev[-1]
        changes = diff.diff_releases(pdir, tmp)
        (tmp / "CHANGELOG.md").write_text(diff.render_markdown(changes, pname, version), encoding="utf-8")
    else:
        pname, changes = None, []
        (tmp / "CHANGELOG.md").write_text(f"# Release {version}\n\nFirst release.\n", encoding="utf-8")
    (tmp / "changelog.json").write_text(dumps_json({"from": pname, "to": version,
                                                    "changes": [c.as_json() for c in changes]}), encoding="utf-8")

    site.write_site(store, tmp / "site", inp.base)

    made = today()
    issued = min([i.get("issued", made) for _, _, i in prev] + [made])
    info = dcat.ReleaseInfo(
        base=inp.base, version=version, issued=issued, modified=made,
        download_base=os.environ.get("KG_RELEASE_BASE_URL", f"{inp.base}release/{version}/"),
        sparql_endpoint=os.environ.get("KG_SPARQL_ENDPOINT", f"{inp.base}sparql"),
        forced=bool(force and report.violations), violations=report.violations, warnings=report.warnings,
        temporal=coverage(inp.records_dir))
    dists = _distributions(tmp)
    (tmp / "metadata").mkdir()
    # the records contract, generated from the model (docs/records.md)
    (tmp / "metadata" / "records.schema.json").write_text(schema_text(), encoding="utf-8")
    (tmp / "metadata" / "catalog.ttl").write_text(
        dcat.dcat_graph(info, dists, "dcat-ap-3").serialize(format="turtle"), encoding="utf-8")
    (tmp / "metadata" / "catalog-dcat-ap-no.ttl").write_text(
        dcat.dcat_graph(info, dists, "dcat-ap-no-2").serialize(format="turtle"), encoding="utf-8")
    void.write_void(store, tmp / "metadata" / "void.ttl", inp.base, sparql_endpoint=info.sparql_endpoint,
                    dumps=[info.download_base + n for n in ("dataset.nq", "dataset.ttl")])
    graphs = {g: sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
              for g in graph_names(store)}
    (tmp / "metadata" / "release.json").write_text(dumps_json({
        "version": version, "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "issued": issued, "modified": made, "base_iri": inp.base, "previous": pname,
        "forced": info.forced, "validation": {"engine": validation.engine_name(report), "conforms": report.conforms,
                                               "violations": report.violations, "warnings": report.warnings},
        "graphs": graphs, "quads": len(store), "site": True}), encoding="utf-8")
    checksums.write_sums(tmp)


# --- interrupted releases -------------------------------------------------------------------------
PARTIAL_SUFFIX = ".partial"
PARTIAL_TAG = "kg-publish-"   # the temporary folder is .<version>.kg-publish-<pid>-<random>.partial
_PARTIAL_RE = re.compile(r"^\..+\." + re.escape(PARTIAL_TAG) + r"(\d+)-[A-Za-z0-9_]+" + re.escape(PARTIAL_SUFFIX) + "$")


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the temporary folders that a killed `kg publish` left in folder.

    Only ours: a real folder (not a symlink) named `.<version>.kg-publish-<pid>-<random>.partial`
    whose writing process no longer runs. Anything else is left alone."""
    removed = []
    if not folder.is_dir():
        return removed
    for d in sorted(folder.iterdir()):
        m = _PARTIAL_RE.match(d.name)
        if not m or d.is_symlink() or not d.is_dir():
            continue
        pid = int(m.group(1))
        if pid == os.getpid() or pid_alive(pid):
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    return removed


class Interrupted(SystemExit):
    """kg publish got SIGTERM/SIGHUP; the temporary folder has been removed when this reaches the CLI."""

    def __init__(self, signum: int):
        super().__init__(f"interrupted by signal {signum}")  # kg/cli.py exits with ExitCode.SIGNAL + signum
        self.signum = signum
        self.name = signal.Signals(signum).name


class _signals_raise:
    """While a release is written, SIGTERM and SIGHUP raise SystemExit (SIGINT already raises
    KeyboardInterrupt), so the temporary folder is removed. SIGKILL cannot be caught: the next
    publish removes what it left (remove_stale_partials)."""

    SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))

    def __enter__(self):
        self.old = {}
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self.old[sig] = signal.signal(sig, self._raise)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise Interrupted(signum)

    def __exit__(self, *exc):
        for sig, handler in self.old.items():
            signal.signal(sig, handler)
        return False
