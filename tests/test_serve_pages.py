"""Linked-data dereferencing, resource pages, landing/query pages and file serving of `kg serve`."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from serve_helpers import BASE, K1_2024, K1_2025, K3_2025, SCRIPT

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
K1_PATH = "/plan/inkluderende-innlandet/programme/2025/measure/K1"
K3_PATH = "/plan/inkluderende-innlandet/programme/2025/measure/K3"
K1_2024_PATH = "/plan/inkluderende-innlandet/programme/2024/measure/K1"


def _hrefs(html: str, page: str) -> set[str]:
    """Every href of a page, resolved against the page's URL (links are relative), as server paths."""
    from urllib.parse import urljoin, urlsplit

    return {urlsplit(urljoin("http://testserver" + page, h)).path for h in re.findall(r'href="([^"]*)"', html)}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("accept,fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_resource_conneg_machine_formats(client, accept, fmt):
    r = client.get(K1_PATH, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert "Accept" in r.headers["vary"]
    triples = list(ox.parse(r.content, format=fmt))
    k1 = ox.NamedNode(K1_2025)
    out = {(t.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1], getattr(t.object, "value",
                                                                             None)) for t in triples if t.subject == k1}
    assert ("measureId", "K1") in out and ("responsible", BASE + "actor/statsforvalteren") in out
    # incoming: K3 links to K1 and the 2024 K1 is continued by it, with their labels
    assert any(t.object == k1 and t.subject.value == K3_2025 for t in triples)
    assert any(t.subject.value == BASE + "actor/statsforvalteren" and t.object.value == "Statsforvalteren i Innlandet"
               for t in triples)


@pytest.mark.parametrize("suffix,mt", [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                                       ("nt", "application/n-triples"), ("rdf", "application/rdf+xml")])
def test_resource_suffixes(client, suffix, mt):
    r = client.get(f"{K1_PATH}.{suffix}", headers=HTML)  # the suffix wins over Accept
    assert r.status_code == 200 and r.headers["content-type"].startswith(mt)


def test_link_etag_and_conditional_get(client):
    r = client.get(K1_PATH, headers={"Accept": "text/turtle"})
    link = r.headers["link"]
    for sfx, mt in (("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
                    ("rdf", "application/rdf+xml")):
        assert f'<./K1.{sfx}>; rel="alternate"; type="{mt}"' in link  # relative to the resource's URL
    etag = r.headers["etag"]
    r2 = client.get(K1_PATH, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b""
    r3 = client.get(K1_PATH, headers={**HTML, "If-None-Match": etag})  # other representation, other ETag
    assert r3.status_code == 200 and r3.headers["etag"] != etag


def test_unknown_iri_is_404(client):
    assert client.get("/plan/inkluderende-innlandet/programme/2025/measure/K99",
                      headers={"Accept": "text/turtle"}).status_code == 404
    r = client.get("/actor/nobody", headers=HTML)
    assert r.status_code == 404 and "text/html" in r.headers["content-type"] and "actor/nobody" in r.text


def test_measure_page(client):
    r = client.get(K1_PATH, headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html, text = r.text, _text(r.text)
    assert "<h1><span class=\"mid\">K1</span> Inkluderende oppvekstmiljø</h1>" in html
    assert "Handlingsprogram 2025" in text and "2025" in text
    assert "Kompetanse og livslang læring" in text  # focus area label, not the IRI
    assert "fylkessatsing" in text  # level label (nb preferred over en)
    assert "/actor/statsforvalteren" in _hrefs(html, K1_PATH) and "Statsforvalteren i Innlandet" in text
    for partner in ("Innlandet fylkeskommune", "KS", "NAV"):
        assert partner in re.search(r'class="partners">(.*?)</td>', html, re.S).group(1)
    assert "begge veier" in text and 'href="./K3"' in html  # K1 <-> K3 linked both ways
    assert ("Viderefører (forgjenger)" in text
            and "/plan/inkluderende-innlandet/programme/2024/measure/K1" in _hrefs(html, K1_PATH))
    assert re.search(r'class="predecessor"><a [^>]*>K1 Inkluderende oppvekstmiljø</a> \(2024\)', html)
    assert "Gjennom et trygt og inkluderende oppvekstmiljø" in text
    assert re.search(r'Handlingsprogram 2025 – Regional plan for det inkluderende Innlandet</a>, '
                     r'<a class="source-lines" href="../../../../../source/hp2025/text#L98-L113">linje 98–113</a>',
                     html)
    assert "Valideringsmerknader" not in text  # no warning targets K1


def test_measure_page_money_successor_and_warnings(client):
    html = client.get(K3_PATH, headers=HTML).text
    assert "2\u00a0000\u00a0000 NOK" in html
    assert "Valideringsmerknader" in html and "Measure has money but no allocation-table row" in html
    old = client.get(K1_2024_PATH, headers=HTML).text
    assert "Videreført av (etterfølger)" in old and K1_PATH in _hrefs(old, K1_2024_PATH)


def test_escaping_of_literals(client):
    html = client.get(K3_PATH, headers=HTML).text
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    r = client.get("/sparql",
                   params={"query": f"SELECT ?c WHERE {{ <{K3_2025}> "
                                    f"<http://www.w3.org/2000/01/rdf-schema#comment> ?c }}",
                           "format": "json"})
    assert r.json()["results"]["bindings"][0]["c"]["value"] == SCRIPT  # data itself unchanged


def test_actor_page(client):
    html = client.get("/actor/nav", headers=HTML).text
    text = _text(html)
    assert "<h1>NAV</h1>" in html
    assert "Arbeids- og velferdsetaten" in text  # alias
    partner = re.search(r'class="measures role-partner">(.*?)</table>', html, re.S).group(1)
    assert _text(partner).split() == ("År Satsing 2025 K1 Inkluderende oppvekstmiljø "
                                      "2024 K1 Inkluderende oppvekstmiljø").split()
    ki = client.get("/actor/karriere-innlandet", headers=HTML).text
    assert "Del av:" in ki and 'href="./innlandet-fylkeskommune"' in ki
    assert "Innlandet fylkeskommune" in ki  # nb label preferred over "Innlandet County Council"
    ifk = client.get("/actor/innlandet-fylkeskommune", headers=HTML).text
    assert "Ansvarlig for (1, 1 direkte)" in ifk and "Underenheter" in ifk
    # sub-units rolled up, with a note: IFK is partner in 2 measures itself and in one more through Karriere Innlandet
    assert "Samarbeidspartner i (3, 2 direkte)" in ifk and 'class="rollup-note"' in ifk
    partner = re.search(r'class="measures role-partner">(.*?)</table>', ifk, re.S).group(1)
    assert re.findall(r'<td class="via">(?:<a [^>]*>)?([^<]*)', partner).count("Karriere Innlandet") == 1


@pytest.mark.parametrize("path,label", [
    ("/plan/inkluderende-innlandet/programme/2025", "Handlingsprogram 2025"),
    ("/plan/inkluderende-innlandet/focus-area/K", "Kompetanse og livslang læring"),
    ("/place/municipality/3403", "Hamar"),
    ("/place/region/hamarregionen", "Hamarregionen"),
    ("/concept/level/county", "fylkessatsing"),
])
def test_generic_pages_have_labels(client, path, label):
    r = client.get(path, headers=HTML)
    assert r.status_code == 200 and f"<h1>{label}</h1>" in r.text
    assert "Lenker hit" in r.text or path.endswith("3403")


def test_landing_page(client):
    html = client.get("/").text
    assert '<td id="n-triples" data-value="84">84</td>' in html  # 83 in the fixture + the escaping test literal
    # both counts are shown and explained (equal here; the real data differ: test_actor_rollup)
    assert '<td id="n-quads" data-value="84">84</td>' in html and "teller hver tripel én gang" in html
    assert '<td class="measures-2025">2</td>' in html and '<td class="measures-2024">1</td>' in html
    assert '<td id="n-actors">5</td>' in html
    hrefs = _hrefs(html, "/")
    assert "NLOD" in html and {"/query", "/ontology", "/shapes", "/download/dataset.trig",
                               "/download/dataset.nq"} <= hrefs


def test_downloads_and_traversal(client):
    r = client.get("/download/dataset.nq")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/n-quads")
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.N_QUADS))) == 84
    assert client.get("/download/dataset.trig").headers["content-type"].startswith("application/trig")
    for bad in ("/download/..%2Fdataset.nq", "/download/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
                "/download/../../pyproject.toml",
                "/static/../app.py", "/static/..%2Fapp.py", "/static/%2E%2E/%2E%2E/config.py"):
        r = client.get(bad)
        assert r.status_code == 404, bad
        assert b"def " not in r.content and b"[project]" not in r.content
    assert client.get("/static/query.js").status_code == 200


def test_ontology_and_shapes(client):
    r = client.get("/ontology")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value == "https://w3id.org/regplan/ontology#Measure" for t in triples)
    assert client.get("/ontology/concepts.ttl").status_code == 200
    assert client.get("/ontology/../pyproject.toml").status_code == 404
    r = client.get("/shapes")
    assert r.status_code == 200
    assert any(str(t.predicate.value).startswith("http://www.w3.org/ns/shacl#") for t in ox.parse(r.content,
                                                                                                  format=ox.RdfFormat.TURTLE))


def test_query_page_lists_ready_made_questions(client):
    from kg import config

    html = client.get("/query").text
    names = sorted(p.stem for p in config.QUERIES.glob("*.rq"))
    assert names, "queries/*.rq expected"
    for n in names:
        assert f'data-name="{n}"' in html
    assert 'data-view="actor-network"' in html and 'data-view="money-per-focus-area"' in html
    assert ("<script" in html and "cdn" not in html.lower()
            and "https://" not in re.sub(r'https://(w3id\.org|data\.norge\.no)[^"<\s]*', "", html))


def test_builtin_views_run(client):
    from kg.web.queries import builtin_views

    net, money = builtin_views()
    rows = client.post("/sparql", data={"query": net.text},
                       headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    pairs = {(r["aLabel"]["value"], r["bLabel"]["value"], int(r["weight"]["value"])) for r in rows}
    # K1 (2024 and 2025): Statsforvalteren responsible, IFK, KS and NAV partners → every pair twice
    assert ("KS", "NAV", 2) in pairs
    assert ("Innlandet fylkeskommune", "Karriere Innlandet", 1) in pairs  # K3
    rows = client.post("/sparql", data={"query": money.text},
                       headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    # the fixture's K3 amount has no rp:amountBasis: the chart says so instead of calling it a total
    assert [(r["focusArea"]["value"], r["basis"]["value"], r["nok"]["value"]) for r in rows] == [
        ("Kompetanse og livslang læring 2025", "grunnlag ikke registrert", "2000000")]


def test_void_hook(client):
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    assert any(t.object.value == "http://rdfs.org/ns/void#Dataset" for t in triples)


def test_render_resource_is_reusable_for_static_sites():
    from serve_helpers import fixture_store

    from kg.web.pages import render_resource

    html = render_resource(fixture_store(), K1_2024, BASE, href=lambda iri: "site/" + iri[len(BASE):] + ".html")
    assert 'href="site/actor/statsforvalteren.html"' in html
