/*
 * migrate.c: moving platform-<build>/, platform_<build>/ and unversioned
 * platform/ trees (FROM below) into the canonical <build>/platform/
 * layout, safe against being killed at any point.
 *
 * Each build goes through five steps, each a single system call:
 *   1 mkdir <b>                      (skipped when it exists)
 *   2 create <b>/.pxekit-migrate     (the marker: "this build is mine";
 *                                     it holds FROM, for step 4)
 *   3 rename(2) FROM -> <b>/platform
 *   4 symlink FROM -> <b>/platform   (old configs keep working)
 *   5 unlink the marker
 * The marker is what tells a re-run that a <b>/platform without a FROM
 * beside it is a move it started, not a canonical build it must leave
 * alone; with it, the state on disk says which step is next.  An empty
 * marker (an older pxekit's, or killed before the write) means
 * platform-<b>.  Nothing is ever copied or deleted, so an interrupted run
 * loses nothing.  The unversioned platform/ is named by its stamp
 * (stamp.c); without one it is left where it is.
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
#define MIGRATE_STEPS      5

static int plan_one(int rootfd, pxe_migrate_item_t *it);
static int from_valid(const char *from, const char *name);
static void marker_from(int rootfd, pxe_migrate_item_t *it);
static int same_tree(int afd, int bfd);
static int same_file(int afd, int bfd);
static int plan_add(pxe_migrate_plan_t *plan, size_t *cap, const char *name,
    const char *from);
static int cmp_item(const void *a, const void *b);
static int plan_unversioned(int rootfd, const char *rroot,
    pxe_migrate_plan_t *plan, size_t *cap);
static int do_step(int rootfd, const pxe_migrate_item_t *it, int step);

void
pxe_migrate_init(pxe_migrate_plan_t *plan)
{
    plan->items = NULL;
    plan->nitems = 0;
    plan->nconflicts = 0;
    plan->unversioned = PXE_STAMP_NONE;
}

void
pxe_migrate_free(pxe_migrate_plan_t *plan)
{
    free(plan->items);
    pxe_migrate_init(plan);
}

static int
same_file(int afd, int bfd)
{
    char     a[8192], b[8192];
    ssize_t  na, nb;

    for ( ;; ) {
        na = read(afd, a, sizeof(a));
        nb = read(bfd, b, sizeof(b));
        /* Regular files on a local disk: full reads until the end. */
        if (na < 0 || nb < 0) {
            return -1;
        }
        if (na != nb || memcmp(a, b, (size_t) na) != 0) {
            return 0;
        }
        if (na == 0) {
            return 1;
        }
    }
}

/*
 * 1 when the two directories hold the same names with the same types and
 * bytes (symlinks: same target), 0 when not, -1 on an I/O error.  Takes
 * ownership of both descriptors.
 */
static int
same_tree(int afd, int bfd)
{
    DIR            *da = fdopendir(afd), *db = NULL;
    struct dirent  *de;
    struct stat     sa, sb;
    size_t          na = 0, nb = 0;
    int             same = 1, fa, fb;
    char            la[PATH_MAX], lb[PATH_MAX];
    ssize_t         ka, kb;

    if (da == NULL) {
        close(afd);
        close(bfd);
        return -1;
    }
    db = fdopendir(bfd);
    if (db == NULL) {
        closedir(da);
        close(bfd);
        return -1;
    }
    while (same == 1 && (de = readdir(da)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        na++;
        if (fstatat(dirfd(da), de->d_name, &sa, AT_SYMLINK_NOFOLLOW) != 0) {
            same = -1;
            break;
        }
        if (fstatat(dirfd(db), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
            same = errno == ENOENT ? 0 : -1;
            break;
        }
        if ((sa.st_mode & S_IFMT) != (sb.st_mode & S_IFMT)) {
            same = 0;
        } else if (S_ISLNK(sa.st_mode)) {
            ka = readlinkat(dirfd(da), de->d_name, la, sizeof(la) - 1);
            kb = readlinkat(dirfd(db), de->d_name, lb, sizeof(lb) - 1);
            same = ka < 0 || kb < 0 ? -1
                   : ka == kb && memcmp(la, lb, (size_t) ka) == 0;
        } else if (S_ISREG(sa.st_mode)) {
            if (sa.st_size != sb.st_size) {
                same = 0;
                break;
            }
            fa = openat(dirfd(da), de->d_name, O_RDONLY | O_NOFOLLOW);
            fb = openat(dirfd(db), de->d_name, O_RDONLY | O_NOFOLLOW);
            same = fa < 0 || fb < 0 ? -1 : same_file(fa, fb);
            if (fa >= 0) {
                close(fa);
            }
            if (fb >= 0) {
                close(fb);
            }
        } else if (S_ISDIR(sa.st_mode)) {
            fa = openat(dirfd(da), de->d_name,
                        O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            fb = openat(dirfd(db), de->d_name,
                        O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            if (fa < 0 || fb < 0) {
                if (fa >= 0) {
                    close(fa);
                }
                if (fb >= 0) {
                    close(fb);
                }
                same = -1;
            } else {
                same = same_tree(fa, fb);
            }
        }
    }
    if (same == 1) {
        while ((de = readdir(db)) != NULL) {
            if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            {
                nb++;
            }
        }
        same = na == nb;
    }
    closedir(da);
    closedir(db);
    return same;
}

/* FROM names build name's tree in a layout migrate moves. */
static int
from_valid(const char *from, const char *name)
{
    return strcmp(from, "platform") == 0
           || (strncmp(from, "platform", 8) == 0
               && (from[8] == '-' || from[8] == '_')
               && strcmp(from + 9, name) == 0);
}

/* A marked build whose FROM is gone: the marker says what it was. */
static void
marker_from(int rootfd, pxe_migrate_item_t *it)
{
    char     path[PXE_PATH_MAX], buf[PXE_BUILDDIR_MAX];
    ssize_t  n;
    int      fd;

    (void) snprintf(it->from, sizeof(it->from), LEGACY_PREFIX "%s",
                    it->name);
    (void) snprintf(path, sizeof(path), "%s/" PXE_MIGRATE_MARKER, it->name);
    fd = openat(rootfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return;
    }
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n > 0) {
        buf[n] = '\0';
        if (from_valid(buf, it->name)) {
            memcpy(it->from, buf, (size_t) n + 1);
        }
    }
}

/* What is on disk for build it->name, and so which step comes next. */
static int
plan_one(int rootfd, pxe_migrate_item_t *it)
{
    const char  *name = it->name;
    char         legacy[PXE_PATH_MAX], canon[PXE_PATH_MAX];
    char         marker[PXE_PATH_MAX], target[PXE_PATH_MAX];
    char         link[PXE_PATH_MAX];
    struct stat  sl, sc, sb;
    int          has_legacy, legacy_dir, legacy_link, has_canon, marked;
    int          same, afd, bfd;
    ssize_t      n;

    (void) snprintf(canon, sizeof(canon), "%s/platform", name);
    (void) snprintf(marker, sizeof(marker), "%s/" PXE_MIGRATE_MARKER, name);
    (void) snprintf(target, sizeof(target), "%s/platform", name);
    it->next_step = 0;
    if (it->multi) {
        it->state = PXE_MIGRATE_CONFLICT;   /* which tree? a person says */
        return PXE_OK;
    }
    if (it->from[0] == '\0') {
        marker_from(rootfd, it);
    }
    (void) snprintf(legacy, sizeof(legacy), "%s", it->from);

    has_legacy = fstatat(rootfd, legacy, &sl, AT_SYMLINK_NOFOLLOW) == 0;
    legacy_dir = has_legacy && S_ISDIR(sl.st_mode);
    legacy_link = has_legacy && S_ISLNK(sl.st_mode);
    has_canon = fstatat(rootfd, canon, &sc, AT_SYMLINK_NOFOLLOW) == 0
                && S_ISDIR(sc.st_mode);
    marked = fstatat(rootfd, marker, &sb, AT_SYMLINK_NOFOLLOW) == 0;

    if (legacy_link) {
        n = readlinkat(rootfd, legacy, link, sizeof(link) - 1);
        if (n < 0) {
            return PXE_EIO;
        }
        link[n] = '\0';
        if (strcmp(link, target) != 0 || !has_canon) {
            /* A symlink of the site's own: not ours to touch. */
            it->state = PXE_MIGRATE_CONFLICT;
            return PXE_OK;
        }
        it->state = marked ? PXE_MIGRATE_RESUME : PXE_MIGRATE_DONE;
        it->next_step = marked ? 5 : 0;
        return PXE_OK;
    }
    if (has_legacy && !legacy_dir) {
        it->state = PXE_MIGRATE_CONFLICT;
        return PXE_OK;
    }
    if (legacy_dir && !has_canon) {
        if (fstatat(rootfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0
            && !S_ISDIR(sb.st_mode))
        {
            it->state = PXE_MIGRATE_CONFLICT;   /* <b> is a file */
            return PXE_OK;
        }
        it->state = marked ? PXE_MIGRATE_RESUME : PXE_MIGRATE_TODO;
        it->next_step = marked ? 3
                        : fstatat(rootfd, name, &sb, 0) == 0 ? 2 : 1;
        return PXE_OK;
    }
    if (!has_legacy && has_canon) {
        if (marked) {
            it->state = PXE_MIGRATE_RESUME;     /* killed after rename */
            it->next_step = 4;
        } else {
            it->state = PXE_MIGRATE_DONE;       /* canonical, not ours */
        }
        return PXE_OK;
    }
    if (legacy_dir && has_canon) {
        afd = openat(rootfd, legacy, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        bfd = openat(rootfd, canon, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (afd < 0 || bfd < 0) {
            if (afd >= 0) {
                close(afd);
            }
            if (bfd >= 0) {
                close(bfd);
            }
            return PXE_EIO;
        }
        same = same_tree(afd, bfd);
        if (same < 0) {
            return PXE_EIO;
        }
        it->state = same ? PXE_MIGRATE_SAME : PXE_MIGRATE_CONFLICT;
        return PXE_OK;
    }
    it->state = PXE_MIGRATE_DONE;
    return PXE_OK;
}

/* from: the tree to move, "" for a marked build (the marker says). */
static int
plan_add(pxe_migrate_plan_t *plan, size_t *cap, const char *name,
    const char *from)
{
    pxe_migrate_item_t  *n;
    size_t               i;

    for (i = 0; i < plan->nitems; i++) {
        if (strcmp(plan->items[i].name, name) == 0) {
            if (plan->items[i].from[0] == '\0') {
                (void) snprintf(plan->items[i].from,
                                sizeof(plan->items[i].from), "%s", from);
            } else if (from[0] != '\0'
                       && strcmp(plan->items[i].from, from) != 0)
            {
                plan->items[i].multi = 1;
            }
            return PXE_OK;
        }
    }
    if (plan->nitems >= PXE_BUILDS_MAX) {
        return PXE_ETOOMANY;
    }
    if (plan->nitems == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        n = realloc(plan->items, *cap * sizeof(*n));
        if (n == NULL) {
            return PXE_ENOMEM;
        }
        plan->items = n;
    }
    memset(&plan->items[plan->nitems], 0, sizeof(plan->items[0]));
    memcpy(plan->items[plan->nitems].name, name, PXE_BUILDNAME_LEN);
    (void) snprintf(plan->items[plan->nitems].from,
                    sizeof(plan->items[0].from), "%s", from);
    plan->nitems++;
    return PXE_OK;
}

static int
cmp_item(const void *a, const void *b)
{
    return strcmp(((const pxe_migrate_item_t *) a)->name,
                  ((const pxe_migrate_item_t *) b)->name);
}

/*
 * The root's platform entry: a directory whose stamp names it (else only
 * plan->unversioned says why it stays), or the symlink step 4 left, which
 * names its build.  Any other symlink is the site's own (piadm's
 * platform -> platform-<b>, say): an alias, not a tree to move.
 */
static int
plan_unversioned(int rootfd, const char *rroot, pxe_migrate_plan_t *plan,
    size_t *cap)
{
    struct stat  st;
    char         link[PXE_PATH_MAX], name[PXE_BUILDNAME_LEN + 1];
    ssize_t      n;

    if (fstatat(rootfd, "platform", &st, AT_SYMLINK_NOFOLLOW) != 0) {
        return PXE_OK;
    }
    if (S_ISLNK(st.st_mode)) {
        n = readlinkat(rootfd, "platform", link, sizeof(link) - 1);
        if (n == PXE_BUILDNAME_LEN + 9
            && memcmp(link + PXE_BUILDNAME_LEN, "/platform", 9) == 0
            && pxe_buildname_valid(link, PXE_BUILDNAME_LEN))
        {
            memcpy(name, link, PXE_BUILDNAME_LEN);
            name[PXE_BUILDNAME_LEN] = '\0';
            return plan_add(plan, cap, name, "platform");
        }
        return PXE_OK;
    }
    if (!S_ISDIR(st.st_mode)) {
        return PXE_OK;
    }
    plan->unversioned = pxe_stamp_read(rootfd, rroot, name);
    if (plan->unversioned != PXE_STAMP_OK) {
        return PXE_OK;
    }
    return plan_add(plan, cap, name, "platform");
}

int
pxe_migrate_plan(const char *root, pxe_migrate_plan_t *plan)
{
    DIR            *d;
    struct dirent  *de;
    struct stat     st;
    char            marker[PXE_PATH_MAX], *rroot;
    char            name[PXE_BUILDNAME_LEN + 1];
    pxe_layout_e    layout;
    size_t          cap = 0, i, len;
    int             rootfd, rc = PXE_OK;

    pxe_migrate_init(plan);
    rootfd = open(root, O_RDONLY | O_DIRECTORY);
    if (rootfd < 0) {
        return PXE_EIO;
    }
    d = opendir(root);
    if (d == NULL) {
        close(rootfd);
        return PXE_EIO;
    }
    /*
     * Candidates: platform-<b> and platform_<b> entries, the unversioned
     * platform (a directory named by its stamp, or our own symlink), and
     * <b>/ holding our marker.
     */
    rroot = realpath(root, NULL);
    while (rc == PXE_OK && (de = readdir(d)) != NULL) {
        len = strlen(de->d_name);
        if (pxe_build_dirname(de->d_name, len, name, &layout) == PXE_OK
            && layout != PXE_LAYOUT_CANONICAL)
        {
            rc = plan_add(plan, &cap, name, de->d_name);
        } else if (strcmp(de->d_name, "platform") == 0) {
            rc = plan_unversioned(rootfd, rroot, plan, &cap);
        } else if (len == PXE_BUILDNAME_LEN
                   && pxe_buildname_valid(de->d_name, len))
        {
            (void) snprintf(marker, sizeof(marker), "%s/"
                            PXE_MIGRATE_MARKER, de->d_name);
            if (fstatat(rootfd, marker, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                rc = plan_add(plan, &cap, de->d_name, "");
            }
        }
    }
    closedir(d);
    free(rroot);
    if (rc == PXE_OK) {
        if (plan->nitems > 1) {
            qsort(plan->items, plan->nitems, sizeof(plan->items[0]),
                  cmp_item);
        }
        for (i = 0; i < plan->nitems && rc == PXE_OK; i++) {
            rc = plan_one(rootfd, &plan->items[i]);
            if (plan->items[i].state == PXE_MIGRATE_CONFLICT) {
                plan->nconflicts++;
            }
        }
    }
    close(rootfd);
    if (rc != PXE_OK) {
        pxe_migrate_free(plan);
    }
    return rc;
}

int
pxe_migrate_describe(const pxe_migrate_item_t *it, int step, pxe_buf_t *out)
{
    const char  *b = it->name;

    switch (step) {
    case 1: return pxe_buf_printf(out, "mkdir %s", b);
    case 2: return pxe_buf_printf(out, "create %s/" PXE_MIGRATE_MARKER, b);
    case 3: return pxe_buf_printf(out, "rename %s -> %s/platform",
                                  it->from, b);
    case 4: return pxe_buf_printf(out, "symlink %s -> %s/platform",
                                  it->from, b);
    case 5: return pxe_buf_printf(out, "remove %s/" PXE_MIGRATE_MARKER, b);
    }
    return PXE_EINVAL;
}

static int
do_step(int rootfd, const pxe_migrate_item_t *it, int step)
{
    char  a[PXE_PATH_MAX], b[PXE_PATH_MAX];
    int   fd;

    switch (step) {
    case 1:
        if (mkdirat(rootfd, it->name, 0755) != 0 && errno != EEXIST) {
            return PXE_EIO;
        }
        return PXE_OK;
    case 2:
        (void) snprintf(a, sizeof(a), "%s/" PXE_MIGRATE_MARKER, it->name);
        fd = openat(rootfd, a, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
                    0644);
        /* FROM in the marker: after step 3 nothing else records it. */
        if (fd < 0
            || write(fd, it->from, strlen(it->from))
               != (ssize_t) strlen(it->from)
            || fsync(fd) != 0)
        {
            if (fd >= 0) {
                close(fd);
            }
            return PXE_EIO;
        }
        close(fd);
        return PXE_OK;
    case 3:
        (void) snprintf(a, sizeof(a), "%s", it->from);
        (void) snprintf(b, sizeof(b), "%s/platform", it->name);
        /* rename(2) of a directory never replaces a non-empty one. */
        return renameat(rootfd, a, rootfd, b) == 0 ? PXE_OK : PXE_EIO;
    case 4:
        (void) snprintf(a, sizeof(a), "%s", it->from);
        (void) snprintf(b, sizeof(b), "%s/platform", it->name);
        return symlinkat(b, rootfd, a) == 0 ? PXE_OK : PXE_EIO;
    case 5:
        (void) snprintf(a, sizeof(a), "%s/" PXE_MIGRATE_MARKER, it->name);
        return unlinkat(rootfd, a, 0) == 0 || errno == ENOENT
               ? PXE_OK : PXE_EIO;
    }
    return PXE_EINVAL;
}

int
pxe_migrate_apply(const char *root, pxe_migrate_plan_t *plan,
    pxe_migrate_step_pt before, void *ctx)
{
    pxe_migrate_item_t  *it;
    size_t               i;
    int                  rootfd, step, rc = PXE_OK;

    rootfd = open(root, O_RDONLY | O_DIRECTORY);
    if (rootfd < 0) {
        return PXE_EIO;
    }
    for (i = 0; i < plan->nitems && rc == PXE_OK; i++) {
        it = &plan->items[i];
        if ((it->state != PXE_MIGRATE_TODO && it->state != PXE_MIGRATE_RESUME)
            || it->next_step == 0)
        {
            continue;
        }
        for (step = it->next_step; step <= MIGRATE_STEPS; step++) {
            if (before != NULL && before(ctx, it, step) != 0) {
                rc = PXE_EINVAL;
                break;
            }
            rc = do_step(rootfd, it, step);
            if (rc != PXE_OK) {
                break;
            }
            /* Renames and links are durable before the next step counts. */
            (void) fsync(rootfd);
        }
        if (rc == PXE_OK) {
            it->state = PXE_MIGRATE_DONE;
            it->next_step = 0;
        } else {
            it->next_step = step;
        }
    }
    close(rootfd);
    return rc;
}
