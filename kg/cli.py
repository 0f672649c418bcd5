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


if __name__ == "__main__":  # pragma: no cover
    app()
