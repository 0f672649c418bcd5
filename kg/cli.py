"""The `kg` command: one thin sub-command per verb; the work lives in the verb's module.

Each command imports its module lazily so `kg --help` stays fast.
"""

from __future__ import annotations

import functools
import inspect
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .errors import ExitCode

app = typer.Typer(
    help=(
        "Publish regional action programmes (handlingsprogram) as validated, SPARQL-queryable linked data.\n\n"
        "Typical flow:  kg extract  →  kg build  →  kg validate  →  kg serve   (or simply: kg up)\n\n"
        "A new dataset:  kg init DIR  →  fill in DIR/data/workbook.xlsx  →  (in DIR) kg import data/workbook.xlsx  →  "
        "kg build  →  kg publish\n\n"
        "Every command works on the dataset (a folder with kg.toml) given by --dataset DIR, $KG_DATASET, "
        "or found from the current folder upwards."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


# --- the dataset every command works on (kg.dataset): `--dataset DIR`, declared once -------------

DatasetOpt = Annotated[Optional[Path], typer.Option(
    "--dataset", metavar="DIR", show_default=False,
    help="The dataset folder (holding kg.toml). Default: $KG_DATASET, else the current folder or its nearest parent "
         "with a kg.toml.")]


def _use_dataset(folder: Optional[Path]) -> None:
    """Work on the dataset `folder`, $KG_DATASET or the one found from here (its kg.toml is checked now,
    exit 2 naming file and key). With none, a command that needs one says so when it does (exit 2):
    `kg validate FILE --shapes S` or `kg query --endpoint URL` need no dataset."""
    from . import config
    from . import dataset as ds

    try:
        if folder is not None or not ds.active():
            found = ds.locate(folder, required=False)
            if found is not None:
                config.use(ds.load(found))
    except ds.DatasetError as e:
        _fail(str(e))


def command(*args, **kwargs):
    """`app.command` for a command that works on a dataset: adds the `--dataset DIR` option to it."""
    def decorate(fn):
        sig = inspect.signature(fn, eval_str=True)
        if "dataset" in sig.parameters:
            raise TypeError(f"{fn.__name__}: the parameter name 'dataset' is taken by --dataset")

        @functools.wraps(fn)
        def wrapper(*a, dataset: Optional[Path] = None, **kw):
            from .dataset import DatasetError

            _use_dataset(dataset)
            try:
                return fn(*a, **kw)
            except DatasetError as e:   # the command needed a dataset and there is none
                _fail(str(e))

        params = [*sig.parameters.values(),
                  inspect.Parameter("dataset", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=DatasetOpt)]
        wrapper.__signature__ = sig.replace(parameters=params)
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        app.command(*args, **kwargs)(wrapper)
        return fn  # callable from other commands (kg up) without --dataset

    return decorate


def _fail(message: str, code: int = ExitCode.ERROR):
    """Print `error: message` on stderr and exit (ExitCode.ERROR: usage, input or I/O error)."""
    typer.secho(f"error: {message}", fg="red", err=True)
    raise typer.Exit(code)


def _plain_fail(message: str, code: int = ExitCode.ERROR):
    """`error: message` on stderr without colour (as kg validate always printed it) and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _os_error(e: OSError) -> str:
    """An OSError as 'file: reason' (kg.io.WriteError already reads so)."""
    from .io import WriteError, show

    if isinstance(e, WriteError) or not e.filename:
        return str(e)
    return f"{show(e.filename)}: {e.strerror or e}"


def _needs_linux(what: str) -> None:
    """`kg serve` runs each SPARQL query in a forked worker with a memory limit (resource) and a seccomp
    sandbox (prctl): Linux only. Say so at start, instead of failing later on a missing call."""
    import os
    import sys

    if sys.platform.startswith("linux") and hasattr(os, "fork"):
        return
    _fail(f"{what} needs Linux (this is {sys.platform}): its query workers are forked processes with memory "
          "limits and a seccomp sandbox. Run it on a Linux server, in WSL or in a container. The publisher's "
          "commands (init, build, validate, publish) work here; `kg publish` writes a static site any web "
          "server can host.")


def _check_port(host: str, port: int) -> None:
    """Exit 2 with a clear message unless host:port is a port we can listen on right now."""
    import errno
    import socket

    if not 1 <= port <= 65535:
        _fail(f"--port must be between 1 and 65535, not {port}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as e:
        _fail(f"--host {host!r}: not an address this machine can listen on ({e})")
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind(addr)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                _fail(f"{host}:{port} is already in use — stop the program listening there or choose another --port")
            if e.errno == errno.EACCES:
                _fail(f"no permission to listen on {host}:{port} (ports below 1024 need privileges) — choose another --port")
            _fail(f"cannot listen on {host}:{port}: {e.strerror or e}")

_EXTRACT_HINTS = {
    "registry": "give the source one of the known layouts in data/sources/sources.yaml (a new layout needs an "
                "extractor in kg.extract.LAYOUTS) — no records were changed",
    "layout": "the document's layout differs from what the extractor expects there; fix the capture or the "
              "extractor — no records were changed",
    "model": "a record does not follow the records model (kg/records/model.py): an extractor bug, or a record "
             "of another schema version on disk (run `kg extract` for every source); no records were changed",
    "write": "no records were changed",
    "source": "check the path, register new documents in data/sources/sources.yaml (id, kind, sha256); "
              "no records were changed",
}


def _fail_hint(message: str, hint: str, code: int):
    typer.echo(f"error: {message}", err=True)
    typer.echo(f"hint: {_EXTRACT_HINTS[hint]}", err=True)
    raise typer.Exit(code)


def _extract_failed(err: Exception):
    """How `kg extract` (and step 1 of `kg up`) fails: 2 with 'path:line: message' and a hint on bad
    input, 1 on a record the model refuses (an extractor bug)."""
    from .errors import ExtractError
    from .records.validate import RecordError
    from .sources import SourceError

    if isinstance(err, ExtractError):
        _fail_hint(str(err), "registry" if Path(err.file).name == "sources.yaml" else "layout", ExitCode.ERROR)
    if isinstance(err, RecordError):  # an extractor wrote something the records model does not allow: a bug
        _fail_hint(str(err), "model", ExitCode.FOUND)
    if isinstance(err, SourceError):
        # "<path>: " (a problem of the whole file: line 1) or, when located, "<path>:<line>: " already
        _fail_hint(str(err) if err.located else str(err).replace(": ", ":1: ", 1), "source", ExitCode.ERROR)
    if isinstance(err, OSError):  # kg.io.WriteError names the file (full disk, no permission …)
        _fail_hint(_os_error(err), "write", ExitCode.ERROR)
    raise err


def _report_extracted(files: dict) -> None:
    for name, rec in sorted(files.items()):
        n = len(rec.get("measures") or [])
        a = len(rec.get("anomalies") or [])
        typer.echo(f"{name}: {n} measures, {a} anomalies" if n else f"{name}: {a} anomalies")


def _extract(paths, out, quiet: bool) -> None:
    """`kg extract`: source documents → records."""
    from .errors import ExtractError
    from .extract import run
    from .records.validate import RecordError
    from .sources import SourceError

    try:
        files = run(paths, out, progress=not quiet)
    except (ExtractError, RecordError, OSError, SourceError) as err:
        _extract_failed(err)
    if not quiet:
        _report_extracted(files)


def _init(folder: Path, languages: List[str], keywords: List[str], yes: bool, force: bool, csv: bool,
          **given) -> None:
    """Scaffold a new dataset in FOLDER: kg.toml, an empty workbook (data/workbook.xlsx, as `kg template`
    writes it), the data/ folders, empty authority files and a README for the publisher (nb and en).

    Every value of kg.toml has a flag; in a terminal kg asks for each one not given (Enter takes the
    default shown), with --yes or without a terminal it takes the defaults and names the flags it
    still needs. Defaults derive from earlier answers (titles from the plan's title, the register URL
    from the organisation number, the place IRI from --county) or are kg's choices (NLOD 2.0, nb);
    nothing is made up. FOLDER must be new or empty (--force: add to a folder that has other files).
    """
    from . import scaffold

    def ask(q, default):
        shown = "" if default is None else str(default)
        value = typer.prompt(q.prompt, default=shown, show_default=bool(shown))
        return value if value != "" or q.optional else None

    interactive = not yes and _interactive()
    try:
        answers = scaffold.resolve(given, ask if interactive else None)
        from .workbook.template import write

        book = "data/workbook" if csv else "data/workbook.xlsx"   # empty: `kg template`
        ds = scaffold.create(folder, answers, languages or ["nb"], keywords, force=force,
                             workbooks={book: lambda path: write(path, None, as_csv=csv)})
    except scaffold.ScaffoldError as e:
        _fail(str(e))
    except OSError as e:
        _fail(f"{_os_error(e)} — nothing was written")
    typer.echo(f"created the dataset {ds.title['en']!r} in {folder}: kg.toml, README.md, data/")
    typer.echo(f"next: fill in {folder / book} (Excel or LibreOffice), then in {folder}: kg import {book}, "
               "kg build, kg validate, kg publish")


def _interactive() -> bool:
    """Whether kg can ask (a terminal on stdin)."""
    import sys

    return sys.stdin.isatty()


def _init_command():
    """`kg init`: the flags come from kg.scaffold.QUESTIONS (one place for what kg.toml needs)."""
    from . import scaffold

    params = [
        inspect.Parameter("folder", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Annotated[
            Path, typer.Argument(help="The new dataset's folder (created; must be empty or new).")]),
        *(inspect.Parameter(q.key, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[
            Optional[str], typer.Option(q.flag, help=q.prompt + ".", show_default=False)]) for q in scaffold.QUESTIONS),
        inspect.Parameter("languages", inspect.Parameter.KEYWORD_ONLY, default=[], annotation=Annotated[
            List[str], typer.Option("--language", help="Language of the data (repeatable; default nb).")]),
        inspect.Parameter("keywords", inspect.Parameter.KEYWORD_ONLY, default=[], annotation=Annotated[
            List[str], typer.Option("--keyword", help="A keyword (nb) for the catalogue (repeatable).")]),
        inspect.Parameter("yes", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[
            bool, typer.Option("--yes", "-y",
                               help="Ask nothing: take the defaults (and fail naming what is missing).")]),
        inspect.Parameter("csv", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[
            bool, typer.Option("--csv",
                               help="The workbook as a folder of CSV files (data/workbook/) instead of .xlsx.")]),
        inspect.Parameter("force", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=Annotated[
            bool, typer.Option("--force",
                               help="Add the dataset to a folder that is not empty (never overwrites a file).")]),
    ]

    def init(**kwargs):
        _init(**kwargs)

    init.__doc__ = _init.__doc__
    init.__signature__ = inspect.Signature(params)
    init.__annotations__ = {p.name: p.annotation for p in params}
    app.command("init")(init)


_init_command()


@command()
def extract(
    paths: List[Path] = typer.Argument(None,
                                       help="Source documents to extract (default: every document in "
                                            "data/sources/sources.yaml)."),
    out: Path = typer.Option(None, "--out", help="Records folder (default: data/records)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
) -> None:
    """Extract the source documents into reviewable records (JSON), measures.csv and anomalies.csv.

    Every fact carries its source document, line span and the source's sha256. Records are written
    atomically: on any error nothing is changed. Exit 2 on a missing, unknown or unparsable document.
    """
    _extract(paths or None, out, quiet)


@command()
def build(
    reason: bool = typer.Option(False, "--reason",
                                help="Materialise RDFS inferences (owlrl) into the named graph …/graph/inferred. Slow "
                                     "on large data; see README."),
    out: Path = typer.Option(None, "--out", help="Output folder (default: build/)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
) -> None:
    """Build the RDF dataset (TriG + N-Quads, one named graph per source) from the records.

    Reads data/records/*.json, data/authority/*.yaml and ontology/*.ttl. A bad record stops the build
    with the record file and the path inside it; nothing is written then (exit 2).
    """
    from .build import BuildError, RecordError, run

    try:
        path = run(reason=reason, progress=not quiet, out_dir=out)
    except (BuildError, RecordError, OSError) as e:
        _build_failed(e)
    if not quiet:
        _report_built(path)


def _build_failed(e: Exception, prefix: str = ""):
    """How a failed build ends a command (`kg build`, step 2 of `kg up`, the build `kg validate`/`kg serve`
    make first): the record file and JSON path, or the file that could not be written."""
    if isinstance(e, OSError):  # kg.io.WriteError names the file; nothing half-written is left
        _fail(f"{prefix}{_os_error(e)} — the previous build is unchanged")
    _fail(f"{prefix}{e}")


def _report_built(path: Path) -> None:
    import json

    manifest = json.loads((path.parent / "manifest.json").read_text())
    typer.echo(f"built {path.parent}/dataset.trig and dataset.nq: {manifest['distinct_quads']} quads "
               f"in {len(manifest['graphs'])} graphs")


def _built_first(quiet: bool = False) -> None:
    """No build yet: build it first (kg.pipeline.ensure_built), reporting a failed build like `kg build`."""
    from .build import BuildError, RecordError
    from .pipeline import ensure_built

    try:
        ensure_built(note=(lambda m: None) if quiet else (lambda m: typer.echo(m, err=True)), progress=not quiet)
    except (BuildError, RecordError, OSError) as e:
        _build_failed(e, "build failed: ")


@command()
def validate(
    files: List[Path] = typer.Argument(None,
                                       help="RDF files to validate (.ttl .nt .nq .trig .jsonld .rdf), all graphs "
                                            "merged. Default: the built dataset build/dataset.nq (built first if "
                                            "missing)."),
    fmt: str = typer.Option("text", "--format", "-f",
                            help="text, turtle (the full sh:ValidationReport) or json (documented in shapes/README.md)."),
    lang: str = typer.Option("nb", "--lang",
                             help="Language of messages (any tag your shapes use, e.g. de; falls back to en, then "
                                  "untagged); headings in nb or en."),
    inference: str = typer.Option("none", "--inference",
                                  help="none (data + subclass axioms) or rdfs (whole ontology, RDFS closure; changes "
                                       "answers, see shapes/README.md)."),
    engine: str = typer.Option("turbo", "--engine",
                               help="turbo (pyshacl-turbo, the default: W3C suite 120/120) or pyshacl (the reference, "
                                    "slow)."),
    shapes: Path = typer.Option(None, "--shapes",
                                help="A SHACL shapes file or folder, any SHACL Core + SHACL-SPARQL (default: our "
                                     "profile in shapes/)."),
    ontology: Path = typer.Option(None, "--ontology",
                                  help="An RDF file whose rdfs:subClassOf axioms join the data (default: ours with our "
                                       "profile, none with --shapes)."),
    fail_on: str = typer.Option("violation", "--fail-on",
                                help="Exit 1 when a result of this severity or worse exists: violation, warning or "
                                     "info."),
) -> None:
    """Validate the dataset (or your own RDF files) against the SHACL profile (or your own shapes).

    The report's sh:conforms is false as soon as any result exists (SHACL). Exit 0: no result at
    --fail-on or worse; 1: such results; 2: usage error, a file that does not parse (file:line:
    message), or shapes the engine refuses / an engine failure. Validating the build also writes
    build/validation.ttl.
    """
    import re
    import sys

    from .shacl.loader import DataParseError
    from .shacl.shapes import ShapeFeatureError
    from .validate import FAIL_ON, ValidationEngineError, ValidationUsageError, run

    if fmt not in ("text", "turtle", "json"):
        _plain_fail(f"unknown --format {fmt!r} (use text, turtle or json)")
    if not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang or ""):
        _plain_fail(f"bad --lang {lang!r} (a language tag such as nb, en or de)")
    if fail_on not in FAIL_ON:
        _plain_fail(f"unknown --fail-on {fail_on!r} (use {', '.join(FAIL_ON)})")
    if not files:
        _built_first()
    try:
        report = run(files or None, shapes_dir=shapes, inference=inference, engine=engine, ontology=ontology)
    except (DataParseError, ValidationUsageError, ShapeFeatureError) as e:
        _plain_fail(str(e))
    except ValidationEngineError as e:
        _plain_fail(f"the validation engine failed, no report: {e}")
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)
    out = {"text": lambda: report.text(lang), "turtle": report.to_turtle, "json": report.to_json}[fmt]()
    sys.stdout.write(out)
    sys.stdout.flush()
    if fmt != "text":
        c = report.counts
        typer.echo(f"{c['Violation']} violations, {c['Warning']} warnings, {c['Info']} info ({report.engine_text})",
                   err=True)
    raise typer.Exit(ExitCode.FOUND if report.failed(fail_on) else ExitCode.OK)


@command()
def query(
    name: str = typer.Argument(None, help="Name of a ready-made question (a file queries/NAME.rq). Omit to list them."),
    param: List[str] = typer.Option([], "--param", "-p",
                                    help="Parameter as key=value (repeatable); see the question's header."),
    endpoint: str = typer.Option(None, "--endpoint",
                                 help="Run against this SPARQL endpoint URL instead of the local build."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    show: bool = typer.Option(False, "--show",
                              help="Print the SPARQL (with parameters filled in) instead of running it."),
) -> None:
    """Run a ready-made research question against the local build or any SPARQL endpoint.

    Examples:
      kg query                      (list the questions)
      kg query actor-involvement -p actor=NAV
      kg query money-by-focus-area --format csv
      kg query measures-by-focus-area --endpoint http://127.0.0.1:8000/sparql
    """
    from . import queries

    try:
        if not name:
            for q in queries.catalogue().values():
                ps = " ".join(f"{p.name}={p.default}" for p in q.params)
                typer.echo(f"{q.name:32} {q.title}" + (f"   [{ps}]" if ps else ""))
            return
        if fmt not in ("table", "csv", "json"):
            raise queries.QueryError(f"--format must be table, csv or json, not {fmt!r}")
        q, sparql = queries.prepare(name, param)
        if show:
            typer.echo(sparql)
            return
        cols, table = queries.answer(q, sparql, endpoint)
    except (queries.QueryError, FileNotFoundError) as e:
        _fail(str(e))
    except queries.QueryFailed as e:
        _fail(str(e), ExitCode.FOUND)
    _print_table(q.title, cols, table, fmt)


def _print_table(title: str, cols: list[str], table: list[list[str]], fmt: str) -> None:
    import csv
    import json
    import sys

    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(table)
    elif fmt == "json":
        typer.echo(json.dumps([dict(zip(cols, r)) for r in table], ensure_ascii=False, indent=2))
    else:
        from rich.console import Console
        from rich.table import Table

        t = Table(title=title, show_lines=False)
        for c in cols:
            t.add_column(c)
        for r in table:
            t.add_row(*r)
        Console().print(t)
        typer.echo(f"{len(table)} row(s)")


@command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    timeout: float = typer.Option(10.0, "--timeout",
                                  help="Seconds a SPARQL query may run before it is stopped (its worker process is "
                                       "killed)."),
    max_results: int = typer.Option(10_000, "--max-results",
                                    help="Cap on result rows / triples; larger results are cut and flagged in the "
                                         "X-SPARQL-Truncated header."),
    base_iri: str = typer.Option(None, "--base-iri",
                                 help="Base IRI of the dataset's resources (default: KG_BASE_IRI, else base_iri in "
                                      "kg.toml)."),
    data: Path = typer.Option(None, "--data",
                              help="N-Quads or TriG file to serve (default: the dataset's build/dataset.nq, built "
                                   "first if missing)."),
    service_allow: List[str] = typer.Option([], "--service-allow",
                                            help="SPARQL endpoint IRI that SERVICE may call (repeatable); all others "
                                                 "are refused."),
    workers: int = typer.Option(2, "--workers", "--fast-workers",
                                help="Fast-lane query processes (forked copy-on-write): every query starts here."),
    slow_workers: int = typer.Option(2, "--slow-workers",
                                     help="Slow-lane processes: queries still running after --fast-budget move here "
                                          "(reniced) and may run to --timeout; when all are busy, further long queries "
                                          "get 503 + Retry-After at once."),
    fast_budget: float = typer.Option(0.25, "--fast-budget",
                                      help="Seconds a query may run in the fast lane before it moves to the slow lane."),
    slow_per_client: int = typer.Option(1, "--slow-per-client",
                                        help="Slow-lane queries one client address may have at once (429 beyond; 0 = "
                                             "no limit, e.g. behind a proxy)."),
    memory_limit: int = typer.Option(256, "--memory-limit",
                                     help="MB a query process may grow beyond its size at start (the shared store is "
                                          "not counted); over it the query is stopped with 507."),
    max_response: float = typer.Option(16, "--max-response-mb",
                                       help="MB cap on a serialised SPARQL result (507 beyond; rows are capped by "
                                            "--max-results)."),
    cache_mb: int = typer.Option(64, "--cache-mb",
                                 help="MB for the SPARQL result cache (pages and resources get half of it each)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No access log."),
    header_timeout: float = typer.Option(10.0, "--header-timeout",
                                         help="Seconds a client has to send a request's line and headers (slowloris "
                                              "bound); then 408 and the connection is closed."),
    check_max_upload_mb: float = typer.Option(10, "--check-max-upload-mb",
                                              help="MB a file uploaded to the check page (/check) may have; 413 beyond."),
    check_timeout: float = typer.Option(60.0, "--check-timeout",
                                        help="Seconds one check on /check may run (in a query worker, with its memory "
                                             "limit); then 504."),
    no_check: bool = typer.Option(False, "--no-check", help="No check page (/check): uploads are not taken."),
) -> None:
    """Serve the dataset: read-only SPARQL 1.1 endpoint (/sparql), linked-data pages, query page (/query).

    Every IRI under the base IRI dereferences here (HTML for browsers; Turtle, JSON-LD, N-Triples,
    RDF/XML by Accept header or .ttl/.jsonld/.nt/.rdf suffix). Update, LOAD and SERVICE are refused.
    """
    _needs_linux("kg serve")
    from .serve import ServeError
    from .serve import serve as run_server

    _check_port(host, port)
    if data is None:
        _built_first(quiet)
    try:
        run_server(host, port, timeout, max_results, base_iri, data, service_allow, workers, quiet,
                   slow_workers=slow_workers, fast_budget=fast_budget, memory_limit_mb=memory_limit,
                   max_response_mb=max_response, cache_mb=cache_mb, slow_per_client=slow_per_client,
                   header_timeout=header_timeout, check_max_upload_mb=check_max_upload_mb,
                   check_timeout=check_timeout, check_enabled=not no_check)
    except ServeError as e:
        _plain_fail(str(e))


# --- the publisher's workbook (kg/workbook/) -----------------------------------------------------

def _print_issues(issues) -> None:
    for issue in issues:
        typer.echo(f"{issue.severity}: {issue}", err=True)


@app.command()
def template(
    out: Optional[Path] = typer.Argument(None, help="The .xlsx file to write (e.g. programme.xlsx)."),
    csv_dir: Optional[Path] = typer.Option(None, "--csv",
                                           help="Write the same sheets as CSV files into this folder instead."),
) -> None:
    """Write an empty workbook (xlsx, or CSV files) for a programme, with help and drop-down lists.

    One sheet per kind of thing (Program, Fokusområder, Tiltak, Aktører, Koblinger, Økonomi, Status …),
    nb headers with nb/en help in each header's comment and in the sheet Veiledning, drop-down lists
    for every controlled value (actor names and focus areas from their own sheets). Fill it in Excel (or LibreOffice), then `kg import FILE`. Exit 2 when the file cannot be written.
    """
    from .workbook.template import write

    if (out is None) == (csv_dir is None):
        _fail("give either OUT.xlsx or --csv DIR")
    try:
        paths = write(csv_dir or out, None, as_csv=csv_dir is not None)
    except OSError as e:
        _fail(_os_error(e))
    typer.echo(f"wrote {csv_dir if csv_dir else out} ({len(paths)} file(s))")


@command("export-template")
def export_template(
    out: Optional[Path] = typer.Argument(None, help="The .xlsx file to write."),
    csv_dir: Optional[Path] = typer.Option(None, "--csv", help="Write CSV files into this folder instead."),
    records: Optional[Path] = typer.Option(None, "--records", help="Records folder to export (default: data/records)."),
    authority: Optional[Path] = typer.Option(None, "--authority",
                                             help="Actor authority file (default: data/authority/actors.yaml)."),
) -> None:
    """Write an existing dataset's programmes and actors into one workbook, to edit and import again.

    Every programme record of the records folder and every actor, group and composite phrase of the
    authority file; edit it for the next year ('Viderefører' = the measure continued) and read it back
    with `kg import`.

    Exit 2 when a record or the authority file is broken, or the file cannot be written.
    """
    from . import config
    from .errors import ExtractError
    from .records.validate import RecordError
    from .workbook.export import export_dataset
    from .workbook.template import write

    if (out is None) == (csv_dir is None):
        _fail("give either OUT.xlsx or --csv DIR")
    try:
        rows = export_dataset(records or config.RECORDS, authority or config.AUTHORITY / "actors.yaml")
        write(csv_dir or out, rows, as_csv=csv_dir is not None)
    except (RecordError, ExtractError) as e:
        _fail(str(e))
    except OSError as e:
        _fail(_os_error(e))
    typer.echo(f"wrote {csv_dir or out}: {len(rows['Program'])} programme(s), {len(rows['Tiltak'])} measure rows, "
               f"{len(rows['Aktører'])} actor rows")


@command("import")
def import_(
    workbook: Path = typer.Argument(..., help="A workbook (.xlsx) or a folder of CSV files (one per sheet)."),
    out: Optional[Path] = typer.Option(None, "--out",
                                       help="Records folder to write hp<year>.json into (default: data/records)."),
    authority: Optional[Path] = typer.Option(None, "--authority",
                                             help="Actor authority file to write from the sheet Aktører (default: "
                                                  "data/authority/actors.yaml)."),
    dry_run: bool = typer.Option(False, "--check", help="Only check the workbook; write nothing."),
    fmt: str = typer.Option("text", "--format",
                            help="text, or json (every issue with its sheet, row, column and hint)."),
) -> None:
    """Check a workbook and import it as records: one hp<year>.json per programme year, and the actors.

    Every problem names its cell ("Tiltak!F12: unknown actor … — did you mean …?"). Errors: exit 2
    and nothing is written. Warnings are printed and the import goes on. Then `kg build`.
    """
    import json

    from .errors import WorkbookError
    from .workbook.importing import import_workbook

    if fmt not in ("text", "json"):
        _fail(f"unknown --format {fmt!r} (use text or json)")
    try:
        result = import_workbook(workbook, out, authority, write=not dry_run)
    except WorkbookError as e:
        if fmt == "json":
            typer.echo(json.dumps([i.as_json() for i in e.issues], ensure_ascii=False, indent=2))
        else:
            _print_issues(e.issues)
        errors = sum(1 for i in e.issues if i.severity == "error")
        _fail(f"{e.file}: {errors} error(s) — nothing was written")
    except OSError as e:
        _fail(f"{_os_error(e)} — nothing was written")
    if fmt == "json":
        typer.echo(json.dumps([i.as_json() for i in result.issues], ensure_ascii=False, indent=2))
    else:
        _print_issues(result.warnings)
    typer.echo(result.summary() + ("" if dry_run else f"; wrote {len(result.written)} file(s)"),
               err=fmt == "json")


# --- publish / diff / push (kg/publish/) -------------------------------------------------------

_STORE_HELP = "Store flavour: virtuoso | oxigraph | fuseki | generic (sets the default endpoint paths)."


_TIMEOUT_HELP = ("Seconds to wait for the store to accept a connection (--connect-timeout, default 10) "
                 "or to answer a request (--read-timeout, default 120).")


# the store options of `kg publish --to` and `kg push`, declared once
StoreOpt = Annotated[str, typer.Option("--store", help=_STORE_HELP)]
GspUrlOpt = Annotated[Optional[str], typer.Option("--gsp-url")]
UpdateUrlOpt = Annotated[Optional[str], typer.Option("--update-url")]
QueryUrlOpt = Annotated[Optional[str], typer.Option("--query-url")]
UserOpt = Annotated[Optional[str], typer.Option("--user", help="Store user (or KG_STORE_USER).")]
PasswordOpt = Annotated[Optional[str], typer.Option("--password", help="Store password (or KG_STORE_PASSWORD).")]
ConnectTimeoutOpt = Annotated[float, typer.Option("--connect-timeout", help=_TIMEOUT_HELP)]
ReadTimeoutOpt = Annotated[float, typer.Option("--read-timeout", help=_TIMEOUT_HELP)]
RetriesOpt = Annotated[int, typer.Option("--retries",
                                         help="Retries of a request after a connection error or HTTP 408/429/5xx "
                                              "(0–10).")]


def _push_target(to, store, gsp_url, update_url, query_url, user, password, connect_timeout=10.0,
                 read_timeout=120.0, retries=2):
    from .publish.push import Target

    return Target.for_store(to, store, gsp_url=gsp_url, update_url=update_url, query_url=query_url,
                            user=user, password=password, connect_timeout=connect_timeout,
                            read_timeout=read_timeout, retries=retries)


def _quiet_libraries() -> None:
    """Library log records (asyncio, rdflib, httpx) are not output of ours: warnings and up only."""
    import logging

    logging.getLogger().setLevel(logging.WARNING)
    for name in ("asyncio", "rdflib", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)


@command()
def publish(
    version: Optional[str] = typer.Option(None, "--version", help="Release version (default: today's date)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Release directory (default: release/<version>)."),
    force: bool = typer.Option(False, "--force", help="Publish despite SHACL violations (recorded in the metadata)."),
    to: Optional[str] = typer.Option(None, "--to", help="After the release, push it to this SPARQL store."),
    store: StoreOpt = "generic",
    gsp_url: GspUrlOpt = None,
    update_url: UpdateUrlOpt = None,
    query_url: QueryUrlOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    connect_timeout: ConnectTimeoutOpt = 10.0,
    read_timeout: ReadTimeoutOpt = 120.0,
    retries: RetriesOpt = 2,
) -> None:
    """Build a release directory (dumps, tables, ontology, shapes, validation report, DCAT, VoID,
    changelog, static site, SHA256SUMS) from the validated build, atomically; optionally push it.

    Exit 1 when the build has SHACL violations (without --force); 2 when the release exists already,
    the build is missing or torn (run kg build again), a file cannot be written, or a push fails.
    An interrupted publish leaves nothing behind (its temporary folder is removed, at the latest by
    the next kg publish).
    """
    from .publish.push import PushError, push
    from .publish.release import Interrupted, ReleaseError, release
    from .records.validate import RecordError

    _quiet_libraries()
    try:
        target = _push_target(to, store, gsp_url, update_url, query_url, user, password, connect_timeout,
                              read_timeout, retries) if (to or update_url) else None
        path = release(version, out, force)
        if target is not None:
            res = push(path, target)
            typer.echo(f"pushed {len(res.replaced)} graphs in {res.seconds:.1f} s")
    except ReleaseError as e:
        _fail(str(e), ExitCode.FOUND if e.violations else ExitCode.ERROR)
    except Interrupted as e:
        _fail(f"interrupted by {e.name}: the unfinished release was removed, nothing was published",
              ExitCode.SIGNAL + e.signum)
    except (PushError, RecordError) as e:
        _fail(str(e))
    except OSError as e:
        _fail(_os_error(e))


@command()
def push(
    release_dir: Path = typer.Argument(..., help="A release directory made by `kg publish`."),
    to: Optional[str] = typer.Option(None, "--to", help="Store base URL (endpoints derived per --store)."),
    store: StoreOpt = "generic",
    gsp_url: GspUrlOpt = None,
    update_url: UpdateUrlOpt = None,
    query_url: QueryUrlOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    connect_timeout: ConnectTimeoutOpt = 10.0,
    read_timeout: ReadTimeoutOpt = 120.0,
    retries: RetriesOpt = 2,
) -> None:
    """Replace each named graph of a release in a SPARQL 1.1 store (temporary graph, then MOVE).

    Exit 2 when the store cannot be reached, does not answer within --read-timeout, refuses a request
    or answers something unexpected; the message says which graphs were replaced and how to recover.
    """
    from .publish.push import PushError
    from .publish.push import push as do_push

    _quiet_libraries()
    try:
        res = do_push(release_dir, _push_target(to, store, gsp_url, update_url, query_url, user, password,
                                                connect_timeout, read_timeout, retries))
    except PushError as e:
        _fail(str(e))
    except OSError as e:
        _fail(_os_error(e))
    typer.echo(f"pushed {len(res.replaced)} graphs in {res.seconds:.1f} s")


@command()
def diff(
    a: str = typer.Argument(..., help="Release directory, or a programme year (e.g. 2024)."),
    b: str = typer.Argument(..., help="Release directory, or a programme year (e.g. 2025)."),
    fmt: str = typer.Option("text", "--format", help="text | markdown | rdf"),
    records: Optional[Path] = typer.Option(None, "--records", help="Records folder for year comparisons."),
) -> None:
    """What changed between two releases, or between two programme years (paired by successor links)."""
    from . import config
    from .publish import diff as d

    try:
        if a.isdigit() and b.isdigit():
            changes = d.diff_years(records or config.RECORDS, int(a), int(b))
        elif Path(a).is_dir() and Path(b).is_dir():
            changes = d.diff_releases(Path(a), Path(b))
        else:
            raise d.DiffError(f"compare two release directories or two programme years (got {a!r}, {b!r})")
        typer.echo(d.render(changes, Path(a).name, Path(b).name, fmt, config.base_iri()), nl=False)
    except d.DiffError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(ExitCode.FOUND)


@command()
def up(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    reason: bool = typer.Option(False, "--reason", help="Also materialise RDFS inferences into …/graph/inferred."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Stop after validation (extract, build, validate only)."),
) -> None:
    """The main job: extract → build → validate → serve, on the embedded store.

    Stops before serving if extraction or the build fails, or the data has SHACL Violations
    (Warnings are listed and allowed). Then open http://HOST:PORT/ .
    """
    if not no_serve:  # before the long work, not after it
        _needs_linux("kg up (serving)")
        _check_port(host, port)
    from .pipeline import StepFailed, prepare

    try:
        files, path, report = prepare(reason=reason, on_extracted=_report_extracted, on_built=_report_built,
                                      on_step=lambda n, name: typer.secho(f"{n}/4 {name}", bold=True))
    except StepFailed as failed:
        fail = {"extract": _extract_failed, "build": _build_failed}.get(failed.step, lambda e: _fail(str(e)))
        fail(failed.error)
    c = report.counts
    typer.echo(f"{c['Violation']} violations, {c['Warning']} warnings, {c['Info']} info "
               f"({report.seconds:.1f} s) — full report: kg validate; shown per resource on its page")
    if report.failed("violation"):   # Warnings/Info make sh:conforms false but do not stop kg up
        typer.echo(report.text("en"))
        typer.secho("the data has Violations: not serving it (see the report above)", fg="red", err=True)
        raise typer.Exit(ExitCode.FOUND)
    if no_serve:
        return
    typer.secho(f"4/4 serve on http://{host}:{port}/", bold=True)
    from .serve import ServeError
    from .serve import serve as run_server

    try:  # kg serve's defaults (kg.serve.serve), not the typer command: its parameters are option objects
        run_server(host, port)
    except ServeError as e:
        _plain_fail(str(e))


def reflow(doc: str | None) -> str | None:
    """A docstring as --help text that fits any terminal: the line breaks inside a paragraph are the
    source's wrapping, so they are joined (typer keeps them, and an 80-column terminal then shows
    ragged lines); a line that starts with a space or "- " starts a line of its own (examples, lists)."""
    if not doc:
        return doc
    paragraphs = []
    for para in inspect.cleandoc(doc).split("\n\n"):
        lines: list[str] = []
        for line in para.split("\n"):
            if lines and not line.startswith((" ", "- ")):
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


for _info in app.registered_commands:
    _info.help = _info.help or reflow(_info.callback.__doc__)


def reference(width: int = 100) -> str:
    """README's command reference: `kg --help` and every `kg COMMAND --help`, as a user sees them
    (regenerated with `cog -r README.md`; `cog --check README.md` in .ci/run fails when it is stale)."""
    from typer.testing import CliRunner

    env = {"COLUMNS": str(width), "NO_COLOR": "1", "TERM": "dumb", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    out = []
    for args in ([], *([c.name or c.callback.__name__] for c in app.registered_commands)):
        res = CliRunner().invoke(app, [*args, "--help"], env=env, terminal_width=width, prog_name="kg")
        body = "\n".join(line.rstrip() for line in res.output.splitlines()).strip("\n")
        out.append(f"#### `kg {' '.join(args)} --help`\n\n```text\n{body}\n```\n".replace("kg  --help", "kg --help"))
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    app()
