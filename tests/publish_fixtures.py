"""Shared helpers for the publish / diff / push tests (imported by tests/test_publish_*.py, test_push_*.py)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, seconds: float = 60) -> None:
    import httpx

    end = time.time() + seconds
    while time.time() < end:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up within {seconds} s")


VIRTUOSO_INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 12000
DirsAllowed = ., {d}
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""


def start_virtuoso(workdir: Path):
    """A private Virtuoso (Debian package virtuoso-opensource) on free 127.0.0.1 ports with its own db.

    A fresh database has the account dba/dba, which the GSP endpoint /sparql-graph-crud-auth and the
    update endpoint /sparql-auth accept with HTTP digest authentication.
    """
    exe = shutil.which("virtuoso-t")
    if exe is None:
        pytest.fail("virtuoso-t not installed: apt-get install -y virtuoso-opensource")
    workdir.mkdir(parents=True, exist_ok=True)
    sql, http = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=workdir, sql=sql, http=http))
    proc = subprocess.Popen([exe, "+foreground", "+configfile", str(ini)], cwd=workdir,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http}"
    try:
        wait_http(url + "/sparql?query=ASK%7B%7D", 90)
    except Exception:
        proc.kill()
        raise
    return proc, url


def start_oxigraph(workdir: Path):
    exe = shutil.which("oxigraph") or str(Path(os.sys.executable).parent / "oxigraph")
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([exe, "serve", "--location", str(workdir / "db"), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/query?query=ASK%7B%7D", 30)
    except Exception:
        proc.kill()
        raise
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
