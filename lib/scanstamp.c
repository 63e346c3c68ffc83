/*
 * scanstamp.c: whether a cached scan is still what is on disk, for the
 * price of three stats per build instead of a full rescan.  Adding or
 * removing a build changes the root directory; creating or removing a
 * `disable` file changes the build's directory; a kernel, archive or
 * hash appearing in a build being unpacked in place (one that had no
 * archive yet, or no hash) changes the directory that holds it, so
 * those two are looked at too.  The stamp file of an unversioned
 * platform/ is looked at, whether or not it named a build: writing or
 * fixing it renames the tree.
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pxekit.h"

static uint64_t stamp_mix(uint64_t h, const struct stat *st);
static uint64_t stamp_file_dir(uint64_t h, int rootfd, const pxe_build_t *b,
    pxe_file_e file);

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

/* The directory that holds one file of a build, or a mark that it has
   none (yet). */
static uint64_t
stamp_file_dir(uint64_t h, int rootfd, const pxe_build_t *b, pxe_file_e file)
{
    struct stat  st;
    pxe_buf_t    path;
    char         mem[PXE_PATH_MAX];
    char        *slash;

    pxe_buf_init_fixed(&path, mem, sizeof(mem));
    if (pxe_build_path(b, file, &path) != PXE_OK
        || pxe_buf_add(&path, "", 1) != PXE_OK)
    {
        return h;
    }
    slash = strrchr(mem, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
    if (fstatat(rootfd, mem, &st, 0) != 0) {
        h ^= 0x5a;
        return h * 0x100000001b3ULL;
    }
    return stamp_mix(h, &st);
}

int
pxe_scan_stamp(const char *root, const pxe_scan_t *scan, uint64_t *stamp)
{
    struct stat  st;
    uint64_t     h = 0xcbf29ce484222325ULL;
    size_t       i;
    int          rootfd;
    char         dir[PXE_BUILDDIR_MAX];

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
        pxe_build_dir(&scan->builds[i], dir);
        if (fstatat(rootfd, dir, &st, 0) != 0) {
            h ^= (uint64_t) i + 1;
            h *= 0x100000001b3ULL;
            continue;
        }
        h = stamp_mix(h, &st);
        h = stamp_file_dir(h, rootfd, &scan->builds[i], PXE_FILE_KERNEL);
        h = stamp_file_dir(h, rootfd, &scan->builds[i], PXE_FILE_ARCHIVE);
    }
    if (fstatat(rootfd, PXE_STAMP_PATH, &st, 0) == 0) {
        h = stamp_mix(h, &st);
    }
    close(rootfd);
    *stamp = h;
    return PXE_OK;
}
