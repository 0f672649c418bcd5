"""`--help` fits the terminal: docstrings are wrapped at ~100 columns in the source, and typer keeps
those line breaks, so each paragraph is reflowed (kg.cli.reflow) while examples keep their lines."""

from __future__ import annotations

from typer.testing import CliRunner

from kg.cli import app, reflow


def test_reflow_joins_the_source_wrapping_and_keeps_examples():
    doc = """Summary line.

    A paragraph wrapped in the
    source at some width.

    Examples:
      kg query
      kg query money-by-focus-area --format csv
    """
    assert reflow(doc) == ("Summary line.\n\nA paragraph wrapped in the source at some width.\n\n"
                           "Examples:\n  kg query\n  kg query money-by-focus-area --format csv")


def test_help_at_80_columns_has_no_ragged_lines():
    """No line of a command's description ends far short of the width while the next one goes on with
    the same sentence (what the source's line breaks looked like in an 80-column terminal)."""
    env = {"COLUMNS": "80", "NO_COLOR": "1", "TERM": "dumb", "_TYPER_FORCE_DISABLE_TERMINAL": "1"}
    for info in app.registered_commands:
        name = info.name or info.callback.__name__
        out = CliRunner().invoke(app, [name, "--help"], env=env, terminal_width=80, prog_name="kg").output
        lines = [line.rstrip() for line in out.split("╭─")[0].splitlines()]
        for a, b in zip(lines, lines[1:]):
            if a.strip() and b.strip() and b.strip()[0].islower() and not b.strip().startswith("kg "):
                assert len(a) > 55, f"kg {name} --help: ragged line {a!r} before {b!r}"
