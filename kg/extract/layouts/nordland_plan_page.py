"""Extractor for Nordland county's web page on its youth-inclusion action plan (``nordland-ung``).

The page is prose under a few headings. Page furniture (cookie banner, outdated-browser notices,
breadcrumb) is skipped. Every content sentence becomes a statement with its line and section and
the topics it speaks to (pilots, indicators, follow-up system, status reporting, revision, …);
a few statements carry structured values read from the sentence itself (e.g. yearly, in June).
Nothing beyond the text: the page gives no indicator values, so none are recorded.
"""

from __future__ import annotations

import re

from ...errors import ExtractError
from ...records.anomalies import anomaly, correction
from ...sources import Source
from ...text import MONTHS
from .. import actors

VERSION = 1

#: Lines that are page furniture, not content (matched at the start of a stripped line).
BOILERPLATE = (
    "Cookie Consent by TermsFeed",
    "OBS! Nettleseren din er utdatert",
    "IMPORTANT! Your browser is out of date",
    "Du er her:",
)
#: Section headings of the page body, in document order.
HEADINGS = ("Handlingsplanen", "Pilotering", "Kommunikasjonsplan", "Gjennomføring")

#: topic -> pattern; a sentence gets every topic whose pattern it matches.
TOPICS = {
    "pilots": r"\bpilot",
    "indicators": r"indikator|måle resultater",
    "follow-up-system": r"oppfølgingssystem|gjennomføringsteam|fremdrift|utfordringer med å gjennomføre",
    "status-reporting": r"hvert år i \w+ beskrive status|\brapport\b",
    "annual-revision": r"rullert årlig",
    "communication": r"kommunikasjon",
    "adoption": r"fylkestinget (?:har vedtatt|til behandling)|fremmer for fylkestinget|til behandling",
}




def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ0-9])", paragraph) if s.strip()]


def extract(src: Source) -> dict:
    lines = src.lines()
    anomalies: list[dict] = []

    # --- title and publisher from the page title line: "<title> - <publisher>" ---
    head = lines[0]
    for b in BOILERPLATE:
        head = head.replace(b, "")
    m = re.fullmatch(r"\s*(?P<title>.+?)\s+-\s+(?P<publisher>[^-]+fylkeskommune)\s*", head)
    if not m:
        raise ExtractError(src.path, 1, "page title line is not '<title> - <publisher>'")
    publisher = actors.resolve(m.group("publisher"))

    # --- sections and statements ---
    section = None
    sections: list[dict] = []
    statements: list[dict] = []
    for n, raw in enumerate(lines, 1):
        text = raw.strip()
        if n == 1 or not text or any(text.startswith(b) for b in BOILERPLATE):
            continue
        if text in HEADINGS:
            section = text
            sections.append({"heading": text, "line": n})
            continue
        if section is None:
            continue  # breadcrumb target / page heading before the first section
        for sentence in _sentences(text):
            marker = re.match(r"(\d+)\s+(?=[A-ZÆØÅ])", sentence)
            if marker:  # a stray footnote number from the capture ("... sluttført. 3 Handlingsplanen ...")
                anomalies.append(anomaly("capture-artefact", f"section {section}",
                                         f"stray footnote marker {marker.group(1)!r} "
                                         f"before {sentence[marker.end():][:40]!r}",
                                         [n, n], "info", correction("statement", marker.group(0), "",
                                                                    "footnote number, not text")))
                sentence = sentence[marker.end():]
            topics = [t for t, pat in TOPICS.items() if re.search(pat, sentence, re.IGNORECASE)]
            st = {"n": len(statements) + 1, "section": section, "text": sentence, "line": n, "topics": topics}
            st.update(_values(sentence))
            statements.append(st)
    if [s["heading"] for s in sections] != list(HEADINGS):
        raise ExtractError(src.path, 1, f"expected sections {HEADINGS}, found {[s['heading'] for s in sections]}")

    name = _first(statements, r"(handlingsplan for ung inkludering)")
    proposal = _first(statements,
                      r"(forslag til handlingsplan for ung inkludering som fylkesrådet fremmer for fylkestinget)")
    plan = {
        "id": "nordland-ung-inkludering",
        "title": name[0] if name else None,
        "title_line": name[1] if name else None,
        "page_title": m.group("title"),
        "publisher": publisher["id"] if publisher else None,
        "publisher_text": m.group("publisher"),
        "kind": "action-plan",
        "description": proposal[0] if proposal else None,
        "status": "proposal" if proposal else None,
        "status_basis": "the page describes the plan as proposed by fylkesrådet to fylkestinget, to be published "
                        "after fylkestinget has adopted it" if proposal else None,
        "lines": [proposal[1], proposal[1]] if proposal else None,
    }
    if publisher is None:
        anomalies.append(anomaly("unresolved-actor", "plan",
                                 f"publisher {m.group('publisher')!r} is not in the actor authority file",
                                 [1, 1], "warning"))
    return {
        "source": src.meta(),
        "extractor": {"module": __name__, "version": VERSION},
        "anomalies": anomalies,
        "plan": plan,
        "sections": sections,
        "statements": statements,
        "summary": _summary(statements),
    }


def _values(sentence: str) -> dict:
    """Structured values a sentence states outright."""
    out: dict = {}
    if re.search(r"\bhvert år\b|\bårlig\b", sentence):
        out["frequency"] = "yearly"
    month = re.search(r"\bi (" + "|".join(MONTHS) + r")\b", sentence)
    if month:
        out["month"] = MONTHS[month.group(1)]
    if re.search(r"ikke sluttført", sentence):
        out["completed"] = False
    return out


def _first(statements: list[dict], pattern: str) -> tuple[str, int] | None:
    for st in statements:
        m = re.search(pattern, st["text"])
        if m:
            return m.group(1), st["line"]
    return None


def _summary(statements: list[dict]) -> dict:
    """Per topic, the numbers (``n``) of the statements that speak to it."""
    out: dict[str, list[int]] = {t: [] for t in TOPICS}
    for st in statements:
        for t in st["topics"]:
            out[t].append(st["n"])
    return out
