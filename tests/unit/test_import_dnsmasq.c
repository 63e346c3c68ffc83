/*
 * test_import_dnsmasq.c: dnsmasq's boot lines as the hook's rules (exact
 * output): tags as conditions, tagged lines (even only negated) before
 * untagged, the last written first, option 67 over the boot file; notes
 * and errors with their exact texts.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static pxe_import_t *
import(const char *conf, const char *ns, int status, const char *errmsg)
{
    pxe_import_t       *im = NULL;
    pxe_import_opts_t   opts = { ns };
    pxe_buf_t           err;
    const char         *name = "d.conf";
    size_t              len = strlen(conf);

    pxe_buf_init(&err, 4096, NULL);
    assert_int_equal(pxe_import_dnsmasq(&im, 1, &name, &conf, &len, &opts,
                                        &err), status);
    if (errmsg != NULL) {
        assert_string_equal(err.data, errmsg);
    }
    pxe_buf_free(&err);
    return im;
}

static void
test_order_and_tags(void **state)
{
    pxe_import_t  *im;
    pxe_buf_t      out;

    (void) state;
    im = import("dhcp-match=set:efi,option:client-arch,7\n"
                "dhcp-userclass=set:ipxe,iPXE\n"
                "dhcp-boot=tag:efi,a.efi,,10.0.0.1\n"
                "dhcp-boot=tag:!ipxe,b.kpxe,,10.0.0.1\n"
                "dhcp-boot=c.kpxe,boot,10.0.0.2\n"
                "dhcp-option=tag:ipxe,67,\"http://x/menu.ipxe\"  # menu\n"
                "pxe-service=x86PC,\"Boot\",pxelinux\n"
                "dhcp-match=set:x,60,PXEClient\n"
                "frobnicate\n", NULL, PXE_OK, NULL);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_params(im, &out), PXE_OK);
    assert_string_equal(out.data,
        "{\n"
        "  \"next-server\": \"0.0.0.0\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"arch\": 7, \"user-class\": \"^(?=[\\\\s\\\\S]*iPXE)\", "
        "\"boot-file\": \"http://x/menu.ipxe\", \"next-server\": "
        "\"10.0.0.1\"},\n"
        "    {\"user-class\": \"^(?=[\\\\s\\\\S]*iPXE)\", \"boot-file\": "
        "\"http://x/menu.ipxe\", \"server-hostname\": \"boot\", "
        "\"next-server\": \"10.0.0.2\"},\n"
        "    {\"boot-file\": \"b.kpxe\", \"next-server\": \"10.0.0.1\"}\n"
        "  ]\n"
        "}\n");
    assert_int_equal(pxe_import_nnotes(im), 3);
    assert_string_equal(pxe_import_note(im, 0),
                        "d.conf:7: not translated: pxe-service");
    assert_string_equal(pxe_import_note(im, 1),
                        "d.conf:8: not translated: dhcp-match on 60 (only "
                        "client-arch with a number, 175 present)");
    assert_string_equal(pxe_import_note(im, 2),
                        "d.conf:9: not translated: 'frobnicate'");
    pxe_buf_free(&out);
    pxe_import_free(im);
}

/* Option 66 lines: chosen among themselves (tagged first, last written
 * first), the server name only, over the boot line's. */
static void
test_option66(void **state)
{
    pxe_import_t  *im;
    pxe_buf_t      out;

    (void) state;
    im = import("dhcp-match=set:efi,option:client-arch,7\n"
                "dhcp-boot=a.kpxe,boot,10.0.0.1\n"
                "dhcp-option=66,t1\n"
                "dhcp-option=tag:efi,66,10.0.0.7\n"
                "dhcp-option-force=tag:efi,option:tftp-server,\"t3\"\n",
                NULL, PXE_OK, NULL);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_params(im, &out), PXE_OK);
    assert_string_equal(out.data,
        "{\n"
        "  \"next-server\": \"0.0.0.0\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"arch\": 7, \"boot-file\": \"a.kpxe\", \"server-hostname\": "
        "\"t3\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"boot-file\": \"a.kpxe\", \"server-hostname\": \"t1\", "
        "\"next-server\": \"10.0.0.1\"}\n"
        "  ]\n"
        "}\n");
    assert_int_equal(pxe_import_nnotes(im), 0);
    pxe_buf_free(&out);
    pxe_import_free(im);
    assert_null(import("dhcp-option=66,\"\"\n", NULL, PXE_ESYNTAX,
                       "d.conf:1: option 66 without a value"));
}

/* Hosts by MAC, ranges by subnet, tag-if; the Kea side of both. */
static void
test_hosts_ranges(void **state)
{
    pxe_import_t  *im;
    pxe_buf_t      out;

    (void) state;
    im = import("dhcp-host=52:54:00:00:0d:01,set:special,10.0.1.21\n"
                "dhcp-range=set:b,10.0.1.100,10.0.1.150,255.255.255.0,1h\n"
                "tag-if=set:late,tag:special,tag:b\n"
                "dhcp-boot=tag:late,special.kpxe\n"
                "dhcp-boot=undionly.kpxe\n", "10.0.0.1", PXE_OK, NULL);
    assert_int_equal(pxe_import_nnotes(im), 0);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_params(im, &out), PXE_OK);
    assert_string_equal(out.data,
        "{\n"
        "  \"next-server\": \"10.0.0.1\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"mac\": \"^52:54:00:00:0d:01$\", \"subnet\": \"10.0.1.0/24\", "
        "\"boot-file\": \"special.kpxe\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"boot-file\": \"undionly.kpxe\", \"next-server\": "
        "\"10.0.0.1\"}\n"
        "  ]\n"
        "}\n");
    pxe_buf_reset(&out);
    assert_int_equal(pxe_import_kea(im, "/h.so", &out), PXE_OK);
    assert_non_null(strstr(out.data, "\"subnet\": \"10.0.1.0/24\",\n"
                           "          \"pools\": [{\"pool\": \"10.0.1.100 - "
                           "10.0.1.150\"}]"));
    assert_non_null(strstr(out.data, "{\"hw-address\": \"52:54:00:00:0d:01\","
                           " \"ip-address\": \"10.0.1.21\"}"));
    pxe_buf_free(&out);
    pxe_import_free(im);
}

static void
test_errors(void **state)
{
    char  *line;

    (void) state;
    assert_null(import("dhcp-boot=tag:x\n", NULL, PXE_ESYNTAX,
                       "d.conf:1: dhcp-boot without a file"));
    assert_null(import("\n\ndhcp-option=67\n", NULL, PXE_ESYNTAX,
                       "d.conf:3: option 67 without a value"));
    line = calloc(1, 5000);
    assert_non_null(line);
    memset(line, 'a', 4999);
    assert_null(import(line, NULL, PXE_ESYNTAX,
                       "d.conf:1: line longer than 4095 bytes"));
    free(line);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_tags),
        cmocka_unit_test(test_hosts_ranges),
        cmocka_unit_test(test_option66),
        cmocka_unit_test(test_errors),
    };

    return PXE_RUN_TESTS(tests);
}
