/*
 * test_remap.c: tftp-hpa 5.2 remap files: parsing (fields, escapes,
 * comments, flags, fgets-sized lines, errors with line numbers), the
 * evaluator's 5.2 semantics, lint warnings, and generate's rules.  The
 * same semantics are checked against the real in.tftpd in
 * tests/integration/tftp/.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "../common/tree.h"

typedef struct {
    pxe_remap_outcome_e  outcome;
    char                 text[1024];
    int                  steps;
} result_t;

static void
count_step(void *ctx, const pxe_remap_step_t *s)
{
    result_t  *r = ctx;

    (void) s;
    r->steps++;
}

/* Parses text (must be accepted) and runs path for client ip. */
static result_t
run(const char *rules, const char *path, const char *ip, int put)
{
    pxe_remap_t         rm;
    pxe_remap_client_t  c;
    pxe_buf_t           out;
    result_t            r;

    memset(&r, 0, sizeof(r));
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, rules, strlen(rules)), PXE_OK);
    assert_int_equal(pxe_remap_client(ip, put, &c), PXE_OK);
    pxe_buf_init(&out, PXE_REMAP_STRING_MAX, NULL);
    assert_int_equal(pxe_remap_eval(&rm, path, &c, &r.outcome, &out,
                                    count_step, &r), PXE_OK);
    if (out.data != NULL) {
        snprintf(r.text, sizeof(r.text), "%s", out.data);
    }
    pxe_buf_free(&out);
    pxe_remap_free(&rm);
    pxe_remap_free(&rm);
    return r;
}

static void
served(const char *rules, const char *path, const char *want)
{
    result_t  r = run(rules, path, "127.0.0.1", 0);

    assert_int_equal(r.outcome, PXE_REMAP_SERVE);
    assert_string_equal(r.text, want);
}

static void
test_parse_fields(void **state)
{
    pxe_remap_t  rm;
    const char  *text =
        "# a comment\n"
        "\n"
        "  rgi   ^a\\ b   c\\#d   extra ignored\n"
        "e x#comment right after\n"
        "r ^y$ z # trailing\r\n"
        "a ^q\n";

    (void) state;
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, text, strlen(text)), PXE_OK);
    assert_int_equal(rm.nrules, 4);
    assert_int_equal(rm.rules[0].line, 3);
    assert_int_equal(rm.rules[0].flags & 0xff,
                     PXE_REMAP_REWRITE | PXE_REMAP_GLOBAL);
    assert_true(rm.rules[0].flags & PXE_REMAP_ICASE);
    assert_string_equal(rm.rules[0].regex, "^a\\ b");
    assert_string_equal(rm.rules[0].replacement, "c\\#d");
    assert_string_equal(rm.rules[1].regex, "x");
    assert_string_equal(rm.rules[1].replacement, "");
    assert_int_equal(rm.rules[2].line, 5);
    assert_string_equal(rm.rules[2].replacement, "z");
    assert_int_equal(rm.rules[3].flags, PXE_REMAP_ABORT);
    assert_int_equal(rm.ndiags, 0);
    pxe_remap_free(&rm);
    pxe_remap_free(&rm);
}

static void
test_parse_errors(void **state)
{
    pxe_remap_t  rm;
    const char  *text =
        "r ^a b\n"
        "x ^a b\n"          /* 2: bad flag */
        "r~ ^a b\n"         /* 3: r~ */
        "r\n"               /* 4: no regex */
        "r #^a b\n"         /* 5: regex is a comment */
        "r ^(a b\n"         /* 6: bad regex */
        "rE ^a b\n"         /* 7: E is 5.4 */
        "g ^b\n";           /* fine: g without r is dropped */

    (void) state;
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, text, strlen(text)), PXE_ESYNTAX);
    assert_int_equal(rm.nerrors, 6);
    assert_int_equal(rm.ndiags, 6);
    assert_int_equal(rm.diags[0].line, 2);
    assert_string_equal(rm.diags[0].msg,
        "invalid flag \"x\" in \"x\" (flags of tftp-hpa 5.2: rgiesa~46GP; "
        "in.tftpd exits with status 78)");
    assert_int_equal(rm.diags[1].line, 3);
    assert_string_equal(rm.diags[1].msg,
        "flags r and ~ cannot be combined (in.tftpd exits with status 78)");
    assert_int_equal(rm.diags[2].line, 4);
    assert_int_equal(rm.diags[3].line, 5);
    assert_string_equal(rm.diags[3].msg,
        "no regex after the flags (in.tftpd exits with status 78)");
    assert_int_equal(rm.diags[4].line, 6);
    assert_non_null(strstr(rm.diags[4].msg, "does not compile"));
    assert_int_equal(rm.diags[5].line, 7);
    /* The valid rules are kept. */
    assert_int_equal(rm.nrules, 2);
    assert_int_equal(rm.rules[1].flags, PXE_REMAP_GFLAG);
    pxe_remap_free(&rm);
}

static void
test_parse_long_lines(void **state)
{
    pxe_remap_t  rm;
    char        *text;
    size_t       n = PXE_REMAP_LINE_MAX + 100;

    (void) state;
    /* "r ^a b", blanks past 16383 bytes, then "x": a second line "x". */
    text = malloc(n + 1);
    assert_non_null(text);
    memset(text, ' ', n);
    memcpy(text, "r ^a b", 6);
    memcpy(text + n - 6, "x ^b\n", 5);
    text[n - 1] = '\n';
    text[n] = '\0';
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, text, n), PXE_ESYNTAX);
    assert_int_equal(rm.nrules, 1);
    assert_int_equal(rm.diags[0].line, 2);
    pxe_remap_free(&rm);

    /* A NUL ends what tftpd sees of a line. */
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, "r ^a b\0x y\nr ^c d", 17), PXE_OK);
    assert_int_equal(rm.nrules, 2);
    assert_int_equal(rm.rules[1].line, 2);
    pxe_remap_free(&rm);

    /* Deep nesting goes to the guard's child: 6000 open groups come back
     * as regcomp's own error (as in.tftpd's exit 78); 16380 overflow
     * regcomp's stack there, a danger (in.tftpd dies), and this process
     * lives on. */
    memset(text, '(', n);
    memcpy(text, "r ", 2);
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, text, 6000), PXE_ESYNTAX);
    assert_int_equal(rm.diags[0].severity, PXE_REMAP_ERROR);
    assert_non_null(strstr(rm.diags[0].msg, "does not compile: Unmatched ("));
    pxe_remap_free(&rm);
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, text, PXE_REMAP_LINE_MAX - 1),
                     PXE_ESYNTAX);
    assert_int_equal(rm.ndiags, 1);
    assert_int_equal(rm.ndanger, 1);
    assert_int_equal(rm.diags[0].severity, PXE_REMAP_DANGER);
    assert_non_null(strstr(rm.diags[0].msg, "regcomp crashed on this regex "
                                            "(signal 11)"));
    assert_int_equal(rm.nrules, 0);
    pxe_remap_free(&rm);
    free(text);

    /* Stacked repetition makes glibc's regcomp copy subtrees without
     * bound (the fuzzer's 2 GiB case, and a 2^16 one that spent minutes
     * in its epsilon closures): refused before regcomp; rules a site
     * writes, bounds included, still compile. */
    {
        static const char *const  refused[] = {
            "r (.++++++++++++++++++++++++++++++*) x\n",
            "r ((a{100}){100}){100} x\n",
            "r (a|b{2000}){100} x\n",
            "r [(]*(x+)+++++++++++++++++++++++++[)] x\n",
            "r (a{100}){100} x\n",
            "r qc(.+6++++*++++++++++++ x\n",
            "r a{1000} x\n",
        };
        static const char *const  accepted[] = {
            "r ^platform-([0-9]{8}T[0-9]{6}Z)/(.*)$ \\1/platform/\\2\n",
            "r (a{30}){30} x\n",
            "r a{999} x\n",
            "r (x+)+ y\n",
            "r [+{}]{3}a++ z\n",
            "r a\\{ b\n",
        };
        size_t                    i;

        for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
            pxe_remap_init(&rm);
            assert_int_equal(pxe_remap_parse(&rm, refused[i],
                                             strlen(refused[i])),
                             PXE_ESYNTAX);
            assert_non_null(strstr(rm.diags[0].msg, "repeats repetitions"));
            pxe_remap_free(&rm);
        }
        for (i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
            pxe_remap_init(&rm);
            if (pxe_remap_parse(&rm, accepted[i], strlen(accepted[i]))
                != PXE_OK)
            {
                print_error("refused: %s: %s\n", accepted[i],
                            rm.ndiags ? rm.diags[0].msg : "");
                fail();
            }
            pxe_remap_free(&rm);
        }
    }
}

static void
test_eval_order(void **state)
{
    (void) state;
    /* All rules run; e stops; s resumes at the SECOND rule. */
    served("r ^x$ a\nr ^a$ b\nre ^b$ c\nr ^c$ d\n", "x", "c");
    served("r ^q$ abc\nr ^p$ q\nrs ^y$ p\nr ^abc$ ABC\n", "y", "q");
    served("r ^z$ a\n", "b", "b");
    /* g repeats from the start of the new name. */
    served("rg // /\n", "a//b///c", "a/b/c");
    served("rg ^(.*)-(.*)$ \\1/\\2\n", "a-b-c", "a/b/c");
    /* ra aborts: a is checked first. */
    assert_int_equal(run("ra ^x$ y\n", "x", "127.0.0.1", 0).outcome,
                     PXE_REMAP_DENY);
}

static void
test_eval_replacement(void **state)
{
    (void) state;
    served("r ^u/(x)?(y)$ g\\1\\2\\3\\9\n", "u/y", "gy");
    served("r ^(a|ab)(c|bcd)(d*)$ \\1-\\2-\\3\n", "abcd", "a-bcd-");
    served("ri ^abc$ \\L\\0\n", "AbC", "abc");
    served("r ^m/(..)(.*)$ \\U\\1\\E\\2\n", "m/abcd", "ABcd");
    served("r ^e$ \\a\\b\\c\n", "e", "abc");
    served("r ^bs$ c\\\n", "bs", "c\n");
    served("r ^sp\\ ace$ a\\ b\n", "sp ace", "a b");
    served("r ^ip$ \\i\n", "ip", "127.0.0.1");
    served("r ^hex$ \\x\n", "hex", "7F000001");
    served("r ^hex$ \\L\\x\n", "hex", "7f000001");
    assert_string_equal(run("r ^ip$ \\i/\\x\n", "ip", "2001:db8::1", 0).text,
                        "2001:db8::1/20010DB8000000000000000000000001");
}

static void
test_eval_filters(void **state)
{
    const char  *rules = "4r ^f$ v4\n6r ^f$ v6\nGr ^g$ get\nPr ^g$ put\n"
                         "GPr ^h$ last-is-P\n";

    (void) state;
    assert_string_equal(run(rules, "f", "127.0.0.1", 0).text, "v4");
    assert_string_equal(run(rules, "f", "::1", 0).text, "v6");
    assert_string_equal(run(rules, "g", "127.0.0.1", 0).text, "get");
    assert_string_equal(run(rules, "g", "127.0.0.1", 1).text, "put");
    assert_string_equal(run(rules, "h", "127.0.0.1", 0).text, "h");
    assert_string_equal(run(rules, "h", "127.0.0.1", 1).text, "last-is-P");
}

static void
test_eval_denials(void **state)
{
    result_t  r;

    (void) state;
    r = run("a ^secret\n", "secret/x", "127.0.0.1", 0);
    assert_int_equal(r.outcome, PXE_REMAP_DENY);
    assert_string_equal(r.text, "Access denied");
    r = run("a ^deny/(.*)$ no\\ \\1!\n", "deny/abc", "127.0.0.1", 0);
    assert_string_equal(r.text, "no abc!");
    /* The message replaces the match only. */
    r = run("a ^msg/ \\U\\0\n", "msg/rest", "127.0.0.1", 0);
    assert_string_equal(r.text, "MSG/rest");
    /* 5.2 writes an inverted a rule's message one byte early. */
    r = run("a~ ^(a|b)$ nope\n", "c", "127.0.0.1", 0);
    assert_int_equal(r.outcome, PXE_REMAP_DENY);
    assert_string_equal(r.text, "ope");
    r = run("a~ ^(a|b)$ \\1\n", "c", "127.0.0.1", 0);
    assert_string_equal(r.text, "c");
    /* A restart loop: 1024 visits, then the deadman. */
    r = run("r ^z$ a\ns ^a$\n", "a", "127.0.0.1", 0);
    assert_int_equal(r.outcome, PXE_REMAP_FAILURE);
    assert_string_equal(r.text, "Remap table failure");
    /* Just under the deadman: 1024 rules visited once each. */
    {
        char    *many = malloc(1025 * 8 + 1);
        size_t   i;

        assert_non_null(many);
        many[0] = '\0';
        for (i = 0; i < 1024; i++) {
            strcat(many, "r ^a$ a\n");
        }
        assert_int_equal(run(many, "a", "127.0.0.1", 0).outcome,
                         PXE_REMAP_SERVE);
        strcat(many, "r ^a$ a\n");
        assert_int_equal(run(many, "a", "127.0.0.1", 0).outcome,
                         PXE_REMAP_FAILURE);
        free(many);
    }
}

static void
test_eval_hangs(void **state)
{
    (void) state;
    assert_int_equal(run("rg ^loop/ loop/\n", "loop/x", "127.0.0.1",
                         0).outcome, PXE_REMAP_HANG);
    assert_int_equal(run("rg x* y\n", "abc", "127.0.0.1", 0).outcome,
                     PXE_REMAP_HANG);
    /* A cycle longer than one step: rotation. */
    assert_int_equal(run("rg ^([ab])(.*)$ \\2\\1\n", "ab", "127.0.0.1",
                         0).outcome, PXE_REMAP_HANG);
    /* Growth without end. */
    assert_int_equal(run("rg ^g g\\0\n", "g", "127.0.0.1", 0).outcome,
                     PXE_REMAP_HANG);
    /* g that terminates. */
    served("rg aa a\n", "aaaaaaaa", "a");
}

/* Parses text (refused) and returns the first diagnostic's severity,
 * with its message in msg. */
static pxe_remap_severity_e
refused(const char *text, unsigned line, char *msg, size_t size)
{
    pxe_remap_t           rm;
    pxe_remap_severity_e  sev;

    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, text, strlen(text)), PXE_ESYNTAX);
    assert_true(rm.ndiags >= 1);
    assert_int_equal(rm.diags[0].line, line);
    sev = rm.diags[0].severity;
    snprintf(msg, size, "%s", rm.diags[0].msg);
    pxe_remap_free(&rm);
    return sev;
}

/*
 * Bounded time on any regex: the model refuses the stacked repetitions
 * over an empty-matching atom that spin glibc's regcomp (issue 16:
 * "^x*+++++" 10 s, "^x*++++++" minutes), the child stops what the model
 * cannot judge at PXE_REMAP_COMPILE_MS, the file's budget ends the rest,
 * and the findings come in line order.
 */
static void
test_parse_dangers(void **state)
{
    static const char *const  model[] = {
        "a ^x*+++++\n",
        "a ^x*++++++\n",
        "r ^(x*)+++++ y\n",
        "r ^(((((x?)+)+)+)+)+ y\n",
        "r ^x*{1,}{1,}{1,}{1,}{1,} y\n",
    };
    static const char *const  fine[] = {
        "a ^x*++++\n",
        "a ^((((x*)*)*)*)*\n",
        "r ^(x+)+ y\n",
        "r ^x*{2,}{2,}{2,} y\n",
        "r ^(a|b*)+(c|d*)+++ y\n",
    };
    pxe_remap_t  rm;
    char         msg[PXE_REMAP_DIAG_MAX], *text;
    size_t       i, n;

    (void) state;
    for (i = 0; i < sizeof(model) / sizeof(model[0]); i++) {
        assert_int_equal(refused(model[i], 1, msg, sizeof(msg)),
                         PXE_REMAP_DANGER);
        assert_non_null(strstr(msg, "repetitions over something that can "
                               "match the empty string"));
    }
    for (i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
        pxe_remap_init(&rm);
        if (pxe_remap_parse(&rm, fine[i], strlen(fine[i])) != PXE_OK) {
            print_error("refused: %s: %s\n", fine[i],
                        rm.ndiags ? rm.diags[0].msg : "");
            fail();
        }
        assert_int_equal(rm.nrules, 1);
        assert_non_null(rm.rules[0].rx);
        pxe_remap_free(&rm);
    }

    /* The model passes it (4 and 3 deep); glibc needs 0.8 s: the child. */
    assert_int_equal(refused("r ^a b\nr ^(x|)++++(y*)+++ f\n", 2, msg,
                             sizeof(msg)), PXE_REMAP_DANGER);
    assert_non_null(strstr(msg, "regex too costly for glibc's regcomp "
                           "(more than 100 ms of CPU; stopped there)"));

    /* Budget: the first rule stopped at 100 ms, the second at the 75 ms the
     * file had left (half of 150: what compiles is compiled twice);
     * later rules are "not checked", in line order after a parse error. */
    n = 6 * 40 + 16;
    text = malloc(n);
    assert_non_null(text);
    text[0] = '\0';
    for (i = 0; i < 6; i++) {
        strcat(text, i == 2 ? "q ^bad\n" : "r ^(x|)++++(y*)+++ f\n");
    }
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, text, strlen(text)), PXE_ESYNTAX);
    assert_int_equal(rm.nrules, 0);
    assert_int_equal(rm.ndiags, 6);
    assert_int_equal(rm.ndanger, 5);
    assert_int_equal(rm.nerrors, 6);
    for (i = 0; i < 6; i++) {
        assert_int_equal(rm.diags[i].line, i + 1);
    }
    assert_int_equal(rm.diags[2].severity, PXE_REMAP_ERROR);
    assert_non_null(strstr(rm.diags[0].msg, "too costly"));
    assert_non_null(strstr(rm.diags[5].msg, "regex not checked: checking "
                           "the regexes before it already took"));
    assert_true(rm.compile_us >= PXE_GUARD_US(PXE_REMAP_BUDGET_MS));
    pxe_remap_free(&rm);
    free(text);

    /* remap-parse-fuzzer, 10-minute campaign: a timeout at 200 ms per
     * regex and 300 per file under load; now 100 and 250.  Line 1 ends at
     * its NUL; line 2 is stopped by its own limit. */
    {
        static const char  input[] =
            "a ^x\xfa:\0\0*++^(x[0 -9]|)++++(y*)6++++++\n"
            "r ^(x|)++++(y*)+++ f\n";

        pxe_remap_init(&rm);
        assert_int_equal(pxe_remap_parse(&rm, input, sizeof(input) - 1),
                         PXE_ESYNTAX);
        assert_int_equal(rm.ndiags, 1);
        assert_int_equal(rm.diags[0].line, 2);
        assert_non_null(strstr(rm.diags[0].msg, "too costly"));
        assert_int_equal(rm.nrules, 1);
        assert_true(rm.compile_us < PXE_GUARD_US(PXE_REMAP_BUDGET_MS));
        pxe_remap_free(&rm);
    }

    /* What the child compiles, this process compiles again and uses. */
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, "r ^(a+)+-(b)$ \\2\n", 16),
                     PXE_OK);
    assert_int_equal(rm.nrules, 1);
    assert_int_equal(rm.rules[0].nsub, 2);
    pxe_remap_free(&rm);
    served("r ^(a+)+-(b)$ \\2\n", "aaa-b", "b");
}

static void
test_lint(void **state)
{
    pxe_remap_t  rm;
    const char  *text =
        "rg ^loop/ loop/\n"         /* 1 */
        "r ^(a)$ \\2\n"             /* 2 */
        "46r ^a b\n"                /* 3 */
        "i ^a\n"                    /* 4 */
        "GPr ^a b\n"                /* 5 */
        "a~ ^a nope\n"              /* 6 */
        "e .*\n"                    /* 7 */
        "r ^b c\n";                 /* 8: shadowed */
    size_t       i;
    unsigned     lines = 0;

    (void) state;
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, text, strlen(text)), PXE_OK);
    assert_int_equal(pxe_remap_lint(&rm), PXE_OK);
    for (i = 0; i < rm.ndiags; i++) {
        assert_int_equal(rm.diags[i].severity, PXE_REMAP_WARNING);
        lines |= 1u << rm.diags[i].line;
    }
    assert_int_equal(lines, 0x17e);     /* all but line 7 itself */
    assert_string_equal(rm.diags[1].msg, "replacement refers to \\2 but the "
                        "regex has 1 group(s): it expands to nothing");
    pxe_remap_free(&rm);

    pxe_remap_init(&rm);
    text = "re ^/*smartos/([0-9]{8}T[0-9]{6}Z)/platform/(.*)$ "
           "smartos/platform-\\1/\\2\n";
    assert_int_equal(pxe_remap_parse(&rm, text, strlen(text)), PXE_OK);
    assert_int_equal(pxe_remap_lint(&rm), PXE_OK);
    assert_int_equal(rm.ndiags, 0);
    pxe_remap_free(&rm);

    /* Probes that glibc's matcher cannot finish (a back-reference over a
     * 255-byte probe, a g rule's runaway growth) run under the guard: a
     * warning, never a hang; the shadowing probe still works there. */
    pxe_remap_init(&rm);
    text = "rg ^((a*)*)*\\2\\1$ "
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "\n"
           "e (x*)*\n"
           "r ^b c\n";
    assert_int_equal(pxe_remap_parse(&rm, text, strlen(text)), PXE_OK);
    assert_int_equal(pxe_remap_lint(&rm), PXE_OK);
    assert_int_equal(rm.ndiags, 3);
    assert_string_equal(rm.diags[0].msg, "regex has a back-reference: "
                        "glibc's matcher can take exponential time on some "
                        "names (long runs of one character), so one TFTP "
                        "request can keep in.tftpd busy for minutes");
    assert_string_equal(rm.diags[1].msg, "probing this rule with a few "
                        "short names took more than 100 ms of CPU: "
                        "in.tftpd would be as slow on such requests");
    assert_int_equal(rm.diags[2].line, 3);
    assert_non_null(strstr(rm.diags[2].msg, "line 2 stops every request"));
    pxe_remap_free(&rm);
}

static void
test_client(void **state)
{
    pxe_remap_client_t  c;

    (void) state;
    assert_int_equal(pxe_remap_client("10.0.0.1", 1, &c), PXE_OK);
    assert_int_equal(c.family, 4);
    assert_true(c.put);
    assert_int_equal(pxe_remap_client("fe80::1", 0, &c), PXE_OK);
    assert_int_equal(c.family, 6);
    assert_int_equal(pxe_remap_client("10.0.0", 0, &c), PXE_EINVAL);
    assert_int_equal(pxe_remap_client(NULL, 0, &c), PXE_EINVAL);
}

static void
test_prefix(void **state)
{
    pxe_buf_t  b;

    (void) state;
    pxe_buf_init(&b, 64, NULL);
    assert_int_equal(pxe_remap_prefix("//a//b.c/", &b), PXE_OK);
    assert_string_equal(b.data, "a/b.c");
    pxe_buf_reset(&b);
    assert_int_equal(pxe_remap_prefix("/", &b), PXE_OK);
    assert_string_equal(b.data, "");
    pxe_buf_reset(&b);
    assert_int_equal(pxe_remap_prefix("a/../b", &b), PXE_EDOTDOT);
    pxe_buf_free(&b);
    pxe_buf_init(&b, 64, NULL);
    assert_int_equal(pxe_remap_prefix("a b", &b), PXE_EINVAL);
    pxe_buf_free(&b);
}

static void
test_generate(void **state)
{
    char        *root = fixture_tmpdir();
    pxe_scan_t   scan;
    pxe_buf_t    out, again;
    pxe_remap_t  rm;
    result_t     r;
    const char  *legacy[] = { "20121004T212912Z", "20230615T120000Z",
                              "20230615T130000Z" };
    size_t       i;

    (void) state;
    assert_non_null(root);
    for (i = 0; i < 3; i++) {
        assert_int_equal(fixture_build(root, legacy[i], PXE_LAYOUT_LEGACY,
                                       0, 10), 0);
    }
    assert_int_equal(fixture_build(root, "20240101T000000Z",
                                   PXE_LAYOUT_CANONICAL, 0, 10), 0);
    assert_int_equal(pxe_scan(root, 0, &scan), PXE_OK);
    pxe_buf_init(&out, PXE_REMAP_FILE_MAX, NULL);
    pxe_buf_init(&again, PXE_REMAP_FILE_MAX, NULL);
    assert_int_equal(pxe_remap_generate(&scan, "site/smartos", &out), PXE_OK);
    assert_int_equal(pxe_remap_generate(&scan, "/site//smartos/", &again),
                     PXE_OK);
    assert_string_equal(out.data, again.data);
    assert_non_null(strstr(out.data,
        "re ^/*site/+smartos/+(20(121004T212912Z|230615T1(20000Z|30000Z)))"
        "/+platform/ site/smartos/platform-\\1/\n"));
    pxe_buf_reset(&again);

    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, out.data, out.len), PXE_OK);
    assert_int_equal(pxe_remap_lint(&rm), PXE_OK);
    assert_int_equal(rm.ndiags, 0);
    pxe_remap_free(&rm);

    r = run(out.data, "//site/smartos//20230615T130000Z/platform/i86pc/x",
            "127.0.0.1", 0);
    assert_string_equal(r.text, "site/smartos/platform-20230615T130000Z/"
                        "i86pc/x");
    served(out.data, "site/smartos/20240101T000000Z/platform/i86pc/x",
           "site/smartos/20240101T000000Z/platform/i86pc/x");
    served(out.data, "other/20230615T130000Z/platform/i86pc/x",
           "other/20230615T130000Z/platform/i86pc/x");
    served(out.data, "site/smartos/20230615T130000Z/platform/../x",
           "site/smartos/20230615T130000Z/platform/../x");
    served(out.data, "site/smartos/20230615T1/platform/x",
           "site/smartos/20230615T1/platform/x");

    assert_int_equal(pxe_remap_generate(&scan, "../x", &again), PXE_EDOTDOT);
    pxe_buf_free(&out);
    pxe_buf_free(&again);
    pxe_scan_free(&scan);
    fixture_rmtree(root);
    free(root);
}

/* One rule per layout; every name comes out where the tree is. */
static void
test_generate_every_layout(void **state)
{
    char        *root = fixture_tmpdir();
    pxe_scan_t   scan;
    pxe_buf_t    out;
    pxe_remap_t  rm;

    (void) state;
    assert_non_null(root);
    assert_int_equal(fixture_build(root, "20240101T000000Z",
                                   PXE_LAYOUT_CANONICAL, 0, 10), 0);
    assert_int_equal(fixture_build(root, "20230101T000000Z",
                                   PXE_LAYOUT_LEGACY, 0, 10), 0);
    assert_int_equal(fixture_build(root, "20220101T000000Z",
                                   PXE_LAYOUT_UNDERSCORE, 0, 10), 0);
    assert_int_equal(fixture_build(root, "20210101T000000Z",
                                   PXE_LAYOUT_UNVERSIONED, 0, 10), 0);
    /* Also as platform_: served canonical, the copy reported. */
    assert_int_equal(fixture_build(root, "20240101T000000Z",
                                   PXE_LAYOUT_UNDERSCORE, 0, 10), 0);
    assert_int_equal(pxe_scan(root, 0, &scan), PXE_OK);
    pxe_buf_init(&out, PXE_REMAP_FILE_MAX, NULL);
    assert_int_equal(pxe_remap_generate(&scan, "smartos", &out), PXE_OK);
    assert_non_null(strstr(out.data, "# builds: 4 (1 legacy-only, "
                           "1 platform_<build>, 1 unversioned, "
                           "1 canonical)\n"));
    assert_non_null(strstr(out.data, "#   20240101T000000Z canonical, also "
                           "platform_<build>/ (not served)\n"));
    assert_non_null(strstr(out.data, "#   20210101T000000Z unversioned "
                           "platform/ only, mapped\n"));
    assert_non_null(strstr(out.data,
        "re ^/*smartos/+(20230101T000000Z)/+platform/ "
        "smartos/platform-\\1/\n"));
    assert_non_null(strstr(out.data,
        "re ^/*smartos/+(20220101T000000Z)/+platform/ "
        "smartos/platform_\\1/\n"));
    assert_non_null(strstr(out.data,
        "re ^/*smartos/+(20210101T000000Z)/+platform/ smartos/platform/\n"));
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, out.data, out.len), PXE_OK);
    assert_int_equal(pxe_remap_lint(&rm), PXE_OK);
    assert_int_equal(rm.ndiags, 0);
    pxe_remap_free(&rm);

    served(out.data, "/smartos/20230101T000000Z/platform/i86pc/x",
           "smartos/platform-20230101T000000Z/i86pc/x");
    served(out.data, "smartos/20220101T000000Z/platform/i86pc/x",
           "smartos/platform_20220101T000000Z/i86pc/x");
    served(out.data, "smartos//20210101T000000Z/platform/i86pc/x",
           "smartos/platform/i86pc/x");
    served(out.data, "smartos/20240101T000000Z/platform/i86pc/x",
           "smartos/20240101T000000Z/platform/i86pc/x");
    /* Another stamp never reaches the unversioned tree. */
    served(out.data, "smartos/20210101T000001Z/platform/i86pc/x",
           "smartos/20210101T000001Z/platform/i86pc/x");
    pxe_buf_free(&out);
    pxe_scan_free(&scan);

    /* Without its stamp, platform/ gets no rule and a comment says why. */
    {
        char  p[4096];

        snprintf(p, sizeof(p), "%s/" PXE_STAMP_PATH, root);
        assert_int_equal(unlink(p), 0);
    }
    assert_int_equal(pxe_scan(root, 0, &scan), PXE_OK);
    assert_int_equal(scan.unversioned, PXE_STAMP_MISSING);
    pxe_buf_init(&out, PXE_REMAP_FILE_MAX, NULL);
    assert_int_equal(pxe_remap_generate(&scan, "", &out), PXE_OK);
    assert_null(strstr(out.data, " platform/\n"));
    assert_non_null(strstr(out.data, "# unversioned platform/ has no "));
    pxe_buf_free(&out);
    pxe_scan_free(&scan);
    fixture_rmtree(root);
    free(root);
}

static void
test_generate_empty(void **state)
{
    pxe_scan_t   scan;
    pxe_buf_t    out;

    (void) state;
    pxe_scan_init(&scan);
    pxe_buf_init(&out, PXE_REMAP_FILE_MAX, NULL);
    assert_int_equal(pxe_remap_generate(&scan, "smartos", &out), PXE_OK);
    assert_non_null(strstr(out.data, "# Every build is canonical: no rule "
                           "needed.\n"));
    assert_null(strstr(out.data, "\nre "));
    pxe_buf_free(&out);
}

static void
test_generate_many(void **state)
{
    pxe_scan_t   scan;
    pxe_buf_t    out;
    pxe_remap_t  rm;
    size_t       i, n = 3000;
    char         path[128];

    (void) state;
    /* Enough builds that one trie passes a tftpd line: split, all map. */
    pxe_scan_init(&scan);
    scan.builds = calloc(n, sizeof(pxe_build_t));
    assert_non_null(scan.builds);
    scan.nbuilds = n;
    for (i = 0; i < n; i++) {
        snprintf(scan.builds[i].name, sizeof(scan.builds[i].name),
                 "20%02zu%02zu%02zuT%06zuZ", 10 + i % 13, 1 + i % 12,
                 1 + i % 28, i);
        scan.builds[i].layout = PXE_LAYOUT_LEGACY;
    }
    pxe_buf_init(&out, PXE_REMAP_FILE_MAX, NULL);
    assert_int_equal(pxe_remap_generate(&scan, NULL, &out), PXE_OK);
    pxe_remap_init(&rm);
    assert_int_equal(pxe_remap_parse(&rm, out.data, out.len), PXE_OK);
    assert_true(rm.nrules > 2);
    for (i = 0; i < rm.nrules; i++) {
        assert_true(strlen(rm.rules[i].regex) < 16000);
    }
    pxe_remap_free(&rm);
    for (i = 0; i < n; i += 97) {
        char  want[128];

        snprintf(path, sizeof(path), "%s/platform/i86pc/k",
                 scan.builds[i].name);
        snprintf(want, sizeof(want), "platform-%s/i86pc/k",
                 scan.builds[i].name);
        served(out.data, path, want);
    }
    pxe_buf_free(&out);
    free(scan.builds);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_fields),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_long_lines),
        cmocka_unit_test(test_parse_dangers),
        cmocka_unit_test(test_eval_order),
        cmocka_unit_test(test_eval_replacement),
        cmocka_unit_test(test_eval_filters),
        cmocka_unit_test(test_eval_denials),
        cmocka_unit_test(test_eval_hangs),
        cmocka_unit_test(test_lint),
        cmocka_unit_test(test_client),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_generate),
        cmocka_unit_test(test_generate_empty),
        cmocka_unit_test(test_generate_every_layout),
        cmocka_unit_test(test_generate_many),
    };

    return PXE_RUN_TESTS(tests);
}
