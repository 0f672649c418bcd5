"""A real `kg serve` process queried over HTTP with SPARQLWrapper."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request

import pytest
from serve_helpers import K1_2025
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

pytestmark = pytest.mark.slow


def test_select_construct_ask_with_sparqlwrapper(server):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery("PREFIX rp: <https://w3id.org/regplan/ontology#> SELECT ?id WHERE { ?m a rp:Measure ; rp:measureId ?id "
                "; rp:inProgramme/rp:programmeYear ?y FILTER(STR(?y) = '2025') } ORDER BY ?id")
    sw.setReturnFormat(JSON)
    assert [b["id"]["value"] for b in sw.queryAndConvert()["results"]["bindings"]] == ["K1", "K3"]
    sw.setMethod(POST)
    sw.setQuery(f"ASK {{ <{K1_2025}> ?p ?o }}")
    assert sw.queryAndConvert()["boolean"] is True
    sw.setQuery(f"CONSTRUCT {{ <{K1_2025}> ?p ?o }} WHERE {{ <{K1_2025}> ?p ?o }}")
    sw.setReturnFormat(TURTLE)
    g = sw.queryAndConvert()
    assert len(g if not isinstance(g, bytes) else g.decode().splitlines()) > 0
    from rdflib import Graph

    graph = Graph().parse(data=g if isinstance(g, (bytes, str)) else g.serialize(), format="turtle")
    assert len(graph) == 16


def test_update_refused_over_http(server):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setMethod(POST)
    sw.setQuery(f"INSERT DATA {{ <{K1_2025}> <http://example.org/p> 'x' }}")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as e:
        sw.query()
    assert "403" in str(e.value) or "read-only" in str(e.value)
    sw2 = SPARQLWrapper(server + "/sparql")
    sw2.setQuery("ASK { ?s <http://example.org/p> ?o }")
    sw2.setReturnFormat(JSON)
    assert sw2.queryAndConvert()["boolean"] is False


def test_long_query_is_killed_while_others_are_served(server):
    cross = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
    status = {}

    def long():
        req = urllib.request.Request(server + "/sparql", data=cross.encode(),
                                     headers={"Content-Type": "application/sparql-query"})
        t0 = time.monotonic()
        try:
            urllib.request.urlopen(req, timeout=30)
            status["code"] = 200
        except urllib.error.HTTPError as e:
            status["code"] = e.code
            status["body"] = e.read().decode()
        status["secs"] = time.monotonic() - t0

    th = threading.Thread(target=long)
    th.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    body = urllib.request.urlopen(server + "/sparql?format=csv&query=" + urllib.request.quote("SELECT (1 AS ?one) {}"),
                                  timeout=5).read()
    assert body.decode().splitlines() == ["one", "1"] and time.monotonic() - t0 < 2.5  # served by the other worker
    th.join(30)
    assert status["code"] == 504 and "stopped" in status["body"] and status["secs"] < 10
    page = urllib.request.urlopen(urllib.request.Request(server + "/actor/nav", headers={"Accept": "text/html"}),
                                  timeout=5).read().decode()
    assert "<h1>NAV</h1>" in page
