"""Run the W3C SHACL test suite (sht:Validate, Core + SHACL-SPARQL) through kg's own validation
pipeline (``kg.validate.validate_dataset``: faithful loading, engine, report rebuilding).

The suite lives outside the project, at ``../shared/reference/shacl-w3c-tests`` (see its
SOURCE.txt); it is read in place, never copied. Comparison: pySHACL's strict
``check_sht_result`` (sh:conforms, and the results up to blank-node renaming, on focusNode,
resultPath, resultSeverity, sourceConstraintComponent, sourceShape, value).

    python tests/shacl_w3c_suite.py [turbo|pyshacl]     # prints the failures and the score
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from rdflib import Graph
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, Namespace

#: CI clones the repo beside shared/; KG_SHARED points elsewhere (e.g. from a git worktree)
SHARED = Path(os.environ.get("KG_SHARED") or Path(__file__).resolve().parents[2] / "shared")
SUITE = SHARED / "reference" / "shacl-w3c-tests"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")


@dataclass
class Case:
    name: str            # e.g. core/node/class-001
    file: Path
    data: Path
    shapes: Path
    graph: Graph         # the test file (holds the expected report)
    result: object       # the mf:result node


@dataclass
class Outcome:
    case: Case
    passed: bool
    silent_false_negative: bool   # expected non-conformance (or a refusal), got "conforms"
    detail: str = ""


def _file(iri) -> Path:
    return Path(unquote(urlparse(str(iri)).path))


def _parse_as_written(path: Path) -> Graph:
    """The test file with its literals as written: rdflib's default normalisation would, e.g.,
    turn the expected value "2011-01-01"^^xsd:dateTime (ill-typed) into "2011-01-01T00:00:00"."""
    import rdflib

    old, term_log = rdflib.NORMALIZE_LITERALS, logging.getLogger("rdflib.term")
    level = term_log.level
    rdflib.NORMALIZE_LITERALS = False
    term_log.setLevel(logging.CRITICAL)
    try:
        return Graph().parse(path, format="turtle", publicID=path.as_uri())
    finally:
        rdflib.NORMALIZE_LITERALS = old
        term_log.setLevel(level)


def cases(root: Path = SUITE) -> list[Case]:
    out: list[Case] = []
    seen: set[Path] = set()

    def visit(path: Path) -> None:
        if path in seen:
            return
        seen.add(path)
        g = _parse_as_written(path)
        for inc in g.objects(None, MF.include):
            visit(_file(inc))
        for lst in g.objects(None, MF.entries):
            for entry in Collection(g, lst):
                if (entry, RDF.type, SHT.Validate) not in g:
                    continue
                action = g.value(entry, MF.action)
                out.append(Case(name=str(path.relative_to(root).with_suffix("")) if path.name != "manifest.ttl"
                                else str(entry), file=path,
                                data=_file(g.value(action, SHT.dataGraph)),
                                shapes=_file(g.value(action, SHT.shapesGraph)),
                                graph=g, result=g.value(entry, MF.result)))
    visit(root / "manifest.ttl")
    return out


def run_case(case: Case, engine: str) -> Outcome:
    from pyshacl.validator_conformance import check_sht_result

    from kg.shacl import DataParseError, ShapeFeatureError
    from kg.validate import ValidationEngineError, ValidationUsageError, validate_dataset

    expected_failure = case.result == SHT.Failure
    expected_conforms = None if expected_failure else bool(case.graph.value(case.result, SH.conforms).toPython())
    try:
        rep = validate_dataset([case.data], shapes_dir=case.shapes, engine=engine, ontology=None)
    except (ValidationEngineError, ShapeFeatureError, ValidationUsageError, DataParseError) as e:
        # a refusal (exit 2) is never a silent false negative; it passes where the suite expects one
        return Outcome(case, expected_failure, False, f"refused: {e}")
    if expected_failure:
        return Outcome(case, False, rep.conforms, "expected a failure (refusal), got a report")
    log = logging.getLogger("w3c-suite")
    log.disabled = True
    # the comparison writes IRIs as prefixed names: give the report the test file's prefixes
    for prefix, ns in case.graph.namespaces():
        rep.graph.bind(prefix, ns, override=True, replace=True)
    ok = check_sht_result(rep.graph, case.graph, case.result, log=log)
    sfn = expected_conforms is False and rep.conforms
    detail = "" if ok else f"conforms {rep.conforms} (expected {expected_conforms}), {len(rep.results)} results"
    return Outcome(case, bool(ok), sfn, detail)


def run_suite(engine: str) -> list[Outcome]:
    return [run_case(c, engine) for c in cases()]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    engine = sys.argv[1] if len(sys.argv) > 1 else "turbo"
    outs = run_suite(engine)
    for o in outs:
        if not o.passed:
            print(f"FAIL {o.case.name}{'  SILENT FALSE NEGATIVE' if o.silent_false_negative else ''}: {o.detail}")
    print(f"{engine}: {sum(o.passed for o in outs)}/{len(outs)} passed, "
          f"{sum(o.silent_false_negative for o in outs)} silent false negatives")
