"""Extract Handlingsprogram 2025 (source ``hp2025``) into an action-programme record.

The text was extracted from the PDF twice: a readable copy (lines 1 … n) and, from the first
tab-indented line on, a garbled tagged-structure dump of the same PDF (letters like 'ø' dropped,
headings doubled). Everything is extracted from the readable copy; the garbled copy is only used to
cross-check measure ids, titles and field texts (anomaly ``garbled-duplicate-mismatch``).

Layout of a measure in the readable copy::

    <level heading: Fylkessatsinger | Distriktssatsinger | By- og regionsentersatsinger>
    K3 Inkluderende russemarkering (nytt tiltak)        <- heading, may wrap onto a second line
    <description paragraphs>
    Ansvarlig: …
    Samarbeidspartnere: …                               <- fields may wrap
    Koblinger til andre satsinger: …
    Prioritering: kort sikt (arbeidet er satt i gang)    <- "Prioritet:" in A10/A11
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path

from ... import config
from ...errors import ExtractError
from ...records.anomalies import anomaly, correction, sort_key
from ...text import PAGE_FOOTER_RE, fold, join_lines, joins_hyphen, one_edit, similarity
from ..money import find_amounts, parse_amount
from .action_programme_2025_appendices import parse_appendices

VERSION = 1

LEVELS = {"fylkessatsinger": "county", "distriktssatsinger": "district", "by- og regionsentersatsinger": "urban"}
FIELDS = {"Ansvarlig": "responsible", "Samarbeidspartnere": "partners",
          "Koblinger til andre satsinger": "links", "Prioritering": "priority", "Prioritet": "priority"}
FIELD_RE = re.compile(r"^\s*(Ansvarlig|Samarbeidspartnere|Koblinger til andre "
                      r"satsinger|Prioritering|Prioritet):\s*(.*?)\s*$")
HEAD_RE = re.compile(r"^\s*([KAL])\s?(\d{1,2})(?:\s?([ABab])(?=\s))?\s+(\S.*?)\s*$")
ID_RE = re.compile(r"^([KAL])\s?(\d{1,2})\s?([ABab])?$")
MARKER_RE = re.compile(r"\s*\((nytt tiltak|nytt|videreføres)\)\s*$")
NEW_MARKERS = {"nytt tiltak", "nytt"}
CONTINUED_MARKERS = {"videreføres"}
#: A heading wraps when its first line ends in a hyphen/dash, an open parenthesis or a function word.
_WRAP_WORDS = {"og", "i", "for", "av", "med", "til", "om"}
URL_LINE_RE = re.compile(r"^\s*https?://\S+\s*$")


# --- helpers -------------------------------------------------------------------------------------

def norm_id(letter: str, num: str, suffix: str | None) -> str:
    return f"{letter.upper()}{int(num)}{(suffix or '').upper()}"


def _heading_wraps(text: str) -> bool:
    t = text.rstrip()
    if t.endswith(("-", "–")) or t.count("(") > t.count(")"):
        return True
    words = t.split()
    return bool(words) and words[-1].lower() in _WRAP_WORDS


# --- the readable copy: layout ----------------------------------------------------------------

def readable_end(lines: list[str]) -> int:
    """1-based number of the last line of the readable copy (the garbled copy starts with a tab)."""
    for i, line in enumerate(lines):
        if line.lstrip(" ").startswith("\t"):
            return i
    return len(lines)


def _find(lines: list[str], pred, start: int, end: int) -> int | None:
    for i in range(start, end):
        if pred(lines[i]):
            return i
    return None


def _fields_of(body: list[tuple[int, str]]):
    """Split a measure body into description lines and labelled fields (with wrapped continuations)."""
    desc: list[tuple[int, str]] = []
    fields: list[dict] = []
    current = None
    for n, line in body:
        m = FIELD_RE.match(line)
        if m:
            current = {"label": m.group(1), "first": n, "last": n, "parts": [m.group(2)], "raw": [line.strip()],
                       "pre": [], "after_text": False}
            # text lines between the previous field (or the description) and this one: L11's item titles
            fields.append(current)
            continue
        if not line.strip():
            current = None
            continue
        if current is not None:
            current["parts"].append(line)
            current["raw"].append(line.strip())
            current["last"] = n
            continue
        if fields:
            fields[-1].setdefault("following", []).append((n, line))
        else:
            desc.append((n, line))
    return desc, fields


def extract(src, lines: list[str] | None = None) -> dict:
    """The hp2025 record (see docs/design.md "Action programme records")."""
    lines = src.lines() if lines is None else lines
    path = _display_path(src.path)
    anomalies: list[dict] = []
    end = readable_end(lines)

    start = _find(lines, lambda s: s.strip() == "Hva satser vi på?", 0, end)
    if start is None:
        raise ExtractError(path, 1, "heading 'Hva satser vi på?' (start of the measures) not found")
    stop = _find(lines, lambda s: s.strip() == "Vedlegg", start, end)
    if stop is None:
        raise ExtractError(path, start + 1, "heading 'Vedlegg' (end of the measures) not found")

    plan, programme = _plan_and_programme(lines, start, stop, path, anomalies)
    focus_areas, blocks = _blocks(lines, start, stop, path)
    measures = [_measure(b, path, anomalies) for b in blocks]
    _share_fields(measures, blocks, path, anomalies)
    _check_ids(measures, blocks, anomalies)
    _check_links(measures, anomalies)
    _check_text_references(measures, anomalies)
    _check_year_typos(lines, end, anomalies)
    _check_name_typos(lines, end, measures, anomalies)
    _attach_stray_urls(measures, blocks, anomalies)

    record = {
        "source": src.meta(),
        "extractor": {"module": __name__, "version": VERSION},
        "plan": plan,
        "programme": programme,
        "focus_areas": focus_areas,
        "measures": measures,
    }
    record.update(parse_appendices(lines, stop, end, measures, anomalies, path))
    _cross_check_garbled(lines, end, measures, anomalies)
    for m in measures:
        m.pop("_stray_urls", None)
    anomalies.sort(key=sort_key)
    record["anomalies"] = anomalies
    return record


# --- plan, programme, focus areas ------------------------------------------------------------

def _plan_and_programme(lines, start, stop, path, anomalies):
    text = {i + 1: lines[i] for i in range(len(lines))}
    # vision + main goal: the paragraph after "Hva satser vi på?"
    vis_i = _find(lines, lambda s: "visjonen om" in s, start, stop)
    goal_i = _find(lines, lambda s: s.strip().startswith("Hovedmålet er"), start, stop)
    if vis_i is None or goal_i is None:
        raise ExtractError(path, start + 1, "vision ('visjonen om …') or main goal ('Hovedmålet er:') not found")
    para = join_lines(lines[vis_i:goal_i])
    m = re.search(r"visjonen om (.+?) – som er nedfelt", para)
    if not m:
        raise ExtractError(path, vis_i + 1, "vision text not recognised")
    vision = m.group(1).strip()
    goal_line = _find(lines, lambda s: s.strip() != "", goal_i + 1, stop)
    main_goal = lines[goal_line].strip()
    # the plan's title as the document names it (the dataset's plan: kg.toml [plan])
    ds = config.dataset()
    title = ds.plan_title["nb"]
    title_line = next((n for n, s in text.items() if n <= stop and title.rsplit(" ", 1)[0] in s), None)
    if title_line is None or title not in join_lines(lines[title_line - 1:title_line + 1]):
        raise ExtractError(path, 1, f"plan title {title!r} not found in the document")
    plan = {"id": ds.plan_id, "title": title, "title_line": title_line,
            "vision": vision, "vision_lines": [vis_i + 1, goal_i], "main_goal": main_goal,
            "main_goal_line": goal_line + 1, "lines": [vis_i + 1, goal_line + 1]}

    adopted_i = _find(lines, lambda s: re.search(r"vedtatt i \w+ \d{2}\.\d{2}\.\d{4}", s), 0, start)
    year_i = _find(lines, lambda s: re.search(r"Handlingsprogram for \d{4} er", s), 0, start)
    if adopted_i is None or year_i is None:
        raise ExtractError(path, 1,
                           "programme year ('Handlingsprogram for YYYY er') or adoption ('vedtatt i … DD.MM.YYYY') not "
                           "found")
    am = re.search(r"vedtatt i (\w+) (\d{2})\.(\d{2})\.(\d{4})", lines[adopted_i])
    year = int(re.search(r"Handlingsprogram for (\d{4})", lines[year_i]).group(1))
    programme = {"year": year, "adopted": f"{am.group(4)}-{am.group(3)}-{am.group(2)}", "adopted_by": am.group(1),
                 "lines": [year_i + 1, adopted_i + 1], "money": []}
    for i in range(0, start):
        if "mill." in lines[i] and "handlingsprogram" in join_lines(lines[i:i + 2]).lower():
            sentence = re.split(r"(?<=\.)\s+(?=[A-ZÆØÅ])", join_lines(lines[i:i + 2]))[0]
            amount = parse_amount(lines[i])
            ym = re.search(r"i (\d{4})", join_lines(lines[i:i + 2]))
            programme["money"].append({"amount": amount, "currency": "NOK", "year": int(ym.group(1)) if ym else None,
                                       "period": None, "basis": "total",
                                       "purpose": (re.search(r"til (.+?)(?: i \d{4})?\.?$",
                                                             sentence) or re.search(r"(.*)", sentence)).group(1),
                                       "text": sentence.strip(), "line": i + 1})
            break
    return plan, programme


def _blocks(lines, start, stop, path):
    """Walk the measure section: focus areas (heading + 'Mål:'), levels, measure headings and bodies."""
    focus_areas: list[dict] = []
    blocks: list[dict] = []
    focus = level = None
    i = start + 1
    while i < stop:
        s = lines[i].strip()
        nxt = _find(lines, lambda x: x.strip() != "", i + 1, stop)
        if s and nxt is not None and lines[nxt].strip().startswith("Mål:") and not HEAD_RE.match(lines[i]):
            g_end = nxt
            while g_end + 1 < stop and lines[g_end + 1].strip():
                g_end += 1
            goal = join_lines(lines[nxt:g_end + 1])[len("Mål:"):].strip()
            ym = re.search(r"\bI (\d{4})\b", goal)
            focus = {"code": None, "title": s, "goal": goal, "goal_year": int(ym.group(1)) if ym else None,
                     "lines": [i + 1, g_end + 1]}
            focus_areas.append(focus)
            level = None
            i = g_end + 1
            continue
        if s.lower() in LEVELS:
            level = LEVELS[s.lower()]
            i += 1
            continue
        hm = HEAD_RE.match(lines[i])
        if hm and not FIELD_RE.match(lines[i]):
            if focus is None or level is None:
                raise ExtractError(path, i + 1, f"measure heading {s!r} before any focus-area or level heading")
            title_parts = [hm.group(4)]
            j = i + 1
            while _heading_wraps(title_parts[-1]) and j < stop and lines[j].strip() and not FIELD_RE.match(lines[j]):
                title_parts.append(lines[j])
                j += 1
            block = {"letter": hm.group(1), "num": hm.group(2), "suffix": hm.group(3), "raw_heading": s,
                     "head_line": i + 1, "title_lines": [i + 1, j], "title_raw": title_parts,
                     "focus": focus, "level": level, "body": []}
            blocks.append(block)
            i = j
            continue
        if blocks and blocks[-1]["focus"] is focus:
            blocks[-1]["body"].append((i + 1, lines[i]))
        elif s and FIELD_RE.match(lines[i]):
            raise ExtractError(path, i + 1, "field line outside any measure")
        i += 1
    for fa in focus_areas:
        letters = sorted({b["letter"] for b in blocks if b["focus"] is fa})
        if len(letters) != 1:
            raise ExtractError(path, fa["lines"][0],
                               f"focus area {fa['title']!r}: measures with id letters {letters}; expected one letter")
        fa["code"] = letters[0]
    if not blocks:
        raise ExtractError(path, start + 1, "no measure headings found")
    return focus_areas, blocks


# --- one measure -------------------------------------------------------------------------------

def _field(f: dict) -> dict:
    return {"text": join_lines(f["parts"]), "raw": "\n".join(f["raw"]), "lines": [f["first"], f["last"]],
            "mentions": []}


def _measure(b: dict, path: str, anomalies: list[dict]) -> dict:
    mid = norm_id(b["letter"], b["num"], b["suffix"])
    subject = f"measure {mid}"
    title_full = join_lines(b["title_raw"])
    markers = []
    while True:
        mm = MARKER_RE.search(title_full)
        if not mm:
            break
        markers.insert(0, mm.group(1))
        title_full = title_full[: mm.start()].rstrip()
    title = re.sub(r"\s+", " ", title_full).strip()

    body = []
    stray_urls = []
    for n, line in b["body"]:
        if PAGE_FOOTER_RE.match(line):
            continue
        if URL_LINE_RE.match(line):
            stray_urls.append((n, line.strip()))
            continue
        body.append((n, line))
    desc, fields = _fields_of(body)
    # trailing blank-only lines are dropped; description span = first..last non-blank line
    desc_lines = [(n, l) for n, l in desc if l.strip()]

    m = {"id": mid, "id_derived": False, "title": title, "title_derived": False, "title_basis": None,
         "markers": markers, "is_new": any(x in NEW_MARKERS for x in markers),
         "is_continued": any(x in CONTINUED_MARKERS for x in markers), "status": "active",
         "level": b["level"], "focus_area": b["letter"], "section": None,
         "heading": {"text": join_lines(b["title_raw"]), "lines": b["title_lines"]},
         "description": _paragraphs(desc), "description_lines": [desc_lines[0][0],
                                                                 desc_lines[-1][0]] if desc_lines else None,
         "responsible": None, "partners": None, "links": None, "priority": None, "money": [],
         "lines": [b["head_line"], max([n for n, _ in b["body"] if lines_nonblank(_)] or [b["title_lines"][1]])],
         "_stray_urls": stray_urls}

    responsible = [f for f in fields if f["label"] == "Ansvarlig"]
    if len(responsible) > 1:
        _items_measure(m, desc, fields, path, anomalies)
        desc_lines = [(n, l) for n, l in desc if l.strip()]
        m["description"] = _paragraphs(desc)
        m["description_lines"] = [desc_lines[0][0], desc_lines[-1][0]] if desc_lines else None
    else:
        for f in fields:
            key = FIELDS[f["label"]]
            if m[key] is not None:
                raise ExtractError(path, f["first"], f"{subject}: field {f['label']!r} appears twice")
            m[key] = _field(f)
            if f["label"] == "Prioritet":
                anomalies.append(anomaly("label-variant", subject,
                                         "priority field labelled 'Prioritet:' instead of 'Prioritering:'",
                                         f["first"], "info", measures=[mid]))
            if f.get("following"):
                n0 = f["following"][0][0]
                anomalies.append(anomaly("unexpected-text", subject,
                                         f"text after the field block: {join_lines([l for _, l in f['following']])!r}",
                                         [n0, f["following"][-1][0]], "warning", measures=[mid]))
        if fields:
            _finish_fields(m, anomalies)
    m["money"] = _money(desc, m, anomalies)
    return m


def lines_nonblank(line: str) -> bool:
    return bool(line.strip()) and not PAGE_FOOTER_RE.match(line)


def _paragraphs(desc: list[tuple[int, str]]) -> str:
    """Description text: paragraphs (separated by blank lines in the source) joined by a blank line.
    A hyphenated word broken across a blank line ("barne-" / "" / "hager") is rejoined."""
    paras: list[list[str]] = [[]]
    for _, line in desc:
        if line.strip():
            paras[-1].append(line)
        elif paras[-1]:
            paras.append([])
    out: list[str] = []
    for p in paras:
        if not p:
            continue
        text = join_lines(p)
        if out and joins_hyphen(out[-1], text):
            out[-1] = out[-1][:-1] + text
        else:
            out.append(text)
    return "\n\n".join(out)


def _items_measure(m, desc, fields, path, anomalies):
    """A measure that lists several plans, each with its own 'Ansvarlig:' (L11)."""
    subject = f"measure {m['id']}"
    items = []
    units: list[str] = []
    for f in fields:
        if f["label"] != "Ansvarlig":
            raise ExtractError(path, f["first"],
                               f"{subject}: field {f['label']!r} in a list of items with their own 'Ansvarlig:'")
    # the item title is the text line(s) just before each Ansvarlig: (the description's tail for the first)
    desc_nonblank = [(n, l) for n, l in desc if l.strip()]
    for k, f in enumerate(fields):
        if k == 0:
            title_src = [desc_nonblank[-1]] if desc_nonblank else []
            desc[:] = [(n, l) for n, l in desc if not title_src or n < title_src[0][0]]
        else:
            title_src = fields[k - 1].get("following", [])
        if not title_src:
            raise ExtractError(path, f["first"], f"{subject}: 'Ansvarlig:' without an item title before it")
        text = join_lines(f["parts"])
        items.append({"title": join_lines([l for _, l in title_src]), "lines": [title_src[0][0], f["last"]],
                      "responsible": {"text": text, "lines": [f["first"], f["last"]]}, "url": None})
        if text not in units:
            units.append(text)
    m["items"] = items
    m["responsible"] = {"text": ", ".join(units), "raw": "\n".join(r for f in fields for r in f["raw"]),
                        "lines": [fields[0]["first"], fields[-1]["last"]], "mentions": [],
                        "units": [{"text": it["responsible"]["text"], "item": it["title"],
                                   "line": it["responsible"]["lines"][0]} for it in items]}
    anomalies.append(anomaly("nonstandard-field-block", subject,
                             f"{len(items)} listed plans each with its own 'Ansvarlig:'; "
                             f"responsible = the {len(units)} distinct units; "
                             "no Samarbeidspartnere/Koblinger/Prioritering fields", m["responsible"]["lines"], "info",
                             measures=[m['id']]))
    for label in ("Samarbeidspartnere", "Koblinger til andre satsinger", "Prioritering"):
        anomalies.append(anomaly("missing-field", subject, f"no '{label}:' field", m["responsible"]["lines"],
                                 "warning", measures=[m['id']]))


def _finish_fields(m, anomalies):
    subject = f"measure {m['id']}"
    for label, key in (("Ansvarlig", "responsible"), ("Samarbeidspartnere", "partners"),
                       ("Koblinger til andre satsinger", "links"), ("Prioritering", "priority")):
        f = m[key]
        if f is None:
            anomalies.append(anomaly("missing-field", subject, f"no '{label}:' field", m["lines"], "warning",
                                     measures=[m['id']]))
        elif not f["text"]:
            anomalies.append(anomaly("empty-field", subject, f"'{label}:' is empty", f["lines"], "warning",
                                     measures=[m['id']]))
        else:
            t = f["text"]
            if t.endswith(","):
                anomalies.append(anomaly("trailing-separator", subject, f"'{label}:' ends with a comma: {t!r}",
                                         f["lines"], "info", measures=[m['id']]))
            if t.count("(") != t.count(")"):
                anomalies.append(anomaly("typo", subject, f"'{label}:' has an unbalanced parenthesis: {t!r}",
                                         f["lines"], "info", measures=[m['id']]))
    if m["links"] is not None:
        m["links"].update(_parse_links(m["links"]["text"], m["links"]["lines"], m["id"], anomalies))
    if m["priority"] is not None:
        m["priority"].update(_parse_priority(m["priority"]["text"]))
        m["priority"]["label"] = m["priority"]["raw"].split(":", 1)[0]


def _parse_priority(text: str) -> dict:
    low = text.lower()
    short, long_ = "kort" in low, "lang sikt" in low
    horizon = "short-and-long" if short and long_ else "short" if short else "long" if long_ else None
    pm = re.search(r"\(([^)]*)\)?", text)
    return {"horizon": horizon, "status_phrase": pm.group(1).strip() if pm else None}


def _parse_links(text: str, lines, mid: str, anomalies) -> dict:
    """Measure ids and other named strategies/plans in a 'Koblinger til andre satsinger:' field."""
    subject = f"measure {mid}"
    out_ids: list[str] = []
    other: list[str] = []
    items = [p for p in re.split(r"\s*,\s*(?=[A-ZÆØÅ0-9])|\s+og\s+(?=[A-ZÆØÅ0-9])",
                                 text.strip().rstrip(".")) if p.strip()]
    expanded: list[str] = []
    for item in items:
        mm = re.match(r"^([KAL]\s?\d{1,2}\s?[ABab]?)\s+og\s+(.+)$", item)
        expanded.extend([mm.group(1), mm.group(2)] if mm else [item])
    for item in expanded:
        item = item.strip(" ,.")
        idm = ID_RE.match(item)
        if idm:
            nid = norm_id(*idm.groups())
            if nid != item:
                anomalies.append(anomaly("id-normalised", subject, f"link {item!r} read as {nid}", lines, "info",
                                         correction("links.measures", item, nid,
                                                    "measure ids are written without spaces, suffix upper-case"),
                                                    measures=[mid]))
            out_ids.append(nid)
            continue
        toks = item.split()
        if len(toks) > 1 and all(ID_RE.match(t) for t in toks):
            ids = [norm_id(*ID_RE.match(t).groups()) for t in toks]
            anomalies.append(anomaly("missing-separator", subject,
                                     f"links {item!r} lack a separator; read as {', '.join(ids)}", lines, "info",
                                     correction("links.measures", item, ids, "two ids separated only by a space"),
                                     measures=[mid]))
            out_ids.extend(ids)
            continue
        if re.fullmatch(r"\d+(?:\.\d+)+", item):
            anomalies.append(anomaly("unknown-link-target", subject,
                                     f"link {item!r} is a section number; "
                                     "the 2025 programme does not number its sections",
                                     lines, "warning", measures=[mid]))
        other.append(item)
    return {"measures": out_ids, "other": other}


def _money(desc, m, anomalies) -> list[dict]:
    """Money mentioned in the description: amount, year/period, per-year or total, purpose, text, line."""
    offsets: list[tuple[int, int]] = []  # (offset in joined text, line)
    text = ""
    for n, line in desc:
        s = line.strip()
        if not s:
            continue
        if text and joins_hyphen(text, s):
            text = text[:-1]
        elif text:
            text += " "
        offsets.append((len(text), n))
        text += re.sub(r"\s+", " ", s)
    out = []
    for start, end, amount, matched in find_amounts(text):
        line = max(n for off, n in offsets if off <= start)
        # the sentence around the amount ("mill. kr. for" does not end a sentence: next word lower-case)
        s0 = max([mm.end() for mm in re.finditer(r"[.!?]\s+(?=[A-ZÆØÅ])", text[:start])] or [0])
        e = re.search(r"[.!?](?=\s+[A-ZÆØÅ]|\s*$)", text[end:])
        s1 = end + e.end() if e else len(text)
        sentence = text[s0:s1].strip()
        period = year = None
        pm = re.search(r"(\d{4})\s*[-–]\s*(\d{4})", sentence) or re.search(r"(\d{4}) og (\d{4})", sentence)
        if pm:
            period = [int(pm.group(1)), int(pm.group(2))]
        elif (um := re.search(r"ut (\d{4})", sentence)):
            period = [None, int(um.group(1))]
        elif (ym := re.search(r"\b(?:for|i) (\d{4})\b", sentence)):
            year = int(ym.group(1))
        basis = "per-year" if re.search(r"\bårlig\b", sentence, re.IGNORECASE) else "total"
        rest = text[end:s1]
        rest = re.sub(r"\b(årlig|kr\.?|kroner)\b|(?:for )?(?:perioden |årene )?(?:ut )?"
                      r"\d{4}(?:\s*(?:[-–]|og)\s*\d{4})?", " ", rest, flags=re.IGNORECASE)
        rest = re.sub(r"^[\s.,:–-]+|[\s.,:–-]+$", "", re.sub(r"\s+", " ", rest))
        rest = re.sub(r"^til\s+", "", rest)
        # a purpose needs at least two words ("i Innlandet" names a place, not a purpose)
        rest = "" if len(re.sub(r"^i\s+", "", rest).split()) < 2 else rest
        purpose, basis_p = (rest, "text") if rest else (m["title"], "measure-title")
        out.append({"amount": amount, "currency": "NOK", "year": year, "period": period, "basis": basis,
                    "purpose": purpose, "purpose_basis": basis_p, "amount_text": matched.strip(), "text": sentence,
                    "line": line})
    return out


# --- cross-measure checks ----------------------------------------------------------------------

def _share_fields(measures, blocks, path, anomalies):
    """A measure without any field block shares the next measure's fields when both carry the same
    number (K2A/K2B: one field block printed after K2B applies to both)."""
    for k, m in enumerate(measures):
        if m["responsible"] is not None or m.get("items"):
            continue
        nxt = measures[k + 1] if k + 1 < len(measures) else None
        same_base = (nxt is not None and blocks[k]["letter"] == blocks[k + 1]["letter"]
                     and blocks[k]["num"] == blocks[k + 1]["num"])
        if not same_base or nxt["responsible"] is None:
            raise ExtractError(path, blocks[k]["head_line"],
                               f"measure {m['id']}: no field block "
                               "(Ansvarlig/Samarbeidspartnere/Koblinger/Prioritering) before the next heading")
        for key in ("responsible", "partners", "links", "priority"):
            m[key] = None if nxt[key] is None else {**nxt[key], "mentions": [], "shared_with": nxt["id"]}
        nxt_lines = nxt["responsible"]["lines"][0], (nxt["priority"] or nxt["responsible"])["lines"][1]
        m["shared_fields"] = {"with": nxt["id"], "lines": list(nxt_lines)}
        nxt["shared_fields"] = {"with": m["id"], "lines": list(nxt_lines)}
        anomalies.append(anomaly("shared-field-block", f"measure {m['id']}",
                                 f"{m['id']} has no field block of its own; "
                                 f"the block after {nxt['id']} applies to both {m['id']} and {nxt['id']}",
                                 list(nxt_lines), "info", measures=[m['id']]))


def _check_ids(measures, blocks, anomalies):
    seen: dict[str, int] = {}
    for m, b in zip(measures, blocks):
        written = re.match(r"^([KAL]\s?\d{1,2}(?:\s?[AB](?=\s))?)", b["raw_heading"]).group(1)
        if written != m["id"]:
            anomalies.append(anomaly("id-normalised", f"measure {m['id']}", f"heading id written {written!r}",
                                     b["head_line"], "info",
                                     correction("id", written, m["id"], "measure ids are written without spaces"),
                                     measures=[m['id']]))
        if m["id"] in seen:
            anomalies.append(anomaly("duplicate-id", f"measure {m['id']}", f"id also used at line {seen[m['id']]}",
                                     b["head_line"], "error", measures=[m['id']]))
        seen[m["id"]] = b["head_line"]
    for letter in sorted({m["focus_area"] for m in measures}):
        nums = sorted({int(b["num"]) for b in blocks if b["letter"] == letter})
        missing = [n for n in range(1, nums[-1] + 1) if n not in nums]
        if missing:
            anomalies.append(anomaly("numbering-gap", f"focus area {letter}",
                                     f"no measure {', '.join(f'{letter}{n}' for n in missing)}", None))


def _check_links(measures, anomalies):
    ids = {m["id"] for m in measures}
    for m in measures:
        links = m["links"]
        if not links or links.get("shared_with"):
            continue
        subject = f"measure {m['id']}"
        seen = set()
        for t in links["measures"]:
            if t == m["id"]:
                anomalies.append(anomaly("self-link", subject, f"{m['id']} links to itself", links["lines"],
                                         measures=[m['id']]))
            if t not in ids:
                anomalies.append(anomaly("unknown-link-target", subject,
                                         f"link to {t}, which is not a measure of the 2025 programme", links["lines"],
                                         measures=[m['id']]))
            if t in seen:
                anomalies.append(anomaly("duplicate-link", subject, f"{t} listed twice", links["lines"],
                                         measures=[m['id']]))
            seen.add(t)
    # the shared block of K2A/K2B: a self-link check for the measures that share it
    for m in measures:
        if m["links"] and m["links"].get("shared_with") and m["id"] in m["links"]["measures"]:
            anomalies.append(anomaly("self-link", f"measure {m['id']}", f"{m['id']} links to itself (shared block)",
                                     m["links"]["lines"], measures=[m['id']]))


def _check_text_references(measures, anomalies):
    """A description that names a measure id right after a title-like phrase ("Bygdevekstavtalen i
    Sør-Østerdal (A10)"): if the phrase matches another measure's title better, report it."""
    by_id = {m["id"]: m for m in measures}
    for m in measures:
        text = m["description"] or ""
        for rm in re.finditer(r"([A-ZÆØÅ][\wæøåÆØÅ-]*(?:\s+[\wæøåÆØÅ-]+){0,4})\s*\(([KAL]\d{1,2}[AB]?)\)", text):
            phrase, ref = rm.group(1), rm.group(2)
            if ref not in by_id:
                continue
            best = max(measures, key=lambda x: similarity(phrase, x["title"]))
            if best["id"] != ref and similarity(phrase, best["title"]) >= 0.8 > similarity(phrase, by_id[ref]["title"]):
                anomalies.append(anomaly("id-title-mismatch", f"measure {m['id']}",
                                         f"text refers to {phrase!r} as ({ref}), but {ref} is {by_id[ref]['title']!r}; "
                                         f"{best['id']} is {best['title']!r}", m["description_lines"],
                                         measures=[m['id']]))


def _check_year_typos(lines, end, anomalies):
    """Year-like five-digit numbers such as '20230' (→ 2030 in 'Innlandet universelt utformet 20230')."""
    for i in range(end):
        for ym in re.finditer(r"(?<![\d/.-])20\d{3}(?!\d)(?![./-]\d)", lines[i]):
            anomalies.append(anomaly("typo", "document text", f"year-like number {ym.group(0)!r} has five digits: "
                                     f"{lines[i].strip()[max(0, ym.start() - 40):ym.end() + 10]!r}", i + 1, "info"))


def _check_name_typos(lines, end, measures, anomalies):
    """Capitalised words one letter away (insertion/deletion/substitution inside the word) from a
    capitalised word used at least three times, e.g. 'Innladet' (Innlandet), 'Lærlingsfabrikken'."""
    words: dict[str, list[int]] = {}
    for i in range(end):
        for wm in re.finditer(r"\b[A-ZÆØÅ][a-zæøå]{5,}\b", lines[i]):
            words.setdefault(wm.group(0), []).append(i + 1)
    common = [w for w, ns in words.items() if len(ns) >= 3]
    for w, ns in sorted(words.items()):
        if len(ns) > 1 or w in common:
            continue
        for c in common:
            if abs(len(c) - len(w)) > 1 or w[-2:] != c[-2:] or w[:2] != c[:2]:
                continue
            if one_edit(w, c) is not None:
                anomalies.append(anomaly("typo", "document text",
                                         f"{w!r} is probably {c!r} (used {len(words[c])} times)", ns[0], "info"))
                break


def _attach_stray_urls(measures, blocks, anomalies):
    """URL-only lines (hyperlinks of L11's plan list that the PDF placed inside L12's text): attach each
    to the listed plan whose title shares most words with the URL, else keep it on the measure."""
    itemised = [m for m in measures if m.get("items")]
    for m in measures:
        for n, url in m.get("_stray_urls", []):
            slug_words = set(re.findall(r"[a-zæøå]+", url.lower()))
            best, score = None, 0
            for owner in itemised:
                for it in owner["items"]:
                    words = {w for w in re.findall(r"[a-zæøå]+",
                                                   it["title"].lower().replace("å", "a").replace("ø", "o"))
                             if len(w) > 3}
                    s = len(words & slug_words)
                    if s > score and it["url"] is None:
                        best, score = (owner, it), s
            if best:
                best[1]["url"] = url
                best[1]["url_line"] = n
                anomalies.append(anomaly("misplaced-content", f"measure {m['id']}",
                                         f"URL of {best[0]['id']} item {best[1]['title']!r} "
                                         f"printed inside {m['id']}'s text",
                                         n, "info", measures=[m['id']]))
            else:
                m.setdefault("urls", []).append({"url": url, "line": n})


def _cross_check_garbled(lines, end, measures, anomalies):
    """Compare ids, titles and field texts with the garbled second copy (from line ``end`` + 1)."""
    if end >= len(lines):
        return
    g = lines[end:]
    gs = _find(g, lambda s: s.strip() == "Hva satser vi på?", 0, len(g))
    ge = _find(g, lambda s: s.strip() == "Vedlegg", gs or 0, len(g)) if gs is not None else None
    if gs is None or ge is None:
        anomalies.append(anomaly("garbled-duplicate-mismatch", "document",
                                 "garbled copy has no measure section to compare", end + 1, "info"))
        return
    heads: list[tuple[str, int, str]] = []
    for k in range(gs, ge):
        hm = HEAD_RE.match(g[k])
        if hm and not FIELD_RE.match(g[k]):
            mid = norm_id(hm.group(1), hm.group(2), hm.group(3))
            if heads and heads[-1][0] == mid and heads[-1][1] == k - 1:
                continue  # doubled heading
            heads.append((mid, k, hm.group(4)))
    g_ids = [h[0] for h in heads]
    ids = [m["id"] for m in measures]
    if g_ids != ids:
        anomalies.append(anomaly("garbled-duplicate-mismatch", "programme",
                                 f"measure ids differ: readable copy {len(ids)} "
                                 f"({', '.join(i for i in ids if i not in g_ids) or '-'} only here), "
                                 f"garbled copy {len(g_ids)} "
                                 f"({', '.join(i for i in g_ids if i not in ids) or '-'} only there)",
                                 [end + gs + 1, end + ge + 1]))
    by_id = {m["id"]: m for m in measures}
    labels = r"(Ansvarlig|Samarbeidspartnere|Koblinger til andre satsinger|Prioritering|Prioritet):"
    for idx, (mid, k, gtitle) in enumerate(heads):
        m = by_id.get(mid)
        if m is None:
            continue
        k_end = heads[idx + 1][1] if idx + 1 < len(heads) else ge
        gline = end + k + 1
        if not _same_text(m["title"], gtitle):
            anomalies.append(anomaly("garbled-duplicate-mismatch", f"measure {mid}",
                                     f"title differs: {m['title']!r} vs garbled {gtitle.strip()!r}",
                                     [m["heading"]["lines"][0], gline], "info", measures=[mid]))
        if m.get("items") or m.get("shared_fields", {}).get("with") and m["responsible"].get("shared_with"):
            continue
        seg = " ".join(s.strip() for s in g[k:k_end])
        parts = re.split(labels, seg)
        gfields = {FIELDS[parts[j]]: parts[j + 1].strip() for j in range(1, len(parts) - 1, 2)}
        for key in ("responsible", "partners", "links", "priority"):
            mine = m[key]["text"] if m[key] else None
            theirs = gfields.get(key)
            if mine is None and theirs is None:
                continue
            if mine is None or theirs is None or not _same_text(mine, theirs):
                label = {"responsible": "Ansvarlig:", "partners": "Samarbeidspartnere:",
                         "links": "Koblinger til andre satsinger:", "priority": "Priorit"}[key]
                g_at = next((end + j + 1 for j in range(k, k_end) if label in g[j]), gline)
                anomalies.append(anomaly("garbled-duplicate-mismatch", f"measure {mid}",
                                         f"{key} differs: {mine!r} vs garbled {theirs!r}",
                                         [m[key]["lines"][0] if m[key] else m["lines"][0], g_at], "info",
                                         measures=[mid]))


def _display_path(path: Path) -> str:
    """The source path as error messages show it: relative to the project root when inside it."""

    try:
        return str(Path(path).resolve().relative_to(config.ROOT.resolve()))
    except ValueError:
        return str(path)


def _same_text(mine: str, garbled: str) -> bool:
    """The garbled copy drops 'ø' (sometimes with a neighbouring letter: 'følges' → 'fges') and may run
    on into the next text; compare the folded texts over the readable copy's length."""
    a, b = fold(mine), fold(garbled)
    if b.startswith(a):
        return True
    return SequenceMatcher(None, a, b[: len(a) + 2], autojunk=False).ratio() >= 0.93


def extract_path(path: Path) -> dict:
    """Convenience for tests and scripts: extract a registered file by path."""
    from ...sources import by_path
    return extract(by_path(path))
