"""Text toolkit shared by the extractors: line joining and dehyphenation, comparison keys, similarity,
slugs, one-letter edits, Norwegian month names and page footers. One definition of each, so the
extractors cannot drift apart (they did: four dehyphenators with different exception lists).
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

#: Words after a line-final hyphen that mark a suspended compound, not a hyphenated word:
#: "Hadeland- og Kongsvinger-regionene", "universitets- eller høgskolesektoren", "Campus- til …".
SUSPENDED = frozenset({"og", "eller", "til", "samt"})
_SUSPENDED_ALT = "|".join(sorted(SUSPENDED))

#: month names in order, Norwegian (bokmål, lower case) and English
MONTH_NAMES_NB = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
                  "november", "desember")
MONTH_NAMES_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December")
#: Norwegian month names → month number.
MONTHS = {m: i for i, m in enumerate(MONTH_NAMES_NB, 1)}

#: Page footers of the PDF text ("12 – Handlingsprogram 2025", "Handlingsprogram 2025 – 7", "3| Handlingsprogram 2025").
PAGE_FOOTER_RE = re.compile(
    r"^\s*(?:\d+\s*[–|-]\s*Handlingsprogram \d{4}|Handlingsprogram \d{4}\s*[–-]\s*\d+|\d+\|\s*Handlingsprogram "
    r"\d{4})\s*$")


def joins_hyphen(left: str, right: str) -> bool:
    """Is ``left`` (ending in "-") + ``right`` one word broken at the line end? Yes before a lower-case
    word that is not a suspended-compound conjunction."""
    return (left.endswith("-") and not left.endswith(" -") and right[:1].islower()
            and right.split()[0] not in SUSPENDED)


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines: a line-final hyphen before a lower-case word is a hyphenation
    ("samfunn-" + "stryggleik" → "samfunnstryggleik"), except before a word of ``SUSPENDED``.
    Whitespace is collapsed."""
    out = ""
    for raw in parts:
        part = raw.strip()
        if not part:
            continue
        if not out:
            out = part
        elif joins_hyphen(out, part):
            out = out[:-1] + part
        else:
            out = out + " " + part
    return re.sub(r"\s+", " ", out).strip()


def dehyphenate(text: str, lower_only: bool = False) -> str:
    """Join words broken across lines inside already-joined text ("Jernbanedirek- toratet"), keeping
    suspended compounds ("universitets- og høgskolesektoren"). ``lower_only``: join only before a
    lower-case letter (table cells, where "Campus- Hamar" is two cells)."""
    nxt = r"([a-zæøå])" if lower_only else r"(\w)"
    return re.sub(rf"(\w)- (?!(?:{_SUSPENDED_ALT})\b){nxt}", r"\1\2", text)


def fold(text: str) -> str:
    """Comparison key: lower case, letters/digits only, 'ø' dropped (as the garbled 2025 copy drops it)."""
    text = unicodedata.normalize("NFC", text.lower()).replace("ø", "")
    return re.sub(r"[^0-9a-zæåäöèé]", "", text)


def similarity(a: str, b: str) -> float:
    """Title similarity in [0, 1] on folded text; containment of one in the other counts as 0.95."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return 0.0
    if fa in fb or fb in fa:
        return max(0.95, SequenceMatcher(None, fa, fb).ratio())
    return SequenceMatcher(None, fa, fb).ratio()


def slug(text: str) -> str:
    """Lower-case ASCII slug: æ→ae, ø→o, å→a, other accents dropped (é→e), other runs of non-alphanumerics
    → '-' ('Hamarregionen' → 'hamarregionen', 'NOU 2024: 8' → 'nou-2024-8'). Record keys and IRIs use it."""
    text = text.lower()
    for a, b in (("æ", "ae"), ("ø", "o"), ("å", "a")):
        text = text.replace(a, b)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def one_edit(a: str, b: str) -> int | None:
    """Position of the single substitution, insertion or deletion turning ``a`` into ``b``, else None
    (also None when a == b)."""
    if a == b:
        return None
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
        return diff[0] if len(diff) == 1 else None
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(long_) - len(short) != 1:
        return None
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1:] == short:
            return i
    return None
