"""Raw-ASGI fast path for `GET|HEAD /sparql?query=…`: the same answer as the Starlette route, cheaper.

Per request, Starlette's route matching, exception and CORS middleware, `Request`/`Headers`/`URL`
objects and a second parse of the query string cost more than the rest of the main process's work
(bench/README.md, "where the time goes"). This wrapper answers the common case itself, with the same
code for everything that matters (`protocol.parse_request`, `KGApp.sparql_result`: response cache,
worker pool, lanes, limits, error texts) and writes exactly the headers the full stack would:
the route's headers, then what `CORSMiddleware` adds (its `simple_headers` when the request has an
Origin, `Vary: …, Origin` always), then the security headers of middleware.py
(tests/test_serve_fastpath.py compares both stacks header by header).

Anything else — POST, OPTIONS, the service description, a malformed or non-ASCII query string, any
request `parse_request` refuses — goes to the full stack unchanged.
"""

from __future__ import annotations

import re

from .middleware import SECURITY_HEADERS
from .protocol import ProtocolError, parse_request

# What urlsplit (behind Starlette's request.url.query) passes through unchanged: printable ASCII but '#'.
_PLAIN_QS = re.compile(rb"[\x21\x22\x24-\x7e]+")
_SECURITY_KEYS = frozenset(k for k, _ in SECURITY_HEADERS)


def _set(headers: list, key: bytes, value: bytes) -> None:
    """Starlette's MutableHeaders.__setitem__: replace the first `key`, drop the others, else append."""
    found = [i for i, (k, _v) in enumerate(headers) if k == key]
    for i in reversed(found[1:]):
        del headers[i]
    if found:
        headers[found[0]] = (key, value)
    else:
        headers.append((key, value))


def finish_headers(raw: list, origin: bytes | None, cors_simple: list) -> list:
    """Route headers → what the client gets after CORSMiddleware (allow-all origins, no credentials)
    and SecurityHeaders."""
    headers = list(raw)
    if origin is not None:
        for k, v in cors_simple:
            _set(headers, k, v)
    _set(headers, b"vary", b", ".join([v for k, v in headers if k == b"vary"] + [b"Origin"]))
    present = {k for k, _ in headers}
    headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
    return headers


class SparqlFastPath:
    """ASGI wrapper: answers GET/HEAD /sparql with a query itself, passes everything else to `app`."""

    def __init__(self, kg, app, cors_simple: dict[str, str]):
        self.kg = kg
        self.app = app
        self.state = getattr(app, "state", None)
        self.cors_simple = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in cors_simple.items()]
        self._max = str(kg.s.max_results).encode()

    def _hit_headers(self, hit: dict) -> list:
        """The route's headers for a successful result (memoised on the cached result)."""
        raw = hit.get("raw_headers")
        if raw is None:
            mt = hit["media_type"]
            ctype = mt + ("; charset=utf-8" if mt.startswith("text/") or mt.endswith("json") else "")
            raw = [(b"vary", b"Accept, Origin"), (b"x-sparql-result-count", str(hit["count"]).encode()),
                   (b"cache-control", b"public, max-age=300")]
            if hit["truncated"]:
                raw += [(b"x-sparql-truncated", b"true"), (b"x-sparql-max-results", self._max)]
            raw += [(b"content-length", str(len(hit["body"])).encode()), (b"content-type", ctype.encode("latin-1"))]
            raw += [(k, v) for k, v in SECURITY_HEADERS]
            hit["raw_headers"] = raw
        return raw

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] not in ("GET", "HEAD")
                or not _PLAIN_QS.fullmatch(scope.get("query_string", b""))):
            return await self.app(scope, receive, send)
        accept = origin = None
        for k, v in scope["headers"]:
            if k == b"accept":
                if accept is None:
                    accept = v
            elif k == b"origin" and origin is None:
                origin = v
        try:
            qr = parse_request("GET", scope["query_string"].decode("ascii"), None, b"",
                               None if accept is None else accept.decode("latin-1"))
        except ProtocolError:
            return await self.app(scope, receive, send)  # the full stack answers refusals (same texts)
        client = scope.get("client")
        res = await self.kg.sparql_result(qr, client[0] if client else "")
        if isinstance(res, dict):
            status, body, headers = 200, res["body"], self._hit_headers(res)
            if origin is not None:
                n = len(headers) - len(SECURITY_HEADERS)
                headers = headers[:n] + self.cors_simple + headers[n:]
        else:  # an error Response made by the shared code
            status, body = res.status_code, res.body
            headers = finish_headers(res.raw_headers, origin, self.cors_simple)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
