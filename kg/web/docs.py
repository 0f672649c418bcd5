"""HTML documentation of the ontology (pyLODE, offline) and of the SHACL shapes (small Jinja2 page).

pyLODE documents OWL/RDFS well but says nothing useful about SHACL, hence the own shapes page.
"""

from __future__ import annotations

import html
from pathlib import Path

import jinja2
from rdflib import RDF, RDFS, Graph, Namespace

SH = Namespace("http://www.w3.org/ns/shacl#")


def _quiet_pylode():
    """Import pyLODE without its side effect: pylode.profiles.supermodel.loader calls
    logging.basicConfig(level=DEBUG) at import, which made `kg publish` print `INFO:root:…` and
    `DEBUG:asyncio:…`. The root logger's handlers and level are put back as they were."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        from pylode import OntPub  # pinned: 3.4.x cannot even be imported when installed from a wheel
    finally:
        for h in list(root.handlers):
            if h not in handlers:
                root.removeHandler(h)
        root.setLevel(level)
    logging.getLogger("pylode").setLevel(logging.WARNING)
    return OntPub


def ontology_html(ttl_files: list[Path]) -> str:
    OntPub = _quiet_pylode()
    g = Graph()
    for p in ttl_files:
        g.parse(p)
    return OntPub(ontology=g).make_html()


_SHAPES = jinja2.Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SHACL shapes</title>
<style>body{font-family:sans-serif;max-width:70em;margin:auto;padding:1em}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.3em;vertical-align:top;text-align:left}code{font-size:90%}</style></head>
<body><h1>SHACL shapes</h1>
<p>{{ shapes|length }} node shapes from {{ files|join(', ') }}. Severity is Violation unless stated.</p>
<ul>{% for s in shapes %}<li><a href="#{{ s.anchor }}">{{ s.name }}</a></li>{% endfor %}</ul>
{% for s in shapes %}<section id="{{ s.anchor }}"><h2>{{ s.name }}</h2>
<p><code>{{ s.iri }}</code>{% if s.severity %} · severity {{ s.severity }}{% endif %}</p>
{% if s.comment %}<p>{{ s.comment }}</p>{% endif %}
<p>Targets: {% for t in s.targets %}<code>{{ t }}</code>{% if not loop.last %}, {% endif %}{% else %}none (used by other shapes){% endfor %}</p>
{% if s.sparql %}<p>SPARQL constraints: {{ s.sparql|length }}</p><ul>{% for m in s.sparql %}<li>{{ m }}</li>{% endfor %}</ul>{% endif %}
{% if s.props %}<table><tr><th>path</th><th>constraints</th><th>message</th></tr>
{% for p in s.props %}<tr><td><code>{{ p.path }}</code></td><td>{{ p.constraints }}</td><td>{{ p.message }}</td></tr>{% endfor %}
</table>{% endif %}</section>{% endfor %}</body></html>""")

_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
_SKIP = {SH.path, SH.message, SH.name, SH.description, RDF.type, SH.severity}


def _term(g: Graph, t) -> str:
    if isinstance(t, type(None)):
        return ""
    try:
        return g.namespace_manager.normalizeUri(t) if not hasattr(t, "datatype") else str(t)
    except Exception:
        return str(t)


def _path(g: Graph, node) -> str:
    if (node, RDF.first, None) in g:
        return " / ".join(_path(g, x) for x in g.items(node))
    for op, sym in ((SH.inversePath, "^"), (SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = g.value(node, op)
        if inner is not None:
            return f"^{_path(g, inner)}" if sym == "^" else f"({_path(g, inner)}){sym}"
    return _term(g, node)


def shapes_html(ttl_files: list[Path]) -> str:
    g = Graph()
    for p in ttl_files:
        g.parse(p)
    shapes = []
    for s in sorted(set(g.subjects(RDF.type, SH.NodeShape)), key=str):
        name = _term(g, s)
        props = []
        for p in g.objects(s, SH.property):
            cons = [f"{_term(g, k)} {_term(g, v) if (v, RDF.first, None) not in g else '(' + ', '.join(_term(g, x) for x in g.items(v)) + ')'}"
                    for k, v in sorted(g.predicate_objects(p), key=lambda kv: str(kv[0])) if k not in _SKIP]
            sev = g.value(p, SH.severity)
            if sev is not None and sev != SH.Violation:
                cons.append(f"severity {_term(g, sev)}")
            props.append({"path": _path(g, g.value(p, SH.path)), "constraints": "; ".join(cons),
                          "message": " / ".join(sorted(str(m) for m in g.objects(p, SH.message)))})
        props.sort(key=lambda x: x["path"])
        shapes.append({
            "iri": str(s), "name": name, "anchor": html.escape(name.replace(":", "-")),
            "comment": str(g.value(s, RDFS.comment) or ""),
            "severity": _term(g, g.value(s, SH.severity)) if g.value(s, SH.severity) else "",
            "targets": [f"{t}: {_term(g, o)}" for t in _TARGETS for o in g.objects(s, SH[t])],
            "sparql": [str(g.value(c, SH.message) or g.value(c, RDFS.comment) or "(no message)")
                       for c in g.objects(s, SH.sparql)],
            "props": props,
        })
    return _SHAPES.render(shapes=shapes, files=[p.name for p in ttl_files])
