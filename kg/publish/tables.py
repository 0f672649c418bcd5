"""Flat CSV tables of a release, derived from the records the build was made from (read as model
objects, kg.records.model).

Columns are documented in COLUMNS (written to tables/README.md). Money in full NOK.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..authority import load_authority
from ..extract.tables import measures_csv
from ..records.model import FieldText, PlanStatementsRecord, ProgrammeRecord, StatusReport
from ..records.validate import load_folder, load_programmes
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


def programme_records(records_dir: Path) -> dict[int, ProgrammeRecord]:
    """Every programme record of the folder by year, by kind (not by file name; kg.records.validate)."""
    return load_programmes(records_dir)


def _mention_ids(field: FieldText | None) -> set[tuple[str, str]]:
    ids = set()
    for m in field.mentions if field else []:
        if m.actor:
            ids.add(("actor", m.actor))
        elif m.group:
            ids.add(("group", m.group))
    return ids


def actor_rows(authority_file: Path, records_dir: Path, mint: Minter) -> list[dict]:
    auth = load_authority(authority_file)
    data = {"actors": list(auth.actors.values()), "groups": list(auth.groups.values())}
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for year, rec in programme_records(records_dir).items():
        for m in rec.measures:
            for role in ("responsible", "partners"):
                col = f"{'responsible' if role == 'responsible' else 'partner'}_{year}"
                for key in _mention_ids(getattr(m, role)):
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
            for r in getattr(rec, key) or []:   # a row has its table's columns; the other table's are empty
                rows.append({"programme_year": year, "table": table, "measure": r.measure,
                             "measure_iri": mint.measure(year, r.measure) if r.measure else None,
                             "source_line": r.line,
                             **{k: getattr(r, k, None) for k in ("title_in_table", "allocated", "used",
                                                                  "carried_over", "amount", "decision", "status")}})
    return rows


def write_tables(out_dir: Path, records_dir: Path, authority_file: Path, base: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    mint = Minter(base)
    # from the dataset's own records, as `kg extract` writes data/records/measures.csv (same columns)
    (out_dir / "measures.csv").write_text(measures_csv(load_folder(records_dir)), encoding="utf-8")
    (out_dir / "actors.csv").write_text(_csv(ACTOR_COLUMNS, actor_rows(authority_file, records_dir, mint)),
                                        encoding="utf-8")
    (out_dir / "allocations.csv").write_text(_csv(ALLOCATION_COLUMNS, allocation_rows(records_dir, mint)),
                                             encoding="utf-8")
    followup = write_followup_tables(out_dir, records_dir, base)
    doc = ["# Tables\n", "Flat views of the dataset; the RDF dumps are authoritative.\n"]
    for name, cols in COLUMNS.items():
        doc.append(f"\n## {name}\n")
        if isinstance(cols, str):
            doc.append(f"\n{cols}\n")
            continue
        doc.append("\n| column | meaning |\n|---|---|\n")
        doc += [f"| `{k}` | {v} |\n" for k, v in cols.items()]
    (out_dir / "README.md").write_text("".join(doc), encoding="utf-8")
    return [out_dir / n for n in ("measures.csv", "actors.csv", "allocations.csv")] + followup + [out_dir / "README.md"]


# --- follow-up (issue 10): status reports, the money cube, indicators -----------------------------------

STATUS_COLUMNS = ["programme_year", "kind", "report_iri", "measure", "measure_iri", "focus_area", "title_in_source",
                  "period", "status", "status_text", "status_rule", "allocated", "used", "carried_over", "decided",
                  "decision", "decision_reference", "source_line"]
MONEY_CUBE_COLUMNS = ["observation_iri", "dataset_iri", "report_iri", "money_kind", "period", "amount_nok",
                      "measure", "focus_area"]
INDICATOR_COLUMNS = ["plan_iri", "indicator_iri", "id", "title", "state", "unit", "direction", "value_type",
                     "period", "value", "source_line", "source_sheet", "source_row"]
COLUMNS.update({
    "status-reports.csv": {
        "programme_year": "year of the action programme that prints the report",
        "kind": "allocation-status (status of money allocated earlier) / programme-status (the measure's status "
                "phrase) / money-decided (the year's distribution)",
        "report_iri": "IRI of the rp:StatusReport", "measure": "measure id (empty when the source names none, "
                                                                "or its id and title disagree)",
        "measure_iri": "IRI of the measure",
            "focus_area": "focus-area code K / A / L (the measure's or the table section's)",
        "title_in_source": "title as the source prints it", "period": "year reported on",
        "status": "status concept: planned / ongoing / completed / suspended / cancelled "
                  "(https://w3id.org/regplan/concept/progress/…)",
        "status_text": "the status as written",
            "status_rule": "rule that read the text as the concept (docs/followup.md)",
        "allocated": "NOK allocated", "used": "NOK used", "carried_over": "NOK carried over", "decided": "NOK decided",
        "decision": "the decision as written", "decision_reference": "case number of the decision",
        "source_line": "1-based line in the source document",
    },
    "money-cube.csv": {
        "observation_iri": "IRI of the qb:Observation",
            "dataset_iri": "IRI of the qb:DataSet (structure rp:moneyStructure)",
        "report_iri": "dimension rp:statusReport", "money_kind": "dimension rp:moneyKind: allocated / used / "
                                                                "carried-over / decided",
        "period": "dimension rp:refPeriod (year)", "amount_nok": "measure rp:amountNOK",
        "measure": "the report's measure id (not a dimension)",
            "focus_area": "the report's focus area (not a dimension)",
    },
    "indicators.csv": {
        "plan_iri": "the plan the indicator follows up", "indicator_iri": "IRI of the rp:Indicator",
        "id": "indicator id", "title": "title", "state": "announced (not yet defined) / defined",
        "unit": "unit", "direction": "increase / decrease (which way is better)",
        "value_type": "baseline / target / actual (empty: the source states no value)",
        "period": "year of the value", "value": "the value (rp:indicatorValue)",
        "source_line": "1-based line in the source document",
        "source_sheet": "the workbook sheet, for a value recorded in a workbook (kg import)",
        "source_row": "the row of that sheet",
    },
})


#: the status-reports.csv columns a status report states as they are
REPORT_FIELDS = ("kind", "measure", "focus_area", "title_in_source", "period", "status", "status_text", "status_rule",
                 "allocated", "used", "carried_over", "decided", "decision", "decision_reference")


def _report_iri(programme: str, r: StatusReport) -> str:
    from ..graph.followup import report_iri

    return report_iri(programme, r.measure, (r.row.table, r.row.n) if r.row else None)


def status_rows(records_dir: Path, mint: Minter) -> list[dict]:
    rows = []
    for year, rec in sorted(programme_records(records_dir).items()):
        programme = mint.programme(year, mint.plan_slug_for(rec.plan.id if rec.plan else None))
        for r in rec.status_reports or []:
            rows.append({"programme_year": year, "report_iri": _report_iri(programme, r),
                         "measure_iri": f"{programme}/measure/{r.measure}" if r.measure else None,
                         "source_line": r.line, **{k: getattr(r, k) for k in REPORT_FIELDS}})
    return rows


def money_cube_rows(records_dir: Path, mint: Minter) -> list[dict]:
    from ..graph.followup import money_kinds

    rows = []
    for year, rec in sorted(programme_records(records_dir).items()):
        programme = mint.programme(year, mint.plan_slug_for(rec.plan.id if rec.plan else None))
        for r in rec.status_reports or []:
            node = _report_iri(programme, r)
            for field, kind in money_kinds():
                amount = getattr(r, field)
                if amount is not None:
                    rows.append({"observation_iri": f"{node}/money/{kind}", "dataset_iri": f"{programme}/cube/money",
                                 "report_iri": node, "money_kind": kind, "period": r.period,
                                 "amount_nok": amount, "measure": r.measure, "focus_area": r.focus_area})
    return rows


def _sheet_row(fact) -> dict:
    return {"source_sheet": fact.sheet_row.sheet, "source_row": fact.sheet_row.row} if fact.sheet_row else {}


def indicator_rows(records_dir: Path, mint: Minter) -> list[dict]:
    rows = []
    for rec in load_folder(records_dir).values():
        if isinstance(rec, PlanStatementsRecord):
            plan = mint.plan(mint.plan_slug_for(rec.plan.id))
        elif isinstance(rec, ProgrammeRecord) and rec.programme is not None:   # a workbook's Indikatorer
            plan = mint.plan(mint.plan_slug_for(rec.plan.id if rec.plan else None))
        else:
            continue
        for ind in rec.indicators or []:
            node = f"{plan}/indicator/{ind.id}"
            head = {"plan_iri": plan, "indicator_iri": node, "id": ind.id, "title": ind.title, "state": ind.state,
                    "unit": ind.unit, "direction": ind.direction}
            values = ([("baseline", ind.baseline)] if ind.baseline else []) + \
                [("target", v) for v in ind.targets] + [("actual", v) for v in ind.observations]
            if not values:
                rows.append({**head, "source_line": ind.line, **_sheet_row(ind)})
            for vtype, v in values:
                rows.append({**head, "value_type": vtype, "period": v.period, "value": v.value,
                             "source_line": v.line, **_sheet_row(v)})
    return rows


def write_followup_tables(out_dir: Path, records_dir: Path, base: str) -> list[Path]:
    mint = Minter(base)
    written = []
    for name, columns, rows in (("status-reports.csv", STATUS_COLUMNS, status_rows(records_dir, mint)),
                                ("money-cube.csv", MONEY_CUBE_COLUMNS, money_cube_rows(records_dir, mint)),
                                ("indicators.csv", INDICATOR_COLUMNS, indicator_rows(records_dir, mint))):
        (out_dir / name).write_text(_csv(columns, rows), encoding="utf-8")
        written.append(out_dir / name)
    return written
