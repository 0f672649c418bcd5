"""Routes for exploring the data as a person: full-text search and the source documents with line anchors.

`prepare(store, settings)` must run before the query workers are forked (create_app calls it before
KGApp): it builds or reuses the search index for this release and points the SPARQL search
functions at it. `Explore(kg).routes()` are added before the catch-all resource route.
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import anyio
import yaml
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .. import sources as source_registry
from ..search import index as search_index
from ..search import sparql as search_sparql
from ..search.documents import FACETS, KIND_LABELS
from ..web import browse, i18n, links, pages, places
from .protocol import choose

log = logging.getLogger(__name__)
INDEX_NAME = "search.sqlite"


def prepare(store, settings) -> Path | None:
    """Build (or reuse) the search index of this release; configure the SPARQL functions. Never at request time."""
    candidates = [Path(settings.build_dir) / INDEX_NAME,
                  Path(tempfile.gettempdir()) / f"kg-search-{settings.release}.sqlite"]
    for path in candidates:
        try:
            search_index.ensure(store, path, settings.release)
        except OSError as e:  # e.g. a read-only build folder: try the next place
            log.warning("cannot write the search index at %s: %s", path, e)
            continue
        search_sparql.configure(path)
        return path
    search_sparql.configure(None)
    return None


_TITLES = {400: "Ugyldig forespørsel", 404: "Fant ikke", 503: "Ikke tilgjengelig"}


def _current(request: Request) -> str:
    """The requested path below the server root (links on the page are relative to it), as app.current_path."""
    raw = request.scope.get("raw_path") or request.url.path.encode()
    return raw.decode("latin-1").lstrip("/")


def _places(current: str) -> dict:
    root = links.root_of(current)
    return {"root": root, "static": root + "static", "served": True}


def _error(status: int, message: str, request: Request) -> Response:
    if (request.headers.get("accept") or "").find("text/html") >= 0:
        return HTMLResponse(pages.render_error(status, i18n.t(_TITLES.get(status, "Feil")), message,
                                               current=_current(request)),
                            status_code=status)
    return PlainTextResponse(message + "\n", status_code=status)


class Explore:
    def __init__(self, kg, index_path: Path | None):
        self.kg = kg
        self.index = search_index.SearchIndex(index_path) if index_path else None
        self._browser: dict[str, browse.Browser] = {}  # per page language (labels)
        self._places_table: dict = {}
        self._sources: dict = {}

    def routes(self) -> list[Route]:
        return [
            Route("/search", self.search, methods=["GET", "HEAD"]),
            Route("/source/{sid}/text", self.source_text, methods=["GET", "HEAD"]),
            Route("/measures", self.measures, methods=["GET", "HEAD"]),
            Route("/places", self.places, methods=["GET", "HEAD"]),
            Route("/query/download", self.query_download, methods=["GET", "HEAD"]),
        ]

    # ------------------------------------------------------------------ search

    async def search(self, request: Request) -> Response:
        if self.index is None:
            return _error(503, "the search index could not be built (see the server log)", request)
        params = request.query_params
        q = params.get("q", "")
        filters = {f: params.getlist(f) for f in FACETS if params.getlist(f)}
        try:
            limit = int(params.get("limit", "20"))
            offset = int(params.get("offset", "0"))
        except ValueError:
            return _error(400, "limit and offset must be whole numbers", request)
        fmt = params.get("format")
        if fmt not in (None, "", "html", "json"):
            return _error(400, f"unknown format '{fmt}'; use html or json", request)
        if not fmt:
            best = choose(request.headers.get("accept", "*/*"), ["text/html", "application/json"])
            fmt = "json" if best == "application/json" else "html"
        try:
            res = await anyio.to_thread.run_sync(lambda: self.index.search(q, filters, limit, offset))
        except search_index.SearchError as e:
            return _error(400, str(e), request)
        self._localise(res)
        headers = {"Vary": "Accept", "Cache-Control": "public, max-age=300"}
        current = _current(request)
        href = links.href_for(self.kg.base, current)
        if fmt == "json":
            data = res.as_json()
            for h in data["hits"]:
                h["href"] = href(h["iri"])  # relative to this request's URL
            return JSONResponse(data, headers=headers)
        return HTMLResponse(render_search(res, href, current), headers=headers)

    def _localise(self, res: search_index.Result) -> None:
        """Facet labels and snippet prefixes in the page's language. The index holds one label per value
        (written when it was built); a value that is a resource (focus area, level, actor) takes its label
        in the page language from the store, the others (kinds, changes) from the text catalogue."""
        for vals in res.facets.values():
            for v in vals:
                found = self.kg.labeler.find(v.value) if v.value.startswith(("http://", "https://")) else None
                v.label = found or i18n.t(v.label)
        prefixes = {prefix for _, prefix in search_index.SNIPPET_FIELDS if prefix}
        for h in res.hits:  # "Aktører: …" when the snippet comes from the actors, not the description
            if h.snippet and h.snippet[0][0] in prefixes:
                h.snippet[0] = (i18n.t(h.snippet[0][0]), False)

    # ------------------------------------------------------------------ query page downloads

    async def query_download(self, request: Request) -> Response:
        """The SPARQL endpoint's answer (same limits, same cache) with a file name: `name` (a question's
        name) and the format's extension, e.g. measures-by-focus-area.csv."""
        fmt = request.query_params.get("format") or "csv"
        exts = {"csv": "csv", "tsv": "tsv", "json": "json", "xml": "xml",  # SELECT/ASK; CONSTRUCT/DESCRIBE:
                "turtle": "ttl", "ntriples": "nt", "jsonld": "jsonld", "rdfxml": "rdf"}
        ext = exts.get(fmt)
        if ext is None:
            return _error(400, f"unknown format '{fmt}'; use one of {', '.join(exts)}", request)
        if not request.query_params.get("query"):
            return _error(400, "missing 'query' parameter", request)
        asked = request.query_params.get("name") or "resultat"
        name = re.sub(r"[^A-Za-z0-9_-]+", "-", asked).strip("-")[:80] or "resultat"
        resp = await self.kg.sparql(request)
        if resp.status_code == 200:
            resp.headers["Content-Disposition"] = f'attachment; filename="{name}.{ext}"'
        return resp

    # ------------------------------------------------------------------ measure browser

    async def measures(self, request: Request) -> Response:
        return await anyio.to_thread.run_sync(self._measures, request)

    def _measures(self, request: Request) -> Response:
        b = self._browse()
        params = request.query_params
        programmes = b.programmes()
        key = params.get("programme")
        env = pages.environment()
        current = _current(request)
        href, places, here = links.href_for(self.kg.base, current), _places(current), "./" + current.rsplit("/", 1)[-1]
        if not key:
            return HTMLResponse(env.get_template("measures.html").render(
                title=i18n.t("Satsinger"), programmes=programmes, prog=None, href=href, **places))
        prog = next((p for p in programmes if p["key"] == key), None)
        if prog is None:
            return _error(404, f"no action programme '{key}' in this dataset", request)
        try:
            rows, state = b.select(prog["iri"], params)
        except browse.BrowseError as e:
            return _error(400, str(e), request)
        fmt = params.get("format") or "html"
        if fmt == "csv":
            slug = key.replace("plan/", "").replace("/programme/", "-").replace("/", "-")
            name = f"satsinger-{slug}{'-filtrert' if any(state['chosen'].values()) else ''}.csv"
            return Response(browse.to_csv(rows, prog["year"]), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{name}"'})
        if fmt != "html":
            return _error(400, f"unknown format '{fmt}'; use html or csv", request)
        keep = [("programme", key)] + [(f, v) for f, vals in state["chosen"].items() for v in vals]

        def sort_url(col: str) -> str:
            d = "desc" if state["sort"] == col and state["dir"] == "asc" else "asc"
            return _url(here, keep + [("sort", col), ("dir", d)])

        order = [("sort", state["sort"]), ("dir", state["dir"])] if state["sort"] != "doc" else []
        return HTMLResponse(env.get_template("measures.html").render(
            title=f"{i18n.t('Satsinger')} – {prog['label']}", programmes=programmes, prog=prog, rows=rows, state=state,
            grouped=browse.groups(rows) if state["sort"] == "doc" else None,
            sorts={k: i18n.t(v) for k, v in browse.SORTS.items()}, sort_url=sort_url,
            csv_url=_url(here, keep + order + [("format", "csv")]), clear_url=_url(here, [("programme", key)]),
            total=len(b.rows(prog["iri"])), href=href, **places))

    # ------------------------------------------------------------------ municipality/region view

    def _browse(self) -> browse.Browser:
        lang = i18n.current()
        if lang not in self._browser:
            self._browser[lang] = browse.Browser(self.kg.store, self.kg.base, self.kg.labeler)
        return self._browser[lang]

    async def places(self, request: Request) -> Response:
        return await anyio.to_thread.run_sync(self._places, request)

    def _places(self, request: Request) -> Response:
        fmt = request.query_params.get("format") or "html"
        if fmt not in ("html", "csv"):
            return _error(400, f"unknown format '{fmt}'; use html or csv", request)
        lang = i18n.current()
        if lang not in self._places_table:  # the store is immutable: one table per server and language
            self._places_table[lang] = places.table(self._browse())
        regions, programmes = self._places_table[lang]
        if fmt == "csv":
            return Response(places.to_csv(regions, programmes), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="kommuner.csv"'})
        current = _current(request)
        return HTMLResponse(pages.environment().get_template("places.html").render(
            title=i18n.t("Kommuner og regioner"), regions=regions, programmes=programmes,
            municipalities=sum(len(r.places) for r in regions), csv_url="./places?format=csv",
            href=links.href_for(self.kg.base, current), **_places(current)),
            headers={"Vary": "Accept", "Cache-Control": "public, max-age=300"})

    # ------------------------------------------------------------------ source documents

    async def source_text(self, request: Request) -> Response:
        sid = request.path_params["sid"]
        try:
            reg = source_registry.registry()
        except (OSError, yaml.YAMLError, TypeError) as e:  # missing or malformed sources.yaml
            return _error(404, f"no source registry: {e}", request)
        if request.query_params.get("format") not in (None, "", "text", "html"):
            return _error(400, "format must be text or html", request)
        src = reg.get(sid)
        if src is None:
            return _error(404, f"no source document '{sid}'; known: {', '.join(sorted(reg))}", request)
        try:
            key = (src.id, src.path.stat().st_mtime_ns, i18n.current())
            hit = self._sources.get(key)
            if hit is None:
                hit = await anyio.to_thread.run_sync(self._render_source, src)
                self._sources = {key: hit}  # one document at a time: the pages are large, rendering is cheap
        except (OSError, UnicodeDecodeError) as e:
            return _error(404, f"source document '{sid}' cannot be read: {e}", request)
        text, body = hit
        if params_plain(request):
            return PlainTextResponse(text, headers={"Vary": "Accept"})
        return HTMLResponse(body, headers={"Vary": "Accept", "Cache-Control": "public, max-age=300"})

    def _render_source(self, src) -> tuple[str, str]:
        lines = src.lines()
        current = f"source/{src.id}/text"  # the only path this page is served at (the route)
        href = links.href_for(self.kg.base, current)
        body = pages.environment().get_template("source.html").render(
            title=src.title, src=src, lines=lines, resource=href(self.kg.base + "source/" + src.id),
            href=href, **_places(current))
        return "\n".join(lines) + "\n", body


def params_plain(request: Request) -> bool:
    fmt = request.query_params.get("format")
    if fmt in ("text", "html"):
        return fmt == "text"
    best = choose(request.headers.get("accept", "*/*"), ["text/html", "text/plain"])
    return best == "text/plain"


# ---------------------------------------------------------------------------- rendering


def _url(path: str, params: list[tuple[str, str]]) -> str:
    return path + ("?" + urlencode(params) if params else "")


def render_search(res: search_index.Result, href, current: str = "search") -> str:
    """The search page: form, hits with highlighted snippets, facets as links that add or remove a filter.
    `current`: the page's path below the server root (every link is relative to it)."""
    here = "./" + current.rsplit("/", 1)[-1]
    base = [("q", res.query)] if res.query else []
    chosen = [(f, v) for f, vals in res.filters.items() for v in vals]
    facets = []
    for f, vals in res.facets.items():
        if not vals:
            continue
        items = []
        for v in vals:
            if v.selected:
                params = base + [(ff, vv) for ff, vv in chosen if (ff, vv) != (f, v.value)]
            else:
                params = base + chosen + [(f, v.value)]
            items.append({"label": v.label, "count": v.count, "selected": v.selected,
                          "url": _url(here, params)})
        facets.append({"name": f, "title": i18n.t(FACETS[f]), "entries": items})
    page = base + chosen
    before = res.offset - res.limit
    prev_url = _url(here, page + ([("offset", str(before))] if before > 0 else [])) if res.offset > 0 else None
    after = res.offset + res.limit
    next_url = _url(here, page + [("offset", str(after))]) if after < res.total else None
    return pages.environment().get_template("search.html").render(
        title=f"{i18n.t('Søk')}: {res.query}" if res.query else i18n.t("Søk"), res=res, facets=facets,
        kinds={k: i18n.t(v) for k, v in KIND_LABELS.items()}, href=href,
        json_url=_url(here, page + [("format", "json")]), prev_url=prev_url, next_url=next_url,
        clear_url=_url(here, base), **_places(current))
