"""An existing dataset's records and actor authority → workbook rows (the inverse of to_records).

``rows_from_records(programmes, authority, successors)`` returns {sheet name: [row dict by column key]};
kg.workbook.template writes them as xlsx or CSV. Fields listed in sheets.NOT_CARRIED are left out.
"""

from __future__ import annotations

from ..authority import Authority
from ..records.model import FieldText, Measure, Money, ProgrammeRecord, SuccessorsRecord
from .sheets import EMPTY_FIELD


def _texts(field: FieldText | None) -> list[str]:
    """The distinct mention texts of a field, in order (a composite phrase names several actors once)."""
    out: list[str] = []
    for m in field.mentions if field else []:
        if m.text not in out:
            out.append(m.text)
    return out


def _money_row(year: int, mid: str | None, m: Money) -> dict:
    period = m.period or [None, None]
    return {"year": year, "measure": mid, "kind": "stated", "amount": m.amount, "currency": m.currency,
            "budget_year": m.year, "period_start": period[0], "period_end": period[1],
            "basis": m.basis, "purpose": m.purpose, "purpose_basis": m.purpose_basis,
            "amount_text": m.amount_text, "text": m.text}


def _as_written(field: FieldText | None) -> str | None:
    if field is None:
        return None
    return EMPTY_FIELD if field.text == "" else field.text


def _measure_row(year: int, m: Measure, continues: str | None) -> dict:
    resp, part, prio, links = m.responsible, m.partners, m.priority, m.links
    return {
        "year": year, "id": m.id, "level": m.level, "focus_area": m.focus_area, "title": m.title,
        "responsible": _texts(resp), "partners": _texts(part), "horizon": prio.horizon if prio else None,
        "status_phrase": prio.status_phrase if prio else None, "is_new": m.is_new,
        "withdrawn": m.status == "withdrawn" or None, "continues": continues,
        "description": m.description,
        "responsible_text": _as_written(resp), "partners_text": _as_written(part),
        "partners_remarks": part.remarks if part else None, "priority_text": _as_written(prio),
        "links_text": _as_written(links), "links_unspecified": links.unspecified if links else None,
        "is_continued": m.is_continued, "markers": m.markers, "section": m.section,
        "id_derived": m.id_derived, "title_derived": m.title_derived, "title_basis": m.title_basis,
    }


def _fields(obj, names: tuple[str, ...]) -> dict:
    return {k: getattr(obj, k) for k in names}


def _programme_rows(rec: ProgrammeRecord, predecessor: dict[tuple[int, str], str], rows: dict[str, list]) -> None:
    prog, plan = rec.programme, rec.plan
    assert prog is not None   # export_dataset passes programme records with their programme part only
    year = prog.year
    alloc, prev = prog.allocation_decision, prog.previous
    rows["Program"].append({
        "year": year, "plan_id": plan and plan.id, "plan_title": plan and plan.title,
        "vision": plan and plan.vision, "main_goal": plan and plan.main_goal, "adopted": prog.adopted,
        "adopted_by": prog.adopted_by, "case": prog.case, "allocation_case": alloc and alloc.case,
        "allocation_date": alloc and alloc.date, "previous_year": prev and prev.year,
        "previous_adopted": prev and prev.adopted, "previous_adopted_by": prev and prev.adopted_by})
    for fa in rec.focus_areas:
        rows["Fokusområder"].append({"year": year, "code": fa.code, "title": fa.title, "goal": fa.goal,
                                     "goal_year": fa.goal_year, "section": fa.section})
    for m in prog.money or []:
        rows["Økonomi"].append(_money_row(year, None, m))
    for m in rec.measures:
        cont = (m.continues.id if m.continues else None) or predecessor.get((year, m.id))
        rows["Tiltak"].append(_measure_row(year, m, cont))
        for target in m.links.measures if m.links else []:
            rows["Koblinger"].append({"year": year, "measure": m.id, "to_measure": target})
        for other in m.links.other if m.links else []:
            rows["Koblinger"].append({"year": year, "measure": m.id, "to_document": other})
        for money in m.money:
            rows["Økonomi"].append(_money_row(year, m.id, money))
    for d in rec.distribution or []:
        rows["Økonomi"].append({"year": year, "measure": d.measure, "kind": "distribution", "amount": d.amount,
                                "text": d.remark, "title_in_table": d.title_in_table,
                                "title_score": d.title_score, "title_matches": d.title_matches})
    for r in rec.status_reports or []:
        rows["Status"].append({"year": year, **_fields(r, (
            "kind", "measure", "period", "status_text", "allocated", "used", "carried_over", "decided", "decision",
            "decision_reference", "focus_area", "title_in_source", "status_rule")),
            "status_code": r.status, "table": r.row and r.row.table, "table_row": r.row and r.row.n})
    for s in rec.allocation_status or []:
        rows["Statustabell"].append({"year": year, **_fields(s, (
            "measure", "status", "allocated", "used", "carried_over", "decision", "reference", "title_in_table",
            "responsible_in_table", "remark", "amount_texts", "match_score", "title_reconstructed"))})
    for c in rec.centrality or []:
        rows["Sentralitet"].append({"year": year, "municipality": c.municipality, "class": c.class_,
                                    "class_label": c.class_label})
    for g in rec.regions or []:
        rows["Regioner"].append({"year": year, "name": g.name, "municipalities": g.municipalities, "note": g.note})
    for d in rec.referenced_documents or []:
        rows["Dokumenter"].append({"year": year, **_fields(d, ("key", "identifier", "title", "scope", "series"))})
    for ind in rec.indicators or []:
        rows["Indikatorer"].append({"year": year, **_fields(ind, ("id", "title", "state", "definition", "unit",
                                                                  "direction", "text"))})
        values = [("baseline", ind.baseline)] if ind.baseline else []
        values += [("target", v) for v in ind.targets] + [("actual", v) for v in ind.observations]
        for kind, v in values:
            rows["Indikatorverdier"].append({"year": year, "indicator": ind.id, "type": kind, "period": v.period,
                                             "value": v.value, "text": v.text})


def _actor_rows(auth: Authority) -> list[dict]:
    out = []
    for e in auth.actors.values():
        parent = auth.actors.get(e.get("parent") or "", {}).get("label") or e.get("parent")
        out.append({"name": e["label"], "kind": "actor", "id": e["id"], "type": e.get("type"),
                    "aliases": e.get("aliases"), "parent": parent, "org_number": e.get("org_number"),
                    "former_names": e.get("former_names"), "municipality": e.get("municipality"),
                    "country": e.get("country"), "note": e.get("note"), "source": e.get("source"),
                    "lines": e.get("lines")})
    for e in auth.groups.values():
        out.append({"name": e["label"], "kind": "group", "id": e["id"], "type": e.get("member_type"),
                    "aliases": e.get("aliases"), "members": e.get("members"), "note": e.get("note"),
                    "source": e.get("source"), "lines": e.get("lines")})
    return out


def _composite_rows(auth: Authority) -> list[dict]:
    """Composites and remarks as written in actors.yaml."""
    out = [{"name": c["text"], "kind": "composite", "members": c["parts"], "note": c["note"]}
           for c in auth.composites_as_written]
    out += [{"name": text, "kind": "remark"} for text in auth.remarks]
    return out


def rows_from_records(programmes: list[ProgrammeRecord], auth: Authority,
                      successors: SuccessorsRecord | None) -> dict[str, list]:
    """Workbook rows for the given programme records (model objects with their programme part; any
    order, written by year) and authority."""
    from .sheets import SHEETS

    predecessor = {}
    for p in successors.pairs if successors else []:
        (ya, ida), (yb, idb) = p.from_.split("/", 1), p.to.split("/", 1)
        if int(ya) == int(yb) - 1:   # 'Viderefører' names a measure of the year before
            predecessor[(int(yb), idb)] = ida
    rows: dict[str, list] = {s.name: [] for s in SHEETS}
    for rec in sorted(programmes, key=lambda r: r.programme.year):
        _programme_rows(rec, predecessor, rows)
    rows["Aktører"] = _actor_rows(auth) + _composite_rows(auth)
    return rows


def export_dataset(records_dir, authority_file) -> dict[str, list]:
    """Rows for every programme record (kind 'programme' with a programme year) of a records folder,
    read through the records model."""
    from pathlib import Path

    from ..authority import load_authority
    from ..records.validate import load_file

    records_dir = Path(records_dir)
    programmes, successors = [], None
    for path in sorted(records_dir.glob("*.json")):
        rec = load_file(path)
        if isinstance(rec, ProgrammeRecord) and rec.programme is not None:
            programmes.append(rec)
        elif isinstance(rec, SuccessorsRecord):
            successors = rec
    auth = load_authority(authority_file)
    return rows_from_records(programmes, auth, successors)
