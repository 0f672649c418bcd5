"""Static site of a release: the server's resource pages (rendered by kg.web.pages) as plain files.

Each resource minted under the base IRI `B` + `path` becomes `site/path.html` (plus `.ttl`, `.jsonld`,
`.nt`, `.rdf` with its description), linked with relative links so the folder works from any
location; web-server rules for content negotiation are written beside it (`.htaccess`, `nginx.conf`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from ..web import describe, docs, pages

FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES,
           "rdf": ox.RdfFormat.RDF_XML}

HTACCESS = """# Apache (mod_rewrite): serve /path as path.ttl / path.jsonld / path.nt / path.rdf / path.html by Accept.
Options -MultiViews
RewriteEngine On
AddType text/turtle .ttl
AddType application/ld+json .jsonld
AddType application/n-triples .nt
AddType application/rdf+xml .rdf
RewriteCond %{HTTP_ACCEPT} text/turtle
RewriteCond %{REQUEST_FILENAME}.ttl -f
RewriteRule ^(.+)$ $1.ttl [L]
RewriteCond %{HTTP_ACCEPT} application/ld\\+json
RewriteCond %{REQUEST_FILENAME}.jsonld -f
RewriteRule ^(.+)$ $1.jsonld [L]
RewriteCond %{HTTP_ACCEPT} application/n-triples
RewriteCond %{REQUEST_FILENAME}.nt -f
RewriteRule ^(.+)$ $1.nt [L]
RewriteCond %{HTTP_ACCEPT} application/rdf\\+xml
RewriteCond %{REQUEST_FILENAME}.rdf -f
RewriteRule ^(.+)$ $1.rdf [L]
RewriteCond %{REQUEST_FILENAME}.html -f
RewriteRule ^(.+)$ $1.html [L]
Header append Vary Accept
"""

NGINX = """# nginx: inside the server block serving this folder as the root of the base IRI's path.
types {
    text/turtle ttl; application/ld+json jsonld; application/n-triples nt; application/rdf+xml rdf; text/html html;
}
map $http_accept $rdf_suffix {
    default                   ".html";
    "~*text/turtle"           ".ttl";
    "~*application/ld\\+json"  ".jsonld";
    "~*application/n-triples" ".nt";
    "~*application/rdf\\+xml"  ".rdf";
}
location / {
    add_header Vary Accept;
    try_files $uri $uri$rdf_suffix $uri.html $uri/index.html =404;
}
"""


def _relative(base: str, from_path: str, pages: set[str]):
    """Relative links to the pages this site has; any other IRI (no page here) links to itself."""
    depth = from_path.count("/")
    up = "../" * depth

    def href(iri: str) -> str:
        if iri in pages:
            return up + iri[len(base):] + ".html"
        return iri

    return href, up or "./"


def resources(store: ox.Store, base: str) -> list[str]:
    """IRIs under base that are described (are subjects) in the dataset, in a named graph or in the
    default graph (a release of data loaded without graphs has pages too); excludes the graph names."""
    rows = store.query(f"""SELECT DISTINCT ?s WHERE {{ {{ GRAPH ?g {{ ?s ?p ?o }} }} UNION {{ ?s ?p ?o }}
        FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}")) }}""")
    out = []
    for r in rows:
        path = r["s"].value[len(base):]
        if path and "#" not in path and "?" not in path and not path.endswith("/") and ".." not in path.split("/"):
            out.append(r["s"].value)
    return sorted(out)


def write_site(store: ox.Store, out: Path, base: str) -> None:
    """Write the site into `out`, a new folder (an existing one is refused)."""
    out.mkdir(parents=True)
    labeler = describe.Labeler(store)
    iris = resources(store, base)
    known = set(iris)
    for iri in iris:
        path = iri[len(base):]
        href, root = _relative(base, path, known)
        html = pages.render_resource(store, iri, base, href=href, labeler=labeler, root=root, static=root + "static")
        # the page template links its alternates as self_href + ".ttl" etc.; here self_href ends in .html
        own = href(iri)
        for suffix in FORMATS:
            html = html.replace(f'"{own}.{suffix}"', f'"{own[:-len(".html")]}.{suffix}"')
        target = out / f"{path}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        triples = describe.description(store, iri)
        for suffix, fmt in FORMATS.items():
            ox.serialize(triples, str(out / f"{path}.{suffix}"), fmt)
    href, root = _relative(base, "index", known)
    (out / "index.html").write_text(pages.render_landing(store, base, href=href, root="./", static="static"),
                                    encoding="utf-8")
    shutil.copytree(pages.STATIC, out / "static")
    for name in ("ontology", "shapes"):  # the pages link {root}ontology, {root}shapes and their .ttl, as served
        doc = out.parent / name / "index.html"
        if doc.exists():
            shutil.copyfile(doc, out / f"{name}.html")
        files = sorted((out.parent / name).glob("*.ttl"))
        if files:
            (out / f"{name}.ttl").write_text(docs.read(files).serialize(format="turtle"), encoding="utf-8")
    (out / ".htaccess").write_text(HTACCESS, encoding="utf-8")
    (out / "nginx.conf").write_text(NGINX, encoding="utf-8")
