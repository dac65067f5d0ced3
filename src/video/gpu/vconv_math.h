/*
 * Arithmetic of the video surface conversion and resizing (vconv.h), shared by the CUDA kernels
 * (vconv_kernels.cu) and their CPU references (vconv_ref.c).
 *
 * What is computed is what src/video/convert.c gets from libswscale (6.x, x86) with
 * params->accurate set (SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT), in exact arithmetic:
 *
 *  - The filters are libswscale's (initFilter): the same source positions (its 16.16 step
 *    xInc, centred luma and chroma: src/dst_*_chr_pos unset), the same tent (SWS_BILINEAR, which
 *    widens with the downscale factor), area (SWS_AREA; 2-tap interpolation when upscaling) and
 *    point (SWS_POINT) coefficients computed in its integer arithmetic, the same reduction (near
 *    zero taps, cumulatively at most 0.002 of the peak, dropped at the start of each filter; the
 *    filter length of the whole axis then the longest one needed, rounded up to x86's alignment:
 *    4 horizontally, 2 vertically) and the same clamping at the borders. As in libswscale the
 *    filter also interpolates 4:2:0 chroma, at 1:1 too. Each output coordinate's taps are
 *    computed on the fly (no tables); only the axis' filter length is planned on the host
 *    (pxc_vconv_plan_*), as it depends on every coordinate of the axis.
 *  - The weights are then normalised exactly (PXC_VCONV_WBITS = 20 fraction bits, prefix
 *    rounding, summing to exactly 1) instead of to libswscale's 14-bit (horizontal) and 12-bit
 *    (vertical) fixed point, and the samples filtered and converted in 64-bit integers, rounded
 *    once: within 1 of exact arithmetic for 16-bit outputs too. Integers make the kernels and
 *    the references bit-identical (no FMA contraction or rounding-mode differences).
 *  - Samples are taken MSB-aligned, as libswscale scales them: a b-bit sample v is v << (16 - b)
 *    (so 8-bit 255 and 10-bit 1020 are the same value); outputs are the result rounded to 8 bits
 *    (value / 256) or 16 bits (the value itself: full-range white is 65280, i.e. 255 * 256, as
 *    libswscale gives, not 65535).
 *  - Colour: libswscale's matrix table (ff_yuv2rgb_coeffs, by ISO 23091-2 value) with its range
 *    handling (limited: luma (Y - 16) * 255 / 219, chroma table as is; full: luma as is, chroma
 *    table * 224 / 255).
 *  - libswscale's 1:1 path of interleaved RGB outputs (yuv2packed1, taken when the vertical luma
 *    filter has one tap and the vertical chroma filter two): instead of the two chroma rows'
 *    weights it takes the first row alone when the second's 12-bit weight is below 2048, else the
 *    mean of both (so the last output row of a 4:2:0 frame gets the mean of the last two chroma
 *    rows). This is reproduced (pxc_vconv_axis_alpha12). Planar outputs filter exactly.
 *  - Crops as convert.c takes them: a crop that is not resized is the whole-frame conversion
 *    cropped; a resized crop at even offsets (or any of 4:4:4) is one libswscale pass over the
 *    cropped planes (chroma from the crop's first chroma sample, ceil(w/2) of them); a resized crop
 *    at an odd offset of 4:2:0 is two passes: the whole-frame conversion, rounded to the output's
 *    samples, then that RGB image resized by libswscale, which turns RGB into BT.601 YUV and back
 *    and, when the output is at most half as wide (planar 16-bit RGB excepted), computes the chroma
 *    of horizontal pairs of pixels. Both effects are reproduced (pxc_vconv_twostage).
 *
 * Where libswscale's fixed point rounds, the results differ from it by at most 1 (8-bit outputs;
 * 2 for the two passes, whose second libswscale pass is itself that far from exact) and by up to
 * ~48 of 65535 for 16-bit outputs (its 12-bit vertical weights). Not reproduced, as libswscale /
 * convert.c are wrong there (tests/c/test_ref_video_convert.c shows each): the int32 overflow of its
 * 8-bit output arithmetic on limited-range input far outside the nominal range; its unscaled
 * GRAY8 -> packed RGB path, which ignores the limited range (the GPU sees monochrome as NV12 with
 * neutral chroma); the chroma step of convert.c's crop regions in odd-sized 4:2:0 frames (here:
 * the whole frame's); the pixel past the row its halved second-pass chroma reads for an odd crop
 * width at the right edge (here: the last pixel repeated).
 *
 * All functions are PXC_HD (see cuda/hd.h) except the planning ones (PXC_VCONV_HOST: host code of
 * the launchers and the references).
 */
#ifndef PXC_VIDEO_GPU_VCONV_MATH_H
#define PXC_VIDEO_GPU_VCONV_MATH_H

#include <stddef.h>
#include <stdint.h>

#include "cuda/hd.h"
#include "video/gpu/vconv.h"

/* Host-only helpers (planning): plain static inline functions, C and C++. */
#define PXC_VCONV_HOST static inline

/* Most taps of one axis' filter (before and after the reduction); larger downscales are refused
 * (pxc_vconv_check). Bilinear allows factors up to 31, area up to 62. */
#define PXC_VCONV_MAX_TAPS 64

/* Largest surface or output dimension accepted. */
#define PXC_VCONV_MAX_DIM 65536

/* Kinds of axis filters (libswscale's initFilter branches). */
enum {
    PXC_VCONV_AXIS_IDENTITY = 0, /* step 1, same positions: sample i */
    PXC_VCONV_AXIS_POINT = 1,    /* SWS_POINT */
    PXC_VCONV_AXIS_LINEAR = 2,   /* SWS_AREA when upscaling: 2-tap linear interpolation */
    PXC_VCONV_AXIS_TENT = 3,     /* SWS_BILINEAR (any factor) */
    PXC_VCONV_AXIS_AREA = 4      /* SWS_AREA when downscaling */
};

/* One axis of one plane: libswscale's filter from src_size samples to dst_size. */
typedef struct pxc_vconv_axis {
    int32_t kind;
    int32_t src_size, dst_size;
    int32_t inc;       /* source samples per output sample, 16.16 (libswscale's xInc) */
    int32_t raw_size;  /* taps before the reduction */
    int32_t size;      /* taps after it (0 until planned) */
    int32_t cut_e;     /* the coefficients' scale is fone >> cut_e (see pxc_vconv_cutoff) */
    int32_t fone_log;  /* log2 of libswscale's fone */
    int64_t base;      /* position of output sample 0: 1/65536 (POINT, LINEAR) or 1/131072 (TENT, AREA) */
} pxc_vconv_axis;

/* Weights are fixed point with PXC_VCONV_WBITS fraction bits; the taps of a coordinate sum to PXC_VCONV_WONE. */
#define PXC_VCONV_WBITS 20
#define PXC_VCONV_WONE (1 << PXC_VCONV_WBITS)

/* The taps of one output coordinate: weights of source samples first .. first + n - 1. */
typedef struct pxc_vconv_taps {
    int32_t first, n;
    int32_t w[PXC_VCONV_MAX_TAPS];
} pxc_vconv_taps;

/* Modes of a conversion (see the header comment). */
enum { PXC_VCONV_ONEPASS = 0, PXC_VCONV_TWOSTAGE = 1 };

/* Everything the per-pixel functions need: made on the host from a checked job, passed by value to the kernels. */
typedef struct pxc_vconv_plan {
    pxc_vconv_surface src;
    int32_t sub;                 /* chroma subsampling, log2 (1: 4:2:0, 0: 4:4:4), both axes */
    int32_t mode;
    /* one pass (and the whole-frame first pass of TWOSTAGE) */
    pxc_vconv_axis lx, ly, cx, cy; /* luma and chroma, horizontal and vertical */
    int32_t lx0, ly0, cx0, cy0;  /* surface sample of each axis' source sample 0 (the crop) */
    int32_t ox, oy;              /* added to output coordinates before the axes (crops not resized) */
    int32_t packed1;             /* libswscale's yuv2packed1 chroma rows apply (pxc_vconv_axis_alpha12) */
    /* colour: Q24 coefficients (R = cy*(Y-y0) + crv*V, G = cy*(Y-y0) - cgu*U - cgv*V, B = cy*(Y-y0) + cbu*U) */
    int64_t k_y, k_rv, k_bu, k_gu, k_gv;
    int32_t y0;                  /* luma offset, 16-bit units: 4096 limited, 0 full */
    /* second pass of TWOSTAGE: from the crop's cw x ch RGB pixels (frame pixels s_x0 + i, s_y0 + j) */
    pxc_vconv_axis sx, sy, scx;  /* luma horizontal and vertical, chroma horizontal */
    int32_t s_x0, s_y0;
    int32_t s_half;              /* chroma of horizontal pixel pairs (scx runs over pairs) */
    /* the first pass's output pixels (R, G, B) of frame columns s1_x0 .. s1_x0 + s1_w - 1, rows
       s1_y0 .., computed once by the CPU reference (host memory); NULL in the kernels, which
       compute each one where they need it */
    const uint16_t *s1;
    int32_t s1_x0, s1_y0, s1_w;
    pxc_vconv_out dst;
} pxc_vconv_plan;

/* A surface-to-surface resize. */
typedef struct pxc_vresize_plan {
    pxc_vconv_surface src, dst;
    int32_t sub;
    pxc_vconv_axis lx, ly, cx, cy;
    int32_t lx0, ly0, cx0, cy0;
    uint32_t cw, ch;             /* chroma samples of dst */
} pxc_vresize_plan;

/* ---- small integer helpers ------------------------------------------------------------------ */

/* floor(v / 2^s) for any sign (libswscale's >> on int64, arithmetic on its compilers). */
PXC_HD int64_t pxc_vconv_floor_shr(int64_t v, int s)
{
    return v >= 0 ? v >> s : -((-v + (((int64_t)1 << s) - 1)) >> s);
}

PXC_HD int64_t pxc_vconv_abs64(int64_t v)
{
    return v < 0 ? -v : v;
}

PXC_HD int32_t pxc_vconv_clampi(int32_t v, int32_t lo, int32_t hi)
{
    return v < lo ? lo : (v > hi ? hi : v);
}

/* libswscale's av_log2 of a non-negative int (0 for 0). */
PXC_HD int pxc_vconv_log2(uint32_t v)
{
    int n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

/*
 * The reduction's threshold: a run of taps is "near zero" while the sum of their coefficients is at
 * most SWS_MAX_REDUCE_CUTOFF (0.002) * fone; with coefficients k * (fone >> e) that is sum(k) below
 * this integer (0.002 * 2^e, rounded up past its fraction, as the double comparison does).
 */
PXC_HD int64_t pxc_vconv_cutoff(int e)
{
    switch (e) {
    case 16: return 132;                       /* 0.002 * 2^16 = 131.072 */
    case 30: return 2147484;                   /* 2147483.648 */
    case 46: return (int64_t)140737488356LL;   /* 140737488355.328 */
    default: return 1;                         /* e = 0: any tap counts */
    }
}

/* ---- axis filters (libswscale's initFilter) ----------------------------------------------- */

/*
 * Sets up an axis from @p src samples to @p dst with @p filter (PXC_VCONV_*) and libswscale's
 * positions src_pos / dst_pos (1/256 of a sample; 128 for centred samples). The filter length
 * (size) is left 0: pxc_vconv_plan_axis computes it. Returns 0 for an unknown filter.
 */
PXC_HD int pxc_vconv_axis_init(pxc_vconv_axis *a, int32_t src, int32_t dst, int filter, int32_t src_pos,
                               int32_t dst_pos)
{
    a->src_size = src;
    a->dst_size = dst;
    a->inc = (int32_t)((((int64_t)src << 16) + (dst >> 1)) / dst);
    a->size = 0;
    a->fone_log = 54 - (pxc_vconv_log2((uint32_t)(src / dst)) < 8 ? pxc_vconv_log2((uint32_t)(src / dst)) : 8);
    const int64_t inc = a->inc;
    if ((inc - 0x10000 < 10 && 0x10000 - inc < 10) && src_pos == dst_pos) {
        a->kind = PXC_VCONV_AXIS_IDENTITY;
        a->raw_size = 1;
        a->cut_e = 0;
        a->base = 0;
        return 1;
    }
    if (filter == PXC_VCONV_NEAREST || (filter == PXC_VCONV_AREA && inc <= 0x10000)) {
        a->kind = filter == PXC_VCONV_NEAREST ? PXC_VCONV_AXIS_POINT : PXC_VCONV_AXIS_LINEAR;
        a->raw_size = a->kind == PXC_VCONV_AXIS_POINT ? 1 : 2;
        a->cut_e = a->kind == PXC_VCONV_AXIS_POINT ? 0 : 16;
        a->base = pxc_vconv_floor_shr((int64_t)dst_pos * inc, 8) - pxc_vconv_floor_shr((int64_t)src_pos * 0x8000, 7);
        return 1;
    }
    if (filter != PXC_VCONV_BILINEAR && filter != PXC_VCONV_AREA) return 0;
    a->kind = filter == PXC_VCONV_BILINEAR ? PXC_VCONV_AXIS_TENT : PXC_VCONV_AXIS_AREA;
    a->cut_e = filter == PXC_VCONV_BILINEAR ? 30 : 46;
    const int64_t factor = filter == PXC_VCONV_BILINEAR ? 2 : 1;
    int64_t size = inc <= 0x10000 ? 1 + factor : 1 + (factor * src + dst - 1) / dst;
    if (size > src - 2) size = src - 2;
    if (size < 1) size = 1;
    a->raw_size = (int32_t)(size > 0x7fffffff ? 0x7fffffff : size);
    a->base = pxc_vconv_floor_shr((int64_t)dst_pos * inc, 7) - pxc_vconv_floor_shr((int64_t)src_pos * 0x10000, 7);
    return 1;
}

/*
 * The raw coefficients of output coordinate @p i (before the reduction): k[0 .. raw_size - 1] for
 * source samples *xx, *xx + 1, ... (which may lie outside the source). k must hold raw_size values
 * (at most PXC_VCONV_MAX_TAPS: the check refuses larger filters).
 */
PXC_HD void pxc_vconv_axis_raw(const pxc_vconv_axis *a, int32_t i, int64_t *k, int32_t *xx)
{
    switch (a->kind) {
    case PXC_VCONV_AXIS_IDENTITY:
        *xx = i;
        k[0] = 1;
        return;
    case PXC_VCONV_AXIS_POINT: {
        const int64_t p = a->base + (int64_t)i * a->inc;
        *xx = (int32_t)pxc_vconv_floor_shr(p + (1 << 15), 16);
        k[0] = 1;
        return;
    }
    case PXC_VCONV_AXIS_LINEAR: {
        const int64_t p = a->base + (int64_t)i * a->inc;
        const int32_t x = (int32_t)pxc_vconv_floor_shr(p, 16);
        *xx = x;
        for (int j = 0; j < 2; j++) {
            const int64_t d = pxc_vconv_abs64((int64_t)(x + j) * 65536 - p);
            k[j] = d >= 65536 ? 0 : 65536 - d;
        }
        return;
    }
    default: {
        const int64_t p = a->base + 2 * (int64_t)i * a->inc;
        const int32_t x = (int32_t)((p - (int64_t)(a->raw_size - 2) * 65536) / 131072); /* C division: toward 0 */
        *xx = x;
        for (int j = 0; j < a->raw_size; j++) {
            int64_t d = pxc_vconv_abs64((int64_t)(x + j) * 131072 - p) << 13;
            if (a->inc > 0x10000) d = d * a->dst_size / a->src_size;
            if (a->kind == PXC_VCONV_AXIS_TENT) {
                k[j] = d >= ((int64_t)1 << 30) ? 0 : ((int64_t)1 << 30) - d;
            } else {
                const int64_t t = (d - ((int64_t)1 << 29)) * a->inc;
                if (t < -((int64_t)1 << 45)) k[j] = (int64_t)1 << 46;
                else if (t < ((int64_t)1 << 45)) k[j] = ((int64_t)1 << 45) - t;
                else k[j] = 0;
            }
        }
        return;
    }
    }
}

/* Leading taps libswscale drops as near zero: how many of k[0 .. raw - 1] (their running sum stays below
 * the cutoff). */
PXC_HD int32_t pxc_vconv_axis_trim(const pxc_vconv_axis *a, const int64_t *k)
{
    const int64_t thr = pxc_vconv_cutoff(a->cut_e);
    int64_t cut = 0;
    int32_t t = 0;
    for (int32_t j = 0; j < a->raw_size; j++) {
        cut += t < a->raw_size ? k[t] : 0;
        if (cut >= thr) break;
        t++;
    }
    return t;
}

/*
 * The taps of output coordinate @p i of a planned axis: libswscale's reduced filter (taps from
 * the first one kept on, a->size of them), source positions clamped into the source (the
 * weights of taps outside it go to the edge sample), normalised exactly to Q16.
 */
PXC_HD void pxc_vconv_axis_taps(const pxc_vconv_axis *a, int32_t i, pxc_vconv_taps *t)
{
    if (a->kind == PXC_VCONV_AXIS_IDENTITY) {
        t->first = pxc_vconv_clampi(i, 0, a->src_size - 1);
        t->n = 1;
        t->w[0] = PXC_VCONV_WONE;
        return;
    }
    int64_t k[PXC_VCONV_MAX_TAPS];
    int32_t xx;
    pxc_vconv_axis_raw(a, i, k, &xx);
    const int32_t skip = pxc_vconv_axis_trim(a, k);
    const int32_t last_src = a->src_size - 1;
    const int32_t s = xx + skip;
    const int32_t first = pxc_vconv_clampi(s, 0, last_src);
    const int32_t last = pxc_vconv_clampi(s + a->size - 1, 0, last_src);
    const int32_t n = last - first + 1;
    /* the coefficient of each source sample (folded at the edges), in place in k: sample index - first
       never exceeds the tap's index in k, and grows by at most one per tap */
    int64_t *bin = k;
    int32_t top = -1;
    for (int32_t j = 0; j < a->size; j++) {
        const int32_t r = skip + j;
        if (r >= a->raw_size) break;
        const int32_t b = pxc_vconv_clampi(s + j, 0, last_src) - first;
        if (b != top) {
            bin[b] = k[r];
            top = b;
        } else {
            bin[b] += k[r];
        }
    }
    for (int32_t j = top + 1; j < n; j++) bin[j] = 0;
    int64_t sum = 0;
    for (int32_t j = 0; j < n; j++) sum += bin[j];
    t->first = first;
    t->n = n;
    if (sum <= 0) { /* no weight left (cannot happen with these filters): the first sample */
        t->w[0] = PXC_VCONV_WONE;
        for (int32_t j = 1; j < n; j++) t->w[j] = 0;
        return;
    }
    /* scale so that prefix * WONE fits: sum below 2^42 */
    int sh = 0;
    while ((sum >> sh) >= ((int64_t)1 << 42)) sh++;
    if (sh) {
        sum = 0;
        for (int32_t j = 0; j < n; j++) {
            bin[j] >>= sh;
            sum += bin[j];
        }
    }
    int64_t acc = 0, prev = 0;
    for (int32_t j = 0; j < n; j++) {
        acc += bin[j];
        const int64_t q = (acc * PXC_VCONV_WONE + sum / 2) / sum;
        t->w[j] = (int32_t)(q - prev);
        prev = q;
    }
}

/*
 * libswscale's yuv2packed1 choice for output row @p i of a 2-tap vertical chroma axis: its 12-bit
 * weights after its own border fix (which, at the bottom, moves the filter up so that its second tap
 * is the last row) and normalisation. Returns the second tap's weight (libswscale's chrAlpha: below
 * 2048 the first row alone is used, else the mean of both) with *row0 the first row, or -1 when the
 * two weights do not sum to 4096 (libswscale then filters exactly).
 */
PXC_HD int32_t pxc_vconv_axis_alpha12(const pxc_vconv_axis *a, int32_t i, int32_t *row0)
{
    int64_t k[PXC_VCONV_MAX_TAPS];
    int32_t xx;
    pxc_vconv_axis_raw(a, i, k, &xx);
    const int32_t skip = pxc_vconv_axis_trim(a, k);
    const int shift_c = a->fone_log - a->cut_e; /* coefficient = k << shift_c */
    int64_t f[2];
    for (int j = 0; j < 2; j++) f[j] = skip + j < a->raw_size ? k[skip + j] << shift_c : 0;
    int32_t pos = xx + skip;
    const int32_t src = a->src_size;
    if (pos < 0) { /* left border: taps before sample 0 onto it */
        const int32_t left = 1 + pos > 0 ? 1 + pos : 0;
        if (left != 1) {
            f[left] += f[1];
            f[1] = 0;
        }
        pos = 0;
    }
    if (pos + 2 > src) { /* right border: taps past the end onto the last sample, the filter moved left */
        const int32_t shift = pos + (2 - src < 0 ? 2 - src : 0);
        int64_t acc = 0;
        for (int j = 1; j >= 0; j--)
            if (pos + j >= src) {
                acc += f[j];
                f[j] = 0;
            }
        for (int j = 1; j >= 0; j--) f[j] = j < shift ? 0 : f[j - shift];
        pos -= shift;
        f[src - 1 - pos] += acc;
    }
    *row0 = pos;
    int64_t sum = (f[0] + f[1] + 2048) / 4096;
    if (!sum) sum = 1;
    /* ROUNDED_DIV with error diffusion */
    int64_t v = f[0];
    const int64_t w0 = (v >= 0 ? v + (sum >> 1) : v - (sum >> 1)) / sum;
    v = f[1] + (v - w0 * sum);
    const int64_t w1 = (v >= 0 ? v + (sum >> 1) : v - (sum >> 1)) / sum;
    if (w0 + w1 != 4096 || w1 < 0 || w1 > 4096) return -1;
    return (int32_t)w1;
}

/* The chroma rows libswscale's yuv2packed1 uses for output row @p i, as taps; 0 when it does not apply. */
PXC_HD int pxc_vconv_packed1_taps(const pxc_vconv_axis *a, int32_t i, pxc_vconv_taps *t)
{
    int32_t row0;
    const int32_t alpha = pxc_vconv_axis_alpha12(a, i, &row0);
    if (alpha < 0) return 0;
    t->first = pxc_vconv_clampi(row0, 0, a->src_size - 1);
    if (alpha < 2048 || row0 + 1 >= a->src_size) {
        t->n = 1;
        t->w[0] = PXC_VCONV_WONE;
    } else {
        t->n = 2;
        t->w[0] = t->w[1] = PXC_VCONV_WONE / 2;
    }
    return 1;
}

/* ---- planning (host) --------------------------------------------------------------------- */

/*
 * Plans an axis: libswscale's filter length, the longest filter any coordinate needs once near
 * zero taps are dropped at both ends, rounded up to @p align (x86: 4 horizontal, 2 vertical; a
 * vertical length of 1 stays 1). Returns 0 when a filter would exceed PXC_VCONV_MAX_TAPS.
 */
PXC_VCONV_HOST int pxc_vconv_plan_axis(pxc_vconv_axis *a, int align)
{
    if (a->raw_size < 1 || a->raw_size > PXC_VCONV_MAX_TAPS) return 0;
    int32_t need = 1;
    if (a->kind != PXC_VCONV_AXIS_IDENTITY && a->kind != PXC_VCONV_AXIS_POINT) {
        const int64_t thr = pxc_vconv_cutoff(a->cut_e);
        int64_t k[PXC_VCONV_MAX_TAPS];
        for (int32_t i = 0; i < a->dst_size; i++) {
            int32_t xx;
            pxc_vconv_axis_raw(a, i, k, &xx);
            const int32_t skip = pxc_vconv_axis_trim(a, k);
            int32_t m = a->raw_size;
            int64_t cut = 0;
            for (int32_t j = a->raw_size - 1; j > 0; j--) {
                cut += skip + j < a->raw_size ? k[skip + j] : 0;
                if (cut >= thr) break;
                m--;
            }
            if (m > need) need = m;
        }
    }
    if (align == 2 && need == 1) align = 1;
    const int32_t size = (need + align - 1) / align * align;
    if (size > PXC_VCONV_MAX_TAPS) return 0;
    a->size = size;
    return 1;
}

/* Sets up and plans an axis with centred samples; 0 on failure (filter too long or unknown). */
PXC_VCONV_HOST int pxc_vconv_plan_axis_for(pxc_vconv_axis *a, int32_t src, int32_t dst, int filter, int vertical)
{
    if (src < 1 || dst < 1) return 0;
    if (!pxc_vconv_axis_init(a, src, dst, filter, 128, 128)) return 0;
    return pxc_vconv_plan_axis(a, vertical ? 2 : 4);
}

/* libswscale's ff_yuv2rgb_coeffs (v->r, u->b, u->g, v->g; 1 = 65536 at limited range) for a matrix; 0 if unknown. */
PXC_HD int pxc_vconv_matrix_coeffs(int matrix, int32_t c[4])
{
    switch (matrix) {
    case 1: c[0] = 117489; c[1] = 138438; c[2] = 13975; c[3] = 34925; return 1;  /* BT.709 */
    case 4: c[0] = 104448; c[1] = 132798; c[2] = 24759; c[3] = 53109; return 1;  /* FCC */
    case 5:
    case 6: c[0] = 104597; c[1] = 132201; c[2] = 25675; c[3] = 53279; return 1;  /* BT.601 */
    case 7: c[0] = 117579; c[1] = 136230; c[2] = 16907; c[3] = 35559; return 1;  /* SMPTE 240M */
    case 9:
    case 10: c[0] = 110013; c[1] = 140363; c[2] = 12277; c[3] = 42626; return 1; /* BT.2020 */
    default: return 0;
    }
}

/* Whether a surface format is 4:2:0 (NV12, P016). */
PXC_HD int pxc_vconv_is420(int format)
{
    return format == 0 || format == 1;
}

/* Whether a surface format has 16-bit samples (P016, YUV444_16). */
PXC_HD int pxc_vconv_is16(int format)
{
    return format == 1 || format == 3;
}

/*
 * Plans a conversion job that passed pxc_vconv_check (mode, axes, colour). Returns 0 when an axis'
 * filter is too long (the check reports that as a refusal).
 */
PXC_VCONV_HOST int pxc_vconv_plan_job(const pxc_vconv_job *j, pxc_vconv_plan *p)
{
    const pxc_vconv_surface *s = &j->src;
    const int sub = pxc_vconv_is420(s->format) ? 1 : 0;
    const int32_t W = (int32_t)s->width, H = (int32_t)s->height;
    const int32_t cl = (int32_t)j->crop_left, ct = (int32_t)j->crop_top;
    const int32_t cw = (int32_t)(j->crop_right - j->crop_left), ch = (int32_t)(j->crop_bottom - j->crop_top);
    const int32_t dw = (int32_t)j->dst.width, dh = (int32_t)j->dst.height;
    const int cropped = cl || ct || cw != W || ch != H;
    const int resized = dw != cw || dh != ch;
    const int aligned = !sub || !((cl | ct) & 1);
    int ok = 1;
    p->src = *s;
    p->dst = j->dst;
    p->sub = sub;
    p->ox = p->oy = 0;
    p->lx0 = p->ly0 = p->cx0 = p->cy0 = 0;
    p->s_x0 = p->s_y0 = 0;
    p->s_half = 0;
    p->s1 = NULL;
    p->s1_x0 = p->s1_y0 = p->s1_w = 0;
    p->sx.kind = p->sy.kind = p->scx.kind = PXC_VCONV_AXIS_IDENTITY;
    p->sx.size = p->sy.size = p->scx.size = 1;
    if (!cropped || (resized && aligned)) {
        /* one pass over the cropped planes */
        p->mode = PXC_VCONV_ONEPASS;
        ok &= pxc_vconv_plan_axis_for(&p->lx, cw, dw, j->filter, 0);
        ok &= pxc_vconv_plan_axis_for(&p->ly, ch, dh, j->filter, 1);
        ok &= pxc_vconv_plan_axis_for(&p->cx, (cw + sub) >> sub, dw, j->filter, 0);
        ok &= pxc_vconv_plan_axis_for(&p->cy, (ch + sub) >> sub, dh, j->filter, 1);
        p->lx0 = cl;
        p->ly0 = ct;
        p->cx0 = cl >> sub;
        p->cy0 = ct >> sub;
    } else {
        /* the whole frame at 1:1, cropped (and resized by a second pass) */
        ok &= pxc_vconv_plan_axis_for(&p->lx, W, W, j->filter, 0);
        ok &= pxc_vconv_plan_axis_for(&p->ly, H, H, j->filter, 1);
        ok &= pxc_vconv_plan_axis_for(&p->cx, (W + sub) >> sub, W, j->filter, 0);
        ok &= pxc_vconv_plan_axis_for(&p->cy, (H + sub) >> sub, H, j->filter, 1);
        if (!resized) {
            p->mode = PXC_VCONV_ONEPASS;
            p->ox = cl;
            p->oy = ct;
        } else {
            p->mode = PXC_VCONV_TWOSTAGE;
            p->s_x0 = cl;
            p->s_y0 = ct;
            /* libswscale halves the chroma of RGB inputs (all but planar 16-bit ones) for outputs at most half
               as wide */
            p->s_half = dw <= (cw >> 1) && !(j->dst.planar && j->dst.u16);
            ok &= pxc_vconv_plan_axis_for(&p->sx, cw, dw, j->filter, 0);
            ok &= pxc_vconv_plan_axis_for(&p->sy, ch, dh, j->filter, 1);
            ok &= pxc_vconv_plan_axis_for(&p->scx, p->s_half ? (cw + 1) >> 1 : cw, dw, j->filter, 0);
        }
    }
    /* interleaved outputs at 1:1 vertically with 2-tap vertical chroma: libswscale's yuv2packed1 rows */
    p->packed1 = ok && !j->dst.planar && p->ly.size == 1 && p->cy.size == 2;
    /* colour */
    int32_t c[4];
    if (!pxc_vconv_matrix_coeffs(j->matrix, c)) return 0;
    if (j->full_range) {
        p->k_y = (int64_t)1 << 24;
        p->y0 = 0;
        p->k_rv = ((int64_t)c[0] * 57344 + 127) / 255; /* * 256 * 224 / 255 */
        p->k_bu = ((int64_t)c[1] * 57344 + 127) / 255;
        p->k_gu = ((int64_t)c[2] * 57344 + 127) / 255;
        p->k_gv = ((int64_t)c[3] * 57344 + 127) / 255;
    } else {
        p->k_y = (((int64_t)255 << 24) + 109) / 219;
        p->y0 = 16 << 8;
        p->k_rv = (int64_t)c[0] * 256;
        p->k_bu = (int64_t)c[1] * 256;
        p->k_gu = (int64_t)c[2] * 256;
        p->k_gv = (int64_t)c[3] * 256;
    }
    return ok;
}

/* Plans a resize job that passed pxc_vresize_check; 0 when a filter is too long. */
PXC_VCONV_HOST int pxc_vresize_plan_job(const pxc_vresize_job *j, pxc_vresize_plan *p)
{
    const int sub = pxc_vconv_is420(j->src.format) ? 1 : 0;
    const int32_t cl = (int32_t)j->crop_left, ct = (int32_t)j->crop_top;
    const int32_t cw = (int32_t)(j->crop_right - j->crop_left), ch = (int32_t)(j->crop_bottom - j->crop_top);
    const int32_t dw = (int32_t)j->dst.width, dh = (int32_t)j->dst.height;
    int ok = 1;
    p->src = j->src;
    p->dst = j->dst;
    p->sub = sub;
    ok &= pxc_vconv_plan_axis_for(&p->lx, cw, dw, j->filter, 0);
    ok &= pxc_vconv_plan_axis_for(&p->ly, ch, dh, j->filter, 1);
    ok &= pxc_vconv_plan_axis_for(&p->cx, (cw + sub) >> sub, (dw + sub) >> sub, j->filter, 0);
    ok &= pxc_vconv_plan_axis_for(&p->cy, (ch + sub) >> sub, (dh + sub) >> sub, j->filter, 1);
    p->lx0 = cl;
    p->ly0 = ct;
    p->cx0 = cl >> sub;
    p->cy0 = ct >> sub;
    p->cw = (uint32_t)((dw + sub) >> sub);
    p->ch = (uint32_t)((dh + sub) >> sub);
    return ok;
}

/* ---- samples ------------------------------------------------------------------------------ */

/*
 * Sample of component @p comp (0 Y, 1 Cb, 2 Cr) at (x, y) of its plane (chroma coordinates for
 * chroma), MSB-aligned to 16 bits: 8-bit samples << 8, 16-bit ones with the bits below the bit
 * depth cleared.
 */
PXC_HD uint32_t pxc_vconv_sample(const pxc_vconv_surface *s, int comp, int32_t x, int32_t y)
{
    const int wide = pxc_vconv_is16(s->format);
    int plane = comp;
    size_t idx = (size_t)x;
    if (pxc_vconv_is420(s->format) && comp) {
        plane = 1;
        idx = 2 * (size_t)x + (size_t)(comp - 1);
    }
    const uint8_t *row = s->planes[plane] + (size_t)y * s->pitch[plane];
    if (!wide) return (uint32_t)row[idx] << 8;
    const uint32_t v = ((const uint16_t *)(const void *)row)[idx];
    return v & (0xffffu << (16 - s->bit_depth)) & 0xffffu;
}

/*
 * One component filtered with horizontal taps @p tx (plus x0) and vertical taps @p ty (plus y0):
 * the exact weighted sum in 16-bit units, Q16.
 */
PXC_HD int64_t pxc_vconv_filter(const pxc_vconv_surface *s, int comp, const pxc_vconv_taps *tx, int32_t x0,
                                const pxc_vconv_taps *ty, int32_t y0)
{
    int64_t acc = 0;
    for (int32_t i = 0; i < ty->n; i++) {
        if (!ty->w[i]) continue;
        const int32_t y = y0 + ty->first + i;
        int64_t h = 0;
        for (int32_t j = 0; j < tx->n; j++)
            h += (int64_t)tx->w[j] * pxc_vconv_sample(s, comp, x0 + tx->first + j, y);
        acc += h * ty->w[i];
    }
    return (acc + ((int64_t)1 << (2 * PXC_VCONV_WBITS - 17))) >> (2 * PXC_VCONV_WBITS - 16);
}

/* Rounds a Q40 value in 16-bit units to an output sample (8-bit: / 256), clamped. */
PXC_HD uint32_t pxc_vconv_out_sample(int64_t v, int u16)
{
    if (v <= 0) return 0;
    if (u16) {
        const int64_t r = (v + ((int64_t)1 << 39)) >> 40;
        return r > 65535 ? 65535u : (uint32_t)r;
    }
    const int64_t r = (v + ((int64_t)1 << 47)) >> 48;
    return r > 255 ? 255u : (uint32_t)r;
}

/* YUV (Q16, 16-bit units) to output R, G, B samples with the plan's matrix and range. */
PXC_HD void pxc_vconv_yuv2rgb(const pxc_vconv_plan *p, int64_t y, int64_t u, int64_t v, uint32_t rgb[3])
{
    const int64_t yy = (y - ((int64_t)p->y0 << 16)) * p->k_y;
    const int64_t uu = u - ((int64_t)32768 << 16), vv = v - ((int64_t)32768 << 16);
    rgb[0] = pxc_vconv_out_sample(yy + p->k_rv * vv, p->dst.u16);
    rgb[1] = pxc_vconv_out_sample(yy - p->k_gu * uu - p->k_gv * vv, p->dst.u16);
    rgb[2] = pxc_vconv_out_sample(yy + p->k_bu * uu, p->dst.u16);
}

/* ---- per output pixel ------------------------------------------------------------------- */

/*
 * A pixel of a one-pass conversion from its taps: luma lx / ly, chroma cx / cy (in the axes'
 * source coordinates; the plan's crop offsets are added here). R, G, B output samples.
 */
PXC_HD void pxc_vconv_onepass(const pxc_vconv_plan *p, const pxc_vconv_taps *lx, const pxc_vconv_taps *ly,
                              const pxc_vconv_taps *cx, const pxc_vconv_taps *cy, uint32_t rgb[3])
{
    const int64_t y = pxc_vconv_filter(&p->src, 0, lx, p->lx0, ly, p->ly0);
    const int64_t u = pxc_vconv_filter(&p->src, 1, cx, p->cx0, cy, p->cy0);
    const int64_t v = pxc_vconv_filter(&p->src, 2, cx, p->cx0, cy, p->cy0);
    pxc_vconv_yuv2rgb(p, y, u, v, rgb);
}

/* The vertical chroma taps of row @p y of a one-pass plan (libswscale's yuv2packed1 rows where they apply). */
PXC_HD void pxc_vconv_chroma_rows(const pxc_vconv_plan *p, int32_t y, pxc_vconv_taps *cy)
{
    if (!p->packed1 || !pxc_vconv_packed1_taps(&p->cy, y, cy)) pxc_vconv_axis_taps(&p->cy, y, cy);
}

/* Output pixel (x, y) of a one-pass plan, its taps computed here (the kernels' path; the same sums as
 * pxc_vconv_onepass, the luma taps' storage reused for the chroma's). */
PXC_HD void pxc_vconv_onepass_pixel(const pxc_vconv_plan *p, int32_t x, int32_t y, uint32_t rgb[3])
{
    pxc_vconv_taps tx, ty;
    x += p->ox;
    y += p->oy;
    pxc_vconv_axis_taps(&p->lx, x, &tx);
    pxc_vconv_axis_taps(&p->ly, y, &ty);
    const int64_t yy = pxc_vconv_filter(&p->src, 0, &tx, p->lx0, &ty, p->ly0);
    pxc_vconv_axis_taps(&p->cx, x, &tx);
    pxc_vconv_chroma_rows(p, y, &ty);
    const int64_t u = pxc_vconv_filter(&p->src, 1, &tx, p->cx0, &ty, p->cy0);
    const int64_t v = pxc_vconv_filter(&p->src, 2, &tx, p->cx0, &ty, p->cy0);
    pxc_vconv_yuv2rgb(p, yy, u, v, rgb);
}

/* Pixel (x, y) of the first pass of a TWOSTAGE plan: computed, or read from the reference's copy. */
PXC_HD void pxc_vconv_stage1(const pxc_vconv_plan *p, int32_t x, int32_t y, uint32_t px[3])
{
    if (p->s1) {
        const uint16_t *q = p->s1 + 3 * ((size_t)(y - p->s1_y0) * (size_t)p->s1_w + (size_t)(x - p->s1_x0));
        px[0] = q[0];
        px[1] = q[1];
        px[2] = q[2];
        return;
    }
    pxc_vconv_onepass_pixel(p, x, y, px);
}

/* BT.601 luma weights of libswscale's RGB input (Q16: 0.299, 0.587, 0.114). */
#define PXC_VCONV_KR 19595
#define PXC_VCONV_KG 38470
#define PXC_VCONV_KB 7471

/*
 * A pixel of a TWOSTAGE plan from its second-pass taps: sx / sy (luma) and scx (chroma; pixel
 * pairs when s_half) over the crop. Every tap's RGB is the first pass's output pixel (the
 * whole-frame conversion, rounded to output samples). libswscale's RGB -> YUV -> RGB round trip
 * is linear, so with luma filter L and chroma filter C each channel c comes out as
 * C(c) + L(Y) - C(Y), Y = 0.299 R + 0.587 G + 0.114 B (C = L without halving: plain L(c)).
 */
PXC_HD void pxc_vconv_twostage(const pxc_vconv_plan *p, const pxc_vconv_taps *sx, const pxc_vconv_taps *sy,
                               const pxc_vconv_taps *scx, uint32_t rgb[3])
{
    int64_t L[3] = {0, 0, 0}, C[3] = {0, 0, 0};
    const int32_t last_x = (int32_t)p->src.width - 1;
    for (int32_t i = 0; i < sy->n; i++) {
        if (!sy->w[i]) continue;
        const int32_t fy = p->s_y0 + sy->first + i;
        int64_t hl[3] = {0, 0, 0}, hc[3] = {0, 0, 0};
        for (int32_t j = 0; j < sx->n; j++) {
            uint32_t px[3];
            pxc_vconv_stage1(p, p->s_x0 + sx->first + j, fy, px);
            for (int c = 0; c < 3; c++) hl[c] += (int64_t)sx->w[j] * px[c];
        }
        if (p->s_half) {
            for (int32_t j = 0; j < scx->n; j++) {
                const int32_t fx = p->s_x0 + 2 * (scx->first + j);
                uint32_t a[3], b[3];
                pxc_vconv_stage1(p, fx, fy, a);
                pxc_vconv_stage1(p, fx + 1 <= last_x ? fx + 1 : last_x, fy, b);
                for (int c = 0; c < 3; c++) hc[c] += (int64_t)scx->w[j] * (a[c] + b[c]);
            }
            for (int c = 0; c < 3; c++) hc[c] = (hc[c] + 1) >> 1;
        }
        for (int c = 0; c < 3; c++) {
            L[c] += hl[c] * sy->w[i];
            C[c] += hc[c] * sy->w[i];
        }
    }
    /* sums in output units with 2 * WBITS fraction bits -> Q16 */
    for (int c = 0; c < 3; c++) {
        L[c] = (L[c] + ((int64_t)1 << (2 * PXC_VCONV_WBITS - 17))) >> (2 * PXC_VCONV_WBITS - 16);
        C[c] = (C[c] + ((int64_t)1 << (2 * PXC_VCONV_WBITS - 17))) >> (2 * PXC_VCONV_WBITS - 16);
    }
    int64_t d = 0;
    if (p->s_half) {
        const int64_t ly = PXC_VCONV_KR * L[0] + PXC_VCONV_KG * L[1] + PXC_VCONV_KB * L[2];
        const int64_t cy = PXC_VCONV_KR * C[0] + PXC_VCONV_KG * C[1] + PXC_VCONV_KB * C[2];
        d = ly - cy; /* Q32 */
    }
    const int64_t maxv = p->dst.u16 ? 65535 : 255;
    for (int c = 0; c < 3; c++) {
        const int64_t q16 = p->s_half ? C[c] * 65536 + d : L[c] * 65536; /* Q32 */
        int64_t r = q16 <= 0 ? 0 : (q16 + ((int64_t)1 << 31)) >> 32;
        rgb[c] = (uint32_t)(r > maxv ? maxv : r);
    }
}

/* Output pixel (x, y) of a TWOSTAGE plan, its second-pass taps computed here (the kernels' path). */
PXC_HD void pxc_vconv_twostage_pixel(const pxc_vconv_plan *p, int32_t x, int32_t y, uint32_t rgb[3])
{
    pxc_vconv_taps sx, sy, scx;
    pxc_vconv_axis_taps(&p->sx, x, &sx);
    pxc_vconv_axis_taps(&p->sy, y, &sy);
    scx.first = scx.n = 0;
    if (p->s_half) pxc_vconv_axis_taps(&p->scx, x, &scx);
    pxc_vconv_twostage(p, &sx, &sy, &scx, rgb);
}

/* Writes R, G, B (and opaque alpha) of output pixel (x, y) in the output's layout. */
PXC_HD void pxc_vconv_store(const pxc_vconv_out *o, uint32_t x, uint32_t y, const uint32_t rgb[3])
{
    const uint32_t a = o->u16 ? 65535u : 255u;
    if (o->planar) {
        for (int c = 0; c < 3; c++) {
            uint8_t *row = o->data + (size_t)c * o->plane_stride + (size_t)y * o->row_stride;
            if (o->u16) ((uint16_t *)(void *)row)[x] = (uint16_t)rgb[c];
            else row[x] = (uint8_t)rgb[c];
        }
        return;
    }
    uint32_t v[4];
    v[0] = rgb[o->bgr ? 2 : 0];
    v[1] = rgb[1];
    v[2] = rgb[o->bgr ? 0 : 2];
    v[3] = a;
    const size_t nch = o->channels;
    uint8_t *row = o->data + (size_t)y * o->row_stride;
    if (o->u16) {
        uint16_t *px = (uint16_t *)(void *)row + (size_t)x * nch;
        for (size_t c = 0; c < nch; c++) px[c] = (uint16_t)v[c];
    } else {
        uint8_t *px = row + (size_t)x * nch;
        for (size_t c = 0; c < nch; c++) px[c] = (uint8_t)v[c];
    }
}

/* ---- surface resize --------------------------------------------------------------------- */

/* Rounds a Q16 value in 16-bit units to a b-bit sample and stores it MSB-aligned (16-bit formats) or as is. */
PXC_HD void pxc_vresize_put(const pxc_vconv_surface *s, int plane, size_t idx, uint32_t y, int64_t q16)
{
    const int b = (int)s->bit_depth;
    const int64_t maxv = ((int64_t)1 << b) - 1;
    int64_t v = (q16 + ((int64_t)1 << (16 + 16 - b - 1))) >> (16 + 16 - b);
    v = v < 0 ? 0 : (v > maxv ? maxv : v);
    uint8_t *row = (uint8_t *)(uintptr_t)s->planes[plane] + (size_t)y * s->pitch[plane];
    if (pxc_vconv_is16(s->format)) ((uint16_t *)(void *)row)[idx] = (uint16_t)(v << (16 - b));
    else row[idx] = (uint8_t)v;
}

/* Luma sample (x, y) of a resize, from its taps. */
PXC_HD void pxc_vresize_luma(const pxc_vresize_plan *p, uint32_t x, uint32_t y, const pxc_vconv_taps *tx,
                             const pxc_vconv_taps *ty)
{
    pxc_vresize_put(&p->dst, 0, x, y, pxc_vconv_filter(&p->src, 0, tx, p->lx0, ty, p->ly0));
}

/* Chroma sample (x, y) (chroma coordinates) of a resize, both components, from its taps. */
PXC_HD void pxc_vresize_chroma(const pxc_vresize_plan *p, uint32_t x, uint32_t y, const pxc_vconv_taps *tx,
                               const pxc_vconv_taps *ty)
{
    const int64_t u = pxc_vconv_filter(&p->src, 1, tx, p->cx0, ty, p->cy0);
    const int64_t v = pxc_vconv_filter(&p->src, 2, tx, p->cx0, ty, p->cy0);
    if (pxc_vconv_is420(p->dst.format)) {
        pxc_vresize_put(&p->dst, 1, 2 * (size_t)x, y, u);
        pxc_vresize_put(&p->dst, 1, 2 * (size_t)x + 1, y, v);
    } else {
        pxc_vresize_put(&p->dst, 1, x, y, u);
        pxc_vresize_put(&p->dst, 2, x, y, v);
    }
}

#endif /* PXC_VIDEO_GPU_VCONV_MATH_H */
