#!/bin/bash
# aia.sh BUILDDIR — incomplete chains and --fetch-aia (issue #12, `make
# aia`, part of `make check`). A root, an intermediate and leaves are made
# here with certtool; each leaf is served ALONE (no intermediate) by a
# fake_mail_server on its own address in 127.0.0.230-245, port 993, and
# tests/servers/aia_http_server serves the intermediate on
# 127.0.0.246:8080 (127.0.0.247:8080 is the "other host" of the
# off-host redirect, which must never be asked). The scanner knows only
# the root (--ca-file). Every name is pinned with --resolve.
#
#   host        leaf's AIA caIssuers       --fetch-aia     without
#   der         /files/int.der             INCOMPLETE      both
#   pem         /files/int.pem             INCOMPLETE      both
#   p7          /files/int.p7c (PKCS#7)    INCOMPLETE      both
#   der2        /files/int.der (cached)    INCOMPLETE      both
#   same        /redirect-same/copy.der    INCOMPLETE      both
#   noaia       (none)                     both            both
#   root        /files/other-root.der      UNTRUSTED       both
#               (issued by an unknown root: nothing is missing but the
#               anchor, which the fetch shows)
#   big         /big (1 MiB)               both            both
#   slow        /slow (a byte per 500 ms)  both            both
#   off         /redirect-off/int.der      both            both
#   gone        /files/none.der (404)      both            both
#   loop        /redirect-loop             both            both
#
# ("both": CERT-CHAIN-INCOMPLETE and CERT-CHAIN-UNTRUSTED.) The scan with
# --fetch-aia must stay within its bounds: under 15 s in all. Needs
# gnutls-bin, python3 and root (port 993).
set -euo pipefail
B=$(cd "${1:-build/release}" && pwd)
SCANNER=$B/mailaudit
SERVER=$B/servers/fake_mail_server
HTTP=$B/servers/aia_http_server
T=$(mktemp -d /tmp/mailaudit-aia.XXXXXX)
D=aia.mailaudit.test
WEB=127.0.0.246:8080
OTHER=127.0.0.247:8080
fails=0

for tool in certtool python3; do
	command -v "$tool" >/dev/null || {
		echo "aia: $tool not found (tests/install-deps.sh)" >&2
		exit 1
	}
done
[ -x "$SCANNER" ] && [ -x "$SERVER" ] && [ -x "$HTTP" ] || {
	echo "aia: build first (make)" >&2
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

# --- certificates ---------------------------------------------------------
cd "$T"
mkdir www
CT="certtool --no-text"
key() { $CT --generate-privkey --key-type ecdsa --curve secp256r1 --outfile "$1" 2>/dev/null; }
ca_tmpl() { printf '%s\n' "cn = \"$1\"" ca cert_signing_key 'expiration_days = 30' >"$2"; }
key root.key
ca_tmpl "mailaudit AIA test root" root.tmpl
$CT --generate-self-signed --load-privkey root.key --template root.tmpl \
	--outfile root.pem 2>/dev/null
key other-root.key
ca_tmpl "mailaudit AIA unknown root" other-root.tmpl
$CT --generate-self-signed --load-privkey other-root.key \
	--template other-root.tmpl --outfile other-root.pem 2>/dev/null
key int.key
ca_tmpl "mailaudit AIA test intermediate" int.tmpl
$CT --generate-certificate --load-privkey int.key --load-ca-certificate root.pem \
	--load-ca-privkey root.key --template int.tmpl --outfile int.pem 2>/dev/null
cp int.pem www/int.pem
$CT --certificate-info --infile int.pem --outder --outfile www/int.der 2>/dev/null
cp www/int.der www/copy.der
$CT --p7-generate --load-certificate int.pem --outder --outfile www/int.p7c 2>/dev/null
$CT --certificate-info --infile other-root.pem --outder \
	--outfile www/other-root.der 2>/dev/null
key leaf.key

# leaf NAME ISSUER AIA-PATH|-: leaf-NAME.pem for NAME.$D, issued by ISSUER
leaf() {
	{
		echo "cn = \"$1.$D\""
		echo "dns_name = \"$1.$D\""
		echo tls_www_server
		echo signing_key
		echo 'expiration_days = 30'
		[ "$3" = - ] || echo "ca_issuers_uri = \"http://$WEB$3\""
	} >"leaf-$1.tmpl"
	$CT --generate-certificate --load-privkey leaf.key \
		--load-ca-certificate "$2.pem" --load-ca-privkey "$2.key" \
		--template "leaf-$1.tmpl" --outfile "leaf-$1.pem" 2>/dev/null
}
hosts=(der der2 pem p7 same noaia root big slow off gone loop)
leaf der int /files/int.der
leaf pem int /files/int.pem
leaf p7 int /files/int.p7c
leaf der2 int /files/int.der
leaf same int /redirect-same/copy.der
leaf noaia int -
leaf root other-root /files/other-root.der
leaf big int /big
leaf slow int /slow
leaf off int /redirect-off/int.der
leaf gone int /files/none.der
leaf loop int /redirect-loop

# --- servers --------------------------------------------------------------
"$HTTP" --listen "$WEB" --dir www --other "$OTHER" --daemon \
	--pidfile "$T/web.pid" --log "$T/web.log"
"$HTTP" --listen "$OTHER" --dir www --daemon --pidfile "$T/other.pid" \
	--log "$T/other.log"
pins=() targets=()
n=230
for h in "${hosts[@]}"; do
	"$SERVER" --proto imap --mode implicit --listen "127.0.0.$n:993" \
		--cert "leaf-$h.pem" --key leaf.key --behaviour normal \
		--pidfile "$T/imap-$h.pid" --daemon --log "$T/imap-$h.log"
	pins+=(--resolve "$h.$D:127.0.0.$n")
	targets+=("imaps://$h.$D:993")
	n=$((n + 1))
done
for _ in $(seq 50); do
	pids=("$T"/*.pid)
	[ -e "${pids[0]}" ] && [ "${#pids[@]}" -eq $((${#hosts[@]} + 2)) ] && break
	sleep 0.1
done
sleep 0.2

scan() { # OUT ARGS...: a JSON report; exit codes 0, 1 and 3 are results
	local out=$1 rc=0
	shift
	"$SCANNER" -q --passive --tls-depth off --timeout 5 --ca-file root.pem \
		--format json -o "$out" "${pins[@]}" "$@" "${targets[@]}" || rc=$?
	[ "$rc" -le 3 ] && [ "$rc" -ne 2 ] || {
		echo "aia: mailaudit exited $rc" >&2
		exit 1
	}
}

# expect REPORT HOST "IDS" [EVIDENCE-PART]: HOST's CERT-CHAIN-* findings
# are exactly IDS, and EVIDENCE-PART is in their evidence
expect() {
	if python3 - "$@" <<'PY'; then
import json, sys
report, host, want = sys.argv[1:4]
part = sys.argv[4] if len(sys.argv) > 4 else ""
doc = json.load(open(report))
eps = [e for e in doc["endpoints"] if e["host"] == host]
if len(eps) != 1 or eps[0]["status"] != "ok":
    sys.exit(f"{host}: {[(e['status'], e.get('status_detail')) for e in eps]}")
found = [f for f in eps[0].get("findings", [])
         if f["check"].startswith("CERT-CHAIN-")]
got = sorted(f["check"] for f in found)
ev = " | ".join(f["evidence"] for f in found)
if got != sorted(want.split()):
    sys.exit(f"{host}: {got}, want {sorted(want.split())}: {ev}")
if part not in ev:
    sys.exit(f"{host}: evidence lacks {part!r}: {ev}")
PY
		echo "  ok    $2: ${3:-no chain finding}"
	else
		echo "  FAIL  $2 ($1)"
		fails=$((fails + 1))
	fi
}
BOTH="CERT-CHAIN-INCOMPLETE CERT-CHAIN-UNTRUSTED"
INC=CERT-CHAIN-INCOMPLETE

echo "aia: without --fetch-aia (nothing is fetched)"
start=$(date +%s%N)
scan plain.json
echo "  (the scan without --fetch-aia took $((($(date +%s%N) - start) / 1000000)) ms)"
for h in der der2 pem p7 same root big slow off gone loop; do
	expect plain.json "$h.$D" "$BOTH" "would fetch the missing issuer"
done
expect plain.json "noaia.$D" "$BOTH" "no AIA caIssuers URL"
if grep -q GET web.log; then
	echo "  FAIL  the scan without --fetch-aia fetched something"
	fails=$((fails + 1))
fi

echo "aia: with --fetch-aia"
start=$(date +%s%N)
scan fetch.json --fetch-aia
ms=$((($(date +%s%N) - start) / 1000000))
expect fetch.json "der.$D" "$INC" "the path reaches a trust anchor"
expect fetch.json "der2.$D" "$INC"
expect fetch.json "pem.$D" "$INC" "key id"
expect fetch.json "p7.$D" "$INC" "AIA caIssuers http://$WEB/files/int.p7c"
expect fetch.json "same.$D" "$INC"
expect fetch.json "noaia.$D" "$BOTH" "no AIA caIssuers URL to fetch"
expect fetch.json "root.$D" CERT-CHAIN-UNTRUSTED
expect fetch.json "big.$D" "$BOTH" "larger than 65536 bytes"
expect fetch.json "slow.$D" "$BOTH" "no answer within"
expect fetch.json "off.$D" "$BOTH" "redirected off the host"
expect fetch.json "gone.$D" "$BOTH" "HTTP status 404"
expect fetch.json "loop.$D" "$BOTH" "more than 3 redirects"
if grep -q GET other.log; then
	echo "  FAIL  a redirect off the host was followed"
	fails=$((fails + 1))
else
	echo "  ok    no request reached the other host"
fi
# each URL once per scan, however many endpoints name it (der, der2)
if [ "$(grep -c 'GET /files/int.der' web.log)" -eq 1 ]; then
	echo "  ok    each URL fetched once"
else
	echo "  FAIL  /files/int.der fetched $(grep -c 'GET /files/int.der' web.log) times"
	fails=$((fails + 1))
fi
if [ "$ms" -lt 15000 ]; then
	echo "  ok    the scan with --fetch-aia took $ms ms"
else
	echo "  FAIL  the scan with --fetch-aia took $ms ms (bound: 15000)"
	fails=$((fails + 1))
fi

echo "aia: the saved facts judge the same (mailaudit report)"
"$SCANNER" report --format json -o again.json fetch.json || true
for h in der noaia root slow; do
	a=$(python3 -c "import json,sys;d=json.load(open('fetch.json'));print(sorted(f['check'] for e in d['endpoints'] if e['host']=='$h.$D' for f in e['findings']))")
	b=$(python3 -c "import json,sys;d=json.load(open('again.json'));print(sorted(f['check'] for e in d['endpoints'] if e['host']=='$h.$D' for f in e['findings']))")
	if [ "$a" = "$b" ]; then
		echo "  ok    $h.$D"
	else
		echo "  FAIL  $h.$D: $a then $b"
		fails=$((fails + 1))
	fi
done

if [ "$fails" -ne 0 ]; then
	echo "aia: $fails FAILED (logs follow)"
	tail -n 20 "$T"/*.log || true
	exit 1
fi
echo "aia: all passed"
