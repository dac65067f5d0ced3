/*
 * pnm.native: the PBM/PGM/PPM/PAM decoder and encoder (CPU).
 *
 * Decoding scales every sample from 0..maxval to the full range of the
 * output type with rounding (v * 255 / maxval or v * 65535 / maxval) through
 * a table, so any maxval gives exact results without an intermediate type.
 * PBM bits are 1 = black. Samples above maxval are CORRUPT_DATA.
 *
 * Encoding writes P5 (gray), P6 (RGB, BGR reordered) or P7 PAM
 * (GRAYSCALE_ALPHA, RGB_ALPHA) with maxval 255 for 8-bit and 65535 for
 * 16-bit images.
 */
#include <stdio.h>
#include <string.h>

#include "core/codec.h"
#include "core/convert.h"
#include "pnm_internal.h"

static pxc_status alloc_failed(pxc_err *e)
{
    return e->status != PXC_OK ? e->status
                               : pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "PNM: out of memory");
}

static const char *kind_name(const pxc_pnm_header *h)
{
    static const char *const names[8] = {"", "PBM", "PGM", "PPM", "PBM", "PGM", "PPM", "PAM"};
    return names[h->format];
}

/* ---- decoding ------------------------------------------------------------- */

typedef struct pnm_dec {
    pxc_decode_job *job;
    const pxc_pnm_header *h;
    const uint8_t *p, *end;      /* raster cursor */
    const uint16_t *lut;         /* maxval + 1 entries */
    bool wide;                   /* output samples are 16-bit */
    size_t samples;              /* samples per row */
} pnm_dec;

static inline void put_sample(void *row, size_t i, bool wide, uint16_t v)
{
    if (wide)
        ((uint16_t *)row)[i] = v;
    else
        ((uint8_t *)row)[i] = (uint8_t)v;
}

static pxc_status sample_too_big(const pnm_dec *s, uint32_t v, uint32_t y, size_t i)
{
    return pxc_err_set(s->job->err, PXC_ERROR_CORRUPT_DATA,
                       "%s: sample value %u at row %u, column %zu exceeds maxval %u", kind_name(s->h), v, y,
                       i / s->h->depth, s->h->maxval);
}

/* Binary P5, P6, P7 rows. */
static pxc_status raw_row(pnm_dec *s, uint32_t y, void *dst)
{
    const pxc_pnm_header *h = s->h;
    const size_t n = s->samples;
    const uint8_t *p = s->p;
    if (h->maxval <= 255) {
        if (h->maxval == 255 && !s->wide) {
            memcpy(dst, p, n);
        } else {
            for (size_t i = 0; i < n; i++) {
                uint32_t v = p[i];
                if (v > h->maxval) return sample_too_big(s, v, y, i);
                put_sample(dst, i, s->wide, s->lut[v]);
            }
        }
        s->p += n;
    } else {
        for (size_t i = 0; i < n; i++) {
            uint32_t v = pxc_rd_be16(p + 2 * i);
            if (v > h->maxval) return sample_too_big(s, v, y, i);
            put_sample(dst, i, s->wide, s->lut[v]);
        }
        s->p += 2 * n;
    }
    return PXC_OK;
}

/* Binary P4 rows: 1 = black, rows padded to whole bytes. */
static void bit_row(pnm_dec *s, void *dst)
{
    const uint32_t w = s->h->width;
    const uint16_t white = s->wide ? 65535 : 255;
    for (uint32_t x = 0; x < w; x++) {
        bool black = (s->p[x >> 3] >> (7 - (x & 7))) & 1u;
        put_sample(dst, x, s->wide, black ? 0 : white);
    }
    s->p += ((size_t)w + 7) / 8;
}

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skips whitespace and comments in plain rasters; false at the end of the data. */
static bool plain_skip(pnm_dec *s)
{
    const uint8_t *p = s->p;
    while (p < s->end) {
        if (is_ws(*p)) {
            p++;
        } else if (*p == '#') {
            while (p < s->end && *p != '\n' && *p != '\r') p++;
        } else {
            break;
        }
    }
    s->p = p;
    return p < s->end;
}

static pxc_status plain_truncated(const pnm_dec *s, uint32_t y, size_t i)
{
    return pxc_err_set(s->job->err, PXC_ERROR_TRUNCATED_DATA,
                       "%s: the pixel data ends at row %u, column %zu of %ux%u", kind_name(s->h), y,
                       i / s->h->depth, s->h->width, s->h->height);
}

static char printable(uint8_t c)
{
    return (c >= 32 && c < 127) ? (char)c : '?';
}

/* Plain P1 rows: '0' and '1' characters, whitespace optional. */
static pxc_status plain_bit_row(pnm_dec *s, uint32_t y, void *dst)
{
    const uint16_t white = s->wide ? 65535 : 255;
    for (size_t i = 0; i < s->samples; i++) {
        if (!plain_skip(s)) return plain_truncated(s, y, i);
        uint8_t c = *s->p++;
        if (c != '0' && c != '1')
            return pxc_err_set(s->job->err, PXC_ERROR_CORRUPT_DATA,
                               "PBM: unexpected character '%c' in the pixel data at row %u", printable(c), y);
        put_sample(dst, i, s->wide, c == '1' ? 0 : white);
    }
    return PXC_OK;
}

/* Plain P2, P3 rows: decimal numbers separated by whitespace. */
static pxc_status plain_row(pnm_dec *s, uint32_t y, void *dst)
{
    const pxc_pnm_header *h = s->h;
    for (size_t i = 0; i < s->samples; i++) {
        if (!plain_skip(s)) return plain_truncated(s, y, i);
        const uint8_t *p = s->p;
        if (*p < '0' || *p > '9')
            return pxc_err_set(s->job->err, PXC_ERROR_CORRUPT_DATA,
                               "%s: unexpected character '%c' in the pixel data at row %u", kind_name(h),
                               printable(*p), y);
        uint32_t v = 0;
        while (p < s->end && *p >= '0' && *p <= '9') {
            if (v <= 65535) v = v * 10 + (uint32_t)(*p - '0');
            p++;
        }
        if (p < s->end && !is_ws(*p) && *p != '#')
            return pxc_err_set(s->job->err, PXC_ERROR_CORRUPT_DATA,
                               "%s: unexpected character '%c' after a number at row %u", kind_name(h),
                               printable(*p), y);
        s->p = p;
        if (v > h->maxval) return sample_too_big(s, v, y, i);
        put_sample(dst, i, s->wide, s->lut[v]);
    }
    return PXC_OK;
}

static pxc_status pnm_decode_rows(pnm_dec *s)
{
    pxc_decode_job *job = s->job;
    const pxc_pnm_header *h = s->h;
    const size_t es = s->wide ? 2 : 1;
    if (!h->plain) {
        size_t row_bytes, need;
        bool ok = h->bitmap ? (row_bytes = ((size_t)h->width + 7) / 8, true)
                            : pxc_mul_size(s->samples, h->maxval > 255 ? 2 : 1, &row_bytes);
        if (!ok || !pxc_mul_size(row_bytes, h->height, &need))
            return pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA, "%s: image size overflows", kind_name(h));
        if ((size_t)(s->end - s->p) < need)
            return pxc_err_set(job->err, PXC_ERROR_TRUNCATED_DATA,
                               "%s: pixel data needs %zu bytes after the header but %zu remain", kind_name(h),
                               need, (size_t)(s->end - s->p));
    }
    const bool direct = job->out_color == h->color;
    uint8_t *tmp = NULL;
    size_t tmp_size = 0;
    if (!direct) {
        if (!pxc_mul_size(s->samples, es, &tmp_size))
            return pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA, "%s: width %u is too large", kind_name(h),
                               h->width);
        tmp = pxc_budget_malloc(job->budget, tmp_size, job->err);
        if (!tmp) return alloc_failed(job->err);
    }
    pxc_status st = PXC_OK;
    const pxc_sample_type t = s->wide ? PXC_SAMPLE_U16 : PXC_SAMPLE_U8;
    for (uint32_t y = 0; y < h->height && st == PXC_OK; y++) {
        uint8_t *out = job->out + (size_t)y * job->out_stride;
        void *dst = direct ? (void *)out : (void *)tmp;
        if (h->plain)
            st = h->bitmap ? plain_bit_row(s, y, dst) : plain_row(s, y, dst);
        else if (h->bitmap)
            bit_row(s, dst);
        else
            st = raw_row(s, y, dst);
        if (st == PXC_OK && !direct) pxc_convert_row(tmp, h->color, t, out, job->out_color, t, h->width);
    }
    pxc_budget_free(job->budget, tmp, tmp_size);
    return st;
}

static pxc_status pnm_decode(pxc_decode_job *job)
{
    pxc_pnm_header h;
    pxc_status st = pxc_pnm_read_header(job->data, job->size, &h, job->err);
    if (st != PXC_OK) return st;
    if (h.width != job->info->width || h.height != job->info->height)
        return pxc_err_set(job->err, PXC_ERROR_INTERNAL, "PNM: header does not match the parsed image info");
    pnm_dec s;
    s.job = job;
    s.h = &h;
    s.p = job->data + h.data_offset;
    s.end = job->data + job->size;
    s.wide = job->out_type == PXC_SAMPLE_U16;
    if (!pxc_mul_size(h.width, h.depth, &s.samples))
        return pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA, "%s: width %u is too large", kind_name(&h), h.width);
    /* scale table: round(v * out_max / maxval) */
    const size_t lut_size = ((size_t)h.maxval + 1) * sizeof(uint16_t);
    uint16_t *lut = pxc_budget_malloc(job->budget, lut_size, job->err);
    if (!lut) return alloc_failed(job->err);
    const uint64_t out_max = s.wide ? 65535u : 255u;
    for (uint32_t v = 0; v <= h.maxval; v++)
        lut[v] = (uint16_t)((2u * v * out_max + h.maxval) / (2u * (uint64_t)h.maxval));
    s.lut = lut;
    st = pnm_decode_rows(&s);
    pxc_budget_free(job->budget, lut, lut_size);
    return st;
}

/* ---- encoding ------------------------------------------------------------- */

static bool pnm_can_encode(const pxc_encode_job *job, pxc_err *why)
{
    const pxc_image_desc *d = job->desc;
    if (!pxc_color_is_plain(d->color_spec)) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE,
                    "PNM: cannot write %s images with %u channels (gray, gray+alpha, RGB, BGR, RGBA or BGRA)",
                    pxc_color_spec_name(d->color_spec), d->num_channels);
        return false;
    }
    return true;
}

static pxc_status pnm_encode(pxc_encode_job *job)
{
    if (!pnm_can_encode(job, job->err)) return job->err->status;
    const pxc_image_desc *d = job->desc;
    const pxc_color_spec src = d->color_spec;
    const bool wide = d->sample_type == PXC_SAMPLE_U16;
    const unsigned maxval = wide ? 65535u : 255u;
    const uint32_t nc = d->num_channels;
    char head[160];
    int hl;
    if (src == PXC_COLOR_GRAY || src == PXC_COLOR_RGB || src == PXC_COLOR_BGR)
        hl = snprintf(head, sizeof(head), "P%c\n%u %u\n%u\n", src == PXC_COLOR_GRAY ? '5' : '6', d->width,
                      d->height, maxval);
    else
        hl = snprintf(head, sizeof(head), "P7\nWIDTH %u\nHEIGHT %u\nDEPTH %u\nMAXVAL %u\nTUPLTYPE %s\nENDHDR\n",
                      d->width, d->height, nc, maxval, nc == 2 ? "GRAYSCALE_ALPHA" : "RGB_ALPHA");
    if (hl < 0 || (size_t)hl >= sizeof(head))
        return pxc_err_set(job->err, PXC_ERROR_INTERNAL, "PNM: header does not fit");
    size_t row_bytes, total;
    if (!pxc_mul3_size(d->width, nc, wide ? 2 : 1, &row_bytes) || !pxc_mul_size(row_bytes, d->height, &total) ||
        !pxc_add_size(total, (size_t)hl, &total))
        return pxc_err_set(job->err, PXC_ERROR_LIMIT_EXCEEDED, "PNM: %ux%u image is too large", d->width,
                           d->height);
    uint8_t *o = pxc_outbuf_reserve(job->out, total, job->err);
    if (!o) return alloc_failed(job->err);
    memcpy(o, head, (size_t)hl);
    /* channel order of the output (RGB, RGBA) in the source */
    static const uint32_t identity[4] = {0, 1, 2, 3}, swapped[4] = {2, 1, 0, 3};
    const uint32_t *order = (src == PXC_COLOR_BGR || src == PXC_COLOR_BGRA) ? swapped : identity;
    uint8_t *dst = o + hl;
    for (uint32_t y = 0; y < d->height; y++, dst += row_bytes) {
        const uint8_t *row = job->pixels + (size_t)y * d->row_stride;
        if (!wide) {
            if (order == identity) {
                memcpy(dst, row, row_bytes);
            } else {
                for (uint32_t x = 0; x < d->width; x++)
                    for (uint32_t c = 0; c < nc; c++)
                        dst[(size_t)x * nc + c] = row[(size_t)x * nc + order[c]];
            }
        } else {
            for (uint32_t x = 0; x < d->width; x++) {
                for (uint32_t c = 0; c < nc; c++) {
                    uint16_t v;
                    memcpy(&v, row + 2 * ((size_t)x * nc + order[c]), 2);
                    uint8_t *q = dst + 2 * ((size_t)x * nc + c);
                    q[0] = (uint8_t)(v >> 8);
                    q[1] = (uint8_t)v;
                }
            }
        }
    }
    job->out->size += total;
    return PXC_OK;
}

const pxc_codec_impl pxc_pnm_native = {
    .name = "pnm.native",
    .kind = PXC_BACKEND_CPU_ONLY,
    .priority = 0,
    .unavailable_reason = NULL,
    .can_decode = NULL,
    .decode = pnm_decode,
    .can_encode = pnm_can_encode,
    .encode = pnm_encode,
};
