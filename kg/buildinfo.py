"""The build's manifest: which files make up one build, so a torn build is never served or published.

`kg build` writes build/dataset.trig and build/dataset.nq, then build/manifest.json LAST, with

    "files": {"dataset.trig": {"sha256": "…", "bytes": N}, "dataset.nq": {"sha256": "…", "bytes": N}}

listing exactly the build's published files (`kg validate` adds validation.ttl the same way). Two
renames cannot be one atomic step, so a kill or a full disk between them leaves a new file beside an
old one; `verify_build` finds that (size, then SHA-256) before serve or publish use the build.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .io import atomic_write_json, show

MANIFEST = "manifest.json"


class BuildIntegrityError(Exception):
    """The build folder is not one complete build; the message names the file and what to do."""

    def __init__(self, path, message: str):
        self.path = Path(path)
        super().__init__(f"{show(path)}: {message}")


def file_entry(data: bytes | None = None, path: Path | None = None) -> dict:
    """{"sha256": hex, "bytes": N} of data in memory or of a file (read in chunks)."""
    digest, size = hashlib.sha256(), 0
    if data is not None:
        digest.update(data)
        size = len(data)
    else:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
    return {"sha256": digest.hexdigest(), "bytes": size}


def read_manifest(build_dir: Path) -> dict:
    """The parsed manifest; BuildIntegrityError when it is missing, not JSON or lists no files."""
    path = Path(build_dir) / MANIFEST
    rebuild = "run `kg build` again"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildIntegrityError(path, f"missing — no complete build in {show(build_dir)}: {rebuild}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BuildIntegrityError(path, f"cannot be read ({e}): {rebuild}") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as e:
        raise BuildIntegrityError(path, f"line {e.lineno}: not valid JSON ({e.msg}): {rebuild}") from None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict) or not files or not all(
            isinstance(v, dict) and isinstance(v.get("sha256"), str) and isinstance(v.get("bytes"), int)
            for v in files.values()):
        raise BuildIntegrityError(path, f"does not list the build's files (made by an older kg?): {rebuild}")
    return manifest


def verify_build(build_dir: Path, require: tuple[str, ...] = ("dataset.nq",), skip: tuple[str, ...] = ()) -> dict:
    """Check every file the manifest lists (size, then SHA-256); return the manifest.

    Raises BuildIntegrityError naming the first file that is missing or differs, e.g.
    "build/dataset.nq does not match build/manifest.json (interrupted build?): run kg build again".
    """
    build_dir = Path(build_dir)
    manifest = read_manifest(build_dir)
    mpath = build_dir / MANIFEST
    for name in require:
        if name not in manifest["files"]:
            raise BuildIntegrityError(mpath, f"does not list {name}: run `kg build` again")
    for name, want in sorted(manifest["files"].items()):
        if name in skip:
            continue
        path = build_dir / name
        if "/" in name or name.startswith(".") or name == MANIFEST:
            raise BuildIntegrityError(mpath, f"lists an unexpected file {name!r}: run `kg build` again")
        try:
            size = path.stat().st_size
            got = file_entry(path=path) if size == want["bytes"] else None
        except FileNotFoundError:
            raise BuildIntegrityError(path, f"missing, but listed in {show(mpath)} (interrupted build?): "
                                            "run `kg build` again") from None
        except OSError as e:
            raise BuildIntegrityError(path, f"cannot be read ({e.strerror or e}): run `kg build` again") from None
        if got is None or got["sha256"] != want["sha256"]:
            raise BuildIntegrityError(path, f"does not match {show(mpath)} (interrupted build?): run `kg build` again")
    return manifest


def verify_dataset(dataset: Path, required: bool) -> dict | None:
    """Verify the build a dataset file belongs to: always when `required` (the default build), else
    only when its folder has a manifest that lists it (a file given with --dataset may be anything)."""
    dataset = Path(dataset)
    folder = dataset.parent
    if not required:
        try:
            listed = dataset.name in read_manifest(folder)["files"]
        except BuildIntegrityError:
            return None
        if not listed:
            return None
    return verify_build(folder, require=(dataset.name,))


def add_file(build_dir: Path, name: str) -> dict:
    """List one more file of the build (e.g. validation.ttl, written by kg validate) in the manifest,
    rewritten atomically. The build must be intact first: a report about a torn build is no report."""
    build_dir = Path(build_dir)
    manifest = verify_build(build_dir, skip=(name,))
    manifest["files"][name] = file_entry(path=build_dir / name)
    atomic_write_json(build_dir / MANIFEST, manifest)
    return manifest
