# servers.sh: start and stop real servers for integration tests.
# Servers run on 127.0.0.1 (or inside a namespace the test creates), from
# temp configs in a private directory, and are stopped by PID on exit.

# A private work directory, removed on exit unless PXE_KEEP is set.
pxe_workdir() {
    PXE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/pxekit-it.XXXXXX")
    chmod 755 "$PXE_WORK"
    PXE_PIDS=""
    trap pxe_cleanup EXIT
    trap 'exit 130' INT TERM
}

pxe_cleanup() {
    for _p in $PXE_PIDS; do pxe_stop "$_p"; done
    if [ -z "${PXE_KEEP:-}" ] && [ -n "${PXE_WORK:-}" ]; then rm -rf "$PXE_WORK"; fi
}

# pxe_track PID: stop this process at exit.
pxe_track() { PXE_PIDS="$PXE_PIDS $1"; }

# pxe_stop PID: TERM, wait up to 10 s, then KILL.
pxe_stop() {
    kill -0 "$1" 2>/dev/null || return 0
    kill -TERM "$1" 2>/dev/null
    _i=0
    while kill -0 "$1" 2>/dev/null && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}

# pxe_free_port [tcp|udp]: a port nobody listens on now.
pxe_free_port() {
    "${PYTHON3:-/usr/bin/python3}" - "${1:-tcp}" <<'PY'
import socket, sys
kind = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

# pxe_wait_tcp PORT [SECONDS]: until something accepts on 127.0.0.1:PORT.
pxe_wait_tcp() {
    _i=0
    while [ $_i -lt $((${2:-10} * 10)) ]; do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1; _i=$((_i + 1))
    done
    return 1
}

# The sanitizer build's modules need the ASan runtime preloaded into the
# uninstrumented server that loads them.
pxe_preload() {
    if [ -n "${PXE_ASAN_RUNTIME:-}" ] && [ -f "$PXE_ASAN_RUNTIME" ]; then
        echo "$PXE_ASAN_RUNTIME${PXE_UBSAN_RUNTIME:+ $PXE_UBSAN_RUNTIME}"
    fi
}
