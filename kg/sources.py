"""The source-document registry (data/sources/sources.yaml) and checksum checks."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from pathlib import Path

import yaml

from . import config
from .hashing import sha256_file


class SourceError(Exception):
    """A source file is missing, unknown, changed or not UTF-8 text. `located` messages already
    start with `file:line:`; the others with `file:`."""

    located = False


class SourceEncodingError(SourceError):
    """The file is not valid UTF-8: the message names the file, the line and the byte offset."""

    located = True


def read_utf8(path: Path) -> str:
    """The file's text; SourceEncodingError with file, line and byte offset if it is not UTF-8."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        bad = data[e.start:e.end].hex(" ")
        raise SourceEncodingError(
            f"{path}:{line}: not valid UTF-8 at byte offset {e.start} (line {line}, byte {column} of the line: "
            f"0x{bad}) — save the document as UTF-8 and update its sha256 in sources.yaml") from None


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
        return self.text().splitlines()

    def text(self) -> str:
        """The document's text (SourceEncodingError naming file, line and byte offset if not UTF-8)."""
        return read_utf8(self.path)

    def meta(self) -> dict:
        """What every record file carries about its source."""
        return {"id": self.id, "file": self.shown_path, "sha256": self.sha256, "title": self.title}

    @property
    def shown_path(self) -> str:
        """The document's path inside the dataset folder (POSIX), as records and the graph cite it."""
        return f"{config.dataset().paths['sources']}/{self.file}"


def sha256_of(path: Path) -> str:
    return sha256_file(path)


_FIELDS = {f.name for f in fields(Source)}
_REQUIRED = {f.name for f in fields(Source) if f.default is MISSING}


def registry(path: Path | None = None) -> dict[str, Source]:
    """The registered sources by id. A malformed entry is a SourceError naming the file and the entry."""
    path = path or config.sources_registry()
    try:
        entries = yaml.safe_load(read_utf8(path))
    except FileNotFoundError:
        raise SourceError(f"{path}: the source registry is missing") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        err = SourceError(f"{path}:{line}: not valid YAML: {getattr(e, 'problem', None) or e}")
        err.located = True
        raise err from None
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


def declared() -> dict[str, Source]:
    """The dataset's registered sources; none when the dataset has no registry file (workbooks only)."""
    path = config.sources_registry()
    return registry(path) if path.exists() else {}


def publishers() -> list[str]:
    """Who published the dataset's sources (registry order, each once); the dataset's publisher when it
    has no registered documents (a workbook dataset). The pages' footer names them."""
    names = list(dict.fromkeys(src.publisher for src in declared().values()))
    return names or [config.dataset().publisher.name]


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
        f"{path}: not a registered source document (add it to {config.dataset().source_registry} "
        "with its id, kind and sha256)"
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
    read_utf8(path)  # every extractor reads text: refuse bytes that are not UTF-8 before any of them
