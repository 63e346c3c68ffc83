#!/usr/bin/env bash
# e2e-boot.sh: wall time from qemu start to the test kernel's report, per
# boot chain, interleaved rounds in one run; the stock chain (no pxekit:
# Kea classes, a static script, nginx's static module) is the baseline the
# others are reported against.  TCG on a shared box is noisy: read the
# ratios, not the seconds.
#
#   tests/bench/e2e-boot.sh [ROUNDS] [ARCHIVE_BYTES]     (root; default 3, 3 MiB)
#   CHAINS="script stock" tests/bench/e2e-boot.sh ...    (a subset)
#
# Needs a built tree (scripts/setup) for the test kernel and mktree.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
rounds=${1:-3} size=${2:-3145728}
export top_srcdir=$top top_builddir=$top/build
export tests_srcdir=$top/tests tests_builddir=$top/build/tests
export PYTHON3=/usr/bin/python3 KEA_DHCP4=/usr/sbin/kea-dhcp4 NGINX=/usr/sbin/nginx IN_TFTPD=/usr/sbin/in.tftpd
make -C "$tests_builddir" e2e/kernel/unix common/mktree >/dev/null || exit 1
. "$top/tests/lib/tap.sh"
. "$top/tests/lib/servers.sh"
. "$top/tests/e2e/lib.sh"
. "$top/tests/e2e/scenario.sh"

[ "$(id -u)" -eq 0 ] || { echo "needs root" >&2; exit 1; }
export E2E_ARCHIVE_BYTES=$size

# The chains without a menu, to tell pxekit's cost from the 1 s menu:
#   script  the hook (a per-MAC rule) gives iPXE the module's generated
#           script of the newest build, /smartos/<build>/smartos.ipxe;
#   stock   no pxekit at all: kea-dhcp4 with a client class giving iPXE
#           a hand-written boot.ipxe, nginx without the module serving it
#           and the same files statically.  What a site without pxekit
#           runs; script against stock is what the hook and module cost.
prepare() {
    case $1 in
    script)
        e2e_prepare ipxe || return 1
        PIN_RULE="{ \"mac\": \"^$E2E_MAC\$\", \"ipxe\": true, \"boot-file\": \"http://$E2E_ADDR/smartos/$E2E_BUILD/smartos.ipxe\" }"
        e2e_kea_config ;;
    stock)
        e2e_prepare ipxe || return 1
        stock_configs ;;
    *) e2e_prepare "$1" ;;
    esac
}

stock_configs() {
    local u="http://$E2E_ADDR/smartos/$E2E_BUILD/platform/i86pc"
    cat >"$PXE_WORK/www/smartos/boot.ipxe" <<EOF
#!ipxe
kernel $u/kernel/amd64/unix -B $E2E_BOOT_ARGS
module $u/amd64/boot_archive type=rootfs name=ramdisk
module $u/amd64/boot_archive.hash type=hash name=ramdisk
boot
EOF
    chmod a+r "$PXE_WORK/www/smartos/boot.ipxe"
    sed -i -e '/^load_module/d' \
        -e "s|include $PXE_WORK/pxekit-server.conf;|server { listen $E2E_ADDR:80; root $PXE_WORK/www; sendfile on; tcp_nopush on; }|" \
        "$PXE_WORK/nginx.conf"
    cat >"$PXE_WORK/kea.json" <<EOF
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "br0" ] },
    "control-socket": { "socket-type": "unix", "socket-name": "$PXE_WORK/run/kea.sock" },
    "lease-database": { "type": "memfile", "name": "$PXE_WORK/run/leases4.csv" },
    "valid-lifetime": 600,
    "option-def": [ { "name": "ipxe-encap", "code": 175, "type": "binary", "space": "dhcp4" } ],
    "option-data": [ { "name": "ipxe-encap", "code": 175, "space": "dhcp4",
                       "data": "B00101", "always-send": true } ],
    "client-classes": [ { "name": "ipxe", "test": "option[77].hex == 'iPXE'",
        "next-server": "$E2E_ADDR", "boot-file-name": "http://$E2E_ADDR/smartos/boot.ipxe" } ],
    "subnet4": [ { "subnet": "$E2E_NET", "pools": [ { "pool": "$E2E_POOL" } ],
        "option-data": [ { "name": "routers", "data": "$E2E_ADDR" } ] } ],
    "loggers": [ { "name": "kea-dhcp4", "severity": "INFO",
        "output_options": [ { "output": "$PXE_WORK/logs/kea.log", "flush": true } ] } ]
} }
EOF
}

# one CHAIN: seconds from qemu start to the kernel's end line, or "fail".
one() {
    (
        e2e_setup >/dev/null 2>&1 || exit 1
        prepare "$1" >/dev/null 2>&1 || exit 1
        e2e_servers >/dev/null 2>&1 || exit 1
        t0=$(date +%s.%N)
        e2e_boot 180 >/dev/null 2>&1 || exit 1
        t1=$(date +%s.%N)
        e2e_verify >/dev/null 2>&1 || exit 1
        echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }'
    ) || echo fail
}

declare -A times=()
chains=${CHAINS:-"ipxe script stock tftp legacy"}
for r in $(seq "$rounds"); do
    for c in $chains; do
        t=$(one "$c")
        times[$c]="${times[$c]:-} $t"
        echo "round $r  $c  $t s" >&2
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print v[int((NR + 1) / 2)] }'; }
echo "machine: $(nproc) cores, $(uname -r), qemu $(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }') TCG; archive $size bytes; $rounds rounds"
# The ratios are to stock (no pxekit) when it ran, else to the first chain.
case " $chains " in *" stock "*) basec=stock ;; *) basec=${chains%% *} ;; esac
base=$(echo "${times[$basec]}" | median)
echo "ratios to: $basec"
printf '%-8s %-28s %8s %8s\n' chain "runs (s)" median ratio
for c in $chains; do
    m=$(echo "${times[$c]}" | median)
    printf '%-8s %-28s %8s %8s\n' "$c" "${times[$c]# }" "$m" \
        "$(awk -v m="$m" -v b="$base" 'BEGIN { if (b > 0 && m != "nan") printf "%.2f", m / b; else print "-" }')"
done
