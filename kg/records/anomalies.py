"""The anomaly catalogue and the one constructor every extractor uses.

Problems in a source are reported, never silently fixed. Each anomaly names a *kind* from
``CATALOGUE`` (like frictionless' error catalogue): what it means, which severities it may carry and
what the publisher of the document can do about it. ``anomaly()`` refuses a kind that is not in the
catalogue, so a new kind has to be documented before it can be emitted. The measures an anomaly
concerns are a structured field (``measures``), not something to recover from the message.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("info", "warning", "error")


@dataclass(frozen=True)
class Kind:
    id: str
    severities: tuple[str, ...]  # the severities this kind may be reported with
    meaning: str
    action: str  # what the publisher of the document can do


def _k(ident: str, severities: str, meaning: str, action: str) -> Kind:
    return Kind(ident, tuple(severities.split()), meaning, action)


_KINDS = [
    _k("amount-mismatch", "warning", "Two amounts the text gives for the same thing differ (e.g. headline vs. lead).",
       "State one amount, or say which one applies."),
    _k("authority-missing", "info",
       "An authority file needed for a check (municipalities.yaml) is absent; the check was skipped.",
       "Nothing in the document; the dataset maintainer restores the authority file."),
    _k("capture-artefact", "info",
       "Text that belongs to the web capture, not the document (a stray footnote number); removed by a recorded "
       "correction.",
       "Nothing; the published page is fine."),
    _k("capture-difference", "info warning",
       "Two captures of the same document differ (text, fields, labels or frame text).",
       "Check which version is current and keep one version online."),
    _k("count-mismatch", "warning",
       "A stated count (e.g. number of projects) differs from the number of items the text identifies.",
       "Correct the count or list all items."),
    _k("duplicate-actor", "warning", "The same actor is named twice in one responsible/partner field.",
       "Name each actor once per field."),
    _k("duplicate-entry", "warning", "An entry of a list (a municipality in a class list) appears twice.",
       "Remove the duplicate."),
    _k("duplicate-id", "error", "Two measures carry the same id.", "Give every measure its own id."),
    _k("duplicate-link", "warning", "A measure id is listed twice among a measure's links.", "List each link once."),
    _k("duplicate-partner", "warning", "A partner is listed more than once in one partner field.",
       "List each partner once."),
    _k("empty-field", "warning", "A labelled field is present but empty.", "Fill in the field or remove the label."),
    _k("garbled-duplicate-mismatch", "info warning",
       "The readable copy and the garbled second copy of the PDF disagree on an id, title or field text.",
       "Publish an accessible PDF whose tagged structure matches the visible text."),
    _k("id-normalised", "info",
       "A measure id was written with inner spaces ('K 3'); normalised by a recorded correction.",
       "Write ids without spaces."),
    _k("id-title-mismatch", "warning", "A text or table names a measure by an id whose title is another measure's.",
       "Correct the id or the title in the reference."),
    _k("label-variant", "info", "A field label differs from the usual one ('Prioritet:' for 'Prioritering:').",
       "Use the standard label."),
    _k("link-to-withdrawn", "info", "A measure links to a measure that is withdrawn.", "Remove or update the link."),
    _k("misplaced-content", "info", "Content printed inside another measure's text (a URL of a listed plan).",
       "Move the content to where it belongs."),
    _k("missing-content", "info",
       "Content the document announces is not in the text (e.g. a list only shown in a map).",
       "Give the content as text, not only as an image."),
    _k("missing-entry", "warning",
       "An entry of an authority list (municipality, region) is missing from the document's list.",
       "Add the missing entry or explain its absence."),
    _k("missing-field", "warning",
       "A labelled field (Ansvarlig, Samarbeidspartnere, Koblinger, Prioritering) is missing or empty.",
       "Add the field."),
    _k("missing-separator", "info", "Two ids in a list lack a separator ('K3 K4'); split by a recorded correction.",
       "Separate list items with commas."),
    _k("nonstandard-field-block", "info",
       "A measure's field block departs from the four standard fields (e.g. one 'Ansvarlig:' per listed plan).",
       "Use the standard field block."),
    _k("numbering-check", "info",
       "A check of the derived measure numbering (2024 prints no ids) that supports the derivation.",
       "Print measure ids in the document."),
    _k("numbering-gap", "warning", "Measure numbers of a focus area skip a number.",
       "Say whether a measure was removed."),
    _k("numbering-mismatch", "warning",
       "The text cites a measure id that the derived numbering gives to a different measure.",
       "Print measure ids, or correct the reference."),
    _k("outside-register", "info", "A place named is not a municipality of the county's register; kept by name only.",
       "Nothing, if intended; otherwise correct the name."),
    _k("possible-merge", "info",
       "A 2024 measure without its own successor whose description a 2025 measure largely continues.",
       "State which measures were merged."),
    _k("possible-split", "info",
       "A 2025 measure without a predecessor that continues a 2024 measure which already has a successor.",
       "State which measures were split."),
    _k("possible-typo", "info", "A proper name spelt once one letter away from a spelling used elsewhere.",
       "Check the spelling."),
    _k("region-note-outside-county", "info", "A region's note names places that are not municipalities of the county.",
       "Update the note to the current county borders."),
    _k("responsible-also-partner", "info warning", "The same actor is both responsible and partner of a measure.",
       "Name the actor in one role."),
    _k("self-link", "warning", "A measure links to itself.", "Remove the self-link."),
    _k("shared-field-block", "info", "Two measures share one printed field block (K2A/K2B).",
       "Print a field block per measure."),
    _k("split", "info", "A 2024 measure is continued by two 2025 measures.", "Nothing; recorded for the succession."),
    _k("successor-marker-disagreement", "warning",
       "The '(nytt tiltak)'/'(videreføres)' marker disagrees with the successor found.",
       "Correct the marker."),
    _k("table-sum-mismatch", "warning", "Table rows do not add up to the stated total (or rounding does not match).",
       "Correct the rows or the total."),
    _k("trailing-separator", "info", "A list ends with a stray separator (a comma at the end of a field).",
       "Remove the separator."),
    _k("typo", "info warning", "A typing error (five-digit year, misspelt label or name, doubled colon, stray comma).",
       "Correct the typo."),
    _k("unexpected-text", "warning", "Text after a measure's field block that belongs to no field.",
       "Move the text into the description."),
    _k("unknown-entry", "warning", "A list entry (municipality) that is not in the authority file.", "Check the name."),
    _k("unknown-link-target", "warning",
       "A link or table names an id that is not a measure of the programme (or a section number).",
       "Correct the reference."),
    _k("unknown-municipality", "warning", "A municipality name that is not in the authority file.", "Check the name."),
    _k("unknown-region", "info warning", "A region name that is not a region of the authority file.",
       "Check the region name."),
    _k("unresolved-actor", "warning", "An actor name not in the actor authority file (data/authority/actors.yaml).",
       "Nothing in the document if the name is right; the maintainer adds the actor."),
    _k("withdrawn-measure", "info", "A measure the document marks as withdrawn ('utgår').", "Nothing; recorded."),
]

#: kind id → Kind
CATALOGUE: dict[str, Kind] = {k.id: k for k in _KINDS}


def measure_ref(ident: str, year: int | None = None) -> dict:
    """A reference to a measure: its id, and its programme year when not the record's own programme."""
    return {"id": ident} if year is None else {"id": ident, "year": int(year)}


def anomaly(kind: str, subject: str, message: str, lines: tuple[int, int] | list[int] | int | None,
            severity: str = "warning", correction: dict | None = None, measures=None) -> dict:
    """One anomaly. ``lines`` is a line number or a [first, last] span (1-based source lines);
    ``measures`` the measures it concerns (ids of the record's programme, or ``measure_ref`` dicts)."""
    entry = CATALOGUE.get(kind)
    if entry is None:
        raise ValueError(f"anomaly kind {kind!r} is not in the catalogue (kg/records/anomalies.py)")
    if severity not in entry.severities:
        raise ValueError(f"anomaly kind {kind!r} takes severity {' or '.join(entry.severities)}, not {severity!r}")
    if isinstance(lines, int):
        span = [lines, lines]
    elif lines is None:
        span = None
    else:
        span = [int(lines[0]), int(lines[-1])]
    refs = [m if isinstance(m, dict) else measure_ref(m) for m in (measures or []) if m]
    return {"kind": kind, "severity": severity, "subject": subject, "message": message,
            "lines": span, "correction": correction, "measures": refs}


def correction(field: str, old, new, reason: str) -> dict:
    """The ``correction`` member of an anomaly: what the record changed and why (raw text is kept)."""
    return {"field": field, "from": old, "to": new, "reason": reason}


def sort_key(a: dict) -> tuple:
    """Stable order: by first line, then kind and subject."""
    first = a["lines"][0] if a.get("lines") else 0
    return (first, a["kind"], a["subject"], a["message"])
