#!/bin/bash
# output.sh BUILDDIR — -o never destroys what it writes to (issue #10), for
# every subcommand that writes (scan, report, merge, diff):
#  - a FIFO with a reader gets the whole report and stays a FIFO;
#  - a symlink stays a symlink and its target gets the report;
#  - a mode-0640 file keeps its mode;
#  - a full file system (tmpfs of 16k, filled up) gives exit 2, one line
#    naming the file and the error, and no leftover temporary file;
#  - a closed pipe on standard output gives exit 2 (EPIPE), not a silent
#    death by SIGPIPE;
#  - `-o -` equals the default output.
# Only paths under its own temporary directory are used, never real /dev
# nodes. The scans go to closed ports on 127.0.0.1 (refused at once). The
# tmpfs part needs root; without it that part is skipped, with a message.
set -euo pipefail
B=$(cd "${1:-build/release}" && pwd)
M=$B/mailaudit
T=$(mktemp -d /tmp/mailaudit-output.XXXXXX)
MNT=$T/full
cleanup() {
	mountpoint -q "$MNT" 2>/dev/null && umount "$MNT"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fails=0 passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "output: FAIL: $*" >&2; fails=$((fails + 1)); }
check() { if eval "$2"; then ok; else bad "$1"; fi; }

# Reports to work with: 300 refused endpoints make a JSON report larger
# than a pipe's buffer (the EPIPE case needs that) and than the tmpfs.
targets=()
for p in $(seq 2 301); do targets+=("imap://127.0.0.1:$p"); done
"$M" scan --quiet --timeout 2 --format json -o "$T/old.json" "${targets[@]}" || [ $? -eq 3 ]
"$M" scan --quiet --timeout 2 --format json -o "$T/new.json" "${targets[@]:0:200}" || [ $? -eq 3 ]
[ -s "$T/old.json" ] && [ -s "$T/new.json" ] || { echo "output: FAIL: no saved scans" >&2; exit 1; }

# the four writers; "$@" is -o PATH
run_scan() { "$M" scan --quiet --timeout 2 --format json "$@" imap://127.0.0.1:{2..21}; }
run_report() { "$M" report --format json "$@" "$T/old.json"; }
run_merge() { "$M" merge --format json "$@" "$T/old.json" "$T/new.json"; }
run_diff() { "$M" diff --format json "$@" "$T/old.json" "$T/new.json"; }
# exit codes that mean "written": the gate's 0, 1 and 3
written() { [ "$1" -eq 0 ] || [ "$1" -eq 1 ] || [ "$1" -eq 3 ]; }

# Runs a bash command with standard output on a pipe whose read end is
# already closed; exits with its exit code.
closed_pipe() {
	M=$M T=$T python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.run(["bash", "-c", sys.argv[1]], stdout=w).returncode)' "$1"
}
is_json() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }

for cmd in scan report merge diff; do
	d=$T/$cmd
	mkdir -p "$d"

	# FIFO with a reader
	mkfifo "$d/fifo"
	cat "$d/fifo" >"$d/from-fifo" &
	reader=$!
	rc=0
	"run_$cmd" -o "$d/fifo" || rc=$?
	wait "$reader"
	check "$cmd: FIFO written (exit $rc)" 'written $rc'
	check "$cmd: the FIFO's reader got a whole report" 'is_json "$d/from-fifo"'
	check "$cmd: FIFO stays a FIFO" '[ -p "$d/fifo" ]'

	# symlink
	echo old >"$d/target.json"
	ln -s target.json "$d/link.json"
	rc=0
	"run_$cmd" -o "$d/link.json" || rc=$?
	check "$cmd: symlink written (exit $rc)" 'written $rc'
	check "$cmd: symlink stays a symlink" '[ -L "$d/link.json" ]'
	check "$cmd: symlink target has the report" 'is_json "$d/target.json"'

	# mode kept
	echo old >"$d/mode.json"
	chmod 0640 "$d/mode.json"
	rc=0
	"run_$cmd" -o "$d/mode.json" || rc=$?
	check "$cmd: mode-0640 file written (exit $rc)" 'written $rc && is_json "$d/mode.json"'
	check "$cmd: mode-0640 file keeps its mode" '[ "$(stat -c %a "$d/mode.json")" = 640 ]'

	# a link to the descriptor: /dev/stdout is one
	ln -s /proc/self/fd/1 "$d/stdout-link"
	rc=0
	"run_$cmd" -o "$d/stdout-link" >"$d/via-link" || rc=$?
	check "$cmd: a link to /proc/self/fd/1 writes to standard output (exit $rc)" \
		'written $rc && is_json "$d/via-link"'
	check "$cmd: the link to /proc/self/fd/1 stays" \
		'[ "$(readlink "$d/stdout-link")" = /proc/self/fd/1 ]'

	# no temporary file left anywhere
	check "$cmd: no temporary file left" '[ -z "$(find "$d" -name "*.tmp.*")" ]'

	# -o - equals the default output (a scan's timings differ: report only)
	if [ "$cmd" != scan ]; then
		"run_$cmd" >"$d/default" || true
		"run_$cmd" -o - >"$d/dash" || true
		check "$cmd: -o - equals the default output" 'cmp -s "$d/default" "$d/dash"'
	fi

	# a pipe whose reader is gone before the first write: exit 2 and a
	# message, not a silent death by SIGPIPE
	rc=0
	closed_pipe "$(declare -f "run_$cmd"); run_$cmd -o -" 2>"$d/pipe.err" || rc=$?
	check "$cmd: closed pipe gives exit 2 (got $rc)" '[ "$rc" -eq 2 ]'
	check "$cmd: closed pipe is named ($(cat "$d/pipe.err"))" \
		'grep -q "standard output: Broken pipe" "$d/pipe.err"'
done

# A full file system: root only (mount).
if [ "$(id -u)" -ne 0 ]; then
	echo "output: skipped the full-file-system part (needs root for mount -t tmpfs)"
else
	mkdir -p "$MNT"
	mount -t tmpfs -o size=16k tmpfs "$MNT"
	dd if=/dev/zero of="$MNT/filler" bs=1k count=64 2>/dev/null || true
	for cmd in scan report merge diff; do
		rc=0
		"run_$cmd" -o "$MNT/$cmd.json" 2>"$T/$cmd.err" || rc=$?
		check "$cmd: a full file system gives exit 2 (got $rc)" '[ "$rc" -eq 2 ]'
		check "$cmd: the error names the file ($(cat "$T/$cmd.err"))" \
			'grep -q "$MNT/$cmd.json: No space left on device" "$T/$cmd.err"'
		check "$cmd: one line of error" '[ "$(wc -l <"$T/$cmd.err")" -eq 1 ]'
		check "$cmd: nothing left on the full file system" \
			'[ "$(ls "$MNT")" = filler ]'
	done
	umount "$MNT"
fi

echo "output: $passes passed, $fails failed"
[ "$fails" -eq 0 ]
