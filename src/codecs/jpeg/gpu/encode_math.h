/*
 * Arithmetic of the GPU JPEG encoder's stages, shared by the CUDA kernels
 * (encode_kernels.cu) and their CPU reference (encode_ref.c): colour
 * conversion, downsampling with libjpeg's edge expansion, the accurate integer
 * forward DCT and quantisation. Every function reproduces libjpeg-turbo's
 * compressor bit for bit (jccolor.c, jcsample.c, jcprepct.c, jccoefct.c,
 * jfdctint.c, jcdctmgr.c with its SIMD quantiser), so that the coefficients
 * equal what jpeg_write_scanlines would code for the same image and settings.
 *
 * Also defines pxc_jpeg_gpu_enc_image, the plain C description of one encode
 * (pointers are device pointers for the kernels, host pointers for the
 * reference), and declares the kernel launcher.
 */
#ifndef PXC_JPEG_GPU_ENCODE_MATH_H
#define PXC_JPEG_GPU_ENCODE_MATH_H

#include <stddef.h>
#include <stdint.h>

#include "codecs/jpeg/gpu/coefs.h"
#include "cuda/hd.h"

/* One component of an encode: where its samples and coefficients go. */
typedef struct pxc_jpeg_gpu_enc_comp {
    uint8_t *plane;            /* downsampled samples: height_in_blocks * 8 rows of
                                * width_in_blocks * 8 samples (rows plane_stride bytes apart) */
    size_t plane_stride;       /* bytes between rows of plane, >= width_in_blocks * 8 */
    int16_t *coef;             /* padded_blocks_h rows of padded_blocks_w blocks of 64 coefficients,
                                * natural order (the layout of pxc_jpeg_component.coef) */
    const uint16_t *quant;     /* 64 quantisation steps, natural order (1..255 for baseline) */
    int h_samp, v_samp;        /* sampling factors */
    uint32_t width_in_blocks;  /* blocks that hold image samples (libjpeg's width_in_blocks) */
    uint32_t height_in_blocks;
    uint32_t padded_blocks_w;  /* blocks of the MCU grid (whole MCUs) */
    uint32_t padded_blocks_h;
} pxc_jpeg_gpu_enc_comp;

/* One image to encode: the input pixels and its components (1: gray, 3: YCbCr). */
typedef struct pxc_jpeg_gpu_enc_image {
    const uint8_t *pixels;     /* u8 interleaved input, rows stride bytes apart */
    size_t stride;
    uint32_t width, height;
    int in_channels;           /* 1 gray, 3 RGB/BGR, 4 RGBA/BGRA (alpha ignored) */
    int bgr;                   /* 3 or 4 channels stored B, G, R(, A) */
    int num_components;        /* 1 (gray output) or 3 (YCbCr output) */
    int max_h_samp, max_v_samp;
    pxc_jpeg_gpu_enc_comp comp[3];
} pxc_jpeg_gpu_enc_image;

/* The reciprocal quantiser of one coefficient, as jcdctmgr.c compute_reciprocal makes it for
 * 16-bit DCTELEMs (libjpeg-turbo built with SIMD, as on x86 and Arm). */
typedef struct pxc_jpeg_qdiv {
    uint32_t recip;  /* reciprocal of the divisor, scaled by 2^shift */
    uint32_t corr;   /* rounding correction added to |coefficient| first */
    int shift;       /* total right shift of the product */
} pxc_jpeg_qdiv;

#ifdef __cplusplus
extern "C" {
#endif
/* Queues the encode kernels for img (colour conversion + downsampling into the planes, then
 * forward DCT + quantisation into the coefficient buffers) on the CUDA stream cuda_stream
 * (a cudaStream_t, NULL for the default stream). All pointers in img are device pointers;
 * nothing is allocated or synchronised. Returns the cudaError_t of the launches (0: queued). */
int pxc_jpeg_cuda_encode_launch(const pxc_jpeg_gpu_enc_image *img, void *cuda_stream);
#ifdef __cplusplus
}
#endif

/* ---- colour conversion (jccolor.c rgb_ycc_convert / rgb_gray_convert) ---- */

/* Component ci (0 Y, 1 Cb, 2 Cr) of one RGB pixel with libjpeg's fixed-point tables (SCALEBITS 16;
 * each table entry is FIX(coef) * value, so multiplying on the fly gives the same sums). Y is
 * also what rgb_gray_convert makes for gray output. */
PXC_HD int pxc_jpeg_rgb_to_ycc(int r, int g, int b, int ci)
{
    const int32_t one_half = (int32_t)1 << 15;
    const int32_t cbcr_offset = (int32_t)128 << 16;
    int32_t v;
    if (ci == 0)
        v = 19595 * r + 38470 * g + 7471 * b + one_half;                        /* 0.299, 0.587, 0.114 */
    else if (ci == 1)
        v = -11059 * r - 21709 * g + 32768 * b + cbcr_offset + one_half - 1;   /* -0.16874, -0.33126, 0.5 */
    else
        v = 32768 * r - 27439 * g - 5329 * b + cbcr_offset + one_half - 1;     /* 0.5, -0.41869, -0.08131 */
    return (int)(v >> 16);
}

/* Component ci of the input pixel (x, y), both inside the image: the gray sample itself for
 * one-channel input, else the colour conversion of its R, G, B. */
PXC_HD int pxc_jpeg_enc_pixel(const pxc_jpeg_gpu_enc_image *img, uint32_t x, uint32_t y, int ci)
{
    const uint8_t *p = img->pixels + (size_t)y * img->stride + (size_t)x * (size_t)img->in_channels;
    if (img->in_channels == 1) return p[0];
    int r = img->bgr ? p[2] : p[0];
    int g = p[1];
    int b = img->bgr ? p[0] : p[2];
    return pxc_jpeg_rgb_to_ycc(r, g, b, ci);
}

/* ---- downsampling and edge expansion (jcsample.c, jcprepct.c) ---- */

/* Sample (x, y) of component ci's plane, for x < width_in_blocks * 8 and y < height_in_blocks * 8.
 *
 * Edge expansion as libjpeg does it: input columns past the image repeat the last column
 * (expand_right_edge); the last row group of max_v_samp input rows repeats the last row
 * (jcprepct.c pads the conversion buffer), and component rows after the last downsampled row
 * group repeat that group's last row (jcprepct.c pads the iMCU row).
 *
 * Downsampling selected as jinit_downsampler does (smoothing off): full size copies; half width
 * (h2v1) averages 2 samples with bias 0, 1 alternating; half width and height (h2v2) averages
 * 4 samples with bias 1, 2 alternating; other integral factors (int_downsample) average
 * h_expand * v_expand samples rounding by half of their count. */
PXC_HD int pxc_jpeg_enc_sample(const pxc_jpeg_gpu_enc_image *img, int ci, uint32_t x, uint32_t y)
{
    const pxc_jpeg_gpu_enc_comp *c = &img->comp[ci];
    const uint32_t he = (uint32_t)(img->max_h_samp / c->h_samp);
    const uint32_t ve = (uint32_t)(img->max_v_samp / c->v_samp);
    /* rows the downsampler produced: one group of v_samp rows per max_v_samp input rows */
    const uint32_t groups = (img->height + (uint32_t)img->max_v_samp - 1) / (uint32_t)img->max_v_samp;
    const uint32_t rows_made = groups * (uint32_t)c->v_samp;
    if (y >= rows_made) y = rows_made - 1;
    int32_t sum = 0;
    for (uint32_t dy = 0; dy < ve; dy++) {
        uint32_t py = y * ve + dy;
        if (py >= img->height) py = img->height - 1;
        for (uint32_t dx = 0; dx < he; dx++) {
            uint32_t px = x * he + dx;
            if (px >= img->width) px = img->width - 1;
            sum += pxc_jpeg_enc_pixel(img, px, py, ci);
        }
    }
    if (he == 1 && ve == 1) return (int)sum;                          /* fullsize_downsample */
    if (he == 2 && ve == 1) return (int)((sum + (int32_t)(x & 1)) >> 1);        /* h2v1: bias 0,1 */
    if (he == 2 && ve == 2) return (int)((sum + ((x & 1) ? 2 : 1)) >> 2);       /* h2v2: bias 1,2 */
    const int32_t numpix = (int32_t)(he * ve);                        /* int_downsample */
    return (int)((sum + numpix / 2) / numpix);
}

/* ---- forward DCT (jfdctint.c jpeg_fdct_islow) ---- */

#define PXC_JFDCT_CONST_BITS 13
#define PXC_JFDCT_PASS1_BITS 2
/* libjpeg's DESCALE: right shift by n rounding half up (arithmetic shift). */
#define PXC_JFDCT_DESCALE(x, n) (((x) + ((int32_t)1 << ((n) - 1))) >> (n))

/* One 1-D pass of libjpeg's accurate integer forward DCT over the 8 values d[0], d[step], ...,
 * d[7 * step], in place. Pass 1 (rows, first) scales the results up by 2^PASS1_BITS and keeps them
 * as 16-bit values, as libjpeg-turbo's DCTELEM (they always fit); pass 2 (columns) removes that
 * scaling again. */
PXC_HD void pxc_jpeg_fdct_pass(int32_t *d, int step, int first)
{
    const int cb = PXC_JFDCT_CONST_BITS, p1 = PXC_JFDCT_PASS1_BITS;
    const int32_t tmp0 = d[0] + d[7 * step], tmp7 = d[0] - d[7 * step];
    const int32_t tmp1 = d[step] + d[6 * step], tmp6 = d[step] - d[6 * step];
    const int32_t tmp2 = d[2 * step] + d[5 * step], tmp5 = d[2 * step] - d[5 * step];
    const int32_t tmp3 = d[3 * step] + d[4 * step], tmp4 = d[3 * step] - d[4 * step];
    const int32_t tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3;
    const int32_t tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
    const int n = first ? cb - p1 : cb + p1; /* descaling of the multiplied outputs */
    int32_t o[8];

    /* even part */
    o[0] = first ? (tmp10 + tmp11) * (1 << p1) : PXC_JFDCT_DESCALE(tmp10 + tmp11, p1);
    o[4] = first ? (tmp10 - tmp11) * (1 << p1) : PXC_JFDCT_DESCALE(tmp10 - tmp11, p1);
    const int32_t z = (tmp12 + tmp13) * 4433;
    o[2] = PXC_JFDCT_DESCALE(z + tmp13 * 6270, n);
    o[6] = PXC_JFDCT_DESCALE(z + tmp12 * -15137, n);

    /* odd part */
    const int32_t z5 = (tmp4 + tmp6 + tmp5 + tmp7) * 9633;
    const int32_t z1 = (tmp4 + tmp7) * -7373, z2 = (tmp5 + tmp6) * -20995;
    const int32_t z3 = (tmp4 + tmp6) * -16069 + z5, z4 = (tmp5 + tmp7) * -3196 + z5;
    o[7] = PXC_JFDCT_DESCALE(tmp4 * 2446 + z1 + z3, n);
    o[5] = PXC_JFDCT_DESCALE(tmp5 * 16819 + z2 + z4, n);
    o[3] = PXC_JFDCT_DESCALE(tmp6 * 25172 + z2 + z3, n);
    o[1] = PXC_JFDCT_DESCALE(tmp7 * 12299 + z1 + z4, n);

    for (int k = 0; k < 8; k++) d[k * step] = first ? (int16_t)o[k] : o[k];
}

/* The accurate integer forward DCT of one level-shifted 8x8 block in place, row-major
 * (jfdctint.c jpeg_fdct_islow: rows, then columns). Outputs are scaled up by 8 like libjpeg's
 * (the quantiser divides by 8 * step). */
PXC_HD void pxc_jpeg_fdct_islow(int32_t *data)
{
    for (int r = 0; r < 8; r++) pxc_jpeg_fdct_pass(data + r * 8, 1, 1);
    for (int c = 0; c < 8; c++) pxc_jpeg_fdct_pass(data + c, 8, 0);
}

/* ---- quantisation (jcdctmgr.c compute_reciprocal + quantize / jsimd_quantize) ---- */

/* The reciprocal quantiser for quantisation step q (1..255, baseline tables; libjpeg-turbo passes
 * q << 3 as a 16-bit value, so larger steps are not reproduced): compute_reciprocal(q << 3) with
 * 16-bit DCTELEMs. The C quantize() shifts the 32-bit product by `shift`; the SIMD one takes the
 * high half, multiplies by 2^(32 - shift) and takes the high half again, which is the same. */
PXC_HD pxc_jpeg_qdiv pxc_jpeg_quant_divisor(unsigned q)
{
    pxc_jpeg_qdiv d;
    const uint32_t divisor = (uint32_t)q << 3;
    int b = 0; /* floor(log2(divisor)) */
    while ((divisor >> (b + 1)) != 0) b++;
    int r = 16 + b;
    uint64_t fq = ((uint64_t)1 << r) / divisor;
    uint64_t fr = ((uint64_t)1 << r) % divisor;
    uint32_t c = divisor / 2;
    if (fr == 0) {          /* power of two: fq would not fit in 16 bits */
        fq >>= 1;
        r--;
    } else if (fr <= divisor / 2) {
        c++;
    } else {
        fq++;
    }
    d.recip = (uint32_t)(uint16_t)fq;
    d.corr = (uint32_t)(uint16_t)c;
    d.shift = r;
    return d;
}

/* One quantised coefficient: |v| + corr times the reciprocal, shifted, with v's sign. */
PXC_HD int16_t pxc_jpeg_quantize(int32_t v, pxc_jpeg_qdiv d)
{
    uint32_t a = (uint32_t)(v < 0 ? -v : v);
    uint32_t m = (uint32_t)(uint16_t)(a + d.corr) * d.recip; /* 16-bit add as the SIMD code */
    int32_t t = (int32_t)(m >> d.shift);
    return (int16_t)(v < 0 ? -t : t);
}

/* ---- blocks ---- */

/* Forward DCT + quantisation of the 8x8 block of samples at (bx, by) of a plane: level shift by
 * CENTERJSAMPLE (128), DCT, quantise with the 64 divisors (natural order) into out (natural). */
PXC_HD void pxc_jpeg_enc_fdct_block(const uint8_t *plane, size_t stride, uint32_t bx, uint32_t by,
                                    const pxc_jpeg_qdiv *div, int16_t *out)
{
    int32_t ws[64];
    const uint8_t *s = plane + (size_t)by * 8 * stride + (size_t)bx * 8;
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++) ws[r * 8 + c] = (int32_t)s[(size_t)r * stride + (size_t)c] - 128;
    pxc_jpeg_fdct_islow(ws);
    for (int i = 0; i < 64; i++) out[i] = pxc_jpeg_quantize(ws[i], div[i]);
}

/* Where block (bx, by) of component c of the padded grid gets its coefficients: returns 1 for a
 * real block (inside width_in_blocks x height_in_blocks) and 0 for a dummy block that libjpeg
 * adds to complete an MCU (jccoefct.c / jctrans.c), which is all zero but for its DC, copied
 * from the real block (*sx, *sy): dummies right of a block row copy that row's last real block;
 * dummy rows at the bottom copy, per MCU, the last block of the row above within the MCU,
 * which leads back to the last real block row. */
PXC_HD int pxc_jpeg_enc_block_source(const pxc_jpeg_gpu_enc_comp *c, uint32_t bx, uint32_t by,
                                     uint32_t *sx, uint32_t *sy)
{
    if (bx < c->width_in_blocks && by < c->height_in_blocks) {
        *sx = bx;
        *sy = by;
        return 1;
    }
    uint32_t x = bx;
    if (by >= c->height_in_blocks) {
        const uint32_t h = (uint32_t)c->h_samp;
        x = (bx / h) * h + h - 1; /* last block of this MCU in the row above */
    }
    *sx = x < c->width_in_blocks ? x : c->width_in_blocks - 1;
    *sy = by < c->height_in_blocks ? by : c->height_in_blocks - 1;
    return 0;
}

/* Coefficients of block (bx, by) of component ci's padded grid into out (64, natural order):
 * the DCT of the plane's block, or for a dummy block zeros and the DC of its source block. */
PXC_HD void pxc_jpeg_enc_block(const pxc_jpeg_gpu_enc_image *img, int ci, uint32_t bx, uint32_t by,
                               const pxc_jpeg_qdiv *div, int16_t *out)
{
    const pxc_jpeg_gpu_enc_comp *c = &img->comp[ci];
    uint32_t sx, sy;
    if (pxc_jpeg_enc_block_source(c, bx, by, &sx, &sy)) {
        pxc_jpeg_enc_fdct_block(c->plane, c->plane_stride, bx, by, div, out);
        return;
    }
    int16_t src[64];
    pxc_jpeg_enc_fdct_block(c->plane, c->plane_stride, sx, sy, div, src);
    out[0] = src[0];
    for (int i = 1; i < 64; i++) out[i] = 0;
}

#endif /* PXC_JPEG_GPU_ENCODE_MATH_H */
