"""The 2022 grant round (Statsforvalteren i Innlandet)."""

from __future__ import annotations

import pytest
import yaml

from kg import config, sources
from kg.extract.layouts import grant_round_news_2022 as grants


@pytest.fixture(scope="module")
def rec():
    return grants.extract(sources.get("grants2022"))


def test_round_figures(rec):
    r = rec["round"]
    assert r["funder"] == "statsforvalteren-innlandet"
    assert r["published"] == "2022-02-23"
    assert r["applications"] == 46
    assert r["amount_applied"] == 60_000_000
    assert r["amount_granted"] == 25_000_000
    assert r["projects_stated"] == 24
    assert r["lines"] == [3, 3]


def _by_title(rec, title):
    (p,) = [p for p in rec["projects"] if p["title"] == title]
    return p


def test_named_projects(rec):
    assert [p["title"] for p in rec["projects"] if p["title"]] == [
        "Digi Innlandet", "Oppvekstløftet for unga i Valdres", "Inn i jobb", "Smart City Gjøvik",
        "Urbant landbruk i Hamar"]
    inn = _by_title(rec, "Inn i jobb")
    assert [(m["name"], m["number"]) for m in inn["municipalities"]] == [
        ("Tolga", "3426"), ("Kongsvinger", "3401"), ("Sel", "3437"), ("Sør-Fron", "3438"), ("Åsnes", "3418"), ("Gran",
                                                                                                               "3446")]
    assert [m.get("actor") or m.get("group") for m in inn["partners"]["mentions"]] == ["ks", "nav",
                                                                                       "arbeidstakerorganisasjonene"]
    assert _by_title(rec, "Smart City Gjøvik")["municipalities"] == [{"name": "Gjøvik", "number": "3407",
                                                                      "in_register": True}]
    assert _by_title(rec, "Urbant landbruk i Hamar")["municipalities"][0]["number"] == "3403"
    valdres = _by_title(rec, "Oppvekstløftet for unga i Valdres")["regions"][0]
    assert valdres["region"] == "Valdres" and "3454" in valdres["municipalities"]


def test_unnamed_projects_with_places(rec):
    six = [p for p in rec["projects"] if len(p["municipalities"]) == 6 and not p["title"]]
    assert [m["number"] for m in six[0]["municipalities"]] == ["3405", "3411", "3403", "3413", "3412", "3407"]
    os_ = rec["projects"][0]
    assert [(m["name"], m["number"]) for m in os_["municipalities"]] == [("Os", "3430"), ("Røros", None), ("Holtålen",
                                                                                                           None)]
    assert os_["cofunders"][0]["actor"] == "statsforvalteren-trondelag"
    children = [p for p in rec["projects"] if len(p["regions"]) == 3][0]
    assert [r["name"] for r in children["regions"]] == ["Kongsvingerregionen", "Hamarregionen", "Gjøvikregionen"]
    gud = [p for p in rec["projects"] if p["stated_municipality_count"] == 12][0]
    assert gud["regions"][0]["name"] == "Gudbrandsdalen" and gud["regions"][0]["municipalities"] is None


def test_project_text_is_in_its_line(rec):
    lines = sources.get("grants2022").lines()
    for p in rec["projects"]:
        assert p["text"] in " ".join(lines[p["line"] - 1].split())  # the capture has no-break spaces
        assert p["amount"] is None  # the text states no per-project amounts


def test_count_mismatch_reported(rec):
    (a,) = [a for a in rec["anomalies"] if a["kind"] == "count-mismatch"]
    assert "24" in a["message"] and f"{len(rec['projects'])} projects" in a["message"]
    assert any(a["kind"] == "typo" and a["lines"] == [21, 21] for a in rec["anomalies"])


def test_expand_regions():
    assert grants.expand_regions("Kongsvinger-, Hamar- og Gjøvikregionen") == ["Kongsvingerregionen", "Hamarregionen",
                                                                               "Gjøvikregionen"]
    assert grants.expand_regions("Valdres") == ["Valdres"]


def test_municipality_register():
    data = yaml.safe_load((config.AUTHORITY / "municipalities.yaml").read_text(encoding="utf-8"))
    ms = data["municipalities"]
    assert len(ms) == 46 and len({m["number"] for m in ms}) == 46
    num = {m["name"]: m["number"] for m in ms}
    assert (num["Hamar"], num["Lillehammer"], num["Gjøvik"], num["Kongsvinger"], num["Vang"]) == ("3403", "3405",
                                                                                                  "3407", "3401",
                                                                                                  "3454")
    assert "Jevnaker" not in num and "Lunner" not in num
    assert all(n.startswith("34") for n in num.values())
    assert (data["register"]["id"] == "urn:ssb:classification:klass:131"
            and data["register"]["valid_from"] == "2024-01-01")
    # regions are exactly the ten listed in the 2024 programme
    text = sources.get("hp2024").lines()
    listed = [l[2:].split(" (")[0] for l in text[33:43]]
    assert sorted(data["regions"]) == sorted(listed) and len(listed) == 10
    assert {m["region"] for m in ms} == set(listed)


def test_changed_document_fails_naming_file(tmp_path, monkeypatch):
    from dataclasses import replace

    from kg.extract import ExtractError

    src = sources.get("grants2022")
    text = src.path.read_text(encoding="utf-8").replace("46 søknader", "mange søknader")
    (tmp_path / src.file).write_text(text, encoding="utf-8")
    monkeypatch.setattr(config, "SOURCES", tmp_path)
    with pytest.raises(ExtractError) as exc:
        grants.extract(replace(src))
    assert src.file in str(exc.value) and ":3:" in str(exc.value)
