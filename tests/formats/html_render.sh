#!/bin/bash
# html_render.sh BUILDDIR [HTMLFILE] — renders an HTML report in headless
# Chromium (Debian's chromium) and checks what the browser made of it.
#
#   1. a canary page (a script and an <img>) proves the set-up: with
#      JavaScript off its script must not run, and the net log must show
#      its image request (so the network check below is not blind);
#   2. HTMLFILE (default BUILDDIR/formats/report.html, which
#      tests/formats/validate.sh writes from a real fleet scan): the DOM
#      Chromium builds (--dump-dom) and a screenshot of a tall window
#      (--screenshot, RENDER_WIDTH x RENDER_HEIGHT, default 1280x5000),
#      each with JavaScript off, every host name resolving to nothing
#      (--host-resolver-rules) and a net log;
#   3. tests/formats/html_render.py checks the DOM (summary with the gate
#      verdict, the four inline SVG charts, one section per host, every
#      finding with its check id, severity, evidence and references, the
#      scan parameters), that neither the file nor the DOM has anything
#      that loads or runs (script, img, link, iframe, event handlers,
#      href/src to another document other than <a> links, CSS url()), that
#      the net logs have no request from the page, and that the PNG is a
#      screenshot of the page (window size, many colours, the verdict
#      banner and the chart's severity colours painted).
#
# JavaScript is switched off with the profile's content setting
# (profile.default_content_setting_values.javascript = 2 in a fresh
# --user-data-dir): Chromium 156's --blink-settings=scriptEnabled=false
# also stops --screenshot and --dump-dom from producing anything.
#
# Installs chromium with apt-get when it is missing (root). Output: the
# PNG, the DOM and the logs in BUILDDIR/html-render/. Exit 0 when every
# check passes, 1 when one fails, 2 on a usage or set-up problem.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 BUILDDIR [HTMLFILE]   (default: BUILDDIR/formats/report.html)" >&2
	exit 2
fi
mkdir -p "$1"
B=$(cd "$1" && pwd)
HTML=${2:-$B/formats/report.html}
W=${RENDER_WIDTH:-1280}
H=${RENDER_HEIGHT:-5000}
# the whole test stays under a minute: Chromium gets what is left of
# RENDER_DEADLINE seconds minus the time the checks need
DEADLINE=${RENDER_DEADLINE:-55}
OUT=$B/html-render
T0=$SECONDS

die() {
	echo "html_render: $1" >&2
	exit "${2:-1}"
}

[ -s "$HTML" ] || die "$HTML: no such file or empty" 2
HTML=$(cd "$(dirname "$HTML")" && pwd)/$(basename "$HTML")

# Debian's python3 first: a python3 earlier on PATH may be another one;
# only the standard library is used
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi
command -v "$PY" >/dev/null || die "python3 needed" 2
# file:// URL of a path (spaces and the like percent-encoded)
url_of() { "$PY" -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).as_uri())' "$1"; }

if ! command -v chromium >/dev/null; then
	[ "$(id -u)" = 0 ] || die "chromium missing (apt-get install chromium, as root)" 2
	echo "html_render: installing chromium" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q chromium >/dev/null ||
		{ apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; } ||
		die "apt-get install chromium failed" 2
fi

rm -rf "$OUT"
mkdir -p "$OUT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/html_render.XXXXXX")
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# chromium NAME ARGS...: one headless run with a new profile that has
# JavaScript off; its stderr goes to OUT/NAME.log, shown on failure.
chromium_run() {
	local name=$1 profile=$TMP/profile-$1 rc=0 left
	shift
	left=$((DEADLINE - 12 - (SECONDS - T0)))
	[ "$left" -ge 5 ] || die "out of time before chromium ($name) ran (RENDER_DEADLINE=$DEADLINE)"
	mkdir -p "$profile/Default"
	printf '%s\n' '{"profile":{"default_content_setting_values":{"javascript":2}}}' \
		>"$profile/Default/Preferences"
	timeout "$left" chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--disable-extensions --hide-scrollbars --mute-audio \
		--force-color-profile=srgb \
		--user-data-dir="$profile" \
		'--host-resolver-rules=MAP * ~NOTFOUND' \
		--log-net-log="$OUT/$name.netlog.json" \
		"$@" 2>"$OUT/$name.log" || rc=$?
	if [ "$rc" != 0 ]; then
		grep -v 'dbus\|^/usr/bin/chromium: ' "$OUT/$name.log" | tail -n 5 >&2 || true
		die "chromium ($name) exited with $rc$([ "$rc" = 124 ] && echo ': timed out')" 2
	fi
}

# 1. the canary
cat >"$TMP/canary.html" <<-'EOF'
	<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>
	<p id="c">CANARY-STATIC</p>
	<script>document.getElementById("c").textContent = "CANARY-" + "SCRIPT-RAN";</script>
	<img src="http://canary.invalid/probe.png" alt="">
	</body></html>
EOF
chromium_run canary --dump-dom "$(url_of "$TMP/canary.html")" >"$OUT/canary.dom.html"
"$PY" "$ROOT/tests/formats/html_render.py" canary "$OUT/canary.dom.html" \
	"$OUT/canary.netlog.json" || die "the canary failed: the checks below would prove nothing" 2

# 2. the report: DOM and screenshot
URL=$(url_of "$HTML")
chromium_run dom --window-size="$W,$H" --dump-dom "$URL" >"$OUT/report.dom.html"
chromium_run png --window-size="$W,$H" --screenshot="$OUT/report.png" "$URL"
[ -s "$OUT/report.png" ] || die "chromium wrote no screenshot ($OUT/png.log)"

# 3. the checks
rc=0
"$PY" "$ROOT/tests/formats/html_render.py" report "$HTML" "$OUT/report.dom.html" \
	"$OUT/report.png" "$W" "$H" "$OUT/dom.netlog.json" "$OUT/png.netlog.json" || rc=$?
if [ "$rc" != 0 ]; then
	echo "html_render: $HTML FAILED (output in $OUT)" >&2
	exit 1
fi
echo "html_render: $HTML ok in $((SECONDS - T0)) s (screenshot $OUT/report.png)"
