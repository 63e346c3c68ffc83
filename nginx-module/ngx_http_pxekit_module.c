
/*
 * Copyright (C) pxekit authors
 *
 * ngx_http_pxekit_module: serves a directory of SmartOS platform builds
 * to iPXE: a generated menu, per-build boot scripts, builds.json, and the
 * kernels and boot archives of every on-disk layout (<build>/platform/,
 * platform-<build>/, platform_<build>/, an unversioned platform/) behind
 * canonical URLs.  What a path means, what a script says and where a build lives
 * are decided by libpxekit; this module translates requests and serves
 * files the way the static module does, so nginx's range, not-modified
 * and sendfile machinery applies unchanged.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "pxekit.h"
#include "ngx_http_pxekit_status.h"
#include "ngx_http_pxekit_cache.h"


#define NGX_HTTP_PXEKIT_MENUS  4


typedef struct {
    ngx_uint_t                  refs;
    pxe_buf_t                   body;
    ngx_str_t                   etag;
    ngx_uint_t                  generation;
    pxe_console_e               console;
    u_char                      build[PXE_BUILDNAME_LEN + 1];
    size_t                      args_len;
    u_char                      args[PXE_KERNEL_ARGS_MAX];
    u_char                      etag_data[NGX_INT64_LEN * 3 + 4];
} ngx_http_pxekit_menu_t;


typedef struct {
    pxe_scan_t                  scan;
    ngx_uint_t                  generation;
    uint64_t                    stamp;
    time_t                      checked;
    time_t                      newest;
    unsigned                    scanned:1;
    unsigned                    racy:1;
    /* a few menus: a default build from "map $arg_mac" varies per client */
    ngx_http_pxekit_menu_t     *menus[NGX_HTTP_PXEKIT_MENUS];
    ngx_uint_t                  next_menu;

    /* the last file mapped: sanboot asks for one file many times */
    const pxe_build_t          *last_build;
    ngx_uint_t                  last_generation;
    pxe_file_e                  last_file;
    ngx_str_t                   path;          /* root "/" relative path */
    size_t                      root_len;
} ngx_http_pxekit_cache_t;


typedef struct {
    ngx_flag_t                  enable;
    ngx_str_t                   root;
    ngx_http_complex_value_t   *default_build;
    ngx_http_complex_value_t   *kernel_args;
    ngx_uint_t                  console;
    ngx_msec_t                  timeout;
    ngx_str_t                   root_shadow;
    ngx_str_t                   include;
    ngx_uint_t                  consoles;
    ngx_flag_t                  kmdb;
    ngx_str_t                   efi_chain;
    ngx_array_t                *modules;       /* of pxe_module_t */
    ngx_str_t                   node_root;
    ngx_str_t                   hosts;
    time_t                      menu_max_age;
    time_t                      file_max_age;
    /* the Cache-Control value of each pxe_cache_e */
    ngx_str_t                   cache_control[PXE_CACHE_NO_STORE + 1];
    time_t                      settle;
    ngx_http_pxekit_cache_t    *cache;
} ngx_http_pxekit_loc_conf_t;


static ngx_int_t ngx_http_pxekit_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_pxekit_serve(ngx_http_request_t *r);
static void ngx_http_pxekit_log_layouts(ngx_log_t *log,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_scan_t *scan);
static ngx_int_t ngx_http_pxekit_refresh(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf);
static ngx_int_t ngx_http_pxekit_opts(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_ipxe_opts_t *opts,
    ngx_str_t *args);
static ngx_int_t ngx_http_pxekit_menu(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_route_t *route);
static ngx_int_t ngx_http_pxekit_script(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_route_t *route);
static ngx_int_t ngx_http_pxekit_json(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_route_t *route);
static ngx_int_t ngx_http_pxekit_file(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_route_t *route);
static ngx_int_t ngx_http_pxekit_send_file(ngx_http_request_t *r,
    ngx_str_t *path, pxe_cache_e cls);
static ngx_int_t ngx_http_pxekit_node(ngx_http_request_t *r, u_char *node);
static void ngx_http_pxekit_modules_present(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_ipxe_opts_t *opts);
static ngx_int_t ngx_http_pxekit_module_file(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_route_t *route);
static ngx_int_t ngx_http_pxekit_host(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_route_t *route,
    pxe_ipxe_opts_t *opts, u_char *build);
static ngx_int_t ngx_http_pxekit_send_body(ngx_http_request_t *r,
    pxe_buf_t *body, time_t mtime, pxe_cache_e cls);
static ngx_int_t ngx_http_pxekit_send_memory(ngx_http_request_t *r,
    u_char *data, size_t len, time_t mtime, ngx_str_t *etag,
    ngx_str_t *type, pxe_cache_e cls);
static void ngx_http_pxekit_set_etag(ngx_str_t *etag, u_char *buf,
    time_t mtime, size_t len, u_char *data);
static void ngx_http_pxekit_check_cmdline(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_ipxe_opts_t *opts);
static void ngx_http_pxekit_menu_release(void *data);
static void *ngx_http_pxekit_pool_alloc(void *ctx, size_t size);
static void ngx_http_pxekit_cleanup(void *data);

static char *ngx_http_pxekit(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_pxekit_default_build(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_pxekit_kernel_args(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_pxekit_console(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_pxekit_root_shadow(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_pxekit_menu_include(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_pxekit_menu_consoles(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_pxekit_efi_chain(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_pxekit_module_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_http_pxekit_dir(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_pxekit_max_age(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void *ngx_http_pxekit_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_pxekit_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);


static ngx_conf_post_handler_pt  ngx_http_pxekit_efi_chain_post =
    ngx_http_pxekit_efi_chain;


static ngx_command_t  ngx_http_pxekit_commands[] = {

    { ngx_string("pxekit"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_http_pxekit,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pxekit_root"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pxekit_dir,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, root),
      NULL },

    { ngx_string("pxekit_default_build"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pxekit_default_build,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, default_build),
      NULL },

    { ngx_string("pxekit_kernel_args"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pxekit_kernel_args,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, kernel_args),
      NULL },

    { ngx_string("pxekit_console"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pxekit_console,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pxekit_menu_timeout"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, timeout),
      NULL },

    { ngx_string("pxekit_settle"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, settle),
      NULL },

    { ngx_string("pxekit_root_shadow"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pxekit_root_shadow,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pxekit_menu_include"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pxekit_menu_include,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pxekit_menu_consoles"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_1MORE,
      ngx_http_pxekit_menu_consoles,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pxekit_module"),
      NGX_HTTP_LOC_CONF|NGX_CONF_2MORE,
      ngx_http_pxekit_module_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("pxekit_menu_kmdb"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, kmdb),
      NULL },

    { ngx_string("pxekit_efi_chain"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_str_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, efi_chain),
      &ngx_http_pxekit_efi_chain_post },

    { ngx_string("pxekit_node_root"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pxekit_dir,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, node_root),
      NULL },

    { ngx_string("pxekit_hosts"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pxekit_dir,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, hosts),
      NULL },

    { ngx_string("pxekit_menu_max_age"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pxekit_max_age,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, menu_max_age),
      NULL },

    { ngx_string("pxekit_file_max_age"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_pxekit_max_age,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_http_pxekit_loc_conf_t, file_max_age),
      NULL },

      ngx_null_command
};


static ngx_http_module_t  ngx_http_pxekit_module_ctx = {
    NULL,                                  /* preconfiguration */
    NULL,                                  /* postconfiguration */

    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_pxekit_create_loc_conf,       /* create location configuration */
    ngx_http_pxekit_merge_loc_conf         /* merge location configuration */
};


ngx_module_t  ngx_http_pxekit_module = {
    NGX_MODULE_V1,
    &ngx_http_pxekit_module_ctx,           /* module context */
    ngx_http_pxekit_commands,              /* module directives */
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


static ngx_str_t  ngx_http_pxekit_script_type = ngx_string("text/plain");
static ngx_str_t  ngx_http_pxekit_json_type = ngx_string("application/json");


static ngx_int_t
ngx_http_pxekit_handler(ngx_http_request_t *r)
{
    ngx_int_t  rc;

    rc = ngx_http_pxekit_serve(r);

    ngx_http_pxekit_status_answer(r, rc);

    return rc;
}


static ngx_int_t
ngx_http_pxekit_serve(ngx_http_request_t *r)
{
    u_char                      *p;
    size_t                       len;
    ngx_int_t                    rc;
    pxe_route_t                  route;
    ngx_http_core_loc_conf_t    *clcf;
    ngx_http_pxekit_loc_conf_t  *plcf;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);
    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pxekit_module);

    if (r->uri.len < clcf->name.len
        || ngx_strncmp(r->uri.data, clcf->name.data, clcf->name.len) != 0)
    {
        return NGX_HTTP_NOT_FOUND;
    }

    p = r->uri.data + clcf->name.len;
    len = r->uri.len - clcf->name.len;

    /* "location /smartos" sees "/menu.ipxe" after its prefix */

    if (len && *p == '/'
        && (clcf->name.len == 0 || clcf->name.data[clcf->name.len - 1] != '/'))
    {
        p++;
        len--;
    }

    rc = pxe_route((char *) p, len, &route);

    ngx_log_debug3(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "http pxekit route \"%*s\": %d", len, p, rc);

    ngx_http_pxekit_status_route(r, &plcf->cache->scan,
                                 rc == PXE_OK ? &route : NULL);

    if (rc != PXE_OK) {
        return pxe_route_http_status(rc);
    }

    rc = ngx_http_discard_request_body(r);

    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_http_pxekit_refresh(r, plcf) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    switch (route.kind) {

    case PXE_ROUTE_MENU:
        return ngx_http_pxekit_menu(r, plcf, &route);

    case PXE_ROUTE_SCRIPT:
        return ngx_http_pxekit_script(r, plcf, &route);

    case PXE_ROUTE_BUILDS_JSON:
        return ngx_http_pxekit_json(r, plcf, &route);

    case PXE_ROUTE_MODULE:
        return ngx_http_pxekit_module_file(r, plcf, &route);

    default: /* PXE_ROUTE_FILE */
        return ngx_http_pxekit_file(r, plcf, &route);
    }
}


/*
 * The scan is cached per worker and revalidated at most once a second by
 * a stat of the root and of each build directory; a full rescan happens
 * only when that fingerprint changes.  A change that lands between a scan
 * and its fingerprint would be missed, so every rescan is followed by one
 * more at the next check.
 */

/*
 * What the scan found on disk but does not serve as it is: a build in
 * more than one layout (the core picked one) and an unversioned platform/
 * without a valid stamp.  Logged once per change of the tree.
 */

static void
ngx_http_pxekit_log_layouts(ngx_log_t *log, ngx_http_pxekit_loc_conf_t *plcf,
    pxe_scan_t *scan)
{
    size_t              i;
    const pxe_build_t  *b;

    for (i = 0; i < scan->nbuilds; i++) {
        b = &scan->builds[i];

        if (b->also != 0) {
            ngx_log_error(NGX_LOG_WARN, log, 0,
                          "pxekit: build %s is in more than one layout "
                          "under \"%V\": serving %s, ignoring the others",
                          b->name, &plcf->root, pxe_layout_form(b->layout));
        }
    }

    if (scan->unversioned == PXE_STAMP_MISSING
        || scan->unversioned == PXE_STAMP_INVALID)
    {
        ngx_log_error(NGX_LOG_WARN, log, 0, "pxekit: \"%V\": %s",
                      &plcf->root, pxe_stamp_describe(scan->unversioned));
    }
}


static ngx_int_t
ngx_http_pxekit_refresh(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf)
{
    int                       rc;
    time_t                    now;
    uint64_t                  stamp;
    pxe_scan_t                scan;
    struct timeval            start;
    ngx_http_pxekit_cache_t  *cache;

    cache = plcf->cache;
    now = ngx_time();

    if (cache->scanned && cache->checked == now) {
        return NGX_OK;
    }

    cache->checked = now;

    /* a build still settling is due another look when it has settled,
       whether or not anything moved since */
    if (cache->scanned && !cache->racy
        && (cache->scan.settle_at == 0 || now < cache->scan.settle_at)
        && pxe_scan_stamp((char *) plcf->root.data, &cache->scan, &stamp)
           == PXE_OK
        && stamp == cache->stamp)
    {
        return NGX_OK;
    }

    ngx_gettimeofday(&start);

    rc = pxe_scan_settle((char *) plcf->root.data, 0,
                         (unsigned) plcf->settle, now,
                         cache->scanned ? &cache->scan : NULL, &scan);

    if (rc != PXE_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log,
                      rc == PXE_EIO ? ngx_errno : 0,
                      "pxekit scan of \"%V\" failed: %s",
                      &plcf->root, pxe_strerror(rc));

        return cache->scanned ? NGX_OK : NGX_ERROR;
    }

    stamp = scan.stamp;

    if (!cache->scanned || stamp != cache->stamp) {
        ngx_http_pxekit_log_layouts(r->connection->log, plcf, &scan);
    }

    ngx_http_pxekit_status_scan(r, &plcf->root, &scan, &start);

    pxe_scan_free(&cache->scan);

    cache->scan = scan;
    cache->stamp = stamp;
    cache->newest = pxe_scan_newest(&scan);
    cache->generation++;
    cache->scanned = 1;
    cache->racy = !cache->racy;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "http pxekit scan: %uz builds, generation %ui",
                   scan.nbuilds, cache->generation);

    return NGX_OK;
}


/*
 * Values that reach a script: the console from "?console=", the default
 * build and the kernel args from complex values.  Each goes through the
 * core's check; a value that fails it is dropped and logged, never
 * interpolated.
 */

static ngx_int_t
ngx_http_pxekit_opts(ngx_http_request_t *r, ngx_http_pxekit_loc_conf_t *plcf,
    pxe_ipxe_opts_t *opts, ngx_str_t *args)
{
    ngx_str_t      value;
    pxe_console_e  console;

    ngx_memzero(opts, sizeof(pxe_ipxe_opts_t));

    opts->console = (pxe_console_e) plcf->console;
    opts->timeout_ms = (unsigned) plcf->timeout;

    if (ngx_http_arg(r, (u_char *) "console", 7, &value) == NGX_OK
        && pxe_console_parse((char *) value.data, value.len, &console)
           == PXE_OK)
    {
        opts->console = console;
    }

    ngx_str_null(args);

    if (plcf->kernel_args) {
        if (ngx_http_complex_value(r, plcf->kernel_args, args) != NGX_OK) {
            return NGX_ERROR;
        }

        if (pxe_ipxe_check_kernel_args((char *) args->data, args->len)
            != PXE_OK)
        {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "pxekit_kernel_args value \"%V\" is not safe "
                          "in a script, ignored", args);
            ngx_str_null(args);
        }
    }

    if (args->len) {
        opts->kernel_args = (char *) args->data;
        opts->kernel_args_len = args->len;
    }

    if (plcf->root_shadow.len) {
        opts->root_shadow = (char *) plcf->root_shadow.data;
        opts->root_shadow_len = plcf->root_shadow.len;
    }

    if (plcf->include.len) {
        opts->include = (char *) plcf->include.data;
        opts->include_len = plcf->include.len;
    }

    opts->consoles = (unsigned) plcf->consoles;
    opts->kmdb = (unsigned) plcf->kmdb;

    if (plcf->efi_chain.len) {
        opts->efi_chain = (char *) plcf->efi_chain.data;
        opts->efi_chain_len = plcf->efi_chain.len;
    }

    if (plcf->modules) {
        ngx_http_pxekit_modules_present(r, plcf, opts);
    }

    return NGX_OK;
}


/*
 * The node a request is for: the menu URL's "mac" argument, as the core
 * validates and writes it ("aa-bb-cc-dd-ee-ff"); NGX_DECLINED without
 * one.  No other client value names a node.
 */

static ngx_int_t
ngx_http_pxekit_node(ngx_http_request_t *r, u_char *node)
{
    u_char     *dst, *src;
    ngx_str_t   value, mac;

    if (ngx_http_arg(r, (u_char *) "mac", 3, &value) != NGX_OK) {
        return NGX_DECLINED;
    }

    /* iPXE sends ${mac} percent-encoded: "52%3A54%3A..." */

    mac = value;

    if (ngx_strlchr(value.data, value.data + value.len, '%') != NULL) {
        dst = ngx_pnalloc(r->pool, value.len);
        if (dst == NULL) {
            return NGX_DECLINED;
        }

        mac.data = dst;
        src = value.data;

        ngx_unescape_uri(&dst, &src, value.len, 0);

        mac.len = dst - mac.data;
    }

    if (pxe_macfile((char *) mac.data, mac.len, (char *) node) != PXE_OK) {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "pxekit: \"mac=%V\" is not a MAC, ignored", &value);
        return NGX_DECLINED;
    }

    return NGX_OK;
}


/*
 * Which pxekit_module files exist for this node: a stat of each, through
 * the core's containment check, per menu (per-node files come and go
 * without a reload).
 */

static void
ngx_http_pxekit_modules_present(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_ipxe_opts_t *opts)
{
    int            rc;
    u_char        *node;
    ngx_str_t     *dir;
    pxe_buf_t      rel;
    ngx_uint_t     i, level;
    pxe_module_t  *m;
    char           path[PXE_PATH_MAX + 1];

    node = ngx_pnalloc(r->pool, PXE_MACFILE_LEN + 1);
    if (node != NULL && ngx_http_pxekit_node(r, node) == NGX_OK) {
        opts->node = (char *) node;
    }

    m = plcf->modules->elts;
    opts->modules = m;
    opts->nmodules = plcf->modules->nelts;

    for (i = 0; i < plcf->modules->nelts; i++) {
        if (m[i].per_node && opts->node == NULL) {
            continue;
        }

        dir = m[i].per_node ? &plcf->node_root : &plcf->root;

        pxe_buf_init_fixed(&rel, path, sizeof(path));

        rc = pxe_module_path(&m[i], opts->node, &rel);

        if (rc == PXE_OK) {
            rc = pxe_module_check_file((char *) dir->data, path);
        }

        if (rc == PXE_OK) {
            opts->modules_present |= 1u << i;

        } else if (rc != PXE_ENOENT || !m[i].optional) {
            level = (rc == PXE_ENOENT) ? NGX_LOG_WARN : NGX_LOG_ERR;

            ngx_log_error(level, r->connection->log, 0,
                          "pxekit_module \"%s\": \"%V/%s\": %s",
                          m[i].name, dir, path, pxe_strerror(rc));
        }
    }
}


static ngx_int_t
ngx_http_pxekit_menu(ngx_http_request_t *r, ngx_http_pxekit_loc_conf_t *plcf,
    pxe_route_t *route)
{
    int                       rc;
    ngx_str_t                 args, value;
    ngx_uint_t                i, n;
    pxe_ipxe_opts_t           opts;
    ngx_pool_cleanup_t       *cln;
    pxe_buf_t                 body;
    pxe_allocator_t           allocator;
    ngx_http_pxekit_menu_t   *menu;
    ngx_http_pxekit_cache_t  *cache;
    u_char                    build[PXE_BUILDNAME_LEN + 1];

    if (ngx_http_pxekit_opts(r, plcf, &opts, &args) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    build[0] = '\0';

    if (plcf->default_build) {
        if (ngx_http_complex_value(r, plcf->default_build, &value) != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (pxe_build_ref_parse((char *) value.data, value.len,
                                (char *) build)
            != PXE_OK)
        {
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "pxekit_default_build value \"%V\" is not "
                          "a build name, ignored", &value);
        }
    }

    if (plcf->hosts.len) {
        rc = ngx_http_pxekit_host(r, plcf, route, &opts, build);

        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    cache = plcf->cache;

    /* with per-node module lines the text is the node's own: not cached */

    if (plcf->modules) {
        allocator.alloc = ngx_http_pxekit_pool_alloc;
        allocator.free = NULL;
        allocator.ctx = r->pool;

        pxe_buf_init(&body, PXE_MENU_MAX, &allocator);

        rc = pxe_ipxe_menu(&cache->scan, build[0] ? (char *) build : NULL,
                           &opts, &body);

        if (rc != PXE_OK) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "pxekit menu failed: %s", pxe_strerror(rc));
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_http_pxekit_check_cmdline(r, plcf, &opts);

        return ngx_http_pxekit_send_body(r, &body, cache->newest,
                                         pxe_cache_class(route, 0));
    }

    for (i = 0; i < NGX_HTTP_PXEKIT_MENUS; i++) {
        menu = cache->menus[i];

        if (menu != NULL
            && menu->generation == cache->generation
            && menu->console == opts.console
            && ngx_strcmp(menu->build, build) == 0
            && menu->args_len == args.len
            && (args.len == 0
                || ngx_memcmp(menu->args, args.data, args.len) == 0))
        {
            break;
        }
    }

    if (i == NGX_HTTP_PXEKIT_MENUS) {
        menu = ngx_alloc(sizeof(ngx_http_pxekit_menu_t), r->connection->log);
        if (menu == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        pxe_buf_init(&menu->body, PXE_MENU_MAX, NULL);

        rc = pxe_ipxe_menu(&cache->scan, build[0] ? (char *) build : NULL,
                           &opts, &menu->body);

        if (rc != PXE_OK) {
            ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                          "pxekit menu failed: %s", pxe_strerror(rc));
            pxe_buf_free(&menu->body);
            ngx_free(menu);
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        menu->refs = 1;
        menu->generation = cache->generation;
        menu->console = opts.console;
        ngx_memcpy(menu->build, build, sizeof(build));
        menu->args_len = args.len;

        if (args.len) {
            ngx_memcpy(menu->args, args.data, args.len);
        }

        ngx_http_pxekit_set_etag(&menu->etag, menu->etag_data, cache->newest,
                                 menu->body.len, (u_char *) menu->body.data);

        ngx_http_pxekit_check_cmdline(r, plcf, &opts);

        /* the oldest slot goes; a slot of an old generation goes first */

        i = cache->next_menu;

        for (n = 0; n < NGX_HTTP_PXEKIT_MENUS; n++) {
            if (cache->menus[n] == NULL
                || cache->menus[n]->generation != cache->generation)
            {
                i = n;
                break;
            }
        }

        if (i == cache->next_menu) {
            cache->next_menu = (i + 1) % NGX_HTTP_PXEKIT_MENUS;
        }

        if (cache->menus[i]) {
            ngx_http_pxekit_menu_release(cache->menus[i]);
        }

        cache->menus[i] = menu;
    }

    /* the body outlives a rescan while this request still sends it */

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    cln->handler = ngx_http_pxekit_menu_release;
    cln->data = menu;
    menu->refs++;

    return ngx_http_pxekit_send_memory(r, (u_char *) menu->body.data,
                                       menu->body.len, cache->newest,
                                       &menu->etag,
                                       &ngx_http_pxekit_script_type,
                                       pxe_cache_class(route, 0));
}


/*
 * pxekit_hosts: the node's file may pin the default (build, written
 * into the menu's key), or replace the menu by the local disk or by a
 * build booted once.  Only a GET uses up a once= (a HEAD only looks).
 * A file that cannot be used is logged and the normal menu served.
 */

static ngx_int_t
ngx_http_pxekit_host(ngx_http_request_t *r, ngx_http_pxekit_loc_conf_t *plcf,
    pxe_route_t *route, pxe_ipxe_opts_t *opts, u_char *build)
{
    int                   rc;
    u_char                node[PXE_MACFILE_LEN + 1];
    ngx_log_t            *log;
    pxe_buf_t             body;
    pxe_host_t            h;
    pxe_allocator_t       allocator;
    pxe_host_decision_t   d;

    if (ngx_http_pxekit_node(r, node) != NGX_OK) {
        return NGX_DECLINED;
    }

    log = r->connection->log;

    rc = pxe_host_take((char *) plcf->hosts.data, (char *) node,
                       &plcf->cache->scan, r->method == NGX_HTTP_GET,
                       &h, &d);

    switch (rc) {

    case PXE_OK:
        break;

    case PXE_ENOENT:
        return NGX_DECLINED;

    case PXE_ESYNTAX:
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "pxekit_hosts \"%V/%s\" does not parse at line %uz, "
                      "ignored", &plcf->hosts, node, h.line);
        return NGX_DECLINED;

    default:
        ngx_log_error(NGX_LOG_ERR, log, rc == PXE_EIO ? ngx_errno : 0,
                      "pxekit_hosts \"%V/%s\": %s%s", &plcf->hosts, node,
                      pxe_strerror(rc),
                      d.action == PXE_HOST_MENU && d.build == NULL
                      ? ", ignored" : ", once= not used");

        if (d.action == PXE_HOST_MENU && d.build == NULL) {
            return NGX_DECLINED;
        }
    }

    if (d.once_unusable) {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "pxekit_hosts \"%V/%s\": once=%s is not a bootable "
                      "build, ignored", &plcf->hosts, node,
                      h.once[0] ? h.once : PXE_BUILD_LATEST);
    }

    if (d.build_unusable) {
        ngx_log_error(NGX_LOG_WARN, log, 0,
                      "pxekit_hosts \"%V/%s\": build=%s is not a bootable "
                      "build, ignored", &plcf->hosts, node,
                      h.build[0] ? h.build : PXE_BUILD_LATEST);
    }

    if (d.action == PXE_HOST_MENU) {
        if (d.build != NULL) {
            ngx_memcpy(build, d.build->name, PXE_BUILDNAME_LEN + 1);
        }

        return NGX_DECLINED;
    }

    allocator.alloc = ngx_http_pxekit_pool_alloc;
    allocator.free = NULL;
    allocator.ctx = r->pool;

    pxe_buf_init(&body, PXE_SCRIPT_MAX, &allocator);

    if (d.action == PXE_HOST_LOCAL) {
        rc = pxe_ipxe_local(&body);

    } else {
        if (r->method == NGX_HTTP_GET) {
            ngx_log_error(NGX_LOG_NOTICE, log, 0,
                          "pxekit_hosts \"%V/%s\": booting %s once",
                          &plcf->hosts, node, d.build->name);
        }

        rc = pxe_ipxe_boot_now(d.build, opts, &body);
    }

    if (rc != PXE_OK) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "pxekit host script failed: %s", pxe_strerror(rc));
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    /* a once= answer, even to a HEAD, is never to be replayed */

    return ngx_http_pxekit_send_body(r, &body, ngx_time(),
                                     pxe_cache_class(route,
                                                 d.action == PXE_HOST_ONCE));
}


/* A script built for this request alone, in its pool. */

static ngx_int_t
ngx_http_pxekit_send_body(ngx_http_request_t *r, pxe_buf_t *body,
    time_t mtime, pxe_cache_e cls)
{
    u_char     *etag_data;
    ngx_str_t   etag;

    etag_data = ngx_pnalloc(r->pool, NGX_INT64_LEN * 3 + 4);
    if (etag_data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_pxekit_set_etag(&etag, etag_data, mtime, body->len,
                             (u_char *) body->data);

    return ngx_http_pxekit_send_memory(r, (u_char *) body->data, body->len,
                                       mtime, &etag,
                                       &ngx_http_pxekit_script_type, cls);
}


/*
 * iPXE turns the relative URLs into absolute ones and packs the kernel
 * and module lines into one 512-byte buffer, cutting silently.  The URL
 * this client used is the best guess of what it will resolve; counting
 * it exactly (not the longer "https://" for every request) keeps the
 * warning at iPXE's own limit, which tests/e2e/budget.test checks.
 */

static void
ngx_http_pxekit_check_cmdline(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_ipxe_opts_t *opts)
{
    size_t      base, len;
    ngx_str_t  *host;

    host = r->headers_in.host ? &r->headers_in.host->value
                              : &r->headers_in.server;

    base = sizeof("http://") - 1 + host->len
           + r->uri.len - (sizeof("menu.ipxe") - 1);
#if (NGX_HTTP_SSL)
    if (r->connection->ssl) {
        base++;
    }
#endif

    if (pxe_ipxe_cmdline_max(&plcf->cache->scan, opts, base, &len) == PXE_OK
        && len > PXE_MULTIBOOT_CMDLINE_MAX)
    {
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "pxekit: boot lines of up to %uz bytes for \"%V%V\" "
                      "pass iPXE's %d-byte multiboot command line, which "
                      "it cuts silently; shorten the host name, the "
                      "location or pxekit_kernel_args",
                      len, host, &r->uri, PXE_MULTIBOOT_CMDLINE_MAX);
    }
}


static void
ngx_http_pxekit_menu_release(void *data)
{
    ngx_http_pxekit_menu_t  *menu = data;

    if (--menu->refs == 0) {
        pxe_buf_free(&menu->body);
        ngx_free(menu);
    }
}


static void *
ngx_http_pxekit_pool_alloc(void *ctx, size_t size)
{
    return ngx_pnalloc(ctx, size);
}


static ngx_int_t
ngx_http_pxekit_script(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_route_t *route)
{
    int                 rc;
    u_char             *etag_data;
    ngx_str_t           args, etag;
    pxe_buf_t           body;
    pxe_ipxe_opts_t     opts;
    pxe_allocator_t     allocator;
    const pxe_build_t  *build;

    build = pxe_scan_pick(&plcf->cache->scan, route->name);

    if (build == NULL) {
        ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                       "http pxekit: no such bootable build");
        return NGX_HTTP_NOT_FOUND;
    }

    if (ngx_http_pxekit_opts(r, plcf, &opts, &args) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    allocator.alloc = ngx_http_pxekit_pool_alloc;
    allocator.free = NULL;
    allocator.ctx = r->pool;

    pxe_buf_init(&body, PXE_SCRIPT_MAX, &allocator);

    rc = pxe_ipxe_script(build, &opts, &body);

    if (rc != PXE_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "pxekit script of \"%s\" failed: %s",
                      build->name, pxe_strerror(rc));
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    etag_data = ngx_pnalloc(r->pool, NGX_INT64_LEN * 3 + 4);
    if (etag_data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_pxekit_set_etag(&etag, etag_data, build->mtime, body.len,
                             (u_char *) body.data);

    return ngx_http_pxekit_send_memory(r, (u_char *) body.data, body.len,
                                       build->mtime, &etag,
                                       &ngx_http_pxekit_script_type,
                                       pxe_cache_class(route, 0));
}


static ngx_int_t
ngx_http_pxekit_json(ngx_http_request_t *r, ngx_http_pxekit_loc_conf_t *plcf,
    pxe_route_t *route)
{
    int              rc;
    u_char          *etag_data;
    ngx_str_t        etag;
    pxe_buf_t        body;
    pxe_allocator_t  allocator;

    allocator.alloc = ngx_http_pxekit_pool_alloc;
    allocator.free = NULL;
    allocator.ctx = r->pool;

    pxe_buf_init(&body, PXE_JSON_MAX, &allocator);

    rc = pxe_buildsjson(&plcf->cache->scan, &body);

    if (rc != PXE_OK) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "pxekit builds.json failed: %s", pxe_strerror(rc));
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    etag_data = ngx_pnalloc(r->pool, NGX_INT64_LEN * 3 + 4);
    if (etag_data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_http_pxekit_set_etag(&etag, etag_data, plcf->cache->newest, body.len,
                             (u_char *) body.data);

    return ngx_http_pxekit_send_memory(r, (u_char *) body.data, body.len,
                                       plcf->cache->newest, &etag,
                                       &ngx_http_pxekit_json_type,
                                       pxe_cache_class(route, 0));
}


/*
 * A generated body's ETag also carries a CRC of the bytes: the console,
 * the default build or the kernel args may change the text without
 * changing its length or the builds' mtime.
 */

static void
ngx_http_pxekit_set_etag(ngx_str_t *etag, u_char *buf, time_t mtime,
    size_t len, u_char *data)
{
    etag->data = buf;
    etag->len = ngx_sprintf(buf, "\"%xT-%xz-%08xD\"", mtime, len,
                            ngx_crc32_long(data, len))
                - buf;
}


static ngx_int_t
ngx_http_pxekit_send_memory(ngx_http_request_t *r, u_char *data, size_t len,
    time_t mtime, ngx_str_t *etag, ngx_str_t *type, pxe_cache_e cls)
{
    ngx_int_t                    rc;
    ngx_buf_t                   *b;
    ngx_chain_t                  out;
    ngx_table_elt_t             *h;
    ngx_http_pxekit_loc_conf_t  *plcf;

    r->connection->log->action = "sending response to client";

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = len;
    r->headers_out.last_modified_time = mtime;
    r->headers_out.content_type = *type;
    r->headers_out.content_type_len = type->len;
    r->headers_out.content_type_lowcase = NULL;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "ETag");
    h->value = *etag;
    r->headers_out.etag = h;

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pxekit_module);

    if (ngx_http_pxekit_cache_control(r, &plcf->cache_control[cls])
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    r->allow_ranges = 1;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b->pos = data;
    b->last = data + len;
    b->memory = 1;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static ngx_int_t
ngx_http_pxekit_file(ngx_http_request_t *r, ngx_http_pxekit_loc_conf_t *plcf,
    pxe_route_t *route)
{
    int                        rc;
    ngx_str_t                  path;
    ngx_log_t                 *log;
    pxe_buf_t                  rel;
    const pxe_build_t         *build;
    ngx_http_pxekit_cache_t   *cache;

    log = r->connection->log;

    build = pxe_scan_find(&plcf->cache->scan, route->name, PXE_BUILDNAME_LEN);

    if (build == NULL) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, log, 0,
                       "http pxekit: no build \"%s\"", route->name);
        return NGX_HTTP_NOT_FOUND;
    }

    cache = plcf->cache;

    if (cache->last_build != build
        || cache->last_generation != cache->generation
        || cache->last_file != route->file)
    {
        cache->last_build = NULL;

        pxe_buf_init_fixed(&rel, (char *) cache->path.data + cache->root_len,
                           PXE_PATH_MAX + 1);

        /* the core maps the file and refuses one that leaves the root */

        rc = pxe_build_file(build, route->file, &rel);

        if (rc == PXE_ESYMLINK) {
            ngx_log_error(NGX_LOG_ERR, log, 0,
                          "pxekit: \"%V\" leaves pxekit_root \"%V\", "
                          "refused", &r->uri, &plcf->root);
            return NGX_HTTP_FORBIDDEN;
        }

        if (rc != PXE_OK) {
            ngx_log_debug2(NGX_LOG_DEBUG_HTTP, log, 0,
                           "http pxekit: build \"%s\" has no file %d",
                           build->name, (int) route->file);
            return NGX_HTTP_NOT_FOUND;
        }

        cache->path.len = cache->root_len + rel.len;
        cache->last_build = build;
        cache->last_generation = cache->generation;
        cache->last_file = route->file;
    }

    /* the request keeps its own copy: the next one may overwrite ours */

    path.len = cache->path.len;
    path.data = ngx_pnalloc(r->pool, path.len + 1);
    if (path.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(path.data, cache->path.data, path.len + 1);

    return ngx_http_pxekit_send_file(r, &path, pxe_cache_class(route, 0));
}


/*
 * pxekit_module files: the name from the URL picks the module, the MAC
 * in the path (already checked by the core) picks the node's file, and
 * the core checks the file stays in its directory before it is opened.
 */

static ngx_int_t
ngx_http_pxekit_module_file(ngx_http_request_t *r,
    ngx_http_pxekit_loc_conf_t *plcf, pxe_route_t *route)
{
    int            rc;
    u_char        *p;
    size_t         len;
    ngx_str_t      path, *dir;
    pxe_buf_t      rel;
    ngx_uint_t     i;
    pxe_module_t  *m;

    if (plcf->modules == NULL) {
        return NGX_HTTP_NOT_FOUND;
    }

    m = plcf->modules->elts;

    for (i = 0; i < plcf->modules->nelts; i++) {
        p = (u_char *) m[i].name;

        if (*p == '/') {
            p++;
        }

        len = ngx_strlen(p);

        if (len == route->module_len
            && ngx_strncmp(p, route->module, len) == 0
            && m[i].per_node == (route->node[0] != '\0'))
        {
            break;
        }
    }

    if (i == plcf->modules->nelts) {
        return NGX_HTTP_NOT_FOUND;
    }

    dir = m[i].per_node ? &plcf->node_root : &plcf->root;

    path.data = ngx_pnalloc(r->pool, dir->len + 1 + PXE_PATH_MAX + 1);
    if (path.data == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_cpymem(path.data, dir->data, dir->len);
    *p++ = '/';

    pxe_buf_init_fixed(&rel, (char *) p, PXE_PATH_MAX + 1);

    rc = pxe_module_path(&m[i], m[i].per_node ? route->node : NULL, &rel);

    if (rc == PXE_OK) {
        rc = pxe_module_check_file((char *) dir->data, (char *) p);
    }

    if (rc == PXE_ESYMLINK || rc == PXE_ENOTREG) {
        ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                      "pxekit_module \"%s\": \"%V/%s\": %s, refused",
                      m[i].name, dir, p, pxe_strerror(rc));
        return NGX_HTTP_FORBIDDEN;
    }

    if (rc != PXE_OK) {
        return NGX_HTTP_NOT_FOUND;
    }

    path.len = dir->len + 1 + rel.len;

    return ngx_http_pxekit_send_file(r, &path, pxe_cache_class(route, 0));
}


/* As the static module sends a file: ranges, HEAD and 304 by nginx. */

static ngx_int_t
ngx_http_pxekit_send_file(ngx_http_request_t *r, ngx_str_t *path_in,
    pxe_cache_e cls)
{
    ngx_int_t                    rc;
    ngx_int_t                    status;
    ngx_uint_t                   level;
    ngx_str_t                    path;
    ngx_log_t                   *log;
    ngx_buf_t                   *b;
    ngx_chain_t                  out;
    ngx_open_file_info_t         of;
    ngx_http_core_loc_conf_t    *clcf;
    ngx_http_pxekit_loc_conf_t  *plcf;

    log = r->connection->log;
    path = *path_in;

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, log, 0,
                   "http pxekit filename: \"%s\"", path.data);

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    ngx_memzero(&of, sizeof(ngx_open_file_info_t));

    of.read_ahead = clcf->read_ahead;
    of.directio = clcf->directio;
    of.valid = clcf->open_file_cache_valid;
    of.min_uses = clcf->open_file_cache_min_uses;
    of.errors = clcf->open_file_cache_errors;
    of.events = clcf->open_file_cache_events;

    if (ngx_http_set_disable_symlinks(r, clcf, &path, &of) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_open_cached_file(clcf->open_file_cache, &path, &of, r->pool)
        != NGX_OK)
    {
        switch (of.err) {

        case 0:
            return NGX_HTTP_INTERNAL_SERVER_ERROR;

        case NGX_ENOENT:
        case NGX_ENOTDIR:
        case NGX_ENAMETOOLONG:

            level = NGX_LOG_ERR;
            status = NGX_HTTP_NOT_FOUND;
            break;

        case NGX_EACCES:
#if (NGX_HAVE_OPENAT)
        case NGX_EMLINK:
        case NGX_ELOOP:
#endif

            level = NGX_LOG_ERR;
            status = NGX_HTTP_FORBIDDEN;
            break;

        default:

            level = NGX_LOG_CRIT;
            status = NGX_HTTP_INTERNAL_SERVER_ERROR;
            break;
        }

        if (status != NGX_HTTP_NOT_FOUND || clcf->log_not_found) {
            ngx_log_error(level, log, of.err,
                          "%s \"%s\" failed", of.failed, path.data);
        }

        return status;
    }

    if (!of.is_file) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "\"%s\" is not a regular file", path.data);
        return NGX_HTTP_NOT_FOUND;
    }

    log->action = "sending response to client";

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = of.size;
    r->headers_out.last_modified_time = of.mtime;

    if (ngx_http_set_etag(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_http_set_content_type(r) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    plcf = ngx_http_get_module_loc_conf(r, ngx_http_pxekit_module);

    if (ngx_http_pxekit_cache_control(r, &plcf->cache_control[cls])
        != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (r != r->main && of.size == 0) {
        return ngx_http_send_header(r);
    }

    r->allow_ranges = 1;

    /* we need to allocate all before the header would be sent */

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    b->file = ngx_pcalloc(r->pool, sizeof(ngx_file_t));
    if (b->file == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    b->file_pos = 0;
    b->file_last = of.size;

    b->in_file = b->file_last ? 1 : 0;
    b->last_buf = (r == r->main) ? 1 : 0;
    b->last_in_chain = 1;

    b->file->fd = of.fd;
    b->file->name = path;
    b->file->log = log;
    b->file->directio = of.is_directio;

    out.buf = b;
    out.next = NULL;

    return ngx_http_output_filter(r, &out);
}


static void
ngx_http_pxekit_cleanup(void *data)
{
    ngx_http_pxekit_cache_t  *cache = data;

    ngx_uint_t  i;

    pxe_scan_free(&cache->scan);

    for (i = 0; i < NGX_HTTP_PXEKIT_MENUS; i++) {
        if (cache->menus[i]) {
            ngx_http_pxekit_menu_release(cache->menus[i]);
            cache->menus[i] = NULL;
        }
    }
}


static char *
ngx_http_pxekit(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pxekit_loc_conf_t *plcf = conf;

    ngx_http_core_loc_conf_t  *clcf;

    if (plcf->enable != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

#if (NGX_PCRE)
    if (clcf->regex) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"pxekit\" cannot be used in a regex location");
        return NGX_CONF_ERROR;
    }
#endif

    if (clcf->named) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"pxekit\" cannot be used in a named location");
        return NGX_CONF_ERROR;
    }

    plcf->enable = 1;
    clcf->handler = ngx_http_pxekit_handler;

    return NGX_CONF_OK;
}


static char *
ngx_http_pxekit_default_build(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pxekit_loc_conf_t *plcf = conf;

    char       *rv;
    char        name[PXE_BUILDNAME_LEN + 1];
    ngx_str_t  *value;

    rv = ngx_http_set_complex_value_slot(cf, cmd, conf);

    if (rv != NGX_CONF_OK) {
        return rv;
    }

    value = &plcf->default_build->value;

    if (plcf->default_build->lengths == NULL
        && pxe_build_ref_parse((char *) value->data, value->len, name)
           != PXE_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_default_build \"%V\" is neither "
                           "\"latest\" nor a build name like "
                           "\"20121004T212912Z\"", value);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_pxekit_kernel_args(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pxekit_loc_conf_t *plcf = conf;

    char       *rv;
    ngx_str_t  *value;

    rv = ngx_http_set_complex_value_slot(cf, cmd, conf);

    if (rv != NGX_CONF_OK) {
        return rv;
    }

    value = &plcf->kernel_args->value;

    if (plcf->kernel_args->lengths == NULL
        && pxe_ipxe_check_kernel_args((char *) value->data, value->len)
           != PXE_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_kernel_args \"%V\" is not a list of "
                           "-B options of at most %d characters "
                           "[A-Za-z0-9_.,:=/+@-]",
                           value, PXE_KERNEL_ARGS_MAX);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_pxekit_console(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pxekit_loc_conf_t *plcf = conf;

    ngx_str_t      *value;
    pxe_console_e   console;

    if (plcf->console != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (pxe_console_parse((char *) value[1].data, value[1].len, &console)
        != PXE_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_console \"%V\" is not one of "
                           "text, ttya, ttyb, ttyc, ttyd", &value[1]);
        return NGX_CONF_ERROR;
    }

    plcf->console = console;

    return NGX_CONF_OK;
}


static char *
ngx_http_pxekit_root_shadow(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pxekit_loc_conf_t *plcf = conf;

    ngx_str_t  *value;

    if (plcf->root_shadow.data) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (pxe_ipxe_check_root_shadow((char *) value[1].data, value[1].len)
        != PXE_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_root_shadow is not a crypt(3) hash of "
                           "at most %d characters [A-Za-z0-9./$=]",
                           PXE_ROOT_SHADOW_MAX);
        return NGX_CONF_ERROR;
    }

    plcf->root_shadow = value[1];

    return NGX_CONF_OK;
}


/* "pxekit_menu_consoles text ttya ...;" or "off": a bit per console */

static char *
ngx_http_pxekit_menu_consoles(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pxekit_loc_conf_t *plcf = conf;

    ngx_str_t      *value;
    ngx_uint_t      i;
    pxe_console_e   console;

    if (plcf->consoles != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;
    plcf->consoles = 0;

    if (cf->args->nelts == 2 && ngx_strcmp(value[1].data, "off") == 0) {
        return NGX_CONF_OK;
    }

    for (i = 1; i < cf->args->nelts; i++) {
        if (pxe_console_parse((char *) value[i].data, value[i].len, &console)
            != PXE_OK)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "pxekit_menu_consoles \"%V\" is not one of "
                               "text, ttya, ttyb, ttyc, ttyd (or off alone)",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        if (plcf->consoles & (1u << console)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "pxekit_menu_consoles \"%V\" is listed twice",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        plcf->consoles |= 1u << console;
    }

    return NGX_CONF_OK;
}


/* the post handler of pxekit_efi_chain (ngx_conf_set_str_slot) */

static char *
ngx_http_pxekit_efi_chain(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *url = data;

    if (pxe_ipxe_check_efi_chain((char *) url->data, url->len) != PXE_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_efi_chain \"%V\" is not an absolute "
                           "http://, https:// or tftp:// URL or /path of "
                           "at most %d characters [A-Za-z0-9_.,:=/+@%%?&~-]",
                           url, PXE_EFI_CHAIN_MAX);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_pxekit_menu_include(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_pxekit_loc_conf_t *plcf = conf;

    int               rc;
    char             *rv;
    u_char           *buf;
    off_t             size;
    ssize_t           n;
    ngx_fd_t          fd;
    ngx_str_t        *value, name;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    if (plcf->include.data) {
        return "is duplicate";
    }

    value = cf->args->elts;
    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);

    if (fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "pxekit_menu_include \"%V\" cannot be opened",
                           &name);
        return NGX_CONF_ERROR;
    }

    rv = NGX_CONF_ERROR;

    if (ngx_fd_info(fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "pxekit_menu_include \"%V\" cannot be read",
                           &name);
        goto done;
    }

    size = ngx_file_size(&fi);

    if (!ngx_is_file(&fi) || size > PXE_INCLUDE_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_menu_include \"%V\" is not a regular "
                           "file of at most %d bytes",
                           &name, PXE_INCLUDE_MAX);
        goto done;
    }

    buf = ngx_pnalloc(cf->pool, (size_t) size + 1);
    if (buf == NULL) {
        goto done;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.fd = fd;
    file.name = name;
    file.log = cf->log;

    n = ngx_read_file(&file, buf, (size_t) size, 0);

    if (n != (ssize_t) size) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "pxekit_menu_include \"%V\" cannot be read",
                           &name);
        goto done;
    }

    buf[size] = '\0';

    rc = pxe_ipxe_check_include((char *) buf, (size_t) size);

    if (rc != PXE_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_menu_include \"%V\" is not usable: %s "
                           "(control bytes, or a label of pxekit's own: "
                           "a build name, rescue-*, pxekit-*)",
                           &name, pxe_strerror(rc));
        goto done;
    }

    plcf->include.data = buf;
    plcf->include.len = (size_t) size;

    rv = NGX_CONF_OK;

done:

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, cf->log, ngx_errno,
                      ngx_close_file_n " \"%V\" failed", &name);
    }

    return rv;
}


/*
 * pxekit_module PATH name=NAME [type=TYPE] [optional]: the core parses
 * it; here only what needs the whole location: the count iPXE can load
 * and one URL per name.
 */

static char *
ngx_http_pxekit_module_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_pxekit_loc_conf_t *plcf = conf;

    int            rc;
    char          *a, *b;
    ngx_str_t     *value;
    pxe_str_t      words[4];
    ngx_uint_t     i;
    pxe_module_t  *m, *all;

    value = cf->args->elts;

    if (cf->args->nelts - 2 > 4) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_module takes PATH name=NAME "
                           "[type=TYPE] [optional]");
        return NGX_CONF_ERROR;
    }

    if (plcf->modules == NULL) {
        plcf->modules = ngx_array_create(cf->pool, PXE_MODULES_MAX,
                                         sizeof(pxe_module_t));
        if (plcf->modules == NULL) {
            return NGX_CONF_ERROR;
        }
    }

    if (plcf->modules->nelts == PXE_MODULES_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "more than %d pxekit_module: iPXE loads 8 "
                           "modules, the boot archive and its hash included",
                           PXE_MODULES_MAX);
        return NGX_CONF_ERROR;
    }

    for (i = 2; i < cf->args->nelts; i++) {
        words[i - 2].data = (char *) value[i].data;
        words[i - 2].len = value[i].len;
    }

    m = ngx_array_push(plcf->modules);
    if (m == NULL) {
        return NGX_CONF_ERROR;
    }

    rc = pxe_module_parse((char *) value[1].data, value[1].len, words,
                          cf->args->nelts - 2, m);

    if (rc != PXE_OK) {
        plcf->modules->nelts--;
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_module \"%V\": %s (a relative PATH whose "
                           "only variable is ${mac}, then name=NAME of "
                           "[A-Za-z0-9._/-], [type=TYPE], [optional])",
                           &value[1], pxe_strerror(rc));
        return NGX_CONF_ERROR;
    }

    all = plcf->modules->elts;
    a = m->name[0] == '/' ? m->name + 1 : m->name;

    for (i = 0; i + 1 < plcf->modules->nelts; i++) {
        b = all[i].name[0] == '/' ? all[i].name + 1 : all[i].name;

        if (ngx_strcmp(a, b) == 0) {
            plcf->modules->nelts--;
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "pxekit_module name \"%s\" is duplicate",
                               a);
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


/* pxekit_root, pxekit_node_root, pxekit_hosts: a directory, as a C string. */

static char *
ngx_http_pxekit_dir(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_str_t  *field = (ngx_str_t *) ((char *) conf + cmd->offset);

    u_char           *p;
    ngx_str_t        *value;
    ngx_file_info_t   fi;

    if (field->data) {
        return "is duplicate";
    }

    value = cf->args->elts;
    *field = value[1];

    while (field->len > 1 && field->data[field->len - 1] == '/') {
        field->len--;
    }

    if (ngx_conf_full_name(cf->cycle, field, 0) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    p = ngx_pnalloc(cf->pool, field->len + 1);
    if (p == NULL) {
        return NGX_CONF_ERROR;
    }

    (void) ngx_cpystrn(p, field->data, field->len + 1);
    field->data = p;

    if (ngx_file_info(field->data, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "%V \"%V\" cannot be used", &cmd->name, field);
        return NGX_CONF_ERROR;
    }

    if (!ngx_is_dir(&fi)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%V \"%V\" is not a directory", &cmd->name, field);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* pxekit_menu_max_age, pxekit_file_max_age: TIME, or off (as 0) */

static char *
ngx_http_pxekit_max_age(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    time_t     *sp;
    ngx_str_t  *value;

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") != 0) {
        return ngx_conf_set_sec_slot(cf, cmd, conf);
    }

    sp = (time_t *) (p + cmd->offset);

    if (*sp != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    *sp = 0;

    return NGX_CONF_OK;
}


static void *
ngx_http_pxekit_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_pxekit_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_pxekit_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->root = { 0, NULL };
     *     conf->default_build = NULL;
     *     conf->kernel_args = NULL;
     *     conf->root_shadow = { 0, NULL };
     *     conf->include = { 0, NULL };
     *     conf->efi_chain = { 0, NULL };
     *     conf->modules = NULL;
     *     conf->node_root = { 0, NULL };
     *     conf->hosts = { 0, NULL };
     *     conf->cache_control = { { 0, NULL }, ... };
     *     conf->cache = NULL;
     */

    conf->enable = NGX_CONF_UNSET;
    conf->console = NGX_CONF_UNSET_UINT;
    conf->timeout = NGX_CONF_UNSET_MSEC;
    conf->settle = NGX_CONF_UNSET;
    conf->consoles = NGX_CONF_UNSET_UINT;
    conf->kmdb = NGX_CONF_UNSET;
    conf->menu_max_age = NGX_CONF_UNSET;
    conf->file_max_age = NGX_CONF_UNSET;

    return conf;
}


static char *
ngx_http_pxekit_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_pxekit_loc_conf_t *prev = parent;
    ngx_http_pxekit_loc_conf_t *conf = child;

    ngx_uint_t                i;
    pxe_buf_t                 cc;
    pxe_module_t             *m;
    ngx_pool_cleanup_t       *cln;
    ngx_http_pxekit_cache_t  *cache;

    ngx_conf_merge_str_value(conf->root, prev->root, "");

    if (conf->default_build == NULL) {
        conf->default_build = prev->default_build;
    }

    if (conf->kernel_args == NULL) {
        conf->kernel_args = prev->kernel_args;
    }

    ngx_conf_merge_uint_value(conf->console, prev->console,
                              PXE_CONSOLE_TTYB);
    ngx_conf_merge_msec_value(conf->timeout, prev->timeout, 10000);
    ngx_conf_merge_sec_value(conf->settle, prev->settle, 0);
    ngx_conf_merge_str_value(conf->root_shadow, prev->root_shadow, "");
    ngx_conf_merge_str_value(conf->include, prev->include, "");
    ngx_conf_merge_uint_value(conf->consoles, prev->consoles, 0);
    ngx_conf_merge_value(conf->kmdb, prev->kmdb, 0);
    ngx_conf_merge_str_value(conf->efi_chain, prev->efi_chain, "");
    ngx_conf_merge_str_value(conf->node_root, prev->node_root, "");
    ngx_conf_merge_str_value(conf->hosts, prev->hosts, "");

    if (conf->modules == NULL) {
        conf->modules = prev->modules;
    }

    if (conf->timeout > PXE_TIMEOUT_MAX) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_menu_timeout must be at most 1d");
        return NGX_CONF_ERROR;
    }

    /*
     * 5s: what the edge's proxy_cache_valid said before the origin did;
     * the module itself sees a changed tree within 1-2 s.  A build's
     * files never change once it is named: a day, and ETag and
     * Last-Modified still let a cache revalidate.
     */
    ngx_conf_merge_sec_value(conf->menu_max_age, prev->menu_max_age, 5);
    ngx_conf_merge_sec_value(conf->file_max_age, prev->file_max_age, 86400);

    if (conf->menu_max_age > PXE_MAX_AGE_MAX
        || conf->file_max_age > PXE_MAX_AGE_MAX)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "\"%s\" must be at most 365d",
                           conf->menu_max_age > PXE_MAX_AGE_MAX
                           ? "pxekit_menu_max_age" : "pxekit_file_max_age");
        return NGX_CONF_ERROR;
    }

    /* the values are the core's, made once here, not per request */

    for (i = 0; i <= PXE_CACHE_NO_STORE; i++) {
        conf->cache_control[i].data = ngx_pnalloc(cf->pool,
                                                  PXE_CACHE_CONTROL_MAX);
        if (conf->cache_control[i].data == NULL) {
            return NGX_CONF_ERROR;
        }

        pxe_buf_init_fixed(&cc, (char *) conf->cache_control[i].data,
                           PXE_CACHE_CONTROL_MAX);

        if (pxe_cache_control((pxe_cache_e) i, (long) conf->menu_max_age,
                              (long) conf->file_max_age, &cc)
            != PXE_OK)
        {
            return NGX_CONF_ERROR;
        }

        conf->cache_control[i].len = cc.len;
    }

    if (conf->settle > 3600) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "pxekit_settle must be at most 1h");
        return NGX_CONF_ERROR;
    }

    if (conf->enable != 1) {
        return NGX_CONF_OK;
    }

    if (conf->root.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"pxekit\" needs \"pxekit_root\"");
        return NGX_CONF_ERROR;
    }

    if (conf->modules && conf->node_root.len == 0) {
        m = conf->modules->elts;

        for (i = 0; i < conf->modules->nelts; i++) {
            if (m[i].per_node) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "pxekit_module \"%s\" uses ${mac} and "
                                   "needs \"pxekit_node_root\"", m[i].name);
                return NGX_CONF_ERROR;
            }
        }
    }

    cache = ngx_pcalloc(cf->pool, sizeof(ngx_http_pxekit_cache_t));
    if (cache == NULL) {
        return NGX_CONF_ERROR;
    }

    pxe_scan_init(&cache->scan);

    cache->root_len = conf->root.len + 1;
    cache->path.data = ngx_pnalloc(cf->pool,
                                   cache->root_len + PXE_PATH_MAX + 1);
    if (cache->path.data == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(cache->path.data, conf->root.data, conf->root.len);
    cache->path.data[conf->root.len] = '/';

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_pxekit_cleanup;
    cln->data = cache;

    conf->cache = cache;

    return NGX_CONF_OK;
}
