"""The release metadata against the official DCAT-AP-NO 2.00 and DCAT-AP 3.0.1 shapes (copies in tests/shapes/dcat).

What is allowed to remain is listed exactly (see kg/publish/README.md):
- canonical `catalog.ttl` (DCAT-AP 3 variant) vs DCAT-AP-NO 2.00: `dcat:byteSize` not xsd:decimal, and
  the checksum algorithm not SHA-1 — once per distribution;
- canonical vs DCAT-AP 3 mdr-vocabularies: checksum algorithm IRI not matching `^https://spdx.org/rdf/terms`
  (the SPDX namespace is http://; an upstream defect) — once per distribution;
- `catalog-dcat-ap-no.ttl` vs DCAT-AP 3: `dcat:byteSize` not xsd:nonNegativeInteger — once per distribution.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS

from kg.publish.release import release
from publish_fixtures import fixture_inputs, real_inputs

SH = Namespace("http://www.w3.org/ns/shacl#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SHAPES = Path(__file__).parent / "shapes" / "dcat"
NO = ["DCAT-AP-NO-shacl_shapes_2.00.ttl"]
AP3 = ["shapes.ttl", "shapes_recommended.ttl", "range.ttl", "deprecateduris.ttl"]
MDR = ["mdr-vocabularies.shape.ttl"]


def _shapes(files) -> Graph:
    g = Graph()
    for f in files:
        g.parse(SHAPES / f)
    return g


def violations(data: Graph, files) -> Counter:
    """Top-level Violation results as (path, message-or-constraint) → count."""
    _, report, _ = pyshacl.validate(data, shacl_graph=_shapes(files), inference="none", advanced=True)
    out = Counter()
    for rep in report.subjects(SH.conforms, None):
        for r in report.objects(rep, SH.result):
            if report.value(r, SH.resultSeverity) == SH.Violation:
                comp = str(report.value(r, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
                out[(str(report.value(r, SH.resultPath)), comp)] += 1
    return out


@pytest.fixture(scope="module", params=["fixture", "real"])
def metadata(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"dcat-{request.param}")
    inp = fixture_inputs() if request.param == "fixture" else real_inputs(root)
    out = release("1.0", root / "r" / "1.0", force=True, inputs=inp, log=lambda *a: None)
    canon, no = Graph(), Graph()
    canon.parse(out / "metadata" / "catalog.ttl")
    no.parse(out / "metadata" / "catalog-dcat-ap-no.ttl")
    n = len(set(canon.objects(URIRef(inp.base + "dataset"), DCAT.distribution)))
    return canon, no, n


def test_every_distribution_is_described(metadata):
    canon, _, n = metadata
    assert n >= 12
    for d in canon.subjects(None, DCAT.Distribution):
        assert canon.value(d, DCAT.mediaType).startswith("https://www.iana.org/assignments/media-types/")
        assert canon.value(d, DCTERMS.format).startswith("http://publications.europa.eu/resource/authority/file-type/")
        ck = canon.value(d, SPDX.checksum)
        assert canon.value(ck, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert len(str(canon.value(ck, SPDX.checksumValue))) == 64
        assert int(canon.value(d, DCAT.byteSize)) >= 0


def test_canonical_conforms_to_dcat_ap_3(metadata):
    canon, _, n = metadata
    assert violations(canon, AP3) == Counter()


def test_canonical_vs_mdr_vocabularies_only_spdx_https_pattern(metadata):
    canon, _, n = metadata
    assert violations(canon, MDR) == Counter({(str(SPDX.algorithm), "NodeConstraintComponent"): n})


def test_canonical_vs_dcat_ap_no_only_the_two_known_conflicts(metadata):
    canon, _, n = metadata
    assert violations(canon, NO) == Counter({(str(DCAT.byteSize), "DatatypeConstraintComponent"): n,
                                             (str(SPDX.algorithm), "HasValueConstraintComponent"): n})


def test_no_variant_conforms_to_dcat_ap_no_2(metadata):
    _, no, n = metadata
    assert violations(no, NO) == Counter()


def test_no_variant_vs_dcat_ap_3_only_bytesize(metadata):
    _, no, n = metadata
    assert violations(no, AP3) == Counter({(str(DCAT.byteSize), "DatatypeConstraintComponent"): n})


def test_publisher_meets_the_agent_shape_the_typo_disables(metadata):
    """DCAT-AP-NO 2.00's Agent_Shape has its targets inside sh:and/sh:or (one spelt sh:targetSUbjectOf),
    so it never applies. Give it a real target and check the publisher against it."""
    canon, _, _ = metadata
    shapes = _shapes(NO)
    agent = URIRef("https://data.norge.no/vocabulary/dcatno-shacl#Agent_Shape")
    assert (agent, None, None) in shapes
    shapes.add((agent, SH.targetObjectsOf, DCTERMS.publisher))
    conforms, _, text = pyshacl.validate(canon, shacl_graph=shapes, inference="none", advanced=True)
    results = [l for l in text.splitlines() if "Agent_Shape" in l]
    assert results == [], text
