#!/bin/bash
# hostile.sh BUILDDIR — issue #7, hostile servers: starts the servers of
# fixtures/hostile.conf (tests/hostile.sh: one fake server per hostile
# behaviour on 127.0.0.101-112, and a private compliant Dovecot on
# 127.0.0.100; the main fleet on 127.0.0.11-93 is neither needed nor
# touched), then
#  1. proves the certificate plants reach the wire (tests/hostile.sh check);
#  2. scans every host of fixtures/expected-hostile/*.expect on its own
#     (BUILDDIR/run_integration: status and finding ids of every endpoint,
#     exit code, TLS verdict), within 3 x --timeout (4 x for an ASan build);
#  3. runs ONE scan of all of them together, with every report format,
#     under valgrind (--track-fds): no error, no definite or indirect leak,
#     no file descriptor left open at exit other than 0/1/2 and those
#     inherited; within HOSTILE_VG_BOUND seconds (default 8 x --timeout).
#     An AddressSanitizer build (make asan) runs without valgrind, with
#     LeakSanitizer;
#     every host gets the same statuses and findings as when scanned alone
#     (so the compliant server is reported in full, with its usual
#     findings); the evidence of each hostile behaviour is what it should
#     be, and no report format carries a raw control byte or invalid UTF-8.
# Servers are always stopped on exit. Needs root, valgrind, python3,
# gnutls-bin, dovecot.
#
# HOSTILE_STRICT=1 makes the softer checks fatal: every hostile behaviour
# with a status detail of its own, no TLS version finding without a single
# ServerHello, and so on. They pass today but are not fatal by default
# because one depends on a race: h-close's 993 may see the RST before the
# FIN and then reads exactly like h-reset. Environment: HOSTILE_RUNDIR
# (default build/hostile), HOSTILE_VG_BOUND, HOSTILE_STRICT.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-build/release}" && pwd)
RUNDIR=${HOSTILE_RUNDIR:-$ROOT/build/hostile}
EXPECT_DIR=$ROOT/fixtures/expected-hostile
TIMEOUT=3 # --timeout here and (SCAN_TIMEOUT) in tests/integration/check_fixtures.c
VG_BOUND=${HOSTILE_VG_BOUND:-$((8 * TIMEOUT))}
STRICT=${HOSTILE_STRICT:-0}
cd "$ROOT"

die() { echo "hostile: FAIL: $*" >&2; exit 1; }
command -v valgrind >/dev/null || die "valgrind not found (apt-get install valgrind)"
command -v python3 >/dev/null || die "python3 not found"
{ [ -x "$B/mailaudit" ] && [ -x "$B/run_integration" ]; } || die "build first (make all B=${B#"$ROOT"/})"

cleanup() { tests/hostile.sh stop "$RUNDIR" || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM # through the EXIT trap
tests/hostile.sh start "$RUNDIR" "$B/servers"
tests/hostile.sh check "$RUNDIR" "$B/servers"

OUT=$RUNDIR/out
rm -rf "$OUT"
mkdir -p "$OUT/scans"

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
within() { python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$1" "$2"; }

# --- 1. every host on its own, against its .expect ----------------------------
t0=$(now)
EXPECT_DIR=$EXPECT_DIR SCAN_DIR=$OUT/scans MAILAUDIT=$B/mailaudit SCAN_TIMEOUT=$TIMEOUT \
	FLEET_CERTS=$RUNDIR/certs "$B/run_integration"
t=$(elapsed "$t0" "$(now)")
echo "hostile: expectations met; the scans (in parallel) took ${t}s"
# The bound is about hosts that try to hold the scan, so it counts in
# --timeouts. Under AddressSanitizer the CPU-bound part (h-chain50 parses 50
# certificates on each of its connections) runs about 3x slower and alone
# took 9.1 s against 9 s: the ASan build gets one --timeout more.
factor=3
case $B in */asan) factor=4 ;; esac
within "$t" $((factor * TIMEOUT)) || die "scanning the hostile hosts took ${t}s, more than $factor x --timeout"

# --- 2. one scan of everything, under valgrind ---------------------------------
# hosts and targets from the .expect files (host NAME ADDR, target URL)
args=()
for f in "$EXPECT_DIR"/*.expect; do
	host="" ntargets=0
	while read -r w a b _; do
		case $w in
		host)
			host=$a
			args+=(--resolve "$a:$b")
			;;
		target) args+=("$a") ntargets=$((ntargets + 1)) ;;
		esac
	done <"$f"
	[ "$ntargets" -gt 0 ] || args+=("$host")
done
# valgrind's log: errors, definite/indirect leaks, descriptors open at exit
vg_check() {
	python3 - "$1" <<'EOF'
import re, sys
log = open(sys.argv[1], errors="replace").read().splitlines()
bad = []
def value(pattern):
    for l in log:
        m = re.search(pattern, l)
        if m:
            return int(m.group(1).replace(",", ""))
    return None
if value(r"ERROR SUMMARY: ([\d,]+) errors") != 0:
    bad.append("valgrind errors: " + next(l for l in log if "ERROR SUMMARY" in l))
if not any("All heap blocks were freed" in l for l in log):
    for kind in ("definitely", "indirectly"):
        n = value(kind + r" lost: ([\d,]+) bytes")
        if n is None or n > 0:
            bad.append("%s lost: %s bytes" % (kind, n))
# --track-fds: "Open file descriptor N: WHAT" then "<inherited from parent>"
# or the stack of the call that opened it
for i, l in enumerate(log):
    m = re.search(r"Open (?:file descriptor|AF_\w+ socket) (\d+):(.*)", l)
    if not m or int(m.group(1)) <= 2:
        continue
    nxt = log[i + 1] if i + 1 < len(log) else ""
    if "<inherited from parent>" not in nxt:
        bad.append("fd %s left open at exit:%s (%s)" % (m.group(1), m.group(2), nxt.split("== ")[-1].strip()))
if not any("FILE DESCRIPTORS:" in l for l in log):
    bad.append("no --track-fds summary in the valgrind log")
for b in bad:
    print("hostile: FAIL: valgrind: " + b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

REPORTS=(--format json -o "$OUT/all.json" --format jsonl -o "$OUT/all.jsonl"
	--format text -o "$OUT/all.txt" --format html -o "$OUT/all.html"
	--format sarif -o "$OUT/all.sarif" --format junit -o "$OUT/all.xml")
t0=$(now)
rc=0
if ldd "$B/mailaudit" 2>/dev/null | grep -q libasan; then
	# valgrind cannot run an AddressSanitizer build: LeakSanitizer checks
	# leaks instead (no descriptor check)
	mode="AddressSanitizer"
	ASAN_OPTIONS=detect_leaks=1:exitcode=99 LSAN_OPTIONS=exitcode=99 \
		"$B/mailaudit" scan --timeout "$TIMEOUT" --ca-file "$RUNDIR/certs/ca-bundle.pem" \
		"${REPORTS[@]}" "${args[@]}" 2>"$OUT/asan.log" || rc=$?
else
	mode="valgrind"
	valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
		--error-exitcode=99 --track-fds=yes --log-file="$OUT/valgrind.log" \
		"$B/mailaudit" scan --timeout "$TIMEOUT" --ca-file "$RUNDIR/certs/ca-bundle.pem" \
		"${REPORTS[@]}" "${args[@]}" || rc=$?
fi
t=$(elapsed "$t0" "$(now)")
echo "hostile: one scan of all hosts under $mode: exit $rc, ${t}s"
if [ "$mode" = valgrind ]; then
	vg_check "$OUT/valgrind.log" || die "valgrind (log: $OUT/valgrind.log)"
	echo "hostile: valgrind: no errors, no definite/indirect leaks, no file descriptor left open"
elif [ $rc -eq 99 ]; then
	cat "$OUT/asan.log" >&2
	die "AddressSanitizer reported errors or leaks"
fi
# a gate failure (high findings on the hostile hosts) outranks exit 3
[ $rc -eq 1 ] || die "the combined scan exited $rc, expected 1"
within "$t" "$VG_BOUND" || die "the combined scan took ${t}s under $mode, more than ${VG_BOUND}s"

# --- 3. the combined scan, judged -------------------------------------------------
python3 - "$EXPECT_DIR" "$OUT" "$STRICT" <<'EOF'
import glob, json, os, re, sys
expect_dir, out, strict = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
fails, strict_fails = [], []
def fail(msg):
    fails.append(msg)
def want(cond, msg):
    if not cond:
        fail(msg)
def want_strict(cond, msg):
    if not cond:
        strict_fails.append(msg)

doc = json.load(open(os.path.join(out, "all.json")))
eps = {}
for e in doc["endpoints"]:
    eps[(e["host"].split(".")[0], e["port"])] = e

# every host as when scanned alone (compliant: in full, its usual findings)
for f in sorted(glob.glob(os.path.join(expect_dir, "*.expect"))):
    host = None
    listed = set()
    for line in open(f):
        w = line.split()
        if not w or w[0].startswith("#"):
            continue
        if w[0] == "host":
            host = w[1].split(".")[0]
        elif w[0] == "endpoint":
            port, status = int(w[2]), w[3]
            listed.add(port)
            e = eps.get((host, port))
            if e is None:
                fail("%s/%d missing from the combined scan" % (host, port))
                continue
            got = sorted(x["check"] for x in e["findings"])
            exp = sorted(x.split(":")[0] for x in w[4:])
            want(e["status"] == status and got == exp,
                 "%s/%d in the combined scan: %s %s, alone: %s %s (detail: %s)"
                 % (host, port, e["status"], got, status, exp, e.get("status_detail")))
    extra = sorted(p for (h, p) in eps if h == host and p not in listed)
    want(not extra, "%s: unexpected endpoints %s in the combined scan" % (host, extra))
for port in (110, 143, 993, 995):
    e = eps[("compliant", port)]
    want(e["status"] == "ok" and e["tls_reached"] and e["banner"],
         "compliant/%d not reported in full: %s, TLS %s" % (port, e["status"], e["tls_reached"]))
    want(e["tls"]["certificate"]["trusted"] and e["tls"]["audit"],
         "compliant/%d: certificate not trusted or no TLS audit" % port)
    want(e["capabilities"]["after_tls"], "compliant/%d: no capabilities after TLS" % port)

def ep(h, p):
    return eps.get((h, p)) or {"status": None, "findings": [], "tls": {"certificate": {"chain": []}}}
def detail(h, p):
    return ep(h, p).get("status_detail") or ""
def evidence(h, p, check):
    return " | ".join(x["evidence"] for x in ep(h, p)["findings"] if x["check"] == check)
def checks(h, p):
    return {x["check"] for x in ep(h, p)["findings"]}

# the evidence of each behaviour
for p in (143, 110):
    want("no greeting" in detail("h-silent", p), "h-silent/%d: %r" % (p, detail("h-silent", p)))
    want("greeting" in detail("h-trickle", p), "h-trickle/%d: %r" % (p, detail("h-trickle", p)))
    want("line too long" in detail("h-endless", p), "h-endless/%d: %r" % (p, detail("h-endless", p)))
    want(not ep("h-endless", p).get("banner"), "h-endless/%d has a banner" % p)
    want("closed" in detail("h-close", p), "h-close/%d: %r" % (p, detail("h-close", p)))
    want(ep("h-huge-caps", p).get("banner"), "h-huge-caps/%d: the greeting was lost" % p)
    want("STARTTLS" in evidence("h-garbage", p, "STARTTLS-BROKEN") or "STLS" in evidence("h-garbage", p, "STARTTLS-BROKEN"),
         "h-garbage/%d: STARTTLS-BROKEN evidence %r" % (p, evidence("h-garbage", p, "STARTTLS-BROKEN")))
    want("HTTP/1.0 400 Bad Request" in evidence("h-garbage", p, "STARTTLS-EXTRA-PLAINTEXT"),
         "h-garbage/%d: the garbage is not in the evidence" % p)
    want("handshake failed" in evidence("h-reset", p, "STARTTLS-BROKEN"),
         "h-reset/%d: STARTTLS-BROKEN evidence %r" % (p, evidence("h-reset", p, "STARTTLS-BROKEN")))
    for h in ("h-nul",):
        b = ep(h, p).get("banner") or ""
        want(all(s in b for s in ("\\x00", "\\x1b", "\\xff")), "%s/%d: banner not escaped: %r" % (h, p, b))
want("line too long" in detail("h-huge-caps", 143), "h-huge-caps/143: %r" % detail("h-huge-caps", 143))
want("too many lines" in detail("h-huge-caps", 110), "h-huge-caps/110: %r" % detail("h-huge-caps", 110))
want("not an IMAP greeting: HTTP/1.1 400" in detail("h-http", 143), "h-http/143: %r" % detail("h-http", 143))
want("not a POP3 greeting: HTTP/1.1 400" in detail("h-http", 110), "h-http/110: %r" % detail("h-http", 110))
want("timed out" in (ep("h-silent", 993)["tls"].get("error") or ""),
     "h-silent/993: TLS error %r" % ep("h-silent", 993)["tls"].get("error"))
for p in (143, 993):
    ch = ep("h-chain50", p)["tls"]["certificate"]["chain"]
    want(2 <= len(ch) <= 16, "h-chain50/%d: %d certificates reported, expected the chain capped at 16" % (p, len(ch)))
    c = ep("h-big-cert", p)["tls"]["certificate"]
    want(c["trusted"] and c["chain"] and len(c["chain"][0]["dns_names"]) == 128,
         "h-big-cert/%d: trusted %s, %d SANs" % (p, c["trusted"], len(c["chain"][0]["dns_names"]) if c["chain"] else -1))
want(ep("h-junk50", 993)["tls"]["certificate"]["trusted"], "h-junk50/993: the valid path was not found")

# distinct statuses: different behaviours never look the same on one port,
# except the collisions the scanner has today (strict mode: none)
KNOWN = [{"h-silent", "h-trickle"}, {"h-reset", "h-close"}]
hostile = sorted({h for (h, p) in eps if h.startswith("h-")})
for p in (143, 110, 993):
    seen = {}
    for h in hostile:
        e = eps.get((h, p))
        if not e:
            continue
        sig = (e["status"], e.get("status_detail"), tuple(sorted(checks(h, p))), e.get("banner"))
        seen.setdefault(sig, []).append(h)
    for sig, hs in seen.items():
        if len(hs) > 1:
            msg = "port %d: %s look the same: %s" % (p, ", ".join(hs), sig)
            if set(hs) in KNOWN:
                strict_fails.append(msg)
            else:
                fail(msg)
    # strict: the status detail alone tells the behaviours apart
    by_detail = {}
    for h in hostile:
        e = eps.get((h, p))
        if e and e["status"] != "ok":
            by_detail.setdefault((e["status"], e.get("status_detail")), []).append(h)
    for sig, hs in by_detail.items():
        want_strict(len(hs) == 1, "port %d: %s share the status detail %r" % (p, ", ".join(hs), sig))

# strict: the defects the .expect comments name
want_strict("no connection" not in detail("h-silent", 993),
            "h-silent/993: detail %r, but the TCP connection was made" % detail("h-silent", 993))
for h, p in (("h-endless", 143), ("h-huge-caps", 143), ("h-huge-caps", 110)):
    want_strict(re.search(r"greeting|CAPA", detail(h, p)) is not None,
                "%s/%d: detail %r does not say which reply broke the cap" % (h, p, detail(h, p)))
want("AAAA" in detail("h-endless", 143), "h-endless/143: no excerpt of the line in %r" % detail("h-endless", 143))
want_strict("* O" in detail("h-trickle", 143), "h-trickle/143: the partial greeting is not in %r" % detail("h-trickle", 143))
for h in ("h-reset", "h-close"):
    for p in (143, 110, 993):
        want_strict("TLS-1.3-UNSUPPORTED" not in checks(h, p),
                    "%s/%d: TLS-1.3-UNSUPPORTED without a single ServerHello" % (h, p))
        want_strict("pull function" not in detail(h, p) + evidence(h, p, "STARTTLS-BROKEN"),
                    "%s/%d: GnuTLS' \"Error in the pull function.\" as evidence" % (h, p))
want(re.search(r"HTTP|not TLS", detail("h-http", 993)) is not None,
            "h-http/993: detail %r does not say the answer was not TLS" % detail("h-http", 993))
for p in (143, 993):
    want_strict("did not send" not in evidence("h-chain50", p, "CERT-CHAIN-UNTRUSTED"),
                "h-chain50/%d: evidence claims an issuer was not sent, but all 50 were" % p)

# no raw control bytes or invalid UTF-8 in any format
for name in ("all.json", "all.jsonl", "all.txt", "all.html", "all.sarif", "all.xml"):
    raw = open(os.path.join(out, name), "rb").read()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as x:
        fail("%s: invalid UTF-8 at byte %d" % (name, x.start))
    m = re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", raw)
    want(m is None, "%s: raw control byte %r at %d" % (name, m.group(0) if m else b"", m.start() if m else 0))
    # JUnit lists failing findings only: h-nul has none
    want(name == "all.xml" or b"\\x1b" in raw,
         "%s: the escaped ESC of h-nul's greeting is missing" % name)

for m in fails:
    print("hostile: FAIL: " + m, file=sys.stderr)
for m in strict_fails:
    print("hostile: %s: %s" % ("FAIL (strict)" if strict else "known defect", m),
          file=sys.stderr if strict else sys.stdout)
sys.exit(1 if fails or (strict and strict_fails) else 0)
EOF
echo "hostile: PASS"
