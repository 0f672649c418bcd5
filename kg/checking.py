"""Check a publisher's file as `kg import` → `kg build` → `kg validate` would, writing nothing: the action
behind the check page of `kg serve` (/check, issue 13).

``check_upload(name, data)`` takes an upload held in memory — a workbook (.xlsx), the CSV form of a
workbook as a .zip, or an RDF file (Turtle, TriG, N-Quads, N-Triples, JSON-LD) — and returns a
:class:`CheckResult`: the import issues of the workbook checker (kg.workbook.check, each naming its
cell), and the SHACL report of kg.validate (the same shapes and engine as `kg validate`).

* The kind is told by the file name's extension *and* by the content (a zip is a zip, JSON-LD is
  JSON, Turtle is UTF-8 text); when they disagree, or the file is empty, unreadable or of another
  kind, :class:`UploadError` says so with an HTTP status (400, 413, 415) — never a traceback.
* A workbook goes through the import path of `kg import` (read → check → records through the records
  model), then the build's own mappers (kg.build.collect_quads with the records and actors in
  memory, without the dataset's registered source documents: only what the upload says), then the
  validator. With import errors nothing is built, as `kg import` stops.
* Zips (the CSV form, and an .xlsx is one too) are read in memory, never extracted: at most
  ``MAX_MEMBERS`` members and ``MAX_UNCOMPRESSED`` bytes in all (the sizes the archive declares bound
  what zipfile will inflate); a member with an absolute path or '..' refuses the whole upload; of a CSV
  zip only the .csv members are read. openpyxl parses the workbook's XML with defusedxml (no entities).
* JSON-LD: no remote context is ever loaded. A ``@context`` (or ``@import``) naming a URL is refused
  before parsing, and pyoxigraph's parser has no document loader anyway (it refuses such contexts).
* The only file written is the built graph, or the RDF upload, in a TemporaryDirectory that is gone
  when the check returns (the validator reads files).

The result is bounded: at most ``MAX_ITEMS`` import issues and SHACL results are kept (the counts are
always complete), and a download form over ``MAX_DOWNLOAD`` bytes is left out with a note.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import config
from .errors import WorkbookError

MB = 1024 * 1024
MAX_MEMBERS = 1000              # members of a zip (an .xlsx has some 50)
MAX_UNCOMPRESSED = 64 * MB      # all members together, as the archive declares them
MAX_RATIO = 100                 # unpacked / packed size of a member over 1 MB (CSV and sheet XML pack ~10×)
MAX_ITEMS = 5000                # import issues, and SHACL results, kept for the page and the JSON
MAX_DOWNLOAD = 6 * MB           # the Turtle report beyond this is not offered
MAX_JSON_DEPTH = 200            # JSON-LD nesting (deeper: refused before any parser recurses)

#: file extension → (kind, RDF syntax name)
EXTENSIONS = {
    ".xlsx": ("xlsx", "Excel (.xlsx)"),
    ".zip": ("csv-zip", "CSV (.zip)"),
    ".ttl": ("rdf", "Turtle"), ".turtle": ("rdf", "Turtle"),
    ".trig": ("rdf", "TriG"),
    ".nq": ("rdf", "N-Quads"), ".nquads": ("rdf", "N-Quads"),
    ".nt": ("rdf", "N-Triples"),
    ".jsonld": ("rdf", "JSON-LD"), ".json": ("rdf", "JSON-LD"),
}
ACCEPT = ",".join(EXTENSIONS)   # the file input's accept= list


class UploadError(Exception):
    """The upload cannot be checked: ``status`` is 400 (unreadable, empty, mismatched), 413 (too large
    once unpacked) or 415 (a kind of file the checker does not take); the message says what to do."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message

    def __reduce__(self):   # picklable with both arguments (it crosses from a query worker)
        return (type(self), (self.status, self.message))


@dataclass
class CheckResult:
    file: str                           # the upload's name (a base name)
    kind: str                           # xlsx | csv-zip | rdf
    syntax: str                         # "Excel (.xlsx)", "Turtle", …
    sha256: str
    size: int                           # bytes uploaded
    issues: list[dict] = field(default_factory=list)     # import issues (CellIssue.as_json), errors first
    issue_counts: dict = field(default_factory=lambda: {"error": 0, "warning": 0})
    validation: dict | None = None      # the SHACL report as `kg validate --format json` gives it
    turtle: str | None = None           # the same report as sh:ValidationReport Turtle
    rows: dict[str, str] = field(default_factory=dict)   # focus node key → "Tiltak!12" (workbook uploads)
    summary: str = ""                   # what the workbook holds (kg import's summary line)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def import_errors(self) -> int:
        return self.issue_counts.get("error", 0)

    @property
    def import_warnings(self) -> int:
        return self.issue_counts.get("warning", 0)

    @property
    def validated(self) -> bool:
        return self.validation is not None

    @property
    def counts(self) -> dict[str, int]:
        c = (self.validation or {}).get("counts") or {}
        return {k: int(c.get(k, 0)) for k in ("Violation", "Warning", "Info")}

    @property
    def conforms(self) -> bool | None:
        return None if self.validation is None else bool(self.validation.get("conforms"))

    def as_json(self) -> dict:
        """The documented JSON download: the upload, its import issues and the SHACL report."""
        return {
            "file": self.file, "kind": self.kind, "syntax": self.syntax, "sha256": self.sha256, "bytes": self.size,
            "import": {"errors": self.import_errors, "warnings": self.import_warnings, "summary": self.summary,
                       "issues": self.issues},
            "validation": self.validation,
            "workbookRows": self.rows,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
        }

    def to_json(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n"


# ---------------------------------------------------------------------- kind
def _base_name(name: str) -> str:
    """The upload's base name (a browser may send a path): never used as a path on the server."""
    base = re.split(r"[\\/]", str(name or ""))[-1].strip()
    base = re.sub(r"[\x00-\x1f\x7f]", "", base)
    return base[:200]


def _sniff(data: bytes) -> str:
    """What the bytes are: zip | xlsx | json | text | binary."""
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
            return "binary"
        return "xlsx" if "xl/workbook.xml" in names else "zip"
    head = data[:4096]
    if b"\x00" in head:
        return "binary"
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:   # not just a character cut at the 4 KiB mark
            return "binary"
        text = head[:e.start].decode("utf-8-sig", "ignore")
    return "json" if text.lstrip()[:1] in ("{", "[") else "text"


SNIFFED = {"xlsx": "an Excel workbook", "zip": "a zip archive", "json": "JSON", "text": "text",
           "binary": "binary data (neither a workbook, a zip nor UTF-8 text)"}


def detect(name: str, data: bytes) -> tuple[str, str]:
    """(kind, syntax) of an upload, by its extension and its content; UploadError when they disagree."""
    base = _base_name(name)
    if not data:
        raise UploadError(400, f"{base or 'the upload'}: the file is empty — choose the file again")
    ext = PurePosixPath(base.lower()).suffix
    if ext not in EXTENSIONS:
        raise UploadError(415, f"{base or 'the upload'}: the checker takes {', '.join(EXTENSIONS)} files "
                          f"(got {ext or 'a name without an extension'}) — save the workbook as .xlsx, zip the CSV "
                          "folder, or give Turtle, TriG, N-Quads or JSON-LD")
    kind, syntax = EXTENSIONS[ext]
    seen = _sniff(data)
    expected = {"xlsx": ("xlsx",), "csv-zip": ("zip", "xlsx")}.get(kind)
    if syntax == "JSON-LD":
        expected = ("json",)
    elif kind == "rdf":
        expected = ("text", "json") if syntax == "TriG" else ("text",)
    if seen not in expected:
        what = {"xlsx": "an Excel workbook (.xlsx)", "csv-zip": "a zip of CSV files"}.get(kind, syntax)
        raise UploadError(400, f"{base}: the name says {what}, but the content is {SNIFFED[seen]} — "
                          "check that you chose the right file, or give it the right extension")
    if kind == "csv-zip" and seen == "xlsx":
        raise UploadError(400, f"{base}: this zip is an Excel workbook — rename it to .xlsx")
    return kind, syntax


# ---------------------------------------------------------------------- zips
def _zip_guard(base: str, data: bytes) -> zipfile.ZipFile:
    """Open a zip held in memory after checking what it declares: members, total size, member names."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        raise UploadError(400, f"{base}: not a readable zip archive ({e})") from None
    if len(infos) > MAX_MEMBERS:
        raise UploadError(400, f"{base}: the archive has {len(infos)} members, more than the {MAX_MEMBERS} "
                          "the checker reads")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise UploadError(400, f"{base}: the archive unpacks to {total / MB:.0f} MB, more than the "
                          f"{MAX_UNCOMPRESSED // MB} MB the checker reads")
    for i in infos:
        n = i.filename
        parts = re.split(r"[\\/]", n)
        if n.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", n) or ".." in parts:
            raise UploadError(400, f"{base}: member {n[:200]!r} has an absolute path or '..' — "
                              "the checker refuses such archives (zip the folder of CSV files itself)")
        if i.file_size > MB and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise UploadError(400, f"{base}: member {n[:200]!r} unpacks to {i.file_size // i.compress_size or 0}× its "
                              f"packed size (the checker takes at most {MAX_RATIO}×: a zip bomb?)")
        if i.flag_bits & 0x1:
            raise UploadError(400, f"{base}: member {n[:200]!r} is encrypted — zip the files without a password")
    return z


def _read_member(base: str, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return z.read(info)   # inflates at most the size the archive declares (checked above)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        raise UploadError(400, f"{base}: member {info.filename[:200]!r} cannot be read ({e})") from None
    except Exception as e:   # zlib.error and the like: a damaged archive
        raise UploadError(400, f"{base}: member {info.filename[:200]!r} cannot be read ({type(e).__name__}: {e})") \
            from None


def csv_members(base: str, data: bytes) -> dict[str, bytes]:
    """The .csv members of a CSV-folder zip, by base name (one folder level allowed, e.g. workbook/Tiltak.csv);
    macOS resource forks and every other member are skipped."""
    z = _zip_guard(base, data)
    out: dict[str, bytes] = {}
    for info in z.infolist():
        if info.is_dir():
            continue
        parts = [p for p in re.split(r"[\\/]", info.filename) if p]
        leaf = parts[-1] if parts else ""
        if not leaf.lower().endswith(".csv") or leaf.startswith("._") or "__MACOSX" in parts:
            continue
        if leaf in out:
            raise UploadError(400, f"{base}: two members are named {leaf!r} — one CSV per sheet")
        out[leaf] = _read_member(base, z, info)
    if not out:
        raise UploadError(400, f"{base}: no .csv files in this zip — zip the folder `kg template --csv` writes "
                          "(one CSV per sheet: Program.csv, Tiltak.csv …)")
    return out


# ---------------------------------------------------------------------- JSON-LD
def _remote_contexts(node, depth: int = 0) -> list[str]:
    if depth > MAX_JSON_DEPTH:
        raise UploadError(400, f"the JSON-LD is nested more than {MAX_JSON_DEPTH} levels deep")
    found: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("@context", "@import"):
                for c in (v if isinstance(v, list) else [v]):
                    if isinstance(c, str):
                        found.append(c)
            found += _remote_contexts(v, depth + 1)
    elif isinstance(node, list):
        for v in node:
            found += _remote_contexts(v, depth + 1)
    return found


def _check_jsonld(base: str, data: bytes) -> None:
    """Refuse JSON-LD that names a remote context (or is not JSON) before any RDF parser sees it."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise UploadError(400, f"{base}: not UTF-8 text (byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise UploadError(400, f"{base}:{e.lineno}: not valid JSON: {e.msg}") from None
    except RecursionError:
        raise UploadError(400, f"{base}: the JSON is nested too deeply to read") from None
    try:
        remote = _remote_contexts(doc)
    except UploadError as e:
        raise UploadError(400, f"{base}: {e.message}") from None
    if remote:
        raise UploadError(400, f"{base}: the JSON-LD names a remote @context ({remote[0][:200]}) — the checker makes "
                          "no outbound requests and never loads one: put the context itself in the file")


# ---------------------------------------------------------------------- the check
def _bounded(result: CheckResult, issues: list) -> None:
    result.issue_counts = {"error": sum(1 for i in issues if i.severity == "error"),
                           "warning": sum(1 for i in issues if i.severity == "warning")}
    result.issues = [i.as_json() for i in issues[:MAX_ITEMS]]
    if len(issues) > MAX_ITEMS:
        result.notes.append(f"{len(issues)} import issues: the first {MAX_ITEMS} are listed "
                            "(`kg import --check` lists every one)")
    for i in result.issues:   # cell values as the JSON shows them (dates, numbers), never objects
        v = i.get("value")
        if isinstance(v, (list, tuple)):   # a list cell (actors …) as the workbook shows it: '; '-joined
            i["value"] = "; ".join(str(x) for x in v)
        elif v is not None and not isinstance(v, (str, int, float, bool)):
            i["value"] = str(v)


def _term_key(t) -> str:
    return ("_:" + t.value) if type(t).__name__ == "BlankNode" else t.value


def _workbook_rows(quads) -> dict[str, str]:
    """Every node the workbook's rows made → 'Sheet!row' (rp:sourceSheet / rp:sourceRow of the build)."""
    from .namespaces import RP

    sheet_p, row_p = RP + "sourceSheet", RP + "sourceRow"
    sheets, rows = {}, {}
    for q in quads:
        p = q.predicate.value
        if p == sheet_p:
            sheets[_term_key(q.subject)] = q.object.value
        elif p == row_p:
            rows[_term_key(q.subject)] = q.object.value
    return {k: f"{s}!{rows[k]}" if k in rows else s for k, s in sheets.items()}


def _validate(result: CheckResult, files: list[Path], shapes: Path, shown: dict[str, str]) -> None:
    from .shacl.loader import DataParseError
    from .validate import validate_dataset

    try:
        report = validate_dataset(files, shapes_dir=shapes)
    except DataParseError as e:
        where = shown.get(e.path.name, e.path.name) + (f":{e.line}" if e.line else "")
        message = e.message
        if "LoadDocumentCallback" in message:   # pyoxigraph's JSON-LD parser met a remote context
            message = "a remote @context is never loaded (no outbound requests): put the context itself in the file"
        raise UploadError(400, f"{where}: {message}") from None
    data = json.loads(report.to_json())
    total = len(data["results"])
    if total > MAX_ITEMS:
        data["results"] = data["results"][:MAX_ITEMS]
        data["truncated"] = total
        result.notes.append(f"{total} SHACL results: the first {MAX_ITEMS} are listed and in the JSON "
                            "(`kg validate FILE` reports every one)")
    result.validation = data
    turtle = report.to_turtle()
    if len(turtle.encode("utf-8")) <= MAX_DOWNLOAD:
        result.turtle = turtle
    else:
        result.notes.append(f"the Turtle report is over {MAX_DOWNLOAD // MB} MB and is not offered here "
                            "(`kg validate FILE --report FILE.ttl` writes it)")


def _check_workbook(result: CheckResult, raw, shapes: Path, tmp: Path) -> None:
    from .authority import authority_from_data
    from .build import BuildError, collect_quads
    from .errors import ExtractError
    from .records.validate import RecordError
    from .workbook.importing import import_raw

    try:
        imported = import_raw(raw)
    except WorkbookError as e:
        _bounded(result, e.issues)
        result.notes.append("the workbook has import errors: as `kg import` stops, nothing was built or validated "
                            "— fix them and check again")
        return
    _bounded(result, imported.issues)
    result.summary = imported.summary()
    try:
        auth = authority_from_data(imported.authority, f"{raw.file} (Aktører)") if imported.authority else None
        quads = collect_quads(records=imported.records, authority=auth, describe_sources=False)
    except (BuildError, RecordError, ExtractError) as e:   # the importer checked all this: say it, never crash
        raise UploadError(400, f"{raw.file}: the records of this workbook cannot be built: {e}") from None
    result.rows = _workbook_rows(quads)
    path = tmp / "dataset.nq"
    path.write_text("".join(sorted(set(str(q) + " .\n" for q in quads))), encoding="utf-8")   # as kg build writes it
    del quads
    _validate(result, [path], shapes, {path.name: raw.file})


def check_upload(name: str, data: bytes, shapes: Path | str | None = None, tmp_root: str | None = None) -> CheckResult:
    """Check one uploaded file (see the module docstring). Raises UploadError for a file that cannot be
    checked; import errors and SHACL results are the *answer*, in the CheckResult. ``tmp_root``: the folder
    the scratch TemporaryDirectory is made in (kg serve makes and removes one per request)."""
    from .workbook.read import read_csv_files, read_xlsx_bytes

    t0 = time.perf_counter()
    base = _base_name(name)
    kind, syntax = detect(base, data)
    result = CheckResult(base, kind, syntax, hashlib.sha256(data).hexdigest(), len(data))
    shapes_dir = Path(shapes) if shapes else config.SHAPES
    with tempfile.TemporaryDirectory(prefix="kg-check-", dir=tmp_root) as tmp:
        if kind in ("xlsx", "csv-zip"):
            try:
                if kind == "xlsx":
                    _zip_guard(base, data).close()
                    raw = read_xlsx_bytes(base, data)
                else:
                    raw = read_csv_files(base, csv_members(base, data))
            except WorkbookError as e:   # not readable as a workbook at all: the reader's own words
                raise UploadError(400, "; ".join(str(i) for i in e.issues) or str(e)) from None
            _check_workbook(result, raw, shapes_dir, Path(tmp))
        else:
            if syntax == "JSON-LD":
                _check_jsonld(base, data)
            ext = PurePosixPath(base.lower()).suffix
            path = Path(tmp) / f"upload{ext}"   # never the client's name as a path
            path.write_bytes(data)
            _validate(result, [path], shapes_dir, {path.name: base})
    result.seconds = time.perf_counter() - t0
    return result


def preload() -> None:
    """Import what a check needs, so that processes forked later (the query workers) share it and a
    check's memory is its own work, not module imports."""
    import openpyxl  # noqa: F401
    import pyoxigraph  # noqa: F401
    import rdflib.plugins.serializers.turtle  # noqa: F401

    from . import build, validate  # noqa: F401
    from .shacl import turbo  # noqa: F401
    from .workbook import importing, read  # noqa: F401


__all__ = ["check_upload", "CheckResult", "UploadError", "detect", "ACCEPT", "EXTENSIONS"]
