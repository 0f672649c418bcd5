"""The ready-made research questions (`queries/*.rq`) and the query page's built-in views.

An .rq file starts with comment lines `# title: …`, `# description: …` and any number of
`# param: name default description…`; whatever files exist are loaded (sorted by file name).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..namespaces import sparql_prefixes


@dataclass
class Param:
    name: str
    default: str
    description: str


@dataclass
class ReadyQuery:
    name: str
    title: str
    description: str
    text: str
    params: list[Param] = field(default_factory=list)
    view: str | None = None  # preferred visual view: table | bar | network

    def as_json(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description, "text": self.text,
                "view": self.view, "params": [p.__dict__ for p in self.params]}


def parse_rq(path: Path) -> ReadyQuery:
    text = path.read_text(encoding="utf-8")
    title = description = ""
    params: list[Param] = []
    view = None
    for line in text.splitlines():
        s = line.strip()
        if not s.startswith("#"):
            if s:
                break
            continue
        body = s.lstrip("#").strip()
        key, _, rest = body.partition(":")
        key = key.strip().lower()
        rest = rest.strip()
        if key == "title":
            title = rest
        elif key == "description":
            description = (description + " " + rest).strip()
        elif key == "param" and rest:
            bits = rest.split(None, 2)
            params.append(Param(bits[0].lstrip("?$"), bits[1] if len(bits) > 1 else "", bits[2] if len(bits) > 2 else ""))
        elif key == "view":
            view = rest.split()[0].lower() if rest else None
    return ReadyQuery(path.stem, title or path.stem.replace("-", " ").replace("_", " "), description, text, params, view)


def load_queries(folder: Path) -> list[ReadyQuery]:
    if not folder.is_dir():
        return []
    return [parse_rq(p) for p in sorted(folder.glob("*.rq"))]


def builtin_views() -> list[ReadyQuery]:
    """The two visual views of the query page (our own queries against the rp: vocabulary)."""
    pre = sparql_prefixes()
    network = ReadyQuery(
        "actor-network",
        "Nettverk: aktører som arbeider sammen",
        "Par av aktører som er ansvarlige eller samarbeidspartnere i samme satsing; vekt = antall felles satsinger.",
        pre + """SELECT ?a ?aLabel ?b ?bLabel (COUNT(DISTINCT ?m) AS ?weight) WHERE {
  ?m a rp:Measure ; (rp:responsible|rp:partner) ?a, ?b .
  FILTER(STR(?a) < STR(?b))
  OPTIONAL { ?a skos:prefLabel ?aLabel FILTER(LANG(?aLabel) IN ("nb", "")) }
  OPTIONAL { ?b skos:prefLabel ?bLabel FILTER(LANG(?bLabel) IN ("nb", "")) }
} GROUP BY ?a ?aLabel ?b ?bLabel ORDER BY DESC(?weight)
""",
        view="network",
    )
    money = ReadyQuery(
        "money-per-focus-area",
        "Diagram: midler per satsingsområde og år",
        "Sum av beløp (NOK) knyttet til satsingene, per satsingsområde og programår.",
        pre + """SELECT ?focusArea (SAMPLE(?year) AS ?programmeYear) (SUM(?amount) AS ?nok) WHERE {
  ?m a rp:Measure ; rp:focusArea ?fa ; rp:inProgramme ?p ; rp:hasAllocation ?a .
  ?a (schema:value|rp:amount) ?amount .
  OPTIONAL { ?p rp:programmeYear ?y }
  BIND(COALESCE(STR(?y), REPLACE(STR(?p), "^.*/programme/", "")) AS ?year)
  OPTIONAL { ?fa skos:prefLabel ?faLabel FILTER(LANG(?faLabel) IN ("nb", "")) }
  BIND(CONCAT(COALESCE(?faLabel, STR(?fa)), " ", ?year) AS ?focusArea)
} GROUP BY ?focusArea ORDER BY ?focusArea
""",
        view="bar",
    )
    return [network, money]
