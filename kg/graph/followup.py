"""Follow-up records → RDF: status reports with their money as a Data Cube, a plan's follow-up schedule,
indicators with their values as a Data Cube (ontology/followup.ttl).

IRIs (B = base): a programme's report on a measure …/programme/{year}/status-report/{id}; a report
restating a table row …/status-report/allocation-status-{n} or …/status-report/distribution-{n};
the money cube …/programme/{year}/cube/money with observations {report}/money/{kind}; a plan's schedule
B plan/{plan}/follow-up-schedule with entries …/follow-up-schedule/{k}; indicators B plan/{plan}/indicator/{id},
their cube B plan/{plan}/cube/indicators with observations {indicator}/value/{type}/{period}.
"""

from __future__ import annotations

from ..namespaces import DCT, QB, RP, SKOS
from ..records.model import IndicatorRecord, PlanStatementsRecord, ProgrammeRecord
from ..text import MONTH_NAMES_EN, MONTH_NAMES_NB
from ..uris import concept
from .common import At, Sink, decimal, gyear, lit, posint

MONEY = (("allocated", "allocated", "allocated"), ("used", "used", "used"),
         ("carried_over", "carriedOver", "carried-over"), ("decided", "decided", "decided"))
ROW_TABLES = {"allocation-status": "allocation-status", "distribution": "distribution"}
KIND_LABELS = {"status-note": ("Statusnotat", "Status note"), "report": ("Rapport", "Report"),
               "revision": ("Rullering", "Revision"), "indicator-update": ("Indikatoroppdatering", "Indicator update")}


def report_iri(programme: str, measure: str | None, row: tuple[str, int] | None = None) -> str:
    """IRI of a status report: by its table row (table, n), else by its measure."""
    if row:
        return f"{programme}/status-report/{row[0]}-{row[1]}"
    return f"{programme}/status-report/{measure}"


def money_kinds() -> tuple[tuple[str, str], ...]:
    """(record field, money-kind concept code) in column order."""
    return tuple((field, kind) for field, _, kind in MONEY)


def map_status_reports(rec: ProgrammeRecord, file: str, sink: Sink, measure_iris: dict[str, str]) -> None:
    """The record's status_reports (if any) and the programme's money cube."""
    reports = rec.status_reports
    if not reports:
        return
    at = At(file)
    if rec.programme is None:
        raise at.error("required field is missing", "programme")
    plan_slug = sink.mint.plan_slug_for(rec.plan.id if rec.plan else None)
    year = rec.programme.year
    programme = sink.mint.programme(year, plan_slug)
    cube = f"{programme}/cube/money"
    seen: set[str] = set()
    observations = 0
    for i, r in enumerate(reports):
        where = at.item("status_reports", i)
        row = r.row
        node = report_iri(programme, r.measure, (row.table, row.n) if row else None)
        if node in seen:
            raise where.error(f"a second status report for the same measure and kind ({node})")
        seen.add(node)
        sink.a(node, RP + "StatusReport")
        sink.add(node, RP + "reportedIn", programme)
        sink.add(node, RP + "reportKind", concept("report-kind", r.kind))
        sink.add(node, RP + "reportingPeriod", gyear(r.period))
        mid = r.measure
        if mid is not None:
            if mid not in measure_iris:
                raise where.error(f"measure {mid!r} is not a measure of the {year} programme", "measure")
            sink.add(node, RP + "reportsOn", measure_iris[mid])
        if r.focus_area:
            sink.add(node, RP + "reportFocusArea", sink.mint.focus_area(r.focus_area, plan_slug))
        if r.title_in_source:
            sink.add(node, RP + "reportedTitle", lit(r.title_in_source))
        if r.status:
            sink.add(node, RP + "progressStatus", concept("progress", r.status))
        sink.text(node, RP + "statusText", r.status_text)
        if r.status_rule:
            sink.add(node, RP + "statusRule", lit(r.status_rule))
        if r.decision:
            sink.add(node, RP + "decisionText", lit(r.decision))
        if r.decision_reference:
            sink.add(node, RP + "decisionCase", lit(r.decision_reference))
        if row:
            sink.add(node, RP + "restatesRow", f"{programme}/{ROW_TABLES[row.table]}/row/{row.n}")
        what = mid or r.title_in_source or "?"
        sink.add(node, SKOS + "prefLabel", lit(f"Status {r.period}: {what}", lang="nb"))
        sink.add(node, SKOS + "prefLabel", lit(f"Status {r.period}: {what}", lang="en"))
        for field, prop, kind in MONEY:
            value = getattr(r, field)
            if value is None:
                continue
            sink.add(node, RP + prop, decimal(value))
            obs = f"{node}/money/{kind}"
            sink.a(obs, QB + "Observation")
            sink.add(obs, QB + "dataSet", cube)
            sink.add(obs, RP + "statusReport", node)
            sink.add(obs, RP + "moneyKind", concept("money-kind", kind))
            sink.add(obs, RP + "refPeriod", gyear(r.period))
            sink.add(obs, RP + "amountNOK", decimal(value))
            observations += 1
        sink.provenance(node, r.lines or ([r.line] if r.line else None), r.sheet_row)
    if observations:
        sink.a(cube, QB + "DataSet")
        sink.add(cube, QB + "structure", RP + "moneyStructure")
        sink.add(cube, RP + "inProgramme", programme)
        sink.add(cube, DCT + "title", lit(f"Midler i statusrapportene, handlingsprogram {year}", lang="nb"))
        sink.add(cube, DCT + "title", lit(f"Money in the status reports, action programme {year}", lang="en"))
        sink.add(cube, SKOS + "prefLabel", lit(f"Midler i statusrapportene {year}", lang="nb"))
        sink.add(cube, SKOS + "prefLabel", lit(f"Money in the status reports {year}", lang="en"))
        sink.provenance(cube, None)


def map_plan_followup(rec: PlanStatementsRecord, sink: Sink) -> None:
    """A plan page's schedule and indicators (plan statements record)."""
    plan = sink.mint.plan(rec.plan.id)
    entries = rec.schedule or []
    if entries:
        sched = f"{plan}/follow-up-schedule"
        sink.a(sched, RP + "FollowUpSchedule")
        sink.add(plan, RP + "followUpSchedule", sched)
        sink.add(sched, SKOS + "prefLabel", lit("Oppfølging og rapportering", lang="nb"))
        sink.add(sched, SKOS + "prefLabel", lit("Follow-up and reporting", lang="en"))
        sink.provenance(sched, sorted({e.line for e in entries}))
        for k, e in enumerate(entries, start=1):
            node = f"{sched}/{k}"
            sink.a(node, RP + "ScheduleEntry")
            sink.add(sched, RP + "scheduleEntry", node)
            sink.add(node, RP + "scheduleKind", concept("schedule-kind", e.kind))
            sink.text(node, RP + "reportedWhat", e.what)
            sink.text(node, RP + "reportDocument", e.document)
            sink.text(node, RP + "reporterText", e.reporter)
            sink.text(node, RP + "recipientText", e.recipient)
            sink.text(node, RP + "recipientBasis", e.recipient_basis, lang="en")
            if e.frequency:
                sink.add(node, RP + "frequency", concept("frequency", e.frequency))
            if e.month:
                sink.add(node, RP + "month", posint(e.month))
            sink.add(node, RP + "statedIn", f"{plan}/statement/{e.statement}")
            sink.add(node, RP + "sourceText", lit(e.text))
            nb, en = KIND_LABELS[e.kind]
            if e.month:
                nb, en = f"{nb} i {MONTH_NAMES_NB[e.month - 1]}", f"{en} in {MONTH_NAMES_EN[e.month - 1]}"
            sink.add(node, SKOS + "prefLabel", lit(nb, lang="nb"))
            sink.add(node, SKOS + "prefLabel", lit(en, lang="en"))
            sink.provenance(node, [e.line])
    map_indicators(rec.indicators or [], sink, plan)


def map_programme_indicators(rec: ProgrammeRecord, file: str, sink: Sink) -> None:
    """The indicators a programme record carries (a workbook's Indikatorer): indicators of its plan."""
    if not rec.indicators:
        return
    at = At(file)
    seen: set[str] = set()
    for i, ind in enumerate(rec.indicators):
        if ind.id in seen:
            raise at.item("indicators", i).error(f"a second indicator {ind.id!r} in this record")
        seen.add(ind.id)
    map_indicators(rec.indicators, sink, sink.mint.plan(sink.mint.plan_slug_for(rec.plan.id if rec.plan else None)))


def map_indicators(indicators: list[IndicatorRecord], sink: Sink, owner: str) -> None:
    cube = f"{owner}/cube/indicators"
    observations = 0
    for ind in indicators:
        node = f"{owner}/indicator/{ind.id}"
        sink.a(node, RP + "Indicator")
        sink.add(node, RP + "indicatorOf", owner)
        sink.text(node, DCT + "title", ind.title)
        sink.text(node, SKOS + "prefLabel", ind.title)
        sink.add(node, RP + "indicatorState", concept("indicator-state", ind.state))
        sink.text(node, SKOS + "definition", ind.definition)
        sink.text(node, RP + "unitText", ind.unit)
        if ind.direction:
            sink.add(node, RP + "direction", concept("direction", ind.direction))
        for n in ind.statements:
            sink.add(node, RP + "statedIn", f"{owner}/statement/{n}")
        if ind.text:
            sink.add(node, RP + "sourceText", lit(ind.text))
        sink.provenance(node, [ind.line] if ind.line else None, ind.sheet_row)
        values = [("baseline", ind.baseline)] if ind.baseline else []
        values += [("target", v) for v in ind.targets] + [("actual", v) for v in ind.observations]
        for vtype, v in values:
            obs = f"{node}/value/{vtype}/{v.period}"
            sink.a(obs, QB + "Observation")
            sink.add(obs, QB + "dataSet", cube)
            sink.add(obs, RP + "indicator", node)
            sink.add(obs, RP + "refPeriod", gyear(v.period))
            sink.add(obs, RP + "valueType", concept("value-type", vtype))
            sink.add(obs, RP + "indicatorValue", decimal(v.value))
            if v.text:
                sink.add(obs, RP + "sourceText", lit(v.text))
            sink.provenance(obs, [v.line] if v.line else None, v.sheet_row)
            observations += 1
    if observations:
        sink.a(cube, QB + "DataSet")
        sink.add(cube, QB + "structure", RP + "indicatorStructure")
        sink.add(cube, SKOS + "prefLabel", lit("Indikatorverdier", lang="nb"))
        sink.add(cube, SKOS + "prefLabel", lit("Indicator values", lang="en"))
        sink.provenance(cube, None)
