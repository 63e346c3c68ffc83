/*
 * remap.c: tftp-hpa 5.2 remap files, read and run exactly as Debian's
 * in.tftpd (5.2+20150808) does.
 *
 * tftpd compiles each regex with glibc's regcomp(REG_EXTENDED[|REG_ICASE])
 * and runs it with regexec(), so this file uses the very same engine and
 * re-implements only what tftpd adds around it: how a line splits into
 * flags, regex and replacement, which flags exist, the order rules run in
 * and the replacement escapes.  The 5.2 quirks kept on purpose (a site's
 * server behaves that way) are marked "5.2:".
 */

#include <arpa/inet.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"
#include "remap_int.h"

/* The flag characters 5.2 accepts; anything else makes tftpd exit 78. */
#define REMAP_FLAGS  "rgiesa~46GP"

typedef struct {
    char    *data;
    size_t   len;
} rstr_t;

static int parse_line(pxe_remap_t *rm, size_t *cap, char *line,
    unsigned lineno, char *tok);
static size_t read_token(char *tok, char **str);
static int is_space(int c);
static int expand(const pxe_remap_rule_t *r, const char *cur,
    const regmatch_t *pm, const pxe_remap_client_t *c, rstr_t *res);
static int expand_add(rstr_t *res, size_t *cap, const char *s, size_t n,
    int xform);
static int client_text(const pxe_remap_client_t *c, int hex, char *buf,
    size_t size);
static int rule_applies(const pxe_remap_rule_t *r,
    const pxe_remap_client_t *c);
static int inverse_abort(const pxe_remap_rule_t *r, rstr_t *cur,
    const pxe_remap_client_t *c, pxe_remap_outcome_e *outcome,
    pxe_buf_t *out);
static int global_loop(const pxe_remap_rule_t *r, const pxe_remap_client_t *c,
    rstr_t *cur, int *hang);

void
pxe_remap_init(pxe_remap_t *rm)
{
    memset(rm, 0, sizeof(*rm));
}

void
pxe_remap_free(pxe_remap_t *rm)
{
    size_t  i;

    for (i = 0; i < rm->nrules; i++) {
        pxe_remap_rule_free(&rm->rules[i]);
    }
    free(rm->rules);
    free(rm->diags);
    memset(rm, 0, sizeof(*rm));
}

/* Also used by remap_vet.c, for the rules it drops. */
void
pxe_remap_rule_free(pxe_remap_rule_t *r)
{
    if (r->rx != NULL) {
        regfree(r->rx);
        free(r->rx);
    }
    free(r->flagtext);
    free(r->regex);
    free(r->replacement);
    r->rx = NULL;
    r->flagtext = r->regex = r->replacement = NULL;
}

/* Also used by remap_lint.c and remap_vet.c (declared in remap_int.h). */
int
pxe_remap_diagv(pxe_remap_t *rm, unsigned line, pxe_remap_severity_e sev,
    const char *fmt, va_list ap)
{
    pxe_remap_diag_t  *d;

    if (sev != PXE_REMAP_WARNING) {
        rm->nerrors++;
    }
    if (sev == PXE_REMAP_DANGER) {
        rm->ndanger++;
    }
    if (rm->ndiags >= PXE_REMAP_DIAGS_MAX) {
        return PXE_OK;                  /* counted, not kept */
    }
    /* Diagnostics are few: one allocation each keeps this simple. */
    d = realloc(rm->diags, (rm->ndiags + 1) * sizeof(*d));
    if (d == NULL) {
        return PXE_ENOMEM;
    }
    rm->diags = d;
    d = &rm->diags[rm->ndiags++];
    d->line = line;
    d->severity = sev;
    (void) vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    return PXE_OK;
}

/* Also used by remap_vet.c (declared in remap_int.h). */
int
pxe_remap_diag(pxe_remap_t *rm, unsigned line, pxe_remap_severity_e sev,
    const char *fmt, ...)
{
    va_list  ap;
    int      rc;

    va_start(ap, fmt);
    rc = pxe_remap_diagv(rm, line, sev, fmt, ap);
    va_end(ap);
    return rc;
}

/* The C locale's isspace(): tftpd never calls setlocale(). */
static int
is_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * One field: leading blanks skipped, then up to an unescaped blank or '#'.
 * Backslashes stay in the field (regcomp and the replacement see them).
 */
static size_t
read_token(char *tok, char **str)
{
    char    *p = *str;
    size_t   len = 0;
    int      escaped = 0;

    while (*p && is_space((unsigned char) *p)) {
        p++;
    }
    while (*p) {
        if (!escaped && (is_space((unsigned char) *p) || *p == '#')) {
            break;
        }
        escaped = !escaped && *p == '\\';
        tok[len++] = *p++;
    }
    tok[len] = '\0';
    *str = p;
    return len;
}

static int
parse_line(pxe_remap_t *rm, size_t *cap, char *line, unsigned lineno,
    char *tok)
{
    pxe_remap_rule_t   r, *nr;
    const char        *p;
    pxe_remap_cost_t   cost;
    uint64_t           t0;
    int                rc, cflags = REG_EXTENDED;
    char               err[128];

    memset(&r, 0, sizeof(r));
    r.line = lineno;

    if (read_token(tok, &line) == 0) {
        return PXE_OK;                  /* blank or comment */
    }
    for (p = tok; *p; p++) {
        switch (*p) {
        case 'r': r.flags |= PXE_REMAP_REWRITE; break;
        case 'g': r.flags |= PXE_REMAP_GLOBAL | PXE_REMAP_GFLAG; break;
        case 'e': r.flags |= PXE_REMAP_EXIT; break;
        case 's': r.flags |= PXE_REMAP_RESTART; break;
        case 'a': r.flags |= PXE_REMAP_ABORT; break;
        case 'i': r.flags |= PXE_REMAP_ICASE; cflags |= REG_ICASE; break;
        case '~': r.flags |= PXE_REMAP_INVERSE; break;
        case '4': r.flags |= PXE_REMAP_IPV4; break;
        case '6': r.flags |= PXE_REMAP_IPV6; break;
        case 'G':
        case 'P':
            /* 5.2: one mode slot, the last letter wins. */
            if (r.mode != 0 && r.mode != *p) {
                r.gp_both = 1;
            }
            r.mode = *p;
            break;
        default:
            return pxe_remap_diag(rm, lineno, PXE_REMAP_ERROR,
                "invalid flag \"%c\" in \"%.40s\" (flags of tftp-hpa 5.2: "
                REMAP_FLAGS "; in.tftpd exits with status 78)",
                *p, tok);
        }
    }
    if (!(r.flags & PXE_REMAP_REWRITE)) {
        r.flags &= ~(unsigned) PXE_REMAP_GLOBAL;
    }
    if ((r.flags & (PXE_REMAP_REWRITE | PXE_REMAP_INVERSE))
        == (PXE_REMAP_REWRITE | PXE_REMAP_INVERSE))
    {
        return pxe_remap_diag(rm, lineno, PXE_REMAP_ERROR,
            "flags r and ~ cannot be combined (in.tftpd exits with "
            "status 78)");
    }
    r.flagtext = strdup(tok);
    if (r.flagtext == NULL) {
        return PXE_ENOMEM;
    }

    if (read_token(tok, &line) == 0) {
        free(r.flagtext);
        return pxe_remap_diag(rm, lineno, PXE_REMAP_ERROR,
            "no regex after the flags (in.tftpd exits with status 78)");
    }
    rc = pxe_remap_cost(tok, &cost);
    if (rc != PXE_OK) {
        free(r.flagtext);
        return rc;
    }
    if (cost.copies > PXE_REMAP_COPIES_MAX || cost.nodes > PXE_REMAP_NODES_MAX)
    {
        free(r.flagtext);
        return pxe_remap_diag(rm, lineno, PXE_REMAP_DANGER,
            "regex repeats repetitions (\"x++\", \"(x{100}){100}\"): "
            "glibc's regcomp would copy a piece more than %d times (or "
            "make more than %d nodes) and in.tftpd would stall or run out "
            "of memory", PXE_REMAP_COPIES_MAX, PXE_REMAP_NODES_MAX);
    }
    if (cost.empty_loops > PXE_REMAP_EMPTY_LOOPS_MAX) {
        free(r.flagtext);
        return pxe_remap_diag(rm, lineno, PXE_REMAP_DANGER,
            "regex nests %zu repetitions over something that can match "
            "the empty string (\"x*+++++\"): glibc's regcomp takes "
            "exponential time on it (10 s at 5, minutes at 6), so in.tftpd "
            "would stall compiling it at startup and on every reload "
            "(SIGHUP)", cost.empty_loops);
    }
    r.regex = strdup(tok);
    if (r.regex == NULL) {
        goto nomem;
    }
    /* Anything the model cannot vouch for is compiled first in a child
     * process, under a CPU limit (pxe_remap_vet, once the file is read). */
    if (cost.repeats <= PXE_REMAP_CHEAP_REPEATS && !cost.backref
        && cost.nodes <= PXE_REMAP_CHEAP_NODES
        && cost.depth <= PXE_REMAP_NEST_MAX)
    {
        if (rm->compile_us >= PXE_GUARD_US(PXE_REMAP_BUDGET_MS)) {
            pxe_remap_rule_free(&r);
            return pxe_remap_unchecked(rm, lineno, rm->compile_us);
        }
        r.rx = malloc(sizeof(regex_t));
        if (r.rx == NULL) {
            goto nomem;
        }
        t0 = pxe_guard_cpu_us();
        rc = regcomp(r.rx, tok, cflags);
        rm->compile_us += (unsigned long) (pxe_guard_cpu_us() - t0);
        if (rc != 0) {
            (void) regerror(rc, r.rx, err, sizeof(err));
            free(r.rx);
            free(r.regex);
            free(r.flagtext);
            return pxe_remap_diag(rm, lineno, PXE_REMAP_ERROR,
                "regex \"%.60s\" does not compile: %s (in.tftpd exits with "
                "status 78)", tok, err);
        }
        r.nsub = ((regex_t *) r.rx)->re_nsub;
    }

    (void) read_token(tok, &line);
    r.replacement = strdup(tok);
    if (r.replacement == NULL) {
        goto nomem;
    }
    if (rm->nrules >= PXE_REMAP_RULES_MAX) {
        pxe_remap_rule_free(&r);
        return PXE_ETOOMANY;
    }
    if (rm->nrules == *cap) {
        size_t  ncap = *cap ? *cap * 2 : 16;

        nr = realloc(rm->rules, ncap * sizeof(*nr));
        if (nr == NULL) {
            goto nomem;
        }
        rm->rules = nr;
        *cap = ncap;
    }
    rm->rules[rm->nrules++] = r;
    return PXE_OK;

nomem:
    pxe_remap_rule_free(&r);
    return PXE_ENOMEM;
}

int
pxe_remap_parse(pxe_remap_t *rm, const char *text, size_t len)
{
    char      *line, *tok;
    size_t     pos = 0, n, cap = 0;
    unsigned   lineno = 0;
    int        rc = PXE_OK;

    if (len > PXE_REMAP_FILE_MAX) {
        return PXE_ETOOBIG;
    }
    line = malloc(PXE_REMAP_LINE_MAX);
    tok = malloc(PXE_REMAP_LINE_MAX);
    if (line == NULL || tok == NULL) {
        free(line);
        free(tok);
        return PXE_ENOMEM;
    }

    /*
     * 5.2 reads with fgets(line, 16384): a longer line arrives as several
     * lines, each counted, and a NUL ends what tftpd sees of a chunk.
     */
    while (pos < len && rc == PXE_OK) {
        const char  *nl;

        n = len - pos;
        if (n > PXE_REMAP_LINE_MAX - 1) {
            n = PXE_REMAP_LINE_MAX - 1;
        }
        nl = memchr(text + pos, '\n', n);
        if (nl != NULL) {
            n = (size_t) (nl - (text + pos)) + 1;
        }
        memcpy(line, text + pos, n);
        line[n] = '\0';
        pos += n;
        lineno++;
        rc = parse_line(rm, &cap, line, lineno, tok);
    }
    free(line);
    free(tok);
    if (rc != PXE_OK) {
        return rc;
    }
    rc = pxe_remap_vet(rm);
    if (rc != PXE_OK) {
        return rc;
    }
    return rm->nerrors ? PXE_ESYNTAX : PXE_OK;
}

int
pxe_remap_client(const char *ip, int put, pxe_remap_client_t *c)
{
    memset(c, 0, sizeof(*c));
    c->put = put ? 1 : 0;
    if (ip != NULL && inet_pton(AF_INET, ip, c->addr) == 1) {
        c->family = 4;
        return PXE_OK;
    }
    if (ip != NULL && inet_pton(AF_INET6, ip, c->addr) == 1) {
        c->family = 6;
        return PXE_OK;
    }
    return PXE_EINVAL;
}

/* \i (inet_ntop) or \x (upper-case hex of the address bytes). */
static int
client_text(const pxe_remap_client_t *c, int hex, char *buf, size_t size)
{
    size_t  i, n = c->family == 6 ? 16 : 4;

    if (!hex) {
        return inet_ntop(c->family == 6 ? AF_INET6 : AF_INET, c->addr, buf,
                         (socklen_t) size) != NULL ? PXE_OK : PXE_EINVAL;
    }
    if (size < n * 2 + 1) {
        return PXE_ETOOBIG;
    }
    for (i = 0; i < n; i++) {
        (void) snprintf(buf + i * 2, 3, "%02X", c->addr[i]);
    }
    return PXE_OK;
}

static int
expand_add(rstr_t *res, size_t *cap, const char *s, size_t n, int xform)
{
    size_t  i;

    if (n > PXE_REMAP_STRING_MAX || res->len + n > PXE_REMAP_STRING_MAX) {
        return PXE_ETOOBIG;
    }
    if (res->len + n + 1 > *cap) {
        size_t   ncap = *cap ? *cap : 64;
        char    *d;

        while (ncap < res->len + n + 1) {
            ncap *= 2;
        }
        d = realloc(res->data, ncap);
        if (d == NULL) {
            return PXE_ENOMEM;
        }
        res->data = d;
        *cap = ncap;
    }
    for (i = 0; i < n; i++) {
        char  ch = s[i];

        if (xform == 'U' && ch >= 'a' && ch <= 'z') {
            ch = (char) (ch - 'a' + 'A');
        } else if (xform == 'L' && ch >= 'A' && ch <= 'Z') {
            ch = (char) (ch - 'A' + 'a');
        }
        res->data[res->len++] = ch;
    }
    res->data[res->len] = '\0';
    return PXE_OK;
}

/*
 * The name with the match replaced by the expanded replacement, as 5.2's
 * genmatchstring(): the text before and after the match is copied as is;
 * inside, \U \L \E switch case, \0-\9 insert groups (unmatched: nothing),
 * \i \x the client address, any other \c is c, and a final lone \ is
 * itself.
 */
static int
expand(const pxe_remap_rule_t *r, const char *cur, const regmatch_t *pm,
    const pxe_remap_client_t *c, rstr_t *res)
{
    const char  *p = r->replacement;
    size_t       cap = 0;
    int          rc, xform = 0;
    char         addr[64];

    res->data = NULL;
    res->len = 0;
    rc = expand_add(res, &cap, cur, (size_t) pm[0].rm_so, 0);
    while (rc == PXE_OK && *p) {
        if (p[0] == '\\' && p[1] != '\0') {
            char  m = p[1];

            p += 2;
            if (m >= '0' && m <= '9') {
                const regmatch_t  *g = &pm[m - '0'];

                if (g->rm_so != -1) {
                    rc = expand_add(res, &cap, cur + g->rm_so,
                                    (size_t) (g->rm_eo - g->rm_so), xform);
                }
            } else if (m == 'U' || m == 'L') {
                xform = m;
            } else if (m == 'E') {
                xform = 0;
            } else if (m == 'i' || m == 'x') {
                rc = client_text(c, m == 'x', addr, sizeof(addr));
                if (rc == PXE_OK) {
                    rc = expand_add(res, &cap, addr, strlen(addr), xform);
                }
            } else {
                rc = expand_add(res, &cap, &m, 1, xform);
            }
        } else {
            rc = expand_add(res, &cap, p, 1, xform);
            p++;
        }
    }
    if (rc == PXE_OK) {
        rc = expand_add(res, &cap, cur + pm[0].rm_eo,
                        strlen(cur + pm[0].rm_eo), 0);
    }
    if (rc == PXE_OK && res->data == NULL) {
        rc = expand_add(res, &cap, "", 0, 0);
    }
    if (rc != PXE_OK) {
        free(res->data);
        res->data = NULL;
    }
    return rc;
}

static int
rule_applies(const pxe_remap_rule_t *r, const pxe_remap_client_t *c)
{
    if (r->mode != 0 && r->mode != (c->put ? 'P' : 'G')) {
        return 0;
    }
    if ((r->flags & PXE_REMAP_IPV4) && c->family != 4) {
        return 0;
    }
    if ((r->flags & PXE_REMAP_IPV6) && c->family != 6) {
        return 0;
    }
    return 1;
}

/*
 * 5.2 repeats a g rule while it matches, with no limit, so one that keeps
 * matching spins the tftpd child forever.  Same name twice (Brent's cycle
 * check), growth past PXE_REMAP_GROWTH_MAX or PXE_REMAP_GLOBAL_MAX repeats:
 * *hang = 1.
 * Returns how many times the rule matched (0 or more) or a negative error.
 */
static int
global_loop(const pxe_remap_rule_t *r, const pxe_remap_client_t *c,
    rstr_t *cur, int *hang)
{
    regmatch_t  pm[10];
    rstr_t      next, mark = { NULL, 0 };
    size_t      n = 0, power = 1, lam = 0;
    int         rc;

    *hang = 0;
    for ( ;; ) {
        if (regexec(r->rx, cur->data, 10, pm, 0) != 0) {
            break;
        }
        rc = expand(r, cur->data, pm, c, &next);
        if (rc == PXE_ETOOBIG) {
            *hang = 1;
            break;
        }
        if (rc != PXE_OK) {
            free(mark.data);
            return -rc;
        }
        free(cur->data);
        *cur = next;
        n++;
        if (!(r->flags & PXE_REMAP_GLOBAL)) {
            break;
        }
        if (cur->len > PXE_REMAP_GROWTH_MAX) {
            *hang = 1;
            break;
        }
        if (mark.data != NULL && mark.len == cur->len
            && memcmp(mark.data, cur->data, cur->len) == 0)
        {
            *hang = 1;
            break;
        }
        if (++lam == power) {
            free(mark.data);
            mark.data = strdup(cur->data);
            if (mark.data == NULL) {
                return -PXE_ENOMEM;
            }
            mark.len = cur->len;
            power *= 2;
            lam = 0;
        }
        if (n >= PXE_REMAP_GLOBAL_MAX) {
            *hang = 1;
            break;
        }
    }
    free(mark.data);
    return (int) (n > 1 ? 1 : n);
}

static void
trace_step(pxe_remap_trace_pt trace, void *ctx, const pxe_remap_t *rm,
    size_t i, const char *action, const char *cur)
{
    pxe_remap_step_t  s;

    if (trace == NULL) {
        return;
    }
    s.rule = i;
    s.line = rm->rules[i].line;
    s.action = action;
    s.current = cur;
    trace(ctx, &s);
}

/*
 * 5.2: an inverted a rule with a message expands it with "no match"
 * (rm_so == -1) and so writes it starting one byte BEFORE its buffer,
 * followed by the byte before the name and the name.  On glibc x86-64
 * both stray bytes are the top byte of a malloc size field, zero, so the
 * NAK carries the message without its first character; an empty
 * expansion leaves the name itself.  Seen on the wire with in.tftpd.
 */
static int
inverse_abort(const pxe_remap_rule_t *r, rstr_t *cur,
    const pxe_remap_client_t *c, pxe_remap_outcome_e *outcome,
    pxe_buf_t *out)
{
    regmatch_t  none[10];
    rstr_t      msg;
    size_t      i;
    int         rc;

    for (i = 0; i < 10; i++) {
        none[i].rm_so = 0;
        none[i].rm_eo = 0;
    }
    /* Expand over an empty name: groups empty, nothing before or after. */
    rc = expand(r, "", none, c, &msg);
    if (rc != PXE_OK) {
        free(cur->data);
        return rc;
    }
    *outcome = PXE_REMAP_DENY;
    if (msg.len > 0) {
        rc = pxe_buf_add(out, msg.data + 1, msg.len - 1);
    } else {
        rc = pxe_buf_add(out, cur->data, cur->len);
    }
    free(msg.data);
    free(cur->data);
    return rc;
}

int
pxe_remap_eval(const pxe_remap_t *rm, const char *path,
    const pxe_remap_client_t *c, pxe_remap_outcome_e *outcome,
    pxe_buf_t *out, pxe_remap_trace_pt trace, void *ctx)
{
    rstr_t                   cur, msg;
    regmatch_t               pm[10];
    const pxe_remap_rule_t  *r;
    size_t                   i, deadman = PXE_REMAP_STEPS_MAX;
    int                      rc, matched, hang, k;

    if (path == NULL || c == NULL || (c->family != 4 && c->family != 6)) {
        return PXE_EINVAL;
    }
    cur.len = strlen(path);
    if (cur.len > PXE_REMAP_STRING_MAX) {
        return PXE_ETOOBIG;
    }
    cur.data = strdup(path);
    if (cur.data == NULL) {
        return PXE_ENOMEM;
    }

    for (i = 0; i < rm->nrules; i++) {
        r = &rm->rules[i];
        if (!rule_applies(r, c)) {
            continue;
        }
        if (deadman-- == 0) {
            free(cur.data);
            trace_step(trace, ctx, rm, i, "deadman", path);
            *outcome = PXE_REMAP_FAILURE;
            return pxe_buf_adds(out, "Remap table failure");
        }

        if (r->flags & PXE_REMAP_INVERSE) {
            matched = regexec(r->rx, cur.data, 0, NULL, 0) == REG_NOMATCH;
        } else if (r->flags & PXE_REMAP_ABORT) {
            matched = regexec(r->rx, cur.data, 10, pm, 0) == 0;
        } else if (r->flags & PXE_REMAP_REWRITE) {
            k = global_loop(r, c, &cur, &hang);
            if (k < 0) {
                free(cur.data);
                return -k;
            }
            matched = k > 0;
            if (matched) {
                trace_step(trace, ctx, rm, i, "rewrite", cur.data);
            }
            if (hang) {
                trace_step(trace, ctx, rm, i, "hang", cur.data);
                free(cur.data);
                *outcome = PXE_REMAP_HANG;
                return PXE_OK;
            }
        } else {
            matched = regexec(r->rx, cur.data, 0, NULL, 0) == 0;
        }

        if (matched && (r->flags & PXE_REMAP_ABORT)) {
            trace_step(trace, ctx, rm, i, "abort", cur.data);
            if (r->replacement[0] == '\0') {
                free(cur.data);
                *outcome = PXE_REMAP_DENY;
                return pxe_buf_adds(out, "Access denied");
            }
            if (r->flags & PXE_REMAP_INVERSE) {
                return inverse_abort(r, &cur, c, outcome, out);
            }
            rc = expand(r, cur.data, pm, c, &msg);
            free(cur.data);
            if (rc != PXE_OK) {
                return rc;
            }
            *outcome = PXE_REMAP_DENY;
            rc = pxe_buf_add(out, msg.data, msg.len);
            free(msg.data);
            return rc;
        }
        if (!matched) {
            continue;
        }
        if (r->flags & PXE_REMAP_EXIT) {
            trace_step(trace, ctx, rm, i, "exit", cur.data);
            break;
        }
        if (r->flags & PXE_REMAP_RESTART) {
            trace_step(trace, ctx, rm, i, "restart", cur.data);
            /* 5.2: the loop's own increment follows, so rule 0 is skipped. */
            i = 0;
            continue;
        }
        if (!(r->flags & PXE_REMAP_REWRITE)) {
            trace_step(trace, ctx, rm, i, "match", cur.data);
        }
    }

    *outcome = PXE_REMAP_SERVE;
    rc = pxe_buf_add(out, cur.data, cur.len);
    free(cur.data);
    return rc;
}

const char *
pxe_remap_outcome_name(pxe_remap_outcome_e o)
{
    switch (o) {
    case PXE_REMAP_SERVE: return "served";
    case PXE_REMAP_DENY: return "denied";
    case PXE_REMAP_FAILURE: return "remap table failure";
    case PXE_REMAP_HANG: return "hang";
    }
    return "unknown";
}
