#!/bin/bash
# tls_extras.sh BUILDDIR — the two checks that need extra library
# handshakes (`make tls-extras`): TLS-CLIENT-RENEGOTIATION (a TLS 1.2
# session, then a new ClientHello) and TLS-0RTT-ACCEPTED (the main
# session's TLS 1.3 ticket resumed with early data). Everything runs on
# loopback, in 127.0.0.220-229 only, one fake_mail_server per address:
#
#   .220:143  IMAP STARTTLS, TLS 1.2 only, renegotiation allowed
#   .221:993  IMAP implicit, TLS 1.2 only, renegotiation refused
#   .222:993  IMAP implicit, TLS 1.3, renegotiation allowed, early data
#   .223:993  IMAP implicit, TLS 1.3 only (no renegotiation to assess)
#   .224:110  POP3 STARTTLS, TLS 1.3, early data
#   .226:993  IMAP implicit, TLS 1.2 without RFC 5746, renegotiation
#             allowed (GnuTLS does not renegotiate with it: not assessed)
#   .227:995  POP3 implicit, defaults (refused, no tickets)
#
# (.225 is left for a hand-started Dovecot.) A CA and a leaf are made
# here with certtool; every name is pinned with --resolve. Needs
# gnutls-bin, python3 and root (ports below 1024); the servers are
# stopped on exit.
set -euo pipefail
B=$(cd "${1:-build/release}" && pwd)
SCANNER=$B/mailaudit
SERVER=$B/servers/fake_mail_server
T=$(mktemp -d /tmp/mailaudit-tlsx.XXXXXX)
D=tlsx.mailaudit.test
fails=0

for tool in certtool python3; do
	command -v "$tool" >/dev/null || {
		echo "tls-extras: $tool not found (tests/install-deps.sh)" >&2
		exit 1
	}
done
[ -x "$SCANNER" ] && [ -x "$SERVER" ] || {
	echo "tls-extras: build first (make)" >&2
	exit 1
}

cleanup() {
	local p
	for p in "$T"/*.pid; do
		[ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT

# --- certificates: a CA and one leaf for every test name -----------------
cd "$T"
certtool --generate-privkey --key-type ecdsa --curve secp256r1 \
	--outfile ca.key 2>/dev/null
printf '%s\n' 'cn = "mailaudit TLS extras test CA"' ca cert_signing_key \
	'expiration_days = 30' >ca.tmpl
certtool --generate-self-signed --load-privkey ca.key --template ca.tmpl \
	--outfile ca.pem 2>/dev/null
certtool --generate-privkey --key-type ecdsa --curve secp256r1 \
	--outfile leaf.key 2>/dev/null
printf '%s\n' 'cn = "mailaudit TLS extras test server"' \
	"dns_name = \"*.$D\"" tls_www_server signing_key \
	'expiration_days = 30' >leaf.tmpl
certtool --generate-certificate --load-privkey leaf.key \
	--load-ca-certificate ca.pem --load-ca-privkey ca.key \
	--template leaf.tmpl --outfile leaf.pem 2>/dev/null
cat leaf.pem ca.pem >chain.pem

# --- servers --------------------------------------------------------------
TLS12=NORMAL:-VERS-ALL:+VERS-TLS1.2
TLS13=NORMAL:-VERS-ALL:+VERS-TLS1.3
serve() { # NAME PROTO MODE ADDR:PORT [OPTIONS...]
	local name=$1 proto=$2 mode=$3 listen=$4
	shift 4
	"$SERVER" --proto "$proto" --mode "$mode" --listen "$listen" \
		--cert chain.pem --key leaf.key --behaviour normal \
		--pidfile "$T/$name.pid" --daemon --log "$T/$name.log" "$@"
}
serve reneg-starttls imap starttls 127.0.0.220:143 --priority "$TLS12" \
	--allow-renegotiation
serve refused imap implicit 127.0.0.221:993 --priority "$TLS12"
serve both imap implicit 127.0.0.222:993 --allow-renegotiation --early-data
serve tls13 imap implicit 127.0.0.223:993 --priority "$TLS13"
serve early-pop3 pop3 starttls 127.0.0.224:110 --priority "$TLS13" \
	--early-data
serve insecure imap implicit 127.0.0.226:993 --allow-renegotiation \
	--priority "$TLS12:%DISABLE_SAFE_RENEGOTIATION"
serve plain pop3 implicit 127.0.0.227:995
for _ in $(seq 50); do
	pids=("$T"/*.pid)
	[ -e "${pids[0]}" ] && [ "${#pids[@]}" -eq 7 ] && break
	sleep 0.1
done
sleep 0.2

targets=("imap://reneg-starttls.$D:143" "imaps://refused.$D:993"
	"imaps://both.$D:993" "imaps://tls13.$D:993" "pop3://early-pop3.$D:110"
	"imaps://insecure.$D:993" "pop3s://plain.$D:995")
pins=(--resolve "reneg-starttls.$D:127.0.0.220"
	--resolve "refused.$D:127.0.0.221" --resolve "both.$D:127.0.0.222"
	--resolve "tls13.$D:127.0.0.223" --resolve "early-pop3.$D:127.0.0.224"
	--resolve "insecure.$D:127.0.0.226" --resolve "plain.$D:127.0.0.227")

scan() { # OUT ARGS...: a JSON report; exit codes 0, 1 and 3 are results
	local out=$1 rc=0
	shift
	"$SCANNER" -q --tls-depth quick --timeout 3 --ca-file ca.pem \
		--format json -o "$out" "${pins[@]}" "$@" || rc=$?
	[ "$rc" -le 3 ] && [ "$rc" -ne 2 ] || {
		echo "tls-extras: mailaudit exited $rc" >&2
		exit 1
	}
}

# expect REPORT HOST "IDS" RENEG EARLY [DETAIL-PART]: HOST's findings among
# the two checks are exactly IDS; tls.renegotiation.outcome is RENEG
# ("null" for none); EARLY is tls.early_data as "ticket/attempted/accepted"
# (0 or 1 each, "null" for none); DETAIL-PART is in the renegotiation
# detail.
expect() {
	if python3 - "$@" <<'EOF'; then
import json, sys
report, host, want, reneg, early = sys.argv[1:6]
detail_part = sys.argv[6] if len(sys.argv) > 6 else ""
ids = ("TLS-CLIENT-RENEGOTIATION", "TLS-0RTT-ACCEPTED")
doc = json.load(open(report))
eps = [e for e in doc["endpoints"] if e["host"] == host]
if len(eps) != 1:
    sys.exit(f"{host}: {len(eps)} endpoints in the report")
e = eps[0]
if e["status"] != "ok":
    sys.exit(f"{host}: status {e['status']}: {e.get('status_detail')}")
found = [f for f in e.get("findings", []) if f["check"] in ids]
got = sorted(f["check"] for f in found)
if got != sorted(want.split()):
    sys.exit(f"{host}: findings {got}, want {sorted(want.split())}: "
             + "; ".join(f["evidence"] for f in found))
tls = e["tls"]
g = tls["renegotiation"]
if (g["outcome"] if g else "null") != reneg:
    sys.exit(f"{host}: renegotiation {g}, want {reneg}")
if detail_part and detail_part not in (g or {}).get("detail", ""):
    sys.exit(f"{host}: renegotiation detail {g}, lacks {detail_part!r}")
ed = tls["early_data"]
have = ("null" if ed is None else "/".join(
    str(int(ed[k])) for k in ("session_ticket", "attempted", "accepted")))
if have != early:
    sys.exit(f"{host}: early_data {ed}, want {early}")
EOF
		echo "  ok    $2: ${3:-no finding}, renegotiation $4, early data $5"
	else
		echo "  FAIL  $2 ($1)"
		fails=$((fails + 1))
	fi
}

echo "tls-extras: active scan"
scan active.json "${targets[@]}"
expect active.json reneg-starttls.$D TLS-CLIENT-RENEGOTIATION accepted null \
	"completed the renegotiation"
expect active.json refused.$D "" refused null "no_renegotiation"
expect active.json both.$D "TLS-CLIENT-RENEGOTIATION TLS-0RTT-ACCEPTED" \
	accepted 1/1/1
expect active.json tls13.$D "" not_assessed 0/0/0 "no TLS 1.2 handshake"
expect active.json early-pop3.$D TLS-0RTT-ACCEPTED not_assessed 1/1/1
expect active.json insecure.$D "" not_assessed null "RFC 5746"
expect active.json plain.$D "" refused 0/0/0

echo "tls-extras: --passive makes neither extra handshake"
scan passive.json --passive "${targets[@]}"
for h in reneg-starttls refused insecure; do
	expect passive.json "$h.$D" "" null null
done
for h in tls13 plain; do
	expect passive.json "$h.$D" "" null 0/0/0
done
for h in both early-pop3; do
	expect passive.json "$h.$D" "" null 1/0/0
done

echo "tls-extras: --tls-depth off makes neither"
scan off.json --tls-depth off "imaps://both.$D:993"
expect off.json both.$D "" null null

# the servers saw what the scanner reports
if grep -q "client renegotiation: done" both.log &&
	grep -q "client renegotiation refused" refused.log &&
	grep -q "early data accepted" early-pop3.log &&
	! grep -q "early data accepted" plain.log; then
	echo "  ok    the server logs agree"
else
	echo "  FAIL  the server logs disagree"
	fails=$((fails + 1))
fi

if [ "$fails" -ne 0 ]; then
	echo "tls-extras: $fails FAILED (server logs follow)"
	tail -n 20 "$T"/*.log || true
	exit 1
fi
echo "tls-extras: all passed"
