"""The W3C SHACL test suite (120 sht:Validate tests, Core + SHACL-SPARQL) against every engine
`kg validate` offers, through kg's whole pipeline (loading, engine, report). Read in place from
../shared (skipped, saying so, where it is absent). See tests/shacl_w3c_suite.py."""

from __future__ import annotations

import pytest
from shacl_w3c_suite import SUITE, run_suite

pytestmark = pytest.mark.skipif(not (SUITE / "manifest.ttl").exists(),
                                reason=f"W3C SHACL suite not found at {SUITE} (../shared/reference/shacl-w3c-tests "
                                       "beside the repository, or set KG_SHARED)")

#: the reference engine's known failures through our pipeline (each a refusal or an extra
#: result, never a silent false negative)
KNOWN_FAILURES = {
    "turbo": set(),
    "pyshacl": {
        "core/property/uniqueLang-002",          # pySHACL 0.40.1 flags a value the suite accepts
        "sparql/pre-binding/shapesGraph-001",    # pySHACL refuses $shapesGraph (NotImplementedError)
        "sparql/node/prefixes-001",              # pySHACL does not find sh:declare reached via owl:imports in
                                                 # a graph read from N-Triples ("Unknown namespace prefix")
    },
}


@pytest.mark.parametrize("engine", sorted(KNOWN_FAILURES))
def test_w3c_suite(engine):
    outcomes = run_suite(engine)
    assert len(outcomes) == 120
    silent = [o.case.name for o in outcomes if o.silent_false_negative]
    assert silent == [], f"{engine}: silent false negatives (conforms true on violating data): {silent}"
    failed = {o.case.name: o.detail for o in outcomes if not o.passed}
    assert set(failed) == KNOWN_FAILURES[engine], failed


def test_default_engine_passes_every_test():
    from kg.validate import DEFAULT_ENGINE
    assert KNOWN_FAILURES[DEFAULT_ENGINE] == set()
