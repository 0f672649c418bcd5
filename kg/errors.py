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
