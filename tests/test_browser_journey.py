"""The reader's journey of issue 11, clicked through in headless Chromium on a real `kg serve` of the
real dataset, in nb and en, on a laptop (1280 px) and a phone (390 px), without writing SPARQL:
landing page → the header's search box "ungdom" → the actor facet NAV → a measure → the line of the
document that names NAV as a partner → the source view with that line marked.

Facts (hand-checked in data/records/hp2025.json and data/sources/001_af88ce2a34d40677.txt): NAV is an
actor of the 2025 measures K1, K2A, A5 and L8, which all speak of youth ("ungdom", "ungdommer"); K2A
names NAV as a partner on line 129 ("Samarbeidspartnere: … NAV …"). Screenshots go to tests/artifacts/journey-*.png."""

from __future__ import annotations

import json

import pytest
from serve_helpers import ARTIFACTS, BROWSER_MARKS

pytestmark = BROWSER_MARKS
pytest.importorskip("websockets", reason="websockets is a test dependency (pip install -e '.[test]')")

TEXTS = {  # what the reader sees in each language
    "nb": {"hits": "treff", "role": "samarbeidspartner", "marked": "Markert: linje"},
    "en": {"hits": "hits", "role": "partner", "marked": "Highlighted: line"},
}


def _wait_path(browser, path: str, extra: str = "true") -> None:
    browser.wait_for(f"location.pathname.endsWith({json.dumps(path)}) && document.readyState === 'complete' "
                     f"&& ({extra})")


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_youth_measures_where_nav_takes_part_and_the_lines_that_say_so(real_server, browser, lang, width):
    t = TEXTS[lang]
    # the landing page, in the reader's language (the Chromium profile asks for nb; the switch gives en)
    browser.open(real_server + ("/?lang=en" if lang == "en" else "/"), width)
    assert browser.eval("document.documentElement.lang") == lang
    # the header's search box
    browser.eval("(() => { const f = document.querySelector('form.site-search'); f.q.value = 'ungdom'; "
                 "f.submit(); })()")
    _wait_path(browser, "/search", "document.querySelector('.facet-actor') !== null")
    assert browser.eval("document.documentElement.lang") == lang  # the switch's choice holds
    assert t["hits"] in browser.eval("document.querySelector('main').textContent")
    assert browser.overflow_x() == 0
    # the actor facet: NAV
    clicked = browser.eval("(() => { const a = [...document.querySelectorAll('.facet-actor a')]"
                           ".find(a => a.textContent.trim() === 'NAV'); if (a) a.click(); return !!a; })()")
    assert clicked, "NAV is among the actor facet's values for 'ungdom'"
    browser.wait_for("location.search.includes('actor=') && document.readyState === 'complete' "
                     "&& document.querySelectorAll('article.hit').length > 0")
    assert browser.eval("document.documentElement.lang") == lang
    hrefs = browser.eval("[...document.querySelectorAll('article.hit a')].map(a => a.getAttribute('href'))")
    found = {h.rsplit("/programme/", 1)[-1] for h in hrefs if "/measure/" in h}
    assert {"2025/measure/K1", "2025/measure/K2A", "2025/measure/A5", "2025/measure/L8"} <= found
    assert browser.overflow_x() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(ARTIFACTS / f"journey-search-ungdom-nav-{lang}-{width}.png", full=False)
    # a measure: K2A
    browser.eval("[...document.querySelectorAll('article.hit a')]"
                 ".find(a => a.getAttribute('href').endsWith('/2025/measure/K2A')).click()")
    _wait_path(browser, "/programme/2025/measure/K2A", "document.querySelector('td.attributions') !== null")
    assert browser.eval("document.documentElement.lang") == lang
    assert browser.overflow_x() == 0
    # the role NAV has, and the line of the document that says so
    role = browser.eval("[...document.querySelectorAll('td.attributions li')]"
                        ".map(li => li.textContent).find(s => s.includes('NAV'))")
    assert role and t["role"] in role.lower(), role
    browser.eval("[...document.querySelectorAll('td.attributions li')].find(li => li.textContent.includes('NAV'))"
                 ".querySelector('a.source-lines').click()")
    _wait_path(browser, "/text", "document.querySelectorAll('.line.hl').length > 0")
    assert browser.eval("document.documentElement.lang") == lang
    marked = browser.eval("[...document.querySelectorAll('.line.hl')].map(e => e.textContent).join(' ')")
    assert "NAV" in marked and "Samarbeidspartnere" in marked and browser.eval("location.hash") == "#L129"
    assert browser.eval("document.getElementById('source-range').textContent").startswith(t["marked"])
    assert browser.overflow_x() == 0
    browser.screenshot(ARTIFACTS / f"journey-source-nav-line-{lang}-{width}.png", full=False)
