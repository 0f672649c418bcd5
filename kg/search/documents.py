"""The searchable documents of a dataset, read from the store, with the facets they can be filtered by.

One document per measure, actor (or actor group), referenced document, grant project, plan
statement, focus area and goal. A measure's text includes the names *and aliases* of its actors and
the titles of the documents it refers to, so "HINN" finds the measures of the university it abbreviates.
Facets (measures only, except `kind`): year, focus area, level, actor (each responsible or partner,
and the organisations they are units of), change (new / withdrawn / not continued), status phrase.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import pyoxigraph as ox

from ..namespaces import DCT, ORG, RP, SKOS
from ..web.describe import RDF_TYPE, Labeler, default_graph_is_union

#: Facet names in display order, with their Norwegian headings.
FACETS = {"kind": "Type", "year": "År", "focus": "Satsingsområde", "level": "Nivå", "actor": "Aktør",
          "change": "Endring", "status": "Status"}
KIND_LABELS = {"measure": "Satsing", "actor": "Aktør", "document": "Referert dokument", "project": "Tilskuddsprosjekt",
               "statement": "Planutsagn", "focus-area": "Satsingsområde", "goal": "Mål"}
CHANGE_LABELS = {"new": "Ny i programmet", "withdrawn": "Tatt ut", "not-continued": "Ikke videreført"}
#: Text fields and their BM25 weights (a hit in the title counts most).
FIELDS = {"title": 8.0, "body": 1.0, "actors": 3.0, "refs": 2.0, "status": 2.0}


@dataclass
class Doc:
    iri: str
    kind: str
    label: str
    text: dict[str, str]  # field name (FIELDS) → original text
    facets: list[tuple[str, str, str]] = field(default_factory=list)  # (facet, value, label)
    year: str = ""
    sort: str = ""  # tie-breaker for equal scores: year and id


class _Reader:
    def __init__(self, store: ox.Store):
        self.store = store
        self.graph = ox.DefaultGraph() if default_graph_is_union(store) else None
        self.lab = Labeler(store)

    def objs(self, s, p: str) -> list:
        seen: dict = {}
        for q in self.store.quads_for_pattern(s, ox.NamedNode(p), None, self.graph):
            seen[q.object] = None
        return list(seen)

    def subs(self, p: str, o) -> list:
        seen: dict = {}
        for q in self.store.quads_for_pattern(None, ox.NamedNode(p), o, self.graph):
            seen[q.subject] = None
        return list(seen)

    def texts(self, s, *props: str) -> list[str]:
        out: dict[str, None] = {}
        for p in props:
            for o in self.objs(s, p):
                if isinstance(o, ox.Literal):
                    out[o.value] = None
        return list(out)

    def of_type(self, t: str) -> list:
        return [s for s in self.subs(RDF_TYPE.value, ox.NamedNode(RP + t)) if isinstance(s, ox.NamedNode)]

    def label(self, term) -> str:
        return self.lab.label(term)


def _names(r: _Reader, actor) -> list[str]:
    return r.texts(actor, SKOS + "prefLabel", SKOS + "altLabel", RP + "formerName")


def _year(r: _Reader, programme) -> str:
    for y in r.objs(programme, RP + "programmeYear"):
        return y.value[:4]
    if "/programme/" in programme.value:
        return programme.value.split("/programme/")[1].split("/")[0]
    return ""


def _measures(r: _Reader) -> Iterator[Doc]:
    years: dict = {}  # programme → year
    next_exists: dict = {}  # programme → does the plan have next year's programme?
    for m in r.of_type("Measure"):
        progs = r.objs(m, RP + "inProgramme")
        prog = progs[0] if progs else None
        if prog is not None and prog not in years:
            years[prog] = _year(r, prog)
            plans = r.objs(prog, RP + "programmeOf")
            ny = str(int(years[prog]) + 1) if years[prog].isdigit() else None
            next_exists[prog] = bool(ny) and any(_year(r, p) == ny for plan in plans
                                                 for p in r.subs(RP + "programmeOf", plan))
        year = years.get(prog, "") if prog is not None else ""
        mid = (r.texts(m, RP + "measureId") or [""])[0]
        title = " ".join(r.texts(m, DCT + "title"))
        actors, names = [], []
        for p in (RP + "responsible", RP + "partner"):
            for a in r.objs(m, p):
                if a not in actors:
                    actors.append(a)
                    names += _names(r, a)
        facets = [("kind", "measure", KIND_LABELS["measure"])]
        if year:
            facets.append(("year", year, year))
        for p, name in ((RP + "focusArea", "focus"), (RP + "level", "level")):
            for o in r.objs(m, p):
                facets.append((name, o.value, r.label(o)))
        seen_actor = set()
        for a in actors:
            for x in [a, *r.objs(a, ORG + "subOrganizationOf")]:
                if isinstance(x, ox.NamedNode) and x.value not in seen_actor:
                    seen_actor.add(x.value)
                    facets.append(("actor", x.value, r.label(x)))
        status_texts = r.texts(m, RP + "statusPhrase")
        statuses = r.objs(m, RP + "measureStatus")
        if any(o.value == "true" for o in r.objs(m, RP + "isNew")):
            facets.append(("change", "new", CHANGE_LABELS["new"]))
        if any(isinstance(s, ox.NamedNode) and s.value.endswith("/withdrawn") for s in statuses):
            facets.append(("change", "withdrawn", CHANGE_LABELS["withdrawn"]))
        if prog is not None and next_exists.get(prog) and not r.objs(m, RP + "continuedBy"):
            facets.append(("change", "not-continued", CHANGE_LABELS["not-continued"]))
        for s in status_texts:
            facets.append(("status", s.casefold(), s))
        refs = [r.label(d) for d in r.objs(m, RP + "relatedDocument")]
        yield Doc(
            m.value, "measure", r.label(m),
            {"title": f"{mid} {title}".strip(), "body": " ".join(r.texts(m, DCT + "description")),
             "actors": " · ".join(names), "refs": " · ".join(refs),
             "status": " · ".join(status_texts + [r.label(s) for s in statuses])},
            facets, year, f"{year} {mid}")


def _simple(r: _Reader, kind: str, type_: str, title_props: tuple[str, ...],
            body_props: tuple[str, ...]) -> Iterator[Doc]:
    for s in r.of_type(type_):
        titles = r.texts(s, *title_props)
        yield Doc(s.value, kind, r.label(s), {"title": " · ".join(titles), "body": " ".join(r.texts(s, *body_props))},
                  [("kind", kind, KIND_LABELS[kind])], sort=r.label(s))


def _actors(r: _Reader) -> Iterator[Doc]:
    agents = r.subs(RDF_TYPE.value, ox.NamedNode("http://www.w3.org/ns/prov#Agent")) + r.of_type("ActorGroup")
    for p in (RP + "responsible", RP + "partner"):  # also actors typed only by an rp: class
        agents += [q.object for q in r.store.quads_for_pattern(None, ox.NamedNode(p), None, r.graph)]
    done = set()
    for a in agents:
        if not isinstance(a, ox.NamedNode) or a in done:
            continue
        done.add(a)
        parents = [r.label(p) for p in r.objs(a, ORG + "subOrganizationOf")]
        yield Doc(a.value, "actor", r.label(a), {"title": " · ".join(_names(r, a)),
                                                   "body": " · ".join(parents)},
                  [("kind", "actor", KIND_LABELS["actor"])], sort=r.label(a))


def collect(store: ox.Store) -> list[Doc]:
    """Every searchable document of the store (deterministic order)."""
    r = _Reader(store)
    docs = list(_measures(r))
    docs += _actors(r)
    docs += _simple(r, "document", "ReferencedDocument", (DCT + "title", SKOS + "prefLabel"), (DCT + "identifier",))
    docs += _simple(r, "project", "GrantedProject", (DCT + "title", SKOS + "prefLabel"),
                    (DCT + "description", DCT + "subject"))
    docs += _simple(r, "statement", "PlanStatement", (SKOS + "prefLabel",), (RP + "sourceText",))
    docs += _simple(r, "focus-area", "FocusArea", (SKOS + "prefLabel", DCT + "title"), (DCT + "description",))
    docs += _simple(r, "goal", "Goal", (SKOS + "prefLabel",), (RP + "goalText", DCT + "description"))
    unique: dict[str, Doc] = {}
    for d in docs:
        unique.setdefault(d.iri, d)
    # Measures first, newest programme first, then by id: equal scores keep this order (index.py).
    kinds = list(KIND_LABELS)
    return sorted(unique.values(), key=lambda d: (kinds.index(d.kind), -int(d.year) if d.year.isdigit() else 0,
                                                  _natural(d.sort), d.iri))


def _natural(s: str) -> tuple:
    """'2025 K10' after '2025 K9'."""
    import re

    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in re.findall(r"\d+|\D+", s))
