#!/bin/bash
# hostile.sh start|stop|check RUNDIR [BINDIR] — the hostile fixture servers
# of fixtures/hostile.conf (issue #7): one tests/servers/fake_mail_server
# (built in BINDIR) per line, each on its own 127.0.0.1xx address, plus the
# compliant reference Dovecot (tests/fleet.sh with a generated FLEET_CONF).
#
# RUNDIR must be a directory of its own (default of the integration test:
# build/hostile), never the main fleet's: tests/fleet.sh manages every
# Dovecot instance under it. Everything lives there:
#   RUNDIR/certs/          test PKI, made by tests/fleet.sh (make-certs.sh)
#   RUNDIR/compliant/      the reference Dovecot (tests/fleet.sh layout)
#   RUNDIR/fleet.conf      its generated FLEET_CONF
#   RUNDIR/hostile/        fake servers: NAME-PORT.pid, NAME-PORT.log, and
#                          the certificates (leaf, chain50, junk50, big64k)
#
#   start  stops leftovers in RUNDIR, starts the reference Dovecot (which
#          makes RUNDIR/certs on first use), issues the certificates (kept
#          until the PKI changes), starts every fake server; on failure
#          stops everything it started and exits 1.
#   stop   stops the fake servers (SIGTERM by pid file, the pid must be a
#          fake_mail_server; waits until they are gone) and the Dovecot.
#          Safe to call repeatedly.
#   check  proves the certificate plants reach the wire: gnutls-cli must
#          receive 50 certificates from @CHAIN50@ and @JUNK50@ servers and a
#          leaf of more than 64 KiB from @BIG64K@ ones (exit 1 otherwise).
#
# Needs root (ports < 1024), certtool and gnutls-cli (gnutls-bin).
set -euo pipefail
export PATH="/usr/sbin:/sbin:$PATH"
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONF=${HOSTILE_CONF:-$ROOT/fixtures/hostile.conf}
[ $# -ge 2 ] || { echo "usage: $0 start|stop|check RUNDIR [BINDIR]" >&2; exit 2; }
CMD=$1 RUNDIR=$2 BINDIR=${3:-$ROOT/build/release/servers}
mkdir -p "$RUNDIR"
RUNDIR=$(cd "$RUNDIR" && pwd)
DIR=$RUNDIR/hostile
CERTS=$RUNDIR/certs
FLEET_FILE=$RUNDIR/fleet.conf
MODERN='NORMAL:-VERS-TLS1.0:-VERS-TLS1.1:-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA'
BIG_PAD=58000 # bytes of padding extension in the @BIG64K@ leaf (~66.5 KB DER)
BIG_OID=2.25.141592653589793238462643383279502884
WAIT=${FLEET_WAIT:-10}

die() { echo "hostile: $*" >&2; exit 1; }

# The configuration without comments: fakes (PROTO != dovecot) and the
# Dovecot reference instances (PROTO = dovecot, MODE = LISTENERS).
conf_lines() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$CONF"; }
fake_lines() { conf_lines | awk '$4 != "dovecot"'; }
dovecot_lines() { conf_lines | awk '$4 == "dovecot" { print $1, $2, $3, $5 }'; }

# Refuses a RUNDIR that holds Dovecot instances of another fleet, running
# or not (tests/fleet.sh start/stop act on every instance under RUNDIR, and
# make-certs.sh would remake that fleet's PKI).
guard_rundir() {
	local d n ok
	for d in "$RUNDIR"/*/dovecot.conf; do
		[ -e "$d" ] || continue
		n=${d%/dovecot.conf}
		n=${n##*/}
		ok=$(dovecot_lines | awk -v n="$n" '$1 == n { print "yes" }')
		[ -n "$ok" ] || die "$RUNDIR holds the Dovecot instance '$n' of another" \
			"fleet; use a RUNDIR of its own (e.g. build/hostile)"
	done
}

# Writes RUNDIR/fleet.conf, only when it changes (make-certs.sh remakes the
# PKI when FLEET_CONF is newer than its stamp).
write_fleet_conf() {
	local new
	new=$(dovecot_lines)
	[ -n "$new" ] || return 0
	if [ ! -e "$FLEET_FILE" ] || [ "$(cat "$FLEET_FILE")" != "$new" ]; then
		printf '%s\n' "$new" >"$FLEET_FILE"
	fi
}

fleet() { FLEET_CONF=$FLEET_FILE "$ROOT/tests/fleet.sh" "$@"; }

# Live fake_mail_server pid from pid file $1, or nothing (a recycled pid is
# never signalled).
fake_pid() {
	local pid exe
	{ read -r pid <"$1"; } 2>/dev/null || return 0
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 0
	exe=${exe% (deleted)} # rebuilt while running
	[[ $exe == */fake_mail_server ]] || return 0
	echo "$pid"
}

stop_fakes() {
	local p pid pids=() deadline
	for p in "$DIR"/*.pid; do
		[ -e "$p" ] || continue
		pid=$(fake_pid "$p")
		if [ -n "$pid" ]; then
			kill -TERM "$pid" 2>/dev/null || true
			pids+=("$pid")
		fi
		rm -f "$p"
	done
	# each server ends its children, then itself: wait so the ports are free
	deadline=$((SECONDS + WAIT))
	for pid in "${pids[@]}"; do
		while [ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
			if [ $SECONDS -ge $deadline ]; then
				kill -KILL "$pid" 2>/dev/null || true
				break
			fi
			sleep 0.05
		done
	done
}

stop_all() {
	stop_fakes
	if [ -e "$FLEET_FILE" ]; then
		fleet stop "$RUNDIR" >/dev/null || true
	fi
}

# --- certificates -----------------------------------------------------------
CT="certtool --no-text"

ecdsa_key() { $CT --generate-privkey --key-type ecdsa --curve secp256r1 --outfile "$1" 2>>"$DIR/certtool.log"; }

# issue KEY TEMPLATE OUT SIGNER_CERT SIGNER_KEY
issue() {
	$CT --generate-certificate --load-privkey "$1" --template "$2" --outfile "$3" \
		--load-ca-certificate "$4" --load-ca-privkey "$5" 2>>"$DIR/certtool.log"
}

leaf_template() { # OUT [SAN...]
	local out=$1 h
	shift
	{
		echo 'cn = "mailaudit hostile servers"'
		for h in "$@"; do echo "dns_name = \"$h\""; done
		echo 'tls_www_server'
		echo 'signing_key'
		echo 'encryption_key'
		echo 'expiration_days = 365'
	} >"$out"
}

make_certs() {
	local stamp=$DIR/.certs-done hosts i prev prevkey name t
	if [ -e "$stamp" ] && [ -z "$(find "$CERTS/.done" "$0" "$CONF" -newer "$stamp" 2>/dev/null)" ]; then
		return 0
	fi
	rm -f "$stamp"
	: >"$DIR/certtool.log"
	trap 'echo "hostile: certtool failed, see $DIR/certtool.log" >&2' ERR
	mapfile -t hosts < <(fake_lines | awk '{ print $3 }' | sort -u)

	# the common leaf: every fake host name, from the test intermediate
	leaf_template "$DIR/leaf.tmpl" "${hosts[@]}"
	ecdsa_key "$DIR/key.pem"
	issue "$DIR/key.pem" "$DIR/leaf.tmpl" "$DIR/cert.pem" "$CERTS/int.pem" "$CERTS/int.key"
	cat "$DIR/cert.pem" "$CERTS/int.pem" >"$DIR/chain.pem"

	# @CHAIN50@: root -> ca01 -> ... -> ca49 -> leaf; served leaf first, the
	# root (the trust anchor) is not sent: 50 certificates
	mkdir -p "$DIR/chain50"
	prev=$CERTS/root.pem prevkey=$CERTS/root.key
	for i in $(seq -w 1 49); do
		t=$DIR/chain50/ca$i
		printf 'cn = "mailaudit hostile CA %s"\norganization = "mailaudit test fixtures"\nca\ncert_signing_key\nexpiration_days = 365\n' \
			"$i" >"$t.tmpl"
		ecdsa_key "$t.key"
		issue "$t.key" "$t.tmpl" "$t.pem" "$prev" "$prevkey"
		prev=$t.pem prevkey=$t.key
	done
	ecdsa_key "$DIR/chain50/key.pem"
	issue "$DIR/chain50/key.pem" "$DIR/leaf.tmpl" "$DIR/chain50/leaf.pem" "$prev" "$prevkey"
	{
		cat "$DIR/chain50/leaf.pem"
		for i in $(seq -w 49 -1 1); do cat "$DIR/chain50/ca$i.pem"; done
	} >"$DIR/chain50/chain.pem"

	# @JUNK50@: the common leaf and the intermediate, then 48 unrelated
	# self-signed certificates
	mkdir -p "$DIR/junk50"
	cp "$DIR/chain.pem" "$DIR/junk50/chain.pem"
	for i in $(seq -w 1 48); do
		t=$DIR/junk50/junk$i
		printf 'cn = "mailaudit hostile junk %s"\norganization = "mailaudit test fixtures"\nexpiration_days = 365\n' \
			"$i" >"$t.tmpl"
		ecdsa_key "$t.key"
		$CT --generate-self-signed --load-privkey "$t.key" --template "$t.tmpl" \
			--outfile "$t.pem" 2>>"$DIR/certtool.log"
		cat "$t.pem" >>"$DIR/junk50/chain.pem"
	done

	# @BIG64K@: a leaf of more than 64 KiB from the test intermediate: the
	# host names, padding names up to certtool's limit of 128 dNSName SANs
	# (64 characters each), and a non-critical private extension (OID in
	# the UUID arc 2.25) holding BIG_PAD bytes
	mkdir -p "$DIR/big64k"
	mapfile -t -O "${#hosts[@]}" hosts < <(
		for i in $(seq -w 1 $((128 - ${#hosts[@]}))); do
			name="pad-$i.padding-padding-padding-padding.big-cert.mailaudit.test"
			echo "${name:0:64}"
		done
	)
	leaf_template "$DIR/big64k/leaf.tmpl" "${hosts[@]}"
	# DER OCTET STRING: 04 83 <3-byte length> <BIG_PAD bytes of 'P'>
	printf 'add_extension = "%s 0x0483%06x%s"\n' "$BIG_OID" "$BIG_PAD" \
		"$(head -c "$BIG_PAD" /dev/zero | tr '\0' P | od -An -v -tx1 | tr -d ' \n')" \
		>>"$DIR/big64k/leaf.tmpl"
	ecdsa_key "$DIR/big64k/key.pem"
	issue "$DIR/big64k/key.pem" "$DIR/big64k/leaf.tmpl" "$DIR/big64k/leaf.pem" \
		"$CERTS/int.pem" "$CERTS/int.key"
	cat "$DIR/big64k/leaf.pem" "$CERTS/int.pem" >"$DIR/big64k/chain.pem"
	t=$(certtool --certificate-info --outder <"$DIR/big64k/leaf.pem" | wc -c)
	[ "$t" -gt 65536 ] || die "big64k leaf is only $t bytes (DER)"

	chmod 600 "$DIR"/key.pem "$DIR"/*/*.key "$DIR"/*/key.pem
	trap - ERR
	date -u '+%Y-%m-%dT%H:%M:%SZ' >"$stamp"
}

# --- start / check ------------------------------------------------------------
start() {
	local name addr host proto mode port beh extra cert key out
	[ "$(id -u)" -eq 0 ] || die "start needs root (binds ports < 1024)"
	[ -x "$BINDIR/fake_mail_server" ] || die "no $BINDIR/fake_mail_server (make all)"
	command -v certtool >/dev/null || die "certtool not found (apt-get install gnutls-bin)"
	guard_rundir
	mkdir -p "$DIR"
	stop_all
	# whatever fails from here on, nothing stays running
	trap '[ -n "${started:-}" ] || { echo "hostile: start failed; stopping" >&2; stop_all; }' EXIT
	write_fleet_conf
	if [ -s "$FLEET_FILE" ]; then
		out=$(fleet start "$RUNDIR" 2>&1) || { echo "$out" >&2; die "the reference Dovecot did not start"; }
	elif [ ! -e "$CERTS/.done" ]; then
		FLEET_CONF=$FLEET_FILE "$ROOT/fixtures/certs/make-certs.sh" "$CERTS"
	fi
	[ -r "$CERTS/int.key" ] || die "no test PKI in $CERTS"
	make_certs
	while read -r name addr host proto mode port beh extra; do
		cert=$DIR/chain.pem key=$DIR/key.pem
		case " $extra " in
		# --raw-chain: GnuTLS would sort the list, drop the unrelated
		# certificates and send 16 at most
		*" @CHAIN50@ "*) cert=$DIR/chain50/chain.pem key=$DIR/chain50/key.pem extra+=" --raw-chain" ;;
		*" @JUNK50@ "*) cert=$DIR/junk50/chain.pem extra+=" --raw-chain" ;;
		*" @BIG64K@ "*) cert=$DIR/big64k/chain.pem key=$DIR/big64k/key.pem ;;
		esac
		extra=${extra//@CHAIN50@/}
		extra=${extra//@JUNK50@/}
		extra=${extra//@BIG64K@/}
		case " $extra " in *" --priority "*) ;; *) extra="--priority $MODERN $extra" ;; esac
		# shellcheck disable=SC2086
		"$BINDIR/fake_mail_server" --proto "$proto" --mode "$mode" \
			--listen "$addr:$port" --cert "$cert" --key "$key" \
			--behaviour "$beh" --daemon --pidfile "$DIR/$name-$port.pid" \
			--log "$DIR/$name-$port.log" $extra ||
			die "$name on $addr:$port did not start (log: $DIR/$name-$port.log)"
	done < <(fake_lines)
	started=1
	echo "hostile: $(fake_lines | wc -l) fake servers and the reference Dovecot up in $RUNDIR"
}

# certs_sent ADDR PORT HOST MODE -> "COUNT LARGEST_DER_BYTES" as gnutls-cli
# received them (implicit TLS, or IMAP STARTTLS)
certs_sent() {
	local addr=$1 port=$2 host=$3 mode=$4 out pems opt=()
	[ "$mode" = starttls ] && opt=(--starttls-proto=imap)
	out=$(timeout 10 gnutls-cli --insecure --print-cert --no-ocsp "${opt[@]}" \
		--sni-hostname "$host" --port "$port" "$addr" </dev/null 2>/dev/null) || true
	pems=$(mktemp -d)
	awk -v d="$pems" '/^-----BEGIN CERTIFICATE-----/ { n++; f = d "/" n ".pem" }
		f { print > f } /^-----END CERTIFICATE-----/ { close(f); f = "" }' <<<"$out"
	local n=0 big=0 s f
	for f in "$pems"/*.pem; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		s=$(certtool --certificate-info --outder --infile "$f" 2>/dev/null | wc -c)
		[ "$s" -gt "$big" ] && big=$s
	done
	rm -rf "$pems"
	echo "$n $big"
}

check() {
	local name addr host proto mode port beh extra got n big bad=0
	while read -r name addr host proto mode port beh extra; do
		case " $extra " in
		*" @CHAIN50@ "* | *" @JUNK50@ "*)
			got=$(certs_sent "$addr" "$port" "$host" "$mode")
			n=${got% *}
			if [ "$n" -ne 50 ]; then
				echo "hostile: $name $addr:$port sent $n certificates, not 50" >&2
				bad=1
			else
				echo "hostile: $name $addr:$port ($mode): 50 certificates on the wire"
			fi ;;
		*" @BIG64K@ "*)
			got=$(certs_sent "$addr" "$port" "$host" "$mode")
			big=${got#* }
			if [ "$big" -le 65536 ]; then
				echo "hostile: $name $addr:$port: largest certificate $big bytes, not > 64 KiB" >&2
				bad=1
			else
				echo "hostile: $name $addr:$port ($mode): leaf of $big bytes on the wire"
			fi ;;
		esac
	done < <(fake_lines)
	return $bad
}

case $CMD in
start) start ;;
stop) stop_all ;;
check) check ;;
*) echo "usage: $0 start|stop|check RUNDIR [BINDIR]" >&2; exit 2 ;;
esac
