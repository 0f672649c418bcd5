"""Follow-up facts of a record (issue 10): status reports per measure and period, and a plan's schedule.

Runs on a freshly extracted record, before it is checked and written. Everything comes from the
record's own fields and the source lines they cite:

* a programme's status phrases ("Prioritering: kort sikt (arbeidet er satt i gang)") → one
  ``programme-status`` report per measure that prints one, period = the programme year;
* the status table of money allocated earlier (Vedlegg 2 of 2025, "Tildelte midler i 2023") → one
  ``allocation-status`` report per row, period 2023, with the focus-area section the row stands in;
* the year's distribution table → one ``money-decided`` report per row, period = the programme year;
* a plan page's statements about reporting → the plan's ``schedule`` and its announced
  ``indicators``.

A status text is mapped to a concept of the progress scheme (ontology/followup.ttl) by the first rule
of STATUS_RULES whose pattern matches; the text is kept as written. docs/followup.md lists the rules.
"""

from __future__ import annotations

import re

from ..text import MONTHS, fold

#: (rule id, concept, pattern on the lower-cased status text, what the rule reads). First match wins:
#: order matters ("rapport er mottatt og arbeidet videreføres" is ongoing, not completed).
STATUS_RULES: tuple[tuple[str, str, str, str], ...] = (
    ("taken-out", "cancelled", r"\btas ut av handlingsprogrammet\b", "the measure is taken out of the programme"),
    ("report-received-continued", "ongoing", r"\brapport er mottatt og arbeidet videreføres\b",
     "a report is received and the work continues"),
    ("completed", "completed", r"\b(?:arbeidet|forprosjektet) (?:er )?sluttført\b",
     "the work (or pre-project) is completed"),
    ("to-be-started", "planned", r"\b(?:settes|skal settes) i gang\b|\bstarter i \d{4}\b",
     "future tense: the work is to be started"),
    ("started", "ongoing", r"\b(?:er satt i gang|er igangsatt)\b|^igangsatt$", "the work has been started"),
    ("in-progress", "ongoing", r"\bpågår\b|\bpågående\b|\bløpende arbeid\b", "the work is in progress / continuous"),
    ("continued", "ongoing", r"^videreføres$", "the work is continued"),
)

#: period the allocation status table reports on: "Tildelte midler i 2023 (politisk vedtak i FU 09.05.2023)"
ALLOCATED_IN_RE = re.compile(r"Tildelte midler i (\d{4})")
PS_RE = re.compile(r"\bPS(?: g)? \d+/\d{4}")


def status_of(text: str | None) -> tuple[str | None, str | None]:
    """(concept code, rule id) for a status text, or (None, None) when no rule applies."""
    if not text:
        return None, None
    low = " ".join(text.lower().split())
    for rule, code, pattern, _ in STATUS_RULES:
        if re.search(pattern, low):
            return code, rule
    return None, None


def annotate(record: dict, lines: list[str]) -> None:
    """Add ``status_reports`` (programmes) or ``schedule``/``indicators`` (plan pages) in place."""
    if "measures" in record and record.get("programme"):
        record["status_reports"] = status_reports(record, lines)
    elif "statements" in record:
        record["schedule"] = schedule(record["statements"])
        record["indicators"] = indicators(record)


def _report(kind, measure, focus_area, title, period, status_text, row=None, **money) -> dict:
    status, rule = status_of(status_text)
    out = {"kind": kind, "measure": measure, "focus_area": focus_area, "title_in_source": title, "period": period,
           "status": status, "status_text": status_text, "status_rule": rule,
           "allocated": None, "used": None, "carried_over": None, "decided": None,
           "decision": None, "decision_reference": None, "row": row}
    out.update(money)
    return out


def status_reports(record: dict, lines: list[str]) -> list[dict]:
    year = record["programme"]["year"]
    by_id = {m["id"]: m for m in record["measures"]}
    reports: list[dict] = []
    for m in record["measures"]:
        prio = m.get("priority") or {}
        phrase = prio.get("status_phrase")
        if phrase:
            r = _report("programme-status", m["id"], m["focus_area"], m.get("title"), year, phrase)
            r["line"], r["lines"] = prio["lines"][0], list(prio["lines"])
            reports.append(r)
    rows = record.get("allocation_status") or []
    if rows:
        period = _allocation_period(record, lines)
        sections = _sections(record, lines)
        for n, row in enumerate(rows, start=1):
            mid = row.get("measure")
            fa = by_id[mid]["focus_area"] if mid in by_id else _section_at(sections, row["lines"][0])
            ps = PS_RE.search(row.get("remark") or "")
            r = _report("allocation-status", mid, fa, row["title_in_table"], period, row.get("status"),
                        row={"table": "allocation-status", "n": n}, allocated=row["allocated"], used=row["used"],
                        carried_over=row["carried_over"], decision=row.get("decision"),
                        decision_reference=ps.group(0) if ps else row.get("reference"))
            r["line"], r["lines"] = row["line"], list(row["lines"])
            reports.append(r)
    for n, row in enumerate(record.get("distribution") or [], start=1):
        printed = row.get("measure")
        holds = printed in by_id and not row.get("title_matches")  # a known id/title mismatch stays an anomaly
        code = re.match(r"[A-Z]+", printed) if printed else None  # the printed id's focus-area code
        fa = by_id[printed]["focus_area"] if holds else (code.group(0) if code else None)
        r = _report("money-decided", printed if holds else None, fa, row["title_in_table"], year, None,
                    row={"table": "distribution", "n": n}, decided=row["amount"])
        r["line"], r["lines"] = row["line"], list(row["lines"])
        reports.append(r)
    return reports


def _allocation_period(record: dict, lines: list[str]) -> int:
    totals = record.get("allocation_status_totals") or {}
    line = totals.get("stated_allocated_line")
    m = ALLOCATED_IN_RE.search(lines[line - 1]) if line else None
    if m is None:
        from ..errors import ExtractError
        raise ExtractError(record["source"]["file"], line or 1,
                           "allocation status table: 'Tildelte midler i <year>' not found")
    return int(m.group(1))


def _sections(record: dict, lines: list[str]) -> list[tuple[int, str]]:
    """(line, focus-area code) of each focus-area heading inside the allocation status table."""
    titles = {fold(fa["title"]): fa["code"] for fa in record["focus_areas"]}
    start = (record.get("allocation_status_totals") or {}).get("stated_allocated_line") or 1
    end = record["allocation_status"][-1]["lines"][1]
    return [(i, titles[fold(lines[i - 1])]) for i in range(start, end + 1) if fold(lines[i - 1]) in titles]


def _section_at(sections: list[tuple[int, str]], line: int) -> str | None:
    before = [code for n, code in sections if n < line]
    return before[-1] if before else None


# --- plan pages (statements) ---------------------------------------------------------------------

#: (kind, pattern): the sentence forms of a plan page that set up a recurring follow-up step
SCHEDULE_FORMS: tuple[tuple[str, re.Pattern], ...] = (
    ("status-note", re.compile(r"^(?P<reporter>\w+) skal i et (?P<document>\w+) hvert år i (?P<month>\w+) "
                               r"beskrive (?P<what>.+?)\.$")),
    ("report", re.compile(r"^(?P<recipient>\w+) vil få (?P<document>.+?) til behandling i (?P<month>\w+)\.$")),
    ("revision", re.compile(r"^(?P<what>\w+) vil bli rullert (?P<freq>årlig)\.$")),
    ("indicator-update", re.compile(r"^(?P<what>Resultatindikatorene) vil (?P<freq>løpende) bli lagt inn i "
                                    r"(?P<document>.+?) så snart disse foreligger\.$")),
)
FREQUENCIES = {"årlig": "yearly", "hvert år": "yearly", "løpende": "continuous"}


def schedule(statements: list[dict]) -> list[dict]:
    out = []
    for st in statements:
        for kind, form in SCHEDULE_FORMS:
            m = form.match(st["text"])
            if not m:
                continue
            g = m.groupdict()
            month = MONTHS.get((g.get("month") or "").lower())
            freq = FREQUENCIES.get(g.get("freq") or "") or ("yearly" if "hvert år" in st["text"] else None)
            entry = {"kind": kind, "what": g.get("what") or g.get("document"), "document": g.get("document"),
                     "reporter": g.get("reporter"), "recipient": g.get("recipient"), "frequency": freq, "month": month,
                     "statement": st["n"], "text": st["text"], "line": st["line"]}
            if kind == "status-note" and g.get("document") == "rådsnotat":
                entry["recipient"] = "fylkesrådet"
                entry["recipient_basis"] = "a rådsnotat is a note to fylkesrådet (the county executive)"
            out.append(entry)
            break
    return out


def indicators(record: dict) -> list[dict]:
    """The plan's result indicators as the page announces them: one entry for the announced set, with
    no definition, unit or value (the page says the indicator work is not finished)."""
    about = [st for st in record["statements"] if "indicators" in st.get("topics", [])]
    announce = next((st for st in about if st.get("completed") is False), None)
    if announce is None:
        return []
    return [{"id": "resultatindikatorer", "title": "Resultatindikatorer for " + record["plan"]["title"],
             "state": "announced",
             "definition": None, "unit": None, "direction": None, "baseline": None, "targets": [], "observations": [],
             "statements": [st["n"] for st in about], "text": announce["text"], "line": announce["line"]}]
