"""Authority data (data/authority/*.yaml) → RDF: actors, actor groups, municipalities, regions."""

from __future__ import annotations

from pathlib import Path

from ..authority import AuthorityError, municipalities
from ..namespaces import DCT, KLASS_MUNICIPALITIES, ORG, PROV, RDFS, RP, SKOS, XSD
from .common import RecordError, Sink, lit

ACTOR_CLASSES = {
    "county-authority": "CountyAuthority",
    "state-agency": "StateAgency",
    "municipality": "MunicipalAuthority",
    "university-or-college": "UniversityOrCollege",
    "research-institute": "ResearchInstitute",
    "company": "Company",
    "ngo": "NGO",
    "council-or-network": "CouncilOrNetwork",
    "museum": "Museum",
    "school": "School",
    "business-garden": "BusinessGarden",
    "foreign-authority": "ForeignAuthority",
    "interest-organisation": "InterestOrganisation",
    "other": "OtherOrganisation",
}


def map_municipalities(sink: Sink, path: Path | None = None) -> dict[str, str]:
    """Returns {name: number} (kg.authority has checked numbers and names)."""
    try:
        munis = municipalities(path)
    except AuthorityError as e:
        raise RecordError(e.file, f"line {e.line}", e.message) from None
    for row in munis.entries:
        number, name = str(row["number"]), row["name"]
        node = sink.mint.municipality(number)
        sink.a(node, RP + "Municipality")
        sink.add(node, RP + "municipalityNumber", lit(number))
        sink.text(node, SKOS + "prefLabel", name)
        sink.add(node, RP + "codeValidFrom", lit(munis.valid_from, dt=XSD + "date"))
        sink.add(node, DCT + "source", KLASS_MUNICIPALITIES)
        region = row.get("region")
        if region:
            r = sink.mint.region(region)
            sink.a(r, RP + "Region")
            sink.text(r, SKOS + "prefLabel", region)
            sink.add(node, RP + "inRegion", r)
    return munis.numbers


def name_key(text: str) -> str:
    """Case- and space-insensitive look-up key for a name ("NAV", "Nav" → "nav")."""
    return " ".join(text.split()).casefold()


def _name_keys(sink: Sink, node: str, names) -> None:
    for key in sorted({name_key(n) for n in names if n}):
        sink.add(node, RP + "nameKey", lit(key))


def map_actors(sink: Sink, authority, municipality_numbers: dict[str, str]) -> tuple[set[str], set[str]]:
    """Map the actor authority (kg.extract.actors.Authority); returns (actor ids, group ids)."""
    path = str(authority.path)
    for ident, entry in sorted(authority.actors.items()):
        node = sink.mint.actor(ident)
        cls = ACTOR_CLASSES.get(entry.get("type"))
        if cls is None:
            raise RecordError(path, f"actors[{ident}].type", f"unknown actor type {entry.get('type')!r}")
        sink.a(node, ORG + "Organization", RP + cls, PROV + "Agent")
        sink.text(node, SKOS + "prefLabel", entry.get("label"))
        for alias in entry.get("aliases") or []:
            if alias != entry.get("label"):
                sink.text(node, SKOS + "altLabel", alias)
        for former in entry.get("former_names") or []:
            sink.text(node, RP + "formerName", former)
            sink.text(node, SKOS + "hiddenLabel", former)
        _name_keys(sink, node, [entry.get("label"), *(entry.get("aliases") or []), *(entry.get("former_names") or [])])
        parent = entry.get("parent")
        if parent:
            if parent not in authority.actors:
                raise RecordError(path, f"actors[{ident}].parent", f"unknown parent {parent!r}")
            sink.add(node, ORG + "subOrganizationOf", sink.mint.actor(parent))
        if entry.get("note"):
            sink.add(node, RDFS + "comment", lit(entry["note"], lang="en"))
        if entry.get("source"):
            sink.add(node, DCT + "source", lit(str(entry["source"])))
    for ident, entry in sorted(authority.groups.items()):
        node = sink.mint.group(ident)
        sink.a(node, RP + "ActorGroup", PROV + "Agent")
        sink.text(node, SKOS + "prefLabel", entry.get("label"))
        for alias in entry.get("aliases") or []:
            if alias != entry.get("label"):
                sink.text(node, SKOS + "altLabel", alias)
        _name_keys(sink, node, [entry.get("label"), *(entry.get("aliases") or [])])
        for member in entry.get("members") or []:
            number = municipality_numbers.get(member)
            if number is None:
                raise RecordError(path, f"groups[{ident}].members", f"{member!r} is not in municipalities.yaml")
            sink.add(node, RP + "groupMember", sink.mint.municipality(number))
        if entry.get("note"):
            sink.add(node, RDFS + "comment", lit(entry["note"], lang="en"))
    return set(authority.actors), set(authority.groups)
