/*
 * import.c: what every importer shares: the result (rules, notes, Kea
 * settings), decision lists and their algebra, and the JSON writers.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pxekit.h"
#include "import_int.h"

#define IM_CHUNK         (64 * 1024)
#define IM_PRODUCT_MAX   (PXE_IMPORT_ENTRIES_MAX * 4)
#define IM_RULES_CAP     (4 * (PXE_RULES_MAX + PXE_MAC_RULES_MAX))
#define IM_NOTES_MAX     10000
#define IM_SUBNETS_MAX   256
#define IM_OPTS_MAX      16
#define IM_RANGES_MAX    64
#define IM_KCLASSES_MAX  256
#define IM_CLASS_NAME_MAX 200  /* a class name the importer makes */
#define IM_EXPR_MAX      4096   /* one Kea class test */

typedef struct im_chunk_s im_chunk_t;
struct im_chunk_s {
    im_chunk_t  *next;
    size_t       used, cap;
    char         mem[];
};

typedef struct im_atom_s {
    int          kind;
    uint32_t     num;
    const char  *s;
    size_t       len;
} im_atom_t;

typedef struct im_note_s {
    char        *text;
    unsigned     line;
    int          kea;
} im_note_t;

typedef struct im_kopt_s {
    const char  *name;
    const char  *data;
} im_kopt_t;

typedef struct im_khost_s {
    uint8_t      mac[6];
    uint32_t     ip;
} im_khost_t;

typedef struct im_kclass_s {
    const char  *name;
    const char  *test;
    int          atom;          /* made by pxe_im_class_atom: rules name it */
} im_kclass_t;

typedef struct im_ksubnet_s {
    uint32_t     net, mask;
    const char  *shared;
    uint32_t     lo[IM_RANGES_MAX], hi[IM_RANGES_MAX];
    const char  *cls[IM_RANGES_MAX];    /* the pool's client-class, or NULL */
    size_t       nranges;
    im_kopt_t    opt[IM_OPTS_MAX];
    size_t       nopt;
    long         lease[2];          /* default, max; 0: unset */
    im_khost_t  *hosts;
    size_t       nhosts, caphosts;
} im_ksubnet_t;

struct pxe_import_s {
    im_chunk_t      *chunks;
    const char      *file;
    im_atom_t       *atoms;
    size_t           natoms, capatoms;
    uint32_t        *aslot;         /* atom index + 1 by hash; 0: free */
    size_t           naslots;       /* a power of two, > 2 * natoms */
    im_dl_t          rules;
    im_note_t       *notes;
    size_t           nnotes, capnotes;
    const char      *default_ns;
    char             error[128];
    im_ksubnet_t     sub[IM_SUBNETS_MAX];
    size_t           nsub;
    im_kopt_t        opt[IM_OPTS_MAX];
    size_t           nopt;
    long             lease[2];
    im_khost_t      *any;           /* reservations placed when written */
    size_t           nany, capany;
    im_kclass_t      kclass[IM_KCLASSES_MAX];     /* Kea client-classes */
    size_t           nkclass;
};

pxe_import_t *
pxe_im_new(const char *file)
{
    pxe_import_t  *im = calloc(1, sizeof(*im));

    if (im != NULL) {
        im->file = file;
        pxe_im_dl_init(&im->rules);
    }
    return im;
}

void
pxe_import_free(pxe_import_t *im)
{
    im_chunk_t  *c, *next;
    size_t       i;

    if (im == NULL) {
        return;
    }
    for (c = im->chunks; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    for (i = 0; i < im->nnotes; i++) {
        free(im->notes[i].text);
    }
    for (i = 0; i < im->nsub; i++) {
        free(im->sub[i].hosts);
    }
    free(im->notes);
    free(im->any);
    free(im->atoms);
    free(im->aslot);
    pxe_im_dl_free(&im->rules);
    free(im);
}

void *
pxe_im_alloc(pxe_import_t *im, size_t size)
{
    im_chunk_t  *c = im->chunks;
    void        *p;

    size = (size + 15) & ~(size_t) 15;
    if (c == NULL || c->cap - c->used < size) {
        size_t  cap = size > IM_CHUNK ? size : IM_CHUNK;

        c = malloc(sizeof(*c) + cap);
        if (c == NULL) {
            return NULL;
        }
        c->used = 0;
        c->cap = cap;
        c->next = im->chunks;
        im->chunks = c;
    }
    p = c->mem + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

static uint32_t
atom_hash(int kind, uint32_t num, const char *s, size_t len)
{
    uint32_t  h = 2166136261u ^ (uint32_t) kind;
    size_t    i;

    h = (h ^ num) * 16777619u;
    for (i = 0; i < len; i++) {
        h = (h ^ (uint8_t) s[i]) * 16777619u;
    }
    return h;
}

/* The slot of an equal atom, or the free slot where it would go. */
static size_t
atom_slot(const pxe_import_t *im, int kind, uint32_t num, const char *s,
    size_t len)
{
    size_t  mask = im->naslots - 1;
    size_t  at = atom_hash(kind, num, s, len) & mask;

    for ( ;; at = (at + 1) & mask) {
        const im_atom_t  *a;

        if (im->aslot[at] == 0) {
            return at;
        }
        a = &im->atoms[im->aslot[at] - 1];
        if (a->kind == kind && a->num == num && a->len == len
            && (len == 0 || memcmp(a->s, s, len) == 0))
        {
            return at;
        }
    }
}

/* Interned: one index per distinct test, found by hash (a file's hosts
 * are thousands of MAC atoms; a linear search was quadratic). */
int
pxe_im_atom(pxe_import_t *im, int kind, uint32_t num, const char *s,
    size_t len)
{
    size_t      i, at;
    im_atom_t  *a;
    char       *copy = NULL;

    if (im->naslots > 0) {
        at = atom_slot(im, kind, num, s, len);
        if (im->aslot[at] != 0) {
            return (int) im->aslot[at] - 1;
        }
    }
    if (im->natoms == IM_ATOMS_MAX) {
        return -1;
    }
    if (2 * (im->natoms + 1) >= im->naslots) {
        size_t     n = im->naslots ? im->naslots * 2 : 64;
        uint32_t  *slot = calloc(n, sizeof(*slot)), *old = im->aslot;

        if (slot == NULL) {
            return -1;
        }
        im->aslot = slot;
        im->naslots = n;
        for (i = 0; i < im->natoms; i++) {
            a = &im->atoms[i];
            im->aslot[atom_slot(im, a->kind, a->num, a->s, a->len)] =
                (uint32_t) i + 1;
        }
        free(old);
    }
    if (im->natoms == im->capatoms) {
        size_t  cap = im->capatoms ? im->capatoms * 2 : 32;

        a = realloc(im->atoms, cap * sizeof(*a));
        if (a == NULL) {
            return -1;
        }
        im->atoms = a;
        im->capatoms = cap;
    }
    if (len > 0) {
        copy = pxe_im_alloc(im, len);
        if (copy == NULL) {
            return -1;
        }
        memcpy(copy, s, len);
    }
    a = &im->atoms[im->natoms];
    a->kind = kind;
    a->num = num;
    a->s = copy;
    a->len = len;
    im->aslot[atom_slot(im, kind, num, s, len)] = (uint32_t) im->natoms + 1;
    return (int) im->natoms++;
}

static int
add_note(pxe_import_t *im, const char *file, unsigned line, const char *msg,
    int kea)
{
    im_note_t  *n;
    size_t      len;

    size_t      i;

    if (im->nnotes == IM_NOTES_MAX) {
        return PXE_OK;
    }
    /* One statement runs in many contexts: say it once. */
    for (i = im->nnotes; i > 0; i--) {
        if (im->notes[i - 1].line == line && im->notes[i - 1].kea == kea
            && strstr(im->notes[i - 1].text, msg) != NULL)
        {
            return PXE_OK;
        }
    }
    if (im->nnotes == im->capnotes) {
        size_t  cap = im->capnotes ? im->capnotes * 2 : 16;

        n = realloc(im->notes, cap * sizeof(*n));
        if (n == NULL) {
            return PXE_ENOMEM;
        }
        im->notes = n;
        im->capnotes = cap;
    }
    len = strlen(file) + strlen(msg) + 16;
    n = &im->notes[im->nnotes];
    n->text = malloc(len);
    if (n->text == NULL) {
        return PXE_ENOMEM;
    }
    snprintf(n->text, len, "%s:%u: %s", file, line, msg);
    n->line = line;
    n->kea = kea;
    im->nnotes++;
    return PXE_OK;
}

int
pxe_im_note(pxe_import_t *im, const char *file, unsigned line,
    const char *msg)
{
    return add_note(im, file, line, msg, 0);
}

int
pxe_im_kea_note(pxe_import_t *im, const char *file, unsigned line,
    const char *msg)
{
    return add_note(im, file, line, msg, 1);
}

int
pxe_im_params_note(pxe_import_t *im, const char *file, unsigned line,
    const char *msg)
{
    return add_note(im, file, line, msg, 2);
}

const char *
pxe_im_error(const pxe_import_t *im)
{
    return im->error[0] ? im->error : NULL;
}

int
pxe_im_default_ns(pxe_import_t *im, const char *ns)
{
    im->default_ns = ns;
    return PXE_OK;
}

size_t
pxe_import_nnotes(const pxe_import_t *im)
{
    return im->nnotes;
}

const char *
pxe_import_note(const pxe_import_t *im, size_t i)
{
    return i < im->nnotes ? im->notes[i].text : NULL;
}

int
pxe_import_note_kea(const pxe_import_t *im, size_t i)
{
    return i < im->nnotes ? im->notes[i].kea : 0;
}

/* ---- decision lists ----------------------------------------------------- */

void
pxe_im_dl_init(im_dl_t *dl)
{
    dl->e = NULL;
    dl->n = 0;
    dl->cap = 0;
}

void
pxe_im_dl_free(im_dl_t *dl)
{
    free(dl->e);
    pxe_im_dl_init(dl);
}

void
pxe_im_dl_move(im_dl_t *to, im_dl_t *from)
{
    pxe_im_dl_free(to);
    *to = *from;
    pxe_im_dl_init(from);
}

static int
dl_push_max(im_dl_t *dl, const im_entry_t *e, size_t max)
{
    im_entry_t  *tmp;

    if (dl->n == max) {
        return PXE_ETOOMANY;
    }
    if (dl->n == dl->cap) {
        size_t  cap = dl->cap ? dl->cap * 2 : 4;

        tmp = realloc(dl->e, cap * sizeof(*tmp));
        if (tmp == NULL) {
            return PXE_ENOMEM;
        }
        dl->e = tmp;
        dl->cap = cap;
    }
    dl->e[dl->n++] = *e;
    return PXE_OK;
}

/* A product of conditions: bounded by what one scope's logic may make. */
static int
dl_push(im_dl_t *dl, const im_entry_t *e)
{
    return dl_push_max(dl, e, IM_PRODUCT_MAX);
}

int
pxe_im_dl_const(im_dl_t *dl, int truth)
{
    im_entry_t  e;

    pxe_im_dl_free(dl);
    memset(&e, 0, sizeof(e));
    e.truth = (uint8_t) (truth != 0);
    return dl_push(dl, &e);
}

int
pxe_im_dl_atom(im_dl_t *dl, int atom)
{
    im_entry_t  e;
    int         rc;

    if (atom < 0) {
        return PXE_ENOMEM;
    }
    pxe_im_dl_free(dl);
    memset(&e, 0, sizeof(e));
    e.a[0] = (uint16_t) atom;
    e.n = 1;
    e.truth = 1;
    if ((rc = dl_push(dl, &e)) != PXE_OK) {
        return rc;
    }
    memset(&e, 0, sizeof(e));
    return dl_push(dl, &e);
}

void
pxe_im_dl_not(im_dl_t *dl)
{
    size_t  i;

    for (i = 0; i < dl->n; i++) {
        dl->e[i].truth = (uint8_t) !dl->e[i].truth;
    }
}

int
pxe_im_dl_set(im_dl_t *dl, int which, const char *value)
{
    size_t  i;

    for (i = 0; i < dl->n; i++) {
        dl->e[i].v[which] = value;
    }
    return PXE_OK;
}

static int
bytes_prefix(const im_atom_t *p, const im_atom_t *s)
{
    return p->len <= s->len && memcmp(p->s, s->s, p->len) == 0;
}

/* Can every test of the cube hold at once? */
static int
cube_possible(const pxe_import_t *im, const im_entry_t *e)
{
    size_t  i, j;

    for (i = 0; i < e->n; i++) {
        const im_atom_t  *a = &im->atoms[e->a[i]];

        if (a->kind == IM_A_FALSE) {
            return 0;
        }
        for (j = i + 1; j < e->n; j++) {
            const im_atom_t  *b = &im->atoms[e->a[j]];

            if (a->kind == b->kind
                && (a->kind == IM_A_ARCH || a->kind == IM_A_UC_EQ
                    || a->kind == IM_A_VCI_EQ || a->kind == IM_A_MAC
                    || a->kind == IM_A_SUBNET))
            {
                return 0;       /* interned: different atoms differ */
            }
            if (a->kind == IM_A_VCI_PREFIX && b->kind == IM_A_VCI_PREFIX
                && !bytes_prefix(a, b) && !bytes_prefix(b, a))
            {
                return 0;
            }
            if (a->kind == IM_A_VCI_PREFIX && b->kind == IM_A_VCI_EQ
                && !bytes_prefix(a, b))
            {
                return 0;
            }
            if (b->kind == IM_A_VCI_PREFIX && a->kind == IM_A_VCI_EQ
                && !bytes_prefix(b, a))
            {
                return 0;
            }
        }
    }
    return 1;
}

/* Drops tests another one implies: user-class present when it equals
 * something, a vendor-class prefix of a longer prefix or an equality. */
static void
cube_normalize(const pxe_import_t *im, im_entry_t *e)
{
    size_t  i, j, n = 0;

    for (i = 0; i < e->n; i++) {
        const im_atom_t  *a = &im->atoms[e->a[i]];
        int               implied = 0;

        for (j = 0; j < e->n && !implied; j++) {
            const im_atom_t  *b = &im->atoms[e->a[j]];

            if (i == j) {
                continue;
            }
            if (a->kind == IM_A_UC_EXISTS && b->kind == IM_A_UC_EQ) {
                implied = 1;
            } else if (a->kind == IM_A_VCI_PREFIX
                       && (b->kind == IM_A_VCI_EQ
                           || (b->kind == IM_A_VCI_PREFIX
                               && b->len > a->len))
                       && bytes_prefix(a, b))
            {
                implied = 1;
            }
        }
        if (!implied) {
            e->a[n++] = e->a[i];
        }
    }
    e->n = (uint8_t) n;
}

/* The union of two cubes into out; -1 when it has too many tests. */
static int
cube_union(const im_entry_t *x, const im_entry_t *y, im_entry_t *out)
{
    size_t  i = 0, j = 0, n = 0;

    while (i < x->n || j < y->n) {
        uint16_t  v;

        if (j >= y->n || (i < x->n && x->a[i] < y->a[j])) {
            v = x->a[i++];
        } else if (i >= x->n || y->a[j] < x->a[i]) {
            v = y->a[j++];
        } else {
            v = x->a[i++];
            j++;
        }
        if (n == IM_CUBE_MAX) {
            return -1;
        }
        out->a[n++] = v;
    }
    out->n = (uint8_t) n;
    return 0;
}

static int
cube_subset(const im_entry_t *x, const im_entry_t *y)
{
    size_t  i = 0, j = 0;

    for ( ; i < x->n; i++) {
        while (j < y->n && y->a[j] < x->a[i]) {
            j++;
        }
        if (j == y->n || y->a[j] != x->a[i]) {
            return 0;
        }
    }
    return 1;
}

/* The entry's exact-MAC test (at most one: two differ), else -1. */
static long
cube_mac(const pxe_import_t *im, const im_entry_t *e)
{
    size_t  i;

    for (i = 0; i < e->n; i++) {
        if (im->atoms[e->a[i]].kind == IM_A_MAC) {
            return e->a[i];
        }
    }
    return -1;
}

/* Drops entries an earlier entry shadows (its tests are a subset). */
static void
dl_prune_small(im_dl_t *dl)
{
    size_t  i, j, n = 0;

    for (j = 0; j < dl->n; j++) {
        for (i = 0; i < n; i++) {
            if (cube_subset(&dl->e[i], &dl->e[j])) {
                break;
            }
        }
        if (i == n) {
            dl->e[n++] = dl->e[j];
        }
    }
    dl->n = n;
}

/*
 * The same for long lists (a file's rules: thousands of hosts), without
 * comparing every pair: an entry testing MAC m can only be shadowed by
 * one testing m or no MAC at all, and one without a MAC test only by one
 * without.  Kept entries are chained per MAC atom; the rest in a list.
 */
static int
dl_prune(pxe_import_t *im, im_dl_t *dl)
{
    size_t   i, j, n = 0, nplain = 0;
    long    *head, *next, *plain, m, k;

    if (dl->n < 64) {
        dl_prune_small(dl);
        return PXE_OK;
    }
    head = malloc(im->natoms * sizeof(*head));
    next = malloc(dl->n * sizeof(*next));
    plain = malloc(dl->n * sizeof(*plain));
    if (head == NULL || next == NULL || plain == NULL) {
        free(head);
        free(next);
        free(plain);
        return PXE_ENOMEM;
    }
    for (i = 0; i < im->natoms; i++) {
        head[i] = -1;
    }
    for (j = 0; j < dl->n; j++) {
        int  shadowed = 0;

        m = cube_mac(im, &dl->e[j]);
        for (i = 0; i < nplain && !shadowed; i++) {
            shadowed = cube_subset(&dl->e[plain[i]], &dl->e[j]);
        }
        for (k = m >= 0 ? head[m] : -1; k >= 0 && !shadowed; k = next[k]) {
            shadowed = cube_subset(&dl->e[k], &dl->e[j]);
        }
        if (shadowed) {
            continue;
        }
        dl->e[n] = dl->e[j];
        if (m >= 0) {
            next[n] = head[m];
            head[m] = (long) n;
        } else {
            plain[nplain++] = (long) n;
        }
        n++;
    }
    dl->n = n;
    free(head);
    free(next);
    free(plain);
    return PXE_OK;
}

enum { OP_AND, OP_OR, OP_SEQ };

static int
dl_product(pxe_import_t *im, const im_dl_t *a, const im_dl_t *b, int op,
    im_dl_t *out)
{
    size_t      i, j, k;
    im_entry_t  e;
    int         rc;

    for (i = 0; i < a->n; i++) {
        for (j = 0; j < b->n; j++) {
            if (cube_union(&a->e[i], &b->e[j], &e) != 0) {
                snprintf(im->error, sizeof(im->error), "a condition with "
                         "more than %d tests", IM_CUBE_MAX);
                return PXE_ETOOMANY;
            }
            if (!cube_possible(im, &e)) {
                continue;
            }
            cube_normalize(im, &e);
            switch (op) {
            case OP_AND:
                e.truth = a->e[i].truth && b->e[j].truth;
                break;
            case OP_OR:
                e.truth = a->e[i].truth || b->e[j].truth;
                break;
            default:
                e.truth = 1;
                break;
            }
            for (k = 0; k < IM_V_COUNT; k++) {
                e.v[k] = b->e[j].v[k] != NULL ? b->e[j].v[k] : a->e[i].v[k];
            }
            if ((rc = dl_push(out, &e)) != PXE_OK) {
                if (rc == PXE_ETOOMANY) {
                    snprintf(im->error, sizeof(im->error), "more than %d "
                             "combinations of conditions",
                             PXE_IMPORT_ENTRIES_MAX);
                }
                return rc;
            }
        }
    }
    dl_prune_small(out);
    if (out->n > PXE_IMPORT_ENTRIES_MAX) {
        snprintf(im->error, sizeof(im->error), "more than %d combinations "
                 "of conditions", PXE_IMPORT_ENTRIES_MAX);
        return PXE_ETOOMANY;
    }
    return PXE_OK;
}

static int
dl_combine(pxe_import_t *im, im_dl_t *a, const im_dl_t *b, int op)
{
    im_dl_t  out;
    int      rc;

    pxe_im_dl_init(&out);
    rc = dl_product(im, a, b, op, &out);
    if (rc == PXE_OK) {
        pxe_im_dl_move(a, &out);
    }
    pxe_im_dl_free(&out);
    return rc;
}

int
pxe_im_dl_logic(pxe_import_t *im, im_dl_t *a, const im_dl_t *b, int is_and)
{
    return dl_combine(im, a, b, is_and ? OP_AND : OP_OR);
}

int
pxe_im_dl_seq(pxe_import_t *im, im_dl_t *a, const im_dl_t *b)
{
    return dl_combine(im, a, b, OP_SEQ);
}

int
pxe_im_dl_branch(pxe_import_t *im, const im_dl_t *cond, const im_dl_t *then,
    const im_dl_t *other, im_dl_t *out)
{
    im_dl_t  one, part;
    size_t   i, j;
    int      rc = PXE_OK;

    pxe_im_dl_free(out);
    for (i = 0; rc == PXE_OK && i < cond->n; i++) {
        pxe_im_dl_init(&one);
        pxe_im_dl_init(&part);
        rc = dl_push(&one, &cond->e[i]);
        if (rc == PXE_OK) {
            memset(one.e[0].v, 0, sizeof(one.e[0].v));
            rc = dl_product(im, &one, cond->e[i].truth ? then : other,
                            OP_SEQ, &part);
        }
        for (j = 0; rc == PXE_OK && j < part.n; j++) {
            rc = dl_push(out, &part.e[j]);
        }
        pxe_im_dl_free(&one);
        pxe_im_dl_free(&part);
    }
    if (rc == PXE_OK) {
        dl_prune_small(out);
    }
    return rc;
}

static int
value_equal(const char *x, const char *y)
{
    return x == y || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

static int
entry_equal(const im_entry_t *x, const im_entry_t *y)
{
    size_t  k;

    if (x->n != y->n || memcmp(x->a, y->a, x->n * sizeof(x->a[0])) != 0) {
        return 0;
    }
    for (k = 0; k < IM_V_COUNT; k++) {
        if (!value_equal(x->v[k], y->v[k])) {
            return 0;
        }
    }
    return 1;
}

int
pxe_im_dl_equal(const im_dl_t *a, const im_dl_t *b)
{
    size_t  i;

    if (a->n != b->n) {
        return 0;
    }
    for (i = 0; i < a->n; i++) {
        if (!entry_equal(&a->e[i], &b->e[i])) {
            return 0;
        }
    }
    return 1;
}

int
pxe_im_emit(pxe_import_t *im, const im_dl_t *dl, int mac, int sub)
{
    im_entry_t  extra, e;
    size_t      i;
    int         rc;

    memset(&extra, 0, sizeof(extra));
    if (mac >= 0) {
        extra.a[extra.n++] = (uint16_t) mac;
    }
    if (sub >= 0) {
        extra.a[extra.n++] = (uint16_t) sub;
        if (extra.n == 2 && extra.a[0] > extra.a[1]) {
            extra.a[1] = extra.a[0];
            extra.a[0] = (uint16_t) sub;
        }
    }
    for (i = 0; i < dl->n; i++) {
        if (cube_union(&dl->e[i], &extra, &e) != 0) {
            snprintf(im->error, sizeof(im->error), "a condition with more "
                     "than %d tests", IM_CUBE_MAX);
            return PXE_ETOOMANY;
        }
        if (!cube_possible(im, &e)) {
            continue;
        }
        memcpy(e.v, dl->e[i].v, sizeof(e.v));
        e.truth = 1;
        /* What the client reads: option 67 when given, else the file. */
        if (e.v[IM_V_BOOTFILE] != NULL) {
            e.v[IM_V_FILENAME] = e.v[IM_V_BOOTFILE];
        }
        /* The rules of the whole file: a host is a few, so the bound is
         * the hook's (hosts and other rules), not one scope's. */
        if ((rc = dl_push_max(&im->rules, &e, IM_RULES_CAP)) != PXE_OK) {
            if (rc == PXE_ETOOMANY) {
                snprintf(im->error, sizeof(im->error), "more than %d rules "
                         "before merging", IM_RULES_CAP);
            }
            return rc;
        }
    }
    return PXE_OK;
}

static int entry_equal(const im_entry_t *x, const im_entry_t *y);

/* Drops an entry the next one covers with the same answer: whoever it
 * matches, the next matches too and answers alike. */
static void
dl_merge(im_dl_t *dl)
{
    size_t  i, k, w = dl->n;

    /* Backwards, kept entries gathered at the end (w): each is compared
     * with the one that follows it once the later ones are merged, in one
     * pass (a memmove per dropped entry was quadratic). */
    for (i = dl->n; i-- > 0; ) {
        im_entry_t  *e = &dl->e[i], *next = &dl->e[w];

        if (w < dl->n) {
            for (k = 0; k < IM_V_COUNT; k++) {
                if (!(e->v[k] == next->v[k]
                      || (e->v[k] != NULL && next->v[k] != NULL
                          && strcmp(e->v[k], next->v[k]) == 0)))
                {
                    break;
                }
            }
            if (k == IM_V_COUNT && cube_subset(next, e)) {
                continue;
            }
        }
        dl->e[--w] = *e;
    }
    memmove(dl->e, dl->e + w, (dl->n - w) * sizeof(*dl->e));
    dl->n -= w;
}

/* Notes in file order (a statement is reported where it is run). */
static void
sort_notes(pxe_import_t *im)
{
    size_t     i, j;
    im_note_t  t;

    for (i = 1; i < im->nnotes; i++) {
        t = im->notes[i];
        for (j = i; j > 0 && im->notes[j - 1].line > t.line; j--) {
            im->notes[j] = im->notes[j - 1];
        }
        im->notes[j] = t;
    }
}

/*
 * The hook's class key holds when the query is in any of its classes; a
 * rule needing two (all tests of a rule must hold) gets one class whose
 * test is their conjunction, named after them.
 */
static int
join_classes(pxe_import_t *im)
{
    size_t  i, j, k;

    for (i = 0; i < im->rules.n; i++) {
        im_entry_t  *e = &im->rules.e[i];
        char         name[IM_CLASS_NAME_MAX + 1];
        pxe_buf_t    test;
        size_t       ncls = 0, nlen = 0;
        int          atom, rc = PXE_OK;

        for (j = 0; j < e->n; j++) {
            ncls += im->atoms[e->a[j]].kind == IM_A_CLASS;
        }
        if (ncls < 2) {
            continue;
        }
        pxe_buf_init(&test, IM_EXPR_MAX, NULL);
        name[0] = '\0';
        for (j = 0; rc == PXE_OK && j < e->n; j++) {
            const im_atom_t  *a = &im->atoms[e->a[j]];

            if (a->kind != IM_A_CLASS) {
                continue;
            }
            rc = pxe_buf_printf(&test, "%smember('%s')",
                                test.len ? " and " : "", a->s);
            if (nlen + a->len + 1 <= sizeof(name)) {
                nlen += (size_t) snprintf(name + nlen, sizeof(name) - nlen,
                                          "%s%s", nlen ? "+" : "", a->s);
            } else {
                snprintf(name, sizeof(name), "classes-and");
                nlen = sizeof(name);
            }
        }
        atom = rc == PXE_OK ? pxe_im_class_atom(im, name, test.data) : -1;
        pxe_buf_free(&test);
        if (atom < 0) {
            snprintf(im->error, sizeof(im->error), "too many Kea classes");
            return PXE_ETOOMANY;
        }
        /* the other tests, then the joined class, ascending */
        for (j = 0, k = 0; j < e->n; j++) {
            if (im->atoms[e->a[j]].kind != IM_A_CLASS) {
                e->a[k++] = e->a[j];
            }
        }
        for (j = k; j > 0 && e->a[j - 1] > (uint16_t) atom; j--) {
            e->a[j] = e->a[j - 1];
        }
        e->a[j] = (uint16_t) atom;
        e->n = (uint8_t) (k + 1);
    }
    return PXE_OK;
}

int
pxe_im_finish(pxe_import_t *im)
{
    size_t  h, k;
    int     rc;

    /* reservations that waited for their subnet (dnsmasq's dhcp-host) */
    for (h = 0; h < im->nany; h++) {
        for (k = 0; k < im->nsub; k++) {
            if ((im->any[h].ip & im->sub[k].mask) == im->sub[k].net) {
                rc = pxe_im_kea_host(im, im->sub[k].net, im->sub[k].mask,
                                     im->any[h].mac, im->any[h].ip, NULL);
                if (rc != PXE_OK) {
                    return rc;
                }
                break;
            }
        }
    }
    im->nany = 0;
    if ((rc = dl_prune(im, &im->rules)) != PXE_OK) {
        return rc;
    }
    dl_merge(&im->rules);
    if ((rc = join_classes(im)) != PXE_OK) {
        return rc;
    }
    sort_notes(im);
    {
        /* The hook takes PXE_RULES_MAX rules, and per-host (exact MAC)
         * rules on top, up to PXE_MAC_RULES_MAX. */
        size_t  i, j, mac = 0;

        for (i = 0; i < im->rules.n; i++) {
            for (j = 0; j < im->rules.e[i].n; j++) {
                if (im->atoms[im->rules.e[i].a[j]].kind == IM_A_MAC) {
                    mac++;
                    break;
                }
            }
        }
        if (im->rules.n - mac > PXE_RULES_MAX || mac > PXE_MAC_RULES_MAX) {
            snprintf(im->error, sizeof(im->error), "%zu rules, more than the "
                     "hook takes (%d, and %d per-host)",
                     im->rules.n, PXE_RULES_MAX, PXE_MAC_RULES_MAX);
            return PXE_ETOOMANY;
        }
    }
    if (im->default_ns == NULL) {
        /* dhcpd answers siaddr 0.0.0.0 without a next-server. */
        im->default_ns = "0.0.0.0";
    }
    return PXE_OK;
}

/* ---- Kea settings ------------------------------------------------------- */

int
pxe_im_kea_subnet(pxe_import_t *im, uint32_t net, uint32_t mask,
    const char *shared)
{
    im_ksubnet_t  *s;

    if (im->nsub == IM_SUBNETS_MAX) {
        return -1;
    }
    s = &im->sub[im->nsub];
    memset(s, 0, sizeof(*s));
    s->net = net;
    s->mask = mask;
    s->shared = shared;
    return (int) im->nsub++;
}

int
pxe_im_kea_range(pxe_import_t *im, int subnet, uint32_t lo, uint32_t hi,
    const char *cls)
{
    im_ksubnet_t  *s = &im->sub[subnet];

    if (s->nranges < IM_RANGES_MAX) {
        s->lo[s->nranges] = lo;
        s->hi[s->nranges] = hi;
        s->cls[s->nranges] = cls;
        s->nranges++;
    }
    return PXE_OK;
}

int
pxe_im_kea_class(pxe_import_t *im, const char *name, const char *test)
{
    size_t  i;

    for (i = 0; i < im->nkclass; i++) {
        if (strcmp(im->kclass[i].name, name) == 0) {
            return PXE_OK;          /* defined once, the first time */
        }
    }
    if (im->nkclass == IM_KCLASSES_MAX) {
        return PXE_ETOOMANY;
    }
    im->kclass[im->nkclass].name = name;
    im->kclass[im->nkclass].test = test;
    im->kclass[im->nkclass].atom = 0;
    im->nkclass++;
    return PXE_OK;
}

static char *
im_strdup(pxe_import_t *im, const char *s)
{
    size_t  len = strlen(s);
    char   *copy = pxe_im_alloc(im, len + 1);

    if (copy != NULL) {
        memcpy(copy, s, len + 1);
    }
    return copy;
}

/* Names go unquoted into member('...') tests: letters, digits, -_.+ */
static int
class_name_ok(const char *name)
{
    size_t  i, len = strlen(name);

    if (len == 0 || len > IM_CLASS_NAME_MAX) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        char  c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
              || c == '+'))
        {
            return 0;
        }
    }
    return 1;
}

int
pxe_im_class_atom(pxe_import_t *im, const char *name, const char *test)
{
    char    buf[IM_CLASS_NAME_MAX + 16];
    size_t  i;
    int     k, rc;

    if (!class_name_ok(name)) {
        return -1;
    }
    for (i = 0; i < im->nkclass; i++) {
        if (im->kclass[i].test != NULL && strcmp(im->kclass[i].test, test) == 0
            && im->kclass[i].atom)
        {
            return pxe_im_atom(im, IM_A_CLASS, 0, im->kclass[i].name,
                               strlen(im->kclass[i].name) + 1);
        }
    }
    snprintf(buf, sizeof(buf), "%s", name);
    for (k = 2; ; k++) {
        for (i = 0; i < im->nkclass; i++) {
            if (strcmp(im->kclass[i].name, buf) == 0) {
                break;
            }
        }
        if (i == im->nkclass) {
            break;
        }
        snprintf(buf, sizeof(buf), "%s-%d", name, k);
    }
    {
        char  *n = im_strdup(im, buf), *t = im_strdup(im, test);

        if (n == NULL || t == NULL) {
            return -1;
        }
        rc = pxe_im_kea_class(im, n, t);
        if (rc != PXE_OK) {
            return -1;
        }
        im->kclass[im->nkclass - 1].atom = 1;
        /* the name with its NUL: pxe_im_atom_class returns a string */
        return pxe_im_atom(im, IM_A_CLASS, 0, n, strlen(n) + 1);
    }
}

const char *
pxe_im_atom_class(const pxe_import_t *im, int atom)
{
    return atom >= 0 && (size_t) atom < im->natoms
           && im->atoms[atom].kind == IM_A_CLASS ? im->atoms[atom].s : NULL;
}

/* Bytes as a Kea hex constant (0x..), or '' when there are none. */
static int
expr_bytes(pxe_buf_t *b, const char *s, size_t len)
{
    size_t  i;
    int     rc;

    if (len == 0) {
        return pxe_buf_adds(b, "''");
    }
    rc = pxe_buf_adds(b, "0x");
    for (i = 0; rc == PXE_OK && i < len; i++) {
        rc = pxe_buf_printf(b, "%02x", (uint8_t) s[i]);
    }
    return rc;
}

/* One test as a Kea expression; PXE_EINVAL for what Kea 2.2's
 * expressions cannot say before a subnet is chosen (subnet, substring
 * search). */
static int
expr_atom(const im_atom_t *a, pxe_buf_t *b)
{
    int  rc;

    switch (a->kind) {
    case IM_A_UC_EXISTS:
        return pxe_buf_adds(b, "option[77].exists");
    case IM_A_IPXE:
        return pxe_buf_adds(b, "option[175].exists");
    case IM_A_UC_EQ:
        rc = pxe_buf_adds(b, "option[77].hex == ");
        return rc == PXE_OK ? expr_bytes(b, a->s, a->len) : rc;
    case IM_A_VCI_EQ:
        rc = pxe_buf_adds(b, "option[60].hex == ");
        return rc == PXE_OK ? expr_bytes(b, a->s, a->len) : rc;
    case IM_A_VCI_PREFIX:
        if (a->len == 0) {
            return pxe_buf_adds(b, "option[60].exists");
        }
        rc = pxe_buf_printf(b, "substring(option[60].hex,0,%zu) == ", a->len);
        return rc == PXE_OK ? expr_bytes(b, a->s, a->len) : rc;
    case IM_A_ARCH:
        /* dhcpd compares the whole option: one architecture, 2 bytes */
        return pxe_buf_printf(b, "option[93].hex == 0x%04x",
                              (unsigned) (a->num & 0xffff));
    case IM_A_MAC:
        rc = pxe_buf_adds(b, "pkt4.mac == ");
        return rc == PXE_OK ? expr_bytes(b, a->s, a->len) : rc;
    case IM_A_CLASS:
        /* defined before any class that tests it (pxe_im_class_atom) */
        return pxe_buf_printf(b, "member('%s')", a->s);
    }
    return PXE_EINVAL;
}

/*
 * A decision list of truths (a class's membership, a pool's permit) as
 * one Kea test, folded from the end: an entry C that says true gives
 * "C or REST", one that says false "not C and REST".  *test NULL: always
 * true (no class needed); "" never true.
 */
int
pxe_im_kea_expr(pxe_import_t *im, const im_dl_t *dl, const char **test)
{
    pxe_buf_t    acc, c, tmp;
    int          rc = PXE_OK, konst = -1;   /* 1 true, -1 false, 0 acc */
    size_t       i, j;
    char        *copy;

    *test = NULL;
    pxe_buf_init(&acc, IM_EXPR_MAX, NULL);
    pxe_buf_init(&c, IM_EXPR_MAX, NULL);
    pxe_buf_init(&tmp, IM_EXPR_MAX, NULL);
    for (i = dl->n; rc == PXE_OK && i-- > 0; ) {
        const im_entry_t  *e = &dl->e[i];

        if (!cube_possible(im, e)) {
            continue;
        }
        if (e->n == 0) {
            konst = e->truth ? 1 : -1;
            pxe_buf_reset(&acc);
            continue;
        }
        pxe_buf_reset(&c);
        for (j = 0; rc == PXE_OK && j < e->n; j++) {
            rc = pxe_buf_adds(&c, j ? " and (" : "(");
            if (rc == PXE_OK) {
                rc = expr_atom(&im->atoms[e->a[j]], &c);
            }
            if (rc == PXE_OK) {
                rc = pxe_buf_addc(&c, ')');
            }
        }
        if (rc != PXE_OK) {
            break;
        }
        if ((e->truth && konst == 1) || (!e->truth && konst == -1)) {
            continue;               /* the rest answers the same */
        }
        pxe_buf_reset(&tmp);
        if (e->truth) {
            rc = konst == -1 ? pxe_buf_printf(&tmp, "%.*s", (int) c.len,
                                              c.data)
                 : pxe_buf_printf(&tmp, "(%.*s) or (%.*s)", (int) c.len,
                                  c.data, (int) acc.len, acc.data);
        } else {
            rc = konst == 1 ? pxe_buf_printf(&tmp, "not (%.*s)",
                                             (int) c.len, c.data)
                 : pxe_buf_printf(&tmp, "(not (%.*s)) and (%.*s)",
                                  (int) c.len, c.data, (int) acc.len,
                                  acc.data);
        }
        if (rc == PXE_OK) {
            pxe_buf_reset(&acc);
            rc = pxe_buf_add(&acc, tmp.data, tmp.len);
            konst = 0;
        }
    }
    if (rc == PXE_OK && konst != 1) {
        /* Kea has no "false": a comparison that never holds. */
        const char  *t = konst == -1 ? "'0' == '1'" : NULL;
        size_t       len = t ? strlen(t) : acc.len;

        copy = pxe_im_alloc(im, len + 1);
        if (copy == NULL) {
            rc = PXE_ENOMEM;
        } else {
            memcpy(copy, t ? t : acc.data, len);
            *test = copy;
        }
    }
    pxe_buf_free(&acc);
    pxe_buf_free(&c);
    pxe_buf_free(&tmp);
    return rc;
}

static void
set_kopt(im_kopt_t *opt, size_t *n, const char *name, const char *data)
{
    size_t  i;

    for (i = 0; i < *n; i++) {
        if (strcmp(opt[i].name, name) == 0) {
            opt[i].data = data;
            return;
        }
    }
    if (*n < IM_OPTS_MAX) {
        opt[*n].name = name;
        opt[*n].data = data;
        (*n)++;
    }
}

int
pxe_im_kea_option(pxe_import_t *im, int subnet, const char *name,
    const char *data)
{
    if (subnet < 0) {
        set_kopt(im->opt, &im->nopt, name, data);
    } else {
        set_kopt(im->sub[subnet].opt, &im->sub[subnet].nopt, name, data);
    }
    return PXE_OK;
}

int
pxe_im_kea_lease_time(pxe_import_t *im, int subnet, int max, long v)
{
    if (subnet < 0) {
        im->lease[max ? 1 : 0] = v;
    } else {
        im->sub[subnet].lease[max ? 1 : 0] = v;
    }
    return PXE_OK;
}

int
pxe_im_kea_host(pxe_import_t *im, uint32_t net, uint32_t mask,
    const uint8_t mac[6], uint32_t ip, const char *name)
{
    size_t         i;
    im_ksubnet_t  *s;
    im_khost_t    *h;

    (void) name;
    for (i = 0; i < im->nsub; i++) {
        s = &im->sub[i];
        if (s->net != net || s->mask != mask) {
            continue;
        }
        if (s->nhosts == s->caphosts) {
            size_t  cap = s->caphosts ? s->caphosts * 2 : 16;

            h = realloc(s->hosts, cap * sizeof(*h));
            if (h == NULL) {
                return PXE_ENOMEM;
            }
            s->hosts = h;
            s->caphosts = cap;
        }
        h = &s->hosts[s->nhosts++];
        memcpy(h->mac, mac, 6);
        h->ip = ip;
        return PXE_OK;
    }
    return PXE_OK;
}

int
pxe_im_kea_host_any(pxe_import_t *im, const uint8_t mac[6], uint32_t ip)
{
    im_khost_t  *h;

    if (im->nany == im->capany) {
        size_t  cap = im->capany ? im->capany * 2 : 16;

        h = realloc(im->any, cap * sizeof(*h));
        if (h == NULL) {
            return PXE_ENOMEM;
        }
        im->any = h;
        im->capany = cap;
    }
    h = &im->any[im->nany++];
    memcpy(h->mac, mac, 6);
    h->ip = ip;
    return PXE_OK;
}

/* ---- JSON --------------------------------------------------------------- */

static int
json_str(pxe_buf_t *out, const char *s, size_t len)
{
    size_t  i;
    int     rc = pxe_buf_addc(out, '"');

    for (i = 0; rc == PXE_OK && i < len; i++) {
        unsigned char  c = (unsigned char) s[i];

        if (c == '"' || c == '\\') {
            rc = pxe_buf_printf(out, "\\%c", c);
        } else if (c < 0x20 || c >= 0x7f) {
            rc = pxe_buf_printf(out, "\\u%04x", c);
        } else {
            rc = pxe_buf_addc(out, (char) c);
        }
    }
    return rc == PXE_OK ? pxe_buf_addc(out, '"') : rc;
}

/* A PCRE2 pattern matching the bytes literally, as JSON. */
static int
json_pattern(pxe_buf_t *out, const char *s, size_t len, int anchor_end)
{
    pxe_buf_t  pat;
    size_t     i;
    int        rc;

    pxe_buf_init(&pat, 6 * len + 8, NULL);     /* \x{hh} a byte */
    rc = pxe_buf_addc(&pat, '^');
    for (i = 0; rc == PXE_OK && i < len; i++) {
        unsigned char  c = (unsigned char) s[i];

        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z'))
        {
            rc = pxe_buf_addc(&pat, (char) c);
        } else if (c > 0x20 && c < 0x7f) {
            rc = pxe_buf_printf(&pat, "\\%c", c);
        } else {
            rc = pxe_buf_printf(&pat, "\\x{%02x}", c);
        }
    }
    if (rc == PXE_OK && anchor_end) {
        rc = pxe_buf_addc(&pat, '$');
    }
    if (rc == PXE_OK) {
        rc = json_str(out, pat.data, pat.len);
    }
    pxe_buf_free(&pat);
    return rc;
}

/* Bytes as a literal PCRE2 piece (no anchors) into pat. */
static int
pattern_piece(pxe_buf_t *pat, const char *s, size_t len)
{
    size_t  i;
    int     rc = PXE_OK;

    for (i = 0; rc == PXE_OK && i < len; i++) {
        unsigned char  c = (unsigned char) s[i];

        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
            || (c >= 'A' && c <= 'Z'))
        {
            rc = pxe_buf_addc(pat, (char) c);
        } else if (c > 0x20 && c < 0x7f) {
            rc = pxe_buf_printf(pat, "\\%c", c);
        } else {
            rc = pxe_buf_printf(pat, "\\x{%02x}", c);
        }
    }
    return rc;
}

/* Several tests on one option as one pattern: a lookahead each. */
static int
json_lookaheads(const pxe_import_t *im, const im_entry_t *e, int eq,
    int prefix, int sub, pxe_buf_t *out)
{
    pxe_buf_t  pat;
    size_t     i, len = 8;
    int        rc;

    for (i = 0; i < e->n; i++) {
        len += 6 * im->atoms[e->a[i]].len + 16;
    }
    pxe_buf_init(&pat, len, NULL);
    rc = pxe_buf_addc(&pat, '^');
    for (i = 0; rc == PXE_OK && i < e->n; i++) {
        const im_atom_t  *a = &im->atoms[e->a[i]];

        if (a->kind != eq && a->kind != prefix && a->kind != sub) {
            continue;
        }
        rc = pxe_buf_adds(&pat, a->kind == sub ? "(?=[\\s\\S]*" : "(?=");
        if (rc == PXE_OK) {
            rc = pattern_piece(&pat, a->s, a->len);
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(&pat, a->kind == eq ? "$)" : ")");
        }
    }
    if (rc == PXE_OK) {
        rc = json_str(out, pat.data, pat.len);
    }
    pxe_buf_free(&pat);
    return rc;
}

static int
rule_json(const pxe_import_t *im, const im_entry_t *e, pxe_buf_t *out)
{
    const im_atom_t  *vci = NULL, *uc = NULL;
    const char       *file, *sep = "";
    size_t            i, nuc = 0, nvci = 0;
    int               rc = pxe_buf_adds(out, "    {");

    for (i = 0; i < e->n; i++) {
        int  k = im->atoms[e->a[i]].kind;

        nuc += k == IM_A_UC_EQ || k == IM_A_UC_SUB;
        nvci += k == IM_A_VCI_EQ || k == IM_A_VCI_PREFIX || k == IM_A_VCI_SUB;
    }

    for (i = 0; rc == PXE_OK && i < e->n; i++) {
        const im_atom_t  *a = &im->atoms[e->a[i]];

        switch (a->kind) {
        case IM_A_UC_EXISTS:
            if (uc == NULL) {
                uc = a;
            }
            break;
        case IM_A_UC_EQ:
            uc = a;
            break;
        case IM_A_VCI_EQ:
            vci = a;
            break;
        case IM_A_VCI_PREFIX:
            if (vci == NULL || (vci->kind == IM_A_VCI_PREFIX
                                && a->len > vci->len))
            {
                vci = a;
            }
            break;
        case IM_A_UC_SUB:
        case IM_A_VCI_SUB:
            break;
        case IM_A_IPXE:
            rc = pxe_buf_printf(out, "%s\"option-175\": true", sep);
            sep = ", ";
            break;
        case IM_A_ARCH:
            rc = pxe_buf_printf(out, "%s\"arch\": %u", sep, a->num);
            sep = ", ";
            break;
        case IM_A_MAC: {
            const uint8_t  *m = (const uint8_t *) a->s;

            rc = pxe_buf_printf(out, "%s\"mac\": \"^%02x:%02x:%02x:%02x:"
                                "%02x:%02x$\"", sep, m[0], m[1], m[2], m[3],
                                m[4], m[5]);
            sep = ", ";
            break;
        }
        case IM_A_CLASS:
            /* pxe_im_finish left at most one per rule */
            rc = pxe_buf_printf(out, "%s\"class\": \"%s\"", sep, a->s);
            sep = ", ";
            break;
        case IM_A_SUBNET: {
            const uint8_t  *m = (const uint8_t *) a->s;

            rc = pxe_buf_printf(out, "%s\"subnet\": \"%u.%u.%u.%u/%u\"", sep,
                                m[0], m[1], m[2], m[3], m[4]);
            sep = ", ";
            break;
        }
        default:
            break;
        }
    }
    if (rc == PXE_OK && (nuc > 1 || (nuc == 1 && uc == NULL))) {
        rc = pxe_buf_printf(out, "%s\"user-class\": ", sep);
        if (rc == PXE_OK) {
            rc = json_lookaheads(im, e, IM_A_UC_EQ, -1, IM_A_UC_SUB, out);
        }
        sep = ", ";
    } else if (rc == PXE_OK && uc != NULL) {
        rc = pxe_buf_printf(out, "%s\"user-class\": ", sep);
        if (rc == PXE_OK) {
            rc = uc->kind == IM_A_UC_EQ ? json_pattern(out, uc->s, uc->len, 1)
                 : json_str(out, "^", 1);
        }
        sep = ", ";
    }
    if (rc == PXE_OK && (nvci > 1 || (nvci == 1 && vci == NULL))) {
        rc = pxe_buf_printf(out, "%s\"vendor-class\": ", sep);
        if (rc == PXE_OK) {
            rc = json_lookaheads(im, e, IM_A_VCI_EQ, IM_A_VCI_PREFIX,
                                 IM_A_VCI_SUB, out);
        }
        sep = ", ";
    } else if (rc == PXE_OK && vci != NULL) {
        rc = pxe_buf_printf(out, "%s\"vendor-class\": ", sep);
        if (rc == PXE_OK) {
            rc = json_pattern(out, vci->s, vci->len, vci->kind == IM_A_VCI_EQ);
        }
        sep = ", ";
    }
    file = e->v[IM_V_BOOTFILE] != NULL ? e->v[IM_V_BOOTFILE]
           : e->v[IM_V_FILENAME];
    if (rc == PXE_OK && file != NULL) {
        rc = pxe_buf_printf(out, "%s\"boot-file\": ", sep);
        if (rc == PXE_OK) {
            rc = json_str(out, file, strlen(file));
        }
        sep = ", ";
    }
    if (rc == PXE_OK && e->v[IM_V_SNAME] != NULL) {
        rc = pxe_buf_printf(out, "%s\"server-hostname\": ", sep);
        if (rc == PXE_OK) {
            rc = json_str(out, e->v[IM_V_SNAME], strlen(e->v[IM_V_SNAME]));
        }
        sep = ", ";
    }
    if (rc == PXE_OK) {
        /* Every rule answers something: its next-server at least. */
        rc = pxe_buf_printf(out, "%s\"next-server\": \"%s\"}", sep,
                            e->v[IM_V_NEXT_SERVER] != NULL
                            ? e->v[IM_V_NEXT_SERVER] : im->default_ns);
    }
    return rc;
}

static int
params_json(const pxe_import_t *im, pxe_buf_t *out, const char *indent)
{
    size_t  i;
    int     rc;

    rc = pxe_buf_printf(out, "{\n%s  \"next-server\": \"%s\",\n%s  "
                        "\"option-67\": \"auto\",\n%s  \"rules\": [\n",
                        indent, im->default_ns, indent, indent);
    for (i = 0; rc == PXE_OK && i < im->rules.n; i++) {
        rc = pxe_buf_adds(out, indent);
        if (rc == PXE_OK) {
            rc = rule_json(im, &im->rules.e[i], out);
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, i + 1 < im->rules.n ? ",\n" : "\n");
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_printf(out, "%s  ]\n%s}", indent, indent);
    }
    return rc;
}

int
pxe_import_params(const pxe_import_t *im, pxe_buf_t *out)
{
    int  rc = params_json(im, out, "");

    return rc == PXE_OK ? pxe_buf_addc(out, '\n') : rc;
}

static int
ip_text(pxe_buf_t *out, uint32_t a)
{
    return pxe_buf_printf(out, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
                          (a >> 8) & 0xff, a & 0xff);
}

static int
options_json(pxe_buf_t *out, const im_kopt_t *opt, size_t n,
    const char *indent)
{
    size_t  i;
    int     rc = pxe_buf_printf(out, "%s\"option-data\": [", indent);

    for (i = 0; rc == PXE_OK && i < n; i++) {
        rc = pxe_buf_printf(out, "%s{\"name\": \"%s\", \"data\": ",
                            i ? ", " : "", opt[i].name);
        if (rc == PXE_OK) {
            rc = json_str(out, opt[i].data, strlen(opt[i].data));
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_addc(out, '}');
        }
    }
    return rc == PXE_OK ? pxe_buf_adds(out, "]") : rc;
}

static int
subnet_json(const im_ksubnet_t *s, size_t id, pxe_buf_t *out)
{
    size_t  i;
    int     rc;

    rc = pxe_buf_printf(out, "        {\n          \"id\": %zu,\n"
                        "          \"subnet\": \"", id);
    if (rc == PXE_OK) {
        rc = ip_text(out, s->net);
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_printf(out, "/%d\",\n          \"pools\": [",
                            __builtin_popcount(s->mask));
    }
    for (i = 0; rc == PXE_OK && i < s->nranges; i++) {
        rc = pxe_buf_printf(out, "%s{\"pool\": \"", i ? ", " : "");
        if (rc == PXE_OK) {
            rc = ip_text(out, s->lo[i]);
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, " - ");
        }
        if (rc == PXE_OK) {
            rc = ip_text(out, s->hi[i]);
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, "\"");
        }
        if (rc == PXE_OK && s->cls[i] != NULL) {
            rc = pxe_buf_adds(out, ", \"client-class\": ");
            if (rc == PXE_OK) {
                rc = json_str(out, s->cls[i], strlen(s->cls[i]));
            }
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, "}");
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "],\n");
    }
    if (rc == PXE_OK && s->lease[0] > 0) {
        rc = pxe_buf_printf(out, "          \"valid-lifetime\": %ld,\n",
                            s->lease[0]);
    }
    if (rc == PXE_OK && s->lease[1] > 0) {
        rc = pxe_buf_printf(out, "          \"max-valid-lifetime\": %ld,\n",
                            s->lease[1]);
    }
    if (rc == PXE_OK) {
        rc = options_json(out, s->opt, s->nopt, "          ");
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, ",\n          \"reservations\": [");
    }
    for (i = 0; rc == PXE_OK && i < s->nhosts; i++) {
        const uint8_t  *m = s->hosts[i].mac;

        rc = pxe_buf_printf(out, "%s\n            {\"hw-address\": "
                            "\"%02x:%02x:%02x:%02x:%02x:%02x\", "
                            "\"ip-address\": \"", i ? "," : "", m[0], m[1],
                            m[2], m[3], m[4], m[5]);
        if (rc == PXE_OK) {
            rc = ip_text(out, s->hosts[i].ip);
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, "\"}");
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, s->nhosts ? "\n          ]\n        }"
                                         : "]\n        }");
    }
    return rc;
}

int
pxe_import_kea(const pxe_import_t *im, const char *hook, pxe_buf_t *out)
{
    size_t  i, j, n;
    int     rc;


    rc = pxe_buf_adds(out, "{\n  \"Dhcp4\": {\n"
                      "    \"interfaces-config\": {\"interfaces\": [\"*\"]},\n"
                      "    \"lease-database\": {\"type\": \"memfile\", "
                      "\"lfc-interval\": 3600},\n");
    if (rc == PXE_OK && im->lease[0] > 0) {
        rc = pxe_buf_printf(out, "    \"valid-lifetime\": %ld,\n",
                            im->lease[0]);
    }
    if (rc == PXE_OK && im->lease[1] > 0) {
        rc = pxe_buf_printf(out, "    \"max-valid-lifetime\": %ld,\n",
                            im->lease[1]);
    }
    if (rc == PXE_OK) {
        rc = options_json(out, im->opt, im->nopt, "    ");
    }
    /* Classes before the pools that name them, each before any class
     * whose test says member() of it (the order they were defined). */
    if (rc == PXE_OK && im->nkclass > 0) {
        rc = pxe_buf_adds(out, ",\n    \"client-classes\": [");
        for (i = 0; rc == PXE_OK && i < im->nkclass; i++) {
            rc = pxe_buf_adds(out, i ? ",\n      {\"name\": "
                                     : "\n      {\"name\": ");
            if (rc == PXE_OK) {
                rc = json_str(out, im->kclass[i].name,
                              strlen(im->kclass[i].name));
            }
            if (rc == PXE_OK && im->kclass[i].test != NULL) {
                rc = pxe_buf_adds(out, ", \"test\": ");
                if (rc == PXE_OK) {
                    rc = json_str(out, im->kclass[i].test,
                                  strlen(im->kclass[i].test));
                }
            }
            if (rc == PXE_OK) {
                rc = pxe_buf_addc(out, '}');
            }
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, "\n    ]");
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, ",\n    \"subnet4\": [\n");
    }
    for (n = 0, i = 0; rc == PXE_OK && i < im->nsub; i++) {
        if (im->sub[i].shared != NULL) {
            continue;
        }
        if (n++ > 0) {
            rc = pxe_buf_adds(out, ",\n");
        }
        if (rc == PXE_OK) {
            rc = subnet_json(&im->sub[i], i + 1, out);
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "\n    ],\n    \"shared-networks\": [");
    }
    /* Each shared network once, its subnets in file order. */
    for (n = 0, i = 0; rc == PXE_OK && i < im->nsub; i++) {
        const char  *name = im->sub[i].shared;

        if (name == NULL) {
            continue;
        }
        for (j = 0; j < i; j++) {
            if (im->sub[j].shared != NULL
                && strcmp(im->sub[j].shared, name) == 0)
            {
                break;
            }
        }
        if (j < i) {
            continue;
        }
        rc = pxe_buf_printf(out, "%s\n      {\"name\": ", n++ ? "," : "");
        if (rc == PXE_OK) {
            rc = json_str(out, name, strlen(name));
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, ", \"subnet4\": [\n");
        }
        for (j = i; rc == PXE_OK && j < im->nsub; j++) {
            if (im->sub[j].shared == NULL
                || strcmp(im->sub[j].shared, name) != 0)
            {
                continue;
            }
            if (j > i) {
                rc = pxe_buf_adds(out, ",\n");
            }
            if (rc == PXE_OK) {
                rc = subnet_json(&im->sub[j], j + 1, out);
            }
        }
        if (rc == PXE_OK) {
            rc = pxe_buf_adds(out, "\n      ]}");
        }
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, n ? "\n    ],\n" : "],\n");
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "    \"hooks-libraries\": [{\n"
                          "      \"library\": ");
    }
    if (rc == PXE_OK) {
        rc = json_str(out, hook, strlen(hook));
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, ",\n      \"parameters\": ");
    }
    if (rc == PXE_OK) {
        rc = params_json(im, out, "      ");
    }
    if (rc == PXE_OK) {
        rc = pxe_buf_adds(out, "\n    }]\n  }\n}\n");
    }
    return rc;
}
