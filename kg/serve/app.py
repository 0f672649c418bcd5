"""The Starlette application: SPARQL endpoint, linked-data resources, landing/query pages, files.

`create_app(store, settings)` must be called in the main thread *before* the server starts threads:
it forks the query-worker zygote (see executor.py).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import anyio
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import config
from ..namespaces import SD, VOID
from ..web import describe, docs, i18n, layout, links, pages
from ..web.pages import STATIC
from ..web.queries import builtin_views, load_queries
from ..web.texts import licence_iri
from ..web.void import void_graph
from . import results
from .downloads import Download, release_files
from .executor import MB, Job, MemoryExceeded, PoolBusy, PoolConfig, QueryPool, QueryTimeout, WorkerDied
from .fastpath import SparqlFastPath
from .headers import header_uri, link_header
from .middleware import HeadAsGet, Language, SecurityHeaders
from .protocol import GRAPH_TYPES, ProtocolError, choose, negotiate, parse_request, wants_html

log = logging.getLogger(__name__)
FORMATS_NS = "http://www.w3.org/ns/formats/"
SUFFIXES = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml", "html": "html"}


@dataclass
class Settings:
    base_iri: str = field(default_factory=config.base_iri)
    timeout: float = 10.0
    max_results: int = 10_000
    max_body: int = 256 * 1024
    body_timeout: float = 10.0  # seconds to receive a POST body (a slow sender cannot hold the handler)
    workers: int = 2              # fast-lane query processes
    slow_workers: int = 2         # slow-lane processes (queries over fast_budget)
    fast_budget: float = 0.25     # seconds a query may run in the fast lane
    slow_per_client: int = 1      # slow-lane queries per client address (0: no limit)
    memory_limit_mb: int = 256    # per query process, over its size at birth
    max_response_mb: float = 16   # serialised SPARQL result
    cache_mb: int = 64            # SPARQL result cache (pages and resources get half of it each)
    service_allow: frozenset[str] = frozenset()
    build_dir: Path = field(default_factory=lambda: config.BUILD)
    ontology_dir: Path = field(default_factory=lambda: config.ONTOLOGY)
    shapes_dir: Path = field(default_factory=lambda: config.SHAPES)
    queries_dir: Path = field(default_factory=lambda: config.QUERIES)
    release: str = ""  # identifies the loaded data (ETags, caches); derived from the file if empty
    cache_entries: int = 1024
    # the check page (/check, issue 13; kg/serve/check.py)
    check_enabled: bool = True
    check_max_upload_mb: float = 10       # the uploaded file
    check_timeout: float = 60.0           # seconds a check may run (then 504)
    check_body_timeout: float = 30.0      # seconds to receive the upload (then 408)
    check_parallel: int = 1               # uploads received or checked at once (then 503 + Retry-After)
    check_tmp: str | None = None          # where a check's scratch folder is made (default: the system's)


def _nbytes(v) -> int:
    """Rough size of a cached value: its bytes/str payloads plus a fixed overhead per object."""
    if isinstance(v, (bytes, bytearray, str)):
        return len(v) + 64
    if isinstance(v, dict):
        return 64 + sum(_nbytes(k) + _nbytes(x) for k, x in v.items())
    if isinstance(v, (tuple, list)):
        return 64 + sum(_nbytes(x) for x in v)
    return 64


class _LRU:
    """Small thread-safe LRU for immutable responses (the store never changes while serving),
    bounded by entries and by bytes; a value over an eighth of the byte budget is not kept."""

    def __init__(self, size: int, max_bytes: int = 64 * MB):
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._d: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            v = self._d.get(key)
            if v is not None:
                self._d.move_to_end(key)
                return v[0]
            return None

    def put(self, key, value) -> None:
        n = _nbytes(value) + _nbytes(key)
        if self.size <= 0 or n > self.max_bytes // 8:
            return
        with self._lock:
            old = self._d.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._d[key] = (value, n)
            self.bytes += n
            while len(self._d) > self.size or self.bytes > self.max_bytes:
                _k, (_v, m) = self._d.popitem(last=False)
                self.bytes -= m


def release_id(path: Path | None) -> str:
    """sha256 of the dataset file (a release identifier for ETags)."""
    if not path or not Path(path).exists():
        return "unknown"
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def current_path(request: Request) -> str:
    """The requested path below the server root, as sent (percent-encoded), without the leading '/'."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    return raw.decode("latin-1").lstrip("/")


def _error(status: int, message: str, request: Request | None = None, vary: bool = True) -> Response:
    if request is not None and wants_html(request.headers.get("accept")):
        titles = {400: "Ugyldig forespørsel", 403: "Ikke tillatt", 404: "Fant ikke", 406: "Ikke tilgjengelig",
                  408: "Tidsavbrudd", 413: "For stor forespørsel", 503: "Opptatt", 504: "Tidsavbrudd"}
        return HTMLResponse(pages.render_error(status, i18n.t(titles.get(status, "Feil")), message,
                                               current=current_path(request)),
                            status_code=status)
    return PlainTextResponse(message + "\n", status_code=status, headers={"Vary": "Accept"} if vary else None)


def _add_license(g) -> None:
    """dct:license (the dataset's licence, kg.toml) on every void:Dataset of a VoID graph that states none."""
    from rdflib import RDF, URIRef
    from rdflib.namespace import DCTERMS

    for ds in set(g.subjects(RDF.type, URIRef(VOID + "Dataset"))):
        if (ds, DCTERMS.license, None) not in g:
            g.add((ds, DCTERMS.license, URIRef(licence_iri())))


class KGApp:
    """Holds the store, worker pool and caches; its methods are the route handlers."""

    def __init__(self, store: ox.Store, settings: Settings, pool: QueryPool | None = None):
        self.store = store
        self.s = settings
        self.base = settings.base_iri
        self.pool = pool or QueryPool(store, config=PoolConfig(
            fast_workers=settings.workers, slow_workers=settings.slow_workers, timeout=settings.timeout,
            fast_budget=settings.fast_budget, slow_per_client=settings.slow_per_client,
            memory_limit=int(settings.memory_limit_mb * MB), max_response=int(settings.max_response_mb * MB),
            service_allow=settings.service_allow))
        self.labeler = describe.Labeler(store)
        self.union_flag = not describe.default_graph_is_union(store)
        self.n_triples = describe.triple_count(store)
        cache = int(settings.cache_mb * MB)
        self.sparql_cache = _LRU(settings.cache_entries, cache)
        self.page_cache = _LRU(settings.cache_entries, cache // 2)
        self.ld_cache = _LRU(4 * settings.cache_entries, cache // 2)
        self._health: tuple[float, bool, str] = (0.0, False, "")
        self._stats: dict[str, dict] = {}  # page language -> landing statistics (labels are per language)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ SPARQL

    async def _read_body(self, request: Request, limit: int | None = None, timeout: float | None = None,
                         drain: int = 0) -> bytes:
        """The request body, at most `limit` bytes (default --max-body) received within `timeout` s (default
        the body timeout): else 413 / 408. `drain`: bytes past the limit still read (and dropped) before the
        413, so that a browser, still sending, reads the answer instead of a reset connection."""
        limit = self.s.max_body if limit is None else limit
        timeout = self.s.body_timeout if timeout is None else timeout
        cl = request.headers.get("content-length")
        declared = int(cl) if cl and cl.isdigit() else None
        if declared is not None and declared > limit + drain:
            raise ProtocolError(413, f"request body of {cl} bytes exceeds the limit of {limit} bytes")
        body = bytearray()
        seen = 0
        with anyio.move_on_after(timeout) as scope:
            async for chunk in request.stream():
                seen += len(chunk)
                if seen > limit + drain:
                    break
                if seen <= limit:
                    body += chunk
                else:
                    body.clear()   # over the limit: keep reading (to `drain`), keep nothing
        if scope.cancelled_caught:
            raise ProtocolError(408, f"request body not received within {timeout:g} s")
        if seen > limit:
            raise ProtocolError(413, f"request body exceeds the limit of {limit} bytes")
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
        except ProtocolError as e:
            return _error(e.status, e.message)
        hit = await self.sparql_result(qr, request.client.host if request.client else "")
        if isinstance(hit, Response):
            return hit
        mt = hit["media_type"]
        headers = {"Vary": "Accept", "X-SPARQL-Result-Count": str(hit["count"]), "Cache-Control": "public, max-age=300"}
        if hit["truncated"]:
            headers["X-SPARQL-Truncated"] = "true"
            headers["X-SPARQL-Max-Results"] = str(self.s.max_results)
        ctype = mt + ("; charset=utf-8" if mt.startswith("text/") or mt.endswith("json") else "")
        return Response(hit["body"], headers=headers, media_type=ctype)

    async def sparql_result(self, qr, client: str) -> dict | Response:
        """The answer to a parsed query: the (cached) worker result dict when it succeeded, else the error
        Response. Shared by the Starlette route and the raw-ASGI fast path (fastpath.py)."""
        key = qr.cache_key()
        hit = self.sparql_cache.get(key)
        if hit is not None:
            return hit
        # No parsing here: the guard runs in the worker (guard.py), never on the event loop.
        job = Job(qr.query, qr.default_graphs, qr.named_graphs, qr.accept, qr.format, self.s.max_results,
                  self.union_flag, base_iri=self.base + "sparql")
        try:
            out = await self.pool.run(job, client=client)
        except QueryTimeout as e:
            return _error(504, f"{e}: the query was stopped. Simplify it or add a LIMIT.")
        except PoolBusy as e:
            return PlainTextResponse(f"{e}; try again shortly\n", status_code=e.status,
                                     headers={"Retry-After": str(e.retry_after)})
        except MemoryExceeded as e:
            return _error(507, f"{e}. Simplify the query or add a LIMIT.")
        except WorkerDied as e:
            if e.status == 503:
                return PlainTextResponse(f"{e}\n", status_code=503, headers={"Retry-After": "5"})
            return _error(e.status, str(e))
        if out["status"] != 200:
            return _error(out["status"], out["error"])
        self.sparql_cache.put(key, out)
        return out

    async def health(self, request: Request) -> Response:
        """200 when SPARQL works (a real `ASK {}` through the pool, at most once a second), else 503."""
        t, ok, why = self._health
        now = time.monotonic()
        if now - t > 1.0:
            ok, why = self.pool.healthy(), ""
            if not ok:
                why = "query workers are down or restarting"
            else:
                try:
                    out = await self.pool.run(Job("ASK {}", (), (), "application/sparql-results+json", None, 1),
                                              timeout=2.0, client="health")
                    ok = out.get("status") == 200
                    why = "" if ok else out.get("error", "probe failed")
                except Exception as e:  # busy, timeout, died: SPARQL does not answer now
                    ok, why = False, f"{type(e).__name__}: {e}"
            self._health = (now, ok, why)
        body = {"status": "ok" if ok else "unavailable", "sparql": ok, "pool": self.pool.stats()}
        if why:
            body["reason"] = why
        return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})

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
            ox.Triple(dg, N(VOID + "triples"), L(str(self.n_triples), datatype=N("http://www.w3.org/2001/XMLSchema#integer"))),
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
        files, note = self.downloads()
        key = ("landing", tuple(files), i18n.current())
        hit = self.page_cache.get(key)
        if hit is None:
            lang = i18n.current()
            if lang not in self._stats:
                self._stats[lang] = pages.dataset_stats(self.store, self.base, self.labeler)
            body = pages.render_landing(self.store, self.base, stats=self._stats[lang], downloads=files,
                                        downloads_note=note,
                                        void=True, current="", download_index=True)
            hit = (body, link_header(pages.landing_signposts(self.base, files, True)))
            self.page_cache.put(key, hit)
        return HTMLResponse(hit[0], headers={"Link": hit[1], "Vary": "Accept"})

    def query_page(self, request: Request) -> Response:
        queries, errors = load_queries(self.s.queries_dir)  # re-read: another tool may add questions
        views = builtin_views(i18n.current())
        initial = ""
        name = request.query_params.get("q") or request.query_params.get("view")
        for q in queries + views:
            if q.name == name:
                initial = q.text
        return HTMLResponse(pages.render_query_page(queries, views, initial=initial, base_iri=self.base, errors=errors,
                                                    current=current_path(request)), headers={"Vary": "Accept"})

    def downloads(self) -> tuple[list[Download], str | None]:
        """The release's files as build/manifest.json lists them (see downloads.py), and why there are none."""
        return release_files(self.s.build_dir)

    def download_index(self, request: Request) -> Response:
        files, note = self.downloads()
        best = choose(request.headers.get("accept"), ["text/html", "application/json"])
        if best == "application/json":
            data = {"files": [{"name": d.name, "url": self.base + "download/" + d.name, "mediaType": d.media_type,
                               "bytes": d.bytes, "sha256": d.sha256} for d in files]}
            if note:
                data["note"] = note
            return JSONResponse(data, headers={"Vary": "Accept"})
        if best is None:
            return _error(406, "the download index is available as text/html or application/json", request)
        return HTMLResponse(pages.render_downloads(files, note, current=current_path(request)),
                            headers={"Vary": "Accept"})

    def download(self, request: Request) -> Response:
        name = request.path_params["name"]
        # Only names the release manifest lists (plain names, checked sizes): nothing else in the folder.
        found = {d.name: d for d in self.downloads()[0]}.get(name)
        if found is None:
            return _error(404, f"no download named '{name[:200]}' in this release", request)
        headers = {"Repr-Digest": found.digest_header()} if found.sha256 else None
        return FileResponse(found.path, media_type=found.media_type, filename=name, headers=headers)

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
                quads += [ox.Triple(q.subject, q.predicate, q.object)
                          for q in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)]
            body = results.serialize_triples(quads, "turtle").body
            self.page_cache.put(key, body)
        return Response(body, media_type="text/turtle; charset=utf-8")

    def _doc_page(self, kind: str, request: Request) -> Response | None:
        """/ontology or /shapes as the HTML page of kg.web.docs when a browser asks (else None: Turtle)."""
        if "name" in request.path_params or request.url.path.endswith(".ttl"):
            return None
        if not wants_html(request.headers.get("accept")):
            return None
        cur = current_path(request)
        key = (kind, cur, i18n.current())
        body = self.page_cache.get(key)
        if body is None:
            root = links.root_of(cur)
            try:
                onto, ofiles = docs.read_folder(self.s.ontology_dir)
                if kind == "ontology":
                    if not ofiles:
                        return None
                    body = docs.render_ontology(ofiles, graph=onto, root=root, static=root + "static", served=True,
                                                turtle=root + "ontology.ttl")
                else:
                    shapes, sfiles = docs.read_folder(self.s.shapes_dir)
                    if not sfiles:
                        return None
                    body = docs.render_shapes(sfiles, graph=shapes, ontology=onto, root=root, static=root + "static",
                                              served=True, turtle=root + "shapes.ttl")
            except (OSError, SyntaxError, ValueError) as e:  # a broken file: the Turtle still answers
                log.warning("no %s page: %s", kind, e)
                return None
            self.page_cache.put(key, body)
        return HTMLResponse(body, headers={"Vary": "Accept"})

    def ontology(self, request: Request) -> Response:
        page = self._doc_page("ontology", request)
        return page or self._vary(self._turtle_folder(self.s.ontology_dir, "regplan.ttl", request))

    def shapes(self, request: Request) -> Response:
        page = self._doc_page("shapes", request)
        return page or self._vary(self._turtle_folder(self.s.shapes_dir, None, request))

    @staticmethod
    def _vary(r: Response) -> Response:
        """The Turtle of /ontology and /shapes depends on Accept too (a browser gets the page)."""
        if "vary" not in r.headers:
            r.headers["Vary"] = "Accept"
        return r

    def void(self, request: Request) -> Response:
        try:
            fmt = negotiate("graph", request.headers.get("accept"), request.query_params.get("format"))
        except ProtocolError as e:
            return _error(e.status, e.message)
        key = ("void", fmt)
        body = self.page_cache.get(key)
        if body is None:
            g = void_graph(self.store, self.base, sparql_endpoint=self.base + "sparql",
                           dumps=[self.base + "download/" + d.name for d in self.downloads()[0]])
            _add_license(g)
            rdflib_fmt = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "xml"}[fmt]
            out = g.serialize(format=rdflib_fmt)
            body = out.encode() if isinstance(out, str) else out
            self.page_cache.put(key, body)
        return Response(body, media_type=GRAPH_TYPES[fmt], headers={"Vary": "Accept"})

    # ------------------------------------------------------------------ linked data

    def _render(self, iri: str, fmt: str, page: str, self_ref: str) -> bytes:
        if fmt == "html":
            return pages.render_resource(self.store, iri, self.base, labeler=self.labeler, current=page,
                                         self_ref=self_ref, layout=layout.for_dir(str(self.s.shapes_dir))).encode()
        return results.serialize_triples(describe.description(self.store, iri), fmt).body

    async def resource(self, request: Request) -> Response:
        """Async so a cached representation is answered without a thread hop (the fast path):
        (raw path, Accept) → (status, body, headers) is cached, the store never changes."""
        raw = request.scope.get("raw_path") or request.url.path.encode()
        accept = request.headers.get("accept", "*/*")
        key = (raw, accept, i18n.current())  # the HTML page is in the request's language
        hit = self.ld_cache.get(key)
        if hit is None:
            hit = await self._resolve(request, raw, accept)
            self.ld_cache.put(key, hit)
        status, body, headers = hit
        if status != 200:
            return _error(status, body, request)
        inm = request.headers.get("if-none-match")
        if inm and (inm.strip() == "*" or headers["ETag"] in [t.strip().removeprefix("W/") for t in inm.split(",")]):
            return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Type"})
        return Response(body, headers=headers)

    async def _resolve(self, request: Request, raw: bytes, accept: str) -> tuple[int, object, dict]:
        page = path = raw.decode("latin-1").lstrip("/")
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
                shown = iri if describe.valid_iri(iri) else self.base + header_uri(path)
                return 404, f"{shown[:300]} is not in this dataset", {}
        # Every reference is relative to the requested path: right on 127.0.0.1 and under any public base.
        href = links.relative_ref(page, path)
        if suffix:
            fmt = suffix
        else:
            offers = ["text/turtle", "text/html", "application/xhtml+xml", *list(GRAPH_TYPES.values())[1:],
                      "application/json", "text/plain", "application/xml"]
            best = choose(accept, offers)
            if best is None:
                offered = ", ".join(["text/html", *GRAPH_TYPES.values()])
                return 406, f"none of the accepted types is available; offered: {offered}", {}
            fmt = "html" if best in ("text/html", "application/xhtml+xml") else negotiate("graph", best, None)
        lang = i18n.current() if fmt == "html" else ""
        etag = '"' + hashlib.sha256(f"{self.s.release}|{iri}|{fmt}|{lang}".encode()).hexdigest()[:20] + '"'
        alternates = [(f"{href}.{sfx}", "alternate", mt) for _n, mt, sfx in pages.ALTERNATES]
        alternates.append((f"{href}.html", "alternate", "text/html"))
        # FAIR Signposting: cite-as, describedby, type, license
        signposts = pages.resource_signposts(self.store, iri, href)
        if fmt == "html":
            signposts.append((links.SCHEMA_ABOUT_PAGE, "type", None))
        headers = {"Vary": "Accept", "ETag": etag, "Link": link_header(alternates + signposts),
                   "Cache-Control": "public, max-age=300"}
        body = await anyio.to_thread.run_sync(self._render, iri, fmt, page, href)
        if fmt == "html":
            headers["Content-Type"] = "text/html; charset=utf-8"
        else:
            mt = GRAPH_TYPES[fmt]
            headers["Content-Type"] = mt + ("; charset=utf-8" if mt.startswith("text/") else "")
            headers["Content-Location"] = header_uri(f"{href}.{ {v: k for k, v in SUFFIXES.items()}[fmt] }")
        return 200, body, headers


def create_app(store: ox.Store, settings: Settings | None = None, *, pool: QueryPool | None = None,
               dataset_path: Path | None = None, fast_path: bool = True) -> Starlette:
    """The ASGI app. Forks the query workers now (call before starting threads)."""
    settings = settings or Settings()
    if not settings.release:
        settings.release = release_id(dataset_path)
    # explore (issue 11): the search index is built or reused before the query workers are forked
    from .explore import Explore
    from .explore import prepare as prepare_explore

    explore = Explore(None, prepare_explore(store, settings))
    check_routes = []
    if settings.check_enabled:
        from .. import checking
        from .check import CheckRoutes

        checking.preload()   # before the query workers are forked: a check's memory is its own work
    kg = KGApp(store, settings, pool)
    explore.kg = kg
    if settings.check_enabled:
        check_routes = CheckRoutes(kg).routes()
    pages.environment().globals["check_page"] = settings.check_enabled   # the site navigation's link to /check
    routes = [
        Route("/", kg.landing, methods=["GET", "HEAD"]),
        Route("/sparql", kg.sparql, methods=["GET", "POST", "OPTIONS"]),
        Route("/health", kg.health, methods=["GET", "HEAD"]),
        Route("/query", kg.query_page, methods=["GET", "HEAD"]),
        Route("/download/", kg.download_index, methods=["GET", "HEAD"]),
        Route("/download", kg.download_index, methods=["GET", "HEAD"]),
        Route("/download/{name}", kg.download, methods=["GET", "HEAD"]),
        Route("/ontology", kg.ontology, methods=["GET", "HEAD"]),
        Route("/ontology.ttl", kg.ontology, methods=["GET", "HEAD"]),
        Route("/ontology/{name}", kg.ontology, methods=["GET", "HEAD"]),
        Route("/shapes", kg.shapes, methods=["GET", "HEAD"]),
        Route("/shapes.ttl", kg.shapes, methods=["GET", "HEAD"]),
        Route("/shapes/{name}", kg.shapes, methods=["GET", "HEAD"]),
        Route("/.well-known/void", kg.void, methods=["GET", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
        *explore.routes(),  # explore (issue 11): /search, /source/{id}/text, …
        *check_routes,      # the check page (issue 13): /check
        Route("/{path:path}", kg.resource, methods=["GET", "HEAD"]),
    ]
    cors = dict(
        allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["*"],
        expose_headers=["X-SPARQL-Truncated", "X-SPARQL-Max-Results", "X-SPARQL-Result-Count", "Link", "ETag"],
        max_age=86400,
    )
    app = Starlette(routes=routes, middleware=[Middleware(CORSMiddleware, **cors)])
    app.state.kg = kg
    # Outermost: security headers on every response (errors included); HEAD /sparql is GET without a body.
    outer = SecurityHeaders(Language(HeadAsGet(app, frozenset({"/sparql"}))))
    if fast_path:  # GET/HEAD /sparql?query=… without Starlette's per-request work, same headers (fastpath.py)
        outer = SparqlFastPath(kg, outer, CORSMiddleware(None, **cors).simple_headers)
    outer.state = app.state  # type: ignore[attr-defined]  # callers reach the KGApp as app.state.kg
    return outer
