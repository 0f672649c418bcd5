"""Data-level differences between two releases or two programme years (the changelog).

Measures are compared field by field (title, status, level, focus area, responsible, partners, links,
horizon, money), and by what the programme reports on them in follow-up (its status reports,
kg/records/model.py StatusReport): ``follow_up_status`` (the status concept and the text as written) and
``follow_up_money`` (allocated / used / carried over / decided per period). Follow-up is compared when the
later side reports it: a new programme that states no status for a measure does not change its status.
Between two programme years measures are paired by the successor links in
`successors.json` (an id such as K5 does not prove identity across years); between two releases the
same programme year's measures are paired by id. Actors are compared by authority id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD

from ..authority import AuthorityError, load_authority
from ..records.model import AnyRecord, FieldText, Measure, ProgrammeRecord, SuccessorsRecord
from ..records.validate import RecordError, programmes
from ..records.validate import read as read_record
from ..uris import Minter

CS = Namespace("http://purl.org/vocab/changeset/schema#")
FIELDS = ("title", "status", "level", "focus_area", "responsible", "partners", "links", "horizon", "money",
          "follow_up_status", "follow_up_money")
#: compared only when the later side states them (see the module docstring)
FOLLOW_UP = ("follow_up_status", "follow_up_money")
_MONEY = (("allocated", "allocated"), ("used", "used"), ("carried_over", "carried over"), ("decided", "decided"))


class DiffError(Exception):
    """Input the diff cannot read (message names the file)."""


def _view(title, status, level, focus_area, responsible: list[str], partners: list[str], links: list[str],
          horizon, money: list[str]) -> dict:
    return {"title": title, "status": status, "level": level, "focus_area": focus_area, "responsible": responsible,
            "partners": partners, "links": links, "horizon": horizon, "money": money}


def _when(period, year) -> str:
    return f"{period[0]}–{period[1]}" if period else str(year or "")


def _amount(amount, currency, when: str, basis) -> str:
    return " ".join(str(x) for x in (amount, currency or "NOK", when, basis or "") if x).strip()


def _field(f: FieldText | None) -> list[str]:
    """A field's actors and groups, or its text when it names none (so a change of wording shows)."""
    if f is None:
        return []
    ids = [m.actor or (f"group:{m.group}" if m.group else f"text:{m.text}") for m in f.mentions]
    return ids or ([f.text] if f.text else [])


def _nok(n: int) -> str:
    return f"{n:,}".replace(",", " ") + " NOK"


def follow_up_view(reports: list) -> dict:
    """``follow_up_status`` and ``follow_up_money`` of one measure from its status reports (model objects,
    or dicts of a pre-model record): the status as 'concept (text as written)', the money as
    'period: allocated 500 000 NOK, used …' per report, in the order the record lists them."""
    def get(r, key):
        return r.get(key) if isinstance(r, dict) else getattr(r, key)

    status, money = [], []
    for r in reports:
        if get(r, "kind") == "programme-status" and (get(r, "status") or get(r, "status_text")):
            text = get(r, "status_text")
            status.append(f"{get(r, 'status') or '?'}" + (f" ({text})" if text else ""))
        amounts = [f"{label} {_nok(get(r, key))}" for key, label in _MONEY if get(r, key) is not None]
        if amounts:
            said = get(r, "status_text") if get(r, "kind") != "programme-status" else None
            money.append(f"{get(r, 'period')}: " + ", ".join(amounts) + (f" ({said})" if said else ""))
    return {"follow_up_status": status, "follow_up_money": money}


def measure_view(m: Measure | dict, reports: list | None = None) -> dict:
    """The comparable fields of one measure (see docs/design.md, MEASURE) and its follow-up (``reports``:
    the status reports its programme gives about it): a model object, or the dict of a programme record
    from before the records model (an older release; `_legacy_view`)."""
    if isinstance(m, dict):
        return {**_legacy_view(m), **follow_up_view(reports or [])}
    return {**_view(m.title, m.status, m.level, m.focus_area, _field(m.responsible), _field(m.partners),
                 (m.links.measures + m.links.other) if m.links else [], m.priority.horizon if m.priority else None,
                 [_amount(x.amount, x.currency, _when(x.period, x.year), x.basis) for x in m.money]),
            **follow_up_view(reports or [])}


def _legacy_view(m: dict) -> dict:
    """measure_view of a pre-model measure dict (no model describes it: every key may be missing)."""
    def field(f: dict | None) -> list[str]:
        ids = [x.get("actor") or (f"group:{x['group']}" if x.get("group") else f"text:{x.get('text')}")
               for x in (f or {}).get("mentions") or []]
        return ids or ([f["text"]] if (f or {}).get("text") else [])

    links = m.get("links") or {}
    return _view(m.get("title"), m.get("status"), m.get("level"), m.get("focus_area"), field(m.get("responsible")),
                 field(m.get("partners")), list(links.get("measures") or []) + list(links.get("other") or []),
                 (m.get("priority") or {}).get("horizon"),
                 [_amount(x.get("amount"), x.get("currency"), _when(x.get("period"), x.get("year")), x.get("basis"))
                  for x in m.get("money") or []])


@dataclass
class Change:
    kind: str                   # added | removed | withdrawn | changed | actor-added | actor-removed | actor-renamed
    subject: str                # "2025/K3" or "actor:nav"
    previous: str | None = None
    title: str | None = None
    fields: dict = field(default_factory=dict)   # name -> {"from": x, "to": y}

    def as_json(self) -> dict:
        return {"kind": self.kind, "subject": self.subject, "previous": self.previous, "title": self.title,
                "fields": self.fields}


@dataclass
class Snapshot:
    """What one side of a comparison holds: measures keyed 'year/id', actors keyed by id."""
    label: str
    measures: dict[str, dict]
    actors: dict[str, dict]
    records_dir: Path | None = None


def _read_json(path: Path) -> AnyRecord | dict:
    """A record file, through the records model (kg.records.validate.read: pre-model releases as dicts)."""
    try:
        return read_record(path)
    except FileNotFoundError:
        raise DiffError(f"{path}: not found") from None
    except RecordError as e:
        raise DiffError(str(e)) from None


def _actors(authority_file: Path) -> dict[str, dict]:
    if not authority_file.exists():
        return {}
    try:
        auth = load_authority(authority_file)
    except AuthorityError as e:
        raise DiffError(str(e)) from None
    out = {}
    for kind, items in (("actor", auth.actors.values()), ("group", auth.groups.values())):
        for e in items:
            out[e["id"] if kind == "actor" else f"group:{e['id']}"] = {"label": e.get("label"),
                                                                      "former_names": e.get("former_names") or []}
    return out


def _programmes(records_dir: Path, years: list[int] | None) -> list[tuple[int, ProgrammeRecord | dict]]:
    try:
        by_year = programmes(records_dir)
    except RecordError as e:
        raise DiffError(str(e)) from None
    return [(year, rec) for year, rec in sorted(by_year.items()) if years is None or year in years]


def programme_records(records_dir: Path, years: list[int] | None = None) -> list[tuple[int, Measure | dict]]:
    """(year, measure) of the dataset's programme records (found by the record's kind, not its file name)
    of the given years: model objects, or dicts of a pre-model record (kg.records.validate.programmes)."""
    out: list[tuple[int, Measure | dict]] = []
    for year, rec in _programmes(records_dir, years):
        out += [(year, m) for m in (rec.get("measures") or [] if isinstance(rec, dict) else rec.measures)]
    return out


def _reports_by_measure(rec: ProgrammeRecord | dict) -> dict[str, list]:
    reports = (rec.get("status_reports") if isinstance(rec, dict) else rec.status_reports) or []
    out: dict[str, list] = {}
    for r in reports:
        mid = r.get("measure") if isinstance(r, dict) else r.measure
        if mid:
            out.setdefault(mid, []).append(r)
    return out


def _id(m: Measure | dict) -> str:
    return m["id"] if isinstance(m, dict) else m.id


def _continues(m: Measure | dict) -> tuple[str | None, int | None]:
    """The measure (id, year) a measure names in ``continues`` (a workbook's 'Viderefører')."""
    if isinstance(m, dict):
        ref = m.get("continues") or {}
        return ref.get("id"), ref.get("year")
    return (m.continues.id, m.continues.year) if m.continues else (None, None)


def programme_measures(records_dir: Path, years: list[int] | None = None) -> dict[str, dict]:
    out = {}
    for year, rec in _programmes(records_dir, years):
        reports = _reports_by_measure(rec)
        for m in rec.get("measures") or [] if isinstance(rec, dict) else rec.measures:
            out[f"{year}/{_id(m)}"] = measure_view(m, reports.get(_id(m)))
    return out


def release_snapshot(release_dir: Path) -> Snapshot:
    release_dir = Path(release_dir)
    if not (release_dir / "records").is_dir():
        raise DiffError(f"{release_dir}: not a release directory (no records/ folder)")
    return Snapshot(release_dir.name, programme_measures(release_dir / "records"),
                    _actors(release_dir / "authority" / "actors.yaml"), release_dir / "records")


def _compare_measures(a: dict, b: dict, pairs: list[tuple[str, str]], changes: list[Change]) -> None:
    paired_a = {x for x, _ in pairs}
    paired_b = {y for _, y in pairs}
    for x, y in pairs:
        va, vb = a[x], b[y]
        diff = {f: {"from": va[f], "to": vb[f]} for f in FIELDS
                if va[f] != vb[f] and (f not in FOLLOW_UP or vb[f])}
        if vb["status"] == "withdrawn" and va["status"] != "withdrawn":
            changes.append(Change("withdrawn", y, x, vb["title"], diff))
        elif diff:
            changes.append(Change("changed", y, x, vb["title"], diff))
    for y in b:
        if y not in paired_b:
            changes.append(Change("added", y, None, b[y]["title"]))
    for x in a:
        if x not in paired_a:
            changes.append(Change("withdrawn" if a[x]["status"] == "withdrawn" else "removed", x, None, a[x]["title"]))


def _compare_actors(a: dict, b: dict, changes: list[Change]) -> None:
    for k in sorted(set(b) - set(a)):
        changes.append(Change("actor-added", f"actor:{k}", title=b[k]["label"]))
    for k in sorted(set(a) - set(b)):
        changes.append(Change("actor-removed", f"actor:{k}", title=a[k]["label"]))
    for k in sorted(set(a) & set(b)):
        if a[k]["label"] != b[k]["label"]:
            changes.append(Change("actor-renamed", f"actor:{k}", title=b[k]["label"],
                                  fields={"label": {"from": a[k]["label"], "to": b[k]["label"]}}))


def _order(c: Change) -> tuple:
    kinds = ["added", "withdrawn", "removed", "changed", "actor-added", "actor-renamed", "actor-removed"]
    return (kinds.index(c.kind), c.subject)


def diff_releases(a_dir: Path, b_dir: Path) -> list[Change]:
    a, b = release_snapshot(a_dir), release_snapshot(b_dir)
    changes: list[Change] = []
    _compare_measures(a.measures, b.measures, [(k, k) for k in a.measures if k in b.measures], changes)
    _compare_actors(a.actors, b.actors, changes)
    return sorted(changes, key=_order)


def successor_pairs(records_dir: Path, year_a: int, year_b: int) -> list[tuple[str, str]]:
    """'year_a/ID' → 'year_b/ID' pairs: successors.json (derived for extracted programmes) and each
    year_b measure's own ``continues`` (set in a workbook's 'Viderefører' column)."""
    path = records_dir / "successors.json"
    pairs = []
    if path.exists():
        rec = _read_json(path)
        for i, (src, dst) in enumerate(_pairs(rec)):
            if src is None or dst is None:
                raise DiffError(f"{path}: pairs[{i}] has no from/to")
            if src.startswith(f"{year_a}/") and dst.startswith(f"{year_b}/"):
                pairs.append((src, dst))
    for _, m in programme_records(records_dir, [year_b]):
        cont, cont_year = _continues(m)
        if cont and (cont_year or year_b - 1) == year_a:
            pair = (f"{year_a}/{cont}", f"{year_b}/{_id(m)}")
            if pair not in pairs:
                pairs.append(pair)
    if not pairs:
        raise DiffError(f"{records_dir}: no successor links from {year_a} to {year_b} (successors.json, or "
                        f"'Viderefører' in a workbook)")
    return pairs


def _pairs(rec: AnyRecord | dict) -> list[tuple[str | None, str | None]]:
    """(from, to) of a successors record: the model's pairs, or a pre-model record's (keys may be missing)."""
    if isinstance(rec, SuccessorsRecord):
        return [(p.from_, p.to) for p in rec.pairs]
    if not isinstance(rec, dict):
        return []   # a record of another kind: no pairs
    return [(p.get("from"), p.get("to")) if isinstance(p, dict) else (None, None) for p in rec.get("pairs") or []]


def diff_years(records_dir: Path, year_a: int, year_b: int) -> list[Change]:
    a = programme_measures(records_dir, [year_a])
    b = programme_measures(records_dir, [year_b])
    for year, side in ((year_a, a), (year_b, b)):
        if not side:
            raise DiffError(f"{records_dir}: no records for programme year {year}")
    changes: list[Change] = []
    _compare_measures(a, b, successor_pairs(records_dir, year_a, year_b), changes)
    return sorted(changes, key=_order)


# ---------------------------------------------------------------- rendering

def _fmt(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return "—" if v is None else str(v)


def summary(changes: list[Change]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in changes:
        out[c.kind] = out.get(c.kind, 0) + 1
    return out


def render_text(changes: list[Change], a: str, b: str) -> str:
    lines = [f"Changes from {a} to {b}: " + (", ".join(f"{n} {k}" for k, n in summary(changes).items()) or "none")]
    for c in changes:
        prev = f" (was {c.previous})" if c.previous and c.previous != c.subject else ""
        lines.append(f"{c.kind:14} {c.subject}{prev}  {c.title or ''}".rstrip())
        for f, d in c.fields.items():
            lines.append(f"    {f}: {_fmt(d['from'])} → {_fmt(d['to'])}")
    return "\n".join(lines) + "\n"


def render_markdown(changes: list[Change], a: str, b: str) -> str:
    out = [f"# Changes from {a} to {b}\n"]
    counts = summary(changes)
    out.append("\n" + (", ".join(f"{n} {k}" for k, n in counts.items()) or "No changes in the data.") + "\n")
    for kind in dict.fromkeys(c.kind for c in changes):
        out.append(f"\n## {kind.capitalize()}\n\n")
        for c in (x for x in changes if x.kind == kind):
            prev = f" (was {c.previous})" if c.previous and c.previous != c.subject else ""
            out.append(f"- **{c.subject}**{prev} {c.title or ''}".rstrip() + "\n")
            for f, d in c.fields.items():
                out.append(f"  - {f}: {_fmt(d['from'])} → {_fmt(d['to'])}\n")
    return "".join(out)


def _iri(mint: Minter, key: str) -> URIRef:
    if key.startswith("actor:group:"):
        return URIRef(mint.group(key[len("actor:group:"):]))
    if key.startswith("actor:"):
        return URIRef(mint.actor(key[len("actor:"):]))
    year, mid = key.split("/", 1)
    return URIRef(mint.measure(int(year), mid))


def render_rdf(changes: list[Change], a: str, b: str, base: str) -> str:
    """Changes as Changeset-vocabulary resources (one cs:ChangeSet per changed resource)."""
    mint = Minter(base)
    g = Graph()
    g.bind("cs", CS)
    g.bind("prov", PROV)
    g.bind("dcterms", DCTERMS)
    root = f"{base}changelog/{a}..{b}"
    for n, c in enumerate(changes, 1):
        node = URIRef(f"{root}/{n}")
        g.add((node, RDF.type, CS.ChangeSet))
        g.add((node, CS.subjectOfChange, _iri(mint, c.subject)))
        g.add((node, DCTERMS.type, Literal(c.kind)))
        if c.previous:
            g.add((_iri(mint, c.subject), PROV.wasRevisionOf, _iri(mint, c.previous)))
        reason = c.kind if not c.fields else "; ".join(
            f"{f}: {_fmt(d['from'])} → {_fmt(d['to'])}" for f, d in c.fields.items())
        g.add((node, CS.changeReason, Literal(reason)))
        g.add((node, DCTERMS.isPartOf, URIRef(root)))
    g.add((URIRef(root), DCTERMS.description, Literal(f"Changes from {a} to {b}", datatype=XSD.string)))
    return g.serialize(format="turtle")


def render(changes: list[Change], a: str, b: str, fmt: str, base: str) -> str:
    if fmt == "text":
        return render_text(changes, a, b)
    if fmt == "markdown":
        return render_markdown(changes, a, b)
    if fmt == "rdf":
        return render_rdf(changes, a, b, base)
    raise DiffError(f"unknown format {fmt!r} (text, markdown, rdf)")
