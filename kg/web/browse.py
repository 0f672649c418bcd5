"""The measure browser: one programme's measures by focus area and level, filtered, sorted, as HTML or CSV.

All filters are in the URL (linkable): `programme` (path of the programme under the base IRI),
`actor` (an actor's path, e.g. `actor/nav`: the measures it *or one of its units* is responsible
for or partner in), `horizon`, `status`, `focus`, `level` (the concept's last path segment, e.g.
`short`, `withdrawn`, `K`, `county`), `new` (`yes`/`no`), `municipality` (municipality number: the
measures with an actor group the source names that municipality as a member of; the sources
name no other link between a measure and a municipality), `sort` (`doc`, `id`, `title`, `responsible`,
`horizon`, `status`) and `dir` (`asc`/`desc`). Groups follow the document's order (first source line).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import DCT, ORG, RP
from . import i18n
from .describe import Labeler, default_graph_is_union, local_name

SORTS = {"doc": "dokumentrekkefølge", "id": "id", "title": "tittel", "responsible": "ansvarlig",
         "horizon": "prioritering", "status": "status"}
FILTERS = ("actor", "horizon", "status", "focus", "level", "new", "municipality")
CSV_COLUMNS = ["year", "id", "title", "focus_area", "level", "responsible", "partners", "horizon", "is_new", "status",
               "status_text", "municipalities", "source", "line_start", "line_end", "iri"]


class BrowseError(ValueError):
    """A bad browser request (400), e.g. an unknown sort key."""


@dataclass
class Ref:
    iri: str
    label: str
    key: str  # the value used in the URL


@dataclass
class Row:
    iri: str
    id: str
    title: str
    focus: Ref | None
    level: Ref | None
    responsible: list[Ref]
    partners: list[Ref]
    horizon: Ref | None
    status: Ref | None
    status_text: str
    is_new: bool | None
    municipalities: list[Ref]
    actors_up: set[str] = field(default_factory=set)  # actors and the organisations they are units of
    line_start: int | None = None
    line_end: int | None = None
    source: str | None = None  # source id of the line span


def natural(s: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in re.findall(r"\d+|\D+", s or ""))


class Browser:
    """Reads measures out of one (immutable) store; results per programme are cached."""

    def __init__(self, store: ox.Store, base_iri: str, labeler: Labeler | None = None):
        self.store = store
        self.base = base_iri
        self.lab = labeler or Labeler(store)
        self.graph = ox.DefaultGraph() if default_graph_is_union(store) else None
        self._rows: dict[str, list[Row]] = {}

    def _objs(self, s, p: str) -> list:
        return list(dict.fromkeys(q.object for q in self.store.quads_for_pattern(s, ox.NamedNode(p), None, self.graph)))

    def _subs(self, p: str, o) -> list:
        quads = self.store.quads_for_pattern(None, ox.NamedNode(p), o, self.graph)
        return list(dict.fromkeys(q.subject for q in quads))

    def _ref(self, term, key: str | None = None) -> Ref:
        return Ref(term.value, self.lab.label(term), key if key is not None else local_name(term.value))

    def key_of_actor(self, iri: str) -> str:
        return iri[len(self.base):] if iri.startswith(self.base) else iri

    def programmes(self) -> list[dict]:
        out = []
        for p in self._subs("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode(RP + "ActionProgramme")):
            if not isinstance(p, ox.NamedNode):
                continue
            year = next((y.value[:4] for y in self._objs(p, RP + "programmeYear")), "")
            n = len(self._subs(RP + "inProgramme", p))
            out.append({"iri": p.value, "key": self.key_of_actor(p.value), "label": self.lab.label(p), "year": year,
                        "measures": n})
        return sorted(out, key=lambda d: (d["label"], d["year"]))

    def rows(self, programme_iri: str) -> list[Row]:
        if programme_iri in self._rows:
            return self._rows[programme_iri]
        prog = ox.NamedNode(programme_iri)
        rows = []
        for m in self._subs(RP + "inProgramme", prog):
            if not isinstance(m, ox.NamedNode) or not any(
                    t.value == RP + "Measure" for t in self._objs(m, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type")):
                continue

            def one(p, m=m):
                v = self._objs(m, p)
                return v[0] if v else None

            def actors(p, m=m):
                named = (a for a in self._objs(m, p) if isinstance(a, ox.NamedNode))
                refs = (self._ref(a, self.key_of_actor(a.value)) for a in named)
                return sorted(refs, key=lambda r: r.label.casefold())

            resp, partners = actors(RP + "responsible"), actors(RP + "partner")
            up: set[str] = set()
            munis: dict[str, Ref] = {}
            for a in resp + partners:
                todo, seen = [ox.NamedNode(a.iri)], set()
                while todo:  # the actor and every organisation above it (cycles are stopped)
                    x = todo.pop()
                    if x.value in seen:
                        continue
                    seen.add(x.value)
                    up.add(x.value)
                    todo += [o for o in self._objs(x, ORG + "subOrganizationOf") if isinstance(o, ox.NamedNode)]
                for mun in self._objs(ox.NamedNode(a.iri), RP + "groupMember"):
                    if isinstance(mun, ox.NamedNode) and "/place/municipality/" in mun.value:
                        munis[mun.value] = self._ref(mun, local_name(mun.value))
            start, end = one(RP + "sourceLineStart"), one(RP + "sourceLineEnd")
            starts = self.store.quads_for_pattern(m, ox.NamedNode(RP + "sourceLineStart"), None, None)
            span_graph = next((q.graph_name.value for q in starts if isinstance(q.graph_name, ox.NamedNode)), None)
            is_new = one(RP + "isNew")
            title, mid, status = one(DCT + "title"), one(RP + "measureId"), one(RP + "measureStatus")
            rows.append(Row(
                m.value, mid.value if mid else "", title.value if title else "",
                self._ref(one(RP + "focusArea")) if one(RP + "focusArea") else None,
                self._ref(one(RP + "level")) if one(RP + "level") else None,
                resp, partners,
                self._ref(one(RP + "horizon")) if one(RP + "horizon") else None,
                self._ref(status) if status else None,
                " · ".join(o.value for o in self._objs(m, RP + "statusPhrase") if isinstance(o, ox.Literal)),
                None if is_new is None else is_new.value == "true",
                sorted(munis.values(), key=lambda r: r.label),
                up,
                int(start.value) if start is not None else None, int(end.value) if end is not None else None,
                local_name(span_graph) if span_graph and "/graph/" in span_graph else None,
            ))
        rows.sort(key=lambda r: (r.line_start or 0, natural(r.id)))
        self._rows[programme_iri] = rows
        return rows

    def select(self, programme_iri: str, params) -> tuple[list[Row], dict]:
        """Rows passing the filters in `params` (a multi-dict), sorted; and the options each filter offers."""
        rows = self.rows(programme_iri)
        sort, direction = params.get("sort") or "doc", params.get("dir") or "asc"
        if sort not in SORTS:
            raise BrowseError(f"unknown sort '{sort}'; use one of {', '.join(SORTS)}")
        if direction not in ("asc", "desc"):
            raise BrowseError("dir must be asc or desc")
        chosen = {f: [v for v in params.getlist(f) if v] for f in FILTERS}
        if any(v not in ("yes", "no") for v in chosen["new"]):
            raise BrowseError("new must be yes or no")

        def keys(r: Row, f: str) -> set[str]:
            if f == "actor":
                return {self.key_of_actor(i) for i in r.actors_up}
            if f == "municipality":
                return {m.key for m in r.municipalities}
            if f == "new":
                return set() if r.is_new is None else {"yes" if r.is_new else "no"}
            ref = getattr(r, f)
            return {ref.key} if ref else set()

        out = [r for r in rows if all(not vals or keys(r, f) & set(vals) for f, vals in chosen.items())]
        sorters = {
            "doc": lambda r: (r.line_start or 0, natural(r.id)),
            "id": lambda r: natural(r.id),
            "title": lambda r: (r.title.casefold(), natural(r.id)),
            "responsible": lambda r: ([a.label.casefold() for a in r.responsible], natural(r.id)),
            "horizon": lambda r: ((r.horizon.label if r.horizon else "~").casefold(), natural(r.id)),
            "status": lambda r: ((r.status_text or "~").casefold(), natural(r.id)),
        }
        out.sort(key=sorters[sort], reverse=direction == "desc")
        options = self._options(rows)
        return out, {"sort": sort, "dir": direction, "chosen": chosen, "options": options}

    def _options(self, rows: list[Row]) -> dict[str, list[tuple[str, str]]]:
        """(key, label) of every value a filter can take in this programme."""
        opts: dict[str, dict[str, str]] = {f: {} for f in FILTERS}
        for r in rows:
            for iri in r.actors_up:
                opts["actor"][self.key_of_actor(iri)] = self.lab.label(ox.NamedNode(iri))
            for f in ("horizon", "status", "focus", "level"):
                ref = getattr(r, f)
                if ref:
                    opts[f][ref.key] = ref.label
            for m in r.municipalities:
                opts["municipality"][m.key] = m.label
        opts["new"] = {"yes": i18n.t("Ja"), "no": i18n.t("Nei")}
        return {f: sorted(v.items(), key=lambda kv: kv[1].casefold()) if f != "new" else list(v.items())
                for f, v in opts.items()}


def groups(rows: list[Row]) -> list[dict]:
    """Rows grouped by focus area, then level, in the order of their first row."""
    out: dict[tuple, dict] = {}
    for r in rows:
        key = (r.focus.iri if r.focus else "", r.level.iri if r.level else "")
        g = out.setdefault(key, {"focus": r.focus, "level": r.level, "rows": []})
        g["rows"].append(r)
    return list(out.values())


def to_csv(rows: list[Row], year: str) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([year, r.id, r.title, r.focus.label if r.focus else "", r.level.label if r.level else "",
                    "; ".join(a.label for a in r.responsible), "; ".join(a.label for a in r.partners),
                    r.horizon.label if r.horizon else "", "" if r.is_new is None else ("yes" if r.is_new else "no"),
                    r.status.label if r.status else "", r.status_text, "; ".join(m.label for m in r.municipalities),
                    r.source or "", r.line_start or "", r.line_end or "", r.iri])
    return buf.getvalue()
