"""`kg serve`: read-only SPARQL 1.1 endpoint, linked-data resource pages, landing and query pages.

Modules: protocol (request parsing, conneg), guard (refuse Update/LOAD/SERVICE, too deep nesting),
sandbox (no network for query processes), executor (supervised, forked query workers in a fast and a
slow lane, with real time and memory limits), results (result serialisation with caps), fastpath,
middleware, explore (search and source routes), app (Starlette app factory). Only HTTP: what a page
or resource says and how it looks is kg.web's (shared with the static site of `kg publish`).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import config

if TYPE_CHECKING:
    import pyoxigraph as ox


class ServeError(Exception):
    """`kg serve` cannot start: the message names the file and the reason."""


def http_limits(header_timeout: float = 10.0) -> dict:
    """uvicorn settings that bound what one client can hold (see httpguard.py): the request head must
    arrive within `header_timeout` s and fit in 16 KiB (else 408/431), idle keep-alive connections close
    after 5 s, and at most 2048 connections are served at once (more get 503) so memory stays bounded."""
    from .httpguard import MAX_HEAD_BYTES, GuardedHttpToolsProtocol

    protocol = type("HttpProtocol", (GuardedHttpToolsProtocol,), {"head_timeout": header_timeout})
    return {"http": protocol, "timeout_keep_alive": 5, "limit_concurrency": 2048,
            "h11_max_incomplete_event_size": MAX_HEAD_BYTES, "server_header": False}


def serve(host: str = "127.0.0.1", port: int = 8000, timeout: float = 10.0, max_results: int = 10_000,
          base_iri: str | None = None, dataset: Path | None = None, service_allow: list[str] | None = None,
          workers: int = 2, quiet: bool = False, slow_workers: int = 2, fast_budget: float = 0.25,
          memory_limit_mb: int = 256, max_response_mb: float = 16, cache_mb: int = 64,
          slow_per_client: int = 1, header_timeout: float = 10.0, check_max_upload_mb: float = 10,
          check_timeout: float = 60.0, check_enabled: bool = True) -> None:
    """Load the dataset, fork the query workers, run uvicorn.
    Raises ServeError (a named file, a torn build, a dataset that does not load) before listening."""
    import uvicorn

    from ..store import load_store, materialise_union
    from .app import Settings, create_app

    path = Path(dataset) if dataset else config.dataset_nq()
    if not path.exists():  # `kg serve` builds first (kg.pipeline.ensure_built); here it is an error
        raise ServeError(f"{path}: no such dataset file" + ("" if dataset else " (run kg build)"))
    from ..buildinfo import BuildIntegrityError, verify_dataset

    try:  # never serve a torn build (a new dataset.trig beside an old dataset.nq): see kg/buildinfo.py
        verify_dataset(path, required=not dataset)
    except BuildIntegrityError as e:
        raise ServeError(str(e)) from None
    try:
        store = load_store(path, union_default=False)
        load_validation_report(store, path.parent / "validation.ttl", path)
        materialise_union(store)
    except (OSError, SyntaxError, ValueError) as e:
        raise ServeError(f"{path}: cannot load dataset: {e}") from None
    settings = Settings(
        base_iri=(base_iri if base_iri.endswith("/") else base_iri + "/") if base_iri else config.base_iri(),
        timeout=timeout,
        max_results=max_results,
        workers=workers,
        slow_workers=slow_workers,
        fast_budget=fast_budget,
        slow_per_client=slow_per_client,
        memory_limit_mb=memory_limit_mb,
        max_response_mb=max_response_mb,
        cache_mb=cache_mb,
        service_allow=frozenset(service_allow or ()),
        build_dir=path.parent,
        check_enabled=check_enabled,
        check_max_upload_mb=check_max_upload_mb,
        check_timeout=check_timeout,
    )
    app = create_app(store, settings, dataset_path=path)  # forks the workers before uvicorn starts threads
    pool = app.state.kg.pool
    if pool.barriers:
        print(f"query workers: no network ({' + '.join(pool.barriers)})", file=sys.stderr)
    elif settings.service_allow:
        print("query workers: network open for --service-allow; the SERVICE guard alone restricts it", file=sys.stderr)
    else:
        print("WARNING: no network barrier for query workers (" + "; ".join(pool.barrier_notes)
              + "): the SERVICE guard alone prevents outbound requests", file=sys.stderr)
    if not quiet:
        print(f"query lanes: {settings.workers} fast (≤{fast_budget:g} s), {slow_workers} slow (≤{timeout:g} s); "
              f"≤{memory_limit_mb} MB per query; worst case {(settings.workers + slow_workers) * memory_limit_mb} MB "
              "for query processes", file=sys.stderr)
        print(f"serving {path} ({len(store)} quads) on http://{host}:{port}/  — SPARQL at /sparql, health at /health",
              file=sys.stderr)
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning" if quiet else "info", access_log=not quiet,
                    **http_limits(header_timeout))
    finally:
        app.state.kg.pool.close()


def load_validation_report(store: ox.Store, report: Path, dataset: Path) -> bool:
    """Add the SHACL report of this build (written by `kg validate`) as the named graph …/graph/validation,
    so each resource's warnings can be queried and shown. A report older than the dataset is stale: skipped.
    The server's job, not the store's: kg.store loads data and knows nothing of validation."""
    import pyoxigraph as ox

    if not report.exists() or report.stat().st_mtime < dataset.stat().st_mtime:
        return False
    graph = ox.NamedNode(config.base_iri() + "graph/validation")
    store.bulk_load(path=str(report), format=ox.RdfFormat.TURTLE, to_graph=graph)
    return True
