"""A publisher records next year's follow-up in the workbook (issue 10, item 3 and "done when"): the
2026 programme of the next-year workbook (conftest.py next_year_workbook) gets a Status row for K4 —
completed, with its text (test data, in no source) — and a money row for A1; import → build → the
endpoint's status-by-year question and K4's timeline (nb and en) show the 2026 status, and
`kg diff 2025 2026` reports the status and money changes beside the three edits of the year."""

from __future__ import annotations

import shutil

import pytest
from serve_helpers import app_client
from typer.testing import CliRunner

from kg import config
from kg.cli import app
from kg.workbook.importing import import_workbook
from kg.workbook.sheets import BY_NAME

TEXT = "Prosjektet er avsluttet og rapport levert (testdata)"
K4 = "/plan/inkluderende-innlandet/programme/2026/measure/K4"


@pytest.fixture(scope="module")
def next_year(tmp_path_factory, next_year_workbook):
    """(records folder, built dataset.nq) of the 2026 workbook with the two follow-up rows."""
    from kg import authority
    from kg.build import run as build

    tmp = tmp_path_factory.mktemp("followup-2026")
    wb = next_year_workbook(tmp / "2026.xlsx")
    ws, spec = wb["Status"], BY_NAME["Status"]
    keys = [c.key for c in spec.columns]
    for values in ({"year": 2026, "kind": "programstatus", "measure": "K4", "period": 2026,
                    "status_code": "fullført", "status_text": TEXT, "focus_area": "A"},
                   {"year": 2026, "kind": "vedtatte midler", "measure": "A1", "period": 2026,
                    "decided": 900_000, "focus_area": "A"}):
        ws.append([values.get(k) for k in keys])
    wb.save(tmp / "2026.xlsx")
    records = tmp / "records"
    res = import_workbook(tmp / "2026.xlsx", records, tmp / "actors.yaml")
    assert sorted(res.records) == ["hp2024.json", "hp2025.json", "hp2026.json"]
    shutil.copy(config.RECORDS / "successors.json", records / "successors.json")
    mp = pytest.MonkeyPatch()
    mp.setattr(authority, "authority_file", lambda: tmp / "actors.yaml")   # the imported actors
    nq = build(progress=False, records_dir=records, out_dir=tmp / "build")
    yield records, nq
    mp.undo()


@pytest.fixture(scope="module")
def served(next_year):
    with app_client(next_year[1]) as c:
        yield c


def test_the_2026_status_is_on_the_endpoint(served):
    from kg import queries

    q = queries.get("status-by-year").render({"year": "2026"})
    r = served.post("/sparql", data={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    rows = {b["id"]["value"]: b for b in r.json()["results"]["bindings"]}
    assert rows["K4"]["status"]["value"] == "completed" and rows["K4"]["statusText"]["value"] == TEXT


@pytest.mark.parametrize("lang,words", [("nb", ("Oppfølging over tid", "sluttført")),
                                        ("en", ("Follow-up over time", "completed"))])
def test_the_2026_status_is_on_the_measures_timeline(served, lang, words):
    import re

    html = served.get(K4, params={"lang": lang}, headers={"Accept": "text/html"}).text
    assert words[0] in html
    timeline = re.search(r'<section class="followup timeline">(.*?)</section>', html, re.S).group(1)
    row = next(r for r in re.findall(r"<tr[^>]*>(.*?)</tr>", timeline, re.S) if '<td class="year">2026</td>' in r)
    assert words[1] in row.lower() and TEXT in row
    # the 2025 version is on the same timeline, with its own status (the programme's phrase)
    assert '<td class="year">2025</td>' in timeline


def test_diff_reports_the_status_and_money_changes(next_year):
    from kg.publish.diff import diff_years

    changes = {c.subject: c for c in diff_years(next_year[0], 2025, 2026)}
    a5 = changes["2026/K4"]
    assert a5.kind == "changed" and set(a5.fields) == {"follow_up_status"}
    assert a5.fields["follow_up_status"]["to"] == [f"completed ({TEXT})"]
    assert a5.fields["follow_up_status"]["from"] == ["ongoing (arbeidet er satt i gang)"]
    a1 = changes["2026/A1"]
    assert set(a1.fields) == {"responsible", "follow_up_money"}
    assert a1.fields["follow_up_money"]["to"] == ["2026: decided 900 000 NOK"]
    assert "2025: decided 1 100 000 NOK" in a1.fields["follow_up_money"]["from"]
    out = CliRunner().invoke(app, ["diff", "2025", "2026", "--records", str(next_year[0])]).output
    assert f"    follow_up_status: [ongoing (arbeidet er satt i gang)] → [completed ({TEXT})]" in out


def test_diff_2024_2025_on_the_real_records():
    """Hand-checked: A1 2024 'arbeidet settes i gang i 2024' (002_…, line 148) → 2025 'arbeidet er
    igangsatt' (001_…, line 399); Vedlegg 2 row 4 (lines 1318–1331): 1,5 mill. allocated, 1 192 000 used,
    308 000 carried over, 'Arbeidet pågår'; the 2025 distribution (line 1605): 1 100 000."""
    from kg.publish.diff import diff_years

    a1 = {c.subject: c for c in diff_years(config.RECORDS, 2024, 2025)}["2025/A1"]
    assert a1.fields["follow_up_status"] == {"from": ["planned (arbeidet settes i gang i 2024)"],
                                             "to": ["ongoing (arbeidet er igangsatt)"]}
    assert a1.fields["follow_up_money"] == {"from": [], "to": [
        "2023: allocated 1 500 000 NOK, used 1 192 000 NOK, carried over 308 000 NOK (Arbeidet pågår)",
        "2025: decided 1 100 000 NOK"]}
