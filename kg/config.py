"""Project paths and the configurable base IRI (one place, read once)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(os.environ.get("KG_ROOT", Path(__file__).resolve().parent.parent))
DATA = ROOT / "data"
SOURCES = DATA / "sources"
AUTHORITY = DATA / "authority"
RECORDS = DATA / "records"
ONTOLOGY = ROOT / "ontology"
SHAPES = ROOT / "shapes"
QUERIES = ROOT / "queries"
BUILD = Path(os.environ.get("KG_BUILD", ROOT / "build"))

#: Base IRI for every resource the dataset mints. The ontology namespace is fixed (see namespaces.py).
DEFAULT_BASE_IRI = "https://w3id.org/regplan/"


def base_iri() -> str:
    base = os.environ.get("KG_BASE_IRI", DEFAULT_BASE_IRI)
    return base if base.endswith("/") else base + "/"
