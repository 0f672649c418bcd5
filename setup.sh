#!/usr/bin/env bash
# Shared by run.sh and test.sh: create .venv and install the project (with test extras) when
# pyproject.toml is newer than the last install. Safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/kg ] || [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  "$PY" -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e '.[test]'
  touch .venv/.installed
fi
