"""A release's metadata/void.ttl: the VoID description kg.web.void computes, as Turtle."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..web.void import void_graph


def write_void(store: ox.Store, path: Path, base: str, *, sparql_endpoint: str | None = None,
               dumps: list[str] | None = None) -> None:
    path.write_text(void_graph(store, base, sparql_endpoint=sparql_endpoint, dumps=dumps).serialize(format="turtle"),
                    encoding="utf-8")
