"""Shared fixtures: the real dataset built once per session from the committed records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg import build, config
from kg.store import load_store


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
    from starlette.testclient import TestClient

    from kg.serve.app import Settings, create_app

    app = create_app(load_store(built_dataset), Settings(base_iri="https://w3id.org/regplan/",
                                                         build_dir=Path(built_dataset).parent), dataset_path=built_dataset)
    with TestClient(app) as c:
        yield c
    app.state.kg.pool.close()


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
