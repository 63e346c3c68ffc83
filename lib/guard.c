/*
 * guard.c: runs work that may not end in reasonable time in a child
 * process, one item at a time, each under a CPU-time limit, because the
 * work is glibc's regcomp() and regexec(), which have no limits of their
 * own and cannot be interrupted safely in-process.  in.tftpd runs the
 * same calls without a limit: what stops here is what would spin there.
 * The parent learns each item's result, and which item the child died on
 * and why; a new child goes on with the next item.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pxekit.h"

/* Wall-clock time without a word from the child before it is killed:
 * its CPU limit normally ends it long before, on a loaded machine too. */
#define GUARD_WALL_MS  10000

/* The child's exit status when the budget is spent. */
#define GUARD_EXIT_BUDGET  3

typedef struct {
    uint32_t    index;
    int32_t     result;
    uint64_t    cpu_us;
} guard_rec_t;

static size_t next_item(const pxe_guard_t *g, size_t from);
static uint64_t allowed_us(const pxe_guard_t *g, uint64_t spent);
static uint64_t charge(const pxe_guard_t *g, int result, uint64_t us);
static int child_round(pxe_guard_t *g, size_t from, size_t *stopped,
    int *status);
static void child_main(const pxe_guard_t *g, size_t from, int fd);

int
pxe_guard_run(pxe_guard_t *g)
{
    size_t  from = 0, stopped;
    int     rc, status, sig;

    while ((from = next_item(g, from)) < g->n) {
        if (g->budget_us != 0 && g->spent_us >= g->budget_us) {
            for ( ; from < g->n; from = next_item(g, from + 1)) {
                rc = g->failed(g->ctx, from, PXE_GUARD_BUDGET, 0);
                if (rc != PXE_OK) {
                    return rc;
                }
            }
            break;
        }
        rc = child_round(g, from, &stopped, &status);
        if (rc != PXE_OK) {
            return rc;
        }
        if (stopped == g->n) {
            break;                      /* the child did them all */
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) == GUARD_EXIT_BUDGET) {
            from = stopped;             /* the loop reports the rest */
            continue;
        }
        /* The child died on item `stopped`: that item is the reason. */
        sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        if (sig == SIGPROF || sig == SIGKILL) {
            if (allowed_us(g, g->spent_us) < g->limit_us) {
                rc = g->failed(g->ctx, stopped, PXE_GUARD_BUDGET, 0);
                g->spent_us = g->budget_us;
            } else {
                rc = g->failed(g->ctx, stopped, PXE_GUARD_SLOW, sig);
                g->spent_us += g->limit_us;
            }
        } else if (sig != 0) {
            rc = g->failed(g->ctx, stopped, PXE_GUARD_CRASH, sig);
        } else {
            rc = PXE_EIO;               /* the child could not report */
        }
        if (rc != PXE_OK) {
            return rc;
        }
        from = stopped + 1;
    }
    return PXE_OK;
}

/* This process's CPU time, user and system. */
uint64_t
pxe_guard_cpu_us(void)
{
    struct rusage  ru;

    if (getrusage(RUSAGE_SELF, &ru) != 0) {
        return 0;
    }
    return (uint64_t) ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec
           + (uint64_t) ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
}

static size_t
next_item(const pxe_guard_t *g, size_t from)
{
    while (from < g->n && g->wanted != NULL && !g->wanted(g->ctx, from)) {
        from++;
    }
    return from;
}

/* CPU the next item may take: its own limit, or what the budget has
 * left at the rate a success is charged (so that no item overdraws it);
 * at least 1 us, as a zero timer is no timer. */
static uint64_t
allowed_us(const pxe_guard_t *g, uint64_t spent)
{
    uint64_t  allowed = g->limit_us, left, rate;

    if (g->budget_us != 0) {
        if (spent >= g->budget_us) {
            return 1;
        }
        left = g->budget_us - spent;
        rate = charge(g, 0, 1000) / 1000;
        if (rate > 1) {
            left /= rate;
        }
        if (left < allowed) {
            allowed = left;
        }
    }
    return allowed ? allowed : 1;
}

static uint64_t
charge(const pxe_guard_t *g, int result, uint64_t us)
{
    return g->charge != NULL ? g->charge(g->ctx, result, us) : us;
}

/*
 * One child, from item `from` on.  Reads its records until it exits or
 * dies; *stopped is the item it was on when it died, or g->n when it
 * finished.
 */
static int
child_round(pxe_guard_t *g, size_t from, size_t *stopped, int *status)
{
    guard_rec_t     rec;
    struct pollfd   pfd;
    size_t          have = 0, at = from;
    ssize_t         n;
    pid_t           pid;
    int             fds[2], rc = PXE_OK, r;

    if (pipe(fds) != 0) {
        return PXE_EIO;
    }
    (void) fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    (void) fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    (void) fflush(NULL);                /* nothing buffered twice */
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return PXE_EIO;
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(g, from, fds[1]);
    }
    close(fds[1]);

    pfd.fd = fds[0];
    pfd.events = POLLIN;
    for ( ;; ) {
        r = poll(&pfd, 1, GUARD_WALL_MS);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            (void) kill(pid, SIGKILL);
            break;
        }
        n = read(fds[0], (char *) &rec + have, sizeof(rec) - have);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;                      /* EOF: finished or died */
        }
        have += (size_t) n;
        if (have < sizeof(rec)) {
            continue;
        }
        have = 0;
        if (rec.index < at || rec.index >= g->n) {
            rc = PXE_EIO;
        } else {
            g->spent_us += charge(g, rec.result, rec.cpu_us);
            rc = g->done != NULL ? g->done(g->ctx, rec.index, rec.result)
                                 : PXE_OK;
            at = rec.index + 1;
        }
        if (rc != PXE_OK) {
            (void) kill(pid, SIGKILL);
            break;
        }
    }
    close(fds[0]);
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR) {
            return PXE_EIO;
        }
    }
    *stopped = next_item(g, at);
    if (rc == PXE_OK && *stopped < g->n && WIFEXITED(*status)
        && WEXITSTATUS(*status) != GUARD_EXIT_BUDGET)
    {
        rc = PXE_EIO;                   /* exited early without a word */
    }
    return rc;
}

/*
 * In the child: each item under a CPU timer (SIGPROF ends the process,
 * which the parent reads as "too slow"), each result reported, then
 * _exit, which skips the parent's atexit handlers and a sanitizer's
 * leak check.
 */
static void
child_main(const pxe_guard_t *g, size_t from, int fd)
{
    static const int    deflt[] = {
        SIGPROF, SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGPIPE
    };
    struct itimerval    it, off;
    guard_rec_t         rec;
    uint64_t            spent = g->spent_us, allowed, t0;
    size_t              i, done;
    ssize_t             n;

    for (i = 0; i < sizeof(deflt) / sizeof(deflt[0]); i++) {
        (void) signal(deflt[i], SIG_DFL);
    }
    memset(&off, 0, sizeof(off));
    memset(&rec, 0, sizeof(rec));
    for (i = next_item(g, from); i < g->n; i = next_item(g, i + 1)) {
        if (g->budget_us != 0 && spent >= g->budget_us) {
            _exit(GUARD_EXIT_BUDGET);
        }
        allowed = allowed_us(g, spent);
        memset(&it, 0, sizeof(it));
        it.it_value.tv_sec = (time_t) (allowed / 1000000);
        it.it_value.tv_usec = (suseconds_t) (allowed % 1000000);
        (void) setitimer(ITIMER_PROF, &it, NULL);
        t0 = pxe_guard_cpu_us();
        rec.result = g->run(g->ctx, i);
        rec.cpu_us = pxe_guard_cpu_us() - t0;
        (void) setitimer(ITIMER_PROF, &off, NULL);
        (void) fflush(NULL);
        rec.index = (uint32_t) i;
        spent += charge(g, rec.result, rec.cpu_us);
        for (done = 0; done < sizeof(rec); done += (size_t) n) {
            n = write(fd, (const char *) &rec + done, sizeof(rec) - done);
            if (n < 0 && errno == EINTR) {
                n = 0;
            } else if (n <= 0) {
                _exit(2);
            }
        }
    }
    _exit(0);
}
