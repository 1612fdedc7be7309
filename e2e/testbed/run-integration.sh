#!/usr/bin/env bash
# Integration tests against the real test bed: up.sh all, the vitest integration suite, the Playwright UI flows
# (e2e/testbed-ui), then always down.sh.
# Exits with the test status. SIMDECK_TESTBED_KEEP=1 leaves the test bed running afterwards (for debugging; stop
# it later with e2e/testbed/down.sh). Extra arguments go to vitest (e.g. a file filter).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  if [ "${SIMDECK_TESTBED_KEEP:-0}" = 1 ]; then
    echo "SIMDECK_TESTBED_KEEP=1: leaving the test bed up (stop it with bash e2e/testbed/down.sh)"
  else
    bash "$HERE/down.sh"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # so the EXIT trap still runs down.sh

bash "$HERE/up.sh" all || { echo "test bed did not come up" >&2; exit 1; }
cd "$ROOT" || exit 1
# The simulator's fidelity check uses the Debian kubectl up.sh unpacked.
export SIMDECK_KUBECTL="${SIMDECK_KUBECTL:-${SIMDECK_TESTBED_DIR:-/tmp/simdeck-testbed}/debian-kubectl/usr/bin/kubectl}"
npx vitest run --config vitest.integration.config.ts "$@"
status=$?
# Tests that restart test-bed daemons (dockerd), alone so no other test sees the daemon go away.
if [ $# -eq 0 ]; then
  npx vitest run --config vitest.disruptive.config.ts
  d=$?
  [ $status -eq 0 ] && status=$d
fi
# UI flows against the same test bed (Playwright + Debian chromium; needs `npm run build`). Skipped when a file
# filter was given, so "npm run test:integration -- files" runs just that vitest file.
if [ $# -eq 0 ]; then
  npx playwright test --config e2e/testbed-ui/playwright.testbed.config.ts
  ui=$?
  [ $status -eq 0 ] && status=$ui
fi
exit $status
