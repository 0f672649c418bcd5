"""One language per page (nb or en): the request's choice, a message catalogue, label preference.

The choice comes from `?lang=nb|en` (the header's switch links; the server then keeps it in a `lang`
cookie for the pages that follow), else that cookie, else Accept-Language; it is kept in
a context variable for the request (set by kg.serve.middleware.Language; anyio copies it into worker
threads), so the templates, the labeler and the caches read it without every render function passing
it on. Outside a request (a static site from `kg publish`) the language is Bokmål. Catalogue keys are the Bokmål texts.
"""

from __future__ import annotations

import contextvars
from urllib.parse import parse_qsl, urlencode

LANGS = ("nb", "en")
DEFAULT = "nb"
#: label language preference per page language (then any language, then none)
LABEL_ORDER = {"nb": ("nb", "no", "nn", "en"), "en": ("en", "nb", "no", "nn")}

_lang: contextvars.ContextVar[str] = contextvars.ContextVar("kg_lang", default=DEFAULT)
_query: contextvars.ContextVar[str] = contextvars.ContextVar("kg_query", default="")
_leaf: contextvars.ContextVar[str] = contextvars.ContextVar("kg_leaf", default="")  # last path segment, as sent


def current() -> str:
    return _lang.get()


def from_accept_language(header: str | None) -> str | None:
    """The best of LANGS in an Accept-Language header (RFC 9110 §12.5.4), or None; `no`/`nn` count as nb."""
    best: tuple[float, int, str] | None = None
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        q = 1.0
        for prm in params.split(";"):
            k, _, v = prm.strip().partition("=")
            if k.strip() == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        primary = tag.split("-")[0]
        lang = "nb" if primary in ("nb", "no", "nn") else "en" if primary == "en" else None
        if lang and q > 0 and (best is None or (q, -i) > (best[0], best[1])):
            best = (q, -i, lang)
    return best[2] if best else None


#: the cookie that keeps the reader's choice of the switch (?lang=…) for the pages that follow
COOKIE = "lang"


def asked(query_string: str) -> str | None:
    """The language the query string asks for (`?lang=en`), if it names one of LANGS."""
    for k, v in parse_qsl(query_string, keep_blank_values=True):
        if k == "lang" and v in LANGS:
            return v
    return None


def from_cookie(header: str | None) -> str | None:
    """The language kept in the `lang` cookie of a Cookie header, if it names one of LANGS."""
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value.strip('"') in LANGS:
            return value.strip('"')
    return None


def choose(query_string: str, accept_language: str | None, cookie: str | None = None) -> str:
    """?lang= (the switch) first, then the choice the switch left in the cookie, then Accept-Language."""
    return asked(query_string) or from_cookie(cookie) or from_accept_language(accept_language) or DEFAULT


def switch_url(lang: str) -> str:
    """A relative reference ('./K1?lang=en') to this page in `lang`, its other query parameters kept."""
    params = [(k, v) for k, v in parse_qsl(_query.get(), keep_blank_values=True) if k != "lang"]
    return "./" + _leaf.get() + "?" + urlencode(params + [("lang", lang)])


def t(text: str, lang: str | None = None) -> str:
    """`text` (Bokmål) in the page language; unknown texts stay as they are."""
    lang = lang or current()
    if lang == "nb":
        return text
    return MESSAGES.get(lang, {}).get(text, text)


def enter(query_string: str, accept_language: str | None, raw_path: str, cookie: str | None = None) -> tuple:
    """Set the language (and what the switch links need) for one request; undo with `leave(tokens)`."""
    return (_lang.set(choose(query_string, accept_language, cookie)), _query.set(query_string),
            _leaf.set(raw_path.rsplit("/", 1)[-1].split("?", 1)[0]))


def leave(tokens: tuple) -> None:
    for var, tok in zip((_lang, _query, _leaf), tokens):
        var.reset(tok)


MESSAGES: dict[str, dict[str, str]] = {"en": {
    # base
    "Regionale handlingsprogram": "Regional action programmes",
    "Regionale handlingsprogram · lenkede data": "Regional action programmes · linked data",
    "Oversikt": "Overview", "Spørringer": "Queries", "Ontologi": "Ontology", "Søk …": "Search …",
    "Søk i dataene": "Search the data", "Språk": "Language", "Sjekk data": "Check data",
    "Data: ": "Data: ",
    "Kilder": "Sources",
    # errors
    "Forespørselen kunne ikke leses.": "The request could not be read.",
    "Denne forespørselen er ikke tillatt på dette endepunktet.": "This request is not allowed on this endpoint.",
    "Adressen finnes ikke i dette datasettet.": "This address is not in this dataset.",
    "Ingen av formatene som ble bedt om, er tilgjengelige.": "None of the requested formats is available.",
    "Forespørselen kom ikke fram i tide.": "The request did not arrive in time.",
    "Forespørselen er for stor.": "The request is too large.",
    "Tjenesten er opptatt; prøv igjen om litt.": "The service is busy; try again shortly.",
    "Spørringen tok for lang tid og ble stoppet.": "The query took too long and was stopped.",
    "Ugyldig forespørsel": "Bad request", "Ikke tillatt": "Forbidden", "Fant ikke": "Not found",
    "Ikke tilgjengelig": "Not acceptable", "Tidsavbrudd": "Timeout", "For stor forespørsel": "Request too large",
    "Opptatt": "Busy", "Feil": "Error",
    # resource
    "Valideringsmerknader": "Validation notes", "Merknader fra uttrekket": "Extraction notes",
    "Kilde": "Source", "linje": "line", "ark": "sheet", "rad": "row", "formål": "purpose",
    "Alle satsinger i programmet: filtrer, sorter, last ned CSV":
    "All measures of the programme: filter, sort, download CSV",
    "Handlingsprogram": "Action programme", "Satsingsområde": "Focus area", "Nivå": "Level",
    "Ansvarlig": "Responsible", "Samarbeidspartnere": "Partners", "Koblinger": "Links",
    "begge veier": "both ways", "kobler til": "links to", "koblet fra": "linked from",
    "Viderefører (forgjenger)": "Continues (predecessor)", "Videreført av (etterfølger)": "Continued by (successor)",
    "Roller i kilden": "Roles in the source", "Midler": "Funding", "Beskrivelse": "Description",
    "Også kalt": "Also known as", "Del av": "Part of", "Underenheter": "Sub-units",
    "Ansvarlig for": "Responsible for", "Samarbeidspartner i": "Partner in", "direkte": "direct",
    "År": "Year", "Satsing": "Measure", "Gjennom": "Through",
    "Listene under tar med satsingene der en underenhet har rollen (kolonnen «Gjennom»); «direkte» betyr at":
    "The lists below include the measures where a sub-unit has the role (column “Through”); “direct” means that",
    "selv er nevnt.": "itself is named.",
    "Alle egenskaper": "All properties", "Andre egenskaper": "Other properties", "Lenker hit": "Links here",
    # landing
    "Regionale handlingsprogram som lenkede data": "Regional action programmes as linked data",
    "counts-note": "Each source has its own named graph, and the same triple may be stated in several of them (an "
                   "actor named in both programmes, for example). “Statements in the named graphs” counts every "
                   "occurrence (as the lines of the N-Quads file do); “distinct triples” counts each triple once, as "
                   "the SPARQL endpoint's default graph (the union) and the VoID description "
                   "(<code>void:triples</code>) do.",
    "Innhold": "Contents", "Ulike tripler (unionen av grafene)": "Distinct triples (union of the graphs)",
    "Utsagn i de navngitte grafene": "Statements in the named graphs", "Satsinger": "Measures",
    "Aktører": "Actors", "Navngitte grafer": "Named graphs", "Bruk": "Use", "Søk": "Search",
    "i alle satsinger, aktører og dokumenter": "in all measures, actors and documents",
    "Satsinger i tabell": "Measures as a table",
    "per handlingsprogram (filter, sortering, CSV)": "per action programme (filter, sort, CSV)",
    "Kommuner og regioner": "Municipalities and regions",
    "satsinger og tilskuddsprosjekter per kommune": "measures and grant projects per municipality",
    "Spørreside": "Query page",
    "med ferdige forskningsspørsmål, tabell, nettverk og diagram":
    "with ready research questions, table, network and chart",
    "SPARQL 1.1-endepunkt": "SPARQL 1.1 endpoint", "kun lesing": "read-only", "SHACL-former": "SHACL shapes",
    "VoID-beskrivelse": "VoID description", "Nedlasting": "Downloads", "Ingen nedlastinger": "No downloads",
    "Alle filer i utgivelsen": "All files of the release",
    "(med sjekksummer; også som JSON)": "(with checksums; also as JSON)",
    "Lisens": "Licence",
    "Dataene er tilgjengelige under": "The data are available under",
    "Oppgi kilden (dokumentene er oppført i hver ressurs via":
    "Credit the source (the documents are listed in every resource via",
    # search
    "Søketekst": "Search text", "f.eks. ungdom, NAV, bolig": "e.g. ungdom, NAV, bolig", "treff": "hits",
    "viser": "showing", "fjern filtrene": "clear the filters", "Ingen treff.": "No hits.", "forrige": "previous",
    "neste": "next", "Filtre": "Filters",
    "search-help": "Search titles, descriptions, actor names and aliases, referenced documents and status texts. "
                   "Words are stemmed (Norwegian): «ungdom» also finds «ungdommer». Put words in quotes to search "
                   "for the phrase: \"satt i gang\".",
    # measures
    "Satsinger per handlingsprogram": "Measures per action programme", "satsinger": "measures",
    "Ingen handlingsprogram i dataene.": "No action programme in the data.",
    "Aktør (med underenheter)": "Actor (with sub-units)",
    "Prioritering": "Priority", "Status": "Status", "Ny i programmet": "New in the programme",
    "Kommune (medlem i aktørgruppe)": "Municipality (member of an actor group)", "alle": "all", "Sorter": "Sort",
    "Retning": "Direction", "stigende": "ascending", "synkende": "descending", "Vis": "Show", "av": "of",
    "last ned CSV": "download CSV",
    "Tittel": "Title",
    "ny": "new",
    "(ingen tittel i kilden)": "(no title in the source)",
    "Uten satsingsområde": "Without focus area", "uten nivå": "without level", "Ingen satsinger passer filtrene.":
    "No measures match the filters.", "Id": "Id",
    # places
    "kommuner": "municipalities", "regioner": "regions", "i": "in", "Kommune": "Municipality", "Nr.": "No.",
    "Tilskuddsprosjekter": "Grant projects", "prosjekter": "projects", "tabell": "table",
    "kommune": "municipality", "prosjekt": "project", "region": "region",
    "Satsinger (id) per handlingsprogram og tilskuddsprosjekter per kommune":
    "Measures (id) per action programme and grant projects per municipality",
    "places-note": "Measures and grant projects per municipality, grouped by region. A measure is listed at a "
                   "municipality when an actor group that is responsible or partner in the measure has the "
                   "municipality as a member according to the source; a grant project when the grant list names the "
                   "municipality as its place. The sources link measures to municipalities in no other way, and the "
                   "data hold no municipal boundaries (hence no map).",
    # source
    "Om kilden (lenkede data)": "About the source (linked data)", "ren tekst": "plain text", "linjer": "lines",
    "Lenk til linjer med": "Link to lines with", "eller": "or",
    # downloads
    "Fil": "File", "Type": "Type", "Størrelse": "Size",
    "Filene i denne utgivelsen, slik": "The files of this release, as", "lister dem. Maskinlesbar liste: send":
    "lists them. Machine-readable list: send",
    # query page
    "Ferdige spørsmål": "Ready questions", "(ingen .rq-filer i queries/)": "(no .rq files in queries/)",
    "Visninger": "Views", "Vis spørringen (SPARQL, kan redigeres)": "Show the query (SPARQL, editable)",
    "Kjør": "Run", "Visning": "View", "Tabell": "Table", "Stolpediagram": "Bar chart", "Nettverk": "Network",
    "Last ned": "Download",
    # search facets and kinds, sort orders, change labels
    "Aktør": "Actor", "Endring": "Change", "Referert dokument": "Referenced document",
    "Aktører: ": "Actors: ", "Dokumenter: ": "Documents: ", "Status: ": "Status: ",
    "Tilskuddsprosjekt": "Grant project", "Planutsagn": "Plan statement", "Mål": "Goal", "Tatt ut": "Withdrawn",
    "Ikke videreført": "Not continued", "dokumentrekkefølge": "document order", "tittel": "title",
    "ansvarlig": "responsible", "prioritering": "priority",
    "Ja": "Yes", "Nei": "No",
    # kinds (type fallbacks)
    "satsing": "measure", "tekst": "text", "aktør": "actor", "handlingsprogram": "action programme", "kilde": "source",
    # ontology and shapes pages (kg.web.docs)
    "Versjon": "Version", "Prefiks": "Prefix", "Filer": "Files", "alt som Turtle": "all as Turtle",
    "Se også": "See also", "Klasser": "Classes", "Egenskaper": "Properties", "Begrepssystemer": "Concept schemes",
    "Kode": "Code", "Begrep": "Concept", "Definisjon": "Definition", "former fra": "shapes from",
    "Alvorligheten er Brudd der ikke annet er oppgitt; en egenskap arver formens alvorlighet.":
    "Severity is Violation unless stated; a property inherits its shape's severity.",
    "Gjelder": "Applies to", "ingen (brukes av andre former)": "none (used by other shapes)",
    "Alvorlighet": "Severity", "Sti": "Path", "Krav": "Constraints", "Melding": "Message", "Egenskap": "Property",
    "Navn": "Name", "SPARQL-regler": "SPARQL rules", "Underklasse av": "Subclass of", "Underklasser": "Subclasses",
    "Egenskaper med dette domenet": "Properties with this domain",
    "Egenskaper med dette verdiområdet": "Properties with this range",
    "Begreper av denne typen": "Concepts of this type", "Domene": "Domain", "Verdiområde": "Range",
    "Underegenskap av": "Subproperty of", "Invers av": "Inverse of", "Objektegenskap": "Object property",
    "Dataegenskap": "Datatype property", "Annotasjonsegenskap": "Annotation property", "klasse": "class",
    "node": "node", "subjekter av": "subjects of", "objekter av": "objects of", "Brudd": "Violation",
    "Advarsel": "Warning", "Merknad": "Info", "uttrykk": "expression", "Ressurs": "Resource", "Sted": "Place",
    # query page script (kg.web.pages.QUERY_JS_TEXTS), source view
    " må være et heltall": " must be a whole number", " må være et årstall": " must be a year",
    " er ikke en gyldig IRI": " is not a valid IRI",
    "Stolpediagram trenger en tekstkolonne og en tallkolonne.": "A bar chart needs a text column and a number column.",
    "Beløp per år, for ett år og for en periode summeres aldri sammen: hver stolpe har ett grunnlag — ":
    "Amounts per year, for one year and for a period are never added up: each bar has one basis — ",
    "Hver stolpe har ett grunnlag (slik spørringen grupperer) — ": "Each bar has one basis (as the query groups) — ",
    "Beløp i NOK slik tekstene oppgir dem. ": "Amounts in NOK as the texts give them. ",
    "Nettverk trenger to kolonner med IRI-er (kilde og mål).":
    "A network needs two columns of IRIs (source and target).",
    "Minst felles satsinger ": "At least shared measures ", "Fokus på aktør ": "Focus on actor ", "aktører": "actors",
    "par": "pairs", " med minst ": " with at least ", " felles satsinger": " shared measures", " rundt ": " around ",
    ". Navn vises for de mest sentrale aktørene (pek på en node for navnet).":
    ". Names are shown for the most central actors (point at a node for its name).",
    "Ingen par over terskelen.": "No pairs above the threshold.",
    "ja (true)": "yes (true)",
    "nei (false)": "no (false)",
    "kjører …": "running …", " (avkortet)": " (truncated)", " rader": " rows", "Markert: linje": "Highlighted: line",
    "Uttrekket skriver (på engelsk)": "The extraction says",
    # follow-up (issue 10): timeline, programme overview, plan schedule
    "Oppfølging over tid": "Follow-up over time", "Programår": "Programme year", "Indikator": "Indicator",
    "Verditype": "Value type", "Verdi": "Value", "Oppfølging": "Follow-up",
        "Satsinger etter status": "Measures by status",
    "ingen status oppgitt": "no status given",
    "Midler per satsingsområde: tildelt, brukt, overført, vedtatt fordelt":
    "Money per focus area: allocated, used, carried over, decided",
    "Midler per satsingsområde": "Money per focus area", "Periode": "Period", "tildelt": "allocated", "brukt": "used",
    "overført": "carried over", "vedtatt fordelt": "decided", "uten satsingsområde": "no focus area",
    "Oppfølgingsplan": "Follow-up schedule", "Når": "When", "Hva": "What", "Av": "By", "Til": "To",
    # the money view's basis of an amount (kg.web.queries.builtin_views)
    "grunnlag ikke registrert": "basis not recorded", "per år i ": "per year in ", "per år": "per year",
    "for perioden ": "for the period ", "for ": "for ",
    "totalt (periode ikke registrert)": "total (period not recorded)",
    # the check page (/check, issue 13)
    "Sjekk dataene dine": "Check your data", "Sjekk": "Check",
    "Last opp en fil og få den samme rapporten som kg import og kg validate gir: feil i cellene i arbeidsboka "
    "(ark og celle, verdi og hva du kan gjøre) og SHACL-valideringen mot de samme formene som datasettet.":
    "Upload a file and get the same report as kg import and kg validate give: problems in the cells of the "
    "workbook (sheet and cell, value and what to do) and the SHACL validation against the dataset's own shapes.",
    "Arbeidsbok (.xlsx), CSV-mappen som .zip (én CSV per ark), eller RDF: Turtle (.ttl), TriG (.trig), N-Quads "
    "(.nq), N-Triples (.nt) eller JSON-LD (.jsonld, uten eksterne @context).":
    "A workbook (.xlsx), its CSV folder as a .zip (one CSV per sheet), or RDF: Turtle (.ttl), TriG (.trig), "
    "N-Quads (.nq), N-Triples (.nt) or JSON-LD (.jsonld, without remote @context).",
    "Høyst": "At most", "sjekken stoppes etter": "a check is stopped after",
    "Ingenting lagres på serveren.": "Nothing is kept on the server.",
    "Filen kunne ikke sjekkes": "The file could not be checked", "Rapport for": "Report for",
    "Arbeidsboka har importfeil: den ble ikke bygd eller validert.":
    "The workbook has import errors: it was not built or validated.",
    "Ingen brudd på SHACL-profilen.": "No violations of the SHACL profile.",
    "Se advarslene og merknadene under.": "See the warnings and notes below.",
    "Dataene bryter SHACL-profilen: rett bruddene før publisering.":
    "The data violates the SHACL profile: fix the violations before publishing.",
    "Filtype": "File type", "Importfeil": "Import errors", "Importadvarsler": "Import warnings",
    "Advarsler": "Warnings", "Merknader": "Notes", "Tid": "Time",
    "Last ned rapporten": "Download the report", "Importrapport (arbeidsboka)": "Import report (the workbook)",
    "Ingen feil eller advarsler i cellene.": "No errors or warnings in the cells.", "Ark": "Sheet",
    "Celle": "Cell", "Alvor": "Severity", "Problem": "Problem", "Hva du kan gjøre": "What to do",
    "SHACL-rapport": "SHACL report", "Ingen resultater: alle former er oppfylt.": "No results: every shape is met.",
    "arbeidsbok": "workbook",
}}
