/* The context: settings, limits, thread pool, last error. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

void pxc_context_default_settings(pxc_context_settings *s)
{
    if (!s) return;
    memset(s, 0, sizeof(*s));
    s->struct_size = sizeof(*s);
    s->num_threads = 0;
    s->max_pixels = PXC_DEFAULT_MAX_PIXELS;
    s->max_bytes_per_image = PXC_DEFAULT_MAX_BYTES;
    s->log_level = PXC_LOG_WARNING;
    s->image_cache_bytes = PXC_DEFAULT_IMAGE_CACHE_BYTES;
}

/* Upper bound on worker threads, whatever the caller asks for. */
#define PXC_MAX_THREADS 1024

pxc_status pxc_context_create(const pxc_context_settings *settings, pxc_context **out)
{
    if (!out) return PXC_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    pxc_context_settings s;
    pxc_context_default_settings(&s);
    if (pxc_struct_copy(&s, sizeof(s), settings, "context settings", NULL) != PXC_OK)
        return PXC_ERROR_INVALID_ARGUMENT;
    if (s.num_threads < 0 || s.num_threads > PXC_MAX_THREADS) return PXC_ERROR_INVALID_ARGUMENT;
    if ((int)s.log_level < PXC_LOG_ERROR || s.log_level > PXC_LOG_DEBUG) return PXC_ERROR_INVALID_ARGUMENT;
    if (s.num_threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s.num_threads = n > 0 ? (int)(n > PXC_MAX_THREADS ? PXC_MAX_THREADS : n) : 1;
    }
    pxc_context *ctx = calloc(1, sizeof(*ctx));
    if (!ctx) return PXC_ERROR_OUT_OF_MEMORY;
    ctx->settings = s;
    ctx->limits.max_pixels = s.max_pixels;
    ctx->limits.max_bytes = s.max_bytes_per_image;
    pxc_last_error_init(&ctx->last_error);
    pxc_bufcache_init(&ctx->images, s.image_cache_bytes);
    pxc_status st = pxc_pool_create(s.num_threads - 1, &ctx->pool);
    if (st != PXC_OK) {
        pxc_bufcache_destroy(&ctx->images);
        pxc_last_error_destroy(&ctx->last_error);
        free(ctx);
        return st;
    }
    *out = ctx;
    return PXC_OK;
}

void pxc_context_destroy(pxc_context *ctx)
{
    if (!ctx) return;
    pxc_pool_destroy(ctx->pool);
    pxc_bufcache_destroy(&ctx->images);
    pxc_last_error_destroy(&ctx->last_error);
    free(ctx);
}

int pxc_context_num_threads(const pxc_context *ctx)
{
    return ctx ? ctx->settings.num_threads : 0;
}

pxc_status pxc_context_get_settings(const pxc_context *ctx, pxc_context_settings *out)
{
    if (!ctx || !out) return PXC_ERROR_INVALID_ARGUMENT;
    *out = ctx->settings;
    return PXC_OK;
}

const char *pxc_context_last_error(const pxc_context *ctx)
{
    return ctx ? pxc_last_error_get(&ctx->last_error) : "no context (NULL)";
}

void pxc_free(void *ptr)
{
    free(ptr);
}
