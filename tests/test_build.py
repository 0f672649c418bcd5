"""kg build: named graphs, provenance, successors, reasoning kept apart, atomic output, clear errors."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import build, config
from kg.cli import app
from kg.namespaces import sparql_prefixes
from kg.uris import Minter

B = Minter().base


def ask(store, q: str) -> list:
    return list(store.query(sparql_prefixes() + q))


def test_named_graphs_one_per_source(built_dataset):
    manifest = json.loads((built_dataset.parent / "manifest.json").read_text())
    graphs = set(manifest["graphs"])
    for name in ("hp2025", "hp2024", "hp2024-fields", "grants2022", "nordland-ung", "successors", "authority",
                 "ontology"):
        assert f"{B}graph/{name}" in graphs
    assert f"{B}graph/inferred" not in graphs  # only with --reason


def test_measure_counts_per_programme(store):
    rows = ask(store,
               """SELECT ?y (COUNT(?m) AS ?n) WHERE { ?m a rp:Measure ; rp:inProgramme/rp:programmeYear ?y } GROUP BY ?y ORDER BY ?y""")
    assert [(r["y"].value, int(r["n"].value)) for r in rows] == [("2024", 40), ("2025", 47)]


def test_every_measure_and_actor_has_provenance(store):
    missing = ask(store, """SELECT ?m WHERE { ?m a rp:Measure .
        FILTER NOT EXISTS { ?m prov:wasDerivedFrom ?src ; rp:sourceLineStart ?a ; rp:sourceLineEnd ?b ; rp:extractionRun ?r } }""")
    assert missing == []
    # actors come from the authority file; those used by a measure must be cited by a source line via the attribution
    unattributed = ask(store, """SELECT ?m ?a WHERE { ?m rp:responsible ?a .
        FILTER NOT EXISTS { ?m prov:qualifiedAttribution [ prov:agent ?a ; rp:sourceLineStart ?l ] } }""")
    assert unattributed == []


def test_measure_k3_2025_as_in_the_source(store):
    k3 = f"<{B}plan/inkluderende-innlandet/programme/2025/measure/K3>"
    rows = ask(store, f"""SELECT ?title ?level ?start ?src WHERE {{ {k3} dct:title ?title ; rp:level ?level ;
        rp:sourceLineStart ?start ; prov:wasDerivedFrom ?src }}""")
    assert rows[0]["title"].value == "Inkluderende russemarkering"  # 001 line 133, marker "(nytt tiltak)" removed
    assert rows[0]["level"].value.endswith("/level/county")
    assert rows[0]["src"].value == f"{B}source/hp2025"
    assert int(rows[0]["start"].value) == 133
    money = ask(store,
                f"""SELECT ?v ?basis WHERE {{ {k3} rp:hasAllocation [ schema:value ?v ; rp:amountBasis ?basis ] }}""")
    assert [(float(r["v"].value), r["basis"].value.rsplit("/", 1)[1]) for r in money] == [(2000000.0, "per-year")]


def test_successor_links_between_years(store):
    rows = ask(store,
               """SELECT ?old WHERE { ?new rp:measureId "A13" ; rp:inProgramme/rp:programmeYear "2025"^^xsd:gYear ;
        rp:continues ?o . ?o rp:measureId ?old }""")
    assert [r["old"].value for r in rows] == ["A8"]  # CNC-operatører: 2024 A8 continues as 2025 A13
    one_way = ask(store, "SELECT * WHERE { ?b rp:continues ?a . FILTER NOT EXISTS { ?a rp:continuedBy ?b } }")
    assert one_way == []
    lineage = ask(store, """SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE { ?m rp:lineage ?l }""")
    assert int(lineage[0]["n"].value) == 40 + 47 - len(ask(store, "SELECT * WHERE { ?b rp:continues ?a }"))


def test_union_default_graph_is_a_set(store):
    # focus areas are described by both programmes; the default graph must still hold each triple once
    rows = ask(store,
               """SELECT (COUNT(*) AS ?n) WHERE { ?fa a rp:FocusArea ; skos:notation "K" ; skos:prefLabel ?l }""")
    assert int(rows[0]["n"].value) == 1


def test_build_is_deterministic(tmp_path, built_dataset):
    again = build.run(progress=False, records_dir=config.RECORDS, out_dir=tmp_path)
    assert again.read_bytes() == built_dataset.read_bytes()
    assert (tmp_path / "dataset.trig").read_bytes() == (built_dataset.parent / "dataset.trig").read_bytes()


def test_trig_and_nquads_hold_the_same_quads(built_dataset):
    trig = {str(q) for q in ox.parse(path=str(built_dataset.parent / "dataset.trig"), format=ox.RdfFormat.TRIG)}
    nq = {str(q) for q in ox.parse(path=str(built_dataset), format=ox.RdfFormat.N_QUADS)}
    assert trig == nq


def test_reason_goes_into_its_own_graph(tmp_path):
    path = build.run(reason=True, progress=False, records_dir=config.RECORDS, out_dir=tmp_path)
    inferred = f"{B}graph/inferred"
    quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
    inf = [q for q in quads if q.graph_name.value == inferred]
    assert inf, "owlrl should infer something (e.g. rp:Measure ⊑ prov:Plan)"
    asserted = {(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value != inferred}
    assert not any((q.subject, q.predicate, q.object) in asserted for q in inf)
    assert any(q.predicate.value.endswith("#type") and q.object.value == "http://www.w3.org/ns/prov#Plan" for q in inf)


def test_bad_record_names_file_and_path_and_writes_nothing(tmp_path):
    records = tmp_path / "records"
    shutil.copytree(config.RECORDS, records)
    data = json.loads((records / "hp2025.json").read_text())
    data["measures"][3]["level"] = "galaxy"
    (records / "hp2025.json").write_text(json.dumps(data))
    out = tmp_path / "out"
    with pytest.raises(build.RecordError) as err:
        build.run(progress=False, records_dir=records, out_dir=out)
    assert "hp2025.json" in str(err.value) and "$.measures[3].level" in str(err.value)
    assert not out.exists() or not any(out.iterdir())


def test_cli_build_error_exit_code(tmp_path, monkeypatch):
    records = tmp_path / "records"
    records.mkdir()
    (records / "hp2025.json").write_text("{ not json")
    monkeypatch.setattr(config, "RECORDS", records)
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2
    assert "hp2025.json:1" in result.output


def test_outputs_are_readable_like_normal_files(built_dataset):
    # atomic writes go through mkstemp (mode 0600); published files must get the usual umask mode
    import os
    mask = os.umask(0)
    os.umask(mask)
    for name in ("dataset.nq", "dataset.trig", "manifest.json"):
        assert (built_dataset.parent / name).stat().st_mode & 0o777 == 0o666 & ~mask
