"""SHA-256 checksums of every file of a release, in `sha256sum -c` format."""

from __future__ import annotations

from pathlib import Path

from ..hashing import file_digest

SUMS_NAME = "SHA256SUMS"


def write_sums(root: Path) -> Path:
    """Write `root/SHA256SUMS` covering every other file below root (sorted, relative, POSIX paths)."""
    root = Path(root)
    lines = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != SUMS_NAME):
        rel = path.relative_to(root).as_posix()
        if "\n" in rel or "\\" in rel:
            raise ValueError(f"{path}: file name not representable in {SUMS_NAME}")
        lines.append(f"{file_digest(path)}  {rel}\n")
    out = root / SUMS_NAME
    out.write_text("".join(lines), encoding="utf-8")
    return out


def verify_sums(root: Path) -> list[str]:
    """Return the problems found (empty = every listed file matches and no file is unlisted)."""
    root = Path(root)
    problems: list[str] = []
    listed: set[str] = set()
    for n, line in enumerate((root / SUMS_NAME).read_text(encoding="utf-8").splitlines(), 1):
        digest, sep, rel = line.partition("  ")
        if not sep:
            problems.append(f"{SUMS_NAME}:{n}: malformed line")
            continue
        listed.add(rel)
        path = root / rel
        if not path.is_file():
            problems.append(f"{rel}: listed but missing")
        elif file_digest(path) != digest:
            problems.append(f"{rel}: checksum mismatch")
    for path in root.rglob("*"):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and path.name != SUMS_NAME and rel not in listed:
            problems.append(f"{rel}: not listed in {SUMS_NAME}")
    return problems
