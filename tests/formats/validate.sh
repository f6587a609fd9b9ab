#!/bin/bash
# validate.sh BUILDDIR [SCAN.json] — validates every report format against
# real output.
#
# Without SCAN.json it starts the fixture fleet (tests/fleet.sh and
# tests/fakes.sh: root, loopback mail ports), scans all of it with two
# profiles and a waiver file (one waiver in force, one expired), scans two
# hosts again with --format jsonl, and stops the servers (also on failure).
# With SCAN.json (any saved `mailaudit scan --format json`) it uses that.
# Then `mailaudit report` renders json, jsonl, sarif, junit, html and text
# from the scan, re-gates it once, and `mailaudit diff` compares it with a
# doctored copy; tests/formats/validate.py checks the files against
# reports/schema/*.schema.json (json, jsonl, diff, and a SARIF 2.1.0 subset
# written from the specification), parses JUnit with xml.etree and HTML
# with html.parser. The SARIF report then goes through Microsoft's official
# validator (tests/formats/sarif_official.sh, issue #14: installed from
# npm when missing, skipped only where npm is unreachable). Output goes to
# BUILDDIR/formats/. Needs python3 with jsonschema (Debian:
# python3-jsonschema).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-build/release}" && pwd)
GIVEN=${2:-}
OUT=$B/formats
RUNDIR=$ROOT/build/fleet
M=$B/mailaudit
cd "$ROOT"
rm -rf "$OUT"
mkdir -p "$OUT"

# Debian's python3 has python3-jsonschema; a python3 earlier on PATH may not
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	PY=/usr/bin/python3
elif python3 -c 'import jsonschema' 2>/dev/null; then
	PY=python3
else
	echo "validate: python3 with jsonschema needed (apt-get install python3-jsonschema)" >&2
	exit 2
fi

fail() {
	echo "validate: $*" >&2
	exit 1
}

# run EXPECTED-CODES CMD...: runs CMD, fails unless its exit code is
# listed. Its stderr (expired-waiver warnings, notes) goes to a log that is
# shown when it fails.
run() {
	local want=$1 rc=0
	shift
	"$@" 2>>"$OUT/stderr.log" || rc=$?
	case " $want " in
	*" $rc "*) ;;
	*)
		tail -n 5 "$OUT/stderr.log" >&2
		fail "exit code $rc (want $want): $*"
		;;
	esac
}

if [ -n "$GIVEN" ]; then
	# a saved scan, validated as it is; report gates it if it is from
	# before gates, and must reproduce it byte for byte if it is not
	cp "$GIVEN" "$OUT/given.json"
	run "0 1 3" "$M" report --format json -o "$OUT/scan.json" "$GIVEN"
	if grep -q '^	"profiles":' "$GIVEN"; then
		cmp -s "$GIVEN" "$OUT/scan.json" ||
			fail "report --format json of $GIVEN differs from it"
	fi
else
	cleanup() {
		tests/fakes.sh stop "$RUNDIR" >/dev/null 2>&1 || true
		tests/fleet.sh stop "$RUNDIR" >/dev/null 2>&1 || true
	}
	trap cleanup EXIT INT TERM
	tests/fleet.sh start "$RUNDIR" >/dev/null
	tests/fakes.sh start "$RUNDIR" "$B/servers"
	args=() targets=()
	while read -r name addr host _; do
		case $name in '' | '#'*) continue ;; esac
		args+=(--resolve "$host:$addr") targets+=("$host")
	done <fixtures/fleet.conf
	while read -r name addr host proto _ port _; do
		case $name in '' | '#'*) continue ;; esac
		args+=(--resolve "$host:$addr") targets+=("$proto://$host:$port")
	done <fixtures/fakes.conf
	cat >"$OUT/waivers.json" <<-'EOF'
	{"waivers": [
	  {"check": "CERT-SELF-SIGNED", "endpoint": "self-signed.mailaudit.test:*",
	   "reason": "lab host <with> \"quotes\" & an internal CA",
	   "expires": "2999-12-31"},
	  {"check": "CERT-EXPIRED", "endpoint": "imaps://expired.mailaudit.test:993",
	   "reason": "renewal ticket OPS-1", "expires": "2020-01-01"}
	]}
	EOF
	run "1" "$M" scan --ca-file "$RUNDIR/certs/ca-bundle.pem" --timeout 3 \
		--profile baseline --profile rfc8314 --waivers "$OUT/waivers.json" \
		--format json -o "$OUT/scan.json" "${args[@]}" "${targets[@]}"
	# straight from scan: jsonl, with an endpoint that times out
	run "3" "$M" scan --ca-file "$RUNDIR/certs/ca-bundle.pem" --timeout 2 \
		--format jsonl -o "$OUT/direct.jsonl" \
		--resolve compliant.mailaudit.test:127.0.0.11 \
		--resolve silent.mailaudit.test:127.0.0.48 \
		compliant.mailaudit.test imap://silent.mailaudit.test:143
	# text is streamed host by host when it is the only report: the same
	# lines as the whole-document rendering of the same scan's JSON
	pair=(--resolve compliant.mailaudit.test:127.0.0.11
		--resolve expired.mailaudit.test:127.0.0.15
		compliant.mailaudit.test expired.mailaudit.test)
	run "1" "$M" scan --ca-file "$RUNDIR/certs/ca-bundle.pem" --timeout 3 \
		--format text -o "$OUT/streamed.text" "${pair[@]}"
	run "1" "$M" scan --ca-file "$RUNDIR/certs/ca-bundle.pem" --timeout 3 \
		--format json -o "$OUT/pair.json" "${pair[@]}"
	run "1" "$M" report --format text -o "$OUT/pair.text" "$OUT/pair.json"
	cmp -s <(sort "$OUT/streamed.text") <(sort "$OUT/pair.text") ||
		fail "the streamed text report differs from the rendered one"
	cleanup
	trap - EXIT INT TERM
fi

code=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["exit_code"])' "$OUT/scan.json")
for f in json jsonl sarif junit html text; do
	run "$code" "$M" report --format "$f" -o "$OUT/report.$f" "$OUT/scan.json"
done
# rendering the saved JSON again changes nothing
cmp -s "$OUT/scan.json" "$OUT/report.json" ||
	fail "report --format json of scan.json differs from it"
run "0 1" "$M" report --profile imap4rev2 --allow-incomplete --format json \
	-o "$OUT/regated.json" "$OUT/scan.json"
# a stricter profile judges the saved facts again: bsi-tr-03108's
# 3000-bit floor finds the fleet's RSA-2048 keys, which the scan did not
run "1" "$M" report --profile bsi-tr-03108 --format json \
	-o "$OUT/bsi.json" "$OUT/scan.json"
"$PY" - "$OUT/scan.json" "$OUT/bsi.json" <<-'EOF' ||
	import json, sys
	def floor(path):
	    return [f for e in json.load(open(path))["endpoints"]
	            for f in e["findings"]
	            if f["check"] == "CERT-KEY-WEAK" and "3000 bits" in f["evidence"]]
	before, after = floor(sys.argv[1]), floor(sys.argv[2])
	# medium where only the profile's floor speaks (a 1024-bit key
	# stays high, the floor's words merged into its evidence)
	sys.exit(0 if not before and after and all(f["gate_fail"] for f in after)
	         and any(f["severity"] == "medium" for f in after) else 1)
EOF
	fail "report --profile bsi-tr-03108 added no 3000-bit CERT-KEY-WEAK"

# an older scan for the diff: one finding fewer, one endpoint gone
"$PY" - "$OUT/scan.json" "$OUT/old.json" <<-'EOF'
	import json, sys
	doc = json.load(open(sys.argv[1]))
	eps = doc["endpoints"]
	with_findings = [e for e in eps if e["findings"]]
	if with_findings:
	    with_findings[0]["findings"].pop(0)
	doc["endpoints"] = eps[:-1] if len(eps) > 1 else eps
	json.dump(doc, open(sys.argv[2], "w"), indent=1)
EOF
run "0 1" "$M" diff --format json -o "$OUT/diff.json" "$OUT/old.json" "$OUT/scan.json"
run "0 1" "$M" diff -o "$OUT/diff.txt" "$OUT/old.json" "$OUT/scan.json"

"$PY" tests/formats/validate.py reports/schema "$OUT"
tests/formats/sarif_official.sh "$OUT/report.sarif" "$OUT"
