/*
 * TIFF: probe, header parsing and the codec definition.
 *
 * Everything goes through libtiff over the bytes in memory (TIFFClientOpenExt
 * with read/seek/size/map callbacks; the file system is never touched).
 * libtiff's messages are collected per handle through TIFFOpenOptions, so they
 * end up in the error detail instead of stderr and no global state is shared
 * between threads.
 *
 * parse() opens the stream (libtiff reads the first directory), describes
 * page 0 and counts the directories; it reads no pixel data. Decisions:
 * - 32-bit floating-point and signed integer samples are refused with
 *   PXC_ERROR_UNSUPPORTED_FEATURE.
 * - JPEG-compressed YCbCr is read as RGB by libtiff (JPEGCOLORMODE_RGB) and
 *   reported as RGB; other photometric interpretations that only libtiff's
 *   TIFFRGBAImage understands (uncompressed YCbCr, CIE L*a*b* ...) are
 *   reported as 8-bit RGB (RGBA with an alpha sample).
 * - A palette image is reported as RGB with 16-bit precision (the colour map
 *   holds 16-bit values).
 * - The Orientation tag is reported in info->orientation (the core applies it).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tiff.h"

/* ---- I/O over memory ---------------------------------------------------- */

static tmsize_t io_read(thandle_t h, void *buf, tmsize_t n)
{
    pxc_tiff_io *io = (pxc_tiff_io *)h;
    if (n <= 0 || io->pos >= io->size) return 0;
    size_t avail = io->size - (size_t)io->pos;
    size_t k = (size_t)n < avail ? (size_t)n : avail;
    memcpy(buf, io->data + io->pos, k);
    io->pos += k;
    return (tmsize_t)k;
}

static tmsize_t io_write(thandle_t h, void *buf, tmsize_t n)
{
    pxc_tiff_io *io = (pxc_tiff_io *)h;
    if (!io->out || n < 0) return -1;
    if (n == 0) return 0;
    size_t at, end;
    if (io->pos > SIZE_MAX || !pxc_add_size(io->base, (size_t)io->pos, &at) ||
        !pxc_add_size(at, (size_t)n, &end)) {
        pxc_err_set(io->err, PXC_ERROR_LIMIT_EXCEEDED, "TIFF: output larger than memory can hold");
        return -1;
    }
    pxc_outbuf *o = io->out;
    if (end > o->size) {
        const size_t old = o->size;
        if (!pxc_outbuf_reserve(o, end - old, io->err)) return -1;
        if (at > old) memset(o->data + old, 0, at - old);
        o->size = end;
    }
    memcpy(o->data + at, buf, (size_t)n);
    io->pos += (uint64_t)n;
    return n;
}

static toff_t io_seek(thandle_t h, toff_t off, int whence)
{
    pxc_tiff_io *io = (pxc_tiff_io *)h;
    uint64_t ref;
    if (whence == SEEK_SET) ref = 0;
    else if (whence == SEEK_CUR) ref = io->pos;
    else if (whence == SEEK_END) ref = io->out ? io->out->size - io->base : io->size;
    else return (toff_t)-1;
    /* toff_t is unsigned; negative relative offsets arrive wrapped around. */
    const uint64_t np = ref + (uint64_t)off;
    if ((int64_t)np < 0) return (toff_t)-1;
    io->pos = np;
    return (toff_t)np;
}

static int io_close(thandle_t h)
{
    (void)h;
    return 0;
}

static toff_t io_size(thandle_t h)
{
    pxc_tiff_io *io = (pxc_tiff_io *)h;
    return io->out ? (toff_t)(io->out->size - io->base) : (toff_t)io->size;
}

static int io_map(thandle_t h, void **base, toff_t *size)
{
    pxc_tiff_io *io = (pxc_tiff_io *)h;
    if (io->out) return 0;
    /* libtiff only reads through the mapping. */
    *base = (void *)(uintptr_t)io->data;
    *size = (toff_t)io->size;
    return 1;
}

static void io_unmap(thandle_t h, void *base, toff_t size)
{
    (void)h;
    (void)base;
    (void)size;
}

static int io_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif;
    pxc_tiff_io *io = (pxc_tiff_io *)user;
    if (io && !io->failed) {
        char text[160];
        vsnprintf(text, sizeof(text), fmt, ap);
        if (module && *module)
            snprintf(io->msg, sizeof(io->msg), "%s: %s", module, text);
        else
            snprintf(io->msg, sizeof(io->msg), "%s", text);
        io->failed = true;
    }
    return 1; /* handled: nothing reaches the global handler (stderr) */
}

static int io_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif;
    (void)user;
    (void)module;
    (void)fmt;
    (void)ap;
    return 1;
}

static TIFF *open_with(pxc_tiff_io *io, const char *mode, tmsize_t max_alloc)
{
    TIFFOpenOptions *opts = TIFFOpenOptionsAlloc();
    if (!opts) {
        snprintf(io->msg, sizeof(io->msg), "out of memory for libtiff's open options");
        io->failed = true;
        return NULL;
    }
    TIFFOpenOptionsSetErrorHandlerExtR(opts, io_error, io);
    TIFFOpenOptionsSetWarningHandlerExtR(opts, io_warning, io);
    if (max_alloc > 0) TIFFOpenOptionsSetMaxSingleMemAlloc(opts, max_alloc);
    TIFF *tif = TIFFClientOpenExt("memory", mode, (thandle_t)io, io_read, io_write, io_seek,
                                  io_close, io_size, io_map, io_unmap, opts);
    TIFFOpenOptionsFree(opts);
    if (!tif && !io->failed) {
        snprintf(io->msg, sizeof(io->msg), "libtiff could not open the stream");
        io->failed = true;
    }
    return tif;
}

TIFF *pxc_tiff_open_read(pxc_tiff_io *io, const uint8_t *data, size_t size, tmsize_t max_alloc)
{
    memset(io, 0, sizeof(*io));
    io->data = data;
    io->size = size;
    return open_with(io, "r", max_alloc);
}

TIFF *pxc_tiff_open_write(pxc_tiff_io *io, pxc_outbuf *out, pxc_err *err)
{
    memset(io, 0, sizeof(*io));
    io->out = out;
    io->base = out->size;
    io->err = err;
    return open_with(io, "w", 0);
}

static bool contains(const char *s, const char *what)
{
    return strstr(s, what) != NULL;
}

pxc_status pxc_tiff_fail(pxc_tiff_io *io, pxc_err *err, const char *where)
{
    if (err && err->status != PXC_OK) {
        pxc_err_prefix(err, "TIFF: %s", where);
        return err->status;
    }
    const char *m = io->failed ? io->msg : "libtiff failed without a message";
    pxc_status st = PXC_ERROR_CORRUPT_DATA;
    /* libtiff has no error codes: failed allocations are told by their texts
       ("Out of memory", "Failed to allocate memory", "malloc(...) failed", and a
       failed insertion into its directory maps, which only allocation fails) */
    if (contains(m, "memory") || contains(m, "malloc") || contains(m, "Insertion in tif_map_dir"))
        st = PXC_ERROR_OUT_OF_MEMORY;
    else if (contains(m, "byte limit") || contains(m, "Maximum") || contains(m, "too large") ||
        contains(m, "Integer overflow") || contains(m, "overflow"))
        st = PXC_ERROR_LIMIT_EXCEEDED;
    else if (contains(m, "Read error") || contains(m, "IO error") || contains(m, "Cannot read") ||
             contains(m, "Can not read") ||
             contains(m, "Not enough data") || contains(m, "EOF") || contains(m, "end of file") ||
             contains(m, "Premature") || contains(m, "premature") || contains(m, "truncated") ||
             contains(m, "past end"))
        st = PXC_ERROR_TRUNCATED_DATA;
    else if (contains(m, "No space"))
        st = PXC_ERROR_OUT_OF_MEMORY;
    return pxc_err_set(err, st, "TIFF: %s (libtiff: %s)", where, m);
}

/* ---- page description --------------------------------------------------- */

static const char *compression_name(uint16_t c)
{
    const TIFFCodec *codec = TIFFFindCODEC(c);
    return codec && codec->name ? codec->name : "unknown";
}

static pxc_chroma_subsampling ycbcr_css(TIFF *tif)
{
    uint16_t h = 2, v = 2;
    TIFFGetFieldDefaulted(tif, TIFFTAG_YCBCRSUBSAMPLING, &h, &v);
    if (h == 1 && v == 1) return PXC_CSS_444;
    if (h == 2 && v == 1) return PXC_CSS_422;
    if (h == 2 && v == 2) return PXC_CSS_420;
    if (h == 1 && v == 2) return PXC_CSS_440;
    if (h == 4 && v == 1) return PXC_CSS_411;
    if (h == 4 && v == 2) return PXC_CSS_410;
    return PXC_CSS_UNKNOWN;
}

pxc_status pxc_tiff_describe(TIFF *tif, uint32_t index, pxc_tiff_page *pg, pxc_err *err)
{
    memset(pg, 0, sizeof(*pg));
    uint32_t w = 0, h = 0;
    if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w) || !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h))
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "TIFF: page %u has no ImageWidth or ImageLength tag", index);
    if (w == 0 || h == 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "TIFF: page %u declares a %u x %u image",
                           index, w, h);
    uint16_t bps = 1, spp = 1, fmt = SAMPLEFORMAT_UINT, photo = 0, planar = PLANARCONFIG_CONTIG;
    uint16_t comp = COMPRESSION_NONE, orient = ORIENTATION_TOPLEFT;
    TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &bps);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &fmt);
    TIFFGetFieldDefaulted(tif, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &comp);
    TIFFGetFieldDefaulted(tif, TIFFTAG_ORIENTATION, &orient);
    if (!TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photo))
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "TIFF: page %u has no PhotometricInterpretation tag", index);
    if (fmt == SAMPLEFORMAT_IEEEFP)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "TIFF: page %u holds %u-bit floating-point samples; only unsigned "
                           "integer samples (1, 2, 4, 8 or 16 bits) are supported",
                           index, bps);
    if (fmt != SAMPLEFORMAT_UINT && fmt != SAMPLEFORMAT_VOID)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "TIFF: page %u has SampleFormat %u (%s); only unsigned integer samples "
                           "are supported",
                           index, fmt, fmt == SAMPLEFORMAT_INT ? "signed integer" : "complex");
    if (!TIFFIsCODECConfigured(comp))
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "TIFF: page %u uses compression %u (%s), which this libtiff build "
                           "cannot decode",
                           index, comp, compression_name(comp));
    if (planar != PLANARCONFIG_CONTIG && planar != PLANARCONFIG_SEPARATE)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "TIFF: page %u has PlanarConfiguration %u",
                           index, planar);
    if (spp == 0)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "TIFF: page %u has 0 samples per pixel",
                           index);

    uint16_t nextra = 0;
    uint16_t *extra = NULL;
    TIFFGetFieldDefaulted(tif, TIFFTAG_EXTRASAMPLES, &nextra, &extra);

    pg->width = w;
    pg->height = h;
    pg->bps = bps;
    pg->spp = spp;
    pg->photometric = photo;
    pg->planar = planar;
    pg->compression = comp;
    pg->orientation = orient >= 1 && orient <= 8 ? orient : 1;
    pg->css = PXC_CSS_444;

    switch (photo) {
    case PHOTOMETRIC_MINISBLACK:
    case PHOTOMETRIC_MINISWHITE:
        pg->kind = PXC_TIFF_GRAY;
        pg->color_samples = 1;
        pg->invert = photo == PHOTOMETRIC_MINISWHITE;
        pg->css = PXC_CSS_GRAY;
        break;
    case PHOTOMETRIC_RGB:
        pg->kind = PXC_TIFF_RGB;
        pg->color_samples = 3;
        break;
    case PHOTOMETRIC_PALETTE:
        pg->kind = PXC_TIFF_PALETTE;
        pg->color_samples = 1;
        if (bps > 8)
            return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                               "TIFF: page %u is a palette image with %u-bit indices (at most 8)",
                               index, bps);
        {
            uint16_t *r, *g, *b;
            if (!TIFFGetField(tif, TIFFTAG_COLORMAP, &r, &g, &b))
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                   "TIFF: page %u is a palette image without a ColorMap tag",
                                   index);
        }
        break;
    case PHOTOMETRIC_SEPARATED: {
        uint16_t inkset = INKSET_CMYK;
        TIFFGetFieldDefaulted(tif, TIFFTAG_INKSET, &inkset);
        if (inkset != INKSET_CMYK || spp < 4)
            return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                               "TIFF: page %u is a separated image with ink set %u and %u samples; "
                               "only CMYK (ink set 1, 4 samples) is supported",
                               index, inkset, spp);
        pg->kind = PXC_TIFF_CMYK;
        pg->color_samples = 4;
        break;
    }
    case PHOTOMETRIC_YCBCR:
        pg->css = ycbcr_css(tif);
        if (comp == COMPRESSION_JPEG && planar == PLANARCONFIG_CONTIG) {
            if (!TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB))
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                                   "TIFF: page %u: libtiff refuses RGB output of its JPEG data",
                                   index);
            pg->kind = PXC_TIFF_RGB;
            pg->color_samples = 3;
            break;
        }
        /* fall through - libtiff's RGBA reader handles subsampled YCbCr */
    default: {
        char emsg[1024];
        if (!TIFFRGBAImageOK(tif, emsg))
            return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                               "TIFF: page %u (photometric %u, %u x %u-bit samples) cannot be read: %.120s",
                               index, photo, spp, bps, emsg);
        pg->kind = PXC_TIFF_RGBA_IMAGE;
        pg->color_samples = spp >= 3 ? 3 : 1;
        pg->has_alpha = nextra > 0 && extra &&
                        (extra[0] == EXTRASAMPLE_ASSOCALPHA || extra[0] == EXTRASAMPLE_UNASSALPHA);
        pg->assoc_alpha = true; /* TIFFRGBAImage premultiplies */
        return PXC_OK;
    }
    }

    if (bps != 1 && bps != 2 && bps != 4 && bps != 8 && bps != 16)
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "TIFF: page %u has %u bits per sample (1, 2, 4, 8 or 16 supported)",
                           index, bps);
    if (spp < pg->color_samples)
        return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA,
                           "TIFF: page %u has photometric %u but only %u samples per pixel", index,
                           photo, spp);
    if (spp > pg->color_samples && pg->kind != PXC_TIFF_CMYK && pg->kind != PXC_TIFF_PALETTE) {
        /* The first extra sample is alpha when ExtraSamples says so. */
        if (nextra > 0 && extra) {
            pg->has_alpha =
                extra[0] == EXTRASAMPLE_ASSOCALPHA || extra[0] == EXTRASAMPLE_UNASSALPHA;
            pg->assoc_alpha = extra[0] == EXTRASAMPLE_ASSOCALPHA;
        }
    }
    return PXC_OK;
}

/* ---- probe and parse ---------------------------------------------------- */

static bool tiff_probe(const uint8_t *d, size_t size)
{
    if (size < 4) return false;
    return (d[0] == 'I' && d[1] == 'I' && (d[2] == 42 || d[2] == 43) && d[3] == 0) ||
           (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && (d[3] == 42 || d[3] == 43));
}

/*
 * libtiff reads a first directory whose link to the next one is cut off as
 * the last directory; a cut file is reported as truncated instead.
 */
static pxc_status check_ifd_complete(const uint8_t *d, size_t size, uint64_t at, bool big_endian,
                                     bool bigtiff, pxc_err *err)
{
    const size_t count_bytes = bigtiff ? 8 : 2, entry = bigtiff ? 20 : 12, link = bigtiff ? 8 : 4;
    if (at > size || size - at < count_bytes)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "TIFF: file ends (%zu bytes) inside the first directory at byte %llu",
                           size, (unsigned long long)at);
    const uint8_t *p = d + at;
    uint64_t n;
    if (bigtiff) {
        n = 0;
        for (int i = 0; i < 8; i++) n |= (uint64_t)p[big_endian ? i : 7 - i] << (8 * (7 - i));
    } else {
        n = big_endian ? pxc_rd_be16(p) : pxc_rd_le16(p);
    }
    const uint64_t need = count_bytes + n * entry + link;
    if (n > 65535 || need > size - at)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "TIFF: file ends (%zu bytes) inside the first directory (%llu entries at "
                           "byte %llu)",
                           size, (unsigned long long)n, (unsigned long long)at);
    return PXC_OK;
}

/* Offset of the directory after the one at @p at, 0 at the end or when it cannot be read. */
static uint64_t next_ifd(const uint8_t *d, size_t size, uint64_t at, bool be, bool big)
{
    const size_t count_bytes = big ? 8 : 2, entry = big ? 20 : 12, link = big ? 8 : 4;
    if (at == 0 || at > size || size - at < count_bytes) return 0;
    uint64_t n = 0;
    for (size_t i = 0; i < count_bytes; i++) n |= (uint64_t)d[at + (be ? i : count_bytes - 1 - i)] << (8 * (count_bytes - 1 - i));
    if (n > (size - at) / entry) return 0;
    const uint64_t where = at + count_bytes + n * entry;
    if (where > size || size - where < link) return 0;
    uint64_t next = 0;
    for (size_t i = 0; i < link; i++) next |= (uint64_t)d[where + (be ? i : link - 1 - i)] << (8 * (link - 1 - i));
    return next;
}

/*
 * Walks the directory chain with constant memory (Floyd's cycle check) and says
 * whether it holds more than @p cap directories. libtiff's own count keeps an
 * entry per directory, so a file with millions of tiny directories is refused
 * here first.
 */
static bool too_many_ifds(const uint8_t *d, size_t size, bool be, bool big, uint64_t cap)
{
    uint64_t first = 0;
    if (big) {
        if (size < 16) return false;
        for (size_t i = 0; i < 8; i++) first |= (uint64_t)d[8 + (be ? i : 7 - i)] << (8 * (7 - i));
    } else {
        first = be ? pxc_rd_be32(d + 4) : pxc_rd_le32(d + 4);
    }
    uint64_t hare = first, tortoise = first, steps = 0;
    while (hare != 0) {
        if (++steps > cap) return true;
        hare = next_ifd(d, size, hare, be, big);
        if (steps % 2 == 0) tortoise = next_ifd(d, size, tortoise, be, big);
        if (hare != 0 && hare == tortoise) return false; /* a loop: no more than `steps` distinct ones */
    }
    return false;
}

/* Describes page @p index (0 = the first) and counts the pages. */
static pxc_status tiff_parse_page(const uint8_t *d, size_t size, uint32_t index, pxc_image_info *info, pxc_err *err)
{
    if (size < 8)
        return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                           "TIFF: file ends after %zu bytes, inside the 8-byte header", size);
    pxc_tiff_io io;
    TIFF *tif = pxc_tiff_open_read(&io, d, size, PXC_TIFF_PARSE_MAX_ALLOC);
    if (!tif) return pxc_tiff_fail(&io, err, "cannot read the header or the first directory");

    pxc_tiff_page pg;
    pxc_status st = PXC_OK;
    if (index > 0 && !TIFFSetDirectory(tif, (tdir_t)index)) {
        char where[64];
        snprintf(where, sizeof(where), "cannot read the directory of page %u", index);
        st = pxc_tiff_fail(&io, err, where);
    }
    if (st == PXC_OK)
        st = check_ifd_complete(d, size, TIFFCurrentDirOffset(tif), TIFFIsBigEndian(tif) != 0,
                                TIFFIsBigTIFF(tif) != 0, err);
    if (st == PXC_OK) st = pxc_tiff_describe(tif, index, &pg, err);
    if (st != PXC_OK) {
        TIFFClose(tif);
        return st;
    }
    if (too_many_ifds(d, size, TIFFIsBigEndian(tif) != 0, TIFFIsBigTIFF(tif) != 0, PXC_TIFF_MAX_PAGES)) {
        TIFFClose(tif);
        return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "TIFF: file declares more than %u pages",
                           PXC_TIFF_MAX_PAGES);
    }
    /* libtiff detects IFD loops and stops at a directory it cannot read. */
    const tdir_t pages = TIFFNumberOfDirectories(tif);
    TIFFClose(tif);
    if (pages > PXC_TIFF_MAX_PAGES)
        return pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "TIFF: file declares %u pages (at most %u)",
                           (unsigned)pages, PXC_TIFF_MAX_PAGES);

    const size_t struct_size = info->struct_size;
    memset(info, 0, sizeof(*info));
    info->struct_size = struct_size;
    pxc_strlcpy(info->codec, "tiff", sizeof(info->codec));
    info->width = pg.width;
    info->height = pg.height;
    info->orientation = pg.orientation;
    info->num_images = pages >= 1 ? (uint32_t)pages : 1;
    info->chroma_subsampling = pg.css;
    info->progressive = 0;
    const uint32_t alpha = pg.has_alpha ? 1 : 0;
    switch (pg.kind) {
    case PXC_TIFF_GRAY:
        info->color_spec = PXC_COLOR_GRAY;
        info->num_channels = 1 + alpha;
        info->precision = pg.bps;
        break;
    case PXC_TIFF_RGB:
        info->color_spec = PXC_COLOR_RGB;
        info->num_channels = 3 + alpha;
        info->precision = pg.bps;
        break;
    case PXC_TIFF_PALETTE:
        info->color_spec = PXC_COLOR_PALETTE;
        info->num_channels = 3;
        info->precision = 16;
        break;
    case PXC_TIFF_CMYK:
        info->color_spec = PXC_COLOR_CMYK;
        info->num_channels = 4;
        info->precision = pg.bps;
        break;
    default:
        info->color_spec = PXC_COLOR_RGB;
        info->num_channels = 3 + alpha;
        info->precision = 8;
        break;
    }
    info->sample_type = info->precision > 8 ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
    return PXC_OK;
}

static pxc_status tiff_parse(const uint8_t *d, size_t size, pxc_image_info *info, pxc_err *err)
{
    return tiff_parse_page(d, size, 0, info, err);
}

static const char *const tiff_extensions[] = {".tif", ".tiff", NULL};
static const char *const tiff_aliases[] = {"libtiff", NULL};

static const pxc_option_def tiff_options[] = {
    {"compression", PXC_OPT_INT, PXC_OPT_ENCODE, 0, 2, 1,
     "compression of written TIFFs: 0 none, 1 LZW (default), 2 Deflate; LZW and Deflate use "
     "the horizontal predictor"},
    {NULL, PXC_OPT_INT, 0, 0, 0, 0, NULL},
};

static const pxc_codec_impl *const tiff_impls[] = {&pxc_tiff_libtiff};

const pxc_codec_def pxc_codec_tiff = {
    .name = "tiff",
    .extensions = tiff_extensions,
    .aliases = tiff_aliases,
    .probe = tiff_probe,
    .parse = tiff_parse,
    .parse_image = tiff_parse_page,
    .options = tiff_options,
    .impls = tiff_impls,
    .num_impls = sizeof(tiff_impls) / sizeof(tiff_impls[0]),
};
