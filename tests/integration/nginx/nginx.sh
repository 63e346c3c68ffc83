# nginx.sh: run Debian's nginx with the built module on a free loopback
# port, for the tests in this directory.  Sourced after tap.sh and
# servers.sh.

PXN_MODULE="$top_builddir/nginx-module/.libs/ngx_http_pxekit_module.so"
PXN_MKTREE="$top_builddir/tests/common/mktree"
# nginx reads inherited listening sockets from $NGINX: never pass ours on.
PXN_NGINX=${NGINX:-/usr/sbin/nginx}
unset NGINX

# pxn_requirements: skip the whole test (with a reason) when a piece is
# missing, never pass.
pxn_requirements() {
    if [ ! -x "$PXN_NGINX" ]; then echo "1..0 # SKIP no nginx binary"; exit 0; fi
    if [ ! -f "$PXN_MODULE" ]; then echo "1..0 # SKIP module not built"; exit 0; fi
    if ! command -v curl >/dev/null; then echo "1..0 # SKIP no curl"; exit 0; fi
}

# pxn_conf FILE HTTP-BODY: an nginx.conf that loads the module, keeps
# every path inside $PXE_WORK and includes HTTP-BODY in http {}.
pxn_conf() {
    mkdir -p "$PXE_WORK/logs" "$PXE_WORK/tmp"
    cat >"$1" <<CONF
load_module $PXN_MODULE;
$( [ "$(id -u)" -eq 0 ] && echo "user root;" )
worker_processes 1;
pid $PXE_WORK/logs/nginx-$(basename "$1").pid;
error_log $PXE_WORK/logs/error.log info;
events { worker_connections 128; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $PXE_WORK/logs/access.log;
    client_body_temp_path $PXE_WORK/tmp/body;
    proxy_temp_path $PXE_WORK/tmp/proxy;
    fastcgi_temp_path $PXE_WORK/tmp/fastcgi;
    uwsgi_temp_path $PXE_WORK/tmp/uwsgi;
    scgi_temp_path $PXE_WORK/tmp/scgi;
$2
}
CONF
}

# pxn_test CONF: nginx -t; prints its output, status as nginx's.
pxn_test() {
    LD_PRELOAD="$(pxe_preload)" ASAN_OPTIONS=detect_leaks=0 \
        "$PXN_NGINX" -t -p "$PXE_WORK" -c "$1" -e "$PXE_WORK/logs/error.log" 2>&1
}

# pxn_start CONF PORT [EXTRA -g]: start nginx in the foreground (in the
# background of this shell), wait for the port, track the PID.
pxn_start() {
    LD_PRELOAD="$(pxe_preload)" ASAN_OPTIONS=detect_leaks=0 \
        "$PXN_NGINX" -p "$PXE_WORK" -c "$1" -e "$PXE_WORK/logs/error.log" \
        -g "daemon off;${3:-}" 2>>"$PXE_WORK/logs/stderr.log" &
    PXN_PID=$!
    pxe_track "$PXN_PID"
    pxe_wait_tcp "$2" 20 || tap_bail "nginx did not start on port $2: $(tail -n 5 "$PXE_WORK/logs/error.log" "$PXE_WORK/logs/stderr.log")"
}

# pxn_get URL OUT [CURL ARGS...]: prints the status, body in OUT.
pxn_get() {
    _u=$1 _o=$2; shift 2
    curl -s --path-as-is -o "$_o" -w '%{http_code}' "$@" "$_u"
}
