#!/bin/bash
# quiet.sh BUILDDIR — the quiet build (issue #14): by default make prints
# one "  CC      FILE" line per step and no compiler command line, make V=1
# prints the commands, and a compiler diagnostic shows either way. Cheap:
# one touched file is rebuilt, and one object is compiled into a
# temporary directory to provoke a diagnostic.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
B=${1:-build/release}
SRC=scanner/cli/usage.c
OBJ=$B/scanner/cli/usage.o
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() {
	echo "quiet build: FAIL: $*" >&2
	sed 's/^/    | /' "$TMP/out" >&2
	exit 1
}
# a make of its own: not the calling make's jobserver, V or -s
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@" >"$TMP/out" 2>&1; }

touch "$SRC"
mk B="$B" "$B/mailaudit" || fail "make $B/mailaudit failed"
grep -qx "  CC      $OBJ" "$TMP/out" || fail "no 'CC $OBJ' line"
grep -qx "  AR      $B/libmailaudit.a" "$TMP/out" || fail "no 'AR' line"
grep -qx "  LD      $B/mailaudit" "$TMP/out" || fail "no 'LD $B/mailaudit' line"
if grep -Eq -- '(^| )(cc|gcc|clang|ar)( |$)|-Wall|-c -o' "$TMP/out"; then
	fail "a command line in the quiet output"
fi
# every line is a tagged step
if grep -Evq '^  [A-Z]+ +[^ ]' "$TMP/out"; then
	fail "an untagged line in the quiet output"
fi

touch "$SRC"
mk V=1 B="$B" "$B/mailaudit" || fail "make V=1 $B/mailaudit failed"
grep -q -- "-c -o $OBJ $SRC\$" "$TMP/out" || fail "V=1 printed no compiler command"
grep -q "^  CC " "$TMP/out" && fail "V=1 printed a quiet line"

# a diagnostic (a macro defined twice; an error under -Werror) is shown
# in a quiet build too
if mk B="$TMP/b" EXTRA_CFLAGS="-DQUIET_BUILD_TEST=1 -DQUIET_BUILD_TEST=2" \
	"$TMP/b/scanner/cli/usage.o"; then
	fail "the provoked diagnostic did not fail the build"
fi
grep -qx "  CC      $TMP/b/scanner/cli/usage.o" "$TMP/out" || fail "no CC line before the diagnostic"
grep -q "QUIET_BUILD_TEST.*redefined" "$TMP/out" || fail "the compiler's diagnostic was hidden"
echo "quiet build: ok (CC/AR/LD lines, V=1 commands, diagnostics shown)"
