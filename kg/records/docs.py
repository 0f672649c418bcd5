"""Generate docs/records.schema.json and docs/records.md from the records model and the anomaly catalogue.

    python -m kg.records.docs          # rewrite both files
    python -m kg.records.docs --check  # exit 1 if either is stale (tests do the same)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import TypeAdapter

from .anomalies import CATALOGUE
from .model import (
    SCHEMA_VERSION,
    AnyRecord,
    GrantsRecord,
    PlanStatementsRecord,
    ProgrammeRecord,
    SuccessorsRecord,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMA_FILE = DOCS / "records.schema.json"
REFERENCE_FILE = DOCS / "records.md"

_FILES = (("ProgrammeRecord", "hp2025.json, hp2024.json, hp2024-fields.json", ProgrammeRecord),
          ("SuccessorsRecord", "successors.json", SuccessorsRecord),
          ("GrantsRecord", "grants2022.json", GrantsRecord),
          ("PlanStatementsRecord", "a plan page's statements", PlanStatementsRecord))


def schema() -> dict:
    """One JSON Schema (2020-12) for every record file: anyOf the four record models."""
    s = TypeAdapter(AnyRecord).json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://w3id.org/regplan/records.schema.json",
            "title": f"kg records, schema version {SCHEMA_VERSION}",
            "description": "data/records/*.json as written by `kg extract` and read by `kg build` "
                           "(generated from kg/records/model.py; see docs/records.md)",
            **s}


def schema_text() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _type(prop) -> str:
    if not isinstance(prop, dict) or not prop:
        return "any"
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in prop:
        return " \\| ".join(_type(p) for p in prop["anyOf"])
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    t = prop.get("type", "any")
    if t == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if t == "object" and "additionalProperties" in prop:
        return f"map to {_type(prop['additionalProperties'])}"
    if t == "string" and "pattern" in prop:
        return f"string `{prop['pattern']}`"
    return str(t)


def _models() -> list[tuple[str, dict]]:
    defs = schema()["$defs"]
    order = [name for name, _, _ in _FILES] + sorted(n for n in defs if n not in {f[0] for f in _FILES})
    return [(n, defs[n]) for n in order if n in defs]


def reference_text() -> str:
    out = [f"# Records reference (schema version {SCHEMA_VERSION})", "",
           "Generated from `kg/records/model.py` and `kg/records/anomalies.py` by `python -m kg.records.docs`; "
           "do not edit by hand (a test fails when this file is stale). The JSON Schema is "
           "`docs/records.schema.json` (it ships in releases).", "",
           "Records are the contract between `kg extract` and `kg build`: one JSON file per source in "
           "`data/records/`, plus the derived `successors.json`. Keys are sorted, lists are in document order, "
           "line numbers are 1-based lines of the source file. The models are closed: an unknown key or a "
           "wrong type is an error naming the file and the JSON path.", "",
           "| file | model |", "|---|---|"]
    out += [f"| {files} | [{name}](#{name.lower()}) |" for name, files, _ in _FILES]
    for name, d in _models():
        out += ["", f"## {name}", ""]
        if d.get("description"):
            out += [" ".join(d["description"].split()), ""]
        if d.get("type") != "object" or "properties" not in d:
            continue
        required = set(d.get("required", []))
        out += ["| field | type | required | meaning |", "|---|---|---|---|"]
        for key, prop in d["properties"].items():
            desc = " ".join((prop.get("description") or "").split()).replace("|", "\\|")
            out.append(f"| `{key}` | {_type(prop)} | {'yes' if key in required else ''} | {desc} |")
    out += ["", "## Anomaly catalogue", "",
            "Every anomaly's `kind` is one of these (`kg/records/anomalies.py`); an extractor cannot emit another. "
            "`measures` lists the measures an anomaly concerns; `kg build` links them with `rp:concerns`.", "",
            "| kind | severity | meaning | what the publisher can do |", "|---|---|---|---|"]
    for k in CATALOGUE.values():
        out.append(f"| `{k.id}` | {' or '.join(k.severities)} | {k.meaning} | {k.action} |")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    wanted = {SCHEMA_FILE: schema_text(), REFERENCE_FILE: reference_text()}
    if "--check" in argv:
        stale = [str(p) for p, text in wanted.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        for p in stale:
            print(f"{p}: stale; run `python -m kg.records.docs`", file=sys.stderr)
        return 1 if stale else 0
    from ..io import atomic_write_text

    for p, text in wanted.items():
        atomic_write_text(p, text)
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


__all__ = ["main", "reference_text", "schema", "schema_text"]
