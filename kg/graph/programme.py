"""Action-programme records (hp2025.json, hp2024.json) → RDF."""

from __future__ import annotations

import re

from ..namespaces import DCAT, DCT, PROV, RDFS, RP, SCHEMA, SKOS, XSD
from ..uris import concept
from .common import Rec, Sink, decimal, gyear, lit, posint

LEVELS = {"county", "district", "urban"}
HORIZONS = {"short", "long", "short-and-long"}


def lines_of(rec: Rec, key: str = "lines") -> list[int] | None:
    value = rec.opt(key)
    if value is None:
        return None
    if not value or not all(isinstance(n, int) and n > 0 for n in value):
        raise rec.error(f"line span must be positive integers, found {value!r}", key)
    return value


class Actors:
    """Turns a mention (actor/group id) into an IRI, checking the id exists in the authority file."""

    def __init__(self, sink: Sink, actor_ids: set[str], group_ids: set[str]):
        self.sink, self.actor_ids, self.group_ids = sink, actor_ids, group_ids

    def iri(self, mention: Rec) -> str | None:
        actor, group = mention.opt("actor"), mention.opt("group")
        if actor:
            if self.actor_ids and actor not in self.actor_ids:
                raise mention.error(f"actor id {actor!r} is not in data/authority/actors.yaml", "actor")
            return self.sink.mint.actor(actor)
        if group:
            if self.group_ids and group not in self.group_ids:
                raise mention.error(f"group id {group!r} is not in data/authority/actors.yaml", "group")
            return self.sink.mint.group(group)
        return None


def map_programme(rec: Rec, sink: Sink, actors: Actors, municipality_numbers: dict[str, str]) -> dict[str, str]:
    """Map one programme record; returns {measure id: measure IRI}."""
    m = sink.mint
    _workbook_source(rec, sink)
    plan_rec = rec.sub("plan")
    prog = rec.sub("programme", required=True)
    year = prog.req("year")
    plan_slug = m.plan_slug_for(plan_rec.opt("id") if plan_rec else None)
    plan = m.plan(plan_slug)
    programme = m.programme(year, plan_slug)

    if plan_rec is not None:
        sink.a(plan, RP + "RegionalPlan")
        sink.text(plan, DCT + "title", plan_rec.opt("title"))
        sink.text(plan, SKOS + "prefLabel", plan_rec.opt("title"))
        sink.text(plan, RP + "vision", plan_rec.opt("vision"))
        main_goal = plan_rec.opt("main_goal")
        if main_goal:
            g = m.goal("main", plan_slug)
            sink.a(g, RP + "Goal")
            sink.add(plan, RP + "mainGoal", g)
            sink.text(g, RP + "goalText", main_goal)
            sink.text(g, SKOS + "prefLabel", main_goal)
            sink.provenance(g, lines_of(plan_rec), plan_rec.opt("row"))
        sink.provenance(plan, lines_of(plan_rec), plan_rec.opt("row"))

    sink.a(programme, RP + "ActionProgramme")
    sink.add(programme, RP + "programmeOf", plan)
    sink.add(programme, RP + "programmeYear", gyear(year))
    sink.text(programme, DCT + "title", f"Handlingsprogram {year}")
    sink.add(programme, SKOS + "prefLabel", lit(f"Handlingsprogram {year}", lang="nb"))
    sink.add(programme, SKOS + "prefLabel", lit(f"Action programme {year}", lang="en"))
    adopted = prog.opt("adopted")
    if adopted and re.fullmatch(r"\d{4}-\d{2}-\d{2}", adopted):
        sink.add(programme, RP + "adoptedOn", lit(adopted, dt="http://www.w3.org/2001/XMLSchema#date"))
    sink.text(programme, RP + "adoptingBody", prog.opt("adopted_by"))
    sink.provenance(programme, lines_of(prog), prog.opt("row"))

    for fa in rec.items("focus_areas"):
        code = fa.req("code")
        node = m.focus_area(code, plan_slug)
        sink.a(node, RP + "FocusArea", SKOS + "Concept")
        sink.add(node, SKOS + "inScheme", f"{plan}/focus-areas")
        sink.add(node, SKOS + "notation", lit(code))
        sink.text(node, SKOS + "prefLabel", fa.req("title"))
        sink.add(plan, RP + "hasFocusArea", node)
        goal = fa.opt("goal")
        if goal:
            g = m.goal(code, plan_slug)
            sink.a(g, RP + "Goal")
            sink.add(node, RP + "goal", g)
            sink.text(g, RP + "goalText", goal)
            sink.text(g, SKOS + "prefLabel", goal)
            if fa.opt("goal_year"):
                sink.add(g, RP + "targetYear", gyear(fa.opt("goal_year")))
            sink.provenance(g, lines_of(fa), fa.opt("row"))
        sink.provenance(node, lines_of(fa), fa.opt("row"))
    sink.a(f"{plan}/focus-areas", SKOS + "ConceptScheme")

    # measure ids first, so links can be resolved within the programme
    measures = rec.items("measures")
    ids: dict[str, str] = {}
    for mr in measures:
        mid = mr.req("id")
        if mid in ids:
            raise mr.error(f"duplicate measure id {mid!r} in programme {year}", "id")
        ids[mid] = m.measure(year, mid, plan_slug)

    for mr in measures:
        _measure(mr, sink, actors, plan, plan_slug, programme, year, ids)

    for row in rec.items("centrality"):
        name = row.req("municipality")
        cls = row.req("class")
        number = municipality_numbers.get(name)
        if number is None:
            raise row.error(f"municipality {name!r} is not in data/authority/municipalities.yaml", "municipality")
        node = f"{programme}/centrality/{number}"
        sink.a(node, RP + "CentralityAssessment")
        sink.add(node, RP + "municipality", m.municipality(number))
        sink.add(node, RP + "centralityClass", concept("centrality", str(cls)))
        sink.add(node, RP + "inProgramme", programme)
        line = row.opt("line")
        sink.provenance(node, [line] if line else None, row.opt("row"))

    for reg in rec.items("regions"):
        node = m.region(reg.req("name"))
        sink.a(node, RP + "Region")
        sink.text(node, SKOS + "prefLabel", reg.req("name"))
        line = reg.opt("line")
        sink.provenance(node, lines_of(reg) if reg.opt("lines") else ([line] if line else None), reg.opt("row"))

    for doc in rec.items("referenced_documents"):
        key = doc.opt("key") or doc.req("identifier")
        node = m.document(key)
        sink.a(node, RP + "ReferencedDocument")
        ident = doc.opt("identifier")
        if ident:
            sink.add(node, DCT + "identifier", lit(ident))
        title = doc.opt("title") or ident
        sink.text(node, DCT + "title", title)
        sink.text(node, SKOS + "prefLabel", ident or title)
        sink.add(programme, DCT + "references", node)
        sink.provenance(node, lines_of(doc), doc.opt("row"))

    _budget_table(rec, "allocation_status", "allocation-status", "Status for tildelte midler 2023", sink, programme, ids)
    _budget_table(rec, "distribution", "distribution", f"Fordeling av midler {year}", sink, programme, ids)
    return ids


def _workbook_source(rec: Rec, sink: Sink) -> None:
    """A record imported from a workbook: its facts derive from the workbook (file, sha256), described here."""
    src = rec.sub("source")
    if src is None or src.opt("kind") != "workbook":
        return
    sink.use_source(src.req("id"))
    node = sink.source
    sink.a(node, RP + "Workbook")
    sink.text(node, DCT + "title", src.req("title"))
    sink.text(node, SKOS + "prefLabel", src.req("title"))
    sink.add(node, DCT + "identifier", lit(src.req("file")))
    sink.add(node, RP + "sha256", lit(src.req("sha256"), dt=XSD + "hexBinary"))


def _measure(mr: Rec, sink: Sink, actors: Actors, plan: str, plan_slug: str, programme: str, year: int,
             ids: dict[str, str]) -> None:
    m = sink.mint
    mid = mr.req("id")
    node = ids[mid]
    sink.a(node, RP + "Measure")
    sink.add(node, RP + "measureId", lit(mid))
    sink.add(node, RP + "inProgramme", programme)
    sink.add(node, RP + "idDerived", lit(bool(mr.opt("id_derived", False))))
    title = mr.opt("title")
    sink.text(node, DCT + "title", title)
    if not title:
        sink.add(node, RP + "titleMissing", lit(True))
    if mr.opt("title_derived", False):
        sink.add(node, RP + "titleDerived", lit(True))
        sink.text(node, RP + "titleBasis", mr.opt("title_basis"), lang="en")
    label = f"{mid} {title}" if title else f"{mid} ({year})"
    sink.text(node, SKOS + "prefLabel", label)
    level = mr.req("level")
    if level not in LEVELS:
        raise mr.error(f"level must be one of {sorted(LEVELS)}, found {level!r}", "level")
    sink.add(node, RP + "level", concept("level", level))
    sink.add(node, RP + "focusArea", m.focus_area(mr.req("focus_area"), plan_slug))
    sink.text(node, DCT + "description", mr.opt("description"))
    status = mr.opt("status", "active")
    sink.add(node, RP + "measureStatus", concept("status", status))
    sink.add(node, RP + "isNew", lit(bool(mr.opt("is_new", False))))
    sink.add(node, RP + "isContinued", lit(bool(mr.opt("is_continued", False))))
    for marker in mr.opt("markers", []):
        sink.add(node, RP + "marker", lit(marker))
    sink.provenance(node, lines_of(mr), mr.opt("row"))
    cont = mr.sub("continues")
    if cont is not None:   # 'Viderefører' of a workbook; successors.json states the same for extracted years
        prev = m.measure(cont.opt("year") or year - 1, cont.req("id"), plan_slug)
        sink.add(node, RP + "continues", prev)
        sink.add(prev, RP + "continuedBy", node)

    for key, role, prop in (("responsible", "responsible", RP + "responsible"), ("partners", "partner", RP + "partner")):
        field = mr.sub(key)
        if field is None:
            continue
        flines = lines_of(field)
        for k, mention in enumerate(field.items("mentions"), start=1):
            agent = actors.iri(mention)
            if agent is None:
                continue
            sink.add(node, prop, agent)
            att = f"{node}/attribution/{role}/{k}"
            sink.add(node, PROV + "qualifiedAttribution", att)
            sink.a(att, PROV + "Attribution")
            sink.add(att, PROV + "agent", agent)
            sink.add(att, DCAT + "hadRole", concept("role", role))
            sink.add(att, RP + "sourceText", lit(mention.req("text")))
            if flines:
                sink.add(att, RP + "sourceLineStart", posint(flines[0]))
                sink.add(att, RP + "sourceLineEnd", posint(flines[-1]))
            sink.row(att, field.opt("row"))

    links = mr.sub("links")
    if links is not None:
        if links.opt("text"):
            sink.add(node, RP + "linksText", lit(links.opt("text")))
        for target in links.opt("measures", []):
            if target in ids:
                sink.add(node, RP + "linkedTo", ids[target])
            else:
                sink.add(node, RP + "unresolvedLink", lit(target))
        for other in links.opt("other", []):
            doc = m.document(other)
            sink.a(doc, RP + "ReferencedDocument")
            sink.text(doc, DCT + "title", other)
            sink.text(doc, SKOS + "prefLabel", other)
            sink.add(node, RP + "relatedDocument", doc)

    prio = mr.sub("priority")
    if prio is not None:
        horizon = prio.opt("horizon")
        if horizon:
            if horizon not in HORIZONS:
                raise prio.error(f"horizon must be one of {sorted(HORIZONS)}, found {horizon!r}", "horizon")
            sink.add(node, RP + "horizon", concept("horizon", horizon))
        sink.text(node, RP + "statusPhrase", prio.opt("status_phrase"))

    for i, money in enumerate(mr.items("money"), start=1):
        a = f"{node}/money/{i}"
        sink.a(a, RP + "Allocation", SCHEMA + "MonetaryAmount")
        sink.add(node, RP + "hasAllocation", a)
        amount = money.req("amount")
        sink.add(a, SCHEMA + "value", decimal(amount))
        sink.add(a, SCHEMA + "currency", lit(money.opt("currency", "NOK")))
        if money.opt("year"):
            sink.add(a, RP + "budgetYear", gyear(money.opt("year")))
        period = money.opt("period")
        if period:
            if period[0] is not None:
                sink.add(a, RP + "periodStart", gyear(period[0]))
            if period[-1] is not None:
                sink.add(a, RP + "periodEnd", gyear(period[-1]))
        basis = money.opt("basis")
        if basis:
            sink.add(a, RP + "amountBasis", concept("amount-basis", basis))
        sink.text(a, RP + "purpose", money.opt("purpose"))
        if money.opt("text"):
            sink.add(a, RP + "sourceText", lit(money.opt("text")))
        sink.add(a, SKOS + "prefLabel", lit(f"{_nok(amount)} NOK ({mid} {year})", lang="nb"))
        line = money.opt("line")
        sink.provenance(a, [line] if line else lines_of(money), money.opt("row"))


def _nok(amount: float) -> str:
    return f"{amount:,.0f}".replace(",", " ")


def _budget_table(rec: Rec, key: str, slug: str, title: str, sink: Sink, programme: str, ids: dict[str, str]) -> None:
    rows = rec.items(key)
    if not rows:
        return
    table = f"{programme}/{slug}"
    sink.a(table, RP + "BudgetTable")
    sink.text(table, DCT + "title", title)
    sink.text(table, SKOS + "prefLabel", title)
    sink.add(table, RP + "inProgramme", programme)
    totals = rec.sub(f"{key}_totals")
    if totals is not None:
        for field, prop in (("allocated", "allocated"), ("used", "used"), ("carried_over", "carriedOver"), ("amount", "amount")):
            if totals.opt(field) is not None:
                sink.add(table, RP + prop, decimal(totals.opt(field)))
    for n, row in enumerate(rows, start=1):
        mid = row.opt("measure")
        node = f"{table}/row/{n}"
        sink.a(node, RP + "BudgetTableRow")
        sink.add(table, RP + "row", node)
        if mid:
            sink.add(node, RP + "tableMeasureId", lit(mid))
            if mid in ids:
                sink.add(node, RP + "forMeasure", ids[mid])
        if row.opt("title_in_table"):
            sink.add(node, RP + "tableTitle", lit(row.opt("title_in_table")))
        sink.add(node, SKOS + "prefLabel", lit(f"{title}: {mid or n}", lang="nb"))
        for field, prop in (("allocated", "allocated"), ("used", "used"), ("carried_over", "carriedOver"), ("amount", "amount")):
            if row.opt(field) is not None:
                sink.add(node, RP + prop, decimal(row.opt(field)))
        if row.opt("decision"):
            sink.add(node, RP + "decisionReference", lit(row.opt("decision")))
        if row.opt("status"):
            sink.add(node, RP + "rowStatus", lit(row.opt("status")))
        line = row.opt("line")
        sink.provenance(node, [line] if line else lines_of(row), row.opt("row"))


def map_anomalies(rec: Rec, sink: Sink, measure_iris: dict[str, str], source_id: str) -> None:
    """Publish the record's anomalies as rp:Anomaly resources, linked to the measure they concern."""
    for i, an in enumerate(rec.items("anomalies"), start=1):
        node = sink.mint(f"anomaly/{source_id}/{i}")
        sink.a(node, RP + "Anomaly")
        sink.add(node, RP + "anomalyKind", lit(an.req("kind")))
        sink.add(node, RDFS + "comment", lit(an.req("message"), lang="en"))
        sink.add(node, SKOS + "prefLabel", lit(f"{an.req('kind')}: {an.opt('subject') or source_id}", lang="en"))
        for ref in an.items("measures"):  # measures of this record's programme (no year) that it concerns
            mid = ref.req("id")
            if ref.opt("year") is None and mid in measure_iris:
                sink.add(node, RP + "concerns", measure_iris[mid])
        sink.provenance(node, lines_of(an), an.opt("row"))
