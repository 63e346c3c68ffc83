/*
 * test_ipxe.c: the menu and boot scripts say exactly what SmartOS needs,
 * and no value from a request or a config can add a line or a "${".
 */

#include <stdlib.h>
#include <string.h>

#include "test.h"

#define NEW     "20240101T000000Z"
#define MID     "20230615T120000Z"
#define OLD     "20121004T212912Z"
#define OFF     "20250101T000000Z"
#define BROKEN  "20200101T000000Z"

#define STANZA_NEW                                                         \
    "iseq ${platform} efi && goto pxekit-efi ||\n"                         \
    "imgfree\n"                                                            \
    "kernel " NEW "/platform/i86pc/kernel/amd64/unix -B console=ttyb,"     \
    "ttyb-mode=\"115200,8,n,1,-\",smartos=true || goto pxekit-failed\n"    \
    "module " NEW "/platform/i86pc/amd64/boot_archive type=rootfs"         \
    " name=ramdisk || goto pxekit-failed\n"                                \
    "module " NEW "/platform/i86pc/amd64/boot_archive.hash type=hash"      \
    " name=ramdisk || goto pxekit-failed\n"                                \
    "boot || goto pxekit-failed\n"

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
}

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
    o->timeout_ms = 10000;
    o->kernel_args = "smartos=true";
    o->kernel_args_len = strlen(o->kernel_args);
}

static char *
menu(const char *def, const pxe_ipxe_opts_t *o, int *rc)
{
    pxe_buf_t  b;

    pxe_buf_init(&b, PXE_MENU_MAX, NULL);
    *rc = pxe_ipxe_menu(&scan, def, o, &b);
    return b.data;
}

static void
test_console_names(void **state)
{
    pxe_console_e  c;

    (void) state;
    assert_int_equal(pxe_console_parse("ttyd", 4, &c), PXE_OK);
    assert_int_equal(c, PXE_CONSOLE_TTYD);
    assert_int_equal(pxe_console_parse("text", 4, &c), PXE_OK);
    assert_int_equal(c, PXE_CONSOLE_TEXT);
    assert_int_equal(pxe_console_parse("ttye", 4, &c), PXE_EINVAL);
    assert_int_equal(pxe_console_parse("ttyb ", 5, &c), PXE_EINVAL);
    assert_int_equal(pxe_console_parse("", 0, &c), PXE_EINVAL);
    assert_string_equal(pxe_console_name(PXE_CONSOLE_TTYA), "ttya");
    assert_string_equal(pxe_console_name((pxe_console_e) 99), "unknown");
}

static void
test_menu_order_default_timeout(void **state)
{
    pxe_ipxe_opts_t   o;
    char             *m, *a, *b, *c;
    int               rc;

    (void) state;
    opts_init(&o);
    m = menu(NULL, &o, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_memory_equal(m, "#!ipxe\n", 7);

    /* newest bootable first; disabled and broken builds hidden */
    a = strstr(m, "item " NEW " ");
    b = strstr(m, "item " MID " ");
    c = strstr(m, "item " OLD " ");
    assert_non_null(a);
    assert_true(a < b && b < c);
    assert_null(strstr(m, OFF));
    assert_null(strstr(m, BROKEN));
    assert_non_null(strstr(m, "item rescue-" NEW " "));

    assert_non_null(strstr(m, "\nchoose --default " NEW
                            " --timeout 10000 pxekit-target"
                            " || goto pxekit-shell\n"));
    assert_non_null(strstr(m, "\n:" NEW "\nset pxekit-build " NEW "\n"
                            STANZA_NEW));
    assert_non_null(strstr(m, "sanboot --no-describe --drive 0x80"));
    assert_non_null(strstr(m, "\nshell\n"));
    assert_non_null(strstr(m, "\n:pxekit-failed\n"));
    free(m);
}

static void
test_menu_rescue_and_hash(void **state)
{
    pxe_ipxe_opts_t   o;
    char             *m, *r;
    int               rc;

    (void) state;
    opts_init(&o);
    o.root_shadow = "$5$salt$hash.x/Y";
    o.root_shadow_len = strlen(o.root_shadow);
    m = menu(NULL, &o, &rc);
    assert_int_equal(rc, PXE_OK);

    r = strstr(m, "\n:rescue-" NEW "\n");
    assert_non_null(r);
    assert_non_null(strstr(r, "kernel " NEW "/platform/i86pc/kernel/amd64/"
                            "unix -B console=ttyb,ttyb-mode=\"115200,8,n,1,"
                            "-\",standalone=true,noimport=true,root_shadow="
                            "'$5$salt$hash.x/Y' || goto pxekit-failed\n"
                            "module " NEW "/platform/i86pc/amd64/"
                            "boot_archive type=rootfs name=ramdisk"
                            " || goto pxekit-failed\nboot"));
    /* the legacy build has no hash: no hash module anywhere for it */
    assert_null(strstr(m, MID "/platform/i86pc/amd64/boot_archive.hash"));
    assert_non_null(strstr(m, "kernel " MID "/platform/i86pc/kernel/"));
    free(m);
}

static void
test_menu_default_and_console(void **state)
{
    pxe_ipxe_opts_t   o;
    char             *m;
    int               rc;

    (void) state;
    opts_init(&o);
    o.console = PXE_CONSOLE_TEXT;
    o.timeout_ms = 0;
    o.kernel_args = NULL;
    m = menu(MID, &o, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_non_null(strstr(m, "\nchoose --default " MID " pxekit-target"));
    assert_non_null(strstr(m, "-B console=text || goto pxekit-failed\n"));
    free(m);

    /* a default that is disabled, broken or unknown falls back to newest */
    m = menu(OFF, &o, &rc);
    assert_non_null(strstr(m, "\nchoose --default " NEW " "));
    free(m);
    m = menu(BROKEN, &o, &rc);
    assert_non_null(strstr(m, "\nchoose --default " NEW " "));
    free(m);
    m = menu("20990101T000000Z", &o, &rc);
    assert_non_null(strstr(m, "\nchoose --default " NEW " "));
    free(m);
}

static void
test_menu_without_builds(void **state)
{
    pxe_scan_t        empty = { NULL, 0, PXE_STAMP_NONE, 0, 0, 0 };
    pxe_ipxe_opts_t   o;
    pxe_buf_t         b;

    (void) state;
    opts_init(&o);
    pxe_buf_init(&b, PXE_MENU_MAX, NULL);
    assert_int_equal(pxe_ipxe_menu(&empty, NULL, &o, &b), PXE_OK);
    assert_non_null(strstr(b.data, "(no bootable build found)"));
    assert_non_null(strstr(b.data, "choose --default pxekit-local "));
    pxe_buf_free(&b);
}

static void
test_script_relative_urls(void **state)
{
    pxe_ipxe_opts_t  o;
    pxe_buf_t        b;

    (void) state;
    opts_init(&o);
    pxe_buf_init(&b, PXE_SCRIPT_MAX, NULL);
    assert_int_equal(pxe_ipxe_script(&builds[1], &o, &b), PXE_OK);
    assert_string_equal(b.data,
        "#!ipxe\n"
        "# pxekit: SmartOS " NEW "\n"
        "set pxekit-build " NEW "\n"
        "iseq ${platform} efi && goto pxekit-efi ||\n"
        "imgfree\n"
        "kernel ../" NEW "/platform/i86pc/kernel/amd64/unix -B console=ttyb,"
        "ttyb-mode=\"115200,8,n,1,-\",smartos=true || goto pxekit-failed\n"
        "module ../" NEW "/platform/i86pc/amd64/boot_archive type=rootfs"
        " name=ramdisk || goto pxekit-failed\n"
        "module ../" NEW "/platform/i86pc/amd64/boot_archive.hash type=hash"
        " name=ramdisk || goto pxekit-failed\n"
        "boot || goto pxekit-failed\n"
        "\n:pxekit-failed\n"
        "echo pxekit: booting ${pxekit-build} failed.\n"
        "imgfree\n"
        "prompt --timeout 10000 Press a key || exit 1\n"
        "exit 1\n"
        "\n:pxekit-efi\n"
        "echo pxekit: ${pxekit-build}: this is EFI iPXE, which cannot start"
        " SmartOS (no multiboot2).\n"
        "echo pxekit: boot this machine in BIOS/CSM mode, or set"
        " pxekit_efi_chain to an EFI loader that can.\n"
        "echo pxekit: leaving iPXE: the firmware goes on with its next boot"
        " option.\n"
        "exit 1\n");
    pxe_buf_free(&b);

    pxe_buf_init(&b, PXE_SCRIPT_MAX, NULL);
    assert_int_equal(pxe_ipxe_script(&builds[3], &o, &b), PXE_ENOENT);
    assert_null(b.data);
    assert_int_equal(pxe_ipxe_script(&builds[0], &o, &b), PXE_ENOENT);
    pxe_buf_free(&b);
}

static void
test_kernel_args_whitelist(void **state)
{
    static const char *const bad[] = {
        "a b", "a\nkernel x", "x=${net0/mac}", "x=$y", "a\"b", "a'b",
        "a#b", "a;b", ",a", "a,", "a\tb", "a\rb", "a|b", "a&&b", "{x}",
    };
    size_t  i;
    char    big[PXE_KERNEL_ARGS_MAX + 2];

    (void) state;
    assert_int_equal(pxe_ipxe_check_kernel_args("", 0), PXE_OK);
    assert_int_equal(pxe_ipxe_check_kernel_args(
        "smartos=true,noimport=false,hostname=a-b.c_d,x=1:2/3+4@5", 55),
        PXE_OK);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(pxe_ipxe_check_kernel_args(bad[i], strlen(bad[i])),
                         PXE_EUNSAFE);
    }
    assert_int_equal(pxe_ipxe_check_kernel_args("a\0b", 3), PXE_EUNSAFE);
    memset(big, 'a', sizeof(big));
    assert_int_equal(pxe_ipxe_check_kernel_args(big, PXE_KERNEL_ARGS_MAX),
                     PXE_OK);
    assert_int_equal(pxe_ipxe_check_kernel_args(big,
                                                PXE_KERNEL_ARGS_MAX + 1),
                     PXE_ETOOBIG);
}

static void
test_root_shadow_whitelist(void **state)
{
    (void) state;
    assert_int_equal(pxe_ipxe_check_root_shadow("$5$rounds=5000$ab$c.d/E",
                                                23), PXE_OK);
    assert_int_equal(pxe_ipxe_check_root_shadow("${x}", 4), PXE_EUNSAFE);
    assert_int_equal(pxe_ipxe_check_root_shadow("a'b", 3), PXE_EUNSAFE);
    assert_int_equal(pxe_ipxe_check_root_shadow("a b", 3), PXE_EUNSAFE);
    assert_int_equal(pxe_ipxe_check_root_shadow("a\n", 2), PXE_EUNSAFE);
    assert_int_equal(pxe_ipxe_check_root_shadow("", 0), PXE_EUNSAFE);
}

static void
test_unsafe_opts_fail_whole(void **state)
{
    pxe_ipxe_opts_t   o;
    char             *m;
    int               rc;

    (void) state;
    opts_init(&o);
    o.kernel_args = "a\nshell";
    o.kernel_args_len = 7;
    m = menu(NULL, &o, &rc);
    assert_int_equal(rc, PXE_EUNSAFE);
    assert_null(m);

    opts_init(&o);
    o.root_shadow = "${x}";
    o.root_shadow_len = 4;
    m = menu(NULL, &o, &rc);
    assert_int_equal(rc, PXE_EUNSAFE);
    assert_null(m);

    opts_init(&o);
    o.console = (pxe_console_e) 7;
    m = menu(NULL, &o, &rc);
    assert_int_equal(rc, PXE_EINVAL);

    opts_init(&o);
    o.timeout_ms = PXE_TIMEOUT_MAX + 1;
    m = menu(NULL, &o, &rc);
    assert_int_equal(rc, PXE_EINVAL);
}

static void
test_include_placement(void **state)
{
    static const char  inc[] =
        "# other systems\n"
        "item debian Debian installer\n"
        "  item --gap -- more\n"
        ":debian\n"
        "kernel http://example/linux\n"
        "boot";
    pxe_ipxe_opts_t    o;
    char              *m, *items, *tools, *label, *failed;
    int                rc;

    (void) state;
    opts_init(&o);
    o.include = inc;
    o.include_len = strlen(inc);
    m = menu(NULL, &o, &rc);
    assert_int_equal(rc, PXE_OK);
    items = strstr(m, "item debian Debian installer\n  item --gap -- more\n");
    tools = strstr(m, "item --gap -- Tools:");
    label = strstr(m, "\n:debian\nkernel http://example/linux\nboot\n"
                      "goto pxekit-menu\n");
    failed = strstr(m, "\n:pxekit-failed\n");
    assert_non_null(items);
    assert_non_null(label);
    /* items inside the menu, sections after pxekit's own */
    assert_true(items < tools);
    assert_true(failed < label);
    free(m);
}

static void
test_include_check(void **state)
{
    static const char *const bad[] = {
        ":20240101T000000Z\n", "item x\n  :rescue-x\n", ":pxekit-menu\n",
        "a\rb\n", "a\033[2Jb", "\t:9lives\n",
    };
    size_t  i;

    (void) state;
    assert_int_equal(pxe_ipxe_check_include("item a b\n:a\nboot\n", 17),
                     PXE_OK);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(pxe_ipxe_check_include(bad[i], strlen(bad[i])),
                         PXE_EUNSAFE);
    }
    assert_int_equal(pxe_ipxe_check_include("a\0b", 3), PXE_EUNSAFE);
    assert_int_equal(pxe_ipxe_check_include("x", PXE_INCLUDE_MAX + 1),
                     PXE_ETOOBIG);
}

static void
test_menu_bound_fails_whole(void **state)
{
    pxe_ipxe_opts_t  o;
    pxe_buf_t        b;

    (void) state;
    opts_init(&o);
    pxe_buf_init(&b, 512, NULL);
    assert_int_equal(pxe_ipxe_menu(&scan, NULL, &o, &b), PXE_ETOOBIG);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

/*
 * The size is what iPXE would copy for the menu's own lines: each kernel
 * or module line of the entry, made absolute, minus the "|| goto", plus
 * a NUL.
 */
static void
test_cmdline_size_matches_menu(void **state)
{
    static const char   base[] = "http://10.0.0.1:8080/smartos/";
    pxe_ipxe_opts_t     o;
    size_t              want = 0, got, n;
    char               *m, *line, *end, *cut;
    int                 rc;

    (void) state;
    opts_init(&o);
    m = menu(NULL, &o, &rc);
    assert_int_equal(rc, PXE_OK);
    line = strstr(m, "\n:" NEW "\n");
    assert_non_null(line);
    for (line = strchr(line + 1, '\n') + 1; strncmp(line, "boot", 4) != 0;
         line = end + 1)
    {
        end = strchr(line, '\n');
        if (strncmp(line, "kernel ", 7) != 0
            && strncmp(line, "module ", 7) != 0)
        {
            continue;   /* imgfree */
        }
        n = 7;
        cut = strstr(line, " || goto pxekit-failed");
        assert_true(cut != NULL && cut < end);
        want += strlen(base) + (size_t) (cut - line) - n + 1;
    }
    free(m);

    assert_int_equal(pxe_ipxe_cmdline_max(&scan, &o, strlen(base), &got),
                     PXE_OK);
    assert_int_equal(got, want);
    assert_true(got < PXE_MULTIBOOT_CMDLINE_MAX);

    /* a long site prefix passes iPXE's buffer */
    assert_int_equal(pxe_ipxe_cmdline_max(&scan, &o, 200, &got), PXE_OK);
    assert_true(got > PXE_MULTIBOOT_CMDLINE_MAX);

    o.kernel_args = "a b";
    o.kernel_args_len = 3;
    assert_int_equal(pxe_ipxe_cmdline_max(&scan, &o, 10, &got),
                     PXE_EUNSAFE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_console_names),
        cmocka_unit_test_setup(test_menu_order_default_timeout, setup),
        cmocka_unit_test_setup(test_menu_rescue_and_hash, setup),
        cmocka_unit_test_setup(test_menu_default_and_console, setup),
        cmocka_unit_test(test_menu_without_builds),
        cmocka_unit_test_setup(test_script_relative_urls, setup),
        cmocka_unit_test(test_kernel_args_whitelist),
        cmocka_unit_test(test_root_shadow_whitelist),
        cmocka_unit_test_setup(test_unsafe_opts_fail_whole, setup),
        cmocka_unit_test_setup(test_include_placement, setup),
        cmocka_unit_test(test_include_check),
        cmocka_unit_test_setup(test_menu_bound_fails_whole, setup),
        cmocka_unit_test_setup(test_cmdline_size_matches_menu, setup),
    };

    return PXE_RUN_TESTS(tests);
}
