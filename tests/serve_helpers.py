"""Helpers for the `kg serve` tests: the mini fixture dataset, an app or a real server on it (the fixtures
that use them, `client` and `server`, are in conftest.py)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "serve_mini.trig"
BASE = "https://w3id.org/regplan/"
K1_2025 = BASE + "plan/inkluderende-innlandet/programme/2025/measure/K1"
K3_2025 = BASE + "plan/inkluderende-innlandet/programme/2025/measure/K3"
K1_2024 = BASE + "plan/inkluderende-innlandet/programme/2024/measure/K1"
SCRIPT = "<script>alert('x')</script>"
ESCAPE_GRAPH = BASE + "graph/test-escaping"


def fixture_store() -> ox.Store:
    """The mini dataset plus one literal with markup in it (for the escaping tests)."""
    from kg.store import load_store, materialise_union

    store = load_store(FIXTURE)
    store.add(ox.Quad(ox.NamedNode(K3_2025), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
                      ox.Literal(SCRIPT), ox.NamedNode(ESCAPE_GRAPH)))
    materialise_union(store)
    return store


def named_quads_nq() -> bytes:
    """The fixture dataset as N-Quads (named graphs only, as `kg build` writes it)."""
    return ox.serialize([q for q in fixture_store() if not isinstance(q.graph_name, ox.DefaultGraph)],
                        format=ox.RdfFormat.N_QUADS)


def write_manifest(build: Path, names: list[str], **extra) -> None:
    """build/manifest.json as `kg build` writes it: "files" lists the release's published files."""
    import hashlib
    import json

    files = {n: {"sha256": hashlib.sha256((build / n).read_bytes()).hexdigest(), "bytes": (build / n).stat().st_size}
             for n in names}
    (build / "manifest.json").write_text(json.dumps({"base_iri": BASE, **extra, "files": files}, indent=2))


def make_app(tmp: Path, **settings):
    from kg.serve.app import Settings, create_app

    build = tmp / "build"
    build.mkdir(exist_ok=True)
    (build / "dataset.trig").write_bytes(FIXTURE.read_bytes())
    (build / "dataset.nq").write_bytes(named_quads_nq())
    write_manifest(build, ["dataset.trig", "dataset.nq"])
    s = Settings(base_iri=BASE, build_dir=build, **settings)
    return create_app(fixture_store(), s, dataset_path=build / "dataset.nq")


@contextlib.contextmanager
def app_client(dataset: Path, **settings):
    """`kg serve`'s app on a built dataset file, as a Starlette TestClient; its query workers are closed
    afterwards. `settings`: extra kg.serve.app.Settings fields (e.g. check_tmp)."""
    from starlette.testclient import TestClient

    from kg.serve.app import Settings, create_app
    from kg.store import load_store

    app = create_app(load_store(dataset), Settings(base_iri=BASE, build_dir=Path(dataset).parent, **settings),
                     dataset_path=dataset)
    try:
        with TestClient(app) as c:
            yield c
    finally:
        app.state.kg.pool.close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def kg_serve_process(args: list[str], log_path: Path, probe: str = "/sparql", wait: float = 120):
    """`python -m kg.cli serve --port P ARGS…` from the repository root on a free 127.0.0.1 port, its output
    in `log_path`; yields (url, process) once `probe` answers — not when a given start-up line appears
    (`kg serve` prints several) — and stops it afterwards. Fails at once, with the log, if it exits."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", str(port), *args],
                                stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).parent.parent)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + wait
        while True:
            try:
                urllib.request.urlopen(url + probe, timeout=2).read()
                break
            except OSError:
                code = proc.poll()
                if code is not None or time.monotonic() > deadline:
                    proc.kill()
                    why = f"exited with code {code}" if code is not None else f"not answering after {wait:.0f} s"
                    raise RuntimeError(f"kg serve {why}; its log:\n{log_path.read_text()}") from None
                time.sleep(0.1)
        try:
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def run_server(tmp: Path, *extra: str, nquads: bytes | None = None):
    """A real `kg serve` process serving the mini dataset (or `nquads`) from `tmp`; yields its URL.
    `server.log` is written next to the dataset (it must never be downloadable)."""
    data = tmp / "dataset.nq"
    data.write_bytes(named_quads_nq() if nquads is None else nquads)
    write_manifest(tmp, ["dataset.nq"])  # server.log, written next to it below, is not part of the release
    with kg_serve_process(["--data", str(data), "--timeout", "3", "--max-results", "1000", "--quiet", *extra],
                          tmp / "server.log") as (url, _proc):
        yield url


#: marks of the headless-browser tests (tests/cdp.py drives Debian's chromium)
BROWSER_MARKS = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("chromium") is None,
                       reason="Debian's `chromium` is not installed (apt-get install -y chromium)"),
]
ARTIFACTS = Path(__file__).parent / "artifacts"
