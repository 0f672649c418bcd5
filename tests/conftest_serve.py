"""Shared fixtures for the `kg serve` tests (imported by tests/test_serve_*.py)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "serve_mini.trig"
BASE = "https://w3id.org/regplan/"
K1_2025 = BASE + "plan/inkluderende-innlandet/programme/2025/measure/K1"
K3_2025 = BASE + "plan/inkluderende-innlandet/programme/2025/measure/K3"
K1_2024 = BASE + "plan/inkluderende-innlandet/programme/2024/measure/K1"
SCRIPT = "<script>alert('x')</script>"
ESCAPE_GRAPH = BASE + "graph/test-escaping"


def fixture_store() -> ox.Store:
    """The mini dataset plus one literal with markup in it (for the escaping tests)."""
    from kg.store import load_store

    store = load_store(FIXTURE)
    store.add(ox.Quad(ox.NamedNode(K3_2025), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
                      ox.Literal(SCRIPT), ox.NamedNode(ESCAPE_GRAPH)))
    return store


def make_app(tmp: Path, **settings):
    from kg.serve.app import Settings, create_app

    build = tmp / "build"
    build.mkdir(exist_ok=True)
    (build / "dataset.trig").write_bytes(FIXTURE.read_bytes())
    (build / "dataset.nq").write_bytes(ox.serialize(fixture_store(), format=ox.RdfFormat.N_QUADS))
    s = Settings(base_iri=BASE, build_dir=build, **settings)
    return create_app(fixture_store(), s, dataset_path=build / "dataset.nq")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from starlette.testclient import TestClient

    app = make_app(tmp_path_factory.mktemp("serve"), timeout=3.0, max_results=50)
    with TestClient(app) as c:
        yield c
    app.state.kg.pool.close()
