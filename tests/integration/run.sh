#!/bin/bash
# run.sh BUILDDIR — integration tests: starts the Dovecot fixture fleet,
# the other real servers (tests/impls.sh) and the fake servers on loopback, scans each with BUILDDIR/mailaudit and
# compares with fixtures/expected/*.expect; always stops the servers.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-build/release}" && pwd)
RUNDIR=$ROOT/build/fleet
cd "$ROOT"

cleanup() {
	tests/fakes.sh stop "$RUNDIR" || true
	tests/impls.sh stop "$RUNDIR" || true
	tests/fleet.sh stop "$RUNDIR" || true
}
trap cleanup EXIT INT TERM
tests/fleet.sh start "$RUNDIR" >/dev/null
tests/impls.sh start "$RUNDIR" >/dev/null
tests/fakes.sh start "$RUNDIR" "$B/servers"
SCAN_DIR=$RUNDIR MAILAUDIT=$B/mailaudit FLEET_CERTS=$RUNDIR/certs "$B/run_integration"
