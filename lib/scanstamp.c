/*
 * scanstamp.c: whether a cached scan is still what is on disk, for the
 * price of one stat per build directory instead of a full rescan.
 * Adding or removing a build changes the root directory; creating or
 * removing a `disable` file changes the build's directory.
 */

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pxekit.h"

static uint64_t stamp_mix(uint64_t h, const struct stat *st);

/* FNV-1a over the fields that change, 8 bytes at a time. */
static uint64_t
stamp_mix(uint64_t h, const struct stat *st)
{
    uint64_t  v[4];
    size_t    i;

    v[0] = (uint64_t) st->st_ino;
    v[1] = (uint64_t) st->st_mtim.tv_sec;
    v[2] = (uint64_t) st->st_mtim.tv_nsec;
    v[3] = (uint64_t) st->st_ctim.tv_nsec ^ (uint64_t) st->st_nlink;
    for (i = 0; i < 4; i++) {
        h ^= v[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

int
pxe_scan_stamp(const char *root, const pxe_scan_t *scan, uint64_t *stamp)
{
    struct stat  st;
    uint64_t     h = 0xcbf29ce484222325ULL;
    size_t       i;
    int          rootfd;
    char         dir[PXE_BUILDNAME_LEN + 16];

    rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        return PXE_EIO;
    }
    if (fstat(rootfd, &st) != 0) {
        close(rootfd);
        return PXE_EIO;
    }
    h = stamp_mix(h, &st);

    for (i = 0; i < scan->nbuilds; i++) {
        (void) snprintf(dir, sizeof(dir), "%s%s",
                        scan->builds[i].layout == PXE_LAYOUT_LEGACY
                        ? "platform-" : "", scan->builds[i].name);
        if (fstatat(rootfd, dir, &st, 0) != 0) {
            h ^= (uint64_t) i + 1;
            h *= 0x100000001b3ULL;
            continue;
        }
        h = stamp_mix(h, &st);
    }
    close(rootfd);
    *stamp = h;
    return PXE_OK;
}
