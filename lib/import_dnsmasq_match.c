/*
 * import_dnsmasq_match.c: dnsmasq's dhcp-match as a test on the client.
 *
 * dnsmasq (option.c and rfc2131.c, read for 2.90) sets a dhcp-match tag
 * when the option is in the query with at least one byte and, given a
 * value, the value matches in one of three ways, chosen by how the value
 * is written:
 *   - hex bytes ("00:07", "50:58:*": hex digits, at least one colon,
 *     "*" for any byte): the option starts with them (a left-anchored,
 *     masked compare);
 *   - a number ("7", "7s") or addresses: one element of the option, as
 *     if it were an array of values that long (offsets 0, L, 2L, ...);
 *   - anything else, text: found anywhere in the option.
 * The option's type in dnsmasq's table changes that reading: a name
 * option takes any value as text, an address option only addresses, a
 * time option a time.
 *
 * The hook's own keys cover 77 and 175 present, 60 present, client-arch
 * numbers, text in 60 and 77; a hex prefix (and presence of any other
 * option) becomes a Kea client class with a test that says exactly the
 * same (only the --kea-config output can define it).  Element and text
 * searches in other options have no Kea expression: reported.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"
#include "import_int.h"

#define DMM_HEX_MAX     255     /* an option's length */
#define DMM_MASK_BITS   32      /* dnsmasq's wildcard mask is an int */

enum { DMM_ANY = 0, DMM_ADDR, DMM_NAME, DMM_TIME };

/* What dnsmasq's option table says of the options a client sends
 * (names dhcp-match accepts as option:NAME) and of the codes whose type
 * changes how a value is read. */
static const struct {
    const char  *name;          /* NULL: only the type matters */
    unsigned     code;
    int          type;
} dmm_opts[] = {
    { "hostname", 12, DMM_NAME },
    { "vendor-encap", 43, DMM_ANY },
    { "requested-address", 50, DMM_ADDR },
    { "lease-time", 51, DMM_TIME },
    { "parameter-request", 55, DMM_ANY },
    { "max-message-size", 57, DMM_ANY },
    { "vendor-class", 60, DMM_ANY },
    { "client-id", 61, DMM_ANY },
    { "user-class", 77, DMM_ANY },
    { "FQDN", 81, DMM_ANY },
    { "agent-id", 82, DMM_ANY },
    { "client-arch", 93, DMM_ANY },
    { "client-interface-id", 94, DMM_ANY },
    { "client-machine-id", 97, DMM_ANY },
    { "subnet-select", 118, DMM_ANY },
    { NULL, 1, DMM_ADDR }, { NULL, 3, DMM_ADDR }, { NULL, 6, DMM_ADDR },
    { NULL, 7, DMM_ADDR }, { NULL, 9, DMM_ADDR }, { NULL, 15, DMM_NAME },
    { NULL, 16, DMM_ADDR }, { NULL, 17, DMM_NAME }, { NULL, 18, DMM_NAME },
    { NULL, 21, DMM_ADDR }, { NULL, 28, DMM_ADDR }, { NULL, 32, DMM_ADDR },
    { NULL, 33, DMM_ADDR }, { NULL, 40, DMM_NAME }, { NULL, 41, DMM_ADDR },
    { NULL, 42, DMM_ADDR }, { NULL, 44, DMM_ADDR }, { NULL, 45, DMM_ADDR },
    { NULL, 48, DMM_ADDR }, { NULL, 49, DMM_ADDR }, { NULL, 54, DMM_ADDR },
    { NULL, 58, DMM_TIME }, { NULL, 59, DMM_TIME }, { NULL, 64, DMM_NAME },
    { NULL, 65, DMM_ADDR }, { NULL, 66, DMM_NAME }, { NULL, 67, DMM_NAME },
    { NULL, 68, DMM_ADDR }, { NULL, 69, DMM_ADDR }, { NULL, 70, DMM_ADDR },
    { NULL, 71, DMM_ADDR }, { NULL, 74, DMM_ADDR }, { NULL, 91, DMM_TIME },
    { NULL, 92, DMM_ADDR }, { NULL, 100, DMM_NAME }, { NULL, 101, DMM_NAME },
    { NULL, 119, DMM_NAME }, { NULL, 150, DMM_ADDR }
};

static int
dmm_type(unsigned code)
{
    size_t  i;

    for (i = 0; i < sizeof(dmm_opts) / sizeof(dmm_opts[0]); i++) {
        if (dmm_opts[i].code == code) {
            return dmm_opts[i].type;
        }
    }
    return DMM_ANY;
}

/* "93", "option:client-arch", "option:93": the code, or -1. */
static int
dmm_code(const char *spec)
{
    const char  *p = spec;
    unsigned     v = 0;
    size_t       i;

    if (strncmp(p, "option:", 7) == 0) {
        p += 7;
        for (i = 0; i < sizeof(dmm_opts) / sizeof(dmm_opts[0]); i++) {
            if (dmm_opts[i].name != NULL && strcmp(dmm_opts[i].name, p) == 0) {
                return (int) dmm_opts[i].code;
            }
        }
    }
    if (*p == '\0' || strlen(p) > 3) {
        return -1;
    }
    for ( ; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return -1;
        }
        v = v * 10 + (unsigned) (*p - '0');
    }
    return v >= 1 && v <= 254 ? (int) v : -1;
}

enum { DMM_V_TEXT = 0, DMM_V_HEX, DMM_V_NUM, DMM_V_ADDR };

/* How dnsmasq reads a value (option.c's characterisation). */
static int
dmm_kind(const char *v)
{
    int          hex = 1, dec = 1, addr = 1, digit = 0, colons = 0;
    const char  *p;

    for (p = v; *p != '\0'; p++) {
        char  c = *p;

        if (c == ':') {
            colons++;
            dec = addr = 0;
        } else if (c == '/') {
            dec = hex = 0;
            if (p == v) {
                addr = 0;           /* a path */
            }
        } else if (c == '.' || c == ' ') {
            dec = hex = 0;
        } else if (c == '-') {
            hex = addr = 0;
        } else if (c >= '0' && c <= '9') {
            digit = 1;
        } else {
            addr = 0;
            if (!(p[1] == '\0' && dec && (c == 'b' || c == 's' || c == 'i'))) {
                dec = 0;            /* else a length suffix */
            }
            if (!((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                  || c == '*'))
            {
                hex = 0;
            }
        }
    }
    if (!digit) {
        dec = addr = 0;
    }
    return hex && colons > 0 ? DMM_V_HEX : dec ? DMM_V_NUM
           : addr ? DMM_V_ADDR : DMM_V_TEXT;
}

/* Hex bytes into val (care[i] 0: "*"); the count, or -1 where dnsmasq
 * would misread them (an empty or longer than one byte group, a group
 * mixing "*" and digits, a wildcard its mask cannot hold). */
static int
dmm_hex(const char *v, uint8_t *val, uint8_t *care)
{
    int          n = 0, wild = 0;
    const char  *p = v;

    for (;;) {
        const char  *e = strchr(p, ':');
        size_t       len = e ? (size_t) (e - p) : strlen(p);
        unsigned     b;

        if (n == DMM_HEX_MAX || len == 0 || len > 2) {
            return -1;
        }
        if (len == 1 && *p == '*') {
            val[n] = 0;
            care[n] = 0;
            wild = 1;
        } else if (memchr(p, '*', len) != NULL
                   || sscanf(p, "%2x", &b) != 1)
        {
            return -1;
        } else {
            val[n] = (uint8_t) b;
            care[n] = 1;
        }
        n++;
        if (e == NULL) {
            break;
        }
        p = e + 1;
    }
    /* dnsmasq keeps the wildcards of the last 32 bytes only */
    if (wild && n > DMM_MASK_BITS) {
        return -1;
    }
    return n;
}

/* The Kea test of "option code starts with val (care)". */
static int
dmm_hex_test(pxe_buf_t *t, unsigned code, const uint8_t *val,
    const uint8_t *care, int n)
{
    int  i = 0, rc = PXE_OK;

    while (rc == PXE_OK && i < n) {
        int  j = i;

        if (!care[i]) {
            i++;
            continue;
        }
        while (j < n && care[j]) {
            j++;
        }
        rc = pxe_buf_printf(t, "%ssubstring(option[%u].hex,%d,%d) == 0x",
                            t->len ? " and " : "", code, i, j - i);
        for ( ; rc == PXE_OK && i < j; i++) {
            rc = pxe_buf_printf(t, "%02x", val[i]);
        }
    }
    if (rc == PXE_OK && !care[n - 1]) {
        /* a wildcard last: the option must still be that long */
        rc = pxe_buf_printf(t, "%snot (substring(option[%u].hex,%d,1) == '')",
                            t->len ? " and " : "", code, n - 1);
    }
    return rc;
}

int
pxe_im_dm_match(pxe_import_t *im, const char *tag, const char *spec,
    const char *value, char *why, size_t whylen)
{
    uint8_t     val[DMM_HEX_MAX], care[DMM_HEX_MAX];
    char        name[96];
    pxe_buf_t   t;
    int         code = dmm_code(spec), kind, n, atom, rc;

    if (code < 0) {
        snprintf(why, whylen, "dhcp-match on '%s' (only an option number "
                 "or option:NAME of a client option)", spec);
        return -1;
    }
    if (value == NULL) {
        /* present (dnsmasq: with at least one byte) */
        if (code == 77) {
            return pxe_im_atom(im, IM_A_UC_EXISTS, 0, NULL, 0);
        }
        if (code == 175) {
            return pxe_im_atom(im, IM_A_IPXE, 0, NULL, 0);
        }
        if (code == 60) {
            return pxe_im_atom(im, IM_A_VCI_PREFIX, 0, NULL, 0);
        }
    }
    kind = value == NULL ? DMM_V_HEX : dmm_kind(value);
    if (value != NULL && dmm_type((unsigned) code) == DMM_NAME) {
        kind = DMM_V_TEXT;
    } else if (value != NULL && dmm_type((unsigned) code) != DMM_ANY) {
        snprintf(why, whylen, "dhcp-match on %d with a value (dnsmasq "
                 "reads it as %s)", code,
                 dmm_type((unsigned) code) == DMM_ADDR ? "addresses"
                 : "a time");
        return -1;
    }
    if (kind == DMM_V_TEXT && (code == 60 || code == 77)) {
        /* found anywhere in the option: the hook's patterns search */
        return pxe_im_atom(im, code == 60 ? IM_A_VCI_SUB : IM_A_UC_SUB, 0,
                           value, strlen(value));
    }
    if (kind == DMM_V_NUM && code == 93) {
        char           *end;
        unsigned long   v = strtoul(value, &end, 10);

        /* two bytes each (the table's size): any of the client's
         * architectures, as the hook's arch key */
        if (*end == '\0' && v <= 65535) {
            return pxe_im_atom(im, IM_A_ARCH, (uint32_t) v, NULL, 0);
        }
    }
    if (kind != DMM_V_HEX) {
        snprintf(why, whylen, "dhcp-match on %d with %s (dnsmasq looks "
                 "for it %s; Kea's expressions cannot search)", code,
                 kind == DMM_V_TEXT ? "a text" : kind == DMM_V_NUM
                 ? "a number" : "an address",
                 kind == DMM_V_TEXT ? "anywhere in the option"
                 : "in every element of the option");
        return -1;
    }
    n = 0;
    if (value != NULL && (n = dmm_hex(value, val, care)) < 0) {
        snprintf(why, whylen, "dhcp-match on %d with '%s' (hex dnsmasq "
                 "would misread)", code, value);
        return -1;
    }
    pxe_buf_init(&t, 4096, NULL);
    rc = n == 0 ? pxe_buf_printf(&t, "not (option[%d].hex == '')", code)
         : dmm_hex_test(&t, (unsigned) code, val, care, n);
    snprintf(name, sizeof(name), "dnsmasq-match-%s", tag);
    atom = -1;
    if (rc == PXE_OK) {
        atom = pxe_im_class_atom(im, name, t.data);
        if (atom < 0) {
            atom = pxe_im_class_atom(im, "dnsmasq-match", t.data);
        }
    }
    pxe_buf_free(&t);
    if (atom < 0) {
        snprintf(why, whylen, "dhcp-match on %d: too many Kea classes",
                 code);
    }
    return atom;
}
