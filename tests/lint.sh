#!/bin/sh
# Static checks for mailaudit (`make lint` runs `tests/lint.sh $(B)`).
#
#   1. clang-tidy   curated checks in .clang-tidy (every warning is an error)
#   2. cppcheck     warning, performance, portability; inline suppressions
#                   only, each with a reason on the line above
#   3. banned       sprintf strcpy strcat atoi gets vsprintf
#   4. layers       probes/ without sockets, GnuTLS or cJSON; reports/
#                   without GnuTLS or sockets; GnuTLS only in scanner/tls/,
#                   libunbound only in scanner/net/dnscheck.c, libcurl
#                   only in scanner/net/aiafetch.c; which folder
#                   may include which (HACKING.md)
#   5. format       clang-format --dry-run --Werror (as `make format-check`)
#   6. generated    scanner/tls/suites.inc is what gen_suites.py makes
#   7. file size    no product C file over 800 lines
#
# Every step runs even when an earlier one failed; the summary at the end
# says which failed, and the exit status is 1 if any did (2 on misuse).
# Logs go to BUILDDIR/lint/. LINT_JOBS overrides the parallelism.
#
# Usage: tests/lint.sh [BUILDDIR]

set -u

B=${1:-build/release}
cd "$(dirname "$0")/.." || exit 2
LOG=$B/lint
mkdir -p "$LOG" || exit 2
JOBS=${LINT_JOBS:-$(nproc 2>/dev/null || echo 2)}

# recursive, as in the Makefile: the layers live in subfolders
SRC=$(find scanner probes reports -name '*.c' | sort)
PRODUCT_SRC=$(find scanner probes reports -name '*.[ch]' | sort)
FUZZ_SRC=$(ls tests/fuzz/*.c 2>/dev/null)
FORMAT_SRC=$(find scanner probes reports tests -name '*.[ch]' | sort)
PKG_CFLAGS=$(pkg-config --cflags gnutls libcjson 2>/dev/null)
# as the Makefile compiles them (MAILAUDIT_VERSION only so main.c parses)
TIDY_FLAGS="-std=c11 -D_GNU_SOURCE -I. -DMAILAUDIT_VERSION=\"lint\" $PKG_CFLAGS"

failed=""
summary=""
t0=$(date +%s)

# result NAME COUNT DETAIL: records a step's outcome for the summary.
result()
{
	took="$(($(date +%s) - step_t0))s"
	if [ "$2" -eq 0 ]; then
		summary="$summary
  PASS  $(printf '%-17s %4s' "$1" "$took")"
	else
		summary="$summary
  FAIL  $(printf '%-17s %4s' "$1" "$took")  $2 $3"
		failed="$failed $1"
	fi
}

have()
{
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "lint: $1 not found (apt-get install $2)" >&2
	return 1
}

section()
{
	step_t0=$(date +%s)
	printf '\n==> %s\n' "$1"
}

# --- 1. clang-tidy ------------------------------------------------------
# shellcheck disable=SC2086 # the file lists are meant to be split
section "clang-tidy ($(echo $SRC $FUZZ_SRC | wc -w) files, $JOBS jobs)"
if have clang-tidy clang-tidy; then
	rm -f "$LOG"/tidy-*.log
	mkdir -p "$LOG/tidy-cache"
	# One clang-tidy per file, JOBS at a time. A file whose preprocessed
	# text, flags, .clang-tidy and clang-tidy version were clean before
	# is not analysed again (LINT_NO_CACHE=1 forces a full run).
	confkey=$({ cat .clang-tidy; clang-tidy --version; echo "$TIDY_FLAGS"; } |
		sha1sum | cut -c1-40)
	[ "${LINT_NO_CACHE:-0}" = 1 ] && rm -f "$LOG"/tidy-cache/*
	# shellcheck disable=SC2086,SC2016
	printf '%s\n' $SRC $FUZZ_SRC | xargs -P "$JOBS" -I{} sh -c '
		log="$1/tidy-$(echo "$2" | tr / _).log"
		key=$( { echo "$4 $2"; clang -E $3 "$2" 2>&1; } | sha1sum |
			cut -c1-40)
		[ -f "$1/tidy-cache/$key" ] && { : >"$log"; exit 0; }
		if clang-tidy --quiet "$2" -- $3 >"$log" 2>&1; then
			touch "$1/tidy-cache/$key"
		else
			echo "clang-tidy exited $? on $2" >>"$log"
		fi
	' sh "$LOG" {} "$TIDY_FLAGS" "$confkey"
	# headers are seen once per file including them: de-duplicate
	diag='^[^ ].*:[0-9]+:[0-9]+: (warning|error):'
	cat "$LOG"/tidy-*.log | grep -E "$diag" |
		sed -e "s|^$(pwd)/||" -e 's|^\./||' | sort -u >"$LOG/tidy.txt"
	# a failure without a diagnostic (a crash, a bad flag) counts too
	for f in "$LOG"/tidy-*.log; do
		grep -qE "$diag" "$f" || grep '^clang-tidy exited' "$f"
	done >>"$LOG/tidy.txt"
	n=$(grep -c . "$LOG/tidy.txt")
	if [ "$n" -gt 0 ]; then
		cat "$LOG/tidy.txt"
		echo "(full notes: $LOG/tidy-*.log)"
	fi
	result clang-tidy "$n" "finding(s)"
else
	result clang-tidy 1 "(tool missing)"
fi

# --- 2. cppcheck --------------------------------------------------------
section "cppcheck"
if have cppcheck cppcheck; then
	# shellcheck disable=SC2086
	cppcheck --enable=warning,performance,portability --error-exitcode=1 \
		--inline-suppr -I. -D_GNU_SOURCE --std=c11 \
		--library=posix --library=gnu -j "$JOBS" -q \
		--template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
		$SRC $FUZZ_SRC >"$LOG/cppcheck.txt" 2>&1
	rc=$?
	n=$(grep -c ': \(error\|warning\|performance\|portability\|style\): ' \
		"$LOG/cppcheck.txt")
	[ "$rc" -ne 0 ] && [ "$n" -eq 0 ] && n=1
	cat "$LOG/cppcheck.txt"
	result cppcheck "$n" "finding(s)"
else
	result cppcheck 1 "(tool missing)"
fi

# --- 3. banned functions ------------------------------------------------
# Unbounded or unchecked: use snprintf/xasprintf, memcpy with a length,
# strtol/strtoul with end and range checks, fgets/getline.
section "banned functions"
# comment lines (starting with /* , * or //) are skipped
# shellcheck disable=SC2086
# shellcheck disable=SC2086
grep -nE '(^|[^A-Za-z0-9_])(sprintf|vsprintf|strcpy|strcat|atoi|gets)[[:space:]]*\(' \
	$PRODUCT_SRC |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' >"$LOG/banned.txt"
n=$(grep -c . "$LOG/banned.txt")
cat "$LOG/banned.txt"
result banned-functions "$n" "use(s)"

# --- 4. layer rules -----------------------------------------------------
section "layer rules (HACKING.md)"
: >"$LOG/layers.txt"
# inc_grep GLOB... -- REGEX REASON: direct #include lines matching REGEX
inc_check()
{
	re=$1
	why=$2
	shift 2
	grep -HnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($re)" \
		"$@" 2>/dev/null | sed "s|\$|    <- $why|" >>"$LOG/layers.txt"
}
SOCK='sys/socket\.h|netinet/|netdb\.h'
in_dir() { echo "$PRODUCT_SRC" | grep "^$1/"; }
# shellcheck disable=SC2046
inc_check "$SOCK|gnutls/|cjson/|cJSON\.h|unbound\.h|curl/" \
	"probes/ never sees sockets, GnuTLS, cJSON, libunbound or libcurl" $(in_dir probes)
# shellcheck disable=SC2046
inc_check "$SOCK|gnutls/|unbound\.h" \
	"reports/ never sees GnuTLS, libunbound or sockets" $(in_dir reports)
for f in $PRODUCT_SRC; do
	case $f in
	scanner/tls/*) ;;
	*) inc_check "gnutls/" "only scanner/tls/ includes GnuTLS" "$f" ;;
	esac
	# libunbound (--external) stays in the DNS lookups, like GnuTLS in
	# scanner/tls/
	[ "$f" = scanner/net/dnscheck.c ] ||
		inc_check "unbound\.h" \
			"only scanner/net/dnscheck.c includes libunbound" "$f"
	# libcurl (--fetch-aia, issue #12) likewise in the AIA fetcher
	[ "$f" = scanner/net/aiafetch.c ] ||
		inc_check "curl/" \
			"only scanner/net/aiafetch.c includes libcurl" "$f"
done
# Folder rules: which layer may include which (HACKING.md).
# folder_rule FOLDER REGEX REASON: no file under FOLDER includes a
# project header matching REGEX
folder_rule()
{
	for f in $(in_dir "$1"); do
		grep -HnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*\"($2)" \
			"$f" | sed "s|\$|    <- $3|"
	done >>"$LOG/layers.txt"
}
folder_rule scanner/core 'scanner/(engine|tls|net|gate|cli)/|probes/|reports/' \
	"scanner/core/ is what every layer shares: it includes only scanner/core/"
folder_rule scanner/engine 'probes/checks/|reports/|scanner/(gate|cli)/' \
	"the engine connects and converses; it never judges or renders"
folder_rule reports 'probes/checks/([^c]|c[^a])|scanner/(engine|net|cli)/' \
	"reports/ renders: no judgement (but the catalog), engine, net or CLI"
folder_rule probes 'reports/|scanner/(cli|gate|net)/|scanner/tls/tls\.h' \
	"probes/ gathers facts and judges them: no reports, CLI, gate, names or TLS connections"
# Indirect includes count too: preprocess every probes/ and reports/ file
# and look for GnuTLS (and, in probes/, cJSON) headers in its closure.
for f in $(echo "$SRC" | grep -E '^(probes|reports)/'); do
	case $f in
	probes/*) re='/gnutls/|/cjson/|/cJSON\.h|/unbound\.h|/curl/' ;;
	*) re='/gnutls/|/unbound\.h|/curl/' ;;
	esac
	# shellcheck disable=SC2086
	deps=$(${CC:-cc} -std=c11 -D_GNU_SOURCE -I. $PKG_CFLAGS -M "$f" \
		2>&1) || {
		echo "$f: cannot preprocess: $deps" >>"$LOG/layers.txt"
		continue
	}
	# shellcheck disable=SC1003,SC2020
	hdrs=$(echo "$deps" | tr ' \\' '\n\n' | grep -E "$re" | sort -u)
	# a file that includes the header itself is reported above already
	if [ -n "$hdrs" ] && ! grep -q "^$f:" "$LOG/layers.txt"; then
		echo "$f: includes $(echo "$hdrs" | head -n 1) indirectly" \
			"($(echo "$hdrs" | wc -l) such headers; see cc -H $f)" \
			>>"$LOG/layers.txt"
	fi
done
n=$(grep -c . "$LOG/layers.txt")
cat "$LOG/layers.txt"
result layer-rules "$n" "violation(s)"

# --- 5. clang-format ----------------------------------------------------
section "clang-format"
if have clang-format clang-format; then
	# shellcheck disable=SC2086
	clang-format --dry-run --Werror $FORMAT_SRC >"$LOG/format.txt" 2>&1
	rc=$?
	files=$(grep -oE '^[^ :]+\.[ch]:[0-9]+:[0-9]+: (error|warning)' \
		"$LOG/format.txt" | cut -d: -f1 | sort -u)
	n=$(echo "$files" | grep -c .)
	[ "$rc" -ne 0 ] && [ "$n" -eq 0 ] && n=1
	if [ "$n" -gt 0 ]; then
		for f in $files; do
			printf '  %-36s %s line(s) differ\n' "$f" "$(grep -c \
				"^$f:[0-9]*:[0-9]*: \(error\|warning\)" \
				"$LOG/format.txt")"
		done
		echo "(details: $LOG/format.txt; fix with 'make format')"
	fi
	result clang-format "$n" "file(s) not formatted"
else
	result clang-format 1 "(tool missing)"
fi

# --- generated tables ---------------------------------------------------
# Committed generator output must be what its generator writes from the
# committed data: scanner/tls/suites.inc from suites.tsv (gen_suites.py).
section "generated tables"
if have python3 python3; then
	gen=$LOG/suites.inc
	if python3 scanner/tls/gen_suites.py scanner/tls/suites.tsv "$gen" \
		>"$LOG/generated.txt" 2>&1; then
		diff -u scanner/tls/suites.inc "$gen" >>"$LOG/generated.txt" &&
			: >"$LOG/generated.txt"
	fi
	n=0
	if [ -s "$LOG/generated.txt" ]; then
		n=1
		cat "$LOG/generated.txt"
		echo "(regenerate: python3 scanner/tls/gen_suites.py)"
	fi
	result generated-tables "$n" "stale file(s)"
else
	result generated-tables 1 "(tool missing)"
fi

# --- file size ----------------------------------------------------------
# Small files with one job: no product C file over 800 lines (data rows
# live in .inc/.def files beside their table).
section "file size"
: >"$LOG/size.txt"
for f in $PRODUCT_SRC; do
	n=$(wc -l <"$f")
	[ "$n" -le 800 ] || echo "$f: $n lines (over 800)" >>"$LOG/size.txt"
done
n=$(grep -c . "$LOG/size.txt")
cat "$LOG/size.txt"
result file-size "$n" "file(s) over 800 lines"

# --- summary ------------------------------------------------------------
printf '\n==> lint summary (%ss, logs in %s)%s\n' "$(($(date +%s) - t0))" \
	"$LOG" "$summary"
if [ -n "$failed" ]; then
	echo "lint: FAILED:$failed"
	exit 1
fi
echo "lint: all checks passed"
exit 0
