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
from ..uris import concept
from .common import Rec, Sink, decimal, gyear, lit, posint

MONEY = (("allocated", "allocated", "allocated"), ("used", "used", "used"),
         ("carried_over", "carriedOver", "carried-over"), ("decided", "decided", "decided"))
ROW_TABLES = {"allocation-status": "allocation-status", "distribution": "distribution"}
MONTHS_NB = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
             "november", "desember")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
KIND_LABELS = {"status-note": ("Statusnotat", "Status note"), "report": ("Rapport", "Report"),
               "revision": ("Rullering", "Revision"), "indicator-update": ("Indikatoroppdatering", "Indicator update")}


def report_iri(programme: str, report: dict) -> str:
    """IRI of a status report (a record dict): by its table row, else by its measure."""
    row = report.get("row")
    if row:
        return f"{programme}/status-report/{row['table']}-{row['n']}"
    return f"{programme}/status-report/{report['measure']}"


def money_kinds() -> tuple[tuple[str, str], ...]:
    """(record field, money-kind concept code) in column order."""
    return tuple((field, kind) for field, _, kind in MONEY)


def map_status_reports(rec: Rec, sink: Sink, measure_iris: dict[str, str]) -> None:
    """The record's status_reports (if any) and the programme's money cube."""
    reports = rec.items("status_reports")
    if not reports:
        return
    plan_rec = rec.sub("plan")
    plan_slug = sink.mint.plan_slug_for(plan_rec.opt("id") if plan_rec else None)
    year = rec.sub("programme", required=True).req("year")
    programme = sink.mint.programme(year, plan_slug)
    cube = f"{programme}/cube/money"
    seen: set[str] = set()
    observations = 0
    for r in reports:
        if r.opt("row") is None and r.opt("measure") is None:
            raise r.error("a status report needs a measure or a table row", "measure")
        node = report_iri(programme, r.data)
        if node in seen:
            raise r.error(f"a second status report for the same measure and kind ({node})")
        seen.add(node)
        sink.a(node, RP + "StatusReport")
        sink.add(node, RP + "reportedIn", programme)
        sink.add(node, RP + "reportKind", concept("report-kind", r.req("kind")))
        period = r.req("period")
        sink.add(node, RP + "reportingPeriod", gyear(period))
        mid = r.opt("measure")
        if mid is not None:
            if mid not in measure_iris:
                raise r.error(f"measure {mid!r} is not a measure of the {year} programme", "measure")
            sink.add(node, RP + "reportsOn", measure_iris[mid])
        if r.opt("focus_area"):
            sink.add(node, RP + "reportFocusArea", sink.mint.focus_area(r.opt("focus_area"), plan_slug))
        if r.opt("title_in_source"):
            sink.add(node, RP + "reportedTitle", lit(r.opt("title_in_source")))
        if r.opt("status"):
            sink.add(node, RP + "progressStatus", concept("progress", r.opt("status")))
        sink.text(node, RP + "statusText", r.opt("status_text"))
        if r.opt("status_rule"):
            sink.add(node, RP + "statusRule", lit(r.opt("status_rule")))
        if r.opt("decision"):
            sink.add(node, RP + "decisionText", lit(r.opt("decision")))
        if r.opt("decision_reference"):
            sink.add(node, RP + "decisionCase", lit(r.opt("decision_reference")))
        row = r.opt("row")
        if row:
            sink.add(node, RP + "restatesRow", f"{programme}/{ROW_TABLES[row['table']]}/row/{row['n']}")
        what = mid or r.opt("title_in_source") or "?"
        sink.add(node, SKOS + "prefLabel", lit(f"Status {period}: {what}", lang="nb"))
        sink.add(node, SKOS + "prefLabel", lit(f"Status {period}: {what}", lang="en"))
        for field, prop, kind in MONEY:
            value = r.opt(field)
            if value is None:
                continue
            sink.add(node, RP + prop, decimal(value))
            obs = f"{node}/money/{kind}"
            sink.a(obs, QB + "Observation")
            sink.add(obs, QB + "dataSet", cube)
            sink.add(obs, RP + "statusReport", node)
            sink.add(obs, RP + "moneyKind", concept("money-kind", kind))
            sink.add(obs, RP + "refPeriod", gyear(period))
            sink.add(obs, RP + "amountNOK", decimal(value))
            observations += 1
        sink.provenance(node, r.opt("lines") or [r.req("line")])
    if observations:
        sink.a(cube, QB + "DataSet")
        sink.add(cube, QB + "structure", RP + "moneyStructure")
        sink.add(cube, RP + "inProgramme", programme)
        sink.add(cube, DCT + "title", lit(f"Midler i statusrapportene, handlingsprogram {year}", lang="nb"))
        sink.add(cube, DCT + "title", lit(f"Money in the status reports, action programme {year}", lang="en"))
        sink.add(cube, SKOS + "prefLabel", lit(f"Midler i statusrapportene {year}", lang="nb"))
        sink.add(cube, SKOS + "prefLabel", lit(f"Money in the status reports {year}", lang="en"))
        sink.provenance(cube, None)


def map_plan_followup(rec: Rec, sink: Sink) -> None:
    """A plan page's schedule and indicators (plan statements record)."""
    plan = sink.mint.plan(rec.sub("plan", required=True).req("id"))
    entries = rec.items("schedule")
    if entries:
        sched = f"{plan}/follow-up-schedule"
        sink.a(sched, RP + "FollowUpSchedule")
        sink.add(plan, RP + "followUpSchedule", sched)
        sink.add(sched, SKOS + "prefLabel", lit("Oppfølging og rapportering", lang="nb"))
        sink.add(sched, SKOS + "prefLabel", lit("Follow-up and reporting", lang="en"))
        sink.provenance(sched, sorted({e.req("line") for e in entries}))
        for k, e in enumerate(entries, start=1):
            node = f"{sched}/{k}"
            kind = e.req("kind")
            sink.a(node, RP + "ScheduleEntry")
            sink.add(sched, RP + "scheduleEntry", node)
            sink.add(node, RP + "scheduleKind", concept("schedule-kind", kind))
            sink.text(node, RP + "reportedWhat", e.req("what"))
            sink.text(node, RP + "reportDocument", e.opt("document"))
            sink.text(node, RP + "reporterText", e.opt("reporter"))
            sink.text(node, RP + "recipientText", e.opt("recipient"))
            sink.text(node, RP + "recipientBasis", e.opt("recipient_basis"), lang="en")
            if e.opt("frequency"):
                sink.add(node, RP + "frequency", concept("frequency", e.opt("frequency")))
            month = e.opt("month")
            if month:
                sink.add(node, RP + "month", posint(month))
            sink.add(node, RP + "statedIn", f"{plan}/statement/{e.req('statement')}")
            sink.add(node, RP + "sourceText", lit(e.req("text")))
            nb, en = KIND_LABELS[kind]
            if month:
                nb, en = f"{nb} i {MONTHS_NB[month - 1]}", f"{en} in {MONTHS_EN[month - 1]}"
            sink.add(node, SKOS + "prefLabel", lit(nb, lang="nb"))
            sink.add(node, SKOS + "prefLabel", lit(en, lang="en"))
            sink.provenance(node, [e.req("line")])
    map_indicators(rec, sink, plan)


def map_indicators(rec: Rec, sink: Sink, owner: str) -> None:
    cube = f"{owner}/cube/indicators"
    observations = 0
    for ind in rec.items("indicators"):
        node = f"{owner}/indicator/{ind.req('id')}"
        sink.a(node, RP + "Indicator")
        sink.add(node, RP + "indicatorOf", owner)
        sink.text(node, DCT + "title", ind.req("title"))
        sink.text(node, SKOS + "prefLabel", ind.req("title"))
        sink.add(node, RP + "indicatorState", concept("indicator-state", ind.req("state")))
        sink.text(node, SKOS + "definition", ind.opt("definition"))
        sink.text(node, RP + "unitText", ind.opt("unit"))
        if ind.opt("direction"):
            sink.add(node, RP + "direction", concept("direction", ind.opt("direction")))
        for n in ind.opt("statements", []):
            sink.add(node, RP + "statedIn", f"{owner}/statement/{n}")
        sink.add(node, RP + "sourceText", lit(ind.req("text")))
        sink.provenance(node, [ind.req("line")])
        values = [("baseline", v) for v in ([ind.sub("baseline")] if ind.opt("baseline") else [])]
        values += [("target", v) for v in ind.items("targets")] + [("actual", v) for v in ind.items("observations")]
        for vtype, v in values:
            obs = f"{node}/value/{vtype}/{v.req('period')}"
            sink.a(obs, QB + "Observation")
            sink.add(obs, QB + "dataSet", cube)
            sink.add(obs, RP + "indicator", node)
            sink.add(obs, RP + "refPeriod", gyear(v.req("period")))
            sink.add(obs, RP + "valueType", concept("value-type", vtype))
            sink.add(obs, RP + "indicatorValue", decimal(v.req("value")))
            sink.add(obs, RP + "sourceText", lit(v.req("text")))
            sink.provenance(obs, [v.req("line")])
            observations += 1
    if observations:
        sink.a(cube, QB + "DataSet")
        sink.add(cube, QB + "structure", RP + "indicatorStructure")
        sink.add(cube, SKOS + "prefLabel", lit("Indikatorverdier", lang="nb"))
        sink.add(cube, SKOS + "prefLabel", lit("Indicator values", lang="en"))
        sink.provenance(cube, None)
