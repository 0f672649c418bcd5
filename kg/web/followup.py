"""Follow-up on the resource pages (issue 10): a measure's timeline across programme years, a programme's
follow-up overview (counts by status, money per focus area as a chart), a plan's follow-up schedule.

Read from the store with quad patterns (no SPARQL), like describe.py. Charts are inline SVG whose
geometry is computed here and whose text the template escapes, so pages work without JavaScript and in
the static site.
"""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox

from ..namespaces import RP
from . import i18n
from .describe import Labeler, _objects, _subjects, _value, source_spans

MONEY = (("allocated", "tildelt", "allocated"), ("used", "brukt", "used"), ("carriedOver", "overført", "carried over"),
         ("decided", "vedtatt fordelt", "decided"))
MONTHS = {"nb": ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
                 "november", "desember"),
          "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                 "November", "December")}
MAX_VERSIONS = 50


def _one(store, node, p):
    v = _objects(store, node, p)
    return v[0] if v else None


def _dec(lit) -> Decimal | None:
    try:
        return Decimal(lit.value) if lit is not None else None
    except ArithmeticError:
        return None


def _year(store, node) -> int | None:
    p = _one(store, node, RP + "inProgramme") or _one(store, node, RP + "reportedIn")
    y = _one(store, p, RP + "programmeYear") if p is not None else None
    return int(y.value[:4]) if y is not None and y.value[:4].isdigit() else None


def _report(store, lab, r) -> dict:
    period = _one(store, r, RP + "reportingPeriod")
    status = _one(store, r, RP + "progressStatus")
    text = _one(store, r, RP + "statusText")
    kind = _one(store, r, RP + "reportKind")
    return {"node": _value(lab, r), "kind": kind.value.rsplit("/", 1)[-1] if kind is not None else "",
            "period": period.value if period is not None else "",
            "status": _value(lab, status) if status is not None else None,
                "text": text.value if text is not None else None,
            "money": [(nb if i18n.current() == "nb" else en, _dec(_one(store, r, RP + p)))
                      for p, nb, en in MONEY if _one(store, r, RP + p) is not None],
            "sources": [s for s in source_spans(store, lab, r) if s["start"]],
            "in_programme": _value(lab, _one(store, r, RP + "reportedIn")) if _one(store, r,
                RP + "reportedIn") else None}


def _versions(store, node) -> list:
    """The measure and every measure it continues or is continued by, transitively (bounded)."""
    seen = {node.value: node}
    todo = [node]
    while todo and len(seen) < MAX_VERSIONS:
        n = todo.pop()
        nxt = (_objects(store, n, RP + "continues") + _subjects(store, RP + "continuedBy", n)
               + _objects(store, n, RP + "continuedBy") + _subjects(store, RP + "continues", n))
        for m in nxt:
            if isinstance(m, ox.NamedNode) and m.value not in seen:
                seen[m.value] = m
                todo.append(m)
    return list(seen.values())


def measure_timeline(store: ox.Store, lab: Labeler, node) -> list[dict]:
    """One entry per version (programme year, oldest first): the measure, its status reports, money per period."""
    out = []
    for v in _versions(store, node):
        reports = [_report(store, lab, r) for r in _subjects(store, RP + "reportsOn", v) if isinstance(r, ox.NamedNode)]
        reports.sort(key=lambda r: (r["period"], r["kind"]))
        out.append({"measure": _value(lab, v), "year": _year(store, v), "current": v.value == node.value,
                    "status": [r for r in reports if r["kind"] == "programme-status"],
                    "money": [r for r in reports if r["money"]]})
    out.sort(key=lambda e: (e["year"] or 0, e["measure"].label))
    return out if len(out) > 1 or any(e["status"] or e["money"] for e in out) else []


def indicator_series(store: ox.Store, lab: Labeler, owners: list) -> list[dict]:
    """Indicators of these resources that have values: [{indicator, unit, points: [(period, type, value)], chart}]."""
    out = []
    for owner in owners:
        for ind in _subjects(store, RP + "indicatorOf", owner):
            points = []
            for obs in _subjects(store, RP + "indicator", ind):
                period, vtype, value = (_one(store, obs, RP + p) for p in ("refPeriod", "valueType", "indicatorValue"))
                if period is not None and value is not None:
                    points.append((period.value, vtype.value.rsplit("/", 1)[-1] if vtype is not None else "",
                        _dec(value)))
            if points:
                unit = _one(store, ind, RP + "unitText")
                points.sort()
                out.append({"indicator": _value(lab, ind), "unit": unit.value if unit is not None else "",
                            "points": points, "chart": line_chart(points)})
    return out


def line_chart(points: list[tuple[str, str, Decimal]], width: int = 560, height: int = 220) -> dict:
    """Geometry of a small chart of indicator values: one marker per value, actual values joined by a line."""
    left, right, top, bottom = 56, 16, 16, 32
    periods = sorted({p for p, _, _ in points})
    values = [v for _, _, v in points]
    lo, hi = min(values + [Decimal(0)]), max(values)
    span = (hi - lo) or Decimal(1)
    xstep = (width - left - right) / max(1, len(periods) - 1)

    def x(p):
        return round(left + periods.index(p) * xstep if len(periods) > 1 else (width - left - right) / 2 + left, 1)

    def y(v):
        return round(top + float((hi - v) / span) * (height - top - bottom), 1)

    marks = [{"x": x(p), "y": y(v), "type": t, "label": f"{p}: {v.normalize():f} ({t})"} for p, t, v in points]
    actual = [m for m in marks if m["type"] == "actual"]
    return {"width": width, "height": height, "marks": marks,
            "line": " ".join(f"{m['x']},{m['y']}" for m in actual),
            "xticks": [{"x": x(p), "label": p} for p in periods],
            "yticks": [{"y": y(v), "label": f"{v.normalize():f}"} for v in sorted({lo, hi})], "axis_y": height - bottom}


def programme_overview(store: ox.Store, lab: Labeler, programme) -> dict | None:
    """Counts of the programme's measures by status, and the money of its status reports per focus area."""
    reports = [r for r in _subjects(store, RP + "reportedIn", programme) if isinstance(r, ox.NamedNode)]
    if not reports:
        return None
    counts: dict[str, list] = {}
    money: dict[tuple[str, str], dict] = {}
    for r in reports:
        kind = _one(store, r, RP + "reportKind")
        kind = kind.value.rsplit("/", 1)[-1] if kind is not None else ""
        if kind == "programme-status":
            st = _one(store, r, RP + "progressStatus")
            key = st.value if st is not None else ""
            counts.setdefault(key, [_value(lab, st) if st is not None else None, 0])[1] += 1
        fa = _one(store, r, RP + "reportFocusArea")
        period = _one(store, r, RP + "reportingPeriod")
        for p, _nb, _en in MONEY:
            amount = _dec(_one(store, r, RP + p))
            if amount is None:
                continue
            cell = money.setdefault((period.value if period is not None else "", fa.value if fa is not None else ""),
                                    {"period": period.value if period is not None else "",
                                     "focus_area": _value(lab, fa) if fa is not None else None, "sums": {}})
            cell["sums"][p] = cell["sums"].get(p, Decimal(0)) + amount
    measures = len([m for m in _subjects(store, RP + "inProgramme", programme)
                    if _one(store, m, RP + "measureId") is not None])
    with_status = sum(n for _, n in counts.values())
    status_rows = sorted(counts.values(), key=lambda c: -c[1]) + [[None,
        measures - with_status]] * (measures > with_status)
    groups = sorted(money.values(), key=lambda c: (c["period"], c["focus_area"].label if c["focus_area"] else "~"))
    return {"status_counts": status_rows, "money": groups, "chart": bar_chart(groups)}


def bar_chart(groups: list[dict], width: int = 640) -> dict:
    """Geometry of grouped horizontal bars: per (period, focus area) one bar per money kind it has."""
    left, right, bar, gap = 250, 120, 16, 12
    peak = max([v for g in groups for v in g["sums"].values()] + [Decimal(1)])
    rows, y = [], 8
    for g in groups:
        label = f"{g['period']} · {g['focus_area'].label if g['focus_area'] else i18n.t('uten satsingsområde')}"
        bars = []
        for i, (p, nb, en) in enumerate(MONEY):
            if p in g["sums"]:
                v = g["sums"][p]
                w = round(float(v / peak) * (width - left - right), 1)
                bars.append({"y": y, "w": w, "kind": p, "cls": f"money-{i}", "value": f"{v.normalize():f}",
                             "label": nb if i18n.current() == "nb" else en})
                y += bar + 2
        rows.append({"label": label, "y": bars[0]["y"] if bars else y, "bars": bars})
        y += gap
    return {"width": width, "height": y + 8, "left": left, "bar": bar, "rows": rows}


def plan_schedule(store: ox.Store, lab: Labeler, plan) -> list[dict]:
    """The plan's follow-up schedule entries, in schedule order."""
    out = []
    for sched in _objects(store, plan, RP + "followUpSchedule"):
        entries = _objects(store, sched, RP + "scheduleEntry")
        for e in sorted(entries, key=lambda n: int(n.value.rsplit("/", 1)[-1]) if n.value.rsplit("/",
            1)[-1].isdigit() else 0):
            month = _one(store, e, RP + "month")
            text = {p: _one(store, e, RP + p) for p in ("reportedWhat", "reportDocument", "reporterText",
                "recipientText",
                                                        "recipientBasis")}
            out.append({"node": _value(lab, e), "kind": _value(lab, _one(store, e, RP + "scheduleKind")),
                        "month": MONTHS[i18n.current()][int(month.value) - 1] if month is not None else None,
                        "frequency": _value(lab, _one(store, e, RP + "frequency")) if _one(store, e,
                            RP + "frequency") else None,
                        **{k: (v.value if v is not None else None) for k, v in text.items()},
                        "statement": _value(lab, _one(store, e, RP + "statedIn")) if _one(store, e,
                            RP + "statedIn") else None,
                        "sources": [s for s in source_spans(store, lab, e) if s["start"]]})
    return out


def plan_indicators(store: ox.Store, lab: Labeler, plan) -> list[dict]:
    """The plan's indicators with their state (announced / defined)."""
    out = []
    for ind in _subjects(store, RP + "indicatorOf", plan):
        st = _one(store, ind, RP + "indicatorState")
        out.append({"indicator": _value(lab, ind), "state": _value(lab, st) if st is not None else None})
    return out
