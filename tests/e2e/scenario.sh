# e2e/scenario.sh: the boot scenarios, shared by the e2e tests and
# scripts/demo.  Sourced after e2e/lib.sh.  Until the pxekit plugins are
# wired in, every scenario runs on STOCK parts: Kea with native client
# classes, nginx serving a hand-written boot script and the site
# statically, in.tftpd with a hand-written remap rule.
#
#   ipxe    qemu's iPXE ROM DHCPs as iPXE, gets the boot script URL and
#           boots the newest enabled (canonical) build over HTTP.
#   legacy  the first answer is undionly.kpxe over TFTP, as a NIC's own PXE
#           ROM would get; undionly's iPXE DHCPs again and goes on as ipxe.
#           qemu's ROM is itself iPXE, so a class keyed on the test MAC
#           forces that first answer; once tftpd logs the fetch, the test
#           removes the class and reloads Kea (SIGHUP), as an operator's
#           per-MAC rule would be lifted.
#   sanboot the boot script sanboots /usr/lib/ipxe/ipxe.iso over HTTP
#           (HEAD, then ranged GETs that need 206); the ISO's iPXE starts.
#   tftp    the boot script loads the LEGACY build (platform-<b>/ on
#           disk) with tftp:// URLs in canonical form; in.tftpd's remap
#           rule serves them from the legacy tree.

# Which servers: "stock" (the default until the plugins are wired in) or
# "pxekit" (the Kea hook, the nginx module, pxekit-remap generate; their
# configs are written to the issues' contracts but not yet run).
E2E_STACK=${E2E_STACK:-stock}

E2E_BOOT_ARGS='console=ttyb,ttyb-mode="115200,8,n,1,-",smartos=true,noimport=false'
E2E_CANONICAL=20261101T080000Z
E2E_LEGACY=20261015T000000Z
E2E_DISABLED=20261120T120000Z
# Stand-in for `pxekit-remap generate`: NOTES.md's rule for the layout.
E2E_REMAP_RULE='re ^/*smartos/([0-9]{8}T[0-9]{6}Z)/platform/(.*)$ smartos/platform-\1/\2'

# e2e_prepare CHAIN: the sample site, configs and the expectations
# (E2E_BUILD, E2E_PLATFORM: the build's platform dir on disk, E2E_URL: its
# canonical URL as the kernel must see it).
e2e_prepare() {
    E2E_CHAIN=$1
    local www=$PXE_WORK/www
    BUILD=$E2E_CANONICAL SITE_PREFIX=smartos BOOT_ARGS=$E2E_BOOT_ARGS
    BOOT_URL="http://$E2E_ADDR/boot.ipxe" PIN_CLASS=""
    case $E2E_CHAIN in
    ipxe) ;;
    legacy)
        # One line: e2e_subst substitutes line by line.
        PIN_CLASS="{ \"name\": \"legacy-first\", \"test\": \"pkt4.mac == 0x${E2E_MAC//:/}\", \"next-server\": \"$E2E_ADDR\", \"boot-file-name\": \"undionly.kpxe\" },"
        ;;
    tftp)
        BUILD=$E2E_LEGACY SITE_PREFIX="tftp://$E2E_ADDR/smartos"
        ;;
    sanboot)
        BOOT_URL="http://$E2E_ADDR/sanboot.ipxe"
        ;;
    *) echo "unknown chain $E2E_CHAIN (ipxe, legacy, tftp, sanboot)" >&2; return 2 ;;
    esac
    E2E_VARS="PXE_WORK E2E_ADDR E2E_NET E2E_POOL BUILD SITE_PREFIX BOOT_ARGS BOOT_URL PIN_CLASS"
    E2E_KEA_IN=$E2E_DIR/conf/kea-stock.json.in
    E2E_NGINX_IN=$E2E_DIR/conf/nginx-stock.conf.in
    if [ "$E2E_STACK" = pxekit ]; then
        e2e_find_plugins || return 1
        E2E_KEA_IN=$E2E_DIR/conf/kea-pxekit.json.in
        E2E_NGINX_IN=$E2E_DIR/conf/nginx-pxekit.conf.in
        # The module's generated menu replaces the hand-written script.
        case $E2E_CHAIN in ipxe|legacy) BOOT_URL="http://$E2E_ADDR/smartos/menu.ipxe" ;; esac
        PIN_RULE=""
        [ "$E2E_CHAIN" = legacy ] && PIN_RULE="{ \"mac\": \"^${E2E_MAC}\$\", \"boot-file\": \"undionly.kpxe\" },"
        E2E_VARS="$E2E_VARS PIN_RULE KEA_HOOK NGINX_MODULE"
    fi
    E2E_BUILD=$BUILD
    if [ "$E2E_CHAIN" = tftp ]; then
        E2E_PLATFORM=$www/smartos/platform-$BUILD
        E2E_URL=tftp://$E2E_ADDR/smartos/$BUILD/platform
    else
        E2E_PLATFORM=$www/smartos/$BUILD/platform
        E2E_URL=http://$E2E_ADDR/smartos/$BUILD/platform
    fi
    "$E2E_DIR/mksite" "$www/smartos" "$tests_builddir/e2e/kernel/unix" ${E2E_ARCHIVE_BYTES:-} \
        >"$PXE_WORK/logs/mksite.out" 2>&1 || { cat "$PXE_WORK/logs/mksite.out" >&2; return 1; }
    install -m 0644 /usr/lib/ipxe/undionly.kpxe "$www/undionly.kpxe"
    e2e_subst "$E2E_KEA_IN" "$PXE_WORK/kea.json" || return 1
    e2e_subst "$E2E_NGINX_IN" "$PXE_WORK/nginx.conf" || return 1
    e2e_subst "$E2E_DIR/conf/boot-stock.ipxe.in" "$www/boot.ipxe" || return 1
    if [ "$E2E_STACK" = pxekit ]; then
        "$REMAP_BIN" generate "$www" --prefix smartos >"$PXE_WORK/remap.rules" || return 1
    else
        printf '%s\n' "$E2E_REMAP_RULE" >"$PXE_WORK/remap.rules"
    fi
    install -m 0644 /usr/lib/ipxe/ipxe.iso "$www/ipxe.iso"
    printf '#!ipxe\nsanboot http://%s/ipxe.iso\n' "$E2E_ADDR" >"$www/sanboot.ipxe"
    chmod -R a+rX "$www"
}

# e2e_find_plugins: the built hook, module and remap tool (E2E_STACK=pxekit).
e2e_find_plugins() {
    local b=${top_builddir:-$tests_builddir/..}
    KEA_HOOK=${KEA_HOOK:-$(find "$b/kea-hook" -name libdhcp_pxekit.so 2>/dev/null | head -n 1)}
    NGINX_MODULE=${NGINX_MODULE:-$(find "$b/nginx-module" -name ngx_http_pxekit_module.so 2>/dev/null | head -n 1)}
    REMAP_BIN=${REMAP_BIN:-$b/tftp-remap/pxekit-remap}
    [ -f "$KEA_HOOK" ] || { echo "E2E_STACK=pxekit: no libdhcp_pxekit.so under $b/kea-hook" >&2; return 1; }
    [ -f "$NGINX_MODULE" ] || { echo "E2E_STACK=pxekit: no ngx_http_pxekit_module.so under $b/nginx-module" >&2; return 1; }
    [ -x "$REMAP_BIN" ] || { echo "E2E_STACK=pxekit: no $REMAP_BIN" >&2; return 1; }
}

# e2e_servers: nginx, in.tftpd (over the same tree), kea-dhcp4.
e2e_servers() {
    e2e_start_nginx "$PXE_WORK/nginx.conf" || return 1
    e2e_start_tftpd "$PXE_WORK/www" "$PXE_WORK/remap.rules" || return 1
    e2e_start_kea "$PXE_WORK/kea.json" || return 1
}

# e2e_boot SECONDS: qemu, then e2e_await.  Succeeds when the test kernel
# reported.
e2e_boot() {
    e2e_start_qemu
    e2e_await "$1"
}

# e2e_await SECONDS: for the legacy chain, lifts the per-MAC class once
# undionly.kpxe was fetched; then waits for the kernel's report.  May run
# in a subshell (the demo follows the logs meanwhile).
e2e_await() {
    if [ "$E2E_CHAIN" = legacy ]; then
        if ! e2e_wait_file "$PXE_WORK/logs/tftpd.log" 'RRQ .* undionly\.kpxe' "$1" "$E2E_QEMU_PID"; then
            echo "the ROM never fetched undionly.kpxe" >&2
            return 1
        fi
        PIN_CLASS="" PIN_RULE=""
        e2e_subst "$E2E_KEA_IN" "$PXE_WORK/kea.json" || return 1
        kill -HUP "$E2E_KEA_PID"
    fi
    e2e_wait_boot "$1"
}

# e2e_wait_iso_ipxe SECONDS: after a sanboot, until the ISO's iPXE runs
# (it announces itself as the ROM did: a later "initialising devices").
e2e_wait_iso_ipxe() {
    local i=0
    while [ $i -lt $(($1 * 10)) ]; do
        e2e_serial | sed -n '/Booting from SAN/,$p' | grep -q 'iPXE initialising devices' && return 0
        kill -0 "$E2E_QEMU_PID" 2>/dev/null || return 1
        sleep 0.1; i=$((i + 1))
    done
    return 1
}

# e2e_verify: TAP test points on the kernel's report and the servers'
# logs; returns non-zero when any failed.
E2E_VERIFY_POINTS=7
e2e_verify() {
    local report fail=0 got want f size
    report=$(e2e_report)
    got=$(sed -n 's/^cmdline=//p' <<<"$report")
    want="$E2E_URL/i86pc/kernel/amd64/unix -B $E2E_BOOT_ARGS"
    tap_is "argv[0] is the canonical kernel URL, then the -B options" "$got" "$want"
    [ "$got" = "$want" ] || fail=1
    got=$(sed -n 's/^modules=//p' <<<"$report")
    tap_is "two modules" "$got" 2
    [ "$got" = 2 ] || fail=1
    got=$(grep '^module=0 ' <<<"$report")
    want=$(e2e_module_line 0 "$E2E_PLATFORM/i86pc/amd64/boot_archive" \
        "$E2E_URL/i86pc/amd64/boot_archive type=rootfs name=ramdisk")
    tap_is "module 0: every byte of boot_archive, its URL and args" "$got" "$want"
    [ "$got" = "$want" ] || fail=1
    got=$(grep '^module=1 ' <<<"$report")
    want=$(e2e_module_line 1 "$E2E_PLATFORM/i86pc/amd64/boot_archive.hash" \
        "$E2E_URL/i86pc/amd64/boot_archive.hash type=hash name=ramdisk")
    tap_is "module 1: boot_archive.hash, its URL and args" "$got" "$want"
    [ "$got" = "$want" ] || fail=1
    for f in kernel/amd64/unix amd64/boot_archive amd64/boot_archive.hash; do
        size=$(stat -c %s "$E2E_PLATFORM/i86pc/$f")
        if [ "$E2E_CHAIN" = tftp ]; then
            # tftpd logs the request and the remapped name.
            if grep -Eq "RRQ from .* filename smartos/$E2E_BUILD/platform/i86pc/$f remapped to smartos/platform-$E2E_BUILD/i86pc/$f\$" \
                "$PXE_WORK/logs/tftpd.log"; then
                tap_ok "in.tftpd served canonical $f from the legacy tree"
            else
                tap_fail "in.tftpd served canonical $f from the legacy tree"; fail=1
            fi
        elif grep -q "\"GET /smartos/$E2E_BUILD/platform/i86pc/$f HTTP/1.1\" 200 $size " \
            "$PXE_WORK/logs/nginx-access.log"; then
            tap_ok "nginx served $f whole (200, $size bytes)"
        else
            tap_fail "nginx served $f whole (200, $size bytes)"; fail=1
        fi
    done
    return $fail
}

# e2e_like DESC GOT PATTERN: tap_like that also says whether it passed.
e2e_like() {
    tap_like "$@"
    printf '%s\n' "$2" | grep -Eq -- "$3"
}

# e2e_run_test CHAIN: one scenario as a TAP test (the e2e/*.test files).
e2e_run_test() {
    local chain=$1 extra=1 failed=0
    e2e_skip_unless_able
    [ "$chain" = legacy ] && extra=2
    tap_plan $((1 + E2E_VERIFY_POINTS + extra))
    e2e_setup || tap_bail "cannot create the network namespace"
    e2e_prepare "$chain" || tap_bail "cannot prepare the site and configs"
    e2e_servers || { e2e_dump; tap_bail "a server did not start"; }
    if e2e_boot 120; then
        tap_ok "the test kernel booted and reported (within 120 s)"
    else
        tap_fail "the test kernel booted and reported (within 120 s)"; failed=1
    fi
    e2e_verify || failed=1
    case $chain in
    ipxe|tftp)
        e2e_like "Kea gave iPXE the boot script URL" \
            "$(e2e_serial | grep -o 'Filename: [^ ]*' | sort -u)" "^Filename: $BOOT_URL\$" || failed=1
        ;;
    legacy)
        e2e_like "the first answer was undionly.kpxe, fetched over TFTP" \
            "$(grep -o 'RRQ from .* filename undionly.kpxe' "$PXE_WORK/logs/tftpd.log" | head -n 1)" \
            "filename undionly\.kpxe" || failed=1
        e2e_like "undionly's iPXE then got the boot script URL" \
            "$(e2e_serial | sed -n '/UNDI/,$p' | grep -o 'Filename: [^ ]*' | tail -n 1)" \
            "^Filename: $BOOT_URL\$" || failed=1
        ;;
    esac
    [ $failed -eq 0 ] || e2e_dump
}
