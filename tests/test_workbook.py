"""The publisher's workbook (issue 13): template, export of Innlandet 2024+2025, import back, cell-level
errors with A1 references, the CSV form, and the records/graph round trip on the real data."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from kg import config
from kg.cli import app
from kg.errors import WorkbookError
from kg.workbook import template
from kg.workbook.export import export_dataset
from kg.workbook.importing import import_workbook
from kg.workbook.sheets import BY_NAME, SHEETS

AUTHORITY = config.AUTHORITY / "actors.yaml"

#: record keys the workbook does not carry (sheets.NOT_CARRIED says why); `row` is the workbook's own location,
#: `continues` is compared with successors.json separately
NOT_CARRIED = {"lines", "line", "raw", "fields_lines", "label", "heading", "shared_fields", "items", "urls", "units",
               "shared_with", "anomalies", "reconciliation", "reconciled_with", "allocation_status_totals",
               "distribution_totals", "sheet_row", "source", "extractor", "description_lines", "title_line",
               "vision_lines",
               "main_goal_line", "continues"}


def carried(x):
    """A record without what the workbook does not carry; absent, null and empty mean the same."""
    if isinstance(x, dict):
        return {k: carried(v) for k, v in sorted(x.items()) if k not in NOT_CARRIED and v not in (None, [], {})}
    if isinstance(x, list):
        return [carried(v) for v in x]
    return x


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    d = tmp_path_factory.mktemp("wb")
    rows = export_dataset(config.RECORDS, AUTHORITY)
    template.write(d / "innlandet.xlsx", rows)
    template.write(d / "innlandet-csv", rows, as_csv=True)
    return d, rows


@pytest.fixture(scope="module")
def imported(exported, tmp_path_factory):
    d, _ = exported
    out = tmp_path_factory.mktemp("imported")
    result = import_workbook(d / "innlandet.xlsx", out / "records", out / "actors.yaml")
    return out, result


def test_export_holds_every_measure_actor_link_and_amount(exported):
    _, rows = exported
    hp24, hp25 = (json.loads((config.RECORDS / f"hp{y}.json").read_text()) for y in (2024, 2025))
    assert [r["year"] for r in rows["Program"]] == [2024, 2025]
    assert len(rows["Tiltak"]) == len(hp24["measures"]) + len(hp25["measures"]) == 87
    links = sum(len((m.get("links") or {}).get("measures") or []) + len((m.get("links") or {}).get("other") or [])
                for rec in (hp24, hp25) for m in rec["measures"])
    assert len(rows["Koblinger"]) == links
    auth = yaml.safe_load(AUTHORITY.read_text())
    kinds = [r["kind"] for r in rows["Aktører"]]
    assert (kinds.count("actor"), kinds.count("group"), kinds.count("composite"), kinds.count("remark")) == \
        (len(auth["actors"]), len(auth["groups"]), len(auth["composites"]), len(auth["remarks"])) == (85, 51, 10, 3)
    k1 = next(r for r in rows["Tiltak"] if (r["year"], r["id"]) == (2025, "K1"))
    assert k1["responsible"] == ["Statsforvalteren"] and k1["continues"] == "K1" and k1["horizon"] == "short"
    reports = [r for rec in (hp24, hp25) for r in rec["status_reports"]]
    assert len(rows["Status"]) == len(reports) == 73 and len(rows["Statustabell"]) == len(hp25["allocation_status"]) == 13
    k5 = next(r for r in rows["Status"] if (r["year"], r["kind"], r["measure"]) == (2025, "allocation-status", "K5"))
    assert (k5["period"], k5["status_code"], k5["allocated"], k5["used"], k5["carried_over"], k5["table_row"]) == \
        (2023, "ongoing", 900000, 290500, 609500, 1)
    k3 = [r for r in rows["Økonomi"] if (r["year"], r["measure"]) == (2025, "K3")]
    assert [(r["amount"], r["basis"], r["period_start"], r["period_end"]) for r in k3] == [(2000000, "per-year", 2025,
                                                                                            2028)]


def test_template_has_validation_comments_guide_and_frozen_headers(tmp_path):
    template.write(tmp_path / "t.xlsx")
    wb = load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == ["Veiledning", *(s.name for s in SHEETS)]
    ws = wb["Tiltak"]
    spec = BY_NAME["Tiltak"]
    assert [c.value for c in ws[1]] == [c.header for c in spec.columns]
    assert ws.freeze_panes == "C2" and wb["Aktører"].freeze_panes == "A2"
    assert "EN: Responsible actors" in ws["F1"].comment.text and "Ansvarlige aktører" in ws["F1"].comment.text
    formulas = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert formulas["C2"] == '"fylke,distrikt,by"'
    assert formulas["D2"].startswith("'Fokusområder'!$B$2:$B$")       # focus areas by range reference
    assert formulas["F2"].startswith("'Aktører'!$A$2:$A$")            # actor names by range reference
    assert formulas["H2"] == '"kort sikt,lang sikt,kort og lang sikt"' and formulas["K2"] == '"ja,nei"'
    status = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["Status"].data_validations.dataValidation}
    assert status["E2"] == '"planlagt,pågår,fullført,stilt i bero,avlyst"'   # Statuskode
    assert status["B2"] == '"programstatus,tildelingsstatus,vedtatte midler"'  # Slag
    guide = [[c.value for c in row] for row in wb["Veiledning"].iter_rows()]
    assert ["Tiltak", "Viderefører"] == guide[[r[1] for r in guide].index("Viderefører")][:2]
    assert sum(1 for r in guide if r[0] and r[1]) == sum(len(s.columns) for s in SHEETS) + 3  # + nb, en, header


def test_round_trip_gives_the_same_records_and_actors(exported, imported):
    out, result = imported
    assert result.warnings == [] and sorted(p.name for p in result.written) == ["actors.yaml", "hp2024.json",
                                                                                "hp2025.json"]
    for year in (2024, 2025):
        original = json.loads((config.RECORDS / f"hp{year}.json").read_text())
        back = json.loads((out / "records" / f"hp{year}.json").read_text())
        assert carried(back) == carried(original)
        assert back["source"]["kind"] == "workbook" and back["source"]["file"] == "innlandet.xlsx"
        k = back["measures"][0]
        assert k["sheet_row"]["sheet"] == "Tiltak" and k["responsible"]["sheet_row"] == k["sheet_row"]
    assert yaml.safe_load((out / "actors.yaml").read_text()) == yaml.safe_load(AUTHORITY.read_text())
    # 'Viderefører' carries the successor pairs of successors.json
    pairs = {(p["from"], p["to"]) for p in json.loads((config.RECORDS / "successors.json").read_text())["pairs"]}
    back25 = json.loads((out / "records" / "hp2025.json").read_text())
    assert {(f"2024/{m['continues']['id']}",
             f"2025/{m['id']}") for m in back25["measures"] if m.get("continues")} == pairs


def test_csv_folder_gives_the_same_records(exported, imported, tmp_path):
    d, _ = exported
    out, _ = imported
    res = import_workbook(d / "innlandet-csv", tmp_path / "records", tmp_path / "actors.yaml")
    for year in (2024, 2025):
        a = json.loads((out / "records" / f"hp{year}.json").read_text())
        b = json.loads((tmp_path / "records" / f"hp{year}.json").read_text())
        assert a.pop("source")["kind"] == b.pop("source")["kind"] == "workbook"
        assert a == b
    assert (tmp_path / "actors.yaml").read_text() == (out / "actors.yaml").read_text()
    assert res.source == "innlandet-csv"


def _graph_without_provenance(records_dir, authority_file, monkeypatch):
    import rdflib

    from kg import authority
    from kg.build import collect_quads
    from kg.namespaces import PROV, RP
    from kg.rdfbridge import to_rdflib

    monkeypatch.setattr(authority, "authority_file", lambda: authority_file)
    quads = collect_quads(records_dir)
    prov_p = {PROV + "wasDerivedFrom", RP + "sourceLineStart", RP + "sourceLineEnd", RP + "extractionRun",
              RP + "sourceSheet", RP + "sourceRow"}
    prov_classes = {RP + "Anomaly", RP + "SourceDocument", RP + "Workbook", RP + "ExtractionRun"}
    typed = {q.subject.value for q in quads if q.predicate.value.endswith("#type") and q.object.value in prov_classes}
    g = rdflib.Graph()
    for q in quads:
        if q.predicate.value in prov_p or q.subject.value in typed:
            continue
        g.add(tuple(to_rdflib(t) for t in (q.subject, q.predicate, q.object)))
    return g


def test_round_trip_graphs_are_isomorphic_without_provenance(imported, tmp_path, monkeypatch):
    from rdflib.compare import isomorphic

    out, _ = imported
    before, after = tmp_path / "before", out / "records"
    before.mkdir()
    for name in ("hp2024.json", "hp2025.json", "successors.json"):
        shutil.copy(config.RECORDS / name, before / name)
    shutil.copy(config.RECORDS / "successors.json", after / "successors.json")
    g1 = _graph_without_provenance(before, AUTHORITY, monkeypatch)
    g2 = _graph_without_provenance(after, out / "actors.yaml", monkeypatch)
    from rdflib import RDF, URIRef

    measure = URIRef("https://w3id.org/regplan/ontology#Measure")
    assert len(set(g1.subjects(RDF.type, measure))) == len(set(g2.subjects(RDF.type, measure))) == 87
    assert isomorphic(g1, g2), sorted(set(g1) ^ set(g2))[:5]


# --- cell-level errors ---------------------------------------------------------------------------

@pytest.fixture
def broken(exported, tmp_path):
    d, _ = exported
    wb = load_workbook(d / "innlandet.xlsx")
    ws = wb["Tiltak"]
    ws["F12"] = "Statsforvalteren i Innlandt"              # misspelt actor (2024 K11)
    ws["D20"] = "X"                                         # unknown focus area (2024 A8)
    ws.append([c.value for c in ws[29]])                    # a copy of 2024 L5: duplicate id
    dup = ws.max_row
    wb["Økonomi"]["D3"] = "2 mill."                         # bad number
    path = tmp_path / "broken.xlsx"
    wb.save(path)
    return path, dup


EXPECTED = [
    "Tiltak!F12: unknown actor 'Statsforvalteren i Innlandt' — did you mean 'Statsforvalteren i Innlandet'? "
    "Add it to Aktører or fix the spelling",
    "Tiltak!D20: unknown focus area 'X' for 2024 — use one of A, K, L",
    "Tiltak!B{dup}: duplicate measure id '2024/L5' (also in row 29) — give each row its own id, or delete the copy",
    "Økonomi!D3: bad number '2 mill.' — write whole kroner with digits only, no spaces, points or 'mill.' (e.g. "
    "2000000)",
]


def test_cell_errors_name_sheet_row_and_column(broken, tmp_path):
    path, dup = broken
    with pytest.raises(WorkbookError) as e:
        import_workbook(path, tmp_path / "records", tmp_path / "actors.yaml")
    errors = [str(i) for i in e.value.issues if i.severity == "error"]
    assert sorted(errors) == sorted(x.format(dup=dup) for x in EXPECTED)
    assert not (tmp_path / "records").exists() and not (tmp_path / "actors.yaml").exists()


def test_cli_import_errors_exit_2_and_leave_records_untouched(broken, tmp_path):
    path, dup = broken
    records = tmp_path / "records"
    records.mkdir()
    (records / "hp2024.json").write_text("before")
    res = CliRunner().invoke(app, ["import", str(path), "--out", str(records), "--authority", str(tmp_path / "a.yaml")])
    assert res.exit_code == 2
    for line in EXPECTED:
        assert f"error: {line.format(dup=dup)}" in res.output
    assert "4 error(s) — nothing was written" in res.output
    assert (records / "hp2024.json").read_text() == "before" and not (tmp_path / "a.yaml").exists()
    res = CliRunner().invoke(app, ["import", str(path), "--check", "--format", "json"])
    assert res.exit_code == 2
    issues = json.loads(res.stdout)
    assert {"ref": "Økonomi!D3", "value": "2 mill.", "check": "cell-type"}.items() <= \
        next(i for i in issues if i["ref"] == "Økonomi!D3").items()


def test_warnings_do_not_stop_the_import(exported, tmp_path):
    d, _ = exported
    wb = load_workbook(d / "innlandet.xlsx")
    ws = wb["Koblinger"]
    ws["C2"] = "K99"                                         # a link to no measure: kept as unresolved
    wb["Tiltak"].cell(1, 40, "Kommentar")                    # a column of the publisher's own
    wb.save(tmp_path / "w.xlsx")
    res = import_workbook(tmp_path / "w.xlsx", tmp_path / "records", tmp_path / "actors.yaml")
    assert [str(i) for i in res.warnings] == [
        "Tiltak!AN1: unknown column 'Kommentar', ignored — see the sheet Veiledning for the columns",
        "Koblinger!C2: no measure 'K99' in 2024 — add it to Tiltak or fix the id (kept as an unresolved link)"]
    rec = json.loads((tmp_path / "records" / "hp2024.json").read_text())
    first = ws["B2"].value
    assert "K99" in next(m for m in rec["measures"] if m["id"] == first)["links"]["measures"]


def test_template_command_writes_xlsx_and_csv(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["template", str(tmp_path / "t.xlsx")]).exit_code == 0
    assert runner.invoke(app, ["template", "--csv", str(tmp_path / "csv")]).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted([f"{s.name}.csv" for s in SHEETS] + ["Veiledning.csv"])
    guide = (tmp_path / "csv" / "Veiledning.csv").read_text(encoding="utf-8-sig")
    assert "Tiltak,Viderefører,Id-en til tiltaket i forrige programår som dette viderefører." in guide
    head = (tmp_path / "csv" / "Tiltak.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert head.split(",")[:6] == ["Programår", "Id", "Nivå", "Fokusområde", "Tittel", "Ansvarlig"]
    res = runner.invoke(app, ["import", str(tmp_path / "t.xlsx"), "--check"])
    assert res.exit_code == 2 and "error: Program!2: no programme" in res.output



def test_another_county_fixture_imports_with_its_own_plan_and_actors(tmp_path):
    """tests/fixtures/workbook/testfylket: a fictitious county (test data), in the CSV form."""
    res = import_workbook(config.ROOT / "tests/fixtures/workbook/testfylket", tmp_path / "records",
                          tmp_path / "actors.yaml")
    # imported while the flagship dataset is in use: its plan is not the dataset's, which is said (not refused)
    (w,) = res.warnings
    assert (w.check, w.sheet, w.row, w.value) == ("plan-id", "Program", 2, "testplan-testfylket")
    assert "is not this dataset's plan 'inkluderende-innlandet'" in w.message
    assert sorted(res.records) == ["hp2026.json"]
    rec = json.loads((tmp_path / "records" / "hp2026.json").read_text())
    assert rec["plan"]["id"] == "testplan-testfylket" and [f["code"] for f in rec["focus_areas"]] == ["T", "P"]
    assert [(m["id"], m["focus_area"], m["level"]) for m in rec["measures"]] == [
        ("T1", "T", "county"), ("T2", "T", "district"), ("P1", "P", "urban")]
    assert rec["measures"][0]["partners"]["mentions"] == [
        {"text": "Prøvestad kommune", "actor": "provestad-kommune"}, {"text": "testkommunene",
                                                                      "group": "testkommunene"}]
    auth = yaml.safe_load((tmp_path / "actors.yaml").read_text())
    assert auth["actors"][1] == {"id": "testfylket-fylkeskommune-kompetanse",
                                 "label": "Testfylket fylkeskommune, Kompetanse",
                                 "type": "county-authority", "parent": "testfylket-fylkeskommune",
                                 "note": "Fictitious (test data)."}
    written = (tmp_path / "records" / "hp2026.json").read_text() + (tmp_path / "actors.yaml").read_text()
    assert "innlandet" not in written.lower()


def test_workbook_reference_is_generated_from_the_spec():
    from kg.workbook.docs import DOC_FILE, render

    assert DOC_FILE.read_text(encoding="utf-8") == render(), "run python -m kg.workbook.docs"


def test_a_fact_needs_document_lines_or_a_workbook_row():
    from kg.records.validate import RecordError, check

    rec = json.loads((config.RECORDS / "hp2025.json").read_text())
    del rec["measures"][0]["lines"]
    with pytest.raises(RecordError) as e:
        check(rec, "hp2025.json")
    assert "$.measures[0]" in str(e.value) and "`sheet_row` (a workbook)" in str(e.value)
    rec["measures"][0]["sheet_row"] = {"sheet": "Tiltak", "row": 1}
    with pytest.raises(RecordError, match=r"measures\[0\]\.sheet_row\.row"):
        check(rec, "hp2025.json")   # row 1 holds the headers
    rec["measures"][0]["sheet_row"] = {"sheet": "Tiltak", "row": 42}
    assert check(rec, "hp2025.json") == "programme"


def test_cli_export_then_import(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["export-template", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 0 and "2 programme(s), 87 measure rows, 149 actor rows" in res.output
    res = runner.invoke(app, ["import", str(tmp_path / "x.xlsx"), "--out", str(tmp_path / "r"),
                              "--authority", str(tmp_path / "a.yaml")])
    assert res.exit_code == 0, res.output
    assert "x.xlsx: 2 programme(s), 87 measures, 85 actors, 0 warning(s); wrote 3 file(s)" in res.output


def test_status_report_and_structure_errors(exported, tmp_path):
    d, _ = exported
    wb = load_workbook(d / "innlandet.xlsx")
    ws = wb["Status"]
    rows = {(r[0].value, r[1].value, r[2].value): r[0].row for r in ws.iter_rows(min_row=2)}
    k5 = rows[(2025, "tildelingsstatus", "K5")]
    ws.cell(k5, 17, 14)                                     # Tabellrad: 2025's Statustabell has 13 rows
    ws.cell(k5, 5, "på gang")                               # Statuskode not in the list
    first = rows[(2024, "programstatus", "K1")]
    ws.cell(first, 3).value = None                          # neither measure nor table row
    wb["Tiltak"].title = "Tiltakk"                          # a required sheet misspelt
    wb.save(tmp_path / "s.xlsx")
    with pytest.raises(WorkbookError) as e:
        import_workbook(tmp_path / "s.xlsx", tmp_path / "r", tmp_path / "a.yaml")
    got = [str(i) for i in e.value.issues]
    assert "Tiltak: sheet missing — add a sheet named 'Tiltak' (`kg template` writes one with every sheet)" in got
    assert "Tiltakk: unknown sheet, ignored — did you mean 'Tiltak'? Rename it" in got
    assert f"Status!E{k5}: 'på gang' is not a value of this column — choose one of: planlagt, pågår, fullført, " \
           "stilt i bero, avlyst" in got
    assert f"Status!Q{k5}: no row 14 in Statustabell for 2025 — there are 13; fix the number" in got
    assert f"Status!C{first}: the report names neither a measure nor a table row — fill in Tiltak, or Tabell and " \
           "Tabellrad" in got


def test_csv_that_is_not_utf8_names_the_file(exported, tmp_path):
    d, _ = exported
    shutil.copytree(d / "innlandet-csv", tmp_path / "c")
    (tmp_path / "c" / "Aktører.csv").write_bytes("Navn\nStatsforvalteren i Innlandet\n".encode("latin-1") + b"\xf8\n")
    res = CliRunner().invoke(app, ["import", str(tmp_path / "c"), "--check"])
    assert res.exit_code == 2
    assert "error: Aktører.csv: not UTF-8 text (byte 34) — save the CSV as 'CSV UTF-8'" in res.output
