/*
 * Frames whose surface is not an AVFrame: surfaces in device memory (the
 * GPU decoder's frames, device copies of any frame) and host copies of them.
 * Their conversion, resizing and copies run the vconv kernels on the device
 * and the kernels' CPU references (src/video/gpu/vconv_ref.c) on the host.
 *
 * Device surfaces come from a pool per decoder (pxc_vpool): the decoder copies
 * each picture out of the hardware decoder's surface into a pool buffer, the
 * frame owns it until its last reference goes, then the buffer goes back to
 * the pool (at most PXC_VPOOL_IDLE idle buffers are kept).
 */
#include <stdlib.h>
#include <string.h>

#include "cuda/cuda_rt.h"
#include "video/decoder_internal.h"
#include "video/gpu/vconv.h"

/* ---- the pool ---------------------------------------------------------------------- */

#define PXC_VPOOL_IDLE 8

struct pxc_vpool {
    atomic_int refs;
    pthread_mutex_t lock;
    int device_id;
    size_t bytes;                /* size of the buffers handed out now */
    void *idle[PXC_VPOOL_IDLE];
    int n_idle;
};

/* Frees device memory of @p device_id from any thread, leaving the thread's current device as it was. */
static void free_on(int device_id, void *ptr)
{
    if (!ptr) return;
    pxc_err e;
    pxc_err_clear(&e);
    const int saved = pxc_cuda_save_device();
    if (pxc_cuda_use_device(device_id, &e) == PXC_OK) pxc_cuda_free(ptr);
    pxc_cuda_restore_device(saved);
}

pxc_vpool *pxc_vpool_new(int device_id)
{
    pxc_vpool *p = calloc(1, sizeof(*p));
    if (!p) return NULL;
    atomic_init(&p->refs, 1);
    pthread_mutex_init(&p->lock, NULL);
    p->device_id = device_id;
    return p;
}

static pxc_vpool *vpool_ref(pxc_vpool *p)
{
    if (p) atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
    return p;
}

void pxc_vpool_unref(pxc_vpool *p)
{
    if (!p || atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) != 1) return;
    for (int i = 0; i < p->n_idle; i++) free_on(p->device_id, p->idle[i]);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void pxc_vpool_set_size(pxc_vpool *p, size_t bytes)
{
    void *drop[PXC_VPOOL_IDLE];
    int n = 0;
    pthread_mutex_lock(&p->lock);
    if (p->bytes != bytes) {
        for (int i = 0; i < p->n_idle; i++) drop[n++] = p->idle[i];
        p->n_idle = 0;
        p->bytes = bytes;
    }
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < n; i++) free_on(p->device_id, drop[i]);
}

/* A buffer of the pool's size (the pool's device must be current). */
static pxc_status vpool_get(pxc_vpool *p, void **buf, size_t *bytes, pxc_err *e)
{
    pthread_mutex_lock(&p->lock);
    *bytes = p->bytes;
    *buf = p->n_idle ? p->idle[--p->n_idle] : NULL;
    pthread_mutex_unlock(&p->lock);
    if (*buf) return PXC_OK;
    return pxc_cuda_malloc(buf, *bytes, e);
}

static void vpool_put(pxc_vpool *p, void *buf, size_t bytes)
{
    pthread_mutex_lock(&p->lock);
    if (bytes == p->bytes && p->n_idle < PXC_VPOOL_IDLE) {
        p->idle[p->n_idle++] = buf;
        buf = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    free_on(p->device_id, buf);
}

/* ---- surface layout ---------------------------------------------------------------- */

/* Compact layout of a surface in one buffer: planes one under the other at one pitch (32-byte aligned). */
bool pxc_vsurface_layout(pxc_surface_format format, uint32_t w, uint32_t h, pxc_video_surface *s, size_t *total)
{
    const uint32_t bps = format == PXC_SURFACE_P016 || format == PXC_SURFACE_YUV444_16 ? 2 : 1;
    const bool nv = format == PXC_SURFACE_NV12 || format == PXC_SURFACE_P016;
    const size_t cols = nv ? ((size_t)w + 1) & ~(size_t)1 : (size_t)w;
    size_t pitch;
    if (!w || !h || !pxc_mul_size(cols, bps, &pitch) || pitch > SIZE_MAX - 31) return false;
    pitch = (pitch + 31) & ~(size_t)31;
    const uint32_t ch = nv ? (h + 1) / 2 : h;
    s->format = format;
    s->width = w;
    s->height = h;
    s->bytes_per_sample = bps;
    s->num_planes = nv ? 2 : 3;
    size_t rows = 0;
    for (uint32_t i = 0; i < s->num_planes; i++) {
        s->pitch[i] = pitch;
        s->plane_height[i] = i ? ch : h;
        s->planes[i] = (const uint8_t *)(uintptr_t)(rows * pitch); /* offsets until pxc_vsurface_place */
        rows += s->plane_height[i];
    }
    return pxc_mul_size(rows, pitch, total);
}

void pxc_vsurface_place(pxc_video_surface *s, uint8_t *base)
{
    for (uint32_t i = 0; i < s->num_planes; i++) s->planes[i] = base + (size_t)(uintptr_t)s->planes[i];
}

/* ---- frames ----------------------------------------------------------------------- */

typedef struct buf_frame {
    pxc_video_surface surf;
    uint8_t *buf;
    size_t bytes;
    pxc_vpool *pool;             /* device buffers from a pool; NULL: owned (pxc_cuda_malloc or malloc) */
} buf_frame;

static pxc_status buf_surface(pxc_video_frame *f, pxc_video_surface *out, pxc_err *e)
{
    (void)e;
    *out = ((buf_frame *)f->priv)->surf;
    return PXC_OK;
}

/* Gives a surface buffer back: to its pool (dropping the pool reference), to the device, or to the heap. */
static void release_buffer(const pxc_video_surface *s, uint8_t *buf, size_t bytes, pxc_vpool *pool)
{
    if (s->buffer_kind != PXC_BUFFER_DEVICE) {
        free(buf);
    } else if (pool) {
        vpool_put(pool, buf, bytes);
        pxc_vpool_unref(pool);
    } else {
        free_on(s->device_id, buf);
    }
}

static void buf_free(pxc_video_frame *f)
{
    buf_frame *b = f->priv;
    if (!b) return;
    release_buffer(&b->surf, b->buf, b->bytes, b->pool);
    free(b);
    f->priv = NULL;
}

static pxc_status buf_convert(pxc_video_frame *f, const pxc_video_convert_params *p, pxc_image *dst, pxc_err *e);
static pxc_status buf_resize(pxc_video_frame *f, const pxc_video_convert_params *p, pxc_video_frame **out,
                             pxc_err *e);

static const pxc_vframe_ops buf_ops = {
    .build_surface = buf_surface,
    .convert = buf_convert,
    .free_priv = buf_free,
    .resize = buf_resize,
};

/* A frame around a buffer holding a surface (its planes already placed); takes the buffer (and a pool
 * reference) whatever the outcome. */
static pxc_video_frame *buf_frame_new(pxc_vdec_shared *shared, const pxc_video_frame_info *info,
                                      const pxc_video_surface *s, uint8_t *buf, size_t bytes, pxc_vpool *pool,
                                      pxc_err *e)
{
    pxc_video_frame *f = calloc(1, sizeof(*f));
    buf_frame *b = f ? calloc(1, sizeof(*b)) : NULL;
    if (!b) {
        free(f);
        release_buffer(s, buf, bytes, pool);
        pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory allocating a video frame");
        return NULL;
    }
    b->surf = *s;
    b->surf.struct_size = sizeof(b->surf);
    b->buf = buf;
    b->bytes = bytes;
    b->pool = pool;
    atomic_init(&f->refs, 1);
    atomic_init(&f->surface_ready, false);
    pthread_mutex_init(&f->surface_lock, NULL);
    f->ops = &buf_ops;
    f->shared = pxc_vdec_shared_ref(shared);
    f->info = *info;
    f->priv = b;
    f->device_id = s->buffer_kind == PXC_BUFFER_DEVICE ? s->device_id : -1;
    return f;
}

pxc_status pxc_vframe_new_pooled(pxc_vdec_shared *shared, pxc_vpool *pool, const pxc_video_frame_info *info,
                                 pxc_surface_format format, uint32_t bit_depth, pxc_video_frame **out,
                                 pxc_video_surface *surf, pxc_err *e)
{
    *out = NULL;
    pxc_video_surface s;
    memset(&s, 0, sizeof(s));
    size_t total;
    if (!pxc_vsurface_layout(format, info->width, info->height, &s, &total))
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "surface of %u x %u is too large", info->width, info->height);
    pxc_vpool_set_size(pool, total);
    void *buf = NULL;
    size_t bytes = 0;
    if (vpool_get(pool, &buf, &bytes, e) != PXC_OK) return e->status;
    pxc_vsurface_place(&s, buf);
    s.bit_depth = bit_depth;
    s.buffer_kind = PXC_BUFFER_DEVICE;
    s.device_id = pool->device_id;
    *out = buf_frame_new(shared, info, &s, buf, bytes, vpool_ref(pool), e);
    if (!*out) return e->status;
    *surf = ((buf_frame *)(*out)->priv)->surf;
    return PXC_OK;
}

pxc_surface_format pxc_vsurface_format_of(const pxc_video_frame_info *info)
{
    const bool deep = info->bit_depth > 8;
    if (info->chroma == PXC_VIDEO_CHROMA_420 || info->chroma == PXC_VIDEO_CHROMA_400)
        return deep ? PXC_SURFACE_P016 : PXC_SURFACE_NV12;
    return deep ? PXC_SURFACE_YUV444_16 : PXC_SURFACE_YUV444;
}

pxc_status pxc_vframe_new_bare(pxc_vdec_shared *shared, const pxc_video_frame_info *info, pxc_buffer_kind kind,
                               int device_id, pxc_video_frame **out, pxc_err *e)
{
    *out = NULL;
    pxc_video_surface s;
    memset(&s, 0, sizeof(s));
    size_t total;
    if (!pxc_vsurface_layout(pxc_vsurface_format_of(info), info->width, info->height, &s, &total))
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "surface of %u x %u is too large", info->width, info->height);
    for (int p = 0; p < 3; p++) s.planes[p] = NULL; /* the layout's offsets: nothing holds them */
    s.bit_depth = info->bit_depth;
    s.buffer_kind = kind;
    s.device_id = kind == PXC_BUFFER_DEVICE ? device_id : -1;
    *out = buf_frame_new(shared, info, &s, NULL, 0, NULL, e);
    return *out ? PXC_OK : e->status;
}

bool pxc_vframe_has_pixels(const pxc_video_frame *f)
{
    return f->ops != &buf_ops || ((const buf_frame *)f->priv)->buf != NULL;
}

pxc_status pxc_vframe_no_pixels(pxc_err *e)
{
    return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT,
                       "the frame has no pixels: its decoder was created with decode_only (nothing is mapped)");
}

/* ---- conversion ---------------------------------------------------------------------- */

static void job_output(pxc_vconv_out *o, const pxc_image *img, pxc_video_format format, uint8_t *data,
                       size_t row_stride, size_t plane_stride)
{
    const pxc_image_desc *d = &img->desc;
    memset(o, 0, sizeof(*o));
    o->data = data;
    o->width = d->width;
    o->height = d->height;
    o->channels = d->num_channels;
    o->u16 = d->sample_type == PXC_SAMPLE_U16;
    o->planar = d->layout == PXC_LAYOUT_CHW;
    o->bgr = format == PXC_VIDEO_FORMAT_BGR || format == PXC_VIDEO_FORMAT_BGR48 || format == PXC_VIDEO_FORMAT_BGRA ||
             format == PXC_VIDEO_FORMAT_BGRA64;
    o->row_stride = row_stride;
    o->plane_stride = plane_stride;
}

/* Bytes of the rows an image's samples occupy (a compact buffer of the same shape). */
static void compact_strides(const pxc_image *img, size_t *row_stride, size_t *plane_stride, size_t *total)
{
    const pxc_image_desc *d = &img->desc;
    const size_t es = d->sample_type == PXC_SAMPLE_U16 ? 2 : 1;
    const bool planar = d->layout == PXC_LAYOUT_CHW;
    *row_stride = (size_t)d->width * es * (planar ? 1 : d->num_channels);
    *plane_stride = *row_stride * d->height;
    *total = *plane_stride * (planar ? d->num_channels : 1);
}

/* Copies the samples between a compact buffer and an image (rows and planes at the image's strides). */
static pxc_status copy_to_image(pxc_image *img, const uint8_t *src, size_t row_stride, size_t plane_stride,
                                pxc_cuda_copy_kind kind, void *stream, pxc_err *e)
{
    const pxc_image_desc *d = &img->desc;
    const bool planar = d->layout == PXC_LAYOUT_CHW;
    const uint32_t planes = planar ? d->num_channels : 1;
    for (uint32_t c = 0; c < planes; c++) {
        pxc_status st = pxc_cuda_copy_2d(img->data + (size_t)c * d->plane_stride, d->row_stride,
                                         src + (size_t)c * plane_stride, row_stride, row_stride, d->height, kind,
                                         stream, e);
        if (st != PXC_OK) return st;
    }
    return PXC_OK;
}

static pxc_status buf_convert_on(pxc_video_frame *f, const pxc_video_convert_params *p, pxc_image *dst, pxc_err *e)
{
    const buf_frame *b = f->priv;
    if (!b->buf) return pxc_vframe_no_pixels(e);
    pxc_vconv_job j;
    memset(&j, 0, sizeof(j));
    pxc_vconv_surface_of(&j.src, &b->surf);
    j.crop_left = p->crop_left;
    j.crop_top = p->crop_top;
    j.crop_right = p->crop_right;
    j.crop_bottom = p->crop_bottom;
    j.filter = (int)p->filter;
    j.matrix = pxc_video_resolve_matrix(f, p->matrix);
    j.full_range = p->full_range >= 0 ? p->full_range : f->info.color.full_range ? 1 : 0;
    const bool src_dev = b->surf.buffer_kind == PXC_BUFFER_DEVICE;
    const bool dst_dev = dst->desc.buffer_kind == PXC_BUFFER_DEVICE;
    size_t rs, ps, total;
    compact_strides(dst, &rs, &ps, &total);
    job_output(&j.dst, dst, p->format, dst->data, dst->desc.row_stride, dst->desc.plane_stride);
    const char *why = pxc_vconv_check(&j);
    if (why) return pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "cannot convert this frame: %s", why);

    if (!src_dev) {
        /* a host surface: the kernels' CPU reference, into the image or a host buffer uploaded after */
        if (!dst_dev) {
            pxc_vconv_ref(&j);
            return PXC_OK;
        }
        uint8_t *tmp = malloc(total ? total : 1);
        if (!tmp) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory for a %zu-byte conversion", total);
        j.dst.data = tmp;
        j.dst.row_stride = rs;
        j.dst.plane_stride = ps;
        pxc_vconv_ref(&j);
        pxc_status st = pxc_cuda_use_device(dst->desc.device_id, e);
        if (st == PXC_OK) st = copy_to_image(dst, tmp, rs, ps, PXC_CUDA_H2D, NULL, e);
        st = pxc_cuda_stream_finish(NULL, st, e);
        free(tmp);
        return st;
    }
#ifdef PXC_HAVE_CUDA
    if (dst_dev && dst->desc.device_id != b->surf.device_id)
        return pxc_err_set(e, PXC_ERROR_INVALID_ARGUMENT,
                           "the destination is on device %d, the frame on device %d: convert on the frame's device",
                           dst->desc.device_id, b->surf.device_id);
    if (pxc_cuda_use_device(b->surf.device_id, e) != PXC_OK) return e->status;
    /* the thread's own stream: no stream created per call; ordered after the output image's clearing */
    void *stream = pxc_cuda_thread_stream(), *tmp = NULL;
    pxc_status st = PXC_OK;
    if (!dst_dev) {
        st = pxc_cuda_malloc(&tmp, total ? total : 1, e);
        j.dst.data = tmp;
        j.dst.row_stride = rs;
        j.dst.plane_stride = ps;
    }
    if (st == PXC_OK) st = pxc_cuda_error(pxc_vconv_launch(&j, stream), "the colour conversion kernel", e);
    if (st == PXC_OK && !dst_dev) st = copy_to_image(dst, tmp, rs, ps, PXC_CUDA_D2H, stream, e);
    st = pxc_cuda_stream_finish(stream, st, e);
    pxc_cuda_free(tmp);
    return st;
#else
    return pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, "this build of pixcodec has no GPU support");
#endif
}

/* The caller's current device is its own again when the call returns (PyTorch and CuPy read it). */
static pxc_status buf_convert(pxc_video_frame *f, const pxc_video_convert_params *p, pxc_image *dst, pxc_err *e)
{
    const int saved = pxc_cuda_save_device();
    pxc_status st = buf_convert_on(f, p, dst, e);
    pxc_cuda_restore_device(saved);
    return st;
}

/* ---- resizing ------------------------------------------------------------------------ */

static pxc_status buf_resize_on(pxc_video_frame *f, const pxc_video_convert_params *p, pxc_video_frame **out,
                                pxc_err *e)
{
    const buf_frame *b = f->priv;
    if (!b->buf) return pxc_vframe_no_pixels(e);
    const bool dev = b->surf.buffer_kind == PXC_BUFFER_DEVICE;
    pxc_video_surface s;
    memset(&s, 0, sizeof(s));
    size_t total;
    if (!pxc_vsurface_layout(b->surf.format, p->width, p->height, &s, &total))
        return pxc_err_set(e, PXC_ERROR_LIMIT_EXCEEDED, "surface of %u x %u is too large", p->width, p->height);
    s.bit_depth = b->surf.bit_depth;
    s.buffer_kind = b->surf.buffer_kind;
    s.device_id = b->surf.device_id;
    pxc_vresize_job j;
    memset(&j, 0, sizeof(j));
    pxc_vconv_surface_of(&j.src, &b->surf);
    j.crop_left = p->crop_left;
    j.crop_top = p->crop_top;
    j.crop_right = p->crop_right;
    j.crop_bottom = p->crop_bottom;
    j.filter = (int)p->filter;
    pxc_vconv_surface_of(&j.dst, &s); /* offsets until placed: checked for shape only */
    const char *why = pxc_vresize_check(&j);
    if (why) return pxc_err_set(e, PXC_ERROR_UNSUPPORTED_FEATURE, "cannot resize this frame: %s", why);
    pxc_video_frame_info info = f->info;
    info.width = p->width;
    info.height = p->height;
    if (!dev) {
        uint8_t *buf = malloc(total);
        if (!buf) return pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "out of memory for a %zu-byte surface", total);
        pxc_vsurface_place(&s, buf);
        pxc_vconv_surface_of(&j.dst, &s);
        pxc_vresize_ref(&j);
        *out = buf_frame_new(f->shared, &info, &s, buf, total, NULL, e);
        return *out ? PXC_OK : e->status;
    }
#ifdef PXC_HAVE_CUDA
    if (pxc_cuda_use_device(b->surf.device_id, e) != PXC_OK) return e->status;
    void *buf = NULL, *stream = pxc_cuda_thread_stream();
    pxc_status st = pxc_cuda_malloc(&buf, total, e);
    if (st == PXC_OK) {
        pxc_vsurface_place(&s, buf);
        pxc_vconv_surface_of(&j.dst, &s);
        st = pxc_cuda_error(pxc_vresize_launch(&j, stream), "the resize kernel", e);
    }
    st = pxc_cuda_stream_finish(stream, st, e);
    if (st != PXC_OK) {
        pxc_cuda_free(buf);
        return st;
    }
    *out = buf_frame_new(f->shared, &info, &s, buf, total, NULL, e);
    return *out ? PXC_OK : e->status;
#else
    return pxc_err_set(e, PXC_ERROR_BACKEND_UNAVAILABLE, "this build of pixcodec has no GPU support");
#endif
}

/* ---- copies -------------------------------------------------------------------------- */

static pxc_status buf_resize(pxc_video_frame *f, const pxc_video_convert_params *p, pxc_video_frame **out,
                             pxc_err *e)
{
    const int saved = pxc_cuda_save_device();
    pxc_status st = buf_resize_on(f, p, out, e);
    pxc_cuda_restore_device(saved);
    return st;
}

static pxc_status frame_copy(pxc_video_frame *f, pxc_buffer_kind kind, int device_id, pxc_video_frame **out);

pxc_status pxc_video_frame_copy(pxc_video_frame *f, pxc_buffer_kind kind, int device_id, pxc_video_frame **out)
{
    const int saved = pxc_cuda_save_device();
    pxc_status st = frame_copy(f, kind, device_id, out);
    pxc_cuda_restore_device(saved);
    return st;
}

static pxc_status frame_copy(pxc_video_frame *f, pxc_buffer_kind kind, int device_id, pxc_video_frame **out)
{
    if (out) *out = NULL;
    if (!f) return PXC_ERROR_INVALID_ARGUMENT;
    pxc_context *ctx = f->shared->ctx;
    pxc_err e;
    pxc_err_clear(&e);
    if (!out) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "pxc_video_frame_copy: out is NULL");
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    if (kind != PXC_BUFFER_HOST && kind != PXC_BUFFER_DEVICE) {
        pxc_err_set(&e, PXC_ERROR_INVALID_ARGUMENT, "pxc_video_frame_copy: unknown buffer kind %d", (int)kind);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    pxc_video_surface src;
    src.struct_size = sizeof(src);
    pxc_status st = pxc_video_frame_surface(f, &src);
    if (st != PXC_OK) return st;
    if (!pxc_vframe_has_pixels(f)) {
        pxc_vframe_no_pixels(&e);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    if (kind == PXC_BUFFER_HOST && src.buffer_kind == PXC_BUFFER_HOST) {
        *out = pxc_video_frame_ref(f); /* frames do not change: the frame itself is its host copy */
        return PXC_OK;
    }
    pxc_video_surface s;
    memset(&s, 0, sizeof(s));
    size_t total;
    if (!pxc_vsurface_layout(src.format, src.width, src.height, &s, &total)) {
        pxc_err_set(&e, PXC_ERROR_LIMIT_EXCEEDED, "surface of %u x %u is too large", src.width, src.height);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    s.bit_depth = src.bit_depth;
    s.buffer_kind = kind;
    uint8_t *buf = NULL;
    pxc_cuda_copy_kind ck;
    if (kind == PXC_BUFFER_HOST) {
        ck = PXC_CUDA_D2H;
        s.device_id = -1;
        buf = malloc(total);
        if (!buf) st = pxc_err_set(&e, PXC_ERROR_OUT_OF_MEMORY, "out of memory for a %zu-byte surface", total);
        if (st == PXC_OK) st = pxc_cuda_use_device(src.device_id, &e);
    } else {
        ck = src.buffer_kind == PXC_BUFFER_DEVICE ? PXC_CUDA_D2D : PXC_CUDA_H2D;
        int dev = device_id >= 0 ? device_id : src.buffer_kind == PXC_BUFFER_DEVICE ? src.device_id : -1;
        st = pxc_cuda_use_device(dev, &e);
        if (st == PXC_OK) st = pxc_cuda_current_device(&dev, &e);
        s.device_id = dev;
        void *p = NULL;
        if (st == PXC_OK) st = pxc_cuda_malloc(&p, total, &e);
        buf = p;
    }
    if (st == PXC_OK) {
        pxc_vsurface_place(&s, buf);
        for (uint32_t i = 0; i < s.num_planes && st == PXC_OK; i++) {
            const size_t row = (size_t)(s.format == PXC_SURFACE_NV12 || s.format == PXC_SURFACE_P016
                                            ? (i ? (src.width + 1) & ~1u : src.width)
                                            : src.width) *
                               s.bytes_per_sample;
            st = pxc_cuda_copy_2d((void *)s.planes[i], s.pitch[i], src.planes[i], src.pitch[i], row, s.plane_height[i],
                                  ck, pxc_cuda_thread_stream(), &e);
        }
        st = pxc_cuda_stream_finish(pxc_cuda_thread_stream(), st, &e);
    }
    if (st != PXC_OK) {
        if (kind == PXC_BUFFER_HOST) free(buf);
        else pxc_cuda_free(buf);
        return pxc_last_error_store(&ctx->last_error, &e);
    }
    *out = buf_frame_new(f->shared, &f->info, &s, buf, total, NULL, &e);
    if (!*out) return pxc_last_error_store(&ctx->last_error, &e);
    return PXC_OK;
}
