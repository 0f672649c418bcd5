"""Read a workbook — an .xlsx file or a folder of CSV files, one per sheet — into raw rows.

Only reading: no typing, no checking (kg.workbook.check does that). A file that is not a workbook
at all raises WorkbookError with a sheet-less issue, never a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CellIssue, WorkbookError


@dataclass
class RawSheet:
    name: str
    headers: list[str]                       # row 1, as written (stripped)
    rows: list[tuple[int, list]] = field(default_factory=list)   # (1-based row number, cell values)


@dataclass
class RawBook:
    file: str                                # the name as given (for messages and provenance)
    sha256: str
    form: str                                # "xlsx" | "csv"
    sheets: dict[str, RawSheet]


def _cell(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    return value


def _sheet(name: str, rows) -> RawSheet:
    rows = iter(rows)
    header = next(rows, None) or []
    sheet = RawSheet(name, [str(h).strip() if h is not None else "" for h in header])
    for n, values in enumerate(rows, start=2):
        values = [_cell(v) for v in values]
        if any(v is not None for v in values):
            sheet.rows.append((n, values))
    while sheet.headers and not sheet.headers[-1]:
        sheet.headers.pop()
    return sheet


def _fail(path: Path, message: str, hint: str) -> WorkbookError:
    return WorkbookError(path, [CellIssue("error", "readable", path.name, None, None, None, message, hint)])


def read_xlsx(path: Path) -> RawBook:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    data = path.read_bytes()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as e:
        raise _fail(path, f"not an Excel workbook (.xlsx): {e}",
                    "save it from Excel as 'Excel Workbook (.xlsx)', or give a folder of CSV files") from None
    try:
        sheets = {ws.title: _sheet(ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    finally:
        wb.close()
    return RawBook(path.name, hashlib.sha256(data).hexdigest(), "xlsx", sheets)


def read_csv_dir(path: Path) -> RawBook:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not files:
        raise _fail(path, "no CSV files in this folder", "write one CSV per sheet, named after it (Tiltak.csv …): "
                    "`kg template --csv DIR` makes an empty set")
    digest = hashlib.sha256()
    sheets = {}
    for f in files:
        blob = f.read_bytes()
        digest.update(f.name.encode() + b"\0" + blob + b"\0")
        try:
            text = blob.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise _fail(f, f"not UTF-8 text (byte {e.start})", "save the CSV as 'CSV UTF-8'") from None
        sheets[f.stem] = _sheet(f.stem, csv.reader(io.StringIO(text, newline="")))
    return RawBook(path.name, digest.hexdigest(), "csv", sheets)


def read_book(path) -> RawBook:
    """An .xlsx file or a folder of CSV files; WorkbookError when it is neither or cannot be read."""
    path = Path(path)
    if path.is_dir():
        return read_csv_dir(path)
    if not path.exists():
        raise _fail(path, "no such file or folder", "give the path of an .xlsx workbook or a folder of CSV files")
    return read_xlsx(path)
