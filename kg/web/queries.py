"""The ready-made research questions (`queries/*.rq`) and the query page's built-in views.

The .rq header format and parameter rules are kg/queries.py's (`# param: NAME TYPE DEFAULT …`,
`$name` placeholders); whatever files exist are loaded, sorted by file name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import queries as rq
from ..namespaces import sparql_prefixes
from . import i18n

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
    titles: dict[str, str] = field(default_factory=dict)  # language → title (the page shows its language's)
    descriptions: dict[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        """The title in `lang`, else Bokmål, else the file's title."""
        return self.titles.get(lang) or self.titles.get("nb") or self.title

    def description_in(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("nb") or self.description

    def as_json(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description, "text": self.text,
                "template": self.template or self.text, "view": self.view, "params": [p.__dict__ for p in self.params],
                "titles": self.titles or {"en": self.title},
                "descriptions": self.descriptions or {"en": self.description}}


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
        out.append(ReadyQuery(q.name, q.title, q.description, text, params, _guess_view(q.name, q.body), q.body,
                              q.titles, q.descriptions))
    return out, errors


def builtin_views(lang: str = i18n.DEFAULT) -> list[ReadyQuery]:
    """The two visual views of the query page (our own queries against the rp: vocabulary); the texts the
    money view writes into its results (the basis of an amount) are in `lang`."""
    pre = sparql_prefixes()
    t = lambda text: i18n.t(text, lang)  # noqa: E731  (the catalogue texts contain no quote)
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
        titles={"nb": "Nettverk: aktører som arbeider sammen", "en": "Network: actors who work together"},
        descriptions={
            "nb": "Par av aktører som er ansvarlige eller samarbeidspartnere i samme satsing; vekt = antall felles "
                  "satsinger. Velg en terskel for vekten eller én aktør å se nettverket rundt.",
            "en": "Pairs of actors responsible or partner in the same measure; weight = number of shared measures. "
                  "Choose a weight threshold or one actor to see the network around it."},
    )
    # Amounts of different bases are never added up: an amount per year, an amount for one year and an
    # amount for a period each get their own bar, named by the basis (and its years).
    money = ReadyQuery(
        "money-per-focus-area",
        "Diagram: midler per satsingsområde, år og grunnlag",
        "Sum av beløpene (NOK) satsingstekstene nevner, per satsingsområde, programår og grunnlag.",
        pre + f"""SELECT ?focusArea ?basis ?nok ?measures WHERE {{
  {{ SELECT ?faLabel ?year ?basis (SUM(?amount) AS ?nok)
           (GROUP_CONCAT(DISTINCT ?id; separator=", ") AS ?measures) WHERE {{
      ?m a rp:Measure ; rp:measureId ?id ; rp:focusArea ?fa ; rp:inProgramme ?p ; rp:hasAllocation ?a .
      ?a (schema:value|rp:amount) ?amount .
      OPTIONAL {{ ?p rp:programmeYear ?y }}
      BIND(COALESCE(STR(?y), REPLACE(STR(?p), "^.*/programme/", "")) AS ?year)
      OPTIONAL {{ ?a rp:amountBasis ?b }}
      OPTIONAL {{ ?a rp:periodStart ?ps }} OPTIONAL {{ ?a rp:periodEnd ?pe }} OPTIONAL {{ ?a rp:budgetYear ?by }}
      BIND(IF(BOUND(?ps) && BOUND(?pe), CONCAT(STR(?ps), "–", STR(?pe)), "") AS ?period)
      BIND(IF(!BOUND(?b), "{t('grunnlag ikke registrert')}",
           IF(STRENDS(STR(?b), "/per-year"), IF(?period != "", CONCAT("{t('per år i ')}", ?period), "{t('per år')}"),
           IF(?period != "", CONCAT("{t('for perioden ')}", ?period),
           IF(BOUND(?by), CONCAT("{t('for ')}", STR(?by)), "{t('totalt (periode ikke registrert)')}")))) AS ?basis)
      OPTIONAL {{ ?fa skos:prefLabel ?faL FILTER(LANG(?faL) IN ("nb", "")) }}
      BIND(COALESCE(?faL, STR(?fa)) AS ?faLabel)
    }} GROUP BY ?faLabel ?year ?basis }}
  BIND(CONCAT(?faLabel, " ", ?year) AS ?focusArea)
}} ORDER BY ?year ?faLabel ?basis
""",
        view="bar",
        titles={"nb": "Diagram: midler per satsingsområde, år og grunnlag",
                "en": "Chart: money per focus area, year and basis"},
        descriptions={
            "nb": "Sum av beløpene (NOK) satsingstekstene nevner, per satsingsområde og programår. Beløp per år, for "
                  "ett år og for en periode holdes adskilt (egen stolpe per grunnlag) og summeres aldri sammen.",
            "en": "Sum of the amounts (NOK) the measure texts mention, per focus area and programme year. Amounts per "
                  "year, for one year and for a period are kept apart (one bar per basis) and never added up."},
    )
    return [network, money]
