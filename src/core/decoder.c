/* Decoders: parameters, output description, one-sample decode with fallback, batches. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "cuda/cuda_rt.h"
#include "internal.h"

#define PXC_MAX_CHAIN 32

struct pxc_decoder {
    pxc_coder c;
};

void pxc_decoder_default_settings(pxc_decoder_settings *s)
{
    if (!s) return;
    memset(s, 0, sizeof(*s));
    s->struct_size = sizeof(*s);
    s->device_id = -1;
    s->options = ":fancy_upsampling=0";
}

void pxc_decode_params_default(pxc_decode_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof(*p));
    p->struct_size = sizeof(*p);
    p->apply_exif_orientation = 1;
    p->enable_color_conversion = 1;
    p->color_spec = PXC_COLOR_RGB;
    p->sample_type = PXC_SAMPLE_U8;
    p->layout = PXC_LAYOUT_HWC;
}

pxc_status pxc_decoder_create(pxc_context *ctx, const pxc_decoder_settings *settings, pxc_decoder **out)
{
    if (!out) return PXC_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!ctx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    pxc_decoder_settings s;
    pxc_decoder_default_settings(&s);
    if (pxc_struct_copy(&s, sizeof(s), settings, "decoder settings", &e) != PXC_OK)
        return pxc_last_error_store(&ctx->last_error, &e);
    pxc_decoder *h = calloc(1, sizeof(*h));
    if (!h) return PXC_ERROR_OUT_OF_MEMORY;
    if (pxc_coder_init(&h->c, ctx, s.device_id, s.backends, s.num_backends, s.options, false, &e) != PXC_OK) {
        free(h);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    *out = h;
    return PXC_OK;
}

void pxc_decoder_destroy(pxc_decoder *h)
{
    if (!h) return;
    pxc_coder_cleanup(&h->c);
    free(h);
}

const char *pxc_decoder_last_error(const pxc_decoder *d)
{
    return d ? pxc_last_error_get(&d->c.last_error) : "no decoder (NULL)";
}

/* Copies the caller's params over the defaults and validates them. */
static pxc_status resolve_params(const pxc_decode_params *in, pxc_decode_params *p, pxc_err *e)
{
    pxc_decode_params_default(p);
    if (pxc_struct_copy(p, sizeof(*p), in, "decode params", e) != PXC_OK) return e->status;
    switch (p->color_spec) {
    case PXC_COLOR_GRAY: case PXC_COLOR_GRAY_ALPHA: case PXC_COLOR_RGB:
    case PXC_COLOR_BGR: case PXC_COLOR_RGBA: case PXC_COLOR_BGRA:
        break;
    default:
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT,
                           "decode colour spec %s is not an output colour (use gray, gray_alpha, rgb, "
                           "bgr, rgba or bgra, or turn colour conversion off)",
                           pxc_color_spec_name(p->color_spec));
    }
    if (pxc_sample_size(p->sample_type) == 0)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "invalid sample type %d", (int)p->sample_type);
    if (p->layout != PXC_LAYOUT_HWC && p->layout != PXC_LAYOUT_CHW)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "invalid layout %d", (int)p->layout);
    return PXC_OK;
}

/* The image a decode produces, and the colour the implementation must write. */
static pxc_status compute_output(const pxc_image_info *info, const pxc_decode_params *p,
                                 pxc_image_desc *d, pxc_color_spec *color, int *orientation, pxc_err *e)
{
    *color = p->enable_color_conversion ? p->color_spec : pxc_native_color(info);
    uint32_t ch = pxc_color_spec_channels(*color);
    if (!ch)
        return pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "%s stream with colour %s has no output form",
                           info->codec, pxc_color_spec_name(info->color_spec));
    *orientation = p->apply_exif_orientation ? info->orientation : 1;
    bool swap = *orientation >= 5 && *orientation <= 8;
    pxc_image_desc_init(d);
    d->width = swap ? info->height : info->width;
    d->height = swap ? info->width : info->height;
    d->num_channels = ch;
    d->sample_type = p->allow_any_depth ? (info->precision > 8 ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8) : p->sample_type;
    d->layout = p->layout;
    d->color_spec = *color;
    if (pxc_image_desc_resolve(d, NULL) != PXC_OK)
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "image of %u x %u cannot be described", d->width,
                           d->height);
    return PXC_OK;
}

/*
 * The info a decode of @p stream with @p p works from: the image chosen by
 * image_index (its own info where the codec describes images separately) and
 * the size the decoder's options make (codec hooks). *info points at the
 * stream's info or at @p scratch.
 */
static pxc_status decoded_info(pxc_decoder *dec, pxc_code_stream *stream, const pxc_decode_params *p,
                               pxc_image_info *scratch, const pxc_image_info **info, pxc_err *e)
{
    const pxc_codec_def *codec = stream->codec;
    *info = &stream->info;
    if (p->image_index >= stream->info.num_images)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "image index %u asked for, but the %s stream holds %u image%s",
                           p->image_index, stream->info.codec, stream->info.num_images,
                           stream->info.num_images == 1 ? "" : "s");
    if (p->image_index > 0 && codec->parse_image) {
        *scratch = stream->info;
        if (codec->parse_image(stream->data, stream->size, p->image_index, scratch, e) != PXC_OK) {
            if (e->status == PXC_OK) pxc_err_set(e, PXC_ERROR_INTERNAL, "parse of image %u failed without a reason",
                                                 p->image_index);
            return e->status;
        }
        scratch->struct_size = sizeof(*scratch);
        pxc_strlcpy(scratch->codec, codec->name, sizeof(scratch->codec));
        if (scratch->orientation < 1 || scratch->orientation > 8) scratch->orientation = 1;
        *info = scratch;
    }
    if (codec->output_size) {
        if (*info != scratch) *scratch = **info;
        codec->output_size(stream->data, stream->size, scratch, dec->c.opts, &scratch->width, &scratch->height);
        *info = scratch;
    }
    return PXC_OK;
}

pxc_status pxc_decoder_output_desc(pxc_decoder *dec, pxc_code_stream *stream, const pxc_decode_params *params,
                                   pxc_image_desc *desc)
{
    if (!dec) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    pxc_decode_params p;
    pxc_color_spec color;
    int orientation;
    if (!stream || !desc)
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "stream or desc is NULL");
    else if (resolve_params(params, &p, &e) == PXC_OK && pxc_code_stream_probe(stream, &e) == PXC_OK) {
        pxc_image_info scratch;
        const pxc_image_info *info;
        if (decoded_info(dec, stream, &p, &scratch, &info, &e) == PXC_OK)
            compute_output(info, &p, desc, &color, &orientation, &e);
    }
    return pxc_last_error_store(&dec->c.last_error, &e);
}

/* Runs @p impl, which writes host memory only, for a job whose output is in device memory: into
 * a host buffer, then uploaded. */
static pxc_status decode_via_host(const pxc_codec_impl *impl, pxc_decode_job *job)
{
    const uint32_t w = job->info->width, h = job->info->height;
    size_t row, n;
    if (!pxc_mul3_size(w, job->out_channels, pxc_sample_size(job->out_type), &row) || !pxc_mul_size(row, h, &n))
        return pxc_err_set(job->err, PXC_ERROR_LIMIT_EXCEEDED, "image too large to stage");
    uint8_t *host = pxc_budget_malloc(job->budget, n, job->err);
    if (!host) return job->err->status ? job->err->status : pxc_err_set(job->err, PXC_ERROR_OUT_OF_MEMORY, "out of memory");
    pxc_decode_job j = *job;
    j.out = host;
    j.out_stride = row;
    j.out_on_device = false;
    pxc_status st = impl->decode(&j);
    if (st == PXC_OK) st = pxc_cuda_use_device(job->device_id, job->err);
    if (st == PXC_OK) st = pxc_cuda_copy_2d(job->out, job->out_stride, host, row, row, h, PXC_CUDA_H2D, NULL, job->err);
    if (st == PXC_OK) st = pxc_cuda_stream_finish(NULL, st, job->err);
    pxc_budget_free(job->budget, host, n);
    return st;
}

/* Tries each implementation of the chain until one succeeds or a failure is final. */
static pxc_status run_chain(pxc_decoder *dec, const pxc_codec_def *codec, size_t first_backend,
                            pxc_decode_job *job, pxc_backend_kind *used)
{
    const pxc_codec_impl *chain[PXC_MAX_CHAIN];
    size_t n = pxc_backend_set_chain(&dec->c.backends, first_backend, codec, chain, PXC_MAX_CHAIN);
    pxc_err last;
    pxc_err_clear(&last);
    pxc_err_set(&last, PXC_ERROR_BACKEND_UNAVAILABLE, "no allowed backend has a %s decoder", codec->name);
    bool tried = false, declined = false; /* an available implementation's decline says more than
                                           * another implementation's absence */
    for (size_t i = 0; i < n; i++) {
        const pxc_codec_impl *impl = chain[i];
        if (!impl->decode) continue;
        pxc_err why;
        pxc_err_clear(&why);
        const char *reason = pxc_impl_unavailable_reason(impl);
        if (reason) {
            if (!tried && !declined) {
                pxc_err_clear(&last);
                pxc_err_set(&last, PXC_ERROR_BACKEND_UNAVAILABLE, "%s: %s", impl->name, reason);
            }
            continue;
        }
        if (impl->can_decode && !impl->can_decode(job, &why)) {
            if (!tried && !declined) {
                declined = true;
                pxc_err_clear(&last);
                pxc_err_set(&last, PXC_ERROR_UNSUPPORTED_FEATURE, "%s: %s", impl->name,
                            why.msg[0] ? why.msg : "cannot decode this stream");
            }
            continue;
        }
        tried = true;
        pxc_err_clear(job->err);
        pxc_status st = job->out_on_device && !impl->device_output ? decode_via_host(impl, job) : impl->decode(job);
        if (st == PXC_OK) {
            *used = impl->kind;
            return PXC_OK;
        }
        if (job->err->status == PXC_OK) pxc_err_set(job->err, st, "%s failed without a reason", impl->name);
        last = *job->err;
        if (!pxc_status_allows_fallback(st)) break;
    }
    *job->err = last;
    return last.status;
}

/* Decodes one sample. *image: NULL = allocate, else caller-supplied. */
static pxc_status decode_one(pxc_decoder *dec, pxc_code_stream *stream, const pxc_decode_params *p,
                             pxc_image **image, size_t first_backend, pxc_backend_kind *used, pxc_err *e)
{
    if (!stream) return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "code stream is NULL");
    if (pxc_code_stream_probe(stream, e) != PXC_OK) return e->status;
    pxc_image_info scratch;
    const pxc_image_info *info;
    if (decoded_info(dec, stream, p, &scratch, &info, e) != PXC_OK) return e->status;
    pxc_limits *lim = &dec->c.ctx->limits;
    if (pxc_limits_check_dims(lim, info->width, info->height, e) != PXC_OK) return e->status;

    pxc_image_desc want;
    pxc_color_spec color;
    int orientation;
    if (compute_output(info, p, &want, &color, &orientation, e) != PXC_OK) return e->status;
    size_t total;
    pxc_image_desc_resolve(&want, &total);

    pxc_budget budget;
    pxc_budget_init(&budget, lim);
    pxc_image *img = *image;
    bool allocated = false;
    const bool to_device = img && img->desc.buffer_kind == PXC_BUFFER_DEVICE;
    if (img) {
        const pxc_image_desc *have = &img->desc;
        const char *no_gpu = to_device ? pxc_cuda_unavailable_reason() : NULL;
        if (no_gpu)
            return pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, "output image is in device memory, but %s", no_gpu);
        if (have->buffer_kind != PXC_BUFFER_HOST && !to_device)
            return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "output image has an unknown buffer kind %d",
                               (int)have->buffer_kind);
        if (have->width != want.width || have->height != want.height || have->num_channels != want.num_channels ||
            have->sample_type != want.sample_type || have->layout != want.layout)
            return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT,
                               "output image is %ux%u with %u channels (type %d, layout %d); the decode "
                               "produces %ux%u with %u channels (type %d, layout %d)",
                               have->width, have->height, have->num_channels, (int)have->sample_type,
                               (int)have->layout, want.width, want.height, want.num_channels,
                               (int)want.sample_type, (int)want.layout);
    } else {
        if (pxc_budget_take(&budget, total, e) != PXC_OK) return e->status;
        img = pxc_image_new_owned(dec->c.ctx, &want, total);
        if (!img)
            return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory allocating %zu bytes for the image", total);
        allocated = true;
    }

    /* The implementation writes the image as stored, interleaved; orientation and
     * planar layout need a staging buffer (on the host, then uploaded for a device image). */
    bool staged = orientation != 1 || want.layout != PXC_LAYOUT_HWC;
    size_t es = pxc_sample_size(want.sample_type), stage_stride = 0, stage_size = 0;
    uint8_t *stage = NULL;
    pxc_image *host_img = NULL; /* the staged result of a device image before its upload */
    pxc_decode_job job = {.ctx = dec->c.ctx, .data = stream->data, .size = stream->size, .info = info,
                          .params = p, .opts = dec->c.opts, .out_color = color,
                          .out_channels = want.num_channels, .out_type = want.sample_type,
                          .budget = &budget, .err = e, .device_id = dec->c.device_id};
    if (to_device) job.device_id = img->desc.device_id; /* work where the output lives */
    if (staged && to_device) {
        if (pxc_budget_take(&budget, total, e) != PXC_OK) goto fail;
        if (!(host_img = pxc_image_new_owned(dec->c.ctx, &want, total))) {
            pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory allocating %zu bytes for the image", total);
            goto fail;
        }
    }
    if (staged) {
        if (!pxc_mul3_size(info->width, want.num_channels, es, &stage_stride) ||
            !pxc_mul_size(stage_stride, info->height, &stage_size) ||
            !(stage = pxc_budget_malloc(&budget, stage_size, e))) {
            if (e->status == PXC_OK) pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "image too large to stage");
            goto fail;
        }
        job.out = stage;
        job.out_stride = stage_stride;
    } else {
        job.out = img->data;
        job.out_stride = img->desc.row_stride;
        job.out_on_device = to_device;
    }
    if (run_chain(dec, stream->codec, first_backend, &job, used) != PXC_OK) goto fail;
    if (staged) {
        pxc_image *dst = host_img ? host_img : img;
        pxc_orient_copy(stage, stage_stride, info->width, info->height, want.num_channels, want.sample_type,
                        orientation, dst->data, &dst->desc);
        pxc_budget_free(&budget, stage, stage_size);
        stage = NULL;
        if (host_img && pxc_image_upload(img, host_img, e) != PXC_OK) goto fail;
        pxc_image_destroy(host_img);
    }
    *image = img;
    return PXC_OK;

fail:
    pxc_image_destroy(host_img);
    pxc_budget_free(&budget, stage, stage_size);
    if (allocated) pxc_image_destroy(img);
    return e->status;
}

pxc_status pxc_decode(pxc_decoder *dec, pxc_code_stream *stream, const pxc_decode_params *params, pxc_image **out)
{
    if (!dec) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if (!out) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "output pointer is NULL");
        return pxc_last_error_store(&dec->c.last_error, &e);
    }
    *out = NULL;
    pxc_decode_params p;
    pxc_backend_kind used;
    if (resolve_params(params, &p, &e) == PXC_OK) decode_one(dec, stream, &p, out, 0, &used, &e);
    return pxc_last_error_store(&dec->c.last_error, &e);
}

pxc_status pxc_decode_into(pxc_decoder *dec, pxc_code_stream *stream, const pxc_decode_params *params,
                           pxc_image *image)
{
    if (!dec) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    pxc_decode_params p;
    pxc_backend_kind used;
    pxc_image *img = image;
    if (!image)
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "output image is NULL");
    else if (resolve_params(params, &p, &e) == PXC_OK)
        decode_one(dec, stream, &p, &img, 0, &used, &e);
    return pxc_last_error_store(&dec->c.last_error, &e);
}

typedef struct batch_args {
    pxc_decoder *dec;
    pxc_code_stream *const *streams;
    const pxc_decode_params *params;
    pxc_image **images;
    pxc_sample_status *statuses;
    const uint8_t *assignment;
} batch_args;

static void batch_sample(void *arg, size_t i)
{
    batch_args *a = arg;
    pxc_err e;
    pxc_err_clear(&e);
    pxc_backend_kind used = PXC_BACKEND_CPU_ONLY;
    pxc_status st = decode_one(a->dec, a->streams[i], a->params, &a->images[i], a->assignment[i], &used, &e);
    pxc_sample_status *s = &a->statuses[i];
    s->status = st;
    s->backend = used;
    memcpy(s->detail, st == PXC_OK ? "" : e.msg, st == PXC_OK ? 1 : sizeof(s->detail));
}

pxc_status pxc_decode_batch(pxc_decoder *dec, size_t count, pxc_code_stream *const *streams,
                            const pxc_decode_params *params, pxc_image **images, pxc_sample_status *statuses)
{
    if (!dec) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    pxc_decode_params p;
    if (count && (!streams || !images || !statuses))
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "streams, images or statuses is NULL for a batch of %zu", count);
    if (e.status != PXC_OK || resolve_params(params, &p, &e) != PXC_OK)
        return pxc_last_error_store(&dec->c.last_error, &e);
    for (size_t i = 0; i < count; i++) {
        statuses[i].status = PXC_ERROR_NOT_PROCESSED;
        statuses[i].detail[0] = '\0';
    }
    uint8_t *assignment = malloc(count ? count : 1);
    if (!assignment) {
        pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory for a batch of %zu", count);
        pxc_batch_fail_all(statuses, count, &e);
        return pxc_last_error_store(&dec->c.last_error, &e);
    }
    pxc_backend_set_split(&dec->c.backends, count, assignment);
    batch_args a = {dec, streams, &p, images, statuses, assignment};
    pxc_pool_run(dec->c.ctx->pool, count, batch_sample, &a);
    free(assignment);
    for (size_t i = 0; i < count; i++) {
        if (statuses[i].status != PXC_OK) {
            pxc_err_set(&e, statuses[i].status, "sample %zu: %s", i, statuses[i].detail);
            break;
        }
    }
    return pxc_last_error_store(&dec->c.last_error, &e);
}
