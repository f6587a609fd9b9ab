#!/bin/bash
# demo.sh BUILDDIR — starts the bundled fixture fleet (Dovecot instances and
# fake servers on 127.0.0.x), scans all of it with the text report, and
# stops the servers again. The scan's exit code is shown, not returned:
# the fleet is meant to have findings.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "${1:-build/release}" && pwd)
RUNDIR=$ROOT/build/fleet
cd "$ROOT"

cleanup() {
	tests/fakes.sh stop "$RUNDIR" || true
	tests/fleet.sh stop "$RUNDIR" || true
}
trap cleanup EXIT INT TERM
tests/fleet.sh start "$RUNDIR" >/dev/null
tests/fakes.sh start "$RUNDIR" "$B/servers"

args=() targets=()
while read -r name addr host _; do
	case $name in '' | '#'*) continue ;; esac
	args+=(--resolve "$host:$addr") targets+=("$host")
done <fixtures/fleet.conf
while read -r name addr host proto mode port _; do
	case $name in '' | '#'*) continue ;; esac
	# imaps:// and pop3s:// for the implicit-TLS fakes: imap://h:993
	# would speak cleartext to a port that waits for a ClientHello
	[ "$mode" = implicit ] && proto+=s
	args+=(--resolve "$host:$addr") targets+=("$proto://$host:$port")
done <fixtures/fakes.conf

echo "mailaudit demo: scanning ${#targets[@]} targets of the fixture fleet"
echo "\$ mailaudit scan --ca-file build/fleet/certs/ca-bundle.pem --timeout 3 --format text ..."
set +e
"$B/mailaudit" scan --ca-file "$RUNDIR/certs/ca-bundle.pem" --timeout 3 \
	--format text "${args[@]}" "${targets[@]}"
rc=$?
set -e
echo
echo "mailaudit exit code: $rc (1 = findings at or above --fail-on high)"
