"""The measure browser (/measures) on the real dataset; facts from data/sources/001_af88ce2a34d40677.txt
(hp2025), 002_5313b943f715c6e2.txt (hp2024) and the records in data/records/."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from kg import config

HTML = {"Accept": "text/html"}
P25 = "/measures?programme=plan/inkluderende-innlandet/programme/2025"
P24 = "/measures?programme=plan/inkluderende-innlandet/programme/2024"
HP2025 = config.SOURCES / "001_af88ce2a34d40677.txt"


def line(n: int) -> str:
    return HP2025.read_text(encoding="utf-8").splitlines()[n - 1]


def record(year: str) -> dict:
    return json.loads((config.RECORDS / f"hp{year}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def real(real_client):
    return real_client


def ids(html: str) -> list[str]:
    return re.findall(r'<tr data-id="([^"]+)"', html)


def test_programme_list_and_all_measures_grouped(real):
    html = real.get("/measures", headers=HTML).text
    assert 'href="?programme=plan/inkluderende-innlandet/programme/2025"' in html
    html = real.get(P25, headers=HTML).text
    assert len(ids(html)) == len(record("2025")["measures"]) == 47
    groups = re.findall(r'<section class="browse-group"><h2>(.*?) <span', html)
    # the document's order: focus area K's county measures come first, K1 first of all (line 98)
    assert groups[0] == "Kompetanse og livslang læring · fylkessatsing"
    assert ids(html)[0] == "K1" and line(98).startswith("K1 Inkluderende oppvekstmiljø")
    assert len(groups) == len(set(groups))  # each focus area × level once


def test_actor_filter_includes_sub_units(real):
    # K10 (lines 272–296), line 293: "Samarbeidspartnere: Universitetet i Innlandet, Nav Innlandet, …" — NAV only as its unit
    assert "Nav Innlandet" in line(293)
    got = ids(real.get(P25 + "&actor=actor/nav", headers=HTML).text)
    assert "K10" in got
    direct = ids(real.get(P25 + "&actor=actor/nav-innlandet", headers=HTML).text)
    assert set(direct) <= set(got) and "K10" in direct


def test_municipality_filter_via_actor_group(real):
    # A11, line 580: "Ansvarlig: De fire pilotkommunene"; line 574 names Engerdal, Trysil, Våler og Åmot. Trysil = 3421
    assert line(580).startswith("Ansvarlig: De fire pilotkommunene") and "Trysil" in line(574)
    assert ids(real.get(P25 + "&municipality=3421", headers=HTML).text) == ["A11"]


def test_new_horizon_and_status_filters_match_the_records(real):
    ms = record("2025")["measures"]
    assert sorted(ids(real.get(P25 + "&new=yes&sort=id",
                               headers=HTML).text)) == sorted(m["id"] for m in ms if m["is_new"])
    long_ids = sorted(m["id"] for m in ms if (m.get("priority") or {}).get("horizon") == "long")
    assert long_ids and sorted(ids(real.get(P25 + "&horizon=long", headers=HTML).text)) == long_ids
    # hp2024 line 304: "Prioritering: tas ut av handlingsprogrammet for 2024" (L8)
    assert ids(real.get(P24 + "&status=withdrawn", headers=HTML).text) == ["L8"]
    # filters combine (AND): new measures of focus area A
    both = ids(real.get(P25 + "&new=yes&focus=A", headers=HTML).text)
    assert sorted(both) == sorted(m["id"] for m in ms if m["is_new"] and m["id"].startswith("A"))


def test_sorting(real):
    got = ids(real.get(P25 + "&sort=id&dir=desc", headers=HTML).text)
    assert got[0] == "L17" and got[-1] == "A1"  # natural order: L17 after L9
    asc = ids(real.get(P25 + "&sort=id", headers=HTML).text)
    assert asc.index("K2A") < asc.index("K2B") < asc.index("K3") < asc.index("K10")


def test_csv_export(real):
    r = real.get(P25 + "&focus=K&format=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="satsinger-inkluderende-innlandet-2025-filtrert.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [x["id"] for x in rows][:3] == ["K1", "K2A", "K2B"]
    assert all(x["id"].startswith("K") for x in rows) and all(x["year"] == "2025" for x in rows)
    k1 = rows[0]
    assert k1["responsible"] == "Statsforvalteren i Innlandet"  # line 109: "Ansvarlig: Statsforvalteren"
    assert (k1["source"], k1["line_start"], k1["line_end"]) == ("hp2025", "98", "113")
    whole = real.get(P25 + "&format=csv")
    assert whole.headers["content-disposition"].endswith('filename="satsinger-inkluderende-innlandet-2025.csv"')


def test_bad_requests(real):
    assert real.get(P25 + "&sort=colour").status_code == 400
    assert real.get(P25 + "&dir=up").status_code == 400
    assert real.get(P25 + "&new=maybe").status_code == 400
    assert real.get(P25 + "&format=xls").status_code == 400
    assert real.get("/measures?programme=plan/none").status_code == 404
    # an unknown filter value selects nothing (it is not an error: links stay valid when data changes)
    assert ids(real.get(P25 + "&actor=actor/nobody", headers=HTML).text) == []


def test_programme_page_links_to_browser(real):
    html = real.get("/plan/inkluderende-innlandet/programme/2025", headers=HTML).text
    assert 'href="../../../measures?programme=plan/inkluderende-innlandet/programme/2025"' in html
