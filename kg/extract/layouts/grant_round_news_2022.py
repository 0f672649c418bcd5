"""Extractor for the 2022 grant round news item (source id ``grants2022``).

The item is short prose: headline figures in the lead, then one paragraph per theme naming some of
the funded projects. Figures are parsed from the lead; projects are located by anchor phrases (each
must be found, or the extraction fails naming the file) and their municipalities and regions are
read from the matched text and resolved against data/authority/municipalities.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ... import authority
from ...errors import ExtractError
from ...records.anomalies import anomaly
from ...sources import Source
from .. import actors

VERSION = 1
ROUND_ID = "statsforvalteren-innlandet-2022"
THEMES = ("Samarbeid og erfaringsdeling", "Effektiv kommunesektor", "Velferd", "Klima og miljø")
#: Where the page's own footer (a feedback prompt, not content) begins.
FOOTER = "Fann du det du leitte etter?"




@dataclass(frozen=True)
class Spec:
    """How to find one project in the text: ``anchor`` is a regex whose named groups give
    ``title`` (a name the text gives), ``places`` (a list of municipality names) and
    ``regions`` (a region phrase, possibly elliptic: "Kongsvinger-, Hamar- og Gjøvikregionen")."""

    anchor: str
    kind: str  # "project" (one) | "projects" (the text speaks of several, unnamed)
    status: str | None = None  # "new" | "continued" when the text says so
    scope: str | None = None
    stated_count: int | None = None
    partners: str | None = None  # regex group name holding partner organisations


SPECS: tuple[Spec, ...] = (
    Spec(r"støtte sammen med (?P<cofunder>Statsforvalteren i Trøndelag) til et samarbeidsprosjekt mellom "
         r"(?P<places>[^.]+)\.",
         "project"),
    Spec(r"midler til kommunene i (?P<regions>Kongsvingerregionen) for å gjøre en helhetlig vurdering", "project"),
    Spec(r"støtter videre fellesprosjektet (?P<title>Digi Innlandet)\.", "project", status="continued",
         scope="alle kommuner i fylket"),
    Spec(r"prosjekter med tiltak for utsatte barn og unge både i (?P<regions>[^.]+?regionen)\.", "projects",
         status="continued"),
    Spec(r"prosjekter innenfor satsingen (?P<programme>Bolig for velferd)\.", "projects", status="continued"),
    Spec(r"Av nye prosjekter tildeler vi midler bl\.a\. til prosjekter som knyttes til (?P<topic>oppvekstreformen)\.",
         "projects", status="new"),
    Spec(r"I prosjektet (?P<title>Oppvekstløftet for unga i (?P<regions>Valdres))", "project"),
    Spec(r"Kommunene (?P<places>[^.]+?) ønsker i samarbeid å se nærmere på", "project"),
    Spec(r"prosjektet (?P<title>Inn i jobb) som er et treårig samarbeid mellom (?P<partners>[^.]+?) for å få"
         r"[^.]*\.\s*(?P<places>[^.]+?) er deltakerkommuner", "project", partners="partners"),
    Spec(r"et (?P<new>nytt) prosjekt der de (?P<count>12) kommunene i (?P<regions>Gudbrandsdalen) går sammen",
         "project",
         status="new"),
    Spec(r"videreføres støtten bl\.a\. til prosjektene (?P<title>Smart City (?P<places>Gjøvik)) og", "project",
         status="continued"),
    Spec(r"og (?P<title>Urbant landbruk i (?P<places>Hamar))\.", "project", status="continued"),
)

_NUMBER_WORDS = {"mill.": 1_000_000, "millioner": 1_000_000, "milliarder": 1_000_000_000}


def load_municipalities(path: Path | None = None) -> dict:
    """``{"by_name": {name: entry}, "regions": {region: [entry, …]}, "register": …}``."""
    munis = authority.municipalities(path)
    return {"by_name": munis.by_name, "regions": munis.regions, "register": munis.register}


def _amount(num: str, unit: str) -> int:
    value = Decimal(num.replace(" ", "").replace(",", "."))  # Decimal, as in money.py: 1,78 mill. is exact
    return int((value * _NUMBER_WORDS[unit]).to_integral_value())


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def expand_regions(phrase: str) -> list[str]:
    """'Kongsvinger-, Hamar- og Gjøvikregionen' -> ['Kongsvingerregionen', 'Hamarregionen', 'Gjøvikregionen']."""
    m = re.fullmatch(r"(?P<heads>(?:[\wÆØÅæøå-]+?-,?\s+)+)og\s+(?P<last>[\wÆØÅæøå-]+?)(?P<suffix>regionen)",
                     phrase.strip())
    if not m:
        return [phrase.strip()]
    heads = [h.rstrip(",").rstrip("-").strip() for h in re.findall(r"[\wÆØÅæøå-]+?-,?(?=\s)", m.group("heads"))]
    return [h + m.group("suffix") for h in heads] + [m.group("last") + m.group("suffix")]


def _split_names(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\s*,\s*|\s+og\s+", text) if p.strip()]


def extract(src: Source) -> dict:
    text = src.text()
    lines = text.splitlines()
    body_end = text.find(FOOTER)
    body = text if body_end < 0 else text[:body_end]
    munis = load_municipalities()
    anomalies: list[dict] = []

    # --- headline figures (lead paragraph) ---
    m = re.search(r"fikk inn totalt (?P<apps>\d+) søknader med et samlet søknadsbeløp på (?P<applied>[\d,]+) "
                  r"(?P<u1>mill\.) kroner\. Vi tildeler nå (?P<granted>[\d,]+) (?P<u2>mill\.) kroner til "
                  r"(?P<projects>\d+) prosjekter i (?P<county>\w+)", body)
    if not m:
        raise ExtractError(src.path, 3,
                           "the lead with the grant figures (søknader, søknadsbeløp, tildeler) was not found")
    pub = re.search(r"Publisert (\d{2})\.(\d{2})\.(\d{4})", body)
    if not pub:
        raise ExtractError(src.path, 1, "no 'Publisert dd.mm.yyyy' line")
    lead = body[body.rfind("\n", 0, m.start()) + 1:m.start()]
    funder_text = re.match(r"\s*(Statsforvalteren)\b", lead)
    if not funder_text:
        raise ExtractError(src.path, _line_of(text, m.start()), "the lead does not name the funder (Statsforvalteren)")
    # the page is the county office's own ("Vi tildeler ... i Innlandet"): Statsforvalteren i <county>
    funder = actors.resolve(f"{funder_text.group(1)} i {m.group('county')}")
    rnd = {
        "id": ROUND_ID,
        "title": lines[0].strip(),
        "funder": funder["id"] if funder else None,
        "funder_text": funder_text.group(1),
        "county": m.group("county"),
        "published": f"{pub.group(3)}-{pub.group(2)}-{pub.group(1)}",
        "published_line": _line_of(text, pub.start()),
        "applications": int(m.group("apps")),
        "amount_applied": _amount(m.group("applied"), m.group("u1")),
        "amount_granted": _amount(m.group("granted"), m.group("u2")),
        "currency": "NOK",
        "projects_stated": int(m.group("projects")),
        "text": m.group(0),
        "lines": [_line_of(text, m.start()), _line_of(text, m.end())],
    }
    title_m = re.match(r"(?P<granted>[\d,]+) (?P<u>mill\.) kroner til", lines[0])
    if title_m and _amount(title_m.group("granted"), title_m.group("u")) != rnd["amount_granted"]:
        anomalies.append(_anomaly("amount-mismatch", "grant round", f"headline {lines[0]!r} differs from the lead",
                                  [1, 3]))

    # --- theme headings ---
    theme_at = sorted((body.find("\n" + t + "\n") + 1, t) for t in THEMES if ("\n" + t + "\n") in body)

    def theme_of(offset: int) -> str | None:
        found = [t for pos, t in theme_at if pos <= offset]
        return found[-1] if found else None

    # --- projects ---
    projects = []
    for n, spec in enumerate(SPECS, 1):
        pm = re.search(spec.anchor, body)
        if not pm:
            raise ExtractError(src.path, 1, f"project anchor #{n} not found: /{spec.anchor}/")
        groups = pm.groupdict()
        line = _line_of(text, pm.start())
        sentence = _sentence(body, pm.start(), pm.end())
        places = _split_names(groups["places"]) if groups.get("places") else []
        municipalities = []
        for name in places:
            e = munis["by_name"].get(name)
            municipalities.append({"name": name, "number": e["number"] if e else None, "in_register": bool(e)})
        regions = []
        for name in expand_regions(groups["regions"]) if groups.get("regions") else []:
            members = munis["regions"].get(name)
            regions.append({"name": name, "region": name if members else None,
                            "municipalities": [e["number"] for e in members] if members else None})
        proj = {
            "n": n,
            "title": groups.get("title"),
            "programme": groups.get("programme"),
            "topic": groups.get("topic"),
            "named": bool(groups.get("title")),
            "kind": spec.kind,
            "status": spec.status,
            "theme": theme_of(pm.start()),
            "municipalities": municipalities,
            "regions": regions,
            "scope": spec.scope,
            "stated_municipality_count": int(groups["count"]) if groups.get("count") else None,
            "amount": None,
            "text": sentence,
            "line": line,
        }
        if groups.get("cofunder"):
            cof = actors.resolve(groups["cofunder"])
            proj["cofunders"] = [{"text": groups["cofunder"], "actor": cof["id"] if cof else None}]
        if spec.partners:
            proj["partners"] = {"text": groups[spec.partners], "mentions": actors.mentions(groups[spec.partners])}
        for mun in municipalities:
            if not mun["in_register"]:
                anomalies.append(_anomaly("outside-register", f"project {n}",
                                          f"{mun['name']!r} is not an Innlandet municipality (municipalities.yaml); "
                                          "kept by name only",
                                          [line, line], severity="info"))
        for reg in regions:
            if reg["region"] is None:
                anomalies.append(_anomaly("unknown-region", f"project {n}",
                                          f"{reg['name']!r} is not one of the ten regions of the 2024 programme; "
                                          "municipalities not resolved", [line, line], severity="info"))
        projects.append(proj)

    # --- consistency ---
    if len(projects) != rnd["projects_stated"]:
        named = sum(p["named"] for p in projects)
        link = re.search(r"Oversikt over tildelte prosjekter finner du i egen lenke", body)
        anomalies.append(_anomaly(
            "count-mismatch", "grant round",
            f"the lead states {rnd['projects_stated']} projects; "
            f"the text identifies {len(projects)} projects or groups of "
            f"projects ({named} by name) and refers to a separate list"
            + (f" (line {_line_of(text, link.start())})" if link else "") + " that is not part of the capture",
            rnd["lines"]))
    for tm in re.finditer(r"\bstøte\b", body):
        ln = _line_of(text, tm.start())
        anomalies.append(anomaly("typo", "text", "'støte' should read 'støtte' (support)", [ln, ln], "info"))

    return {
        "source": src.meta(),
        "extractor": {"module": __name__, "version": VERSION},
        "anomalies": anomalies,
        "round": rnd,
        "projects": projects,
        "municipality_register": munis["register"],
    }


def _sentence(body: str, start: int, end: int) -> str:
    """The sentence(s) around a match, whitespace-normalised."""
    starts = [m.end() for m in re.finditer(r"[.!?]\s+(?=[A-ZÆØÅ])|\n", body[:start + 1])]
    s = starts[-1] if starts else 0
    e = body.find(". ", end - 1)
    nl = body.find("\n", end - 1)
    e = min(x for x in (e + 1 if e >= 0 else len(body), nl if nl >= 0 else len(body), len(body)))
    return re.sub(r"\s+", " ", body[s:max(e, end)]).strip()


def _anomaly(kind: str, subject: str, message: str, lines, severity: str = "warning") -> dict:
    return anomaly(kind, subject, message, lines, severity)
