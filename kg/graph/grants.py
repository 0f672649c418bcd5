"""The 2022 grant-round record (grants2022.json) → rp:GrantRound and rp:GrantedProject."""

from __future__ import annotations

from ..namespaces import DCT, RP, SCHEMA, SKOS, XSD
from .common import Rec, Sink, decimal, lit, posint


def _money(sink: Sink, node: str, amount) -> str:
    sink.a(node, SCHEMA + "MonetaryAmount")
    sink.add(node, SCHEMA + "value", decimal(amount))
    sink.add(node, SCHEMA + "currency", lit("NOK"))
    return node


def map_record(rec: Rec, sink: Sink, actors, municipality_numbers: dict[str, str]) -> None:
    rnd = rec.sub("round", required=True)
    node = sink.mint(f"grant-round/{rnd.req('id', str)}")
    sink.a(node, RP + "GrantRound")
    sink.text(node, DCT + "title", rnd.opt("title", str))
    sink.text(node, SKOS + "prefLabel", rnd.opt("title", str))
    if rnd.opt("funder", str):
        sink.add(node, SCHEMA + "funder", sink.mint.actor(rnd.opt("funder", str)))
    if rnd.opt("published", str):
        sink.add(node, RP + "announcedOn", lit(rnd.opt("published", str), dt=XSD + "date"))
    if rnd.opt("applications", int) is not None:
        sink.add(node, RP + "applicationCount", posint(rnd.opt("applications", int)))
    if rnd.opt("projects_stated", int) is not None:
        sink.add(node, RP + "projectCount", posint(rnd.opt("projects_stated", int)))
    if rnd.opt("amount_granted", (int, float)) is not None:
        sink.add(node, RP + "totalGranted", _money(sink, f"{node}/granted", rnd.opt("amount_granted", (int, float))))
    if rnd.opt("amount_applied", (int, float)) is not None:
        sink.add(node, RP + "amountAppliedFor", _money(sink, f"{node}/applied", rnd.opt("amount_applied", (int, float))))
    if rnd.opt("text", str):
        sink.add(node, RP + "sourceText", lit(rnd.opt("text", str)))
    sink.provenance(node, rnd.opt("lines", list))

    for pr in rec.items("projects"):
        n = pr.req("n", int)
        p = f"{node}/project/{n}"
        sink.a(p, RP + "GrantedProject")
        sink.add(p, RP + "inGrantRound", node)
        title = pr.opt("title", str)
        text = pr.opt("text", str)
        sink.text(p, DCT + "title", title)
        sink.text(p, SKOS + "prefLabel", title or f"Prosjekt {n} ({pr.opt('theme', str) or 'uten tittel'})")
        sink.text(p, DCT + "description", text)
        if pr.opt("theme", str):
            sink.text(p, DCT + "subject", pr.opt("theme", str))
        for mun in pr.items("municipalities"):
            number = mun.opt("number", str)
            if number:
                sink.add(p, DCT + "spatial", sink.mint.municipality(number))
            else:  # outside the register (e.g. Røros): keep the name as the text gives it
                sink.add(p, DCT + "spatial", lit(mun.req("name", str), lang="nb"))
        for reg in pr.items("regions"):
            if reg.opt("region", str):
                sink.add(p, DCT + "spatial", sink.mint.region(reg.opt("region", str)))
            else:
                sink.add(p, DCT + "spatial", lit(reg.req("name", str), lang="nb"))
        for who in pr.items("cofunders"):
            iri = actors.iri(who)
            if iri:
                sink.add(p, RP + "cofunder", iri)
        partners = pr.sub("partners")
        for who in partners.items("mentions") if partners else []:
            iri = actors.iri(who)
            if iri:
                sink.add(p, RP + "participant", iri)
        if pr.opt("amount", (int, float)) is not None:
            sink.add(p, RP + "grantAmount", _money(sink, f"{p}/amount", pr.opt("amount", (int, float))))
        line = pr.opt("line", int)
        sink.provenance(p, [line] if line else pr.opt("lines", list))
