"""Actor authority file, phrase splitting and alias resolution for responsible/partner fields.

The authority file (data/authority/actors.yaml) is hand-curated: canonical actors with every
spelling seen in the sources, collective mentions ("kommunene") as *groups*, phrases that must be
expanded by hand (``composites``) and explanatory remarks that are not actors (``remarks``).
`annotate(record)` fills ``mentions`` of every measure's ``responsible`` / ``partners`` field and
appends anomalies; the raw field text is never changed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .. import config
from . import ExtractError

AUTHORITY_FILE = config.AUTHORITY / "actors.yaml"

#: The fixed list of actor types (README in data/authority explains them).
ACTOR_TYPES = (
    "county-authority",
    "state-agency",
    "municipality",
    "university-or-college",
    "research-institute",
    "company",
    "ngo",
    "council-or-network",
    "museum",
    "school",
    "business-garden",
    "interest-organisation",
    "other",
)

FIELDS = ("responsible", "partners")


class AuthorityError(ExtractError):
    """The actor authority file is malformed: ``file:line: message`` naming the entry.

    A subclass of the extraction error, so `kg extract` reports it cleanly (exit 2)."""

    def __init__(self, file, line: int | None, message: str):
        super().__init__(file, line or 1, message)


def _entry_lines(text: str) -> dict[tuple[str, int], int]:
    """(section, index) -> 1-based line of each list item under actors/groups/composites/remarks."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    out = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(value, yaml.SequenceNode):
                for i, item in enumerate(value.value, 1):
                    out[(key.value, i)] = item.start_mark.line + 1
    return out


def normalise(text: str) -> str:
    """Key for alias look-up: NFC, line-break hyphenation joined, whitespace collapsed, casefolded,
    outer punctuation dropped."""
    t = unicodedata.normalize("NFC", text)
    t = dehyphenate(t)
    t = re.sub(r"\s+", " ", t).strip()
    t = t.strip(" ,.;:–-")
    return t.casefold()


def dehyphenate(text: str) -> str:
    """Join words broken across PDF lines ("Jernbanedirek- toratet"), but keep coordinations
    ("universitets- og høgskolesektoren", "Kongsvinger- eller ...")."""
    return re.sub(r"(\w)- (?!(?:og|eller)\b)(\w)", r"\1\2", text)


@dataclass
class Authority:
    path: Path
    actors: dict[str, dict]
    groups: dict[str, dict]
    composites: dict[str, list[str]]  # normalised phrase -> [actor/group id, ...]
    remarks: list[str]  # phrases that are remarks, not actors
    index: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalised alias -> (kind, id)

    def entry(self, ident: str) -> tuple[str, dict] | None:
        if ident in self.actors:
            return "actor", self.actors[ident]
        if ident in self.groups:
            return "group", self.groups[ident]
        return None

    def protected(self) -> list[str]:
        """Aliases and composite phrases containing a list separator: matched whole before splitting."""
        keys = [k for k in list(self.index) + list(self.composites) if _has_separator(k)]
        return sorted(set(keys), key=lambda k: (-len(k), k))


def _has_separator(key: str) -> bool:
    return bool(re.search(r",|/|\.\s|\s(og|i samarbeid med)\s", key))


def _names(entry: dict) -> list[str]:
    return [entry["label"], *(entry.get("aliases") or []), *(entry.get("former_names") or [])]


def load_authority(path: Path | None = None) -> Authority:
    """Load and check the authority file. Raises AuthorityError naming the file and the entry."""
    path = Path(path or AUTHORITY_FILE)
    mtime = path.stat().st_mtime_ns if path.exists() else None
    return _load(path, mtime)


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: int | None) -> Authority:
    if not path.exists():
        raise AuthorityError(path, 1, "actor authority file is missing")
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AuthorityError(path, mark.line + 1 if mark else 1, f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise AuthorityError(path, 1, "expected a mapping with an 'actors' list")
    at = _entry_lines(text)

    auth = Authority(path=path, actors={}, groups={}, composites={}, remarks=[])
    lines: dict[str, int] = {}
    for kind, section, items, store in (("actor", "actors", data.get("actors") or [], auth.actors),
                                        ("group", "groups", data.get("groups") or [], auth.groups)):
        for i, entry in enumerate(items, 1):
            line = at.get((section, i))
            if not isinstance(entry, dict) or not entry.get("id") or not entry.get("label"):
                raise AuthorityError(path, line, f"{kind} #{i}: every {kind} needs an 'id' and a 'label' (got {entry!r})")
            ident = entry["id"]
            lines[ident] = line
            where = f"{kind} {ident!r}"
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ident):
                raise AuthorityError(path, line, f"{where}: id must be a lower-case slug")
            if ident in auth.actors or ident in auth.groups:
                raise AuthorityError(path, line, f"{where}: duplicate id")
            if kind == "actor" and entry.get("type") not in ACTOR_TYPES:
                raise AuthorityError(path, line, f"{where}: type {entry.get('type')!r} is not one of {', '.join(ACTOR_TYPES)}")
            if kind == "group" and entry.get("member_type") not in ACTOR_TYPES:
                raise AuthorityError(path, line, f"{where}: member_type {entry.get('member_type')!r} is not one of {', '.join(ACTOR_TYPES)}")
            store[ident] = entry
            for name in _names(entry):
                key = normalise(str(name))
                other = auth.index.get(key)
                if other and other[1] != ident:
                    raise AuthorityError(path, line, f"{where}: alias {name!r} is already claimed by {other[0]} {other[1]!r}")
                auth.index[key] = (kind, ident)

    for ident, entry in auth.actors.items():
        parent = entry.get("parent")
        if parent is not None and parent not in auth.actors:
            raise AuthorityError(path, lines.get(ident), f"actor {ident!r}: unknown parent {parent!r}")
    for ident, entry in auth.groups.items():
        if entry.get("members") is not None and not isinstance(entry["members"], list):
            raise AuthorityError(path, lines.get(ident), f"group {ident!r}: members must be a list or null")

    for i, comp in enumerate(data.get("composites") or [], 1):
        line = at.get(("composites", i))
        phrase = comp.get("text") if isinstance(comp, dict) else None
        refs = comp.get("parts") if isinstance(comp, dict) else None
        if not phrase or not refs:
            raise AuthorityError(path, line, f"composite #{i}: needs 'text' and 'parts'")
        for ref in refs:
            if auth.entry(ref) is None:
                raise AuthorityError(path, line, f"composite {phrase!r}: unknown actor or group {ref!r}")
        key = normalise(phrase)
        if key in auth.index or key in auth.composites:
            raise AuthorityError(path, line, f"composite {phrase!r}: phrase is already an alias or composite")
        auth.composites[key] = list(refs)

    for i, rem in enumerate(data.get("remarks") or [], 1):
        text = rem.get("text") if isinstance(rem, dict) else rem
        if not text:
            raise AuthorityError(path, at.get(("remarks", i)), f"remark #{i}: needs 'text'")
        auth.remarks.append(str(text))
    return auth


# --- splitting -------------------------------------------------------------------------------

_SEPARATORS = re.compile(
    r"\s+i samarbeid med\s+"  # "X i samarbeid med Y"
    r"|\s*[,;]\s*(?:og\s+)?"
    r"|(?<!-)\s+og\s+"  # not "Kongsvinger- og Fjell-regionene"
    r"|\s*/\s*"
    r"|(?<=[^\W\d_]{2})\.\s+(?=[A-ZÆØÅ])"  # "Fagskolen i Innlandet. Innovasjon Norge"
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

    def add(anomaly: dict) -> None:
        if anomaly not in anomalies:
            anomalies.append(anomaly)

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
                    add({"kind": "unresolved-actor", "severity": "warning", "subject": subject,
                         "message": f"{fname}: {m['text']!r} is not in the actor authority file",
                         "lines": lines, "correction": None})
                    continue
                if ident in seen:
                    add({"kind": "duplicate-actor", "severity": "warning", "subject": subject,
                         "message": f"{fname}: {ident!r} is named more than once ({fld['text']!r})",
                         "lines": lines, "correction": None})
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
            add({"kind": "responsible-also-partner", "severity": "warning", "subject": subject,
                 "message": f"{ident!r} is both responsible and partner",
                 "lines": lines or None, "correction": None})
