/*
 * Conversion of decoded frames to RGB-family images with libswscale: the
 * stream's matrix and range (or the caller's), crop and resize, straight from
 * the decoded AVFrame. Scaler contexts are cached per decoder (shared state).
 */
#include <stdlib.h>
#include <string.h>

#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "video/decoder_internal.h"

/* ---- shared state and the scaler cache ------------------------------------- */

pxc_vdec_shared *pxc_vdec_shared_new(pxc_context *ctx)
{
    pxc_vdec_shared *s = calloc(1, sizeof(*s));
    if (!s) return NULL;
    atomic_init(&s->refs, 1);
    s->ctx = ctx;
    s->threads = pxc_context_num_threads(ctx);
    if (s->threads < 1) s->threads = 1;
    pthread_mutex_init(&s->sws_lock, NULL);
    return s;
}

pxc_vdec_shared *pxc_vdec_shared_ref(pxc_vdec_shared *s)
{
    if (s) atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    return s;
}

void pxc_vdec_shared_unref(pxc_vdec_shared *s)
{
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1) return;
    for (int i = 0; i < PXC_VDEC_SWS_SLOTS; i++) sws_freeContext(s->sws[i].sws);
    pthread_mutex_destroy(&s->sws_lock);
    free(s);
}

static bool key_equal(const pxc_sws_key *a, const pxc_sws_key *b)
{
    return a->src_format == b->src_format && a->src_w == b->src_w && a->src_h == b->src_h &&
           a->dst_format == b->dst_format && a->dst_w == b->dst_w && a->dst_h == b->dst_h && a->flags == b->flags &&
           a->matrix == b->matrix && a->src_range == b->src_range;
}

static struct SwsContext *sws_create(const pxc_sws_key *k, int threads, pxc_err *e)
{
    struct SwsContext *sws = sws_alloc_context();
    if (!sws) {
        pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory creating a scaler");
        return NULL;
    }
    /* slice threads: not more than one per 32 output rows */
    int t = threads;
    if (t > k->dst_h / 32) t = k->dst_h / 32;
    /* libswscale 6.7's fast unscaled YUV -> packed RGB converters give wrong
       samples at slice starts when sliced (seen as a black first pixel of the
       second slice's first row, now and then, in rgba): one thread there. They
       are cheap (a few ms for 1080p); the decoder's frame threads keep working
       meanwhile. */
    if (!(k->flags & SWS_ACCURATE_RND) && k->src_w == k->dst_w && k->src_h == k->dst_h) t = 1;
    if (t < 1) t = 1;
    const bool yuv_src = !(av_pix_fmt_desc_get((enum AVPixelFormat)k->src_format)->flags & AV_PIX_FMT_FLAG_RGB);
    /* YUV to YUV (resizing a surface) keeps the range; YUV to RGB gives full-range RGB */
    const bool rgb_dst = (av_pix_fmt_desc_get((enum AVPixelFormat)k->dst_format)->flags & AV_PIX_FMT_FLAG_RGB) != 0;
    const int dst_range = rgb_dst ? 1 : k->src_range;
    int r = 0;
    r |= av_opt_set_int(sws, "srcw", k->src_w, 0);
    r |= av_opt_set_int(sws, "srch", k->src_h, 0);
    r |= av_opt_set_int(sws, "src_format", k->src_format, 0);
    r |= av_opt_set_int(sws, "dstw", k->dst_w, 0);
    r |= av_opt_set_int(sws, "dsth", k->dst_h, 0);
    r |= av_opt_set_int(sws, "dst_format", k->dst_format, 0);
    r |= av_opt_set_int(sws, "sws_flags", k->flags, 0);
    r |= av_opt_set_int(sws, "threads", t, 0);
    if (yuv_src) {
        r |= av_opt_set_int(sws, "src_range", k->src_range, 0);
        r |= av_opt_set_int(sws, "dst_range", dst_range, 0);
    }
    if (r < 0) {
        sws_freeContext(sws);
        pxc_err_set(e, PXC_ERROR_INTERNAL, "cannot set the scaler's options");
        return NULL;
    }
    r = sws_init_context(sws, NULL, NULL);
    if (r < 0) {
        sws_freeContext(sws);
        pxc_video_av_error(e, r, "cannot create the scaler");
        if (e) e->status = PXC_ERROR_UNSUPPORTED_FEATURE;
        return NULL;
    }
    if (yuv_src) {
        const int *coeffs = sws_getCoefficients(k->matrix);
        if (sws_setColorspaceDetails(sws, coeffs, k->src_range, rgb_dst ? sws_getCoefficients(SWS_CS_DEFAULT) : coeffs,
                                     dst_range, 0, 1 << 16,
                                     1 << 16) < 0) {
            sws_freeContext(sws);
            pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "the scaler refused matrix %d, range %s", k->matrix,
                        k->src_range ? "full" : "limited");
            return NULL;
        }
    }
    return sws;
}

struct SwsContext *pxc_vdec_sws_acquire(pxc_vdec_shared *s, const pxc_sws_key *key, pxc_err *e)
{
    pthread_mutex_lock(&s->sws_lock);
    for (int i = 0; i < PXC_VDEC_SWS_SLOTS; i++) {
        pxc_sws_slot *slot = &s->sws[i];
        if (slot->sws && !slot->in_use && key_equal(&slot->key, key)) {
            slot->in_use = true;
            struct SwsContext *sws = slot->sws;
            pthread_mutex_unlock(&s->sws_lock);
            return sws;
        }
    }
    pthread_mutex_unlock(&s->sws_lock);
    return sws_create(key, s->threads, e);
}

void pxc_vdec_sws_release(pxc_vdec_shared *s, const pxc_sws_key *key, struct SwsContext *sws)
{
    if (!sws) return;
    struct SwsContext *drop = NULL;
    pthread_mutex_lock(&s->sws_lock);
    const uint64_t tick = ++s->sws_tick;
    pxc_sws_slot *target = NULL;
    for (int i = 0; i < PXC_VDEC_SWS_SLOTS; i++)
        if (s->sws[i].sws == sws) target = &s->sws[i];
    if (target) { /* came from the cache */
        target->in_use = false;
        target->last_used = tick;
    } else {
        /* an empty slot, else the least recently used idle one, else nowhere */
        for (int i = 0; i < PXC_VDEC_SWS_SLOTS && !target; i++)
            if (!s->sws[i].sws) target = &s->sws[i];
        if (!target) {
            for (int i = 0; i < PXC_VDEC_SWS_SLOTS; i++) {
                pxc_sws_slot *slot = &s->sws[i];
                if (!slot->in_use && (!target || slot->last_used < target->last_used)) target = slot;
            }
        }
        if (!target) {
            drop = sws;
        } else {
            drop = target->sws;
            target->sws = sws;
            target->key = *key;
            target->in_use = false;
            target->last_used = tick;
        }
    }
    pthread_mutex_unlock(&s->sws_lock);
    sws_freeContext(drop);
}

/* ---- formats ------------------------------------------------------------------ */

typedef struct out_format {
    enum AVPixelFormat av;
    uint32_t channels;
    pxc_sample_type type;
    pxc_layout layout;
    pxc_color_spec spec;
} out_format;

static bool out_format_of(pxc_video_format f, out_format *o)
{
    switch (f) {
    case PXC_VIDEO_FORMAT_BGR: *o = (out_format){AV_PIX_FMT_BGR24, 3, PXC_SAMPLE_U8, PXC_LAYOUT_HWC, PXC_COLOR_BGR}; break;
    case PXC_VIDEO_FORMAT_BGR48: *o = (out_format){AV_PIX_FMT_BGR48, 3, PXC_SAMPLE_U16, PXC_LAYOUT_HWC, PXC_COLOR_BGR}; break;
    case PXC_VIDEO_FORMAT_RGB: *o = (out_format){AV_PIX_FMT_RGB24, 3, PXC_SAMPLE_U8, PXC_LAYOUT_HWC, PXC_COLOR_RGB}; break;
    case PXC_VIDEO_FORMAT_RGB48: *o = (out_format){AV_PIX_FMT_RGB48, 3, PXC_SAMPLE_U16, PXC_LAYOUT_HWC, PXC_COLOR_RGB}; break;
    case PXC_VIDEO_FORMAT_BGRA: *o = (out_format){AV_PIX_FMT_BGRA, 4, PXC_SAMPLE_U8, PXC_LAYOUT_HWC, PXC_COLOR_BGRA}; break;
    case PXC_VIDEO_FORMAT_BGRA64:
        *o = (out_format){AV_PIX_FMT_BGRA64, 4, PXC_SAMPLE_U16, PXC_LAYOUT_HWC, PXC_COLOR_BGRA};
        break;
    case PXC_VIDEO_FORMAT_RGBA: *o = (out_format){AV_PIX_FMT_RGBA, 4, PXC_SAMPLE_U8, PXC_LAYOUT_HWC, PXC_COLOR_RGBA}; break;
    case PXC_VIDEO_FORMAT_RGBA64:
        *o = (out_format){AV_PIX_FMT_RGBA64, 4, PXC_SAMPLE_U16, PXC_LAYOUT_HWC, PXC_COLOR_RGBA};
        break;
    case PXC_VIDEO_FORMAT_RGB_PLANAR:
        *o = (out_format){AV_PIX_FMT_GBRP, 3, PXC_SAMPLE_U8, PXC_LAYOUT_CHW, PXC_COLOR_RGB};
        break;
    case PXC_VIDEO_FORMAT_RGB48_PLANAR:
        *o = (out_format){AV_PIX_FMT_GBRP16, 3, PXC_SAMPLE_U16, PXC_LAYOUT_CHW, PXC_COLOR_RGB};
        break;
    default: return false;
    }
    return true;
}

/* yuvj* formats are their yuv* layouts with a full-range tag; the range is set explicitly instead. */
static enum AVPixelFormat unjpeg(enum AVPixelFormat f)
{
    switch (f) {
    case AV_PIX_FMT_YUVJ420P: return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P: return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P: return AV_PIX_FMT_YUV411P;
    default: return f;
    }
}

static bool matrix_known(int m)
{
    return m == AVCOL_SPC_BT709 || m == AVCOL_SPC_FCC || m == AVCOL_SPC_BT470BG || m == AVCOL_SPC_SMPTE170M ||
           m == AVCOL_SPC_SMPTE240M || m == AVCOL_SPC_BT2020_NCL || m == AVCOL_SPC_BT2020_CL;
}

static int sws_flags_of(pxc_video_filter f, int accurate)
{
    int base;
    switch (f) {
    case PXC_VIDEO_FILTER_AREA: base = SWS_AREA; break;
    case PXC_VIDEO_FILTER_BICUBIC: base = SWS_BICUBIC; break;
    case PXC_VIDEO_FILTER_NEAREST: base = SWS_POINT; break;
    default: base = SWS_BILINEAR; break;
    }
    return accurate ? base | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT : base;
}

/* ---- public entry points ---------------------------------------------------------- */

int pxc_video_resolve_matrix(const pxc_video_frame *f, int requested)
{
    int matrix = requested >= 0 ? requested : f->info.color.matrix;
    if (!matrix_known(matrix)) matrix = f->info.height >= 720 ? AVCOL_SPC_BT709 : AVCOL_SPC_BT470BG;
    return matrix;
}

void pxc_video_convert_params_default(pxc_video_convert_params *p)
{
    if (!p) return;
    memset(p, 0, sizeof(*p));
    p->struct_size = sizeof(*p);
    p->format = PXC_VIDEO_FORMAT_RGB;
    p->filter = PXC_VIDEO_FILTER_BILINEAR;
    p->matrix = -1;
    p->full_range = -1;
}

/*
 * Copies and checks the caller's parameters: crop all 0 becomes the whole
 * frame, width / height 0 the cropped size. Fills @p fmt.
 */
static pxc_status resolve_params(const pxc_video_frame *f, const pxc_video_convert_params *in,
                                 pxc_video_convert_params *p, out_format *fmt, pxc_err *e)
{
    pxc_video_convert_params_default(p);
    pxc_status st = pxc_struct_copy(p, sizeof(*p), in, "pxc_video_convert_params", e);
    if (st != PXC_OK) return st;
    if (!pxc_vframe_has_pixels(f)) /* before any output is made for it */
        return pxc_vframe_no_pixels(e);
    if (p->format == PXC_VIDEO_FORMAT_NATIVE)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT,
                           "format NATIVE is the surface itself: use pxc_video_frame_surface()");
    if (!out_format_of(p->format, fmt))
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "unknown output format %d", (int)p->format);
    if ((unsigned)p->filter > PXC_VIDEO_FILTER_NEAREST)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "unknown resize filter %d", (int)p->filter);
    if (p->matrix != -1 && p->matrix != AVCOL_SPC_UNSPECIFIED && !matrix_known(p->matrix))
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT,
                           "matrix %d is not supported (1 BT.709, 4 FCC, 5/6 BT.601, 7 SMPTE 240M, 9/10 BT.2020, "
                           "2 unspecified, -1 the stream's)", p->matrix);
    if (p->full_range < -1 || p->full_range > 1)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "full_range must be -1, 0 or 1 (got %d)", p->full_range);
    const uint32_t w = f->info.width, h = f->info.height;
    if (!p->crop_left && !p->crop_top && !p->crop_right && !p->crop_bottom) {
        p->crop_right = w;
        p->crop_bottom = h;
    } else if (p->crop_left >= p->crop_right || p->crop_right > w || p->crop_top >= p->crop_bottom ||
               p->crop_bottom > h) {
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT,
                           "crop rectangle (%u, %u, %u, %u) is empty or outside the %u x %u frame", p->crop_left,
                           p->crop_top, p->crop_right, p->crop_bottom, w, h);
    }
    if (!p->width) p->width = p->crop_right - p->crop_left;
    if (!p->height) p->height = p->crop_bottom - p->crop_top;
    if (p->width > 16384 * 4 || p->height > 16384 * 4)
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "output size %u x %u is too large", p->width, p->height);
    return pxc_limits_check_dims(&f->shared->ctx->limits, p->width, p->height, e);
}

static void fill_desc(pxc_image_desc *d, const out_format *fmt, uint32_t w, uint32_t h)
{
    pxc_image_desc_init(d);
    d->width = w;
    d->height = h;
    d->num_channels = fmt->channels;
    d->sample_type = fmt->type;
    d->layout = fmt->layout;
    d->color_spec = fmt->spec;
}

pxc_status pxc_video_frame_convert(pxc_video_frame *f, const pxc_video_convert_params *params, pxc_image **out)
{
    if (out) *out = NULL;
    if (!f) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_context *ctx = f->shared->ctx;
    pxc_err e;
    pxc_err_clear(&e);
    if (!out) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "pxc_video_frame_convert: out is NULL");
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_video_convert_params p;
    out_format fmt;
    if (resolve_params(f, params, &p, &fmt, &e) != PXC_OK) return pxc_last_error_store(&ctx->last_error, &e);
    pxc_image_desc d;
    fill_desc(&d, &fmt, p.width, p.height);
    if (f->device_id >= 0) {
        /* frames in device memory convert into device images on their device */
        d.buffer_kind = PXC_BUFFER_DEVICE;
        d.device_id = f->device_id;
        pxc_image *img = NULL;
        pxc_status st = pxc_image_create(ctx, &d, NULL, &img);
        if (st != PXC_OK) return st; /* its detail is in the context's last error */
        st = f->ops->convert(f, &p, img, &e);
        if (st != PXC_OK) {
            pxc_image_destroy(img);
            return pxc_last_error_store(&ctx->last_error, &e);
        }
        *out = img;
        return PXC_OK;
    }
    size_t total;
    if (pxc_image_desc_resolve(&d, &total) != PXC_OK) {
        pxc_err_set(&e, PXC_ERROR_LIMIT_EXCEEDED, "output of %u x %u is too large", p.width, p.height);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    if (ctx->limits.max_bytes && total > ctx->limits.max_bytes) {
        pxc_err_set(&e, PXC_ERROR_LIMIT_EXCEEDED,
                    "image of %zu bytes exceeds the limit of %llu bytes per image "
                    "(raise pxc_context_settings.max_bytes_per_image)",
                    total, (unsigned long long)ctx->limits.max_bytes);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_image *img = pxc_image_new_owned(ctx, &d, total);
    if (!img) {
        pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory allocating an image of %zu bytes", total);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_status st = f->ops->convert(f, &p, img, &e);
    if (st != PXC_OK) {
        pxc_image_destroy(img);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    *out = img;
    return PXC_OK;
}

pxc_status pxc_video_frame_convert_into(pxc_video_frame *f, const pxc_video_convert_params *params, pxc_image *dst)
{
    if (!f) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_context *ctx = f->shared->ctx;
    pxc_err e;
    pxc_err_clear(&e);
    if (!dst) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "pxc_video_frame_convert_into: dst is NULL");
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_video_convert_params p;
    out_format fmt;
    if (resolve_params(f, params, &p, &fmt, &e) != PXC_OK) return pxc_last_error_store(&ctx->last_error, &e);
    const pxc_image_desc *d = &dst->desc;
    if (d->width != p.width || d->height != p.height)
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "destination is %u x %u, the conversion gives %u x %u", d->width,
                    d->height, p.width, p.height);
    else if (d->num_channels != fmt.channels || d->sample_type != fmt.type || d->layout != fmt.layout)
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT,
                    "destination has %u channels, %s samples, %s layout; the format needs %u, %s, %s",
                    d->num_channels, d->sample_type == PXC_SAMPLE_U16 ? "u16" : "u8",
                    d->layout == PXC_LAYOUT_CHW ? "CHW" : "HWC", fmt.channels,
                    fmt.type == PXC_SAMPLE_U16 ? "u16" : "u8", fmt.layout == PXC_LAYOUT_CHW ? "CHW" : "HWC");
    else if (d->color_spec != PXC_COLOR_UNKNOWN && d->color_spec != fmt.spec)
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "destination colour spec %s does not match the format (%s)",
                    pxc_color_spec_name(d->color_spec), pxc_color_spec_name(fmt.spec));
    else if (d->row_stride > INT32_MAX || (d->row_stride & (pxc_sample_size(d->sample_type) - 1)) ||
             (d->layout == PXC_LAYOUT_CHW && (d->plane_stride & (pxc_sample_size(d->sample_type) - 1))))
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "destination strides must be multiples of the sample size and "
                    "below 2 GiB");
    if (e.status != PXC_OK) return pxc_last_error_store(&ctx->last_error, &e);
    pxc_status st;
    if (d->buffer_kind == PXC_BUFFER_DEVICE && f->ops == &pxc_vframe_cpu_ops) {
        /* a CPU frame into a device image: converted on the host, then uploaded */
        pxc_image_desc hd;
        fill_desc(&hd, &fmt, p.width, p.height);
        size_t total;
        pxc_image *tmp = pxc_image_desc_resolve(&hd, &total) == PXC_OK ? pxc_image_new_owned(ctx, &hd, total) : NULL;
        if (!tmp) {
            pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory for a host copy of the conversion");
            return pxc_last_error_store(&ctx->last_error, &e);
        }
        st = f->ops->convert(f, &p, tmp, &e);
        if (st == PXC_OK) st = pxc_image_upload(dst, tmp, &e);
        pxc_image_destroy(tmp);
    } else {
        st = f->ops->convert(f, &p, dst, &e);
    }
    if (st != PXC_OK) return pxc_last_error_store(&ctx->last_error, &e);
    return PXC_OK;
}

/* ---- the CPU conversion --------------------------------------------------------- */

static void no_free(void *opaque, uint8_t *data)
{
    (void)opaque;
    (void)data;
}

/*
 * The frame libswscale writes the output into: for interleaved formats the
 * image's own buffer; for planar RGB a frame of its own (libswscale's planar
 * RGB writers store whole vectors, past the end of each row: seen up to 12
 * bytes, which would land in the next row, or past the end of the last one,
 * of a packed image), copied into the image afterwards.
 */
static AVFrame *output_frame(pxc_image *img, enum AVPixelFormat fmt, pxc_err *e)
{
    AVFrame *fr = av_frame_alloc();
    if (!fr) {
        pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory for the output frame");
        return NULL;
    }
    const pxc_image_desc *d = &img->desc;
    fr->format = fmt;
    fr->width = (int)d->width;
    fr->height = (int)d->height;
    /* libswscale's fast YUV -> RGB paths convert whole groups of 8 pixels and
       silently skip the last group when the row stride cannot hold it: an image
       whose rows are tightly packed and whose width is not a multiple of 16 is
       converted into a padded frame and copied. */
    const size_t px_bytes = (size_t)d->num_channels * pxc_sample_size(d->sample_type);
    const bool padded_rows = d->row_stride >= (((size_t)d->width + 15) & ~(size_t)15) * px_bytes;
    if (d->layout == PXC_LAYOUT_CHW || !padded_rows) {
        int r = av_frame_get_buffer(fr, 0);
        if (r < 0) {
            av_frame_free(&fr);
            pxc_video_av_error(e, r, "cannot allocate the conversion buffer");
            return NULL;
        }
        return fr;
    }
    fr->buf[0] = av_buffer_create(img->data, img->size, no_free, NULL, 0);
    if (!fr->buf[0]) {
        av_frame_free(&fr);
        pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory wrapping the output image");
        return NULL;
    }
    fr->data[0] = img->data;
    fr->linesize[0] = (int)d->row_stride;
    return fr;
}

/* Copies an output frame of its own into the image: interleaved rows as they
   are, planar RGB (G, B, R planes) into the image's R, G, B planes. */
static void copy_output(const AVFrame *fr, pxc_image *img)
{
    const pxc_image_desc *d = &img->desc;
    if (fr->data[0] == img->data) return; /* written in place */
    if (d->layout == PXC_LAYOUT_HWC) {
        const size_t row = (size_t)d->width * d->num_channels * pxc_sample_size(d->sample_type);
        for (uint32_t y = 0; y < d->height; y++)
            memcpy(img->data + (size_t)y * d->row_stride, fr->data[0] + (ptrdiff_t)y * fr->linesize[0], row);
        return;
    }
    static const int from[3] = {2, 0, 1}; /* R, G, B in libswscale's plane order */
    const size_t row = (size_t)d->width * pxc_sample_size(d->sample_type);
    for (int c = 0; c < 3; c++)
        for (uint32_t y = 0; y < d->height; y++)
            memcpy(img->data + (size_t)c * d->plane_stride + (size_t)y * d->row_stride,
                   fr->data[from[c]] + (ptrdiff_t)y * fr->linesize[from[c]], row);
}

static pxc_status scale(pxc_vdec_shared *sh, const pxc_sws_key *k, AVFrame *dst, const AVFrame *src, pxc_err *e)
{
    struct SwsContext *sws = pxc_vdec_sws_acquire(sh, k, e);
    if (!sws) return e ? e->status : PXC_ERROR_INTERNAL;
    int r = sws_scale_frame(sws, dst, src);
    pxc_vdec_sws_release(sh, k, sws);
    if (r < 0) return pxc_video_av_error(e, r, "conversion failed");
    return PXC_OK;
}

/* A new reference to @p src cropped to (x, y, w, h) (pointers moved, no copy). */
static AVFrame *crop_ref(const AVFrame *src, int x, int y, int w, int h, pxc_err *e)
{
    AVFrame *c = av_frame_clone(src);
    if (!c) {
        pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory referencing a frame");
        return NULL;
    }
    c->crop_left = (size_t)x;
    c->crop_top = (size_t)y;
    c->crop_right = (size_t)(src->width - x - w);
    c->crop_bottom = (size_t)(src->height - y - h);
    int r = av_frame_apply_cropping(c, AV_FRAME_CROP_UNALIGNED);
    if (r < 0) {
        av_frame_free(&c);
        pxc_video_av_error(e, r, "cannot crop the frame");
        return NULL;
    }
    return c;
}

/* Copies a w x h rectangle at (x, y) of an RGB frame (interleaved or G,B,R planes) into @p dst. */
static void copy_rect(const AVFrame *src, int x, int y, int w, int h, const AVFrame *dst)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get((enum AVPixelFormat)src->format);
    const int planes = av_pix_fmt_count_planes((enum AVPixelFormat)src->format);
    const size_t px = (size_t)av_get_padded_bits_per_pixel(d) / 8 / (size_t)planes;
    for (int p = 0; p < planes; p++)
        for (int r = 0; r < h; r++)
            memcpy(dst->data[p] + (ptrdiff_t)r * dst->linesize[p],
                   src->data[p] + (ptrdiff_t)(y + r) * src->linesize[p] + (size_t)x * px, (size_t)w * px);
}

pxc_status pxc_vframe_cpu_convert(pxc_video_frame *f, const pxc_video_convert_params *p, pxc_image *dst,
                                  pxc_err *e)
{
    out_format fmt;
    if (!out_format_of(p->format, &fmt))
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT, "unknown output format %d", (int)p->format);
    const AVFrame *av = f->av;
    const enum AVPixelFormat src_fmt = unjpeg((enum AVPixelFormat)av->format);
    const AVPixFmtDescriptor *sd = av_pix_fmt_desc_get(src_fmt);
    const int W = av->width, H = av->height;

    const int matrix = pxc_video_resolve_matrix(f, p->matrix);
    const int range = p->full_range >= 0 ? p->full_range : f->info.color.full_range;

    const int cl = (int)p->crop_left, ct = (int)p->crop_top;
    const int cw = (int)(p->crop_right - p->crop_left), ch = (int)(p->crop_bottom - p->crop_top);
    const int ow = (int)p->width, oh = (int)p->height;
    const bool cropped = cl || ct || cw != W || ch != H;
    const bool resized = ow != cw || oh != ch;
    const bool aligned = !(cl & ((1 << sd->log2_chroma_w) - 1)) && !(ct & ((1 << sd->log2_chroma_h) - 1));

    pxc_sws_key k = {.src_format = src_fmt, .dst_format = fmt.av, .flags = sws_flags_of(p->filter, p->accurate),
                     .matrix = matrix, .src_range = range ? 1 : 0};
    AVFrame *out = output_frame(dst, fmt.av, e);
    if (!out) return e->status;
    AVFrame *src = NULL, *tmp = NULL, *sub = NULL;
    pxc_status st;

    if (!cropped || (resized && aligned)) {
        /* one pass, from the frame (or its cropped view) to the output */
        src = cropped ? crop_ref(av, cl, ct, cw, ch, e) : av_frame_clone(av);
        if (!src) {
            st = e->status ? e->status : pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory referencing a frame");
            goto done;
        }
        src->format = src_fmt;
        k.src_w = cw;
        k.src_h = ch;
        k.dst_w = ow;
        k.dst_h = oh;
        st = scale(f->shared, &k, out, src, e);
        goto done;
    }

    /*
     * Cropping without resizing, or at an offset between chroma samples:
     * convert a region around the crop (its edges on a 16-pixel grid or the
     * frame's, at least 16 pixels of margin where the frame has them) at full size, so that every pixel of
     * the crop is what a conversion of the whole frame gives it, then copy the
     * crop out, or resize it from there.
     */
    int rl = (cl > 16 ? cl - 16 : 0) & ~15, rt = (ct > 16 ? ct - 16 : 0) & ~15;
    int rr = (cl + cw + 31) & ~15, rb = (ct + ch + 31) & ~15;
    /* even sizes inside the frame keep the chroma-to-luma ratio of the whole frame exactly 1:2 */
    if (rr > W) rr = W;
    if (rb > H) rb = H;
    /* an odd size with subsampled chroma: libswscale steps through the chroma by
       ceil(W / 2) / W, which no region of another size shares: the whole width (height) then */
    if ((W & 1) && sd->log2_chroma_w) {
        rl = 0;
        rr = W;
    }
    if ((H & 1) && sd->log2_chroma_h) {
        rt = 0;
        rb = H;
    }
    src = crop_ref(av, rl, rt, rr - rl, rb - rt, e);
    tmp = av_frame_alloc();
    if (!src || !tmp) {
        st = e->status ? e->status : pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory for the conversion");
        goto done;
    }
    src->format = src_fmt;
    tmp->format = fmt.av;
    tmp->width = rr - rl;
    tmp->height = rb - rt;
    int r = av_frame_get_buffer(tmp, 0);
    if (r < 0) {
        st = pxc_video_av_error(e, r, "cannot allocate the conversion buffer");
        goto done;
    }
    k.src_w = k.dst_w = rr - rl;
    k.src_h = k.dst_h = rb - rt;
    st = scale(f->shared, &k, tmp, src, e);
    if (st != PXC_OK) goto done;
    if (!resized) {
        copy_rect(tmp, cl - rl, ct - rt, cw, ch, out);
        goto done;
    }
    sub = crop_ref(tmp, cl - rl, ct - rt, cw, ch, e);
    if (!sub) {
        st = e->status;
        goto done;
    }
    pxc_sws_key k2 = {.src_format = fmt.av, .src_w = cw, .src_h = ch, .dst_format = fmt.av, .dst_w = ow,
                      .dst_h = oh, .flags = k.flags, .matrix = 0, .src_range = 1};
    st = scale(f->shared, &k2, out, sub, e);

done:
    if (st == PXC_OK) copy_output(out, dst);
    av_frame_free(&sub);
    av_frame_free(&tmp);
    av_frame_free(&src);
    av_frame_free(&out);
    return st;
}

/* ---- resizing a frame ------------------------------------------------------------ */

pxc_status pxc_video_frame_resize(pxc_video_frame *f, const pxc_video_convert_params *params, pxc_video_frame **out)
{
    if (out) *out = NULL;
    if (!f) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_context *ctx = f->shared->ctx;
    pxc_err e;
    pxc_err_clear(&e);
    if (!out) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "pxc_video_frame_resize: out is NULL");
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    /* the parameters of a conversion to RGB, of which the format is ignored */
    pxc_video_convert_params in, p;
    out_format fmt;
    pxc_video_convert_params_default(&in);
    if (params && pxc_struct_copy(&in, sizeof(in), params, "pxc_video_convert_params", &e) != PXC_OK)
        return pxc_last_error_store(&ctx->last_error, &e);
    in.format = PXC_VIDEO_FORMAT_RGB;
    if (resolve_params(f, &in, &p, &fmt, &e) != PXC_OK) return pxc_last_error_store(&ctx->last_error, &e);
    if (f->ops->resize) {
        /* frames around a surface buffer (device frames, host copies of them): the vconv path */
        const bool sub420 = f->info.chroma == PXC_VIDEO_CHROMA_420 || f->info.chroma == PXC_VIDEO_CHROMA_400;
        if (sub420 && ((p.crop_left | p.crop_top) & 1)) {
            pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT,
                        "crop offset (%u, %u) splits a chroma sample of this 4:2:0 frame: use even offsets",
                        p.crop_left, p.crop_top);
            return pxc_last_error_store(&ctx->last_error, &e);
        }
        if (f->ops->resize(f, &p, out, &e) != PXC_OK) return pxc_last_error_store(&ctx->last_error, &e);
        return PXC_OK;
    }
    if (!f->av) {
        pxc_err_set(&e, PXC_ERROR_UNSUPPORTED_FEATURE, "pxc_video_frame_resize: this frame cannot be resized");
        return pxc_last_error_store(&ctx->last_error, &e);
    }

    const AVFrame *av = f->av;
    const enum AVPixelFormat pf = (enum AVPixelFormat)av->format;
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(pf);
    const int cl = (int)p.crop_left, ct = (int)p.crop_top;
    const int cw = (int)(p.crop_right - p.crop_left), ch = (int)(p.crop_bottom - p.crop_top);
    if ((cl & ((1 << d->log2_chroma_w) - 1)) || (ct & ((1 << d->log2_chroma_h) - 1))) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT,
                    "crop offset (%d, %d) splits a chroma sample of this %s frame: use even offsets", cl, ct, d->name);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    AVFrame *src = crop_ref(av, cl, ct, cw, ch, &e);
    AVFrame *dst = src ? av_frame_alloc() : NULL;
    pxc_status st = PXC_OK;
    if (!src) {
        st = e.status;
    } else if (!dst) {
        st = pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory for the resized frame");
    } else {
        dst->format = pf;
        dst->width = (int)p.width;
        dst->height = (int)p.height;
        int r = av_frame_get_buffer(dst, 0);
        if (r < 0) st = pxc_video_av_error(&e, r, "cannot allocate the resized frame");
        if (st == PXC_OK) r = av_frame_copy_props(dst, av);
        if (st == PXC_OK && r < 0) st = pxc_video_av_error(&e, r, "cannot copy the frame's properties");
    }
    if (st == PXC_OK) {
        /* same format in and out: no colour conversion, the range kept */
        const int range = f->info.color.full_range ? 1 : 0;
        pxc_sws_key k = {.src_format = pf, .src_w = cw, .src_h = ch, .dst_format = pf, .dst_w = (int)p.width,
                         .dst_h = (int)p.height, .flags = sws_flags_of(p.filter, p.accurate),
                         .matrix = SWS_CS_DEFAULT, .src_range = range};
        st = scale(f->shared, &k, dst, src, &e);
    }
    if (st == PXC_OK) {
        *out = pxc_vframe_new_cpu(f->shared, dst, &e);
        if (!*out) st = e.status;
    }
    av_frame_free(&dst);
    av_frame_free(&src);
    if (st == PXC_OK) pxc_err_clear(&e);
    return pxc_last_error_store(&ctx->last_error, &e);
}
