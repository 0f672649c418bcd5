"""The `kg` command: one thin sub-command per verb; the work lives in the verb's module.

Each command imports its module lazily so `kg --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    help=(
        "Publish regional action programmes (handlingsprogram) as validated, SPARQL-queryable linked data.\n\n"
        "Typical flow:  kg extract  →  kg build  →  kg validate  →  kg serve   (or simply: kg up)"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def extract(
    paths: List[Path] = typer.Argument(None, help="Source documents to extract (default: every document in data/sources/sources.yaml)."),
    out: Path = typer.Option(None, "--out", help="Records folder (default: data/records)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output."),
) -> None:
    """Extract the source documents into reviewable records (JSON), measures.csv and anomalies.csv.

    Every fact carries its source document, line span and the source's sha256. Records are written
    atomically: on any error nothing is changed. Exit 2 on a missing, unknown or unparsable document.
    """
    from .extract import cli_extract

    raise typer.Exit(cli_extract(paths or None, out, quiet))


@app.command()
def build(
    reason: bool = typer.Option(False, "--reason", help="Materialise RDFS inferences (owlrl) into the named graph …/graph/inferred. Slow on large data; see README."),
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
    except (BuildError, RecordError) as e:
        typer.secho(f"error: {e}", fg="red", err=True)
        raise typer.Exit(2)
    if not quiet:
        import json

        manifest = json.loads((path.parent / "manifest.json").read_text())
        typer.echo(f"built {path.parent}/dataset.trig and dataset.nq: {manifest['distinct_quads']} quads in {len(manifest['graphs'])} graphs")


@app.command()
def query(
    name: str = typer.Argument(None, help="Name of a ready-made question (a file queries/NAME.rq). Omit to list them."),
    param: List[str] = typer.Option([], "--param", "-p", help="Parameter as key=value (repeatable); see the question's header."),
    endpoint: str = typer.Option(None, "--endpoint", help="Run against this SPARQL endpoint URL instead of the local build."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv or json."),
    show: bool = typer.Option(False, "--show", help="Print the SPARQL (with parameters filled in) instead of running it."),
) -> None:
    """Run a ready-made research question against the local build or any SPARQL endpoint.

    Examples:  kg query                      (list the questions)
               kg query actor-involvement -p actor=NAV
               kg query money-by-focus-area --format csv
               kg query measures-by-focus-area --endpoint http://127.0.0.1:8000/sparql
    """
    from .query_cli import run_query

    raise typer.Exit(run_query(name, param, endpoint, fmt, show))


if __name__ == "__main__":  # pragma: no cover
    app()
