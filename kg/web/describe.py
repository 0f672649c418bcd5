"""Read a resource out of the store: existence, labels, its machine description, its page data.

All lookups use the store's quad-pattern API (no SPARQL parsing) over every graph, so a resource
lookup costs microseconds. Labels follow the page language (kg.web.i18n): for nb, Bokmål, then
Nynorsk, then English, then any language; for en, English first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import DCT, ORG, PROV, RDFS, RP, SCHEMA, SH, SKOS
from . import anomalies as anomaly_kinds
from . import i18n

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

LABEL_PROPS = [ox.NamedNode(p) for p in (
    SKOS + "prefLabel", DCT + "title", RDFS + "label", SCHEMA + "name", "http://xmlns.com/foaf/0.1/name",
)]
LANG_ORDER = ("nb", "no", "nn", "en")


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            tail = iri.rstrip(sep).rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


#: the first word of an anomaly label's target as the build writes it → its catalogue key (kg.web.i18n)
_ANOMALY_TARGETS = {"measure": "satsing", "text": "tekst"}


class Labeler:
    """Caches labels of terms from one (immutable) store."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._cache: dict[tuple[str, str], str | None] = {}

    def find(self, iri: str) -> str | None:
        lang_now = i18n.current()
        order = i18n.LABEL_ORDER.get(lang_now, LANG_ORDER)
        if (lang_now, iri) in self._cache:
            return self._cache[(lang_now, iri)]
        best: tuple[int, int, str] | None = None
        node = N(iri)
        for pi, p in enumerate(LABEL_PROPS):
            for q in self.store.quads_for_pattern(node, p, None, None):
                o = q.object
                if not isinstance(o, ox.Literal):
                    continue
                lang = (o.language or "").split("-")[0].lower()
                rank = order.index(lang) if lang in order else (len(order) if lang else len(order) + 1)
                cand = (rank, pi, o.value)
                if best is None or cand < best:
                    best = cand
        label = best[2] if best else None
        if label is None and next(self.store.quads_for_pattern(node, RDF_TYPE, N(PROV + "Attribution"), None), None):
            label = self._attribution(node)
        for q in self.store.quads_for_pattern(node, N(RP + "anomalyKind"), None, None):
            # an anomaly's label from the build is "<kind code>: <what>": the kind's name in the page language
            # (<what> starts with an English word the build writes: "measure A5", "text")
            code, what = q.object.value, (label or "").partition(": ")[2]
            head, sep, rest = what.partition(" ")
            if head in _ANOMALY_TARGETS:
                what = i18n.t(_ANOMALY_TARGETS[head]) + sep + rest
            label = anomaly_kinds.name(code) + (f": {what}" if what else "")
            break
        if label is not None:
            # Measures are known by id and title ("K1 <title>").
            for q in self.store.quads_for_pattern(node, N(RP + "measureId"), None, None):
                if not label.startswith(q.object.value + " "):
                    label = f"{q.object.value} {label}"
                break
        self._cache[(lang_now, iri)] = label
        return label

    def _attribution(self, node) -> str | None:
        """A qualified attribution (no label of its own, its IRI ends in a number) as a link text:
        "K1 <title> – partner" (its measure and role)."""
        of = [q.subject for q in self.store.quads_for_pattern(None, N(PROV + "qualifiedAttribution"), node, None)]
        roles = sorted({self.label(q.object) for q in self.store.quads_for_pattern(node, N(DCAT_ROLE), None, None)})
        if not of:
            return None
        return self.label(of[0]) + (f" – {', '.join(roles)}" if roles else "")

    def label(self, term) -> str:
        if isinstance(term, ox.NamedNode):
            return self.find(term.value) or local_name(term.value)
        if isinstance(term, ox.Literal):
            return term.value
        if isinstance(term, ox.BlankNode):
            return "_:" + term.value
        return str(term)


def default_graph_is_union(store: ox.Store) -> bool:
    """kg.store.load_store materialises the set union of the named graphs as the default graph;
    a store without it needs pyoxigraph's `use_default_graph_as_union` flag instead."""
    for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        return True
    return False


def query(store: ox.Store, sparql: str):
    """Run one of our own (bounded) queries over the union of the graphs."""
    return store.query(sparql, use_default_graph_as_union=not default_graph_is_union(store))


def triple_count(store: ox.Store) -> int:
    """Distinct triples over all graphs."""
    if default_graph_is_union(store):
        return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return len({(q.subject, q.predicate, q.object) for q in store})


def valid_iri(iri: str) -> bool:
    """True if `iri` is a syntactically valid IRI (a request path may hold '%20', '<', '|', NUL …)."""
    try:
        N(iri)
    except ValueError:
        return False
    return True


def exists(store: ox.Store, iri: str) -> bool:
    """True if the dataset says anything about `iri` (as subject, object or graph name); False for a
    string that is not a valid IRI (nothing in the store can have it)."""
    if not valid_iri(iri):
        return False
    node = N(iri)
    for _ in store.quads_for_pattern(node, None, None, None):
        return True
    for _ in store.quads_for_pattern(None, None, node, None):
        return True
    return store.contains_named_graph(node)


def _objects(store, s, p) -> list:
    seen, out = set(), []
    for q in store.quads_for_pattern(s, N(p) if isinstance(p, str) else p, None, None):
        if q.object not in seen:
            seen.add(q.object)
            out.append(q.object)
    return out


def _subjects(store, p, o) -> list:
    seen, out = set(), []
    for q in store.quads_for_pattern(None, N(p) if isinstance(p, str) else p, o, None):
        if q.subject not in seen:
            seen.add(q.subject)
            out.append(q.subject)
    return out


def description(store: ox.Store, iri: str, max_incoming: int = 2000) -> list[ox.Triple]:
    """Concise bounded description (outgoing triples, blank nodes followed) plus labels of the
    resources it links to and of the resources linking to it, and those incoming triples."""
    node = N(iri)
    triples: dict[ox.Triple, None] = {}
    todo, done = [node], set()
    linked: set = set()
    while todo:
        s = todo.pop()
        if s in done:
            continue
        done.add(s)
        for q in store.quads_for_pattern(s, None, None, None):
            triples[ox.Triple(q.subject, q.predicate, q.object)] = None
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)
            elif isinstance(q.object, ox.NamedNode):
                linked.add(q.object)
    for i, q in enumerate(store.quads_for_pattern(None, None, node, None)):
        if i >= max_incoming:
            break
        triples[ox.Triple(q.subject, q.predicate, q.object)] = None
        if isinstance(q.subject, ox.NamedNode):
            linked.add(q.subject)
    for t in linked:
        if t == node:
            continue
        for p in LABEL_PROPS:
            for q in store.quads_for_pattern(t, p, None, None):
                triples[ox.Triple(q.subject, q.predicate, q.object)] = None
    return list(triples)


# --------------------------------------------------------------------------- page data


@dataclass
class Value:
    term: object
    label: str
    iri: str | None = None  # for links
    lang: str | None = None
    datatype: str | None = None


@dataclass
class Resource:
    iri: str
    label: str
    types: list[Value]
    properties: list[tuple[Value, list[Value]]]  # (predicate, values) in a stable order
    incoming: list[tuple[Value, list[Value]]]
    kind: str = "generic"  # measure | actor | programme | focus-area | place | concept | generic
    extra: dict = field(default_factory=dict)
    main_types: list[Value] = field(default_factory=list)  # the types shown: none that is a superclass of another


#: a resource kind's name (a catalogue key of kg.web.i18n) for a page whose resource has no rdf:type
KIND_NAMES = {"measure": "satsing", "actor": "aktør", "programme": "handlingsprogram", "focus-area": "Satsingsområde",
              "place": "Sted", "concept": "Begrep", "generic": "Ressurs"}


def main_types(store: ox.Store, lab: Labeler, types: list[ox.NamedNode]) -> list[Value]:
    """The most specific of `types` (rdfs:subClassOf in the store, transitively), labels capitalised:
    "Statlig etat", not "organisasjon, aktør, Statlig etat"."""
    sub = N(RDFS + "subClassOf")

    def supers(t) -> set[str]:
        seen, todo = set(), [t]
        while todo:
            for q in store.quads_for_pattern(todo.pop(), sub, None, None):
                if isinstance(q.object, ox.NamedNode) and q.object.value not in seen:
                    seen.add(q.object.value)
                    todo.append(q.object)
        return seen

    above = set().union(*(supers(t) for t in types)) if types else set()
    out = []
    for t in types:
        if t.value in above:
            continue
        v = _value(lab, t)
        v.label = v.label[:1].upper() + v.label[1:]
        out.append(v)
    return sorted(out, key=lambda v: v.label.casefold())


def _value(lab: Labeler, t) -> Value:
    if isinstance(t, ox.NamedNode):
        return Value(t, lab.label(t), iri=t.value)
    if isinstance(t, ox.Literal):
        dt = t.datatype.value if t.datatype else None
        if dt == "http://www.w3.org/2001/XMLSchema#boolean" and t.value in ("true", "false", "1", "0"):
            return Value(t, i18n.t("Ja" if t.value in ("true", "1") else "Nei"), datatype=dt)
        return Value(t, t.value, lang=t.language, datatype=dt)
    return Value(t, lab.label(t))


def _sort_key(v: Value):
    try:
        return (0, float(v.label), "")
    except ValueError:
        return (1, 0, v.label.casefold())


def _one_language(values: list) -> list:
    """A property's language-tagged literals in the page language only (fallback nb → nn → en, then
    any): a title given @nb and @en shows once. Untagged literals and IRIs are all kept."""
    tagged = {v.language.split("-")[0].lower() for v in values if isinstance(v, ox.Literal) and v.language}
    if len(tagged) < 2:
        return values
    order = i18n.LABEL_ORDER.get(i18n.current(), LANG_ORDER)
    best = min(tagged, key=lambda lang: (order.index(lang) if lang in order else len(order), lang))
    return [v for v in values if not (isinstance(v, ox.Literal) and v.language
                                      and v.language.split("-")[0].lower() != best)]


def _grouped(lab: Labeler, pairs) -> list[tuple[Value, list[Value]]]:
    groups: dict = defaultdict(dict)
    for p, v in pairs:
        groups[p][v] = None
    out = []
    for p, vals in groups.items():
        out.append((_value(lab, p), sorted((_value(lab, v) for v in _one_language(list(vals))), key=_sort_key)))
    out.sort(key=lambda pv: pv[0].label.casefold())
    return out


def _year_of(store: ox.Store, lab: Labeler, programme) -> str | None:
    for p in (RP + "year", RP + "programmeYear", DCT + "date", SCHEMA + "temporalCoverage"):
        vals = _objects(store, programme, p)
        if vals and isinstance(vals[0], ox.Literal):
            return vals[0].value[:4]
    if isinstance(programme, ox.NamedNode) and "/programme/" in programme.value:
        return programme.value.split("/programme/")[1].split("/")[0]
    return None


def _with_year(store: ox.Store, lab: Labeler, measures: list) -> list[tuple[Value, str | None]]:
    """Distinct measures with the year of their programme, oldest first. The year to show is None when
    the label says it already (a measure without a title is labelled "K2 (2024)")."""
    out = {}
    for m in measures:
        if isinstance(m, ox.NamedNode) and m.value not in out:
            progs = _objects(store, m, RP + "inProgramme")
            out[m.value] = (_value(lab, m), _year_of(store, lab, progs[0]) if progs else None)
    ordered = sorted(out.values(), key=lambda vy: (vy[1] or "", vy[0].label))
    return [(v, None if y and v.label.endswith(f"({y})") else y) for v, y in ordered]


def _measure_extra(store: ox.Store, lab: Labeler, node) -> dict:
    def vals(p):
        return [_value(lab, o) for o in _objects(store, node, p)]

    def one(p):
        v = vals(p)
        return v[0] if v else None

    programmes = _objects(store, node, RP + "inProgramme")
    linked_out = {o.value: o for o in _objects(store, node, RP + "linkedTo")}
    linked_in = {s.value: s for s in _subjects(store, RP + "linkedTo", node) if isinstance(s, ox.NamedNode)}
    allocations = []
    for a in _objects(store, node, RP + "hasAllocation"):
        amount = _objects(store, a, SCHEMA + "value") or _objects(store, a, RP + "amount")
        def first(p, a=a):
            got = _objects(store, a, p)
            return got[0] if got else None

        basis, purpose, text = first(RP + "amountBasis"), first(RP + "purpose"), first(RP + "sourceText")
        start, end = first(RP + "periodStart"), first(RP + "periodEnd")
        shown = {RDF_TYPE.value, SCHEMA + "value", RP + "amount", SCHEMA + "currency", RP + "amountBasis",
                 RP + "purpose", RP + "sourceText", RP + "periodStart", RP + "periodEnd", SKOS + "prefLabel",
                 PROV + "wasDerivedFrom", RP + "extractionRun", RP + "sourceLineStart", RP + "sourceLineEnd"}
        allocations.append({
            "node": _value(lab, a),
            "amount": amount[0].value if amount else None,
            "currency": first(SCHEMA + "currency"),
            "basis": _value(lab, basis) if basis is not None else None,
            "period": "–".join(dict.fromkeys(v.value for v in (start, end) if v is not None)) or None,
            "purpose": purpose.value if purpose is not None else None,
            "text": text.value if text is not None else None,
            "sources": source_spans(store, lab, a),
            # whatever else the amount says (a publisher's own properties), as property: value
            "properties": _grouped(lab, ((q.predicate, q.object) for q in store.quads_for_pattern(a, None, None, None)
                                         if q.predicate.value not in shown)),
        })
    sources = source_spans(store, lab, node)
    return {
        "attributions": attributions(store, lab, node),
        "measure_id": one(RP + "measureId"),
        "title": one(DCT + "title"),
        "description": one(DCT + "description"),
        "programmes": [(_value(lab, p), _year_of(store, lab, p)) for p in programmes],
        "focus_areas": vals(RP + "focusArea"),
        "levels": vals(RP + "level"),
        "responsible": sorted(vals(RP + "responsible"), key=_sort_key),
        "partners": sorted(vals(RP + "partner"), key=_sort_key),
        "links_both": [_value(lab, linked_out[k]) for k in sorted(linked_out.keys() & linked_in.keys())],
        "links_out": [_value(lab, linked_out[k]) for k in sorted(linked_out.keys() - linked_in.keys())],
        "links_in": [_value(lab, linked_in[k]) for k in sorted(linked_in.keys() - linked_out.keys())],
        "predecessors": _with_year(store, lab, _objects(store, node, RP + "continues")
                                   + _subjects(store, RP + "continuedBy", node)),
        "successors": _with_year(store, lab, _objects(store, node, RP + "continuedBy")
                                 + _subjects(store, RP + "continues", node)),
        "allocations": allocations,
        "sources": sources,
    }


DCAT_ROLE = "http://www.w3.org/ns/dcat#hadRole"


def attribution_label(store: ox.Store, lab: Labeler, node) -> str | None:
    """'role: actor' for a prov:Attribution (its IRI ends in a bare number, no label of its own)."""
    roles, agents = _objects(store, node, DCAT_ROLE), _objects(store, node, PROV + "agent")
    if not agents:
        return None
    who = ", ".join(lab.label(a) for a in agents)
    return f"{', '.join(lab.label(r) for r in roles)}: {who}" if roles else who


def attributions(store: ox.Store, lab: Labeler, node) -> list[dict]:
    """The measure's qualified attributions as {label 'role: actor', node, sources (line spans)}, in line order."""
    out = []
    for a in _objects(store, node, PROV + "qualifiedAttribution"):
        label = attribution_label(store, lab, a)
        if label is None:
            continue
        spans = [sp for sp in source_spans(store, lab, a) if sp["start"]]
        out.append({"label": label, "node": Value(a, label, iri=a.value if isinstance(a, ox.NamedNode) else None),
                    "sources": spans})
    def first_line(d: dict) -> int:
        start = str(d["sources"][0]["start"]) if d["sources"] else ""
        return int(start) if start.isdigit() else 0

    out.sort(key=lambda d: (first_line(d), d["label"]))
    return out


def source_spans(store: ox.Store, lab: Labeler, node) -> list[dict]:
    """Each source document the resource derives from, with the line span that document's graph
    states (…/graph/{id} ↔ …/source/{id}): a 2024 measure also derives from the second capture, whose
    line numbers differ, and a focus area has one span in each programme. A workbook source (kg import)
    comes with the sheet and row instead."""
    spans: dict[str, tuple[str, str | None]] = {}
    for q in store.quads_for_pattern(node, N(RP + "sourceLineStart"), None, None):
        if isinstance(q.graph_name, ox.NamedNode):
            ends = store.quads_for_pattern(node, N(RP + "sourceLineEnd"), None, q.graph_name)
            end = next((e.object.value for e in ends), None)
            spans[q.graph_name.value.replace("/graph/", "/source/", 1)] = (q.object.value, end)
    if not spans:  # a store without named graphs: the one span, for every source
        start, end = _objects(store, node, RP + "sourceLineStart"), _objects(store, node, RP + "sourceLineEnd")
        if start:
            spans = {None: (start[0].value, end[0].value if end else None)}
    out = []
    derived = _objects(store, node, PROV + "wasDerivedFrom")
    sheet, row = _objects(store, node, RP + "sourceSheet"), _objects(store, node, RP + "sourceRow")
    for src in derived:
        start, end = spans.get(src.value) or spans.get(None) or (None, None)
        entry = {"source": _value(lab, src), "start": start, "end": end}
        if sheet and any(True for _ in store.quads_for_pattern(src, RDF_TYPE, N(RP + "Workbook"), None)):
            entry.update(sheet=sheet[0].value, row=row[0].value if row else None)   # a workbook: sheet and row
        out.append(entry)
    # a span stated in a source's graph by a resource that does not say it derives from it (e.g. an attribution)
    for iri, (start, end) in sorted((k, v) for k, v in spans.items() if k):
        src = N(iri)
        if src not in derived and next(store.quads_for_pattern(src, RDF_TYPE, N(RP + "SourceDocument"), None), None):
            out.append({"source": _value(lab, src), "start": start, "end": end})
    return out


def _units(store: ox.Store, node) -> list:
    """The actor's sub-units at any depth (org:subOrganizationOf, cycles stopped), nearest first."""
    out, seen, todo = [], {node.value}, [node]
    while todo:
        x = todo.pop(0)
        for c in _subjects(store, ORG + "subOrganizationOf", x):
            if isinstance(c, ox.NamedNode) and c.value not in seen:
                seen.add(c.value)
                out.append(c)
                todo.append(c)
    return out


def _actor_extra(store: ox.Store, lab: Labeler, node) -> dict:
    """Roles in measures, rolled up over the sub-units: a row says `via` which unit takes the role
    (None: the actor itself); a measure appears once per role, directly if the actor itself has it."""
    roles = []
    units = _units(store, node)
    for role, prop in (("responsible", RP + "responsible"), ("partner", RP + "partner")):
        rows, seen = [], set()
        for who in [node, *units]:
            for m in _subjects(store, prop, who):
                if m in seen:
                    continue
                seen.add(m)
                progs = _objects(store, m, RP + "inProgramme")
                year = _year_of(store, lab, progs[0]) if progs else None
                mid = _objects(store, m, RP + "measureId")
                rows.append({"measure": _value(lab, m), "year": year, "id": mid[0].value if mid else None,
                             "via": None if who == node else _value(lab, who)})
        rows.sort(key=lambda r: (-(int(r["year"]) if (r["year"] or "").isdigit() else 0), r["id"] or "",
                                 r["measure"].label))
        roles.append((role, rows))
    return {
        "roles": roles,
        "aliases": sorted({v.value for v in _objects(store, node, SKOS + "altLabel") if isinstance(v, ox.Literal)}),
        "parents": [_value(lab, o) for o in _objects(store, node, ORG + "subOrganizationOf")],
        "children": [_value(lab, s) for s in _subjects(store, ORG + "subOrganizationOf", node)],
        "rolled_up": bool(units),
    }


SEVERITY_NB = {"Violation": "Brudd", "Warning": "Advarsel", "Info": "Merknad"}


def validation_results(store: ox.Store, lab: Labeler, node, base_iri: str) -> list[dict]:
    """sh:results of the validation graph whose focus node is `node`."""
    graph = N(base_iri + "graph/validation")
    out = []
    for q in store.quads_for_pattern(None, N(SH + "focusNode"), node, graph):
        r = q.subject

        def first(p):
            for qq in store.quads_for_pattern(r, N(SH + p), None, graph):
                return qq.object
            return None

        sev = first("resultSeverity")
        msgs = [qq.object for qq in store.quads_for_pattern(r, N(SH + "resultMessage"), None, graph)]
        order = i18n.LABEL_ORDER.get(i18n.current(), LANG_ORDER)
        msg = sorted(msgs, key=lambda m: order.index(m.language) if getattr(m, "language", None) in order
                     else len(order))
        path = first("resultPath")
        out.append({
            "severity": local_name(sev.value) if isinstance(sev, ox.NamedNode) else "Violation",
            "severity_nb": SEVERITY_NB.get(local_name(sev.value) if isinstance(sev, ox.NamedNode) else "Violation",
                                           "Merknad"),
            "message": msg[0].value if msg else "",
            "path": _value(lab, path) if path is not None else None,
            "shape": _value(lab, first("sourceShape")) if first("sourceShape") is not None else None,
        })
    out.sort(key=lambda r: (r["severity"], r["message"]))
    return out


def anomalies(store: ox.Store, node) -> list[dict]:
    """Extraction anomalies (rp:Anomaly, rp:concerns → node): kind (code, name and meaning in the page
    language) and the extractor's message (English, as the extractor wrote it)."""
    out = {}
    for a in _subjects(store, RP + "concerns", node):
        kind = _objects(store, a, RP + "anomalyKind")
        msgs = [m for m in _objects(store, a, RDFS + "comment") if isinstance(m, ox.Literal)]
        code = kind[0].value if kind else ""
        out[str(a)] = {"kind": code, "name": anomaly_kinds.name(code), "meaning": anomaly_kinds.meaning(code),
                       "message": msgs[0].value if msgs else ""}
    return sorted(out.values(), key=lambda d: (d["kind"], d["message"]))


def resource(store: ox.Store, iri: str, base_iri: str, labeler: Labeler | None = None,
             max_incoming: int = 500) -> Resource:
    lab = labeler or Labeler(store)
    node = N(iri)
    types = [_value(lab, t) for t in _objects(store, node, RDF_TYPE)]
    props = _grouped(lab, ((q.predicate, q.object) for q in store.quads_for_pattern(node, None, None, None)
                           if q.predicate != RDF_TYPE))
    inc = []
    for i, q in enumerate(store.quads_for_pattern(None, None, node, None)):
        if i >= max_incoming:
            break
        inc.append((q.predicate, q.subject))
    incoming = _grouped(lab, inc)
    type_iris = {t.iri for t in types}
    rel = iri[len(base_iri):] if iri.startswith(base_iri) else ""
    if RP + "Measure" in type_iris or "/measure/" in rel and "/money/" not in rel:
        kind = "measure"
    elif rel.startswith(("actor/", "actor-group/")) or any(t and t.startswith(RP + "Actor") for t in type_iris):
        kind = "actor"
    elif RP + "ActionProgramme" in type_iris:
        kind = "programme"
    elif RP + "FocusArea" in type_iris:
        kind = "focus-area"
    elif rel.startswith("place/"):
        kind = "place"
    elif rel.startswith("concept/"):
        kind = "concept"
    else:
        kind = "generic"
    extra: dict = {}
    if kind == "measure":
        extra = _measure_extra(store, lab, node)
    elif kind == "actor":
        extra = _actor_extra(store, lab, node)
    if kind != "measure":
        extra["sources"] = [sp for sp in source_spans(store, lab, node) if sp["start"] or sp.get("sheet")]
    extra["validation"] = validation_results(store, lab, node, base_iri)
    extra["anomalies"] = anomalies(store, node)
    label = lab.label(node)
    if PROV + "Attribution" in type_iris:
        label = attribution_label(store, lab, node) or label
    if kind == "measure":  # shown as "role: actor (lines)" in the facts: not again as a list of bare numbers
        props = [(p, v) for p, v in props if p.iri != PROV + "qualifiedAttribution"]
    shown = main_types(store, lab, [t for t in _objects(store, node, RDF_TYPE) if isinstance(t, ox.NamedNode)])
    return Resource(iri, label, types, props, incoming, kind, extra, shown)
