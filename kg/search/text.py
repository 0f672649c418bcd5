"""Tokenising and Norwegian stemming, shared by indexing and querying (so both see the same terms).

Snowball's Norwegian stemmer keeps the doubled consonant Norwegian writes before an ending
("ungdom" → ungdom, but "ungdommer"/"ungdommens" → ungdomm); a final doubled consonant of the stem
is therefore reduced to one, which conflates the two (and e.g. "program"/"programmer").
"""

from __future__ import annotations

import re
import threading

import Stemmer

WORD = re.compile(r"\w+", re.UNICODE)
_local = threading.local()  # PyStemmer objects must not be shared between threads


def _stemmer() -> "Stemmer.Stemmer":
    s = getattr(_local, "stemmer", None)
    if s is None:
        s = _local.stemmer = Stemmer.Stemmer("norwegian")
    return s


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters, digits, underscore; Æ Ø Å kept as letters)."""
    return WORD.findall(text.casefold())


def stem(word: str) -> str:
    s = _stemmer().stemWord(word)
    if len(s) > 3 and s[-1] == s[-2] and s[-1].isalpha() and s[-1] not in "aeiouyæøå":
        s = s[:-1]
    return s


def analyse(text: str) -> str:
    """Text as space-separated stems: what FTS5 indexes."""
    return " ".join(stem(w) for w in words(text))


#: Norwegian function words left out of a query (unless it has nothing else): "satt i gang" must not
#: require and highlight every "i". Documents keep them, so nothing becomes unfindable.
STOPWORDS = frozenset("""og i på til av for med som er det en et den de at å om fra ved har skal kan vil
    ikke eller men så seg sin sine sitt vi oss der her når etter mot over under inn ut opp mellom også alle""".split())


def query_terms(q: str) -> list[str]:
    """Distinct stems of a user query, in order (at most 16: a query is a few words, not a document)."""
    ws = words(q)
    content = [w for w in ws if w not in STOPWORDS] or ws
    out: list[str] = []
    for w in content:
        s = stem(w)
        if s not in out:
            out.append(s)
    return out[:16]


def parse(q: str) -> tuple[list[str], list[list[str]]]:
    """A query's loose terms (as query_terms) and its "quoted phrases" (every word's stem, stop words
    included, in order). An unmatched quote is ignored."""
    parts = q.split('"')
    if len(parts) % 2 == 0:  # odd number of quotes: the last one has no partner
        parts = parts[:-2] + [parts[-2] + " " + parts[-1]]
    loose = " ".join(parts[0::2])
    phrases = [[stem(w) for w in words(p)] for p in parts[1::2]]
    phrases = [p for p in phrases if p][:8]
    return (query_terms(loose) if loose.strip() else []), phrases
