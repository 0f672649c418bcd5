"""Namespace IRIs used across the package (plain strings: usable with pyoxigraph and rdflib alike)."""

RP = "https://w3id.org/regplan/ontology#"
CONCEPT = "https://w3id.org/regplan/concept/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "http://schema.org/"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
RPS = "https://w3id.org/regplan/shapes#"
QB = "http://purl.org/linked-data/cube#"

PREFIXES = {
    "rp": RP, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "skos": SKOS, "dct": DCT,
    "dcat": DCAT, "prov": PROV, "org": ORG, "foaf": FOAF, "schema": SCHEMA, "sh": SH, "qb": QB,
}
#: for what the server writes (service and VoID descriptions); not in the SPARQL prelude, whose `sd:`
#: IRI the endpoint's guard would read as a possible SERVICE keyword
DESCRIPTION_PREFIXES = {**PREFIXES, "void": VOID, "sd": SD}

KLASS_MUNICIPALITIES = "urn:ssb:classification:klass:131"


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
