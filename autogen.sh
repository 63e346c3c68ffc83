#!/bin/sh
# autogen.sh: generate configure.  automake installs every auxiliary file
# but the TAP driver, which our tests speak; take it from automake too.
set -e
cd "$(dirname "$0")"
autoreconf -fi
for d in /usr/share/automake-*; do
    if [ -f "$d/tap-driver.sh" ]; then
        cp "$d/tap-driver.sh" build-aux/tap-driver.sh
        exit 0
    fi
done
echo "autogen.sh: automake's tap-driver.sh not found" >&2
exit 1
