"""The publisher's guide (docs/guide.nb.md, docs/guide.en.md) stays honest: every `kg …` command its code
blocks show names a sub-command and options the CLI has, both languages show the same commands, and every
screenshot and document it points to exists (screenshots as PNGs of at most ~200 KB, made by
docs/screenshots.py)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer.main

from kg.cli import app

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = [DOCS / "guide.nb.md", DOCS / "guide.en.md"]
PROMPTS = ("$ ", "PS> ")   # a command line in a code block starts with one of these; other lines are output
MAX_PNG = 200 * 1024


def code_blocks(text: str) -> list[str]:
    return re.findall(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", text, flags=re.M | re.S)


def kg_commands(path: Path) -> list[str]:
    """The `kg …` command lines of the guide's code blocks, prompt stripped."""
    out = []
    for block in code_blocks(path.read_text(encoding="utf-8")):
        for line in block.splitlines():
            line = line.strip()
            for prompt in PROMPTS:
                if line.startswith(prompt) and line[len(prompt):].startswith("kg "):
                    out.append(line[len(prompt):])
    return out


def options(command) -> set[str]:
    """A click command's option names (typer vendors click, so by duck type), and --help."""
    return {o for p in command.params if p.param_type_name == "option" for o in p.opts + p.secondary_opts} | {"--help"}


def check_command(line: str, root) -> list[str]:
    """What in `line` the CLI (the click group `root`) does not have (empty: all of it exists)."""
    args = shlex.split(line)[1:]
    name = args[0] if args else ""
    if name.startswith("-"):
        return [] if name in options(root) else [f"kg has no option {name}"]
    cmd = root.commands.get(name)
    if cmd is None:
        return [f"no sub-command {name!r}"]
    known = options(cmd)
    return [f"kg {name} has no option {a.split('=')[0]}" for a in args[1:]
            if a.startswith("-") and a.split("=")[0] not in known]


@pytest.fixture(scope="module")
def root():
    return typer.main.get_command(app)


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_every_kg_command_of_the_guide_exists(guide, root):
    commands = kg_commands(guide)
    assert len(commands) >= 20, commands   # the guide walks from kg init to kg diff
    used = {shlex.split(c)[1] for c in commands}
    assert {"init", "template", "import", "build", "validate", "publish", "serve", "export-template", "diff"} <= used
    problems = {c: p for c in commands if (p := check_command(c, root))}
    assert problems == {}


def test_the_check_finds_what_the_cli_lacks(root):
    assert check_command("kg import data/workbook.xlsx --check --format json", root) == []
    assert check_command("kg init x --yes --publisher P --org-number 1", root) == []
    assert check_command("kg imprt data/workbook.xlsx", root) == ["no sub-command 'imprt'"]
    assert check_command("kg publish --versoin 1", root) == ["kg publish has no option --versoin"]
    assert check_command("kg serve --port=8000 --bogus=1", root) == ["kg serve has no option --bogus"]


def test_both_languages_show_the_same_commands():
    """… apart from the language asked of kg validate (each guide shows the messages in its own language)."""
    nb, en = ([re.sub(r" --lang \w+", "", c) for c in kg_commands(g)] for g in GUIDES)
    assert nb == en


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_every_screenshot_and_link_of_the_guide_exists(guide):
    text = guide.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    assert len(images) >= 5, images   # the workbook (Veiledning, Tiltak ×2) and the site (landing, measure)
    for ref in images:
        png = DOCS / ref
        assert png.suffix == ".png" and png.is_file(), ref
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", ref
        assert png.stat().st_size <= MAX_PNG, f"{ref}: {png.stat().st_size} bytes — shrink it (docs/screenshots.py)"
    links = [t for t in re.findall(r"(?<!!)\[[^\]]*\]\(([^)\s#]+)(?:#[^)]*)?\)", text) if "://" not in t]
    assert links, "the guide links the workbook's column reference"
    for ref in links:
        assert (DOCS / ref).exists(), ref


def test_both_languages_show_the_same_screenshots():
    nb, en = ([*re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", g.read_text(encoding="utf-8"))] for g in GUIDES)
    assert nb == en


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_the_guide_never_says_pip_install_kg_by_name(guide):
    # `kg` on PyPI is another project: the guide installs the wheel file
    for block in code_blocks(guide.read_text(encoding="utf-8")):
        for line in block.splitlines():
            assert not re.search(r"pip install\s+kg(\s|$)", line), line
