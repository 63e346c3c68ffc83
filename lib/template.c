/*
 * template.c: boot-file templates, "http://host/menu.ipxe?mac=${mac}".
 * Variables are checked when the configuration is loaded, so a typo is a
 * refused config, never a literal "${mca}" sent to a client.  A "$" not
 * followed by "{" is literal.
 */

#include <stdint.h>
#include <string.h>

#include "pxekit_private.h"

#define VAR(s)  { (s), sizeof(s) - 1 }

static const pxe_str_t var_names[PXE_VAR_COUNT] = {
    [PXE_VAR_MAC] = VAR("mac"),
    [PXE_VAR_IP] = VAR("ip"),
    [PXE_VAR_ARCH] = VAR("arch"),
    [PXE_VAR_HOSTNAME] = VAR("hostname"),
    [PXE_VAR_NEXT_SERVER] = VAR("next-server"),
};

static int var_lookup(const char *name, size_t len);

static int
var_lookup(const char *name, size_t len)
{
    int  i;

    for (i = 0; i < PXE_VAR_COUNT; i++) {
        if (var_names[i].len == len
            && memcmp(var_names[i].data, name, len) == 0)
        {
            return i;
        }
    }
    return -1;
}

/*
 * Walks the template; for each "${name}" returns its variable through
 * *var, the literal run before it through *lit_len.  One parser for check
 * and expand keeps them from disagreeing.
 */
static int
next_piece(const char *t, size_t len, size_t *pos, size_t *lit_len, int *var,
    size_t *where)
{
    size_t       p = *pos, start = *pos, end;
    const char  *dollar, *nul;

    *var = -1;
    /* memchr, not a loop per byte: this runs for every reply Kea sends. */
    for ( ;; ) {
        dollar = memchr(t + p, '$', len - p);
        p = dollar != NULL ? (size_t) (dollar - t) : len;
        if (p == len || (p + 1 < len && t[p + 1] == '{')) {
            break;
        }
        p++;
    }
    nul = memchr(t + start, '\0', p - start);
    if (nul != NULL) {
        if (where != NULL) {
            *where = (size_t) (nul - t);
        }
        return PXE_ENUL;
    }
    *lit_len = p - start;
    if (p == len) {
        *pos = p;
        return PXE_OK;
    }
    end = p + 2;
    while (end < len && t[end] != '}') {
        end++;
    }
    if (end == len) {
        if (where != NULL) {
            *where = p;
        }
        return PXE_ESYNTAX;
    }
    *var = var_lookup(t + p + 2, end - p - 2);
    if (*var < 0) {
        if (where != NULL) {
            *where = p;
        }
        return PXE_ESYNTAX;
    }
    *pos = end + 1;
    return PXE_OK;
}

int
pxe_template_check(const char *tmpl, size_t len, size_t *where)
{
    size_t  pos = 0, lit;
    int     var, rc;

    if (tmpl == NULL && len > 0) {
        return PXE_EINVAL;
    }
    while (pos < len) {
        rc = next_piece(tmpl, len, &pos, &lit, &var, where);
        if (rc != PXE_OK) {
            return rc;
        }
    }
    return PXE_OK;
}

int
pxe_template_vars(const char *tmpl, size_t len, unsigned *used)
{
    size_t  pos = 0, lit;
    int     var, rc;

    *used = 0;
    if (tmpl == NULL && len > 0) {
        return PXE_EINVAL;
    }
    while (pos < len) {
        rc = next_piece(tmpl, len, &pos, &lit, &var, NULL);
        if (rc != PXE_OK) {
            *used = 0;
            return rc;
        }
        if (var >= 0) {
            *used |= 1u << var;
        }
    }
    return PXE_OK;
}

int
pxe_template_expand(const char *tmpl, size_t len, const pxe_vars_t *vars,
    pxe_buf_t *out)
{
    size_t  pos = 0, start, lit;
    int     var, rc;

    while (pos < len) {
        start = pos;
        rc = next_piece(tmpl, len, &pos, &lit, &var, NULL);
        if (rc != PXE_OK) {
            pxe_buf_free(out);
            return rc;
        }
        if (lit > 0 && (rc = pxe_buf_add(out, tmpl + start, lit)) != PXE_OK) {
            return rc;
        }
        if (var >= 0 && vars->v[var].data != NULL && vars->v[var].len > 0) {
            rc = pxe_buf_add(out, vars->v[var].data, vars->v[var].len);
            if (rc != PXE_OK) {
                return rc;
            }
        }
    }
    return PXE_OK;
}

int
pxe_template_compile(const char *tmpl, size_t len, pxe_tpiece_t *pieces,
    size_t max, size_t *n)
{
    size_t  pos = 0, start, lit, count = 0;
    int     var, rc;

    *n = 0;
    if ((tmpl == NULL && len > 0) || len > UINT32_MAX) {
        return PXE_EINVAL;
    }
    while (pos < len) {
        start = pos;
        rc = next_piece(tmpl, len, &pos, &lit, &var, NULL);
        if (rc != PXE_OK) {
            return rc;
        }
        if (lit > 0) {
            if (count < max) {
                pieces[count].off = (uint32_t) start;
                pieces[count].len = (uint32_t) lit;
                pieces[count].var = -1;
            }
            count++;
        }
        if (var >= 0) {
            if (count < max) {
                pieces[count].off = 0;
                pieces[count].len = 0;
                pieces[count].var = var;
            }
            count++;
        }
    }
    *n = count;
    return count > max ? PXE_ETOOBIG : PXE_OK;
}

/* memcpy per piece: no parsing, no buffer growth checks per byte. */
int
pxe_template_run(const char *tmpl, const pxe_tpiece_t *pieces, size_t n,
    const pxe_vars_t *vars, char *out, size_t cap, size_t *out_len)
{
    size_t       i, used = 0, len;
    const char  *src;

    *out_len = 0;
    for (i = 0; i < n; i++) {
        if (pieces[i].var < 0) {
            src = tmpl + pieces[i].off;
            len = pieces[i].len;
        } else {
            src = vars->v[pieces[i].var].data;
            len = src != NULL ? vars->v[pieces[i].var].len : 0;
        }
        if (len > cap - used) {
            return PXE_ETOOBIG;
        }
        if (len > 0) {
            memcpy(out + used, src, len);
            used += len;
        }
    }
    *out_len = used;
    return PXE_OK;
}
