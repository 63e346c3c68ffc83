/*
 * policy.c: the boot-file rules.  An ordered list, first match wins; all
 * of a rule's match keys must hold.  Loading checks every key and type and
 * compiles every pattern (PCRE2, JIT) once; deciding only reads the
 * policy, so Kea's packet threads share it without locks.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit_private.h"
#include "policy_int.h"

/* Backtracking bound: a pattern from the config against a 255-byte
 * option must not be able to stall a packet thread. */
#define POLICY_MATCH_LIMIT   100000


static const char *const pat_keys[PAT_COUNT] = {
    [PAT_VENDOR_CLASS] = "vendor-class",
    [PAT_USER_CLASS] = "user-class",
    [PAT_MAC] = "mac",
};

static int policy_error(pxe_policy_err_t *err, int status, long rule,
    const char *key, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
static const char *type_name(const pxe_value_t *v);
static int key_is(const pxe_value_t *v, const char *key);
static int key_repeated(const pxe_value_t *map, size_t i);
static int parse_ipv4(const pxe_value_t *v, uint8_t out[4]);
static int parse_ipv6(const pxe_value_t *v, uint8_t out[16]);
static int parse_sname(const pxe_value_t *v, char *out, size_t *len);
static int load_rule(struct pxe_rule_s *r, long idx, const pxe_value_t *map,
    int family, pxe_policy_err_t *err);
static int load_family(pxe_policy_t *p, const pxe_value_t *params,
    int family, pxe_policy_err_t *err);
static int load_rule6(const struct pxe_rule_s *r, long idx,
    pxe_policy_err_t *err);
static int load_arch(struct pxe_rule_s *r, long idx, const pxe_value_t *v,
    pxe_policy_err_t *err);
static int load_classes(struct pxe_rule_s *r, long idx,
    const pxe_value_t *v, pxe_policy_err_t *err);
static int load_subnets(struct pxe_rule_s *r, long idx,
    const pxe_value_t *v, pxe_policy_err_t *err);
static int parse_cidr(const pxe_str_t *s, uint8_t out[5]);
static int load_pattern(struct pxe_rule_s *r, int which, long idx,
    const pxe_value_t *v, pxe_policy_err_t *err);
static int load_boot_file(struct pxe_rule_s *r, long idx,
    const pxe_value_t *v, pxe_policy_err_t *err);
static void rule_free(struct pxe_rule_s *r);
/* One decision's scratch: what is computed only when a rule needs it. */
struct decide_s {
    const pxe_client_t  *c;
    pcre2_match_data    *md;
    char                 mac[PXE_MACSTR_MAX + PXE_SUBJECT_PAD];
    size_t               mac_len;
    int                  mac_done;
};

static int pattern_literal(const char *pat, size_t len, char *out,
    uint8_t *out_len);
/* Inlined into each loop of decide(): a call per rule costs ~10%. */
#if defined(__GNUC__)
#define POLICY_INLINE  inline __attribute__((always_inline))
#else
#define POLICY_INLINE  inline
#endif
static POLICY_INLINE int keys_match(const struct pxe_rule_s *r,
    const pxe_client_t *c);
static POLICY_INLINE int patterns_match(const pxe_policy_t *p,
    const struct pxe_rule_s *r, struct decide_s *ds, unsigned done);
static int take_rule(const pxe_policy_t *p, size_t i, struct decide_s *ds,
    pxe_decision_t *d);
static int decide(const pxe_policy_t *p, const pxe_client_t *c,
    pxe_decision_t *d, int use_index);
static uint64_t seqsets_filter(const pxe_index_t *ix, uint64_t cand,
    struct decide_s *ds, uint64_t *vdone, uint64_t *mdone);
static POLICY_INLINE int pat_match(const pxe_policy_t *p, const struct pxe_rule_s *r,
    int which, const uint8_t *s, size_t len, struct decide_s *ds);
static void decide_mac(struct decide_s *ds);
static int expand_boot_file(const struct pxe_rule_s *r, struct decide_s *ds,
    pxe_decision_t *d);
static size_t format_uint(unsigned v, char *out);
static size_t format_ipv4(const uint8_t ip[4], char *out);

/* "rule 2, key 'arch': expected ...", or without the parts not known. */
static int
policy_error(pxe_policy_err_t *err, int status, long rule, const char *key,
    const char *fmt, ...)
{
    va_list  ap;
    int      n = 0;

    if (err == NULL) {
        return status;
    }
    err->status = status;
    err->rule = rule;
    snprintf(err->key, sizeof(err->key), "%s", key != NULL ? key : "");
    if (rule >= 0 && key != NULL) {
        n = snprintf(err->msg, sizeof(err->msg), "rule %ld, key '%.31s': ",
                     rule, key);
    } else if (rule >= 0) {
        n = snprintf(err->msg, sizeof(err->msg), "rule %ld: ", rule);
    } else if (key != NULL) {
        n = snprintf(err->msg, sizeof(err->msg), "key '%.31s': ", key);
    }
    if (n < 0 || (size_t) n >= sizeof(err->msg)) {
        n = 0;
    }
    va_start(ap, fmt);
    vsnprintf(err->msg + n, sizeof(err->msg) - (size_t) n, fmt, ap);
    va_end(ap);
    return status;
}

static const char *
type_name(const pxe_value_t *v)
{
    switch (v->type) {
    case PXE_VALUE_NULL:   return "null";
    case PXE_VALUE_BOOL:   return "a boolean";
    case PXE_VALUE_INT:    return "an integer";
    case PXE_VALUE_REAL:   return "a real number";
    case PXE_VALUE_STRING: return "a string";
    case PXE_VALUE_LIST:   return "a list";
    case PXE_VALUE_MAP:    return "a map";
    }
    return "an unknown type";
}

static int
key_is(const pxe_value_t *v, const char *key)
{
    return v->key.len == strlen(key) && memcmp(v->key.data, key, v->key.len) == 0;
}

/* Kea maps cannot repeat a key, but other callers' trees can. */
static int
key_repeated(const pxe_value_t *map, size_t i)
{
    size_t  j;

    for (j = 0; j < i; j++) {
        if (map->items[j].key.len == map->items[i].key.len
            && memcmp(map->items[j].key.data, map->items[i].key.data,
                      map->items[i].key.len) == 0)
        {
            return 1;
        }
    }
    return 0;
}

static int
parse_ipv4(const pxe_value_t *v, uint8_t out[4])
{
    char  s[INET_ADDRSTRLEN];

    if (v->type != PXE_VALUE_STRING || v->string.len >= sizeof(s)
        || memchr(v->string.data, '\0', v->string.len) != NULL)
    {
        return PXE_EINVAL;
    }
    memcpy(s, v->string.data, v->string.len);
    s[v->string.len] = '\0';
    return inet_pton(AF_INET, s, out) == 1 ? PXE_OK : PXE_EINVAL;
}

/* sname is a NUL-terminated 64-byte field: at most 63 printable bytes. */
static int
parse_ipv6(const pxe_value_t *v, uint8_t out[16])
{
    char  text[48];

    if (v->type != PXE_VALUE_STRING || v->string.len >= sizeof(text)
        || memchr(v->string.data, '\0', v->string.len) != NULL)
    {
        return PXE_EINVAL;
    }
    memcpy(text, v->string.data, v->string.len);
    text[v->string.len] = '\0';
    return inet_pton(AF_INET6, text, out) == 1 ? PXE_OK : PXE_EINVAL;
}

static int
parse_sname(const pxe_value_t *v, char *out, size_t *len)
{
    size_t  i;

    if (v->type != PXE_VALUE_STRING || v->string.len == 0
        || v->string.len >= PXE_SNAME_MAX)
    {
        return PXE_EINVAL;
    }
    for (i = 0; i < v->string.len; i++) {
        unsigned char  ch = (unsigned char) v->string.data[i];

        if (ch <= 0x20 || ch >= 0x7f) {
            return PXE_EINVAL;
        }
    }
    memcpy(out, v->string.data, v->string.len);
    *len = v->string.len;
    return PXE_OK;
}

void
pxe_policy_init(pxe_policy_t *p)
{
    memset(p, 0, sizeof(*p));
}

void
pxe_policy_free(pxe_policy_t *p)
{
    size_t  i;

    if (p->rules != NULL) {
        for (i = 0; i < p->nrules; i++) {
            rule_free(&p->rules[i]);
        }
        free(p->rules);
    }
    if (p->match_ctx != NULL) {
        pcre2_match_context_free(p->match_ctx);
    }
    pxe_policy_index_free(p->index);
    pxe_policy_machash_free(p->machash);
    memset(p, 0, sizeof(*p));
}

static void
rule_free(struct pxe_rule_s *r)
{
    int  i;

    for (i = 0; i < PAT_COUNT; i++) {
        pcre2_code_free(r->pat[i]);
        free(r->seq[i]);
    }
    free(r->arch);
    free(r->classes);
    free(r->class_mem);
    free(r->subnets);
    free(r->boot_file);
    free(r->pieces);
    free(r->param);
    memset(r, 0, sizeof(*r));
}

int
pxe_policy_load(pxe_policy_t *p, const pxe_value_t *params,
    pxe_policy_err_t *err)
{
    return load_family(p, params, 4, err);
}

int
pxe_policy_load6(pxe_policy_t *p, const pxe_value_t *params,
    pxe_policy_err_t *err)
{
    return load_family(p, params, 6, err);
}

static int
load_family(pxe_policy_t *p, const pxe_value_t *params, int family,
    pxe_policy_err_t *err)
{
    const pxe_value_t  *rules = NULL;
    const char         *why;
    size_t              i;
    int                 have_ns = 0, rc;

    pxe_policy_free(p);
    if (err != NULL) {
        memset(err, 0, sizeof(*err));
        err->rule = -1;
    }
    if (params == NULL || params->type != PXE_VALUE_MAP) {
        return policy_error(err, PXE_EINVAL, -1, NULL,
                            "parameters: expected a map, got %s",
                            params == NULL ? "nothing" : type_name(params));
    }
    for (i = 0; i < params->nitems; i++) {
        const pxe_value_t  *v = &params->items[i];

        if (key_repeated(params, i)) {
            char  key[32];

            snprintf(key, sizeof(key), "%.*s",
                     (int) (v->key.len < 31 ? v->key.len : 31), v->key.data);
            rc = policy_error(err, PXE_EINVAL, -1, key, "given twice");
            goto fail;
        }
        if (family == 6 && (why = pxe_policy6_refused(v, 1)) != NULL) {
            char  key[32];

            snprintf(key, sizeof(key), "%.*s", (int) v->key.len, v->key.data);
            rc = policy_error(err, PXE_EINVAL, -1, key, "%s", why);
            goto fail;
        }
        if (key_is(v, "next-server")) {
            if (parse_ipv4(v, p->next_server) != PXE_OK) {
                rc = policy_error(err, PXE_EINVAL, -1, "next-server",
                                  "expected an IPv4 address string");
                goto fail;
            }
            have_ns = 1;
        } else if (key_is(v, "server-hostname")) {
            if (parse_sname(v, p->server_hostname, &p->server_hostname_len)
                != PXE_OK)
            {
                rc = policy_error(err, PXE_EINVAL, -1, "server-hostname",
                                  "expected a string of 1 to %d printable "
                                  "characters", PXE_SNAME_MAX - 1);
                goto fail;
            }
        } else if (key_is(v, "option-67")) {
            if (v->type == PXE_VALUE_STRING && v->string.len == 4
                && memcmp(v->string.data, "auto", 4) == 0)
            {
                p->option67 = PXE_OPTION67_AUTO;
            } else if (v->type == PXE_VALUE_STRING && v->string.len == 6
                       && memcmp(v->string.data, "always", 6) == 0)
            {
                p->option67 = PXE_OPTION67_ALWAYS;
            } else if (v->type == PXE_VALUE_STRING && v->string.len == 5
                       && memcmp(v->string.data, "never", 5) == 0)
            {
                p->option67 = PXE_OPTION67_NEVER;
            } else {
                rc = policy_error(err, PXE_EINVAL, -1, "option-67",
                                  "expected \"auto\", \"always\" or "
                                  "\"never\"");
                goto fail;
            }
        } else if (key_is(v, "rules")) {
            rules = v;
        } else {
            char  key[32];

            snprintf(key, sizeof(key), "%.*s",
                     (int) (v->key.len < 31 ? v->key.len : 31), v->key.data);
            rc = policy_error(err, PXE_EINVAL, -1, key, "unknown parameter "
                              "(known: next-server, server-hostname, "
                              "option-67, rules)");
            goto fail;
        }
    }
    if (!have_ns && family == 4) {
        rc = policy_error(err, PXE_EINVAL, -1, "next-server",
                          "missing (an IPv4 address string is required)");
        goto fail;
    }
    if (rules == NULL || rules->type != PXE_VALUE_LIST || rules->nitems == 0) {
        rc = policy_error(err, PXE_EINVAL, -1, "rules",
                          "expected a non-empty list of rules, got %s",
                          rules == NULL ? "nothing"
                          : rules->type == PXE_VALUE_LIST ? "an empty list"
                          : type_name(rules));
        goto fail;
    }
    if (rules->nitems > PXE_RULES_MAX + PXE_MAC_RULES_MAX) {
        rc = policy_error(err, PXE_ETOOMANY, -1, "rules",
                          "more than %d rules", PXE_RULES_MAX);
        goto fail;
    }
    p->rules = calloc(rules->nitems, sizeof(*p->rules));
    p->match_ctx = pcre2_match_context_create(NULL);
    if (p->rules == NULL || p->match_ctx == NULL) {
        rc = policy_error(err, PXE_ENOMEM, -1, "rules", "out of memory");
        goto fail;
    }
    pcre2_set_match_limit(p->match_ctx, POLICY_MATCH_LIMIT);
    pcre2_set_depth_limit(p->match_ctx, POLICY_MATCH_LIMIT);
    p->nrules = rules->nitems;
    for (i = 0; i < rules->nitems; i++) {
        struct pxe_rule_s  *r = &p->rules[i];

        rc = load_rule(r, (long) i, &rules->items[i], family, err);
        if (rc != PXE_OK) {
            goto fail;
        }
        r->ns_text_len = format_ipv4(r->has_next_server ? r->next_server
                                     : p->next_server, r->ns_text);
        p->needs_subnet |= r->nsubnets > 0;
        p->needs_hostname |= (r->boot_file_vars
                              & (1u << PXE_VAR_HOSTNAME)) != 0;
        p->needs_classes |= r->nclasses > 0;
    }
    /* Past PXE_RULES_MAX only exact-MAC rules (the hash's) may come. */
    if (p->nrules > PXE_RULES_MAX) {
        size_t  exact = 0;

        for (i = 0; i < p->nrules; i++) {
            exact += p->rules[i].pat[PAT_MAC] != NULL
                     && p->rules[i].lit_kind[PAT_MAC] == LIT_EXACT;
        }
        if (p->nrules - exact > PXE_RULES_MAX || exact > PXE_MAC_RULES_MAX) {
            rc = policy_error(err, PXE_ETOOMANY, -1, "rules",
                              "more than %d rules", PXE_RULES_MAX);
            goto fail;
        }
    }
    /* Exact-MAC rules by hash (then the index does not apply), else
     * NULL past PXE_INDEX_RULES (or out of memory): rule by rule. */
    p->family = family;
    p->machash = pxe_policy_machash_build(p->rules, p->nrules);
    if (p->machash == NULL) {
        if (p->nrules > PXE_RULES_MAX) {
            rc = policy_error(err, PXE_ENOMEM, -1, "rules", "out of memory");
            goto fail;
        }
        p->index = pxe_policy_index_build(p->rules, p->nrules);
    }
    return PXE_OK;

fail:
    pxe_policy_free(p);
    return rc;
}

/* A DHCPv6 rule answers with a URL: option 59 is all it can set. */
static int
load_rule6(const struct pxe_rule_s *r, long idx, pxe_policy_err_t *err)
{
    if (!r->has_boot_file) {
        return policy_error(err, PXE_EINVAL, idx, NULL,
                            "no action (boot-file; in DHCPv6 a URL)");
    }
    if (!pxe_policy6_url_ok(r->boot_file, r->boot_file_len)) {
        return policy_error(err, PXE_EINVAL, idx, "boot-file",
                            "in DHCPv6 the boot file is a URL: tftp://, "
                            "http:// or https:// and a server, e.g. "
                            "\"tftp://[2001:db8::1]/ipxe.efi\"");
    }
    if (r->boot_file_vars & (1u << PXE_VAR_NEXT_SERVER)) {
        return policy_error(err, PXE_EINVAL, idx, "boot-file",
                            "${next-server} has no meaning in DHCPv6");
    }
    return PXE_OK;
}

static int
load_rule(struct pxe_rule_s *r, long idx, const pxe_value_t *map,
    int family, pxe_policy_err_t *err)
{
    const char  *why;
    size_t       i;
    int          rc;

    if (map->type != PXE_VALUE_MAP) {
        return policy_error(err, PXE_EINVAL, idx, NULL,
                            "expected a map, got %s", type_name(map));
    }
    for (i = 0; i < map->nitems; i++) {
        const pxe_value_t  *v = &map->items[i];

        if (key_repeated(map, i)) {
            char  key[32];

            snprintf(key, sizeof(key), "%.*s",
                     (int) (v->key.len < 31 ? v->key.len : 31), v->key.data);
            return policy_error(err, PXE_EINVAL, idx, key, "given twice");
        }
        if (family == 6 && (why = pxe_policy6_refused(v, 0)) != NULL) {
            char  key[32];

            snprintf(key, sizeof(key), "%.*s", (int) v->key.len, v->key.data);
            return policy_error(err, PXE_EINVAL, idx, key, "%s", why);
        }
        if (key_is(v, "ipxe")) {
            if (v->type != PXE_VALUE_BOOL) {
                return policy_error(err, PXE_EINVAL, idx, "ipxe",
                                    "expected a boolean, got %s",
                                    type_name(v));
            }
            r->has_ipxe = 1;
            r->ipxe = v->boolean ? 1 : 0;
        } else if (key_is(v, "arch")) {
            if ((rc = load_arch(r, idx, v, err)) != PXE_OK) {
                return rc;
            }
        } else if (key_is(v, "class")) {
            if ((rc = load_classes(r, idx, v, err)) != PXE_OK) {
                return rc;
            }
        } else if (key_is(v, "vendor-class")) {
            if ((rc = load_pattern(r, PAT_VENDOR_CLASS, idx, v, err))
                != PXE_OK)
            {
                return rc;
            }
        } else if (key_is(v, "user-class")) {
            if ((rc = load_pattern(r, PAT_USER_CLASS, idx, v, err)) != PXE_OK)
            {
                return rc;
            }
        } else if (key_is(v, "mac")) {
            if ((rc = load_pattern(r, PAT_MAC, idx, v, err)) != PXE_OK) {
                return rc;
            }
        } else if (key_is(v, "option-175")) {
            if (v->type != PXE_VALUE_BOOL) {
                return policy_error(err, PXE_EINVAL, idx, "option-175",
                                    "expected a boolean, got %s",
                                    type_name(v));
            }
            r->has_opt175 = 1;
            r->opt175 = v->boolean ? 1 : 0;
        } else if (key_is(v, "subnet")) {
            if ((rc = load_subnets(r, idx, v, err)) != PXE_OK) {
                return rc;
            }
        } else if (key_is(v, "boot-file")) {
            if ((rc = load_boot_file(r, idx, v, err)) != PXE_OK) {
                return rc;
            }
        } else if (key_is(v, "next-server")) {
            if (parse_ipv4(v, r->next_server) != PXE_OK) {
                return policy_error(err, PXE_EINVAL, idx, "next-server",
                                    "expected an IPv4 address string");
            }
            r->has_next_server = 1;
        } else if (key_is(v, "server-hostname")) {
            if (parse_sname(v, r->sname, &r->sname_len) != PXE_OK) {
                return policy_error(err, PXE_EINVAL, idx, "server-hostname",
                                    "expected a string of 1 to %d printable "
                                    "characters", PXE_SNAME_MAX - 1);
            }
        } else if (family == 6 && key_is(v, "bootfile-param")) {
            rc = pxe_policy6_load_param(r, v);
            if (rc != PXE_OK) {
                return policy_error(err, rc, idx, "bootfile-param",
                                    "expected a string or a non-empty list "
                                    "of strings, each 1 to %d bytes",
                                    PXE_OPTION_MAX);
            }
        } else {
            char  key[32];

            snprintf(key, sizeof(key), "%.*s",
                     (int) (v->key.len < 31 ? v->key.len : 31), v->key.data);
            return policy_error(err, PXE_EINVAL, idx, key,
                                "unknown key (match: ipxe, arch, class, "
                                "vendor-class, user-class, mac, subnet, "
                                "option-175; "
                                "action: "
                                "boot-file, next-server, server-hostname)");
        }
    }
    if (family == 6) {
        return load_rule6(r, idx, err);
    }
    if (!r->has_boot_file && !r->has_next_server && r->sname_len == 0) {
        return policy_error(err, PXE_EINVAL, idx, NULL,
                            "no action (boot-file, next-server or "
                            "server-hostname)");
    }
    return PXE_OK;
}

static int
load_arch(struct pxe_rule_s *r, long idx, const pxe_value_t *v,
    pxe_policy_err_t *err)
{
    const pxe_value_t  *items = v;
    size_t              n = 1, i;

    if (v->type == PXE_VALUE_LIST) {
        items = v->items;
        n = v->nitems;
    }
    if (n == 0 || (v->type != PXE_VALUE_LIST && v->type != PXE_VALUE_INT)) {
        goto bad;
    }
    r->arch = calloc(n, sizeof(*r->arch));
    if (r->arch == NULL) {
        return policy_error(err, PXE_ENOMEM, idx, "arch", "out of memory");
    }
    for (i = 0; i < n; i++) {
        if (items[i].type != PXE_VALUE_INT || items[i].integer < 0
            || items[i].integer > 65535)
        {
            goto bad;
        }
        r->arch[i] = (uint16_t) items[i].integer;
    }
    r->narch = n;
    return PXE_OK;

bad:
    return policy_error(err, PXE_EINVAL, idx, "arch",
                        "expected an integer 0-65535 or a non-empty list "
                        "of them");
}

static int
load_classes(struct pxe_rule_s *r, long idx, const pxe_value_t *v,
    pxe_policy_err_t *err)
{
    const pxe_value_t  *items = v;
    size_t              n = 1, i, total = 0, off = 0;

    if (v->type == PXE_VALUE_LIST) {
        items = v->items;
        n = v->nitems;
    }
    if (n == 0 || (v->type != PXE_VALUE_LIST && v->type != PXE_VALUE_STRING)) {
        goto bad;
    }
    for (i = 0; i < n; i++) {
        if (items[i].type != PXE_VALUE_STRING || items[i].string.len == 0
            || items[i].string.len > PXE_OPTION_MAX)
        {
            goto bad;
        }
        total += items[i].string.len;
    }
    r->classes = calloc(n, sizeof(*r->classes));
    r->class_mem = malloc(total);
    if (r->classes == NULL || r->class_mem == NULL) {
        return policy_error(err, PXE_ENOMEM, idx, "class", "out of memory");
    }
    for (i = 0; i < n; i++) {
        memcpy(r->class_mem + off, items[i].string.data, items[i].string.len);
        r->classes[i].data = r->class_mem + off;
        r->classes[i].len = items[i].string.len;
        off += items[i].string.len;
    }
    r->nclasses = n;
    return PXE_OK;

bad:
    return policy_error(err, PXE_EINVAL, idx, "class",
                        "expected a class name or a non-empty list of them");
}

/* "a.b.c.d/n", n 0-32, no host bits set. */
static int
parse_cidr(const pxe_str_t *s, uint8_t out[5])
{
    unsigned  part[5], i, n = 0;
    size_t    k = 0;
    uint32_t  a, mask;

    for (i = 0; i < 5; i++) {
        if (k >= s->len || s->data[k] < '0' || s->data[k] > '9'
            || (s->data[k] == '0' && k + 1 < s->len && s->data[k + 1] >= '0'
                && s->data[k + 1] <= '9'))
        {
            return PXE_EINVAL;
        }
        part[i] = 0;
        for (n = 0; k < s->len && s->data[k] >= '0' && s->data[k] <= '9';
             k++, n++)
        {
            if (n == 3) {
                return PXE_EINVAL;
            }
            part[i] = part[i] * 10 + (unsigned) (s->data[k] - '0');
        }
        if (i < 4 && (part[i] > 255 || k >= s->len
                      || s->data[k] != (i < 3 ? '.' : '/')))
        {
            return PXE_EINVAL;
        }
        if (i < 4) {
            k++;
        }
    }
    if (k != s->len || part[4] > 32) {
        return PXE_EINVAL;
    }
    a = (uint32_t) part[0] << 24 | part[1] << 16 | part[2] << 8 | part[3];
    mask = part[4] == 0 ? 0 : 0xffffffffu << (32 - part[4]);
    if ((a & ~mask) != 0) {
        return PXE_EINVAL;
    }
    for (i = 0; i < 5; i++) {
        out[i] = (uint8_t) part[i];
    }
    return PXE_OK;
}

static int
load_subnets(struct pxe_rule_s *r, long idx, const pxe_value_t *v,
    pxe_policy_err_t *err)
{
    const pxe_value_t  *items = v;
    size_t              n = 1, i;

    if (v->type == PXE_VALUE_LIST) {
        items = v->items;
        n = v->nitems;
    }
    if (n == 0 || (v->type != PXE_VALUE_LIST && v->type != PXE_VALUE_STRING))
    {
        goto bad;
    }
    r->subnets = calloc(n, sizeof(*r->subnets));
    if (r->subnets == NULL) {
        return policy_error(err, PXE_ENOMEM, idx, "subnet", "out of memory");
    }
    for (i = 0; i < n; i++) {
        if (items[i].type != PXE_VALUE_STRING
            || parse_cidr(&items[i].string, r->subnets[i]) != PXE_OK)
        {
            goto bad;
        }
    }
    r->nsubnets = n;
    return PXE_OK;

bad:
    return policy_error(err, PXE_EINVAL, idx, "subnet",
                        "expected an IPv4 prefix \"a.b.c.d/n\" (no host "
                        "bits set) or a non-empty list of them");
}

void
pxe_client_set_subnet(pxe_client_t *c, const uint8_t net[4], unsigned len)
{
    memcpy(c->subnet, net, 4);
    c->subnet_len = (uint8_t) (len > 32 ? 32 : len);
    c->has_subnet = 1;
}

int
pxe_subnet_inside(const uint8_t net[4], unsigned len, const uint8_t outer[4],
    unsigned outer_len)
{
    uint32_t  a, b, mask;

    if (len > 32 || outer_len > 32 || len < outer_len) {
        return 0;
    }
    a = (uint32_t) net[0] << 24 | (uint32_t) net[1] << 16
        | (uint32_t) net[2] << 8 | net[3];
    b = (uint32_t) outer[0] << 24 | (uint32_t) outer[1] << 16
        | (uint32_t) outer[2] << 8 | outer[3];
    mask = outer_len == 0 ? 0 : 0xffffffffu << (32 - outer_len);
    return (a & mask) == (b & mask);
}

static int
load_pattern(struct pxe_rule_s *r, int which, long idx, const pxe_value_t *v,
    pxe_policy_err_t *err)
{
    pcre2_compile_context  *cctx;
    PCRE2_UCHAR             msg[120];
    PCRE2_SIZE              off;
    int                     ec;

    if (v->type != PXE_VALUE_STRING) {
        return policy_error(err, PXE_EINVAL, idx, pat_keys[which],
                            "expected a pattern string, got %s",
                            type_name(v));
    }
    /* Bounded at load as matches are bounded per packet (match_ctx):
     * load() must never keep Kea compiling a pattern the size of a file. */
    cctx = pcre2_compile_context_create(NULL);
    if (cctx == NULL) {
        return policy_error(err, PXE_ENOMEM, idx, pat_keys[which],
                            "out of memory");
    }
    pcre2_set_max_pattern_length(cctx, PXE_PATTERN_MAX);
    pcre2_set_parens_nest_limit(cctx, PXE_PATTERN_NEST_MAX);
    /* Bytes from the wire are not UTF-8: match them as bytes, always. */
    r->pat[which] = pcre2_compile((PCRE2_SPTR) v->string.data, v->string.len,
                                  PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &ec, &off,
                                  cctx);
    pcre2_compile_context_free(cctx);
    if (r->pat[which] == NULL) {
        if (pcre2_get_error_message(ec, msg, sizeof(msg)) < 0) {
            snprintf((char *) msg, sizeof(msg), "error %d", ec);
        }
        return policy_error(err, PXE_ESYNTAX, idx, pat_keys[which],
                            "bad pattern at offset %zu: %s", (size_t) off,
                            (const char *) msg);
    }
    /* Compiled all the same: PCRE2 stays the judge of what is valid. */
    r->lit_kind[which] = (uint8_t) pattern_literal(v->string.data,
                                                   v->string.len,
                                                   r->lit[which],
                                                   &r->lit_len[which]);
    if (r->lit_kind[which] == LIT_NONE) {
        /* No memory for it only costs speed: PCRE2 answers. */
        r->seq[which] = pxe_seq_compile(v->string.data, v->string.len);
        if (r->seq[which] != NULL) {
            r->lit_kind[which] = LIT_SEQ;
        }
    }
    /* Without JIT the interpreter still answers, only slower.  A literal
     * or a sequence is never matched by PCRE2 (pat_match): no JIT, which
     * was most of loading thousands of per-host rules. */
    r->jit[which] = r->lit_kind[which] == LIT_NONE
                    && pcre2_jit_compile(r->pat[which],
                                         PCRE2_JIT_COMPLETE) == 0;
    return PXE_OK;
}

/*
 * LIT_PREFIX or LIT_SUBSTRING when pat means "starts with" or "contains"
 * a text of at most PAT_LIT_MAX bytes, in PCRE2's default options (the
 * ones load_pattern compiles with): no metacharacter at all, and a
 * backslash only before ASCII punctuation, which PCRE2 takes literally.
 * Anything else, however simple, is LIT_NONE and left to PCRE2.
 */
static int
pattern_literal(const char *pat, size_t len, char *out, uint8_t *out_len)
{
    size_t         i = 0, n = 0;
    int            kind = LIT_SUBSTRING;
    unsigned char  ch;

    *out_len = 0;
    if (len > 0 && pat[0] == '^') {
        kind = LIT_PREFIX;
        i = 1;
    }
    for ( /* void */ ; i < len; i++) {
        ch = (unsigned char) pat[i];
        if (ch == '$' && i + 1 == len && kind == LIT_PREFIX) {
            kind = LIT_EXACT;
            break;
        }
        if (ch == '\\') {
            if (i + 1 == len) {
                return LIT_NONE;
            }
            ch = (unsigned char) pat[++i];
            if (ch < 0x21 || ch > 0x7e || (ch >= '0' && ch <= '9')
                || (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))
            {
                return LIT_NONE;
            }
        } else if (ch < 0x20 || ch > 0x7e
                   || strchr("^$.[|()?*+{", ch) != NULL)
        {
            return LIT_NONE;
        }
        if (n == PAT_LIT_MAX) {
            return LIT_NONE;
        }
        out[n++] = (char) ch;
    }
    *out_len = (uint8_t) n;
    return kind;
}

static int
load_boot_file(struct pxe_rule_s *r, long idx, const pxe_value_t *v,
    pxe_policy_err_t *err)
{
    pxe_vars_t  none;
    pxe_buf_t   measure;
    size_t      where = 0;
    int         rc;

    if (v->type != PXE_VALUE_STRING || v->string.len == 0) {
        return policy_error(err, PXE_EINVAL, idx, "boot-file",
                            "expected a non-empty string, got %s",
                            v->type == PXE_VALUE_STRING ? "an empty string"
                            : type_name(v));
    }
    rc = pxe_template_check(v->string.data, v->string.len, &where);
    if (rc != PXE_OK) {
        return policy_error(err, rc, idx, "boot-file",
                            "%s at offset %zu (variables: ${mac} ${ip} "
                            "${arch} ${hostname} ${next-server})",
                            rc == PXE_ENUL ? "NUL byte"
                            : "unknown variable or unterminated \"${\"",
                            where);
    }
    /* Its literal text alone must fit in option 67, or it never could. */
    memset(&none, 0, sizeof(none));
    pxe_buf_init_measure(&measure, PXE_OPTION_MAX);
    if (pxe_template_expand(v->string.data, v->string.len, &none, &measure)
        != PXE_OK)
    {
        return policy_error(err, PXE_ETOOBIG, idx, "boot-file",
                            "longer than %d bytes (option 67) even with "
                            "empty variables", PXE_OPTION_MAX);
    }
    /* Checked above: only the variables' bits can come back. */
    (void) pxe_template_vars(v->string.data, v->string.len,
                             &r->boot_file_vars);
    r->boot_file = malloc(v->string.len);
    if (r->boot_file == NULL) {
        return policy_error(err, PXE_ENOMEM, idx, "boot-file",
                            "out of memory");
    }
    memcpy(r->boot_file, v->string.data, v->string.len);
    r->boot_file_len = v->string.len;
    r->has_boot_file = 1;
    if (r->boot_file_vars != 0) {
        /* Parsed once here; per packet only its pieces are copied. */
        (void) pxe_template_compile(r->boot_file, r->boot_file_len, NULL, 0,
                                    &r->npieces);
        r->pieces = malloc(r->npieces * sizeof(*r->pieces));
        if (r->pieces == NULL
            || pxe_template_compile(r->boot_file, r->boot_file_len,
                                    r->pieces, r->npieces, &r->npieces)
               != PXE_OK)
        {
            return policy_error(err, PXE_ENOMEM, idx, "boot-file",
                                "out of memory");
        }
    }
    return PXE_OK;
}

/*
 * Match data is made on first use, per call, never shared: Kea runs
 * decisions on many threads at once.  Any error (allocation, match
 * limit, JIT stack) is "no match": fail closed.
 */
static POLICY_INLINE int
pat_match(const pxe_policy_t *p, const struct pxe_rule_s *r, int which,
    const uint8_t *s, size_t len, struct decide_s *ds)
{
    const char  *lit = r->lit[which];
    size_t       n = r->lit_len[which], i;

    switch (r->lit_kind[which]) {
    case LIT_PREFIX:
        /* Most prefixes a client does not match differ in the first
         * byte: cheaper than a call to memcmp. */
        return len >= n
               && (n == 0 || (s[0] == (uint8_t) lit[0]
                              && memcmp(s + 1, lit + 1, n - 1) == 0));
    case LIT_EXACT:
        /* PCRE2's $ also matches before a final newline */
        return (len == n || (len == n + 1 && s[n] == '\n'))
               && memcmp(s, lit, n) == 0;
    case LIT_SUBSTRING:
        for (i = 0; i + n <= len; i++) {
            if (memcmp(s + i, lit, n) == 0) {
                return 1;
            }
        }
        return 0;
    case LIT_SEQ:
        return pxe_seq_match(r->seq[which], s, len);
    }
    if (ds->md == NULL) {
        ds->md = pcre2_match_data_create(1, NULL);
        if (ds->md == NULL) {
            return 0;
        }
    }
    /* The JIT entry point skips pcre2_match's checks of what load made. */
    if (r->jit[which]) {
        return pcre2_jit_match(r->pat[which], (PCRE2_SPTR) s, len, 0, 0,
                               ds->md,
                               (pcre2_match_context *) p->match_ctx) >= 0;
    }
    return pcre2_match(r->pat[which], (PCRE2_SPTR) s, len, 0, 0, ds->md,
                       (pcre2_match_context *) p->match_ctx) >= 0;
}

/*
 * The client's "aa:bb:.." text, made on first need; zeros after it for
 * PCRE2's JIT, which reads whole blocks around a subject's end.
 */
static void
decide_mac(struct decide_s *ds)
{
    if (!ds->mac_done) {
        ds->mac_len = pxe_client_mac_text(ds->c, ds->mac);
        memset(ds->mac + ds->mac_len, 0, PXE_SUBJECT_PAD);
        ds->mac_done = 1;
    }
}

/* The keys the index also answers: iPXE, arch, classes. */
static POLICY_INLINE int
keys_match(const struct pxe_rule_s *r, const pxe_client_t *c)
{
    size_t  i, j;
    int     found;

    if (r->has_ipxe && r->ipxe != c->ipxe) {
        return 0;
    }
    if (r->narch > 0) {
        found = 0;
        for (i = 0; i < c->narch && !found; i++) {
            for (j = 0; j < r->narch; j++) {
                if (c->arch[i] == r->arch[j]) {
                    found = 1;
                    break;
                }
            }
        }
        if (!found) {
            return 0;
        }
    }
    if (r->nclasses > 0) {
        found = 0;
        for (i = 0; i < c->nclasses && !found; i++) {
            for (j = 0; j < r->nclasses; j++) {
                if (c->classes[i].len == r->classes[j].len
                    && memcmp(c->classes[i].data, r->classes[j].data,
                              r->classes[j].len) == 0)
                {
                    found = 1;
                    break;
                }
            }
        }
        if (!found) {
            return 0;
        }
    }
    return 1;
}

/* done: bit 1u << PAT_*: that pattern has matched already (the index's
 * seqset decided it for all candidates at once). */
static POLICY_INLINE int
patterns_match(const pxe_policy_t *p, const struct pxe_rule_s *r,
    struct decide_s *ds, unsigned done)
{
    const pxe_client_t  *c = ds->c;
    size_t               i;
    int                  found;

    if (r->has_opt175 && r->opt175 != c->has_175) {
        return 0;
    }
    if (r->nsubnets > 0) {
        found = 0;
        for (i = 0; c->has_subnet && i < r->nsubnets && !found; i++) {
            found = pxe_subnet_inside(c->subnet, c->subnet_len,
                                      r->subnets[i], r->subnets[i][4]);
        }
        if (!found) {
            return 0;
        }
    }
    if (r->pat[PAT_VENDOR_CLASS] != NULL
        && !(done & (1u << PAT_VENDOR_CLASS))
        && (!c->has_vendor_class
            || !pat_match(p, r, PAT_VENDOR_CLASS, c->vendor_class,
                          c->vendor_class_len, ds)))
    {
        return 0;
    }
    if (r->pat[PAT_USER_CLASS] != NULL) {
        found = 0;
        for (i = 0; c->has_user_class && i < c->nuser_class && !found; i++) {
            found = pat_match(p, r, PAT_USER_CLASS,
                              c->user_class + c->uc_off[i], c->uc_len[i], ds);
        }
        if (!found) {
            return 0;
        }
    }
    if (r->pat[PAT_MAC] != NULL && !(done & (1u << PAT_MAC))) {
        if (c->mac_len == 0) {
            return 0;
        }
        decide_mac(ds);
        if (!pat_match(p, r, PAT_MAC, (const uint8_t *) ds->mac, ds->mac_len,
                       ds))
        {
            return 0;
        }
    }
    return 1;
}

/* By hand: snprintf costs more than the rest of a decision. */
static size_t
format_uint(unsigned v, char *out)
{
    char    tmp[10];
    size_t  n = 0, i;

    do {
        tmp[n++] = (char) ('0' + v % 10);
        v /= 10;
    } while (v > 0 && n < sizeof(tmp));
    for (i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    return n;
}

static size_t
format_ipv4(const uint8_t ip[4], char *out)
{
    size_t  n = 0;
    int     i;

    for (i = 0; i < 4; i++) {
        if (i > 0) {
            out[n++] = '.';
        }
        n += format_uint(ip[i], out + n);
    }
    return n;
}

int
pxe_policy_decide(const pxe_policy_t *p, const pxe_client_t *c,
    pxe_decision_t *d)
{
    return decide(p, c, d, 1);
}

int
pxe_policy_decide_linear(const pxe_policy_t *p, const pxe_client_t *c,
    pxe_decision_t *d)
{
    return decide(p, c, d, 0);
}

/*
 * The candidates whose vendor-class or MAC pattern the index's seqsets
 * decide, tested in one pass per field; *vdone and *mdone: the rules whose
 * pattern on that field is then known to match.
 */
static uint64_t
seqsets_filter(const pxe_index_t *ix, uint64_t cand, struct decide_s *ds,
    uint64_t *vdone, uint64_t *mdone)
{
    const pxe_seqset_t  *ss = ix->seqset[PAT_VENDOR_CLASS];
    const pxe_client_t  *c = ds->c;
    uint64_t             keep;

    if (ss != NULL && (cand & ss->rules) != 0) {
        keep = c->has_vendor_class
               ? pxe_seqset_rules(ss, c->vendor_class, c->vendor_class_len,
                                  cand)
               : 0;
        cand &= ~ss->rules | keep;
        *vdone = ss->rules;
    }
    ss = ix->seqset[PAT_MAC];
    if (ss != NULL && (cand & ss->rules) != 0) {
        keep = 0;
        if (c->mac_len > 0) {
            decide_mac(ds);
            keep = pxe_seqset_rules(ss, (const uint8_t *) ds->mac,
                                    ds->mac_len, cand);
        }
        cand &= ~ss->rules | keep;
        *mdone = ss->rules;
    }
    return cand;
}

static int
decide(const pxe_policy_t *p, const pxe_client_t *c, pxe_decision_t *d,
    int use_index)
{
    struct decide_s  ds;
    uint64_t         cand, vdone = 0, mdone = 0;
    size_t           i;
    int              rc = PXE_ENOMATCH;

    /* Field by field: the arrays are read only up to their lengths. */
    d->rule = -1;
    d->file[0] = '\0';
    d->file_len = 0;
    memset(d->next_server, 0, sizeof(d->next_server));
    d->sname_len = 0;
    d->file_field = 0;
    d->option67 = 0;
    d->vendor_echo = 0;
    d->skipped = 0;
    d->param = NULL;
    d->param_len = 0;
    d->kind = pxe_client_kind(c);
    if (d->kind == PXE_KIND_NONE || p->nrules == 0) {
        return PXE_ENOMATCH;
    }
    ds.c = c;
    ds.md = NULL;
    ds.mac_len = 0;
    ds.mac_done = 0;

    if (p->machash != NULL) {
        /* The client's exact-MAC rules and the others, by index. */
        const pxe_machash_t  *mh = p->machash;
        const uint32_t       *mine = NULL;
        size_t                nmine = 0, a = 0, b = 0;

        if (c->mac_len > 0) {
            decide_mac(&ds);
            mine = pxe_policy_machash_find(mh, ds.mac, ds.mac_len, &nmine);
        }
        while (a < nmine || b < mh->nothers) {
            if (b == mh->nothers || (a < nmine && mine[a] < mh->others[b])) {
                i = mine[a++];
            } else {
                i = mh->others[b++];
            }
            if (keys_match(&p->rules[i], c)
                && patterns_match(p, &p->rules[i], &ds, 0)
                && take_rule(p, i, &ds, d))
            {
                rc = PXE_OK;
                break;
            }
        }
    } else if (use_index && p->index != NULL) {
        /* The candidates' cheap keys hold already: patterns only, in
         * rule order (lowest bit first). */
        cand = pxe_policy_index_candidates(p->index, c);
        cand = seqsets_filter(p->index, cand, &ds, &vdone, &mdone);
        while (cand != 0) {
            i = (size_t) __builtin_ctzll(cand);
            cand &= cand - 1;
            if (patterns_match(p, &p->rules[i], &ds,
                               (unsigned) (vdone >> i & 1) << PAT_VENDOR_CLASS
                               | (unsigned) (mdone >> i & 1) << PAT_MAC)
                && take_rule(p, i, &ds, d))
            {
                rc = PXE_OK;
                break;
            }
        }
    } else {
        for (i = 0; i < p->nrules; i++) {
            if (keys_match(&p->rules[i], c)
                && patterns_match(p, &p->rules[i], &ds, 0)
                && take_rule(p, i, &ds, d))
            {
                rc = PXE_OK;
                break;
            }
        }
    }
    if (ds.md != NULL) {
        pcre2_match_data_free(ds.md);
    }
    return rc;
}

/*
 * Rule i matched: its answer into d, 1.  0 when its boot file does not
 * fit (counted in d->skipped): the next matching rule answers instead.
 */
static int
take_rule(const pxe_policy_t *p, size_t i, struct decide_s *ds,
    pxe_decision_t *d)
{
    const struct pxe_rule_s  *r = &p->rules[i];
    const pxe_client_t       *c = ds->c;

    d->file_len = 0;
    d->file[0] = '\0';
    if (r->has_boot_file) {
        if (expand_boot_file(r, ds, d) != PXE_OK) {
            d->skipped++;
            return 0;
        }
        /* BOOTP's file is NUL-terminated: 127 bytes of name at most. */
        d->file_field = d->file_len < PXE_BOOTFILE_MAX;
        if (!d->file_field && p->option67 == PXE_OPTION67_NEVER) {
            d->skipped++;
            d->file_len = 0;
            d->file[0] = '\0';
            return 0;
        }
        d->option67 = p->option67 == PXE_OPTION67_ALWAYS
                      || (p->option67 == PXE_OPTION67_AUTO
                          && (c->wants_bootfile || !d->file_field));
        d->vendor_echo = (unsigned) pxe_http_boot_echo(c, d->file,
                                                       d->file_len);
    }
    memcpy(d->next_server, r->has_next_server ? r->next_server
                                              : p->next_server, 4);
    if (r->sname_len > 0) {
        memcpy(d->sname, r->sname, r->sname_len);
        d->sname_len = r->sname_len;
    } else if (p->server_hostname_len > 0) {
        memcpy(d->sname, p->server_hostname, p->server_hostname_len);
        d->sname_len = p->server_hostname_len;
    }
    d->param = r->param;
    d->param_len = r->param_len;
    d->rule = (long) i;
    return 1;
}

/*
 * The rule's boot file into d->file: copied when it has no variables,
 * else expanded with only the variables it uses formatted.  Not PXE_OK
 * (the rule is skipped) when it is too long or comes out empty.
 */
static int
expand_boot_file(const struct pxe_rule_s *r, struct decide_s *ds,
    pxe_decision_t *d)
{
    const pxe_client_t  *c = ds->c;
    pxe_vars_t           vars;
    char                 ip[48], arch[8];
    unsigned             use = r->boot_file_vars;

    if (use == 0) {
        /* load_boot_file made sure it fits option 67, hence d->file. */
        memcpy(d->file, r->boot_file, r->boot_file_len);
        d->file[r->boot_file_len] = '\0';
        d->file_len = r->boot_file_len;
        return PXE_OK;
    }
    memset(&vars, 0, sizeof(vars));
    if ((use & (1u << PXE_VAR_MAC)) && c->mac_len > 0) {
        decide_mac(ds);
        vars.v[PXE_VAR_MAC].data = ds->mac;
        vars.v[PXE_VAR_MAC].len = ds->mac_len;
    }
    if ((use & (1u << PXE_VAR_IP)) && c->has_ip) {
        vars.v[PXE_VAR_IP].data = ip;
        vars.v[PXE_VAR_IP].len = format_ipv4(c->ip, ip);
    } else if ((use & (1u << PXE_VAR_IP)) && c->has_ip6) {
        vars.v[PXE_VAR_IP].data = ip;
        vars.v[PXE_VAR_IP].len = pxe_ipv6_text(c->ip6, ip);
    }
    if ((use & (1u << PXE_VAR_ARCH)) && c->narch > 0) {
        vars.v[PXE_VAR_ARCH].data = arch;
        vars.v[PXE_VAR_ARCH].len = format_uint(c->arch[0], arch);
    }
    if (c->hostname_len > 0) {
        vars.v[PXE_VAR_HOSTNAME].data = c->hostname;
        vars.v[PXE_VAR_HOSTNAME].len = c->hostname_len;
    }
    vars.v[PXE_VAR_NEXT_SERVER].data = r->ns_text;
    vars.v[PXE_VAR_NEXT_SERVER].len = r->ns_text_len;
    if (pxe_template_run(r->boot_file, r->pieces, r->npieces, &vars, d->file,
                         PXE_OPTION_MAX, &d->file_len) != PXE_OK
        || d->file_len == 0)
    {
        d->file_len = 0;
        d->file[0] = '\0';
        return PXE_ETOOBIG;
    }
    d->file[d->file_len] = '\0';
    return PXE_OK;
}

int
pxe_decision_has_file(const pxe_decision_t *d)
{
    return d->rule >= 0 && d->file_len > 0;
}

int
pxe_reply_http_echo(const pxe_client_t *c, const pxe_decision_t *d,
    const char *kea_file, size_t kea_len)
{
    if (d->kind == PXE_KIND_NONE) {
        return 0;
    }
    if (pxe_decision_has_file(d)) {
        return (int) d->vendor_echo;
    }
    return pxe_http_boot_echo(c, kea_file, kea_len);
}

int
pxe_http_boot_echo(const pxe_client_t *c, const char *file, size_t len)
{
    static const char *const  schemes[] = { "http://", "https://" };
    size_t                    i, j, n;

    if (!c->has_vendor_class || c->vendor_class_len < 10
        || memcmp(c->vendor_class, "HTTPClient", 10) != 0 || file == NULL)
    {
        return 0;
    }
    for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        n = strlen(schemes[i]);
        if (len < n) {
            continue;
        }
        for (j = 0; j < n; j++) {
            char  ch = file[j];

            if (ch >= 'A' && ch <= 'Z') {
                ch = (char) (ch - 'A' + 'a');
            }
            if (ch != schemes[i][j]) {
                break;
            }
        }
        if (j == n) {
            return 1;
        }
    }
    return 0;
}

int
pxe_client_from_value(pxe_client_t *c, const pxe_value_t *args,
    pxe_str_t *classes, size_t max_classes, pxe_policy_err_t *err)
{
    size_t  i, j, n = 0;
    int     wants = 1;

    pxe_client_init(c);
    if (err != NULL) {
        memset(err, 0, sizeof(*err));
        err->rule = -1;
    }
    if (args == NULL || args->type != PXE_VALUE_MAP) {
        return policy_error(err, PXE_EINVAL, -1, NULL,
                            "arguments: expected a map");
    }
    for (i = 0; i < args->nitems; i++) {
        const pxe_value_t  *v = &args->items[i];

        if (key_is(v, "mac")) {
            if (v->type != PXE_VALUE_STRING
                || pxe_client_parse_mac(c, v->string.data, v->string.len)
                   != PXE_OK)
            {
                return policy_error(err, PXE_EINVAL, -1, "mac",
                                    "expected \"aa:bb:cc:dd:ee:ff\"");
            }
        } else if (key_is(v, "arch")) {
            const pxe_value_t  *items = v;
            size_t              na = 1;

            if (v->type == PXE_VALUE_LIST) {
                items = v->items;
                na = v->nitems;
            } else if (v->type != PXE_VALUE_INT) {
                na = 0;
            }
            if (na == 0 || na > PXE_ARCH_MAX) {
                return policy_error(err, PXE_EINVAL, -1, "arch",
                                    "expected an integer 0-65535 or a "
                                    "non-empty list of them");
            }
            for (j = 0; j < na; j++) {
                if (items[j].type != PXE_VALUE_INT || items[j].integer < 0
                    || items[j].integer > 65535)
                {
                    return policy_error(err, PXE_EINVAL, -1, "arch",
                                        "expected an integer 0-65535 or a "
                                        "non-empty list of them");
                }
                c->arch[j] = (uint16_t) items[j].integer;
            }
            c->narch = na;
            c->has_arch = 1;
        } else if (key_is(v, "user-class") || key_is(v, "vendor-class")
                   || key_is(v, "hostname"))
        {
            unsigned  code = key_is(v, "user-class") ? PXE_OPT_USER_CLASS
                             : key_is(v, "vendor-class") ? PXE_OPT_VENDOR_CLASS
                             : PXE_OPT_HOSTNAME;

            if (v->type != PXE_VALUE_STRING
                || pxe_client_set_option(c, code,
                                         (const uint8_t *) v->string.data,
                                         v->string.len) != PXE_OK)
            {
                return policy_error(err, PXE_EINVAL, -1,
                                    code == PXE_OPT_USER_CLASS ? "user-class"
                                    : code == PXE_OPT_VENDOR_CLASS
                                    ? "vendor-class" : "hostname",
                                    "expected a non-empty string%s",
                                    code == PXE_OPT_HOSTNAME
                                    ? " of [A-Za-z0-9.-]" : "");
            }
        } else if (key_is(v, "ip")) {
            uint8_t  ip[16];

            /* A DHCPv6 server's explain gives the address it assigns. */
            if (parse_ipv4(v, ip) == PXE_OK) {
                pxe_client_set_ip(c, ip);
            } else if (parse_ipv6(v, ip) == PXE_OK) {
                pxe_client_set_ip6(c, ip);
            } else {
                return policy_error(err, PXE_EINVAL, -1, "ip",
                                    "expected an IPv4 or IPv6 address "
                                    "string");
            }
        } else if (key_is(v, "subnet")) {
            uint8_t  net[5];

            /* The subnet Kea would select, written as Kea writes it. */
            if (v->type != PXE_VALUE_STRING
                || parse_cidr(&v->string, net) != PXE_OK)
            {
                return policy_error(err, PXE_EINVAL, -1, "subnet",
                                    "expected an IPv4 prefix \"a.b.c.d/n\" "
                                    "(no host bits set)");
            }
            pxe_client_set_subnet(c, net, net[4]);
        } else if (key_is(v, "requests-bootfile")) {
            if (v->type != PXE_VALUE_BOOL) {
                return policy_error(err, PXE_EINVAL, -1, "requests-bootfile",
                                    "expected a boolean");
            }
            wants = v->boolean;
        } else if (key_is(v, "kea-boot-file")) {
            if (v->type != PXE_VALUE_STRING
                || v->string.len > PXE_OPTION_MAX
                || memchr(v->string.data, '\0', v->string.len) != NULL)
            {
                return policy_error(err, PXE_EINVAL, -1, "kea-boot-file",
                                    "expected a string of at most %d "
                                    "bytes", PXE_OPTION_MAX);
            }
            c->kea_file = v->string;
        } else if (key_is(v, "classes")) {
            const pxe_value_t  *items = v;
            size_t              nc = 1;

            if (v->type == PXE_VALUE_LIST) {
                items = v->items;
                nc = v->nitems;
            }
            for (j = 0; j < nc; j++) {
                if (items[j].type != PXE_VALUE_STRING || n == max_classes) {
                    return policy_error(err, PXE_EINVAL, -1, "classes",
                                        "expected a class name or a list "
                                        "of at most %zu", max_classes);
                }
                classes[n++] = items[j].string;
            }
        } else {
            char  key[32];

            snprintf(key, sizeof(key), "%.*s",
                     (int) (v->key.len < 31 ? v->key.len : 31), v->key.data);
            return policy_error(err, PXE_EINVAL, -1, key,
                                "unknown argument (known: mac, arch, "
                                "user-class, vendor-class, classes, "
                                "hostname, ip, subnet, "
                                "requests-bootfile, kea-boot-file)");
        }
    }
    c->wants_bootfile = wants ? 1 : 0;
    pxe_client_set_classes(c, classes, n);
    return PXE_OK;
}
