"""Headless Chromium (DevTools protocol, tests/cdp.py) against a real `kg serve` of the real dataset: the search
page, the source view's line highlighting and the measure browser, at 1280 and 390 px wide, with no
horizontal overflow. Screenshots go to tests/artifacts/explore-*.png."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's `chromium` is not installed (apt-get install -y chromium)"),
]
pytest.importorskip("websockets", reason="websockets is a test dependency (pip install -e '.[test]')")
ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def real_server(built_dataset, tmp_path_factory):
    from conftest_serve import free_port

    port = free_port()
    log_path = tmp_path_factory.mktemp("explore-server") / "server.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port), "--dataset", str(built_dataset),
                             "--quiet"], stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).parent.parent)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/search?q=a", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"kg serve did not start: {log_path.read_text()}")
            time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from cdp import Browser

    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


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
    href = browser.eval("document.querySelector('a.source-lines').href")
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
    browser.eval("(() => { const f = document.querySelector('form.browse-filters'); f.horizon.value = 'long'; f.submit(); })()")
    browser.wait_for("location.search.includes('horizon=long') && document.readyState === 'complete'")
    browser.open(browser.eval("location.href"), width)
    rows = browser.eval("[...document.querySelectorAll('tr[data-id]')].map(e => e.dataset.id)")
    assert rows and browser.eval("document.getElementById('browse-summary').textContent").startswith(f"{len(rows)} av 47")
    assert browser.overflow_x() == 0
