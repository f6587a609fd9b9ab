#!/bin/bash
# dns.sh BUILDDIR — the --external DNS checks against a DNSSEC-signed test
# zone (`make dns`). Everything runs on loopback, in 127.0.0.200-210 only:
#
#   127.0.0.201:5301  NSD (fixtures/dns/nsd.conf.in), authoritative for
#                     dnstest.mailaudit.test (signed, anchored),
#                     unsigned.mailaudit.test and bogus.mailaudit.test
#                     (signed, anchored, one TLSA record altered after
#                     signing), all from fixtures/dns/zone.in
#   127.0.0.202:993   fake_mail_server, implicit-TLS IMAP, presenting a
#                     leaf and its CA made here with certtool
#   127.0.0.203:5301  nothing: a DNS server that does not answer
#
# The TLSA records are computed from that leaf and CA when the test runs;
# the zones are signed with ldns-signzone and their DS records are the
# scanner's --dns-trust-anchor. Each scanned name is pinned to the mail
# server with --resolve, so only TLSA and SRV questions go to NSD.
# Needs nsd, ldnsutils and gnutls-bin (tests/install-deps.sh); NSD and the
# mail server are stopped on exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-build/release}" && pwd)
SCANNER=$B/mailaudit
SERVER=$B/servers/fake_mail_server
DNS_ADDR=127.0.0.201 DNS_PORT=5301 MAIL_ADDR=127.0.0.202 DEAD_ADDR=127.0.0.203
T=$(mktemp -d /tmp/mailaudit-dns.XXXXXX)
fails=0

for tool in nsd ldns-keygen ldns-signzone certtool python3; do
	command -v "$tool" >/dev/null || {
		echo "dns: $tool not found (tests/install-deps.sh)" >&2
		exit 1
	}
done
[ -x "$SCANNER" ] && [ -x "$SERVER" ] || {
	echo "dns: build first (make)" >&2
	exit 1
}

# NSD writes its state files while it shuts down: wait for the servers to
# be gone before removing their directory.
cleanup() {
	local p pid pids=() i alive
	for p in "$T/nsd.pid" "$T/mail.pid"; do
		[ -s "$p" ] || continue
		pid=$(cat "$p")
		kill "$pid" 2>/dev/null && pids+=("$pid")
	done
	for ((i = 0; i < 100; i++)); do
		alive=""
		for pid in "${pids[@]}"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ -z "$alive" ] && break
		sleep 0.05
	done
	rm -rf "$T" 2>/dev/null || true
}
trap cleanup EXIT

# --- certificates: a CA and a leaf for every test name ----------------
cd "$T"
certtool --generate-privkey --key-type ecdsa --curve secp256r1 \
	--outfile ca.key 2>/dev/null
printf '%s\n' 'cn = "mailaudit DNS test CA"' ca cert_signing_key \
	'expiration_days = 30' >ca.tmpl
certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl \
	--outfile ca.pem 2>/dev/null
certtool --generate-privkey --key-type ecdsa --curve secp256r1 \
	--outfile leaf.key 2>/dev/null
printf '%s\n' 'cn = "mailaudit DNS test server"' \
	'dns_name = "*.dnstest.mailaudit.test"' \
	'dns_name = "*.unsigned.mailaudit.test"' \
	'dns_name = "*.bogus.mailaudit.test"' tls_www_server signing_key \
	'expiration_days = 30' >leaf.tmpl
certtool --generate-certificate --load-privkey leaf.key \
	--load-ca-certificate ca.pem --load-ca-privkey ca.key \
	--template leaf.tmpl --outfile leaf.pem 2>/dev/null
cat leaf.pem ca.pem >chain.pem

der() { certtool --certificate-info --infile "$1" --outder 2>/dev/null; }
spki() { certtool --pubkey-info --load-certificate "$1" --outder 2>/dev/null; }
SPKI256=$(spki leaf.pem | sha256sum | cut -d' ' -f1)
SPKIFULL=$(spki leaf.pem | od -An -v -tx1 | tr -d ' \n')
CERT256=$(der leaf.pem | sha256sum | cut -d' ' -f1)
CERT512=$(der leaf.pem | sha512sum | cut -d' ' -f1)
SPKI512=$(spki leaf.pem | sha512sum | cut -d' ' -f1)
CA256=$(der ca.pem | sha256sum | cut -d' ' -f1)
WRONG=$(printf 'no certificate has this digest' | sha256sum | cut -d' ' -f1)

# --- zones: sign two, anchor both, break one --------------------------
zone() {
	sed -e "s/@ZONE@/$1/g" -e "s/@SPKI256@/$SPKI256/" \
		-e "s/@SPKIFULL@/$SPKIFULL/" -e "s/@CERT256@/$CERT256/" \
		-e "s/@CERT512@/$CERT512/" -e "s/@CA256@/$CA256/" \
		-e "s/@SPKI512@/$SPKI512/" \
		-e "s/@WRONG@/$WRONG/g" "$ROOT/fixtures/dns/zone.in" >"$1.zone"
}
sign() {
	local key
	key=$(ldns-keygen -a ECDSAP256SHA256 -k "$1")
	ldns-signzone -n "$1.zone" "$key"
	cat "$key.ds" >>anchors.ds
}
: >anchors.ds
for z in dnstest.mailaudit.test unsigned.mailaudit.test bogus.mailaudit.test; do
	zone "$z"
done
sign dnstest.mailaudit.test
sign bogus.mailaudit.test
# the signature of this TLSA RRset now covers other data
sed -i "/^_993\._tcp\.good\.bogus\.mailaudit\.test\..*TLSA/s/$SPKI256/$WRONG/" \
	bogus.mailaudit.test.zone.signed
grep -q "^_993\._tcp\.good\.bogus.*$WRONG" bogus.mailaudit.test.zone.signed || {
	echo "dns: could not alter the bogus zone" >&2
	exit 1
}

# --- servers ------------------------------------------------------------
sed -e "s|@DIR@|$T|g" -e "s|@ADDR@|$DNS_ADDR|g" -e "s|@PORT@|$DNS_PORT|g" \
	"$ROOT/fixtures/dns/nsd.conf.in" >nsd.conf
nsd-checkconf nsd.conf
nsd -c nsd.conf -P "$T/nsd.pid"
"$SERVER" --proto imap --mode implicit --listen "$MAIL_ADDR:993" \
	--cert chain.pem --key leaf.key --behaviour normal \
	--pidfile "$T/mail.pid" --daemon --log "$T/mail.log"
for _ in $(seq 50); do
	[ -s nsd.pid ] && [ -s mail.pid ] &&
		grep -q "zone.*bogus.*serial\|nsd started" nsd.log 2>/dev/null && break
	sleep 0.1
done
sleep 0.3

HOSTS="good wrong none cert full sha512 spki512 ta pkix two short"
targets=() pins=()
for h in $HOSTS; do
	targets+=("imaps://$h.dnstest.mailaudit.test:993")
done
targets+=(imaps://good.unsigned.mailaudit.test:993 imaps://good.bogus.mailaudit.test:993)
for t in "${targets[@]}"; do
	h=${t#imaps://}
	pins+=(--resolve "${h%:993}:$MAIL_ADDR")
done

scan() { # OUT ARGS...: a JSON report; exit codes 0, 1 and 3 are results
	local out=$1 rc=0
	shift
	"$SCANNER" -q --tls-depth off --timeout 3 --format json -o "$out" \
		"${pins[@]}" "$@" || rc=$?
	[ "$rc" -le 3 ] && [ "$rc" -ne 2 ] || {
		echo "dns: mailaudit exited $rc" >&2
		exit 1
	}
}

# expect REPORT HOST "IDS" [EVIDENCE-PART [STATUS-DETAIL-PART]]: the DNS
# findings of HOST's endpoint are exactly IDS (space separated, sorted).
expect() {
	if python3 - "$@" <<'EOF'; then
import json, sys
report, host, want = sys.argv[1], sys.argv[2], sys.argv[3].split()
ev_part = sys.argv[4] if len(sys.argv) > 4 else ""
detail_part = sys.argv[5] if len(sys.argv) > 5 else ""
doc = json.load(open(report))
eps = [e for e in doc["endpoints"] if e["host"] == host]
if len(eps) != 1:
    sys.exit(f"{host}: {len(eps)} endpoints in the report")
e = eps[0]
dns = [f for f in e.get("findings", [])
       if f["check"].startswith(("DANE-", "DNS-"))]
got = sorted(f["check"] for f in dns)
if got != sorted(want):
    sys.exit(f"{host}: DNS findings {got}, want {sorted(want)}: "
             + "; ".join(f["evidence"] for f in dns))
if ev_part and not any(ev_part in f["evidence"] for f in dns):
    sys.exit(f"{host}: no evidence contains {ev_part!r}: "
             + "; ".join(f["evidence"] for f in dns))
if e["status"] != "ok":
    sys.exit(f"{host}: status {e['status']}: {e.get('status_detail')}")
if detail_part and detail_part not in (e.get("status_detail") or ""):
    sys.exit(f"{host}: status detail {e.get('status_detail')!r} lacks "
             f"{detail_part!r}")
EOF
		echo "  ok    $2: ${3:-no DNS finding}"
	else
		echo "  FAIL  $2 ($1)"
		fails=$((fails + 1))
	fi
}

D=dnstest.mailaudit.test
echo "dns: scan with --external against the signed zone"
scan ext.json --external --dns-server "$DNS_ADDR:$DNS_PORT" \
	--dns-trust-anchor anchors.ds --ca-file ca.pem "${targets[@]}"
expect ext.json good.$D ""
expect ext.json wrong.$D "DANE-TLSA-MISMATCH" "no usable record"
expect ext.json none.$D "DANE-TLSA-ABSENT DNS-SRV-IMPLICIT-TLS-MISSING" \
	"_imaps._tcp.none.$D has no record"
expect ext.json none.$D "DANE-TLSA-ABSENT DNS-SRV-IMPLICIT-TLS-MISSING" \
	"DNSSEC-validated"
expect ext.json cert.$D "DNS-SRV-IMPLICIT-TLS-MISSING" "is preferred to"
expect ext.json full.$D ""
expect ext.json sha512.$D ""
expect ext.json spki512.$D ""
expect ext.json ta.$D ""
expect ext.json pkix.$D ""
expect ext.json two.$D ""
expect ext.json short.$D "DANE-TLSA-ABSENT" "has 1 record(s), none usable"
expect ext.json good.unsigned.mailaudit.test "DANE-TLSA-ABSENT" \
	"exists (1 record(s)) but is not DNSSEC-validated (insecure"
expect ext.json good.bogus.mailaudit.test "DANE-TLSA-ABSENT" \
	"failed DNSSEC validation (bogus: validation failure"

echo "dns: PKIX-EE without a trusted chain (no --ca-file)"
# two reports: the whole scan is judged at the end, not host by host
scan pkix.json --external --dns-server "$DNS_ADDR:$DNS_PORT" \
	--dns-trust-anchor anchors.ds --format text -o pkix.txt \
	"imaps://pkix.$D:993" "imaps://good.$D:993"
expect pkix.json pkix.$D "DANE-TLSA-MISMATCH" "no trusted path"
expect pkix.json good.$D ""
if [ "$(grep -c 'DANE-TLSA-MISMATCH' pkix.txt)" -eq 1 ]; then
	echo "  ok    the text report has the one DANE-TLSA-MISMATCH"
else
	echo "  FAIL  the text report lacks DANE-TLSA-MISMATCH, or has it twice"
	fails=$((fails + 1))
fi

echo "dns: without --external, no DNS checks"
scan off.json --ca-file ca.pem "imaps://wrong.$D:993" "imaps://none.$D:993"
expect off.json wrong.$D ""
expect off.json none.$D ""

echo "dns: a DNS server that does not answer: no finding, a note, bounded"
start=$(date +%s)
scan dead.json --external --dns-server "$DEAD_ADDR:$DNS_PORT" \
	--dns-trust-anchor anchors.ds --ca-file ca.pem "imaps://wrong.$D:993"
took=$(($(date +%s) - start))
expect dead.json wrong.$D "" "" "TLSA lookup for _993._tcp.wrong.$D failed"
if [ "$took" -le 12 ]; then
	echo "  ok    the scan took ${took}s with --timeout 3"
else
	echo "  FAIL  the scan took ${took}s with --timeout 3"
	fails=$((fails + 1))
fi

echo "dns: a bad --dns-server is a usage error"
if "$SCANNER" --external --dns-server 999.1.1.1 "imaps://good.$D:993" \
	>/dev/null 2>&1; then rc=0; else rc=$?; fi
if [ "$rc" -eq 2 ]; then
	echo "  ok    exit 2"
else
	echo "  FAIL  exit $rc, want 2"
	fails=$((fails + 1))
fi

[ -z "${DNS_SHOW:-}" ] || python3 -c 'import json
for e in json.load(open("ext.json"))["endpoints"]:
    for f in e["findings"]:
        if f["check"].startswith(("DANE", "DNS")):
            print(e["host"], f["check"], f["evidence"])' || true
if [ "$fails" -ne 0 ]; then
	echo "dns: $fails FAILED (NSD log follows)"
	cat "$T/nsd.log" 2>/dev/null || true
	exit 1
fi
echo "dns: all passed"
