/*
 * test_layout.c: scanning every layout, mapping requests to files, and
 * refusing every way out of the root.  Trees are built fresh per test.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "../common/tree.h"

#define NEWEST   "20240101T000000Z"
#define LEGACY   "20230615T120000Z"
#define OLDER    "20121004T212912Z"
#define BROKEN   "20200101T000000Z"
#define OFF      "20250101T000000Z"

static int
setup_tree(void **state)
{
    char  *root = fixture_tmpdir();

    if (root == NULL
        || fixture_build(root, NEWEST, PXE_LAYOUT_CANONICAL, FX_MANIFEST, 1000)
        || fixture_build(root, LEGACY, PXE_LAYOUT_LEGACY, 0, 2000)
        || fixture_build(root, OLDER, PXE_LAYOUT_CANONICAL, FX_NO_HASH, 3000)
        || fixture_build(root, BROKEN, PXE_LAYOUT_CANONICAL, FX_NO_ARCHIVE, 1)
        || fixture_build(root, OFF, PXE_LAYOUT_CANONICAL, FX_DISABLED, 10))
    {
        return -1;
    }
    *state = root;
    return 0;
}

static int
teardown_tree(void **state)
{
    fixture_rmtree(*state);
    free(*state);
    return 0;
}

/* The stamp a scan took from its own stats is the one taken afresh. */
static void
assert_stamp_fresh(const char *root, const pxe_scan_t *s)
{
    uint64_t  now;

    assert_int_equal(pxe_scan_stamp(root, s, &now), PXE_OK);
    assert_true(s->stamp != 0);
    assert_true(s->stamp == now);
}

static void
touch(const char *root, const char *rel)
{
    char  p[PATH_MAX];

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    assert_int_equal(fixture_mkdirs(p), 0);
}

static void
test_scan_finds_both_layouts(void **state)
{
    const char         *root = *state;
    pxe_scan_t          s;
    const pxe_build_t  *b;

    /* Not builds: must never be listed. */
    touch(root, "latest");
    touch(root, "20231301T000000Z/platform");
    touch(root, "platform-2023");
    touch(root, "platform-20230615T120000Zx");

    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 5);
    assert_string_equal(s.builds[0].name, OFF);
    assert_string_equal(s.builds[1].name, NEWEST);
    assert_string_equal(s.builds[2].name, LEGACY);
    assert_string_equal(s.builds[3].name, BROKEN);
    assert_string_equal(s.builds[4].name, OLDER);

    b = pxe_scan_find(&s, LEGACY, 16);
    assert_non_null(b);
    assert_int_equal(b->layout, PXE_LAYOUT_LEGACY);
    assert_true(b->bootable);
    assert_true(b->hash);
    assert_int_equal(b->archive_size, 2000);
    assert_int_equal(b->kernel_size, 4096);
    assert_true(b->mtime > 0);

    b = pxe_scan_find(&s, NEWEST, 16);
    assert_int_equal(b->layout, PXE_LAYOUT_CANONICAL);
    assert_true(b->manifest);
    assert_false(b->disabled);

    b = pxe_scan_find(&s, OLDER, 16);
    assert_true(b->bootable);
    assert_false(b->hash);

    b = pxe_scan_find(&s, BROKEN, 16);
    assert_false(b->bootable);
    assert_int_equal(b->archive_size, -1);

    b = pxe_scan_find(&s, OFF, 16);
    assert_true(b->disabled);
    assert_true(b->bootable);

    assert_null(pxe_scan_find(&s, "20990101T000000Z", 16));
    assert_null(pxe_scan_find(&s, "latest", 6));

    /* The newest bootable, enabled build is the default. */
    assert_string_equal(pxe_scan_latest(&s)->name, NEWEST);

    assert_stamp_fresh(root, &s);
    pxe_scan_free(&s);
    pxe_scan_free(&s);
    assert_int_equal(s.nbuilds, 0);
}

static void
test_scan_prefers_bootable_then_canonical(void **state)
{
    const char         *root = *state;
    pxe_scan_t          s;
    const pxe_build_t  *b;

    /* Half-migrated: an empty canonical dir beside the bootable legacy. */
    touch(root, LEGACY "/platform");
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    b = pxe_scan_find(&s, LEGACY, 16);
    assert_int_equal(b->layout, PXE_LAYOUT_LEGACY);
    assert_true(b->bootable);
    pxe_scan_free(&s);

    /* Both complete: canonical wins. */
    assert_int_equal(fixture_build(root, LEGACY, PXE_LAYOUT_CANONICAL, 0, 5),
                     0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 5);
    b = pxe_scan_find(&s, LEGACY, 16);
    assert_int_equal(b->layout, PXE_LAYOUT_CANONICAL);
    assert_int_equal(b->archive_size, 5);
    pxe_scan_free(&s);
}

static void
test_scan_limits_and_errors(void **state)
{
    const char  *root = *state;
    pxe_scan_t   s;
    char         p[PATH_MAX];

    assert_int_equal(pxe_scan(root, 3, &s), PXE_ETOOMANY);
    assert_null(s.builds);
    assert_int_equal(s.nbuilds, 0);

    snprintf(p, sizeof(p), "%s/nonexistent", root);
    assert_int_equal(pxe_scan(p, 0, &s), PXE_ENOENT);
    snprintf(p, sizeof(p), "%s/" NEWEST "/platform/i86pc/kernel/amd64/unix",
             root);
    assert_int_equal(pxe_scan(p, 0, &s), PXE_ENOENT);

    /* An empty root has no builds and no latest. */
    snprintf(p, sizeof(p), "%s/empty", root);
    touch(root, "empty");
    assert_int_equal(pxe_scan(p, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 0);
    assert_null(pxe_scan_latest(&s));
    pxe_scan_free(&s);
}

static void
test_build_paths_and_urls(void **state)
{
    pxe_build_t  b;
    char         mem[256];
    pxe_buf_t    out;

    (void) state;
    memset(&b, 0, sizeof(b));
    strcpy(b.name, OLDER);
    b.layout = PXE_LAYOUT_LEGACY;
    pxe_buf_init_fixed(&out, mem, sizeof(mem));
    assert_int_equal(pxe_build_path(&b, PXE_FILE_ARCHIVE, &out), PXE_OK);
    assert_string_equal(mem, "platform-" OLDER "/i86pc/amd64/boot_archive");

    b.layout = PXE_LAYOUT_CANONICAL;
    pxe_buf_reset(&out);
    assert_int_equal(pxe_build_path(&b, PXE_FILE_KERNEL, &out), PXE_OK);
    assert_string_equal(mem, OLDER "/platform/i86pc/kernel/amd64/unix");

    pxe_buf_reset(&out);
    assert_int_equal(pxe_build_url(OLDER, PXE_FILE_HASH, &out), PXE_OK);
    assert_string_equal(mem, OLDER "/platform/i86pc/amd64/boot_archive.hash");
    pxe_buf_reset(&out);
    assert_int_equal(pxe_build_url(OLDER, PXE_FILE_MANIFEST, &out), PXE_OK);
    assert_string_equal(mem,
                        OLDER "/platform/i86pc/amd64/boot_archive.manifest");

    assert_int_equal(pxe_build_url("../etc", PXE_FILE_KERNEL, &out),
                     PXE_EINVAL);
    assert_int_equal(pxe_build_url(OLDER, PXE_FILE_COUNT, &out), PXE_EINVAL);
    assert_int_equal(pxe_build_path(&b, (pxe_file_e) 42, &out), PXE_EINVAL);
}

static void
test_path_check(void **state)
{
    char  big[PXE_PATH_MAX + 2];

    (void) state;
    assert_int_equal(pxe_path_check("a/b/c", 5), PXE_OK);
    assert_int_equal(pxe_path_check("a..b/.c/c.", 10), PXE_OK);
    assert_int_equal(pxe_path_check("", 0), PXE_EINVAL);
    assert_int_equal(pxe_path_check(NULL, 3), PXE_EINVAL);
    assert_int_equal(pxe_path_check("../x", 4), PXE_EDOTDOT);
    assert_int_equal(pxe_path_check("a/../x", 6), PXE_EDOTDOT);
    assert_int_equal(pxe_path_check("a/..", 4), PXE_EDOTDOT);
    assert_int_equal(pxe_path_check("a/./x", 5), PXE_EDOTDOT);
    assert_int_equal(pxe_path_check(".", 1), PXE_EDOTDOT);
    assert_int_equal(pxe_path_check("/etc/passwd", 11), PXE_EEMPTYSEG);
    assert_int_equal(pxe_path_check("a//b", 4), PXE_EEMPTYSEG);
    assert_int_equal(pxe_path_check("a/b/", 4), PXE_EEMPTYSEG);
    assert_int_equal(pxe_path_check("a\0b", 3), PXE_ENUL);

    memset(big, 'a', sizeof(big));
    assert_int_equal(pxe_path_check(big, PXE_PATH_MAX), PXE_OK);
    assert_int_equal(pxe_path_check(big, PXE_PATH_MAX + 1), PXE_ETOOLONG);
}

static void
test_request_file(void **state)
{
    char        name[PXE_BUILDNAME_LEN + 1];
    pxe_file_e  f;
    const char *p;

    (void) state;
    p = OLDER "/platform/i86pc/kernel/amd64/unix";
    assert_int_equal(pxe_request_file(p, strlen(p), name, &f), PXE_OK);
    assert_string_equal(name, OLDER);
    assert_int_equal(f, PXE_FILE_KERNEL);

    p = "platform-" OLDER "/i86pc/amd64/boot_archive.hash";
    assert_int_equal(pxe_request_file(p, strlen(p), name, &f), PXE_OK);
    assert_int_equal(f, PXE_FILE_HASH);

    p = OLDER "/platform/i86pc/amd64/boot_archive.manifest";
    assert_int_equal(pxe_request_file(p, strlen(p), name, &f), PXE_OK);
    assert_int_equal(f, PXE_FILE_MANIFEST);

    p = OLDER "/platform/i86pc/amd64/boot_archive.gz";
    assert_int_equal(pxe_request_file(p, strlen(p), name, &f), PXE_ENOENT);
    p = OLDER "/platform/i86pc/amd64/boot_archive/";
    assert_int_equal(pxe_request_file(p, strlen(p), name, &f),
                     PXE_EEMPTYSEG);
    p = "20231301T000000Z/platform/i86pc/kernel/amd64/unix";
    assert_int_equal(pxe_request_file(p, strlen(p), name, &f), PXE_ENOENT);
    p = OLDER "/platform/../../../etc/passwd";
    assert_int_equal(pxe_request_file(p, strlen(p), name, &f), PXE_EDOTDOT);
    p = "menu.ipxe";
    assert_int_equal(pxe_request_file(p, strlen(p), name, &f), PXE_ENOENT);
}

static void
test_resolve_either_form(void **state)
{
    const char  *root = *state;
    char         mem[PXE_PATH_MAX + 64];
    pxe_buf_t    out;
    const char  *p;

    pxe_buf_init_fixed(&out, mem, sizeof(mem));

    /* Canonical request, legacy tree. */
    p = LEGACY "/platform/i86pc/kernel/amd64/unix";
    assert_int_equal(pxe_layout_resolve(root, p, strlen(p), &out), PXE_OK);
    assert_string_equal(mem, "platform-" LEGACY "/i86pc/kernel/amd64/unix");

    /* Legacy request, canonical tree. */
    pxe_buf_reset(&out);
    p = "platform-" NEWEST "/i86pc/amd64/boot_archive.manifest";
    assert_int_equal(pxe_layout_resolve(root, p, strlen(p), &out), PXE_OK);
    assert_string_equal(mem, NEWEST "/platform/i86pc/amd64/boot_archive.manifest");

    /* Not served: missing, a directory, not a build path. */
    p = BROKEN "/platform/i86pc/amd64/boot_archive";
    assert_int_equal(pxe_layout_resolve(root, p, strlen(p), &out), PXE_ENOENT);
    p = NEWEST "/platform/i86pc/amd64";
    assert_int_equal(pxe_layout_resolve(root, p, strlen(p), &out),
                     PXE_ENOTREG);
    p = "etc/passwd";
    assert_int_equal(pxe_layout_resolve(root, p, strlen(p), &out), PXE_ENOENT);
}

static void
test_resolve_refuses_escapes(void **state)
{
    const char  *root = *state;
    char         mem[PXE_PATH_MAX + 64], p[PATH_MAX], outside[PATH_MAX];
    pxe_buf_t    out;
    const char  *req;
    FILE        *f;

    pxe_buf_init_fixed(&out, mem, sizeof(mem));

    req = NEWEST "/platform/../../../../etc/passwd";
    assert_int_equal(pxe_layout_resolve(root, req, strlen(req), &out),
                     PXE_EDOTDOT);
    req = NEWEST "/platform//i86pc/kernel/amd64/unix";
    assert_int_equal(pxe_layout_resolve(root, req, strlen(req), &out),
                     PXE_EEMPTYSEG);
    assert_int_equal(pxe_layout_resolve(root, NEWEST "/platform/x\0y", 29,
                                        &out), PXE_ENUL);

    /* A symlink inside a build that points out of the root. */
    snprintf(outside, sizeof(outside), "%s.outside", root);
    f = fopen(outside, "w");
    assert_non_null(f);
    fputs("secret\n", f);
    fclose(f);
    snprintf(p, sizeof(p), "%s/" NEWEST "/platform/i86pc/amd64/leak", root);
    assert_int_equal(symlink(outside, p), 0);
    req = NEWEST "/platform/i86pc/amd64/leak";
    assert_int_equal(pxe_layout_resolve(root, req, strlen(req), &out),
                     PXE_ESYMLINK);
    assert_int_equal(out.len, 0);

    /* A symlink that stays inside is fine. */
    snprintf(p, sizeof(p), "%s/" NEWEST "/platform/i86pc/amd64/alias", root);
    assert_int_equal(symlink("boot_archive", p), 0);
    req = NEWEST "/platform/i86pc/amd64/alias";
    assert_int_equal(pxe_layout_resolve(root, req, strlen(req), &out), PXE_OK);
    unlink(outside);
}

static void
test_scan_many_builds(void **state)
{
    const char  *root = *state;
    pxe_scan_t   s;
    char         name[32], p[PATH_MAX];
    int          i;

    snprintf(p, sizeof(p), "%s/many", root);
    for (i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "201907%02dT%02d%02d00Z",
                 1 + i % 28, i / 60, i % 60);
        assert_int_equal(fixture_build(p, name, i % 2 ? PXE_LAYOUT_LEGACY
                                                 : PXE_LAYOUT_CANONICAL,
                                       0, 1), 0);
    }
    assert_int_equal(pxe_scan(p, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 300);
    for (i = 1; i < (int) s.nbuilds; i++) {
        assert_true(strcmp(s.builds[i - 1].name, s.builds[i].name) > 0);
        assert_ptr_equal(pxe_scan_find(&s, s.builds[i].name, 16),
                         &s.builds[i]);
    }
    pxe_scan_free(&s);
}

static void
set_mtime(const char *root, const char *rel, time_t t)
{
    char             p[PATH_MAX];
    struct timespec  ts[2];

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    ts[0].tv_sec = t;
    ts[0].tv_nsec = 0;
    ts[1] = ts[0];
    assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static void
test_usable_latest_newest(void **state)
{
    const char   *root = *state;
    pxe_scan_t    s;
    pxe_build_t   b;

    /* latest and pick know only usable builds: the disabled and the
       broken are newer.  A menu's age (newest) knows every build: a
       build disabled or broken changes the menu too. */
    set_mtime(root, NEWEST "/platform/i86pc/amd64/boot_archive", 2000000000);
    set_mtime(root, OFF "/platform/i86pc/amd64/boot_archive", 2100000000);
    set_mtime(root, BROKEN "/platform/i86pc/kernel/amd64/unix", 2200000000);

    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(pxe_build_usable(pxe_scan_find(&s, NEWEST, 16)), 1);
    assert_int_equal(pxe_build_usable(pxe_scan_find(&s, LEGACY, 16)), 1);
    assert_int_equal(pxe_build_usable(pxe_scan_find(&s, OLDER, 16)), 1);
    assert_int_equal(pxe_build_usable(pxe_scan_find(&s, BROKEN, 16)), 0);
    assert_int_equal(pxe_build_usable(pxe_scan_find(&s, OFF, 16)), 0);
    assert_int_equal(pxe_build_usable(NULL), 0);
    assert_string_equal(pxe_scan_latest(&s)->name, NEWEST);
    assert_int_equal((long long) pxe_scan_newest(&s), 2200000000LL);

    /* pick: "" and NULL are the latest; a name only when usable. */
    assert_ptr_equal(pxe_scan_pick(&s, ""), pxe_scan_latest(&s));
    assert_ptr_equal(pxe_scan_pick(&s, NULL), pxe_scan_latest(&s));
    assert_ptr_equal(pxe_scan_pick(&s, OLDER), pxe_scan_find(&s, OLDER, 16));
    assert_null(pxe_scan_pick(&s, OFF));
    assert_null(pxe_scan_pick(&s, BROKEN));
    assert_null(pxe_scan_pick(&s, "20990101T000000Z"));
    assert_null(pxe_scan_pick(&s, "latest"));
    pxe_scan_free(&s);

    /* A build made by hand must also have a valid name. */
    memset(&b, 0, sizeof(b));
    strcpy(b.name, "2024");
    b.bootable = 1;
    assert_int_equal(pxe_build_usable(&b), 0);
    strcpy(b.name, NEWEST);
    assert_int_equal(pxe_build_usable(&b), 1);
    b.disabled = 1;
    assert_int_equal(pxe_build_usable(&b), 0);

    /* No usable build: no latest, no age. */
    memset(&s, 0, sizeof(s));
    s.builds = &b;
    s.nbuilds = 1;
    assert_null(pxe_scan_latest(&s));
    assert_null(pxe_scan_pick(&s, ""));
    assert_int_equal((long long) pxe_scan_newest(&s), 0);
}

/*
 * `tar x` and `cp -p` give a new build its old mtimes: the menu changed
 * all the same, and its age must say so (ctime: when the files arrived),
 * or a cache revalidating with If-Modified-Since gets a 304 for it.  A
 * root of its own, so that no other build's age hides it.
 */
static void
test_newest_with_old_mtimes(void **state)
{
    char              *root = fixture_tmpdir();
    static const char *const rel[] = {
        "20260101T000000Z",
        "20260101T000000Z/platform",
        "20260101T000000Z/platform/i86pc/kernel/amd64/unix",
        "20260101T000000Z/platform/i86pc/amd64/boot_archive",
        "20260101T000000Z/platform/i86pc/amd64/boot_archive.hash",
    };
    pxe_scan_t        s;
    time_t            before, old = 978307200;      /* 2001-01-01 */
    size_t            i;

    (void) state;
    assert_non_null(root);
    before = time(NULL);
    assert_int_equal(fixture_build(root, "20260101T000000Z",
                                   PXE_LAYOUT_CANONICAL, 0, 100), 0);
    for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        set_mtime(root, rel[i], old);
    }
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_string_equal(pxe_scan_latest(&s)->name, "20260101T000000Z");
    assert_int_equal((long long) pxe_scan_latest(&s)->mtime,
                     (long long) old);
    assert_true(pxe_scan_newest(&s) >= before);
    assert_true(pxe_scan_latest(&s)->changed >= before);
    pxe_scan_free(&s);
    fixture_rmtree(root);
    free(root);
}

static void
test_build_ref_parse(void **state)
{
    char  name[PXE_BUILDNAME_LEN + 1];

    (void) state;
    memset(name, 'x', sizeof(name));
    assert_int_equal(pxe_build_ref_parse("latest", 6, name), PXE_OK);
    assert_string_equal(name, "");
    memset(name, 'x', sizeof(name));
    assert_int_equal(pxe_build_ref_parse("", 0, name), PXE_OK);
    assert_string_equal(name, "");
    assert_int_equal(pxe_build_ref_parse(OLDER "junk", 16, name), PXE_OK);
    assert_string_equal(name, OLDER);

    assert_int_equal(pxe_build_ref_parse("Latest", 6, name), PXE_EBUILDNAME);
    assert_string_equal(name, "");
    assert_int_equal(pxe_build_ref_parse("latest/", 7, name),
                     PXE_EBUILDNAME);
    assert_int_equal(pxe_build_ref_parse("lates", 5, name), PXE_EBUILDNAME);
    assert_int_equal(pxe_build_ref_parse("2024", 4, name), PXE_EBUILDNAME);
    assert_int_equal(pxe_build_ref_parse("20241301T000000Z", 16, name),
                     PXE_EBUILDNAME);
    assert_int_equal(pxe_build_ref_parse(OLDER "x", 17, name),
                     PXE_EBUILDNAME);
    assert_string_equal(name, "");
}

static void
test_build_dirname(void **state)
{
    char          name[PXE_BUILDNAME_LEN + 1];
    pxe_layout_e  layout;

    (void) state;
    assert_int_equal(pxe_build_dirname(NEWEST, 16, name, &layout), PXE_OK);
    assert_string_equal(name, NEWEST);
    assert_int_equal(layout, PXE_LAYOUT_CANONICAL);
    assert_int_equal(pxe_build_dirname("platform-" LEGACY, 25, name,
                                       &layout), PXE_OK);
    assert_string_equal(name, LEGACY);
    assert_int_equal(layout, PXE_LAYOUT_LEGACY);

    assert_int_equal(pxe_build_dirname("platform-" LEGACY "x", 26, name,
                                       &layout), PXE_ENOENT);
    assert_int_equal(pxe_build_dirname("platform-2023", 13, name, &layout),
                     PXE_ENOENT);
    assert_int_equal(pxe_build_dirname("platform-20231301T000000Z", 25,
                                       name, &layout), PXE_ENOENT);
    assert_int_equal(pxe_build_dirname("Platform-" LEGACY, 25, name,
                                       &layout), PXE_ENOENT);
    assert_int_equal(pxe_build_dirname("platform", 8, name, &layout),
                     PXE_ENOENT);
    assert_int_equal(pxe_build_dirname("latest", 6, name, &layout),
                     PXE_ENOENT);
    assert_int_equal(pxe_build_dirname("", 0, name, &layout), PXE_ENOENT);
}

static void
test_build_file_and_boot_files(void **state)
{
    const char         *root = *state;
    pxe_scan_t          s;
    const pxe_build_t  *b;
    char                mem[PXE_PATH_MAX + 64];
    pxe_buf_t           out;
    int                 f;

    pxe_buf_init_fixed(&out, mem, sizeof(mem));
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);

    /* Legacy tree: mapped to where it is stored. */
    b = pxe_scan_find(&s, LEGACY, 16);
    assert_int_equal(b->files, (1u << PXE_FILE_KERNEL)
                               | (1u << PXE_FILE_ARCHIVE)
                               | (1u << PXE_FILE_HASH));
    assert_int_equal(b->outside, 0);
    assert_int_equal(pxe_build_file(b, PXE_FILE_ARCHIVE, &out), PXE_OK);
    assert_string_equal(mem, "platform-" LEGACY "/i86pc/amd64/boot_archive");
    pxe_buf_reset(&out);
    assert_int_equal(pxe_build_file(b, PXE_FILE_MANIFEST, &out), PXE_ENOENT);
    assert_int_equal(out.len, 0);
    assert_int_equal(pxe_build_file(b, PXE_FILE_COUNT, &out), PXE_EINVAL);
    assert_int_equal(pxe_build_boot_file(b, PXE_FILE_KERNEL), 1);
    assert_int_equal(pxe_build_boot_file(b, PXE_FILE_ARCHIVE), 1);
    assert_int_equal(pxe_build_boot_file(b, PXE_FILE_HASH), 1);
    assert_int_equal(pxe_build_boot_file(b, PXE_FILE_MANIFEST), 0);

    /* A manifest is served, never fetched by a boot. */
    b = pxe_scan_find(&s, NEWEST, 16);
    assert_int_equal(b->files, 0xf);
    assert_int_equal(pxe_build_file(b, PXE_FILE_MANIFEST, &out), PXE_OK);
    assert_string_equal(mem,
                        NEWEST "/platform/i86pc/amd64/boot_archive.manifest");
    assert_int_equal(pxe_build_boot_file(b, PXE_FILE_MANIFEST), 0);

    /* No hash, no archive: only what is there must be answered. */
    b = pxe_scan_find(&s, OLDER, 16);
    assert_int_equal(pxe_build_boot_file(b, PXE_FILE_HASH), 0);
    b = pxe_scan_find(&s, BROKEN, 16);
    assert_int_equal(pxe_build_boot_file(b, PXE_FILE_KERNEL), 1);
    assert_int_equal(pxe_build_boot_file(b, PXE_FILE_ARCHIVE), 0);
    pxe_buf_reset(&out);
    assert_int_equal(pxe_build_file(b, PXE_FILE_ARCHIVE, &out), PXE_ENOENT);
    for (f = 0; f < PXE_FILE_COUNT; f++) {
        assert_int_equal(pxe_build_boot_file(b, (pxe_file_e) f),
                         f == PXE_FILE_KERNEL || f == PXE_FILE_HASH);
    }
    pxe_scan_free(&s);
}

static void
test_scan_refuses_files_outside(void **state)
{
    const char         *root = *state;
    char                p[PATH_MAX], outside[PATH_MAX], dir[PATH_MAX];
    char                mem[PXE_PATH_MAX + 64];
    pxe_buf_t           out;
    pxe_scan_t          s;
    const pxe_build_t  *b;

    pxe_buf_init_fixed(&out, mem, sizeof(mem));

    /* NEWEST's hash is a symlink out of the root. */
    snprintf(outside, sizeof(outside), "%s.outside", root);
    assert_int_equal(fixture_file(outside, "secret", 64), 0);
    snprintf(p, sizeof(p), "%s/" NEWEST "/platform/i86pc/amd64/"
             "boot_archive.hash", root);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(symlink(outside, p), 0);

    /* LEGACY's amd64 directory is a symlink out of the root. */
    snprintf(dir, sizeof(dir), "%s.outdir", root);
    snprintf(p, sizeof(p), "%s/platform-" LEGACY "/i86pc/amd64", root);
    assert_int_equal(rename(p, dir), 0);
    assert_int_equal(symlink(dir, p), 0);

    /* OLDER's archive is a symlink that stays inside: fine. */
    snprintf(p, sizeof(p), "%s/" OLDER "/platform/i86pc/amd64/boot_archive",
             root);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(symlink("../../../../" NEWEST "/platform/i86pc/amd64/"
                             "boot_archive", p), 0);

    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);

    b = pxe_scan_find(&s, NEWEST, 16);
    assert_int_equal(b->outside, 1u << PXE_FILE_HASH);
    assert_false(b->hash);
    assert_true(b->bootable);
    assert_int_equal(pxe_build_file(b, PXE_FILE_HASH, &out), PXE_ESYMLINK);
    assert_int_equal(out.len, 0);
    assert_int_equal(pxe_build_boot_file(b, PXE_FILE_HASH), 0);
    assert_int_equal(pxe_build_file(b, PXE_FILE_KERNEL, &out), PXE_OK);

    b = pxe_scan_find(&s, LEGACY, 16);
    assert_int_equal(b->outside, (1u << PXE_FILE_ARCHIVE)
                                 | (1u << PXE_FILE_HASH));
    assert_int_equal(b->files, 1u << PXE_FILE_KERNEL);
    assert_false(b->bootable);
    assert_int_equal(b->archive_size, -1);
    assert_int_equal(pxe_build_usable(b), 0);
    pxe_buf_reset(&out);
    assert_int_equal(pxe_build_file(b, PXE_FILE_ARCHIVE, &out),
                     PXE_ESYMLINK);

    b = pxe_scan_find(&s, OLDER, 16);
    assert_int_equal(b->outside, 0);
    assert_true(b->bootable);
    assert_int_equal(b->archive_size, 1000);
    pxe_buf_reset(&out);
    assert_int_equal(pxe_build_file(b, PXE_FILE_ARCHIVE, &out), PXE_OK);
    assert_string_equal(mem, OLDER "/platform/i86pc/amd64/boot_archive");
    assert_stamp_fresh(root, &s);
    pxe_scan_free(&s);

    snprintf(p, sizeof(p), "%s/platform-" LEGACY "/i86pc/amd64", root);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(fixture_rmtree(dir), 0);
    assert_int_equal(unlink(outside), 0);
}

static void
test_scan_refuses_build_dirs_outside(void **state)
{
    const char         *root = *state;
    char                p[PATH_MAX], out[PATH_MAX / 2], q[PATH_MAX];
    pxe_scan_t          s;
    const pxe_build_t  *b;

    /* A whole build directory that is a symlink out of the root. */
    snprintf(out, sizeof(out), "%s.away", root);
    assert_int_equal(fixture_build(out, "20190101T000000Z",
                                   PXE_LAYOUT_CANONICAL, 0, 10), 0);
    snprintf(q, sizeof(q), "%s/20190101T000000Z", out);
    snprintf(p, sizeof(p), "%s/20190101T000000Z", root);
    assert_int_equal(symlink(q, p), 0);

    /* A platform directory that is a symlink out of the root. */
    assert_int_equal(fixture_build(out, "20180101T000000Z",
                                   PXE_LAYOUT_CANONICAL, 0, 10), 0);
    snprintf(q, sizeof(q), "%s/20180101T000000Z/platform", out);
    touch(root, "20180101T000000Z");
    snprintf(p, sizeof(p), "%s/20180101T000000Z/platform", root);
    assert_int_equal(symlink(q, p), 0);

    /* What migrate leaves: platform-<b> -> <b>/platform, inside. */
    snprintf(p, sizeof(p), "%s/platform-" NEWEST, root);
    assert_int_equal(symlink(NEWEST "/platform", p), 0);
    /* A kernel directory that is a symlink staying inside. */
    snprintf(p, sizeof(p), "%s/" OLDER "/platform/i86pc/kernel", root);
    snprintf(q, sizeof(q), "%s/" OLDER "/platform/i86pc/kernel.real", root);
    assert_int_equal(rename(p, q), 0);
    assert_int_equal(symlink("kernel.real", p), 0);

    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 7);

    b = pxe_scan_find(&s, "20190101T000000Z", 16);
    assert_non_null(b);
    assert_int_equal(b->files, 0);
    assert_int_equal(b->outside, 0x7);
    assert_false(b->bootable);
    b = pxe_scan_find(&s, "20180101T000000Z", 16);
    assert_non_null(b);
    assert_int_equal(b->files, 0);
    assert_int_equal(b->outside, 0x7);
    assert_false(b->bootable);

    b = pxe_scan_find(&s, NEWEST, 16);
    assert_int_equal(b->layout, PXE_LAYOUT_CANONICAL);
    assert_int_equal(b->files, 0xf);
    b = pxe_scan_find(&s, OLDER, 16);
    assert_int_equal(b->files, (1u << PXE_FILE_KERNEL)
                               | (1u << PXE_FILE_ARCHIVE));
    assert_int_equal(b->outside, 0);
    assert_int_equal(b->kernel_size, 4096);
    assert_true(b->bootable);
    assert_stamp_fresh(root, &s);
    pxe_scan_free(&s);

    /* The legacy symlink alone (canonical gone) stays inside too. */
    snprintf(p, sizeof(p), "%s/" NEWEST "/platform", root);
    snprintf(q, sizeof(q), "%s/moved", root);
    assert_int_equal(rename(p, q), 0);
    snprintf(p, sizeof(p), "%s/platform-" NEWEST, root);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(symlink("moved", p), 0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    b = pxe_scan_find(&s, NEWEST, 16);
    assert_int_equal(b->layout, PXE_LAYOUT_LEGACY);
    assert_int_equal(b->files, 0xf);
    assert_int_equal(b->outside, 0);
    assert_stamp_fresh(root, &s);
    pxe_scan_free(&s);

    assert_int_equal(fixture_rmtree(out), 0);
}

/* Each layout named and served by its canonical name; duplicates. */
static void
test_scan_every_layout(void **state)
{
    char                *root = fixture_tmpdir();
    char                 p[PATH_MAX], mem[256];
    pxe_scan_t           s;
    pxe_buf_t            out;
    const pxe_build_t   *b;
    static const struct {
        const char     *name;
        pxe_layout_e    layout;
        const char     *archive;
    } want[] = {
        { NEWEST, PXE_LAYOUT_UNVERSIONED,
          "platform/i86pc/amd64/boot_archive" },
        { LEGACY, PXE_LAYOUT_UNDERSCORE,
          "platform_" LEGACY "/i86pc/amd64/boot_archive" },
        { BROKEN, PXE_LAYOUT_LEGACY,
          "platform-" BROKEN "/i86pc/amd64/boot_archive" },
        { OLDER, PXE_LAYOUT_CANONICAL,
          OLDER "/platform/i86pc/amd64/boot_archive" },
    };
    size_t               i;
    pxe_layout_e         layout;
    char                 name[PXE_BUILDNAME_LEN + 1];

    (void) state;
    assert_non_null(root);
    for (i = 0; i < 4; i++) {
        assert_int_equal(fixture_build(root, want[i].name, want[i].layout, 0,
                                       10 + i), 0);
    }
    assert_int_equal(pxe_build_dirname("platform_" LEGACY, 25, name, &layout),
                     PXE_OK);
    assert_int_equal(layout, PXE_LAYOUT_UNDERSCORE);
    assert_string_equal(name, LEGACY);
    assert_int_equal(pxe_build_dirname("platform_" LEGACY "/", 26, name,
                                       &layout), PXE_ENOENT);
    assert_int_equal(pxe_build_dirname("platform.20230615T120000Z", 25, name,
                                       &layout), PXE_ENOENT);

    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 4);
    assert_int_equal(s.unversioned, PXE_STAMP_OK);
    for (i = 0; i < 4; i++) {
        b = pxe_scan_find(&s, want[i].name, 16);
        assert_non_null(b);
        assert_int_equal(b->layout, want[i].layout);
        assert_true(pxe_build_usable(b));
        assert_int_equal(b->archive_size, (int64_t) (10 + i));
        assert_int_equal(b->also, 0);
        pxe_buf_init_fixed(&out, mem, sizeof(mem));
        assert_int_equal(pxe_build_file(b, PXE_FILE_ARCHIVE, &out), PXE_OK);
        assert_string_equal(mem, want[i].archive);
    }
    assert_stamp_fresh(root, &s);
    pxe_scan_free(&s);

    /*
     * The same build in every layout: canonical wins, the others are
     * reported.  A symlink to the served tree is one tree, not reported.
     */
    assert_int_equal(fixture_rmtree(root), 0);
    assert_int_equal(fixture_mkdirs(root), 0);
    for (i = 1; i <= PXE_LAYOUT_MAX; i++) {
        assert_int_equal(fixture_build(root, NEWEST, (pxe_layout_e) i, 0,
                                       (size_t) (100 + i)), 0);
    }
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 1);
    b = &s.builds[0];
    assert_int_equal(b->layout, PXE_LAYOUT_CANONICAL);
    assert_int_equal(b->archive_size, 101);
    assert_int_equal(b->also, (1u << PXE_LAYOUT_LEGACY)
                              | (1u << PXE_LAYOUT_UNDERSCORE)
                              | (1u << PXE_LAYOUT_UNVERSIONED));
    assert_stamp_fresh(root, &s);
    pxe_scan_free(&s);

    /* A broken canonical tree loses to the next bootable one, in order. */
    snprintf(p, sizeof(p), "%s/" NEWEST "/platform/i86pc/amd64/boot_archive",
             root);
    assert_int_equal(unlink(p), 0);
    snprintf(p, sizeof(p), "%s/platform-" NEWEST, root);
    assert_int_equal(fixture_rmtree(p), 0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    b = &s.builds[0];
    assert_int_equal(b->layout, PXE_LAYOUT_UNDERSCORE);
    assert_int_equal(b->archive_size, 103);
    assert_int_equal(b->also, (1u << PXE_LAYOUT_CANONICAL)
                              | (1u << PXE_LAYOUT_UNVERSIONED));
    assert_stamp_fresh(root, &s);
    pxe_scan_free(&s);

    /* platform-<b> as a symlink to platform_<b>: one tree, no finding. */
    assert_int_equal(symlink("platform_" NEWEST, p), 0);
    snprintf(p, sizeof(p), "%s/platform", root);
    assert_int_equal(fixture_rmtree(p), 0);
    snprintf(p, sizeof(p), "%s/" NEWEST, root);
    assert_int_equal(fixture_rmtree(p), 0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 1);
    assert_int_equal(s.builds[0].layout, PXE_LAYOUT_LEGACY);
    assert_int_equal(s.builds[0].also, 0);
    assert_int_equal(s.unversioned, PXE_STAMP_NONE);
    assert_stamp_fresh(root, &s);
    pxe_scan_free(&s);

    fixture_rmtree(root);
    free(root);
}

/*
 * A build written in place (tar x, cp) is listed but not usable until its
 * files have been still for the settle time, and the scan says when to
 * look again; settle 0 is pxe_scan.
 */
static void
test_scan_settle(void **state)
{
    const char        *root = *state;
    pxe_scan_t         s;
    time_t             last = 0;
    size_t             i;

    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    for (i = 0; i < s.nbuilds; i++) {
        assert_false(s.builds[i].settling);
        if (s.builds[i].changed > last) {
            last = s.builds[i].changed;
        }
    }
    assert_int_equal((long long) s.settle_at, 0);
    pxe_scan_free(&s);

    /* two seconds after the last write, counted in whole seconds (so
       maybe only one): everything just made settles */
    assert_int_equal(pxe_scan_settle(root, 0, 2, last + 2, NULL, &s), PXE_OK);
    assert_null(pxe_scan_latest(&s));
    assert_null(pxe_scan_pick(&s, NEWEST));
    assert_non_null(pxe_scan_find(&s, NEWEST, strlen(NEWEST)));
    assert_true(pxe_scan_find(&s, NEWEST, strlen(NEWEST))->settling);
    assert_int_equal((long long) s.settle_at, (long long) last + 3);
    pxe_scan_free(&s);

    /* three: two whole seconds have passed, nothing settles any more */
    assert_int_equal(pxe_scan_settle(root, 0, 2, last + 3, NULL, &s), PXE_OK);
    assert_string_equal(pxe_scan_latest(&s)->name, NEWEST);
    assert_int_equal((long long) s.settle_at, 0);

    /* builds already named stay named when they change again (a chmod
       -R of the root): only one not named before settles */
    {
        pxe_scan_t  again;
        char        p[PATH_MAX];

        snprintf(p, sizeof(p), "%s/%s/platform/i86pc/amd64/boot_archive",
                 root, NEWEST);
        assert_int_equal(chmod(p, 0640), 0);
        assert_int_equal(pxe_scan_settle(root, 0, 2, time(NULL), &s, &again),
                         PXE_OK);
        assert_false(pxe_scan_find(&again, NEWEST, strlen(NEWEST))->settling);
        assert_string_equal(pxe_scan_latest(&again)->name, NEWEST);
        pxe_scan_free(&again);
        assert_int_equal(pxe_scan_settle(root, 0, 2, time(NULL), NULL, &again),
                         PXE_OK);
        assert_true(pxe_scan_find(&again, NEWEST, strlen(NEWEST))->settling);
        pxe_scan_free(&again);
    }
    pxe_scan_free(&s);

    assert_int_equal(pxe_scan_settle(root, 0, 0, last, NULL, &s), PXE_OK);
    assert_string_equal(pxe_scan_latest(&s)->name, NEWEST);
    pxe_scan_free(&s);
}

/*
 * A file appearing deep in a build (the hash of a build being unpacked)
 * moves the stamp, though the build's own directory did not change.
 */
static void
test_stamp_sees_files_appear(void **state)
{
    const char  *root = *state;
    pxe_scan_t   s;
    uint64_t     before, after;
    char         p[PATH_MAX];
    FILE        *f;

    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(pxe_scan_stamp(root, &s, &before), PXE_OK);
    assert_int_equal(pxe_scan_stamp(root, &s, &after), PXE_OK);
    assert_true(before == after);
    snprintf(p, sizeof(p), "%s/%s/platform/i86pc/amd64/boot_archive.hash",
             root, OLDER);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs("0000000000000000000000000000000000000000\n", f);
    fclose(f);
    assert_int_equal(pxe_scan_stamp(root, &s, &after), PXE_OK);
    assert_true(before != after);
    assert_true(s.stamp == before);
    pxe_scan_free(&s);
    /* A rescan says what it saw: the new file. */
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_true(s.stamp == after);
    pxe_scan_free(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_scan_finds_both_layouts,
                                        setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(test_scan_prefers_bootable_then_canonical,
                                        setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(test_scan_limits_and_errors,
                                        setup_tree, teardown_tree),
        cmocka_unit_test(test_build_paths_and_urls),
        cmocka_unit_test(test_path_check),
        cmocka_unit_test(test_request_file),
        cmocka_unit_test_setup_teardown(test_resolve_either_form,
                                        setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(test_resolve_refuses_escapes,
                                        setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(test_scan_many_builds,
                                        setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(test_usable_latest_newest,
                                        setup_tree, teardown_tree),
        cmocka_unit_test(test_newest_with_old_mtimes),
        cmocka_unit_test_setup_teardown(test_scan_settle,
                                        setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(test_stamp_sees_files_appear,
                                        setup_tree, teardown_tree),
        cmocka_unit_test(test_build_ref_parse),
        cmocka_unit_test(test_scan_every_layout),
        cmocka_unit_test(test_build_dirname),
        cmocka_unit_test_setup_teardown(test_build_file_and_boot_files,
                                        setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(test_scan_refuses_files_outside,
                                        setup_tree, teardown_tree),
        cmocka_unit_test_setup_teardown(test_scan_refuses_build_dirs_outside,
                                        setup_tree, teardown_tree),
    };
    return PXE_RUN_TESTS(tests);
}
