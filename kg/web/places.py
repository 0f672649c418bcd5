"""The municipality/region view: for each region and municipality of the data, the measures and the granted
projects the sources connect to it, as a table (HTML or CSV).

What counts as "connected" is only what the sources say: a measure is listed for a municipality when an actor
group responsible for or partner in it names the municipality as a member (rp:groupMember); a granted project
when the grant list names the municipality as its place (dct:spatial). No map: the data carry no boundaries.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import DCT, RP
from .browse import Browser, Ref, natural

SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CSV_COLUMNS = ["region", "municipality_number", "municipality", "programme", "programme_year", "measures",
               "granted_projects", "iri"]


@dataclass
class Place:
    iri: str
    number: str
    label: str
    measures: dict[str, list[Ref]] = field(default_factory=dict)  # programme key → measures (id as label)
    grants: list[Ref] = field(default_factory=list)


@dataclass
class Region:
    iri: str | None
    label: str
    places: list[Place] = field(default_factory=list)

    @property
    def measure_count(self) -> dict[str, int]:
        """Distinct measures per programme (key) connected to some municipality of the region."""
        out: dict[str, set[str]] = {}
        for p in self.places:
            for y, ms in p.measures.items():
                out.setdefault(y, set()).update(m.iri for m in ms)
        return {y: len(s) for y, s in out.items()}

    @property
    def grant_count(self) -> int:
        return len({g.iri for p in self.places for g in p.grants})


def table(browser: Browser) -> tuple[list[Region], list[dict]]:
    """(regions with their municipalities in name order, the programmes [{key, year, label}] as columns)."""
    st, g, lab = browser.store, browser.graph, browser.lab

    def objs(s, p):
        return [q.object for q in st.quads_for_pattern(s, ox.NamedNode(p), None, g)]

    places: dict[str, Place] = {}
    for q in st.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(RP + "Municipality"), g):
        m = q.subject
        if isinstance(m, ox.NamedNode) and m.value not in places:
            num = next((o.value for o in objs(m, RP + "municipalityNumber")), m.value.rsplit("/", 1)[-1])
            places[m.value] = Place(m.value, num, lab.label(m))
    programmes = sorted(browser.programmes(), key=lambda p: p["year"])
    for prog in programmes:
        for row in browser.rows(prog["iri"]):
            for mun in row.municipalities:
                if mun.iri in places:
                    ms = places[mun.iri].measures.setdefault(prog["key"], [])
                    if all(x.iri != row.iri for x in ms):
                        ms.append(Ref(row.iri, row.id, row.id))
    for p in places.values():
        for ms in p.measures.values():
            ms.sort(key=lambda r: natural(r.label))
        for q in st.quads_for_pattern(None, ox.NamedNode(DCT + "spatial"), ox.NamedNode(p.iri), g):
            s = q.subject
            if isinstance(s, ox.NamedNode) and any(t.value == RP + "GrantedProject" for t in objs(s, RDF_TYPE)):
                if all(x.iri != s.value for x in p.grants):
                    p.grants.append(Ref(s.value, lab.label(s), s.value.rsplit("/", 1)[-1]))
        p.grants.sort(key=lambda r: r.label.casefold())
    regions: dict[str | None, Region] = {}
    for p in sorted(places.values(), key=lambda p: p.label.casefold()):
        r = next((o for o in objs(ox.NamedNode(p.iri), RP + "inRegion") if isinstance(o, ox.NamedNode)), None)
        key = r.value if r is not None else None
        if key not in regions:
            regions[key] = Region(key, lab.label(r) if r is not None else "Uten region i dataene")
        regions[key].places.append(p)
    ordered = sorted(regions.values(), key=lambda r: (r.iri is None, r.label.casefold()))
    return ordered, [{"key": p["key"], "year": p["year"], "label": p["label"]} for p in programmes]


def to_csv(regions: list[Region], programmes: list[dict]) -> str:
    """One row per municipality and programme year (measure ids and project names separated by '; ')."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in regions:
        for p in r.places:
            for prog in programmes:
                w.writerow([r.label, p.number, p.label, prog["label"], prog["year"],
                            "; ".join(m.label for m in p.measures.get(prog["key"], [])),
                            "; ".join(g.label for g in p.grants), p.iri])
    return buf.getvalue()
