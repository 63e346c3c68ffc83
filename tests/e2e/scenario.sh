# e2e/scenario.sh: the boot scenarios, shared by the e2e tests, the e2e
# benchmark and scripts/demo.  Sourced after e2e/lib.sh.  The servers run
# the pxekit plugins from this build: kea-dhcp4 with libdhcp_pxekit.so,
# nginx with ngx_http_pxekit_module, in.tftpd with the rules of
# `pxekit-remap generate`; their configs are the SHIPPED examples
# (examples/kea, examples/nginx, examples/tftp) with only addresses, paths
# and the menu timeout rewritten (e2e_site_configs), so that an example
# that stops working fails these tests.
#
#   ipxe     qemu's iPXE ROM DHCPs as iPXE; the hook's `ipxe` rule gives it
#            the menu URL; nginx's module generates the menu, whose default
#            (the newest enabled build) boots after the 1 s timeout.
#   legacy   the first answer is undionly.kpxe over TFTP, as a NIC's own PXE
#            ROM would get; undionly's iPXE DHCPs again and goes on as ipxe.
#            qemu's ROM is itself iPXE, so a hook rule keyed on the test MAC
#            forces that first answer; once in.tftpd logs the fetch, the
#            test rewrites the config without that rule and has Kea reload
#            it through its control socket (config-reload), as an operator
#            lifts a per-MAC rule.
#   tftp     a per-MAC rule gives the client a boot script (over TFTP) that
#            loads the LEGACY build (platform-<b>/ on disk) with canonical
#            tftp:// URLs; the generated remap rules serve them.
#   sanboot  a per-MAC rule gives a script that sanboots
#            /usr/lib/ipxe/ipxe.iso through the module's file serving
#            (HEAD, then ranged GETs that need 206).  The module serves
#            only a build's four files, so the ISO is put in place as the
#            newest build's boot_archive.
#   disabled a per-MAC rule pins the client to the disabled build's script,
#            which the module refuses (404); iPXE must say so and give up.
#   pxelinux a per-MAC rule gives the ROM pxelinux.0 (Debian's PXELINUX),
#            which reads pxelinux.cfg/default over TFTP: the output of
#            `pxekit-remap pxelinux` for the site, with the example's
#            console and kernel args.  The newest canonical build is
#            disabled here too, so the config's default is the LEGACY
#            build; mboot.c32 loads its kernel and modules by their
#            canonical paths and the generated remap rules serve them.
#   uefi, uefi-http  OVMF's own PXE and HTTP boot (e2e/uefi.sh).

# What the shipped examples say, as the kernel must see it: the nginx
# example's pxekit_console ttyb and pxekit_kernel_args "smartos=true".
E2E_BOOT_ARGS='console=ttyb,ttyb-mode="115200,8,n,1,-",smartos=true'
E2E_CANONICAL=20261101T080000Z
E2E_LEGACY=20261015T000000Z
E2E_DISABLED=20261120T120000Z
# The Kea example's ipxe rule, ${mac} expanded for the test client.
E2E_MENU_URL="http://$E2E_ADDR/smartos/menu.ipxe?mac=$E2E_MAC"
E2E_EXAMPLES=${E2E_EXAMPLES:-$E2E_DIR/../../examples}

# e2e_prepare CHAIN: the sample site, configs and the expectations
# (E2E_BUILD, E2E_PLATFORM: the build's platform dir on disk, E2E_URL: its
# canonical URL as the kernel must see it, E2E_BOOT_URL: the boot file the
# client's iPXE must get, PIN_RULE: the per-MAC hook rule, if any).
e2e_prepare() {
    E2E_CHAIN=$1
    local www=$PXE_WORK/www
    E2E_BUILD=$E2E_CANONICAL E2E_BOOT_URL=$E2E_MENU_URL PIN_RULE=""
    case $E2E_CHAIN in
    ipxe) ;;
    legacy) PIN_RULE="{ \"mac\": \"^$E2E_MAC\$\", \"boot-file\": \"undionly.kpxe\" }" ;;
    tftp) E2E_BUILD=$E2E_LEGACY E2E_BOOT_URL="tftp://$E2E_ADDR/boot-tftp.ipxe" ;;
    sanboot) E2E_BOOT_URL="tftp://$E2E_ADDR/sanboot.ipxe" ;;
    disabled) E2E_BOOT_URL="http://$E2E_ADDR/smartos/$E2E_DISABLED/smartos.ipxe" ;;
    pxelinux) E2E_BUILD=$E2E_LEGACY E2E_BOOT_URL=pxelinux.0
        PIN_RULE="{ \"mac\": \"^$E2E_MAC\$\", \"boot-file\": \"pxelinux.0\" }" ;;
    uefi|uefi-http) ;;
    *) echo "unknown chain $E2E_CHAIN (ipxe, legacy, tftp, sanboot, disabled, pxelinux, uefi, uefi-http)" >&2; return 2 ;;
    esac
    # What each module's command line holds after its path: iPXE's module
    # lines name them; mboot.c32 passes the path alone (the docs' entries).
    E2E_ARCHIVE_ARGS=" type=rootfs name=ramdisk" E2E_HASH_ARGS=" type=hash name=ramdisk"
    case $E2E_CHAIN in tftp|sanboot|disabled)
        PIN_RULE="{ \"mac\": \"^$E2E_MAC\$\", \"ipxe\": true, \"boot-file\": \"$E2E_BOOT_URL\" }" ;;
    esac
    if [ "$E2E_CHAIN" = tftp ]; then
        E2E_PLATFORM=$www/smartos/platform-$E2E_BUILD
        E2E_URL=tftp://$E2E_ADDR/smartos/$E2E_BUILD/platform
    elif [ "$E2E_CHAIN" = pxelinux ]; then
        # PXELINUX paths are relative to pxelinux.0's directory, the root.
        E2E_PLATFORM=$www/smartos/platform-$E2E_BUILD
        E2E_URL=smartos/$E2E_BUILD/platform
        E2E_ARCHIVE_ARGS="" E2E_HASH_ARGS=""
    else
        E2E_PLATFORM=$www/smartos/$E2E_BUILD/platform
        E2E_URL=http://$E2E_ADDR/smartos/$E2E_BUILD/platform
    fi
    e2e_find_plugins || return 1
    "$E2E_DIR/mksite" "$www/smartos" "$tests_builddir/e2e/kernel/unix" ${E2E_ARCHIVE_BYTES:-} \
        >"$PXE_WORK/logs/mksite.out" 2>&1 || { cat "$PXE_WORK/logs/mksite.out" >&2; return 1; }
    install -m 0644 /usr/lib/ipxe/undionly.kpxe "$www/undionly.kpxe"
    BUILD=$E2E_BUILD BOOT_ARGS=$E2E_BOOT_ARGS
    E2E_VARS="E2E_ADDR BUILD BOOT_ARGS NGINX_MODULE PXE_WORK"
    e2e_subst "$E2E_DIR/conf/boot-tftp.ipxe.in" "$www/boot-tftp.ipxe" || return 1
    if [ "$E2E_CHAIN" = sanboot ]; then
        E2E_ISO_PATH=/smartos/$E2E_CANONICAL/platform/i86pc/amd64/boot_archive
        install -m 0644 /usr/lib/ipxe/ipxe.iso "$www$E2E_ISO_PATH"
        printf '#!ipxe\nsanboot http://%s%s\n' "$E2E_ADDR" "$E2E_ISO_PATH" >"$www/sanboot.ipxe"
    fi
    if [ "$E2E_CHAIN" = pxelinux ]; then
        e2e_pxelinux_site "$www" || return 1
    fi
    case $E2E_CHAIN in uefi|uefi-http) e2e_uefi_site "$www" || return 1 ;; esac
    chmod -R a+rX "$www"
    e2e_site_configs || return 1
    e2e_subst "$E2E_DIR/conf/nginx.conf.in" "$PXE_WORK/nginx.conf" || return 1
}

# e2e_pxelinux_site WWW: Debian's pxelinux.0 and the com32 modules
# mboot.c32 needs beside it, mboot.c32 under the prefix, and the config
# pxekit-remap writes for the site (its newest canonical build disabled
# first, so the default is the legacy one).
E2E_PXELINUX_DIR=${E2E_PXELINUX_DIR:-/usr/lib/PXELINUX}
E2E_SYSLINUX_BIOS=${E2E_SYSLINUX_BIOS:-/usr/lib/syslinux/modules/bios}
e2e_pxelinux_site() {
    local www=$1 m
    install -m 0644 "$E2E_PXELINUX_DIR/pxelinux.0" "$www/pxelinux.0" || return 1
    for m in ldlinux.c32 libcom32.c32 libutil.c32; do
        install -m 0644 "$E2E_SYSLINUX_BIOS/$m" "$www/$m" || return 1
    done
    install -m 0644 "$E2E_SYSLINUX_BIOS/mboot.c32" "$www/smartos/mboot.c32" || return 1
    touch "$www/smartos/$E2E_CANONICAL/disable"
    mkdir -p "$www/pxelinux.cfg"
    # The nginx example's pxekit_console and pxekit_kernel_args.
    "$REMAP_BIN" pxelinux "$www" --prefix smartos --console ttyb \
        --kernel-args smartos=true >"$www/pxelinux.cfg/default" \
        2>"$PXE_WORK/logs/pxelinux.out" || { cat "$PXE_WORK/logs/pxelinux.out" >&2; return 1; }
}

# e2e_skip_unless_pxelinux: the pxelinux scenario needs Debian's
# pxelinux and syslinux-common.
e2e_skip_unless_pxelinux() {
    local f
    for f in "$E2E_PXELINUX_DIR/pxelinux.0" "$E2E_SYSLINUX_BIOS/ldlinux.c32" \
        "$E2E_SYSLINUX_BIOS/libcom32.c32" "$E2E_SYSLINUX_BIOS/mboot.c32"; do
        [ -f "$f" ] || { echo "1..0 # SKIP $f missing (apt-get install pxelinux syslinux-common)"; exit 0; }
    done
}

# e2e_tftp_names: the names in.tftpd was asked for, in order.
e2e_tftp_names() {
    sed -n 's/.*RRQ from .* filename \([^ ]*\).*/\1/p' "$PXE_WORK/logs/tftpd.log"
}

# e2e_find_plugins: the built hook, module and remap tool (or KEA_HOOK,
# NGINX_MODULE, REMAP_BIN from the environment).
e2e_find_plugins() {
    local b=${top_builddir:-$tests_builddir/..}
    KEA_HOOK=${KEA_HOOK:-$b/kea-hook/.libs/libdhcp_pxekit.so}
    NGINX_MODULE=${NGINX_MODULE:-$b/nginx-module/.libs/ngx_http_pxekit_module.so}
    REMAP_BIN=${REMAP_BIN:-$b/tftp-remap/pxekit-remap}
    [ -f "$KEA_HOOK" ] || { echo "no $KEA_HOOK (configure found no Kea? build kea-hook/)" >&2; return 1; }
    [ -f "$NGINX_MODULE" ] || { echo "no $NGINX_MODULE (configure found no nginx? build nginx-module/)" >&2; return 1; }
    [ -x "$REMAP_BIN" ] || { echo "no $REMAP_BIN" >&2; return 1; }
}

# e2e_rewrite IN OUT SED-ARGS...: sed IN into OUT; then OUT must not hold
# any of the example's placeholders (E2E_PLACEHOLDERS, a grep -E), so a
# changed example fails here loudly rather than booting something else.
e2e_rewrite() {
    local in=$1 out=$2; shift 2
    sed "$@" "$in" >"$out" || return 1
    if grep -nE "$E2E_PLACEHOLDERS" "$out" >&2; then
        echo "e2e: $in has a placeholder the e2e does not rewrite (above): update e2e_site_configs" >&2
        return 1
    fi
}

# e2e_site_configs: the shipped examples, rewritten for this namespace.
#   examples/kea/kea-dhcp4.conf: 192.0.2.10 -> br0's address, the rest of
#     192.0.2.0/24 -> 10.77.0.0/24, eth0 -> br0, lease file, control socket,
#     hook path, log to a file at DEBUG 40 (the hook's PXEKIT_DECISION).
#     Test-only additions: the per-MAC PIN_RULE first in "rules", and
#     iPXE's option 175 with 176 (no-pxedhcp) = 1, which spares each iPXE
#     DHCP a ~3 s ProxyDHCP wait.
#   examples/nginx/pxekit.conf: listen on br0:80, roots, menu timeout 1 s;
#     for uefi-http the commented pxekit_efi_chain set to snponly.efi.
#   examples/tftp/tftpd-hpa: directory, address and map file; the rules
#     made as the example's comment says (generate, then check).
E2E_PLACEHOLDERS='192\.0\.2\.|"eth0"|/srv/|/var/lib/kea|/run/kea/|/usr/lib/x86_64-linux-gnu/kea|"stdout"|/etc/tftpd-hpa|"INFO"|menu_timeout 10s|listen 80;|":69"'
e2e_site_configs() {
    local chain="# pxekit_efi_chain"
    [ "${E2E_CHAIN:-}" = uefi-http ] && chain="pxekit_efi_chain http://$E2E_ADDR$E2E_EFI_CHAIN; #"
    e2e_kea_config || return 1
    e2e_rewrite "$E2E_EXAMPLES/nginx/pxekit.conf" "$PXE_WORK/pxekit-server.conf" \
        -e "s|listen 80;|listen $E2E_ADDR:80;|" \
        -e "s|/srv/smartos|$PXE_WORK/www/smartos|" \
        -e "s|/srv/tftp|$PXE_WORK/www|" \
        -e "s|# pxekit_efi_chain|$chain|" \
        -e "s|pxekit_menu_timeout 10s;|pxekit_menu_timeout 1s;|" || return 1
    e2e_rewrite "$E2E_EXAMPLES/tftp/tftpd-hpa" "$PXE_WORK/tftpd-hpa" \
        -e "s|/srv/tftp|$PXE_WORK/www|g" \
        -e "s|\":69\"|\"$E2E_ADDR:69\"|" \
        -e "s|/etc/tftpd-hpa.remap|$PXE_WORK/remap.rules|g" || return 1
    "$REMAP_BIN" generate "$PXE_WORK/www" --prefix smartos >"$PXE_WORK/remap.rules" \
        2>"$PXE_WORK/logs/remap.out" || { cat "$PXE_WORK/logs/remap.out" >&2; return 1; }
    "$REMAP_BIN" check "$PXE_WORK/remap.rules" --root "$PXE_WORK/www" --prefix smartos \
        >>"$PXE_WORK/logs/remap.out" 2>&1 || { cat "$PXE_WORK/logs/remap.out" >&2; return 1; }
}

# e2e_kea_config: (re)writes $PXE_WORK/kea.json with the current PIN_RULE
# (one rule, or several joined by commas).  With E2E_PINS_ONLY=yes the
# example's rules are left out and PIN_RULE is the whole list: a site
# whose rules are all per host (as pxekit-import writes them), where a
# machine no rule names gets no boot file.
e2e_kea_config() {
    local pin=$PXE_WORK/kea-pin.json extra=$PXE_WORK/kea-extra.json
    local sep=, drop='/"rules": \[/,/^        \]/{/"rules": \[/b;/^        \]/b;d}'
    [ "${E2E_PINS_ONLY:-no}" = yes ] && sep="" || drop=""
    if [ -n "$PIN_RULE" ]; then printf '          %s%s\n' "$PIN_RULE" "$sep" >"$pin"; else : >"$pin"; fi
    cat >"$extra" <<'JSON'
    // e2e only: iPXE's option 175 with 176 (no-pxedhcp) = 1.
    "option-def": [ { "name": "ipxe-encap", "code": 175, "type": "binary", "space": "dhcp4" } ],
    "option-data": [ { "name": "ipxe-encap", "code": 175, "space": "dhcp4",
                       "data": "B00101", "always-send": true } ],
JSON
    e2e_rewrite "$E2E_EXAMPLES/kea/kea-dhcp4.conf" "$PXE_WORK/kea.json" \
        -e "s|192\.0\.2\.10\([^0-9]\)|$E2E_ADDR\1|g" \
        -e "s|192\.0\.2\.|${E2E_ADDR%.*}.|g" \
        -e 's|"eth0"|"br0"|' \
        -e "s|/var/lib/kea/kea-leases4.csv|$PXE_WORK/run/leases4.csv|" \
        -e "s|/run/kea/kea4-ctrl-socket|$PXE_WORK/run/kea.sock|" \
        -e "s|/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_pxekit.so|$KEA_HOOK|" \
        -e "s|{ \"output\": \"stdout\" }|{ \"output\": \"$PXE_WORK/logs/kea.log\", \"flush\": true }|" \
        -e 's|"severity": "INFO"|"severity": "DEBUG", "debuglevel": 40|' \
        -e "/\"rules\": \[/r $pin" ${drop:+-e "$drop"} \
        -e "/\"valid-lifetime\":/r $extra"
}

# e2e_kea_command CMD: sends CMD to Kea's control socket, prints the answer.
e2e_kea_command() {
    "$E2E_PY" - "$PXE_WORK/run/kea.sock" "$1" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(60)
s.connect(sys.argv[1])
s.sendall(json.dumps({"command": sys.argv[2]}).encode())
buf = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    buf += d
    try:
        json.loads(buf)
        break
    except ValueError:
        pass
print(buf.decode())
PY
}

# e2e_servers: nginx, in.tftpd (over the same tree), kea-dhcp4.
e2e_servers() {
    e2e_start_nginx "$PXE_WORK/nginx.conf" || return 1
    e2e_start_tftpd "$PXE_WORK/tftpd-hpa" || return 1
    e2e_start_kea "$PXE_WORK/kea.json" || return 1
}

# e2e_boot SECONDS: qemu, then e2e_await.  Succeeds when the test kernel
# reported.
e2e_boot() {
    e2e_start_qemu
    e2e_await "$1"
}

# e2e_await SECONDS: for the legacy chain, lifts the per-MAC rule once
# undionly.kpxe was fetched; then waits for the kernel's report.  May run
# in a subshell (the demo follows the logs meanwhile).
e2e_await() {
    if [ "$E2E_CHAIN" = legacy ]; then
        if ! e2e_wait_file "$PXE_WORK/logs/tftpd.log" 'RRQ .* undionly\.kpxe' "$1" "$E2E_QEMU_PID"; then
            echo "the ROM never fetched undionly.kpxe" >&2
            return 1
        fi
        PIN_RULE=""
        e2e_kea_config || return 1
        # config-reload answers once the new config (and hook) is live, so
        # undionly's DHCP cannot meet the old rule.
        e2e_kea_command config-reload >"$PXE_WORK/logs/kea-reload.out" 2>&1
        grep -q '"result": 0' "$PXE_WORK/logs/kea-reload.out" \
            || { echo "Kea's config-reload failed: $(cat "$PXE_WORK/logs/kea-reload.out")" >&2; return 1; }
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
        "$E2E_URL/i86pc/amd64/boot_archive$E2E_ARCHIVE_ARGS")
    tap_is "module 0: every byte of boot_archive, its URL and args" "$got" "$want"
    [ "$got" = "$want" ] || fail=1
    got=$(grep '^module=1 ' <<<"$report")
    want=$(e2e_module_line 1 "$E2E_PLATFORM/i86pc/amd64/boot_archive.hash" \
        "$E2E_URL/i86pc/amd64/boot_archive.hash$E2E_HASH_ARGS")
    tap_is "module 1: boot_archive.hash, its URL and args" "$got" "$want"
    [ "$got" = "$want" ] || fail=1
    for f in kernel/amd64/unix amd64/boot_archive amd64/boot_archive.hash; do
        size=$(stat -c %s "$E2E_PLATFORM/i86pc/$f")
        if [ "$E2E_CHAIN" = tftp ] || [ "$E2E_CHAIN" = pxelinux ]; then
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

# e2e_decisions: the hook's PXEKIT_DECISION lines for the test client,
# as "rule N: FILE", in order.
e2e_decisions() {
    grep 'PXEKIT_DECISION' "$PXE_WORK/logs/kea.log" | grep -F "$E2E_MAC" \
        | sed -n "s/.*: rule \([0-9]*\) ([^)]*): file '\([^']*\)'.*/rule \1: \2/p"
}

# e2e_filenames: the boot files the client's iPXE printed, in order.
e2e_filenames() {
    e2e_serial | sed -n 's/.*Filename: \([^ ]*\).*/\1/p'
}

# e2e_run_test CHAIN: one boot scenario as a TAP test (the e2e/*.test
# files).
e2e_run_test() {
    local chain=$1 extra=4 failed=0 menu
    e2e_skip_unless_able
    [ "$chain" = legacy ] && extra=7
    [ "$chain" = tftp ] && extra=2
    [ "$chain" = pxelinux ] && extra=5
    tap_plan $((1 + E2E_VERIFY_POINTS + extra + E2E_TRACE_POINTS))
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
        e2e_is "the hook's rule 0 gave iPXE its boot file (PXEKIT_DECISION)" \
            "$(e2e_decisions | sort -u)" "rule 0: $E2E_BOOT_URL" || failed=1
        e2e_is "iPXE got that boot file" "$(e2e_filenames | sort -u)" "$E2E_BOOT_URL" || failed=1
        ;;
    legacy)
        e2e_is "the per-MAC rule 0 answered the ROM with undionly.kpxe" \
            "$(e2e_decisions | head -n 1)" "rule 0: undionly.kpxe" || failed=1
        e2e_like "undionly.kpxe was fetched over TFTP" \
            "$(grep -o 'RRQ from .* filename undionly.kpxe' "$PXE_WORK/logs/tftpd.log" | head -n 1)" \
            "filename undionly\.kpxe" || failed=1
        e2e_like "Kea reloaded without the per-MAC rule (config-reload)" \
            "$(cat "$PXE_WORK/logs/kea-reload.out")" '"result": 0' || failed=1
        e2e_is "then the example's ipxe rule (rule 0 once the pin is gone) gave the menu URL" \
            "$(e2e_decisions | tail -n 1)" "rule 0: $E2E_BOOT_URL" || failed=1
        e2e_is "undionly's iPXE got the menu URL" \
            "$(e2e_serial | sed -n '/UNDI/,$p' | sed -n 's/.*Filename: \([^ ]*\).*/\1/p' | tail -n 1)" \
            "$E2E_BOOT_URL" || failed=1
        ;;
    pxelinux)
        e2e_is "the per-MAC rule 0 answered the ROM with pxelinux.0" \
            "$(e2e_decisions | sort -u)" "rule 0: pxelinux.0" || failed=1
        e2e_like "PXELINUX fetched ldlinux.c32, then read the generated pxelinux.cfg/default" \
            "$(e2e_tftp_names | grep -xE 'ldlinux\.c32|pxelinux\.cfg/default' | tr '\n' ' ')" \
            '^ldlinux\.c32 pxelinux\.cfg/default $' || failed=1
        e2e_like "mboot.c32 was loaded from the prefix, libcom32.c32 from beside pxelinux.0" \
            "$(e2e_tftp_names | grep -xE 'smartos/mboot\.c32|libcom32\.c32' | sort -u | tr '\n' ' ')" \
            '^libcom32\.c32 smartos/mboot\.c32 $' || failed=1
        e2e_is "the config's default is the newest enabled build (the legacy one)" \
            "$(grep '^default ' "$PXE_WORK/www/pxelinux.cfg/default")" "default smartos-$E2E_LEGACY" || failed=1
        e2e_is "no label for a disabled build" \
            "$(grep -cE "smartos-($E2E_DISABLED|$E2E_CANONICAL)" "$PXE_WORK/www/pxelinux.cfg/default")" 0 || failed=1
        ;;
    esac
    case $chain in ipxe|legacy)
        # The menu as the module served it to the client: its default is
        # the newest enabled build, chosen after the 1 s timeout (nothing
        # presses a key here).
        menu=$(e2e_ns curl -s "$E2E_MENU_URL")
        e2e_like "nginx's module served the generated menu (200) before the kernel" \
            "$(grep -n -E '"GET /smartos/(menu\.ipxe\?mac=[^ ]*|[^ ]*/unix) HTTP' "$PXE_WORK/logs/nginx-access.log" \
                | head -n 1)" "\"GET /smartos/menu\.ipxe\?mac=[^ ]* HTTP/1\.1\" 200 " || failed=1
        e2e_like "the menu preselects $E2E_CANONICAL with a 1 s timeout" \
            "$(grep -E '^choose ' <<<"$menu")" "--default $E2E_CANONICAL --timeout 1000( |\$)" || failed=1
        ;;
    esac
    e2e_trace booted || failed=1
    [ $failed -eq 0 ] || e2e_dump
}

# e2e_trace WANT: pxekit-trace (this build's) over the scenario's three
# logs, as an operator would run it; one test point: the test client's
# boot stopped as WANT.  The trace is kept in logs/trace.out.
E2E_TRACE_POINTS=1
e2e_trace() {
    local b=${top_builddir:-$tests_builddir/..} got
    local bin=${TRACE_BIN:-$b/trace/pxekit-trace}
    if [ -x "$bin" ]; then
        "$bin" --json --mac "$E2E_MAC" "$PXE_WORK/logs/kea.log" "$PXE_WORK/logs/tftpd.log" \
            "$PXE_WORK/logs/nginx-access.log" >"$PXE_WORK/logs/trace.out" 2>&1
        got=$(sed -n 's/.*"stopped":"\([^"]*\)","reason":"\(.*\)"}$/\1: \2/p' "$PXE_WORK/logs/trace.out")
    else
        got="no $bin (build trace/)"
    fi
    e2e_like "pxekit-trace: the boot of $E2E_MAC stopped as $1" "$got" "^$1: "
}

# e2e_is DESC GOT WANT: tap_is that also says whether it passed.
e2e_is() {
    tap_is "$@"
    [ "$2" = "$3" ]
}

. "$E2E_DIR/uefi.sh"
