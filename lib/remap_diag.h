/*
 * remap_diag.h: internal to libpxekit: the one way remap.c and
 * remap_lint.c add a diagnostic to a pxe_remap_t (bounded count; errors
 * counted even when no longer kept).
 */

#ifndef PXEKIT_REMAP_DIAG_H
#define PXEKIT_REMAP_DIAG_H

#include <stdarg.h>

#include "pxekit.h"

int pxe_remap_diagv(pxe_remap_t *rm, unsigned line,
    pxe_remap_severity_e sev, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 0)))
#endif
    ;

#endif
