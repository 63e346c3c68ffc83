
/*
 * What nginx's configure generates as ngx_modules.c for a dynamic module
 * (objs/ngx_http_pxekit_module_modules.c), written by hand for the
 * automake build.
 */

#include <ngx_config.h>
#include <ngx_core.h>


extern ngx_module_t  ngx_http_pxekit_module;
extern ngx_module_t  ngx_http_pxekit_status_module;

ngx_module_t *ngx_modules[] = {
    &ngx_http_pxekit_module,
    &ngx_http_pxekit_status_module,
    NULL
};

char *ngx_module_names[] = {
    "ngx_http_pxekit_module",
    "ngx_http_pxekit_status_module",
    NULL
};

char *ngx_module_order[] = {
    NULL
};
