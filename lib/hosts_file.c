/*
 * hosts_file.c: reading a pxekit_hosts file and using up its once=.
 *
 * Several nginx workers may serve the same host at the same moment (a
 * retrying ROM, two NICs of one box, a boot storm), and a once= must be
 * given exactly once.  Every reader takes an exclusive flock(2) on the
 * file; the one that uses once= writes what the file says afterwards to
 * a temporary file in the same directory and renames it over the
 * original while still holding the lock.  A reader that was waiting on
 * the old file then finds that the name points to another inode and
 * starts again, so it reads the new text.  Readers never see a torn
 * file: rename(2) replaces the name whole.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pxekit_private.h"

#define TAKE_TRIES  16      /* each retry means someone rewrote the file */

static int host_rewrite(const char *dir, const char *mac, mode_t mode,
    const char *text, size_t len, const pxe_host_t *h);
static int write_all(int fd, const char *p, size_t len);

static int
write_all(int fd, const char *p, size_t len)
{
    ssize_t  n;

    while (len > 0) {
        n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return PXE_EIO;
        }
        p += n;
        len -= (size_t) n;
    }
    return PXE_OK;
}

/* The caller holds the lock on dir/mac. */
static int
host_rewrite(const char *dir, const char *mac, mode_t mode, const char *text,
    size_t len, const pxe_host_t *h)
{
    pxe_buf_t  b;
    char       mem[PXE_HOST_FILE_MAX + 1];
    char       tmp[PATH_MAX], path[PATH_MAX];
    int        fd, rc, saved;

    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    rc = pxe_host_after_once(text, len, h, &b);
    if (rc != PXE_OK) {
        return rc;
    }
    /* a dot name is never a MAC: no other host's file can be hit */
    if ((size_t) snprintf(tmp, sizeof(tmp), "%s/.%s.pxekit-%ld", dir, mac,
                          (long) getpid()) >= sizeof(tmp)
        || (size_t) snprintf(path, sizeof(path), "%s/%s", dir, mac)
           >= sizeof(path))
    {
        return PXE_ETOOLONG;
    }
    (void) unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
              mode & 0666);
    if (fd < 0) {
        return PXE_EIO;
    }
    rc = write_all(fd, b.data, b.len);
    if (rc == PXE_OK && (fsync(fd) != 0 || fchmod(fd, mode & 0666) != 0)) {
        rc = PXE_EIO;
    }
    saved = errno;
    if (close(fd) != 0 && rc == PXE_OK) {
        rc = PXE_EIO;
        saved = errno;
    }
    if (rc == PXE_OK && rename(tmp, path) != 0) {
        rc = PXE_EIO;
        saved = errno;
    }
    if (rc != PXE_OK) {
        (void) unlink(tmp);
        errno = saved;
    }
    return rc;
}

int
pxe_host_take(const char *dir, const char *mac, const pxe_scan_t *scan,
    int consume, pxe_host_t *h, pxe_host_decision_t *d)
{
    struct stat  st, now;
    char         path[PATH_MAX], text[PXE_HOST_FILE_MAX + 1];
    ssize_t      n;
    size_t       len;
    int          fd, rc, tries, saved;

    memset(h, 0, sizeof(*h));
    memset(d, 0, sizeof(*d));
    if (strlen(mac) != PXE_MACFILE_LEN
        || pxe_path_check(mac, PXE_MACFILE_LEN) != PXE_OK)
    {
        return PXE_EINVAL;
    }
    if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, mac)
        >= sizeof(path))
    {
        return PXE_ETOOLONG;
    }

    for (tries = 0; tries < TAKE_TRIES; tries++) {
        /* a symlink would be replaced by the rewrite: refused */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0) {
            return errno == ENOENT ? PXE_ENOENT
                   : errno == ELOOP ? PXE_ENOTREG : PXE_EIO;
        }
        if (flock(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0) {
            goto io;
        }
        if (lstat(path, &now) != 0) {
            if (errno != ENOENT) {
                goto io;
            }
            (void) close(fd);
            return PXE_ENOENT;
        }
        if (now.st_ino != st.st_ino || now.st_dev != st.st_dev) {
            (void) close(fd);       /* replaced while we waited */
            continue;
        }
        if (!S_ISREG(st.st_mode)) {
            (void) close(fd);
            return PXE_ENOTREG;
        }
        if (st.st_size > PXE_HOST_FILE_MAX) {
            (void) close(fd);
            return PXE_ETOOBIG;
        }

        len = 0;
        for ( ;; ) {
            n = read(fd, text + len, sizeof(text) - len);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                goto io;
            }
            if (n == 0) {
                break;
            }
            len += (size_t) n;
            if (len > PXE_HOST_FILE_MAX) {
                (void) close(fd);
                return PXE_ETOOBIG;
            }
        }

        rc = pxe_host_parse(text, len, h);
        if (rc != PXE_OK) {
            (void) close(fd);
            return rc;
        }
        pxe_host_decide(h, scan, d);

        if (d->action == PXE_HOST_ONCE && consume) {
            rc = host_rewrite(dir, mac, st.st_mode, text, len, h);
            if (rc != PXE_OK) {
                /* not given, or it would be given on every boot */
                saved = errno;
                h->has_once = 0;
                pxe_host_decide(h, scan, d);
                (void) close(fd);
                errno = saved;
                return rc;
            }
        }
        (void) close(fd);           /* releases the lock */
        return PXE_OK;
    }
    return PXE_EIO;

io:
    saved = errno;
    (void) close(fd);
    errno = saved;
    return PXE_EIO;
}
