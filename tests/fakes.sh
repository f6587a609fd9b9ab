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
# mail01.corp.local and 10.0.0.25, @OCSP-GOOD@ and @OCSP-REVOKED@ ECDSA
# leaves stapled with an OCSP response saying good or revoked, and
# @OCSP-FORGED@ one stapled with a "revoked" its issuer did not sign. Without --priority, a modern one is used: Debian's
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
	variant ocsp-good ''
	variant ocsp-revoked ''
	variant ocsp-forged ''
	ocsp_response ocsp-good V int
	ocsp_response ocsp-revoked R int
	ocsp_response ocsp-forged R root
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

# ocsp_response NAME V|R SIGNER: DIR/NAME.ocsp, an OCSP response signed
# by SIGNER (int: the issuer; root: the root, which has no say for it)
# saying DIR/NAME-cert.pem is good (V) or was revoked a day ago for
# keyCompromise (R). certtool cannot sign OCSP responses;
# openssl's minimal responder can, from an index in its ca(1) format.
ocsp_response() {
	local certs=$RUNDIR/certs name=$1 serial subject expiry revoked=""
	serial=$(openssl x509 -in "$DIR/$name-cert.pem" -noout -serial | cut -d= -f2)
	subject=$(openssl x509 -in "$DIR/$name-cert.pem" -noout -subject -nameopt compat | sed 's/^subject=//')
	expiry=$(date -u -d "$(openssl x509 -in "$DIR/$name-cert.pem" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
	[ "$2" = R ] && revoked="$(date -u -d '1 day ago' +%y%m%d%H%M%SZ),keyCompromise"
	printf '%s\t%s\t%s\t%s\tunknown\t%s\n' "$2" "$expiry" "$revoked" "$serial" "$subject" \
		>"$DIR/$name.index"
	openssl ocsp -issuer "$certs/int.pem" -cert "$DIR/$name-cert.pem" -no_nonce \
		-reqout "$DIR/$name.req" 2>/dev/null
	openssl ocsp -index "$DIR/$name.index" -CA "$certs/int.pem" -rsigner "$certs/$3.pem" \
		-rkey "$certs/$3.key" -reqin "$DIR/$name.req" -respout "$DIR/$name.ocsp" \
		-ndays 7 2>/dev/null >/dev/null
	[ -s "$DIR/$name.ocsp" ] || { echo "fakes: no OCSP response for $name" >&2; exit 1; }
}

start() {
	local name addr host proto mode port beh extra n=0 cert key p
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
		*" @OCSP-GOOD@ "*) cert=$DIR/ocsp-good-chain.pem extra+=" --ocsp-response $DIR/ocsp-good.ocsp" ;;
		*" @OCSP-REVOKED@ "*) cert=$DIR/ocsp-revoked-chain.pem extra+=" --ocsp-response $DIR/ocsp-revoked.ocsp" ;;
		*" @OCSP-FORGED@ "*) cert=$DIR/ocsp-forged-chain.pem extra+=" --ocsp-response $DIR/ocsp-forged.ocsp" ;;
		esac
		for p in @RSA@ @CLIENT-EKU@ @INTERNAL@ @OCSP-GOOD@ @OCSP-REVOKED@ @OCSP-FORGED@; do extra=${extra//$p/}; done
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
