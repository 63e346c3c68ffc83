
/*
 * Copyright (C) pxekit authors
 *
 * ngx_http_pxekit_status_module: counters of what the pxekit locations
 * served, in a shared memory zone so that every worker counts into the
 * same numbers and a reload (which reuses a zone of the same name and
 * size) carries them on, and a "pxekit_status" location that answers
 * them in Prometheus text format.  Requests are counted in the log phase
 * with atomics; the zone's mutex is taken only the first time a build is
 * seen and on a rescan.  Why a 404 happened is the core's answer
 * (pxe_notfound).
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "pxekit.h"
#include "ngx_http_pxekit_status.h"


/* scan gauges are kept per pxekit_root, for this many roots */
#define NGX_HTTP_PXEKIT_STATUS_ROOTS     16
#define NGX_HTTP_PXEKIT_STATUS_ROOT_LEN  512

/* a label line: name, braces, quotes, a value and slack */
#define NGX_HTTP_PXEKIT_STATUS_LINE      (64 + NGX_ATOMIC_T_LEN)


typedef struct {
    ngx_atomic_t                     used;     /* name is written */
    ngx_atomic_t                     files;
    ngx_atomic_t                     bytes;
    u_char                           name[PXE_BUILDNAME_LEN + 1];
} ngx_http_pxekit_status_build_t;


typedef struct {
    size_t                           len;
    u_char                           root[NGX_HTTP_PXEKIT_STATUS_ROOT_LEN];
    uint64_t                         end;       /* usec since the epoch */
    uint64_t                         duration;  /* usec */
    uint64_t                         scans;
    ngx_uint_t                       seen;
    ngx_uint_t                       enabled;
    ngx_uint_t                       disabled;
} ngx_http_pxekit_status_root_t;


typedef struct {
    ngx_atomic_t                     menus;
    ngx_atomic_t                     scripts;
    ngx_atomic_t                     json;
    ngx_atomic_t                     ranges;
    ngx_atomic_t                     notfound[PXE_NOTFOUND_COUNT];
    ngx_atomic_t                     other_files;
    ngx_atomic_t                     other_bytes;
    ngx_atomic_t                     full_logged;
    ngx_atomic_t                     nbuilds;   /* grows under the mutex */
    ngx_uint_t                       nslots;
    ngx_uint_t                       limit;     /* 3/4 of nslots */
    ngx_http_pxekit_status_build_t  *builds;    /* open addressing */
    ngx_uint_t                       nroots;
    ngx_http_pxekit_status_root_t    roots[NGX_HTTP_PXEKIT_STATUS_ROOTS];
} ngx_http_pxekit_status_sh_t;


typedef struct {
    ngx_http_pxekit_status_sh_t     *sh;
    ngx_slab_pool_t                 *shpool;
} ngx_http_pxekit_status_ctx_t;


typedef struct {
    ngx_shm_zone_t                  *zone;
    ngx_uint_t                       used;      /* a pxekit_status seen */
} ngx_http_pxekit_status_main_conf_t;


typedef struct {
    ngx_flag_t                       enable;
} ngx_http_pxekit_status_loc_conf_t;


typedef struct {
    const pxe_scan_t                *scan;
    pxe_route_t                      route;
    ngx_uint_t                       error;     /* the module's answer, when
                                                   an error error_page may
                                                   replace */
    unsigned                         routed:1;
} ngx_http_pxekit_status_req_t;


static ngx_int_t ngx_http_pxekit_status_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_pxekit_status_log_handler(ngx_http_request_t *r);
static ngx_http_pxekit_status_req_t *ngx_http_pxekit_status_req(
    ngx_http_request_t *r);
static void ngx_http_pxekit_status_req_mark(void *data);
static ngx_http_pxekit_status_build_t *ngx_http_pxekit_status_build(
    ngx_http_pxekit_status_ctx_t *ctx, u_char *name, ngx_log_t *log);
static size_t ngx_http_pxekit_status_escaped_len(u_char *s, size_t len);
static u_char *ngx_http_pxekit_status_escape(u_char *p, u_char *s,
    size_t len);
static u_char *ngx_http_pxekit_status_family(u_char *p, ngx_uint_t i);
static u_char *ngx_http_pxekit_status_roots(u_char *p,
    ngx_http_pxekit_status_root_t *roots, ngx_uint_t nroots);
static ngx_int_t ngx_http_pxekit_status_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);

static char *ngx_http_pxekit_status(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_pxekit_status_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void *ngx_http_pxekit_status_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_pxekit_status_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_pxekit_status_merge_loc_conf(ngx_conf_t *cf,
    void *parent, void *child);
static ngx_int_t ngx_http_pxekit_status_init(ngx_conf_t *cf);


static ngx_command_t  ngx_http_pxekit_status_commands[] = {

    { ngx_string("pxekit_status"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_pxekit_status,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pxekit_status_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE2,
      ngx_http_pxekit_status_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_pxekit_status_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_pxekit_status_init,           /* postconfiguration */

    ngx_http_pxekit_status_create_main_conf, /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_pxekit_status_create_loc_conf, /* create location configuration */
    ngx_http_pxekit_status_merge_loc_conf  /* merge location configuration */
};


ngx_module_t  ngx_http_pxekit_status_module = {
    NGX_MODULE_V1,
    &ngx_http_pxekit_status_module_ctx,    /* module context */
    ngx_http_pxekit_status_commands,       /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


/*
 * The metric families, in the order they are written; docs/nginx-module.md
 * lists the same.
 */

enum {
    NGX_HTTP_PXEKIT_F_MENUS = 0,
    NGX_HTTP_PXEKIT_F_SCRIPTS,
    NGX_HTTP_PXEKIT_F_JSON,
    NGX_HTTP_PXEKIT_F_RANGES,
    NGX_HTTP_PXEKIT_F_FILES,
    NGX_HTTP_PXEKIT_F_BYTES,
    NGX_HTTP_PXEKIT_F_NOTFOUND,
    NGX_HTTP_PXEKIT_F_SCANS,
    NGX_HTTP_PXEKIT_F_AGE,
    NGX_HTTP_PXEKIT_F_DURATION,
    NGX_HTTP_PXEKIT_F_SEEN,
    NGX_HTTP_PXEKIT_F_ENABLED,
    NGX_HTTP_PXEKIT_F_DISABLED,
    NGX_HTTP_PXEKIT_F_SLOTS,
    NGX_HTTP_PXEKIT_F_SLOTS_USED,
    NGX_HTTP_PXEKIT_F_COUNT
};


typedef struct {
    ngx_str_t                        name;
    ngx_str_t                        text;   /* HELP and TYPE lines */
} ngx_http_pxekit_status_family_t;


#define ngx_http_pxekit_family(name, type, help)                             \
    { ngx_string(name),                                                      \
      ngx_string("# HELP " name " " help "\n# TYPE " name " " type "\n") }

static ngx_http_pxekit_status_family_t
    ngx_http_pxekit_status_families[NGX_HTTP_PXEKIT_F_COUNT] =
{
    ngx_http_pxekit_family("pxekit_menus_served_total", "counter",
        "Menus (menu.ipxe) answered 200, 206 or 304."),
    ngx_http_pxekit_family("pxekit_scripts_served_total", "counter",
        "Boot scripts (<build>/smartos.ipxe) answered 200, 206 or 304."),
    ngx_http_pxekit_family("pxekit_builds_json_served_total", "counter",
        "builds.json answered 200, 206 or 304."),
    ngx_http_pxekit_family("pxekit_ranges_served_total", "counter",
        "Answers 206 (a range of a file, a menu or a script)."),
    ngx_http_pxekit_family("pxekit_files_served_total", "counter",
        "Files of a build answered 200, 206 or 304; build=\"other\" "
        "past the zone's build slots."),
    ngx_http_pxekit_family("pxekit_file_bytes_sent_total", "counter",
        "Body bytes sent of a build's files; build=\"other\" past the "
        "zone's build slots."),
    ngx_http_pxekit_family("pxekit_not_found_total", "counter",
        "Answers 404, by the core's reason."),
    ngx_http_pxekit_family("pxekit_scans_total", "counter",
        "Scans of a pxekit_root (a worker rescans when the tree changed)."),
    ngx_http_pxekit_family("pxekit_last_scan_age_seconds", "gauge",
        "Seconds since the last scan of a pxekit_root ended."),
    ngx_http_pxekit_family("pxekit_last_scan_duration_seconds", "gauge",
        "How long the last scan of a pxekit_root took."),
    ngx_http_pxekit_family("pxekit_builds_seen", "gauge",
        "Builds the last scan found, in any layout."),
    ngx_http_pxekit_family("pxekit_builds_enabled", "gauge",
        "Builds the last scan found bootable and without a disable file "
        "(what the menu lists)."),
    ngx_http_pxekit_family("pxekit_builds_disabled", "gauge",
        "Builds the last scan found with a disable file."),
    ngx_http_pxekit_family("pxekit_status_build_slots", "gauge",
        "Builds the zone can count by name."),
    ngx_http_pxekit_family("pxekit_status_build_slots_used", "gauge",
        "Builds the zone counts by name.")
};


static ngx_int_t
ngx_http_pxekit_status_handler(ngx_http_request_t *r)
{
    u_char                              *p;
    size_t                               size;
    ngx_int_t                            rc;
    ngx_buf_t                           *b;
    ngx_uint_t                           i, n, nroots;
    ngx_chain_t                          out;
    ngx_atomic_uint_t                    v[NGX_HTTP_PXEKIT_F_FILES];
    ngx_http_pxekit_status_sh_t         *sh;
    ngx_http_pxekit_status_ctx_t        *ctx;
    ngx_http_pxekit_status_root_t       *roots;
    ngx_http_pxekit_status_build_t      *bs;
    ngx_http_pxekit_status_main_conf_t  *smcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_pxekit_status_module);
    ctx = smcf->zone->data;
    sh = ctx->sh;

    /* the scan gauges change together: copy them under the mutex */

    roots = ngx_palloc(r->pool, sizeof(sh->roots));
    if (roots == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_shmtx_lock(&ctx->shpool->mutex);
    nroots = sh->nroots;
    ngx_memcpy(roots, sh->roots, nroots * sizeof(ngx_http_pxekit_status_root_t));
    ngx_shmtx_unlock(&ctx->shpool->mutex);

    /* builds are only ever added: write at most the ones counted here */

    bs = sh->builds;
    n = 0;

    for (i = 0; i < sh->nslots; i++) {
        if (bs[i].used) {
            n++;
        }
    }

    size = 0;

    for (i = 0; i < NGX_HTTP_PXEKIT_F_COUNT; i++) {
        size += ngx_http_pxekit_status_families[i].text.len;
    }

    size += (NGX_HTTP_PXEKIT_F_COUNT + PXE_NOTFOUND_COUNT)
            * NGX_HTTP_PXEKIT_STATUS_LINE
            + 2 * (n + 1) * (NGX_HTTP_PXEKIT_STATUS_LINE
                             + 2 * PXE_BUILDNAME_LEN);

    for (i = 0; i < nroots; i++) {
        size += 6 * (NGX_HTTP_PXEKIT_STATUS_LINE
                     + ngx_http_pxekit_status_escaped_len(roots[i].root,
                                                          roots[i].len));
    }

    b = ngx_create_temp_buf(r->pool, size);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = b->last;

    v[NGX_HTTP_PXEKIT_F_MENUS] = sh->menus;
    v[NGX_HTTP_PXEKIT_F_SCRIPTS] = sh->scripts;
    v[NGX_HTTP_PXEKIT_F_JSON] = sh->json;
    v[NGX_HTTP_PXEKIT_F_RANGES] = sh->ranges;

    for (i = 0; i < NGX_HTTP_PXEKIT_F_FILES; i++) {
        p = ngx_http_pxekit_status_family(p, i);
        p = ngx_sprintf(p, "%V %uA\n",
                        &ngx_http_pxekit_status_families[i].name, v[i]);
    }

    for (i = NGX_HTTP_PXEKIT_F_FILES; i <= NGX_HTTP_PXEKIT_F_BYTES; i++) {
        ngx_uint_t  k, written;

        p = ngx_http_pxekit_status_family(p, i);

        for (k = 0, written = 0; k < sh->nslots && written < n; k++) {
            if (!bs[k].used) {
                continue;
            }

            written++;

            p = ngx_sprintf(p, "%V{build=\"",
                            &ngx_http_pxekit_status_families[i].name);
            p = ngx_http_pxekit_status_escape(p, bs[k].name,
                                              ngx_strlen(bs[k].name));
            p = ngx_sprintf(p, "\"} %uA\n",
                            i == NGX_HTTP_PXEKIT_F_FILES ? bs[k].files
                                                         : bs[k].bytes);
        }

        p = ngx_sprintf(p, "%V{build=\"other\"} %uA\n",
                        &ngx_http_pxekit_status_families[i].name,
                        i == NGX_HTTP_PXEKIT_F_FILES ? sh->other_files
                                                     : sh->other_bytes);
    }

    p = ngx_http_pxekit_status_family(p, NGX_HTTP_PXEKIT_F_NOTFOUND);

    for (i = 0; i < PXE_NOTFOUND_COUNT; i++) {
        p = ngx_sprintf(p, "pxekit_not_found_total{reason=\"%s\"} %uA\n",
                        pxe_notfound_name((pxe_notfound_e) i),
                        sh->notfound[i]);
    }

    p = ngx_http_pxekit_status_roots(p, roots, nroots);

    p = ngx_http_pxekit_status_family(p, NGX_HTTP_PXEKIT_F_SLOTS);
    p = ngx_sprintf(p, "pxekit_status_build_slots %ui\n", sh->limit);
    p = ngx_http_pxekit_status_family(p, NGX_HTTP_PXEKIT_F_SLOTS_USED);
    p = ngx_sprintf(p, "pxekit_status_build_slots_used %uA\n", sh->nbuilds);

    b->last = p;

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = b->last - b->pos;
    ngx_str_set(&r->headers_out.content_type, "text/plain; version=0.0.4");
    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;

    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static u_char *
ngx_http_pxekit_status_family(u_char *p, ngx_uint_t i)
{
    return ngx_cpymem(p, ngx_http_pxekit_status_families[i].text.data,
                      ngx_http_pxekit_status_families[i].text.len);
}


static u_char *
ngx_http_pxekit_status_roots(u_char *p, ngx_http_pxekit_status_root_t *roots,
    ngx_uint_t nroots)
{
    uint64_t                          now, age, v;
    ngx_uint_t                        f, i;
    struct timeval                    tv;
    ngx_http_pxekit_status_root_t    *rt;
    ngx_http_pxekit_status_family_t  *fam;

    ngx_gettimeofday(&tv);
    now = (uint64_t) tv.tv_sec * 1000000 + tv.tv_usec;

    for (f = NGX_HTTP_PXEKIT_F_SCANS; f <= NGX_HTTP_PXEKIT_F_DISABLED; f++) {
        fam = &ngx_http_pxekit_status_families[f];
        p = ngx_http_pxekit_status_family(p, f);

        for (i = 0; i < nroots; i++) {
            rt = &roots[i];

            p = ngx_sprintf(p, "%V{root=\"", &fam->name);
            p = ngx_http_pxekit_status_escape(p, rt->root, rt->len);
            p = ngx_cpymem(p, "\"} ", 3);

            switch (f) {

            case NGX_HTTP_PXEKIT_F_SCANS:
                p = ngx_sprintf(p, "%uL\n", rt->scans);
                break;

            case NGX_HTTP_PXEKIT_F_AGE:
                age = now > rt->end ? now - rt->end : 0;
                p = ngx_sprintf(p, "%uL.%03uL\n", age / 1000000,
                                age % 1000000 / 1000);
                break;

            case NGX_HTTP_PXEKIT_F_DURATION:
                p = ngx_sprintf(p, "%uL.%06uL\n", rt->duration / 1000000,
                                rt->duration % 1000000);
                break;

            default:
                v = f == NGX_HTTP_PXEKIT_F_SEEN ? rt->seen
                    : f == NGX_HTTP_PXEKIT_F_ENABLED ? rt->enabled
                    : rt->disabled;
                p = ngx_sprintf(p, "%uL\n", v);
                break;
            }
        }
    }

    return p;
}


/*
 * Label values per the text exposition format: backslash, double quote
 * and line feed are escaped; anything else is written as it is.
 */

static size_t
ngx_http_pxekit_status_escaped_len(u_char *s, size_t len)
{
    size_t  n;

    for (n = len; len; len--, s++) {
        if (*s == '\\' || *s == '"' || *s == '\n') {
            n++;
        }
    }

    return n;
}


static u_char *
ngx_http_pxekit_status_escape(u_char *p, u_char *s, size_t len)
{
    for ( /* void */ ; len; len--, s++) {
        switch (*s) {

        case '\\':
            *p++ = '\\';
            *p++ = '\\';
            break;

        case '"':
            *p++ = '\\';
            *p++ = '"';
            break;

        case '\n':
            *p++ = '\\';
            *p++ = 'n';
            break;

        default:
            *p++ = *s;
        }
    }

    return p;
}


void
ngx_http_pxekit_status_route(ngx_http_request_t *r, const pxe_scan_t *scan,
    const pxe_route_t *route)
{
    ngx_pool_cleanup_t                  *cln;
    ngx_http_pxekit_status_req_t        *rctx;
    ngx_http_pxekit_status_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_pxekit_status_module);

    if (smcf->zone == NULL) {
        return;
    }

    /*
     * In a pool cleanup, not only in the module's ctx: an error_page's
     * internal redirect clears every ctx, and its 404 must still be
     * counted (see ngx_http_pxekit_status_req).
     */
    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_http_pxekit_status_req_t));
    if (cln == NULL) {
        return;
    }

    cln->handler = ngx_http_pxekit_status_req_mark;
    rctx = cln->data;

    rctx->scan = scan;
    rctx->error = 0;
    rctx->routed = (route != NULL);

    if (route) {
        rctx->route = *route;
    }

    ngx_http_set_ctx(r, rctx, ngx_http_pxekit_status_module);
}


void
ngx_http_pxekit_status_answer(ngx_http_request_t *r, ngx_int_t rc)
{
    ngx_http_pxekit_status_req_t  *rctx;

    if (rc < NGX_HTTP_SPECIAL_RESPONSE) {
        return;
    }

    rctx = ngx_http_get_module_ctx(r, ngx_http_pxekit_status_module);

    if (rctx) {
        rctx->error = (ngx_uint_t) rc;
    }
}


/* the request's record: its ctx, or after an internal redirect its
   cleanup, the marker being the handler */

static ngx_http_pxekit_status_req_t *
ngx_http_pxekit_status_req(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t            *cln;
    ngx_http_pxekit_status_req_t  *rctx;

    rctx = ngx_http_get_module_ctx(r, ngx_http_pxekit_status_module);

    if (rctx || !r->internal) {
        return rctx;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_pxekit_status_req_mark) {
            return cln->data;
        }
    }

    return NULL;
}


static void
ngx_http_pxekit_status_req_mark(void *data)
{
    /* nothing to free: the record lives in the request's pool */
}


void
ngx_http_pxekit_status_scan(ngx_http_request_t *r, ngx_str_t *root,
    const pxe_scan_t *scan, struct timeval *start)
{
    size_t                               i;
    uint64_t                             begin, end;
    ngx_uint_t                           k, seen, enabled, disabled;
    struct timeval                       tv;
    ngx_http_pxekit_status_sh_t         *sh;
    ngx_http_pxekit_status_ctx_t        *ctx;
    ngx_http_pxekit_status_root_t       *rt;
    ngx_http_pxekit_status_main_conf_t  *smcf;

    smcf = ngx_http_get_module_main_conf(r, ngx_http_pxekit_status_module);

    if (smcf->zone == NULL) {
        return;
    }

    ngx_gettimeofday(&tv);
    end = (uint64_t) tv.tv_sec * 1000000 + tv.tv_usec;
    begin = (uint64_t) start->tv_sec * 1000000 + start->tv_usec;

    seen = scan->nbuilds;
    enabled = 0;
    disabled = 0;

    for (i = 0; i < scan->nbuilds; i++) {
        enabled += pxe_build_usable(&scan->builds[i]) ? 1 : 0;
        disabled += scan->builds[i].disabled ? 1 : 0;
    }

    ctx = smcf->zone->data;
    sh = ctx->sh;

    ngx_shmtx_lock(&ctx->shpool->mutex);

    for (k = 0; k < sh->nroots; k++) {
        rt = &sh->roots[k];

        if (rt->len == root->len
            && ngx_memcmp(rt->root, root->data, root->len) == 0)
        {
            break;
        }
    }

    if (k == sh->nroots) {
        if (k == NGX_HTTP_PXEKIT_STATUS_ROOTS
            || root->len > NGX_HTTP_PXEKIT_STATUS_ROOT_LEN)
        {
            ngx_shmtx_unlock(&ctx->shpool->mutex);

            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "pxekit_status_zone \"%V\": the scan of \"%V\" is "
                          "not counted (at most %d roots of at most %d "
                          "bytes)", &smcf->zone->shm.name, root,
                          NGX_HTTP_PXEKIT_STATUS_ROOTS,
                          NGX_HTTP_PXEKIT_STATUS_ROOT_LEN);
            return;
        }

        rt = &sh->roots[k];
        rt->len = root->len;
        ngx_memcpy(rt->root, root->data, root->len);
        sh->nroots++;
    }

    rt->end = end;
    rt->duration = end > begin ? end - begin : 0;
    rt->scans++;
    rt->seen = seen;
    rt->enabled = enabled;
    rt->disabled = disabled;

    ngx_shmtx_unlock(&ctx->shpool->mutex);
}


static ngx_int_t
ngx_http_pxekit_status_log_handler(ngx_http_request_t *r)
{
    off_t                                bytes;
    ngx_uint_t                           status;
    pxe_notfound_e                       reason;
    ngx_http_pxekit_status_sh_t         *sh;
    ngx_http_pxekit_status_req_t        *rctx;
    ngx_http_pxekit_status_ctx_t        *ctx;
    ngx_http_pxekit_status_build_t      *b;
    ngx_http_pxekit_status_main_conf_t  *smcf;

    rctx = ngx_http_pxekit_status_req(r);

    if (rctx == NULL) {
        return NGX_OK;
    }

    smcf = ngx_http_get_module_main_conf(r, ngx_http_pxekit_status_module);
    ctx = smcf->zone->data;
    sh = ctx->sh;

    /* what the module answered, whatever page error_page sent for it */
    status = rctx->error ? rctx->error : r->headers_out.status;

    if (status == NGX_HTTP_NOT_FOUND) {
        reason = pxe_notfound(rctx->scan,
                              rctx->routed ? &rctx->route : NULL);
        (void) ngx_atomic_fetch_add(&sh->notfound[reason], 1);
        return NGX_OK;
    }

    if (!rctx->routed
        || (status != NGX_HTTP_OK && status != NGX_HTTP_PARTIAL_CONTENT
            && status != NGX_HTTP_NOT_MODIFIED))
    {
        return NGX_OK;
    }

    if (status == NGX_HTTP_PARTIAL_CONTENT) {
        (void) ngx_atomic_fetch_add(&sh->ranges, 1);
    }

    switch (rctx->route.kind) {

    case PXE_ROUTE_MENU:
        (void) ngx_atomic_fetch_add(&sh->menus, 1);
        break;

    case PXE_ROUTE_SCRIPT:
        (void) ngx_atomic_fetch_add(&sh->scripts, 1);
        break;

    case PXE_ROUTE_BUILDS_JSON:
        (void) ngx_atomic_fetch_add(&sh->json, 1);
        break;

    default: /* PXE_ROUTE_FILE */

        /* $body_bytes_sent */
        bytes = r->connection->sent - r->header_size;
        if (bytes < 0) {
            bytes = 0;
        }

        b = ngx_http_pxekit_status_build(ctx, (u_char *) rctx->route.name,
                                         r->connection->log);

        if (b) {
            (void) ngx_atomic_fetch_add(&b->files, 1);
            (void) ngx_atomic_fetch_add(&b->bytes, bytes);

        } else {
            (void) ngx_atomic_fetch_add(&sh->other_files, 1);
            (void) ngx_atomic_fetch_add(&sh->other_bytes, bytes);
        }

        break;
    }

    return NGX_OK;
}


/*
 * A build's slot: found without a lock once it exists (slots are never
 * freed and a name is written before its slot is marked used); taken
 * under the zone's mutex the first time.  Past 3/4 of the table the
 * build is counted as "other", which is logged once per zone.
 */

static ngx_http_pxekit_status_build_t *
ngx_http_pxekit_status_build(ngx_http_pxekit_status_ctx_t *ctx, u_char *name,
    ngx_log_t *log)
{
    ngx_uint_t                       h, i, n;
    ngx_http_pxekit_status_sh_t     *sh;
    ngx_http_pxekit_status_build_t  *b;

    sh = ctx->sh;
    h = ngx_crc32_short(name, PXE_BUILDNAME_LEN) % sh->nslots;

    for (i = h, n = 0; n < sh->nslots; n++, i = (i + 1) % sh->nslots) {
        b = &sh->builds[i];

        if (!b->used) {
            break;
        }

        if (ngx_memcmp(b->name, name, PXE_BUILDNAME_LEN) == 0) {
            return b;
        }
    }

    if (sh->nbuilds < sh->limit) {

        ngx_shmtx_lock(&ctx->shpool->mutex);

        for (i = h, n = 0; n < sh->nslots; n++, i = (i + 1) % sh->nslots) {
            b = &sh->builds[i];

            if (b->used) {
                if (ngx_memcmp(b->name, name, PXE_BUILDNAME_LEN) == 0) {
                    ngx_shmtx_unlock(&ctx->shpool->mutex);
                    return b;
                }

                continue;
            }

            if (sh->nbuilds >= sh->limit) {
                break;
            }

            ngx_memcpy(b->name, name, PXE_BUILDNAME_LEN);
            b->name[PXE_BUILDNAME_LEN] = '\0';
            ngx_memory_barrier();
            b->used = 1;
            sh->nbuilds++;

            ngx_shmtx_unlock(&ctx->shpool->mutex);
            return b;
        }

        ngx_shmtx_unlock(&ctx->shpool->mutex);
    }

    if (ngx_atomic_cmp_set(&sh->full_logged, 0, 1)) {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "pxekit_status_zone is full (%ui builds): build %*s "
                      "and later new ones are counted as build=\"other\"; "
                      "give the zone more memory",
                      sh->limit, (size_t) PXE_BUILDNAME_LEN, name);
    }

    return NULL;
}


static ngx_int_t
ngx_http_pxekit_status_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_pxekit_status_ctx_t  *octx = data;

    size_t                          size;
    ngx_uint_t                      n;
    ngx_http_pxekit_status_sh_t    *sh;
    ngx_http_pxekit_status_ctx_t   *ctx;

    ctx = shm_zone->data;

    /* a reload with the same name and size: the counters carry on */

    if (octx) {
        ctx->sh = octx->sh;
        ctx->shpool = octx->shpool;
        return NGX_OK;
    }

    ctx->shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (shm_zone->shm.exists) {
        ctx->sh = ctx->shpool->data;
        return NGX_OK;
    }

    /* sizes are tried downwards: keep the failed tries out of the log */

    ctx->shpool->log_nomem = 0;

    sh = ngx_slab_calloc(ctx->shpool, sizeof(ngx_http_pxekit_status_sh_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    size = shm_zone->shm.size;
    size -= size / ngx_pagesize * sizeof(ngx_slab_page_t) * 2
            + 4 * ngx_pagesize + sizeof(ngx_http_pxekit_status_sh_t);

    for (n = size / sizeof(ngx_http_pxekit_status_build_t);
         n >= 16;
         n -= n / 16)
    {
        sh->builds = ngx_slab_calloc(ctx->shpool,
                               n * sizeof(ngx_http_pxekit_status_build_t));
        if (sh->builds) {
            break;
        }
    }

    if (sh->builds == NULL) {
        ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                      "pxekit_status_zone \"%V\" is too small",
                      &shm_zone->shm.name);
        return NGX_ERROR;
    }

    sh->nslots = n;
    sh->limit = n / 4 * 3;

    ctx->sh = sh;
    ctx->shpool->data = sh;

    return NGX_OK;
}


static char *
ngx_http_pxekit_status(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pxekit_status_loc_conf_t *slcf = conf;

    ngx_http_core_loc_conf_t            *clcf;
    ngx_http_pxekit_status_main_conf_t  *smcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler == ngx_http_pxekit_status_handler) {
        return "is duplicate";
    }

    if (clcf->handler != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"pxekit_status\" cannot share a location with "
                           "another handler (pxekit, proxy_pass, ...)");
        return NGX_CONF_ERROR;
    }

    clcf->handler = ngx_http_pxekit_status_handler;
    slcf->enable = 1;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_pxekit_status_module);
    smcf->used = 1;

    return NGX_CONF_OK;
}


static char *
ngx_http_pxekit_status_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pxekit_status_main_conf_t *smcf = conf;

    ssize_t                         size;
    ngx_str_t                      *value;
    ngx_shm_zone_t                 *zone;
    ngx_http_pxekit_status_ctx_t   *ctx;

    if (smcf->zone) {
        return "is duplicate";
    }

    value = cf->args->elts;

    size = ngx_parse_size(&value[2]);

    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_status_zone \"%V\": invalid size \"%V\"",
                           &value[1], &value[2]);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (16 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_status_zone \"%V\" of \"%V\" is too "
                           "small: at least %uzk",
                           &value[1], &value[2], 16 * ngx_pagesize / 1024);
        return NGX_CONF_ERROR;
    }

    ctx = ngx_pcalloc(cf->pool, sizeof(ngx_http_pxekit_status_ctx_t));
    if (ctx == NULL) {
        return NGX_CONF_ERROR;
    }

    zone = ngx_shared_memory_add(cf, &value[1], size,
                                 &ngx_http_pxekit_status_module);
    if (zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_status_zone \"%V\" is already used",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    zone->init = ngx_http_pxekit_status_init_zone;
    zone->data = ctx;

    smcf->zone = zone;

    return NGX_CONF_OK;
}


static void *
ngx_http_pxekit_status_create_main_conf(ngx_conf_t *cf)
{
    ngx_http_pxekit_status_main_conf_t  *smcf;

    smcf = ngx_pcalloc(cf->pool, sizeof(ngx_http_pxekit_status_main_conf_t));
    if (smcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     smcf->zone = NULL;
     *     smcf->used = 0;
     */

    return smcf;
}


static void *
ngx_http_pxekit_status_create_loc_conf(ngx_conf_t *cf)
{
    /* set by ngx_pcalloc(): slcf->enable = 0 */

    return ngx_pcalloc(cf->pool, sizeof(ngx_http_pxekit_status_loc_conf_t));
}


/*
 * Not inherited: the flag only remembers where pxekit_status was written,
 * to catch a handler (pxekit) set after it in the same location.
 */

static char *
ngx_http_pxekit_status_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child)
{
    ngx_http_pxekit_status_loc_conf_t *conf = child;

    ngx_http_core_loc_conf_t  *clcf;

    if (!conf->enable) {
        return NGX_CONF_OK;
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (clcf->handler != ngx_http_pxekit_status_handler) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"pxekit_status\" cannot share a location with "
                           "another handler (pxekit, proxy_pass, ...)");
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_http_pxekit_status_init(ngx_conf_t *cf)
{
    ngx_http_handler_pt                 *h;
    ngx_http_core_main_conf_t           *cmcf;
    ngx_http_pxekit_status_main_conf_t  *smcf;

    smcf = ngx_http_conf_get_module_main_conf(cf,
                                              ngx_http_pxekit_status_module);

    if (smcf->zone == NULL) {
        if (smcf->used) {
            ngx_log_error(NGX_LOG_EMERG, cf->log, 0,
                          "\"pxekit_status\" needs \"pxekit_status_zone\" "
                          "in the http block");
            return NGX_ERROR;
        }

        /* nothing to count: no handler, no cost */
        return NGX_OK;
    }

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_LOG_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_pxekit_status_log_handler;

    return NGX_OK;
}
