/* Encoders: parameters, one-image encode with fallback, batches, atomic file output. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert.h"
#include "internal.h"

#define PXC_MAX_CHAIN 32

struct pxc_encoder {
    pxc_coder c;
};

void pxc_encoder_default_settings(pxc_encoder_settings *s)
{
    if (!s) return;
    memset(s, 0, sizeof(*s));
    s->struct_size = sizeof(*s);
    s->device_id = -1;
    s->options = "";
}

void pxc_encode_params_default(pxc_encode_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof(*p));
    p->struct_size = sizeof(*p);
    p->quality = 95.0f;
    p->target_psnr = 50.0f;
    p->mct_mode = PXC_MCT_RGB;
    p->chroma_subsampling = PXC_CSS_444;
    p->jpeg2k_code_block_width = 64;
    p->jpeg2k_code_block_height = 64;
    p->jpeg2k_num_resolutions = 5;
    p->jpeg2k_bitstream_type = PXC_JPEG2K_JP2;
    p->jpeg2k_prog_order = PXC_JPEG2K_RPCL;
}

pxc_status pxc_encoder_create(pxc_context *ctx, const pxc_encoder_settings *settings, pxc_encoder **out)
{
    if (!out) return PXC_ERROR_INVALID_ARGUMENT;
    *out = NULL;
    if (!ctx) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    pxc_encoder_settings s;
    pxc_encoder_default_settings(&s);
    if (pxc_struct_copy(&s, sizeof(s), settings, "encoder settings", &e) != PXC_OK)
        return pxc_last_error_store(&ctx->last_error, &e);
    pxc_encoder *h = calloc(1, sizeof(*h));
    if (!h) return PXC_ERROR_OUT_OF_MEMORY;
    if (pxc_coder_init(&h->c, ctx, s.device_id, s.backends, s.num_backends, s.options, true, &e) != PXC_OK) {
        free(h);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    *out = h;
    return PXC_OK;
}

void pxc_encoder_destroy(pxc_encoder *h)
{
    if (!h) return;
    pxc_coder_cleanup(&h->c);
    free(h);
}

const char *pxc_encoder_last_error(const pxc_encoder *enc)
{
    return enc ? pxc_last_error_get(&enc->c.last_error) : "no encoder (NULL)";
}

static pxc_status resolve_params(const pxc_encode_params *in, pxc_encode_params *p, pxc_err *e)
{
    pxc_encode_params_default(p);
    if (pxc_struct_copy(p, sizeof(*p), in, "encode params", e) != PXC_OK) return e->status;
    if (!(p->quality >= 0.0f && p->quality <= 100.0f))
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "quality %g is outside [0, 100]", (double)p->quality);
    if (!(p->target_psnr >= 0.0f))
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "target_psnr %g is negative", (double)p->target_psnr);
    if ((unsigned)p->chroma_subsampling > PXC_CSS_410V)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "invalid chroma subsampling %d",
                           (int)p->chroma_subsampling);
    if ((unsigned)p->mct_mode > PXC_MCT_RGB || (unsigned)p->jpeg2k_bitstream_type > PXC_JPEG2K_JP2 ||
        (unsigned)p->jpeg2k_prog_order > PXC_JPEG2K_CPRL)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "invalid mct mode, bitstream type or progression order");
    return PXC_OK;
}

static pxc_status find_codec(const char *codec, const pxc_codec_def **out, pxc_err *e)
{
    *out = codec ? pxc_registry_find(codec) : NULL;
    if (!*out)
        return pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FORMAT,
                           "unknown output codec '%s' (a codec name such as 'jpeg' or an extension such as '.png')",
                           codec ? codec : "(null)");
    return PXC_OK;
}

/* Encodes one image; on success *data / *size hold malloc'ed bytes. */
static pxc_status encode_one(pxc_encoder *enc, const pxc_image *image, const pxc_codec_def *codec,
                             const pxc_encode_params *p, size_t first_backend, void **data, size_t *size,
                             pxc_backend_kind *used, pxc_err *e)
{
    *data = NULL;
    *size = 0;
    if (!image) return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "image is NULL");
    const pxc_image_desc *d = &image->desc;
    if (d->buffer_kind != PXC_BUFFER_HOST)
        return pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE,
                           "image is in device memory; this build encodes host images only");
    if (pxc_limits_check_dims(&enc->c.ctx->limits, d->width, d->height, e) != PXC_OK) return e->status;
    pxc_budget budget;
    pxc_budget_init(&budget, &enc->c.ctx->limits);

    /* implementations take interleaved pixels with a known colour spec */
    pxc_image_desc hwc = *d;
    if (hwc.color_spec == PXC_COLOR_UNKNOWN) {
        static const pxc_color_spec by_channels[5] = {PXC_COLOR_UNKNOWN, PXC_COLOR_GRAY, PXC_COLOR_GRAY_ALPHA,
                                                      PXC_COLOR_RGB, PXC_COLOR_RGBA};
        hwc.color_spec = by_channels[hwc.num_channels];
    }
    const uint8_t *pixels = image->data;
    uint8_t *staged = NULL;
    size_t staged_size = 0;
    if (d->layout == PXC_LAYOUT_CHW) {
        hwc.layout = PXC_LAYOUT_HWC;
        hwc.row_stride = hwc.plane_stride = 0;
        if (pxc_image_desc_resolve(&hwc, &staged_size) != PXC_OK ||
            !(staged = pxc_budget_malloc(&budget, staged_size, e))) {
            if (e->status == PXC_OK) pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "image too large to stage");
            return e->status;
        }
        pxc_planar_to_interleaved(image->data, d, staged, hwc.row_stride);
        pixels = staged;
    }

    pxc_outbuf out;
    pxc_outbuf_init(&out, &budget);
    pxc_encode_job job = {.ctx = enc->c.ctx, .desc = &hwc, .pixels = pixels, .params = p, .opts = enc->c.opts,
                          .out = &out, .budget = &budget, .err = e, .device_id = enc->c.device_id};
    const pxc_codec_impl *chain[PXC_MAX_CHAIN];
    size_t n = pxc_backend_set_chain(&enc->c.backends, first_backend, codec, chain, PXC_MAX_CHAIN);
    pxc_err last;
    pxc_err_clear(&last);
    pxc_err_set(&last, PXC_ERROR_UNSUPPORTED_FEATURE, "no allowed backend has a %s encoder", codec->name);
    bool tried = false, ok = false;
    bool declined = false; /* an available implementation's decline says more than another's absence */
    for (size_t i = 0; i < n && !ok; i++) {
        const pxc_codec_impl *impl = chain[i];
        if (!impl->encode) continue;
        pxc_err why;
        pxc_err_clear(&why);
        const char *reason = pxc_impl_unavailable_reason(impl);
        if (reason || (impl->can_encode && !impl->can_encode(&job, &why))) {
            if (!tried && !declined) {
                pxc_err_clear(&last);
                pxc_err_set(&last, reason ? PXC_ERROR_BACKEND_UNAVAILABLE : PXC_ERROR_UNSUPPORTED_FEATURE,
                            "%s: %s", impl->name, reason ? reason : (why.msg[0] ? why.msg : "cannot encode this image"));
                declined = !reason;
            }
            continue;
        }
        tried = true;
        pxc_err_clear(e);
        out.size = 0;
        pxc_status st = impl->encode(&job);
        if (st == PXC_OK) {
            ok = true;
            *used = impl->kind;
            break;
        }
        if (e->status == PXC_OK) pxc_err_set(e, st, "%s failed without a reason", impl->name);
        last = *e;
        if (!pxc_status_allows_fallback(st)) break;
    }
    pxc_budget_free(&budget, staged, staged_size);
    if (!ok) {
        pxc_outbuf_free(&out);
        *e = last;
        return e->status;
    }
    *data = pxc_outbuf_release(&out, size);
    if (!*data) {
        /* an implementation that produced nothing is a bug, not an empty file */
        return pxc_err_set(e, PXC_ERROR_INTERNAL, "%s encoder produced no bytes", codec->name);
    }
    return PXC_OK;
}

pxc_status pxc_encode(pxc_encoder *enc, const pxc_image *image, const char *codec, const pxc_encode_params *params,
                      void **out_data, size_t *out_size)
{
    if (!enc) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if (!out_data || !out_size) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "out_data or out_size is NULL");
        return pxc_last_error_store(&enc->c.last_error, &e);
    }
    *out_data = NULL;
    *out_size = 0;
    pxc_encode_params p;
    const pxc_codec_def *c;
    pxc_backend_kind used;
    if (resolve_params(params, &p, &e) == PXC_OK && find_codec(codec, &c, &e) == PXC_OK)
        encode_one(enc, image, c, &p, 0, out_data, out_size, &used, &e);
    return pxc_last_error_store(&enc->c.last_error, &e);
}

typedef struct batch_args {
    pxc_encoder *enc;
    const pxc_image *const *images;
    const pxc_codec_def *codec;
    const pxc_encode_params *params;
    void **data;
    size_t *sizes;
    pxc_sample_status *statuses;
    const uint8_t *assignment;
} batch_args;

static void batch_sample(void *arg, size_t i)
{
    batch_args *a = arg;
    pxc_err e;
    pxc_err_clear(&e);
    pxc_backend_kind used = PXC_BACKEND_CPU_ONLY;
    pxc_status st = encode_one(a->enc, a->images[i], a->codec, a->params, a->assignment[i], &a->data[i],
                               &a->sizes[i], &used, &e);
    pxc_sample_status *s = &a->statuses[i];
    s->status = st;
    s->backend = used;
    memcpy(s->detail, st == PXC_OK ? "" : e.msg, st == PXC_OK ? 1 : sizeof(s->detail));
}

pxc_status pxc_encode_batch(pxc_encoder *enc, size_t count, const pxc_image *const *images, const char *codec,
                            const pxc_encode_params *params, void **out_data, size_t *out_sizes,
                            pxc_sample_status *statuses)
{
    if (!enc) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    pxc_encode_params p;
    const pxc_codec_def *c = NULL;
    if (count && (!images || !out_data || !out_sizes || !statuses))
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "images, outputs or statuses is NULL for a batch of %zu", count);
    if (e.status != PXC_OK || resolve_params(params, &p, &e) != PXC_OK || find_codec(codec, &c, &e) != PXC_OK)
        return pxc_last_error_store(&enc->c.last_error, &e);
    for (size_t i = 0; i < count; i++) {
        out_data[i] = NULL;
        out_sizes[i] = 0;
        statuses[i].status = PXC_ERROR_NOT_PROCESSED;
        statuses[i].detail[0] = '\0';
    }
    uint8_t *assignment = malloc(count ? count : 1);
    if (!assignment) {
        pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory for a batch of %zu", count);
        pxc_batch_fail_all(statuses, count, &e);
        return pxc_last_error_store(&enc->c.last_error, &e);
    }
    pxc_backend_set_split(&enc->c.backends, count, assignment);
    batch_args a = {enc, images, c, &p, out_data, out_sizes, statuses, assignment};
    pxc_pool_run(enc->c.ctx->pool, count, batch_sample, &a);
    free(assignment);
    for (size_t i = 0; i < count; i++) {
        if (statuses[i].status != PXC_OK) {
            pxc_err_set(&e, statuses[i].status, "sample %zu: %s", i, statuses[i].detail);
            break;
        }
    }
    return pxc_last_error_store(&enc->c.last_error, &e);
}

pxc_status pxc_write_file_atomic(const char *path, const void *data, size_t size, char *detail, size_t detail_size)
{
    pxc_err e;
    pxc_err_clear(&e);
    if (!path || !*path || (!data && size)) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "path is empty or data is NULL");
        goto done;
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp) {
        pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory");
        goto done;
    }
    /* temporary file beside the target: same file system, so rename is atomic */
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    memcpy(tmp, path, dir_len);
    snprintf(tmp + dir_len, plen + 16 - dir_len, ".%s.XXXXXX", path + dir_len);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        pxc_err_set(&e, PXC_ERROR_IO, "cannot create a temporary file beside '%s': %s", path, strerror(errno));
        free(tmp);
        goto done;
    }
    const uint8_t *p = data;
    size_t left = size;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            pxc_err_set(&e, PXC_ERROR_IO, "cannot write '%s': %s", path, w < 0 ? strerror(errno) : "short write");
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (e.status == PXC_OK) {
        mode_t mask = umask(0);
        umask(mask);
        if (fchmod(fd, 0666 & ~mask) != 0)
            pxc_err_set(&e, PXC_ERROR_IO, "cannot set the mode of '%s': %s", path, strerror(errno));
    }
    if (close(fd) != 0 && e.status == PXC_OK)
        pxc_err_set(&e, PXC_ERROR_IO, "cannot write '%s': %s", path, strerror(errno));
    if (e.status == PXC_OK && rename(tmp, path) != 0)
        pxc_err_set(&e, PXC_ERROR_IO, "cannot rename the temporary file to '%s': %s", path, strerror(errno));
    if (e.status != PXC_OK) unlink(tmp);
    free(tmp);
done:
    if (detail && detail_size) pxc_strlcpy(detail, e.msg, detail_size);
    return e.status;
}

pxc_status pxc_encode_to_file(pxc_encoder *enc, const pxc_image *image, const char *path, const char *codec,
                              const pxc_encode_params *params)
{
    if (!enc) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_err e;
    pxc_err_clear(&e);
    if (!path || !*path) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "path is NULL or empty");
        return pxc_last_error_store(&enc->c.last_error, &e);
    }
    if (!codec || !*codec) {
        codec = pxc_codec_for_path(path);
        if (!codec) {
            pxc_err_set(&e, PXC_ERROR_UNSUPPORTED_FORMAT, "no codec writes files with the extension of '%s'", path);
            return pxc_last_error_store(&enc->c.last_error, &e);
        }
    }
    void *data = NULL;
    size_t size = 0;
    pxc_status st = pxc_encode(enc, image, codec, params, &data, &size);
    if (st != PXC_OK) return st;
    st = pxc_write_file_atomic(path, data, size, e.msg, sizeof(e.msg));
    e.status = st;
    pxc_free(data);
    return pxc_last_error_store(&enc->c.last_error, &e);
}
