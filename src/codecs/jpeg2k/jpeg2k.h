/*
 * JPEG 2000 (ISO/IEC 15444-1, HTJ2K of 15444-15): declarations shared by the
 * header parser (parse.c) and the OpenJPEG implementation (openjpeg.c).
 *
 * Output geometry and channel rules (used by both files, so parse() and the
 * decoder always agree):
 * - Channels: 1 component = gray, 2 = gray + alpha, 3 = RGB (or YCbCr, see
 *   below), 4 = RGBA. With 5 or more components the first three are returned
 *   as RGB and the rest are ignored. A JP2 palette (pclr + cmap) is applied:
 *   its columns count as the components.
 * - Size: the full reference grid, Xsiz - XOsiz by Ysiz - YOsiz (what
 *   opj_decompress -upsample writes). Subsampled components are upsampled by
 *   replication: output column x takes the component sample whose area on the
 *   reference grid covers XOsiz + x (columns left of the first sample take
 *   the first one).
 * - YCbCr: a JP2 colour box with enumerated space 18 (sYCC), or three
 *   components with the first at full resolution and the other two sampled
 *   2x1 or 2x2 (the rule opj_decompress applies to raw code streams).
 */
#ifndef PXC_CODECS_JPEG2K_H
#define PXC_CODECS_JPEG2K_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/codec.h"

#define PXC_J2K_MAX_COMPONENTS 16384u
#define PXC_J2K_MAX_TILES 65535u
/* OpenJPEG's working memory per tile-component, charged to the image budget up front. */
#define PXC_J2K_TILE_COMP_BYTES 5120u

typedef struct pxc_j2k_header {
    bool jp2;                 /* JP2 file (else raw code stream) */
    size_t cs_offset;         /* offset of the code stream (SOC) in the data */
    uint32_t x0, y0, x1, y1;  /* image area on the reference grid */
    uint32_t tdx, tdy, tx0, ty0;
    uint32_t num_tiles;
    uint32_t num_comps;
    uint32_t used_comps;      /* channels produced (1..4) */
    uint32_t dxm, dym;        /* output grid step on the reference grid (always 1) */
    uint8_t dx[4], dy[4], prec[4], sgnd[4];
    uint32_t pclr_cols;       /* JP2 palette columns, 0 without a palette */
    uint8_t pclr_b[4];        /* their Bi bytes (sign bit, precision - 1) */
    int enumcs;               /* JP2 colr enumerated space, -1 when absent */
    bool ycc;                 /* components are YCbCr (sYCC) */
    uint32_t width, height;   /* output size */
} pxc_j2k_header;

/* Reads the JP2 boxes (if any) and the SIZ marker segment. */
pxc_status pxc_j2k_read_header(const uint8_t *data, size_t size, pxc_j2k_header *h, pxc_err *err);

/* ceil(a / b) for b > 0 */
static inline uint32_t pxc_j2k_ceildiv(uint32_t a, uint32_t b)
{
    return (uint32_t)(((uint64_t)a + b - 1) / b);
}

/* The geometry after discarding @p levels resolution levels (jpeg2k:reduce): the
 * reference grid shrinks by 2^levels, rounding up as OpenJPEG does. */
static inline void pxc_j2k_reduce_grid(pxc_j2k_header *h, int levels)
{
    if (levels <= 0) return;
    const uint32_t f = levels >= 31 ? 0x80000000u : (1u << levels);
    h->x0 = pxc_j2k_ceildiv(h->x0, f);
    h->y0 = pxc_j2k_ceildiv(h->y0, f);
    h->x1 = pxc_j2k_ceildiv(h->x1, f);
    h->y1 = pxc_j2k_ceildiv(h->y1, f);
    h->width = h->x1 - h->x0;
    h->height = h->y1 - h->y0;
}

extern const pxc_codec_impl pxc_jpeg2k_openjpeg;

#endif /* PXC_CODECS_JPEG2K_H */
