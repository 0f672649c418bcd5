"""The one declarative spec of the publisher's workbook: its sheets, their columns and vocabularies.

The template (kg.workbook.template), the reader (read), the checks (check), the exporter (export), the
importer (to_records) and the guide sheet all read this module; none of them names a column itself
except through ``Column.key``. Headers are Norwegian (nb), help is in nb and English (en).

Cell types: ``text``, ``int`` (whole number), ``year``, ``bool`` (ja/nei), ``date`` (YYYY-MM-DD),
``float``, ``code`` (a value of ``vocab``), ``list`` (values separated by ``; ``). A column with
``vocab`` takes only that vocabulary's nb labels (or, for sheet-backed vocabularies, the values of
another sheet's column).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..authority import ACTOR_TYPES

LIST_SEP = ";"
#: In an "as written" column: the field is printed, but empty ("Koblinger til andre satsinger:" and nothing).
EMPTY_FIELD = "—"


@dataclass(frozen=True)
class Vocab:
    """A controlled vocabulary: record code → nb label shown in the workbook (or a sheet column)."""
    name: str
    labels: dict[str, str] = field(default_factory=dict)
    sheet_column: tuple[str, str] | None = None   # (sheet, column key): values come from that column

    def code(self, label: str) -> str | None:
        for code, nb in self.labels.items():
            if label.strip().casefold() in (nb.casefold(), code.casefold()):
                return code
        return None


VOCABS = {v.name: v for v in (
    Vocab("level", {"county": "fylke", "district": "distrikt", "urban": "by"}),
    Vocab("horizon", {"short": "kort sikt", "long": "lang sikt", "short-and-long": "kort og lang sikt"}),
    Vocab("yes-no", {"true": "ja", "false": "nei"}),
    Vocab("basis", {"total": "totalt", "per-year": "per år"}),
    Vocab("purpose-basis", {"text": "tekst", "measure-title": "tiltakstittel"}),
    Vocab("money-kind", {"stated": "bevilgning", "distribution": "fordeling"}),
    Vocab("actor-kind", {"actor": "aktør", "group": "gruppe", "composite": "sammensatt", "remark": "merknad"}),
    Vocab("actor-type", {t: t for t in ACTOR_TYPES}),
    # the progress concepts of the follow-up model (issue 10: concept scheme …/concept/progress)
    Vocab("status-code", {"planned": "planlagt", "ongoing": "pågår", "completed": "fullført",
                          "suspended": "stilt i bero", "cancelled": "avlyst"}),
    Vocab("currency", {"NOK": "NOK"}),
    Vocab("report-kind", {"programme-status": "programstatus", "allocation-status": "tildelingsstatus",
                          "money-decided": "vedtatte midler"}),
    Vocab("report-table", {"allocation-status": "statustabell", "distribution": "fordeling"}),
    # result indicators (issue 10): state, direction and the kind of a value (concept schemes of ontology/followup.ttl)
    Vocab("indicator-state", {"announced": "varslet", "defined": "definert"}),
    Vocab("direction", {"increase": "økende", "decrease": "synkende"}),
    Vocab("value-type", {"baseline": "utgangsverdi", "target": "mål", "actual": "måling"}),
    Vocab("focus-area", sheet_column=("Fokusområder", "code")),
    Vocab("indicator", sheet_column=("Indikatorer", "id")),
    Vocab("actor", sheet_column=("Aktører", "name")),
)}


@dataclass(frozen=True)
class Column:
    key: str            # the name the importer and exporter use
    header: str         # nb header in row 1
    help_en: str
    help_nb: str
    type: str = "text"
    required: bool = False
    vocab: str | None = None
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    name: str
    title_en: str
    help_nb: str
    help_en: str
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def index(self, key: str) -> int:
        """1-based column number."""
        return [c.key for c in self.columns].index(key) + 1

    def letter(self, key: str) -> str:
        return letter(self.index(key))


def letter(n: int) -> str:
    """1 → A, 27 → AA."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


C = Column
YEAR = C("year", "Programår", "Programme year the row belongs to.", "Året handlingsprogrammet gjelder.", "year", True,
         width=10)

SHEETS: tuple[Sheet, ...] = (
    Sheet("Program", "Programme", "Én rad per handlingsprogram (år).", "One row per action programme (year).", (
        YEAR,
        C("plan_id", "Plan-id", "Short id of the regional plan (lower-case slug).",
          "Kort id for regionplanen (små bokstaver, bindestrek).", required=True, width=22),
        C("plan_title", "Plantittel", "Title of the regional plan.", "Tittelen på regionplanen.", required=True,
          width=40),
        C("vision", "Visjon", "The plan's vision, as written.", "Planens visjon, slik den står.", width=30),
        C("main_goal", "Hovedmål", "The plan's main goal, as written.", "Planens hovedmål, slik det står.", width=40),
        C("adopted", "Vedtatt dato", "Date the programme was adopted (YYYY-MM-DD).",
          "Datoen programmet ble vedtatt (ÅÅÅÅ-MM-DD).", "date"),
        C("adopted_by", "Vedtatt av", "Body that adopted it (e.g. fylkesutvalget).",
          "Organet som vedtok det (f.eks. fylkesutvalget).", width=18),
        C("case", "Saksnummer", "Case number of the adoption.", "Saksnummeret for vedtaket."),
        C("allocation_case", "Tildelingsvedtak, sak", "Case number of the allocation decision.",
          "Saksnummer for tildelingsvedtaket."),
        C("allocation_date", "Tildelingsvedtak, dato", "Date of the allocation decision.",
          "Dato for tildelingsvedtaket.", "date"),
        C("previous_year", "Forrige program, år", "Year of the previous programme.",
          "Året for forrige handlingsprogram.", "year"),
        C("previous_adopted", "Forrige program, vedtatt", "Adoption date of the previous programme.",
          "Vedtaksdato for forrige program.", "date"),
        C("previous_adopted_by", "Forrige program, vedtatt av", "Body that adopted the previous programme.",
          "Organet som vedtok forrige program."),
    )),
    Sheet("Fokusområder", "Focus areas", "Planens fokusområder, per programår.",
          "The plan's focus areas, per programme year.", (
        YEAR,
        C("code", "Kode", "One to three capital letters; measure ids start with it (K → K1, K2 …).",
          "En til tre store bokstaver; tiltaks-id-ene begynner med den.", required=True, width=8),
        C("title", "Tittel", "Name of the focus area.", "Navnet på fokusområdet.", required=True, width=36),
        C("goal", "Mål", "The focus area's goal, as written.", "Målet for fokusområdet, slik det står.", width=50),
        C("goal_year", "Målår", "Year the goal is to be reached.", "Året målet skal være nådd.", "year"),
        C("section", "Kapittel", "Section number in the document, if any.",
          "Kapittelnummer i dokumentet, om det finnes.", width=10),
    )),
    Sheet("Tiltak", "Measures", "Én rad per tiltak og programår.", "One row per measure and programme year.", (
        YEAR,
        C("id", "Id", "Measure id: focus-area code + number (+ A/B), e.g. K1, A12, K2A.",
          "Tiltakets id: fokusområdekode + nummer (+ A/B), f.eks. K1, A12, K2A.", required=True, width=8),
        C("level", "Nivå", "Level: fylke, distrikt or by.", "Nivå: fylke, distrikt eller by.", "code", True, "level",
          10),
        C("focus_area", "Fokusområde", "Code of a focus area of the sheet Fokusområder.",
          "Kode for et fokusområde i arket Fokusområder.", "code", True, "focus-area", 10),
        C("title", "Tittel", "Title of the measure.", "Tiltakets tittel.", width=40),
        C("responsible", "Ansvarlig", "Responsible actors: names from the sheet Aktører, separated by ';'.",
          "Ansvarlige aktører: navn fra arket Aktører, skilt med ';'.", "list", False, "actor", 30),
        C("partners", "Samarbeidspartnere", "Partners: names from the sheet Aktører, separated by ';'.",
          "Samarbeidspartnere: navn fra arket Aktører, skilt med ';'.", "list", False, "actor", 40),
        C("horizon", "Prioritering", "Horizon: kort sikt, lang sikt or kort og lang sikt.",
          "Tidshorisont: kort sikt, lang sikt eller kort og lang sikt.", "code", False, "horizon", 14),
        C("status_phrase", "Status (tekst)", "Status as the programme words it (e.g. 'arbeidet er satt i gang').",
          "Status slik programmet skriver den (f.eks. «arbeidet er satt i gang»).", width=26),
        C("is_new", "Nytt?", "ja if the programme marks the measure as new; blank when it does not say.",
          "ja hvis programmet merker tiltaket som nytt; tom når det ikke sier noe.", "bool", False, "yes-no", 8),
        C("withdrawn", "Trukket?", "ja if the measure is withdrawn in this programme year.",
          "ja hvis tiltaket er trukket dette programåret.", "bool", False, "yes-no", 9),
        C("continues", "Viderefører", "Id of the measure of the previous programme year this one continues.",
          "Id-en til tiltaket i forrige programår som dette viderefører.", width=11),
        C("description", "Beskrivelse", "Description of the measure.", "Beskrivelse av tiltaket.", width=60),
        C("responsible_text", "Ansvarlig (som skrevet)",
          "The responsible field as printed; blank = the names of Ansvarlig. Write — for a field printed empty.",
          "Ansvarlig-feltet slik det står trykt; tom = navnene i Ansvarlig. Skriv — for et felt som står tomt.",
          width=30),
        C("partners_text", "Samarbeidspartnere (som skrevet)",
          "The partners field as printed; blank = the names of Samarbeidspartnere. Write — for a field printed empty.", "Samarbeidspartner-feltet slik det står; tom = navnene. Skriv — for et felt som står tomt.", width=30),
        C("partners_remarks", "Samarbeidspartnere, merknader",
          "Phrases in the partners field that are remarks, not actors (';').",
          "Fraser i samarbeidspartner-feltet som er merknader, ikke aktører (';').", "list", width=24),
        C("priority_text", "Prioritering (som skrevet)",
          "The priority field as printed. Write — for a field printed empty.",
          "Prioriteringsfeltet slik det står. Skriv — for et felt som står tomt.", width=26),
        C("links_text", "Koblinger (som skrevet)",
          "The links field as printed; the links themselves go in the sheet Koblinger. Write — for a field printed "
          "empty.", "Koblingsfeltet slik det står; selve koblingene føres i arket Koblinger. Skriv — for et felt som "
                    "står tomt.", width=26),
        C("links_unspecified", "Koblinger, uspesifisert",
          "A links field that names no measure ('koblet til flere satsinger').",
          "Et koblingsfelt som ikke nevner tiltak («koblet til flere satsinger»).", width=20),
        C("is_continued", "Videreført?", "ja if the programme marks the measure as continued ('videreføres').",
          "ja hvis programmet merker tiltaket som videreført.", "bool", False, "yes-no", 10),
        C("markers", "Merkinger", "Title markers as printed ('nytt tiltak', 'videreføres'), ';'-separated.",
          "Merkinger i tittelen slik de står, skilt med ';'.", "list", width=14),
        C("section", "Kapittel", "Section number in the document, if any.",
          "Kapittelnummer i dokumentet, om det finnes.", width=10),
        C("id_derived", "Id avledet?", "ja when the document prints no id and it was derived from the position.",
          "ja når dokumentet ikke trykker id-en og den er avledet av plasseringen.", "bool", False, "yes-no", 10),
        C("title_derived", "Tittel avledet?", "ja when the document prints no title and it was derived.",
          "ja når dokumentet ikke har tittel og den er avledet.", "bool", False, "yes-no", 10),
        C("title_basis", "Grunnlag for tittel", "Where a derived title comes from (en).",
          "Hvor en avledet tittel kommer fra (engelsk).", width=30),
    )),
    Sheet("Aktører", "Actors", "Aktører og grupper som kan stå i Ansvarlig og Samarbeidspartnere.",
          "Actors and groups that may stand in Ansvarlig and Samarbeidspartnere.", (
        C("name", "Navn", "The actor's name (canonical label).", "Aktørens navn (foretrukket form).", required=True,
          width=40),
        C("kind", "Slag", "aktør, gruppe (collective mention), sammensatt (a phrase naming several) or merknad.",
          "aktør, gruppe (samlebetegnelse), sammensatt (en frase som nevner flere) eller merknad.", "code", False,
          "actor-kind", 11),
        C("id", "Id", "Stable id (lower-case slug); blank = made from the name.",
          "Fast id (små bokstaver, bindestrek); tom = lages av navnet.", width=28),
        C("type", "Type", "Kind of organisation (for a group: the type of its members).",
          "Type organisasjon (for en gruppe: medlemmenes type).", "code", False, "actor-type", 18),
        C("aliases", "Andre navn", "Other spellings seen in the programmes, ';'-separated.",
          "Andre skrivemåter brukt i programmene, skilt med ';'.", "list", width=40),
        C("parent", "Overordnet", "Name or id of the organisation this one is part of.",
          "Navn eller id på organisasjonen denne er en del av.", width=24),
        C("org_number", "Organisasjonsnummer", "Nine-digit number in Enhetsregisteret.",
          "Nisifret nummer i Enhetsregisteret.", width=14),
        C("former_names", "Tidligere navn", "Earlier names, ';'-separated.", "Tidligere navn, skilt med ';'.", "list",
          width=20),
        C("municipality", "Kommunenummer", "Four-digit municipality number (for a municipality).",
          "Firesifret kommunenummer (for en kommune).", width=10),
        C("country", "Land", "Country code when not Norway (SE …).", "Landkode når det ikke er Norge (SE …).", width=6),
        C("members", "Medlemmer", "Group: member names, ';'-separated. Sammensatt: the ids it names.",
          "Gruppe: medlemmenes navn. Sammensatt: id-ene frasen nevner. Skilt med ';'.", "list", width=30),
        C("note", "Merknad", "Note (en).", "Merknad (engelsk).", width=30),
        C("source", "Kilde", "Source of facts not taken from the programmes.",
          "Kilde for opplysninger som ikke står i programmene.", width=30),
        C("lines", "Linjer", "Where the sources support it (file:line), ';'-separated.",
          "Hvor kildene støtter det (fil:linje), skilt med ';'.", "list", width=12),
    )),
    Sheet("Koblinger", "Links", "Koblinger fra et tiltak til andre tiltak eller dokumenter, i rekkefølge.",
          "Links from a measure to other measures or documents, in order.", (
        YEAR,
        C("measure", "Tiltak", "Id of the measure the link starts from.", "Id-en til tiltaket koblingen går fra.",
          required=True, width=8),
        C("to_measure", "Til tiltak", "Id of a measure of the same programme year.",
          "Id-en til et tiltak i samme programår.", width=10),
        C("to_document", "Til strategi eller plan", "Another strategy or plan named (instead of a measure).",
          "En annen strategi eller plan som nevnes (i stedet for et tiltak).", width=40),
    )),
    Sheet("Økonomi", "Money", "Beløp: bevilgninger tiltak eller program nevner, og fordelingstabellen.",
          "Amounts: allocations a measure or the programme states, and the distribution table.", (
        YEAR,
        C("measure", "Tiltak", "Measure id; blank = the programme as a whole.",
          "Tiltakets id; tom = programmet som helhet.", width=8),
        C("kind", "Slag", "bevilgning (an amount the text states) or fordeling (a row of the distribution table).",
          "bevilgning (et beløp teksten nevner) eller fordeling (en rad i fordelingstabellen).", "code", True,
          "money-kind", 12),
        C("amount", "Beløp", "Whole kroner, no spaces (2000000).", "Hele kroner, uten mellomrom (2000000).", "int",
          True, width=12),
        C("currency", "Valuta", "NOK.", "NOK.", "code", False, "currency", 7),
        C("budget_year", "Budsjettår", "The year the amount is for, if one.", "Året beløpet gjelder, om ett.", "year"),
        C("period_start", "Periode fra", "First year of the period.", "Første år i perioden.", "year"),
        C("period_end", "Periode til", "Last year of the period.", "Siste år i perioden.", "year"),
        C("basis", "Grunnlag", "totalt or per år (the amount is per year of the period).",
          "totalt eller per år (beløpet gjelder hvert år i perioden).", "code", False, "basis", 9),
        C("purpose", "Formål", "What the money is for.", "Hva pengene går til.", width=30),
        C("purpose_basis", "Formål fra", "tekst or tiltakstittel (the purpose is the measure's title).",
          "tekst eller tiltakstittel.", "code", False, "purpose-basis", 12),
        C("amount_text", "Beløp som skrevet", "The amount as printed ('2.0 mill. kr.').",
          "Beløpet slik det står («2.0 mill. kr.»).", width=14),
        C("text", "Tekst", "The sentence stating the amount, or the table row's remark.",
          "Setningen som nevner beløpet, eller merknaden i tabellraden.", width=50),
        C("title_in_table", "Tittel i tabellen", "Fordeling: the title the table prints.",
          "Fordeling: tittelen tabellen trykker.", width=30),
        C("title_score", "Tittellikhet", "Fordeling: similarity of that title to the measure's title (0–1).",
          "Fordeling: likhet mellom den tittelen og tiltakets (0–1).", "float", width=9),
        C("title_matches", "Tittel treffer", "Fordeling: the measure the title matches, if another.",
          "Fordeling: tiltaket tittelen treffer, om et annet.", width=9),
    )),
    Sheet("Status", "Status reports",
          "Statusrapporter: hva programmet melder om et tiltak for en periode (status og midler).",
          "Status reports: what the programme reports about a measure for a period (status and money).", (
        YEAR,
        C("kind", "Slag",
          "programstatus (the status a measure's text gives), tildelingsstatus (a row of the status table) or vedtatte "
          "midler (a row of the distribution table).", "programstatus (statusen tiltaksteksten gir), tildelingsstatus "
                                                       "(en rad i statustabellen) eller vedtatte midler (en rad i "
                                                       "fordelingstabellen).", "code", True, "report-kind", 14),
        C("measure", "Tiltak",
          "Measure id of this programme year; blank when the report names none (then give the table row).",
          "Tiltakets id i dette programåret; tom når rapporten ikke nevner noe tiltak (gi da tabellraden).", width=8),
        C("period", "Rapporteringsperiode", "The year the report is about.", "Året rapporten gjelder.", "year", True,
          width=12),
        C("status_code", "Statuskode",
          "planlagt, pågår, fullført, stilt i bero or avlyst; blank when the text says none of them.",
          "planlagt, pågår, fullført, stilt i bero eller avlyst; tom når teksten ikke sier noen av dem.", "code",
          False, "status-code", 12),
        C("status_text", "Status (som skrevet)", "The status as the report words it.",
          "Statusen slik rapporten skriver den.", width=30),
        C("allocated", "Tildelt", "Allocated, whole kroner.", "Tildelt, hele kroner.", "int", width=11),
        C("used", "Brukt", "Used, whole kroner.", "Brukt, hele kroner.", "int", width=11),
        C("carried_over", "Overført", "Carried over, whole kroner.", "Overført, hele kroner.", "int", width=11),
        C("decided", "Vedtatt beløp", "Amount decided for the period, whole kroner.",
          "Beløpet som er vedtatt for perioden, hele kroner.", "int", width=11),
        C("decision", "Vedtak", "Who decided and when ('Fylkesutvalget 09.05.2023').",
          "Hvem vedtok og når («Fylkesutvalget 09.05.2023»).", width=24),
        C("decision_reference", "Vedtaksreferanse", "Case number of the decision ('PS 59/2023').",
          "Saksnummeret for vedtaket («PS 59/2023»).", width=14),
        C("focus_area", "Fokusområde", "The measure's focus area, or the table section's.",
          "Tiltakets fokusområde, eller tabellavsnittets.", "code", False, "focus-area", 10),
        C("title_in_source", "Tittel i kilden", "The title the report prints.", "Tittelen rapporten trykker.",
          width=30),
        C("status_rule", "Statusregel",
          "Which rule turned the text into the status code (docs/followup.md); blank when set by hand.",
          "Hvilken regel som gjorde teksten om til statuskoden (docs/followup.md); tom når den er satt for hånd.",
          width=14),
        C("table", "Tabell", "statustabell or fordeling: the table whose row the report restates.",
          "statustabell eller fordeling: tabellen rapporten gjengir en rad fra.", "code", False, "report-table", 12),
        C("table_row", "Tabellrad",
          "Number of that row: the n-th row of the year in Statustabell, or the n-th fordeling row in Økonomi.",
          "Radens nummer: n-te rad for året i Statustabell, eller n-te fordeling-rad i Økonomi.", "int", width=9),
    )),
    Sheet("Indikatorer", "Result indicators",
          "Resultatindikatorer for planen: hva som måles, i hvilken enhet og retning.",
          "Result indicators of the plan: what is measured, in which unit and direction.", (
        YEAR,
        C("id", "Id", "Short id: lower-case letters, digits and '-' (andel-unge-i-arbeid).",
          "Kort id: små bokstaver, sifre og '-' (andel-unge-i-arbeid).", required=True, width=22),
        C("title", "Indikator", "The indicator's name.", "Indikatorens navn.", required=True, width=34),
        C("state", "Tilstand", "definert, or varslet when the plan says indicators will come but defines none (then "
          "leave definition, unit and values empty).", "definert, eller varslet når planen sier at indikatorer skal "
          "komme uten å definere dem (la da definisjon, enhet og verdier stå tomme).", "code", True,
          "indicator-state", 11),
        C("definition", "Definisjon", "What exactly is measured.", "Hva som måles, presist.", width=40),
        C("unit", "Enhet", "Unit of the values (prosent, personer, kroner …).", "Verdienes enhet (prosent, personer, "
          "kroner …).", width=12),
        C("direction", "Retning", "økende when more is better, synkende when less is better.",
          "økende når mer er bedre, synkende når mindre er bedre.", "code", False, "direction", 11),
        C("text", "Som skrevet", "The indicator as the plan words it.", "Indikatoren slik planen skriver den.",
          width=40),
    )),
    Sheet("Indikatorverdier", "Indicator values", "Utgangsverdi, mål og målinger per indikator og periode.",
          "Baseline, targets and measured values per indicator and period.", (
        YEAR,
        C("indicator", "Indikator", "The indicator's id from the sheet Indikatorer.", "Indikatorens id fra arket "
          "Indikatorer.", "code", True, "indicator", 22),
        C("type", "Slag", "utgangsverdi (baseline, one per indicator), mål (target) or måling (measured value).",
          "utgangsverdi (én per indikator), mål eller måling.", "code", True, "value-type", 13),
        C("period", "Periode", "The year the value is for.", "Året verdien gjelder.", "year", True, width=9),
        C("value", "Verdi", "The number, in the indicator's unit.", "Tallet, i indikatorens enhet.", "float", True,
          width=10),
        C("text", "Som skrevet", "The value as the source words it (optional).", "Verdien slik kilden skriver den "
          "(valgfritt).", width=30),
    )),
    Sheet("Statustabell", "Allocation status table",
          "Statustabellen for tildelte midler slik programmet trykker den, rad for rad.",
          "The status table of allocated money as the programme prints it, row by row.", (
        YEAR,
        C("measure", "Tiltak", "Measure id (blank when the row matches no measure).",
          "Tiltakets id (tom når raden ikke svarer til et tiltak).", width=8),
        C("status", "Status (som skrevet)", "The status as the table words it.",
          "Statusen slik tabellen skriver den.", width=30),
        C("allocated", "Tildelt", "Allocated, whole kroner.", "Tildelt, hele kroner.", "int", True, width=11),
        C("used", "Brukt", "Used, whole kroner.", "Brukt, hele kroner.", "int", True, width=11),
        C("carried_over", "Overført", "Carried over, whole kroner.", "Overført, hele kroner.", "int", True, width=11),
        C("decision", "Vedtak", "Who decided and when, as the table prints it.",
          "Hvem vedtok og når, slik tabellen trykker det.", width=24),
        C("reference", "Referanse", "Reference the table prints.", "Referansen tabellen trykker.", width=14),
        C("title_in_table", "Tittel i tabellen", "The title the status table prints.",
          "Tittelen statustabellen trykker.", required=True, width=30),
        C("responsible_in_table", "Ansvarlig i tabellen", "The responsible unit as the table prints it.",
          "Ansvarlig enhet slik tabellen trykker den.", width=18),
        C("remark", "Merknad", "The row's remark.", "Radens merknad.", width=40),
        C("amount_texts", "Beløp som skrevet", "The amounts as printed, ';'-separated.",
          "Beløpene slik de står, skilt med ';'.", "list", width=20),
        C("match_score", "Tittellikhet", "Similarity of the table title to the measure's title (0–1).",
          "Likhet mellom tabelltittelen og tiltakets (0–1).", "float", width=9),
        C("title_reconstructed", "Tittel rekonstruert?", "ja when the table title was pieced together.",
          "ja når tabelltittelen er satt sammen.", "bool", False, "yes-no", 10),
    )),
    Sheet("Sentralitet", "Centrality", "Kommunenes sentralitetsklasse slik programmet gjengir den.",
          "The municipalities' centrality class as the programme gives it.", (
        YEAR,
        C("municipality", "Kommune", "Municipality name.", "Kommunens navn.", required=True, width=20),
        C("class", "Klasse", "Centrality class 1–6.", "Sentralitetsklasse 1–6.", "int", True, width=8),
        C("class_label", "Klassenavn", "The class as printed.", "Klassen slik den står.", required=True, width=30),
    )),
    Sheet("Regioner", "Regions", "Regionene programmet deler fylket i.",
          "The regions the programme divides the county into.", (
        YEAR,
        C("name", "Region", "Region name.", "Regionens navn.", required=True, width=24),
        C("municipalities", "Kommuner", "Its municipalities, ';'-separated.", "Kommunene i regionen, skilt med ';'.",
          "list", width=50),
        C("note", "Merknad", "Note.", "Merknad.", width=30),
    )),
    Sheet("Dokumenter", "Referenced documents", "Dokumenter programmet viser til.",
          "Documents the programme refers to.", (
        YEAR,
        C("key", "Nøkkel", "Short key of the document.", "Kort nøkkel for dokumentet.", required=True, width=20),
        C("identifier", "Identifikator", "Official identifier (NOU 2020: 2, Meld. St. 5 …).",
          "Offisiell identifikator (NOU 2020: 2, Meld. St. 5 …).", width=18),
        C("title", "Tittel", "Title.", "Tittel.", required=True, width=40),
        C("scope", "Nivå", "national or regional.", "national eller regional.", width=10),
        C("series", "Serie", "Series (NOU, Meld. St. …).", "Serie (NOU, Meld. St. …).", width=12),
    )),
)

BY_NAME = {s.name: s for s in SHEETS}

#: Record fields the workbook does not carry, with the reason (the round-trip test ignores exactly these).
NOT_CARRIED = {
    "lines, line, *_lines, *_line, raw, fields_lines, label": "where the fact stood in the document; a workbook row is "
                                                              "its location instead",
    "heading, shared_fields, items, urls, units, shared_with": "the document's layout (printed headings, shared field "
                                                               "blocks, sub-lists)",
    "anomalies, reconciliation, reconciled_with": "findings of the extraction about the document, not programme content",
    "allocation_status_totals, distribution_totals": "the totals the document states; recomputed from the rows",
}
