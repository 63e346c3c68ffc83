/*
 * modules.c: pxekit_module, the extra files a SmartOS entry loads after
 * its boot archive (metadata, per-node networking config).
 *
 * A module's PATH comes from the operator, but ${mac} in it comes from a
 * request: it is put in only as the "aa-bb-cc-dd-ee-ff" text of a
 * validated MAC, and the result is checked as a path again, so no client
 * value can name another file.  The URL of a per-node file carries the
 * MAC in its path, never in a query, so that caches keep nodes apart;
 * it uses '-' because iPXE reads a relative URL holding ':' as having a
 * scheme.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pxekit_private.h"

#define MAC_SAMPLE  "00-00-00-00-00-00"

static int word_is(const pxe_str_t *w, const char *key, const char **val,
    size_t *vlen);
static int name_check(const char *s, size_t len);

/* 1 if w is "key" (val NULL) or "key=..." (value returned). */
static int
word_is(const pxe_str_t *w, const char *key, const char **val, size_t *vlen)
{
    size_t  n = strlen(key);

    if (w->len < n || memcmp(w->data, key, n) != 0) {
        return 0;
    }
    if (val == NULL) {
        return w->len == n;
    }
    if (w->len == n || w->data[n] != '=') {
        return 0;
    }
    *val = w->data + n + 1;
    *vlen = w->len - n - 1;
    return 1;
}

/*
 * A module name reaches the kernel's command line and the URL: a path
 * of [A-Za-z0-9._-] segments (one leading "/" allowed, as SmartOS names
 * files under /system/boot), none "." or "..".
 */
static int
name_check(const char *s, size_t len)
{
    size_t  i;

    if (len == 0 || len > PXE_MODULE_NAME_MAX) {
        return len == 0 ? PXE_ESYNTAX : PXE_ETOOLONG;
    }
    for (i = 0; i < len; i++) {
        unsigned char  c = (unsigned char) s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '_'
              || c == '-' || c == '/'))
        {
            return PXE_EUNSAFE;
        }
    }
    if (s[0] == '/') {
        s++;
        len--;
    }
    return pxe_path_check(s, len) == PXE_OK ? PXE_OK : PXE_EUNSAFE;
}

int
pxe_module_parse(const char *path, size_t path_len,
    const struct pxe_str_s *words, size_t nwords, pxe_module_t *m)
{
    const char  *v;
    size_t       i, vlen;
    unsigned     used;
    int          rc, have_type = 0;
    pxe_buf_t    b;
    char         mem[PXE_PATH_MAX + 1];

    memset(m, 0, sizeof(*m));
    if (path_len > PXE_PATH_MAX) {
        return PXE_ETOOLONG;
    }
    rc = pxe_template_vars(path, path_len, &used);
    if (rc != PXE_OK) {
        return rc;
    }
    if (used & ~(1u << PXE_VAR_MAC)) {
        return PXE_ESYNTAX;
    }
    memcpy(m->path, path, path_len);
    m->path_len = path_len;
    m->per_node = used != 0;
    /* the path as it will be opened, with a MAC of the right length */
    pxe_buf_init_fixed(&b, mem, sizeof(mem));
    rc = pxe_module_path(m, m->per_node ? MAC_SAMPLE : NULL, &b);
    if (rc != PXE_OK) {
        memset(m, 0, sizeof(*m));
        return rc;
    }

    rc = PXE_OK;
    for (i = 0; rc == PXE_OK && i < nwords; i++) {
        if (word_is(&words[i], "name", &v, &vlen)) {
            if (m->name[0] != '\0') {
                rc = PXE_ESYNTAX;
            } else if ((rc = name_check(v, vlen)) == PXE_OK) {
                memcpy(m->name, v, vlen);
                m->name[vlen] = '\0';
            }
        } else if (word_is(&words[i], "type", &v, &vlen)) {
            if (have_type) {
                rc = PXE_ESYNTAX;
            } else if (vlen == 0 || vlen > PXE_MODULE_TYPE_MAX) {
                rc = vlen == 0 ? PXE_ESYNTAX : PXE_ETOOLONG;
            } else {
                size_t  k;

                for (k = 0; k < vlen; k++) {
                    if (!((v[k] >= 'a' && v[k] <= 'z')
                          || (v[k] >= '0' && v[k] <= '9') || v[k] == '_'))
                    {
                        rc = PXE_EUNSAFE;
                    }
                }
                if (rc == PXE_OK) {
                    memcpy(m->type, v, vlen);
                    m->type[vlen] = '\0';
                    have_type = 1;
                }
            }
        } else if (word_is(&words[i], "optional", NULL, NULL)) {
            if (m->optional) {
                rc = PXE_ESYNTAX;
            }
            m->optional = 1;
        } else {
            rc = PXE_ESYNTAX;
        }
    }
    if (rc == PXE_OK && m->name[0] == '\0') {
        rc = PXE_ESYNTAX;
    }
    if (rc != PXE_OK) {
        memset(m, 0, sizeof(*m));
        return rc;
    }
    if (!have_type) {
        strcpy(m->type, PXE_MODULE_TYPE_DEFAULT);
    }
    return PXE_OK;
}

int
pxe_macfile(const char *s, size_t len, char out[PXE_MACFILE_LEN + 1])
{
    static const char  hex[] = "0123456789abcdef";
    pxe_client_t       c;
    size_t             i;

    pxe_client_init(&c);
    if (pxe_client_parse_mac(&c, s, len) != PXE_OK || c.mac_len != 6) {
        out[0] = '\0';
        return PXE_EINVAL;
    }
    for (i = 0; i < 6; i++) {
        out[i * 3] = hex[c.mac[i] >> 4];
        out[i * 3 + 1] = hex[c.mac[i] & 0xf];
        out[i * 3 + 2] = i < 5 ? '-' : '\0';
    }
    return PXE_OK;
}

int
pxe_module_path(const pxe_module_t *m, const char *mac, pxe_buf_t *out)
{
    pxe_vars_t  vars;
    int         rc;

    if (m->per_node
        && (mac == NULL || strlen(mac) != PXE_MACFILE_LEN))
    {
        return PXE_EINVAL;
    }
    memset(&vars, 0, sizeof(vars));
    if (mac != NULL) {
        vars.v[PXE_VAR_MAC].data = mac;
        vars.v[PXE_VAR_MAC].len = PXE_MACFILE_LEN;
    }
    rc = pxe_template_expand(m->path, m->path_len, &vars, out);
    if (rc != PXE_OK) {
        return rc;
    }
    return pxe_path_check(out->data, out->len);
}

int
pxe_module_url(const pxe_module_t *m, const char *mac, pxe_buf_t *out)
{
    const char  *name = m->name[0] == '/' ? m->name + 1 : m->name;

    if (m->per_node) {
        if (mac == NULL || strlen(mac) != PXE_MACFILE_LEN) {
            return PXE_EINVAL;
        }
        return pxe_buf_printf(out, PXE_NODE_URL "%s/%s", mac, name);
    }
    return pxe_buf_printf(out, PXE_MODULE_URL "%s", name);
}

int
pxe_module_check_file(const char *dir, const char *rel)
{
    char         *rdir, *joined;
    struct stat   st;
    size_t        n;
    int           rc;

    if (pxe_path_check(rel, strlen(rel)) != PXE_OK) {
        return PXE_EINVAL;
    }
    rdir = realpath(dir, NULL);
    if (rdir == NULL) {
        return PXE_ENOENT;
    }
    n = strlen(rdir) + 1 + strlen(rel) + 1;
    joined = malloc(n);
    if (joined == NULL) {
        free(rdir);
        return PXE_ENOMEM;
    }
    (void) snprintf(joined, n, "%s/%s", rdir, rel);
    if (stat(joined, &st) != 0) {
        rc = PXE_ENOENT;
    } else if (!S_ISREG(st.st_mode)) {
        rc = PXE_ENOTREG;
    } else if (!pxe_inside_real_root(rdir, rel)) {
        rc = PXE_ESYMLINK;
    } else {
        rc = PXE_OK;
    }
    free(joined);
    free(rdir);
    return rc;
}
