#!/bin/bash
# tests/bench/run.sh — `make bench`: mailaudit at scale, against one Dovecot,
# and nmap / sslscan on a subset in the same run. Not a timed test: it
# measures and prints, it does not gate.
#
#   tests/bench/run.sh [--n N] [--big N2] [--subset M] [--concurrency C]
#                      [--threads T] [--key ecdsa|rsa] [--skip-peers]
#                      [--rtt MS] [--profile] [--time-limit SECONDS]
#
#   --n N            scale fixture: N loopback addresses x 4 ports (default
#                    250 = 1,000 endpoints), 127.1.0.1 .. (200 per /24)
#   --big N2         the peak-RSS run: N2 addresses x 4 (default 2500 =
#                    10,000 endpoints) on 127.2.x.y, with Dovecot restarted
#                    on those addresses; 0 skips it
#   --subset M       the first M addresses (default 25 = 100 endpoints) for
#                    the comparison with nmap and sslscan
#   --concurrency C  mailaudit --concurrency (default 500)
#   --threads T      mailaudit --threads T, if the binary has that option
#   --key ecdsa|rsa  the leaf's key (default ecdsa = P-256; rsa = RSA-2048)
#   --skip-peers     no nmap / sslscan
#   --rtt MS         the latency run (issue #13): the subset scanned through
#                    tests/bench/delay_proxy.c (127.3.x.y -> 127.1.x.y) with
#                    MS of round-trip time (default 100; 0 skips it), by
#                    mailaudit (default and full depth) and nmap (same
#                    scripts, unless --skip-peers)
#   --repeat R       the full-depth-versus-nmap ratio from R interleaved
#                    runs of each (mailaudit, nmap, nmap -T4; default 3;
#                    medians): one run on a shared machine is too noisy
#                    for a ratio
#   --profile        also perf-record mailaudit's default scan of the N
#                    addresses (build/bench/perf-report.txt)
#   --time-limit S   the whole run's bound (default 900 s); phases that no
#                    longer fit are skipped and say so
#
# Environment: BUILD_DIR=dir uses dir/mailaudit and dir/bench/delay_proxy
# and does not build (default: `make build/release/mailaudit
# build/release/bench/delay_proxy`); BENCH_DIR (default build/bench).
#
# What it does: installs nmap, sslscan, time and jq if missing (and the
# project's own deps via tests/install-deps.sh); builds; makes a test PKI
# (root -> intermediate -> leaf, certtool) whose leaf names
# *.bench.mailaudit.test; starts ONE Dovecot 2.3 (fixtures/bench/
# dovecot.conf.in: the compliant baseline, login processes in
# high-performance mode, one per core) listening on all N addresses x
# 110/143/993/995; scans the N hosts hK.bench.mailaudit.test (one --resolve
# each, so the certificate name check passes); then the subset with
# --tls-depth full, nmap (default timing and -T4) and sslscan on the
# subset, the subset with the defaults, optionally the profile; then the
# big run, if the first run's rate says it can finish in the time left (a
# killed run never writes its report, where the peak RSS is). Writes
# BENCH_DIR/results.txt and keeps every raw output in BENCH_DIR/run/. The
# Dovecot instance is always stopped (trap), and every command runs under
# `timeout`. Results of a loaded machine are slower: each phase also
# records the CPU seconds other processes used meanwhile.
#
# Counting: wall time, client user+sys CPU and peak RSS come from
# /usr/bin/time; connections and TLS handshakes from the Dovecot log (every
# login connection logs one line when it ends: ", TLS" = a completed
# handshake, "TLS handshaking" = one that started but did not complete,
# e.g. the scanner's audit ClientHellos and the peers' cipher probes);
# server CPU from /proc (master + login/auth/log processes).
#
# Needs root (ports < 1024). Traffic stays on 127.0.0.0/8.
set -euo pipefail
export PATH="/usr/sbin:/sbin:$PATH"
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TEMPLATE=$ROOT/fixtures/bench/dovecot.conf.in
BENCH_DIR=${BENCH_DIR:-$ROOT/build/bench}
N=250 N2=2500 M=25 CONC=500 THREADS="" KEY=ecdsa PEERS=1 PROFILE=0 LIMIT=900
REPEAT=3
CIPHERS='ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305'
# Findings of a compliant endpoint (fixtures/expected/compliant.expect).
EXPECTED='["CERT-OCSP-STAPLING-MISSING","INFO-BANNER-DISCLOSURE","SVC-CLEARTEXT-PORT-OPEN","TLS-ALPN-NOT-ENFORCED"]'

die() { echo "bench: $*" >&2; exit 1; }
usage() { sed -n '6,8p' "$0" >&2; exit 2; }
RTT=100
num() { [[ $2 =~ ^[0-9]+$ ]] || die "$1 wants a number, got '$2'"; }

while [ $# -gt 0 ]; do
	case $1 in
	--n) num "$1" "${2:-}"; N=$2; shift 2 ;;
	--big) num "$1" "${2:-}"; N2=$2; shift 2 ;;
	--subset) num "$1" "${2:-}"; M=$2; shift 2 ;;
	--concurrency) num "$1" "${2:-}"; CONC=$2; shift 2 ;;
	--threads) num "$1" "${2:-}"; THREADS=$2; shift 2 ;;
	--key) KEY=${2:-}; shift 2 ;;
	--skip-peers) PEERS=0; shift ;;
	--rtt) num "$1" "${2:-}"; RTT=$2; shift 2 ;;
	--profile) PROFILE=1; shift ;;
	--repeat) num "$1" "${2:-}"; REPEAT=$2; shift 2 ;;
	--time-limit) num "$1" "${2:-}"; LIMIT=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "bench: unknown option '$1'" >&2; usage ;;
	esac
done
[ "$N" -ge 1 ] || die "--n must be at least 1"
[ "$M" -ge 1 ] || die "--subset must be at least 1"
[ "$M" -le "$N" ] || M=$N
[ "$KEY" = ecdsa ] || [ "$KEY" = rsa ] || die "--key is ecdsa or rsa"
[ "$(id -u)" -eq 0 ] || die "needs root (Dovecot binds ports < 1024; apt-get)"
[ $((N > N2 ? N : N2)) -le 10000 ] || die "at most 10000 addresses (fd limits)"

START=$SECONDS
remaining() { echo $((LIMIT - (SECONDS - START))); }
# Seconds a phase may take: at most $1, and never past the overall limit
# (keeping 30 s to stop the server and write the results).
budget() {
	local r
	r=$(($(remaining) - 30))
	[ "$r" -lt "$1" ] && echo "$r" || echo "$1"
}

# --- dependencies -------------------------------------------------------------
install_deps() {
	local p missing=""
	"$ROOT/tests/install-deps.sh"
	for p in nmap sslscan time jq iproute2; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing+=" $p"
	done
	if [ "$PROFILE" = 1 ] && ! command -v perf >/dev/null; then missing+=" linux-perf"; fi
	[ -z "$missing" ] && return 0
	echo "bench: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	timeout 300 apt-get update -qq
	# shellcheck disable=SC2086
	timeout 300 apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# --- build --------------------------------------------------------------------
build() {
	if [ -n "${BUILD_DIR:-}" ]; then
		MA=$(cd "$BUILD_DIR" && pwd)/mailaudit
		[ -x "$MA" ] || die "BUILD_DIR=$BUILD_DIR has no mailaudit binary"
	else
		timeout 600 make -C "$ROOT" build/release/mailaudit build/release/bench/delay_proxy \
			>"$BENCH_DIR/build.log" 2>&1 ||
			die "build failed (see $BENCH_DIR/build.log); BUILD_DIR=dir runs an existing dir/mailaudit"
		MA=$ROOT/build/release/mailaudit
	fi
	PROXY=$(dirname "$MA")/bench/delay_proxy
	if [ "$RTT" -gt 0 ] && [ ! -x "$PROXY" ]; then
		echo "bench: no $PROXY; the latency run is skipped" >&2
		RTT=0
	fi
	if [ -n "${BUILD_DIR:-}" ]; then
		SOURCE="binary from BUILD_DIR=$BUILD_DIR"
	else
		SOURCE="built from the work tree at $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
		[ -z "$(git --no-optional-locks -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] ||
			SOURCE+=" + uncommitted changes"
	fi
	HAS_THREADS=0
	local help
	help=$("$MA" --help 2>&1 || true)
	[[ $help != *--threads* ]] || HAS_THREADS=1
	if [ -n "$THREADS" ] && [ $HAS_THREADS = 0 ]; then
		echo "bench: this mailaudit has no --threads option; ignoring --threads $THREADS" >&2
		THREADS=""
	fi
}

# --- PKI ----------------------------------------------------------------------
# root -> intermediate -> leaf, all of KEY's type; the leaf names
# bench.mailaudit.test and *.bench.mailaudit.test. Kept for a day.
make_pki() {
	local d=$BENCH_DIR/certs ct="certtool --no-text" kt
	if [ -e "$d/.done" ] && [ "$(cat "$d/.done")" = "$KEY" ] &&
		[ -z "$(find "$d/.done" -mtime +0 2>/dev/null)" ]; then
		return 0
	fi
	rm -rf "$d"
	mkdir -p "$d"
	case $KEY in
	ecdsa) kt="--key-type ecdsa --curve secp256r1" ;;
	rsa) kt="--key-type rsa --bits 2048" ;;
	esac
	cat >"$d/root.tmpl" <<-EOF
		cn = "mailaudit Bench Root"
		organization = "mailaudit bench"
		ca
		cert_signing_key
		crl_signing_key
		expiration_days = 3650
	EOF
	cat >"$d/int.tmpl" <<-EOF
		cn = "mailaudit Bench Intermediate"
		organization = "mailaudit bench"
		ca
		path_len = 0
		cert_signing_key
		crl_signing_key
		expiration_days = 3650
	EOF
	cat >"$d/leaf.tmpl" <<-EOF
		cn = "bench.mailaudit.test"
		dns_name = "bench.mailaudit.test"
		dns_name = "*.bench.mailaudit.test"
		tls_www_server
		signing_key
		encryption_key
		expiration_days = 365
	EOF
	(
		cd "$d"
		umask 077
		# shellcheck disable=SC2086
		{
			$ct --generate-privkey $kt --outfile root.key
			$ct --generate-self-signed --load-privkey root.key --template root.tmpl --outfile root.pem
			$ct --generate-privkey $kt --outfile int.key
			$ct --generate-certificate --load-privkey int.key --load-ca-certificate root.pem \
				--load-ca-privkey root.key --template int.tmpl --outfile int.pem
			$ct --generate-privkey $kt --outfile leaf.key
			$ct --generate-certificate --load-privkey leaf.key --load-ca-certificate int.pem \
				--load-ca-privkey int.key --template leaf.tmpl --outfile leaf.pem
		} >certtool.log 2>&1 || { cat certtool.log >&2; exit 1; }
		cat leaf.pem int.pem >chain.pem
		cp root.pem ca.pem
		chmod 644 ./*.pem
	) || die "certtool failed"
	echo "$KEY" >"$d/.done"
}

# --- the Dovecot instance -----------------------------------------------------
DDIR=$BENCH_DIR/dovecot
LOG=$DDIR/dovecot.log

addr() { # PREFIX K -> address number K (0-based), 200 per /24
	echo "$1.$(($2 / 200)).$(($2 % 200 + 1))"
}

alive() {
	local st
	{ read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

master_pid() { # our live master's pid, or nothing
	local pid cmd
	[ -r "$DDIR/run/master.pid" ] || return 0
	{ read -r pid <"$DDIR/run/master.pid"; } 2>/dev/null || return 0
	[[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 0
	[[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */dovecot ]] || return 0
	cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 0
	[[ $cmd == *"$DDIR/dovecot.conf"* ]] || return 0
	echo "$pid"
}

stop_dovecot() {
	local pid kids c t
	pid=$(master_pid)
	[ -n "$pid" ] || return 0
	kids=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
	kill -TERM "$pid" 2>/dev/null || true
	for ((t = 0; t < 300; t++)); do # 15 s
		alive "$pid" || break
		sleep 0.05
	done
	if alive "$pid"; then
		echo "bench: dovecot master $pid ignored SIGTERM; SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	for ((t = 0; t < 200; t++)); do
		local n=0
		for c in $kids; do alive "$c" && n=$((n + 1)); done
		[ $n -eq 0 ] && break
		sleep 0.05
	done
	for c in $kids; do
		if alive "$c" && [[ $(tr '\0' ' ' <"/proc/$c/cmdline" 2>/dev/null) == dovecot-mailaudit-bench* ]]; then
			kill -KILL "$c" 2>/dev/null || true
		fi
	done
	rm -f "$DDIR/run/master.pid"
}

listening_count() { # PREFIX -> listening sockets on PREFIX.*:{110,143,993,995}
	ss -Hltn 2>/dev/null | awk -v p="$1." '
		index($4, p) == 1 && $4 ~ /:(110|143|993|995)$/ { n++ } END { print n + 0 }'
}

# start_dovecot PREFIX COUNT
start_dovecot() {
	local prefix=$1 count=$2 k listen="" procs climit need busy t uid gid
	stop_dovecot
	busy=$(listening_count "$prefix")
	[ "$busy" -eq 0 ] || die "$busy sockets already listen on $prefix.*:110/143/993/995 (another server?)"
	uid=$(id -u mail) gid=$(id -g mail)
	procs=$(nproc)
	# Each login process holds its protocol's 2*COUNT listeners plus its
	# clients; the fd limit (ulimit -Hn) bounds both.
	need=$((4 * count + 256))
	climit=$(($(ulimit -Hn) - need))
	[ "$climit" -gt 8000 ] && climit=8000
	[ "$climit" -ge 1000 ] || die "fd limit $(ulimit -Hn) too low for $count addresses"
	for ((k = 0; k < count; k++)); do listen+="$(addr "$prefix" "$k") "; done
	mkdir -p "$DDIR/run" "$DDIR/state" "$DDIR/home"
	chmod 755 "$DDIR" "$DDIR/home"
	chown "$uid:$gid" "$DDIR/home"
	printf 'test:{PLAIN}secret::::::\n' >"$DDIR/passwd"
	chmod 644 "$DDIR/passwd"
	: >"$LOG"
	sed -e "s|@DIR@|$DDIR|g" -e "s|@LISTEN@|${listen% }|" \
		-e "s|@SSL_CERT@|$BENCH_DIR/certs/chain.pem|" -e "s|@SSL_KEY@|$BENCH_DIR/certs/leaf.key|" \
		-e "s|@CIPHERS@|$CIPHERS|" -e "s|@MAIL_UID@|$uid|g" -e "s|@MAIL_GID@|$gid|g" \
		-e "s|@LOGIN_PROCS@|$procs|g" -e "s|@CLIENT_LIMIT@|$climit|g" \
		"$TEMPLATE" >"$DDIR/dovecot.conf"
	! grep -q '@[A-Z_]*@' "$DDIR/dovecot.conf" || die "unreplaced placeholder in $DDIR/dovecot.conf"
	(
		ulimit -n "$(ulimit -Hn)"
		exec dovecot -c "$DDIR/dovecot.conf" </dev/null >"$DDIR/start.out" 2>"$DDIR/start.err"
	) || { cat "$DDIR/start.err" >&2; die "dovecot did not start"; }
	for ((t = 0; t < 600; t++)); do # 60 s
		[ "$(listening_count "$prefix")" -ge $((4 * count)) ] && [ -n "$(master_pid)" ] && break
		sleep 0.1
	done
	[ "$(listening_count "$prefix")" -ge $((4 * count)) ] || {
		tail -n 20 "$LOG" "$DDIR/start.err" >&2
		die "dovecot listens on $(listening_count "$prefix") of $((4 * count)) sockets after 60 s"
	}
	# Listening is not serving: the first and the last address must greet
	# and complete a TLS handshake with the chain we made.
	for k in 0 $((count - 1)); do
		local a fd line out
		a=$(addr "$prefix" "$k")
		for t in 143 110; do
			exec {fd}<>"/dev/tcp/$a/$t" || die "connect to $a:$t failed"
			line=""
			read -r -t 10 line <&"$fd" || true
			exec {fd}>&-
			[[ $line == '* OK'* || $line == '+OK'* ]] || die "$a:$t sent no greeting ('$line')"
		done
		out=$(timeout 10 openssl s_client -connect "$a:993" -servername h.bench.mailaudit.test \
			-CAfile "$BENCH_DIR/certs/ca.pem" -verify_return_error </dev/null 2>&1) || true
		grep -q 'Verify return code: 0' <<<"$out" || {
			echo "$out" | tail -n 5 >&2
			die "TLS handshake with $a:993 failed"
		}
	done
	echo "bench: dovecot up: $count addresses x 4 ports on $prefix.x.y, $procs login processes" \
		"per protocol, client_limit $climit"
}

# Server CPU seconds so far: the master and its children (login, auth, log,
# config, anvil processes stay alive for the whole run).
server_cpu() {
	local pid c total=0 f
	pid=$(master_pid)
	[ -n "$pid" ] || { echo 0; return; }
	for c in $pid $(ps -o pid= --ppid "$pid" 2>/dev/null); do
		f=$(cut -d')' -f2- "/proc/$c/stat" 2>/dev/null) || continue
		# fields after ")": state=1 ... utime=12 stime=13 cutime=14 cstime=15
		total=$((total + $(awk '{ print $12 + $13 + $14 + $15 }' <<<"$f")))
	done
	awk -v t="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

time_wait() { ss -Htan state time-wait 2>/dev/null | wc -l; }

# Busy CPU seconds of the whole machine so far (all cores).
machine_busy() {
	awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat
}

# --- measuring ----------------------------------------------------------------
declare -A WALL USR SYS RSS RC CONNS TLSOK TLSHS SCPU LOAD NOTE OTHER
OUT=$BENCH_DIR/run

# measure NAME MAXSECONDS CMD...: runs CMD under /usr/bin/time and timeout,
# and records its numbers and the server's for the same interval.
measure() {
	local name=$1 max=$2 b log0 log1 cpu0 cpu1 busy0 busy1 rc=0 t
	shift 2
	b=$(budget "$max")
	if [ "$b" -lt 10 ]; then
		NOTE[$name]="skipped: --time-limit reached"
		echo "bench: $name skipped (time limit)" >&2
		return 0
	fi
	LOAD[$name]=$(cut -d' ' -f1 /proc/loadavg)
	log0=$(stat -c %s "$LOG")
	cpu0=$(server_cpu)
	busy0=$(machine_busy)
	echo "bench: $name ($(time_wait) sockets in TIME-WAIT, load ${LOAD[$name]}) ..." >&2
	printf '%q ' "$@" | cut -c1-2000 >"$OUT/$name.cmd"
	# time outside timeout: the numbers are written even when the command
	# is killed (its peak RSS and CPU include timeout's child)
	/usr/bin/time -f '%e %U %S %M' -o "$OUT/$name.time" timeout -k 5 "$b" "$@" \
		>"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
	busy1=$(machine_busy)
	# the log process writes a moment after the connections end
	for t in 1 2 3 4 5 6 7 8 9 10; do
		log1=$(stat -c %s "$LOG")
		sleep 0.3
		[ "$(stat -c %s "$LOG")" = "$log1" ] && break
	done
	cpu1=$(server_cpu)
	RC[$name]=$rc
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || NOTE[$name]="killed after ${b}s (time limit)"
	read -r "WALL[$name]" "USR[$name]" "SYS[$name]" "RSS[$name]" < <(tail -n 1 "$OUT/$name.time")
	SCPU[$name]=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.2f", b - a }')
	# what everything else on the machine used meanwhile (other jobs)
	OTHER[$name]=$(awk -v a="$busy0" -v b="$busy1" -v s="${SCPU[$name]}" -v u="${USR[$name]}" \
		-v y="${SYS[$name]}" 'BEGIN { o = b - a - s - u - y; printf "%.2f", o < 0 ? 0 : o }')
	tail -c +$((log0 + 1)) "$LOG" | head -c $((log1 - log0)) >"$OUT/$name.server.log" || true
	CONNS[$name]=$(grep -cE -- '-login: (Info: )?(Disconnected|Aborted login)' "$OUT/$name.server.log" || true)
	TLSOK[$name]=$(grep -E -- '-login: ' "$OUT/$name.server.log" | grep -cE ', TLS[,:]' || true)
	TLSHS[$name]=$(grep -cF 'TLS handshaking' "$OUT/$name.server.log" || true)
	echo "bench: $name: ${WALL[$name]} s, exit $rc" >&2
}

ma_args() { # the options every mailaudit run shares
	local a=(scan --format json --ca-file "$BENCH_DIR/certs/ca.pem" --concurrency "$CONC")
	[ -n "$THREADS" ] && a+=(--threads "$THREADS")
	printf '%s\n' "${a[@]}"
}

# write_targets PREFIX COUNT FILE: host names for -iL, and FILE.resolve
# with one --resolve argument per line.
write_targets() {
	local k
	: >"$3"
	: >"$3.resolve"
	for ((k = 0; k < $2; k++)); do
		echo "h$k.bench.mailaudit.test" >>"$3"
		echo "h$k.bench.mailaudit.test:$(addr "$1" "$k")" >>"$3.resolve"
	done
}

# run_mailaudit NAME MAX TARGETS [extra options...]
run_mailaudit() {
	local name=$1 max=$2 targets=$3 r args=()
	shift 3
	mapfile -t args < <(ma_args)
	while read -r r; do args+=(--resolve "$r"); done <"$targets.resolve"
	measure "$name" "$max" "$MA" "${args[@]}" "$@" -o "$OUT/$name.json" -iL "$targets"
	# sanity: every endpoint ok, with exactly the compliant findings
	if [ -s "$OUT/$name.json" ]; then
		jq -r --argjson exp "$EXPECTED" '
			[.endpoints[] | select(.status == "ok")] as $ok
			| [$ok[] | select(([.findings[].check] | sort) - $exp == [])] as $clean
			| "\($ok | length) ok, \($clean | length) with only compliant.expect'"'"'s findings; "
			  + "connections per the report: \([.endpoints[].connections // 0] | add); statuses: "
			  + (.summary.status | to_entries | map(select(.value > 0) | "\(.key)=\(.value)") | join(" "))
			  + "; findings: "
			  + ([.endpoints[].findings[] | "\(.check)(\(.severity))"] | group_by(.)
			     | map("\(.[0]) x\(length)") | join(", "))
			' "$OUT/$name.json" >"$OUT/$name.sanity"
	else
		echo "no report" >"$OUT/$name.sanity"
	fi
}

# --- the run ------------------------------------------------------------------
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
DDIR=$BENCH_DIR/dovecot LOG=$DDIR/dovecot.log OUT=$BENCH_DIR/run
p="$DDIR/run/token-login/imap-urlauth"
[ ${#p} -le 107 ] || die "BENCH_DIR path too long for Dovecot's unix sockets ($p)"
exec 9>"$BENCH_DIR/.lock"
flock -n 9 || die "another bench run holds $BENCH_DIR/.lock"
trap 'stop_proxy; stop_dovecot' EXIT
trap 'exit 130' INT TERM
rm -rf "$OUT"
mkdir -p "$OUT"

install_deps
build
make_pki
ulimit -n "$(ulimit -Hn)"

NC=$(nproc)
ENDPOINTS=$((4 * N))
write_targets 127.1 "$N" "$OUT/targets.txt"
write_targets 127.1 "$M" "$OUT/subset.txt"
SUBSET_ADDRS=()
for ((k = 0; k < M; k++)); do SUBSET_ADDRS+=("$(addr 127.1 "$k")"); done

start_dovecot 127.1 "$N"

run_mailaudit ma_default 400 "$OUT/targets.txt"
run_mailaudit ma_full_subset 300 "$OUT/subset.txt" --tls-depth full

if [ "$PEERS" = 1 ]; then
	# shellcheck disable=SC2054 # the commas belong to nmap's arguments
	NMAP=(nmap -Pn -n -p 110,143,993,995
		--script imap-capabilities,pop3-capabilities,ssl-cert,ssl-enum-ciphers)
	measure nmap_subset 300 "${NMAP[@]}" "${SUBSET_ADDRS[@]}"
	measure nmap_t4_subset 300 "${NMAP[@]}" -T4 "${SUBSET_ADDRS[@]}"
	# the ratio's own runs, interleaved so that both sides see the same
	# load over time
	for ((k = 1; k < REPEAT; k++)); do
		run_mailaudit "ma_full_rep$k" 300 "$OUT/subset.txt" --tls-depth full
		measure "nmap_rep$k" 300 "${NMAP[@]}" "${SUBSET_ADDRS[@]}"
		measure "nmap_t4_rep$k" 300 "${NMAP[@]}" -T4 "${SUBSET_ADDRS[@]}"
	done
	# sslscan: one process per kind of port, each reading its targets file
	# (sslscan scans them one after another, as its users do).
	: >"$OUT/sslscan-implicit.txt"
	: >"$OUT/sslscan-imap.txt"
	: >"$OUT/sslscan-pop3.txt"
	for a in "${SUBSET_ADDRS[@]}"; do
		printf '%s:993\n%s:995\n' "$a" "$a" >>"$OUT/sslscan-implicit.txt"
		echo "$a:143" >>"$OUT/sslscan-imap.txt"
		echo "$a:110" >>"$OUT/sslscan-pop3.txt"
	done
	# shellcheck disable=SC2016 # expanded by the inner bash
	measure sslscan_subset 400 bash -c '
		sslscan --no-colour --targets="$1" &&
		sslscan --no-colour --starttls-imap --targets="$2" &&
		sslscan --no-colour --starttls-pop3 --targets="$3"' sslscan \
		"$OUT/sslscan-implicit.txt" "$OUT/sslscan-imap.txt" "$OUT/sslscan-pop3.txt"
	NMAP_EPS=$(grep -c 'least strength' "$OUT/nmap_subset.out" || true)
	NMAP_T4_EPS=$(grep -c 'least strength' "$OUT/nmap_t4_subset.out" || true)
	SSLSCAN_EPS=$(grep -c 'Testing SSL server' "$OUT/sslscan_subset.out" || true)
	SSLSCAN_OK=$(grep -c 'Supported Server Cipher' "$OUT/sslscan_subset.out" || true)
fi

run_mailaudit ma_quick_subset 300 "$OUT/subset.txt"

if [ "$PROFILE" = 1 ] && command -v perf >/dev/null; then
	# System-wide, so the split between scanner, Dovecot and kernel shows;
	# then the scanner's own symbols (perf-report.txt).
	PERF_ARGS=()
	mapfile -t PERF_ARGS < <(ma_args)
	while read -r r; do PERF_ARGS+=(--resolve "$r"); done <"$OUT/targets.txt.resolve"
	measure ma_perf 300 perf record -a -g -F 499 -o "$BENCH_DIR/perf.data" -- \
		"$MA" "${PERF_ARGS[@]}" -o "$OUT/ma_perf.json" -iL "$OUT/targets.txt"
	{
		echo "# samples per process and object, whole machine, during mailaudit's default scan"
		perf report -i "$BENCH_DIR/perf.data" --no-children --sort comm,dso -g none --stdio 2>/dev/null |
			grep -v '^$' | grep -v '^#' | head -n 40 || true
		echo
		echo "# mailaudit's own samples, by symbol (self time)"
		perf report -i "$BENCH_DIR/perf.data" --comm mailaudit --percentage relative --no-children --sort dso,symbol \
			-g none --stdio 2>/dev/null | grep -v '^$' | grep -v '^#' | head -n 60 || true
		echo
		echo "# mailaudit, by symbol including callees (children)"
		perf report -i "$BENCH_DIR/perf.data" --comm mailaudit --percentage relative --children --sort symbol \
			-g none --stdio 2>/dev/null | grep -v '^$' | grep -v '^#' | head -n 60 || true
	} >"$BENCH_DIR/perf-report.txt"
fi

# --- the latency run: the subset behind delay_proxy ----------------------------
PROXY_PID=""
stop_proxy() {
	[ -n "$PROXY_PID" ] || return 0
	kill -TERM "$PROXY_PID" 2>/dev/null || true
	wait "$PROXY_PID" 2>/dev/null || true
	PROXY_PID=""
}
if [ "$RTT" -gt 0 ]; then
	write_targets 127.3 "$M" "$OUT/lat.txt"
	LAT_ADDRS=()
	for ((k = 0; k < M; k++)); do LAT_ADDRS+=("$(addr 127.3 "$k")"); done
	"$PROXY" --rtt-ms "$RTT" 127.3 127.1 "$M" 110 143 993 995 >"$OUT/proxy.log" 2>&1 &
	PROXY_PID=$!
	for ((t = 0; t < 100; t++)); do
		[ "$(listening_count 127.3)" -ge $((4 * M)) ] && break
		sleep 0.1
	done
	[ "$(listening_count 127.3)" -ge $((4 * M)) ] || die "delay_proxy did not listen (see $OUT/proxy.log)"
	run_mailaudit lat_quick 300 "$OUT/lat.txt"
	run_mailaudit lat_full 300 "$OUT/lat.txt" --tls-depth full
	if [ "$PEERS" = 1 ]; then
		measure lat_nmap 400 "${NMAP[@]}" "${LAT_ADDRS[@]}"
		LAT_NMAP_EPS=$(grep -c 'least strength' "$OUT/lat_nmap.out" || true)
	fi
	stop_proxy
fi

if [ "$N2" -gt 0 ]; then
	# Only if it can finish: a killed run never writes its report, and the
	# report is where the peak is.
	predicted=$(awk -v w="${WALL[ma_default]:-0}" -v a="$N2" -v b="$N" 'BEGIN { printf "%d", w * a / b * 1.3 + 30 }')
	if [ "$(budget 500)" -ge "$predicted" ]; then
		write_targets 127.2 "$N2" "$OUT/big.txt"
		start_dovecot 127.2 "$N2"
		# the fleet-sized run writes one JSON document, streamed as
		# hosts finish because it is the only report
		run_mailaudit ma_big 500 "$OUT/big.txt"
	else
		NOTE[ma_big]="skipped: at ${WALL[ma_default]:-?} s per $((4 * N)) endpoints it would need ~$predicted s, more than the $(budget 500) s left of --time-limit"
	fi
fi
stop_dovecot

# --- results ------------------------------------------------------------------
div() { awk -v a="${1:-0}" -v b="${2:-0}" -v f="${3:-%.2f}" 'BEGIN { if (b + 0 == 0) print "-"; else printf f, a / b }'; }
mb() { awk -v k="${1:-0}" 'BEGIN { printf "%.1f", k / 1024 }'; }
cpu() { awk -v u="${USR[$1]:-0}" -v s="${SYS[$1]:-0}" 'BEGIN { printf "%.2f", u + s }'; }
have() { [ -n "${WALL[$1]:-}" ]; }
# median NAME... -> the median wall time of those runs
median() {
	local n
	for n in "$@"; do echo "${WALL[$n]}"; done | sort -g |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
walls() { # NAME... -> "0.5/0.6/0.7 s"
	local n out=""
	for n in "$@"; do out+="${out:+/}${WALL[$n]}"; done
	echo "$out s"
}
col() { # METRIC NAME ENDPOINTS -> one cell
	local n=$2 e=$3
	have "$n" || { echo "-"; return; }
	case $1 in
	wall) echo "${WALL[$n]}" ;;
	eps) div "$e" "${WALL[$n]}" "%.1f" ;;
	conns) echo "${CONNS[$n]}" ;;
	cps) div "${CONNS[$n]}" "${WALL[$n]}" "%.0f" ;;
	hs) echo "${TLSOK[$n]}" ;;
	hsps) div "${TLSOK[$n]}" "${WALL[$n]}" "%.0f" ;;
	tlsc) echo $((TLSOK[$n] + TLSHS[$n])) ;;
	tlscps) div $((TLSOK[$n] + TLSHS[$n])) "${WALL[$n]}" "%.0f" ;;
	ccpu) cpu "$n" ;;
	ccpue) div "$(cpu "$n")" "$e" "%.5f" ;;
	rss) mb "${RSS[$n]}" ;;
	scpu) echo "${SCPU[$n]}" ;;
	scpue) div "${SCPU[$n]}" "$e" "%.5f" ;;
	other) echo "${OTHER[$n]}" ;;
	esac
}
ratio() { # A B -> A/B with an x, or -
	local r
	if [ "${1:--}" = - ] || [ "${2:--}" = - ]; then
		echo -
		return
	fi
	r=$(awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else { r = a / b; printf (r < 0.1 ? "%.3f" : r < 10 ? "%.2f" : "%.0f"), r } }')
	[ "$r" = - ] && echo - || echo "${r}x"
}
verdict() { [ "$1" = 1 ] && echo PASS || echo MISS; }

SUB_EPS=$((4 * M))
{
	echo "mailaudit benchmark — $(date -u '+%Y-%m-%d %H:%M:%SZ')"
	echo "machine: $NC cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), $(uname -r); client and server share the cores"
	echo "mailaudit: $("$MA" --version 2>&1 | head -n 1), $SOURCE, --concurrency $CONC${THREADS:+, --threads $THREADS}$([ $HAS_THREADS = 1 ] || echo ', no --threads option')"
	echo "server: Dovecot $(dovecot --version | cut -d' ' -f1), one instance, $NC login processes per protocol (high-performance mode), leaf $KEY ($([ "$KEY" = ecdsa ] && echo P-256 || echo RSA-2048)) + intermediate, TLS >= 1.2, AEAD suites"
	echo "targets: hK.bench.mailaudit.test (leaf SAN *.bench.mailaudit.test), one --resolve each onto 127.1.x.y (big run: 127.2.x.y); scanner source 127.0.0.1"
	echo "command: tests/bench/run.sh --n $N --big $N2 --subset $M --concurrency $CONC${THREADS:+ --threads $THREADS} --key $KEY --rtt $RTT$([ $PEERS = 1 ] || echo ' --skip-peers')"
	echo "mailaudit command (default run): $(cut -c1-300 "$OUT/ma_default.cmd" 2>/dev/null | sed "s|$ROOT/||g") ..."
	echo
	echo "== mailaudit, default options, all $ENDPOINTS endpoints ($N addresses x 4 ports) =="
	printf '%-42s %12s\n' "wall time (s)" "$(col wall ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "endpoints/s" "$(col eps ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "connections (server log)" "$(col conns ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "connections/s" "$(col cps ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "full TLS handshakes (completed)" "$(col hs ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "full TLS handshakes/s" "$(col hsps ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "TLS connections incl. audit hellos" "$(col tlsc ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "TLS connections/s" "$(col tlscps ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "client CPU s (user+sys)" "$(col ccpu ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "client CPU s per endpoint" "$(col ccpue ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "peak RSS (MB)" "$(col rss ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "server CPU s (all Dovecot processes)" "$(col scpu ma_default $ENDPOINTS)"
	printf '%-42s %12s\n' "server CPU s per endpoint" "$(col scpue ma_default $ENDPOINTS)"
	if have ma_default; then
		printf '%-42s %12s\n' "CPU-bound ceiling, endpoints/s ($NC cores)" "$(awk -v c="$(cpu ma_default)" \
			-v s="${SCPU[ma_default]}" -v e="$ENDPOINTS" -v n="$NC" 'BEGIN { if (c + s > 0) printf "%.0f", n * e / (c + s); else print "-" }')"
		printf '%-42s %12s\n' "  the same, server alone on $NC cores" "$(awk -v s="${SCPU[ma_default]}" \
			-v e="$ENDPOINTS" -v n="$NC" 'BEGIN { if (s > 0) printf "%.0f", n * e / s; else print "-" }')"
	fi
	printf '%-42s %12s\n' "CPU s used by other processes meanwhile" "${OTHER[ma_default]:--}"
	printf '%-42s %12s\n' "load average before the run" "${LOAD[ma_default]:--}"
	echo "sanity: $(cat "$OUT/ma_default.sanity" 2>/dev/null || echo -); exit ${RC[ma_default]:--} ${NOTE[ma_default]:-}"
	echo
	echo "== same subset: $M addresses x 4 ports = $SUB_EPS endpoints =="
	printf '%-30s %11s %11s %11s %11s %11s %10s %10s\n' metric "ma full" "ma quick" nmap "nmap -T4" sslscan \
		"nmap/full" "sslscan/full"
	for m in wall eps conns cps hs tlsc ccpu ccpue rss scpu other; do
		case $m in
		wall) label="wall time (s)" ;; eps) label="endpoints/s" ;;
		conns) label="connections" ;; cps) label="connections/s" ;;
		hs) label="full TLS handshakes" ;; tlsc) label="TLS conns incl. probes" ;;
		ccpu) label="client CPU s" ;; ccpue) label="client CPU s/endpoint" ;;
		rss) label="peak RSS (MB)" ;; scpu) label="server CPU s" ;;
		other) label="CPU s of other processes" ;;
		esac
		a=$(col $m ma_full_subset $SUB_EPS) q=$(col $m ma_quick_subset $SUB_EPS)
		n1=$(col $m nmap_subset $SUB_EPS) n4=$(col $m nmap_t4_subset $SUB_EPS)
		s=$(col $m sslscan_subset $SUB_EPS)
		r1=$(ratio "$n1" "$a") r2=$(ratio "$s" "$a")
		case $m in eps | cps | other) r1=- r2=- ;; esac
		printf '%-30s %11s %11s %11s %11s %11s %10s %10s\n' "$label" "$a" "$q" "$n1" "$n4" "$s" "$r1" "$r2"
	done
	echo "sanity: ma full: $(cat "$OUT/ma_full_subset.sanity" 2>/dev/null || echo -)"
	echo "        ma quick: $(cat "$OUT/ma_quick_subset.sanity" 2>/dev/null || echo -)"
	if [ "$PEERS" = 1 ]; then
		echo "        nmap: ssl-enum-ciphers results for ${NMAP_EPS:-0} of $SUB_EPS endpoints (-T4: ${NMAP_T4_EPS:-0}); sslscan: ${SSLSCAN_OK:-0} of ${SSLSCAN_EPS:-0} endpoints scanned"
	fi
	echo "(ratios: the peer's number divided by mailaudit --tls-depth full's; > 1 = the peer takes longer / uses more)"
	echo
	if [ "$RTT" -gt 0 ]; then
		echo "== latency: the same $SUB_EPS endpoints behind tests/bench/delay_proxy, RTT $RTT ms =="
		printf '%-30s %11s %11s %11s %10s\n' metric "ma quick" "ma full" nmap "nmap/full"
		for m in wall eps conns ccpu scpu other; do
			case $m in
			wall) label="wall time (s)" ;; eps) label="endpoints/s" ;;
			conns) label="connections" ;; ccpu) label="client CPU s" ;;
			scpu) label="server CPU s" ;; other) label="CPU s of other processes" ;;
			esac
			q=$(col $m lat_quick $SUB_EPS) a=$(col $m lat_full $SUB_EPS) n1=$(col $m lat_nmap $SUB_EPS)
			r1=$(ratio "$n1" "$a")
			case $m in eps | other) r1=- ;; esac
			printf '%-30s %11s %11s %11s %10s\n' "$label" "$q" "$a" "$n1" "$r1"
		done
		echo "sanity: ma quick: $(cat "$OUT/lat_quick.sanity" 2>/dev/null || echo -)"
		echo "        ma full: $(cat "$OUT/lat_full.sanity" 2>/dev/null || echo -)"
		[ "$PEERS" = 1 ] && echo "        nmap: ssl-enum-ciphers results for ${LAT_NMAP_EPS:-0} of $SUB_EPS endpoints"
		echo
	fi
	if [ "$N2" -gt 0 ]; then
		echo "== big run: mailaudit, default options, --format json (streamed), $((4 * N2)) endpoints ($N2 addresses x 4) =="
		if have ma_big; then
			printf '%-42s %12s\n' "peak RSS (MB)" "$(col rss ma_big $((4 * N2)))"
			printf '%-42s %12s\n' "wall time (s)" "$(col wall ma_big $((4 * N2)))"
			printf '%-42s %12s\n' "endpoints/s" "$(col eps ma_big $((4 * N2)))"
			printf '%-42s %12s\n' "client CPU s per endpoint" "$(col ccpue ma_big $((4 * N2)))"
			printf '%-42s %12s\n' "server CPU s per endpoint" "$(col scpue ma_big $((4 * N2)))"
			printf '%-42s %12s\n' "CPU s used by other processes meanwhile" "${OTHER[ma_big]:--}"
			echo "sanity: $(cat "$OUT/ma_big.sanity" 2>/dev/null || echo -); exit ${RC[ma_big]:--} ${NOTE[ma_big]:-}"
		else
			echo "${NOTE[ma_big]:-not run}"
		fi
		echo
	fi
	echo "== targets =="
	# connections per endpoint, from the reports (issue #13)
	for n in ma_quick_subset:8:default ma_full_subset:12:full; do
		f=$OUT/${n%%:*}.json lim=${n#*:} lim=${lim%%:*}
		[ -s "$f" ] || continue
		read -r most mean < <(jq -r '[.endpoints[].connections] | "\(max) \(add / length)"' "$f")
		ports=$(jq -r '[.endpoints[] | {port, connections}] | group_by(.port)
			| map("\(.[0].port): \(map(.connections) | max)") | join(", ")' "$f")
		ok=$(awk -v m="$most" -v l="$lim" 'BEGIN { print (m <= l) ? 1 : 0 }')
		echo "$(verdict "$ok")  a compliant endpoint at ${n##*:} depth costs <= $lim connections: at most $most ($(printf '%.1f' "$mean") per endpoint; by port $ports)"
	done
	if have lat_quick; then
		ok=$(awk -v w="${WALL[lat_quick]}" -v e="$SUB_EPS" 'BEGIN { print (w <= 4 * e / 100) ? 1 : 0 }')
		echo "$(verdict "$ok")  $SUB_EPS endpoints across $RTT ms RTT in <= $(awk -v e="$SUB_EPS" 'BEGIN { printf "%.1f", 4 * e / 100 }') s at the default depth (4 s per 100): ${WALL[lat_quick]} s"
	fi
	if have ma_default; then
		limit=$(awk -v e="$ENDPOINTS" 'BEGIN { printf "%.1f", e / 200 }')
		ok=$(awk -v w="${WALL[ma_default]}" -v l="$limit" 'BEGIN { print (w <= l) ? 1 : 0 }')
		by=$(awk -v w="${WALL[ma_default]}" -v l="$limit" 'BEGIN { printf "%.1fx the target", w / l }')
		echo "$(verdict "$ok")  default check set over $ENDPOINTS endpoints in <= $limit s (5 s per 1,000): ${WALL[ma_default]} s ($by)"
	fi
	if have ma_full_subset && have nmap_subset; then
		mas=(ma_full_subset) nms=(nmap_subset) n4s=()
		have nmap_t4_subset && n4s=(nmap_t4_subset)
		for ((k = 1; k < REPEAT; k++)); do
			have "ma_full_rep$k" && mas+=("ma_full_rep$k")
			have "nmap_rep$k" && nms+=("nmap_rep$k")
			have "nmap_t4_rep$k" && n4s+=("nmap_t4_rep$k")
		done
		ma=$(median "${mas[@]}")
		best=$(median "${nms[@]}")
		[ ${#n4s[@]} -eq 0 ] || best=$(awk -v a="$best" -v b="$(median "${n4s[@]}")" 'BEGIN { print (b < a) ? b : a }')
		r=$(div "$best" "$ma" "%.1f")
		ok=$(awk -v r="$r" 'BEGIN { print (r >= 5) ? 1 : 0 }')
		echo "$(verdict "$ok")  --tls-depth full >= 5x faster than nmap (the faster of default and -T4) on the same $SUB_EPS endpoints: ${r}x (medians of ${#mas[@]} interleaved runs: $ma s vs $best s; mailaudit $(walls "${mas[@]}"), nmap $(walls "${nms[@]}"), nmap -T4 $(walls "${n4s[@]}"))"
	fi
	if have ma_big; then
		ok=$(awk -v k="${RSS[ma_big]}" 'BEGIN { print (k <= 65536) ? 1 : 0 }')
		echo "$(verdict "$ok")  peak RSS <= 64 MB for $((4 * N2)) endpoints: $(mb "${RSS[ma_big]}") MB"
	fi
	echo
	echo "raw outputs: ${OUT#"$ROOT"/}/ (reports, /usr/bin/time, server log slices, peer outputs)"
	[ "$PROFILE" = 1 ] && echo "profile: ${BENCH_DIR#"$ROOT"/}/perf-report.txt"
	echo "elapsed: $((SECONDS - START)) s"
} | tee "$BENCH_DIR/results.txt"
