"""The checks of a workbook, each a small named unit that returns CellIssues naming sheet, row and column.

``check(raw)`` runs them in order and returns a CheckedBook: typed rows (values parsed by the column
types of kg.workbook.sheets) and every issue. Errors stop `kg import`; warnings do not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..authority import normalise
from ..errors import CellIssue
from ..text import similarity
from .read import RawBook
from .sheets import BY_NAME, LIST_SEP, SHEETS, VOCABS, Sheet, letter

MEASURE_ID = re.compile(r"^[A-Z]{1,3}[0-9]{1,3}[A-Z]?$")
ACTOR_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED_SHEETS = ("Program", "Tiltak")


@dataclass
class Row:
    sheet: str
    row: int
    values: dict                     # column key -> typed value (None when blank or bad)
    letters: dict                    # column key -> column letter in this file

    def ref(self, key: str) -> str:
        return f"{self.sheet}!{self.letters.get(key, '')}{self.row}"


@dataclass
class CheckedBook:
    raw: RawBook
    rows: dict[str, list[Row]]
    issues: list[CellIssue] = field(default_factory=list)
    names: dict = field(default_factory=dict)   # normalised actor name -> Row of Aktører

    @property
    def errors(self) -> list[CellIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[CellIssue]:
        return [i for i in self.issues if i.severity == "warning"]


def _issue(sev: str, check: str, row: Row, key: str | None, message: str, hint: str = "") -> CellIssue:
    return CellIssue(sev, check, row.sheet, row.row, row.letters.get(key) if key else None,
                     row.values.get(key) if key else None, message, hint)


def _suggest(value: str, candidates) -> str:
    best = max(candidates, key=lambda c: similarity(value, c), default=None)
    return best if best is not None and similarity(value, best) >= 0.8 else ""


# --- 1. structure -------------------------------------------------------------------------------

def check_sheets(raw: RawBook) -> list[CellIssue]:
    """Every required sheet is there; unknown sheets are reported (and ignored)."""
    out = []
    for name in REQUIRED_SHEETS:
        if name not in raw.sheets:
            out.append(CellIssue("error", "sheets", name, None, None, None, "sheet missing",
                                 f"add a sheet named {name!r} (`kg template` writes one with every sheet)"))
    for name in raw.sheets:
        if name not in BY_NAME and name != "Veiledning":
            near = _suggest(name, BY_NAME)
            out.append(CellIssue("warning", "sheets", name, None, None, None, "unknown sheet, ignored",
                                 f"did you mean {near!r}? Rename it" if near else f"the sheets are {', '.join(BY_NAME)}"))
    return out


def check_headers(spec: Sheet, headers: list[str]) -> tuple[dict, list[CellIssue]]:
    """Map row 1 to the spec's columns (by nb header); returns {key: column number} and issues."""
    by_header = {c.header.casefold(): c for c in spec.columns}
    found, out = {}, []
    for i, h in enumerate(headers, start=1):
        if not h:
            continue
        col = by_header.get(h.casefold())
        if col is None:
            near = _suggest(h, [c.header for c in spec.columns])
            out.append(CellIssue("warning", "headers", spec.name, 1, letter(i), h, f"unknown column {h!r}, ignored",
                                 f"did you mean {near!r}?" if near else "see the sheet Veiledning for the columns"))
        elif col.key in found:
            out.append(CellIssue("error", "headers", spec.name, 1, letter(i), h, f"column {h!r} appears twice",
                                 "delete one of them"))
        else:
            found[col.key] = i
    for c in spec.columns:
        if c.required and c.key not in found:
            out.append(CellIssue("error", "headers", spec.name, 1, None, None, f"required column {c.header!r} missing",
                                 f"add a column headed {c.header!r} ({c.help_en})"))
    return found, out


# --- 2. cell types --------------------------------------------------------------------------------

class Bad(Exception):
    def __init__(self, message: str, hint: str):
        self.message, self.hint = message, hint


def parse(col, value):
    """A cell's raw value → the typed value of its column; raises Bad."""
    if value is None:
        return None
    t = col.type
    if t in ("int", "year"):
        if isinstance(value, bool):
            raise Bad(f"{value!r} is not a whole number", "write digits only")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
            value = int(value)
        if not isinstance(value, int):
            hint = ("write whole kroner with digits only, no spaces, points or 'mill.' (e.g. 2000000)"
                    if t == "int" else "write the year with four digits (e.g. 2025)")
            raise Bad(f"bad number {value!r}", hint)
        if t == "year" and not 1900 <= value <= 2200:
            raise Bad(f"{value} is not a year", "write the year with four digits (e.g. 2025)")
        return value
    if t == "float":
        try:
            return float(str(value).replace(",", "."))
        except ValueError:
            raise Bad(f"bad number {value!r}", "write a decimal number such as 0.85") from None
    if t == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        s = str(value)
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s)
        if m:
            s = f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
        try:
            return dt.date.fromisoformat(s).isoformat()
        except ValueError:
            raise Bad(f"bad date {value!r}", "write it as YYYY-MM-DD (2025-02-18) or DD.MM.YYYY") from None
    s = str(value).strip() if not isinstance(value, str) else value
    if isinstance(value, float) and value.is_integer():
        s = str(int(value))
    if t == "bool":
        code = VOCABS["yes-no"].code(s)
        if code is None:
            raise Bad(f"{s!r} is not ja or nei", "write ja or nei (or leave it blank)")
        return code == "true"
    if t == "list":
        return [part.strip() for part in s.split(LIST_SEP) if part.strip()]
    if t == "code" and col.vocab and VOCABS[col.vocab].labels:
        vocab = VOCABS[col.vocab]
        code = vocab.code(s)
        if code is None:
            near = _suggest(s, vocab.labels.values())
            raise Bad(f"{s!r} is not a value of this column",
                      (f"did you mean {near!r}? " if near else "") + f"choose one of: {', '.join(vocab.labels.values())}")
        return code
    return s


def type_rows(spec: Sheet, raw_rows, columns: dict) -> tuple[list[Row], list[CellIssue]]:
    """Parse every cell; blank required cells and unparsable cells are errors."""
    rows, out = [], []
    letters = {k: letter(i) for k, i in columns.items()}
    for n, cells in raw_rows:
        row = Row(spec.name, n, {}, letters)
        for c in spec.columns:
            i = columns.get(c.key)
            raw = cells[i - 1] if i and i - 1 < len(cells) else None
            try:
                row.values[c.key] = parse(c, raw)
            except Bad as e:
                row.values[c.key] = None
                out.append(CellIssue("error", "cell-type", spec.name, n, letters.get(c.key), raw, e.message, e.hint))
                continue
            if c.required and row.values[c.key] in (None, []):
                out.append(CellIssue("error", "required", spec.name, n, letters.get(c.key), None,
                                     f"{c.header!r} is empty", f"fill it in: {c.help_en}"))
        rows.append(row)
    return rows, out


# --- 3. keys and references ------------------------------------------------------------------

def check_unique(rows: list[Row], keys: tuple[str, ...], what: str) -> list[CellIssue]:
    """No two rows share the key (e.g. programme year + measure id)."""
    seen: dict[tuple, Row] = {}
    out = []
    for r in rows:
        key = tuple(r.values.get(k) for k in keys)
        if None in key:
            continue
        if key in seen:
            out.append(_issue("error", "unique", r, keys[-1], f"duplicate {what} {'/'.join(map(str, key))!r} "
                              f"(also in row {seen[key].row})", "give each row its own id, or delete the copy"))
        else:
            seen[key] = r
    return out


def actor_names(rows: list[Row]) -> tuple[dict, list[CellIssue]]:
    """Every name and alias of the Aktører sheet → its row; a name claimed twice is an error."""
    names: dict[str, Row] = {}
    out = []
    for r in rows:
        for key in ("name", "aliases", "former_names"):
            vals = r.values.get(key)
            for name in (vals if isinstance(vals, list) else [vals] if vals else []):
                k = normalise(name)
                if k in names and names[k] is not r:
                    out.append(_issue("error", "actor-names", r, key,
                                      f"the name {name!r} is also used in row {names[k].row}",
                                      "each name and alias may stand on one row only"))
                names.setdefault(k, r)
        ident = r.values.get("id")
        if ident and not ACTOR_ID.fullmatch(ident):
            out.append(_issue("error", "actor-id", r, "id", f"bad id {ident!r}", "lower-case letters, digits and '-'"))
    out += check_unique(rows, ("id",), "actor id")
    return names, out


def check_actor_refs(rows: list[Row], names: dict) -> list[CellIssue]:
    """Ansvarlig / Samarbeidspartnere name actors of the Aktører sheet; a near miss is offered by its
    canonical name (the alias it resembles may itself be a misprint kept from a source)."""
    actors = {id(r): r for r in names.values()}.values()
    out = []
    for r in rows:
        for key in ("responsible", "partners"):
            for name in r.values.get(key) or []:
                if normalise(name) in names:
                    continue
                score, best = max(((max(similarity(name, n) for n in [a.values["name"] or "",
                                                                      *(a.values.get("aliases") or [])]),
                                    a.values["name"]) for a in actors), default=(0.0, ""))
                hint = (f"did you mean {best!r}? " if score >= 0.8 else "") + "Add it to Aktører or fix the spelling"
                out.append(_issue("error", "actor-ref", r, key, f"unknown actor {name!r}", hint))
    return out


def check_focus_refs(rows: list[Row], areas: list[Row]) -> list[CellIssue]:
    """A measure's focus area is one of its year's focus areas; its id starts with the area's code."""
    codes = {(a.values["year"], a.values["code"]) for a in areas if a.values.get("code")}
    out = []
    for r in rows:
        fa, year, mid = r.values.get("focus_area"), r.values.get("year"), r.values.get("id")
        if fa is None or year is None:
            continue
        if (year, fa) not in codes:
            known = sorted(c for y, c in codes if y == year)
            out.append(_issue("error", "focus-area-ref", r, "focus_area", f"unknown focus area {fa!r} for {year}",
                              f"use one of {', '.join(known)}" if known else f"add focus area {fa!r} for {year} to Fokusområder"))
        elif mid and not mid.startswith(fa):
            out.append(_issue("warning", "id-prefix", r, "id",
                              f"measure id {mid!r} does not start with its focus area {fa!r}",
                              "check the id or the focus area"))
    return out


def check_measure_ids(rows: list[Row]) -> list[CellIssue]:
    return [_issue("error", "measure-id", r, "id", f"bad measure id {r.values['id']!r}",
                   "a focus-area code, a number and an optional A/B: K1, A12, K2A")
            for r in rows if r.values.get("id") and not MEASURE_ID.fullmatch(r.values["id"])]


def check_measure_refs(book: CheckedBook) -> list[CellIssue]:
    """Links, money and status rows name measures of their year; 'Viderefører' one of the year before."""
    ids = {(r.values.get("year"), r.values.get("id")) for r in book.rows.get("Tiltak", [])}
    out = []
    for sheet, key, sev in (("Koblinger", "measure", "error"), ("Koblinger", "to_measure", "warning"),
                            ("Økonomi", "measure", "error"), ("Statustabell", "measure", "warning"),
                            ("Status", "measure", "error")):
        for r in book.rows.get(sheet, []):
            mid = r.values.get(key)
            if mid and (r.values.get("year"), mid) not in ids:
                if sheet == "Økonomi" and r.values.get("kind") == "distribution":
                    sev_here = "warning"
                else:
                    sev_here = sev
                out.append(_issue(sev_here, "measure-ref", r, key, f"no measure {mid!r} in {r.values.get('year')}",
                                  "add it to Tiltak or fix the id" + (" (kept as an unresolved link)" if sev_here == "warning" else "")))
    for r in book.rows.get("Koblinger", []):
        if not r.values.get("to_measure") and not r.values.get("to_document"):
            out.append(_issue("error", "link-target", r, "to_measure", "the link goes nowhere",
                              "fill in 'Til tiltak' or 'Til strategi eller plan'"))
    for r in book.rows.get("Tiltak", []):
        prev = r.values.get("continues")
        year = r.values.get("year")
        if prev and year and (year - 1, prev) not in ids:
            out.append(_issue("error", "continues", r, "continues", f"no measure {prev!r} in {year - 1} to continue",
                              f"give the id of a {year - 1} measure, or leave it blank for a new measure"))
    return out


def check_programme_refs(book: CheckedBook) -> list[CellIssue]:
    """Every row of the other sheets belongs to a programme year of the sheet Program."""
    years = {r.values.get("year") for r in book.rows.get("Program", [])}
    out = []
    for sheet, rows in book.rows.items():
        if sheet in ("Program", "Aktører"):
            continue
        for r in rows:
            y = r.values.get("year")
            if y is not None and y not in years:
                out.append(_issue("error", "programme-ref", r, "year", f"no programme {y} in the sheet Program",
                                  f"add a row for {y} to Program or fix the year"))
    return out


def check_money(rows: list[Row]) -> list[CellIssue]:
    out = []
    for r in rows:
        v = r.values
        if v.get("amount") is not None and v["amount"] < 0:
            out.append(_issue("error", "money", r, "amount", f"negative amount {v['amount']}",
                              "amounts are whole kroner ≥ 0"))
        if v.get("period_start") and v.get("period_end") and v["period_start"] > v["period_end"]:
            out.append(_issue("error", "money", r, "period_end",
                              f"period ends ({v['period_end']}) before it starts ({v['period_start']})",
                              "swap the years"))
        if v.get("kind") == "stated" and not v.get("text"):
            out.append(_issue("warning", "money", r, "text", "no text for the amount",
                              "quote the sentence that states it"))
    return out


def check_status(rows: list[Row]) -> list[CellIssue]:
    out = []
    for r in rows:
        v = r.values
        if None not in (v.get("allocated"), v.get("used"),
                        v.get("carried_over")) and v["used"] + v["carried_over"] != v["allocated"]:
            out.append(_issue("warning", "status-sum", r, "carried_over",
                              f"used + carried over = {v['used'] + v['carried_over']}, allocated = {v['allocated']}",
                              "check the three amounts"))
    return out


def check_reports(book: CheckedBook) -> list[CellIssue]:
    """A status report names a measure or a table row (both table and row number, a row that exists),
    and no two reports of a year name the same measure (without a row) or the same table row."""
    counts: dict[tuple, int] = {}
    for r in book.rows.get("Statustabell", []):
        key = (r.values.get("year"), "allocation-status")
        counts[key] = counts.get(key, 0) + 1
    for r in book.rows.get("Økonomi", []):
        if r.values.get("kind") == "distribution":
            key = (r.values.get("year"), "distribution")
            counts[key] = counts.get(key, 0) + 1
    out, seen = [], {}
    for r in book.rows.get("Status", []):
        v = r.values
        table, n = v.get("table"), v.get("table_row")
        if (table is None) != (n is None):
            out.append(_issue("error", "report-row", r, "table_row" if table else "table",
                              "give both the table and the row number, or neither",
                              "fill in Tabell and Tabellrad together"))
            continue
        if table and not 1 <= n <= counts.get((v.get("year"), table), 0):
            where = "Statustabell" if table == "allocation-status" else "the fordeling rows of Økonomi"
            out.append(_issue("error", "report-row", r, "table_row", f"no row {n} in {where} for {v.get('year')}",
                              f"there are {counts.get((v.get('year'), table), 0)}; fix the number"))
            continue
        if not table and not v.get("measure"):
            out.append(_issue("error", "report-measure", r, "measure",
                              "the report names neither a measure nor a table row",
                              "fill in Tiltak, or Tabell and Tabellrad"))
            continue
        key = (v.get("year"), table, n) if table else (v.get("year"), v.get("measure"))
        if None not in key:
            if key in seen:
                out.append(_issue("error", "unique", r, "table_row" if table else "measure",
                                  f"a second status report for {'/'.join(map(str, key))!r} (also in row {seen[key].row})",
                                  "one report per measure (or table row) and programme year"))
            seen.setdefault(key, r)
    return out


def check_indicators(indicators: list[Row], values: list[Row]) -> list[CellIssue]:
    """Indicator ids are well formed; an only announced indicator has no definition or values; each value
    names an indicator of its year; one baseline per indicator, one value per kind and period."""
    out = []
    known = {}
    for r in indicators:
        v = r.values
        if v.get("id") and not re.fullmatch(r"[a-z0-9-]+", v["id"]):
            out.append(_issue("error", "indicator-id", r, "id", f"bad indicator id {v['id']!r}",
                              "use lower-case letters, digits and '-' only (e.g. andel-unge-i-arbeid)"))
        if v.get("year") is not None and v.get("id"):
            known[(v["year"], v["id"])] = v.get("state")
        if v.get("state") == "announced":
            for key in ("definition", "unit", "direction"):
                if v.get(key) is not None:
                    out.append(_issue("error", "indicator-announced", r, key,
                                      f"indicator {v.get('id')!r} is only announced (varslet) but has a {key}",
                                      "set Tilstand to definert, or leave the cell empty"))
    seen: dict[tuple, Row] = {}
    for r in values:
        v = r.values
        key = (v.get("year"), v.get("indicator"))
        if None in key:
            continue
        if key not in known:
            ids = sorted(i for y, i in known if y == key[0])
            near = _suggest(key[1], ids)
            out.append(_issue("error", "indicator-ref", r, "indicator", f"unknown indicator {key[1]!r} for {key[0]}",
                              (f"did you mean {near!r}? " if near else "")
                              + f"add it to Indikatorer for {key[0]} or fix the id"))
            continue
        if known[key] == "announced":
            out.append(_issue("error", "indicator-announced", r, "value",
                              f"indicator {key[1]!r} is only announced (varslet): it has no values yet",
                              "set its Tilstand to definert in Indikatorer, or remove this row"))
        slot = (*key, "baseline") if v.get("type") == "baseline" else (*key, v.get("type"), v.get("period"))
        if slot in seen:
            what = "a second baseline" if v.get("type") == "baseline" else "a second value of this kind and period"
            out.append(_issue("error", "indicator-duplicate", r, "period", f"{what} for {key[1]!r} "
                              f"(first in row {seen[slot].row})", "keep one of the two rows"))
        else:
            seen[slot] = r
    return out


def check_plan_id(rows: list[Row], plan_id: str | None) -> list[CellIssue]:
    """A programme of another plan than the dataset's (kg.toml [plan] id) is published under that plan's
    IRIs: usually a slip when the sheet was filled in, so say so (a dataset may hold other plans too)."""
    if not plan_id:
        return []
    return [_issue("warning", "plan-id", r, "plan_id",
                   f"plan id {r.values['plan_id']!r} is not this dataset's plan {plan_id!r} (kg.toml [plan] id): "
                   f"its measures will be published under plan/{r.values['plan_id']}/",
                   f"write {plan_id!r} here, or change id in kg.toml if the workbook is right")
            for r in rows if r.values.get("plan_id") and r.values["plan_id"] != plan_id]


def check(raw: RawBook, plan_id: str | None = None) -> CheckedBook:
    """Run every check; returns the typed rows and the issues (errors first, each in sheet/row order)."""
    book = CheckedBook(raw, {})
    book.issues += check_sheets(raw)
    for spec in SHEETS:
        sheet = raw.sheets.get(spec.name)
        if sheet is None:
            book.rows[spec.name] = []
            continue
        columns, issues = check_headers(spec, sheet.headers)
        book.issues += issues
        book.rows[spec.name], issues = type_rows(spec, sheet.rows, columns)
        book.issues += issues
    r = book.rows
    if "Program" in raw.sheets and not r["Program"]:
        book.issues.append(CellIssue("error", "programme", "Program", 2, None, None, "no programme",
                                     "fill in one row per programme year (Programår, Plan-id, Plantittel)"))
    book.issues += check_unique(r["Program"], ("year",), "programme year")
    book.issues += check_plan_id(r["Program"], plan_id)
    book.issues += check_unique(r["Fokusområder"], ("year", "code"), "focus area")
    book.issues += check_unique(r["Tiltak"], ("year", "id"), "measure id")
    book.issues += check_measure_ids(r["Tiltak"])
    book.names, issues = actor_names(r["Aktører"])
    book.issues += issues
    book.issues += check_actor_refs(r["Tiltak"], book.names)
    book.issues += check_focus_refs(r["Tiltak"], r["Fokusområder"])
    book.issues += check_measure_refs(book)
    book.issues += check_programme_refs(book)
    book.issues += check_money(r["Økonomi"])
    book.issues += check_status(r["Statustabell"])
    book.issues += check_status([x for x in r["Status"] if x.values.get("kind") == "allocation-status"])
    book.issues += check_reports(book)
    book.issues += check_unique(r["Indikatorer"], ("year", "id"), "indicator id")
    book.issues += check_indicators(r["Indikatorer"], r["Indikatorverdier"])
    order = {s.name: i for i, s in enumerate(SHEETS)}
    book.issues.sort(key=lambda i: (i.severity != "error", order.get(i.sheet, -1), i.row or 0, i.column or ""))
    return book
