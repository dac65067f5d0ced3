/*
 * PNM/PAM header reader shared by parse.c (image info) and pnm.c (pixels).
 */
#ifndef PXC_CODECS_PNM_INTERNAL_H
#define PXC_CODECS_PNM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/util.h"

typedef struct pxc_pnm_header {
    int format;              /* 1..7 for P1..P7 */
    bool plain;              /* P1, P2, P3: decimal text samples */
    bool bitmap;             /* P1, P4: one bit per pixel, 1 = black */
    uint32_t width;
    uint32_t height;
    uint32_t depth;          /* samples per pixel: 1..4 */
    uint32_t maxval;         /* 1..65535 (1 for PBM) */
    pxc_color_spec color;    /* GRAY, GRAY_ALPHA, RGB or RGBA */
    size_t data_offset;      /* first byte of the raster */
} pxc_pnm_header;

/**
 * Reads and validates a PBM/PGM/PPM (P1..P6) or PAM (P7) header, comments
 * included. Errors: TRUNCATED_DATA (header cut short), CORRUPT_DATA,
 * UNSUPPORTED_FEATURE (PAM tuple types other than the six standard ones).
 */
pxc_status pxc_pnm_read_header(const uint8_t *data, size_t size, pxc_pnm_header *h, pxc_err *err);

#endif /* PXC_CODECS_PNM_INTERNAL_H */
