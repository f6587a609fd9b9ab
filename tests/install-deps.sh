#!/bin/sh
# Installs the Debian packages mailaudit's build, tests and demo need, if
# any is missing (--dev: also the fuzzing and lint tools). Idempotent;
# needs root (or sudo) only when it installs. --deb: also what make deb and
# make deb-test use.
set -eu
# libunbound-dev and dns-root-data: --external (DNSSEC validation, the root
# trust anchor); nsd and ldnsutils: the signed test zone of make dns;
# mailutils-imap4d, mailutils-pop3d, nginx-full and libnginx-mod-mail: the
# fixtures of other real servers (tests/impls.sh, issue #12)
# libcurl4-gnutls-dev: --fetch-aia (libcurl built on our GnuTLS)
PKGS="build-essential pkg-config libgnutls28-dev gnutls-bin libcjson-dev check
libunbound-dev dns-root-data libcurl4-gnutls-dev
dovecot-imapd dovecot-pop3d python3-jsonschema parallel chromium valgrind
nsd ldnsutils
mailutils-imap4d mailutils-pop3d nginx-full libnginx-mod-mail"
# system services those packages enable at boot: the tests run their own
# instances on loopback, none may listen on the machine's addresses
SERVICES="mailutils-imap4d mailutils-pop3d nginx"
# --dev: also what make fuzz, make lint and make format use
[ "${1:-}" = "--dev" ] && PKGS="$PKGS clang libclang-rt-14-dev clang-tidy clang-format cppcheck"
# --deb: dpkg-buildpackage with dh, lintian, and man -w for the installed
# page
[ "${1:-}" = "--deb" ] && PKGS="$PKGS debhelper dpkg-dev fakeroot lintian man-db"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
# npm fetches Microsoft's SARIF validator for make formats
# (tests/formats/sarif_official.sh); any npm on PATH will do
command -v npm >/dev/null || missing="$missing npm"
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Dovecot's and NSD's postinst would start the system-wide daemons; keep
# them off so the tests' private instances own the mail and DNS ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod +x /usr/sbin/policy-rc.d
	trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
for s in $SERVICES; do
	if command -v systemctl >/dev/null 2>&1; then
		$SUDO systemctl disable --quiet "$s.service" 2>/dev/null || true
	fi
	$SUDO rm -f "/etc/systemd/system/multi-user.target.wants/$s.service"
done
