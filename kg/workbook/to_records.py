"""Checked workbook rows → programme records (one per programme year) and the actor authority.

Every fact carries its workbook row (``sheet_row: {sheet, row}``) and every record names the workbook as
its source (file name and sha256), as extracted facts carry their document lines. The records are
plain dicts in the records model's shape; the caller validates them (kg.records.validate).
"""

from __future__ import annotations

from ..authority import normalise
from ..text import slug
from .check import CheckedBook, Row
from .sheets import EMPTY_FIELD

EXTRACTOR = {"module": "kg.workbook.to_records", "version": 1}


def source_of(book: CheckedBook) -> dict:
    raw = book.raw
    return {"kind": "workbook", "id": f"workbook-{raw.sha256[:12]}", "file": raw.file, "sha256": raw.sha256,
            "title": f"Arbeidsbok {raw.file}"}


def _written(v: dict, key: str) -> str | None:
    """An "as written" cell: None when blank, "" when it says the field is printed empty (—)."""
    text = v.get(key)
    return "" if text == EMPTY_FIELD else text


def _at(r: Row) -> dict:
    return {"sheet": r.sheet, "row": r.row}


def _ids(book: CheckedBook) -> dict[int, str]:
    """id() of each Aktører row → its actor/group id (given, or a slug of the name)."""
    return {id(r): r.values.get("id") or slug(r.values["name"]) for r in book.rows["Aktører"]}


def authority(book: CheckedBook) -> dict:
    """The Aktører sheet in the shape of data/authority/actors.yaml."""
    ids = _ids(book)
    by_name = {normalise(r.values["name"]): r for r in book.rows["Aktører"]}
    out: dict[str, list] = {"actors": [], "groups": [], "composites": [], "remarks": []}
    for r in book.rows["Aktører"]:
        v = r.values
        kind = v.get("kind") or "actor"
        if kind == "remark":
            out["remarks"].append(v["name"])
            continue
        if kind == "composite":
            entry = {"text": v["name"], "parts": list(v.get("members") or [])}
            if v.get("note"):
                entry["note"] = v["note"]
            out["composites"].append(entry)
            continue
        entry = {"id": ids[id(r)], "label": v["name"]}
        if kind == "group":
            entry["members"] = v.get("members") or None
            entry["member_type"] = v.get("type") or "other"
        else:
            entry["type"] = v.get("type") or "other"
        for key, name in (("aliases", "aliases"), ("former_names", "former_names"), ("lines", "lines")):
            if v.get(key):
                entry[name] = list(v[key])
        parent = v.get("parent")
        if parent:
            prow = by_name.get(normalise(parent))
            entry["parent"] = ids[id(prow)] if prow is not None else parent
        for key in ("org_number", "municipality", "country", "note", "source"):
            if v.get(key):
                entry[key] = v[key]
        out["actors" if kind == "actor" else "groups"].append(entry)
    return {k: v for k, v in out.items() if v or k == "actors"}


def _mentions(names: list[str], book: CheckedBook, ids: dict) -> list[dict]:
    """Names of a responsible/partners cell → mentions; a composite phrase names each of its parts."""
    kinds = {ids[id(r)]: r.values.get("kind") or "actor" for r in book.rows["Aktører"]}
    out = []
    for name in names:
        r = book.names[normalise(name)]
        kind = r.values.get("kind") or "actor"
        parts = r.values.get("members") or [] if kind == "composite" else [ids[id(r)]]
        for part in parts:
            out.append({"text": name, "group" if kinds.get(part) == "group" else "actor": part})
    return out


def _field(r: Row, names_key: str | None, text_key: str, book: CheckedBook, ids: dict) -> dict | None:
    v = r.values
    names = v.get(names_key) or [] if names_key else []
    text = _written(v, text_key)
    if text is None and names:
        text = ", ".join(names)
    if text is None:
        return None
    return {"text": text, "mentions": _mentions(names, book, ids), "sheet_row": _at(r)}


def _money(r: Row) -> dict:
    v = r.values
    period = [v.get("period_start"), v.get("period_end")]
    return {"amount": v["amount"], "currency": v.get("currency") or "NOK", "year": v.get("budget_year"),
            "period": period if period != [None, None] else None, "basis": v.get("basis") or "total",
            "purpose": v.get("purpose"), **({"purpose_basis": v["purpose_basis"]} if v.get("purpose_basis") else {}),
            **({"amount_text": v["amount_text"]} if v.get("amount_text") else {}),
            "text": v.get("text") or "", "sheet_row": _at(r)}


def _measure(r: Row, book: CheckedBook, ids: dict, links: list[Row], money: list[Row]) -> dict:
    v = r.values
    m = {
        "id": v["id"], "id_derived": bool(v.get("id_derived")), "title": v.get("title"),
        "title_derived": bool(v.get("title_derived")), "title_basis": v.get("title_basis"),
        "markers": list(v.get("markers") or []), "is_new": v.get("is_new"), "is_continued": v.get("is_continued"),
        "status": "withdrawn" if v.get("withdrawn") else "active", "level": v["level"],
        "focus_area": v["focus_area"], "section": v.get("section"), "sheet_row": _at(r),
        "description": v.get("description"),
        "responsible": _field(r, "responsible", "responsible_text", book, ids),
        "partners": _field(r, "partners", "partners_text", book, ids),
        "links": None, "priority": None,
        "money": [_money(x) for x in money],
    }
    if m["partners"] is not None and v.get("partners_remarks"):
        m["partners"]["remarks"] = list(v["partners_remarks"])
    targets = [x.values["to_measure"] for x in links if x.values.get("to_measure")]
    others = [x.values["to_document"] for x in links if x.values.get("to_document") and not x.values.get("to_measure")]
    links_text = _written(v, "links_text")
    if links or links_text is not None or v.get("links_unspecified"):
        m["links"] = {"text": ", ".join(targets + others) if links_text is None else links_text, "measures": targets,
                      "other": others,
                      "sheet_row": _at(r),
                      **({"unspecified": v["links_unspecified"]} if v.get("links_unspecified") else {})}
    prio_text = _written(v, "priority_text")
    if v.get("horizon") or prio_text is not None or v.get("status_phrase"):
        m["priority"] = {"text": prio_text or "", "horizon": v.get("horizon"),
                         "status_phrase": v.get("status_phrase"), "sheet_row": _at(r)}
    if v.get("continues"):
        m["continues"] = {"id": v["continues"], "year": v["year"] - 1}
    return {k: val for k, val in m.items() if val is not None or k in _REQUIRED_NULLABLE}


_REQUIRED_NULLABLE = {"title", "title_basis", "is_new", "is_continued", "section", "responsible", "partners",
                      "links", "priority"}


def _programme(p: Row, money: list[Row]) -> dict:
    v = p.values
    prog = {"year": v["year"], "adopted": v.get("adopted"), "adopted_by": v.get("adopted_by"), "sheet_row": _at(p)}
    if v.get("case"):
        prog["case"] = v["case"]
    if money:
        prog["money"] = [_money(x) for x in money]
    if v.get("allocation_case") or v.get("allocation_date"):
        prog["allocation_decision"] = {"case": v.get("allocation_case") or "", "date": v.get("allocation_date") or "",
                                       "sheet_row": _at(p)}
    if v.get("previous_year"):
        prog["previous"] = {"year": v["previous_year"], "adopted": v.get("previous_adopted") or "",
                            "adopted_by": v.get("previous_adopted_by") or "", "sheet_row": _at(p)}
    return prog


def _plan(p: Row) -> dict:
    v = p.values
    plan = {"id": v["plan_id"], "title": v["plan_title"], "sheet_row": _at(p)}
    for key in ("vision", "main_goal"):
        if v.get(key):
            plan[key] = v[key]
    return plan


def _of_year(book: CheckedBook, sheet: str, year: int) -> list[Row]:
    return [r for r in book.rows.get(sheet, []) if r.values.get("year") == year]


def records(book: CheckedBook) -> dict[int, dict]:
    """{programme year: programme record} for every row of the sheet Program."""
    ids = _ids(book)
    out = {}
    for p in book.rows["Program"]:
        year = p.values["year"]
        links = _of_year(book, "Koblinger", year)
        money = _of_year(book, "Økonomi", year)
        stated = [x for x in money if x.values.get("kind") == "stated"]
        rec = {
            "schema_version": 1, "source": source_of(book), "extractor": dict(EXTRACTOR), "anomalies": [],
            "plan": _plan(p),
            "programme": _programme(p, [x for x in stated if not x.values.get("measure")]),
            "focus_areas": [{"code": f.values["code"], "title": f.values["title"], "goal": f.values.get("goal"),
                             "goal_year": f.values.get("goal_year"), "sheet_row": _at(f),
                             **({"section": f.values["section"]} if f.values.get("section") else {})}
                            for f in _of_year(book, "Fokusområder", year)],
            "measures": [_measure(r, book, ids, [x for x in links if x.values["measure"] == r.values["id"]],
                                  [x for x in stated if x.values.get("measure") == r.values["id"]])
                         for r in _of_year(book, "Tiltak", year)],
        }
        optional = {
            "centrality": [{"municipality": c.values["municipality"], "class": c.values["class"],
                            "class_label": c.values["class_label"], "sheet_row": _at(c)}
                           for c in _of_year(book, "Sentralitet", year)],
            "regions": [{"name": g.values["name"], "municipalities": g.values.get("municipalities") or None,
                         "sheet_row": _at(g), **({"note": g.values["note"]} if g.values.get("note") else {})}
                        for g in _of_year(book, "Regioner", year)],
            "referenced_documents": [{"key": d.values["key"], "identifier": d.values.get("identifier"),
                                      "title": d.values["title"], "scope": d.values.get("scope"),
                                      "series": d.values.get("series"), "sheet_row": _at(d)}
                                     for d in _of_year(book, "Dokumenter", year)],
            "allocation_status": [_status(s) for s in _of_year(book, "Statustabell", year)],
            "distribution": [_distribution(x) for x in money if x.values.get("kind") == "distribution"],
            "status_reports": [_report(s) for s in _of_year(book, "Status", year)],
            "indicators": [_indicator(i, _of_year(book, "Indikatorverdier", year))
                           for i in _of_year(book, "Indikatorer", year)],
        }
        rec.update({k: v for k, v in optional.items() if v})
        out[year] = rec
    return out


def _report(s: Row) -> dict:
    """A row of the sheet Status → a status report (the follow-up model, kg.records.model.StatusReport)."""
    v = s.values
    report = {k: v.get(k) for k in ("kind", "measure", "focus_area", "title_in_source", "period", "status_text",
                                    "status_rule", "allocated", "used", "carried_over", "decided", "decision",
                                    "decision_reference")}
    report["status"] = v.get("status_code")
    report["row"] = {"table": v["table"], "n": v["table_row"]} if v.get("table") else None
    report["sheet_row"] = _at(s)
    return report


def _status(s: Row) -> dict:
    v = s.values
    row = {"measure": v.get("measure"), "match_score": v.get("match_score"), "title_in_table": v["title_in_table"],
           "responsible_in_table": v.get("responsible_in_table"), "allocated": v["allocated"], "used": v["used"],
           "carried_over": v["carried_over"], "amount_texts": list(v.get("amount_texts") or []),
           "reference": v.get("reference"), "decision": v.get("decision"), "status": v.get("status"),
           "remark": v.get("remark") or "", "sheet_row": _at(s)}
    if v.get("title_reconstructed") is not None:
        row["title_reconstructed"] = v["title_reconstructed"]
    return row


def _distribution(x: Row) -> dict:
    v = x.values
    row = {"measure": v.get("measure"), "title_in_table": v.get("title_in_table") or v.get("purpose") or "",
           "amount": v["amount"], "remark": v.get("text") or "", "sheet_row": _at(x)}
    for key in ("title_score", "title_matches"):
        if v.get(key) is not None:
            row[key] = v[key]
    return row


def _indicator(i: Row, values: list[Row]) -> dict:
    """A row of Indikatorer with its rows of Indikatorverdier → an indicator (kg.records.model.IndicatorRecord)."""
    v = i.values
    mine = [x for x in values if x.values.get("indicator") == v["id"]]

    def value(x: Row) -> dict:
        return {"period": x.values["period"], "value": x.values["value"], "text": x.values.get("text"),
                "sheet_row": _at(x)}

    baseline = next((value(x) for x in mine if x.values["type"] == "baseline"), None)
    return {"id": v["id"], "title": v["title"], "state": v["state"], "definition": v.get("definition"),
            "unit": v.get("unit"), "direction": v.get("direction"), "baseline": baseline,
            "targets": [value(x) for x in mine if x.values["type"] == "target"],
            "observations": [value(x) for x in mine if x.values["type"] == "actual"],
            "statements": [], "text": v.get("text"), "sheet_row": _at(i)}
