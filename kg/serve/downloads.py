"""The files /download/ offers: exactly those the build's manifest.json lists, nothing else.

Contract with kg build: build/manifest.json has `"files": {"dataset.nq": {"sha256": "…", "bytes": N}, …}`
naming the release's published files. A file is offered only if it is listed there, is a plain
name (no path), is a regular file (not a symlink) in the build folder and has the listed size.
Without a manifest or a "files" mapping nothing is offered (the index says why): the folder may
hold logs, pid files or anything else written next to the dataset.
"""

from __future__ import annotations

import base64
import json
import re
import stat
from dataclasses import dataclass
from pathlib import Path

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,199}")
_SHA256 = re.compile(r"[0-9a-f]{64}")

MEDIA_TYPES = {
    ".trig": "application/trig", ".nq": "application/n-quads", ".ttl": "text/turtle",
    ".nt": "application/n-triples", ".jsonld": "application/ld+json", ".csv": "text/csv",
    ".json": "application/json", ".rdf": "application/rdf+xml", ".gz": "application/gzip",
    ".zip": "application/zip", ".txt": "text/plain", ".html": "text/html", ".md": "text/markdown",
}


@dataclass(frozen=True)
class Download:
    name: str
    path: Path
    bytes: int
    sha256: str | None
    media_type: str

    def digest_header(self) -> str | None:
        """RFC 9530 Repr-Digest value from the manifest's sha256 (None if the manifest has none)."""
        if not self.sha256:
            return None
        return "sha-256=:" + base64.b64encode(bytes.fromhex(self.sha256)).decode() + ":"


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def release_files(build_dir: Path) -> tuple[list[Download], str | None]:
    """(offered files sorted by name, reason when there are none)."""
    manifest = Path(build_dir) / "manifest.json"
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], "manifest.json is missing in the build folder"
    except (OSError, ValueError) as e:
        return [], f"manifest.json cannot be read ({type(e).__name__})"
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not files:
        return [], "manifest.json lists no files"
    out = []
    for name, meta in sorted(files.items()):
        if not (isinstance(name, str) and _NAME.fullmatch(name) and isinstance(meta, dict)):
            continue
        size = meta.get("bytes")
        if not isinstance(size, int) or isinstance(size, bool):
            continue
        path = Path(build_dir) / name
        try:
            st = path.lstat()  # lstat: a symlink is not followed (and not offered)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_size != size:
            continue
        sha = meta.get("sha256")
        sha = sha.lower() if isinstance(sha, str) and _SHA256.fullmatch(sha.lower()) else None
        out.append(Download(name, path, size, sha, media_type(name)))
    return out, None if out else "none of the files manifest.json lists is present with its listed size"
