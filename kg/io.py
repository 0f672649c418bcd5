"""Atomic, deterministic file output: write to a temporary file beside the target, then rename.

A write that fails (full disk, no permission, target is a folder …) raises `WriteError`, which names
the file and leaves the target as it was; the CLI prints it and exits 2.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class WriteError(OSError):
    """A file could not be written; the message names it and says why (the target is unchanged).
    An OSError, so existing `except OSError` handlers still catch it."""

    def __init__(self, path, error: OSError | str):
        reason = (error.strerror or str(error)) if isinstance(error, OSError) else str(error)
        self.message = f"{show(path)}: cannot write: {reason}"
        super().__init__(self.message)
        self.path = Path(path)
        self.errno = getattr(error, "errno", None)
        self.filename = str(path)

    def __str__(self) -> str:
        return self.message


def show(path) -> str:
    """A path as the user gave it: relative to the working directory when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def default_mode(directory: bool = False) -> int:
    """The mode a plain open()/mkdir() would give under the current umask (mkstemp/mkdtemp give 0600/0700)."""
    return (0o777 if directory else 0o666) & ~_UMASK


def _write_fd(fd: int, data: bytes) -> None:
    """Write all of data to fd and fsync it (one place, so tests can simulate a full disk here)."""
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise WriteError(path, "it is a folder")
    parent = path.parent
    for p in (parent, *parent.parents):  # the nearest existing ancestor must be a folder
        if p.exists():
            if not p.is_dir():
                raise WriteError(path, f"{show(p)} is a file, not a folder")
            break


def stage_bytes(path: Path, data: bytes) -> Path:
    """Write data to a fresh temporary file beside path (fsynced); return the temporary file's path."""
    path = Path(path)
    _check_target(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{_TAG}{os.getpid()}-", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise WriteError(path, e) from None
    try:
        os.chmod(tmp, default_mode())  # mkstemp makes 0600; published files must be readable like any other
        _write_fd(fd, data)
    except BaseException as e:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise WriteError(path, e) from None
        raise
    return Path(tmp)


_TAG = "kg"   # temporary files are .<name>.kg<pid>-<random>.tmp: a killed writer's are recognisable


def remove_stale_temps(folder: Path, names) -> list[Path]:
    """Remove the temporary files that a killed writer (SIGKILL, power loss) left beside `names` in
    folder: only `.<name>.kg<pid>-<random>.tmp` files of ours whose process no longer runs."""
    import re

    removed = []
    if not Path(folder).is_dir():
        return removed
    pattern = re.compile(r"^\.(" + "|".join(re.escape(n) for n in names) + r")\." + _TAG + r"(\d+)-[^/]*\.tmp$")
    for p in Path(folder).iterdir():
        m = pattern.match(p.name)
        if not m or p.is_symlink() or not p.is_file():
            continue
        pid = int(m.group(2))
        if pid == os.getpid() or pid_alive(pid):
            continue
        p.unlink(missing_ok=True)
        removed.append(p)
    return removed


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_many(files: dict[Path, bytes]) -> None:
    """Stage every file first, then rename them in the given order (a failure while staging changes
    nothing). The renames are not one atomic step: callers that need that write a manifest last
    (see kg.buildinfo)."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((Path(path), stage_bytes(path, data)))
        for path, tmp in staged:
            try:
                os.replace(tmp, path)
            except OSError as e:
                raise WriteError(path, e) from None
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    for folder in {p.parent for p, _ in staged}:
        _fsync_dir(folder)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    atomic_write_many({Path(path): data})


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def dumps_json(obj: Any) -> str:
    """Stable JSON: sorted keys, two-space indent, UTF-8 kept readable, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_text(path, dumps_json(obj))
