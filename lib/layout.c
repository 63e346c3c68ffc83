/*
 * layout.c: where the files of a SmartOS platform build live on disk.
 *
 * Four layouts exist in the wild:
 *   canonical    <root>/<build>/platform/i86pc/kernel/amd64/unix
 *   legacy       <root>/platform-<build>/i86pc/kernel/amd64/unix
 *   underscore   <root>/platform_<build>/i86pc/kernel/amd64/unix
 *   unversioned  <root>/platform/i86pc/kernel/amd64/unix (an ISO or USB
 *                image unpacked; named by its stamp file, stamp.c)
 * SmartOS only boots from URLs of the canonical form (krtld finds its
 * modules from argv[0]), so the other trees are served behind canonical
 * names.  Everything that turns a request into a path lives here, so
 * that no adapter ever joins a user-supplied segment to a root itself.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pxekit_private.h"

#define LEGACY_PREFIX      "platform-"
#define LEGACY_PREFIX_LEN  (sizeof(LEGACY_PREFIX) - 1)
#define UNDER_PREFIX       "platform_"
#define UNVERSIONED_DIR    "platform"
#define CANON_INFIX        "/platform/"
#define CANON_INFIX_LEN    (sizeof(CANON_INFIX) - 1)

/* Paths of the served files below a build's platform directory. */
static const char *const file_suffix[PXE_FILE_COUNT] = {
    [PXE_FILE_KERNEL] = "i86pc/kernel/amd64/unix",
    [PXE_FILE_ARCHIVE] = "i86pc/amd64/boot_archive",
    [PXE_FILE_HASH] = "i86pc/amd64/boot_archive.hash",
    [PXE_FILE_MANIFEST] = "i86pc/amd64/boot_archive.manifest",
};

/* Indexed by pxe_layout_e. */
static const char *const layout_name[PXE_LAYOUT_MAX + 1] = {
    [PXE_LAYOUT_CANONICAL] = "canonical",
    [PXE_LAYOUT_LEGACY] = "legacy",
    [PXE_LAYOUT_UNDERSCORE] = "underscore",
    [PXE_LAYOUT_UNVERSIONED] = "unversioned",
};
static const char *const layout_form[PXE_LAYOUT_MAX + 1] = {
    [PXE_LAYOUT_CANONICAL] = "<build>/platform/",
    [PXE_LAYOUT_LEGACY] = "platform-<build>/",
    [PXE_LAYOUT_UNDERSCORE] = "platform_<build>/",
    [PXE_LAYOUT_UNVERSIONED] = "platform/ (unversioned)",
};

static int scan_add(pxe_scan_t *scan, size_t *cap, size_t max,
    const pxe_build_t *b);
static void scan_probe(int rootfd, const char *rroot, const char *dir,
    const char *platform, const struct stat *pst, int plain, pxe_build_t *b);
static int probe_dir(int rootfd, const char *path, int *plain,
    struct stat *st);
static int stat_regular(int rootfd, const char *path, struct stat *st);
static int cmp_build(const void *a, const void *b);
static void changed_at(time_t *t, const struct stat *st);
static int split_request(const char *path, size_t len, const char **name,
    const char **rest, size_t *restlen, pxe_layout_e *layout);
static int inside_root(const char *root, const char *rel);

const char *
pxe_layout_name(pxe_layout_e layout)
{
    if ((unsigned) layout > PXE_LAYOUT_MAX || layout_name[layout] == NULL) {
        return "unknown";
    }
    return layout_name[layout];
}

const char *
pxe_layout_form(pxe_layout_e layout)
{
    if ((unsigned) layout > PXE_LAYOUT_MAX || layout_form[layout] == NULL) {
        return "unknown";
    }
    return layout_form[layout];
}

void
pxe_scan_init(pxe_scan_t *scan)
{
    scan->builds = NULL;
    scan->nbuilds = 0;
    scan->unversioned = PXE_STAMP_NONE;
    scan->changed = 0;
    scan->settle_at = 0;
    scan->stamp = 0;
}

void
pxe_scan_free(pxe_scan_t *scan)
{
    free(scan->builds);
    pxe_scan_init(scan);
}

/* Later of mtime and ctime: ctime cannot be set back, mtime can. */
static void
changed_at(time_t *t, const struct stat *st)
{
    time_t  c;

    c = st->st_ctime > st->st_mtime ? st->st_ctime : st->st_mtime;
    if (c > *t) {
        *t = c;
    }
}

static int
stat_regular(int rootfd, const char *path, struct stat *st)
{
    if (fstatat(rootfd, path, st, 0) != 0) {
        return 0;
    }
    return S_ISREG(st->st_mode);
}

/*
 * Stats path (relative to the root), symlinks followed, into st: -1 when
 * that fails, else 1 for a directory and 0 for anything else.  *plain is
 * cleared when it is a symlink: what lies below it must then be checked
 * by its real path.
 */
static int
probe_dir(int rootfd, const char *path, int *plain, struct stat *st)
{
    if (fstatat(rootfd, path, st, AT_SYMLINK_NOFOLLOW) != 0) {
        return -1;
    }
    if (S_ISLNK(st->st_mode)) {
        *plain = 0;
        if (fstatat(rootfd, path, st, 0) != 0) {
            return -1;
        }
    }
    return S_ISDIR(st->st_mode) ? 1 : 0;
}

/*
 * Fills in what is on disk for one build whose directory is dir and whose
 * platform directory is platform (both relative to the root, whose real
 * path is rroot, NULL when it has none; pst is platform's stat).  A file
 * counts only as a regular file whose real path stays under the root:
 * this is the containment check of every file a server opens.  plain says
 * that dir and platform are no symlinks; with the directories below also
 * none and the file itself none, the path, of fixed names, cannot leave
 * the root and needs no realpath(3): the usual case costs one lstat per
 * directory and file.
 */
static void
scan_probe(int rootfd, const char *rroot, const char *dir,
    const char *platform, const struct stat *pst, int plain, pxe_build_t *b)
{
    char                path[PXE_PATH_MAX];
    struct stat         st, dst, kst, ast;
    const struct stat  *d, *k, *a;
    int                 f, kplain, aplain, fplain;

    b->kernel_size = -1;
    b->archive_size = -1;
    b->mtime = 0;
    b->changed = 0;
    b->files = 0;
    b->outside = 0;

    /* a legacy, underscore or unversioned build's directory is its
       platform directory, statted (symlinks followed) already */
    if (strcmp(dir, platform) == 0) {
        d = pst;
    } else {
        d = fstatat(rootfd, dir, &dst, 0) == 0 ? &dst : NULL;
    }
    if (d != NULL) {
        changed_at(&b->changed, d);
    }

    /* The directories that hold the kernel and the archive are statted
       here for the stamp too; below a symlink, where no probe goes, by
       themselves. */
    k = a = NULL;
    if (plain) {
        (void) snprintf(path, sizeof(path), "%s/i86pc", platform);
        (void) probe_dir(rootfd, path, &plain, &st);
    }
    kplain = plain;
    aplain = plain;
    if (plain) {
        (void) snprintf(path, sizeof(path), "%s/i86pc/kernel", platform);
        (void) probe_dir(rootfd, path, &kplain, &st);
        (void) snprintf(path, sizeof(path), "%s/i86pc/kernel/amd64",
                        platform);
        k = probe_dir(rootfd, path, &kplain, &kst) >= 0 ? &kst : NULL;
        (void) snprintf(path, sizeof(path), "%s/i86pc/amd64", platform);
        a = probe_dir(rootfd, path, &aplain, &ast) >= 0 ? &ast : NULL;
    } else if (d != NULL) {
        pxe_build_file_dir(b, PXE_FILE_KERNEL, path);
        k = fstatat(rootfd, path, &kst, 0) == 0 ? &kst : NULL;
        pxe_build_file_dir(b, PXE_FILE_ARCHIVE, path);
        a = fstatat(rootfd, path, &ast, 0) == 0 ? &ast : NULL;
    }
    b->stamp = pxe_stamp_build(d, k, a);

    for (f = 0; f < PXE_FILE_COUNT; f++) {
        fplain = f == PXE_FILE_KERNEL ? kplain : aplain;
        (void) snprintf(path, sizeof(path), "%s/%s", platform,
                        file_suffix[f]);
        if (fstatat(rootfd, path, &st, fplain ? AT_SYMLINK_NOFOLLOW : 0)
            != 0)
        {
            continue;
        }
        if (fplain && S_ISLNK(st.st_mode)) {
            fplain = 0;
            if (!stat_regular(rootfd, path, &st)) {
                continue;
            }
        }
        if (!S_ISREG(st.st_mode)) {
            continue;
        }
        if (!fplain
            && (rroot == NULL || !pxe_inside_real_root(rroot, path)))
        {
            b->outside |= 1u << f;
            continue;
        }
        b->files |= 1u << f;
        changed_at(&b->changed, &st);
        if (f == PXE_FILE_KERNEL) {
            b->kernel_size = (int64_t) st.st_size;
        } else if (f == PXE_FILE_ARCHIVE) {
            b->archive_size = (int64_t) st.st_size;
        } else {
            continue;
        }
        if (st.st_mtime > b->mtime) {
            b->mtime = st.st_mtime;
        }
    }

    b->hash = (b->files >> PXE_FILE_HASH) & 1;
    b->manifest = (b->files >> PXE_FILE_MANIFEST) & 1;

    (void) snprintf(path, sizeof(path), "%s/disable", dir);
    b->disabled = fstatat(rootfd, path, &st, 0) == 0;
    if (b->disabled) {
        changed_at(&b->changed, &st);
    }

    b->bootable = (b->files >> PXE_FILE_KERNEL) & 1
                  && (b->files >> PXE_FILE_ARCHIVE) & 1;
}

static int
scan_add(pxe_scan_t *scan, size_t *cap, size_t max, const pxe_build_t *b)
{
    pxe_build_t  *p;
    size_t        ncap;

    if (scan->nbuilds >= max) {
        return PXE_ETOOMANY;
    }
    if (scan->nbuilds == *cap) {
        ncap = *cap ? *cap * 2 : 16;
        if (ncap > max) {
            ncap = max;
        }
        p = realloc(scan->builds, ncap * sizeof(*p));
        if (p == NULL) {
            return PXE_ENOMEM;
        }
        scan->builds = p;
        *cap = ncap;
    }
    scan->builds[scan->nbuilds++] = *b;
    return PXE_OK;
}

/* Newest first; for one name, the entry to keep first. */
static int
cmp_build(const void *a, const void *b)
{
    const pxe_build_t  *x = a, *y = b;
    int                 c;

    c = pxe_buildname_cmp_newest(x->name, y->name);
    if (c != 0) {
        return c;
    }
    /*
     * A bootable copy wins over a broken one, then the layout order:
     * canonical, platform-, platform_, unversioned (pxekit.h).
     */
    if (x->bootable != y->bootable) {
        return x->bootable ? -1 : 1;
    }
    return (int) x->layout - (int) y->layout;
}

int
pxe_build_dirname(const char *s, size_t len,
    char name[PXE_BUILDNAME_LEN + 1], pxe_layout_e *layout)
{
    if (pxe_buildname_valid(s, len)) {
        *layout = PXE_LAYOUT_CANONICAL;
    } else if (len == LEGACY_PREFIX_LEN + PXE_BUILDNAME_LEN
               && memcmp(s, LEGACY_PREFIX, LEGACY_PREFIX_LEN) == 0
               && pxe_buildname_valid(s + LEGACY_PREFIX_LEN,
                                      PXE_BUILDNAME_LEN))
    {
        *layout = PXE_LAYOUT_LEGACY;
        s += LEGACY_PREFIX_LEN;
    } else if (len == LEGACY_PREFIX_LEN + PXE_BUILDNAME_LEN
               && memcmp(s, UNDER_PREFIX, LEGACY_PREFIX_LEN) == 0
               && pxe_buildname_valid(s + LEGACY_PREFIX_LEN,
                                      PXE_BUILDNAME_LEN))
    {
        *layout = PXE_LAYOUT_UNDERSCORE;
        s += LEGACY_PREFIX_LEN;
    } else {
        return PXE_ENOENT;
    }
    memcpy(name, s, PXE_BUILDNAME_LEN);
    name[PXE_BUILDNAME_LEN] = '\0';
    return PXE_OK;
}

/*
 * 1 when b changed within the last settle seconds and was not already
 * usable, as the same tree, in named.  changed is whole seconds: still
 * for settle seconds at least means a whole second more than the
 * difference says.  The lookup is only for builds that changed lately.
 */
static int
settles(const pxe_build_t *b, unsigned settle, time_t now,
    const pxe_scan_t *named)
{
    const pxe_build_t  *was;

    if (settle == 0 || b->changed + (time_t) settle < now) {
        return 0;
    }
    was = named != NULL
          ? pxe_scan_find(named, b->name, strnlen(b->name, sizeof(b->name)))
          : NULL;
    return !(was != NULL && pxe_build_usable(was) && was->dev == b->dev
             && was->ino == b->ino);
}

int
pxe_scan(const char *root, size_t max_builds, pxe_scan_t *scan)
{
    return pxe_scan_settle(root, max_builds, 0, 0, NULL, scan);
}

int
pxe_scan_settle(const char *root, size_t max_builds, unsigned settle,
    time_t now, const pxe_scan_t *named, pxe_scan_t *scan)
{
    DIR            *dir;
    struct dirent  *de;
    struct stat     st, rst, sst;
    pxe_build_t     b;
    size_t          cap = 0, i, j;
    int             rootfd, rc = PXE_OK, saved, plain, rok, sok;
    char           *rroot;
    char            platform[PXE_BUILDNAME_LEN + CANON_INFIX_LEN + 1];

    pxe_scan_init(scan);
    if (max_builds == 0 || max_builds > PXE_BUILDS_MAX) {
        max_builds = PXE_BUILDS_MAX;
    }

    rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        return errno == ENOENT || errno == ENOTDIR ? PXE_ENOENT : PXE_EIO;
    }
    rok = fstat(rootfd, &rst) == 0;
    if (rok) {
        changed_at(&scan->changed, &rst);
    }
    dir = fdopendir(rootfd);
    if (dir == NULL) {
        saved = errno;
        close(rootfd);
        errno = saved;
        return PXE_EIO;
    }
    /* Once per scan; each file found is then checked against it. */
    rroot = realpath(root, NULL);

    while ((de = readdir(dir)) != NULL) {
        memset(&b, 0, sizeof(b));

        if (strcmp(de->d_name, UNVERSIONED_DIR) == 0) {
            plain = de->d_type == DT_DIR;
            if (probe_dir(rootfd, UNVERSIONED_DIR, &plain, &st) != 1) {
                continue;
            }
            scan->unversioned = pxe_stamp_read(rootfd, rroot, b.name);
            if (scan->unversioned != PXE_STAMP_OK) {
                continue;
            }
            b.layout = PXE_LAYOUT_UNVERSIONED;
            (void) snprintf(platform, sizeof(platform), "%s",
                            UNVERSIONED_DIR);
        } else if (pxe_build_dirname(de->d_name, strlen(de->d_name),
                                     b.name, &b.layout)
                   != PXE_OK)
        {
            continue;
        } else if (b.layout == PXE_LAYOUT_CANONICAL) {
            (void) snprintf(platform, sizeof(platform), "%s/platform",
                            b.name);
        } else {
            (void) snprintf(platform, sizeof(platform), "%s",
                            de->d_name);
        }
        /* readdir says whether the entry is a symlink (or cannot tell) */
        plain = de->d_type == DT_DIR;
        if (probe_dir(rootfd, platform, &plain, &st) != 1) {
            continue;
        }
        b.dev = (uint64_t) st.st_dev;
        b.ino = (uint64_t) st.st_ino;
        scan_probe(rootfd, rroot, de->d_name, platform, &st, plain, &b);
        if (settles(&b, settle, now, named)) {
            b.settling = 1;
            if (b.changed + (time_t) settle + 1 > scan->settle_at) {
                scan->settle_at = b.changed + (time_t) settle + 1;
            }
        }

        rc = scan_add(scan, &cap, max_builds, &b);
        if (rc != PXE_OK) {
            break;
        }
    }
    sok = fstatat(rootfd, PXE_STAMP_PATH, &sst, 0) == 0;
    closedir(dir);
    free(rroot);

    if (rc != PXE_OK) {
        pxe_scan_free(scan);
        return rc;
    }

    if (scan->nbuilds > 1) {
        qsort(scan->builds, scan->nbuilds, sizeof(pxe_build_t), cmp_build);
        for (i = 1, j = 1; i < scan->nbuilds; i++) {
            pxe_build_t  *kept = &scan->builds[j - 1];

            if (memcmp(scan->builds[i].name, kept->name, PXE_BUILDNAME_LEN)
                != 0)
            {
                scan->builds[j++] = scan->builds[i];
            } else if (scan->builds[i].dev != kept->dev
                       || scan->builds[i].ino != kept->ino)
            {
                /* A second tree, not a symlink to the one served. */
                kept->also |= 1u << scan->builds[i].layout;
            }
        }
        scan->nbuilds = j;
    }
    scan->stamp = rok ? pxe_stamp_scan(&rst, scan, sok ? &sst : NULL) : 0;
    return PXE_OK;
}

const pxe_build_t *
pxe_scan_find(const pxe_scan_t *scan, const char *name, size_t len)
{
    size_t  lo = 0, hi = scan->nbuilds, mid;
    int     c;

    if (len != PXE_BUILDNAME_LEN) {
        return NULL;
    }
    /* Sorted newest first, i.e. descending bytes. */
    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        c = memcmp(scan->builds[mid].name, name, PXE_BUILDNAME_LEN);
        if (c == 0) {
            return &scan->builds[mid];
        }
        if (c > 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

int
pxe_build_usable(const pxe_build_t *b)
{
    return b != NULL && b->bootable && !b->disabled && !b->settling
           && pxe_buildname_valid(b->name, strnlen(b->name,
                                                   sizeof(b->name)));
}

const pxe_build_t *
pxe_scan_latest(const pxe_scan_t *scan)
{
    size_t  i;

    for (i = 0; i < scan->nbuilds; i++) {
        if (pxe_build_usable(&scan->builds[i])) {
            return &scan->builds[i];
        }
    }
    return NULL;
}

time_t
pxe_scan_newest(const pxe_scan_t *scan)
{
    size_t  i;
    time_t  newest = scan->changed;

    for (i = 0; i < scan->nbuilds; i++) {
        if (scan->builds[i].changed > newest) {
            newest = scan->builds[i].changed;
        }
    }
    return newest;
}

int
pxe_build_ref_parse(const char *s, size_t len,
    char name[PXE_BUILDNAME_LEN + 1])
{
    name[0] = '\0';
    if (len == 0
        || (len == PXE_BUILD_LATEST_LEN
            && memcmp(s, PXE_BUILD_LATEST, PXE_BUILD_LATEST_LEN) == 0))
    {
        return PXE_OK;
    }
    if (!pxe_buildname_valid(s, len)) {
        return PXE_EBUILDNAME;
    }
    memcpy(name, s, PXE_BUILDNAME_LEN);
    name[PXE_BUILDNAME_LEN] = '\0';
    return PXE_OK;
}

const pxe_build_t *
pxe_scan_pick(const pxe_scan_t *scan, const char *name)
{
    const pxe_build_t  *b;

    if (name == NULL || name[0] == '\0') {
        return pxe_scan_latest(scan);
    }
    b = pxe_scan_find(scan, name, strnlen(name, PXE_BUILDNAME_LEN + 1));
    return pxe_build_usable(b) ? b : NULL;
}

int
pxe_build_path(const pxe_build_t *b, pxe_file_e file, pxe_buf_t *out)
{
    if ((unsigned) file >= PXE_FILE_COUNT) {
        return PXE_EINVAL;
    }
    switch (b->layout) {
    case PXE_LAYOUT_LEGACY:
        return pxe_buf_printf(out, LEGACY_PREFIX "%s/%s", b->name,
                              file_suffix[file]);
    case PXE_LAYOUT_UNDERSCORE:
        return pxe_buf_printf(out, UNDER_PREFIX "%s/%s", b->name,
                              file_suffix[file]);
    case PXE_LAYOUT_UNVERSIONED:
        return pxe_buf_printf(out, UNVERSIONED_DIR "/%s", file_suffix[file]);
    default:
        return pxe_buf_printf(out, "%s" CANON_INFIX "%s", b->name,
                              file_suffix[file]);
    }
}

void
pxe_build_dir(const pxe_build_t *b, char out[PXE_BUILDDIR_MAX])
{
    switch (b->layout) {
    case PXE_LAYOUT_LEGACY:
        (void) snprintf(out, PXE_BUILDDIR_MAX, LEGACY_PREFIX "%.16s",
                        b->name);
        break;
    case PXE_LAYOUT_UNDERSCORE:
        (void) snprintf(out, PXE_BUILDDIR_MAX, UNDER_PREFIX "%.16s",
                        b->name);
        break;
    case PXE_LAYOUT_UNVERSIONED:
        (void) snprintf(out, PXE_BUILDDIR_MAX, UNVERSIONED_DIR);
        break;
    default:
        (void) snprintf(out, PXE_BUILDDIR_MAX, "%.16s", b->name);
        break;
    }
}

int
pxe_build_file(const pxe_build_t *b, pxe_file_e file, pxe_buf_t *out)
{
    if ((unsigned) file >= PXE_FILE_COUNT) {
        return PXE_EINVAL;
    }
    if (b->outside & (1u << file)) {
        return PXE_ESYMLINK;
    }
    if (!(b->files & (1u << file))) {
        return PXE_ENOENT;
    }
    return pxe_build_path(b, file, out);
}

int
pxe_build_boot_file(const pxe_build_t *b, pxe_file_e file)
{
    switch (file) {
    case PXE_FILE_KERNEL:
    case PXE_FILE_ARCHIVE:
    case PXE_FILE_HASH:
        return (b->files >> file) & 1;
    default:
        return 0;
    }
}

int
pxe_build_url(const char *name, pxe_file_e file, pxe_buf_t *out)
{
    if ((unsigned) file >= PXE_FILE_COUNT
        || !pxe_buildname_valid(name, strnlen(name, PXE_BUILDNAME_LEN + 1)))
    {
        return PXE_EINVAL;
    }
    return pxe_buf_printf(out, "%s" CANON_INFIX "%s", name,
                          file_suffix[file]);
}

int
pxe_path_check(const char *path, size_t len)
{
    const char  *seg, *end, *slash;
    size_t       seglen;

    if (path == NULL || len == 0) {
        return PXE_EINVAL;
    }
    if (len > PXE_PATH_MAX) {
        return PXE_ETOOLONG;
    }
    if (memchr(path, '\0', len) != NULL) {
        return PXE_ENUL;
    }

    end = path + len;
    for (seg = path; seg <= end; seg = slash + 1) {
        slash = memchr(seg, '/', (size_t) (end - seg));
        if (slash == NULL) {
            slash = end;
        }
        seglen = (size_t) (slash - seg);
        if (seglen == 0) {
            return PXE_EEMPTYSEG;
        }
        if ((seglen == 1 && seg[0] == '.')
            || (seglen == 2 && seg[0] == '.' && seg[1] == '.'))
        {
            return PXE_EDOTDOT;
        }
    }
    return PXE_OK;
}

/*
 * Splits "<b>/platform/REST" or "platform-<b>/REST" into the build name
 * and REST.  PXE_ENOENT when the path has neither form.
 */
static int
split_request(const char *path, size_t len, const char **name,
    const char **rest, size_t *restlen, pxe_layout_e *layout)
{
    if (len > PXE_BUILDNAME_LEN + CANON_INFIX_LEN
        && memcmp(path + PXE_BUILDNAME_LEN, CANON_INFIX, CANON_INFIX_LEN) == 0
        && pxe_buildname_valid(path, PXE_BUILDNAME_LEN))
    {
        *name = path;
        *rest = path + PXE_BUILDNAME_LEN + CANON_INFIX_LEN;
        *layout = PXE_LAYOUT_CANONICAL;

    } else if (len > LEGACY_PREFIX_LEN + PXE_BUILDNAME_LEN + 1
               && memcmp(path, LEGACY_PREFIX, LEGACY_PREFIX_LEN) == 0
               && path[LEGACY_PREFIX_LEN + PXE_BUILDNAME_LEN] == '/'
               && pxe_buildname_valid(path + LEGACY_PREFIX_LEN,
                                      PXE_BUILDNAME_LEN))
    {
        *name = path + LEGACY_PREFIX_LEN;
        *rest = path + LEGACY_PREFIX_LEN + PXE_BUILDNAME_LEN + 1;
        *layout = PXE_LAYOUT_LEGACY;

    } else {
        return PXE_ENOENT;
    }
    *restlen = len - (size_t) (*rest - path);
    return PXE_OK;
}

int
pxe_request_file(const char *path, size_t len,
    char name[PXE_BUILDNAME_LEN + 1], pxe_file_e *file)
{
    const char    *n, *rest;
    size_t         restlen;
    pxe_layout_e   layout;
    int            rc, f;

    rc = pxe_path_check(path, len);
    if (rc != PXE_OK) {
        return rc;
    }
    rc = split_request(path, len, &n, &rest, &restlen, &layout);
    if (rc != PXE_OK) {
        return rc;
    }
    for (f = 0; f < PXE_FILE_COUNT; f++) {
        if (restlen == strlen(file_suffix[f])
            && memcmp(rest, file_suffix[f], restlen) == 0)
        {
            memcpy(name, n, PXE_BUILDNAME_LEN);
            name[PXE_BUILDNAME_LEN] = '\0';
            *file = (pxe_file_e) f;
            return PXE_OK;
        }
    }
    return PXE_ENOENT;
}

int
pxe_inside_real_root(const char *rroot, const char *rel)
{
    char    *rfile;
    char     joined[PATH_MAX];
    size_t   n;
    int      inside = 0;

    if ((size_t) snprintf(joined, sizeof(joined), "%s/%s", rroot, rel)
        >= sizeof(joined))
    {
        return 0;
    }
    rfile = realpath(joined, NULL);
    if (rfile != NULL) {
        n = strlen(rroot);
        inside = strncmp(rfile, rroot, n) == 0
                 && (rfile[n] == '/' || (n == 1 && rroot[0] == '/'));
    }
    free(rfile);
    return inside;
}

/* 1 when root/rel, with every symlink followed, is still under root. */
static int
inside_root(const char *root, const char *rel)
{
    char  *rroot;
    int    inside = 0;

    rroot = realpath(root, NULL);
    if (rroot != NULL) {
        inside = pxe_inside_real_root(rroot, rel);
    }
    free(rroot);
    return inside;
}

int
pxe_layout_resolve(const char *root, const char *path, size_t len,
    pxe_buf_t *out)
{
    const char    *name, *rest;
    size_t         restlen;
    pxe_layout_e   layout;
    char           cand[2][PXE_PATH_MAX + CANON_INFIX_LEN + 1];
    struct stat    st;
    int            rc, i, rootfd, found = -1, notreg = 0;

    rc = pxe_path_check(path, len);
    if (rc != PXE_OK) {
        return rc;
    }
    rc = split_request(path, len, &name, &rest, &restlen, &layout);
    if (rc != PXE_OK) {
        return rc;
    }

    /* Canonical candidate first: a migrated tree wins over its leftovers. */
    (void) snprintf(cand[0], sizeof(cand[0]), "%.*s" CANON_INFIX "%.*s",
                    PXE_BUILDNAME_LEN, name, (int) restlen, rest);
    (void) snprintf(cand[1], sizeof(cand[1]), LEGACY_PREFIX "%.*s/%.*s",
                    PXE_BUILDNAME_LEN, name, (int) restlen, rest);

    rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0) {
        return errno == ENOENT || errno == ENOTDIR ? PXE_ENOENT : PXE_EIO;
    }
    for (i = 0; i < 2 && found < 0; i++) {
        if (fstatat(rootfd, cand[i], &st, 0) == 0) {
            if (S_ISREG(st.st_mode)) {
                found = i;
            } else {
                notreg = 1;
            }
        }
    }
    close(rootfd);

    if (found < 0) {
        return notreg ? PXE_ENOTREG : PXE_ENOENT;
    }
    if (!inside_root(root, cand[found])) {
        return PXE_ESYMLINK;
    }
    return pxe_buf_adds(out, cand[found]);
}
