"""Read RDF files faithfully: every literal exactly as written, for the validation engine.

pyoxigraph's *parser* keeps lexical forms ("5"^^xsd:int, "05"^^xsd:integer, "2001-02-30"^^xsd:date
stay as they are); its *store* normalises them on insertion ("5"^^xsd:int becomes
"5"^^xsd:integer, "1"^^xsd:boolean becomes "true"), which made the old store-based engine blind to
exactly the mistakes SHACL's sh:datatype, sh:in and sh:hasValue are there to catch. So files are
parsed here and passed on as N-Triples text, never through a store. All graphs of a file are
merged into one data graph (graph names dropped).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES, ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML, ".xml": ox.RdfFormat.RDF_XML,
}


class DataParseError(Exception):
    """A data file that cannot be read or parsed; ``str()`` is ``file:line: message``."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = Path(path), line, message
        loc = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{loc}: {message}")


def rdf_format(path: Path) -> ox.RdfFormat:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise DataParseError(path, None, f"unknown RDF file extension {Path(path).suffix!r} "
                             f"(use one of {', '.join(sorted(FORMATS))})")
    return fmt


def _parse_message(e: SyntaxError) -> str:
    msg = str(e.msg if getattr(e, "msg", None) else e)
    msg = msg.replace("Parser error ", "").strip()
    return re.sub(r"^(at|between) line \d+ (column \d+)?( and line \d+ column \d+)?:?\s*", "", msg) or msg


# ---------------------------------------------------------------------- faithful N-Triples
def _base_iri(path: Path) -> str:
    return Path(path).resolve().as_uri()


def file_triples(path: Path, rename: bool = False, prefixes: dict | None = None) -> Iterable[ox.Triple]:
    """The triples of one file as written (graph names dropped: all graphs are one data graph).

    pyoxigraph's parser keeps literals exactly as written (only its store normalises them);
    relative IRIs resolve against the file's own URI. ``rename`` gives blank nodes fresh labels,
    so that two files that both use ``_:b1`` keep them apart. ``prefixes`` collects the file's
    prefix declarations."""
    path = Path(path)
    if not path.is_file():
        raise DataParseError(path, None, "no such file")
    fmt = rdf_format(path)
    try:
        parser = ox.parse(path=str(path), format=fmt, base_iri=_base_iri(path), rename_blank_nodes=rename)
        for q in parser:
            yield q.triple   # (twice as fast as building a new Triple)
        if prefixes is not None:
            for k, v in (getattr(parser, "prefixes", None) or {}).items():
                prefixes.setdefault(k, v)
    except SyntaxError as e:
        raise DataParseError(path, e.lineno, _parse_message(e)) from None
    except (OSError, ValueError) as e:
        raise DataParseError(path, None, str(e)) from None


def ntriples(triples: Iterable[ox.Triple]) -> tuple[str, int]:
    """N-Triples text of ``triples`` and how many there were (repeats included)."""
    count = [0]

    def counted():
        for t in triples:
            count[0] += 1
            yield t
    text = ox.serialize(counted(), format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    return text, count[0]


def files_ntriples(paths: Iterable[Path], extra: Iterable[ox.Triple] = (), prefixes: dict | None = None) -> tuple[str,
                                                                                                                  int]:
    """One N-Triples document holding every file's triples (literals as written) plus ``extra``;
    returns it with the number of data triples read (``extra`` not counted)."""
    paths = [Path(p) for p in paths]

    def gen():
        for i, p in enumerate(paths):
            yield from file_triples(p, rename=len(paths) > 1 and i > 0, prefixes=prefixes)
    text, n = ntriples(gen())
    extra_text, _ = ntriples(extra)
    return text + extra_text, n
