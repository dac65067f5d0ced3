/*
 * png.spng: PNG decoding and encoding with libspng (CPU).
 *
 * Decoding picks the libspng output format closest to the requested colour
 * and sample type. When it matches exactly (possibly up to a red/blue swap
 * done in place) the rows are decoded straight into the output buffer;
 * otherwise rows go through a scratch buffer and pxc_convert_row(). No gamma
 * correction is applied. Every CRC is checked, and the chunks after the image
 * data are read up to IEND, so a damaged or cut file is always an error.
 *
 * libspng's own allocations (including zlib's) are charged to the image's
 * budget through a thread-local allocation scope.
 */
#include <spng.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "png.h"
#include "core/convert.h"

/* Largest ancillary chunk libspng may read, and the memory it may keep for them. */
#define PNG_CHUNK_SIZE_LIMIT ((size_t)16 << 20)
#define PNG_CHUNK_CACHE_LIMIT ((size_t)32 << 20)

/* ---- allocation through the image budget -------------------------------- */

typedef union png_block {
    struct {
        size_t total;       /* bytes of the whole block, header included */
        pxc_budget *budget; /* budget charged, or NULL */
    } h;
    max_align_t align;
} png_block;

typedef struct png_alloc_scope {
    pxc_budget *budget;
    pxc_err *err;
    struct png_alloc_scope *prev;
} png_alloc_scope;

static _Thread_local png_alloc_scope *png_scope;

static void png_scope_enter(png_alloc_scope *s, pxc_budget *budget, pxc_err *err)
{
    s->budget = budget;
    s->err = err;
    s->prev = png_scope;
    png_scope = s;
}

static void png_scope_leave(png_alloc_scope *s)
{
    png_scope = s->prev;
}

/* A failed allocation is recorded, so that libspng's code for it (zlib's
   Z_MEM_ERROR becomes SPNG_EIDAT_STREAM, say) is not taken for damaged data. */
static void png_note_oom(png_alloc_scope *s, size_t n)
{
    if (s && s->err && s->err->status == PXC_OK)
        pxc_err_set(s->err, PXC_ERROR_OUT_OF_MEMORY, "out of memory (%zu bytes)", n);
}

static void *png_malloc(size_t n)
{
    png_alloc_scope *s = png_scope;
    pxc_budget *b = s ? s->budget : NULL;
    size_t total;
    if (!pxc_add_size(n, sizeof(png_block), &total)) return NULL;
    if (b && pxc_budget_take(b, total, s->err) != PXC_OK) return NULL;
    png_block *p = malloc(total);
    if (!p) {
        if (b) pxc_budget_give(b, total);
        png_note_oom(s, n);
        return NULL;
    }
    p->h.total = total;
    p->h.budget = b;
    return p + 1;
}

static void png_free(void *ptr)
{
    if (!ptr) return;
    png_block *p = (png_block *)ptr - 1;
    if (p->h.budget) pxc_budget_give(p->h.budget, p->h.total);
    free(p);
}

static void *png_calloc(size_t count, size_t size)
{
    size_t n;
    if (!pxc_mul_size(count, size, &n)) return NULL;
    void *p = png_malloc(n);
    if (p) memset(p, 0, n);
    return p;
}

static void *png_realloc(void *ptr, size_t n)
{
    if (!ptr) return png_malloc(n);
    png_block *old = (png_block *)ptr - 1;
    pxc_budget *b = old->h.budget;
    const size_t old_total = old->h.total;
    size_t total;
    if (!pxc_add_size(n, sizeof(png_block), &total)) return NULL;
    if (b && total > old_total &&
        pxc_budget_take(b, total - old_total, png_scope ? png_scope->err : NULL) != PXC_OK)
        return NULL;
    png_block *p = realloc(old, total);
    if (!p) {
        if (b && total > old_total) pxc_budget_give(b, total - old_total);
        png_note_oom(png_scope, n);
        return NULL;
    }
    if (b && total < old_total) pxc_budget_give(b, old_total - total);
    p->h.total = total;
    return p + 1;
}

static struct spng_alloc png_allocator = {png_malloc, png_realloc, png_calloc, png_free};

/* ---- errors ------------------------------------------------------------- */

static pxc_status png_status_of(int r)
{
    switch (r) {
    case SPNG_IO_EOF:
    case SPNG_EOF:
        return PXC_ERROR_TRUNCATED_DATA;
    case SPNG_EMEM:
    case SPNG_EZLIB_INIT:
        return PXC_ERROR_OUT_OF_MEMORY;
    case SPNG_ECHUNK_LIMITS:
    case SPNG_EUSER_WIDTH:
    case SPNG_EUSER_HEIGHT:
    case SPNG_EOVERFLOW:
        return PXC_ERROR_LIMIT_EXCEEDED;
    case SPNG_ECHUNK_UNKNOWN_CRITICAL:
        return PXC_ERROR_UNSUPPORTED_FEATURE;
    case SPNG_IO_ERROR:
    case SPNG_EIO:
    case SPNG_EINVAL:
    case SPNG_EBUFSIZ:
    case SPNG_EBUF_SET:
    case SPNG_EBADSTATE:
    case SPNG_EFMT:
    case SPNG_EFLAGS:
    case SPNG_ECHUNKAVAIL:
    case SPNG_ENCODE_ONLY:
    case SPNG_EOI:
    case SPNG_ENOPLTE:
    case SPNG_EINTERNAL:
    case SPNG_ECTXTYPE:
    case SPNG_ENOSRC:
    case SPNG_ENODST:
    case SPNG_EOPSTATE:
    case SPNG_ENOTFINAL:
        return PXC_ERROR_INTERNAL;
    default:
        return PXC_ERROR_CORRUPT_DATA;
    }
}

/*
 * Sets err from libspng's code @p r, saying where it happened. A failure
 * already recorded (the budget refusing an allocation, the output buffer
 * failing to grow) wins over libspng's generic "out of memory"/"I/O error".
 */
static pxc_status png_spng_fail(pxc_err *err, int r, const char *where)
{
    if (err && err->status != PXC_OK) {
        pxc_err_prefix(err, "PNG (libspng) %s", where);
        return err->status;
    }
    const pxc_status st = png_status_of(r);
    if (r == SPNG_ECHUNK_LIMITS)
        return pxc_err_set(err, st,
                           "PNG: an ancillary chunk (text, zTXt, iCCP, ...) is larger than %zu MiB, or all of them "
                           "together than %zu MiB, once decompressed (fixed limits against decompression bombs) %s",
                           PNG_CHUNK_SIZE_LIMIT >> 20, PNG_CHUNK_CACHE_LIMIT >> 20, where);
    if (st == PXC_ERROR_TRUNCATED_DATA)
        return pxc_err_set(err, st, "PNG: data ends %s (libspng: %s)", where, spng_strerror(r));
    return pxc_err_set(err, st, "PNG: %s (libspng error %d) %s", spng_strerror(r), r, where);
}

/* Error for a failed allocation of @p what: the budget's text when it refused, else out of memory. */
static pxc_status png_alloc_fail(pxc_err *err, const char *what, size_t n)
{
    if (err && err->status != PXC_OK) {
        pxc_err_prefix(err, "PNG: %s", what);
        return err->status;
    }
    if (n == 0) return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "PNG: out of memory for %s", what);
    return pxc_err_set(err, PXC_ERROR_OUT_OF_MEMORY, "PNG: out of memory for %s (%zu bytes)", what, n);
}

/* ---- decoding ----------------------------------------------------------- */

/*
 * libspng accepts a file whose IEND chunk lacks its CRC. Walk the chunk
 * headers (lengths only; libspng has checked the rest) and make sure IEND is
 * complete, so that every cut file is reported as truncated.
 */
static pxc_status png_check_iend(const uint8_t *d, size_t size, pxc_err *err)
{
    static const uint8_t iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    size_t pos = 8;
    while (size - pos >= 8) {
        const uint32_t len = pxc_rd_be32(d + pos);
        if (memcmp(d + pos + 4, "IEND", 4) == 0) {
            if (size - pos < 12)
                return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA,
                                   "PNG: data ends inside the IEND chunk (its CRC is missing)");
            if (memcmp(d + pos, iend, 12) != 0)
                return pxc_err_set(err, PXC_ERROR_CORRUPT_DATA, "PNG: damaged IEND chunk at byte %zu",
                                   pos);
            return PXC_OK;
        }
        if ((size_t)len + 12 > size - pos) break;
        pos += (size_t)len + 12;
    }
    return pxc_err_set(err, PXC_ERROR_TRUNCATED_DATA, "PNG: data ends at byte %zu without an IEND chunk",
                       size);
}

/* What libspng is asked to produce for a given stream and output. */
typedef struct png_plan {
    int fmt;              /* enum spng_format */
    int flags;            /* enum spng_decode_flags */
    pxc_color_spec color; /* layout of fmt's pixels */
    pxc_sample_type type;
} png_plan;

static void png_set_plan(png_plan *p, int fmt, pxc_color_spec color, pxc_sample_type type)
{
    p->fmt = fmt;
    p->color = color;
    p->type = type;
    /* tRNS becomes alpha whenever the produced pixels carry alpha. */
    p->flags = (color == PXC_COLOR_RGBA || color == PXC_COLOR_GRAY_ALPHA) ? SPNG_DECODE_TRNS : 0;
}

/* @p base is the output colour with BGR/BGRA folded into RGB/RGBA. */
static void png_plan_decode(png_plan *p, uint8_t ct, uint8_t depth, pxc_color_spec base,
                            pxc_sample_type ot)
{
    const bool u16 = ot == PXC_SAMPLE_U16;
    switch (base) {
    case PXC_COLOR_RGBA:
        png_set_plan(p, u16 ? SPNG_FMT_RGBA16 : SPNG_FMT_RGBA8, PXC_COLOR_RGBA, ot);
        return;
    case PXC_COLOR_RGB:
        if (!u16)
            png_set_plan(p, SPNG_FMT_RGB8, PXC_COLOR_RGB, PXC_SAMPLE_U8);
        else if (ct == PXC_PNG_RGB && depth == 16)
            png_set_plan(p, SPNG_FMT_PNG, PXC_COLOR_RGB, PXC_SAMPLE_U16);
        else
            png_set_plan(p, SPNG_FMT_RGBA16, PXC_COLOR_RGBA, PXC_SAMPLE_U16);
        return;
    default: { /* GRAY or GRAY_ALPHA */
        const bool ga = base == PXC_COLOR_GRAY_ALPHA;
        if (ct == PXC_PNG_GRAY && depth <= 8)
            png_set_plan(p, ga ? SPNG_FMT_GA8 : SPNG_FMT_G8,
                         ga ? PXC_COLOR_GRAY_ALPHA : PXC_COLOR_GRAY, PXC_SAMPLE_U8);
        else if (ct == PXC_PNG_GRAY)
            png_set_plan(p, ga ? SPNG_FMT_GA16 : SPNG_FMT_PNG,
                         ga ? PXC_COLOR_GRAY_ALPHA : PXC_COLOR_GRAY, PXC_SAMPLE_U16);
        else if (ct == PXC_PNG_GRAY_ALPHA)
            png_set_plan(p, SPNG_FMT_PNG, PXC_COLOR_GRAY_ALPHA,
                         depth == 16 ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8);
        else if (!u16 && !ga)
            png_set_plan(p, SPNG_FMT_RGB8, PXC_COLOR_RGB, PXC_SAMPLE_U8);
        else
            png_set_plan(p, u16 ? SPNG_FMT_RGBA16 : SPNG_FMT_RGBA8, PXC_COLOR_RGBA, ot);
        return;
    }
    }
}

/* Swaps the first and third sample of each pixel (RGB <-> BGR) in place. */
static void png_swap_rb(uint8_t *row, size_t width, uint32_t channels, pxc_sample_type type)
{
    if (type == PXC_SAMPLE_U16) {
        uint16_t *px = (uint16_t *)(void *)row;
        for (size_t i = 0; i < width; i++, px += channels) {
            const uint16_t t = px[0];
            px[0] = px[2];
            px[2] = t;
        }
    } else {
        uint8_t *px = row;
        for (size_t i = 0; i < width; i++, px += channels) {
            const uint8_t t = px[0];
            px[0] = px[2];
            px[2] = t;
        }
    }
}

static pxc_status png_spng_decode(pxc_decode_job *job)
{
    const pxc_image_info *info = job->info;
    pxc_err *err = job->err;
    const pxc_color_spec oc = job->out_color;
    const pxc_sample_type ot = job->out_type;

    pxc_color_spec base;
    switch (oc) {
    case PXC_COLOR_GRAY:
    case PXC_COLOR_GRAY_ALPHA:
    case PXC_COLOR_RGB:
    case PXC_COLOR_RGBA:
        base = oc;
        break;
    case PXC_COLOR_BGR:
        base = PXC_COLOR_RGB;
        break;
    case PXC_COLOR_BGRA:
        base = PXC_COLOR_RGBA;
        break;
    default:
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "PNG: cannot decode to %s samples (gray, gray+alpha, RGB, BGR, RGBA or "
                           "BGRA only)",
                           pxc_color_spec_name(oc));
    }
    if (ot != PXC_SAMPLE_U8 && ot != PXC_SAMPLE_U16)
        return pxc_err_set(err, PXC_ERROR_INVALID_ARGUMENT, "PNG: unknown output sample type %d",
                           (int)ot);

    png_alloc_scope scope;
    png_scope_enter(&scope, job->budget, err);

    pxc_status st = PXC_OK;
    uint8_t *scratch = NULL;
    size_t scratch_size = 0;
    char where[96];
    int r;

    spng_ctx *c = spng_ctx_new2(&png_allocator, 0);
    if (!c) {
        st = png_alloc_fail(err, "the libspng decoder", 0);
        goto done;
    }
    /* Every CRC error is fatal, ancillary chunks included. */
    if ((r = spng_set_crc_action(c, SPNG_CRC_ERROR, SPNG_CRC_ERROR)) != 0 ||
        (r = spng_set_image_limits(c, info->width, info->height)) != 0 ||
        (r = spng_set_chunk_limits(c, PNG_CHUNK_SIZE_LIMIT, PNG_CHUNK_CACHE_LIMIT)) != 0 ||
        (r = spng_set_png_buffer(c, job->data, job->size)) != 0) {
        st = png_spng_fail(err, r, "while setting up the decoder");
        goto done;
    }

    struct spng_ihdr ihdr;
    if ((r = spng_get_ihdr(c, &ihdr)) != 0) {
        st = png_spng_fail(err, r, "in the IHDR chunk");
        goto done;
    }
    if (ihdr.width != info->width || ihdr.height != info->height) {
        st = pxc_err_set(err, PXC_ERROR_INTERNAL,
                         "PNG: libspng reads %u x %u but the header was parsed as %u x %u",
                         ihdr.width, ihdr.height, info->width, info->height);
        goto done;
    }

    const size_t width = ihdr.width, height = ihdr.height;
    const bool interlaced = ihdr.interlace_method != 0;
    png_plan plan;
    png_plan_decode(&plan, ihdr.color_type, ihdr.bit_depth, base, ot);
    const bool direct = plan.color == base && plan.type == ot;
    const bool swap = direct && base != oc;

    size_t row_bytes, out_row_bytes;
    if (!pxc_mul3_size(width, pxc_color_spec_channels(plan.color), pxc_sample_size(plan.type),
                       &row_bytes) ||
        !pxc_mul3_size(width, job->out_channels, pxc_sample_size(ot), &out_row_bytes) ||
        out_row_bytes > job->out_stride) {
        st = pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "PNG: rows of %zu pixels are too large",
                         width);
        goto done;
    }
    if (!direct) {
        if (!pxc_can_convert(plan.color, oc)) {
            st = pxc_err_set(err, PXC_ERROR_INTERNAL, "PNG: no conversion from %s to %s",
                             pxc_color_spec_name(plan.color), pxc_color_spec_name(oc));
            goto done;
        }
        /* Interlaced passes revisit every row, so they need the whole image. */
        scratch_size = row_bytes;
        if (interlaced && !pxc_mul_size(row_bytes, height, &scratch_size)) {
            st = pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED,
                             "PNG: a %zu x %zu interlaced image is too large", width, height);
            goto done;
        }
        scratch = pxc_budget_malloc(job->budget, scratch_size, err);
        if (!scratch) {
            st = png_alloc_fail(err, interlaced ? "the interlaced image before conversion"
                                                : "a row before conversion",
                                scratch_size);
            goto done;
        }
    }

    r = spng_decode_image(c, NULL, 0, plan.fmt, plan.flags | SPNG_DECODE_PROGRESSIVE);
    if (r != 0) {
        st = png_spng_fail(err, r, "at the start of the image data");
        goto done;
    }

    for (;;) {
        struct spng_row_info ri;
        r = spng_get_row_info(c, &ri);
        if (r == SPNG_EOI) break;
        if (r != 0) {
            st = png_spng_fail(err, r, "while decoding");
            goto done;
        }
        const size_t y = ri.row_num;
        if (y >= height) {
            st = pxc_err_set(err, PXC_ERROR_INTERNAL, "PNG: libspng returned row %zu of %zu", y,
                             height);
            goto done;
        }
        uint8_t *dst = job->out + y * job->out_stride;
        uint8_t *target = direct ? dst : interlaced ? scratch + y * row_bytes : scratch;
        r = spng_decode_row(c, target, row_bytes);
        if (r != 0 && r != SPNG_EOI) {
            if (interlaced)
                snprintf(where, sizeof(where), "in Adam7 pass %d, row %zu of %zu", ri.pass + 1,
                         y + 1, height);
            else
                snprintf(where, sizeof(where), "in row %zu of %zu", y + 1, height);
            st = png_spng_fail(err, r, where);
            goto done;
        }
        if (!interlaced) {
            if (swap) png_swap_rb(dst, width, job->out_channels, ot);
            else if (!direct)
                pxc_convert_row(scratch, plan.color, plan.type, dst, oc, ot, width);
        }
        if (r == SPNG_EOI) break;
    }

    /* Read on to IEND: this checks the CRC of the last IDAT and everything after it. */
    r = spng_decode_chunks(c);
    if (r != 0) {
        st = png_spng_fail(err, r, "after the image data, before IEND");
        goto done;
    }
    if ((st = png_check_iend(job->data, job->size, err)) != PXC_OK) goto done;

    if (interlaced) {
        if (swap) {
            for (size_t y = 0; y < height; y++)
                png_swap_rb(job->out + y * job->out_stride, width, job->out_channels, ot);
        } else if (!direct) {
            pxc_convert_image(scratch, row_bytes, plan.color, plan.type, job->out,
                              job->out_stride, oc, ot, width, height);
        }
    }

done:
    if (scratch) pxc_budget_free(job->budget, scratch, scratch_size);
    if (c) spng_ctx_free(c);
    png_scope_leave(&scope);
    return st;
}

/* ---- encoding ----------------------------------------------------------- */

/* PNG colour type for an image of @p color; -1 when PNG has none. */
static int png_color_type_for(pxc_color_spec color)
{
    switch (color) {
    case PXC_COLOR_GRAY: return PXC_PNG_GRAY;
    case PXC_COLOR_GRAY_ALPHA: return PXC_PNG_GRAY_ALPHA;
    case PXC_COLOR_RGB:
    case PXC_COLOR_BGR: return PXC_PNG_RGB;
    case PXC_COLOR_RGBA:
    case PXC_COLOR_BGRA: return PXC_PNG_RGBA;
    default: return -1;
    }
}

static bool png_spng_can_encode(const pxc_encode_job *job, pxc_err *why)
{
    const pxc_image_desc *d = job->desc;
    if (png_color_type_for(d->color_spec) < 0) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE,
                    "PNG: cannot store %s images with %u channels (gray, gray+alpha, RGB, BGR, "
                    "RGBA or BGRA only)",
                    pxc_color_spec_name(d->color_spec), d->num_channels);
        return false;
    }
    if (d->sample_type != PXC_SAMPLE_U8 && d->sample_type != PXC_SAMPLE_U16) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "PNG: unknown sample type %d",
                    (int)d->sample_type);
        return false;
    }
    if (d->width > PXC_PNG_MAX_DIM || d->height > PXC_PNG_MAX_DIM) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE,
                    "PNG: %u x %u is too large; width and height must be below 2^31", d->width,
                    d->height);
        return false;
    }
    return true;
}

static int png_write_out(spng_ctx *c, void *user, void *src, size_t length)
{
    (void)c;
    pxc_encode_job *job = user;
    return pxc_outbuf_append(job->out, src, length, job->err) == PXC_OK ? 0 : SPNG_IO_ERROR;
}

static pxc_status png_spng_encode(pxc_encode_job *job)
{
    const pxc_image_desc *d = job->desc;
    pxc_err *err = job->err;
    const int ct = png_color_type_for(d->color_spec);
    const bool u16 = d->sample_type == PXC_SAMPLE_U16;
    const bool bgr = d->color_spec == PXC_COLOR_BGR || d->color_spec == PXC_COLOR_BGRA;
    if (ct < 0 || (d->sample_type != PXC_SAMPLE_U8 && !u16))
        return pxc_err_set(err, PXC_ERROR_UNSUPPORTED_FEATURE, "PNG: cannot store %s images",
                           pxc_color_spec_name(d->color_spec));

    int level = job->opts ? pxc_options_get_int(job->opts, "png", "png.spng", "compression_level")
                          : 6;
    if (level < 0) level = 0;
    if (level > 9) level = 9;

    png_alloc_scope scope;
    png_scope_enter(&scope, job->budget, err);

    pxc_status st = PXC_OK;
    uint8_t *scratch = NULL;
    size_t row_bytes = 0;
    char where[64];
    int r;

    spng_ctx *c = spng_ctx_new2(&png_allocator, SPNG_CTX_ENCODER);
    if (!c) {
        st = png_alloc_fail(err, "the libspng encoder", 0);
        goto done;
    }

    struct spng_ihdr ihdr = {
        .width = d->width,
        .height = d->height,
        .bit_depth = u16 ? 16 : 8,
        .color_type = (uint8_t)ct,
        .compression_method = 0,
        .filter_method = 0,
        .interlace_method = 0,
    };
    if ((r = spng_set_png_stream(c, png_write_out, job)) != 0 ||
        (r = spng_set_option(c, SPNG_IMG_COMPRESSION_LEVEL, level)) != 0 ||
        (level == 0 && (r = spng_set_option(c, SPNG_FILTER_CHOICE, SPNG_DISABLE_FILTERING)) != 0) ||
        (r = spng_set_ihdr(c, &ihdr)) != 0) {
        st = png_spng_fail(err, r, "while setting up the encoder");
        goto done;
    }

    /* Fewer significant bits than the sample holds: say so in sBIT. */
    const uint32_t bits = u16 ? 16 : 8;
    if (d->precision > 0 && d->precision < bits) {
        const uint8_t p = (uint8_t)d->precision;
        struct spng_sbit sb = {0};
        if (ct == PXC_PNG_GRAY || ct == PXC_PNG_GRAY_ALPHA) sb.grayscale_bits = p;
        else sb.red_bits = sb.green_bits = sb.blue_bits = p;
        if (ct == PXC_PNG_GRAY_ALPHA || ct == PXC_PNG_RGBA) sb.alpha_bits = p;
        if ((r = spng_set_sbit(c, &sb)) != 0) {
            st = png_spng_fail(err, r, "while writing sBIT");
            goto done;
        }
    }

    if (!pxc_mul3_size(d->width, d->num_channels, pxc_sample_size(d->sample_type), &row_bytes)) {
        st = pxc_err_set(err, PXC_ERROR_LIMIT_EXCEEDED, "PNG: rows of %u pixels are too large",
                         d->width);
        goto done;
    }
    if (bgr) {
        scratch = pxc_budget_malloc(job->budget, row_bytes, err);
        if (!scratch) {
            st = png_alloc_fail(err, "a BGR row before encoding", row_bytes);
            goto done;
        }
    }

    r = spng_encode_image(c, NULL, 0, SPNG_FMT_PNG, SPNG_ENCODE_PROGRESSIVE | SPNG_ENCODE_FINALIZE);
    if (r != 0) {
        st = png_spng_fail(err, r, "while writing the header chunks");
        goto done;
    }
    const size_t stride = d->row_stride;
    for (size_t y = 0; y < d->height; y++) {
        const uint8_t *row = job->pixels + y * stride;
        if (bgr) {
            memcpy(scratch, row, row_bytes);
            png_swap_rb(scratch, d->width, d->num_channels, d->sample_type);
            row = scratch;
        }
        r = spng_encode_row(c, row, row_bytes);
        if (r == SPNG_EOI && y + 1 == d->height) break;
        if (r != 0) {
            snprintf(where, sizeof(where), "while writing row %zu of %u", y + 1, d->height);
            st = png_spng_fail(err, r == SPNG_EOI ? SPNG_EINTERNAL : r, where);
            goto done;
        }
    }
    if (r != SPNG_EOI) {
        st = png_spng_fail(err, r ? r : SPNG_ENOTFINAL, "after the last row");
        goto done;
    }

done:
    if (scratch) pxc_budget_free(job->budget, scratch, row_bytes);
    if (c) spng_ctx_free(c);
    png_scope_leave(&scope);
    return st;
}

const pxc_codec_impl pxc_png_spng = {
    .name = "png.spng",
    .kind = PXC_BACKEND_CPU_ONLY,
    .priority = 0,
    .unavailable_reason = NULL,
    .can_decode = NULL,
    .decode = png_spng_decode,
    .can_encode = png_spng_can_encode,
    .encode = png_spng_encode,
};
