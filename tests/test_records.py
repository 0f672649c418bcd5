"""The records model: generated schema/reference are current, records follow the model, anomaly kinds
come from the catalogue, anomalies name their measures structurally, extractors are chosen by layout."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kg import config
from kg.cli import app
from kg.records import docs
from kg.records.anomalies import CATALOGUE, anomaly
from kg.records.validate import RecordError, check

ROOT = Path(__file__).resolve().parents[1]
RECORD_FILES = sorted((ROOT / "data" / "records").glob("*.json"))


def test_schema_and_reference_are_current():
    assert docs.SCHEMA_FILE.read_text(encoding="utf-8") == docs.schema_text(), \
        "docs/records.schema.json is stale: run `python -m kg.records.docs`"
    assert docs.REFERENCE_FILE.read_text(encoding="utf-8") == docs.reference_text(), \
        "docs/records.md is stale: run `python -m kg.records.docs`"


def test_reference_lists_every_catalogue_kind():
    text = docs.reference_text()
    for kind in CATALOGUE:
        assert f"| `{kind}` |" in text


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: p.name)
def test_committed_records_follow_the_model(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert check(data, path.name)


@pytest.mark.parametrize("path", RECORD_FILES, ids=lambda p: p.name)
def test_committed_records_follow_the_json_schema(path):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema not installed (pip install '.[test]')")
    schema = json.loads(docs.SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


def _hp2025() -> dict:
    return json.loads((ROOT / "data" / "records" / "hp2025.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d["measures"][3]["links"]["measures"].__setitem__(0, 5), "$.measures[3].links.measures[0]"),
    (lambda d: d["measures"][0].__setitem__("colour", "red"), "$.measures[0].colour"),
    (lambda d: d["measures"][0].__setitem__("lines", [1]), "$.measures[0].lines"),
    (lambda d: d["anomalies"][0].__setitem__("kind", "made-up-kind"), "$.anomalies[0].kind"),
    (lambda d: d.pop("schema_version"), "$.schema_version"),
])
def test_model_violations_name_file_and_json_path(mutate, where):
    data = _hp2025()
    mutate(data)
    with pytest.raises(RecordError) as exc:
        check(data, "data/records/hp2025.json")
    assert str(exc.value).startswith(f"data/records/hp2025.json: at {where}:")


def test_unknown_kind_and_wrong_severity_are_refused():
    with pytest.raises(ValueError, match="not in the catalogue"):
        anomaly("no-such-kind", "measure K1", "x", 1)
    with pytest.raises(ValueError, match="takes severity"):
        anomaly("duplicate-id", "measure K1", "x", 1, "info")


def _extractor_sources():
    return sorted((ROOT / "kg" / "extract").glob("*.py"))


def test_every_emitted_kind_is_catalogued():
    """Static: every literal kind handed to the anomaly constructor is in the catalogue, and no module
    builds an anomaly dict by hand (a {"kind": …, "severity": …} literal)."""
    for path in _extractor_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("anomaly", "_anomaly") and node.args:
                first = node.args[0]
                literals = [first] if isinstance(first, ast.Constant) else \
                    [first.body, first.orelse] if isinstance(first, ast.IfExp) else []
                for lit in literals:
                    assert isinstance(lit, ast.Constant) and lit.value in CATALOGUE, f"{path.name}:{node.lineno}"
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                assert not {"kind", "severity"} <= keys, f"{path.name}:{node.lineno}: anomaly dict built by hand"


def test_records_name_the_measures_of_their_anomalies():
    """Each anomaly about a measure carries it in ``measures`` (K2A shared block, links, fields …)."""
    data = _hp2025()
    ids = {m["id"] for m in data["measures"]}
    about = [a for a in data["anomalies"] if a["subject"].startswith("measure ")]
    assert about and all(a["measures"] and a["measures"][0]["id"] in ids for a in about)
    succ = json.loads((ROOT / "data" / "records" / "successors.json").read_text(encoding="utf-8"))
    assert all(r.get("year") in (2024, 2025) for a in succ["anomalies"] for r in a["measures"])


def test_concerns_comes_from_the_measures_field_not_the_subject():
    from kg.graph.common import Sink
    from kg.graph.programme import map_anomalies
    from kg.namespaces import RP
    from kg.records.model import Anomaly
    from kg.uris import Minter

    def concerns(an: dict) -> set[str]:
        sink = Sink(Minter())
        sink.use_graph("hp2025", source_id="hp2025")
        map_anomalies([Anomaly.model_validate(an)], sink, {"K1": "urn:k1", "K2": "urn:k2"}, "hp2025")
        return {q.object.value for q in sink.quads if q.predicate.value == RP + "concerns"}

    base = {"kind": "typo", "severity": "info", "message": "m", "lines": [1, 1], "correction": None}
    # the subject mentions K1, but the anomaly concerns K2: only the structured field counts
    assert concerns({**base, "subject": "measure K1", "measures": [{"id": "K2"}]}) == {"urn:k2"}
    assert concerns({**base, "subject": "measure K1", "measures": []}) == set()
    # a measure of another programme (year given) is not linked to this programme's measure
    assert concerns({**base, "subject": "x", "measures": [{"id": "K1", "year": 2024}]}) == set()


# --- extractor registry by layout -------------------------------------------------------------------

def _private_registry(tmp_path, monkeypatch, extra: dict) -> Path:
    folder = tmp_path / "sources"
    shutil.copytree(config.SOURCES, folder)
    entries = yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8"))
    entries.append(extra)
    (folder / "sources.yaml").write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(config, "SOURCES", folder)
    return folder


def test_new_year_in_known_layout_needs_only_a_registry_entry(tmp_path, monkeypatch):
    """A fictional 2026 programme printed like 2025 (a copy of the 2025 text), registered in a private
    sources folder: extracted with no code change."""
    from kg import extract, sources

    src25 = sources.get("hp2025")
    folder = tmp_path / "sources"
    _private_registry(tmp_path, monkeypatch, {
        "id": "hp2026-test", "file": "990_fictional_2026.txt", "title": "fictional 2026 programme (test)",
        "kind": "action-programme", "layout": "action-programme-2025", "programme_year": 2026,
        "publisher": "test", "sha256": src25.sha256})
    shutil.copy(src25.path, folder / "990_fictional_2026.txt")
    out = tmp_path / "records"
    files = extract.run([folder / "990_fictional_2026.txt"], out, progress=False)
    rec = files["hp2026-test.json"]
    assert rec["source"]["id"] == "hp2026-test"
    assert len(rec["measures"]) == len(_hp2025()["measures"]) > 40
    assert check(json.loads((out / "hp2026-test.json").read_text(encoding="utf-8")), "hp2026-test.json") == "programme"


def test_unknown_layout_names_the_registry_line(tmp_path, monkeypatch, capsys):
    from kg import sources
    src25 = sources.get("hp2025")
    folder = _private_registry(tmp_path, monkeypatch, {
        "id": "odd", "file": "991_odd.txt", "title": "odd", "kind": "action-programme",
        "layout": "action-programme-1999", "publisher": "test", "sha256": src25.sha256})
    shutil.copy(src25.path, folder / "991_odd.txt")
    res = CliRunner().invoke(app, ["extract", str(folder / "991_odd.txt"), "--out", str(tmp_path / "records"), "-q"])
    assert res.exit_code == 2
    err = res.stderr
    line = next(n for n, s in enumerate((folder / "sources.yaml").read_text().splitlines(), 1) if s == "- id: odd")
    assert f"sources.yaml:{line}: source 'odd': unknown layout 'action-programme-1999'" in err
    assert "action-programme-2025" in err and "hint: give the source one of the known layouts" in err
    assert not (tmp_path / "records").exists()


def test_diff_reads_records_through_the_model(tmp_path):
    """kg diff checks records that declare a schema version; pre-model records (older releases) are
    read as they are, so releases on either side of the change stay comparable."""
    from kg.publish import diff

    records = tmp_path / "records"
    shutil.copytree(ROOT / "data" / "records", records)
    assert diff.diff_years(records, 2024, 2025)  # current records pass the model
    data = json.loads((records / "hp2025.json").read_text(encoding="utf-8"))
    data["measures"][0]["level"] = "galaxy"
    (records / "hp2025.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(diff.DiffError, match=r"hp2025.json: at \$.measures\[0\].level"):
        diff.diff_years(records, 2024, 2025)
    del data["schema_version"]  # a pre-model record: not checked
    data["measures"][0]["level"] = "county"
    (records / "hp2025.json").write_text(json.dumps(data), encoding="utf-8")
    assert diff.diff_years(records, 2024, 2025)


def test_misspelt_registry_key_is_a_clear_error(tmp_path, monkeypatch, capsys):
    _private_registry(tmp_path, monkeypatch, {"id": "odd", "file": "x.txt", "title": "t", "kind": "k",
                                              "layuot": "action-programme-2025", "publisher": "p", "sha256": "0"})
    res = CliRunner().invoke(app, ["extract", "--out", str(tmp_path / "records"), "-q"])
    assert res.exit_code == 2
    err = res.stderr
    assert "sources.yaml:1: entry #6 ('odd'): unknown key(s) layuot" in err
