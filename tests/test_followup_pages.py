"""Follow-up on the resource pages (issue 10), nb and en: a measure's timeline across programme years, a
programme's overview with the money chart, Nordland's schedule on the plan page, an indicator chart
(on the TEST-DATA fixture). Facts from data/sources/001_…txt (Handlingsprogram 2025), 002_…txt (2024),
004_…txt (Nordland)."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from kg.web import i18n, pages

BASE = "https://w3id.org/regplan/"
NBSP = "\u00a0"


@pytest.fixture
def lang():
    tokens = []

    def use(code: str):
        tokens.append(i18n._lang.set(code))
    yield use
    for t in reversed(tokens):
        i18n._lang.reset(t)


def section(html: str, cls: str) -> str:
    m = re.search(rf'<section class="followup {cls}">(.*?)</section>', html, re.S)
    assert m, f"no followup {cls} section"
    return m.group(1)


def text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))   # keeps no-break spaces


def test_measure_timeline_k5(store, lang):
    lang("nb")
    k5 = "plan/inkluderende-innlandet/programme/2025/measure/K5"
    html = pages.render_resource(store, BASE + k5, BASE, current=k5)   # as served: source lines are links
    t = section(html, "timeline")
    rows = re.findall(r"<tr(?: class=\"current\")?><td class=\"year\">(\d{4})</td><td>(.*?)</td>", t, re.S)
    assert [(y, text(m).strip()[:3]) for y, m in rows] == [("2024", "K3 "), ("2025", "K5 ")]   # 2024 K3 → 2025 K5
    assert 'class="current"><td class="year">2025' in t
    plain = text(t)
    assert "pågår « arbeidet er satt i gang »" in plain             # 002 K3 and 001:192 K5
    assert f"2023: tildelt 900{NBSP}000 NOK, brukt 290{NBSP}500 NOK, overført 609{NBSP}500 NOK" in plain   # 001:1254
    assert "« Arbeidet pågår »" in plain and "#L1254-L1266" in t   # 001:1266, the row's lines
    assert f"2025: vedtatt fordelt 200{NBSP}000 NOK" in plain        # 001:1621
    lang("en")
    en = pages.render_resource(store, BASE + "plan/inkluderende-innlandet/programme/2025/measure/K5", BASE)
    assert "Follow-up over time" in en and "allocated 900" in text(section(en, "timeline"))


def test_programme_overview_2025(store, lang):
    lang("nb")
    html = pages.render_resource(store, BASE + "plan/inkluderende-innlandet/programme/2025", BASE)
    o = section(html, "overview")
    counts = dict((text(a).strip(), int(b)) for a, b in re.findall(r'<tr><td>(.*?)</td><td class="count">(\d+)</td>',
                                                                   o, re.S))
    assert counts == {"pågår": 26, "ikke startet": 2, "ingen status oppgitt": 19}
    k = next(row for row in re.findall(r"<tr><td>2023</td>.*?</tr>", o, re.S) if "Kompetanse og livslang læring" in row)
    assert [text(c).strip() for c in re.findall(r'<td class="nok [a-zA-Z]+">(.*?)</td>', k)] == \
        [f"1{NBSP}500{NBSP}000", f"890{NBSP}500", f"609{NBSP}500", ""]
    bars = re.findall(r'<rect class="bar money-(\d)"[^>]*><title>(.*?)</title>', o)
    assert len(bars) == 3 * 3 + 4                                       # 3 focus areas × 3 kinds (2023) + 4 decided (2025)
    assert any("Lokalsamfunn, møteplasser og kultur – overført: 1" in t and "875" in t for _, t in bars)
    lang("en")
    en = section(pages.render_resource(store, BASE + "plan/inkluderende-innlandet/programme/2025", BASE), "overview")
    assert "Measures by status" in en and "no status given" in en and "carried over" in en


def test_nordland_plan_page_shows_its_schedule(store, lang):
    lang("nb")
    s = section(pages.render_resource(store, BASE + "plan/nordland-ung-inkludering", BASE), "schedule")
    plain = text(s)
    assert "juni, årlig" in plain and "Gjennomføringsteamet" in plain and "rådsnotat" in plain   # 004:35 statement 17
    assert "desember" in plain and "Fylkestinget" in plain                                       # statement 21
    assert "rullering" in plain and "løpende" in plain
    assert "varslet, ikke definert" in plain                                                     # indicators: announced
    lang("en")
    en = text(section(pages.render_resource(store, BASE + "plan/nordland-ung-inkludering", BASE), "schedule"))
    assert "June, yearly" in en and "December" in en and "announced, not yet defined" in en


def test_indicator_chart_on_the_fixture(lang, indicator_testdata):
    lang("nb")
    st = ox.Store()
    plan = ox.NamedNode("https://example.org/testdata/plan/testplan")
    for t in indicator_testdata:
        st.add(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    st.add(ox.Quad(plan, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   ox.NamedNode("https://w3id.org/regplan/ontology#RegionalPlan"), ox.DefaultGraph()))
    html = pages.render_resource(st, plan.value, "https://example.org/testdata/")
    charts = re.findall(r'<section class="followup indicator">(.*?)</section>', html, re.S)
    assert len(charts) == 2
    work = next(c for c in charts if "andel unge i arbeid" in c)
    assert len(re.findall(r"<circle class=\"mark (baseline|target|actual)\"",
                          work)) == 4   # 2023 b, 2024 a, 2025 a, 2026 t
    assert "<polyline class=\"actual\"" in work and "2025: 74.5 (actual)" in work


def test_status_text_is_escaped(lang):
    lang("nb")
    st = ox.Store()
    rp = "https://w3id.org/regplan/ontology#"
    m, p, r = (ox.NamedNode(f"https://example.org/t/{x}") for x in ("prog/measure/K1", "prog", "prog/status-report/K1"))
    def add(s, pred, o):
        st.add(ox.Quad(s, ox.NamedNode(pred), o, ox.DefaultGraph()))
    add(m, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(rp + "Measure"))
    add(m, rp + "measureId", ox.Literal("K1"))
    add(m, rp + "inProgramme", p)
    add(r, rp + "reportsOn", m)
    add(r, rp + "reportKind", ox.NamedNode("https://w3id.org/regplan/concept/report-kind/programme-status"))
    add(r, rp + "statusText", ox.Literal("<script>alert(1)</script>", language="nb"))
    html = pages.render_resource(st, m.value, "https://example.org/t/")
    t = section(html, "timeline")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in t and "<script>alert" not in t


# ---------------------------------------------------------------- served: endpoint and pages --------------

@pytest.fixture(scope="module")
def real(real_client):
    return real_client


def test_endpoint_gives_the_vedlegg2_totals_and_the_status_texts(real):
    from kg import queries

    q = queries.get("follow-up-money").render({"year": "2025"})
    r = real.post("/sparql", data={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    rows = r.json()["results"]["bindings"]
    tot = {k: sum(float(b[k]["value"]) for b in rows if b["period"]["value"] == "2023") for k in ("allocated", "used",
                                                                                                  "carriedOver")}
    assert tot == {"allocated": 7_300_000, "used": 4_507_500, "carriedOver": 2_792_500}
    assert sum(float(b["decided"]["value"]) for b in rows if b["period"]["value"] == "2025") == 3_000_000
    q = queries.get("status-by-year").render({"year": "2025"})
    r = real.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    k1 = next(b for b in r.json()["results"]["bindings"] if b["id"]["value"] == "K1")
    assert k1["statusText"]["value"] == "arbeidet er satt i gang" and k1["status"]["value"] == "ongoing"


def test_served_pages_in_both_languages(real):
    for lang, words in (("nb", ("Oppfølging over tid", "Oppfølgingsplan")), ("en", ("Follow-up over time",
                                                                                    "Follow-up schedule"))):
        m = real.get("/plan/inkluderende-innlandet/programme/2025/measure/K5", params={"lang": lang},
                     headers={"Accept": "text/html"})
        assert m.status_code == 200 and words[0] in m.text and "#L1254-L1266" in m.text
        p = real.get("/plan/nordland-ung-inkludering", params={"lang": lang}, headers={"Accept": "text/html"})
        assert p.status_code == 200 and words[1] in p.text
