"""Actor authority file, splitting and resolution — against the real field lines of the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kg import config
from kg.extract import actors

SOURCES = config.SOURCES
FILES = {"001_af88ce2a34d40677.txt": 1560,  # 2025: from ~1560 a garbled duplicate of the first part
         "002_5313b943f715c6e2.txt": None, "000_3e1cedd58ca17050.txt": None}
LABEL = re.compile(r"(Ansvarlig|Samarbeidspartnere|Koblinger til andre satsinger|Prioritering|Prioritet)\s*:\s*(.*)$")


def raw_fields() -> list[tuple[str, int, str, str]]:
    """(file, line, label, text) of every Ansvarlig/Samarbeidspartnere field with continuation lines."""
    out = []
    for name, stop in FILES.items():
        cur = None
        for n, line in enumerate((SOURCES / name).read_text(encoding="utf-8").splitlines(), 1):
            if stop and n >= stop:
                break
            s = line.strip()
            m = LABEL.match(s)
            if m:
                if cur:
                    out.append(cur)
                cur = [name, n, m.group(1), m.group(2)] if m.group(1) in ("Ansvarlig", "Samarbeidspartnere") else None
            elif cur is not None:
                if not s:
                    out.append(cur)
                    cur = None
                else:
                    cur[3] += " " + s
        if cur:
            out.append(cur)
    # 002/000 have "Ansvarlig: NAV Samarbeidspartere: ..." (label typo on one line): two fields
    fields = []
    for name, n, label, text in out:
        for i, part in enumerate(re.split(r"\s*Samarbeidspar\w*:\s*", text)):
            fields.append((name, n, label if i == 0 else "Samarbeidspartnere", part))
    return [tuple(f) for f in fields]


def test_raw_fields_found():
    fields = raw_fields()
    # 48 at line start + 3 indented
    assert sum(1 for f in fields if f[0].startswith("001") and f[2] == "Ansvarlig") == 51
    assert sum(1 for f in fields if f[0].startswith("002") and f[2] == "Ansvarlig") == 40
    assert sum(1 for f in fields if f[0].startswith("000") and f[2] == "Ansvarlig") == 40


def test_every_mention_in_the_real_fields_resolves():
    unresolved = []
    n = 0
    for name, line, label, text in raw_fields():
        for m in actors.mentions(text):
            n += 1
            if not (m.get("actor") or m.get("group")):
                unresolved.append((name, line, m["text"]))
    assert n > 700
    assert unresolved == []


@pytest.mark.parametrize("name,expected", [
    ("NAV", "nav"), ("Nav", "nav"), ("nav", "nav"),
    ("Statsforvalteren", "statsforvalteren-innlandet"),
    ("Statsforvalteren i Innlandet", "statsforvalteren-innlandet"),
    ("STATSFORVALTEREN I INNLANDET", "statsforvalteren-innlandet"),
    ("Statsforvalteren i Innladet", "statsforvalteren-innlandet"),
    ("Høgskolen i Innlandet", "universitetet-i-innlandet"),
    ("HINN", "universitetet-i-innlandet"),
    ("Universitetet i Innlandet", "universitetet-i-innlandet"),
    ("Østlandskforskning", "ostlandsforskning"),
    ("Østlandsforskning", "ostlandsforskning"),
    ("Nav Innlandet", "nav-innlandet"),
    ("Innlandet fylkeskommune ved Samferdsel", "innlandet-fylkeskommune-samferdsel"),
    ("Glomdalsmusèet", "glomdalsmuseet"),
    ("  Fagskolen  Innlandet ", "fagskolen-i-innlandet"),
])
def test_alias_resolution(name, expected):
    got = actors.resolve(name)
    assert got is not None and got["id"] == expected and got["kind"] == "actor"


def test_rename_is_one_organisation_with_name_history():
    uni = actors.resolve("Høgskolen i Innlandet")
    assert uni["label"] == "Universitetet i Innlandet"
    assert "Høgskolen i Innlandet" in uni["former_names"]
    assert uni.get("source")
    auth = actors.load_authority()
    assert not any(a["label"] == "Høgskolen i Innlandet" for a in auth.actors.values())


def test_typo_alias_has_note():
    assert "typo" in actors.resolve("Østlandskforskning")["note"]


def test_parents():
    assert actors.resolve("NAV Innlandet")["parent"] == "nav"
    assert actors.resolve("Innlandet fylkeskommune ved Samferdsel")["parent"] == "innlandet-fylkeskommune"
    assert actors.resolve("Høgskolen i Innlandet ved Spillskolen")["parent"] == "universitetet-i-innlandet"


def test_unknown_name():
    assert actors.resolve("Ukjent organisasjon AS") is None
    assert actors.mentions("NAV og Ukjent organisasjon AS") == [
        {"text": "NAV", "actor": "nav"}, {"text": "Ukjent organisasjon AS", "actor": None, "group": None}]


@pytest.mark.parametrize("text,parts", [
    ("Valdres næringshage og Rørosregionen næringshage i samarbeid med interkommunale politiske råd i de to regionene",
     ["Valdres næringshage", "Rørosregionen næringshage", "interkommunale politiske råd i de to regionene"]),
    ("NTNU/Universitetet i Innlandet", ["NTNU", "Universitetet i Innlandet"]),
    ("Innlandet fylkeskommune ved Samferdsel", ["Innlandet fylkeskommune ved Samferdsel"]),
    ("Innlandet fylkeskommune ved Næring og internasjonalt samarbeid",
     ["Innlandet fylkeskommune ved Næring og internasjonalt samarbeid"]),
    ("kommuner og regioner, skoler og lokalsamfunn, Innlandet fylkeskommune, KS og NAV",
     ["kommuner og regioner", "skoler", "lokalsamfunn", "Innlandet fylkeskommune", "KS", "NAV"]),
    ("videregående skoler, Karriere Innlandet, NAV, og partene i arbeidslivet.",
     ["videregående skoler", "Karriere Innlandet", "NAV", "partene i arbeidslivet"]),
    ("Studentsamskipnaden i Gjøvik, Ålesund og Trondheim (Sit)",
     ["Studentsamskipnaden i Gjøvik, Ålesund og Trondheim (Sit)"]),
    ("universitets- og høgskolesektoren", ["universitets- og høgskolesektoren"]),
    ("Fagskolen i Innlandet. Innovasjon Norge Innlandet", ["Fagskolen i Innlandet", "Innovasjon Norge Innlandet"]),
    ("Statens vegvesen, Jernbanedirek- toratet", ["Statens vegvesen", "Jernbanedirektoratet"]),
])
def test_split(text, parts):
    assert actors.split(text) == parts


def test_remarks_are_not_actors():
    text = ("Innlandet fylkeskommune, NAV, Elverum-, Gjøvik- og Lillehammer-regionene. "
            "Det kan også være relevant for andre kommuner og regioner.")
    ms = actors.mentions(text)
    assert [m.get("actor") or m.get("group") for m in ms] == [
        "innlandet-fylkeskommune", "nav", "region-elverum", "region-gjovikregionen", "region-lillehammerregionen"]
    assert actors.strip_remarks(text)[1] == ["Det kan også være relevant for andre kommuner og regioner."]
    assert actors.split("Statens vegvesen, Bane NOR (varierer mellom samarbeidene)") == ["Statens vegvesen", "Bane NOR"]


def test_composite_missing_comma():
    ms = actors.mentions("kommunene, Flerkulturelt råd, Statsforvalteren IMDi og KS")
    ids = [m.get("actor") or m.get("group") for m in ms]
    assert ids == ["kommunene", "innlandet-fylkes-flerkulturelle-rad", "statsforvalteren-innlandet", "imdi", "ks"]


def test_groups_are_not_organisations():
    for text in ("kommunene", "kommuner og regioner", "frivillige organisasjoner", "arbeidslivet",
                 "De fire pilotkommunene"):
        got = actors.resolve(text)
        assert got and got["kind"] == "group", text


def test_four_pilot_municipalities_a11_2025():
    g = actors.resolve("De fire pilotkommunene")
    assert g["members"] == ["Engerdal", "Trysil", "Våler", "Åmot"]
    line = (SOURCES / "001_af88ce2a34d40677.txt").read_text(encoding="utf-8").splitlines()[573]
    assert "Kommunene Engerdal, Trysil, Våler og Åmot" in line


def test_group_members_are_innlandet_municipalities():
    names = {m["name"]
             for m in yaml.safe_load((config.AUTHORITY / "municipalities.yaml").read_text())["municipalities"]}
    for g in actors.load_authority().groups.values():
        for member in g.get("members") or []:
            assert member in names, (g["id"], member)


def test_every_actor_type_is_in_the_readme():
    readme = (config.AUTHORITY / "README.md").read_text(encoding="utf-8")
    for t in actors.ACTOR_TYPES:
        assert f"`{t}`" in readme


def _annotated(resp: str, partners: str) -> dict:
    rec = {"measures": [{"id": "X1", "responsible": {"text": resp, "lines": [10, 10]},
                         "partners": {"text": partners, "lines": [11, 12]}}], "anomalies": []}
    actors.annotate(rec)
    return rec


def test_annotate_mentions_and_anomalies():
    rec = _annotated("Innlandet fylkeskommune", "NAV, Nav, Innlandet fylkeskommune og Foo Bar")
    m = rec["measures"][0]
    assert m["responsible"]["mentions"] == [{"text": "Innlandet fylkeskommune", "actor": "innlandet-fylkeskommune"}]
    assert [x.get("actor") for x in m["partners"]["mentions"]] == ["nav", "nav", "innlandet-fylkeskommune", None]
    kinds = sorted(a["kind"] for a in rec["anomalies"])
    assert kinds == ["duplicate-actor", "responsible-also-partner", "unresolved-actor"]
    assert all(a["subject"] == "measure X1" for a in rec["anomalies"])
    actors.annotate(rec)  # idempotent
    assert len(rec["anomalies"]) == 3


def test_annotate_clean_record_has_no_anomalies():
    rec = _annotated("Statsforvalteren",
                     "kommuner og regioner, skoler og lokalsamfunn, Innlandet fylkeskommune, KS og NAV")
    assert rec["anomalies"] == []
    assert rec["measures"][0]["responsible"]["mentions"][0]["actor"] == "statsforvalteren-innlandet"


def test_annotate_skips_missing_fields():
    rec = {"measures": [{"id": "L11", "responsible": {"text": "Innlandet fylkeskommune ved Kultur", "lines": [1, 1]},
                         "partners": None}]}
    actors.annotate(rec)
    assert rec["measures"][0]["responsible"]["mentions"][0]["actor"] == "innlandet-fylkeskommune-kultur"
    assert rec["anomalies"] == []


# --- authority file errors ---------------------------------------------------------------------

def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "actors.yaml"
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("text,needle", [
    ("actors: [\n  - {id: a", "not valid YAML"),
    ("actors:\n  - {id: nav, label: NAV, type: state-agency}\n  - {id: nav, label: Nav2, type: state-agency}\n",
     "'nav': duplicate id"),
    ("actors:\n  - {id: nav-innlandet, label: NAV Innlandet, type: state-agency, parent: nav}\n",
     "unknown parent 'nav'"),
    ("actors:\n  - {id: a, label: A, type: state-agency, aliases: [X]}\n  - {id: b, label: B, type: company, aliases: "
     "[x]}\n",
     "alias 'x' is already claimed by actor 'a'"),
    ("actors:\n  - {id: a, label: A, type: spaceship}\n", "type 'spaceship'"),
    ("actors:\n  - {id: a, label: A, type: other}\ncomposites:\n  - {text: A og B, parts: [a, b]}\n",
     "unknown actor or group 'b'"),
])
def test_authority_errors_name_file_and_entry(tmp_path, text, needle):
    path = _write(tmp_path, text)
    with pytest.raises(actors.AuthorityError) as exc:
        actors.load_authority(path)
    assert str(path) in str(exc.value) and needle in str(exc.value)


def test_real_authority_file_loads_and_cites():
    auth = actors.load_authority()
    assert len(auth.actors) > 80 and len(auth.groups) > 40
    assert "org_number" not in {k for a in auth.actors.values() for k in a}


def test_authority_error_gives_entry_line(tmp_path):
    path = _write(tmp_path,
                  "actors:\n  - {id: a, label: A, type: other}\n  - {id: b, label: B, type: other, parent: zz}\n")
    with pytest.raises(actors.AuthorityError) as exc:
        actors.load_authority(path)
    assert str(exc.value).startswith(f"{path}:3: actor 'b': unknown parent 'zz'")
