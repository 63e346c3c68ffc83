/*
 * test_import_dhcpd.c: dhcpd.conf into the hook's rules (exact output),
 * Kea configs, parse errors and untranslated statements (exact texts),
 * and the bounds (size, nesting, combinations).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static pxe_import_t *
import(const char *conf, const char *ns)
{
    pxe_import_t       *im = NULL;
    pxe_import_opts_t   opts = { ns };
    pxe_buf_t           err;
    int                 rc;

    pxe_buf_init(&err, 4096, NULL);
    rc = pxe_import_dhcpd(&im, "t.conf", conf, strlen(conf), &opts, &err);
    if (rc != PXE_OK) {
        print_error("import: %s\n", err.data ? err.data : "");
    }
    assert_int_equal(rc, PXE_OK);
    pxe_buf_free(&err);
    return im;
}

static void
expect_params(const char *conf, const char *want, size_t nnotes)
{
    pxe_import_t  *im = import(conf, NULL);
    pxe_buf_t      out;

    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_params(im, &out), PXE_OK);
    assert_string_equal(out.data, want);
    assert_int_equal(pxe_import_nnotes(im), nnotes);
    pxe_buf_free(&out);
    pxe_import_free(im);
}

static void
expect_error(const char *conf, size_t len, int status, const char *msg)
{
    pxe_import_t  *im = (pxe_import_t *) 1;
    pxe_buf_t      err;

    pxe_buf_init(&err, 4096, NULL);
    assert_int_equal(pxe_import_dhcpd(&im, "t.conf", conf, len, NULL, &err),
                     status);
    assert_null(im);
    assert_string_equal(err.data, msg);
    pxe_buf_free(&err);
}

static void
test_smartos_docs(void **state)
{
    (void) state;
    expect_params(
        "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
        "  range 10.0.0.100 10.0.0.150;\n"
        "  next-server 10.0.0.1;\n"
        "  if exists user-class and option user-class = \"iPXE\" {\n"
        "    filename \"http://10.0.0.1/smartos/menu.ipxe\";\n"
        "  } else {\n"
        "    filename \"undionly.kpxe\";\n"
        "  }\n"
        "}\n",
        "{\n"
        "  \"next-server\": \"0.0.0.0\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"user-class\": \"^iPXE$\", \"boot-file\": "
        "\"http://10.0.0.1/smartos/menu.ipxe\", \"next-server\": "
        "\"10.0.0.1\"},\n"
        "    {\"boot-file\": \"undionly.kpxe\", \"next-server\": "
        "\"10.0.0.1\"}\n"
        "  ]\n"
        "}\n", 0);
}

/* A host's statements beat its groups', the inner group's the outer's,
 * and all beat the subnet's; option 67 beats filename. */
static void
test_scoping(void **state)
{
    (void) state;
    expect_params(
        "option arch code 93 = unsigned integer 16;\n"
        "next-server 10.0.0.1;\n"
        "server-name \"boot\";\n"
        "subnet 10.0.0.0 netmask 255.255.255.0 { filename \"s.kpxe\"; }\n"
        "group {\n"
        "  next-server 10.0.0.5; filename \"outer\";\n"
        "  host o { hardware ethernet 52:54:00:00:0c:01; }\n"
        "  group {\n"
        "    filename \"inner\";\n"
        "    host i { hardware ethernet 52:54:00:00:0c:02;\n"
        "             option bootfile-name \"i67\";\n"
        "             if option arch = 00:07 { filename \"i.efi\"; } }\n"
        "  }\n"
        "}\n",
        "{\n"
        "  \"next-server\": \"10.0.0.1\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"mac\": \"^52:54:00:00:0c:01$\", \"boot-file\": \"outer\", "
        "\"server-hostname\": \"boot\", \"next-server\": \"10.0.0.5\"},\n"
        "    {\"mac\": \"^52:54:00:00:0c:02$\", \"boot-file\": \"i67\", "
        "\"server-hostname\": \"boot\", \"next-server\": \"10.0.0.5\"},\n"
        "    {\"boot-file\": \"s.kpxe\", \"server-hostname\": \"boot\", "
        "\"next-server\": \"10.0.0.1\"}\n"
        "  ]\n"
        "}\n", 0);
}

/* elsif chains, or/not/parentheses, substring, 175, classes and pools;
 * dhcpd reads "7" as the byte 0x07: never a 16-bit arch. */
static void
test_conditions(void **state)
{
    (void) state;
    expect_params(
        "option space ipxe;\n"
        "option ipxe-encap-opts code 175 = encapsulate ipxe;\n"
        "option ipxe.bus-id code 177 = string;\n"
        "option arch code 93 = unsigned integer 16;\n"
        "class \"efi\" { match if substring (option vendor-class-identifier,"
        " 0, 20) = \"PXEClient:Arch:00007\"; }\n"
        "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
        "  next-server 10.0.0.1;\n"
        "  pool { allow members of \"efi\"; filename \"pool-efi\"; }\n"
        "  if exists ipxe.bus-id { filename \"menu\"; }\n"
        "  elsif option arch = 7 { filename \"never\"; }\n"
        "  elsif not (option arch = 00:00 or option arch = encode-int(16, 16))"
        " { filename \"other\"; }\n"
        "}\n",
        "{\n"
        "  \"next-server\": \"0.0.0.0\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"option-175\": true, \"vendor-class\": "
        "\"^PXEClient\\\\:Arch\\\\:00007\", \"boot-file\": \"pool-efi\", "
        "\"next-server\": \"10.0.0.1\"},\n"
        "    {\"option-175\": true, \"boot-file\": \"menu\", "
        "\"next-server\": \"10.0.0.1\"},\n"
        "    {\"arch\": 0, \"vendor-class\": \"^PXEClient\\\\:Arch\\\\:00007\""
        ", \"boot-file\": \"pool-efi\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"arch\": 0, \"next-server\": \"10.0.0.1\"},\n"
        "    {\"arch\": 16, \"vendor-class\": \"^PXEClient\\\\:Arch\\\\:"
        "00007\", \"boot-file\": \"pool-efi\", \"next-server\": "
        "\"10.0.0.1\"},\n"
        "    {\"arch\": 16, \"next-server\": \"10.0.0.1\"},\n"
        "    {\"vendor-class\": \"^PXEClient\\\\:Arch\\\\:00007\", "
        "\"boot-file\": \"pool-efi\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"boot-file\": \"other\", \"next-server\": \"10.0.0.1\"}\n"
        "  ]\n"
        "}\n", 0);     /* --kea-config: a pool with client-class "efi" */
}

/* Bytes a pattern must escape: punctuation with \\, others as \\x{hh}
 * (found by the fuzzer: 6 bytes of pattern per byte of input); dhcpd's
 * string escapes \\xHH and \\OOO. */
static void
test_pattern_escapes(void **state)
{
    (void) state;
    expect_params(
        "next-server 10.0.0.1;\n"
        "if option user-class = \"a.\\x12\\x12\\x12\\x12\\x12\\x12\\x12\\x12\""
        " { filename \"f\"; }\n",
        "{\n"
        "  \"next-server\": \"10.0.0.1\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"user-class\": \"^a\\\\.\\\\x{12}\\\\x{12}\\\\x{12}\\\\x{12}"
        "\\\\x{12}\\\\x{12}\\\\x{12}\\\\x{12}$\", "
        "\"boot-file\": \"f\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"next-server\": \"10.0.0.1\"}\n"
        "  ]\n"
        "}\n", 0);
    expect_params(
        "next-server 10.0.0.1;\n"
        "if option user-class = \"\x12\x12\x12\x12\x12\x12\x12\x12\""
        " { filename \"f\"; }\n",
        "{\n"
        "  \"next-server\": \"10.0.0.1\",\n"
        "  \"option-67\": \"auto\",\n"
        "  \"rules\": [\n"
        "    {\"user-class\": \"^\\\\x{12}\\\\x{12}\\\\x{12}\\\\x{12}"
        "\\\\x{12}\\\\x{12}\\\\x{12}\\\\x{12}$\", "
        "\"boot-file\": \"f\", \"next-server\": \"10.0.0.1\"},\n"
        "    {\"next-server\": \"10.0.0.1\"}\n"
        "  ]\n"
        "}\n", 0);
}

static void
test_notes(void **state)
{
    pxe_import_t  *im;

    (void) state;
    im = import("next-server 10.0.0.1;\n"
                "log-facility local7;\n"
                "if known { filename \"k\"; }\n"
                "option tftp-server-name \"t\";\n"
                "frobnicate 3;\n"
                "next-server boot.example;\n", "10.0.0.9");
    assert_int_equal(pxe_import_nnotes(im), 4);
    assert_string_equal(pxe_import_note(im, 0), "t.conf:3: not translated: "
                        "condition (only exists user-class/vendor-class-"
                        "identifier/iPXE options, = on user-class, vendor-"
                        "class-identifier, substring of it, an option on "
                        "code 93; and, or, not); taken as false");
    assert_string_equal(pxe_import_note(im, 1), "t.conf:4: not translated: "
                        "option tftp-server-name (66): Kea option data, "
                        "--kea-config only");
    assert_int_equal(pxe_import_note_kea(im, 1), 2);
    assert_int_equal(pxe_import_note_kea(im, 0), 0);
    assert_string_equal(pxe_import_note(im, 2), "t.conf:5: not translated: "
                        "statement 'frobnicate'");
    assert_string_equal(pxe_import_note(im, 3), "t.conf:6: not translated: "
                        "next-server is not an IPv4 address");
    pxe_import_free(im);
}

static void
test_kea_config(void **state)
{
    pxe_import_t  *im;
    pxe_buf_t      out;

    (void) state;
    im = import("default-lease-time 600;\n"
                "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                "  range 10.0.0.10 10.0.0.20;\n"
                "  option routers 10.0.0.1;\n"
                "  next-server 10.0.0.1;\n"
                "  filename \"undionly.kpxe\";\n"
                "}\n"
                "host a { hardware ethernet 52:54:00:00:00:01; "
                "fixed-address 10.0.0.5; }\n", NULL);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_kea(im, "/h.so", &out), PXE_OK);
    assert_string_equal(out.data,
        "{\n"
        "  \"Dhcp4\": {\n"
        "    \"interfaces-config\": {\"interfaces\": [\"*\"]},\n"
        "    \"lease-database\": {\"type\": \"memfile\", \"lfc-interval\": "
        "3600},\n"
        "    \"valid-lifetime\": 600,\n"
        "    \"option-data\": [],\n"
        "    \"subnet4\": [\n"
        "        {\n"
        "          \"id\": 1,\n"
        "          \"subnet\": \"10.0.0.0/24\",\n"
        "          \"pools\": [{\"pool\": \"10.0.0.10 - 10.0.0.20\"}],\n"
        "          \"option-data\": [{\"name\": \"routers\", \"data\": "
        "\"10.0.0.1\"}],\n"
        "          \"reservations\": [\n"
        "            {\"hw-address\": \"52:54:00:00:00:01\", \"ip-address\": "
        "\"10.0.0.5\"}\n"
        "          ]\n"
        "        }\n"
        "    ],\n"
        "    \"shared-networks\": [],\n"
        "    \"hooks-libraries\": [{\n"
        "      \"library\": \"/h.so\",\n"
        "      \"parameters\": {\n"
        "        \"next-server\": \"0.0.0.0\",\n"
        "        \"option-67\": \"auto\",\n"
        "        \"rules\": [\n"
        "          {\"boot-file\": \"undionly.kpxe\", \"next-server\": "
        "\"10.0.0.1\"}\n"
        "        ]\n"
        "      }\n"
        "    }]\n"
        "  }\n"
        "}\n");
    pxe_buf_free(&out);
    pxe_import_free(im);
}

/* Pools for classes as Kea pools with a client-class: the dhcpd class
 * (its match as the test) or one of the pool's own (member()); option
 * 66 of a subnet as Kea option data, of a host not; a class Kea cannot
 * name leaves its pool open to all, reported for --kea-config only. */
static void
test_kea_class_pools(void **state)
{
    pxe_import_t  *im;
    pxe_buf_t      out;
    const char    *want[] = {
        "    \"client-classes\": [\n"
        "      {\"name\": \"uefi\", \"test\": \"((option[93].hex == 0x0007)) "
        "or ((option[93].hex == 0x0009))\"},\n"
        "      {\"name\": \"ipxe\", \"test\": \"(option[77].hex == "
        "0x69505845)\"},\n"
        "      {\"name\": \"pool-10\", \"test\": \"(member('uefi')) and not "
        "member('ipxe')\"},\n"
        "      {\"name\": \"pool-11\", \"test\": \"not member('uefi') and "
        "not member('ipxe')\"},\n"
        /* a false entry first: "not C and REST" */
        "      {\"name\": \"rom\", \"test\": \"(not ((option[77].exists) and "
        "(substring(option[60].hex,0,4) == 0x50584543))) and ((not "
        "((option[77].exists))) and ((substring(option[60].hex,0,4) == "
        "0x50584543)))\"}\n"
        "    ],\n",
        "\"pools\": [{\"pool\": \"10.0.0.10 - 10.0.0.19\", \"client-class\": "
        "\"pool-10\"}, {\"pool\": \"10.0.0.20 - 10.0.0.29\", "
        "\"client-class\": \"pool-11\"}, {\"pool\": \"10.0.0.30 - "
        "10.0.0.39\", \"client-class\": \"ipxe\"}, {\"pool\": \"10.0.0.40 - "
        "10.0.0.49\"}, {\"pool\": \"10.0.0.50 - 10.0.0.59\", "
        "\"client-class\": \"rom\"}]",
        "\"option-data\": [{\"name\": \"tftp-server-name\", \"data\": "
        "\"tftp.example\"}]",
    };
    size_t         i;

    (void) state;
    im = import("option arch code 93 = unsigned integer 16;\n"
                "class \"uefi\" { match if option arch = 00:07 or "
                "option arch = 00:09; }\n"
                "class \"ipxe\" { match if option user-class = \"iPXE\"; }\n"
                "class \"rom\" { match if not exists user-class and "
                "substring(option vendor-class-identifier, 0, 4) = "
                "\"PXEC\"; }\n"
                "class \"a b\" { match if exists user-class; }\n"
                "subnet 10.0.0.0 netmask 255.255.255.0 {\n"
                "  option tftp-server-name \"tftp.example\";\n"
                "  next-server 10.0.0.1;\n"
                "  filename \"f\";\n"
                "  pool { range 10.0.0.10 10.0.0.19; allow members of \"uefi\";"
                " deny members of \"ipxe\"; }\n"
                "  pool { range 10.0.0.20 10.0.0.29; deny members of \"uefi\";"
                " deny members of \"ipxe\"; }\n"
                "  pool { range 10.0.0.30 10.0.0.39; allow members of "
                "\"ipxe\"; }\n"
                "  pool { range 10.0.0.40 10.0.0.49; allow members of "
                "\"a b\"; }\n"
                "  pool { range 10.0.0.50 10.0.0.59; allow members of "
                "\"rom\"; }\n"
                "}\n"
                "host h { hardware ethernet 52:54:00:00:00:01; "
                "option tftp-server-name \"x\"; }\n", NULL);
    pxe_buf_init(&out, 1 << 20, NULL);
    assert_int_equal(pxe_import_kea(im, "/h.so", &out), PXE_OK);
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        if (strstr(out.data, want[i]) == NULL) {
            print_error("missing:\n%s\nin:\n%s\n", want[i], out.data);
        }
        assert_non_null(strstr(out.data, want[i]));
    }
    /* the host's 66 is not Kea option data */
    assert_null(strstr(out.data, "\"x\""));
    assert_int_equal(pxe_import_nnotes(im), 3);
    assert_string_equal(pxe_import_note(im, 0), "t.conf:7: not translated: "
                        "option tftp-server-name (66): Kea option data, "
                        "--kea-config only");
    assert_int_equal(pxe_import_note_kea(im, 0), 2);
    assert_string_equal(pxe_import_note(im, 1), "t.conf:13: not translated "
                        "(--kea-config): a pool for some classes only (a "
                        "class name or match Kea cannot test, or too many "
                        "classes); its range is open to all");
    assert_int_equal(pxe_import_note_kea(im, 1), 1);
    assert_string_equal(pxe_import_note(im, 2), "t.conf:16: not translated: "
                        "option tftp-server-name (66): the hook sets "
                        "next-server and sname only; Kea option data only "
                        "outside if, host, group, pool and class");
    assert_int_equal(pxe_import_note_kea(im, 2), 0);
    pxe_buf_free(&out);
    pxe_import_free(im);
}

static void
test_errors(void **state)
{
    static char  deep[40 * 4 + 1], big[16];
    char         *huge;
    size_t        i;

    (void) state;
    expect_error("filename \"x;\n", 13, PXE_ESYNTAX,
                 "t.conf:1: unterminated string");
    expect_error("group {\n", 8, PXE_ESYNTAX,
                 "t.conf:2: end of file: '}' missing");
    expect_error("}\n", 2, PXE_ESYNTAX, "t.conf:1: unexpected '}'");
    expect_error("filename \"a\"\n}", 14, PXE_ESYNTAX,
                 "t.conf:2: expected ';' after 'a'");
    expect_error("subnet 10.0.0.1 netmask 255.255.255.0 { }", 41,
                 PXE_ESYNTAX, "t.conf:1: expected 'subnet ADDRESS netmask "
                 "MASK'");
    expect_error("host h { hardware ethernet 1:2:3; }", 35, PXE_ESYNTAX,
                 "t.conf:1: bad hardware address");
    expect_error("next-server \x01;", 14, PXE_ESYNTAX,
                 "t.conf:1: unexpected byte 0x01");
    for (i = 0; i < 40; i++) {
        memcpy(deep + 4 * i, "g {", 3);
        deep[4 * i + 3] = ' ';
    }
    expect_error(deep, strlen(deep), PXE_ESYNTAX,
                 "t.conf:1: blocks nested deeper than 32");
    huge = calloc(1, PXE_IMPORT_TEXT_MAX + 2);
    assert_non_null(huge);
    memset(huge, ' ', PXE_IMPORT_TEXT_MAX + 1);
    expect_error(huge, PXE_IMPORT_TEXT_MAX + 1, PXE_ETOOBIG,
                 "t.conf: larger than 4194304 bytes");
    free(huge);
    (void) big;
}

/* 65 ifs on the arch times 65 on the vendor class: 66 * 66 answers,
 * past the bound. */
static void
test_combinations_bounded(void **state)
{
    char    conf[16384];
    size_t  n = 0, i;

    (void) state;
    n += (size_t) snprintf(conf + n, sizeof(conf) - n,
                           "option arch code 93 = unsigned integer 16;\n");
    for (i = 0; i < 65; i++) {
        n += (size_t) snprintf(conf + n, sizeof(conf) - n,
                               "if option arch = 00:%02zx { filename "
                               "\"f%zu\"; }\n", i, i);
    }
    for (i = 0; i < 65; i++) {
        n += (size_t) snprintf(conf + n, sizeof(conf) - n,
                               "if option vendor-class-identifier = \"v%zu\""
                               " { server-name \"s%zu\"; }\n", i, i);
    }
    expect_error(conf, n, PXE_ETOOMANY,
                 "t.conf: more than 4096 combinations of conditions");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smartos_docs),
        cmocka_unit_test(test_scoping),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_pattern_escapes),
        cmocka_unit_test(test_notes),
        cmocka_unit_test(test_kea_config),
        cmocka_unit_test(test_kea_class_pools),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_combinations_bounded),
    };

    return PXE_RUN_TESTS(tests);
}
