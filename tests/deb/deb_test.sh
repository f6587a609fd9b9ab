#!/bin/bash
# deb_test.sh VERSION DEB CHANGES — the Debian package (issue #14), as
# `make deb` built it: lintian finds no error or warning in the .changes
# (source and binary), then the package is installed on this machine with
# dpkg -i, checked (binary, --version, man -w, bash completion, README,
# CI examples) and removed with dpkg -r. Only the mailaudit package is
# touched. Needs root.
set -euo pipefail
VERSION=$1
DEB=$2
CHANGES=$3
fail() { echo "deb-test: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (dpkg -i)"
[ -f "$DEB" ] || fail "no $DEB (make deb)"

# lintian: every tag shown (info too); errors and warnings fail. It runs
# as nobody, as it asks to (it unpacks what it checks), with its own HOME.
LHOME=$(mktemp -d)
chown nobody "$LHOME"
CHANGES=$(realpath "$CHANGES")
(cd "$LHOME" && runuser -u nobody -- env HOME="$LHOME" \
	lintian --info --display-info --fail-on error,warning "$CHANGES") ||
	{ rm -rf "$LHOME"; fail "lintian reports errors or warnings"; }
rm -rf "$LHOME"

if dpkg-query -W -f='${Status}' mailaudit 2>/dev/null | grep -q "ok installed"; then
	echo "deb-test: note: a mailaudit package is installed; it is replaced and removed" >&2
fi
trap 'dpkg -r mailaudit >/dev/null 2>&1 || :' EXIT
dpkg -i "$DEB" >/dev/null || fail "dpkg -i $DEB"

got=$(/usr/bin/mailaudit --version) || fail "mailaudit --version exits $?"
echo "$got" | grep -qw -- "$VERSION" || fail "--version says '$got', not $VERSION"
man=$(man -w mailaudit) || fail "man -w mailaudit finds no page"
[ "$man" = /usr/share/man/man1/mailaudit.1.gz ] ||
	fail "man -w mailaudit: $man, not the package's /usr/share/man/man1/mailaudit.1.gz"
zcat "$man" | grep -q "^\.TH MAILAUDIT 1 .*\"mailaudit $VERSION\"" ||
	fail "the man page's title line does not name mailaudit $VERSION"
COMP=/usr/share/bash-completion/completions/mailaudit
[ -f "$COMP" ] || fail "no $COMP"
cmp -s "$COMP" <(/usr/bin/mailaudit completion bash) ||
	fail "$COMP is not what 'mailaudit completion bash' prints"
# shellcheck source=/dev/null
out=$(bash -c "source $COMP && COMP_WORDS=(mailaudit --tls-depth '') COMP_CWORD=2 && _mailaudit && echo \${COMPREPLY[*]}")
[ "$out" = "off quick full" ] || fail "the installed completion offers '$out' after --tls-depth"
DOC=/usr/share/doc/mailaudit
ls "$DOC"/README.md* >/dev/null 2>&1 || fail "no README in $DOC"
[ -f "$DOC/copyright" ] || fail "no $DOC/copyright"
for f in docs/ci/*; do
	ls "$DOC/examples/$(basename "$f")"* >/dev/null 2>&1 ||
		fail "no $DOC/examples/$(basename "$f")"
done

dpkg -r mailaudit >/dev/null || fail "dpkg -r mailaudit"
trap - EXIT
[ ! -e /usr/bin/mailaudit ] || fail "/usr/bin/mailaudit is left after dpkg -r"
[ ! -e "$COMP" ] || fail "$COMP is left after dpkg -r"
echo "deb-test: ok ($(basename "$DEB"): lintian clean, installed, checked, removed)"
