"""ASGI middleware: security headers on every response, HEAD on /sparql answered as GET without a body,
the page language of each request.

The pages use no inline script or style (query.js and style.css are static files; the
`<script type="application/json">` and `application/ld+json` blocks are data, never executed), so
the Content-Security-Policy allows scripts, styles and fetches from this origin only.
"""

from __future__ import annotations

from ..web import i18n

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
]


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response that does not set them itself."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """HEAD on the given paths runs the GET handler and drops the body (RFC 9110 §9.3.2): the headers,
    Content-Length included, are those GET would send."""

    def __init__(self, app, paths: frozenset[str]):
        self.app = app
        self.paths = paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD" or scope["path"] not in self.paths:
            return await self.app(scope, receive, send)

        async def send_headers_only(message):
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class Language:
    """Sets the request's language (kg.web.i18n), adds Accept-Language and Cookie to the Vary of every HTML
    response, and keeps the switch's choice (?lang=) in the `lang` cookie."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        qs = scope.get("query_string", b"").decode("latin-1")
        al = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept-language"), None)
        cookie = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"cookie"), None)
        raw = (scope.get("raw_path") or scope.get("path", "").encode()).decode("latin-1")
        tokens = i18n.enter(qs, al, raw, cookie)
        switched = i18n.asked(qs)

        async def send_vary(message):
            if message["type"] == "http.response.start":
                # Only HTML depends on the language; data (SPARQL results, Turtle …) does not.
                headers = list(message.get("headers", []))
                html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
                if html:
                    vary = False
                    for i, (k, v) in enumerate(headers):
                        if k.lower() == b"vary":
                            vary = True
                            have = {t.strip().lower() for t in v.split(b",")}
                            extra = [t for t in (b"Accept-Language", b"Cookie") if t.lower() not in have]
                            if extra:
                                headers[i] = (k, b", ".join([v, *extra]))
                    if not vary:  # every page (error pages too) depends on Accept, Accept-Language and the cookie
                        headers.append((b"vary", b"Accept, Accept-Language, Cookie"))
                    if switched:  # the switch's choice holds for the pages that follow (a year; no other cookie)
                        headers.append((b"set-cookie", f"{i18n.COOKIE}={switched}; Path=/; Max-Age=31536000; "
                                                       "SameSite=Lax".encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_vary)
        finally:
            i18n.leave(tokens)
