#!/usr/bin/env bash
# Set up (virtualenv + install) and run the main job: extract → build → validate → serve.
#   ./run.sh                 # then open http://127.0.0.1:8000/
#   ./run.sh --port 8080     # extra options go to `kg up` (see `.venv/bin/kg up --help`)
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
exec .venv/bin/kg up "$@"
