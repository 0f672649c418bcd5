"""Shared helpers for the record → RDF mappers: a quad sink, literals, provenance, record paths."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from ..namespaces import PROV, RDF, RP, XSD
from ..records.validate import RecordError
from ..uris import Minter


class Rec:
    """A record dict that knows where it is, so the mappers' errors name the file and the JSON path.

    Types are not checked here: every record has passed the records model (kg.records) before it is
    mapped. ``req`` only states that the mapper needs a value the model leaves optional."""

    def __init__(self, data: Any, file: str, path: str = "$"):
        self.data, self.file, self.path = data, file, path

    def req(self, key: str) -> Any:
        if key not in self.data or self.data[key] is None:
            raise RecordError(self.file, f"{self.path}.{key}", "required field is missing")
        return self.data[key]

    def opt(self, key: str, default: Any = None) -> Any:
        value = self.data.get(key)
        return default if value is None else value

    def sub(self, key: str, required: bool = False) -> Rec | None:
        value = self.req(key) if required else self.opt(key)
        return None if value is None else Rec(value, self.file, f"{self.path}.{key}")

    def items(self, key: str) -> list[Rec]:
        return [Rec(v, self.file, f"{self.path}.{key}[{i}]") for i, v in enumerate(self.opt(key, []))]

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

    def provenance(self, s: Any, lines: Iterable[int] | None, row: dict | None = None) -> None:
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

    def row(self, s: Any, row: dict | None) -> None:
        """rp:sourceSheet / rp:sourceRow of a fact imported from a workbook."""
        if row:
            self.add(s, RP + "sourceSheet", lit(row["sheet"]))
            self.add(s, RP + "sourceRow", posint(row["row"]))

