"""Extraction orchestrator: source documents → records (JSON) + measures.csv + anomalies.csv.

``run()`` extracts every registered source (or the given paths), annotates actors, links the 2024
and 2025 programmes (successors.json) and writes all outputs all-or-nothing: everything is built in
memory first; if any step raises, nothing is written and the previous records stay as they were.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from pathlib import Path


class ExtractError(Exception):
    """A source document that does not parse where it should: names the file and the line."""

    def __init__(self, file, line: int, message: str):
        self.file, self.line, self.message = str(file), int(line), message
        super().__init__(f"{self.file}:{self.line}: {message}")


#: source kind (and programme year) → (module, function)
def _extractor_for(src) -> tuple[str, str]:
    if src.kind == "action-programme":
        if src.programme_year == 2025:
            return "hp2025", "extract"
        if src.programme_year == 2024:
            return "hp2024", "extract"
    table = {"action-programme-fields": ("hp2024", "extract_fields"), "news-grant-round": ("grants", "extract"),
             "plan-web-page": ("nordland", "extract")}
    if src.kind in table:
        return table[src.kind]
    raise ExtractError(src.path, 1, f"no extractor for source kind {src.kind!r} (year {src.programme_year})")


def _module(name: str):
    """Import kg.extract.<name>; None when that module has not been written (other helpers' work)."""
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__name__}.{name}":
            return None
        raise


def _read_existing(out_dir: Path, source_id: str) -> dict | None:
    path = out_dir / f"{source_id}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return None


def run(paths=None, out_dir=None, progress: bool = True) -> dict[str, dict]:
    """Extract, annotate, link and write. Returns {file name: record} of the JSON files written."""
    from .. import config, sources
    from ..io import dumps_json
    from . import tables

    out_dir = Path(out_dir) if out_dir is not None else config.RECORDS
    if paths:
        srcs = [sources.by_path(Path(p)) for p in paths]
        explicit = True
    else:
        reg = sources.registry()
        srcs = list(reg.values())
        for src in srcs:
            sources.check(src)
        explicit = False

    records: dict[str, dict] = {}
    skipped: list[str] = []
    with _progress(progress, len(srcs)) as advance:
        for src in srcs:
            mod_name, func = _extractor_for(src)
            mod = _module(mod_name)
            if mod is None:
                if explicit:
                    raise ExtractError(src.path, 1, f"extractor module kg.extract.{mod_name} is not available")
                skipped.append(f"{src.id} (kg.extract.{mod_name} not available)")
                advance(src.id)
                continue
            rec = getattr(mod, func)(src)
            _annotate(rec)
            records[src.id] = rec
            advance(src.id)

    # successors need both programmes: fresh, or the records already on disk
    files: dict[str, dict] = {f"{sid}.json": rec for sid, rec in records.items()}
    succ = _module("successors")
    rec24 = records.get("hp2024") or _read_existing(out_dir, "hp2024")
    rec25 = records.get("hp2025") or _read_existing(out_dir, "hp2025")
    if succ is not None and rec24 is not None and rec25 is not None and ("hp2024" in records or "hp2025" in records):
        kwargs = {}
        if "fields_rec" in inspect.signature(succ.link).parameters:
            kwargs["fields_rec"] = records.get("hp2024-fields") or _read_existing(out_dir, "hp2024-fields")
        linked = succ.link(rec24, rec25, **kwargs)
        if hasattr(succ, "apply_titles") and "hp2024" in records:
            succ.apply_titles(records["hp2024"], linked)
        files["successors.json"] = linked

    # tables cover every record: fresh ones plus those on disk that were not re-extracted
    all_records = dict(records)
    for p in sorted(out_dir.glob("*.json")) if out_dir.exists() else []:
        sid = p.stem
        if sid not in all_records and p.name not in files:
            all_records[sid] = json.loads(p.read_text(encoding="utf-8"))
    if "successors.json" in files:
        all_records["successors"] = files["successors.json"]
    payload = {name: dumps_json(rec).encode("utf-8") for name, rec in files.items()}
    payload["measures.csv"] = tables.measures_csv(all_records).encode("utf-8")
    payload["anomalies.csv"] = tables.anomalies_csv(all_records).encode("utf-8")
    _write_all(out_dir, payload)
    if skipped and progress:
        print("skipped: " + "; ".join(skipped), file=sys.stderr)
    return files


def _annotate(rec: dict) -> None:
    try:
        from . import actors
    except ImportError:  # kg.extract.actors is another helper's module; records are valid without mentions
        return
    actors.annotate(rec)


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


def cli_extract(paths, out, quiet: bool) -> int:
    """`kg extract`: 0 on success; 2 with 'path:line: message' and a hint on bad input."""
    from ..sources import SourceError

    try:
        files = run(paths, out, progress=not quiet)
    except ExtractError as err:
        print(f"error: {err}", file=sys.stderr)
        print("hint: the document's layout differs from what the extractor expects there; fix the capture or the "
              "extractor — no records were changed", file=sys.stderr)
        return 2
    except OSError as err:  # kg.io.WriteError names the file (full disk, no permission …)
        from ..io import WriteError, show

        msg = str(err) if isinstance(err, WriteError) or not err.filename else f"{show(err.filename)}: {err.strerror or err}"
        print(f"error: {msg}", file=sys.stderr)
        print("hint: no records were changed", file=sys.stderr)
        return 2
    except SourceError as err:
        # SourceError messages start with "<path>: " (a problem of the whole file: line 1) or,
        # when located (e.g. invalid UTF-8), with "<path>:<line>: " already
        msg = str(err) if err.located else str(err).replace(': ', ':1: ', 1)
        print(f"error: {msg}", file=sys.stderr)
        print("hint: check the path, register new documents in data/sources/sources.yaml (id, kind, sha256); "
              "no records were changed", file=sys.stderr)
        return 2
    if not quiet:
        for name, rec in sorted(files.items()):
            n = len(rec.get("measures") or [])
            a = len(rec.get("anomalies") or [])
            print(f"{name}: {n} measures, {a} anomalies" if n else f"{name}: {a} anomalies")
    return 0
