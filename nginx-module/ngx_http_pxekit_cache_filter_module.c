
/*
 * Copyright (C) pxekit authors
 *
 * ngx_http_pxekit_cache_filter_module: keeps the operator's word over
 * pxekit's on Cache-Control.  The content handler puts its header where
 * the headers filter finds it, so "expires" replaces it as it replaces
 * any other; "add_header Cache-Control" only appends a line, and two
 * lines that disagree leave each cache to pick one.  This filter runs
 * after the headers filter (ngx_module_order puts it before that module)
 * and drops pxekit's line when the location added its own.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_pxekit_cache.h"


static ngx_int_t ngx_http_pxekit_cache_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_http_pxekit_cache_filter_init(ngx_conf_t *cf);


static ngx_http_module_t  ngx_http_pxekit_cache_filter_module_ctx = {
    NULL,                                  /* preconfiguration */
    ngx_http_pxekit_cache_filter_init,     /* postconfiguration */

    NULL,                                  /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    NULL,                                  /* create location configuration */
    NULL                                   /* merge location configuration */
};


ngx_module_t  ngx_http_pxekit_cache_filter_module = {
    NGX_MODULE_V1,
    &ngx_http_pxekit_cache_filter_module_ctx, /* module context */
    NULL,                                  /* module directives */
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


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;


ngx_int_t
ngx_http_pxekit_cache_control(ngx_http_request_t *r, ngx_str_t *value)
{
    ngx_table_elt_t  *h, **ccp;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    h->hash = 1;
    ngx_str_set(&h->key, "Cache-Control");
    h->value = *value;

    if (r->headers_out.cache_control.elts == NULL) {
        if (ngx_array_init(&r->headers_out.cache_control, r->pool, 1,
                           sizeof(ngx_table_elt_t *))
            != NGX_OK)
        {
            return NGX_ERROR;
        }
    }

    ccp = ngx_array_push(&r->headers_out.cache_control);
    if (ccp == NULL) {
        return NGX_ERROR;
    }

    *ccp = h;

    ngx_http_set_ctx(r, h, ngx_http_pxekit_cache_filter_module);

    return NGX_OK;
}


static ngx_int_t
ngx_http_pxekit_cache_header_filter(ngx_http_request_t *r)
{
    ngx_uint_t        i, n;
    ngx_table_elt_t  *h, **ccp;

    h = ngx_http_get_module_ctx(r, ngx_http_pxekit_cache_filter_module);

    if (h == NULL || r->headers_out.cache_control.nelts < 2) {
        return ngx_http_next_header_filter(r);
    }

    /* another line came after ours: add_header's; ours goes */

    ccp = r->headers_out.cache_control.elts;
    n = r->headers_out.cache_control.nelts;

    for (i = 0; i < n; i++) {
        if (ccp[i] == h) {
            h->hash = 0;
            ngx_memmove(&ccp[i], &ccp[i + 1],
                        (n - i - 1) * sizeof(ngx_table_elt_t *));
            r->headers_out.cache_control.nelts--;
            break;
        }
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_http_pxekit_cache_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_http_pxekit_cache_header_filter;

    return NGX_OK;
}
