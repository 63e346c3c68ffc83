# scripts/lib.sh: shared by setup, check and demo.  Sourced, not run.

PXE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Everything the build, the tests and the demo need, from Debian 12.
PXE_PACKAGES=(
    # build
    gcc g++ make autoconf automake libtool pkg-config binutils
    libpcre2-dev libcmocka-dev
    libssl-dev          # libcrypto's SHA-1 in the storm's clients (tests/bench/storm)
    kea-dev libboost-dev
    nginx nginx-dev
    # servers and clients the tests drive
    kea-dhcp4-server kea-dhcp6-server kea-admin kea-common kea-ctrl-agent
    tftpd-hpa tftp-hpa
    python3 python3-scapy curl ca-certificates wrk
    isc-dhcp-server dnsmasq
    jq                  # examples/kea/pxekit-stats.jq (integration/kea/prometheus.test)
    # fuzzing, memory checks, end-to-end boot
    clang libclang-rt-14-dev valgrind
    ipxe ipxe-qemu qemu-system-x86 qemu-utils pxelinux syslinux-common ovmf
    iproute2 procps psmisc
    # manual pages: tests/unit/manpages.test formats them
    man-db groff-base
    # Debian packages: built, linted and installed in a clean root
    # (tests/package/debs.test)
    dpkg-dev debhelper lintian debootstrap
)

pxe_say() { printf '==> %s\n' "$*"; }
pxe_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Installs what is missing; a no-op (no apt at all) when nothing is.
pxe_install_packages() {
    local missing=() p
    for p in "${PXE_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || pxe_die "missing packages (${missing[*]}); run as root to install them"
    pxe_say "installing ${#missing[@]} Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null \
        || pxe_die "apt-get update failed"
    apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends \
        "${missing[@]}" >/tmp/pxekit-apt.log 2>&1 \
        || { tail -n 30 /tmp/pxekit-apt.log >&2; pxe_die "apt-get install failed (see /tmp/pxekit-apt.log)"; }
}

# pxe_configure DIR ARGS...: configure a build in DIR (out of tree),
# again only when the arguments or configure itself changed.
pxe_configure() {
    local dir=$1; shift
    local stamp="$dir/.pxekit-configure-args" want="$*"
    mkdir -p "$dir"
    if [ -f "$dir/Makefile" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
        && [ "$dir/Makefile" -nt "$PXE_TOP/configure" ]; then
        return 0
    fi
    pxe_say "configuring $dir: $want"
    (cd "$dir" && "$PXE_TOP/configure" "$@" >configure.out 2>&1) \
        || { tail -n 40 "$dir/configure.out" >&2; pxe_die "configure failed in $dir"; }
    sed -n '/^configure: pxekit /,$p' "$dir/configure.out"
    printf '%s' "$want" >"$stamp"
}

pxe_make() {
    local dir=$1; shift
    make -C "$dir" -j"$(nproc)" "$@" >"$dir/make.out" 2>&1 \
        || { tail -n 60 "$dir/make.out" >&2; pxe_die "make $* failed in $dir"; }
}
