/*
 * Arithmetic of the GPU JPEG decoder's stages after entropy decoding, shared
 * by the CUDA kernels (decode_kernels.cu) and their CPU reference
 * (decode_ref.c):
 *
 *   dequantisation + inverse DCT of each 8x8 block into per-component u8
 *   planes, then for each output pixel upsampling of every component and
 *   colour conversion into the output colour space.
 *
 * Every result is bit-exact with libjpeg-turbo's jpeg_read_scanlines using
 * dct_method JDCT_ISLOW (jidctint.c, its C code) and do_fancy_upsampling
 * TRUE or FALSE (jdsample.c, jdmerge.c, jdcolor.c).
 *
 * All functions are PXC_HD (see cuda/hd.h): plain C that is also C++.
 */
#ifndef PXC_JPEG_GPU_DECODE_MATH_H
#define PXC_JPEG_GPU_DECODE_MATH_H

#include <stddef.h>
#include <stdint.h>

#include "codecs/jpeg/gpu/coefs.h"
#include "cuda/hd.h"

/* ---- types -------------------------------------------------------------- */

/* Output colour spaces of the decoder (what src/codecs/jpeg/turbo.c asks libjpeg to produce). */
typedef enum pxc_jpeg_out_space {
    PXC_JPEG_OUT_GRAY = 0,  /* 1 sample: from a gray or YCbCr JPEG (Y), or from RGB-stored (libjpeg's luma) */
    PXC_JPEG_OUT_RGB = 1,   /* 3 samples R, G, B: from YCbCr, RGB-stored or gray */
    PXC_JPEG_OUT_BGR = 2,   /* 3 samples B, G, R */
    PXC_JPEG_OUT_RGBA = 3,  /* 4 samples R, G, B, 255 */
    PXC_JPEG_OUT_BGRA = 4,  /* 4 samples B, G, R, 255 */
    PXC_JPEG_OUT_YCBCR = 5, /* 3 samples: the upsampled planes of a YCbCr JPEG as stored */
    PXC_JPEG_OUT_CMYK = 6   /* 4 samples: CMYK as stored, or converted from YCCK */
} pxc_jpeg_out_space;

#define PXC_JPEG_OUT_SPACE_COUNT 7

/* One component's decoded samples (u8, after the IDCT), as the upsampler reads them. */
typedef struct pxc_jpeg_plane {
    const uint8_t *data;    /* row 0, column 0; host or device memory */
    size_t stride;          /* bytes between rows */
    uint32_t width, height; /* samples that belong to the image (libjpeg's downsampled_width/height);
                             * the plane may hold more (whole blocks), which are never read */
    int h_samp, v_samp;     /* sampling factors (1..4) */
} pxc_jpeg_plane;

/* All decoded component planes of an image plus what the per-pixel stage needs to know. */
typedef struct pxc_jpeg_planes {
    int num_components;             /* 1, 3 or 4 */
    pxc_jpeg_colorspace colorspace; /* how the components map to colours */
    int max_h_samp, max_v_samp;     /* largest sampling factors over the components */
    pxc_jpeg_plane comp[PXC_JPEG_MAX_COMPONENTS];
} pxc_jpeg_planes;

/* One component of an image on the GPU: DEVICE pointers and geometry, for the kernels' launcher. */
typedef struct pxc_jpeg_gpu_component {
    const int16_t *coef;     /* blocks_h rows of blocks_w blocks of 64 natural-order coefficients */
    const uint16_t *quant;   /* 64 quantisation values, natural order */
    uint8_t *plane;          /* IDCT output: blocks_h * 8 rows of plane_stride bytes */
    size_t plane_stride;     /* bytes between plane rows, >= blocks_w * 8 */
    uint32_t blocks_w;       /* blocks per row of coef (the padded MCU grid) */
    uint32_t blocks_h;       /* rows of blocks of coef */
    uint32_t width, height;  /* real samples of the component (see pxc_jpeg_plane) */
    int h_samp, v_samp;      /* sampling factors */
} pxc_jpeg_gpu_component;

/* A whole image to decode on the GPU (coefficients -> interleaved u8 pixels); plain C. */
typedef struct pxc_jpeg_gpu_image {
    uint32_t width, height;         /* output pixels */
    int num_components;             /* 1, 3 or 4 */
    pxc_jpeg_colorspace colorspace;
    int max_h_samp, max_v_samp;
    pxc_jpeg_gpu_component comp[PXC_JPEG_MAX_COMPONENTS];
    uint8_t *out;                   /* DEVICE: height rows of out_stride bytes */
    size_t out_stride;              /* >= width * pxc_jpeg_out_channels(space) */
    pxc_jpeg_out_space space;
    int fancy;                      /* nonzero: libjpeg's do_fancy_upsampling TRUE */
} pxc_jpeg_gpu_image;

/* ---- dequantisation + inverse DCT (jidctint.c, JDCT_ISLOW) --------------- */

/* libjpeg's output range limit for the IDCT (8-bit): the low 10 bits of v as a signed value, plus
 * 128, clamped to 0..255 (sample_range_limit + CENTERJSAMPLE indexed with v & RANGE_MASK). */
PXC_HD uint8_t pxc_jpeg_idct_range(uint32_t v)
{
    int32_t s = (int32_t)(v & 1023u);
    if (s >= 512) s -= 1024;
    s += 128;
    return (uint8_t)(s < 0 ? 0 : (s > 255 ? 255 : s));
}

/* Dequantises one coefficient as libjpeg-turbo does (ISLOW_MULT_TYPE is a 16-bit short in its
 * SIMD builds, so quantisers above 32767 act as negative numbers). */
PXC_HD int32_t pxc_jpeg_dequant(int16_t coef, uint16_t q)
{
    int32_t qs = q > 32767u ? (int32_t)q - 65536 : (int32_t)q;
    return (int32_t)coef * qs;
}

/* The low 32 bits of v as a signed value (libjpeg's (int) cast of a JLONG). */
PXC_HD int32_t pxc_jpeg_wrap32(int64_t v)
{
    uint32_t u = (uint32_t)(uint64_t)v;
    return u > 0x7fffffffu ? (int32_t)(u - 0x80000000u) - 0x7fffffff - 1 : (int32_t)u;
}

/* DESCALE of pass 1: round and shift right by CONST_BITS - PASS1_BITS = 11, then (int). */
PXC_HD int32_t pxc_jpeg_idct_descale1(int64_t x)
{
    return pxc_jpeg_wrap32((x + ((int64_t)1 << 10)) >> 11);
}

/*
 * Pass 1 of jpeg_idct_islow for column @p col (0..7) of one block: dequantises the column and
 * writes its 8 intermediate values to ws[row * 8 + col]. 64-bit arithmetic like libjpeg's JLONG,
 * so even absurd coefficients give libjpeg's result.
 */
PXC_HD void pxc_jpeg_idct_col(const int16_t *coef, const uint16_t *quant, int col, int32_t *ws)
{
    const int16_t *in = coef + col;
    const uint16_t *q = quant + col;
    int32_t *w = ws + col;
    if (in[8] == 0 && in[16] == 0 && in[24] == 0 && in[32] == 0 && in[40] == 0 && in[48] == 0 &&
        in[56] == 0) {
        /* AC terms all zero: the column is its DC value times 2^PASS1_BITS */
        int32_t dc = pxc_jpeg_wrap32((int64_t)pxc_jpeg_dequant(in[0], q[0]) * 4);
        for (int r = 0; r < 8; r++) w[r * 8] = dc;
        return;
    }
    /* even part */
    int64_t z2 = pxc_jpeg_dequant(in[16], q[16]);
    int64_t z3 = pxc_jpeg_dequant(in[48], q[48]);
    int64_t z1 = (z2 + z3) * 4433;          /* FIX_0_541196100 */
    int64_t tmp2 = z1 - z3 * 15137;         /* FIX_1_847759065 */
    int64_t tmp3 = z1 + z2 * 6270;          /* FIX_0_765366865 */
    z2 = pxc_jpeg_dequant(in[0], q[0]);
    z3 = pxc_jpeg_dequant(in[32], q[32]);
    int64_t tmp0 = (z2 + z3) * 8192;        /* << CONST_BITS */
    int64_t tmp1 = (z2 - z3) * 8192;
    int64_t tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3;
    int64_t tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    /* odd part */
    tmp0 = pxc_jpeg_dequant(in[56], q[56]);
    tmp1 = pxc_jpeg_dequant(in[40], q[40]);
    tmp2 = pxc_jpeg_dequant(in[24], q[24]);
    tmp3 = pxc_jpeg_dequant(in[8], q[8]);
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    int64_t z4 = tmp1 + tmp3;
    int64_t z5 = (z3 + z4) * 9633;          /* FIX_1_175875602 */
    tmp0 = tmp0 * 2446;                     /* FIX_0_298631336 */
    tmp1 = tmp1 * 16819;                    /* FIX_2_053119869 */
    tmp2 = tmp2 * 25172;                    /* FIX_3_072711026 */
    tmp3 = tmp3 * 12299;                    /* FIX_1_501321110 */
    z1 = z1 * -7373;                        /* FIX_0_899976223 */
    z2 = z2 * -20995;                       /* FIX_2_562915447 */
    z3 = z3 * -16069;                       /* FIX_1_961570560 */
    z4 = z4 * -3196;                        /* FIX_0_390180644 */
    z3 += z5;
    z4 += z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    w[0 * 8] = pxc_jpeg_idct_descale1(tmp10 + tmp3);
    w[7 * 8] = pxc_jpeg_idct_descale1(tmp10 - tmp3);
    w[1 * 8] = pxc_jpeg_idct_descale1(tmp11 + tmp2);
    w[6 * 8] = pxc_jpeg_idct_descale1(tmp11 - tmp2);
    w[2 * 8] = pxc_jpeg_idct_descale1(tmp12 + tmp1);
    w[5 * 8] = pxc_jpeg_idct_descale1(tmp12 - tmp1);
    w[3 * 8] = pxc_jpeg_idct_descale1(tmp13 + tmp0);
    w[4 * 8] = pxc_jpeg_idct_descale1(tmp13 - tmp0);
}

/* Final descale of pass 2 (by CONST_BITS + PASS1_BITS + 3 = 18) and range limit. The result
 * depends only on bits 0..27 of x, so 32-bit wrapping arithmetic gives libjpeg's 64-bit result. */
PXC_HD uint8_t pxc_jpeg_idct_descale2(uint32_t x)
{
    return pxc_jpeg_idct_range((x + (1u << 17)) >> 18);
}

/*
 * Pass 2 of jpeg_idct_islow for one row: reads the 8 intermediate values ws[0..7] of the row
 * and writes its 8 output samples to out[0..7].
 */
PXC_HD void pxc_jpeg_idct_row(const int32_t *ws, uint8_t *out)
{
    uint32_t w[8];
    for (int i = 0; i < 8; i++) w[i] = (uint32_t)ws[i];
    if ((w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) == 0) {
        /* AC terms all zero (libjpeg's zero-row shortcut, the same value as the full path) */
        uint8_t v = pxc_jpeg_idct_range((w[0] + 16u) >> 5);
        for (int i = 0; i < 8; i++) out[i] = v;
        return;
    }
    /* even part */
    uint32_t z2 = w[2], z3 = w[6];
    uint32_t z1 = (z2 + z3) * 4433u;
    uint32_t tmp2 = z1 - z3 * 15137u;
    uint32_t tmp3 = z1 + z2 * 6270u;
    uint32_t tmp0 = (w[0] + w[4]) * 8192u;
    uint32_t tmp1 = (w[0] - w[4]) * 8192u;
    uint32_t tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3;
    uint32_t tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    /* odd part */
    tmp0 = w[7];
    tmp1 = w[5];
    tmp2 = w[3];
    tmp3 = w[1];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    uint32_t z4 = tmp1 + tmp3;
    uint32_t z5 = (z3 + z4) * 9633u;
    tmp0 *= 2446u;
    tmp1 *= 16819u;
    tmp2 *= 25172u;
    tmp3 *= 12299u;
    z1 = 0u - z1 * 7373u;
    z2 = 0u - z2 * 20995u;
    z3 = 0u - z3 * 16069u;
    z4 = 0u - z4 * 3196u;
    z3 += z5;
    z4 += z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    out[0] = pxc_jpeg_idct_descale2(tmp10 + tmp3);
    out[7] = pxc_jpeg_idct_descale2(tmp10 - tmp3);
    out[1] = pxc_jpeg_idct_descale2(tmp11 + tmp2);
    out[6] = pxc_jpeg_idct_descale2(tmp11 - tmp2);
    out[2] = pxc_jpeg_idct_descale2(tmp12 + tmp1);
    out[5] = pxc_jpeg_idct_descale2(tmp12 - tmp1);
    out[3] = pxc_jpeg_idct_descale2(tmp13 + tmp0);
    out[4] = pxc_jpeg_idct_descale2(tmp13 - tmp0);
}

/* Dequantises and inverse-DCTs one 8x8 block (64 natural-order coefficients and quantisers) into
 * 8 rows of 8 samples at out, out + out_stride, ... (libjpeg-turbo's jpeg_idct_islow). */
PXC_HD void pxc_jpeg_idct_block(const int16_t *coef, const uint16_t *quant, uint8_t *out, size_t out_stride)
{
    int32_t ws[64];
    for (int c = 0; c < 8; c++) pxc_jpeg_idct_col(coef, quant, c, ws);
    for (int r = 0; r < 8; r++) pxc_jpeg_idct_row(ws + r * 8, out + (size_t)r * out_stride);
}

/* ---- upsampling (jdsample.c, jdmerge.c) ----------------------------------- */

/*
 * The value of component plane @p p at output pixel (x, y) after libjpeg's upsampling:
 *  - full size: the sample itself;
 *  - fancy, 2:1 horizontal (h2v1) or 2:1 both (h2v2), component more than 2 samples wide: the
 *    triangle filters of h2v1_fancy_upsample / h2v2_fancy_upsample (3/4 nearer + 1/4 further,
 *    biases 1,2 resp. 8,7; the first and last columns special-cased);
 *  - fancy, 2:1 vertical only (h1v2): h1v2_fancy_upsample (biases 1 above, 2 below);
 *  - else replication (h2v1_upsample, h2v2_upsample, int_upsample; the merged upsampler used for
 *    non-fancy h2v1/h2v2 YCbCr->RGB replicates too).
 * Rows above the first and below the last real row are copies of those rows (jdmainct.c's context
 * rows). max_h / max_v must be multiples of the component's factors.
 */
PXC_HD int pxc_jpeg_upsample(const pxc_jpeg_plane *p, int max_h, int max_v, uint32_t x, uint32_t y, int fancy)
{
    const uint32_t hx = (uint32_t)(max_h / p->h_samp), vy = (uint32_t)(max_v / p->v_samp);
    const uint32_t sx = x / hx, sy = y / vy;
    const uint8_t *row = p->data + (size_t)sy * p->stride;
    if (hx == 1 && vy == 1) return row[sx];
    if (!fancy) return row[sx];
    if (hx == 2 && vy == 1) {
        if (p->width <= 2) return row[sx];
        const int s = row[sx];
        if (x & 1u) return sx + 1 >= p->width ? s : (3 * s + row[sx + 1] + 2) >> 2;
        return sx == 0 ? s : (3 * s + row[sx - 1] + 1) >> 2;
    }
    if (vy == 2 && (hx == 1 || (hx == 2 && p->width > 2))) {
        /* next-nearest row: above for the upper output row, below for the lower one */
        uint32_t ny;
        if (y & 1u) ny = sy + 1 >= p->height ? sy : sy + 1;
        else ny = sy == 0 ? 0 : sy - 1;
        const uint8_t *nrow = p->data + (size_t)ny * p->stride;
        if (hx == 1) return (3 * row[sx] + nrow[sx] + ((y & 1u) ? 2 : 1)) >> 2;
        const int this_sum = 3 * row[sx] + nrow[sx];
        if (x & 1u) {
            if (sx + 1 >= p->width) return (this_sum * 4 + 7) >> 4;
            return (this_sum * 3 + 3 * row[sx + 1] + nrow[sx + 1] + 7) >> 4;
        }
        if (sx == 0) return (this_sum * 4 + 8) >> 4;
        return (this_sum * 3 + 3 * row[sx - 1] + nrow[sx - 1] + 8) >> 4;
    }
    return row[sx];
}

/* ---- colour conversion (jdcolor.c, jdmerge.c) --------------------------- */

/* Samples per pixel of an output space. */
PXC_HD int pxc_jpeg_out_channels(pxc_jpeg_out_space s)
{
    switch (s) {
    case PXC_JPEG_OUT_GRAY: return 1;
    case PXC_JPEG_OUT_RGB:
    case PXC_JPEG_OUT_BGR:
    case PXC_JPEG_OUT_YCBCR: return 3;
    case PXC_JPEG_OUT_RGBA:
    case PXC_JPEG_OUT_BGRA:
    case PXC_JPEG_OUT_CMYK: return 4;
    }
    return 0;
}

/* Components a JPEG colour space has (0 for an unknown value). */
PXC_HD int pxc_jpeg_colorspace_components(pxc_jpeg_colorspace cs)
{
    switch (cs) {
    case PXC_JPEG_CS_GRAY: return 1;
    case PXC_JPEG_CS_YCBCR:
    case PXC_JPEG_CS_RGB: return 3;
    case PXC_JPEG_CS_CMYK:
    case PXC_JPEG_CS_YCCK: return 4;
    }
    return 0;
}

/* Whether libjpeg converts JPEG colour space @p cs to output space @p s (1) or refuses (0). */
PXC_HD int pxc_jpeg_out_space_ok(pxc_jpeg_colorspace cs, pxc_jpeg_out_space s)
{
    switch (s) {
    case PXC_JPEG_OUT_GRAY:
        return cs == PXC_JPEG_CS_GRAY || cs == PXC_JPEG_CS_YCBCR || cs == PXC_JPEG_CS_RGB;
    case PXC_JPEG_OUT_RGB:
    case PXC_JPEG_OUT_BGR:
    case PXC_JPEG_OUT_RGBA:
    case PXC_JPEG_OUT_BGRA:
        return cs == PXC_JPEG_CS_GRAY || cs == PXC_JPEG_CS_YCBCR || cs == PXC_JPEG_CS_RGB;
    case PXC_JPEG_OUT_YCBCR: return cs == PXC_JPEG_CS_YCBCR;
    case PXC_JPEG_OUT_CMYK: return cs == PXC_JPEG_CS_CMYK || cs == PXC_JPEG_CS_YCCK;
    }
    return 0;
}

/*
 * Whether the per-pixel stage can handle @p p in space @p s: a known colour space with its
 * number of components, factors 1..4 that divide the maximum factors (libjpeg refuses others with
 * JERR_FRACT_SAMPLE_NOTIMPL) and a conversion libjpeg offers. Returns 1 when it can, 0 if not.
 */
PXC_HD int pxc_jpeg_planes_ok(const pxc_jpeg_planes *p, pxc_jpeg_out_space s)
{
    if (p->num_components < 1 || p->num_components > PXC_JPEG_MAX_COMPONENTS) return 0;
    if (pxc_jpeg_colorspace_components(p->colorspace) != p->num_components) return 0;
    if (!pxc_jpeg_out_space_ok(p->colorspace, s)) return 0;
    int mh = 0, mv = 0;
    for (int c = 0; c < p->num_components; c++) {
        const pxc_jpeg_plane *pl = &p->comp[c];
        if (pl->h_samp < 1 || pl->h_samp > 4 || pl->v_samp < 1 || pl->v_samp > 4) return 0;
        if (pl->width == 0 || pl->height == 0 || !pl->data) return 0;
        mh = pl->h_samp > mh ? pl->h_samp : mh;
        mv = pl->v_samp > mv ? pl->v_samp : mv;
    }
    if (mh != p->max_h_samp || mv != p->max_v_samp) return 0;
    for (int c = 0; c < p->num_components; c++)
        if (mh % p->comp[c].h_samp != 0 || mv % p->comp[c].v_samp != 0) return 0;
    return 1;
}

/* Clamps to 0..255 (libjpeg's sample_range_limit). */
PXC_HD uint8_t pxc_jpeg_clamp255(int v)
{
    return (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v));
}

/* Arithmetic right shift by 16 of a value above -2^24, defined in C for negative values. */
PXC_HD int pxc_jpeg_shr16(int32_t v)
{
    return (int)(((uint32_t)(v + (256 << 16))) >> 16) - 256;
}

/* The red, green and blue offsets libjpeg adds to Y for chroma cb, cr (build_ycc_rgb_table:
 * SCALEBITS 16, FIX(1.402) = 91881, FIX(1.772) = 116130, FIX(0.71414) = 46802, FIX(0.34414) = 22554). */
PXC_HD void pxc_jpeg_ycc_offsets(int cb, int cr, int *dr, int *dg, int *db)
{
    const int32_t xb = cb - 128, xr = cr - 128;
    *dr = pxc_jpeg_shr16(91881 * xr + 32768);
    *db = pxc_jpeg_shr16(116130 * xb + 32768);
    *dg = pxc_jpeg_shr16(-46802 * xr + (-22554 * xb + 32768));
}

/*
 * Writes the output samples of pixel (x, y) to out[0 .. pxc_jpeg_out_channels(s) - 1]: every
 * component upsampled with pxc_jpeg_upsample, then converted as libjpeg's colour deconverter
 * (jdcolor.c: ycc_rgb_convert, rgb_gray_convert, gray_rgb_convert, rgb_rgb_convert,
 * ycck_cmyk_convert, null_convert, grayscale_convert; the merged upsampler gives the same values).
 * @p p must pass pxc_jpeg_planes_ok for @p s.
 */
PXC_HD void pxc_jpeg_pixel(const pxc_jpeg_planes *p, uint32_t x, uint32_t y, pxc_jpeg_out_space s, int fancy,
                           uint8_t *out)
{
    const int mh = p->max_h_samp, mv = p->max_v_samp;
    const int c0 = pxc_jpeg_upsample(&p->comp[0], mh, mv, x, y, fancy);
    if (p->colorspace == PXC_JPEG_CS_GRAY) {
        if (s == PXC_JPEG_OUT_GRAY) {
            out[0] = (uint8_t)c0;
            return;
        }
        out[0] = out[1] = out[2] = (uint8_t)c0;
        if (s == PXC_JPEG_OUT_RGBA || s == PXC_JPEG_OUT_BGRA) out[3] = 255;
        return;
    }
    if (s == PXC_JPEG_OUT_GRAY && p->colorspace == PXC_JPEG_CS_YCBCR) {
        out[0] = (uint8_t)c0;
        return;
    }
    const int c1 = pxc_jpeg_upsample(&p->comp[1], mh, mv, x, y, fancy);
    const int c2 = pxc_jpeg_upsample(&p->comp[2], mh, mv, x, y, fancy);
    if (s == PXC_JPEG_OUT_CMYK) {
        const int c3 = pxc_jpeg_upsample(&p->comp[3], mh, mv, x, y, fancy);
        if (p->colorspace == PXC_JPEG_CS_YCCK) {
            int dr, dg, db;
            pxc_jpeg_ycc_offsets(c1, c2, &dr, &dg, &db);
            out[0] = pxc_jpeg_clamp255(255 - (c0 + dr));
            out[1] = pxc_jpeg_clamp255(255 - (c0 + dg));
            out[2] = pxc_jpeg_clamp255(255 - (c0 + db));
        } else {
            out[0] = (uint8_t)c0;
            out[1] = (uint8_t)c1;
            out[2] = (uint8_t)c2;
        }
        out[3] = (uint8_t)c3;
        return;
    }
    if (s == PXC_JPEG_OUT_YCBCR) {
        out[0] = (uint8_t)c0;
        out[1] = (uint8_t)c1;
        out[2] = (uint8_t)c2;
        return;
    }
    int r, g, b;
    if (p->colorspace == PXC_JPEG_CS_YCBCR) {
        int dr, dg, db;
        pxc_jpeg_ycc_offsets(c1, c2, &dr, &dg, &db);
        r = pxc_jpeg_clamp255(c0 + dr);
        g = pxc_jpeg_clamp255(c0 + dg);
        b = pxc_jpeg_clamp255(c0 + db);
    } else {
        r = c0;
        g = c1;
        b = c2;
    }
    if (s == PXC_JPEG_OUT_GRAY) {
        /* rgb_gray_convert: FIX(0.299) = 19595, FIX(0.587) = 38470, FIX(0.114) = 7471 */
        out[0] = (uint8_t)((19595 * r + 38470 * g + 7471 * b + 32768) >> 16);
        return;
    }
    if (s == PXC_JPEG_OUT_BGR || s == PXC_JPEG_OUT_BGRA) {
        out[0] = (uint8_t)b;
        out[1] = (uint8_t)g;
        out[2] = (uint8_t)r;
    } else {
        out[0] = (uint8_t)r;
        out[1] = (uint8_t)g;
        out[2] = (uint8_t)b;
    }
    if (s == PXC_JPEG_OUT_RGBA || s == PXC_JPEG_OUT_BGRA) out[3] = 255;
}

/* ---- the CUDA launcher (decode_kernels.cu; defined only in builds with CUDA) ---- */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Enqueues on @p cuda_stream (a cudaStream_t; NULL: the default stream) the decode of @p img:
 * one kernel for the IDCT of every block of every component into its plane, then one for the
 * upsampling and colour conversion of every output pixel. All pointers in @p img are device
 * pointers; the function allocates and synchronises nothing. Returns 0 (cudaSuccess) or a
 * cudaError_t value: cudaErrorInvalidValue for an image the kernels cannot handle (see
 * pxc_jpeg_planes_ok), else the launch error from cudaGetLastError.
 */
int pxc_jpeg_cuda_decode_launch(const pxc_jpeg_gpu_image *img, void *cuda_stream);

#ifdef __cplusplus
}
#endif

#endif /* PXC_JPEG_GPU_DECODE_MATH_H */
