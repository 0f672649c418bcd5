"""An existing dataset's records and actor authority → workbook rows (the inverse of to_records).

``rows_from_records(programmes, authority, successors)`` returns {sheet name: [row dict by column key]};
kg.workbook.template writes them as xlsx or CSV. Fields listed in sheets.NOT_CARRIED are left out.
"""

from __future__ import annotations

from ..authority import Authority
from .sheets import EMPTY_FIELD


def _texts(field: dict | None) -> list[str]:
    """The distinct mention texts of a field, in order (a composite phrase names several actors once)."""
    out: list[str] = []
    for m in (field or {}).get("mentions") or []:
        if m["text"] not in out:
            out.append(m["text"])
    return out


def _money_row(year: int, mid: str | None, m: dict) -> dict:
    period = m.get("period") or [None, None]
    return {"year": year, "measure": mid, "kind": "stated", "amount": m["amount"], "currency": m.get("currency"),
            "budget_year": m.get("year"), "period_start": period[0], "period_end": period[1],
            "basis": m.get("basis"), "purpose": m.get("purpose"), "purpose_basis": m.get("purpose_basis"),
            "amount_text": m.get("amount_text"), "text": m.get("text")}


def _as_written(field: dict) -> str | None:
    text = field.get("text")
    return EMPTY_FIELD if text == "" else text


def _measure_row(year: int, m: dict, continues: str | None) -> dict:
    resp, part = m.get("responsible") or {}, m.get("partners") or {}
    prio, links = m.get("priority") or {}, m.get("links") or {}
    return {
        "year": year, "id": m["id"], "level": m["level"], "focus_area": m["focus_area"], "title": m.get("title"),
        "responsible": _texts(resp), "partners": _texts(part), "horizon": prio.get("horizon"),
        "status_phrase": prio.get("status_phrase"), "is_new": m.get("is_new"),
        "withdrawn": m.get("status") == "withdrawn" or None, "continues": continues,
        "description": m.get("description"),
        "responsible_text": _as_written(resp), "partners_text": _as_written(part),
        "partners_remarks": part.get("remarks"), "priority_text": _as_written(prio),
        "links_text": _as_written(links), "links_unspecified": links.get("unspecified"),
        "is_continued": m.get("is_continued"), "markers": m.get("markers"), "section": m.get("section"),
        "id_derived": m.get("id_derived"), "title_derived": m.get("title_derived"), "title_basis": m.get("title_basis"),
    }


def _programme_rows(rec: dict, predecessor: dict[tuple[int, str], str], rows: dict[str, list]) -> None:
    prog, plan = rec["programme"], rec.get("plan") or {}
    year = prog["year"]
    alloc, prev = prog.get("allocation_decision") or {}, prog.get("previous") or {}
    rows["Program"].append({
        "year": year, "plan_id": plan.get("id"), "plan_title": plan.get("title"), "vision": plan.get("vision"),
        "main_goal": plan.get("main_goal"), "adopted": prog.get("adopted"), "adopted_by": prog.get("adopted_by"),
        "case": prog.get("case"), "allocation_case": alloc.get("case"), "allocation_date": alloc.get("date"),
        "previous_year": prev.get("year"), "previous_adopted": prev.get("adopted"),
        "previous_adopted_by": prev.get("adopted_by")})
    for fa in rec.get("focus_areas") or []:
        rows["Fokusområder"].append({"year": year, "code": fa["code"], "title": fa["title"], "goal": fa.get("goal"),
                                     "goal_year": fa.get("goal_year"), "section": fa.get("section")})
    for m in prog.get("money") or []:
        rows["Økonomi"].append(_money_row(year, None, m))
    for m in rec.get("measures") or []:
        cont = (m.get("continues") or {}).get("id") or predecessor.get((year, m["id"]))
        rows["Tiltak"].append(_measure_row(year, m, cont))
        links = m.get("links") or {}
        for target in links.get("measures") or []:
            rows["Koblinger"].append({"year": year, "measure": m["id"], "to_measure": target})
        for other in links.get("other") or []:
            rows["Koblinger"].append({"year": year, "measure": m["id"], "to_document": other})
        for money in m.get("money") or []:
            rows["Økonomi"].append(_money_row(year, m["id"], money))
    for d in rec.get("distribution") or []:
        rows["Økonomi"].append({"year": year, "measure": d.get("measure"), "kind": "distribution", "amount": d["amount"],
                                "text": d.get("remark"), "title_in_table": d.get("title_in_table"),
                                "title_score": d.get("title_score"), "title_matches": d.get("title_matches")})
    for s in rec.get("allocation_status") or []:
        rows["Status"].append({"year": year, **{k: s.get(k) for k in (
            "measure", "status", "allocated", "used", "carried_over", "decision", "reference", "title_in_table",
            "responsible_in_table", "remark", "amount_texts", "match_score", "title_reconstructed")}})
    for c in rec.get("centrality") or []:
        rows["Sentralitet"].append({"year": year, "municipality": c["municipality"], "class": c["class"],
                                    "class_label": c["class_label"]})
    for g in rec.get("regions") or []:
        rows["Regioner"].append({"year": year, "name": g["name"], "municipalities": g.get("municipalities"),
                                 "note": g.get("note")})
    for d in rec.get("referenced_documents") or []:
        rows["Dokumenter"].append({"year": year, **{k: d.get(k) for k in ("key", "identifier", "title", "scope", "series")}})


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


def _composite_rows(raw: dict) -> list[dict]:
    """Composites and remarks as written in actors.yaml (the Authority keeps only their normalised keys)."""
    out = [{"name": c["text"], "kind": "composite", "members": c.get("parts"), "note": c.get("note")}
           for c in raw.get("composites") or []]
    out += [{"name": r.get("text") if isinstance(r, dict) else r, "kind": "remark"} for r in raw.get("remarks") or []]
    return out


def rows_from_records(programmes: list[dict], auth: Authority, auth_raw: dict, successors: dict | None) -> dict[str, list]:
    """Workbook rows for the given programme records (any order; written by year) and authority."""
    from .sheets import SHEETS

    predecessor = {}
    for p in (successors or {}).get("pairs") or []:
        (ya, ida), (yb, idb) = p["from"].split("/", 1), p["to"].split("/", 1)
        if int(ya) == int(yb) - 1:   # 'Viderefører' names a measure of the year before
            predecessor[(int(yb), idb)] = ida
    rows: dict[str, list] = {s.name: [] for s in SHEETS}
    for rec in sorted(programmes, key=lambda r: r["programme"]["year"]):
        _programme_rows(rec, predecessor, rows)
    rows["Aktører"] = _actor_rows(auth) + _composite_rows(auth_raw)
    return rows


def export_dataset(records_dir, authority_file) -> dict[str, list]:
    """Rows for every programme record (kind 'programme' with a programme year) of a records folder."""
    from pathlib import Path

    import yaml

    from ..authority import load_authority
    from ..records.validate import load, record_kind

    records_dir = Path(records_dir)
    programmes, successors = [], None
    for path in sorted(records_dir.glob("*.json")):
        data = load(path)
        kind = record_kind(data)
        if kind == "programme" and data.get("programme"):
            programmes.append(data)
        elif kind == "successors":
            successors = data
    auth = load_authority(authority_file)
    raw = yaml.safe_load(Path(authority_file).read_text(encoding="utf-8"))
    return rows_from_records(programmes, auth, raw, successors)
