"""Refuse what a read-only public endpoint must not run: SPARQL Update (incl. LOAD) and SERVICE.

pyoxigraph really executes `SERVICE <http://…>` (an HTTP request from the server: SSRF) and its
Python API cannot parse a query without running it, so we parse with rdflib's SPARQL grammar and
walk the parse tree. rdflib's parser costs ~30 ms, so it only runs when the text could contain the
keyword at all: SPARQL keywords are ASCII and case-insensitive, and rdflib (like the SPARQL spec)
expands `\\u` escapes before parsing, so a query without "service", "\\u" or "\\U" in it cannot hold
a SERVICE clause. Updates cannot run at all (`Store.query` only accepts queries); they are named
clearly instead of answered with a confusing syntax error: by a cheap prologue check up front, and
by rdflib's update parser on the error path only.
"""

from __future__ import annotations

import functools
import re

from .protocol import ProtocolError

_UPDATE_START = re.compile(
    r"^(?:\s|#[^\n]*\n)*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)(?:\s|#[^\n]*\n)*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


def _walk(node, found: list) -> None:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            found.append(node.get("term"))
        for v in node.values():
            _walk(v, found)
    elif isinstance(node, (list, tuple, ParseResults)):
        for v in node:
            _walk(v, found)


@functools.lru_cache(maxsize=2048)
def _service_targets(query: str) -> tuple[str, ...] | None:
    """IRIs (or '?var') used in SERVICE clauses; None if rdflib cannot parse the query."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except Exception:
        return None
    found: list = []
    _walk(tree, found)
    return tuple(("?" + str(t)) if t.__class__.__name__ == "Variable" else str(t) for t in found)


def _looks_like_update(query: str) -> str | None:
    """Cheap check: the first keyword after the prologue is an update operation."""
    m = _UPDATE_START.match(query)
    return m.group(1).upper() if m else None


@functools.lru_cache(maxsize=512)
def update_kind(query: str) -> str | None:
    """For a text the query parser rejected: the update operation it holds, if it is an update.

    Only called on the error path (rdflib's parser costs ~30 ms); `Store.query` cannot run updates
    anyway, this just turns a confusing syntax error into a clear refusal."""
    op = _looks_like_update(query)
    if op:
        return op
    try:
        from rdflib.plugins.sparql.parser import parseUpdate

        tree = parseUpdate(query)
    except Exception:
        return None
    reqs = tree.get("request") or []
    return reqs[0].name.upper() if reqs else None


def refusal_for_update(op: str) -> ProtocolError:
    what = "LOAD" if op.startswith("LOAD") else f"SPARQL Update ({op})"
    return ProtocolError(403, f"This endpoint is read-only: {what} is refused.")


def check(query: str, service_allow: frozenset[str] = frozenset()) -> None:
    """Raise ProtocolError(403) for updates/LOAD or SERVICE outside `service_allow`; else return."""
    op = _looks_like_update(query)
    if op:
        raise refusal_for_update(op)
    low = query.lower()
    if "service" not in low and "\\u" not in low:
        return
    targets = _service_targets(query)
    if targets is None:
        # rdflib does not know every oxigraph extension; be safe rather than sorry.
        if re.search(r"service", query, re.IGNORECASE) or "\\u" in low:
            raise ProtocolError(
                403,
                "SERVICE (federated query) is refused on this endpoint, and this query could not be "
                "checked for it (it uses syntax the safety parser does not know).",
            )
        return
    refused = [t for t in targets if t not in service_allow]
    if refused:
        allowed = f" Allowed: {', '.join(sorted(service_allow))}." if service_allow else ""
        raise ProtocolError(403, f"SERVICE (federated query) to {', '.join(refused)} is refused on this endpoint.{allowed}")
