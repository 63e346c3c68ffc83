/* status.c: one fixed sentence per status code. */

#include "pxekit.h"

static const char *const messages[PXE_STATUS_MAX] = {
    [PXE_OK] = "success",
    [PXE_ENOMEM] = "out of memory",
    [PXE_ETOOBIG] = "output exceeds its maximum size",
    [PXE_EINVAL] = "invalid argument",
    [PXE_EBUILDNAME] = "not a valid build name (YYYYMMDDThhmmssZ)",
    [PXE_EDOTDOT] = "path contains a \".\" or \"..\" segment",
    [PXE_EEMPTYSEG] = "path contains an empty segment",
    [PXE_ENUL] = "path or value contains a NUL byte",
    [PXE_ETOOLONG] = "path is too long",
    [PXE_ESYMLINK] = "path resolves outside the root",
    [PXE_ENOENT] = "no such build or file",
    [PXE_ENOTREG] = "not a regular file",
    [PXE_EIO] = "system call failed",
    [PXE_EUNSAFE] = "value is not safe in an iPXE script",
    [PXE_ETOOMANY] = "too many items",
    [PXE_ESYNTAX] = "syntax error",
    [PXE_ENOMATCH] = "no rule matched",
    [PXE_ELOOP] = "evaluation does not terminate",
};

const char *
pxe_strerror(int status)
{
    if (status < 0 || status >= PXE_STATUS_MAX || messages[status] == NULL) {
        return "unknown pxekit status";
    }
    return messages[status];
}
