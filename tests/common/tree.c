/* tree.c: see tree.h. */

#define _XOPEN_SOURCE 700

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tree.h"

int
fixture_mkdirs(const char *path)
{
    char    tmp[PATH_MAX];
    char   *p;
    size_t  len = strlen(path);

    if (len >= sizeof(tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(tmp, path, len + 1);
    for (p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
                return -1;
            }
            *p = '/';
        }
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
        return -1;
    }
    return 0;
}

int
fixture_file(const char *path, const char *seed, size_t len)
{
    FILE      *f;
    uint64_t   x = 1469598103934665603ULL;
    size_t     i;
    char       block[4096];
    size_t     n = 0;

    for (i = 0; seed[i]; i++) {
        x = (x ^ (unsigned char) seed[i]) * 1099511628211ULL;
    }
    f = fopen(path, "wb");
    if (f == NULL) {
        return -1;
    }
    for (i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        block[n++] = (char) (x >> 24);
        if (n == sizeof(block) || i + 1 == len) {
            if (fwrite(block, 1, n, f) != n) {
                fclose(f);
                return -1;
            }
            n = 0;
        }
    }
    if (fclose(f) != 0) {
        return -1;
    }
    return chmod(path, 0644);
}

int
fixture_text(const char *path, const char *line)
{
    FILE  *f = fopen(path, "w");

    if (f == NULL) {
        return -1;
    }
    if (fprintf(f, "%s\n", line) < 0) {
        fclose(f);
        return -1;
    }
    if (fclose(f) != 0) {
        return -1;
    }
    return chmod(path, 0644);
}

int
fixture_build(const char *root, const char *name, pxe_layout_e layout,
    unsigned flags, size_t archive_size)
{
    char  dir[PATH_MAX], plat[PATH_MAX + 16], p[PATH_MAX + 64], seed[64];
    int   n;

    switch (layout) {
    case PXE_LAYOUT_LEGACY:
        n = snprintf(dir, sizeof(dir), "%s/platform-%s", root, name);
        break;
    case PXE_LAYOUT_UNDERSCORE:
        n = snprintf(dir, sizeof(dir), "%s/platform_%s", root, name);
        break;
    case PXE_LAYOUT_UNVERSIONED:
        /* An ISO or USB image unpacked: the name is only in the stamp. */
        n = snprintf(dir, sizeof(dir), "%s/platform", root);
        break;
    default:
        n = snprintf(dir, sizeof(dir), "%s/%s", root, name);
        break;
    }
    /* Leave room for the longest file below the platform directory. */
    if (n < 0 || (size_t) n >= sizeof(dir) - 64) {
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(plat, sizeof(plat), layout == PXE_LAYOUT_CANONICAL
             ? "%s/platform" : "%s", dir);

    snprintf(p, sizeof(p), "%s/i86pc/kernel/amd64", plat);
    if (fixture_mkdirs(p) != 0) {
        return -1;
    }
    snprintf(p, sizeof(p), "%s/i86pc/amd64", plat);
    if (fixture_mkdirs(p) != 0) {
        return -1;
    }

    if (!(flags & FX_NO_KERNEL)) {
        snprintf(p, sizeof(p), "%s/i86pc/kernel/amd64/unix", plat);
        snprintf(seed, sizeof(seed), "unix-%s", name);
        if (fixture_file(p, seed, 4096) != 0) {
            return -1;
        }
    }
    if (!(flags & FX_NO_ARCHIVE)) {
        snprintf(p, sizeof(p), "%s/i86pc/amd64/boot_archive", plat);
        snprintf(seed, sizeof(seed), "archive-%s", name);
        if (fixture_file(p, seed, archive_size) != 0) {
            return -1;
        }
    }
    if (!(flags & FX_NO_HASH)) {
        snprintf(p, sizeof(p), "%s/i86pc/amd64/boot_archive.hash", plat);
        snprintf(seed, sizeof(seed), "hash-%s", name);
        if (fixture_file(p, seed, 40) != 0) {
            return -1;
        }
    }
    if (flags & FX_MANIFEST) {
        snprintf(p, sizeof(p), "%s/i86pc/amd64/boot_archive.manifest", plat);
        snprintf(seed, sizeof(seed), "manifest-%s", name);
        if (fixture_file(p, seed, 512) != 0) {
            return -1;
        }
    }
    if (layout == PXE_LAYOUT_UNVERSIONED && !(flags & FX_NO_STAMP)) {
        /* As smartos-live's tools/build_live writes it: the stamp, "\n". */
        snprintf(p, sizeof(p), "%s/etc/version", plat);
        if (fixture_mkdirs(p) != 0) {
            return -1;
        }
        snprintf(p, sizeof(p), "%s/etc/version/platform", plat);
        if (fixture_text(p, name) != 0) {
            return -1;
        }
    }
    if (flags & FX_DISABLED) {
        snprintf(p, sizeof(p), "%s/disable", dir);
        if (fixture_file(p, "disable", 0) != 0) {
            return -1;
        }
    }
    return 0;
}

char *
fixture_tmpdir(void)
{
    const char  *base = getenv("TMPDIR");
    char        *t;
    size_t       n;

    if (base == NULL || *base == '\0') {
        base = "/tmp";
    }
    n = strlen(base) + sizeof("/pxekit-test.XXXXXX");
    t = malloc(n);
    if (t == NULL) {
        return NULL;
    }
    snprintf(t, n, "%s/pxekit-test.XXXXXX", base);
    if (mkdtemp(t) == NULL) {
        free(t);
        return NULL;
    }
    /* Servers drop privileges: the tree must be readable by anyone. */
    chmod(t, 0755);
    return t;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove(path);
}

int
fixture_rmtree(const char *path)
{
    return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
