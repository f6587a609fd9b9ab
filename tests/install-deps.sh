#!/bin/sh
# Installs the Debian packages mailaudit's build, tests and demo need, if
# any is missing (--dev: also the fuzzing and lint tools). Idempotent;
# needs root (or sudo) only when it installs.
set -eu
# libunbound-dev and dns-root-data: --external (DNSSEC validation, the root
# trust anchor); nsd and ldnsutils: the signed test zone of make dns;
# libcurl4-gnutls-dev: --fetch-aia (libcurl built on our GnuTLS)
PKGS="build-essential pkg-config libgnutls28-dev gnutls-bin libcjson-dev check
libunbound-dev dns-root-data libcurl4-gnutls-dev
dovecot-imapd dovecot-pop3d python3-jsonschema parallel chromium valgrind
nsd ldnsutils"
# --dev: also what make fuzz, make lint and make format use
[ "${1:-}" = "--dev" ] && PKGS="$PKGS clang libclang-rt-14-dev clang-tidy clang-format cppcheck"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
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
