#!/usr/bin/env bash
# e2e-boot.sh: wall time from qemu start to the test kernel's report, per
# boot chain, interleaved rounds in one run; the ipxe chain (HTTP, native
# driver) is the baseline the others are reported against.  TCG on a
# shared box is noisy: read the ratios, not the seconds.
#
#   tests/bench/e2e-boot.sh [ROUNDS] [ARCHIVE_BYTES]     (root; default 3, 3 MiB)
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

# one CHAIN: seconds from qemu start to the kernel's end line, or "fail".
one() {
    (
        e2e_setup >/dev/null 2>&1 || exit 1
        e2e_prepare "$1" >/dev/null 2>&1 || exit 1
        e2e_servers >/dev/null 2>&1 || exit 1
        t0=$(date +%s.%N)
        e2e_boot 180 >/dev/null 2>&1 || exit 1
        t1=$(date +%s.%N)
        e2e_verify >/dev/null 2>&1 || exit 1
        echo "$t0 $t1" | awk '{ printf "%.2f\n", $2 - $1 }'
    ) || echo fail
}

declare -A times=()
chains="ipxe tftp legacy"
for r in $(seq "$rounds"); do
    for c in $chains; do
        t=$(one "$c")
        times[$c]="${times[$c]:-} $t"
        echo "round $r  $c  $t s" >&2
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print v[int((NR + 1) / 2)] }'; }
echo "machine: $(nproc) cores, $(uname -r), qemu $(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }') TCG; archive $size bytes; $rounds rounds"
base=$(echo "${times[ipxe]}" | median)
printf '%-8s %-28s %8s %8s\n' chain "runs (s)" median ratio
for c in $chains; do
    m=$(echo "${times[$c]}" | median)
    printf '%-8s %-28s %8s %8s\n' "$c" "${times[$c]# }" "$m" \
        "$(awk -v m="$m" -v b="$base" 'BEGIN { if (b > 0 && m != "nan") printf "%.2f", m / b; else print "-" }')"
done
