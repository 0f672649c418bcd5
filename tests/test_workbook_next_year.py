"""The next programme year made in the workbook (issue 13, item 6): 2025 copied into 2026 with one measure
withdrawn, one added and one responsible actor changed → import → build → validate → `kg diff 2025 2026`
reports exactly those three changes."""

from __future__ import annotations

import shutil

from openpyxl import load_workbook
from typer.testing import CliRunner

from kg import config
from kg.cli import app
from kg.workbook import template
from kg.workbook.export import export_dataset
from kg.workbook.importing import import_workbook
from kg.workbook.sheets import BY_NAME


def _next_year_workbook(src, dst) -> None:
    """2025 copied into a 2026 programme, then: K1 withdrawn, a new measure L30 (test data), A1's responsible
    actor changed to NAV; every copied measure continues its 2025 namesake ('Viderefører')."""
    wb = load_workbook(src)
    for name in ("Program", "Fokusområder", "Tiltak", "Koblinger", "Økonomi"):
        ws, spec = wb[name], BY_NAME[name]
        for row in [[c.value for c in r] for r in ws.iter_rows(min_row=2) if r[0].value == 2025]:
            if name == "Økonomi" and (row[1] is None or row[2] != "bevilgning"):
                continue            # the 2025 distribution table and the programme's own grant are 2025's
            row[0] = 2026
            if name == "Tiltak":
                row[[c.key for c in spec.columns].index("continues")] = row[1]
            ws.append(row)
    ws, spec = wb["Tiltak"], BY_NAME["Tiltak"]
    col = {c.key: i for i, c in enumerate(spec.columns, start=1)}
    rows = {(r[0].value, r[1].value): r[0].row for r in ws.iter_rows(min_row=2)}
    ws.cell(rows[(2026, "K1")], col["withdrawn"], "ja")
    ws.cell(rows[(2026, "A1")], col["responsible"], "NAV")
    ws.cell(rows[(2026, "A1")], col["responsible_text"], "NAV")
    new = [None] * len(spec.columns)
    for key, value in (("year", 2026), ("id", "L30"), ("level", "fylke"), ("focus_area", "L"),
                       ("title", "Testtiltak (testdata, ikke fra noen kilde)"), ("responsible", "Innlandet fylkeskommune"),
                       ("horizon", "kort sikt"), ("is_new", "ja")):
        new[col[key] - 1] = value
    ws.append(new)
    wb.save(dst)


def test_next_year_import_build_validate_and_diff(tmp_path, monkeypatch):
    from kg import authority
    from kg.build import run as build
    from kg.namespaces import RP
    from kg.publish.diff import diff_years
    from kg.uris import Minter
    from kg.validate import run as validate

    template.write(tmp_path / "innlandet.xlsx", export_dataset(config.RECORDS, config.AUTHORITY / "actors.yaml"))
    _next_year_workbook(tmp_path / "innlandet.xlsx", tmp_path / "2026.xlsx")
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
