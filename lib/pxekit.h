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
#define PXE_SUBJECT_PAD      32
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

/* 1 if s[0..len) is a valid build name, else 0. */
int pxe_buildname_valid(const char *s, size_t len);

/* ---- builds on disk (layout.c) ---------------------------------------- */

/*
 * The layouts a build is found in, in the order that decides which tree
 * of a build present in several is served (a bootable tree first, then
 * the lowest value).  Clients only ever see canonical names.
 */
typedef enum {
    PXE_LAYOUT_CANONICAL = 1,   /* <build>/platform/i86pc/... */
    PXE_LAYOUT_LEGACY = 2,      /* platform-<build>/i86pc/... */
    PXE_LAYOUT_UNDERSCORE = 3,  /* platform_<build>/i86pc/... */
    PXE_LAYOUT_UNVERSIONED = 4  /* platform/i86pc/... (an ISO or USB image),
                                   named by PXE_STAMP_PATH */
} pxe_layout_e;
#define PXE_LAYOUT_MAX       4

/*
 * Where a SmartOS platform directory records its build stamp since 2019
 * (smartos-live tools/build_live): "20121004T212912Z\n".  The unversioned
 * tree is named from this file only; without it, it is not served.
 */
#define PXE_STAMP_PATH       "platform/etc/version/platform"
#define PXE_STAMP_MAX        64     /* bytes read; a larger file is invalid */

/* What the root's unversioned platform/ came to in a scan. */
typedef enum {
    PXE_STAMP_NONE = 0,         /* no platform/ directory */
    PXE_STAMP_OK,               /* named by its stamp: a build */
    PXE_STAMP_MISSING,          /* no stamp file: not served */
    PXE_STAMP_INVALID           /* a stamp that is no build name, or not a
                                   regular file inside the root: not served */
} pxe_stamp_e;

/* "canonical" "legacy" "underscore" "unversioned" (builds.json). */
const char *pxe_layout_name(pxe_layout_e layout);
/* The directory that holds the layout, for people: "platform_<build>/". */
const char *pxe_layout_form(pxe_layout_e layout);
/* One sentence saying what became of the unversioned tree. */
const char *pxe_stamp_describe(pxe_stamp_e st);
/*
 * The contents of a stamp file (s, len bytes): one build name, then only
 * white space.  Copies it into name; PXE_EBUILDNAME for anything else.
 */
int pxe_stamp_parse(const char *s, size_t len,
    char name[PXE_BUILDNAME_LEN + 1]);

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
    unsigned        bootable:1;     /* kernel and archive in `files` */
    unsigned        disabled:1;     /* a `disable` file in its directory */
    unsigned        hash:1;         /* boot_archive.hash in `files` */
    unsigned        manifest:1;
    unsigned        settling:1;     /* changed less than the scan's settle
                                       time ago: maybe still being written
                                       (tar x or cp into the root), not
                                       usable until it has been still */
    uint8_t         files;          /* 1 << PXE_FILE_*: regular files
                                       whose real path is in the root */
    uint8_t         outside;        /* 1 << PXE_FILE_*: files whose real
                                       path leaves the root (refused) */
    uint8_t         also;           /* 1 << PXE_LAYOUT_*: other trees of
                                       this name on disk, not served (a
                                       symlink to the served tree is not
                                       counted) */
    int64_t         kernel_size;    /* -1 when missing */
    int64_t         archive_size;   /* -1 when missing */
    time_t          mtime;          /* newest of kernel and archive */
    time_t          changed;        /* latest mtime or ctime of its
                                       directory, its files and its
                                       `disable`: ctime moves when `tar x`
                                       or `cp -p` write old mtimes */
    uint64_t        dev;            /* the platform directory's device */
    uint64_t        ino;            /* and inode: aliases are one tree */
    uint64_t        stamp;          /* its part of the scan's stamp */
} pxe_build_t;

typedef struct pxe_scan_s {
    pxe_build_t    *builds;         /* newest first */
    size_t          nbuilds;
    pxe_stamp_e     unversioned;    /* what became of platform/ */
    time_t          changed;        /* the root's latest mtime or ctime */
    time_t          settle_at;      /* when the last settling build has
                                       been still for the settle time: a
                                       scan is due then even if the stamp
                                       did not move; 0 when none settles */
    uint64_t        stamp;          /* pxe_scan_stamp of the tree as the
                                       scan saw it (0: root not statted) */
} pxe_scan_t;

void pxe_scan_init(pxe_scan_t *scan);
/*
 * A directory entry of the root that holds a build: "<b>" (canonical),
 * "platform-<b>" (legacy) or "platform_<b>" (underscore); name and layout
 * set.  PXE_ENOENT otherwise (also for "platform": its name is inside).
 */
int pxe_build_dirname(const char *s, size_t len,
    char name[PXE_BUILDNAME_LEN + 1], pxe_layout_e *layout);
/*
 * Lists the builds under root in every layout; a build present in several
 * is reported once, its bootable tree first, then by layout order, the
 * others in its `also`.  The unversioned platform/ is a build only when
 * its stamp names one (scan->unversioned says).  Directory entries that
 * are not build names are ignored.  Each file of a build is checked once here: it counts only
 * as a regular file whose real path (symlinks followed) stays under the
 * root's.  At most max_builds (0: PXE_BUILDS_MAX), else PXE_ETOOMANY.
 * On error scan is left empty.
 */
int pxe_scan(const char *root, size_t max_builds, pxe_scan_t *scan);
/*
 * pxe_scan, and a build whose directory, files or `disable` changed less
 * than settle seconds before now is settling: listed, not usable, and
 * scan->settle_at says when to scan again.  A build unpacked in place
 * (tar x, cp, rsync) is named by no menu until all its files have been
 * written and left alone for that long.  A build already usable in
 * named (the scan before, same tree) stays usable: a chmod -R of the
 * root must not take every build out of the menus.  settle 0: nothing
 * settles; named NULL: every recent build settles.
 */
int pxe_scan_settle(const char *root, size_t max_builds, unsigned settle,
    time_t now, const pxe_scan_t *named, pxe_scan_t *scan);
void pxe_scan_free(pxe_scan_t *scan);
/* The build of that name, or NULL. */
const pxe_build_t *pxe_scan_find(const pxe_scan_t *scan, const char *name,
    size_t len);
/*
 * 1 when b can be booted: kernel and boot archive are regular files inside
 * the root, no `disable` file, not settling, a valid name.  The one test of what the
 * menu lists, what a boot script is served for and what "latest" means.
 */
int pxe_build_usable(const pxe_build_t *b);
/* The newest usable build, or NULL. */
const pxe_build_t *pxe_scan_latest(const pxe_scan_t *scan);
/*
 * When what a menu is made of last changed, 0 for an empty scan: the
 * latest `changed` of the root and of every build, usable or not (a
 * build disabled, removed or added with old mtimes moves it forward).  A
 * menu's Last-Modified: a cache that revalidates with If-Modified-Since
 * alone must never get a 304 for a menu that changed.
 */
time_t pxe_scan_newest(const pxe_scan_t *scan);

/* The keyword for the newest usable build, in URLs and in configuration. */
#define PXE_BUILD_LATEST      "latest"
#define PXE_BUILD_LATEST_LEN  (sizeof(PXE_BUILD_LATEST) - 1)

/*
 * A build as an operator or a request names it: "" or "latest" (name is
 * set to "": the newest usable build), or a build name (copied into
 * name).  PXE_EBUILDNAME for anything else.
 */
int pxe_build_ref_parse(const char *s, size_t len,
    char name[PXE_BUILDNAME_LEN + 1]);
/* The usable build that name refers to (NULL or "": the latest), or NULL. */
const pxe_build_t *pxe_scan_pick(const pxe_scan_t *scan, const char *name);

/*
 * The path of one file of a build relative to the root, in the layout it
 * is stored in ("platform-<b>/i86pc/amd64/boot_archive").  Pure string
 * work: no system call.
 */
int pxe_build_path(const pxe_build_t *b, pxe_file_e file, pxe_buf_t *out);
/* The directory of b relative to the root ("platform_<b>", "platform"). */
#define PXE_BUILDDIR_MAX     (PXE_BUILDNAME_LEN + 16)
void pxe_build_dir(const pxe_build_t *b, char out[PXE_BUILDDIR_MAX]);
/*
 * The path a server opens for one file of a build, relative to the root:
 * pxe_build_path() of a file the scan found inside the root.  PXE_ENOENT
 * when the scan did not find it, PXE_ESYMLINK when its real path leaves
 * the root.  No system call: the check was made at scan time.
 */
int pxe_build_file(const pxe_build_t *b, pxe_file_e file, pxe_buf_t *out);
/*
 * 1 when booting b fetches file (kernel, archive, hash) and the scan found
 * it inside the root: what a TFTP or HTTP server must answer for b.
 */
int pxe_build_boot_file(const pxe_build_t *b, pxe_file_e file);
/* The canonical relative URL path ("<b>/platform/i86pc/amd64/boot_archive"). */
int pxe_build_url(const char *name, pxe_file_e file, pxe_buf_t *out);

/* ---- extra boot modules and per-node files (modules.c) ----------------- */

/*
 * `pxekit_module PATH name=NAME [type=TYPE] [optional]`: a file added as
 * a `module` line to every SmartOS entry, after the archive and its hash.
 * PATH is relative (to the build root, or with ${mac} to the node root)
 * and ${mac} is its only variable: the node's MAC as "aa-bb-cc-dd-ee-ff",
 * taken from the menu URL's `mac` argument and validated as a MAC.
 */
#define PXE_MODULES_MAX      6      /* iPXE keeps 8: archive, hash, 6 */
#define PXE_MODULE_NAME_MAX  64
#define PXE_MODULE_TYPE_MAX  16
#define PXE_MODULE_TYPE_DEFAULT "file"
#define PXE_MACFILE_LEN      17     /* "aa-bb-cc-dd-ee-ff" */
#define PXE_MODULE_URL       "pxekit-module/"   /* P/pxekit-module/<name> */
#define PXE_NODE_URL         "pxekit-node/"     /* P/pxekit-node/<mac>/<name> */

typedef struct pxe_module_s {
    char        path[PXE_PATH_MAX + 1];     /* checked, may hold ${mac} */
    size_t      path_len;
    char        name[PXE_MODULE_NAME_MAX + 1];
    char        type[PXE_MODULE_TYPE_MAX + 1];
    unsigned    optional:1;
    unsigned    per_node:1;                 /* PATH uses ${mac} */
} pxe_module_t;

/*
 * Parses a directive's PATH and its words ("name=N", "type=T",
 * "optional"): PATH passes pxe_path_check() once ${mac} is put in,
 * NAME is [A-Za-z0-9._-/] without "." or ".." segment, TYPE [a-z0-9_].
 * PXE_ESYNTAX for an unknown or repeated word or no name, PXE_EUNSAFE
 * for a value outside its character set, PXE_ETOOLONG past a bound.
 */
struct pxe_str_s;
int pxe_module_parse(const char *path, size_t path_len,
    const struct pxe_str_s *words, size_t nwords, pxe_module_t *m);
/* A MAC from a request ("aa:bb:..", '-' too, any case) as "aa-bb-..". */
int pxe_macfile(const char *s, size_t len, char out[PXE_MACFILE_LEN + 1]);
/*
 * The file of m for node mac (NULL unless per_node), relative to its
 * directory: ${mac} put in, the result checked again.
 */
int pxe_module_path(const pxe_module_t *m, const char *mac, pxe_buf_t *out);
/* Its URL relative to the location: PXE_MODULE_URL or PXE_NODE_URL form. */
int pxe_module_url(const pxe_module_t *m, const char *mac, pxe_buf_t *out);
/*
 * The one check before a module's file is opened: dir/rel is a regular
 * file whose real path stays under dir's.  PXE_OK, PXE_ENOENT (missing),
 * PXE_ENOTREG or PXE_ESYMLINK (refused).
 */
int pxe_module_check_file(const char *dir, const char *rel);

/* ---- iPXE script writer (ipxe.c) -------------------------------------- */

/*
 * Limits of the values an operator or a request can put into a script.
 * The kernel line, its -B options and every module line share iPXE's one
 * 512-byte multiboot command-line buffer, which overflows silently: keep
 * them short.
 */
#define PXE_KERNEL_ARGS_MAX  200        /* extra -B options */
#define PXE_ROOT_SHADOW_MAX  128        /* a crypt(3) hash */
#define PXE_INCLUDE_MAX      (64 * 1024)    /* operator menu items */
#define PXE_TIMEOUT_MAX      86400000u  /* menu timeout, ms (one day) */
#define PXE_EFI_CHAIN_MAX    256        /* pxekit_efi_chain URL */
#define PXE_MENU_MAX         (8 * 1024 * 1024)  /* menu of PXE_BUILDS_MAX */
#define PXE_JSON_MAX         (32 * 1024 * 1024) /* builds.json */

typedef enum {
    PXE_CONSOLE_TEXT = 0,
    PXE_CONSOLE_TTYA,
    PXE_CONSOLE_TTYB,
    PXE_CONSOLE_TTYC,
    PXE_CONSOLE_TTYD,
    PXE_CONSOLE_COUNT
} pxe_console_e;

/* "text", "ttya".."ttyd"; PXE_EINVAL for anything else. */
int pxe_console_parse(const char *s, size_t len, pxe_console_e *out);

/*
 * Validators of values that end up in a script.  Kernel args: -B options,
 * [A-Za-z0-9_.,:=/+@-] only (no blank, quote, `$` or `#`).  Root shadow:
 * crypt(3) characters [A-Za-z0-9./$=] only, so `$` passes but `${` never.
 * Include: operator text of `item` lines and labelled sections; no control
 * bytes but tab and newline, and no label of pxekit's own (a build name,
 * `rescue-*`, `pxekit-*`).  Each returns PXE_OK, PXE_EUNSAFE or
 * PXE_ETOOBIG.
 */
int pxe_ipxe_check_kernel_args(const char *s, size_t len);
int pxe_ipxe_check_root_shadow(const char *s, size_t len);
int pxe_ipxe_check_include(const char *s, size_t len);
/*
 * The EFI loader a SmartOS entry chains on EFI iPXE (which has no
 * multiboot2): an absolute http://, https:// or tftp:// URL, or a path
 * from the server's root ("/..."), of [A-Za-z0-9_.,:=/+@%?&~-] only (no
 * blank, quote, `$` or `#`).  PXE_OK, PXE_EUNSAFE or PXE_ETOOBIG.
 */
int pxe_ipxe_check_efi_chain(const char *s, size_t len);

typedef struct pxe_ipxe_opts_s {
    pxe_console_e   console;
    unsigned        timeout_ms;     /* 0: wait for a choice */
    const char     *kernel_args;    /* NULL or checked as above */
    size_t          kernel_args_len;
    const char     *root_shadow;    /* NULL: rescue entries go without */
    size_t          root_shadow_len;
    const char     *include;        /* NULL: no operator items */
    size_t          include_len;
    /* Menu variants: per build, an entry for each console in consoles
     * (a bit per pxe_console_e; the main console's bit is ignored) and,
     * with kmdb, one booting with -k. */
    unsigned        consoles;
    unsigned        kmdb;
    const char     *efi_chain;      /* NULL: EFI iPXE is told why not */
    size_t          efi_chain_len;
    /*
     * pxekit_module: every entry gets a line per module whose bit is in
     * modules_present; an optional one without it is left out, a
     * required one makes the entry say so instead of booting.  node is
     * the MAC for per-node URLs (NULL: per-node modules are missing).
     */
    const pxe_module_t *modules;
    size_t          nmodules;
    unsigned        modules_present;
    const char     *node;
} pxe_ipxe_opts_t;

/*
 * The menu of every bootable, enabled build in scan, newest first, the
 * build named default_build preselected (NULL, unknown or not bootable:
 * the newest).  URLs are relative to P/menu.ipxe.  Fails whole with
 * PXE_EUNSAFE when an option does not pass its check.
 */
int pxe_ipxe_menu(const pxe_scan_t *scan, const char *default_build,
    const pxe_ipxe_opts_t *opts, pxe_buf_t *out) PXE_WARN_UNUSED;

/*
 * The boot script of one build, served as P/<any>/smartos.ipxe: URLs are
 * "../<build>/platform/...", so P/latest/smartos.ipxe works too.
 * PXE_ENOENT when the build is not bootable.
 */
int pxe_ipxe_script(const pxe_build_t *build, const pxe_ipxe_opts_t *opts,
    pxe_buf_t *out) PXE_WARN_UNUSED;

/*
 * iPXE's multiboot command-line buffer (MB_MAX_CMDLINE): the kernel line
 * and every module line, each as "<absolute URL> <args>" plus a NUL.
 * Past it iPXE cuts lines silently and SmartOS fails far from the cause.
 */
#define PXE_MULTIBOOT_CMDLINE_MAX  512

/*
 * The largest multiboot command-line use of any entry of the menu, for a
 * location whose absolute URL ("http://host/prefix/") is base_len long.
 * Callers compare it with PXE_MULTIBOOT_CMDLINE_MAX and warn.
 */
int pxe_ipxe_cmdline_max(const pxe_scan_t *scan, const pxe_ipxe_opts_t *opts,
    size_t base_len, size_t *len);

/*
 * A script that boots one build at once, no menu, served in place of
 * P/menu.ipxe (URLs relative to it): pxekit_hosts' once=.
 */
int pxe_ipxe_boot_now(const pxe_build_t *build, const pxe_ipxe_opts_t *opts,
    pxe_buf_t *out) PXE_WARN_UNUSED;
/* A script that boots the local disk at once: pxekit_hosts' local. */
int pxe_ipxe_local(pxe_buf_t *out) PXE_WARN_UNUSED;

/* ---- PXELINUX configuration (pxelinux.c) ------------------------------ */

#define PXE_PXELINUX_MAX     (8 * 1024 * 1024)  /* one config, as a menu */

/*
 * A pxelinux.cfg fragment booting every bootable, enabled build in scan
 * with mboot.c32: `default` is the newest; per build the labels
 * smartos-<build> and smartos-<build>-rescue, each `kernel <p>mboot.c32`
 * and `append <p><build>/platform/i86pc/kernel/amd64/unix -B <args> ---
 * <p><build>/platform/i86pc/amd64/boot_archive` (and `--- ...hash` when
 * the build has one), where <p> is prefix normalised as
 * pxe_remap_prefix() does, plus "/" unless empty.  Paths are always the
 * canonical ones (a legacy tree is served by pxe_remap_generate()'s
 * rules).  The -B options are the iPXE menu's, from the same checked
 * opts (timeout and include are not used).  PXE_ENOENT when no build is
 * bootable; PXE_EUNSAFE, PXE_EINVAL for refused options or prefix.
 */
int pxe_pxelinux_cfg(const pxe_scan_t *scan, const char *prefix,
    const pxe_ipxe_opts_t *opts, pxe_buf_t *out) PXE_WARN_UNUSED;

/* ---- request routing under a location prefix (route.c) ---------------- */

typedef enum {
    PXE_ROUTE_MENU = 1,         /* menu.ipxe */
    PXE_ROUTE_BUILDS_JSON,      /* builds.json */
    PXE_ROUTE_SCRIPT,           /* <build>/smartos.ipxe, latest/smartos.ipxe */
    PXE_ROUTE_FILE,             /* <build>/platform/i86pc/... */
    PXE_ROUTE_MODULE            /* pxekit-module/<name>,
                                   pxekit-node/<mac>/<name> */
} pxe_route_e;

typedef struct pxe_route_s {
    pxe_route_e     kind;
    char            name[PXE_BUILDNAME_LEN + 1];    /* "" for latest */
    unsigned        latest:1;
    pxe_file_e      file;
    /* PXE_ROUTE_MODULE: the module's name, and the node's MAC or "" */
    const char     *module;     /* points into the path */
    size_t          module_len;
    char            node[PXE_MACFILE_LEN + 1];
} pxe_route_t;

/*
 * Parses a request path relative to the location prefix (no leading "/").
 * Only canonical URLs route: legacy trees are never exposed as they are
 * stored.  PXE_ENOENT for anything that is not one of the routes, or
 * the path's own error (PXE_EDOTDOT, PXE_EEMPTYSEG, PXE_ENUL,
 * PXE_ETOOLONG, PXE_EINVAL) for a path that must not reach a file system.
 */
int pxe_route(const char *path, size_t len, pxe_route_t *route);

/* The HTTP status a route error maps to: 400 or 404. */
int pxe_route_http_status(int status);

/* Why a routed request found nothing (notfound.c): the 404's cause. */
typedef enum {
    PXE_NOTFOUND_ROUTE = 0,     /* "route": not one of the URLs */
    PXE_NOTFOUND_BUILD,         /* "no-build": no build of that name (for
                                   latest: no usable build) */
    PXE_NOTFOUND_DISABLED,      /* "disabled": a `disable` file */
    PXE_NOTFOUND_UNBOOTABLE,    /* "unbootable": no kernel or archive
                                   inside the root */
    PXE_NOTFOUND_FILE,          /* "no-file": the build has no such file */
    PXE_NOTFOUND_COUNT
} pxe_notfound_e;

/*
 * The cause of a 404 for route (NULL: the path did not route) against
 * the scan that answered it.
 */
pxe_notfound_e pxe_notfound(const pxe_scan_t *scan, const pxe_route_t *route);
/* Its label ("route", "no-build", ...); never NULL. */
const char *pxe_notfound_name(pxe_notfound_e reason);

/* ---- what caches may keep (cachecontrol.c) ---------------------------- */

#define PXE_MAX_AGE_MAX          31536000L  /* a max-age, s (a year) */
#define PXE_CACHE_CONTROL_MAX    32         /* "max-age=N" and a NUL */

typedef enum {
    PXE_CACHE_MENU = 0,         /* generated or a node's: mutable */
    PXE_CACHE_FILE,             /* a build's file: fixed once named */
    PXE_CACHE_NO_STORE          /* used up state: never replayed */
} pxe_cache_e;

/*
 * What an answer to route is, for caches: consumed when it used up
 * state (a pxekit_hosts once=).  Menus, scripts, builds.json and
 * pxekit-node/ files are PXE_CACHE_MENU; a build's files and shared
 * pxekit-module/ files PXE_CACHE_FILE.
 */
pxe_cache_e pxe_cache_class(const pxe_route_t *route, int consumed);

/*
 * The Cache-Control value for cls: "no-store", "no-cache" for an age of
 * 0, else "max-age=N" with the menu's or the files' age (seconds, 0 to
 * PXE_MAX_AGE_MAX, else PXE_EINVAL).
 */
int pxe_cache_control(pxe_cache_e cls, long menu_max_age, long file_max_age,
    pxe_buf_t *out) PXE_WARN_UNUSED;

/*
 * A fingerprint of what a scan depends on, taken afresh: the root's, every
 * listed build directory's and the directories holding its kernel and
 * archive (inode, mtime, nlink).  A build added, removed, marked `disable`
 * or unpacked further changes it; a caller rescans only then.  Equal to
 * scan->stamp while nothing changed since the scan.
 */
int pxe_scan_stamp(const char *root, const pxe_scan_t *scan,
    uint64_t *stamp);

/* ---- builds.json (buildsjson.c) --------------------------------------- */

/* One object per build in scan, in scan order, as a JSON array. */
int pxe_buildsjson(const pxe_scan_t *scan, pxe_buf_t *out) PXE_WARN_UNUSED;

/* ---- per-host boot state (hosts.c, hosts_file.c) ---------------------- */

/*
 * pxekit_hosts DIR: one file per MAC, DIR/aa-bb-cc-dd-ee-ff, of
 * `key=value` lines (blank lines and `#` comments allowed, at most
 * PXE_HOST_FILE_MAX bytes): build=<name|latest> preselects that build,
 * `local` boots the local disk at once, once=<name|latest> boots that
 * build at once on the next menu request only.  Any other line, a key
 * twice, or a bad value: the file does not parse (PXE_ESYNTAX).
 */
#define PXE_HOST_FILE_MAX    4096

typedef struct pxe_host_s {
    char        build[PXE_BUILDNAME_LEN + 1];   /* "": latest */
    char        once[PXE_BUILDNAME_LEN + 1];    /* "": latest */
    unsigned    has_build:1;
    unsigned    has_once:1;
    unsigned    local:1;
    size_t      once_off;       /* the once= line, its newline included */
    size_t      once_len;
    size_t      line;           /* on error: the line that failed (1-) */
} pxe_host_t;

int pxe_host_parse(const char *s, size_t len, pxe_host_t *h);

typedef enum {
    PXE_HOST_MENU = 0,          /* the menu, default from build= or none */
    PXE_HOST_LOCAL,             /* the local disk, no menu */
    PXE_HOST_ONCE               /* this build, no menu; once= consumed */
} pxe_host_action_e;

typedef struct pxe_host_decision_s {
    pxe_host_action_e    action;
    const pxe_build_t   *build;     /* ONCE: the build; MENU: the pinned
                                       default or NULL */
    unsigned             once_unusable:1;   /* once= names no usable
                                               build: ignored, kept */
    unsigned             build_unusable:1;  /* build= likewise */
} pxe_host_decision_t;

/*
 * once= (a usable build) comes first, then local, then build=.  A once=
 * or build= naming no usable build is ignored (flagged, not consumed).
 */
void pxe_host_decide(const pxe_host_t *h, const pxe_scan_t *scan,
    pxe_host_decision_t *d);
/*
 * What the file says once its once= was used: the text without the
 * once= line, every other byte kept.
 */
int pxe_host_after_once(const char *s, size_t len, const pxe_host_t *h,
    pxe_buf_t *out) PXE_WARN_UNUSED;
/*
 * The state of node mac ("aa-bb-cc-dd-ee-ff") under dir, decided against
 * scan.  With consume set and a once= to use, the file is rewritten to
 * pxe_host_after_once() (a temporary file in dir, then rename) under an
 * exclusive flock(2) of the file, re-opened if it was replaced while
 * waiting: of concurrent callers exactly one gets PXE_HOST_ONCE.
 * PXE_ENOENT: no file (d says MENU); PXE_ESYNTAX: it does not parse
 * (h->line says where; d says MENU); PXE_EIO (errno kept) or
 * PXE_ENOTREG (a symlink or not a regular file) likewise; a failed
 * rewrite gives PXE_EIO and the decision without once=.
 */
int pxe_host_take(const char *dir, const char *mac, const pxe_scan_t *scan,
    int consume, pxe_host_t *h, pxe_host_decision_t *d);

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
 * pxe_client_init() sets the lengths and flags, not the arrays: a new
 * field needs a line there.
 */
typedef struct pxe_client_s {
    uint8_t      mac[PXE_MAC_MAX];
    size_t       mac_len;
    uint8_t      ip[4];                 /* offered address (yiaddr) */
    uint16_t     arch[PXE_ARCH_MAX];    /* option 93, in packet order */
    size_t       narch;
    /* PXE_SUBJECT_PAD zero bytes follow each payload a pattern sees:
     * PCRE2's JIT reads whole 16-byte blocks around a subject's end. */
    uint8_t      vendor_class[PXE_OPTION_MAX + PXE_SUBJECT_PAD];
    size_t       vendor_class_len;
    uint8_t      user_class[PXE_OPTION_MAX + PXE_SUBJECT_PAD]; /* 77 as sent */
    size_t       user_class_len;
    /* option 77 split into instances: RFC 3004, or one raw instance */
    uint8_t      uc_off[PXE_USER_CLASS_MAX];
    uint8_t      uc_len[PXE_USER_CLASS_MAX];
    size_t       nuser_class;
    char         hostname[PXE_OPTION_MAX + 1];  /* "" unless [A-Za-z0-9.-] */
    size_t       hostname_len;
    const pxe_str_t *classes;           /* the caller's, not copied */
    size_t       nclasses;
    /* the boot file Kea itself gives this client (a host reservation, a
     * class) when a caller knows it beforehand: pxekit-explain's
     * "kea-boot-file", the caller's bytes; on the wire the hook passes
     * the reply's own to pxe_reply_http_echo() instead */
    pxe_str_t    kea_file;
    uint8_t      subnet[4];             /* the subnet the server selected */
    uint8_t      subnet_len;            /* its prefix length */
    uint8_t      ip6[16];               /* DHCPv6: the address assigned */
    uint32_t     enterprise;            /* DHCPv6: option 16's number */
    unsigned     has_ip:1;
    unsigned     has_arch:1;            /* option 93 present, even if bad */
    unsigned     has_vendor_class:1;
    unsigned     has_user_class:1;
    unsigned     has_175:1;
    unsigned     ipxe:1;                /* 77 is/contains "iPXE", or 175 */
    unsigned     wants_bootfile:1;      /* option 55 lists 67 */
    unsigned     has_subnet:1;
    unsigned     v6:1;                  /* a DHCPv6 client (dhcp6opt.c) */
    unsigned     has_ip6:1;
    unsigned     has_enterprise:1;
    unsigned     mac_src:2;             /* DHCPv6: where the MAC came from,
                                           PXE_MAC6_* (the best wins) */
} pxe_client_t;

void pxe_client_init(pxe_client_t *c);
/* chaddr with hlen; PXE_EINVAL past PXE_MAC_MAX (then no MAC). */
int pxe_client_set_mac(pxe_client_t *c, const uint8_t *mac, size_t len);
void pxe_client_set_ip(pxe_client_t *c, const uint8_t ip[4]);
/* The subnet the server selected for the query (rule key `subnet`). */
void pxe_client_set_subnet(pxe_client_t *c, const uint8_t net[4],
    unsigned len);
/* 1 when net/len lies inside outer/outer_len (both IPv4 prefixes). */
int pxe_subnet_inside(const uint8_t net[4], unsigned len,
    const uint8_t outer[4], unsigned outer_len);
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

/* ---- a DHCPv6 client as the policy sees it (dhcp6opt.c) -------------- */

/*
 * The same pxe_client_t, filled from DHCPv6 options: 61 is the arch list
 * (as v4's 93), 15 the user class (instances with 16-bit lengths), 16 the
 * vendor class (an enterprise number, then instances: the first one is
 * what `vendor-class` patterns and the kind see, as v4's option 60), the
 * MAC from the relay's option 79 or else the client's DUID (LL, LLT).
 */
#define PXE_OPT6_CLIENTID       1
#define PXE_OPT6_USER_CLASS     15
#define PXE_OPT6_VENDOR_CLASS   16
#define PXE_OPT6_BOOTFILE_URL   59
#define PXE_OPT6_BOOTFILE_PARAM 60
#define PXE_OPT6_CLIENT_ARCH    61
#define PXE_OPT6_CLIENT_LLADDR  79
/* The enterprise number UEFI firmware sends in option 16 (and expects
 * back with "HTTPClient"): 343, Intel. */
#define PXE_ENTERPRISE_UEFI     343
/* Option 16 "HTTPClient" as the echo carries it: 4 + 2 + 10 bytes. */
#define PXE_ECHO6_LEN           16

/* Where a DHCPv6 client's MAC came from, worst to best. */
#define PXE_MAC6_NONE           0
#define PXE_MAC6_LINK_LOCAL     1   /* its EUI-64 link-local source */
#define PXE_MAC6_DUID           2   /* DUID-LL or DUID-LLT */
#define PXE_MAC6_RELAY          3   /* the relay's option 79 */

/* pxe_client_init(), and marks c as a DHCPv6 client. */
void pxe_client6_init(pxe_client_t *c);
void pxe_client_set_ip6(pxe_client_t *c, const uint8_t ip[16]);
/*
 * Decodes one DHCPv6 option payload: 1 (the client's DUID), 15, 16, 61,
 * 79 (the relay's: call it for the relay option, not the client's);
 * others PXE_OK, ignored.  Trusts neither bytes nor length; a malformed
 * payload returns PXE_EINVAL and decodes to nothing (a present 61 still
 * marks the client as network booting, as v4's 93 does).  The MAC comes
 * from the best source given (PXE_MAC6_*), whatever the order of calls.
 */
int pxe_client6_set_option(pxe_client_t *c, unsigned code,
    const uint8_t *data, size_t len);
/*
 * The client's source address, for a client on the server's own link
 * (no relay): an EUI-64 link-local address (fe80::/64, ff:fe in the
 * middle) gives the MAC when neither 79 nor the DUID does.  iPXE's DHCPv6
 * client sends a DUID-UUID, which has none.
 */
void pxe_client6_set_source(pxe_client_t *c, const uint8_t ip[16]);
/* The option 16 payload of the HTTPClient echo into out; its length. */
size_t pxe_reply6_http_echo(uint8_t out[PXE_ECHO6_LEN]);
/* RFC 5952 text of an IPv6 address (at most 39 bytes + NUL); its length. */
size_t pxe_ipv6_text(const uint8_t ip[16], char *out);

/* ---- boot-file rules (policy.c) --------------------------------------- */

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
/* Rules whose only MAC test is one exact address ("^aa:..:ff$"), looked
 * up in a hash, may come on top: per-host files for large sites. */
#define PXE_MAC_RULES_MAX    100000
#define PXE_ERRMSG_MAX       256
#define PXE_PATTERN_MAX      1024   /* bytes of one rule pattern */
#define PXE_PATTERN_NEST_MAX 32     /* parentheses nested in one pattern */

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
struct pxe_index_s;
struct pxe_machash_s;

typedef struct pxe_policy_s {
    struct pxe_rule_s   *rules;
    size_t               nrules;
    uint8_t              next_server[4];
    char                 server_hostname[PXE_SNAME_MAX];
    size_t               server_hostname_len;   /* 0: not set */
    pxe_option67_e       option67;
    void                *match_ctx;             /* pcre2_match_context */
    struct pxe_index_s  *index;                 /* NULL: rule by rule */
    struct pxe_machash_s *machash;              /* exact-MAC rules, or NULL */
    int                  needs_subnet;  /* a rule has `subnet`: only then
                                           must the adapter find the
                                           selected subnet for the client */
    int                  family;        /* 4, or 6: pxe_policy_load6() */
    int                  needs_hostname;    /* a boot file has ${hostname}:
                                               only then is option 12 read */
    int                  needs_classes;     /* a rule has `class`:
                                               only then are the query's
                                               classes handed over */
} pxe_policy_t;

void pxe_policy_init(pxe_policy_t *p);
/*
 * Builds the policy from the hook's parameter map; patterns are compiled
 * (with JIT) here, once.  On error p is left empty and err says where.
 */
int pxe_policy_load(pxe_policy_t *p, const pxe_value_t *params,
    pxe_policy_err_t *err);
/*
 * The same for a DHCPv6 server: boot files must be URLs (tftp://, http://,
 * https://), a rule may set `bootfile-param` (option 60), and what has no
 * meaning in DHCPv6 (next-server, server-hostname, option-67, the keys
 * subnet and option-175, ${next-server}) is refused naming rule and key.
 */
int pxe_policy_load6(pxe_policy_t *p, const pxe_value_t *params,
    pxe_policy_err_t *err);
void pxe_policy_free(pxe_policy_t *p);

/*
 * What a reply should carry; the adapter applies it as is.  file and
 * sname are valid up to their lengths only (file is also NUL-ended).
 */
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
    /* DHCPv6 option 60 payload (RFC 5970: 16-bit length, parameter), the
     * rule's, valid while the policy is; NULL when the rule sets none */
    const uint8_t *param;
    size_t       param_len;
} pxe_decision_t;

/*
 * The first matching rule's actions for c.  PXE_ENOMATCH when c is not
 * network booting or no rule applies (d->rule is -1; d->kind is set).
 * Safe to call from many threads on one policy.
 */
int pxe_policy_decide(const pxe_policy_t *p, const pxe_client_t *c,
    pxe_decision_t *d);
/* 1 when d sets the reply's boot file (a rule matched and gave one). */
int pxe_decision_has_file(const pxe_decision_t *d);
/*
 * 1 when rule i is a per-host rule: one of the exact-MAC rules that the
 * MAC hash answers (from PXE_MACHASH_MIN_RULES of them, as pxekit-import
 * writes for dhcpd hosts); 0 for every other rule, and for every rule of
 * a policy without the hash.  Adapters count such rules together.
 */
int pxe_policy_rule_per_host(const pxe_policy_t *p, size_t i);
/*
 * Whether the reply gets option 60 "HTTPClient": the one decision for the
 * wire and for pxekit-explain.  It is taken on the boot file the reply
 * carries in the end: d's when pxe_decision_has_file(d), else the one Kea
 * set itself (kea_file: a host reservation's or a class's; NULL or empty
 * when none), which is then the only case that reads kea_file.  A client
 * that is not network booting (d->kind PXE_KIND_NONE) never gets it.
 */
int pxe_reply_http_echo(const pxe_client_t *c, const pxe_decision_t *d,
    const char *kea_file, size_t kea_len);
/*
 * A client described by a map {mac, arch, user-class, vendor-class,
 * classes, hostname, ip, requests-bootfile, kea-boot-file}, for
 * pxekit-explain.  classes and c->kea_file point into args.
 */
int pxe_client_from_value(pxe_client_t *c, const pxe_value_t *args,
    pxe_str_t *classes, size_t max_classes, pxe_policy_err_t *err);

/* ---- work without limits of its own, under a CPU limit (guard.c) ------ */

/*
 * glibc's regcomp() and regexec() have no time limit and cannot be
 * stopped safely in-process; in.tftpd calls them without one.  The guard
 * runs such work in a child process, one item at a time, each under
 * limit_us of CPU (and all of them under budget_us, when not 0), and
 * tells the parent each item's result or why the child died on it.
 */
typedef enum {
    PXE_GUARD_SLOW = 1,         /* stopped at its CPU limit */
    PXE_GUARD_BUDGET,           /* not run: the budget was spent */
    PXE_GUARD_CRASH             /* the child died of a signal */
} pxe_guard_fail_e;

typedef struct pxe_guard_s {
    size_t      n;                      /* items 0..n-1 */
    uint64_t    limit_us;               /* CPU per item */
    uint64_t    budget_us;              /* CPU for all; 0: no budget */
    uint64_t    spent_us;               /* in/out: charged so far */
    void       *ctx;
    /* Both sides: whether item i is run at all (NULL: every item). */
    int       (*wanted)(void *ctx, size_t i);
    /* In the child: does item i; its result goes to done(). */
    int       (*run)(void *ctx, size_t i);
    /* Both sides: what an item costs the budget (NULL: its CPU); the
     * rate for result 0 also bounds the time an item is allowed. */
    uint64_t  (*charge)(void *ctx, int result, uint64_t cpu_us);
    /* In the parent, in item order; non-PXE_OK stops the run. */
    int       (*done)(void *ctx, size_t i, int result);
    int       (*failed)(void *ctx, size_t i, pxe_guard_fail_e why, int sig);
} pxe_guard_t;

/* PXE_OK, an error of done() or failed(), or PXE_EIO (fork, pipe). */
int pxe_guard_run(pxe_guard_t *g);
/* This process's CPU time so far, user and system, in microseconds. */
uint64_t pxe_guard_cpu_us(void);

/* ---- tftp-hpa 5.2 remap rules (remap.c) ------------------------------- */

/*
 * tftp-hpa 5.2 (Debian's in.tftpd) remap files, as tftpd itself reads and
 * runs them: glibc POSIX EREs (REG_EXTENDED, REG_ICASE for `i`), flags
 * r g i e s a ~ 4 6 G P, all rules run top-down unless e/s/a, `s` resumes
 * at the second rule, `g` re-scans from the start, a 1024-visit deadman.
 */
#define PXE_REMAP_LINE_MAX      16384   /* tftpd's fgets(): longer lines split */
#define PXE_REMAP_STEPS_MAX     1024    /* tftpd's deadman, rule visits */
#define PXE_REMAP_STRING_MAX    65536   /* a remapped name or NAK message */
#define PXE_REMAP_GLOBAL_MAX    100000  /* g repeats before we call it a hang */
#define PXE_REMAP_GROWTH_MAX    4096    /* a g rule growing a name past
                                           PATH_MAX is a runaway (a hang
                                           in 5.2); checking further costs
                                           time quadratic in the length */
#define PXE_REMAP_RULES_MAX     100000  /* rules in one file */
#define PXE_REMAP_DIAG_MAX      320     /* one diagnostic, with its line */
#define PXE_REMAP_DIAGS_MAX     1000    /* diagnostics kept (all are counted) */
#define PXE_REMAP_FILE_MAX      (16 * 1024 * 1024)  /* a rule file we read */
#define PXE_REMAP_NEST_MAX      4000    /* group nesting compiled in-process;
                                           deeper can overflow regcomp's
                                           stack: tried in a child first */
#define PXE_REMAP_COPIES_MAX    1000    /* copies regcomp may make of a piece */
#define PXE_REMAP_NODES_MAX     4000000 /* nodes it may make of one regex */
#define PXE_REMAP_COMPILE_MS    100     /* CPU one regcomp may take: past it
                                           the rule is dangerous */
#define PXE_REMAP_BUDGET_MS     250     /* CPU one file's regexes may take
                                           to compile, in all */
#define PXE_REMAP_EVAL_MS       1000    /* CPU `test` gives one name: past
                                           it tftpd would hang as well */
/*
 * The limits above are about in.tftpd's CPU.  In a sanitizer build the
 * instrumented allocator makes glibc's regcomp and regexec several times
 * slower, so there every limit is this many times larger (configure
 * --enable-sanitizers sets it; fuzz builds keep 1, for their timeout).
 */
#ifndef PXE_GUARD_SCALE
#define PXE_GUARD_SCALE         1
#endif
#define PXE_GUARD_US(ms)        ((uint64_t) (ms) * 1000 * PXE_GUARD_SCALE)

enum {
    PXE_REMAP_REWRITE = 0x01,   /* r */
    PXE_REMAP_GLOBAL = 0x02,    /* g (cleared without r, as tftpd does) */
    PXE_REMAP_EXIT = 0x04,      /* e */
    PXE_REMAP_RESTART = 0x08,   /* s */
    PXE_REMAP_ABORT = 0x10,     /* a */
    PXE_REMAP_INVERSE = 0x20,   /* ~ */
    PXE_REMAP_IPV4 = 0x40,      /* 4 */
    PXE_REMAP_IPV6 = 0x80,      /* 6 */
    PXE_REMAP_ICASE = 0x100,    /* i */
    PXE_REMAP_GFLAG = 0x200     /* g was written (even if cleared) */
};

typedef struct pxe_remap_rule_s {
    unsigned    line;           /* as tftpd counts: 16383-byte chunks */
    unsigned    flags;          /* PXE_REMAP_* */
    char        mode;           /* 'G', 'P' (the last one written) or 0 */
    char        gp_both;        /* both G and P were written */
    char       *flagtext;       /* the flags as written */
    char       *regex;          /* as written: escapes kept, as regcomp sees */
    char       *replacement;    /* as written, "" when absent */
    size_t      nsub;           /* groups in the regex */
    void       *rx;             /* regex_t */
} pxe_remap_rule_t;

typedef enum {
    PXE_REMAP_ERROR = 1,        /* tftpd 5.2 refuses the file (exit 78) */
    PXE_REMAP_WARNING,          /* accepted, but wrong or useless */
    PXE_REMAP_DANGER            /* tftpd would never start serving: it
                                   spins, stalls or crashes compiling */
} pxe_remap_severity_e;

typedef struct pxe_remap_diag_s {
    unsigned                line;
    pxe_remap_severity_e    severity;
    char                    msg[PXE_REMAP_DIAG_MAX];
} pxe_remap_diag_t;

typedef struct pxe_remap_s {
    pxe_remap_rule_t   *rules;
    size_t              nrules;
    pxe_remap_diag_t   *diags;
    size_t              ndiags;
    size_t              nerrors;        /* errors and dangers */
    size_t              ndanger;
    unsigned long       compile_us;     /* CPU regcomp took on this file */
} pxe_remap_t;

void pxe_remap_init(pxe_remap_t *rm);
/*
 * Parses a rule file's bytes as tftpd 5.2 does.  PXE_OK when tftpd would
 * accept it; PXE_ESYNTAX when it would exit (every rejected line is in
 * rm->diags, the valid rules are kept); PXE_ENOMEM, PXE_ETOOMANY.
 */
int pxe_remap_parse(pxe_remap_t *rm, const char *text, size_t len);
/*
 * Adds warnings: replacements naming groups the regex lacks, rules that
 * can never fire or do nothing, g rules that loop, inverted a rules with
 * a message (tftpd 5.2 writes outside its buffer for them).
 */
int pxe_remap_lint(pxe_remap_t *rm);
void pxe_remap_free(pxe_remap_t *rm);

/* Who asks: the address family and address (for 4/6, \i, \x) and GET/PUT. */
typedef struct pxe_remap_client_s {
    int             family;     /* 4 or 6 */
    unsigned char   addr[16];
    unsigned        put:1;
} pxe_remap_client_t;

/* "192.0.2.1" or "2001:db8::1"; PXE_EINVAL otherwise. */
int pxe_remap_client(const char *ip, int put, pxe_remap_client_t *c);

typedef enum {
    PXE_REMAP_SERVE = 0,        /* out: the name tftpd opens */
    PXE_REMAP_DENY,             /* an a rule: NAK 2, out: the message */
    PXE_REMAP_FAILURE,          /* deadman: NAK 2 "Remap table failure" */
    PXE_REMAP_HANG              /* a g rule never stops: 5.2 spins forever */
} pxe_remap_outcome_e;

/* One step of an evaluation, for `pxekit-remap test -v`. */
typedef struct pxe_remap_step_s {
    size_t          rule;       /* index into rm->rules */
    unsigned        line;
    const char     *action;     /* "rewrite" "abort" "exit" "restart" ... */
    const char     *current;    /* the name after the step */
} pxe_remap_step_t;

typedef void (*pxe_remap_trace_pt)(void *ctx, const pxe_remap_step_t *step);

/*
 * Runs path through the rules as in.tftpd 5.2 does for client c.  Returns
 * PXE_OK with *outcome set and out holding the name (SERVE) or the NAK
 * message (DENY, FAILURE), or an error (PXE_ETOOBIG, PXE_ENOMEM).  trace
 * may be NULL.
 */
int pxe_remap_eval(const pxe_remap_t *rm, const char *path,
    const pxe_remap_client_t *c, pxe_remap_outcome_e *outcome,
    pxe_buf_t *out, pxe_remap_trace_pt trace, void *ctx);

/* "served" "denied" "remap table failure" "hang". */
const char *pxe_remap_outcome_name(pxe_remap_outcome_e o);

/*
 * A remap file for tftpd 5.2 that serves canonical requests
 * (<prefix>/<build>/platform/...) of the builds in scan that exist only
 * in legacy form from platform-<build>/, and leaves every other name as
 * it is.  prefix: "" or "a/b" (checked: segments of [A-Za-z0-9._+-], no
 * "." or ".."; PXE_EINVAL otherwise).  Deterministic: the same scan gives
 * the same bytes.
 */
int pxe_remap_generate(const pxe_scan_t *scan, const char *prefix,
    pxe_buf_t *out);
/* Normalises a --prefix: drops leading, trailing and repeated slashes. */
int pxe_remap_prefix(const char *prefix, pxe_buf_t *out);

/* ---- migration into the canonical layout (migrate.c) ------------------ */

#define PXE_MIGRATE_MARKER   ".pxekit-migrate"   /* inside <build>/ */

typedef enum {
    PXE_MIGRATE_TODO = 1,       /* legacy only: will be moved */
    PXE_MIGRATE_RESUME,         /* an interrupted run left it half-way */
    PXE_MIGRATE_DONE,           /* moved, symlink in place */
    PXE_MIGRATE_SAME,           /* both layouts, identical content: left */
    PXE_MIGRATE_CONFLICT        /* both layouts, different content: refused */
} pxe_migrate_state_e;

typedef struct pxe_migrate_item_s {
    char                    name[PXE_BUILDNAME_LEN + 1];
    char                    from[PXE_BUILDDIR_MAX];  /* "platform-<b>",
                                           "platform_<b>" or "platform" */
    pxe_migrate_state_e     state;
    int                     next_step;  /* 1..5, 0 when nothing to do */
    unsigned                multi:1;    /* in more than one non-canonical
                                           layout: CONFLICT */
} pxe_migrate_item_t;

typedef struct pxe_migrate_plan_s {
    pxe_migrate_item_t     *items;      /* oldest first */
    size_t                  nitems;
    size_t                  nconflicts;
    pxe_stamp_e             unversioned;    /* the root's platform/ */
} pxe_migrate_plan_t;

void pxe_migrate_init(pxe_migrate_plan_t *plan);
/* Looks at root (no change) and says what migrating each build takes. */
int pxe_migrate_plan(const char *root, pxe_migrate_plan_t *plan);
void pxe_migrate_free(pxe_migrate_plan_t *plan);
/* The steps, 1..5, in words ("rename platform_B -> B/platform"). */
int pxe_migrate_describe(const pxe_migrate_item_t *item, int step,
    pxe_buf_t *out);

/*
 * Called before each step; non-zero stops the run there (PXE_EINVAL is
 * returned).  Tests use it to die between steps.
 */
typedef int (*pxe_migrate_step_pt)(void *ctx, const pxe_migrate_item_t *item,
    int step);

/*
 * Carries out the plan's TODO and RESUME items, each through the steps
 * mkdir <b>, write the marker (it records FROM), rename(2) FROM to
 * <b>/platform, symlink FROM -> <b>/platform, remove the marker, where
 * FROM is platform-<b>, platform_<b> or the unversioned platform; each
 * step is one system call (the marker: open, write, fsync), so a run
 * killed anywhere is finished by the next one.
 * CONFLICT items are skipped (the caller reports them).
 */
int pxe_migrate_apply(const char *root, pxe_migrate_plan_t *plan,
    pxe_migrate_step_pt before, void *ctx);

/* @@import: other servers' configs as the hook's rules (import_*.c) @@ */

#define PXE_IMPORT_TEXT_MAX    (4 * 1024 * 1024)  /* one config file */
#define PXE_IMPORT_DEPTH_MAX   32       /* nested blocks, nested ( ) / not */
#define PXE_IMPORT_ENTRIES_MAX 4096     /* rules one scope's logic may make */

typedef struct pxe_import_s pxe_import_t;

typedef struct pxe_import_opts_s {
    const char  *next_server;   /* the address the source used implicitly */
} pxe_import_opts_t;

/*
 * Reads an ISC dhcpd.conf (text, len bytes, named file in messages) and
 * translates what decides a boot (next-server, filename, server-name,
 * options 66/67, if/elsif/else, classes, pools, hosts, scopes) into the
 * hook's ordered rules, first match giving each client what dhcpd gave it.
 * PXE_OK: *out is set (free it with pxe_import_free); what could not be
 * translated is in its notes.  PXE_ESYNTAX (PXE_ETOOBIG, PXE_ETOOMANY,
 * PXE_ENOMEM): *out is NULL and err holds "FILE:LINE: message".
 */
int pxe_import_dhcpd(pxe_import_t **out, const char *file, const char *text,
    size_t len, const pxe_import_opts_t *opts, pxe_buf_t *err);
/*
 * The same for dnsmasq: its files read in order as one configuration
 * (dhcp-boot, dhcp-match, dhcp-userclass, dhcp-vendorclass, tag-if,
 * dhcp-host, dhcp-range, dhcp-option[-force] 67).  opts->next_server is
 * the address dnsmasq answers with when a dhcp-boot names none (its own).
 */
int pxe_import_dnsmasq(pxe_import_t **out, size_t nfiles,
    const char *const *files, const char *const *texts, const size_t *lens,
    const pxe_import_opts_t *opts, pxe_buf_t *err);
/* "FILE:LINE: not translated: reason", in file order. */
size_t pxe_import_nnotes(const pxe_import_t *im);
const char *pxe_import_note(const pxe_import_t *im, size_t i);
/* 1 when note i concerns only the whole Kea configuration (addresses),
 * 2 only the hook's parameters (--kea-config translates it), else 0. */
int pxe_import_note_kea(const pxe_import_t *im, size_t i);
/* The hook's parameters, one JSON object (next-server, option-67, ...). */
int pxe_import_params(const pxe_import_t *im, pxe_buf_t *out);
/* A whole kea-dhcp4 configuration loading hook (a library path). */
int pxe_import_kea(const pxe_import_t *im, const char *hook, pxe_buf_t *out);
void pxe_import_free(pxe_import_t *im);

/* ---- traces across the three servers' logs (trace*.c) ----------------- */

/*
 * A boot crosses Kea, in.tftpd and nginx; the trace reads their log lines
 * (any order, any mix, rotated files in any order), joins them per
 * machine (TFTP and HTTP lines carry addresses: the address Kea leased to
 * a MAC at that time names the machine) and says how far each boot got
 * and why it stopped.  docs/pxekit-trace.md has the formats and verdicts.
 */
typedef struct pxe_trace_s pxe_trace_t;

#define PXE_TRACE_LINE_MAX    8192      /* longer lines are garbled */
#define PXE_TRACE_EVENTS_MAX  4000000   /* then PXE_ETOOMANY */
#define PXE_TRACE_MACHINE_MAX (64u << 20) /* bytes of one machine's report */

/* year and now read year-less syslog stamps (a stamp later than now + 1
 * day is last year's); year 0 takes both from the clock. */
pxe_trace_t *pxe_trace_new(int year, double now);
void pxe_trace_free(pxe_trace_t *t);
/*
 * One log line (without its newline).  PXE_OK when it is a line of one of
 * the three servers (traced or not), PXE_ESYNTAX when it is none (counted
 * as garbled), PXE_ETOOMANY past PXE_TRACE_EVENTS_MAX, PXE_ENOMEM.
 */
int pxe_trace_line(pxe_trace_t *t, const char *line, size_t len);
/* PXE_OK for "aa:bb:cc:dd:ee:ff" (any case), else PXE_EINVAL. */
int pxe_trace_check_mac(const char *mac);
/* Lines read, traced (events) and garbled so far. */
void pxe_trace_counts(const pxe_trace_t *t, size_t *lines, size_t *events,
    size_t *garbled);

typedef struct {
    const char *mac;            /* only this MAC (any case), or NULL */
    double      since;          /* leave out steps before (epoch s), or 0 */
    int         json;           /* one JSON object per line, else text */
    int         changed;        /* only machines whose report changed
                                   since the last call (--follow) */
} pxe_trace_opts_t;

/* Receives each machine's report (text or one JSON line, ending in a
 * newline); non-zero stops the report with that status. */
typedef int (*pxe_trace_emit_pt)(void *ctx, const char *text, size_t len);

/* Every machine, in the order of its first step.  PXE_EINVAL for a bad
 * mac, PXE_ENOMEM, PXE_ETOOBIG, or what emit returned. */
int pxe_trace_report(pxe_trace_t *t, const pxe_trace_opts_t *opts,
    pxe_trace_emit_pt emit, void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* PXEKIT_H */
