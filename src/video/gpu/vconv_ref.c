/*
 * Checks of the video surface conversion and resize jobs (shared by the kernels' launchers) and
 * the CPU references of the kernels (vconv_kernels.cu): the same PXC_HD functions of
 * vconv_math.h, the taps of each output row and column computed once instead of per pixel.
 */
#include <stdlib.h>
#include <string.h>

#include "pixcodec/video.h"
#include "video/gpu/vconv.h"
#include "video/gpu/vconv_math.h"

/* ---- checks ---------------------------------------------------------------------------- */

/* Why a surface cannot be used (NULL: it can). @p with_data: its plane pointers must be set. */
static const char *surface_problem(const pxc_vconv_surface *s, int with_data)
{
    if (s->format < 0 || s->format > 3) return "unknown surface format (NV12, P016, YUV444 or YUV444_16 expected)";
    const int wide = pxc_vconv_is16(s->format);
    if (!wide && s->bit_depth != 8) return "8-bit surface formats (NV12, YUV444) need bit_depth 8";
    if (wide && (s->bit_depth < 9 || s->bit_depth > 16))
        return "16-bit surface formats (P016, YUV444_16) need a bit_depth of 9 to 16";
    if (s->width == 0 || s->height == 0) return "the surface is empty";
    if (s->width > PXC_VCONV_MAX_DIM || s->height > PXC_VCONV_MAX_DIM) return "the surface is larger than 65536 pixels";
    const size_t bps = wide ? 2 : 1;
    const int is420 = pxc_vconv_is420(s->format);
    const int planes = is420 ? 2 : 3;
    for (int p = 0; p < planes; p++) {
        /* NV12 / P016 chroma rows hold ceil(w/2) Cb, Cr pairs */
        const size_t row = is420 && p ? ((size_t)s->width + 1) / 2 * 2 * bps : (size_t)s->width * bps;
        if (with_data && !s->planes[p]) return "a plane of the surface is NULL";
        if (s->pitch[p] < row) return "a plane's pitch is below its row of samples";
        if (wide && ((s->pitch[p] & 1) || ((uintptr_t)s->planes[p] & 1)))
            return "16-bit surfaces need planes at even addresses and even pitches";
    }
    return NULL;
}

static const char *crop_problem(const pxc_vconv_surface *s, uint32_t l, uint32_t t, uint32_t r, uint32_t b)
{
    if (l >= r || t >= b || r > s->width || b > s->height) return "the crop rectangle is empty or outside the surface";
    return NULL;
}

static const char *filter_problem(int filter)
{
    if (filter == PXC_VCONV_BICUBIC)
        return "bicubic resizing is not available for frames in device memory; use bilinear, area or nearest";
    if (filter != PXC_VCONV_BILINEAR && filter != PXC_VCONV_AREA && filter != PXC_VCONV_NEAREST)
        return "unknown resize filter";
    return NULL;
}

static const char *too_long = "the downscale factor is too large for frames in device memory "
                              "(at most 64 filter taps per axis: bilinear up to 31x, area up to 62x)";

const char *pxc_vconv_check(const pxc_vconv_job *j)
{
    if (!j) return "no job";
    const char *why = surface_problem(&j->src, 1);
    if (why) return why;
    if ((why = crop_problem(&j->src, j->crop_left, j->crop_top, j->crop_right, j->crop_bottom))) return why;
    const pxc_vconv_out *o = &j->dst;
    if (o->width == 0 || o->height == 0) return "the output is empty";
    if (o->width > PXC_VCONV_MAX_DIM || o->height > PXC_VCONV_MAX_DIM) return "the output is larger than 65536 pixels";
    if (!o->data) return "the output's data is NULL";
    if (o->channels != 3 && o->channels != 4) return "outputs have 3 or 4 channels";
    if (o->planar && o->channels != 3) return "planar outputs have 3 channels (no alpha plane)";
    const size_t es = o->u16 ? 2 : 1;
    if (o->planar) {
        if (o->row_stride < (size_t)o->width * es) return "the output's row stride is below a row of samples";
        if (o->plane_stride < o->row_stride * o->height) return "the output's planes overlap (plane stride too small)";
    } else if (o->row_stride < (size_t)o->width * o->channels * es) {
        return "the output's row stride is below a row of pixels";
    }
    if (o->u16 && (((uintptr_t)o->data & 1) || (o->row_stride & 1) || (o->planar && (o->plane_stride & 1))))
        return "16-bit outputs need an even address and even strides";
    if ((why = filter_problem(j->filter))) return why;
    int32_t c[4];
    if (!pxc_vconv_matrix_coeffs(j->matrix, c))
        return "matrix must be 1 (BT.709), 4 (FCC), 5 / 6 (BT.601), 7 (SMPTE 240M) or 9 / 10 (BT.2020)";
    if (j->full_range != 0 && j->full_range != 1) return "full_range must be 0 or 1";
    pxc_vconv_plan p;
    if (!pxc_vconv_plan_job(j, &p)) return too_long;
    return NULL;
}

const char *pxc_vresize_check(const pxc_vresize_job *j)
{
    if (!j) return "no job";
    const char *why = surface_problem(&j->src, 1);
    if (why) return why;
    /* the destination's planes may not be placed yet: its shape only */
    if ((why = surface_problem(&j->dst, 0))) return why;
    if (j->dst.format != j->src.format || j->dst.bit_depth != j->src.bit_depth)
        return "the resized surface must have the source's format and bit depth";
    if ((why = crop_problem(&j->src, j->crop_left, j->crop_top, j->crop_right, j->crop_bottom))) return why;
    if (pxc_vconv_is420(j->src.format) && ((j->crop_left | j->crop_top) & 1))
        return "the crop offset splits a chroma sample of this 4:2:0 surface: use even offsets";
    if ((why = filter_problem(j->filter))) return why;
    pxc_vresize_plan p;
    if (!pxc_vresize_plan_job(j, &p)) return too_long;
    return NULL;
}

/* ---- references ----------------------------------------------------------------------------- */

/* Taps of every coordinate 0 .. n - 1 of an axis (plus @p off); NULL when out of memory. */
static pxc_vconv_taps *axis_table(const pxc_vconv_axis *a, uint32_t n, int32_t off)
{
    pxc_vconv_taps *t = malloc((size_t)n * sizeof(*t));
    if (t)
        for (uint32_t i = 0; i < n; i++) pxc_vconv_axis_taps(a, (int32_t)i + off, &t[i]);
    return t;
}

/* The one-pass pixels of output rows y0 .. y0 + h - 1, columns x0 .. x0 + w - 1 (plan coordinates), to @p out
   (R, G, B samples) or to the plan's output; 0 when out of memory (nothing done). */
static int onepass_rows(const pxc_vconv_plan *p, int32_t x0, int32_t y0, uint32_t w, uint32_t h, uint16_t *out)
{
    pxc_vconv_taps *lx = axis_table(&p->lx, w, x0 + p->ox), *cx = axis_table(&p->cx, w, x0 + p->ox);
    const int ok = lx && cx;
    if (ok) {
        pxc_vconv_taps ly, cy;
        uint32_t rgb[3];
        for (uint32_t y = 0; y < h; y++) {
            pxc_vconv_axis_taps(&p->ly, y0 + (int32_t)y + p->oy, &ly);
            pxc_vconv_chroma_rows(p, y0 + (int32_t)y + p->oy, &cy);
            for (uint32_t x = 0; x < w; x++) {
                pxc_vconv_onepass(p, &lx[x], &ly, &cx[x], &cy, rgb);
                if (out) {
                    uint16_t *q = out + 3 * ((size_t)y * w + x);
                    q[0] = (uint16_t)rgb[0];
                    q[1] = (uint16_t)rgb[1];
                    q[2] = (uint16_t)rgb[2];
                } else {
                    pxc_vconv_store(&p->dst, x, y, rgb);
                }
            }
        }
    }
    free(lx);
    free(cx);
    return ok;
}

void pxc_vconv_ref(const pxc_vconv_job *j)
{
    pxc_vconv_plan p;
    if (!pxc_vconv_plan_job(j, &p)) return;
    const uint32_t W = p.dst.width, H = p.dst.height;
    uint32_t rgb[3];
    if (p.mode == PXC_VCONV_ONEPASS) {
        if (onepass_rows(&p, 0, 0, W, H, NULL)) return;
        /* no memory for the tables: every pixel's taps on its own, as the kernel does */
        for (uint32_t y = 0; y < H; y++)
            for (uint32_t x = 0; x < W; x++) {
                pxc_vconv_onepass_pixel(&p, (int32_t)x, (int32_t)y, rgb);
                pxc_vconv_store(&p.dst, x, y, rgb);
            }
        return;
    }
    /* the first pass over the pixels the second reads (the crop, and the column after it for pairs) */
    const int32_t cw = (int32_t)(j->crop_right - j->crop_left), ch = (int32_t)(j->crop_bottom - j->crop_top);
    const int32_t x_end = p.s_x0 + cw + 1 < (int32_t)p.src.width ? p.s_x0 + cw + 1 : (int32_t)p.src.width;
    uint16_t *s1 = malloc((size_t)(x_end - p.s_x0) * (size_t)ch * 3 * sizeof(uint16_t));
    if (s1 && onepass_rows(&p, p.s_x0, p.s_y0, (uint32_t)(x_end - p.s_x0), (uint32_t)ch, s1)) {
        p.s1 = s1;
        p.s1_x0 = p.s_x0;
        p.s1_y0 = p.s_y0;
        p.s1_w = x_end - p.s_x0;
    }
    pxc_vconv_taps *sx = axis_table(&p.sx, W, 0), *scx = p.s_half ? axis_table(&p.scx, W, 0) : NULL;
    if (!sx || (p.s_half && !scx)) {
        for (uint32_t y = 0; y < H; y++)
            for (uint32_t x = 0; x < W; x++) {
                pxc_vconv_twostage_pixel(&p, (int32_t)x, (int32_t)y, rgb);
                pxc_vconv_store(&p.dst, x, y, rgb);
            }
    } else {
        pxc_vconv_taps sy, none;
        none.first = none.n = 0;
        for (uint32_t y = 0; y < H; y++) {
            pxc_vconv_axis_taps(&p.sy, (int32_t)y, &sy);
            for (uint32_t x = 0; x < W; x++) {
                pxc_vconv_twostage(&p, &sx[x], &sy, scx ? &scx[x] : &none, rgb);
                pxc_vconv_store(&p.dst, x, y, rgb);
            }
        }
    }
    free(sx);
    free(scx);
    free(s1);
}

void pxc_vresize_ref(const pxc_vresize_job *j)
{
    pxc_vresize_plan p;
    if (!pxc_vresize_plan_job(j, &p)) return;
    for (int plane = 0; plane < 2; plane++) {
        const pxc_vconv_axis *ax = plane ? &p.cx : &p.lx, *ay = plane ? &p.cy : &p.ly;
        const uint32_t W = plane ? p.cw : p.dst.width, H = plane ? p.ch : p.dst.height;
        pxc_vconv_taps *tx = axis_table(ax, W, 0);
        pxc_vconv_taps ty, one;
        for (uint32_t y = 0; y < H; y++) {
            pxc_vconv_axis_taps(ay, (int32_t)y, &ty);
            for (uint32_t x = 0; x < W; x++) {
                const pxc_vconv_taps *t = tx ? &tx[x] : &one;
                if (!tx) pxc_vconv_axis_taps(ax, (int32_t)x, &one);
                if (plane) pxc_vresize_chroma(&p, x, y, t, &ty);
                else pxc_vresize_luma(&p, x, y, t, &ty);
            }
        }
        free(tx);
    }
}

void pxc_vconv_surface_of(pxc_vconv_surface *v, const pxc_video_surface *s)
{
    memset(v, 0, sizeof(*v));
    v->format = (int)s->format;
    v->width = s->width;
    v->height = s->height;
    v->bit_depth = s->bit_depth;
    for (uint32_t i = 0; i < s->num_planes && i < 3; i++) {
        v->planes[i] = s->planes[i];
        v->pitch[i] = s->pitch[i];
    }
}
