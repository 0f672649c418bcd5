"""Extraction orchestrator: source documents → records (JSON) + measures.csv + anomalies.csv.

``run()`` extracts every registered source (or the given paths), annotates actors, links the 2024
and 2025 programmes (successors.json) and writes all outputs all-or-nothing: everything is built in
memory first; if any step raises, nothing is written and the previous records stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import ExtractError
from ..records.model import SCHEMA_VERSION, AnyRecord
from ..records.validate import check, load, load_file, parse
from . import actors, followup, successors, tables
from .layouts import LAYOUTS

__all__ = ["LAYOUTS", "ExtractError", "extractor_for", "run"]


def extractor_for(src) -> Callable[..., dict]:
    if src.layout in LAYOUTS:
        return LAYOUTS[src.layout]
    from .. import config

    registry = config.sources_registry()
    what = f"unknown layout {src.layout!r}" if src.layout else "no 'layout'"
    raise ExtractError(registry, _entry_line(registry, src.id),
                       f"source {src.id!r}: {what}; known layouts: {', '.join(sorted(LAYOUTS))}")


def _entry_line(registry: Path, source_id: str) -> int:
    """1-based line of ``- id: <source_id>`` in sources.yaml (1 if not found)."""
    try:
        for n, line in enumerate(registry.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip().lstrip("- ").strip() in (f"id: {source_id}", f"id: '{source_id}'", f'id: "{source_id}"'):
                return n
    except OSError:
        pass
    return 1


def _on_disk(path: Path) -> dict:
    """A record already in the records folder, checked against the model and kept as the dict it is (the
    successor linker works on the extractors' dicts)."""
    data = parse(path)
    check(data, str(path))
    return data


def _read_existing(out_dir: Path, source_id: str) -> dict | None:
    path = out_dir / f"{source_id}.json"
    return _on_disk(path) if path.exists() else None


def run(paths=None, out_dir=None, progress: bool = True) -> dict[str, dict]:
    """Extract, annotate, link and write. Returns {file name: record} of the JSON files written."""
    from .. import config, sources
    from ..io import dumps_json

    out_dir = Path(out_dir) if out_dir is not None else config.RECORDS
    if paths:
        srcs = [sources.by_path(Path(p)) for p in paths]
    else:
        reg = sources.registry()
        srcs = list(reg.values())
        for src in srcs:
            sources.check(src)

    records: dict[str, dict] = {}
    with _progress(progress, len(srcs)) as advance:
        for src in srcs:
            rec = extractor_for(src)(src)
            actors.annotate(rec)
            followup.annotate(rec, src.lines())
            records[src.id] = rec
            advance(src.id)

    # successors need both programmes: fresh, or the records already on disk
    files: dict[str, dict] = {f"{sid}.json": rec for sid, rec in records.items()}
    rec24 = records.get("hp2024") or _read_existing(out_dir, "hp2024")
    rec25 = records.get("hp2025") or _read_existing(out_dir, "hp2025")
    if rec24 is not None and rec25 is not None and ("hp2024" in records or "hp2025" in records):
        linked = successors.link(rec24, rec25)
        if "hp2024" in records:
            successors.apply_titles(records["hp2024"], linked)
        files["successors.json"] = linked

    # the records model is the contract with `kg build`: check before writing; the tables read the
    # model objects and cover every record: fresh ones plus those on disk that were not re-extracted
    models: dict[str, AnyRecord] = {}
    for name, rec in files.items():
        rec["schema_version"] = SCHEMA_VERSION
        models[Path(name).stem] = load(rec, str(out_dir / name))
    for p in sorted(out_dir.glob("*.json")) if out_dir.exists() else []:
        if p.stem not in models:
            models[p.stem] = load_file(p)
    payload = {name: dumps_json(rec).encode("utf-8") for name, rec in files.items()}
    payload["measures.csv"] = tables.measures_csv(models).encode("utf-8")
    payload["anomalies.csv"] = tables.anomalies_csv(models).encode("utf-8")
    _write_all(out_dir, payload)
    return files


def _write_all(out_dir: Path, payload: dict[str, bytes]) -> None:
    """Stage every file beside its target, then rename them all; on a failure remove the staged files.
    A write that fails (full disk …) raises kg.io.WriteError naming the file; nothing is changed then."""
    from ..io import atomic_write_many, remove_stale_temps

    remove_stale_temps(Path(out_dir), payload)   # left by a killed extract, if any
    atomic_write_many({Path(out_dir) / name: payload[name] for name in sorted(payload)})


class _progress:
    """rich progress bar on stderr (or nothing when quiet); yields an ``advance(label)`` callable."""

    def __init__(self, enabled: bool, total: int):
        self.enabled, self.total, self.bar = enabled, total, None

    def __enter__(self):
        if not self.enabled:
            return lambda label: None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), transient=False)
        self.bar.__enter__()
        task = self.bar.add_task("extract", total=self.total)
        return lambda label: self.bar.update(task, advance=1, description=f"extract {label}")

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False
