/*
 * stamp.c: naming the unversioned platform/ tree of an unpacked SmartOS
 * ISO or USB image.  Such a tree carries no build name in its path; since
 * 2019 smartos-live's tools/build_live writes the build stamp, one line,
 * into platform/etc/version/platform (piadm(8) reads the same file), and
 * tools/build_boot_image copies that platform directory to the image's
 * root as platform/.  Older images have no such file: their tree is
 * reported, never named from a guess (a file date, the boot stamp in
 * etc/version/boot, or the joyent_<stamp> version string in unix).
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pxekit_private.h"

static int stamp_space(int c);

static int
stamp_space(int c)
{
    return c == '\n' || c == '\r' || c == ' ' || c == '\t';
}

int
pxe_stamp_parse(const char *s, size_t len, char name[PXE_BUILDNAME_LEN + 1])
{
    size_t  i;

    name[0] = '\0';
    if (s == NULL || len < PXE_BUILDNAME_LEN || len > PXE_STAMP_MAX
        || !pxe_buildname_valid(s, PXE_BUILDNAME_LEN))
    {
        return PXE_EBUILDNAME;
    }
    /* build_live writes "<stamp>\n"; an editor may add "\r" or blanks. */
    for (i = PXE_BUILDNAME_LEN; i < len; i++) {
        if (!stamp_space((unsigned char) s[i])) {
            return PXE_EBUILDNAME;
        }
    }
    memcpy(name, s, PXE_BUILDNAME_LEN);
    name[PXE_BUILDNAME_LEN] = '\0';
    return PXE_OK;
}

pxe_stamp_e
pxe_stamp_read(int rootfd, const char *rroot,
    char name[PXE_BUILDNAME_LEN + 1])
{
    struct stat  st;
    char         data[PXE_STAMP_MAX + 1];
    ssize_t      n;
    size_t       len = 0;
    int          fd;

    name[0] = '\0';
    if (fstatat(rootfd, PXE_STAMP_PATH, &st, 0) != 0) {
        return errno == ENOENT || errno == ENOTDIR ? PXE_STAMP_MISSING
               : PXE_STAMP_INVALID;
    }
    /* The same containment as every served file: a link may not leave. */
    if (!S_ISREG(st.st_mode) || st.st_size > PXE_STAMP_MAX
        || rroot == NULL || !pxe_inside_real_root(rroot, PXE_STAMP_PATH))
    {
        return PXE_STAMP_INVALID;
    }
    fd = openat(rootfd, PXE_STAMP_PATH, O_RDONLY | O_CLOEXEC | O_NOCTTY
                | O_NONBLOCK);
    if (fd < 0) {
        return PXE_STAMP_INVALID;
    }
    /* Re-checked on the open file: it may have changed since the stat. */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return PXE_STAMP_INVALID;
    }
    while (len < sizeof(data)
           && (n = read(fd, data + len, sizeof(data) - len)) > 0)
    {
        len += (size_t) n;
    }
    close(fd);
    return pxe_stamp_parse(data, len, name) == PXE_OK ? PXE_STAMP_OK
           : PXE_STAMP_INVALID;
}

const char *
pxe_stamp_describe(pxe_stamp_e st)
{
    switch (st) {
    case PXE_STAMP_NONE:
        return "no unversioned platform/ tree";
    case PXE_STAMP_OK:
        return "unversioned platform/ named by " PXE_STAMP_PATH;
    case PXE_STAMP_MISSING:
        return "unversioned platform/ has no " PXE_STAMP_PATH
               " (images before 2019): not served; move it to "
               "<build>/platform/";
    default:
        return "unversioned platform/: " PXE_STAMP_PATH " is not one build "
               "name, not a regular file or leaves the root: not served";
    }
}
