#!/bin/bash
# sarif_official.sh FILE.sarif [OUTDIR] — validates a SARIF log with
# Microsoft's official validator, `sarif validate` of the npm package
# @microsoft/sarif-multitool (issue #14), and fails on any error and on
# any warning whose rule is not in the allow-list below (each one is
# justified in README.md, "SARIF validation"). Notes (the validator's
# suggestions) are counted and shown, never fatal.
#
# The validator is installed with npm when missing, pinned to
# SARIF_MULTITOOL_VERSION, into SARIF_MULTITOOL_DIR (default
# ${XDG_CACHE_HOME:-~/.cache}/mailaudit/sarif-multitool, so that `make
# clean` does not download 100 MB again and a run in a network namespace
# finds it). Only when npm is missing or its registry cannot be reached
# (`npm ping` fails) is the check skipped, with a message saying so; any
# other failure fails.
#
# Its rule SARIF2006 (UrisShouldBeReachable) fetches every URI in the
# log over HTTP; it is switched off (sarif_official.xml), so the
# validator makes no network traffic.
# Exit 0: valid (or skipped), 1: invalid, 2: set-up problem.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] && [ $# -le 2 ] || {
	echo "usage: $0 FILE.sarif [OUTDIR]" >&2
	exit 2
}
SARIF=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
OUT=${2:-$(dirname "$SARIF")}
VERSION=${SARIF_MULTITOOL_VERSION:-5.7.0}
DIR=${SARIF_MULTITOOL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mailaudit/sarif-multitool}
TOOL=$DIR/$VERSION/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
# warnings kept on purpose, justified in README.md ("SARIF validation"):
#   SARIF2005  no tool.driver.informationUri: mailaudit has no public web
#              address yet, and we do not invent one
ALLOWED_WARNINGS=${SARIF_ALLOWED_WARNINGS:-SARIF2005}

skip() {
	echo "sarif_official: SKIPPED: $*" >&2
	exit 0
}

if [ ! -x "$TOOL" ]; then
	command -v npm >/dev/null ||
		skip "npm is not installed (apt-get install npm), so Microsoft's SARIF validator cannot be fetched"
	if ! timeout 30 npm ping >/dev/null 2>&1; then
		skip "the npm registry ($(npm config get registry 2>/dev/null)) is unreachable, so Microsoft's SARIF validator cannot be fetched"
	fi
	echo "sarif_official: installing @microsoft/sarif-multitool@$VERSION into $DIR/$VERSION" >&2
	mkdir -p "$DIR/$VERSION"
	timeout 600 npm install --prefix "$DIR/$VERSION" --no-audit --no-fund \
		--no-save --loglevel=error "@microsoft/sarif-multitool@$VERSION" >&2 ||
		{ echo "sarif_official: npm install failed" >&2; exit 2; }
	# npm 11 does not run the package's postinstall (chmod u+x) unless
	# allowed; the binary is all that is needed
	[ -f "$TOOL" ] && chmod u+x "$TOOL"
	[ -x "$TOOL" ] || { echo "sarif_official: $TOOL missing after npm install (not linux-x64?)" >&2; exit 2; }
fi

mkdir -p "$OUT"
LOG=$OUT/sarif-validation.sarif
rm -f "$LOG"
# the tool writes its own log (a SARIF file: the validator's results) and
# one line per result to stdout, kept for the reader
rc=0
"$TOOL" validate --config "$HERE/sarif_official.xml" \
	--level Error Warning Note --output "$LOG" "$SARIF" \
	>"$OUT/sarif-validation.txt" 2>&1 || rc=$?
if [ "$rc" != 0 ] || [ ! -s "$LOG" ]; then
	tail -n 5 "$OUT/sarif-validation.txt" >&2
	echo "sarif_official: the validator failed (exit $rc)" >&2
	exit 1
fi

python3 - "$LOG" "$ALLOWED_WARNINGS" <<-'EOF'
	import collections, json, sys
	log = json.load(open(sys.argv[1], encoding="utf-8-sig"))
	allowed = set(sys.argv[2].split())
	run = log["runs"][0]
	rules = {r["id"]: r for r in run["tool"]["driver"].get("rules", [])}
	counts = collections.Counter()
	bad = []
	for inv in run.get("invocations", []):
	    for n in inv.get("toolExecutionNotifications", []) + \
	            inv.get("toolConfigurationNotifications", []):
	        if n.get("level", "warning") == "error":
	            bad.append("validator: " + n.get("message", {}).get("text", ""))
	def text(r):
	    m = r.get("message", {})
	    if "text" in m:
	        return m["text"]
	    fmt = rules.get(r["ruleId"], {}).get("messageStrings", {}) \
	        .get(m.get("id"), {}).get("text", m.get("id", ""))
	    for i, a in enumerate(m.get("arguments", [])):
	        fmt = fmt.replace("{%d}" % i, a)
	    return fmt
	for r in run.get("results", []):
	    level = r.get("level", "warning")
	    counts[(r["ruleId"], level)] += 1
	    if level == "error" or (level == "warning" and
	                            r["ruleId"] not in allowed):
	        bad.append(f"{level} {r['ruleId']}: {text(r)[:300]}")
	summary = ", ".join(f"{n} {lvl} {rid}" for (rid, lvl), n in
	                    sorted(counts.items(), key=lambda x: (x[0][1], x[0][0])))
	print(f"sarif_official: {sum(counts.values())} result(s): {summary or 'none'}")
	for b in bad[:10]:
	    print(f"sarif_official: FAIL {b}", file=sys.stderr)
	if len(bad) > 10:
	    print(f"sarif_official: ... and {len(bad) - 10} more", file=sys.stderr)
	sys.exit(1 if bad else 0)
EOF
