/*
 * BMP header reader shared by parse.c (image info) and bmp.c (pixels).
 */
#ifndef PXC_CODECS_BMP_INTERNAL_H
#define PXC_CODECS_BMP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

/* biCompression values (Windows headers). */
enum {
    PXC_BMP_RGB = 0,
    PXC_BMP_RLE8 = 1,
    PXC_BMP_RLE4 = 2,
    PXC_BMP_BITFIELDS = 3,
    PXC_BMP_JPEG = 4,
    PXC_BMP_PNG = 5,
    PXC_BMP_ALPHABITFIELDS = 6
};

#define PXC_BMP_FILE_HEADER 14

/** Everything the decoder needs from the headers. */
typedef struct pxc_bmp_header {
    uint32_t info_size;      /* size of the info header (12, 16, 40, 52, 56, 64, 108, 124) */
    uint32_t width;
    uint32_t height;
    bool top_down;           /* negative height in the file */
    uint32_t bit_count;      /* 1, 2, 4, 8, 16, 24, 32 */
    uint32_t compression;    /* PXC_BMP_RGB, RLE8, RLE4, BITFIELDS (ALPHABITFIELDS folded in) */
    uint32_t mask[4];        /* R, G, B, A bit masks (16/24/32-bit images) */
    bool has_alpha;          /* alpha mask in use */
    bool standard_masks;     /* 32-bit with masks 0xFF0000, 0xFF00, 0xFF (and 0xFF000000 or 0) */
    uint32_t palette_count;  /* entries read from the file (0 for 16/24/32-bit) */
    uint8_t palette[256][3]; /* R, G, B; entries past palette_count are black */
    bool gray_palette;       /* every palette entry has R == G == B */
    size_t pixel_offset;     /* bfOffBits */
    size_t row_bytes;        /* bytes one uncompressed row occupies, with padding to 4 */
    size_t row_bytes_used;   /* bytes one uncompressed row occupies, without the padding */
} pxc_bmp_header;

/**
 * Reads and validates the file and info headers, bit fields and palette.
 * Never reads pixel data. Errors: TRUNCATED_DATA (headers or palette cut
 * short), CORRUPT_DATA, UNSUPPORTED_FEATURE, UNSUPPORTED_FORMAT (no "BM").
 */
pxc_status pxc_bmp_read_header(const uint8_t *data, size_t size, pxc_bmp_header *h, pxc_err *err);

#endif /* PXC_CODECS_BMP_INTERNAL_H */
