"""Headless Chromium against a real `kg serve`: the query page runs a ready-made question and shows
the results table and both visual views; a measure page renders. Screenshots go to tests/artifacts/.

Chromium runs in its --dump-dom / --screenshot modes with a virtual-time budget, which lets the
page's script fetch from /sparql and render before the DOM is written out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("chromium") is None,
                       reason="Debian's `chromium` is not installed (apt-get install -y chromium)"),
]
ARTIFACTS = Path(__file__).parent / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--virtual-time-budget=15000", "--window-size=1280,1100",
         "--lang=nb-NO", "--accept-lang=nb-NO,nb"]  # a Norwegian reader: the pages answer in Bokmål


def chromium(tmp_path: Path, url: str, *mode: str) -> str:
    profile = tmp_path / "profile"
    r = subprocess.run(["chromium", *FLAGS, f"--user-data-dir={profile}", *mode, url],
                       capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode(errors="replace")[-2000:]
    return r.stdout.decode("utf-8", errors="replace")


def dom_and_screenshot(tmp_path: Path, url: str, name: str) -> str:
    ARTIFACTS.mkdir(exist_ok=True)
    dom = chromium(tmp_path, url, "--dump-dom")
    (ARTIFACTS / f"{name}.html").write_text(dom, encoding="utf-8")
    shot = ARTIFACTS / f"{name}.png"
    shot.unlink(missing_ok=True)
    chromium(tmp_path, url, f"--screenshot={shot}")
    assert shot.exists() and shot.stat().st_size > 5000
    return dom


def test_query_page_runs_ready_made_question(server, tmp_path):
    dom = dom_and_screenshot(tmp_path, server + "/query?q=measures-by-focus-area&run=1", "query-measures-by-focus-area")
    table = re.search(r'<table class="results">(.*?)</table>', dom, re.S)
    assert table, "no results table in the page"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", table.group(1))
    # 2025 fixture: K1 and K3, both focus area K, both county level
    values = [re.sub(r"<[^>]+>.*", "", c) for c in cells]
    assert values[:3] == ["Kompetanse og livslang læring", "fylkessatsing", "2"]
    assert sorted(values[3].split(", ")) == ["K1", "K3"]  # GROUP_CONCAT order is undefined in SPARQL
    assert re.search(r'id="status"[^>]*>1 rader', dom)
    # the download links carry the query
    assert re.search(r'id="dl-csv" href="\./query/download\?name=measures-by-focus-area&amp;query=[^"]+&amp;format=csv"', dom)


def test_query_page_network_and_bar_views(server, tmp_path):
    dom = dom_and_screenshot(tmp_path, server + "/query?view=actor-network&run=1", "query-actor-network")
    svg = re.search(r'<svg[^>]*class="network".*?</svg>', dom, re.S)
    assert svg, "no network SVG"
    # actors on fixture measures: Statsforvalteren, IFK, KS, NAV (K1) and Karriere Innlandet (K3)
    assert len(re.findall(r"<circle", svg.group(0))) == 5
    assert "Karriere Innlandet" in svg.group(0) and 'href="./actor/nav"' in svg.group(0)
    dom = dom_and_screenshot(tmp_path, server + "/query?view=money-per-focus-area&run=1", "query-money")
    bar = re.search(r'<svg[^>]*class="barchart".*?</svg>', dom, re.S)
    assert bar and len(re.findall(r'<rect[^>]*class="bar[ "]', bar.group(0))) == 1
    assert "Kompetanse og livslang læring 2025" in bar.group(0)


def test_measure_page_in_browser(server, tmp_path):
    dom = dom_and_screenshot(tmp_path, server + "/plan/inkluderende-innlandet/programme/2025/measure/K3", "measure-K3")
    assert '<h1><span class="mid">K3</span> Inkluderende russemarkering</h1>' in dom
    assert "Valideringsmerknader" in dom
    # the <script> literal is shown as text, not run or parsed as an element
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in dom
