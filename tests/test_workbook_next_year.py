"""The next programme year made in the workbook (issue 13, item 6): 2025 copied into 2026 with one measure
withdrawn, one added and one responsible actor changed → import → build → validate → `kg diff 2025 2026`
reports exactly those three changes."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from kg import config
from kg.cli import app
from kg.workbook.importing import import_workbook


def test_next_year_import_build_validate_and_diff(tmp_path, monkeypatch, next_year_workbook):
    from kg import authority
    from kg.build import run as build
    from kg.namespaces import RP
    from kg.publish.diff import diff_years
    from kg.uris import Minter
    from kg.validate import run as validate

    next_year_workbook(tmp_path / "2026.xlsx")
    records = tmp_path / "records"
    res = import_workbook(tmp_path / "2026.xlsx", records, tmp_path / "actors.yaml")
    assert sorted(res.records) == ["hp2024.json", "hp2025.json", "hp2026.json"] and res.warnings == []
    shutil.copy(config.RECORDS / "successors.json", records / "successors.json")

    changes = diff_years(records, 2025, 2026)
    assert [(c.kind, c.subject, c.previous, sorted(c.fields)) for c in changes] == [
        ("added", "2026/L30", None, []),
        ("withdrawn", "2026/K1", "2025/K1", ["status"]),
        ("changed", "2026/A1", "2025/A1", ["responsible"]),
    ]
    assert changes[2].fields["responsible"] == {"from": ["innlandet-fylkeskommune"], "to": ["nav"]}

    monkeypatch.setattr(authority, "authority_file", lambda: tmp_path / "actors.yaml")   # the imported actors
    nq = build(progress=False, records_dir=records, out_dir=tmp_path / "build")
    text = nq.read_text()
    mint = Minter()
    k1 = f"<{mint.measure(2026, 'K1')}>"
    assert f"{k1} <{RP}continues> <{mint.measure(2025, 'K1')}>" in text
    assert f'{k1} <{RP}sourceSheet> "Tiltak"' in text
    assert f"<{mint.measure(2026, 'L30')}> <{RP}isNew> " in text
    report = validate([nq])
    assert report.counts["Violation"] == 0, report.text("en")[:2000]
    assert report.counts["Info"] >= 1        # the profile did run: the 2024 measures without a source title

    res = CliRunner().invoke(app, ["diff", "2025", "2026", "--records", str(records)])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0] == "Changes from 2025 to 2026: 1 added, 1 withdrawn, 1 changed"
