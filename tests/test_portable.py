"""The publisher's commands run where publishers work (Windows, macOS): no fork, no shell, no Linux-only
module on their path; `kg serve` says at start that it needs Linux instead of failing later."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app

REPO = Path(__file__).resolve().parent.parent

#: what Windows lacks: modules that do not exist there, and os/signal names it does not have
POSIX_ONLY_MODULES = ("resource", "fcntl", "termios", "pwd", "grp", "posix", "pty", "tty", "crypt", "syslog")
POSIX_ONLY_CALLS = {"os": ("fork", "forkpty", "setsid", "killpg", "getpgid", "setpgrp", "wait", "waitpid", "nice",
                           "getuid", "geteuid", "sched_getaffinity"),
                    "signal": ("SIGALRM", "SIGHUP", "SIGKILL", "SIGCHLD", "SIGUSR1", "alarm", "setitimer",
                               "pthread_kill")}

SCRIPT = textwrap.dedent("""
    import importlib.abc, os, signal, subprocess, sys
    BLOCKED = set(sys.argv[1].split(","))
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is not available on this platform (blocked by the test)")
    sys.meta_path.insert(0, Block())
    for name in BLOCKED:
        sys.modules.pop(name, None)
    for mod, names in CALLS.items():
        for n in names:
            if hasattr(sys.modules[mod], n):
                delattr(sys.modules[mod], n)
    def no_process(*a, **k):
        raise AssertionError(f"a publisher's command started a process: {a!r}")
    subprocess.Popen.__init__ = no_process
    os.system = no_process
    from kg.cli import app
    for args in COMMANDS:
        try:
            app(args, prog_name="kg", standalone_mode=False)
        except SystemExit as e:
            if e.code not in (0, None):
                raise SystemExit(f"kg {' '.join(args)} exited {e.code}")
        print("ok:", args[0], flush=True)
    loaded = sorted(m for m in BLOCKED if m in sys.modules)
    assert not loaded, loaded
""")


def test_publisher_commands_without_posix_only_modules_or_processes(tmp_path):
    ds = tmp_path / "ds"
    commands = [
        ["init", str(ds), "--yes", "--publisher", "Prøvefylke fylkeskommune (test data)", "--org-number", "999999999",
         "--plan-title-nb", "Regional plan for prøving", "--plan-title-en", "regional plan for testing",
         "--base-iri", "https://example.org/provefylke/", "--county", "99", "--spatial-label", "Prøvefylke",
         "--contact-email", "post@example.org"],
        ["template", str(tmp_path / "blank.xlsx")],
        ["import", str(REPO / "tests" / "fixtures" / "workbook" / "testfylket"), "--dataset", str(ds)],
        ["build", "-q", "--dataset", str(ds)],
        ["validate", "--dataset", str(ds)],
        ["publish", "--version", "1.0", "--dataset", str(ds)],
    ]
    script = SCRIPT.replace("CALLS", repr(POSIX_ONLY_CALLS)).replace("COMMANDS", repr(commands))
    env = {k: v for k, v in os.environ.items() if k not in ("KG_DATASET", "KG_BUILD", "KG_BASE_IRI")}
    env["PYTHONPATH"] = str(REPO)
    r = subprocess.run([sys.executable, "-c", script, ",".join(POSIX_ONLY_MODULES)], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert [line.split()[1] for line in r.stdout.splitlines() if line.startswith("ok:")] == \
        ["init", "template", "import", "build", "validate", "publish"]
    assert (ds / "release" / "1.0" / "metadata" / "catalog.ttl").is_file() and (tmp_path / "blank.xlsx").is_file()
    assert "2026" in (ds / "release" / "1.0" / "tables" / "measures.csv").read_text(encoding="utf-8")   # the workbook's


def test_serve_says_at_start_that_it_needs_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    r = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert r.exit_code == 2
    assert "kg serve needs Linux (this is win32)" in r.output and "WSL" in r.output
    assert "Traceback" not in r.output
