"""The extraction orchestrator and `kg extract`: outputs, determinism, all-or-nothing errors."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from kg import config, sources
from kg.cli import app
from kg.extract import run

HP2025 = config.SOURCES / "001_af88ce2a34d40677.txt"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("records")
    run(out_dir=out, progress=False)
    return out


def test_full_run_writes_records_and_tables(full_run):
    names = set(snapshot(full_run))
    assert {"hp2025.json", "measures.csv", "anomalies.csv"} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    rec = json.loads((full_run / "hp2025.json").read_text(encoding="utf-8"))
    assert rec["source"]["sha256"] == sources.get("hp2025").sha256
    assert rec["extractor"] == {"module": "kg.extract.layouts.action_programme_2025", "version": 1}
    rows = list(csv.DictReader((full_run / "measures.csv").open(encoding="utf-8")))
    rows25 = [r for r in rows if r["year"] == "2025"]
    assert len(rows25) == 47
    l17 = next(r for r in rows25 if r["id"] == "L17")
    assert (l17["level"], l17["links"], l17["horizon"], l17["first_line"], l17["last_line"]) == ("urban",
                                                                                                 "L14;L15;L16",
                                                                                                 "short", "1162",
                                                                                                 "1188")
    k3 = next(r for r in rows25 if r["id"] == "K3")
    assert (k3["is_new"], k3["money_nok_total_mentioned"], k3["status_phrase"]) == ("1", "2000000", "")
    a7 = next(r for r in rows25 if r["id"] == "A7")
    assert a7["other_links"] == ("handlingsprogrammene for Regional plan for samfunnstryggleik;"
                                 "Regional plan for klima, energi og miljø")
    anomalies = list(csv.DictReader((full_run / "anomalies.csv").open(encoding="utf-8")))
    ours = [a for a in anomalies if a["source"] == "hp2025"]
    assert len(ours) == len(rec["anomalies"])
    assert {"self-link", "empty-field", "shared-field-block", "id-title-mismatch", "duplicate-entry",
            "typo"} <= {a["kind"] for a in ours}
    norm = next(a for a in ours if a["kind"] == "id-normalised" and a["subject"] == "measure A13")
    assert json.loads(norm["correction"])["to"] == "K2A"


def test_actor_mentions_filled(full_run):
    pytest.importorskip("kg.extract.actors")
    rec = json.loads((full_run / "hp2025.json").read_text(encoding="utf-8"))
    k1 = next(m for m in rec["measures"] if m["id"] == "K1")
    assert k1["responsible"]["mentions"] and k1["responsible"]["mentions"][0]["text"] == "Statsforvalteren"


def test_deterministic(full_run, tmp_path):
    again = tmp_path / "again"
    run(out_dir=again, progress=False)
    assert snapshot(again) == snapshot(full_run)


def test_single_path_keeps_other_records(full_run, tmp_path):
    out = tmp_path / "r"
    shutil.copytree(full_run, out)
    before = snapshot(out)
    files = run([HP2025], out_dir=out, progress=False)
    assert "hp2025.json" in files
    assert snapshot(out) == before  # same input, same bytes; other records and tables intact


def _cli(args):
    return CliRunner().invoke(app, args)


def test_cli_extract_quiet(tmp_path):
    res = _cli(["extract", str(HP2025), "--out", str(tmp_path), "--quiet"])
    assert res.exit_code == 0, res.output
    assert {"hp2025.json", "measures.csv", "anomalies.csv"} <= set(snapshot(tmp_path))


def test_missing_file_subprocess(tmp_path):
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "kg.cli", "extract", str(tmp_path / "nope.txt"), "--out", str(out)],
                         capture_output=True, text=True, cwd=config.ROOT)
    assert res.returncode == 2
    assert f"{tmp_path / 'nope.txt'}:1: no such file" in res.stderr and "hint:" in res.stderr
    assert not out.exists()


def test_unknown_document(tmp_path):
    doc = tmp_path / "unknown.txt"
    doc.write_text("Ansvarlig: noen\n", encoding="utf-8")
    out = tmp_path / "out"
    res = _cli(["extract", str(doc), "--out", str(out)])
    assert res.exit_code == 2
    assert "unknown.txt:1: not a registered source document" in res.output
    assert not out.exists()


def _private_sources(tmp_path, monkeypatch, text: str, update_sha: bool) -> Path:
    """A copy of data/sources with an edited 2025 document (the real folder is never touched)."""
    folder = tmp_path / "sources"
    shutil.copytree(config.SOURCES, folder)
    doc = folder / HP2025.name
    doc.write_text(text, encoding="utf-8")
    if update_sha:
        entries = yaml.safe_load((folder / "sources.yaml").read_text(encoding="utf-8"))
        for e in entries:
            if e["file"] == doc.name:
                e["sha256"] = hashlib.sha256(doc.read_bytes()).hexdigest()
        (folder / "sources.yaml").write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
    monkeypatch.setattr(config, "SOURCES", folder)
    return doc


def test_changed_checksum(tmp_path, monkeypatch, full_run):
    out = tmp_path / "out"
    shutil.copytree(full_run, out)
    before = snapshot(out)
    doc = _private_sources(tmp_path, monkeypatch, HP2025.read_text(encoding="utf-8") + "\nendret\n", update_sha=False)
    res = _cli(["extract", str(doc), "--out", str(out)])
    assert res.exit_code == 2
    assert f"{doc}:1: sha256" in res.output and "does not match sources.yaml" in res.output
    assert snapshot(out) == before


def test_corrupted_measure_block_writes_nothing(tmp_path, monkeypatch, full_run):
    out = tmp_path / "out"
    shutil.copytree(full_run, out)
    before = snapshot(out)
    lines = HP2025.read_text(encoding="utf-8").split("\n")
    assert lines[108].startswith("Ansvarlig: Statsforvalteren")
    del lines[108:113]  # K1 loses its field block (lines 109–113)
    doc = _private_sources(tmp_path, monkeypatch, "\n".join(lines), update_sha=True)
    res = _cli(["extract", str(doc), "--out", str(out)])
    assert res.exit_code == 2
    assert f"{doc.name}:98: measure K1: no field block" in res.output and "hint:" in res.output
    assert snapshot(out) == before
    # the whole-registry run fails the same way and writes nothing either
    res = _cli(["extract", "--out", str(out), "--quiet"])
    assert res.exit_code == 2 and snapshot(out) == before
