"""Where things are: the dataset's folders (from its kg.toml, kg.dataset) and the package's shipped
files (kg.resources), plus the base IRI.

``config.SOURCES``, ``RECORDS``, ``AUTHORITY``, ``BUILD``, ``RELEASE``, ``ROOT`` are the folders of
the dataset in use, found on first access (kg.dataset.current) or set by `use(dataset)`.
``ONTOLOGY``, ``SHAPES``, ``QUERIES`` come with kg. Environment overrides, for scripts and tests:
``KG_BUILD`` (the build folder) and ``KG_BASE_IRI`` (the base IRI).
"""

from __future__ import annotations

import os
from pathlib import Path

from . import dataset as _dataset
from . import resources

ONTOLOGY = resources.folder("ontology")
SHAPES = resources.folder("shapes")
QUERIES = resources.folder("queries")

_DATASET_PATHS = ("ROOT", "DATA", "SOURCES", "AUTHORITY", "RECORDS", "BUILD", "RELEASE")


def use(ds: _dataset.Dataset) -> _dataset.Dataset:
    """Work on dataset `ds` from now on: sets this module's folder names from it."""
    _dataset.use(ds)
    g = globals()
    g["ROOT"] = ds.root
    g["DATA"] = ds.root / "data"
    g["SOURCES"] = ds.sources
    g["AUTHORITY"] = ds.authority
    g["RECORDS"] = ds.records
    g["BUILD"] = Path(os.environ["KG_BUILD"]) if os.environ.get("KG_BUILD") else ds.build
    g["RELEASE"] = ds.release
    return ds


def __getattr__(name: str):
    """First access to a dataset folder finds the dataset (kg.dataset.current) and sets them all."""
    if name in _DATASET_PATHS:
        use(_dataset.current())
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def dataset() -> _dataset.Dataset:
    return _dataset.current()


def _folder(name: str) -> Path:
    return globals()[name] if name in globals() else __getattr__(name)


def sources_registry() -> Path:
    """The dataset's sources.yaml; inside SOURCES when it lives in the sources folder (the default), so a
    SOURCES set for a test or a script brings its own registry."""
    ds = dataset()
    if ds.sources_yaml.is_relative_to(ds.sources):
        return _folder("SOURCES") / ds.sources_yaml.relative_to(ds.sources)
    return ds.sources_yaml


def dataset_nq() -> Path:
    """The built dataset as `kg build` writes it: build/dataset.nq (of $KG_BUILD, else the dataset's build folder)."""
    return _folder("BUILD") / "dataset.nq"


def base_iri() -> str:
    """The base IRI every minted resource starts with: $KG_BASE_IRI, else the dataset's base_iri."""
    base = os.environ.get("KG_BASE_IRI") or _dataset.current().base_iri
    return base if base.endswith("/") else base + "/"
