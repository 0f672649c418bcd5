"""The embedded store: the built dataset loaded into an in-memory pyoxigraph Store.

In memory because the whole release fits easily and in-memory Oxigraph is several times faster
than its on-disk RocksDB store for the joins our research questions do (see bench/).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from . import config


def dataset_path() -> Path:
    return config.BUILD / "dataset.nq"


def load_store(path: Path | None = None) -> ox.Store:
    """Load an N-Quads or TriG dataset (default: build/dataset.nq) into a fresh in-memory store."""
    path = Path(path or dataset_path())
    if not path.exists():
        raise FileNotFoundError(f"{path}: no built dataset — run `kg build` first")
    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.N_QUADS
    store = ox.Store()
    store.bulk_load(path=str(path), format=fmt)
    return store
