# e2e/uefi.sh: the UEFI scenarios, with Debian's OVMF firmware in qemu.
# Sourced by scenario.sh.  The firmware's own network stack is the client:
# a virtio-net NIC without an option ROM (qemu's default NIC ROMs are iPXE
# themselves and would hide it; OVMF has no e1000 driver), OVMF_CODE_4M.fd
# read-only and a fresh copy of OVMF_VARS_4M.fd per run.
#
#   uefi       the firmware's PXE (arch 7) gets snponly.efi over TFTP from
#              the Kea example's arch rule; that EFI iPXE DHCPs again as
#              iPXE, gets the menu URL and fetches the menu; its default
#              (after the 1 s timeout) is a SmartOS entry, which EFI iPXE
#              cannot boot (no multiboot2): the menu says why on the
#              console and exits 1, iPXE returns to the firmware, and the
#              firmware starts its next boot option (PXE over IPv6).
#              (Debian's ipxe.efi, with its own NIC drivers, never returns
#              to OVMF after exit; snponly.efi does: hence the example.)
#   uefi-http  the firmware's HTTP boot (arch 16, vendor class HTTPClient;
#              its PXE options are switched off through fw_cfg) gets
#              http://<server>/snponly.efi and the HTTPClient echo from
#              the hook, downloads it from nginx and goes on as uefi,
#              with the example's pxekit_efi_chain set: the SmartOS entry
#              chains that URL (Debian's ipxe.efi stands in for a
#              multiboot2-capable iPXE build).

E2E_OVMF_CODE=${E2E_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
E2E_OVMF_VARS=${E2E_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
E2E_EFI_CHAIN=/ipxe.efi
# What the menu prints on EFI iPXE without pxekit_efi_chain (lib/ipxe_efi.c).
E2E_EFI_WHY='this is EFI iPXE, which cannot start SmartOS \(no multiboot2\)'
E2E_EFI_HINT='boot this machine in BIOS/CSM mode, or set pxekit_efi_chain'
# The firmware back from iPXE, then at its next boot option (OVMF's order
# per NIC: PXEv4, PXEv6, HTTPv4, HTTPv6).
E2E_BACK='BdsDxe: failed to start Boot[0-9A-F]{4} "UEFI PXEv4 '
E2E_NEXT_OPTION='>>Start PXE over IPv6'

# e2e_skip_unless_uefi: OVMF and Debian's EFI iPXE binaries.
e2e_skip_unless_uefi() {
    local f
    for f in "$E2E_OVMF_CODE" "$E2E_OVMF_VARS" /usr/lib/ipxe/ipxe.efi /usr/lib/ipxe/snponly.efi; do
        [ -f "$f" ] || { echo "1..0 # SKIP $f missing (apt-get install ovmf ipxe)"; exit 0; }
    done
}

# e2e_uefi_site WWW: the EFI iPXE binaries in the TFTP root, which the
# example's nginx serves too (location of the .efi files).
e2e_uefi_site() {
    install -m 0644 /usr/lib/ipxe/ipxe.efi "$1/ipxe.efi" || return 1
    install -m 0644 /usr/lib/ipxe/snponly.efi "$1/snponly.efi" || return 1
}

# e2e_start_qemu_uefi: OVMF with one option-ROM-less virtio NIC on tap0;
# for uefi-http, PXE off so that HTTP boot is the first boot option.
e2e_start_qemu_uefi() {
    local fwcfg=()
    install -m 0644 "$E2E_OVMF_VARS" "$PXE_WORK/run/OVMF_VARS.fd" || return 1
    [ "$E2E_CHAIN" = uefi-http ] && fwcfg=(
        -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n
        -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n)
    ip netns exec "$E2E_NS" qemu-system-x86_64 -machine q35,accel=tcg -m 512 \
        -drive "if=pflash,format=raw,unit=0,readonly=on,file=$E2E_OVMF_CODE" \
        -drive "if=pflash,format=raw,unit=1,file=$PXE_WORK/run/OVMF_VARS.fd" \
        -netdev tap,id=n0,ifname=tap0,script=no,downscript=no \
        -device "virtio-net-pci,netdev=n0,mac=$E2E_MAC,romfile=" \
        "${fwcfg[@]}" -no-reboot -nographic -monitor none \
        -serial "file:$PXE_WORK/logs/serial.log" \
        >"$PXE_WORK/logs/qemu.out" 2>&1 </dev/null &
    E2E_QEMU_PID=$!
    pxe_track $E2E_QEMU_PID
}

# e2e_uefi_done: what ends the scenario: the firmware's next boot option
# after the menu's message (uefi), the chained URL fetched (uefi-http).
e2e_uefi_done() {
    if [ "$E2E_CHAIN" = uefi ]; then
        e2e_serial | e2e_after "$E2E_EFI_HINT" | grep -q "$E2E_NEXT_OPTION"
    else
        grep -q "\"GET $E2E_EFI_CHAIN HTTP/1.1\" 200 " "$PXE_WORK/logs/nginx-access.log"
    fi
}

# e2e_after TEXT: the lines of stdin after the first that holds TEXT.
e2e_after() {
    awk -v t="$1" 'f { print } index($0, t) { f = 1 }'
}

# e2e_await_uefi SECONDS
e2e_await_uefi() {
    local i=0
    while [ $i -lt $(($1 * 2)) ]; do
        e2e_uefi_done && return 0
        kill -0 "$E2E_QEMU_PID" 2>/dev/null || return 1
        sleep 0.5; i=$((i + 1))
    done
    return 1
}

# e2e_nginx_gets PATH-RE: the access log's GETs of PATH-RE (a sed BRE;
# \| alternates), as "PATH STATUS".
e2e_nginx_gets() {
    sed -n "s#.*\"GET \($1\) HTTP/1\.1\" \([0-9]*\) .*#\1 \2#p" "$PXE_WORK/logs/nginx-access.log"
}

# e2e_run_uefi_test CHAIN: one UEFI scenario as a TAP test.
E2E_UEFI_LIMIT=170
e2e_run_uefi_test() {
    local failed=0
    e2e_skip_unless_able
    e2e_skip_unless_uefi
    tap_plan $((1 + E2E_UEFI_POINTS))
    e2e_setup || tap_bail "cannot create the network namespace"
    e2e_prepare "$1" || tap_bail "cannot prepare the site and configs"
    e2e_servers || { e2e_dump; tap_bail "a server did not start"; }
    e2e_start_qemu_uefi || tap_bail "cannot start qemu"
    if e2e_await_uefi $E2E_UEFI_LIMIT; then
        tap_ok "the chain ran to its end within $E2E_UEFI_LIMIT s"
    else
        tap_fail "the chain ran to its end within $E2E_UEFI_LIMIT s"; failed=1
    fi
    pxe_stop "$E2E_QEMU_PID"
    e2e_uefi_verify || failed=1
    [ $failed -eq 0 ] || e2e_dump
}

# e2e_uefi_verify: TAP test points on the serial console and the
# servers' logs (E2E_UEFI_POINTS of them); non-zero when any failed.
E2E_UEFI_POINTS=$((8 + 1))
e2e_uefi_verify() {
    local failed=0 serial
    serial=$(e2e_serial)
    if [ "$E2E_CHAIN" = uefi ]; then
        e2e_is "the firmware's PXE (arch 7) got snponly.efi from the example's arch rule" \
            "$(e2e_decisions | head -n 1)" "rule 1: snponly.efi" || failed=1
        e2e_like "in.tftpd sent it snponly.efi" \
            "$(grep -o 'RRQ from .* filename snponly\.efi' "$PXE_WORK/logs/tftpd.log" | head -n 1)" \
            'filename snponly\.efi' || failed=1
    else
        e2e_is "the firmware's HTTP boot (arch 16, HTTPClient) got the URL of snponly.efi" \
            "$(e2e_decisions | head -n 1)" "rule 4: http://$E2E_ADDR/snponly.efi" || failed=1
        # EDK2 takes an HTTP boot offer only with the HTTPClient echo
        # (option 60): that it fetched the URL proves the echo.
        e2e_like "the firmware's HTTP client (not iPXE) got snponly.efi from nginx (so the offer carried the HTTPClient echo)" \
            "$(grep -F '"GET /snponly.efi HTTP/1.1"' "$PXE_WORK/logs/nginx-access.log" | head -n 1)" \
            '"GET /snponly\.efi HTTP/1\.1" 200 .*"UefiHttpBoot/' || failed=1
    fi
    e2e_is "EFI iPXE DHCPed again as iPXE and got the menu URL (rule 0)" \
        "$(e2e_decisions | uniq | sed -n 2p)" "rule 0: $E2E_MENU_URL" || failed=1
    e2e_like "nginx's module served the menu" \
        "$(e2e_nginx_gets '/smartos/menu\.ipxe?mac=[^ ]*' | head -n 1)" ' 200$' || failed=1
    e2e_is "no kernel was fetched and no \"Exec format error\"" \
        "$(e2e_nginx_gets '/smartos/[^ ]*/unix' | wc -l) $(grep -c 'Exec format error' <<<"$serial")" "0 0" || failed=1
    e2e_like "the serial console says why SmartOS cannot boot here" \
        "$(grep -E "$E2E_EFI_WHY" <<<"$serial" | head -n 1)" \
        "pxekit: $E2E_CANONICAL: $E2E_EFI_WHY" || failed=1
    if [ "$E2E_CHAIN" = uefi ]; then
        e2e_like "and what to do (BIOS/CSM or pxekit_efi_chain)" \
            "$(grep -F "$E2E_EFI_HINT" <<<"$serial" | head -n 1)" "$E2E_EFI_HINT" || failed=1
        e2e_like "iPXE returned to the firmware, which started its next boot option" \
            "$(e2e_after "$E2E_EFI_HINT" <<<"$serial" | grep -oE "$E2E_BACK|$E2E_NEXT_OPTION" | tr '\n' '|')" \
            "^$E2E_BACK\|$E2E_NEXT_OPTION\|\$" || failed=1
    else
        e2e_like "it chains pxekit_efi_chain" \
            "$(grep -E 'pxekit: chaining' <<<"$serial" | head -n 1)" \
            "pxekit: chaining http://$E2E_ADDR$E2E_EFI_CHAIN \(pxekit_efi_chain\)" || failed=1
        e2e_like "nginx served the chained URL after the menu" \
            "$(e2e_nginx_gets '/smartos/menu\.ipxe?mac=[^ ]*\|/ipxe\.efi' | tr '\n' ' ')" \
            "menu\.ipxe\?mac=[^ ]* 200 $E2E_EFI_CHAIN 200" || failed=1
    fi
    e2e_trace no-kernel-fetch || failed=1
    return $failed
}
