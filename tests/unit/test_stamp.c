/*
 * test_stamp.c: the unversioned platform/ of an unpacked ISO or USB image
 * is a build only when its etc/version/platform names one; every other
 * case is reported in the scan, never guessed.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "../common/tree.h"

#define STAMP   "20240320T000000Z"
#define OTHER   "20230615T120000Z"

static void
test_stamp_parse(void **state)
{
    char  name[PXE_BUILDNAME_LEN + 1];

    (void) state;
    assert_int_equal(pxe_stamp_parse(STAMP "\n", 17, name), PXE_OK);
    assert_string_equal(name, STAMP);
    assert_int_equal(pxe_stamp_parse(STAMP, 16, name), PXE_OK);
    assert_int_equal(pxe_stamp_parse(STAMP "\r\n \t", 20, name), PXE_OK);
    assert_string_equal(name, STAMP);

    assert_int_equal(pxe_stamp_parse("ipxe\n", 5, name), PXE_EBUILDNAME);
    assert_string_equal(name, "");
    assert_int_equal(pxe_stamp_parse(" " STAMP, 17, name), PXE_EBUILDNAME);
    assert_int_equal(pxe_stamp_parse(STAMP "\n" OTHER "\n", 34, name),
                     PXE_EBUILDNAME);
    assert_int_equal(pxe_stamp_parse(STAMP "x", 17, name), PXE_EBUILDNAME);
    assert_int_equal(pxe_stamp_parse(STAMP "\0", 17, name), PXE_EBUILDNAME);
    assert_int_equal(pxe_stamp_parse("20241320T000000Z\n", 17, name),
                     PXE_EBUILDNAME);
    assert_int_equal(pxe_stamp_parse("", 0, name), PXE_EBUILDNAME);
    assert_int_equal(pxe_stamp_parse(NULL, 0, name), PXE_EBUILDNAME);
    /* Trailing blanks past PXE_STAMP_MAX: not a stamp file. */
    {
        char  big[PXE_STAMP_MAX + 2];

        memset(big, ' ', sizeof(big));
        memcpy(big, STAMP, 16);
        assert_int_equal(pxe_stamp_parse(big, PXE_STAMP_MAX, name), PXE_OK);
        assert_int_equal(pxe_stamp_parse(big, PXE_STAMP_MAX + 1, name),
                         PXE_EBUILDNAME);
    }
    assert_string_equal(pxe_layout_name(PXE_LAYOUT_UNVERSIONED),
                        "unversioned");
    assert_string_equal(pxe_layout_name(PXE_LAYOUT_UNDERSCORE),
                        "underscore");
    assert_string_equal(pxe_layout_name((pxe_layout_e) 9), "unknown");
}

static void
write_stamp(const char *root, const char *text, size_t len)
{
    char   p[PATH_MAX];
    FILE  *f;

    snprintf(p, sizeof(p), "%s/" PXE_STAMP_PATH, root);
    f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void
test_unversioned_named_by_stamp(void **state)
{
    char                *root = fixture_tmpdir();
    char                 p[PATH_MAX], mem[256];
    pxe_scan_t           s;
    pxe_buf_t            out;
    const pxe_build_t   *b;
    uint64_t             st1, st2;

    (void) state;
    assert_non_null(root);
    assert_int_equal(fixture_build(root, STAMP, PXE_LAYOUT_UNVERSIONED,
                                   FX_MANIFEST, 100), 0);
    assert_int_equal(fixture_build(root, OTHER, PXE_LAYOUT_CANONICAL, 0, 10),
                     0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.unversioned, PXE_STAMP_OK);
    assert_int_equal(s.nbuilds, 2);
    b = pxe_scan_find(&s, STAMP, 16);
    assert_non_null(b);
    assert_int_equal(b->layout, PXE_LAYOUT_UNVERSIONED);
    assert_true(pxe_build_usable(b));
    assert_int_equal(b->files, 0xf);
    assert_int_equal(b->archive_size, 100);
    assert_ptr_equal(pxe_scan_latest(&s), b);
    pxe_buf_init_fixed(&out, mem, sizeof(mem));
    assert_int_equal(pxe_build_file(b, PXE_FILE_ARCHIVE, &out), PXE_OK);
    assert_string_equal(mem, "platform/i86pc/amd64/boot_archive");
    pxe_buf_reset(&out);
    /* Clients see the canonical name only. */
    assert_int_equal(pxe_build_url(b->name, PXE_FILE_KERNEL, &out), PXE_OK);
    assert_string_equal(mem, STAMP "/platform/i86pc/kernel/amd64/unix");
    pxe_buf_reset(&out);
    pxe_build_dir(b, p);
    assert_string_equal(p, "platform");

    /* Fixing, breaking or rewriting the stamp changes the scan's stamp. */
    assert_int_equal(pxe_scan_stamp(root, &s, &st1), PXE_OK);
    usleep(20000);
    write_stamp(root, OTHER "\n", 17);
    assert_int_equal(pxe_scan_stamp(root, &s, &st2), PXE_OK);
    assert_true(st1 != st2);
    pxe_scan_free(&s);

    /* The stamp now names the canonical build: one tree is served. */
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 1);
    b = pxe_scan_find(&s, OTHER, 16);
    assert_int_equal(b->layout, PXE_LAYOUT_CANONICAL);
    assert_int_equal(b->also, 1u << PXE_LAYOUT_UNVERSIONED);
    pxe_scan_free(&s);

    /* A disable file in platform/ disables it, as in platform-<b>/. */
    write_stamp(root, STAMP "\n", 17);
    snprintf(p, sizeof(p), "%s/platform/disable", root);
    assert_int_equal(fixture_text(p, ""), 0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    b = pxe_scan_find(&s, STAMP, 16);
    assert_non_null(b);
    assert_true(b->disabled);
    assert_false(pxe_build_usable(b));
    pxe_scan_free(&s);

    fixture_rmtree(root);
    free(root);
}

static void
test_unversioned_without_stamp(void **state)
{
    char         *root = fixture_tmpdir();
    char          p[PATH_MAX], q[PATH_MAX];
    pxe_scan_t    s;
    uint64_t      st1, st2;

    (void) state;
    assert_non_null(root);
    assert_int_equal(fixture_build(root, STAMP, PXE_LAYOUT_UNVERSIONED,
                                   FX_NO_STAMP, 100), 0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 0);
    assert_int_equal(s.unversioned, PXE_STAMP_MISSING);
    assert_non_null(strstr(pxe_stamp_describe(s.unversioned),
                           "not served"));

    /* The stamp appearing is seen without a rescan. */
    assert_int_equal(pxe_scan_stamp(root, &s, &st1), PXE_OK);
    snprintf(p, sizeof(p), "%s/platform/etc/version", root);
    assert_int_equal(fixture_mkdirs(p), 0);
    write_stamp(root, STAMP "\n", 17);
    assert_int_equal(pxe_scan_stamp(root, &s, &st2), PXE_OK);
    assert_true(st1 != st2);
    pxe_scan_free(&s);

    /* piadm's iPXE placeholder, a second line, garbage: all refused. */
    write_stamp(root, "ipxe\n", 5);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 0);
    assert_int_equal(s.unversioned, PXE_STAMP_INVALID);
    pxe_scan_free(&s);
    write_stamp(root, STAMP "\n" OTHER "\n", 34);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.unversioned, PXE_STAMP_INVALID);
    pxe_scan_free(&s);

    /* A stamp file that is a symlink out of the root is refused. */
    snprintf(p, sizeof(p), "%s.stamp", root);
    assert_int_equal(fixture_text(p, STAMP), 0);
    snprintf(q, sizeof(q), "%s/" PXE_STAMP_PATH, root);
    assert_int_equal(unlink(q), 0);
    assert_int_equal(symlink(p, q), 0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 0);
    assert_int_equal(s.unversioned, PXE_STAMP_INVALID);
    pxe_scan_free(&s);
    assert_int_equal(unlink(p), 0);

    /* A stamp that is a directory. */
    assert_int_equal(unlink(q), 0);
    assert_int_equal(fixture_mkdirs(q), 0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.unversioned, PXE_STAMP_INVALID);
    pxe_scan_free(&s);

    /* A file named platform is no tree at all. */
    fixture_rmtree(root);
    assert_int_equal(fixture_mkdirs(root), 0);
    snprintf(p, sizeof(p), "%s/platform", root);
    assert_int_equal(fixture_text(p, STAMP), 0);
    assert_int_equal(pxe_scan(root, 0, &s), PXE_OK);
    assert_int_equal(s.nbuilds, 0);
    assert_int_equal(s.unversioned, PXE_STAMP_NONE);
    pxe_scan_free(&s);

    fixture_rmtree(root);
    free(root);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stamp_parse),
        cmocka_unit_test(test_unversioned_named_by_stamp),
        cmocka_unit_test(test_unversioned_without_stamp),
    };

    return PXE_RUN_TESTS(tests);
}
