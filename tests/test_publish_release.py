"""`kg publish`: release layout, dumps, tables, checksums, atomicity, --force, changelog, site."""

from __future__ import annotations

import csv
import gzip
import json
import re
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.publish import checksums
from kg.publish import release as rel
from kg.publish.release import ReleaseError, release

FIXTURE = Path(__file__).parent / "fixtures" / "publish"   # the publish fixture (conftest.publish_fixture)
BASE = "https://w3id.org/regplan/"
QUIET = lambda *a, **k: None  # noqa: E731


@pytest.fixture(scope="module")
def fx_release(tmp_path_factory, fixture_inputs) -> Path:
    out = tmp_path_factory.mktemp("rel") / "0.1.0"
    return release("0.1.0", out, inputs=fixture_inputs(), log=QUIET)


def _quads(path: Path, fmt) -> list:
    return list(ox.parse(path=str(path), format=fmt))


def test_release_layout_and_sha256sum(fx_release):
    for rel_path in ("dataset.ttl", "dataset.trig", "dataset.nq", "dataset.nt.gz", "dataset.jsonld",
                     "tables/measures.csv", "tables/actors.csv", "tables/allocations.csv", "tables/README.md",
                     "ontology/fixture.ttl", "ontology/index.html", "shapes/fixture.ttl", "shapes/index.html",
                     "validation/report.ttl", "validation/report.txt", "metadata/catalog.ttl",
                     "metadata/catalog-dcat-ap-no.ttl", "metadata/void.ttl", "metadata/release.json",
                     "CHANGELOG.md", "changelog.json", "records/hp2025.json", "SHA256SUMS"):
        assert (fx_release / rel_path).is_file(), rel_path
    r = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=fx_release, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    listed = {line.split("  ", 1)[1] for line in (fx_release / "SHA256SUMS").read_text().splitlines()}
    on_disk = {p.relative_to(fx_release).as_posix() for p in fx_release.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert listed == on_disk


def test_release_is_readable_by_a_web_server(fx_release):
    # the release is assembled in mkdtemp (mode 0700); hosted as plain files it must be world-readable
    from kg.io import default_mode
    assert fx_release.stat().st_mode & 0o777 == default_mode(directory=True)
    assert (fx_release / "dataset.ttl").stat().st_mode & 0o004
    assert checksums.verify_sums(fx_release) == []
    (fx_release / "CHANGELOG.md").write_text("tampered")
    try:
        assert checksums.verify_sums(fx_release) == ["CHANGELOG.md: checksum mismatch"]
    finally:
        (fx_release / "CHANGELOG.md").write_text("# Release 0.1.0\n\nFirst release.\n")


def test_dumps_agree_and_union_merges_duplicates(fx_release):
    source = _quads(FIXTURE / "build" / "dataset.nq", ox.RdfFormat.N_QUADS)
    nq = _quads(fx_release / "dataset.nq", ox.RdfFormat.N_QUADS)
    trig = _quads(fx_release / "dataset.trig", ox.RdfFormat.TRIG)
    jsonld = _quads(fx_release / "dataset.jsonld", ox.RdfFormat.JSON_LD)
    validation = [q for q in nq if q.graph_name.value == BASE + "graph/validation"]
    assert validation, "the validation report must be a named graph of the dumps"
    assert len(nq) == len(source) + len(validation) == len(trig) == len(jsonld)
    assert {str(q) for q in source} <= {str(q) for q in nq}
    # the fixture has `actor/nav rdfs:label "nav"` in two graphs: the union dumps hold it once
    union = len({(str(q.subject), str(q.predicate), str(q.object)) for q in nq if not isinstance(q.subject,
                                                                                                 ox.BlankNode)})
    ttl = [t for t in ox.parse(path=str(fx_release / "dataset.ttl"), format=ox.RdfFormat.TURTLE)]
    with gzip.open(fx_release / "dataset.nt.gz") as fh:
        nt = list(ox.parse(fh.read(), format=ox.RdfFormat.N_TRIPLES))
    bnode_triples = sum(1 for q in nq if isinstance(q.subject, ox.BlankNode))
    assert len(ttl) == len(nt) == union + bnode_triples == len(nq) - 1


def test_validation_report_files(fx_release):
    text = (fx_release / "validation" / "report.txt").read_text()
    assert text.startswith("SHACL validation (") and "violations=0" in text
    g = ox.Store()
    g.load(path=str(fx_release / "validation" / "report.ttl"), format=ox.RdfFormat.TURTLE)
    assert g.query("ASK { ?r a <http://www.w3.org/ns/shacl#ValidationReport> ; "
                   "<http://www.w3.org/ns/shacl#conforms> true }")


def test_tables(fx_release):
    # measures.csv is made from the release's own records (one row per measure), not copied from the folder
    made = [{k: r[k] for k in ("year", "id", "title", "status")}
            for r in csv.DictReader(open(fx_release / "tables" / "measures.csv", encoding="utf-8"))]
    assert made == [{"year": r["programme_year"], **{k: r[k] for k in ("id", "title", "status")}}
                    for r in csv.DictReader(open(FIXTURE / "records" / "measures.csv", encoding="utf-8"))]
    actors = {r["id"]: r for r in csv.DictReader(open(fx_release / "tables" / "actors.csv", encoding="utf-8"))}
    # fixture: NAV is partner of all three measures of each year, Karriere Innlandet of K2 (2024) and K2A (2025)
    assert actors["nav"]["partner_2024"] == "3" and actors["nav"]["partner_2025"] == "3"
    assert (actors["karriere-innlandet"]["partner_2024"] == "1"
            and actors["karriere-innlandet"]["parent"] == "innlandet-fylkeskommune")
    assert actors["innlandet-fylkeskommune"]["responsible_2025"] == "3"
    assert actors["kommunene"]["kind"] == "group" and actors["nav"]["iri"] == BASE + "actor/nav"
    alloc = list(csv.DictReader(open(fx_release / "tables" / "allocations.csv", encoding="utf-8")))
    assert [(r["programme_year"], r["table"], r["measure"], r["allocated"], r["amount"]) for r in alloc] == [
        ("2024", "allocation-status", "K1", "200000", ""), ("2025", "distribution", "K2A", "", "750000")]
    assert alloc[1]["measure_iri"] == BASE + "plan/inkluderende-innlandet/programme/2025/measure/K2A"


def test_void_statistics(fx_release):
    s = ox.Store()
    s.load(path=str(fx_release / "metadata" / "void.ttl"), format=ox.RdfFormat.TURTLE)
    rows = {r["g"].value: int(r["t"].value) for r in s.query(
        "PREFIX void: <http://rdfs.org/ns/void#> PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
        "SELECT ?g ?t WHERE { ?d void:subset ?x . ?x sd:name ?g ; void:triples ?t }")}
    meta = json.loads((fx_release / "metadata" / "release.json").read_text())
    assert rows == meta["graphs"] and rows[BASE + "graph/hp2024"] == 14
    ds = {r["p"].value.rsplit("#", 1)[1]: int(r["v"].value) for r in s.query(
        f"SELECT ?p ?v WHERE {{ <{BASE}dataset> ?p ?v FILTER(DATATYPE(?v) = xsd:integer) }}".replace(
            "SELECT", "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> SELECT"))}
    assert ds["triples"] == meta["quads"] - 1        # one triple is in two graphs
    # rp:ActionProgramme, rp:Measure, org:Organization, owl:Class, and sh:ValidationReport (validation graph)
    assert ds["classes"] == 5
    assert ds["properties"] >= 5 and ds["distinctSubjects"] > ds["entities"] - 1


def test_existing_release_is_never_overwritten(fx_release, fixture_inputs):
    before = (fx_release / "SHA256SUMS").read_bytes()
    with pytest.raises(ReleaseError, match="already exists"):
        release("0.1.0", fx_release, inputs=fixture_inputs(), log=QUIET)
    r = CliRunner().invoke(app, ["publish", "--out", str(fx_release)])
    assert r.exit_code == 2 and "already exists" in r.output
    assert (fx_release / "SHA256SUMS").read_bytes() == before


def _break_fixture(inp):
    """Drop the title of measure 2025/K1: the fixture shape requires one (a Violation)."""
    nq = inp.build_dir / "dataset.nq"
    lines = [l for l in nq.read_text().splitlines()
             if not ("2025/measure/K1>" in l.split(" ")[0] and "rdf-schema#label" in l)]
    nq.write_text("\n".join(lines) + "\n")
    from kg.buildinfo import file_entry
    manifest = json.loads((inp.build_dir / "manifest.json").read_text())
    manifest["files"]["dataset.nq"] = file_entry(path=nq)   # an edited build, not a torn one
    (inp.build_dir / "manifest.json").write_text(json.dumps(manifest))


def test_violations_stop_the_release_unless_forced(tmp_path, fixture_inputs):
    inp = fixture_inputs(tmp_path)
    _break_fixture(inp)
    with pytest.raises(ReleaseError, match="1 SHACL violation"):
        release("1.0", tmp_path / "r" / "1.0", inputs=inp, log=QUIET)
    assert not (tmp_path / "r" / "1.0").exists()
    out = release("1.0", tmp_path / "r" / "1.0", force=True, inputs=inp, log=QUIET)
    meta = json.loads((out / "metadata" / "release.json").read_text())
    assert meta["forced"] is True and meta["validation"]["violations"] == 1
    assert "Published with --force despite 1 SHACL violation" in (out / "metadata" / "catalog.ttl").read_text()
    assert "Violation" in (out / "validation" / "report.txt").read_text()


def test_interrupted_release_leaves_previous_intact_and_no_partial(tmp_path, monkeypatch, fixture_inputs):
    root = tmp_path / "releases"
    inp = fixture_inputs()
    first = release("1.0", root / "1.0", inputs=inp, log=QUIET)

    def boom(*a, **k):
        raise RuntimeError("simulated crash half-way")

    monkeypatch.setattr(rel.dcat, "dcat_graph", boom)   # after dumps, tables, docs, site were written
    with pytest.raises(RuntimeError, match="simulated crash"):
        release("1.1", root / "1.1", inputs=inp, log=QUIET)
    assert sorted(p.name for p in root.iterdir()) == ["1.0"]
    assert checksums.verify_sums(first) == []


def test_changelog_between_releases(tmp_path, fixture_inputs):
    root = tmp_path / "releases"
    inp = fixture_inputs(tmp_path)
    release("1.0", root / "1.0", inputs=inp, log=QUIET)
    rec = json.loads((inp.records_dir / "hp2025.json").read_text())
    rec["measures"][0]["title"] = "Inkluderende oppvekstmiljø og fritid"
    rec["measures"][2]["status"] = "withdrawn"
    del rec["measures"][1]
    (inp.records_dir / "hp2025.json").write_text(json.dumps(rec, ensure_ascii=False))
    y = inp.authority_dir / "actors.yaml"
    y.write_text(y.read_text().replace("label: NAV", "label: Arbeids- og velferdsetaten (NAV)").replace(
        "groups:", "  - id: ks\n    label: KS\n    type: interest-organisation\ngroups:"))
    out = release("1.1", root / "1.1", inputs=inp, log=QUIET)
    log = json.loads((out / "changelog.json").read_text())
    assert log["from"] == "1.0" and log["to"] == "1.1"
    got = {(c["kind"], c["subject"]) for c in log["changes"]}
    assert got == {("changed", "2025/K1"), ("removed", "2025/K2A"), ("withdrawn", "2025/K2B"),
                   ("actor-added", "actor:ks"), ("actor-renamed", "actor:nav")}
    k1 = next(c for c in log["changes"] if c["subject"] == "2025/K1")
    assert k1["fields"] == {"title": {"from": "Inkluderende oppvekstmiljø",
                                      "to": "Inkluderende oppvekstmiljø og fritid"}}
    md = (out / "CHANGELOG.md").read_text()
    assert ("# Changes from 1.0 to 1.1" in md
            and "title: Inkluderende oppvekstmiljø → Inkluderende oppvekstmiljø og fritid" in md)
    meta = json.loads((out / "metadata" / "release.json").read_text())
    assert meta["previous"] == "1.0"


def test_static_site_links_resolve(fx_release):
    site = fx_release / "site"
    meta = json.loads((fx_release / "metadata" / "release.json").read_text())
    assert meta["site"] is True
    k2a = site / "plan/inkluderende-innlandet/programme/2025/measure/K2A.html"
    assert k2a.exists() and (site / "plan/inkluderende-innlandet/programme/2025/measure/K2A.ttl").exists()
    server_only = {"query", "sparql"}   # need the running server; everything else must resolve
    checked = 0
    for page in site.rglob("*.html"):
        for href in re.findall(r'href="([^"#?]+)', page.read_text()):
            if re.match(r"^[a-z]+:", href):
                continue
            target = (page.parent / href).resolve()
            if target.name in server_only:
                continue
            assert target.exists() or target.with_name(target.name + ".html").exists(), f"{page}: {href}"
            checked += 1
    assert checked > 20
    assert "RewriteRule" in (site / ".htaccess").read_text() and "try_files" in (site / "nginx.conf").read_text()


@pytest.fixture(scope="module")
def real_release(tmp_path_factory, real_inputs):
    root = tmp_path_factory.mktemp("real")
    inp = real_inputs
    # force: the real build may still have violations while the data is being worked on; the test checks
    # that this is recorded truthfully
    return inp, release("real", root / "releases" / "real", force=True, inputs=inp, log=QUIET)


def test_real_release(real_release):
    inp, out = real_release
    assert (out / "tables" / "measures.csv").read_bytes() == (inp.records_dir / "measures.csv").read_bytes()
    meta = json.loads((out / "metadata" / "release.json").read_text())
    graphs = dict(meta["graphs"])
    assert graphs.pop(inp.base + "graph/validation") > 0
    built: dict = {}
    for q in set(_quads(inp.build_dir / "dataset.nq", ox.RdfFormat.N_QUADS)):
        built[q.graph_name.value] = built.get(q.graph_name.value, 0) + 1
    assert graphs == built and {"hp2024", "hp2025", "authority", "ontology"} <= {g.rsplit("/", 1)[1] for g in graphs}
    assert checksums.verify_sums(out) == []
    assert meta["forced"] == (meta["validation"]["violations"] > 0)
    measures = list(csv.DictReader(open(out / "tables" / "measures.csv", encoding="utf-8")))
    nq = ox.Store()
    nq.bulk_load(path=str(out / "dataset.nq"), format=ox.RdfFormat.N_QUADS)
    n = next(iter(nq.query("PREFIX rp: <https://w3id.org/regplan/ontology#> SELECT (COUNT(DISTINCT ?m) AS ?n) "
                           "WHERE { GRAPH ?g { ?m a rp:Measure } }")))["n"].value
    assert int(n) == len(measures)


def test_release_ships_the_records_schema(fx_release):
    import json as _json

    from kg.records.docs import schema_text

    text = (fx_release / "metadata" / "records.schema.json").read_text(encoding="utf-8")
    assert text == schema_text()
    assert _json.loads(text)["$schema"].startswith("https://json-schema.org/")


def test_static_site_has_pages_for_default_graph_data(tmp_path):
    """Data loaded without named graphs (a Turtle file) gets resource pages too."""
    import pyoxigraph as ox

    from kg.publish.site import resources, write_site

    base = "https://example.org/other/"
    store = ox.Store()
    store.load(f"<{base}actor/a> <http://www.w3.org/2004/02/skos/core#prefLabel> \"A\"@nb .\n"
               f"<{base}actor/b> <http://www.w3.org/2004/02/skos/core#prefLabel> \"B\"@nb .\n",
               format=ox.RdfFormat.TURTLE)
    store.add(ox.Quad(ox.NamedNode(f"{base}actor/c"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                      ox.Literal("C", language="nb"), ox.NamedNode(f"{base}graph/g")))
    assert resources(store, base) == [f"{base}actor/{x}" for x in "abc"]
    write_site(store, tmp_path / "site", base)
    assert sorted(p.name for p in (tmp_path / "site" / "actor").glob("*.html")) == ["a.html", "b.html", "c.html"]
