"""`kg serve`: read-only SPARQL 1.1 endpoint, linked-data resource pages, landing and query pages.

Modules: protocol (request parsing, conneg), guard (refuse Update/LOAD/SERVICE), executor (forked
query workers with a real timeout), results (result serialisation with caps), describe (resource
data from the store), pages (Jinja2 HTML rendering, reusable for a static site), queries (ready-made
questions and built-in views), app (Starlette app factory).
"""

from __future__ import annotations

import sys
from pathlib import Path

from .. import config


def serve(host: str = "127.0.0.1", port: int = 8000, timeout: float = 10.0, max_results: int = 10_000,
          base_iri: str | None = None, dataset: Path | None = None, service_allow: list[str] | None = None,
          workers: int = 2, quiet: bool = False) -> int:
    """Load the dataset (building it first if there is none), fork the query workers, run uvicorn."""
    import uvicorn

    from ..store import dataset_path, load_store
    from .app import Settings, create_app

    path = Path(dataset) if dataset else dataset_path()
    if not path.exists():
        if dataset:
            print(f"{path}: no such dataset file", file=sys.stderr)
            return 2
        if not quiet:
            print(f"{path} is missing: building it first (kg build)…", file=sys.stderr)
        from ..build import run as build_run

        path = build_run(progress=not quiet)
    from ..buildinfo import BuildIntegrityError, verify_dataset

    try:  # never serve a torn build (a new dataset.trig beside an old dataset.nq): see kg/buildinfo.py
        verify_dataset(path, required=not dataset)
    except BuildIntegrityError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    try:
        store = load_store(path)
    except (OSError, SyntaxError, ValueError) as e:
        print(f"{path}: cannot load dataset: {e}", file=sys.stderr)
        return 2
    settings = Settings(
        base_iri=(base_iri if base_iri.endswith("/") else base_iri + "/") if base_iri else config.base_iri(),
        timeout=timeout,
        max_results=max_results,
        workers=workers,
        service_allow=frozenset(service_allow or ()),
        build_dir=path.parent,
    )
    app = create_app(store, settings, dataset_path=path)  # forks the workers before uvicorn starts threads
    if not quiet:
        print(f"serving {path} ({len(store)} quads) on http://{host}:{port}/  — SPARQL at /sparql", file=sys.stderr)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning" if quiet else "info", access_log=not quiet)
    finally:
        app.state.kg.pool.close()
    return 0
