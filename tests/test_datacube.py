"""The Data Cube structures of ontology/followup.ttl pass the W3C integrity constraints IC-1 … IC-21
(tests/datacube_ic.py, from https://www.w3.org/TR/vocab-data-cube/#wf-rules) — on the real build's
money cube and on the indicator TEST-DATA fixture (tests/fixtures/followup/indicators.json) — and each
constraint we can break is caught."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from datacube_ic import PREFIXES, normalized, violations


@pytest.fixture(scope="module")
def fixture_store(indicator_testdata) -> ox.Store:
    return normalized(indicator_testdata)


def count(store, where: str) -> int:
    return int(next(iter(store.query(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")))["n"].value)


def test_fixture_cube_passes_every_integrity_constraint(fixture_store):
    assert count(fixture_store, "?o a qb:Observation") == 7   # 2 baselines, 2 targets, 3 actuals
    assert count(fixture_store, "?d a qb:DataSet") == 1
    assert violations(fixture_store) == []


def test_real_build_money_cube_passes_every_integrity_constraint(store):
    data = list(store.quads_for_pattern(None, None, None, None))
    norm = normalized(data)
    # one observation per amount the status reports state: 13 Vedlegg 2 rows × 3 + 7 distribution rows
    assert count(norm,
                 "?o qb:dataSet <https://w3id.org/regplan/plan/inkluderende-innlandet/programme/2025/cube/money>") == 46
    assert count(norm, "?d a qb:DataStructureDefinition") == 2
    assert violations(norm) == []


def test_real_build_has_no_indicator_values():
    """Nordland's indicators are announced, not defined: the real build carries no indicator cube."""
    from kg.build import collect_quads
    quads = collect_quads()
    assert not [q for q in quads if q.predicate.value == "https://w3id.org/regplan/ontology#indicatorValue"]
    ind = [q for q in quads if q.predicate.value == "https://w3id.org/regplan/ontology#indicatorState"]
    assert [(q.subject.value, q.object.value) for q in ind] == [
        ("https://w3id.org/regplan/plan/nordland-ung-inkludering/indicator/resultatindikatorer",
         "https://w3id.org/regplan/concept/indicator-state/announced")]


OBS = "<https://example.org/testdata/plan/testplan/indicator/andel-unge-i-arbeid/value/actual/2024>"
BREAKS = [
    ("IC-1 Unique DataSet", f"INSERT DATA {{ {OBS} qb:dataSet <https://example.org/other> }}"),
    ("IC-2 Unique DSD", "INSERT { ?d qb:structure <https://example.org/dsd2> } WHERE { ?d a qb:DataSet }"),
    ("IC-3 DSD includes measure", "INSERT DATA { <https://example.org/dsd3> a qb:DataStructureDefinition ; "
                                  "qb:component [ qb:dimension <https://w3id.org/regplan/ontology#refPeriod> ] }"),
    ("IC-4 Dimensions have range", "INSERT DATA { <https://example.org/dim> a qb:DimensionProperty }"),
    ("IC-5 Concept dimensions have code lists",
     "INSERT DATA { <https://example.org/dim5> a qb:DimensionProperty ; rdfs:range skos:Concept }"),
    ("IC-6 Only attributes may be optional",
     'INSERT DATA { <https://w3id.org/regplan/ontology#indicatorStructure-period> qb:componentRequired '
     '"false"^^xsd:boolean }'),
    ("IC-7 Slice Keys must be declared", "INSERT DATA { <https://example.org/key> a qb:SliceKey }"),
    ("IC-11 All dimensions required", f"DELETE WHERE {{ {OBS} <https://w3id.org/regplan/ontology#refPeriod> ?p }}"),
    ("IC-12 No duplicate observations",
     f"INSERT {{ <https://example.org/dup> ?p ?o }} WHERE {{ {OBS} ?p ?o }}"),
    ("IC-14 All measures present", f"DELETE WHERE {{ {OBS} <https://w3id.org/regplan/ontology#indicatorValue> ?v }}"),
    ("IC-19 Codes from code list (concept scheme)",
     f"DELETE WHERE {{ {OBS} <https://w3id.org/regplan/ontology#valueType> ?t }}",
     f"INSERT DATA {{ {OBS} <https://w3id.org/regplan/ontology#valueType> <https://w3id.org/regplan/concept/progress/ongoing> }}"),
    ("IC-20 Codes from hierarchy <http://www.w3.org/2004/02/skos/core#narrower>",
     "DELETE WHERE { <https://w3id.org/regplan/ontology#valueType> qb:codeList ?l }",
     "INSERT DATA { <https://w3id.org/regplan/ontology#valueType> qb:codeList <https://example.org/hier> . "
     "<https://example.org/hier> a qb:HierarchicalCodeList ; qb:parentChildProperty skos:narrower ; "
     "qb:hierarchyRoot <https://w3id.org/regplan/concept/value-type/baseline> }"),
    ("IC-21 Codes from hierarchy (inverse) <http://www.w3.org/2004/02/skos/core#broader>",
     "DELETE WHERE { <https://w3id.org/regplan/ontology#valueType> qb:codeList ?l }",
     "INSERT DATA { <https://w3id.org/regplan/ontology#valueType> qb:codeList <https://example.org/hier> . "
     "<https://example.org/hier> a qb:HierarchicalCodeList ; qb:parentChildProperty [ owl:inverseOf skos:broader ] ; "
     "qb:hierarchyRoot <https://w3id.org/regplan/concept/value-type/baseline> }"),
]


@pytest.mark.parametrize("name,update", [(b[0], b[1:]) for b in BREAKS], ids=[b[0].split()[0] for b in BREAKS])
def test_each_constraint_catches_its_violation(name, update, indicator_testdata):
    """Each break is one or more SPARQL updates on the valid fixture; the named constraint must then fail."""
    store = ox.Store()
    for t in indicator_testdata:
        store.add(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    for op in update:
        store.update(PREFIXES + op)
    assert name in violations(normalized(store.quads_for_pattern(None, None, None, None)))
