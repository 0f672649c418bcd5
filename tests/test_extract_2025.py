"""hp2025 extraction checked against the real document (data/sources/001_af88ce2a34d40677.txt).

Every expected value below was read by hand in the source text; line numbers are the source's.
"""

from __future__ import annotations

import collections

import pytest

from kg import sources
from kg.extract import ExtractError
from kg.extract.layouts import action_programme_2025 as hp2025
from kg.extract.money import parse_amount


@pytest.fixture(scope="module")
def rec():
    return hp2025.extract(sources.get("hp2025"))


@pytest.fixture(scope="module")
def by_id(rec):
    return {m["id"]: m for m in rec["measures"]}


def kinds(rec, kind, subject=None):
    return [a for a in rec["anomalies"] if a["kind"] == kind and (subject is None or a["subject"] == subject)]


# --- counts ------------------------------------------------------------------------------------

def test_measure_counts(rec):
    ids = [m["id"] for m in rec["measures"]]
    assert len(ids) == 47 and len(set(ids)) == 47
    assert collections.Counter(m["focus_area"] for m in rec["measures"]) == {"K": 15, "A": 15, "L": 17}
    assert ids[:4] == ["K1", "K2A", "K2B", "K3"] and ids[-1] == "L17"
    levels = collections.Counter((m["focus_area"], m["level"]) for m in rec["measures"])
    assert levels == {("K", "county"): 12, ("K", "district"): 2, ("K", "urban"): 1,
                      ("A", "county"): 8, ("A", "district"): 3, ("A", "urban"): 4,
                      ("L", "county"): 11, ("L", "district"): 4, ("L", "urban"): 2}
    assert [m["id"] for m in rec["measures"] if m["is_new"]] == ["K3", "K4", "K7", "K9", "K11", "A2", "A3", "A5",
                                                                 "A6", "A11", "L1", "L3"]
    assert [m["id"] for m in rec["measures"] if m["is_continued"]] == ["L12"]


def test_plan_programme_focus_areas(rec):
    assert rec["plan"]["vision"] == "Innlandet – Eventyrlige muligheter"
    assert rec["plan"]["main_goal"] == "Innlandet skal være et inkluderende samfunn for alle!"
    assert rec["plan"]["main_goal_line"] == 91
    p = rec["programme"]
    assert (p["year"], p["adopted"], p["adopted_by"], p["lines"]) == (2025, "2025-02-18", "fylkesutvalget", [79, 80])
    assert p["money"][0]["amount"] == 3_000_000 and p["money"][0]["line"] == 68
    fa = {f["code"]: f for f in rec["focus_areas"]}
    assert list(fa) == ["K", "A", "L"]
    assert fa["A"]["title"] == "Arbeidsliv og arbeidsplassutvikling" and fa["A"]["lines"] == [376, 378]
    assert fa["L"]["goal"] == ("I 2030 har Innlandet attraktive, tilgjengelige og bærekraftige byer "
                               "og lokalsamfunn for alle.")
    assert all(f["goal_year"] == 2030 for f in fa.values())


# --- measures checked by hand ------------------------------------------------------------------

def test_k1(by_id):
    m = by_id["K1"]
    assert m["title"] == "Inkluderende oppvekstmiljø" and m["markers"] == [] and not m["is_new"]
    assert (m["level"], m["focus_area"], m["lines"], m["description_lines"]) == ("county", "K", [98, 113], [99, 107])
    assert m["description"].startswith("Gjennom et trygt og inkluderende oppvekstmiljø")
    assert "kommunegrenser." in m["description"]  # "kommune-" / "grenser" rejoined
    assert m["responsible"]["text"] == "Statsforvalteren" and m["responsible"]["lines"] == [109, 109]
    assert m["partners"]["text"] == "kommuner og regioner, skoler og lokalsamfunn, Innlandet fylkeskommune, KS og NAV"
    assert m["partners"]["lines"] == [110, 111]
    assert m["links"]["measures"] == ["K2A", "K2B", "K3", "K4"] and m["links"]["other"] == []
    assert (m["priority"]["horizon"], m["priority"]["status_phrase"]) == ("short", "arbeidet er satt i gang")


def test_k2a_k2b_share_one_field_block(rec, by_id):
    a, b = by_id["K2A"], by_id["K2B"]
    assert a["title"] == "Videreutvikle fleksible opplæringsløp for ungdom i videregående opplæring"
    assert b["title"] == "Videreutvikle fleksible opplæringsløp for voksne i videregående opplæring"
    assert a["lines"] == [115, 121] and b["lines"] == [122, 131]
    for key, lines in (("responsible", [128, 128]), ("partners", [129, 129]), ("links", [130, 130]), ("priority",
                                                                                                      [131, 131])):
        assert a[key]["text"] == b[key]["text"] and a[key]["lines"] == b[key]["lines"] == lines
    assert a["links"]["measures"] == ["K1", "K3", "K4"]
    assert a["shared_fields"] == {"with": "K2B", "lines": [128, 131]} and b["shared_fields"]["with"] == "K2A"
    assert kinds(rec, "shared-field-block", "measure K2A")[0]["lines"] == [128, 131]
    assert [x["correction"]["from"] for x in kinds(rec, "id-normalised")
            if x["subject"] in ("measure K2A", "measure K2B")] == ["K2 A", "K2 B"]


def test_k3_money_and_marker(by_id):
    m = by_id["K3"]
    assert m["title"] == "Inkluderende russemarkering" and m["markers"] == ["nytt tiltak"] and m["is_new"]
    assert m["partners"]["text"] == "videregående skoler, Karriere Innlandet, UFR"
    assert m["links"]["measures"] == ["K1", "K2A", "K2B"]
    assert (m["priority"]["horizon"], m["priority"]["status_phrase"]) == ("short", None)
    [money] = m["money"]
    assert (money["amount"], money["period"], money["basis"], money["line"]) == (2_000_000, [2025, 2028], "per-year",
                                                                                 149)
    assert money["text"] == "Årlig bevilgning 2.0 mill. kr. for perioden 2025-2028."


def test_k4_empty_links(rec, by_id):
    m = by_id["K4"]
    assert m["title"] == "Videregående skoler -Hybelboere" and m["is_new"]
    assert m["links"] == {**m["links"], "text": "", "lines": [164, 164], "measures": [], "other": []}
    assert kinds(rec, "empty-field", "measure K4")[0]["lines"] == [164, 164]
    assert [(x["amount"], x["period"], x["basis"]) for x in m["money"]] == [(5_000_000, [2025, 2028], "per-year")]


def test_k5(by_id):
    m = by_id["K5"]
    assert m["title"] == "Strategi for fleksibel og desentralisert høyere utdanning med handlingsprogram"
    assert m["partners"]["text"].startswith("Universitetet i Innlandet, NTNU, Fagskolen i Innlandet, Karriere "
                                            "Innlandet, høgskolesentrene")
    assert (m["partners"]["text"].endswith("interkommunale politiske råd og arbeidslivet")
            and m["partners"]["lines"] == [188, 190])
    assert m["links"]["measures"] == ["K9", "A1", "A2", "A3", "A4", "A5", "A6"]
    assert m["description_lines"] == [168, 185] and m["money"] == []


def test_wrapped_titles(by_id):
    assert by_id["K9"]["title"] == "Sør-samisk bosetting og kultur - Kunnskapsformidling, kompetanseheving"
    assert by_id["K9"]["markers"] == ["nytt tiltak"] and by_id["K9"]["heading"]["lines"] == [246, 247]
    assert by_id["K12"]["title"] == ("Desentralisert kompetanseutvikling hos lærere i barnehage, grunnskole "
                                     "og videregående skole")
    assert by_id["A12"]["title"] == ("Samarbeid mellom næringsklynger og kompetanse-/forskingsmiljøene "
                                     "– Innlandsporteføljen")
    assert by_id["L15"]["title"] == ("Nærbutikken som møteplass og velferds-sentral i små lokalsamfunn "
                                     "(bygdelivsbutikker)")


def test_a10_a11_prioritet_label(rec, by_id):
    a10, a11 = by_id["A10"], by_id["A11"]
    assert a10["level"] == a11["level"] == "district"
    assert a10["priority"]["label"] == "Prioritet" and a10["priority"]["lines"] == [572, 572]
    assert (a10["priority"]["horizon"], a10["priority"]["status_phrase"]) == ("short", None)
    assert a10["responsible"]["text"] == "kommuner og interkommunale politiske råd"
    assert a10["links"]["measures"] == ["K1", "K5", "A6", "K7"]
    assert a11["title"] == "Bygdevekstavtale i Sør-Østerdal" and a11["is_new"]
    assert a11["responsible"]["text"] == "De fire pilotkommunene"
    assert (a11["priority"]["horizon"], a11["priority"]["status_phrase"]) == ("short", "arbeidet er satt i gang")
    assert a11["links"]["measures"] == ["K5", "A1", "A6"] and a11["links"]["other"] == ["boligsatsing"]
    assert {a["subject"] for a in kinds(rec, "label-variant")} == {"measure A10", "measure A11"}


def test_a7_other_links_and_self_link(rec, by_id):
    links = by_id["A7"]["links"]
    assert links["measures"] == ["K5", "A1", "A7"] and links["lines"] == [511, 512]
    assert links["other"] == ["handlingsprogrammene for Regional plan for samfunnstryggleik",
                              "Regional plan for klima, energi og miljø"]
    assert {a["subject"] for a in kinds(rec, "self-link")} == {"measure A5", "measure A6", "measure A7", "measure L5",
                                                               "measure L13"}


def test_a13_money_and_link_normalisation(rec, by_id):
    m = by_id["A13"]
    assert m["links"]["measures"] == ["K2A", "K2B", "K5", "A1", "A6"] and "K2a" in m["links"]["text"]
    [corr] = [a["correction"] for a in kinds(rec, "id-normalised", "measure A13")]
    assert (corr["from"], corr["to"]) == ("K2a", "K2A")
    assert m["priority"]["status_phrase"] == "videreføres" and not m["is_continued"]  # a status, not a title marker
    [money] = m["money"]
    assert (money["amount"], money["period"], money["line"]) == (1_780_000, [2022, 2023], 611)


def test_money_amounts(by_id):
    got = {mid: [(x["amount"], x["year"], x["period"], x["basis"]) for x in by_id[mid]["money"]]
           for mid in ("A3", "A4", "A5", "A6", "L6", "L8")}
    assert got == {"A3": [(4_000_000, 2025, None, "total")],
                   "A4": [(1_000_000, None, [2025, 2028], "per-year")],
                   "A5": [(5_000_000, None, [2025, 2028], "per-year")],
                   "A6": [(8_000_000, None, [None, 2026], "total")],
                   "L6": [(800_000, None, [2025, 2026], "per-year")],
                   "L8": [(34_000_000, None, [2024, 2026], "total"), (6_800_000, None, None, "total")]}
    assert by_id["A5"]["money"][0]["purpose"] == "forsterket innsats for inkludering"
    assert by_id["L8"]["money"][1]["purpose"] == "tiltak for og med ungdom"


@pytest.mark.parametrize("text, amount", [("2.0 mill. kr", 2_000_000), ("1,78 mill. kroner", 1_780_000),
                                          ("kr 800 000", 800_000),
                                          ("34 millioner", 34_000_000), ("1 million kroner", 1_000_000),
                                          ("7. 3 mil. kr", 7_300_000),
                                          ("4. mill. kr.", 4_000_000), ("1.192 000", 1_192_000)])
def test_parse_amount(text, amount):
    assert parse_amount(text) == amount


def test_l11_several_responsible_units(rec, by_id):
    m = by_id["L11"]
    assert m["title"] == "Andre strategier og handlingsplaner som følges opp"
    assert [it["title"] for it in m["items"]] == [
        "Mobilitetsstrategi for Innlandet 2021 - 2030",
        "Handlingsplan for fylkeskommunens kollektivtransport 2023 – 2026",
        "Handlingsprogram for fylkesveger 2022-2025", "Kulturstrategi for Innlandet fylkeskommune",
        "Bredbånd i hele Innlandet – offentlig støtte til bredbåndutbygging",
        "Handlingsplan for trafikksikkerhet 2022-2025"]
    assert [it["responsible"]["lines"][0] for it in m["items"]] == [1000, 1003, 1006, 1009, 1012, 1015]
    assert m["responsible"]["text"] == ("Innlandet fylkeskommune ved Samferdsel, Innlandet fylkeskommune ved Kultur, "
                                        "Innlandet fylkeskommune ved Næring og internasjonalt samarbeid")
    assert m["partners"] is None and m["links"] is None and m["priority"] is None
    assert m["description_lines"] == [996, 997]
    # the plan URLs printed inside L12's text belong to L11's items; fylkesveger has none
    assert [it["url"] is not None for it in m["items"]] == [True, True, False, True, True, True]
    assert "kulturstrategi" in m["items"][3]["url"]
    assert len(kinds(rec, "missing-field", "measure L11")) == 3
    assert "https" not in by_id["L12"]["description"]


def test_l12_and_l13(rec, by_id):
    l12 = by_id["L12"]
    assert l12["markers"] == ["videreføres"] and l12["is_continued"] and not l12["is_new"]
    assert l12["priority"]["status_phrase"] == "arbeidet settes i gang i januar 2024"
    assert any("unbalanced" in a["message"] for a in kinds(rec, "typo", "measure L12"))
    l13 = by_id["L13"]
    assert l13["links"]["measures"] == ["L1", "L2", "L9", "L13"]
    [mis] = kinds(rec, "id-title-mismatch", "measure L13")
    assert "(A10)" in mis["message"] and "A11" in mis["message"]


def test_l17(by_id):
    m = by_id["L17"]
    assert m["title"] == "Forpliktende samarbeid om bolig-, areal- og transportutvikling i by- og regionsentrene (ATP)"
    assert m["markers"] == [] and (m["level"], m["lines"]) == ("urban", [1162, 1188])
    assert m["responsible"]["text"] == "Regionsenterkommunene og Innlandet fylkeskommune"
    assert m["partners"]["text"] == ("Statens vegvesen, Statsforvalteren, handelsstands- og næringsforeninger, "
                                     "Bane NOR (varierer mellom samarbeidene)")
    assert (m["partners"]["lines"] == [1185, 1186]
            and m["partners"]["raw"].endswith("Bane\nNOR (varierer mellom samarbeidene)"))
    assert m["links"]["measures"] == ["L14", "L15", "L16"]
    assert (m["priority"]["horizon"], m["priority"]["status_phrase"]) == ("short", "arbeidet er satt i gang")
    assert m["description"].endswith("areal- og transportstrategier.")


def test_link_anomalies(rec, by_id):
    assert by_id["K14"]["links"]["measures"] == ["K5", "K9", "A1", "L8"]
    assert kinds(rec, "missing-separator", "measure K14")
    assert by_id["K11"]["links"]["other"] == ["5.3.2"] and kinds(rec, "unknown-link-target", "measure K11")
    assert by_id["L9"]["links"]["measures"] == ["A1", "L1", "L8", "L10", "L11"]
    assert by_id["L9"]["links"]["other"] == ["Kulturstrategi for Innlandet fylkeskommune",
                                             "Mobilitetsstrategi for Innlandet"]
    assert kinds(rec, "empty-field", "measure K7")[0]["lines"] == [215, 215]
    assert {a["subject"] for a in kinds(rec, "trailing-separator")} == {"measure K9", "measure L10"}
    ids = {m["id"] for m in rec["measures"]}
    assert all(t in ids for m in rec["measures"] if m["links"] for t in m["links"]["measures"])


def test_typos(rec):
    msgs = [a["message"] for a in kinds(rec, "typo")]
    assert any("'20230'" in x for x in msgs)
    assert any("'Innladet'" in x for x in msgs) and any("'Lærlingsfabrikken'" in x for x in msgs)
    assert any("8A10)" in x for x in msgs)
    twenty = [a for a in kinds(rec, "typo") if "20230" in a["message"]][0]
    assert twenty["lines"] == [36, 36] and twenty["correction"] is None


# --- appendices --------------------------------------------------------------------------------

def test_referenced_documents(rec):
    docs = {d["key"]: d for d in rec["referenced_documents"]}
    assert docs["nou-2024-8"]["identifier"] == "NOU 2024: 8"
    assert docs["nou-2024-8"]["title"] == "Likestillingens neste steg. Mannsutvalgets rapport"
    assert (docs["meld-st-33-2023-2024"]["title"] == "En forsterket arbeidslinje"
            and docs["meld-st-33-2023-2024"]["lines"] == [1200, 1200])
    assert docs["meld-st-15-2022-2023"]["lines"] == [1204, 1205]
    assert docs["meld-st-15-2022-2023"]["title"].endswith("utjamning av sosiale helseforskjellar")
    assert sum(d["scope"] == "national" for d in docs.values()) == 13


def test_allocation_status(rec):
    rows = rec["allocation_status"]
    assert len(rows) == 13
    k5 = rows[0]
    assert (k5["measure"], k5["allocated"], k5["used"], k5["carried_over"], k5["line"]) == ("K5", 900_000, 290_500,
                                                                                            609_500, 1254)
    assert (k5["title_in_table"] == "Strategi for fleksibel og desentral høyere utdanning"
            and k5["status"] == "Arbeidet pågår")
    att = next(r for r in rows if r["title_in_table"] == "Attraktive kommunesentre i distriktene")
    assert (att["allocated"], att["used"], att["carried_over"], att["measure"]) == (2_000_000, 125_000, 1_875_000, None)
    bolig = next(r for r in rows if r["measure"] == "L14")
    assert (bolig["allocated"], bolig["used"], bolig["carried_over"], bolig["reference"]) == (1_000_000, 1_000_000, 0,
                                                                                              "2023/11949")
    assert [r["measure"] for r in rows if r["measure"]] == ["K5", "K8", "A1", "A13", "L7", "L14", "L15"]
    t = rec["allocation_status_totals"]
    assert t["sums"] == {"allocated": 7_300_000, "used": 4_507_500, "carried_over": 2_792_500}
    assert t["stated_totals"]["used"]["exact"] == 4_507_500 and t["stated_allocated"] == 7_300_000
    assert not kinds(rec, "table-sum-mismatch")  # the rows do add up


def test_distribution(rec):
    rows = rec["distribution"]
    assert [(r["measure"], r["amount"]) for r in rows] == [
        ("A1", 1_100_000), (None, 1_000_000), ("K5", 200_000), ("K8", 300_000), ("L4", 100_000), ("L9", 100_000),
        ("L12", 200_000)]
    assert rec["distribution_totals"]["sum"] == rec["distribution_totals"]["stated"]["total"] == 3_000_000
    [mis] = [a for a in kinds(rec, "id-title-mismatch", "distribution row L12") if "table row" in a["message"]]
    assert "Lokalsamfunnsutvikling" in mis["message"] and "L13" in mis["message"]
    assert rows[-1]["title_matches"] == "L13"


def test_centrality_and_regions(rec):
    c = {x["municipality"]: x for x in rec["centrality"]}
    assert len(c) == 44 and c["Hamar"]["class"] == 2 and c["Tolga"]["class"] == 6 and c["Åsnes"]["line"] == 1671
    assert c["Søndre Land"]["class"] == 4
    [dup] = kinds(rec, "duplicate-entry")
    assert "Søndre Land" in dup["message"] and dup["lines"] == [1668, 1669]
    assert rec["regions"] == [] and kinds(rec, "missing-content")


# --- the garbled copy --------------------------------------------------------------------------

def test_garbled_copy_agrees(rec):
    assert hp2025.readable_end(sources.get("hp2025").lines()) == 1694
    assert not kinds(rec, "garbled-duplicate-mismatch")


def test_garbled_copy_difference_is_reported():
    src = sources.get("hp2025")
    lines = src.lines()
    k = next(i for i in range(1694, len(lines)) if "K1, K3 og K4 Prioritering" in lines[i])
    lines[k] = lines[k].replace("K1, K3 og K4", "K1, K3 og K5")
    rec = hp2025.extract(src, lines=lines)
    [a] = kinds(rec, "garbled-duplicate-mismatch")
    assert a["subject"] == "measure K2B" and "links" in a["message"] and a["lines"] == [130, k + 1]


def test_unparsable_block_raises():
    src = sources.get("hp2025")
    lines = src.lines()
    del lines[108:113]  # K1's field block
    with pytest.raises(ExtractError) as err:
        hp2025.extract(src, lines=lines)
    assert err.value.line == 98 and "K1" in err.value.message and str(err.value).startswith("data/sources/001_")
