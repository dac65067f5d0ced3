/*
 * CPU references of the GPU video conversion kernels (src/video/gpu: pxc_vconv_ref and
 * pxc_vresize_ref, which run the kernels' PXC_HD arithmetic) against the library's CPU
 * conversion: pxc_video_frame_convert with params.accurate = 1 (libswscale with
 * SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT) and pxc_video_frame_resize (accurate), on
 *  - synthetic frames (noise and saturated blocks within the nominal range: the hardest case for
 *    the filter geometry), 4:2:0 / 4:4:4, 8 / 10 / 12 bit, even, odd and tiny sizes, wrapped as
 *    CPU frames;
 *  - clips made at run time with the ffmpeg tool and decoded by the library's CPU decoder:
 *    H.264 8-bit 4:2:0 (NV12 surfaces), HEVC 10-bit 4:2:0 (P016), H.264 8-bit 4:4:4 (YUV444),
 *    HEVC 10-bit 4:4:4 (YUV444_16), HEVC monochrome (NV12 with neutral chroma), full and
 *    limited range, BT.601 / BT.709 / BT.2020 streams and a 1280x720 one without a matrix
 *    (BT.709 by the height rule).
 * Every output format; whole frames, crops at odd and even offsets, resizing up and down with
 * bilinear, area and nearest, with and without crops (odd offsets too: convert.c's two passes),
 * 1:1 vertically with horizontal resizing; matrix and range overrides; surfaces resized plane by
 * plane; the refusals of pxc_vconv_check / pxc_vresize_check.
 *
 * The job's matrix and range are resolved as convert.c does (pxc_video_resolve_matrix there):
 * the override, else the stream's; an unknown matrix is BT.601 below 720 lines, BT.709 from 720.
 *
 * Every case is also computed in double precision (exact_image: libswscale's filter design, i.e.
 * its positions, coefficients, reduction, borders and 1:1 chroma rows, with exact weights and
 * matrix, rounded once; convert.c's two passes rounded after each). libswscale and the reference
 * are both measured against it; one line per geometry and frame gives the three maxima
 * (reference - libswscale, libswscale - exact, reference - exact) for 8- and 16-bit outputs.
 *
 * Tolerances (max difference per sample):
 *  - reference vs exact: 1, every output: the reference is exact arithmetic, rounded.
 *  - reference vs libswscale, 8-bit outputs: 1; 2 for convert.c's two passes (a crop at an odd
 *    4:2:0 offset, resized), whose second libswscale pass turns 8-bit RGB into YUV and back and is
 *    itself up to 2 from exact.
 *  - reference vs libswscale, 16-bit outputs: TOL16 = 48 (of 65535). libswscale's 16-bit path is
 *    that far from exact arithmetic: its vertical filter weights have 12 bits (a weight off by
 *    2^-13 moves an edge of 65535 by 8, chroma then up to 2.1x through the matrix, more for long
 *    filters over busy content), its matrix 13 bits. Measured with `test_ref_video_convert
 *    --sweep 40000` (250,000 random conversions: formats, sizes 8..80, crops, scales 0.2..3,
 *    filters): libswscale - exact up to 46 (one pass) and 45 (two passes), the reference - exact
 *    at most 1; this test's own cases reach 37. 48 is that maximum plus the reference's rounding
 *    and a margin of 1.
 *  - surface resize: 1 (in the stream's bit depth; same sweep: 1).
 * Shown, not compared (the reference still within 1 of exact), where libswscale / convert.c are off:
 *  - test_overflow: limited-range input far outside the nominal range (Y 255 with Cb 255)
 *    overflows libswscale's 8-bit output arithmetic (int32): blue 0 instead of 255. The cases
 *    here keep to the nominal range and read full-range content as full only.
 *  - monochrome (GRAY8) frames converted unscaled to packed 8-bit RGB: libswscale's palette path
 *    ignores the limited range (Y 235 gives 235, not 255).
 *  - a crop of odd width at an odd 4:2:0 offset reaching the right edge, resized to at most half
 *    its width: libswscale's second pass averages the last pixel with one past the row (memory
 *    it never wrote); the reference repeats the last pixel.
 * Exit code 77 (skipped) when the ffmpeg tool is missing (after the synthetic frames).
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>

#include "test.h"
#include "video/decoder_internal.h"
#include "video/gpu/vconv.h"
#include "video/gpu/vconv_math.h"

#define TOL8 1u
#define TOL8_TWOPASS 2u
#define TOL16 48u

static pxc_context *ctx;
static pxc_vdec_shared *shared;
static char dir[256];
static bool verbose;
static bool measure_only; /* --sweep: differences measured, libswscale tolerances not applied */

/* ---- output formats ------------------------------------------------------------------ */

typedef struct fmt_info {
    pxc_video_format f;
    const char *name;
    uint32_t ch;
    int u16, planar, bgr;
} fmt_info;

static const fmt_info fmts[] = {
    {PXC_VIDEO_FORMAT_RGB, "rgb", 3, 0, 0, 0},
    {PXC_VIDEO_FORMAT_BGR, "bgr", 3, 0, 0, 1},
    {PXC_VIDEO_FORMAT_RGBA, "rgba", 4, 0, 0, 0},
    {PXC_VIDEO_FORMAT_BGRA, "bgra", 4, 0, 0, 1},
    {PXC_VIDEO_FORMAT_RGB48, "rgb48", 3, 1, 0, 0},
    {PXC_VIDEO_FORMAT_BGR48, "bgr48", 3, 1, 0, 1},
    {PXC_VIDEO_FORMAT_RGBA64, "rgba64", 4, 1, 0, 0},
    {PXC_VIDEO_FORMAT_BGRA64, "bgra64", 4, 1, 0, 1},
    {PXC_VIDEO_FORMAT_RGB_PLANAR, "rgb planar", 3, 0, 1, 0},
    {PXC_VIDEO_FORMAT_RGB48_PLANAR, "rgb48 planar", 3, 1, 1, 0},
};
#define NFMTS (sizeof(fmts) / sizeof(fmts[0]))

/* ---- statistics --------------------------------------------------------------------- */

/* Max differences: reference - libswscale, libswscale - exact, reference - exact. */
typedef struct diffs {
    unsigned ref_sws, sws_x, ref_x;
} diffs;

static void diffs_max(diffs *a, const diffs *b)
{
    a->ref_sws = b->ref_sws > a->ref_sws ? b->ref_sws : a->ref_sws;
    a->sws_x = b->sws_x > a->sws_x ? b->sws_x : a->sws_x;
    a->ref_x = b->ref_x > a->ref_x ? b->ref_x : a->ref_x;
}

/* over all cases: 8-bit outputs, 16-bit outputs of one pass, 16-bit outputs of two passes */
static diffs all8_1, all8_2, all16_1, all16_2, gray_known, pair_known;
static size_t ncases;
static unsigned resize_worst;

/* ---- jobs ---------------------------------------------------------------------------- */

static int resolve_matrix(const pxc_video_frame_info *info, int requested)
{
    int m = requested >= 0 ? requested : info->color.matrix;
    if (m != 1 && m != 4 && m != 5 && m != 6 && m != 7 && m != 9 && m != 10) m = info->height >= 720 ? 1 : 5;
    return m;
}

static bool frame_facts(pxc_video_frame *f, pxc_video_frame_info *info, pxc_video_surface *s)
{
    memset(info, 0, sizeof(*info));
    info->struct_size = sizeof(*info);
    memset(s, 0, sizeof(*s));
    s->struct_size = sizeof(*s);
    return pxc_video_frame_get_info(f, info) == PXC_OK && pxc_video_frame_surface(f, s) == PXC_OK;
}

/* The job the GPU backend runs for @p p (resolved as convert.c does), into @p data laid out like @p img. */
static bool job_for(pxc_video_frame *f, const pxc_video_convert_params *p, const fmt_info *fi, const pxc_image *img,
                    uint8_t *data, pxc_vconv_job *j)
{
    pxc_video_frame_info info;
    pxc_video_surface s;
    if (!frame_facts(f, &info, &s)) return false;
    memset(j, 0, sizeof(*j));
    pxc_vconv_surface_of(&j->src, &s);
    const bool all0 = !p->crop_left && !p->crop_top && !p->crop_right && !p->crop_bottom;
    j->crop_left = p->crop_left;
    j->crop_top = p->crop_top;
    j->crop_right = all0 ? s.width : p->crop_right;
    j->crop_bottom = all0 ? s.height : p->crop_bottom;
    j->filter = (int)p->filter;
    j->matrix = resolve_matrix(&info, p->matrix);
    j->full_range = p->full_range >= 0 ? p->full_range : (info.color.full_range ? 1 : 0);
    const pxc_image_desc *d = pxc_image_get_desc(img);
    j->dst.data = data;
    j->dst.width = p->width ? p->width : j->crop_right - j->crop_left;
    j->dst.height = p->height ? p->height : j->crop_bottom - j->crop_top;
    j->dst.channels = fi->ch;
    j->dst.u16 = fi->u16;
    j->dst.planar = fi->planar;
    j->dst.bgr = fi->bgr;
    j->dst.row_stride = d->row_stride;
    j->dst.plane_stride = d->plane_stride;
    return true;
}

static unsigned get_sample(const uint8_t *base, const pxc_image_desc *d, uint32_t c, uint32_t x, uint32_t y)
{
    const bool u16 = d->sample_type == PXC_SAMPLE_U16;
    const uint8_t *row;
    size_t i;
    if (d->layout == PXC_LAYOUT_CHW) {
        row = base + (size_t)c * d->plane_stride + (size_t)y * d->row_stride;
        i = x;
    } else {
        row = base + (size_t)y * d->row_stride;
        i = (size_t)x * d->num_channels + c;
    }
    return u16 ? ((const uint16_t *)(const void *)row)[i] : row[i];
}

static unsigned absdiff(unsigned a, unsigned b)
{
    return a > b ? a - b : b - a;
}

static char worst_at[160];

/* Max difference between an image and a buffer of the same layout (alpha included). */
static unsigned max_diff(const pxc_image *img, const uint8_t *ref)
{
    const pxc_image_desc *d = pxc_image_get_desc(img);
    const uint8_t *data = pxc_image_data(img);
    unsigned m = 0;
    worst_at[0] = '\0';
    for (uint32_t y = 0; y < d->height; y++)
        for (uint32_t x = 0; x < d->width; x++)
            for (uint32_t c = 0; c < d->num_channels; c++) {
                const unsigned a = get_sample(data, d, c, x, y), b = get_sample(ref, d, c, x, y);
                if (absdiff(a, b) > m) {
                    m = absdiff(a, b);
                    snprintf(worst_at, sizeof(worst_at), "(%u, %u) channel %u: libswscale %u, reference %u", x, y, c,
                             a, b);
                }
            }
    return m;
}

/* ---- exact arithmetic --------------------------------------------------------------------- */

/*
 * The conversion in double precision: libswscale's filter design (positions, coefficients,
 * reduction, borders and its yuv2packed1 rows, from the vconv_math.h axis functions) with exact
 * normalised weights, the exact matrix (libswscale's table, exact range factors), one rounding
 * at the end (two passes: also at the end of the first, as convert.c stores it).
 */
typedef struct xtaps {
    int32_t first, n;
    double w[PXC_VCONV_MAX_TAPS];
} xtaps;

static void exact_taps(const pxc_vconv_axis *a, int32_t i, xtaps *t)
{
    if (a->kind == PXC_VCONV_AXIS_IDENTITY) {
        t->first = pxc_vconv_clampi(i, 0, a->src_size - 1);
        t->n = 1;
        t->w[0] = 1;
        return;
    }
    int64_t k[PXC_VCONV_MAX_TAPS];
    int32_t xx;
    pxc_vconv_axis_raw(a, i, k, &xx);
    const int32_t skip = pxc_vconv_axis_trim(a, k), s = xx + skip, last = a->src_size - 1;
    const int32_t first = pxc_vconv_clampi(s, 0, last), end = pxc_vconv_clampi(s + a->size - 1, 0, last);
    t->first = first;
    t->n = end - first + 1;
    for (int32_t j = 0; j < t->n; j++) t->w[j] = 0;
    double sum = 0;
    for (int32_t j = 0; j < a->size && skip + j < a->raw_size; j++) {
        t->w[pxc_vconv_clampi(s + j, 0, last) - first] += (double)k[skip + j];
        sum += (double)k[skip + j];
    }
    for (int32_t j = 0; j < t->n; j++) t->w[j] /= sum;
}

static void exact_rows(const pxc_vconv_plan *p, int32_t y, xtaps *t)
{
    int32_t row0;
    const int32_t alpha = p->packed1 ? pxc_vconv_axis_alpha12(&p->cy, y, &row0) : -1;
    if (alpha < 0) {
        exact_taps(&p->cy, y, t);
        return;
    }
    t->first = row0;
    t->n = alpha < 2048 ? 1 : 2;
    t->w[0] = t->w[1] = alpha < 2048 ? 1.0 : 0.5;
}

static double exact_filter(const pxc_vconv_surface *s, int comp, const xtaps *tx, int32_t x0, const xtaps *ty,
                           int32_t y0)
{
    double acc = 0;
    for (int32_t i = 0; i < ty->n; i++)
        for (int32_t j = 0; j < tx->n; j++)
            acc += ty->w[i] * tx->w[j] * pxc_vconv_sample(s, comp, x0 + tx->first + j, y0 + ty->first + i);
    return acc;
}

/* A one-pass pixel from its taps, unrounded, in 16-bit units (8-bit outputs: / 256). */
static void exact_yuv2rgb(const xtaps *lx, const xtaps *ly, const xtaps *cx, const xtaps *cy, const pxc_vconv_plan *p,
                          int matrix, int full, double rgb[3])
{
    const double Y = exact_filter(&p->src, 0, lx, p->lx0, ly, p->ly0);
    const double U = exact_filter(&p->src, 1, cx, p->cx0, cy, p->cy0) - 32768;
    const double V = exact_filter(&p->src, 2, cx, p->cx0, cy, p->cy0) - 32768;
    int32_t c[4] = {0, 0, 0, 0};
    pxc_vconv_matrix_coeffs(matrix, c);
    const double cs = full ? 224.0 / 255.0 / 65536.0 : 1.0 / 65536.0;
    const double yy = full ? Y : (Y - 4096) * 255.0 / 219.0;
    rgb[0] = yy + c[0] * cs * V;
    rgb[1] = yy - c[2] * cs * U - c[3] * cs * V;
    rgb[2] = yy + c[1] * cs * U;
}

static unsigned exact_round(double v, int u16)
{
    if (!u16) v /= 256;
    const double mx = u16 ? 65535 : 255;
    v = floor(v + 0.5);
    return (unsigned)(v < 0 ? 0 : v > mx ? mx : v);
}

/* Exact one-pass pixels of plan rows y0 .. y0 + h - 1, columns x0 .. x0 + w - 1, rounded: 3 per pixel to out. */
static void exact_onepass_rows(const pxc_vconv_plan *p, int matrix, int full, int32_t x0, int32_t y0, uint32_t w,
                               uint32_t h, unsigned *out)
{
    xtaps *lx = malloc(w * sizeof(*lx)), *cx = malloc(w * sizeof(*cx));
    if (!lx || !cx) abort();
    for (uint32_t x = 0; x < w; x++) {
        exact_taps(&p->lx, x0 + (int32_t)x + p->ox, &lx[x]);
        exact_taps(&p->cx, x0 + (int32_t)x + p->ox, &cx[x]);
    }
    for (uint32_t y = 0; y < h; y++) {
        xtaps ly, cy;
        exact_taps(&p->ly, y0 + (int32_t)y + p->oy, &ly);
        exact_rows(p, y0 + (int32_t)y + p->oy, &cy);
        for (uint32_t x = 0; x < w; x++) {
            double rgb[3];
            exact_yuv2rgb(&lx[x], &ly, &cx[x], &cy, p, matrix, full, rgb);
            for (int c = 0; c < 3; c++) out[3 * ((size_t)y * w + x) + (size_t)c] = exact_round(rgb[c], p->dst.u16);
        }
    }
    free(lx);
    free(cx);
}

/* The exact output of a job, rounded to output samples: 3 per pixel (R, G, B). Caller frees. */
static unsigned *exact_image(const pxc_vconv_job *j, const pxc_vconv_plan *p)
{
    const uint32_t W = p->dst.width, H = p->dst.height;
    unsigned *out = malloc((size_t)W * H * 3 * sizeof(unsigned));
    if (!out) abort();
    if (p->mode == PXC_VCONV_ONEPASS) {
        exact_onepass_rows(p, j->matrix, j->full_range, 0, 0, W, H, out);
        return out;
    }
    /* first pass over the crop (and the column after it), rounded as convert.c stores it */
    const int32_t cw = (int32_t)(j->crop_right - j->crop_left), ch = (int32_t)(j->crop_bottom - j->crop_top);
    const int32_t last = (int32_t)p->src.width - 1;
    const int32_t w1 = p->s_x0 + cw + 1 <= last + 1 ? cw + 1 : cw;
    unsigned *s1 = malloc((size_t)w1 * (size_t)ch * 3 * sizeof(unsigned));
    if (!s1) abort();
    exact_onepass_rows(p, j->matrix, j->full_range, p->s_x0, p->s_y0, (uint32_t)w1, (uint32_t)ch, s1);
#define S1(x, y, c) ((double)s1[3 * ((size_t)(y) * (size_t)w1 + (size_t)(x)) + (c)])
    /* second pass: BT.601 luma with the luma filter, chroma with the chroma filter (of pixel pairs when halved) */
    xtaps *sx = malloc(W * sizeof(*sx)), *scx = malloc(W * sizeof(*scx));
    if (!sx || !scx) abort();
    for (uint32_t x = 0; x < W; x++) {
        exact_taps(&p->sx, (int32_t)x, &sx[x]);
        if (p->s_half) exact_taps(&p->scx, (int32_t)x, &scx[x]);
    }
    const double mx = p->dst.u16 ? 65535 : 255;
    for (uint32_t y = 0; y < H; y++) {
        xtaps sy;
        exact_taps(&p->sy, (int32_t)y, &sy);
        for (uint32_t x = 0; x < W; x++) {
            double L[3] = {0, 0, 0}, C[3] = {0, 0, 0};
            for (int32_t i = 0; i < sy.n; i++) {
                const int32_t ry = sy.first + i;
                for (int32_t k = 0; k < sx[x].n; k++)
                    for (int c = 0; c < 3; c++) L[c] += sy.w[i] * sx[x].w[k] * S1(sx[x].first + k, ry, c);
                for (int32_t k = 0; p->s_half && k < scx[x].n; k++) {
                    const int32_t rx = 2 * (scx[x].first + k);
                    const int32_t rx1 = rx + 1 < w1 && p->s_x0 + rx + 1 <= last ? rx + 1 : rx;
                    for (int c = 0; c < 3; c++)
                        C[c] += sy.w[i] * scx[x].w[k] * 0.5 * (S1(rx, ry, c) + S1(rx1, ry, c));
                }
            }
            for (int c = 0; c < 3; c++) {
                double v = L[c];
                if (p->s_half) v = C[c] + 0.299 * (L[0] - C[0]) + 0.587 * (L[1] - C[1]) + 0.114 * (L[2] - C[2]);
                v = floor(v + 0.5);
                out[3 * ((size_t)y * W + x) + (size_t)c] = (unsigned)(v < 0 ? 0 : v > mx ? mx : v);
            }
        }
    }
#undef S1
    free(sx);
    free(scx);
    free(s1);
    return out;
}

/* Max differences of libswscale's image and of the reference's buffer from the exact result. */
static void exact_case(const pxc_vconv_job *j, const pxc_vconv_plan *p, const pxc_image *img, const uint8_t *ref,
                       diffs *d)
{
    const pxc_image_desc *desc = pxc_image_get_desc(img);
    const uint8_t *data = pxc_image_data(img);
    unsigned *e = exact_image(j, p);
    for (uint32_t y = 0; y < desc->height; y++)
        for (uint32_t x = 0; x < desc->width; x++)
            for (uint32_t c = 0; c < 3; c++) {
                const unsigned ex = e[3 * ((size_t)y * desc->width + x) + c];
                const uint32_t ch = j->dst.bgr ? 2 - c : c;
                const unsigned a = get_sample(data, desc, ch, x, y), b = get_sample(ref, desc, ch, x, y);
                d->sws_x = absdiff(a, ex) > d->sws_x ? absdiff(a, ex) : d->sws_x;
                d->ref_x = absdiff(b, ex) > d->ref_x ? absdiff(b, ex) : d->ref_x;
            }
    free(e);
}

/* ---- one case ------------------------------------------------------------------------- */

/*
 * The known deviation of libswscale / convert.c a job falls under (its differences are shown,
 * not compared; see the header), or NULL.
 */
static diffs *known_deviation(const pxc_video_frame_info *info, const pxc_vconv_job *j, const pxc_vconv_plan *plan)
{
    const int32_t W = (int32_t)j->src.width;
    const int32_t cl = (int32_t)j->crop_left;
    const int32_t cw = (int32_t)(j->crop_right - j->crop_left), ch = (int32_t)(j->crop_bottom - j->crop_top);
    const bool resized = (int32_t)j->dst.width != cw || (int32_t)j->dst.height != ch;
    /* libswscale's unscaled GRAY8 -> packed 8-bit RGB path (a palette of r = g = b = Y) ignores the limited range */
    if (info->chroma == PXC_VIDEO_CHROMA_400 && !j->dst.u16 && !j->dst.planar && !j->full_range && !resized)
        return &gray_known;
    /* libswscale's second pass halves the chroma of pixel pairs: for an odd crop width ending at the frame's
       right edge the last pair reads one pixel past its row (memory it never wrote) */
    if (plan->mode == PXC_VCONV_TWOSTAGE && plan->s_half && (cw & 1) && cl + cw == W) return &pair_known;
    return NULL;
}

/*
 * The kernels' own loop run on the CPU: every output pixel from pxc_vconv_onepass_pixel /
 * pxc_vconv_twostage_pixel (taps computed per pixel, no first-pass copy), into @p out laid out
 * like @p j's output. The reference (tables of taps, a first-pass copy) must give the same bytes.
 */
static void kernel_path(const pxc_vconv_job *j, uint8_t *out)
{
    pxc_vconv_plan p;
    if (!pxc_vconv_plan_job(j, &p)) return;
    p.dst.data = out;
    for (uint32_t y = 0; y < p.dst.height; y++)
        for (uint32_t x = 0; x < p.dst.width; x++) {
            uint32_t rgb[3];
            if (p.mode == PXC_VCONV_TWOSTAGE) pxc_vconv_twostage_pixel(&p, (int32_t)x, (int32_t)y, rgb);
            else pxc_vconv_onepass_pixel(&p, (int32_t)x, (int32_t)y, rgb);
            pxc_vconv_store(&p.dst, x, y, rgb);
        }
}

/*
 * One conversion of @p f with @p in (format set here, accurate = 1) by the library, by the
 * reference and exactly; checks the tolerances, adds the differences to @p d.
 */
static void run_case(pxc_video_frame *f, const fmt_info *fi, const pxc_video_convert_params *in, const char *what,
                     diffs *d)
{
    pxc_video_frame_info info;
    pxc_video_surface surf;
    if (!frame_facts(f, &info, &surf)) {
        CHECK_MSG(0, "%s: no surface", what);
        return;
    }
    pxc_video_convert_params p = *in;
    p.format = fi->f;
    p.accurate = 1;
    pxc_image *img = NULL;
    pxc_status st = pxc_video_frame_convert(f, &p, &img);
    CHECK_MSG(st == PXC_OK, "%s %s: convert: %s", what, fi->name, pxc_context_last_error(ctx));
    if (st != PXC_OK) return;
    const size_t size = pxc_image_size_bytes(img);
    uint8_t *buf = calloc(1, size ? size : 1);
    pxc_vconv_job j;
    pxc_vconv_plan plan;
    if (!buf || !job_for(f, &p, fi, img, buf, &j)) {
        CHECK_MSG(0, "%s %s: no job", what, fi->name);
    } else {
        const char *why = pxc_vconv_check(&j);
        CHECK_MSG(!why, "%s %s: check refused: %s", what, fi->name, why);
        if (!why && pxc_vconv_plan_job(&j, &plan)) {
            pxc_vconv_ref(&j);
            /* (small outputs only: the kernels' path recomputes every first-pass pixel it reads) */
            uint8_t *kbuf = (size_t)j.dst.width * j.dst.height <= 40000 ? calloc(1, size ? size : 1) : NULL;
            if (kbuf) {
                kernel_path(&j, kbuf);
                CHECK_MSG(!memcmp(kbuf, buf, size), "%s %s: the kernels' path differs from the reference", what,
                          fi->name);
                free(kbuf);
            }
            diffs c = {max_diff(img, buf), 0, 0};
            exact_case(&j, &plan, img, buf, &c);
            const bool two = plan.mode == PXC_VCONV_TWOSTAGE;
            const unsigned tol = fi->u16 ? TOL16 : (two ? TOL8_TWOPASS : TOL8);
            diffs *known = known_deviation(&info, &j, &plan);
            if (known) {
                diffs_max(known, &c);
            } else {
                CHECK_MSG(measure_only || c.ref_sws <= tol,
                          "%s %s: max difference %u from libswscale (tolerance %u) at %s", what, fi->name, c.ref_sws,
                          tol, worst_at);
                if (measure_only && c.ref_sws > tol)
                    printf("  %s %s crop (%u,%u)-(%u,%u) -> %ux%u filter %d: %u at %s\n", what, fi->name, j.crop_left,
                           j.crop_top, j.crop_right, j.crop_bottom, j.dst.width, j.dst.height, j.filter, c.ref_sws,
                           worst_at);
                diffs_max(fi->u16 ? (two ? &all16_2 : &all16_1) : (two ? &all8_2 : &all8_1), &c);
                diffs_max(d + (fi->u16 ? 1 : 0), &c);
            }
            CHECK_MSG(c.ref_x <= 1, "%s %s: the reference is %u from exact arithmetic", what, fi->name, c.ref_x);
            ncases++;
            if (verbose)
                printf("      %-12s ref-sws %3u, sws-exact %3u, ref-exact %u%s\n", fi->name, c.ref_sws, c.sws_x,
                       c.ref_x, known ? " (known deviation)" : "");
        }
    }
    free(buf);
    pxc_image_destroy(img);
}

/* ---- geometries ------------------------------------------------------------------------- */

typedef struct geom {
    const char *name;
    uint32_t l, t, rm, bm;    /* crop: left, top, right and bottom margins in pixels (all 0: none) */
    uint32_t wpm, hpm;        /* output size in per mille of the cropped size (0: unchanged) */
    pxc_video_filter filter;
} geom;

static const geom geoms[] = {
    {"1:1", 0, 0, 0, 0, 0, 0, PXC_VIDEO_FILTER_BILINEAR},
    {"crop at 3,5 (odd)", 3, 5, 4, 2, 0, 0, PXC_VIDEO_FILTER_BILINEAR},
    {"down 0.5 bilinear", 0, 0, 0, 0, 500, 500, PXC_VIDEO_FILTER_BILINEAR},
    {"up 1.7x2.3 bilinear", 0, 0, 0, 0, 1700, 2300, PXC_VIDEO_FILTER_BILINEAR},
    {"down 0.41 area", 0, 0, 0, 0, 410, 410, PXC_VIDEO_FILTER_AREA},
    {"down 0.6 nearest", 0, 0, 0, 0, 600, 600, PXC_VIDEO_FILTER_NEAREST},
    {"crop at 4,2 down 0.55 bilinear", 4, 2, 10, 6, 550, 550, PXC_VIDEO_FILTER_BILINEAR},
    {"crop at 3,1 down 0.7 bilinear", 3, 1, 5, 3, 700, 700, PXC_VIDEO_FILTER_BILINEAR},
    {"crop at 1,3 down 0.45 bilinear", 1, 3, 2, 6, 450, 450, PXC_VIDEO_FILTER_BILINEAR},
    {"x 0.7, y 1:1 bilinear", 0, 0, 0, 0, 700, 1000, PXC_VIDEO_FILTER_BILINEAR},
    {"crop at 2,4 (even)", 2, 4, 6, 3, 0, 0, PXC_VIDEO_FILTER_BILINEAR},
    {"down 0.37x0.61 bilinear", 0, 0, 0, 0, 370, 610, PXC_VIDEO_FILTER_BILINEAR},
    {"up 1.5x1.25 area", 0, 0, 0, 0, 1500, 1250, PXC_VIDEO_FILTER_AREA},
    {"up 2.5 nearest", 0, 0, 0, 0, 2500, 2500, PXC_VIDEO_FILTER_NEAREST},
    {"1:1 nearest", 0, 0, 0, 0, 0, 0, PXC_VIDEO_FILTER_NEAREST},
    {"1:1 area", 0, 0, 0, 0, 0, 0, PXC_VIDEO_FILTER_AREA},
    {"x 1.3, y 0.8 area", 0, 0, 0, 0, 1300, 800, PXC_VIDEO_FILTER_AREA},
    {"crop at 6,8 up 1.4 area", 6, 8, 2, 4, 1400, 1400, PXC_VIDEO_FILTER_AREA},
    {"crop at 2,2 x 1:1 y 0.5 nearest", 2, 2, 4, 4, 1000, 500, PXC_VIDEO_FILTER_NEAREST},
    {"crop at 5,7 up 1.6 area", 5, 7, 3, 1, 1600, 1600, PXC_VIDEO_FILTER_AREA},
    {"crop at 7,1 down 0.4 nearest", 7, 1, 3, 5, 400, 400, PXC_VIDEO_FILTER_NEAREST},
};
#define NGEOMS (sizeof(geoms) / sizeof(geoms[0]))

/* Parameters of a geometry for frame @p info (sizes rounded, at least 1; crops only where they fit). */
static void params_for(const pxc_video_frame_info *info, const geom *g, pxc_video_convert_params *p)
{
    pxc_video_convert_params_default(p);
    if ((g->l || g->t || g->rm || g->bm) && info->width > g->l + g->rm + 1 && info->height > g->t + g->bm + 1) {
        p->crop_left = g->l;
        p->crop_top = g->t;
        p->crop_right = info->width - g->rm;
        p->crop_bottom = info->height - g->bm;
    }
    const uint32_t cw = (p->crop_right ? p->crop_right : info->width) - p->crop_left;
    const uint32_t ch = (p->crop_bottom ? p->crop_bottom : info->height) - p->crop_top;
    if (g->wpm) p->width = (cw * g->wpm + 500) / 1000 ? (cw * g->wpm + 500) / 1000 : 1;
    if (g->hpm) p->height = (ch * g->hpm + 500) / 1000 ? (ch * g->hpm + 500) / 1000 : 1;
    p->filter = g->filter;
}

static void print_line(const char *label, const char *what, const diffs d[2])
{
    printf("  %-30s %-34s 8-bit %u (sws-exact %u, ref-exact %u)  16-bit %2u (sws-exact %2u, ref-exact %u)\n", label,
           what, d[0].ref_sws, d[0].sws_x, d[0].ref_x, d[1].ref_sws, d[1].sws_x, d[1].ref_x);
}

/*
 * Geometries (every one, or every @p step-th) in every output format, then matrix and range
 * overrides; one line per geometry.
 */
static void frame_cases(pxc_video_frame *f, const char *label, size_t step, size_t fstep)
{
    pxc_video_frame_info info;
    pxc_video_surface s;
    if (!frame_facts(f, &info, &s)) {
        CHECK_MSG(0, "%s: no surface", label);
        return;
    }
    char what[200];
    for (size_t g = 0; g < NGEOMS; g += step) {
        pxc_video_convert_params p;
        params_for(&info, &geoms[g], &p);
        diffs d[2] = {{0, 0, 0}, {0, 0, 0}};
        snprintf(what, sizeof(what), "%s %s", label, geoms[g].name);
        if (verbose) printf("    %s\n", what);
        for (size_t k = 0; k < NFMTS; k += fstep) run_case(f, &fmts[k], &p, what, d);
        print_line(label, geoms[g].name, d);
    }
    /* overrides: limited content read as full, full content as full (limited reading of full-range
       content leaves the nominal range: see test_overflow) */
    static const int matrices[] = {1, 4, 5, 7, 9, 10, 2};
    for (size_t i = 0; i < sizeof(matrices) / sizeof(matrices[0]); i += step > 2 ? 2 : 1) {
        const int r = info.color.full_range ? 1 : (int)(i & 1);
        const geom *g = &geoms[(i * 3) % 6];
        pxc_video_convert_params p;
        params_for(&info, g, &p);
        p.matrix = matrices[i];
        p.full_range = r;
        diffs d[2] = {{0, 0, 0}, {0, 0, 0}};
        char name[80];
        snprintf(name, sizeof(name), "matrix %d %s, %s", matrices[i], r ? "full" : "limited", g->name);
        snprintf(what, sizeof(what), "%s %s", label, name);
        for (size_t k = i % 2; k < NFMTS; k += 2 * fstep) run_case(f, &fmts[k], &p, what, d);
        print_line(label, name, d);
    }
}

/* ---- surface resize --------------------------------------------------------------------- */

static unsigned surf_get(const pxc_vconv_surface *s, int plane, size_t idx, uint32_t y)
{
    const uint8_t *row = s->planes[plane] + (size_t)y * s->pitch[plane];
    if (pxc_vconv_is16(s->format)) return ((const uint16_t *)(const void *)row)[idx] >> (16 - s->bit_depth);
    return row[idx];
}

/* pxc_video_frame_resize (accurate) against pxc_vresize_ref, plane by plane; returns the max difference. */
static unsigned resize_case(pxc_video_frame *f, const pxc_video_convert_params *in, const char *what)
{
    pxc_video_convert_params p = *in;
    p.accurate = 1;
    pxc_video_frame *g = NULL;
    pxc_status st = pxc_video_frame_resize(f, &p, &g);
    CHECK_MSG(st == PXC_OK, "%s: resize: %s", what, pxc_context_last_error(ctx));
    if (st != PXC_OK) return 0;
    pxc_video_frame_info info, ginfo;
    pxc_video_surface s, gs;
    unsigned m = 0;
    if (!frame_facts(f, &info, &s) || !frame_facts(g, &ginfo, &gs)) {
        CHECK_MSG(0, "%s: no surfaces", what);
        pxc_video_frame_release(g);
        return 0;
    }
    pxc_vresize_job j;
    memset(&j, 0, sizeof(j));
    pxc_vconv_surface_of(&j.src, &s);
    const bool all0 = !p.crop_left && !p.crop_top && !p.crop_right && !p.crop_bottom;
    j.crop_left = p.crop_left;
    j.crop_top = p.crop_top;
    j.crop_right = all0 ? s.width : p.crop_right;
    j.crop_bottom = all0 ? s.height : p.crop_bottom;
    j.filter = (int)p.filter;
    /* the destination: the resized surface's shape in buffers of our own */
    pxc_vconv_surface_of(&j.dst, &gs);
    uint8_t *bufs[3] = {NULL, NULL, NULL};
    const int is420 = pxc_vconv_is420(gs.format);
    for (int i = 0; i < (is420 ? 2 : 3); i++) {
        const uint32_t rows = is420 && i ? (gs.height + 1) / 2 : gs.height;
        bufs[i] = calloc(1, gs.pitch[i] * rows);
        j.dst.planes[i] = bufs[i];
    }
    const char *why = pxc_vresize_check(&j);
    CHECK_MSG(!why, "%s: check refused: %s", what, why);
    if (!why) {
        pxc_vresize_ref(&j);
        /* the kernel's loop on the CPU (taps per sample) into planes of its own: the same bytes */
        uint8_t *kb[3] = {NULL, NULL, NULL};
        pxc_vresize_job kj = j;
        for (int i = 0; i < (is420 ? 2 : 3); i++) {
            const uint32_t rows = is420 && i ? (gs.height + 1) / 2 : gs.height;
            kb[i] = calloc(1, gs.pitch[i] * rows);
            kj.dst.planes[i] = kb[i];
        }
        pxc_vresize_plan kp;
        if (pxc_vresize_plan_job(&kj, &kp)) {
            for (int plane = 0; plane < 2; plane++) {
                const uint32_t w = plane ? kp.cw : kp.dst.width, h = plane ? kp.ch : kp.dst.height;
                for (uint32_t y = 0; y < h; y++)
                    for (uint32_t x = 0; x < w; x++) {
                        pxc_vconv_taps tx, ty;
                        pxc_vconv_axis_taps(plane ? &kp.cx : &kp.lx, (int32_t)x, &tx);
                        pxc_vconv_axis_taps(plane ? &kp.cy : &kp.ly, (int32_t)y, &ty);
                        if (plane) pxc_vresize_chroma(&kp, x, y, &tx, &ty);
                        else pxc_vresize_luma(&kp, x, y, &tx, &ty);
                    }
            }
            bool same = true;
            for (int i = 0; i < (is420 ? 2 : 3); i++) {
                const uint32_t rows = is420 && i ? (gs.height + 1) / 2 : gs.height;
                same = same && kb[i] && !memcmp(kb[i], bufs[i], gs.pitch[i] * rows);
            }
            CHECK_MSG(same, "%s: the kernel's path differs from the reference", what);
        }
        for (int i = 0; i < 3; i++) free(kb[i]);
        /* the reference's planes against the library's resized surface */
        pxc_vconv_surface lib;
        pxc_vconv_surface_of(&lib, &gs);
        for (int i = 0; i < (is420 ? 2 : 3); i++) {
            const uint32_t rows = is420 && i ? (gs.height + 1) / 2 : gs.height;
            const size_t n = is420 && i ? (size_t)(gs.width + 1) / 2 * 2 : gs.width;
            for (uint32_t y = 0; y < rows; y++)
                for (size_t x = 0; x < n; x++) {
                    const unsigned a = surf_get(&j.dst, i, x, y), b = surf_get(&lib, i, x, y);
                    if (absdiff(a, b) > m) {
                        m = absdiff(a, b);
                        snprintf(worst_at, sizeof(worst_at), "plane %d (%zu, %u): libswscale %u, reference %u", i, x,
                                 y, b, a);
                    }
                }
        }
        CHECK_MSG(m <= 1, "%s: resized surface differs by %u at %s", what, m, worst_at);
    }
    for (int i = 0; i < 3; i++) free(bufs[i]);
    pxc_video_frame_release(g);
    return m;
}

static void resize_cases(pxc_video_frame *f, const char *label)
{
    pxc_video_frame_info info;
    pxc_video_surface s;
    if (!frame_facts(f, &info, &s)) return;
    static const geom rg[] = {
        {"1:1", 0, 0, 0, 0, 0, 0, PXC_VIDEO_FILTER_BILINEAR},
        {"down 0.5 bilinear", 0, 0, 0, 0, 500, 500, PXC_VIDEO_FILTER_BILINEAR},
        {"down 0.37x0.61 bilinear", 0, 0, 0, 0, 370, 610, PXC_VIDEO_FILTER_BILINEAR},
        {"up 1.7x2.3 bilinear", 0, 0, 0, 0, 1700, 2300, PXC_VIDEO_FILTER_BILINEAR},
        {"down 0.41 area", 0, 0, 0, 0, 410, 410, PXC_VIDEO_FILTER_AREA},
        {"up 1.5x1.25 area", 0, 0, 0, 0, 1500, 1250, PXC_VIDEO_FILTER_AREA},
        {"down 0.6 nearest", 0, 0, 0, 0, 600, 600, PXC_VIDEO_FILTER_NEAREST},
        {"up 2.5 nearest", 0, 0, 0, 0, 2500, 2500, PXC_VIDEO_FILTER_NEAREST},
        {"crop at 4,2 down 0.55 bilinear", 4, 2, 10, 6, 550, 550, PXC_VIDEO_FILTER_BILINEAR},
        {"crop at 6,8 up 1.4 area", 6, 8, 2, 4, 1400, 1400, PXC_VIDEO_FILTER_AREA},
        {"crop at 2,2 1:1", 2, 2, 4, 3, 0, 0, PXC_VIDEO_FILTER_BILINEAR},
    };
    unsigned m = 0;
    char what[200];
    for (size_t i = 0; i < sizeof(rg) / sizeof(rg[0]); i++) {
        pxc_video_convert_params p;
        params_for(&info, &rg[i], &p);
        snprintf(what, sizeof(what), "%s resize %s", label, rg[i].name);
        const unsigned d = resize_case(f, &p, what);
        resize_worst = d > resize_worst ? d : resize_worst;
        if (verbose) printf("    %-60s max diff %u\n", what, d);
        m = d > m ? d : m;
    }
    printf("  %-30s surface resize (%zu geometries)          max diff %u\n", label, sizeof(rg) / sizeof(rg[0]), m);
}

/* ---- synthetic frames ------------------------------------------------------------------- */

/*
 * A CPU frame of @p fmt: noise (pattern 0) or blocks of one or two samples, mostly the range's
 * extremes (pattern 1), within the nominal range of @p full (limited: 16..235 luma, 16..240 chroma).
 */
static pxc_video_frame *synth(enum AVPixelFormat fmt, int w, int h, int pattern, uint32_t seed,
                              enum AVColorSpace matrix, bool full)
{
    AVFrame *av = av_frame_alloc();
    if (!av) return NULL;
    av->format = fmt;
    av->width = w;
    av->height = h;
    av->colorspace = matrix;
    av->color_range = full ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    if (av_frame_get_buffer(av, 0) < 0) {
        av_frame_free(&av);
        return NULL;
    }
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fmt);
    const int depth = d->comp[0].depth;
    uint32_t r = seed;
    for (int c = 0; c < d->nb_components; c++) {
        const unsigned lo = full ? 0 : 16u << (depth - 8);
        const unsigned hi = full ? (1u << depth) - 1 : (c ? 240u : 235u) << (depth - 8);
        const int cw = c ? AV_CEIL_RSHIFT(w, d->log2_chroma_w) : w, chh = c ? AV_CEIL_RSHIFT(h, d->log2_chroma_h) : h;
        for (int y = 0; y < chh; y++)
            for (int x = 0; x < cw; x++) {
                unsigned v;
                if (pattern == 0) {
                    v = lo + pxc_test_rand(&r) % (hi - lo + 1);
                } else {
                    const unsigned bx = (unsigned)x / (1 + (unsigned)(x % 7 == 0)), by = (unsigned)y / 2;
                    uint32_t hs = (bx * 2654435761u) ^ (by * 40503u) ^ (unsigned)c * 977u ^ seed;
                    hs = hs * 1103515245u + 12345u;
                    const unsigned kind = (hs >> 9) % 5;
                    v = kind == 0 ? lo : kind == 1 ? hi : kind == 2 ? (lo + hi) / 2 : lo + (hs >> 3) % (hi - lo + 1);
                }
                uint8_t *row = av->data[c] + (ptrdiff_t)y * av->linesize[c];
                if (depth > 8) ((uint16_t *)(void *)row)[x] = (uint16_t)v;
                else row[x] = (uint8_t)v;
            }
    }
    pxc_err e;
    pxc_err_clear(&e);
    pxc_video_frame *f = pxc_vframe_new_cpu(shared, av, &e);
    av_frame_free(&av);
    CHECK_MSG(f != NULL, "synthetic frame: %s", e.msg);
    return f;
}

static void test_synthetic(void)
{
    printf("synthetic frames (reference - libswscale; libswscale and reference - exact arithmetic):\n");
    typedef struct sdef {
        enum AVPixelFormat fmt;
        int w, h, pattern;
        enum AVColorSpace matrix;
        bool full;
        const char *label;
    } sdef;
    static const sdef defs[] = {
        {AV_PIX_FMT_YUV420P, 64, 48, 0, AVCOL_SPC_BT709, false, "nv12 64x48 noise"},
        {AV_PIX_FMT_YUV420P, 66, 50, 1, AVCOL_SPC_BT470BG, true, "nv12 66x50 blocks full"},
        {AV_PIX_FMT_YUV420P, 41, 27, 1, AVCOL_SPC_BT2020_NCL, false, "nv12 41x27 blocks"},
        {AV_PIX_FMT_YUV420P, 6, 4, 0, AVCOL_SPC_BT709, false, "nv12 6x4 noise"},
        {AV_PIX_FMT_YUV420P, 2, 2, 1, AVCOL_SPC_BT709, true, "nv12 2x2 blocks full"},
        {AV_PIX_FMT_YUV444P, 1, 1, 0, AVCOL_SPC_BT709, false, "yuv444 1x1 noise"},
        {AV_PIX_FMT_YUV420P10LE, 46, 38, 0, AVCOL_SPC_BT2020_NCL, false, "p016 46x38 noise"},
        {AV_PIX_FMT_YUV420P10LE, 34, 30, 1, AVCOL_SPC_BT709, true, "p016 34x30 blocks full"},
        {AV_PIX_FMT_YUV444P, 39, 31, 0, AVCOL_SPC_SMPTE170M, true, "yuv444 39x31 noise full"},
        {AV_PIX_FMT_YUV444P, 40, 36, 1, AVCOL_SPC_BT709, false, "yuv444 40x36 blocks"},
        {AV_PIX_FMT_YUV444P, 5, 3, 0, AVCOL_SPC_BT709, false, "yuv444 5x3 noise"},
        {AV_PIX_FMT_YUV444P10LE, 37, 33, 0, AVCOL_SPC_BT709, false, "yuv444_16 37x33 noise"},
        {AV_PIX_FMT_YUV444P12LE, 30, 26, 1, AVCOL_SPC_BT2020_NCL, true, "yuv444_16 12-bit 30x26 blocks"},
    };
    for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
        pxc_video_frame *f = synth(defs[i].fmt, defs[i].w, defs[i].h, defs[i].pattern, 1234u + (uint32_t)i,
                                   defs[i].matrix, defs[i].full);
        if (!f) continue;
        frame_cases(f, defs[i].label, 1, 1);
        resize_cases(f, defs[i].label);
        pxc_video_frame_release(f);
    }
}

/*
 * Limited-range input far outside the nominal range: libswscale's 8-bit output arithmetic
 * overflows (int32) and gives 0 where the exact result (clipped) is 255; shown, not compared.
 */
static void test_overflow(void)
{
    pxc_video_frame *f = synth(AV_PIX_FMT_YUV444P, 8, 2, 0, 1, AVCOL_SPC_BT709, false);
    if (!f) return;
    /* Y 255, Cb 255, Cr 128 everywhere */
    pxc_video_surface s;
    pxc_video_frame_info info;
    if (!frame_facts(f, &info, &s)) return;
    for (int c = 0; c < 3; c++)
        for (uint32_t y = 0; y < 2; y++)
            memset((uint8_t *)(uintptr_t)s.planes[c] + y * s.pitch[c], c == 2 ? 128 : 255, 8);
    pxc_video_convert_params p;
    pxc_video_convert_params_default(&p);
    p.accurate = 1;
    pxc_image *img = NULL;
    CHECK_OK(pxc_video_frame_convert(f, &p, &img));
    uint8_t buf[64];
    pxc_vconv_job j;
    if (img && job_for(f, &p, &fmts[0], img, buf, &j) && !pxc_vconv_check(&j)) {
        pxc_vconv_ref(&j);
        pxc_vconv_plan plan;
        pxc_vconv_plan_job(&j, &plan);
        unsigned *ex = exact_image(&j, &plan), e[3] = {ex[0], ex[1], ex[2]};
        free(ex);
        const uint8_t *o = pxc_image_data(img);
        printf("limited Y 255, Cb 255, Cr 128 (BT.709): exact RGB %u %u %u, reference %u %u %u, "
               "libswscale %u %u %u%s\n",
               e[0], e[1], e[2], buf[0], buf[1], buf[2], o[0], o[1], o[2],
               o[2] != e[2] ? " (its int32 arithmetic overflows)" : "");
        CHECK(buf[0] == e[0] && buf[1] == e[1] && buf[2] == e[2]);
    }
    pxc_image_destroy(img);
    pxc_video_frame_release(f);
}

/*
 * Cases where convert.c / libswscale are off (see the header): run, classified by run_case as
 * known, their differences printed in the summary; the reference is still checked against exact.
 */
static void test_known(void)
{
    diffs d[2] = {{0, 0, 0}, {0, 0, 0}};
    pxc_video_convert_params p;
    /* an odd-width 4:2:0 frame: a crop far from its right edge, then the same at an odd offset, resized */
    pxc_video_frame *f = synth(AV_PIX_FMT_YUV420P, 67, 49, 1, 77, AVCOL_SPC_BT709, false);
    if (f) {
        pxc_video_convert_params_default(&p);
        p.crop_left = 2;
        p.crop_top = 4;
        p.crop_right = 30;
        p.crop_bottom = 40;
        run_case(f, &fmts[0], &p, "67x49 4:2:0, crop not resized", d);
        p.crop_left = 3;
        p.width = 20;
        p.height = 20;
        run_case(f, &fmts[9], &p, "67x49 4:2:0, crop at an odd offset, resized", d);
        pxc_video_frame_release(f);
    }
    /* an odd-width crop at an odd offset reaching the right edge, to less than half its width */
    f = synth(AV_PIX_FMT_YUV420P, 40, 20, 1, 78, AVCOL_SPC_BT709, false);
    if (f) {
        pxc_video_convert_params_default(&p);
        p.crop_left = 3;
        p.crop_top = 2;
        p.crop_right = 40;
        p.crop_bottom = 18;
        p.width = 12;
        p.height = 8;
        run_case(f, &fmts[0], &p, "40x20 4:2:0, odd crop to the right edge, halved", d);
        pxc_video_frame_release(f);
    }
}

/* ---- clips ------------------------------------------------------------------------------ */

/* Runs a shell command (output to dir/ffmpeg.log); true on exit status 0. */
#define sh(...) pxc_test_sh(dir, __VA_ARGS__)

#define FF "ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i testsrc2=size=%s:rate=25 -frames:v 2"
#define X265 "-c:v libx265 -preset ultrafast -x265-params log-level=error"

/* Decodes up to @p max frames of a clip with the CPU decoder (pixcodec's demuxer); returns how many. */
static size_t decode_clip(const char *name, pxc_video_frame **out, size_t max)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    pxc_demuxer *dmx = NULL;
    size_t n = 0;
    if (pxc_demuxer_open_file(ctx, path, &dmx) != PXC_OK) {
        CHECK_MSG(0, "%s: cannot open: %s", name, pxc_context_last_error(ctx));
        return 0;
    }
    pxc_video_decoder_settings s;
    pxc_video_decoder_default_settings(&s);
    s.backend = PXC_VIDEO_BACKEND_CPU;
    pxc_video_decoder *dec = NULL;
    if (pxc_video_decoder_create_for(ctx, dmx, &s, &dec) != PXC_OK) {
        CHECK_MSG(0, "%s: no decoder: %s", name, pxc_context_last_error(ctx));
        pxc_demuxer_destroy(dmx);
        return 0;
    }
    bool draining = false;
    for (int guard = 0; guard < 10000 && n < max; guard++) {
        pxc_video_frame *f = NULL;
        pxc_status st = pxc_video_decoder_receive_frame(dec, &f);
        if (st == PXC_OK) {
            out[n++] = f;
            continue;
        }
        if (st == PXC_END_OF_STREAM) break;
        if (st != PXC_NEED_MORE_INPUT) {
            CHECK_MSG(0, "%s: receive: %s", name, pxc_video_decoder_last_error(dec));
            break;
        }
        if (draining) break;
        pxc_packet pk;
        pxc_packet_init(&pk);
        if (pxc_demuxer_read_packet(dmx, &pk) != PXC_OK) break;
        if (!pk.size) draining = true;
        st = pxc_video_decoder_send_packet(dec, pk.size ? &pk : NULL);
        CHECK_MSG(st == PXC_OK, "%s: send: %s", name, pxc_video_decoder_last_error(dec));
    }
    pxc_video_decoder_destroy(dec);
    pxc_demuxer_destroy(dmx);
    CHECK_MSG(n > 0, "%s: no frame decoded", name);
    return n;
}

typedef struct clip {
    const char *name, *size, *args;
    pxc_surface_format surface;
    int matrix, full; /* expected resolved matrix and range */
    size_t step;      /* geometries: every step-th */
    size_t fstep;     /* output formats: every fstep-th */
    size_t nframes;   /* frames compared */
} clip;

static const clip clips[] = {
    {"h264_420_601.mkv", "318x178",
     "-c:v libx264 -preset ultrafast -pix_fmt yuv420p -colorspace smpte170m -color_range tv", PXC_SURFACE_NV12, 6, 0,
     1, 1, 2},
    {"hevc_420p10_2020_full.mkv", "320x180",
     X265 " -pix_fmt yuv420p10le -colorspace bt2020nc -color_primaries bt2020 -color_trc bt709 -color_range pc",
     PXC_SURFACE_P016, 9, 1, 2, 1, 2},
    {"h264_444_709_full.mkv", "321x241",
     "-c:v libx264 -preset ultrafast -pix_fmt yuv444p -colorspace bt709 -color_primaries bt709 -color_trc bt709 "
     "-color_range pc",
     PXC_SURFACE_YUV444, 1, 1, 2, 1, 2},
    {"hevc_444p10_601.mkv", "162x122", X265 " -pix_fmt yuv444p10le -colorspace bt470bg -color_range tv",
     PXC_SURFACE_YUV444_16, 5, 0, 2, 1, 2},
    {"hevc_gray.mkv", "160x120", X265 " -pix_fmt gray -color_range tv", PXC_SURFACE_NV12, 5, 0, 3, 1, 2},
    {"h264_720p.mkv", "1280x720", "-c:v libx264 -preset ultrafast -pix_fmt yuv420p", PXC_SURFACE_NV12, 1, 0, 7, 3, 1},
};
#define NCLIPS (sizeof(clips) / sizeof(clips[0]))

static void test_clips(void)
{
    printf("clips (ffmpeg's testsrc2, decoded by the CPU decoder):\n");
    for (size_t i = 0; i < NCLIPS; i++) {
        const clip *c = &clips[i];
        if (!sh("ffmpeg -hide_banner -nostdin -loglevel error -y -f lavfi -i testsrc2=size=%s:rate=25 -frames:v 2 %s "
                "%s/%s",
                c->size, c->args, dir, c->name)) {
            CHECK_MSG(0, "%s: ffmpeg could not make it (see %s/ffmpeg.log)", c->name, dir);
            continue;
        }
        pxc_video_frame *frames[2] = {NULL, NULL};
        const size_t n = decode_clip(c->name, frames, c->nframes);
        for (size_t k = 0; k < n; k++) {
            pxc_video_frame_info info;
            pxc_video_surface s;
            if (!frame_facts(frames[k], &info, &s)) continue;
            const int m = resolve_matrix(&info, -1);
            CHECK_MSG(s.format == c->surface && m == c->matrix && (info.color.full_range ? 1 : 0) == c->full,
                      "%s: surface %d matrix %d range %d, expected %d, %d, %d", c->name, (int)s.format, m,
                      info.color.full_range, (int)c->surface, c->matrix, c->full);
            char label[80];
            snprintf(label, sizeof(label), "%s #%zu", c->name, k);
            /* the first frame in full, the second with every third geometry */
            frame_cases(frames[k], label, k ? c->step * 3 : c->step, c->fstep);
            if (!k) resize_cases(frames[k], label);
        }
        for (size_t k = 0; k < n; k++) pxc_video_frame_release(frames[k]);
    }
}

/* ---- refusals ----------------------------------------------------------------------------- */

static void expect_refusal(const pxc_vconv_job *j, const char *part, const char *what)
{
    const char *why = pxc_vconv_check(j);
    CHECK_MSG(why && strstr(why, part), "%s: check gave \"%s\", expected \"%s\"", what, why ? why : "(accepted)", part);
}

static void expect_resize_refusal(const pxc_vresize_job *j, const char *part, const char *what)
{
    const char *why = pxc_vresize_check(j);
    CHECK_MSG(why && strstr(why, part), "%s: check gave \"%s\", expected \"%s\"", what, why ? why : "(accepted)", part);
}

static void test_refusals(void)
{
    static uint8_t y[256 * 48], uv[256 * 24], out[64 * 48 * 8];
    pxc_vconv_job ok;
    memset(&ok, 0, sizeof(ok));
    ok.src.format = PXC_SURFACE_NV12;
    ok.src.width = 64;
    ok.src.height = 48;
    ok.src.bit_depth = 8;
    ok.src.planes[0] = y;
    ok.src.planes[1] = uv;
    ok.src.pitch[0] = ok.src.pitch[1] = 64;
    ok.crop_right = 64;
    ok.crop_bottom = 48;
    ok.filter = PXC_VCONV_BILINEAR;
    ok.matrix = 1;
    ok.dst.data = out;
    ok.dst.width = 64;
    ok.dst.height = 48;
    ok.dst.channels = 3;
    ok.dst.row_stride = 64 * 3;
    CHECK_MSG(pxc_vconv_check(&ok) == NULL, "a valid job is refused: %s", pxc_vconv_check(&ok));

    pxc_vconv_job j = ok;
    j.src.format = 7;
    expect_refusal(&j, "unknown surface format", "format 7");
    j = ok;
    j.src.bit_depth = 10;
    expect_refusal(&j, "need bit_depth 8", "NV12 at 10 bits");
    j = ok;
    j.src.format = PXC_SURFACE_P016;
    j.src.pitch[0] = j.src.pitch[1] = 128;
    expect_refusal(&j, "bit_depth of 9 to 16", "P016 at 8 bits");
    j.src.bit_depth = 17;
    expect_refusal(&j, "bit_depth of 9 to 16", "P016 at 17 bits");
    j.src.bit_depth = 16;
    CHECK_MSG(pxc_vconv_check(&j) == NULL, "P016 at 16 bits refused: %s", pxc_vconv_check(&j));
    j = ok;
    j.crop_left = j.crop_right = 10;
    expect_refusal(&j, "empty or outside", "empty crop");
    j = ok;
    j.crop_bottom = 49;
    expect_refusal(&j, "empty or outside", "crop below the surface");
    j = ok;
    j.dst.width = 0;
    expect_refusal(&j, "output is empty", "0-wide output");
    j = ok;
    j.dst.height = 0;
    expect_refusal(&j, "output is empty", "0-high output");
    j = ok;
    j.dst.channels = 2;
    expect_refusal(&j, "3 or 4 channels", "2 channels");
    j.dst.channels = 5;
    expect_refusal(&j, "3 or 4 channels", "5 channels");
    j = ok;
    j.dst.planar = 1;
    j.dst.channels = 4;
    j.dst.row_stride = 64;
    j.dst.plane_stride = 64 * 48;
    expect_refusal(&j, "planar outputs have 3 channels", "planar RGBA");
    j = ok;
    j.filter = PXC_VCONV_BICUBIC;
    expect_refusal(&j, "bicubic resizing is not available for frames in device memory; use bilinear, area or nearest",
                   "bicubic");
    j.filter = 9;
    expect_refusal(&j, "unknown resize filter", "filter 9");
    static const int bad_matrices[] = {0, 2, 3, 8, 11, -1};
    for (size_t i = 0; i < sizeof(bad_matrices) / sizeof(bad_matrices[0]); i++) {
        j = ok;
        j.matrix = bad_matrices[i];
        expect_refusal(&j, "matrix must be", "matrix");
    }
    j = ok;
    j.full_range = 2;
    expect_refusal(&j, "full_range", "range 2");
    j = ok; /* 256 columns to 8: 65 taps; to 9: 58 */
    j.src.width = j.crop_right = 256;
    j.src.pitch[0] = j.src.pitch[1] = 256;
    j.src.height = j.crop_bottom = 12;
    j.dst.width = 8;
    j.dst.height = 12;
    expect_refusal(&j, "downscale factor", "256 to 8 columns, bilinear");
    j.dst.width = 9;
    CHECK_MSG(pxc_vconv_check(&j) == NULL, "256 to 9 columns, bilinear, refused: %s", pxc_vconv_check(&j));
    j.dst.width = 3;
    j.filter = PXC_VCONV_AREA;
    expect_refusal(&j, "downscale factor", "256 to 3 columns, area");
    j.dst.width = 5;
    CHECK_MSG(pxc_vconv_check(&j) == NULL, "256 to 5 columns, area, refused: %s", pxc_vconv_check(&j));
    j = ok;
    j.dst.u16 = 1;
    j.dst.row_stride = 64 * 6 + 1;
    expect_refusal(&j, "even", "odd 16-bit stride");
    j = ok;
    j.dst.row_stride = 64 * 3 - 1;
    expect_refusal(&j, "row stride", "short rows");

    pxc_vresize_job r;
    memset(&r, 0, sizeof(r));
    r.src = ok.src;
    r.crop_right = 64;
    r.crop_bottom = 48;
    r.filter = PXC_VCONV_AREA;
    r.dst = ok.src;
    r.dst.width = 30;
    r.dst.height = 20;
    r.dst.planes[0] = r.dst.planes[1] = NULL; /* not placed yet: its shape is checked */
    CHECK_MSG(pxc_vresize_check(&r) == NULL, "a valid resize is refused: %s", pxc_vresize_check(&r));
    pxc_vresize_job q = r;
    q.dst.format = PXC_SURFACE_YUV444;
    q.dst.pitch[2] = 64;
    expect_resize_refusal(&q, "format and bit depth", "another format");
    q = r;
    q.crop_left = 1;
    expect_resize_refusal(&q, "splits a chroma sample", "odd crop offset");
    q = r;
    q.filter = PXC_VCONV_BICUBIC;
    expect_resize_refusal(&q, "bicubic", "bicubic");
    q = r;
    q.dst.width = 0;
    expect_resize_refusal(&q, "empty", "empty destination");
    printf("refusals checked\n");
}

/* ---- random sweep (--sweep N): measures libswscale's distance from exact arithmetic ---------------- */

static void sweep(int n)
{
    static const enum AVPixelFormat pf[] = {AV_PIX_FMT_YUV420P, AV_PIX_FMT_YUV420P10LE, AV_PIX_FMT_YUV444P,
                                            AV_PIX_FMT_YUV444P10LE, AV_PIX_FMT_YUV420P12LE};
    static const enum AVColorSpace cs[] = {AVCOL_SPC_BT709, AVCOL_SPC_BT470BG, AVCOL_SPC_BT2020_NCL, AVCOL_SPC_FCC,
                                           AVCOL_SPC_SMPTE240M};
    uint32_t r = 99;
    measure_only = true;
    for (int i = 0; i < n; i++) {
        const enum AVPixelFormat fmt = pf[pxc_test_rand(&r) % 5];
        const int w = 8 + (int)(pxc_test_rand(&r) % 73), h = 8 + (int)(pxc_test_rand(&r) % 57);
        const int pattern = (int)(pxc_test_rand(&r) % 2);
        const uint32_t seed = pxc_test_rand(&r);
        const enum AVColorSpace matrix = cs[pxc_test_rand(&r) % 5];
        pxc_video_frame *f = synth(fmt, w, h, pattern, seed, matrix, pxc_test_rand(&r) % 2);
        if (!f) continue;
        pxc_video_convert_params p;
        pxc_video_convert_params_default(&p);
        if (pxc_test_rand(&r) % 2) {
            p.crop_left = pxc_test_rand(&r) % (uint32_t)(w / 3);
            p.crop_top = pxc_test_rand(&r) % (uint32_t)(h / 3);
            p.crop_right = (uint32_t)w - pxc_test_rand(&r) % (uint32_t)(w / 3);
            p.crop_bottom = (uint32_t)h - pxc_test_rand(&r) % (uint32_t)(h / 3);
        }
        const uint32_t cw = (p.crop_right ? p.crop_right : (uint32_t)w) - p.crop_left;
        const uint32_t ch = (p.crop_bottom ? p.crop_bottom : (uint32_t)h) - p.crop_top;
        if (pxc_test_rand(&r) % 4) {
            p.width = 1 + cw * (20 + pxc_test_rand(&r) % 280) / 100;
            p.height = 1 + ch * (20 + pxc_test_rand(&r) % 280) / 100;
        }
        p.filter = (pxc_video_filter)(pxc_test_rand(&r) % 3 == 2 ? 3 : pxc_test_rand(&r) % 2);
        diffs d[2] = {{0, 0, 0}, {0, 0, 0}};
        char what[160];
        snprintf(what, sizeof(what), "sweep %d (%s %dx%d)", i, av_get_pix_fmt_name(fmt), w, h);
        for (size_t k = 0; k < NFMTS; k++)
            if (fmts[k].u16 || pxc_test_rand(&r) % 4 == 0) run_case(f, &fmts[k], &p, what, d);
        if (p.filter != PXC_VIDEO_FILTER_BILINEAR || pxc_test_rand(&r) % 2) {
            /* the surface resize, at even offsets */
            if (p.crop_right) {
                p.crop_left &= ~1u;
                p.crop_top &= ~1u;
            }
            const unsigned m = resize_case(f, &p, what);
            resize_worst = m > resize_worst ? m : resize_worst;
        }
        pxc_video_frame_release(f);
    }
}

/* ---- main ------------------------------------------------------------------------------ */

static void print_summary(void)
{
    printf("%zu conversions; max differences (reference - libswscale, libswscale - exact, reference - exact):\n",
           ncases);
    printf("  8-bit outputs, one pass:    %u, %u, %u (tolerance %u)\n", all8_1.ref_sws, all8_1.sws_x, all8_1.ref_x,
           TOL8);
    printf("  8-bit outputs, two passes:  %u, %u, %u (tolerance %u)\n", all8_2.ref_sws, all8_2.sws_x, all8_2.ref_x,
           TOL8_TWOPASS);
    printf("  16-bit outputs, one pass:   %u, %u, %u (tolerance %u)\n", all16_1.ref_sws, all16_1.sws_x, all16_1.ref_x,
           TOL16);
    printf("  16-bit outputs, two passes: %u, %u, %u (tolerance %u)\n", all16_2.ref_sws, all16_2.sws_x,
           all16_2.ref_x, TOL16);
    printf("  surface resize:             %u (tolerance 1)\n", resize_worst);
    if (pair_known.ref_sws)
        printf("  halved chroma of an odd crop at the right edge: %u, %u, %u (libswscale reads past the row; not "
               "compared)\n", pair_known.ref_sws, pair_known.sws_x, pair_known.ref_x);
    if (gray_known.sws_x)
        printf("  unscaled gray to packed 8-bit RGB, limited range: %u, %u, %u (libswscale ignores the range there; "
               "not compared)\n", gray_known.ref_sws, gray_known.sws_x, gray_known.ref_x);
}

int main(int argc, char **argv)
{
    verbose = argc > 1 && !strcmp(argv[1], "-v");
    const int sweep_n = argc > 2 && !strcmp(argv[1], "--sweep") ? atoi(argv[2]) : 0;
    pxc_context_settings cs;
    pxc_context_default_settings(&cs);
    cs.num_threads = 2;
    if (pxc_context_create(&cs, &ctx) != PXC_OK) return 1;
    shared = pxc_vdec_shared_new(ctx);
    if (!shared) return 1;
    if (sweep_n) {
        sweep(sweep_n);
        print_summary();
        pxc_vdec_shared_unref(shared);
        pxc_context_destroy(ctx);
        return pxc_test_summary("test_ref_video_convert --sweep");
    }
    test_refusals();
    test_overflow();
    test_known();
    test_synthetic();
    int rc = 0;
    if (system("ffmpeg -hide_banner -loglevel error -version >/dev/null 2>&1") != 0) {
        printf("the ffmpeg tool is missing: clips skipped\n");
        rc = 77;
    } else {
        snprintf(dir, sizeof(dir), "/tmp/pxc-vconv-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
        test_clips();
        if (!pxc_test_failures) {
            char cmd[300];
            snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
            if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
        } else {
            fprintf(stderr, "clips kept in %s\n", dir);
        }
    }
    print_summary();
    pxc_vdec_shared_unref(shared);
    pxc_context_destroy(ctx);
    const int st = pxc_test_summary("test_ref_video_convert");
    return st ? st : rc;
}
