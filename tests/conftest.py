"""Shared fixtures: the real dataset built once per session from the committed records."""

from __future__ import annotations

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
