"""Shared fixtures: the real dataset built once per session from the committed records, apps and servers on it
and on the mini serve fixture, a headless browser. (Helpers the tests import are in serve_helpers.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from serve_helpers import app_client, kg_serve_process, make_app, run_server

from kg import build, config
from kg.store import load_store


@pytest.fixture(scope="session", autouse=True)
def _test_clients_keep_no_cookies():
    """Every Starlette TestClient is a reader who sends each request afresh: the language switch's
    `lang` cookie (kg.serve.middleware.Language) would otherwise carry one test's ?lang=en into the
    next test's page. Tests of the cookie send it by hand."""
    from http.cookiejar import DefaultCookiePolicy

    from starlette import testclient

    init = testclient.TestClient.__init__

    def forgetful(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))

    testclient.TestClient.__init__ = forgetful
    yield
    testclient.TestClient.__init__ = init


@pytest.fixture(scope="session")
def built_dataset(tmp_path_factory):
    """Path of dataset.nq built from data/records into a temporary folder (the repo is untouched)."""
    out = tmp_path_factory.mktemp("build")
    return build.run(progress=False, records_dir=config.RECORDS, out_dir=out)


@pytest.fixture(scope="session")
def store(built_dataset):
    """The real dataset in an in-memory pyoxigraph store (default graph = union of named graphs)."""
    return load_store(built_dataset)


@pytest.fixture(scope="module")
def real_client(built_dataset):
    """`kg serve`'s app on the real dataset, as a Starlette TestClient (its query workers closed afterwards)."""
    with app_client(built_dataset) as c:
        yield c


# ---------------------------------------------------------------------- publish / diff / push
PUBLISH_FIXTURE = Path(__file__).parent / "fixtures" / "publish"   # the small hand-written release input
PUBLISH_BASE = "https://w3id.org/regplan/"


@pytest.fixture(scope="session")
def publish_fixture() -> Path:
    """The folder of the small hand-written publish fixture (build, records, authority, shapes, ontology)."""
    return PUBLISH_FIXTURE


@pytest.fixture(scope="session")
def publish_base() -> str:
    return PUBLISH_BASE


@pytest.fixture(scope="session")
def fixture_inputs():
    """A factory: the publish Inputs of the hand-written fixture (copied to tmp when given, so a test may edit them)."""
    from kg.publish.release import Inputs

    def make(tmp: Path | None = None) -> Inputs:
        root = PUBLISH_FIXTURE
        if tmp is not None:
            shutil.copytree(PUBLISH_FIXTURE, tmp / "fx")
            root = tmp / "fx"
        return Inputs(root / "build", root / "records", root / "authority", root / "shapes", root / "ontology",
                      PUBLISH_BASE)

    return make


@pytest.fixture(scope="session")
def real_inputs(built_dataset):
    """The publish Inputs of the real data, on the one session build (read-only: releases go elsewhere)."""
    from kg.publish.release import Inputs

    return Inputs(built_dataset.parent, config.RECORDS, config.AUTHORITY, config.SHAPES, config.ONTOLOGY,
                  config.base_iri())


# ---------------------------------------------------------------------- kg serve (helpers: serve_helpers.py)

@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from starlette.testclient import TestClient

    app = make_app(tmp_path_factory.mktemp("serve"), timeout=3.0, max_results=50)
    with TestClient(app) as c:
        yield c
    app.state.kg.pool.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real `kg serve` process on 127.0.0.1 (random free port) serving the mini dataset."""
    with run_server(tmp_path_factory.mktemp("server")) as url:
        yield url


# ---------------------------------------------------------------------- headless browser on the real dataset

@pytest.fixture(scope="module")
def real_server(built_dataset, tmp_path_factory):
    # A fresh build folder means the search index is built first, which on a loaded 2-core machine can
    # take a while: wait generously (kg_serve_process stops at once if the process exits).
    log_path = tmp_path_factory.mktemp("explore-server") / "server.log"
    with kg_serve_process(["--data", str(built_dataset), "--quiet"], log_path, probe="/search?q=a",
                          wait=240) as (url, _proc):
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from cdp import Browser

    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


# ---------------------------------------------------------------------- the publisher's workbook
@pytest.fixture(scope="session")
def next_year_workbook(tmp_path_factory):
    """A factory: write to `dst` the flagship's workbook (kg export-template) with 2025 copied into a 2026
    programme, then K1 withdrawn, a new measure L30 (test data), A1's responsible actor changed to NAV, and
    every copied measure continuing its 2025 namesake ('Viderefører'). Returns the workbook (openpyxl) so a
    test may change more before saving again."""
    from openpyxl import load_workbook

    from kg.workbook import template
    from kg.workbook.export import export_dataset
    from kg.workbook.sheets import BY_NAME

    src = tmp_path_factory.mktemp("workbook") / "innlandet.xlsx"
    template.write(src, export_dataset(config.RECORDS, config.AUTHORITY / "actors.yaml"))

    def make(dst: Path):
        wb = load_workbook(src)
        for name in ("Program", "Fokusområder", "Tiltak", "Koblinger", "Økonomi"):
            ws, spec = wb[name], BY_NAME[name]
            for row in [[c.value for c in r] for r in ws.iter_rows(min_row=2) if r[0].value == 2025]:
                if name == "Økonomi" and (row[1] is None or row[2] != "bevilgning"):
                    continue            # the 2025 distribution table and the programme's own grant are 2025's
                row[0] = 2026
                if name == "Tiltak":
                    row[[c.key for c in spec.columns].index("continues")] = row[1]
                ws.append(row)
        ws, spec = wb["Tiltak"], BY_NAME["Tiltak"]
        col = {c.key: i for i, c in enumerate(spec.columns, start=1)}
        rows = {(r[0].value, r[1].value): r[0].row for r in ws.iter_rows(min_row=2)}
        ws.cell(rows[(2026, "K1")], col["withdrawn"], "ja")
        ws.cell(rows[(2026, "A1")], col["responsible"], "NAV")
        ws.cell(rows[(2026, "A1")], col["responsible_text"], "NAV")
        new = [None] * len(spec.columns)
        for key, value in (("year", 2026), ("id", "L30"), ("level", "fylke"), ("focus_area", "L"),
                           ("title", "Testtiltak (testdata, ikke fra noen kilde)"),
                           ("responsible", "Innlandet fylkeskommune"), ("horizon", "kort sikt"), ("is_new", "ja")):
            new[col[key] - 1] = value
        ws.append(new)
        wb.save(dst)
        return wb

    return make


# ---------------------------------------------------------------------- follow-up: the indicator TEST DATA
@pytest.fixture(scope="session")
def indicator_testdata() -> list:
    """The follow-up ontology's triples and the TEST-DATA indicators (tests/fixtures/followup/indicators.json:
    invented values, never in a build) through the records model and the real graph mapper, as quads."""
    import json

    import pyoxigraph as ox

    from kg.graph.common import Sink
    from kg.graph.followup import map_indicators
    from kg.records.model import IndicatorRecord
    from kg.uris import Minter

    data = json.loads((Path(__file__).parent / "fixtures" / "followup" / "indicators.json").read_text(encoding="utf-8"))
    sink = Sink(Minter("https://example.org/testdata/"))
    sink.use_graph("testdata")
    map_indicators([IndicatorRecord.model_validate(ind) for ind in data["indicators"]], sink, data["plan"])
    ontology = list(ox.parse(path=str(config.ONTOLOGY / "followup.ttl"), format=ox.RdfFormat.TURTLE))
    return ontology + sink.quads
