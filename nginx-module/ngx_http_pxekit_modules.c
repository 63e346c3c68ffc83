
/*
 * What nginx's configure generates as ngx_modules.c for a dynamic module
 * (objs/ngx_http_pxekit_module_modules.c), written by hand for the
 * automake build.
 */

#include <ngx_config.h>
#include <ngx_core.h>


extern ngx_module_t  ngx_http_pxekit_module;
extern ngx_module_t  ngx_http_pxekit_status_module;
extern ngx_module_t  ngx_http_pxekit_cache_filter_module;

ngx_module_t *ngx_modules[] = {
    &ngx_http_pxekit_module,
    &ngx_http_pxekit_status_module,
    &ngx_http_pxekit_cache_filter_module,
    NULL
};

char *ngx_module_names[] = {
    "ngx_http_pxekit_module",
    "ngx_http_pxekit_status_module",
    "ngx_http_pxekit_cache_filter_module",
    NULL
};

/* the cache filter runs after the headers filter (expires, add_header) */
char *ngx_module_order[] = {
    "ngx_http_pxekit_cache_filter_module",
    "ngx_http_headers_filter_module",
    NULL
};
