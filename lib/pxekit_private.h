/*
 * pxekit_private.h: what libpxekit exports for its own files and for its
 * tests, not for adapters.  The adapters include pxekit.h only; what is
 * here is exported (pxe_ names, so tests/unit/symbols.test still holds)
 * because the unit tests and fuzzers call these functions directly, and
 * because more than one lib/ file uses them.
 */

#ifndef PXEKIT_PRIVATE_H
#define PXEKIT_PRIVATE_H

#include <sys/stat.h>

#include "pxekit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- bounded buffer (buf.c) ------------------------------------------- */

/* Counts what would be written (first pass of measure-then-fill). */
void pxe_buf_init_measure(pxe_buf_t *b, size_t max);

/* ---- SmartOS build names (buildname.c) -------------------------------- */

typedef struct pxe_buildname_s {
    int   year, month, day, hour, minute, second;
} pxe_buildname_t;

/* Strict: exactly 16 bytes, real calendar values (leap years included). */
int pxe_buildname_parse(const char *s, size_t len, pxe_buildname_t *out);
/*
 * Orders valid names newest first (qsort-compatible on char pointers of
 * valid names): negative when a is newer than b.
 */
int pxe_buildname_cmp_newest(const char *a, const char *b);

/* ---- builds on disk (layout.c) ---------------------------------------- */

/*
 * 1 when rroot/rel, with every symlink followed, is still under rroot,
 * the root's own real path.
 */
int pxe_inside_real_root(const char *rroot, const char *rel);

/*
 * Reads the stamp of the root's unversioned tree (PXE_STAMP_PATH, under
 * rootfd whose real path is rroot) into name: PXE_STAMP_OK, or why not.
 */
pxe_stamp_e pxe_stamp_read(int rootfd, const char *rroot,
    char name[PXE_BUILDNAME_LEN + 1]);

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

/* ---- the scan's fingerprint (scanstamp.c) ----------------------------- */

/*
 * One build's part of the stamp (pxe_build_t.stamp): the stats of its
 * directory and of the directories that hold its kernel and its archive
 * (symlinks followed), each NULL when it could not be statted.
 */
uint64_t pxe_stamp_build(const struct stat *dir, const struct stat *kdir,
    const struct stat *adir);
/*
 * The scan's stamp (pxe_scan_t.stamp) from the root's stat, the builds'
 * own stamps in scan order and the unversioned stamp file's stat (NULL
 * when it has none): what pxe_scan_stamp computes afresh.
 */
uint64_t pxe_stamp_scan(const struct stat *root, const pxe_scan_t *scan,
    const struct stat *stampfile);
/* The directory (relative to the root) that holds one file of b. */
void pxe_build_file_dir(const pxe_build_t *b, pxe_file_e file,
    char dir[PXE_PATH_MAX]);

/* ---- iPXE script writer (ipxe.c) -------------------------------------- */

/* "text", "ttya".."ttyd" for a console; never NULL. */
const char *pxe_console_name(pxe_console_e console);
/*
 * The one check of the options a script or a config is written with:
 * PXE_EINVAL (console, timeout) or PXE_EUNSAFE (kernel args, root
 * shadow, include that fail their validator).
 */
int pxe_ipxe_check_opts(const pxe_ipxe_opts_t *opts);
/*
 * "-B console=...,<args>" into out: the operator's kernel args, or for a
 * rescue entry (rescue not NULL: the flags it adds) rescue and the root
 * shadow.  The iPXE menu and the PXELINUX config share it, so a value
 * reaches -B the same way in both.  opts must have been checked.
 */
int pxe_ipxe_bootargs(pxe_buf_t *out, const pxe_ipxe_opts_t *opts,
    const char *rescue);
/*
 * What a rescue entry adds to -B: the SmartOS docs' rescue flags, shared
 * by the iPXE menu and the PXELINUX config.
 */
#define PXE_RESCUE_ARGS  "standalone=true,noimport=true"

/* ---- SmartOS on EFI iPXE (ipxe_efi.c) --------------------------------- */

/*
 * The first line of every SmartOS entry: on EFI iPXE, which cannot
 * multiboot, jump to the pxekit-efi section instead of failing with
 * "Exec format error".
 */
int pxe_ipxe_efi_guard(pxe_buf_t *out);
/*
 * The pxekit-efi section: chain opts->efi_chain, or say on the console
 * why SmartOS cannot boot here and exit 1 so that the firmware moves on
 * to its next boot option (in_menu: a key returns to the menu first).
 */
int pxe_ipxe_efi_section(pxe_buf_t *out, const pxe_ipxe_opts_t *opts,
    int in_menu);

/* ---- a DHCPv4 client as the policy sees it (dhcpopt.c) ---------------- */

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
/* DHCPv6 instances (16-bit length, bytes), as pxe_opt_user_class(). */
int pxe_opt6_instances(const uint8_t *data, size_t len, uint8_t *off,
    uint8_t *ilen, size_t *n);
/* "aa:bb:cc:dd:ee:ff" lowercase into out (at most PXE_MACSTR_MAX). */
int pxe_client_mac_string(const pxe_client_t *c, pxe_buf_t *out);
/* The same text into out (room for PXE_MACSTR_MAX); its length, no NUL. */
size_t pxe_client_mac_text(const pxe_client_t *c, char *out);
/* A hex digit's value, -1 for any other byte (the core's one copy). */
int pxe_hexval(int ch);
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

/*
 * A template parsed once, at load, for a caller that expands it per
 * packet: literal runs as offsets into the template, variables by index.
 */
typedef struct pxe_tpiece_s {
    uint32_t     off;               /* literal: where in the template */
    uint32_t     len;               /* literal: how many bytes */
    int          var;               /* -1: literal, else PXE_VAR_* */
} pxe_tpiece_t;

/*
 * Parses a template into at most max pieces; *n is the number it has,
 * also when that is more than max (then nothing past max is written and
 * PXE_ETOOBIG is returned: call again with room for *n).  Same syntax
 * errors as pxe_template_check().
 */
int pxe_template_compile(const char *tmpl, size_t len, pxe_tpiece_t *pieces,
    size_t max, size_t *n);
/*
 * Expands compiled pieces of tmpl into out (no NUL added): *out_len
 * bytes, or PXE_ETOOBIG if they would pass cap.  Same result as
 * pxe_template_expand() on the same template and variables.
 */
int pxe_template_run(const char *tmpl, const pxe_tpiece_t *pieces, size_t n,
    const pxe_vars_t *vars, char *out, size_t cap, size_t *out_len)
    PXE_WARN_UNUSED;

/* ---- boot-file rules (policy.c) --------------------------------------- */

/*
 * UEFI HTTP boot: 1 when the reply's boot file is a URL and the client
 * announced "HTTPClient", so the reply must carry option 60 "HTTPClient"
 * (also when Kea itself, e.g. a host reservation, chose the file).
 */
int pxe_http_boot_echo(const pxe_client_t *c, const char *file, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* PXEKIT_PRIVATE_H */
