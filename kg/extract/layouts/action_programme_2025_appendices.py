"""Appendices (Vedlegg 1–4) of Handlingsprogram 2025: referenced documents, the 2023 allocation
status table, the 2025 distribution table, centrality classes and (absent) regions.

The allocation status table was laid out in columns; the PDF text interleaves the narrow first
column (title, "Ansvar: …") with the status column on the same lines. The garbled second copy prints
each first-column fragment on its own, doubled line; those doubled fragments are used only to find
where the first column ends on a readable line — all text comes from the readable copy.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from ... import authority
from ...errors import ExtractError
from ...records.anomalies import anomaly
from ...text import PAGE_FOOTER_RE, dehyphenate, fold, join_lines, slug
from ..money import parse_amount

#: (Vedlegg 2) plain amounts have at most this many digits (< 10 million NOK); longer digit runs are
#: two adjacent cells ("100 000 100 000" = 100 000 | 100 000).
MAX_DIGITS = 7
STOP_WORDS = {"og", "for", "i", "av", "med", "om", "til", "det", "en", "et", "på", "som", "ved"}


def parse_appendices(lines, stop, end, measures, anomalies, path) -> dict:
    find = lambda pred, a=stop, b=end: next((i for i in range(a, b) if pred(lines[i].strip())), None)
    v1, v2, v3, v4 = (find(lambda s, k=k: s.startswith(f"Vedlegg {k}:")) for k in (1, 2, 3, 4))
    if None in (v1, v2, v3):
        raise ExtractError(path, stop + 1,
                           "appendices 'Vedlegg 1:', 'Vedlegg 2:' and 'Vedlegg 3:' expected after the measures")
    dist = find(lambda s: s.startswith("Forslag til fordeling av midler"), v2, v3)
    if dist is None:
        raise ExtractError(path, v2 + 1,
                           "'Forslag til fordeling av midler' (2025 distribution table) not found in Vedlegg 2")
    out = {"referenced_documents": _documents(lines, v1, v2)}
    status, totals = _allocation_status(lines, v2, dist, end, measures, anomalies, path)
    out["allocation_status"], out["allocation_status_totals"] = status, totals
    out["distribution"], out["distribution_totals"] = _distribution(lines, dist, v3, measures, anomalies, path)
    out["centrality"] = _centrality(lines, v3, v4 if v4 is not None else end, anomalies, path)
    out["regions"] = []
    if v4 is not None:
        anomalies.append(anomaly("missing-content", "Vedlegg 4",
                                 "Vedlegg 4 (Innlandets regioninndeling) announces the ten regions, but the list is "
                                 "only in a map "
                                 "that the text capture does not hold; no regions extracted", v4 + 1, "info"))
        if "Vedlegg 4: :" in lines[v4]:
            anomalies.append(anomaly("typo", "Vedlegg 4", f"doubled colon in heading {lines[v4].strip()!r}", v4 + 1,
                                     "info"))
    return out


# --- helpers ---------------------------------------------------------------------------------

def title_score(a: str, b: str) -> float:
    """How well two titles name the same thing: the better of (share of the shorter folded title
    covered by common blocks of ≥ 4 letters) and (shared content words / words of the shorter)."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return 0.0
    short, long_ = sorted((fa, fb), key=len)
    blocks = SequenceMatcher(None, short, long_, autojunk=False).get_matching_blocks()
    coverage = sum(bl.size for bl in blocks if bl.size >= 4) / len(short)
    wa = {fold(w) for w in re.findall(r"[\wæøåÆØÅ-]+", a.lower()) if w not in STOP_WORDS and len(w) > 2}
    wb = {fold(w) for w in re.findall(r"[\wæøåÆØÅ-]+", b.lower()) if w not in STOP_WORDS and len(w) > 2}
    words = len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0
    return round(max(coverage, words), 3)


def best_measure(title: str, measures) -> tuple[dict | None, float]:
    scored = sorted(((title_score(title, m["title"]), m["id"], m) for m in measures), key=lambda t: (-t[0], t[1]))
    return (scored[0][2], scored[0][0]) if scored else (None, 0.0)


def _amount_tokens(text: str) -> list[tuple[int, str]]:
    """Cells of amounts in table text: (value, text). '1,5 mill.' → 1 500 000; digit groups of three
    join a number until it would exceed MAX_DIGITS digits."""
    toks = re.findall(r"\d+(?:[.,]\s?\d+)*\s*mill\.?|\d+(?:\.\d{3})*|=|\S+", text)
    cells: list[list] = []
    for t in toks:
        if "mill" in t:
            cells.append([parse_amount(t), t])
        elif re.fullmatch(r"\d+(?:\.\d{3})*", t):
            digits = t.replace(".", "")
            prev = cells[-1] if cells else None
            if (prev is not None and len(prev) == 3 and re.fullmatch(r"\d{3}", t)
                    and prev[2] == "open" and len(str(prev[0])) + 3 <= MAX_DIGITS):
                prev[0] = int(f"{prev[0]}{digits}")
                prev[1] = f"{prev[1]} {t}"
            else:
                cells.append([int(digits), t, "open"])
        else:
            if cells and len(cells[-1]) == 3:
                cells[-1][2] = "closed"
            cells.append([None, t])
    return [(c[0], c[1]) for c in cells]


# --- Vedlegg 1 -------------------------------------------------------------------------------

DOC_RE = re.compile(r"^((?:NOU \d{4}: \d+)|(?:(?:Meld\.|Rapport til) St\. \d+ \(\d{4}-\d{4}\)))\s*(?:-\s*)?(.*)$")


def _documents(lines, v1, v2) -> list[dict]:
    docs: list[dict] = []
    scope = None
    series = None
    for i in range(v1 + 1, v2):
        s = lines[i].strip()
        if not s:
            series = None
            continue
        if s == "Nasjonalt":
            scope = "national"
            continue
        if s.startswith("Regionalt"):
            scope = "regional"
            continue
        m = DOC_RE.match(s)
        if m:
            ident = m.group(1)
            docs.append({"key": slug(ident), "identifier": ident, "title": m.group(2).strip(), "scope": scope,
                         "series": None, "lines": [i + 1, i + 1]})
        elif scope == "national" and docs:
            docs[-1]["title"] = join_lines([docs[-1]["title"], s])
            docs[-1]["lines"][1] = i + 1
        elif scope == "regional":
            if s == "Innlandsstatistikk":
                series = s
            docs.append({"key": slug(s if series in (None, s) else f"{series} {s}"), "identifier": None, "title": s,
                         "scope": scope, "series": series if series != s else None, "lines": [i + 1, i + 1]})
    return docs


# --- Vedlegg 2: allocation status 2023 -------------------------------------------------------

def _doubled_fragments(lines, end) -> set[str]:
    """Folded lines that the garbled copy prints twice in a row (first-column fragments of tables)."""
    out = set()
    for i in range(end, len(lines) - 1):
        a = lines[i].strip()
        if a and a == lines[i + 1].strip():
            out.add(fold(a))
    out.discard("")
    return out


def _left_fragment(line: str, doubled: set[str]) -> str | None:
    """The first-column fragment at the start of an interleaved line, if the garbled copy knows it:
    longest first; exact (folded) or near (one letter more or less: the garbled copy has 'Gjikre-')."""
    words = line.strip().split()
    cands = [" ".join(words[:k]) for k in range(min(4, len(words)), 0, -1)]
    for cand in cands:
        fc = fold(cand)
        if len(fc) >= 3 and fc in doubled:
            return cand
        if len(fc) >= 8 and any(abs(len(fc) - len(d)) <= 1 and SequenceMatcher(None, fc, d).ratio() >= 0.9
                                for d in doubled if len(d) >= 8):
            return cand
    return None


def _allocation_status(lines, v2, dist, end, measures, anomalies, path):
    table_start = next((i for i in range(v2, dist) if lines[i].strip() == "Tiltak"), None)
    if table_start is None:
        raise ExtractError(path, v2 + 1, "allocation status table (header 'Tiltak') not found")
    totals = _status_summary(lines, v2, table_start, anomalies)
    # fragments of the first column; table headers and focus-area headings are not fragments
    doubled = _doubled_fragments(lines, end) - {fold(x) for x in ("Tiltak", *_FOCUS_TITLES)}
    rows: list[dict] = []
    i = table_start
    while i < dist:
        s = lines[i].strip()
        if not s or PAGE_FOOTER_RE.match(lines[i]):
            i += 1
            continue
        if s == "Tiltak":
            j = next((k for k in range(i, dist) if lines[k].strip() == "Status/merknad"), None)
            if j is None:
                raise ExtractError(path, i + 1, "table header without 'Status/merknad'")
            i = j + 1
            continue
        if fold(s) in {fold(t) for t in _FOCUS_TITLES}:
            i += 1
            continue
        if s.startswith("Til sammen"):
            totals.update(_status_totals(lines, i, dist))
            break
        anchor = next((k for k in range(i, dist) if "Vedtak:" in lines[k]), None)
        if anchor is None:
            # a section heading line (focus area) between tables
            i += 1
            continue
        status_k = next((k for k in range(anchor, dist) if "Status:" in lines[k]), None)
        if status_k is None:
            raise ExtractError(path, anchor + 1, "allocation status row without 'Status:'")
        r = status_k + 1
        while (r < dist and lines[r].strip() and lines[r].strip() != "Tiltak"
               and not lines[r].strip().startswith("Til sammen")
               and fold(lines[r]) not in {fold(t) for t in _FOCUS_TITLES}):
            r += 1
        rows.append(_status_row(lines, i, anchor, r, doubled, measures, anomalies, path))
        i = r
    _check_status_sums(rows, totals, anomalies)
    return rows, totals


def _status_row(lines, i, anchor, r, doubled, measures, anomalies, path) -> dict:
    lead, _, right0 = lines[anchor].partition("Vedtak:")
    pre_lines = [(k + 1, lines[k]) for k in range(i, anchor) if lines[k].strip() and not PAGE_FOOTER_RE.match(lines[k])]
    # section headings (a focus-area title) can precede the first row after a table header
    pre_lines = [(n, l) for n, l in pre_lines if fold(l) not in {fold(m_t) for m_t in _FOCUS_TITLES}]
    pre_text = " ".join(l.strip() for _, l in pre_lines) + " " + lead.strip()
    ref = re.search(r"Ref\. sak i\s+Elements\s+(\S+)", pre_text)
    if ref:
        pre_text = pre_text.replace(ref.group(0), " ")
    cells = _amount_tokens(pre_text)
    tail: list[tuple[int, str]] = []
    while cells and cells[-1][0] is not None:
        tail.insert(0, cells.pop())
    left = " ".join(t for _, t in cells).strip()
    interleaved = not pre_lines and bool(lead.strip())
    right_parts = ["Vedtak:" + right0]
    left_parts = [left] if left else []
    for k in range(anchor + 1, r):
        line = lines[k]
        if not line.strip() or PAGE_FOOTER_RE.match(line):
            right_parts.append("")
            continue
        frag = _left_fragment(line, doubled) if interleaved else None
        if frag:
            left_parts.append(frag)
            right_parts.append(line.strip()[len(frag):])
        else:
            right_parts.append(line)
    left_text = dehyphenate(join_lines(left_parts), lower_only=True)
    title, _, resp = left_text.partition("Ansvar:")
    right = join_lines(right_parts)
    dm = (re.search(r"Vedtak:\s*(.+?(?:PS \d+/\d{4}|\d{2}\.\d{2}\.\d{4}\.?))", right)
          or re.search(r"Vedtak:\s*(.+?stimuleringsmidler\.?)", right, re.IGNORECASE))
    sm = re.search(r"Status:\s*(.+)$", right)
    values = [v for v, _ in tail]
    if len(values) != 3:
        raise ExtractError(path, anchor + 1,
                           f"allocation row {title.strip()!r}: expected 3 amounts, found {[t for _, t in tail]}")
    best, score = best_measure(title, measures)
    row = {"measure": best["id"] if best and score >= 0.75 else None,
           "match_score": score if best and score >= 0.75 else None,
           "title_in_table": title.strip(), "responsible_in_table": resp.strip() or None,
           "allocated": values[0], "used": values[1], "carried_over": values[2],
           "amount_texts": [t for _, t in tail], "reference": ref.group(1) if ref else None,
           "decision": dm.group(1).strip() if dm else None, "status": sm.group(1).strip() if sm else None,
           "remark": right, "line": anchor + 1, "lines": [pre_lines[0][0] if pre_lines else anchor + 1, r]}
    if interleaved:
        row["title_reconstructed"] = True
    return row


#: focus-area headings between the tables (the table prints "Lokalsamfunn møteplasser og kultur" without comma)
_FOCUS_TITLES = ("Kompetanse og livslang læring", "Arbeidsliv og arbeidsplassutvikling",
                 "Lokalsamfunn møteplasser og kultur")


def _status_summary(lines, v2, table_start, anomalies) -> dict:
    """'Tildelte midler i 2023 … 7. 3 mil. kr' and its three components."""
    out: dict = {"stated_allocated": None, "stated_components": []}
    for i in range(v2, table_start):
        s = lines[i].strip()
        if not re.search(r"\bmill?\.", s) or s.startswith("*"):
            continue
        amount = parse_amount(s)
        label = re.split(r"\s\d", s, maxsplit=1)[0].strip()
        if re.search(r"\d\.\s\d|\bmil\.", s):
            written = re.search(r"[0-9][0-9. ]*mill?\.", s).group(0)
            anomalies.append(anomaly("typo", "Vedlegg 2", f"amount written {written!r} (read as {amount})",
                                     i + 1, "info"))
        if out["stated_allocated"] is None:
            out["stated_allocated"] = amount
            out["stated_allocated_line"] = i + 1
        else:
            out["stated_components"].append({"label": label, "amount": amount, "line": i + 1})
    comp = sum(c["amount"] for c in out["stated_components"])
    if out["stated_components"] and comp != out["stated_allocated"]:
        anomalies.append(anomaly("table-sum-mismatch", "Vedlegg 2",
                                 f"components sum to {comp}, stated total {out['stated_allocated']}",
                                 [out["stated_allocated_line"], out["stated_components"][-1]["line"]]))
    return out


def _status_totals(lines, i, dist) -> dict:
    k = i
    parts = []
    while k < dist and not lines[k].strip().startswith("Forslag"):
        parts.append(lines[k].strip())
        k += 1
    text = " ".join(parts).replace("Til sammen", " ")
    cells = [c for c in _amount_tokens(text) if c[0] is not None or c[1] == "="]
    cols: list[dict] = []
    j = 0
    while j < len(cells):
        v, t = cells[j]
        if j + 2 < len(cells) and cells[j + 1][1] == "=":
            cols.append({"exact": v, "rounded": cells[j + 2][0], "text": f"{t} = {cells[j + 2][1]}"})
            j += 3
        elif v is not None:
            cols.append({"exact": None if "mill" in t else v, "rounded": v if "mill" in t else None, "text": t})
            j += 1
        else:
            j += 1
    names = ("allocated", "used", "carried_over")
    return {"stated_totals": {n: c for n, c in zip(names, cols)}, "stated_totals_lines": [i + 1, k]}


def _check_status_sums(rows, totals, anomalies):
    for row in rows:
        if row["allocated"] != row["used"] + row["carried_over"]:
            anomalies.append(anomaly("table-sum-mismatch", f"allocation row {row['title_in_table']!r}",
                                     f"allocated {row['allocated']} ≠ used {row['used']} "
                                     f"+ carried over {row['carried_over']}",
                                     row["line"]))
    sums = {n: sum(r[n] for r in rows) for n in ("allocated", "used", "carried_over")}
    totals["sums"] = sums
    for n, col in (totals.get("stated_totals") or {}).items():
        value = col["exact"] if col["exact"] is not None else col["rounded"]
        tolerance = 0 if col["exact"] is not None else 50_000  # "7.3 mill." is rounded to 0.1 mill.
        if abs(sums[n] - value) > tolerance:
            anomalies.append(anomaly("table-sum-mismatch", "Vedlegg 2 allocation status",
                                     f"{n}: rows sum to {sums[n]}, total row says {col['text']!r}",
                                     totals["stated_totals_lines"]))
        if col["exact"] is not None and col["rounded"] is not None and abs(col["exact"] - col["rounded"]) > 50_000:
            anomalies.append(anomaly("table-sum-mismatch", "Vedlegg 2 allocation status",
                                     f"{n}: {col['text']!r} — rounding does not match",
                                     totals["stated_totals_lines"]))
    stated = totals.get("stated_allocated")
    if stated is not None and abs(sums["allocated"] - stated) > 50_000:
        anomalies.append(anomaly("table-sum-mismatch", "Vedlegg 2 allocation status",
                                 f"rows allocate {sums['allocated']}, the summary says {stated}",
                                 totals.get("stated_allocated_line")))


# --- Vedlegg 2: distribution 2025 ------------------------------------------------------------

def _distribution(lines, dist, v3, measures, anomalies, path):
    by_id = {m["id"]: m for m in measures}
    intro = join_lines([lines[k] for k in range(dist + 1, v3) if lines[k].strip()][:2])
    stated = [parse_amount(x) for x in re.findall(r"\d+(?:\.\d+)? mill\. kr", intro)]
    header = next((k for k in range(dist, v3) if lines[k].strip().startswith("Satsing")), None)
    if header is None:
        raise ExtractError(path, dist + 1, "distribution table header 'Satsing' not found")
    rows = []
    title: list[tuple[int, str]] = []
    k = header + 1
    while k < v3:
        s = lines[k].strip()
        am = re.match(r"^(\d{1,3}(?: \d{3})+)\s+(.*)$", s)
        if am and title:
            remark = [am.group(2)]
            e = k + 1
            while e < v3 and lines[e].strip():
                remark.append(lines[e])
                e += 1
            ttext = join_lines([l for _, l in title])
            idm = re.match(r"^([KAL]\d{1,2}[AB]?)\s+(.*)$", ttext)
            row = {"measure": idm.group(1) if idm else None, "title_in_table": idm.group(2) if idm else ttext,
                   "amount": int(am.group(1).replace(" ", "")), "remark": join_lines(remark), "line": k + 1,
                   "lines": [title[0][0], e]}
            rows.append(row)
            _check_row_title(row, by_id, measures, anomalies)
            _check_remark_refs(row, by_id, measures, anomalies)
            title = []
            k = e
            continue
        if s:
            title.append((k + 1, lines[k]))
        k += 1
    total = sum(r["amount"] for r in rows)
    with_id = sum(r["amount"] for r in rows if r["measure"])
    without = total - with_id
    totals = {"sum": total, "sum_measures": with_id, "sum_other": without,
              "stated": {"total": stated[0] if stated else None, "measures": stated[1] if len(stated) > 1 else None,
                         "other": stated[2] if len(stated) > 2 else None}, "stated_line": dist + 2}
    for key, value in (("total", total), ("measures", with_id), ("other", without)):
        if totals["stated"][key] is not None and totals["stated"][key] != value:
            anomalies.append(anomaly("table-sum-mismatch", "Vedlegg 2 distribution 2025",
                                     f"{key}: rows sum to {value}, the text says {totals['stated'][key]}", [dist + 1,
                                                                                                            v3]))
    return rows, totals


def _check_row_title(row, by_id, measures, anomalies):
    mid = row["measure"]
    if mid is None:
        return
    subject = f"distribution row {mid}"
    if mid not in by_id:
        anomalies.append(anomaly("unknown-link-target", subject, f"table names {mid}, which is not a 2025 measure",
                                 row["line"], measures=[mid]))
        return
    own = title_score(row["title_in_table"], by_id[mid]["title"])
    best, score = best_measure(row["title_in_table"], measures)
    row["title_score"] = own
    if own < 0.75:
        hint = (f"; the title is that of {best['id']} ({best['title']!r})"
                if best and best["id"] != mid and score >= 0.75 else "")
        row["title_matches"] = best["id"] if hint else None
        anomalies.append(anomaly("id-title-mismatch", subject,
                                 f"table row {mid} {row['title_in_table']!r} does not match "
                                 f"{mid} {by_id[mid]['title']!r}{hint}",
                                 row["lines"], measures=[mid]))


def _check_remark_refs(row, by_id, measures, anomalies):
    """References like '(A10)' / '8A10)' in a remark: typo check and title check."""
    for rm in re.finditer(r"([A-ZÆØÅ][\wæøåÆØÅ-]*(?:\s+[\wæøåÆØÅ-]+){0,4})\s*([(\d])([KAL]\d{1,2}[AB]?)\)",
                          row["remark"]):
        phrase, opener, ref = rm.group(1), rm.group(2), rm.group(3)
        subject = f"distribution row {row['measure'] or row['title_in_table']}"
        if opener != "(":
            anomalies.append(anomaly("typo", subject,
                                     f"{opener}{ref}) in the remark: {opener!r} stands where '(' belongs",
                                     row["line"], "info", measures=[row['measure']]))
        if ref in by_id:
            best, score = best_measure(phrase, measures)
            if best and best["id"] != ref and score >= 0.8 > title_score(phrase, by_id[ref]["title"]):
                anomalies.append(anomaly("id-title-mismatch", subject,
                                         f"remark calls {phrase!r} {ref}, but {ref} is {by_id[ref]['title']!r}; "
                                         f"{best['id']} is {best['title']!r}",
                                         row["lines"], measures=[row['measure']]))


# --- Vedlegg 3: centrality -------------------------------------------------------------------

def _centrality(lines, v3, v4, anomalies, path) -> list[dict]:
    """'N (label): name, name, …' lists; a name may wrap onto the next line ('Søndre' / 'Land')."""
    start = next((k for k in range(v3, v4) if "fordelt på sentralitetsklasse" in lines[k]), None)
    if start is None:
        raise ExtractError(path, v3 + 1, "centrality list ('… fordelt på sentralitetsklasse:') not found")
    text, offsets = "", []
    for k in range(start + 1, v4):
        s = lines[k].strip()
        if not s or s.startswith("http"):
            break
        text += " " if text else ""
        offsets.append((len(text), k + 1))
        text += s
    line_at = lambda off: max(n for o, n in offsets if o <= off)
    heads = list(re.finditer(r"(?:^|(?<=\s))(\d) \(([^)]*)\):\s*", text))
    if not heads or heads[0].start() != 0:
        raise ExtractError(path, start + 2, "centrality list does not start with 'N (label):'")
    out: list[dict] = []
    seen: dict[str, int] = {}
    for h, nxt in zip(heads, heads[1:] + [None]):
        body_start, body_end = h.end(), nxt.start() if nxt else len(text)
        for nm in re.finditer(r"[^,]+", text[body_start:body_end]):
            name = nm.group(0).strip()
            if not name:
                continue
            line = line_at(body_start + nm.start() + (len(nm.group(0)) - len(nm.group(0).lstrip())))
            if name in seen:
                anomalies.append(anomaly("duplicate-entry", "Vedlegg 3",
                                         f"{name} listed twice (lines {seen[name]} and {line})",
                                         [seen[name], line]))
                continue
            seen[name] = line
            out.append({"municipality": name, "class": int(h.group(1)), "class_label": h.group(2), "line": line})
    _check_municipalities(out, start, anomalies)
    return out


def _check_municipalities(out, start, anomalies):
    """Municipalities of the authority list (data/authority/municipalities.yaml) without a class."""
    munis = authority.municipalities(required=False)
    if munis is None:
        return
    names = list(munis.by_name)
    listed = {c["municipality"] for c in out}
    for name in names:
        if name not in listed:
            anomalies.append(anomaly("missing-entry", "Vedlegg 3",
                                     f"{name} (in data/authority/municipalities.yaml) has no centrality class",
                                     [start + 1, out[-1]["line"] if out else start + 1]))
    for name in sorted(listed - set(names)) if names else []:
        anomalies.append(anomaly("unknown-entry", "Vedlegg 3",
                                 f"{name} is not a municipality in data/authority/municipalities.yaml",
                                 next(c["line"] for c in out if c["municipality"] == name)))
