/*
 * WebP codec internals shared by parse.c (probe, header walk, codec
 * definition) and libwebp.c (the libwebp implementation).
 */
#ifndef PXC_CODECS_WEBP_H
#define PXC_CODECS_WEBP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/codec.h"

/* Largest width or height a WebP bitstream (VP8 and VP8L) can code. */
#define PXC_WEBP_MAX_DIM 16383u

/* VP8X flag bits. */
enum {
    PXC_WEBP_FLAG_ANIMATION = 0x02,
    PXC_WEBP_FLAG_XMP = 0x04,
    PXC_WEBP_FLAG_EXIF = 0x08,
    PXC_WEBP_FLAG_ALPHA = 0x10,
    PXC_WEBP_FLAG_ICC = 0x20
};

/* The implementation chain of the codec (libwebp.c). */
extern const pxc_codec_impl pxc_webp_libwebp;

#endif /* PXC_CODECS_WEBP_H */
