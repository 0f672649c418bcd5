"""A plan-statements record (a plan described on a web page, kg.records.model.PlanStatementsRecord) →
the plan + its rp:PlanStatement resources."""

from __future__ import annotations

from ..namespaces import DCT, RP, SKOS
from ..records.model import PlanStatementsRecord
from ..uris import concept
from .common import Sink, lit

#: statement topic (kg.records.model.Topic; tests check both list the same) → aspect concept
ASPECTS = {
    "pilots": "pilot", "indicators": "indicator", "follow-up-system": "follow-up",
    "status-reporting": "status-report", "annual-revision": "revision",
    "communication": "communication", "adoption": "adoption",
}


def map_record(rec: PlanStatementsRecord, file: str, sink: Sink, actors, municipality_numbers: dict[str, str]) -> None:
    plan_rec = rec.plan
    plan = sink.mint.plan(plan_rec.id)
    sink.a(plan, RP + "RegionalPlan")
    title = plan_rec.title
    sink.text(plan, DCT + "title", title)
    sink.text(plan, SKOS + "prefLabel", title[:1].upper() + title[1:])
    sink.text(plan, DCT + "description", plan_rec.description)
    if plan_rec.publisher:
        sink.add(plan, DCT + "publisher", sink.mint.actor(plan_rec.publisher))
    if plan_rec.status:
        sink.add(plan, RP + "planStatus", lit(plan_rec.status))
    sink.provenance(plan, plan_rec.lines)
    for st in rec.statements:
        node = f"{plan}/statement/{st.n}"
        sink.a(node, RP + "PlanStatement")
        sink.add(node, RP + "aboutPlan", plan)
        text = st.text
        sink.add(node, RP + "sourceText", lit(text))
        short = f"{text[:60]}…" if len(text) > 60 else text   # the statement as written (nb)
        sink.add(node, SKOS + "prefLabel", lit(f"Utsagn {st.n}: {short}", lang="nb"))
        sink.add(node, SKOS + "prefLabel", lit(f"Statement {st.n}: {short}", lang="en"))
        for topic in st.topics:
            sink.add(node, RP + "aspect", concept("aspect", ASPECTS[topic]))
        if "pilots" in st.topics:
            sink.add(plan, RP + "isPilot", lit(True))
        sink.provenance(node, [st.line])
