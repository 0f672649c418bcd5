"""Extractor for Handlingsprogram 2024: two captures of the same web page.

* ``extract(src)`` — source ``hp2024`` (002): descriptions, the four labelled fields, centrality
  classes, the ten regions. It also reads the second capture (``hp2024-fields``, 000) through
  ``kg.sources.get`` and reconciles the two field by field: the result is the ``reconciliation``
  list and ``capture-difference`` anomalies in hp2024.json, and every field carries the line span of
  both captures (``lines`` in 002, ``fields_lines`` in 000).
* ``extract_fields(src)`` — source ``hp2024-fields`` (000): the per-source record of the second
  capture (fields only, no descriptions).

Measure ids and titles were lost in the captures. A measure is a run of description paragraphs
followed by the four labelled fields (Ansvarlig, Samarbeidspartnere, Koblinger til andre satsinger,
Prioritering); ids are derived by position within each focus area, running across the three levels
(K1…K11, A1…A12, L1…L17, ``id_derived: true``), and checked against the text's own
cross-references (``numbering-check`` / ``numbering-mismatch`` anomalies). Titles stay ``null``
here; honest titles from the 2025 successor are derived by ``kg.extract.successors`` and applied
with ``successors.apply_titles(rec2024, successors_record)`` before hp2024.json is written.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from ... import authority, config
from ...errors import ExtractError
from ...records.anomalies import anomaly, correction, sort_key
from ...sources import Source, get
from ...text import MONTHS, one_edit
from ..money import find_amounts

VERSION = 1
MODULE = __name__

FOCUS_AREAS = {  # heading title -> code (the codes are those the 2024 text itself uses, e.g. "A9")
    "Kompetanse og livslang læring": "K",
    "Arbeidsliv og arbeidsplassutvikling": "A",
    "Lokalsamfunn, møteplasser og kultur": "L",
}
LEVELS = {"Fylkessatsinger": "county", "Distriktssatsinger": "district",
          "By- og regionsentersatsinger": "urban"}
FIELDS = ("responsible", "partners", "links", "priority")
LABELS = {"responsible": "Ansvarlig", "partners": "Samarbeidspartnere",
          "links": "Koblinger til andre satsinger", "priority": "Prioritering"}

FOCUS_RE = re.compile(r"^5\.(\d) (.+?)\s*$")
LEVEL_RE = re.compile(r"^5\.(\d)\.(\d) (.+?)\s*$")
FIELD_RE = re.compile(r"^(?P<label>Ansvarlig|Samarbeidsp\w*|Koblinger til andre satsinger|Priorit\w*)"
                      r"(?P<sep>:[ \u00a0]*)(?P<text>.*)$")
ID_RE = re.compile(r"\b([KAL]) ?(\d{1,2})([AB])?\b", re.IGNORECASE)
CENTRALITY_RE = re.compile(r"^([1-6]) \(([^)]+)\): (.+)$")
DATE_RE = re.compile(r"(\d{1,2})\. (" + "|".join(MONTHS) + r") (\d{4})")


def _clean(text: str) -> str:
    """Field text as a value: non-breaking spaces as spaces, outer whitespace trimmed (raw is kept separately)."""
    return text.replace("\u00a0", " ").strip()


def _label_field(label: str) -> str:
    for field, prefix in (("responsible", "Ansvarlig"), ("partners", "Samarbeidsp"),
                          ("links", "Koblinger"), ("priority", "Priorit")):
        if label.startswith(prefix):
            return field
    raise AssertionError(label)  # FIELD_RE only matches these prefixes


# --------------------------------------------------------------------------- structure


def _parse(src: Source, with_descriptions: bool) -> dict:
    """Headings, focus-area goals and measures (fields + description lines) in document order."""
    lines = src.lines()
    where = f"data/sources/{src.file}"
    focus_areas: list[dict] = []
    measures: list[dict] = []
    anomalies: list[dict] = []
    frame: list[int] = []          # non-blank lines that belong to neither a description nor a field
    area = level = None
    section = None
    pending: list[int] = []        # description lines seen since the last field block / heading
    counters: Counter = Counter()
    i = 0
    n = len(lines)
    while i < n:
        raw = lines[i]
        text = raw.replace("\u00a0", " ").strip()
        lineno = i + 1
        if not text:
            i += 1
            continue
        m_level = LEVEL_RE.match(text)
        m_focus = FOCUS_RE.match(text) if not m_level else None
        if m_focus:
            title = m_focus.group(2)
            if title not in FOCUS_AREAS:
                raise ExtractError(where, lineno, f"unknown focus area heading {text!r}")
            area = {"code": FOCUS_AREAS[title], "title": title, "section": f"5.{m_focus.group(1)}",
                    "goal": None, "goal_year": None, "lines": [lineno, lineno]}
            focus_areas.append(area)
            level = section = None
            frame.append(lineno)
            _flush_orphans(pending, where, with_descriptions)
            i += 1
            continue
        if m_level:
            if area is None or f"5.{m_level.group(1)}" != area["section"]:
                raise ExtractError(where, lineno, f"level heading {text!r} outside its focus area")
            if m_level.group(3) not in LEVELS:
                raise ExtractError(where, lineno, f"unknown level heading {text!r}")
            level = LEVELS[m_level.group(3)]
            section = text.split(" ", 1)[0]
            frame.append(lineno)
            _flush_orphans(pending, where, with_descriptions)
            i += 1
            continue
        if text == "Mål" and area is not None and level is None:
            j = i + 1
            while j < n and not lines[j].strip():
                j += 1
            goal = lines[j].strip()
            year = re.match(r"I (\d{4}) ", goal)
            area.update(goal=goal, goal_year=int(year.group(1)) if year else None, lines=[area["lines"][0], j + 1])
            frame.extend([lineno, j + 1])
            i = j + 1
            continue
        if FIELD_RE.match(raw):
            if section is None:
                raise ExtractError(where, lineno, "labelled field outside a numbered section")
            measure, i = _field_block(lines, i, where)
            counters[area["code"]] += 1
            measure.update(id=f"{area['code']}{counters[area['code']]}", focus_area=area["code"],
                           level=level, section=section)
            if with_descriptions:
                if not pending:
                    anomalies.append(anomaly("missing-field", f"measure {measure['id']}",
                                             "no description paragraphs before the labelled fields",
                                             measure["field_span"], measures=[measure['id']]))
                measure["description_line_numbers"] = list(pending)
            pending = []
            measures.append(measure)
            continue
        if section is not None and with_descriptions:
            pending.append(lineno)
        elif section is not None:
            raise ExtractError(where, lineno,
                               f"unexpected text between field blocks in a fields-only capture: {text!r}")
        else:
            frame.append(lineno)
        i += 1
    _flush_orphans(pending, where, with_descriptions)
    return {"lines": lines, "focus_areas": focus_areas, "measures": measures, "anomalies": anomalies, "frame": frame}


def _flush_orphans(pending: list[int], where: str, with_descriptions: bool) -> None:
    if pending:
        raise ExtractError(where, pending[0], "description text not followed by the four labelled fields")


def _field_block(lines: list[str], i: int, where: str) -> tuple[dict, int]:
    """The four labelled fields starting at line index i, in their fixed order."""
    out: dict = {}
    labels: dict = {}
    for field in FIELDS:
        if i >= len(lines):
            raise ExtractError(where, i, f"field block ends before {LABELS[field]!r}")
        m = FIELD_RE.match(lines[i])
        if not m or _label_field(m.group("label")) != field:
            raise ExtractError(where, i + 1, f"expected {LABELS[field]!r}, found {lines[i]!r}")
        out[field] = {"text": _clean(m.group("text")), "raw": lines[i], "lines": [i + 1, i + 1]}
        labels[field] = m.group("label")
        i += 1
    return {"fields": out, "labels": labels, "field_span": [out["responsible"]["lines"][0],
                                                            out["priority"]["lines"][0]]}, i


# --------------------------------------------------------------------------- field parsing


def parse_links(text: str) -> dict:
    """Measure ids and named other strategies in a "Koblinger til andre satsinger" field.

    Ids come first ("K2 og K3", "L1, L6 L9 L11, Kulturstrategi …"); the rest is split where a
    separator (", " or " og ") is followed by a capital letter, so "klima, energi og miljø" stays whole.
    A field that only says it is linked to "many/other measures" is kept as ``unspecified``.
    """
    rest = re.sub(r"^koblet til\s+", "", text.strip())
    ids_run = re.match(r"^(?:[KAL] ?\d{1,2}[AB]?)(?:\s*(?:,|\bog\b)?\s*(?:[KAL] ?\d{1,2}[AB]?)\b)*", rest, re.I)
    measures: list[str] = []
    missing_sep: list[str] = []
    if ids_run:
        run = ids_run.group(0)
        for m in ID_RE.finditer(run):
            measures.append(f"{m.group(1).upper()}{m.group(2)}{(m.group(3) or '').upper()}")
        missing_sep = [m.group(0) for m in re.finditer(r"\b[KAL] ?\d{1,2}[AB]?\s+[KAL] ?\d{1,2}[AB]?\b", run)]
        rest = rest[len(run):]
    rest = re.sub(r"^\s*(?:,|\bog\b)\s*", "", rest).strip()
    other: list[str] = []
    unspecified = None
    if rest:
        if not ids_run and not re.search(r"[A-ZÆØÅ]", rest):
            unspecified = text.strip()
        else:
            for part in re.split(r"(?:,\s*|\s+og\s+)(?=[A-ZÆØÅ])", rest):
                part = part.strip().rstrip(".").strip()
                if part:
                    other.append(part)
    return {"measures": measures, "other": other, "unspecified": unspecified, "missing_separator": missing_sep}


def parse_priority(text: str) -> dict:
    """Horizon (short/long/short-and-long), status phrase and withdrawal from a "Prioritering" field."""
    low = text.lower()
    withdrawn = "tas ut av handlingsprogrammet" in low
    short, long_ = "kort sikt" in low, "lang sikt" in low
    horizon = "short-and-long" if short and long_ else "short" if short else "long" if long_ else None
    paren = re.search(r"\(([^)]*)\)?\s*$", text)
    phrase = paren.group(1).strip() if paren else (text.strip() if withdrawn else None)
    return {"horizon": horizon, "status_phrase": phrase, "withdrawn": withdrawn}


def split_list(text: str) -> list[str]:
    """Items of an enumeration ("a, b og c"); used only to find repeated items, not to resolve actors."""
    return [p.strip(" .,") for p in re.split(r",\s*|\s+og\s+", text) if p.strip(" .,")]


def money_in(text_lines: list[tuple[int, str]]) -> list[dict]:
    """Money named in description lines (amounts via kg.extract.money), with period and basis when stated."""
    out = []
    for lineno, line in text_lines:
        for start, end, amount, matched in find_amounts(line):
            sentence_start = max(line.rfind(". ", 0, start) + 1, 0)
            sentence_end = line.find(". ", end)
            sentence = line[sentence_start: len(line) if sentence_end < 0 else sentence_end + 1].strip()
            period = re.search(r"(20\d\d) ?[-–] ?(20\d\d)", sentence)
            year = re.search(r"\b(?:i|for) (20\d\d)\b", sentence) if not period else None
            basis = "per-year" if re.search(r"\bårlig", sentence, re.I) else "total" if period else None
            out.append({"amount": amount, "currency": "NOK", "text": sentence, "line": lineno,
                        "period": [int(period.group(1)), int(period.group(2))] if period else None,
                        "year": int(year.group(1)) if year else None, "basis": basis, "purpose": None})
    return out


# --------------------------------------------------------------------------- measures


def _build_measures(parsed: dict, src: Source, with_descriptions: bool) -> tuple[list[dict], list[dict]]:
    lines = parsed["lines"]
    anomalies = list(parsed["anomalies"])
    measures = []
    for p in parsed["measures"]:
        mid = p["id"]
        f = p["fields"]
        links = parse_links(f["links"]["text"])
        prio = parse_priority(f["priority"]["text"])
        m = {
            "id": mid, "id_derived": True,
            "title": None, "title_derived": False, "title_basis": None,
            "markers": [], "is_new": None, "is_continued": None,
            "status": "withdrawn" if prio["withdrawn"] else "active",
            "level": p["level"], "focus_area": p["focus_area"], "section": p["section"],
            "responsible": {"text": f["responsible"]["text"], "lines": f["responsible"]["lines"], "mentions": []},
            "partners": {"text": f["partners"]["text"], "lines": f["partners"]["lines"], "mentions": []},
            "links": {"text": f["links"]["text"], "lines": f["links"]["lines"], "measures": links["measures"],
                      "other": links["other"], "unspecified": links["unspecified"]},
            "priority": {"text": f["priority"]["text"], "lines": f["priority"]["lines"],
                         "horizon": prio["horizon"], "status_phrase": prio["status_phrase"]},
        }
        first = p["field_span"][0]
        if with_descriptions:
            dl = p["description_line_numbers"]
            m["description"] = "\n".join(lines[k - 1].strip() for k in dl) if dl else None
            m["description_lines"] = [dl[0], dl[-1]] if dl else None
            m["money"] = money_in([(k, lines[k - 1]) for k in dl])
            first = dl[0] if dl else first
        m["lines"] = [first, p["field_span"][1]]
        if prio["withdrawn"]:
            anomalies.append(anomaly("withdrawn-measure", f"measure {mid}",
                                     f"priority says {f['priority']['text']!r}: "
                                     "recorded with status 'withdrawn', not dropped",
                                     f["priority"]["lines"], severity="info", measures=[mid]))
        anomalies.extend(_field_anomalies(mid, p, links))
        measures.append(m)
    anomalies.extend(_link_anomalies(measures))
    return measures, anomalies


def _field_anomalies(mid: str, p: dict, links: dict) -> list[dict]:
    out = []
    f = p["fields"]
    subject = f"measure {mid}"
    for field in FIELDS:
        label = p["labels"][field]
        if field != "priority" and label != LABELS[field]:
            out.append(anomaly("typo", subject, f"field label {label!r} misspelt; read as {LABELS[field]!r}",
                               f[field]["lines"], correction=correction("label", label, LABELS[field],
                                                                        "misspelt label, recognised by its prefix"),
                                                                        measures=[mid]))
        text = f[field]["text"]
        if not text:
            out.append(anomaly("missing-field", subject, f"{LABELS[field]} is empty", f[field]["lines"],
                               measures=[mid]))
        elif text.endswith(","):
            out.append(anomaly("typo", subject, f"{LABELS[field]} ends with a stray comma: {text!r}",
                               f[field]["lines"], severity="info", measures=[mid]))
    for run in links["missing_separator"]:
        out.append(anomaly("typo", subject, f"links list lacks a separator between ids: {run!r}",
                           f["links"]["lines"], severity="info", measures=[mid]))
    partners = split_list(f["partners"]["text"])
    for item, count in Counter(x.lower() for x in partners).items():
        if count > 1:
            out.append(anomaly("duplicate-partner", subject, f"partner {item!r} listed {count} times",
                               f["partners"]["lines"], measures=[mid]))
    resp = {x.lower() for x in split_list(f["responsible"]["text"])}
    for item in partners:
        if item.lower() in resp:
            out.append(anomaly("responsible-also-partner", subject,
                               f"{item!r} is listed both as responsible and as partner",
                               [f["responsible"]["lines"][0], f["partners"]["lines"][0]], severity="info",
                               measures=[mid]))
    for item, count in Counter(links["measures"]).items():
        if count > 1:
            out.append(anomaly("duplicate-link", subject, f"link {item} listed {count} times", f["links"]["lines"],
                               measures=[mid]))
    return out


def _link_anomalies(measures: list[dict]) -> list[dict]:
    ids = {m["id"]: m for m in measures}
    out = []
    for m in measures:
        for target in m["links"]["measures"]:
            lines = m["links"]["lines"]
            if target == m["id"]:
                out.append(anomaly("self-link", f"measure {m['id']}",
                                   f"links to itself ({target}) under the position-derived numbering", lines,
                                   measures=[m['id']]))
            elif target not in ids:
                out.append(anomaly("unknown-link-target", f"measure {m['id']}",
                                   f"links to {target}, which is not among the derived ids", lines, measures=[m['id']]))
            elif ids[target]["status"] == "withdrawn":
                out.append(anomaly("link-to-withdrawn", f"measure {m['id']}",
                                   f"links to {target}, which is withdrawn from the 2024 programme", lines,
                                   severity="info", measures=[m['id']]))
    return out


def numbering_check(measures: list[dict], lines: list[str]) -> list[dict]:
    """Check the position-derived ids against the ids the 2024 text itself uses.

    * Every id cited anywhere (descriptions and link fields) must exist under the derived numbering;
      an id above the largest per-level count only exists if numbering runs across the levels.
    * A description that refers to a measure "under X9" must point at a measure whose fields name
      the same responsible actor that the citing description names (weak but textual evidence).
    * A measure whose links name its own derived id contradicts the numbering (or the link is a typo).
    """
    out = []
    by_id = {m["id"]: m for m in measures}
    per_level = Counter((m["focus_area"], m["level"]) for m in measures)
    cited = []
    for m in measures:
        for t in m["links"]["measures"]:
            cited.append((t, m["links"]["lines"][0], m["id"]))
        if m.get("description_lines"):
            a, b = m["description_lines"]
            for k in range(a, b + 1):
                for ref in re.finditer(r"\b(?:under|i|se)\s+([KAL]\d{1,2})\b", lines[k - 1]):
                    cited.append((ref.group(1), k, m["id"]))
                    target = by_id.get(ref.group(1))
                    if target is None:
                        out.append(anomaly("numbering-mismatch", f"measure {m['id']}",
                                           f"description refers to {ref.group(1)}, "
                                           "which does not exist under the derived numbering",
                                           k, measures=[m['id']]))
                        continue
                    resp = target["responsible"]["text"]
                    same_actor = resp.lower() in m["description"].lower() or resp == m["responsible"]["text"]
                    out.append(anomaly(
                        "numbering-check" if same_actor else "numbering-mismatch", f"measure {m['id']}",
                        (f"description cites {ref.group(1)} ({ref.group(0)!r}); derived {ref.group(1)} is the "
                         f"measure at lines {target['lines'][0]}–{target['lines'][1]} (section {target['section']}), "
                         f"responsible {resp!r}"
                         + (", the same actor as the citing measure: consistent" if same_actor
                            else ", not an actor of the citing measure: the cited id may follow another numbering")),
                        k, severity="info" if same_actor else "warning", measures=[m['id']]))
    max_level = {code: max(c for (fa, _),
                           c in per_level.items() if fa == code) for code in {m["focus_area"] for m in measures}}
    beyond = sorted({t for t, _, _ in cited if t in by_id and int(re.sub(r"\D", "", t)) > max_level[t[0]]},
                    key=lambda x: (x[0], int(x[1:])))
    if beyond:
        out.append(anomaly("numbering-check", "numbering",
                           "ids cited in the text exceed the largest number of measures in any one level "
                           f"({', '.join(f'{k}: {v}' for k, v in sorted(max_level.items()))}): {', '.join(beyond)}; "
                           "so numbering runs across the three levels within a focus area, as derived",
                           None, severity="info"))
    for m in measures:
        if m["id"] in m["links"]["measures"]:
            out.append(anomaly("numbering-mismatch", f"measure {m['id']}",
                               f"its links field ({m['links']['text']!r}) names its own derived id {m['id']}: "
                               "either the "
                               "field was written under another numbering (e.g. that of 2023) or the id is a typo",
                               m["links"]["lines"], measures=[m['id']]))
    mutual = sorted({tuple(sorted((m["id"], t))) for m in measures for t in m["links"]["measures"]
                     if t in by_id and t != m["id"] and m["id"] in by_id[t]["links"]["measures"]})
    out.append(anomaly("numbering-check", "numbering",
                       f"{len(mutual)} link pairs are reciprocal under the derived numbering: "
                       + ", ".join(f"{a}↔{b}" for a, b in mutual), None, severity="info"))
    return out


def possible_typos(lines: list[str]) -> list[dict]:
    """Proper names spelt once in a way one letter away, inside the word, from a spelling used elsewhere.

    Inflection (edits in the last two letters) and hyphenation variants are ignored; the commoner
    spelling is only a hint, so these are reported (severity info), never corrected.
    """
    counts: Counter = Counter()
    first: dict[str, int] = {}
    for k, line in enumerate(lines, 1):
        for w in re.findall(r"[A-ZÆØÅ][a-zæøåA-ZÆØÅ]{5,}", line):
            counts[w] += 1
            first.setdefault(w, k)
    out = []
    words = sorted(counts)
    for rare in words:
        if counts[rare] != 1:
            continue
        for other in words:
            if other == rare or (counts[other] == 1 and other < rare):
                continue  # two single spellings: report the pair once
            a, b = (rare, other) if len(rare) <= len(other) else (other, rare)
            pos = one_edit(a, b)
            if pos is None or pos >= len(b) - 2 or pos == 0:
                continue
            if FIELD_RE.match(lines[first[rare] - 1]) and lines[first[rare] - 1].startswith(rare):
                continue  # a misspelt field label is reported where the label is read
            out.append(anomaly("possible-typo", f"word {rare}",
                               f"{rare!r} (line {first[rare]}) differs by one letter from {other!r} "
                               f"(line {first[other]}, {counts[other]}×); one of them is probably a typo",
                               first[rare], severity="info"))
    return out


# --------------------------------------------------------------------------- places, plan, programme


def _centrality(lines: list[str]) -> tuple[list[dict], list[dict]]:
    entries, anomalies, seen = [], [], {}
    for k, line in enumerate(lines, 1):
        m = CENTRALITY_RE.match(line.strip())
        if not m:
            continue
        cls = int(m.group(1))
        for name in (x.strip() for x in m.group(3).split(",")):
            if name in seen:
                prev = seen[name]
                anomalies.append(anomaly(
                    "duplicate-entry", f"centrality {name}",
                    f"{name} is listed twice (class {prev['class']} line {prev['line']}, class {cls} line {k})",
                    k, correction=correction("centrality", f"{name} listed twice",
                                             f"{name} recorded once (first occurrence)",
                                             "a municipality has one centrality class; the repetition adds nothing")))
                continue
            entry = {"municipality": name, "class": cls, "class_label": m.group(2), "line": k}
            seen[name] = entry
            entries.append(entry)
    return entries, anomalies


def _regions(lines: list[str]) -> list[dict]:
    out = []
    for k, line in enumerate(lines, 1):
        if line.strip().startswith("De ti regionene i Innlandet er"):
            j = k
            while j < len(lines) and lines[j].startswith("- "):
                item = lines[j][2:].strip()
                m = re.match(r"^(.+?)\s*\((.+)\)$", item)
                name, note = (m.group(1), m.group(2)) if m else (item, None)
                out.append({"name": name, "note": note, "municipalities": None, "line": j + 1})
                j += 1
    return out


def _load_municipalities() -> list[dict] | None:
    munis = authority.municipalities(required=False)
    return None if munis is None else list(munis.entries)


def _place_checks(centrality: list[dict], regions: list[dict]) -> list[dict]:
    """Compare the printed names with data/authority/municipalities.yaml (when it exists)."""
    auth = _load_municipalities()
    if auth is None:
        return [anomaly("authority-missing", "places", "data/authority/municipalities.yaml not found: "
                        "centrality and region names not checked", None, severity="info")]
    out = []
    names = {m["name"] for m in auth}
    listed = {e["municipality"] for e in centrality}
    for e in centrality:
        if e["municipality"] not in names:
            out.append(anomaly("unknown-municipality", f"centrality {e['municipality']}",
                               f"{e['municipality']!r} is not one of the {len(names)} municipalities "
                               "in the authority file",
                               e["line"]))
    span = [centrality[0]["line"], centrality[-1]["line"]] if centrality else None
    for name in sorted(names - listed):
        out.append(anomaly("missing-entry", f"centrality {name}",
                           f"{name} (authority file) has no centrality class in the 2024 list", span))
    for r in regions:
        named = re.findall(r"[A-ZÆØÅ][\wæøå-]+", r["note"] or "")
        outside = [x for x in named if x not in names and not x.endswith("fylkeskommune") and x not in {"Viken"}]
        if outside:
            out.append(anomaly("region-note-outside-county", f"region {r['name']}",
                               f"the note {r['note']!r} names {', '.join(outside)}, not municipalities of the county "
                               "in the authority file (valid from 2024-01-01)", r["line"], severity="info"))
    region_names = {m.get("region") for m in auth if m.get("region")}
    if region_names:
        for r in regions:
            if r["name"] not in region_names:
                out.append(anomaly("unknown-region", f"region {r['name']}",
                                   f"region {r['name']!r} is not a region name in the authority file", r["line"]))
        for name in sorted(region_names - {r["name"] for r in regions}):
            out.append(anomaly("missing-entry", f"region {name}", f"authority region {name!r} not in the 2024 list",
                               [regions[0]["line"], regions[-1]["line"]] if regions else None))
    return out


def _date(text: str) -> str | None:
    m = DATE_RE.search(text)
    return f"{int(m.group(3)):04d}-{MONTHS[m.group(2)]:02d}-{int(m.group(1)):02d}" if m else None


def _plan_and_programme(lines: list[str]) -> tuple[dict, dict]:
    def find(pattern: str) -> int | None:
        for k, line in enumerate(lines, 1):
            if re.search(pattern, line):
                return k
        return None

    plan = {"id": config.dataset().plan_id, "title": lines[0].strip(), "vision": None, "main_goal": None,
            "lines": [1, 1]}
    k_vision = find(r"nedfelt i Innlandsstrategien: ")
    if k_vision:
        plan["vision"] = re.search(r"Innlandsstrategien: ([^.]+)", lines[k_vision - 1]).group(1).strip()
    k_goal = find(r"^Hovedmålet er:")
    if k_goal:
        plan["main_goal"] = lines[k_goal].strip()
        plan["lines"] = [1, k_goal + 1]
    programme = {"year": 2024, "adopted": None, "adopted_by": None, "case": None, "lines": None,
                 "previous": None, "allocation_decision": None}
    k = find(r"behandlingen i fylkesutvalget .*PS \d+/\d{4}")
    if k:
        programme.update(adopted=_date(lines[k - 1]), adopted_by="fylkesutvalget",
                         case=re.search(r"PS \d+/\d{4}", lines[k - 1]).group(0), lines=[k, k])
    k = find(r"oppdatert versjon av handlingsprogram (\d{4}) som ble vedtatt i (\w+)")
    if k:
        m = re.search(r"handlingsprogram (\d{4}) som ble vedtatt i (\w+)", lines[k - 1])
        programme["previous"] = {"year": int(m.group(1)), "adopted": _date(lines[k - 1]), "adopted_by": m.group(2),
                                 "line": k}
    k = find(r"fordelte midler til satsinger .* sak \d+/\d{4}")
    if k:
        programme["allocation_decision"] = {"date": _date(lines[k - 1]),
                                            "case": re.search(r"\d+/\d{4}", lines[k - 1]).group(0), "line": k}
    return plan, programme


# --------------------------------------------------------------------------- reconciliation


def _difference_kinds(a: str, b: str) -> list[str]:
    """How two raw field lines differ: label-separator, trailing-whitespace, inner-whitespace, text."""
    if a == b:
        return []
    kinds = []
    sep_a = re.match(r"^[^:]*:([ \u00a0]*)", a)
    sep_b = re.match(r"^[^:]*:([ \u00a0]*)", b)
    if sep_a and sep_b and sep_a.group(1) != sep_b.group(1):
        kinds.append("label-separator")
    if a[len(a.rstrip(" \u00a0")):] != b[len(b.rstrip(" \u00a0")):]:
        kinds.append("trailing-whitespace")
    ca, cb = _clean(a), _clean(b)
    if ca != cb:
        kinds.append("inner-whitespace" if ca.split() == cb.split() else "text")
    return kinds


def reconcile(rec: dict, parsed: dict, fields_rec: dict, fields_parsed: dict) -> tuple[list[dict], list[dict]]:
    """Field-by-field comparison of the two captures; sets ``fields_lines`` on the hp2024 measures."""
    out, anomalies, separator_only = [], [], []
    f_lines = fields_parsed["lines"]
    by_section: dict[str, list] = {}
    for m in fields_rec["measures"]:
        by_section.setdefault(m["section"], []).append(m)
    own: dict[str, list] = {}
    for m in rec["measures"]:
        own.setdefault(m["section"], []).append(m)
    for section in sorted(set(own) | set(by_section)):
        a, b = own.get(section, []), by_section.get(section, [])
        if len(a) != len(b):
            anomalies.append(anomaly("capture-difference", f"section {section}",
                                     f"{len(a)} measures in hp2024, {len(b)} in hp2024-fields", None))
        for m, n in zip(a, b):
            if m["id"] != n["id"]:
                anomalies.append(anomaly("capture-difference", f"measure {m['id']}",
                                         f"position {m['id']} in hp2024 is {n['id']} in hp2024-fields", m["lines"],
                                         measures=[m['id']]))
            m["fields_lines"] = [n["responsible"]["lines"][0], n["priority"]["lines"][1]]
            for field in FIELDS:
                la, lb = m[field]["lines"][0], n[field]["lines"][0]
                ra, rb = parsed["lines"][la - 1], f_lines[lb - 1]
                m[field]["fields_lines"] = [lb, lb]
                kinds = _difference_kinds(ra, rb)
                entry = {"measure": m["id"], "field": field, "lines": [la, la], "fields_lines": [lb, lb],
                         "identical": not kinds, "differences": kinds}
                if kinds:
                    entry.update(text=ra, fields_text=rb)
                if kinds == ["label-separator"]:
                    separator_only.append(entry)
                elif kinds:
                    a_ = anomaly("capture-difference", f"measure {m['id']} {field}",
                                 f"{LABELS[field]} differs between the captures ({', '.join(kinds)}): "
                                 f"hp2024 line {la} {ra!r} / hp2024-fields line {lb} {rb!r}",
                                 [la, la], severity="warning" if "text" in kinds else "info", measures=[m['id']])
                    a_.update(fields_lines=[lb, lb], text=ra, fields_text=rb, differences=kinds)
                    anomalies.append(a_)
                out.append(entry)
    if separator_only:
        # One anomaly for the systematic encoding difference; each pair is in ``reconciliation``.
        a_ = anomaly("capture-difference", "field labels",
                     f"{len(separator_only)} fields differ only in the separator after the label: a no-break "
                     "space (U+00A0) in hp2024-fields, a plain space in hp2024; the texts are otherwise identical. "
                     "Every pair is listed in 'pairs' and in the record's reconciliation list",
                     [separator_only[0]["lines"][0], separator_only[-1]["lines"][0]], severity="info")
        a_.update(fields_lines=[separator_only[0]["fields_lines"][0], separator_only[-1]["fields_lines"][0]],
                  text=separator_only[0]["text"], fields_text=separator_only[0]["fields_text"],
                  differences=["label-separator"],
                  pairs=[[e["lines"][0], e["fields_lines"][0]] for e in separator_only])
        anomalies.append(a_)
    anomalies.extend(_frame_differences(parsed, fields_parsed))
    return out, anomalies


def _frame_differences(parsed: dict, fields_parsed: dict) -> list[dict]:
    """Differences in the text around the measures (intro, headings, goals), blank lines ignored."""
    a_lines = [(k, parsed["lines"][k - 1]) for k in sorted(parsed["frame"])]
    b_lines = [(k, fields_parsed["lines"][k - 1]) for k in sorted(fields_parsed["frame"])]

    def norm(s: str) -> str:
        return re.sub(r"^\s*(?:•|-)\s+", "- ", s.replace("\u00a0", " ")).strip()

    out = []
    sm = SequenceMatcher(a=[norm(x) for _, x in a_lines], b=[norm(x) for _, x in b_lines], autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            # equal after normalisation: report list-marker differences in raw text
            for (ka, ra), (kb, rb) in zip(a_lines[i1:i2], b_lines[j1:j2]):
                if ra != rb:
                    kind = "list-marker" if re.match(r"^\s*(•|-)\s", ra) and re.match(r"^\s*(•|-)\s",
                                                                                      rb) else "whitespace"
                    a_ = anomaly("capture-difference", "frame text",
                                 f"{kind}: hp2024 line {ka} {ra!r} / hp2024-fields line {kb} {rb!r}", ka,
                                 severity="info")
                    a_.update(fields_lines=[kb, kb], text=ra, fields_text=rb, differences=[kind])
                    out.append(a_)
            continue
        a_span = [a_lines[i1][0], a_lines[i2 - 1][0]] if i2 > i1 else None
        b_span = [b_lines[j1][0], b_lines[j2 - 1][0]] if j2 > j1 else None
        ta = "\n".join(x for _, x in a_lines[i1:i2])
        tb = "\n".join(x for _, x in b_lines[j1:j2])
        what = {"delete": "only in hp2024", "insert": "only in hp2024-fields", "replace": "text differs"}[tag]
        a_ = anomaly("capture-difference", "frame text",
                     f"{what}: hp2024 lines {a_span} / hp2024-fields lines {b_span}", a_span,
                     severity="info" if tag != "replace" else "warning")
        a_.update(fields_lines=b_span, text=ta or None, fields_text=tb or None,
                  differences=["only-in-hp2024" if tag == "delete"
                               else "only-in-hp2024-fields" if tag == "insert" else "text"])
        out.append(a_)
    return out


# --------------------------------------------------------------------------- entry points


def _record(src: Source, with_descriptions: bool) -> tuple[dict, dict]:
    parsed = _parse(src, with_descriptions)
    measures, anomalies = _build_measures(parsed, src, with_descriptions)
    focus_areas = [{k: v for k, v in fa.items()} for fa in parsed["focus_areas"]]
    if len(measures) == 0:
        raise ExtractError(f"data/sources/{src.file}", 1, "no measures found")
    rec = {"source": src.meta(), "extractor": {"module": MODULE, "version": VERSION},
           "focus_areas": focus_areas, "measures": measures, "anomalies": anomalies}
    return rec, parsed


def extract_fields(src: Source) -> dict:
    """The per-source record of the fields-only capture (hp2024-fields, 000)."""
    rec, parsed = _record(src, with_descriptions=False)
    rec["anomalies"].extend(numbering_check(rec["measures"], parsed["lines"]))
    rec["anomalies"].sort(key=sort_key)
    return rec


def extract(src: Source, fields_src: Source | None = None) -> dict:
    """The hp2024 record (002), reconciled with the fields-only capture (000, read via kg.sources)."""
    rec, parsed = _record(src, with_descriptions=True)
    lines = parsed["lines"]
    plan, programme = _plan_and_programme(lines)
    centrality, c_anoms = _centrality(lines)
    regions = _regions(lines)
    rec.update(plan=plan, programme=programme, centrality=centrality, regions=regions)
    rec["anomalies"].extend(c_anoms)
    rec["anomalies"].extend(_place_checks(centrality, regions))
    rec["anomalies"].extend(numbering_check(rec["measures"], lines))
    rec["anomalies"].extend(possible_typos(lines))
    fields_src = fields_src or get("hp2024-fields")
    fields_rec, fields_parsed = _record(fields_src, with_descriptions=False)
    rec["reconciliation"], r_anoms = reconcile(rec, parsed, fields_rec, fields_parsed)
    rec["reconciled_with"] = fields_src.meta()
    rec["anomalies"].extend(r_anoms)
    rec["anomalies"].sort(key=sort_key)
    return rec
