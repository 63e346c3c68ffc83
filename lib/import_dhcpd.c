/*
 * import_dhcpd.c: an ISC dhcpd.conf as the Kea hook's ordered rules.
 *
 * The file is read into a tree of statements (bounded: size, nesting),
 * the scopes are collected (group, shared-network, subnet, pool, host,
 * class), then each client context (a host, or a subnet's other clients)
 * is run symbolically, as dhcpd runs its scopes: outer first, so the
 * narrowest scope's statement wins.  A scope's run is a decision list:
 * entries (a conjunction of conditions, the values it leaves) tried in
 * order, first match wins -- exactly the hook's rules.  if/else and
 * and/or/not become products and concatenations of such lists.
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"
#include "pxekit_private.h"
#include "import_int.h"

#define IM_TOKENS_MAX    (1024 * 1024)

enum { T_EOF = 0, T_WORD, T_STRING, T_PUNCT };

typedef struct im_tok_s {
    int          type;
    const char  *s;
    size_t       len;
    unsigned     line;
} im_tok_t;

typedef struct im_node_s im_node_t;
struct im_node_s {
    unsigned     line;
    im_tok_t    *t;
    size_t       nt;
    im_node_t   *kid;
    size_t       nkid;
    unsigned     block:1;
};

enum { S_GLOBAL = 0, S_GROUP, S_SHARED, S_SUBNET, S_POOL, S_HOST, S_CLASS };

#define IM_PERMITS_MAX 8

typedef struct im_scope_s im_scope_t;
struct im_scope_s {
    int              kind;
    const im_node_t *n;             /* its block (the file for global) */
    im_scope_t      *parent;
    const char      *name;
    uint32_t         net, mask;     /* subnet */
    uint8_t          mac[6];        /* host */
    uint32_t         fixed;
    unsigned         has_mac:1;
    unsigned         has_fixed:1;
    unsigned         unknown_permit:1;
    const im_node_t *match;         /* class: "match if ..." */
    const char      *allow[IM_PERMITS_MAX];   /* pool: class names */
    size_t           nallow;
    const char      *deny[IM_PERMITS_MAX];
    size_t           ndeny;
    im_scope_t      *subnet;        /* pool, host with fixed-address */
};

typedef struct im_parse_s {
    pxe_import_t    *im;
    const char      *file;
    im_tok_t        *tok;
    size_t           ntok, pos;
    pxe_buf_t       *err;
    im_scope_t     **scopes;
    size_t           nscopes, cap;
    const char      *pool_class;        /* Kea client-class of the pool
                                         * whose ranges are collected */
    im_scope_t     **subnets;           /* the S_SUBNET scopes, in order */
    size_t           nsubnets;
    const char      *arch_opts[16];     /* options declared code 93 */
    size_t           narch_opts;
    const char      *ipxe_spaces[8];    /* spaces encapsulated in 175 */
    size_t           nipxe_spaces;
    int              depth;
    int              failed;
} im_parse_t;

static int lex(im_parse_t *ps, const char *text, size_t len);
static int parse_block(im_parse_t *ps, im_node_t **kids, size_t *nkids,
    int depth);
static int walk(im_parse_t *ps, const im_node_t *kids, size_t nkids,
    im_scope_t *parent);
static int exec_body(im_parse_t *ps, const im_node_t *kids, size_t nkids,
    im_dl_t *out);
static int cond_dl(im_parse_t *ps, const im_node_t *n, size_t from,
    im_dl_t *out);
static int syntax(im_parse_t *ps, unsigned line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int untranslated(im_parse_t *ps, const im_node_t *n,
    const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static int
is_word(const im_tok_t *t, const char *w)
{
    return t->type == T_WORD && t->len == strlen(w)
           && memcmp(t->s, w, t->len) == 0;
}

static int
is_punct(const im_tok_t *t, const char *p)
{
    return t->type == T_PUNCT && t->len == strlen(p)
           && memcmp(t->s, p, t->len) == 0;
}

static int
syntax(im_parse_t *ps, unsigned line, const char *fmt, ...)
{
    va_list  ap;
    char     msg[256];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (ps->err != NULL && !ps->failed) {
        pxe_buf_reset(ps->err);
        if (pxe_buf_printf(ps->err, "%s:%u: %s", ps->file, line, msg)
            != PXE_OK)
        {
            pxe_buf_reset(ps->err);
        }
    }
    ps->failed = 1;
    return PXE_ESYNTAX;
}

/* A statement's note, once per statement. */
static int
untranslated(im_parse_t *ps, const im_node_t *n, const char *fmt, ...)
{
    va_list  ap;
    char     msg[256];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return pxe_im_note(ps->im, ps->file, n->line, msg);
}

/* ---- tokens ------------------------------------------------------------ */

static int
push_tok(im_parse_t *ps, int type, const char *s, size_t len, unsigned line)
{
    im_tok_t  *t;

    if (ps->ntok == IM_TOKENS_MAX) {
        return syntax(ps, line, "more than %d tokens", IM_TOKENS_MAX);
    }
    if (ps->ntok % 1024 == 0) {
        t = realloc(ps->tok, (ps->ntok + 1024) * sizeof(*t));
        if (t == NULL) {
            return PXE_ENOMEM;
        }
        ps->tok = t;
    }
    t = &ps->tok[ps->ntok++];
    t->type = type;
    t->s = s;
    t->len = len;
    t->line = line;
    return PXE_OK;
}

static int
is_wordc(unsigned char c)
{
    return c > ' ' && c < 0x7f && strchr("{};(),=\"#!~&|+", c) == NULL;
}

static int
lex(im_parse_t *ps, const char *text, size_t len)
{
    size_t    i = 0, j, n;
    unsigned  line = 1, start;
    char     *s;
    int       rc;

    while (i < len) {
        unsigned char  c = (unsigned char) text[i];

        if (c == '\n') {
            line++;
            i++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f'
                   || c == '\v')
        {
            i++;
        } else if (c == '#') {
            while (i < len && text[i] != '\n') {
                i++;
            }
        } else if (c == '"') {
            start = line;
            /* Escapes only shrink: the raw span bounds the string (not
             * the rest of the file, which made lexing quadratic). */
            for (j = i + 1; j < len && text[j] != '"'; j++) {
                if (text[j] == '\\' && j + 1 < len) {
                    j++;
                }
            }
            s = pxe_im_alloc(ps->im, j - i);
            if (s == NULL) {
                return PXE_ENOMEM;
            }
            n = 0;
            for (i++; i < len && text[i] != '"'; i++) {
                if (text[i] == '\n') {
                    line++;
                }
                if (text[i] == '\\' && i + 1 < len) {
                    i++;
                    if (text[i] == 'x' || (text[i] >= '0' && text[i] <= '7')) {
                        /* \xHH and \OOO, as dhcpd's lexer reads them */
                        int       base = text[i] == 'x' ? 16 : 8, d, k;
                        unsigned  v = 0;

                        if (base == 16) {
                            i++;
                        }
                        for (k = 0; k < (base == 16 ? 2 : 3) && i < len;
                             k++, i++)
                        {
                            d = pxe_hexval((unsigned char) text[i]);
                            if (d < 0 || d >= base) {
                                break;
                            }
                            v = v * (unsigned) base + (unsigned) d;
                        }
                        if (k == 0) {
                            return syntax(ps, line, "bad escape in string");
                        }
                        s[n++] = (char) (v & 0xff);
                        i--;
                        continue;
                    }
                    switch (text[i]) {
                    case 'n': s[n++] = '\n'; break;
                    case 't': s[n++] = '\t'; break;
                    case 'r': s[n++] = '\r'; break;
                    case 'b': s[n++] = '\b'; break;
                    default:  s[n++] = text[i]; break;
                    }
                } else {
                    s[n++] = text[i];
                }
            }
            if (i >= len) {
                return syntax(ps, start, "unterminated string");
            }
            i++;
            if ((rc = push_tok(ps, T_STRING, s, n, start)) != PXE_OK) {
                return rc;
            }
        } else if (is_wordc(c)) {
            for (j = i; j < len && is_wordc((unsigned char) text[j]); j++) {
            }
            if ((rc = push_tok(ps, T_WORD, text + i, j - i, line)) != PXE_OK)
            {
                return rc;
            }
            i = j;
        } else if (c < ' ' || c >= 0x7f) {
            return syntax(ps, line, "unexpected byte 0x%02x", c);
        } else {
            n = (c == '!' || c == '~') && i + 1 < len
                && (text[i + 1] == '=' || text[i + 1] == '~') ? 2 : 1;
            if ((rc = push_tok(ps, T_PUNCT, text + i, n, line)) != PXE_OK) {
                return rc;
            }
            i += n;
        }
    }
    return push_tok(ps, T_EOF, "", 0, line);
}

/* ---- statements -------------------------------------------------------- */

/* Statements up to the matching "}" (or the end, at depth 0). */
static int
parse_block(im_parse_t *ps, im_node_t **kids, size_t *nkids, int depth)
{
    im_node_t  *list = NULL, *tmp, *n;
    size_t      count = 0, cap = 0, first;
    int         rc;

    for ( ;; ) {
        im_tok_t  *t = &ps->tok[ps->pos];

        if (t->type == T_EOF) {
            if (depth > 0) {
                free(list);
                return syntax(ps, t->line, "end of file: '}' missing");
            }
            break;
        }
        if (is_punct(t, "}")) {
            if (depth == 0) {
                free(list);
                return syntax(ps, t->line, "unexpected '}'");
            }
            ps->pos++;
            break;
        }
        if (is_punct(t, ";")) {
            ps->pos++;
            continue;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 8;
            tmp = realloc(list, cap * sizeof(*list));
            if (tmp == NULL) {
                free(list);
                return PXE_ENOMEM;
            }
            list = tmp;
        }
        n = &list[count++];
        memset(n, 0, sizeof(*n));
        n->line = t->line;
        first = ps->pos;
        while (ps->tok[ps->pos].type != T_EOF
               && !is_punct(&ps->tok[ps->pos], ";")
               && !is_punct(&ps->tok[ps->pos], "{")
               && !is_punct(&ps->tok[ps->pos], "}"))
        {
            ps->pos++;
        }
        n->t = &ps->tok[first];
        n->nt = ps->pos - first;
        t = &ps->tok[ps->pos];
        if (is_punct(t, ";")) {
            ps->pos++;
        } else if (is_punct(t, "{")) {
            if (depth + 1 > PXE_IMPORT_DEPTH_MAX) {
                free(list);
                return syntax(ps, t->line, "blocks nested deeper than %d",
                              PXE_IMPORT_DEPTH_MAX);
            }
            ps->pos++;
            n->block = 1;
            rc = parse_block(ps, &n->kid, &n->nkid, depth + 1);
            if (rc != PXE_OK) {
                free(list);
                return rc;
            }
        } else {
            const im_tok_t  *last = n->nt ? &n->t[n->nt - 1] : t;

            free(list);
            return syntax(ps, t->line, "expected ';' after '%.*s'",
                          (int) last->len, last->s);
        }
    }
    *nkids = count;
    *kids = NULL;
    if (count > 0) {
        *kids = pxe_im_alloc(ps->im, count * sizeof(*list));
        if (*kids == NULL) {
            free(list);
            return PXE_ENOMEM;
        }
        memcpy(*kids, list, count * sizeof(*list));
    }
    free(list);
    return PXE_OK;
}

/* ---- scopes ------------------------------------------------------------ */

static char *
tok_str(im_parse_t *ps, const im_tok_t *t)
{
    char  *s = pxe_im_alloc(ps->im, t->len + 1);

    if (s != NULL) {
        memcpy(s, t->s, t->len);
        s[t->len] = '\0';
    }
    return s;
}

static int
parse_ipv4(const im_tok_t *t, uint32_t *out)
{
    unsigned  part = 0, nparts = 0, digits = 0;
    size_t    i;
    uint32_t  v = 0;

    if (t->type != T_WORD) {
        return -1;
    }
    for (i = 0; i <= t->len; i++) {
        if (i == t->len || t->s[i] == '.') {
            if (digits == 0 || part > 255 || nparts == 4) {
                return -1;
            }
            v = v << 8 | part;
            nparts++;
            part = 0;
            digits = 0;
        } else if (t->s[i] >= '0' && t->s[i] <= '9' && digits < 3) {
            part = part * 10 + (unsigned) (t->s[i] - '0');
            digits++;
        } else {
            return -1;
        }
    }
    if (nparts != 4) {
        return -1;
    }
    *out = v;
    return 0;
}

/*
 * dhcpd's colon-separated hex list: each part one byte of hex digits
 * ("7" is 0x07, "16" is 0x16).  Returns the byte count, -1 if not one.
 */
static int
parse_cshl(const im_tok_t *t, uint8_t *out, size_t max)
{
    size_t    i;
    int       n = 0, digits = 0, h;
    unsigned  v = 0;

    if (t->type != T_WORD) {
        return -1;
    }
    for (i = 0; i <= t->len; i++) {
        if (i == t->len || t->s[i] == ':') {
            if (digits == 0 || v > 0xff || (size_t) n == max) {
                return -1;
            }
            out[n++] = (uint8_t) v;
            v = 0;
            digits = 0;
        } else if ((h = pxe_hexval((unsigned char) t->s[i])) >= 0
                   && digits < 8)
        {
            v = v * 16 + (unsigned) h;
            digits++;
        } else {
            return -1;
        }
    }
    return n;
}

static im_scope_t *
new_scope(im_parse_t *ps, int kind, const im_node_t *n, im_scope_t *parent)
{
    im_scope_t  **tmp, *sc;

    if (ps->nscopes == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 32;
        tmp = realloc(ps->scopes, ps->cap * sizeof(*tmp));
        if (tmp == NULL) {
            return NULL;
        }
        ps->scopes = tmp;
    }
    sc = pxe_im_alloc(ps->im, sizeof(*sc));
    if (sc == NULL) {
        return NULL;
    }
    sc->kind = kind;
    sc->n = n;
    sc->parent = parent;
    ps->scopes[ps->nscopes++] = sc;
    return sc;
}

static im_scope_t *
enclosing(im_scope_t *sc, int kind)
{
    for ( ; sc != NULL; sc = sc->parent) {
        if (sc->kind == kind) {
            return sc;
        }
    }
    return NULL;
}

/* Option declarations: names on code 93, spaces encapsulated on 175. */
static int
declare_option(im_parse_t *ps, const im_node_t *n)
{
    /* option NAME code N = ... */
    if (n->nt >= 5 && is_word(&n->t[2], "code") && is_punct(&n->t[4], "=")) {
        if (is_word(&n->t[3], "93") && ps->narch_opts < 16) {
            ps->arch_opts[ps->narch_opts++] = tok_str(ps, &n->t[1]);
        }
        if (is_word(&n->t[3], "175") && n->nt >= 7
            && is_word(&n->t[5], "encapsulate") && ps->nipxe_spaces < 8)
        {
            ps->ipxe_spaces[ps->nipxe_spaces++] = tok_str(ps, &n->t[6]);
        }
        return 1;
    }
    return 0;
}

static int
host_decl(im_parse_t *ps, im_scope_t *sc)
{
    size_t  i;
    uint8_t mac[16];

    for (i = 0; i < sc->n->nkid; i++) {
        const im_node_t  *k = &sc->n->kid[i];

        if (k->nt == 3 && is_word(&k->t[0], "hardware")
            && is_word(&k->t[1], "ethernet"))
        {
            if (parse_cshl(&k->t[2], mac, sizeof(mac)) != 6) {
                return syntax(ps, k->line, "bad hardware address");
            }
            memcpy(sc->mac, mac, 6);
            sc->has_mac = 1;
        } else if (k->nt >= 2 && is_word(&k->t[0], "fixed-address")) {
            if (k->nt != 2 || parse_ipv4(&k->t[1], &sc->fixed) != 0) {
                (void) untranslated(ps, k, "not translated: fixed-address "
                                    "other than one IPv4 address");
            } else {
                sc->has_fixed = 1;
            }
        }
    }
    if (!sc->has_mac) {
        return untranslated(ps, sc->n, "not translated: host '%s' without "
                            "hardware ethernet", sc->name ? sc->name : "");
    }
    return PXE_OK;
}

static int
pool_decl(im_parse_t *ps, im_scope_t *sc)
{
    size_t  i;

    for (i = 0; i < sc->n->nkid; i++) {
        const im_node_t  *k = &sc->n->kid[i];
        int               allow;

        if (k->nt == 0 || !(is_word(&k->t[0], "allow")
                            || is_word(&k->t[0], "deny")))
        {
            continue;
        }
        allow = is_word(&k->t[0], "allow");
        if (k->nt == 4 && is_word(&k->t[1], "members")
            && is_word(&k->t[2], "of") && k->t[3].type == T_STRING)
        {
            if (allow && sc->nallow < IM_PERMITS_MAX) {
                sc->allow[sc->nallow++] = tok_str(ps, &k->t[3]);
                continue;
            }
            if (!allow && sc->ndeny < IM_PERMITS_MAX) {
                sc->deny[sc->ndeny++] = tok_str(ps, &k->t[3]);
                continue;
            }
        }
        sc->unknown_permit = 1;
        (void) untranslated(ps, k, "not translated: pool permit (only "
                            "allow/deny members of \"CLASS\")");
    }
    return PXE_OK;
}

static int
walk(im_parse_t *ps, const im_node_t *kids, size_t nkids, im_scope_t *parent)
{
    size_t       i;
    im_scope_t  *sc;
    int          rc, kind;
    uint32_t     net, mask;

    for (i = 0; i < nkids; i++) {
        const im_node_t  *n = &kids[i];

        if (n->nt >= 1 && is_word(&n->t[0], "option")) {
            (void) declare_option(ps, n);
        }
        if (!n->block || n->nt == 0) {
            if (n->block) {
                return syntax(ps, n->line, "a block without a statement");
            }
            continue;
        }
        kind = -1;
        if (is_word(&n->t[0], "group")) {
            kind = S_GROUP;
        } else if (is_word(&n->t[0], "shared-network")) {
            kind = S_SHARED;
        } else if (is_word(&n->t[0], "subnet")) {
            if (n->nt != 4 || !is_word(&n->t[2], "netmask")
                || parse_ipv4(&n->t[1], &net) != 0
                || parse_ipv4(&n->t[3], &mask) != 0
                || (mask != 0 && (~mask & (~mask + 1)) != 0)
                || (net & ~mask) != 0)
            {
                return syntax(ps, n->line, "expected 'subnet ADDRESS "
                              "netmask MASK'");
            }
            kind = S_SUBNET;
        } else if (is_word(&n->t[0], "pool")) {
            kind = S_POOL;
        } else if (is_word(&n->t[0], "host")) {
            kind = S_HOST;
        } else if (is_word(&n->t[0], "class")) {
            kind = S_CLASS;
        } else if (is_word(&n->t[0], "if") || is_word(&n->t[0], "elsif")
                   || is_word(&n->t[0], "else"))
        {
            continue;       /* executed with its scope */
        } else {
            (void) untranslated(ps, n, "not translated: '%.*s' block",
                                (int) n->t[0].len, n->t[0].s);
            continue;
        }
        sc = new_scope(ps, kind, n, parent);
        if (sc == NULL) {
            return PXE_ENOMEM;
        }
        if (n->nt >= 2) {
            sc->name = tok_str(ps, &n->t[1]);
        }
        if (kind == S_SUBNET) {
            sc->net = net;
            sc->mask = mask;
        } else if (kind == S_HOST) {
            if ((rc = host_decl(ps, sc)) != PXE_OK) {
                return rc;
            }
        } else if (kind == S_POOL) {
            sc->subnet = enclosing(parent, S_SUBNET);
            if (sc->subnet == NULL) {
                (void) untranslated(ps, n, "not translated: pool outside "
                                    "a subnet");
            }
            if ((rc = pool_decl(ps, sc)) != PXE_OK) {
                return rc;
            }
        } else if (kind == S_CLASS) {
            size_t  j;

            for (j = 0; j < n->nkid; j++) {
                if (n->kid[j].nt >= 2 && is_word(&n->kid[j].t[0], "match")
                    && is_word(&n->kid[j].t[1], "if"))
                {
                    sc->match = &n->kid[j];
                }
            }
            if (sc->match == NULL) {
                (void) untranslated(ps, n, "not translated: class without "
                                    "'match if' (subclasses, spawning)");
            }
        }
        if (kind != S_CLASS) {
            if ((rc = walk(ps, n->kid, n->nkid, sc)) != PXE_OK) {
                return rc;
            }
        }
    }
    return PXE_OK;
}

/* ---- conditions -------------------------------------------------------- */

typedef struct im_data_s {
    int          kind;              /* 0 option, 1 substring, 2 constant */
    const im_tok_t *name;           /* option name */
    unsigned     off, len;          /* substring */
    const char  *bytes;
    size_t       nbytes;
} im_data_t;

typedef struct im_cond_s {
    im_parse_t      *ps;
    const im_node_t *n;
    size_t           pos;
    int              depth;
    int              unknown;
} im_cond_t;

static const im_tok_t *
cpeek(im_cond_t *c)
{
    static const im_tok_t  end = { T_EOF, "", 0, 0 };

    return c->pos < c->n->nt ? &c->n->t[c->pos] : &end;
}

static int
is_arch_opt(im_parse_t *ps, const im_tok_t *t)
{
    size_t  i;

    for (i = 0; i < ps->narch_opts; i++) {
        if (ps->arch_opts[i] != NULL && is_word(t, ps->arch_opts[i])) {
            return 1;
        }
    }
    return 0;
}

static int
is_ipxe_opt(im_parse_t *ps, const im_tok_t *t)
{
    size_t  i, n;

    for (i = 0; i < ps->nipxe_spaces; i++) {
        if (ps->ipxe_spaces[i] == NULL) {
            continue;
        }
        n = strlen(ps->ipxe_spaces[i]);
        if (t->type == T_WORD && t->len > n + 1
            && memcmp(t->s, ps->ipxe_spaces[i], n) == 0 && t->s[n] == '.')
        {
            return 1;
        }
    }
    return 0;
}

static int
cdata(im_cond_t *c, im_data_t *d)
{
    const im_tok_t  *t = cpeek(c);
    uint8_t          bytes[PXE_OPTION_MAX];
    int              n;
    char            *mem;

    memset(d, 0, sizeof(*d));
    if (is_word(t, "option")) {
        c->pos++;
        d->kind = 0;
        d->name = cpeek(c);
        if (d->name->type != T_WORD) {
            return -1;
        }
        c->pos++;
        return 0;
    }
    if (is_word(t, "substring")) {
        im_data_t  inner;
        uint8_t    num[2];

        c->pos++;
        if (!is_punct(cpeek(c), "(")) {
            return -1;
        }
        c->pos++;
        if (cdata(c, &inner) != 0 || inner.kind != 0
            || !is_punct(cpeek(c), ","))
        {
            return -1;
        }
        c->pos++;
        t = cpeek(c);
        if (t->type != T_WORD || t->len > 3) {
            return -1;
        }
        d->off = (unsigned) strtoul(tok_str(c->ps, t) ? tok_str(c->ps, t)
                                    : "x", NULL, 10);
        c->pos++;
        if (!is_punct(cpeek(c), ",")) {
            return -1;
        }
        c->pos++;
        t = cpeek(c);
        if (t->type != T_WORD || t->len > 3) {
            return -1;
        }
        d->len = (unsigned) strtoul(tok_str(c->ps, t) ? tok_str(c->ps, t)
                                    : "x", NULL, 10);
        c->pos++;
        if (!is_punct(cpeek(c), ")")) {
            return -1;
        }
        c->pos++;
        (void) num;
        d->kind = 1;
        d->name = inner.name;
        return 0;
    }
    if (is_word(t, "encode-int")) {
        /* encode-int (NUMBER, 8|16|32): the number in network order */
        unsigned long  v, width;
        char          *w, *end;
        size_t         k;

        c->pos++;
        if (!is_punct(cpeek(c), "(") || c->pos + 4 >= c->n->nt
            || cpeek(c)->type != T_PUNCT)
        {
            return -1;
        }
        c->pos++;
        w = tok_str(c->ps, cpeek(c));
        if (w == NULL || cpeek(c)->type != T_WORD) {
            return -1;
        }
        v = strtoul(w, &end, 0);
        if (*end != '\0' || cpeek(c)->len > 10) {
            return -1;
        }
        c->pos++;
        if (!is_punct(cpeek(c), ",")) {
            return -1;
        }
        c->pos++;
        width = is_word(cpeek(c), "8") ? 1 : is_word(cpeek(c), "16") ? 2
                : is_word(cpeek(c), "32") ? 4 : 0;
        if (width == 0 || (width < 4 && v >> (8 * width) != 0)) {
            return -1;
        }
        c->pos++;
        if (!is_punct(cpeek(c), ")")) {
            return -1;
        }
        c->pos++;
        mem = pxe_im_alloc(c->ps->im, width);
        if (mem == NULL) {
            return -1;
        }
        for (k = 0; k < width; k++) {
            mem[k] = (char) (v >> (8 * (width - 1 - k)));
        }
        d->kind = 2;
        d->bytes = mem;
        d->nbytes = width;
        return 0;
    }
    if (t->type == T_STRING) {
        c->pos++;
        d->kind = 2;
        d->bytes = t->s;
        d->nbytes = t->len;
        return 0;
    }
    if (t->type == T_WORD && (n = parse_cshl(t, bytes, sizeof(bytes))) > 0) {
        c->pos++;
        mem = pxe_im_alloc(c->ps->im, (size_t) n);
        if (mem == NULL) {
            return -1;
        }
        memcpy(mem, bytes, (size_t) n);
        d->kind = 2;
        d->bytes = mem;
        d->nbytes = (size_t) n;
        return 0;
    }
    return -1;
}

static int c_or(im_cond_t *c, im_dl_t *out);

/* One comparison or test as a decision list; unknown ones set c->unknown. */
static int
c_atom(im_cond_t *c, im_dl_t *out)
{
    pxe_import_t    *im = c->ps->im;
    const im_tok_t  *t = cpeek(c);
    im_data_t        l, r, tmp;
    int              atom = -1, neg = 0;

    if (is_word(t, "exists")) {
        c->pos++;
        t = cpeek(c);
        c->pos++;
        if (is_word(t, "user-class")) {
            atom = pxe_im_atom(im, IM_A_UC_EXISTS, 0, NULL, 0);
        } else if (is_word(t, "vendor-class-identifier")) {
            atom = pxe_im_atom(im, IM_A_VCI_PREFIX, 0, "", 0);
        } else if (is_ipxe_opt(c->ps, t)) {
            atom = pxe_im_atom(im, IM_A_IPXE, 0, NULL, 0);
        } else {
            c->unknown = 1;
            atom = pxe_im_atom(im, IM_A_FALSE, 0, NULL, 0);
        }
        return pxe_im_dl_atom(out, atom);
    }
    if (cdata(c, &l) != 0) {
        c->unknown = 1;
        return PXE_OK;
    }
    t = cpeek(c);
    if (is_punct(t, "=") || is_punct(t, "!=")) {
        neg = is_punct(t, "!=");
        c->pos++;
    } else {
        c->unknown = 1;
        return PXE_OK;
    }
    if (cdata(c, &r) != 0) {
        c->unknown = 1;
        return PXE_OK;
    }
    if (l.kind == 2) {
        tmp = l;
        l = r;
        r = tmp;
    }
    if (r.kind != 2 || l.kind == 2) {
        c->unknown = 1;
        return PXE_OK;
    }
    if (l.kind == 0 && is_word(l.name, "user-class")) {
        atom = pxe_im_atom(im, IM_A_UC_EQ, 0, r.bytes, r.nbytes);
    } else if (l.kind == 0 && is_word(l.name, "vendor-class-identifier")) {
        atom = pxe_im_atom(im, IM_A_VCI_EQ, 0, r.bytes, r.nbytes);
    } else if (l.kind == 1 && is_word(l.name, "vendor-class-identifier")
               && l.off == 0)
    {
        /* substring gives at most len bytes: equal to a shorter constant
         * only when the whole option is that constant. */
        if (r.nbytes == l.len) {
            atom = pxe_im_atom(im, IM_A_VCI_PREFIX, 0, r.bytes, r.nbytes);
        } else if (r.nbytes < l.len) {
            atom = pxe_im_atom(im, IM_A_VCI_EQ, 0, r.bytes, r.nbytes);
        } else {
            atom = pxe_im_atom(im, IM_A_FALSE, 0, NULL, 0);
        }
    } else if (l.kind == 0 && is_arch_opt(c->ps, l.name)) {
        /* dhcpd compares the option's two bytes with the constant's
         * bytes: "00:07" is arch 7, while "7" is the one byte 0x07 and
         * never equals a 16-bit arch. */
        if (r.nbytes == 2) {
            atom = pxe_im_atom(im, IM_A_ARCH,
                               (uint32_t) ((uint8_t) r.bytes[0] << 8
                                           | (uint8_t) r.bytes[1]),
                               NULL, 0);
        } else {
            atom = pxe_im_atom(im, IM_A_FALSE, 0, NULL, 0);
        }
    } else {
        c->unknown = 1;
        return PXE_OK;
    }
    if (atom < 0) {
        return PXE_ENOMEM;
    }
    if (pxe_im_dl_atom(out, atom) != PXE_OK) {
        return PXE_ENOMEM;
    }
    if (neg) {
        pxe_im_dl_not(out);
    }
    return PXE_OK;
}

static int
c_unary(im_cond_t *c, im_dl_t *out)
{
    int  rc;

    if (++c->depth > PXE_IMPORT_DEPTH_MAX) {
        c->unknown = 1;
        c->depth--;
        return PXE_OK;
    }
    if (is_word(cpeek(c), "not")) {
        c->pos++;
        rc = c_unary(c, out);
        if (rc == PXE_OK) {
            pxe_im_dl_not(out);
        }
    } else if (is_punct(cpeek(c), "(")) {
        c->pos++;
        rc = c_or(c, out);
        if (rc == PXE_OK && !is_punct(cpeek(c), ")")) {
            c->unknown = 1;
        }
        c->pos++;
    } else {
        rc = c_atom(c, out);
    }
    c->depth--;
    return rc;
}

static int
c_binary(im_cond_t *c, im_dl_t *out, const char *op,
    int (*sub)(im_cond_t *, im_dl_t *), int is_and)
{
    im_dl_t  right;
    int      rc;

    if ((rc = sub(c, out)) != PXE_OK) {
        return rc;
    }
    while (!c->unknown && is_word(cpeek(c), op)) {
        c->pos++;
        pxe_im_dl_init(&right);
        rc = sub(c, &right);
        if (rc == PXE_OK && !c->unknown) {
            rc = pxe_im_dl_logic(c->ps->im, out, &right, is_and);
        }
        pxe_im_dl_free(&right);
        if (rc != PXE_OK) {
            return rc;
        }
    }
    return PXE_OK;
}

static int
c_and(im_cond_t *c, im_dl_t *out)
{
    return c_binary(c, out, "and", c_unary, 1);
}

static int
c_or(im_cond_t *c, im_dl_t *out)
{
    return c_binary(c, out, "or", c_and, 0);
}

/* The condition in n's tokens from `from`, as a list of truths. */
static int
cond_dl(im_parse_t *ps, const im_node_t *n, size_t from, im_dl_t *out)
{
    im_cond_t  c;
    int        rc;

    memset(&c, 0, sizeof(c));
    c.ps = ps;
    c.n = n;
    c.pos = from;
    rc = c_or(&c, out);
    if (rc != PXE_OK) {
        return rc;
    }
    if (c.unknown || c.pos != n->nt) {
        pxe_im_dl_free(out);
        (void) untranslated(ps, n, "not translated: condition (only exists "
                            "user-class/vendor-class-identifier/iPXE "
                            "options, = on user-class, vendor-class-"
                            "identifier, substring of it, an option on "
                            "code 93; and, or, not); taken as false");
        return pxe_im_dl_const(out, 0);
    }
    return PXE_OK;
}

/* ---- running scopes ---------------------------------------------------- */

static int
set_value(im_parse_t *ps, const im_node_t *n, int which, size_t at,
    im_dl_t *out)
{
    const im_tok_t  *t = &n->t[at];
    uint32_t         ip;
    char            *v;

    if (n->nt != at + 1) {
        return untranslated(ps, n, "not translated: an expression");
    }
    if (which == IM_V_NEXT_SERVER) {
        if (parse_ipv4(t, &ip) != 0) {
            return untranslated(ps, n, "not translated: next-server is not "
                                "an IPv4 address");
        }
    } else if (t->type != T_STRING) {
        return untranslated(ps, n, "not translated: not a quoted string");
    }
    v = tok_str(ps, t);
    if (v == NULL || strlen(v) != t->len) {
        return v == NULL ? PXE_ENOMEM
               : untranslated(ps, n, "not translated: a NUL in a string");
    }
    return pxe_im_dl_set(out, which, v);
}

/* Statements that decide nothing about booting or addresses. */
static const char *const im_quiet[] = {
    "authoritative", "not", "ddns-update-style", "ddns-updates",
    "ddns-domainname", "ddns-rev-domainname", "ddns-hostname",
    "ddns-ttl", "update-static-leases", "update-optimization",
    "update-conflict-detection", "update-client-updates",
    "log-facility", "default-lease-time", "max-lease-time",
    "min-lease-time", "lease-file-name", "pid-file-name", "ping-check",
    "ping-timeout", "one-lease-per-client", "use-host-decl-names",
    "get-lease-hostnames", "local-port", "local-address", "omapi-port",
    "omapi-key", "key", "zone", "db-time-format", "log-threshold-high",
    "log-threshold-low", "min-secs", "server-identifier", "hardware",
    "fixed-address", "range", "match", "allow", "deny", "ignore",
    "stash-agent-options", "ddns-local-address4", "server-duid",
    "abandon-lease-time", "dynamic-bootp-lease-length", "boot-unknown-clients",
    "always-broadcast", "always-reply-rfc1048", "filename-if-missing",
    NULL
};

/* Is n an unconditional statement of the global scope, a shared network
 * or a subnet, the scopes whose options Kea's option data says alike? */
static int
kea_option66(const im_parse_t *ps, const im_node_t *n)
{
    size_t  i;

    for (i = 0; i < ps->nscopes; i++) {
        const im_scope_t  *sc = ps->scopes[i];

        if ((sc->kind == S_GLOBAL || sc->kind == S_SHARED
             || sc->kind == S_SUBNET)
            && n >= sc->n->kid && n < sc->n->kid + sc->n->nkid)
        {
            return 1;
        }
    }
    return 0;
}

static int
exec_stmt(im_parse_t *ps, const im_node_t *n, im_dl_t *out)
{
    size_t  i;

    if (n->nt == 0) {
        return PXE_OK;
    }
    if (is_word(&n->t[0], "next-server")) {
        return set_value(ps, n, IM_V_NEXT_SERVER, 1, out);
    }
    if (is_word(&n->t[0], "filename")) {
        return set_value(ps, n, IM_V_FILENAME, 1, out);
    }
    if (is_word(&n->t[0], "server-name")) {
        return set_value(ps, n, IM_V_SNAME, 1, out);
    }
    if (is_word(&n->t[0], "option")) {
        if (n->nt >= 2 && is_word(&n->t[1], "bootfile-name")) {
            return set_value(ps, n, IM_V_BOOTFILE, 2, out);
        }
        if (n->nt >= 2 && is_word(&n->t[1], "tftp-server-name")) {
            if (kea_option66(ps, n)) {
                /* Kea's option data in --kea-config (kea_scope) */
                return pxe_im_params_note(ps->im, ps->file, n->line,
                                          "not translated: option "
                                          "tftp-server-name (66): Kea "
                                          "option data, --kea-config only");
            }
            return untranslated(ps, n, "not translated: option "
                                "tftp-server-name (66): the hook sets "
                                "next-server and sname only; Kea option "
                                "data only outside if, host, group, pool "
                                "and class");
        }
        if (n->nt >= 2 && (is_word(&n->t[1], "vendor-encapsulated-options")
                           || (n->t[1].len > 8
                               && memcmp(n->t[1].s, "pxelinux.", 9) == 0)))
        {
            return untranslated(ps, n, "not translated: option %.*s",
                                (int) n->t[1].len, n->t[1].s);
        }
        return PXE_OK;      /* other options, declarations, spaces */
    }
    if ((is_word(&n->t[0], "allow") || is_word(&n->t[0], "deny")
         || is_word(&n->t[0], "ignore"))
        && n->nt == 2 && (is_word(&n->t[1], "booting")
                          || is_word(&n->t[1], "unknown-clients")
                          || is_word(&n->t[1], "known-clients")))
    {
        return untranslated(ps, n, "not translated: %.*s %.*s",
                            (int) n->t[0].len, n->t[0].s,
                            (int) n->t[1].len, n->t[1].s);
    }
    if (is_word(&n->t[0], "deny") && n->nt == 3
        && is_word(&n->t[1], "dynamic") && is_word(&n->t[2], "bootp"))
    {
        return PXE_OK;
    }
    for (i = 0; im_quiet[i] != NULL; i++) {
        if (is_word(&n->t[0], im_quiet[i])) {
            return PXE_OK;
        }
    }
    return untranslated(ps, n, "not translated: statement '%.*s'",
                        (int) n->t[0].len, n->t[0].s);
}

/* An if/elsif/else chain starting at kids[*i]; *i ends on its last part. */
static int
exec_if(im_parse_t *ps, const im_node_t *kids, size_t nkids, size_t *i,
    im_dl_t *out)
{
    const im_node_t  *n = &kids[*i];
    im_dl_t           cond, body, rest;
    int               rc;

    pxe_im_dl_init(&cond);
    pxe_im_dl_init(&body);
    pxe_im_dl_init(&rest);
    if (is_word(&n->t[0], "else") && n->nt == 1) {
        return exec_body(ps, n->kid, n->nkid, out);
    }
    rc = cond_dl(ps, n, 1, &cond);
    if (rc == PXE_OK) {
        rc = exec_body(ps, n->kid, n->nkid, &body);
    }
    if (rc == PXE_OK) {
        if (*i + 1 < nkids && kids[*i + 1].block && kids[*i + 1].nt >= 1
            && (is_word(&kids[*i + 1].t[0], "elsif")
                || (is_word(&kids[*i + 1].t[0], "else")
                    && (kids[*i + 1].nt == 1
                        || is_word(&kids[*i + 1].t[1], "if")))))
        {
            (*i)++;
            if (is_word(&kids[*i].t[0], "else") && kids[*i].nt > 1) {
                /* "else if": a condition after two words */
                im_dl_t  c2, b2, e2;

                pxe_im_dl_init(&c2);
                pxe_im_dl_init(&b2);
                pxe_im_dl_init(&e2);
                rc = cond_dl(ps, &kids[*i], 2, &c2);
                if (rc == PXE_OK) {
                    rc = exec_body(ps, kids[*i].kid, kids[*i].nkid, &b2);
                }
                if (rc == PXE_OK) {
                    rc = pxe_im_dl_const(&e2, 1);
                }
                if (rc == PXE_OK) {
                    rc = pxe_im_dl_branch(ps->im, &c2, &b2, &e2, &rest);
                }
                pxe_im_dl_free(&c2);
                pxe_im_dl_free(&b2);
                pxe_im_dl_free(&e2);
            } else {
                rc = exec_if(ps, kids, nkids, i, &rest);
            }
        } else {
            rc = pxe_im_dl_const(&rest, 1);
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_im_dl_branch(ps->im, &cond, &body, &rest, out);
    }
    pxe_im_dl_free(&cond);
    pxe_im_dl_free(&body);
    pxe_im_dl_free(&rest);
    return rc;
}

/* A scope's statements, in order, as one decision list (total). */
static int
exec_body(im_parse_t *ps, const im_node_t *kids, size_t nkids, im_dl_t *out)
{
    im_dl_t  step;
    size_t   i;
    int      rc;

    if (++ps->depth > PXE_IMPORT_DEPTH_MAX + 1) {
        ps->depth--;
        return syntax(ps, kids ? kids[0].line : 0, "too deep");
    }
    rc = pxe_im_dl_const(out, 1);
    for (i = 0; rc == PXE_OK && i < nkids; i++) {
        const im_node_t  *n = &kids[i];

        if (n->nt == 0) {
            continue;
        }
        pxe_im_dl_init(&step);
        if (n->block) {
            if (is_word(&n->t[0], "if")) {
                rc = exec_if(ps, kids, nkids, &i, &step);
            } else if (is_word(&n->t[0], "elsif")
                       || is_word(&n->t[0], "else"))
            {
                rc = syntax(ps, n->line, "'%.*s' without 'if'",
                            (int) n->t[0].len, n->t[0].s);
            } else {
                continue;       /* a declaration: walked, not run */
            }
        } else {
            rc = pxe_im_dl_const(&step, 1);
            if (rc == PXE_OK) {
                rc = exec_stmt(ps, n, &step);
            }
        }
        if (rc == PXE_OK) {
            rc = pxe_im_dl_seq(ps->im, out, &step);
        }
        pxe_im_dl_free(&step);
    }
    ps->depth--;
    return rc;
}

/* The scopes from the outermost down to sc, stopping below `stop`. */
static int
exec_chain(im_parse_t *ps, im_scope_t *sc, im_scope_t *const *ran,
    size_t nran, im_dl_t *out)
{
    im_scope_t  *chain[PXE_IMPORT_DEPTH_MAX + 2];
    size_t       n = 0, i, j;
    im_dl_t      step;
    int          rc, done;

    for ( ; sc != NULL && n < PXE_IMPORT_DEPTH_MAX + 2; sc = sc->parent) {
        for (done = 0, j = 0; j < nran; j++) {
            done |= ran[j] == sc;
        }
        if (!done) {
            chain[n++] = sc;
        }
    }
    rc = pxe_im_dl_const(out, 1);
    for (i = n; rc == PXE_OK && i > 0; i--) {
        const im_node_t  *b = chain[i - 1]->n;

        pxe_im_dl_init(&step);
        rc = exec_body(ps, b->kid, b->nkid, &step);
        if (rc == PXE_OK) {
            rc = pxe_im_dl_seq(ps->im, out, &step);
        }
        pxe_im_dl_free(&step);
    }
    return rc;
}

static im_scope_t *
find_class(im_parse_t *ps, const char *name)
{
    size_t  i;

    for (i = 0; i < ps->nscopes; i++) {
        if (ps->scopes[i]->kind == S_CLASS && ps->scopes[i]->name != NULL
            && strcmp(ps->scopes[i]->name, name) == 0)
        {
            return ps->scopes[i];
        }
    }
    return NULL;
}

/* A class's membership as a list of truths. */
static int
member_dl(im_parse_t *ps, const im_scope_t *cl, im_dl_t *out)
{
    if (cl == NULL || cl->match == NULL) {
        return pxe_im_dl_const(out, 0);
    }
    return cond_dl(ps, cl->match, 2, out);
}

/* Pool p lets a client in: allowed by one of its allow classes (if any)
 * and in none of its deny classes. */
static int
permit_dl(im_parse_t *ps, const im_scope_t *p, im_dl_t *out)
{
    im_dl_t  m, any;
    size_t   i;
    int      rc = PXE_OK;

    pxe_im_dl_init(&any);
    if (p->nallow == 0) {
        rc = pxe_im_dl_const(&any, 1);
    } else {
        rc = pxe_im_dl_const(&any, 0);
        for (i = 0; rc == PXE_OK && i < p->nallow; i++) {
            pxe_im_dl_init(&m);
            rc = member_dl(ps, find_class(ps, p->allow[i]), &m);
            if (rc == PXE_OK) {
                rc = pxe_im_dl_logic(ps->im, &any, &m, 0);
            }
            pxe_im_dl_free(&m);
        }
    }
    for (i = 0; rc == PXE_OK && i < p->ndeny; i++) {
        pxe_im_dl_init(&m);
        rc = member_dl(ps, find_class(ps, p->deny[i]), &m);
        if (rc == PXE_OK) {
            pxe_im_dl_not(&m);
            rc = pxe_im_dl_logic(ps->im, &any, &m, 1);
        }
        pxe_im_dl_free(&m);
    }
    if (rc == PXE_OK) {
        pxe_im_dl_move(out, &any);
    }
    pxe_im_dl_free(&any);
    return rc;
}

/* The pools of subnet s: the first that lets a client in runs its
 * statements (from pool index `from`). */
static int
pools_dl(im_parse_t *ps, const im_scope_t *s, size_t from, im_dl_t *out)
{
    im_dl_t  permit, body, rest;
    size_t   i;
    int      rc;

    for (i = from; i < ps->nscopes; i++) {
        if (ps->scopes[i]->kind == S_POOL && ps->scopes[i]->subnet == s) {
            break;
        }
    }
    if (i == ps->nscopes) {
        return pxe_im_dl_const(out, 1);
    }
    pxe_im_dl_init(&permit);
    pxe_im_dl_init(&body);
    pxe_im_dl_init(&rest);
    rc = permit_dl(ps, ps->scopes[i], &permit);
    if (rc == PXE_OK) {
        rc = exec_body(ps, ps->scopes[i]->n->kid, ps->scopes[i]->n->nkid,
                       &body);
    }
    if (rc == PXE_OK) {
        rc = pools_dl(ps, s, i + 1, &rest);
    }
    if (rc == PXE_OK) {
        rc = pxe_im_dl_branch(ps->im, &permit, &body, &rest, out);
    }
    pxe_im_dl_free(&permit);
    pxe_im_dl_free(&body);
    pxe_im_dl_free(&rest);
    return rc;
}

/* Class scopes, for their members; the first declared wins (dhcpd runs
 * the first class it matched last). */
static int
classes_dl(im_parse_t *ps, im_dl_t *out)
{
    im_dl_t  m, body, none, step;
    size_t   i;
    int      rc;

    rc = pxe_im_dl_const(out, 1);
    for (i = ps->nscopes; rc == PXE_OK && i > 0; i--) {
        im_scope_t  *cl = ps->scopes[i - 1];

        if (cl->kind != S_CLASS || cl->match == NULL) {
            continue;
        }
        pxe_im_dl_init(&m);
        pxe_im_dl_init(&body);
        pxe_im_dl_init(&none);
        pxe_im_dl_init(&step);
        rc = member_dl(ps, cl, &m);
        if (rc == PXE_OK) {
            rc = exec_body(ps, cl->n->kid, cl->n->nkid, &body);
        }
        if (rc == PXE_OK) {
            rc = pxe_im_dl_const(&none, 1);
        }
        if (rc == PXE_OK) {
            rc = pxe_im_dl_branch(ps->im, &m, &body, &none, &step);
        }
        if (rc == PXE_OK) {
            rc = pxe_im_dl_seq(ps->im, out, &step);
        }
        pxe_im_dl_free(&m);
        pxe_im_dl_free(&body);
        pxe_im_dl_free(&none);
        pxe_im_dl_free(&step);
    }
    return rc;
}

/*
 * What a client gets in subnet s (NULL: no subnet declared), as host h
 * (NULL: no host): subnet chain, pool, classes, then the host's own
 * chain below what already ran.
 */
static int
context_dl(im_parse_t *ps, im_scope_t *global, im_scope_t *s, im_scope_t *h,
    im_dl_t *out)
{
    im_scope_t  *ran[PXE_IMPORT_DEPTH_MAX + 2];
    im_scope_t  *sc;
    size_t       nran = 0;
    im_dl_t      step;
    int          rc;

    rc = exec_chain(ps, s != NULL ? s : global, NULL, 0, out);
    for (sc = s != NULL ? s : global; sc != NULL && nran < PXE_IMPORT_DEPTH_MAX + 2;
         sc = sc->parent)
    {
        ran[nran++] = sc;
    }
    if (rc == PXE_OK && s != NULL && (h == NULL || !h->has_fixed)) {
        pxe_im_dl_init(&step);
        rc = pools_dl(ps, s, 0, &step);
        if (rc == PXE_OK) {
            rc = pxe_im_dl_seq(ps->im, out, &step);
        }
        pxe_im_dl_free(&step);
    }
    if (rc == PXE_OK) {
        pxe_im_dl_init(&step);
        rc = classes_dl(ps, &step);
        if (rc == PXE_OK) {
            rc = pxe_im_dl_seq(ps->im, out, &step);
        }
        pxe_im_dl_free(&step);
    }
    if (rc == PXE_OK && h != NULL) {
        pxe_im_dl_init(&step);
        rc = exec_chain(ps, h, ran, nran, &step);
        if (rc == PXE_OK) {
            rc = pxe_im_dl_seq(ps->im, out, &step);
        }
        pxe_im_dl_free(&step);
    }
    return rc;
}

/*
 * One client context over every subnet it may be in: once without a
 * subnet key when all agree, else per subnet.
 */
static int
emit_context(im_parse_t *ps, im_scope_t *global, im_scope_t *h)
{
    im_dl_t    *per = NULL;
    im_scope_t *subs[256];
    size_t      nsub = 0, i;
    int         rc = PXE_OK, same = 1, mac = -1, sub;

    for (i = 0; i < ps->nsubnets; i++) {
        im_scope_t  *s = ps->subnets[i];

        if (h != NULL && h->has_fixed && (h->fixed & s->mask) != s->net) {
            continue;
        }
        if (nsub == 256) {
            return syntax(ps, s->n->line, "more than 256 subnets");
        }
        subs[nsub++] = s;
    }
    if (h != NULL && h->has_fixed && nsub == 0) {
        (void) untranslated(ps, h->n, "not translated: fixed-address in no "
                            "declared subnet");
        return PXE_OK;
    }
    if (h != NULL) {
        mac = pxe_im_atom(ps->im, IM_A_MAC, 0, (const char *) h->mac, 6);
        if (mac < 0) {
            return PXE_ENOMEM;
        }
    }
    per = calloc(nsub ? nsub : 1, sizeof(*per));
    if (per == NULL) {
        return PXE_ENOMEM;
    }
    for (i = 0; rc == PXE_OK && i < (nsub ? nsub : 1); i++) {
        pxe_im_dl_init(&per[i]);
        rc = context_dl(ps, global, nsub ? subs[i] : NULL, h, &per[i]);
        if (rc == PXE_OK && i > 0 && !pxe_im_dl_equal(&per[0], &per[i])) {
            same = 0;
        }
    }
    /* A fixed address pins the subnet: keep the key when others exist. */
    if (h != NULL && h->has_fixed) {
        same = ps->nsubnets <= 1;
    }
    for (i = 0; rc == PXE_OK && i < (same ? 1 : nsub); i++) {
        sub = -1;
        if (!same) {
            uint8_t  net[5];

            net[0] = (uint8_t) (subs[i]->net >> 24);
            net[1] = (uint8_t) (subs[i]->net >> 16);
            net[2] = (uint8_t) (subs[i]->net >> 8);
            net[3] = (uint8_t) subs[i]->net;
            net[4] = (uint8_t) __builtin_popcount(subs[i]->mask);
            sub = pxe_im_atom(ps->im, IM_A_SUBNET, 0, (const char *) net, 5);
            if (sub < 0) {
                rc = PXE_ENOMEM;
                break;
            }
        }
        rc = pxe_im_emit(ps->im, &per[i], mac, sub);
    }
    for (i = 0; i < (nsub ? nsub : 1); i++) {
        pxe_im_dl_free(&per[i]);
    }
    free(per);
    return rc;
}

/* Settings the Kea config takes (not conditional): per scope. */
static int
kea_scope(im_parse_t *ps, im_scope_t *sc, int net_index)
{
    size_t  i;
    int     rc;

    for (i = 0; i < sc->n->nkid; i++) {
        const im_node_t  *k = &sc->n->kid[i];

        if (k->block || k->nt < 2) {
            continue;
        }
        rc = PXE_OK;
        if (is_word(&k->t[0], "range") && net_index >= 0) {
            uint32_t  lo, hi;
            size_t    at = is_word(&k->t[1], "dynamic-bootp") ? 2 : 1;

            if (k->nt == at + 2 && parse_ipv4(&k->t[at], &lo) == 0
                && parse_ipv4(&k->t[at + 1], &hi) == 0)
            {
                rc = pxe_im_kea_range(ps->im, net_index, lo, hi,
                                      ps->pool_class);
            } else if (k->nt == at + 1 && parse_ipv4(&k->t[at], &lo) == 0) {
                rc = pxe_im_kea_range(ps->im, net_index, lo, lo,
                                      ps->pool_class);
            } else {
                (void) untranslated(ps, k, "not translated: range");
            }
        } else if (is_word(&k->t[0], "option") && k->nt >= 3) {
            static const char *const names[] = {
                "routers", "domain-name-servers", "domain-name",
                "broadcast-address", "ntp-servers", "domain-search",
                "tftp-server-name", NULL
            };
            size_t  j, m, len = 0;
            char   *data;

            for (m = 2; m < k->nt; m++) {
                len += k->t[m].len + 2;
            }
            data = pxe_im_alloc(ps->im, len + 1);
            if (data == NULL) {
                return PXE_ENOMEM;
            }
            for (len = 0, m = 2; m < k->nt; m++) {
                if (is_punct(&k->t[m], ",")) {
                    memcpy(data + len, ", ", 2);
                    len += 2;
                } else {
                    memcpy(data + len, k->t[m].s, k->t[m].len);
                    len += k->t[m].len;
                }
            }
            data[len] = '\0';
            for (j = 0; names[j] != NULL; j++) {
                /* 66 in a pool or group would reach the whole subnet */
                if (is_word(&k->t[1], names[j])
                    && (strcmp(names[j], "tftp-server-name") != 0
                        || kea_option66(ps, k)))
                {
                    rc = pxe_im_kea_option(ps->im, net_index, names[j],
                                           data);
                }
            }
        } else if ((is_word(&k->t[0], "default-lease-time")
                    || is_word(&k->t[0], "max-lease-time"))
                   && k->nt == 2)
        {
            rc = pxe_im_kea_lease_time(ps->im, net_index,
                                       is_word(&k->t[0], "max-lease-time"),
                                       strtol(tok_str(ps, &k->t[1])
                                              ? tok_str(ps, &k->t[1]) : "0",
                                              NULL, 10));
        }
        if (rc != PXE_OK) {
            return rc;
        }
    }
    return PXE_OK;
}

/* A class name Kea's member('...') can quote as it is. */
static int
kea_class_name_ok(const char *name)
{
    size_t  i;

    for (i = 0; name[i] != '\0'; i++) {
        char  c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
              || c == ':'))
        {
            return 0;
        }
    }
    return i > 0 && i <= 64;
}

/* A dhcpd class as a Kea client class of the same name, its match as the
 * test.  PXE_EINVAL when that has no Kea expression. */
static int
kea_member_class(im_parse_t *ps, const char *name)
{
    im_dl_t      m;
    const char  *test;
    int          rc;

    if (!kea_class_name_ok(name)) {
        return PXE_EINVAL;
    }
    pxe_im_dl_init(&m);
    rc = member_dl(ps, find_class(ps, name), &m);
    if (rc == PXE_OK) {
        rc = pxe_im_kea_expr(ps->im, &m, &test);
    }
    pxe_im_dl_free(&m);
    if (rc == PXE_OK) {
        /* always true: a test Kea accepts that always holds */
        rc = pxe_im_kea_class(ps->im, name,
                              test != NULL ? test : "'1' == '1'");
    }
    return rc;
}

/*
 * A pool that allows (or denies) members of classes: in Kea a pool takes
 * one client-class, so the dhcpd class itself when the pool allows just
 * one, else a class of the pool's own ("pool-LINE") whose test combines
 * member() of the dhcpd classes as dhcpd does: allowed by any, denied by
 * none.  What Kea's expressions cannot say leaves the pool open to all,
 * reported.
 */
static int
kea_pool_class(im_parse_t *ps, im_scope_t *p)
{
    pxe_buf_t   t;
    size_t      i;
    int         rc = PXE_OK;
    char       *name, *test;

    if (p->nallow == 0 && p->ndeny == 0) {
        return PXE_OK;
    }
    for (i = 0; rc == PXE_OK && i < p->nallow + p->ndeny; i++) {
        rc = kea_member_class(ps, i < p->nallow ? p->allow[i]
                                                : p->deny[i - p->nallow]);
    }
    if (rc == PXE_EINVAL || rc == PXE_ETOOMANY) {
        (void) pxe_im_kea_note(ps->im, ps->file, p->n->line,
                               "not translated (--kea-config): a pool for "
                               "some classes only (a class name or match "
                               "Kea cannot test, or too many classes); its "
                               "range is open to all");
        return PXE_OK;
    }
    if (rc != PXE_OK) {
        return rc;
    }
    if (p->nallow == 1 && p->ndeny == 0) {
        ps->pool_class = p->allow[0];
        return PXE_OK;
    }
    pxe_buf_init(&t, 64 * 1024, NULL);
    if (p->nallow > 0) {
        rc = pxe_buf_adds(&t, "(");
        for (i = 0; rc == PXE_OK && i < p->nallow; i++) {
            rc = pxe_buf_printf(&t, "%smember('%s')", i ? " or " : "",
                                p->allow[i]);
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(&t, ")");
        }
    }
    for (i = 0; rc == PXE_OK && i < p->ndeny; i++) {
        rc = pxe_buf_printf(&t, "%snot member('%s')",
                            i || p->nallow ? " and " : "", p->deny[i]);
    }
    name = rc == PXE_OK ? pxe_im_alloc(ps->im, 32) : NULL;
    test = rc == PXE_OK ? pxe_im_alloc(ps->im, t.len + 1) : NULL;
    if (rc == PXE_OK && (name == NULL || test == NULL)) {
        rc = PXE_ENOMEM;
    }
    if (rc == PXE_OK) {
        snprintf(name, 32, "pool-%u", p->n->line);
        memcpy(test, t.data, t.len);
        rc = pxe_im_kea_class(ps->im, name, test);
        ps->pool_class = name;
    }
    pxe_buf_free(&t);
    return rc;
}

static int
kea_collect(im_parse_t *ps, im_scope_t *global)
{
    size_t  i, j;
    int     rc, idx;

    if ((rc = kea_scope(ps, global, -1)) != PXE_OK) {
        return rc;
    }
    for (i = 0; i < ps->nscopes; i++) {
        im_scope_t  *s = ps->scopes[i];
        im_scope_t  *sn;

        if (s->kind != S_SUBNET) {
            continue;
        }
        sn = enclosing(s->parent, S_SHARED);
        idx = pxe_im_kea_subnet(ps->im, s->net, s->mask,
                                sn != NULL ? sn->name : NULL);
        if (idx < 0) {
            return PXE_ENOMEM;
        }
        /* the scopes between global and the subnet, then the subnet */
        {
            im_scope_t  *chain[PXE_IMPORT_DEPTH_MAX + 2], *sc;
            size_t       n = 0;

            for (sc = s; sc != NULL && sc != global
                 && n < PXE_IMPORT_DEPTH_MAX + 2; sc = sc->parent)
            {
                chain[n++] = sc;
            }
            for (j = n; j > 0; j--) {
                if ((rc = kea_scope(ps, chain[j - 1], idx)) != PXE_OK) {
                    return rc;
                }
            }
        }
        for (j = 0; j < ps->nscopes; j++) {
            if (ps->scopes[j]->kind == S_POOL && ps->scopes[j]->subnet == s) {
                ps->pool_class = NULL;
                if ((rc = kea_pool_class(ps, ps->scopes[j])) != PXE_OK) {
                    return rc;
                }
                rc = kea_scope(ps, ps->scopes[j], idx);
                ps->pool_class = NULL;
                if (rc != PXE_OK) {
                    return rc;
                }
            }
        }
    }
    for (i = 0; i < ps->nscopes; i++) {
        im_scope_t  *h = ps->scopes[i];

        if (h->kind == S_HOST && h->has_mac && h->has_fixed) {
            for (j = 0; j < ps->nscopes; j++) {
                im_scope_t  *s = ps->scopes[j];

                if (s->kind == S_SUBNET && (h->fixed & s->mask) == s->net) {
                    rc = pxe_im_kea_host(ps->im, s->net, s->mask, h->mac,
                                         h->fixed, h->name);
                    if (rc != PXE_OK) {
                        return rc;
                    }
                    break;
                }
            }
        }
    }
    return PXE_OK;
}

int
pxe_import_dhcpd(pxe_import_t **out, const char *file, const char *text,
    size_t len, const pxe_import_opts_t *opts, pxe_buf_t *err)
{
    im_parse_t   ps;
    im_node_t    top;
    im_scope_t  *global;
    size_t       i;
    int          rc;
    uint32_t     ns;

    *out = NULL;
    memset(&ps, 0, sizeof(ps));
    ps.file = file;
    ps.err = err;
    if (len > PXE_IMPORT_TEXT_MAX) {
        if (err != NULL) {
            pxe_buf_reset(err);
            if (pxe_buf_printf(err, "%s: larger than %d bytes", file,
                               PXE_IMPORT_TEXT_MAX) != PXE_OK)
            {
                pxe_buf_reset(err);
            }
        }
        return PXE_ETOOBIG;
    }
    ps.im = pxe_im_new(file);
    if (ps.im == NULL) {
        return PXE_ENOMEM;
    }
    memset(&top, 0, sizeof(top));
    rc = lex(&ps, text, len);
    if (rc == PXE_OK) {
        rc = parse_block(&ps, &top.kid, &top.nkid, 0);
    }
    global = rc == PXE_OK ? new_scope(&ps, S_GLOBAL, &top, NULL) : NULL;
    if (rc == PXE_OK && global == NULL) {
        rc = PXE_ENOMEM;
    }
    if (rc == PXE_OK) {
        rc = walk(&ps, top.kid, top.nkid, global);
    }
    /* The default next-server: the global statement, else --next-server. */
    if (rc == PXE_OK) {
        for (i = 0; i < top.nkid; i++) {
            if (!top.kid[i].block && top.kid[i].nt == 2
                && is_word(&top.kid[i].t[0], "next-server")
                && parse_ipv4(&top.kid[i].t[1], &ns) == 0)
            {
                rc = pxe_im_default_ns(ps.im, tok_str(&ps, &top.kid[i].t[1]));
            }
        }
        if (opts != NULL && opts->next_server != NULL) {
            rc = pxe_im_default_ns(ps.im, opts->next_server);
        }
    }
    /* Every context looks at every subnet: collected once, not per host
     * (a scan of all scopes per host was quadratic). */
    if (rc == PXE_OK && ps.nscopes > 0) {
        ps.subnets = malloc(ps.nscopes * sizeof(*ps.subnets));
        if (ps.subnets == NULL) {
            rc = PXE_ENOMEM;
        }
        for (i = 0; rc == PXE_OK && i < ps.nscopes; i++) {
            if (ps.scopes[i]->kind == S_SUBNET) {
                ps.subnets[ps.nsubnets++] = ps.scopes[i];
            }
        }
    }
    for (i = 0; rc == PXE_OK && i < ps.nscopes; i++) {
        if (ps.scopes[i]->kind == S_HOST && ps.scopes[i]->has_mac) {
            rc = emit_context(&ps, global, ps.scopes[i]);
        }
    }
    if (rc == PXE_OK) {
        rc = emit_context(&ps, global, NULL);
    }
    if (rc == PXE_OK) {
        rc = kea_collect(&ps, global);
    }
    if (rc == PXE_OK) {
        rc = pxe_im_finish(ps.im);
    }
    free(ps.tok);
    free(ps.scopes);
    free(ps.subnets);
    if (rc != PXE_OK) {
        if (!ps.failed && err != NULL) {
            pxe_buf_reset(err);
            if (pxe_buf_printf(err, "%s: %s", file, pxe_im_error(ps.im)
                               ? pxe_im_error(ps.im) : pxe_strerror(rc))
                != PXE_OK)
            {
                pxe_buf_reset(err);
            }
        }
        pxe_import_free(ps.im);
        return rc == PXE_ENOMEM || rc == PXE_ETOOMANY || rc == PXE_ETOOBIG
               ? rc : PXE_ESYNTAX;
    }
    *out = ps.im;
    return PXE_OK;
}
