"""The ready-made research questions (queries/*.rq) answered on the real dataset.

Every expected value below was read in the source documents, not copied from a query result; the
comment next to it gives file:line ("001" = data/sources/001_…txt, Handlingsprogram 2025; "002" = the
2024 programme with descriptions; "000" = the 2024 fields-only capture, whose field blocks give the
2024 ids by their order inside each section; "003" = the 2022 grant round). All questions run on the
session `store` (conftest.py), built once from data/records.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from kg import config, queries
from kg.cli import app

QUESTIONS = ("actor-involvement", "allocation-status", "centrality", "changed-responsible", "grant-projects",
             "measure-links", "measures-by-focus-area", "measures-by-horizon", "measures-per-responsible",
             "money-by-focus-area", "money-by-measure", "new-measures", "odd-links", "partner-pairs",
             "succession", "withdrawn-measures",
             # follow-up (issue 10; facts tested in test_followup.py)
             "status-by-year", "follow-up-money", "status-unchanged", "indicators-against-target")


def ask(store, name: str, **params) -> list[dict[str, str]]:
    """Rows of a question as dicts of plain strings ('' for unbound)."""
    sparql = queries.get(name).render({k: str(v) for k, v in params.items()})
    cols, rows = queries.run_local(sparql, store)
    return [dict(zip(cols, (queries.plain(v) for v in row))) for row in rows]


def ids(cell: str) -> set[str]:
    return {x.strip() for x in cell.split(",") if x.strip()}


def by_key(rows, key):
    return {r[key]: r for r in rows}


IFK = "Innlandet fylkeskommune"
COUNTY, DISTRICT, URBAN = "fylkessatsing", "distriktssatsing", "by- og regionsentersatsing"
K_AREA, A_AREA, L_AREA = ("Kompetanse og livslang læring", "Arbeidsliv og arbeidsplassutvikling",
                          "Lokalsamfunn, møteplasser og kultur")


# ---------------------------------------------------------------- catalogue ---------------------------

def test_catalogue_has_every_question_with_a_header():
    cat = queries.catalogue()
    assert set(QUESTIONS) <= set(cat)
    for q in cat.values():
        assert q.title and q.description, q.name


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_question_runs_with_its_defaults(store, name):
    rows = ask(store, name)
    assert rows, f"{name} gives no rows with its default parameters"


@pytest.mark.parametrize("name", QUESTIONS)
def test_every_question_parses_as_standard_sparql(name):
    """A second SPARQL 1.1 implementation (rdflib) accepts the rendered text, not only Oxigraph."""
    from rdflib.plugins.sparql import prepareQuery

    prepareQuery(queries.get(name).render())


def unbounded_paths(sparql: str) -> list[str]:
    """The * and + property paths of a query, found in its parsed algebra (however they are bracketed)."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath
    from rdflib.plugins.sparql import prepareQuery

    found, seen = [], set()

    def walk(node):
        if id(node) in seen or isinstance(node, (str, bytes, int, float)):
            return
        seen.add(id(node))
        if isinstance(node, MulPath):
            if node.mod in ("*", "+"):
                found.append(node.n3())
            walk(node.path)
        elif isinstance(node, (SequencePath, AlternativePath, NegatedPath)):
            for a in node.args:
                walk(a)
        elif isinstance(node, InvPath):
            walk(node.arg)
        elif isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, (list, tuple, set)):
            for v in node:
                walk(v)

    walk(prepareQuery(sparql).algebra)
    return found


def test_unbounded_path_check_sees_bracketed_paths():
    """The old check skipped every token starting with "(": `(a|b)+` went through."""
    q = "SELECT * WHERE { ?s (<urn:a>|<urn:b>)+ ?o . ?o <urn:c>/(<urn:d>)* ?x . ?x <urn:e>? ?y }"
    assert len(unbounded_paths(q)) == 2
    assert unbounded_paths("SELECT * WHERE { ?s <urn:a>/<urn:b>? ?o }") == []


@pytest.mark.parametrize("name", QUESTIONS)
def test_no_question_uses_unbounded_property_paths(name):
    """Virtuoso 7.2 refuses * and + paths over cyclic data; the questions avoid them."""
    assert unbounded_paths(queries.get(name).render()) == [], name


# ---------------------------------------------------------------- measures-by-focus-area --------------

FOCUS_2025 = {  # 001: headings under "Fylkessatsinger"/"Distriktssatsinger"/"By- og regionsentersatsinger"
    (K_AREA, COUNTY): {"K1", "K2A", "K2B", "K3", "K4", "K5", "K6", "K7", "K8", "K9", "K10", "K11"},  # 001:97-318
    (K_AREA, DISTRICT): {"K12", "K13"},                                                       # 001:319-362
    (K_AREA, URBAN): {"K14"},                                                                 # 001:363-375
    (A_AREA, COUNTY): {f"A{i}" for i in range(1, 9)},                                         # 001:380-537
    (A_AREA, DISTRICT): {"A9", "A10", "A11"},                                                 # 001:538-585
    (A_AREA, URBAN): {"A12", "A13", "A14", "A15"},                                            # 001:586-679
    (L_AREA, COUNTY): {f"L{i}" for i in range(1, 12)},                                        # 001:684-1016
    (L_AREA, DISTRICT): {"L12", "L13", "L14", "L15"},                                         # 001:1017-1142
    (L_AREA, URBAN): {"L16", "L17"},                                                          # 001:1143-1188
}

FOCUS_2024_COUNTS = {  # 000: field blocks per section
    (K_AREA, COUNTY): 6, (K_AREA, DISTRICT): 3, (K_AREA, URBAN): 2,      # 000:50-80, 82-97, 99-109
    (A_AREA, COUNTY): 3, (A_AREA, DISTRICT): 2, (A_AREA, URBAN): 7,      # 000:117-132, 136-146, 150-185
    (L_AREA, COUNTY): 7, (L_AREA, DISTRICT): 5, (L_AREA, URBAN): 5,      # 000:193-228, 232-257, 261-286
}


def test_measures_by_focus_area_2025(store):
    rows = ask(store, "measures-by-focus-area", year=2025)
    got = {(r["focusArea"], r["level"]): ids(r["ids"]) for r in rows}
    assert got == FOCUS_2025
    assert sum(int(r["measures"]) for r in rows) == 47
    for r in rows:
        assert int(r["measures"]) == len(ids(r["ids"]))


def test_measures_by_focus_area_2024(store):
    rows = ask(store, "measures-by-focus-area", year=2024)
    assert {(r["focusArea"], r["level"]): int(r["measures"]) for r in rows} == FOCUS_2024_COUNTS
    assert sum(FOCUS_2024_COUNTS.values()) == 40


# ---------------------------------------------------------------- measures-per-responsible ------------

# "Ansvarlig:" fields naming Innlandet fylkeskommune itself (not "Innlandet fylkeskommune ved …", L11's
# sub-units); K2A and K2B share the field block at 001:128.
IFK_RESPONSIBLE_2025 = {
    # K2A … K11: 001:128 (shared),151,162,187,201,214,240,267,292,314
    "K2A", "K2B", "K3", "K4", "K5", "K6", "K7", "K8", "K9", "K10", "K11",
    "K12",  # 001:340 "Innlandet fylkeskommune, Statsforvalteren, kommunene og …"
    "A1", "A3", "A4", "A5", "A7", "A8", "A9",           # 001:395,444,460,472,508,531,552
    "A12", "A14", "A15",                                # 001:599 "… og Regionalt partnerskap", 641, 674
    "L1", "L3", "L4", "L5", "L7", "L8", "L9",           # 001:690,784,798,822,863,894,927
    "L12", "L13", "L14", "L15", "L16", "L17",           # 001:1087,1104,1120,1138,1156,1184
}
# 000: Ansvarlig fields with Innlandet fylkeskommune, 2024 ids by block order
IFK_RESPONSIBLE_2024 = {
    "K2", "K3", "K4", "K5", "K6", "K7",                             # 000:57,62,67,72,77,84
    "A1", "A2", "A3", "A4", "A6", "A11", "A12",                     # 000:119,124,129,138,152,177,182
    "L2", "L3", "L5", "L6", "L7", "L8", "L9", "L10", "L11", "L12", "L14", "L15",  # 000:200-273
}


def test_measures_per_responsible_2025(store):
    rows = by_key(ask(store, "measures-per-responsible", year=2025), "actor")
    assert len(IFK_RESPONSIBLE_2025) == 35
    assert ids(rows[IFK]["ids"]) == IFK_RESPONSIBLE_2025
    assert rows[IFK]["measures"] == "35"
    # "Ansvarlig: Statsforvalteren" 001:109 (K1), 001:704 (L2), and in K12's list 001:340
    assert ids(rows["Statsforvalteren i Innlandet"]["ids"]) == {"K1", "L2", "K12"}
    # L11's items: "Innlandet fylkeskommune ved Samferdsel" 001:1000,1003,1006,1015, "ved Kultur" 001:1009
    assert ids(rows["Innlandet fylkeskommune, Samferdsel"]["ids"]) == {"L11"}
    assert ids(rows["Innlandet fylkeskommune, Kultur"]["ids"]) == {"L11"}
    # "Ansvarlig: NHO Innlandet og NAV Innlandet" 001:418
    assert ids(rows["NAV Innlandet"]["ids"]) == {"A2"}
    assert ids(rows["NHO Innlandet"]["ids"]) == {"A2"}
    # "Ansvarlig: Kildegruppen AS" 001:492; "Ansvarlig: Glomdalsmuseet" 001:842
    assert ids(rows["Kildegruppen AS"]["ids"]) == {"A6"}
    assert ids(rows["Glomdalsmuseet"]["ids"]) == {"L6"}
    # first row is the actor with most measures
    assert next(iter(rows)) == IFK


def test_measures_per_responsible_2024(store):
    rows = by_key(ask(store, "measures-per-responsible", year=2024), "actor")
    assert ids(rows[IFK]["ids"]) == IFK_RESPONSIBLE_2024
    assert rows[IFK]["measures"] == "25"
    assert ids(rows["NAV"]["ids"]) == {"A7"}                         # 000:157 "Ansvarlig: NAV"
    assert ids(rows["Hamarregionen utvikling"]["ids"]) == {"K11", "A9"}  # 000:106, 000:167


# ---------------------------------------------------------------- actor-involvement -------------------

NAV_2025 = {  # "NAV", "Nav", "NAV Innlandet", "Nav Innlandet", NAV offices in Ansvarlig/Samarbeidspartnere
    "K1",    # 001:110-111 "… KS og NAV"
    "K2A", "K2B",  # 001:129 shared block "… Karriere Innlandet, NAV, …"
    "K5",    # 001:189 "… KS, NAV, Statsforvalteren …"
    "K8",    # 001:241 "… Likestillingssenteret, Nav, …"
    "K10",   # 001:293 "Nav Innlandet"
    "K13",   # 001:359 "… Innlandet fylkeskommune, NAV, NHO og LO"
    "A1",    # 001:396 "… Statsforvalteren, NAV, NHO …"
    "A2",    # 001:418 responsible NAV Innlandet; 001:419 partner NAV
    "A3",    # 001:445 "Samarbeidspartnere: NAV, …"
    "A5",    # 001:473 "Samarbeidspartnere: NAV, …"
    "A11",   # 001:582 "… NAV, Husbanken."
    "A13",   # 001:624 "NAV Vestre Toten, OFII, NAV på fylkesnivå …"
    "L2",    # 001:705-706 "NAV Innlandet, NAV Hjelpemiddel- sentral"
    "L8",    # 001:895 "… KS, NAV, …"
}
HINN_2025 = {  # Universitetet i Innlandet (alias HINN) in the fields
    "K5",   # 001:188
    "K10",  # 001:293
    "K11",  # 001:315 "NTNU/Universitetet i Innlandet"
    "K14",  # 001:371 responsible
    "A8",   # 001:532
    "A12",  # 001:600
    "L6",   # 001:844
    "L10",  # 001:990
    "L12",  # 001:1087 "Innlandet fylkeskommune i samarbeid med HINN og Østlandsforskning"
}


@pytest.mark.parametrize("name", ["NAV", "nav", "Nav"])
def test_actor_involvement_nav_2025(store, name):
    rows = [r for r in ask(store, "actor-involvement", actor=name) if r["year"] == "2025"]
    assert {r["id"] for r in rows} == NAV_2025
    assert len(rows) == len({tuple(r.values()) for r in rows}), "duplicate rows"
    roles = {(r["id"], r["role"], r["via"]) for r in rows}
    assert ("A2", "responsible", "NAV Innlandet") in roles   # 001:418
    assert ("A2", "partner", "NAV") in roles                 # 001:419
    assert ("A13", "partner", "NAV Vestre Toten") in roles   # 001:624
    assert ("L2", "partner", "NAV Hjelpemiddelsentral") in roles  # 001:705-706
    assert {r["id"] for r in rows if r["role"] == "responsible"} == {"A2"}


def test_actor_involvement_nav_2024(store):
    rows = [r for r in ask(store, "actor-involvement", actor="NAV") if r["year"] == "2024"]
    # 000 fields, 2024 ids by block order: K1 53, K2 58, K3 63, K5 73, K8 90, K9 95, K11 107, A1 120,
    # A7 157 ("Ansvarlig: NAV"), A8 163 ("NAV Vestre Toten, …, NAV på fylkesnivå"), A9 168, L1 196, L6 221
    assert {r["id"] for r in rows} == {"K1", "K2", "K3", "K5", "K8", "K9", "K11", "A1", "A7", "A8", "A9", "L1", "L6"}
    assert {r["id"] for r in rows if r["role"] == "responsible"} == {"A7"}
    assert {r["via"] for r in rows if r["id"] == "A8"} == {"NAV Vestre Toten", "NAV Innlandet"}


def test_actor_involvement_by_alias_and_former_name(store):
    rows = ask(store, "actor-involvement", actor="HINN")
    assert {r["id"] for r in rows if r["year"] == "2025"} == HINN_2025
    # 2024 calls it by its former name: "Ansvarlig: Høgskolen i Innlandet og NTNU i Innlandet" 000:101
    former = ask(store, "actor-involvement", actor="Høgskolen i Innlandet")
    assert ("2024", "K10", "responsible") in {(r["year"], r["id"], r["role"]) for r in former}
    # a sub-unit: "Høgskolen i Innlandet ved Spillskolen og Future classroom" 000:107 (2024 K11)
    assert ("2024", "K11", "Spillskolen") in {(r["year"], r["id"], r["via"]) for r in former}


def test_actor_involvement_unknown_actor_gives_nothing(store):
    assert ask(store, "actor-involvement", actor="Ingen slik aktør") == []


# ---------------------------------------------------------------- measure-links -----------------------

def test_measure_links_2025(store):
    rows = ask(store, "measure-links", year=2025)
    links = {(r["from"], r["to"]): r["reciprocal"] for r in rows}
    out = lambda m: {t for (f, t) in links if f == m}  # noqa: E731
    assert out("K1") == {"K2A", "K2B", "K3", "K4"}          # 001:112
    assert out("K2A") == out("K2B") == {"K1", "K3", "K4"}   # 001:130, shared block of K2A/K2B
    assert out("K4") == set()                               # 001:164 field is empty
    assert out("K11") == {"L6"}                             # 001:316 "L6, 5.3.2" (5.3.2 is a section number)
    assert out("A13") == {"K2A", "K2B", "K5", "A1", "A6"}    # 001:625 "K2a, K2B, …" (lower-case a)
    assert out("L9") == {"A1", "L1", "L8", "L10", "L11"}    # 001:930 "L 10" with a space
    assert out("A7") == {"K5", "A1", "A7"}                  # 001:511, self-link
    assert links[("K1", "K2A")] == "yes"                   # K2A/K2B link back to K1, 001:130
    assert links[("K1", "K4")] == "no"                   # K4 links nothing, 001:164
    assert links[("A2", "A4")] == "no"                   # A4 links K5, A1, A6, 001:462
    # every link of 001:112-1187, counted with K2A and K2B both carrying the shared line 130
    assert len(links) == 150


def test_measure_links_2024(store):
    links = {(r["from"], r["to"]) for r in ask(store, "measure-links", year=2024)}
    assert {t for (f, t) in links if f == "K1"} == {"K2", "K3"}               # 000:54
    assert {t for (f, t) in links if f == "A9"} == {"A1", "A7", "A9", "L13"}  # 000:169
    assert {t for (f, t) in links if f == "L4"} == {"K5"}                     # 000:212


# ---------------------------------------------------------------- odd-links ---------------------------

def test_odd_links(store):
    rows = ask(store, "odd-links")
    got = {(r["year"], r["id"], r["problem"], r["target"]) for r in rows}
    assert got == {
        ("2024", "A9", "self-link", "A9"),    # 000:169 "A1, A7, A9 og L13" in the 9th A block
        ("2025", "A5", "self-link", "A5"),    # 001:475 "A1, A2, A3 og A5"
        ("2025", "A6", "self-link", "A6"),    # 001:494 "K5, A1, A2, A4 og A6"
        ("2025", "A7", "self-link", "A7"),    # 001:511 "K5, A1 og A7"
        ("2025", "L5", "self-link", "L5"),    # 001:824 "L5, L13 og Kulturstrategi …"
        ("2025", "L13", "self-link", "L13"),  # 001:1106 "L1, L2, L9 og L13"
    }


# ---------------------------------------------------------------- measures-by-horizon -----------------

def test_measures_by_horizon_2025(store):
    rows = ask(store, "measures-by-horizon", year=2025)
    cells = {(r["horizon"], r["status"]): ids(r["ids"]) for r in rows}
    horizon = lambda h: set().union(*(v for (hh, _), v in cells.items() if hh == h))  # noqa: E731
    assert horizon("long term") == {"K6", "A14", "A15"}                 # 001:205, 645, 679 "lang sikt"
    assert horizon("not stated") == {"L11"}                             # L11 has no Prioritering (001:995-1016)
    assert horizon("short and long term") == {"K10", "K12", "K13", "L1"}  # 001:296, 343, 361, 693
    # "kort sikt (arbeidet er satt i gang)": 16 field lines, K2A/K2B share one (001:131)
    assert cells[("short term", "arbeidet er satt i gang")] == {
        "K1", "K2A", "K2B", "K4", "K5", "K8", "K11", "A11", "L2", "L5", "L6", "L7", "L10", "L14", "L15", "L16", "L17"}
    assert cells[("short term", "videreføres")] == {"A13"}             # 001:626
    assert sum(int(r["measures"]) for r in rows) == 47


def test_measures_by_horizon_2024(store):
    rows = ask(store, "measures-by-horizon", year=2024)
    cells = {(r["horizon"], r["status"]): ids(r["ids"]) for r in rows}
    assert cells[("long term", "")] == {"K4", "A11", "A12"}            # 000:70, 180, 185
    assert cells[("not stated", "tas ut av handlingsprogrammet for 2024")] == {"L8"}  # 000:237
    assert sum(int(r["measures"]) for r in rows) == 40


# ---------------------------------------------------------------- money ------------------------------

MONEY_2025 = {  # (measure, NOK) → (basis, from, to)
    # 001:148-149 "Årlig bevilgning 2.0 mill. kr. for perioden 2025-2028"
    ("K3", 2_000_000): ("per year", "2025", "2028"),
    ("K4", 5_000_000): ("per year", "2025", "2028"),   # 001:160 "Årlig bevilgning 5.0 mill. kr. 2025-2028"
    ("A3", 4_000_000): ("total", "2025", ""),          # 001:442 "Bevilgning for 2025: 4 mill. kr."
    ("A4", 1_000_000): ("per year", "2025", "2028"),   # 001:457 "1 million kroner årlig for perioden 2025-2028"
    ("A5", 5_000_000): ("per year", "2025", "2028"),   # 001:470-471 "5 mill. kr årlig for perioden 2025-2028"
    ("A6", 8_000_000): ("total", "", "2026"),          # 001:490 "8 mill. kroner … for perioden ut 2026"
    ("A13", 1_780_000): (None, "2022", "2023"),        # 001:611 "1,78 mill. kroner for årene 2022 og 2023"
    ("L6", 800_000): ("per year", "2025", "2026"),     # 001:840 "Årlig bevilgning i 2025 og 2026 kr 800 000"
    ("L8", 34_000_000): ("total", "2024", "2026"),     # 001:887-888 "34 millioner … for perioden 2024 – 2026"
    ("L8", 6_800_000): ("total", "", ""),              # 001:888 "6,8 millioner til tiltak for og med ungdom"
}


def test_money_by_measure_2025(store):
    rows = ask(store, "money-by-measure", year=2025)
    got = {(r["id"], int(Decimal(r["nok"]))): (r["basis"], r["from"] or r["budgetYear"], r["to"]) for r in rows}
    assert set(got) == set(MONEY_2025)
    for key, (basis, start, end) in MONEY_2025.items():
        assert (got[key][1], got[key][2]) == (start, end), key
        if basis:
            assert got[key][0] == basis, key
    k3 = next(r for r in rows if r["id"] == "K3")
    assert "Årlig bevilgning 2.0 mill. kr. for perioden 2025-2028" in k3["text"]   # 001:148-149
    assert int(Decimal(rows[0]["nok"])) == 34_000_000  # largest first


def test_money_by_measure_2024(store):
    rows = ask(store, "money-by-measure", year=2024)
    # the only amount in a 2024 measure text: "Det er bevilget 34 millioner for perioden 2024-2026." 002:281
    assert [(r["id"], int(Decimal(r["nok"])), r["from"], r["to"]) for r in rows] == [("L6", 34_000_000, "2024", "2026")]


def test_money_by_focus_area_2025(store):
    rows = ask(store, "money-by-focus-area", year=2025)
    got = {(r["focusArea"], r["basis"]): (int(Decimal(r["nok"])), ids(r["measures"])) for r in rows}
    assert len(got) == len(rows)  # one row per focus area and basis-with-years
    # per-year amounts of the same period add up (an amount per year, not a total)
    assert got[(K_AREA, "per year 2025-2028")] == (7_000_000, {"K3", "K4"})   # 2.0 + 5.0 mill. årlig (001:149, 160)
    assert got[(A_AREA, "per year 2025-2028")] == (6_000_000, {"A4", "A5"})   # 1 + 5 mill. årlig (001:457, 470)
    assert got[(L_AREA, "per year 2025-2026")] == (800_000, {"L6"})           # 001:840
    # amounts for one year and totals of different periods stay apart (the old question added 4 + 8 + 1.78
    # into one "total" of 13 780 000, and 34 + 6.8 into 40 800 000)
    assert got[(A_AREA, "for 2025")] == (4_000_000,
                                         {"A3"})                   # "Bevilgning for 2025: 4 mill. kr." 001:442
    assert got[(A_AREA, "total up to 2026")] == (8_000_000, {"A6"})  # "for perioden ut 2026" 001:490
    assert got[(A_AREA, "total 2022-2023")] == (1_780_000, {"A13"})           # "for årene 2022 og 2023" 001:611
    assert got[(L_AREA, "total 2024-2026")] == (34_000_000, {"L8"})           # "34 millioner … 2024 – 2026" 001:887-888
    assert got[(L_AREA, "total, no period given")] == (6_800_000, {"L8"})     # "fikk tildelt 6,8 millioner" 001:888
    assert len(got) == 8
    assert {r["period"] for r in rows} == {"2025", "2025-2028", "2025-2026", "up to 2026", "2022-2023", "2024-2026", ""}


# ---------------------------------------------------------------- allocation-status -------------------

def test_allocation_status_rows(store):
    rows = ask(store, "allocation-status")
    # Vedlegg 2 "Status over tildelte midler", 13 rows, 001:1238-1594, in document order
    assert [r["tableTitle"].split()[0] for r in rows] == [
        "Strategi", "Mangfold", "Inkludering", "Inkluderende", "Utviklingsprosjekt", "Campus-",
        "Frivillighetsstrategi", "Attraktive", "Boligutvikling", "Nærbutikken", "Beitostølen",
        "Frivillighets-satsing", "Folkeverksted"]
    num = lambda r: tuple(int(Decimal(r[k])) for k in ("allocated", "used", "carriedOver"))  # noqa: E731
    first = {r["tableTitle"].split()[0]: r for r in rows}
    assert num(first["Strategi"]) == (900_000, 290_500, 609_500)         # 001:1254
    assert first["Strategi"]["tableId"] == "K5"
    assert num(first["Inkluderende"]) == (1_500_000, 1_192_000, 308_000)  # 001:1325 "1,5 mill. 1.192 000 308 000"
    assert first["Inkluderende"]["tableId"] == "A1" and first["Inkluderende"]["titleMatches"] == "yes"
    assert num(first["Attraktive"]) == (2_000_000, 125_000,
                                        1_875_000)    # 001:1414-1415 "2,0 mill. 125 000 1 875 / 000"
    assert first["Attraktive"]["tableId"] == ""                         # no measure of that title in 2025
    assert num(first["Boligutvikling"]) == (1_000_000, 1_000_000, 0)     # 001:1439
    # 2025 L14 "Boligutvikling i distriktene" 001:1109
    assert first["Boligutvikling"]["tableId"] == "L14"
    assert first["Frivillighetsstrategi"]["titleMatches"] == "yes"     # "… for Innlandet." vs 001:848
    assert "1 780 000 kr for 2025" in first["Utviklingsprosjekt"]["status"]  # 001:1355-1356
    assert first["Folkeverksted"]["status"] == "Rapport er mottatt og arbeidet sluttført"  # 001:1580-1581


def test_allocation_status_totals(store):
    rows = ask(store, "allocation-status")
    total = lambda k: sum(int(Decimal(r[k])) for r in rows)  # noqa: E731
    # "Til sammen 7.3 mill. kr | 4.507 500 = 4.5 mill. kr | 2.792 500 = 2.8 mill. kr" 001:1583-1594
    assert (total("allocated"), total("used"), total("carriedOver")) == (7_300_000, 4_507_500, 2_792_500)


# ---------------------------------------------------------------- centrality --------------------------

def test_centrality_2025(store):
    rows = ask(store, "centrality", year=2025)
    cls = {r["municipality"]: r["class"] for r in rows}
    assert len(rows) == len(cls) == 44   # 001:1665-1672: 1+9+9+17+9 names, "Søndre Land" twice in class 4
    assert cls["Hamar"] == "2"           # 001:1665
    assert {m for m, c in cls.items() if c == "3"} == {
        "Elverum", "Gjøvik", "Gran", "Kongsvinger", "Lillehammer", "Løten", "Ringsaker", "Stange",
        "Vestre Toten"}  # 001:1666-1667
    assert {m for m, c in cls.items() if c == "6"} == {
        "Dovre", "Engerdal", "Folldal", "Lesja", "Lom", "Rendalen", "Skjåk", "Stor-Elvdal", "Tolga"}  # 001:1672
    assert cls["Søndre Land"] == "4" and cls["Øystre Slidre"] == "5"  # 001:1668-1671
    assert "Vang" not in cls             # 2025 list omits Vang (001:1672)
    hamar = next(r for r in rows if r["municipality"] == "Hamar")
    assert hamar["number"] == "3403"     # SSB KLASS 131 (data/authority/municipalities.yaml)


def test_centrality_2024(store):
    cls = {r["municipality"]: r["class"] for r in ask(store, "centrality", year=2024)}
    assert len(cls) == 45                # 002:23-27, Vang added in class 6
    assert cls["Vang"] == "6"            # 002:27
    assert cls["Hamar"] == "2"           # 002:23


# ---------------------------------------------------------------- succession / new / withdrawn -------

SUCCESSION = {  # 2024 id → 2025 id, read from the descriptions (002 vs 001)
    "K1": "K1",    # 002:56 = 001:99 oppvekstmiljø
    "K2": "K2A",   # 002:64 = 001:116-121 fleksible opplæringsløp (ungdom)
    "K3": "K5",    # 002:69 = 001:168 strategi for desentralisert høyere utdanning
    "K4": "K6",    # 002:76 = 001:195 digitalt utenforskap
    "K5": "K8",    # 002:82 kompetanseprogram = 001:220
    "K6": "K10",   # 002:92 kvalifisering av innvandrere = 001:273
    "K7": "K12",   # 002:102 desentralisert kompetanseutvikling = 001:321
    "K8": "K13",   # 002:108 trainee = 001:346
    "K10": "K14",  # 002:123 = 001:365 utdanningsinstitusjonene
    "A1": "A1",    # 002:141 = 001:382 Agder-modellen
    "A2": "A7",    # 002:149 kompetansestrategi = 001:498
    "A3": "A8",    # 002:157 Bioøkonomistrategien … = 001:520
    "A4": "A9",    # 002:166 fjell-landbruket = 001:540
    "A5": "A10",   # 002:173 = 001:560 distriktskommuner
    "A6": "A12",   # 002:180 = 001:588 næringsklynger
    "A8": "A13",   # 002:197 = 001:613 CNC / Læringsfabrikken
    "A11": "A14",  # 002:219 = 001:629 Oslo-regionen
    "A12": "A15",  # 002:227 = 001:648 Värmland og Dalarna
    "L1": "L2",    # 002:242 = 001:696 Bolig for velferd
    "L2": "L4",    # 002:250 = 001:790 medvirkning
    "L3": "L5",    # 002:256 = 001:804 ungdomssatsinger
    "L4": "L6",    # 002:262 = 001:828 Glomdalsmuseet
    "L5": "L7",    # 002:270 frivillig sektor = 001:849 frivillighetsstrategi
    "L6": "L8",    # 002:278 folkehelse = 001:870
    "L7": "L9",    # 002:288 = 001:902 universell utforming
    "L9": "L12",   # 002:305 = 001:1019 ESIRA
    "L10": "L13",  # 002:316 = 001:1093 attraktivitet for distriktskommuner
    "L11": "L14",  # 002:322 = 001:1110 boligutvikling
    "L12": "L15",  # 002:329 = 001:1126 nærbutikken
    "L14": "L16",  # 002:345 = 001:1145 Mjøsbyen
    "L15": "L17",  # 002:351 = 001:1174 by- og regionsentrene
}
NOT_CONTINUED_2024 = {
    "K9",   # IDSA 002:115-117; Vedlegg 2 001:1290-1299 "forprosjektet er sluttført"
    "K11",  # PARK 002:130
    "A7",   # NAV, Ung inkludering 002:188-191 "ble avsluttet som prosjektet i 2023"
    "A9",   # Arena Innlandet 002:204
    "A10",  # campus Gjøvik 002:212; 001:1358-1367 "arbeidet sluttført"
    "L8",   # Tett på 2030 002:299-304 "tas ut av handlingsprogrammet for 2024"
    "L13",  # Beitostølen utvikling 002:337; 001:1502-1515 "arbeidet sluttført"
    "L16",  # Studentsamskipnaden 002:358; 001:1517-1538 "arbeidet sluttført"
    "L17",  # Fremtiden i våre hender 002:364-367; 001:1555-1581 "arbeidet sluttført"
}
MARKED_NEW_2025 = {"K3", "K4", "K7", "K9", "K11", "A2", "A3", "A5", "A6", "A11", "L1",
                   "L3"}  # 001:133,156,207,246,298,401,422,465,478,573,685,710


def test_succession(store):
    rows = ask(store, "succession")
    got = {(r["from"], r["to"]) for r in rows}
    expected = {(f"2024 {a}", f"2025 {b}") for a, b in SUCCESSION.items()}
    assert expected <= got
    assert not {f for f, _ in got} & {f"2024 {x}" for x in NOT_CONTINUED_2024}
    for r in rows:
        assert 0 < float(r["similarity"]) <= 1 and r["reason"]


# 2025 K2B (001:122-126) repeats 2024 K2 (002:62-63): 2024 K2 (voksne og ungdom) is split into K2A and K2B
def test_succession_k2_split_into_k2a_and_k2b(store):
    got = {(r["from"], r["to"]) for r in ask(store, "succession")}
    assert {("2024 K2", "2025 K2A"), ("2024 K2", "2025 K2B")} <= got


def test_new_measures_2025(store):
    rows = by_key(ask(store, "new-measures", year=2025), "id")
    assert MARKED_NEW_2025 <= set(rows)
    assert {i for i, r in rows.items() if r["markedNew"] == "true"} == MARKED_NEW_2025
    # unmarked and without a 2024 predecessor: Bondens nettverk (001:450), Mulighetenes arena (001:934),
    # "Andre strategier og handlingsplaner" (001:995) — none of them is described in 002
    assert {"A4", "L10", "L11"} <= set(rows)
    assert not set(rows) & set(SUCCESSION.values())


def test_new_measures_2025_k2b_is_not_new(store):
    rows = by_key(ask(store, "new-measures", year=2025), "id")
    assert set(rows) == MARKED_NEW_2025 | {"A4", "L10", "L11"}


def test_new_measures_needs_the_previous_programme(store):
    # there is no 2023 programme in the sources, so "no predecessor" says nothing about 2024
    assert ask(store, "new-measures", year=2024) == []


def test_withdrawn_measures_2024(store):
    rows = by_key(ask(store, "withdrawn-measures", year=2024), "id")
    assert set(rows) == NOT_CONTINUED_2024
    assert {i for i, r in rows.items() if r["status"] != "active"} == {"L8"}   # 000:237 / 002:304
    assert rows["L8"]["description"].startswith("Prosjektet Tett på 2030")      # 002:299


def test_withdrawn_measures_2025(store):
    # no 2025 measure says "tas ut" and there is no 2026 programme to continue in
    assert ask(store, "withdrawn-measures", year=2025) == []


def test_changed_responsible(store):
    rows = by_key(ask(store, "changed-responsible"), "to")
    assert set(rows) == {"2025 A14", "2025 K12", "2025 L15"}
    a14 = rows["2025 A14"]   # 000:177 "… Gjøvik-, Hamar- og Kongsvinger-regionene" → 001:641-642 adds Hadeland
    assert a14["from"] == "2024 A11"
    assert "Interkommunalt politisk råd på Hadeland" in a14["after"].split(" | ")
    assert "Interkommunalt politisk råd på Hadeland" not in a14["before"].split(" | ")
    # 000:84 "… kommunene og voksenopplæringssentrene" → 001:340 "… kommunene og Karriere Innlandet"
    k12 = rows["2025 K12"]
    assert "voksenopplæringssentrene" in k12["before"].split(" | ")
    assert "Karriere Innlandet" in k12["after"].split(" | ")
    # 000:254 "Innlandet fylkeskommune" → 001:1138 "Innlandet fylkeskommune og Distriktssenteret"
    l15 = rows["2025 L15"]
    assert set(l15["before"].split(" | ")) == {IFK}
    assert set(l15["after"].split(" | ")) == {IFK, "Distriktssenteret"}
    # not a change: "Høgskolen i Innlandet og NTNU i Innlandet" (000:101) → "Universitetet i Innlandet og
    # NTNU i Innlandet" (001:371) is the same university under its new name
    assert "2025 K14" not in rows


# ---------------------------------------------------------------- partner-pairs ----------------------

def test_partner_pairs_2025(store):
    rows = ask(store, "partner-pairs", year=2025)
    pairs = {frozenset((r["a"], r["b"])): int(r["shared"]) for r in rows}
    # both named in Ansvarlig/Samarbeidspartnere of K1, K5, K8, K12, A1, A4, A8, A10, A12, L1, L2, L3,
    # L4, L8, L9, L14, L16, L17 (001:109 … 001:1185; "Statsforvalteren i Innladet" 001:533,
    # "Statsforvalteren IMDi" 001:785)
    assert pairs[frozenset((IFK, "Statsforvalteren i Innlandet"))] == 18
    # NAV (not NAV Innlandet) with Innlandet fylkeskommune: K1, K2A, K2B, K5, K8, K13, A1, A3, A5, A11, L8
    assert pairs[frozenset((IFK, "NAV"))] == 11
    assert (rows[0]["a"], rows[0]["b"], rows[0]["shared"]) == (IFK, "Statsforvalteren i Innlandet", "18")
    assert [int(r["shared"]) for r in rows] == sorted((int(r["shared"]) for r in rows), reverse=True)
    assert not any("kommunene" in (r["a"], r["b"]) for r in rows)   # groups are left out
    assert len(ask(store, "partner-pairs", year=2025, limit=3)) == 3


# ---------------------------------------------------------------- grant-projects ---------------------

def test_grant_projects(store):
    rows = ask(store, "grant-projects")
    places = {}
    for r in rows:
        places.setdefault(r["project"], set()).add(r["place"])
    named = {"Digi Innlandet", "Oppvekstløftet for unga i Valdres", "Inn i jobb", "Smart City Gjøvik",
             "Urbant landbruk i Hamar"}
    assert named <= set(places)                                     # 003:15, 19, 21, 25, 25
    assert places["Inn i jobb"] == {"Tolga", "Kongsvinger", "Sel", "Sør-Fron", "Åsnes", "Gran"}  # 003:21
    assert places["Oppvekstløftet for unga i Valdres"] == {"Valdres"}   # 003:19
    assert places["Smart City Gjøvik"] == {"Gjøvik"}                    # 003:25
    # the unnamed Os–Røros–Holtålen project (003:13); Røros and Holtålen are outside Innlandet's register
    assert {"Os", "Røros", "Holtålen"} in places.values()
    # the six municipalities of 003:21 working on services for young people with disabilities
    assert {"Lillehammer", "Ringsaker", "Hamar", "Stange", "Løten", "Gjøvik"} in places.values()
    assert {r["theme"] for r in rows} == {"Effektiv kommunesektor", "Velferd", "Klima og miljø"}  # 003:11, 17, 23
    # the text describes some of the 24 funded projects (003:3), never more
    assert len({r["n"] for r in rows}) <= 24
    assert [int(r["n"]) for r in rows] == sorted(int(r["n"]) for r in rows)


# ---------------------------------------------------------------- parameters ------------------------

def test_render_fills_typed_parameters():
    q = queries.get("partner-pairs")
    text = q.render({"year": "2024", "limit": "7"})
    assert '"2024"^^<http://www.w3.org/2001/XMLSchema#gYear>' in text and "LIMIT 7" in text
    assert "$year" not in text and "$limit" not in text
    s = queries.get("actor-involvement").render({"actor": 'x" } UNION { ?s ?p ?o'})
    assert '"x\\" } union { ?s ?p ?o"' in s   # a name parameter (folded to lower case) stays one literal


@pytest.mark.parametrize("name, values, message", [
    ("centrality", {"year": "abc"}, "four-digit year"),
    ("partner-pairs", {"limit": "many"}, "must be an integer"),
    ("centrality", {"colour": "red"}, "unknown parameter"),
])
def test_render_rejects_bad_parameters(name, values, message):
    with pytest.raises(queries.QueryError, match=message):
        queries.get(name).render(values)


# ---------------------------------------------------------------- CLI --------------------------------

@pytest.fixture
def cli(built_dataset, monkeypatch):
    monkeypatch.setattr(config, "BUILD", built_dataset.parent)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["query", *args])


def test_cli_lists_questions(cli):
    res = cli()
    assert res.exit_code == 0
    for name in QUESTIONS:
        assert name in res.output
    assert "[year=2025 limit=25]" in res.output


def test_cli_csv(cli):
    res = cli("odd-links", "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert ("2025", "A7", "self-link") in {(r["year"], r["id"], r["problem"]) for r in rows}
    assert len(rows) == 6


def test_cli_json_with_param(cli):
    res = cli("measures-per-responsible", "--param", "year=2024", "--format", "json")
    assert res.exit_code == 0, res.output
    data = {r["actor"]: r for r in json.loads(res.stdout)}
    assert data[IFK]["measures"] == "25"


def test_cli_table(cli):
    res = cli("centrality", "-p", "year=2024")
    assert res.exit_code == 0, res.output
    assert "45 row(s)" in res.output and "Vang" in res.output


def test_cli_show(cli):
    res = cli("money-by-measure", "-p", "year=2024", "--show")
    assert res.exit_code == 0
    assert '"2024"^^<http://www.w3.org/2001/XMLSchema#gYear>' in res.output


@pytest.mark.parametrize("args, message", [
    (["centrality", "-p", "year=twenty"], "four-digit year"),
    (["partner-pairs", "-p", "limit=x"], "must be an integer"),
    (["centrality", "-p", "region=Valdres"], "unknown parameter"),
    (["centrality", "-p", "year"], "expected key=value"),
    (["no-such-question"], "no ready-made question"),
    (["centrality", "--format", "xml"], "--format"),
])
def test_cli_bad_input_exits_2(cli, args, message):
    res = cli(*args)
    assert res.exit_code == 2
    assert message in res.output


def test_cli_without_build_exits_2(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "BUILD", tmp_path)
    res = CliRunner().invoke(app, ["query", "centrality"])
    assert res.exit_code == 2
    assert "kg build" in res.output
