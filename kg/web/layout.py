"""Resource pages laid out from the SHACL profile: sh:group, sh:order and sh:name on property shapes.

For a resource's rdf:types, the node shapes targeting them (sh:targetClass) give each property
(sh:path, IRIs only) a group (sh:PropertyGroup with rdfs:label and sh:order), an order in the group
and a heading (sh:name) per language. Properties no shape lays out come last, in their own order.
Read once from the shapes folder (the files do not change while the server runs).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from . import i18n

log = logging.getLogger(__name__)
SH = "http://www.w3.org/ns/shacl#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

_Q = f"""PREFIX sh: <{SH}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class ?path ?group ?gorder ?order ?name ?glabel WHERE {{
  ?ns sh:targetClass ?class ; sh:property ?ps .
  ?ps sh:path ?path ; sh:group ?group .
  FILTER(isIRI(?path))
  OPTIONAL {{ ?group sh:order ?gorder }}
  OPTIONAL {{ ?ps sh:order ?order }}
  OPTIONAL {{ ?ps sh:name ?name }}
  OPTIONAL {{ ?group rdfs:label ?glabel }}
}}"""


@dataclass
class Slot:
    group: str
    group_order: float
    order: float
    names: dict[str, str]


class Layout:
    def __init__(self, slots: dict[tuple[str, str], Slot], group_labels: dict[str, dict[str, str]]):
        self.slots = slots  # (class IRI, path IRI) → Slot
        self.group_labels = group_labels  # group IRI → language → label

    @classmethod
    def from_dir(cls, shapes_dir: Path) -> "Layout":
        store = ox.Store()
        for f in sorted(Path(shapes_dir).glob("*.ttl")):
            store.load(path=str(f), format=ox.RdfFormat.TURTLE)
        slots: dict[tuple[str, str], Slot] = {}
        labels: dict[str, dict[str, str]] = {}
        for r in store.query(_Q):
            key = (r["class"].value, r["path"].value)
            g = r["group"].value
            slot = slots.get(key) or Slot(g, float(r["gorder"].value) if r["gorder"] else 1e9,
                                          float(r["order"].value) if r["order"] else 1e9, {})
            if r["name"] is not None and r["name"].language:
                slot.names[r["name"].language] = r["name"].value
            slots[key] = slot
            if r["glabel"] is not None and r["glabel"].language:
                labels.setdefault(g, {})[r["glabel"].language] = r["glabel"].value
        return cls(slots, labels)

    def _pick(self, texts: dict[str, str]) -> str | None:
        for lang in i18n.LABEL_ORDER.get(i18n.current(), ()):
            if lang in texts:
                return texts[lang]
        return next(iter(texts.values()), None)

    def group(self, types: list[str], properties: list) -> list[tuple[str, list]]:
        """[(group heading, [(predicate Value, values)])] for a page: the profile's groups in their
        order, then "Andre egenskaper"/"Other properties" (the rest, order kept). A row's predicate
        label becomes its sh:name in the page language."""
        placed: dict[str, list] = {}
        rest = []
        for i, (p, values) in enumerate(properties):
            slot = next((self.slots[(c, p.iri)] for c in types if (c, p.iri) in self.slots), None)
            if slot is None:
                rest.append((p, values))
                continue
            name = self._pick(slot.names)
            if name:
                p = type(p)(**{**p.__dict__, "label": name})
            placed.setdefault(slot.group, []).append((slot.group_order, slot.order, i, p, values))
        out = []
        for g, rows in sorted(placed.items(), key=lambda kv: (kv[1][0][0], kv[0])):
            rows.sort(key=lambda r: (r[1], r[2]))
            out.append((self._pick(self.group_labels.get(g, {})) or g.rsplit("#", 1)[-1],
                        [(p, v) for _go, _o, _i, p, v in rows]))
        if rest:
            out.append((i18n.t("Andre egenskaper"), rest))
        return out


@lru_cache(maxsize=4)
def for_dir(shapes_dir: str) -> Layout:
    """The layout of a shapes folder, read once; an unreadable folder or file gives no layout (every
    property under "Andre egenskaper") and a log line, never a failed page."""
    try:
        return Layout.from_dir(Path(shapes_dir))
    except (OSError, SyntaxError, ValueError) as e:
        log.warning("no page layout from %s: %s", shapes_dir, e)
        return Layout({}, {})
