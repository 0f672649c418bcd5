"""The W3C SPARQL 1.1 Protocol test suite (query tests), written as pytest tests.

Source of the cases: https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl
(w3c/rdf-tests, sparql/sparql11/protocol/). Each test below is one manifest entry, with the same
request (method, path parameters, body, Content-Type) and the same expectations (status class,
result format "boolean"/"tabular"/"RDF", ASK value). The manifest's `/sparql/` is our `/sparql`.
The graphs data1–data3 hold one triple each (`<dataN.rdf> a foaf:Document`), as in the suite.
Every test runs twice: against the app in-process and against a real `kg serve` process over HTTP.

The update_* tests expect 2xx: this endpoint is read-only by design, so they get 403 and the data
is unchanged (tested below as such); every bad_update_* test expects a 4xx and gets one.
"""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
import pytest

KASEI = "http://kasei.us/2009/09/sparql/data/"
FOAF_DOC = "http://xmlns.com/foaf/0.1/Document"
BASE = "https://w3id.org/regplan/"

RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF = {
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
}


def g(n: int) -> str:
    return f"{KASEI}data{n}.rdf"


def q(s: str) -> str:
    return quote(s, safe="")


def suite_store() -> ox.Store:
    store = ox.Store()
    for n in (1, 2, 3):
        store.add(ox.Quad(ox.NamedNode(g(n)), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                          ox.NamedNode(FOAF_DOC), ox.NamedNode(g(n))))
    return store


@pytest.fixture(scope="module", params=["in-process", pytest.param("http", marks=pytest.mark.slow)])
def w3c(request, tmp_path_factory):
    """An endpoint over the suite's three graphs (default graph = union, as `kg serve` loads data):
    the app in-process, and a real `kg serve` process over HTTP."""
    tmp = tmp_path_factory.mktemp("w3c")
    if request.param == "http":
        import httpx
        from serve_helpers import run_server

        with run_server(tmp, nquads=ox.serialize(suite_store(), format=ox.RdfFormat.N_QUADS)) as url:
            with httpx.Client(base_url=url, timeout=10) as c:
                yield c
        return
    from starlette.testclient import TestClient

    from kg.serve.app import Settings, create_app
    from kg.store import materialise_union

    store = suite_store()
    materialise_union(store)
    app = create_app(store, Settings(base_iri=BASE, build_dir=tmp, timeout=5.0))
    with TestClient(app, base_url="http://www.example") as c:
        yield c
    app.state.kg.pool.close()


def ok(r) -> None:
    assert 200 <= r.status_code < 400, (r.status_code, r.text)


def client_error(r) -> None:
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert len(r.content) < 2000  # a short message, not a dump


def ctype(r) -> str:
    return r.headers["content-type"].split(";")[0].strip()


def boolean(r) -> bool:
    """mf:expectedFormat "boolean": an ASK result in a SPARQL results format."""
    ok(r)
    assert ctype(r) in ("application/sparql-results+json", "application/sparql-results+xml"), ctype(r)
    return bool(ox.parse_query_results(r.content, format=RESULTS[ctype(r)]))


def tabular(r) -> list:
    """mf:expectedFormat "tabular": SELECT results in XML, JSON, CSV or TSV."""
    ok(r)
    assert ctype(r) in RESULTS, ctype(r)
    if ctype(r) == "text/csv":
        return r.text.splitlines()[1:]
    return list(ox.parse_query_results(r.content, format=RESULTS[ctype(r)]))


def rdf(r) -> list:
    """mf:expectedFormat "RDF": RDF/XML, Turtle or N-Triples (RDFa is not offered)."""
    ok(r)
    assert ctype(r) in RDF, ctype(r)
    return list(ox.parse(r.content, format=RDF[ctype(r)]))


def direct(c, body: str, params: str = "", **headers):
    return c.post("/sparql" + params, content=body.encode(), headers={"content-type": "application/sparql-query",
                                                                      **headers})


# ---------------------------------------------------------------- query_* tests (all must pass)


def test_query_post_form(w3c):
    r = w3c.post(f"/sparql?default-graph-uri={q(KASEI + 'data0.rdf')}", content=b"query=ASK%20%7B%7D",
                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert boolean(r) is True


def test_query_dataset_default_graphs_get(w3c):
    query = f"ASK {{ <{g(1)}> a ?type . <{g(2)}> a ?type . }}"
    r = w3c.get(f"/sparql?query={q(query)}&default-graph-uri={q(g(1))}&default-graph-uri={q(g(2))}")
    assert boolean(r) is True


def test_query_dataset_default_graphs_post(w3c):
    query = f"ASK {{ <{g(1)}> a ?type . <{g(2)}> a ?type . }}"
    r = direct(w3c, query, f"?default-graph-uri={q(g(1))}&default-graph-uri={q(g(2))}")
    assert boolean(r) is True


def test_query_dataset_named_graphs_post(w3c):
    query = f"ASK {{ GRAPH ?g1 {{ <{g(1)}> a ?type }} GRAPH ?g2 {{ <{g(2)}> a ?type }} }}"
    r = direct(w3c, query, f"?named-graph-uri={q(g(1))}&named-graph-uri={q(g(2))}")
    assert boolean(r) is True


def test_query_dataset_named_graphs_get(w3c):
    query = f"ASK {{ GRAPH ?g1 {{ <{g(1)}> a ?type }} GRAPH ?g2 {{ <{g(2)}> a ?type }} }}"
    r = w3c.get(f"/sparql?query={q(query)}&named-graph-uri={q(g(1))}&named-graph-uri={q(g(2))}")
    assert boolean(r) is True


def test_query_dataset_full(w3c):
    query = (f"ASK {{\n  <{g(3)}> a ?type\n  GRAPH ?g1 {{ <{g(1)}> a ?type }}\n"
             f"  GRAPH ?g2 {{ <{g(2)}> a ?type }}\n}}")
    r = direct(w3c, query, f"?default-graph-uri={q(g(3))}&named-graph-uri={q(g(1))}&named-graph-uri={q(g(2))}")
    assert boolean(r) is True


def test_query_multiple_dataset(w3c):
    """FROM in the query and named-graph-uri in the request: the protocol's dataset wins."""
    query = f"ASK FROM <{g(3)}> {{ GRAPH ?g1 {{ <{g(1)}> a ?type }} GRAPH ?g2 {{ <{g(2)}> a ?type }} }}"
    r = direct(w3c, query, f"?named-graph-uri={q(g(1))}&named-graph-uri={q(g(2))}")
    assert boolean(r) is True


def test_query_get(w3c):
    r = w3c.get(f"/sparql?query=ASK%20%7B%7D&default-graph-uri={q(KASEI + 'data0.rdf')}")
    assert boolean(r) is True


def test_query_content_type_select(w3c):
    rows = tabular(direct(w3c, "SELECT (1 AS ?value) {}", f"?default-graph-uri={q(KASEI + 'data0.rdf')}"))
    assert len(rows) == 1


def test_query_content_type_ask(w3c):
    assert boolean(direct(w3c, "ASK {}", f"?default-graph-uri={q(KASEI + 'data0.rdf')}")) is True


def test_query_content_type_describe(w3c):
    rdf(direct(w3c, "DESCRIBE <http://example.org/>", f"?default-graph-uri={q(KASEI + 'data0.rdf')}"))


def test_query_content_type_construct(w3c):
    """Relative IRIs in the query resolve against the endpoint URL (its public IRI)."""
    triples = rdf(direct(w3c, "CONSTRUCT { <s> <p> 1 } WHERE {}", f"?default-graph-uri={q(KASEI + 'data0.rdf')}"))
    assert [(t.subject.value, t.predicate.value, t.object.value) for t in triples] == [(BASE + "s", BASE + "p", "1")]


def test_query_post_direct(w3c):
    assert boolean(direct(w3c, "ASK {}")) is True


# ---------------------------------------------------------------- bad_query_* tests (4xx expected)


def test_bad_query_method(w3c):
    r = w3c.put(f"/sparql?query=ASK%20%7B%7D&default-graph-uri={q(KASEI + 'data0.rdf')}",
                headers={"content-type": "application/x-www-form-urlencoded"})
    client_error(r)


def test_bad_multiple_queries(w3c):
    client_error(w3c.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D"))


def test_bad_query_wrong_media_type(w3c):
    client_error(w3c.post("/sparql", content=b"ASK {}", headers={"content-type": "text/plain"}))


def test_bad_query_missing_form_type(w3c):
    client_error(w3c.post("/sparql", content=b"query=ASK%20%7B%7D"))


def test_bad_query_missing_direct_type(w3c):
    client_error(w3c.post("/sparql", content=b"ASK {}"))


def test_bad_query_non_utf8(w3c):
    client_error(w3c.post("/sparql", content="ASK {}".encode("utf-16"),
                          headers={"content-type": "application/sparql-query; charset=UTF-16"}))


def test_bad_query_syntax(w3c):
    client_error(w3c.get("/sparql?query=ASK%20%7B"))


# ---------------------------------------------------------------- update tests: refused by design


def _unchanged(c) -> None:
    r = c.get("/sparql?query=" + q("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
              headers={"accept": "text/csv"})
    assert r.text.splitlines()[1] == "3"


@pytest.mark.parametrize("name,params,body", [
    ("update_dataset_default_graph", f"?using-graph-uri={q(g(1))}",
     f"CLEAR ALL ; INSERT DATA {{ GRAPH <{g(1)}> {{ <{g(1)}> a <{FOAF_DOC}> }} }}"),
    ("update_dataset_default_graphs", f"?using-graph-uri={q(g(1))}&using-graph-uri={q(g(2))}", "DROP ALL"),
    ("update_dataset_named_graphs", f"?using-named-graph-uri={q(g(1))}", "DROP ALL"),
    ("update_dataset_full", f"?using-graph-uri={q(g(3))}&using-named-graph-uri={q(g(1))}", "DROP ALL"),
    ("update_post_direct", "", "CLEAR ALL"),
    ("update_base_uri", "", "CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ; "
                            "INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> "
                            "<http://example.org/p> <test> } }"),
])
def test_update_operations_are_refused(w3c, name, params, body):
    r = w3c.post("/sparql" + params, content=body.encode(), headers={"content-type": "application/sparql-update"})
    assert r.status_code == 403 and "read-only" in r.text, (name, r.text)
    _unchanged(w3c)


def test_update_post_form_is_refused(w3c):
    r = w3c.post("/sparql", content=("update=" + q("CLEAR ALL")).encode(),
                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403
    _unchanged(w3c)


@pytest.mark.parametrize("name,method,params,body,ctype", [
    ("bad_update_get", "GET", "?update=CLEAR%20ALL", None, None),
    ("bad_multiple_updates", "POST", "", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
     "application/x-www-form-urlencoded"),
    ("bad_update_wrong_media_type", "POST", "", b"CLEAR NAMED", "text/plain"),
    ("bad_update_missing_form_type", "POST", "", b"update=CLEAR%20NAMED", None),
    ("bad_update_non_utf8", "POST", "", "CLEAR NAMED".encode("utf-16"), "application/sparql-update; charset=UTF-16"),
    ("bad_update_syntax", "POST", "", b"update=CLEAR%20XYZ", "application/x-www-form-urlencoded"),
    ("bad_update_dataset_conflict", "POST", "?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
     b"PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\nDELETE { ?person foaf:givenName "
     b"'Bill' }\n"
     b"INSERT { ?person foaf:givenName 'William' }\nWHERE { ?person foaf:givenName 'Bill' }",
     "application/sparql-update"),
])
def test_bad_update_requests(w3c, name, method, params, body, ctype):
    headers = {"content-type": ctype} if ctype else {}
    r = w3c.request(method, "/sparql" + params, content=body, headers=headers)
    client_error(r)
    _unchanged(w3c)
