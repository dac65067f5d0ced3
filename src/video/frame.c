/* Decoded video frames: reference counting, facts and their surfaces (NV12 / P016 / YUV444 / YUV444_16). */
#include <stdlib.h>
#include <string.h>

#include <libavutil/intreadwrite.h>
#include <libavutil/pixdesc.h>

#include "video/decoder_internal.h"

const pxc_vframe_ops pxc_vframe_cpu_ops = {
    .build_surface = pxc_vframe_cpu_surface,
    .convert = pxc_vframe_cpu_convert,
    .free_priv = NULL,
};

pxc_video_frame *pxc_vframe_new_cpu(pxc_vdec_shared *shared, AVFrame *av, pxc_err *e)
{
    pxc_video_chroma chroma;
    uint32_t depth;
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get((enum AVPixelFormat)av->format);
    if (!d || (d->flags & AV_PIX_FMT_FLAG_BE) || !pxc_video_pixfmt_facts((enum AVPixelFormat)av->format, &chroma, &depth) ||
        depth > 16) {
        pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "decoded pixel format %s is not supported (planar YUV or gray only)",
                    d ? d->name : "none");
        return NULL;
    }
    if (av->width <= 0 || av->height <= 0) {
        pxc_err_set(e, PXC_ERROR_CORRUPT_DATA, "decoder returned a frame of %d x %d", av->width, av->height);
        return NULL;
    }
    pxc_video_frame *f = calloc(1, sizeof(*f));
    AVFrame *own = f ? av_frame_alloc() : NULL;
    if (!own) {
        free(f);
        pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory allocating a video frame");
        return NULL;
    }
    av_frame_move_ref(own, av);
    atomic_init(&f->refs, 1);
    atomic_init(&f->surface_ready, false);
    pthread_mutex_init(&f->surface_lock, NULL);
    f->ops = &pxc_vframe_cpu_ops;
    f->shared = pxc_vdec_shared_ref(shared);
    f->av = own;
    f->device_id = -1;
    pxc_video_frame_info *i = &f->info;
    i->struct_size = sizeof(*i);
    i->width = (uint32_t)own->width;
    i->height = (uint32_t)own->height;
    i->bit_depth = depth;
    i->chroma = chroma;
    pxc_video_color_from_av(&i->color, own->colorspace, own->color_primaries, own->color_trc, own->color_range);
    /* yuvj* formats (MJPEG, full-range H.264) are full range whatever the tag says */
    if ((enum AVPixelFormat)own->format == AV_PIX_FMT_YUVJ420P || (enum AVPixelFormat)own->format == AV_PIX_FMT_YUVJ422P ||
        (enum AVPixelFormat)own->format == AV_PIX_FMT_YUVJ444P || (enum AVPixelFormat)own->format == AV_PIX_FMT_YUVJ440P ||
        (enum AVPixelFormat)own->format == AV_PIX_FMT_YUVJ411P)
        i->color.full_range = 1;
    i->pts = own->best_effort_timestamp != AV_NOPTS_VALUE ? own->best_effort_timestamp : INT64_MIN;
    i->duration = own->pkt_duration;
    i->key_frame = own->key_frame;
    return f;
}

pxc_video_frame *pxc_video_frame_ref(pxc_video_frame *f)
{
    if (f) atomic_fetch_add_explicit(&f->refs, 1, memory_order_relaxed);
    return f;
}

void pxc_video_frame_release(pxc_video_frame *f)
{
    if (!f) return;
    if (atomic_fetch_sub_explicit(&f->refs, 1, memory_order_acq_rel) != 1) return;
    if (f->ops && f->ops->free_priv) f->ops->free_priv(f);
    av_frame_free(&f->av);
    av_free(f->surface_buf);
    pthread_mutex_destroy(&f->surface_lock);
    pxc_vdec_shared_unref(f->shared);
    free(f);
}

pxc_status pxc_video_frame_get_info(const pxc_video_frame *f, pxc_video_frame_info *info)
{
    if (!f || !info || info->struct_size != sizeof(*info)) return PXC_ERROR_INVALID_ARGUMENT;
    *info = f->info;
    return PXC_OK;
}

pxc_status pxc_video_frame_surface(pxc_video_frame *f, pxc_video_surface *surface)
{
    if (!f || !surface || surface->struct_size != sizeof(*surface)) {
        if (f && f->shared) {
            pxc_err e;
            pxc_err_clear(&e);
            pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "pxc_video_frame_surface: NULL surface or wrong struct_size");
            return pxc_last_error_store(&f->shared->ctx->last_error, &e);
        }
        return PXC_ERROR_INVALID_ARGUMENT;
    }
    if (!atomic_load_explicit(&f->surface_ready, memory_order_acquire)) {
        pthread_mutex_lock(&f->surface_lock);
        if (!atomic_load_explicit(&f->surface_ready, memory_order_relaxed)) {
            pxc_err e;
            pxc_err_clear(&e);
            pxc_video_surface s;
            memset(&s, 0, sizeof(s));
            s.struct_size = sizeof(s);
            pxc_status st = f->ops->build_surface(f, &s, &e);
            if (st != PXC_OK) {
                /* not cached: a later call (e.g. with more memory) may succeed */
                pthread_mutex_unlock(&f->surface_lock);
                return pxc_last_error_store(&f->shared->ctx->last_error, &e);
            }
            f->surface = s;
            atomic_store_explicit(&f->surface_ready, true, memory_order_release);
        }
        pthread_mutex_unlock(&f->surface_lock);
    }
    *surface = f->surface;
    return PXC_OK;
}

/* ---- CPU surfaces ---------------------------------------------------------------- */

/* Reads component @p c of pixel (x, y) of a planar or semi-planar YUV frame, as stored (unshifted). */
typedef struct comp_reader {
    const uint8_t *base;
    int linesize;
    int step, offset, shift;
    unsigned mask;
    bool wide; /* 2-byte little-endian samples */
} comp_reader;

static void reader_init(comp_reader *r, const AVFrame *av, const AVPixFmtDescriptor *d, int c)
{
    const AVComponentDescriptor *cd = &d->comp[c];
    r->base = av->data[cd->plane];
    r->linesize = av->linesize[cd->plane];
    r->step = cd->step;
    r->offset = cd->offset;
    r->shift = cd->shift;
    r->mask = (1u << cd->depth) - 1u;
    r->wide = cd->depth > 8;
}

static inline unsigned reader_get(const comp_reader *r, const uint8_t *row, int x)
{
    const uint8_t *p = row + (size_t)x * (size_t)r->step + (size_t)r->offset;
    unsigned v = r->wide ? AV_RL16(p) : *p;
    return (v >> r->shift) & r->mask;
}

static inline const uint8_t *reader_row(const comp_reader *r, int y)
{
    return r->base + (ptrdiff_t)y * r->linesize;
}

/* Whether component @p c is a plain 8-bit plane (step 1, no shift). */
static bool plain8(const AVPixFmtDescriptor *d, int c)
{
    return d->comp[c].step == 1 && d->comp[c].shift == 0 && d->comp[c].depth == 8 && d->comp[c].offset == 0;
}

/* Writes h rows of w samples of one component, each source sample repeated @p rep times horizontally and
 * shifted left by @p lshift, at dst + y*pitch + (x*dst_step + dst_offset) samples. */
static void copy_plane(const comp_reader *r, int w, int h, int rep, int lshift, bool out16, uint8_t *dst,
                       size_t pitch, size_t dst_step, size_t dst_offset)
{
    for (int y = 0; y < h; y++) {
        const uint8_t *row = reader_row(r, y);
        uint8_t *o = dst + (size_t)y * pitch;
        if (out16) {
            for (int x = 0; x < w; x++) {
                unsigned v = reader_get(r, row, x / rep) << lshift;
                AV_WN16(o + ((size_t)x * dst_step + dst_offset) * 2, (uint16_t)v);
            }
        } else {
            for (int x = 0; x < w; x++) o[(size_t)x * dst_step + dst_offset] = (uint8_t)reader_get(r, row, x / rep);
        }
    }
}

pxc_status pxc_vframe_cpu_surface(pxc_video_frame *f, pxc_video_surface *s, pxc_err *e)
{
    const AVFrame *av = f->av;
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get((enum AVPixelFormat)av->format);
    const int w = av->width, h = av->height;
    const uint32_t depth = f->info.bit_depth;
    const bool out16 = depth > 8;
    const int lshift = out16 ? 16 - (int)depth : 0;
    const size_t bps = out16 ? 2 : 1;
    s->width = (uint32_t)w;
    s->height = (uint32_t)h;
    s->bit_depth = depth;
    s->bytes_per_sample = (uint32_t)bps;
    s->buffer_kind = PXC_BUFFER_HOST;
    s->device_id = -1;
    const bool gray = f->info.chroma == PXC_VIDEO_CHROMA_400;

    if (f->info.chroma == PXC_VIDEO_CHROMA_420 || gray) {
        s->format = out16 ? PXC_SURFACE_P016 : PXC_SURFACE_NV12;
        s->num_planes = 2;
        const int cw = (w + 1) / 2, ch = (h + 1) / 2;
        /* zero copy: the decoder's own NV12, or P010 / P016 whose samples already sit in the high bits */
        if (!gray && d->comp[0].plane == 0 && d->comp[1].plane == 1 && d->comp[2].plane == 1 &&
            d->comp[1].step == (int)(2 * bps) && d->comp[1].offset == 0 && d->comp[2].offset == (int)bps &&
            d->comp[0].step == (int)bps && (int)(d->comp[0].shift + d->comp[0].depth) == (int)(8 * bps) &&
            (int)(d->comp[1].shift + d->comp[1].depth) == (int)(8 * bps)) {
            s->planes[0] = av->data[0];
            s->planes[1] = av->data[1];
            s->pitch[0] = (size_t)av->linesize[0];
            s->pitch[1] = (size_t)av->linesize[1];
            s->plane_height[0] = (uint32_t)h;
            s->plane_height[1] = (uint32_t)ch;
            return PXC_OK;
        }
        /* one buffer: h luma rows then ch chroma rows, both of pitch 2*cw samples */
        size_t pitch, total;
        if (!pxc_mul3_size((size_t)cw, 2, bps, &pitch) || !pxc_mul_size(pitch, (size_t)h + (size_t)ch, &total))
            return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "surface of %d x %d is too large", w, h);
        uint8_t *buf = av_malloc(total);
        if (!buf) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory allocating a %zu-byte surface", total);
        uint8_t *uv = buf + pitch * (size_t)h;
        comp_reader r;
        reader_init(&r, av, d, 0);
        if (!out16 && plain8(d, 0)) {
            for (int y = 0; y < h; y++) memcpy(buf + (size_t)y * pitch, reader_row(&r, y), (size_t)w);
        } else {
            copy_plane(&r, w, h, 1, lshift, out16, buf, pitch, 1, 0);
        }
        if (gray) {
            const unsigned neutral = out16 ? 0x8000u : 0x80u;
            for (int y = 0; y < ch; y++)
                for (int x = 0; x < 2 * cw; x++) {
                    if (out16) AV_WN16(uv + (size_t)y * pitch + (size_t)x * 2, (uint16_t)neutral);
                    else uv[(size_t)y * pitch + (size_t)x] = (uint8_t)neutral;
                }
        } else {
            for (int c = 1; c <= 2; c++) {
                reader_init(&r, av, d, c);
                copy_plane(&r, cw, ch, 1, lshift, out16, uv, pitch, 2, (size_t)(c - 1));
            }
        }
        s->planes[0] = buf;
        s->planes[1] = uv;
        s->pitch[0] = s->pitch[1] = pitch;
        s->plane_height[0] = (uint32_t)h;
        s->plane_height[1] = (uint32_t)ch;
        f->surface_buf = buf;
        return PXC_OK;
    }

    /* 4:4:4 and 4:2:2 -> three full-size planes */
    s->format = out16 ? PXC_SURFACE_YUV444_16 : PXC_SURFACE_YUV444;
    s->num_planes = 3;
    if (f->info.chroma == PXC_VIDEO_CHROMA_444 && !out16 && plain8(d, 0) && plain8(d, 1) && plain8(d, 2) &&
        d->comp[0].plane == 0 && d->comp[1].plane == 1 && d->comp[2].plane == 2) {
        for (int p = 0; p < 3; p++) {
            s->planes[p] = av->data[p];
            s->pitch[p] = (size_t)av->linesize[p];
            s->plane_height[p] = (uint32_t)h;
        }
        return PXC_OK;
    }
    const int rep = f->info.chroma == PXC_VIDEO_CHROMA_422 ? 2 : 1;
    size_t pitch, plane, total;
    if (!pxc_mul_size((size_t)w, bps, &pitch) || !pxc_mul_size(pitch, (size_t)h, &plane) ||
        !pxc_mul_size(plane, 3, &total))
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "surface of %d x %d is too large", w, h);
    uint8_t *buf = av_malloc(total);
    if (!buf) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory allocating a %zu-byte surface", total);
    for (int c = 0; c < 3; c++) {
        comp_reader r;
        reader_init(&r, av, d, c);
        copy_plane(&r, w, h, c ? rep : 1, lshift, out16, buf + plane * (size_t)c, pitch, 1, 0);
        s->planes[c] = buf + plane * (size_t)c;
        s->pitch[c] = pitch;
        s->plane_height[c] = (uint32_t)h;
    }
    f->surface_buf = buf;
    return PXC_OK;
}
