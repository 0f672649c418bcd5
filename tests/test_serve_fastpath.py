"""The raw-ASGI /sparql fast path (kg/serve/fastpath.py) answers exactly like the full Starlette stack,
and the faster helpers behind it (query-string decoding, the SPARQL JSON writer) give the same
results as the standard library."""

from __future__ import annotations

import asyncio
import json
import random
import urllib.parse
from urllib.parse import parse_qsl, unquote

import pyoxigraph as ox
import pytest
from serve_helpers import BASE, K1_2025, fixture_store, named_quads_nq, write_manifest

from kg.serve import results
from kg.serve.protocol import _unquote_ascii, parse_qs_list

JSON = "application/sparql-results+json"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{K1_2025}> ?p ?o }}"


def _apps(tmp_path):
    from kg.serve.app import Settings, create_app

    build = tmp_path / "build"
    build.mkdir()
    (build / "dataset.nq").write_bytes(named_quads_nq())
    write_manifest(build, ["dataset.nq"])
    out = []
    for fast in (True, False):
        s = Settings(base_iri=BASE, build_dir=build, timeout=3.0, max_results=5, workers=1, slow_workers=1)
        out.append(create_app(fixture_store(), s, dataset_path=build / "dataset.nq", fast_path=fast))
    return out


async def _call(app, method, qs, headers):
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": "/sparql", "raw_path": b"/sparql", "query_string": qs, "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8000"), *headers], "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", 8000), "state": {}}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(m):
        sent.append(m)

    await app(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], sent[0]["headers"], body


def _q(text, **extra):
    return urllib.parse.urlencode({"query": text, **extra}).encode()


CASES = [
    ("GET", _q(LOOKUP), [(b"accept", JSON.encode())]),
    ("GET", _q(LOOKUP), [(b"accept", JSON.encode())]),  # now a response-cache hit
    ("GET", _q(LOOKUP), [(b"accept", JSON.encode()), (b"origin", b"https://elsewhere.example")]),
    ("HEAD", _q(LOOKUP), [(b"accept", JSON.encode())]),
    ("GET", _q("SELECT * WHERE { ?s ?p ?o }"), [(b"accept", b"text/csv")]),  # truncated at 5 rows
    ("GET", _q("ASK {}"), []),
    ("GET", _q("ASK {}", format="xml"), [(b"origin", b"null")]),
    ("GET", _q(f"CONSTRUCT {{ <{K1_2025}> ?p ?o }} WHERE {{ <{K1_2025}> ?p ?o }}"), [(b"accept", b"text/turtle")]),
    ("GET", _q("SELECT * WHERE { ?s ?p"), [(b"accept", JSON.encode())]),  # 400 from the worker
    ("GET", _q("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"), [(b"origin", b"https://x.example")]),
    ("GET", _q("ASK {}"), [(b"accept", b"image/png")]),  # 406 from the worker
    ("GET", _q("# only a comment"), []),  # refused by parse_request: the full stack answers
    ("GET", b"update=" + urllib.parse.quote("DROP ALL").encode(), []),
    ("GET", b"query=%ZZ&query=x", []),
    ("GET", b"", [(b"accept", b"text/turtle")]),  # service description
    ("GET", _q("ASK {}") + b"&default-graph-uri=not-an-iri", []),
]


def test_fast_path_answers_exactly_like_the_full_stack(tmp_path):
    fast, full = _apps(tmp_path)
    try:
        async def run():
            for method, qs, headers in CASES:
                a = await _call(fast, method, qs, headers)
                b = await _call(full, method, qs, headers)
                assert a == b, (method, qs, headers)
                assert b"x-content-type-options" in dict(a[1]) and dict(a[1])[b"vary"].endswith(b"Origin")

        asyncio.run(run())
    finally:
        fast.state.kg.pool.close()
        full.state.kg.pool.close()


def test_query_string_decoding_matches_the_standard_library():
    rnd = random.Random(7)
    alphabet = list("abc%+=&;\\xX0F9e ") + ["%C3%A9", "%E2%82", "%zz", "%4", "%%", "%5C", "%26", "%3D", "%2B", "%FF",
                                            "é"]
    for _ in range(50_000):
        s = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        assert parse_qs_list(s) == parse_qsl(s, keep_blank_values=True), s
        assert _unquote_ascii(s) == unquote(s) if s.isascii() else True, s


def _reference_json(variables, rows) -> bytes:  # the writer this module replaced
    bindings = [{v: results._json_term(r[v]) for v in variables if r[v] is not None} for r in rows]
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o }",
    'SELECT ?x ?y WHERE { VALUES (?x ?y) { (1 UNDEF) (UNDEF "a\\"\\n\\u00e9\\u2028"@nb) (<http://x/\u00e6> '
    '"\\u0000\\t") '
    '("x" "y"^^<http://d/t>) } }',
    'SELECT ?t ?b WHERE { BIND(TRIPLE(<http://a>, <http://b>, "c") AS ?t) BIND(BNODE() AS ?b) }',
    "SELECT ?z WHERE {}",
    "SELECT * WHERE { ?s ?p ?o } LIMIT 0",
])
def test_json_writer_is_byte_identical_to_json_dumps(query):
    res = fixture_store().query(query)
    variables = [v.value for v in res.variables]
    rows = list(res)
    assert results._json_solutions(variables, rows) == _reference_json(variables, rows)
    parsed = ox.parse_query_results(results._json_solutions(variables, rows), format=ox.QueryResultsFormat.JSON)
    assert len(list(parsed)) == len(rows)
