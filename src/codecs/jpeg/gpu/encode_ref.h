/*
 * CPU reference of the GPU JPEG encoder's stages (colour conversion,
 * downsampling, forward DCT, quantisation: the functions of encode_math.h run
 * per sample and per block exactly as the kernels run them), the quantisation
 * tables of a quality setting, and entropy coding of finished coefficients
 * with libjpeg-turbo (jpeg_write_coefficients).
 */
#ifndef PXC_JPEG_GPU_ENCODE_REF_H
#define PXC_JPEG_GPU_ENCODE_REF_H

#include <stddef.h>
#include <stdint.h>

#include "codecs/jpeg/gpu/coefs.h"
#include "codecs/jpeg/gpu/encode_math.h"
#include "core/util.h"

/* Natural-order luminance and chrominance tables exactly as jpeg_set_quality(cinfo, quality, TRUE)
 * makes them (quality 1..100; computed by libjpeg itself). */
pxc_status pxc_jpeg_quant_tables(int quality, uint16_t luma[64], uint16_t chroma[64], pxc_err *err);

/* Geometry of an encode, as libjpeg computes it for the same image and sampling: fills
 * out->width .. out->comp[i] (sampling factors, sizes, block grids, quantisation tables from
 * quality) but allocates nothing (comp[i].coef NULL). Gray output (gray_out, or in_channels 1)
 * has one component sampled 1x1; colour output three, luma h_samp x v_samp (1..4, and each a
 * multiple of the chroma's 1), chroma 1x1. */
pxc_status pxc_jpeg_enc_geometry(uint32_t width, uint32_t height, int in_channels, int gray_out, int h_samp,
                                 int v_samp, int quality, pxc_jpeg_coefs *out, pxc_err *err);

/* Fills img (pxc_jpeg_gpu_enc_image) from the geometry in c for input pixels/stride/in_channels/bgr;
 * plane, plane_stride, coef and quant pointers are left NULL/0 for the caller to set. */
void pxc_jpeg_enc_image_from_coefs(const pxc_jpeg_coefs *c, const uint8_t *pixels, size_t stride,
                                   int in_channels, int bgr, pxc_jpeg_gpu_enc_image *img);

/* Encodes u8 interleaved pixels (in_channels 1 gray, 3 RGB or BGR, 4 RGBA or BGRA; bgr picks the
 * B-first orders) to quantised coefficients as the GPU kernels do: YCbCr (or gray when gray_out
 * or in_channels is 1), luma sampled h_samp x v_samp (1x1 4:4:4, 2x1 4:2:2, 2x2 4:2:0,
 * 1x2 4:4:0, 4x1 4:1:1), tables of jpeg_set_quality(quality, TRUE). Fills *out; each
 * out->comp[i].coef is malloc'ed (free with pxc_jpeg_coefs_free or pxc_jpeg_enc_coefs_free). */
pxc_status pxc_jpeg_ref_encode_coefs(const uint8_t *pixels, size_t stride, uint32_t width, uint32_t height,
                                     int in_channels, int bgr, int gray_out, int h_samp, int v_samp,
                                     int quality, pxc_jpeg_coefs *out, pxc_err *err);

/* Frees the coefficient buffers of c (free() of each comp[i].coef) and sets them to NULL. */
void pxc_jpeg_enc_coefs_free(pxc_jpeg_coefs *c);

/* Entropy-codes c (gray or YCbCr, 8-bit, as pxc_jpeg_ref_encode_coefs makes it) into a JFIF JPEG
 * with libjpeg-turbo's jpeg_write_coefficients, appending to out: Huffman tables optimised when
 * optimize_huffman, else the standard ones; jpeg_simple_progression's scans when progressive;
 * restart markers every c->restart_interval MCUs when non-zero. The headers are those
 * jpeg_set_defaults writes for the same colour space. */
pxc_status pxc_jpeg_write_coefs(const pxc_jpeg_coefs *c, int optimize_huffman, int progressive, pxc_outbuf *out,
                                pxc_err *err);

#endif /* PXC_JPEG_GPU_ENCODE_REF_H */
