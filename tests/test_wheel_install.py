"""kg from a built wheel (not the checkout) in a fresh venv: `kg init` in an empty folder outside the
repository, then `kg build`, `kg validate` and `kg publish` there — the ontology, shapes and questions come from
the installed package (kg/_res/, setup.py), the dataset's files from the folder.

The venv gets the wheel (no dependencies); the dependencies are those of the interpreter running the
tests, made visible by a .pth file (a path line adds a folder to sys.path without running the .pth
files in it, so the checkout's editable install of kg is not seen: `import kg` is the wheel's).
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHIPPED = ("kg", "ontology", "shapes", "queries")
PROJECT_FILES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md")

pytestmark = pytest.mark.slow


def run(cmd, cwd, env=None, timeout=600) -> subprocess.CompletedProcess:
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} → {r.returncode}\n{r.stdout}\n{r.stderr}"
    assert "Traceback" not in r.stderr, r.stderr
    return r


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"   # a clean copy of what a source distribution holds (no build output, no .venv)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_res", "*.egg-info")
    for name in SHIPPED:
        shutil.copytree(REPO / name, src / name, ignore=ignore)
    for name in PROJECT_FILES:
        shutil.copyfile(REPO / name, src / name)
    run([sys.executable, "-m", "pip", "wheel", src, "--no-deps", "--quiet", "-w", tmp / "dist"], cwd=tmp)
    (wheel,) = (tmp / "dist").glob("kg-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"kg/_res/ontology/regplan.ttl", "kg/_res/shapes/core.ttl", "kg/_res/queries/succession.rq"} <= names
    assert not any(n.startswith(("data/", "tests/", "ontology/")) for n in names)

    env_dir = tmp / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", env_dir], cwd=tmp)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel],
        cwd=tmp)
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], *site.getsitepackages()}
    (Path(purelib) / "kg-test-deps.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    return env_dir


def test_init_build_validate_from_the_wheel_in_an_empty_folder(venv, tmp_path):
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    kg = bin_dir / ("kg.exe" if os.name == "nt" else "kg")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KG_DATASET", "KG_BUILD", "KG_BASE_IRI")}
    work = tmp_path / "empty"
    work.mkdir()

    where = run([bin_dir / "python", "-c", "import kg, kg.resources as r; print(kg.__file__); "
                 "print(r.folder('ontology')); print(r.folder('shapes')); print(r.folder('queries'))"],
                cwd=work, env=env).stdout.split()
    site_kg = Path(where[0]).parent
    assert site_kg.is_relative_to(venv) and not site_kg.is_relative_to(REPO)
    assert [Path(p) for p in where[1:]] == [site_kg / "_res" / n for n in ("ontology", "shapes", "queries")]

    run([kg, "init", "ds", "--yes", "--publisher", "Prøvefylke fylkeskommune (test data)",
         "--org-number", "999999999", "--plan-title-nb", "Regional plan for prøving",
         "--plan-title-en", "regional plan for testing", "--base-iri", "https://example.org/provefylke/",
         "--county", "99", "--spatial-label", "Prøvefylke", "--contact-email", "post@example.org"], cwd=work, env=env)
    ds = work / "ds"
    assert (ds / "kg.toml").is_file() and (ds / "data" / "authority" / "actors.yaml").is_file()
    assert (ds / "data" / "workbook.xlsx").is_file()   # kg template's empty workbook

    # the publisher fills the workbook (here: the fictitious county's CSV workbook, test data) and imports it
    shutil.copytree(REPO / "tests" / "fixtures" / "workbook" / "testfylket", ds / "data" / "testfylket")
    imported = run([kg, "import", "data/testfylket"], cwd=ds, env=env)
    assert "3 measures" in imported.stdout + imported.stderr
    built = run([kg, "build", "-q"], cwd=ds, env=env)
    assert built.stdout == ""
    manifest = (ds / "build" / "manifest.json").read_text(encoding="utf-8")
    assert '"https://example.org/provefylke/graph/ontology"' in manifest
    checked = run([kg, "validate", "--lang", "en"], cwd=ds / "data", env=env)   # found from a subfolder
    assert "0 violations" in checked.stdout, checked.stdout   # exit 0 (an Info about a document does not fail)
    run([kg, "publish", "--version", "0.1"], cwd=ds, env=env)
    release = ds / "release" / "0.1"
    catalog = (release / "metadata" / "catalog.ttl").read_text(encoding="utf-8")
    assert "Prøvefylke fylkeskommune (test data)" in catalog and "999999999" in catalog
    for path in release.rglob("*"):   # nothing of the flagship in another dataset's release
        if path.is_file() and path.suffix in (".ttl", ".html", ".json", ".csv", ".md", ".trig", ".jsonld"):
            text = path.read_text(encoding="utf-8")
            assert "Innlandet" not in text and "920717152" not in text, path

    # and it serves its own data and texts
    import socket
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([str(kg), "serve", "--port", str(port), "--quiet"], cwd=ds, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                landing = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stdout.read().decode()
                time.sleep(0.3)
        assert "Regional plan for prøving" in landing and "Innlandet" not in landing
        page = urllib.request.urlopen(urllib.request.Request(
            f"http://127.0.0.1:{port}/{_measure_path(ds, 'T1')}",
            headers={"Accept": "text/html"}), timeout=10).read().decode()
        assert "ark Tiltak" in page or "sheet Tiltak" in page, page[:2000]
    finally:
        server.terminate()
        server.wait(10)

    # outside any dataset: a clear message, exit 2
    r = subprocess.run([str(kg), "build"], cwd=work, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "no kg.toml in" in r.stderr and "kg init DIR" in r.stderr


def _measure_path(ds: Path, mid: str) -> str:
    """The path of measure `mid`'s page, as the build minted its IRI (the workbook names its own plan)."""
    import re

    text = (ds / "build" / "dataset.nq").read_text(encoding="utf-8")
    iri = re.search(rf"<https://example\.org/provefylke/([^>]*/programme/2026/measure/{mid})>", text)
    assert iri, f"measure {mid} not in the build"
    return iri.group(1)
