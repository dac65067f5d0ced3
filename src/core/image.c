/* Image descriptions and buffers. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void pxc_image_desc_init(pxc_image_desc *d)
{
    if (!d) return;
    memset(d, 0, sizeof(*d));
    d->struct_size = sizeof(*d);
    d->layout = PXC_LAYOUT_HWC;
    d->buffer_kind = PXC_BUFFER_HOST;
    d->color_spec = PXC_COLOR_UNKNOWN;
}

size_t pxc_sample_size(pxc_sample_type t)
{
    switch (t) {
    case PXC_SAMPLE_U8: return 1;
    case PXC_SAMPLE_U16: return 2;
    }
    return 0;
}

uint32_t pxc_color_spec_channels(pxc_color_spec spec)
{
    switch (spec) {
    case PXC_COLOR_GRAY: return 1;
    case PXC_COLOR_GRAY_ALPHA: return 2;
    case PXC_COLOR_RGB:
    case PXC_COLOR_BGR:
    case PXC_COLOR_YCBCR:
    case PXC_COLOR_PALETTE: return 3;
    case PXC_COLOR_RGBA:
    case PXC_COLOR_BGRA:
    case PXC_COLOR_CMYK:
    case PXC_COLOR_YCCK: return 4;
    case PXC_COLOR_UNKNOWN: return 0;
    }
    return 0;
}

pxc_status pxc_image_desc_resolve(pxc_image_desc *d, size_t *total_bytes)
{
    if (!d || d->struct_size != sizeof(*d)) return PXC_ERROR_INVALID_ARGUMENT;
    size_t es = pxc_sample_size(d->sample_type);
    if (!es || d->width == 0 || d->height == 0 || d->num_channels < 1 || d->num_channels > 4)
        return PXC_ERROR_INVALID_ARGUMENT;
    if (d->layout != PXC_LAYOUT_HWC && d->layout != PXC_LAYOUT_CHW) return PXC_ERROR_INVALID_ARGUMENT;
    if (d->buffer_kind != PXC_BUFFER_HOST && d->buffer_kind != PXC_BUFFER_DEVICE)
        return PXC_ERROR_INVALID_ARGUMENT;
    if ((unsigned)d->color_spec > PXC_COLOR_PALETTE) return PXC_ERROR_INVALID_ARGUMENT;
    uint32_t implied = pxc_color_spec_channels(d->color_spec);
    if (d->color_spec == PXC_COLOR_YCCK || d->color_spec == PXC_COLOR_PALETTE)
        return PXC_ERROR_INVALID_ARGUMENT; /* info-only specs */
    if (implied && implied != d->num_channels) return PXC_ERROR_INVALID_ARGUMENT;
    if (d->precision > 8 * es) return PXC_ERROR_INVALID_ARGUMENT;

    size_t row_min, total;
    size_t per_row = d->layout == PXC_LAYOUT_HWC ? (size_t)d->width * d->num_channels : d->width;
    if (!pxc_mul_size(per_row, es, &row_min)) return PXC_ERROR_INVALID_ARGUMENT;
    if (d->row_stride == 0) d->row_stride = row_min;
    if (d->row_stride < row_min) return PXC_ERROR_INVALID_ARGUMENT;
    /* the last row only needs row_min bytes */
    size_t plane;
    if (!pxc_mul_size(d->row_stride, d->height - 1, &plane) || !pxc_add_size(plane, row_min, &plane))
        return PXC_ERROR_INVALID_ARGUMENT;
    if (d->layout == PXC_LAYOUT_CHW) {
        size_t full_plane;
        if (!pxc_mul_size(d->row_stride, d->height, &full_plane)) return PXC_ERROR_INVALID_ARGUMENT;
        if (d->plane_stride == 0) d->plane_stride = full_plane;
        if (d->plane_stride < plane) return PXC_ERROR_INVALID_ARGUMENT;
        if (!pxc_mul_size(d->plane_stride, d->num_channels - 1, &total) ||
            !pxc_add_size(total, plane, &total))
            return PXC_ERROR_INVALID_ARGUMENT;
    } else {
        d->plane_stride = 0;
        total = plane;
    }
    if (total_bytes) *total_bytes = total;
    return PXC_OK;
}

pxc_status pxc_image_create(pxc_context *ctx, const pxc_image_desc *desc, void *data, pxc_image **out)
{
    if (!out) return PXC_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!ctx || !desc) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    pxc_image_desc d = *desc;
    size_t total;
    if (pxc_image_desc_resolve(&d, &total) != PXC_OK) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT,
                    "invalid image description (%u x %u, %u channels, colour spec %d, sample type %d, "
                    "layout %d, row stride %zu)", desc->width, desc->height, desc->num_channels,
                    (int)desc->color_spec, (int)desc->sample_type, (int)desc->layout, desc->row_stride);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    if (d.buffer_kind == PXC_BUFFER_DEVICE && !data) {
        pxc_err_set(&e, PXC_ERROR_BACKEND_UNAVAILABLE,
                    "cannot allocate a device image: this build of pixcodec has no GPU support");
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_image *img = calloc(1, sizeof(*img));
    if (!img) return PXC_ERROR_OUT_OF_MEMORY;
    img->desc = d;
    img->size = total;
    if (data) {
        img->data = data;
        img->owned = false;
    } else {
        if (pxc_limits_check_dims(&ctx->limits, d.width, d.height, &e) != PXC_OK ||
            (ctx->limits.max_bytes && total > ctx->limits.max_bytes &&
             pxc_err_set(&e, PXC_ERROR_LIMIT_EXCEEDED,
                         "image of %zu bytes exceeds the limit of %llu bytes per image "
                         "(raise pxc_context_settings.max_bytes_per_image)",
                         total, (unsigned long long)ctx->limits.max_bytes))) {
            free(img);
            return pxc_last_error_store(&ctx->last_error, &e);
        }
        free(img);
        img = pxc_image_new_owned(ctx, &d, total);
        if (!img) {
            pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory allocating an image of %zu bytes", total);
            return pxc_last_error_store(&ctx->last_error, &e);
        }
        memset(img->data, 0, total);
    }
    *out = img;
    return PXC_OK;
}

pxc_image *pxc_image_new_owned(pxc_context *ctx, const pxc_image_desc *resolved, size_t total)
{
    pxc_image *img = calloc(1, sizeof(*img));
    if (!img) return NULL;
    img->data = pxc_bufcache_get(&ctx->images, total, &img->capacity);
    if (!img->data) {
        free(img);
        return NULL;
    }
    img->desc = *resolved;
    img->size = total;
    img->owned = true;
    img->ctx = ctx;
    return img;
}

void pxc_image_destroy(pxc_image *img)
{
    if (!img) return;
    if (img->owned) pxc_bufcache_put(&img->ctx->images, img->data, img->capacity);
    free(img);
}

const pxc_image_desc *pxc_image_get_desc(const pxc_image *img)
{
    return img ? &img->desc : NULL;
}

void *pxc_image_data(const pxc_image *img)
{
    return img ? img->data : NULL;
}

size_t pxc_image_size_bytes(const pxc_image *img)
{
    return img ? img->size : 0;
}

const char *pxc_color_spec_name(pxc_color_spec spec)
{
    switch (spec) {
    case PXC_COLOR_UNKNOWN: return "unknown";
    case PXC_COLOR_GRAY: return "gray";
    case PXC_COLOR_GRAY_ALPHA: return "gray_alpha";
    case PXC_COLOR_RGB: return "rgb";
    case PXC_COLOR_BGR: return "bgr";
    case PXC_COLOR_RGBA: return "rgba";
    case PXC_COLOR_BGRA: return "bgra";
    case PXC_COLOR_YCBCR: return "ycbcr";
    case PXC_COLOR_CMYK: return "cmyk";
    case PXC_COLOR_YCCK: return "ycck";
    case PXC_COLOR_PALETTE: return "palette";
    }
    return "invalid";
}

const char *pxc_chroma_subsampling_name(pxc_chroma_subsampling css)
{
    switch (css) {
    case PXC_CSS_444: return "444";
    case PXC_CSS_422: return "422";
    case PXC_CSS_420: return "420";
    case PXC_CSS_440: return "440";
    case PXC_CSS_411: return "411";
    case PXC_CSS_410: return "410";
    case PXC_CSS_GRAY: return "gray";
    case PXC_CSS_410V: return "410v";
    case PXC_CSS_UNKNOWN: return "unknown";
    }
    return "invalid";
}
