/*
 * test_migrate.c: the migration plan read from disk, each state an
 * interrupted run can leave, and apply finishing from any of them.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "../common/tree.h"

#define L1  "20121004T212912Z"
#define C1  "20240101T000000Z"
#define S1  "20220101T000000Z"

typedef struct {
    int  stop_at;   /* stop before this step of the run (1-based) */
    int  seen;
} stopper_t;

static int
stop_before(void *ctx, const pxe_migrate_item_t *it, int step)
{
    stopper_t  *s = ctx;

    (void) it;
    (void) step;
    return ++s->seen == s->stop_at;
}

static char *
site(void)
{
    char  *root = fixture_tmpdir();

    assert_non_null(root);
    assert_int_equal(fixture_build(root, L1, PXE_LAYOUT_LEGACY, 0, 100), 0);
    assert_int_equal(fixture_build(root, C1, PXE_LAYOUT_CANONICAL, 0, 100), 0);
    return root;
}

static int
is_link_to(const char *root, const char *name, const char *target)
{
    char     p[PATH_MAX], buf[PATH_MAX];
    ssize_t  n;

    snprintf(p, sizeof(p), "%s/%s", root, name);
    n = readlink(p, buf, sizeof(buf) - 1);
    if (n < 0) {
        return 0;
    }
    buf[n] = '\0';
    return strcmp(buf, target) == 0;
}

static int
exists(const char *root, const char *rel)
{
    char         p[PATH_MAX];
    struct stat  st;

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    return lstat(p, &st) == 0;
}

static void
test_plan_and_apply(void **state)
{
    char                *root = site();
    pxe_migrate_plan_t   plan;
    pxe_buf_t            d;

    (void) state;
    assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
    assert_int_equal(plan.nitems, 1);       /* C1 is not a candidate */
    assert_string_equal(plan.items[0].name, L1);
    assert_int_equal(plan.items[0].state, PXE_MIGRATE_TODO);
    assert_int_equal(plan.items[0].next_step, 1);
    pxe_buf_init(&d, 256, NULL);
    assert_int_equal(pxe_migrate_describe(&plan.items[0], 3, &d), PXE_OK);
    assert_string_equal(d.data, "rename platform-" L1 " -> " L1 "/platform");
    pxe_buf_free(&d);
    assert_int_equal(pxe_migrate_apply(root, &plan, NULL, NULL), PXE_OK);
    assert_int_equal(plan.items[0].state, PXE_MIGRATE_DONE);
    pxe_migrate_free(&plan);
    pxe_migrate_free(&plan);

    assert_true(is_link_to(root, "platform-" L1, L1 "/platform"));
    assert_true(exists(root, L1 "/platform/i86pc/kernel/amd64/unix"));
    assert_false(exists(root, L1 "/" PXE_MIGRATE_MARKER));

    assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
    assert_int_equal(plan.nitems, 1);
    assert_int_equal(plan.items[0].state, PXE_MIGRATE_DONE);
    assert_int_equal(plan.items[0].next_step, 0);
    pxe_migrate_free(&plan);
    fixture_rmtree(root);
    free(root);
}

static void
test_resume_after_each_step(void **state)
{
    static const int     next[] = { 0, 1, 2, 3, 4, 5 };
    pxe_migrate_plan_t   plan;
    stopper_t            s;
    char                *root;
    int                  stop;

    (void) state;
    for (stop = 2; stop <= 5; stop++) {
        root = site();
        assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
        s.stop_at = stop;
        s.seen = 0;
        assert_int_equal(pxe_migrate_apply(root, &plan, stop_before, &s),
                         PXE_EINVAL);
        pxe_migrate_free(&plan);

        /* The disk alone says where to go on. */
        assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
        assert_int_equal(plan.nitems, 1);
        assert_int_equal(plan.items[0].next_step, next[stop]);
        assert_int_equal(plan.items[0].state,
                         stop <= 2 ? PXE_MIGRATE_TODO : PXE_MIGRATE_RESUME);
        assert_int_equal(pxe_migrate_apply(root, &plan, NULL, NULL), PXE_OK);
        pxe_migrate_free(&plan);
        assert_true(is_link_to(root, "platform-" L1, L1 "/platform"));
        assert_true(exists(root, L1 "/platform/i86pc/amd64/boot_archive"));
        assert_false(exists(root, L1 "/" PXE_MIGRATE_MARKER));
        fixture_rmtree(root);
        free(root);
    }
}

static void
test_both_layouts(void **state)
{
    char                *root = site();
    char                 p[PATH_MAX];
    pxe_migrate_plan_t   plan;
    FILE                *f;

    (void) state;
    /* Identical content in both layouts: left as is. */
    assert_int_equal(fixture_build(root, S1, PXE_LAYOUT_CANONICAL, 0, 50), 0);
    assert_int_equal(fixture_build(root, S1, PXE_LAYOUT_LEGACY, 0, 50), 0);
    assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
    assert_int_equal(plan.nitems, 2);
    assert_string_equal(plan.items[1].name, S1);    /* sorted by name */
    assert_int_equal(plan.items[1].state, PXE_MIGRATE_SAME);
    assert_int_equal(plan.nconflicts, 0);
    pxe_migrate_free(&plan);

    /* One byte more on one side: a conflict, never touched. */
    snprintf(p, sizeof(p), "%s/platform-" S1 "/i86pc/amd64/boot_archive",
             root);
    f = fopen(p, "ab");
    assert_non_null(f);
    fputc('x', f);
    fclose(f);
    assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
    assert_int_equal(plan.items[1].state, PXE_MIGRATE_CONFLICT);
    assert_int_equal(plan.nconflicts, 1);
    assert_int_equal(pxe_migrate_apply(root, &plan, NULL, NULL), PXE_OK);
    pxe_migrate_free(&plan);
    assert_false(is_link_to(root, "platform-" S1, S1 "/platform"));
    assert_true(is_link_to(root, "platform-" L1, L1 "/platform"));

    assert_int_equal(pxe_migrate_plan("/nonexistent/pxekit", &plan), PXE_EIO);
    fixture_rmtree(root);
    free(root);
}

static void
test_empty_root(void **state)
{
    char                *root = fixture_tmpdir();
    pxe_migrate_plan_t   plan;

    (void) state;
    assert_non_null(root);
    assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
    assert_int_equal(plan.nitems, 0);
    assert_int_equal(pxe_migrate_apply(root, &plan, NULL, NULL), PXE_OK);
    pxe_migrate_free(&plan);
    fixture_rmtree(root);
    free(root);
}

/* platform_<b> and the unversioned platform/ move the same way. */
static void
test_other_layouts_resume(void **state)
{
    static const struct {
        pxe_layout_e   layout;
        const char    *from;
    } l[] = {
        { PXE_LAYOUT_UNDERSCORE, "platform_" S1 },
        { PXE_LAYOUT_UNVERSIONED, "platform" },
    };
    pxe_migrate_plan_t   plan;
    pxe_scan_t           scan;
    pxe_buf_t            d;
    stopper_t            s;
    char                *root, mem[256];
    size_t               i;
    int                  stop;

    (void) state;
    for (i = 0; i < 2; i++) {
        for (stop = 1; stop <= 6; stop++) {
            root = fixture_tmpdir();
            assert_non_null(root);
            assert_int_equal(fixture_build(root, S1, l[i].layout, 0, 100), 0);
            assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
            assert_int_equal(plan.nitems, 1);
            assert_string_equal(plan.items[0].from, l[i].from);
            assert_int_equal(plan.items[0].state, PXE_MIGRATE_TODO);
            pxe_buf_init_fixed(&d, mem, sizeof(mem));
            assert_int_equal(pxe_migrate_describe(&plan.items[0], 3, &d),
                             PXE_OK);
            assert_non_null(strstr(mem, l[i].from));
            s.stop_at = stop;
            s.seen = 0;
            (void) pxe_migrate_apply(root, &plan, stop < 6 ? stop_before
                                     : NULL, &s);
            pxe_migrate_free(&plan);

            /* Killed after any step: the disk (and marker) say the rest. */
            assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
            assert_int_equal(plan.nitems, 1);
            assert_string_equal(plan.items[0].from, l[i].from);
            assert_int_equal(pxe_migrate_apply(root, &plan, NULL, NULL),
                             PXE_OK);
            pxe_migrate_free(&plan);
            assert_true(is_link_to(root, l[i].from, S1 "/platform"));
            assert_true(exists(root, S1 "/platform/i86pc/amd64/boot_archive"));
            assert_false(exists(root, S1 "/" PXE_MIGRATE_MARKER));

            /* The scan sees one canonical build, the link no finding. */
            assert_int_equal(pxe_scan(root, 0, &scan), PXE_OK);
            assert_int_equal(scan.nbuilds, 1);
            assert_int_equal(scan.builds[0].layout, PXE_LAYOUT_CANONICAL);
            assert_int_equal(scan.builds[0].also, 0);
            pxe_scan_free(&scan);
            assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
            assert_int_equal(plan.items[0].state, PXE_MIGRATE_DONE);
            pxe_migrate_free(&plan);
            fixture_rmtree(root);
            free(root);
        }
    }
}

/* Two non-canonical trees of one build, and a platform/ with no stamp. */
static void
test_other_layouts_refused(void **state)
{
    char                *root = fixture_tmpdir();
    char                 p[PATH_MAX];
    pxe_migrate_plan_t   plan;

    (void) state;
    assert_non_null(root);
    assert_int_equal(fixture_build(root, S1, PXE_LAYOUT_UNDERSCORE, 0, 10), 0);
    assert_int_equal(fixture_build(root, S1, PXE_LAYOUT_LEGACY, 0, 10), 0);
    assert_int_equal(fixture_build(root, L1, PXE_LAYOUT_UNVERSIONED,
                                   FX_NO_STAMP, 10), 0);
    assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
    assert_int_equal(plan.nitems, 1);
    assert_int_equal(plan.items[0].state, PXE_MIGRATE_CONFLICT);
    assert_true(plan.items[0].multi);
    assert_int_equal(plan.nconflicts, 1);
    assert_int_equal(plan.unversioned, PXE_STAMP_MISSING);
    assert_int_equal(pxe_migrate_apply(root, &plan, NULL, NULL), PXE_OK);
    pxe_migrate_free(&plan);
    assert_true(exists(root, "platform_" S1 "/i86pc/amd64/boot_archive"));
    assert_true(exists(root, "platform-" S1 "/i86pc/amd64/boot_archive"));
    assert_true(exists(root, "platform/i86pc/amd64/boot_archive"));
    assert_false(exists(root, S1));

    /* piadm's platform -> platform-<b>: an alias, never moved. */
    snprintf(p, sizeof(p), "%s/platform", root);
    assert_int_equal(fixture_rmtree(p), 0);
    assert_int_equal(symlink("platform-" S1, p), 0);
    assert_int_equal(pxe_migrate_plan(root, &plan), PXE_OK);
    assert_int_equal(plan.nitems, 1);
    assert_string_equal(plan.items[0].name, S1);
    assert_int_equal(plan.unversioned, PXE_STAMP_NONE);
    pxe_migrate_free(&plan);
    fixture_rmtree(root);
    free(root);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_and_apply),
        cmocka_unit_test(test_resume_after_each_step),
        cmocka_unit_test(test_both_layouts),
        cmocka_unit_test(test_empty_root),
        cmocka_unit_test(test_other_layouts_resume),
        cmocka_unit_test(test_other_layouts_refused),
    };

    return PXE_RUN_TESTS(tests);
}
