"""Push a release into an existing SPARQL 1.1 store, replacing each named graph idempotently.

Per named graph: upload into a temporary graph (Graph Store Protocol PUT of the whole graph, or
SPARQL Update `INSERT DATA` in chunks where no GSP endpoint is given — a chunk never splits the
triples of a blank node, which would make two nodes of one), check its triple count, then
`MOVE <tmp> TO <graph>` (one SPARQL Update operation: the target graph is never half-loaded), and
check the target's count. Pushing the same release again leaves the same store. On failure the
report names the graphs already replaced and the ones not, drops the temporary graph, and says how to
recover (re-run the push: every step is idempotent).

Every request has a connect and a read timeout (default 10 s / 120 s); connection failures and
408/429/5xx answers are retried a bounded number of times, a store that accepts the connection but
does not answer within the read timeout is not (waiting again would only multiply the wait). Every
answer is checked before use: a non-JSON or unexpected JSON answer is a PushError naming the endpoint.

Credentials come from options or KG_STORE_USER / KG_STORE_PASSWORD and are never printed.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

FLAVOURS = ("virtuoso", "oxigraph", "fuseki", "generic")


class PushError(Exception):
    """The push failed; the message says what was done and how to recover (never a secret)."""


@dataclass
class Target:
    query_url: str
    update_url: str
    gsp_url: str | None = None
    graph_param: str = "graph"
    user: str | None = None
    password: str | None = None
    digest: bool = False
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    retries: int = 2
    backoff: float = 0.5
    chunk_triples: int = 5000   # INSERT DATA chunk size without GSP (blank-node components kept whole)

    def __post_init__(self):
        for name in ("connect_timeout", "read_timeout"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and 0 < v <= 3600):
                raise PushError(f"--{name.replace('_', '-')} must be between 0 and 3600 seconds, not {v!r}")
        if not (isinstance(self.retries, int) and 0 <= self.retries <= 10):
            raise PushError(f"--retries must be between 0 and 10, not {self.retries!r}")

    @classmethod
    def for_store(cls, url: str | None, flavour: str = "generic", *, gsp_url=None, update_url=None,
                  query_url=None, user=None, password=None, **kw) -> "Target":
        """Endpoint URLs derived from one base URL per store flavour; explicit URLs win."""
        if "timeout" in kw:  # the former single timeout (bench/bench_publish.py) bounds the answer
            kw.setdefault("read_timeout", kw.pop("timeout"))
        if flavour not in FLAVOURS:
            raise PushError(f"unknown store flavour {flavour!r} (known: {', '.join(FLAVOURS)})")
        u = (url or "").rstrip("/")
        derived = {
            "virtuoso": (f"{u}/sparql", f"{u}/sparql-auth", f"{u}/sparql-graph-crud-auth"),
            "oxigraph": (f"{u}/query", f"{u}/update", f"{u}/store"),
            "fuseki": (f"{u}/query", f"{u}/update", f"{u}/data"),
            "generic": (u or None, u or None, None),
        }[flavour] if u else (None, None, None)
        q, up, gsp = query_url or derived[0], update_url or derived[1], gsp_url or derived[2]
        if not q or not up:
            raise PushError("no store URL: give --to URL (with --store) or --query-url and --update-url")
        user = user if user is not None else os.environ.get("KG_STORE_USER")
        password = password if password is not None else os.environ.get("KG_STORE_PASSWORD")
        return cls(query_url=q, update_url=up, gsp_url=gsp, user=user, password=password,
                   graph_param="graph-uri" if flavour == "virtuoso" else "graph",
                   digest=flavour == "virtuoso", **kw)


def _safe_url(url: str) -> str:
    p = urlsplit(url)
    netloc = p.hostname or ""
    if p.port:
        netloc += f":{p.port}"
    return urlunsplit((p.scheme, netloc, p.path, "", ""))


@dataclass
class Client:
    target: Target
    log: object = print
    _http: httpx.Client = field(init=False, repr=False)

    def __post_init__(self):
        t = self.target
        auth = None
        if t.user is not None:
            auth = httpx.DigestAuth(t.user, t.password or "") if t.digest else httpx.BasicAuth(t.user, t.password or "")
        timeout = httpx.Timeout(connect=t.connect_timeout, read=t.read_timeout, write=t.read_timeout,
                                pool=t.connect_timeout)
        self._http = httpx.Client(auth=auth, timeout=timeout)

    def close(self):
        self._http.close()

    def _mask(self, text: str) -> str:
        pw = self.target.password
        return text.replace(pw, "****") if pw else text

    def request(self, method: str, url: str, **kw) -> httpx.Response:
        t = self.target
        last = None
        for attempt in range(t.retries + 1):
            try:
                r = self._http.request(method, url, **kw)
            except (httpx.ReadTimeout, httpx.WriteTimeout):
                raise PushError(f"{method} {_safe_url(url)}: no answer within {t.read_timeout:g} s "
                                "(--read-timeout); the store accepted the connection but did not respond") from None
            except httpx.TransportError as e:
                last = f"cannot reach {_safe_url(url)}: {type(e).__name__}: {self._mask(str(e)) or 'connection failed'}"
            except httpx.HTTPError as e:  # e.g. an invalid URL or a malformed answer
                raise PushError(f"{method} {_safe_url(url)}: {type(e).__name__}: {self._mask(str(e))}") from None
            else:
                if r.status_code < 400:
                    return r
                body = self._mask(r.text[:300].strip().replace("\n", " "))
                last = f"{method} {_safe_url(url)} → HTTP {r.status_code}: {body}"
                if r.status_code in (401, 403):
                    raise PushError(last + " (refused: check --user/--password or KG_STORE_USER/KG_STORE_PASSWORD "
                                           "and the account's update rights)")
                if r.status_code not in (408, 429, 500, 502, 503, 504):
                    raise PushError(last)
            if attempt < t.retries:
                time.sleep(t.backoff * 2 ** attempt)
        raise PushError(f"{last} (after {t.retries + 1} attempts)")

    def update(self, sparql: str) -> None:
        self.request("POST", self.target.update_url, data={"update": sparql})

    def select(self, sparql: str) -> list[dict]:
        url = _safe_url(self.target.query_url)
        r = self.request("POST", self.target.query_url, data={"query": sparql},
                         headers={"Accept": "application/sparql-results+json"})
        try:
            data = r.json()
        except ValueError:
            kind = r.headers.get("content-type", "no content type")
            start = self._mask(r.text[:80].strip().replace("\n", " "))
            raise PushError(f"{url}: the answer is not JSON ({kind}: {start!r}); is this a SPARQL query "
                            "endpoint? (check --to/--store or --query-url)") from None
        rows = data.get("results", {}).get("bindings") if isinstance(data, dict) and \
            isinstance(data.get("results"), dict) else None
        if not isinstance(rows, list) or not all(isinstance(b, dict) for b in rows):
            raise PushError(f"{url}: the answer is JSON but not SPARQL JSON results (no results.bindings list); "
                            "is this a SPARQL query endpoint? (check --to/--store or --query-url)")
        return rows

    def count(self, graph: str) -> int:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        if not rows:
            return 0
        cell = rows[0].get("n")
        value = cell.get("value") if isinstance(cell, dict) else None
        try:
            n = int(str(value))
        except ValueError:
            n = -1
        if n < 0:
            raise PushError(f"{_safe_url(self.target.query_url)}: COUNT answered {value!r}, not a count "
                            "(unexpected SPARQL JSON results)")
        return n

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        t = self.target
        if t.gsp_url:
            self.request("PUT", t.gsp_url, params={t.graph_param: graph}, content=ntriples,
                         headers={"Content-Type": "text/turtle; charset=utf-8"})
            return
        self.update(f"DROP SILENT GRAPH <{graph}>")
        lines = ntriples.decode("utf-8").splitlines()
        for chunk in bnode_safe_chunks(lines, t.chunk_triples):
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n" + "\n".join(chunk) + "\n} }")


_BNODE = re.compile(r"(?<![\w\"])_:([A-Za-z0-9_\-.]+)")


def bnode_safe_chunks(lines: list[str], size: int) -> list[list[str]]:
    """N-Triples lines in chunks of about `size`, never splitting the triples that share a blank node.

    A blank-node label is scoped to one INSERT DATA request: the triples of one node sent in two
    requests would make two nodes. Triples are grouped into connected components over their blank
    nodes (union-find); a component always goes whole into one chunk (so a chunk may exceed `size`)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    labels = []
    for line in lines:
        # labels only in subject/object position: strip literals and IRIs first ("_:x" in them is text)
        found = _BNODE.findall(_IRI.sub("<>", _LITERAL.sub('""', line)))
        labels.append(found)
        for other in found[1:]:
            ra, rb = find(found[0]), find(other)
            if ra != rb:
                parent[rb] = ra
    groups: dict[str, list[str]] = {}
    plain: list[list[str]] = []
    for line, found in zip(lines, labels):
        if found:
            groups.setdefault(find(found[0]), []).append(line)
        else:
            plain.append([line])
    chunks: list[list[str]] = []
    current: list[str] = []
    for group in list(groups.values()) + plain:
        if current and len(current) + len(group) > size:
            chunks.append(current)
            current = []
        current.extend(group)
    if current:
        chunks.append(current)
    return chunks


_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')
_IRI = re.compile(r"<[^>]*>")


def release_graphs(release: Path) -> dict[str, list[ox.Triple]]:
    """The named graphs of a release (from dataset.nq), as lists of distinct triples."""
    path = Path(release) / "dataset.nq"
    if not path.exists():
        raise PushError(f"{path}: not found — is {release} a release directory (kg publish)?")
    graphs: dict[str, set] = defaultdict(set)
    try:
        for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            if isinstance(q.graph_name, ox.NamedNode):
                graphs[q.graph_name.value].add(ox.Triple(q.subject, q.predicate, q.object))
    except SyntaxError as e:
        raise PushError(f"{path}: {e}") from None
    return {g: sorted(ts, key=str) for g, ts in sorted(graphs.items())}


@dataclass
class PushResult:
    replaced: dict[str, int]     # graph → triples now in the store
    seconds: float


def push(release: Path, target: Target, log=print) -> PushResult:
    graphs = release_graphs(release)
    client = Client(target, log)
    token = uuid.uuid4().hex[:12]
    replaced: dict[str, int] = {}
    t0 = time.perf_counter()
    try:
        client.count("urn:kg:push:probe")  # fail early and clearly if the store is down
        for n, (graph, triples) in enumerate(graphs.items(), 1):
            tmp = f"urn:kg:push:{token}:{n}"
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            try:
                client.put_graph(tmp, body)
                got = client.count(tmp)
                if got != len(triples):
                    raise PushError(f"temporary graph <{tmp}> holds {got} triples, expected {len(triples)}")
                client.update(f"MOVE SILENT <{tmp}> TO <{graph}>")
                final = client.count(graph)
                if final != len(triples):
                    raise PushError(f"<{graph}> holds {final} triples after MOVE, expected {len(triples)}")
            except PushError:
                try:
                    client.update(f"DROP SILENT GRAPH <{tmp}>")
                except PushError:
                    pass
                raise
            replaced[graph] = final
            log(f"replaced <{graph}>: {final} triples")
    except PushError as e:
        done = ", ".join(f"<{g}>" for g in replaced) or "none"
        todo = ", ".join(f"<{g}>" for g in graphs if g not in replaced)
        raise PushError(f"{e}\nGraphs replaced with this release: {done}.\nGraphs NOT replaced (still as before): "
                        f"{todo}.\nRecover by running the same push again (each step is idempotent).") from None
    finally:
        client.close()
    return PushResult(replaced, time.perf_counter() - t0)
