#!/bin/sh
# changelog.sh VERSION — debian/changelog for `make deb`: the Makefile's
# VERSION is the one place the version lives, so the package's changelog
# is written from it (native package: no Debian revision). The date is
# the last commit's, so the same tree gives the same package.
set -eu
VERSION=$1
cd "$(dirname "$0")/../.."
MAINT=$(sed -n 's/^Maintainer: //p' debian/control)
DATE=$(git log -1 --format=%aD 2>/dev/null || date -R)
[ -n "$DATE" ] || DATE=$(date -R)
cat <<END
mailaudit ($VERSION) unstable; urgency=medium

  * mailaudit $VERSION, packaged by make deb from the source tree.

 -- $MAINT  $DATE
END
