/*
 * policy-fuzzer.c: lib/policy.c (rule config parser, PCRE2 patterns,
 * decisions).  The input is a small line language that builds the value
 * tree an adapter would:
 *   "R"           start a new rule (a map in "rules")
 *   "key=text"    a string value  (in the current rule, or top level
 *                 before the first R)
 *   "key#123"     an integer;  "key?1" a boolean;  "key[1,2,3" an int list
 * A loaded policy then decides for a few fixed clients.  The same rules
 * again with "(?:)" appended to every pattern (which makes none of them
 * plain text, so PCRE2 answers every one) must decide alike: policy.c
 * answers plain-text patterns with memcmp instead.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"
#include "policy_int.h"

#define FZ_MAX_RULES  16
#define FZ_MAX_KEYS   12
#define FZ_MAX_INTS   8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    pxe_value_t  top[FZ_MAX_KEYS + 1];
    size_t       ntop;
    pxe_value_t  rules[FZ_MAX_RULES];
    pxe_value_t  keys[FZ_MAX_RULES][FZ_MAX_KEYS];
    pxe_value_t  ints[(FZ_MAX_RULES + 1) * FZ_MAX_KEYS][FZ_MAX_INTS];
    size_t       nrules, nlists;
    char        *forced;        /* patterns with "(?:)" appended */
} fz_tree_t;

static int fz_is_pattern(const pxe_value_t *v);
static int fz_force_pcre2(fz_tree_t *t);

/* The input is not NUL-terminated: parse digits within len only. */
static int64_t
fz_int(const char *s, size_t len)
{
    int64_t  v = 0;
    size_t   i = 0;
    int      neg = 0;

    if (len > 0 && s[0] == '-') {
        neg = 1;
        i = 1;
    }
    for ( ; i < len && i < 12 && s[i] >= '0' && s[i] <= '9'; i++) {
        v = v * 10 + (s[i] - '0');
    }
    return neg ? -v : v;
}

static int
fz_is_pattern(const pxe_value_t *v)
{
    static const char *const  keys[] = { "vendor-class", "user-class", "mac" };
    size_t                    i;

    for (i = 0; i < 3; i++) {
        if (v->type == PXE_VALUE_STRING && v->key.len == strlen(keys[i])
            && memcmp(v->key.data, keys[i], v->key.len) == 0)
        {
            return 1;
        }
    }
    return 0;
}

/*
 * Appends "(?:)" to every rule's pattern; -1 (no comparison) when one
 * has a backslash or "(", after which "(?:)" could mean something else
 * (an escaped "(", text inside \Q, an option group).
 */
static int
fz_force_pcre2(fz_tree_t *t)
{
    size_t  r, k, total = 0, off = 0;

    for (r = 0; r < t->nrules; r++) {
        for (k = 0; k < t->rules[r].nitems; k++) {
            const pxe_value_t  *v = &t->keys[r][k];

            if (fz_is_pattern(v)) {
                if (memchr(v->string.data, '\\', v->string.len) != NULL
                    || memchr(v->string.data, '(', v->string.len) != NULL)
                {
                    return -1;
                }
                total += v->string.len + 4;
            }
        }
    }
    t->forced = malloc(total + 1);
    if (t->forced == NULL) {
        return -1;
    }
    for (r = 0; r < t->nrules; r++) {
        for (k = 0; k < t->rules[r].nitems; k++) {
            pxe_value_t  *v = &t->keys[r][k];

            if (fz_is_pattern(v)) {
                memcpy(t->forced + off, v->string.data, v->string.len);
                memcpy(t->forced + off + v->string.len, "(?:)", 4);
                v->string.data = t->forced + off;
                v->string.len += 4;
                off += v->string.len;
            }
        }
    }
    return 0;
}

static void
fz_decide(const pxe_policy_t *p, long rules[3])
{
    static const char *const  vcs[] = {
        "PXEClient:Arch:00000:UNDI:002001", "HTTPClient:Arch:00016", "x"
    };
    pxe_client_t              c;
    pxe_decision_t            d, lin;
    pxe_str_t                 cls = { "rack-b", 6 };
    const uint8_t             ip[4] = { 192, 0, 2, 100 };
    size_t                    i;

    for (i = 0; i < 3; i++) {
        pxe_client_init(&c);
        (void) pxe_client_set_mac(&c, (const uint8_t *) "\x52\x54\x00\x12\x34"
                                  "\x56", 6);
        pxe_client_set_ip(&c, ip);
        (void) pxe_client_set_option(&c, PXE_OPT_CLIENT_ARCH,
                                     (const uint8_t *) "\x00\x00\x00\x07",
                                     2 * (i + 1) > 4 ? 4 : 2 * (i + 1));
        (void) pxe_client_set_option(&c, PXE_OPT_VENDOR_CLASS,
                                     (const uint8_t *) vcs[i],
                                     strlen(vcs[i]));
        if (i == 1) {
            (void) pxe_client_set_option(&c, PXE_OPT_USER_CLASS,
                                         (const uint8_t *) "iPXE", 4);
        }
        pxe_client_set_classes(&c, &cls, i > 0 ? 1 : 0);
        rules[i] = pxe_policy_decide(p, &c, &d) == PXE_OK ? d.rule : -2;
        /* The index must not change a decision (policy_index.c). */
        if ((pxe_policy_decide_linear(p, &c, &lin) == PXE_OK ? lin.rule : -2)
            != rules[i] || lin.skipped != d.skipped
            || lin.file_len != d.file_len
            || memcmp(lin.file, d.file, d.file_len) != 0)
        {
            __builtin_trap();
        }
        if (rules[i] != -2
            && (d.rule < 0 || (size_t) d.rule >= p->nrules
                || d.file_len > PXE_OPTION_MAX
                || (d.file_field && d.file_len >= PXE_BOOTFILE_MAX)))
        {
            __builtin_trap();
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_tree_t         *t;
    pxe_value_t        params, rules_v;
    pxe_policy_t       p;
    pxe_policy_err_t   err;
    const char        *s = (const char *) data, *end = s + size;
    long               got[3], want[3];

    if (size > 8192) {
        return 0;
    }
    t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return 0;
    }
    while (s < end) {
        const char   *nl = memchr(s, '\n', (size_t) (end - s));
        const char   *line_end = nl != NULL ? nl : end;
        size_t        len = (size_t) (line_end - s), k;
        pxe_value_t  *v = NULL;

        if (len == 1 && s[0] == 'R') {
            if (t->nrules < FZ_MAX_RULES) {
                t->rules[t->nrules].type = PXE_VALUE_MAP;
                t->rules[t->nrules].items = t->keys[t->nrules];
                t->nrules++;
            }
        } else if (len > 0) {
            for (k = 0; k < len && strchr("=#?[", s[k]) == NULL; k++) {
            }
            if (t->nrules == 0 && t->ntop < FZ_MAX_KEYS) {
                v = &t->top[t->ntop++];
            } else if (t->nrules > 0
                       && t->rules[t->nrules - 1].nitems < FZ_MAX_KEYS)
            {
                v = &t->keys[t->nrules - 1][t->rules[t->nrules - 1].nitems++];
            }
            if (v != NULL) {
                v->key.data = s;
                v->key.len = k;
                v->type = PXE_VALUE_STRING;
                v->string.data = k < len ? s + k + 1 : s + len;
                v->string.len = k < len ? len - k - 1 : 0;
                if (k < len && s[k] == '#') {
                    v->type = PXE_VALUE_INT;
                    v->integer = fz_int(v->string.data, v->string.len);
                } else if (k < len && s[k] == '?') {
                    v->type = PXE_VALUE_BOOL;
                    v->boolean = v->string.len > 0 && v->string.data[0] == '1';
                } else if (k < len && s[k] == '[') {
                    pxe_value_t  *list = t->ints[t->nlists++];
                    size_t        j, n = 0;

                    v->type = PXE_VALUE_LIST;
                    v->items = list;
                    for (j = 0; j < v->string.len && n < FZ_MAX_INTS; j++) {
                        if (j == 0 || v->string.data[j - 1] == ',') {
                            list[n].type = PXE_VALUE_INT;
                            list[n].integer = fz_int(v->string.data + j,
                                                     v->string.len - j);
                            n++;
                        }
                    }
                    v->nitems = n;
                }
            }
        }
        s = line_end + 1;
    }
    memset(&rules_v, 0, sizeof(rules_v));
    rules_v.type = PXE_VALUE_LIST;
    rules_v.key.data = "rules";
    rules_v.key.len = 5;
    rules_v.items = t->rules;
    rules_v.nitems = t->nrules;
    t->top[t->ntop++] = rules_v;
    memset(&params, 0, sizeof(params));
    params.type = PXE_VALUE_MAP;
    params.items = t->top;
    params.nitems = t->ntop;

    pxe_policy_init(&p);
    if (pxe_policy_load(&p, &params, &err) == PXE_OK) {
        fz_decide(&p, got);
        if (fz_force_pcre2(t) == 0) {
            pxe_policy_free(&p);
            if (pxe_policy_load(&p, &params, &err) == PXE_OK) {
                fz_decide(&p, want);
                if (memcmp(got, want, sizeof(got)) != 0) {
                    __builtin_trap();
                }
            }
        }
    } else if (err.msg[0] == '\0' || p.rules != NULL) {
        __builtin_trap();
    }
    pxe_policy_free(&p);
    free(t->forced);
    free(t);
    return 0;
}
