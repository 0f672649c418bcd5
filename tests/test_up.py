"""The main job, as `./run.sh` runs it: `kg up` on a copy of the flagship dataset extracts, builds,
validates and serves — the landing page and the SPARQL endpoint answer. (A run once crashed at step
4/4 because `kg up` called the typer command function, whose defaults are option objects.)"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from serve_helpers import free_port

from kg import config

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="kg serve needs Linux (it says so at start)")


def test_kg_up_extracts_builds_validates_and_serves(tmp_path):
    folder = tmp_path / "flagship"
    folder.mkdir()
    shutil.copy(config.ROOT / "kg.toml", folder / "kg.toml")
    for d in ("sources", "authority"):
        shutil.copytree(config.ROOT / "data" / d, folder / "data" / d)
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(config.ROOT), KG_DATASET=str(folder))
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "up", "--port", str(port)], cwd=folder, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, body = time.monotonic() + 240, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    body = r.read().decode()
                break
            except OSError:
                time.sleep(1)
        assert body is not None, f"kg up did not serve (exit {proc.poll()}):\n" + (
            proc.stdout.read() if proc.poll() is not None else "")
        assert "Regional plan for det inkluderende Innlandet" in body
        q = urllib.request.Request(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%3Fs%20a%20%3Fo%7D",
                                   headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(q, timeout=10) as r:
            assert b'"boolean": true' in r.read().replace(b'"boolean":true', b'"boolean": true')
        assert (folder / "data" / "records" / "hp2025.json").read_bytes() == \
            (config.RECORDS / "hp2025.json").read_bytes()   # step 1 re-extracted the same records
        assert (folder / "build" / "validation.ttl").exists()   # step 3 wrote its report
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert "4/4 serve on" in out and "Traceback" not in out, out
