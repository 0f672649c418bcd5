"""Own data, own shapes: `kg validate DATA… --shapes FILE_OR_DIR` for shapes that are not our
profile — no ontology unless asked, messages in the shapes' languages, several data files, and
the in-memory entry point a browser check page calls (`kg.validate.check_documents`)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.validate import check_documents, validate_dataset

runner = CliRunner()
SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/own#> .
@prefix org: <http://www.w3.org/ns/org#> .
ex:BookShape a sh:NodeShape ; sh:targetClass ex:Book ;
  sh:property [ sh:path ex:isbn ; sh:minCount 1 ;
                sh:message "Ein Buch braucht eine ISBN."@de , "A book needs an ISBN."@en ] ;
  sh:sparql [ sh:select "SELECT $this ?value WHERE { $this <https://example.org/own#year> ?value . \
FILTER(?value > 2100) }" ;
              sh:message "Jahr {?value} liegt in der Zukunft."@de , "Year {?value} is in the future."@en ] .
ex:OrgShape a sh:NodeShape ; sh:targetClass org:Organization ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""
DATA = """@prefix ex: <https://example.org/own#> .
@prefix rp: <https://w3id.org/regplan/ontology#> .
ex:b1 a ex:Book ; ex:year 2200 .
ex:b2 a ex:Book ; ex:isbn "978-3" .
ex:agency a rp:StateAgency .
"""


def write(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "shapes").mkdir()
    shapes = tmp_path / "shapes" / "books.ttl"
    shapes.write_text(SHAPES, encoding="utf-8")
    data = tmp_path / "books.ttl"
    data.write_text(DATA, encoding="utf-8")
    return data, shapes


def test_own_shapes_file_and_folder_give_the_results(tmp_path):
    data, shapes = write(tmp_path)
    for where in (shapes, shapes.parent):
        rep = validate_dataset([data], shapes_dir=where)
        got = {(str(r.focus).rsplit("#", 1)[1], str(r.component).rsplit("#", 1)[1]) for r in rep.results}
        assert got == {("b1", "MinCountConstraintComponent"), ("b1", "SPARQLConstraintComponent")}


def test_no_ontology_unless_asked(tmp_path):
    """rp:StateAgency ⊑ org:Organization is in *our* ontology: with own shapes it is not applied,
    with --ontology it is (and then ex:agency lacks ex:name)."""
    data, shapes = write(tmp_path)
    rep = validate_dataset([data], shapes_dir=shapes)
    assert not [r for r in rep.results if str(r.focus).endswith("#agency")]
    res = runner.invoke(app, ["validate", str(data), "--shapes", str(shapes), "--ontology", "ontology/regplan.ttl",
                              "--format", "json"])
    assert res.exit_code == 1
    assert [r for r in json.loads(res.stdout)["results"] if r["focusNode"]["iri"].endswith("#agency")]


def test_messages_in_the_shapes_languages(tmp_path):
    data, shapes = write(tmp_path)
    de = runner.invoke(app, ["validate", str(data), "--shapes", str(shapes), "--lang", "de"]).output
    assert "Ein Buch braucht eine ISBN." in de and "Jahr 2200 liegt in der Zukunft." in de
    en = runner.invoke(app, ["validate", str(data), "--shapes", str(shapes), "--lang", "en"]).output
    assert "A book needs an ISBN." in en and "Year 2200 is in the future." in en and "Jahr" not in en
    # a language the shapes do not have falls back to English
    fr = runner.invoke(app, ["validate", str(data), "--shapes", str(shapes), "--lang", "fr"]).output
    assert "A book needs an ISBN." in fr


def test_several_files_keep_their_blank_nodes_apart(tmp_path):
    """Two files that both say _:b1: two different nodes, each checked."""
    _, shapes = write(tmp_path)
    one = tmp_path / "one.ttl"
    two = tmp_path / "two.ttl"
    one.write_text("@prefix ex: <https://example.org/own#> .\n_:b1 a ex:Book ; ex:isbn \"1\" .\n", encoding="utf-8")
    two.write_text("@prefix ex: <https://example.org/own#> .\n_:b1 a ex:Book .\n", encoding="utf-8")
    rep = validate_dataset([one, two], shapes_dir=shapes)
    assert [str(r.component).rsplit("#", 1)[1] for r in rep.results] == ["MinCountConstraintComponent"]


def test_check_documents_returns_the_cli_report(tmp_path):
    data, shapes = write(tmp_path)
    obj = check_documents([("books.ttl", DATA)], shapes=[("books.ttl", SHAPES)])
    cli = json.loads(runner.invoke(app, ["validate", str(data), "--shapes", str(shapes), "--format", "json"]).stdout)
    def same(results):   # blank-node labels differ from run to run
        return [{k: (v if not (isinstance(v, dict) and "bnode" in v) else "bnode") for k,
                 v in r.items()} for r in results]
    assert same(obj["results"]) == same(cli["results"]) and obj["conforms"] is False
    assert obj["engineVersion"].startswith("pyshacl-turbo")


def test_check_documents_with_our_profile():
    fixture = Path(__file__).parent / "fixtures" / "validate" / "user_errors.ttl"
    obj = check_documents([("mine.ttl", fixture.read_bytes())])
    assert obj["counts"] == {"Violation": 6, "Warning": 3, "Info": 0}


def test_custom_severity_is_shown_and_fails_the_run(tmp_path):
    data, _ = write(tmp_path)
    s = tmp_path / "sev.ttl"
    s.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/own#> .\n"
                 "ex:S a sh:NodeShape ; sh:targetClass ex:Book ; sh:property [ sh:path ex:isbn ; sh:minCount 1 ; "
                 "sh:severity ex:Fatal ] .\n", encoding="utf-8")
    res = runner.invoke(app, ["validate", str(data), "--shapes", str(s), "--lang", "en"])
    assert res.exit_code == 1 and "ex:Fatal (1)" in res.output and "DOES NOT CONFORM" in res.output


def test_sparql_that_would_fetch_elsewhere_is_refused(tmp_path):
    data, _ = write(tmp_path)
    for clause in ("SERVICE <http://127.0.0.1:9/sparql> { $this ?p ?value }", "$this ?p ?value"):
        s = tmp_path / "svc.ttl"
        frm = "FROM <http://127.0.0.1:9/g> " if "SERVICE" not in clause else ""
        s.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/own#> .\n"
                     f'ex:S a sh:NodeShape ; sh:targetClass ex:Book ; sh:sparql [ sh:select "SELECT $this ?value {frm}'
                     f'WHERE {{ {clause} }}" ] .\n', encoding="utf-8")
        for engine in ("turbo", "pyshacl"):
            res = runner.invoke(app, ["validate", str(data), "--shapes", str(s), "--engine", engine])
            assert res.exit_code == 2 and "ex:S" in res.output and ("SERVICE" in res.output or "FROM" in res.output)


def test_a_construct_the_engine_cannot_evaluate_is_refused_naming_it_and_the_shape(tmp_path):
    """pySHACL does not implement $shapesGraph: exit 2 naming both (the default engine evaluates it)."""
    data, _ = write(tmp_path)
    s = tmp_path / "sg.ttl"
    s.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <https://example.org/own#> .\n"
                 'ex:S a sh:NodeShape ; sh:targetClass ex:Book ; sh:sparql [ sh:select '
                 '"SELECT $this WHERE { GRAPH $shapesGraph { $this ?p ?o } }" ] .\n', encoding="utf-8")
    res = runner.invoke(app, ["validate", str(data), "--shapes", str(s), "--engine", "pyshacl"])
    assert res.exit_code == 2 and "$shapesGraph in ex:S" in res.output
    assert runner.invoke(app, ["validate", str(data), "--shapes", str(s)]).exit_code == 0


def test_check_documents_bad_names_are_usage_errors():
    import pytest

    from kg.shacl import DataParseError
    from kg.validate import ValidationUsageError
    with pytest.raises(ValidationUsageError):
        check_documents([("", DATA)], shapes=[("s.ttl", SHAPES)])
    with pytest.raises(DataParseError, match="unknown RDF file extension"):
        check_documents([("data.txt", DATA)], shapes=[("s.ttl", SHAPES)])
    # a path in the name is reduced to its last part
    assert check_documents([("../../books.ttl", DATA)], shapes=[("s.ttl", SHAPES)])["counts"]["Violation"] == 2


def test_owl_imports_in_shapes_are_not_followed_and_say_so(tmp_path):
    data, _ = write(tmp_path)
    s = tmp_path / "imp.ttl"
    s.write_text(SHAPES + "<https://example.org/own> a <http://www.w3.org/2002/07/owl#Ontology> ; "
                 "<http://www.w3.org/2002/07/owl#imports> <http://127.0.0.1:9/more-shapes.ttl> .\n", encoding="utf-8")
    res = runner.invoke(app, ["validate", str(data), "--shapes", str(s), "--format", "json"])
    assert res.exit_code == 1
    assert "note: owl:imports <http://127.0.0.1:9/more-shapes.ttl>" in res.output
    assert json.loads(res.stdout)["notes"]
    (tmp_path / "plain").mkdir()
    plain_data, plain_shapes = write(tmp_path / "plain")
    assert validate_dataset([plain_data], shapes_dir=plain_shapes).notes == []
