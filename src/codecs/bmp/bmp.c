/*
 * bmp.native: the BMP decoder and encoder (CPU).
 *
 * Decoding goes row by row straight into job->out. Palette images expand
 * through a 256-entry table already converted to the output colour and
 * sample type; 24-bit and 32-bit rows with the usual byte order go through
 * pxc_convert_row() directly from the file; other bit fields are unpacked to
 * RGB(A) first. RLE streams are expanded one row at a time; pixels the
 * stream never sets (delta jumps, early end of line or bitmap) are palette
 * index 0, as Pillow does.
 *
 * Encoding writes 24-bit BI_RGB (BITMAPINFOHEADER) for images without alpha
 * and 32-bit BI_BITFIELDS with an alpha mask (BITMAPV4HEADER) for images
 * with alpha, bottom-up. 16-bit input is reduced to 8 bits (high byte).
 */
#include <string.h>

#include "bmp_internal.h"
#include "core/codec.h"
#include "core/convert.h"

static pxc_status alloc_failed(pxc_err *e)
{
    return e->status != PXC_OK ? e->status
                               : pxc_err_set(e, PXC_ERROR_OUT_OF_MEMORY, "BMP: out of memory");
}

/* ---- decoding ------------------------------------------------------------- */

typedef struct bmp_dec {
    pxc_decode_job *job;
    const pxc_bmp_header *h;
    size_t px;                   /* output bytes per pixel */
    uint8_t pal[256 * 4 * 2];    /* palette in the output colour and type */
} bmp_dec;

static uint8_t *out_row(const bmp_dec *s, uint32_t file_row)
{
    uint32_t y = s->h->top_down ? file_row : s->h->height - 1 - file_row;
    return s->job->out + (size_t)y * s->job->out_stride;
}

static void build_palette(bmp_dec *s)
{
    const pxc_bmp_header *h = s->h;
    uint8_t src[256 * 3];
    memset(src, 0, sizeof(src));
    if (h->gray_palette) {
        for (uint32_t i = 0; i < h->palette_count; i++) src[i] = h->palette[i][0];
        pxc_convert_row(src, PXC_COLOR_GRAY, PXC_SAMPLE_U8, s->pal, s->job->out_color, s->job->out_type, 256);
    } else {
        memcpy(src, h->palette, (size_t)h->palette_count * 3);
        pxc_convert_row(src, PXC_COLOR_RGB, PXC_SAMPLE_U8, s->pal, s->job->out_color, s->job->out_type, 256);
    }
}

/* Writes palette entries for @p n indices. */
static void expand_indices(const bmp_dec *s, const uint8_t *idx, uint32_t n, uint8_t *dst)
{
    const size_t px = s->px;
    switch (px) {
    case 1:
        for (uint32_t x = 0; x < n; x++) dst[x] = s->pal[idx[x]];
        break;
    case 3:
        for (uint32_t x = 0; x < n; x++) memcpy(dst + 3 * (size_t)x, s->pal + 3 * (size_t)idx[x], 3);
        break;
    case 4:
        for (uint32_t x = 0; x < n; x++) memcpy(dst + 4 * (size_t)x, s->pal + 4 * (size_t)idx[x], 4);
        break;
    default:
        for (uint32_t x = 0; x < n; x++) memcpy(dst + px * x, s->pal + px * idx[x], px);
        break;
    }
}

static void palette_row(const bmp_dec *s, const uint8_t *src, uint8_t *dst)
{
    const uint32_t w = s->h->width;
    const size_t px = s->px;
    switch (s->h->bit_count) {
    case 8:
        expand_indices(s, src, w, dst);
        break;
    case 4:
        for (uint32_t x = 0; x < w; x++) {
            unsigned i = (src[x >> 1] >> ((x & 1) ? 0 : 4)) & 15u;
            memcpy(dst + px * x, s->pal + px * i, px);
        }
        break;
    case 2:
        for (uint32_t x = 0; x < w; x++) {
            unsigned i = (src[x >> 2] >> (6 - 2 * (x & 3))) & 3u;
            memcpy(dst + px * x, s->pal + px * i, px);
        }
        break;
    default: /* 1 */
        for (uint32_t x = 0; x < w; x++) {
            unsigned i = (src[x >> 3] >> (7 - (x & 7))) & 1u;
            memcpy(dst + px * x, s->pal + px * i, px);
        }
        break;
    }
}

/* Bit field unpacking: shift, width and an 8-bit scale table per channel. */
typedef struct field {
    uint32_t mask, shift, bits, max;
    uint8_t lut[256];
} field;

static void field_init(field *f, uint32_t mask)
{
    f->mask = mask;
    f->shift = mask ? (uint32_t)__builtin_ctz(mask) : 0;
    f->bits = (uint32_t)__builtin_popcount(mask);
    f->max = f->bits >= 32 ? 0xFFFFFFFFu : (1u << f->bits) - 1u;
    if (f->bits <= 8 && f->bits > 0)
        for (uint32_t v = 0; v <= f->max; v++) f->lut[v] = (uint8_t)((2u * v * 255u + f->max) / (2u * f->max));
}

static inline uint8_t field_get(const field *f, uint32_t pixel)
{
    if (f->bits == 0) return 0;
    uint32_t v = (pixel & f->mask) >> f->shift;
    if (f->bits <= 8) return f->lut[v];
    return (uint8_t)((2ull * v * 255u + f->max) / (2ull * f->max));
}

static void bitfield_row(const pxc_bmp_header *h, const field *f, const uint8_t *src, uint8_t *dst)
{
    const uint32_t w = h->width;
    const uint32_t bpp = h->bit_count / 8;
    const int nc = h->has_alpha ? 4 : 3;
    for (uint32_t x = 0; x < w; x++) {
        const uint8_t *p = src + (size_t)x * bpp;
        uint32_t v;
        if (bpp == 2)
            v = pxc_rd_le16(p);
        else if (bpp == 3)
            v = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
        else
            v = pxc_rd_le32(p);
        uint8_t *o = dst + (size_t)x * (size_t)nc;
        o[0] = field_get(&f[0], v);
        o[1] = field_get(&f[1], v);
        o[2] = field_get(&f[2], v);
        if (nc == 4) o[3] = field_get(&f[3], v);
    }
}

/*
 * 8-bit B, G, R (sn = 3) or B, G, R, A/X (sn = 4) pixels to RGB, BGR, RGBA or
 * BGRA; false for other outputs (left to pxc_convert_row()).
 */
static inline bool bgr_row_fast(const uint8_t *restrict src, uint32_t sn, bool src_alpha, uint8_t *restrict dst,
                                pxc_color_spec dc, pxc_sample_type dt, uint32_t w)
{
    if (dt != PXC_SAMPLE_U8) return false;
    switch (dc) {
    case PXC_COLOR_RGB:
        for (uint32_t x = 0; x < w; x++, src += sn, dst += 3) {
            dst[0] = src[2];
            dst[1] = src[1];
            dst[2] = src[0];
        }
        return true;
    case PXC_COLOR_BGR:
        for (uint32_t x = 0; x < w; x++, src += sn, dst += 3) {
            dst[0] = src[0];
            dst[1] = src[1];
            dst[2] = src[2];
        }
        return true;
    case PXC_COLOR_RGBA:
        for (uint32_t x = 0; x < w; x++, src += sn, dst += 4) {
            dst[0] = src[2];
            dst[1] = src[1];
            dst[2] = src[0];
            dst[3] = src_alpha ? src[3] : 255;
        }
        return true;
    case PXC_COLOR_BGRA:
        for (uint32_t x = 0; x < w; x++, src += sn, dst += 4) {
            dst[0] = src[0];
            dst[1] = src[1];
            dst[2] = src[2];
            dst[3] = src_alpha ? src[3] : 255;
        }
        return true;
    default:
        return false;
    }
}

static pxc_status decode_uncompressed(bmp_dec *s)
{
    pxc_decode_job *job = s->job;
    const pxc_bmp_header *h = s->h;
    size_t need, body;
    if (!pxc_mul_size(h->row_bytes, (size_t)h->height - 1, &body) || !pxc_add_size(body, h->row_bytes_used, &body) ||
        !pxc_add_size(body, h->pixel_offset, &need))
        return pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA, "BMP: pixel data size overflows");
    if (job->size < need)
        return pxc_err_set(job->err, PXC_ERROR_TRUNCATED_DATA,
                           "BMP: pixel data needs %zu bytes from offset %zu but the file has %zu bytes "
                           "(%u rows of %zu bytes)", body, h->pixel_offset, job->size, h->height,
                           h->row_bytes);
    const uint8_t *base = job->data + h->pixel_offset;

    if (h->bit_count <= 8) {
        build_palette(s);
        for (uint32_t y = 0; y < h->height; y++) palette_row(s, base + (size_t)y * h->row_bytes, out_row(s, y));
        return PXC_OK;
    }
    if (h->bit_count == 24 && h->compression == PXC_BMP_RGB) {
        for (uint32_t y = 0; y < h->height; y++) {
            const uint8_t *src = base + (size_t)y * h->row_bytes;
            uint8_t *dst = out_row(s, y);
            if (!bgr_row_fast(src, 3, false, dst, job->out_color, job->out_type, h->width))
                pxc_convert_row(src, PXC_COLOR_BGR, PXC_SAMPLE_U8, dst, job->out_color, job->out_type, h->width);
        }
        return PXC_OK;
    }
    if (h->standard_masks) {
        /* B, G, R, A/X bytes; an X byte never becomes alpha */
        const bool fast = job->out_type == PXC_SAMPLE_U8 && job->out_color != PXC_COLOR_GRAY &&
                          job->out_color != PXC_COLOR_GRAY_ALPHA;
        if (fast || h->has_alpha || !pxc_color_has_alpha(job->out_color)) {
            for (uint32_t y = 0; y < h->height; y++) {
                const uint8_t *src = base + (size_t)y * h->row_bytes;
                uint8_t *dst = out_row(s, y);
                if (!bgr_row_fast(src, 4, h->has_alpha, dst, job->out_color, job->out_type, h->width))
                    pxc_convert_row(src, PXC_COLOR_BGRA, PXC_SAMPLE_U8, dst, job->out_color, job->out_type,
                                    h->width);
            }
            return PXC_OK;
        }
    }
    /* any bit fields */
    field f[4];
    for (int c = 0; c < 4; c++) field_init(&f[c], h->mask[c]);
    const pxc_color_spec mid = h->has_alpha ? PXC_COLOR_RGBA : PXC_COLOR_RGB;
    const bool direct = job->out_color == mid && job->out_type == PXC_SAMPLE_U8;
    uint8_t *tmp = NULL;
    size_t tmp_size = 0;
    if (!direct) {
        if (!pxc_mul_size(h->width, 4, &tmp_size))
            return pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA, "BMP: width %u is too large", h->width);
        tmp = pxc_budget_malloc(job->budget, tmp_size, job->err);
        if (!tmp) return alloc_failed(job->err);
    }
    for (uint32_t y = 0; y < h->height; y++) {
        uint8_t *dst = out_row(s, y);
        bitfield_row(h, f, base + (size_t)y * h->row_bytes, direct ? dst : tmp);
        if (!direct) pxc_convert_row(tmp, mid, PXC_SAMPLE_U8, dst, job->out_color, job->out_type, h->width);
    }
    pxc_budget_free(job->budget, tmp, tmp_size);
    return PXC_OK;
}

/* RLE state: indices of the current file row, flushed when the row is done. */
typedef struct rle_state {
    bmp_dec *s;
    uint8_t *row;
    uint32_t x, y;   /* position; y counts rows flushed */
} rle_state;

static void rle_flush(rle_state *r)
{
    const pxc_bmp_header *h = r->s->h;
    if (r->y < h->height) {
        expand_indices(r->s, r->row, h->width, out_row(r->s, r->y));
        r->y++;
    }
    memset(r->row, 0, h->width);
    r->x = 0;
}

static pxc_status rle_decode(bmp_dec *s)
{
    pxc_decode_job *job = s->job;
    const pxc_bmp_header *h = s->h;
    const bool rle4 = h->compression == PXC_BMP_RLE4;
    const char *name = rle4 ? "RLE4" : "RLE8";
    const uint32_t w = h->width, hgt = h->height;
    if (h->pixel_offset > job->size)
        return pxc_err_set(job->err, PXC_ERROR_TRUNCATED_DATA,
                           "BMP: pixel data offset %zu lies past the end of the file (%zu bytes)",
                           h->pixel_offset, job->size);
    build_palette(s);
    rle_state r = {s, NULL, 0, 0};
    r.row = pxc_budget_calloc(job->budget, w, 1, job->err);
    if (!r.row) return alloc_failed(job->err);

    const uint8_t *p = job->data + h->pixel_offset;
    const uint8_t *end = job->data + job->size;
    pxc_status st = PXC_OK;
    for (;;) {
        if (end - p < 2) {
            /* no end-of-bitmap marker: fine once every row has been written */
            if (r.y + 1 == hgt && r.x == w) rle_flush(&r);
            if (r.y < hgt)
                st = pxc_err_set(job->err, PXC_ERROR_TRUNCATED_DATA,
                                 "BMP: %s data ends in row %u of %u", name, r.y, hgt);
            break;
        }
        const uint32_t n = p[0], v = p[1];
        p += 2;
        if (n > 0) {
            /* encoded run of n pixels */
            if (r.y >= hgt) {
                st = pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA,
                                 "BMP: %s run of %u pixels after the last row", name, n);
                break;
            }
            if (n > w - r.x) {
                st = pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA,
                                 "BMP: %s run of %u pixels passes the end of row %u (width %u)", name, n,
                                 r.y, w);
                break;
            }
            if (rle4) {
                const uint8_t pair[2] = {(uint8_t)(v >> 4), (uint8_t)(v & 15u)};
                for (uint32_t i = 0; i < n; i++) r.row[r.x + i] = pair[i & 1];
            } else {
                memset(r.row + r.x, (int)v, n);
            }
            r.x += n;
        } else if (v == 0) {
            /* end of line */
            rle_flush(&r);
        } else if (v == 1) {
            /* end of bitmap: the rest stays index 0 */
            while (r.y < hgt) rle_flush(&r);
            break;
        } else if (v == 2) {
            if (end - p < 2) {
                st = pxc_err_set(job->err, PXC_ERROR_TRUNCATED_DATA, "BMP: %s data ends inside a delta", name);
                break;
            }
            const uint32_t dx = p[0], dy = p[1];
            p += 2;
            const uint32_t nx = r.x + dx;
            const uint64_t ny = (uint64_t)r.y + dy;
            if ((dx | dy) != 0 && (ny > hgt || (ny == hgt && nx > 0))) {
                st = pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA,
                                 "BMP: %s delta (%u, %u) from row %u moves past the last row (height %u)",
                                 name, dx, dy, r.y, hgt);
                break;
            }
            if (nx > w) {
                st = pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA,
                                 "BMP: %s delta (%u, %u) from column %u passes the end of row %u (width %u)",
                                 name, dx, dy, r.x, r.y, w);
                break;
            }
            for (uint32_t i = 0; i < dy; i++) rle_flush(&r);
            r.x = nx;
        } else {
            /* absolute run of v pixels */
            const size_t bytes = rle4 ? (v + 1) / 2 : v;
            if (r.y >= hgt) {
                st = pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA,
                                 "BMP: %s absolute run of %u pixels after the last row", name, v);
                break;
            }
            if (v > w - r.x) {
                st = pxc_err_set(job->err, PXC_ERROR_CORRUPT_DATA,
                                 "BMP: %s absolute run of %u pixels passes the end of row %u (width %u)", name,
                                 v, r.y, w);
                break;
            }
            if ((size_t)(end - p) < bytes) {
                st = pxc_err_set(job->err, PXC_ERROR_TRUNCATED_DATA,
                                 "BMP: %s data ends inside an absolute run in row %u", name, r.y);
                break;
            }
            if (rle4) {
                for (uint32_t i = 0; i < v; i++) r.row[r.x + i] = (p[i >> 1] >> ((i & 1) ? 0 : 4)) & 15u;
            } else {
                memcpy(r.row + r.x, p, v);
            }
            r.x += v;
            p += bytes;
            /* runs are padded to a 16-bit boundary */
            if ((bytes & 1) && p < end) p++;
        }
    }
    pxc_budget_free(job->budget, r.row, w);
    return st;
}

static pxc_status bmp_decode(pxc_decode_job *job)
{
    pxc_bmp_header h;
    pxc_status st = pxc_bmp_read_header(job->data, job->size, &h, job->err);
    if (st != PXC_OK) return st;
    if (h.width != job->info->width || h.height != job->info->height)
        return pxc_err_set(job->err, PXC_ERROR_INTERNAL, "BMP: header does not match the parsed image info");
    bmp_dec s;
    s.job = job;
    s.h = &h;
    s.px = (size_t)job->out_channels * pxc_sample_size(job->out_type);
    if (h.compression == PXC_BMP_RLE8 || h.compression == PXC_BMP_RLE4) return rle_decode(&s);
    return decode_uncompressed(&s);
}

/* ---- encoding ------------------------------------------------------------- */

static bool bmp_can_encode(const pxc_encode_job *job, pxc_err *why)
{
    const pxc_image_desc *d = job->desc;
    if (!pxc_color_is_plain(d->color_spec)) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE,
                    "BMP: cannot write %s images with %u channels (gray, gray+alpha, RGB, BGR, RGBA or BGRA)",
                    pxc_color_spec_name(d->color_spec), d->num_channels);
        return false;
    }
    if (d->width > INT32_MAX || d->height > INT32_MAX) {
        pxc_err_set(why, PXC_ERROR_UNSUPPORTED_FEATURE, "BMP: %ux%u is larger than a BMP can describe",
                    d->width, d->height);
        return false;
    }
    return true;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static pxc_status bmp_encode(pxc_encode_job *job)
{
    if (!bmp_can_encode(job, job->err)) return job->err->status;
    const pxc_image_desc *d = job->desc;
    const pxc_color_spec src = d->color_spec;
    const bool alpha = pxc_color_has_alpha(src);
    const uint32_t bpp = alpha ? 32 : 24;
    const uint32_t info_size = alpha ? 108 : 40;
    const size_t head = PXC_BMP_FILE_HEADER + info_size;
    size_t stride, image, total;
    if (!pxc_mul_size(d->width, bpp / 8, &stride) || !pxc_add_size(stride, 3, &stride) ||
        !pxc_mul_size(stride & ~(size_t)3, d->height, &image) || !pxc_add_size(image, head, &total) ||
        total > UINT32_MAX)
        return pxc_err_set(job->err, PXC_ERROR_UNSUPPORTED_FEATURE,
                           "BMP: a %ux%u image does not fit in the 4 GiB a BMP file can hold", d->width,
                           d->height);
    stride &= ~(size_t)3;
    uint8_t *o = pxc_outbuf_reserve(job->out, total, job->err);
    if (!o) return alloc_failed(job->err);
    memset(o, 0, head);
    o[0] = 'B';
    o[1] = 'M';
    put32(o + 2, (uint32_t)total);
    put32(o + 10, (uint32_t)head);
    uint8_t *ih = o + PXC_BMP_FILE_HEADER;
    put32(ih + 0, info_size);
    put32(ih + 4, d->width);
    put32(ih + 8, d->height); /* positive: bottom-up */
    put16(ih + 12, 1);
    put16(ih + 14, bpp);
    put32(ih + 16, alpha ? PXC_BMP_BITFIELDS : PXC_BMP_RGB);
    put32(ih + 20, (uint32_t)image);
    put32(ih + 24, 2835); /* 72 dpi */
    put32(ih + 28, 2835);
    if (alpha) {
        put32(ih + 40, 0x00FF0000u);
        put32(ih + 44, 0x0000FF00u);
        put32(ih + 48, 0x000000FFu);
        put32(ih + 52, 0xFF000000u);
        put32(ih + 56, 0x73524742u); /* LCS_sRGB */
    }
    const pxc_color_spec dst = alpha ? PXC_COLOR_BGRA : PXC_COLOR_BGR;
    const size_t used = (size_t)d->width * (bpp / 8);
    uint8_t *row = o + head;
    for (uint32_t i = 0; i < d->height; i++, row += stride) {
        const uint8_t *sp = job->pixels + (size_t)(d->height - 1 - i) * d->row_stride;
        pxc_convert_row(sp, src, d->sample_type, row, dst, PXC_SAMPLE_U8, d->width);
        memset(row + used, 0, stride - used);
    }
    job->out->size += total;
    return PXC_OK;
}

const pxc_codec_impl pxc_bmp_native = {
    .name = "bmp.native",
    .kind = PXC_BACKEND_CPU_ONLY,
    .priority = 0,
    .unavailable_reason = NULL,
    .can_decode = NULL,
    .decode = bmp_decode,
    .can_encode = bmp_can_encode,
    .encode = bmp_encode,
};
