"""Headless Chromium (DevTools protocol, tests/cdp.py) against a real `kg serve` of the real dataset: the search
page, the source view's line highlighting and the measure browser, at 1280 and 390 px wide, with no
horizontal overflow. Screenshots go to tests/artifacts/explore-*.png."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from serve_helpers import ARTIFACTS, BROWSER_MARKS

pytestmark = BROWSER_MARKS
pytest.importorskip("websockets", reason="websockets is a test dependency (pip install -e '.[test]')")
WIDTHS = (1280, 390)


def shot(browser, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"explore-{name}.png"
    path.unlink(missing_ok=True)
    browser.screenshot(path)
    assert path.stat().st_size > 5000


@pytest.mark.parametrize("width", WIDTHS)
def test_search_page(real_server, browser, width):
    browser.open(real_server + "/search?q=ungdom", width)
    assert browser.eval("document.querySelectorAll('article.hit').length") == 20
    marks = browser.eval("[...document.querySelectorAll('mark')].map(m => m.textContent.toLowerCase())")
    assert "ungdommer" in marks and "ungdom" in marks
    assert browser.eval("document.querySelectorAll('.facet-year li').length") == 2
    assert browser.overflow_x() == 0
    shot(browser, f"search-ungdom-{width}")
    # a facet link narrows the hits and keeps the query
    browser.eval("document.querySelector('.facet-year li a').click()")
    browser.wait_for("location.search.includes('year=') && document.readyState === 'complete'")
    browser.open(browser.eval("location.href"), width)
    assert "q=ungdom" in browser.eval("location.search")
    years = browser.eval("[...document.querySelectorAll('article.hit .year')].map(e => e.textContent)")
    assert years and len(set(years)) == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_header_search_box_on_a_measure_page(real_server, browser, width):
    browser.open(real_server + "/plan/inkluderende-innlandet/programme/2025/measure/K1", width)
    assert browser.overflow_x() == 0
    browser.eval("(() => { const f = document.querySelector('form.site-search'); f.q.value = 'HINN'; f.submit(); })()")
    browser.wait_for("location.pathname === '/search' && document.readyState === 'complete'")
    browser.open(browser.eval("location.href"), width)
    labels = browser.eval("[...document.querySelectorAll('article.hit h2')].map(e => e.textContent)")
    assert "Universitetet i Innlandet" in labels


@pytest.mark.parametrize("width", WIDTHS)
def test_source_view_highlights_the_span(real_server, browser, width):
    # the measure page's "linje 98–113" leads to the source with exactly those lines marked
    browser.open(real_server + "/plan/inkluderende-innlandet/programme/2025/measure/K1", width)
    href = browser.eval("document.querySelector('td.source a.source-lines').href")  # the measure's own span (role lines come first)
    assert href.endswith("/source/hp2025/text#L98-L113")
    browser.open(href, width, settle="document.querySelectorAll('.line.hl').length > 0")
    marked = browser.eval("[...document.querySelectorAll('.line.hl')].map(e => e.id)")
    assert marked == [f"L{n}" for n in range(98, 114)]
    assert browser.eval("document.getElementById('source-range').textContent") == "Markert: linje 98–113"
    assert browser.eval("document.getElementById('L98').textContent").startswith("98K1 Inkluderende oppvekstmiljø")
    top = browser.eval("document.getElementById('L98').getBoundingClientRect().top")
    assert 0 <= top < 200  # scrolled to the span
    assert browser.overflow_x() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(ARTIFACTS / f"explore-source-hp2025-L98-L113-{width}.png", full=False)
    # changing the hash moves the highlight
    browser.eval("location.hash = '#L304'")
    browser.wait_for("[...document.querySelectorAll('.line.hl')].map(e => e.id).join() === 'L304'")


@pytest.mark.parametrize("width", WIDTHS)
def test_measure_browser(real_server, browser, width):
    url = real_server + "/measures?programme=plan/inkluderende-innlandet/programme/2025"
    browser.open(url, width)
    assert browser.eval("document.querySelectorAll('tr[data-id]').length") == 47
    assert browser.overflow_x() == 0
    shot(browser, f"measures-2025-{width}")
    # choose a filter in the form and submit: the URL carries it
    browser.eval("(() => { const f = document.querySelector('form.browse-filters'); f.horizon.value = 'long'; "
                 "f.submit(); })()")
    browser.wait_for("location.search.includes('horizon=long') && document.readyState === 'complete'")
    browser.open(browser.eval("location.href"), width)
    rows = browser.eval("[...document.querySelectorAll('tr[data-id]')].map(e => e.dataset.id)")
    assert rows and browser.eval("document.getElementById('browse-summary').textContent").startswith(f"{len(rows)} av 47")
    assert browser.overflow_x() == 0


# --------------------------------------------------------------------------- query page (issue 11, items 4 and 5)

HP2025 = Path(__file__).resolve().parent.parent / "data" / "sources" / "001_af88ce2a34d40677.txt"


def src_line(n: int) -> str:
    return HP2025.read_text(encoding="utf-8").splitlines()[n - 1]


def results(browser) -> list[list[str]]:
    return browser.eval("[...document.querySelectorAll('table.results tr')].slice(1).map(r => [...r.cells].map(c => "
                        "c.textContent))")


@pytest.mark.parametrize("width", WIDTHS)
def test_query_page_for_people(real_server, browser, width):
    from kg import queries

    q = queries.get("measures-per-responsible")
    browser.open(real_server + "/query?q=measures-per-responsible&run=1", width,
                 settle="document.querySelector('table.results')")
    assert browser.eval("document.getElementById('qtitle').textContent") == q.titles["nb"]
    assert browser.eval("document.getElementById('qdesc').textContent") == q.descriptions["nb"]
    assert browser.eval("document.getElementById('sparql-toggle').open") is False  # the SPARQL is one click away
    assert browser.eval("document.getElementById('query').value").lstrip().startswith("# title:")
    # IRIs are shown by their labels and link to their pages; no language tags anywhere
    links = browser.eval("[...document.querySelectorAll('table.results a')].map(a => [a.textContent, "
                         "a.getAttribute('href')])")
    assert ["Innlandet fylkeskommune", "./actor/innlandet-fylkeskommune"] in links  # relative to /query
    assert "@nb" not in browser.eval("document.getElementById('results').textContent")
    assert browser.overflow_x() == 0
    shot(browser, f"query-measures-per-responsible-{width}")
    # the download link names its file after the question
    href = browser.eval("document.getElementById('dl-csv').href")
    with urllib.request.urlopen(href, timeout=20) as r:
        assert r.headers["Content-Disposition"] == 'attachment; filename="measures-per-responsible.csv"'
        assert r.read().decode().splitlines()[0].startswith("actor")


def test_query_page_numbers_and_sorted_lists(real_server, browser):
    # K3, hp2025 line 149: "… bevilgning 2.0 mill. kr. for perioden 2025-2028." → 2 000 000 with a separator
    assert "2.0 mill. kr" in src_line(149)
    browser.open(real_server + "/query?q=money-by-measure&run=1", 1280,
                 settle="document.querySelector('table.results')")
    cells = [c for row in results(browser) for c in row]
    assert "2\u00a0000\u00a0000" in cells
    assert "2025" in cells and "2\u00a0025" not in cells  # years keep their four digits
    browser.open(real_server + "/query?q=measures-by-focus-area&run=1", 1280,
                 settle="document.querySelector('table.results')")
    for row in results(browser):
        ids = row[-1].split(", ")
        import re as _re

        key = [tuple(int(p) if p.isdigit() else p for p in _re.findall(r"\d+|\D+", i)) for i in ids]
        assert key == sorted(key), row  # GROUP_CONCAT order is undefined: the page sorts the ids


@pytest.mark.parametrize("width", WIDTHS)
def test_network_threshold_focus_and_hub_labels(real_server, browser, width):
    browser.open(real_server + "/query?view=actor-network&run=1", width, settle="document.querySelector('svg.network')")
    weights_of = "[...document.querySelectorAll('svg.network line title')].map(t => +t.textContent.split(': ').pop())"
    # the view starts at the smallest threshold that leaves at most 150 pairs
    m0 = int(browser.eval("document.getElementById('net-min').value"))
    start = browser.eval(weights_of)
    assert 0 < len(start) <= 150 and min(start) >= m0
    n0 = browser.eval("document.querySelectorAll('svg.network circle').length")
    assert browser.eval("document.querySelectorAll('svg.network text.nodelabel').length") <= 8  # hubs only
    assert browser.overflow_x() == 0
    assert browser.eval("document.querySelector('svg.network').getBoundingClientRect().width") <= width
    shot(browser, f"query-network-{width}")
    browser.eval("(() => { const i = document.getElementById('net-min'); i.value = '%d'; i.dispatchEvent(new "
                 "Event('change')); })()" % (m0 + 3))
    browser.wait_for("document.querySelectorAll('svg.network circle').length < %d" % n0)
    assert min(browser.eval(weights_of)) >= m0 + 3
    browser.eval("(() => { const i = document.getElementById('net-min'); i.value = '1'; i.dispatchEvent(new "
                 "Event('change')); })()")
    browser.wait_for("document.querySelectorAll('svg.network circle').length > %d" % n0)  # every pair
    browser.eval("(() => { const s = document.getElementById('net-focus'); s.value = "
                 "'https://w3id.org/regplan/actor/nav'; "
                 "s.dispatchEvent(new Event('change')); })()")
    browser.wait_for("document.querySelector('.netsummary').textContent.includes('rundt NAV')")
    pairs = browser.eval("[...document.querySelectorAll('svg.network line title')].map(t => t.textContent.split(': "
                         "')[0])")
    assert pairs and all("NAV" in p.split(" – ") for p in pairs)
    labels = browser.eval("[...document.querySelectorAll('svg.network text.nodelabel')].map(t => t.textContent)")
    assert "NAV" in labels


def test_money_chart_keeps_bases_apart(real_server, browser):
    # hp2025 K3 line 149 "Årlig bevilgning 2.0 mill. kr. for perioden 2025-2028", K4 line 160
    # "Årlig bevilgning 5.0 mill. kr. 2025-2028": two per-year amounts of the same period → 7 000 000 per year
    assert "2.0 mill" in src_line(149) and "5.0 mill. kr. 2025-2028" in src_line(160)
    browser.open(real_server + "/query?view=money-per-focus-area&run=1", 1280,
                 settle="document.querySelector('svg.barchart')")
    bars = browser.eval("[...document.querySelectorAll('svg.barchart rect title')].map(t => t.textContent)")
    assert "Kompetanse og livslang læring 2025: 7\u00a0000\u00a0000 NOK (per år i 2025–2028)" in bars
    # every bar names one basis; the caption says amounts of different bases are not added up
    assert all(b.endswith(")") and " (" in b for b in bars)
    assert "summeres aldri sammen" in browser.eval("document.querySelector('figure.chart figcaption').textContent")
    assert browser.overflow_x() == 0
    shot(browser, "query-money-1280")


def test_every_question_fits_a_phone(real_server, browser):
    from kg import queries

    for name in queries.catalogue():
        browser.open(real_server + f"/query?q={name}&run=1", 390,
                     settle="document.querySelector('table.results, p.boolean') || "
                            "document.querySelector('#status.error')")
        assert browser.eval("document.getElementById('status').className") != "error", name
        assert browser.overflow_x() == 0, name
        cells = browser.eval("[...document.querySelectorAll('table.results td')].map(c => c.textContent)")
        assert not any(c.endswith(("@nb", "@en")) for c in cells), name
