"""/check: the check page of `kg serve` — GET the upload form, POST a file (multipart/form-data) and get
the import and SHACL report of kg.checking.check_upload (issue 13), rendered by kg.web.checkpage.

Bounds, each answered with a readable page (HTML) or message (other clients), never a 500 for a
client's mistake:

* the body: at most ``check_max_upload_mb`` (413, also when Content-Length says so before any byte),
  received within ``check_body_timeout`` s (408); held in memory only, parsed here without any
  temporary file (python-multipart would spool large parts to disk);
* at most ``check_parallel`` uploads received or checked at once (503 + Retry-After beyond), so the
  memory that uploads hold is bounded;
* the check runs in the query workers' pool (kg.serve.executor: a forked, sandboxed process without
  network, killed at the time or memory limit) with ``check_timeout`` s (504); being long, it moves to
  the slow lane at once, where the per-client and slow-lane limits of SPARQL queries apply too (429/503),
  so uploads cannot take the fast lane from cheap queries.
"""

from __future__ import annotations

import re
import tempfile

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..checking import check_upload
from ..web import checkpage
from .executor import MB, MemoryExceeded, PoolBusy, QueryTimeout, Task, WorkerDied
from .protocol import ProtocolError, choose

#: multipart framing and other form fields allowed on top of the file itself
MULTIPART_OVERHEAD = 64 * 1024
_BOUNDARY = re.compile(r'boundary=(?:"([^"]{1,200})"|([^;\s"]{1,200}))', re.I)
_PARAM = re.compile(r';\s*([A-Za-z*]+)=(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')


class FormError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def parse_multipart(content_type: str | None, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """The fields of a multipart/form-data body held in memory: {name: (file name or None, content)}.
    FormError 415 for another content type, 400 for a malformed body."""
    ctype = (content_type or "").strip()
    if ctype.split(";", 1)[0].strip().lower() != "multipart/form-data":
        raise FormError(415, f"send the file as multipart/form-data (a form with enctype=\"multipart/form-data\"), "
                        f"not {ctype.split(';', 1)[0][:100] or 'a body without a Content-Type'}")
    m = _BOUNDARY.search(ctype)
    if not m:
        raise FormError(400, "the multipart/form-data Content-Type has no boundary")
    delim = b"\r\n--" + (m.group(1) or m.group(2)).encode("latin-1")
    chunks = (b"\r\n" + body).split(delim)
    if len(chunks) < 2:
        raise FormError(400, "the multipart body has no parts (wrong boundary?)")
    fields: dict[str, tuple[str | None, bytes]] = {}
    closed = False
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            closed = True
            break
        if not chunk.startswith(b"\r\n"):
            raise FormError(400, "malformed multipart body (a boundary is not followed by a line break)")
        head, sep, content = chunk[2:].partition(b"\r\n\r\n")
        if not sep:
            raise FormError(400, "malformed multipart body (a part has no header end)")
        disposition = None
        for line in head.split(b"\r\n"):
            key, _, value = line.partition(b":")
            if key.strip().lower() == b"content-disposition":
                disposition = value.decode("utf-8", "replace").strip()
        if disposition is None or not disposition.lower().startswith("form-data"):
            raise FormError(400, "malformed multipart body (a part without Content-Disposition: form-data)")
        params = {k.lower(): (q if q is not None else t) for k, q, t in _PARAM.findall(disposition)}
        name = params.get("name")
        if name is None:
            continue
        filename = params.get("filename")
        if filename is not None:
            filename = re.sub(r"\\(.)", r"\1", filename)
        fields.setdefault(name, (filename, content))
    if not closed:
        raise FormError(400, "the multipart body ends before its closing boundary (the upload was cut off?)")
    return fields


class CheckRoutes:
    """GET/POST /check on a KGApp: its settings, its body reader, its pool."""

    def __init__(self, kg):
        self.kg = kg
        self.s = kg.s
        self.active = 0

    def routes(self) -> list[Route]:
        return [Route("/check", self.page, methods=["GET", "HEAD", "POST"])]

    @property
    def limit(self) -> int:
        return int(self.s.check_max_upload_mb * MB)

    def _current(self, request: Request) -> str:
        raw = request.scope.get("raw_path") or request.url.path.encode()
        return raw.decode("latin-1").lstrip("/")

    def _wants_json(self, request: Request) -> bool:
        return choose(request.headers.get("accept", "*/*"), ["text/html", "application/json"]) == "application/json"

    def _problem(self, request: Request, status: int, message: str, headers: dict | None = None) -> Response:
        headers = {"Cache-Control": "no-store", "Vary": "Accept", **(headers or {})}
        if self._wants_json(request):
            return JSONResponse({"status": status, "error": message}, status_code=status, headers=headers)
        body = checkpage.render_form(current=self._current(request), max_mb=self.s.check_max_upload_mb,
                                     timeout=self.s.check_timeout, error=message, status=status)
        return HTMLResponse(body, status_code=status, headers=headers)

    async def page(self, request: Request) -> Response:
        if request.method == "POST":
            return await self.post(request)
        body = checkpage.render_form(current=self._current(request), max_mb=self.s.check_max_upload_mb,
                                     timeout=self.s.check_timeout)
        return HTMLResponse(body, headers={"Vary": "Accept"})

    async def post(self, request: Request) -> Response:
        if self.active >= self.s.check_parallel:
            return self._problem(request, 503, f"{self.active} uploads are being checked; try again in a minute",
                                 {"Retry-After": "10"})
        self.active += 1
        try:
            return await self._post(request)
        finally:
            self.active -= 1

    async def _post(self, request: Request) -> Response:
        mb = f"{self.s.check_max_upload_mb:g} MB"
        try:
            body = await self.kg._read_body(request, limit=self.limit + MULTIPART_OVERHEAD,
                                            timeout=self.s.check_body_timeout, drain=self.limit)
        except ProtocolError as e:
            if e.status == 413:
                return self._problem(request, 413, f"the upload is larger than {mb}, the largest file this page "
                                     "checks — check it on your own machine with `kg import --check FILE` or "
                                     "`kg validate FILE`")
            return self._problem(request, e.status, f"the upload did not arrive within "
                                 f"{self.s.check_body_timeout:g} s — try again on a faster connection"
                                 if e.status == 408 else e.message)
        try:
            fields = await anyio.to_thread.run_sync(parse_multipart, request.headers.get("content-type"), body)
        except FormError as e:
            return self._problem(request, e.status, e.message)
        del body
        filename, data = fields.get("file", (None, b""))
        if "file" not in fields or filename is None:
            return self._problem(request, 400, "no file in the form: choose a file (field 'file') and send it again")
        if not filename and not data:
            return self._problem(request, 400, "no file was chosen: choose a file and send it again")
        if len(data) > self.limit:
            return self._problem(request, 413, f"{filename[:200]} is larger than {mb}, the largest file this page "
                                 "checks — check it with `kg import --check FILE` or `kg validate FILE`")
        client = request.client.host if request.client else ""
        try:
            # the scratch folder is made and removed here: gone even when the worker is killed at the time limit
            with tempfile.TemporaryDirectory(prefix="kg-check-", dir=self.s.check_tmp) as tmp:
                task = Task(check_upload, (filename, data, str(self.s.shapes_dir), tmp))
                out = await self.kg.pool.run(task, timeout=self.s.check_timeout, client=client)
        except QueryTimeout:
            return self._problem(request, 504, f"the check took longer than {self.s.check_timeout:g} s and was "
                                 "stopped — check a smaller file here, or run `kg import --check FILE` and "
                                 "`kg validate` on your own machine (no time limit there)")
        except PoolBusy as e:
            return self._problem(request, e.status, f"{e}; try again shortly", {"Retry-After": str(e.retry_after)})
        except MemoryExceeded:
            return self._problem(request, 507, "the check needed more memory than the server gives one check — "
                                 "check a smaller file, or run `kg import --check FILE` on your own machine")
        except WorkerDied as e:
            return self._problem(request, e.status, f"the check could not run: {e}",
                                 {"Retry-After": "5"} if e.status == 503 else None)
        if out["status"] != 200:
            return self._problem(request, out["status"], out["error"])
        result = out["result"]
        headers = {"Cache-Control": "no-store", "Vary": "Accept"}
        if self._wants_json(request):
            return Response(result.to_json(), media_type="application/json", headers=headers)
        html = await anyio.to_thread.run_sync(lambda: checkpage.render_report(
            result, current=self._current(request), max_mb=self.s.check_max_upload_mb, timeout=self.s.check_timeout))
        return HTMLResponse(html, headers=headers)
