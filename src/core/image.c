/* Image descriptions and buffers. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "cuda/cuda_rt.h"

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

/* Rows of samples per plane and bytes per row of an image (planes: 1 for HWC, channels for CHW). */
static void image_rows(const pxc_image_desc *d, size_t *rows, size_t *row_bytes)
{
    const size_t ss = pxc_sample_size(d->sample_type);
    *rows = d->height;
    *row_bytes = d->layout == PXC_LAYOUT_CHW ? (size_t)d->width * ss : (size_t)d->width * d->num_channels * ss;
}

static uint32_t image_planes(const pxc_image_desc *d)
{
    return d->layout == PXC_LAYOUT_CHW ? d->num_channels : 1;
}

/* Host to host copy of the samples of src into dst (same geometry, strides may differ). */
static void copy_samples(pxc_image *dst, const pxc_image *src)
{
    size_t rows, row_bytes;
    image_rows(&src->desc, &rows, &row_bytes);
    for (uint32_t p = 0; p < image_planes(&src->desc); p++)
        for (size_t y = 0; y < rows; y++)
            memcpy(dst->data + p * dst->desc.plane_stride + y * dst->desc.row_stride,
                   src->data + p * src->desc.plane_stride + y * src->desc.row_stride, row_bytes);
}

/* Copies between host and device (or device and device), plane by plane, ordered on stream. */
static pxc_status copy_planes(pxc_image *dst, const pxc_image *src, size_t rows, size_t row_bytes,
                              pxc_cuda_copy_kind kind, void *stream, pxc_err *e)
{
    for (uint32_t p = 0; p < image_planes(&src->desc); p++)
        if (pxc_cuda_copy_2d(dst->data + p * dst->desc.plane_stride, dst->desc.row_stride,
                             src->data + p * src->desc.plane_stride, src->desc.row_stride, row_bytes, rows, kind,
                             stream, e) != PXC_OK)
            return e->status;
    return PXC_OK;
}

/* A zeroed device image of @p total bytes on d->device_id (-1: the current device). */
static pxc_status new_device_image(pxc_context *ctx, pxc_image_desc *d, size_t total, pxc_image **out, pxc_err *e)
{
    *out = NULL;
    if (pxc_limits_check_dims(&ctx->limits, d->width, d->height, e) != PXC_OK) return e->status;
    if (ctx->limits.max_bytes && total > ctx->limits.max_bytes)
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED,
                           "image of %zu bytes exceeds the limit of %llu bytes per image "
                           "(raise pxc_context_settings.max_bytes_per_image)",
                           total, (unsigned long long)ctx->limits.max_bytes);
    int dev = d->device_id;
    if (pxc_cuda_use_device(dev, e) != PXC_OK || pxc_cuda_current_device(&dev, e) != PXC_OK) return e->status;
    pxc_image *img = calloc(1, sizeof(*img));
    if (!img) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory");
    void *p = NULL;
    if (pxc_cuda_malloc(&p, total, e) != PXC_OK) {
        free(img);
        return e->status;
    }
    d->device_id = dev;
    img->desc = *d;
    img->data = p;
    img->size = total;
    img->device_owned = true;
    img->ctx = ctx;
    /* zeroed like host images: a copy from a zeroed host buffer would cost as much; memset on the device */
    pxc_status st = pxc_cuda_memset(p, 0, total, NULL, e);
    if (st == PXC_OK) st = pxc_cuda_stream_sync(NULL, e);
    if (st != PXC_OK) {
        pxc_image_destroy(img);
        return st;
    }
    *out = img;
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
        pxc_image *img = NULL;
        const int saved = pxc_cuda_save_device(); /* the caller's current device is left as it was */
        pxc_status st = new_device_image(ctx, &d, total, &img, &e);
        pxc_cuda_restore_device(saved);
        if (st != PXC_OK) return pxc_last_error_store(&ctx->last_error, &e);
        *out = img;
        return PXC_OK;
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
    if (img->device_owned) pxc_cuda_free(img->data);
    free(img);
}

static pxc_status image_copy(pxc_context *ctx, const pxc_image *src, pxc_buffer_kind kind, int device_id,
                             void *cuda_stream, pxc_image **out);

pxc_status pxc_image_copy(pxc_context *ctx, const pxc_image *src, pxc_buffer_kind kind, int device_id,
                          void *cuda_stream, pxc_image **out)
{
    const int saved = pxc_cuda_save_device(); /* the caller's current device is left as it was */
    pxc_status st = image_copy(ctx, src, kind, device_id, cuda_stream, out);
    pxc_cuda_restore_device(saved);
    return st;
}

static pxc_status image_copy(pxc_context *ctx, const pxc_image *src, pxc_buffer_kind kind, int device_id,
                             void *cuda_stream, pxc_image **out)
{
    if (!out) return PXC_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!ctx || !src) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if (kind != PXC_BUFFER_HOST && kind != PXC_BUFFER_DEVICE) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "pxc_image_copy: invalid buffer kind %d", (int)kind);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    const pxc_image_desc *sd = &src->desc;
    const bool from_device = sd->buffer_kind == PXC_BUFFER_DEVICE;
    if (kind == PXC_BUFFER_HOST && !from_device) {
        /* host to host: a plain copy, rows packed */
        pxc_image_desc d = *sd;
        d.row_stride = 0;
        d.plane_stride = 0;
        pxc_image *img = NULL;
        pxc_status st = pxc_image_create(ctx, &d, NULL, &img);
        if (st != PXC_OK) return st;
        copy_samples(img, src);
        *out = img;
        return PXC_OK;
    }
    if (kind == PXC_BUFFER_DEVICE && device_id < 0 && from_device) device_id = sd->device_id;
    if (from_device && pxc_cuda_use_device(sd->device_id, &e) != PXC_OK)
        return pxc_last_error_store(&ctx->last_error, &e);
    pxc_image_desc d = *sd;
    d.row_stride = 0;
    d.plane_stride = 0;
    d.buffer_kind = kind;
    d.device_id = kind == PXC_BUFFER_DEVICE ? device_id : 0;
    pxc_image *img = NULL;
    pxc_status st = pxc_image_create(ctx, &d, NULL, &img);
    if (st != PXC_OK) return st;
    const pxc_cuda_copy_kind ck = !from_device ? PXC_CUDA_H2D : kind == PXC_BUFFER_HOST ? PXC_CUDA_D2H : PXC_CUDA_D2D;
    size_t rows, row_bytes;
    image_rows(sd, &rows, &row_bytes);
    st = copy_planes(img, src, rows, row_bytes, ck, cuda_stream, &e);
    if (st == PXC_OK && kind == PXC_BUFFER_HOST) st = pxc_cuda_stream_sync(cuda_stream, &e);
    if (st != PXC_OK) {
        pxc_image_destroy(img);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    *out = img;
    return PXC_OK;
}

pxc_status pxc_image_upload(pxc_image *dst, const pxc_image *src, pxc_err *e)
{
    const pxc_image_desc *sd = &src->desc, *dd = &dst->desc;
    if (sd->buffer_kind != PXC_BUFFER_HOST || dd->buffer_kind != PXC_BUFFER_DEVICE || sd->width != dd->width ||
        sd->height != dd->height || sd->num_channels != dd->num_channels || sd->sample_type != dd->sample_type ||
        sd->layout != dd->layout)
        return pxc_err_set(e, PXC_ERROR_INTERNAL, "pxc_image_upload: images do not match");
    const int saved = pxc_cuda_save_device();
    pxc_status st = pxc_cuda_use_device(dd->device_id, e);
    if (st == PXC_OK) {
        size_t rows, row_bytes;
        image_rows(sd, &rows, &row_bytes);
        st = pxc_cuda_stream_finish(NULL, copy_planes(dst, src, rows, row_bytes, PXC_CUDA_H2D, NULL, e), e);
    }
    pxc_cuda_restore_device(saved);
    return st;
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
