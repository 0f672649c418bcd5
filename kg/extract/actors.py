"""Actor authority file, phrase splitting and alias resolution for responsible/partner fields.

The authority file (data/authority/actors.yaml) is hand-curated: canonical actors with every
spelling seen in the sources, collective mentions ("kommunene") as *groups*, phrases that must be
expanded by hand (``composites``) and explanatory remarks that are not actors (``remarks``).
`annotate(record)` fills ``mentions`` of every measure's ``responsible`` / ``partners`` field and
appends anomalies; the raw field text is never changed.
"""

from __future__ import annotations

import re

from ..authority import (
    ACTOR_TYPES,
    Authority,
    AuthorityError,
    load_authority,
    normalise,
)
from ..records.anomalies import anomaly
from ..text import dehyphenate

#: re-exported from kg.authority (callers and tests use kg.extract.actors.load_authority etc.)
__all__ = ["ACTOR_TYPES", "FIELDS", "Authority", "AuthorityError", "annotate", "load_authority",
           "mentions", "normalise", "resolve", "resolve_all", "split", "strip_remarks"]

FIELDS = ("responsible", "partners")


# --- splitting -------------------------------------------------------------------------------

_SEPARATORS = re.compile(
    r"\s+i samarbeid med\s+"  # "X i samarbeid med Y"
    r"|\s*[,;]\s*(?:og\s+)?"
    r"|(?<!-)\s+og\s+"  # not "Kongsvinger- og Fjell-regionene"
    r"|\s*/\s*"
    r"|(?<=[^\W\d_]{2})\.\s+(?=[A-ZÆØÅ])"  # "Fagskolen i <county>. Innovasjon Norge"
)


def strip_remarks(text: str, authority: Authority | None = None) -> tuple[str, list[str]]:
    """Remove the authority file's remark phrases (explanations, not actors); return (rest, remarks)."""
    auth = authority or load_authority()
    rest = dehyphenate(re.sub(r"\s+", " ", text)).strip()
    found = []
    for remark in sorted(auth.remarks, key=len, reverse=True):
        pattern = re.compile(r"\s*[–-]?\s*" + re.escape(remark).replace(r"\ ", r"\s+"), re.IGNORECASE)
        m = pattern.search(rest)
        if m:
            found.append(rest[m.start():m.end()].strip(" –-"))
            rest = (rest[: m.start()] + " " + rest[m.end():]).strip()
    return rest, found


def split(text: str, authority: Authority | None = None) -> list[str]:
    """Split a responsible/partner phrase into the names it lists (document order).

    Splits on commas, " og ", "/", " i samarbeid med " and sentence periods; names and composite
    phrases in the authority file that themselves contain a separator are kept whole."""
    auth = authority or load_authority()
    rest, _ = strip_remarks(text, auth)
    keep: list[str] = []

    def protect(m: re.Match) -> str:
        keep.append(m.group(0))
        return f"\x00{len(keep) - 1}\x00"

    for key in auth.protected():
        pat = re.escape(key).replace(r"\ ", r"\s+")
        rest = re.sub(rf"(?<!\w){pat}(?!\w)", protect, rest, flags=re.IGNORECASE)
    parts = []
    for raw in _SEPARATORS.split(rest):
        part = re.sub(r"\x00(\d+)\x00", lambda m: keep[int(m.group(1))], raw)
        part = part.strip(" ,.;:–")
        if part:
            parts.append(part)
    return parts


# --- resolution ------------------------------------------------------------------------------

def resolve_all(name: str, authority: Authority | None = None) -> list[dict]:
    """All actors/groups a (split) name stands for: one for an alias, several for a composite."""
    auth = authority or load_authority()
    key = normalise(name)
    if key in auth.index:
        kind, ident = auth.index[key]
        return [{"kind": kind, **_entry(auth, ident)}]
    if key in auth.composites:
        return [{"kind": auth.entry(ref)[0], **_entry(auth, ref)} for ref in auth.composites[key]]
    return []


def resolve(name: str, authority: Authority | None = None) -> dict | None:
    """The authority entry (with ``kind`` 'actor' or 'group') a single name stands for, or None.
    A composite phrase standing for several entries resolves to None here (see resolve_all)."""
    found = resolve_all(name, authority)
    return found[0] if len(found) == 1 else None


def _entry(auth: Authority, ident: str) -> dict:
    return dict(auth.entry(ident)[1])


def mentions(text: str, authority: Authority | None = None) -> list[dict]:
    """MENTION dicts for a field text (see docs/design.md)."""
    auth = authority or load_authority()
    out = []
    for part in split(text, auth):
        found = resolve_all(part, auth)
        if not found:
            out.append({"text": part, "actor": None, "group": None})
        for ent in found:
            out.append({"text": part, ent["kind"]: ent["id"]})
    return out


def annotate(record: dict, authority: Authority | None = None) -> None:
    """Fill ``mentions`` (and ``remarks``) of each measure's responsible/partners field; append
    anomalies ``unresolved-actor``, ``duplicate-actor``, ``responsible-also-partner``."""
    auth = authority or load_authority()
    anomalies = record.setdefault("anomalies", [])

    def add(item: dict) -> None:
        if item not in anomalies:
            anomalies.append(item)

    for measure in record.get("measures", []) or []:
        subject = f"measure {measure.get('id')}"
        ids_by_field: dict[str, list[str]] = {}
        for fname in FIELDS:
            fld = measure.get(fname)
            if not isinstance(fld, dict) or fld.get("text") is None:
                continue
            lines = fld.get("lines")
            fld["mentions"] = mentions(fld["text"], auth)
            remarks = strip_remarks(fld["text"], auth)[1]
            if remarks:
                fld["remarks"] = remarks
            else:
                fld.pop("remarks", None)
            seen: list[str] = []
            for m in fld["mentions"]:
                ident = m.get("actor") or m.get("group")
                if ident is None:
                    add(anomaly("unresolved-actor", subject,
                                f"{fname}: {m['text']!r} is not in the actor authority file",
                                lines, "warning", measures=[measure.get("id")]))
                    continue
                if ident in seen:
                    add(anomaly("duplicate-actor", subject,
                                f"{fname}: {ident!r} is named more than once ({fld['text']!r})",
                                lines, "warning", measures=[measure.get("id")]))
                else:
                    seen.append(ident)
            ids_by_field[fname] = seen
        both = [i for i in ids_by_field.get("responsible", []) if i in ids_by_field.get("partners", [])]
        for ident in both:
            texts = {m["text"] for f in FIELDS for m in (measure.get(f) or {}).get("mentions", [])
                     if ident in (m.get("actor"), m.get("group"))}
            if any(a.get("kind") == "responsible-also-partner" and a.get("subject") == subject
                   and any(repr(t) in a.get("message", "") for t in texts) for a in anomalies):
                continue  # the programme extractor already reported it (by raw text)
            lines = [*(measure["responsible"].get("lines") or [])[:1], *(measure["partners"].get("lines") or [])[-1:]]
            add(anomaly("responsible-also-partner", subject, f"{ident!r} is both responsible and partner",
                        lines or None, "warning", measures=[measure.get("id")]))
