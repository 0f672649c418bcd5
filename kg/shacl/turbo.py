"""The default validation engine: pyshacl-turbo (Rust, pySHACL-compatible), fed N-Triples text.

Why this wiring (measured, see README "Validation"):

* pyshacl-turbo passes all 120 sht:Validate tests of the W3C suite, and keeps literals as written
  (``"5"^^xsd:int`` stays an xsd:int, ``"2001-02-30"^^xsd:date`` stays ill-typed) — but only on
  its native input path. Handed an rdflib Graph or a pyoxigraph Store it sees normalised terms.
* Its public ``validate(path)`` round-trips the data through an rdflib Graph in Python (≈ 55 µs a
  triple). ``CompiledShapes.validate`` with a ``pyshacl_turbo.rdf.Input`` holding N-Triples text
  goes straight to the native parser: same answers, ≈ 10× faster. ``Input`` is not in the
  package's ``__all__``, hence the exact pin in pyproject.toml; the W3C suite test catches a
  change of behaviour.

The N-Triples text is produced by :mod:`kg.shacl.loader` with pyoxigraph's *parser* (which keeps
lexical forms; only pyoxigraph's *store* normalises), so every input format ends up faithful.
"""

from __future__ import annotations

import warnings

from rdflib import Graph

ENGINE = "turbo"


class EngineError(Exception):
    """The engine refused the shapes or crashed; ``str()`` says why (never a silent pass)."""


def version() -> str:
    import pyshacl_turbo
    return getattr(pyshacl_turbo, "__version__", "?")


def validate_ntriples(data_nt: str, shapes_nt: str, inference: str = "none",
                      ontology_nt: str | None = None) -> Graph:
    """Validate N-Triples data against N-Triples shapes; returns the engine's report graph.

    ``inference="rdfs"`` runs the engine's RDFS closure over data + ``ontology_nt``.
    Raises :class:`EngineError` for unusable shapes or any engine failure.
    """
    try:
        import pyshacl_turbo
        from pyshacl_turbo.rdf import Input
    except ImportError as e:   # pragma: no cover - a broken install
        raise EngineError(f"pyshacl-turbo is not installed ({e}); pip install pyshacl-turbo") from None

    data = Input(data_nt, "nt", None, {}, {}, preserve_ids=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # recursion notices: the recursion is still evaluated
            if inference == "none":
                program = pyshacl_turbo.compile_shapes(shapes_nt, shacl_graph_format="nt", advanced=True)
                _, report, _ = program.validate(data, allow_warnings=False, allow_infos=False)
            else:
                ont = Graph().parse(data=ontology_nt or "", format="nt")
                _, report, _ = pyshacl_turbo.validate(
                    data, shacl_graph=shapes_nt, shacl_graph_format="nt", ont_graph=ont,
                    inference=inference, advanced=True, allow_warnings=False, allow_infos=False)
    except RecursionError:
        raise EngineError("the shapes recurse too deeply for the engine") from None
    except Exception as e:   # the engine's own errors name the construct and the shape
        msg = str(e).strip() or type(e).__name__
        raise EngineError(f"{type(e).__name__}: {msg}") from None
    if not isinstance(report, Graph):
        raise EngineError(f"the engine returned no report graph: {report!r}")
    return report
