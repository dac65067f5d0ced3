/*
 * Our own parser of baseline / extended sequential Huffman JPEG streams for
 * the GPU decoder: markers up to the single scan (interleaved over all
 * components, or the one non-interleaved scan of a gray image), the Huffman
 * decode tables, the MCU layout, the geometry of pxc_jpeg_coefs, and where the
 * entropy-coded data starts and ends; then the markers after the scan up to
 * EOI. Everything else (progressive, arithmetic, 12-bit, lossless,
 * hierarchical, several scans, DNL) is refused as unsupported.
 */
#ifndef PXC_JPEG_GPU_JPEG_PARSE_H
#define PXC_JPEG_GPU_JPEG_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "codecs/jpeg/gpu/coefs.h"
#include "codecs/jpeg/gpu/huffman.h"
#include "core/util.h"

/* What the parser found. */
typedef struct pxc_jpeg_header {
    pxc_jpeg_huff_dec_table tables[PXC_HD_HUFF_NUM_TABLES]; /* 0..3 DC, 4..7 AC (as in effect at SOS) */
    pxc_jpeg_huff_layout layout;  /* MCU structure of the scan */
    int sof;                      /* 0xC0 (baseline) or 0xC1 (extended sequential) */
    int jfif;                     /* a JFIF APP0 marker was seen */
    int adobe, adobe_transform;   /* an Adobe APP14 marker was seen, and its transform byte */
    int component_id[PXC_JPEG_MAX_COMPONENTS];
    int scan_components;          /* components in the scan (1 or num_components) */
    size_t ecs_begin, ecs_end;    /* the entropy-coded data: bytes [ecs_begin, ecs_end) of the file;
                                   * ecs_end is where the marker after it starts (or the file end) */
    int ecs_ends_at_eof;          /* the file ends inside (or right after) the entropy-coded data */
} pxc_jpeg_header;

/*
 * Parses data[0, size). On success fills *hdr and the geometry of *geom (all
 * but the coef pointers, which are set to NULL): size, colour space (as
 * libjpeg's default_decompress_parms picks it), Adobe flag, sampling factors,
 * block grids padded to whole MCUs, quantisation tables in natural order,
 * restart interval. Errors: UNSUPPORTED_FEATURE (naming the feature),
 * CORRUPT_DATA, TRUNCATED_DATA (the headers or the data after the scan end
 * early; a missing EOI is TRUNCATED_DATA like in our libjpeg decoder).
 */
pxc_status pxc_jpeg_parse(const uint8_t *data, size_t size, pxc_jpeg_header *hdr, pxc_jpeg_coefs *geom,
                          pxc_err *err);

/*
 * Builds a decode table from a DHT's 16 code-length counts (bits[0] = codes
 * of length 1) and its symbols. Returns 0, or -1 when the counts are
 * impossible (more codes of a length than fit, or an all-ones code, which
 * libjpeg refuses with JERR_BAD_HUFF_TABLE).
 */
int pxc_jpeg_build_huff_table(const uint8_t bits[16], const uint8_t *vals, int nvals,
                              pxc_jpeg_huff_dec_table *t);

#endif /* PXC_JPEG_GPU_JPEG_PARSE_H */
