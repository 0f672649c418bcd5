"""The check page of `kg serve` (/check, issue 13) on the real build: a publisher uploads the workbook, its CSV
form as a zip, or an RDF file and gets kg import's cell report and kg validate's SHACL report, in nb or en,
downloadable as Turtle and JSON; bad uploads get 400/413/415 pages, nothing is left on disk."""

from __future__ import annotations

import base64
import html
import io
import json
import re
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import rdflib
from markupsafe import escape
from serve_helpers import app_client

from kg import config
from kg.checking import check_upload
from kg.store import load_store
from kg.workbook import template
from kg.workbook.export import export_dataset

USER_ERRORS = Path(__file__).parent / "fixtures" / "validate" / "user_errors.ttl"   # 6 Violations (test_validate_cli)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    """The flagship workbook, exported from the committed records (as `kg export-template` writes it)."""
    d = tmp_path_factory.mktemp("check-wb")
    rows = export_dataset(config.RECORDS, config.AUTHORITY / "actors.yaml")
    template.write(d / "workbook.xlsx", rows)
    template.write(d / "csv", rows, as_csv=True)
    return d, rows


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("check-scratch")


@pytest.fixture(scope="module")
def check_client(built_dataset, scratch):
    with app_client(built_dataset, check_tmp=str(scratch)) as c:
        yield c


def post(client, name: str, data: bytes, lang: str = "nb", **kw):
    return client.post(f"/check?lang={lang}", files={"file": (name, data)}, **kw)


def downloads(page: str) -> dict[str, bytes]:
    """The report downloads of a page: {file name: bytes of its data: URI}."""
    out = {}
    for href, name in re.findall(r'<a href="(data:[^"]+)" download="([^"]+)"', page):
        out[name] = base64.b64decode(html.unescape(href).split("base64,", 1)[1])
    return out


def test_form_in_nb_and_en(check_client):
    nb = check_client.get("/check")
    assert nb.status_code == 200 and '<html lang="nb">' in nb.text
    assert 'enctype="multipart/form-data"' in nb.text and 'type="file"' in nb.text and 'accept=".xlsx,.zip,' in nb.text
    assert "Sjekk dataene dine" in nb.text and "Høyst 10 MB" in nb.text
    en = check_client.get("/check", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in en.text and "Check your data" in en.text and "At most 10 MB" in en.text
    assert check_client.get("/check?lang=en").text.count("Check your data") >= 2
    assert 'href="./check">Sjekk data</a>' in check_client.get("/").text   # the site navigation links to it


def test_real_workbook_has_no_import_errors_and_no_violations(check_client, workbook, scratch):
    d, _ = workbook
    t0 = time.perf_counter()
    r = post(check_client, "workbook.xlsx", (d / "workbook.xlsx").read_bytes())
    seconds = time.perf_counter() - t0
    assert r.status_code == 200, r.text[-500:]
    page = r.text
    assert "Ingen brudd på SHACL-profilen." in page and "Ingen feil eller advarsler i cellene." in page
    files = downloads(page)
    data = json.loads(files["workbook-check.json"])
    assert data["import"]["errors"] == 0 and data["kind"] == "xlsx"
    counts = data["validation"]["counts"]
    assert counts["Violation"] == 0 and counts["Warning"] + counts["Info"] == len(data["validation"]["results"]) > 0
    # each SHACL result on the page, grouped by focus node: a measure names its workbook row
    assert page.count('<details class="check-node') == len({json.dumps(x["focusNode"]) for x in
                                                             data["validation"]["results"]})
    assert re.search(r"arbeidsbok Tiltak!\d+", page)
    g = rdflib.Graph().parse(data=files["workbook-report.ttl"].decode(), format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert len(list(g.subjects(rdflib.RDF.type, sh.ValidationResult))) == len(data["validation"]["results"])
    assert list(scratch.iterdir()) == []   # nothing kept on disk
    print(f"real workbook: {data['import']['errors']} import errors, {counts} in {seconds:.2f} s "
          f"(check {data['seconds']} s)")


def test_same_report_as_kg_validate_on_the_build(workbook, built_dataset):
    """The workbook's check finds exactly what `kg validate` finds on the real build for the measures, actors and
    places the workbook holds (the build also has the grant round and another county's plan, not in a workbook)."""
    from kg.validate import validate_dataset

    d, _ = workbook
    r = check_upload("workbook.xlsx", (d / "workbook.xlsx").read_bytes())
    assert r.import_errors == 0 and r.counts["Violation"] == 0 and r.validated
    full = json.loads(validate_dataset([Path(built_dataset)]).to_json())

    def key(x):
        return x["severity"], json.dumps(x["focusNode"]), json.dumps(x["sourceShape"]), x["resultPath"]

    mine, build = {key(x) for x in r.validation["results"]}, {key(x) for x in full["results"]}
    assert mine <= build and len(mine) == len(r.validation["results"])
    assert all("grant-round" in k[1] or "/plan/nordland" in k[1] for k in build - mine)


def test_csv_zip_is_checked_like_the_workbook(check_client, workbook):
    d, _ = workbook
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted((d / "csv").glob("*.csv")):
            z.write(f, f"csv/{f.name}")
    r = post(check_client, "workbook.zip", buf.getvalue(), lang="en")
    assert r.status_code == 200, r.text[-500:]
    data = json.loads(downloads(r.text)["workbook-check.json"])
    assert data["kind"] == "csv-zip" and data["import"]["errors"] == 0 and data["validation"]["counts"]["Violation"] == 0
    assert "No violations of the SHACL profile." in r.text


def test_typo_in_an_actor_name_is_shown_with_its_cell(check_client, workbook, tmp_path):
    _, rows = workbook
    rows = {k: [dict(r) for r in v] for k, v in rows.items()}
    first = rows["Tiltak"][0]
    assert first["responsible"] == ["Statsforvalteren"]
    first["responsible"] = ["Statsforvaltern"]
    template.write(tmp_path / "typo.xlsx", rows)
    for lang, verdict in (("nb", "Arbeidsboka har importfeil"), ("en", "The workbook has import errors")):
        r = post(check_client, "typo.xlsx", (tmp_path / "typo.xlsx").read_bytes(), lang=lang)
        assert r.status_code == 200
        data = json.loads(downloads(r.text)["typo-check.json"])
        issue = next(i for i in data["import"]["issues"] if i["check"] == "actor-ref")
        assert issue["value"] == "Statsforvaltern" and re.fullmatch(r"Tiltak![A-Z]+2", issue["ref"])
        assert data["import"]["errors"] >= 1 and data["validation"] is None   # as kg import stops: nothing built
        assert f"<code>{issue['ref']}</code>" in r.text and "Statsforvaltern" in r.text and verdict in r.text
        assert "Statsforvalteren" in issue["hint"] and str(escape(issue["hint"])) in r.text


def test_turtle_with_violations_is_reported(check_client):
    r = post(check_client, "user_errors.ttl", USER_ERRORS.read_bytes(), lang="en")
    assert r.status_code == 200
    data = json.loads(downloads(r.text)["user_errors-check.json"])
    assert data["validation"]["counts"]["Violation"] == 6 and data["validation"]["conforms"] is False
    assert "The data violates the SHACL profile" in r.text and "Violation" in r.text
    en_message = next(x["messages"]["en"] for x in data["validation"]["results"] if x["severity"] == "Violation")
    assert str(escape(en_message)) in r.text
    nb = post(check_client, "user_errors.ttl", USER_ERRORS.read_bytes(), lang="nb").text
    nb_message = next(x["messages"]["nb"] for x in data["validation"]["results"] if x["severity"] == "Violation")
    assert str(escape(nb_message)) in nb and "Brudd" in nb
    g = rdflib.Graph().parse(data=downloads(r.text)["user_errors-report.ttl"].decode(), format="turtle")
    assert (None, rdflib.URIRef("http://www.w3.org/ns/shacl#conforms"), rdflib.Literal(False)) in g


def test_too_large_is_413(check_client, scratch):
    r = post(check_client, "big.ttl", b"#" * (11 * 1024 * 1024))
    assert r.status_code == 413 and "10 MB" in r.text and "<form" in r.text
    assert list(scratch.iterdir()) == []


def test_zip_with_dotdot_member_is_400(check_client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../Tiltak.csv", "x\n")
    r = post(check_client, "evil.zip", buf.getvalue(), lang="en")
    assert r.status_code == 400 and "'..'" in html.unescape(r.text)


def test_zip_bomb_is_400(check_client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Tiltak.csv", b"a" * (20 * 1024 * 1024))
    r = post(check_client, "bomb.zip", buf.getvalue(), lang="en")
    assert r.status_code == 400 and "zip bomb" in r.text
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for i in range(1001):
            z.writestr(f"f{i}.csv", "")
    assert post(check_client, "many.zip", many.getvalue()).status_code == 400


@pytest.mark.parametrize("name,data,status", [
    ("garbage.ttl", b"this is { not turtle", 400),
    ("garbage.xlsx", b"\x00\x01\x02 not a workbook", 400),
    ("renamed.xlsx", b"@prefix ex: <http://example.org/> .\n", 400),
    ("empty.ttl", b"", 400),
    ("notes.docx", b"PK\x03\x04...", 415),
])
def test_client_mistakes_get_a_page_not_a_500(check_client, name, data, status):
    r = post(check_client, name, data, lang="en")
    assert r.status_code == status, r.text[-300:]
    assert "The file could not be checked" in r.text and "Traceback" not in r.text


def test_no_file_and_wrong_content_type(check_client):
    assert check_client.post("/check", files={"other": ("x.ttl", b"")}).status_code == 400
    assert check_client.post("/check", content=b"a=b",
                             headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 415


def test_jsonld_with_remote_context_is_refused_without_a_request(check_client):
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.end_headers()
            self.wfile.write(b'{"@context": {"name": "http://schema.org/name"}}')

        def log_message(self, *a):
            pass

    srv = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{srv.server_port}/context.jsonld"
        doc = {"@context": url, "@id": "http://example.org/x", "name": "x"}
        r = post(check_client, "remote.jsonld", json.dumps(doc).encode(), lang="en")
        assert r.status_code == 400 and "remote @context" in r.text and url in r.text
        nested = {"@context": {"@vocab": "http://example.org/"}, "@graph": [{"@context": [url], "@id": "x"}]}
        assert post(check_client, "nested.jsonld", json.dumps(nested).encode()).status_code == 400
        time.sleep(0.2)
        assert hits == []
    finally:
        srv.shutdown()
    inline = {"@context": {"rp": "https://w3id.org/regplan/ontology#"}, "@id": "http://example.org/m",
              "@type": "rp:Measure"}
    r = post(check_client, "inline.jsonld", json.dumps(inline).encode(), lang="en")
    assert r.status_code == 200 and json.loads(downloads(r.text)["inline-check.json"])["validation"]["counts"]["Violation"] > 0


def _app(built_dataset, **settings):
    from kg.serve.app import Settings, create_app

    return create_app(load_store(built_dataset), Settings(base_iri="https://w3id.org/regplan/",
                                                          build_dir=Path(built_dataset).parent, **settings),
                      dataset_path=built_dataset)


def test_a_check_over_its_time_is_stopped_504_and_leaves_nothing(built_dataset, workbook, tmp_path):
    from starlette.testclient import TestClient

    d, _ = workbook
    app = _app(built_dataset, check_timeout=0.4, check_tmp=str(tmp_path))
    try:
        with TestClient(app) as c:
            t0 = time.perf_counter()
            r = post(c, "workbook.xlsx", (d / "workbook.xlsx").read_bytes(), lang="en")
            assert r.status_code == 504 and "0.4 s" in r.text and "kg import --check" in r.text
            assert time.perf_counter() - t0 < 5
            assert list(tmp_path.iterdir()) == []   # the killed worker's scratch folder is gone too
            assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200   # SPARQL still answers
    finally:
        app.state.kg.pool.close()


def test_checks_beyond_the_limit_get_503_with_retry_after(built_dataset):
    from starlette.testclient import TestClient

    app = _app(built_dataset, check_parallel=0)
    try:
        with TestClient(app) as c:
            r = post(c, "x.ttl", b"<http://example.org/a> <http://example.org/b> 1 .\n")
            assert r.status_code == 503 and int(r.headers["Retry-After"]) > 0
    finally:
        app.state.kg.pool.close()


def test_no_check_turns_the_page_off(built_dataset):
    from starlette.testclient import TestClient

    app = _app(built_dataset, check_enabled=False)
    try:
        with TestClient(app) as c:
            assert c.post("/check", files={"file": ("x.ttl", b"")}).status_code in (404, 405)
            assert 'check">Sjekk data</a>' not in c.get("/").text
    finally:
        app.state.kg.pool.close()


def test_a_slow_upload_gets_408(tmp_path):
    """A real server (uvicorn, in a thread) on the mini dataset: an upload that stalls past the body timeout."""
    import socket

    import uvicorn
    from serve_helpers import free_port, make_app

    app = make_app(tmp_path, check_body_timeout=1.0)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(b"POST /check?lang=en HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                      b"Content-Length: 100000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; "
                      b"filename=\"x.ttl\"\r\n\r\n# a slow sender")
            t0 = time.monotonic()
            answer = b""
            while b"</html>" not in answer:
                chunk = s.recv(65536)
                if not chunk:
                    break
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408") and b"did not arrive within 1 s" in answer
        assert time.monotonic() - t0 < 5
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.kg.pool.close()


def test_json_for_a_client_that_asks_for_it(check_client):
    r = post(check_client, "user_errors.ttl", USER_ERRORS.read_bytes(), headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json()["validation"]["counts"]["Violation"] == 6
    bad = post(check_client, "x.ttl", b"", headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "empty" in bad.json()["error"]
    assert check_client.head("/check").status_code == 200
