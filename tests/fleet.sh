#!/bin/bash
# fleet.sh start|stop|status RUNDIR — the Dovecot fixture fleet.
#
# One private Dovecot 2.3 instance per line of fixtures/fleet.conf, each on its
# own loopback address with the standard ports 143/110/993/995 (listeners not
# named in the LISTENERS column are disabled with port = 0). Everything lives
# under RUNDIR:
#   RUNDIR/certs/                test PKI (fixtures/certs/make-certs.sh);
#                                ca.pem = test root, ca-bundle.pem = root+int
#   RUNDIR/NAME/dovecot.conf     rendered config (base.conf.in + NAME.conf)
#   RUNDIR/NAME/dovecot.log      the instance's log
#   RUNDIR/NAME/start.out|.err   what `dovecot -c` printed
#   RUNDIR/NAME/run/             base_dir (master.pid, sockets)
#   RUNDIR/NAME/state/ home/ passwd
# Test account on every instance: user "test", password "secret".
#
#   start   stops leftovers of an earlier run in RUNDIR, refuses to run if
#           anything else holds a fleet port, makes the certs, renders and
#           starts every instance, waits (<= FLEET_WAIT seconds, default 10)
#           until every configured port listens and every disabled one is
#           closed, then probes each port: 143/110 must greet, 993/995 must
#           complete a TLS handshake (openssl s_client). On failure it names
#           the fixture and its log, stops the whole fleet and exits 1.
#   stop    SIGTERMs every live master.pid under RUNDIR and waits for the
#           masters and their children (ports free on return); SIGKILL after
#           FLEET_WAIT s. A no-op if nothing runs; safe to call repeatedly.
#   status  one line per fixture; exit 0 = all up, 1 = some up, 3 = none up.
#
# Needs root (ports < 1024, Dovecot drops privileges itself). Environment:
# FLEET_CONF (default fixtures/fleet.conf), FLEET_WAIT (default 10).
set -euo pipefail
export PATH="/usr/sbin:/sbin:$PATH"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FLEET_CONF=${FLEET_CONF:-$ROOT/fixtures/fleet.conf}
DOVECOT_DIR=$ROOT/fixtures/dovecot
MAKE_CERTS=$ROOT/fixtures/certs/make-certs.sh
FLEET_WAIT=${FLEET_WAIT:-10}
CIPHERS='ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305'
MAIL_USER=mail

die() { echo "fleet: $*" >&2; exit 1; }
usage() { echo "usage: $0 start|stop|status RUNDIR" >&2; exit 2; }

[ $# -eq 2 ] || usage
CMD=$1
RUNDIR=$2

# --- fleet.conf ------------------------------------------------------------
NAMES=() ADDRS=() HOSTS=() LISTS=()
load_fleet() {
	local name addr host lst extra
	[ -r "$FLEET_CONF" ] || die "cannot read $FLEET_CONF"
	while read -r name addr host lst extra; do
		case $name in '' | '#'*) continue ;; esac
		if [ -z "$lst" ] || [ -n "$extra" ]; then
			die "$FLEET_CONF: bad line for '$name' (want NAME ADDRESS HOSTNAME LISTENERS)"
		fi
		[[ $addr =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
			die "$FLEET_CONF: $name: address $addr is not a loopback address"
		[[ $lst =~ ^(imap|pop3|imaps|pop3s)(,(imap|pop3|imaps|pop3s))*$ ]] ||
			die "$FLEET_CONF: $name: bad LISTENERS '$lst'"
		NAMES+=("$name") ADDRS+=("$addr") HOSTS+=("$host") LISTS+=("$lst")
	done <"$FLEET_CONF"
	[ ${#NAMES[@]} -gt 0 ] || die "$FLEET_CONF lists no fixture"
}

port_of() { # listener name -> standard port
	case $1 in imap) echo 143 ;; pop3) echo 110 ;; imaps) echo 993 ;; pop3s) echo 995 ;; esac
}
has_listener() { [[ ,$2, == *,$1,* ]]; } # LISTENER LIST

# "ADDR:PORT" of every listening TCP socket, one per line.
listening() { ss -Hltn 2>/dev/null | awk '{ print $4 }'; }

# True if PID exists and is not a zombie. Exited masters are reparented to
# pid 1, which may reap them late; `kill -0` alone would wait for that.
alive() {
	local st
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

# Live master pid of fixture directory $1 on stdout, or nothing. The pid
# must belong to a dovecot binary whose command line names this fixture's
# config, so a recycled pid is never signalled.
master_pid() {
	local dir=$1 pid exe cmd
	[ -r "$dir/run/master.pid" ] || return 0
	{ read -r pid <"$dir/run/master.pid"; } 2>/dev/null || return 0
	[[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 0
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 0
	[[ $exe == */dovecot ]] || return 0
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 0
	[[ $cmd == *"$dir/dovecot.conf"* ]] || return 0
	echo "$pid"
}

# --- stop ------------------------------------------------------------------
cmd_stop() {
	local quiet=${1:-} d pid pids=() dirs=() i c n_alive nudged="" deadline t0
	local -A kids=()
	[ -d "$RUNDIR" ] || { [ -n "$quiet" ] || echo "fleet: nothing running ($RUNDIR does not exist)"; return 0; }
	for d in "$RUNDIR"/*/; do
		d=${d%/}
		[ -e "$d/run/master.pid" ] || continue
		pid=$(master_pid "$d")
		if [ -n "$pid" ]; then
			pids+=("$pid") dirs+=("$d")
		else
			rm -f "$d/run/master.pid" # stale
		fi
	done
	if [ ${#pids[@]} -eq 0 ]; then
		[ -n "$quiet" ] || echo "fleet: nothing running in $RUNDIR"
		return 0
	fi
	# Remember every child of our masters (they hold the listening sockets
	# too, and are reparented once their master is gone), then SIGTERM.
	collect_kids() {
		for pid in "${pids[@]}"; do
			for c in $(ps -o pid= --ppid "$pid" 2>/dev/null); do kids[$c]=1; done
		done
	}
	collect_kids
	kill -TERM "${pids[@]}" 2>/dev/null || true
	t0=$SECONDS
	deadline=$((SECONDS + FLEET_WAIT))
	while :; do
		collect_kids
		n_alive=0
		for pid in "${pids[@]}"; do alive "$pid" && n_alive=$((n_alive + 1)); done
		[ $n_alive -eq 0 ] && break
		# The master waits up to ~5 s for login processes that were still
		# waiting for auth; after a second, end them (by pid) ourselves.
		if [ -z "$nudged" ] && [ $((SECONDS - t0)) -ge 1 ]; then
			nudged=1
			for pid in "${pids[@]}"; do
				for c in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
					if [[ $(tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null) == *-login* ]]; then
						kill -TERM "$c" 2>/dev/null || true
					fi
				done
			done
		fi
		if [ $SECONDS -ge $deadline ]; then
			for i in "${!pids[@]}"; do
				if alive "${pids[$i]}"; then
					echo "fleet: ${dirs[$i]##*/}: master ${pids[$i]} ignored SIGTERM, sending SIGKILL" >&2
					kill -KILL "${pids[$i]}" 2>/dev/null || true
				fi
			done
			break
		fi
		sleep 0.05
	done
	# Wait for the children too, so that the ports are free on return.
	deadline=$((SECONDS + FLEET_WAIT))
	while :; do
		n_alive=0
		for c in "${!kids[@]}"; do alive "$c" && n_alive=$((n_alive + 1)); done
		[ $n_alive -eq 0 ] && break
		if [ $SECONDS -ge $deadline ]; then
			for c in "${!kids[@]}"; do
				if [[ $(tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null) == dovecot-mailaudit-* ]]; then
					kill -KILL "$c" 2>/dev/null || true
				fi
			done
			break
		fi
		sleep 0.05
	done
	for d in "${dirs[@]}"; do rm -f "$d/run/master.pid"; done
	[ -n "$quiet" ] || echo "fleet: stopped ${#pids[@]} instance(s) in $RUNDIR"
}

# --- start -----------------------------------------------------------------
render() { # INDEX -> RUNDIR/NAME/dovecot.conf
	local i=$1 name=${NAMES[$1]} dir="$RUNDIR/${NAMES[$1]}" cert line out
	local -A port=()
	local l
	for l in imap pop3 imaps pop3s; do
		if has_listener "$l" "${LISTS[$i]}"; then port[$l]=$(port_of "$l"); else port[$l]=0; fi
	done
	cert="$RUNDIR/certs/$name/chain.pem"
	[ -e "$cert" ] || cert="$RUNDIR/certs/$name/cert.pem"
	out="# RENDERED by tests/fleet.sh from fixtures/dovecot/base.conf.in + $name.conf; do not edit."$'\n'
	{
		cat "$DOVECOT_DIR/base.conf.in"
		if [ -e "$DOVECOT_DIR/$name.conf" ]; then
			printf '\n# --- fixtures/dovecot/%s.conf ---\n' "$name"
			cat "$DOVECOT_DIR/$name.conf"
		fi
	} >"$dir/dovecot.conf.tmp"
	while IFS= read -r line; do
		if [[ $line =~ ^[[:space:]]*# ]]; then # comments stay as written
			out+=$line$'\n'
			continue
		fi
		line=${line//@NAME@/"$name"}
		line=${line//@ADDRESS@/"${ADDRS[$i]}"}
		line=${line//@HOSTNAME@/"${HOSTS[$i]}"}
		line=${line//@DIR@/"$dir"}
		line=${line//@SSL_CERT@/"$cert"}
		line=${line//@SSL_KEY@/"$RUNDIR/certs/$name/key.pem"}
		line=${line//@CIPHERS@/"$CIPHERS"}
		line=${line//@MAIL_UID@/"$MAIL_UID"}
		line=${line//@MAIL_GID@/"$MAIL_GID"}
		line=${line//@IMAP_PORT@/"${port[imap]}"}
		line=${line//@POP3_PORT@/"${port[pop3]}"}
		line=${line//@IMAPS_PORT@/"${port[imaps]}"}
		line=${line//@POP3S_PORT@/"${port[pop3s]}"}
		[[ ! $line =~ @[A-Z0-9_]+@ ]] ||
			die "$name: unknown placeholder ${BASH_REMATCH[0]} in fixtures/dovecot/{base.conf.in,$name.conf}"
		out+=$line$'\n'
	done <"$dir/dovecot.conf.tmp"
	rm -f "$dir/dovecot.conf.tmp"
	printf '%s' "$out" >"$dir/dovecot.conf"
}

# Shows the end of a fixture's logs on stderr.
show_logs() {
	local dir=$1 f
	for f in "$dir/start.err" "$dir/start.out" "$dir/dovecot.log"; do
		[ -s "$f" ] || continue
		echo "---- $f (last lines) ----" >&2
		tail -n 15 "$f" >&2
	done
}

fail_start() { # MESSAGE...
	echo "fleet: $*" >&2
	echo "fleet: start failed; stopping the fleet" >&2
	cmd_stop quiet || true
	exit 1
}

# probe_fixture INDEX: the cleartext ports must greet ("* OK" / "+OK"),
# the implicit-TLS ports must complete a TLS handshake (which also proves
# that OpenSSL accepted the certificate and key). Cleartext first: a greeting
# means the instance's auth process is up. Messages on stdout; exit 1 on
# the first failure.
probe_fixture() {
	local i=$1 a=${ADDRS[$1]} h=${HOSTS[$1]} l p fd line out
	for l in imap pop3; do
		has_listener "$l" "${LISTS[$i]}" || continue
		p=$(port_of "$l")
		if ! exec {fd}<>"/dev/tcp/$a/$p"; then
			echo "$l: connect to $a:$p failed"; return 1
		fi
		line=""
		read -r -t "$FLEET_WAIT" line <&"$fd" || true
		if [ "$l" = imap ]; then printf 'z LOGOUT\r\n' >&"$fd"; else printf 'QUIT\r\n' >&"$fd"; fi 2>/dev/null || true
		exec {fd}>&-
		case $line in
		'* OK'* | '+OK'*) ;;
		*) echo "$l: $a:$p sent no greeting (got '${line%$'\r'}')"; return 1 ;;
		esac
	done
	for l in imaps pop3s; do
		has_listener "$l" "${LISTS[$i]}" || continue
		p=$(port_of "$l")
		out=$(timeout "$FLEET_WAIT" openssl s_client -connect "$a:$p" -servername "$h" </dev/null 2>&1) || true
		if ! grep -q '^-----BEGIN CERTIFICATE-----' <<<"$out"; then
			echo "$l: TLS handshake with $a:$p failed:"
			grep -iE 'error|alert' <<<"$out" | head -n 3
			return 1
		fi
	done
}

cmd_start() {
	local i name dir addr l p pid rc busy bad missing unexpected lines deadline
	command -v dovecot >/dev/null || die "dovecot not found (apt-get install dovecot-imapd dovecot-pop3d)"
	[ "$(id -u)" -eq 0 ] || die "start needs root (binds ports < 1024)"
	MAIL_UID=$(id -u "$MAIL_USER" 2>/dev/null) || die "no '$MAIL_USER' user for the mail userdb"
	MAIL_GID=$(id -g "$MAIL_USER")

	mkdir -p "$RUNDIR"
	RUNDIR=$(cd "$RUNDIR" && pwd)
	# base_dir holds unix sockets (sun_path <= 107 bytes); the longest name
	# Dovecot 2.3 creates there is "token-login/imap-urlauth" (24 chars).
	for name in "${NAMES[@]}"; do
		p="$RUNDIR/$name/run/token-login/imap-urlauth"
		[ ${#p} -le 107 ] || die "RUNDIR path too long for unix sockets ($p); use a shorter RUNDIR"
	done

	cmd_stop quiet

	# Anything else on our address:port pairs (or on the wildcard address, e.g.
	# a system dovecot) would make the bind fail or shadow a fixture.
	lines=$(listening)
	busy=""
	for i in "${!NAMES[@]}"; do
		for p in 143 110 993 995; do
			for addr in "${ADDRS[$i]}" 0.0.0.0 '*' '[::]'; do
				if grep -qxF "$addr:$p" <<<"$lines"; then
					busy+=" $addr:$p"
				fi
			done
		done
	done
	if [ -n "$busy" ]; then
		local b=()
		read -ra b <<<"$busy"
		echo "fleet: ${#b[@]} fleet port(s) already in use, e.g.:" >&2
		ss -ltnp 2>/dev/null | grep -F -e "${b[0]} " -e "${b[1]:-${b[0]}} " -e "${b[2]:-${b[0]}} " |
			sed 's/^/  /' >&2 || true
		die "another server (system dovecot? a fleet started from another RUNDIR?) holds" \
			"the fleet's ports; stop it first (tests/fleet.sh stop <its RUNDIR>)"
	fi

	"$MAKE_CERTS" "$RUNDIR/certs" || die "make-certs.sh failed"

	chmod o+x "$RUNDIR" # mail user (imap/pop3) and dovecot user (auth) traverse it
	for i in "${!NAMES[@]}"; do
		name=${NAMES[$i]}
		dir="$RUNDIR/$name"
		mkdir -p "$dir/run" "$dir/state" "$dir/home"
		chmod 755 "$dir" "$dir/home"
		chown "$MAIL_UID:$MAIL_GID" "$dir/home"
		rm -f "$dir/start.out" "$dir/start.err" "$dir/dovecot.log" # fresh log per run
		printf 'test:{PLAIN}secret::::::\n' >"$dir/passwd"
		chmod 644 "$dir/passwd"
		render "$i"
	done
	if ! setpriv --reuid="$MAIL_UID" --regid="$MAIL_GID" --clear-groups \
		test -w "$RUNDIR/${NAMES[0]}/home" 2>/dev/null; then
		echo "fleet: warning: user $MAIL_USER cannot reach $RUNDIR/*/home (parent directory" \
			"permissions); the fixtures run, but logins as 'test' will fail" >&2
	fi

	# Start all instances in parallel. `dovecot` daemonises but the master
	# keeps the inherited stdout/stderr open, so never leave them on a pipe.
	local starters=()
	for i in "${!NAMES[@]}"; do
		dir="$RUNDIR/${NAMES[$i]}"
		dovecot -c "$dir/dovecot.conf" </dev/null >"$dir/start.out" 2>"$dir/start.err" &
		starters+=($!)
	done
	bad=""
	for i in "${!NAMES[@]}"; do # wait for all, so that stop finds every pid file
		rc=0
		wait "${starters[$i]}" || rc=$?
		if [ $rc -ne 0 ]; then
			bad+=" ${NAMES[$i]}"
			echo "fleet: ${NAMES[$i]}: 'dovecot -c $RUNDIR/${NAMES[$i]}/dovecot.conf' exited $rc" >&2
			show_logs "$RUNDIR/${NAMES[$i]}"
		fi
	done
	# The daemonised master writes run/master.pid a little after `dovecot`
	# returns; stop needs it, so wait for it before going on (or failing).
	deadline=$((SECONDS + FLEET_WAIT))
	for i in "${!NAMES[@]}"; do
		[[ " $bad " == *" ${NAMES[$i]} "* ]] && continue
		while [ -z "$(master_pid "$RUNDIR/${NAMES[$i]}")" ]; do
			if [ $SECONDS -ge $deadline ]; then
				bad+=" ${NAMES[$i]}"
				echo "fleet: ${NAMES[$i]}: no live master after ${FLEET_WAIT}s" >&2
				show_logs "$RUNDIR/${NAMES[$i]}"
				break
			fi
			sleep 0.05
		done
	done
	[ -z "$bad" ] || fail_start "dovecot refused to start:$bad"

	# Wait until every configured address:port listens.
	deadline=$((SECONDS + FLEET_WAIT))
	while :; do
		lines=$(listening)
		missing=""
		for i in "${!NAMES[@]}"; do
			for l in ${LISTS[$i]//,/ }; do
				p=$(port_of "$l")
				grep -qxF "${ADDRS[$i]}:$p" <<<"$lines" || missing+=" $i:$l"
			done
		done
		[ -z "$missing" ] && break
		if [ $SECONDS -ge $deadline ]; then
			for p in $missing; do
				i=${p%%:*}
				echo "fleet: ${NAMES[$i]}: ${p#*:} (${ADDRS[$i]}:$(port_of "${p#*:}")) not listening" \
					"after ${FLEET_WAIT}s; log: $RUNDIR/${NAMES[$i]}/dovecot.log" >&2
				show_logs "$RUNDIR/${NAMES[$i]}"
			done
			fail_start "not all fixtures came up"
		fi
		sleep 0.05
	done

	# Disabled listeners must really be closed.
	unexpected=""
	for i in "${!NAMES[@]}"; do
		for l in imap pop3 imaps pop3s; do
			p=$(port_of "$l")
			if ! has_listener "$l" "${LISTS[$i]}" && grep -qxF "${ADDRS[$i]}:$p" <<<"$lines"; then
				unexpected+=" ${NAMES[$i]}:$l"
			fi
		done
	done
	[ -z "$unexpected" ] || fail_start "listeners that should be disabled are open:$unexpected"

	# Listening is not serving: probe every port, all fixtures in parallel.
	local probes=()
	bad=""
	for i in "${!NAMES[@]}"; do
		probe_fixture "$i" >"$RUNDIR/${NAMES[$i]}/probe.err" 2>&1 &
		probes+=($!)
	done
	for i in "${!NAMES[@]}"; do
		if ! wait "${probes[$i]}"; then
			bad+=" ${NAMES[$i]}"
			sed "s/^/fleet: ${NAMES[$i]}: /" "$RUNDIR/${NAMES[$i]}/probe.err" >&2
			echo "fleet: ${NAMES[$i]}: log: $RUNDIR/${NAMES[$i]}/dovecot.log" >&2
			show_logs "$RUNDIR/${NAMES[$i]}"
		fi
		rm -f "$RUNDIR/${NAMES[$i]}/probe.err"
	done
	[ -z "$bad" ] || fail_start "fixtures not serving:$bad"

	echo "fleet: ${#NAMES[@]} fixtures up in $RUNDIR (trust anchor: $RUNDIR/certs/ca.pem)"
}

# --- status ----------------------------------------------------------------
cmd_status() {
	local i name dir pid lines l p state up=0 open closed
	lines=$(listening)
	for i in "${!NAMES[@]}"; do
		name=${NAMES[$i]}
		dir="$RUNDIR/$name"
		pid=""
		[ -d "$dir" ] && pid=$(master_pid "$dir")
		open="" closed=""
		for l in ${LISTS[$i]//,/ }; do
			p=$(port_of "$l")
			if grep -qxF "${ADDRS[$i]}:$p" <<<"$lines"; then open+=",$l"; else closed+=",$l"; fi
		done
		if [ -n "$pid" ] && [ -z "$closed" ]; then
			state=up up=$((up + 1))
		elif [ -n "$pid" ]; then
			state=degraded
		else
			state=down
		fi
		printf '%-17s %-11s %-9s pid=%-7s listening=%s%s\n' "$name" "${ADDRS[$i]}" "$state" \
			"${pid:--}" "${open#,}" "${closed:+ missing=${closed#,}}"
	done
	[ $up -eq ${#NAMES[@]} ] && return 0
	[ $up -eq 0 ] && return 3
	return 1
}

load_fleet
[ ! -d "$RUNDIR" ] || RUNDIR=$(cd "$RUNDIR" && pwd)
case $CMD in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
*) usage ;;
esac
