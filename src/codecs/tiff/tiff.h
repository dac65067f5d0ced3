/*
 * TIFF codec internals shared by parse.c (probe, header parsing over
 * libtiff, the codec definition) and libtiff.c (the implementation).
 */
#ifndef PXC_CODECS_TIFF_H
#define PXC_CODECS_TIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tiffio.h>

#include "core/codec.h"

/* Most pages (directories) a file may declare. */
#define PXC_TIFF_MAX_PAGES 65535u
/* Largest single allocation libtiff may make while only the headers are parsed. */
#define PXC_TIFF_PARSE_MAX_ALLOC ((tmsize_t)64 << 20)
/* Largest strip or tile accepted (decoded bytes). */
#define PXC_TIFF_MAX_CHUNK ((uint64_t)1 << 30)

/* A code stream in memory as libtiff sees it, plus the first error libtiff reported. */
typedef struct pxc_tiff_io {
    const uint8_t *data;   /* reading */
    size_t size;
    uint64_t pos;
    pxc_outbuf *out;       /* writing (NULL when reading) */
    size_t base;           /* out->size when writing started */
    pxc_err *err;          /* for failures of the output buffer */
    bool failed;           /* libtiff reported an error */
    char msg[192];         /* its first error text */
} pxc_tiff_io;

/* How the pixels of one page are stored and turned into samples. */
typedef enum pxc_tiff_kind {
    PXC_TIFF_GRAY = 0,     /* min-is-black or min-is-white, optional alpha */
    PXC_TIFF_RGB,          /* RGB (also JPEG-compressed YCbCr read as RGB), optional alpha */
    PXC_TIFF_PALETTE,      /* indices into a 16-bit colour map */
    PXC_TIFF_CMYK,         /* separated, CMYK ink set */
    PXC_TIFF_RGBA_IMAGE    /* anything else libtiff's TIFFRGBAImage reads (8-bit RGBA) */
} pxc_tiff_kind;

typedef struct pxc_tiff_page {
    uint32_t width, height;
    uint16_t bps, spp, photometric, planar, compression, orientation;
    pxc_tiff_kind kind;
    uint32_t color_samples;  /* colour samples per pixel before the extra samples */
    bool invert;             /* min-is-white */
    bool has_alpha;
    bool assoc_alpha;        /* premultiplied alpha */
    pxc_chroma_subsampling css;
} pxc_tiff_page;

/* Opens a stream held in memory for reading; NULL with io->msg set on failure. */
TIFF *pxc_tiff_open_read(pxc_tiff_io *io, const uint8_t *data, size_t size, tmsize_t max_alloc);
/* Opens a TIFF writer appending to @p out. */
TIFF *pxc_tiff_open_write(pxc_tiff_io *io, pxc_outbuf *out, pxc_err *err);

/*
 * Reads the current directory's tags into @p pg (for JPEG-compressed YCbCr
 * it also asks libtiff for RGB output). Errors name page @p index.
 */
pxc_status pxc_tiff_describe(TIFF *tif, uint32_t index, pxc_tiff_page *pg, pxc_err *err);

/*
 * Status and text for a libtiff failure: a failure already recorded in
 * @p err wins; otherwise libtiff's own message is classified (truncation,
 * allocation limit, corruption) and @p where appended.
 */
pxc_status pxc_tiff_fail(pxc_tiff_io *io, pxc_err *err, const char *where);

extern const pxc_codec_impl pxc_tiff_libtiff;

#endif /* PXC_CODECS_TIFF_H */
