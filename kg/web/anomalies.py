"""Names and meanings of the extraction anomaly kinds in the page language.

The catalogue (kg.records.anomalies) is the authority on which kinds exist and what they mean (in
English); this table gives each kind a name in Bokmål and English and its meaning in Bokmål, so a
page shows "Selvkobling: …" on nb pages and "Self-link: …" on en pages instead of the kind's code.
tests/test_language_leftovers.py fails when a catalogue kind has no entry here.
"""

from __future__ import annotations

from ..records.anomalies import CATALOGUE
from . import i18n

#: kind → (name nb, name en, meaning nb)
KINDS: dict[str, tuple[str, str, str]] = {
    "amount-mismatch": ("Beløp stemmer ikke", "Amount mismatch",
                        "To beløp teksten gir for det samme, er ulike (f.eks. overskrift og ingress)."),
    "authority-missing": ("Autoritetsfil mangler", "Authority file missing",
                          "En autoritetsfil som trengs for en kontroll (municipalities.yaml), finnes ikke; kontrollen"
                          " ble hoppet over."),
    "capture-artefact": ("Rest fra nettkopien", "Capture artefact",
                         "Tekst som hører til nettkopien, ikke dokumentet (et løst fotnotetall); fjernet ved en "
                         "registrert retting."),
    "capture-difference": ("Ulike kopier", "Capture difference",
                           "To kopier av samme dokument er ulike (tekst, felt, etiketter eller rammetekst)."),
    "count-mismatch": ("Antall stemmer ikke", "Count mismatch",
                       "Et oppgitt antall (f.eks. prosjekter) er ulikt antallet teksten faktisk nevner."),
    "duplicate-actor": ("Aktør nevnt to ganger", "Duplicate actor",
                        "Samme aktør er nevnt to ganger i ett ansvarlig- eller samarbeidsfelt."),
    "duplicate-entry": ("Dobbel oppføring", "Duplicate entry",
                        "En oppføring i en liste (en kommune i en klasseliste) står to ganger."),
    "duplicate-id": ("Dobbel id", "Duplicate id", "To satsinger har samme id."),
    "duplicate-link": ("Dobbel kobling", "Duplicate link",
                       "En satsings-id står to ganger blant en satsings koblinger."),
    "duplicate-partner": ("Dobbel samarbeidspartner", "Duplicate partner",
                          "En samarbeidspartner står mer enn én gang i samme felt."),
    "empty-field": ("Tomt felt", "Empty field", "Et felt med etikett finnes, men er tomt."),
    "garbled-duplicate-mismatch": ("Kopiene i PDF-en er uenige", "Garbled copy disagrees",
                                   "Den lesbare og den forvrengte andre kopien i PDF-en er uenige om en id, tittel "
                                   "eller felttekst."),
    "id-normalised": ("Id normalisert", "Id normalised",
                      "En satsings-id var skrevet med mellomrom ('K 3'); normalisert ved en registrert retting."),
    "id-title-mismatch": ("Id og tittel passer ikke", "Id and title mismatch",
                          "En tekst eller tabell nevner en satsing med en id som hører til en annen satsings tittel."),
    "label-variant": ("Annen feltetikett", "Label variant",
                      "En feltetikett avviker fra den vanlige ('Prioritet:' for 'Prioritering:')."),
    "link-to-withdrawn": ("Kobling til uttatt satsing", "Link to withdrawn measure",
                          "En satsing kobler til en satsing som er tatt ut."),
    "misplaced-content": ("Innhold på feil sted", "Misplaced content",
                          "Innhold trykket i en annen satsings tekst (en nettadresse til en oppført plan)."),
    "missing-content": ("Innhold mangler", "Missing content",
                        "Innhold dokumentet varsler, står ikke i teksten (f.eks. en liste som bare vises i et kart)."),
    "missing-entry": ("Oppføring mangler", "Missing entry",
                      "En oppføring i en autoritetsliste (kommune, region) mangler i dokumentets liste."),
    "missing-field": ("Felt mangler", "Missing field",
                      "Et felt (Ansvarlig, Samarbeidspartnere, Koblinger, Prioritering) mangler eller er tomt."),
    "missing-separator": ("Skilletegn mangler", "Missing separator",
                          "To id-er i en liste mangler skilletegn ('K3 K4'); delt ved en registrert retting."),
    "nonstandard-field-block": ("Uvanlig feltblokk", "Non-standard field block",
                                "En satsings feltblokk avviker fra de fire vanlige feltene (f.eks. én 'Ansvarlig:' "
                                "per plan)."),
    "numbering-check": ("Kontroll av nummereringen", "Numbering check",
                        "En kontroll av den avledede nummereringen (2024 trykker ingen id-er) som støtter "
                        "avledningen."),
    "numbering-gap": ("Hull i nummereringen", "Numbering gap",
                      "Satsingsnumrene i et satsingsområde hopper over et nummer."),
    "numbering-mismatch": ("Nummereringen stemmer ikke", "Numbering mismatch",
                           "Teksten viser til en satsings-id som den avledede nummereringen gir en annen satsing."),
    "outside-register": ("Utenfor registeret", "Outside the register",
                         "Et sted som er nevnt, er ikke en kommune i fylkets register; beholdt bare med navn."),
    "possible-merge": ("Mulig sammenslåing", "Possible merge",
                       "En satsing fra 2024 uten egen etterfølger, der en satsing fra 2025 i stor grad viderefører "
                       "beskrivelsen."),
    "possible-split": ("Mulig deling", "Possible split",
                       "En satsing fra 2025 uten forgjenger som viderefører en satsing fra 2024 som allerede har en "
                       "etterfølger."),
    "possible-typo": ("Mulig skrivefeil", "Possible typo",
                      "Et egennavn stavet én bokstav unna en stavemåte som brukes andre steder."),
    "region-note-outside-county": ("Regionmerknad utenfor fylket", "Region note outside the county",
                                   "En regions merknad nevner steder som ikke er kommuner i fylket."),
    "responsible-also-partner": ("Ansvarlig og samarbeidspartner", "Responsible and partner",
                                 "Samme aktør er både ansvarlig og samarbeidspartner i en satsing."),
    "self-link": ("Selvkobling", "Self-link", "En satsing kobler til seg selv."),
    "shared-field-block": ("Felles feltblokk", "Shared field block",
                           "To satsinger deler én trykt feltblokk (K2A/K2B)."),
    "split": ("Deling", "Split", "En satsing fra 2024 videreføres av to satsinger i 2025."),
    "successor-marker-disagreement": ("Videreføringsmerket stemmer ikke", "Successor marker disagrees",
                                      "Merket «(nytt tiltak)»/«(videreføres)» stemmer ikke med etterfølgeren som ble "
                                      "funnet."),
    "table-sum-mismatch": ("Tabellsummen stemmer ikke", "Table sum mismatch",
                           "Radene i tabellen summerer ikke til oppgitt total (eller avrundingen stemmer ikke)."),
    "trailing-separator": ("Skilletegn til slutt", "Trailing separator",
                           "En liste slutter med et løst skilletegn (komma på slutten av et felt)."),
    "typo": ("Skrivefeil", "Typo",
             "En skrivefeil (femsifret årstall, feilstavet etikett eller navn, dobbelt kolon, løst komma)."),
    "unexpected-text": ("Uventet tekst", "Unexpected text",
                        "Tekst etter en satsings feltblokk som ikke hører til noe felt."),
    "unknown-entry": ("Ukjent oppføring", "Unknown entry",
                      "En oppføring i en liste (kommune) som ikke står i autoritetsfilen."),
    "unknown-link-target": ("Ukjent koblingsmål", "Unknown link target",
                            "En kobling eller tabell nevner en id som ikke er en satsing i programmet (eller et "
                            "avsnittsnummer)."),
    "unknown-municipality": ("Ukjent kommune", "Unknown municipality",
                             "Et kommunenavn som ikke står i autoritetsfilen."),
    "unknown-region": ("Ukjent region", "Unknown region", "Et regionnavn som ikke er en region i autoritetsfilen."),
    "unresolved-actor": ("Ukjent aktør", "Unresolved actor",
                         "Et aktørnavn som ikke står i aktørfilen (data/authority/actors.yaml)."),
    "withdrawn-measure": ("Uttatt satsing", "Withdrawn measure", "En satsing dokumentet merker som tatt ut («utgår»)."),
}


def name(kind: str, lang: str | None = None) -> str:
    """The kind's name in the page language (its code when it is not in the table)."""
    entry = KINDS.get(kind)
    if entry is None:
        return kind
    return entry[1] if (lang or i18n.current()) == "en" else entry[0]


def meaning(kind: str, lang: str | None = None) -> str:
    entry = KINDS.get(kind)
    if (lang or i18n.current()) == "en":
        k = CATALOGUE.get(kind)
        return k.meaning if k else ""
    return entry[2] if entry else ""
