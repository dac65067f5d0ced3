/*
 * CPU side of the GPU JPEG decoder's stages after entropy decoding:
 *  - pxc_jpeg_coefs_read_turbo: entropy decoding with libjpeg-turbo's coefficient API into a
 *    pxc_jpeg_coefs (the CPU path to the coefficients, and the test oracle for the GPU's own
 *    Huffman decoder);
 *  - pxc_jpeg_ref_decode: the CPU reference of the decode kernels (decode_kernels.cu), running
 *    the same PXC_HD functions of decode_math.h in the same order.
 */
#ifndef PXC_JPEG_GPU_DECODE_REF_H
#define PXC_JPEG_GPU_DECODE_REF_H

#include <stddef.h>
#include <stdint.h>

#include "codecs/jpeg/gpu/coefs.h"
#include "codecs/jpeg/gpu/decode_math.h"
#include "core/util.h"

/*
 * Entropy-decodes the JPEG in data[0..size) (baseline, extended or progressive, 8-bit, 1, 3 or 4
 * components) with jpeg_read_coefficients into *out: every component's coefficients over the
 * padded block grid (whole MCUs; blocks outside width_in_blocks x height_in_blocks are zero),
 * natural-order quantisation tables and coefficients, colour space and Adobe flag as the
 * decompressor saw them. Corrupt entropy data (libjpeg's corrupting warnings) and data that ends
 * early are errors. The coefficient arrays are malloc'ed; free them with pxc_jpeg_coefs_free.
 * On error *out holds nothing to free and err names the problem (libjpeg's message).
 */
pxc_status pxc_jpeg_coefs_read_turbo(const uint8_t *data, size_t size, pxc_jpeg_coefs *out, pxc_err *err);

/* Frees the coefficient arrays of @p c (from pxc_jpeg_coefs_read_turbo) and zeroes it. NULL allowed. */
void pxc_jpeg_coefs_free(pxc_jpeg_coefs *c);

/*
 * Decodes coefficients to pixels as the GPU kernels do: pxc_jpeg_idct_block for every block of
 * every component into u8 planes (whole blocks), then pxc_jpeg_pixel for every output pixel.
 * Writes c->height rows of c->width pixels of pxc_jpeg_out_channels(space) samples each to out
 * (rows out_stride bytes apart). fancy: libjpeg's do_fancy_upsampling. The result equals
 * libjpeg-turbo's jpeg_read_scanlines with JDCT_ISLOW and the matching out_color_space.
 */
pxc_status pxc_jpeg_ref_decode(const pxc_jpeg_coefs *c, pxc_jpeg_out_space space, int fancy, uint8_t *out,
                               size_t out_stride, pxc_err *err);

#endif /* PXC_JPEG_GPU_DECODE_REF_H */
