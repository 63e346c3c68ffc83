# e2e/lib.sh: a private network for a real iPXE client.  Sourced by the
# e2e tests and scripts/demo after tests/lib/tap.sh and tests/lib/servers.sh.
#
# e2e_setup creates a network namespace with a bridge (br0: 10.77.0.1/24
# and fd00:77::1/64) and a tap for qemu on it; servers started with the
# e2e_start_* helpers run INSIDE it, bound to br0's address, from configs
# in the work directory.  Everything is stopped by PID and the namespace
# deleted on exit, success, failure or Ctrl-C.  e2e_dump prints the serial
# log (escapes stripped) and every server log, for failures.

E2E_ADDR=10.77.0.1
E2E_NET=10.77.0.0/24
E2E_POOL="10.77.0.100 - 10.77.0.199"
E2E_ULA=fd00:77::
E2E_MAC=52:54:00:12:34:56
E2E_DIR=${tests_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}/e2e
E2E_PY=${PYTHON3:-/usr/bin/python3}
E2E_NS=""
E2E_MARK="PXEKIT-TK"

# e2e_skip_unless_able: the whole test skips (with its reason) when it
# cannot create a namespace or lacks a tool.
e2e_skip_unless_able() {
    local t
    [ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (network namespace, tap, raw DHCP socket)"; exit 0; }
    for t in ip qemu-system-x86_64 "${KEA_DHCP4:-kea-dhcp4}" "${NGINX:-nginx}" \
        "${IN_TFTPD:-in.tftpd}" unshare "$E2E_PY"; do
        command -v "$t" >/dev/null 2>&1 || { echo "1..0 # SKIP $t not found"; exit 0; }
    done
    [ -f /usr/lib/ipxe/undionly.kpxe ] || { echo "1..0 # SKIP /usr/lib/ipxe/undionly.kpxe missing (apt-get install ipxe)"; exit 0; }
    [ -c /dev/net/tun ] || { echo "1..0 # SKIP no /dev/net/tun"; exit 0; }
    if ! ip netns add "pxekit-probe-$$" 2>/dev/null; then
        echo "1..0 # SKIP ip netns add failed (no CAP_SYS_ADMIN here?)"; exit 0
    fi
    ip netns del "pxekit-probe-$$"
}

# e2e_setup: work directory, namespace, bridge, tap, router adverts.
e2e_setup() {
    pxe_workdir
    trap e2e_cleanup EXIT
    trap 'exit 130' INT TERM
    E2E_NS="pxekit-e2e-$$"
    mkdir -p "$PXE_WORK/logs" "$PXE_WORK/run" "$PXE_WORK/www"
    ip netns add "$E2E_NS" || return 1
    e2e_ns sh -ec "
        ip link set lo up
        ip link add br0 type bridge
        ip link set br0 type bridge forward_delay 0 stp_state 0
        ip addr add $E2E_ADDR/24 dev br0
        ip -6 addr add ${E2E_ULA}1/64 dev br0 nodad
        ip tuntap add dev tap0 mode tap
        # A tap has no carrier until qemu opens it, and a bridge without
        # a running port is not RUNNING: Kea then opens no socket.  A veth
        # pair with one end on br0 keeps it up whatever qemu does.
        ip link add hold0 type veth peer name hold1
        ip link set hold0 master br0
        ip link set hold0 up
        ip link set hold1 up
        ip link set tap0 master br0
        ip link set tap0 up
        ip link set br0 up
        i=0
        until [ \"\$(cat /sys/class/net/br0/operstate)\" = up ]; do
            [ \$i -lt 100 ] || { echo 'br0 did not come up' >&2; exit 1; }
            sleep 0.1; i=\$((i + 1))
        done
    " || return 1
    ip netns exec "$E2E_NS" "$E2E_PY" "$E2E_DIR/ra.py" br0 "$E2E_ULA" ${E2E_RA_MANAGED:+managed} \
        >"$PXE_WORK/logs/ra.log" 2>&1 &
    pxe_track $!
}

e2e_cleanup() {
    local rc=$?
    pxe_cleanup
    if [ -n "$E2E_NS" ]; then ip netns del "$E2E_NS" 2>/dev/null || true; fi
    return $rc
}

# e2e_ns CMD...: run CMD inside the namespace.  Servers are started with
# `ip netns exec` itself, not this function: it execs, so $! is the
# server's own PID (a backgrounded function would be a subshell's).
e2e_ns() { ip netns exec "$E2E_NS" "$@"; }

# e2e_subst IN OUT: copies a template, replacing @NAME@ with $NAME for
# every NAME in E2E_VARS.
e2e_subst() {
    local n script=""
    for n in $E2E_VARS; do
        script="${script}s|@$n@|$(printf '%s' "${!n}" | sed 's/[|&\\]/\\&/g')|g;"
    done
    sed "$script" "$1" >"$2"
    if grep -q '@[A-Z0-9_]*@' "$2"; then
        echo "e2e_subst: unreplaced names in $2:" >&2
        grep -o '@[A-Z0-9_]*@' "$2" | sort -u >&2
        return 1
    fi
}

# e2e_wait_file FILE PATTERN SECONDS [PID]: until FILE has a line matching
# PATTERN (grep -E); fails early when PID has exited.
e2e_wait_file() {
    local i=0 n=$(($3 * 10))
    while [ $i -lt $n ]; do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then
            grep -Eq -- "$2" "$1" 2>/dev/null && return 0
            return 1
        fi
        sleep 0.1; i=$((i + 1))
    done
    return 1
}

# e2e_env: sets E2E_ENV, the environment of a server that loads our
# plugins.  In the sanitizer build the hook and the module are
# instrumented and the servers are not: the ASan (and UBSan) runtime is
# preloaded, and leak checks are off (Kea's and nginx's own exit-time
# blocks are not ours), as tests/integration/{kea,nginx} do.
e2e_env() {
    local rt
    rt=$(pxe_preload)
    E2E_ENV=(LD_PRELOAD="$rt")
    [ -z "$rt" ] || E2E_ENV+=(ASAN_OPTIONS=detect_leaks=0:abort_on_error=0)
}

# e2e_start_kea CONF: kea-dhcp4 with its raw socket on br0.
e2e_start_kea() {
    e2e_env
    KEA_PIDFILE_DIR="$PXE_WORK/run" KEA_LOCKFILE_DIR="$PXE_WORK/run" \
        ip netns exec "$E2E_NS" env "${E2E_ENV[@]}" "${KEA_DHCP4:-kea-dhcp4}" -c "$1" \
        >"$PXE_WORK/logs/kea.out" 2>&1 &
    E2E_KEA_PID=$!
    pxe_track $E2E_KEA_PID
    e2e_wait_file "$PXE_WORK/logs/kea.log" 'DHCP4_STARTED' 30 $E2E_KEA_PID \
        || { echo "kea-dhcp4 did not start" >&2; return 1; }
}

# e2e_start_nginx CONF: nginx in the foreground, its prefix the work dir.
e2e_start_nginx() {
    e2e_env
    mkdir -p "$PXE_WORK/nginx"
    # nginx reads $NGINX as a list of inherited sockets: the tests' own
    # NGINX (the binary's path) must not reach it.
    ip netns exec "$E2E_NS" env -u NGINX "${E2E_ENV[@]}" "${NGINX:-nginx}" -p "$PXE_WORK/nginx" \
        -c "$1" -e "$PXE_WORK/logs/nginx-error.log" -g 'daemon off;' \
        >"$PXE_WORK/logs/nginx.out" 2>&1 &
    E2E_NGINX_PID=$!
    pxe_track $E2E_NGINX_PID
    local i=0
    while ! e2e_ns bash -c "exec 3<>/dev/tcp/$E2E_ADDR/80" 2>/dev/null; do
        kill -0 $E2E_NGINX_PID 2>/dev/null && [ $i -lt 100 ] \
            || { echo "nginx did not start" >&2; return 1; }
        sleep 0.1; i=$((i + 1))
    done
}

# e2e_start_tftpd DEFAULTS: in.tftpd as Debian's init script starts it
# from /etc/default/tftpd-hpa (DEFAULTS: that file's variables), in the
# foreground (-L instead of --listen) and verbose.  It logs only
# to syslog: in a private mount namespace a directory holding our syslog
# sink's socket (and the device nodes tftpd may open) is bound over /dev.
e2e_start_tftpd() {
    local dev="$PXE_WORK/dev" n
    mkdir -p "$dev"
    "$E2E_PY" "$E2E_DIR/syslogd.py" "$dev/log" "$PXE_WORK/logs/tftpd.log" \
        >"$PXE_WORK/logs/syslogd.out" 2>&1 &
    pxe_track $!
    for n in null zero random urandom; do touch "$dev/$n"; done
    e2e_wait_sock "$dev/log" || { echo "syslog sink did not start" >&2; return 1; }
    ip netns exec "$E2E_NS" unshare -m bash -ec "
        mount --make-rprivate /
        for n in null zero random urandom; do mount --bind /dev/\$n '$dev'/\$n; done
        mount --rbind '$dev' /dev
        . '$1'
        exec '${IN_TFTPD:-in.tftpd}' -L -vvv --user \"\$TFTP_USERNAME\" \
            --address \"\$TFTP_ADDRESS\" \$TFTP_OPTIONS \"\$TFTP_DIRECTORY\"
    " >"$PXE_WORK/logs/tftpd.out" 2>&1 &
    E2E_TFTPD_PID=$!
    pxe_track $E2E_TFTPD_PID
    local i=0
    while ! e2e_ns ss -Hlun "sport = :69" | grep -q .; do
        kill -0 $E2E_TFTPD_PID 2>/dev/null && [ $i -lt 100 ] \
            || { echo "in.tftpd did not start" >&2; return 1; }
        sleep 0.1; i=$((i + 1))
    done
}

e2e_wait_sock() {
    local i=0
    while [ ! -S "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    [ -S "$1" ]
}

# e2e_start_qemu: a PXE client on tap0 (TCG: KVM is not reliable here),
# its console on the serial log.
e2e_start_qemu() {
    ip netns exec "$E2E_NS" qemu-system-x86_64 -machine pc,accel=tcg -m 256 \
        -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
        -device e1000,netdev=n0,mac=$E2E_MAC \
        -boot n -no-reboot -nographic -monitor none \
        -serial "file:$PXE_WORK/logs/serial.log" \
        >"$PXE_WORK/logs/qemu.out" 2>&1 </dev/null &
    E2E_QEMU_PID=$!
    pxe_track $E2E_QEMU_PID
}

# e2e_wait_boot SECONDS: until the test kernel printed its end line, or
# the firmware gave up (then at once, not at the timeout).
E2E_GAVE_UP='No bootable device|Boot failed: could not read the boot disk'
e2e_wait_boot() {
    e2e_wait_file "$PXE_WORK/logs/serial.log" "$E2E_MARK end|$E2E_GAVE_UP" "$1" "$E2E_QEMU_PID" \
        && grep -q "$E2E_MARK end" "$PXE_WORK/logs/serial.log"
}

# e2e_serial: the serial log without terminal escapes and carriage returns.
e2e_serial() {
    sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1b[()][A-Za-z0-9]//g' \
        -e 's/\x1b[A-Za-z]//g' -e 's/\r$//' -e 's/.*\r//' \
        "$PXE_WORK/logs/serial.log" 2>/dev/null
}

# e2e_report: the test kernel's lines, without the marker.
e2e_report() {
    e2e_serial | sed -n "s/.*$E2E_MARK //p"
}

# e2e_expect_module I FILE ARGS: the report line module I must show for
# FILE served at URL with ARGS (size and CRC-32 of the file on disk).
e2e_module_line() {
    local size crc
    size=$(stat -c %s "$2")
    crc=$("$E2E_PY" -c 'import sys, zlib
print("%08x" % zlib.crc32(open(sys.argv[1], "rb").read()))' "$2")
    echo "module=$1 size=$size crc32=$crc cmdline=$3"
}

# e2e_dump: everything a person needs to see why a boot failed, as TAP
# comments.
e2e_dump() {
    local f
    {
        echo "---- serial console (escapes stripped)"
        e2e_serial | grep -v '^[[:space:]]*$' | tail -n 80
        for f in "$PXE_WORK"/logs/*; do
            [ "$f" = "$PXE_WORK/logs/serial.log" ] && continue
            [ -s "$f" ] || continue
            echo "---- $(basename "$f")"
            tail -n 40 "$f"
        done
    } | sed 's/^/# /'
}
