#!/bin/sh
# Runs one libFuzzer harness for `make fuzz` (tests/fuzz/fuzz.mk) and
# leaves a one-paragraph verdict in DIR/status/NAME, which the fuzz
# target collects. Never fails by itself, so `make -j` runs the others.
#
# Usage: tests/fuzz/run-fuzzer.sh NAME SECONDS DIR [libFuzzer flags...]
#   binary DIR/fuzz_NAME, corpus DIR/corpus/NAME (+ fixtures/fuzz/NAME/seeds),
#   dictionary fixtures/fuzz/NAME.dict if present, crash inputs in
#   DIR/artifacts/NAME/, log DIR/logs/NAME.log.
# FUZZ_TIMEOUT (default 30) is the per-input limit. A timeout that does
# not reproduce when the input is run again (a busy machine) is reported
# as flaky, not as a failure.

set -u
name=$1
secs=$2
dir=$3
shift 3
timeout=${FUZZ_TIMEOUT:-30}
bin=$dir/fuzz_$name
log=$dir/logs/$name.log
status=$dir/status/$name
seeds=fixtures/fuzz/$name/seeds
dict=fixtures/fuzz/$name.dict

mkdir -p "$dir/corpus/$name" "$dir/artifacts/$name" "$dir/logs" \
	"$dir/status" "$seeds"
rm -f "$status"
echo "fuzz: $name for ${secs}s (log: $log)"
[ -f "$dict" ] && set -- "-dict=$dict" "$@"
start=$(date +%s)
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" -max_total_time="$secs" -timeout="$timeout" \
	-print_final_stats=1 -artifact_prefix="$dir/artifacts/$name/" \
	"$@" "$dir/corpus/$name" "$seeds" >"$log" 2>&1
rc=$?
took=$(($(date +%s) - start))

final_stat()
{
	sed -n "s/^stat::$1: *//p" "$log" | tail -n 1
}

line=$(printf '%-11s %4ss %10s execs %7s exec/s %5s corpus' "$name" \
	"$took" "$(final_stat number_of_executed_units)" \
	"$(final_stat average_exec_per_sec)" "$(ls "$dir/corpus/$name" | wc -l)")
if [ "$rc" -eq 0 ]; then
	echo "$line  ok" >"$status"
	cat "$status"
	exit 0
fi

art=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
case $art in
*/timeout-*)
	if UBSAN_OPTIONS=halt_on_error=1 "$bin" -timeout="$timeout" "$art" \
		>/dev/null 2>&1; then
		{
			echo "$line  ok (flaky timeout)"
			echo "    $art took over ${timeout}s once but" \
				"not when run again: a busy machine?"
		} >"$status"
		cat "$status"
		exit 0
	fi
	;;
esac
{
	echo "$line  CRASH (exit $rc)"
	echo "    reproducer: ${art:-none written, see $log}"
	echo "    keep it:    mkdir -p fixtures/fuzz/$name/repro &&" \
		"cp ${art:-FILE} fixtures/fuzz/$name/repro/"
	echo "    rerun it:   $bin ${art:-FILE}"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|.*invariant failed|.*runtime error)' \
		"$log" | head -n 4 | sed 's/^/    /'
	# the first frames that are ours, not libFuzzer's or the sanitizers'
	grep -E '^ +#[0-9]+ 0x' "$log" |
		grep -v -e 'libFuzzer' -e 'fuzzer::' -e '__sanitizer' \
			-e 'compiler-rt' -e 'libc\.so' -e ' in __interceptor_' \
			-e ' in malloc ' -e ' in abort ' -e ' in raise ' \
			-e ' in __pthread_kill' -e ' in __libc_start' \
			-e ' in main ' -e ' in _start ' |
		head -n 6 | sed -e 's/^ *#[0-9]* 0x[0-9a-f]* in /      /' \
		-e "s|$(pwd)/||"
} >"$status"
cat "$status"
exit 0
