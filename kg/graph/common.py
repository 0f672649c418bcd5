"""Shared helpers for the record → RDF mappers: a quad sink, literals, provenance, where a record part is."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from ..namespaces import PROV, RDF, RP, XSD
from ..records.model import WorkbookRow
from ..records.validate import RecordError
from ..uris import Minter


class At:
    """Where a part of a record is — its file and JSON path — so that a mapper's error names both.

    The mappers read records as model objects (kg.records.model): types and required fields are the
    model's to check, and a record that breaks them never reaches a mapper. What is left for the
    mappers to report is what the model cannot know: an actor id that is not in the authority file, a
    duplicate measure id, a link to a measure that no programme record holds."""

    __slots__ = ("file", "path")

    def __init__(self, file: str, path: str = "$"):
        self.file, self.path = file, path

    def key(self, key: str) -> At:
        return At(self.file, f"{self.path}.{key}")

    def item(self, key: str, i: int) -> At:
        return At(self.file, f"{self.path}.{key}[{i}]")

    def error(self, message: str, key: str | None = None) -> RecordError:
        return RecordError(self.file, f"{self.path}.{key}" if key else self.path, message)


def nn(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def lit(value: Any, lang: str | None = None, dt: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    if dt:
        return ox.Literal(str(value), datatype=ox.NamedNode(dt))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, (float, Decimal)):
        return decimal(value)
    return ox.Literal(str(value))


def decimal(value: Any) -> ox.Literal:
    d = Decimal(str(value))
    text = format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")
    if "." not in text:
        text += ".0"
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))


def gyear(year: int) -> ox.Literal:
    return ox.Literal(f"{int(year):04d}", datatype=ox.NamedNode(XSD + "gYear"))


def posint(n: int) -> ox.Literal:
    """A line number or count as xsd:integer (the shapes bound it). Not xsd:positiveInteger: Oxigraph
    normalises derived integer types to xsd:integer on load, so served data would disagree with the dumps."""
    if int(n) < 0:
        raise ValueError(f"negative count {n}")
    return ox.Literal(str(int(n)), datatype=ox.NamedNode(XSD + "integer"))


class Sink:
    """Collects quads for one named graph at a time."""

    def __init__(self, mint: Minter):
        self.mint = mint
        self.quads: list[ox.Quad] = []
        self.graph: ox.NamedNode | None = None
        self.source: ox.NamedNode | None = None
        self.run: ox.NamedNode | None = None

    def use_graph(self, name: str, source_id: str | None = None, run: str | None = None) -> None:
        self.graph = nn(self.mint.graph(name))
        self.source = nn(self.mint.source(source_id)) if source_id else None
        self.run = nn(run) if run else None

    def add(self, s: Any, p: str, o: Any) -> None:
        if o is None:
            return
        s = nn(s) if isinstance(s, str) else s
        o = nn(o) if isinstance(o, str) else o
        self.quads.append(ox.Quad(s, nn(p), o, self.graph))

    def a(self, s: Any, *classes: str) -> None:
        for c in classes:
            self.add(s, RDF + "type", c)

    def text(self, s: Any, p: str, value: str | None, lang: str = "nb") -> None:
        if value:
            self.add(s, p, lit(value, lang=lang))

    def use_source(self, source_id: str) -> None:
        """Facts of the current graph come from this source (a workbook record names its own)."""
        self.source = nn(self.mint.source(source_id))

    def provenance(self, s: Any, lines: Iterable[int] | None, row: WorkbookRow | None = None) -> None:
        """prov:wasDerivedFrom the current source, with the line span (a document) or the sheet and row
        (a workbook), and the extraction run."""
        if self.source is not None:
            self.add(s, PROV + "wasDerivedFrom", self.source)
        if lines:
            first, last = list(lines)[0], list(lines)[-1]
            self.add(s, RP + "sourceLineStart", posint(first))
            self.add(s, RP + "sourceLineEnd", posint(last))
        self.row(s, row)
        if self.run is not None:
            self.add(s, RP + "extractionRun", self.run)

    def row(self, s: Any, row: WorkbookRow | None) -> None:
        """rp:sourceSheet / rp:sourceRow of a fact imported from a workbook."""
        if row is not None:
            self.add(s, RP + "sourceSheet", lit(row.sheet))
            self.add(s, RP + "sourceRow", posint(row.row))

