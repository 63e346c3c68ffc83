/*
 * test_policy_seq.c: the sequence matcher (lib/policy_seq.c) answers as
 * PCRE2 does, or declines.  Patterns are built at random from the pieces
 * sites write and the ones it must decline (alternation, variable
 * repetition, POSIX classes, escapes it does not know); subjects from
 * what the pattern expects, then mutated.  Every subject of every pattern
 * it accepts must get PCRE2's answer, under load_pattern's options.
 */

#include <stdio.h>
#include <string.h>

#include "test.h"
#include "policy_int.h"

#define PATTERNS    20000
#define SUBJECTS    24
#define SUBJECT_MAX 96

static uint32_t  seed = 4242;

static uint32_t
rnd(uint32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

/* Pieces of patterns it takes, and (below) ones it must leave to PCRE2. */
static const char *const  pieces[] = {
    "P", "X", "E", "C", "l", "i", "e", "n", "t", ":", "A", "r", "c", "h",
    "0", "1", "7", "9", "5", "2", "a", "b", "f", " ", "-", "_", "/", "=",
    "\\:", "\\.", "\\-", "\\]", "\\\\", "\\d", "\\$", "\\^", ".", ".",
    "[0-9]", "[0-9a-f]", "[79]", "[^0-9]", "[^:]", "[-a]", "[a-]",
    "[\\]a]", "[\\d:]", "[.$|*]", "[A-Za-z]", "[^\\n]", "[ -~]",
    "{2}", "{3}", "{1}", "{12}",
    "(0|1)", "(?:ab|c)", "(a|)", "(7|9[0-9])", "|", "(x|(y|z)1)", "()",
    "(0030|0020)", "$|^", "(P|p)X",
};
static const char *const  declined_pieces[] = {
    "a*", "b+", "c?", "{0}", "{1,2}", "[[:digit:]]", "[]a]", "\\n",
    "\\x41", "\\w", "\\s", "(?i)", "\\Q.\\E", "}", "]", "\x80",
    "(a|b)*", "(a){2}", "(^a)", "(a$)", "(?=a)", "(a|b|c|d)(e|f|g|h)(i|j)",
    "((((a))))",
};

/* Bytes subjects are made of, newlines included ($ and . care). */
static const char  alphabet[] = "PXEClient:Arch:0000179UNDI.-_ ab5f\n]$\\^";

static void
make_pattern(char *out, size_t max)
{
    size_t  n = 0, k, parts = 1 + rnd(12);
    const char  *p;

    if (rnd(3) != 0) {
        out[n++] = '^';
    }
    for (k = 0; k < parts; k++) {
        p = rnd(16) == 0
            ? declined_pieces[rnd(sizeof(declined_pieces)
                                  / sizeof(declined_pieces[0]))]
            : pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
        if (n + strlen(p) + 2 >= max) {
            break;
        }
        memcpy(out + n, p, strlen(p));
        n += strlen(p);
    }
    if (rnd(3) == 0) {
        out[n++] = '$';
    }
    out[n] = '\0';
}

/* A subject the sequence would match, then (often) broken somewhere. */
static size_t
make_subject(const pxe_seq_t *q, uint8_t *s)
{
    const pxe_seq_alt_t  *a = &q->alt[rnd(q->nalt)];
    size_t                n = 0, k, lead = a->anchored ? 0 : rnd(4), c;

    for (k = 0; k < lead; k++) {
        s[n++] = (uint8_t) alphabet[rnd(sizeof(alphabet) - 1)];
    }
    for (k = 0; k < a->n && n < SUBJECT_MAX - 2; k++) {
        if (a->set_of[k] == 0) {
            s[n++] = a->byte[k];
            continue;
        }
        for (c = rnd(256); ; c = (c + 1) & 0xff) {
            if (q->sets[a->set_of[k] - 1][c >> 5] >> (c & 31) & 1u) {
                break;
            }
        }
        s[n++] = (uint8_t) c;
    }
    switch (rnd(6)) {
    case 0:
        if (n > 0) {
            s[rnd((uint32_t) n)] = (uint8_t) alphabet[rnd(sizeof(alphabet) - 1)];
        }
        break;
    case 1:
        s[n++] = '\n';
        break;
    case 2:
        s[n++] = (uint8_t) alphabet[rnd(sizeof(alphabet) - 1)];
        break;
    case 3:
        if (n > 0) {
            n--;
        }
        break;
    default:
        break;
    }
    return n;
}

static void
test_agrees_with_pcre2(void **state)
{
    char               pat[128];
    uint8_t            subj[SUBJECT_MAX + 32];
    pcre2_code        *re;
    pcre2_match_data  *md;
    pxe_seq_t         *q;
    PCRE2_SIZE         off;
    size_t             i, j, len, accepted = 0, declined = 0, matched = 0,
                       differ = 0;
    int                ec, want, got;

    (void) state;
    md = pcre2_match_data_create(1, NULL);
    assert_non_null(md);
    for (i = 0; i < PATTERNS; i++) {
        make_pattern(pat, sizeof(pat));
        re = pcre2_compile((PCRE2_SPTR) pat, strlen(pat),
                           PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &ec, &off,
                           NULL);
        if (re == NULL) {
            continue;
        }
        q = pxe_seq_compile(pat, strlen(pat));
        if (q == NULL) {
            declined++;
            pcre2_code_free(re);
            continue;
        }
        accepted++;
        for (j = 0; j < SUBJECTS; j++) {
            len = make_subject(q, subj);
            want = pcre2_match(re, subj, len, 0, 0, md, NULL) >= 0;
            got = pxe_seq_match(q, subj, len);
            matched += (size_t) want;
            if (got != want && differ++ < 5) {
                fprintf(stderr, "pattern \"%s\" subject \"%.*s\": PCRE2 %d, "
                        "sequence %d\n", pat, (int) len, (char *) subj,
                        want, got);
            }
        }
        free(q);
        pcre2_code_free(re);
    }
    pcre2_match_data_free(md);
    fprintf(stderr, "# %zu patterns taken, %zu left to PCRE2, %zu of %zu "
            "subjects matched\n", accepted, declined, matched,
            accepted * SUBJECTS);
    assert_int_equal(differ, 0);
    /* Not vacuous: both kinds of pattern and both answers, in bulk. */
    assert_true(accepted > PATTERNS / 4);
    assert_true(declined > PATTERNS / 10);
    assert_true(matched > accepted * SUBJECTS / 5);
    assert_true(matched < accepted * SUBJECTS * 4 / 5);
}

/* What site patterns look like: taken, and answered right. */
static void
test_site_patterns(void **state)
{
    static const struct {
        const char  *pat, *subj;
        int          taken, match;
    } t[] = {
        { "^52:54:00:[0-9a-f]{2}:1c:", "52:54:00:12:1c:56", 1, 1 },
        { "^52:54:00:[0-9a-f]{2}:1c:", "52:54:00:12:34:56", 1, 0 },
        { "^PXEClient:Arch:0000[79]", "PXEClient:Arch:00007:UNDI:003016", 1, 1 },
        { "^PXEClient:Arch:0000[79]", "PXEClient:Arch:00000:UNDI:002001", 1, 0 },
        { "Arch:0000[79]:", "PXEClient:Arch:00009:UNDI:003016", 1, 1 },
        { "^rack-\\d{2}$", "rack-07", 1, 1 },
        { "^rack-\\d{2}$", "rack-07\n", 1, 1 },
        { "^rack-\\d{2}$", "rack-07\n\n", 1, 0 },
        { "^rack-\\d{2}$", "rack-007", 1, 0 },
        { "^a.c$", "a\nc", 1, 0 },
        { "^a[^b]c$", "a\nc", 1, 1 },
        { "^(00:25:90|0c:c4:7a):", "00:25:90:01:02:03", 1, 1 },
        { "^(00:25:90|0c:c4:7a):", "0c:c4:7a:01:02:03", 1, 1 },
        { "^(00:25:90|0c:c4:7a):", "0c:c4:7b:01:02:03", 1, 0 },
        { "^a$|b", "xbx", 1, 1 },
        { "^a$|b", "xa", 1, 0 },
        { "UNDI:(0030|0020)01$", "PXEClient:Arch:00000:UNDI:002001", 1, 1 },
        { "(a|b)+", "a", 0, 1 },
        { "^aa:bb:[0-9a-f]+:", "aa:bb:1:", 0, 1 },
        { "(?i)^pxe", "PXEClient", 0, 1 },
        { "^[[:digit:]]", "1", 0, 1 },
    };
    size_t      i;
    pxe_seq_t  *q;

    (void) state;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        q = pxe_seq_compile(t[i].pat, strlen(t[i].pat));
        if (!t[i].taken) {
            assert_null(q);
            continue;
        }
        assert_non_null(q);
        if (pxe_seq_match(q, (const uint8_t *) t[i].subj, strlen(t[i].subj))
            != t[i].match)
        {
            fail_msg("\"%s\" on \"%s\"", t[i].pat, t[i].subj);
        }
        free(q);
    }
}

int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_site_patterns),
        cmocka_unit_test(test_agrees_with_pcre2),
    };

    return PXE_RUN_TESTS(tests);
}
