"""HTML rendering (Jinja2, autoescaped) of resource pages, the landing page and the query page.

Reusable outside the server (e.g. a static site): every function takes the store and an `href`
callable mapping an IRI to a link target, and returns a complete HTML document as `str`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import jinja2
import pyoxigraph as ox

from . import describe
from .queries import ReadyQuery

TEMPLATES = Path(__file__).parent / "templates"

#: Machine formats offered for every resource: (name, media type, URL suffix).
ALTERNATES = [
    ("Turtle", "text/turtle", "ttl"),
    ("JSON-LD", "application/ld+json", "jsonld"),
    ("N-Triples", "application/n-triples", "nt"),
    ("RDF/XML", "application/rdf+xml", "rdf"),
]


def _nok(value) -> str:
    try:
        n = float(value)
    except (TypeError, ValueError):
        return str(value)
    s = f"{n:,.0f}" if n == int(n) else f"{n:,.2f}"
    return s.replace(",", "\u00a0")


_env: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    global _env
    if _env is None:
        _env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,  # every template is HTML: escape all values (also .html-less includes)
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _env.filters["nok"] = _nok
    return _env


def server_href(base_iri: str, root: str = "/") -> Callable[[str], str]:
    """IRIs the dataset mints link to this server's path for them; other IRIs link to themselves."""

    def href(iri: str) -> str:
        if iri.startswith(base_iri):
            return root + iri[len(base_iri):]
        return iri

    return href


def _common(href, root: str, static: str) -> dict:
    return {"href": href, "root": root, "static": static}


def render_resource(store: ox.Store, iri: str, base_iri: str, *, href: Callable[[str], str] | None = None,
                    labeler: describe.Labeler | None = None, root: str = "/", static: str = "/static") -> str:
    """The HTML page of one resource (measure, actor, programme, place, concept, anything)."""
    href = href or server_href(base_iri, root)
    r = describe.resource(store, iri, base_iri, labeler)
    return environment().get_template("resource.html").render(
        r=r, x=r.extra, title=r.label, alternates=ALTERNATES, self_href=href(iri), **_common(href, root, static))


def dataset_stats(store: ox.Store, base_iri: str, labeler: describe.Labeler | None = None) -> dict:
    """Counts for the landing page (from the data itself)."""
    lab = labeler or describe.Labeler(store)
    per_year = [
        (r["year"].value, int(r["n"].value))
        for r in describe.query(
            store,
            """PREFIX rp: <https://w3id.org/regplan/ontology#>
            SELECT ?year (COUNT(DISTINCT ?m) AS ?n) WHERE {
              ?m a rp:Measure ; rp:inProgramme ?p .
              OPTIONAL { ?p rp:programmeYear ?y }
              BIND(COALESCE(STR(?y), REPLACE(STR(?p), "^.*/programme/([0-9]+).*$", "$1")) AS ?year)
            } GROUP BY ?year ORDER BY ?year""",
        )
    ]
    actors = next(iter(describe.query(
        store,
        f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a ?p ?o FILTER(STRSTARTS(STR(?a), "{base_iri}actor/")
            || STRSTARTS(STR(?a), "{base_iri}actor-group/")) }}""")))["n"].value
    programmes = [
        {"iri": r["p"].value, "label": lab.label(r["p"])}
        for r in describe.query(store, "PREFIX rp: <https://w3id.org/regplan/ontology#> SELECT DISTINCT ?p WHERE { ?p a rp:ActionProgramme } ORDER BY ?p")
    ]
    return {
        "triples": describe.triple_count(store),
        "measures_per_year": per_year,
        "actors": int(actors),
        "graphs": sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)),
        "programmes": programmes,
    }


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def render_landing(store: ox.Store, base_iri: str, *, stats: dict | None = None, downloads: list[Path] = (),
                   href: Callable[[str], str] | None = None, root: str = "/", static: str = "/static",
                   void: bool = False) -> str:
    href = href or server_href(base_iri, root)
    stats = stats or dataset_stats(store, base_iri)
    files = [{"name": p.name, "size": _size(p.stat().st_size)} for p in downloads]
    return environment().get_template("landing.html").render(
        title="Oversikt", stats=stats, downloads=files, void=void, **_common(href, root, static))


def render_query_page(queries: list[ReadyQuery], views: list[ReadyQuery], *, initial: str = "", root: str = "/",
                      static: str = "/static", endpoint: str | None = None, base_iri: str = "",
                      errors: list[str] = ()) -> str:
    """The query page; `base_iri` lets the page link result IRIs to local resource pages."""
    data = {"queries": [q.as_json() for q in queries], "views": [v.as_json() for v in views],
            "endpoint": endpoint or root + "sparql", "base": base_iri}
    return environment().get_template("query.html").render(
        title="Spørringer", queries=queries, views=views, initial=initial, qdata=data, errors=errors,
        **_common(lambda i: i, root, static))


def render_error(status: int, title: str, message: str, *, root: str = "/", static: str = "/static") -> str:
    return environment().get_template("error.html").render(
        status=status, title=title, message=message, **_common(lambda i: i, root, static))
