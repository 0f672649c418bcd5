"""Synthetic action-programme data in the shapes of the graph contract, for benchmarks.

    python bench/generate.py --triples 100000 --out /tmp/syn-100k.nq [--seed 1]

Many plans, each with yearly programmes; measures with Zipf-distributed responsible and partner
organisations, qualified attributions, links (with cycles), allocations, budget tables with
totals, municipalities with centrality classes. About 0.3 % of the measures carry one injected
error of a known kind; ``FILE.expected.json`` lists how many results per shape and severity the
profile in shapes/ must report — clean data gives none. Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

B = "https://example.org/syn/"
RP = "https://w3id.org/regplan/ontology#"
C = "https://w3id.org/regplan/concept/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
DCT = "http://purl.org/dc/terms/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
SCHEMA = "http://schema.org/"
DCAT = "http://www.w3.org/ns/dcat#"
ORG_TYPES = ["CountyAuthority", "StateAgency", "MunicipalAuthority", "UniversityOrCollege", "Company", "NGO"]
LEVELS = ["county", "district", "urban"]
WORDS = ("inkludering kompetanse arbeidsliv ungdom bolig frivillighet helse kultur samarbeid "
         "næringsliv distrikt by region utdanning mangfold deltakelse oppvekst lokalsamfunn").split()

#: injected error kinds -> the (shape, severity) results each one causes
ERRORS = {
    "missing-id": [("Measure-id", "Violation")],
    "wrong-datatype": [("Measure-isNew", "Violation")],
    "dangling-link": [("MeasureLinkTargetShape", "Violation")],
    "bad-level": [("Measure-level", "Violation")],
    "missing-title": [("MeasureShape", "Violation")],
    "self-link": [("MeasureSelfLinkShape", "Warning")],
    "responsible-is-partner": [("Measure-responsibleNotPartner", "Warning")],
    "table-total": [("BudgetTableTotalsShape", "Warning")],
}


MEASURE_ERRORS = sorted(k for k in ERRORS if k != "table-total")   # table errors are drawn per table


def iri(s: str) -> str:
    return f"<{s}>"


def lit(s: str, lang: str | None = None, dt: str | None = None) -> str:
    s = s.replace("\\", "\\\\").replace('"', '\\"')
    if lang:
        return f'"{s}"@{lang}'
    if dt:
        return f'"{s}"^^<{XSD}{dt}>'
    return f'"{s}"'


class Writer:
    def __init__(self, fh):
        self.fh, self.n, self.graph = fh, 0, ""

    def t(self, s, p, o):
        self.fh.write(f"{s} {p} {o} {self.graph} .\n")
        self.n += 1


def generate(triples: int, out: Path, seed: int = 1, error_rate: float = 0.003) -> dict:
    rnd = random.Random(seed)
    n_orgs = max(50, triples // 500)
    weights = [1.0 / (k + 1) for k in range(n_orgs)]          # Zipf, s = 1
    cum = []
    acc = 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    orgs = [f"{B}actor/{k}" for k in range(n_orgs)]
    expected: Counter = Counter()
    injected: Counter = Counter()
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        w = Writer(fh)
        # the profile's concept schemes, as `kg build` puts them in the ontology graph, so questions
        # that show concept labels (levels, horizons, statuses) do real work on the synthetic data too
        import pyoxigraph as ox
        concepts = Path(__file__).resolve().parent.parent / "ontology" / "concepts.ttl"
        og = ox.NamedNode(B + "graph/ontology")
        for t in ox.parse(path=str(concepts), format=ox.RdfFormat.TURTLE):
            fh.write(str(ox.Quad(t.subject, t.predicate, t.object, og)) + " .\n")
        w.graph = iri(B + "graph/authority")
        for k, o in enumerate(orgs):
            w.t(iri(o), RDF_TYPE, iri(ORG + "Organization"))
            w.t(iri(o), RDF_TYPE, iri(RP + ORG_TYPES[k % len(ORG_TYPES)]))
            w.t(iri(o), iri(SKOS + "prefLabel"), lit(f"Organisasjon {k}", "nb"))
            w.t(iri(o), iri(RP + "nameKey"), lit(f"organisasjon {k}"))  # as kg build writes it
            w.t(iri(o), RDF_TYPE, iri("http://www.w3.org/ns/prov#Agent"))
        munis = []
        for k in range(max(10, triples // 5000)):
            m = f"{B}place/municipality/{3400 + k}"
            munis.append(m)
            w.t(iri(m), RDF_TYPE, iri(RP + "Municipality"))
            w.t(iri(m), iri(RP + "municipalityNumber"), lit(f"{(3400 + k) % 10000:04d}"))
            w.t(iri(m), iri(SKOS + "prefLabel"), lit(f"Kommune {k}", "nb"))
            w.t(iri(m), iri(RP + "inRegion"), iri(f"{B}place/region/{k // 8}"))
        for r in range(len(munis) // 8 + 1):
            w.t(iri(f"{B}place/region/{r}"), RDF_TYPE, iri(RP + "Region"))
            w.t(iri(f"{B}place/region/{r}"), iri(SKOS + "prefLabel"), lit(f"Region {r}", "nb"))
        src = iri(B + "source/syn")
        w.t(src, RDF_TYPE, iri(RP + "SourceDocument"))
        w.t(src, iri(DCT + "title"), lit("Syntetisk kilde", "nb"))
        w.t(src, iri(DCT + "publisher"), iri(orgs[0]))
        w.t(src, iri(RP + "sha256"), lit("0" * 64))
        plan_no = 0
        while w.n < triples:
            plan = f"{B}plan/{plan_no}"
            w.graph = iri(f"{B}graph/plan-{plan_no}")
            w.t(iri(plan), RDF_TYPE, iri(RP + "RegionalPlan"))
            w.t(iri(plan), iri(DCT + "title"), lit(f"Regional plan {plan_no}", "nb"))
            fas = []
            for code in "KAL":
                fa = f"{plan}/focus-area/{code}"
                fas.append(fa)
                w.t(iri(plan), iri(RP + "hasFocusArea"), iri(fa))
                w.t(iri(fa), RDF_TYPE, iri(RP + "FocusArea"))
                w.t(iri(fa), iri(SKOS + "prefLabel"), lit(f"Satsingsområde {code}", "nb"))
                w.t(iri(fa), iri(SKOS + "notation"), lit(code))
            for year in range(2021, 2026):
                if w.n >= triples and year > 2021:
                    break
                prog = f"{plan}/programme/{year}"
                w.t(iri(prog), RDF_TYPE, iri(RP + "ActionProgramme"))
                w.t(iri(prog), iri(RP + "programmeOf"), iri(plan))
                w.t(iri(prog), iri(RP + "programmeYear"), lit(str(year), dt="gYear"))
                w.t(iri(prog), iri(RP + "adoptedOn"), lit(f"{year}-02-18", dt="date"))
                w.t(iri(prog), iri(DCT + "title"), lit(f"Handlingsprogram {year}", "nb"))
                for m in munis:
                    ca = f"{prog}/centrality/{m.rsplit('/', 1)[1]}"
                    w.t(iri(ca), RDF_TYPE, iri(RP + "CentralityAssessment"))
                    w.t(iri(ca), iri(RP + "municipality"), iri(m))
                    w.t(iri(ca), iri(RP + "centralityClass"), iri(f"{C}centrality/{rnd.randint(1, 6)}"))
                    w.t(iri(ca), iri(RP + "inProgramme"), iri(prog))
                n_meas = rnd.randint(30, 60)
                ids = [f"{'KAL'[i % 3]}{i + 1}" for i in range(n_meas)]
                mnodes = [f"{prog}/measure/{i}" for i in ids]
                titles = {}
                table_rows = []
                for i, (mid, node) in enumerate(zip(ids, mnodes)):
                    err = None
                    if rnd.random() < error_rate:
                        err = rnd.choice(MEASURE_ERRORS)
                    s = iri(node)
                    title = " ".join(rnd.sample(WORDS, 3)).capitalize()
                    titles[node] = title
                    w.t(s, RDF_TYPE, iri(RP + "Measure"))
                    if err != "missing-id":
                        w.t(s, iri(RP + "measureId"), lit(mid))
                    if err != "missing-title":
                        w.t(s, iri(DCT + "title"), lit(title, "nb"))
                    w.t(s, iri(RP + "inProgramme"), iri(prog))
                    w.t(s, iri(RP + "level"),
                        iri(f"{C}horizon/short" if err == "bad-level" else f"{C}level/{rnd.choice(LEVELS)}"))
                    w.t(s, iri(RP + "focusArea"), iri(fas[i % 3]))
                    w.t(s, iri(DCT + "description"), lit(f"Beskrivelse av {title.lower()}.", "nb"))
                    w.t(s, iri(RP + "isNew"), lit("yes") if err == "wrong-datatype" else lit(rnd.choice(["true",
                                                                                                         "false"]),
                                                                                                         dt="boolean"))
                    w.t(s, iri(RP + "measureStatus"), iri(f"{C}status/active"))
                    w.t(s, iri(RP + "horizon"), iri(f"{C}horizon/{rnd.choice(['short', 'long', 'short-and-long'])}"))
                    w.t(s, iri(PROV + "wasDerivedFrom"), src)
                    start = rnd.randint(1, 5000)
                    w.t(s, iri(RP + "sourceLineStart"), lit(str(start), dt="integer"))
                    w.t(s, iri(RP + "sourceLineEnd"), lit(str(start + rnd.randint(0, 30)), dt="integer"))
                    resp = orgs[rnd.choices(range(n_orgs), cum_weights=cum)[0]]
                    partners = set()
                    while len(partners) < rnd.randint(1, 5):
                        p = orgs[rnd.choices(range(n_orgs), cum_weights=cum)[0]]
                        if p != resp:
                            partners.add(p)
                    if err == "responsible-is-partner":
                        partners.add(resp)
                    w.t(s, iri(RP + "responsible"), iri(resp))
                    for role, agents in (("responsible", [resp]), ("partner", sorted(partners))):
                        for a_no, agent in enumerate(agents):
                            if role == "partner":
                                w.t(s, iri(RP + "partner"), iri(agent))
                            att = f"_:a{plan_no}x{year}x{i}x{role[0]}{a_no}"
                            w.t(s, iri(PROV + "qualifiedAttribution"), att)
                            w.t(att, RDF_TYPE, iri(PROV + "Attribution"))
                            w.t(att, iri(PROV + "agent"), iri(agent))
                            w.t(att, iri(DCAT + "hadRole"), iri(f"{C}role/{role}"))
                    others = [x for x in mnodes if x != node]
                    for target in rnd.sample(others, min(len(others), rnd.randint(0, 4))):
                        w.t(s, iri(RP + "linkedTo"), iri(target))
                    if err == "self-link":
                        w.t(s, iri(RP + "linkedTo"), s)
                    if err == "dangling-link":
                        w.t(s, iri(RP + "linkedTo"), iri(f"{prog}/measure/X{i}"))
                    money = f"{node}/money/1"
                    amount = rnd.randint(1, 40) * 100000
                    w.t(s, iri(RP + "hasAllocation"), iri(money))
                    w.t(iri(money), RDF_TYPE, iri(RP + "Allocation"))
                    w.t(iri(money), iri(SCHEMA + "value"), lit(str(amount), dt="decimal"))
                    w.t(iri(money), iri(SCHEMA + "currency"), lit("NOK"))
                    w.t(iri(money), iri(RP + "budgetYear"), lit(str(year), dt="gYear"))
                    w.t(iri(money), iri(RP + "amountBasis"), iri(f"{C}amount-basis/per-year"))
                    if rnd.random() < 0.3:
                        table_rows.append((mid, node, amount))
                    if err:
                        injected[err] += 1
                        for key in ERRORS[err]:
                            expected[key] += 1
                if table_rows:
                    table = f"{prog}/allocation-status"
                    total = sum(a for _, _, a in table_rows)
                    if rnd.random() < error_rate * 10:
                        total += 100000
                        injected["table-total"] += 1
                        expected[ERRORS["table-total"][0]] += 1
                    w.t(iri(table), RDF_TYPE, iri(RP + "BudgetTable"))
                    w.t(iri(table), iri(DCT + "title"), lit(f"Status for tildelte midler {year}", "nb"))
                    w.t(iri(table), iri(RP + "inProgramme"), iri(prog))
                    w.t(iri(table), iri(RP + "allocated"), lit(str(total), dt="decimal"))
                    for mid, node, amount in table_rows:
                        row = f"{table}/row/{mid}"
                        w.t(iri(table), iri(RP + "row"), iri(row))
                        w.t(iri(row), RDF_TYPE, iri(RP + "BudgetTableRow"))
                        w.t(iri(row), iri(RP + "tableMeasureId"), lit(mid))
                        w.t(iri(row), iri(RP + "tableTitle"), lit(titles[node]))
                        w.t(iri(row), iri(RP + "forMeasure"), iri(node))
                        w.t(iri(row), iri(RP + "allocated"), lit(str(amount), dt="decimal"))
            plan_no += 1
        total_triples = w.n
    tmp.replace(out)
    exp = {"triples": total_triples, "seed": seed, "injected": dict(sorted(injected.items())),
           "expected": {f"{shape} {sev}": n for (shape, sev), n in sorted(expected.items())},
           "per_severity": dict(Counter(sev for (_, sev), n in expected.items() for _ in range(n)))}
    out.with_name(out.name + ".expected.json").write_text(json.dumps(exp, indent=2, sort_keys=True) + "\n")
    return exp


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, required=True, help="approximate number of triples to write")
    ap.add_argument("--out", type=Path, required=True, help="output N-Quads file")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    exp = generate(args.triples, args.out, args.seed)
    print(f"{args.out}: {exp['triples']} triples; injected {exp['injected']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
