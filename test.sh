#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run the whole test suite with pytest.
#   ./test.sh                # all tests
#   ./test.sh -k serve       # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
# System packages for the browser test (Chromium), the Jena peer and the external-store push test (Virtuoso).
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || need+=(virtuoso-opensource)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "note: ${need[*]} missing and not root: the tests that need them will be skipped" >&2
  fi
fi
set +e
.venv/bin/pytest "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi
exit $rc
