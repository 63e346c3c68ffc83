/*
 * ipxe.c: the iPXE menu and per-build boot scripts.
 *
 * A script is code that a machine runs, so nothing is interpolated
 * unchecked: build names are validated by their parser, -B options and
 * the root shadow by a character whitelist that admits no blank, newline,
 * quote or "${" (iPXE would expand it), and the operator's include cannot
 * redefine a label of ours.  URLs are relative to the script, so the text
 * stays right behind any proxy or path prefix; iPXE resolves them per
 * RFC 3986 before handing the kernel its own URL as argv[0].
 */

#include <string.h>

#include "pxekit_private.h"

#define SERIAL_MODE     "115200,8,n,1,-"
#define KERNEL_URL      "platform/i86pc/kernel/amd64/unix"
#define ARCHIVE_URL     "platform/i86pc/amd64/boot_archive"
#define ARCHIVE_ARGS    "type=rootfs name=ramdisk"
#define HASH_ARGS       "type=hash name=ramdisk"
#define LABEL_RESERVED  "pxekit-"
#define LABEL_RESCUE    "rescue-"
#define LABEL_KMDB      "-kmdb"

/* What an entry of a build boots (menu variants). */
enum {
    ENTRY_NORMAL = 0,
    ENTRY_RESCUE,
    ENTRY_KMDB,             /* kernel flag -k: kmdb loaded at boot */
    ENTRY_KINDS
};

static const char *const console_names[PXE_CONSOLE_COUNT] = {
    [PXE_CONSOLE_TEXT] = "text",
    [PXE_CONSOLE_TTYA] = "ttya",
    [PXE_CONSOLE_TTYB] = "ttyb",
    [PXE_CONSOLE_TTYC] = "ttyc",
    [PXE_CONSOLE_TTYD] = "ttyd",
};

static int charset_ok(const char *s, size_t len, const char *extra);
static int cmdline_len(const pxe_build_t *b, const pxe_ipxe_opts_t *opts,
    size_t base_len, int kind, size_t *len);
static int add_stanza(pxe_buf_t *out, const char *up,
    const pxe_build_t *b, const pxe_ipxe_opts_t *opts, int kind);
static int add_entry(pxe_buf_t *out, const pxe_build_t *b,
    const pxe_ipxe_opts_t *opts, int kind);
static int add_variant_items(pxe_buf_t *out, const pxe_build_t *b,
    const pxe_ipxe_opts_t *opts);
static int add_variant_entries(pxe_buf_t *out, const pxe_build_t *b,
    const pxe_ipxe_opts_t *opts);
static size_t include_items_len(const char *s, size_t len);
static const char *line_text(const char *p, const char *end,
    const char **nl);
static int label_reserved(const char *s, size_t len);

int
pxe_console_parse(const char *s, size_t len, pxe_console_e *out)
{
    int  i;

    for (i = 0; i < PXE_CONSOLE_COUNT; i++) {
        if (len == strlen(console_names[i])
            && memcmp(s, console_names[i], len) == 0)
        {
            *out = (pxe_console_e) i;
            return PXE_OK;
        }
    }
    return PXE_EINVAL;
}

const char *
pxe_console_name(pxe_console_e console)
{
    if ((unsigned) console >= PXE_CONSOLE_COUNT) {
        return "unknown";
    }
    return console_names[console];
}

/* Alphanumerics plus the bytes in extra; nothing else. */
static int
charset_ok(const char *s, size_t len, const char *extra)
{
    size_t         i;
    unsigned char  c;

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9'))
        {
            continue;
        }
        if (c == '\0' || strchr(extra, c) == NULL) {
            return 0;
        }
    }
    return 1;
}

int
pxe_ipxe_check_kernel_args(const char *s, size_t len)
{
    if (len > PXE_KERNEL_ARGS_MAX) {
        return PXE_ETOOBIG;
    }
    /* Leading or doubled commas would hand the kernel an empty option. */
    if (len > 0 && (s[0] == ',' || s[len - 1] == ',')) {
        return PXE_EUNSAFE;
    }
    return charset_ok(s, len, "_.,:=/+@-") ? PXE_OK : PXE_EUNSAFE;
}

int
pxe_ipxe_check_root_shadow(const char *s, size_t len)
{
    if (len > PXE_ROOT_SHADOW_MAX) {
        return PXE_ETOOBIG;
    }
    if (len == 0) {
        return PXE_EUNSAFE;
    }
    /* No '{' is admitted, so "${" can never appear. */
    return charset_ok(s, len, "./$=") ? PXE_OK : PXE_EUNSAFE;
}

int
pxe_ipxe_check_efi_chain(const char *s, size_t len)
{
    static const char *const  schemes[] = {
        "http://", "https://", "tftp://", "/",
    };
    size_t                    i, n;

    if (len > PXE_EFI_CHAIN_MAX) {
        return PXE_ETOOBIG;
    }
    if (!charset_ok(s, len, "_.,:=/+@%?&~-")) {
        return PXE_EUNSAFE;
    }
    /*
     * Absolute only: the menu (P/menu.ipxe) and a build's script
     * (P/<build>/smartos.ipxe) would resolve a relative URL differently.
     */
    for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        n = strlen(schemes[i]);
        if (len > n && memcmp(s, schemes[i], n) == 0) {
            return PXE_OK;
        }
    }
    return PXE_EUNSAFE;
}

/*
 * One line of operator text from p: returns its first non-blank byte and
 * sets *nl to its end (the newline, or end).
 */
static const char *
line_text(const char *p, const char *end, const char **nl)
{
    *nl = memchr(p, '\n', (size_t) (end - p));
    if (*nl == NULL) {
        *nl = end;
    }
    while (p < *nl && (*p == ' ' || *p == '\t')) {
        p++;
    }
    return p;
}

/* 1 if the label s[0..len) is one pxekit generates. */
static int
label_reserved(const char *s, size_t len)
{
    if (len == 0 || (s[0] >= '0' && s[0] <= '9')) {
        return 1;
    }
    if (len >= sizeof(LABEL_RESERVED) - 1
        && memcmp(s, LABEL_RESERVED, sizeof(LABEL_RESERVED) - 1) == 0)
    {
        return 1;
    }
    return len >= sizeof(LABEL_RESCUE) - 1
           && memcmp(s, LABEL_RESCUE, sizeof(LABEL_RESCUE) - 1) == 0;
}

int
pxe_ipxe_check_include(const char *s, size_t len)
{
    const char     *p, *end, *nl, *w;
    size_t          i, n;
    unsigned char   c;

    if (len > PXE_INCLUDE_MAX) {
        return PXE_ETOOBIG;
    }
    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
            return PXE_EUNSAFE;
        }
    }

    end = s + len;
    for (p = s; p < end; p = nl + 1) {
        w = line_text(p, end, &nl);
        if (w < nl && *w == ':') {
            w++;
            for (n = 0; w + n < nl && w[n] != ' ' && w[n] != '\t'; n++) {
                /* label length */
            }
            if (label_reserved(w, n)) {
                return PXE_EUNSAFE;
            }
        }
    }
    return PXE_OK;
}

/*
 * The leading run of `item` lines (blank and comment lines allowed among
 * them) goes into the menu; the rest follows pxekit's own sections.
 */
static size_t
include_items_len(const char *s, size_t len)
{
    const char  *p, *end, *nl, *w;
    size_t       n;

    end = s + len;
    for (p = s; p < end; p = nl + 1) {
        w = line_text(p, end, &nl);
        n = (size_t) (nl - w);
        if (n == 0 || *w == '#') {
            continue;
        }
        if (n < 5 || memcmp(w, "item", 4) != 0
            || (w[4] != ' ' && w[4] != '\t'))
        {
            return (size_t) (p - s);
        }
        if (nl == end) {
            return len;
        }
    }
    return len;
}

int
pxe_ipxe_check_opts(const pxe_ipxe_opts_t *opts)
{
    if ((unsigned) opts->console >= PXE_CONSOLE_COUNT
        || opts->timeout_ms > PXE_TIMEOUT_MAX
        || opts->consoles >= (1u << PXE_CONSOLE_COUNT) || opts->kmdb > 1)
    {
        return PXE_EINVAL;
    }
    if (opts->efi_chain != NULL
        && pxe_ipxe_check_efi_chain(opts->efi_chain, opts->efi_chain_len)
           != PXE_OK)
    {
        return PXE_EUNSAFE;
    }
    if (opts->kernel_args != NULL
        && pxe_ipxe_check_kernel_args(opts->kernel_args,
                                      opts->kernel_args_len) != PXE_OK)
    {
        return PXE_EUNSAFE;
    }
    if (opts->root_shadow != NULL
        && pxe_ipxe_check_root_shadow(opts->root_shadow,
                                      opts->root_shadow_len) != PXE_OK)
    {
        return PXE_EUNSAFE;
    }
    if (opts->include != NULL
        && pxe_ipxe_check_include(opts->include, opts->include_len)
           != PXE_OK)
    {
        return PXE_EUNSAFE;
    }
    return PXE_OK;
}

/*
 * "-B console=...,<args>": what follows the kernel's path on its command
 * line, for every boot loader pxekit writes for.  A rescue entry (rescue
 * not NULL) gets rescue and the root shadow instead of the operator's
 * kernel args.  opts must have passed pxe_ipxe_check_opts().
 */
int
pxe_ipxe_bootargs(pxe_buf_t *out, const pxe_ipxe_opts_t *opts,
    const char *rescue)
{
    const char  *con;
    int          rc;

    con = console_names[opts->console];
    rc = pxe_buf_printf(out, "-B console=%s", con);
    if (rc == PXE_OK && opts->console != PXE_CONSOLE_TEXT) {
        rc = pxe_buf_printf(out, ",%s-mode=\"" SERIAL_MODE "\"", con);
    }
    if (rc == PXE_OK && rescue != NULL) {
        rc = pxe_buf_printf(out, ",%s", rescue);
        if (rc == PXE_OK && opts->root_shadow != NULL) {
            rc = pxe_buf_printf(out, ",root_shadow='%.*s'",
                                (int) opts->root_shadow_len,
                                opts->root_shadow);
        }
    } else if (rc == PXE_OK && opts->kernel_args != NULL
               && opts->kernel_args_len > 0)
    {
        rc = pxe_buf_printf(out, ",%.*s", (int) opts->kernel_args_len,
                            opts->kernel_args);
    }
    return rc;
}

/*
 * kernel, module(s) and boot of one build, every fetch falling back to
 * pxekit-failed.  up is "" from P/menu.ipxe and "../" from
 * P/<x>/smartos.ipxe; the name always follows, so both resolve to
 * P/<build>/platform/... (the kernel must see that URL as argv[0]).
 */
static int
add_stanza(pxe_buf_t *out, const char *up, const pxe_build_t *b,
    const pxe_ipxe_opts_t *opts, int kind)
{
    int  rc, rescue;

    rescue = kind == ENTRY_RESCUE;
    rc = pxe_ipxe_efi_guard(out);
    if (rc == PXE_OK) {
        rc = pxe_buf_printf(out, "imgfree\nkernel %s%s/" KERNEL_URL " %s",
                            up, b->name, kind == ENTRY_KMDB ? "-k " : "");
    }
    if (rc == PXE_OK) {
        rc = pxe_ipxe_bootargs(out, opts,
                               rescue ? PXE_RESCUE_ARGS : NULL);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_printf(out, " || goto pxekit-failed\n"
                            "module %s%s/" ARCHIVE_URL " " ARCHIVE_ARGS
                            " || goto pxekit-failed\n", up, b->name);
    }
    if (rc == PXE_OK && b->hash && !rescue) {
        rc = pxe_buf_printf(out, "module %s%s/" ARCHIVE_URL ".hash "
                            HASH_ARGS " || goto pxekit-failed\n",
                            up, b->name);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "boot || goto pxekit-failed\n");
    }
    return rc;
}

/*
 * iPXE's multiboot loader copies, for the kernel and then each module,
 * "<absolute URL> <args>" and a NUL into one buffer; base_len is the
 * length of the absolute URL of the location ("http://host/prefix/").
 */
static int
cmdline_len(const pxe_build_t *b, const pxe_ipxe_opts_t *opts,
    size_t base_len, int kind, size_t *len)
{
    pxe_buf_t  m;
    int        rc, rescue;

    rescue = kind == ENTRY_RESCUE;
    pxe_buf_init_measure(&m, PXE_SCRIPT_MAX);
    rc = pxe_ipxe_bootargs(&m, opts, rescue ? PXE_RESCUE_ARGS : NULL);
    if (rc != PXE_OK) {
        return rc;
    }
    *len = base_len + PXE_BUILDNAME_LEN + sizeof("/" KERNEL_URL " ")
           + (kind == ENTRY_KMDB ? sizeof("-k ") - 1 : 0) + m.len
           + base_len + PXE_BUILDNAME_LEN + sizeof("/" ARCHIVE_URL " "
                                                   ARCHIVE_ARGS);
    if (b->hash && !rescue) {
        *len += base_len + PXE_BUILDNAME_LEN
                + sizeof("/" ARCHIVE_URL ".hash " HASH_ARGS);
    }
    return PXE_OK;
}

int
pxe_ipxe_cmdline_max(const pxe_scan_t *scan, const pxe_ipxe_opts_t *opts,
    size_t base_len, size_t *len)
{
    pxe_ipxe_opts_t  v;
    size_t           i, n;
    int              rc, kind, c;

    *len = 0;
    rc = pxe_ipxe_check_opts(opts);
    if (rc != PXE_OK) {
        return rc;
    }
    if (base_len > PXE_SCRIPT_MAX) {
        return PXE_ETOOBIG;
    }
    for (i = 0; i < scan->nbuilds; i++) {
        if (!pxe_build_usable(&scan->builds[i])) {
            continue;
        }
        for (kind = 0; kind < ENTRY_KINDS; kind++) {
            if (kind == ENTRY_KMDB && !opts->kmdb) {
                continue;
            }
            rc = cmdline_len(&scan->builds[i], opts, base_len, kind, &n);
            if (rc != PXE_OK) {
                return rc;
            }
            if (n > *len) {
                *len = n;
            }
        }
        /* Each console variant's -B differs in length (text is short). */
        v = *opts;
        for (c = 0; c < PXE_CONSOLE_COUNT; c++) {
            if (!(opts->consoles & (1u << c))) {
                continue;
            }
            v.console = (pxe_console_e) c;
            rc = cmdline_len(&scan->builds[i], &v, base_len, ENTRY_NORMAL,
                             &n);
            if (rc != PXE_OK) {
                return rc;
            }
            if (n > *len) {
                *len = n;
            }
        }
    }
    return PXE_OK;
}

static int
add_entry(pxe_buf_t *out, const pxe_build_t *b, const pxe_ipxe_opts_t *opts,
    int kind)
{
    int  rc, rescue;

    rescue = kind == ENTRY_RESCUE;
    rc = pxe_buf_printf(out, "\n:%s%s%s\nset pxekit-build %s%s\n",
                        rescue ? LABEL_RESCUE : "", b->name,
                        kind == ENTRY_KMDB ? LABEL_KMDB : "", b->name,
                        rescue ? " (rescue)"
                        : kind == ENTRY_KMDB ? " (kmdb)" : "");
    if (rc != PXE_OK) {
        return rc;
    }
    return add_stanza(out, "", b, opts, kind);
}

/*
 * The menu items of a build's variants: one per console of
 * opts->consoles other than the menu's own (labels "<build>-<console>"),
 * then kmdb ("<build>-kmdb").  Labels start with the build's digit, so an
 * operator's include can never take one.
 */
static int
add_variant_items(pxe_buf_t *out, const pxe_build_t *b,
    const pxe_ipxe_opts_t *opts)
{
    int  rc = PXE_OK, c;

    for (c = 0; rc == PXE_OK && c < PXE_CONSOLE_COUNT; c++) {
        if ((opts->consoles & (1u << c)) && c != (int) opts->console) {
            rc = pxe_buf_printf(out, "item %s-%s SmartOS %s console %s\n",
                                b->name, console_names[c], b->name,
                                console_names[c]);
        }
    }
    if (rc == PXE_OK && opts->kmdb) {
        rc = pxe_buf_printf(out, "item %s" LABEL_KMDB " SmartOS %s"
                            " with kmdb (-k)\n", b->name, b->name);
    }
    return rc;
}

static int
add_variant_entries(pxe_buf_t *out, const pxe_build_t *b,
    const pxe_ipxe_opts_t *opts)
{
    pxe_ipxe_opts_t  v;
    int              rc = PXE_OK, c;

    v = *opts;
    for (c = 0; rc == PXE_OK && c < PXE_CONSOLE_COUNT; c++) {
        if (!(opts->consoles & (1u << c)) || c == (int) opts->console) {
            continue;
        }
        v.console = (pxe_console_e) c;
        rc = pxe_buf_printf(out, "\n:%s-%s\nset pxekit-build %s"
                            " (console %s)\n", b->name, console_names[c],
                            b->name, console_names[c]);
        if (rc == PXE_OK) {
            rc = add_stanza(out, "", b, &v, ENTRY_NORMAL);
        }
    }
    if (rc == PXE_OK && opts->kmdb) {
        rc = add_entry(out, b, opts, ENTRY_KMDB);
    }
    return rc;
}

int
pxe_ipxe_menu(const pxe_scan_t *scan, const char *default_build,
    const pxe_ipxe_opts_t *opts, pxe_buf_t *out)
{
    const pxe_build_t  *b, *def = NULL;
    const char         *con;
    size_t              i, items = 0, n = 0;
    int                 rc, c;

    rc = pxe_ipxe_check_opts(opts);
    if (rc != PXE_OK) {
        pxe_buf_free(out);
        return rc;
    }

    if (default_build != NULL) {
        b = pxe_scan_find(scan, default_build,
                          strnlen(default_build, PXE_BUILDNAME_LEN + 1));
        if (b != NULL && pxe_build_usable(b)) {
            def = b;
        }
    }
    for (i = 0; i < scan->nbuilds; i++) {
        if (pxe_build_usable(&scan->builds[i])) {
            if (def == NULL) {
                def = &scan->builds[i];
            }
            n++;
        }
    }
    if (opts->include != NULL) {
        items = include_items_len(opts->include, opts->include_len);
    }
    con = console_names[opts->console];

    rc = pxe_buf_printf(out, "#!ipxe\n"
                        "# pxekit menu: %zu bootable builds\n\n"
                        ":pxekit-menu\n"
                        "menu SmartOS network boot\n"
                        "item --gap -- SmartOS platform builds,"
                        " newest first:\n", n);
    if (rc == PXE_OK && n == 0) {
        rc = pxe_buf_adds(out, "item --gap -- (no bootable build found)\n");
    }
    for (i = 0; rc == PXE_OK && i < scan->nbuilds; i++) {
        b = &scan->builds[i];
        if (!pxe_build_usable(b)) {
            continue;
        }
        rc = pxe_buf_printf(out, "item %s SmartOS %s%s\n"
                            "item " LABEL_RESCUE "%s SmartOS %s rescue"
                            " (noimport)\n", b->name, b->name,
                            b == def ? " (default)" : "", b->name, b->name);
        if (rc == PXE_OK) {
            rc = add_variant_items(out, b, opts);
        }
    }
    if (rc == PXE_OK && items > 0) {
        rc = pxe_buf_adds(out, "item --gap -- Other:\n");
        if (rc == PXE_OK) {
            rc = pxe_buf_add(out, opts->include, items);
        }
        if (rc == PXE_OK && opts->include[items - 1] != '\n') {
            rc = pxe_buf_addc(out, '\n');
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_printf(out, "item --gap -- Tools:\n"
                            "item pxekit-console Console: %s (change)\n"
                            "item pxekit-local Boot from local disk\n"
                            "item pxekit-shell iPXE shell\n"
                            "choose --default %s", con,
                            def != NULL ? def->name : "pxekit-local");
    }
    if (rc == PXE_OK && opts->timeout_ms > 0) {
        rc = pxe_buf_printf(out, " --timeout %u", opts->timeout_ms);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, " pxekit-target"
                          " || goto pxekit-shell\n"
                          "goto ${pxekit-target}\n");
    }

    for (i = 0; rc == PXE_OK && i < scan->nbuilds; i++) {
        b = &scan->builds[i];
        if (pxe_build_usable(b)) {
            rc = add_entry(out, b, opts, ENTRY_NORMAL);
            if (rc == PXE_OK) {
                rc = add_entry(out, b, opts, ENTRY_RESCUE);
            }
            if (rc == PXE_OK) {
                rc = add_variant_entries(out, b, opts);
            }
        }
    }

    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "\n:pxekit-console\n"
                          "menu Console for SmartOS\n");
    }
    for (c = 0; rc == PXE_OK && c < PXE_CONSOLE_COUNT; c++) {
        rc = pxe_buf_printf(out, "item %s %s\n", console_names[c],
                            c == PXE_CONSOLE_TEXT ? "text (VGA and keyboard)"
                            : console_names[c]);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_printf(out, "choose --default %s pxekit-cons"
                            " || goto pxekit-menu\n"
                            "chain --replace --autofree"
                            " menu.ipxe?console=${pxekit-cons}"
                            " || goto pxekit-menu\n"
                            "\n:pxekit-local\n"
                            "set pxekit-build local disk\n"
                            "sanboot --no-describe --drive 0x80"
                            " || exit\n"
                            "\n:pxekit-shell\n"
                            "echo Type exit to return to the menu.\n"
                            "shell\n"
                            "goto pxekit-menu\n"
                            "\n:pxekit-failed\n"
                            "echo pxekit: booting ${pxekit-build} failed,"
                            " back to the menu.\n"
                            "imgfree\n"
                            "prompt --timeout 10000 Press a key"
                            " || goto pxekit-menu\n"
                            "goto pxekit-menu\n", con);
    }
    if (rc == PXE_OK) {
        rc = pxe_ipxe_efi_section(out, opts, 1);
    }
    if (rc == PXE_OK && opts->include != NULL && items < opts->include_len) {
        rc = pxe_buf_adds(out, "\n# operator items (pxekit_menu_include)\n");
        if (rc == PXE_OK) {
            rc = pxe_buf_add(out, opts->include + items,
                             opts->include_len - items);
        }
        if (rc == PXE_OK
            && opts->include[opts->include_len - 1] != '\n')
        {
            rc = pxe_buf_addc(out, '\n');
        }
        /* An operator section that falls through returns to the menu. */
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, "goto pxekit-menu\n");
        }
    }
    return rc;
}

int
pxe_ipxe_script(const pxe_build_t *build, const pxe_ipxe_opts_t *opts,
    pxe_buf_t *out)
{
    int  rc;

    rc = pxe_ipxe_check_opts(opts);
    if (rc == PXE_OK && !pxe_build_usable(build)) {
        rc = PXE_ENOENT;
    }
    if (rc != PXE_OK) {
        pxe_buf_free(out);
        return rc;
    }
    rc = pxe_buf_printf(out, "#!ipxe\n"
                        "# pxekit: SmartOS %s\n"
                        "set pxekit-build %s\n", build->name, build->name);
    if (rc == PXE_OK) {
        rc = add_stanza(out, "../", build, opts, ENTRY_NORMAL);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "\n:pxekit-failed\n"
                          "echo pxekit: booting ${pxekit-build} failed.\n"
                          "imgfree\n"
                          "prompt --timeout 10000 Press a key || exit 1\n"
                          "exit 1\n");
    }
    if (rc == PXE_OK) {
        rc = pxe_ipxe_efi_section(out, opts, 0);
    }
    return rc;
}
