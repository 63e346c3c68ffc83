/* test_template.c: ${var} expansion, refused typos, bounded output. */

#include <string.h>

#include "test.h"

#define CHECK(t) pxe_template_check((t), strlen(t), &where)

static void
test_check(void **state)
{
    size_t  where = 0;

    (void) state;
    assert_int_equal(CHECK("undionly.kpxe"), PXE_OK);
    assert_int_equal(CHECK("http://${next-server}/m.ipxe?mac=${mac}&ip=${ip}"
                           "&a=${arch}&h=${hostname}"), PXE_OK);
    assert_int_equal(CHECK("cost$5 and ${"), PXE_ESYNTAX);
    assert_int_equal(where, 11);
    assert_int_equal(CHECK("x${mca}"), PXE_ESYNTAX);
    assert_int_equal(where, 1);
    assert_int_equal(CHECK("${}"), PXE_ESYNTAX);
    assert_int_equal(CHECK("${MAC}"), PXE_ESYNTAX);
    assert_int_equal(CHECK("$mac $"), PXE_OK);
    assert_int_equal(pxe_template_check("a\0b", 3, &where), PXE_ENUL);
    assert_int_equal(where, 1);
    assert_int_equal(pxe_template_check("", 0, NULL), PXE_OK);
}

static void
test_expand(void **state)
{
    pxe_vars_t  vars;
    pxe_buf_t   b;
    const char *t = "http://${next-server}/menu.ipxe?mac=${mac}&h=${hostname}$";

    (void) state;
    memset(&vars, 0, sizeof(vars));
    vars.v[PXE_VAR_NEXT_SERVER].data = "192.0.2.10";
    vars.v[PXE_VAR_NEXT_SERVER].len = 10;
    vars.v[PXE_VAR_MAC].data = "52:54:00:12:34:56";
    vars.v[PXE_VAR_MAC].len = 17;
    pxe_buf_init(&b, PXE_BOOTFILE_MAX, NULL);
    assert_int_equal(pxe_template_expand(t, strlen(t), &vars, &b), PXE_OK);
    /* An unset variable (no valid hostname) expands to nothing. */
    assert_string_equal(b.data,
        "http://192.0.2.10/menu.ipxe?mac=52:54:00:12:34:56&h=$");
    pxe_buf_free(&b);
}

static void
test_expand_bounded(void **state)
{
    pxe_vars_t  vars;
    pxe_buf_t   b;
    char        mem[32];
    const char *t = "abcdef${ip}";

    (void) state;
    memset(&vars, 0, sizeof(vars));
    vars.v[PXE_VAR_IP].data = "192.0.2.100";
    vars.v[PXE_VAR_IP].len = 11;
    pxe_buf_init_fixed(&b, mem, 17);
    assert_int_equal(pxe_template_expand(t, strlen(t), &vars, &b),
                     PXE_ETOOBIG);
    /* Whole failure: nothing partial remains. */
    assert_int_equal(b.len, 0);
    assert_string_equal(mem, "");
    pxe_buf_init_fixed(&b, mem, 18);
    assert_int_equal(pxe_template_expand(t, strlen(t), &vars, &b), PXE_OK);
    assert_string_equal(mem, "abcdef192.0.2.100");
    /* An unchecked bad template fails rather than passing "${" through. */
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    assert_int_equal(pxe_template_expand("a${x}", 5, &vars, &b),
                     PXE_ESYNTAX);
    assert_int_equal(b.len, 0);
}

static void
test_vars(void **state)
{
    unsigned  used = 99;

    (void) state;
    assert_int_equal(pxe_template_vars("undionly.kpxe", 13, &used), PXE_OK);
    assert_int_equal(used, 0);
    assert_int_equal(pxe_template_vars("cost$5 {x}", 10, &used), PXE_OK);
    assert_int_equal(used, 0);
    assert_int_equal(pxe_template_vars("", 0, &used), PXE_OK);
    assert_int_equal(used, 0);
    assert_int_equal(pxe_template_vars("http://${next-server}/m?mac=${mac}"
                                       "&again=${mac}", 47, &used), PXE_OK);
    assert_int_equal(used, (1u << PXE_VAR_NEXT_SERVER) | (1u << PXE_VAR_MAC));
    assert_int_equal(pxe_template_vars("${ip}${arch}${hostname}", 23, &used),
                     PXE_OK);
    assert_int_equal(used, (1u << PXE_VAR_IP) | (1u << PXE_VAR_ARCH)
                           | (1u << PXE_VAR_HOSTNAME));
    /* Errors as pxe_template_check's, and nothing claimed used. */
    assert_int_equal(pxe_template_vars("${mac}${mca}", 12, &used),
                     PXE_ESYNTAX);
    assert_int_equal(used, 0);
    assert_int_equal(pxe_template_vars("${mac}\0x", 8, &used), PXE_ENUL);
    assert_int_equal(used, 0);
    assert_int_equal(pxe_template_vars(NULL, 3, &used), PXE_EINVAL);
}

/*
 * Compiled once, run per packet: the same bytes as pxe_template_expand()
 * for every template and variable set here, the same errors, and the
 * same refusal past the bound (never a partial length).
 */
static void
test_compiled_as_expand(void **state)
{
    static const char *const  tmpls[] = {
        "undionly.kpxe", "${mac}", "${mac}${ip}", "x${arch}y", "$", "$$${ip}$",
        "http://${next-server}/menu.ipxe?mac=${mac}&ip=${ip}&a=${arch}"
        "&h=${hostname}", "${hostname}${hostname}${hostname}", "a$b${ip}c$",
        "", "${", "x${nope}", "${ip",
    };
    static const size_t  caps[] = { 0, 1, 5, 17, 40, 255 };
    pxe_vars_t    vars[2];
    pxe_tpiece_t  pieces[32];
    char          out[300];
    size_t        i, j, k, n, m, len, tlen;
    int           rc, want;

    (void) state;
    memset(vars, 0, sizeof(vars));
    vars[1].v[PXE_VAR_MAC].data = "52:54:00:12:34:56";
    vars[1].v[PXE_VAR_MAC].len = 17;
    vars[1].v[PXE_VAR_IP].data = "192.0.2.77";
    vars[1].v[PXE_VAR_IP].len = 10;
    vars[1].v[PXE_VAR_ARCH].data = "7";
    vars[1].v[PXE_VAR_ARCH].len = 1;
    vars[1].v[PXE_VAR_HOSTNAME].data = "node-1";
    vars[1].v[PXE_VAR_HOSTNAME].len = 6;
    vars[1].v[PXE_VAR_NEXT_SERVER].data = "192.0.2.10";
    vars[1].v[PXE_VAR_NEXT_SERVER].len = 10;

    for (i = 0; i < sizeof(tmpls) / sizeof(tmpls[0]); i++) {
        tlen = strlen(tmpls[i]);
        want = pxe_template_check(tmpls[i], tlen, NULL);
        /* Counting alone (no room) says how many pieces there are. */
        rc = pxe_template_compile(tmpls[i], tlen, NULL, 0, &m);
        rc = pxe_template_compile(tmpls[i], tlen, pieces, 32, &n);
        assert_int_equal(rc, want);
        if (rc != PXE_OK) {
            continue;
        }
        assert_int_equal(m, n);
        if (n > 1) {
            assert_int_equal(pxe_template_compile(tmpls[i], tlen, pieces,
                                                  n - 1, &m), PXE_ETOOBIG);
            assert_int_equal(m, n);
            assert_int_equal(pxe_template_compile(tmpls[i], tlen, pieces,
                                                  32, &n), PXE_OK);
        }
        for (j = 0; j < 2; j++) {
            for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
                pxe_buf_t  b;
                char       ebuf[300];

                /* A fixed buffer of cap + 1 holds cap bytes and a NUL. */
                pxe_buf_init_fixed(&b, ebuf, caps[k] + 1);
                want = pxe_template_expand(tmpls[i], tlen, &vars[j], &b);
                rc = pxe_template_run(tmpls[i], pieces, n, &vars[j], out,
                                      caps[k], &len);
                assert_int_equal(rc, want);
                if (rc == PXE_OK) {
                    char  ref[300];

                    pxe_buf_init_fixed(&b, ref, sizeof(ref));
                    assert_int_equal(pxe_template_expand(tmpls[i], tlen,
                                                         &vars[j], &b),
                                     PXE_OK);
                    assert_int_equal(len, b.len);
                    assert_memory_equal(out, ref, len);
                } else {
                    assert_int_equal(len, 0);
                }
            }
        }
    }
    assert_int_equal(pxe_template_compile("a\0b", 3, pieces, 32, &n),
                     PXE_ENUL);
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_expand),
        cmocka_unit_test(test_expand_bounded),
        cmocka_unit_test(test_vars),
        cmocka_unit_test(test_compiled_as_expand),
    };

    return PXE_RUN_TESTS(tests);
}
