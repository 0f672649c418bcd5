"""Parse Norwegian money expressions into whole NOK.

Handles the forms found in the programmes: "2.0 mill. kr", "5 mill. kr", "1 million kroner",
"1,78 mill. kroner", "34 millioner", "kr 800 000", "900.000", "1.192 000", "1 875 000",
"7. 3 mil. kr" (a stray space after the decimal point) and "4. mill. kr" (a stray point).
Decimal arithmetic, never floats, so 1,78 mill. is exactly 1 780 000.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

#: "<number> mill." / "millioner" / "million" (with optional stray space/point inside the number).
MILL_RE = re.compile(
    r"(?P<num>\d+(?:[.,]\s?\d+)?)\.?\s*(?P<unit>millioner|million|mill\.?|mil\.)(?:\s*(?:kroner|kr\.?))?",
    re.IGNORECASE,
)
#: Plain amounts in kroner: "kr 800 000", "900.000", "1.192 000", "1 875 000" (groups of three digits).
PLAIN_RE = re.compile(r"(?<![\d.,])(?P<num>\d{1,3}(?:[ .\u00a0]\d{3})+|\d{4,})(?![\d,]|\.\d)")


class MoneyError(ValueError):
    """The text holds no amount this module understands."""


def _decimal(num: str) -> Decimal:
    cleaned = re.sub(r"\s", "", num).replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regexes only pass digits
        raise MoneyError(f"not a number: {num!r}") from exc


def parse_amount(text: str) -> int:
    """The amount in whole NOK of the first money expression in ``text``.

    >>> parse_amount("Årlig bevilgning 2.0 mill. kr.")
    2000000
    >>> parse_amount("kr 800 000")
    800000
    """
    m = MILL_RE.search(text)
    if m:
        return int(_decimal(m.group("num")) * 1_000_000)
    m = PLAIN_RE.search(text)
    if m:
        return int(re.sub(r"[ .\u00a0]", "", m.group("num")))
    raise MoneyError(f"no amount in {text!r}")


def find_amounts(text: str) -> list[tuple[int, int, int, str]]:
    """All million-style money expressions in running text: (start, end, amount, matched text).

    Only "mill."/"million(er)" forms and "kr <digits>" count in prose: bare numbers in prose are
    years, counts or case numbers far more often than amounts.
    """
    out: list[tuple[int, int, int, str]] = []
    for m in MILL_RE.finditer(text):
        out.append((m.start(), m.end(), int(_decimal(m.group("num")) * 1_000_000), m.group(0)))
    for m in re.finditer(r"\bkr\.?\s+(?P<num>\d{1,3}(?:[ .\u00a0]\d{3})+)(?!\d)", text):
        amount = int(re.sub(r"[ .\u00a0]", "", m.group("num")))
        out.append((m.start(), m.end(), amount, m.group(0)))
    out.sort()
    return out
