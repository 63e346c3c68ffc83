/*
 * test_hosts.c: the pxekit_hosts file format (strict, fails whole), the
 * decision it makes against a scan, what the file says after its once=,
 * and pxe_host_take() on real files: the rewrite, and concurrent takers
 * in several processes, of which exactly one gets once=.
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"
#include "../common/tree.h"

#define A   "20240101T000000Z"
#define B   "20230101T000000Z"
#define MAC "52-54-00-00-00-01"

static int
parse(const char *s, pxe_host_t *h)
{
    return pxe_host_parse(s, strlen(s), h);
}

static void
test_parse_keys(void **state)
{
    pxe_host_t  h;

    (void) state;
    assert_int_equal(parse("", &h), PXE_OK);
    assert_false(h.has_build || h.has_once || h.local);
    assert_int_equal(parse("build=" A "\n", &h), PXE_OK);
    assert_true(h.has_build);
    assert_string_equal(h.build, A);
    assert_int_equal(parse("build=latest", &h), PXE_OK);
    assert_true(h.has_build);
    assert_string_equal(h.build, "");
    assert_int_equal(parse("# parked\n\n  local  \r\n", &h), PXE_OK);
    assert_true(h.local);
    assert_int_equal(parse("local=yes\n", &h), PXE_OK);
    assert_true(h.local);
    assert_int_equal(parse("local=no\n", &h), PXE_OK);
    assert_false(h.local);
    assert_int_equal(parse("build=" A "\nonce=" B "\nlocal\n", &h), PXE_OK);
    assert_true(h.has_once);
    assert_string_equal(h.once, B);
    assert_int_equal(h.once_off, strlen("build=" A "\n"));
    assert_int_equal(h.once_len, strlen("once=" B "\n"));
}

static void
test_parse_fails_whole(void **state)
{
    static const struct {
        const char  *text;
        size_t       line;
    } bad[] = {
        { "buld=" A "\n", 1 },
        { "build=" A "\nbuild=" B "\n", 2 },
        { "once=" A "\nonce=" A "\n", 2 },
        { "local\nlocal\n", 2 },
        { "build=\n", 1 },
        { "build=2024\n", 1 },
        { "build=20241301T000000Z\n", 1 },
        { "once=" A "x\n", 1 },
        { "local=maybe\n", 1 },
        { "build " A "\n", 1 },
        { "BUILD=" A "\n", 1 },
        { "# ok\n\nlocal\nx\n", 4 },
        { "build=" A " # comment\n", 1 },
        { "=\n", 1 },
        { "build=\"" A "\"\n", 1 },
    };
    pxe_host_t  h;
    size_t      i;
    char        big[PXE_HOST_FILE_MAX + 2];

    (void) state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse(bad[i].text, &h), PXE_ESYNTAX);
        assert_int_equal(h.line, bad[i].line);
        assert_false(h.has_build || h.has_once || h.local);
    }
    /* a NUL byte, even in a comment */
    assert_int_equal(pxe_host_parse("local\n#\0\n", 9, &h), PXE_ESYNTAX);
    assert_false(h.local);      /* found by hosts-fuzzer: fails whole */
    assert_int_equal(h.line, 2);
    assert_int_equal(pxe_host_parse("build=" A "\0", 23, &h), PXE_ESYNTAX);
    memset(big, '#', sizeof(big));
    assert_int_equal(pxe_host_parse(big, PXE_HOST_FILE_MAX, &h), PXE_OK);
    assert_int_equal(pxe_host_parse(big, PXE_HOST_FILE_MAX + 1, &h),
                     PXE_ETOOBIG);
}

static void
test_after_once(void **state)
{
    static const struct {
        const char  *before, *after;
    } cases[] = {
        { "once=" A "\n", "" },
        { "once=" A, "" },
        { "# rack 4\nbuild=" B "\nonce=" A "\nlocal\n",
          "# rack 4\nbuild=" B "\nlocal\n" },
        { "build=" B "\n  once=" A "  \r\n", "build=" B "\n" },
        { "build=" B "\nonce=" A, "build=" B "\n" },
    };
    pxe_host_t  h;
    pxe_buf_t   b;
    char        mem[PXE_HOST_FILE_MAX + 1];
    size_t      i;

    (void) state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(parse(cases[i].before, &h), PXE_OK);
        pxe_buf_init_fixed(&b, mem, sizeof(mem));
        assert_int_equal(pxe_host_after_once(cases[i].before,
                                             strlen(cases[i].before), &h, &b),
                         PXE_OK);
        assert_int_equal(b.len, strlen(cases[i].after));
        assert_memory_equal(b.data, cases[i].after, b.len);
        /* what it says afterwards parses, without once= */
        assert_int_equal(pxe_host_parse(b.data, b.len, &h), PXE_OK);
        assert_false(h.has_once);
    }
    assert_int_equal(parse("local\n", &h), PXE_OK);
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    assert_int_equal(pxe_host_after_once("local\n", 6, &h, &b), PXE_EINVAL);
}

static int
setup_scan(pxe_scan_t *scan, char **root)
{
    *root = fixture_tmpdir();
    if (*root == NULL
        || fixture_build(*root, A, PXE_LAYOUT_CANONICAL, 0, 100) != 0
        || fixture_build(*root, B, PXE_LAYOUT_CANONICAL, 0, 100) != 0)
    {
        return -1;
    }
    pxe_scan_init(scan);
    return pxe_scan(*root, 0, scan);
}

static void
teardown_scan(pxe_scan_t *scan, char *root)
{
    pxe_scan_free(scan);
    assert_int_equal(fixture_rmtree(root), 0);
    free(root);
}

static void
test_decide(void **state)
{
    pxe_scan_t           scan;
    pxe_host_t           h;
    pxe_host_decision_t  d;
    char                *root;

    (void) state;
    assert_int_equal(setup_scan(&scan, &root), PXE_OK);

    assert_int_equal(parse("", &h), PXE_OK);
    pxe_host_decide(&h, &scan, &d);
    assert_int_equal(d.action, PXE_HOST_MENU);
    assert_null(d.build);

    assert_int_equal(parse("build=" B, &h), PXE_OK);
    pxe_host_decide(&h, &scan, &d);
    assert_int_equal(d.action, PXE_HOST_MENU);
    assert_string_equal(d.build->name, B);

    /* once first, then local, then build */
    assert_int_equal(parse("build=" A "\nlocal\nonce=" B, &h), PXE_OK);
    pxe_host_decide(&h, &scan, &d);
    assert_int_equal(d.action, PXE_HOST_ONCE);
    assert_string_equal(d.build->name, B);
    assert_int_equal(parse("build=" A "\nlocal\n", &h), PXE_OK);
    pxe_host_decide(&h, &scan, &d);
    assert_int_equal(d.action, PXE_HOST_LOCAL);

    /* names that are no usable build: ignored, flagged */
    assert_int_equal(parse("build=" B "\nonce=20990101T000000Z", &h), PXE_OK);
    pxe_host_decide(&h, &scan, &d);
    assert_int_equal(d.action, PXE_HOST_MENU);
    assert_true(d.once_unusable);
    assert_string_equal(d.build->name, B);
    assert_int_equal(parse("build=20990101T000000Z", &h), PXE_OK);
    pxe_host_decide(&h, &scan, &d);
    assert_true(d.build_unusable);
    assert_null(d.build);

    teardown_scan(&scan, root);
}

static void
write_file(const char *path, const char *text)
{
    FILE  *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static char *
read_file(const char *path, char *buf, size_t cap)
{
    FILE    *f = fopen(path, "r");
    size_t   n;

    assert_non_null(f);
    n = fread(buf, 1, cap - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void
test_take(void **state)
{
    pxe_scan_t           scan;
    pxe_host_t           h;
    pxe_host_decision_t  d;
    char                *root;
    char                 dir[600], path[700], buf[256];
    struct stat          st;

    (void) state;
    assert_int_equal(setup_scan(&scan, &root), PXE_OK);
    snprintf(dir, sizeof(dir), "%s/hosts", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/" MAC, dir);

    assert_int_equal(pxe_host_take(dir, MAC, &scan, 1, &h, &d), PXE_ENOENT);
    assert_int_equal(d.action, PXE_HOST_MENU);
    assert_int_equal(pxe_host_take(dir, "../hosts/x", &scan, 1, &h, &d),
                     PXE_EINVAL);

    write_file(path, "# x\nbuild=" A "\nonce=" B "\n");
    assert_int_equal(chmod(path, 0640), 0);
    /* not consuming (a HEAD): decided, file untouched */
    assert_int_equal(pxe_host_take(dir, MAC, &scan, 0, &h, &d), PXE_OK);
    assert_int_equal(d.action, PXE_HOST_ONCE);
    assert_string_equal(read_file(path, buf, sizeof(buf)),
                        "# x\nbuild=" A "\nonce=" B "\n");
    assert_int_equal(pxe_host_take(dir, MAC, &scan, 1, &h, &d), PXE_OK);
    assert_int_equal(d.action, PXE_HOST_ONCE);
    assert_string_equal(d.build->name, B);
    assert_string_equal(read_file(path, buf, sizeof(buf)),
                        "# x\nbuild=" A "\n");
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_int_equal(pxe_host_take(dir, MAC, &scan, 1, &h, &d), PXE_OK);
    assert_int_equal(d.action, PXE_HOST_MENU);
    assert_string_equal(d.build->name, A);

    write_file(path, "bogus\n");
    assert_int_equal(pxe_host_take(dir, MAC, &scan, 1, &h, &d), PXE_ESYNTAX);
    assert_int_equal(h.line, 1);
    assert_int_equal(d.action, PXE_HOST_MENU);
    assert_null(d.build);

    /* a symlink is refused, not followed nor replaced */
    assert_int_equal(unlink(path), 0);
    assert_int_equal(symlink("/etc/hostname", path), 0);
    assert_int_equal(pxe_host_take(dir, MAC, &scan, 1, &h, &d), PXE_ENOTREG);
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(unlink(path), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(pxe_host_take(dir, MAC, &scan, 1, &h, &d), PXE_ENOTREG);
    assert_int_equal(rmdir(path), 0);

    /* a rewrite that cannot happen: once= is not given */
    if (geteuid() != 0) {
        write_file(path, "build=" A "\nonce=" B "\n");
        assert_int_equal(chmod(dir, 0555), 0);
        assert_int_equal(pxe_host_take(dir, MAC, &scan, 1, &h, &d), PXE_EIO);
        assert_int_equal(d.action, PXE_HOST_MENU);
        assert_string_equal(d.build->name, A);
        assert_int_equal(chmod(dir, 0755), 0);
    }

    teardown_scan(&scan, root);
}

/* Several processes take at once: one gets once=, the rest what follows. */
static void
test_take_concurrent(void **state)
{
    enum { TAKERS = 12, ROUNDS = 20 };
    pxe_scan_t           scan;
    pxe_host_t           h;
    pxe_host_decision_t  d;
    char                *root;
    char                 dir[600], path[700], buf[256];
    pid_t                pids[TAKERS];
    DIR                 *dp;
    struct dirent       *de;
    int                  i, r, st, once;

    (void) state;
    assert_int_equal(setup_scan(&scan, &root), PXE_OK);
    snprintf(dir, sizeof(dir), "%s/hosts", root);
    assert_int_equal(mkdir(dir, 0755), 0);
    snprintf(path, sizeof(path), "%s/" MAC, dir);

    for (r = 0; r < ROUNDS; r++) {
        write_file(path, "build=" A "\nonce=" B "\n");
        for (i = 0; i < TAKERS; i++) {
            pids[i] = fork();
            assert_true(pids[i] >= 0);
            if (pids[i] == 0) {
                int  rc = pxe_host_take(dir, MAC, &scan, 1, &h, &d);

                _exit(rc != PXE_OK ? 3
                      : d.action == PXE_HOST_ONCE ? 1
                      : d.build != NULL && strcmp(d.build->name, A) == 0
                        ? 0 : 2);
            }
        }
        once = 0;
        for (i = 0; i < TAKERS; i++) {
            assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
            assert_true(WIFEXITED(st));
            assert_true(WEXITSTATUS(st) <= 1);
            once += WEXITSTATUS(st);
        }
        assert_int_equal(once, 1);
        assert_string_equal(read_file(path, buf, sizeof(buf)),
                            "build=" A "\n");
    }
    /* nothing but the host's file is left: no temporary file */
    dp = opendir(dir);
    assert_non_null(dp);
    while ((de = readdir(dp)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            assert_string_equal(de->d_name, MAC);
        }
    }
    closedir(dp);

    teardown_scan(&scan, root);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_keys),
        cmocka_unit_test(test_parse_fails_whole),
        cmocka_unit_test(test_after_once),
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_take),
        cmocka_unit_test(test_take_concurrent),
    };

    return PXE_RUN_TESTS(tests);
}
