"""CSV views of the records (read as model objects, kg.records.model), for review in a spreadsheet \
(the JSON records stay the reference).

measures.csv — one row per measure of every programme record (hp2024, hp2025), document order:
  year                      programme year
  id                        measure id (e.g. K2A); id_derived: 1 if the id was not printed in the source
  title                     title without markers; title_derived: 1 if taken from elsewhere (see record)
  status                    active | withdrawn
  level                     county | district | urban (fylkes-/distrikts-/by- og regionsentersatsing)
  focus_area                K | A | L
  is_new, is_continued      1/0 from the title markers "(nytt tiltak)"/"(nytt)" and "(videreføres)"
  responsible, partners     raw field text
  responsible_actor_ids,    actor ids resolved by kg.extract.actors, ';'-separated; actor groups as
  partner_actor_ids         "group:<id>"; unresolved names are left out (see anomalies.csv)
  links                     linked measure ids, ';'-separated; other_links: other strategies/plans named
  horizon                   short | long | short-and-long; status_phrase: e.g. "arbeidet er satt i gang"
  money_nok_total_mentioned sum of all amounts mentioned in the description (as written; per-year
                            amounts are not multiplied by the years)
  source                    source id; first_line, last_line: line span of the measure in the source

anomalies.csv — every anomaly of every record: source, kind, severity, subject, message, first_line,
last_line, correction (JSON of the applied correction, empty if none).
"""

from __future__ import annotations

import csv
import io
import json

from ..records.model import AnyRecord, FieldText, ProgrammeRecord

MEASURE_COLUMNS = ["year", "id", "id_derived", "title", "title_derived", "status", "level", "focus_area", "is_new",
                   "is_continued", "responsible", "responsible_actor_ids", "partners", "partner_actor_ids", "links",
                   "other_links", "horizon", "status_phrase", "money_nok_total_mentioned", "source", "first_line",
                   "last_line"]
ANOMALY_COLUMNS = ["source", "kind", "severity", "subject", "message", "first_line", "last_line", "correction"]


def _b(v) -> str:
    return "" if v is None else "1" if v else "0"


def _ids(field: FieldText | None) -> str:
    out: list[str] = []
    for m in field.mentions if field else []:
        ident = m.actor or (f"group:{m.group}" if m.group else None)
        if ident and ident not in out:
            out.append(ident)
    return ";".join(out)


def _programme_records(records: dict[str, AnyRecord]) -> list[tuple[int, str, ProgrammeRecord]]:
    progs = [(r.programme.year, sid, r) for sid, r in records.items()
             if isinstance(r, ProgrammeRecord) and r.programme is not None]
    return sorted(progs, key=lambda t: (t[0], t[1]))


def measures_csv(records: dict[str, AnyRecord]) -> str:
    """``records``: {source id: record (model object)}; the programme records with their programme part count."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(MEASURE_COLUMNS)
    for year, sid, rec in _programme_records(records):
        for m in rec.measures:
            links, prio, resp, part = m.links, m.priority, m.responsible, m.partners
            lines = m.lines or [None, None]
            w.writerow([year, m.id, _b(m.id_derived), m.title, _b(m.title_derived),
                        m.status, m.level, m.focus_area, _b(m.is_new), _b(m.is_continued),
                        resp.text if resp else None, _ids(resp), part.text if part else None, _ids(part),
                        ";".join(links.measures if links else []), ";".join(links.other if links else []),
                        prio.horizon if prio else None, prio.status_phrase if prio else None,
                        sum(x.amount for x in m.money), sid, lines[0], lines[-1]])
    return buf.getvalue()


def anomalies_csv(records: dict[str, AnyRecord]) -> str:
    """``records``: {source id: record (model object)}."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(ANOMALY_COLUMNS)
    for sid in sorted(records):
        for a in records[sid].anomalies:
            span = a.lines or [None, None]
            corr = a.correction
            w.writerow([sid, a.kind, a.severity, a.subject, a.message, span[0], span[-1],
                        "" if corr is None else json.dumps(corr.model_dump(by_alias=True), ensure_ascii=False,
                                                           sort_keys=True)])
    return buf.getvalue()
