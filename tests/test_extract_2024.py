"""hp2024 / hp2024-fields extraction, checked against the real captures (002 and 000)."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.extract.layouts import action_programme_2024 as hp2024
from kg.io import dumps_json
from kg.sources import get


@pytest.fixture(scope="module")
def rec():
    return hp2024.extract(get("hp2024"))


@pytest.fixture(scope="module")
def fields_rec():
    return hp2024.extract_fields(get("hp2024-fields"))


def by_id(r):
    return {m["id"]: m for m in r["measures"]}


def kinds(r, kind):
    return [a for a in r["anomalies"] if a["kind"] == kind]


def test_forty_measures_by_focus_area_and_level(rec, fields_rec):
    for r in (rec, fields_rec):
        assert len(r["measures"]) == 40
        assert Counter(m["focus_area"] for m in r["measures"]) == {"K": 11, "A": 12, "L": 17}
        assert Counter((m["section"], m["level"]) for m in r["measures"]) == {
            ("5.1.1", "county"): 6, ("5.1.2", "district"): 3, ("5.1.3", "urban"): 2,
            ("5.2.1", "county"): 3, ("5.2.2", "district"): 2, ("5.2.3", "urban"): 7,
            ("5.3.1", "county"): 7, ("5.3.2", "district"): 5, ("5.3.3", "urban"): 5}
    ids = [m["id"] for m in rec["measures"]]
    assert ids[:11] == [f"K{i}" for i in range(1, 12)]
    assert ids[11:23] == [f"A{i}" for i in range(1, 13)]
    assert ids[23:] == [f"L{i}" for i in range(1, 18)]
    assert all(m["id_derived"] for m in rec["measures"])


def test_fields_checked_by_hand(rec):
    m = by_id(rec)
    k1 = m["K1"]
    assert k1["responsible"]["text"] == "Statsforvalteren" and k1["responsible"]["lines"] == [58, 58]
    assert k1["responsible"]["fields_lines"] == [52, 52]
    assert k1["description_lines"] == [56, 57] and k1["description"].startswith("Gjennom et trygt")
    assert k1["links"]["measures"] == ["K2", "K3"]
    assert k1["priority"] == {"text": "kort sikt (arbeidet er satt i gang)", "lines": [61, 61],
                              "fields_lines": [55, 55], "horizon": "short",
                              "status_phrase": "arbeidet er satt i gang"}
    assert k1["lines"] == [56, 61] and k1["fields_lines"] == [52, 55]
    # K8: trainee, two horizons in one phrase
    assert m["K8"]["priority"]["horizon"] == "short-and-long"
    assert m["K8"]["responsible"]["text"].startswith("Valdres næringshage og Rørosregionen næringshage")
    # A2: named strategies besides measure ids ("klima, energi og miljø" stays whole)
    assert m["A2"]["links"]["measures"] == ["A1", "A7"]
    assert m["A2"]["links"]["other"] == ["handlingsprogrammene for Regional plan for samfunnstryggleik",
                                         "Regional plan for klima, energi og miljø"]
    # L7: ids without separators, two strategies
    assert m["L7"]["links"]["measures"] == ["L1", "L6", "L9", "L11"]
    assert m["L7"]["links"]["other"] == ["Kulturstrategi for Innlandet fylkeskommune",
                                         "Mobilitetsstrategi for Innlandet"]
    # K10: linked only vaguely
    assert (m["K10"]["links"]["measures"] == []
            and m["K10"]["links"]["unspecified"] == "koblet til mange satsinger og strategier")
    # A7: misspelt label "Samarbeidspartere" still read as partners
    assert m["A7"]["partners"]["text"].startswith("Innlandet fylkeskommune, Høgskolen i Innlandet og danske forskere")
    assert m["A12"]["priority"]["horizon"] == "long"
    assert m["L12"]["section"] == "5.3.2" and m["L12"]["level"] == "district"


def test_money_from_descriptions(rec):
    money = [(m["id"], x) for m in rec["measures"] for x in m["money"]]
    assert len(money) == 1
    mid, x = money[0]
    assert mid == "L6"
    assert (x["amount"], x["period"], x["basis"], x["line"]) == (34_000_000, [2024, 2026], "total", 281)


def test_withdrawn_measure_kept(rec):
    withdrawn = [m for m in rec["measures"] if m["status"] == "withdrawn"]
    assert [m["id"] for m in withdrawn] == ["L8"]
    l8 = withdrawn[0]
    assert "Tett på 2030" in l8["description"]
    assert l8["priority"]["text"] == "tas ut av handlingsprogrammet for 2024" and l8["priority"]["horizon"] is None
    assert [a["lines"] for a in kinds(rec, "withdrawn-measure")] == [[304, 304]]


def test_numbering_findings(rec):
    checks = kinds(rec, "numbering-check")
    assert all(a["severity"] == "info" for a in checks)
    cite = [a for a in checks if a["subject"] == "measure K11"]
    assert len(cite) == 1 and cite[0]["lines"] == [130, 130]
    assert "Hamarregionen utvikling" in cite[0]["message"] and "consistent" in cite[0]["message"]
    across = [a for a in checks if "across the three levels" in a["message"]]
    assert len(across) == 1 and "A9" in across[0]["message"] and "L14" in across[0]["message"]
    reciprocal = [a for a in checks if "reciprocal" in a["message"]]
    assert len(reciprocal) == 1 and "K5↔L4" in reciprocal[0]["message"]
    mism = kinds(rec, "numbering-mismatch")
    assert [(a["subject"], a["lines"]) for a in mism] == [("measure A9", [210, 210])]
    assert [(a["subject"], a["lines"]) for a in kinds(rec, "self-link")] == [("measure A9", [210, 210])]
    assert kinds(rec, "unknown-link-target") == []


def test_other_anomalies(rec):
    typos = {(a["subject"], a["lines"][0]) for a in kinds(rec, "typo")}
    assert typos == {("measure A7", 194), ("measure L4", 266), ("measure L7", 296), ("measure L12", 333)}
    label = [a for a in kinds(rec, "typo") if a["subject"] == "measure A7"][0]
    assert label["correction"]["from"] == "Samarbeidspartere"
    possible = {a["subject"] for a in kinds(rec, "possible-typo")}
    assert possible == {"word Innlandporteføljen", "word Østlandsforskning"}
    assert {a["subject"] for a in kinds(rec, "responsible-also-partner")} == {"measure K9", "measure A11"}
    assert kinds(rec, "missing-field") == []


def test_capture_differences(rec):
    diffs = kinds(rec, "capture-difference")
    found = Counter(tuple(a["differences"]) for a in diffs)
    assert found == {("label-separator",): 1, ("label-separator", "trailing-whitespace"): 8,
                     ("list-marker",): 6, ("only-in-hp2024",): 1}
    assert all(a.get("fields_lines") is not None or a["differences"] == ["only-in-hp2024"] for a in diffs)
    sep = [a for a in diffs if a["differences"] == ["label-separator"]][0]
    assert len(sep["pairs"]) == 130 and sep["pairs"][0] == [58, 52]
    a9 = [a for a in diffs if a["subject"] == "measure A9 responsible"][0]
    assert a9["lines"] == [208, 208] and a9["fields_lines"] == [167, 167]
    assert a9["text"] == "Ansvarlig: Hamarregionen utvikling"
    assert a9["fields_text"] == "Ansvarlig:\u00a0Hamarregionen utvikling\u00a0"
    block = [a for a in diffs if a["differences"] == ["only-in-hp2024"]][0]
    assert block["lines"] == [17, 43]  # centrality classes and the ten regions
    # every field compared, none differs in its words
    assert len(rec["reconciliation"]) == 160
    assert not any("text" in e["differences"] for e in rec["reconciliation"])
    assert sum(e["identical"] for e in rec["reconciliation"]) == 22


def test_regions_and_centrality(rec):
    assert [r["name"] for r in rec["regions"]] == [
        "Fjellregionen", "Gjøvikregionen", "Hadeland", "Hamarregionen", "Kongsvingerregionen",
        "Lillehammerregionen", "Midt-Gudbrandsdal", "Nord-Gudbrandsdal", "Sør-Østerdal", "Valdres"]
    hadeland = rec["regions"][2]
    assert hadeland["line"] == 36 and hadeland["note"] == "inkludert Jevnaker og Lunner i Viken fylkeskommune"
    c = rec["centrality"]
    assert len(c) == 45  # 46 names printed, Søndre Land twice
    assert Counter(e["class"] for e in c) == {2: 1, 3: 9, 4: 8, 5: 17, 6: 10}
    assert {"municipality": "Hamar", "class": 2, "class_label": "nest mest sentral", "line": 23} in c
    assert next(e for e in c if e["municipality"] == "Vang") == {"municipality": "Vang", "class": 6,
                                                                 "class_label": "minst sentral", "line": 27}
    dup = kinds(rec, "duplicate-entry")
    assert [(a["subject"], a["lines"]) for a in dup] == [("centrality Søndre Land", [25, 25])]
    assert dup[0]["correction"] is not None


def test_places_against_authority(rec):
    from kg import config
    if not (config.AUTHORITY / "municipalities.yaml").exists():
        assert [a["kind"] for a in rec["anomalies"] if a["subject"] == "places"] == ["authority-missing"]
        return
    missing = {a["subject"] for a in kinds(rec, "missing-entry") if a["subject"].startswith("centrality")}
    assert missing == {"centrality Øyer"}
    assert kinds(rec, "unknown-municipality") == []


def test_plan_and_programme(rec):
    assert rec["programme"]["adopted"] == "2024-03-05" and rec["programme"]["case"] == "PS 38/2024"
    assert rec["programme"]["previous"] == {"year": 2023, "adopted": "2023-02-21", "adopted_by": "fylkestinget",
                                            "line": 13}
    assert rec["plan"]["main_goal"] == "Innlandet skal være et inkluderende samfunn for alle"
    assert [f["code"] for f in rec["focus_areas"]] == ["K", "A", "L"]
    assert rec["focus_areas"][1]["goal"].startswith("I 2030 har Innlandet et inkluderende og innovativt arbeidsliv")


def test_deterministic():
    a = dumps_json(hp2024.extract(get("hp2024")))
    b = dumps_json(hp2024.extract(get("hp2024")))
    assert a == b
    assert (dumps_json(hp2024.extract_fields(get("hp2024-fields")))
            == dumps_json(hp2024.extract_fields(get("hp2024-fields"))))


def test_bad_structure_is_an_error_naming_file_and_line(tmp_path, monkeypatch):
    from dataclasses import replace

    from kg import config
    src = get("hp2024-fields")
    lines = src.lines()
    k = next(i for i, x in enumerate(lines) if x.startswith("Koblinger"))
    del lines[k]  # a measure without its links field
    (tmp_path / src.file).write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(config, "SOURCES", tmp_path)
    with pytest.raises(hp2024.ExtractError, match=rf"{src.file}:{k + 1}: expected 'Koblinger til andre satsinger'"):
        hp2024.extract_fields(replace(src))
