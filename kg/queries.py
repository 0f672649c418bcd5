"""Ready-made research questions (queries/*.rq): header parsing, parameters, running.

A question file starts with comment lines:
    # title: Measures by focus area and level
    # title@nb: Satsinger per satsingsområde og nivå
    # description: How many measures each focus area has at each level, per programme year.
    # description@nb: Hvor mange satsinger hvert satsingsområde har på hvert nivå, per programår.
    # param: year integer 2025 Programme year
(an untagged title or description is English; `@nb` etc. add other languages)
and then the SPARQL query, where `$year` is the parameter's placeholder. Values are inserted as
properly escaped RDF terms (string literal, integer, gYear or IRI), never as raw text. Type `name`
is a string folded to lower case with normalised spaces, to match `rp:nameKey`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import config

TYPES = ("string", "name", "integer", "year", "iri")


class QueryError(Exception):
    pass


@dataclass
class Param:
    name: str
    type: str
    default: str
    description: str


@dataclass
class Question:
    name: str
    path: Path
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    body: str = ""
    titles: dict[str, str] = field(default_factory=dict)  # language → title ("en" is the untagged one)
    descriptions: dict[str, str] = field(default_factory=dict)

    def render(self, values: dict[str, str] | None = None) -> str:
        values = dict(values or {})
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise QueryError(f"{self.name}: unknown parameter(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(p.name for p in self.params) or 'none'}")
        text = self.body
        for p in sorted(self.params, key=lambda p: -len(p.name)):
            text = re.sub(r"\$" + re.escape(p.name) + r"\b", lambda _m, p=p: term(p, values.get(p.name, p.default)),
                          text)
        return text


def term(p: Param, value: str) -> str:
    if p.type == "integer":
        if not re.fullmatch(r"-?\d+", str(value)):
            raise QueryError(f"parameter {p.name} must be an integer, got {value!r}")
        return str(int(value))
    if p.type == "year":
        if not re.fullmatch(r"\d{4}", str(value)):
            raise QueryError(f"parameter {p.name} must be a four-digit year, got {value!r}")
        return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    if p.type == "iri":
        if re.search(r"[\s<>\"{}|\\^`]", value):
            raise QueryError(f"parameter {p.name} is not a valid IRI: {value!r}")
        return f"<{value}>"
    if p.type == "name":  # matched against rp:nameKey: case- and space-insensitive, an index look-up
        value = " ".join(str(value).split()).casefold()
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def parse(path: Path) -> Question:
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    langs: dict[str, dict[str, str]] = {"title": {}, "description": {}}
    params: list[Param] = []
    for n, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"#\s*(title|description|param)(?:@([a-z]{2,3}(?:-[A-Za-z0-9]+)?))?:\s*(.*)$", line)
        if not m:
            if line.startswith("#"):
                continue
            break
        key, lang, value = m.groups()
        if lang:
            if key == "param":
                raise QueryError(f"{path}:{n}: a param line has no language tag")
            langs[key][lang] = (langs[key].get(lang, "") + " " + value).strip()
            continue
        if key == "param":
            parts = value.split(None, 3)
            if len(parts) < 3 or parts[1] not in TYPES:
                raise QueryError(f"{path}:{n}: expected '# param: NAME TYPE DEFAULT description' with TYPE in {TYPES}")
            params.append(Param(parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
        else:
            meta[key] = (meta.get(key, "") + " " + value).strip()
    if "title" not in meta:
        raise QueryError(f"{path}:1: missing '# title:' header")
    titles = {"en": meta["title"], **langs["title"]}
    descriptions = {"en": meta.get("description", ""),
                    **langs["description"]} if meta.get("description") else langs["description"]
    return Question(path.stem, path, meta["title"], meta.get("description", ""), params, text, titles, descriptions)


def catalogue(folder: Path | None = None) -> dict[str, Question]:
    folder = folder or config.QUERIES
    return {p.stem: parse(p) for p in sorted(folder.glob("*.rq"))}


def get(name: str, folder: Path | None = None) -> Question:
    cat = catalogue(folder)
    if name not in cat:
        raise QueryError(f"no ready-made question {name!r}; available: {', '.join(cat)}")
    return cat[name]


def syntax_error(sparql: str, err: Exception, source: str = "query") -> QueryError:
    """A SPARQL parser error as `source:line:column: SPARQL syntax error`, the line and a caret,
    instead of the parser's list of every token it would have accepted there."""
    m = re.search(r"at (\d+):(\d+)", str(err))
    if not m:
        first = str(err).split(": expected", 1)[0]
        return QueryError(f"{source}: SPARQL syntax error: {first}")
    line, col = int(m.group(1)), int(m.group(2))
    lines = sparql.splitlines() or [""]
    if _at_end(lines, line, col):  # Oxigraph's parser reports how far it got, often the very end:
        line, col = _rdflib_position(sparql) or (line, col)  # rdflib names the clause that fails
    text = lines[min(line, len(lines)) - 1]
    col = max(1, min(col, len(text) + 1))
    expected = str(err).split(": expected", 1)[1].strip() if ": expected" in str(err) else ""
    hint = f" (expected {expected})" if expected and "," not in expected else ""
    return QueryError(f"{source}:{line}:{col}: SPARQL syntax error{hint}\n  {text}\n  {' ' * (col - 1)}^")


def _at_end(lines: list[str], line: int, col: int) -> bool:
    """Is line:col at or after the last non-blank character of the query?"""
    last = max((i for i, text in enumerate(lines, 1) if text.strip()), default=1)
    return line > last or (line == last and col > len(lines[last - 1].rstrip()))


def _rdflib_position(sparql: str) -> tuple[int, int] | None:
    try:
        from rdflib.plugins.sparql import prepareQuery

        prepareQuery(sparql)
    except Exception as e:  # pyparsing.ParseException carries lineno/col
        if isinstance(getattr(e, "lineno", None), int) and isinstance(getattr(e, "col", None), int):
            return e.lineno, e.col
    return None


def run_local(sparql: str, store) -> tuple[list[str], list[list]]:
    """Run a SELECT on a pyoxigraph store from `kg.store.load_store` (its default graph is the union)."""
    res = store.query(sparql)
    if isinstance(res, bool):
        return ["result"], [[res]]
    cols = [v.value for v in res.variables]
    return cols, [[row[c] for c in cols] for row in res]


def run_remote(sparql: str, endpoint: str) -> tuple[list[str], list[list]]:
    """Run a SELECT against any SPARQL endpoint (SPARQLWrapper); values come back as plain dicts."""
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(sparql)
    client.setReturnFormat(JSON)
    client.setMethod("POST")
    data = client.queryAndConvert()
    if "boolean" in data:
        return ["result"], [[data["boolean"]]]
    cols = data["head"]["vars"]
    return cols, [[b.get(c) for c in cols] for b in data["results"]["bindings"]]


def plain(value) -> str:
    """A cell as text: local pyoxigraph terms and remote JSON bindings alike."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return value.get("value", "")
    if isinstance(value, bool):
        return "true" if value else "false"
    return getattr(value, "value", str(value))


class QueryFailed(Exception):
    """The question is fine but running it failed (endpoint down, query refused): exit 1, not a usage error."""


def prepare(name: str, params: list[str]) -> tuple[Question, str]:
    """The question ``name`` and its SPARQL with ``params`` ("key=value" strings) filled in."""
    q = get(name)
    values = {}
    for item in params:
        if "=" not in item:
            raise QueryError(f"--param {item!r}: expected key=value")
        k, v = item.split("=", 1)
        values[k.strip()] = v
    return q, q.render(values)


def answer(q: Question, sparql: str, endpoint: str | None = None) -> tuple[list[str], list[list[str]]]:
    """``kg query`` as a function: run the prepared question on ``endpoint`` or the local build; the
    columns and the rows as plain strings. Raises QueryError (the question, the build) or QueryFailed."""
    try:
        if endpoint:
            cols, rows = run_remote(sparql, endpoint)
        else:
            from .io import show
            from .store import load_store

            store = load_store()
            try:
                cols, rows = run_local(sparql, store)
            except SyntaxError as e:  # the question's file: line, column and a caret
                raise syntax_error(sparql, e, show(q.path)) from None
    except (QueryError, FileNotFoundError):
        raise
    except Exception as e:  # endpoint down, query refused …
        text = str(e).strip()
        if len(text) > 400:  # e.g. an endpoint echoing the whole query and a parser trace
            text = text[:400] + " …"
        raise QueryFailed(f"query failed: {text}") from None
    return cols, [[plain(v) for v in row] for row in rows]
