"""The search index: one SQLite file with an FTS5 table of stems, the documents and their facets.

`build(store, path, release)` writes the file atomically (a temporary file renamed into place);
`SearchIndex(path)` opens it read-only, one connection per thread, and answers `search()` with BM25
ranking (title weighted highest, see documents.FIELDS), facet counts and highlighted snippets.

Matching: every query word must match (AND); "quoted words" must occur as a phrase. A word matches a
document word with the same stem, and — for stems of four letters or more — a word whose stem starts
with it, so Norwegian compounds are found from their first part ("ungdom" finds "ungdomsskole").
Facets are disjunctive: the counts
of one facet are computed with the filters of all *other* facets, so choosing 2024 still shows how
many hits 2025 has.
"""

from __future__ import annotations

import heapq
import os
import sqlite3
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

import pyoxigraph as ox

from . import text
from .documents import FACETS, FIELDS, Doc, collect

SCHEMA_VERSION = "2"
MAX_QUERY_CHARS = 500
MAX_VALUES_PER_FACET = 20
MAX_FACET_VALUES_SHOWN = 40
_COLS = list(FIELDS)


class SearchError(ValueError):
    """A bad search request (the message says what); the HTTP layer answers 400."""


def _fts_query(terms: list[str], phrases: list[list[str]] = ()) -> str:
    # Stems are \w+ tokens, so quoting them is enough: no FTS5 syntax can come from the user.
    parts = [f'"{t}"*' if len(t) >= 4 else f'"{t}"' for t in terms]
    parts += ['"' + " ".join(p) + '"' for p in phrases]  # an FTS5 phrase: the stems next to each other
    return " AND ".join(parts)


def build(store: ox.Store, path: Path, release: str = "", docs: list[Doc] | None = None) -> dict:
    """Index the store's documents into `path` (atomically). Returns {'docs', 'seconds', 'bytes'}."""
    t0 = time.perf_counter()
    docs = collect(store) if docs is None else docs
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".search-", suffix=".sqlite", dir=path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.executescript(f"""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE docs(id INTEGER PRIMARY KEY, iri TEXT UNIQUE, kind TEXT, label TEXT, year TEXT, sort TEXT,
                              {", ".join(c + " TEXT" for c in _COLS)});
            CREATE VIRTUAL TABLE fts USING fts5({", ".join(_COLS)}, content='',
                                                tokenize='unicode61 remove_diacritics 0');
            CREATE TABLE facet_values(id INTEGER PRIMARY KEY, fid INTEGER, facet TEXT, value TEXT, label TEXT);
            -- integer ids only, clustered by document: counting facets over the hits is a range read per hit
            CREATE TABLE facets(doc INTEGER, fid INTEGER, vid INTEGER, PRIMARY KEY (doc, fid, vid)) WITHOUT ROWID;
        """)
        con.executemany(
            f"INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, {', '.join('?' for _ in _COLS)})",
            ((i, d.iri, d.kind, d.label, d.year, d.sort, *(d.text.get(c, "") for c in _COLS))
             for i, d in enumerate(docs, 1)))
        con.executemany(
            f"INSERT INTO fts(rowid, {', '.join(_COLS)}) VALUES (?, {', '.join('?' for _ in _COLS)})",
            ((i, *(text.analyse(d.text.get(c, "")) for c in _COLS)) for i, d in enumerate(docs, 1)))
        fids = {f: n for n, f in enumerate(FACETS)}
        vids: dict[tuple[str, str], int] = {}
        rows = set()
        for i, d in enumerate(docs, 1):
            for f, v, lab in d.facets:
                vid = vids.get((f, v))
                if vid is None:
                    vid = vids[(f, v)] = len(vids) + 1
                    con.execute("INSERT INTO facet_values VALUES (?, ?, ?, ?, ?)", (vid, fids[f], f, v, lab))
                rows.add((i, fids[f], vid))
        con.executemany("INSERT INTO facets VALUES (?, ?, ?)", sorted(rows))
        con.executescript("""
            CREATE INDEX facets_vid ON facets(vid, doc);
            INSERT INTO fts(fts) VALUES ('optimize');
        """)
        con.executemany("INSERT INTO meta VALUES (?, ?)", [("schema", SCHEMA_VERSION), ("release", release),
                                                            ("docs", str(len(docs)))])
        con.commit()
        con.execute("VACUUM")
        con.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return {"docs": len(docs), "seconds": time.perf_counter() - t0, "bytes": path.stat().st_size}


def release_of(path: Path) -> str | None:
    """The release an index file was built for (None if it is missing, unreadable or of another schema)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            meta = dict(con.execute("SELECT key, value FROM meta"))
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return meta.get("release") if meta.get("schema") == SCHEMA_VERSION else None


def ensure(store: ox.Store, path: Path, release: str) -> Path:
    """The index for this release at `path`, built now if it is missing or was built for other data."""
    if release_of(path) != release or release == "unknown":
        build(store, path, release)
    return path


# --------------------------------------------------------------------------- searching


@dataclass
class Hit:
    iri: str
    kind: str
    label: str
    year: str
    score: float
    snippet: list[tuple[str, bool]]  # (text, is a matched word)
    title: list[tuple[str, bool]] = field(default_factory=list)  # the label, with matched words marked


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Result:
    query: str
    terms: list[str]
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    filters: dict[str, list[str]] = field(default_factory=dict)
    limit: int = 20
    offset: int = 0
    millis: float = 0.0

    def as_json(self) -> dict:
        return {
            "query": self.query, "terms": self.terms, "total": self.total, "limit": self.limit, "offset": self.offset,
            "filters": self.filters,
            "hits": [{"iri": h.iri, "kind": h.kind, "label": h.label, "year": h.year or None,
                      "score": round(h.score, 4),
                      "snippet": "".join(t for t, _ in h.snippet),
                      "highlights": [t for t, hit in h.snippet if hit]} for h in self.hits],
            "facets": {f: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in vals]
                       for f, vals in self.facets.items()},
        }


#: Where a hit's snippet comes from, in order of preference, with the prefix that says so.
SNIPPET_FIELDS = (("body", ""), ("actors", "Aktører: "), ("refs", "Dokumenter: "), ("status", "Status: "))


def _matches(tok: str, terms: list[str]) -> bool:
    s = text.stem(tok.casefold())
    return any(s == t or (len(t) >= 4 and s.startswith(t)) for t in terms)


def best_snippet(fields: dict[str, str], terms: list[str]) -> list[tuple[str, bool]]:
    """The snippet of the first field (description, actors, documents, status) with a matched word;
    the description when only the title matched (the title is shown marked anyway)."""
    for name, prefix in SNIPPET_FIELDS:
        value = fields.get(name) or ""
        if terms and any(_matches(m.group(), terms) for m in text.WORD.finditer(value)):
            return ([(prefix, False)] if prefix else []) + snippet(value, terms)
    return snippet(fields.get("body") or "", terms)


def snippet(body: str, terms: list[str], words: int = 28) -> list[tuple[str, bool]]:
    """A window of `body` around the first matched word, split into (text, matched) pieces."""
    if not body:
        return []
    tokens = list(text.WORD.finditer(body))

    def matched(tok: str) -> bool:
        return _matches(tok, terms)

    first = next((i for i, m in enumerate(tokens) if matched(m.group())), 0)
    lo = max(0, first - words // 3)
    hi = min(len(tokens), lo + words)
    if not tokens:
        return [(body[:200], False)]
    start = tokens[lo].start()
    end = tokens[hi - 1].end() if hi > 0 else len(body)
    out: list[tuple[str, bool]] = [("… ", False)] if lo > 0 else []
    pos = start
    for m in tokens[lo:hi]:
        if matched(m.group()):
            if m.start() > pos:
                out.append((body[pos:m.start()], False))
            out.append((m.group(), True))
            pos = m.end()
    out.append((body[pos:end], False))
    if hi < len(tokens):
        out.append((" …", False))
    return [(t, h) for t, h in out if t]


class SearchIndex:
    """A read-only index file; safe to use from many threads (one connection each).

    SQLite answers the text match and BM25 scores; filtering and facet counting run on the facet
    table held in memory (integer ids: a few MB at 1M triples), which is several times faster than
    joining the facet rows in SQL for large hit sets."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if release_of(self.path) is None:
            raise FileNotFoundError(f"{self.path}: not a search index of schema {SCHEMA_VERSION}")
        self._local = threading.local()
        con = self._con()
        self.release = dict(con.execute("SELECT key, value FROM meta"))["release"]
        self.doc_count = con.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        #: facet value id → (facet, value, label), and (facet, value) → id
        rows = con.execute("SELECT id, facet, value, label FROM facet_values")
        self.values = {vid: (f, v, lab) for vid, f, v, lab in rows}
        self.vid = {(f, v): vid for vid, (f, v, _lab) in self.values.items()}
        self._facets_loaded = False
        self._lock = threading.Lock()

    def _load_facets(self) -> None:
        """doc → its value ids, value id → its docs (loaded on first search, not for SPARQL scores)."""
        with self._lock:
            if self._facets_loaded:
                return
            doc_vids: list[list[int]] = [[] for _ in range(self.doc_count + 1)]
            vid_docs: dict[int, set[int]] = {}
            for doc, vid in self._con().execute("SELECT doc, vid FROM facets"):
                doc_vids[doc].append(vid)
                vid_docs.setdefault(vid, set()).add(doc)
            self.doc_vids = [tuple(v) for v in doc_vids]
            self.vid_docs = {k: frozenset(v) for k, v in vid_docs.items()}
            self.vid_facet = {vid: f for vid, (f, _v, _l) in self.values.items()}
            self._facets_loaded = True

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def _allowed(self, filters: dict[str, list[str]], skip: str | None = None) -> set[int] | None:
        """Docs passing every filter except `skip`'s (OR within a facet, AND across); None = no filter."""
        out: set[int] | None = None
        for f, vals in filters.items():
            if f == skip:
                continue
            docs: set[int] = set()
            for v in vals:
                docs |= self.vid_docs.get(self.vid.get((f, v), -1), frozenset())
            out = docs if out is None else out & docs
        return out

    def scores(self, q: str, limit: int = 100_000) -> dict[str, float]:
        """IRI → relevance (higher is better) of every document matching `q` (for SPARQL)."""
        terms, phrases = text.parse(q[:MAX_QUERY_CHARS])
        if not terms and not phrases:
            return {}
        rows = self._con().execute(
            f"SELECT d.iri, -bm25(fts, {', '.join(str(w) for w in FIELDS.values())}) "
            "FROM fts JOIN docs d ON d.id = fts.rowid "
            "WHERE fts MATCH ? LIMIT ?", (_fts_query(terms, phrases), limit))
        return dict(rows)

    def search(self, q: str, filters: dict[str, list[str]] | None = None, limit: int = 20, offset: int = 0) -> Result:
        t0 = time.perf_counter()
        if len(q) > MAX_QUERY_CHARS:
            raise SearchError(f"the search text is longer than {MAX_QUERY_CHARS} characters")
        filters = {f: list(dict.fromkeys(v)) for f, v in (filters or {}).items() if v}
        for f, vals in filters.items():
            if f not in FACETS:
                raise SearchError(f"unknown facet '{f}'; known: {', '.join(FACETS)}")
            if len(vals) > MAX_VALUES_PER_FACET:
                raise SearchError(f"at most {MAX_VALUES_PER_FACET} values per facet")
        if not (1 <= limit <= 200) or not (0 <= offset <= 10_000):
            raise SearchError("limit must be 1–200 and offset 0–10000")
        self._load_facets()
        terms, phrases = text.parse(q)
        con = self._con()
        if terms or phrases:
            # bm25() is negative: smaller is better. Ties keep the build order (measures first, newest first).
            scored = dict(con.execute(f"SELECT rowid, bm25(fts, {', '.join(str(w) for w in FIELDS.values())}) "
                                      "FROM fts WHERE fts MATCH ?", (_fts_query(terms, phrases),)))
        elif filters:  # no words, only filters: browse what the filters select
            scored = dict.fromkeys(self._allowed(filters) or (), 0.0)
        else:
            scored = {}
        allowed = self._allowed(filters)
        matching = list(scored) if allowed is None else [d for d in scored if d in allowed]
        total = len(matching)
        top = heapq.nsmallest(offset + limit, matching, key=lambda d: (scored[d], d))[offset:]
        rows = {}
        if top:
            rows = {r[0]: r[1:] for r in con.execute(
                f"SELECT id, iri, kind, label, year, body, title, actors, refs, status FROM docs "
                f"WHERE id IN ({', '.join('?' for _ in top)})", top)}
        marked = terms + [w for p in phrases for w in p if w not in terms and w not in text.STOPWORDS]
        hits = []
        for d in top:
            iri, kind, label, year, body, title, actors, refs, status = rows[d]
            fields = {"body": body, "actors": actors, "refs": refs, "status": status}
            hits.append(Hit(iri, kind, label, year or "", -scored[d], best_snippet(fields, marked),
                            snippet(label, marked, words=10_000) if marked else [(label, False)]))
        counts: dict[str, Counter] = {f: Counter() for f in FACETS}
        # One pass for every facet without a filter of its own; one more per filtered facet (disjunctive).
        passes: list[tuple[str | None, list[int]]] = [(None, matching)]
        for f in filters:
            others = self._allowed(filters, skip=f)
            passes.append((f, list(scored) if others is None else [d for d in scored if d in others]))
        for skip, docs in passes:
            c = Counter(chain.from_iterable(map(self.doc_vids.__getitem__, docs)))
            for vid, n in c.items():
                f = self.vid_facet[vid]
                if (skip is None and f not in filters) or f == skip:
                    counts[f][vid] = n
        facets = {}
        for f in FACETS:
            chosen = set(filters.get(f, []))
            best = heapq.nsmallest(MAX_FACET_VALUES_SHOWN, counts[f].items(),
                                   key=lambda vn: (-vn[1], self.values[vn[0]][2]))
            vals = [(self.values[vid][1], self.values[vid][2], n) for vid, n in best]
            fv = [FacetValue(v, lab, n, v in chosen) for v, lab, n in vals]
            for v in chosen - {x.value for x in fv}:  # a chosen value with no hits stays visible (count 0)
                fv.append(FacetValue(v, self._label(f, v), 0, True))
            if f == "year":
                fv.sort(key=lambda x: x.value, reverse=True)
            facets[f] = fv
        return Result(q, marked if (terms or phrases) else [], total, hits, facets, filters, limit, offset,
                      (time.perf_counter() - t0) * 1000)

    def _label(self, facet: str, value: str) -> str:
        vid = self.vid.get((facet, value))
        return self.values[vid][2] if vid else value
