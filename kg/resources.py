"""The files kg ships with the package: the ontology and concept schemes, the SHACL shapes and the
catalogue of questions (SPARQL).

In the repository they are the top-level folders ``ontology/``, ``shapes/`` and ``queries/``; a built
wheel carries copies of them as ``kg/_res/<name>/`` (setup.py's build step). `folder(name)` finds
them through importlib.resources in the installed package, else beside the package in a checkout
(an editable install or ``PYTHONPATH``), so every install reads the same files.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

NAMES = ("ontology", "shapes", "queries")


def folder(name: str) -> Path:
    """The shipped folder `name` (one of NAMES) as a path on disk."""
    if name not in NAMES:
        raise ValueError(f"unknown resource folder {name!r} (known: {', '.join(NAMES)})")
    packaged = files("kg").joinpath("_res", name)
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    raise RuntimeError(f"kg is installed without its {name}/ folder (looked in {packaged} and {checkout / name}) "
                       "— reinstall kg from a wheel built by `pip wheel .`")
