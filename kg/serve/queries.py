"""The ready-made research questions (`queries/*.rq`) and the query page's built-in views.

The .rq header format and parameter rules are kg/queries.py's (`# param: NAME TYPE DEFAULT …`,
`$name` placeholders); whatever files exist are loaded, sorted by file name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import queries as rq
from ..namespaces import sparql_prefixes


Param = rq.Param  # one definition of a question's parameter, shared with `kg query`


@dataclass
class ReadyQuery:
    name: str
    title: str
    description: str
    text: str  # ready to run: parameters filled with their defaults
    params: list[Param] = field(default_factory=list)
    view: str | None = None  # preferred visual view: table | bar | network
    template: str = ""  # the .rq text with `$name` placeholders (filled in by the page's script)

    def as_json(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description, "text": self.text,
                "template": self.template or self.text, "view": self.view, "params": [p.__dict__ for p in self.params]}


def _guess_view(name: str, text: str) -> str | None:
    low = (name + " " + text).lower()
    if "pair" in low or "network" in low:
        return "network"
    if "money" in low or "sum(" in low:
        return "bar"
    return None


def load_queries(folder: Path) -> tuple[list[ReadyQuery], list[str]]:
    """The questions in `folder` (parsed by kg.queries, the same rules as `kg query`) and the
    errors of files that could not be read (shown on the page instead of failing it)."""
    out, errors = [], []
    if not folder.is_dir():
        return out, errors
    for path in sorted(folder.glob("*.rq")):
        try:
            q = rq.parse(path)
            text = q.render()
        except (rq.QueryError, OSError, UnicodeDecodeError) as e:
            errors.append(str(e))
            continue
        params = list(q.params)
        out.append(ReadyQuery(q.name, q.title, q.description, text, params, _guess_view(q.name, q.body), q.body))
    return out, errors


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
