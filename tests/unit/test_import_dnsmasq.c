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
                "dhcp-match=set:x,97,7\n"
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
                        "d.conf:7: not translated: pxe-service: dnsmasq "
                        "answers with its own address (give --next-server)");
    assert_string_equal(pxe_import_note(im, 1),
                        "d.conf:8: not translated: dhcp-match on 97 with a "
                        "number (dnsmasq looks for it in every element of "
                        "the option; Kea's expressions cannot search)");
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

/* pxe-service: the item a PXE ROM boots unattended (its arch's first,
 * over the boot lines, without their sname), the rest reported. */
static void
test_pxe_service(void **state)
{
    static const char *const notes[] = {
        "d.conf:5: not translated: pxe-service: a later menu item: the "
        "first boots unattended",
        "d.conf:6: not translated: pxe-service: dnsmasq answers a UEFI "
        "arch's single service only as a proxy or on port 4011: its offer "
        "has no menu, the dhcp-boot lines decide",
        "d.conf:8: not translated: pxe-service: a later menu item: the "
        "first boots unattended",
        "d.conf:9: not translated: pxe-service: a menu item without a boot "
        "file (local boot or a boot server type)",
        "d.conf:10: not translated: pxe-service: a menu item without a boot "
        "file (local boot or a boot server type)",
        "d.conf:11: not translated: pxe-service: a boot server by name "
        "(dnsmasq looks it up in its hosts)",
        "d.conf:12: not translated: pxe-service: a later menu item: the "
        "first boots unattended"
    };
    pxe_import_t  *im;
    pxe_buf_t      out;
    size_t         i;

    (void) state;
    im = import("dhcp-userclass=set:ipxe,iPXE\n"
                "dhcp-boot=undionly.kpxe,boot,10.0.0.2\n"
                "pxe-service=tag:!ipxe,x86PC,\"Boot\",pxelinux\n"
                "pxe-service=7,\"A\",a.efi,10.0.0.7\n"
                "pxe-service=7,\"B\",b.efi\n"
                "pxe-service=BC_EFI,\"C\",c.efi\n"
                "pxe-service=ia32_efi,\"D\",d\n"
                "pxe-service=IA32_EFI,\"E\",e\n"
                "pxe-service=ARM64_EFI,\"L\"\n"
                "pxe-service=ARM64_EFI,\"F\",f.efi\n"
                "pxe-service=ARM32_EFI,\"G\",g,boot.example.test\n"
                "pxe-service=ARM32_EFI,\"H\",h\n"
                "pxe-prompt=\"Press F8\",5\n", "10.0.0.1", PXE_OK, NULL);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_params(im, &out), PXE_OK);
    assert_string_equal(out.data,
        "{\n"
        "  \"next-server\": \"10.0.0.1\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"arch\": 6, \"vendor-class\": \"^PXEClient\", \"boot-file\": "
        "\"d.0\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"arch\": 7, \"vendor-class\": \"^PXEClient\", \"boot-file\": "
        "\"a.efi\", \"next-server\": \"10.0.0.7\"},\n"
        "    {\"user-class\": \"^(?=[\\\\s\\\\S]*iPXE)\", \"vendor-class\": "
        "\"^PXEClient\", \"boot-file\": \"undionly.kpxe\", "
        "\"server-hostname\": \"boot\", \"next-server\": \"10.0.0.2\"},\n"
        "    {\"arch\": 0, \"vendor-class\": \"^PXEClient\", \"boot-file\": "
        "\"pxelinux.0\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"boot-file\": \"undionly.kpxe\", \"server-hostname\": "
        "\"boot\", \"next-server\": \"10.0.0.2\"}\n"
        "  ]\n"
        "}\n");
    assert_int_equal(pxe_import_nnotes(im), sizeof(notes) / sizeof(notes[0]));
    for (i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
        assert_string_equal(pxe_import_note(im, i), notes[i]);
    }
    pxe_buf_free(&out);
    pxe_import_free(im);

    /* Several items and no prompt, or a prompt without a timeout: the
     * ROM waits for a choice; a tagged prompt, a tagged item among
     * several: reported too. */
    im = import("pxe-service=x86PC,\"A\",a\npxe-service=x86PC,\"B\",b\n",
                "10.0.0.1", PXE_OK, NULL);
    assert_int_equal(pxe_import_nnotes(im), 2);
    assert_string_equal(pxe_import_note(im, 1),
                        "d.conf:2: not translated: pxe-service: the menu "
                        "waits for the user's choice (a pxe-prompt with a "
                        "timeout boots its first item)");
    pxe_import_free(im);
    im = import("pxe-service=x86PC,\"A\",a\npxe-prompt=\"P\"\n", "10.0.0.1",
                PXE_OK, NULL);
    assert_int_equal(pxe_import_nnotes(im), 1);
    assert_string_equal(pxe_import_note(im, 0),
                        "d.conf:1: not translated: pxe-service: the menu "
                        "waits for the user's choice (a pxe-prompt with a "
                        "timeout boots its first item)");
    pxe_import_free(im);
    im = import("pxe-service=x86PC,\"A\",a\npxe-prompt=tag:x,\"P\",0\n",
                "10.0.0.1", PXE_OK, NULL);
    assert_int_equal(pxe_import_nnotes(im), 1);
    assert_string_equal(pxe_import_note(im, 0),
                        "d.conf:1: not translated: pxe-service: several or "
                        "tagged pxe-prompt lines");
    pxe_import_free(im);
    im = import("pxe-prompt=\"P\",3\npxe-service=x86PC,\"A\",a\n"
                "pxe-service=tag:x,x86PC,\"B\",b\n", "10.0.0.1", PXE_OK,
                NULL);
    assert_int_equal(pxe_import_nnotes(im), 2);
    assert_string_equal(pxe_import_note(im, 0),
                        "d.conf:2: not translated: pxe-service: tagged items "
                        "in a menu of several (which item is first depends "
                        "on the client)");
    pxe_import_free(im);

    assert_null(import("pxe-service=Foo,\"A\",a\n", NULL, PXE_ESYNTAX,
                       "d.conf:1: pxe-service with an unknown arch"));
    assert_null(import("pxe-service=tag:x,x86PC\n", NULL, PXE_ESYNTAX,
                       "d.conf:1: pxe-service without an arch and a menu "
                       "text"));
    assert_null(import("pxe-prompt=tag:x\n", NULL, PXE_ESYNTAX,
                       "d.conf:1: pxe-prompt without a prompt"));
}

/* dhcp-match on 77 (present, a text) and 60 (a text): found anywhere
 * in the option, as dnsmasq's match_bytes finds it; hex dnsmasq would
 * misread and numbers are reported. */
static void
test_match_text(void **state)
{
    pxe_import_t  *im;
    pxe_buf_t      out;

    (void) state;
    im = import("dhcp-match=set:uc,77\n"
                "dhcp-match=set:ipxe,option:user-class,iPXE\n"
                "dhcp-match=set:pxe,60,PXEClient\n"
                "dhcp-match=set:hex,60,505:58:45\n"
                "dhcp-match=set:num,option:vendor-class,123\n"
                "dhcp-boot=tag:pxe,a\n"
                "dhcp-boot=tag:uc,b\n"
                "dhcp-boot=tag:ipxe,c\n", "10.0.0.1", PXE_OK, NULL);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_params(im, &out), PXE_OK);
    assert_string_equal(out.data,
        "{\n"
        "  \"next-server\": \"10.0.0.1\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"user-class\": \"^(?=[\\\\s\\\\S]*iPXE)\", \"boot-file\": "
        "\"c\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"user-class\": \"^\", \"boot-file\": \"b\", \"next-server\": "
        "\"10.0.0.1\"},\n"
        "    {\"vendor-class\": \"^(?=[\\\\s\\\\S]*PXEClient)\", "
        "\"boot-file\": \"a\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"next-server\": \"10.0.0.1\"}\n"
        "  ]\n"
        "}\n");
    assert_int_equal(pxe_import_nnotes(im), 2);
    assert_string_equal(pxe_import_note(im, 0),
                        "d.conf:4: not translated: dhcp-match on 60 with "
                        "'505:58:45' (hex dnsmasq would misread)");
    assert_string_equal(pxe_import_note(im, 1),
                        "d.conf:5: not translated: dhcp-match on 60 with a "
                        "number (dnsmasq looks for it in every element of "
                        "the option; Kea's expressions cannot search)");
    pxe_buf_free(&out);
    pxe_import_free(im);
}

/* dhcp-match beyond the hook's keys: hex (the option starts with it, "*"
 * any byte) and presence of other options as Kea classes the rules name
 * (a rule needing two: one class testing both); identical tests share a
 * class, another test under a used name gets "-2"; a tag Kea cannot
 * quote gets the bare prefix.  Without --kea-config each is reported;
 * what Kea cannot say (searches, misread hex, address options) always. */
static void
test_match_classes(void **state)
{
    pxe_import_t  *im;
    pxe_buf_t      out;

    (void) state;
    im = import("dhcp-match=set:vc,60\n"
                "dhcp-match=set:efi,93,00:07\n"
                "dhcp-match=set:nic,option:client-interface-id,01:*:*\n"
                "dhcp-match=set:guid,97\n"
                "dhcp-match=set:again,93,00:07\n"
                "dhcp-match=set:efi,93,00:09\n"
                "dhcp-match=set:x/y,97,00:*:01\n"
                "dhcp-match=set:host,12,01:02\n"
                "dhcp-match=set:ad,option:requested-address,10.0.0.1\n"
                "dhcp-match=set:wild,93,*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:"
                "*:*:*:*:*:*:*:*:*:*:*:*:*:*:*\n"
                "dhcp-match=set:v,vi-encap:3561,x\n"
                "dhcp-boot=tag:vc,c.kpxe\n"
                "dhcp-boot=tag:again,a.efi\n"
                "dhcp-boot=tag:guid,tag:nic,b.efi\n", "10.0.0.1", PXE_OK,
                NULL);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_params(im, &out), PXE_OK);
    assert_string_equal(out.data,
        "{\n"
        "  \"next-server\": \"10.0.0.1\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"class\": \"dnsmasq-match-nic+dnsmasq-match-guid\", "
        "\"boot-file\": \"b.efi\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"class\": \"dnsmasq-match-efi+dnsmasq-match-guid\", "
        "\"boot-file\": \"a.efi\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"class\": \"dnsmasq-match-guid\", \"vendor-class\": \"^\", "
        "\"boot-file\": \"c.kpxe\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"class\": \"dnsmasq-match-guid\", \"next-server\": "
        "\"10.0.0.1\"},\n"
        "    {\"class\": \"dnsmasq-match-efi+dnsmasq-match-nic\", "
        "\"boot-file\": \"a.efi\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"class\": \"dnsmasq-match-nic\", \"vendor-class\": \"^\", "
        "\"boot-file\": \"c.kpxe\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"class\": \"dnsmasq-match-nic\", \"next-server\": "
        "\"10.0.0.1\"},\n"
        "    {\"class\": \"dnsmasq-match-efi\", \"boot-file\": \"a.efi\", "
        "\"next-server\": \"10.0.0.1\"},\n"
        "    {\"vendor-class\": \"^\", \"boot-file\": \"c.kpxe\", "
        "\"next-server\": \"10.0.0.1\"},\n"
        "    {\"next-server\": \"10.0.0.1\"}\n"
        "  ]\n"
        "}\n");
    assert_int_equal(pxe_import_nnotes(im), 10);
    assert_int_equal(pxe_import_note_kea(im, 0), 2);
    assert_string_equal(pxe_import_note(im, 0),
                        "d.conf:2: not translated: dhcp-match on 93 is Kea "
                        "client class 'dnsmasq-match-efi', which only the "
                        "--kea-config output defines");
    assert_string_equal(pxe_import_note(im, 4),
                        "d.conf:6: not translated: dhcp-match on 93 is Kea "
                        "client class 'dnsmasq-match-efi-2', which only the "
                        "--kea-config output defines");
    assert_int_equal(pxe_import_note_kea(im, 6), 0);
    assert_string_equal(pxe_import_note(im, 6),
                        "d.conf:8: not translated: dhcp-match on 12 with a "
                        "text (dnsmasq looks for it anywhere in the option; "
                        "Kea's expressions cannot search)");
    assert_string_equal(pxe_import_note(im, 7),
                        "d.conf:9: not translated: dhcp-match on 50 with a "
                        "value (dnsmasq reads it as addresses)");
    assert_string_equal(pxe_import_note(im, 8),
                        "d.conf:10: not translated: dhcp-match on 93 with "
                        "'*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:"
                        "*:*:*:*:*:*:*:*' (hex dnsmasq would misread)");
    assert_string_equal(pxe_import_note(im, 9),
                        "d.conf:11: not translated: dhcp-match on "
                        "'vi-encap:3561' (only an option number or "
                        "option:NAME of a client option)");
    pxe_buf_reset(&out);
    assert_int_equal(pxe_import_kea(im, "h.so", &out), PXE_OK);
    assert_non_null(strstr(out.data,
        "    \"client-classes\": [\n"
        "      {\"name\": \"dnsmasq-match-efi\", \"test\": "
        "\"substring(option[93].hex,0,2) == 0x0007\"},\n"
        "      {\"name\": \"dnsmasq-match-nic\", \"test\": "
        "\"substring(option[94].hex,0,1) == 0x01 and not "
        "(substring(option[94].hex,2,1) == '')\"},\n"
        "      {\"name\": \"dnsmasq-match-guid\", \"test\": "
        "\"not (option[97].hex == '')\"},\n"
        "      {\"name\": \"dnsmasq-match-efi-2\", \"test\": "
        "\"substring(option[93].hex,0,2) == 0x0009\"},\n"
        "      {\"name\": \"dnsmasq-match\", \"test\": "
        "\"substring(option[97].hex,0,1) == 0x00 and "
        "substring(option[97].hex,2,1) == 0x01\"},\n"
        "      {\"name\": \"dnsmasq-match-nic+dnsmasq-match-guid\", "
        "\"test\": \"member('dnsmasq-match-nic') and "
        "member('dnsmasq-match-guid')\"},\n"));
    pxe_buf_free(&out);
    pxe_import_free(im);
}

/* dhcp-host with tag: (dnsmasq looks the host up once its dhcp-match
 * tags are set): the host's set: tag and "known" hold for its MAC when
 * the filter does; a filter on a tag set later, a MAC named twice and an
 * address are reported. */
static void
test_host_tags(void **state)
{
    pxe_import_t  *im;
    pxe_buf_t      out;

    (void) state;
    im = import("dhcp-match=set:efi,option:client-arch,7\n"
                "dhcp-range=set:lab,10.0.0.10,10.0.0.20,255.255.255.0\n"
                "dhcp-host=tag:efi,52:54:00:00:00:07,set:rack\n"
                "dhcp-host=tag:known,52:54:00:00:00:09,set:x\n"
                "dhcp-host=tag:lab,52:54:00:00:00:0a\n"
                "dhcp-host=tag:efi,52:54:00:00:00:11,10.0.0.30\n"
                "dhcp-host=52:54:00:00:00:11,set:y\n"
                "dhcp-host=tag:!efi,52:54:00:00:00:12,10.0.0.31\n"
                "dhcp-boot=tag:known,k\n"
                "dhcp-boot=tag:rack,r\n", "10.0.0.1", PXE_OK, NULL);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_params(im, &out), PXE_OK);
    assert_string_equal(out.data,
        "{\n"
        "  \"next-server\": \"10.0.0.1\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"arch\": 7, \"mac\": \"^52:54:00:00:00:07$\", \"boot-file\": "
        "\"r\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"arch\": 7, \"mac\": \"^52:54:00:00:00:11$\", \"boot-file\": "
        "\"k\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"arch\": 7, \"next-server\": \"10.0.0.1\"},\n"
        "    {\"mac\": \"^52:54:00:00:00:07$\", \"next-server\": "
        "\"10.0.0.1\"},\n"
        "    {\"mac\": \"^52:54:00:00:00:11$\", \"boot-file\": \"k\", "
        "\"next-server\": \"10.0.0.1\"},\n"
        "    {\"mac\": \"^52:54:00:00:00:12$\", \"boot-file\": \"k\", "
        "\"next-server\": \"10.0.0.1\"},\n"
        "    {\"next-server\": \"10.0.0.1\"}\n"
        "  ]\n"
        "}\n");
    assert_int_equal(pxe_import_nnotes(im), 4);
    assert_string_equal(pxe_import_note(im, 0),
                        "d.conf:4: not translated: dhcp-host with tag:known "
                        "(dnsmasq looks up hosts before it sets that tag)");
    assert_string_equal(pxe_import_note(im, 1),
                        "d.conf:5: not translated: dhcp-host with tag:lab "
                        "(dnsmasq looks up hosts before it sets that tag)");
    assert_string_equal(pxe_import_note(im, 2),
                        "d.conf:6: not translated: dhcp-host with tag: for a "
                        "MAC another dhcp-host names (line 7)");
    assert_string_equal(pxe_import_note(im, 3),
                        "d.conf:8: not translated: dhcp-host with tag: and an "
                        "address (a Kea reservation holds for the MAC "
                        "whatever the tags)");
    pxe_buf_free(&out);
    pxe_import_free(im);
}

/* Tagged ranges (--kea-config): a pool for a class of the range's tags,
 * the untagged ones for the clients none admits; overlapping tags and
 * tests Kea cannot make are reported, the range left open. */
static void
test_range_tags(void **state)
{
    pxe_import_t  *im;
    pxe_buf_t      out;

    (void) state;
    im = import("dhcp-match=set:efi,option:client-arch,7\n"
                "dhcp-host=52:54:00:00:0d:01,10.0.1.21\n"
                "dhcp-range=10.0.1.100,10.0.1.150\n"
                "dhcp-range=tag:efi,10.0.1.200,10.0.1.220\n"
                "dhcp-range=tag:!efi,tag:known,10.0.1.230,10.0.1.240\n"
                "dhcp-range=tag:efi,10.0.4.10,10.0.4.20\n",
                "10.0.0.1", PXE_OK, NULL);
    assert_int_equal(pxe_import_nnotes(im), 0);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_kea(im, "/h.so", &out), PXE_OK);
    assert_non_null(strstr(out.data,
        "      {\"name\": \"dnsmasq-range-4\", \"test\": \"(option[93].hex "
        "== 0x0007)\"},\n"
        "      {\"name\": \"dnsmasq-range-5\", \"test\": \"(not "
        "((option[93].hex == 0x0007) and (pkt4.mac == 0x525400000d01))) "
        "and ((not ((option[93].hex == 0x0007))) and ((pkt4.mac == "
        "0x525400000d01)))\"},\n"
        "      {\"name\": \"dnsmasq-untagged-0\", \"test\": \"(not "
        "((option[93].hex == 0x0007) and (pkt4.mac == 0x525400000d01))) "
        "and ((not ((option[93].hex == 0x0007))) and (not ((pkt4.mac == "
        "0x525400000d01))))\"},\n"
        "      {\"name\": \"dnsmasq-range-6\""));
    assert_non_null(strstr(out.data,
        "\"pools\": [{\"pool\": \"10.0.1.200 - 10.0.1.220\", "
        "\"client-class\": \"dnsmasq-range-4\"}, {\"pool\": \"10.0.1.230 - "
        "10.0.1.240\", \"client-class\": \"dnsmasq-range-5\"}, {\"pool\": "
        "\"10.0.1.100 - 10.0.1.150\", \"client-class\": "
        "\"dnsmasq-untagged-0\"}]"));
    assert_null(strstr(out.data, "dnsmasq-untagged-1"));
    pxe_buf_free(&out);
    pxe_import_free(im);

    im = import("dhcp-match=set:efi,option:client-arch,7\n"
                "dhcp-userclass=set:ipxe,iPXE\n"
                "dhcp-range=tag:efi,10.0.1.200,10.0.1.220\n"
                "dhcp-range=tag:efi,10.0.1.230,10.0.1.240\n"
                "dhcp-range=tag:ipxe,10.0.2.10,10.0.2.20\n",
                "10.0.0.1", PXE_OK, NULL);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_kea(im, "/h.so", &out), PXE_OK);
    assert_null(strstr(out.data, "client-class"));
    assert_int_equal(pxe_import_nnotes(im), 3);
    assert_string_equal(pxe_import_note(im, 1),
                        "d.conf:4: not translated (--kea-config): dhcp-range "
                        "for tags: tagged ranges that admit the same client; "
                        "its range is open to all");
    assert_string_equal(pxe_import_note(im, 2),
                        "d.conf:5: not translated (--kea-config): dhcp-range "
                        "for tags: a tag Kea cannot test before it chooses a "
                        "pool (a subnet's or a substring's); its range is "
                        "open to all");
    pxe_buf_free(&out);
    pxe_import_free(im);
}

/* tag-if runs after every setter wherever it is written, the lines in
 * their order: a tag a later tag-if sets is not yet there; wildcards are
 * reported. */
static void
test_tag_if_order(void **state)
{
    pxe_import_t  *im;
    pxe_buf_t      out;

    (void) state;
    im = import("tag-if=set:late,tag:any\n"
                "tag-if=set:any,tag:efi\n"
                "tag-if=set:w,tag:ef*\n"
                "dhcp-match=set:efi,option:client-arch,7\n"
                "dhcp-boot=tag:any,x.efi\n"
                "dhcp-boot=tag:late,never.efi\n", "10.0.0.1", PXE_OK, NULL);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_params(im, &out), PXE_OK);
    assert_string_equal(out.data,
        "{\n"
        "  \"next-server\": \"10.0.0.1\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"arch\": 7, \"boot-file\": \"x.efi\", \"next-server\": "
        "\"10.0.0.1\"},\n"
        "    {\"next-server\": \"10.0.0.1\"}\n"
        "  ]\n"
        "}\n");
    assert_int_equal(pxe_import_nnotes(im), 1);
    assert_string_equal(pxe_import_note(im, 0),
                        "d.conf:3: not translated: tag-if field 'tag:ef*'");
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
        cmocka_unit_test(test_pxe_service),
        cmocka_unit_test(test_match_text),
        cmocka_unit_test(test_match_classes),
        cmocka_unit_test(test_host_tags),
        cmocka_unit_test(test_range_tags),
        cmocka_unit_test(test_tag_if_order),
        cmocka_unit_test(test_errors),
    };

    return PXE_RUN_TESTS(tests);
}
