"""Another county (issue 13, item 7): a fresh dataset from `kg init`, the fictitious county's workbook
(tests/fixtures/workbook/testfylket, test data) imported into it → build → validate: its own plan,
measures and actors, and no trace of Innlandet in the built data."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from kg import config, dataset
from kg.cli import app

FIXTURE = config.ROOT / "tests" / "fixtures" / "workbook" / "testfylket"
FLAGS = ["--publisher", "Testfylket fylkeskommune (test data)", "--org-number", "999999999",
         "--plan-title-nb", "Regional plan for et testfylke (TESTDATA, fiktivt)", "--plan-title-en",
         "regional plan for a test county (test data)", "--plan-id", "testplan-testfylket",
         "--base-iri", "https://example.org/testfylket/", "--county", "99", "--spatial-label", "Testfylket",
         "--contact-email", "post@example.org"]


@pytest.fixture
def restore_dataset():
    before = config.dataset()
    yield
    config.use(before)


def test_another_county_imports_builds_and_validates_on_its_own(tmp_path, restore_dataset):
    from kg.build import run as build
    from kg.validate import run as validate

    folder = tmp_path / "testfylket"
    runner = CliRunner()
    r = runner.invoke(app, ["init", str(folder), "--yes", *FLAGS])
    assert r.exit_code == 0, r.output
    config.use(dataset.load(folder))
    r = runner.invoke(app, ["import", str(FIXTURE)])
    assert r.exit_code == 0, r.output
    assert "testfylket: 1 programme(s), 3 measures, 5 actors, 0 warning(s); wrote 2 file(s)" in r.output
    assert sorted(p.name for p in (folder / "data" / "records").iterdir()) == ["hp2026.json"]

    nq = build(progress=False)
    assert nq == folder / "build" / "dataset.nq"
    text = nq.read_text(encoding="utf-8")
    assert "<https://example.org/testfylket/plan/testplan-testfylket/programme/2026/measure/T1>" in text
    assert '"Sjekk arbeidsboka før import"@nb' in text and '"Arbeidsbok testfylket"@nb' in text
    assert "innlandet" not in text.lower()
    manifest = json.loads((folder / "build" / "manifest.json").read_text())
    assert manifest["base_iri"] == "https://example.org/testfylket/"
    report = validate([nq])
    assert report.counts["Violation"] == 0, report.text("en")[:2000]

    # the measure's page names the workbook, the sheet and the row as its source
    import re

    import pyoxigraph as ox

    from kg.web.pages import render_resource

    store = ox.Store()
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    base = "https://example.org/testfylket/"
    html = render_resource(store, f"{base}plan/testplan-testfylket/programme/2026/measure/T1", base)
    source = re.search(r'<td class="source">(.*?)</td>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", source) == "Arbeidsbok testfylket, ark Tiltak, rad 2"


def test_another_county_publishes_its_own_release(tmp_path, restore_dataset):
    """The county's release: its own DCAT (publisher, title), tables, pages and landing page — and not one
    byte anywhere in it that names Innlandet, Nordland or the flagship's publisher."""
    import pyoxigraph as ox

    folder = tmp_path / "testfylket"
    runner = CliRunner()
    assert runner.invoke(app, ["init", str(folder), "--yes", *FLAGS]).exit_code == 0
    for args in (["import", str(FIXTURE)], ["build"], ["publish", "--version", "1.0"]):
        r = runner.invoke(app, [*args, "--dataset", str(folder)])
        assert r.exit_code == 0, (args, r.output)
    release = folder / "release" / "1.0"
    assert release.is_dir(), sorted(p.name for p in (folder / "release").iterdir())
    files = [p for p in release.rglob("*") if p.is_file()]
    assert len(files) > 20
    for p in files:
        text = p.read_bytes().decode("utf-8", errors="replace").lower()
        for flagship in ("innlandet", "nordland", "920717152", "inkluderende"):
            assert flagship not in text, f"{p.relative_to(release)} names {flagship!r}"

    dcat = ox.Store()
    dcat.load(path=str(release / "metadata" / "catalog.ttl"), format=ox.RdfFormat.TURTLE)
    rows = list(dcat.query(
        "PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/> "
        "PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
        "SELECT ?title ?name WHERE { ?d a dcat:Dataset ; dct:title ?title ; dct:publisher ?p . ?p foaf:name ?name }"))
    titles = {r["title"].value for r in rows}
    assert {r["name"].value for r in rows} == {"Testfylket fylkeskommune (test data)"}
    assert any("Regional plan for et testfylke" in t for t in titles), titles
    import csv

    with open(release / "tables" / "measures.csv", encoding="utf-8", newline="") as f:
        measures = list(csv.DictReader(f))
    assert len(measures) == 3 and all(m["year"] == "2026" for m in measures), measures
    landing = (release / "site" / "index.html").read_text(encoding="utf-8")
    assert "Regional plan for et testfylke" in landing
