"""Left for tests/test_security_files.py only (being edited elsewhere): the other tests take these as the
conftest.py fixtures publish_fixture, fixture_inputs and real_inputs. Delete once that file uses them."""

from __future__ import annotations

import shutil
from pathlib import Path

from local_stores import free_port, start_oxigraph, start_virtuoso, stop  # noqa: F401 (re-exported)

from kg import config
from kg.publish.release import Inputs

FIXTURE = Path(__file__).parent / "fixtures" / "publish"
BASE = "https://w3id.org/regplan/"


def fixture_inputs(tmp: Path | None = None) -> Inputs:
    """Inputs of the small hand-written fixture (copied to tmp when given, so a test may edit them)."""
    root = FIXTURE
    if tmp is not None:
        shutil.copytree(FIXTURE, tmp / "fx")
        root = tmp / "fx"
    return Inputs(root / "build", root / "records", root / "authority", root / "shapes", root / "ontology", BASE)


def real_inputs(tmp_root: Path) -> Inputs:
    """Build the real dataset from data/records into tmp_root."""
    from kg import build

    build.run(progress=False, out_dir=tmp_root / "build")
    return Inputs(tmp_root / "build", config.RECORDS, config.AUTHORITY, config.SHAPES, config.ONTOLOGY,
                  config.base_iri())
