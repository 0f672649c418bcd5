"""Flat CSV tables of a release, derived from the records the build was made from.

Columns are documented in COLUMNS (written to tables/README.md). Money in full NOK.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..authority import load_authority
from ..extract.tables import measures_csv
from ..records.validate import programmes, read_folder
from ..uris import Minter

ACTOR_COLUMNS = ["kind", "id", "iri", "label", "type", "parent", "aliases", "former_names",
                 "responsible_2024", "partner_2024", "responsible_2025", "partner_2025"]
ALLOCATION_COLUMNS = ["programme_year", "table", "measure", "measure_iri", "title_in_table", "allocated",
                      "used", "carried_over", "amount", "decision", "status", "source_line"]
COLUMNS = {
    "measures.csv": "One row per measure of every programme in the records; the same columns as the "
                    "extraction's data/records/measures.csv (kg.extract.tables).",
    "actors.csv": {
        "kind": "actor | group (an actor group such as 'kommunene')",
        "id": "authority id (slug)", "iri": "resource IRI", "label": "preferred label (nb)",
        "type": "actor type (actors) or member type (groups)", "parent": "id of the parent organisation",
        "aliases": "spellings seen in the documents, '|'-separated", "former_names": "'|'-separated",
        "responsible_2024": "number of 2024 measures naming it as responsible",
        "partner_2024": "number of 2024 measures naming it as partner",
        "responsible_2025": "same for 2025", "partner_2025": "same for 2025",
    },
    "allocations.csv": {
        "programme_year": "year of the action programme", "table": "allocation-status | distribution",
        "measure": "measure id as printed", "measure_iri": "IRI of the measure",
        "title_in_table": "title as printed in the table", "allocated": "allocated NOK",
        "used": "used NOK", "carried_over": "carried-over NOK", "amount": "distributed NOK (distribution table)",
        "decision": "decision text", "status": "status text", "source_line": "1-based line in the source document",
    },
}


def _csv(columns: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({k: "" if row.get(k) is None else row[k] for k in columns})
    return buf.getvalue()


def programme_records(records_dir: Path) -> dict[int, dict]:
    """Every programme record of the folder by year, by kind (not by file name; kg.records.validate)."""
    return programmes(records_dir)


def _mention_ids(field: dict | None) -> set[tuple[str, str]]:
    ids = set()
    for m in (field or {}).get("mentions") or []:
        if m.get("actor"):
            ids.add(("actor", m["actor"]))
        elif m.get("group"):
            ids.add(("group", m["group"]))
    return ids


def actor_rows(authority_file: Path, records_dir: Path, mint: Minter) -> list[dict]:
    auth = load_authority(authority_file)
    data = {"actors": list(auth.actors.values()), "groups": list(auth.groups.values())}
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for year, rec in programme_records(records_dir).items():
        for m in rec.get("measures", []):
            for role in ("responsible", "partners"):
                col = f"{'responsible' if role == 'responsible' else 'partner'}_{year}"
                for key in _mention_ids(m.get(role)):
                    counts.setdefault(key, {}).setdefault(col, 0)
                    counts[key][col] += 1
    rows = []
    for kind, items in (("actor", data.get("actors") or []), ("group", data.get("groups") or [])):
        for e in items:
            c = counts.get((kind, e["id"]), {})
            rows.append({
                "kind": kind, "id": e["id"], "label": e["label"],
                "iri": mint.actor(e["id"]) if kind == "actor" else mint.group(e["id"]),
                "type": e.get("type") or e.get("member_type"), "parent": e.get("parent"),
                "aliases": "|".join(e.get("aliases") or []), "former_names": "|".join(e.get("former_names") or []),
                **{col: c.get(col, 0) for col in ACTOR_COLUMNS if col[-4:].isdigit()},
            })
    return rows


def allocation_rows(records_dir: Path, mint: Minter) -> list[dict]:
    rows = []
    for year, rec in sorted(programme_records(records_dir).items()):
        for table, key in (("allocation-status", "allocation_status"), ("distribution", "distribution")):
            for r in rec.get(key) or []:
                rows.append({"programme_year": year, "table": table, "measure": r.get("measure"),
                             "measure_iri": mint.measure(year, r["measure"]) if r.get("measure") else None,
                             "source_line": r.get("line"),
                             **{k: r.get(k) for k in ("title_in_table", "allocated", "used", "carried_over",
                                                       "amount", "decision", "status")}})
    return rows


def write_tables(out_dir: Path, records_dir: Path, authority_file: Path, base: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    mint = Minter(base)
    # from the dataset's own records, as `kg extract` writes data/records/measures.csv (same columns)
    records = {name: data for name, (_, data) in read_folder(records_dir).items()}
    (out_dir / "measures.csv").write_text(measures_csv(records), encoding="utf-8")
    (out_dir / "actors.csv").write_text(_csv(ACTOR_COLUMNS, actor_rows(authority_file, records_dir, mint)),
                                        encoding="utf-8")
    (out_dir / "allocations.csv").write_text(_csv(ALLOCATION_COLUMNS, allocation_rows(records_dir, mint)),
                                             encoding="utf-8")
    doc = ["# Tables\n", "Flat views of the dataset; the RDF dumps are authoritative.\n"]
    for name, cols in COLUMNS.items():
        doc.append(f"\n## {name}\n")
        if isinstance(cols, str):
            doc.append(f"\n{cols}\n")
            continue
        doc.append("\n| column | meaning |\n|---|---|\n")
        doc += [f"| `{k}` | {v} |\n" for k, v in cols.items()]
    (out_dir / "README.md").write_text("".join(doc), encoding="utf-8")
    return [out_dir / n for n in ("measures.csv", "actors.csv", "allocations.csv", "README.md")]
