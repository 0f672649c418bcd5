"""Issue 12, files/CLI/publishing half: regression tests for findings 8, 9, 10 (part) and 11 (part).

8  a build is one unit (manifest last, verified before use; real SIGKILLs), interrupted publishes
   clean up, invalid UTF-8 / full disk are named errors with exit 2
9  push keeps blank nodes whole, bounded timeouts, checked store answers
10 reused ontology terms carry nb and en labels (the DCAT spatial part is in test_publish_dcat.py)
11 `kg build --out`, busy / invalid ports, library logging in `kg publish`, SPARQL syntax errors
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from local_stores import free_port
from typer.testing import CliRunner

from kg import config
from kg.cli import app

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "publish"   # the small hand-written release input


def kg(*args, env=None, timeout=120, cwd=None) -> subprocess.CompletedProcess:
    """`python -m kg.cli ARGS` in a subprocess, this worktree first on the path."""
    e = dict(os.environ, PYTHONPATH=str(REPO), **(env or {}))
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True,
                          env=e, timeout=timeout, cwd=cwd or REPO)


def no_traceback(r) -> None:
    out = r.stdout + r.stderr if hasattr(r, "stderr") and isinstance(r.stderr, str) else r.output
    assert "Traceback" not in out, out


def fixture_root(tmp: Path) -> Path:
    """A dataset folder (KG_DATASET) holding the small publish fixture (records, authority, build) and the
    flagship's kg.toml."""
    root = tmp / "root"
    (root / "data").mkdir(parents=True)
    shutil.copyfile(REPO / "kg.toml", root / "kg.toml")
    shutil.copytree(FIXTURE / "records", root / "data" / "records")
    shutil.copytree(FIXTURE / "authority", root / "data" / "authority")
    for d in ("shapes", "ontology", "build"):
        shutil.copytree(FIXTURE / d, root / d)
    shutil.copytree(config.QUERIES, root / "queries")
    shutil.copyfile(config.ONTOLOGY / "regplan.ttl", root / "ontology" / "regplan.ttl")  # kg.validate reads it
    return root


@pytest.fixture(scope="module")
def old_build(tmp_path_factory) -> Path:
    """A complete build that differs from what `kg build` makes now (a changed measure title)."""
    from kg import build

    tmp = tmp_path_factory.mktemp("old")
    records = tmp / "records"
    shutil.copytree(config.RECORDS, records)
    rec = json.loads((records / "hp2025.json").read_text(encoding="utf-8"))
    rec["measures"][0]["title"] += " (old build)"
    (records / "hp2025.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    out = tmp / "build"
    build.run(progress=False, records_dir=records, out_dir=out)
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- 8. the build is one unit ------------------------------------------------------------------

def test_manifest_is_written_last_and_lists_exactly_the_build_files(built_dataset):
    from kg.buildinfo import file_entry, verify_build

    folder = built_dataset.parent
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["files"]) == {"dataset.trig", "dataset.nq"}
    for name, entry in manifest["files"].items():
        assert entry == file_entry(path=folder / name)
        assert entry["bytes"] == (folder / name).stat().st_size
    # written last: its mtime is not older than either data file
    assert all((folder / "manifest.json").stat().st_mtime_ns >= (folder / n).stat().st_mtime_ns
               for n in manifest["files"])
    assert verify_build(folder)["files"] == manifest["files"]


def test_torn_build_is_detected_naming_the_file(tmp_path, old_build, built_dataset):
    from kg.buildinfo import BuildIntegrityError, verify_build

    torn = tmp_path / "build"
    shutil.copytree(built_dataset.parent, torn)                      # new trig, new manifest …
    shutil.copyfile(old_build / "dataset.nq", torn / "dataset.nq")   # … beside an old nq
    with pytest.raises(BuildIntegrityError) as e:
        verify_build(torn)
    assert str(e.value).endswith("dataset.nq: does not match " + str(torn / "manifest.json")
                                 + " (interrupted build?): run `kg build` again")
    (torn / "manifest.json").unlink()
    with pytest.raises(BuildIntegrityError, match="manifest.json: missing — no complete build"):
        verify_build(torn)


def test_full_disk_while_building_changes_nothing(tmp_path, old_build, monkeypatch):
    """ENOSPC while writing the second file: exit 2 naming it, the previous build intact and whole."""
    from kg import io

    out = tmp_path / "build"
    shutil.copytree(old_build, out)
    before = snapshot(out)
    calls = {"n": 0}
    real = io._write_fd

    def full_disk(fd, data):
        calls["n"] += 1
        if calls["n"] == 2:   # dataset.trig staged fine; the disk is full for dataset.nq
            os.close(fd)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(io, "_write_fd", full_disk)
    r = CliRunner().invoke(app, ["build", "--out", str(out), "-q"])
    assert r.exit_code == 2, r.output
    assert "dataset.nq: cannot write: No space left on device" in r.output
    assert "previous build is unchanged" in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert snapshot(out) == before            # nothing renamed, no temporary file left behind
    from kg.buildinfo import verify_build
    verify_build(out)


def _kill_build_at(out: Path, delay: float | None) -> str:
    """Start `kg build --out OUT` and SIGKILL it after `delay` seconds, or (None) right after the new
    dataset.trig appears (between the renames); return the state the folder is left in."""
    from kg.buildinfo import BuildIntegrityError, verify_build

    trig = out / "dataset.trig"
    inode = trig.stat().st_ino
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", "--out", str(out), "-q"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if delay is None:
            end = time.time() + 60
            while time.time() < end and proc.poll() is None:
                try:
                    if trig.stat().st_ino != inode:
                        break
                except FileNotFoundError:
                    pass
        else:
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    try:
        verify_build(out)
    except BuildIntegrityError:
        return "torn"
    return "whole"


def test_sigkill_during_build_never_leaves_a_build_that_passes_as_whole(tmp_path, old_build):
    """Real SIGKILLs at timed points and right after the first rename. After each, the folder is
    either one whole build (old or new, all files matching the manifest) or refused as torn; and a
    torn one is refused by `kg serve` and `kg publish` with exit 2 and a clear message."""
    from kg import build as _  # noqa: F401  (imports warm)

    t0 = time.time()
    r = kg("build", "--out", str(tmp_path / "timing"), "-q")
    assert r.returncode == 0, r.stderr
    duration = time.time() - t0
    states = []
    torn_dir = None
    delays = [None, None, 0.5 * duration, 0.8 * duration, 0.9 * duration, 1.0 * duration]
    for i, delay in enumerate(delays):
        out = tmp_path / f"b{i}"
        shutil.copytree(old_build, out)
        states.append(_kill_build_at(out, delay))   # "whole" = verify_build passed: every file matches
        if states[-1] == "torn" and torn_dir is None:
            torn_dir = out
        # a killed build may leave staged temporary files; they are never mistaken for the build
        leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
        assert all(n.endswith(".tmp") for n in leftovers), leftovers
    print("SIGKILL at", ["after-trig-rename" if d is None else f"{d:.2f}s" for d in delays], "→", states,
          f"(build takes {duration:.2f} s)")
    if torn_dir is None:   # every kill fell outside the data files' renames: make the torn state by hand
        torn_dir = tmp_path / "torn"
        shutil.copytree(old_build, torn_dir)
        r = kg("build", "--out", str(tmp_path / "new"), "-q")
        shutil.copyfile(tmp_path / "new" / "dataset.trig", torn_dir / "dataset.trig")
    port = free_port()
    t = time.time()
    r = kg("serve", "--data", str(torn_dir / "dataset.nq"), "--port", str(port), "-q", timeout=60)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "does not match" in r.stderr and "run `kg build` again" in r.stderr and time.time() - t < 30
    no_traceback(r)
    root = fixture_root(tmp_path / "pub")
    r = kg("publish", "--version", "1.0", "--force", env={"KG_DATASET": str(root), "KG_BUILD": str(torn_dir)})
    assert r.returncode == 2, r.stdout + r.stderr
    assert "does not match" in r.stderr and "interrupted build?" in r.stderr
    assert not (root / "release" / "1.0").exists()
    no_traceback(r)
    # the next build removes what killed ones left (only ours: an unrelated dot-file stays)
    with_leftovers = [tmp_path / f"b{i}" for i in range(len(delays))
                      if any(p.name.endswith(".tmp") for p in (tmp_path / f"b{i}").iterdir())]
    if with_leftovers:
        folder = with_leftovers[0]
        (folder / ".dataset.nq.notes.tmp").write_text("not ours")
        assert kg("build", "--out", str(folder), "-q").returncode == 0
        assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == [".dataset.nq.notes.tmp"]


def test_serve_refuses_a_default_build_without_manifest(tmp_path, built_dataset):
    """The default build (no --dataset) must carry the manifest; a folder from an older kg is refused."""
    build = tmp_path / "build"
    shutil.copytree(built_dataset.parent, build)
    (build / "manifest.json").write_text('{"graphs": {}}')
    r = kg("serve", "--port", str(free_port()), "-q", env={"KG_BUILD": str(build)}, timeout=60)
    assert r.returncode == 2 and "does not list the build's files" in r.stderr, r.stderr


def test_validate_adds_its_report_to_the_manifest(tmp_path, built_dataset):
    build = tmp_path / "build"
    shutil.copytree(built_dataset.parent, build)
    r = kg("validate", env={"KG_BUILD": str(build)}, timeout=300)
    assert r.returncode == 0, r.stderr
    files = json.loads((build / "manifest.json").read_text())["files"]
    assert set(files) == {"dataset.trig", "dataset.nq", "validation.ttl"}
    from kg.buildinfo import verify_build
    verify_build(build)


# --- 8. interrupted publishes ----------------------------------------------------------------------

def _partials(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".partial")) if folder.is_dir() else []


def _start_publish_and_wait_for_partial(root: Path, version: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO), KG_DATASET=str(root))
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "publish", "--version", version, "--force"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.time() + 60
    while time.time() < end and proc.poll() is None and not _partials(root / "release"):
        time.sleep(0.005)
    return proc


def test_killed_publish_is_cleaned_up_by_the_next_one_and_only_ours(tmp_path):
    root = fixture_root(tmp_path)
    rel = root / "release"
    proc = _start_publish_and_wait_for_partial(root, "1.0")
    assert proc.poll() is None, "kg publish finished before its temporary folder could be seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    stale = _partials(rel)
    assert len(stale) == 1 and ".kg-publish-" in stale[0].name
    # not ours: an unrelated hidden folder, and a partial whose writer is still running
    (rel / ".notes.partial").mkdir()
    sleeper = subprocess.Popen(["sleep", "60"])
    live = rel / f".2.0.kg-publish-{sleeper.pid}-abc123.partial"
    live.mkdir()
    try:
        r = kg("publish", "--version", "1.1", "--force", env={"KG_DATASET": str(root)})
        assert r.returncode == 0, r.stderr
        assert f"removed {stale[0]}" in r.stdout or "left by an interrupted kg publish" in r.stdout
        assert not stale[0].exists()
        assert (rel / ".notes.partial").is_dir() and live.is_dir()
        assert sorted(p.name for p in rel.iterdir() if not p.name.startswith(".")) == ["1.1"]
    finally:
        sleeper.kill()
        sleeper.wait()


def test_sigterm_during_publish_removes_its_temporary_folder(tmp_path):
    root = fixture_root(tmp_path)
    proc = _start_publish_and_wait_for_partial(root, "1.0")
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "interrupted by SIGTERM: the unfinished release was removed" in err
    assert _partials(root / "release") == [] and not (root / "release" / "1.0").exists()
    assert "Traceback" not in err, err


def test_full_disk_during_publish_names_the_file_and_leaves_nothing(tmp_path, monkeypatch, fixture_inputs):
    from kg.publish import checksums
    from kg.publish import release as rel

    root = tmp_path / "releases"

    def full_disk(folder):
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(folder) / "SHA256SUMS"))

    monkeypatch.setattr(checksums, "write_sums", full_disk)
    monkeypatch.setattr(rel.Inputs, "default", classmethod(lambda cls: fixture_inputs()))
    r = CliRunner().invoke(app, ["publish", "--version", "1.0", "--out", str(root / "1.0"), "--force"])
    assert r.exit_code == 2, r.output
    assert "SHA256SUMS: cannot write: No space left on device — nothing was published" in r.output
    assert not (root / "1.0").exists() and _partials(root) == []


def test_publish_prints_no_library_logging(tmp_path):
    root = fixture_root(tmp_path)
    r = kg("publish", "--version", "1.0", "--force", env={"KG_DATASET": str(root)})
    assert r.returncode == 0, r.stderr
    for noise in ("INFO:root", "DEBUG:asyncio", "DEBUG:", "INFO:"):
        assert noise not in r.stdout + r.stderr, r.stdout + r.stderr


def test_publish_exit_codes(tmp_path):
    root = fixture_root(tmp_path)
    (root / "release" / "1.0").mkdir(parents=True)
    r = kg("publish", "--version", "1.0", env={"KG_DATASET": str(root)})
    assert r.returncode == 2 and "already exists" in r.stderr
    shutil.rmtree(root / "build")
    r = kg("publish", "--version", "2.0", env={"KG_DATASET": str(root)})
    assert r.returncode == 2 and "no build — run `kg build` first" in r.stderr
    no_traceback(r)


# --- 8. invalid UTF-8 in a registered source ----------------------------------------------------------

def test_invalid_utf8_in_a_registered_source_names_file_line_and_offset(tmp_path, monkeypatch):
    import hashlib

    import yaml

    sources = tmp_path / "sources"
    shutil.copytree(config.SOURCES, sources)
    reg = yaml.safe_load((sources / "sources.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in reg if e["id"] == "nordland-ung")
    doc = sources / entry["file"]
    data = doc.read_bytes().split(b"\n")
    data[4] = data[4][:3] + b"\xff\xfe" + data[4][3:]      # line 5 gets two bytes that are not UTF-8
    bad = b"\n".join(data)
    doc.write_bytes(bad)
    entry["sha256"] = hashlib.sha256(bad).hexdigest()       # deliberately registered, as the README asks
    (sources / "sources.yaml").write_text(yaml.safe_dump(reg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    offset = bad.index(b"\xff")
    monkeypatch.setattr(config, "SOURCES", sources)
    out = tmp_path / "records"
    r = CliRunner().invoke(app, ["extract", "--out", str(out), "-q"])
    assert r.exit_code == 2, r.output
    assert f"{doc}:5: not valid UTF-8 at byte offset {offset}" in r.output
    assert "0xff" in r.output and not out.exists()
    assert r.exception is None or isinstance(r.exception, SystemExit)


def test_full_disk_while_extracting_names_the_file(tmp_path, monkeypatch):
    from kg import io

    def full_disk(fd, data):
        os.close(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(io, "_write_fd", full_disk)
    out = tmp_path / "records"
    r = CliRunner().invoke(app, ["extract", "--out", str(out), "-q"])
    assert r.exit_code == 2, r.output
    assert "cannot write: No space left on device" in r.output and "no records were changed" in r.output
    assert not out.exists() or not any(out.iterdir())


# --- 11. CLI -----------------------------------------------------------------------------------------

def test_build_out_onto_a_file_or_an_unwritable_place(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("keep me")
    for out, message in ((target, "is a file — --out takes a folder"),
                         (target / "sub", "which is a file — --out takes a folder"),
                         (Path("/proc/kg-build-test"), "cannot write the build here")):
        r = kg("build", "--out", str(out), "-q")
        assert r.returncode == 2, r.stdout + r.stderr
        assert message in r.stderr, r.stderr
        no_traceback(r)
    assert target.read_text() == "keep me"


@pytest.fixture
def busy_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_serve_on_a_busy_port_is_a_clear_error(busy_port):
    r = kg("serve", "--port", str(busy_port), "--data", str(REPO / "tests/fixtures/serve_mini.trig"), "-q",
           timeout=60)
    assert r.returncode == 2, r.stdout + r.stderr
    assert f"127.0.0.1:{busy_port} is already in use" in r.stderr
    no_traceback(r)


def test_up_checks_the_port_before_the_long_work(busy_port):
    r = kg("up", "--port", str(busy_port), timeout=120)
    assert r.returncode == 2 and "is already in use" in r.stderr, r.stdout + r.stderr
    assert "1/4 extract" not in r.stdout   # refused before extract and build, not after them
    no_traceback(r)


@pytest.mark.parametrize("port", ["99999", "0", "-1", "65536"])
def test_port_out_of_range_is_refused(port):
    for cmd in ("serve", "up"):
        r = kg(cmd, "--port", port, "--data", str(REPO / "tests/fixtures/serve_mini.trig"), timeout=60) \
            if cmd == "serve" else kg(cmd, "--port", port, timeout=60)
        assert r.returncode == 2, r.stdout + r.stderr
        assert f"--port must be between 1 and 65535, not {port}" in r.stderr
        assert "1/4 extract" not in r.stdout


def test_query_syntax_error_shows_line_column_and_caret(tmp_path, monkeypatch):
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "broken.rq").write_text("# title: A broken question\n"
                                       "SELECT ?m WHERE {\n"
                                       "  ?m a ?type .\n"
                                       "  FILTER(?type = )\n"
                                       "}\n", encoding="utf-8")
    monkeypatch.setattr(config, "QUERIES", queries)
    monkeypatch.setattr(config, "BUILD", FIXTURE / "build")
    r = CliRunner().invoke(app, ["query", "broken"])
    assert r.exit_code == 2, r.output
    lines = r.output.splitlines()
    head = next(l for l in lines if "SPARQL syntax error" in l)
    assert f"{queries / 'broken.rq'}:" in head
    line_no, col = (int(x) for x in head.split("broken.rq:", 1)[1].split(":")[:2])
    assert line_no == 4    # the FILTER line, not the end of the file (where Oxigraph's parser stops)
    i = lines.index(head)
    assert lines[i + 1].strip() == "FILTER(?type = )"
    assert lines[i + 2].strip() == "^" and lines[i + 2].index("^") == 2 + col - 1
    assert "expected one of" not in r.output and "ABS" not in r.output


# --- 9. push ----------------------------------------------------------------------------------------------

def _release_dir(tmp: Path, quads: list[ox.Quad]) -> Path:
    rel = tmp / "rel"
    rel.mkdir()
    (rel / "dataset.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    return rel


def _bnode_graph(n: int, graph: str) -> list[ox.Quad]:
    """n blank nodes, each with 5 triples and a link to the next: one big component, like nested reports."""
    g = ox.NamedNode(graph)
    p = lambda s: ox.NamedNode(f"http://example.org/{s}")  # noqa: E731
    nodes = [ox.BlankNode(f"r{i}") for i in range(n)]
    out = []
    for i, b in enumerate(nodes):
        out.append(ox.Quad(p("report"), p("result"), b, g))
        out.append(ox.Quad(b, p("severity"), ox.Literal(f"w{i % 3}"), g))
        out.append(ox.Quad(b, p("focus"), p(f"focus/{i}"), g))
        detail = ox.BlankNode(f"d{i}")
        out.append(ox.Quad(b, p("detail"), detail, g))
        out.append(ox.Quad(detail, p("message"), ox.Literal(f"message {i}"), g))
    return out


def test_bnode_safe_chunks_never_split_a_node():
    from kg.publish.push import bnode_safe_chunks

    lines = ['<a> <p> _:b1 .', '_:b1 <q> "text with _:fake" .', '_:b1 <r> _:b2 .', '_:b2 <s> <c> .',
             '<x> <y> <http://e/_:notab> .', '_:b3 <p> <o> .']
    chunks = bnode_safe_chunks(lines, 2)
    assert sorted(sum(chunks, [])) == sorted(lines)
    where = {}
    for i, c in enumerate(chunks):
        for line in c:
            for label in ("_:b1", "_:b2", "_:b3"):
                if label in line.replace('"text with _:fake"', ""):
                    where.setdefault(label, set()).add(i)
    assert where["_:b1"] == where["_:b2"] and all(len(v) == 1 for v in where.values())


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory):
    from local_stores import start_oxigraph, stop

    proc, url = start_oxigraph(tmp_path_factory.mktemp("oxigraph-sec"))
    yield url
    stop(proc)


def test_blank_node_heavy_graph_keeps_its_structure_without_gsp(tmp_path, oxigraph_server):
    """Finding 9: INSERT DATA in 5,000-line chunks made one blank node two. 2,400 blank nodes in
    6,000 triples (over one chunk) pushed through SPARQL Update only; the store's graph is isomorphic."""
    from kg.publish.push import Target, push

    graph = "http://example.org/graph/validation"
    quads = _bnode_graph(1200, graph)
    assert len(quads) == 6000
    rel = _release_dir(tmp_path, quads)
    target = Target(query_url=oxigraph_server + "/query", update_url=oxigraph_server + "/update", gsp_url=None)
    res = push(rel, target, log=lambda *a: None)
    assert res.replaced == {graph: 6000}
    import httpx

    def select(q):
        r = httpx.post(oxigraph_server + "/query", data={"query": q},
                       headers={"Accept": "application/sparql-results+json"}, timeout=60)
        return r.json()["results"]["bindings"]

    ex = "http://example.org/"
    rows = select(f"""SELECT ?focus ?sev ?msg WHERE {{ GRAPH <{graph}> {{ <{ex}report> <{ex}result> ?b .
        ?b <{ex}severity> ?sev ; <{ex}focus> ?focus ; <{ex}detail> ?d . ?d <{ex}message> ?msg }} }}""")
    # each focus IRI is unique, so this is the isomorphism check: every node still has all its triples
    got = sorted((r["focus"]["value"], r["sev"]["value"], r["msg"]["value"]) for r in rows)
    assert got == sorted((f"{ex}focus/{i}", f"w{i % 3}", f"message {i}") for i in range(1200))
    n = select(f"""SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ GRAPH <{graph}> {{
        {{ ?b ?p ?o }} UNION {{ ?s ?p ?b }} FILTER(isBlank(?b)) }} }}""")
    assert int(n[0]["n"]["value"]) == 2400


class _Silent:
    """A 127.0.0.1 listener that accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        self.sock.settimeout(0.2)
        while not self.stop:
            try:
                c, _ = self.sock.accept()
                self.conns.append(c)
            except OSError:
                continue

    def close(self):
        self.stop = True
        for c in self.conns:
            c.close()
        self.sock.close()


def test_store_that_never_answers_fails_within_the_read_timeout(tmp_path):
    rel = _release_dir(tmp_path, _bnode_graph(3, "http://example.org/g"))
    silent = _Silent()
    try:
        t = time.time()
        r = kg("push", str(rel), "--to", f"http://127.0.0.1:{silent.port}", "--store", "oxigraph",
               "--read-timeout", "1", "--connect-timeout", "1", timeout=60)
        took = time.time() - t
    finally:
        silent.close()
    assert r.returncode == 2, r.stdout + r.stderr
    assert "no answer within 1 s (--read-timeout)" in r.stderr
    assert took < 15, took     # one read timeout (plus interpreter start), not 4 × 300 s
    no_traceback(r)


class _OddStore:
    """A fake SPARQL store on 127.0.0.1 that answers every request with a fixed body."""

    def __init__(self, body: bytes, content_type: str):
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        outer = self

        class H(BaseHTTPRequestHandler):
            def _answer(self):
                n = int(self.headers.get("content-length") or 0)
                self.rfile.read(n)
                self.send_response(200)
                self.send_header("Content-Type", outer.content_type)
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                self.wfile.write(outer.body)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *a):
                pass

        self.body, self.content_type = body, content_type
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("body,ctype,message", [
    (b'{"results": {"bindings": [{"x": {}}]}}', "application/sparql-results+json", "not a count"),
    (b'{"head": {}, "boolean": true}', "application/json", "not SPARQL JSON results"),
    (b'[1, 2, 3]', "application/json", "not SPARQL JSON results"),
    (b"<html><body>Welcome</body></html>", "text/html", "the answer is not JSON (text/html"),
])
def test_unexpected_store_answers_are_clear_errors(tmp_path, body, ctype, message):
    rel = _release_dir(tmp_path, _bnode_graph(3, "http://example.org/g"))
    store = _OddStore(body, ctype)
    try:
        r = kg("push", str(rel), "--to", f"http://127.0.0.1:{store.port}", "--store", "oxigraph", timeout=60)
    finally:
        store.close()
    assert r.returncode == 2, r.stdout + r.stderr
    assert message in r.stderr, r.stderr
    assert "Graphs NOT replaced" in r.stderr
    no_traceback(r)


def test_push_options_are_validated():
    r = CliRunner().invoke(app, ["push", str(FIXTURE), "--to", "http://127.0.0.1:1", "--read-timeout", "0"])
    assert r.exit_code == 2 and "--read-timeout must be between 0 and 3600" in r.output
    r = CliRunner().invoke(app, ["push", str(FIXTURE), "--to", "http://127.0.0.1:1", "--retries", "99"])
    assert r.exit_code == 2 and "--retries must be between 0 and 10" in r.output


# --- 10. labels of reused terms ---------------------------------------------------------------------------

def test_every_term_the_ontology_declares_or_builds_on_has_nb_and_en_labels():
    """Classes and properties declared in ontology/*.ttl, and every term they build on (subClassOf,
    subPropertyOf, domain, range, inverseOf, equivalence, rdf:type), have rdfs:label or skos:prefLabel
    in both bokmål and English. The RDF/RDFS/OWL/XSD meta-vocabulary itself is not a domain term."""
    import rdflib
    from rdflib import OWL, RDF, RDFS, SKOS

    g = rdflib.Graph()
    for ttl in sorted(config.ONTOLOGY.glob("*.ttl")):
        g.parse(ttl)
    declared = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
                RDFS.Class, SKOS.Concept, SKOS.ConceptScheme}
    refs = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.inverseOf, OWL.equivalentClass,
            OWL.equivalentProperty, RDF.type)
    meta = (str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#")
    terms = {s for t in declared for s in g.subjects(RDF.type, t)} | {o for p in refs for o in g.objects(None, p)}
    terms = {t for t in terms if isinstance(t, rdflib.URIRef) and not str(t).startswith(meta)}
    assert len(terms) > 150

    def langs(t):
        return {lit.language for p in (RDFS.label, SKOS.prefLabel) for lit in g.objects(t, p)
                if isinstance(lit, rdflib.Literal)}

    missing = sorted(str(t) for t in terms if not {"nb", "en"} <= langs(t))
    assert missing == []
    for named in ("http://www.w3.org/ns/prov#Agent", "http://www.w3.org/ns/prov#Activity",
                  "http://www.w3.org/2004/02/skos/core#Concept", "http://schema.org/MonetaryAmount",
                  "http://purl.org/dc/terms/BibliographicResource"):
        assert rdflib.URIRef(named) in terms and {"nb", "en"} <= langs(rdflib.URIRef(named))
