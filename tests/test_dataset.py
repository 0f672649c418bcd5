"""A dataset is a folder with a kg.toml (kg.dataset): the flagship at the repo root, discovery, clear
config errors, and a build that takes every record in the records folder by its kind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import build, config, dataset
from kg.cli import app
from kg.store import load_store

REPO = Path(__file__).resolve().parent.parent
FLAGSHIP = (REPO / "kg.toml").read_text(encoding="utf-8")


def test_flagship_is_the_repo_root():
    ds = dataset.load(REPO)
    assert ds.root == REPO and ds.records == REPO / "data" / "records" and ds.build == REPO / "build"
    assert ds.sources_yaml == REPO / "data" / "sources" / "sources.yaml"
    assert (ds.plan_id, ds.plan_slug, ds.base_iri) == ("inkluderende-innlandet", "inkluderende-innlandet",
                                                       "https://w3id.org/regplan/")
    assert ds.publisher.org_number == "920717152" and ds.publisher.name == "Innlandet fylkeskommune"
    assert ds.publisher.source.startswith("https://data.brreg.no/enhetsregisteret/")
    assert ds.contact.email is None  # none is given in the sources: never invented
    assert set(ds.title) == set(ds.description) == {"nb", "en"}


def _write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kg.toml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("edit, where", [
    (lambda t: t.replace('org_number = "920717152"', 'org_number = "92071715"'), "publisher.org_number"),
    (lambda t: t.replace('base_iri = "https://w3id.org/regplan/"', 'base_iri = "w3id.org/regplan/"'),
     "dataset.base_iri"),
    (lambda t: t.replace('base_iri = "https://w3id.org/regplan/"', 'base_iri = "https://w3id.org/regplan"'),
     "dataset.base_iri"),
    (lambda t: t.replace('languages = ["nb"]', 'languages = ["klingon"]'), "dataset.languages"),
    (lambda t: t.replace('[contact]\nname', '[contact]\nfax = "1"\nname'), "contact.fax"),
    (lambda t: t.replace('url = "https://innlandetfylke.no/"       #', '#'), "contact.url"),
    (lambda t: t.replace('slug = "inkluderende-innlandet"', 'slug = "Inkluderende Innlandet"'), "plan.slug"),
    (lambda t: t.replace('records = "data/records"', 'records = "../elsewhere"'), "paths.records"),
    (lambda t: t.replace("[spatial]", "[spatial_typo]"), "spatial_typo"),
    (lambda t: t.replace("[dataset]", "[dataset"), "not valid TOML"),
])
def test_config_errors_name_file_and_key(tmp_path, edit, where):
    folder = _write(tmp_path / "ds", edit(FLAGSHIP))
    assert edit(FLAGSHIP) != FLAGSHIP
    with pytest.raises(dataset.DatasetError) as err:
        dataset.load(folder)
    assert str(err.value).startswith(f"{folder / 'kg.toml'}: ") and where in str(err.value)


def test_cli_without_a_dataset_says_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "KG_DATASET"}
    env["PYTHONPATH"] = str(REPO)
    r = subprocess.run([sys.executable, "-m", "kg.cli", "build", "-q"], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert f"no kg.toml in {tmp_path.resolve()} or its parents — run `kg init DIR` or pass --dataset" in r.stderr
    assert "Traceback" not in r.stderr


def test_cli_bad_config_exits_2_naming_file_and_key(tmp_path):
    folder = _write(tmp_path / "ds", FLAGSHIP.replace('licence = "http', 'licence = "ftp'))
    r = CliRunner().invoke(app, ["build", "-q", "--dataset", str(folder)])
    assert r.exit_code == 2
    assert f"{folder / 'kg.toml'}: dataset.licence: " in r.output


def test_discovery_from_a_subfolder_and_by_env(tmp_path, monkeypatch):
    folder = _write(tmp_path / "ds", FLAGSHIP)
    (folder / "data" / "records").mkdir(parents=True)
    monkeypatch.chdir(folder / "data" / "records")
    monkeypatch.delenv("KG_DATASET", raising=False)
    assert dataset.locate() == folder.resolve()
    monkeypatch.setenv("KG_DATASET", str(REPO))
    assert dataset.locate() == REPO
    assert dataset.locate(folder) == folder


def test_build_takes_every_record_by_kind(tmp_path):
    """A hand-made hp2026.json in the 2025 layout is built, into its own graph, under programme 2026."""
    records = tmp_path / "records"
    shutil.copytree(config.RECORDS, records)
    rec = json.loads((records / "hp2025.json").read_text(encoding="utf-8"))
    rec["programme"]["year"] = 2026
    rec["source"]["id"] = "hp2026"
    (records / "hp2026.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    out = build.run(progress=False, records_dir=records, out_dir=tmp_path / "out")
    manifest = json.loads((out.parent / "manifest.json").read_text())
    base = config.base_iri()
    assert manifest["graphs"][f"{base}graph/hp2026"] == manifest["graphs"][f"{base}graph/hp2025"]
    rows = load_store(out).query("""PREFIX rp: <https://w3id.org/regplan/ontology#>
        SELECT ?y (COUNT(?m) AS ?n) WHERE { ?m a rp:Measure ; rp:inProgramme/rp:programmeYear ?y } GROUP BY ?y ORDER BY ?y""")
    assert [(r["y"].value, int(r["n"].value)) for r in rows] == [("2024", 40), ("2025", 47), ("2026", 47)]


def test_build_of_an_empty_records_folder_has_ontology_and_authority_only(tmp_path):
    records = tmp_path / "records"
    records.mkdir()
    out = build.run(progress=False, records_dir=records, out_dir=tmp_path / "out")
    graphs = json.loads((out.parent / "manifest.json").read_text())["graphs"]
    assert {g.rsplit("/", 1)[1] for g in graphs} == {"ontology", "authority"}
