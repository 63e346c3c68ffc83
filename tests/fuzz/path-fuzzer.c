/*
 * path-fuzzer.c: request paths and build names as they arrive from the
 * network (lib/layout.c pxe_path_check, pxe_request_file,
 * pxe_build_ref_parse, pxe_build_dirname; lib/buildname.c), and the
 * contents of an unversioned tree's stamp file (lib/stamp.c
 * pxe_stamp_parse), which comes from an unpacked image.
 * Invariants checked: a path the checker accepts has no NUL, no "." or
 * ".." segment and no empty segment; a parsed request, build reference,
 * build directory or stamp names a valid build (or, for a reference,
 * none); a stamp is its first 16 bytes followed by white space only.
 */

#include <stdlib.h>
#include <string.h>

#include "pxekit_private.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char  *p = (const char *) data;
    char         name[PXE_BUILDNAME_LEN + 1];
    pxe_file_e   file;
    pxe_layout_e layout;
    size_t       i, seg = 0;

    if (size > PXE_PATH_MAX + 16) {
        return 0;
    }

    (void) pxe_buildname_valid(p, size);

    if (pxe_path_check(p, size) == PXE_OK) {
        if (memchr(p, '\0', size) != NULL) {
            abort();
        }
        for (i = 0; i <= size; i++) {
            if (i == size || p[i] == '/') {
                if (i == seg
                    || (i - seg == 1 && p[seg] == '.')
                    || (i - seg == 2 && p[seg] == '.' && p[seg + 1] == '.'))
                {
                    abort();
                }
                seg = i + 1;
            }
        }
    }

    if (pxe_build_ref_parse(p, size, name) == PXE_OK) {
        if (name[0] != '\0' ? !pxe_buildname_valid(name, strlen(name))
                             : size != 0 && size != PXE_BUILD_LATEST_LEN)
        {
            abort();
        }
    }

    if (pxe_build_dirname(p, size, name, &layout) == PXE_OK) {
        if (!pxe_buildname_valid(name, strlen(name))
            || (layout != PXE_LAYOUT_CANONICAL
                && layout != PXE_LAYOUT_LEGACY
                && layout != PXE_LAYOUT_UNDERSCORE))
        {
            abort();
        }
    }

    if (pxe_stamp_parse(p, size, name) == PXE_OK) {
        if (!pxe_buildname_valid(name, strlen(name))
            || memcmp(name, p, PXE_BUILDNAME_LEN) != 0
            || size > PXE_STAMP_MAX)
        {
            abort();
        }
        for (i = PXE_BUILDNAME_LEN; i < size; i++) {
            if (p[i] != '\n' && p[i] != '\r' && p[i] != ' ' && p[i] != '\t') {
                abort();
            }
        }
    } else if (name[0] != '\0') {
        abort();
    }

    if (pxe_request_file(p, size, name, &file) == PXE_OK) {
        if (!pxe_buildname_valid(name, strlen(name))
            || (unsigned) file >= PXE_FILE_COUNT)
        {
            abort();
        }
    }
    return 0;
}
