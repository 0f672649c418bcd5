"""`kg diff`: two programme years (paired by successor links, not by id) and two releases."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import config
from kg.cli import app
from kg.publish import diff

BASE = "https://w3id.org/regplan/"
RECORDS = Path(__file__).parent / "fixtures" / "publish" / "records"   # the publish fixture's records


def test_years_are_paired_by_successor_links_not_ids():
    changes = diff.diff_years(RECORDS, 2024, 2025)
    got = {(c.kind, c.subject, c.previous) for c in changes}
    # fixture successors: 2024/K1→2025/K1, 2024/K2→2025/K2A; 2024/K9 withdrawn; 2025/K2B new
    assert got == {("added", "2025/K2B", None), ("withdrawn", "2024/K9", None),
                   ("changed", "2025/K1", "2024/K1"), ("changed", "2025/K2A", "2024/K2")}
    k2a = next(c for c in changes if c.subject == "2025/K2A")
    assert set(k2a.fields) == {"title", "horizon", "money"}
    assert k2a.fields["horizon"] == {"from": "short", "to": "short-and-long"}
    assert k2a.fields["money"] == {"from": ["500000 NOK 2024–2025 per-year"], "to": ["750000 NOK 2024–2025 per-year"]}


def test_formats_via_cli():
    r = CliRunner().invoke(app, ["diff", "2024", "2025", "--records", str(RECORDS)])
    assert r.exit_code == 0, r.output
    assert "changed        2025/K2A (was 2024/K2)" in r.output
    assert "    horizon: short → short-and-long" in r.output
    md = CliRunner().invoke(app, ["diff", "2024", "2025", "--records", str(RECORDS), "--format", "markdown"]).output
    assert md.startswith("# Changes from 2024 to 2025") and "- **2025/K2A** (was 2024/K2)" in md
    ttl = CliRunner().invoke(app, ["diff", "2024", "2025", "--records", str(RECORDS), "--format", "rdf"]).output
    g = ox.Store()
    g.load(ttl.encode(), format=ox.RdfFormat.TURTLE)
    k2a = BASE + "plan/inkluderende-innlandet/programme/2025/measure/K2A"
    k2 = BASE + "plan/inkluderende-innlandet/programme/2024/measure/K2"
    assert g.query(f"ASK {{ <{k2a}> <http://www.w3.org/ns/prov#wasRevisionOf> <{k2}> . "
                   f"?c <http://purl.org/vocab/changeset/schema#subjectOfChange> <{k2a}> }}")
    assert len(list(g.query("SELECT ?c WHERE { ?c a <http://purl.org/vocab/changeset/schema#ChangeSet> }"))) == 4


def test_bad_input_is_a_clear_error(tmp_path):
    r = CliRunner().invoke(app, ["diff", "2024", "2025", "--records", str(tmp_path)])
    assert r.exit_code == 1 and "no records for programme year 2024" in r.output
    (tmp_path / "hp2024.json").write_text("{\n  broken")
    r = CliRunner().invoke(app, ["diff", "2024", "2025", "--records", str(tmp_path)])
    assert r.exit_code == 1 and f"{tmp_path / 'hp2024.json'}:2: not valid JSON" in r.output
    r = CliRunner().invoke(app, ["diff", str(tmp_path), "2025"])
    assert r.exit_code == 1 and "compare two release directories or two programme years" in r.output
    with pytest.raises(diff.DiffError, match="not a release directory"):
        diff.diff_releases(tmp_path, tmp_path)


def test_real_years_follow_successors_json():
    succ = json.loads((config.RECORDS / "successors.json").read_text())
    changes = diff.diff_years(config.RECORDS, 2024, 2025)
    kinds = {}
    for c in changes:
        kinds.setdefault(c.kind, set()).add(c.subject)
    assert kinds["added"] == {n["measure"] for n in succ["new_in_2025"]}
    unpaired = kinds.get("removed", set()) | {s for s in kinds.get("withdrawn", set()) if s.startswith("2024/")}
    assert unpaired == {w["measure"] for w in succ["without_successor"]}
    pairs = {(p["from"], p["to"]) for p in succ["pairs"]}
    for c in changes:
        if c.previous:
            assert (c.previous, c.subject) in pairs
    # ids are not identity: at least one pair links different ids (e.g. 2024/K2 → 2025/K2A)
    assert any(c.previous and c.previous.split("/")[1] != c.subject.split("/")[1] for c in changes)


def test_model_and_pre_model_views_agree_on_the_real_records(tmp_path):
    """kg diff reads current records as model objects and pre-model records (older releases) as dicts;
    the same measures give the same comparable fields either way, so releases on both sides compare."""
    from kg.records.validate import load_programmes

    legacy = tmp_path / "records"
    legacy.mkdir()
    for path in config.RECORDS.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        del data["schema_version"]   # as a release made before the records model has them
        (legacy / path.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    models = load_programmes(config.RECORDS)
    assert all(not isinstance(m, dict) for rec in models.values() for m in rec.measures)
    current, old = diff.programme_measures(config.RECORDS), diff.programme_measures(legacy)
    assert len(current) == sum(len(r.measures) for r in models.values()) and current == old
    assert any(v["responsible"] and v["money"] and v["links"] for v in current.values())
    assert [c.as_json() for c in diff.diff_years(config.RECORDS, 2024, 2025)] == \
        [c.as_json() for c in diff.diff_years(legacy, 2024, 2025)]
