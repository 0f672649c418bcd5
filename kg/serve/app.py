"""The Starlette application: SPARQL endpoint, linked-data resources, landing/query pages, files.

`create_app(store, settings)` must be called in the main thread *before* the server starts threads:
it forks the query-worker zygote (see executor.py).
"""

from __future__ import annotations

import hashlib
import inspect
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import config
from . import describe, guard, pages, results
from .executor import Job, PoolBusy, QueryPool, QueryTimeout, WorkerDied
from .protocol import GRAPH_TYPES, ProtocolError, choose, negotiate, parse_request, wants_html
from .queries import builtin_views, load_queries

STATIC = Path(__file__).parent / "static"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
SUFFIXES = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml", "html": "html"}


@dataclass
class Settings:
    base_iri: str = field(default_factory=config.base_iri)
    timeout: float = 10.0
    max_results: int = 10_000
    max_body: int = 256 * 1024
    workers: int = 2
    service_allow: frozenset[str] = frozenset()
    build_dir: Path = field(default_factory=lambda: config.BUILD)
    ontology_dir: Path = field(default_factory=lambda: config.ONTOLOGY)
    shapes_dir: Path = field(default_factory=lambda: config.SHAPES)
    queries_dir: Path = field(default_factory=lambda: config.QUERIES)
    release: str = ""  # identifies the loaded data (ETags, caches); derived from the file if empty
    cache_entries: int = 1024


class _LRU:
    """Small thread-safe LRU for immutable responses (the store never changes while serving)."""

    def __init__(self, size: int):
        self.size = size
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            v = self._d.get(key)
            if v is not None:
                self._d.move_to_end(key)
            return v

    def put(self, key, value) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._d[key] = value
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)


def release_id(path: Path | None) -> str:
    """sha256 of the dataset file (a release identifier for ETags)."""
    if not path or not Path(path).exists():
        return "unknown"
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def _error(status: int, message: str, request: Request | None = None, vary: bool = True) -> Response:
    if request is not None and wants_html(request.headers.get("accept")):
        titles = {400: "Ugyldig forespørsel", 403: "Ikke tillatt", 404: "Fant ikke", 413: "For stor forespørsel",
                  503: "Opptatt", 504: "Tidsavbrudd"}
        return HTMLResponse(pages.render_error(status, titles.get(status, "Feil"), message), status_code=status)
    return PlainTextResponse(message + "\n", status_code=status, headers={"Vary": "Accept"} if vary else None)


class KGApp:
    """Holds the store, worker pool and caches; its methods are the route handlers."""

    def __init__(self, store: ox.Store, settings: Settings, pool: QueryPool | None = None):
        self.store = store
        self.s = settings
        self.base = settings.base_iri
        self.pool = pool or QueryPool(store, workers=settings.workers, timeout=settings.timeout)
        self.labeler = describe.Labeler(store)
        self.union_flag = not describe.default_graph_is_union(store)
        self.n_triples = describe.triple_count(store)
        self.sparql_cache = _LRU(settings.cache_entries)
        self.page_cache = _LRU(settings.cache_entries)
        self.ld_cache = _LRU(4 * settings.cache_entries)
        self.href = pages.server_href(self.base)
        self._stats: dict | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ SPARQL

    async def _read_body(self, request: Request) -> bytes:
        cl = request.headers.get("content-length")
        if cl and cl.isdigit() and int(cl) > self.s.max_body:
            raise ProtocolError(413, f"request body of {cl} bytes exceeds the limit of {self.s.max_body} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.s.max_body:
                raise ProtocolError(413, f"request body exceeds the limit of {self.s.max_body} bytes")
        return bytes(body)

    async def sparql(self, request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": "GET, POST, OPTIONS"})
        try:
            if request.method == "GET" and not any(k in request.query_params for k in ("query", "update")):
                return self.service_description(request)
            body = await self._read_body(request) if request.method == "POST" else b""
            qr = parse_request(request.method, request.url.query, request.headers.get("content-type"), body,
                               request.headers.get("accept"))
            guard.check(qr.query, self.s.service_allow)
        except ProtocolError as e:
            return _error(e.status, e.message)
        key = qr.cache_key()
        hit = self.sparql_cache.get(key)
        if hit is None:
            job = Job(qr.query, qr.default_graphs, qr.named_graphs, qr.accept, qr.format, self.s.max_results, self.union_flag)
            try:
                out = await anyio.to_thread.run_sync(self.pool.run, job)
            except QueryTimeout as e:
                return _error(504, f"{e}: the query was stopped. Simplify it or add a LIMIT.")
            except PoolBusy as e:
                return PlainTextResponse(f"{e}; try again shortly\n", status_code=503, headers={"Retry-After": "2"})
            except WorkerDied as e:
                return _error(500, str(e))
            if out["status"] != 200:
                if out["status"] == 400:
                    op = await anyio.to_thread.run_sync(guard.update_kind, qr.query)
                    if op:
                        e = guard.refusal_for_update(op)
                        return _error(e.status, e.message)
                return _error(out["status"], out["error"])
            hit = out
            self.sparql_cache.put(key, out)
        mt = hit["media_type"]
        headers = {"Vary": "Accept", "X-SPARQL-Result-Count": str(hit["count"]), "Cache-Control": "public, max-age=300"}
        if hit["truncated"]:
            headers["X-SPARQL-Truncated"] = "true"
            headers["X-SPARQL-Max-Results"] = str(self.s.max_results)
        ctype = mt + ("; charset=utf-8" if mt.startswith("text/") or mt.endswith("json") else "")
        return Response(hit["body"], headers=headers, media_type=ctype)

    def service_description(self, request: Request) -> Response:
        accept = request.headers.get("accept")
        if wants_html(accept):
            return self.query_page(request)
        try:
            fmt = negotiate("graph", accept, request.query_params.get("format"))
        except ProtocolError as e:
            return _error(e.status, e.message)
        endpoint = str(request.url.replace(query=""))
        svc = ox.BlankNode("service")
        ds = ox.BlankNode("dataset")
        dg = ox.BlankNode("defaultGraph")
        N, L = ox.NamedNode, ox.Literal
        t = [
            ox.Triple(svc, N(describe.RDF_TYPE.value), N(SD + "Service")),
            ox.Triple(svc, N(SD + "endpoint"), N(endpoint)),
            ox.Triple(svc, N(SD + "supportedLanguage"), N(SD + "SPARQL11Query")),
            ox.Triple(svc, N(SD + "feature"), N(SD + "UnionDefaultGraph")),
            ox.Triple(svc, N(SD + "feature"), N(SD + "BasicFederatedQuery")) if self.s.service_allow else None,
            ox.Triple(svc, N(SD + "defaultDataset"), ds),
            ox.Triple(ds, N(describe.RDF_TYPE.value), N(SD + "Dataset")),
            ox.Triple(ds, N(SD + "defaultGraph"), dg),
            ox.Triple(dg, N(describe.RDF_TYPE.value), N(SD + "Graph")),
            ox.Triple(dg, N("http://rdfs.org/ns/void#triples"), L(str(self.n_triples), datatype=N("http://www.w3.org/2001/XMLSchema#integer"))),
            ox.Triple(svc, N("http://purl.org/dc/terms/description"),
                      L("Read-only SPARQL 1.1 endpoint; the default graph is the union of the named graphs. "
                        f"Update, LOAD and SERVICE are refused; queries stop after {self.s.timeout:g} s; "
                        f"results are capped at {self.s.max_results} rows/triples.", language="en")),
        ]
        for fmt_name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                         "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
            t.append(ox.Triple(svc, N(SD + "resultFormat"), N(FORMATS_NS + fmt_name)))
        for g in sorted(self.store.named_graphs(), key=str):
            if isinstance(g, ox.NamedNode):
                ng = ox.BlankNode("ng_" + hashlib.sha1(g.value.encode()).hexdigest()[:12])
                t += [ox.Triple(ds, N(SD + "namedGraph"), ng), ox.Triple(ng, N(SD + "name"), g)]
        p = results.serialize_triples([x for x in t if x is not None], fmt)
        return Response(p.body, media_type=p.media_type, headers={"Vary": "Accept"})

    # ------------------------------------------------------------------ pages

    def landing(self, request: Request) -> Response:
        body = self.page_cache.get(("landing",))
        if body is None:
            if self._stats is None:
                self._stats = pages.dataset_stats(self.store, self.base, self.labeler)
            body = pages.render_landing(self.store, self.base, stats=self._stats, downloads=self.downloads(),
                                        href=self.href, void=self._void_fn() is not None)
            self.page_cache.put(("landing",), body)
        return HTMLResponse(body)

    def query_page(self, request: Request) -> Response:
        queries, errors = load_queries(self.s.queries_dir)  # re-read: another tool may add questions
        views = builtin_views()
        initial = ""
        name = request.query_params.get("q") or request.query_params.get("view")
        for q in queries + views:
            if q.name == name:
                initial = q.text
        return HTMLResponse(pages.render_query_page(queries, views, initial=initial, base_iri=self.base, errors=errors))

    def downloads(self) -> list[Path]:
        d = self.s.build_dir
        if not d.is_dir():
            return []
        return sorted(p for p in d.iterdir() if p.is_file() and not p.name.startswith("."))

    def download(self, request: Request) -> Response:
        name = request.path_params["name"]
        # Only names of files that really are in the build folder: no path can escape it.
        files = {p.name: p for p in self.downloads()}
        if name not in files:
            return _error(404, f"no download named '{name}'", request)
        media = {".trig": "application/trig", ".nq": "application/n-quads", ".ttl": "text/turtle",
                 ".nt": "application/n-triples", ".jsonld": "application/ld+json", ".csv": "text/csv",
                 ".json": "application/json"}.get(files[name].suffix, "application/octet-stream")
        return FileResponse(files[name], media_type=media, filename=name)

    def _turtle_folder(self, folder: Path, main: str | None, request: Request) -> Response:
        name = request.path_params.get("name")
        files = sorted(folder.glob("*.ttl")) if folder.is_dir() else []
        if not files:
            return _error(404, f"no Turtle files in {folder.name}/ yet", request)
        if name is not None:
            chosen = {p.name: p for p in files}.get(name) or {p.stem: p for p in files}.get(name)
            if chosen is None:
                return _error(404, f"no file '{name}' in {folder.name}/", request)
            return FileResponse(chosen, media_type="text/turtle; charset=utf-8")
        if main and (folder / main).exists():
            return FileResponse(folder / main, media_type="text/turtle; charset=utf-8")
        if len(files) == 1:
            return FileResponse(files[0], media_type="text/turtle; charset=utf-8")
        key = ("merged", str(folder))
        body = self.page_cache.get(key)
        if body is None:
            quads = []
            for p in files:
                quads += [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)]
            body = results.serialize_triples(quads, "turtle").body
            self.page_cache.put(key, body)
        return Response(body, media_type="text/turtle; charset=utf-8")

    def ontology(self, request: Request) -> Response:
        return self._turtle_folder(self.s.ontology_dir, "regplan.ttl", request)

    def shapes(self, request: Request) -> Response:
        return self._turtle_folder(self.s.shapes_dir, None, request)

    def _void_fn(self):
        try:
            from ..publish.void import void_graph
        except Exception:  # the publish helper's module is optional
            return None
        return void_graph

    def void(self, request: Request) -> Response:
        fn = self._void_fn()
        if fn is None:
            return _error(404, "no VoID description available (kg.publish.void is not installed)", request)
        try:
            fmt = negotiate("graph", request.headers.get("accept"), request.query_params.get("format"))
        except ProtocolError as e:
            return _error(e.status, e.message)
        key = ("void", fmt)
        body = self.page_cache.get(key)
        if body is None:
            kwargs = {}
            params = inspect.signature(fn).parameters
            if "sparql_endpoint" in params:
                kwargs["sparql_endpoint"] = self.base + "sparql"
            if "dumps" in params:
                kwargs["dumps"] = [self.base + "download/" + p.name for p in self.downloads()]
            g = fn(self.store, self.base, **kwargs) if "base" in params else fn(self.store, **kwargs)
            if hasattr(g, "serialize") and not isinstance(g, (bytes, str)):
                rdflib_fmt = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[fmt]
                out = g.serialize(format=rdflib_fmt)
                body = out.encode() if isinstance(out, str) else out
            elif isinstance(g, str):
                body = g.encode()
            elif isinstance(g, bytes):
                body = g
            else:
                body = results.serialize_triples(list(g), fmt).body
            self.page_cache.put(key, body)
        return Response(body, media_type=GRAPH_TYPES[fmt], headers={"Vary": "Accept"})

    # ------------------------------------------------------------------ linked data

    def _render(self, iri: str, fmt: str) -> bytes:
        if fmt == "html":
            return pages.render_resource(self.store, iri, self.base, href=self.href, labeler=self.labeler).encode()
        return results.serialize_triples(describe.description(self.store, iri), fmt).body

    async def resource(self, request: Request) -> Response:
        """Async so a cached representation is answered without a thread hop (the fast path):
        (raw path, Accept) → (status, body, headers) is cached, the store never changes."""
        raw = request.scope.get("raw_path") or request.url.path.encode()
        accept = request.headers.get("accept", "*/*")
        hit = self.ld_cache.get((raw, accept))
        if hit is None:
            hit = await self._resolve(request, raw, accept)
            self.ld_cache.put((raw, accept), hit)
        status, body, headers = hit
        if status != 200:
            return _error(status, body, request)
        inm = request.headers.get("if-none-match")
        if inm and (inm.strip() == "*" or headers["ETag"] in [t.strip().removeprefix("W/") for t in inm.split(",")]):
            return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Type"})
        return Response(body, headers=headers)

    async def _resolve(self, request: Request, raw: bytes, accept: str) -> tuple[int, object, dict]:
        path = raw.decode("latin-1").lstrip("/")
        suffix = None
        head, dot, ext = path.rpartition(".")
        if dot and ext in SUFFIXES and "/" not in ext:
            path, suffix = head, SUFFIXES[ext]
        iri = self.base + path
        if not path or not describe.exists(self.store, iri):
            decoded = self.base + request.url.path.lstrip("/")
            if suffix:
                decoded = decoded.rsplit(".", 1)[0]
            if path and decoded != iri and describe.exists(self.store, decoded):
                iri = decoded
            else:
                return 404, f"{iri} is not in this dataset", {}
        href = self.href(iri)
        if suffix:
            fmt = suffix
        else:
            offers = ["text/turtle", "text/html", "application/xhtml+xml", *list(GRAPH_TYPES.values())[1:],
                      "application/json", "text/plain", "application/xml"]
            best = choose(accept, offers)
            if best is None:
                return 406, "none of the accepted types is available; offered: text/html, " + ", ".join(GRAPH_TYPES.values()), {}
            fmt = "html" if best in ("text/html", "application/xhtml+xml") else negotiate("graph", best, None)
        etag = '"' + hashlib.sha256(f"{self.s.release}|{iri}|{fmt}".encode()).hexdigest()[:20] + '"'
        link = ", ".join(f'<{href}.{sfx}>; rel="alternate"; type="{mt}"' for _n, mt, sfx in pages.ALTERNATES)
        link += f', <{href}.html>; rel="alternate"; type="text/html"'
        headers = {"Vary": "Accept", "ETag": etag, "Link": link, "Cache-Control": "public, max-age=300"}
        body = await anyio.to_thread.run_sync(self._render, iri, fmt)
        if fmt == "html":
            headers["Content-Type"] = "text/html; charset=utf-8"
        else:
            mt = GRAPH_TYPES[fmt]
            headers["Content-Type"] = mt + ("; charset=utf-8" if mt.startswith("text/") else "")
            headers["Content-Location"] = f"{href}.{ {v: k for k, v in SUFFIXES.items()}[fmt] }"
        return 200, body, headers


def create_app(store: ox.Store, settings: Settings | None = None, *, pool: QueryPool | None = None,
               dataset_path: Path | None = None) -> Starlette:
    """The ASGI app. Forks the query workers now (call before starting threads)."""
    settings = settings or Settings()
    if not settings.release:
        settings.release = release_id(dataset_path)
    # explore (issue 11): the search index is built or reused before the query workers are forked
    from .explore import Explore, prepare as prepare_explore

    explore = Explore(None, prepare_explore(store, settings))
    kg = KGApp(store, settings, pool)
    explore.kg = kg
    routes = [
        Route("/", kg.landing, methods=["GET", "HEAD"]),
        Route("/sparql", kg.sparql, methods=["GET", "POST", "OPTIONS"]),
        Route("/query", kg.query_page, methods=["GET", "HEAD"]),
        Route("/download/{name}", kg.download, methods=["GET", "HEAD"]),
        Route("/ontology", kg.ontology, methods=["GET", "HEAD"]),
        Route("/ontology.ttl", kg.ontology, methods=["GET", "HEAD"]),
        Route("/ontology/{name}", kg.ontology, methods=["GET", "HEAD"]),
        Route("/shapes", kg.shapes, methods=["GET", "HEAD"]),
        Route("/shapes/{name}", kg.shapes, methods=["GET", "HEAD"]),
        Route("/.well-known/void", kg.void, methods=["GET", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
        *explore.routes(),  # explore (issue 11): /search, /source/{id}/text, …
        Route("/{path:path}", kg.resource, methods=["GET", "HEAD"]),
    ]
    middleware = [Middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["*"],
        expose_headers=["X-SPARQL-Truncated", "X-SPARQL-Max-Results", "X-SPARQL-Result-Count", "Link", "ETag"],
        max_age=86400,
    )]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.kg = kg
    return app
