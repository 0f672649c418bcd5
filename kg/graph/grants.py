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
    node = sink.mint(f"grant-round/{rnd.req('id')}")
    sink.a(node, RP + "GrantRound")
    sink.text(node, DCT + "title", rnd.opt("title"))
    sink.text(node, SKOS + "prefLabel", rnd.opt("title"))
    if rnd.opt("funder"):
        sink.add(node, SCHEMA + "funder", sink.mint.actor(rnd.opt("funder")))
    if rnd.opt("published"):
        sink.add(node, RP + "announcedOn", lit(rnd.opt("published"), dt=XSD + "date"))
    if rnd.opt("applications") is not None:
        sink.add(node, RP + "applicationCount", posint(rnd.opt("applications")))
    if rnd.opt("projects_stated") is not None:
        sink.add(node, RP + "projectCount", posint(rnd.opt("projects_stated")))
    if rnd.opt("amount_granted") is not None:
        sink.add(node, RP + "totalGranted", _money(sink, f"{node}/granted", rnd.opt("amount_granted")))
    if rnd.opt("amount_applied") is not None:
        sink.add(node, RP + "amountAppliedFor", _money(sink, f"{node}/applied", rnd.opt("amount_applied")))
    if rnd.opt("text"):
        sink.add(node, RP + "sourceText", lit(rnd.opt("text")))
    sink.provenance(node, rnd.opt("lines"))

    for pr in rec.items("projects"):
        n = pr.req("n")
        p = f"{node}/project/{n}"
        sink.a(p, RP + "GrantedProject")
        sink.add(p, RP + "inGrantRound", node)
        title = pr.opt("title")
        text = pr.opt("text")
        sink.text(p, DCT + "title", title)
        sink.text(p, SKOS + "prefLabel", title or f"Prosjekt {n} ({pr.opt('theme') or 'uten tittel'})")
        sink.text(p, DCT + "description", text)
        if pr.opt("theme"):
            sink.text(p, DCT + "subject", pr.opt("theme"))
        for mun in pr.items("municipalities"):
            number = mun.opt("number")
            if number:
                sink.add(p, DCT + "spatial", sink.mint.municipality(number))
            else:  # outside the register (e.g. Røros): keep the name as the text gives it
                sink.add(p, DCT + "spatial", lit(mun.req("name"), lang="nb"))
        for reg in pr.items("regions"):
            if reg.opt("region"):
                sink.add(p, DCT + "spatial", sink.mint.region(reg.opt("region")))
            else:
                sink.add(p, DCT + "spatial", lit(reg.req("name"), lang="nb"))
        for who in pr.items("cofunders"):
            iri = actors.iri(who)
            if iri:
                sink.add(p, RP + "cofunder", iri)
        partners = pr.sub("partners")
        for who in partners.items("mentions") if partners else []:
            iri = actors.iri(who)
            if iri:
                sink.add(p, RP + "participant", iri)
        if pr.opt("amount") is not None:
            sink.add(p, RP + "grantAmount", _money(sink, f"{p}/amount", pr.opt("amount")))
        line = pr.opt("line")
        sink.provenance(p, [line] if line else pr.opt("lines"))
