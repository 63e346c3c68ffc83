
/*
 * Copyright (C) pxekit authors
 *
 * What ngx_http_pxekit_module tells ngx_http_pxekit_cache_filter_module:
 * the Cache-Control its answer carries unless the location's own
 * add_header says otherwise.
 */

#ifndef _NGX_HTTP_PXEKIT_CACHE_H_INCLUDED_
#define _NGX_HTTP_PXEKIT_CACHE_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>


/* value outlives the request (the location's configuration holds it) */
ngx_int_t ngx_http_pxekit_cache_control(ngx_http_request_t *r,
    ngx_str_t *value);


#endif /* _NGX_HTTP_PXEKIT_CACHE_H_INCLUDED_ */
