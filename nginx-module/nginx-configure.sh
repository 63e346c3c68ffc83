#!/usr/bin/env bash
# nginx-configure.sh SRC BUILDDIR: run nginx's own configure with the flags
# the installed nginx was built with (Debian's nginx-dev ships them as
# conf_flags), writing only into BUILDDIR.  That yields ngx_auto_config.h
# and ngx_auto_headers.h matching /usr/sbin/nginx, so the module loads
# without "is not binary compatible".
set -euo pipefail
src=$1 builddir=$2
cd "$src"
if [ -f ./conf_flags ]; then
    . ./conf_flags
else
    NGX_CONF_FLAGS=(--with-compat)
fi
exec ./configure "${NGX_CONF_FLAGS[@]}" --builddir="$builddir"
