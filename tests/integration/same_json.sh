#!/bin/bash
# same_json.sh BUILDDIR [BASE] — the house is rebuilt without changing
# behaviour (issue #11): the full JSON of fixture-fleet scans made by
# BUILDDIR/mailaudit must equal, timings aside, the JSON the BASE commit's
# mailaudit makes of the same servers in the same run.
#
# BASE (default: SAME_JSON_BASE from the Makefile) is built in its own
# worktree under build/same-json/. The fleet (tests/fleet.sh) and the fake
# servers (tests/fakes.sh) are started once; both binaries scan
#   1. every fleet host and fake endpoint at the default depth, with two
#      profiles and a waiver file (as tests/formats/validate.sh does);
#   2. the fleet hosts with --tls-depth full;
#   3. the fleet hosts with --passive;
#   4. the same saved scan rendered again by `mailaudit report` in every
#      format (byte for byte, timings included: they come from the file).
# Timing fields (started, finished, duration_s) are removed, random IMAP
# tags and Dovecot's APOP challenges masked, and endpoints sorted by host,
# address and port before comparing, since endpoints are written as they
# finish. The throttle fake is left out: its answer depends on the
# connections before it. Needs root, git, python3.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-build/release}" && pwd)
BASE=${2:-}
[ -n "$BASE" ] || { echo "same_json: usage: same_json.sh BUILDDIR BASE-COMMIT" >&2; exit 2; }
WORK=$ROOT/build/same-json
RUNDIR=$ROOT/build/fleet
cd "$ROOT"
fail() { echo "same_json: FAIL: $*" >&2; exit 1; }

# --- the base binary -----------------------------------------------------
# a source tarball or a shallow clone has no history to compare with
if ! rev=$(git rev-parse --verify -q "$BASE^{commit}" 2>/dev/null); then
	echo "same_json: SKIPPED: commit $BASE is not in this checkout (no git history)"
	exit 0
fi
mkdir -p "$WORK"
if [ ! -x "$WORK/bin-$rev/mailaudit" ]; then
	rm -rf "$WORK/src"
	git worktree prune
	git worktree add --force --detach "$WORK/src" "$rev" >/dev/null
	# the base's own Makefile echoes every command: one line instead
	# (issue #14), its warnings and errors still on stderr
	echo "  BUILD   same-json base ${rev:0:12} (build/same-json/bin-${rev:0:12}...)"
	make -s -C "$WORK/src" B="$WORK/bin-$rev" "$WORK/bin-$rev/mailaudit" >/dev/null
	git worktree remove --force "$WORK/src"
fi
OLD=$WORK/bin-$rev/mailaudit
NEW=$B/mailaudit
OUT=$WORK/out
rm -rf "$OUT"
mkdir -p "$OUT"

# --- servers ------------------------------------------------------------
cleanup() {
	tests/fakes.sh stop "$RUNDIR" >/dev/null 2>&1 || true
	tests/fleet.sh stop "$RUNDIR" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tests/fleet.sh start "$RUNDIR" >/dev/null
tests/fakes.sh start "$RUNDIR" "$B/servers"

fleet=() fakes=() resolve=()
while read -r name addr host _; do
	case $name in '' | '#'*) continue ;; esac
	resolve+=(--resolve "$host:$addr") fleet+=("$host")
done <fixtures/fleet.conf
while read -r name addr host proto mode port _; do
	case $name in '' | '#'*) continue ;; esac
	# throttle counts connections across scans: its answer depends on
	# what came before, not on the binary
	[ "$name" = throttle ] && continue
	[ "$mode" = implicit ] && proto=${proto}s
	resolve+=(--resolve "$host:$addr") fakes+=("$proto://$host:$port")
done <fixtures/fakes.conf
cat >"$OUT/waivers.json" <<-'EOF'
{"waivers": [
  {"check": "CERT-SELF-SIGNED", "endpoint": "self-signed.mailaudit.test:*",
   "reason": "lab host", "expires": "2999-12-31"},
  {"check": "CERT-EXPIRED", "endpoint": "imaps://expired.mailaudit.test:993",
   "reason": "renewal ticket OPS-1", "expires": "2020-01-01"}
]}
EOF
common=(--ca-file "$RUNDIR/certs/ca-bundle.pem" --timeout 5 --quiet "${resolve[@]}")

# scan NAME ARGS...: the same scan with both binaries, one after the other
# (the servers see the same load pattern as in the other tests)
scan() {
	local name=$1
	shift
	for which in old new; do
		local bin=$OLD
		[ $which = new ] && bin=$NEW
		# one output name for both: the command line is in the report
		"$bin" scan "${common[@]}" "$@" --format json \
			-o "$OUT/scan.json" 2>>"$OUT/stderr.log" || true
		mv "$OUT/scan.json" "$OUT/$name.$which.json"
	done
}
scan default --profile baseline --profile rfc8314 --waivers "$OUT/waivers.json" \
	"${fleet[@]}" "${fakes[@]}"
scan full --tls-depth full "${fleet[@]}"
scan passive --passive "${fleet[@]}"
cleanup

# --- compare ------------------------------------------------------------
normalize() { # FILE old|new
	python3 - "$1" "$2" <<-'EOF'
	import json, re, sys
	TIMING = {"started", "finished", "duration_s"}
	# issue #12 adds these chain facts (tls.certificate); with the fleet's
	# --ca-file ca-bundle.pem nothing is missing, so they are null/false
	# and only their presence differs
	AIA_KEYS = {"missing_issuer", "missing_issuer_key_id",
	            "missing_issuer_is_root", "aia_ca_issuers", "aia_fetch",
	            "needed_fetched_intermediates"}
	# what is made up anew for every connection: random IMAP tags (ours),
	# Dovecot's APOP, CRAM-MD5 and DIGEST-MD5 challenges
	NOISE = [(re.compile(r"\b[A-Z]{4}([0-9]+ )"), r"TAG\1"),
	         (re.compile(r"(\+ )[A-Za-z0-9+/]{16,}={0,2}"), r"\1CHALLENGE"),
	         # the extra-plaintext fake's line end may come in a later read
	         (re.compile(r"(\\r\\n)+$"), ""),
	         (re.compile(r"<[0-9a-f]+\.[0-9a-f]+\.[0-9a-f]+\.[A-Za-z0-9+/=]+@[^>]*>"), "<APOP>")]
	# What a follow-up pass (injection, extra plaintext) sees after the
	# server's answer to STARTTLS/STLS depends on when the injected bytes
	# reach the server and its extra bytes reach us: each follow-up pass
	# is compared up to that answer (their findings are compared whole).
	# Issue #13: an injection test may carry a ClientHello where the
	# injected command went, so the client's lines of follow-up passes
	# are not compared either.
	# A carrier without a TLS answer is followed by the test's own
	# connection (the same pass number), which is compared; the
	# carrier's section is dropped.
	def drop_failed_carriers(t):
	    head, sep, tail = t.partition("\n-- pass ")
	    if not sep:
	        return t
	    sections = (sep + tail).split("\n-- pass ")[1:]
	    num = [x.split(",", 1)[0] for x in sections]
	    return head + "".join("\n-- pass " + x
	        for i, x in enumerate(sections)
	        if not num[i + 1:i + 2] == num[i:i + 1])
	def passes_tls_aside(t):
	    t = drop_failed_carriers(t)
	    head, sep, tail = t.partition("\n-- pass ")
	    kept, sent, cut = [], [], False
	    for line in tail.split("\n"):
	        if line.startswith("-- pass "):
	            cut, sent = False, []
	        elif cut:
	            continue
	        if line.startswith("C: "):
	            sent.append(line)
	            if not kept[-1:] == ["C: (commands)"]:
	                kept.append("C: (commands)")
	            continue
	        kept.append(line)
	        if line.startswith("S: ") and \
	                re.search(r"\b(STARTTLS|STLS)\b", " ".join(sent[-2:])):
	            cut = True
	    return head + sep + "\n".join(kept)
	def strip(v):
	    if isinstance(v, dict):
	        if isinstance(v.get("transcript"), str):
	            v["transcript"] = passes_tls_aside(v["transcript"])
	        # issue #12 added "remediation" to every finding on purpose
	        if "check" in v:
	            v.pop("remediation", None)
	        chain = "verify_status" in v
	        return {k: strip(x) for k, x in v.items() if k not in TIMING
	                and not (chain and k in AIA_KEYS)}
	    if isinstance(v, list):
	        return [strip(x) for x in v]
	    if isinstance(v, str):
	        for rx, to in NOISE:
	            v = rx.sub(to, v)
	    return v
	doc = strip(json.load(open(sys.argv[1])))
	# issue #12 adds the endpoint's "implementation" on purpose: the new
	# side drops exactly that key, everything else must stay the same
	if sys.argv[2] == "new":
	    for e in doc["endpoints"]:
	        e.pop("implementation", None)
	# issue #13: the TLS audit asks grouped questions first, so an
	# endpoint costs fewer connections; only the two counts may differ
	for e in doc["endpoints"]:
	    e.pop("connections", None)
	    audit = (e.get("tls") or {}).get("audit")
	    if isinstance(audit, dict):
	        audit.pop("connections", None)
	doc["endpoints"].sort(key=lambda e: (e["host"], e.get("address") or "", e["port"], e["service"]))
	if "hosts" in doc:
	    doc["hosts"].sort(key=lambda h: json.dumps(h, sort_keys=True))
	json.dump(doc, sys.stdout, indent=1, sort_keys=True)
	EOF
}
# Issue #14 changed two reports on purpose; what it added or changed is
# dropped on both sides, everything else must stay identical:
# - sarif: tool.driver.semanticVersion, rules[].name (now Pascal case, not
#   the id) and the one-line region of every physical location;
# - html: the "Findings by check" section, its link in the navigation and
#   the findings-by-check chart (now sorted by severity, info apart).
mask_issue14() {
	python3 -c '
import json, re, sys
fmt, text = sys.argv[1], sys.stdin.read()
if fmt == "sarif":
    doc = json.loads(text)
    for run in doc.get("runs", []):
        drv = run.get("tool", {}).get("driver", {})
        drv.pop("semanticVersion", None)
        for r in drv.get("rules", []):
            r.pop("name", None)
        locs = [loc for res in run.get("results", [])
                for loc in res.get("locations", [])]
        locs += [loc for inv in run.get("invocations", [])
                 for n in inv.get("toolExecutionNotifications", [])
                 for loc in n.get("locations", [])]
        for loc in locs:
            loc.get("physicalLocation", {}).pop("region", None)
    text = json.dumps(doc, indent=1, sort_keys=True)
else:
    text = re.sub(r"<section id=\"findings\">.*?</section>\n", "", text,
                  flags=re.S)
    text = text.replace("<a href=\"#findings\">Findings</a>", "")
    text = re.sub(r"<figure id=\"chart-checks\">.*?</figure>\n", "", text,
                  flags=re.S)
sys.stdout.write(text)
' "$1"
}
bad=0
for name in default full passive; do
	normalize "$OUT/$name.old.json" old >"$OUT/$name.old.norm"
	normalize "$OUT/$name.new.json" new >"$OUT/$name.new.norm"
	if diff -u "$OUT/$name.old.norm" "$OUT/$name.new.norm" >"$OUT/$name.diff"; then
		echo "same_json: $name scan: identical (timings aside)"
	else
		echo "same_json: $name scan differs from $BASE:" >&2
		head -n 40 "$OUT/$name.diff" >&2
		bad=1
	fi
done
# Issue #12 added remediation on purpose, and only that is masked: the
# "remediation" object of each finding (json, jsonl), the "Remediation:"
# tail of each SARIF rule's help text and its help markdown, the text
# report's "fix" lines and the HTML report's <p class="fix"> lines.
mask_remediation() {
	python3 - "$1" "$2" <<-'EOF'
	import json, re, sys
	fmt, path = sys.argv[1], sys.argv[2]
	text = open(path, encoding="utf-8").read()
	def drop(v):
	    if isinstance(v, dict):
	        if "check" in v:
	            v.pop("remediation", None)
	        help = v.get("help")
	        if "ruleId" not in v and isinstance(help, dict) and "text" in help:
	            help["text"] = help["text"].split("\n\nRemediation: ")[0]
	            help.pop("markdown", None)
	        for x in v.values():
	            drop(x)
	    elif isinstance(v, list):
	        for x in v:
	            drop(x)
	    return v
	if fmt in ("json", "sarif"):
	    text = json.dumps(drop(json.loads(text)), indent=1) + "\n"
	elif fmt == "jsonl":
	    text = "".join(json.dumps(drop(json.loads(l))) + "\n"
	                   for l in text.splitlines() if l)
	elif fmt == "text":
	    text = re.sub(r"(?m)^      fix( \([^)]*\))?: .*\n", "", text)
	elif fmt == "html":
	    text = re.sub(r'(?m)^<p class="fix">.*</p>\n', "", text)
	open(path, "w", encoding="utf-8").write(text)
	EOF
}
for f in json jsonl sarif junit html text; do
	for which in old new; do
		bin=$OLD
		[ $which = new ] && bin=$NEW
		"$bin" report --format "$f" -o "$OUT/report.$which.$f" \
			"$OUT/default.old.json" 2>/dev/null || true
		mask_remediation "$f" "$OUT/report.$which.$f"
	done
	case $f in sarif | html)
		for which in old new; do
			mask_issue14 "$f" <"$OUT/report.$which.$f" >"$OUT/report.$which.$f.masked"
			mv "$OUT/report.$which.$f.masked" "$OUT/report.$which.$f"
		done ;;
	esac
	# issue #12: the new side writes "implementation" (null: the old
	# report has none) and a "server:" line / <p class="impl"> when it
	# is known; exactly those are dropped
	case $f in
	json) sed -i '/^[[:space:]]*"implementation":[[:space:]]*null,$/d' "$OUT/report.new.$f" ;;
	# (mask_remediation above may have re-serialised it with spaces)
	jsonl) sed -E -i 's/"implementation": ?null, ?//' "$OUT/report.new.$f" ;;
	text) sed -i '/^    server: /d' "$OUT/report.new.$f" ;;
	html) sed -i '/^<p class="impl">/d' "$OUT/report.new.$f" ;;
	esac
	# issue #12: the new binary writes the new chain facts (null/false
	# here, see AIA_KEYS above) into JSON and JSON Lines; only they go
	case $f in
	json | jsonl)
		sed -E -i 's/"(missing_issuer|missing_issuer_key_id|missing_issuer_is_root|aia_ca_issuers|aia_fetch|needed_fetched_intermediates)":[[:space:]]*(null|false),?[[:space:]]?//g; /^[[:space:]]*$/d' \
			"$OUT/report.new.$f"
		;;
	esac
	# issue #13: the text summary gained one line, the connections the
	# scan cost (total and per endpoint); nothing else may differ
	[ "$f" = text ] && sed -i '/^  connections: [0-9]*, [0-9.]* per endpoint$/d' \
		"$OUT/report.new.$f"
	if cmp -s "$OUT/report.old.$f" "$OUT/report.new.$f"; then
		echo "same_json: report --format $f: identical"
	else
		echo "same_json: report --format $f differs from $BASE" >&2
		diff -u "$OUT/report.old.$f" "$OUT/report.new.$f" | head -n 20 >&2 || true
		bad=1
	fi
done
[ "$bad" -eq 0 ] || fail "behaviour changed (details in $OUT/*.diff)"
echo "same_json: PASS"
