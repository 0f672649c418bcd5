"""Records through the model: `load(data, file)` checks a parsed record and returns its model object
(kg.records.model), or raises RecordError naming the file and the JSON path ($.measures[3].links.measures[0]);
`load_file(path)` reads a file and does the same, `load_folder`/`load_programmes` a folder. `check(data,
file)` is the same check for a record that stays a dict (one about to be written): it returns the kind.
`read`/`programmes` are for `kg diff`, which compares releases made before the model too: a record
without ``schema_version`` (which no model describes) is returned as the dict it is."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from .anomalies import CATALOGUE
from .model import MODELS, SCHEMA_VERSION, AnyRecord, ProgrammeRecord


class RecordError(Exception):
    """A record that does not follow the records model; names the record file and the JSON path."""

    def __init__(self, file: str, path: str, message: str):
        super().__init__(f"{file}: at {path}: {message}")
        self.file, self.path, self.message = str(file), path, message


class RecordSyntaxError(RecordError):
    """A record file that is not JSON: ``file:line: not valid JSON: …``."""

    def __init__(self, file: str, err: json.JSONDecodeError):
        Exception.__init__(self, f"{file}:{err.lineno}: not valid JSON: {err.msg}")
        self.file, self.path, self.message = str(file), f"line {err.lineno}", f"not valid JSON: {err.msg}"


def record_kind(data) -> str:
    """Which model a record follows, from its shape."""
    if not isinstance(data, dict):
        return ""
    if "pairs" in data:
        return "successors"
    if "round" in data:
        return "grants"
    if "statements" in data:
        return "plan-statements"
    if "measures" in data:
        return "programme"
    return ""


def _json_path(loc: tuple) -> str:
    out = "$"
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def load(data, file: str) -> AnyRecord:
    """Validate ``data`` (a parsed record) against its model and return the model object."""
    kind = record_kind(data)
    if not kind:
        raise RecordError(file, "$", "not a record: expected an object with measures, pairs, round or statements")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise RecordError(file, "$.schema_version", f"records schema version {version!r}; this kg reads version "
                          f"{SCHEMA_VERSION} (run `kg extract` to rewrite the records)")
    try:
        record = MODELS[kind].model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        # the model's aliases (from, class, with) are the record's keys; loc already uses them
        raise RecordError(file, _json_path(tuple(p for p in err["loc"] if not str(p).startswith("function-"))),
                          f"{err['msg']} (found {err.get('input')!r})"[:400]) from None
    for i, an in enumerate(data.get("anomalies") or []):
        if an["kind"] not in CATALOGUE:
            raise RecordError(file, f"$.anomalies[{i}].kind", f"anomaly kind {an['kind']!r} is not in the catalogue")
        if an["severity"] not in CATALOGUE[an["kind"]].severities:
            raise RecordError(file, f"$.anomalies[{i}].severity",
                              f"{an['kind']!r} takes {' or '.join(CATALOGUE[an['kind']].severities)}, not {an['severity']!r}")
    return record


def check(data, file: str) -> str:
    """Validate ``data`` as `load` does; returns its kind (for a record that stays a dict)."""
    load(data, file)
    return record_kind(data)


def parse(path: Path, display: str | None = None):
    """The JSON of one record file, unchecked; a syntax error names ``display`` and the line."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise RecordSyntaxError(display or str(path), e) from None


def load_file(path: Path, display: str | None = None) -> AnyRecord:
    """Read one record file as its model object; errors name ``display`` (default: the path)."""
    return load(parse(path, display), display or str(path))


def read(path: Path, display: str | None = None) -> AnyRecord | dict:
    """Read a record that may come from an older release (`kg diff`): one that declares ``schema_version``
    is loaded as its model object (any version other than the current one is an error); one written
    before the model existed (no ``schema_version``) is returned as the dict it is, so releases on
    either side of the model stay comparable."""
    data = parse(path, display)
    if isinstance(data, dict) and "schema_version" in data:
        return load(data, display or str(path))
    return data


def load_folder(folder: Path) -> dict[str, AnyRecord]:
    """Every record of a records folder as its model object, {file stem: record}; a record that does not
    follow the current model is an error (`programmes` reads older releases)."""
    return {path.stem: load_file(path) for path in sorted(Path(folder).glob("*.json"))}


def load_programmes(folder: Path) -> dict[int, ProgrammeRecord]:
    """The programme records of a folder that carry their programme part, by programme year, as model
    objects (a second capture of a programme without that part, such as a fields-only page, is left out)."""
    out: dict[int, ProgrammeRecord] = {}
    for name, rec in load_folder(folder).items():
        if isinstance(rec, ProgrammeRecord) and rec.programme is not None:
            _one_per_year(folder, name, rec.programme.year, out)
            out[rec.programme.year] = rec
    return out


def programmes(folder: Path) -> dict[int, ProgrammeRecord | dict]:
    """As `load_programmes`, for a folder that may come from an older release: each record read as
    `read` does (a pre-model programme record stays a dict). Kind by shape, never by file name."""
    out: dict[int, ProgrammeRecord | dict] = {}
    for path in sorted(Path(folder).glob("*.json")):
        rec = read(path)
        if isinstance(rec, ProgrammeRecord) and rec.programme is not None:
            year = rec.programme.year
        elif isinstance(rec, dict) and record_kind(rec) == "programme" and rec.get("programme"):
            year = int(rec["programme"]["year"])
        else:
            continue
        _one_per_year(folder, path.stem, year, out)
        out[year] = rec
    return out


def _one_per_year(folder: Path, name: str, year: int, seen: dict) -> None:
    if year in seen:
        raise RecordError(f"{Path(folder) / name}.json", "$.programme.year",
                          f"a second programme record for {year} — one record per programme year")
