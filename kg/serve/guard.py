"""Refuse what a read-only public endpoint must not run: SPARQL Update (incl. LOAD), SERVICE, and
queries nested too deeply for the engine.

The engine is Oxigraph, whose Python API cannot parse a query without running it, and a second
parser (rdflib, used here before) disagrees with it on what is a comment or a string: rdflib ends a
`#` comment only at `\\n` and expands `\\u` escapes everywhere, Oxigraph ends comments at `\\r` too
and reads `\\u` only inside strings and IRIs. So `# x\\rSERVICE <http://127.0.0.1/…>` looked like a
comment to the old guard and was a live SERVICE call to the engine.

This module therefore has no parser of its own to agree or disagree with: it finds every place where
Oxigraph's grammar (spargebra 0.4, the rust-peg grammar in pyoxigraph 0.5) *could* be reading code
rather than a comment, a string or an IRI, and refuses the word SERVICE at any of them. Where the
grammar is ambiguous at the token level (`<` is an IRI or the less-than operator, `'''` a long
string or `''` followed by `'`, `\\` an escape inside a prefixed name or not), both readings are
followed; the set of code positions is computed by a linear reachability walk over the text, so the
check is O(n) and fails closed. The few legitimate queries it refuses (the keyword in a place no
reading can reach is fine; "service" as a prefix name `service:` is not) get a clear 403.

The query workers run this check themselves (never the event loop), and they cannot open network
sockets anyway unless `--service-allow` is set (see sandbox.py): this is the first of two barriers.
"""

from __future__ import annotations

import bisect
import re

from .protocol import ProtocolError

MAX_DEPTH = 64  # brackets { ( [ nested deeper than this: 400 (Oxigraph's parser crashes at ~2500, `[` is cubic)

# --------------------------------------------------------------------------- lexical model

_SPECIAL = re.compile(r"[#'\"<\\]")
_EOL = re.compile(r"[\r\n]")
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_HEX8 = re.compile(r"[0-9A-Fa-f]{8}")
# An IRIREF Oxigraph could accept: any raw char but these (checked against the engine in the tests),
# plus \u/\U escapes. A superset of what the engine accepts is safe: both readings are followed.
_IRI = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>")
_SERVICE = re.compile(r"[sS][eE][rR][vV][iI][cC][eE]")
_ECHAR = frozenset("tbnrf\"'\\")


def _escape_end(q: str, j: int) -> int | None:
    """q[j] == '\\\\' inside a string: the end of a valid ECHAR/UCHAR escape, or None."""
    c = q[j + 1:j + 2]
    if c in _ECHAR and c:
        return j + 2
    if c == "u" and _HEX4.match(q, j + 2):
        return j + 6
    if c == "U" and _HEX8.match(q, j + 2):
        return j + 10
    return None


class TooComplex(Exception):
    """The walk needed more steps than the budget (many overlapping unterminated strings)."""


class _Steps:
    def __init__(self, n: int):
        self.left = n

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise TooComplex


_UNLIMITED = _Steps(1 << 62)


def _short_string_end(q: str, p: int, steps: _Steps = _UNLIMITED) -> int | None:
    c = q[p]
    stop = re.compile("[" + re.escape(c) + r"\\\r\n]")
    j = p + 1
    while True:
        steps.take()
        m = stop.search(q, j)
        if not m:
            return None
        j = m.start()
        ch = q[j]
        if ch == c:
            return j + 1
        if ch != "\\":
            return None  # newline in a short string
        e = _escape_end(q, j)
        if e is None:
            return None
        j = e


def _long_string_end(q: str, p: int, steps: _Steps = _UNLIMITED) -> int | None:
    c = q[p]
    stop = re.compile("[" + re.escape(c) + r"\\]")
    j = p + 3
    while True:
        steps.take()
        m = stop.search(q, j)
        if not m:
            return None
        j = m.start()
        if q[j] == "\\":
            e = _escape_end(q, j)
            if e is None:
                return None
            j = e
            continue
        k = j
        while k < len(q) and q[k] == c:
            k += 1
        if k - j >= 3:
            return j + 3
        if k >= len(q):
            return None
        j = k


_OPERAND_END = re.compile(r"[A-Za-z0-9_)\]:%\-\u00B7-\uFFFF]")
_WS = frozenset(" \t\r\n")


def _ends_operand(q: str, a: int, b: int, before: bool) -> bool:
    """Could the code q[a:b] end with an expression operand (so that a `<` after it may be the
    less-than operator)? `before`: the same question for the code preceding q[a]."""
    k = b
    while k > a and q[k - 1] in _WS:
        k -= 1
    return before if k == a else bool(_OPERAND_END.match(q[k - 1]))


def code_spans(q: str) -> list[tuple[int, int]]:
    """Merged [start, end) spans of `q` that Oxigraph could read as code (not comment/string/IRI)
    under any tokenisation its grammar allows.

    A walk over states (position, "an operand just ended"): the second part decides whether a `<`
    may be the less-than operator (after `?x`, `)`, a literal…) or can only open an IRI (after `=`,
    `(`, `,`, `{`…), so that the text of an IRI is not taken for code without need."""
    specials = [m.start() for m in _SPECIAL.finditer(q)]
    n = len(q)
    steps = _Steps(64 * (len(specials) + 16))  # linear in the text; over it: TooComplex (fail closed)
    v = re.search(r"[vV][eE][rR][sS][iI][oO][nN]", q)
    version = v.start() if v else n
    spans: list[tuple[int, int]] = []
    seen: set[tuple[int, bool]] = set()
    todo: list[tuple[int, bool]] = [(0, False)]
    while todo:
        p, op = todo.pop()
        if (p, op) in seen or p > n:
            continue
        seen.add((p, op))
        i = bisect.bisect_left(specials, p)
        s = specials[i] if i < len(specials) else n
        if s > p:
            spans.append((p, s))
        if s >= n:
            continue
        op = _ends_operand(q, p, s, op)
        ch = q[s]
        if ch == "#":
            m = _EOL.search(q, s)
            todo.append((m.start() if m else n, op))
        elif ch in "'\"":
            e = _long_string_end(q, s, steps) if q.startswith(ch * 3, s) else None
            if e is not None:  # String() tries the long forms first …
                todo.append((e, True))
                if version < s:  # … but VERSION takes short strings only: `''` then `'`
                    todo.append((s + 2, True))
            else:
                e = _short_string_end(q, s, steps)
                todo.append((e, True) if e is not None else (s + 1, op))
        elif ch == "<":
            m = _IRI.match(q, s)
            if m:
                todo.append((m.end(), True))
            # The operator `<` (or `<<`, `<=`) reads the candidate's text as code. When that text holds
            # none of ' # \\ both readings meet again at its `>`, and no SERVICE keyword can be in it
            # (one would need a `{` before that `>`, and `{` cannot be in an IRI): skip that reading.
            if not m or (op and any(c in m.group() for c in "'#\\")):
                todo.append((s + 1, False))
        else:  # "\\": PN_LOCAL_ESC (skips the next char) or a stray char
            todo.append((s + 1, True))
            todo.append((s + 2, True))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _in_spans(spans: list[tuple[int, int]], i: int, length: int) -> bool:
    k = bisect.bisect_right(spans, (i, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= i and i + length <= spans[k][1]


_VARNAME_CH = re.compile(
    "[0-9A-Za-z_\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0300-\u037D\u037F-\u1FFF\u200C-\u200D"
    "\u203F-\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]")
_PN_CH = re.compile(
    "[-0-9A-Za-z_:\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0300-\u037D\u037F-\u1FFF\u200C-\u200D"
    "\u203F-\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]")


_NAME_START = re.compile(  # first char of a VARNAME / PN_LOCAL (no '-', '\u00B7', combining marks)
    "[0-9A-Za-z_\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
    "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]")


def _inside_name(q: str, i: int) -> bool:
    """The word at q[i] continues a variable (`?my_service`) or a prefixed name's local part
    (`ex:service`): the engine's greedy tokens swallow it, it cannot be the keyword."""
    j = i
    while j > 0 and _VARNAME_CH.match(q[j - 1]):
        j -= 1
    if j > 0 and q[j - 1] in "?$" and _NAME_START.match(q[j]):
        return True
    j = i
    while j > 0 and _PN_CH.match(q[j - 1]):
        j -= 1
        if q[j] == ":" and (_NAME_START.match(q[j + 1]) or q[j + 1] == ":"):
            return True
    return False


def service_positions(q: str) -> list[int]:
    """Offsets where the SERVICE keyword could start in some reading of `q` (empty: no SERVICE)."""
    hits = [m.start() for m in _SERVICE.finditer(q)]
    if not hits:
        return []
    spans = code_spans(q)
    return [i for i in hits if _in_spans(spans, i, 7) and not _inside_name(q, i)]


def _unescape_codepoints(q: str) -> str:
    """SPARQL 1.1's optional pre-parse `\\u` expansion (rdflib does it; pyoxigraph 0.5 does not, but a
    build with spargebra's `standard-unicode-escaping` feature would): checked too, to be safe."""
    def rep(m: re.Match) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group(0)
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", rep, q)


# --------------------------------------------------------------------------- SERVICE targets

_WS_OR_COMMENT = re.compile(r"(?:[ \t\r\n]|#[^\r\n]*)*")
_SILENT = re.compile(r"[sS][iI][lL][eE][nN][tT]")
_TARGET = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")


def _target_at(q: str, i: int) -> str | None:
    """The endpoint after the SERVICE keyword at q[i], if it is written as a plain absolute <IRI>."""
    j = _WS_OR_COMMENT.match(q, i + 7).end()
    m = _SILENT.match(q, j)
    if m:
        j = _WS_OR_COMMENT.match(q, m.end()).end()
    m = _TARGET.match(q, j)
    return m.group(1) if m and re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", m.group(1)) else None


def service_refusal(q: str, service_allow: frozenset[str] = frozenset()) -> str | None:
    """Why `q` is refused for SERVICE, or None if it has none (or only allowed ones)."""
    texts = [q]
    if "\\u" in q or "\\U" in q:
        texts.append(_unescape_codepoints(q))
    for text in texts:
        try:
            pos = service_positions(text)
        except TooComplex:
            return ("SERVICE (federated query) is refused on this endpoint, and this query mentions it in a way "
                    "too complex to check (many overlapping unterminated strings).")
        if not pos:
            continue
        if not service_allow:
            return "SERVICE (federated query) is refused on this endpoint."
        for i in pos:
            t = _target_at(text, i)
            if t is None:
                return ("SERVICE (federated query) is refused unless its endpoint is written as a full <IRI> "
                        f"from the allow list ({', '.join(sorted(service_allow))}); prefixed, relative and "
                        "variable endpoints cannot be checked.")
            if t not in service_allow:
                return (f"SERVICE (federated query) to {t} is refused on this endpoint. "
                        f"Allowed: {', '.join(sorted(service_allow))}.")
    return None


# --------------------------------------------------------------------------- depth, updates

_BRACKET = re.compile(r"[{}()\[\]]")


def nesting_depth(q: str) -> int:
    """Deepest bracket nesting ({ ( [) outside comments, strings and IRIs, in the plain reading (IRI
    where one fits, long strings first). Linear: an unterminated long string is not rescanned."""
    depth = best = 0
    p, n = 0, len(q)
    unterminated: set[str] = set()
    while p < n:
        m = _SPECIAL.search(q, p)
        s = m.start() if m else n
        for b in _BRACKET.finditer(q, p, s):
            if b.group() in "{([":
                depth += 1
                best = max(best, depth)
            else:
                depth -= 1
        if s >= n:
            break
        ch = q[s]
        if ch == "#":
            e = _EOL.search(q, s)
            p = e.start() if e else n
        elif ch in "'\"":
            e = None
            if q.startswith(ch * 3, s) and ch not in unterminated:
                e = _long_string_end(q, s)
                if e is None:
                    unterminated.add(ch)
            if e is None:
                e = _short_string_end(q, s)
            p = e if e is not None else s + 1
        elif ch == "<":
            m = _IRI.match(q, s)
            p = m.end() if m else s + 1
        else:
            p = s + 2
    return best


_UPDATE_START = re.compile(
    r"^(?:\s|#[^\r\n]*(?:[\r\n]|$))*(?:(?:BASE\s*<[^>]*>|PREFIX\s*[^\s:]*:\s*<[^>]*>)(?:\s|#[^\r\n]*(?:[\r\n]|$))*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


def update_kind(query: str) -> str | None:
    """The update operation `query` starts with (after its prologue), if any. `Store.query` cannot
    run updates at all; this turns the engine's syntax error into a clear refusal."""
    m = _UPDATE_START.match(query)
    return m.group(1).upper() if m else None


def refusal_for_update(op: str) -> ProtocolError:
    what = "LOAD" if op.startswith("LOAD") else f"SPARQL Update ({op})"
    return ProtocolError(403, f"This endpoint is read-only: {what} is refused.")


def check(query: str, service_allow: frozenset[str] = frozenset(), max_depth: int = MAX_DEPTH) -> None:
    """Raise ProtocolError (403 update/LOAD/SERVICE, 400 too deep) for a query that must not run."""
    op = update_kind(query)
    if op:
        raise refusal_for_update(op)
    why = service_refusal(query, service_allow)
    if why:
        raise ProtocolError(403, why)
    # The depth cannot exceed the number of opening brackets in the whole text: skip the walk then.
    if query.count("{") + query.count("(") + query.count("[") <= max_depth:
        return
    depth = nesting_depth(query)
    if depth > max_depth:
        raise ProtocolError(400, f"query nesting depth {depth} exceeds the limit of {max_depth} "
                                 "(nested { } ( ) [ ] brackets); flatten the query.")
