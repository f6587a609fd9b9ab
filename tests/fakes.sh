#!/bin/bash
# fakes.sh start|stop RUNDIR BINDIR — the purpose-built fixture servers of
# fixtures/fakes.conf (tests/servers/fake_mail_server.c, built in BINDIR).
# Needs the fleet's test PKI in RUNDIR/certs (tests/fleet.sh start makes
# it); issues one leaf for every fake host name from the test intermediate.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF=$ROOT/fixtures/fakes.conf
[ $# -ge 2 ] || { echo "usage: $0 start|stop RUNDIR [BINDIR]" >&2; exit 2; }
CMD=$1 RUNDIR=$2 BINDIR=${3:-}
DIR=$RUNDIR/fakes

stop() {
	local p
	for p in "$DIR"/*.pid; do
		[ -e "$p" ] || continue
		kill "$(cat "$p")" 2>/dev/null || true
		rm -f "$p"
	done
}

make_cert() {
	local certs=$RUNDIR/certs tmpl=$DIR/leaf.tmpl
	{
		echo 'cn = "mailaudit fake servers"'
		grep -v '^#' "$CONF" | awk 'NF {print "dns_name = \"" $3 "\""}' | sort -u
		echo 'tls_www_server'
		echo 'signing_key'
		echo 'encryption_key'
		echo 'expiration_days = 365'
	} >"$tmpl"
	certtool --generate-privkey --key-type ecdsa --curve secp256r1 \
		--outfile "$DIR/key.pem" 2>/dev/null
	certtool --generate-certificate --load-privkey "$DIR/key.pem" \
		--load-ca-certificate "$certs/int.pem" --load-ca-privkey "$certs/int.key" \
		--template "$tmpl" --outfile "$DIR/cert.pem" 2>/dev/null
	cat "$DIR/cert.pem" "$certs/int.pem" >"$DIR/chain.pem"
}

start() {
	local name addr host proto mode port beh n=0
	[ -x "$BINDIR/fake_mail_server" ] || { echo "fakes: no $BINDIR/fake_mail_server" >&2; exit 1; }
	mkdir -p "$DIR"
	stop
	make_cert
	while read -r name addr host proto mode port beh; do
		case $name in '' | '#'*) continue ;; esac
		n=$((n + 1))
		"$BINDIR/fake_mail_server" --proto "$proto" --mode "$mode" \
			--listen "$addr:$port" --cert "$DIR/chain.pem" --key "$DIR/key.pem" \
			--behaviour "$beh" --daemon --pidfile "$DIR/$name-$port.pid" \
			--log "$DIR/$name-$port.log" ||
			{ echo "fakes: $name on $addr:$port did not start" >&2; stop; exit 1; }
	done <"$CONF"
}

case $CMD in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop RUNDIR [BINDIR]" >&2; exit 2 ;;
esac
