"""The 2022 grant-round record (grants2022.json) → rp:GrantRound and rp:GrantedProject."""

from __future__ import annotations

from ..namespaces import DCT, RP, SCHEMA, SKOS, XSD
from ..records.model import GrantsRecord
from .common import At, Sink, decimal, lit, posint


def _money(sink: Sink, node: str, amount) -> str:
    sink.a(node, SCHEMA + "MonetaryAmount")
    sink.add(node, SCHEMA + "value", decimal(amount))
    sink.add(node, SCHEMA + "currency", lit("NOK"))
    return node


def map_record(rec: GrantsRecord, file: str, sink: Sink, actors, municipality_numbers: dict[str, str]) -> None:
    at = At(file)
    rnd = rec.round
    node = sink.mint(f"grant-round/{rnd.id}")
    sink.a(node, RP + "GrantRound")
    sink.text(node, DCT + "title", rnd.title)
    sink.text(node, SKOS + "prefLabel", rnd.title)
    if rnd.funder:
        sink.add(node, SCHEMA + "funder", sink.mint.actor(rnd.funder))
    if rnd.published:
        sink.add(node, RP + "announcedOn", lit(rnd.published, dt=XSD + "date"))
    sink.add(node, RP + "applicationCount", posint(rnd.applications))
    sink.add(node, RP + "projectCount", posint(rnd.projects_stated))
    sink.add(node, RP + "totalGranted", _money(sink, f"{node}/granted", rnd.amount_granted))
    sink.add(node, RP + "amountAppliedFor", _money(sink, f"{node}/applied", rnd.amount_applied))
    if rnd.text:
        sink.add(node, RP + "sourceText", lit(rnd.text))
    sink.provenance(node, rnd.lines)

    for i, pr in enumerate(rec.projects):
        where = at.item("projects", i)
        p = f"{node}/project/{pr.n}"
        sink.a(p, RP + "GrantedProject")
        sink.add(p, RP + "inGrantRound", node)
        sink.text(p, DCT + "title", pr.title)
        sink.text(p, SKOS + "prefLabel", pr.title or f"Prosjekt {pr.n} ({pr.theme or 'uten tittel'})")
        sink.text(p, DCT + "description", pr.text)
        if pr.theme:
            sink.text(p, DCT + "subject", pr.theme)
        for mun in pr.municipalities:
            if mun.number:
                sink.add(p, DCT + "spatial", sink.mint.municipality(mun.number))
            else:  # outside the register (e.g. Røros): keep the name as the text gives it
                sink.add(p, DCT + "spatial", lit(mun.name, lang="nb"))
        for reg in pr.regions:
            if reg.region:
                sink.add(p, DCT + "spatial", sink.mint.region(reg.region))
            else:
                sink.add(p, DCT + "spatial", lit(reg.name, lang="nb"))
        for k, who in enumerate(pr.cofunders or []):
            iri = actors.iri(who, where.item("cofunders", k))
            if iri:
                sink.add(p, RP + "cofunder", iri)
        for k, mention in enumerate(pr.partners.mentions if pr.partners else []):
            iri = actors.iri(mention, where.key("partners").item("mentions", k))
            if iri:
                sink.add(p, RP + "participant", iri)
        if pr.amount is not None:
            sink.add(p, RP + "grantAmount", _money(sink, f"{p}/amount", pr.amount))
        sink.provenance(p, [pr.line])
