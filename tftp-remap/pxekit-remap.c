/*
 * pxekit-remap: generate, test and check tftp-hpa 5.2 remap files for
 * platform-<build>, platform_<build> and unversioned platform/ trees,
 * migrate such trees, and write a pxelinux.cfg for the builds.  Arguments
 * and I/O only: every decision is libpxekit's (lib/remap*.c, lib/migrate.c,
 * lib/pxelinux.c).
 *
 * Exit status: 0 ok, 1 findings, 2 usage or I/O error.
 */

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pxekit.h"

#define EXIT_FINDINGS  1
#define EXIT_USAGE     2

static const char usage_text[] =
"usage: pxekit-remap generate ROOT [--prefix DIR]\n"
"       pxekit-remap test RULES PATH... [--client IP] [--put] [-v]\n"
"       pxekit-remap check RULES [--root ROOT] [--prefix DIR]\n"
"       pxekit-remap migrate ROOT [--apply]\n"
"       pxekit-remap pxelinux ROOT [--prefix DIR] [--kernel-args ARGS]\n"
"                    [--console NAME] [--root-shadow HASH]\n"
"\n"
"Remap files for tftp-hpa 5.2 (in.tftpd -m RULES), read and run exactly\n"
"as Debian's in.tftpd does: glibc POSIX EREs, flags r g i e s a ~ 4 6 G P.\n"
"\n"
"generate  scans ROOT (or ROOT/DIR) for SmartOS builds and prints rules\n"
"          that serve <DIR>/<build>/platform/... of every build that exists\n"
"          only as <DIR>/platform-<build>/, <DIR>/platform_<build>/ or an\n"
"          unversioned <DIR>/platform/ (named by its etc/version/platform)\n"
"          from that tree.  Other names are left alone.  Deterministic.\n"
"          Builds in several layouts and an unversioned tree without a\n"
"          stamp are reported on stderr.\n"
"test      runs each PATH through RULES as in.tftpd would for a client at\n"
"          IP (default 127.0.0.1; an IPv6 address for 6 rules) reading\n"
"          (or, with --put, writing) it.  Prints `PATH -> NAME' or\n"
"          `PATH: denied (NAK 2 \"message\")'.  -v shows every step.\n"
"          Where tftpd 5.2 would hang (a g rule that keeps matching),\n"
"          says so.  Control characters and \\ in names are printed as\n"
"          \\n \\t \\r \\\\ or \\xHH.\n"
"check     reports every line in.tftpd rejects (it exits with status 78,\n"
"          also on a SIGHUP reload), and rules that are useless or\n"
"          dangerous.  With --root, also fetches each build's kernel,\n"
"          boot_archive and hash through the rules (with and without a\n"
"          leading /) and reports those that would not be served; the\n"
"          builds are looked for in ROOT/DIR with --prefix, else in ROOT\n"
"          and every directory up to three levels below it.  A build in\n"
"          more than one layout and an unversioned platform/ without a\n"
"          valid stamp are findings too.\n"
"migrate   prints how ROOT's platform-<build>/, platform_<build>/ and\n"
"          unversioned platform/ trees would move to <build>/platform/;\n"
"          with --apply does it with rename(2), leaving a symlink by the\n"
"          old name.  Safe to kill and re-run; refuses a build whose\n"
"          canonical tree exists with different content or that is in two\n"
"          other layouts, and reports a platform/ without a stamp.\n"
"pxelinux  prints a pxelinux.cfg fragment booting every bootable, enabled\n"
"          build under ROOT (or ROOT/DIR) with mboot.c32: default the\n"
"          newest, labels smartos-<build> and smartos-<build>-rescue.\n"
"          Paths are the canonical <DIR>/<build>/platform/... (generate's\n"
"          rules serve the other layouts).  --console text|ttya..ttyd,\n"
"          --kernel-args (extra -B options) and --root-shadow (rescue\n"
"          entries) are checked as the nginx module checks them.\n"
"\n"
"Exit status: 0 ok, 1 findings, 2 usage or I/O error.\n";

static const struct option long_opts[] = {
    { "prefix", required_argument, NULL, 'p' },
    { "client", required_argument, NULL, 'c' },
    { "put", no_argument, NULL, 'P' },
    { "root", required_argument, NULL, 'r' },
    { "apply", no_argument, NULL, 'a' },
    { "verbose", no_argument, NULL, 'v' },
    { "kernel-args", required_argument, NULL, 'k' },
    { "console", required_argument, NULL, 'C' },
    { "root-shadow", required_argument, NULL, 's' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
};

typedef struct {
    const char  *prefix;
    const char  *client;
    const char  *root;
    const char  *kernel_args;
    const char  *console;
    const char  *root_shadow;
    int          put;
    int          apply;
    int          verbose;
} opts_t;

static void generate_warnings(const char *dir, const pxe_scan_t *scan);
static int cmd_generate(int argc, char **argv, const opts_t *o);
static int cmd_test(int argc, char **argv, const opts_t *o);
static int cmd_check(int argc, char **argv, const opts_t *o);
static int cmd_migrate(int argc, char **argv, const opts_t *o);
static int cmd_pxelinux(int argc, char **argv, const opts_t *o);
static int scan_root(const char *root, const char *prefix, pxe_scan_t *scan);
static int load_rules(const char *file, pxe_remap_t *rm, int lint);
static void print_diags(const char *file, const pxe_remap_t *rm);
static void print_refusal(const char *file, const pxe_remap_t *rm);
static void trace_print(void *ctx, const pxe_remap_step_t *s);
static void print_name(const char *s);
static int check_root(const char *file, const pxe_remap_t *rm,
    const char *root, const char *prefix);
static int kill_between_steps(void *ctx, const pxe_migrate_item_t *it,
    int step);

static int
usage(const char *msg)
{
    if (msg != NULL) {
        fprintf(stderr, "pxekit-remap: %s\n", msg);
    }
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
    opts_t  o;
    int     ch;

    memset(&o, 0, sizeof(o));
    while ((ch = getopt_long(argc, argv, "vh", long_opts, NULL)) != -1) {
        switch (ch) {
        case 'p': o.prefix = optarg; break;
        case 'c': o.client = optarg; break;
        case 'P': o.put = 1; break;
        case 'r': o.root = optarg; break;
        case 'a': o.apply = 1; break;
        case 'v': o.verbose = 1; break;
        case 'k': o.kernel_args = optarg; break;
        case 'C': o.console = optarg; break;
        case 's': o.root_shadow = optarg; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return usage(NULL);
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1) {
        return usage("no command");
    }
    if (strcmp(argv[0], "generate") == 0) {
        return cmd_generate(argc - 1, argv + 1, &o);
    }
    if (strcmp(argv[0], "test") == 0) {
        return cmd_test(argc - 1, argv + 1, &o);
    }
    if (strcmp(argv[0], "check") == 0) {
        return cmd_check(argc - 1, argv + 1, &o);
    }
    if (strcmp(argv[0], "migrate") == 0) {
        return cmd_migrate(argc - 1, argv + 1, &o);
    }
    if (strcmp(argv[0], "pxelinux") == 0) {
        return cmd_pxelinux(argc - 1, argv + 1, &o);
    }
    fprintf(stderr, "pxekit-remap: unknown command \"%s\"\n", argv[0]);
    return usage(NULL);
}

/* What the rules cannot serve as it is on disk, for the operator. */
static void
generate_warnings(const char *dir, const pxe_scan_t *scan)
{
    size_t  i;

    for (i = 0; i < scan->nbuilds; i++) {
        if (scan->builds[i].also != 0) {
            fprintf(stderr, "pxekit-remap: %s: build %s is in more than "
                    "one layout; serving %s (check --root lists the "
                    "others)\n", dir, scan->builds[i].name,
                    pxe_layout_form(scan->builds[i].layout));
        }
    }
    if (scan->unversioned == PXE_STAMP_MISSING
        || scan->unversioned == PXE_STAMP_INVALID)
    {
        fprintf(stderr, "pxekit-remap: %s: %s\n", dir,
                pxe_stamp_describe(scan->unversioned));
    }
}

static int
cmd_generate(int argc, char **argv, const opts_t *o)
{
    pxe_scan_t  scan;
    pxe_buf_t   dir, out;
    int         rc;

    if (argc != 1 || o->client || o->put || o->root || o->apply) {
        return usage("generate takes ROOT and --prefix DIR only");
    }
    pxe_buf_init(&dir, PXE_PATH_MAX * 2, NULL);
    rc = pxe_buf_adds(&dir, argv[0]);
    if (rc == PXE_OK && o->prefix != NULL) {
        pxe_buf_t  p;

        pxe_buf_init(&p, PXE_PATH_MAX, NULL);
        rc = pxe_remap_prefix(o->prefix, &p);
        if (rc == PXE_OK && p.len > 0) {
            rc = pxe_buf_printf(&dir, "/%s", p.data);
        }
        pxe_buf_free(&p);
        if (rc != PXE_OK) {
            fprintf(stderr, "pxekit-remap: --prefix \"%s\": %s (segments "
                    "of A-Z a-z 0-9 . _ + -, no . or ..)\n", o->prefix,
                    pxe_strerror(rc));
            pxe_buf_free(&dir);
            return EXIT_USAGE;
        }
    }
    if (rc != PXE_OK) {
        pxe_buf_free(&dir);
        return usage("ROOT too long");
    }
    pxe_scan_init(&scan);
    rc = pxe_scan(dir.data, 0, &scan);
    if (rc != PXE_OK) {
        fprintf(stderr, "pxekit-remap: %s: %s: %s\n", dir.data,
                pxe_strerror(rc), strerror(errno));
        pxe_buf_free(&dir);
        return EXIT_USAGE;
    }
    pxe_buf_init(&out, PXE_REMAP_FILE_MAX, NULL);
    rc = pxe_remap_generate(&scan, o->prefix, &out);
    if (rc == PXE_OK) {
        generate_warnings(dir.data, &scan);
        fwrite(out.data, 1, out.len, stdout);
    } else {
        fprintf(stderr, "pxekit-remap: generate: %s\n", pxe_strerror(rc));
    }
    pxe_buf_free(&out);
    pxe_scan_free(&scan);
    pxe_buf_free(&dir);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pxekit-remap: stdout: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    return rc == PXE_OK ? 0 : EXIT_USAGE;
}

/* Reads and parses file; 0, EXIT_FINDINGS (tftpd would refuse it) or 2. */
static int
load_rules(const char *file, pxe_remap_t *rm, int lint)
{
    FILE    *f;
    char    *text;
    size_t   len = 0, n;
    int      rc;

    pxe_remap_init(rm);
    f = fopen(file, "rb");
    if (f == NULL) {
        fprintf(stderr, "pxekit-remap: %s: %s\n", file, strerror(errno));
        return EXIT_USAGE;
    }
    text = malloc(PXE_REMAP_FILE_MAX + 1);
    if (text == NULL) {
        fclose(f);
        fprintf(stderr, "pxekit-remap: %s: out of memory\n", file);
        return EXIT_USAGE;
    }
    while ((n = fread(text + len, 1, PXE_REMAP_FILE_MAX + 1 - len, f)) > 0) {
        len += n;
        if (len > PXE_REMAP_FILE_MAX) {
            break;
        }
    }
    if (ferror(f) || len > PXE_REMAP_FILE_MAX) {
        fprintf(stderr, "pxekit-remap: %s: %s\n", file,
                ferror(f) ? strerror(errno) : "larger than 16 MiB");
        fclose(f);
        free(text);
        return EXIT_USAGE;
    }
    fclose(f);
    rc = pxe_remap_parse(rm, text, len);
    free(text);
    if (rc == PXE_OK && lint) {
        rc = pxe_remap_lint(rm);
    }
    if (rc != PXE_OK && rc != PXE_ESYNTAX) {
        fprintf(stderr, "pxekit-remap: %s: %s\n", file, pxe_strerror(rc));
        pxe_remap_free(rm);
        return EXIT_USAGE;
    }
    return rm->nerrors ? EXIT_FINDINGS : 0;
}

static void
print_diags(const char *file, const pxe_remap_t *rm)
{
    size_t  i;

    for (i = 0; i < rm->ndiags; i++) {
        fprintf(stderr, "%s:%u: %s: %s\n", file, rm->diags[i].line,
                rm->diags[i].severity == PXE_REMAP_ERROR ? "error"
                : rm->diags[i].severity == PXE_REMAP_DANGER ? "dangerous"
                : "warning",
                rm->diags[i].msg);
    }
    if (rm->ndiags == PXE_REMAP_DIAGS_MAX) {
        fprintf(stderr, "%s: (only the first %d findings are shown)\n", file,
                PXE_REMAP_DIAGS_MAX);
    }
}

/* What in.tftpd would make of a file with errors or dangerous rules. */
static void
print_refusal(const char *file, const pxe_remap_t *rm)
{
    if (rm->nerrors > rm->ndanger) {
        fprintf(stderr, "%s: %zu line(s) in.tftpd 5.2 rejects: it would "
                "exit with status 78 (also on a SIGHUP reload)\n", file,
                rm->nerrors - rm->ndanger);
    }
    if (rm->ndanger > 0) {
        fprintf(stderr, "%s: %zu dangerous line(s): in.tftpd 5.2 would "
                "spin, stall or crash compiling them, at startup and on "
                "every reload (SIGHUP), and answer no request\n", file,
                rm->ndanger);
    }
}

/* Names are bytes: one per line needs newlines and the like escaped. */
static void
print_name(const char *s)
{
    for ( ; *s; s++) {
        unsigned char  c = (unsigned char) *s;

        if (c == '\\') {
            fputs("\\\\", stdout);
        } else if (c == '\n') {
            fputs("\\n", stdout);
        } else if (c == '\t') {
            fputs("\\t", stdout);
        } else if (c == '\r') {
            fputs("\\r", stdout);
        } else if (c < 0x20 || c == 0x7f) {
            printf("\\x%02X", c);
        } else {
            putchar(c);
        }
    }
}

typedef struct {
    const char  *file;
} trace_ctx_t;

static void
trace_print(void *ctx, const pxe_remap_step_t *s)
{
    const trace_ctx_t  *t = ctx;

    printf("  %s:%u: rule %zu: %s: ", t->file, s->line, s->rule + 1,
           s->action);
    print_name(s->current);
    putchar('\n');
}

typedef struct {
    const pxe_remap_t      *rm;
    pxe_remap_client_t      client;
    char                  **names;
    int                     verbose;
    trace_ctx_t             trace;
    int                     status;
} test_ctx_t;

/* In the guard's child: one name through the rules, printed. */
static int
test_one(void *ctx, size_t i)
{
    test_ctx_t           *t = ctx;
    pxe_remap_outcome_e   oc;
    pxe_buf_t             out;
    const char           *name = t->names[i];
    int                   rc, status = 0;

    pxe_buf_init(&out, PXE_REMAP_STRING_MAX, NULL);
    if (t->verbose) {
        print_name(name);
        fputs(":\n", stdout);
    }
    rc = pxe_remap_eval(t->rm, name, &t->client, &oc, &out,
                        t->verbose ? trace_print : NULL, &t->trace);
    print_name(name);
    if (rc != PXE_OK) {
        printf(": error: %s\n", pxe_strerror(rc));
        status = EXIT_USAGE;
    } else if (oc == PXE_REMAP_SERVE) {
        fputs(" -> ", stdout);
        print_name(out.data);
        putchar('\n');
    } else if (oc == PXE_REMAP_DENY || oc == PXE_REMAP_FAILURE) {
        printf(": %s (NAK 2 \"", pxe_remap_outcome_name(oc));
        print_name(out.data);
        fputs("\")\n", stdout);
    } else {
        fputs(": hang (in.tftpd 5.2 never answers: a g rule keeps "
              "matching)\n", stdout);
        status = EXIT_FINDINGS;
    }
    pxe_buf_free(&out);
    return status;
}

static int
test_done(void *ctx, size_t i, int result)
{
    test_ctx_t  *t = ctx;

    (void) i;
    if (result == EXIT_USAGE || (result != 0 && t->status == 0)) {
        t->status = result;
    }
    return PXE_OK;
}

/* The name did not finish under its CPU limit, or crashed the matcher. */
static int
test_failed(void *ctx, size_t i, pxe_guard_fail_e why, int sig)
{
    test_ctx_t  *t = ctx;

    print_name(t->names[i]);
    if (why == PXE_GUARD_CRASH) {
        printf(": crash (glibc's matcher died of signal %d: so would "
               "in.tftpd on this request)\n", sig);
    } else {
        printf(": hang (evaluating it took more than %d ms of CPU: "
               "in.tftpd would spend as long, or forever, on this "
               "request)\n", PXE_REMAP_EVAL_MS);
    }
    if (t->status == 0) {
        t->status = EXIT_FINDINGS;
    }
    return PXE_OK;
}

/*
 * Every name is evaluated under the guard: glibc's matcher can take
 * exponential time (back-references) and g rules repeat it, so a name
 * gets PXE_REMAP_EVAL_MS of CPU and is reported as a hang past that.
 */
static int
cmd_test(int argc, char **argv, const opts_t *o)
{
    pxe_remap_t   rm;
    pxe_guard_t   g;
    test_ctx_t    t;
    int           rc;

    if (argc < 2 || o->root || o->prefix || o->apply) {
        return usage("test takes RULES PATH... [--client IP] [--put] [-v]");
    }
    memset(&t, 0, sizeof(t));
    if (pxe_remap_client(o->client ? o->client : "127.0.0.1", o->put,
                         &t.client) != PXE_OK)
    {
        fprintf(stderr, "pxekit-remap: --client \"%s\": not an IPv4 or "
                "IPv6 address\n", o->client);
        return EXIT_USAGE;
    }
    rc = load_rules(argv[0], &rm, 0);
    if (rc == EXIT_USAGE) {
        return rc;
    }
    if (rc != 0) {
        print_diags(argv[0], &rm);
        print_refusal(argv[0], &rm);
        pxe_remap_free(&rm);
        return EXIT_FINDINGS;
    }
    t.rm = &rm;
    t.names = argv + 1;
    t.verbose = o->verbose;
    t.trace.file = argv[0];
    memset(&g, 0, sizeof(g));
    g.n = (size_t) (argc - 1);
    g.limit_us = PXE_GUARD_US(PXE_REMAP_EVAL_MS);
    g.ctx = &t;
    g.run = test_one;
    g.done = test_done;
    g.failed = test_failed;
    rc = pxe_guard_run(&g);
    pxe_remap_free(&rm);
    if (rc != PXE_OK) {
        fprintf(stderr, "pxekit-remap: %s: cannot evaluate: %s (%s)\n",
                argv[0], pxe_strerror(rc), strerror(errno));
        return EXIT_USAGE;
    }
    if (fflush(stdout) != 0) {
        return EXIT_USAGE;
    }
    return t.status;
}

/*
 * What the scan could not serve as it is on disk: a build in more than one
 * layout (one wins, the others are ignored) and an unversioned platform/
 * without a valid stamp (never named by a guess).  Returns the count.
 */
static size_t
check_layouts(const char *file, const char *dir, const pxe_scan_t *scan)
{
    size_t  i, n = 0;
    int     k;

    for (i = 0; i < scan->nbuilds; i++) {
        const pxe_build_t  *b = &scan->builds[i];

        if (b->also == 0) {
            continue;
        }
        printf("%s: %s: build %s is in more than one layout: %s served,",
               file, dir, b->name, pxe_layout_form(b->layout));
        for (k = 1; k <= PXE_LAYOUT_MAX; k++) {
            if (b->also & (1u << k)) {
                printf(" %s", pxe_layout_form((pxe_layout_e) k));
            }
        }
        printf(" ignored (a bootable tree wins, then canonical, "
               "platform-, platform_, unversioned); remove the extra "
               "trees\n");
        n++;
    }
    if (scan->unversioned == PXE_STAMP_MISSING
        || scan->unversioned == PXE_STAMP_INVALID)
    {
        printf("%s: %s: %s\n", file, dir,
               pxe_stamp_describe(scan->unversioned));
        n++;
    }
    return n;
}

/*
 * Every build's served files under root/prefix must come out of the rules
 * as world-readable regular files.  Adds the builds seen to *nbuilds and
 * the layout findings to *nlayout; returns the names not served, or -1 on
 * an error already reported.
 */
static int
check_builds(const char *file, const pxe_remap_t *rm, const char *root,
    const char *prefix, size_t *nbuilds, size_t *nlayout)
{
    pxe_scan_t            scan;
    pxe_remap_client_t    c;
    pxe_remap_outcome_e   oc;
    pxe_buf_t             dir, url, req, out, path;
    struct stat           st;
    size_t                i;
    int                   f, rc, lead, bad = 0;

    pxe_buf_init(&dir, PXE_PATH_MAX * 2, NULL);
    rc = pxe_buf_printf(&dir, "%s%s%s", root, *prefix ? "/" : "", prefix);
    pxe_scan_init(&scan);
    if (rc == PXE_OK) {
        rc = pxe_scan(dir.data, 0, &scan);
    }
    if (rc != PXE_OK) {
        fprintf(stderr, "pxekit-remap: %s: %s\n", dir.data, pxe_strerror(rc));
        pxe_buf_free(&dir);
        return -1;
    }
    (void) pxe_remap_client("127.0.0.1", 0, &c);

    for (i = 0; i < scan.nbuilds; i++) {
        for (f = 0; f < PXE_FILE_COUNT; f++) {
            /* What a boot fetches and the scan found: the core says. */
            if (!pxe_build_boot_file(&scan.builds[i], (pxe_file_e) f)) {
                continue;
            }
            pxe_buf_init(&url, PXE_PATH_MAX, NULL);
            rc = pxe_build_url(scan.builds[i].name, (pxe_file_e) f, &url);
            for (lead = 0; rc == PXE_OK && lead < 2; lead++) {
                pxe_buf_init(&req, PXE_PATH_MAX * 2, NULL);
                pxe_buf_init(&out, PXE_REMAP_STRING_MAX, NULL);
                pxe_buf_init(&path, PXE_REMAP_STRING_MAX + PXE_PATH_MAX, NULL);
                rc = pxe_buf_printf(&req, "%s%s%s%s", lead ? "/" : "",
                                    prefix, *prefix ? "/" : "", url.data);
                if (rc == PXE_OK) {
                    rc = pxe_remap_eval(rm, req.data, &c, &oc, &out, NULL,
                                        NULL);
                }
                if (rc == PXE_OK && oc != PXE_REMAP_SERVE) {
                    printf("%s: %s: %s%s%s\n", file, req.data,
                           pxe_remap_outcome_name(oc),
                           out.data ? ": " : "", out.data ? out.data : "");
                    bad++;
                } else if (rc == PXE_OK) {
                    /* in.tftpd -s chroots to the root: '/' is the root. */
                    rc = pxe_buf_printf(&path, "%s/%s", root, out.data);
                    if (rc == PXE_OK && (stat(path.data, &st) != 0
                                         || !S_ISREG(st.st_mode)
                                         || !(st.st_mode & S_IROTH)))
                    {
                        printf("%s: %s -> %s: not served (%s)\n", file,
                               req.data, out.data,
                               stat(path.data, &st) != 0 ? strerror(errno)
                               : !S_ISREG(st.st_mode) ? "not a regular file"
                               : "not world-readable, tftpd refuses it");
                        bad++;
                    }
                }
                pxe_buf_free(&req);
                pxe_buf_free(&out);
                pxe_buf_free(&path);
            }
            pxe_buf_free(&url);
            if (rc != PXE_OK) {
                fprintf(stderr, "pxekit-remap: %s: %s\n", scan.builds[i].name,
                        pxe_strerror(rc));
                bad++;
            }
        }
    }
    if (scan.nbuilds > 0) {
        printf("%s: %zu build(s) under %s checked\n", file, scan.nbuilds,
               dir.data);
    }
    *nlayout += check_layouts(file, dir.data, &scan);
    *nbuilds += scan.nbuilds;
    pxe_scan_free(&scan);
    pxe_buf_free(&dir);
    return bad;
}

/*
 * Without --prefix, every directory down to CHECK_DEPTH levels below the
 * root that holds builds is checked with its own path as the prefix, as
 * generate --prefix would have written it.  Build directories themselves,
 * symlinks and names no prefix can have are not entered.
 */
#define CHECK_DEPTH  3

static int
check_tree(const char *file, const pxe_remap_t *rm, const char *root,
    const char *rel, int depth, size_t *nbuilds, size_t *nlayout)
{
    DIR            *d;
    struct dirent  *de;
    struct stat     st;
    pxe_buf_t       dir, sub, norm;
    pxe_layout_e    layout;
    int             bad, more;
    char            name[PXE_BUILDNAME_LEN + 1];

    bad = check_builds(file, rm, root, rel, nbuilds, nlayout);
    if (bad < 0 || depth >= CHECK_DEPTH) {
        return bad;
    }
    pxe_buf_init(&dir, PXE_PATH_MAX * 2, NULL);
    if (pxe_buf_printf(&dir, "%s%s%s", root, *rel ? "/" : "", rel) != PXE_OK
        || (d = opendir(dir.data)) == NULL)
    {
        pxe_buf_free(&dir);
        return bad;
    }
    while ((de = readdir(d)) != NULL) {
        /* Build directories, and the unversioned platform/ tree. */
        if (de->d_name[0] == '.' || strcmp(de->d_name, "platform") == 0
            || pxe_build_dirname(de->d_name, strlen(de->d_name), name,
                                 &layout) == PXE_OK)
        {
            continue;
        }
        pxe_buf_init(&sub, PXE_PATH_MAX * 2, NULL);
        pxe_buf_init(&norm, PXE_PATH_MAX, NULL);
        if (pxe_buf_printf(&sub, "%s/%s", dir.data, de->d_name) == PXE_OK
            && lstat(sub.data, &st) == 0 && S_ISDIR(st.st_mode)
            && pxe_buf_printf(&norm, "%s%s%s", rel, *rel ? "/" : "",
                              de->d_name) == PXE_OK)
        {
            pxe_buf_t  check;

            pxe_buf_init(&check, PXE_PATH_MAX, NULL);
            if (pxe_remap_prefix(norm.data, &check) == PXE_OK) {
                more = check_tree(file, rm, root, norm.data, depth + 1,
                                  nbuilds, nlayout);
                if (more > 0) {
                    bad += more;
                }
            }
            pxe_buf_free(&check);
        }
        pxe_buf_free(&sub);
        pxe_buf_free(&norm);
    }
    closedir(d);
    pxe_buf_free(&dir);
    return bad;
}

static int
check_root(const char *file, const pxe_remap_t *rm, const char *root,
    const char *prefix)
{
    pxe_buf_t  pfx;
    size_t     nbuilds = 0, nlayout = 0;
    int        rc, bad;

    pxe_buf_init(&pfx, PXE_PATH_MAX, NULL);
    if (prefix != NULL) {
        rc = pxe_remap_prefix(prefix, &pfx);
        if (rc != PXE_OK) {
            fprintf(stderr, "pxekit-remap: --prefix \"%s\": %s\n", prefix,
                    pxe_strerror(rc));
            pxe_buf_free(&pfx);
            return EXIT_USAGE;
        }
        bad = check_builds(file, rm, root, pfx.data, &nbuilds, &nlayout);
    } else {
        bad = check_tree(file, rm, root, "", 0, &nbuilds, &nlayout);
    }
    pxe_buf_free(&pfx);
    if (bad < 0) {
        return EXIT_USAGE;
    }
    printf("%s: %zu build(s) checked, %d name(s) not served\n", file,
           nbuilds, bad);
    if (nlayout > 0) {
        printf("%s: %zu layout finding(s)\n", file, nlayout);
        bad++;
    }
    if (nbuilds == 0) {
        /* Nothing proved: say so rather than pass. */
        fprintf(stderr, "%s: no build found under %s%s%s\n", file, root,
                prefix ? "/" : "", prefix ? prefix : "");
        bad++;
    }
    return bad ? EXIT_FINDINGS : 0;
}

static int
cmd_check(int argc, char **argv, const opts_t *o)
{
    pxe_remap_t  rm;
    int          rc, rrc = 0;

    if (argc != 1 || o->client || o->put || o->apply) {
        return usage("check takes RULES [--root ROOT] [--prefix DIR]");
    }
    rc = load_rules(argv[0], &rm, 1);
    if (rc == EXIT_USAGE) {
        return rc;
    }
    print_diags(argv[0], &rm);
    if (rm.nerrors) {
        print_refusal(argv[0], &rm);
    } else if (o->root != NULL) {
        rrc = check_root(argv[0], &rm, o->root, o->prefix);
    }
    if (rc == 0 && rm.ndiags > 0) {
        rc = EXIT_FINDINGS;
    }
    pxe_remap_free(&rm);
    if (rrc == EXIT_USAGE) {
        return EXIT_USAGE;
    }
    return rc ? rc : rrc;
}

/*
 * Tests set PXEKIT_MIGRATE_KILL_AT=N to have the N-th step (counted over
 * the whole run) never start: the process kills itself, as a crash or an
 * operator's kill -9 would, between two steps.
 */
static int
kill_between_steps(void *ctx, const pxe_migrate_item_t *it, int step)
{
    long  *left = ctx;
    pxe_buf_t  d;

    pxe_buf_init(&d, 256, NULL);
    if (pxe_migrate_describe(it, step, &d) == PXE_OK) {
        if (*left == 1) {
            printf("killed before: %s\n", d.data);
            fflush(stdout);
            pxe_buf_free(&d);
            raise(SIGKILL);
        }
        printf("  %s\n", d.data);
    }
    pxe_buf_free(&d);
    if (*left > 0) {
        (*left)--;
    }
    return 0;
}

static int
cmd_migrate(int argc, char **argv, const opts_t *o)
{
    static const char *const state_name[] = {
        "", "to migrate", "interrupted, to finish", "done",
        "both layouts, identical: left as is",
        "REFUSED: both layouts with different content"
    };
    pxe_migrate_plan_t   plan;
    pxe_buf_t            d;
    const char          *env;
    size_t               i;
    long                 left = 0;
    int                  rc, step, todo = 0;

    if (argc != 1 || o->client || o->put || o->root || o->prefix) {
        return usage("migrate takes ROOT [--apply]");
    }
    rc = pxe_migrate_plan(argv[0], &plan);
    if (rc != PXE_OK) {
        fprintf(stderr, "pxekit-remap: %s: %s: %s\n", argv[0],
                pxe_strerror(rc), strerror(errno));
        return EXIT_USAGE;
    }
    for (i = 0; i < plan.nitems; i++) {
        const pxe_migrate_item_t  *it = &plan.items[i];

        printf("%s: %s\n", it->name, state_name[it->state]);
        if (it->state == PXE_MIGRATE_CONFLICT && it->multi) {
            fprintf(stderr, "%s/%s: in more than one of platform-%s, "
                    "platform_%s and platform/; keep one by hand\n",
                    argv[0], it->name, it->name, it->name);
        } else if (it->state == PXE_MIGRATE_CONFLICT) {
            fprintf(stderr, "%s/%s: %s and %s/platform differ; "
                    "compare them and remove one by hand\n", argv[0],
                    it->name, it->from, it->name);
        }
        for (step = it->next_step; !o->apply && step && step <= 5; step++) {
            pxe_buf_init(&d, 256, NULL);
            if (pxe_migrate_describe(it, step, &d) == PXE_OK) {
                printf("  %s\n", d.data);
            }
            pxe_buf_free(&d);
        }
        todo += it->next_step != 0;
    }
    if (plan.unversioned == PXE_STAMP_MISSING
        || plan.unversioned == PXE_STAMP_INVALID)
    {
        fprintf(stderr, "%s: %s\n", argv[0],
                pxe_stamp_describe(plan.unversioned));
    }
    if (!o->apply) {
        printf("%d build(s) to migrate%s\n", todo,
               todo ? "; run again with --apply" : "");
    } else if (todo > 0) {
        env = getenv("PXEKIT_MIGRATE_KILL_AT");
        if (env != NULL) {
            left = strtol(env, NULL, 10);
        }
        rc = pxe_migrate_apply(argv[0], &plan, kill_between_steps, &left);
        if (rc != PXE_OK) {
            fprintf(stderr, "pxekit-remap: %s: migrate: %s: %s (run again "
                    "to finish)\n", argv[0], pxe_strerror(rc),
                    strerror(errno));
            pxe_migrate_free(&plan);
            return EXIT_USAGE;
        }
        printf("%d build(s) migrated\n", todo);
    }
    rc = plan.nconflicts || (plan.unversioned != PXE_STAMP_NONE
                             && plan.unversioned != PXE_STAMP_OK)
         ? EXIT_FINDINGS : 0;
    pxe_migrate_free(&plan);
    return rc;
}

/*
 * ROOT or ROOT/DIR scanned, DIR normalised as generate writes it.  0 or
 * EXIT_USAGE (reported).
 */
static int
scan_root(const char *root, const char *prefix, pxe_scan_t *scan)
{
    pxe_buf_t  dir, p;
    int        rc;

    pxe_scan_init(scan);
    pxe_buf_init(&dir, PXE_PATH_MAX * 2, NULL);
    pxe_buf_init(&p, PXE_PATH_MAX, NULL);
    rc = pxe_remap_prefix(prefix, &p);
    if (rc != PXE_OK) {
        fprintf(stderr, "pxekit-remap: --prefix \"%s\": %s (segments of "
                "A-Z a-z 0-9 . _ + -, no . or ..)\n", prefix,
                pxe_strerror(rc));
        pxe_buf_free(&p);
        return EXIT_USAGE;
    }
    rc = pxe_buf_printf(&dir, "%s%s%s", root, p.len ? "/" : "", p.data);
    pxe_buf_free(&p);
    if (rc != PXE_OK) {
        pxe_buf_free(&dir);
        return usage("ROOT too long");
    }
    rc = pxe_scan(dir.data, 0, scan);
    if (rc != PXE_OK) {
        fprintf(stderr, "pxekit-remap: %s: %s: %s\n", dir.data,
                pxe_strerror(rc), strerror(errno));
        pxe_buf_free(&dir);
        return EXIT_USAGE;
    }
    pxe_buf_free(&dir);
    return 0;
}

/*
 * The options go into the same pxe_ipxe_opts_t the nginx module fills
 * from pxekit_console, pxekit_kernel_args and pxekit_root_shadow; the
 * core checks them when it writes.  Exit 1 when no build is bootable:
 * a config without a default boots nothing.
 */
static int
cmd_pxelinux(int argc, char **argv, const opts_t *o)
{
    pxe_ipxe_opts_t  io;
    pxe_scan_t       scan;
    pxe_buf_t        out;
    int              rc;

    if (argc != 1 || o->client || o->put || o->root || o->apply) {
        return usage("pxelinux takes ROOT [--prefix DIR] [--kernel-args "
                     "ARGS] [--console NAME] [--root-shadow HASH]");
    }
    memset(&io, 0, sizeof(io));
    if (o->console != NULL
        && pxe_console_parse(o->console, strlen(o->console), &io.console)
           != PXE_OK)
    {
        fprintf(stderr, "pxekit-remap: --console \"%s\": not text, ttya, "
                "ttyb, ttyc or ttyd\n", o->console);
        return EXIT_USAGE;
    }
    if (o->kernel_args != NULL) {
        io.kernel_args = o->kernel_args;
        io.kernel_args_len = strlen(o->kernel_args);
        rc = pxe_ipxe_check_kernel_args(io.kernel_args, io.kernel_args_len);
        if (rc != PXE_OK) {
            fprintf(stderr, "pxekit-remap: --kernel-args: %s (at most %d "
                    "of A-Z a-z 0-9 _ . , : = / + @ -, no leading or "
                    "trailing comma)\n", pxe_strerror(rc),
                    PXE_KERNEL_ARGS_MAX);
            return EXIT_USAGE;
        }
    }
    if (o->root_shadow != NULL) {
        io.root_shadow = o->root_shadow;
        io.root_shadow_len = strlen(o->root_shadow);
        rc = pxe_ipxe_check_root_shadow(io.root_shadow, io.root_shadow_len);
        if (rc != PXE_OK) {
            fprintf(stderr, "pxekit-remap: --root-shadow: %s (a crypt(3) "
                    "hash: at most %d of A-Z a-z 0-9 . / $ =)\n",
                    pxe_strerror(rc), PXE_ROOT_SHADOW_MAX);
            return EXIT_USAGE;
        }
    }
    rc = scan_root(argv[0], o->prefix, &scan);
    if (rc != 0) {
        return rc;
    }
    pxe_buf_init(&out, PXE_PXELINUX_MAX, NULL);
    rc = pxe_pxelinux_cfg(&scan, o->prefix, &io, &out);
    pxe_scan_free(&scan);
    if (rc == PXE_ENOENT) {
        fprintf(stderr, "pxekit-remap: %s%s%s: no bootable, enabled build\n",
                argv[0], o->prefix ? "/" : "", o->prefix ? o->prefix : "");
        return EXIT_FINDINGS;
    }
    if (rc != PXE_OK) {
        fprintf(stderr, "pxekit-remap: pxelinux: %s\n", pxe_strerror(rc));
        return EXIT_USAGE;
    }
    fwrite(out.data, 1, out.len, stdout);
    pxe_buf_free(&out);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "pxekit-remap: stdout: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    return 0;
}
