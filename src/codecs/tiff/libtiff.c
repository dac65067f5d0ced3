/*
 * tiff.libtiff: TIFF decoding and encoding with libtiff (CPU).
 *
 * Decoding reads the page job->params->image_index strip by strip (or one
 * row of tiles at a time) with TIFFReadEncodedStrip/Tile into a buffer taken
 * from the image budget, unpacks the samples (1, 2, 4, 8 or 16 bits, chunky
 * or planar) into a band of 16-bit values and turns each row into the
 * requested colour and sample type:
 * - samples below 8 bits are scaled to 8 bits (v * 255 / max), min-is-white
 *   is inverted, palettes expand through the 16-bit colour map;
 * - associated (premultiplied) alpha is un-premultiplied, rounding to nearest;
 * - CMYK is returned as stored when the native colour is asked for, and
 *   otherwise converted with the core's rule (R = (max - C)(max - K) / max);
 * - photometric interpretations libtiff only reads through TIFFRGBAImage
 *   (uncompressed YCbCr, CIE L*a*b* ...) are decoded that way, at 8 bits.
 * Pages may differ in size, orientation and colour model: the core sizes the
 * output of page N from parse_image's description of that page.
 *
 * Every strip or tile is checked against the end of the data before it is
 * read, so a cut file is PXC_ERROR_TRUNCATED_DATA. libtiff's single
 * allocations are capped by what is left of the image budget.
 *
 * Encoding writes 8 or 16-bit gray, gray+alpha (unassociated), RGB or RGBA in
 * one directory, strips of about 8 KiB, compression chosen by the option
 * tiff:compression (0 none, 1 LZW (default), 2 Deflate; the horizontal
 * predictor with LZW and Deflate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiff.h"
#include "core/convert.h"

/* ---- decoding helpers ---------------------------------------------------- */

static inline uint16_t get_sample(const uint8_t *row, size_t i, uint16_t bps)
{
    switch (bps) {
    case 8: return row[i];
    case 16: {
        uint16_t v;
        memcpy(&v, row + 2 * i, 2);
        return v;
    }
    default: { /* 1, 2, 4: most significant bits first (libtiff applies FillOrder) */
        const size_t bit = i * bps;
        const unsigned shift = (unsigned)(8 - bps - (bit & 7));
        return (uint16_t)((row[bit >> 3] >> shift) & ((1u << bps) - 1));
    }
    }
}

/* Alloc through the budget with the codec's own error text. */
static void *tiff_alloc(pxc_budget *b, size_t n, pxc_err *err, const char *what)
{
    void *p = pxc_budget_malloc(b, n, err);
    if (!p) {
        if (err->status != PXC_OK)
            pxc_err_prefix(err, "TIFF: %s", what);
        else
            pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "TIFF: out of memory for %s (%zu bytes)", what,
                        n);
    }
    return p;
}

/* Working colour and type of the rows handed to pxc_convert_row. */
typedef struct work_form {
    pxc_color_spec color;
    pxc_sample_type type;
    uint32_t channels;
} work_form;

static work_form work_form_of(const pxc_tiff_page *pg)
{
    work_form f;
    f.type = pg->bps == 16 ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
    switch (pg->kind) {
    case PXC_TIFF_GRAY: f.color = pg->has_alpha ? PXC_COLOR_GRAY_ALPHA : PXC_COLOR_GRAY; break;
    case PXC_TIFF_RGB: f.color = pg->has_alpha ? PXC_COLOR_RGBA : PXC_COLOR_RGB; break;
    case PXC_TIFF_PALETTE:
        f.color = PXC_COLOR_RGB;
        f.type = PXC_SAMPLE_U16;
        break;
    case PXC_TIFF_CMYK: f.color = PXC_COLOR_CMYK; break;
    default:
        f.color = pg->has_alpha ? PXC_COLOR_RGBA : PXC_COLOR_RGB;
        f.type = PXC_SAMPLE_U8;
        break;
    }
    f.channels = pxc_color_spec_channels(f.color);
    return f;
}

typedef struct row_ctx {
    const pxc_tiff_page *pg;
    work_form wf;
    const uint16_t *cmap[3];
    uint32_t maxv;          /* largest raw sample */
    bool cmyk_as_stored;    /* writing the native CMYK form */
} row_ctx;

static inline uint32_t scale_raw(const row_ctx *rc, uint32_t v)
{
    /* raw sample -> working type (8-bit for bps <= 8, 16-bit as is) */
    if (rc->pg->bps < 8) return (v * 255u + rc->maxv / 2) / rc->maxv;
    return v;
}

/* Turns one row of raw samples (spp per pixel) into the working form. */
static void build_row(const row_ctx *rc, const uint16_t *raw, void *work, size_t width)
{
    const pxc_tiff_page *pg = rc->pg;
    const uint32_t spp = pg->spp, nc = pg->color_samples, maxv = rc->maxv;
    const uint32_t wch = rc->wf.channels;
    uint8_t *w8 = work;
    uint16_t *w16 = work;
    const bool u16 = rc->wf.type == PXC_SAMPLE_U16;
    for (size_t x = 0; x < width; x++) {
        const uint16_t *px = raw + x * spp;
        uint32_t out[4] = {0, 0, 0, 0};
        if (pg->kind == PXC_TIFF_PALETTE) {
            const uint32_t idx = px[0];
            out[0] = rc->cmap[0][idx];
            out[1] = rc->cmap[1][idx];
            out[2] = rc->cmap[2][idx];
        } else {
            uint32_t a = maxv;
            if (pg->has_alpha) a = px[nc];
            for (uint32_t c = 0; c < nc; c++) {
                uint32_t v = px[c];
                if (pg->invert) v = maxv - v;
                if (pg->has_alpha && pg->assoc_alpha) {
                    if (a == 0) v = 0;
                    else if (v >= a) v = maxv;
                    else v = (uint32_t)(((uint64_t)v * maxv + a / 2) / a);
                }
                if (pg->kind == PXC_TIFF_CMYK && !rc->cmyk_as_stored) v = maxv - v; /* Adobe form */
                out[c] = scale_raw(rc, v);
            }
            if (pg->has_alpha) out[nc] = scale_raw(rc, a);
        }
        for (uint32_t c = 0; c < wch; c++) {
            if (u16) w16[x * wch + c] = (uint16_t)out[c];
            else w8[x * wch + c] = (uint8_t)out[c];
        }
    }
}

/* Copies a CMYK working row as stored into the output type. */
static void copy_cmyk(const void *work, pxc_sample_type wt, void *dst, pxc_sample_type ot, size_t n)
{
    if (wt == ot) {
        memcpy(dst, work, n * pxc_sample_size(ot));
    } else if (wt == PXC_SAMPLE_U8) {
        const uint8_t *s = work;
        uint16_t *d = dst;
        for (size_t i = 0; i < n; i++) d[i] = (uint16_t)(s[i] * 257u);
    } else {
        const uint16_t *s = work;
        uint8_t *d = dst;
        for (size_t i = 0; i < n; i++) d[i] = (uint8_t)(s[i] >> 8);
    }
}

/* Decoding through TIFFRGBAImage (8-bit RGBA, alpha premultiplied). */
static pxc_status decode_rgba_image(pxc_decode_job *job, TIFF *tif, pxc_tiff_io *io,
                                    const pxc_tiff_page *pg)
{
    pxc_err *err = job->err;
    const size_t w = pg->width, h = pg->height;
    size_t n, wrow;
    if (!pxc_mul3_size(w, h, 4, &n) || !pxc_mul_size(w, 4, &wrow))
        return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "TIFF: %zu x %zu image is too large", w, h);
    uint32_t *raster = tiff_alloc(job->budget, n, err, "the RGBA raster");
    if (!raster) return err->status;
    uint8_t *work = tiff_alloc(job->budget, wrow, err, "a row before conversion");
    if (!work) {
        pxc_budget_free(job->budget, raster, n);
        return err->status;
    }
    pxc_status st = PXC_OK;
    char emsg[1024] = "";
    TIFFRGBAImage img;
    if (!TIFFRGBAImageBegin(&img, tif, 0, emsg)) {
        st = pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "TIFF: libtiff cannot read the page: %.160s",
                         emsg);
        goto done;
    }
    io->failed = false;
    /* Rows as stored: the core applies the orientation. */
    img.req_orientation = img.orientation;
    const int ok = TIFFRGBAImageGet(&img, raster, (uint32_t)w, (uint32_t)h);
    TIFFRGBAImageEnd(&img);
    if (!ok || io->failed) {
        st = pxc_tiff_fail(io, err, "while decoding through TIFFRGBAImage");
        goto done;
    }
    const work_form wf = work_form_of(pg);
    for (size_t y = 0; y < h; y++) {
        const uint32_t *src = raster + y * w;
        for (size_t x = 0; x < w; x++) {
            const uint32_t p = src[x];
            uint32_t r = TIFFGetR(p), g = TIFFGetG(p), b = TIFFGetB(p), a = TIFFGetA(p);
            if (pg->has_alpha) {
                if (a == 0) r = g = b = 0;
                else if (a < 255) {
                    r = r >= a ? 255 : (r * 255 + a / 2) / a;
                    g = g >= a ? 255 : (g * 255 + a / 2) / a;
                    b = b >= a ? 255 : (b * 255 + a / 2) / a;
                }
                work[x * 4] = (uint8_t)r;
                work[x * 4 + 1] = (uint8_t)g;
                work[x * 4 + 2] = (uint8_t)b;
                work[x * 4 + 3] = (uint8_t)a;
            } else {
                work[x * 3] = (uint8_t)r;
                work[x * 3 + 1] = (uint8_t)g;
                work[x * 3 + 2] = (uint8_t)b;
            }
        }
        pxc_convert_row(work, wf.color, PXC_SAMPLE_U8, job->out + y * job->out_stride,
                        job->out_color, job->out_type, w);
    }
done:
    pxc_budget_free(job->budget, work, wrow);
    pxc_budget_free(job->budget, raster, n);
    return st;
}

static pxc_status tiff_decode_page(pxc_decode_job *job, TIFF *tif, pxc_tiff_io *io,
                                   const pxc_tiff_page *pg)
{
    pxc_err *err = job->err;
    const pxc_color_spec oc = job->out_color;
    const pxc_sample_type ot = job->out_type;
    const work_form wf = work_form_of(pg);
    const bool cmyk_out = oc == PXC_COLOR_CMYK;
    if (cmyk_out ? pg->kind != PXC_TIFF_CMYK : !pxc_can_convert(wf.color, oc))
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "TIFF: cannot decode %s samples to %s",
                           pxc_color_spec_name(wf.color), pxc_color_spec_name(oc));
    if (pg->kind == PXC_TIFF_RGBA_IMAGE) return decode_rgba_image(job, tif, io, pg);

    const size_t W = pg->width, H = pg->height;
    const bool tiled = TIFFIsTiled(tif) != 0;
    const bool separate = pg->planar == PLANARCONFIG_SEPARATE && pg->spp > 1;
    const uint32_t planes = separate ? pg->spp : 1;
    const uint32_t sppc = separate ? 1 : pg->spp; /* samples per pixel inside a chunk */
    uint32_t cw, ch;                               /* chunk (strip or tile) size in pixels */
    if (tiled) {
        uint32_t tw = 0, th = 0;
        TIFFGetField(tif, TIFFTAG_TILEWIDTH, &tw);
        TIFFGetField(tif, TIFFTAG_TILELENGTH, &th);
        if (tw == 0 || th == 0)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "TIFF: tiles of %u x %u pixels", tw, th);
        cw = tw;
        ch = th;
    } else {
        uint32_t rps = (uint32_t)H;
        TIFFGetFieldDefaulted(tif, TIFFTAG_ROWSPERSTRIP, &rps);
        if (rps == 0)
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "TIFF: RowsPerStrip is 0");
        cw = (uint32_t)W;
        ch = rps > H ? (uint32_t)H : rps;
    }
    /* bytes of one decoded chunk row, and of the chunk */
    uint64_t row_bits = (uint64_t)cw * sppc * pg->bps;
    const uint64_t crow = (row_bits + 7) / 8;
    const uint64_t cbytes64 = crow * ch;
    if (crow == 0 || cbytes64 / ch != crow || cbytes64 > PXC_TIFF_MAX_CHUNK)
        return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED,
                           "TIFF: %s of %u x %u pixels (%u samples of %u bits) is larger than %llu "
                           "bytes",
                           tiled ? "tile" : "strip", cw, ch, sppc, pg->bps,
                           (unsigned long long)PXC_TIFF_MAX_CHUNK);
    const size_t cbytes = (size_t)cbytes64;
    size_t band_n, band_bytes, work_bytes;
    if (!pxc_mul3_size(W, ch, pg->spp, &band_n) || !pxc_mul_size(band_n, 2, &band_bytes) ||
        !pxc_mul3_size(W, wf.channels, 2, &work_bytes))
        return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "TIFF: rows of %zu pixels are too large", W);

    row_ctx rc = {.pg = pg, .wf = wf, .maxv = (1u << pg->bps) - 1, .cmyk_as_stored = cmyk_out};
    if (pg->kind == PXC_TIFF_PALETTE) {
        uint16_t *r, *g, *b;
        if (!TIFFGetField(tif, TIFFTAG_COLORMAP, &r, &g, &b))
            return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "TIFF: palette image without a ColorMap");
        rc.cmap[0] = r;
        rc.cmap[1] = g;
        rc.cmap[2] = b;
    }

    pxc_status st = PXC_OK;
    uint8_t *chunk = tiff_alloc(job->budget, cbytes, err, tiled ? "a tile" : "a strip");
    uint16_t *band = chunk ? tiff_alloc(job->budget, band_bytes, err, "a band of rows") : NULL;
    uint8_t *work = band ? tiff_alloc(job->budget, work_bytes, err, "a row before conversion") : NULL;
    if (!work) {
        st = err->status;
        goto done;
    }

    io->failed = false; /* only errors while reading pixels count from here on */
    const uint32_t across = tiled ? (uint32_t)((W + cw - 1) / cw) : 1;
    for (size_t y0 = 0; y0 < H; y0 += ch) {
        const size_t rows = H - y0 < ch ? H - y0 : ch;
        for (uint32_t p = 0; p < planes; p++) {
            for (uint32_t t = 0; t < across; t++) {
                const size_t x0 = (size_t)t * cw;
                const size_t cols = W - x0 < cw ? W - x0 : cw;
                const uint32_t idx = tiled ? TIFFComputeTile(tif, (uint32_t)x0, (uint32_t)y0, 0, (uint16_t)p)
                                           : TIFFComputeStrip(tif, (uint32_t)y0, (uint16_t)p);
                const uint32_t count = tiled ? TIFFNumberOfTiles(tif) : TIFFNumberOfStrips(tif);
                const char *what = tiled ? "tile" : "strip";
                if (idx >= count) {
                    st = pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                     "TIFF: %s %u is needed but the page has %u", what, idx, count);
                    goto done;
                }
                const uint64_t off = TIFFGetStrileOffset(tif, idx);
                const uint64_t bc = TIFFGetStrileByteCount(tif, idx);
                if (off > job->size || bc > job->size - off) {
                    st = pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                                     "TIFF: %s %u (%llu bytes at byte %llu) passes the end of the "
                                     "data (%zu bytes)",
                                     what, idx, (unsigned long long)bc, (unsigned long long)off,
                                     job->size);
                    goto done;
                }
                const tmsize_t got = tiled ? TIFFReadEncodedTile(tif, idx, chunk, (tmsize_t)cbytes)
                                           : TIFFReadEncodedStrip(tif, idx, chunk, (tmsize_t)cbytes);
                if (got < 0 || io->failed) {
                    char where[64];
                    snprintf(where, sizeof(where), "while decoding %s %u", what, idx);
                    st = pxc_tiff_fail(io, err, where);
                    goto done;
                }
                /* A short strip (the last one, or data libtiff ran out of) leaves zeros. */
                if ((size_t)got < cbytes) memset(chunk + got, 0, cbytes - (size_t)got);
                for (size_t r = 0; r < rows; r++) {
                    const uint8_t *src = chunk + r * (size_t)crow;
                    uint16_t *dst = band + (r * W + x0) * pg->spp;
                    if (separate) {
                        for (size_t x = 0; x < cols; x++)
                            dst[x * pg->spp + p] = get_sample(src, x, pg->bps);
                    } else {
                        const size_t ns = cols * pg->spp;
                        for (size_t i = 0; i < ns; i++) dst[i] = get_sample(src, i, pg->bps);
                    }
                }
            }
        }
        for (size_t r = 0; r < rows; r++) {
            uint8_t *out = job->out + (y0 + r) * job->out_stride;
            build_row(&rc, band + r * W * pg->spp, work, W);
            if (cmyk_out)
                copy_cmyk(work, wf.type, out, ot, W * 4);
            else
                pxc_convert_row(work, wf.color, wf.type, out, oc, ot, W);
        }
    }
done:
    pxc_budget_free(job->budget, work, work ? work_bytes : 0);
    pxc_budget_free(job->budget, band, band ? band_bytes : 0);
    pxc_budget_free(job->budget, chunk, chunk ? cbytes : 0);
    return st;
}

static pxc_status tiff_libtiff_decode(pxc_decode_job *job)
{
    pxc_err *err = job->err;
    const pxc_image_info *info = job->info;
    const uint32_t index = job->params ? job->params->image_index : 0;
    tmsize_t max_alloc = 0;
    if (job->budget && job->budget->max > 0) {
        const uint64_t left = job->budget->max > job->budget->used ? job->budget->max - job->budget->used : 1;
        max_alloc = left > (uint64_t)INT64_MAX ? (tmsize_t)INT64_MAX : (tmsize_t)left;
    }
    pxc_tiff_io io;
    TIFF *tif = pxc_tiff_open_read(&io, job->data, job->size, max_alloc);
    if (!tif) return pxc_tiff_fail(&io, err, "cannot read the header or the first directory");
    pxc_status st;
    if (index > 0 && !TIFFSetDirectory(tif, (tdir_t)index)) {
        char where[64];
        snprintf(where, sizeof(where), "cannot read the directory of page %u", index);
        st = pxc_tiff_fail(&io, err, where);
        goto done;
    }
    pxc_tiff_page pg;
    if ((st = pxc_tiff_describe(tif, index, &pg, err)) != PXC_OK) goto done;
    /* the core sized the output from this page's own description (parse_image) */
    if (pg.width != info->width || pg.height != info->height) {
        st = pxc_err_set(err, PXC_ERROR_INTERNAL, "TIFF: page %u is %u x %u but was described as %u x %u", index,
                         pg.width, pg.height, info->width, info->height);
        goto done;
    }
    st = tiff_decode_page(job, tif, &io, &pg);
done:
    TIFFClose(tif);
    return st;
}

/* ---- encoding ------------------------------------------------------------ */

static bool tiff_libtiff_can_encode(const pxc_encode_job *job, pxc_err *why)
{
    const pxc_image_desc *d = job->desc;
    if (d->sample_type != PXC_SAMPLE_U8 && d->sample_type != PXC_SAMPLE_U16) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "TIFF: writes 8 or 16-bit samples only");
        return false;
    }
    if (!pxc_color_is_plain(d->color_spec)) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE,
                    "TIFF: writes gray, gray+alpha, RGB, BGR, RGBA or BGRA only (not %s)",
                    pxc_color_spec_name(d->color_spec));
        return false;
    }
    return true;
}

static pxc_status tiff_libtiff_encode(pxc_encode_job *job)
{
    pxc_err *err = job->err;
    const pxc_image_desc *d = job->desc;
    const pxc_color_spec sc = d->color_spec;
    pxc_color_spec fc; /* colour written */
    switch (sc) {
    case PXC_COLOR_BGR: fc = PXC_COLOR_RGB; break;
    case PXC_COLOR_BGRA: fc = PXC_COLOR_RGBA; break;
    default: fc = sc; break;
    }
    const uint16_t spp = (uint16_t)pxc_color_spec_channels(fc);
    const uint16_t bps = d->sample_type == PXC_SAMPLE_U16 ? 16 : 8;
    const bool alpha = fc == PXC_COLOR_GRAY_ALPHA || fc == PXC_COLOR_RGBA;
    const int copt = pxc_options_get_int(job->opts, "tiff", pxc_tiff_libtiff.name, "compression");
    const uint16_t comp = copt == 0 ? COMPRESSION_NONE : copt == 2 ? COMPRESSION_ADOBE_DEFLATE : COMPRESSION_LZW;
    size_t row_bytes;
    if (!pxc_mul3_size(d->width, spp, pxc_sample_size(d->sample_type), &row_bytes))
        return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "TIFF: rows of %u pixels are too large",
                           d->width);

    pxc_tiff_io io;
    TIFF *tif = pxc_tiff_open_write(&io, job->out, err);
    if (!tif) return pxc_tiff_fail(&io, err, "cannot start writing");
    pxc_status st = PXC_OK;
    uint8_t *row = NULL;
    const uint16_t extra[1] = {EXTRASAMPLE_UNASSALPHA};
    if (!TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, d->width) ||
        !TIFFSetField(tif, TIFFTAG_IMAGELENGTH, d->height) ||
        !TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, bps) ||
        !TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, spp) ||
        !TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT) ||
        !TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) ||
        !TIFFSetField(tif, TIFFTAG_PHOTOMETRIC,
                      spp >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK) ||
        !TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT) ||
        !TIFFSetField(tif, TIFFTAG_COMPRESSION, comp) ||
        (alpha && !TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, extra)) ||
        (comp != COMPRESSION_NONE && !TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL)) ||
        !TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tif, 0))) {
        st = pxc_tiff_fail(&io, err, "while setting the tags");
        goto done;
    }
    row = tiff_alloc(job->budget, row_bytes, err, "a row");
    if (!row) {
        st = err->status;
        goto done;
    }
    const size_t stride = d->row_stride;
    for (uint32_t y = 0; y < d->height; y++) {
        const uint8_t *src = job->pixels + (size_t)y * stride;
        if (fc != sc)
            pxc_convert_row(src, sc, d->sample_type, row, fc, d->sample_type, d->width);
        else
            memcpy(row, src, row_bytes);
        if (TIFFWriteScanline(tif, row, y, 0) < 0 || io.failed) {
            char where[64];
            snprintf(where, sizeof(where), "while writing row %u", y);
            st = pxc_tiff_fail(&io, err, where);
            goto done;
        }
    }
    if (!TIFFFlush(tif) || io.failed) st = pxc_tiff_fail(&io, err, "while finishing the file");
done:
    TIFFClose(tif);
    if (st == PXC_OK && io.failed) st = pxc_tiff_fail(&io, err, "while closing the file");
    pxc_budget_free(job->budget, row, row ? row_bytes : 0);
    return st;
}

const pxc_codec_impl pxc_tiff_libtiff = {
    .name = "tiff.libtiff",
    .kind = PXC_BACKEND_CPU_ONLY,
    .priority = 0,
    .unavailable_reason = NULL,
    .can_decode = NULL,
    .decode = tiff_libtiff_decode,
    .can_encode = tiff_libtiff_can_encode,
    .encode = tiff_libtiff_encode,
};
