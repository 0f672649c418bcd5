"""/ontology and /shapes: an HTML page (nb/en) for a browser, Turtle for RDF clients; the same renderer
(kg.web.docs) writes a release's ontology/index.html and shapes/index.html."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from kg import config
from kg.web import docs, i18n

SH = "http://www.w3.org/ns/shacl#"
HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


def _graph(folder: Path) -> Graph:
    g = Graph()
    for p in sorted(folder.glob("*.ttl")):
        g.parse(p, format="turtle")
    return g


def _ids(page: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page))


def test_ontology_html_for_a_browser_lists_every_class_and_property(real_client):
    r = real_client.get("/ontology", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Accept" in r.headers["vary"]
    page = r.text
    g = _graph(config.ONTOLOGY)
    onto = URIRef("https://w3id.org/regplan/ontology")
    defined = set(g.subjects(RDFS.isDefinedBy, onto))
    classes = {s for s in defined if (s, RDF.type, OWL.Class) in g}
    props = {s for s in defined if any((s, RDF.type, k) in g for k in (OWL.ObjectProperty, OWL.DatatypeProperty))}
    assert len(classes) > 30 and len(props) > 60
    ids = _ids(page)
    missing = {str(s) for s in classes | props if docs.anchor(str(s)) not in ids}
    assert not missing
    assert "<h1>Ontologi for regionale planer og handlingsprogram</h1>" in page  # dct:title@nb
    # rp:continues: domain and range rp:Measure, linked to its entry on the page
    entry = page[page.index('id="continues"'):]
    entry = entry[:entry.index("</section>")]
    assert "viderefører" in entry and "Domene" in entry and entry.count('href="#Measure"') == 2
    # an external superclass links to its own IRI with the label from external-labels.ttl
    assert 'href="http://www.w3.org/ns/prov#Plan"' in page


def test_ontology_concept_schemes_are_listed(real_client):
    page = real_client.get("/ontology", headers=HTML).text
    assert 'id="level"' in page and 'id="level-county"' in page and "fylkessatsing" in page


def test_ontology_turtle_for_rdf_clients(real_client):
    for path, headers in (("/ontology", {"Accept": "text/turtle"}), ("/ontology.ttl", HTML), ("/ontology", {})):
        r = real_client.get(path, headers=headers)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle"), (path, headers)
        triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
        assert any(t.subject.value == "https://w3id.org/regplan/ontology#Measure" for t in triples)
    assert "Accept" in real_client.get("/ontology", headers={"Accept": "text/turtle"}).headers["vary"]


def test_ontology_in_english_with_the_switch_and_accept_language(real_client):
    en = real_client.get("/ontology?lang=en", headers=HTML).text
    assert "<h1>Regional plan and action programme ontology</h1>" in en and '<html lang="en">' in en
    entry = en[en.index('id="continues"'):]
    assert "continues" in entry[:400] and "Domain" in entry[:2000] and "Domene" not in en
    assert "Satsing" not in en.split('id="Measure"', 1)[1][:200]  # the class's label is its @en one
    al = real_client.get("/ontology", headers={**HTML, "Accept-Language": "en-GB,en;q=0.9"}).text
    assert "<h1>Regional plan and action programme ontology</h1>" in al
    nb = real_client.get("/ontology", headers={**HTML, "Accept-Language": "nb"}).text
    assert "<h1>Ontologi for regionale planer og handlingsprogram</h1>" in nb


def test_shapes_html_lists_shapes_with_names_severity_and_targets(real_client):
    r = real_client.get("/shapes", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    g = _graph(config.SHAPES)
    node_shapes = set(g.subjects(RDF.type, URIRef(SH + "NodeShape")))
    assert len(node_shapes) > 15
    ids = _ids(page)
    assert not {str(s) for s in node_shapes if docs.anchor(str(s)) not in ids}
    # a Warning-level shape with its Bokmål sh:name, and its target class linked to the ontology page
    entry = page[page.index('id="MeasureSelfLinkShape"'):]
    entry = entry[:entry.index("</section>")]
    assert "Selvkobling" in entry and "Advarsel" in entry and 'href="./ontology#Measure"' in entry
    # property shapes show their path, sh:name from the layout and their message
    entry = page[page.index('id="ActionProgrammeShape"'):]
    entry = entry[:entry.index("</section>")]
    assert "<code>rp:programmeYear</code>" in entry and "xsd:gYear" in entry
    en = real_client.get("/shapes?lang=en", headers=HTML).text
    entry = en[en.index('id="MeasureSelfLinkShape"'):]
    assert "Self-link" in entry[:3000] and "Warning" in entry[:3000] and "Advarsel" not in en


def test_shapes_turtle_for_rdf_clients(real_client):
    for path, headers in (("/shapes", {"Accept": "text/turtle"}), ("/shapes.ttl", HTML)):
        r = real_client.get(path, headers=headers)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle"), path
        assert any(t.object.value == SH + "NodeShape" for t in ox.parse(r.content, format=ox.RdfFormat.TURTLE))


def test_texts_from_the_files_are_escaped_and_only_http_iris_link(tmp_path):
    evil = "<script>alert('x')</script>"
    (tmp_path / "o.ttl").write_text(f"""
@prefix rp: <https://w3id.org/regplan/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/regplan/ontology> a owl:Ontology .
rp:Evil a owl:Class ; rdfs:label "{evil}"@nb ; rdfs:comment "a & b"@nb ;
  rdfs:subClassOf <javascript:alert(1)> .
""", encoding="utf-8")
    page = docs.render_ontology([tmp_path / "o.ttl"], root="./", static="static")
    assert evil not in page and htmllib.escape(evil, quote=False).replace("'", "&#39;") in page
    assert "a &amp; b" in page and 'href="javascript:' not in page


def test_release_pages_come_from_the_same_renderer():
    """What `kg publish` writes (relative to the release folder): the served page's content, Bokmål."""
    onto = sorted(config.ONTOLOGY.glob("*.ttl"))
    page = docs.ontology_html(onto)
    assert '<html lang="nb">' in page and 'href="../site/static/style.css"' in page
    assert i18n.current() == "nb" and 'id="Measure"' in page and "Domene" in page
    shapes = docs.shapes_html(sorted(config.SHAPES.glob("*.ttl")), onto)
    assert 'href="../site/ontology#Measure"' in shapes and "Selvkobling" in shapes
