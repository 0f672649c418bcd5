"""`kg import`: a workbook → checked → records (through the records model) + the actor authority, atomically.

Errors (any CellIssue of severity "error") raise WorkbookError and nothing is written; warnings are
returned with the result. Records are named ``hp{year}.json`` (one per programme year).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import CellIssue, WorkbookError
from ..io import atomic_write_many, dumps_json
from ..records.validate import RecordError
from ..records.validate import check as check_record
from .check import CheckedBook, check
from .read import RawBook, read_book
from .to_records import authority, records

AUTHORITY_HEADER = ("# Actor authority file, imported from a workbook by `kg import` (sheet Aktører).\n"
                    "# Keys: id (slug), label (nb), type, aliases, former_names, parent, note, source.\n")


@dataclass
class ImportResult:
    source: str
    records: dict[str, dict]                 # file name -> record
    authority: dict | None
    issues: list[CellIssue] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def warnings(self) -> list[CellIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    def summary(self) -> str:
        n = sum(len(r["measures"]) for r in self.records.values())
        actors = len((self.authority or {}).get("actors") or [])
        return (f"{self.source}: {len(self.records)} programme(s), {n} measures, {actors} actors, "
                f"{len(self.warnings)} warning(s)")


def _row_at(data: dict, path: str) -> dict | None:
    """The workbook row of the innermost object on a record JSON path ($.measures[3].focus_area)."""
    node, found = data, data.get("sheet_row") if isinstance(data, dict) else None
    for name, index in re.findall(r"\.([A-Za-z_]+)|\[(\d+)\]", path):
        try:
            node = node[name] if name else node[int(index)]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and node.get("sheet_row"):
            found = node["sheet_row"]
    return found


def _model_issue(err: RecordError, data: dict) -> CellIssue:
    at = _row_at(data, err.path) or {"sheet": "Program", "row": None}
    field_name = err.path.rsplit(".", 1)[-1]
    return CellIssue("error", "records-model", at["sheet"], at["row"], None, None,
                     f"{field_name}: {err.message}", "the records model does not allow this value (docs/records.md)")


def convert(book: CheckedBook) -> ImportResult:
    """Records and authority from a checked workbook; WorkbookError on any error."""
    if book.errors:
        raise WorkbookError(book.raw.file, book.issues)
    recs = {f"hp{year}.json": rec for year, rec in records(book).items()}
    issues = list(book.issues)
    model_errors = []
    for name, rec in recs.items():
        try:
            check_record(rec, name)
        except RecordError as err:
            model_errors.append(_model_issue(err, rec))
    if model_errors:
        raise WorkbookError(book.raw.file, model_errors + issues)
    auth = authority(book) if book.rows["Aktører"] else None
    if auth is None:
        issues.append(CellIssue("warning", "actors", "Aktører", None, None, None, "no actors: the actor authority "
                                "file was left as it is", "list the actors in the sheet Aktører"))
    return ImportResult(book.raw.file, recs, auth, issues)


def import_raw(raw: RawBook) -> ImportResult:
    """Check and convert a workbook already read (kg.workbook.read: a file, a CSV folder, or bytes held in
    memory); the dataset's plan id (kg.toml) is checked against the sheet Program. WorkbookError on errors."""
    from .. import dataset

    plan_id = dataset.current().plan_id if dataset.active() else None
    return convert(check(raw, plan_id))


def import_workbook(path, out_dir: Path | None = None, authority_file: Path | None = None,
                    write: bool = True) -> ImportResult:
    """Read, check and convert ``path`` (xlsx or CSV folder); write the records to ``out_dir`` and the
    actors to ``authority_file`` in one atomic step (unless ``write`` is false)."""
    from .. import config

    result = import_raw(read_book(path))
    if not write:
        return result
    out_dir = Path(out_dir or config.RECORDS)
    files = {out_dir / name: dumps_json(rec).encode("utf-8") for name, rec in result.records.items()}
    if result.authority is not None:
        target = Path(authority_file or config.AUTHORITY / "actors.yaml")
        text = AUTHORITY_HEADER + yaml.safe_dump(result.authority, allow_unicode=True, sort_keys=False, width=110)
        files[target] = text.encode("utf-8")
    for p in files:
        p.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_many(files)
    result.written = sorted(files)
    return result
