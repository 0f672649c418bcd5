"""Action-programme records (hp2025.json, hp2024.json) → RDF."""

from __future__ import annotations

import re

from ..namespaces import DCAT, DCT, PROV, RDFS, RP, SCHEMA, SKOS, XSD
from ..records.model import (
    AllocationRow,
    Anomaly,
    Cofunder,
    DistributionRow,
    FieldText,
    Measure,
    Mention,
    ProgrammeRecord,
    WorkbookSource,
)
from ..uris import concept
from .common import At, Sink, decimal, gyear, lit, posint


class Actors:
    """Turns a mention (actor/group id) into an IRI, checking the id exists in the authority file."""

    def __init__(self, sink: Sink, actor_ids: set[str], group_ids: set[str]):
        self.sink, self.actor_ids, self.group_ids = sink, actor_ids, group_ids

    def iri(self, mention: Mention | Cofunder, at: At) -> str | None:
        """``at``: where the mention is (its errors name the file and the JSON path)."""
        actor, group = mention.actor, getattr(mention, "group", None)
        if actor:
            if self.actor_ids and actor not in self.actor_ids:
                raise at.error(f"actor id {actor!r} is not in data/authority/actors.yaml", "actor")
            return self.sink.mint.actor(actor)
        if group:
            if self.group_ids and group not in self.group_ids:
                raise at.error(f"group id {group!r} is not in data/authority/actors.yaml", "group")
            return self.sink.mint.group(group)
        return None


def map_programme(rec: ProgrammeRecord, file: str, sink: Sink, actors: Actors,
                  municipality_numbers: dict[str, str]) -> dict[str, str]:
    """Map one programme record (one with its programme part); returns {measure id: measure IRI}."""
    m = sink.mint
    at = At(file)
    _workbook_source(rec, sink)
    plan_rec, prog = rec.plan, rec.programme
    if prog is None:
        raise at.error("required field is missing", "programme")
    year = prog.year
    plan_slug = m.plan_slug_for(plan_rec.id if plan_rec else None)
    plan = m.plan(plan_slug)
    programme = m.programme(year, plan_slug)

    if plan_rec is not None:
        sink.a(plan, RP + "RegionalPlan")
        sink.text(plan, DCT + "title", plan_rec.title)
        sink.text(plan, SKOS + "prefLabel", plan_rec.title)
        sink.text(plan, RP + "vision", plan_rec.vision)
        if plan_rec.main_goal:
            g = m.goal("main", plan_slug)
            sink.a(g, RP + "Goal")
            sink.add(plan, RP + "mainGoal", g)
            sink.text(g, RP + "goalText", plan_rec.main_goal)
            sink.text(g, SKOS + "prefLabel", plan_rec.main_goal)
            sink.provenance(g, plan_rec.lines, plan_rec.sheet_row)
        sink.provenance(plan, plan_rec.lines, plan_rec.sheet_row)

    sink.a(programme, RP + "ActionProgramme")
    sink.add(programme, RP + "programmeOf", plan)
    sink.add(programme, RP + "programmeYear", gyear(year))
    sink.text(programme, DCT + "title", f"Handlingsprogram {year}")
    sink.add(programme, SKOS + "prefLabel", lit(f"Handlingsprogram {year}", lang="nb"))
    sink.add(programme, SKOS + "prefLabel", lit(f"Action programme {year}", lang="en"))
    if prog.adopted and re.fullmatch(r"\d{4}-\d{2}-\d{2}", prog.adopted):
        sink.add(programme, RP + "adoptedOn", lit(prog.adopted, dt="http://www.w3.org/2001/XMLSchema#date"))
    sink.text(programme, RP + "adoptingBody", prog.adopted_by)
    sink.provenance(programme, prog.lines, prog.sheet_row)

    for fa in rec.focus_areas:
        node = m.focus_area(fa.code, plan_slug)
        sink.a(node, RP + "FocusArea", SKOS + "Concept")
        sink.add(node, SKOS + "inScheme", f"{plan}/focus-areas")
        sink.add(node, SKOS + "notation", lit(fa.code))
        sink.text(node, SKOS + "prefLabel", fa.title)
        sink.add(plan, RP + "hasFocusArea", node)
        if fa.goal:
            g = m.goal(fa.code, plan_slug)
            sink.a(g, RP + "Goal")
            sink.add(node, RP + "goal", g)
            sink.text(g, RP + "goalText", fa.goal)
            sink.text(g, SKOS + "prefLabel", fa.goal)
            if fa.goal_year:
                sink.add(g, RP + "targetYear", gyear(fa.goal_year))
            sink.provenance(g, fa.lines, fa.sheet_row)
        sink.provenance(node, fa.lines, fa.sheet_row)
    sink.a(f"{plan}/focus-areas", SKOS + "ConceptScheme")

    # measure ids first, so links can be resolved within the programme
    ids: dict[str, str] = {}
    for i, mr in enumerate(rec.measures):
        if mr.id in ids:
            raise at.item("measures", i).error(f"duplicate measure id {mr.id!r} in programme {year}", "id")
        ids[mr.id] = m.measure(year, mr.id, plan_slug)

    for i, mr in enumerate(rec.measures):
        _measure(mr, at.item("measures", i), sink, actors, plan_slug, programme, year, ids)

    for i, row in enumerate(rec.centrality or []):
        number = municipality_numbers.get(row.municipality)
        if number is None:
            raise at.item("centrality", i).error(
                f"municipality {row.municipality!r} is not in data/authority/municipalities.yaml", "municipality")
        node = f"{programme}/centrality/{number}"
        sink.a(node, RP + "CentralityAssessment")
        sink.add(node, RP + "municipality", m.municipality(number))
        sink.add(node, RP + "centralityClass", concept("centrality", str(row.class_)))
        sink.add(node, RP + "inProgramme", programme)
        sink.provenance(node, [row.line] if row.line else None, row.sheet_row)

    for reg in rec.regions or []:
        node = m.region(reg.name)
        sink.a(node, RP + "Region")
        sink.text(node, SKOS + "prefLabel", reg.name)
        sink.provenance(node, [reg.line] if reg.line else None, reg.sheet_row)

    for i, doc in enumerate(rec.referenced_documents or []):
        key = doc.key or doc.identifier
        if not key:
            raise at.item("referenced_documents", i).error("a document needs its key or its identifier", "key")
        node = m.document(key)
        sink.a(node, RP + "ReferencedDocument")
        if doc.identifier:
            sink.add(node, DCT + "identifier", lit(doc.identifier))
        title = doc.title or doc.identifier
        sink.text(node, DCT + "title", title)
        sink.text(node, SKOS + "prefLabel", doc.identifier or title)
        sink.add(programme, DCT + "references", node)
        sink.provenance(node, doc.lines, doc.sheet_row)

    _budget_table(rec.allocation_status, "allocation-status", "Status for tildelte midler 2023", sink, programme, ids)
    _budget_table(rec.distribution, "distribution", f"Fordeling av midler {year}", sink, programme, ids)
    return ids


def _workbook_source(rec: ProgrammeRecord, sink: Sink) -> None:
    """A record imported from a workbook: its facts derive from the workbook (file, sha256), described here."""
    src = rec.source
    if not isinstance(src, WorkbookSource):
        return
    sink.use_source(src.id)
    node = sink.source
    sink.a(node, RP + "Workbook")
    sink.text(node, DCT + "title", src.title)
    sink.text(node, SKOS + "prefLabel", src.title)
    sink.add(node, SKOS + "prefLabel", lit(f"Workbook {src.file}", lang="en"))
    sink.add(node, DCT + "identifier", lit(src.file))
    sink.add(node, RP + "sha256", lit(src.sha256, dt=XSD + "hexBinary"))


def _measure(mr: Measure, at: At, sink: Sink, actors: Actors, plan_slug: str, programme: str, year: int,
             ids: dict[str, str]) -> None:
    m = sink.mint
    mid = mr.id
    node = ids[mid]
    sink.a(node, RP + "Measure")
    sink.add(node, RP + "measureId", lit(mid))
    sink.add(node, RP + "inProgramme", programme)
    sink.add(node, RP + "idDerived", lit(mr.id_derived))
    title = mr.title
    sink.text(node, DCT + "title", title)
    if not title:
        sink.add(node, RP + "titleMissing", lit(True))
    if mr.title_derived:
        sink.add(node, RP + "titleDerived", lit(True))
        sink.text(node, RP + "titleBasis", mr.title_basis, lang="en")
    label = f"{mid} {title}" if title else f"{mid} ({year})"
    sink.text(node, SKOS + "prefLabel", label)
    sink.add(node, RP + "level", concept("level", mr.level))
    sink.add(node, RP + "focusArea", m.focus_area(mr.focus_area, plan_slug))
    sink.text(node, DCT + "description", mr.description)
    sink.add(node, RP + "measureStatus", concept("status", mr.status))
    sink.add(node, RP + "isNew", lit(bool(mr.is_new)))
    sink.add(node, RP + "isContinued", lit(bool(mr.is_continued)))
    for marker in mr.markers:
        sink.add(node, RP + "marker", lit(marker))
    sink.provenance(node, mr.lines, mr.sheet_row)
    cont = mr.continues
    if cont is not None:   # 'Viderefører' of a workbook; successors.json states the same for extracted years
        prev = m.measure(cont.year or year - 1, cont.id, plan_slug)
        sink.add(node, RP + "continues", prev)
        sink.add(prev, RP + "continuedBy", node)

    for key, role, prop in (("responsible", "responsible", RP + "responsible"), ("partners", "partner",
                                                                                 RP + "partner")):
        field: FieldText | None = getattr(mr, key)
        if field is None:
            continue
        flines = field.lines
        for k, mention in enumerate(field.mentions, start=1):
            agent = actors.iri(mention, at.key(key).item("mentions", k - 1))
            if agent is None:
                continue
            sink.add(node, prop, agent)
            att = f"{node}/attribution/{role}/{k}"
            sink.add(node, PROV + "qualifiedAttribution", att)
            sink.a(att, PROV + "Attribution")
            sink.add(att, PROV + "agent", agent)
            sink.add(att, DCAT + "hadRole", concept("role", role))
            sink.add(att, RP + "sourceText", lit(mention.text))
            if flines:
                sink.add(att, RP + "sourceLineStart", posint(flines[0]))
                sink.add(att, RP + "sourceLineEnd", posint(flines[-1]))
            sink.row(att, field.sheet_row)

    links = mr.links
    if links is not None:
        if links.text:
            sink.add(node, RP + "linksText", lit(links.text))
        for target in links.measures:
            if target in ids:
                sink.add(node, RP + "linkedTo", ids[target])
            else:
                sink.add(node, RP + "unresolvedLink", lit(target))
        for other in links.other:
            doc = m.document(other)
            sink.a(doc, RP + "ReferencedDocument")
            sink.text(doc, DCT + "title", other)
            sink.text(doc, SKOS + "prefLabel", other)
            sink.add(node, RP + "relatedDocument", doc)

    prio = mr.priority
    if prio is not None:
        if prio.horizon:
            sink.add(node, RP + "horizon", concept("horizon", prio.horizon))
        sink.text(node, RP + "statusPhrase", prio.status_phrase)

    for i, money in enumerate(mr.money, start=1):
        a = f"{node}/money/{i}"
        sink.a(a, RP + "Allocation", SCHEMA + "MonetaryAmount")
        sink.add(node, RP + "hasAllocation", a)
        sink.add(a, SCHEMA + "value", decimal(money.amount))
        sink.add(a, SCHEMA + "currency", lit(money.currency))
        if money.year:
            sink.add(a, RP + "budgetYear", gyear(money.year))
        if money.period:
            if money.period[0] is not None:
                sink.add(a, RP + "periodStart", gyear(money.period[0]))
            if money.period[-1] is not None:
                sink.add(a, RP + "periodEnd", gyear(money.period[-1]))
        sink.add(a, RP + "amountBasis", concept("amount-basis", money.basis))
        sink.text(a, RP + "purpose", money.purpose)
        if money.text:
            sink.add(a, RP + "sourceText", lit(money.text))
        sink.add(a, SKOS + "prefLabel", lit(f"{_nok(money.amount)} NOK ({mid} {year})", lang="nb"))
        sink.provenance(a, [money.line] if money.line else None, money.sheet_row)


def _nok(amount: float) -> str:
    return f"{amount:,.0f}".replace(",", " ")


#: table row field → rp: property (a row type has the fields of its table; the others are absent)
TABLE_AMOUNTS = (("allocated", "allocated"), ("used", "used"), ("carried_over", "carriedOver"), ("amount", "amount"))


def _budget_table(rows: list[AllocationRow] | list[DistributionRow] | None, slug: str, title: str, sink: Sink,
                  programme: str, ids: dict[str, str]) -> None:
    if not rows:
        return
    table = f"{programme}/{slug}"
    sink.a(table, RP + "BudgetTable")
    sink.text(table, DCT + "title", title)
    sink.text(table, SKOS + "prefLabel", title)
    sink.add(table, RP + "inProgramme", programme)
    for n, row in enumerate(rows, start=1):
        mid = row.measure
        node = f"{table}/row/{n}"
        sink.a(node, RP + "BudgetTableRow")
        sink.add(table, RP + "row", node)
        if mid:
            sink.add(node, RP + "tableMeasureId", lit(mid))
            if mid in ids:
                sink.add(node, RP + "forMeasure", ids[mid])
        if row.title_in_table:
            sink.add(node, RP + "tableTitle", lit(row.title_in_table))
        sink.add(node, SKOS + "prefLabel", lit(f"{title}: {mid or n}", lang="nb"))
        for field, prop in TABLE_AMOUNTS:
            value = getattr(row, field, None)
            if value is not None:
                sink.add(node, RP + prop, decimal(value))
        if isinstance(row, AllocationRow):
            if row.decision:
                sink.add(node, RP + "decisionReference", lit(row.decision))
            if row.status:
                sink.add(node, RP + "rowStatus", lit(row.status))
        sink.provenance(node, [row.line] if row.line else row.lines, row.sheet_row)


def map_anomalies(anomalies: list[Anomaly], sink: Sink, measure_iris: dict[str, str], source_id: str) -> None:
    """Publish a record's anomalies as rp:Anomaly resources, linked to the measure they concern."""
    for i, an in enumerate(anomalies, start=1):
        node = sink.mint(f"anomaly/{source_id}/{i}")
        sink.a(node, RP + "Anomaly")
        sink.add(node, RP + "anomalyKind", lit(an.kind))
        sink.add(node, RDFS + "comment", lit(an.message, lang="en"))
        sink.add(node, SKOS + "prefLabel", lit(f"{an.kind}: {an.subject or source_id}", lang="en"))
        for ref in an.measures:  # measures of this record's programme (no year) that it concerns
            if ref.year is None and ref.id in measure_iris:
                sink.add(node, RP + "concerns", measure_iris[ref.id])
        sink.provenance(node, an.lines)
