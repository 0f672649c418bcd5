"""kg/ holds no one dataset's names, numbers or IRIs: they live in the dataset's kg.toml and data/.

Excluded: kg/extract/layouts/ — parsers of one publisher's printed document layout each, chosen by
`layout:` in sources.yaml; they must know the words of the layout they read.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

KG = Path(__file__).resolve().parent.parent / "kg"
FLAGSHIP = tomllib.loads((KG.parent / "kg.toml").read_text(encoding="utf-8"))
LAYOUTS = KG / "extract" / "layouts"

#: the vocabulary kg itself defines under the flagship's base IRI (the same for every dataset)
VOCABULARY = ("ontology", "shapes#", "search#", "concept/", "records.schema.json")


def _forbidden() -> list[re.Pattern]:
    base = FLAGSHIP["dataset"]["base_iri"]
    words = ["Innlandet", "Nordland", "inkluderende", FLAGSHIP["publisher"]["org_number"],
             FLAGSHIP["plan"]["slug"], FLAGSHIP["publisher"]["homepage"], FLAGSHIP["spatial"]["iri"]]
    pats = [re.compile(re.escape(w), re.IGNORECASE) for w in words]
    # the base IRI itself, unless it starts one of kg's own vocabulary IRIs
    pats.append(re.compile(re.escape(base) + "(?!" + "|".join(re.escape(v) for v in VOCABULARY) + ")"))
    return pats


def test_the_words_are_real():
    """The test would find them: each occurs in the flagship's sources or config, and in the layouts."""
    layouts = "".join(p.read_text(encoding="utf-8") for p in LAYOUTS.rglob("*.py"))
    assert re.search("Innlandet", layouts) and re.search("Nordland", layouts, re.IGNORECASE)
    assert all(p.search((KG.parent / "kg.toml").read_text(encoding="utf-8")) for p in _forbidden()[2:])


def test_no_dataset_constants_in_kg():
    hits = []
    pats = _forbidden()
    for path in sorted(KG.rglob("*")):
        if not path.is_file() or path.is_relative_to(LAYOUTS) or "__pycache__" in path.parts:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            hits += [f"{path.relative_to(KG.parent)}:{n}: {p.pattern!r} in {line.strip()[:120]!r}"
                     for p in pats if p.search(line)]
    assert not hits, "dataset-specific text in kg/ (move it to kg.toml or data/):\n" + "\n".join(hits)
