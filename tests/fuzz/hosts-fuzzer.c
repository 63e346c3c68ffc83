/*
 * hosts-fuzzer.c: lib/hosts.c, the pxekit_hosts file format, over
 * arbitrary file contents.
 *
 * A file parses or fails whole (nothing set); what a used once= leaves
 * is exactly the text without that line, parses, and has no once=; the
 * decision against a scan never names a build the scan cannot boot.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit_private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static pxe_build_t  builds[2] = {
    { .name = "20240101T000000Z", .layout = PXE_LAYOUT_CANONICAL,
      .bootable = 1, .hash = 1 },
    { .name = "20230101T000000Z", .layout = PXE_LAYOUT_CANONICAL,
      .bootable = 1, .disabled = 1 },
};
static pxe_scan_t  scan = { builds, 2, PXE_STAMP_NONE, 0, 0, 0 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char           *s = (const char *) data;
    pxe_host_t            h, h2;
    pxe_host_decision_t   d;
    pxe_buf_t             b;
    char                  mem[PXE_HOST_FILE_MAX + 1];

    if (pxe_host_parse(s, size, &h) != PXE_OK) {
        if (h.has_build || h.has_once || h.local) {
            abort();
        }
        return 0;
    }
    pxe_host_decide(&h, &scan, &d);
    if (d.build != NULL && !pxe_build_usable(d.build)) {
        abort();
    }
    if ((d.action == PXE_HOST_ONCE) != (h.has_once && !d.once_unusable)) {
        abort();
    }

    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    if (!h.has_once) {
        if (pxe_host_after_once(s, size, &h, &b) != PXE_EINVAL) {
            abort();
        }
        return 0;
    }
    if (h.once_off + h.once_len > size
        || pxe_host_after_once(s, size, &h, &b) != PXE_OK
        || b.len != size - h.once_len
        || memcmp(b.data, s, h.once_off) != 0
        || memcmp(b.data + h.once_off, s + h.once_off + h.once_len,
                  size - h.once_off - h.once_len) != 0)
    {
        abort();
    }
    if (pxe_host_parse(b.data, b.len, &h2) != PXE_OK || h2.has_once
        || h2.local != h.local || h2.has_build != h.has_build
        || strcmp(h2.build, h.build) != 0)
    {
        abort();
    }
    return 0;
}
