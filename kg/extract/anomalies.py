"""Anomaly dicts (see docs/design.md "Records"): problems are reported, never silently fixed."""

from __future__ import annotations

SEVERITIES = ("info", "warning", "error")


def anomaly(kind: str, subject: str, message: str, lines: tuple[int, int] | list[int] | int | None,
            severity: str = "warning", correction: dict | None = None) -> dict:
    """One anomaly. ``lines`` is a line number or a [first, last] span (1-based source lines)."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    if isinstance(lines, int):
        span = [lines, lines]
    elif lines is None:
        span = None
    else:
        span = [int(lines[0]), int(lines[-1])]
    return {"kind": kind, "severity": severity, "subject": subject, "message": message,
            "lines": span, "correction": correction}


def correction(field: str, old, new, reason: str) -> dict:
    """The ``correction`` member of an anomaly: what the record changed and why (raw text is kept)."""
    return {"field": field, "from": old, "to": new, "reason": reason}


def sort_key(a: dict) -> tuple:
    """Stable order: by first line, then kind and subject."""
    first = a["lines"][0] if a.get("lines") else 0
    return (first, a["kind"], a["subject"], a["message"])
