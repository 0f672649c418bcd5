"""The check page of `kg serve` (/check, issue 13): an upload form, and the report of kg.checking.

``render_check(result=…)`` shows a :class:`kg.checking.CheckResult`: does the file conform, the counts, the
import issues of the workbook checker grouped by sheet (each with its A1 reference, the cell's value and what
to do), and the SHACL results grouped by focus node (the message in the page language, severity, path,
value, and the workbook row the node came from). The Turtle (sh:ValidationReport) and JSON reports are
offered as data: links — nothing of an upload is kept on the server.
"""

from __future__ import annotations

import base64
from collections import OrderedDict

from ..checking import ACCEPT, CheckResult
from . import i18n, links
from .pages import _common, environment

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
SEVERITY_NB = {"Violation": "Brudd", "Warning": "Advarsel", "Info": "Merknad"}
ISSUE_NB = {"error": "feil", "warning": "advarsel"}


def _data_uri(text: str, media_type: str) -> str:
    return f"data:{media_type};base64," + base64.b64encode(text.encode("utf-8")).decode("ascii")


def _term(t) -> str:
    if not isinstance(t, dict):
        return "" if t is None else str(t)
    if "iri" in t:
        return t["iri"]
    if "bnode" in t:
        return "_:" + t["bnode"]
    value = str(t.get("literal", ""))
    return f'"{value}"@{t["lang"]}' if t.get("lang") else value


def _pick(texts, lang: str) -> str:
    if isinstance(texts, dict):
        for lg in i18n.LABEL_ORDER.get(lang, (lang,)):
            if texts.get(lg):
                return texts[lg]
        return next((v for v in texts.values() if v), "")
    return texts or ""


def issue_groups(result: CheckResult) -> list[tuple[str, list[dict]]]:
    """Import issues by sheet, errors first within a sheet, sheets in the order met."""
    groups: OrderedDict[str, list[dict]] = OrderedDict()
    for i in result.issues:
        groups.setdefault(i.get("sheet") or "", []).append(i)
    return [(s, sorted(items, key=lambda i: (i["severity"] != "error", i.get("row") or 0)))
            for s, items in groups.items()]


def result_groups(result: CheckResult, lang: str) -> list[dict]:
    """SHACL results by focus node: label, node, workbook row, worst severity first."""
    groups: OrderedDict[str, dict] = OrderedDict()
    for r in (result.validation or {}).get("results", []):
        node = _term(r.get("focusNode"))
        g = groups.get(node)
        if g is None:
            key = node[2:] if node.startswith("_:") else node
            g = groups[node] = {"node": node, "label": _pick(r.get("focusLabel"), lang) or node,
                                "row": result.rows.get(node) or result.rows.get(key) or "", "results": []}
        g["results"].append({"severity": r.get("severity", ""), "message": _pick(r.get("messages"), lang),
                             "path": r.get("resultPath") or "", "value": _term(r.get("value")),
                             "shape": _term(r.get("sourceShape"))})
    out = list(groups.values())
    for g in out:
        g["results"].sort(key=lambda x: SEVERITY_ORDER.get(x["severity"], 9))
        g["worst"] = g["results"][0]["severity"] if g["results"] else ""
    out.sort(key=lambda g: SEVERITY_ORDER.get(g["worst"], 9))
    return out


def render_check(*, result: CheckResult | None = None, error: str | None = None, status: int = 200,
                 max_upload_mb: float = 10, timeout: float = 60, current: str = "check") -> str:
    """The check page: the form, and the report of ``result`` or the explanation of ``error``."""
    root = links.root_of(current)
    lang = i18n.current()
    ctx = dict(result=result, error=error, status=status, accept=ACCEPT, max_upload_mb=max_upload_mb,
               timeout=timeout, severity_nb=SEVERITY_NB, issue_nb=ISSUE_NB, title=i18n.t("Sjekk dataene dine"))
    if result is not None:
        ctx["issue_groups"] = issue_groups(result)
        ctx["result_groups"] = result_groups(result, lang)
        stem = result.file.rsplit(".", 1)[0] or "upload"
        ctx["json_href"] = _data_uri(result.to_json(), "application/json")
        ctx["json_name"] = f"{stem}-check.json"
        ctx["turtle_href"] = _data_uri(result.turtle, "text/turtle") if result.turtle else None
        ctx["turtle_name"] = f"{stem}-report.ttl"
    return environment().get_template("check.html").render(**ctx, **_common(lambda i: i, root, root + "static", True))


def render_form(*, current: str = "check", max_mb: float = 10, timeout: float = 60, error: str | None = None,
                status: int = 200) -> str:
    """The form alone, or with the explanation of why an upload could not be checked."""
    return render_check(error=error, status=status, max_upload_mb=max_mb, timeout=timeout, current=current)


def render_report(result: CheckResult, *, current: str = "check", max_mb: float = 10, timeout: float = 60) -> str:
    """The form and the report of one checked upload."""
    return render_check(result=result, max_upload_mb=max_mb, timeout=timeout, current=current)
