/*
 * test_ipxe_efi.c: SmartOS entries on EFI iPXE (chain or say why, then
 * leave to the firmware) and the menu variants (console entries, kmdb),
 * with the 512-byte multiboot budget counting every variant.
 */

#include <stdlib.h>
#include <string.h>

#include "test.h"

#define NEW     "20240101T000000Z"
#define OLD     "20121004T212912Z"
#define GUARD   "iseq ${platform} efi && goto pxekit-efi ||\n"
#define SERIAL  "ttyb-mode=\"115200,8,n,1,-\""
#define WHY     "\n:pxekit-efi\n"                                          \
    "echo pxekit: ${pxekit-build}: this is EFI iPXE, which cannot start"   \
    " SmartOS (no multiboot2).\n"
#define NOCHAIN                                                            \
    "echo pxekit: boot this machine in BIOS/CSM mode, or set"              \
    " pxekit_efi_chain to an EFI loader that can.\n"                       \
    "echo pxekit: leaving iPXE: the firmware goes on with its next boot"   \
    " option.\n"
#define CHAIN   "http://10.0.0.1/efi/snponly-mb2.efi?x=1&y=%2F"

static pxe_build_t  builds[2];
static pxe_scan_t   scan = { builds, 2, PXE_STAMP_NONE, 0, 0, 0 };

static int
setup(void **state)
{
    (void) state;
    memset(builds, 0, sizeof(builds));
    strcpy(builds[0].name, NEW);
    strcpy(builds[1].name, OLD);
    builds[0].bootable = builds[1].bootable = 1;
    builds[0].hash = 1;
    return 0;
}

static void
opts_init(pxe_ipxe_opts_t *o)
{
    memset(o, 0, sizeof(*o));
    o->console = PXE_CONSOLE_TTYB;
    o->timeout_ms = 1000;
    o->kernel_args = "smartos=true";
    o->kernel_args_len = strlen(o->kernel_args);
}

static char *
menu(const pxe_ipxe_opts_t *o, int *rc)
{
    pxe_buf_t  b;

    pxe_buf_init(&b, PXE_MENU_MAX, NULL);
    *rc = pxe_ipxe_menu(&scan, NULL, o, &b);
    return b.data;
}

static size_t
count(const char *s, const char *what)
{
    size_t  n = 0;

    for (s = strstr(s, what); s != NULL; s = strstr(s + 1, what)) {
        n++;
    }
    return n;
}

static void
test_efi_chain_check(void **state)
{
    static const char *const good[] = {
        "http://a/x.efi", "https://h:8443/b/snponly.efi", "tftp://1.2.3.4/x",
        "/efi/ipxe-mb2.efi", CHAIN, "http://a/~u/x,y=z+1@2",
    };
    static const char *const bad[] = {
        "ipxe.efi", "../x.efi", "ftp://a/x", "http://", "/", "",
        "http://a/${x}", "http://a/$x", "http://a/ b", "http://a/\nshell",
        "http://a/'x'", "http://a/\"x", "http://a/#x", "http://a/x;y",
        "http://a/|x", "-n http://a/x", "http://a/x\\y", "http://a/{x}",
    };
    char    big[PXE_EFI_CHAIN_MAX + 2];
    size_t  i;

    (void) state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(pxe_ipxe_check_efi_chain(good[i], strlen(good[i])),
                         PXE_OK);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(pxe_ipxe_check_efi_chain(bad[i], strlen(bad[i])),
                         PXE_EUNSAFE);
    }
    assert_int_equal(pxe_ipxe_check_efi_chain("http://a\0b", 10),
                     PXE_EUNSAFE);
    memcpy(big, "http://", 7);
    memset(big + 7, 'a', sizeof(big) - 7);
    assert_int_equal(pxe_ipxe_check_efi_chain(big, PXE_EFI_CHAIN_MAX),
                     PXE_OK);
    assert_int_equal(pxe_ipxe_check_efi_chain(big, PXE_EFI_CHAIN_MAX + 1),
                     PXE_ETOOBIG);
}

/* Every SmartOS entry tests the platform before anything else. */
static void
test_menu_efi_guard_and_why(void **state)
{
    pxe_ipxe_opts_t   o;
    char             *m, *efi;
    int               rc;

    (void) state;
    opts_init(&o);
    m = menu(&o, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_non_null(strstr(m, "\n:" NEW "\nset pxekit-build " NEW "\n"
                            GUARD "imgfree\nkernel "));
    assert_non_null(strstr(m, "\n:rescue-" OLD "\nset pxekit-build " OLD
                            " (rescue)\n" GUARD "imgfree\n"));
    /* two builds, a normal and a rescue entry each */
    assert_int_equal(count(m, GUARD), 4);
    assert_int_equal(count(m, "\nkernel "), 4);

    efi = strstr(m, WHY NOCHAIN
                 "prompt --timeout 5000 Press a key for the menu"
                 " && goto pxekit-menu ||\n"
                 "exit 1\n");
    assert_non_null(efi);
    assert_int_equal(count(m, "\n:pxekit-efi\n"), 1);
    /* nothing is chained, and the text is the section's last word */
    assert_null(strstr(m, "\nchain --autofree http"));
    assert_true(efi > strstr(m, "\n:pxekit-failed\n"));
    free(m);
}

static void
test_menu_efi_chain(void **state)
{
    pxe_ipxe_opts_t   o;
    char             *m;
    int               rc;

    (void) state;
    opts_init(&o);
    o.efi_chain = CHAIN;
    o.efi_chain_len = strlen(CHAIN);
    m = menu(&o, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_non_null(strstr(m, WHY "echo pxekit: chaining " CHAIN
                            " (pxekit_efi_chain)\n"
                            "chain --autofree " CHAIN
                            " || goto pxekit-failed\n"));
    assert_null(strstr(m, "BIOS/CSM"));
    assert_int_equal(count(m, GUARD), 4);
    free(m);

    /* an unsafe URL fails the menu whole */
    o.efi_chain = "http://a/${x}";
    o.efi_chain_len = strlen(o.efi_chain);
    m = menu(&o, &rc);
    assert_int_equal(rc, PXE_EUNSAFE);
    assert_null(m);
}

static void
test_script_efi(void **state)
{
    pxe_ipxe_opts_t  o;
    pxe_buf_t        b;

    (void) state;
    opts_init(&o);
    pxe_buf_init(&b, PXE_SCRIPT_MAX, NULL);
    assert_int_equal(pxe_ipxe_script(&builds[1], &o, &b), PXE_OK);
    assert_string_equal(b.data,
        "#!ipxe\n"
        "# pxekit: SmartOS " OLD "\n"
        "set pxekit-build " OLD "\n"
        GUARD
        "imgfree\n"
        "kernel ../" OLD "/platform/i86pc/kernel/amd64/unix -B console=ttyb,"
        SERIAL ",smartos=true || goto pxekit-failed\n"
        "module ../" OLD "/platform/i86pc/amd64/boot_archive type=rootfs"
        " name=ramdisk || goto pxekit-failed\n"
        "boot || goto pxekit-failed\n"
        "\n:pxekit-failed\n"
        "echo pxekit: booting ${pxekit-build} failed.\n"
        "imgfree\n"
        "prompt --timeout 10000 Press a key || exit 1\n"
        "exit 1\n"
        WHY NOCHAIN
        "exit 1\n");
    pxe_buf_free(&b);

    o.efi_chain = "/snponly.efi";
    o.efi_chain_len = strlen(o.efi_chain);
    pxe_buf_init(&b, PXE_SCRIPT_MAX, NULL);
    assert_int_equal(pxe_ipxe_script(&builds[1], &o, &b), PXE_OK);
    assert_non_null(strstr(b.data, WHY "echo pxekit: chaining /snponly.efi"
                           " (pxekit_efi_chain)\nchain --autofree"
                           " /snponly.efi || goto pxekit-failed\n"));
    pxe_buf_free(&b);
}

static void
test_variants_off_by_default(void **state)
{
    pxe_ipxe_opts_t   o;
    char             *m;
    int               rc;

    (void) state;
    opts_init(&o);
    m = menu(&o, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_null(strstr(m, "kmdb"));
    assert_null(strstr(m, " -k "));
    assert_null(strstr(m, NEW "-tty"));
    assert_null(strstr(m, NEW "-text"));
    free(m);
}

static void
test_variants_consoles_and_kmdb(void **state)
{
    pxe_ipxe_opts_t   o;
    char             *m, *items, *choose;
    int               rc;

    (void) state;
    opts_init(&o);
    o.consoles = (1u << PXE_CONSOLE_TEXT) | (1u << PXE_CONSOLE_TTYA)
                 | (1u << PXE_CONSOLE_TTYB);
    o.kmdb = 1;
    m = menu(&o, &rc);
    assert_int_equal(rc, PXE_OK);

    /* items after the build's rescue item, in console order, kmdb last */
    items = strstr(m, "item rescue-" NEW " SmartOS " NEW " rescue (noimport)\n"
                   "item " NEW "-text SmartOS " NEW " console text\n"
                   "item " NEW "-ttya SmartOS " NEW " console ttya\n"
                   "item " NEW "-kmdb SmartOS " NEW " with kmdb (-k)\n"
                   "item " OLD " ");
    assert_non_null(items);
    choose = strstr(m, "\nchoose --default " NEW " ");
    assert_true(items < choose);
    /* the menu's own console has no variant of its own */
    assert_null(strstr(m, NEW "-ttyb"));

    assert_non_null(strstr(m, "\n:" NEW "-text\nset pxekit-build " NEW
                            " (console text)\n" GUARD "imgfree\nkernel "
                            NEW "/platform/i86pc/kernel/amd64/unix"
                            " -B console=text,smartos=true"
                            " || goto pxekit-failed\n"
                            "module " NEW "/platform/i86pc/amd64/"
                            "boot_archive type=rootfs name=ramdisk"
                            " || goto pxekit-failed\n"
                            "module " NEW "/platform/i86pc/amd64/"
                            "boot_archive.hash type=hash name=ramdisk"
                            " || goto pxekit-failed\n"
                            "boot || goto pxekit-failed\n"));
    assert_non_null(strstr(m, "\n:" NEW "-ttya\nset pxekit-build " NEW
                            " (console ttya)\n" GUARD "imgfree\nkernel "
                            NEW "/platform/i86pc/kernel/amd64/unix"
                            " -B console=ttya,ttya-mode=\"115200,8,n,1,-\","
                            "smartos=true || goto pxekit-failed\n"));
    /* kmdb: -k before the console options and the operator's args */
    assert_non_null(strstr(m, "\n:" NEW "-kmdb\nset pxekit-build " NEW
                            " (kmdb)\n" GUARD "imgfree\nkernel " NEW
                            "/platform/i86pc/kernel/amd64/unix -k"
                            " -B console=ttyb," SERIAL ",smartos=true"
                            " || goto pxekit-failed\n"));
    assert_non_null(strstr(m, "\n:" OLD "-kmdb\n"));
    /* per build: normal, rescue, text, ttya, kmdb; all guarded */
    assert_int_equal(count(m, "\nkernel "), 10);
    assert_int_equal(count(m, GUARD), 10);
    free(m);

    /* the console chosen at run time moves the variant: ttyb appears */
    o.console = PXE_CONSOLE_TTYA;
    m = menu(&o, &rc);
    assert_int_equal(rc, PXE_OK);
    assert_non_null(strstr(m, "\nitem " NEW "-ttyb SmartOS " NEW
                            " console ttyb\n"));
    assert_null(strstr(m, NEW "-ttya"));
    free(m);
}

static void
test_variants_refused(void **state)
{
    pxe_ipxe_opts_t   o;
    char             *m;
    int               rc;

    (void) state;
    opts_init(&o);
    o.consoles = 1u << PXE_CONSOLE_COUNT;
    m = menu(&o, &rc);
    assert_int_equal(rc, PXE_EINVAL);
    assert_null(m);
    opts_init(&o);
    o.kmdb = 2;
    m = menu(&o, &rc);
    assert_int_equal(rc, PXE_EINVAL);
    assert_null(m);
}

/* The 512-byte budget counts the longest variant. */
static void
test_variants_budget(void **state)
{
    pxe_ipxe_opts_t  o;
    size_t           plain, with;

    (void) state;
    opts_init(&o);
    o.console = PXE_CONSOLE_TEXT;
    assert_int_equal(pxe_ipxe_cmdline_max(&scan, &o, 30, &plain), PXE_OK);

    o.kmdb = 1;
    assert_int_equal(pxe_ipxe_cmdline_max(&scan, &o, 30, &with), PXE_OK);
    assert_int_equal(with, plain + strlen("-k "));

    /* a ttya variant of a text menu: ",ttya-mode=..." and "tty[a]" */
    o.kmdb = 0;
    o.consoles = 1u << PXE_CONSOLE_TTYA;
    assert_int_equal(pxe_ipxe_cmdline_max(&scan, &o, 30, &with), PXE_OK);
    assert_int_equal(with, plain + strlen(",ttya-mode=\"115200,8,n,1,-\""));

    /* a text variant of a ttya menu adds nothing */
    o.console = PXE_CONSOLE_TTYA;
    o.consoles = 1u << PXE_CONSOLE_TEXT;
    assert_int_equal(pxe_ipxe_cmdline_max(&scan, &o, 30, &plain), PXE_OK);
    o.consoles = 0;
    assert_int_equal(pxe_ipxe_cmdline_max(&scan, &o, 30, &with), PXE_OK);
    assert_int_equal(with, plain);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_efi_chain_check),
        cmocka_unit_test_setup(test_menu_efi_guard_and_why, setup),
        cmocka_unit_test_setup(test_menu_efi_chain, setup),
        cmocka_unit_test_setup(test_script_efi, setup),
        cmocka_unit_test_setup(test_variants_off_by_default, setup),
        cmocka_unit_test_setup(test_variants_consoles_and_kmdb, setup),
        cmocka_unit_test_setup(test_variants_refused, setup),
        cmocka_unit_test_setup(test_variants_budget, setup),
    };

    return PXE_RUN_TESTS(tests);
}
