"""No outbound request from a query unless allowed (issue 12, finding 1): a differential corpus of
SERVICE tricks against a real listener on 127.0.0.1, through the guard alone, the network barrier
alone, and — as the control that proves each query really makes Oxigraph call out — neither."""

from __future__ import annotations

import asyncio
import socket
import threading

import pyoxigraph as ox
import pytest
from serve_helpers import fixture_store

from kg.serve import guard
from kg.serve.executor import Job, PoolConfig, QueryPool
from kg.serve.protocol import ProtocolError

# {u} = http://127.0.0.1:PORT/ of the listener. Every entry is a query Oxigraph runs as a SERVICE call.
CORPUS = [
    "SELECT * WHERE {{ # x\rSERVICE <{u}any?path> {{ ?s ?p ?o }}\n}}",                       # the reported bypass
    "SELECT * WHERE {{ # x\r\nSERVICE <{u}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }}",
    "select * where {{ ?x ?y ?z OPTIONAL {{ service silent <{u}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ ?x ?y ?z }} UNION {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?x ?y ?z MINUS {{ SERVICE <{u}> {{ ?x ?y ?z }} }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ ?x ?y ?z FILTER EXISTS {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?x ?y ?z FILTER NOT EXISTS {{ SERVICE <{u}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ GRAPH ?g {{ OPTIONAL {{ {{ SERVICE SILENT <{u}> {{ ?s ?p ?o }} }} }} }} }}",
    "PREFIX e: <{u}> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",                   # prefixed
    "BASE <{u}> SELECT * WHERE {{ SERVICE <relative> {{ ?s ?p ?o }} }}",                      # relative
    "SELECT * WHERE {{ SERVICE <{ue}> {{ ?s ?p ?o }} }}",                                      # \\u in the IRI
    "SELECT * WHERE {{ BIND(<http://example.org/#frag> AS ?f) SERVICE <{u}> {{ ?a ?b ?c }} }}",      # '#' in an IRI
    'SELECT * WHERE {{ ?s ?p ?o FILTER(?o != "#") SERVICE <{u}> {{ ?a ?b ?c }} }}',           # '#' in a string
    'SELECT * WHERE {{ ?s ?p ?o FILTER(?o != "\\u0022 #") SERVICE <{u}> {{ ?a ?b ?c }} }}',   # \\u quote in a string
    "SELECT * WHERE {{ ?s ?p ?o .SERVICE<{u}>{{?a ?b ?c}} }}",                                 # no spaces
    "SELECT * WHERE {{ OPTIONAL {{ ?a ?b ?c FILTER(?a<'b>c') }} SERVICE <{u}> {{ ?s ?p ?o }} FILTER('' = '') "
    "}}",  # '<' op vs IRI
    "PREFIX e: <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?s ?p e:a\\' }} SERVICE <{u}> {{ ?x ?y ?z }} FILTER('' = '') "
    "}}",  # \\' in a name
    "SELECT * WHERE {{ ?s ?p ?o }} #\r{{ \nORDER BY ?s",  # placeholder replaced below (comment then a real SERVICE)
]
CORPUS[-1] = "SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ ?s ?p ?o # }}\r SERVICE <{u}> {{ ?a ?b ?c }} }} }}"

BENIGN = [
    'SELECT ?s WHERE { ?s ?p ?o FILTER(?o = "service" || ?p = <http://example.org/service>) } # SERVICE',
    "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o } LIMIT 1",
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:1/> { ?s ?p ?o }\nLIMIT 1",
    "SELECT * WHERE { ?s ?p '''a\nSERVICE <http://127.0.0.1:1/> { }''' } LIMIT 1",
]


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection and answers an empty SPARQL result."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.hits: list[bytes] = []
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _serve(self):
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            with c:
                c.settimeout(2)
                try:
                    data = c.recv(65536)
                except OSError:
                    data = b""
                self.hits.append(data)
                body = b'{"head":{"vars":["s","p","o"]},"results":{"bindings":[]}}'
                try:
                    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                              b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
                except OSError:
                    pass

    def close(self):
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    ls = Listener()
    yield ls
    ls.close()


def corpus(ls: Listener) -> list[str]:
    ue = "".join("\\u%04X" % ord(c) if c in "127" else c for c in ls.url)
    return [q.format(u=ls.url, ue=ue) for q in CORPUS]


@pytest.fixture(scope="module")
def store():
    return fixture_store()


def _run_all(pool: QueryPool, queries: list[str]) -> list[dict]:
    async def go():
        return [await pool.run(Job(q, (), (), "application/sparql-results+json", None, 100)) for q in queries]
    return asyncio.run(go())


def _pool(store, **cfg) -> QueryPool:
    return QueryPool(store, config=PoolConfig(fast_workers=1, slow_workers=1, timeout=10, fast_budget=5, **cfg))


def test_control_every_corpus_query_calls_out_without_guard_and_barrier(store, listener):
    """Without both barriers each corpus query reaches the listener: the corpus is real, the listener works."""
    pool = _pool(store, guard=False, barriers=())
    try:
        for q in corpus(listener):
            before = len(listener.hits)
            _run_all(pool, [q])
            assert len(listener.hits) > before, f"Oxigraph did not call out for: {q!r}"
    finally:
        pool.close()


def test_guard_alone_refuses_the_corpus(store, listener):
    # A variable endpoint cannot be checked (Oxigraph 0.5 cannot run it yet, a later one may): refused too.
    for q in corpus(listener) + [f"SELECT * WHERE {{ VALUES ?e {{ <{listener.url}> }} SERVICE ?e {{ ?s ?p ?o }} }}"]:
        with pytest.raises(ProtocolError) as e:
            guard.check(q)
        assert e.value.status == 403 and "SERVICE" in e.value.message, q
    pool = _pool(store, barriers=())  # a worker with the network open: the guard alone decides
    try:
        before = len(listener.hits)
        outs = _run_all(pool, corpus(listener))
        assert [o["status"] for o in outs] == [403] * len(outs)
        assert len(listener.hits) == before
    finally:
        pool.close()


@pytest.mark.parametrize("barriers", [None, ("seccomp",), ("netns",)])
def test_barrier_alone_holds(store, listener, barriers):
    """A worker with the guard switched off cannot reach the listener either."""
    pool = _pool(store, guard=False, barriers=barriers)
    try:
        want = {"seccomp", "netns"} if barriers is None else set(barriers)
        if "netns" in want and "netns" not in pool.barriers:
            pytest.skip(f"network namespaces need root: {pool.barrier_notes}")
        assert set(pool.barriers) == want
        before = len(listener.hits)
        outs = _run_all(pool, corpus(listener))
        assert len(listener.hits) == before, "a query worker opened a connection despite the barrier"
        plain = outs[2]  # SERVICE <listener>: the engine reports the refused socket
        assert plain["status"] == 500 and ("not permitted" in plain["error"] or "unreachable" in plain["error"]), plain
    finally:
        pool.close()


def test_no_barrier_when_service_is_allowed(store, listener):
    """--service-allow opens the network for the named endpoint only; others stay refused."""
    allow = frozenset({listener.url})
    pool = _pool(store, service_allow=allow)
    try:
        assert pool.barriers == ()
        before = len(listener.hits)
        ok = _run_all(pool, [f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"])[0]
        assert ok["status"] == 200 and len(listener.hits) == before + 1
        other = f"http://127.0.0.1:{listener.port}/other"
        refused = _run_all(pool, [
            f"SELECT * WHERE {{ SERVICE <{other}> {{ ?s ?p ?o }} }}",
            f"PREFIX e: <{listener.url}> SELECT * WHERE {{ SERVICE e: {{ ?s ?p ?o }} }}",
            f"BASE <{listener.url}> SELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} # \r SERVICE <{other}> {{ }} }}",
        ])
        assert [o["status"] for o in refused] == [403] * 4, refused
        assert len(listener.hits) == before + 1
    finally:
        pool.close()


def test_benign_service_words_pass(client):
    for q in BENIGN:
        r = client.get("/sparql", params={"query": q, "format": "json"})
        assert r.status_code == 200, (q, r.text)


def test_reported_bypass_refused_over_http(client, listener):
    q = f"SELECT * WHERE {{ # x\rSERVICE <{listener.url}any?path> {{ ?s ?p ?o }}\n}}"
    before = len(listener.hits)
    r = client.post("/sparql", data={"query": q})
    assert r.status_code == 403 and "SERVICE" in r.text
    assert len(listener.hits) == before


@pytest.mark.parametrize("ch", list('<"{}|^`\\') + [" ", "\t", "\n", "\x01"])
def test_iri_lexer_model_matches_the_engine(ch):
    """The guard treats <…> with these raw characters as not-an-IRI; the engine must agree."""
    with pytest.raises(SyntaxError):
        ox.Store().query(f"SELECT (<http://x/a{ch}b> AS ?x) {{}}")
    assert guard._IRI.match(f"<http://x/a{ch}b>") is None


def test_engine_comment_and_escape_model():
    """The facts the guard's model rests on, checked against the installed engine."""
    s = ox.Store()
    assert list(s.query("SELECT (1 AS ?x) { # comment\r}"))  # `\r` ends a comment
    with pytest.raises(SyntaxError):  # `\u` is not expanded outside strings and IRIs
        s.query("SELECT * { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    x = next(iter(s.query('SELECT ("\\u0022" AS ?x) {}')))["x"]
    assert x.value == '"'  # … and inside a string it does not end the string


def test_guard_is_linear_on_the_reported_20kb_query():
    """The old guard ran rdflib's parser (16 s, on the event loop). Now: a linear scan in the worker."""
    import time

    big = "SELECT * WHERE { ?s ?p ?o # service\n FILTER(?o IN (" + ",".join(f'"v{i}"' for i in range(5000)) + ")) }"
    t0 = time.process_time()
    guard.check(big)
    assert time.process_time() - t0 < 2.0


def test_barrier_without_root_is_seccomp_and_says_why():
    """Not root: no network namespace (said so), the seccomp filter still holds."""
    import os

    from kg.serve import sandbox

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.close(r)
            if os.geteuid() == 0:
                os.setresgid(65534, 65534, 65534)
                os.setresuid(65534, 65534, 65534)
            active, why = sandbox.install(("seccomp", "netns"))
            try:
                socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                opened = "opened"
            except PermissionError:
                opened = "denied"
            os.write(w, f"{','.join(active)}|{';'.join(why)}|{opened}".encode())
        finally:
            os._exit(0)
    os.close(w)
    out = os.read(r, 4096).decode()
    os.waitpid(pid, 0)
    active, why, opened = out.split("|")
    assert active == "seccomp" and "root" in why and opened == "denied", out


def test_guard_fails_closed_when_the_walk_is_too_long(monkeypatch):
    """The walk has a linear step budget; a text that exhausts it is refused, not waved through."""
    q = "SELECT * WHERE { ?s ?p 'x' } # service"
    assert guard.service_refusal(q) is None
    monkeypatch.setattr(guard._Steps, "__init__", lambda self, n: setattr(self, "left", 0))
    assert "too complex to check" in guard.service_refusal(q)
