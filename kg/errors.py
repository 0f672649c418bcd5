"""The exit codes of `kg`, and the error every input problem of the extract stage raises.

Verbs raise typed errors; kg/cli.py alone turns them into a message and one of these codes.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    #: the command ran and found what it checks for: SHACL violations (validate, up, publish without
    #: --force), a query that failed, differences (diff), a record the model refuses (an extractor bug)
    FOUND = 1
    #: bad input, bad usage or an I/O error (named); nothing was changed
    ERROR = 2
    #: + the signal number: interrupted by a signal (kg publish on SIGTERM/SIGHUP), as a shell reports it
    SIGNAL = 128


class ExtractError(Exception):
    """A source document or authority file that does not parse where it should: names the file and the line.

    Lives here (not in kg.extract) so low-level loaders such as kg.authority can raise it without
    importing the extractors."""

    def __init__(self, file, line: int, message: str):
        self.file, self.line, self.message = str(file), int(line), message
        super().__init__(f"{self.file}:{self.line}: {message}")


class CellIssue:
    """A problem in one cell (or row, or sheet) of a publisher's workbook: ``Tiltak!F12: message — hint``.

    ``severity`` is "error" (kg import stops, nothing written) or "warning" (reported, import goes on);
    ``check`` names the check that found it."""

    __slots__ = ("severity", "check", "sheet", "row", "column", "value", "message", "hint")

    def __init__(self, severity: str, check: str, sheet: str, row: int | None, column: str | None,
                 value, message: str, hint: str = ""):
        self.severity, self.check, self.sheet, self.row, self.column = severity, check, sheet, row, column
        self.value, self.message, self.hint = value, message, hint

    @property
    def ref(self) -> str:
        """A1 reference: 'Tiltak!F12', 'Tiltak!12' (a whole row), 'Tiltak!F' (a column) or 'Tiltak'."""
        return f"{self.sheet}!{self.column or ''}{self.row or ''}".rstrip("!")

    def __str__(self) -> str:
        return f"{self.ref}: {self.message}" + (f" — {self.hint}" if self.hint else "")

    def as_json(self) -> dict:
        return {"severity": self.severity, "check": self.check, "ref": self.ref, "sheet": self.sheet,
                "row": self.row, "column": self.column, "value": self.value, "message": self.message,
                "hint": self.hint}


class WorkbookError(Exception):
    """A workbook that cannot be imported: carries every error (and warning) found, each naming its cell."""

    def __init__(self, file, issues: list[CellIssue]):
        self.file, self.issues = str(file), list(issues)
        errors = [i for i in self.issues if i.severity == "error"]
        super().__init__(f"{self.file}: {len(errors)} error(s) — " + "; ".join(str(i) for i in errors[:3]))
