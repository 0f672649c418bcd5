"""The search index: one SQLite file with an FTS5 table of stems, the documents and their facets.

`build(store, path, release)` writes the file atomically (a temporary file renamed into place);
`SearchIndex(path)` opens it read-only, one connection per thread, and answers `search()` with BM25
ranking (title weighted highest, see documents.FIELDS), facet counts and highlighted snippets.

Matching: every query word must match (AND). A word matches a document word with the same stem,
and — for stems of four letters or more — a word whose stem starts with it, so Norwegian compounds
are found from their first part ("ungdom" finds "ungdomsskole"). Facets are disjunctive: the counts
of one facet are computed with the filters of all *other* facets, so choosing 2024 still shows how
many hits 2025 has.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass, field
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


def _fts_query(terms: list[str]) -> str:
    # Stems are \w+ tokens, so quoting them is enough: no FTS5 syntax can come from the user.
    return " AND ".join(f'"{t}"*' if len(t) >= 4 else f'"{t}"' for t in terms)


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
            CREATE VIRTUAL TABLE fts USING fts5({", ".join(_COLS)}, content='', tokenize='unicode61 remove_diacritics 0');
            CREATE TABLE facet_values(id INTEGER PRIMARY KEY, fid INTEGER, facet TEXT, value TEXT, label TEXT);
            -- integer ids only, clustered by document: counting facets over the hits is a range read per hit
            CREATE TABLE facets(doc INTEGER, fid INTEGER, vid INTEGER, PRIMARY KEY (doc, fid, vid)) WITHOUT ROWID;
        """)
        con.executemany(
            f"INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, {', '.join('?' for _ in _COLS)})",
            ((i, d.iri, d.kind, d.label, d.year, d.sort, *(d.text.get(c, "") for c in _COLS)) for i, d in enumerate(docs, 1)))
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
            "hits": [{"iri": h.iri, "kind": h.kind, "label": h.label, "year": h.year or None, "score": round(h.score, 4),
                      "snippet": "".join(t for t, _ in h.snippet),
                      "highlights": [t for t, hit in h.snippet if hit]} for h in self.hits],
            "facets": {f: [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in vals]
                       for f, vals in self.facets.items()},
        }


def snippet(body: str, terms: list[str], words: int = 28) -> list[tuple[str, bool]]:
    """A window of `body` around the first matched word, split into (text, matched) pieces."""
    if not body:
        return []
    tokens = list(text.WORD.finditer(body))

    def matched(tok: str) -> bool:
        s = text.stem(tok.casefold())
        return any(s == t or (len(t) >= 4 and s.startswith(t)) for t in terms)

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
    """A read-only index file; safe to use from many threads (one connection each)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        if release_of(self.path) is None:
            raise FileNotFoundError(f"{self.path}: not a search index of schema {SCHEMA_VERSION}")
        self._local = threading.local()
        con = self._con()
        self.release = dict(con.execute("SELECT key, value FROM meta"))["release"]
        self.doc_count = con.execute("SELECT COUNT(*) FROM docs").fetchone()[0]
        #: facet value id → (facet, value, label), and (facet, value) → id
        self.values = {vid: (f, v, lab) for vid, f, v, lab in con.execute("SELECT id, facet, value, label FROM facet_values")}
        self.vid = {(f, v): vid for vid, (f, v, _lab) in self.values.items()}

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            con.execute("PRAGMA temp_store=MEMORY")
            con.execute("CREATE TEMP TABLE hits(doc INTEGER PRIMARY KEY, score REAL)")
            self._local.con = con
        return con

    def _filter_sql(self, filters: dict[str, list[str]], skip: str | None = None) -> tuple[str, list]:
        sql, args = [], []
        for f, vals in filters.items():
            if f == skip or not vals:
                continue
            ids = [self.vid.get((f, v), -1) for v in vals]  # an unknown value selects nothing
            sql.append(f"h.doc IN (SELECT doc FROM facets WHERE vid IN ({', '.join('?' for _ in ids)}))")
            args += ids
        return (" AND ".join(sql) or "1"), args

    def scores(self, q: str, limit: int = 100_000) -> dict[str, float]:
        """IRI → relevance (higher is better) of every document matching `q` (for SPARQL)."""
        terms = text.query_terms(q[:MAX_QUERY_CHARS])
        if not terms:
            return {}
        rows = self._con().execute(
            f"SELECT d.iri, -bm25(fts, {', '.join(str(w) for w in FIELDS.values())}) FROM fts JOIN docs d ON d.id = fts.rowid "
            "WHERE fts MATCH ? LIMIT ?", (_fts_query(terms), limit))
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
        terms = text.query_terms(q)
        con = self._con()
        con.execute("DELETE FROM hits")
        if terms:
            con.execute(f"INSERT INTO hits SELECT rowid, bm25(fts, {', '.join(str(w) for w in FIELDS.values())}) "
                        "FROM fts WHERE fts MATCH ?", (_fts_query(terms),))
        elif filters:  # no words, only filters: browse everything the filters select
            con.execute("INSERT INTO hits SELECT id, 0 FROM docs")
        where, args = self._filter_sql(filters)
        total = con.execute(f"SELECT COUNT(*) FROM hits h WHERE {where}", args).fetchone()[0]
        # Ties (equal scores) keep the build order: measures first, newest programme first, by id.
        rows = con.execute(
            "SELECT d.iri, d.kind, d.label, d.year, h.score, d.body, d.title FROM "
            f"(SELECT doc, score FROM hits h WHERE {where} ORDER BY score, doc LIMIT ? OFFSET ?) h "
            "JOIN docs d ON d.id = h.doc ORDER BY h.score, h.doc", [*args, limit, offset]).fetchall()
        hits = [Hit(iri, kind, label, year or "", -score, snippet(body or title, terms)) for iri, kind, label, year, score, body, title in rows]
        counts: dict[str, list[tuple[str, str, int]]] = {f: [] for f in FACETS}
        # One pass for all facets without a filter of their own; one more per filtered facet.
        passes = [(None, [f for f in FACETS if f not in filters])] + [(f, [f]) for f in FACETS if f in filters]
        for skip, names in passes:
            if not names or not total and skip is None and not filters:
                continue
            where_f, args_f = self._filter_sql(filters, skip=skip)
            fid_sql = "" if skip is None and len(names) == len(FACETS) else \
                f"AND x.fid IN ({', '.join(str(list(FACETS).index(n)) for n in names)})"
            for vid, n in con.execute(
                    f"SELECT x.vid, COUNT(*) FROM hits h CROSS JOIN facets x ON x.doc = h.doc "
                    f"WHERE {where_f} {fid_sql} GROUP BY x.vid", args_f):
                f, v, lab = self.values[vid]
                if f in names:
                    counts[f].append((v, lab, n))
        facets = {}
        for f in FACETS:
            chosen = set(filters.get(f, []))
            vals = sorted(counts[f], key=lambda x: (-x[2], x[1]))[:MAX_FACET_VALUES_SHOWN]
            fv = [FacetValue(v, lab, n, v in chosen) for v, lab, n in vals]
            for v in chosen - {x.value for x in fv}:  # a chosen value with no hits stays visible (count 0)
                fv.append(FacetValue(v, self._label(f, v), 0, True))
            if f == "year":
                fv.sort(key=lambda x: x.value, reverse=True)
            facets[f] = fv
        return Result(q, terms, total, hits, facets, filters, limit, offset, (time.perf_counter() - t0) * 1000)

    def _label(self, facet: str, value: str) -> str:
        vid = self.vid.get((facet, value))
        return self.values[vid][2] if vid else value
