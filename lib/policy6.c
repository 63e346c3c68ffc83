/*
 * policy6.c: what a DHCPv6 configuration of the rules may and may not
 * say.  DHCPv6 has no next-server, sname or BOOTP file field: the boot
 * file is option 59, a URL that names its server, and option 60 carries
 * the boot file's parameters.  policy.c asks here and reports, naming
 * the rule and the key, so one error format serves both families.
 */

#include <stdlib.h>
#include <string.h>

#include "pxekit_private.h"
#include "policy_int.h"


/* Keys that mean something only in DHCPv4: why, or NULL when allowed. */
const char *
pxe_policy6_refused(const pxe_value_t *v, int top)
{
    static const char *const  v4_only[] = {
        "next-server", "server-hostname", "option-67", "subnet",
        "option-175"
    };
    size_t                    i;

    for (i = 0; i < sizeof(v4_only) / sizeof(v4_only[0]); i++) {
        if (v->key.len == strlen(v4_only[i])
            && memcmp(v->key.data, v4_only[i], v->key.len) == 0)
        {
            if (i == 2 && !top) {
                return NULL;        /* not a rule key: "unknown" says so */
            }
            return i < 3 ? "has no meaning in DHCPv6 (the boot file is a "
                           "URL naming its server, option 59)"
                         : "is a DHCPv4 match key, not supported in DHCPv6";
        }
    }
    return NULL;
}

/* A v6 boot file names its scheme and server before any variable. */
int
pxe_policy6_url_ok(const char *s, size_t len)
{
    static const char *const  schemes[] = {
        "tftp://", "http://", "https://"
    };
    size_t                    i, j, n;

    for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        n = strlen(schemes[i]);
        if (len <= n) {
            continue;
        }
        for (j = 0; j < n; j++) {
            char  ch = s[j];

            if (ch >= 'A' && ch <= 'Z') {
                ch = (char) (ch - 'A' + 'a');
            }
            if (ch != schemes[i][j]) {
                break;
            }
        }
        /* The host comes next, literally: "${" there is no server. */
        if (j == n && s[n] != '$' && s[n] != '/') {
            return 1;
        }
    }
    return 0;
}

/*
 * `bootfile-param`: a string or a non-empty list of them, each 1 to 255
 * bytes, no NUL, encoded once here as option 60's payload (RFC 5970:
 * each a 16-bit length and the bytes).  Literal: no variables.
 */
int
pxe_policy6_load_param(struct pxe_rule_s *r, const pxe_value_t *v)
{
    const pxe_value_t  *items = v;
    size_t              n = 1, i, len = 0, pos = 0;

    if (v->type == PXE_VALUE_LIST) {
        items = v->items;
        n = v->nitems;
    } else if (v->type != PXE_VALUE_STRING) {
        return PXE_EINVAL;
    }
    if (n == 0 || n > PXE_USER_CLASS_MAX) {
        return PXE_EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (items[i].type != PXE_VALUE_STRING || items[i].string.len == 0
            || items[i].string.len > PXE_OPTION_MAX
            || memchr(items[i].string.data, '\0', items[i].string.len)
               != NULL)
        {
            return PXE_EINVAL;
        }
        len += 2 + items[i].string.len;
    }
    free(r->param);
    r->param = malloc(len);
    if (r->param == NULL) {
        return PXE_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        size_t  l = items[i].string.len;

        r->param[pos++] = (uint8_t) (l >> 8);
        r->param[pos++] = (uint8_t) (l & 0xff);
        memcpy(r->param + pos, items[i].string.data, l);
        pos += l;
    }
    r->param_len = len;
    return PXE_OK;
}
