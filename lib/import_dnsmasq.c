/*
 * import_dnsmasq.c: dnsmasq's DHCP boot configuration as the Kea hook's
 * ordered rules.
 *
 * dnsmasq decides with tags: each tag is set when any of its setters
 * holds (dhcp-range: the client's subnet; dhcp-host: its MAC;
 * dhcp-match, dhcp-userclass, dhcp-vendorclass: its options), then the
 * tag-if lines run in order.  A tag is therefore a condition, kept as a
 * decision list of truths (import.c).  dhcp-boot lines are tried as
 * dnsmasq tries them: those with a tag (even only a negated one) first,
 * then the untagged, each group from the last line written to the first
 * (verified against dnsmasq by tests/integration/import); option 67 from
 * dhcp-option likewise, and it beats the boot line's file; option 66
 * likewise, on its own, over the boot line's server name.
 *
 * pxe-service (dnsmasq's rfc2131.c, read for 2.89/2.90): a full DHCP
 * server never puts a service's file in its offer; to a PXE client
 * (option 60 starting "PXEClient", option 93 present) it sends an
 * option 43 menu of the services whose CSA is the client's arch, and the
 * ROM then asks port 4011 for the item it picked, where dnsmasq answers
 * with file BASENAME.0 (BASENAME when it has a dot), siaddr the service's
 * address or its own, no sname, no option 66/67.  The item picked is the
 * first when the prompt's timeout runs out (no pxe-prompt: 0 for one
 * item, forever for more); a UEFI arch (6 and up) with a single service
 * gets no menu at all (dnsmasq's UEFI workaround only answers on 4011).
 * So a service translates to "the client gets that file" when its menu
 * boots it unattended; the rest is reported.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pxekit.h"
#include "import_int.h"

#define DM_FIELDS_MAX    32
#define DM_TAGS_MAX      256
#define DM_LINE_MAX      4096

typedef struct dm_tag_s {
    char        *name;
    im_dl_t      cond;          /* truths: when the tag is set */
    int          late;          /* a setter dnsmasq runs after it looks up
                                 * the client's dhcp-host (a range, a host,
                                 * tag-if) */
} dm_tag_t;

/* A dhcp-host line: with tag: ones, kept for dm_tagged_hosts. */
typedef struct dm_host_s {
    unsigned     line;
    const char  *file;
    uint8_t      mac[6];
    char        *set;           /* set:TAG, or NULL */
    char        *tags[8];       /* tag:X filters ("X" or "!X") */
    size_t       ntags;
    int          have_ip;
} dm_host_t;

typedef struct dm_boot_s {
    unsigned     line;
    const char  *file;          /* the file name of the line's file */
    char        *tags[8];       /* "X" or "!X" */
    size_t       ntags;
    const char  *v[IM_V_COUNT];
    int          tagged;        /* has a tag, even a negated one */
    int          opt;           /* 0: dhcp-boot; 66, 67: a dhcp-option */
} dm_boot_t;

typedef struct dm_svc_s {
    unsigned     line;
    const char  *file;
    unsigned     csa;
    char        *tags[8];
    size_t       ntags;
    const char  *basename;      /* NULL: a boot service type */
    const char  *server;        /* an IPv4 address, or NULL: dnsmasq's */
    int          by_name;       /* the server is a host name */
} dm_svc_t;

typedef struct dm_tagif_s {
    unsigned     line;
    const char  *file;
    char        *sets[8], *need[8];
    size_t       nsets, nneed;
} dm_tagif_t;

typedef struct dm_range_s {
    unsigned     line;
    const char  *file;
    int          subnet;        /* Kea subnet index */
    uint32_t     lo, hi, net, mask;
    char        *tags[8];       /* tag:X filters; none: for all */
    size_t       ntags;
} dm_range_t;

typedef struct dm_s {
    pxe_import_t    *im;
    const char      *file;
    unsigned         line;
    pxe_buf_t       *err;
    dm_tag_t         tags[DM_TAGS_MAX];
    size_t           ntags;
    dm_boot_t       *boots;     /* dhcp-boot and option 67 lines */
    size_t           nboots, capboots;
    const char      *next_server;
    int              failed;
    dm_tagif_t      *tagifs;    /* tag-if lines: run after the setters */
    size_t           ntagifs, captagifs;
    dm_range_t      *ranges;    /* dhcp-range lines, written at the end */
    size_t           nranges, capranges;
    dm_host_t       *hosts;     /* dhcp-host lines with a MAC */
    size_t           nhosts, caphosts;
    dm_svc_t        *svcs;      /* pxe-service lines, in order */
    size_t           nsvcs, capsvcs;
    unsigned         nprompts;  /* pxe-prompt lines */
    int              prompt_timeout;    /* the last one's; 255: none */
    int              prompt_tagged;
    unsigned         prompt_line;
    const char      *prompt_file;
} dm_t;

static int
dm_syntax(dm_t *dm, const char *msg)
{
    if (dm->err != NULL && !dm->failed) {
        pxe_buf_reset(dm->err);
        if (pxe_buf_printf(dm->err, "%s:%u: %s", dm->file, dm->line, msg)
            != PXE_OK)
        {
            pxe_buf_reset(dm->err);
        }
    }
    dm->failed = 1;
    return PXE_ESYNTAX;
}

static int dm_note(dm_t *dm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
dm_note(dm_t *dm, const char *fmt, ...)
{
    va_list  ap;
    char     msg[256];

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return pxe_im_note(dm->im, dm->file, dm->line, msg);
}

static char *
dm_strdup(dm_t *dm, const char *s, size_t len)
{
    char  *p = pxe_im_alloc(dm->im, len + 1);

    if (p != NULL) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

/* The tag named; created (never set) when new.  NULL: too many. */
static dm_tag_t *
dm_tag(dm_t *dm, const char *name)
{
    size_t  i;

    for (i = 0; i < dm->ntags; i++) {
        if (strcmp(dm->tags[i].name, name) == 0) {
            return &dm->tags[i];
        }
    }
    if (dm->ntags == DM_TAGS_MAX) {
        return NULL;
    }
    dm->tags[dm->ntags].name = dm_strdup(dm, name, strlen(name));
    if (dm->tags[dm->ntags].name == NULL) {
        return NULL;
    }
    pxe_im_dl_init(&dm->tags[dm->ntags].cond);
    if (pxe_im_dl_const(&dm->tags[dm->ntags].cond, 0) != PXE_OK) {
        return NULL;
    }
    return &dm->tags[dm->ntags++];
}

/* tag |= cond */
static int
dm_set(dm_t *dm, const char *name, const im_dl_t *cond)
{
    dm_tag_t  *t = dm_tag(dm, name);

    if (t == NULL) {
        return dm_syntax(dm, "too many tags");
    }
    return pxe_im_dl_logic(dm->im, &t->cond, cond, 0);
}

static int
dm_set_atom(dm_t *dm, const char *name, int atom)
{
    im_dl_t  c;
    int      rc;

    pxe_im_dl_init(&c);
    rc = pxe_im_dl_atom(&c, atom);
    if (rc == PXE_OK) {
        rc = dm_set(dm, name, &c);
    }
    pxe_im_dl_free(&c);
    return rc;
}

/* The tag is set (also) by something dnsmasq does after it looks up
 * the client's dhcp-host. */
static int
dm_late(dm_t *dm, const char *name)
{
    dm_tag_t  *t = dm_tag(dm, name);

    if (t == NULL) {
        return dm_syntax(dm, "too many tags");
    }
    t->late = 1;
    return PXE_OK;
}

/* The condition of "tag:A,tag:!B,...": all must hold. */
static int
dm_tags_cond(dm_t *dm, char *const *tags, size_t n, im_dl_t *out)
{
    im_dl_t   t;
    size_t    i;
    int       rc = pxe_im_dl_const(out, 1);

    for (i = 0; rc == PXE_OK && i < n; i++) {
        int        neg = tags[i][0] == '!';
        dm_tag_t  *tag = dm_tag(dm, tags[i] + neg);

        if (tag == NULL) {
            return dm_syntax(dm, "too many tags");
        }
        /* a copy: false or cond */
        pxe_im_dl_init(&t);
        rc = pxe_im_dl_const(&t, 0);
        if (rc == PXE_OK) {
            rc = pxe_im_dl_logic(dm->im, &t, &tag->cond, 0);
        }
        if (rc == PXE_OK && neg) {
            pxe_im_dl_not(&t);
        }
        if (rc == PXE_OK) {
            rc = pxe_im_dl_logic(dm->im, out, &t, 1);
        }
        pxe_im_dl_free(&t);
    }
    return rc;
}

/* Splits a value on commas (quotes kept out); fields point into s. */
static size_t
dm_split(char *s, char **f, size_t max)
{
    size_t  n = 0, i;
    char   *w = s, *r = s;
    int     quoted = 0;

    f[n++] = w;
    for ( ; *r != '\0'; r++) {
        if (*r == '"') {
            quoted = !quoted;
        } else if (*r == ',' && !quoted) {
            *w++ = '\0';
            if (n == max) {
                return 0;
            }
            f[n++] = w;
        } else if (*r == '\\' && r[1] != '\0') {
            *w++ = *++r;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    for (i = 0; i < n; i++) {
        while (*f[i] == ' ' || *f[i] == '\t') {
            f[i]++;
        }
        w = f[i] + strlen(f[i]);
        while (w > f[i] && (w[-1] == ' ' || w[-1] == '\t')) {
            *--w = '\0';
        }
    }
    return n;
}

static int
dm_ipv4(const char *s, uint32_t *out)
{
    unsigned  a, b, c, d;
    char      end;

    if (sscanf(s, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &end) != 4
        || a > 255 || b > 255 || c > 255 || d > 255)
    {
        return -1;
    }
    *out = a << 24 | b << 16 | c << 8 | d;
    return 0;
}

static int
dm_mac(const char *s, uint8_t mac[6])
{
    unsigned  m[6];
    char      end;
    int       i;

    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &m[0], &m[1], &m[2], &m[3],
               &m[4], &m[5], &end) != 6 || strlen(s) != 17)
    {
        return -1;
    }
    for (i = 0; i < 6; i++) {
        mac[i] = (uint8_t) m[i];
    }
    return 0;
}

static int
dm_push_boot(dm_t *dm, dm_boot_t *b)
{
    if (dm->nboots == dm->capboots) {
        size_t      cap = dm->capboots ? dm->capboots * 2 : 16;
        dm_boot_t  *tmp = realloc(dm->boots, cap * sizeof(*tmp));

        if (tmp == NULL) {
            return PXE_ENOMEM;
        }
        dm->boots = tmp;
        dm->capboots = cap;
    }
    b->line = dm->line;
    b->file = dm->file;
    dm->boots[dm->nboots++] = *b;
    return PXE_OK;
}

static int
dm_push_range(dm_t *dm, const dm_range_t *r)
{
    if (dm->nranges == dm->capranges) {
        size_t       cap = dm->capranges ? dm->capranges * 2 : 8;
        dm_range_t  *tmp = realloc(dm->ranges, cap * sizeof(*tmp));

        if (tmp == NULL) {
            return PXE_ENOMEM;
        }
        dm->ranges = tmp;
        dm->capranges = cap;
    }
    dm->ranges[dm->nranges++] = *r;
    return PXE_OK;
}

/* items (n of cap, each size bytes) with room for one more: the array,
 * moved or not, or NULL (items left as they were). */
static void *
dm_grow(void *items, size_t n, size_t *cap, size_t size)
{
    size_t  c = *cap ? *cap * 2 : 16;
    void   *tmp;

    if (n < *cap) {
        return items;
    }
    tmp = realloc(items, c * size);
    if (tmp != NULL) {
        *cap = c;
    }
    return tmp;
}

/* A dhcp-host line kept (its strings copied): every one, for the MACs
 * named twice; the filtered ones, to translate at the end. */
static int
dm_push_host(dm_t *dm, const dm_host_t *h)
{
    dm_host_t  *c;
    size_t      i;

    c = dm_grow(dm->hosts, dm->nhosts, &dm->caphosts, sizeof(*c));
    if (c == NULL) {
        return PXE_ENOMEM;
    }
    dm->hosts = c;
    c = &dm->hosts[dm->nhosts];
    *c = *h;
    c->line = dm->line;
    c->file = dm->file;
    if (h->set != NULL
        && (c->set = dm_strdup(dm, h->set, strlen(h->set))) == NULL)
    {
        return PXE_ENOMEM;
    }
    for (i = 0; i < h->ntags; i++) {
        c->tags[i] = dm_strdup(dm, h->tags[i], strlen(h->tags[i]));
        if (c->tags[i] == NULL) {
            return PXE_ENOMEM;
        }
    }
    dm->nhosts++;
    return PXE_OK;
}

/* Leading "tag:X"/"net:X" fields into b; the index of the first other. */
static size_t
dm_take_tags(dm_t *dm, char **f, size_t n, dm_boot_t *b)
{
    size_t  i = 0;

    for ( ; i < n; i++) {
        const char  *t = NULL;

        if (strncmp(f[i], "tag:", 4) == 0) {
            t = f[i] + 4;
        } else if (strncmp(f[i], "net:", 4) == 0) {
            t = f[i] + 4;
        } else {
            break;
        }
        if (b->ntags < 8) {
            b->tags[b->ntags] = dm_strdup(dm, t, strlen(t));
            b->tagged = 1;
            b->ntags++;
        }
    }
    return i;
}

static char *
unquote(char *s)
{
    size_t  n = strlen(s);

    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        s[n - 1] = '\0';
        return s + 1;
    }
    return s;
}

/* Statements that decide nothing about booting or addresses. */
static const char *const dm_quiet[] = {
    "port", "interface", "except-interface", "listen-address",
    "bind-interfaces", "bind-dynamic", "no-resolv", "no-hosts", "server",
    "domain-needed", "bogus-priv", "expand-hosts", "domain", "local",
    "log-queries", "log-dhcp", "log-facility", "log-async", "enable-tftp",
    "tftp-root", "tftp-secure", "tftp-no-fail", "tftp-no-blocksize",
    "dhcp-authoritative", "dhcp-leasefile", "dhcp-lease-max", "cache-size",
    "no-daemon", "keep-in-foreground", "user", "group", "pid-file",
    "dhcp-rapid-commit", "dhcp-no-override", "address", "addn-hosts",
    "resolv-file", "strict-order", "no-negcache", "neg-ttl", "local-ttl",
    "dhcp-script", "quiet-dhcp", "leasefile-ro", "no-ping", NULL
};

/* dnsmasq's client system architecture names (option.c), by number. */
static const char *const dm_csa[] = {
    "x86PC", "PC98", "IA64_EFI", "Alpha", "Arc_x86", "Intel_Lean_Client",
    "IA32_EFI", "x86-64_EFI", "Xscale_EFI", "BC_EFI", "ARM32_EFI",
    "ARM64_EFI", NULL
};

/* pxe-service=[tag:X,]CSA,MENU[,BASENAME|TYPE][,SERVER]: kept for
 * dm_decide (whether it boots unattended depends on the other lines). */
static int
dm_pxe_service(dm_t *dm, char **f, size_t n)
{
    dm_boot_t   b;
    dm_svc_t    s, *tmp;
    size_t      i, k;
    char       *end;
    uint32_t    a;

    memset(&b, 0, sizeof(b));
    memset(&s, 0, sizeof(s));
    i = dm_take_tags(dm, f, n, &b);
    if (i + 1 >= n) {
        return dm_syntax(dm, "pxe-service without an arch and a menu text");
    }
    for (k = 0; dm_csa[k] != NULL && strcasecmp(dm_csa[k], f[i]) != 0; k++) {
    }
    if (dm_csa[k] != NULL) {
        s.csa = (unsigned) k;
    } else {
        unsigned long  v = strtoul(f[i], &end, 10);

        if (*f[i] < '0' || *f[i] > '9' || *end != '\0' || v > 65535) {
            return dm_syntax(dm, "pxe-service with an unknown arch");
        }
        s.csa = (unsigned) v;
    }
    if (i + 2 < n && *f[i + 2] != '\0') {
        strtoul(f[i + 2], &end, 10);
        if (*end != '\0' || *f[i + 2] < '0' || *f[i + 2] > '9') {
            s.basename = dm_strdup(dm, f[i + 2], strlen(f[i + 2]));
        }
    }
    if (i + 3 < n && *f[i + 3] != '\0') {
        s.server = dm_strdup(dm, f[i + 3], strlen(f[i + 3]));
        s.by_name = dm_ipv4(f[i + 3], &a) != 0;
    }
    memcpy(s.tags, b.tags, sizeof(s.tags));
    s.ntags = b.ntags;
    s.line = dm->line;
    s.file = dm->file;
    if (dm->nsvcs == dm->capsvcs) {
        size_t  cap = dm->capsvcs ? dm->capsvcs * 2 : 8;

        tmp = realloc(dm->svcs, cap * sizeof(*tmp));
        if (tmp == NULL) {
            return PXE_ENOMEM;
        }
        dm->svcs = tmp;
        dm->capsvcs = cap;
    }
    dm->svcs[dm->nsvcs++] = s;
    return PXE_OK;
}

static int
dm_line(dm_t *dm, char *key, char *val)
{
    char      *f[DM_FIELDS_MAX];
    size_t     n = 0, i;
    dm_boot_t  b;
    int        rc = PXE_OK;
    uint32_t   a, lo, hi, mask;
    uint8_t    mac[6];

    if (val != NULL) {
        n = dm_split(val, f, DM_FIELDS_MAX);
        if (n == 0) {
            return dm_syntax(dm, "too many fields");
        }
    }
    memset(&b, 0, sizeof(b));
    if (strcmp(key, "dhcp-boot") == 0) {
        i = dm_take_tags(dm, f, n, &b);
        if (i == n || *f[i] == '\0') {
            return dm_syntax(dm, "dhcp-boot without a file");
        }
        b.v[IM_V_FILENAME] = dm_strdup(dm, f[i], strlen(f[i]));
        if (i + 1 < n && *f[i + 1] != '\0') {
            b.v[IM_V_SNAME] = dm_strdup(dm, f[i + 1], strlen(f[i + 1]));
        }
        if (i + 2 < n && dm_ipv4(f[i + 2], &a) == 0) {
            b.v[IM_V_NEXT_SERVER] = dm_strdup(dm, f[i + 2], strlen(f[i + 2]));
        } else if (i + 2 < n) {
            return dm_note(dm, "not translated: dhcp-boot server address "
                           "'%s' is not an IPv4 address", f[i + 2]);
        } else if (dm->next_server != NULL) {
            b.v[IM_V_NEXT_SERVER] = dm->next_server;
        } else {
            rc = dm_note(dm, "not translated: %s: dnsmasq answers with its "
                         "own address (give --next-server)", "dhcp-boot");
        }
        return rc == PXE_OK ? dm_push_boot(dm, &b) : rc;
    }
    if (strcmp(key, "dhcp-option") == 0
        || strcmp(key, "dhcp-option-force") == 0)
    {
        i = dm_take_tags(dm, f, n, &b);
        while (i < n && strncmp(f[i], "encap:", 6) != 0
               && strncmp(f[i], "vi-encap:", 9) != 0
               && strncmp(f[i], "vendor:", 7) != 0
               && (f[i][0] < '0' || f[i][0] > '9')
               && strncmp(f[i], "option:", 7) != 0)
        {
            i++;            /* set: and the like */
        }
        if (i >= n) {
            return dm_syntax(dm, "dhcp-option without an option");
        }
        if (strcmp(f[i], "67") == 0
            || strcmp(f[i], "option:bootfile-name") == 0)
        {
            if (i + 1 >= n) {
                return dm_syntax(dm, "option 67 without a value");
            }
            b.v[IM_V_BOOTFILE] = unquote(f[i + 1]);
            b.v[IM_V_BOOTFILE] = dm_strdup(dm, b.v[IM_V_BOOTFILE],
                                           strlen(b.v[IM_V_BOOTFILE]));
            b.opt = 67;
            return dm_push_boot(dm, &b);
        }
        if (strcmp(f[i], "66") == 0
            || strcmp(f[i], "option:tftp-server") == 0)
        {
            /* dnsmasq sends it as given (an address too: siaddr stays
             * the boot line's) and the client reads it before sname:
             * the hook's server name, chosen among the 66 lines as
             * dnsmasq chooses (verified against dnsmasq by the tests). */
            if (i + 1 >= n || *unquote(f[i + 1]) == '\0') {
                return dm_syntax(dm, "option 66 without a value");
            }
            b.v[IM_V_SNAME] = unquote(f[i + 1]);
            b.v[IM_V_SNAME] = dm_strdup(dm, b.v[IM_V_SNAME],
                                        strlen(b.v[IM_V_SNAME]));
            b.opt = 66;
            return dm_push_boot(dm, &b);
        }
        if (strcmp(f[i], "43") == 0
            || strcmp(f[i], "option:vendor-encap") == 0
            || strncmp(f[i], "encap:175", 9) == 0
            || strncmp(f[i], "vendor:", 7) == 0)
        {
            return dm_note(dm, "not translated: dhcp-option %s", f[i]);
        }
        if (b.ntags == 0 && i + 1 < n) {
            static const char *const kea[][2] = {
                { "3", "routers" }, { "option:router", "routers" },
                { "6", "domain-name-servers" },
                { "option:dns-server", "domain-name-servers" },
                { "15", "domain-name" }, { "option:domain-name",
                                           "domain-name" }
            };
            size_t  k, j, len = 0;
            char   *data;

            for (k = 0; k < sizeof(kea) / sizeof(kea[0]); k++) {
                if (strcmp(f[i], kea[k][0]) != 0) {
                    continue;
                }
                for (j = i + 1; j < n; j++) {
                    len += strlen(f[j]) + 2;
                }
                data = pxe_im_alloc(dm->im, len + 1);
                if (data == NULL) {
                    return PXE_ENOMEM;
                }
                for (j = i + 1; j < n; j++) {
                    strcat(data, unquote(f[j]));
                    if (j + 1 < n) {
                        strcat(data, ", ");
                    }
                }
                return pxe_im_kea_option(dm->im, -1, kea[k][1], data);
            }
        }
        return PXE_OK;      /* other options decide no boot */
    }
    if (strcmp(key, "dhcp-match") == 0) {
        char         why[256];
        const char  *cls;
        int          atom;

        if (n < 2 || strncmp(f[0], "set:", 4) != 0) {
            return dm_note(dm, "not translated: dhcp-match%s without "
                           "set:TAG first", "");
        }
        if (n > 3) {
            return dm_note(dm, "not translated: dhcp-match with a value "
                           "with commas%s", "");
        }
        atom = pxe_im_dm_match(dm->im, f[0] + 4, f[1],
                               n == 3 && f[2][0] != '\0' ? f[2] : NULL, why,
                               sizeof(why));
        if (atom < 0) {
            return dm_note(dm, "not translated: %s", why);
        }
        cls = pxe_im_atom_class(dm->im, atom);
        if (cls != NULL) {
            /* only --kea-config can define the class the rules name */
            char  msg[512];

            snprintf(msg, sizeof(msg), "not translated: dhcp-match on %s "
                     "is Kea client class '%s', which only the --kea-config "
                     "output defines", f[1], cls);
            rc = pxe_im_params_note(dm->im, dm->file, dm->line, msg);
            if (rc != PXE_OK) {
                return rc;
            }
        }
        return dm_set_atom(dm, f[0] + 4, atom);
    }
    if (strcmp(key, "dhcp-userclass") == 0
        || strcmp(key, "dhcp-vendorclass") == 0)
    {
        int   uc = key[5] == 'u';
        char *s;

        if (n != 2 || strncmp(f[0], "set:", 4) != 0) {
            return dm_note(dm, "not translated: %s (only set:TAG,STRING)",
                           key);
        }
        s = unquote(f[1]);
        return dm_set_atom(dm, f[0] + 4,
                           pxe_im_atom(dm->im, uc ? IM_A_UC_SUB
                                       : IM_A_VCI_SUB, 0, s, strlen(s)));
    }
    if (strcmp(key, "tag-if") == 0) {
        /* dnsmasq runs the tag-if lines, in order, once every other
         * setter has set its tags, wherever they are written: kept for
         * dm_run_tag_ifs. */
        dm_tagif_t  t;

        memset(&t, 0, sizeof(t));
        for (i = 0; i < n; i++) {
            char  **to = NULL;

            if (strncmp(f[i], "set:", 4) == 0 && t.nsets < 8) {
                to = &t.sets[t.nsets++];
            } else if (strncmp(f[i], "tag:", 4) == 0 && t.nneed < 8
                       && strchr(f[i], '*') == NULL)
            {
                to = &t.need[t.nneed++];
            } else {
                return dm_note(dm, "not translated: tag-if field '%s'", f[i]);
            }
            *to = dm_strdup(dm, f[i] + 4, strlen(f[i] + 4));
            if (*to == NULL) {
                return PXE_ENOMEM;
            }
        }
        for (i = 0; i < t.nsets; i++) {
            if ((rc = dm_late(dm, t.sets[i])) != PXE_OK) {
                return rc;
            }
        }
        t.line = dm->line;
        t.file = dm->file;
        if (dm->ntagifs == dm->captagifs) {
            size_t       cap = dm->captagifs ? dm->captagifs * 2 : 8;
            dm_tagif_t  *tmp = realloc(dm->tagifs, cap * sizeof(*tmp));

            if (tmp == NULL) {
                return PXE_ENOMEM;
            }
            dm->tagifs = tmp;
            dm->captagifs = cap;
        }
        dm->tagifs[dm->ntagifs++] = t;
        return PXE_OK;
    }
    if (strcmp(key, "dhcp-host") == 0) {
        dm_host_t  h;
        uint32_t   ip = 0;
        int        have_mac = 0;

        memset(&h, 0, sizeof(h));
        for (i = 0; i < n; i++) {
            if (dm_mac(f[i], h.mac) == 0 && !have_mac) {
                have_mac = 1;
            } else if (strncmp(f[i], "set:", 4) == 0) {
                h.set = f[i] + 4;
            } else if (dm_ipv4(f[i], &ip) == 0) {
                h.have_ip = 1;
            } else if (strncmp(f[i], "tag:", 4) == 0 && h.ntags < 8
                       && f[i][4] != '\0' && strchr(f[i], '*') == NULL)
            {
                h.tags[h.ntags++] = f[i] + 4;
            } else if (strcmp(f[i], "ignore") == 0
                       || strncmp(f[i], "tag:", 4) == 0
                       || strchr(f[i], '*') != NULL)
            {
                return dm_note(dm, "not translated: dhcp-host with '%s'",
                               f[i]);
            }
        }
        if (!have_mac) {
            return dm_note(dm, "not translated: dhcp-host without one "
                           "Ethernet address%s", "");
        }
        memcpy(mac, h.mac, 6);
        rc = dm_push_host(dm, &h);
        if (rc != PXE_OK || h.ntags > 0) {
            return rc;      /* a filtered host: dm_tagged_hosts */
        }
        if (h.set != NULL) {
            rc = dm_set_atom(dm, h.set, pxe_im_atom(dm->im, IM_A_MAC, 0,
                                                    (const char *) mac, 6));
        }
        if (rc == PXE_OK && h.set != NULL) {
            rc = dm_late(dm, h.set);
        }
        if (rc == PXE_OK) {
            rc = dm_set_atom(dm, "known", pxe_im_atom(dm->im, IM_A_MAC, 0,
                                                      (const char *) mac, 6));
        }
        if (rc == PXE_OK) {
            rc = dm_late(dm, "known");
        }
        if (rc == PXE_OK && h.have_ip) {
            rc = pxe_im_kea_host_any(dm->im, mac, ip);
        }
        return rc;
    }
    if (strcmp(key, "dhcp-range") == 0) {
        char        *set = NULL;
        dm_range_t   r;

        memset(&r, 0, sizeof(r));
        for (i = 0; i < n && (strncmp(f[i], "set:", 4) == 0
                              || strncmp(f[i], "tag:", 4) == 0); i++)
        {
            if (f[i][0] == 't' && r.ntags < 8) {
                r.tags[r.ntags] = dm_strdup(dm, f[i] + 4, strlen(f[i] + 4));
                if (r.tags[r.ntags++] == NULL) {
                    return PXE_ENOMEM;
                }
            } else if (f[i][0] == 't') {
                return dm_note(dm, "not translated: dhcp-range for more "
                               "than 8 tags%s", "");
            } else {
                set = f[i] + 4;
            }
        }
        if (i + 1 >= n || dm_ipv4(f[i], &lo) != 0
            || dm_ipv4(f[i + 1], &hi) != 0)
        {
            return dm_note(dm, "not translated: dhcp-range '%s' (only "
                           "START,END[,MASK][,LEASE])", val ? f[0] : "");
        }
        mask = 0xffffff00u;
        if (i + 2 < n && dm_ipv4(f[i + 2], &a) == 0) {
            mask = a;
        }
        {
            uint8_t  net[5];
            int      idx;

            net[0] = (uint8_t) ((lo & mask) >> 24);
            net[1] = (uint8_t) ((lo & mask) >> 16);
            net[2] = (uint8_t) ((lo & mask) >> 8);
            net[3] = (uint8_t) (lo & mask);
            net[4] = (uint8_t) __builtin_popcount(mask);
            /* one Kea subnet for the ranges of one subnet */
            idx = -1;
            for (i = 0; idx < 0 && i < dm->nranges; i++) {
                if (dm->ranges[i].net == (lo & mask)
                    && dm->ranges[i].mask == mask)
                {
                    idx = dm->ranges[i].subnet;
                }
            }
            if (idx < 0) {
                idx = pxe_im_kea_subnet(dm->im, lo & mask, mask, NULL);
            }
            if (idx < 0) {
                return PXE_ENOMEM;
            }
            r.line = dm->line;
            r.file = dm->file;
            r.subnet = idx;
            r.lo = lo;
            r.hi = hi;
            r.net = lo & mask;
            r.mask = mask;
            rc = dm_push_range(dm, &r);
            if (rc == PXE_OK && set != NULL) {
                rc = dm_set_atom(dm, set, pxe_im_atom(dm->im, IM_A_SUBNET, 0,
                                                      (const char *) net, 5));
            }
            if (rc == PXE_OK && set != NULL) {
                rc = dm_late(dm, set);
            }
        }
        return rc;
    }
    if (strcmp(key, "pxe-service") == 0) {
        return dm_pxe_service(dm, f, n);
    }
    if (strcmp(key, "pxe-prompt") == 0) {
        i = dm_take_tags(dm, f, n, &b);
        if (i >= n) {
            return dm_syntax(dm, "pxe-prompt without a prompt");
        }
        dm->nprompts++;
        dm->prompt_tagged |= b.tagged;
        dm->prompt_timeout = 255;
        if (i + 1 < n) {
            char           *end;
            unsigned long   t = strtoul(f[i + 1], &end, 10);

            if (*end == '\0' && *f[i + 1] != '\0' && t <= 255) {
                dm->prompt_timeout = (int) t;
            }
        }
        dm->prompt_line = dm->line;
        dm->prompt_file = dm->file;
        return PXE_OK;
    }
    if (strcmp(key, "dhcp-ignore") == 0 || strcmp(key, "conf-file") == 0
        || strcmp(key, "conf-dir") == 0 || strcmp(key, "dhcp-proxy") == 0)
    {
        return dm_note(dm, "not translated: %s", key);
    }
    for (i = 0; dm_quiet[i] != NULL; i++) {
        if (strcmp(key, dm_quiet[i]) == 0) {
            return PXE_OK;
        }
    }
    return dm_note(dm, "not translated: '%s'", key);
}

static int
dm_file(dm_t *dm, const char *text, size_t len)
{
    char    buf[DM_LINE_MAX];
    size_t  i = 0, j, n;
    int     rc;

    dm->line = 0;
    while (i < len) {
        dm->line++;
        for (j = i; j < len && text[j] != '\n'; j++) {
        }
        n = j - i;
        if (n >= sizeof(buf)) {
            return dm_syntax(dm, "line longer than 4095 bytes");
        }
        memcpy(buf, text + i, n);
        buf[n] = '\0';
        i = j + 1;
        if (memchr(buf, '\0', n) != NULL) {
            return dm_syntax(dm, "a NUL byte");
        }
        {
            /* a # outside quotes ends the line */
            int     quoted = 0;
            char   *p, *key, *val, *e;

            for (p = buf; *p != '\0'; p++) {
                if (*p == '"') {
                    quoted = !quoted;
                } else if (*p == '#' && !quoted) {
                    *p = '\0';
                    break;
                }
            }
            for (key = buf; *key == ' ' || *key == '\t' || *key == '\r';
                 key++)
            {
            }
            e = key + strlen(key);
            while (e > key && (e[-1] == ' ' || e[-1] == '\t'
                               || e[-1] == '\r'))
            {
                *--e = '\0';
            }
            if (*key == '\0') {
                continue;
            }
            val = strchr(key, '=');
            if (val != NULL) {
                *val++ = '\0';
                e = val - 1;
                while (e > key && (e[-1] == ' ' || e[-1] == '\t')) {
                    *--e = '\0';
                }
            }
            if ((rc = dm_line(dm, key, val)) != PXE_OK) {
                return rc;
            }
        }
    }
    return PXE_OK;
}

/* Boot lines as dnsmasq tries them: tagged first, each group from the
 * last line up; option 67 lines the same, after (they win), then option
 * 66 lines (chosen on their own: they set only the server name). */
static int
dm_decide(dm_t *dm, im_dl_t *out)
{
    static const int  kinds[] = { 0, 67, 66 };
    im_dl_t           cond, then, chain, next;
    size_t            i, k, kind;
    int               pass, rc = PXE_OK;

    rc = pxe_im_dl_const(out, 1);
    for (kind = 0; rc == PXE_OK && kind < 3; kind++) {
        pxe_im_dl_init(&chain);
        rc = pxe_im_dl_const(&chain, 1);
        /* built from the least preferred up: untagged oldest first */
        for (pass = 1; rc == PXE_OK && pass >= 0; pass--) {
            for (i = 0; rc == PXE_OK && i < dm->nboots; i++) {
                dm_boot_t  *b = &dm->boots[i];

                if (b->opt != kinds[kind] || b->tagged != !pass)
                {
                    continue;
                }
                pxe_im_dl_init(&cond);
                pxe_im_dl_init(&then);
                pxe_im_dl_init(&next);
                rc = dm_tags_cond(dm, b->tags, b->ntags, &cond);
                if (rc == PXE_OK) {
                    rc = pxe_im_dl_const(&then, 1);
                }
                for (k = 0; rc == PXE_OK && k < IM_V_COUNT; k++) {
                    if (b->v[k] != NULL) {
                        rc = pxe_im_dl_set(&then, (int) k, b->v[k]);
                    }
                }
                if (rc == PXE_OK) {
                    rc = pxe_im_dl_branch(dm->im, &cond, &then, &chain,
                                          &next);
                }
                if (rc == PXE_OK) {
                    pxe_im_dl_move(&chain, &next);
                }
                pxe_im_dl_free(&cond);
                pxe_im_dl_free(&then);
                pxe_im_dl_free(&next);
            }
        }
        if (rc == PXE_OK) {
            rc = pxe_im_dl_seq(dm->im, out, &chain);
        }
        pxe_im_dl_free(&chain);
    }
    return rc;
}

static int
dm_svc_note(dm_t *dm, const dm_svc_t *s, const char *why)
{
    dm->file = s->file;
    dm->line = s->line;
    return dm_note(dm, "not translated: pxe-service: %s", why);
}

/* The services of one arch, as the client's ROM meets them: *out = "a
 * PXE client of that arch that the first item's tags admit boots its
 * file, else out as it was". */
static int
dm_pxe_group(dm_t *dm, size_t first, im_dl_t *out)
{
    dm_svc_t   *s0 = &dm->svcs[first];
    size_t      i, n = 0;
    int         timeout, rc = PXE_OK, tagged = 0, first_only = 0;
    im_dl_t     cond, then, next, t;
    char       *file;
    const char *why = NULL;

    for (i = first; i < dm->nsvcs; i++) {
        if (dm->svcs[i].csa == s0->csa) {
            n++;
            tagged |= dm->svcs[i].ntags > 0;
        }
    }
    timeout = dm->nprompts > 0 ? dm->prompt_timeout : n > 1 ? 255 : 0;
    for (i = first; why == NULL && i < dm->nsvcs; i++) {
        if (dm->svcs[i].csa == s0->csa && dm->svcs[i].basename == NULL) {
            why = "a menu item without a boot file (local boot or a boot "
                  "server type)";
        }
    }
    if (why != NULL) {
    } else if (s0->csa >= 6 && n == 1) {
        why = "dnsmasq answers a UEFI arch's single service only as a "
              "proxy or on port 4011: its offer has no menu, the "
              "dhcp-boot lines decide";
    } else if (n > 1 && tagged) {
        why = "tagged items in a menu of several (which item is first "
              "depends on the client)";
    } else if (dm->nprompts > 1 || dm->prompt_tagged) {
        why = "several or tagged pxe-prompt lines";
    } else if (timeout == 255) {
        why = "the menu waits for the user's choice (a pxe-prompt with a "
              "timeout boots its first item)";
    } else if (s0->by_name) {
        first_only = 1;
        why = "a boot server by name (dnsmasq looks it up in its hosts)";
    } else if (s0->server == NULL && dm->next_server == NULL) {
        first_only = 1;
        why = "dnsmasq answers with its own address (give --next-server)";
    }
    if (why != NULL && !first_only) {
        for (i = first; rc == PXE_OK && i < dm->nsvcs; i++) {
            if (dm->svcs[i].csa == s0->csa) {
                rc = dm_svc_note(dm, &dm->svcs[i], why);
            }
        }
        return rc;
    }
    if (why != NULL) {
        rc = dm_svc_note(dm, s0, why);
    }
    for (i = first + 1; rc == PXE_OK && i < dm->nsvcs; i++) {
        if (dm->svcs[i].csa == s0->csa) {
            rc = dm_svc_note(dm, &dm->svcs[i], "a later menu item: the "
                             "first boots unattended");
        }
    }
    if (rc != PXE_OK || why != NULL) {
        return rc;
    }
    file = pxe_im_alloc(dm->im, strlen(s0->basename) + 3);
    if (file == NULL) {
        return PXE_ENOMEM;
    }
    strcpy(file, s0->basename);
    if (strchr(file, '.') == NULL) {
        strcat(file, ".0");
    }
    pxe_im_dl_init(&cond);
    pxe_im_dl_init(&then);
    pxe_im_dl_init(&next);
    pxe_im_dl_init(&t);
    dm->file = s0->file;
    dm->line = s0->line;
    rc = dm_tags_cond(dm, s0->tags, s0->ntags, &cond);
    if (rc == PXE_OK) {
        rc = pxe_im_dl_atom(&t, pxe_im_atom(dm->im, IM_A_VCI_PREFIX, 0,
                                            "PXEClient", 9));
    }
    if (rc == PXE_OK) {
        rc = pxe_im_dl_logic(dm->im, &cond, &t, 1);
    }
    pxe_im_dl_free(&t);
    pxe_im_dl_init(&t);
    if (rc == PXE_OK) {
        rc = pxe_im_dl_atom(&t, pxe_im_atom(dm->im, IM_A_ARCH, s0->csa,
                                            NULL, 0));
    }
    if (rc == PXE_OK) {
        rc = pxe_im_dl_logic(dm->im, &cond, &t, 1);
    }
    /* The 4011 answer: this file and server, nothing of the boot
     * lines (no sname, no option 66 or 67). */
    if (rc == PXE_OK) {
        rc = pxe_im_dl_const(&then, 1);
    }
    if (rc == PXE_OK) {
        rc = pxe_im_dl_set(&then, IM_V_FILENAME, file);
    }
    if (rc == PXE_OK) {
        rc = pxe_im_dl_set(&then, IM_V_NEXT_SERVER, s0->server != NULL
                           ? s0->server : dm->next_server);
    }
    if (rc == PXE_OK) {
        rc = pxe_im_dl_branch(dm->im, &cond, &then, out, &next);
    }
    if (rc == PXE_OK) {
        pxe_im_dl_move(out, &next);
    }
    pxe_im_dl_free(&t);
    pxe_im_dl_free(&cond);
    pxe_im_dl_free(&then);
    pxe_im_dl_free(&next);
    return rc;
}

/* Each arch's menu over what the boot lines decided. */
static int
dm_pxe_decide(dm_t *dm, im_dl_t *out)
{
    size_t  i, j;
    int     rc = PXE_OK;

    for (i = 0; rc == PXE_OK && i < dm->nsvcs; i++) {
        for (j = 0; j < i && dm->svcs[j].csa != dm->svcs[i].csa; j++) {
        }
        if (j == i) {
            rc = dm_pxe_group(dm, i, out);
        }
    }
    return rc;
}

/* The tag-if lines in order: each sets its tags where all it tests hold
 * (those of the lines before it included). */
static int
dm_run_tag_ifs(dm_t *dm)
{
    im_dl_t  c;
    size_t   i, j;
    int      rc = PXE_OK;

    for (i = 0; rc == PXE_OK && i < dm->ntagifs; i++) {
        dm_tagif_t  *t = &dm->tagifs[i];

        dm->file = t->file;
        dm->line = t->line;
        pxe_im_dl_init(&c);
        rc = dm_tags_cond(dm, t->need, t->nneed, &c);
        for (j = 0; rc == PXE_OK && j < t->nsets; j++) {
            rc = dm_set(dm, t->sets[j], &c);
        }
        pxe_im_dl_free(&c);
    }
    return rc;
}

/*
 * dhcp-host lines with tag: filters.  dnsmasq looks up the client's host
 * once its dhcp-match, dhcp-userclass and dhcp-vendorclass tags are set
 * (and tag-if run over them), before a range's, a host's or "known": a
 * filtered host then holds for its MAC when the filter does, and so do
 * its set: tag and "known".  Reported: a filter on a tag set later, a
 * MAC another dhcp-host names too (dnsmasq takes one of them), an
 * address (a Kea reservation holds for the MAC whatever the filter).
 * Run before the tag-if lines, which see the host's tags.
 */
static int
dm_tagged_hosts(dm_t *dm)
{
    size_t  i, j;
    int     rc = PXE_OK;

    for (i = 0; rc == PXE_OK && i < dm->nhosts; i++) {
        dm_host_t  *h = &dm->hosts[i];
        im_dl_t     c, m;
        const char *late = NULL;

        if (h->ntags == 0) {
            continue;
        }
        dm->line = h->line;
        dm->file = h->file;
        for (j = 0; j < dm->nhosts; j++) {
            if (j != i && memcmp(dm->hosts[j].mac, h->mac, 6) == 0) {
                break;
            }
        }
        if (j < dm->nhosts) {
            rc = dm_note(dm, "not translated: dhcp-host with tag: for a "
                         "MAC another dhcp-host names (line %u)",
                         dm->hosts[j].line);
            continue;
        }
        for (j = 0; j < h->ntags && late == NULL; j++) {
            dm_tag_t  *t = dm_tag(dm, h->tags[j] + (h->tags[j][0] == '!'));

            if (t == NULL) {
                return dm_syntax(dm, "too many tags");
            }
            late = t->late ? t->name : NULL;
        }
        if (late != NULL) {
            rc = dm_note(dm, "not translated: dhcp-host with tag:%s (dnsmasq "
                         "looks up hosts before it sets that tag)", late);
            continue;
        }
        pxe_im_dl_init(&c);
        pxe_im_dl_init(&m);
        rc = dm_tags_cond(dm, h->tags, h->ntags, &c);
        if (rc == PXE_OK) {
            rc = pxe_im_dl_atom(&m, pxe_im_atom(dm->im, IM_A_MAC, 0,
                                                (const char *) h->mac, 6));
        }
        if (rc == PXE_OK) {
            rc = pxe_im_dl_logic(dm->im, &c, &m, 1);
        }
        if (rc == PXE_OK && h->set != NULL) {
            rc = dm_set(dm, h->set, &c);
        }
        if (rc == PXE_OK && h->set != NULL) {
            rc = dm_late(dm, h->set);
        }
        if (rc == PXE_OK) {
            rc = dm_set(dm, "known", &c);
        }
        if (rc == PXE_OK) {
            rc = dm_late(dm, "known");
        }
        if (rc == PXE_OK && h->have_ip) {
            rc = dm_note(dm, "not translated: dhcp-host with tag: and an "
                         "address (a Kea reservation holds for the MAC "
                         "whatever the tags)%s", "");
        }
        pxe_im_dl_free(&c);
        pxe_im_dl_free(&m);
    }
    return rc;
}

/* A Kea class named PREFIXNUM with dl's test (allocated in im). */
static int
dm_kea_class(dm_t *dm, const char *prefix, unsigned num, const im_dl_t *dl,
    const char **name)
{
    const char  *test;
    char        *n;
    int          rc = pxe_im_kea_expr(dm->im, dl, &test);

    if (rc != PXE_OK) {
        return rc;
    }
    n = pxe_im_alloc(dm->im, 48);
    if (n == NULL) {
        return PXE_ENOMEM;
    }
    snprintf(n, 48, "%s%u", prefix, num);
    *name = n;
    return pxe_im_kea_class(dm->im, n, test != NULL ? test : "'1' == '1'");
}

/*
 * The ranges of one subnet as Kea pools.  dnsmasq takes an address from
 * a range whose tags the client has (the tags before the range's own,
 * address.c's pass 0) and only then from an untagged one: a tagged
 * range is a pool for a class of its tags, the untagged ones a pool for
 * the clients none of those admit.  Tagged ranges must admit disjoint
 * clients (else dnsmasq's order among them decides); what Kea cannot
 * test leaves the subnet's ranges open to all, reported.
 */
static int
dm_subnet_ranges(dm_t *dm, int subnet)
{
    im_dl_t      any, c, both;
    size_t       i, j, ntagged = 0, nopen = 0;
    const char  *why = NULL, *name, *rest = NULL, *test;
    int          rc, pass;

    for (i = 0; i < dm->nranges; i++) {
        ntagged += dm->ranges[i].subnet == subnet && dm->ranges[i].ntags;
        nopen += dm->ranges[i].subnet == subnet && !dm->ranges[i].ntags;
    }
    pxe_im_dl_init(&any);
    rc = pxe_im_dl_const(&any, 0);
    /* pass 0: can Kea say it?  pass 1: the classes and pools */
    for (pass = 0; pass < 2 && ntagged && why == NULL; pass++) {
        for (i = 0; rc == PXE_OK && why == NULL && i < dm->nranges; i++) {
            dm_range_t  *r = &dm->ranges[i];

            if (r->subnet != subnet || r->ntags == 0) {
                continue;
            }
            pxe_im_dl_init(&c);
            pxe_im_dl_init(&both);
            dm->file = r->file;
            dm->line = r->line;
            rc = dm_tags_cond(dm, r->tags, r->ntags, &c);
            if (rc == PXE_OK && pass == 0) {
                rc = pxe_im_kea_expr(dm->im, &c, &test);
            }
            for (j = 0; rc == PXE_OK && pass == 0 && j < i && why == NULL;
                 j++)
            {
                /* disjoint from the tagged ranges before it? */
                if (dm->ranges[j].subnet != subnet
                    || dm->ranges[j].ntags == 0)
                {
                    continue;
                }
                pxe_im_dl_free(&both);
                pxe_im_dl_init(&both);
                rc = dm_tags_cond(dm, dm->ranges[j].tags,
                                  dm->ranges[j].ntags, &both);
                if (rc == PXE_OK) {
                    rc = pxe_im_dl_logic(dm->im, &both, &c, 1);
                }
                if (rc == PXE_OK) {
                    rc = pxe_im_kea_expr(dm->im, &both, &test);
                }
                if (rc == PXE_OK && (test == NULL
                                     || strcmp(test, "'0' == '1'") != 0))
                {
                    why = "tagged ranges that admit the same client";
                }
            }
            pxe_im_dl_free(&both);
            if (rc == PXE_OK && pass == 1) {
                rc = dm_kea_class(dm, "dnsmasq-range-", r->line, &c, &name);
                if (rc == PXE_OK) {
                    rc = pxe_im_kea_range(dm->im, subnet, r->lo, r->hi,
                                          name);
                }
                if (rc == PXE_OK) {
                    rc = pxe_im_dl_logic(dm->im, &any, &c, 0);
                }
            }
            pxe_im_dl_free(&c);
        }
        if (rc == PXE_EINVAL) {
            why = "a tag Kea cannot test before it chooses a pool (a "
                  "subnet's or a substring's)";
            rc = PXE_OK;
        }
    }
    if (rc == PXE_OK && why == NULL && ntagged && nopen) {
        pxe_im_dl_not(&any);
        rc = dm_kea_class(dm, "dnsmasq-untagged-", (unsigned) subnet,
                          &any, &rest);
    }
    pxe_im_dl_free(&any);
    for (i = 0; rc == PXE_OK && i < dm->nranges; i++) {
        dm_range_t  *r = &dm->ranges[i];

        if (r->subnet != subnet || (r->ntags && why == NULL)) {
            continue;
        }
        if (r->ntags) {
            char  msg[256];

            snprintf(msg, sizeof(msg), "not translated (--kea-config): "
                     "dhcp-range for tags: %s; its range is open to all",
                     why);
            rc = pxe_im_kea_note(dm->im, r->file, r->line, msg);
        }
        if (rc == PXE_OK) {
            rc = pxe_im_kea_range(dm->im, subnet, r->lo, r->hi,
                                  why == NULL ? rest : NULL);
        }
    }
    return rc;
}

static int
dm_write_ranges(dm_t *dm)
{
    size_t  i, j;
    int     rc = PXE_OK;

    for (i = 0; rc == PXE_OK && i < dm->nranges; i++) {
        for (j = 0; j < i && dm->ranges[j].subnet != dm->ranges[i].subnet;
             j++)
        {
        }
        if (j == i) {
            rc = dm_subnet_ranges(dm, dm->ranges[i].subnet);
        }
    }
    return rc;
}

int
pxe_import_dnsmasq(pxe_import_t **out, size_t nfiles,
    const char *const *files, const char *const *texts, const size_t *lens,
    const pxe_import_opts_t *opts, pxe_buf_t *err)
{
    dm_t      dm;
    im_dl_t   dl;
    size_t    i;
    int       rc = PXE_OK;

    *out = NULL;
    memset(&dm, 0, sizeof(dm));
    dm.err = err;
    dm.next_server = opts != NULL ? opts->next_server : NULL;
    dm.im = pxe_im_new(nfiles > 0 ? files[0] : "");
    if (dm.im == NULL) {
        return PXE_ENOMEM;
    }
    for (i = 0; rc == PXE_OK && i < nfiles; i++) {
        dm.file = files[i];
        if (lens[i] > PXE_IMPORT_TEXT_MAX) {
            dm.line = 0;
            rc = dm_syntax(&dm, "larger than 4194304 bytes");
            rc = PXE_ETOOBIG;
            break;
        }
        rc = dm_file(&dm, texts[i], lens[i]);
    }
    pxe_im_dl_init(&dl);
    if (rc == PXE_OK) {
        rc = dm_tagged_hosts(&dm);
    }
    if (rc == PXE_OK) {
        rc = dm_run_tag_ifs(&dm);
    }
    if (rc == PXE_OK) {
        rc = dm_write_ranges(&dm);
    }
    if (rc == PXE_OK) {
        rc = dm_decide(&dm, &dl);
    }
    if (rc == PXE_OK) {
        rc = dm_pxe_decide(&dm, &dl);
    }
    if (rc == PXE_OK) {
        rc = pxe_im_emit(dm.im, &dl, -1, -1);
    }
    if (rc == PXE_OK && dm.next_server != NULL) {
        rc = pxe_im_default_ns(dm.im, dm.next_server);
    }
    if (rc == PXE_OK) {
        rc = pxe_im_finish(dm.im);
    }
    pxe_im_dl_free(&dl);
    for (i = 0; i < dm.ntags; i++) {
        pxe_im_dl_free(&dm.tags[i].cond);
    }
    free(dm.boots);
    free(dm.svcs);
    free(dm.hosts);
    free(dm.ranges);
    free(dm.tagifs);
    if (rc != PXE_OK) {
        if (!dm.failed && err != NULL) {
            pxe_buf_reset(err);
            if (pxe_buf_printf(err, "%s: %s", nfiles ? files[0] : "",
                               pxe_im_error(dm.im) ? pxe_im_error(dm.im)
                               : pxe_strerror(rc)) != PXE_OK)
            {
                pxe_buf_reset(err);
            }
        }
        pxe_import_free(dm.im);
        return rc == PXE_ENOMEM || rc == PXE_ETOOMANY || rc == PXE_ETOOBIG
               ? rc : PXE_ESYNTAX;
    }
    *out = dm.im;
    return PXE_OK;
}
