"""Nordland youth-inclusion plan page: statements checked against the text."""

from __future__ import annotations

import pytest

from kg import sources
from kg.extract.layouts import nordland_plan_page as nordland


@pytest.fixture(scope="module")
def rec():
    return nordland.extract(sources.get("nordland-ung"))


@pytest.fixture(scope="module")
def lines():
    return sources.get("nordland-ung").lines()


def test_plan(rec):
    p = rec["plan"]
    assert p["publisher"] == "nordland-fylkeskommune"
    assert p["title"] == "handlingsplan for ung inkludering"
    assert p["page_title"] == "Om prosjektet utenforskap"
    assert p["status"] == "proposal"


def test_boilerplate_skipped(rec):
    text = " ".join(s["text"] for s in rec["statements"])
    assert "Cookie" not in text and "Nettleseren" not in text and "browser" not in text


def test_every_statement_is_in_its_line(rec, lines):
    assert len(rec["statements"]) == 21
    for st in rec["statements"]:
        assert st["text"] in lines[st["line"] - 1]
    assert [s["heading"] for s in rec["sections"]] == ["Handlingsplanen", "Pilotering", "Kommunikasjonsplan",
                                                       "Gjennomføring"]


def _topic(rec, topic):
    return [s for s in rec["statements"] if topic in s["topics"]]


def test_pilots(rec):
    pil = _topic(rec, "pilots")
    assert [s["line"] for s in pil] == [23, 23]
    assert "utformet som piloter" in pil[0]["text"]


def test_indicators_not_finished_no_values(rec):
    ind = _topic(rec, "indicators")
    assert any(s.get("completed") is False and "mulige indikatorer" in s["text"] for s in ind)
    assert any(s["text"].startswith("Resultatindikatorene vil løpende bli lagt inn") for s in ind)
    assert not any(k.startswith("value") for s in rec["statements"] for k in s)


def test_status_reporting_yearly_in_june_and_annual_revision(rec):
    rep = [s for s in _topic(rec, "status-reporting") if s.get("month") == 6]
    assert len(rep) == 1 and rep[0]["frequency"] == "yearly" and "rådsnotat" in rep[0]["text"] and rep[0]["line"] == 35
    rev = _topic(rec, "annual-revision")
    assert [s["text"] for s in rev] == ["Handlingsplanen vil bli rullert årlig."]
    assert rev[0]["frequency"] == "yearly"
    dec = [s for s in rec["statements"] if s.get("month") == 12]
    assert len(dec) == 1 and dec[0]["text"].startswith("Fylkestinget vil få rapport")


def test_follow_up_system(rec):
    assert _topic(rec,
                  "follow-up-system")[0]["text"] == "Fylkesrådet vil lage et oppfølgingssystem for gjennomføringen av handlingsplanen."


def test_stray_footnote_reported(rec):
    (a,) = rec["anomalies"]
    assert a["kind"] == "capture-artefact" and a["lines"] == [17, 17]
    assert any(s["text"].startswith("Handlingsplanen vil få en tilgjengelig design") for s in rec["statements"])
