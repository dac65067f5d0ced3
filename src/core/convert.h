/*
 * Pixel conversions shared by codecs and the core: between the interleaved
 * colour specs GRAY, GRAY_ALPHA, RGB, BGR, RGBA, BGRA (and from CMYK as
 * stored by Adobe, i.e. inverted), between 8 and 16-bit samples, plus
 * orientation and layout transforms.
 *
 * Rules: gray -> colour replicates; colour -> gray uses the ITU-R BT.601 luma
 * weights (0.299, 0.587, 0.114) rounded as Pillow does; a missing alpha
 * becomes opaque; a dropped alpha is discarded; 16 -> 8 bit keeps the high
 * byte (v >> 8, as libpng, libspng and Pillow do); 8 -> 16 bit is v * 257.
 */
#ifndef PXC_CORE_CONVERT_H
#define PXC_CORE_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pixcodec/pixcodec.h"

/** true for the colour specs of ordinary interleaved images: gray, gray+alpha, RGB, BGR, RGBA, BGRA. */
bool pxc_color_is_plain(pxc_color_spec c);

/** true when the colour spec has an alpha channel. */
bool pxc_color_has_alpha(pxc_color_spec c);

/** true when pxc_convert_row can convert from @p src to @p dst. */
bool pxc_can_convert(pxc_color_spec src, pxc_color_spec dst);

/**
 * Converts @p width pixels of one row. @p src and @p dst must not overlap.
 * Samples are host-order u8 or u16 as given by the types.
 */
void pxc_convert_row(const void *src, pxc_color_spec src_color, pxc_sample_type src_type,
                     void *dst, pxc_color_spec dst_color, pxc_sample_type dst_type, size_t width);

/** Converts a whole interleaved image row by row (strides in bytes). */
void pxc_convert_image(const void *src, size_t src_stride, pxc_color_spec src_color,
                       pxc_sample_type src_type, void *dst, size_t dst_stride,
                       pxc_color_spec dst_color, pxc_sample_type dst_type, size_t width,
                       size_t height);

/**
 * Copies an interleaved image (width x height as stored) to @p dst applying
 * EXIF orientation 1..8 and @p dst's layout (HWC or CHW). dst's width and
 * height are already swapped for orientations 5..8. Same sample type and
 * channel count on both sides.
 */
void pxc_orient_copy(const uint8_t *src, size_t src_stride, uint32_t width, uint32_t height,
                     uint32_t channels, pxc_sample_type type, int orientation, uint8_t *dst,
                     const pxc_image_desc *dst_desc);

/** Copies a CHW image to a packed HWC buffer (same type and channels). */
void pxc_planar_to_interleaved(const uint8_t *src, const pxc_image_desc *src_desc, uint8_t *dst,
                               size_t dst_stride);

/** Parses EXIF (starting at the "II*\0"/"MM\0*" TIFF header) for the orientation; 1 when absent or invalid. */
int pxc_exif_orientation(const uint8_t *tiff, size_t size);

#endif /* PXC_CORE_CONVERT_H */
