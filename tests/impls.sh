#!/bin/bash
# impls.sh start|stop|status RUNDIR — fixtures of real mail servers other
# than Dovecot (issue #12): GNU Mailutils imap4d/pop3d and nginx's mail
# proxy, one instance per line of fixtures/impls.conf, each on its own
# loopback address with the standard ports 143/110/993/995.
#
# Needs the fleet's test PKI in RUNDIR/certs (tests/fleet.sh start makes
# it): every fixture gets an RSA leaf for its host name from the test
# intermediate. Everything lives under RUNDIR/impls/NAME/: the rendered
# configs, the leaf (chain.pem, key.pem), pid files and logs.
#
# The servers run as the unprivileged user "nobody" (group "mail") with only
# CAP_NET_BIND_SERVICE (setpriv --ambient-caps): they bind the standard
# ports, but no login could ever switch users, and none is attempted.
#
#   start   stops leftovers, refuses to run if anything holds a fixture
#           port, renders and starts every instance, waits
#           (<= IMPLS_WAIT seconds, default 10) until every port listens
#           and greets (143/110) or completes a TLS handshake (993/995).
#           On failure it names the fixture and its logs, stops all and
#           exits 1.
#   stop    SIGTERMs every live instance (by its pid file, checked against
#           /proc) and waits until the ports are free. Safe to repeat.
#   status  one line per fixture; exit 0 = all up.
#
# Environment: IMPLS_CONF (default fixtures/impls.conf), IMPLS_WAIT.
set -euo pipefail
export PATH="/usr/sbin:/sbin:$PATH"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
IMPLS_CONF=${IMPLS_CONF:-$ROOT/fixtures/impls.conf}
IMPLS_WAIT=${IMPLS_WAIT:-10}
RUN_AS=nobody
# Mailutils sets its group to "mail" at start, which needs no privilege
# when it already is the group
RUN_GROUP=mail
PORTS="143 110 993 995"
# GnuTLS priorities of the compliant Mailutils fixture (RSA leaf)
MODERN='NORMAL:-VERS-TLS1.0:-VERS-TLS1.1:-CIPHER-ALL:+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-KX-ALL:+ECDHE-RSA'

die() { echo "impls: $*" >&2; exit 1; }
[ $# -eq 2 ] || { echo "usage: $0 start|stop|status RUNDIR" >&2; exit 2; }
CMD=$1
RUNDIR=$2
DIR=$RUNDIR/impls

NAMES=() ADDRS=() HOSTS=() KINDS=()
while read -r name addr host kind extra; do
	case $name in '' | '#'*) continue ;; esac
	[ -n "$kind" ] && [ -z "$extra" ] ||
		die "$IMPLS_CONF: bad line for '$name' (want NAME ADDRESS HOSTNAME SERVER)"
	[[ $addr =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
		die "$IMPLS_CONF: $name: $addr is not a loopback address"
	case $kind in mailutils | nginx) ;; *) die "$IMPLS_CONF: $name: unknown server '$kind'" ;; esac
	NAMES+=("$name") ADDRS+=("$addr") HOSTS+=("$host") KINDS+=("$kind")
done <"$IMPLS_CONF"

# The daemons each fixture runs: pid file name and the binary it names.
daemons_of() { # KIND
	case $1 in
	mailutils) echo "imap4d:/usr/sbin/imap4d pop3d:/usr/sbin/pop3d" ;;
	nginx) echo "nginx:/usr/sbin/nginx" ;;
	esac
}

alive() {
	local st
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

# Live pid from pid file $1 whose executable is $2, or nothing: a
# recycled pid is never signalled.
live_pid() {
	local pid exe
	[ -r "$1" ] || return 0
	{ read -r pid <"$1"; } 2>/dev/null || return 0
	[[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 0
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 0
	[ "$exe" != "$2" ] || echo "$pid"
}

listening() { ss -Hltn 2>/dev/null | awk '{ print $4 }'; }

cmd_stop() {
	local i d entry pid pids=() deadline c
	for i in "${!NAMES[@]}"; do
		for entry in $(daemons_of "${KINDS[$i]}"); do
			d="$DIR/${NAMES[$i]}/${entry%%:*}.pid"
			pid=$(live_pid "$d" "${entry#*:}")
			[ -n "$pid" ] && pids+=("$pid")
			rm -f "$d"
		done
	done
	[ ${#pids[@]} -gt 0 ] || return 0
	# the children (per-connection processes, nginx's worker) hold the
	# listening sockets too
	local kids=()
	for pid in "${pids[@]}"; do
		for c in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kids+=("$c"); done
	done
	# a Mailutils child still serving a connection would wait for its
	# client; end it with its master
	kill -TERM "${pids[@]}" "${kids[@]}" 2>/dev/null || true
	deadline=$((SECONDS + IMPLS_WAIT))
	for pid in "${pids[@]}" "${kids[@]}"; do
		while alive "$pid"; do
			if [ $SECONDS -ge $deadline ]; then
				kill -KILL "$pid" 2>/dev/null || true
				break
			fi
			sleep 0.05
		done
	done
}

make_leaf() { # INDEX
	local d="$DIR/${NAMES[$1]}" certs=$RUNDIR/certs
	[ -r "$certs/int.key" ] || die "no test PKI in $certs (run tests/fleet.sh start first)"
	{
		echo "cn = \"${HOSTS[$1]}\""
		echo "dns_name = \"${HOSTS[$1]}\""
		echo 'tls_www_server'
		echo 'signing_key'
		echo 'encryption_key'
		echo 'expiration_days = 365'
	} >"$d/leaf.tmpl"
	certtool --generate-privkey --key-type rsa --bits 2048 \
		--outfile "$d/key.pem" 2>/dev/null
	certtool --generate-certificate --load-privkey "$d/key.pem" \
		--load-ca-certificate "$certs/int.pem" --load-ca-privkey "$certs/int.key" \
		--template "$d/leaf.tmpl" --outfile "$d/cert.pem" 2>/dev/null
	cat "$d/cert.pem" "$certs/int.pem" >"$d/chain.pem"
}

# render INDEX DAEMON FILE... > out: the placeholders of fixture INDEX
# filled in; a line "@SERVERS@" is replaced by the file $SERVERS
render() { # INDEX DAEMON FILE...
	local i=$1 daemon=$2 line d="$DIR/${NAMES[$1]}"
	shift 2
	cat "$@" | while IFS= read -r line; do
		# nginx: the fixture's own file goes inside mail { }
		if [ "$line" = '@SERVERS@' ]; then
			render "$i" "$daemon" "$SERVERS"
			continue
		fi
		line=${line//@ADDRESS@/"${ADDRS[$i]}"}
		line=${line//@DIR@/"$d"}
		line=${line//@DAEMON@/"$daemon"}
		line=${line//@CERT@/"$d/chain.pem"}
		line=${line//@KEY@/"$d/key.pem"}
		line=${line//@MODERN@/"$MODERN"}
		[[ ! $line =~ @[A-Z0-9_]+@ ]] ||
			die "${NAMES[$i]}: unknown placeholder ${BASH_REMATCH[0]}"
		printf '%s\n' "$line"
	done
}

# a command prefix, not a function: "$!" of a backgrounded function
# would be a subshell's pid, not the server's
AS_NOBODY=()
set_as_nobody() {
	AS_NOBODY=(setpriv --reuid="$RUN_AS"
		--regid="$(getent group "$RUN_GROUP" | cut -d: -f3)" --clear-groups
		--inh-caps=+net_bind_service --ambient-caps=+net_bind_service)
}

start_fixture() { # INDEX
	local i=$1 name=${NAMES[$1]} d="$DIR/${NAMES[$1]}" fx
	case ${KINDS[$i]} in
	mailutils)
		fx=$ROOT/fixtures/mailutils
		for daemon in imap4d pop3d; do
			render "$i" "$daemon" "$fx/base.conf.in" "$fx/$name.$daemon.conf" \
				>"$d/$daemon.conf"
			"${AS_NOBODY[@]}" "/usr/sbin/$daemon" --config-file="$d/$daemon.conf" \
				</dev/null >"$d/$daemon.out" 2>&1 &
			echo $! >"$d/$daemon.pid"
		done
		;;
	nginx)
		fx=$ROOT/fixtures/nginx
		SERVERS=$fx/$name.conf render "$i" nginx "$fx/base.conf.in" >"$d/nginx.conf"
		# -e: errors before error_log is read go there too, not to
		# the system's /var/log/nginx
		"${AS_NOBODY[@]}" /usr/sbin/nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" \
			</dev/null >"$d/nginx.out" 2>&1 ||
			{ echo "impls: $name: nginx did not start" >&2; return 1; }
		;;
	esac
}

show_logs() { # INDEX
	local f
	for f in "$DIR/${NAMES[$1]}"/*.out "$DIR/${NAMES[$1]}"/error.log; do
		[ -s "$f" ] || continue
		echo "---- $f (last lines) ----" >&2
		tail -n 10 "$f" >&2
	done
}

fail_start() {
	echo "impls: $*; stopping them" >&2
	cmd_stop || true
	exit 1
}

# Every port listens and serves: a greeting on 143/110, a handshake on
# 993/995.
probe_fixture() { # INDEX
	local a=${ADDRS[$1]} p fd line out
	for p in 143 110; do
		exec {fd}<>"/dev/tcp/$a/$p" || { echo "connect to $a:$p failed"; return 1; }
		line=""
		read -r -t "$IMPLS_WAIT" line <&"$fd" || true
		exec {fd}>&-
		case $line in
		'* OK'* | '+OK'*) ;;
		*) echo "$a:$p sent no greeting (got '${line%$'\r'}')"; return 1 ;;
		esac
	done
	for p in 993 995; do
		out=$(timeout "$IMPLS_WAIT" openssl s_client -connect "$a:$p" </dev/null 2>&1) || true
		grep -q '^-----BEGIN CERTIFICATE-----' <<<"$out" ||
			{ echo "TLS handshake with $a:$p failed"; return 1; }
	done
}

cmd_start() {
	local i p lines busy="" missing deadline bad=""
	command -v imap4d >/dev/null && command -v pop3d >/dev/null ||
		die "GNU Mailutils not found (apt-get install mailutils-imap4d mailutils-pop3d)"
	[ -e /usr/lib/nginx/modules/ngx_mail_module.so ] ||
		die "nginx's mail module not found (apt-get install nginx-full libnginx-mod-mail)"
	[ "$(id -u)" -eq 0 ] || die "start needs root (setpriv hands the port capability down)"
	set_as_nobody
	mkdir -p "$DIR"
	cmd_stop
	lines=$(listening)
	for i in "${!NAMES[@]}"; do
		for p in $PORTS; do
			grep -qxF "${ADDRS[$i]}:$p" <<<"$lines" && busy+=" ${ADDRS[$i]}:$p"
		done
	done
	[ -z "$busy" ] || die "fixture ports already in use:$busy (another RUNDIR's impls?)"
	# nobody reaches RUNDIR/impls/NAME/ and owns what it writes there
	chmod o+x "$RUNDIR" "$DIR"
	# the RSA keys, all at once
	local makers=()
	for i in "${!NAMES[@]}"; do
		rm -rf "${DIR:?}/${NAMES[$i]}"
		mkdir -p "$DIR/${NAMES[$i]}"
		make_leaf "$i" &
		makers+=($!)
	done
	for i in "${!NAMES[@]}"; do
		wait "${makers[$i]}" || die "${NAMES[$i]}: certtool failed"
	done
	for i in "${!NAMES[@]}"; do
		chown -R "$RUN_AS" "$DIR/${NAMES[$i]}"
		chmod 600 "$DIR/${NAMES[$i]}/key.pem"
		start_fixture "$i" || { show_logs "$i"; fail_start "${NAMES[$i]} did not start"; }
	done
	deadline=$((SECONDS + IMPLS_WAIT))
	while :; do
		lines=$(listening)
		missing=""
		for i in "${!NAMES[@]}"; do
			for p in $PORTS; do
				grep -qxF "${ADDRS[$i]}:$p" <<<"$lines" || missing+=" ${NAMES[$i]}:$p"
			done
		done
		[ -z "$missing" ] && break
		if [ $SECONDS -ge $deadline ]; then
			for i in "${!NAMES[@]}"; do show_logs "$i"; done
			fail_start "not listening after ${IMPLS_WAIT}s:$missing"
		fi
		sleep 0.05
	done
	for i in "${!NAMES[@]}"; do
		if ! probe_fixture "$i" >"$DIR/${NAMES[$i]}/probe.err" 2>&1; then
			bad+=" ${NAMES[$i]}"
			sed "s/^/impls: ${NAMES[$i]}: /" "$DIR/${NAMES[$i]}/probe.err" >&2
			show_logs "$i"
		fi
	done
	[ -z "$bad" ] || fail_start "fixtures not serving:$bad"
	echo "impls: ${#NAMES[@]} fixtures up in $DIR"
}

cmd_status() {
	local i p lines open up=0
	lines=$(listening)
	for i in "${!NAMES[@]}"; do
		open=""
		for p in $PORTS; do
			grep -qxF "${ADDRS[$i]}:$p" <<<"$lines" && open+=",$p"
		done
		[ "$open" = ",143,110,993,995" ] && up=$((up + 1))
		printf '%-16s %-10s %-9s listening=%s\n' "${NAMES[$i]}" "${ADDRS[$i]}" \
			"${KINDS[$i]}" "${open#,}"
	done
	[ $up -eq ${#NAMES[@]} ]
}

case $CMD in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*) die "unknown command $CMD" ;;
esac
