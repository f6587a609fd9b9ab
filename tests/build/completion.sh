#!/bin/bash
# completion.sh BUILDDIR — the bash completion script (issue #14), as
# `make` writes it to BUILDDIR/completion/mailaudit from `mailaudit
# completion bash`: sourced in bash, _mailaudit is driven through
# COMP_WORDS/COMP_CWORD as bash's programmable completion would, and every
# option `--help` lists completes.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-build/release}" && pwd)
SCRIPT=$B/completion/mailaudit
MA=$B/mailaudit
[ -f "$SCRIPT" ] || { echo "completion: FAIL: no $SCRIPT (make all)" >&2; exit 1; }
cmp -s "$SCRIPT" <("$MA" completion bash) ||
	{ echo "completion: FAIL: $SCRIPT is not what 'mailaudit completion bash' prints" >&2; exit 1; }
# the subcommand's bad arguments: one line, exit 2
for args in "" zsh "bash bash" --bogus; do
	# shellcheck disable=SC2086
	if err=$("$MA" completion $args 2>&1 >/dev/null); then
		echo "completion: FAIL: 'mailaudit completion $args' succeeded" >&2; exit 1
	elif [ $? -ne 2 ] || [ "$(echo "$err" | wc -l)" -ne 1 ]; then
		echo "completion: FAIL: 'mailaudit completion $args': want one line and exit 2, got: $err" >&2; exit 1
	fi
done
"$MA" completion --help | grep -q "^usage: mailaudit completion bash" ||
	{ echo "completion: FAIL: mailaudit completion --help" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
mkdir reports
: >old.json
: >new.json
: >reports/scan.json

# shellcheck source=/dev/null
source "$SCRIPT"
complete -p mailaudit | grep -q -- '-F _mailaudit mailaudit' ||
	{ echo "completion: FAIL: 'complete -F _mailaudit mailaudit' not registered" >&2; exit 1; }

nfail=0
# expect "WANT" WORD...: completing the last WORD of the command line
# "mailaudit WORD..." gives exactly WANT (sorted, space-separated)
expect() {
	local want=$1 got
	shift
	COMP_WORDS=(mailaudit "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_mailaudit
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | xargs)
	want=$(printf '%s\n' $want | sort | xargs)
	if [ "$got" != "$want" ]; then
		echo "completion: FAIL: mailaudit $*<TAB>: got '$got', want '$want'" >&2
		nfail=$((nfail + 1))
	fi
}
# shellcheck disable=SC2016
profiles=$("$MA" profiles | sed -n 's/^\([a-z0-9-]*\)\( (default)\)\{0,1\}$/\1/p' | xargs)
[ -n "$profiles" ] || { echo "completion: FAIL: no profile names from 'mailaudit profiles'" >&2; exit 1; }

expect "scan report diff merge profiles completion" ""      # subcommands
expect "report" re
expect "--fail-on --format" report --f                       # option of a subcommand
expect "--dns-server --dns-trust-anchor" scan --dns          # scan's options
expect "--dns-server --dns-trust-anchor" --dns               # scan is the default
expect "--help -h" profiles -
expect "text json jsonl sarif junit html" --format ""        # format values
expect "json jsonl junit" report --format j
expect "text json" diff --format ""                          # diff's own formats
expect "$profiles" --profile ""                              # profile values
expect "mozilla-intermediate mozilla-modern mozilla-old" merge --profile moz
expect "$profiles" profiles ""                               # profiles' operands
expect "high" scan --fail-on h                               # severities
expect "off quick full" --tls-depth ""                       # TLS depths
expect "imaps imap" --service ima
expect "" --timeout ""                                       # a number: nothing
expect "new.json" diff old.json n                            # file fallback
expect "reports" report re
expect "reports/scan.json" merge reports/
expect "old.json" --waivers o
expect "bash" completion ""

# every option --help lists completes
for h in "" report diff profiles completion; do
	# shellcheck disable=SC2086
	# the left column: "  -q, --quiet", "  --format FMT"
	for opt in $("$MA" $h --help | sed -n 's/^  \(-[^ ]*\(, -[^ ]*\)*\).*/\1/p' |
		tr -d , | tr " " "\n" | grep -vx -- "-\{0,1\}" | sort -u); do
		if [ -z "$h" ]; then
			expect "$opt" "$opt"
		else
			COMP_WORDS=(mailaudit "$h" "$opt") COMP_CWORD=2
			_mailaudit
			printf '%s\n' "${COMPREPLY[@]}" | grep -qx -- "$opt" || {
				echo "completion: FAIL: mailaudit $h $opt<TAB> does not offer $opt" >&2
				nfail=$((nfail + 1))
			}
		fi
	done
done

[ "$nfail" -eq 0 ] || { echo "completion: $nfail case(s) failed" >&2; exit 1; }
echo "completion: ok"
