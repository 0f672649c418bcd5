"""Orchestration, in one place: "build it first if it is missing" and the main job (`kg up`).

The stages below know nothing of each other's outputs being absent: `kg.validate.run` validates the
dataset it is given (or the build), `kg.serve.serve` serves the file it is given. Commands that want
the friendly behaviour ("no build yet: build it, then go on") ask here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import config


def ensure_built(note: Callable[[str], None] = lambda message: None, progress: bool = True) -> Path:
    """The built dataset, building it first (`kg build`) when there is none. Raises the build's
    errors (BuildError, RecordError) unchanged: they name the record file and JSON path."""
    path = config.dataset_nq()
    if path.exists():
        return path
    note(f"{path} is missing: building it first (kg build)…")
    from .build import run as build_run

    return build_run(progress=progress, out_dir=config.BUILD)


class StepFailed(Exception):
    """A step of `prepare` failed with one of its own typed errors (kept as ``error``): the CLI maps it
    to the same message and exit code as the step's own command."""

    def __init__(self, step: str, error: Exception):
        super().__init__(f"{step}: {error}")
        self.step, self.error = step, error


def prepare(reason: bool = False, progress: bool = True, on_step: Callable[[int, str], None] = lambda n, name: None,
            on_extracted: Callable[[dict], None] = lambda files: None,
            on_built: Callable[[Path], None] = lambda path: None):
    """The main job up to serving: extract → build → validate. Returns (records by name, the built
    dataset.nq, the validation Report); writes build/validation.ttl. Raises StepFailed."""
    from .build import BuildError
    from .errors import ExtractError
    from .extract import run as extract_run
    from .records.validate import RecordError
    from .sources import SourceError
    from .validate import ValidationUsageError, validate_build

    on_step(1, "extract")
    try:
        files = extract_run(None, None, progress=progress)
    except (ExtractError, RecordError, OSError, SourceError) as e:
        raise StepFailed("extract", e) from e
    on_extracted(files)
    on_step(2, "build")
    from .build import run as build_run

    try:
        path = build_run(reason=reason, progress=progress, out_dir=config.BUILD)
    except (BuildError, RecordError, OSError) as e:
        raise StepFailed("build", e) from e
    on_built(path)
    on_step(3, "validate")
    try:
        report = validate_build()
    except ValidationUsageError as e:
        raise StepFailed("validate", e) from e
    return files, path, report


__all__ = ["StepFailed", "ensure_built", "prepare"]
