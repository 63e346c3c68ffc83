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
 *
 * The scan takes the same fingerprint from the stats it makes anyway
 * (pxe_stamp_build, pxe_stamp_scan), so a fresh scan costs no second
 * pass, and the stamp says what the scan saw, not what came after it.
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pxekit_private.h"

#define FNV_OFFSET  0xcbf29ce484222325ULL
#define FNV_PRIME   0x100000001b3ULL

static uint64_t stamp_u64(uint64_t h, uint64_t v);
static uint64_t stamp_stat(uint64_t h, const struct stat *st);
static const struct stat *stat_or_null(int rootfd, const char *path,
    struct stat *st);

static uint64_t
stamp_u64(uint64_t h, uint64_t v)
{
    return (h ^ v) * FNV_PRIME;
}

/* FNV-1a over the fields that change, 8 bytes at a time; NULL: missing. */
static uint64_t
stamp_stat(uint64_t h, const struct stat *st)
{
    if (st == NULL) {
        return stamp_u64(h, 0x5a);
    }
    h = stamp_u64(h, (uint64_t) st->st_ino);
    h = stamp_u64(h, (uint64_t) st->st_mtim.tv_sec);
    h = stamp_u64(h, (uint64_t) st->st_mtim.tv_nsec);
    return stamp_u64(h, (uint64_t) st->st_ctim.tv_nsec
                        ^ (uint64_t) st->st_nlink);
}

uint64_t
pxe_stamp_build(const struct stat *dir, const struct stat *kdir,
    const struct stat *adir)
{
    uint64_t  h;

    h = stamp_stat(FNV_OFFSET, dir);
    if (dir == NULL) {
        return h;
    }
    h = stamp_stat(h, kdir);
    return stamp_stat(h, adir);
}

uint64_t
pxe_stamp_scan(const struct stat *root, const pxe_scan_t *scan,
    const struct stat *stampfile)
{
    uint64_t  h;
    size_t    i;

    h = stamp_stat(FNV_OFFSET, root);
    for (i = 0; i < scan->nbuilds; i++) {
        h = stamp_u64(h, scan->builds[i].stamp);
    }
    return stamp_stat(h, stampfile);
}

static const struct stat *
stat_or_null(int rootfd, const char *path, struct stat *st)
{
    return fstatat(rootfd, path, st, 0) == 0 ? st : NULL;
}

/* The directory that holds one file of a build into dir. */
void
pxe_build_file_dir(const pxe_build_t *b, pxe_file_e file,
    char dir[PXE_PATH_MAX])
{
    pxe_buf_t   path;
    char       *slash;

    pxe_buf_init_fixed(&path, dir, PXE_PATH_MAX);
    if (pxe_build_path(b, file, &path) != PXE_OK
        || pxe_buf_add(&path, "", 1) != PXE_OK)
    {
        dir[0] = '\0';
        return;
    }
    slash = strrchr(dir, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
}

int
pxe_scan_stamp(const char *root, const pxe_scan_t *scan, uint64_t *stamp)
{
    struct stat         rst, dst, kst, ast, sst;
    const struct stat  *d, *k, *a;
    const pxe_build_t  *b;
    size_t              i;
    int                 rootfd;
    char                path[PXE_PATH_MAX];

    rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        return PXE_EIO;
    }
    if (fstat(rootfd, &rst) != 0) {
        close(rootfd);
        return PXE_EIO;
    }

    /* pxe_stamp_scan's fold, each build stamped afresh */
    *stamp = stamp_stat(FNV_OFFSET, &rst);
    for (i = 0; i < scan->nbuilds; i++) {
        b = &scan->builds[i];
        pxe_build_dir(b, path);
        d = stat_or_null(rootfd, path, &dst);
        k = a = NULL;
        if (d != NULL) {
            pxe_build_file_dir(b, PXE_FILE_KERNEL, path);
            k = stat_or_null(rootfd, path, &kst);
            pxe_build_file_dir(b, PXE_FILE_ARCHIVE, path);
            a = stat_or_null(rootfd, path, &ast);
        }
        *stamp = stamp_u64(*stamp, pxe_stamp_build(d, k, a));
    }
    *stamp = stamp_stat(*stamp,
                        stat_or_null(rootfd, PXE_STAMP_PATH, &sst));
    close(rootfd);
    return PXE_OK;
}
