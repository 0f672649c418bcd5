"""The two authority files, each read and checked in one place.

``load_authority()`` — data/authority/actors.yaml: canonical actors with every spelling seen in the
sources, collective mentions as *groups*, phrases expanded by hand (``composites``) and remarks that
are not actors. ``municipalities()`` — data/authority/municipalities.yaml: the county's municipalities
(number, name, region), its regions and the register they come from. Both are cached per file
modification time; errors name the file and the line (exit 2 from the CLI).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from . import config
from .errors import ExtractError
from .text import dehyphenate


def authority_file() -> Path:
    """The dataset's actor authority file (read when asked: the dataset in use may change)."""
    return config.AUTHORITY / "actors.yaml"


def municipalities_file() -> Path:
    return config.AUTHORITY / "municipalities.yaml"


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


@dataclass
class Authority:
    path: Path
    actors: dict[str, dict]
    groups: dict[str, dict]
    composites: dict[str, list[str]]  # normalised phrase -> [actor/group id, ...]
    remarks: list[str]  # phrases that are remarks, not actors
    index: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalised alias -> (kind, id)
    composites_as_written: list[dict] = field(default_factory=list)  # {text, parts, note} as in the file

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
    path = Path(path or authority_file())
    mtime = path.stat().st_mtime_ns if path.exists() else None
    return _load(path, mtime)


def _read_yaml(path: Path) -> tuple[str, object]:
    """The file's text and its parsed YAML; a syntax error names the file and line."""
    text = path.read_text(encoding="utf-8")
    try:
        return text, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AuthorityError(path, mark.line + 1 if mark else 1, f"not valid YAML: {exc}") from exc


@lru_cache(maxsize=8)
def _load(path: Path, _mtime: int | None) -> Authority:
    if not path.exists():
        raise AuthorityError(path, 1, "actor authority file is missing")
    text, data = _read_yaml(path)
    return _parse(path, data, _entry_lines(text))


def authority_from_data(data, label) -> Authority:
    """An authority held in memory (the sheet Aktører of a workbook being checked, kg.workbook.to_records),
    checked as the file is; ``label`` names it in messages."""
    return _parse(Path(str(label)), data, {})


def _parse(path: Path, data, at: dict) -> Authority:
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise AuthorityError(path, 1, "expected a mapping with an 'actors' list")

    auth = Authority(path=path, actors={}, groups={}, composites={}, remarks=[])
    lines: dict[str, int] = {}
    for kind, section, items, store in (("actor", "actors", data.get("actors") or [], auth.actors),
                                        ("group", "groups", data.get("groups") or [], auth.groups)):
        for i, entry in enumerate(items, 1):
            line = at.get((section, i))
            if not isinstance(entry, dict) or not entry.get("id") or not entry.get("label"):
                raise AuthorityError(path, line,
                                     f"{kind} #{i}: every {kind} needs an 'id' and a 'label' (got {entry!r})")
            ident = entry["id"]
            lines[ident] = line
            where = f"{kind} {ident!r}"
            if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", ident):
                raise AuthorityError(path, line, f"{where}: id must be a lower-case slug")
            if ident in auth.actors or ident in auth.groups:
                raise AuthorityError(path, line, f"{where}: duplicate id")
            if kind == "actor" and entry.get("type") not in ACTOR_TYPES:
                raise AuthorityError(path, line,
                                     f"{where}: type {entry.get('type')!r} is not one of {', '.join(ACTOR_TYPES)}")
            if kind == "group" and entry.get("member_type") not in ACTOR_TYPES:
                raise AuthorityError(path, line, f"{where}: member_type {entry.get('member_type')!r} is not one of "
                                                 f"{', '.join(ACTOR_TYPES)}")
            store[ident] = entry
            for name in _names(entry):
                key = normalise(str(name))
                other = auth.index.get(key)
                if other and other[1] != ident:
                    raise AuthorityError(path, line,
                                         f"{where}: alias {name!r} is already claimed by {other[0]} {other[1]!r}")
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
        auth.composites_as_written.append({"text": str(phrase), "parts": list(refs), "note": comp.get("note")})

    for i, rem in enumerate(data.get("remarks") or [], 1):
        text = rem.get("text") if isinstance(rem, dict) else rem
        if not text:
            raise AuthorityError(path, at.get(("remarks", i)), f"remark #{i}: needs 'text'")
        auth.remarks.append(str(text))
    return auth


# --- municipalities.yaml ----------------------------------------------------------------------

@dataclass(frozen=True)
class Municipalities:
    path: Path
    entries: tuple[dict, ...]  # {number, name, region} in file order
    register: dict | None
    valid_from: str

    @property
    def by_name(self) -> dict[str, dict]:
        return {e["name"]: e for e in self.entries}

    @property
    def numbers(self) -> dict[str, str]:
        """{name: four-digit municipality number}"""
        return {e["name"]: str(e["number"]) for e in self.entries}

    @property
    def regions(self) -> dict[str, list[dict]]:
        """{region: [entry, …]} for entries that name a region (file order)."""
        out: dict[str, list[dict]] = {}
        for e in self.entries:
            if e.get("region"):
                out.setdefault(e["region"], []).append(e)
        return out


def municipalities(path: Path | None = None, required: bool = True) -> Municipalities | None:
    """Load and check municipalities.yaml: a list (or a mapping with a ``municipalities`` list) of
    entries with a four-digit ``number`` and a unique ``name``. None when the file is missing and not
    ``required``; AuthorityError naming file and line otherwise."""
    path = Path(path or municipalities_file())
    if not path.exists():
        if required:
            raise AuthorityError(path, 1, "municipality register is missing")
        return None
    return _load_municipalities(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _load_municipalities(path: Path, _mtime: int) -> Municipalities:
    text, data = _read_yaml(path)
    meta = data if isinstance(data, dict) else {}
    rows = data.get("municipalities") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise AuthorityError(path, 1, "expected a 'municipalities' list")
    at = _entry_lines(text)
    names: set[str] = set()
    for i, row in enumerate(rows, 1):
        line = at.get(("municipalities", i), 1)
        number = str(row.get("number", "")) if isinstance(row, dict) else ""
        name = row.get("name") if isinstance(row, dict) else None
        if not (len(number) == 4 and number.isdigit()) or not name:
            raise AuthorityError(path, line, f"municipality #{i}: needs a four-digit number and a name, found {row!r}")
        if name in names:
            raise AuthorityError(path, line, f"duplicate municipality {name!r}")
        names.add(name)
    register = meta.get("register")
    valid_from = str(meta.get("valid_from") or (register or {}).get("valid_from") or "2024-01-01")
    return Municipalities(path=path, entries=tuple(rows), register=register, valid_from=valid_from)
