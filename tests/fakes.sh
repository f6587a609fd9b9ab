#!/bin/bash
# fakes.sh start|stop RUNDIR BINDIR — the purpose-built fixture servers of
# fixtures/fakes.conf (tests/servers/fake_mail_server.c, built in BINDIR).
# Needs the fleet's test PKI in RUNDIR/certs (tests/fleet.sh start makes
# it); issues an ECDSA and an RSA leaf for every fake host name from the
# test intermediate, and 1024-bit DH parameters.
#
# Extra words after BEHAVIOUR are passed to the server, with @DH1024@
# replaced by the path of the weak DH parameters. @RSA@ serves the RSA
# leaf instead of the ECDSA one, @CLIENT-EKU@ an ECDSA leaf whose
# extendedKeyUsage is clientAuth only, @INTERNAL@ one that also names
# mail01.corp.local and 10.0.0.25. Without --priority, a modern one is used: Debian's
# NORMAL still accepts TLS 1.0/1.1 and CBC, which would be a finding.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF=$ROOT/fixtures/fakes.conf
[ $# -ge 2 ] || { echo "usage: $0 start|stop RUNDIR [BINDIR]" >&2; exit 2; }
CMD=$1 RUNDIR=$2 BINDIR=${3:-}
DIR=$RUNDIR/fakes
MODERN='NORMAL:-VERS-TLS1.0:-VERS-TLS1.1:-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA' 

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
	certtool --generate-privkey --key-type rsa --bits 2048 \
		--outfile "$DIR/rsa-key.pem" 2>/dev/null
	certtool --generate-certificate --load-privkey "$DIR/rsa-key.pem" \
		--load-ca-certificate "$certs/int.pem" --load-ca-privkey "$certs/int.key" \
		--template "$tmpl" --outfile "$DIR/rsa-cert.pem" 2>/dev/null
	cat "$DIR/rsa-cert.pem" "$certs/int.pem" >"$DIR/rsa-chain.pem"
	variant client-eku 's/^tls_www_server$/tls_www_client/'
	variant internal '$a dns_name = "mail01.corp.local"\nip_address = "10.0.0.25"'
	[ -s "$DIR/dh1024.pem" ] ||
		certtool --generate-dh-params --bits 1024 --outfile "$DIR/dh1024.pem" 2>/dev/null
}

# variant NAME SED: an ECDSA leaf from the template edited by SED, as
# DIR/NAME-chain.pem with the key DIR/key.pem.
variant() {
	local certs=$RUNDIR/certs
	sed "$2" "$DIR/leaf.tmpl" >"$DIR/$1.tmpl"
	certtool --generate-certificate --load-privkey "$DIR/key.pem" \
		--load-ca-certificate "$certs/int.pem" --load-ca-privkey "$certs/int.key" \
		--template "$DIR/$1.tmpl" --outfile "$DIR/$1-cert.pem" 2>/dev/null
	cat "$DIR/$1-cert.pem" "$certs/int.pem" >"$DIR/$1-chain.pem"
}

start() {
	local name addr host proto mode port beh extra n=0 cert key
	[ -x "$BINDIR/fake_mail_server" ] || { echo "fakes: no $BINDIR/fake_mail_server" >&2; exit 1; }
	mkdir -p "$DIR"
	stop
	make_cert
	while read -r name addr host proto mode port beh extra; do
		case $name in '' | '#'*) continue ;; esac
		n=$((n + 1))
		cert=$DIR/chain.pem key=$DIR/key.pem
		case " $extra " in
		*" @RSA@ "*) cert=$DIR/rsa-chain.pem key=$DIR/rsa-key.pem ;;
		*" @CLIENT-EKU@ "*) cert=$DIR/client-eku-chain.pem ;;
		*" @INTERNAL@ "*) cert=$DIR/internal-chain.pem ;;
		esac
		extra=${extra//@RSA@/} extra=${extra//@CLIENT-EKU@/} extra=${extra//@INTERNAL@/}
		extra=${extra//@DH1024@/$DIR/dh1024.pem}
		if [ "$beh" = stub ]; then
			# hand-written ServerHellos (tests/servers/tls_stub_server.c)
			[ "$mode" = starttls ] && extra="--starttls $proto $extra"
			# shellcheck disable=SC2086
			"$BINDIR/tls_stub_server" --listen "$addr:$port" --daemon \
				--pidfile "$DIR/$name-$port.pid" $extra ||
				{ echo "fakes: stub $name on $addr:$port did not start" >&2; stop; exit 1; }
			continue
		fi
		case " $extra " in *" --priority "*) ;; *) extra="--priority $MODERN $extra" ;; esac
		# shellcheck disable=SC2086
		"$BINDIR/fake_mail_server" --proto "$proto" --mode "$mode" \
			--listen "$addr:$port" --cert "$cert" --key "$key" \
			--behaviour "$beh" --daemon --pidfile "$DIR/$name-$port.pid" \
			--log "$DIR/$name-$port.log" $extra ||
			{ echo "fakes: $name on $addr:$port did not start" >&2; stop; exit 1; }
	done <"$CONF"
}

case $CMD in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop RUNDIR [BINDIR]" >&2; exit 2 ;;
esac
