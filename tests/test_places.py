"""The municipality/region view (/places) on the real dataset. Facts: hp2025 (001_…) line 674–675 names
"Kongsvinger- og Fjell-regionene" responsible for A15; grants2022 (003_…) line 21 names Tolga, Kongsvinger,
Sel, Sør-Fron, Åsnes and Gran as municipalities of "Inn i jobb"."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urljoin

import pytest

from kg import config

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def real(real_client):
    return real_client


def row(html: str, number: str) -> str:
    return re.search(rf'<tr data-number="{number}">(.*?)</tr>', html, re.S).group(1)


def test_places_table_from_the_sources(real):
    assert "Kongsvinger- og Fjell-regionene" in (
        config.SOURCES / "001_af88ce2a34d40677.txt").read_text(encoding="utf-8").splitlines()[674]
    assert "Tolga, Kongsvinger, Sel, Sør-Fron, Åsnes og Gran" in (
        config.SOURCES / "003_5de66993df999f09.txt").read_text(encoding="utf-8").splitlines()[20]
    r = real.get("/places", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "46 kommuner i 10 regioner" in html
    kongsvinger = row(html, "3401")
    assert ">Kongsvinger</a>" in kongsvinger
    assert re.findall(r'>([AKL]\d+)</a>', kongsvinger) == ["A12",
                                                           "A15"]  # 2024 A12, 2025 A15 (region group responsible)
    assert ">Inn i jobb</a>" in kongsvinger
    hamar = row(html, "3403")
    assert not re.findall(r'>([AKL]\d+)</a>', hamar)  # no actor group names Hamar as member in a measure
    assert ">Urbant landbruk i Hamar</a>" in hamar
    # every link is relative and resolves; the per-municipality filter link gives the same measures
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs and not any(h.startswith("/") for h in hrefs)
    flt = re.search(r'href="(\./measures\?programme=plan/inkluderende-innlandet/programme/2025'
                    r'&amp;municipality=3401)"', kongsvinger)
    assert flt
    table = real.get(urljoin("/places", flt.group(1).replace("&amp;", "&")), headers=HTML).text
    assert re.findall(r'<tr data-id="([^"]+)"', table) == ["A15"]


def test_places_csv_and_errors(real):
    r = real.get("/places?format=csv")
    assert r.status_code == 200 and r.headers["content-disposition"] == 'attachment; filename="kommuner.csv"'
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 46 * 2  # one row per municipality and programme
    k25 = next(x for x in rows if x["municipality_number"] == "3401" and x["programme_year"] == "2025")
    assert (k25["region"], k25["municipality"], k25["measures"], k25["granted_projects"]) == (
        "Kongsvingerregionen", "Kongsvinger", "A15", "Inn i jobb")
    assert real.get("/places?format=xls").status_code == 400


def test_landing_links_the_places_view(real):
    assert 'href="./places"' in real.get("/", headers=HTML).text
