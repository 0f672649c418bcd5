"""The error every input problem of the extract stage raises: names the file and the line."""

from __future__ import annotations


class ExtractError(Exception):
    """A source document or authority file that does not parse where it should: names the file and the line.

    Lives here (not in kg.extract) so low-level loaders such as kg.authority can raise it without
    importing the extractors."""

    def __init__(self, file, line: int, message: str):
        self.file, self.line, self.message = str(file), int(line), message
        super().__init__(f"{self.file}:{self.line}: {message}")
