"""A plan-statements record (a plan described on a web page, kg.records.model.PlanStatementsRecord) →
the plan + its rp:PlanStatement resources."""

from __future__ import annotations

from ..namespaces import DCT, RP, SKOS
from ..uris import concept
from .common import Rec, Sink, lit

ASPECTS = {
    "pilots": "pilot", "indicators": "indicator", "follow-up-system": "follow-up",
    "status-reporting": "status-report", "annual-revision": "revision",
    "communication": "communication", "adoption": "adoption",
}


def map_record(rec: Rec, sink: Sink, actors, municipality_numbers: dict[str, str]) -> None:
    plan_rec = rec.sub("plan", required=True)
    plan = sink.mint.plan(plan_rec.req("id"))
    sink.a(plan, RP + "RegionalPlan")
    title = plan_rec.req("title")
    sink.text(plan, DCT + "title", title)
    sink.text(plan, SKOS + "prefLabel", title[:1].upper() + title[1:])
    sink.text(plan, DCT + "description", plan_rec.opt("description"))
    if plan_rec.opt("publisher"):
        sink.add(plan, DCT + "publisher", sink.mint.actor(plan_rec.opt("publisher")))
    if plan_rec.opt("status"):
        sink.add(plan, RP + "planStatus", lit(plan_rec.opt("status")))
    sink.provenance(plan, plan_rec.opt("lines"))
    for st in rec.items("statements"):
        n = st.req("n")
        node = f"{plan}/statement/{n}"
        sink.a(node, RP + "PlanStatement")
        sink.add(node, RP + "aboutPlan", plan)
        text = st.req("text")
        sink.add(node, RP + "sourceText", lit(text))
        sink.add(node, SKOS + "prefLabel", lit(f"Utsagn {n}: {text[:60]}…" if len(text) > 60 else f"Utsagn {n}: {text}", lang="nb"))
        for topic in st.opt("topics", []):
            aspect = ASPECTS.get(topic)
            if aspect is None:
                raise st.error(f"unknown topic {topic!r}; known: {sorted(ASPECTS)}", "topics")
            sink.add(node, RP + "aspect", concept("aspect", aspect))
        if "pilots" in st.opt("topics", []):
            sink.add(plan, RP + "isPilot", lit(True))
        line = st.opt("line")
        sink.provenance(node, [line] if line else st.opt("lines"))
