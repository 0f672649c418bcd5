"""Regression tests for the HTTP surface of `kg serve` (issue 12): client errors are 4xx with a short
message, downloads are exactly the release's files, no script can be injected through the data,
security headers on every response, links that stay right behind a public base IRI with a path,
FAIR Signposting, embedded JSON-LD, VoID licence, short syntax errors, bounded request heads.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pyoxigraph as ox
import pytest
from serve_helpers import BASE, FIXTURE, K1_2025, K3_2025, run_server, write_manifest

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
K1_PATH = "/plan/inkluderende-innlandet/programme/2025/measure/K1"
K3_PATH = "/plan/inkluderende-innlandet/programme/2025/measure/K3"
NLOD = "http://data.norge.no/nlod/no/2.0"
BREAKOUT = "</script><script>alert(2)</script>"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


def _store(base: str = BASE, extra: list[ox.Quad] = ()) -> ox.Store:
    """The mini dataset with its instance IRIs moved under `base` (the ontology stays), plus `extra`."""
    from kg.store import materialise_union

    text = re.sub(r"https://w3id\.org/regplan/(?!ontology)", base, FIXTURE.read_text(encoding="utf-8"))
    store = ox.Store()
    store.load(text.encode(), format=ox.RdfFormat.TRIG)
    for q in extra:
        store.add(q)
    materialise_union(store)
    return store


def _client(tmp: Path, store: ox.Store, base: str = BASE, **settings):
    from starlette.testclient import TestClient

    from kg.serve.app import Settings, create_app

    build = tmp / "build"
    build.mkdir(exist_ok=True)
    app = create_app(store, Settings(base_iri=base, build_dir=build, **settings))
    return app, TestClient(app)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Data with a javascript: IRI, a data: IRI, a javascript: type and a literal that tries to close <script>."""
    k3 = ox.NamedNode(K3_2025)
    g = ox.NamedNode(BASE + "graph/test-hostile")
    extra = [
        ox.Quad(k3, ox.NamedNode(RDFS + "seeAlso"), ox.NamedNode("javascript:alert(document.cookie)"), g),
        ox.Quad(k3, ox.NamedNode(RDFS + "seeAlso"), ox.NamedNode("data:text/html,%3Cb%3Ex"), g),
        ox.Quad(k3, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode("javascript:void(0)"), g),
        ox.Quad(k3, ox.NamedNode(RDFS + "comment"), ox.Literal(BREAKOUT), g),
    ]
    app, c = _client(tmp_path_factory.mktemp("hostile"), _store(extra=extra))
    with c:
        yield c
    app.state.kg.pool.close()


# ---------------------------------------------------------------- finding 6: client errors are 4xx


@pytest.mark.parametrize("query", ["# only a comment", "PREFIX ex: <http://example.org/>",
                                   "  # a comment\nPREFIX : <http://example.org/>\nBASE <http://example.org/>\n# end"])
def test_prologue_only_query_is_400(client, query):
    for r in (client.get("/sparql", params={"query": query}),
              client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})):
        assert r.status_code == 400, r.text
        assert "SELECT, ASK, CONSTRUCT or DESCRIBE" in r.text and len(r.text) < 200


@pytest.mark.parametrize("param,value", [("default-graph-uri", "not an iri"), ("default-graph-uri", "relative/graph"),
                                         ("named-graph-uri", "<http://example.org/g>"), ("named-graph-uri",
                                                                                         "http://x/\x00")])
def test_dataset_parameter_that_is_not_an_iri_is_400(client, param, value):
    r = client.get("/sparql", params={"query": "ASK {}", param: value})
    assert r.status_code == 400, r.text
    assert param in r.text and "absolute IRI" in r.text and len(r.text) < 300


@pytest.mark.parametrize("path", ["/x%20y", "/x%00", "/x%3Cy", "/x%7Cy", "/x%5Cy", "/x%7By", "/x%5Ey",
                                  "/actor/n%20av.ttl", "/plan/%00/K1"])
def test_resource_path_with_iri_illegal_characters_is_404(client, path):
    for headers in ({"Accept": "text/turtle"}, HTML):
        r = client.get(path, headers=headers)
        assert r.status_code == 404, (path, r.status_code, r.text[:200])
        assert "not in this dataset" in r.text and len(r.content) < 4000


def test_head_on_sparql_is_get_without_body(client):
    for params in ({}, {"query": "ASK {}"}):
        get = client.get("/sparql", params=params)
        head = client.head("/sparql", params=params)
        assert head.status_code == get.status_code == 200
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.content))
    assert client.options("/sparql").status_code in (200, 204)


def test_syntax_error_is_line_column_and_caret(client):
    q = "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?x = ) }"
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 400
    lines = r.text.splitlines()
    assert lines[0].startswith("SPARQL syntax error at line 3, column ")
    col = int(lines[0].rsplit(" ", 1)[1].rstrip(":"))
    assert lines[1] == "    FILTER(?x = ) }"
    assert lines[2] == "  " + " " * (col - 1) + "^"
    assert len(r.text) < 300 and "ABS, AVG" not in r.text  # not the parser's whole expected-token list


def test_syntax_error_in_a_long_line_shows_a_window(client):
    q = "SELECT * WHERE { " + "?s ?p ?o . " * 200 + " FILTER(?x = ) }"
    r = client.get("/sparql", params={"query": q})
    assert r.status_code == 400 and "line 1, column" in r.text and len(r.text) < 400
    assert r.text.splitlines()[2].strip() == "^"


# ---------------------------------------------------------------- finding 7: files


def _build(tmp: Path, manifest: dict | None) -> Path:
    build = tmp / "build"
    build.mkdir()
    (build / "dataset.nq").write_bytes(b"<http://e/s> <http://e/p> <http://e/o> <http://e/g> .\n")
    (build / "dataset.trig").write_bytes(b"<http://e/g> { <http://e/s> <http://e/p> <http://e/o> . }\n")
    (build / "serve.log").write_text("INFO 127.0.0.1 GET /secret\n")
    (build / "kg.pid").write_text("4242\n")
    (build / "notes.txt").write_text("not published\n")
    (tmp / "secret.txt").write_text("outside the build folder\n")
    (build / "link.nq").symlink_to(tmp / "secret.txt")
    if manifest is not None:
        (build / "manifest.json").write_text(json.dumps(manifest))
    return build


def _downloads_client(tmp: Path, manifest: dict | None):
    from starlette.testclient import TestClient

    from kg.serve.app import Settings, create_app

    build = _build(tmp, manifest)
    app = create_app(_store(), Settings(base_iri=BASE, build_dir=build), dataset_path=build / "dataset.nq")
    return app, TestClient(app), build


def test_downloads_are_exactly_the_manifest_files(tmp_path):
    nq = b"<http://e/s> <http://e/p> <http://e/o> <http://e/g> .\n"
    sha = hashlib.sha256(nq).hexdigest()
    manifest = {"files": {
        "dataset.nq": {"sha256": sha, "bytes": len(nq)},
        "dataset.trig": {"sha256": "0" * 64, "bytes": 3},            # wrong size: not offered
        "../secret.txt": {"bytes": 25}, "link.nq": {"bytes": 25},      # a path, a symlink: never
        "missing.nq": {"bytes": 1},                                     # listed but absent
    }}
    app, c, build = _downloads_client(tmp_path, manifest)
    try:
        r = c.get("/download/dataset.nq")
        assert r.status_code == 200 and r.content == nq and r.headers["content-type"].startswith("application/n-quads")
        import base64
        assert r.headers["repr-digest"] == "sha-256=:" + base64.b64encode(bytes.fromhex(sha)).decode() + ":"
        for name in ("serve.log", "kg.pid", "notes.txt", "manifest.json", "dataset.trig", "link.nq", "missing.nq",
                     "..%2Fsecret.txt", "%2E%2E%2Fsecret.txt"):
            r = c.get("/download/" + name)
            assert r.status_code == 404, name
            assert b"4242" not in r.content and b"outside" not in r.content
        index = c.get("/download/", headers=HTML)
        assert index.status_code == 200
        assert re.findall(r'<a href="([^"]+)" type=', index.text) == ["./dataset.nq"] and sha in index.text
        js = c.get("/download/", headers={"Accept": "application/json"}).json()
        assert [(f["name"], f["bytes"], f["sha256"], f["url"]) for f in js["files"]] == [
            ("dataset.nq", len(nq), sha, BASE + "download/dataset.nq")]
        landing = c.get("/").text
        assert "download/dataset.nq" in landing and "serve.log" not in landing and "dataset.trig" not in landing
    finally:
        app.state.kg.pool.close()


@pytest.mark.parametrize("manifest,note", [(None, "manifest.json is missing"), ({"graphs": {}}, "lists no files")])
def test_no_manifest_files_means_no_downloads(tmp_path, manifest, note):
    app, c, build = _downloads_client(tmp_path, manifest)
    try:
        for name in ("dataset.nq", "dataset.trig", "serve.log"):
            assert c.get("/download/" + name).status_code == 404
        index = c.get("/download/", headers=HTML).text
        assert "Ingen nedlastinger" in index and note in index
        js = c.get("/download/", headers={"Accept": "application/json"}).json()
        assert js["files"] == [] and note in js["note"]
        assert "Ingen nedlastinger" in c.get("/").text
    finally:
        app.state.kg.pool.close()


@pytest.mark.slow
def test_real_server_does_not_serve_its_own_log(server):
    for name in ("server.log", "manifest.json"):
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(f"{server}/download/{name}", timeout=5)
        assert e.value.code == 404
    assert urllib.request.urlopen(f"{server}/download/dataset.nq", timeout=5).status == 200


def test_only_http_and_mailto_iris_become_links(hostile):
    html = hostile.get(K3_PATH, headers=HTML).text
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and not [h for h in hrefs if not re.match(r"(https?:|mailto:|\./|\.\./)", h)], hrefs
    assert "javascript:alert(document.cookie)" in html  # shown as text …
    assert 'href="javascript' not in html and 'href="data:' not in html  # … never as a link
    assert "data:text/html,%3Cb%3Ex" in html
    link = hostile.get(K3_PATH, headers={"Accept": "text/turtle"}).headers["link"]
    assert "javascript" not in link
    js = (Path(__file__).parent.parent / "kg" / "web" / "static" / "query.js").read_text()
    assert "https?:\\/\\/|mailto:" in js  # the query page's result links use the same rule


def test_embedded_json_ld_cannot_break_out_of_its_script_element(hostile):
    html = hostile.get(K3_PATH, headers=HTML).text
    assert BREAKOUT not in html and "alert(2)" in html
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    assert html.count("<script") == html.count("</script>") == 1  # nothing in the data opened or closed one
    triples = list(ox.parse(blocks[0].encode(), format=ox.RdfFormat.JSON_LD))
    assert any(t.object == ox.Literal(BREAKOUT) for t in triples)
    assert any(t.subject.value == K3_2025 and t.predicate.value.endswith("measureId") and t.object.value == "K3"
               for t in triples)


# ---------------------------------------------------------------- security headers


def test_security_headers_on_every_response(client):
    responses = [
        client.get("/"), client.get(K1_PATH, headers=HTML), client.get(K1_PATH + ".ttl"), client.get("/query"),
        client.get("/sparql", params={"query": "ASK {}"}), client.post("/sparql", data={"query": "ASK {"}),
        client.head("/sparql"), client.get("/static/style.css"), client.get("/nothing/here", headers=HTML),
        client.get("/download/serve.log"), client.get("/download/"), client.put("/sparql"),
    ]
    for r in responses:
        csp = r.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, (r.url, r.status_code)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_pages_need_no_inline_script_or_style(client):
    """The CSP allows no inline code: pages may only hold scripts with src= and JSON data blocks."""
    for path in ("/", K1_PATH, "/actor/nav", "/query", "/download/", "/nothing/here", "/search?q=ungdom",
                 "/measures?programme=plan/inkluderende-innlandet/programme/2025", "/source/hp2025/text", "/places"):
        html = client.get(path, headers=HTML).text
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or re.search(r'type="application/(ld\+)?json"', tag), (path, tag)
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html), path


# ---------------------------------------------------------------- finding 10: links behind a base with a path


PUBLIC = "https://data.example.org/kg/"


@pytest.fixture(scope="module")
def behind_base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("base")
    app, c = _client(tmp, _store(PUBLIC), base=PUBLIC)
    build = tmp / "build"
    (build / "dataset.nq").write_bytes(b"")
    write_manifest(build, ["dataset.nq"])
    with c:
        yield c
    app.state.kg.pool.close()


def _served(c, public_url: str) -> None:
    """A URL the page links to lies under the public base and this server answers it."""
    assert public_url.startswith(PUBLIC), public_url
    path = "/" + urlsplit(public_url).path[len(urlsplit(PUBLIC).path):]
    r = c.get(path, params=parse_qsl(urlsplit(public_url).query) or None, headers=HTML)  # decoded: no double %-encoding
    assert r.status_code == 200, (public_url, r.status_code)


@pytest.mark.parametrize("path", ["", "plan/inkluderende-innlandet/programme/2025/measure/K1", "actor/nav",
                                  "actor/karriere-innlandet", "query", "download/", "place/municipality/3403",
                                  "search", "search?q=ungdom", "search?q=ungdom&year=2025", "measures",
                                  "measures?programme=plan/inkluderende-innlandet/programme/2025",
                                  "measures?programme=plan/inkluderende-innlandet/programme/2025&sort=title&dir=desc",
                                  "source/hp2025/text", "plan/inkluderende-innlandet/programme/2025", "places"])
def test_every_link_resolves_under_a_public_base_with_a_path(behind_base, path):
    r = behind_base.get("/" + path, headers=HTML)
    assert r.status_code == 200
    page_url = PUBLIC + path
    targets = re.findall(r'(?:href|src)="([^"]*)"', r.text)
    local = {urljoin(page_url, t.replace("&amp;", "&")).split("#")[0] for t in targets
             if not t.startswith(("https://data.norge.no", "http://data.norge.no", "https://schema.org", "mailto:"))
             and not (t.startswith("http") and not t.startswith(PUBLIC)) and t != "#"}
    assert local
    for url in sorted(local):
        _served(behind_base, url)


def test_link_and_content_location_headers_resolve_under_the_base(behind_base):
    url = PUBLIC + "plan/inkluderende-innlandet/programme/2025/measure/K1"
    r = behind_base.get(urlsplit(url).path[len("/kg"):], headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    assert urljoin(url, r.headers["content-location"]) == url + ".ttl"
    alternates = re.findall(r'<([^>]+)>; rel="alternate"', r.headers["link"])
    assert {urljoin(url, a) for a in alternates} == {url + s for s in (".ttl", ".jsonld", ".nt", ".rdf", ".html")}
    for a in alternates:
        _served(behind_base, urljoin(url, a))


def test_link_header_on_the_default_base(client):
    r = client.get(K1_PATH, headers={"Accept": "application/ld+json"})
    assert urljoin(K1_2025, r.headers["content-location"]) == K1_2025 + ".jsonld"
    assert not re.search(r"<(/[^>]*)>", r.headers["link"])  # no host-absolute path (would leave /regplan/)


# ---------------------------------------------------------------- finding 10: signposting, JSON-LD, VoID licence


def _links(header: str) -> list[tuple[str, str, str | None]]:
    out = []
    for m in re.finditer(r'<([^>]*)>((?:\s*;\s*[a-z]+="[^"]*")*)', header):
        attrs = dict(re.findall(r'([a-z]+)="([^"]*)"', m.group(2)))
        out.append((m.group(1), attrs.get("rel"), attrs.get("type")))
    return out


def test_resource_signposting_headers_and_html(client):
    r = client.get(K1_PATH, headers={"Accept": "text/turtle"})
    links = _links(r.headers["link"])
    assert (K1_2025, "cite-as", None) in links
    assert {(urljoin(K1_2025, t), mt) for t, rel, mt in links if rel == "describedby"} == {
        (K1_2025 + ".ttl", "text/turtle"), (K1_2025 + ".jsonld", "application/ld+json"),
        (K1_2025 + ".nt", "application/n-triples"), (K1_2025 + ".rdf", "application/rdf+xml")}
    assert ("https://w3id.org/regplan/ontology#Measure", "type", None) in links
    assert (NLOD, "license", None) in links
    page = client.get(K1_PATH, headers=HTML)
    assert ("https://schema.org/AboutPage", "type", None) in _links(page.headers["link"])
    head = page.text.split("</head>")[0]
    assert f'<link rel="cite-as" href="{K1_2025}">' in head
    assert f'<link rel="license" href="{NLOD}">' in head
    assert '<link rel="describedby" href="./K1.ttl" type="text/turtle">' in head
    assert '<link rel="type" href="https://w3id.org/regplan/ontology#Measure">' in head


def test_landing_signposting_and_json_ld(client):
    r = client.get("/")
    links = _links(r.headers["link"])
    assert (BASE, "cite-as", None) in links and (NLOD, "license", None) in links
    assert ("./download/dataset.nq", "item", "application/n-quads") in links
    assert ("./download/dataset.trig", "item", "application/trig") in links
    assert ("https://schema.org/Dataset", "type", None) in links
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', r.text, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Dataset" and data["license"] == NLOD
    assert {d["contentUrl"] for d in data["distribution"]} == {BASE + "download/dataset.nq",
                                                               BASE + "download/dataset.trig"}
    triples = list(ox.parse(block.encode(), format=ox.RdfFormat.JSON_LD))  # valid JSON-LD
    assert any(t.predicate.value == "https://schema.org/license" and t.object.value == NLOD for t in triples)


def test_resource_page_embeds_its_description_as_json_ld(client):
    html = client.get(K1_PATH, headers=HTML).text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    got = {(t.subject, t.predicate, t.object) for t in ox.parse(block.encode(), format=ox.RdfFormat.JSON_LD)}
    ttl = client.get(K1_PATH + ".ttl").content
    want = {(t.subject, t.predicate, t.object) for t in ox.parse(ttl, format=ox.RdfFormat.TURTLE)}
    assert got == want and len(got) > 16


def test_void_states_the_licence(client):
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    triples = list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))
    assert any(t.subject.value == BASE + "dataset" and t.predicate.value == "http://purl.org/dc/terms/license"
               and t.object.value == NLOD for t in triples)


# ---------------------------------------------------------------- slow bodies (in-process) and heads (real server)


def test_slow_post_body_gets_408(tmp_path):
    import anyio
    from serve_helpers import make_app

    app = make_app(tmp_path, body_timeout=0.5)
    sent = []

    async def receive():
        if not sent:
            sent.append(1)
            return {"type": "http.request", "body": b"query=ASK", "more_body": True}
        await anyio.sleep(30)  # the client stops sending

    messages = []

    async def send(m):
        messages.append(m)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/sparql", "raw_path": b"/sparql", "query_string": b"", "root_path": "",
             "headers": [(b"content-type", b"application/x-www-form-urlencoded"), (b"host", b"testserver")],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    try:
        t0 = time.monotonic()
        anyio.run(app, scope, receive, send)
        assert time.monotonic() - t0 < 5
        assert messages[0]["status"] == 408
        assert b"not received within 0.5 s" in b"".join(m.get("body", b"") for m in messages[1:])
    finally:
        app.state.kg.pool.close()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    with run_server(tmp_path_factory.mktemp("guarded"), "--header-timeout", "1.5") as url:
        yield url


def _connect(url: str) -> socket.socket:
    host, port = urlsplit(url).hostname, urlsplit(url).port
    return socket.create_connection((host, port), timeout=5)


def _read_all(s: socket.socket, limit: float) -> tuple[bytes, float]:
    """Read until the server closes (or `limit` s pass); returns (bytes, seconds until closed)."""
    t0, buf = time.monotonic(), b""
    s.settimeout(0.2)
    while time.monotonic() - t0 < limit:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        except ConnectionError:
            break
        if not chunk:
            break
        buf += chunk
    return buf, time.monotonic() - t0


def _status(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1]) if raw.startswith(b"HTTP/1.") else 0


@pytest.mark.slow
def test_slowloris_headers_are_cut_off(guarded):
    s = _connect(guarded)
    t0 = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    closed_at, got = None, b""
    served_meanwhile = None
    for i in range(24):  # one header line every 0.25 s, 6 s in all unless the server closes first
        try:
            s.sendall(f"X-Slow-{i}: a\r\n".encode())
        except (BrokenPipeError, ConnectionResetError):
            closed_at = time.monotonic() - t0
            break
        if i == 2:  # another client is answered at once meanwhile
            t1 = time.monotonic()
            urllib.request.urlopen(guarded + "/sparql?query=ASK%7B%7D", timeout=5).read()
            served_meanwhile = time.monotonic() - t1
        s.settimeout(0.25)
        try:
            chunk = s.recv(4096)
            got += chunk
            if not chunk or b"408" in got:
                closed_at = time.monotonic() - t0
                break
        except socket.timeout:
            pass
    s.close()
    assert closed_at is not None and closed_at < 3.5, closed_at  # 1.5 s head limit (+ slack for a busy machine)
    assert not got or _status(got) == 408
    assert served_meanwhile is not None and served_meanwhile < 2


@pytest.mark.slow
def test_silent_connection_is_closed(guarded):
    s = _connect(guarded)
    raw, secs = _read_all(s, 6)
    s.close()
    assert _status(raw) == 408 and 1.0 < secs < 3.5, (raw[:80], secs)


@pytest.mark.slow
def test_oversized_request_head_is_431(guarded):
    for head in (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n",
                 b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                 b"GET / HTTP/1.1\r\nHost: x\r\nX-Unfinished: " + b"a" * 40_000):  # never completed
        s = _connect(guarded)
        s.sendall(head)
        raw, secs = _read_all(s, 4)
        s.close()
        assert _status(raw) == 431 and secs < 1.0, raw[:80]


@pytest.mark.slow
def test_many_slow_clients_do_not_stall_others(guarded):
    socks = []
    for _ in range(50):
        s = _connect(guarded)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        socks.append(s)
    try:
        t0 = time.monotonic()
        for _ in range(5):
            urllib.request.urlopen(guarded + "/sparql?query=ASK%7B%7D", timeout=5).read()
        assert time.monotonic() - t0 < 3
    finally:
        for s in socks:
            s.close()


@pytest.mark.slow
def test_keep_alive_requests_still_work(guarded):
    s = _connect(guarded)
    for _ in range(3):
        s.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n")
        buf = b""
        s.settimeout(5)
        while b'"boolean": true}' not in buf:
            chunk = s.recv(65536)
            assert chunk
            buf += chunk
        assert _status(buf) == 200
    s.close()


@pytest.mark.slow
@pytest.mark.parametrize("path", [b"/x<y", b"/x|y", b"/x\\y", b"/x{y", b"/x^y", b"/x%00y", b"/x%20y"])
def test_raw_illegal_characters_in_a_path_are_4xx(guarded, path):
    s = _connect(guarded)
    s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nAccept: text/turtle\r\nConnection: close\r\n\r\n")
    raw, _ = _read_all(s, 5)
    s.close()
    assert 400 <= _status(raw) < 500, raw[:200]


@pytest.mark.slow
def test_head_sparql_over_http(guarded):
    import http.client

    u = urlsplit(guarded)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=5)
    c.request("HEAD", "/sparql")
    r = c.getresponse()
    assert r.status == 200 and r.read() == b"" and r.getheader("content-type").startswith("text/turtle")
    c.request("HEAD", "/sparql?query=ASK%7B%7D")
    r = c.getresponse()
    assert r.status == 200 and r.read() == b"" and "sparql-results" in r.getheader("content-type")
    c.close()
