"""`kg validate` on a user's files: exact results, exit codes, parse errors with file:line,
nb/en output, formats, and what inference changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from typer.testing import CliRunner

from kg.cli import app
from kg.shacl import ShapeFeatureError
from kg.validate import ValidationEngineError, validate_dataset

FIX = Path(__file__).parent / "fixtures"
USER = FIX / "validate" / "user_errors.ttl"
EX = "https://example.org/user/"
RPS = "https://w3id.org/regplan/shapes#"
RP = "https://w3id.org/regplan/ontology#"

EXPECTED = {   # (focus, shape, component, severity, path, value)
    ("a1", "Measure-id", "MinCount", "Violation", RP + "measureId", None),
    ("a2", "Measure-lineStart", "Datatype", "Violation", RP + "sourceLineStart", "12"),
    # a string is not comparable with 1, so sh:minInclusive fails too (SHACL 4.4.3; pySHACL agrees)
    ("a2", "Measure-lineStart", "MinInclusive", "Violation", RP + "sourceLineStart", "12"),
    ("a3", "MeasureLinkTargetShape", "SPARQL", "Violation", RP + "linkedTo", EX + "ghost"),
    ("a4", "MeasureSelfLinkShape", "SPARQL", "Warning", RP + "linkedTo", EX + "a4"),
    ("a5", "Measure-responsibleNotPartner", "Disjoint", "Warning", RP + "responsible", EX + "org1"),
    ("a6", "Measure-noUnresolvedLink", "MaxCount", "Warning", RP + "unresolvedLink", None),
    ("a7", "MeasureShape", "Or", "Violation", None, EX + "a7"),
    ("a8", "Measure-level", "In", "Violation", RP + "level", "https://w3id.org/regplan/concept/horizon/short"),
}


def summary(rep):
    return {(str(r.focus)[len(EX):], str(r.shape)[len(RPS):],
             str(r.component).rsplit("#", 1)[1].replace("ConstraintComponent", ""),
             str(r.severity).rsplit("#", 1)[1], str(r.path) if r.path is not None else None,
             str(r.value) if r.value is not None else None) for r in rep.results}


runner = CliRunner()


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_user_file_gives_exactly_the_expected_results(engine):
    rep = validate_dataset([USER], engine=engine)
    assert summary(rep) == EXPECTED
    assert len(rep.results) == len(EXPECTED) and not rep.conforms


def test_cli_exit_1_on_violations_and_text_names_measures_by_id_and_title():
    res = runner.invoke(app, ["validate", str(USER), "--lang", "en"])
    assert res.exit_code == 1, res.output
    out = res.output
    assert "6 violations, 3 warnings, 0 info" in out
    assert "2025 A3 Kobling til intet" in out and "2025 A4 Selvkobling" in out
    # grouped by severity: every violation is listed before the warnings heading
    assert (out.index("Violations (6)") < out.index("2025 A8 Feil nivå") < out.index("Warnings (3)")
            < out.index("2025 A4"))
    assert "The measure lists itself under 'links to other measures'." in out


def test_cli_norwegian_messages():
    res = runner.invoke(app, ["validate", str(USER)])
    assert res.exit_code == 1
    assert "Brudd (6)" in res.output and "Advarsler (3)" in res.output
    assert "Satsingen viser til seg selv" in res.output
    assert "Koblingen peker på https://example.org/user/ghost" in res.output


def test_cli_exit_0_with_warnings_only(tmp_path):
    f = tmp_path / "warn.ttl"
    text = USER.read_text(encoding="utf-8")
    # drop the measures with violations (a1 a2 a3 a7 a8): the rest has warnings only
    keep = [block for block in text.split("\n# ") if not any(f"ex:{m} a rp:Measure" in block for m in ("a1", "a2",
                                                                                                       "a3", "a7",
                                                                                                       "a8"))]
    f.write_text("\n# ".join(keep), encoding="utf-8")
    res = runner.invoke(app, ["validate", str(f), "--lang", "en"])
    assert res.exit_code == 0, res.output
    # SHACL: any result makes sh:conforms false; the exit code follows --fail-on (default violation)
    assert "DOES NOT CONFORM — 0 violations, 3 warnings" in res.output
    assert runner.invoke(app, ["validate", str(f), "--fail-on", "warning"]).exit_code == 1
    assert runner.invoke(app, ["validate", str(f), "--fail-on", "info"]).exit_code == 1
    res = runner.invoke(app, ["validate", str(f), "--format", "turtle"])
    assert res.exit_code == 0 and "sh:conforms false" in res.stdout


def test_parse_error_exit_2_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:p ex:b .\nex:c ex:q \"open string .\n",
                   encoding="utf-8")
    res = runner.invoke(app, ["validate", str(bad)])
    assert res.exit_code == 2
    assert f"{bad}:3:" in res.output
    nt = tmp_path / "bad.nt"
    nt.write_text("<https://e/a> <https://e/p> <https://e/b> .\n<https://e/a> <https://e/p> oops .\n", encoding="utf-8")
    res = runner.invoke(app, ["validate", str(nt)])
    assert res.exit_code == 2 and f"{nt}:2:" in res.output


def test_unknown_extension_and_missing_file_exit_2(tmp_path):
    odd = tmp_path / "data.xyz"
    odd.write_text("x", encoding="utf-8")
    assert runner.invoke(app, ["validate", str(odd)]).exit_code == 2
    res = runner.invoke(app, ["validate", str(tmp_path / "missing.ttl")])
    assert res.exit_code == 2 and "no such file" in res.output


def test_bad_options_exit_2():
    assert runner.invoke(app, ["validate", str(USER), "--engine", "jena"]).exit_code == 2
    assert runner.invoke(app, ["validate", str(USER), "--inference", "owl"]).exit_code == 2
    assert runner.invoke(app, ["validate", str(USER), "--lang", "not a tag"]).exit_code == 2
    assert runner.invoke(app, ["validate", str(USER), "--fail-on", "error"]).exit_code == 2
    assert runner.invoke(app, ["validate", str(USER), "--format", "xml"]).exit_code == 2


@pytest.mark.parametrize("fmt", ["nt", "json-ld", "trig", "nquads"])
def test_other_rdf_formats_give_the_same_results(fmt, tmp_path):
    from rdflib import Dataset
    ext = {"nt": ".nt", "json-ld": ".jsonld", "trig": ".trig", "nquads": ".nq"}[fmt]
    g = Graph().parse(USER)
    out = tmp_path / f"user{ext}"
    if fmt in ("trig", "nquads"):
        ds = Dataset()
        target = ds.graph(URIRef("https://example.org/graph/user"))
        for t in g:
            target.add(t)
        ds.serialize(out, format=fmt)
    else:
        g.serialize(out, format=fmt)
    assert summary(validate_dataset([out])) == EXPECTED


def test_turtle_and_json_formats_carry_the_full_report():
    res = runner.invoke(app, ["validate", str(USER), "--format", "turtle"])
    assert res.exit_code == 1
    g = Graph().parse(data=res.stdout, format="turtle")
    rep = next(g.subjects(RDF.type, SH.ValidationReport))
    assert str(g.value(rep, SH.conforms)) == "false"
    assert len(list(g.objects(rep, SH.result))) == 9
    assert {m.language for m in g.objects(None, SH.resultMessage)} == {"nb", "en"}
    res = runner.invoke(app, ["validate", str(USER), "--format", "json"])
    data = json.loads(res.stdout)
    assert data["counts"] == {"Violation": 6, "Warning": 3, "Info": 0} and data["conforms"] is False
    a3 = [r for r in data["results"] if r["focusNode"] == {"iri": EX + "a3"}][0]
    assert a3["focusLabel"]["nb"] == "2025 A3 Kobling til intet"
    assert a3["value"] == {"iri": EX + "ghost"} and a3["resultPath"] == "rp:linkedTo"


def test_rdfs_inference_changes_answers_as_documented():
    """Without inference the ontology's rdfs:range on rp:linkedTo is not seen: the dangling target
    is one link-integrity violation. With RDFS it becomes "a measure" and fails the measure shapes."""
    plain = validate_dataset([USER], inference="none")
    assert not [r for r in plain.results if str(r.focus) == EX + "ghost"]
    rdfs = validate_dataset([USER], inference="rdfs")
    ghost = {str(r.shape)[len(RPS):] for r in rdfs.results if str(r.focus) == EX + "ghost"}
    assert {"Measure-id", "Measure-inProgramme", "Measure-level", "Measure-focusArea", "MeasureShape",
            "Measure-derivedFrom"} <= ghost
    assert rdfs.counts["Violation"] > plain.counts["Violation"]


def test_subclass_axioms_are_seen_without_inference():
    """ex:org2 is only an rp:StateAgency; the subclass axiom makes it an org:Organization, so it
    is a valid partner and is checked by the organisation shape."""
    rep = validate_dataset([USER])
    assert not [r for r in rep.results if str(r.shape).endswith("Measure-partner")]


def _shapes_dir(tmp_path, extra: str) -> Path:
    d = tmp_path / "shapes"
    d.mkdir(parents=True)
    (d / "s.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix rp: "
                             "<https://w3id.org/regplan/ontology#> .\n"
                             "@prefix ex: <https://example.org/s#> .\n" + extra, encoding="utf-8")
    return d


def test_shapes_the_engine_refuses_are_exit_2_naming_the_construct_and_shape(tmp_path):
    d = _shapes_dir(tmp_path, "ex:S a sh:NodeShape ; sh:targetClass rp:Measure ; sh:minCount 1 .\n")
    with pytest.raises(ValidationEngineError, match=r"sh:minCount.*ex:S"):
        validate_dataset([USER], shapes_dir=d)
    res = runner.invoke(app, ["validate", str(USER), "--shapes", str(d)])
    assert res.exit_code == 2 and "sh:minCount" in res.output and "ex:S" in res.output


def test_an_engine_crash_is_exit_2_never_1(tmp_path, monkeypatch):
    import pyshacl_turbo

    def boom(*a, **k):
        raise KeyError("flags")
    monkeypatch.setattr(pyshacl_turbo, "compile_shapes", boom)
    res = runner.invoke(app, ["validate", str(USER)])
    assert res.exit_code == 2 and "KeyError" in res.output and "pyshacl-turbo" in res.output


def test_recursive_shapes_and_flags_validate(tmp_path):
    """The old engine crashed on both (RecursionError; KeyError on sh:flags) with exit 1."""
    shape = ("ex:S a sh:NodeShape ; sh:targetClass rp:Measure ; sh:property [ sh:path rp:linkedTo ; sh:node ex:S ] ;\n"
             "  sh:property [ sh:path rp:measureId ; sh:pattern \"^a\" %s ] .\n")
    pattern = SH.PatternConstraintComponent
    plain = validate_dataset([USER], shapes_dir=_shapes_dir(tmp_path / "1", shape % ""), ontology=None)
    assert len([r for r in plain.results if r.component == pattern]) == 7   # "A2" … "A8" do not match ^a
    d = _shapes_dir(tmp_path / "2", shape % '; sh:flags "i"')
    rep = validate_dataset([USER], shapes_dir=d, ontology=None)
    assert [r for r in rep.results if r.component == pattern] == []          # case-insensitive: all match
    res = runner.invoke(app, ["validate", str(USER), "--shapes", str(d)])
    assert res.exit_code in (0, 1), res.output


def test_mistyped_target_predicate_is_an_error(tmp_path):
    d = _shapes_dir(tmp_path,
                    "ex:S a sh:NodeShape ; sh:targetSubjectOf rp:linkedTo ; sh:property [ sh:path rp:measureId ; "
                    "sh:minCount 1 ] .\n")
    with pytest.raises(ShapeFeatureError, match="targetSubjectOf"):
        validate_dataset([USER], shapes_dir=d)


def test_pyshacl_engine_runs_the_reference():
    res = runner.invoke(app, ["validate", str(USER), "--engine", "pyshacl", "--lang", "en"])
    assert res.exit_code == 1 and "Validation (pySHACL 0.40.1" in res.output


def test_validating_the_build_builds_when_missing_and_writes_the_report(tmp_path, monkeypatch):
    from kg import config
    monkeypatch.setattr(config, "BUILD", tmp_path)
    res = runner.invoke(app, ["validate", "--lang", "en"])
    assert res.exit_code in (0, 1), res.output
    assert (tmp_path / "dataset.nq").exists()
    g = Graph().parse(tmp_path / "validation.ttl", format="turtle")
    rep = next(g.subjects(RDF.type, SH.ValidationReport))
    n = len(list(g.objects(rep, SH.result)))
    assert n > 0 and "Validation (pyshacl-turbo 0.6.5, inference: none" in res.output
    assert str(g.value(rep, SH.conforms)) == ("true" if n == 0 else "false")
