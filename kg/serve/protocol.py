"""SPARQL 1.1 Protocol request parsing and content negotiation (no I/O, no store access).

The result format depends on the query form (SELECT/ASK → results formats, CONSTRUCT/DESCRIBE →
RDF formats), which is only known once the query has been parsed, so negotiation is a pure function
(`negotiate`) that the executor calls after running the query.
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

#: SELECT/ASK result formats: key → media type (first = default).
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
#: CONSTRUCT/DESCRIBE (and resource description) formats: key → media type (first = default).
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
#: Extra media types accepted in `Accept` and mapped onto a format key.
_RESULT_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml"}
_GRAPH_ALIASES = {
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
#: Values of the `format` parameter (as used by many endpoints) → format key.
_FORMAT_PARAM = {
    "json": ("json", "jsonld"), "srj": ("json", None), "xml": ("xml", "rdfxml"), "srx": ("xml", None),
    "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "text/turtle": (None, "turtle"),
    "nt": (None, "ntriples"), "ntriples": (None, "ntriples"), "n-triples": (None, "ntriples"),
    "jsonld": (None, "jsonld"), "json-ld": (None, "jsonld"),
    "rdfxml": (None, "rdfxml"), "rdf": (None, "rdfxml"), "rdf/xml": (None, "rdfxml"),
}
for _k, _v in RESULT_TYPES.items():
    _FORMAT_PARAM.setdefault(_v, (_k, None))
for _k, _v in GRAPH_TYPES.items():
    _FORMAT_PARAM.setdefault(_v, (None, _k))


class ProtocolError(Exception):
    """A request the endpoint answers with a 4xx: `status` and a human-readable message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str = "*/*"
    format: str | None = None  # the raw `format` parameter, if any

    def cache_key(self) -> tuple:
        return (self.query, self.default_graphs, self.named_graphs, self.format or "", self.accept)


@dataclass
class _Params:
    items: list[tuple[str, str]] = field(default_factory=list)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.items if k == name]

    def one(self, name: str) -> str | None:
        vals = self.all(name)
        if len(vals) > 1:
            raise ProtocolError(400, f"parameter '{name}' given {len(vals)} times; give it once")
        return vals[0] if vals else None


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _unquote_ascii(s: str) -> str:
    """`urllib.parse.unquote(s)` for an ASCII `s`, 4-5× faster on a percent-encoded query: when every
    `%` starts a valid escape, the escapes are decoded in C (`codecs.escape_decode` of `\\xHH`)."""
    if "%" not in s:
        return s
    if _BAD_ESCAPE.search(s):
        return unquote(s)
    raw = codecs.escape_decode(s.replace("\\", "\\\\").replace("%", "\\x").encode("ascii"))[0]
    return raw.decode("utf-8", "replace")


def parse_qs_list(qs: str) -> list[tuple[str, str]]:
    """`parse_qsl(qs, keep_blank_values=True)`, the same result (tests/test_serve_fastpath.py), faster
    for the ASCII query strings HTTP clients send."""
    if not qs.isascii():
        return parse_qsl(qs, keep_blank_values=True)
    out = []
    for nv in qs.split("&"):
        if not nv:
            continue
        name, eq, value = nv.partition("=")
        out.append((_unquote_ascii(name.replace("+", " ")), _unquote_ascii(value.replace("+", " "))))
    return out


def _update_refusal(texts: list[str]) -> str:
    ops = [op for op in ("LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "COPY", "MOVE", "ADD")
           if any(re.search(rf"\b{op}\b", t, re.IGNORECASE) for t in texts)]
    what = f" ({', '.join(ops)})" if ops else ""
    return f"This endpoint is read-only: SPARQL Update{what} is refused."


#: A text that is only comments, whitespace, BASE and PREFIX declarations (no query form after the prologue).
_PROLOGUE_ONLY = re.compile(r"(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s*[^\s:<>]*:\s*<[^>]*>)*", re.IGNORECASE)


def _charset(content_type: str | None) -> str | None:
    """The `charset` parameter of a Content-Type, lower-cased (None if absent)."""
    for part in (content_type or "").split(";")[1:]:
        k, _, v = part.partition("=")
        if k.strip().lower() == "charset":
            return v.strip().strip('"').lower()
    return None


def _graph_iris(params: "_Params", name: str) -> tuple[str, ...]:
    """`default-graph-uri` / `named-graph-uri` values: each must be an absolute IRI (else 400)."""
    import pyoxigraph as ox

    out = []
    for v in params.all(name):
        bad = not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", v)
        if not bad:
            try:
                ox.NamedNode(v)
            except ValueError:
                bad = True
        if bad:
            raise ProtocolError(400, f"parameter '{name}' must be an absolute IRI, got {v[:200]!r}")
        out.append(v)
    return tuple(out)


def parse_request(method: str, url_query: str, content_type: str | None, body: bytes,
                  accept: str | None) -> QueryRequest:
    """Turn a GET/POST into a QueryRequest, or raise ProtocolError (400/403/405/415)."""
    params = _Params(parse_qs_list(url_query))
    ctype = (content_type or "").split(";")[0].strip().lower()
    charset = _charset(content_type)
    if method == "POST" and charset not in (None, "utf-8", "utf8", "us-ascii"):
        raise ProtocolError(415, f"unsupported charset '{charset}': SPARQL requests must be UTF-8")
    query: str | None
    if method in ("GET", "HEAD"):
        if params.all("update"):
            raise ProtocolError(403, _update_refusal(params.all("update")))
        query = params.one("query")
    elif method == "POST":
        if ctype == "application/x-www-form-urlencoded":
            try:
                form = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
            except UnicodeDecodeError as e:
                raise ProtocolError(400, f"request body is not UTF-8: {e}") from None
            params = _Params(params.items + form)
            if params.all("update"):
                raise ProtocolError(403, _update_refusal(params.all("update")))
            query = params.one("query")
        elif ctype == "application/sparql-query":
            try:
                query = body.decode("utf-8")
            except UnicodeDecodeError as e:
                raise ProtocolError(400, f"query body is not UTF-8: {e}") from None
        elif ctype == "application/sparql-update":
            raise ProtocolError(403, _update_refusal([body.decode("utf-8", "replace")]))
        else:
            raise ProtocolError(
                415,
                f"unsupported Content-Type '{ctype or '(none)'}': use application/x-www-form-urlencoded "
                "or application/sparql-query",
            )
    else:
        raise ProtocolError(405, f"method {method} not allowed: use GET or POST")
    if query is None or not query.strip():
        raise ProtocolError(400, "missing 'query' parameter "
                                 "(SPARQL 1.1 Protocol: query=… or an application/sparql-query body)")
    if "\x00" in query:
        raise ProtocolError(400, "the query contains a NUL character")
    if _PROLOGUE_ONLY.fullmatch(query):
        raise ProtocolError(400, "the query has no SELECT, ASK, CONSTRUCT or DESCRIBE (only comments, BASE or PREFIX)")
    return QueryRequest(
        query=query,
        default_graphs=_graph_iris(params, "default-graph-uri"),
        named_graphs=_graph_iris(params, "named-graph-uri"),
        accept=accept or "*/*",
        format=params.one("format"),
    )


def parse_accept(accept: str | None) -> list[tuple[str, float]]:
    """`Accept` header → [(media-range, q)] (malformed q → 0, parameters other than q ignored)."""
    out: list[tuple[str, float]] = []
    for part in (accept or "*/*").split(","):
        bits = [b.strip() for b in part.split(";")]
        mtype = bits[0].lower()
        if not mtype:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(b[2:])))
                except ValueError:
                    q = 0.0
        out.append((mtype, q))
    return out


def _q_for(offer: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching `offer` (exact > type/* > */*)."""
    best, spec = 0.0, -1
    otype = offer.split("/")[0]
    for r, q in ranges:
        if r == offer:
            s = 2
        elif r == otype + "/*":
            s = 1
        elif r == "*/*":
            s = 0
        else:
            continue
        if s > spec:
            best, spec = q, s
    return best


def choose(accept: str | None, offers: list[str]) -> str | None:
    """Best offer for `accept` (highest q; ties → server order); None if nothing is acceptable."""
    ranges = parse_accept(accept)
    scored = [(_q_for(o, ranges), -i, o) for i, o in enumerate(offers)]
    q, _, offer = max(scored)
    return offer if q > 0 else None


@functools.lru_cache(maxsize=64)  # pure; a query worker negotiates the same few Accept values every time
def negotiate(kind: str, accept: str | None, fmt: str | None) -> str:
    """Format key for a result of `kind` ('results' or 'graph'); raises ProtocolError(406)."""
    table, aliases, idx = (RESULT_TYPES, _RESULT_ALIASES, 0) if kind == "results" else (GRAPH_TYPES, _GRAPH_ALIASES, 1)
    if fmt:
        key = _FORMAT_PARAM.get(fmt.strip().lower(), (None, None))[idx]
        if key is None:
            raise ProtocolError(406, f"format '{fmt}' is not available for this query form; "
                                     f"use one of {', '.join(table)}")
        return key
    offers = list(table.values()) + list(aliases)
    best = choose(accept, offers)
    if best is None:
        if any(q > 0 for _, q in parse_accept(accept)):
            # Nothing listed matches (e.g. a browser asking for text/html only): fall back to the default.
            return next(iter(table))
        raise ProtocolError(406, f"none of the accepted types is available; offered: {', '.join(table.values())}")
    for key, mt in table.items():
        if mt == best:
            return key
    return aliases[best]


def wants_html(accept: str | None) -> bool:
    """True if text/html is preferred over every RDF/results type (i.e. a browser)."""
    ranges = parse_accept(accept)
    html = _q_for("text/html", [r for r in ranges if r[0] != "*/*"])
    if html <= 0:
        return False
    explicit = [r for r in ranges if r[0] != "*/*"]
    others = [o for o in list(GRAPH_TYPES.values()) + list(RESULT_TYPES.values()) if _q_for(o, explicit) >= html]
    return not others


def syntax_error_message(query: str, error: str, width: int = 72) -> str:
    """A parser error ("error at L:C: expected one of …") as line, column, the offending line and a caret.

    The parser's expected-token list is kept only when it is short (a handful of keywords)."""
    m = re.match(r"\s*error at (\d+):(\d+)(?:-\d+:\d+)?:?\s*(.*)", error, re.S)
    if not m:
        first = error.strip().splitlines()[0] if error.strip() else "invalid query"
        return "SPARQL syntax error: " + first[:200]
    line_no, col, rest = int(m.group(1)), int(m.group(2)), m.group(3)
    lines = query.split("\n")
    text = lines[line_no - 1].rstrip("\r") if 0 < line_no <= len(lines) else ""
    col = max(1, min(col, len(text) + 1))
    start = max(0, min(col - 1 - width // 2, len(text) - width))  # a window around the column of long lines
    shown = text[start:start + width].replace("\t", " ")
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    out = [f"SPARQL syntax error at line {line_no}, column {col}:", f"  {prefix}{shown}{suffix}",
           "  " + " " * (len(prefix) + col - 1 - start) + "^"]
    expected = rest.removeprefix("expected one of ").removeprefix("expected ")
    tokens = [t.strip() for t in re.split(r", (?![^\[]*\])", expected) if t.strip()] if expected != rest else []
    if "IRI parsing failed" in tokens:
        out.append("an IRI here is not valid (relative IRIs are resolved against the endpoint URL)")
        tokens = []
    tokens = [t for t in tokens if not t.startswith("[") and t != "IRI parsing failed"]
    if tokens and len(tokens) <= 5 and len(", ".join(tokens)) <= 80:
        out.append("expected " + ("one of " if len(tokens) > 1 else "") + ", ".join(tokens))
    return "\n".join(out)
