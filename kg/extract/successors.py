"""Successor links 2024 → 2025: which 2025 measure continues each 2024 measure.

``link(rec2024, rec2025)`` returns the derived record ``successors.json``: one-to-one ``pairs`` chosen
greedily by score (best first, ties by document order) above ``THRESHOLD``, the 2024 measures
``without_successor`` and the 2025 measures ``new_in_2025``, with anomalies where the result
disagrees with the 2025 text's own "(nytt tiltak)" / "(videreføres)" markers, and where an
unassigned measure still shares much text with an assigned one (a split or a merge).

Ids are not evidence (K5 in 2024 is not K5 in 2025): the score uses text only —
description (share of the 2024 description's word trigrams found again in 2025, and word overlap),
responsible and partners (word-set Jaccard). Weights and threshold were set by reading the pairs
(see tests/test_successors.py for the hand-checked ones).

``apply_titles(rec2024, successors_record)`` sets an honest title on a 2024 measure: the 2025
successor's title when the description clearly continues (description score ≥ ``TITLE_MIN``) and no
other 2025 measure shares the 2024 text about as much (that would be a split, whose title fits only a
part). The orchestrator calls it before writing hp2024.json.
"""

from __future__ import annotations

import re

from ..records.anomalies import anomaly, measure_ref
from ..text import dehyphenate

VERSION = 1
MODULE = "kg.extract.successors"
WEIGHTS = {"description": 0.6, "responsible": 0.15, "partners": 0.25}
THRESHOLD = 0.3      # below this no successor is assigned
TITLE_MIN = 0.45     # description score needed before a successor's title is carried back
SPLIT_MIN = 0.35     # an unassigned measure sharing this much description with an assigned one is reported

STOPWORDS = frozenset("""
og i for til av på med som er det en et å de skal vi må om at den har kan både eller fra ved mot
seg sin sine også ikke dette disse der her blir ble vil mer man andre annet gjennom samt slik etter
under over inn ut opp hvor når hva alle flere mange hele nye nytt ny denne kunne være vært
""".split())


def _words(text: str | None) -> list[str]:
    text = dehyphenate(re.sub(r"\s+", " ", text or ""))  # "kommune- grenser"; keeps "Hadeland- og Gjøvik"
    return [w for w in re.findall(r"[a-zæøåäöüé0-9]+", text.lower()) if w not in STOPWORDS]


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _trigrams(words: list[str]) -> set:
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


def description_score(old: str | None, new: str | None) -> float:
    """How much of the old description is found again in the new one (0–1)."""
    wa, wb = _words(old), _words(new)
    if not wa or not wb:
        return 0.0
    ta, tb = _trigrams(wa), _trigrams(wb)
    contained = len(ta & tb) / len(ta) if ta else 0.0
    sa, sb = set(wa), set(wb)
    overlap = len(sa & sb) / len(sa)
    return round(max(contained, 0.75 * overlap - 0.15 if overlap > 0.2 else 0.0), 4)


def _field(m: dict, key: str) -> str:
    v = m.get(key)
    return (v or {}).get("text") or "" if isinstance(v, dict) else (v or "")


def evidence(old: dict, new: dict) -> dict:
    return {
        "description": description_score(old.get("description"), new.get("description")),
        "responsible": round(_jaccard(set(_words(_field(old, "responsible"))), set(_words(_field(new,
                                                                                                 "responsible")))), 4),
        "partners": round(_jaccard(set(_words(_field(old, "partners"))), set(_words(_field(new, "partners")))), 4),
    }


def score(ev: dict) -> float:
    return round(sum(WEIGHTS[k] * ev[k] for k in WEIGHTS), 4)


def _stated_reason(old: dict, new: dict) -> str | None:
    """A reason the texts themselves give for the continuation, if any."""
    markers = [m for m in new.get("markers") or [] if "videref" in m.lower()]
    if markers:
        return f"2025 marks {new['id']} '({markers[0]})'"
    before = " ".join((old.get("description") or "").split())
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join((new.get("description") or "").split())):
        # the measure itself is said to continue, in a sentence that is new in 2025
        if (re.match(r"(Prosjektet|Arbeidet|Satsingen|Ordningen|Tiltaket)\b", sentence)
                and re.search(r"\bvidereføres\b|\bvidereført\b", sentence) and sentence not in before):
            return f"2025 text: {sentence.strip()!r}"
    return None


def _anomaly(kind: str, subject: str, message: str, severity: str = "info", measures=None) -> dict:
    return anomaly(kind, subject, message, None, severity, measures=measures)


def _year(rec: dict, default: int) -> int:
    return ((rec.get("programme") or {}).get("year")) or default


def link(rec2024: dict, rec2025: dict) -> dict:
    old = rec2024["measures"]
    new = rec2025["measures"]
    y_old, y_new = _year(rec2024, 2024), _year(rec2025, 2025)
    cand = []
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            ev = evidence(a, b)
            cand.append((score(ev), i, j, ev))
    cand.sort(key=lambda c: (-c[0], c[1], c[2]))
    taken_old: dict[int, tuple] = {}
    taken_new: set[int] = set()
    for c in cand:
        s, i, j, ev = c
        if s < THRESHOLD:
            break
        if i in taken_old or j in taken_new:
            continue
        taken_old[i] = c
        taken_new.add(j)
    pairs = []
    for i in sorted(taken_old):
        s, _, j, ev = taken_old[i]
        a, b = old[i], new[j]
        reason = _stated_reason(a, b)
        pairs.append({"from": f"{y_old}/{a['id']}", "to": f"{y_new}/{b['id']}", "score": s, "evidence": ev,
                      "reason": f"{reason}; {_reason_from_evidence(ev)}" if reason else _reason_from_evidence(ev)})
    anomalies = []
    without = []
    for i, a in enumerate(old):
        if i in taken_old:
            continue
        best = next(((s, j, ev) for s, ii, j, ev in cand if ii == i), None)
        entry = {"measure": f"{y_old}/{a['id']}", "status": a.get("status"),
                 "best_candidate": f"{y_new}/{new[best[1]]['id']}" if best else None,
                 "best_score": best[0] if best else None,
                 "reason": (f"withdrawn in 2024: {a['priority']['text']!r}" if a.get("status") == "withdrawn"
                            else f"no 2025 measure scores {THRESHOLD} or more")}
        without.append(entry)
        # a merge: the 2024 text is continued inside a 2025 measure already taken by another 2024 measure
        for s, ii, j, ev in cand:
            if ii == i and j in taken_new and ev["description"] >= SPLIT_MIN:
                anomalies.append(_anomaly("possible-merge", f"measure {y_old}/{a['id']}",
                                          f"no successor of its own, but 2025/{new[j]['id']} continues much of its "
                                          f"description (description score {ev['description']})",
                                          measures=[measure_ref(a['id'], y_old)]))
    # a split: an unassigned 2025 measure, not marked new, that continues much of the description of a
    # 2024 measure already continued by another 2025 measure (2024 K2 → 2025 K2A youth + K2B adults)
    for j, b in enumerate(new):
        if j in taken_new or b.get("is_new"):
            continue
        split = next(((s, i, ev) for s, i, jj, ev in cand
                      if jj == j and i in taken_old and ev["description"] >= SPLIT_MIN), None)
        if split is None:
            continue
        s, i, ev = split
        a = old[i]
        first = next(p["to"] for p in pairs if p["from"] == f"{y_old}/{a['id']}")
        pairs.append({"from": f"{y_old}/{a['id']}", "to": f"{y_new}/{b['id']}", "score": s, "evidence": ev,
                      "relation": "split",
                      "reason": f"split: continues much of the description of {y_old}/{a['id']} "
                                f"(description score {ev['description']}), which {first} also continues; "
                                f"{_reason_from_evidence(ev)}"})
        taken_new.add(j)
        anomalies.append(_anomaly("split", f"measure {y_new}/{b['id']}",
                                  f"{y_old}/{a['id']} is split: continued by {first} and by {y_new}/{b['id']} "
                                  f"(description score {ev['description']})", measures=[measure_ref(b['id'], y_new)]))
    pairs.sort(key=lambda p: (p["from"], p["to"]))
    new_in_2025 = []
    for j, b in enumerate(new):
        if j in taken_new:
            if b.get("is_new"):
                src = next(p for p in pairs if p["to"] == f"{y_new}/{b['id']}")
                anomalies.append(_anomaly("successor-marker-disagreement", f"measure {y_new}/{b['id']}",
                                          f"marked new in 2025 ({', '.join(b.get('markers') or [])}) but continues "
                                          f"{src['from']} (score {src['score']})", "warning",
                                          measures=[measure_ref(b['id'], y_new)]))
            continue
        new_in_2025.append({"measure": f"{y_new}/{b['id']}", "marked_new": bool(b.get("is_new")),
                            "markers": list(b.get("markers") or [])})
        if not b.get("is_new"):
            anomalies.append(_anomaly("successor-marker-disagreement", f"measure {y_new}/{b['id']}",
                                      "no 2024 predecessor found, but the 2025 text does not mark it '(nytt tiltak)'",
                                      "warning", measures=[measure_ref(b['id'], y_new)]))
        for s, i, jj, ev in cand:
            if jj == j and i in taken_old and ev["description"] >= SPLIT_MIN:
                anomalies.append(_anomaly(
                    "possible-split", f"measure {y_new}/{b['id']}",
                    f"no predecessor of its own, but it continues much of the description of "
                    f"2024/{old[i]['id']} (description score {ev['description']}), whose "
                    f"successor is {next(p['to'] for p in pairs if p['from'] == f'{y_old}/' + old[i]['id'])}",
                    measures=[measure_ref(b['id'], y_new)]))
    return {
        "source": {"id": "successors", "derived_from": [rec2024["source"]["id"], rec2025["source"]["id"]],
                   "title": "Successor links between the 2024 and 2025 action programmes (derived)",
                   "files": [rec2024["source"].get("file"), rec2025["source"].get("file")],
                   "sha256": [rec2024["source"].get("sha256"), rec2025["source"].get("sha256")]},
        "extractor": {"module": MODULE, "version": VERSION,
                      "method": {"weights": WEIGHTS, "threshold": THRESHOLD,
                                 "assignment": "greedy one-to-one, best score first"}},
        "pairs": pairs,
        "without_successor": without,
        "new_in_2025": new_in_2025,
        "titles": derive_titles(rec2024, rec2025, pairs, cand),
        "anomalies": anomalies,
    }


def _reason_from_evidence(ev: dict) -> str:
    parts = [f"{k} {ev[k]:.2f}" for k in ("description", "responsible", "partners")]
    return "text similarity: " + ", ".join(parts)


def derive_titles(rec2024: dict, rec2025: dict, pairs: list[dict], cand: list[tuple]) -> list[dict]:
    """Titles for 2024 measures from their successors, where the description clearly continues."""
    old_idx = {m["id"]: i for i, m in enumerate(rec2024["measures"])}
    new_by_id = {m["id"]: (j, m) for j, m in enumerate(rec2025["measures"])}
    out = []
    for p in pairs:
        oid, nid = p["from"].split("/", 1)[1], p["to"].split("/", 1)[1]
        j, succ = new_by_id[nid]
        if p["evidence"]["description"] < TITLE_MIN or not succ.get("title"):
            continue
        i = old_idx[oid]
        rivals = [ev["description"] for s, ii, jj, ev in cand if ii == i and jj != j]
        if rivals and max(rivals) >= SPLIT_MIN:
            continue  # the 2024 text is continued in more than one 2025 measure: the title fits a part only
        title = re.sub(r"\s*\((?:nytt tiltak|nytt|videreføres)\)\s*$", "", succ["title"]).strip()
        out.append({"measure": p["from"], "title": title,
                    "basis": f"title of 2025 successor {nid} (hp2025 lines {succ['lines'][0]}–{succ['lines'][1]}); "
                             "the 2025 description continues the 2024 text "
                             f"(description score {p['evidence']['description']})"})
    return out


def apply_titles(rec2024: dict, successors_record: dict) -> None:
    """Set ``title``/``title_derived``/``title_basis`` on the 2024 measures named in ``titles``."""
    by_id = {m["id"]: m for m in rec2024["measures"]}
    for t in successors_record.get("titles", []):
        m = by_id[t["measure"].split("/", 1)[1]]
        m.update(title=t["title"], title_derived=True, title_basis=t["basis"])
