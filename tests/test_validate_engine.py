"""Engine features the profile does not use (sequence/alternative/one-or-more paths, targetNode,
targetSubjectsOf, and/xone/not/node, equals, length, pattern, exclusive bounds, aggregate SPARQL,
xsd:positiveInteger as written): same results as pySHACL."""

from __future__ import annotations

from pathlib import Path

from shacl_cases import canon

from kg.validate import validate_dataset

ENGINE = Path(__file__).parent / "fixtures" / "shapes" / "engine"


def test_engine_features_match_pyshacl():
    fast = validate_dataset([ENGINE / "data.ttl"], shapes_dir=ENGINE, engine="turbo")
    ref = validate_dataset([ENGINE / "data.ttl"], shapes_dir=ENGINE, engine="pyshacl")
    a, b = canon(fast, messages=False), canon(ref, messages=False)
    assert a == b, f"only fast: {a - b}\nonly pyshacl: {b - a}"
    comps = {str(r.component).rsplit("#", 1)[1] for r in fast.results}
    # every feature above must have fired at least once, or the comparison proves little
    assert {"MinCountConstraintComponent", "MinLengthConstraintComponent", "PatternConstraintComponent",
            "MaxCountConstraintComponent", "DatatypeConstraintComponent", "MaxExclusiveConstraintComponent",
            "EqualsConstraintComponent", "XoneConstraintComponent", "NotConstraintComponent",
            "AndConstraintComponent", "NodeConstraintComponent", "SPARQLConstraintComponent"} <= comps


def test_positive_integer_is_told_apart_from_integer():
    rep = validate_dataset([ENGINE / "data.ttl"], shapes_dir=ENGINE)
    bad = {(str(r.focus).rsplit("#", 1)[1], str(r.value)) for r in rep.results
           if str(r.component).endswith("#DatatypeConstraintComponent")}
    assert bad == {("bob", "62")}
    # the reported value keeps its original datatype
    cy = [r for r in rep.results if str(r.component).endswith("#MaxExclusiveConstraintComponent")]
    assert [str(r.value.datatype) for r in cy] == ["http://www.w3.org/2001/XMLSchema#positiveInteger"]


def test_sparql_message_template_is_filled():
    rep = validate_dataset([ENGINE / "data.ttl"], shapes_dir=ENGINE)
    msgs = [str(m) for r in rep.results if str(r.component).endswith("#SPARQLConstraintComponent") for m in r.messages]
    assert msgs == ["https://example.org/e#acme has 3 employees older than 60"]
