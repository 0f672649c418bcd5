"""The search as SPARQL custom functions (pyoxigraph `Store.query(custom_functions=…)`).

    PREFIX search: <https://w3id.org/regplan/search#>
    SELECT ?m ?score WHERE {
      ?m a rp:Measure .
      BIND(search:score(?m, "ungdom") AS ?score)
      FILTER(BOUND(?score))
    } ORDER BY DESC(?score)

`search:score(?resource, "text")` is the relevance (xsd:double, higher is better) of a resource
for the search text, unbound when it does not match; `search:matches(?resource, "text")` is
xsd:boolean. Both use the same index, stemming and ranking as /search. The server points
`configure()` at its index before the query workers are forked; each worker opens the file itself
and keeps the hits of its last few search texts.
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import pyoxigraph as ox

NS = "https://w3id.org/regplan/search#"
XSD_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
_path: Path | None = None
_index = None
_cache: OrderedDict[str, dict[str, float]] = OrderedDict()


def configure(path: Path | None) -> None:
    """Use the index at `path` (None: the functions are not offered)."""
    global _path, _index
    _path, _index = (Path(path) if path else None), None
    _cache.clear()


def configured_path() -> Path | None:
    """The index the functions use (a respawned query-worker zygote configures itself with it)."""
    return _path


def _scores(text) -> dict[str, float]:
    global _index
    if not isinstance(text, ox.Literal):
        return {}
    hit = _cache.get(text.value)
    if hit is None:
        if _index is None:
            from .index import SearchIndex

            _index = SearchIndex(_path)
        hit = _index.scores(text.value)
        _cache[text.value] = hit
        while len(_cache) > 16:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(text.value)
    return hit


def _score(resource, text):
    if not isinstance(resource, ox.NamedNode):
        return None
    s = _scores(text).get(resource.value)
    return None if s is None else ox.Literal(repr(float(s)), datatype=XSD_DOUBLE)


def _matches(resource, text):
    return ox.Literal(isinstance(resource, ox.NamedNode) and resource.value in _scores(text))


def functions() -> dict:
    """The custom functions to pass to Store.query (empty when no index is configured)."""
    if _path is None:
        return {}
    return {ox.NamedNode(NS + "score"): _score, ox.NamedNode(NS + "matches"): _matches}
