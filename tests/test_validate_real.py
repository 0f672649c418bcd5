"""The real build against the profile: no Violations, and the problems the extractor reports as
anomalies in data/records/*.json show up as Warnings on exactly the records they concern."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib.namespace import SH
from shacl_cases import canon

from kg import config
from kg.validate import validate_dataset

MEASURE = re.compile(r"/programme/(\d{4})/measure/([A-Z0-9]+)$")


@pytest.fixture(scope="module")
def dataset(built_dataset) -> Path:
    """The session's build of the committed records (conftest.py), never a build/ left in the tree."""
    return built_dataset


@pytest.fixture(scope="module")
def report(dataset):
    return validate_dataset([dataset])


def anomaly_measures(kind: str) -> set[tuple[str, str]]:
    """(year, id) of every measure an anomaly of this kind is about, from the records."""
    out = set()
    for f in sorted(config.RECORDS.glob("hp20*.json")):
        rec = json.loads(f.read_text(encoding="utf-8"))
        year = str((rec.get("programme") or {}).get("year") or re.search(r"20\d\d", f.name).group(0))
        for a in rec.get("anomalies", []):
            m = re.fullmatch(r"measure (\S+)", a["subject"])
            if a["kind"] == kind and m:
                out.add((year, m.group(1)))
    return out


def warned_measures(report, shape_suffix: str) -> set[tuple[str, str]]:
    out = set()
    for r in report.results:
        if str(r.shape).endswith(shape_suffix):
            assert r.severity == SH.Warning
            m = MEASURE.search(str(r.focus))
            assert m, r.focus
            out.add(m.groups())
    return out


def test_real_data_has_no_violations(report):
    violations = [r for r in report.results if r.severity == SH.Violation]
    assert not violations, report.text("en")[:4000]
    assert not report.failed("violation")
    # it has Warnings, so the report says sh:conforms false (SHACL 3.6.1)
    assert not report.conforms and report.counts["Warning"] > 0


def test_self_links_are_warnings_on_the_measures_the_extractor_flagged(report):
    expected = anomaly_measures("self-link")
    # 2025 A5, A6, A7, L5, L13 and 2024 A9 link to themselves in the sources
    assert {("2025", "A5"), ("2025", "L13"), ("2024", "A9")} <= expected
    assert warned_measures(report, "#MeasureSelfLinkShape") == expected


def test_responsible_also_partner_warnings_match_the_anomalies(report):
    assert warned_measures(report, "#Measure-responsibleNotPartner") == anomaly_measures("responsible-also-partner")


def test_text_names_the_records(report):
    text = report.text("nb")
    assert "2025 A5 UngInvest Innlandet" in text
    assert "Satsingen viser til seg selv" in text


def test_default_engine_agrees_with_pyshacl_on_real_data(dataset, report):
    ref = validate_dataset([dataset], engine="pyshacl")
    assert canon(report) == canon(ref)


def test_a_loaded_store_validates_like_the_file(dataset, report):
    """The server's store (named graphs, union) gives the same report as the dump."""
    from kg.store import load_store
    rep = validate_dataset(load_store(dataset))
    assert canon(rep) == canon(report)
