"""HTML rendering (Jinja2, autoescaped) of resource pages, the landing page and the query page.

Reusable outside the server (e.g. a static site): every function takes the store and an `href`
callable mapping an IRI to a link target, and returns a complete HTML document as `str`. Only
http(s)/mailto IRIs become links (`href` returning None means "show as text"). The server passes
`current` (the page's path below the base IRI) so every link is relative and survives any public base.
Resource and landing pages carry FAIR Signposting `<link>`s and their data as embedded JSON-LD.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import jinja2
import pyoxigraph as ox

from .. import config
from . import describe, followup, i18n, links
from . import layout as page_layout
from .queries import ReadyQuery
from .texts import licence_iri, site_texts

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

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


def _count(value) -> str:
    """A whole number with thousand separators in Norwegian style (narrow no-break space): 26 799."""
    try:
        return f"{int(value):,}".replace(",", "\u202f")
    except (TypeError, ValueError):
        return str(value)


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
        _env.filters["count"] = _count
        # one language per page: the request's (kg.web.i18n), Bokmål outside a request
        _env.globals.update(_=i18n.t, lang=i18n.current, lang_url=i18n.switch_url, site_texts=site_texts,
                            count=count)
    return _env


def server_href(base_iri: str, root: str = "/") -> Callable[[str], str | None]:
    """IRIs the dataset mints link to `root` + their path; other http(s)/mailto IRIs link to themselves."""

    def href(iri: str) -> str | None:
        if not links.linkable(iri):
            return None
        if iri.startswith(base_iri):
            return root + iri[len(base_iri):]
        return iri

    return href


def _safe(href: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """A caller's href, but never a link for a non-http(s)/mailto IRI (javascript:, data:, …)."""
    return lambda iri: href(iri) if links.linkable(iri) else None


def _common(href, root: str, static: str, served: bool = False) -> dict:
    """`served`: the page comes from `kg serve` (which has /search, /measures, /source/…/text);
    a static site (kg publish) has not, so its pages leave those links out."""
    return {"href": href, "root": root, "static": static, "served": served}


def _places(base_iri: str, current: str | None, href, root: str, static: str):
    """(href, root, static) for a page at `current` (relative links), or the caller's choice."""
    if current is not None:
        root = links.root_of(current)
        return links.href_for(base_iri, current), root, root + "static"
    return _safe(href or server_href(base_iri, root)), root, static


def json_ld(data) -> object:
    """JSON-LD for a <script type="application/ld+json"> block (the template's `tojson` escapes <, >, &
    and ' so that no string in the data can close the element)."""
    if isinstance(data, (bytes, str)):
        return json.loads(data)
    return data


def resource_signposts(store: ox.Store, iri: str, self_href: str | None) -> list[tuple[str, str, str | None]]:
    """FAIR Signposting (level 1) for a resource: cite-as (its IRI), describedby (each RDF form),
    type (its rdf:types, http(s) only), license. `self_href` is the relative reference to the resource."""
    out: list[tuple[str, str, str | None]] = [(iri, "cite-as", None)]
    if self_href:
        out += [(f"{self_href}.{sfx}", "describedby", mt) for _n, mt, sfx in ALTERNATES]
    for q in store.quads_for_pattern(ox.NamedNode(iri), describe.RDF_TYPE, None, None):
        t = q.object
        if isinstance(t, ox.NamedNode) and links.linkable(t.value) and (t.value, "type", None) not in out:
            out.append((t.value, "type", None))
    out.append((licence_iri(), "license", None))
    return out


def render_resource(store: ox.Store, iri: str, base_iri: str, *, href: Callable[[str], str | None] | None = None,
                    labeler: describe.Labeler | None = None, root: str = "/", static: str = "/static",
                    current: str | None = None, self_ref: str | None = None,
                    layout: page_layout.Layout | None = None) -> str:
    """The HTML page of one resource (measure, actor, programme, place, concept, anything).
    `self_ref`: how this page refers to its own resource (the server passes './K1'; suffixes are appended).
    `layout`: groups and orders "Alle egenskaper" (default: the profile in shapes/)."""
    href, root, static = _places(base_iri, current, href, root, static)
    r = describe.resource(store, iri, base_iri, labeler)
    local = iri[len(base_iri):] if iri.startswith(base_iri) else None
    self_href = self_ref or href(iri)
    signposts = resource_signposts(store, iri, self_href) + [(links.SCHEMA_ABOUT_PAGE, "type", None)]
    data = json_ld(ox.serialize(describe.description(store, iri), format=ox.RdfFormat.JSON_LD))
    lay = layout or page_layout.for_dir(str(config.SHAPES))
    groups = lay.group([t.iri for t in r.types if t.iri], r.properties)
    fu = followup_data(store, r, labeler or describe.Labeler(store))
    return environment().get_template("resource.html").render(
        r=r, x=r.extra, fu=fu, groups=groups, kind_names=describe.KIND_NAMES, title=r.label, alternates=ALTERNATES,
        self_href=self_href, signposts=signposts,
        jsonld=data, local=local, **_common(href, root, static, current is not None))


def followup_data(store: ox.Store, r: describe.Resource, lab: describe.Labeler) -> dict:
    """Follow-up sections of a page (kg/web/followup.py): a measure's timeline and indicator charts, a
    programme's overview, a plan's schedule. Empty for every other resource."""
    node = ox.NamedNode(r.iri)
    types = {t.iri for t in r.types}
    out: dict = {}
    if r.kind == "measure":
        out["timeline"] = followup.measure_timeline(store, lab, node)
        out["indicators"] = followup.indicator_series(store, lab, [node])
    elif r.kind == "programme":
        out["overview"] = followup.programme_overview(store, lab, node)
    if describe.RP + "RegionalPlan" in types:
        out["schedule"] = followup.plan_schedule(store, lab, node)
        out["plan_indicators"] = followup.plan_indicators(store, lab, node)
        out["indicators"] = followup.indicator_series(store, lab, [node])
    return out


def count(n: int, one: str, many: str) -> str:
    """ "1 satsing", "2 satsinger" (nb words, translated into the page language)."""
    return f"{n} {i18n.t(one if n == 1 else many)}"


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
        for r in describe.query(store, "PREFIX rp: <https://w3id.org/regplan/ontology#> "
                                       "SELECT DISTINCT ?p WHERE { ?p a rp:ActionProgramme } ORDER BY ?p")
    ]
    return {
        "triples": describe.triple_count(store),
        # the same triple may be stated in several graphs (e.g. an actor in both programmes' graphs)
        "quads": sum(1 for q in store.quads_for_pattern(None, None, None, None)
                     if isinstance(q.graph_name, ox.NamedNode)),
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


def landing_signposts(base_iri: str, downloads: list = (), void: bool = False) -> list[tuple[str, str, str | None]]:
    """FAIR Signposting for the dataset's landing page (references relative to the landing page)."""
    out: list[tuple[str, str, str | None]] = [(base_iri, "cite-as", None)]
    if void:
        out.append(("./.well-known/void", "describedby", "text/turtle"))
    out += [(f"./download/{d.name}", "item", d.media_type) for d in downloads]
    out += [(links.SCHEMA_DATASET, "type", None), (links.SCHEMA_ABOUT_PAGE, "type", None),
            (licence_iri(), "license", None)]
    return out


def landing_json_ld(base_iri: str, stats: dict, downloads: list = (), dumps_base: str | None = None) -> dict:
    """schema.org Dataset description of the landing page (facts from the data and the release manifest)."""
    dumps_base = dumps_base or base_iri + "download/"
    ds = config.dataset()   # who publishes what: the dataset's kg.toml
    return {
        "@context": {"@vocab": "https://schema.org/"},  # inline: a reader needs no remote context
        "@type": "Dataset",
        "@id": base_iri,
        "url": base_iri,
        "name": ds.title["nb"],
        "description": ds.description["nb"],
        "inLanguage": list(ds.languages),
        "publisher": {"@type": "Organization", "name": ds.publisher.name, "identifier": ds.publisher.org_number},
        "spatialCoverage": {"@type": "Place", "@id": ds.spatial.iri, "name": ds.spatial.label},
        "license": licence_iri(),
        "isAccessibleForFree": True,
        "distribution": [{"@type": "DataDownload", "contentUrl": dumps_base + d.name, "encodingFormat": d.media_type,
                          "contentSize": str(d.bytes)} for d in downloads],
        "hasPart": [{"@id": p["iri"], "name": p["label"]} for p in stats.get("programmes", [])],
    }


def render_landing(store: ox.Store, base_iri: str, *, stats: dict | None = None, downloads: list = (),
                   href: Callable[[str], str | None] | None = None, root: str = "/", static: str = "/static",
                   void: bool = False, current: str | None = None, downloads_note: str | None = None,
                   download_index: bool = False) -> str:
    """`downloads`: Download records (kg.serve.downloads) (name, bytes, media_type); `download_index`:
    link the server's /download/ index (a static site has none)."""
    href, root, static = _places(base_iri, current, href, root, static)
    stats = stats or dataset_stats(store, base_iri)
    files = [{"name": d.name, "size": _size(d.bytes), "media_type": d.media_type} for d in downloads]
    return environment().get_template("landing.html").render(
        title=i18n.t("Oversikt"), stats=stats, downloads=files, downloads_note=downloads_note, void=void,
        download_index=download_index,
        signposts=landing_signposts(base_iri, downloads, void), jsonld=landing_json_ld(base_iri, stats, downloads),
        **_common(href, root, static, current is not None))


def render_downloads(downloads: list, note: str | None, *, current: str = "download/") -> str:
    """The /download/ index: the release's files with size, media type and sha256."""
    root = links.root_of(current)
    files = [{"name": d.name, "href": links.relative_ref(current, "download/" + d.name), "size": _size(d.bytes),
              "bytes": d.bytes, "media_type": d.media_type, "sha256": d.sha256} for d in downloads]
    return environment().get_template("downloads.html").render(
        title=i18n.t("Nedlasting"), downloads=files, note=note, **_common(lambda i: i, root, root + "static", True))


#: the texts static/query.js shows (catalogue keys of kg.web.i18n), handed to it in the page language
QUERY_JS_TEXTS = (
    " må være et heltall", " må være et årstall", " er ikke en gyldig IRI",
    "Stolpediagram trenger en tekstkolonne og en tallkolonne.",
    "Beløp per år, for ett år og for en periode summeres aldri sammen: hver stolpe har ett grunnlag — ",
    "Hver stolpe har ett grunnlag (slik spørringen grupperer) — ", "Beløp i NOK slik tekstene oppgir dem. ",
    "Nettverk trenger to kolonner med IRI-er (kilde og mål).", "Minst felles satsinger ", "Fokus på aktør ", "alle",
    "aktører", "par", " med minst ", " felles satsinger", " rundt ",
    ". Navn vises for de mest sentrale aktørene (pek på en node for navnet).", "Ingen par over terskelen.",
    "ja (true)", "nei (false)", "kjører …", " (avkortet)", " rader",
)


def render_query_page(queries: list[ReadyQuery], views: list[ReadyQuery], *, initial: str = "", root: str = "/",
                      static: str = "/static", endpoint: str | None = None, base_iri: str = "",
                      errors: list[str] = (), current: str | None = None) -> str:
    """The query page; `base_iri` lets the page link result IRIs to local resource pages."""
    if current is not None:
        root = links.root_of(current)
        static = root + "static"
    data = {"queries": [q.as_json() for q in queries], "views": [v.as_json() for v in views],
            "endpoint": endpoint or root + "sparql", "base": base_iri, "root": root,
            "messages": {k: i18n.t(k) for k in QUERY_JS_TEXTS}}
    return environment().get_template("query.html").render(
        title=i18n.t("Spørringer"), queries=queries, views=views, initial=initial, qdata=data, errors=errors,
        **_common(lambda i: i, root, static, current is not None))


#: what an error status means for a reader, in the page language (the server's own message stays technical)
ERROR_EXPLANATIONS = {
    400: "Forespørselen kunne ikke leses.", 403: "Denne forespørselen er ikke tillatt på dette endepunktet.",
    404: "Adressen finnes ikke i dette datasettet.", 406: "Ingen av formatene som ble bedt om, er tilgjengelige.",
    408: "Forespørselen kom ikke fram i tide.", 413: "Forespørselen er for stor.",
    503: "Tjenesten er opptatt; prøv igjen om litt.", 504: "Spørringen tok for lang tid og ble stoppet.",
}


def render_error(status: int, title: str, message: str, *, root: str = "/", static: str = "/static",
                 current: str | None = None) -> str:
    """An error page: title and explanation in the page language, the server's message (English,
    as HTTP clients get it in plain text) below it, marked as English."""
    if current is not None:
        root = links.root_of(current)
        static = root + "static"
    explanation = i18n.t(ERROR_EXPLANATIONS[status]) if status in ERROR_EXPLANATIONS else ""
    return environment().get_template("error.html").render(
        status=status, title=title, explanation=explanation, message=message,
        **_common(lambda i: i, root, static, current is not None))
