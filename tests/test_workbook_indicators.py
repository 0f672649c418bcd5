"""Result indicators in the publisher's workbook (issue 10, item 3): the sheets Indikatorer and
Indikatorverdier → records → a qb:DataSet that passes the W3C Data Cube integrity constraints → the
indicators-against-target question; every mistake named by sheet and cell. The indicator and its values
are TEST DATA (in no source), added to the flagship's exported 2025 programme."""

from __future__ import annotations

from decimal import Decimal

import pytest
from datacube_ic import normalized, violations
from openpyxl import load_workbook

from kg import config, queries
from kg.errors import WorkbookError
from kg.workbook import template
from kg.workbook.export import export_dataset
from kg.workbook.importing import import_workbook
from kg.workbook.sheets import BY_NAME

IND = {"year": 2025, "id": "testdata-unge-i-arbeid", "title": "TESTDATA: unge i arbeid", "state": "definert",
       "definition": "TESTDATA: andel unge 16–25 år i arbeid", "unit": "prosent", "direction": "økende"}
VALUES = [  # (type, period, value): a baseline, a target, three observations
    ("utgangsverdi", 2022, 68), ("mål", 2027, 80), ("måling", 2023, 70), ("måling", 2024, 71.5), ("måling", 2025, 73)]


def _append(ws, sheet: str, values: dict) -> int:
    ws.append([values.get(c.key) for c in BY_NAME[sheet].columns])
    return ws.max_row


def _workbook(tmp_path, indicator=IND, values=VALUES):
    path = tmp_path / "programme.xlsx"
    template.write(path, export_dataset(config.RECORDS, config.AUTHORITY / "actors.yaml"))
    wb = load_workbook(path)
    _append(wb["Indikatorer"], "Indikatorer", indicator)
    for kind, period, value in values:
        _append(wb["Indikatorverdier"], "Indikatorverdier",
                {"year": 2025, "indicator": indicator["id"], "type": kind, "period": period, "value": value})
    wb.save(path)
    return path, wb


def test_the_template_has_the_indicator_sheets_with_drop_downs(tmp_path):
    template.write(tmp_path / "empty.xlsx", {})
    wb = load_workbook(tmp_path / "empty.xlsx")
    assert [c.value for c in wb["Indikatorer"][1]][:4] == ["Programår", "Id", "Indikator", "Tilstand"]
    lists = {str(dv.sqref).split(":")[0][:1]: dv.formula1 for dv in wb["Indikatorverdier"].data_validations.dataValidation}
    assert "Indikatorer" in lists["B"]          # the indicator column lists the ids of the sheet Indikatorer
    assert "utgangsverdi" in lists["C"] and "måling" in lists["C"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("indicators")
    path, _ = _workbook(tmp)
    res = import_workbook(path, tmp / "records", tmp / "actors.yaml")
    from kg import authority
    from kg.build import collect_quads

    mp = pytest.MonkeyPatch()
    mp.setattr(authority, "authority_file", lambda: tmp / "actors.yaml")
    quads = collect_quads(tmp / "records")
    mp.undo()
    return res, quads, tmp / "records"


def test_import_gives_the_indicator_record(built):
    import json

    rec = json.loads((built[2] / "hp2025.json").read_text(encoding="utf-8"))
    [ind] = rec["indicators"]
    assert (ind["id"], ind["state"], ind["direction"], ind["unit"]) == (
        "testdata-unge-i-arbeid", "defined", "increase", "prosent")
    assert ind["baseline"]["period"] == 2022 and ind["baseline"]["value"] == 68
    assert [(o["period"], o["value"]) for o in ind["observations"]] == [(2023, 70), (2024, 71.5), (2025, 73)]
    assert ind["observations"][0]["sheet_row"]["sheet"] == "Indikatorverdier"


def test_the_cube_passes_the_integrity_constraints_and_answers_the_question(built):
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(built[1])
    norm = normalized(list(store.quads_for_pattern(None, None, None, None)))
    cube = "https://w3id.org/regplan/plan/inkluderende-innlandet/cube/indicators"
    n = int(next(iter(norm.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?o <http://purl.org/linked-data/cube#dataSet> "
                                 f"<{cube}> }}")))["n"].value)
    assert n == 5
    assert violations(norm) == []
    cols, rows = queries.run_local(queries.get("indicators-against-target").render({}), norm)
    got = {r["indicator"]: r for r in (dict(zip(cols, (queries.plain(v) for v in row))) for row in rows)}
    work = got["TESTDATA: unge i arbeid"]
    assert (work["latestPeriod"], Decimal(work["latest"]), work["targetPeriod"], Decimal(work["target"])) == (
        "2025", Decimal("73"), "2027", Decimal("80"))
    assert work["assessment"] == "behind" and Decimal(work["baseline"]) == 68


def test_mistakes_are_named_by_sheet_and_cell(tmp_path):
    announced = {**IND, "state": "varslet", "unit": None, "direction": None, "definition": None}
    path, wb = _workbook(tmp_path, announced, [("måling", 2024, 71.5)])
    _append(wb["Indikatorverdier"], "Indikatorverdier",
            {"year": 2025, "indicator": "testdata-unge-i-arbeit", "type": "måling", "period": 2024, "value": 1})
    _append(wb["Indikatorverdier"], "Indikatorverdier",
            {"year": 2025, "indicator": announced["id"], "type": "måling", "period": "i fjor", "value": "mye"})
    bad_id = _append(wb["Indikatorer"], "Indikatorer", {**IND, "id": "Unge I Arbeid"})
    wb.save(path)
    with pytest.raises(WorkbookError) as e:
        import_workbook(path, tmp_path / "records", tmp_path / "actors.yaml")
    text = "\n".join(str(i) for i in e.value.issues)
    rows = wb["Indikatorverdier"].max_row
    assert f"Indikatorverdier!E{rows - 2}: indicator 'testdata-unge-i-arbeid' is only announced" in text
    assert f"Indikatorverdier!B{rows - 1}: unknown indicator 'testdata-unge-i-arbeit' for 2025 — did you mean " \
           "'testdata-unge-i-arbeid'?" in text
    assert f"Indikatorverdier!D{rows}: bad number 'i fjor' — write the year with four digits" in text
    assert f"Indikatorverdier!E{rows}: bad number 'mye'" in text
    assert f"Indikatorer!B{bad_id}: bad indicator id 'Unge I Arbeid'" in text
    assert not (tmp_path / "records").exists()   # nothing written


def test_export_gives_the_rows_back(built):
    rows = export_dataset(built[2], built[2].parent / "actors.yaml")
    assert [(r["id"], r["state"], r["direction"]) for r in rows["Indikatorer"]] == [
        ("testdata-unge-i-arbeid", "defined", "increase")]
    assert [(r["type"], r["period"], r["value"]) for r in rows["Indikatorverdier"]] == [
        ("baseline", 2022, 68), ("target", 2027, 80), ("actual", 2023, 70), ("actual", 2024, 71.5), ("actual", 2025,
                                                                                                     73)]
    flagship = export_dataset(config.RECORDS, config.AUTHORITY / "actors.yaml")
    assert flagship["Indikatorer"] == [] and flagship["Indikatorverdier"] == []   # no programme states one
