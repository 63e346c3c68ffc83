/*
 * pxekit.h: the one public header of libpxekit, the core that the Kea hook,
 * the nginx module and pxekit-remap call.  Everything here decides or
 * parses; nothing here logs, exits or keeps global state, so Kea's threads
 * and nginx's workers can call any function at any time.
 *
 * Conventions:
 *   - every exported symbol starts with pxe_ (checked by a test with nm);
 *   - functions return a status (PXE_OK == 0) and pxe_strerror() names it;
 *   - callers own the structs; every *_init has a *_free that is safe to
 *     call twice;
 *   - every output goes through a pxe_buf_t with a hard maximum and fails
 *     whole, never truncated.
 */

#ifndef PXEKIT_H
#define PXEKIT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define PXE_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define PXE_WARN_UNUSED
#endif

/* ---- status codes (status.c) ------------------------------------------ */

enum {
    PXE_OK = 0,
    PXE_ENOMEM,         /* an allocation failed */
    PXE_ETOOBIG,        /* the output would exceed its bound */
    PXE_EINVAL,         /* a malformed argument or input */
    PXE_EBUILDNAME,     /* not a valid YYYYMMDDThhmmssZ build name */
    PXE_EDOTDOT,        /* a path has a "." or ".." segment */
    PXE_EEMPTYSEG,      /* a path has an empty segment ("a//b", "/a") */
    PXE_ENUL,           /* a path or value contains a NUL byte */
    PXE_ETOOLONG,       /* a path is longer than PXE_PATH_MAX */
    PXE_ESYMLINK,       /* a path resolves outside the root */
    PXE_ENOENT,         /* no such build or file */
    PXE_ENOTREG,        /* exists, but is not a regular file */
    PXE_EIO,            /* a system call failed; errno is kept */
    PXE_EUNSAFE,        /* a value cannot be put into an iPXE script */
    PXE_ETOOMANY,       /* more items than the stated maximum */
    PXE_ESYNTAX,        /* a pattern, template or rule does not parse */
    PXE_ENOMATCH,       /* no rule matched */
    PXE_ELOOP,          /* an evaluation did not terminate */
    PXE_STATUS_MAX
};

/* A fixed sentence for each status; never NULL, even for unknown codes. */
const char *pxe_strerror(int status);

/* ---- bounded buffer (buf.c) ------------------------------------------- */

/*
 * Limits that are part of the protocols pxekit speaks.  Each use of a
 * pxe_buf_t names its maximum; these are the ones shared by adapters.
 */
#define PXE_BOOTFILE_MAX     128        /* BOOTP `file` field */
#define PXE_SNAME_MAX        64         /* BOOTP `sname` field */
#define PXE_OPTION_MAX       255        /* one DHCPv4 option's payload */
#define PXE_PATH_MAX         1024       /* a request path under the root */
#define PXE_SCRIPT_MAX       (1024 * 1024)   /* a generated iPXE script */
#define PXE_BUILDS_MAX       100000     /* builds one scan will list */

/*
 * How a growing buffer gets memory.  nginx passes a pool-backed allocator
 * (free may do nothing), Kea and the CLI the default malloc one (NULL).
 */
typedef struct pxe_allocator_s {
    void  *(*alloc)(void *ctx, size_t size);
    void   (*free)(void *ctx, void *ptr);
    void    *ctx;
} pxe_allocator_t;

typedef struct pxe_buf_s {
    char                   *data;   /* NUL-terminated while len < cap */
    size_t                  len;
    size_t                  cap;    /* bytes of data, 0 when measuring */
    size_t                  max;    /* hard maximum of len */
    const pxe_allocator_t  *allocator;  /* NULL: fixed or malloc */
    unsigned                fixed:1;    /* caller's memory, never grown */
    unsigned                measure:1;  /* count only, write nothing */
} pxe_buf_t;

/* A growing buffer, at most max bytes; allocator NULL means malloc. */
void pxe_buf_init(pxe_buf_t *b, size_t max, const pxe_allocator_t *allocator);
/* The caller's memory: at most cap - 1 bytes plus a NUL. */
void pxe_buf_init_fixed(pxe_buf_t *b, char *mem, size_t cap);
/* Counts what would be written (first pass of measure-then-fill). */
void pxe_buf_init_measure(pxe_buf_t *b, size_t max);
/* Frees what pxe_buf_init allocated; safe to call twice. */
void pxe_buf_free(pxe_buf_t *b);
/* Forgets the content, keeps the memory. */
void pxe_buf_reset(pxe_buf_t *b);

/*
 * Appending fails whole with PXE_ETOOBIG past the maximum (or PXE_ENOMEM);
 * a growing buffer is then freed, so no truncated result can escape.
 */
int pxe_buf_add(pxe_buf_t *b, const void *mem, size_t len) PXE_WARN_UNUSED;
int pxe_buf_adds(pxe_buf_t *b, const char *s) PXE_WARN_UNUSED;
int pxe_buf_addc(pxe_buf_t *b, char c) PXE_WARN_UNUSED;
int pxe_buf_printf(pxe_buf_t *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    PXE_WARN_UNUSED;

/* ---- SmartOS build names (buildname.c) -------------------------------- */

/* "20121004T212912Z": a UTC timestamp, the name of a platform build. */
#define PXE_BUILDNAME_LEN    16

typedef struct pxe_buildname_s {
    int   year, month, day, hour, minute, second;
} pxe_buildname_t;

/* Strict: exactly 16 bytes, real calendar values (leap years included). */
int pxe_buildname_parse(const char *s, size_t len, pxe_buildname_t *out);
/* 1 if s[0..len) is a valid build name, else 0. */
int pxe_buildname_valid(const char *s, size_t len);
/*
 * Orders valid names newest first (qsort-compatible on char pointers of
 * valid names): negative when a is newer than b.
 */
int pxe_buildname_cmp_newest(const char *a, const char *b);

/* ---- builds on disk (layout.c) ---------------------------------------- */

typedef enum {
    PXE_LAYOUT_CANONICAL = 1,   /* <build>/platform/i86pc/... */
    PXE_LAYOUT_LEGACY = 2       /* platform-<build>/i86pc/... */
} pxe_layout_e;

/* The files of a build that pxekit serves, in boot order. */
typedef enum {
    PXE_FILE_KERNEL = 0,        /* i86pc/kernel/amd64/unix */
    PXE_FILE_ARCHIVE,           /* i86pc/amd64/boot_archive */
    PXE_FILE_HASH,              /* i86pc/amd64/boot_archive.hash */
    PXE_FILE_MANIFEST,          /* i86pc/amd64/boot_archive.manifest */
    PXE_FILE_COUNT
} pxe_file_e;

typedef struct pxe_build_s {
    char            name[PXE_BUILDNAME_LEN + 1];
    pxe_layout_e    layout;
    unsigned        bootable:1;     /* kernel and archive regular files */
    unsigned        disabled:1;     /* a `disable` file in its directory */
    unsigned        hash:1;         /* boot_archive.hash is a regular file */
    unsigned        manifest:1;
    int64_t         kernel_size;    /* -1 when missing */
    int64_t         archive_size;   /* -1 when missing */
    time_t          mtime;          /* newest of kernel and archive */
} pxe_build_t;

typedef struct pxe_scan_s {
    pxe_build_t    *builds;         /* newest first */
    size_t          nbuilds;
} pxe_scan_t;

void pxe_scan_init(pxe_scan_t *scan);
/*
 * Lists the builds under root in both layouts (a build present in both is
 * reported once, canonical).  Directory entries that are not build names
 * are ignored.  At most max_builds (0: PXE_BUILDS_MAX), else PXE_ETOOMANY.
 * On error scan is left empty.
 */
int pxe_scan(const char *root, size_t max_builds, pxe_scan_t *scan);
void pxe_scan_free(pxe_scan_t *scan);
/* The build of that name, or NULL. */
const pxe_build_t *pxe_scan_find(const pxe_scan_t *scan, const char *name,
    size_t len);
/* The newest build that is bootable and not disabled, or NULL. */
const pxe_build_t *pxe_scan_latest(const pxe_scan_t *scan);

/*
 * The path of one file of a build relative to the root, in the layout it
 * is stored in ("platform-<b>/i86pc/amd64/boot_archive").  Pure string
 * work: no system call.
 */
int pxe_build_path(const pxe_build_t *b, pxe_file_e file, pxe_buf_t *out);
/* The canonical relative URL path ("<b>/platform/i86pc/amd64/boot_archive"). */
int pxe_build_url(const char *name, pxe_file_e file, pxe_buf_t *out);

/*
 * Checks a relative request path before it touches a file system: not
 * empty, no NUL, no empty, "." or ".." segment, no leading "/", at most
 * PXE_PATH_MAX bytes.  Returns PXE_OK or the specific error.
 */
int pxe_path_check(const char *path, size_t len);

/*
 * Parses a canonical ("<b>/platform/i86pc/kernel/amd64/unix") or legacy
 * ("platform-<b>/i86pc/kernel/amd64/unix") request for one of the served
 * files.  PXE_ENOENT when the path is well formed but names no such file.
 */
int pxe_request_file(const char *path, size_t len,
    char name[PXE_BUILDNAME_LEN + 1], pxe_file_e *file);

/*
 * Maps a request path of either form to the file that exists under root
 * (canonical preferred), writing the relative path into out.  Refuses
 * anything pxe_path_check refuses, and a result whose real path leaves the
 * root (PXE_ESYMLINK).
 */
int pxe_layout_resolve(const char *root, const char *path, size_t len,
    pxe_buf_t *out);

/* @@ipxe: iPXE script writer (ipxe.c) @@ */

/* @@policy: DHCP client decoding and boot-file rules (dhcpopt.c, policy.c) @@ */

/* ---- a DHCPv4 client as the policy sees it (dhcpopt.c) ---------------- */

#define PXE_MAC_MAX          16     /* BOOTP chaddr */
#define PXE_ARCH_MAX         127    /* uint16 values in one option 93 */
#define PXE_USER_CLASS_MAX   128    /* RFC 3004 instances in one option 77 */
#define PXE_CLASSES_MAX      64     /* Kea client classes looked at */
#define PXE_MACSTR_MAX       (PXE_MAC_MAX * 3)  /* "aa:bb:..", with NUL */

/* DHCPv4 option codes the policy reads. */
#define PXE_OPT_HOSTNAME     12
#define PXE_OPT_PRL          55     /* parameter request list */
#define PXE_OPT_VENDOR_CLASS 60
#define PXE_OPT_BOOTFILE     67
#define PXE_OPT_USER_CLASS   77
#define PXE_OPT_CLIENT_ARCH  93
#define PXE_OPT_IPXE_ENCAP   175

/* What kind of network boot a client is doing (for statistics). */
typedef enum {
    PXE_KIND_NONE = 0,          /* not network booting: reply untouched */
    PXE_KIND_PXE,               /* a PXE ROM (legacy BIOS or UEFI) */
    PXE_KIND_HTTP,              /* UEFI HTTP boot ("HTTPClient") */
    PXE_KIND_IPXE               /* iPXE itself (77 "iPXE" or 175) */
} pxe_kind_e;

/* A Kea client class name; the caller owns the bytes. */
typedef struct pxe_str_s {
    const char  *data;
    size_t       len;
} pxe_str_t;

/*
 * Everything is copied in, bounded by the option payload maximum, so a
 * client lives on the stack of one packet's callout and needs no free.
 */
typedef struct pxe_client_s {
    uint8_t      mac[PXE_MAC_MAX];
    size_t       mac_len;
    uint8_t      ip[4];                 /* offered address (yiaddr) */
    uint16_t     arch[PXE_ARCH_MAX];    /* option 93, in packet order */
    size_t       narch;
    uint8_t      vendor_class[PXE_OPTION_MAX];
    size_t       vendor_class_len;
    uint8_t      user_class[PXE_OPTION_MAX];    /* option 77 as sent */
    size_t       user_class_len;
    /* option 77 split into instances: RFC 3004, or one raw instance */
    uint8_t      uc_off[PXE_USER_CLASS_MAX];
    uint8_t      uc_len[PXE_USER_CLASS_MAX];
    size_t       nuser_class;
    char         hostname[PXE_OPTION_MAX + 1];  /* "" unless [A-Za-z0-9.-] */
    size_t       hostname_len;
    const pxe_str_t *classes;           /* the caller's, not copied */
    size_t       nclasses;
    unsigned     has_ip:1;
    unsigned     has_arch:1;            /* option 93 present, even if bad */
    unsigned     has_vendor_class:1;
    unsigned     has_user_class:1;
    unsigned     has_175:1;
    unsigned     ipxe:1;                /* 77 is/contains "iPXE", or 175 */
    unsigned     wants_bootfile:1;      /* option 55 lists 67 */
} pxe_client_t;

void pxe_client_init(pxe_client_t *c);
/* chaddr with hlen; PXE_EINVAL past PXE_MAC_MAX (then no MAC). */
int pxe_client_set_mac(pxe_client_t *c, const uint8_t *mac, size_t len);
void pxe_client_set_ip(pxe_client_t *c, const uint8_t ip[4]);
/* The caller's array of n class names; it must outlive the client. */
void pxe_client_set_classes(pxe_client_t *c, const pxe_str_t *classes,
    size_t n);
/*
 * Decodes one option payload of a code listed above (others: PXE_OK,
 * ignored).  Trusts neither bytes nor length.  A malformed payload
 * returns PXE_EINVAL and leaves nothing decoded from it, except that a
 * present option 93 still marks the client as network booting.
 */
int pxe_client_set_option(pxe_client_t *c, unsigned code,
    const uint8_t *data, size_t len);
/*
 * The decoders themselves, for callers that hold one payload.  arch has
 * room for PXE_ARCH_MAX values, off and ilen for PXE_USER_CLASS_MAX.
 */
int pxe_opt_arch(const uint8_t *data, size_t len, uint16_t *arch,
    size_t *narch);
int pxe_opt_user_class(const uint8_t *data, size_t len, uint8_t *off,
    uint8_t *ilen, size_t *n);
/* 1 if a parameter request list asks for option code, else 0. */
int pxe_opt_requests(const uint8_t *data, size_t len, unsigned code);
/* 1 if a hostname is non-empty and only [A-Za-z0-9.-], else 0. */
int pxe_opt_hostname_valid(const uint8_t *data, size_t len);
pxe_kind_e pxe_client_kind(const pxe_client_t *c);
/* "aa:bb:cc:dd:ee:ff" lowercase into out (at most PXE_MACSTR_MAX). */
int pxe_client_mac_string(const pxe_client_t *c, pxe_buf_t *out);
/* Parses "aa:bb:cc:dd:ee:ff" (or '-' separated) into the client. */
int pxe_client_parse_mac(pxe_client_t *c, const char *s, size_t len);

/* ---- boot-file templates (template.c) --------------------------------- */

typedef enum {
    PXE_VAR_MAC = 0,            /* ${mac} */
    PXE_VAR_IP,                 /* ${ip} */
    PXE_VAR_ARCH,               /* ${arch} */
    PXE_VAR_HOSTNAME,           /* ${hostname} */
    PXE_VAR_NEXT_SERVER,        /* ${next-server} */
    PXE_VAR_COUNT
} pxe_var_e;

/* The value of each variable; NULL data expands to nothing. */
typedef struct pxe_vars_s {
    pxe_str_t    v[PXE_VAR_COUNT];
} pxe_vars_t;

/*
 * Checks a template at config time: PXE_ESYNTAX for an unknown variable
 * or an unterminated "${", PXE_ENUL for a NUL byte; *where is the offset
 * of the offending "${" (may be NULL).
 */
int pxe_template_check(const char *tmpl, size_t len, size_t *where);
/*
 * The variables a template uses, as bits (1u << PXE_VAR_*) in *used; 0
 * means the template is plain text, so a caller can copy it instead of
 * expanding it per packet.  Same errors as pxe_template_check().
 */
int pxe_template_vars(const char *tmpl, size_t len, unsigned *used);
/* Expands a checked template into out; fails whole past out's maximum. */
int pxe_template_expand(const char *tmpl, size_t len, const pxe_vars_t *vars,
    pxe_buf_t *out) PXE_WARN_UNUSED;

/* ---- boot-file rules (policy.c) ---------------------------------------- */

/*
 * A configuration value, as an adapter translates it from its own tree
 * (Kea Elements): the core checks every key and type itself, so the Kea
 * hook and pxekit-kea-check cannot disagree.
 */
typedef enum {
    PXE_VALUE_NULL = 0,
    PXE_VALUE_BOOL,
    PXE_VALUE_INT,
    PXE_VALUE_REAL,
    PXE_VALUE_STRING,
    PXE_VALUE_LIST,
    PXE_VALUE_MAP
} pxe_value_type_e;

typedef struct pxe_value_s pxe_value_t;
struct pxe_value_s {
    pxe_value_type_e     type;
    pxe_str_t            key;       /* name inside a map, else empty */
    int                  boolean;
    int64_t              integer;
    pxe_str_t            string;
    const pxe_value_t   *items;     /* list elements or map members */
    size_t               nitems;
};

#define PXE_RULES_MAX        1000
#define PXE_ERRMSG_MAX       256

/* Where a configuration is wrong: rule index (-1: top level) and key. */
typedef struct pxe_policy_err_s {
    int      status;
    long     rule;
    char     key[32];
    char     msg[PXE_ERRMSG_MAX];   /* "rule 2, key 'arch': ..." */
} pxe_policy_err_t;

typedef enum {
    PXE_OPTION67_AUTO = 0,      /* when asked for (55), or too long for file */
    PXE_OPTION67_ALWAYS,
    PXE_OPTION67_NEVER          /* file field only; longer rules skipped */
} pxe_option67_e;

struct pxe_rule_s;

typedef struct pxe_policy_s {
    struct pxe_rule_s   *rules;
    size_t               nrules;
    uint8_t              next_server[4];
    char                 server_hostname[PXE_SNAME_MAX];
    size_t               server_hostname_len;   /* 0: not set */
    pxe_option67_e       option67;
    void                *match_ctx;             /* pcre2_match_context */
} pxe_policy_t;

void pxe_policy_init(pxe_policy_t *p);
/*
 * Builds the policy from the hook's parameter map; patterns are compiled
 * (with JIT) here, once.  On error p is left empty and err says where.
 */
int pxe_policy_load(pxe_policy_t *p, const pxe_value_t *params,
    pxe_policy_err_t *err);
void pxe_policy_free(pxe_policy_t *p);

/* What a reply should carry; the adapter applies it as is. */
typedef struct pxe_decision_s {
    long         rule;                  /* index matched, -1 if none */
    char         file[PXE_OPTION_MAX + 1];
    size_t       file_len;
    uint8_t      next_server[4];
    char         sname[PXE_SNAME_MAX];
    size_t       sname_len;             /* 0: leave sname alone */
    unsigned     file_field:1;          /* put file in BOOTP `file` */
    unsigned     option67:1;            /* put file in option 67 */
    unsigned     vendor_echo:1;         /* add option 60 "HTTPClient" */
    unsigned     skipped;               /* rules skipped: file too long */
    pxe_kind_e   kind;
} pxe_decision_t;

/*
 * The first matching rule's actions for c.  PXE_ENOMATCH when c is not
 * network booting or no rule applies (d->rule is -1; d->kind is set).
 * Safe to call from many threads on one policy.
 */
int pxe_policy_decide(const pxe_policy_t *p, const pxe_client_t *c,
    pxe_decision_t *d);
/*
 * UEFI HTTP boot: 1 when the reply's boot file is a URL and the client
 * announced "HTTPClient", so the reply must carry option 60 "HTTPClient"
 * (also when Kea itself, e.g. a host reservation, chose the file).
 */
int pxe_http_boot_echo(const pxe_client_t *c, const char *file, size_t len);
/*
 * A client described by a map {mac, arch, user-class, vendor-class,
 * classes, hostname, ip, requests-bootfile}, for pxekit-explain.  classes
 * points into args.
 */
int pxe_client_from_value(pxe_client_t *c, const pxe_value_t *args,
    pxe_str_t *classes, size_t max_classes, pxe_policy_err_t *err);

/* @@remap: tftp-hpa 5.2 remap rules (remap.c) @@ */

#ifdef __cplusplus
}
#endif

#endif /* PXEKIT_H */
