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
# axe-core (accessibility checks in the browser tests), pinned in tests/js/package-lock.json; not committed.
if command -v npm >/dev/null 2>&1; then
  (cd tests/js && npm ci --no-audit --no-fund --silent) || echo "note: npm ci failed: the accessibility tests will be skipped" >&2
elif [ "$(id -u)" = 0 ]; then
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null \
      && (cd tests/js && npm ci --no-audit --no-fund --silent); } || echo "note: npm could not be installed: the accessibility tests will be skipped" >&2
else
  echo "note: npm missing and not root: the accessibility tests will be skipped" >&2
fi
set +e
.venv/bin/pytest "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi
exit $rc
