/*
 * buildsjson.c: builds.json, what a scan found, for monitoring.  Every
 * name comes from a scan, so it is a valid build name: nothing needs
 * escaping, but it is checked again rather than trusted.
 */

#include <string.h>

#include "pxekit.h"

static const char *json_bool(unsigned v);

static const char *
json_bool(unsigned v)
{
    return v ? "true" : "false";
}

int
pxe_buildsjson(const pxe_scan_t *scan, pxe_buf_t *out)
{
    const pxe_build_t  *b;
    size_t              i;
    int                 rc;

    rc = pxe_buf_addc(out, '[');
    for (i = 0; rc == PXE_OK && i < scan->nbuilds; i++) {
        b = &scan->builds[i];
        if (!pxe_buildname_valid(b->name, strnlen(b->name,
                                                  sizeof(b->name))))
        {
            pxe_buf_free(out);
            return PXE_EBUILDNAME;
        }
        rc = pxe_buf_printf(out, "%s\n{\"name\":\"%s\",\"layout\":\"%s\","
                            "\"bootable\":%s,\"disabled\":%s,\"hash\":%s,"
                            "\"kernel_size\":%lld,\"archive_size\":%lld,"
                            "\"mtime\":%lld}",
                            i > 0 ? "," : "", b->name,
                            pxe_layout_name(b->layout),
                            json_bool(b->bootable), json_bool(b->disabled),
                            json_bool(b->hash), (long long) b->kernel_size,
                            (long long) b->archive_size,
                            (long long) b->mtime);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "\n]\n");
    }
    return rc;
}
