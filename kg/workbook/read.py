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


def _fail(name, message: str, hint: str) -> WorkbookError:
    shown = Path(name).name if isinstance(name, Path) else str(name)
    return WorkbookError(name, [CellIssue("error", "readable", shown, None, None, None, message, hint)])


_NOT_XLSX = "save it from Excel as 'Excel Workbook (.xlsx)', or give a folder of CSV files"


def read_xlsx(path: Path) -> RawBook:
    return read_xlsx_bytes(path.name, path.read_bytes())


def read_xlsx_bytes(name: str, data: bytes) -> RawBook:
    """An .xlsx workbook held in memory (e.g. uploaded to the check page of `kg serve`); ``name`` is
    what messages and provenance call it. openpyxl parses its XML with defusedxml (installed with kg):
    entity declarations are refused, not expanded."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError,
                  EOFError, SyntaxError)   # defusedxml's refusals are ValueErrors, expat's ParseError a SyntaxError
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except unreadable as e:
        raise _fail(name, f"not an Excel workbook (.xlsx): {e}", _NOT_XLSX) from None
    try:
        sheets = {ws.title: _sheet(ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets}
    except unreadable as e:   # a sheet's XML is read only now (read-only mode)
        raise _fail(name, f"a sheet of this workbook cannot be read: {e}", _NOT_XLSX) from None
    finally:
        wb.close()
    return RawBook(name, hashlib.sha256(data).hexdigest(), "xlsx", sheets)


def read_csv_dir(path: Path) -> RawBook:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    return read_csv_files(path.name, {f.name: f.read_bytes() for f in files}, where=path)


def read_csv_files(name: str, files: dict[str, bytes], where=None) -> RawBook:
    """The CSV form of a workbook held in memory: {file name: bytes}, one file per sheet named after it
    (Tiltak.csv …), e.g. the members of a zip uploaded to the check page. ``where``: the folder, for messages."""
    where = where if where is not None else name
    files = {n: files[n] for n in sorted(files) if n.lower().endswith(".csv")}
    if not files:
        raise _fail(where, "no CSV files in this folder", "write one CSV per sheet, named after it (Tiltak.csv …): "
                    "`kg template --csv DIR` makes an empty set")
    digest = hashlib.sha256()
    sheets = {}
    for fname, blob in files.items():
        digest.update(fname.encode() + b"\0" + blob + b"\0")
        try:
            text = blob.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            shown = Path(where) / fname if isinstance(where, Path) else fname
            raise _fail(shown, f"not UTF-8 text (byte {e.start})", "save the CSV as 'CSV UTF-8'") from None
        stem = fname[:-4]
        try:
            sheets[stem] = _sheet(stem, csv.reader(io.StringIO(text, newline="")))
        except csv.Error as e:
            raise _fail(fname, f"not a readable CSV file: {e}", "save the sheet as 'CSV UTF-8'") from None
    return RawBook(name, digest.hexdigest(), "csv", sheets)


def read_book(path) -> RawBook:
    """An .xlsx file or a folder of CSV files; WorkbookError when it is neither or cannot be read."""
    path = Path(path)
    if path.is_dir():
        return read_csv_dir(path)
    if not path.exists():
        raise _fail(path, "no such file or folder", "give the path of an .xlsx workbook or a folder of CSV files")
    return read_xlsx(path)
