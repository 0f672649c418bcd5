"""The check page (/check, issue 13) in headless Chromium: the flagship workbook uploaded through the form (the
file input set over DevTools, the form submitted by clicking), at desktop (1280 px) and phone (390 px) width:
the report shows, the page does not overflow sideways, screenshots tests/artifacts/check-*.png, and axe-core
finds no serious or critical accessibility violation on the form or the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from serve_helpers import ARTIFACTS, BROWSER_MARKS

from kg import config
from kg.workbook import template
from kg.workbook.export import export_dataset

pytestmark = BROWSER_MARKS
pytest.importorskip("websockets", reason="websockets is a test dependency (pip install -e '.[test]')")

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser-wb") / "workbook.xlsx"
    template.write(path, export_dataset(config.RECORDS, config.AUTHORITY / "actors.yaml"))
    return path


def _upload(browser, url: str, path: Path, width: int) -> None:
    browser.open(url + "/check", width, settle="!!document.querySelector('input[type=file]')")
    doc = browser.send("DOM.getDocument", depth=-1)
    node = browser.send("DOM.querySelector", nodeId=doc["root"]["nodeId"], selector="input[type=file]")["nodeId"]
    browser.send("DOM.setFileInputFiles", files=[str(path)], nodeId=node)
    assert browser.eval("document.querySelector('input[type=file]').files[0].name") == path.name
    browser.eval("document.querySelector('form.check-form button[type=submit]').click()")
    browser.wait_for("document.readyState === 'complete' && !!document.querySelector('.check-report')", timeout=90)


def _axe(browser, name: str) -> None:
    violations = browser.axe(AXE)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(violations, ensure_ascii=False, indent=1), encoding="utf-8")
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("width", (1280, 390))
def test_upload_the_workbook_through_the_form(real_server, browser, workbook, width):
    _upload(browser, real_server, workbook, width)
    report = browser.eval("document.querySelector('.check-report').textContent")
    assert "workbook.xlsx" in report and "Ingen brudd på SHACL-profilen." in report
    assert "Ingen feil eller advarsler i cellene." in report
    assert browser.eval("document.querySelectorAll('details.check-node').length") > 10
    assert browser.eval("[...document.querySelectorAll('.check-downloads a[download]')].map(a => a.download)") == [
        "workbook-report.ttl", "workbook-check.json"]
    assert browser.overflow_x() == 0, width
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"check-report-{width}.png"
    shot.unlink(missing_ok=True)
    browser.screenshot(shot)
    assert shot.stat().st_size > 5000
    browser.screenshot(ARTIFACTS / f"check-report-top-{width}.png", full=False)   # what the reader sees first


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed: run `npm ci` in tests/js (test.sh does)")
def test_no_serious_accessibility_violations(real_server, browser, workbook):
    browser.open(real_server + "/check", 1280)
    assert browser.overflow_x() == 0
    _axe(browser, "check-form")
    browser.screenshot(ARTIFACTS / "check-form-1280.png")
    _upload(browser, real_server, workbook, 1280)
    _axe(browser, "check-report")
