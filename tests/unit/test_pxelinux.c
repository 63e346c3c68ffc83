/*
 * test_pxelinux.c: the pxelinux.cfg fragment boots every usable build by
 * its canonical paths with the same -B options as the iPXE menu, and no
 * refused value, prefix or empty tree yields a config at all.
 */

#include <stdlib.h>
#include <string.h>

#include "test.h"

#define NEW     "20240101T000000Z"
#define MID     "20230615T120000Z"
#define OLD     "20121004T212912Z"
#define OFF     "20250101T000000Z"
#define BROKEN  "20200101T000000Z"

#define KERNEL  "/platform/i86pc/kernel/amd64/unix"
#define ARCHIVE "/platform/i86pc/amd64/boot_archive"
#define SERIAL  "console=ttyb,ttyb-mode=\"115200,8,n,1,-\""

#define HEADER(n, mboot)                                                   \
    "# pxelinux.cfg fragment made by pxekit-remap pxelinux: " n            \
    " bootable build(s),\n"                                                \
    "# newest first.  Paths are relative to pxelinux.0's directory;\n"     \
    "# mboot.c32 is loaded as " mboot ", its com32 libraries\n"            \
    "# from beside pxelinux.0.\n"

/* One label; p is the prefix with its slash, hash "" or the hash module. */
#define LABEL(b, sfx, title, p, args, hash)                                \
    "\nlabel smartos-" b sfx "\n"                                          \
    "  menu label SmartOS " b title "\n"                                   \
    "  kernel " p "mboot.c32\n"                                            \
    "  append " p b KERNEL " -B " args " --- " p b ARCHIVE hash "\n"

#define HASH(p, b)   " --- " p b ARCHIVE ".hash"
#define LABEL_N(b, p, args, hash)   LABEL(b, "", "", p, args, hash)
#define LABEL_R(b, p, args, hash)                                          \
    LABEL(b, "-rescue", " rescue (noimport)", p, args, hash)

static pxe_build_t  builds[5];
static pxe_scan_t   scan = { builds, 5, PXE_STAMP_NONE, 0, 0, 0 };

static void
mkbuild(pxe_build_t *b, const char *name, int bootable, int disabled,
    int hash)
{
    memset(b, 0, sizeof(*b));
    strcpy(b->name, name);
    b->layout = PXE_LAYOUT_CANONICAL;
    b->bootable = bootable;
    b->disabled = disabled;
    b->hash = hash;
    /* What a scan sets with them: the files found inside the root. */
    b->files = (uint8_t) ((bootable ? (1u << PXE_FILE_KERNEL)
                                      | (1u << PXE_FILE_ARCHIVE) : 0)
                          | (hash ? 1u << PXE_FILE_HASH : 0));
}

/* Newest first, as a scan lists them: disabled, usable, legacy without
 * a hash, not bootable, usable. */
static int
setup(void **state)
{
    (void) state;
    mkbuild(&builds[0], OFF, 1, 1, 1);
    mkbuild(&builds[1], NEW, 1, 0, 1);
    mkbuild(&builds[2], MID, 1, 0, 0);
    builds[2].layout = PXE_LAYOUT_LEGACY;
    mkbuild(&builds[3], BROKEN, 0, 0, 1);
    mkbuild(&builds[4], OLD, 1, 0, 1);
    return 0;
}

static void
opts_init(pxe_ipxe_opts_t *o)
{
    memset(o, 0, sizeof(*o));
    o->console = PXE_CONSOLE_TTYB;
    o->kernel_args = "smartos=true";
    o->kernel_args_len = strlen(o->kernel_args);
    o->root_shadow = "$5$salt$hash.x/Y=";
    o->root_shadow_len = strlen(o->root_shadow);
}

static char *
cfg(const pxe_scan_t *s, const char *prefix, const pxe_ipxe_opts_t *o,
    size_t max, int *rc)
{
    pxe_buf_t  b;

    pxe_buf_init(&b, max, NULL);
    *rc = pxe_pxelinux_cfg(s, prefix, o, &b);
    return b.data;
}

static void
test_whole_config(void **state)
{
    pxe_ipxe_opts_t  o;
    char            *got;
    int              rc;

    (void) state;
    opts_init(&o);
    got = cfg(&scan, "smartos", &o, PXE_PXELINUX_MAX, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_string_equal(got,
        HEADER("3", "smartos/mboot.c32")
        "default smartos-" NEW "\n"
        LABEL_N(NEW, "smartos/", SERIAL ",smartos=true",
              HASH("smartos/", NEW))
        LABEL_R(NEW, "smartos/",
              SERIAL ",standalone=true,noimport=true,"
              "root_shadow='$5$salt$hash.x/Y='", HASH("smartos/", NEW))
        LABEL_N(MID, "smartos/", SERIAL ",smartos=true", "")
        LABEL_R(MID, "smartos/",
              SERIAL ",standalone=true,noimport=true,"
              "root_shadow='$5$salt$hash.x/Y='", "")
        LABEL_N(OLD, "smartos/", SERIAL ",smartos=true",
              HASH("smartos/", OLD))
        LABEL_R(OLD, "smartos/",
              SERIAL ",standalone=true,noimport=true,"
              "root_shadow='$5$salt$hash.x/Y='", HASH("smartos/", OLD)));
    /* Neither the disabled nor the unbootable build is named. */
    assert_null(strstr(got, OFF));
    assert_null(strstr(got, BROKEN));
    free(got);
}

/* A hash the scan did not find inside the root is never loaded. */
static void
test_hash_only_when_found(void **state)
{
    pxe_build_t      b[1];
    pxe_scan_t       s = { b, 1, PXE_STAMP_NONE, 0, 0, 0 };
    pxe_ipxe_opts_t  o;
    char            *got;
    int              rc;

    (void) state;
    memset(&o, 0, sizeof(o));
    mkbuild(&b[0], NEW, 1, 0, 1);
    b[0].files &= (uint8_t) ~(1u << PXE_FILE_HASH);
    b[0].outside = 1u << PXE_FILE_HASH;
    got = cfg(&s, NULL, &o, PXE_PXELINUX_MAX, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_string_equal(got,
        HEADER("1", "mboot.c32")
        "default smartos-" NEW "\n"
        LABEL_N(NEW, "", "console=text", "")
        LABEL_R(NEW, "", "console=text,standalone=true,noimport=true",
              ""));
    free(got);
}

static void
test_prefix(void **state)
{
    pxe_ipxe_opts_t  o;
    char            *got, *none;
    int              rc;

    (void) state;
    opts_init(&o);
    /* Slashes are normalised as generate's --prefix is. */
    got = cfg(&scan, "//site/smartos.v2//", &o, PXE_PXELINUX_MAX, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_non_null(strstr(got, "  kernel site/smartos.v2/mboot.c32\n"));
    assert_non_null(strstr(got, "  append site/smartos.v2/" NEW KERNEL
                           " -B "));
    assert_non_null(strstr(got, " --- site/smartos.v2/" NEW ARCHIVE
                           " --- site/smartos.v2/" NEW ARCHIVE ".hash\n"));
    assert_null(strstr(got, "//"));
    free(got);

    /* No prefix and an empty one: paths from pxelinux.0's directory. */
    none = cfg(&scan, NULL, &o, PXE_PXELINUX_MAX, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_non_null(strstr(none, "  kernel mboot.c32\n  append " NEW
                           KERNEL " -B "));
    got = cfg(&scan, "/", &o, PXE_PXELINUX_MAX, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_string_equal(got, none);
    free(got);
    free(none);
}

static void
test_prefix_refused(void **state)
{
    static const struct { const char *prefix; int rc; } bad[] = {
        { "a/../b", PXE_EDOTDOT },
        { "./a", PXE_EDOTDOT },
        { "a b", PXE_EINVAL },
        { "a\nlabel x", PXE_EINVAL },
        { "a/b\\c", PXE_EINVAL },
        { "a$b", PXE_EINVAL },
    };
    pxe_ipxe_opts_t  o;
    size_t           i;
    int              rc;

    (void) state;
    opts_init(&o);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_null(cfg(&scan, bad[i].prefix, &o, PXE_PXELINUX_MAX, &rc));
        assert_int_equal(rc, bad[i].rc);
    }
}

/* What the nginx module refuses never reaches -B here either. */
static void
test_arguments_refused(void **state)
{
    static const char *const args[] = {
        "a b", "a\nlabel evil", "a --- b", "x\tb", "'q'", "\"q\"", ",a",
        "a,", "${x}", "a#b", "a;b",
    };
    static const char *const shadows[] = {
        "", "${x}", "a b", "$5$a\n", "'x'", "a,noimport=false",
    };
    pxe_ipxe_opts_t  o;
    char             longarg[PXE_KERNEL_ARGS_MAX + 2];
    size_t           i;
    int              rc;

    (void) state;
    for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
        opts_init(&o);
        o.kernel_args = args[i];
        o.kernel_args_len = strlen(args[i]);
        assert_null(cfg(&scan, "smartos", &o, PXE_PXELINUX_MAX, &rc));
        assert_int_equal(rc, PXE_EUNSAFE);
    }
    for (i = 0; i < sizeof(shadows) / sizeof(shadows[0]); i++) {
        opts_init(&o);
        o.root_shadow = shadows[i];
        o.root_shadow_len = strlen(shadows[i]);
        assert_null(cfg(&scan, "smartos", &o, PXE_PXELINUX_MAX, &rc));
        assert_int_equal(rc, PXE_EUNSAFE);
    }
    /* A NUL inside the stated length is refused, not cut at. */
    opts_init(&o);
    o.kernel_args = "a\0b";
    o.kernel_args_len = 3;
    assert_null(cfg(&scan, "smartos", &o, PXE_PXELINUX_MAX, &rc));
    assert_int_equal(rc, PXE_EUNSAFE);

    opts_init(&o);
    memset(longarg, 'a', sizeof(longarg) - 1);
    longarg[sizeof(longarg) - 1] = '\0';
    o.kernel_args = longarg;
    o.kernel_args_len = strlen(longarg);
    assert_null(cfg(&scan, "smartos", &o, PXE_PXELINUX_MAX, &rc));
    assert_int_equal(rc, PXE_EUNSAFE);
    o.kernel_args_len = PXE_KERNEL_ARGS_MAX;
    free(cfg(&scan, "smartos", &o, PXE_PXELINUX_MAX, &rc));
    assert_int_equal(rc, PXE_OK);

    opts_init(&o);
    o.console = PXE_CONSOLE_COUNT;
    assert_null(cfg(&scan, "smartos", &o, PXE_PXELINUX_MAX, &rc));
    assert_int_equal(rc, PXE_EINVAL);
}

static void
test_no_usable_build(void **state)
{
    pxe_build_t      b[2];
    pxe_scan_t       s = { b, 2, PXE_STAMP_NONE, 0, 0, 0 },
                     empty = { NULL, 0, PXE_STAMP_NONE, 0, 0, 0 };
    pxe_ipxe_opts_t  o;
    int              rc;

    (void) state;
    opts_init(&o);
    mkbuild(&b[0], OFF, 1, 1, 1);
    mkbuild(&b[1], BROKEN, 0, 0, 1);
    assert_null(cfg(&s, "smartos", &o, PXE_PXELINUX_MAX, &rc));
    assert_int_equal(rc, PXE_ENOENT);
    assert_null(cfg(&empty, NULL, &o, PXE_PXELINUX_MAX, &rc));
    assert_int_equal(rc, PXE_ENOENT);
    /* A bad option is reported before the empty tree. */
    o.kernel_args = "a b";
    o.kernel_args_len = 3;
    assert_null(cfg(&empty, NULL, &o, PXE_PXELINUX_MAX, &rc));
    assert_int_equal(rc, PXE_EUNSAFE);
}

/* Past its maximum the config fails whole: no truncated file. */
static void
test_bound_fails_whole(void **state)
{
    pxe_ipxe_opts_t  o;
    char            *full;
    size_t           len;
    int              rc;

    (void) state;
    opts_init(&o);
    full = cfg(&scan, "smartos", &o, PXE_PXELINUX_MAX, &rc);
    assert_int_equal(rc, PXE_OK);
    len = strlen(full);
    free(full);
    assert_null(cfg(&scan, "smartos", &o, len - 1, &rc));
    assert_int_equal(rc, PXE_ETOOBIG);
    full = cfg(&scan, "smartos", &o, len, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_int_equal(strlen(full), len);
    free(full);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_whole_config, setup),
        cmocka_unit_test(test_hash_only_when_found),
        cmocka_unit_test_setup(test_prefix, setup),
        cmocka_unit_test_setup(test_prefix_refused, setup),
        cmocka_unit_test_setup(test_arguments_refused, setup),
        cmocka_unit_test(test_no_usable_build),
        cmocka_unit_test_setup(test_bound_fails_whole, setup),
    };

    return PXE_RUN_TESTS(tests);
}
