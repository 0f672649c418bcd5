"""Successor links between programme years (successors.json) → rp:continues, rp:Succession, lineages."""

from __future__ import annotations

from ..namespaces import DCT, RP, SKOS
from ..records.model import SuccessorsRecord
from .common import At, Sink, decimal, lit


def _ref(value: str, at: At, measures: dict[tuple[int, str], str]) -> tuple[int, str]:
    """A pair's 'YEAR/ID' (the model checks the form) as (year, id), which must be a programme's measure."""
    year, mid = value.split("/", 1)
    ref = (int(year), mid)
    if ref not in measures:
        raise at.error(f"{value!r} is not a measure in the programme records")
    return ref


def map_successors(rec: SuccessorsRecord, file: str, sink: Sink, measures: dict[tuple[int, str], str]) -> None:
    """measures: {(year, id): IRI} of every programme. Every measure gets a lineage."""
    prev: dict[tuple[int, str], tuple[int, str]] = {}
    at = At(file)
    for i, pair in enumerate(rec.pairs):
        where = at.item("pairs", i)
        a, b = _ref(pair.from_, where.key("from"), measures), _ref(pair.to, where.key("to"), measures)
        prev[b] = a
        sink.add(measures[b], RP + "continues", measures[a])
        sink.add(measures[a], RP + "continuedBy", measures[b])
        node = sink.mint(f"succession/{a[0]}-{a[1]}--{b[0]}-{b[1]}")
        sink.a(node, RP + "Succession")
        sink.add(node, RP + "predecessor", measures[a])
        sink.add(node, RP + "successor", measures[b])
        sink.add(measures[b], RP + "succession", node)
        sink.add(node, RP + "similarity", decimal(round(float(pair.score), 4)))
        if pair.reason:
            sink.add(node, RP + "reason", lit(pair.reason, lang="en"))
        sink.add(node, SKOS + "prefLabel", lit(f"{a[0]} {a[1]} → {b[0]} {b[1]}", lang="nb"))
    for ref in sorted(measures):
        first = ref
        seen = set()
        while first in prev and first not in seen:
            seen.add(first)
            first = prev[first]
        lineage = sink.mint.lineage(first[0], first[1])
        sink.a(lineage, RP + "MeasureLineage")
        sink.add(lineage, SKOS + "prefLabel", lit(f"Satsing {first[1]} fra {first[0]}", lang="nb"))
        sink.add(lineage, SKOS + "prefLabel", lit(f"Measure {first[1]} from {first[0]}", lang="en"))
        sink.add(measures[ref], RP + "lineage", lineage)
        sink.add(lineage, DCT + "hasVersion", measures[ref])
