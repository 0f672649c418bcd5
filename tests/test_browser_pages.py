"""Every page kind in headless Chromium at desktop (1280 px) and phone (390 px) width: it renders, has one
<h1>, no horizontal overflow; screenshots under tests/artifacts/page-*.png. axe-core (tests/js, installed by
test.sh) finds no serious or critical accessibility violation on the landing, measure, actor, search and query
pages. And the journey of issue 11: from the landing page to "every measure about youth where NAV takes part,
and the lines of the document that say so", by clicking only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from serve_helpers import ARTIFACTS, BROWSER_MARKS

pytestmark = BROWSER_MARKS
pytest.importorskip("websockets", reason="websockets is a test dependency (pip install -e '.[test]')")

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
K1 = "/plan/inkluderende-innlandet/programme/2025/measure/K1"
PAGES = {
    "landing": ("/", "true"),
    "measure": (K1, "true"),
    "actor": ("/actor/nav", "true"),
    "programme": ("/plan/inkluderende-innlandet/programme/2025", "true"),
    "plan-schedule": ("/plan/nordland-ung-inkludering", "true"),   # the follow-up schedule (issue 10)
    "search": ("/search?q=ungdom", "true"),
    "query": ("/query?q=measures-per-responsible&run=1", "document.querySelector('table.results')"),
    "source": ("/source/hp2025/text#L98-L113", "document.querySelector('.line.hl')"),
    "municipality": ("/places", "true"),
    "ontology": ("/ontology", "true"),
    "shapes": ("/shapes", "true"),
}
WIDTHS = (1280, 390)


def _shot(browser, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"page-{name}.png"
    path.unlink(missing_ok=True)
    browser.screenshot(path)
    assert path.stat().st_size > 5000


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", list(PAGES))
def test_page_kind_fits(real_server, browser, kind, width):
    path, settle = PAGES[kind]
    browser.open(real_server + path, width, settle=settle)
    assert browser.eval("document.querySelectorAll('h1').length") == 1, kind
    assert browser.eval("document.documentElement.lang") == "nb"
    assert browser.overflow_x() == 0, (kind, width)
    _shot(browser, f"{kind}-{width}")


def test_language_switch_by_clicking(real_server, browser):
    browser.open(real_server + K1, 1280)
    assert browser.eval("document.documentElement.lang") == "nb"
    assert browser.eval("document.querySelector('nav.lang-switch a[hreflang=en]').getAttribute('href')") == "./K1?lang=en"
    browser.open(real_server + K1 + "?lang=en", 1280)
    assert browser.eval("document.documentElement.lang") == "en"
    assert "Responsible" in browser.eval("document.querySelector('.measure-facts').textContent")


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run `npm ci` in tests/js (test.sh does)")
@pytest.mark.parametrize("kind", ["landing", "measure", "actor", "search", "query"])
def test_no_serious_accessibility_violations(real_server, browser, kind):
    path, settle = PAGES[kind]
    browser.open(real_server + path, 1280, settle=settle)
    violations = browser.axe(AXE)
    assert isinstance(violations, list)
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    (ARTIFACTS / f"axe-{kind}.json").write_text(json.dumps(violations, ensure_ascii=False, indent=1), encoding="utf-8")
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run `npm ci` in tests/js (test.sh does)")
def test_axe_check_can_fail(real_server, browser):
    """The check above is real: an image without alt text and an unlabelled field are reported."""
    browser.open(real_server + "/", 1280)
    browser.eval("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\"><input "
                 "type=\"text\">')")
    ids = {(v["id"], v["impact"]) for v in browser.axe(AXE)}
    assert ("image-alt", "critical") in ids and any(i == "label" for i, _ in ids), ids


def _click(browser, selector: str, settle: str = "true") -> str:
    """Follow the first link matching `selector` (as a person would); returns the new URL."""
    old = browser.eval("location.href")
    href = browser.eval(f"(() => {{ const a = document.querySelector({json.dumps(selector)}); if (!a) return null; a.click(); return a.href; }})()")
    assert href, f"no link {selector} on {old}"
    browser.wait_for(f"location.href !== {json.dumps(old)} && document.readyState === 'complete' && !!({settle})")
    return browser.eval("location.href")


def _follow_lines(browser, selector: str) -> tuple[str, int, int, list[str]]:
    """Click a line-span link; (source id, first, last line, the highlighted lines' text)."""
    _click(browser, selector, settle="document.querySelector('.line.hl')")
    m = re.search(r"/source/([\w-]+)/text#L(\d+)(?:-L(\d+))?$", browser.eval("location.href"))
    assert m, browser.eval("location.href")
    shown = browser.eval("[...document.querySelectorAll('.line.hl .lt')].map(e => e.textContent)")
    return m.group(1), int(m.group(2)), int(m.group(3) or m.group(2)), shown


@pytest.mark.parametrize("width", WIDTHS)
def test_journey_youth_measures_with_nav_and_their_lines(real_server, browser, width):
    from kg import sources

    browser.open(real_server + "/", width)
    # type "ungdom" into the search box of the landing page and submit it
    browser.eval("(() => { const f = document.querySelector('form.site-search'); f.q.value = 'ungdom'; f.submit(); })()")
    browser.wait_for("location.pathname === '/search' && document.readyState === 'complete'")
    _click(browser, ".facet-kind a[href*='kind=measure']")                      # only measures
    nav = browser.eval("[...document.querySelectorAll('.facet-actor a')].filter(a => a.textContent.trim() === "
                       "'NAV').map(a => a.getAttribute('href'))")
    assert nav, "no NAV facet among the youth measures"
    _click(browser, f".facet-actor a[href={json.dumps(nav[0])}]")             # where NAV (or a NAV unit) takes part
    hits = browser.eval("[...document.querySelectorAll('.hit.kind-measure h2 a')].map(a => [a.textContent, a.href])")
    assert hits and browser.eval("document.querySelectorAll('.hit:not(.kind-measure)').length") == 0
    assert browser.overflow_x() == 0
    _shot(browser, f"journey-search-{width}")
    # open the first measure; its page names NAV (or a NAV unit) and links the lines of the document
    browser.eval(f"location.href = {json.dumps(hits[0][1])}")
    browser.wait_for(f"location.href === {json.dumps(hits[0][1])} && document.readyState === 'complete'")
    roles = browser.eval("[...document.querySelectorAll('td.responsible, td.partners')].map(td => "
                         "td.textContent).join(' ')")
    assert "NAV" in roles, roles  # NAV (or a NAV unit) is responsible or partner
    measure_url = hits[0][1]
    # the measure's own lines (its span in the document) are about youth
    sid, a, b, shown = _follow_lines(browser, "td.source a.source-lines")
    assert shown == sources.registry()[sid].lines()[a - 1:b]  # the highlighted lines are the document's lines
    assert re.search(r"(?i)ungdom|unge", " ".join(shown)), shown[:3]
    _shot(browser, f"journey-measure-lines-{width}")
    # and the line that names NAV (or the NAV unit) in its role: "samarbeidspartner: NAV (linje 110–111)"
    browser.eval(f"location.href = {json.dumps(measure_url)}")
    browser.wait_for(f"location.href === {json.dumps(measure_url)} && document.readyState === 'complete'")
    link = browser.eval("(() => { const li = [...document.querySelectorAll('td.attributions li')].find(l => / NAV\\b|: "
                        "NAV/.test(l.textContent));"
                        " return li ? li.querySelector('a.source-lines').getAttribute('href') : null; })()")
    assert link, "no role of NAV with its lines on the measure page"
    sid, a, b, shown = _follow_lines(browser, f"td.attributions a.source-lines[href={json.dumps(link)}]")
    assert shown == sources.registry()[sid].lines()[a - 1:b] and "NAV" in " ".join(shown), shown
    assert browser.overflow_x() == 0
    _shot(browser, f"journey-source-{width}")
