"""The SHACL profile in shapes/: well-formed SHACL, and every shape catches a minimal invalid
example and passes a valid one (tests/fixtures/shapes/cases.yaml on top of base.ttl)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, SH
from shacl_cases import CASES, FIX, PREFIXES, RPS, variant  # noqa: E402,F401

from kg import config
from kg.shacl import load_shapes_graph
from kg.validate import validate_dataset


def shacl_shacl() -> Graph:
    import pyshacl
    return Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")


def focus_term(s: str):
    return URIRef("https://example.org/kg/" + s[3:]) if s.startswith("ex:") else None


def test_shapes_conform_to_shacl_for_shacl():
    import pyshacl
    conforms, _, text = pyshacl.validate(load_shapes_graph(config.SHAPES), shacl_graph=shacl_shacl())
    assert conforms, text


def test_shacl_shacl_catches_a_broken_shape():
    g = load_shapes_graph(config.SHAPES)
    g.add((URIRef(RPS + "Measure-id"), SH.minCount, URIRef("https://example.org/not-a-number")))
    import pyshacl
    conforms, _, _ = pyshacl.validate(g, shacl_graph=shacl_shacl())
    assert not conforms


def test_every_constraint_has_nb_and_en_text():
    g = load_shapes_graph(config.SHAPES)
    missing = []
    for s in set(g.subjects(RDF.type, SH.PropertyShape)) | set(g.subjects(RDF.type, SH.NodeShape)) | \
            set(g.subjects(RDF.type, SH.SPARQLConstraint)):
        texts = list(g.objects(s, SH.message)) + list(g.objects(s, SH.name)) + list(g.objects(s, SH.description))
        langs = {getattr(t, "language", None) for t in texts}
        if not {"nb", "en"} <= langs:
            missing.append(str(s))
    assert not missing, missing


def test_severities_are_deliberate():
    g = load_shapes_graph(config.SHAPES)
    sev = {str(s).rsplit("#", 1)[-1]: o for s, o in g.subject_objects(SH.severity)}
    assert sev["MeasureSelfLinkShape"] == SH.Warning and sev["BudgetTableTotalsShape"] == SH.Warning
    assert sev["MeasureLinkTargetShape"] == SH.Violation and sev["Measure-derivedTitleInfo"] == SH.Info
    # severity on a SPARQL constraint node is ignored by SHACL: never put it there
    for c in g.subjects(RDF.type, SH.SPARQLConstraint):
        assert g.value(c, SH.severity) is None, c


#: sh: predicates on a shape that are not constraints (they produce no result of their own)
_NOT_CONSTRAINTS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.path, SH.severity,
                    SH.message, SH.name, SH.description, SH.order, SH.group, SH.deactivated, SH.property}


def test_every_result_producing_shape_has_a_case():
    g = load_shapes_graph(config.SHAPES)
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    top = {s for t in targets for s in g.subjects(t, None)}

    def constrains(node) -> bool:
        return any(str(p).startswith(str(SH)) and p not in _NOT_CONSTRAINTS for p in g.predicates(node))
    producing = {str(s)[len(RPS):] for s in top if isinstance(s, URIRef) and constrains(s)}
    producing |= {str(p)[len(RPS):] for s in top for p in g.objects(s, SH.property)
                  if isinstance(p, URIRef) and constrains(p)}
    covered = {c["shape"] for c in CASES}
    assert producing - covered == set()
    assert covered - producing == set()


def test_base_fixture_has_only_the_expected_info():
    rep = validate_dataset([FIX / "base.ttl"])
    assert not rep.conforms and not rep.failed("violation")   # an Info: sh:conforms false, no failure
    assert [(str(r.shape)[len(RPS):], str(r.focus)) for r in rep.results] == \
        [("Measure-missingTitleInfo", "https://example.org/kg/m0")]


@pytest.mark.parametrize("case", CASES, ids=[c["shape"] for c in CASES])
def test_shape_catches_invalid_and_passes_valid(case, tmp_path):
    shape = URIRef(RPS + case["shape"])
    rep = validate_dataset([variant(tmp_path, case["invalid"], "invalid")])
    hits = [r for r in rep.results if r.shape == shape]
    assert hits, f"{case['shape']} did not catch its invalid example:\n{rep.text('en')}"
    want = focus_term(case["focus"])
    if want is None:
        assert all(isinstance(r.focus, BNode) for r in hits)
    else:
        assert want in {r.focus for r in hits}
    if case.get("valid"):
        rep = validate_dataset([variant(tmp_path, case["valid"], "valid")])
        assert not [r for r in rep.results if r.shape == shape], rep.text("en")
