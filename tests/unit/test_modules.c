/*
 * test_modules.c: pxekit_module as the core sees it: the directive's
 * words, ${mac} from a validated MAC only, the URLs (MAC in the path),
 * their routes, the module lines in every entry, an optional file left
 * out, a required one that stops the entry with a message, the
 * multiboot budget, and the containment check before a file is opened.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "../common/tree.h"

#define NEW  "20240101T000000Z"
#define MAC  "52-54-00-00-00-01"

static int
parse(const char *path, const char *w1, const char *w2, const char *w3,
    pxe_module_t *m)
{
    pxe_str_t    words[3];
    const char  *w[3] = { w1, w2, w3 };
    size_t       n;

    for (n = 0; n < 3 && w[n] != NULL; n++) {
        words[n].data = w[n];
        words[n].len = strlen(w[n]);
    }
    return pxe_module_parse(path, strlen(path), words, n, m);
}

static void
test_parse(void **state)
{
    pxe_module_t  m;

    (void) state;
    assert_int_equal(parse("meta/tinkerbell.json",
                           "name=/system/boot/tinkerbell.json", "type=file",
                           NULL, &m), PXE_OK);
    assert_string_equal(m.name, "/system/boot/tinkerbell.json");
    assert_string_equal(m.type, "file");
    assert_false(m.per_node);
    assert_false(m.optional);
    assert_int_equal(parse("${mac}/networking.json", "optional",
                           "name=networking.json", NULL, &m), PXE_OK);
    assert_true(m.per_node);
    assert_true(m.optional);
    assert_string_equal(m.type, PXE_MODULE_TYPE_DEFAULT);
    assert_int_equal(parse("n/${mac}.json", "name=x", "type=rootfs", NULL,
                           &m), PXE_OK);
    assert_string_equal(m.type, "rootfs");

    /* each refused, and nothing kept */
    assert_int_equal(parse("a", NULL, NULL, NULL, &m), PXE_ESYNTAX);
    assert_int_equal(m.path_len, 0);
    assert_int_equal(parse("a", "name=x", "name=y", NULL, &m), PXE_ESYNTAX);
    assert_int_equal(parse("a", "name=x", "type=a", "type=b", &m),
                     PXE_ESYNTAX);
    assert_int_equal(parse("a", "name=x", "optional", "optional", &m),
                     PXE_ESYNTAX);
    assert_int_equal(parse("a", "name=x", "opt", NULL, &m), PXE_ESYNTAX);
    assert_int_equal(parse("a", "name=", NULL, NULL, &m), PXE_ESYNTAX);
    assert_int_equal(parse("a", "name=x", "type=", NULL, &m), PXE_ESYNTAX);
    assert_int_equal(parse("a", "name=a b", NULL, NULL, &m), PXE_EUNSAFE);
    assert_int_equal(parse("a", "name=${x}", NULL, NULL, &m), PXE_EUNSAFE);
    assert_int_equal(parse("a", "name=a/../b", NULL, NULL, &m), PXE_EUNSAFE);
    assert_int_equal(parse("a", "name=//a", NULL, NULL, &m), PXE_EUNSAFE);
    assert_int_equal(parse("a", "name=x", "type=File", NULL, &m),
                     PXE_EUNSAFE);
    assert_int_equal(parse("a", "name=x", "type=a\"b", NULL, &m),
                     PXE_EUNSAFE);
    assert_int_equal(parse("${ip}/a", "name=x", NULL, NULL, &m),
                     PXE_ESYNTAX);
    assert_int_equal(parse("${mac", "name=x", NULL, NULL, &m), PXE_ESYNTAX);
    assert_int_equal(parse("/etc/passwd", "name=x", NULL, NULL, &m),
                     PXE_EEMPTYSEG);
    assert_int_equal(parse("../x", "name=x", NULL, NULL, &m), PXE_EDOTDOT);
    assert_int_equal(parse("${mac}/../x", "name=x", NULL, NULL, &m),
                     PXE_EDOTDOT);
    assert_int_equal(parse("a//b", "name=x", NULL, NULL, &m),
                     PXE_EEMPTYSEG);
    assert_int_equal(parse("a", "name=01234567890123456789012345678901234567"
                           "890123456789012345678901234", NULL, NULL, &m),
                     PXE_ETOOLONG);
}

static void
test_macfile(void **state)
{
    char  out[PXE_MACFILE_LEN + 1];

    (void) state;
    assert_int_equal(pxe_macfile("52:54:00:AB:cd:0F", 17, out), PXE_OK);
    assert_string_equal(out, "52-54-00-ab-cd-0f");
    assert_int_equal(pxe_macfile("52-54-00-ab-cd-0f", 17, out), PXE_OK);
    assert_string_equal(out, "52-54-00-ab-cd-0f");
    assert_int_equal(pxe_macfile("52:54:00:ab:cd", 14, out), PXE_EINVAL);
    assert_int_equal(pxe_macfile("52:54:00:ab:cd:0f:11", 20, out),
                     PXE_EINVAL);
    assert_int_equal(pxe_macfile("52:54:00:ab:cd:0g", 17, out), PXE_EINVAL);
    assert_int_equal(pxe_macfile("../../etc/passwd", 16, out), PXE_EINVAL);
    assert_int_equal(pxe_macfile("52:54:00:ab:cd:0f/", 18, out), PXE_EINVAL);
    assert_int_equal(pxe_macfile("", 0, out), PXE_EINVAL);
    assert_string_equal(out, "");
}

static void
test_path_url_route(void **state)
{
    pxe_module_t  m;
    pxe_route_t   r;
    pxe_buf_t     b;
    char          mem[PXE_PATH_MAX + 1];
    const char   *u;

    (void) state;
    assert_int_equal(parse("n/${mac}/net.json", "name=/system/net.json",
                           NULL, NULL, &m), PXE_OK);
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    assert_int_equal(pxe_module_path(&m, MAC, &b), PXE_OK);
    assert_string_equal(b.data, "n/" MAC "/net.json");
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    assert_int_equal(pxe_module_path(&m, NULL, &b), PXE_EINVAL);
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    assert_int_equal(pxe_module_path(&m, "..", &b), PXE_EINVAL);
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    assert_int_equal(pxe_module_url(&m, MAC, &b), PXE_OK);
    assert_string_equal(b.data, "pxekit-node/" MAC "/system/net.json");

    assert_int_equal(pxe_route(b.data, b.len, &r), PXE_OK);
    assert_int_equal(r.kind, PXE_ROUTE_MODULE);
    assert_string_equal(r.node, MAC);
    assert_int_equal(r.module_len, strlen("system/net.json"));
    assert_memory_equal(r.module, "system/net.json", r.module_len);

    u = "pxekit-module/meta.json";
    assert_int_equal(pxe_route(u, strlen(u), &r), PXE_OK);
    assert_int_equal(r.kind, PXE_ROUTE_MODULE);
    assert_string_equal(r.node, "");
    assert_memory_equal(r.module, "meta.json", r.module_len);

    /* one URL per node and file: no other MAC form, no traversal */
    u = "pxekit-node/52:54:00:00:00:01/net.json";
    assert_int_equal(pxe_route(u, strlen(u), &r), PXE_ENOENT);
    u = "pxekit-node/52-54-00-00-00-0A/net.json";
    assert_int_equal(pxe_route(u, strlen(u), &r), PXE_ENOENT);
    u = "pxekit-node/" MAC "/";
    assert_int_equal(pxe_route(u, strlen(u), &r), PXE_EEMPTYSEG);
    u = "pxekit-node/" MAC "/../x";
    assert_int_equal(pxe_route(u, strlen(u), &r), PXE_EDOTDOT);
    u = "pxekit-node/../" MAC "/x";
    assert_int_equal(pxe_route(u, strlen(u), &r), PXE_EDOTDOT);
    u = "pxekit-module/../menu.ipxe";
    assert_int_equal(pxe_route(u, strlen(u), &r), PXE_EDOTDOT);
    u = "pxekit-module/";
    assert_int_equal(pxe_route(u, strlen(u), &r), PXE_EEMPTYSEG);
    u = "pxekit-module//x";
    assert_int_equal(pxe_route(u, strlen(u), &r), PXE_EEMPTYSEG);
    assert_int_equal(r.kind, 0);
}

static void
mkbuild(pxe_build_t *b, const char *name)
{
    memset(b, 0, sizeof(*b));
    strcpy(b->name, name);
    b->layout = PXE_LAYOUT_CANONICAL;
    b->bootable = 1;
    b->hash = 1;
}

static void
test_menu_lines(void **state)
{
    pxe_build_t      build;
    pxe_scan_t       scan = { &build, 1, PXE_STAMP_NONE, 0, 0, 0 };
    pxe_module_t     m[2];
    pxe_ipxe_opts_t  o;
    pxe_buf_t        out;
    size_t           base, without, with;
    const char      *tb = "module pxekit-module/system/boot/tinkerbell.json"
                          " type=file name=/system/boot/tinkerbell.json"
                          " || goto pxekit-failed\n";
    const char      *nw = "module pxekit-node/" MAC "/networking.json"
                          " type=file name=networking.json"
                          " || goto pxekit-failed\nboot ";

    (void) state;
    mkbuild(&build, NEW);
    assert_int_equal(parse("meta/tinkerbell.json",
                           "name=/system/boot/tinkerbell.json", NULL, NULL,
                           &m[0]), PXE_OK);
    assert_int_equal(parse("${mac}/networking.json", "name=networking.json",
                           "optional", NULL, &m[1]), PXE_OK);
    memset(&o, 0, sizeof(o));
    o.console = PXE_CONSOLE_TTYB;

    base = strlen("http://192.0.2.10/smartos/");
    assert_int_equal(pxe_ipxe_cmdline_max(&scan, &o, base, &without),
                     PXE_OK);

    o.modules = m;
    o.nmodules = 2;
    o.modules_present = 3;
    o.node = MAC;
    pxe_buf_init(&out, PXE_MENU_MAX, NULL);
    assert_int_equal(pxe_ipxe_menu(&scan, NULL, &o, &out), PXE_OK);
    /* after the hash in the normal entry, after the archive in rescue */
    assert_non_null(strstr(out.data, "boot_archive.hash type=hash"
                           " name=ramdisk || goto pxekit-failed\n"));
    assert_non_null(strstr(strstr(out.data, ".hash type=hash"), tb));
    assert_non_null(strstr(out.data, nw));
    assert_non_null(strstr(strstr(out.data, "\n:rescue-" NEW), nw));
    pxe_buf_free(&out);

    /* the budget counts each line: URL, a blank, the args and a NUL */
    assert_int_equal(pxe_ipxe_cmdline_max(&scan, &o, base, &with), PXE_OK);
    assert_int_equal(with - without,
                     base + strlen("pxekit-module/system/boot/tinkerbell.json"
                                   " type=file name=/system/boot/"
                                   "tinkerbell.json") + 1
                     + base + strlen("pxekit-node/" MAC "/networking.json"
                                     " type=file name=networking.json") + 1);

    /* optional and missing: the line goes, the entry boots */
    o.modules_present = 1;
    pxe_buf_init(&out, PXE_MENU_MAX, NULL);
    assert_int_equal(pxe_ipxe_menu(&scan, NULL, &o, &out), PXE_OK);
    assert_null(strstr(out.data, "networking.json"));
    assert_non_null(strstr(out.data, tb));
    assert_non_null(strstr(out.data, "\nkernel " NEW "/"));
    pxe_buf_free(&out);

    /* required and missing: the entry says so and does not boot */
    m[1].optional = 0;
    pxe_buf_init(&out, PXE_MENU_MAX, NULL);
    assert_int_equal(pxe_ipxe_menu(&scan, NULL, &o, &out), PXE_OK);
    assert_null(strstr(out.data, "\nkernel "));
    assert_non_null(strstr(out.data, "\n:" NEW "\nset pxekit-build " NEW "\n"
                           "echo pxekit: not booting " NEW ": module"
                           " networking.json (pxekit_module) is missing for"
                           " this node\ngoto pxekit-failed\n"));
    pxe_buf_free(&out);

    /* the per-build script: URLs relative to <build>/smartos.ipxe */
    m[1].optional = 1;
    o.modules_present = 3;
    pxe_buf_init(&out, PXE_SCRIPT_MAX, NULL);
    assert_int_equal(pxe_ipxe_script(&build, &o, &out), PXE_OK);
    assert_non_null(strstr(out.data, "\nmodule ../pxekit-node/" MAC
                           "/networking.json "));
    pxe_buf_free(&out);
    pxe_buf_init(&out, PXE_SCRIPT_MAX, NULL);
    assert_int_equal(pxe_ipxe_boot_now(&build, &o, &out), PXE_OK);
    assert_non_null(strstr(out.data, "\nmodule pxekit-node/" MAC
                           "/networking.json "));
    assert_non_null(strstr(out.data, "\nkernel " NEW "/platform/"));
    pxe_buf_free(&out);

    /* a node that is no "aa-bb-.." text, or too many modules: refused */
    o.node = "52:54:00:00:00:01";
    pxe_buf_init(&out, PXE_MENU_MAX, NULL);
    assert_int_equal(pxe_ipxe_menu(&scan, NULL, &o, &out), PXE_EINVAL);
    o.node = MAC;
    o.nmodules = PXE_MODULES_MAX + 1;
    pxe_buf_init(&out, PXE_MENU_MAX, NULL);
    assert_int_equal(pxe_ipxe_menu(&scan, NULL, &o, &out), PXE_EINVAL);
}

static void
test_local_script(void **state)
{
    pxe_buf_t  out;

    (void) state;
    pxe_buf_init(&out, PXE_SCRIPT_MAX, NULL);
    assert_int_equal(pxe_ipxe_local(&out), PXE_OK);
    assert_string_equal(out.data, "#!ipxe\n"
                        "# pxekit: local disk (pxekit_hosts)\n"
                        "sanboot --no-describe --drive 0x80 || exit 1\n");
    pxe_buf_free(&out);
}

static void
test_check_file(void **state)
{
    char  *dir, path[600], link[600];

    (void) state;
    dir = fixture_tmpdir();
    assert_non_null(dir);
    snprintf(path, sizeof(path), "%s/" MAC, dir);
    assert_int_equal(fixture_mkdirs(path), 0);
    snprintf(path, sizeof(path), "%s/" MAC "/net.json", dir);
    assert_int_equal(fixture_text(path, "{}"), 0);
    assert_int_equal(pxe_module_check_file(dir, MAC "/net.json"), PXE_OK);
    assert_int_equal(pxe_module_check_file(dir, MAC "/none.json"),
                     PXE_ENOENT);
    assert_int_equal(pxe_module_check_file(dir, MAC), PXE_ENOTREG);
    assert_int_equal(pxe_module_check_file(dir, "../x"), PXE_EINVAL);
    /* a symlink that stays inside is followed, one that leaves is not */
    snprintf(link, sizeof(link), "%s/inside.json", dir);
    assert_int_equal(symlink(MAC "/net.json", link), 0);
    assert_int_equal(pxe_module_check_file(dir, "inside.json"), PXE_OK);
    snprintf(link, sizeof(link), "%s/outside.json", dir);
    assert_int_equal(symlink("/etc/hostname", link), 0);
    assert_int_equal(pxe_module_check_file(dir, "outside.json"),
                     access("/etc/hostname", F_OK) == 0 ? PXE_ESYMLINK
                                                        : PXE_ENOENT);
    assert_int_equal(fixture_rmtree(dir), 0);
    free(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_macfile),
        cmocka_unit_test(test_path_url_route),
        cmocka_unit_test(test_menu_lines),
        cmocka_unit_test(test_local_script),
        cmocka_unit_test(test_check_file),
    };

    return PXE_RUN_TESTS(tests);
}
