"""The source-document registry (data/sources/sources.yaml) and checksum checks."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from pathlib import Path

import yaml

from . import config
from .hashing import sha256_file


class SourceError(Exception):
    """A source file is missing, unknown or changed."""


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    title: str
    kind: str
    publisher: str
    sha256: str
    layout: str | None = None
    date: str | None = None
    date_note: str | None = None
    programme_year: int | None = None
    format: str | None = None
    url: str | None = None
    licence: str | None = None
    language: str | None = None

    @property
    def path(self) -> Path:
        return config.SOURCES / self.file

    def lines(self) -> list[str]:
        """The document's lines (1-based line n is lines()[n-1]), without line terminators."""
        return self.path.read_text(encoding="utf-8").splitlines()

    def meta(self) -> dict:
        """What every record file carries about its source."""
        return {"id": self.id, "file": f"data/sources/{self.file}", "sha256": self.sha256, "title": self.title}


def sha256_of(path: Path) -> str:
    return sha256_file(path)


_FIELDS = {f.name for f in fields(Source)}
_REQUIRED = {f.name for f in fields(Source) if f.default is MISSING}


def registry(path: Path | None = None) -> dict[str, Source]:
    """The registered sources by id. A malformed entry is a SourceError naming the file and the entry."""
    path = path or config.SOURCES / "sources.yaml"
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(entries, list):
        raise SourceError(f"{path}: expected a list of source entries")
    out: dict[str, Source] = {}
    for i, e in enumerate(entries, 1):
        where = f"entry #{i} ({e.get('id')!r})" if isinstance(e, dict) else f"entry #{i}"
        if not isinstance(e, dict):
            raise SourceError(f"{path}: {where}: expected a mapping")
        unknown, missing = sorted(set(e) - _FIELDS), sorted(_REQUIRED - set(e))
        if unknown or missing:
            raise SourceError(f"{path}: {where}: " + "; ".join(
                ([f"unknown key(s) {', '.join(unknown)}"] if unknown else [])
                + ([f"missing key(s) {', '.join(missing)}"] if missing else [])))
        out[e["id"]] = Source(**e)
    return out


def get(source_id: str) -> Source:
    reg = registry()
    if source_id not in reg:
        raise SourceError(f"unknown source id {source_id!r}; known: {', '.join(sorted(reg))}")
    return reg[source_id]


def by_path(path: Path) -> Source:
    """Find the registered source for a file path; error names the file if it is unknown or changed."""
    path = Path(path)
    if not path.exists():
        raise SourceError(f"{path}: no such file")
    for src in registry().values():
        if src.file == path.name:
            check(src, path)
            return src
    raise SourceError(
        f"{path}: not a registered source document (add it to data/sources/sources.yaml with its id, kind and sha256)"
    )


def check(src: Source, path: Path | None = None) -> None:
    path = path or src.path
    if not path.exists():
        raise SourceError(f"{path}: source file for {src.id!r} is missing")
    actual = sha256_of(path)
    if actual != src.sha256:
        raise SourceError(
            f"{path}: sha256 {actual} does not match sources.yaml ({src.sha256}); "
            "the document changed — review it and update the checksum deliberately"
        )
