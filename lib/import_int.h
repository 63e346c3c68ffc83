/*
 * import_int.h: what the importers (import_dhcpd.c, later dnsmasq) share
 * with import.c: the result being built, conditions (atoms), decision
 * lists and their algebra, and the Kea settings.  Not installed.
 */

#ifndef PXEKIT_IMPORT_INT_H
#define PXEKIT_IMPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "pxekit.h"

#define IM_CUBE_MAX      8      /* tests in one rule */
#define IM_ATOMS_MAX     65535

/* What a test on a client is; each maps onto one hook rule key. */
enum {
    IM_A_FALSE = 0,             /* never true */
    IM_A_UC_EXISTS,             /* option 77 present */
    IM_A_UC_EQ,                 /* option 77 is these bytes */
    IM_A_IPXE,                  /* option 175 present (an iPXE option) */
    IM_A_ARCH,                  /* option 93 is num */
    IM_A_VCI_PREFIX,            /* option 60 starts with these bytes */
    IM_A_VCI_EQ,                /* option 60 is these bytes */
    IM_A_MAC,                   /* chaddr is these 6 bytes */
    IM_A_SUBNET,                /* the selected subnet: 4 bytes + length */
    IM_A_UC_SUB,                /* option 77 contains these bytes */
    IM_A_VCI_SUB,               /* option 60 contains these bytes */
    IM_A_CLASS                  /* in the Kea client class named s (its
                                 * test written with --kea-config) */
};

/* What a client is given. */
enum {
    IM_V_FILENAME = 0,          /* BOOTP file */
    IM_V_BOOTFILE,              /* option 67: the client prefers it */
    IM_V_NEXT_SERVER,
    IM_V_SNAME,
    IM_V_COUNT
};

typedef struct im_entry_s {
    uint16_t     a[IM_CUBE_MAX];    /* atoms, ascending: all must hold */
    uint8_t      n;
    uint8_t      truth;             /* in a condition's list */
    const char  *v[IM_V_COUNT];     /* NULL: not set */
} im_entry_t;

/* Tried in order, first match wins; importers keep every list total
 * (its last entry has no atoms). */
typedef struct im_dl_s {
    im_entry_t  *e;
    size_t       n, cap;
} im_dl_t;

pxe_import_t *pxe_im_new(const char *file);
void *pxe_im_alloc(pxe_import_t *im, size_t size);
int pxe_im_atom(pxe_import_t *im, int kind, uint32_t num, const char *s,
    size_t len);
int pxe_im_note(pxe_import_t *im, const char *file, unsigned line,
    const char *msg);
int pxe_im_kea_note(pxe_import_t *im, const char *file, unsigned line,
    const char *msg);
/* Reported with the parameters only: --kea-config translates it. */
int pxe_im_params_note(pxe_import_t *im, const char *file, unsigned line,
    const char *msg);
const char *pxe_im_error(const pxe_import_t *im);
int pxe_im_default_ns(pxe_import_t *im, const char *ns);

void pxe_im_dl_init(im_dl_t *dl);
void pxe_im_dl_free(im_dl_t *dl);
void pxe_im_dl_move(im_dl_t *to, im_dl_t *from);
int pxe_im_dl_const(im_dl_t *dl, int truth);
int pxe_im_dl_atom(im_dl_t *dl, int atom);
void pxe_im_dl_not(im_dl_t *dl);
int pxe_im_dl_set(im_dl_t *dl, int which, const char *value);
/* a = a and/or b (truths). */
int pxe_im_dl_logic(pxe_import_t *im, im_dl_t *a, const im_dl_t *b,
    int is_and);
/* a = a then b: b's values override a's. */
int pxe_im_dl_seq(pxe_import_t *im, im_dl_t *a, const im_dl_t *b);
/* out = for each (c, truth) of cond: c and (truth ? then : other). */
int pxe_im_dl_branch(pxe_import_t *im, const im_dl_t *cond,
    const im_dl_t *then, const im_dl_t *other, im_dl_t *out);
int pxe_im_dl_equal(const im_dl_t *a, const im_dl_t *b);
/* Appends dl's entries to the rules, each with mac and sub (-1: none). */
int pxe_im_emit(pxe_import_t *im, const im_dl_t *dl, int mac, int sub);
int pxe_im_finish(pxe_import_t *im);

/* Kea settings: subnets (index returned), their pools, options, hosts. */
int pxe_im_kea_subnet(pxe_import_t *im, uint32_t net, uint32_t mask,
    const char *shared);
int pxe_im_kea_range(pxe_import_t *im, int subnet, uint32_t lo, uint32_t hi,
    const char *cls);
/* A Kea client class (test NULL: none); a name already defined is kept. */
int pxe_im_kea_class(pxe_import_t *im, const char *name, const char *test);
/* A test only Kea's own classification can make: an atom of kind
 * IM_A_CLASS for a class with this test, named name (or name-2, -3, ...
 * when name is taken by another test; the class of an identical test is
 * shared).  name and test are copied. */
int pxe_im_class_atom(pxe_import_t *im, const char *name, const char *test);
/* dnsmasq's dhcp-match=set:TAG,SPEC[,VALUE] (value NULL: none) as an
 * atom (import_dnsmasq_match.c); -1 with why set when it has none. */
int pxe_im_dm_match(pxe_import_t *im, const char *tag, const char *spec,
    const char *value, char *why, size_t whylen);
/* The name of a class atom's class. */
const char *pxe_im_atom_class(const pxe_import_t *im, int atom);
/* A list of truths as a Kea test (allocated in im); *test NULL when it
 * always holds; PXE_EINVAL when a test has no Kea expression. */
int pxe_im_kea_expr(pxe_import_t *im, const im_dl_t *dl, const char **test);
/* data: Kea's csv text ("10.0.0.1, 10.0.0.2"). */
int pxe_im_kea_option(pxe_import_t *im, int subnet, const char *name,
    const char *data);
int pxe_im_kea_lease_time(pxe_import_t *im, int subnet, int max, long v);
int pxe_im_kea_host(pxe_import_t *im, uint32_t net, uint32_t mask,
    const uint8_t mac[6], uint32_t ip, const char *name);
/* A reservation in whichever subnet holds ip (found when written). */
int pxe_im_kea_host_any(pxe_import_t *im, const uint8_t mac[6],
    uint32_t ip);

#endif /* PXEKIT_IMPORT_INT_H */
