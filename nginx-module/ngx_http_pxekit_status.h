
/*
 * Copyright (C) pxekit authors
 *
 * What ngx_http_pxekit_module tells ngx_http_pxekit_status_module: how a
 * request routed and what a rescan found.  Both return at once when no
 * pxekit_status_zone is configured.
 */

#ifndef _NGX_HTTP_PXEKIT_STATUS_H_INCLUDED_
#define _NGX_HTTP_PXEKIT_STATUS_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "pxekit.h"


/* route is NULL when the path did not route; scan is the worker's */
void ngx_http_pxekit_status_route(ngx_http_request_t *r,
    const pxe_scan_t *scan, const pxe_route_t *route);
/* the module's handler returned rc: an error is counted as such even
   when an error_page redirect answers in its place */
void ngx_http_pxekit_status_answer(ngx_http_request_t *r, ngx_int_t rc);
/* a rescan of root that started at start (ngx_gettimeofday) succeeded */
void ngx_http_pxekit_status_scan(ngx_http_request_t *r, ngx_str_t *root,
    const pxe_scan_t *scan, struct timeval *start);


#endif /* _NGX_HTTP_PXEKIT_STATUS_H_INCLUDED_ */
