"""The TEST-DATA indicator fixture (tests/fixtures/followup/indicators.json) as quads, through the
records model and the real graph mapper, and the follow-up ontology's triples. A helper module of the
tests (like shacl_cases.py), not a test module."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox

from kg import config
from kg.graph.common import Sink
from kg.graph.followup import map_indicators
from kg.records.model import IndicatorRecord
from kg.uris import Minter

FIXTURE = Path(__file__).parent / "fixtures" / "followup" / "indicators.json"


def ontology_triples() -> list:
    return list(ox.parse(path=str(config.ONTOLOGY / "followup.ttl"), format=ox.RdfFormat.TURTLE))


def fixture_quads() -> list:
    """The TEST-DATA indicators through the records model and the real graph mapper."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    indicators = [IndicatorRecord.model_validate(ind) for ind in data["indicators"]]
    sink = Sink(Minter("https://example.org/testdata/"))
    sink.use_graph("testdata")
    map_indicators(indicators, sink, data["plan"])
    return sink.quads
