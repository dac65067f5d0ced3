/*
 * PNG codec internals shared by parse.c (probe, header, codec definition)
 * and spng.c (the libspng implementation).
 */
#ifndef PXC_CODECS_PNG_H
#define PXC_CODECS_PNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/codec.h"

/* PNG colour types (IHDR byte 9). */
enum {
    PXC_PNG_GRAY = 0,
    PXC_PNG_RGB = 2,
    PXC_PNG_PALETTE = 3,
    PXC_PNG_GRAY_ALPHA = 4,
    PXC_PNG_RGBA = 6
};

/* Largest width or height the PNG specification allows (2^31 - 1). */
#define PXC_PNG_MAX_DIM 0x7FFFFFFFu

/* The implementation chain of the codec (spng.c). */
extern const pxc_codec_impl pxc_png_spng;

#endif /* PXC_CODECS_PNG_H */
