/*
 * test_buildsjson.c: builds.json lists what the scan found, exactly, and
 * its stamp notices a build added or disabled.
 */

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "../common/tree.h"

static void
test_json_exact(void **state)
{
    pxe_build_t  b[2];
    pxe_scan_t   s = { b, 2, PXE_STAMP_NONE, 0, 0, 0 };
    pxe_buf_t    out;

    (void) state;
    memset(b, 0, sizeof(b));
    strcpy(b[0].name, "20240101T000000Z");
    b[0].layout = PXE_LAYOUT_CANONICAL;
    b[0].bootable = 1;
    b[0].hash = 1;
    b[0].kernel_size = 4096;
    b[0].archive_size = 1000;
    b[0].mtime = 1700000000;
    strcpy(b[1].name, "20121004T212912Z");
    b[1].layout = PXE_LAYOUT_LEGACY;
    b[1].disabled = 1;
    b[1].kernel_size = -1;
    b[1].archive_size = 5;
    b[1].mtime = 0;

    pxe_buf_init(&out, PXE_JSON_MAX, NULL);
    assert_int_equal(pxe_buildsjson(&s, &out), PXE_OK);
    assert_string_equal(out.data,
        "[\n"
        "{\"name\":\"20240101T000000Z\",\"layout\":\"canonical\","
        "\"bootable\":true,\"disabled\":false,\"hash\":true,"
        "\"kernel_size\":4096,\"archive_size\":1000,\"mtime\":1700000000},\n"
        "{\"name\":\"20121004T212912Z\",\"layout\":\"legacy\","
        "\"bootable\":false,\"disabled\":true,\"hash\":false,"
        "\"kernel_size\":-1,\"archive_size\":5,\"mtime\":0}\n"
        "]\n");
    pxe_buf_free(&out);

    /* each layout by its name */
    b[0].layout = PXE_LAYOUT_UNDERSCORE;
    b[1].layout = PXE_LAYOUT_UNVERSIONED;
    pxe_buf_init(&out, PXE_JSON_MAX, NULL);
    assert_int_equal(pxe_buildsjson(&s, &out), PXE_OK);
    assert_non_null(strstr(out.data, "\"20240101T000000Z\",\"layout\":"
                           "\"underscore\","));
    assert_non_null(strstr(out.data, "\"20121004T212912Z\",\"layout\":"
                           "\"unversioned\","));
    pxe_buf_free(&out);

    /* a name that is not a build name is refused, never written */
    strcpy(b[1].name, "x\",\"evil\":\"1");
    pxe_buf_init(&out, PXE_JSON_MAX, NULL);
    assert_int_equal(pxe_buildsjson(&s, &out), PXE_EBUILDNAME);
    assert_null(out.data);

    s.nbuilds = 0;
    pxe_buf_init(&out, PXE_JSON_MAX, NULL);
    assert_int_equal(pxe_buildsjson(&s, &out), PXE_OK);
    assert_string_equal(out.data, "[\n]\n");
    pxe_buf_free(&out);
}

static void
age_dir(const char *root, const char *rel)
{
    char             p[PATH_MAX];
    struct timespec  ts[2];

    snprintf(p, sizeof(p), "%s/%s", root, rel);
    ts[0].tv_sec = 1000000000;
    ts[0].tv_nsec = 0;
    ts[1] = ts[0];
    assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

static void
test_stamp_follows_disk(void **state)
{
    char        *root = fixture_tmpdir();
    char         p[PATH_MAX];
    pxe_scan_t   s;
    uint64_t     a, b, c;

    (void) state;
    assert_non_null(root);
    assert_int_equal(fixture_build(root, "20240101T000000Z",
                                   PXE_LAYOUT_CANONICAL, 0, 10), 0);
    assert_int_equal(fixture_build(root, "20230101T000000Z",
                                   PXE_LAYOUT_LEGACY, 0, 10), 0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    /*
     * A directory's times come from the kernel's coarse clock (one tick,
     * 4 ms on Debian 12's kernel): a file created in the same tick as the
     * last change leaves them as they were.  Put both directories in the
     * past first, so that the changes below must show.
     */
    age_dir(root, "");
    age_dir(root, "platform-20230101T000000Z");
    assert_int_equal(pxe_scan_stamp(root, &s, &a), PXE_OK);
    assert_int_equal(pxe_scan_stamp(root, &s, &b), PXE_OK);
    assert_true(a == b);

    /* marking the legacy build disabled changes its directory */
    snprintf(p, sizeof(p), "%s/platform-20230101T000000Z/disable", root);
    assert_int_equal(fixture_file(p, "x", 0), 0);
    assert_int_equal(pxe_scan_stamp(root, &s, &b), PXE_OK);
    assert_true(a != b);

    /* a new build changes the root */
    assert_int_equal(fixture_build(root, "20250101T000000Z",
                                   PXE_LAYOUT_CANONICAL, 0, 10), 0);
    assert_int_equal(pxe_scan_stamp(root, &s, &c), PXE_OK);
    assert_true(c != b);

    pxe_scan_free(&s);
    snprintf(p, sizeof(p), "%s/nonexistent", root);
    assert_int_equal(pxe_scan_stamp(p, &s, &c), PXE_EIO);
    fixture_rmtree(root);
    free(root);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_exact),
        cmocka_unit_test(test_stamp_follows_disk),
    };

    return PXE_RUN_TESTS(tests);
}
