"""DCAT catalog / dataset / distributions / data service of a release (DCAT-AP-NO 2 and DCAT-AP 3).

Two profile variants differ in exactly two places, because the official shapes disagree
(see the README, "DCAT-AP-NO 2.00 vs DCAT-AP 3: the known conflicts"):

| | `dcat-ap-3` (canonical, `metadata/catalog.ttl`) | `dcat-ap-no-2` (`metadata/catalog-dcat-ap-no.ttl`) |
|---|---|---|
| `dcat:byteSize` datatype | `xsd:nonNegativeInteger` | `xsd:decimal` |
| `spdx:checksum` algorithm | SHA-256 | SHA-1 (the DCAT-AP-NO 2.00 shape pins `spdx:checksumAlgorithm_sha1`) |

Controlled-vocabulary values (EU authority tables, IANA media types) are described by a few triples
each (type, `skos:inScheme`, label) so the file validates without downloading the vocabularies.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, SKOS

from .. import config
from ..dataset import Dataset
from ..dataset import licence as licence_info

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"

PROFILES = ("dcat-ap-3", "dcat-ap-no-2")

# Publishers are public bodies identified by their organisation number (Enhetsregisteret,
# Brønnøysundregistrene); DCAT-AP-NO identifies them by this organisation-catalogue IRI. Who publishes,
# the titles, the place and the licence come from the dataset's kg.toml (kg.dataset).
ORG_CATALOG = os.environ.get(
    "KG_ORG_CATALOG_BASE", "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/")

#: data language (kg.toml [dataset] languages) → (EU language table code, label)
LANGUAGES = {"nb": ("NOB", "Norwegian Bokmål"), "nn": ("NNO", "Norwegian Nynorsk"), "en": ("ENG", "English"),
             "se": ("SME", "Northern Sami")}

#: media type suffix → (IANA IRI path, EU file-type code, label)
FORMATS = {
    "ttl": ("text/turtle", "RDF_TURTLE", "Turtle"),
    "trig": ("application/trig", "RDF_TRIG", "TriG"),
    "nq": ("application/n-quads", "RDF_N_QUADS", "N-Quads"),
    "nt.gz": ("application/n-triples", "RDF_N_TRIPLES", "N-Triples (gzip)"),
    "jsonld": ("application/ld+json", "JSON_LD", "JSON-LD"),
    "csv": ("text/csv", "CSV", "CSV"),
    "html": ("text/html", "HTML", "HTML"),
    "txt": ("text/plain", "TXT", "plain text"),
}


@dataclass
class Distribution:
    path: str            # relative to the release directory, POSIX
    title: str
    description: str
    byte_size: int
    sha256: str
    sha1: str
    kind: str = ""       # key of FORMATS; derived from path when empty

    def fmt(self) -> tuple[str, str, str]:
        if self.kind:
            return FORMATS[self.kind]
        for suffix in sorted(FORMATS, key=len, reverse=True):
            if self.path.endswith("." + suffix):
                return FORMATS[suffix]
        raise ValueError(f"{self.path}: no media type known for this file type")


@dataclass
class ReleaseInfo:
    base: str
    version: str
    issued: str          # xsd:date of the first release
    modified: str        # xsd:date of this release
    download_base: str   # URL the release directory is served from, ending in /
    sparql_endpoint: str
    forced: bool = False
    violations: int = 0
    warnings: int = 0
    temporal: tuple[str, str] | None = None   # first and last day the data covers (kg.publish.release)
    extra_notes: list[str] = field(default_factory=list)
    meta: Dataset | None = None  # who publishes what (kg.toml); default: the dataset in use


def _concept(g: Graph, iri: str, scheme: str, label: str, *types) -> URIRef:
    node = URIRef(iri)
    g.add((node, RDF.type, SKOS.Concept))
    for t in types:
        g.add((node, RDF.type, t))
    g.add((node, SKOS.inScheme, URIRef(scheme)))
    g.add((URIRef(scheme), RDF.type, SKOS.ConceptScheme))
    g.add((URIRef(scheme), DCTERMS.title, Literal(scheme.rstrip("/").rsplit("/", 1)[-1], lang="en")))
    g.add((node, SKOS.prefLabel, Literal(label, lang="en")))
    return node


def dcat_graph(info: ReleaseInfo, distributions: list[Distribution], profile: str = "dcat-ap-3") -> Graph:
    if profile not in PROFILES:
        raise ValueError(f"unknown DCAT profile {profile!r} (known: {', '.join(PROFILES)})")
    base = info.base
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                       ("spdx", SPDX), ("skos", SKOS), ("adms", ADMS), ("dcatap", DCATAP), ("owl", OWL)):
        g.bind(prefix, ns)

    catalog, dataset = URIRef(f"{base}catalog"), URIRef(f"{base}dataset")
    service = URIRef(f"{base}service/sparql")
    ds = info.meta or config.dataset()
    org = ds.publisher
    publisher = URIRef(ORG_CATALOG + org.org_number)
    contact = URIRef(f"{base}catalog/contact-point")
    nb = lambda s: Literal(s, lang="nb")  # noqa: E731
    en = lambda s: Literal(s, lang="en")  # noqa: E731
    modified = Literal(info.modified, datatype=XSD.date)
    issued = Literal(info.issued, datatype=XSD.date)

    # agent and contact point
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, nb(org.name)))
    g.add((publisher, DCTERMS.identifier, Literal(org.org_number)))
    if org.homepage:
        g.add((publisher, FOAF.homepage, URIRef(org.homepage)))
    if org.type:
        label = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", org.type).capitalize()   # RegionalAuthority → Regional authority
        g.add((publisher, DCTERMS.type, _concept(g, f"http://purl.org/adms/publishertype/{org.type}",
                                                    "http://purl.org/adms/publishertype/1.0", label)))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, RDF.type, VCARD.Kind))  # explicit: the range shapes run without RDFS inference
    g.add((contact, VCARD.fn, nb(ds.contact.name)))
    if ds.contact.url:
        g.add((contact, VCARD.hasURL, URIRef(ds.contact.url)))
    if ds.contact.email:
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{ds.contact.email}")))

    known = licence_info(ds.licence)
    licence_label, licence_same = known.label["en"], known.same_as
    if ds.licence.startswith(EU + "licence/"):
        licence = _concept(g, ds.licence, EU + "licence", licence_label, DCTERMS.LicenseDocument)
    else:
        licence = URIRef(ds.licence)
        g.add((licence, RDF.type, DCTERMS.LicenseDocument))
    if licence_same:
        g.add((licence, SKOS.exactMatch, URIRef(licence_same)))
    public = _concept(g, EU + "access-right/PUBLIC", EU + "access-right", "public", DCTERMS.RightsStatement)
    languages = [_concept(g, EU + "language/" + LANGUAGES[lang][0], EU + "language", LANGUAGES[lang][1],
                          DCTERMS.LinguisticSystem) for lang in ds.languages]
    annual = _concept(g, EU + "frequency/ANNUAL", EU + "frequency", "annual", DCTERMS.Frequency)
    themes = [_concept(g, EU + "data-theme/SOCI", EU + "data-theme", "Population and society"),
              _concept(g, EU + "data-theme/GOVE", EU + "data-theme", "Government and public sector")]
    norway = _concept(g, EU + "country/NOR", EU + "country", "Norway", DCTERMS.Location)
    # the place the data is about, from a controlled vocabulary (kg.toml [spatial], which cites it)
    place = URIRef(ds.spatial.iri)
    g.add((place, RDF.type, DCTERMS.Location))
    g.add((place, SKOS.prefLabel, nb(ds.spatial.label)))
    if ds.spatial.identifier:
        g.add((place, DCTERMS.identifier, Literal(ds.spatial.identifier)))
    period = None
    if info.temporal:
        period = BNode("temporal")
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(info.temporal[0], datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(info.temporal[1], datatype=XSD.date)))
    ontology = URIRef("https://w3id.org/regplan/ontology")
    g.add((ontology, RDF.type, DCTERMS.Standard))
    g.add((ontology, DCTERMS.title, en("Regional plan ontology (rp:)")))

    # catalog
    g.add((catalog, RDF.type, DCAT.Catalog))
    for lang in ("nb", "en"):
        g.add((catalog, DCTERMS.title, Literal(ds.catalog_title[lang], lang=lang)))
        g.add((catalog, DCTERMS.description, Literal(ds.catalog_description[lang], lang=lang)))
    g.add((catalog, DCTERMS.identifier, Literal(str(catalog))))
    g.add((catalog, DCTERMS.publisher, publisher))
    for language in languages:
        g.add((catalog, DCTERMS.language, language))
    g.add((catalog, DCTERMS.license, licence))
    g.add((catalog, DCTERMS.issued, issued))
    g.add((catalog, DCTERMS.modified, modified))
    g.add((catalog, FOAF.homepage, URIRef(base)))
    g.add((URIRef(base), RDF.type, FOAF.Document))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    g.add((catalog, DCTERMS.spatial, norway))

    # dataset
    g.add((dataset, RDF.type, DCAT.Dataset))
    for lang in ("nb", "en"):
        g.add((dataset, DCTERMS.title, Literal(ds.title[lang], lang=lang)))
        g.add((dataset, DCTERMS.description, Literal(ds.description[lang], lang=lang)))
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.contactPoint, contact))
    for t in themes:
        g.add((dataset, DCAT.theme, t))
    for lang, words in sorted(ds.keywords.items()):
        for kw in words:
            g.add((dataset, DCAT.keyword, Literal(kw, lang=lang)))
    g.add((dataset, DCTERMS.spatial, norway))
    g.add((dataset, DCTERMS.spatial, place))
    if period is not None:
        g.add((dataset, DCTERMS.temporal, period))
    for language in languages:
        g.add((dataset, DCTERMS.language, language))
    g.add((dataset, DCTERMS.accessRights, public))
    g.add((dataset, DCTERMS.accrualPeriodicity, annual))
    g.add((dataset, DCTERMS.issued, issued))
    g.add((dataset, DCTERMS.modified, modified))
    g.add((dataset, DCTERMS.conformsTo, ontology))
    g.add((dataset, OWL.versionInfo, Literal(info.version)))
    g.add((dataset, DCAT.landingPage, URIRef(base)))
    notes = [f"Release {info.version}."]
    if info.forced:
        notes.append(f"Published with --force despite {info.violations} SHACL violation(s); "
                     "see validation/report.txt.")
    else:
        notes.append(f"Validated: 0 SHACL violations, {info.warnings} warning(s).")
    notes += info.extra_notes
    g.add((dataset, ADMS.versionNotes, en(" ".join(notes))))

    # data service
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, en("SPARQL endpoint")))
    g.add((service, DCTERMS.title, nb("SPARQL-endepunkt")))
    g.add((service, DCTERMS.description, en("SPARQL 1.1 Protocol endpoint serving the current release.")))
    g.add((service, DCTERMS.identifier, Literal(str(service))))
    g.add((service, DCAT.endpointURL, URIRef(info.sparql_endpoint)))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.publisher, publisher))
    g.add((service, DCAT.contactPoint, contact))
    g.add((service, DCTERMS.license, licence))
    g.add((service, DCTERMS.accessRights, public))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((URIRef("https://www.w3.org/TR/sparql11-protocol/"), RDF.type, DCTERMS.Standard))
    g.add((URIRef("https://www.w3.org/TR/sparql11-protocol/"), DCTERMS.title, en("SPARQL 1.1 Protocol")))

    # distributions
    for d in distributions:
        media, code, label = d.fmt()
        node = URIRef(f"{base}release/{info.version}/distribution/{d.path}")
        url = URIRef(info.download_base + d.path)
        g.add((dataset, DCAT.distribution, node))
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCTERMS.title, en(d.title)))
        g.add((node, DCTERMS.description, en(d.description)))
        g.add((node, DCAT.accessURL, url))
        g.add((node, DCAT.downloadURL, url))
        mt = URIRef(IANA + media)
        g.add((mt, RDF.type, DCTERMS.MediaType))
        g.add((node, DCAT.mediaType, mt))
        g.add((node, DCTERMS.format, _concept(g, f"{EU}file-type/{code}", EU + "file-type", label,
                                              DCTERMS.MediaTypeOrExtent)))
        if d.path.endswith(".gz"):
            gz = URIRef(IANA + "application/gzip")
            g.add((gz, RDF.type, DCTERMS.MediaType))
            g.add((node, DCAT.compressFormat, gz))
        g.add((node, DCTERMS.license, licence))
        g.add((node, DCTERMS.issued, modified))
        size_type = XSD.nonNegativeInteger if profile == "dcat-ap-3" else XSD.decimal
        g.add((node, DCAT.byteSize, Literal(str(d.byte_size), datatype=size_type)))
        ck = BNode(f"checksum-{d.path}".replace("/", "-").replace(".", "-"))
        g.add((node, SPDX.checksum, ck))
        g.add((ck, RDF.type, SPDX.Checksum))
        algorithm = SPDX.checksumAlgorithm_sha256 if profile == "dcat-ap-3" else SPDX.checksumAlgorithm_sha1
        g.add((algorithm, RDF.type, SPDX.ChecksumAlgorithm))
        if profile == "dcat-ap-3":
            g.add((ck, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
            g.add((ck, SPDX.checksumValue, Literal(d.sha256, datatype=XSD.hexBinary)))
        else:
            g.add((ck, SPDX.algorithm, SPDX.checksumAlgorithm_sha1))
            g.add((ck, SPDX.checksumValue, Literal(d.sha1, datatype=XSD.hexBinary)))
    g.add((dataset, RDFS.seeAlso, URIRef(info.download_base + "metadata/void.ttl")))
    return g
